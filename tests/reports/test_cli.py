"""`expe50 report`, `expe50 statement` and `expe50 export-log` on a real database: files read back."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from tests.reports.sheets import csv_table, first_data_row
from tests.reports.test_commands import NOW, log_known_dataset
from tests.support.conversation import SITE, Conversation


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    convo = Conversation.start(tmp_path, setup=True, now=NOW)
    log_known_dataset(convo)
    assert convo.ask("rapport saisir suivi-2027 patients_tmsc_2026=412", as_="U0SAISIE").ok
    convo.close()
    monkeypatch.setenv("EXPE50_NOW", NOW.isoformat())
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    return convo.path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_report_as_xlsx_opens_cleanly(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "rapport.xlsx"
    code, out, err = run("report", "suivi-2027", "--site", SITE, "--out", str(target), "--db", str(db))
    assert (code, err) == (0, "")
    assert out.strip() == f"Écrit : {target}"
    book = load_workbook(target)
    rows = {
        r[0].value: [c.value for c in r]
        for r in book["Rapport"].iter_rows(min_row=first_data_row(book["Rapport"]))
    }
    assert rows["patients_tmsc_2026"][3] == 412
    assert rows["adresses_had_2026"][3] == 2
    assert rows["forfaits_dus_2027"][3] == 320


def test_report_as_markdown_to_stdout(db: Path) -> None:
    code, out, _ = run(
        "report", "suivi-2027", "--site", SITE, "--format", "md", "--out", "-", "--db", str(db)
    )
    assert code == 0
    assert out.startswith("# Rapport d'activité de suivi 2027")
    assert "| Nombre total de patients traités par TMSC (hors voie orale) sur le site (2026) | 412 |" in out
    assert "Normandie" in out


def test_report_as_csv(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "rapport.csv"
    assert run("report", "suivi-2026", "--site", SITE, "--out", str(target), "--db", str(db))[0] == 0
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    by_id = {row[0]: row for row in csv_table(rows)[1:]}
    assert by_id["forfaits_dus_2025"][3] == "880,00"
    assert by_id["adresses_had_2025"][3] == "3"


def test_statement_xlsx_and_csv(db: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "releve-2025.xlsx"
    assert run("statement", "--site", SITE, "--year", "2025", "--out", str(xlsx), "--db", str(db))[0] == 0
    ws = load_workbook(xlsx)["Forfaits 2025"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=first_data_row(ws))]
    assert rows[0] == [SITE, "P1", datetime(2025, 9, 1), "inclusion", 320, "2026"]
    assert rows[-1] == ["Total", None, None, None, 880, None]
    code, out, _ = run(
        "statement", "--site", SITE, "--year", "2026", "--format", "csv", "--out", "-", "--db", str(db)
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == "Total;;;;880,00;"
    assert lines[0] == f"FINESS géographique;{SITE}"  # the heading says whose statement it is
    table = csv_table(list(csv.reader(io.StringIO(out), delimiter=";")))
    assert len(table) == 1 + 4 + 1


def test_export_log_for_the_region(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "journal.csv"
    code, _, err = run("export-log", "--region", "Normandie", "--out", str(target), "--db", str(db))
    assert (code, err) == (0, "")
    all_rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert ["Région", "Normandie"] in all_rows
    rows = csv_table(all_rows)
    assert len(rows) == 1 + 8 + 12  # referrals, administrations (cancelled ones kept, marked)
    assert not any("U0SAISIE" in cell for row in rows for cell in row)
    assert sum(1 for row in rows[1:] if row[-1]) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("report", "suivi-2030", "--site", SITE, "--out", "x.md"), "Rapport inconnu"),
        (("report", "initial", "--site", "999999999", "--out", "x.md"), "Aucun site"),
        (("report", "initial", "--site", SITE, "--out", "x.pdf"), "Format inconnu"),
        (("export-log", "--region", "Atlantide", "--out", "x.csv"), "Région inconnue"),
    ],
)
def test_errors_are_french_and_write_nothing(
    db: Path, tmp_path: Path, argv: tuple[str, ...], message: str
) -> None:
    code, _, err = run(*argv, "--db", str(db))
    assert code == 1
    assert message in err
    assert not (tmp_path / "x.md").exists() and not (tmp_path / "x.csv").exists()


def test_a_missing_database_is_said_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(
        "report", "initial", "--site", SITE, "--out", "x.md", "--db", str(tmp_path / "none.json")
    )
    assert code == 2 and "Base de données introuvable" in err


def test_without_out_the_file_is_named_for_whose_it_is(db: Path, tmp_path: Path) -> None:
    """`rapport-<rapport>-<FINESS>-<date>.xlsx` in the directory the command was typed in."""
    code, out, err = run("report", "suivi-2026", "--site", SITE, "--db", str(db))
    assert (code, err) == (0, "")
    expected = tmp_path / f"rapport-suivi-2026-{SITE}-{NOW.date().isoformat()}.xlsx"
    assert expected.exists(), out
    said = {r[0].value: r[1].value for r in load_workbook(expected)["Rapport"].iter_rows(max_row=8)}
    assert said["FINESS géographique"] == SITE and said["Région"] == "Normandie"
    assert run("statement", "--site", SITE, "--year", "2025", "--db", str(db))[0] == 0
    assert (tmp_path / f"releve-{SITE}-2025-{NOW.date().isoformat()}.xlsx").exists()
