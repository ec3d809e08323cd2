"""A patient's months told one per line, the month first and what happened after a colon
(handlers/questions/month_lines.py), a single patient named by a number, and the SMS spelling of « chaque »:
read as totals; a line the reader cannot place leaves no total."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from handlers.questions import answer_question
from handlers.questions.month_lines import rewrite
from tests.support.question_probe import PARIS, amounts_in, plain

NOW = datetime(2027, 5, 6, 10, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("question", "total"),
    [
        (
            "combien on touche pour le patient 7 :\n- aout 2026 : 1ere injection a domicile\n"
            "- sept 2026 : 2 injections\n- oct 2026 : aucune (il etait en vacances)\n- nov 2026 : 1\n"
            "- dec 2026 : 3 injections\nmerci",
            Decimal(680),
        ),
        ("patient 7 : janv : 2, fev : 0, mars : 1, avril : 3. total ?", Decimal(560)),
        (
            "patient 12 inclus sept 2026 (1ere admin a dom en sept), ensuite 1 perf chak mois "
            "jusqu'a mars 2027 inclus. total stp",
            Decimal(1040),
        ),
        (
            "Patient 21 : première administration à domicile en février 2027, puis au moins une "
            "administration à domicile chaque mois jusqu'en janvier 2028 inclus. Quel total de forfaits ?",
            Decimal(1640),
        ),
    ],
)
def test_months_told_line_by_line_or_by_cadence_give_the_total(question: str, total: Decimal) -> None:
    reply = answer_question(question, NOW)
    said = plain("\n".join(reply.body))
    assert not reply.needs_human, said
    assert total in amounts_in(said), said


def test_a_line_the_reader_cannot_place_leaves_the_text_as_it_was() -> None:
    text = "patient 7 :\n- janv 2027 : 1ere perf a dom\n- fev 2027 : 2 perfs\n- mars 2027 : hospitalisé\n"
    assert rewrite(text) == text
    reply = answer_question(text + "cb ?", NOW)
    assert reply.needs_human
    assert Decimal(440) not in amounts_in(plain("\n".join(reply.body)))


def test_a_run_opening_on_a_month_without_care_is_not_read() -> None:
    text = "janv : 0\nfev : 2\nmars : 1\n"
    assert rewrite(text) == text


def test_the_rewrite_is_linear_in_a_long_hostile_run() -> None:
    # Many entries, each description at the length limit: one pass, no backtracking blow-up.
    text = "\n".join(f"mars : {'1 perf ' * 8}" for _ in range(3000))
    assert rewrite(text).count("puis mars") == 2999
