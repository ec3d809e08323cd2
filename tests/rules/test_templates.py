"""Every rule id and outcome the rules emit, and every missing fact, has a French sentence that renders."""

from __future__ import annotations

from datetime import date

import templates
from rules import Missing, load_parameters, missing_key, reason_key
from rules.establishment import EstablishmentFacts, check_establishment
from rules.referral import ReferralFacts, check_referral
from tests.rules import legal_cases


def test_every_reason_emitted_by_the_cases_has_a_template_that_renders() -> None:
    params = load_parameters()
    reasons = legal_cases.all_reasons(params)
    keys = {reason_key(r) for r in reasons}
    assert len(keys) > 40
    for reason in reasons:
        sentence = templates.text(reason_key(reason), **reason.params)
        assert sentence and "{{" not in sentence


def test_every_missing_fact_has_a_question() -> None:
    params = load_parameters()
    missing: list[Missing] = []
    missing += check_establishment(EstablishmentFacts(), params, date(2025, 5, 1)).missing
    missing += check_establishment(EstablishmentFacts(convention=False), params, date(2025, 5, 1)).missing
    missing += check_referral(ReferralFacts(), params).missing
    facts = {m.fact for m in missing}
    assert len(facts) == 15
    for fact in facts:
        question = templates.text(missing_key(fact))
        assert question.endswith("?")


def test_every_deadline_kind_has_a_label() -> None:
    params = load_parameters()
    for deadline in params.all_deadlines():
        assert templates.text(f"deadline.kind.{deadline.kind}")
