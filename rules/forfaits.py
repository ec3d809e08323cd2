"""The forfaits a referring establishment earns, per patient and calendar month (décret n° 2025-114 art. 3,
arrêté du 8 avril 2025).

For each (patient, site) pair, from the first to the last month holding any administration record, every month
gets exactly one line: "inclusion" (320 €), "monthly" (120 €) or "none" (0 €), each with its reasons.

Decided points, marked Confidence.INFERENCE in the reasons (RULES.md §4 open points):
- the "first month" is the calendar month of the first counting home administration (not 30 days from it);
- one inclusion per patient and establishment (site): a later eligible referral of the same patient at the
  same site earns monthly forfaits, never a second inclusion;
- in the month holding the end of the experiment (February 2028), administrations on or before 5 Feb count and
  earn a whole monthly forfait (no proration: the forfait is per month); later ones earn nothing;
- an administration on the day of the eligible referral counts (the referral comes first that day);
- caps: the monthly forfait paid is min(120, HDJ tariff − HAD tariff) when both tariffs are given, and the
  inclusion paid is min(320, 3 × the monthly forfait paid): chaining the two caps is our reading.

An administration counts when it is non-oral, on or after the first eligible referral of that patient at that
site, and on or before the end of the experiment. A record stands for one or more administrations (`count`);
a whole-month entry ("administered in Oct 2025") is written with any day of that month: only the month matters
once the record is on or after the referral, so give the day when it is the referral month.

Dates outside the parameters' covered period raise OutsideCoveredPeriod. The computation is linear in the
records (one pass over each list, then one pass over the months of each patient).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from rules.month import Month
from rules.parameters import OutsideCoveredPeriod, Parameters
from rules.reasons import Confidence, Outcome, Reason, Source

LineKind = Literal["inclusion", "monthly", "none"]

DECRET_ART3 = Source("décret n° 2025-114 du 5 février 2025", "art. 3")
DECRET_ART3_1 = Source("décret n° 2025-114 du 5 février 2025", "art. 3 1°")
DECRET_ART3_2 = Source("décret n° 2025-114 du 5 février 2025", "art. 3 2°")

ZERO = Decimal("0.00")

# Why an administration earned nothing; one bit each so a month can carry several at no cost.
_ORAL = 1
_NO_REFERRAL = 2
_BEFORE_REFERRAL = 4
_INELIGIBLE = 8
_AFTER_END = 16


# The records are NamedTuples, not frozen dataclasses: a store builds 100,000 of them per statement, and a
# NamedTuple is immutable at a third of the construction cost.
class ReferralRecord(NamedTuple):
    """A referral of `patient` (a pseudonymous code) by `site` to an HAD on `on`; `eligible` is the verdict of
    check_referral (the caller decides it)."""

    patient: str
    site: str
    on: date
    eligible: bool


class AdministrationRecord(NamedTuple):
    """`count` home administrations of `patient` referred by `site`, on `on` (or in that month: see the
    module docstring)."""

    patient: str
    site: str
    on: date
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count on purpose: the brief's field name
    oral: bool = False


class ForfaitLine(NamedTuple):
    patient: str
    site: str
    month: Month
    kind: LineKind
    amount: Decimal
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class ForfaitStatement:
    """The itemised lines (sorted by patient, site, month) and statement-wide notes."""

    lines: list[ForfaitLine]
    inclusion_paid: Decimal
    monthly_paid: Decimal
    payment_year_offset: int = 1
    notes: tuple[Reason, ...] = field(default_factory=tuple)

    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def by_month(self) -> dict[Month, Decimal]:
        """Amount per care month, months in order."""
        out: dict[Month, Decimal] = {}
        for line in self.lines:
            out[line.month] = out.get(line.month, ZERO) + line.amount
        return dict(sorted(out.items()))

    def by_patient(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for line in self.lines:
            out[line.patient] = out.get(line.patient, ZERO) + line.amount
        return out

    def by_site(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for line in self.lines:
            out[line.site] = out.get(line.site, ZERO) + line.amount
        return out

    def by_year(self) -> dict[int, Decimal]:
        """Amount per calendar year of care (the forfaits of year N are paid in year N + offset)."""
        out: dict[int, Decimal] = {}
        for line in self.lines:
            out[line.month.year] = out.get(line.month.year, ZERO) + line.amount
        return dict(sorted(out.items()))

    def by_payment_year(self) -> dict[int, Decimal]:
        """Amount per year of payment (care year + payment_year_offset, instruction DGOS: year N+1)."""
        return {year + self.payment_year_offset: amount for year, amount in self.by_year().items()}

    def for_period(self, first: Month, last: Month) -> ForfaitStatement:
        """The lines of the months from `first` to `last`, both included."""
        return ForfaitStatement(
            [line for line in self.lines if first <= line.month <= last],
            self.inclusion_paid,
            self.monthly_paid,
            self.payment_year_offset,
            self.notes,
        )

    def for_patient(self, patient: str) -> ForfaitStatement:
        return ForfaitStatement(
            [line for line in self.lines if line.patient == patient],
            self.inclusion_paid,
            self.monthly_paid,
            self.payment_year_offset,
            self.notes,
        )


@dataclass
class _Referrals:
    first_eligible: date | None = None
    first_ineligible: date | None = None
    later_eligible: list[date] = field(default_factory=list)


def compute_forfaits(
    referrals: Iterable[ReferralRecord],
    administrations: Iterable[AdministrationRecord],
    params: Parameters,
    *,
    hdj_tariff: Decimal | None = None,
    had_tariff: Decimal | None = None,
) -> ForfaitStatement:
    start, end = params.covered_start, params.covered_end
    exp_end = params.experiment_end.value

    def check(day: date, what: str) -> None:
        if not start <= day <= end:
            raise OutsideCoveredPeriod(
                f"{what} date {day.isoformat()} is outside the covered period {start} – {end}"
            )

    refs: dict[tuple[str, str], _Referrals] = {}
    for r in referrals:
        check(r.on, "referral")
        entry = refs.setdefault((r.patient, r.site), _Referrals())
        if r.eligible:
            entry.later_eligible.append(r.on)
        elif entry.first_ineligible is None or r.on < entry.first_ineligible:
            entry.first_ineligible = r.on
    for entry in refs.values():
        if entry.later_eligible:
            entry.later_eligible.sort()
            entry.first_eligible = entry.later_eligible.pop(0)

    # months[(patient, site)][month index] = [counting administrations, bits of why others did not count]
    months: dict[tuple[str, str], dict[int, list[int]]] = {}
    # The hot loop (100,000 records): one dict lookup per record for its pair, one for its month.
    pairs: dict[tuple[str, str], tuple[dict[int, list[int]], date | None, date | None]] = {}
    for patient, site, day, count, oral in administrations:
        if not start <= day <= end:
            check(day, "administration")
        if count < 1:
            raise ValueError(f"administration count must be at least 1, got {count}")
        key = (patient, site)
        pair = pairs.get(key)
        if pair is None:
            ref = refs.get(key)
            per_month = months[key] = {}
            pair = pairs[key] = (
                per_month,
                ref.first_eligible if ref else None,
                ref.first_ineligible if ref else None,
            )
        per_month, eligible, ineligible = pair
        index = day.year * 12 + day.month - 1
        slot = per_month.get(index)
        if slot is None:
            slot = per_month[index] = [0, 0]
        if oral:
            slot[1] |= _ORAL
        elif eligible is not None and day >= eligible:
            if day > exp_end:
                slot[1] |= _AFTER_END
            else:
                slot[0] += count
        elif ineligible is not None and day >= ineligible:
            slot[1] |= _INELIGIBLE
        elif eligible is None and ineligible is None:
            slot[1] |= _NO_REFERRAL
        else:
            slot[1] |= _BEFORE_REFERRAL

    return _builder(params, hdj_tariff, had_tariff).statement(months, refs)


# A builder depends only on the parameters and the tariffs; building one costs more than a small patient's
# whole statement, and statements are computed one patient at a time. Keyed by identity: the parameter object
# is kept alive by the entry itself, so its id cannot be reused while cached.
_BUILDERS: dict[tuple[int, Decimal | None, Decimal | None], tuple[Parameters, _Builder]] = {}
_MAX_BUILDERS = 64


def _builder(params: Parameters, hdj: Decimal | None, had: Decimal | None) -> _Builder:
    key = (id(params), hdj, had)
    cached = _BUILDERS.get(key)
    if cached is not None and cached[0] is params:
        return cached[1]
    if len(_BUILDERS) >= _MAX_BUILDERS:
        _BUILDERS.clear()
    builder = _BUILDERS[key] = (params, _Builder(params, hdj, had))
    return builder[1]


class _Builder:
    """Turns the per-month tallies into lines, sharing one Reason object per kind of reason."""

    def __init__(self, params: Parameters, hdj: Decimal | None, had: Decimal | None) -> None:
        inc, mon, factor = params.inclusion_amount, params.monthly_amount, params.inclusion_cap_factor
        exp_end = params.experiment_end
        notes: list[Reason] = []
        monthly_paid = mon.value
        self.monthly_cap: Reason | None = None
        monthly_capped = False
        if hdj is not None and had is not None:
            cap = max(hdj - had, ZERO)
            monthly_capped = cap < mon.value
            monthly_paid = min(mon.value, cap)
            rule = params.monthly_cap_rule
            self.monthly_cap = Reason(
                "forfait.cap_monthly",
                Outcome.INFO,
                rule.source,
                rule.confidence,
                {"base": mon.value, "hdj": hdj, "had": had, "cap": cap, "paid": monthly_paid,
                 "applied": monthly_capped},
            )  # fmt: skip
        else:
            rule = params.monthly_cap_rule
            notes.append(
                Reason("forfait.cap_monthly_unchecked", Outcome.INFO, rule.source, rule.confidence,
                       {"hdj": hdj, "had": had})
            )  # fmt: skip
        inclusion_cap = factor.value * monthly_paid
        inclusion_paid = min(inc.value, inclusion_cap)
        self.inclusion_paid = inclusion_paid
        self.monthly_paid = monthly_paid
        self.offset = params.payment_year_offset.value
        self.notes = tuple(notes)
        self.exp_end = exp_end.value
        self.end_index = exp_end.value.year * 12 + exp_end.value.month - 1

        # Chaining the caps (3 × the monthly forfait as capped) is our reading: say so when it bites.
        self.inclusion_reasons = (
            Reason("forfait.inclusion", Outcome.MET, inc.source, inc.confidence, {"amount": inclusion_paid}),
            Reason("forfait.first_month", Outcome.INFO, DECRET_ART3_1, Confidence.INFERENCE, {}),
            Reason(
                "forfait.cap_inclusion",
                Outcome.INFO,
                factor.source,
                Confidence.INFERENCE if monthly_capped else factor.confidence,
                {
                    "base": inc.value,
                    "factor": factor.value,
                    "monthly": monthly_paid,
                    "cap": inclusion_cap,
                    "paid": inclusion_paid,
                    "applied": inclusion_paid < inc.value,
                },
            ),
        ) + ((self.monthly_cap,) if self.monthly_cap else ())
        self.monthly_reasons = (
            Reason("forfait.monthly", Outcome.MET, mon.source, mon.confidence, {"amount": monthly_paid}),
        ) + ((self.monthly_cap,) if self.monthly_cap else ())
        self.one_inclusion = Reason(
            "forfait.one_inclusion", Outcome.INFO, DECRET_ART3_1, Confidence.INFERENCE, {}
        )
        self.end_month = Reason(
            "forfait.end_month", Outcome.INFO, exp_end.source, Confidence.INFERENCE, {"end": exp_end.value}
        )
        self.no_administration = (
            Reason("forfait.no_administration", Outcome.NOT_MET, DECRET_ART3_2, Confidence.TEXT, {}),
        )
        self.flag_reasons = (
            (_ORAL, Reason("forfait.oral", Outcome.NOT_MET, DECRET_ART3, Confidence.TEXT, {})),
            (_NO_REFERRAL, Reason("forfait.no_referral", Outcome.NOT_MET, DECRET_ART3, Confidence.TEXT, {})),
            (
                _BEFORE_REFERRAL,
                Reason("forfait.before_referral", Outcome.NOT_MET, DECRET_ART3, Confidence.TEXT, {}),
            ),
            (
                _INELIGIBLE,
                Reason("forfait.ineligible_referral", Outcome.NOT_MET, DECRET_ART3, Confidence.TEXT, {}),
            ),
            (
                _AFTER_END,
                Reason(
                    "forfait.after_end",
                    Outcome.NOT_MET,
                    exp_end.source,
                    Confidence.INFERENCE,
                    {"end": exp_end.value},
                ),
            ),
        )
        self._flag_cache: dict[int, tuple[Reason, ...]] = {}

    def flags(self, bits: int) -> tuple[Reason, ...]:
        cached = self._flag_cache.get(bits)
        if cached is None:
            cached = self._flag_cache[bits] = tuple(r for bit, r in self.flag_reasons if bits & bit)
        return cached

    def statement(
        self, months: dict[tuple[str, str], dict[int, list[int]]], refs: dict[tuple[str, str], _Referrals]
    ) -> ForfaitStatement:
        lines: list[ForfaitLine] = []
        append = lines.append
        # Locals and tuple.__new__ keep the per-line cost low: a statement may hold ~100,000 lines.
        new, line = tuple.__new__, ForfaitLine
        inclusion_paid, monthly_paid, end_index = self.inclusion_paid, self.monthly_paid, self.end_index
        inclusion_reasons, monthly_reasons = self.inclusion_reasons, self.monthly_reasons
        no_administration, flags = self.no_administration, self.flags
        month_cache: dict[int, Month] = {}
        for key in sorted(months):
            patient, site = key
            per_month = months[key]
            ref = refs.get(key)
            pending = [d.year * 12 + d.month - 1 for d in ref.later_eligible] if ref else []
            included = False
            for index in range(min(per_month), max(per_month) + 1):
                month = month_cache.get(index)
                if month is None:
                    month = month_cache[index] = Month(index // 12, index % 12 + 1)
                slot = per_month.get(index)
                if slot is None:
                    append(new(line, (patient, site, month, "none", ZERO, no_administration)))
                    continue
                counted, bits = slot
                extra = flags(bits) if bits else ()
                if not counted:
                    append(new(line, (patient, site, month, "none", ZERO, extra)))
                    continue
                if index == end_index:
                    extra = (self.end_month, *extra)
                if not included:
                    included = True
                    while pending and pending[0] <= index:
                        pending.pop(0)
                    reasons = inclusion_reasons + extra
                    append(new(line, (patient, site, month, "inclusion", inclusion_paid, reasons)))
                    continue
                if pending and pending[0] <= index:
                    while pending and pending[0] <= index:
                        pending.pop(0)
                    extra = (self.one_inclusion, *extra)
                reasons = monthly_reasons + extra if extra else monthly_reasons
                append(new(line, (patient, site, month, "monthly", monthly_paid, reasons)))
        return ForfaitStatement(lines, self.inclusion_paid, self.monthly_paid, self.offset, self.notes)
