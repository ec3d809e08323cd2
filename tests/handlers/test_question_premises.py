"""Yes/no questions that state a value are answered « oui » / « non » first, against the parameter."""

from __future__ import annotations

import pytest

from handlers.questions import analyse, answer_question
from handlers.questions.premise import asks_yes_or_no, stated
from rules.parameters import load_parameters
from tests.support.question_probe import DEFAULT_NOW, plain


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("le forfait mensuel c'est 150 € ?", "non : c'est 120,00 €, pas 150,00 €"),
        ("le forfait mensuel c'est bien 120 euros ?", "oui : c'est bien 120,00 €"),
        ("le forfait d'inclusion c'est 320 ?", "oui : c'est bien 320,00 €"),
        ("l'expé dure 5 ans ?", "non : 3 ans, pas 5 ans"),
        ("l'art 51 c'est 3 ans max comme l'art 50 ?", "non : 5 ans, pas 3 ans"),
        ("c'est 10 établissements max par région ?", "oui : au plus 10"),
        ("ça se termine en 2027 ?", "non : en 2028, pas en 2027"),
        ("le forfait d'inclusion est plafonné à 400 € ?", "non : c'est 360,00 €, pas 400,00 €"),
        ("la HAD peut-elle facturer le forfait d'inclusion ?", "non : c'est l'etablissement"),
        ("c'est la HAD qui touche le forfait ?", "non : c'est l'etablissement"),
        ("c'est l'établissement qui touche le forfait ?", "oui : c'est l'etablissement"),
        ("Le forfait d'inclusion peut-il dépasser 3 fois le forfait mensuel ?", "non : le forfait"),
        ("y a-t-il un plafond pour le forfait d'inclusion ?", "oui : le forfait"),
    ],
)
def test_the_verdict_opens_the_answer_and_cites_the_parameter(question: str, opening: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert plain(reply.body[0]).startswith(opening), reply.body
    assert plain(reply.body[0]) in [plain(r.text) for r in reply.reasons] or "plafond" in question


@pytest.mark.parametrize(
    "question",
    [
        "le forfait de 320 c'est chaque mois ?",  # the amount names the subject, the months are asked
        "combien pour le forfait mensuel, 150 € ?",  # asks the amount
        "quel est le plafond du forfait d'inclusion ?",
        "le forfait mensuel c'est 150 ou 120 € ?",  # two values: no verdict on one
    ],
)
def test_no_verdict_where_no_value_is_put_to_the_test(question: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert not plain(reply.body[0]).startswith(("oui :", "non : c'est")), reply.body


def test_reading_the_stated_value() -> None:
    assert [str(v) for v in stated("amount", ("c", "est", "1", "500", "euro"))] == ["1500"]
    assert stated("years", ("dure", "5", "an")) and not stated("years", ("dure", "5", "mois"))
    assert asks_yes_or_no(("c", "est", "la", "had", "qui", "touche"))
    assert not asks_yes_or_no(("qui", "touche", "le", "forfait"))


def test_asked_about_the_cap_the_answer_states_the_cap_first() -> None:
    reply = answer_question("quel est le montant maximum du forfait d'inclusion ?", DEFAULT_NOW)
    assert reply.data["topics"][0] == "forfait_cap_inclusion"
    assert "360,00 €" in reply.body[0]
    monthly = answer_question("le montant max du forfait mensuel ?", DEFAULT_NOW)
    assert monthly.data["topics"][0] == "forfait_cap_monthly"


def test_a_stated_value_decides_a_reading_the_cues_left_short() -> None:
    """« finit » alone scores too little to answer; the year the question puts to the test says what it is
    about. Only the best reading is checked, and only when every word is understood."""
    reply = answer_question("l'expe finit en 2029 non ?", DEFAULT_NOW)
    assert reply.data["topics"] == ["dates_end"] and reply.data.get("rescued_by") == "premise"
    assert plain(reply.body[0]).startswith("non : en 2028, pas en 2029")
    # No value put to the test: the cues' abstention stands.
    assert (
        answer_question("l'expe finit quand ? on sait pas trop", DEFAULT_NOW).data.get("rescued_by") is None
    )


@pytest.mark.parametrize(
    ("question", "yes_or_no"),
    [
        ("y a que les perf IV qui comptent ?", True),
        ("le forfait est verse a qui ?", False),
        ("qui touche le forfait ?", False),
        ("c'est qui le referent ?", False),
    ],
)
def test_who_asks_only_first_or_after_a_preposition(question: str, yes_or_no: bool) -> None:
    tokens = analyse(question, load_parameters()).normalized.tokens
    assert asks_yes_or_no(tokens) is yes_or_no
