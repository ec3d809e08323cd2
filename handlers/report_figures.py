"""The figures of a report that the log gives, computed from plain records (pure: no store, no clock).

For one site and one activity year:
- `referred`: distinct patients with an active referral to an HAD dated in the year (a patient referred
  twice in the year counts once; a patient referred again in a later year counts in that year too);
- `referred_first_admin_home`: of those, the patients with at least one non-oral administration at home logged
  on or after that referral. The log holds home administrations only, so this reads annex 3's "first
  administration at the associated site" as "the referral led to an administration at home" [I];
- the same two counts per month of the year (distinct patients per month: the months may add up to more than
  the year when a patient is referred twice in different months);
- `administrations`: non-oral home administrations in the year (a day entry counts its `count`; a whole-month
  entry counts its `count` too);
- `forfait_months`, `inclusions`, `monthly`, amounts and `forfaits_due`: from the forfait statement's lines of
  the year's months (a line of kind `none` gives no forfait);
- `target` (the site's yearly target) and `target_rate` = referred / target × 100, one decimal.

Cancelled entries and oral administrations never count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from rules.month import Month
from store.records import Entry, Patient


class ForfaitLineLike(Protocol):
    """What the figures need of a forfait line (rules.forfaits): the patient, the month, its kind
    (inclusion / monthly / none, as an enum or a string) and its amount."""

    @property
    def patient(self) -> str: ...

    @property
    def month(self) -> Month: ...

    @property
    def kind(self) -> Any: ...

    @property
    def amount(self) -> Decimal: ...


INCLUSION = "inclusion"
MONTHLY = "monthly"


def line_kind(line: ForfaitLineLike) -> str:
    kind = line.kind
    return str(getattr(kind, "value", kind))


@dataclass(frozen=True)
class YearFigures:
    year: int
    referred: int
    referred_first_admin_home: int
    referred_by_month: dict[Month, int]
    first_admin_home_by_month: dict[Month, int]
    administrations: int
    administrations_by_month: dict[Month, int]
    inclusions: int
    inclusion_amount: Decimal
    monthly: int
    monthly_amount: Decimal
    forfaits_due_by_month: dict[Month, Decimal] = field(default_factory=dict)
    target: int | None = None

    @property
    def forfait_months(self) -> int:
        return self.inclusions + self.monthly

    @property
    def forfaits_due(self) -> Decimal:
        return self.inclusion_amount + self.monthly_amount

    @property
    def target_rate(self) -> Decimal | None:
        """Referrals against the target, in percent with one decimal; None without a (positive) target."""
        if not self.target:
            return None
        rate = Decimal(self.referred * 100) / Decimal(self.target)
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _active_home_administrations(patient: Patient) -> list[Entry]:
    return [entry for entry in patient.administrations if entry.active and not entry.oral]


def year_figures(
    year: int,
    patients: Iterable[Patient],
    forfait_lines: Iterable[ForfaitLineLike],
    targets: Mapping[int, int] | None = None,
) -> YearFigures:
    months = [Month(year, m) for m in range(1, 13)]
    referred: set[str] = set()
    first_home: set[str] = set()
    referred_by_month: dict[Month, set[str]] = {m: set() for m in months}
    first_home_by_month: dict[Month, set[str]] = {m: set() for m in months}
    administrations_by_month = dict.fromkeys(months, 0)

    for patient in patients:
        administrations = _active_home_administrations(patient)
        for entry in administrations:
            if entry.on.year == year:
                administrations_by_month[Month.of(entry.on)] += entry.count
        for referral in patient.referrals:
            if not referral.active or referral.on.year != year:
                continue
            month = Month.of(referral.on)
            referred.add(patient.code)
            referred_by_month[month].add(patient.code)
            if any(_on_or_after(entry, referral.on) for entry in administrations):
                first_home.add(patient.code)
                first_home_by_month[month].add(patient.code)

    inclusions = monthly = 0
    inclusion_amount = monthly_amount = Decimal("0.00")
    due_by_month = dict.fromkeys(months, Decimal("0.00"))
    for line in forfait_lines:
        if line.month.year != year:
            continue
        kind = line_kind(line)
        if kind == INCLUSION:
            inclusions += 1
            inclusion_amount += line.amount
        elif kind == MONTHLY:
            monthly += 1
            monthly_amount += line.amount
        else:
            continue
        due_by_month[line.month] += line.amount

    return YearFigures(
        year=year,
        referred=len(referred),
        referred_first_admin_home=len(first_home),
        referred_by_month={m: len(codes) for m, codes in referred_by_month.items()},
        first_admin_home_by_month={m: len(codes) for m, codes in first_home_by_month.items()},
        administrations=sum(administrations_by_month.values()),
        administrations_by_month=administrations_by_month,
        inclusions=inclusions,
        inclusion_amount=inclusion_amount,
        monthly=monthly,
        monthly_amount=monthly_amount,
        forfaits_due_by_month=due_by_month,
        target=(targets or {}).get(year),
    )


def _on_or_after(administration: Entry, day: date) -> bool:
    # A whole-month entry is dated the 1st: it counts when its month is the referral's month or later.
    if administration.whole_month:
        return Month.of(administration.on) >= Month.of(day)
    return administration.on >= day
