"""Reading the exported tables in tests: the identification heading comes first, then the table."""

from __future__ import annotations

from typing import Any


def first_data_row(ws: Any) -> int:
    """The first row under the table's header (the panes are frozen there)."""
    return int(str(ws.freeze_panes)[1:])


def header(ws: Any) -> list[Any]:
    return [c.value for c in ws[first_data_row(ws) - 1]]


def heading(ws: Any) -> dict[str, Any]:
    """The identification block above the table: label -> value."""
    return {
        row[0].value: row[1].value
        for row in ws.iter_rows(max_row=first_data_row(ws) - 2)
        if row[0].value is not None
    }


def csv_table(rows: list[list[str]]) -> list[list[str]]:
    """The table of a CSV export: the rows after the heading's blank line (header first)."""
    return rows[rows.index([]) + 1 :] if [] in rows else rows


def csv_heading(rows: list[list[str]]) -> dict[str, str]:
    return {row[0]: row[1] for row in rows[: rows.index([])]} if [] in rows else {}
