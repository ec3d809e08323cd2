"""A real store (Repository + outbox + ledger on disk), filled with the fakes' records, and a scheduler
service over it whose clock the test moves. `reopen()` is a restart (a new process on the same file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.mail.outbox import OutboxWorker
from bot.mail.smtp import SmtpSettings, SmtpTransport
from bot.scheduler import ConsoleNotifier, EmailNotifier, Router, ScheduleService, SlackNotifier
from rules.parameters import load_parameters
from store.outbox import Outbox
from store.repository import Origin, Repository
from store.schedule_ledger import ScheduleLedger
from tests.scheduler.fakes import AT, store_with_patients
from tests.support.slack_limits import message_problems

SENDER = "expe50@ars.example.org"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class FakeSlack:
    posts: list[dict[str, Any]] = field(default_factory=list)

    def chat_postMessage(self, **kwargs: Any) -> Any:
        """Strict as Slack: a payload Slack would refuse fails the test (tests/support/slack_limits.py)."""
        problems = message_problems(kwargs.get("text"), kwargs.get("blocks"))
        assert not problems, f"Slack would refuse: {problems}"
        self.posts.append(kwargs)
        return {"ok": True}


def fill(path: Path) -> None:
    source = store_with_patients()
    repo = Repository.open(path)
    origin = Origin("setup", "console", AT)
    try:
        for site in source.site_list:
            repo.save_site(site, origin)
        for member in source.member_list:
            repo.save_member(member, origin)
        for patients in source.patient_map.values():
            for patient in patients:
                for entry in (*patient.referrals, *patient.administrations, *patient.ends):
                    repo.add_entry(entry, origin)
    finally:
        repo.close()


@dataclass
class World:
    path: Path
    clock: Clock
    smtp_port: int | None
    slack: FakeSlack | None = None
    printed: list[str] = field(default_factory=list)
    repo: Repository | None = None

    def open(self) -> ScheduleService:
        self.repo = Repository.open(self.path)
        db = self.repo.database
        self.outbox = Outbox(db, SENDER)
        self.ledger = ScheduleLedger(db)
        router = Router()
        if self.smtp_port is not None:
            transport = SmtpTransport(SmtpSettings("127.0.0.1", self.smtp_port, security="none", timeout=5))
            self.worker = OutboxWorker(self.outbox, transport, clock=self.clock)
            router.email = EmailNotifier(self.outbox)
        if self.slack is not None:
            router.slack = SlackNotifier(self.slack, self.ledger)
        router.console = ConsoleNotifier(self.ledger, self.printed.append)
        self.service = ScheduleService(self.repo, load_parameters().all_deadlines, router, self.clock)
        return self.service

    def close(self) -> None:
        if self.repo is not None:
            self.repo.close()
            self.repo = None

    def reopen(self) -> ScheduleService:
        self.close()
        return self.open()
