"""The scheduler: deadline reminders, monthly entry reminders and the ARS weekly digest, on time and once.

    service = ScheduleService(store, deadlines, notifiers, clock, ...)
    service.run_reminders()          # plan at clock(), deliver what is due, log what is skipped
    service.run_digest()
    scheduler = service.start()      # APScheduler 3 BackgroundScheduler, Europe/Paris; catch-up at start-up

Every message goes out under its idempotency key (handlers.reminders / handlers.digest): emails through the
outbox (store.outbox, sent by bot.mail's worker), Slack direct messages and console lines through the ledger
(store.schedule_ledger). Computing the plan again — a restart, a second tick, `expe50 reminders --send` —
never sends a message twice. A job runs at most once at a time: APScheduler's `max_instances=1` and
`coalesce=True` for one job, and one lock across jobs (both read the store and write the outbox).

The reminders job runs every day at the reminder hour (occurrences already sit on working days) and once at
start-up, which is when a reminder missed while the bot was down goes out, marked late.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Protocol

from bot.render.slack_blocks import escape, escape_text, split_messages, text_sections
from bot.render.slack_split import next_steps
from bot.schedule_messages import Outgoing, deadline_message, digest_message, entry_message
from bot.setting import Setting, parse_text
from bot.slack_errors import slack_error_code
from handlers import faults
from handlers.digest import Digest, DigestSettings, ForfaitsOf, WaitingQuestion, plan_digests
from handlers.mail_status import MailFailure
from handlers.reminders import (
    PARIS,
    Completeness,
    DeadlineReminder,
    ReminderPlan,
    ReminderSettings,
    ScheduleStore,
    plan_reminders,
)
from rules.parameters import Deadline
from store.outbox import Outbox
from store.records import Member
from store.schedule_ledger import ScheduleLedger

log = logging.getLogger(__name__)

WEEKDAYS = {
    "lundi": 0, "monday": 0, "mardi": 1, "tuesday": 1, "mercredi": 2, "wednesday": 2, "jeudi": 3,
    "thursday": 3, "vendredi": 4, "friday": 4, "samedi": 5, "saturday": 5, "dimanche": 6, "sunday": 6,
}  # fmt: skip
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


SETTINGS = (
    Setting(
        "REMINDER_OFFSETS",
        parse_text,
        "30,7,1,0",
        "Rappels d'échéance : nombre de jours avant l'échéance, séparés par des virgules",
    ),
    Setting("REMINDER_HOUR", parse_text, "09:00", "Heure des rappels (heure de Paris), les jours ouvrés"),
    Setting("DIGEST_DAY", parse_text, "lundi", "Jour de la synthèse hebdomadaire envoyée aux agents ARS"),
    Setting("DIGEST_HOUR", parse_text, "08:00", "Heure de la synthèse hebdomadaire (heure de Paris)"),
)


class ScheduleConfigError(ValueError):
    """A scheduler setting is malformed; the message names the variable."""


@dataclass(frozen=True)
class ScheduleConfig:
    reminders: ReminderSettings = field(default_factory=ReminderSettings)
    digest: DigestSettings = field(default_factory=DigestSettings)


def _hour(name: str, raw: str) -> time:
    match = re.fullmatch(r"\s*(\d{1,2})[:hH](\d{2})\s*", raw)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ScheduleConfigError(f"{name}: expected a time like 09:00, got {raw!r}")
    return time(int(match.group(1)), int(match.group(2)))


def schedule_config(env: Mapping[str, str]) -> ScheduleConfig:
    """REMINDER_OFFSETS ("30,7,1,0"), REMINDER_HOUR ("09:00"), DIGEST_DAY ("lundi"), DIGEST_HOUR ("08:00")."""
    raw = env.get("REMINDER_OFFSETS", "30,7,1,0")
    try:
        offsets = tuple(int(part) for part in raw.split(",") if part.strip())
    except ValueError:
        raise ScheduleConfigError(f"REMINDER_OFFSETS: expected days like 30,7,1,0, got {raw!r}") from None
    if not offsets or any(o < 0 for o in offsets):
        raise ScheduleConfigError(f"REMINDER_OFFSETS: expected days like 30,7,1,0, got {raw!r}")
    day = env.get("DIGEST_DAY", "lundi").strip().lower()
    if day not in WEEKDAYS:
        raise ScheduleConfigError(f"DIGEST_DAY: expected a weekday (lundi … dimanche), got {day!r}")
    return ScheduleConfig(
        ReminderSettings(offsets=offsets, hour=_hour("REMINDER_HOUR", env.get("REMINDER_HOUR", "09:00"))),
        DigestSettings(weekday=WEEKDAYS[day], hour=_hour("DIGEST_HOUR", env.get("DIGEST_HOUR", "08:00"))),
    )


def schedule_section(env: Mapping[str, str]) -> ScheduleConfig:
    """The scheduler's section of the settings (ValueError naming the variable when malformed)."""
    try:
        return schedule_config(env)
    except ScheduleConfigError as error:
        raise ValueError(str(error)) from None


# ---- notifiers -------------------------------------------------------------------------------------------


class Notifier(Protocol):
    channel: str

    def reaches(self, member: Member) -> bool: ...

    def deliver(self, message: Outgoing, now: datetime) -> bool:
        """Hand the message over under its key; False when that key was already delivered."""
        ...

    def known(self, key: str) -> bool: ...


class EmailNotifier:
    """Enqueues into the outbox; the outbox worker sends (woken at once when given)."""

    channel = "email"

    def __init__(self, outbox: Outbox, wake: Callable[[], None] | None = None) -> None:
        self.outbox = outbox
        self.wake = wake

    def reaches(self, member: Member) -> bool:
        return bool(member.email)

    def deliver(self, message: Outgoing, now: datetime) -> bool:
        added = self.outbox.enqueue(message.key, message.email(), now)
        if added and self.wake is not None:
            self.wake()
        return added

    def known(self, key: str) -> bool:
        return self.outbox.get(key) is not None


class SlackPoster(Protocol):
    def chat_postMessage(self, **kwargs: Any) -> Any: ...


class SlackNotifier:
    """A direct message (Block Kit, buttons for the entry reminder) through slack_sdk's WebClient."""

    channel = "slack"

    def __init__(self, client: SlackPoster, ledger: ScheduleLedger) -> None:
        self.client = client
        self.ledger = ledger

    def reaches(self, member: Member) -> bool:
        return bool(_SLACK_ID.match(member.member_id))

    def deliver(self, message: Outgoing, now: datetime) -> bool:
        payload = slack_payload(message)
        if not self.ledger.begin(message.key, self.channel, message.member.member_id, payload, now):
            return False
        self.post(message.member.member_id, payload)
        self.ledger.mark_sent(message.key, now)
        return True

    def post(self, target: str, payload: dict[str, Any]) -> None:
        """Post the DM's messages not posted yet; after a restart, the parts already sent are skipped (each
        part is marked in the ledger once posted), so no part arrives twice."""
        messages = payload.get("messages") or [{"text": payload["text"], "blocks": payload.get("blocks")}]
        key = payload.get("key")
        for number in range(int(payload.get("parts_sent") or 0), len(messages)):
            part = messages[number]
            self.client.chat_postMessage(channel=target, text=part["text"], blocks=part.get("blocks"))
            if key and len(messages) > 1:
                self.ledger.progress(str(key), number + 1)

    def known(self, key: str) -> bool:
        return self.ledger.has(key)


class ConsoleNotifier:
    """When no channel is configured: print the message (recorded in the ledger, so printed once)."""

    channel = "console"

    def __init__(self, ledger: ScheduleLedger | None, write: Callable[[str], None] = print) -> None:
        self.ledger = ledger
        self.write = write

    def reaches(self, member: Member) -> bool:
        return True

    def deliver(self, message: Outgoing, now: datetime) -> bool:
        payload = {"text": f"{message.subject}\n{message.text}"}
        if self.ledger is not None and not self.ledger.begin(
            message.key, self.channel, message.member.member_id, payload, now
        ):
            return False
        self.post(message.member.member_id, payload)
        if self.ledger is not None:
            self.ledger.mark_sent(message.key, now)
        return True

    def post(self, target: str, payload: dict[str, Any]) -> None:
        self.write(f"[→ {target}] {payload['text']}")

    def known(self, key: str) -> bool:
        return self.ledger is not None and self.ledger.has(key)


def slack_payload(message: Outgoing) -> dict[str, Any]:
    """What the ledger keeps of a Slack DM: its messages (several when one cannot hold it: Slack's 50 blocks
    of 3,000 characters; nothing is cut) and, once some were posted, how many (`parts_sent`)."""
    sections = text_sections(escape(message.text))
    steps = next_steps(message.actions)
    return {"key": message.key, "messages": split_messages(escape_text(message.subject), sections, steps)}


# ---- the service -----------------------------------------------------------------------------------------


@dataclass
class Router:
    """Which channel carries a message to a member: Slack when configured and the member has a Slack id,
    else email when configured and known, else the console when no channel at all is configured."""

    slack: Notifier | None = None
    email: Notifier | None = None
    console: Notifier | None = None

    def all(self) -> list[Notifier]:
        return [n for n in (self.slack, self.email, self.console) if n is not None]

    def known(self, key: str) -> bool:
        return any(n.known(key) for n in self.all())

    def for_member(self, member: Member, *, email_first: bool = False) -> Notifier | None:
        order = [self.email, self.slack] if email_first else [self.slack, self.email]
        for notifier in order:
            if notifier is not None and notifier.reaches(member):
                return notifier
        if self.slack is None and self.email is None:
            return self.console
        return None


@dataclass
class RunReport:
    now: datetime
    delivered: list[tuple[Outgoing, str]] = field(default_factory=list)  # (message, channel)
    unreachable: list[Outgoing] = field(default_factory=list)
    plan: ReminderPlan | None = None
    digests: list[Digest] = field(default_factory=list)


class ScheduleService:
    def __init__(
        self,
        store: ScheduleStore,
        deadlines: Callable[[], Sequence[Deadline]],
        router: Router,
        clock: Callable[[], datetime],
        config: ScheduleConfig | None = None,
        *,
        completeness: Completeness | None = None,
        forfaits_of: ForfaitsOf | None = None,
        waiting: Callable[[], Sequence[WaitingQuestion]] = lambda: (),
        failures: Callable[[], Sequence[MailFailure]] = lambda: (),
        region_name: Callable[[str | None], str | None] = lambda region: region,
        lock: threading.Lock | None = None,
        store_lock: AbstractContextManager[Any] | None = None,
    ) -> None:
        self.store = store
        self.deadlines = deadlines
        self.router = router
        self.clock = clock
        self.config = config or ScheduleConfig()
        self.completeness = completeness
        self.forfaits_of = forfaits_of
        self.waiting = waiting
        self.failures = failures
        self.region_name = region_name
        # One lock for every scheduled job: a job that finds it taken skips this round (the next tick, or the
        # running one, covers it) instead of queueing a second run of the same work.
        self.lock = lock or threading.Lock()
        # The store is shared with the channels' threads (handlers.context.Context.lock): held while a job
        # reads the store and writes the outbox.
        self.store_lock: AbstractContextManager[Any] = store_lock or nullcontext()

    # -- planning (no side effect) --

    def reminder_plan(self, now: datetime) -> ReminderPlan:
        return plan_reminders(
            now, self.deadlines(), self.store, self.router.known, self.config.reminders, self.completeness
        )

    def digests(self, now: datetime) -> list[Digest]:
        return plan_digests(
            now,
            self.store,
            self.router.known,
            self.deadlines(),
            self.waiting(),
            self.forfaits_of,
            self.config.digest,
            self.failures(),
        )

    def reminder_messages(self, plan: ReminderPlan, *, all_of_the_day: bool = False) -> list[Outgoing]:
        items = plan.of_the_day() if all_of_the_day else plan.to_send()
        return [deadline_message(i) if isinstance(i, DeadlineReminder) else entry_message(i) for i in items]

    def digest_messages(self, digests: Sequence[Digest]) -> list[Outgoing]:
        return [digest_message(d, self.region_name(d.region)) for d in digests]

    # -- running --

    def run_reminders(self, now: datetime | None = None) -> RunReport | None:
        if not self.lock.acquire(blocking=False):
            log.info("scheduler: reminders already running, this round is skipped")
            return None
        try:
            with self.store_lock:
                now = now or self.clock()
                plan = self.reminder_plan(now)
                report = RunReport(now, plan=plan)
                for skipped in plan.skipped:
                    log.info(
                        "scheduler: skipped %s (%s, was due %s)", skipped.key, skipped.reason, skipped.at
                    )
                self._deliver(self.reminder_messages(plan), now, report, email_first=False)
                return report
        finally:
            self.lock.release()

    def run_digest(self, now: datetime | None = None) -> RunReport | None:
        if not self.lock.acquire(blocking=False):
            log.info("scheduler: digest already running, this round is skipped")
            return None
        try:
            with self.store_lock:
                now = now or self.clock()
                digests = [d for d in self.digests(now) if d.status.value != "sent"]
                report = RunReport(now, digests=digests)
                self._deliver(self.digest_messages(digests), now, report, email_first=True)
                return report
        finally:
            self.lock.release()

    def finish_unfinished(self) -> int:
        """Slack/console messages a crash left between `sending` and `sent`: post them once more."""
        count = 0
        for notifier in self.router.all():
            ledger: ScheduleLedger | None = getattr(notifier, "ledger", None)
            post = getattr(notifier, "post", None)
            if ledger is None or post is None:
                continue
            for item in ledger.unfinished():
                if item.channel != notifier.channel:
                    continue
                post(item.target, item.payload)
                ledger.mark_sent(item.key, self.clock())
                log.info("scheduler: finished %s after a restart", item.key)
                count += 1
        return count

    def catch_up(self) -> None:
        """At start-up: finish interrupted sends, then send what fell due while the bot was down."""
        self.finish_unfinished()
        self.run_reminders()
        self.run_digest()

    def _deliver(
        self, messages: Sequence[Outgoing], now: datetime, report: RunReport, *, email_first: bool
    ) -> None:
        for message in messages:
            notifier = self.router.for_member(message.member, email_first=email_first)
            if notifier is None:
                log.warning(
                    "scheduler: %s has no reachable channel (%s)", message.member.member_id, message.key
                )
                report.unreachable.append(message)
                continue
            try:
                if notifier.deliver(message, now):
                    report.delivered.append((message, notifier.channel))
                    log.info(
                        "scheduler: %s via %s%s",
                        message.key,
                        notifier.channel,
                        " (late)" if message.late else "",
                    )
            except Exception as error:  # one failure must not stop the others; the next round retries it
                # Slack's error code (or the exception's type), never the message: it may quote the payload.
                log.error(
                    "scheduler: %s could not be handed to %s: %s",
                    message.key,
                    notifier.channel,
                    slack_error_code(error),
                )

    # -- APScheduler --

    def start(self, scheduler: Any | None = None) -> Any:
        """Register the jobs on an APScheduler 3 scheduler (a BackgroundScheduler in Europe/Paris unless one
        is given), start it, and queue the start-up catch-up."""
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        sched = scheduler or BackgroundScheduler(timezone=PARIS)
        common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600, "replace_existing": True}
        hour = self.config.reminders.hour
        sched.add_job(
            self.run_reminders,
            CronTrigger(hour=hour.hour, minute=hour.minute, timezone=PARIS),
            id="expe50-reminders",
            **common,
        )
        digest = self.config.digest
        sched.add_job(
            self.run_digest,
            CronTrigger(
                day_of_week=digest.weekday, hour=digest.hour.hour, minute=digest.hour.minute, timezone=PARIS
            ),
            id="expe50-digest",
            **common,
        )
        # The catch-up runs now, then every hour: each round is idempotent (outbox keys), so it also finishes
        # whatever a failed round left. A recurring job also stays in the job store, whereas a one-shot job is
        # removed after it runs — and that removal races with shutdown in APScheduler 3 (JobLookupError).
        sched.add_job(
            self.catch_up,
            IntervalTrigger(hours=1, timezone=PARIS),
            id="expe50-catch-up",
            next_run_time=datetime.now(PARIS),
            **common,
        )
        if not sched.running:
            sched.start()
        return sched


def forfaits_from_lines(lines_of: Callable[[str], Sequence[Any]]) -> ForfaitsOf:
    """Adapts a per-site list of forfait lines (objects with `.month` and `.amount`) to the digest's total of
    a year up to a day."""

    def total(site: Any, year: int, until: date) -> Decimal | None:
        try:
            lines = lines_of(site.finess)
        except (
            Exception
        ) as error:  # a gap in the rules' covered period must not block the digest: shown as unknown
            log.error("scheduler: forfaits of %s could not be computed: %s", site.finess, faults.where(error))
            return None
        return sum(
            (
                Decimal(line.amount)
                for line in lines
                if line.month.year == year and line.month.first_day() <= until
            ),
            Decimal(0),
        )

    return total
