"""Numbers written out in French words, as figures: « deux mille vingt-sept » is 2027, « vingt et un » 21,
and digits read out one by one (« un six huit zéro cinq », a number dictated, a NIR) stay those digits,
never their sum (« 16805 »); a group read « zéro cinq » keeps its zero.

Used by the health-data screen (a NIR spelled out in words is a NIR) and by the reader of dictated questions.
Pure and linear: one pass over the words, each run of number words converted once.
"""

from __future__ import annotations

import re

from handlers.values import fold

_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16,
}  # fmt: skip
_TENS = {"vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
_SCALES = frozenset({"cent", "cents", "mille"})
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_MONTHS = frozenset(
    {"janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre"}
    | {"novembre", "decembre"}
)


def _parts(word: str) -> list[str] | None:
    """The number words a word is made of (« vingt-sept »: vingt, sept), or None if it is not one."""
    parts = [p for p in fold(word).split("-") if p != "et"]
    known = all(p in _UNITS or p in _TENS or p in _SCALES for p in parts)
    return parts if parts and known else None


def _sum(words: list[str]) -> int:
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


def _joins(number: list[str], group: list[str]) -> bool:
    """Whether the next word goes on the number being read (« deux mille | vingt-sept », « quatre cent |
    cinquante et un »), or starts another (« un | six », « zéro cinq | soixante-seize »)."""
    last, first = number[-1], group[0]
    if number == ["zero"] and not (len(group) == 1 and _UNITS.get(first, 99) < 10):
        return True  # « zéro vingt-trois »: a group read with its leading zero (« zéro cinq »: digits)
    if last == "quatre" and first.startswith("vingt"):
        return True  # « quatre vingt » written apart
    if last in {"vingt", "soixante"} and first in _UNITS and 10 <= _UNITS[first] <= 16 and len(group) == 1:
        return True  # « soixante dix », « quatre vingt dix »
    if first in _SCALES:
        return last not in _SCALES or last == "mille"
    if last in _SCALES:
        return True
    if last in _TENS and first in _UNITS and _UNITS[first] < 10 and len(group) == 1:
        return number[-1] != "vingt" or len(number) == 1 or number[-2] != "quatre"
    return False


def _numbers(groups: list[list[str]]) -> list[str]:
    """The figures of consecutive groups of number words; single digits read one by one make one block."""
    numbers: list[list[str]] = []
    for group in groups:
        if numbers and _joins(numbers[-1], group):
            numbers[-1] += group
        else:
            numbers.append(list(group))
    out: list[str] = []
    digits_block = False  # the last figure is made of digits read one by one
    for number in numbers:
        figure = str(_sum(number))
        if number[0] == "zero" and len(number) > 1:
            figure = "0" + figure  # « zéro vingt-trois »: 023
        single = len(number) == 1 and number[0] in _UNITS and _UNITS[number[0]] < 10
        if single and out and digits_block:
            out[-1] += figure  # « un six huit zéro … », « zéro cinq »: one block of digits
        else:
            out.append(figure)
            digits_block = single
    return out


def figures(text: str) -> str:
    """`text` with every run of number words (joined by spaces, hyphens or « et ») as figures; « un » and
    « une » alone are articles, and « le premier mars » is « le 1er mars »."""
    out: list[str] = []
    at = 0
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        m = words[i]
        if fold(m.group()) == "premier" and i + 1 < len(words) and fold(words[i + 1].group()) in _MONTHS:
            out.append(text[at : m.start()] + "1er")
            at = m.end()
            i += 1
            continue
        parts = _parts(m.group())
        glued = i + 1 < len(words) and not text[m.end() : words[i + 1].start()].strip()
        leads = glued and _parts(words[i + 1].group()) is not None
        if parts is None or (parts in (["un"], ["une"]) and not leads):
            i += 1
            continue
        j, groups = i, [parts]
        while j + 1 < len(words) and not text[words[j].end() : words[j + 1].start()].strip():
            nxt = fold(words[j + 1].group())
            if nxt == "et" and groups[-1][-1] in _TENS and j + 2 < len(words):
                after = fold(words[j + 2].group())  # « vingt et un », « soixante et onze »
                if after in {"un", "une", "onze"}:
                    groups[-1].append(after)
                    j += 2
                    continue
            following = _parts(words[j + 1].group())
            if following is None:
                break
            groups.append(following)
            j += 1
        out.append(text[at : m.start()] + " ".join(_numbers(groups)))
        at = words[j].end()
        i = j + 1
    out.append(text[at:])
    return "".join(out)
