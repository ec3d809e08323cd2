"""`expe50 cmd/ask/run/demo` as a user runs them: real processes, a database in a temp dir."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOW = "2025-11-20T10:00"


def expe50(
    *args: str, cwd: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    base.update({"EXPE50_NOW": NOW, "PYTHONPATH": str(ROOT)})
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=base,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_cmd_json_prints_one_object_and_exit_codes_follow_user_errors(tmp_path: Path) -> None:
    db = tmp_path / "base.json"
    add = expe50(
        "cmd",
        "--db",
        str(db),
        "--json",
        'etablissement ajouter 760780239 nom="CHU de Rouen" region=normandie categorie=a',
        cwd=tmp_path,
    )
    assert add.returncode == 0, add.stderr
    payload = json.loads(add.stdout)
    assert set(payload) >= {"ok", "text", "sources", "needs_human", "data"}
    assert payload["ok"] is True and "CHU de Rouen" in payload["text"]
    wrong = expe50("--db", str(db), "cmd", "--json", "adressage P-1 2025-02-30 had=760024042", cwd=tmp_path)
    assert wrong.returncode == 1 and json.loads(wrong.stdout)["ok"] is False
    assert "Traceback" not in wrong.stdout + wrong.stderr


def test_cmd_as_a_member_uses_that_members_rights(tmp_path: Path) -> None:
    env = {"EXPE50_DB": str(tmp_path / "env.json")}
    assert (
        expe50("cmd", "membre ajouter U0ONE role=ars region=normandie", cwd=tmp_path, env=env).returncode == 0
    )
    denied = expe50(
        "cmd", "--as", "U0ONE", 'had ajouter 760024042 nom="H" communes=76540', cwd=tmp_path, env=env
    )
    assert denied.returncode == 1 and "pas le droit" in denied.stdout
    assert (tmp_path / "env.json").exists()  # EXPE50_DB chose the file


def test_the_default_database_lives_under_data(tmp_path: Path) -> None:
    assert expe50("cmd", "aide", cwd=tmp_path).returncode == 0
    assert (tmp_path / "data" / "expe50.json").exists()


def test_a_malformed_setting_stops_start_up_naming_it(tmp_path: Path) -> None:
    bad = expe50("cmd", "aide", cwd=tmp_path, env={"EXPE50_NOW": "demain"})
    assert bad.returncode == 2 and "EXPE50_NOW" in bad.stderr and "Traceback" not in bad.stderr
    (tmp_path / ".env").write_text("EXPE50_LOG_LEVEL=bavard\n")
    from_file = expe50("cmd", "aide", cwd=tmp_path)
    assert from_file.returncode == 2 and "EXPE50_LOG_LEVEL" in from_file.stderr


def test_a_database_held_by_another_process_is_refused_clearly(tmp_path: Path) -> None:
    from store.repository import Repository

    repo = Repository.open(tmp_path / "held.json")
    try:
        other = expe50("--db", str(tmp_path / "held.json"), "cmd", "aide", cwd=tmp_path)
    finally:
        repo.close()
    assert other.returncode == 2 and "déjà ouverte" in other.stderr


def test_ask_is_question(tmp_path: Path) -> None:
    reply = expe50("ask", "--json", "Montant du forfait mensuel ?", cwd=tmp_path)
    assert reply.returncode in (0, 1) and "Traceback" not in reply.stderr
    assert isinstance(json.loads(reply.stdout)["needs_human"], bool)


def test_run_without_channels_opens_the_console_with_first_steps(tmp_path: Path) -> None:
    session = expe50("run", cwd=tmp_path, stdin="aide\nadresage P-1\nquitter\n")
    assert session.returncode == 0, session.stderr
    assert "La base est vide" in session.stdout
    assert "expe50> aide" in session.stdout and "Aide — commandes /expe50" in session.stdout
    assert "Vouliez-vous dire « adressage »" in session.stdout
    assert session.stdout.rstrip().endswith("Au revoir.")


def test_demo_loads_a_fictitious_region_marked_as_such(tmp_path: Path) -> None:
    session = expe50("demo", cwd=tmp_path, stdin="forfaits 2025\n")
    assert session.returncode == 0, session.stderr
    assert "DÉMO — données fictives" in session.stdout
    assert "Forfaits — 2025" in session.stdout and "DEMO-001" in session.stdout
    again = expe50("demo", "--no-console", cwd=tmp_path)
    assert again.returncode == 0, again.stderr  # a demo database takes the demo again (nothing doubles)


def test_demo_refuses_a_database_holding_real_sites_and_the_greeting_points_apart(tmp_path: Path) -> None:
    env = {"EXPE50_DB": str(tmp_path / "real.json")}
    greeting = expe50("run", cwd=tmp_path, env=env, stdin="aide\nquitter\n")
    assert "expe50 --db data/demo.json demo" in greeting.stdout
    add = 'etablissement ajouter 760780239 nom="CHU de Rouen" region=normandie categorie=a'
    assert expe50("cmd", add, cwd=tmp_path, env=env).returncode == 0
    refused = expe50("demo", "--no-console", cwd=tmp_path, env=env)
    assert refused.returncode == 1 and "CHU de Rouen (760780239)" in refused.stderr
    assert "expe50 --db data/demo.json demo" in refused.stderr
    listed = expe50("cmd", "etablissements", cwd=tmp_path, env=env)
    assert "DÉMO" not in listed.stdout


@pytest.mark.parametrize(
    "name", ["EXPE50_DB", "EXPE50_LOG_LEVEL", "EXPE50_OPERATOR", "EXPE50_NOW", "BACKUP_DIR", "BACKUP_KEEP"]
)
def test_env_example_lists_every_setting(name: str) -> None:
    assert f"# {name}=" in (ROOT / ".env.example").read_text(encoding="utf-8")
