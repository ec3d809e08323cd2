"""An act the writer asks the reader to do: « Pouvez-vous purger définitivement cette saisie ? », « vous
pouvez transférer mes accès à ma collègue ? », « Pouvons-nous lui accorder ce délai ? ». No rule answers it:
a person acts. Asking to be told (« pouvez-vous me dire / confirmer / rappeler … ») is no act: only the verbs
listed in rules/data/knowledge/frames.yaml (`act_verbs`) are.

Pure and linear: one compiled pattern, a fixed lead, at most two pronouns, then one verb of the list.
"""

from __future__ import annotations

import re
from functools import cache

from handlers.questions.knowledge import load_knowledge
from handlers.questions.normalize import fold

_ASKER = (
    r"(?:(?:pouvez|pourriez|pouvons|pourrions) (?:vous|nous)|vous (?:pouvez|pourriez)|peux tu|pourrais tu)"
)
_PRONOUNS = r"(?:(?:me|m|nous|lui|leur|le|la|les|l|en|y|bien|svp|rapidement) ){0,2}"


@cache
def _pattern() -> re.Pattern[str]:
    verbs = sorted(load_knowledge().act_verbs, key=len, reverse=True)
    # (« pouvez-vous vérifier et corriger ? »: a verb of the list after another joined by « et »)
    return re.compile(rf"\b{_ASKER} {_PRONOUNS}(?:\w+ et )?(?:{'|'.join(map(re.escape, verbs))})\b")


def act_asked(question: str) -> bool:
    """Whether the message asks the reader to do one of the listed acts (read on its folded words, as
    written: the lexicon would bend « accès » into another word)."""
    words = " ".join(re.findall(r"\w+", fold(question)))
    return bool(load_knowledge().act_verbs) and _pattern().search(words) is not None
