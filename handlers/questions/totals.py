"""The forfaits of a timeline read from a question (timeline.py), computed by the rules (rules/forfaits.py).

Each group of patients becomes one synthetic patient's referral and administrations, handed to
`compute_forfaits`: the first-month rule, one inclusion per patient, the end of the experiment and the amounts
in force each month are the rules', never redone here. A reading the rules cannot take as it stands (a month
before the selection, a month of February 2028 without its day) gives a reason instead of a total.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from handlers.questions.timeline import Group, Reading
from rules.forfaits import (
    ZERO,
    AdministrationRecord,
    ReferralRecord,
    compute_forfaits,
    month_amounts,
)
from rules.month import Month
from rules.parameters import OutsideCoveredPeriod, Parameters

_PATIENT, _SITE = "P", "S"


@dataclass(frozen=True)
class GroupTotal:
    group: Group
    inclusion: Decimal  # the inclusion forfait of one patient (0 when included before these months)
    monthly: Decimal  # the monthly forfait in force
    paid_months: int  # months paid the monthly forfait, per patient
    per_patient: Decimal
    after_end: tuple[Month, ...]  # months with an administration after the end of the experiment
    by_year: dict[int, Decimal]  # per patient, by care year
    # The month the experiment ends in, told without its day (« chaque mois jusqu'en mars 2028 »): left out of
    # the total and named, since an administration that month counts only up to the end day.
    open_month: Month | None = None

    @property
    def total(self) -> Decimal:
        return self.per_patient * self.group.count


@dataclass(frozen=True)
class Totals:
    groups: tuple[GroupTotal, ...]
    total: Decimal
    by_year: dict[int, Decimal]


@dataclass(frozen=True)
class CountTotals:
    inclusions: int
    patient_months: int
    inclusion: Decimal
    monthly: Decimal
    total: Decimal


def selection_month(params: Parameters) -> Month:
    """The first month an eligible referral can fall in: the publication of the selection (rules/data)."""
    fact = params.facts.get("selection_publication")
    start = params.experiment_start.value
    return Month.parse(str(fact.value)) if fact else Month(start.year, start.month)


def place(reading: Reading, params: Parameters) -> Reading | None:
    """A reading without years was placed around today: move it back by whole years until it lies inside the
    experiment (only the order and number of months matter then); None when it cannot fit."""
    if reading.dated or not reading.groups:
        return reading
    end = params.experiment_end.value
    last_full = Month(end.year, end.month).previous()
    first = min(m for g in reading.groups for m in g.months)
    last = max(m for g in reading.groups for m in g.months)
    shift = 0
    while _add(last, shift) > last_full:
        shift -= 12
    if _add(first, shift) < selection_month(params):
        return None
    groups = tuple(
        replace(
            g, months=tuple(_add(m, shift) for m in g.months), empty=tuple(_add(m, shift) for m in g.empty)
        )
        for g in reading.groups
    )
    return replace(reading, groups=groups)


def _add(month: Month, by: int) -> Month:
    index = month.year * 12 + month.month - 1 + by
    return Month(index // 12, index % 12 + 1)


def compute(reading: Reading, params: Parameters) -> Totals | str:
    """The totals, or the key of the reason they cannot be given (templates: questions.compute.unsure_*)."""
    end = params.experiment_end.value
    end_month = Month(end.year, end.month)
    earliest = selection_month(params)
    results: list[GroupTotal] = []
    for group in reading.groups:
        if group.oral:
            # Treated by mouth only: outside the experiment, no forfait (rules/data/facts.yaml oral_excluded).
            results.append(GroupTotal(group, ZERO, ZERO, 0, ZERO, (), {}))
            continue
        if group.months[0] < earliest:
            return "before_selection"
        told_days = [d for d in (group.referral, group.first_day, *group.days) if d is not None]
        if group.months[0] == earliest and any(Month.of(d) == earliest for d in told_days):
            # « adressé le 3 juillet 2025 »: the arrêté is dated by its month only; whether that day comes
            # after its publication is not in the data.
            return "selection_month"
        dated_days = {Month.of(d) for d in group.days}
        if any(Month.of(d) == end_month and d > end for d in group.days):
            # « une perfusion le 12 février 2028 : forfait mensuel pour février ? »: whether the month the end
            # cuts in two is paid is the texts' open point (the project's reading: not after the 5th).
            return "end_month_after"
        open_month: Month | None = None
        if end_month in group.months and end_month not in dated_days:
            # February 2028 counts only up to the 5th and which day is not said: without the inclusion month
            # at stake, the total is given without it and the month is named; else no total.
            if group.months[0] == end_month or group.days:
                return "end_month"
            open_month = end_month
        counted = replace(group, months=tuple(m for m in group.months if m != open_month))
        try:
            results.append(replace(_group_total(counted, params), group=group, open_month=open_month))
        except OutsideCoveredPeriod:
            return "outside"
    by_year: dict[int, Decimal] = {}
    for result in results:
        for year, amount in result.by_year.items():
            by_year[year] = by_year.get(year, ZERO) + amount * result.group.count
    total = sum((r.total for r in results), ZERO)
    return Totals(tuple(results), total, by_year)


def _group_total(group: Group, params: Parameters) -> GroupTotal:
    months = list(group.months)
    if group.included_before:
        # Included in an earlier month not told: that month is given to the rules, then left out.
        months.insert(0, months[0].previous())
    first_day = group.first_day if not group.included_before else None
    on = group.referral or first_day or months[0].first_day()
    referral = ReferralRecord(_PATIENT, _SITE, on, True)
    records: list[AdministrationRecord] = []
    dated = {Month.of(d) for d in group.days}
    records.extend(AdministrationRecord(_PATIENT, _SITE, d) for d in group.days if d >= on)
    records.extend(
        AdministrationRecord(_PATIENT, _SITE, m.first_day(), whole_month=True)
        for m in months
        if m not in dated
    )
    statement = compute_forfaits([referral], records, params)
    lines = [line for line in statement.lines if line.month >= group.months[0]]
    inclusion = sum((line.amount for line in lines if line.kind == "inclusion"), ZERO)
    monthly_lines = [line for line in lines if line.kind == "monthly"]
    by_year: dict[int, Decimal] = {}
    for line in lines:
        by_year[line.month.year] = by_year.get(line.month.year, ZERO) + line.amount
    end = params.experiment_end.value
    # A month after the end's, or the end's own month when every day told in it is after the end day (« adm le
    # 19/02/2028 »: the experiment ended on the 5th).
    told_before_end = {Month.of(d) for d in group.days if d <= end}
    after = tuple(m for m in group.months if m.first_day() > end or (m in dated and m not in told_before_end))
    monthly = monthly_lines[0].amount if monthly_lines else statement.monthly_paid
    return GroupTotal(
        group=group,
        inclusion=inclusion,
        monthly=monthly,
        paid_months=len(monthly_lines),
        per_patient=sum((line.amount for line in lines), ZERO),
        after_end=after,
        by_year=by_year,
    )


def compute_counts(reading: Reading, params: Parameters, today: date) -> CountTotals:
    """« 25 inclusions et 180 mois-patients »: each count times the forfait in force in the year asked (else
    today)."""
    year = reading.counts_year or today.year
    end = params.experiment_end.value
    month = min(Month(year, 12), Month(end.year, end.month).previous())
    inclusion, monthly = month_amounts(params, month)
    inclusions, patient_months = reading.inclusions or 0, reading.patient_months or 0
    return CountTotals(
        inclusions, patient_months, inclusion, monthly, inclusion * inclusions + monthly * patient_months
    )
