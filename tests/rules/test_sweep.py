"""No month of the experiment is uncovered or counted twice (the Catala-style sweep)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from rules import (
    AdministrationRecord,
    Month,
    ReferralRecord,
    compute_forfaits,
    load_parameters,
    months_between,
)

FIRST = Month(2025, 2)
LAST = Month(2028, 3)


def test_every_month_from_feb_2025_to_mar_2028_gets_exactly_one_line() -> None:
    params = load_parameters()
    months = months_between(FIRST, LAST)
    referral = ReferralRecord("P1", "S1", date(2025, 2, 6), True)
    # Day 6 of the first month (the referral day), day 3 elsewhere: February 2028's lies before the end.
    administrations = [
        AdministrationRecord("P1", "S1", m.first_day().replace(day=6 if m == FIRST else 3)) for m in months
    ]
    statement = compute_forfaits([referral], administrations, params)

    assert [line.month for line in statement.lines] == months
    kinds = {line.month: line.kind for line in statement.lines}
    assert kinds[Month(2025, 2)] == "inclusion"
    assert all(kinds[m] == "monthly" for m in months_between(Month(2025, 3), Month(2028, 2)))
    assert kinds[Month(2028, 3)] == "none"
    after_end = [line for line in statement.lines if line.month > Month(2028, 2)]
    assert after_end and all(line.amount == 0 for line in after_end)
    # 1 inclusion + 36 monthly forfaits (March 2025 to February 2028).
    assert statement.total() == params.inclusion_amount.value + 36 * params.monthly_amount.value


def test_every_day_of_the_period_falls_in_exactly_one_month() -> None:
    params = load_parameters()
    start, end = params.experiment_start.value, params.experiment_end.value
    months = months_between(Month.of(start), Month.of(end))
    day = start
    while day <= end:
        holders = [m for m in months if m.first_day() <= day <= m.last_day()]
        assert holders == [Month.of(day)], day
        day += timedelta(days=1)
    # Consecutive months tile the period with no gap and no overlap.
    for before, after in itertools.pairwise(months):
        assert before.last_day() + timedelta(days=1) == after.first_day()
    assert months[0].first_day() <= start and months[-1].last_day() >= end


def test_by_month_year_and_period_helpers_add_up() -> None:
    params = load_parameters()
    referral = ReferralRecord("P1", "S1", date(2025, 9, 10), True)
    days = [date(2025, 9, 15), date(2025, 10, 6), date(2025, 10, 20), date(2025, 12, 8), date(2026, 1, 3)]
    statement = compute_forfaits([referral], [AdministrationRecord("P1", "S1", d) for d in days], params)
    assert sum(statement.by_month().values()) == statement.total()
    assert statement.by_year() == {2025: 560, 2026: 120}
    assert statement.by_payment_year() == {2026: 560, 2027: 120}
    assert statement.by_patient() == {"P1": 680}
    assert statement.for_period(Month(2025, 10), Month(2025, 12)).total() == 240
