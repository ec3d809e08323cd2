"""Whether a question turns on a point the texts leave open (RULES §4), or whether its own days settle it.

The « first month » is either the calendar month of the first home administration (the project's working
hypothesis) or the 30 days from it. Both readings agree on most cases: a question whose administrations fall
in one calendar month, or more than 30 days apart, gets one answer whichever the reading; only a later
administration in the next calendar month but within 30 days of the first (« le 28 janvier, puis le 10
février »), or a question on the rule itself (« mois civil ou 30 jours ? »), depends on it. Such a question is
handed over with the hypothesis; the others are answered with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from itertools import pairwise

from handlers.questions.timeline import MONTH_NAMES

# « 28/01 », « 28/01/2026 », « 28/1/26 »; « le 28 janvier [2026] », « 1er fév. », « 20 oct ». Linear: each
# pattern is a fixed sequence of bounded classes, no nested repetition.
_MONTHS = "|".join(sorted(MONTH_NAMES, key=len, reverse=True))
_DAY_RE = re.compile(
    r"(?<![\d/])(?P<d>[0-3]?\d)\s?/\s?(?P<m>[01]?\d)(?:\s?/\s?(?P<y>(?:20)?\d\d))?(?![\d/])"
    rf"|(?<![\w/])(?P<wd>[0-3]?\d|1er|premier)\s(?P<wm>{_MONTHS})\b\.?(?:\s(?P<wy>20\d\d)\b)?"
)
# The rule itself put in question: « mois calendaire / civil » or « 30 jours ».
_RULE_RE = re.compile(r"\b(?:calendaire|civil|30\s?(?:jours|j|jrs)\b|trente jours)")


def _told(m: re.Match[str]) -> tuple[int, int | None]:
    """The month and (when written) the year of a `_DAY_RE` match."""
    month = int(m.group("m")) if m.group("m") else MONTH_NAMES[m.group("wm")]
    raw_year = m.group("y") or m.group("wy")
    if not raw_year:
        return month, None
    return month, int(raw_year) if len(raw_year) == 4 else 2000 + int(raw_year)


def told_days(text: str, year: int = 2026) -> list[date]:
    """The days a (folded) question tells, in its order: a day without its year is taken in `year`, or in
    the previous day's (« le 20 oct, puis le 12 nov »; a December followed by a January passes into the
    next year)."""
    found: list[date] = []  # (for the first month, the year does not matter, only the passing of a year)
    for m in _DAY_RE.finditer(text):
        if _NOT_ADMINISTRATION_RE.search(text, max(0, m.start() - 60), m.start()):
            continue
        raw_day = m.group("d") or m.group("wd")
        day = 1 if raw_day in ("1er", "premier") else int(raw_day)
        month, written = _told(m)
        if written is not None:
            told = written
        elif found and (month, day) < (found[-1].month, found[-1].day):
            told = found[-1].year + 1
        else:
            told = year
        try:
            found.append(date(told, month, day))
        except ValueError:
            continue  # « 31/02 »: no day, nothing read (nor a year passed)
        year = told
    return found


# A day told as the referral or the start of HAD care, not as a home administration (« en HAD depuis le 15/10,
# 1re injection le 2/11 »): looked for just before the day.
_NOT_ADMINISTRATION_RE = re.compile(
    r"(?:adress|orient|depuis|admis|entre[e]? en had|sorti)\w*\W+(?:\w+\W+){0,3}$"
)


def first_month(text: str) -> bool:
    """Whether the calendar-month and 30-day readings of the first month differ for this (folded) question."""
    if _RULE_RE.search(text):
        return True
    days = told_days(text)
    for earlier, later in pairwise(days):
        if (later.year, later.month) != (earlier.year, earlier.month) and 0 < (later - earlier).days < 30:
            return True
    return False


_MONTH_YEAR_RE = re.compile(rf"(?<![\w/])(?P<m>{_MONTHS})\.?\s(?P<y>20\d\d)\b")


_NOW_RE = re.compile(r"\b(?:maintenant|aujourd hui|des a present|ce mois ci)\b")
# A month named alone as a time (« dès juin », « adressé en avril »): placed in the year nearest today.
# (not after « avant » / « après », which turn the comparison round)
_BARE_MONTH_RE = re.compile(
    rf"\b(?:en|des|d ici|fin|debut|mi|courant)\s(?P<m>{_MONTHS})\b(?!\.?\s(?:20)?\d\d\b)"
)


def _nearest(month: int, today: date) -> tuple[int, int]:
    candidates = [(today.year + k, month) for k in (-1, 0, 1)]
    return min(candidates, key=lambda ym: abs((ym[0] - today.year) * 12 + ym[1] - today.month))


def tells_day(text: str, year: int, month: int, relation: str, today: date | None = None) -> bool:
    """Whether the (folded) question tells a day `in` that month (a day without its year: of that month), or
    a day or a month of a stated year `after` / `before` it. With `today`, a month named alone (« dès
    juin ») or a day without its year (« le 24 juin ») counts too, in the year that puts it nearest today."""
    told: list[tuple[int, int]] = []
    for m in _DAY_RE.finditer(text):
        told_month, written = _told(m)
        if written is not None:
            told.append((written, told_month))
        elif relation == "in":
            told.append((year, told_month))
        elif today is not None:
            told.append(_nearest(told_month, today))  # « adressé le 24 juin » asked in July: that June
    if relation == "in":
        return (year, month) in told
    told += [(int(m.group("y")), MONTH_NAMES[m.group("m")]) for m in _MONTH_YEAR_RE.finditer(text)]
    if not told and today is not None:
        told = [_nearest(MONTH_NAMES[m.group("m")], today) for m in _BARE_MONTH_RE.finditer(text)]
    if not told and today is not None and _NOW_RE.search(text):
        told = [(today.year, today.month)]  # « adresser dès maintenant » : this month
    if not told:
        return False
    # Every date told is on that side: a question telling dates on both sides is no yes or no.
    if relation == "after":
        return all(t > (year, month) for t in told)
    return all(t < (year, month) for t in told)


def always(text: str) -> bool:
    return True


# The open points an entry may declare (`open_point:` in rules/data/knowledge): `true` is always open.
READERS: dict[str, Callable[[str], bool]] = {"always": always, "first_month": first_month}
