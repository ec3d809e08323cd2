"""The figures a report computes from the log: exact values on the known dataset (support/report_data)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from handlers.report_figures import year_figures
from rules.month import Month
from tests.support import report_data as data


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_every_yearly_figure_of_the_known_dataset(year: int) -> None:
    """Referrals (cancelled ones excluded), first home administrations, administrations (oral and cancelled
    excluded), forfait months and amounts, target and its rate, all exact."""
    fig = year_figures(year, data.patients(), data.FORFAIT_LINES, data.SITE.targets)
    expected = data.EXPECTED[year]
    assert fig.referred == expected["adresses_had"]
    assert fig.referred_first_admin_home == expected["had_premiere_admin"]
    assert fig.administrations == expected["administrations"]
    assert fig.forfait_months == expected["mois_forfait"]
    assert fig.forfaits_due == expected["forfaits_dus"]
    assert fig.target == expected["objectif"]
    assert fig.target_rate == expected["atteinte_objectif"]
    assert (fig.inclusions, fig.inclusion_amount) == expected["inclusions"]
    assert (fig.monthly, fig.monthly_amount) == expected["monthly"]


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_every_monthly_figure_of_the_known_dataset(year: int) -> None:
    """Each of the twelve months, including the empty ones, holds the exact count and amount."""
    fig = year_figures(year, data.patients(), data.FORFAIT_LINES, data.SITE.targets)
    expected = data.EXPECTED[year]
    for m in range(1, 13):
        month = Month(year, m)
        assert fig.referred_by_month[month] == expected["referred_by_month"].get(m, 0), month
        assert fig.first_admin_home_by_month[month] == expected["first_home_by_month"].get(m, 0), month
        assert fig.administrations_by_month[month] == expected["administrations_by_month"].get(m, 0), month
        assert fig.forfaits_due_by_month[month] == expected["due_by_month"].get(m, Decimal("0.00")), month


def test_a_year_without_target_has_no_rate() -> None:
    fig = year_figures(2025, data.patients(), data.FORFAIT_LINES, {})
    assert fig.target is None and fig.target_rate is None


def test_an_administration_before_the_referral_does_not_make_a_first_home_administration() -> None:
    """A home administration logged before the referral date (a data-entry slip) does not count as the
    referral's first administration at home."""
    from store.records import Patient

    patient = Patient(
        data.SITE.finess,
        "Q1",
        (data.referral("Q1", Month(2025, 10).first_day().replace(day=15)),),
        (data.administration("Q1", Month(2025, 10).first_day().replace(day=2)),),
        (),
    )
    fig = year_figures(2025, [patient], [], {})
    assert fig.referred == 1
    assert fig.referred_first_admin_home == 0
    # ...but a whole-month entry of the referral's month does.
    whole = Patient(
        data.SITE.finess,
        "Q2",
        (data.referral("Q2", Month(2025, 10).first_day().replace(day=15)),),
        (data.administration("Q2", Month(2025, 10).first_day(), whole_month=True),),
        (),
    )
    assert year_figures(2025, [whole], [], {}).referred_first_admin_home == 1
