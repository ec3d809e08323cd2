"""The weekly digest for ARS agents: per site of the region, referrals this week and this year against the
target, administrations logged, forfaits due so far this year; the mailbox questions waiting for a human (with
the reference an agent answers them by); the mail that failed since the previous digest (incoming messages
given up, outgoing ones the outbox gave up on: metadata and reason, never the text); the coming deadlines.

Pure: `now`, the records, the forfait totals, the waiting questions and the failures are inputs. The period
is the seven days that end the day before the digest's day (Monday 08:00 -> the Monday to Sunday before), and
the year is the year of the period's last day: a digest sent on Monday 4 January 2027 still reports on 2026.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from handlers.mail_status import MailFailure, failures_between
from handlers.mail_status import WaitingQuestion as WaitingQuestion  # re-exported: the scheduler's import
from handlers.reminders import PARIS, ScheduleStore, Status, at_paris, closes_at, reminded
from rules.parameters import Deadline
from store.records import Entry, Member, Patient, Role, Site

WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class DigestSettings:
    weekday: int = 0  # Monday
    hour: time = time(8, 0)
    grace: timedelta = timedelta(minutes=15)
    deadlines_ahead: timedelta = timedelta(days=120)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def year(self) -> int:
        return self.end.year


@dataclass(frozen=True)
class SiteDigest:
    site: Site
    referrals_week: int
    referrals_year: int
    target: int | None  # the site's referral target for the year, None when not set
    administrations_week: int
    administrations_year: int
    forfaits_year: Decimal | None  # None when it could not be computed

    @property
    def weekly_pace(self) -> Decimal | None:
        """The referrals per week that meet the target."""
        return None if not self.target else Decimal(self.target) / WEEKS_PER_YEAR

    @property
    def percent_year(self) -> int | None:
        return None if not self.target else round(100 * self.referrals_year / self.target)

    @property
    def bar_year(self) -> int | None:
        """Width (0-100) of the year's bar: referrals against the target, capped at a full bar."""
        return None if not self.target else min(100, round(100 * self.referrals_year / self.target))

    @property
    def bar_week(self) -> int | None:
        pace = self.weekly_pace
        return None if not pace else min(100, round(100 * self.referrals_week / pace))


@dataclass(frozen=True)
class ComingDeadline:
    deadline: Deadline
    days_left: int


@dataclass(frozen=True)
class Digest:
    key: str
    member: Member
    at: datetime  # the scheduled instant
    status: Status
    region: str | None
    period: Period
    sites: tuple[SiteDigest, ...]
    waiting: tuple[WaitingQuestion, ...]
    deadlines: tuple[ComingDeadline, ...]
    failures: tuple[MailFailure, ...] = ()  # given up since the previous digest

    @property
    def totals(self) -> SiteDigest | None:
        """The region's line: sums of every site (target summed only when every site has one)."""
        if len(self.sites) < 2:
            return None
        targets = [s.target for s in self.sites]
        forfaits = [s.forfaits_year for s in self.sites]
        return SiteDigest(
            site=Site("", "", self.region or "", ""),
            referrals_week=sum(s.referrals_week for s in self.sites),
            referrals_year=sum(s.referrals_year for s in self.sites),
            target=sum(t for t in targets if t) if all(targets) else None,
            administrations_week=sum(s.administrations_week for s in self.sites),
            administrations_year=sum(s.administrations_year for s in self.sites),
            forfaits_year=sum((f for f in forfaits if f is not None), Decimal(0))
            if all(f is not None for f in forfaits)
            else None,
        )


# The forfaits due to a site in a year, up to a day (from rules.forfaits through the reports handler).
ForfaitsOf = Callable[[Site, int, date], Decimal | None]


def digest_instant(now: datetime, settings: DigestSettings) -> datetime:
    """The latest scheduled digest instant at or before `now`."""
    today = now.astimezone(PARIS).date()
    day = today - timedelta(days=(today.weekday() - settings.weekday) % 7)
    at = at_paris(day, settings.hour)
    return at if at <= now else at_paris(day - timedelta(days=7), settings.hour)


def period_before(at: datetime) -> Period:
    day = at.astimezone(PARIS).date()
    return Period(day - timedelta(days=7), day - timedelta(days=1))


def digest_key(at: datetime, member_id: str) -> str:
    return f"digest:{at.astimezone(PARIS).date().isoformat()}:{member_id}"


def _count(entries: Iterable[Entry], inside: Callable[[date], bool]) -> int:
    return sum(e.count for e in entries if e.active and inside(e.on))


def site_digest(
    site: Site, patients: Sequence[Patient], period: Period, forfaits: Decimal | None
) -> SiteDigest:
    year_start = date(period.year, 1, 1)

    def in_year(day: date) -> bool:
        return year_start <= day <= period.end

    referrals = [r for p in patients for r in p.referrals]
    administrations = [a for p in patients for a in p.administrations if not a.oral]
    return SiteDigest(
        site=site,
        referrals_week=sum(1 for r in referrals if r.active and period.contains(r.on)),
        referrals_year=sum(1 for r in referrals if r.active and in_year(r.on)),
        target=site.targets.get(period.year),
        administrations_week=_count(administrations, period.contains),
        administrations_year=_count(administrations, in_year),
        forfaits_year=forfaits,
    )


def coming_deadlines(
    deadlines: Iterable[Deadline], region: str | None, now: datetime, settings: DigestSettings
) -> tuple[ComingDeadline, ...]:
    today = now.astimezone(PARIS).date()
    open_ones = sorted(
        (
            ComingDeadline(d, (d.due - today).days)
            for d in deadlines
            if reminded(d) and (d.region is None or d.region == region) and now < closes_at(d)
        ),
        key=lambda c: (c.deadline.due, c.deadline.key),
    )
    soon = [c for c in open_ones if c.deadline.due - today <= settings.deadlines_ahead]
    # Far from any deadline, the digest still names the next one: "nothing soon" reads as "nothing left".
    return tuple(soon or open_ones[:1])


def plan_digests(
    now: datetime,
    store: ScheduleStore,
    known: Callable[[str], bool],
    deadlines: Sequence[Deadline],
    waiting: Sequence[WaitingQuestion],
    forfaits_of: ForfaitsOf | None = None,
    settings: DigestSettings | None = None,
    failures: Sequence[MailFailure] = (),
) -> list[Digest]:
    """The digest of the latest scheduled instant for every ARS agent with an email address (status SENT when
    the outbox already holds it). Failures are those given up in the week before the digest's instant, so
    consecutive digests list each once."""
    settings = settings or DigestSettings()
    at = digest_instant(now, settings)
    period = period_before(at)
    failed = failures_between(failures, at - timedelta(days=7), at)
    patients: dict[str, list[Patient]] = {}
    out: list[Digest] = []
    for member in sorted(store.members(), key=lambda m: m.member_id):
        if member.role is not Role.ARS or not member.email:
            continue
        sites = [s for s in store.sites(member.region) if s.region == member.region or member.region is None]
        lines = []
        for site in sites:
            if site.finess not in patients:
                patients[site.finess] = store.patients(site.finess)
            forfaits = forfaits_of(site, period.year, period.end) if forfaits_of else None
            lines.append(site_digest(site, patients[site.finess], period, forfaits))
        key = digest_key(at, member.member_id)
        status = Status.SENT if known(key) else Status.LATE if now - at > settings.grace else Status.DUE
        out.append(
            Digest(
                key=key,
                member=member,
                at=at,
                status=status,
                region=member.region,
                period=period,
                sites=tuple(lines),
                waiting=tuple(waiting),
                deadlines=coming_deadlines(deadlines, member.region, now, settings),
                failures=failed,
            )
        )
    return out
