"""A long extract pasted in a question — one row per patient and month, fields split by « ; » — rewritten as
the list of patients the timeline reader reads.

« patient;mois;voie;nb_admin A;2026-01;IV;2 A;2026-02;IV;1 B;2026-03;per os;30 … » (a message's lines are
joined by spaces before it gets here) becomes « - A : administrations en janvier 2026, février 2026 ; - B :
… rien en mars 2026 … ; ». The header names the columns; a row's month counts as one with an administration
unless its route is oral (the forfait is for a non-oral treatment) or its count is 0. A month between two of
a patient's months that no row gives is a month without (an extract lists the months with care).

Only a table whose every column is understood is rewritten: a column the reader cannot place (« lieu »,
« commentaire ») might change the total, so the table is left as it stands and the reader gives up on it.
The first and last fields of a row are single words (the row boundary is the space between them); the fields
in between may hold spaces (« per os »). Linear in the text: each row is matched once from where the last
one ended.
"""

from __future__ import annotations

import re

from handlers.questions.normalize import fold
from handlers.questions.slots import MONTH_WORDS
from rules.month import Month, months_between
from templates import month_fr

_HEADER = re.compile(r"(?<!\S)[^\s;|]+(?:;[^\s;|]+){2,7}(?!\S)")
_PATIENT = frozenset({"patient", "patiente", "pt", "code", "id", "identifiant", "initiales", "pseudo", "nom"})
_MONTH = frozenset({"mois", "periode", "date"})
_ROUTE = frozenset({"voie", "route", "mode", "administration_voie"})
_COUNT_WORDS = ("nb", "nombre", "admin", "injection", "perf", "cure", "seance")
_ORAL = frozenset({"os", "per os", "po", "orale", "oral", "comprime", "comprimes", "cp"})
_NOT_ORAL = frozenset({"iv", "sc", "im", "perfusion", "injection", "sous-cutanee", "intraveineuse"})
_MAX_ROWS = 200
_MAX_SPAN_MONTHS = 60  # the experiment runs 37 months
# « 2026-01 », « 01/2026 », « 12/01/2026 », « janv 2026 »
_ISO = re.compile(r"(\d{4})-(\d{1,2})")
_SLASHED = re.compile(r"(?:\d{1,2}/)?(\d{1,2})/(\d{4})")
_WORDS = re.compile(r"([a-z]+)\.?[ -]?(\d{4})")


def rewrite(text: str) -> str:
    """The text with each long extract it holds told as a list of patients (the rest as it was)."""
    if ";" not in text:
        return text
    out: list[str] = []
    at = scanned = 0
    for header in _HEADER.finditer(text):
        if header.start() < max(at, scanned):
            continue  # (inside a table already read, or tried: each row is matched once, linear)
        told, end = _table(text, header)
        scanned = end
        if told is None:
            continue
        out.append(text[at : header.start()])
        out.append(told)
        at = end
    out.append(text[at:])
    return "".join(out)


def _columns(header: list[str]) -> tuple[int, int, int | None, int | None] | None:
    """The patient, month, route and count columns a header names; None when a column is not understood."""
    patient = month = route = count = None
    for i, name in enumerate(fold(h).strip("_ ") for h in header):
        words = set(re.split(r"[_\s.]+", name))
        if words & _PATIENT and patient is None:
            patient = i
        elif words & _MONTH and month is None:
            month = i
        elif words & _ROUTE and route is None:
            route = i
        elif any(name.startswith(w) or f"_{w}" in name for w in _COUNT_WORDS) and count is None:
            count = i
        else:
            return None
    if patient is None or month is None:
        return None
    return patient, month, route, count


def _table(text: str, header: re.Match[str]) -> tuple[str | None, int]:
    names = header.group().split(";")
    columns = _columns(names)
    if columns is None:
        return None, 0
    width = len(names)
    # A row: a first field of one word, the middle ones (spaces allowed), a last field of one word.
    row = re.compile(
        r"\s+" + ";".join([r"([^;\s]+)", *([r"([^;]*?)"] * (width - 2)), r"([^;\s]+)"]) + r"(?=\s|$)"
    )
    rows: list[tuple[str, ...]] = []
    at = header.end()
    while len(rows) < _MAX_ROWS:
        found = row.match(text, at)
        if found is None:
            break
        rows.append(found.groups())
        at = found.end()
    told = _told(rows, *columns)
    return told, at


def _month(cell: str) -> Month | None:
    """The month a month cell names, or None."""
    cell = fold(cell.strip())
    for pattern, year_group, month_group in ((_ISO, 1, 2), (_SLASHED, 2, 1)):
        found = pattern.fullmatch(cell)
        if found is not None:
            number = int(found.group(month_group))
            return Month(int(found.group(year_group)), number) if 1 <= number <= 12 else None
    found = _WORDS.fullmatch(cell)
    if found is not None and found.group(1) in MONTH_WORDS:
        return Month(int(found.group(2)), MONTH_WORDS[found.group(1)])
    return None


def _given(row: tuple[str, ...], route: int | None, count: int | None) -> bool | None:
    """Whether a row tells a non-oral administration; None when its route or count cannot be read."""
    if route is not None:
        way = fold(row[route].strip())
        if way in _ORAL:
            return False
        if way not in _NOT_ORAL:
            return None
    if count is not None:
        value = row[count].strip()
        if not value.isdigit():
            return None
        return int(value) > 0
    return True


def _told(
    rows: list[tuple[str, ...]], patient: int, month: int, route: int | None, count: int | None
) -> str | None:
    if not rows:
        return None
    months: dict[str, dict[Month, bool]] = {}
    for row in rows:
        when, given = _month(row[month]), _given(row, route, count)
        if when is None or given is None:
            return None
        told = months.setdefault(row[patient].strip(), {})
        told[when] = told.get(when, False) or given
    parts: list[str] = []
    for name, given_in in months.items():
        cared = sorted(m for m, given in given_in.items() if given)
        if not cared:
            return None
        if (cared[-1].year - cared[0].year) * 12 + cared[-1].month - cared[0].month >= _MAX_SPAN_MONTHS:
            return None  # (« 2026-01 » then « 9999-01 »: no patient's care, and no walk of 96,000 months)
        said: list[str] = []
        previous = True
        for m in months_between(cared[0], cared[-1]):
            if given_in.get(m, False):
                said.append(month_fr(m) if previous else f"puis {month_fr(m)}")
                previous = True
            else:
                said.append(f"rien en {month_fr(m)}")
                previous = False
        parts.append(f"- {name} : administrations en {', '.join(said)} ;")
    return " ".join(parts)
