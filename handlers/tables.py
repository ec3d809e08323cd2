"""Tables as values: what a report, a statement or a log export holds, before any file format.

Handlers build `Sheet`s (typed columns with French labels, rows of plain values, and a heading that says
whose table it is) and hand them to channels as `TableFile` attachments on a `Reply`; the writers that turn
them into XLSX or CSV bytes live at the edge (bot/export.py), so handlers never depend on a file format and no
channel ever decodes a file hidden in `Reply.data`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

TableFormat = Literal["xlsx", "csv"]


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
    """A titled table. `heading` is the identification block written above the table in every format
    (FINESS, site, region, report, period, draft date): a file read alone still says whose it is."""

    title: str
    columns: list[Column]
    rows: list[Sequence[Any]] = field(default_factory=list)
    total: Sequence[Any] | None = None  # an optional last row, written bold
    heading: list[tuple[str, str]] = field(default_factory=list)

    def all_rows(self) -> list[Sequence[Any]]:
        return [*self.rows, *([self.total] if self.total is not None else [])]


@dataclass(frozen=True)
class TableFile:
    """A file attached to a reply: its name, its sheets and its format. Each channel renders it its own way
    (the console and CLI write it, Slack uploads it, email attaches it) with bot/export.py's writers; CSV
    holds the first sheet only."""

    filename: str
    title: str
    sheets: tuple[Sheet, ...]
    format: TableFormat = "xlsx"

    @property
    def media_type(self) -> str:
        if self.format == "csv":
            return "text/csv"
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
