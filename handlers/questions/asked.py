"""The asked point of a question: what it asks for, besides what it is about.

« Quel est le numéro de téléphone de la DGOS ? » is about the contact, but asks for a phone number; « tu peux
me renvoyer le CPOM ? » names a document, but asks for an act. An entry that does not state the asked point
is a neighbour, not an answer. The points and their cues are data (rules/data/knowledge/frames.yaml
`slots`); each entry declares the points its answer states (`addresses`, some derived: knowledge.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

from handlers.questions.knowledge import expand, load_knowledge
from handlers.questions.topics import Cue, compile_cues, compiled_slots, score
from rules.parameters import Parameters


@cache
def _unless() -> dict[str, tuple[Cue, ...]]:
    return {slot: compile_cues(cues) for slot, cues in (load_knowledge().slot_unless or {}).items()}


def asked_points(tokens: Sequence[str]) -> tuple[str, ...]:
    """The points the question asks (in the order of frames.yaml): those whose every cue group matches and
    none of whose `unless` cues does."""
    vetoes = _unless()
    return tuple(
        slot
        for slot, groups in compiled_slots().items()
        if all(score(group, tokens)[0] > 0 for group in groups)
        and not (slot in vetoes and score(vetoes[slot], tokens)[0] > 0)
    )


@lru_cache(maxsize=8)
def _context_cues(params: Parameters) -> dict[str, tuple[Cue, ...]]:
    return {
        key: compile_cues({expand(spec, params, f"context_facts {key}"): w for spec, w in cues.items()})
        for key, cues in (load_knowledge().context_facts or {}).items()
    }


def unasked_context(fact_key: str, tokens: Sequence[str], params: Parameters) -> bool:
    """Whether `fact_key` is a context fact (frames.yaml `context_facts`: what was asked for, not what was
    decided) that this question does not ask about: then it is not said (« 2 forfaits dans le même mois ? »
    is not answered with Unicancer's 115 € per session)."""
    cues = _context_cues(params).get(fact_key)
    return cues is not None and score(cues, tokens)[0] <= 0
