"""`expe50 reminders` and `expe50 digest`, and how the scheduler is wired to the Context's store.

    expe50 reminders [--at 2027-08-02T09:00] [--send]   who gets which reminder at that instant (Paris time)
    expe50 digest [--at DATETIME] [--send]              the ARS digest of that instant, as text and HTML

Without --send nothing is written. With --send the messages go through the same outbox and mailer as the
scheduler's (same idempotency keys, so the scheduler will not send them again): inside the running bot when
there is one, else this process sends what it queued before it exits. The command then says how many left,
failed, or wait for a retry (exit 1 unless all left) — a message is never reported sent before the SMTP
server took it. The channels (outbox, Slack client) are built by bot/app.py.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from bot.config import Settings
from bot.schedule_messages import deadline_message, entry_message, format_instant
from bot.scheduler import (
    ConsoleNotifier,
    EmailNotifier,
    Router,
    RunReport,
    ScheduleService,
    SlackNotifier,
    SlackPoster,
)
from bot.session import Session
from handlers import faults
from handlers.context import Context
from handlers.digest import WaitingQuestion
from handlers.mail_status import MailFailure, read_failures, read_waiting
from handlers.reminders import PARIS, DeadlineReminder, Status
from store.outbox import FAILED, SENT
from store.schedule_ledger import ScheduleLedger
from templates import text

log = logging.getLogger("expe50.scheduler")
ACTIONS = ("reminders", "digest")

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
        except Exception as error:  # readiness is a help, never a reason not to remind
            log.error(
                "scheduler: report completeness of %s unavailable: %s", site.finess, faults.where(error)
            )
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
        except Exception as error:  # a gap in the rules' covered period must not block the digest
            log.error("scheduler: forfaits of %s unavailable: %s", site.finess, faults.where(error))
            return None

    return total


def _waiting(ctx: Context) -> list[WaitingQuestion]:
    return read_waiting(ctx.repo.database)


def _failures(ctx: Context) -> list[MailFailure]:
    return read_failures(ctx.repo.database)


def build_service(
    ctx: Context,
    settings: Settings,
    *,
    email: EmailNotifier | None = None,
    slack_client: SlackPoster | None = None,
    console_write: Callable[[str], None] = print,
    clock: Callable[[], datetime] | None = None,
) -> ScheduleService:
    """The scheduler over the Context's store, sending through the channels the composition root built
    (bot/app.py): email through the outbox, Slack direct messages, else the console."""
    ledger = ScheduleLedger(ctx.repo.database)
    router = Router()
    router.email = email
    if slack_client is not None:
        router.slack = SlackNotifier(slack_client, ledger)
    router.console = ConsoleNotifier(ledger, console_write)
    return ScheduleService(
        ctx.repo,
        ctx.params.all_deadlines,
        router,
        clock or settings.now,
        settings.schedule,
        completeness=_completeness(ctx),
        forfaits_of=_forfaits(ctx),
        waiting=lambda: _waiting(ctx),
        failures=lambda: _failures(ctx),
        region_name=lambda key: ctx.params.regions[key].name if key in ctx.params.regions else key,
        store_lock=ctx.lock,
    )


# ---- the CLI ---------------------------------------------------------------------------------------------


def parse_instant(raw: str) -> datetime:
    moment = datetime.fromisoformat(raw.strip())
    return moment.replace(tzinfo=PARIS) if moment.tzinfo is None else moment.astimezone(PARIS)


def run_reminders(args: argparse.Namespace, session: Session) -> int:
    return _run(args, session, "reminders")


def run_digest(args: argparse.Namespace, session: Session) -> int:
    return _run(args, session, "digest")


def _run(args: argparse.Namespace, session: Session, action: str) -> int:
    try:
        now = parse_instant(args.at) if args.at else session.settings.now()
    except ValueError:
        print(text("reminders.cli.bad_instant", value=args.at), file=session.err)
        return 1
    out = session.out
    service = session.app.schedule_service(
        clock=lambda: now, console_write=lambda line: print(line, file=out)
    )
    if action == "reminders":
        with session.ctx.lock:
            _show_reminders(service, now, out)
    else:
        with session.ctx.lock:
            if not _show_digest(service, now, args.html, out):
                return 0
    if not args.send:
        return 0
    report = service.run_reminders(now) if action == "reminders" else service.run_digest(now)
    if report is None:  # the scheduler is running the same round right now: it sends them
        print(text("reminders.cli.busy"), file=out)
        return 0
    return _delivered(session, report, out)


def _delivered(session: Session, report: RunReport, out: TextIO) -> int:
    """Say what left and what did not: emails are followed until the outbox sent them (or gave up)."""
    emails = [message.key for message, channel in report.delivered if channel == "email"]
    others = len(report.delivered) - len(emails)
    states = session.app.settle(emails)
    sent = others + sum(1 for key in emails if states.get(key) == SENT)
    failed = [key for key in emails if states.get(key) == FAILED]
    waiting = [key for key in emails if states.get(key) not in (SENT, FAILED)]
    print(text("reminders.cli.delivery", sent=sent, failed=len(failed), waiting=len(waiting),
               unreachable=len(report.unreachable)), file=out)  # fmt: skip
    for key in failed + waiting:
        item = session.app.outbox.get(key) if session.app.outbox else None
        error = item.last_error if item and item.last_error else text("reminders.cli.not_tried")
        print(text("reminders.cli.not_sent", message=key, error=error), file=out)
    # A recipient with no reachable channel is reported (and logged) but is a standing set-up matter, not a
    # failure of this send: the exit code says whether what could leave has left.
    return 0 if not failed and not waiting else 1


def _status(status: Status) -> str:
    return text(f"reminders.cli.status_{status.value}")


def _show_reminders(service: ScheduleService, now: datetime, out: TextIO) -> None:
    plan = service.reminder_plan(now)
    items = plan.of_the_day()
    # Late reminders held until the next working time: said, with when they will go, never silently hidden.
    for held in plan.waiting():
        message = deadline_message(held) if isinstance(held, DeadlineReminder) else entry_message(held)
        print(
            text(
                "reminders.cli.waiting",
                who=held.member.email or held.member.member_id,
                subject=message.subject,
                at=format_instant(held.send_at or now),
            ),
            file=out,
        )
    if not items:
        print(text("reminders.cli.none", at=format_instant(now)), file=out)
        return
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


def _show_digest(service: ScheduleService, now: datetime, html: bool, out: TextIO) -> bool:
    digests = service.digests(now)
    if not digests:
        print(text("reminders.cli.no_digest"), file=out)
        return False
    for digest, message in zip(digests, service.digest_messages(digests), strict=True):
        print(f"== {message.member.email} [{_status(digest.status)}]", file=out)
        print(message.subject, file=out)
        print(message.text, file=out)
        if html:
            print(message.html, file=out)
    return True
