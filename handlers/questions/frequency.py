"""How common a French word is (wordfreq's Zipf scale), on the folded spelling the pipeline uses.

An unknown word makes the detector hand a question over, because it may name a subject the rules do not
cover. Many unknown words are only everyday French the lexicons never listed ("encaissera", "alloué"). The
detector uses this only for verb forms (the frequency of their infinitive): common nouns name subjects as
often as rare ones ("transport", "logiciel" are frequent), so frequency alone does not tell them apart.

wordfreq's frequencies are per accented spelling; the questions are folded (no accents), so the French list is
folded once, on first use, summing the frequencies of spellings that fold alike.
"""

from __future__ import annotations

import math
from functools import cache

_FOLD = str.maketrans("àâäáãåéèêëíìîïóòôöõúùûüçÿñœæ", "aaaaaaeeeeiiiiooooouuuucynoa")


@cache
def _table() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    table: dict[str, float] = {}
    for word, freq in get_frequency_dict("fr").items():
        key = word.lower().translate(_FOLD)
        table[key] = table.get(key, 0.0) + freq
    return table


def zipf(word: str) -> float:
    """Zipf frequency of a folded word (log10 of occurrences per billion words); 0.0 when unseen."""
    freq = _table().get(word, 0.0)
    return round(math.log10(freq) + 9.0, 2) if freq > 0 else 0.0


def preload() -> None:
    """Load the word list now (at start-up) rather than on the first question."""
    _table()
