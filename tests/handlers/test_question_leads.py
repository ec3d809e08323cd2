"""Yes/no questions get their « oui » or « non » first, checked against the right value: the amount, not its
cap; the mention an HAD lacks; two frames that are not the same."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.questions import answer_question

NOW = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))


def _first(question: str) -> str:
    return answer_question(question, NOW).body[0]


@pytest.mark.parametrize(
    "question",
    [
        "le forfait d'inclusion c'est 360 € non ?",
        "Il me semble avoir lu que le forfait d'inclusion est de 360 € (soit 3 × 120 €). Pouvez-vous me le "
        "confirmer ?",
    ],
)
def test_an_amount_stated_as_its_cap_is_still_wrong(question: str) -> None:
    assert _first(question).startswith("Non : c'est 320,00 €, pas 360,00 €")


def test_the_cap_asked_is_checked_against_the_cap() -> None:
    assert _first("le plafond du forfait d'inclusion c'est 360 € ?").startswith("Oui")


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        (
            "petit de 2 ans et demi, l'HAD du secteur a pas la mention moins de 3 ans, on peut qd meme ?",
            "Non",
        ),
        ("pt de 2 ans ds le service d'onco pedia, on peut l'adresser en HAD ?", "Oui, à condition"),
        ("gamin de 3 ans pile, faut tjs l'HAD avec la mention -3 ans ?", "La mention"),
    ],
)
def test_a_child_s_age_and_the_mention(question: str, opening: str) -> None:
    assert _first(question).startswith(opening)


def test_two_frames_asked_as_the_same_get_no() -> None:
    assert _first("art 51 c pareil que l'expe 50 ?").startswith("Non, ce n'est pas le même dispositif")
    assert _first("quelle différence entre l'art 51 et l'art 50 ?").startswith("L'article 51")


def test_an_had_outside_its_area_gets_no() -> None:
    question = (
        "le pt habite a 40 km, c pas le secteur de notre HAD partenaire mais elle veut bien y aller, ok ?"
    )
    assert _first(question).startswith("Non : c'est le domicile")


@pytest.mark.parametrize(
    "question",
    ["c'est la HAD qui touche le forfait ?", "le forfait est versé à l'HAD ?", "l'HAD perçoit les 320 € ?"],
)
def test_the_had_said_to_be_paid_gets_no(question: str) -> None:
    assert _first(question).startswith("Non : c'est l'établissement")


def test_an_had_named_for_another_reason_states_no_payee() -> None:
    reply = answer_question(
        "HAD pas conventionnée avec nous mais c la seule qui couvre la commune du pt, on touche qd meme ?",
        NOW,
    )
    assert not reply.body[0].startswith(("Oui", "Non"))
    assert reply.data["topics"][0] == "eligibility_convention"  # type: ignore[index]
