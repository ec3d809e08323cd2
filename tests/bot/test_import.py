"""`expe50 import`: a spreadsheet history goes through the typed commands' checks, all or nothing, once."""

from __future__ import annotations

import json
import subprocess
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook, load_workbook

from bot.import_files import read_table, template_bytes
from handlers.imports import import_sheets, report
from handlers.reply import Status
from rules.month import Month
from store.records import EntryKind
from tests.support.bot_process import clean_env, run_cli
from tests.support.conversation import PARIS, Conversation
from tests.support.history import Row, generate, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)
SITES = ["760780239", "760000196", "760000204"]
HAD = "760024042"
SETUP = (
    *(
        f'etablissement ajouter {s} nom="Site {i}" region=normandie categorie=a selection=2025-05-15'
        for i, s in enumerate(SITES)
    ),
    f'had ajouter {HAD} nom="HAD Rouen" communes=76540 moins-de-3-ans=non',
    *(f"convention {s} {HAD} date=2025-03-01" for s in SITES),
    f"membre ajouter U0COORD role=coordination site={SITES[0]}",
)
NIR = "1 85 05 76 123 456 89"


def region(tmp_path: Path, name: str) -> Conversation:
    folder = tmp_path / name
    folder.mkdir()
    convo = Conversation.start(folder, now=NOW)
    for line in SETUP:
        assert convo.ask(line).ok, line
    return convo


def history(patients: int = 12) -> list[Row]:
    # 18 months: June 2025 to November 2026, three sites.
    return generate(
        SITES, HAD, "76540", patients_per_site=patients, first=Month(2025, 6), last=Month(2026, 11)
    )


def run_import(convo: Conversation, path: Path, **kwargs: object) -> tuple[Status, dict[str, object]]:
    outcome = import_sheets(
        convo.ctx,
        read_table(path),
        file_name=path.name,
        member_id=None,
        channel="cli",
        now=NOW,
        **kwargs,  # type: ignore[arg-type]
    )
    reply = report(outcome, dry_run=bool(kwargs.get("dry_run")), partial=bool(kwargs.get("partial")))
    return reply.status, {**reply.data, "text": "\n".join([reply.title, *reply.body])}


def figures(convo: Conversation) -> tuple[str, int, int]:
    statement = convo.ask("forfaits 2026")
    entries = sum(len(convo.repo.entries(s, kind, active_only=False)) for s in SITES for kind in EntryKind)
    patients = sum(len(convo.repo.patients(s)) for s in SITES)
    return (
        str(statement.data["total"]) + "/" + str(convo.ask("forfaits 2025").data["total"]),
        entries,
        patients,
    )


def typed_line(row: Row) -> str:
    if row.kind == "adressage":
        return (
            f"adressage {row.patient} {row.day} had={row.had} commune={row.commune} moins-de-3-ans=non "
            f"site={row.site}"
        )
    if row.kind == "administration":
        when = str(row.month) if row.month else str(row.day)
        count = f" nombre={row.count}" if row.month else ""
        return f"administration {row.patient} {when}{count} site={row.site}"
    return f'fin {row.patient} {row.day} motif="{row.reason}" site={row.site}'


def test_an_18_month_history_imports_from_xlsx_and_cp1252_csv_with_the_typed_commands_figures(
    tmp_path: Path,
) -> None:
    rows = history()
    assert len({r.site for r in rows}) == 3 and len(rows) > 200
    typed = region(tmp_path, "typed")
    for row in rows:
        assert typed.ask(typed_line(row)).ok, typed_line(row)
    expected = figures(typed)
    assert expected[1] == len(rows)

    xlsx = region(tmp_path, "xlsx")
    status, data = run_import(xlsx, write_xlsx(rows, tmp_path / "historique.xlsx"))
    assert status is Status.OK and data["added"] == len(rows) and data["written"] is True, data["text"]
    assert figures(xlsx) == expected

    csv_convo = region(tmp_path, "csv")
    path = write_csv(rows, tmp_path / "historique.csv", delimiter=";", encoding="cp1252")
    status, data = run_import(csv_convo, path)
    assert status is Status.OK and data["added"] == len(rows), data["text"]
    assert figures(csv_convo) == expected
    # One audit line for the whole file, with its name and row count; the entries keep author and channel.
    audit = [json.loads(x) for x in csv_convo.repo.database.audit_path.read_text().splitlines()]
    assert audit[-1]["action"] == "import" and audit[-1]["detail"]["file"] == "historique.csv"
    assert audit[-1]["detail"]["rows"] == len(rows)
    assert sum(1 for a in audit if a["action"].endswith(".add")) == 0
    first = csv_convo.ask(f"historique {rows[0].patient}").data["entries"][0]
    assert (first["author"], first["channel"]) == ("operateur-local", "cli")
    csv_convo.reopen()
    assert figures(csv_convo) == expected  # durable


def test_one_bad_row_refuses_the_file_and_partiel_keeps_the_others_and_reimport_adds_nothing(
    tmp_path: Path,
) -> None:
    rows = history(patients=4)
    bad = Row("administration", rows[0].patient, month=Month(2025, 4), count=2, site=rows[0].site)
    path = write_csv([*rows, bad], tmp_path / "avec-erreur.csv")
    bad_line = len(rows) + 2  # the header is line 1
    convo = region(tmp_path, "db")
    audit_before = convo.repo.database.audit_path.read_bytes()

    status, data = run_import(convo, path)
    assert status is Status.ERROR and data["written"] is False
    assert figures(convo)[1] == 0 and convo.repo.database.audit_path.read_bytes() == audit_before
    (problem,) = data["refused"]  # type: ignore[misc]
    assert problem["line"] == bad_line and problem["column"] == "Mois"
    assert "adressage" in problem["what"] and problem["how"]
    assert f"ligne {bad_line}, colonne « Mois »" in str(data["text"])
    assert "--partiel" in str(data["text"])
    convo.reopen()
    assert figures(convo)[1] == 0  # nothing reached the disk either

    status, data = run_import(convo, path, dry_run=True)
    assert status is Status.ERROR and figures(convo)[1] == 0

    status, data = run_import(convo, path, partial=True)
    assert status is Status.WARNING and data["written"] is True and data["added"] == len(rows)
    after = figures(convo)
    assert after[1] == len(rows)
    audit_after = convo.repo.database.audit_path.read_bytes()

    status, data = run_import(convo, path, partial=True)
    assert data["added"] == 0 and data["already"] == len(rows) and data["written"] is False
    assert figures(convo) == after and convo.repo.database.audit_path.read_bytes() == audit_after


def test_a_row_holding_health_data_is_refused_and_never_echoed(tmp_path: Path) -> None:
    convo = region(tmp_path, "db")
    path = tmp_path / "nir.csv"
    path.write_text(
        "Type;Patient;Date;FINESS HAD;Commune;Moins de 3 ans;FINESS établissement;Remarque\n"
        f"adressage;P-1;10/09/2025;{HAD};76540;non;{SITES[0]};{NIR}\n"
        f"adressage;P-2;10/09/2025;{HAD};76540;non;{SITES[0]};Dupont Jean né le 12/03/1950\n",
        encoding="utf-8",
    )
    status, data = run_import(convo, path, partial=True)
    assert status is Status.ERROR and data["added"] == 0
    text = json.dumps(data, ensure_ascii=False)
    assert "123 456" not in text and "Dupont" not in text and "12/03/1950" not in text
    assert [p["line"] for p in data["refused"]] == [2, 3]  # type: ignore[attr-defined]


def test_the_template_has_one_sheet_per_kind_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "modele.xlsx"
    path.write_bytes(template_bytes())
    book = load_workbook(path)
    assert book.sheetnames == ["Lisez-moi", "Adressages", "Administrations", "Fins"]
    book["Adressages"].append(["P-7", "10/09/2025", HAD, "76540", "non", SITES[0]])
    book["Administrations"].append(["P-7", None, "10/2025", "2", "injectable", SITES[0]])
    book["Administrations"].append(["P-7", "15/09/2025", None, None, None, SITES[0]])
    book["Fins"].append(["P-7", "03/11/2025", "décès", SITES[0]])
    book.save(path)
    convo = region(tmp_path, "db")
    status, data = run_import(convo, path)
    assert status is Status.OK and data["added"] == 4, data["text"]
    assert convo.ask("forfaits 2025").data["total"] == "440.00"


def test_french_spreadsheet_habits_are_read(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Administrations"
    sheet.append(["Code patient", "Date d'administration", "Mois", "Nb", "FINESS"])
    sheet.append(["P-1", None, datetime(2025, 10, 1), 2.0, 60780239])  # a FINESS that lost its leading 0
    path = tmp_path / "adm.xlsx"
    book.save(path)
    convo = region(tmp_path, "db")
    status, data = run_import(convo, path)
    assert status is Status.ERROR
    (problem,) = data["refused"]  # type: ignore[misc]
    assert problem["column"] == "FINESS" and "060780239" in problem["what"]


def test_a_month_in_the_date_column_with_a_count_is_a_whole_month_entry(tmp_path: Path) -> None:
    # As typed (`administration P-7 2025-10 nombre=2`), a month may stand where the day goes.
    path = tmp_path / "mois.csv"
    path.write_bytes(
        "Type;Patient;Date;FINESS HAD;Commune INSEE;Moins de 3 ans;Nombre\n"
        f"adressage;P-7;10/09/2025;{HAD};76540;non;\n"
        "administration;P-7;10/2025;;;;2\n".encode("cp1252")
    )
    convo = region(tmp_path, "db")
    status, data = run_import(convo, path, default_site=SITES[0])
    assert status is Status.OK, data["text"]
    history = convo.ask(f"historique P-7 site={SITES[0]}")
    assert "octobre 2025" in "\n".join(history.body) and "2 administrations" in "\n".join(history.body)


def expe50(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = clean_env(EXPE50_NOW="2026-12-01T10:00", EXPE50_DB=str(cwd / "b.json"))
    return run_cli(env, cwd, *args)


def test_the_command_line_reports_in_french_with_exit_codes(tmp_path: Path) -> None:
    convo = region(tmp_path, "cli")
    convo.close()
    (tmp_path / "cli" / "expe50.json").rename(tmp_path / "b.json")
    for suffix in (".json.audit.jsonl", ".json.wal"):
        source = tmp_path / "cli" / f"expe50{suffix}"
        if source.exists():
            source.rename(tmp_path / f"b{suffix}")
    rows = history(patients=2)
    good = write_xlsx(rows, tmp_path / "h.xlsx")
    dry = expe50("import", str(good), "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and "Rien n'a été enregistré" in dry.stdout, dry.stdout + dry.stderr
    done = expe50("import", str(good), "--json", cwd=tmp_path)
    assert done.returncode == 0 and json.loads(done.stdout)["data"]["added"] == len(rows), done.stdout
    missing = expe50("import", str(tmp_path / "absent.csv"), cwd=tmp_path)
    assert missing.returncode == 1 and "n'existe pas" in missing.stdout
    template = expe50("import", "--modele", str(tmp_path / "m.xlsx"), cwd=tmp_path)
    assert template.returncode == 0 and (tmp_path / "m.xlsx").exists()
    again = expe50("import", "--modele", str(tmp_path / "m.xlsx"), cwd=tmp_path)
    assert again.returncode == 1 and "existe déjà" in again.stdout
    for out in (dry, done, missing, template, again):
        assert "Traceback" not in out.stdout + out.stderr


def test_digits_of_neighbouring_cells_never_read_as_a_social_security_number(tmp_path: Path) -> None:
    # A month cell, a count and a FINESS side by side once read as a NIR when the row was one line.
    book = Workbook()
    referrals = book.active
    assert referrals is not None
    referrals.title = "Adressages"
    referrals.append(
        ["Patient", "Date", "FINESS HAD", "Commune INSEE", "Moins de 3 ans", "FINESS établissement"]
    )
    referrals.append(["P1-00065", datetime(2026, 7, 3), HAD, "76540", "non", SITES[1]])
    administrations = book.create_sheet("Administrations")
    administrations.append(["Patient", "Date", "Mois", "Nombre", "Traitement", "FINESS établissement"])
    administrations.append(["P1-00065", None, datetime(2026, 8, 1), 3, "injectable", SITES[1]])
    path = tmp_path / "mois.xlsx"
    book.save(path)
    convo = region(tmp_path, "db")
    status, data = run_import(convo, path)
    assert status is Status.OK and data["added"] == 2, data["text"]
