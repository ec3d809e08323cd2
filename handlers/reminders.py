"""What is due at an instant: deadline reminders and monthly entry reminders, and who gets which.

Pure: the instant (`now`), the deadlines, the store's records and "is this key already in the outbox" are all
inputs; nothing here reads a clock, sends or writes. The scheduler (bot/scheduler.py) and `expe50 reminders`
call `plan_reminders` and enqueue what it returns under its idempotency keys, so a reminder is sent once
however often the plan is computed (restarts, a second tick, the CLI).

Timing rules:
- a deadline reminder falls at `hour` (default 09:00) Paris time, `offset` days before the deadline's last
  day in time (default offsets 30, 7, 1 and 0), moved back to the previous working day (weekend, French public
  holiday). Two offsets moved onto the same day make one reminder (the nearer offset wins);
- the monthly entry reminder falls at the same hour on the first working day of each month, about the month
  before;
- catch-up: for each (deadline, recipient) only the latest reminder already due counts (an older one missed
  is superseded by it); if it is not in the outbox and more than `grace` behind (the bot was down), it is
  late: it goes at the next working time — now on a working day between `hour` and `catch_up_until`, else
  the next working day (weekend, French public holiday) at `hour` — and until then it waits (WAITING, not
  sent). Its countdown is computed from the day it is really sent, never from the day it was planned. A
  late reminder whose deadline has passed by then is skipped (and the caller logs it). A missed monthly
  entry reminder is caught up the same way until the end of its month.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from rules.month import Month, months_between
from rules.parameters import Deadline, load_parameters
from rules.working_days import first_working_day, is_working_day, previous_working_day
from store.records import EntryKind, Member, Patient, Role, Site

PARIS = ZoneInfo("Europe/Paris")

# The experiment's three yearly referral targets (initial report, arrêté du 14 mars 2025, annexe 2): from the
# calendar data, the same source as the report specs.
TARGET_YEARS = load_parameters().target_years()
# The first month anything can be logged: the décret was published on 6 February 2025.
FIRST_MONTH = Month(2025, 2)

# Deadlines that are nobody's task among the bot's users: the Government's report to Parliament, and national
# calendar events (start of the experiment, the ARS list sent to the DGOS). Regional events are what an ARS
# chose to add, so they are all reminded.
_NOT_REMINDED_KINDS = frozenset({"parliament_report"})


class ScheduleStore(Protocol):
    """The reads the scheduler needs; store.repository.Repository provides them."""

    def sites(self, region: str | None = None) -> list[Site]: ...

    def members(self) -> list[Member]: ...

    def patients(self, site: str) -> list[Patient]: ...


# A site's report completeness for one deadline: the French labels of the fields still missing, or None when
# that deadline has no report (or completeness is unknown). Comes from the reports handler when present.
Completeness = Callable[[Site, Deadline, datetime], Sequence[str] | None]


@dataclass(frozen=True)
class ReminderSettings:
    offsets: tuple[int, ...] = (30, 7, 1, 0)
    hour: time = time(9, 0)
    # A reminder sent within this delay after its time is on time (the job itself takes a moment).
    grace: timedelta = timedelta(minutes=15)
    # A late reminder goes out on a working day between `hour` and this time (Paris), else waits.
    catch_up_until: time = time(18, 0)

    def __post_init__(self) -> None:
        if any(offset < 0 for offset in self.offsets):
            raise ValueError("reminder offsets are days before a deadline: they cannot be negative")


def at_paris(day: date, hour: time) -> datetime:
    """`hour` on `day`, Paris wall time, as an aware datetime (right on both sides of a DST change)."""
    return datetime.combine(day, hour, tzinfo=PARIS)


def catch_up_at(now: datetime, settings: ReminderSettings) -> datetime:
    """When a late reminder may go: `now` during working time (a working day, from `hour` to
    `catch_up_until`, Paris), else `hour` on the next working day (today's when still before `hour`)."""
    local = now.astimezone(PARIS)
    day = local.date()
    if is_working_day(day):
        if settings.hour <= local.time() < settings.catch_up_until:
            return now
        if local.time() < settings.hour:
            return at_paris(day, settings.hour)
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return at_paris(day, settings.hour)


def last_day(deadline: Deadline) -> date:
    """The last day still in time: the due day when inclusive ("by"), else the day before ("before")."""
    return deadline.due if deadline.inclusive else deadline.due - timedelta(days=1)


def closes_at(deadline: Deadline) -> datetime:
    """The instant the deadline has passed: midnight (Paris) after its last day."""
    return at_paris(last_day(deadline) + timedelta(days=1), time(0, 0))


def reminded(deadline: Deadline) -> bool:
    if deadline.kind in _NOT_REMINDED_KINDS:
        return False
    return deadline.region is not None or deadline.kind != "other"


@dataclass(frozen=True)
class Occurrence:
    deadline: Deadline
    offset: int  # days before the last day in time
    nominal: date  # the day the offset gives
    day: date  # the day it is sent: `nominal` moved back to a working day
    at: datetime  # aware, Europe/Paris

    @property
    def moved(self) -> bool:
        return self.day != self.nominal


def occurrences(deadline: Deadline, settings: ReminderSettings) -> list[Occurrence]:
    """Every reminder of one deadline, in time order; offsets that land on the same working day make one."""
    by_day: dict[date, Occurrence] = {}
    end = last_day(deadline)
    for offset in sorted(set(settings.offsets)):
        nominal = end - timedelta(days=offset)
        day = previous_working_day(nominal)
        if day not in by_day:  # offsets are ascending: the nearer offset is kept
            by_day[day] = Occurrence(deadline, offset, nominal, day, at_paris(day, settings.hour))
    return sorted(by_day.values(), key=lambda occ: occ.at)


# ---- recipients ------------------------------------------------------------------------------------------


class Why(StrEnum):
    COORDINATION = "coordination"  # coordinator of a site concerned
    SUBSCRIBED = "abonnement"  # `rappels oui`


@dataclass(frozen=True)
class Recipient:
    member: Member
    sites: tuple[Site, ...]  # the sites concerned that this member sees (may be empty: a regional subscriber)
    why: Why


def concerned_sites(deadline: Deadline, sites: Iterable[Site]) -> list[Site]:
    """National deadlines concern every site; a regional one, the sites of that region."""
    return [site for site in sites if deadline.region is None or site.region == deadline.region]


def deadline_recipients(
    deadline: Deadline, sites: Sequence[Site], members: Iterable[Member]
) -> list[Recipient]:
    concerned = concerned_sites(deadline, sites)
    by_finess = {site.finess: site for site in concerned}
    regions = {site.finess: site.region for site in sites}
    out: list[Recipient] = []
    for member in sorted(members, key=lambda m: m.member_id):
        mine = tuple(by_finess[f] for f in member.sites if f in by_finess)
        if member.role is Role.COORDINATION and mine:
            out.append(Recipient(member, mine, Why.COORDINATION))
        elif member.reminders and _subscriber_sees(member, deadline, mine, regions):
            out.append(Recipient(member, _scope(member, mine, concerned), Why.SUBSCRIBED))
    return out


def _scope(member: Member, mine: tuple[Site, ...], concerned: Sequence[Site]) -> tuple[Site, ...]:
    """The sites whose readiness a subscriber reads: their own, their region's (an ARS agent), or all."""
    if member.sites:
        return mine
    if member.region is not None:
        return tuple(site for site in concerned if site.region == member.region)
    return tuple(concerned)


def _subscriber_sees(
    member: Member, deadline: Deadline, mine: tuple[Site, ...], regions: dict[str, str]
) -> bool:
    if member.sites:
        if mine:
            return True
        # A regional date that concerns no site yet (an application deadline) still reaches its region.
        return deadline.region is not None and deadline.region in {regions.get(f) for f in member.sites}
    if member.region is not None:
        return deadline.region is None or deadline.region == member.region
    return True  # no scope (an admin): every deadline


# ---- readiness -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthGap:
    month: Month
    patients: tuple[str, ...]  # pseudonymous codes of the patients in care with nothing logged that month


@dataclass(frozen=True)
class SiteReadiness:
    site: Site
    months_not_logged: tuple[MonthGap, ...]
    targets_missing: tuple[int, ...]
    report_missing: tuple[str, ...] | None  # None: no report for this deadline, or completeness unknown

    @property
    def ready(self) -> bool:
        return not self.months_not_logged and not self.targets_missing and not self.report_missing


def in_care(patient: Patient, month: Month) -> bool:
    """Referred on or before the month's last day and not ended before its first day."""
    referrals = sorted(e.on for e in patient.referrals if e.active)
    ends = [e.on for e in patient.ends if e.active]
    for start in referrals:
        if start > month.last_day():
            break
        if not any(start <= end < month.first_day() for end in ends):
            return True
    return False


def logged(patient: Patient, month: Month) -> bool:
    return any(
        e.active and e.kind is EntryKind.ADMINISTRATION and month.contains(e.on)
        for e in patient.administrations
    )


def unlogged(patients: Iterable[Patient], month: Month) -> tuple[str, ...]:
    return tuple(sorted(p.code for p in patients if in_care(p, month) and not logged(p, month)))


def _checked_months(deadline: Deadline, now: datetime) -> list[Month]:
    """The months a deadline's readiness looks at: the covered years of a follow-up report, the whole
    experiment for its end; never the current month (it is not over) nor a month before the experiment."""
    last_closed = Month.of(now.astimezone(PARIS).date()).previous()
    if deadline.kind == "followup_report" and deadline.covers:
        first, last = Month(min(deadline.covers), 1), Month(max(deadline.covers), 12)
    elif deadline.kind == "experiment_end":
        first, last = FIRST_MONTH, Month.of(deadline.due)
    else:
        return []
    return months_between(max(first, FIRST_MONTH), min(last, last_closed))


def readiness(
    site: Site,
    deadline: Deadline,
    now: datetime,
    patients: Sequence[Patient],
    completeness: Completeness | None = None,
) -> SiteReadiness:
    gaps = []
    for month in _checked_months(deadline, now):
        codes = unlogged(patients, month)
        if codes:
            gaps.append(MonthGap(month, codes))
    targets = (
        tuple(year for year in TARGET_YEARS if year not in site.targets)
        if deadline.kind in ("initial_report", "followup_report", "experiment_end")
        else ()
    )
    missing = completeness(site, deadline, now) if completeness is not None else None
    return SiteReadiness(site, tuple(gaps), targets, tuple(missing) if missing is not None else None)


# ---- the plan --------------------------------------------------------------------------------------------


class Status(StrEnum):
    DUE = "due"  # to send now, on time
    LATE = "late"  # to send now, after its time (the bot was down)
    WAITING = "waiting"  # late, held until the next working time (`send_at`)
    SENT = "sent"  # already in the outbox


@dataclass(frozen=True)
class DeadlineReminder:
    key: str
    recipient: Recipient
    occurrence: Occurrence
    status: Status
    sites: tuple[SiteReadiness, ...]
    send_at: datetime  # when it goes: its planned time, or the catch-up time when late

    @property
    def member(self) -> Member:
        return self.recipient.member

    @property
    def send_on(self) -> date:
        """The day (Paris) the reminder is read: its countdown is counted from this day."""
        return self.send_at.astimezone(PARIS).date()


@dataclass(frozen=True)
class SiteGap:
    site: Site
    patients: tuple[str, ...]


@dataclass(frozen=True)
class EntryReminder:
    key: str
    member: Member
    month: Month  # the month with nothing logged
    at: datetime
    status: Status
    sites: tuple[SiteGap, ...]
    send_at: datetime | None = None  # the catch-up time when late (None: `at`)


@dataclass(frozen=True)
class Skipped:
    key: str
    member_id: str
    at: datetime
    reason: str  # "deadline_passed" | "month_over"


@dataclass
class ReminderPlan:
    now: datetime
    deadlines: list[DeadlineReminder] = field(default_factory=list)
    entries: list[EntryReminder] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def to_send(self) -> list[DeadlineReminder | EntryReminder]:
        items: list[DeadlineReminder | EntryReminder] = [*self.deadlines, *self.entries]
        return sorted((i for i in items if i.status in _TO_SEND), key=lambda i: (_at(i), i.key))

    def of_the_day(self) -> list[DeadlineReminder | EntryReminder]:
        """What `expe50 reminders` lists: everything to send now, and what was already sent today (a late
        reminder waiting for the next working time is not of the day)."""
        today = self.now.astimezone(PARIS).date()
        items: list[DeadlineReminder | EntryReminder] = [*self.deadlines, *self.entries]
        return sorted(
            (
                i
                for i in items
                if i.status in _TO_SEND
                or (i.status is Status.SENT and _at(i).astimezone(PARIS).date() == today)
            ),
            key=lambda i: (_at(i), i.key),
        )

    def waiting(self) -> list[DeadlineReminder | EntryReminder]:
        """Late reminders held until the next working time."""
        items: list[DeadlineReminder | EntryReminder] = [*self.deadlines, *self.entries]
        return [i for i in items if i.status is Status.WAITING]


_TO_SEND = frozenset({Status.DUE, Status.LATE})


def _at(item: DeadlineReminder | EntryReminder) -> datetime:
    return item.occurrence.at if isinstance(item, DeadlineReminder) else item.at


def deadline_key(occurrence: Occurrence, member_id: str) -> str:
    """One reminder = (kind, recipient, day): the same key whatever process computes it, whenever."""
    return f"reminder:{occurrence.deadline.key}:{occurrence.day.isoformat()}:{member_id}"


def entry_key(month: Month, member_id: str) -> str:
    return f"entry-reminder:{month}:{member_id}"


def _status(
    at: datetime, now: datetime, key: str, known: Callable[[str], bool], settings: ReminderSettings
) -> tuple[Status, datetime]:
    """Sent, due now, late now, or late and waiting for the next working time; and when it goes."""
    if known(key):
        return Status.SENT, at
    if now - at <= settings.grace:
        return Status.DUE, at
    send_at = catch_up_at(now, settings)
    return (Status.LATE if send_at <= now else Status.WAITING), send_at


def plan_reminders(
    now: datetime,
    deadlines: Iterable[Deadline],
    store: ScheduleStore,
    known: Callable[[str], bool],
    settings: ReminderSettings | None = None,
    completeness: Completeness | None = None,
) -> ReminderPlan:
    """Every reminder that should have gone out by `now` and still matters, with its status."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    settings = settings or ReminderSettings()
    plan = ReminderPlan(now)
    sites = store.sites()
    members = store.members()
    patients: dict[str, list[Patient]] = {}

    def patients_of(site: Site) -> list[Patient]:
        if site.finess not in patients:
            patients[site.finess] = store.patients(site.finess)
        return patients[site.finess]

    for deadline in deadlines:
        if not reminded(deadline):
            continue
        past = [occ for occ in occurrences(deadline, settings) if occ.at <= now]
        if not past:
            continue
        latest = past[-1]
        passed = now >= closes_at(deadline)
        closes = closes_at(deadline)
        for recipient in deadline_recipients(deadline, sites, members):
            key = deadline_key(latest, recipient.member.member_id)
            status, send_at = _status(latest.at, now, key, known, settings)
            # Passed now, or by the time a late reminder could go: nothing left to remind.
            if passed or (status is not Status.SENT and send_at >= closes):
                if status is not Status.SENT:
                    plan.skipped.append(
                        Skipped(key, recipient.member.member_id, latest.at, "deadline_passed")
                    )
                continue
            ready = tuple(readiness(s, deadline, now, patients_of(s), completeness) for s in recipient.sites)
            plan.deadlines.append(DeadlineReminder(key, recipient, latest, status, ready, send_at))

    _plan_entries(plan, now, sites, members, patients_of, known, settings)
    return plan


def entry_reminder_at(month: Month, settings: ReminderSettings) -> datetime:
    """When the reminder about `month.previous()` goes out: the first working day of `month`, at the hour."""
    return at_paris(first_working_day(month), settings.hour)


def _plan_entries(
    plan: ReminderPlan,
    now: datetime,
    sites: Sequence[Site],
    members: Sequence[Member],
    patients_of: Callable[[Site], list[Patient]],
    known: Callable[[str], bool],
    settings: ReminderSettings,
) -> None:
    current = Month.of(now.astimezone(PARIS).date())
    at = entry_reminder_at(current, settings)
    if now < at:
        return  # this month's reminder has not fallen yet; last month's is over (a month's window)
    about = current.previous()
    if about < FIRST_MONTH:
        return
    gaps = {site.finess: SiteGap(site, unlogged(patients_of(site), about)) for site in sites}
    for member in sorted(members, key=lambda m: m.member_id):
        if member.role is not Role.SAISIE:
            continue
        mine = tuple(gaps[f] for f in member.sites if f in gaps and gaps[f].patients)
        if not mine:
            continue  # nothing to log: no message
        key = entry_key(about, member.member_id)
        status, send_at = _status(at, now, key, known, settings)
        if status is not Status.SENT and Month.of(send_at.astimezone(PARIS).date()) != current:
            plan.skipped.append(Skipped(key, member.member_id, at, "month_over"))
            continue
        plan.entries.append(EntryReminder(key, member, about, at, status, mine, send_at))


# ---- what comes next -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outlook:
    upcoming: list[Occurrence]  # reminders still to fall, in time order
    open: list[Deadline]  # deadlines not passed yet, by date
    passed: list[Deadline]  # deadlines already passed


def outlook(
    now: datetime, deadlines: Iterable[Deadline], settings: ReminderSettings | None = None
) -> Outlook:
    settings = settings or ReminderSettings()
    upcoming: list[Occurrence] = []
    open_: list[Deadline] = []
    passed: list[Deadline] = []
    for deadline in sorted((d for d in deadlines if reminded(d)), key=lambda d: (d.due, d.key)):
        if now >= closes_at(deadline):
            passed.append(deadline)
            continue
        open_.append(deadline)
        upcoming.extend(occ for occ in occurrences(deadline, settings) if occ.at > now)
    return Outlook(sorted(upcoming, key=lambda o: (o.at, o.deadline.key)), open_, passed)
