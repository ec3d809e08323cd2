"""Edges the case files do not show: refusals on bad input, calendar arithmetic, sources on every reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rules import (
    AdministrationRecord,
    Confidence,
    EstablishmentFacts,
    Outcome,
    OutsideCoveredPeriod,
    ReferralFacts,
    ReferralRecord,
    UnknownRegion,
    Verdict,
    check_establishment,
    check_referral,
    compute_forfaits,
    days_left,
    is_past,
    load_parameters,
    next_deadlines,
    passed,
    recently_passed,
    upcoming,
)

PARAMS = load_parameters()


def test_an_administration_outside_the_covered_period_is_refused() -> None:
    with pytest.raises(OutsideCoveredPeriod, match="2030-01-10"):
        compute_forfaits([], [AdministrationRecord("P1", "S1", date(2030, 1, 10))], PARAMS)
    with pytest.raises(OutsideCoveredPeriod):
        compute_forfaits([ReferralRecord("P1", "S1", date(2019, 1, 1), True)], [], PARAMS)


def test_an_administration_count_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        compute_forfaits([], [AdministrationRecord("P1", "S1", date(2025, 9, 1), 0)], PARAMS)


def test_one_tariff_alone_does_not_cap_and_the_statement_says_so() -> None:
    statement = compute_forfaits(
        [ReferralRecord("P1", "S1", date(2025, 9, 10), True)],
        [AdministrationRecord("P1", "S1", date(2025, 9, 15))],
        PARAMS,
        hdj_tariff=Decimal("100.00"),
    )
    assert statement.total() == Decimal("320.00")
    assert [r.rule for r in statement.notes] == ["forfait.cap_monthly_unchecked"]


def test_chained_caps_are_marked_as_our_inference_only_when_they_bite() -> None:
    referral = [ReferralRecord("P1", "S1", date(2025, 9, 10), True)]
    admin = [AdministrationRecord("P1", "S1", date(2025, 9, 15))]
    capped = compute_forfaits(referral, admin, PARAMS, hdj_tariff=Decimal("400"), had_tariff=Decimal("300"))
    whole = compute_forfaits(referral, admin, PARAMS, hdj_tariff=Decimal("900"), had_tariff=Decimal("300"))

    def cap(statement: object) -> Confidence:
        from rules.forfaits import ForfaitStatement

        assert isinstance(statement, ForfaitStatement)
        return next(r for r in statement.lines[0].reasons if r.rule == "forfait.cap_inclusion").confidence

    assert cap(capped) is Confidence.INFERENCE
    assert cap(whole) is Confidence.TEXT


def test_the_working_assumptions_are_inferences_in_the_reasons() -> None:
    statement = compute_forfaits(
        [
            ReferralRecord("P1", "S1", date(2025, 9, 10), True),
            ReferralRecord("P1", "S1", date(2025, 12, 1), True),
        ],
        [
            AdministrationRecord("P1", "S1", date(2025, 9, 15)),
            AdministrationRecord("P1", "S1", date(2025, 12, 2)),
        ],
        PARAMS,
    )
    by_rule = {r.rule: r for line in statement.lines for r in line.reasons}
    assert by_rule["forfait.first_month"].confidence is Confidence.INFERENCE
    assert by_rule["forfait.one_inclusion"].confidence is Confidence.INFERENCE


def test_every_reason_names_a_source() -> None:
    decisions = [
        check_establishment(EstablishmentFacts(), PARAMS, date(2025, 5, 1)),
        check_establishment(
            EstablishmentFacts(region="ara", filed_on=date(2025, 5, 2)), PARAMS, date(2025, 5, 1)
        ),
        check_referral(ReferralFacts(), PARAMS),
    ]
    for decision in decisions:
        for reason in decision.reasons:
            assert reason.source.text, reason.rule


def test_the_deadline_reason_carries_the_regions_own_source_and_confidence() -> None:
    decision = check_establishment(
        EstablishmentFacts(region="ara", filed_on=date(2025, 5, 2)), PARAMS, date(2025, 7, 1)
    )
    reason = next(r for r in decision.reasons if r.rule == "establishment.deadline")
    assert reason.outcome is Outcome.MET
    assert reason.confidence is Confidence.SECONDARY


def test_a_failed_condition_answers_no_and_asks_nothing() -> None:
    decision = check_establishment(EstablishmentFacts(category="e"), PARAMS, date(2025, 5, 1))
    assert decision.value is Verdict.NO
    assert decision.missing == ()


def test_days_left_counts_to_the_due_day() -> None:
    normandie = PARAMS.deadline("application:normandie")
    assert normandie is not None
    assert days_left(normandie, date(2025, 5, 6)) == 10
    assert days_left(normandie, date(2025, 5, 16)) == 0
    assert days_left(normandie, date(2025, 5, 17)) == -1
    assert is_past(normandie, date(2025, 5, 17)) and not is_past(normandie, date(2025, 5, 16))


def test_upcoming_and_passed_split_the_calendar() -> None:
    today = date(2026, 1, 15)
    ahead = upcoming(PARAMS, today, "normandie")
    behind = passed(PARAMS, today, "normandie")
    assert {d.key for d in ahead} | {d.key for d in behind} == {d.key for d in PARAMS.deadlines("normandie")}
    assert not {d.key for d in ahead} & {d.key for d in behind}
    assert [d.key for d in ahead][:1] == ["report:followup:2026"]


def test_two_deadlines_on_the_same_day_are_both_next() -> None:
    keys = [d.key for d in next_deadlines(PARAMS, date(2027, 10, 1))]
    assert keys == ["experiment:end", "report:parliament"]


def test_recently_passed_respects_the_window() -> None:
    today = date(2025, 6, 10)
    assert [d.key for d in recently_passed(PARAMS, today, "idf", within_days=10)] == [
        "application:ile-de-france"
    ]
    assert recently_passed(PARAMS, today, "idf", within_days=5) == []


def test_calendar_helpers_refuse_an_unknown_region() -> None:
    with pytest.raises(UnknownRegion):
        upcoming(PARAMS, date(2025, 5, 1), "Atlantide")


def test_a_forfait_is_paid_with_the_amount_in_force_for_its_month() -> None:
    """A future arrêté changing an amount is one dated step: months before it keep the old amount, months
    from it take the new one, and each line cites the text of its own amount."""
    from dataclasses import replace

    from rules import Param, Source

    old = PARAMS.monthly_amount
    new_step = Param(Decimal("130.00"), Source("arrêté de test", "art. 1"), Confidence.TEXT, date(2026, 1, 1))
    changed = replace(PARAMS, monthly_amount=replace(old, history=(*old.history, new_step)))
    statement = compute_forfaits(
        [ReferralRecord("P1", "S1", date(2025, 11, 10), True)],
        [
            AdministrationRecord("P1", "S1", date(2025, 11, 12)),
            AdministrationRecord("P1", "S1", date(2025, 12, 5)),
            AdministrationRecord("P1", "S1", date(2026, 1, 5)),
        ],
        changed,
    )
    assert [(str(x.month), x.amount) for x in statement.lines] == [
        ("2025-11", Decimal("320.00")),
        ("2025-12", Decimal("120.00")),
        ("2026-01", Decimal("130.00")),
    ]
    january = next(r for r in statement.lines[2].reasons if r.rule == "forfait.monthly")
    assert january.source.text == "arrêté de test"
