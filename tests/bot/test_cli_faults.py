"""Operating faults reach the operator as one French sentence naming the file and the way out — never a
traceback — and a one-shot command never stores its write and then dies (real processes; OS faults
injected by tests/support/faults/sitecustomize.py where root cannot make them for real)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from store.repository import Repository
from tests.bot.test_cli import ROOT, expe50

FAULTS = str(ROOT / "tests" / "support" / "faults")
SITE = 'etablissement ajouter 760780239 nom="CHU de Rouen" region=normandie categorie=a'


def faulty(*args: str, cwd: Path, faults: str) -> subprocess.CompletedProcess[str]:
    return expe50(*args, cwd=cwd, env={"PYTHONPATH": f"{FAULTS}:{ROOT}", "EXPE50_FAULTS": faults})


def _clean_failure(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr
    for word in words:
        assert word in result.stderr + result.stdout


def test_a_directory_in_place_of_the_database(tmp_path: Path) -> None:
    folder = tmp_path / "base.json"
    folder.mkdir()
    _clean_failure(expe50("--db", str(folder), "cmd", "aide", cwd=tmp_path), str(folder), "dossier")


@pytest.mark.parametrize(
    "content",
    [
        "[1, 2, 3]",
        '{"a": 1}',
        '{"_meta": {"1": {"schema_version": 1, "last_seq": "x"}}}',
        '{"_meta": {"1": {"schema_version": 1}}, "sites": [1]}',
        "\xff\xfe garbage",
    ],
)
def test_foreign_json_is_refused_clearly(tmp_path: Path, content: str) -> None:
    db = tmp_path / "base.json"
    db.write_text(content, encoding="latin-1")
    _clean_failure(expe50("--db", str(db), "cmd", "aide", cwd=tmp_path), str(db))


@pytest.mark.parametrize(
    ("faults", "words"),
    [
        ("open:EROFS:base.json", ["lecture seule"]),
        ("open:EACCES:base.json.wal", ["droit", "base.json.wal"]),
        ("open:EPERM:base.json.audit", ["immuable", "chattr"]),
        ("open:ENOSPC:base.json", ["disque est plein"]),
    ],
)
def test_file_faults_at_open_name_the_file_and_the_way_out(
    tmp_path: Path, faults: str, words: list[str]
) -> None:
    db = tmp_path / "base.json"
    assert expe50("--db", str(db), "cmd", SITE, cwd=tmp_path).returncode == 0
    _clean_failure(faulty("--db", str(db), "cmd", "aide", cwd=tmp_path, faults=faults), *words)


def test_disk_full_on_the_journal_stores_nothing_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "base.json"
    assert expe50("--db", str(db), "cmd", "aide", cwd=tmp_path).returncode == 0
    result = faulty(
        "--db", str(db), "cmd", "--json", SITE, cwd=tmp_path, faults="fdatasync:ENOSPC:base.json.wal"
    )
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "disque est plein" in json.loads(result.stdout)["text"]
    repo = Repository.open(db)
    try:
        assert repo.site("760780239") is None  # nothing was stored
    finally:
        repo.close()


def test_disk_full_at_close_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "base.json"
    assert expe50("--db", str(db), "cmd", "aide", cwd=tmp_path).returncode == 0
    result = faulty("--db", str(db), "cmd", SITE, cwd=tmp_path, faults="replace:ENOSPC:base.json")
    assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
    repo = Repository.open(db)  # replayed from the journal
    try:
        assert repo.site("760780239") is not None
    finally:
        repo.close()


def test_an_immutable_journal_for_real_when_the_file_system_allows_it(tmp_path: Path) -> None:
    db = tmp_path / "base.json"
    assert expe50("--db", str(db), "cmd", SITE, cwd=tmp_path).returncode == 0
    wal = tmp_path / "base.json.wal"
    wal.touch()
    if subprocess.run(["chattr", "+i", str(wal)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i not supported here")
    try:
        _clean_failure(expe50("--db", str(db), "cmd", "aide", cwd=tmp_path), "base.json.wal")
    finally:
        subprocess.run(["chattr", "-i", str(wal)], capture_output=True)
