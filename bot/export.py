"""Spreadsheet and text writers for reports and exports: CSV (French Excel), XLSX (openpyxl), Markdown.

A `Sheet` is a title, typed columns with French labels, and rows of plain Python values; the writers give each
type its French face:
- CSV: `;` separator, decimal comma, dates `16/05/2025`, amounts `1280,00` (no currency sign, so a spreadsheet
  reads them as numbers), UTF-8 with a BOM so that Excel opens accents right;
- XLSX: bold, filled, frozen header row, auto-filter, column widths; values are typed cells with a
  `number_format`. Number format codes are stored in the file in Excel's locale-neutral syntax ('.' decimal,
  ',' thousands) and shown by Excel in the reader's locale, so `#,##0.00 "€"` reads "1 280,00 €" in a French
  Excel; writing '# ##0,00 €' literally would be a different (wrong) format code.

`file_bytes(attachment)` writes a reply's typed attachment (`handlers.tables.TableFile`) for the channel that
sends it (Slack upload, email attachment). Every sheet opens with its heading (whose file it is) and is set
to print landscape, one page wide, its header row repeated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from handlers.tables import Column, ColumnType, Sheet, TableFile, Typed
from rules.month import Month

# The table model lives below the handlers (handlers/tables.py); re-exported for the writers' callers.
__all__ = ["Column", "ColumnType", "Sheet", "TableFile", "Typed"]

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    # The identification block first (whose file this is), then a blank line, then the table.
    for label, value in sheet.heading:
        writer.writerow([label, value])
    if sheet.heading:
        writer.writerow([])
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
        widths = _widths(sheet)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        header = _write_heading(ws, sheet, widths)
        for index, column in enumerate(sheet.columns, start=1):
            cell = ws.cell(row=header, column=index, value=column.label)
            cell.font = _HEADER_FONT
            cell.fill = _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.row_dimensions[header].height = _height([c.label for c in sheet.columns], widths)
        for row_index, row in enumerate(sheet.all_rows(), start=header + 1):
            texts: list[str] = []
            for index, (value, column) in enumerate(zip(row, sheet.columns, strict=True), start=1):
                kind = _cell_type(value, column.type)
                cell = ws.cell(row=row_index, column=index, value=_xlsx_value(value, column.type))
                fmt = NUMBER_FORMATS.get(kind)
                if fmt:
                    cell.number_format = fmt
                if kind is ColumnType.TEXT:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    texts.append("" if cell.value is None else str(cell.value))
                else:
                    cell.alignment = Alignment(vertical="top")
                    texts.append("")
            # Wrapped text needs its rows tall enough, or it overlaps the next row once printed.
            ws.row_dimensions[row_index].height = _height(texts, widths)
        last = ws.max_row
        if sheet.total is not None:
            for cell in ws[last]:
                cell.font = _TOTAL_FONT
        ws.freeze_panes = f"A{header + 1}"
        if sheet.columns:
            ws.auto_filter.ref = f"A{header}:{get_column_letter(len(sheet.columns))}{max(header, last)}"
        _print_setup(ws, sheet, header)
    return book


def _widths(sheet: Sheet) -> list[int]:
    out = []
    for column in sheet.columns:
        width = column.width or WIDTHS.get(column.type) or min(60, max(14, len(column.label) + 2))
        out.append(max(width, min(40, len(column.label) + 2)))
    return out


_LINE_HEIGHT = 15.0  # points per line of 11-point text
_MAX_HEIGHT = 409.0  # Excel's largest row height


def _height(texts: Sequence[str], widths: Sequence[int]) -> float:
    """The row height that shows every wrapped text whole: lines ≈ characters / column width."""
    lines = 1
    for content, width in zip(texts, widths, strict=False):
        for paragraph in content.split("\n"):
            lines_here = max(1, -(-len(paragraph) // max(1, int(width * 1.1))))
            lines = max(lines, lines_here + content.count("\n"))
    return min(_MAX_HEIGHT, _LINE_HEIGHT * lines + 2)


def _write_heading(ws: Any, sheet: Sheet, widths: Sequence[int]) -> int:
    """Write the identification block (label in A, value across the other columns); return the header row."""
    if not sheet.heading:
        return 1
    last = get_column_letter(max(2, len(sheet.columns)))
    span = sum(widths[1:]) or 40
    for row, (label, value) in enumerate(sheet.heading, start=1):
        ws.cell(row=row, column=1, value=label).font = _TOTAL_FONT
        cell = ws.cell(row=row, column=2, value=value)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(f"B{row}:{last}{row}")
        ws.row_dimensions[row].height = _height([label, value], [widths[0] if widths else 14, span])
    return len(sheet.heading) + 2


def _print_setup(ws: Any, sheet: Sheet, header: int) -> None:
    """Print on A4 landscape, every column on one page width (as many pages down as needed), the header row
    repeated on each page, the sheet's title and page numbers in the margins."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{header}:{header}"
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.oddHeader.left.text = sheet.title
    ws.oddFooter.right.text = "&P / &N"


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


def file_bytes(attachment: TableFile) -> bytes:
    """The bytes of a reply's typed attachment, in its format (CSV holds the first sheet)."""
    if attachment.format == "csv":
        return csv_bytes(attachment.sheets[0])
    return xlsx_bytes(attachment.sheets)
