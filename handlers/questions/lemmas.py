"""French lemmas from simplemma's dictionary, on the folded spelling the pipeline uses.

The lexicons name each word in one or two forms ("toucher", "touche"); people write "toucherons", "versées",
"désignés". Rather than list every conjugated form, plural and feminine, a word the lexicons do not know is
looked up in simplemma's French form -> lemma dictionary, and matched by its lemma to a lexicon word with the
same lemma. A word whose lemma is an everyday word (ordinary.py) is understood as that everyday word.

simplemma works on accented text, and users often write without accents; the questions are folded (no accents,
lowercase) before anything else. So the dictionary is folded once too, on first use (about 3-4 s and ~60 MB in
this process; the answerer is not slowed afterwards). Where two forms fold to the same spelling, the first
listed wins: a collision only ever picks between two lemmas of one unaccented spelling.
"""

from __future__ import annotations

from functools import cache

_FOLD = str.maketrans("àâäáãåéèêëíìîïóòôöõúùûüçÿñœæ", "aaaaaaeeeeiiiiooooouuuucynoa")


def _fold(word: str) -> str:
    return word.lower().translate(_FOLD)


@cache
def _table() -> dict[str, str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    table: dict[str, str] = {}
    for form, lemma in DefaultDictionaryFactory().get_dictionary("fr").items():
        table.setdefault(_fold(form), _fold(lemma))
    return table


def lemma(word: str) -> str | None:
    """The folded lemma of a folded word, or None when the dictionary does not know it (or it is its own)."""
    return _table().get(word)


def known(word: str) -> bool:
    """Whether the dictionary knows the folded word as a form of some lemma."""
    return word in _table()


@cache
def lemma_index(words: frozenset[str]) -> dict[str, str]:
    """Lemma -> the lexicon word that stands for it: the word itself when it is a lemma, else the shortest
    lexicon word with that lemma (then alphabetical, so the choice never depends on set order)."""
    index: dict[str, str] = {}
    for word in sorted(words, key=lambda w: (len(w), w)):
        index.setdefault(lemma(word) or word, word)
    for word in words:
        # A lexicon word that is itself a lemma always stands for it.
        if lemma(word) is None:
            index[word] = word
    return index


def to_lexicon(word: str, words: frozenset[str], index: dict[str, str] | None = None) -> str | None:
    """The lexicon word (of `words`) with the same lemma as `word`, if any."""
    found = lemma(word)
    if found is None:
        return None
    table = index if index is not None else lemma_index(words)
    return table.get(found)


def preload() -> None:
    """Load the dictionary now (at start-up) rather than on the first question."""
    _table()
