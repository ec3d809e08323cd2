"""Numbers written out in words, as figures (handlers/spoken_numbers.py)."""

from __future__ import annotations

import time

import pytest

from handlers.spoken_numbers import figures


@pytest.mark.parametrize(
    ("words", "written"),
    [
        ("deux mille vingt-sept", "2027"),
        ("vingt et un mars", "21 mars"),
        ("soixante et onze", "71"),
        ("quatre-vingt-dix-neuf", "99"),
        ("quatre vingt dix", "90"),
        ("mille deux cent", "1200"),
        ("trois cent vingt euros", "320 euros"),
        ("le premier mars", "le 1er mars"),
        ("une patiente", "une patiente"),  # an article, not one
        ("un six huit zéro cinq", "16805"),  # digits read one by one
        ("zéro cinq soixante-seize", "05 76"),
        ("un quatre-vingt-cinq zéro vingt-trois", "1 85 023"),
    ],
)
def test_words_become_figures(words: str, written: str) -> None:
    assert figures(words) == written


def test_figures_are_linear() -> None:
    hostile = "vingt et " * 5000 + "quatre-" * 5000 + "x"
    started = time.perf_counter()
    figures(hostile)
    assert time.perf_counter() - started < 2.0
