"""Parsing of the values a command takes: dates, months, FINESS, INSEE codes, patient codes, yes/no, numbers.

Each parser takes the raw text and returns the typed value or raises UserError with a French message that says
what the right form is. Parsers never echo a value that could hold health data (patient codes are checked
by shape only; the health-data screen has run before any parsing).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from functools import lru_cache

from handlers.errors import UserError
from handlers.text_edge import ascii_digits
from rules.month import Month

# [0-9], never \d: a digit of another script is no date, FINESS or INSEE code (the edge made fullwidth ones
# ASCII already).
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_FR_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
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
    text = raw.strip()
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _FR_DATE.match(text)
        if not match:
            raise UserError("commands.error.date_format", name=name, value=text)
        day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise UserError("commands.error.date_impossible", name=name, value=text) from None


def parse_month(raw: str, name: str = "mois") -> Month:
    try:
        return Month.parse(raw)
    except ValueError:
        raise UserError("commands.error.month_format", name=name, value=raw.strip()) from None


def parse_date_or_month(raw: str, name: str = "date") -> date | Month:
    text = raw.strip()
    if re.match(r"^\d{4}-\d{1,2}$", text):
        return parse_month(text, name)
    return parse_date(text, name)


def parse_year(raw: str, name: str = "année") -> int:
    text = raw.strip()
    if not _YEAR.match(text):
        raise UserError("commands.error.year_format", name=name, value=text)
    return int(text)


def parse_year_or_month(raw: str, name: str = "période") -> int | Month:
    text = raw.strip()
    if _YEAR.match(text):
        return int(text)
    if re.match(r"^\d{4}-\d{1,2}$", text):
        return parse_month(text, name)
    raise UserError("commands.error.period_format", name=name, value=text)


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
