"""The tables of the exports, as `handlers.tables.Sheet`s with French labels (pure: no file is written here).

- `report_sheets(draft)`: the report, one row per slot (field, year, value, source, owner, state), plus the
  month-by-month table of a follow-up report;
- `statement_sheet(site, year, lines)`: the yearly forfait statement of one site (forfaits of the months of
  `year`, paid in year + 1), one row per patient and month with a forfait, and the total;
- `log_sheet(entries, sites)`: a region's whole log for the ARS (pseudonymous codes only; the member who
  typed an entry is not exported).

Every sheet carries a heading (FINESS, site, region, document, period, date it was drawn up): an ARS that
collects ten files can tell them apart without opening the Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from handlers.report_fields import FieldSource, FieldType
from handlers.report_figures import INCLUSION, MONTHLY, ForfaitLineLike, line_kind
from handlers.reports import ReportDraft, month_rows
from handlers.tables import Column, ColumnType, Sheet, Typed
from store.records import Entry, EntryKind, Site
from templates import date_fr, money, text

_VALUE_TYPES = {
    FieldType.INT: ColumnType.INT,
    FieldType.PERCENT: ColumnType.PERCENT,
    FieldType.MONEY: ColumnType.MONEY,
    FieldType.DATE: ColumnType.DATE,
    FieldType.TEXT: ColumnType.TEXT,
}


def _label(key: str) -> str:
    return text(f"reports.column.{key}")


def _heading(key: str) -> str:
    return text(f"reports.heading.{key}")


def report_heading(draft: ReportDraft) -> list[tuple[str, str]]:
    """Whose report this is: site, region, report, period, draft date, recipients and deadline."""
    from handlers.reports import recipients_text

    site = draft.site
    heading = [
        (_heading("finess"), site.finess),
        (_heading("site"), site.name),
        (_heading("region"), draft.region_name or site.region),
        (_heading("report"), text(f"reports.title.{draft.kind.value}")),
        (_heading("period"), ", ".join(str(y) for y in draft.spec.years)),
        (_heading("drafted"), date_fr(draft.today)),
    ]
    if site.legal_finess:
        heading.insert(1, (_heading("legal_finess"), site.legal_finess))
    deadline = draft.completeness.deadline
    heading.append(
        (
            _heading("send_to"),
            text(
                "reports.heading.send_to_value",
                recipients=recipients_text(draft.recipients),
                deadline=date_fr(deadline) if deadline else None,
            ),
        )
    )
    return heading


def site_heading(
    site: Site, document: str, period: str, drawn_up: date, region_name: str | None = None
) -> list[tuple[str, str]]:
    """Whose file this is, for a statement or an export of one site."""
    heading = [
        (_heading("finess"), site.finess),
        (_heading("site"), site.name),
        (_heading("region"), region_name or site.region),
        (_heading("document"), document),
        (_heading("period"), period),
        (_heading("drawn_up"), date_fr(drawn_up)),
    ]
    if site.legal_finess:
        heading.insert(1, (_heading("legal_finess"), site.legal_finess))
    return heading


def report_sheets(draft: ReportDraft) -> list[Sheet]:
    heading = report_heading(draft)
    report = Sheet(
        text("reports.sheet.report"),
        [
            Column("field", _label("field"), width=22),
            Column("label", _label("label"), width=60),
            Column("year", _label("year"), ColumnType.TEXT, width=8),
            Column("value", _label("value"), width=40),
            Column("source", _label("source"), width=10),
            Column("owner", _label("owner"), width=14),
            Column("status", _label("status"), width=12),
        ],
        heading=heading,
    )
    for v in draft.values:
        definition = v.slot.definition
        report.rows.append(
            [
                v.slot.id,
                text(definition.label_key),
                str(v.slot.year) if v.slot.year is not None else "",
                Typed(v.value, _VALUE_TYPES[definition.type]),
                text("reports.prefilled")
                if v.prefilled
                else text(f"reports.source.{definition.source.value}"),
                text(f"reports.owner.{definition.owner.value}"),
                text("reports.status.missing" if v.missing else "reports.status.filled")
                if definition.source is FieldSource.ENTERED or v.missing
                else "",
            ]
        )
    sheets = [report]
    if draft.kind.value != "initial":
        months = Sheet(
            text("reports.sheet.months"),
            [
                Column("month", _label("month"), ColumnType.MONTH),
                Column("referred", _label("referred"), ColumnType.INT, width=16),
                Column("first_home", _label("first_home"), ColumnType.INT, width=18),
                Column("administrations", _label("administrations"), ColumnType.INT, width=16),
                Column("due", _label("due"), ColumnType.MONEY),
            ],
            heading=heading,
        )
        for row in month_rows(draft):
            months.rows.append(
                [row["month"], row["referred"], row["first_home"], row["administrations"], row["due"]]
            )
        sheets.append(months)
    return sheets


def statement_sheet(
    site: Site,
    year: int,
    lines: Iterable[ForfaitLineLike],
    *,
    drawn_up: date | None = None,
    region_name: str | None = None,
) -> Sheet:
    """`drawn_up` (the day the file is made) and `region_name` fill the heading; without `drawn_up` the
    sheet has no heading (a table embedded elsewhere)."""
    sheet = Sheet(
        text("reports.sheet.statement", year=year),
        [
            Column("site", _label("site"), width=14),
            Column("patient", _label("patient"), width=14),
            Column("month", _label("month"), ColumnType.MONTH),
            Column("kind", _label("kind"), width=12),
            Column("amount", _label("amount"), ColumnType.MONEY),
            Column("payment_year", _label("payment_year"), ColumnType.TEXT, width=12),
        ],
    )
    if drawn_up is not None:
        sheet.heading = site_heading(
            site,
            text("reports.heading.statement", year=year),
            text("reports.heading.statement_period", year=year, paid=year + 1),
            drawn_up,
            region_name,
        )
        # Whether the amounts rest on a checked HDJ − HAD cap is said in the file too, never left to silence.
        tariffs = site.tariffs.get(year)
        sheet.heading.append(
            (
                _heading("cap"),
                text(
                    "reports.heading.cap_checked" if tariffs else "reports.heading.cap_unchecked",
                    hdj=money(tariffs.hdj) if tariffs else None,
                    had=money(tariffs.had) if tariffs else None,
                    source=tariffs.source if tariffs else None,
                    year=year,
                ),
            )
        )
    kinds = {INCLUSION: text("reports.forfait_kind.inclusion"), MONTHLY: text("reports.forfait_kind.monthly")}
    chosen = sorted(
        (line for line in lines if line.month.year == year and line_kind(line) in kinds),
        key=lambda line: (line.patient, line.month),
    )
    total = Decimal("0.00")
    for line in chosen:
        sheet.rows.append(
            [site.finess, line.patient, line.month, kinds[line_kind(line)], line.amount, str(year + 1)]
        )
        total += line.amount
    sheet.total = [text("reports.total"), None, None, None, total, None]
    return sheet


def forfaits_sheet(period: str, rows: Iterable[Sequence[object]], total: Decimal) -> Sheet:
    """The full table of a `forfaits` answer (every site, every paying line, the total): what the Slack
    answer leaves out when it is too long to read there is attached in this form."""
    sheet = Sheet(
        text("reports.sheet.forfaits", period=period),
        [
            Column("site", _label("site"), width=14),
            Column("site_name", _label("site_name"), width=30),
            Column("patient", _label("patient"), width=14),
            Column("month", _label("month"), ColumnType.MONTH),
            Column("kind", _label("kind"), width=12),
            Column("amount", _label("amount"), ColumnType.MONEY),
        ],
    )
    sheet.rows.extend(list(row) for row in rows)
    sheet.total = [text("reports.total"), None, None, None, None, total]
    return sheet


def patients_sheet(rows: Iterable[Sequence[object]]) -> Sheet:
    """The full table of a `patients` answer: one row per patient in care."""
    sheet = Sheet(
        text("reports.sheet.patients"),
        [
            Column("site", _label("site"), width=14),
            Column("patient", _label("patient"), width=14),
            Column("referred_on", _label("referred_on"), ColumnType.DATE),
            Column("last_month", _label("last_month"), width=12),
            Column("missing_months", _label("missing_months"), width=40),
        ],
    )
    sheet.rows.extend(list(row) for row in rows)
    return sheet


def log_sheet(
    entries: Iterable[Entry],
    sites: Mapping[str, Site],
    *,
    drawn_up: date | None = None,
    region_name: str | None = None,
) -> Sheet:
    sheet = Sheet(
        text("reports.sheet.log"),
        [
            Column("site", _label("site"), width=14),
            Column("site_name", _label("site_name"), width=30),
            Column("reference", _label("reference"), width=11),
            Column("entry", _label("entry"), width=14),
            Column("patient", _label("patient"), width=14),
            Column("date", _label("date"), ColumnType.DATE),
            Column("whole_month", _label("whole_month"), ColumnType.BOOL),
            Column("count", _label("count"), ColumnType.INT, width=8),
            Column("oral", _label("oral"), ColumnType.BOOL),
            Column("had", _label("had"), width=14),
            Column("commune", _label("commune"), width=10),
            Column("under_3", _label("under_3"), ColumnType.BOOL),
            Column("reason", _label("reason"), width=20),
            Column("channel", _label("channel"), width=10),
            Column("logged_at", _label("logged_at"), ColumnType.DATETIME),
            Column("cancelled", _label("cancelled"), ColumnType.DATETIME),
        ],
    )
    if drawn_up is not None:
        sheet.heading = [
            (_heading("region"), region_name or text("reports.heading.all_regions")),
            (_heading("document"), text("reports.sheet.log")),
            (_heading("sites"), str(len(sites))),
            (_heading("drawn_up"), date_fr(drawn_up)),
        ]
    ordered = sorted(entries, key=lambda e: (e.site, e.patient, e.on, e.kind.value, e.reference))
    for e in ordered:
        is_admin = e.kind is EntryKind.ADMINISTRATION
        is_referral = e.kind is EntryKind.REFERRAL
        site = sites.get(e.site)
        sheet.rows.append(
            [
                e.site,
                site.name if site else "",
                e.reference,
                e.kind.value,
                e.patient,
                e.on,
                e.whole_month if is_admin else None,
                e.count if is_admin else None,
                e.oral if is_admin else None,
                e.had if is_referral else None,
                e.commune if is_referral else None,
                e.under_3 if is_referral else None,
                e.reason if e.kind is EntryKind.END else None,
                e.channel,
                _paris(e.at),
                _paris(e.cancelled.at) if e.cancelled else None,
            ]
        )
    return sheet


_PARIS = ZoneInfo("Europe/Paris")


def _paris(moment: datetime) -> datetime:
    return moment.astimezone(_PARIS) if moment.tzinfo else moment
