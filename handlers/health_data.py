"""Screening for direct patient identifiers before anything is logged, stored or echoed.

Patients are known to the bot only by pseudonymous codes. A text holding something that looks like a NIR
(social-security number) or like a person's name with a birth date is refused as a whole: every channel calls
`screen()` first, and the refusal never repeats the offending text.
"""

from __future__ import annotations

import re
from enum import StrEnum

# A NIR: sex (1, 2; 3, 4, 7, 8 for provisional numbers), year, month (01-12, 20-42 and 50-99 exist for unknown
# months), department (2 digits, or 2A/2B for Corsica), commune, order number, then an optional 2-digit key.
# Separators (spaces, dots, dashes) may sit between the groups, as people copy it from a carte Vitale.
_SEP = r"[ .\-]?"
_NIR = re.compile(
    r"(?<![0-9A-Za-z])"
    rf"([1-478]){_SEP}(\d{{2}}){_SEP}(0[1-9]|1[0-2]|[2-9]\d){_SEP}(\d{{2}}|2[AaBb]){_SEP}(\d{{3}}){_SEP}(\d{{3}})"
    rf"(?:{_SEP}(\d{{2}}))?"
    r"(?![0-9A-Za-z])"
)

_DATE_NUMERIC = re.compile(
    r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?!\d)|(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"
)
_MONTHS = (
    "janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre"
    "|décembre"
)
_DATE_WORDS = re.compile(rf"(?<!\d)(\d{{1,2}}|1er)\s+({_MONTHS})\s+(\d{{4}})(?!\d)", re.IGNORECASE)
_BIRTH_MARKER = re.compile(
    r"(?<![a-zà-ÿ])(n[ée]e?|naissance|ddn|d\.d\.n|date\s+de\s+naissance|anniversaire)(?![a-zà-ÿ])",
    re.IGNORECASE,
)
_CIVILITY = re.compile(
    r"(?<![A-Za-z])(m\.|mr|mme|mlle|monsieur|madame|mademoiselle)(?![a-zà-ÿ])", re.IGNORECASE
)
_CAPITALISED = re.compile(r"(?<![\w-])[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,}(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?(?![\w])")
_UPPER_WORD = re.compile(r"(?<![\w-])[A-ZÀ-ÖØ-Þ]{3,}(?![\w-])")

# Before this year, a full date in a message is a birth date, not an event of the experiment (2023 onwards).
BIRTH_YEAR_BEFORE = 2020

# Capitalised words that open sentences or name things, not people.
_NOT_NAMES = {
    "quel", "quelle", "quels", "quelles", "quand", "combien", "comment", "pourquoi", "qui", "que", "quoi",
    "est",
    "les", "le", "la", "un", "une", "des", "pour", "peut", "peuvent", "faut", "doit", "mon", "notre", "nous",
    "patient", "patiente", "adressage", "administration", "fin", "had", "ars", "finess", "insee", "normandie",
    "bretagne", "occitanie", "corse", "centre", "hauts", "grand", "provence", "pays", "auvergne", "bourgogne",
    "nouvelle", "guadeloupe", "martinique", "guyane", "mayotte", "france", "lfss", "tmsc", "hdj", "chimio",
    "bonjour", "merci", "cordialement", "madame", "monsieur", "article", "annexe", "oui", "non", "date",
    "hôpital", "hopital", "clinique", "chu", "chr", "cac", "dgos", "cpam", "cnam", "unicancer", "fnehad",
}  # fmt: skip


class Finding(StrEnum):
    NIR = "nir"
    NAME_AND_BIRTH_DATE = "name_and_birth_date"


def nir_key_ok(digits13: str, key: str) -> bool:
    """key = 97 - (NIR mod 97), Corsica 2A/2B counted as 19/18 in the department place."""
    text = digits13.upper()
    if "2A" in text[5:7] or "2B" in text[5:7]:
        text = text[:5] + ("19" if text[5:7] == "2A" else "18") + text[7:]
    if not text.isdigit():
        return False
    return 97 - int(text) % 97 == int(key)


def _has_nir(text: str) -> bool:
    for match in _NIR.finditer(text):
        body = "".join(match.groups()[:6]).upper()
        key = match.group(7)
        groups = [len(g) for g in re.split(r"[ .\-]", match.group(0))]
        # In one block, or in the grouping of the carte Vitale (1 85 05 76 123 456 78): written as a NIR.
        compact = len(groups) == 1 or groups in ([1, 2, 2, 2, 3, 3], [1, 2, 2, 2, 3, 3, 2])
        if key is None:
            # 13 characters with the shape of a NIR written in one block: a NIR without its key.
            if compact:
                return True
            continue
        # With a key: a valid key is a NIR for sure; a wrong key in one block is a mistyped NIR.
        if nir_key_ok(body, key) or compact:
            return True
    return False


def _birth_dates(text: str) -> bool:
    for match in _DATE_NUMERIC.finditer(text):
        year_text = match.group(3) or match.group(4)
        year = int(year_text)
        if len(year_text) == 2:
            return True  # a two-digit year in a message is a birth date written by hand ("12/03/56")
        if year < BIRTH_YEAR_BEFORE:
            return True
    return any(int(m.group(3)) < BIRTH_YEAR_BEFORE for m in _DATE_WORDS.finditer(text))


def _any_date(text: str) -> bool:
    return bool(_DATE_NUMERIC.search(text) or _DATE_WORDS.search(text))


def _has_name(text: str) -> bool:
    if _CIVILITY.search(text):
        return True
    words = [w for w in _CAPITALISED.findall(text) if w.lower() not in _NOT_NAMES]
    upper = [w for w in _UPPER_WORD.findall(text) if w.lower() not in _NOT_NAMES]
    return bool(words or upper)


def find(text: str) -> Finding | None:
    """What kind of direct identifier the text seems to hold, if any."""
    if _has_nir(text):
        return Finding.NIR
    marker = bool(_BIRTH_MARKER.search(text))
    if (marker and _any_date(text)) or (_birth_dates(text) and (_has_name(text) or marker)):
        return Finding.NAME_AND_BIRTH_DATE
    return None


def redact(text: str) -> str:
    """The text with NIR-like numbers and dates replaced, for the rare log line that must quote user input."""
    out = _NIR.sub("[NIR masqué]", text)
    out = _DATE_NUMERIC.sub("[date masquée]", out)
    return _DATE_WORDS.sub("[date masquée]", out)


def screen(text: str) -> Finding | None:
    """Alias of `find`, named for its use at every channel's door."""
    return find(text)
