"""French lemmas from simplemma's dictionary, on the folded spelling the pipeline uses.

The lexicons name each word in one or two forms ("toucher", "touche"); people write "toucherons", "versées",
"désignés". Rather than list every conjugated form, plural and feminine, a word the lexicons do not know is
looked up in simplemma's French form -> lemma dictionary, and matched by its lemma to a lexicon word with the
same lemma. A word whose lemma is an everyday word (ordinary.py) is understood as that everyday word, and a
form of a common verb (wordfreq, frequency.py) is not counted as an unknown word.

simplemma works on accented text, and users often write without accents; the questions are folded (no accents,
lowercase) before anything else. So the dictionary is folded once too, on first use (0.6-0.7 s and +67 MB
RSS; the answerer is not slowed afterwards). Where two forms fold to the same spelling, the first listed
wins: a collision only ever picks between two lemmas of one unaccented spelling.
"""

from __future__ import annotations

from functools import cache

from handlers.questions import frequency

# An unknown word that is a form of a common French verb (its infinitive at least this Zipf frequency) is
# not a reason to hand over. Frequency alone is not enough: common nouns name subjects the rules do not cover
# ("transport", "logiciel", "consentement", "essai" are all above 4), and letting every common word through
# gave wrong confident answers on every table.
COMMON_VERB_ZIPF = 3.0
_INFINITIVE_ENDINGS = ("er", "ir", "re", "oir")

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
        # A lexicon word always stands for itself: "désignées" has the lemma "désigné", a lexicon word.
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


def common_verb(word: str) -> bool:
    """ "encaissera" (encaisser), "alloue" (allouer), "exceder": a form of a common verb. The lemma's own
    frequency decides, so a noun simplemma also reads as a rare verb ("moyenne" -> "moyenner") is not one."""
    base = lemma(word)
    if base is None or base == word:
        base = word if word.endswith(("er", "ir")) else None
    if base is None or not base.endswith(_INFINITIVE_ENDINGS):
        return False
    return frequency.zipf(base) >= COMMON_VERB_ZIPF


def verb_form(word: str) -> bool:
    """ "trompe" (« trompé » folded), "coupe": a form of a verb the dictionary knows, even where folding made
    it collide with a noun that is its own lemma (« trompe », the noun, won over « trompé »). Such a word is
    written as meant: never a typo to correct into a lexicon word (« trompé » was bent into « trop »)."""
    base = lemma(word)
    if base is not None and base != word:
        return False  # the dictionary reads it as a form of another lemma: the callers' lemma path decides
    return word.endswith("e") and lemma(word + "r") is not None


def everyday_form(word: str) -> bool:
    """A word that says what is done rather than what it is about: a form of a common verb. (An adverb rule on
    "-ment" was tried and dropped: simplemma does not tell "versement" or "document" from "librement".)"""
    return common_verb(word)
