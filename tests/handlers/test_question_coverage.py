"""A question whose particular words are foreign to the entries it scored on is a neighbouring case: the
readings are offered and a person answers (handlers/questions/coverage.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.questions import answer_question
from handlers.questions.coverage import uncovered
from handlers.questions.normalize import normalize
from handlers.reply import Status
from rules.parameters import load_parameters

NOW = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.mark.parametrize(
    "question",
    [
        # Two establishments refer one patient: « qui touche » calls up the recipient entry.
        "patient suivi chez nous et au CLCC pour un deuxième avis, les deux établissements l'adressent à la "
        "même HAD : qui touche l'inclusion ?",
        # Revising a target set in the initial report.
        "Nous avions fixé dans le rapport initial une cible de 40 adressages par an et nous en faisons 15 : "
        "pouvons-nous revoir la cible à la baisse, et avec quelle conséquence ?",
    ],
)
def test_a_case_beyond_the_entries_is_offered_not_answered(question: str) -> None:
    reply = answer_question(question, NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human
    assert len(reply.data["uncovered"]) >= 3  # type: ignore[arg-type]
    assert reply.data.get("choices")  # the readings stay one click away


@pytest.mark.parametrize(
    "question",
    [
        "c koi le montant du forfait d'inclusion ?",
        "le forfait mensuel est-il versé pour un mois sans administration à domicile ?",
        "Bonjour, quand faut-il envoyer le rapport de suivi, et que doit-il contenir ? "
        "Merci, Dr Hélène Marival",
    ],
)
def test_a_question_in_the_entries_words_is_answered(question: str) -> None:
    assert answer_question(question, NOW).status != Status.UNKNOWN


def test_proper_names_and_common_words_are_never_foreign() -> None:
    params = load_parameters()
    tokens = normalize("Dr Hélène Marival, pouvons-nous avoir quelques réponses ?").tokens
    assert uncovered(tokens, ["forfait_amounts"], {"helene", "marival"}, params) == []
