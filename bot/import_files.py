"""Spreadsheets in and out, at the edge: CSV or XLSX files read into text cells (handlers/imports.py takes
them from there), and the XLSX template users fill.

CSV: `;`, `,` or tab separated (the header line decides), UTF-8 (with or without BOM) or Windows-1252 (what
Excel writes in France). XLSX: read with openpyxl in read-only mode; date cells become ISO dates, whole
numbers lose their `.0`. Sizes are capped before the work, so a huge file costs no more than its refusal.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

from handlers import text_edge
from handlers.errors import UserError
from handlers.imports import COLUMNS, KINDS, Sheet, sheet_kind
from templates import text

MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 250_000


def read_table(path: Path, data: bytes | None = None) -> list[Sheet]:
    """The sheets of a CSV or XLSX file (given by path, or as bytes named by `path`). Raises UserError with a
    French message naming the file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise UserError("imports.error.file_format", path=path.name)
    if data is None:
        try:
            size = path.stat().st_size
            if size > MAX_BYTES:
                raise UserError("imports.error.file_too_big", path=path, limit="64 Mo")
            data = path.read_bytes()
        except FileNotFoundError:
            raise UserError("imports.error.file_missing", path=path) from None
        except (IsADirectoryError, PermissionError, OSError) as error:
            raise UserError(
                "imports.error.file_unreadable", path=path, problem=error.strerror or ""
            ) from None
    if len(data) > MAX_BYTES:
        raise UserError("imports.error.file_too_big", path=path.name, limit="64 Mo")
    sheets = _read_csv(data, path) if suffix in (".csv", ".txt") else _read_xlsx(data, path)
    if sum(len(s.rows) for s in sheets) > MAX_ROWS:
        raise UserError(
            "imports.error.too_many_rows", path=path.name, limit=f"{MAX_ROWS:,}".replace(",", " ")
        )
    if not any(s.rows for s in sheets):
        raise UserError("imports.error.empty", path=path.name)
    return sheets


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # The edge normaliser every door uses: a cell pasted from a web page or a PDF reads like the same typed
    # text. Length is left to the command's own cap (a too long cell refuses its row, never truncated).
    return text_edge.clean(str(value))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(data: bytes, path: Path) -> list[Sheet]:
    content = _decode(data)
    first = next((line for line in content.splitlines() if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            cells = [_cell(cell) for cell in row]
            if headers is None:
                headers = cells
            else:
                rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as error:
        raise UserError("imports.error.file_unreadable", path=path.name, problem=str(error)) from None
    return [Sheet(None, headers or [], rows)]


def _read_xlsx(data: bytes, path: Path) -> list[Sheet]:
    # calamine (Rust) rather than openpyxl for reading: the same cells ten times faster, which is most of an
    # XLSX import's reading time at 100,000 rows (openpyxl still writes the template and the exports).
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError):
        raise UserError("imports.error.xlsx_broken", path=path.name) from None
    sheets: list[Sheet] = []
    try:
        for title in book.sheet_names:
            if sheet_kind(title) is None and _is_readme(title):
                continue
            # skip_empty_area=False: the grid starts at A1, so a row's index is its number in the file.
            grid = book.get_sheet_by_name(title).to_python(skip_empty_area=False)
            headers: list[str] | None = None
            rows: list[tuple[int, list[str]]] = []
            for number, values in enumerate(grid, start=1):
                if not any(v is not None and str(v).strip() for v in values):
                    continue
                cells = [_cell(v) for v in values]
                if headers is None:
                    headers = cells
                else:
                    rows.append((number, cells))
                if len(rows) > MAX_ROWS:
                    break
            if headers is not None:
                sheets.append(Sheet(title, headers, rows))
    except CalamineError:
        raise UserError("imports.error.xlsx_broken", path=path.name) from None
    return sheets


def _is_readme(title: str) -> bool:
    return title.strip().lower().startswith(("lisez", "aide", "notice", "readme"))


def write_template(path: Path) -> None:
    """The XLSX template: a « Lisez-moi » sheet, then one sheet per kind with the column headers."""
    if path.exists():
        raise UserError("imports.error.template_exists", path=path)
    path.write_bytes(template_bytes())


def template_bytes() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = text("imports.template.readme_sheet")
    for number in range(1, 8):
        readme.append([text(f"imports.template.readme.l{number}")])
    readme.column_dimensions["A"].width = 140
    for kind in KINDS:
        sheet = book.create_sheet(text(f"imports.template.sheets.{kind}"))
        sheet.append([text(f"imports.template.headers.{name}") for name in COLUMNS[kind]])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in "ABCDEF":
            sheet.column_dimensions[column].width = 22
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
