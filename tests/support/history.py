"""A generated care history, as an establishment keeps it in its spreadsheets: referrals, administrations (a
day, or a month with a count) and ends of care, month after month — written as XLSX (one sheet per kind, the
template's headers) or CSV (a « Type » column; any delimiter and encoding). Pseudonymous codes only.

Used by the import tests and by scripts/bench_import.py.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rules.month import Month

HEADERS = {
    "adressage": ["Patient", "Date", "FINESS HAD", "Commune INSEE", "Moins de 3 ans", "FINESS établissement"],
    "administration": ["Patient", "Date", "Mois", "Nombre", "Traitement", "FINESS établissement"],
    "fin": ["Patient", "Date", "Motif", "FINESS établissement"],
}
CSV_HEADERS = ["Type", "Patient", "Date", "Mois", "Nombre", "Traitement", "FINESS HAD", "Commune INSEE",
               "Moins de 3 ans", "Motif", "FINESS établissement"]  # fmt: skip


@dataclass(frozen=True)
class Row:
    kind: str
    patient: str
    day: date | None = None
    month: Month | None = None
    count: int = 1
    had: str = ""
    commune: str = ""
    site: str = ""
    reason: str = ""


def generate(
    sites: list[str],
    had: str,
    commune: str,
    *,
    patients_per_site: int,
    first: Month,
    last: Month,
    seed: int = 7,
    prefix: str = "P",
) -> list[Row]:
    """Patients referred month after month from `first`, with administrations every month up to `last`
    (some by day, some as a month with a count, a few months without), a few ends of care."""
    rng = random.Random(seed)
    rows: list[Row] = []
    months: list[Month] = []
    current = first
    while current <= last:
        months.append(current)
        current = current.next()
    for site_index, site in enumerate(sites):
        for n in range(patients_per_site):
            code = f"{prefix}{site_index}-{n:05d}"
            start = months[rng.randrange(len(months))]
            referral = start.first_day() + timedelta(days=rng.randrange(0, 10))
            rows.append(Row("adressage", code, day=referral, had=had, commune=commune, site=site))
            month = start
            ended = False
            while month <= last and not ended:
                if rng.random() < 0.85:
                    if rng.random() < 0.5:
                        day = max(month.first_day() + timedelta(days=rng.randrange(10, 27)), referral)
                        rows.append(Row("administration", code, day=day, site=site))
                    else:
                        rows.append(
                            Row("administration", code, month=month, count=rng.randint(1, 4), site=site)
                        )
                if month > start and rng.random() < 0.03:
                    end = month.first_day() + timedelta(days=27)
                    rows.append(Row("fin", code, day=end, site=site, reason="retour en HDJ"))
                    ended = True
                month = month.next()
    return rows


def _fr(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _fr_month(month: Month | None) -> str:
    return f"{month.month:02d}/{month.year}" if month else ""


def write_csv(rows: list[Row], path: Path, *, delimiter: str = ";", encoding: str = "cp1252") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for r in rows:
        count = f"{r.count},0" if r.month else ""  # a decimal comma, as a French spreadsheet exports it
        under_3 = "non" if r.kind == "adressage" else ""
        day, month = _fr(r.day), _fr_month(r.month)
        writer.writerow(
            [r.kind, r.patient, day, month, count, "", r.had, r.commune, under_3, r.reason, r.site]
        )
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(rows: list[Row], path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheets = {
        "adressage": book.create_sheet("Adressages"),
        "administration": book.create_sheet("Administrations"),
        "fin": book.create_sheet("Fins"),
    }
    for kind, sheet in sheets.items():
        sheet.append(HEADERS[kind])
    for r in rows:
        if r.kind == "adressage":
            sheets[r.kind].append([r.patient, r.day, r.had, r.commune, "non", r.site])
        elif r.kind == "administration":
            month = r.month.first_day() if r.month else None
            sheets[r.kind].append(
                [r.patient, r.day, month, r.count if r.month else None, "injectable", r.site]
            )
        else:
            sheets[r.kind].append([r.patient, r.day, r.reason, r.site])
    book.save(path)
    return path
