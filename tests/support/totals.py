"""The total a question's timeline comes to, as the answerer computes it (timeline or clause reader, then the
rules' forfaits): shared by the reader tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.questions import clauses
from handlers.questions.timeline import Reading
from handlers.questions.totals import compute, compute_counts, place
from rules.parameters import load_parameters


def total_of(reading: Reading | None, today: date) -> Decimal | None:
    """The total of a reading (None when there is none); a reading the rules refuse fails the test."""
    if reading is None:
        return None
    params = load_parameters()
    if not reading.groups:
        return compute_counts(reading, params, today).total
    placed = place(reading, params)
    assert placed is not None
    result = compute(placed, params)
    assert not isinstance(result, str), result
    return result.total


def read_total(text: str, today: date) -> Decimal | None:
    """The total the question's months come to, or None when no reader takes them whole."""
    return total_of(clauses.read(text, today), today)
