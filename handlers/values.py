"""Parsing of the values a command takes: dates, months, FINESS, INSEE codes, patient codes, yes/no, numbers.

Each parser takes the raw text and returns the typed value or raises UserError with a French message that says
what the right form is. Parsers never echo a value that could hold health data (patient codes are checked
by shape only; the health-data screen has run before any parsing).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from handlers.errors import UserError
from handlers.text_edge import ascii_digits
from rules.month import Month
from templates import text

# [0-9], never \d: a digit of another script is no date, FINESS or INSEE code (the edge made fullwidth ones
# ASCII already).


@dataclass(frozen=True)
class Format:
    """One way of writing a date or a month that the commands accept: how users read it (« AAAA-MM-JJ »), an
    example, and the pattern the parser matches, whose groups hold the fields in the order `fields` names
    (y, m, d)."""

    pattern: str
    example: str
    regex: re.Pattern[str]
    fields: str


# The forms the commands accept, declared once: the parsers below match them, and every sentence that tells
# them (error messages, `aide`, the answer to « quel format de date ? ») is written from them.
DATE_FORMATS = (
    Format("AAAA-MM-JJ", "2025-09-15", re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$"), "ymd"),
    Format("JJ/MM/AAAA", "15/09/2025", re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$"), "dmy"),
)
MONTH_FORMATS = (Format("AAAA-MM", "2025-10", re.compile(r"^([0-9]{4})-([0-9]{2})$"), "ym"),)
# Looks like a month (« 2025-9 »): refused with the month's message, not the date's.
_MONTH_LIKE = re.compile(r"^[0-9]{4}-[0-9]{1,2}$")


def formats_text(formats: tuple[Format, ...], examples: bool = True) -> str:
    """« AAAA-MM-JJ (2025-09-15) ou JJ/MM/AAAA (15/09/2025) »: the accepted forms as a sentence says them."""
    return text("commands.formats.list", formats=formats, examples=examples)


def _fields(formats: tuple[Format, ...], raw: str) -> dict[str, int] | None:
    for form in formats:
        match = form.regex.match(raw)
        if match:
            return {field: int(value) for field, value in zip(form.fields, match.groups(), strict=True)}
    return None


_FINESS = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{7}$")
_INSEE = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{3}$")
_YEAR = re.compile(r"^[0-9]{4}$")
# A tariff in euros as people write it: 1234, 1234.5, 1 234,56, 1234,56 € (at most 6 digits before the comma).
_MONEY = re.compile(r"^(\d{1,3}(?:[ \u00a0\u202f]?\d{3})?)(?:[.,](\d{1,2}))?\s*(?:€|eur|euros?)?$")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case without accents: verbs and keywords match however they are typed. Memoised: option names
    and verbs are folded again on every command (100,000 times in an import)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def parse_date(raw: str, name: str = "date") -> date:
    typed = raw.strip()
    found = _fields(DATE_FORMATS, typed)
    if found is None:
        raise UserError(
            "commands.error.date_format", name=name, value=typed, formats=formats_text(DATE_FORMATS)
        )
    try:
        return date(found["y"], found["m"], found["d"])
    except ValueError:
        raise UserError("commands.error.date_impossible", name=name, value=typed) from None


def parse_month(raw: str, name: str = "mois") -> Month:
    typed = raw.strip()
    found = _fields(MONTH_FORMATS, typed)
    try:
        if found is None:
            raise ValueError(typed)
        return Month(found["y"], found["m"])
    except ValueError:
        raise UserError(
            "commands.error.month_format", name=name, value=typed, formats=formats_text(MONTH_FORMATS)
        ) from None


def parse_date_or_month(raw: str, name: str = "date") -> date | Month:
    typed = raw.strip()
    if _MONTH_LIKE.match(typed):
        return parse_month(typed, name)
    return parse_date(typed, name)


def parse_year(raw: str, name: str = "année") -> int:
    text = raw.strip()
    if not _YEAR.match(text):
        raise UserError("commands.error.year_format", name=name, value=text)
    return int(text)


def parse_year_or_month(raw: str, name: str = "période") -> int | Month:
    text = raw.strip()
    if _YEAR.match(text):
        return int(text)
    if _MONTH_LIKE.match(text):
        return parse_month(text, name)
    raise UserError("commands.error.period_format", name=name, value=text, months=formats_text(MONTH_FORMATS))


def parse_finess(raw: str, name: str = "FINESS") -> str:
    text = raw.strip().upper().replace(" ", "")
    if not _FINESS.match(text):
        raise UserError("commands.error.finess_format", name=name, value=raw.strip())
    return text


def finess_key_ok(finess: str) -> bool:
    """The last character as a Luhn key over the first eight (Corsica letters read as 0). Not confirmed by a
    primary text (RULES.md §7), so a failed check only warns."""
    digits = finess.replace("A", "0").replace("B", "0")
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def parse_insee(raw: str, name: str = "commune") -> str:
    text = raw.strip().upper()
    if not _INSEE.match(text):
        raise UserError("commands.error.insee_format", name=name, value=raw.strip())
    return text


def parse_insee_list(raw: str, name: str = "communes") -> tuple[str, ...]:
    items = [item for item in re.split(r"[,;\s]+", raw.strip()) if item]
    if not items:
        raise UserError("commands.error.insee_format", name=name, value=raw.strip())
    return tuple(dict.fromkeys(parse_insee(item, name) for item in items))


def parse_patient(raw: str, name: str = "patient") -> str:
    # The rules live in handlers/patient_codes.py; the value is never echoed: a malformed code may be a name.
    from handlers.patient_codes import check

    return check(raw, name)


def parse_yes_no(raw: str, name: str) -> bool:
    text = fold(raw.strip())
    if text in ("oui", "o", "yes", "vrai", "1"):
        return True
    if text in ("non", "n", "no", "faux", "0"):
        return False
    raise UserError("commands.error.yes_no", name=name, value=raw.strip())


def parse_count(raw: str, name: str = "nombre", maximum: int = 31) -> int:
    text = raw.strip()
    if not ascii_digits(text) or len(text) > 6 or not 1 <= int(text) <= maximum:
        raise UserError("commands.error.count", name=name, value=text, maximum=maximum)
    return int(text)


def parse_target(raw: str, name: str) -> int:
    text = raw.strip()
    if not ascii_digits(text) or len(text) > 6 or int(text) > 100_000:
        raise UserError("commands.error.target", name=name, value=text)
    return int(text)


def parse_choice(raw: str, name: str, choices: tuple[str, ...]) -> str:
    text = fold(raw.strip())
    if text not in choices:
        raise UserError("commands.error.choice", name=name, value=raw.strip(), choices=" | ".join(choices))
    return text


def parse_member_ref(raw: str) -> str:
    """`<@U123|alice>`, `<@U123>`, `@U123`, `U123` or an email: the stable id (Slack id or lowered email)."""
    text = raw.strip()
    slack = re.match(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$", text) or re.match(r"^@?([UW][A-Z0-9]{2,})$", text)
    if slack:
        return slack.group(1)
    if re.match(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", text):
        return text.lower()
    raise UserError("commands.error.member_format", value=text)


def parse_email(raw: str, name: str = "email") -> str:
    text = raw.strip()
    if not re.match(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$", text):
        raise UserError("commands.error.email_format", name=name, value=text)
    return text.lower()


def parse_money(raw: str, name: str) -> Decimal:
    """An amount in euros, cents at most (« 1 234,56 », « 180.5 », « 180 € »), as an exact Decimal."""
    text = raw.strip().lower()
    match = _MONEY.match(text)
    if not match:
        raise UserError("commands.error.money", name=name, value=raw.strip())
    units = re.sub(r"\D", "", match.group(1))
    cents = (match.group(2) or "0").ljust(2, "0")
    return Decimal(f"{units}.{cents}")
