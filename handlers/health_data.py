"""Screening for direct patient identifiers before anything is logged, stored, audited, echoed or sent.

Patients are known to the bot only by pseudonymous codes. A text holding something that reads as a NIR
(social-security number) or as a person's name with a birth date is refused as a whole: every door calls
`screen()` first, and the refusal never repeats the offending text. The only other user of these patterns
is `mask_nir`/`redact`, for the rare text that must be kept with the number hidden.

The screen reads a normalised view of the text, so no spelling hides a NIR: NFKC (fullwidth digits,
superscripts), digits of every script as 0-9, invisible characters removed, and any small cluster of
separators between digits (spaces of any kind and count, ` - `, `.`, `/`, `_`) ignored. Digits glued to
letters (`P185…`, `NIR185…`, `185…abc`) are read too. To stay precise, a 15-digit number counts only when
its groups as written start and end it, its fields have a NIR's shape, and its key (97 − n mod 97) is
right — or when it is written in one block; a 13-digit number without key only in one block or in the
carte Vitale grouping. Bank numbers (IBAN with a valid check) are set aside first.

Linear in the text: one pass builds the digit runs, each candidate window is checked in constant time, and
the date/name patterns have no nested repetition.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from handlers.spoken_numbers import figures
from handlers.text_edge import no_surrogates


class Finding(StrEnum):
    NIR = "nir"
    NAME_AND_BIRTH_DATE = "name_and_birth_date"


# Before this year, a full date in a message is a birth date, not an event of the experiment (2023 onwards).
BIRTH_YEAR_BEFORE = 2020
NIR_MASK = "[numéro masqué]"

_SEPARATORS = frozenset(" .-/_\u00b7\u2010\u2011\u2012\u2013\u2014\u2212")
_MAX_SEPARATORS = 3  # " - " between two groups; more is two numbers side by side
_SEX = frozenset("123478")


# ---- the normalised view --------------------------------------------------------------------------------


def normalised(text: str) -> str:
    """NFKC, digits of every script as ASCII, invisible format characters removed, every space kind as ' '.

    Same length relation as the input is not kept; callers that mask work on this view."""
    text = unicodedata.normalize("NFKC", no_surrogates(text))
    if text.isascii():
        return text
    out: list[str] = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        elif ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        elif ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) != "Cf":
            out.append(ch)
    return "".join(out)


# ---- NIR ------------------------------------------------------------------------------------------------


def nir_key_ok(digits13: str, key: str) -> bool:
    """key = 97 - (NIR mod 97), Corsica 2A/2B counted as 19/18 in the department place."""
    text = digits13.upper()
    if len(text) != 13 or not key.isascii() or not key.isdecimal():
        return False
    if text[5:7] in ("2A", "2B"):
        text = text[:5] + ("19" if text[5:7] == "2A" else "18") + text[7:]
    if not (text.isascii() and text.isdecimal()):
        return False
    return 97 - int(text) % 97 == int(key)


def _shape(body: str) -> bool:
    """Sex, year, month (01-12, 20-42 and 50-99 exist for unknown months), department (2 digits or 2A/2B)."""
    if body[0] not in _SEX or not body[1:5].isdigit() or not body[7:].isdigit():
        return False
    month = int(body[3:5])
    return (1 <= month <= 12 or 20 <= month <= 42 or month >= 50) and (
        body[5:7].isdigit() or body[5:7] in ("2A", "2B")
    )


@dataclass
class _Run:
    start: int  # index in the normalised text of the first digit
    end: int = 0  # index after the last digit
    chars: str = ""  # the digits (and a Corsican A/B), separators removed
    bounds: tuple[int, ...] = (0,)  # offsets in `chars` where a written group starts or ends


def _runs(text: str) -> list[_Run]:
    runs: list[_Run] = []
    run: _Run | None = None
    chars: list[str] = []
    bounds: list[int] = []
    gap = 0
    for index, ch in enumerate(text):
        corsican = ch in "AaBb" and run is not None and len(chars) == 6 and chars[5] == "2"
        if ("0" <= ch <= "9") or corsican:
            if run is None:
                run, chars, bounds = _Run(index), [], [0]
            elif gap:
                bounds.append(len(chars))
            chars.append(ch.upper())
            run.end = index + 1
            gap = 0
        elif run is not None and ch in _SEPARATORS and gap < _MAX_SEPARATORS:
            gap += 1
        elif run is not None:
            run.chars, run.bounds = "".join(chars), (*bounds, len(chars))
            runs.append(run)
            run, gap = None, 0
        # else: outside a run, nothing to do
    if run is not None:
        run.chars, run.bounds = "".join(chars), (*bounds, len(chars))
        runs.append(run)
    return runs


def _written(following: dict[int, int], start: int, groups: tuple[int, ...]) -> bool:
    """Whether the written groups from `start` have exactly these lengths (`following`: bound -> next)."""
    at = start
    for length in groups:
        if following.get(at) != at + length:
            return False
        at += length
    return True


_VITALE_13 = (1, 2, 2, 2, 3, 3)
_VITALE_15 = (1, 2, 2, 2, 3, 3, 2)


_P13 = pow(10, 13, 97)


def _key_checker(chars: str) -> Callable[[int], bool]:
    """Whether the 15 characters from a position are 13 digits and their right key. For a run of digits only,
    in constant time per position from prefix residues (a 10,000-digit run has 10,000 windows); else (a
    Corsican letter) by `nir_key_ok`."""
    if not chars.isdigit():
        return lambda at: nir_key_ok(chars[at : at + 13], chars[at + 13 : at + 15])
    residues = [0]
    for ch in chars:
        residues.append((residues[-1] * 10 + ord(ch) - 48) % 97)

    def check(at: int) -> bool:
        body = (residues[at + 13] - residues[at] * _P13) % 97
        return 97 - body == (ord(chars[at + 13]) - 48) * 10 + ord(chars[at + 14]) - 48

    return check


def _nir_in(run: _Run) -> bool:
    chars, bounds = run.chars, run.bounds
    if len(chars) < 13:
        return False
    starts = set(bounds)
    following = dict(itertools.pairwise(bounds))
    for left, right in itertools.pairwise(bounds):
        # One written block of 16 to 20 digits (a NIR glued to a few more, as in a made-up id): any window
        # with the shape and a right key. Longer blocks are not read (a random one would match by chance).
        if 15 < right - left <= 20 and any(
            _shape(chars[i : i + 15]) and nir_key_ok(chars[i : i + 13], chars[i + 13 : i + 15])
            for i in range(left, right - 14)
        ):
            return True
    key_ok = _key_checker(chars)
    for start in bounds:
        first = following.get(start, start) - start  # the length of the written group starting here
        vitale = first == 1
        end = start + 15
        if end <= len(chars) and end in starts:
            window = chars[start:end]
            if _shape(window) and (
                key_ok(start)
                # A wrong key in one block or in the carte Vitale grouping: a mistyped NIR, written as one.
                or first == 15
                or (vitale and _written(following, start, _VITALE_15))
            ):
                return True
        end = start + 13
        # Without its key: only in one block or in the carte Vitale grouping (1 85 05 76 123 456).
        if (
            end <= len(chars)
            and (first == 13 or (vitale and _written(following, start, _VITALE_13)))
            and _shape(chars[start:end])
        ):
            return True
    return False


_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![A-Za-z0-9])"
)


def _iban_ok(candidate: str) -> bool:
    compact = candidate.replace(" ", "")
    moved = compact[4:] + compact[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return len(compact) >= 15 and int(digits) % 97 == 1


def _without_ibans(text: str) -> str:
    if not _IBAN.search(text):
        return text
    return _IBAN.sub(lambda m: " " * len(m.group(0)) if _iban_ok(m.group(0)) else m.group(0), text)


def _nir_spans(text: str) -> list[tuple[int, int]]:
    """Spans (in `text`, already normalised) of the digit runs holding a NIR."""
    return [(run.start, run.end) for run in _runs(_without_ibans(text)) if _nir_in(run)]


def mask_nir(text: str, mark: str = NIR_MASK) -> tuple[str, bool]:
    """The text with every NIR-bearing number replaced by a mark (on the normalised view, which is what is
    returned then), and whether one was found; the text itself when none was."""
    view = normalised(text)
    spans = _nir_spans(view)
    if not spans:
        return text, False
    out: list[str] = []
    last = 0
    for start, end in spans:
        out.append(view[last:start])
        out.append(mark)
        last = end
    out.append(view[last:])
    return "".join(out), True


# ---- names with a birth date ----------------------------------------------------------------------------

# A numeric date: day, month, 2- or 4-digit year, one separator repeated; not a piece of a longer dotted
# number (« Tél. 02.35.08.81.81 » is no date).
_DATE_NUMERIC = re.compile(
    r"(?<![\d])(?<![\d][/.\-])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![/.\-]?\d)"
    r"|(?<![\d])(?<![\d][/.\-])(\d{4})-(\d{1,2})-(\d{1,2})(?![/.\-]?\d)"
)
_MONTHS = (
    "janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|decembre"
    "|décembre|janv|fevr|févr|avr|juil|sept|oct|nov|dec|déc"
)
_DATE_WORDS = re.compile(rf"(?<!\d)(\d{{1,2}}|1er)\s+(?:{_MONTHS})\.?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(19\d\d|20[01]\d)(?!\d)")
# « né », « née », « nee », « date de naissance »…; the unaccented « ne » only before « le »/« en » and a
# digit (else it is the negation « ne … pas »).
_BIRTH_MARKER = re.compile(
    r"(?<![\w])(?:née?|nee|naissance|ddn|d\.d\.n\.?|anniversaire|ne(?=\s+(?:le|en)\s+\d))(?![\w])",
    re.IGNORECASE,
)
_CIVILITY = re.compile(
    r"(?<![\w])(?:m\.|mr\.?|mme\.?|mlle\.?|monsieur|madame|mademoiselle|patiente?|pt)\s+[A-ZÀ-ÖØ-Þ][\w'-]+"
)
_NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+)?|[A-ZÀ-ÖØ-Þ]{2,}(?:-[A-ZÀ-ÖØ-Þ]{2,})?)"
_TWO_NAMES = re.compile(rf"(?<![\w-]){_NAME_WORD}[ ]+{_NAME_WORD}(?![\w-])")
_UPPER_NAME = re.compile(r"(?<![\w-])[A-ZÀ-ÖØ-Þ]{3,}(?:-[A-ZÀ-ÖØ-Þ]{2,})?,?\s*$")
# A date right after these words dates a text or an event, not a person.
_NOT_BIRTH = re.compile(
    r"(?:d[ée]cret|arr[êe]t[ée]|loi|circulaire|instruction|ordonnance|lfss|jo|journal\s+officiel|publi[ée]e?"
    r"|version|depuis|avant|apr[èe]s|jusqu'au|mis\s+[àa]\s+jour|sign[ée]e?|avenant|convention|courrier)"
    r"\b[^.\n]{0,12}$",
    re.IGNORECASE,
)
_NEAR = 60  # characters between a name and a date that make them one identity

# Capitalised words that open sentences or name things, not people.
_NOT_NAMES = {
    "quel", "quelle", "quels", "quelles", "quand", "combien", "comment", "pourquoi", "qui", "que", "quoi",
    "est", "les", "le", "la", "un", "une", "des", "pour", "peut", "peuvent", "faut", "doit", "mon", "notre",
    "nous", "patient", "patiente", "adressage", "administration", "fin", "had", "ars", "finess", "insee",
    "normandie", "bretagne", "occitanie", "corse", "centre", "hauts", "grand", "provence", "pays", "auvergne",
    "bourgogne", "nouvelle", "guadeloupe", "martinique", "guyane", "mayotte", "france", "lfss", "tmsc", "hdj",
    "chimio", "bonjour", "merci", "cordialement", "madame", "monsieur", "article", "annexe", "oui", "non",
    "date", "hôpital", "hopital", "clinique", "chu", "chr", "cac", "dgos", "cpam", "cnam", "unicancer",
    "fnehad", "décret", "decret", "arrêté", "arrete", "loi", "janvier", "février", "fevrier", "mars", "avril",
    "mai", "juin", "juillet", "août", "aout", "septembre", "octobre", "novembre", "décembre", "decembre",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "tél", "tel", "fax", "rapport",
    "dr", "pr", "docteur", "professeur", "ide", "iban", "siret", "rpps", "nir", "demo", "démo", "expé",
    "expe", "bilan", "forfait", "forfaits", "convention", "etablissement", "établissement", "du", "de",
}  # fmt: skip


@dataclass(frozen=True)
class _Date:
    start: int
    end: int
    year: int
    two_digit: bool


def _dates(text: str) -> list[_Date]:
    found: list[_Date] = []
    for match in _DATE_NUMERIC.finditer(text):
        if match.group(1):
            day, month, year_text = int(match.group(1)), int(match.group(3)), match.group(4)
        else:
            year_text, month, day = match.group(5), int(match.group(6)), int(match.group(7))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.append(_Date(match.start(), match.end(), int(year_text), len(year_text) == 2))
    for match in _DATE_WORDS.finditer(text):
        found.append(_Date(match.start(), match.end(), int(match.group(2)), False))
    return found


def _is_name(words: str) -> bool:
    return not any(part.lower() in _NOT_NAMES for part in re.split(r"[ -]+", words) if part)


def _name_near(text: str, date: _Date) -> bool:
    before = text[max(0, date.start - _NEAR) : date.start]
    after = text[date.end : date.end + _NEAR]
    if _CIVILITY.search(before) or _CIVILITY.search(after):
        return True
    if any(_is_name(m.group(0)) for m in _TWO_NAMES.finditer(before)):
        return True
    if any(_is_name(m.group(0)) for m in _TWO_NAMES.finditer(after)):
        return True
    upper = _UPPER_NAME.search(before)  # « DUPONT 12/03/1956 », « adressage DUPONT, 12/03/56 »
    return upper is not None and _is_name(upper.group(0).strip(" ,"))


def _birth(text: str) -> bool:
    dates = _dates(text)
    for marker in _BIRTH_MARKER.finditer(text):
        after = marker.end()
        for date in dates:
            # « née le 12/03/2019 », « date de naissance : 03/1956… »; a recent date further on is an event.
            if after <= date.start < after + 40 and (
                date.start - after <= 15 or date.two_digit or date.year < BIRTH_YEAR_BEFORE
            ):
                return True
        if _YEAR.search(text[after : after + 20]):  # « né en 1956 »
            return True
    for date in dates:
        if not (date.two_digit or date.year < BIRTH_YEAR_BEFORE):
            continue
        if _NOT_BIRTH.search(text[max(0, date.start - 40) : date.start]):
            continue
        if _name_near(text, date):
            return True
    return False


# ---- the screen -----------------------------------------------------------------------------------------

# Four number words in a row at least: only then can words spell a number as long as a NIR.
_SPELLED = re.compile(
    r"(?:\b(?:z[ée]ro|un|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
    r"|vingt|trente|quarante|cinquante|soixante|cent|mille)s?\b[\s,-]+(?:et\s+)?){4}",
    re.IGNORECASE,
)


def find(text: str) -> Finding | None:
    """What kind of direct identifier the text seems to hold, if any (on the normalised view)."""
    view = normalised(text)
    if _nir_spans(view):
        return Finding.NIR
    # « un six huit zéro cinq … »: a NIR read out in words (a dictated message) is a NIR.
    if _SPELLED.search(view) and _nir_spans(figures(view)):
        return Finding.NIR
    if _birth(view):
        return Finding.NAME_AND_BIRTH_DATE
    return None


def screen(text: str) -> Finding | None:
    """Alias of `find`, named for its use at every door."""
    return find(text)


def screen_all(*texts: str | None) -> Finding | None:
    """The first finding over several fields (subject, body, headers, ids...)."""
    for item in texts:
        if item:
            finding = find(item)
            if finding is not None:
                return finding
    return None


def redact(text: str) -> str:
    """The text with NIR-like numbers and dates replaced, for the rare log line that must quote user input."""
    out, _ = mask_nir(text, "[NIR masqué]")
    out = _DATE_NUMERIC.sub("[date masquée]", out)
    return _DATE_WORDS.sub("[date masquée]", out)
