"""`expe50 reminders` and `expe50 digest`, the scheduler's settings, and its always-on channel starter.

    expe50 reminders [--at 2027-08-02T09:00] [--send]   who gets which reminder at that instant (Paris time)
    expe50 digest [--at DATETIME] [--send]              the ARS digest of that instant, as text and HTML

Without --send nothing is written. With --send the messages go to the configured channels exactly as the
scheduler sends them (same idempotency keys, so the scheduler will not send them again).

Channels come from the Context's extras, filled by their owners at start-up: `ctx.extras["outbox"]`
(store.outbox.Outbox) and `ctx.extras["outbox_worker"]` (its worker, woken after an enqueue) for email,
`ctx.extras["slack_client"]` (a slack_sdk WebClient) for Slack direct messages. With none, the console.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TextIO

from bot.config import Setting, Settings, parse_text, register, register_section
from bot.runtime import ChannelStarter, open_context, register_channel
from bot.schedule_messages import format_instant
from bot.scheduler import (
    ConsoleNotifier,
    EmailNotifier,
    Router,
    ScheduleConfig,
    ScheduleConfigError,
    ScheduleService,
    SlackNotifier,
    schedule_config,
)
from handlers.context import Context
from handlers.digest import WaitingQuestion
from handlers.mail_status import MailFailure, read_failures, read_waiting
from handlers.reminders import PARIS, Status
from store.schedule_ledger import ScheduleLedger
from templates import text

log = logging.getLogger("expe50.scheduler")
ACTIONS = ("reminders", "digest")

for _name, _default, _help in (
    (
        "REMINDER_OFFSETS",
        "30,7,1,0",
        "Rappels d'échéance : nombre de jours avant l'échéance, séparés par des virgules",
    ),
    ("REMINDER_HOUR", "09:00", "Heure des rappels (heure de Paris), les jours ouvrés"),
    ("DIGEST_DAY", "lundi", "Jour de la synthèse hebdomadaire envoyée aux agents ARS"),
    ("DIGEST_HOUR", "08:00", "Heure de la synthèse hebdomadaire (heure de Paris)"),
):
    register(Setting(_name, parse_text, _default, _help))


def _section(env: Mapping[str, str]) -> ScheduleConfig:
    try:
        return schedule_config(env)
    except ScheduleConfigError as error:
        raise ValueError(str(error)) from None


register_section("scheduler", _section)


# ---- wiring ----------------------------------------------------------------------------------------------


def _completeness(ctx: Context) -> Any:
    """The reports handler's completeness, adapted to a deadline; None when it is not available."""
    try:
        from handlers.reports import report_completeness
    except ImportError:
        return None
    kinds = {
        "report:initial": "initial",
        "report:followup:2026": "suivi-2026",
        "report:followup:2027": "suivi-2027",
    }

    def missing(site: Any, deadline: Any, now: datetime) -> list[str] | None:
        kind = next((k for prefix, k in kinds.items() if deadline.key.startswith(prefix)), None)
        if kind is None:
            return None
        try:
            found = report_completeness(ctx.repo, site, kind, now.astimezone(PARIS).date(), ctx.params)
        except Exception:  # readiness is a help, never a reason not to remind
            log.exception("scheduler: report completeness of %s unavailable", site.finess)
            return None
        return [m.label for m in found.missing]

    return missing


def _forfaits(ctx: Context) -> Any:
    """The reports handler's forfaits of a year up to a day (None, shown as "non calculé", on any failure)."""
    try:
        from handlers.reports import forfaits_due_until
    except ImportError:
        return None

    def total(site: Any, year: int, day: Any) -> Any:
        try:
            return forfaits_due_until(ctx, site, year, day)
        except Exception:  # a gap in the rules' covered period must not block the digest
            log.exception("scheduler: forfaits of %s unavailable", site.finess)
            return None

    return total


def _waiting(ctx: Context) -> list[WaitingQuestion]:
    return read_waiting(ctx.repo.database)


def _failures(ctx: Context) -> list[MailFailure]:
    return read_failures(ctx.repo.database)


def build_service(ctx: Context, settings: Settings, *, clock: Any = None) -> ScheduleService:
    ledger = ScheduleLedger(ctx.repo.database)
    router = Router()
    outbox = ctx.extras.get("outbox")
    if outbox is not None:
        worker = ctx.extras.get("outbox_worker")
        router.email = EmailNotifier(outbox, getattr(worker, "wake", None))
    if ctx.extras.get("slack_client") is not None:
        router.slack = SlackNotifier(ctx.extras["slack_client"], ledger)
    router.console = ConsoleNotifier(ledger)
    config = settings.section("scheduler") or ScheduleConfig()
    return ScheduleService(
        ctx.repo,
        ctx.params.all_deadlines,
        router,
        clock or settings.now,
        config,
        completeness=_completeness(ctx),
        forfaits_of=_forfaits(ctx),
        waiting=lambda: _waiting(ctx),
        failures=lambda: _failures(ctx),
        region_name=lambda key: ctx.params.regions[key].name if key in ctx.params.regions else key,
        store_lock=ctx.lock,
    )


class _RunningScheduler:
    def __init__(self, scheduler: Any) -> None:
        self.scheduler = scheduler

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)


def start_scheduler(ctx: Context, settings: Settings) -> _RunningScheduler:
    return _RunningScheduler(build_service(ctx, settings).start())


register_channel(
    ChannelStarter(
        "scheduler",
        enabled=lambda settings: True,
        start=start_scheduler,
        serves_users=False,
        after=("outbox", "slack"),  # build_service looks their outbox and Slack client up at start
    )
)


# ---- the CLI ---------------------------------------------------------------------------------------------


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    for name, help_text in (
        ("reminders", "lister (ou envoyer) les rappels dus à un instant"),
        ("digest", "afficher (ou envoyer) la synthèse hebdomadaire ARS"),
    ):
        sub = commands.add_parser(name, parents=[common], help=help_text)
        sub.add_argument("--at", metavar="DATE", help="instant, heure de Paris (ex. 2027-08-02T09:00)")
        sub.add_argument("--send", action="store_true", help="envoyer par les canaux configurés")
        sub.add_argument("--html", action="store_true", help="(digest) afficher aussi la version HTML")


def parse_instant(raw: str) -> datetime:
    moment = datetime.fromisoformat(raw.strip())
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)


def run(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    try:
        now = parse_instant(args.at) if args.at else settings.now()
    except ValueError:
        print(text("reminders.cli.bad_instant", value=args.at), file=sys.stderr)
        return 1
    ctx = open_context(settings)
    try:
        service = build_service(ctx, settings, clock=lambda: now)
        if args.action == "reminders":
            return _reminders(service, now, args.send, out)
        return _digest(service, now, args.send, args.html, out)
    finally:
        ctx.repo.close()


def _status(status: Status) -> str:
    return text(f"reminders.cli.status_{status.value}")


def _reminders(service: ScheduleService, now: datetime, send: bool, out: TextIO) -> int:
    plan = service.reminder_plan(now)
    items = plan.of_the_day()
    if not items:
        print(text("reminders.cli.none", at=format_instant(now)), file=out)
        return 0
    print(text("reminders.cli.header", at=format_instant(now)), file=out)
    messages = service.reminder_messages(plan, all_of_the_day=True)
    for item, message in zip(items, messages, strict=True):
        notifier = service.router.for_member(message.member)
        channel = notifier.channel if notifier else "—"
        who = message.member.email or message.member.member_id
        print(text("reminders.cli.line", who=who, channel=channel, subject=message.subject,
                   status=_status(item.status)), file=out)  # fmt: skip
        # What the person will read, indented under the line: "who gets what", not only a subject.
        for body_line in message.text.rstrip().splitlines():
            print(f"    {body_line}".rstrip(), file=out)
    for skipped in plan.skipped:
        log.info("skipped %s (%s)", skipped.key, skipped.reason)
    if send:
        report = service.run_reminders(now)
        print(text("reminders.cli.sent", count=len(report.delivered) if report else 0), file=out)
    return 0


def _digest(service: ScheduleService, now: datetime, send: bool, html: bool, out: TextIO) -> int:
    digests = service.digests(now)
    if not digests:
        print(text("reminders.cli.no_digest"), file=out)
        return 0
    for digest, message in zip(digests, service.digest_messages(digests), strict=True):
        print(f"== {message.member.email} [{_status(digest.status)}]", file=out)
        print(message.subject, file=out)
        print(message.text, file=out)
        if html:
            print(message.html, file=out)
    if send:
        report = service.run_digest(now)
        print(text("reminders.cli.sent", count=len(report.delivered) if report else 0), file=out)
    return 0
