"""A message dictated to a phone: « patient adressé le trois novembre virgule injections le cinq et le
dix-neuf novembre point combien pour deux mille vingt-cinq point d'interrogation ». Its spoken punctuation
becomes punctuation and its numbers in words become figures, so that it is read as if typed. Only a message
that says « virgule » twice at least is taken as dictated (« faire le point » stays a word elsewhere).

Pure and linear: one pass over the words.
"""

from __future__ import annotations

import re

from handlers.questions.normalize import fold

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

_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16,
}  # fmt: skip
_TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_NUMBER_WORD = re.compile(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*", re.IGNORECASE)
_MONTHS = frozenset(
    {"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre"}
    | {"novembre", "decembre"}
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
    return _figures(text)


def _parts(word: str) -> list[str] | None:
    """The number words a word is made of (« vingt-sept »: vingt, sept), or None if it is not one."""
    parts = [p for p in fold(word).split("-") if p != "et"]
    known = all(p in _UNITS or p in _TENS or p in {"cent", "cents", "mille"} for p in parts)
    return parts if parts and known else None


def _value(words: list[str]) -> int:
    total = current = 0
    for w in words:
        if w in _UNITS:
            current += _UNITS[w]
        elif w in _TENS:
            # « quatre-vingt »: four twenties
            current = current - 4 + 80 if current % 100 == 4 and w.startswith("vingt") else current + _TENS[w]
        elif w in {"cent", "cents"}:
            current = (current or 1) * 100
        elif w == "mille":
            total += (current or 1) * 1000
            current = 0
    return total + current


def _figures(text: str) -> str:
    out: list[str] = []
    at = 0
    words = list(_NUMBER_WORD.finditer(text))
    i = 0
    while i < len(words):
        m = words[i]
        # « le premier mars »: the first of the month.
        if fold(m.group()) == "premier" and i + 1 < len(words) and fold(words[i + 1].group()) in _MONTHS:
            out.append(text[at : m.start()] + "1er")
            at = m.end()
            i += 1
            continue
        parts = _parts(m.group())
        if parts is None or parts in (["un"], ["une"]):
            i += 1
            continue
        # A run of number words separated by spaces only (« deux mille vingt-sept »).
        j, run = i, list(parts)
        while j + 1 < len(words) and not text[words[j].end() : words[j + 1].start()].strip():
            following = _parts(words[j + 1].group())
            if following is None:
                break
            run += following
            j += 1
        out.append(text[at : m.start()] + str(_value(run)))
        at = words[j].end()
        i = j + 1
    out.append(text[at:])
    return "".join(out)
