"""The second vote: lexical retrieval (BM25, rank-bm25) over the entries' example phrasings.

The cue score says which entry's concepts a question names; this vote says which entry's known phrasings it
resembles. Both texts go through the same normalisation (accents, SMS spellings, typos, stems), function
words dropped. An entry's vote is its best example's score; hand-over examples (questions whose right answer
is a hand-over) vote for `HANDOVER`. The vote never answers alone: it offers readings when the cues abstain
(« Vouliez-vous dire … »), and rescues a cue reading it agrees with by a clear margin (RESCUE_MARGIN).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rank_bm25 import BM25Okapi

from handlers.questions.detect import question_words
from handlers.questions.knowledge import load_knowledge
from handlers.questions.normalize import FUNCTION_WORDS, normalize
from handlers.questions.topics import ordinary
from rules.parameters import Parameters

HANDOVER = "_handover"


@dataclass(frozen=True)
class Vote:
    ranked: tuple[tuple[str, float], ...]  # (entry id or HANDOVER, score), best first

    @property
    def best(self) -> str | None:
        return self.ranked[0][0] if self.ranked else None

    def margin(self) -> float:
        """How far the best is ahead of the runner-up, as a share of the best (0 = tied, 1 = alone)."""
        if not self.ranked or self.ranked[0][1] <= 0:
            return 0.0
        second = self.ranked[1][1] if len(self.ranked) > 1 else 0.0
        return (self.ranked[0][1] - second) / self.ranked[0][1]


def terms(tokens: tuple[str, ...]) -> list[str]:
    return [t for t in tokens if t not in FUNCTION_WORDS and not t.startswith("[")]


@lru_cache(maxsize=4)
def example_terms(params: Parameters) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each example phrasing as (entry id or HANDOVER, its normalised terms), normalised once for the vote and
    for the coverage check (coverage.py)."""
    words, everyday = question_words(params), ordinary()
    knowledge = load_knowledge()
    phrasings = [(e.id, x) for e in knowledge.entries for x in e.examples]
    phrasings += [(HANDOVER, x) for x in knowledge.handover_examples]
    found = ((label, tuple(terms(normalize(text, words, everyday).tokens))) for label, text in phrasings)
    return tuple((label, doc) for label, doc in found if doc)


@lru_cache(maxsize=4)
def _index(params: Parameters) -> tuple[BM25Okapi, tuple[str, ...]]:
    examples = example_terms(params)
    return BM25Okapi([list(doc) for _, doc in examples]), tuple(label for label, _ in examples)


@lru_cache(maxsize=4)
def _postings(params: Parameters) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each known term's BM25 score in every example that holds it (documents, scores), computed once with
    BM25Okapi's own formula and figures: a question's vote is then a sum over its terms' short lists, not a
    pass over every example per term (rank_bm25's get_scores, ~0.5 ms a term)."""
    index, _ = _index(params)
    postings: dict[str, tuple[list[int], list[float]]] = {}
    for doc, (freqs, length) in enumerate(zip(index.doc_freqs, index.doc_len, strict=True)):
        norm = index.k1 * (1 - index.b + index.b * length / index.avgdl)
        for term, tf in freqs.items():
            docs, values = postings.setdefault(term, ([], []))
            docs.append(doc)
            values.append(index.idf.get(term, 0.0) * tf * (index.k1 + 1) / (tf + norm))
    return {t: (np.array(d, dtype=np.intp), np.array(v)) for t, (d, v) in postings.items()}


def vote(tokens: tuple[str, ...], params: Parameters, family_of: dict[str, str] | None = None) -> Vote:
    """Each entry's best example score for the question's tokens, best first."""
    index, labels = _index(params)
    query = terms(tokens)
    if not query:
        return Vote(())
    # The same sum BM25 makes, term by term, once per distinct term the examples know (an unknown term adds
    # 0): the cost follows the question's vocabulary, not its length (« combien ? » × 200 was 0.5 s).
    known = Counter(term for term in query if term in index.idf)
    if not known:
        return Vote(())
    postings = _postings(params)
    scores = np.zeros(len(labels))
    for term, count in known.items():
        docs, values = postings[term]
        scores[docs] += count * values
    best: dict[str, float] = {}
    for label, value in zip(labels, scores, strict=True):
        if value > best.get(label, 0.0):
            best[label] = float(value)
    return Vote(tuple(sorted(best.items(), key=lambda item: -item[1])))


def preload(params: Parameters) -> None:
    _index(params)
    _postings(params)
