"""Exported files read back cell by cell: XLSX with openpyxl (typed cells, French number formats, formatted
header), CSV with the csv module (French dialect)."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import zipfile
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.export import (
    Column,
    ColumnType,
    Sheet,
    TableFile,
    csv_bytes,
    file_bytes,
    write_csv,
    write_xlsx,
    xlsx_bytes,
)
from handlers.report_fields import ReportKind
from handlers.report_tables import log_sheet, report_sheets, statement_sheet
from handlers.reports import build_draft
from tests.reports.sheets import csv_heading, csv_table, first_data_row, header, heading
from tests.reports.test_drafts import ENTERED_2027, draft
from tests.support import report_data as data


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_statement_xlsx_cell_by_cell(tmp_path: Path) -> None:
    """The 2025 statement: one row per forfait month (no none-lines), typed cells, French formats, total."""
    path = write_xlsx([statement_sheet(data.SITE, 2025, data.FORFAIT_LINES)], tmp_path / "releve.xlsx")
    ws = load_workbook(path)["Forfaits 2025"]
    header = [c.value for c in ws[1]]
    assert header == [
        "FINESS géographique",
        "Code patient",
        "Mois",
        "Forfait",
        "Montant",
        "Année de versement",
    ]
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=first_data_row(ws))]
    assert rows == [
        ["760000001", "P1", datetime(2025, 9, 1), "inclusion", 320, "2026"],
        ["760000001", "P1", datetime(2025, 10, 1), "mensuel", 120, "2026"],
        ["760000001", "P1", datetime(2025, 12, 1), "mensuel", 120, "2026"],
        ["760000001", "P2", datetime(2025, 11, 1), "inclusion", 320, "2026"],
        ["Total", None, None, None, 880, None],
    ]
    assert ws["C2"].number_format == "MM/YYYY"
    assert ws["E2"].number_format == '#,##0.00 "€"'
    assert ws["E6"].number_format == '#,##0.00 "€"' and ws["E6"].font.bold


def test_statement_csv_cell_by_cell(tmp_path: Path) -> None:
    path = write_csv(statement_sheet(data.SITE, 2026, data.FORFAIT_LINES), tmp_path / "releve.csv")
    assert read_csv(path) == [
        ["FINESS géographique", "Code patient", "Mois", "Forfait", "Montant", "Année de versement"],
        ["760000001", "P2", "01/2026", "mensuel", "120,00", "2027"],
        ["760000001", "P4", "02/2026", "inclusion", "320,00", "2027"],
        ["760000001", "P4", "04/2026", "mensuel", "120,00", "2027"],
        ["760000001", "P5", "06/2026", "inclusion", "320,00", "2027"],
        ["Total", "", "", "", "880,00", ""],
    ]


def test_report_xlsx_cell_by_cell(tmp_path: Path) -> None:
    d = draft(ReportKind.FOLLOWUP_2027, ENTERED_2027)
    path = write_xlsx(report_sheets(d), tmp_path / "rapport.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Rapport", "Par mois"]
    ws = book["Rapport"]
    assert header(ws) == [
        "Champ",
        "Libellé",
        "Année",
        "Valeur",
        "Source",
        "À la charge de",
        "État",
    ]
    rows = {row[0].value: row for row in ws.iter_rows(min_row=first_data_row(ws))}
    assert len(rows) == len(d.values)
    had = rows["adresses_had_2026"]
    assert [c.value for c in had] == [
        "adresses_had_2026",
        "Patients adressés à une HAD associée",
        "2026",
        2,
        "calculé",
        "saisie",
        None,
    ]
    assert had[3].number_format == "#,##0"
    due = rows["forfaits_dus_2026"][3]
    assert due.value == 880 and due.number_format == '#,##0.00 "€"'
    rate = rows["taux_occupation_hdj_2026"][3]
    assert rate.value == 0.875 and rate.number_format == "0.0 %"
    assert abs(rows["atteinte_objectif_2026"][3].value - 0.167) < 1e-9
    missing = rows["taux_occupation_hdj_2027"]
    assert missing[3].value is None and missing[6].value == "manquant"
    assert rows["patients_tmsc_2026"][6].value == "renseigné"
    assert rows["organisation"][3].value == ENTERED_2027["organisation"]

    months = book["Par mois"]
    month_rows = [[c.value for c in row] for row in months.iter_rows(min_row=first_data_row(months))]
    assert len(month_rows) == 12 + 8  # 2026, then 2027 up to August (the draft's month)
    assert month_rows[1] == [datetime(2026, 2, 1), 2, 2, 1, 320]
    assert months.cell(row=first_data_row(months) + 1, column=1).number_format == "MM/YYYY"


def test_report_csv_keeps_french_decimals(tmp_path: Path) -> None:
    d = draft(ReportKind.FOLLOWUP_2027, ENTERED_2027)
    path = write_csv(report_sheets(d)[0], tmp_path / "rapport.csv")
    rows = {row[0]: row for row in csv_table(read_csv(path))[1:]}
    assert rows["forfaits_dus_2026"][3] == "880,00"
    assert rows["taux_occupation_hdj_2026"][3] == "87,5"
    assert rows["atteinte_objectif_2026"][3] == "16,7"
    assert rows["adresses_had_2026"][3] == "2"
    assert rows["taux_occupation_hdj_2027"][3:] == ["", "saisi", "saisie", "manquant"]


def test_region_log_csv_holds_pseudonymous_codes_and_no_author(tmp_path: Path) -> None:
    entries = [e for p in data.patients() for e in (*p.referrals, *p.administrations)]
    path = write_csv(log_sheet(entries, {data.SITE.finess: data.SITE}), tmp_path / "journal.csv")
    rows = read_csv(path)
    assert len(rows) == 1 + len(entries)
    header = rows[0]
    assert header[:6] == ["FINESS géographique", "Site", "Référence", "Type", "Code patient", "Date"]
    assert not any("U-SAISIE" in cell for row in rows for cell in row)
    first = dict(zip(header, rows[1], strict=True))
    assert first["Code patient"] == "P1" and first["Type"] == "adressage" and first["Date"] == "10/09/2025"
    assert first["HAD (FINESS)"] == "760000002" and first["Moins de 3 ans"] == "non"
    assert first["Saisi le"] == "01/01/2025 10:00"  # 09:00 UTC is 10:00 in Paris
    cancelled = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[header.index("Annulé le")]]
    assert sorted(r["Code patient"] for r in cancelled) == ["P4", "P4"]
    oral = [dict(zip(header, r, strict=True)) for r in rows[1:] if r[header.index("Voie orale")] == "oui"]
    assert [(r["Code patient"], r["Date"], r["Nombre"]) for r in oral] == [("P2", "10/11/2025", "1")]


def test_region_log_xlsx_has_dates_and_formats(tmp_path: Path) -> None:
    entries = [e for p in data.patients() for e in p.referrals]
    path = write_xlsx([log_sheet(entries, {})], tmp_path / "journal.xlsx")
    ws = load_workbook(path)["Journal"]
    assert ws["F2"].value == datetime(2025, 9, 10) and ws["F2"].number_format == "DD/MM/YYYY"
    assert ws["O2"].number_format == "DD/MM/YYYY HH:MM"
    assert ws.auto_filter.ref == f"A1:P{ws.max_row}"


def test_generic_writer_types() -> None:
    sheet = Sheet(
        "T/1:essai",
        [
            Column("d", "Date", ColumnType.DATE),
            Column("m", "Montant", ColumnType.MONEY),
            Column("p", "Taux", ColumnType.PERCENT),
            Column("b", "Oui ?", ColumnType.BOOL),
            Column("n", "Nombre", ColumnType.INT),
        ],
        rows=[[date(2025, 5, 16), Decimal("1280.5"), Decimal("82.5"), True, 12345]],
    )
    text = csv_bytes(sheet).decode("utf-8-sig")
    assert text.splitlines()[1] == "16/05/2025;1280,50;82,5;oui;12345"
    book = load_workbook(io.BytesIO(xlsx_bytes([sheet])))
    ws = book["T-1-essai"]
    assert [c.value for c in ws[2]] == [datetime(2025, 5, 16), 1280.5, 0.825, True, 12345]
    assert [c.number_format for c in ws[2]] == ["DD/MM/YYYY", '#,##0.00 "€"', "0.0 %", "General", "#,##0"]


def _members(xlsx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_a_typed_attachment_is_written_in_its_format() -> None:
    sheet = statement_sheet(data.SITE, 2025, data.FORFAIT_LINES, drawn_up=date(2026, 1, 5))
    as_xlsx = TableFile("releve.xlsx", "Relevé", (sheet,))
    as_csv = TableFile("releve.csv", "Relevé", (sheet,), "csv")
    # Compared member by member, without the creation stamps: the zip's member times (2-second steps) and
    # docProps/core.xml's created/modified (seconds) differ between two writes straddling a step (it failed
    # under load).
    assert _members(file_bytes(as_xlsx)) == _members(xlsx_bytes([sheet]))
    assert as_xlsx.media_type.endswith("sheet")
    assert file_bytes(as_csv) == csv_bytes(sheet) and as_csv.media_type == "text/csv"


def test_an_empty_statement_still_opens_with_its_header_and_zero_total(tmp_path: Path) -> None:
    d = build_draft(ReportKind.FOLLOWUP_2026, data.SITE, [], [], {}, date(2026, 1, 5), date(2026, 9, 1))
    assert d.figures[2025].forfaits_due == 0
    path = write_xlsx([statement_sheet(data.SITE, 2025, [])], tmp_path / "vide.xlsx")
    ws = load_workbook(path).active
    assert ws is not None
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=first_data_row(ws))] == [
        ["Total", None, None, None, 0, None]
    ]


def test_every_report_file_says_whose_it_is_in_xlsx_and_csv(tmp_path: Path) -> None:
    """Audit #14 item 8: FINESS, site, region, report, period and draft date in the file itself."""
    d = replace(draft(ReportKind.FOLLOWUP_2027, ENTERED_2027), region_name="Normandie", recipients=("ars",))
    book = load_workbook(write_xlsx(report_sheets(d), tmp_path / "rapport.xlsx"))
    for name in ("Rapport", "Par mois"):
        said = heading(book[name])
        assert said["FINESS géographique"] == data.SITE.finess
        assert said["Établissement"] == data.SITE.name
        assert said["Région"] == "Normandie"
        assert said["Rapport"] == "Rapport d'activité de suivi 2027 (années 2026 et 2027)"
        assert said["Années couvertes"] == "2026, 2027"
        assert said["Brouillon établi le"] == "2 août 2027"
        assert said["À envoyer à"] == "l'ARS, au plus tard le 1er septembre 2027"
    rows = read_csv(write_csv(report_sheets(d)[0], tmp_path / "rapport.csv"))
    said_csv = csv_heading(rows)
    assert said_csv["FINESS géographique"] == data.SITE.finess and said_csv["Région"] == "Normandie"
    assert said_csv["Rapport"] == "Rapport d'activité de suivi 2027 (années 2026 et 2027)"
    assert said_csv["Brouillon établi le"] == "2 août 2027"
    statement = statement_sheet(data.SITE, 2025, data.FORFAIT_LINES, drawn_up=date(2026, 1, 5))
    said = heading(load_workbook(write_xlsx([statement], tmp_path / "releve.xlsx"))["Forfaits 2025"])
    assert said["Document"] == "Relevé des forfaits 2025" and said["Établi le"] == "5 janvier 2026"
    assert said["Années couvertes"] == "soins de 2025, forfaits versés en 2026"
    assert said["Plafond HDJ − HAD"].startswith("non vérifié")


def test_report_and_statement_print_landscape_on_one_page_width(tmp_path: Path) -> None:
    """The print setup LibreOffice and Excel read: landscape A4, fit to one page wide, the header row
    repeated, wrapped text in rows tall enough not to overlap."""
    d = draft(ReportKind.FOLLOWUP_2027, ENTERED_2027)
    statement = statement_sheet(data.SITE, 2025, data.FORFAIT_LINES, drawn_up=date(2026, 1, 5))
    book = load_workbook(write_xlsx([*report_sheets(d), statement], tmp_path / "tout.xlsx"))
    for ws in book.worksheets:
        top = first_data_row(ws) - 1
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == f"${top}:${top}"
        assert ws.oddFooter.right.text == "&P / &N"
    report = book["Rapport"]
    organisation = next(
        r for r in report.iter_rows(min_row=first_data_row(report)) if r[0].value == "organisation"
    )
    assert organisation[3].alignment.wrap_text
    width = report.column_dimensions["D"].width
    lines = -(-len(str(organisation[3].value)) // int(width * 1.1))
    assert report.row_dimensions[organisation[0].row].height >= 15 * lines


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed (see README)")
def test_libreoffice_prints_the_report_one_page_wide(tmp_path: Path) -> None:
    """Converted to PDF by LibreOffice, each page holds every column: the report's pages are as wide as
    they are many rows deep, never one column per page (the audit saw 7 pages for 7 columns)."""
    import subprocess

    d = draft(ReportKind.FOLLOWUP_2027, ENTERED_2027)
    source = write_xlsx(report_sheets(d)[:1], tmp_path / "rapport.xlsx")
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = (tmp_path / "rapport.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    # The report sheet alone (7 columns, about 40 wrapped rows): one column per page would be 7+ pages.
    assert 1 <= pages <= 4, pages
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(float(w) > float(h) for w, h in boxes)  # landscape
