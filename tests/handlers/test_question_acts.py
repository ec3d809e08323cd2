"""An act asked of the reader (handlers/questions/acts.py): a person acts; asking to be told is no act."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.questions import answer_question
from handlers.questions.acts import act_asked
from handlers.reply import Status

NOW = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))


@pytest.mark.parametrize(
    "message",
    [
        "je pars en retraite vendredi, vous pouvez transférer mes accès au bot à ma collègue ?",
        "Une collègue a tapé le nom d'une patiente au lieu du code : pouvez-vous purger cette saisie ?",
        "Le CH n'a rien envoyé. Pouvez-vous préparer un courrier de relance et bloquer ses forfaits ?",
        "Pouvons-nous lui accorder ce délai sans conséquence ?",
        "Pourriez-vous donner accès au bot à ma nouvelle collègue ?",
        "@ars normandie vous pouvez valider l'avenant a notre convention avec l'HAD svp ?",
        "Pourriez-vous me rappeler au 02 31 00 00 00 au sujet de notre dossier ?",
        # A verb of the list after another, joined by « et ».
        "Mme D. n'apparaît pas dans le tableau des forfaits de juin. Pouvez-vous vérifier et corriger ?",
    ],
)
def test_an_act_asked_of_the_reader_goes_to_a_person(message: str) -> None:
    assert act_asked(message)
    reply = answer_question(message, NOW)
    assert reply.status is Status.UNKNOWN and reply.needs_human, reply.body
    assert any("seule une personne" in line for line in reply.body), reply.body


@pytest.mark.parametrize(
    "message",
    [
        "pouvez-vous me donner le total des forfaits de 2025 ?",
        "pouvez-vous me rappeler la date limite en Normandie ?",
        "pouvez-vous me confirmer que le forfait mensuel est de 120 € ?",
        "comment corriger une saisie faite par erreur ?",
    ],
)
def test_asking_to_be_told_is_no_act(message: str) -> None:
    assert not act_asked(message)


def test_the_act_reader_is_linear() -> None:
    hostile = "pouvez vous " + "me " * 3000 + "x"
    started = time.perf_counter()
    assert not act_asked(hostile)
    assert time.perf_counter() - started < 1.0
