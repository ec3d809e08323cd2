"""A named establishment's or HAD's own state put to the test (handlers/questions/parties.py): the rule is
context, the party's file is an agent's, so the reply is a hand-over; a statement, a supposition or a kind of
establishment without a name is not such a question."""

from __future__ import annotations

import pytest

from handlers.questions import answer_question
from handlers.questions.parties import asks_party_state
from handlers.reply import Status
from tests.support.question_probe import DEFAULT_NOW


@pytest.mark.parametrize(
    "question",
    [
        "le CH de Dieppe a-t-il bien transmis son rapport initial ?",
        "L'HAD Littoral Normand est-elle bien titulaire de la mention ?",
        "on m'a dit que l'HAD du Pays d'Auge a la mention, c'est bien ça ?",
        "Pouvez-vous me confirmer si la clinique Saint-Martin a été retenue dans l'arrêté ?",
        "La polyclinique de l'Estuaire figure-t-elle bien sur la liste ?",
        # the kind capitalised, a site of one's own, the area an HAD covers
        "Pouvez-vous confirmer que la Clinique Saint-Gabriel figure bien parmi les établissements retenus ?",
        "Pouvez-vous confirmer que notre site de Granville figure bien dans l'arrêté ?",
        "l'HAD du Bessin couvre bien la commune de Balleroy ?",
    ],
)
def test_one_named_partys_state_is_handed_over_with_the_rule(question: str) -> None:
    assert asks_party_state(question)
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human
    assert reply.data.get("party_state") or reply.data.get("own_case") or not reply.data.get("topics")


@pytest.mark.parametrize(
    "question",
    [
        # A statement told as context, not asked.
        "Nos échanges avec l'HAD du Pays d'Auge sont bien avancés, la convention sera signée en juin.",
        # A supposition: the rule is asked, not the party's state.
        "si l'HAD Sud Manche a bien la mention, on peut lui adresser nos patients ?",
        # « CHU » is a kind of establishment, no party is named.
        "CHU avec 3 sites autorisés : on dépose un seul dossier de candidature, c'est bien ça ?",
        # A region, not a centre named « Val ».
        "la région Centre-Val de Loire a bien retenu 10 établissements ?",
        # No state a file holds.
        "le CH de Dieppe est bien en Normandie ?",
    ],
)
def test_a_statement_a_supposition_or_no_named_party_is_not_a_partys_state(question: str) -> None:
    assert not asks_party_state(question)
