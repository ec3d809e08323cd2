"""Every legal case in tests/rules/cases/*.yaml holds (each case names its source in the text)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rules import Parameters, is_past, load_parameters, next_deadlines, next_report, recently_passed
from tests.rules import legal_cases
from tests.rules.legal_cases import Case


@pytest.fixture(scope="module")
def params() -> Parameters:
    return load_parameters()


def _ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


def _check_decision_case(case: Case, decision: object) -> None:
    from rules.reasons import Decision

    assert isinstance(decision, Decision)
    assert decision.value.value == case.data["expect"], [(r.rule, r.outcome.value) for r in decision.reasons]
    by_rule = {r.rule: r for r in decision.reasons}
    for rule, outcome in (case.data.get("reasons") or {}).items():
        assert rule in by_rule, f"no reason {rule}"
        assert by_rule[rule].outcome.value == outcome, rule
    for rule, confidence in (case.data.get("confidence") or {}).items():
        assert by_rule[rule].confidence.value == confidence, rule
    if "missing" in case.data:
        assert [m.fact for m in decision.missing] == case.data["missing"]
    # One reason per condition: no rule twice.
    assert len(by_rule) == len(decision.reasons)


ESTABLISHMENT = legal_cases.load("establishment")
REFERRAL = legal_cases.load("referral")
FORFAITS = legal_cases.load("forfaits")
CALENDAR = legal_cases.load("calendar")


@pytest.mark.parametrize("case", ESTABLISHMENT, ids=_ids(ESTABLISHMENT))
def test_establishment_case(case: Case, params: Parameters) -> None:
    _check_decision_case(case, legal_cases.run_establishment(case, params))


@pytest.mark.parametrize("case", REFERRAL, ids=_ids(REFERRAL))
def test_referral_case(case: Case, params: Parameters) -> None:
    _check_decision_case(case, legal_cases.run_referral(case, params))


@pytest.mark.parametrize("case", FORFAITS, ids=_ids(FORFAITS))
def test_forfait_case(case: Case, params: Parameters) -> None:
    statement = legal_cases.run_forfaits(case, params)
    lines = [legal_cases.line_text(x.patient, x.site, x.month, x.kind, x.amount) for x in statement.lines]
    assert lines == case.data["lines"]
    assert statement.total() == Decimal(case.data["total"])
    by_line = {f"{x.patient} {x.site} {x.month}": {r.rule for r in x.reasons} for x in statement.lines}
    for where, rules in (case.data.get("reasons") or {}).items():
        assert set(rules) <= by_line[where], (where, by_line[where])
    notes = {r.rule: r.params for r in statement.notes}
    for rule, params in (case.data.get("notes") or {}).items():
        assert rule in notes, (rule, list(notes))
        for name, value in params.items():
            assert notes[rule][name] == value, (rule, name, notes[rule][name])
    for line in statement.lines:
        assert line.reasons, f"line without a reason: {line}"
        assert isinstance(line.amount, Decimal)


@pytest.mark.parametrize("case", CALENDAR, ids=_ids(CALENDAR))
def test_calendar_case(case: Case, params: Parameters) -> None:
    today = case.data["today"]
    region = case.data.get("region")
    known = {d.key: d for d in params.deadlines(region)}
    for key in case.data.get("past", []):
        assert is_past(known[key], today), key
    for key in case.data.get("open", []):
        assert not is_past(known[key], today), key
    if "next" in case.data:
        assert [d.key for d in next_deadlines(params, today, region)] == case.data["next"]
    if "recently_passed" in case.data:
        got = [d.key for d in recently_passed(params, today, region, within_days=30)]
        assert got == case.data["recently_passed"]
    if "next_report" in case.data:
        found = next_report(params, today)
        assert (found.key if found else None) == case.data["next_report"]
    for key, years in (case.data.get("covers") or {}).items():
        assert list(known[key].covers) == years


def test_every_case_file_is_run() -> None:
    """A new case file must be wired into this runner, not silently ignored."""
    families = {p.stem for p in legal_cases.CASES.glob("*.yaml")}
    assert families == {"establishment", "referral", "forfaits", "calendar"}
