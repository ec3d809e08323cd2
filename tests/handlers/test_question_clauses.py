"""The clause reader (handlers/questions/clauses.py): a story told clause by clause, where the list reader
gives up, and the stories it must leave to a person."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from handlers.questions import clauses, timeline
from tests.support.totals import read_total


def total(text: str, today: date) -> Decimal:
    found = read_total(text, today)
    assert found is not None, text
    return found


# Each story is one the list reader leaves: a care word per clause, months of oral care, a pause in brackets.
STORIES = [
    (
        "pt inclus en sept 2025 (FOLFOX a dom), oct+nov passé sous capecitabine seule (oral), "
        "dec retour IV a dom. total sept->dec ?",
        date(2026, 1, 8),
        "440",
    ),
    (
        "mme D : janvier 2027 1ere inj a dom, fevrier inj, mars-avril que du lenvatinib per os, "
        "mai reprise des inj. ca fait combien sur jan-mai ?",
        date(2027, 10, 18),
        "560",
    ),
    (
        "calcul svp : 1ere adm dom le 20/09/25, oct ok, nov rien (hospit pr neutropénie), dec ok, "
        "janv passée en lonsurf (oral). total ?",
        date(2026, 2, 3),
        "560",
    ),
    (
        "Mr B : 1ere inj a dom le 20/01/26, fevrier rien (hospit en onco tt le mois), "
        "reprise mars avril mai, arret le 31/05. ca fait cb ?",
        date(2026, 6, 4),
        "680",
    ),
    (
        "pt inclus oct 25 (1ere inj a dom le 8/10), nov dec que de l'oral, "
        "janvier reprise IV a dom x2. total ?",
        date(2026, 2, 11),
        "440",
    ),
]


STORIES += [
    # « pt M. » is one patient named; « oral only » a month without; « → tot ? » the total asked.
    (
        "pt M. 1ère inj dom 06/01/26 ; fév : rien (hospit) ; mars : 2 inj ; avr : oral only ; "
        "mai : 1 inj → tot ?",
        date(2026, 6, 3),
        "560",
    ),
    # Days told after « puis » are care, not months asked; the months asked one by one are asked together.
    (
        "adressé 25/09/25, 1ère inj dom 02/10, puis 16/10 et 06/11 → sept ? oct ? nov ?",
        date(2025, 12, 3),
        "440",
    ),
]


@pytest.mark.parametrize(("text", "today", "expected"), STORIES)
def test_a_story_told_clause_by_clause_gives_its_total(text: str, today: date, expected: str) -> None:
    assert timeline.read(text, today) is None, "the list reader should not be the one reading this story"
    assert total(text, today) == Decimal(expected)


DECLINED = [
    # A cadence is not a list of months: how many months it covers is not told.
    "1ere inj a dom en janvier 2026 puis tous les mois sauf en mai. total ?",
    # Two patients in one story: whose months are whose is a person's reading.
    "mme A inclus en mars 2026, mme B en avril, puis inj a dom en mai pour les deux. total ?",
    # What is planned has not happened: no forfait is due on it yet.
    "1ere inj a dom en oct 2026, nov inj prévue, dec à voir. total ?",
    # A month with no word for what happened in it, between two that disagree.
    "inclus en sept 2026 (inj a dom), oct, nov hospit. total ?",
]


@pytest.mark.parametrize("text", DECLINED)
def test_a_story_it_cannot_read_surely_is_left_to_a_person(text: str) -> None:
    assert clauses.read(text, date(2026, 11, 24)) is None


def test_a_month_with_no_word_takes_the_care_of_the_month_before() -> None:
    # « nov » says nothing of its own; « dec inj » after it does not disagree, so nov is a month of care.
    story = "1ere inj a dom en sept 2026, oct inj, nov, dec inj. total ?"
    assert total(story, date(2026, 12, 20)) == Decimal("680")
