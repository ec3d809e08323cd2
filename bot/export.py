"""Spreadsheet and text writers for reports and exports: CSV (French Excel), XLSX (openpyxl), Markdown.

A `Sheet` is a title, typed columns with French labels, and rows of plain Python values; the writers give each
type its French face:
- CSV: `;` separator, decimal comma, dates `16/05/2025`, amounts `1280,00` (no currency sign, so a spreadsheet
  reads them as numbers), UTF-8 with a BOM so that Excel opens accents right;
- XLSX: bold, filled, frozen header row, auto-filter, column widths; values are typed cells with a
  `number_format`. Number format codes are stored in the file in Excel's locale-neutral syntax ('.' decimal,
  ',' thousands) and shown by Excel in the reader's locale, so `#,##0.00 "€"` reads "1 280,00 €" in a French
  Excel; writing '# ##0,00 €' literally would be a different (wrong) format code.

`attachment_data(filename, content)` / `attachment_bytes(item)` carry a file in `Reply.data["files"]`
(JSON-serialisable: base64) for channels that upload files (Slack).
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from rules.month import Month

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"
    MONEY = "money"
    PERCENT = "percent"  # a value in percent (82.5 means 82,5 %)
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    MONTH = "month"  # a rules.month.Month: "09/2025"


# Excel number format codes (locale-neutral syntax; displayed with the reader's separators).
NUMBER_FORMATS: dict[ColumnType, str] = {
    ColumnType.INT: "#,##0",
    ColumnType.DECIMAL: "#,##0.0#",
    ColumnType.MONEY: '#,##0.00 "€"',
    ColumnType.PERCENT: "0.0 %",
    ColumnType.DATE: "DD/MM/YYYY",
    ColumnType.DATETIME: "DD/MM/YYYY HH:MM",
    ColumnType.MONTH: "MM/YYYY",
}

WIDTHS: dict[ColumnType, int] = {
    ColumnType.INT: 12,
    ColumnType.DECIMAL: 12,
    ColumnType.MONEY: 14,
    ColumnType.PERCENT: 10,
    ColumnType.DATE: 12,
    ColumnType.DATETIME: 17,
    ColumnType.BOOL: 8,
    ColumnType.MONTH: 10,
}

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_TOTAL_FONT = Font(bold=True)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: ColumnType = ColumnType.TEXT
    width: int | None = None


@dataclass(frozen=True)
class Typed:
    """A cell whose type differs from its column's (a report's "value" column holds counts, rates, amounts
    and text)."""

    value: Any
    type: ColumnType


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)
    total: Sequence[Any] | None = None  # an optional last row, written bold

    def all_rows(self) -> list[Sequence[Any]]:
        return [*self.rows, *([self.total] if self.total is not None else [])]


# ---- CSV --------------------------------------------------------------------------------------------------


def csv_cell(value: Any, kind: ColumnType, yes: str = "oui", no: str = "non") -> str:
    if isinstance(value, Typed):
        return csv_cell(value.value, value.type, yes, no)
    if value is None:
        return ""
    if kind is ColumnType.MONEY and isinstance(value, int | Decimal):
        return f"{Decimal(value):.2f}".replace(".", ",")
    if kind in (ColumnType.DECIMAL, ColumnType.PERCENT) and isinstance(value, int | Decimal):
        return str(value).replace(".", ",")
    if kind is ColumnType.DATETIME and isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if kind is ColumnType.DATE and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return yes if value else no
    if kind is ColumnType.MONTH and isinstance(value, Month):
        return f"{value.month:02d}/{value.year}"
    return str(value)


def csv_text(sheet: Sheet) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.label for c in sheet.columns])
    for row in sheet.all_rows():
        writer.writerow([csv_cell(v, c.type) for v, c in zip(row, sheet.columns, strict=True)])
    return out.getvalue()


def csv_bytes(sheet: Sheet) -> bytes:
    return csv_text(sheet).encode("utf-8-sig")


def write_csv(sheet: Sheet, path: Path) -> Path:
    _atomic_write(path, csv_bytes(sheet))
    return path


# ---- XLSX -------------------------------------------------------------------------------------------------


def _cell_type(value: Any, column: ColumnType) -> ColumnType:
    return value.type if isinstance(value, Typed) else column


def _xlsx_value(value: Any, kind: ColumnType) -> Any:
    if isinstance(value, Typed):
        return _xlsx_value(value.value, value.type)
    if value is None:
        return None
    if kind is ColumnType.PERCENT and isinstance(value, int | Decimal):
        # Excel keeps a percentage as a fraction: 82,5 % is 0.825 with a '%' format.
        return float(Decimal(value) / 100)
    if isinstance(value, Decimal):
        # openpyxl writes numbers as floats; amounts are exact to the cent in any case.
        return float(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, Month):
        return value.first_day()
    return value


def workbook(sheets: Sequence[Sheet]) -> Workbook:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for sheet in sheets:
        ws = book.create_sheet(title=_sheet_title(sheet.title))
        ws.append([c.label for c in sheet.columns])
        for cell in ws[1]:
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row_index, row in enumerate(sheet.all_rows(), start=2):
            for index, (value, column) in enumerate(zip(row, sheet.columns, strict=True), start=1):
                kind = _cell_type(value, column.type)
                cell = ws.cell(row=row_index, column=index, value=_xlsx_value(value, column.type))
                fmt = NUMBER_FORMATS.get(kind)
                if fmt:
                    cell.number_format = fmt
                if kind is ColumnType.TEXT:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        last = ws.max_row
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            width = column.width or WIDTHS.get(column.type) or min(60, max(14, len(column.label) + 2))
            ws.column_dimensions[letter].width = max(width, min(40, len(column.label) + 2))
        if sheet.total is not None:
            for cell in ws[last]:
                cell.font = _TOTAL_FONT
        ws.freeze_panes = "A2"
        if sheet.columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{max(1, last)}"
    return book


def _sheet_title(title: str) -> str:
    # Excel refuses these characters and titles over 31 characters.
    cleaned = "".join("-" if c in "[]:*?/\\" else c for c in title)
    return cleaned[:31] or "Feuille"


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    out = io.BytesIO()
    workbook(sheets).save(out)
    return out.getvalue()


def write_xlsx(sheets: Sequence[Sheet], path: Path) -> Path:
    _atomic_write(path, xlsx_bytes(sheets))
    return path


# ---- Markdown and files -----------------------------------------------------------------------------------


def write_text(content: str, path: Path) -> Path:
    _atomic_write(path, content.encode("utf-8"))
    return path


def _atomic_write(path: Path, content: bytes) -> None:
    """Write next to the target and rename: a reader never sees half a spreadsheet."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(content)
    temporary.replace(path)


def attachment_data(filename: str, content: bytes, media_type: str = XLSX_MEDIA_TYPE) -> dict[str, Any]:
    """One `Reply.data["files"]` item: {"filename", "media_type", "content_base64", "size"}."""
    return {
        "filename": filename,
        "media_type": media_type,
        "content_base64": base64.b64encode(content).decode("ascii"),
        "size": len(content),
    }


def attachment_bytes(data: dict[str, Any]) -> tuple[str, bytes]:
    """(filename, content) of a `Reply.data["files"]` item: a `path` key is read from disk, else the base64
    content is decoded."""
    if data.get("path"):
        return str(data["filename"]), Path(data["path"]).read_bytes()
    return str(data["filename"]), base64.b64decode(data["content_base64"])
