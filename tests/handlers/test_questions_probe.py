"""The seen question tables: the probe set (questions_probe.yaml), the blind rounds and the never-tuned sets
once measured. Every question must get its expected status, say what it must and never what it must not; a
question still missed carries its verdict (`known:`), so that fixing it — or making it wrong — shows here."""

from __future__ import annotations

from typing import Any

import pytest

from handlers.questions.answer import entry
from handlers.reply import Status
from tests.support.question_probe import FIXED_BLIND_FILES, KNOWN_MISSES_FILES, judge, load_probe

PROBE = load_probe()
# Written blind (before the code was changed for them), then fixed: kept so that the fixes stay.
FIXED_BLIND = [c for f in FIXED_BLIND_FILES for c in load_probe(f)]
# Tables that keep their measured misses visible: a case marked `known: handed_over | incomplete | mismatch`
# must stay exactly that (fixing it, or worse making it wrong, shows here and the table is updated).
WITH_KNOWN_MISSES = [c for f in KNOWN_MISSES_FILES for c in load_probe(f)]


def _case_id(case: dict[str, Any]) -> str:
    return " ".join(str(case["q"]).split())[:60]


@pytest.mark.parametrize("case", PROBE, ids=[_case_id(c) for c in PROBE])
def test_a_probe_question_is_answered_as_expected(case: dict[str, Any]) -> None:
    verdict = judge(case)
    said = "\n".join(verdict.reply.body)
    assert verdict.kind == "correct", f"{verdict.kind}: {'; '.join(verdict.problems)}\n{said}"


@pytest.mark.parametrize("case", FIXED_BLIND, ids=[_case_id(c) for c in FIXED_BLIND])
def test_a_fixed_blind_question_stays_answered(case: dict[str, Any]) -> None:
    verdict = judge(case)
    said = "\n".join(verdict.reply.body)
    assert verdict.kind == "correct", f"{verdict.kind}: {'; '.join(verdict.problems)}\n{said}"


@pytest.mark.parametrize("case", WITH_KNOWN_MISSES, ids=[_case_id(c) for c in WITH_KNOWN_MISSES])
def test_a_seen_question_gets_its_measured_verdict(case: dict[str, Any]) -> None:
    if "open_wrong" in case:
        # Still answered wrong when the table became seen: listed (and counted by the probe script), never
        # pinned as an expectation.
        pytest.skip(f"open: answered wrong — {case['open_wrong']}")
    verdict = judge(case)
    said = "\n".join(verdict.reply.body)
    expected = case.get("known", "correct")
    assert expected in ("correct", "handed_over", "incomplete", "mismatch")
    assert verdict.kind == expected, f"{verdict.kind}: {'; '.join(verdict.problems)}\n{said}"


def test_probe_is_broad() -> None:
    """At least 150 questions, of which at least 30 expect a hand-over (out of scope, unsettled, data)."""
    assert len(PROBE) >= 150
    handovers = [
        c
        for c in PROBE
        if Status.UNKNOWN.value in (c["status"] if isinstance(c["status"], list) else [c["status"]])
    ]
    assert len(handovers) >= 30


def test_answers_in_the_probe_cite_sources() -> None:
    """Every probe question answered with rules cites at least one source (acronyms, the NIR warning and an
    ARS mailbox, which are vocabulary, the bot's own privacy rule and region data, excepted; so are the bot's
    commands, which are no rule)."""
    for case in PROBE + FIXED_BLIND:
        reply = judge(case).reply
        if reply.status == Status.UNKNOWN or reply.data["topics"] in (
            ["glossary"],
            ["identifiers"],
            ["contact"],
        ):
            continue
        if all(entry(str(t)).family == "bot" for t in reply.data["topics"]):
            continue  # the bot's own commands, read from the registry: no legal source to cite
        assert reply.sources, case["q"]


def test_a_wrong_figure_is_judged_wrong_not_incomplete() -> None:
    """The judge's safety rule: an answer stating another total or date than the expected one is wrong."""
    total = "de septembre à décembre sans injection en novembre, combien au total ?"
    assert judge({"q": total, "status": ["ok", "warning"], "must": ["560"]}).kind == "correct"
    assert judge({"q": total, "status": ["ok", "warning"], "must": ["680"]}).kind == "wrong"
    assert judge({"q": total, "status": ["ok", "warning"], "amounts": [320, 120]}).kind == "wrong"
    assert judge({"q": total, "status": ["ok", "warning"], "amounts": [320, 120, 560]}).kind == "correct"
    end = "quelle est la date de fin du dispositif ?"
    span = ["6 février 2025", "5 février 2028"]
    assert judge({"q": end, "status": "ok", "dates": span}).kind == "correct"
    assert judge({"q": end, "status": "ok", "dates": ["5 février 2028"]}).kind == "wrong"
    assert judge({"q": end, "status": "ok", "dates": ["6 février 2025"]}).kind == "wrong"
    # A figure of four digits in the key is the amount said with its thousands spaced (« 1 280,00 € »).
    big = "10 patients inclus en mars, chacun 1 injection par mois d'avril à juin, total ?"
    assert judge({"q": big, "status": ["ok", "warning"], "must": ["6800"]}).kind == "correct"
    assert judge({"q": big, "status": ["ok", "warning"], "must": ["6900"]}).kind == "wrong"
