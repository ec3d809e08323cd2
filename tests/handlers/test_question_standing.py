"""Questions about where the asker's own file stands, clinical calls, and acts asked of the bot: no rule
settles them, so no neighbouring rule answers them (frames.yaml `slots`: own_standing, clinical_decision,
action_request, contact_detail, future_decision)."""

from __future__ import annotations

import pytest

from handlers.questions import answer_question
from handlers.reply import Status
from tests.support.question_probe import DEFAULT_NOW


@pytest.mark.parametrize(
    ("question", "point"),
    [
        (
            "Pourriez-vous me dire si notre établissement figure dans la liste des établissements retenus ?",
            "own_standing",
        ),
        (
            "Nous portons un projet en article 51. A-t-il des chances d'être retenu par le comité ?",
            "own_standing",
        ),
        ("Quel est le montant exact qui nous sera notifié en MIG au titre de 2025 ?", "own_standing"),
        ("l'onco dit que c pas pertinent de passer ce patient en HAD, on fait quoi ?", "clinical_decision"),
        ("tu peux envoyer notre rapport initial a l'ARS stp ?", "action_request"),
        ("c qui le referent a la DGOS ? t'as son tel ?", "contact_detail"),
        (
            "Mme R. fait des reactions a l'oxaliplatine en HDJ, on peut la basculer en chimio a dom "
            "ou c trop risque ?",
            "clinical_decision",
        ),
        (
            "l'HAD partenaire refuse depuis 2 semaines de prendre le patient 9 alors qu'il habite dans "
            "sa zone. qui peut intervenir ??",
            "unsettled_case",
        ),
        (
            "l'HAD dit ke le dossier du patient 14 est incomplet, vous pouvez regarder ce qui manque ?",
            "action_request",
        ),
    ],
)
def test_a_question_no_rule_settles_is_handed_over_naming_why(question: str, point: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human
    assert reply.data.get("asked_point") == point


@pytest.mark.parametrize(
    "question",
    [
        "Notre établissement vient d'être retenu. Quand devons-nous transmettre le rapport initial ?",
        "combien d'etablissements peuvent etre retenus dans notre region",
    ],
)
def test_a_statement_of_standing_is_context_not_the_question(question: str) -> None:
    assert answer_question(question, DEFAULT_NOW).status != Status.UNKNOWN


@pytest.mark.parametrize(
    "question",
    [
        "Pourriez-vous nous dire si nous faisons partie des établissements retenus ?",
        "on fait partie des retenus en Normandie ?",
    ],
)
def test_whether_the_asker_was_selected_is_its_own_data(question: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human


@pytest.mark.parametrize(
    "question",
    [
        # an extension of a report's deadline is in no text
        "l ARS peut nous donner 15j de plus pr le rapport initial ?",
        "L'ARS nous accorde bien un délai jusqu'en décembre pour le rapport initial, n'est-ce pas ?",
        # a month of payment put forward: the year is known, not the month
        "les forfaits de 2025 seront versés en mars 2026, pouvez-vous nous confirmer ce mois de versement ?",
        # an outage of the platform on the last day
        "plateforme inaccessible le 16 mai au soir : le dossier déposé le 17 est-il accepté ?",
        # one's own selection inferred
        "aucun courrier de refus reçu, j'en déduis que nous sommes retenus : pouvez-vous confirmer ?",
    ],
)
def test_points_only_a_person_settles_are_handed_over(question: str) -> None:
    assert answer_question(question, DEFAULT_NOW).status == Status.UNKNOWN
