"""No total is implied where none was computed: the amounts entries answer a « montant total » for several
patients with the rule and leave the total to a person; the older month count gives none when a drug reads as
oral or two patients are each told with their inclusion."""

from __future__ import annotations

import pytest

from handlers.questions import answer_question
from handlers.reply import Status
from tests.support.question_probe import DEFAULT_NOW, amounts_in, plain


@pytest.mark.parametrize(
    "question",
    [
        "Un établissement nous indique avoir inclus 14 nouveaux patients en HAD au cours de l'année 2026. "
        "Pouvez-vous m'indiquer le montant total des forfaits d'inclusion correspondants ?",
        "Mme L. incluse en mai 2026 (admin mai, juin, juillet) et M. R. inclus en juillet 2026 (admin "
        "juillet seulement). ca fait combien pour le seul mois de juillet ?",
        "pt sous chimio inj en fev 2027, en mars que du xeloda (capecitabine) a la maison, reprise inj en "
        "avril. cb on touche pr fev-mars-avril ?",
        # An oral drug that is not plainly confined to one month (« que du xeloda » of a month confined to it
        # is read as a month without: test_question_timeline.py).
        "inclusion oct 2025 (perf le 14/10), nov perf et du xeloda, dec aussi, janv 2026 perf -> cb ?",
        # Two patients named by short labels (« pt A … ; pt B … »): not one patient's count of months.
        "calcul rapide svp : pt A 1ere adm dom le 5 sept 2027 puis oct et nov ; pt B debut le 18 oct 2027 "
        "puis nov. total ?",
    ],
)
def test_no_total_is_stated_that_was_not_computed(question: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    said = plain("\n".join(reply.body))
    # Only the rule's amounts (and the cap) may be said, and a person checks the total.
    assert amounts_in(said) <= {320, 120, 360}, said
    assert reply.needs_human or reply.status == Status.UNKNOWN


def test_a_dated_list_asked_in_euros_is_a_computation() -> None:
    reply = answer_question(
        "admin a dom le 14/10/2025 puis 04/11/2025, 25/11/2025, 06/01/2026 et 27/01/2026. rien en decembre "
        "(hospit). ca donne quoi en €?",
        DEFAULT_NOW,
    )
    assert reply.data["topics"] == ["forfait_compute"]
    assert "560,00" in "\n".join(reply.body)
