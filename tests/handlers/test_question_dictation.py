"""A message dictated to a phone is read as if typed (handlers/questions/dictation.py)."""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.questions import answer_question
from handlers.questions.dictation import undictate

DICTATED = (
    "bonjour virgule je vous dicte ce message point à la ligne pour le patient monsieur D première perfusion à "  # noqa: E501
    "domicile le premier mars deux mille vingt-sept virgule ensuite le vingt-neuf mars virgule le vingt-six "
    "avril virgule puis il a été hospitalisé en mai et en juin virgule reprise à domicile le cinq juillet point "  # noqa: E501
    "combien on touche au total pour lui point d'interrogation merci"
)


def test_spoken_punctuation_and_numbers_are_written_out() -> None:
    typed = undictate(DICTATED)
    assert "le 1er mars 2027, ensuite le 29 mars, le 26 avril," in typed, typed
    assert "le 5 juillet. combien on touche au total pour lui ?" in typed, typed
    assert (
        undictate("quatre-vingt-dix-neuf virgule soixante-et-onze virgule mille deux cent") == "99, 71, 1200"
    )


def test_a_message_that_is_not_dictated_is_left_as_it_is() -> None:
    for text in ("on fait le point sur deux patients ?", "le forfait mensuel, c'est vingt euros ?"):
        assert undictate(text) == text


def test_a_dictated_timeline_is_computed() -> None:
    reply = answer_question(DICTATED, datetime(2027, 7, 19, 18, tzinfo=ZoneInfo("Europe/Paris")))
    assert any("= 560,00 €" in line for line in reply.body), reply.body


def test_undictation_is_linear() -> None:
    hostile = "virgule virgule " + "vingt-" * 3000 + "et " + "point " * 3000
    started = time.perf_counter()
    undictate(hostile)
    assert time.perf_counter() - started < 1.0


def test_digits_read_out_one_by_one_stay_digits_and_a_nir_is_masked() -> None:
    """« un six huit zéro cinq … »: a number read out digit by digit (a NIR) is those digits, never their sum,
    and the NIR guard sees it."""
    message = (
        "patient virgule NIR un six huit zéro cinq sept six quatre cinq un zéro deux trois quatre sept "
        "virgule adressé le vingt et un mars virgule ça ouvre droit ?"
    )
    assert "168057645102347" in undictate(message) and "21 mars" in undictate(message)
    reply = answer_question(message, datetime(2026, 3, 30, 10, tzinfo=ZoneInfo("Europe/Paris")))
    said = "\n".join(reply.body)
    assert "168057645102347" not in said and "NIR" in said, said
