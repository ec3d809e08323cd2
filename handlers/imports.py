"""Importing a spreadsheet of care entries: every row through the very command a user types.

A row becomes the words of `adressage`, `administration` or `fin` and goes through `dispatch_words`: the same
health-data screen, rights, parsing, rules and duplicate detection as the typed command, nothing written
twice here. The whole file is one repository transaction, so one durable write with one audit line; by
default it is all-or-nothing (one refused row and nothing is kept), `partial` keeps the valid rows. The report
says, per refused row, the line, the column, what is wrong and how to write it, and never quotes a row the
health-data screen refused.

Reading files (CSV, XLSX) is the edge's job (bot/import_files.py); this module takes their cells as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.context import Context
from handlers.reply import Channel, Reply, Request, Status
from handlers.values import fold
from store.repository import Origin
from templates import text

KINDS = ("adressage", "administration", "fin")

# How users title their columns, folded (lower case, no accents, single spaces): each maps to the option
# (or positional) name of the recording command.
HEADERS: dict[str, tuple[str, ...]] = {
    "type": ("type", "type de saisie", "saisie", "nature"),
    "patient": ("patient", "code patient", "code du patient", "n patient", "numero patient", "code"),
    "date": (
        "date",
        "jour",
        "date d'adressage",
        "date adressage",
        "date de l'adressage",
        "date d'administration",
        "date administration",
        "date de l'administration",
        "date de fin",
        "date fin",
        "date de fin de prise en charge",
    ),
    "mois": ("mois", "mois d'administration", "mois de l'administration"),
    "had": ("had", "finess had", "finess de l'had", "had finess", "structure had"),
    "site": (
        "site",
        "finess",
        "etablissement",
        "finess etablissement",
        "finess de l'etablissement",
        "finess site",
        "finess geographique",
    ),
    "commune": ("commune", "code commune", "commune insee", "insee", "code insee"),
    "moins-de-3-ans": ("moins de 3 ans", "moins-de-3-ans", "moins de trois ans", "< 3 ans", "-3 ans"),
    "nombre": ("nombre", "nb", "nombre d'administrations", "nb administrations", "quantite"),
    "traitement": ("traitement", "voie", "voie d'administration", "type de traitement"),
    "motif": ("motif", "motif de fin", "raison"),
}
_BY_HEADER = {variant: name for name, variants in HEADERS.items() for variant in variants}
# The columns each kind reads, in the order of the template sheet.
COLUMNS: dict[str, tuple[str, ...]] = {
    "adressage": ("patient", "date", "had", "commune", "moins-de-3-ans", "site"),
    "administration": ("patient", "date", "mois", "nombre", "traitement", "site"),
    "fin": ("patient", "date", "motif", "site"),
}
_ORDER = {kind: rank for rank, kind in enumerate(KINDS)}  # referrals first: the others follow them

# Which column a refused row's error points at, when the error does not name it.
_ERROR_FIELD = {
    "commands.error.unknown_had": "had",
    "commands.adressage.contradicts": "had",
    "commands.error.unknown_site": "site",
    "commands.error.site_denied": "site",
    "commands.error.site_needed": "site",
    "commands.error.no_writable_site": "site",
    "commands.care.no_referral": "patient",
    "commands.care.before_referral": "date",
    "commands.error.patient_format": "patient",
    "commands.error.yes_no": "moins-de-3-ans",
    "commands.error.count": "nombre",
    "commands.error.choice": "traitement",
}
_DATE_ERRORS = frozenset(
    {
        "commands.error.date_format",
        "commands.error.month_format",
        "commands.error.date_impossible",
        "commands.error.future",
        "commands.error.too_early",
    }
)
_PARAM_FIELD = {"date": "date", "nombre": "nombre", "had": "had", "site": "site", "commune": "commune"}
_FR_DAY = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")
_FR_MONTH = re.compile(r"^\s*(\d{1,2})[./-](\d{4})\s*$")
_DECIMAL_INT = re.compile(r"^\s*(\d+)(?:[.,]0+)?\s*$")


@dataclass(frozen=True)
class Sheet:
    """Cells as text, as the edge read them: a CSV file is one sheet without a name."""

    name: str | None
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number in the file or sheet, cells)


@dataclass(frozen=True)
class Problem:
    line: int
    sheet: str | None
    column: str | None  # the header as written in the file
    what: str
    how: str | None

    def as_data(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "sheet": self.sheet,
            "column": self.column,
            "what": self.what,
            "how": self.how,
        }


@dataclass
class Outcome:
    file: str
    rows: int = 0
    added: int = 0
    already: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # columns read by no kind
    written: bool = False


class _Rollback(Exception):
    pass


def sheet_kind(name: str | None) -> str | None:
    """The kind a sheet holds, from its name (« Adressages », « Administrations », « Fins »)."""
    if not name:
        return None
    folded = fold(name).strip()
    for prefix, kind in (
        ("adress", "adressage"),
        ("admin", "administration"),
        ("fin", "fin"),
        ("sort", "fin"),
    ):
        if folded.startswith(prefix):
            return kind
    return None


def _header_name(raw: str) -> str | None:
    folded = " ".join(fold(raw).replace("’", "'").replace("°", "").strip(" :").split())
    return _BY_HEADER.get(folded)


def _row_kind(raw: str) -> str | None:
    folded = fold(raw).strip()
    for kind in KINDS:
        if folded.startswith(kind[:5]):
            return kind
    return "fin" if folded.startswith("sortie") else None


def _day(raw: str) -> str:
    match = _FR_DAY.match(raw)
    return f"{match.group(1)}/{match.group(2)}/{match.group(3)}" if match else raw.strip()


def _month(raw: str) -> str:
    match = _FR_MONTH.match(raw)
    if match:
        return f"{match.group(2)}-{int(match.group(1)):02d}"
    stripped = raw.strip()
    # A date typed in a month column (an XLSX date cell, "01/10/2025") stands for its month.
    if len(stripped) == 10 and stripped[4] == "-" and stripped[7] == "-":
        return stripped[:7]
    day = _FR_DAY.match(stripped)
    return f"{day.group(3)}-{int(day.group(2)):02d}" if day else stripped


def _count(raw: str) -> str:
    match = _DECIMAL_INT.match(raw)
    return match.group(1) if match else raw.strip()


@dataclass(frozen=True)
class _Row:
    sheet: str | None
    line: int
    kind: str
    values: dict[str, str]  # command field -> cell text
    all_cells: str  # every cell of the row, for the health-data screen
    columns: dict[str, str]  # command field -> header as written


def _words(row: _Row, default_site: str | None) -> list[str]:
    values = row.values
    when = values.get("date", "")
    if row.kind == "administration" and values.get("mois") and not when:
        when = _month(values["mois"])
    elif row.kind == "administration" and _FR_MONTH.match(when):
        # A month in the date column ("10/2025" with a count), as the typed command takes a month there too.
        when = _month(when)
    else:
        when = _day(when)
    words = [row.kind, values.get("patient", "").strip(), when]
    options = {n: values.get(n, "") for n in COLUMNS[row.kind] if n not in ("patient", "date", "mois")}
    if not options.get("site") and default_site:
        options["site"] = default_site
    if "nombre" in options:
        options["nombre"] = _count(options["nombre"])
    for name, width in (("had", 9), ("site", 9), ("commune", 5)):
        # A spreadsheet stores 01234 as the number 1234: the leading zero of a FINESS or INSEE code returns.
        value = options.get(name, "").strip()
        if value.isdigit() and len(value) == width - 1:
            options[name] = "0" + value
    words.extend(f"{name}={value.strip()}" for name, value in options.items() if value and value.strip())
    return words


def _problem(row: _Row, field_name: str | None, what: str) -> Problem:
    column = row.columns.get(field_name, field_name) if field_name else None
    key = f"imports.how.{field_name}" if field_name else None
    return Problem(row.line, row.sheet, column, what, text(key) if key and _has_how(field_name) else None)


def _has_how(field_name: str | None) -> bool:
    return field_name in (
        "patient",
        "date",
        "mois",
        "had",
        "site",
        "commune",
        "moins-de-3-ans",
        "nombre",
        "traitement",
        "type",
    )


def _rows(sheets: list[Sheet], outcome: Outcome) -> tuple[list[_Row], list[Problem]]:
    rows: list[_Row] = []
    problems: list[Problem] = []
    for sheet in sheets:
        names = [_header_name(h) for h in sheet.headers]
        columns = {name: header for name, header in zip(names, sheet.headers, strict=False) if name}
        outcome.ignored.extend(
            h for h, n in zip(sheet.headers, names, strict=False) if n is None and h.strip()
        )
        fixed = sheet_kind(sheet.name)
        if fixed is None and "type" not in columns:
            problems.append(
                Problem(0, sheet.name, None, text("imports.error.no_kind"), text("imports.how.type"))
            )
            continue
        if "patient" not in columns:
            problems.append(
                Problem(0, sheet.name, None, text("imports.error.no_patient"), text("imports.how.patient"))
            )
            continue
        for line, cells in sheet.rows:
            values = {n: c for n, c in zip(names, cells, strict=False) if n and c}
            # One cell a line: digits of neighbouring cells (a date, a count, a FINESS) never glue into a NIR,
            # while a name and a birth date in two cells are still seen together.
            all_cells = "\n".join(c for c in cells if c)
            kind = fixed or _row_kind(values.get("type", ""))
            row = _Row(sheet.name, line, kind or "", values, all_cells, columns)
            outcome.rows += 1
            if kind is None:
                problems.append(
                    _problem(row, "type", text("imports.error.kind", value=values.get("type", "")))
                )
                continue
            rows.append(row)
    rows.sort(key=lambda r: _ORDER[r.kind])  # stable: file order within a kind
    return rows, problems


def import_sheets(
    ctx: Context,
    sheets: list[Sheet],
    *,
    file_name: str,
    member_id: str | None,
    channel: Channel,
    now: datetime,
    default_site: str | None = None,
    dry_run: bool = False,
    partial: bool = False,
) -> Outcome:
    """Run every row through its command in one transaction; keep it only when asked and allowed."""
    from handlers.dispatch import dispatch_words  # the dispatcher imports the command modules

    outcome = Outcome(file_name)
    rows, outcome.problems = _rows(sheets, outcome)
    origin_member = member_id or ctx.operator_id
    with ctx.lock:
        try:
            with ctx.repo.transaction(one_audit=True):
                for row in rows:
                    words = _words(row, default_site)
                    absent = next((n for n, w in (("patient", words[1]), ("date", words[2])) if not w), None)
                    if absent is not None:
                        name = "mois" if absent == "date" and row.kind == "administration" else absent
                        what = text("commands.error.missing", name=row.columns.get(name, name))
                        outcome.problems.append(_problem(row, name, what))
                        continue
                    if any("=" in word for word in words[1:3]):
                        outcome.problems.append(_problem(row, "patient", text("imports.error.equals")))
                        continue
                    reply = dispatch_words(Request(member_id, row.all_cells, channel, now), words, ctx)
                    if reply.ok:
                        if reply.data.get("duplicate"):
                            outcome.already += 1
                        else:
                            outcome.added += 1
                        continue
                    outcome.problems.append(_refused(row, reply))
                if dry_run or (outcome.problems and not partial) or not outcome.added:
                    raise _Rollback
                ctx.repo.audit(
                    _origin(origin_member, channel, now),
                    "import",
                    {
                        "file": file_name,
                        "rows": outcome.rows,
                        "added": outcome.added,
                        "already": outcome.already,
                        "refused": len(outcome.problems),
                    },
                )
        except _Rollback:
            return outcome
    outcome.written = True
    return outcome


def _origin(member: str, channel: Channel, now: datetime) -> Origin:
    return Origin(actor=member, channel=channel, at=now)


def _refused(row: _Row, reply: Reply) -> Problem:
    key = str(reply.data.get("error", ""))
    if key.startswith("commands.health."):
        # Never quote the row: its cells are what the screen refused.
        return Problem(row.line, row.sheet, None, reply.title, text("imports.how.health"))
    field_name = _ERROR_FIELD.get(key) or _PARAM_FIELD.get(str(reply.data.get("field")))
    if key in _DATE_ERRORS:
        field_name = "date"
    if field_name == "date" and row.values.get("mois") and not row.values.get("date"):
        field_name = "mois"  # the row gave its month, not a day: point at the cell the user wrote
    if key == "commands.error.missing":
        field_name = str(reply.data.get("field") or "")
        field_name = field_name if field_name in HEADERS else None
    return _problem(row, field_name, reply.title)


def report(outcome: Outcome, *, dry_run: bool, partial: bool, limit: int = 200) -> Reply:
    """The French report: what was added, what was already there, and each refused row."""
    refused = len(outcome.problems)
    if outcome.written:
        title = text("imports.title.done", file=outcome.file, added=outcome.added)
    elif dry_run and not refused:
        title = text("imports.title.dry_run_ok", file=outcome.file, added=outcome.added)
    elif refused:
        title = text("imports.title.refused", file=outcome.file, refused=refused)
    else:
        title = text("imports.title.nothing", file=outcome.file)
    body = [
        text(
            "imports.summary",
            rows=outcome.rows,
            added=outcome.added,
            already=outcome.already,
            refused=refused,
        )
    ]
    if refused and not outcome.written and not dry_run:
        body.append(text("imports.nothing_written"))
    if dry_run:
        body.append(text("imports.dry_run"))
    if partial and outcome.written and refused:
        body.append(text("imports.partial_kept"))
    for problem in outcome.problems[:limit]:
        body.append(
            text(
                "imports.problem",
                line=problem.line,
                sheet=problem.sheet,
                column=problem.column,
                what=problem.what,
                how=problem.how,
            )
        )
    if refused > limit:
        body.append(text("imports.more", count=refused - limit))
    if outcome.ignored:
        body.append(text("imports.ignored", columns=", ".join(dict.fromkeys(outcome.ignored))))
    status = Status.OK if not refused else (Status.WARNING if outcome.written else Status.ERROR)
    return Reply(
        status,
        title,
        body=body,
        data={
            "file": outcome.file,
            "rows": outcome.rows,
            "added": outcome.added,
            "already": outcome.already,
            "refused": [p.as_data() for p in outcome.problems],
            "written": outcome.written,
            "dry_run": dry_run,
        },
    )
