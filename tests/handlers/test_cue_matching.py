"""Cue matching (handlers/questions/topics.py `matches`) keeps its meaning on its fast paths: checked against
the plain definition on seeded random token lists."""

from __future__ import annotations

import random

from handlers.questions.topics import Cue, matches


def _reference(cue: Cue, tokens: list[str]) -> bool:
    def one(pattern: str, token: str) -> bool:
        return token.startswith(pattern[:-1]) if pattern.endswith("*") else token == pattern

    if cue.anywhere:
        return all(any(one(w, t) for t in tokens) for w in cue.words)
    n = len(cue.words)
    starts = range(len(tokens) - n + 1)
    return any(all(one(w, tokens[s + i]) for i, w in enumerate(cue.words)) for s in starts)


def test_matches_agrees_with_the_plain_definition() -> None:
    rng = random.Random(50)
    words = ["forfait", "forfaits", "had", "verse", "versement", "mois", "le", "la", "inclusion", "plafond"]
    patterns = [*words, "vers*", "forfait*", "incl*", "m*"]
    for _ in range(4000):
        tokens = [rng.choice(words) for _ in range(rng.randint(0, 12))]
        cue = Cue(tuple(rng.choice(patterns) for _ in range(rng.randint(1, 3))), rng.random() < 0.5, 1.0)
        assert matches(cue, tokens) == _reference(cue, tokens), (cue, tokens)
        assert matches(cue, tuple(tokens), frozenset(tokens)) == _reference(cue, tokens)


def test_the_retrieval_vote_sums_bm25_as_rank_bm25_does() -> None:
    from collections import Counter

    import numpy as np

    from handlers.questions import retrieval
    from rules.parameters import load_parameters

    params = load_parameters()
    index, labels = retrieval._index(params)
    postings = retrieval._postings(params)
    terms = sorted(index.idf)[:: max(1, len(index.idf) // 60)]
    rng = random.Random(7)
    for _ in range(30):
        query = Counter(rng.choice(terms) for _ in range(rng.randint(1, 6)))
        expected = sum(count * index.get_scores([term]) for term, count in query.items())
        got = np.zeros(len(labels))
        for term, count in query.items():
            docs, values = postings[term]
            got[docs] += count * values
        assert np.allclose(expected, got)


def test_a_star_ends_any_word_of_a_written_phrase() -> None:
    # « presence* medical* », « financ* un poste »: each starred word keeps its star (the tokeniser drops
    # it), so that no written prefix silently becomes a whole word of the vocabulary.
    from handlers.questions.normalize import normalize
    from handlers.questions.topics import compile_cues, score

    (first, both, last) = compile_cues({"financ* un poste": 1.0, "presence* medical*": 1.0, "percev*": 1.0})
    assert first.words == ("financ*", "un", "poste")
    assert both.words == ("presence*", "medical*")
    assert last.words == ("percev*",)
    said = normalize("l'ARS peut-elle financer un poste d'IDE ?").tokens
    assert score((first,), said)[0] == 1.0


def test_a_phrase_reads_over_an_adverb_after_its_auxiliary() -> None:
    cue = Cue(("a", "demarre"), False, 1.0)
    assert matches(cue, ("l", "experimentation", "a", "bien", "demarre"))
    assert matches(cue, ("elle", "a", "deja", "demarre"))
    assert not matches(cue, ("a", "bien", "vite", "demarre"))  # one adverb, no more
    # (after an auxiliary only)
    assert not matches(Cue(("le", "forfait"), False, 1.0), ("le", "bien", "forfait"))
