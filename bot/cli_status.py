"""`expe50 status`: the running bot's health, in French, for an operator and a supervisor.

What it says: whether a bot serves the database, each channel (started, connected), the mailbox's last sync
and UIDVALIDITY, the outbox (pending, retrying, given up), the scheduler's next runs, the database's size and
last compaction, the version. Exit 0 when healthy; 1 when a configured part is down (the mailbox
disconnected, mail waiting on an unreachable SMTP server, the scheduler stopped); 3 when no bot runs on
this database (a supervisor restarts it). `--json` gives the same as one object.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bot.app import App
from bot.session import Session
from bot.setting import PARIS
from store import schema
from store.mailbox import Mailbox
from store.outbox import FAILED, PENDING, SENDING
from templates import datetime_fr, number, text

EXIT_HEALTHY, EXIT_UNHEALTHY, EXIT_NOT_RUNNING = 0, 1, 3


@dataclass
class Status:
    running: bool
    version: str
    db: str
    db_bytes: int
    journal_bytes: int
    last_compaction: str | None
    channels: dict[str, str] = field(default_factory=dict)  # name -> state key (ok, down, off, …)
    mailbox: dict[str, Any] = field(default_factory=dict)
    outbox: dict[str, int] = field(default_factory=dict)
    next_runs: dict[str, str | None] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # template keys of what is wrong

    @property
    def healthy(self) -> bool:
        return self.running and not self.problems


def run_status(args: argparse.Namespace, session: Session) -> int:
    with session.ctx.lock:
        status = collect(session.app, running=session.forwarded)
    if args.json:
        payload = {**asdict(status), "healthy": status.healthy}
        session.out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        session.out.write(render(status))
    if not status.running:
        return EXIT_NOT_RUNNING
    return EXIT_HEALTHY if status.healthy else EXIT_UNHEALTHY


def _version() -> str:
    try:
        return metadata.version("expe50-bot")
    except metadata.PackageNotFoundError:
        return "?"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def collect(app: App, *, running: bool) -> Status:
    db = app.settings.db_path
    journal = db.with_name(db.name + ".wal")
    status = Status(
        running=running,
        version=_version(),
        db=str(db.absolute()),
        db_bytes=_size(db),
        journal_bytes=_size(journal),
        # The snapshot is rewritten only by a compaction: its modification time is the last one.
        last_compaction=_iso(datetime.fromtimestamp(db.stat().st_mtime).astimezone())
        if db.exists()
        else None,
    )
    settings = app.settings
    mail = settings.mail
    status.channels["slack"] = "off" if settings.slack is None else ("ok" if app.slack else "down")
    status.channels["outbox"] = (
        "off" if mail is None else ("ok" if app.worker and app.worker.running else "down")
    )
    if mail is None or mail.imap is None:
        status.channels["mail"] = "off"
    else:
        watcher = app.watcher
        status.channels["mail"] = "ok" if watcher is not None and watcher.connected else "down"
        uidvalidity, last_uid = Mailbox(app.ctx.repo.database).folder_state(mail.imap.folder)
        status.mailbox = {
            "folder": mail.imap.folder,
            "last_sync": _iso(watcher.last_sync) if watcher else None,
            "uidvalidity": uidvalidity,
            "last_uid": last_uid,
            "last_error": watcher.last_error if watcher else None,
        }
    scheduler = app.scheduler
    status.channels["scheduler"] = "ok" if scheduler is not None and scheduler.running else "down"
    if scheduler is not None:
        for job in scheduler.get_jobs():
            status.next_runs[job.id.removeprefix("expe50-")] = _iso(job.next_run_time)
    status.channels["control"] = "ok" if running else "down"
    table = app.ctx.repo.database.table(schema.OUTBOX)
    retrying = sum(1 for doc in table.find(state=PENDING) if int(doc.get("attempts") or 0) > 0)
    status.outbox = {
        "pending": table.count(state=PENDING) + table.count(state=SENDING),
        "retrying": retrying,
        "failed": table.count(state=FAILED),
    }
    if running:
        for name in ("slack", "mail", "outbox", "scheduler"):
            if status.channels[name] == "down":
                status.problems.append(f"status.problem.{name}")
        if retrying:
            status.problems.append("status.problem.retrying")
    return status


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _when(iso: str | None) -> str:
    return datetime_fr(datetime.fromisoformat(iso).astimezone(PARIS)) if iso else text("status.never")


def render(status: Status) -> str:
    lines = [
        text(
            "status.title_ok"
            if status.healthy
            else ("status.title_down" if status.running else "status.title_off")
        )
    ]
    for name, state in status.channels.items():
        lines.append(
            text("status.channel", name=text(f"status.name.{name}"), state=text(f"status.state.{state}"))
        )
    if status.mailbox:
        box = status.mailbox
        lines.append(text("status.mailbox", folder=box["folder"], last_sync=_when(box["last_sync"]),
                          uidvalidity=box["uidvalidity"] or "—", error=box["last_error"] or ""))  # fmt: skip
    lines.append(text("status.outbox", **{k: number(v) for k, v in status.outbox.items()}))
    for job, when in status.next_runs.items():
        lines.append(text("status.next_run", job=text(f"status.job.{job}"), when=_when(when)))
    sizes = {"size": _megabytes(status.db_bytes), "journal": _megabytes(status.journal_bytes)}
    lines.append(text("status.database", db=status.db, compaction=_when(status.last_compaction), **sizes))
    lines.append(text("status.version", version=status.version))
    lines += [text(problem) for problem in status.problems]
    return "\n".join(lines) + "\n"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".replace(".", ",") + " Mo"
