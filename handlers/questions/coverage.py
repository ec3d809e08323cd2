"""Whether the entries chosen for a question know what it is about: its specific words must be in their
vocabulary (their cues and their example phrasings).

A question about a case the rules do not settle (« le CH retenu se retire : peut-on le remplacer par le 11e
classé ? », « la première injection de daratumumab à domicile, vu le risque de réaction ? ») usually scores on
an entry through its general words (retenu, injection, domicile) while its specific words (remplacer, classé,
réaction) are foreign to that entry. When several such words are left over, the entry answers a neighbouring
question: the reading is offered, not asserted, and a person answers.

A word counts as specific when it is rare in French (wordfreq), belongs to fewer than GENERIC_ENTRIES
entries' vocabulary (« forfait », « patient » are everyone's), is no common verb form, and is no proper name.
The limit (UNCOVERED_LIMIT) was set on dev sets written blind (H1, H2: 5 of 16 wrong answers caught, 0 of 91
right ones lost) and checked on every seen table.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from wordfreq import zipf_frequency

from handlers.questions import lemmas
from handlers.questions.knowledge import load_knowledge
from handlers.questions.retrieval import example_terms, terms
from handlers.questions.topics import compile_cues, ordinary
from rules.parameters import Parameters

UNCOVERED_LIMIT = 3  # this many specific words foreign to every chosen entry: the reading is offered
GENERIC_ENTRIES = 10  # a word in this many entries' vocabulary is general
RARE_ZIPF = 5.0  # below this frequency (wordfreq's Zipf scale) a French word is specific
CLIPPED_ZIPF = 4.5  # a word this common once its ending is put back was clipped by the lemmatiser
# Words the normaliser writes in place of what it recognised (a drug's name → its route).
_WRITTEN_BY_NORMALISER = frozenset({"medicament", "injectable", "oral", "docteur"})


@lru_cache(maxsize=4)
def _vocabularies(params: Parameters) -> tuple[dict[str, frozenset[str]], Counter[str]]:
    found: dict[str, set[str]] = {e.id: set() for e in load_knowledge().entries}
    for label, doc in example_terms(params):
        if label in found:
            found[label].update(doc)
    for e in load_knowledge().entries:
        # The cues' words as a question's are normalised (« traitements médicaux » → « traitement medical »),
        # so that a word the entry's cues name is known to it (legal values left as written).
        written = {cue: 1.0 for cue in e.cues if "{" not in cue}
        for compiled in compile_cues(written):
            found[e.id].update(w.rstrip("*") for w in compiled.words)
    vocab = {entry_id: frozenset(words) for entry_id, words in found.items()}
    spread = Counter(w for v in vocab.values() for w in v)
    return vocab, spread


def _specific(word: str, spread: Counter[str], names: set[str]) -> bool:
    if len(word) < 4 or word.isdigit() or word in names or word in _WRITTEN_BY_NORMALISER:
        return False
    if word in ordinary() or spread[word] >= GENERIC_ENTRIES or lemmas.everyday_form(word):
        return False
    # « pouvons », « quelques » come out of the lemmatiser as « pouvon », « quelqu »: with its ending back,
    # the word is common.
    restored = max(zipf_frequency(word + end, "fr") for end in ("s", "e", "es"))
    return zipf_frequency(word, "fr") < RARE_ZIPF and restored < CLIPPED_ZIPF


def uncovered(tokens: tuple[str, ...], entries: list[str], names: set[str], params: Parameters) -> list[str]:
    """The question's specific words that none of `entries` knows, in order."""
    vocab, spread = _vocabularies(params)
    known: set[str] = set().union(*(vocab.get(e, frozenset()) for e in entries))
    return [w for w in dict.fromkeys(terms(tokens)) if w not in known and _specific(w, spread, names)]


def preload(params: Parameters) -> None:
    _vocabularies(params)
    # wordfreq loads its French list on the first lookup (~0.1 s): paid here, not by a user's question.
    zipf_frequency("question", "fr")
