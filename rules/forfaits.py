"""The forfaits a referring establishment earns, per patient and calendar month (décret n° 2025-114 art. 3,
arrêté du 8 avril 2025).

For each (patient, site) pair, from the first to the last month holding any administration record, every month
gets exactly one line: "inclusion" (320 €), "monthly" (120 €) or "none" (0 €), each with its reasons.

Decided points, marked Confidence.INFERENCE in the reasons (RULES.md §4 open points; README « readings of the
law »):
- the "first month" is the calendar month of the first counting home administration (not 30 days from it);
- one inclusion per patient and establishment (site): a later eligible referral of the same patient at the
  same site earns monthly forfaits, never a second inclusion;
- in the month holding the end of the experiment (February 2028), administrations on or before 5 Feb count and
  earn a whole monthly forfait (no proration: the forfait is per month); later ones earn nothing;
- an administration on the day of the eligible referral counts (the referral comes first that day);
- an end of care (`fin`) closes the referral: administrations after the end day earn nothing until a new
  eligible referral (which never gives a second inclusion);
- a whole-month entry ("administered in Oct 2025", no day) counts when the patient was in care on any day of
  that month: in the referral's own month it counts as after the referral, in the month of an end of care as
  before the end;
- caps: the monthly forfait paid is min(120, HDJ tariff − HAD tariff) when both tariffs of the care year are
  given, and the inclusion paid is min(320, 3 × the monthly forfait paid): chaining the two caps is our
  reading;
- amounts are dated (rules/data/parameters.yaml): a month is paid with the amounts in force on its last day.

An administration counts when it is non-oral, inside an open eligible referral of that patient at that site
(on or after the referral, not after an end of care that followed it), and on or before the end of the
experiment. A record stands for one or more administrations (`count`). A referral whose eligibility still
waits for a fact (`eligible=None`) makes its administrations wait too: they are "en attente", not refused.

Dates outside the parameters' covered period raise OutsideCoveredPeriod. The computation is linear in the
records (one pass over each list, one bisection per record in its pair's short timeline, then one pass over
the months of each patient).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
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

# Why an administration earned nothing; one bit each so a month can carry several at no cost. _MONTH_ENTRY is
# not a refusal: it marks a month counted by our reading of whole-month entries.
_ORAL = 1
_NO_REFERRAL = 2
_BEFORE_REFERRAL = 4
_INELIGIBLE = 8
_AFTER_END = 16
_PENDING = 32
_AFTER_FIN = 64
_MONTH_ENTRY = 128
_COUNTS = 0  # the state of a day inside an open eligible referral


# The records are NamedTuples, not frozen dataclasses: a store builds 100,000 of them per statement, and a
# NamedTuple is immutable at a third of the construction cost.
class ReferralRecord(NamedTuple):
    """A referral of `patient` (a pseudonymous code) by `site` to an HAD on `on`; `eligible` is the verdict of
    check_referral (the caller decides it): True, False, or None while it still waits for a fact."""

    patient: str
    site: str
    on: date
    eligible: bool | None


class AdministrationRecord(NamedTuple):
    """`count` home administrations of `patient` referred by `site`, on `on`; with `whole_month`, somewhere in
    the month of `on` (the day is not known: see the module docstring)."""

    patient: str
    site: str
    on: date
    count: int = 1  # type: ignore[assignment]  # shadows tuple.count on purpose: the brief's field name
    oral: bool = False
    whole_month: bool = False


class EndRecord(NamedTuple):
    """The end of home care (`fin`) of `patient` referred by `site`, on `on` (that day is still in care)."""

    patient: str
    site: str
    on: date


@dataclass(frozen=True)
class CapTariffs:
    """A site's HDJ TMSC tariff and HAD tariff for one year, with where coordination read them: the monthly
    forfait may not exceed their difference (décret n° 2025-114 art. 3)."""

    hdj: Decimal
    had: Decimal
    source: str | None = None


class ForfaitLine(NamedTuple):
    patient: str
    site: str
    month: Month
    kind: LineKind
    amount: Decimal
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class ForfaitStatement:
    """The itemised lines (sorted by patient, site, month) and statement-wide notes. `inclusion_paid` and
    `monthly_paid` are the amounts in force today, before any cap (a line carries its own month's amount)."""

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
class _Pair:
    """One (patient, site): its referrals and ends, turned into a timeline of states (`days[i]` starts
    `states[i]`) read by bisection, and the eligible referral days (the first gives the inclusion)."""

    referrals: list[tuple[date, bool | None]] = field(default_factory=list)
    ends: list[date] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    states: list[int] = field(default_factory=list)
    initial: int = _NO_REFERRAL
    eligible_days: list[date] = field(default_factory=list)

    def build(self) -> None:
        self.initial = _BEFORE_REFERRAL if self.referrals else _NO_REFERRAL
        self.eligible_days = sorted(day for day, ok in self.referrals if ok)
        # An end takes effect the day after (the end day itself is still in care); on one day, ends first.
        events = sorted(
            [(end + timedelta(days=1), 0, None) for end in self.ends]
            + [(day, 1, ok) for day, ok in self.referrals],
            key=lambda e: (e[0], e[1]),
        )
        open_eligible, ended, latest = False, False, self.initial
        for day, is_referral, ok in events:
            if is_referral:
                ended = False
                if ok:
                    open_eligible = True
                latest = _PENDING if ok is None else _INELIGIBLE if ok is False else latest
            else:
                open_eligible, ended = False, True
            state = _COUNTS if open_eligible else _AFTER_FIN if ended else latest
            if self.days and self.days[-1] == day:
                self.states[-1] = state
            else:
                self.days.append(day)
                self.states.append(state)

    def state(self, day: date) -> int:
        i = bisect_right(self.days, day) - 1
        return self.initial if i < 0 else self.states[i]

    def month_state(self, first: date, last: date) -> tuple[int, bool]:
        """A whole-month entry: counts when any day of the month is in an open eligible referral; the bool
        says the answer rests on our reading (the month's first day alone would not count)."""
        at_first = self.state(first)
        if at_first == _COUNTS:
            return _COUNTS, False
        lo, hi = bisect_right(self.days, first), bisect_right(self.days, last)
        if any(self.states[i] == _COUNTS for i in range(lo, hi)):
            return _COUNTS, True
        return self.state(last), False


_FAST_REFERRAL = 1  # a pair with exactly one eligible referral and no end: a date comparison is enough


def compute_forfaits(
    referrals: Iterable[ReferralRecord],
    administrations: Iterable[AdministrationRecord],
    params: Parameters,
    *,
    ends: Iterable[EndRecord] = (),
    tariffs: Mapping[int, CapTariffs] | None = None,
    hdj_tariff: Decimal | None = None,
    had_tariff: Decimal | None = None,
) -> ForfaitStatement:
    """The statement. `tariffs` gives the HDJ and HAD tariffs per care year (the monthly cap); `hdj_tariff`
    and `had_tariff`, when both given, apply to every year not in `tariffs`."""
    start, end = params.covered_start, params.covered_end
    exp_end = params.experiment_end.value

    def check(day: date, what: str) -> None:
        if not start <= day <= end:
            raise OutsideCoveredPeriod(
                f"{what} date {day.isoformat()} is outside the covered period {start} – {end}"
            )

    pairs_info: dict[tuple[str, str], _Pair] = {}
    for r in referrals:
        check(r.on, "referral")
        pairs_info.setdefault((r.patient, r.site), _Pair()).referrals.append((r.on, r.eligible))
    for e in ends:
        check(e.on, "end of care")
        pairs_info.setdefault((e.patient, e.site), _Pair()).ends.append(e.on)
    for built in pairs_info.values():
        built.build()

    # months[(patient, site)][month index] = [counting administrations, bits of why others did not count]
    months: dict[tuple[str, str], dict[int, list[int]]] = {}
    # The hot loop (100,000 records): one dict lookup per record for its pair, one for its month.
    pairs: dict[tuple[str, str], tuple[dict[int, list[int]], _Pair | None, date | None]] = {}
    for patient, site, day, count, oral, whole_month in administrations:
        if not start <= day <= end:
            check(day, "administration")
        if count < 1:
            raise ValueError(f"administration count must be at least 1, got {count}")
        key = (patient, site)
        pair = pairs.get(key)
        if pair is None:
            found = pairs_info.get(key)
            simple = (
                found is not None and not found.ends and len(found.referrals) == 1 and found.referrals[0][1]
            )
            months[key] = {}
            pair = pairs[key] = (months[key], found, found.referrals[0][0] if simple and found else None)
        per_month, info, only = pair
        index = day.year * 12 + day.month - 1
        slot = per_month.get(index)
        if slot is None:
            slot = per_month[index] = [0, 0]
        if oral:
            slot[1] |= _ORAL
            continue
        if whole_month:
            first = day.replace(day=1)
            if info is None:
                state, reading = _NO_REFERRAL, False
            else:
                state, reading = info.month_state(first, Month(day.year, day.month).last_day())
            if reading:
                slot[1] |= _MONTH_ENTRY
            day = first
        elif only is not None:
            state = _COUNTS if day >= only else _BEFORE_REFERRAL
        elif info is None:
            state = _NO_REFERRAL
        else:
            state = info.state(day)
        if state == _COUNTS:
            if day > exp_end:
                slot[1] |= _AFTER_END
            else:
                slot[0] += count
        else:
            slot[1] |= state

    # The distinct month indices first (a C-level union), then their years: not one step per line.
    indices: set[int] = set().union(*months.values()) if months else set()
    years = {index // 12 for index in indices}
    caps = dict(tariffs or {})
    if hdj_tariff is not None and had_tariff is not None:
        for year in years:
            caps.setdefault(year, CapTariffs(hdj_tariff, had_tariff))
    unchecked = tuple(sorted(year for year in years if year not in caps))
    builder = _builder(params, tuple(sorted(caps.items())))
    return builder.statement(months, pairs_info, unchecked, not caps)


def month_amounts(params: Parameters, month: Month) -> tuple[Decimal, Decimal]:
    """The inclusion and monthly forfaits a care month pays (the amounts in force on its last day, the
    inclusion capped at its factor of the monthly one), before any HDJ − HAD cap: for counts stated without
    the months (« 25 inclusions et 180 mois-patients »)."""
    paid = _builder(params, ()).amounts(month.year * 12 + month.month - 1)
    return paid.inclusion, paid.monthly


def cap_unchecked(params: Parameters, years: Iterable[int]) -> Reason:
    """The note that the HDJ − HAD cap of these care years could not be checked (no tariffs entered)."""
    rule = params.monthly_cap_rule
    return Reason(
        "forfait.cap_monthly_unchecked", Outcome.INFO, rule.source, rule.confidence, {"years": sorted(years)}
    )


# A builder depends only on the parameters and the tariffs; building one costs more than a small patient's
# whole statement, and statements are computed one patient at a time. Keyed by identity: the parameter object
# is kept alive by the entry itself, so its id cannot be reused while cached.
_Caps = tuple[tuple[int, CapTariffs], ...]
_BUILDERS: dict[tuple[int, _Caps], tuple[Parameters, _Builder]] = {}
_MAX_BUILDERS = 64


def _builder(params: Parameters, caps: _Caps) -> _Builder:
    key = (id(params), caps)
    cached = _BUILDERS.get(key)
    if cached is not None and cached[0] is params:
        return cached[1]
    if len(_BUILDERS) >= _MAX_BUILDERS:
        _BUILDERS.clear()
    builder = _BUILDERS[key] = (params, _Builder(params, dict(caps)))
    return builder[1]


class _Amounts(NamedTuple):
    """What one care month pays, with the reasons of its inclusion and monthly lines."""

    inclusion: Decimal
    monthly: Decimal
    inclusion_reasons: tuple[Reason, ...]
    monthly_reasons: tuple[Reason, ...]


class _Builder:
    """Turns the per-month tallies into lines, sharing one Reason object per kind of reason."""

    def __init__(self, params: Parameters, caps: dict[int, CapTariffs]) -> None:
        self.params = params
        self.caps = caps
        exp_end = params.experiment_end
        self.offset = params.payment_year_offset.value
        self.exp_end = exp_end.value
        self.end_index = exp_end.value.year * 12 + exp_end.value.month - 1
        self._amounts: dict[int, _Amounts] = {}
        self._shared: dict[tuple[object, ...], _Amounts] = {}

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
                _PENDING,
                Reason("forfait.pending_referral", Outcome.UNKNOWN, DECRET_ART3, Confidence.TEXT, {}),
            ),
            (
                _AFTER_FIN,
                Reason("forfait.after_fin", Outcome.NOT_MET, DECRET_ART3_2, Confidence.INFERENCE, {}),
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
            (
                _MONTH_ENTRY,
                Reason("forfait.month_entry", Outcome.INFO, DECRET_ART3_2, Confidence.INFERENCE, {}),
            ),
        )
        self._flag_cache: dict[int, tuple[Reason, ...]] = {}

    def amounts(self, index: int) -> _Amounts:
        """The amounts of the month `index` (year * 12 + month - 1): the parameters in force on its last day,
        capped by that year's tariffs when coordination entered them."""
        found = self._amounts.get(index)
        if found is None:
            month = Month(index // 12, index % 12 + 1)
            found = self._amounts[index] = self._compute_amounts(month)
        return found

    def _compute_amounts(self, month: Month) -> _Amounts:
        params = self.params
        day = month.last_day()
        inc = params.inclusion_amount.at(day)
        mon = params.monthly_amount.at(day)
        factor = params.inclusion_cap_factor.at(day)
        tariffs = self.caps.get(month.year)
        key = (inc, mon, factor, tariffs)
        shared = self._shared.get(key)
        if shared is not None:
            return shared
        monthly_paid = mon.value
        monthly_capped = False
        monthly_cap: tuple[Reason, ...] = ()
        if tariffs is not None:
            cap = max(tariffs.hdj - tariffs.had, ZERO)
            monthly_capped = cap < mon.value
            monthly_paid = min(mon.value, cap)
            rule = params.monthly_cap_rule
            monthly_cap = (
                Reason(
                    "forfait.cap_monthly",
                    Outcome.INFO,
                    rule.source,
                    rule.confidence,
                    {"base": mon.value, "hdj": tariffs.hdj, "had": tariffs.had, "cap": cap,
                     "paid": monthly_paid, "applied": monthly_capped, "year": month.year,
                     "tariff_source": tariffs.source},
                ),
            )  # fmt: skip
        inclusion_cap = factor.value * monthly_paid
        inclusion_paid = min(inc.value, inclusion_cap)
        # Chaining the caps (3 × the monthly forfait as capped) is our reading: say so when it bites.
        inclusion_reasons: tuple[Reason, ...] = (
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
            *monthly_cap,
        )
        monthly_reasons = (
            Reason("forfait.monthly", Outcome.MET, mon.source, mon.confidence, {"amount": monthly_paid}),
            *monthly_cap,
        )
        found = self._shared[key] = _Amounts(inclusion_paid, monthly_paid, inclusion_reasons, monthly_reasons)
        return found

    def flags(self, bits: int) -> tuple[Reason, ...]:
        cached = self._flag_cache.get(bits)
        if cached is None:
            cached = self._flag_cache[bits] = tuple(r for bit, r in self.flag_reasons if bits & bit)
        return cached

    def notes(self, unchecked: tuple[int, ...], none_given: bool) -> tuple[Reason, ...]:
        """Statement-wide: the years whose monthly cap could not be checked (no tariffs entered)."""
        if not unchecked and not none_given:
            return ()
        return (cap_unchecked(self.params, unchecked),)

    def statement(
        self,
        months: dict[tuple[str, str], dict[int, list[int]]],
        pairs: dict[tuple[str, str], _Pair],
        unchecked: tuple[int, ...],
        none_given: bool,
    ) -> ForfaitStatement:
        lines: list[ForfaitLine] = []
        append = lines.append
        # Locals and tuple.__new__ keep the per-line cost low: a statement may hold ~100,000 lines.
        new, line = tuple.__new__, ForfaitLine
        end_index, amounts_of = self.end_index, self.amounts
        amounts: dict[int, _Amounts] = {}
        no_administration, flags = self.no_administration, self.flags
        month_cache: dict[int, Month] = {}
        for key in sorted(months):
            patient, site = key
            per_month = months[key]
            info = pairs.get(key)
            eligible = info.eligible_days[1:] if info else []
            pending = [d.year * 12 + d.month - 1 for d in eligible]
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
                paid = amounts.get(index)
                if paid is None:
                    paid = amounts[index] = amounts_of(index)
                if not included:
                    included = True
                    while pending and pending[0] <= index:
                        pending.pop(0)
                    reasons = paid.inclusion_reasons + extra
                    append(new(line, (patient, site, month, "inclusion", paid.inclusion, reasons)))
                    continue
                if pending and pending[0] <= index:
                    while pending and pending[0] <= index:
                        pending.pop(0)
                    extra = (self.one_inclusion, *extra)
                reasons = paid.monthly_reasons + extra if extra else paid.monthly_reasons
                append(new(line, (patient, site, month, "monthly", paid.monthly, reasons)))
        params = self.params
        return ForfaitStatement(
            lines,
            params.inclusion_amount.value,
            params.monthly_amount.value,
            self.offset,
            self.notes(unchecked, none_given),
        )
