"""A message dictated to a phone: « patient adressé le trois novembre virgule injections le cinq et le
dix-neuf novembre point combien pour deux mille vingt-cinq point d'interrogation ». Its spoken punctuation
becomes punctuation and its numbers in words become figures, so that it is read as if typed. Only a message
that says « virgule » twice at least is taken as dictated (« faire le point » stays a word elsewhere).

Pure and linear: one pass over the words.
"""

from __future__ import annotations

import re

from handlers.questions.normalize import fold
from handlers.spoken_numbers import figures

MIN_SPOKEN_COMMAS = 2

_SPOKEN_MARKS = (
    (re.compile(r"[ \t]*\bpoints? d'?\s?interrogation\b", re.IGNORECASE), " ?"),
    (re.compile(r"[ \t]*\bpoint (?:à|a) la ligne\b", re.IGNORECASE), ".\n"),
    (re.compile(r"[ \t]*\bdeux points\b", re.IGNORECASE), " :"),
    (re.compile(r"[ \t]*\bvirgule\b", re.IGNORECASE), ","),
    (re.compile(r"[ \t]*\bpoint\b", re.IGNORECASE), "."),
)

# A sentence (bounded) holding an interrogative word, up to its full stop.
_ASKING_SENTENCE = re.compile(
    r"((?:^|(?<=[.?!\n]))[^.?!\n]{0,300}\b(?:combien|quand|comment|pourquoi|est-ce que|quel|quelle|quels"
    r"|quelles)\b[^.?!\n]{0,300})\.",
    re.IGNORECASE,
)


def dictated(text: str) -> bool:
    return len(re.findall(r"\bvirgule\b", fold(text))) >= MIN_SPOKEN_COMMAS


def undictate(text: str) -> str:
    """The message with its spoken punctuation and numbers written out; any other message as it is."""
    if not dictated(text):
        return text
    for pattern, mark in _SPOKEN_MARKS:
        text = pattern.sub(mark, text)
    # « combien pour 2025 point »: a spoken question often ends on « point »; one that asks ends on « ? ».
    text = _ASKING_SENTENCE.sub(lambda m: m.group(1) + " ?", text)
    return figures(text)
