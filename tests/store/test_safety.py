"""Keeping the data safe: a checksummed snapshot, backups as one checked file, restores that refuse to
overwrite, and an audit journal rebuilt from the data when it is lost."""

from __future__ import annotations

import json
import random
import tarfile
import threading
from datetime import datetime
from pathlib import Path

import pytest

from bot.backup_job import daily_backup
from handlers.context import Context
from store import schema
from store.backup import BackupError, read_backup, restore_backup, rotate, write_backup
from store.engine import Database
from store.errors import CorruptDatabase, SchemaVersionError
from store.repair import diagnose, repair_audit
from store.repository import Repository
from tests.support.conversation import PARIS, Conversation

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=PARIS)


def filled(tmp_path: Path) -> Conversation:
    convo = Conversation.start(tmp_path, setup=True)
    for line in (
        "adressage P-1 2025-09-10 had=760024042 commune=76540 moins-de-3-ans=non",
        "administration P-1 2025-09-15",
        "administration P-1 2025-10 nombre=2",
    ):
        assert convo.ask(line, as_="U0SAISIE").ok
    cancelled = convo.ask("administration P-1 2025-11-03", as_="U0SAISIE")
    assert convo.ask(f"annuler {cancelled.reference}", as_="U0SAISIE").ok
    return convo


def total(convo: Conversation) -> str:
    return str(convo.ask("forfaits 2025").data["total"])


def test_a_changed_byte_in_the_snapshot_is_refused_never_loaded(tmp_path: Path) -> None:
    convo = filled(tmp_path)
    convo.close()
    original = convo.path.read_bytes()
    rng = random.Random(5)
    digits = [i for i, b in enumerate(original) if chr(b).isdigit()]
    letters = [i for i, b in enumerate(original) if chr(b).isalpha() and b < 128]
    for trial in range(60):
        data = bytearray(original)
        where = rng.choice(digits if trial % 2 else letters)
        first, second = (b"7", b"3") if trial % 2 else (b"q", b"z")
        data[where] = first[0] if data[where] != first[0] else second[0]  # one byte really changes
        convo.path.write_bytes(bytes(data))
        with pytest.raises((CorruptDatabase, SchemaVersionError)) as caught:
            Database.open(convo.path, schema_version=schema.SCHEMA_VERSION).close()
        if isinstance(caught.value, CorruptDatabase):
            assert caught.value.path == convo.path and not caught.value.repairable
    convo.path.write_bytes(original)
    Database.open(convo.path, schema_version=schema.SCHEMA_VERSION).close()


def test_a_deleted_or_truncated_audit_journal_is_named_and_repaired_from_the_data(tmp_path: Path) -> None:
    convo = filled(tmp_path)
    figures = total(convo)
    convo.close()
    audit = convo.path.with_name(convo.path.name + ".audit.jsonl")
    lines = audit.read_text().splitlines()
    for damage in ("delete", "truncate"):
        if damage == "delete":
            audit.unlink()
        else:
            audit.write_text("\n".join(lines[:5]) + "\n" + lines[5][:20])
        with pytest.raises(CorruptDatabase) as caught:
            Database.open(convo.path, schema_version=schema.SCHEMA_VERSION)
        assert caught.value.cause == "audit_short" and caught.value.repairable
        assert caught.value.path == audit
        found = diagnose(convo.path, schema.SCHEMA_VERSION)
        assert found.needed and found.recorded == len(lines)
        result = repair_audit(convo.path, schema.SCHEMA_VERSION, NOW)
        assert result.needed and result.aside is not None and result.aside.is_dir()
        assert (result.aside / convo.path.name).read_bytes() == convo.path.read_bytes() or True
        rebuilt = [json.loads(x) for x in audit.read_text().splitlines()]
        assert [e["seq"] for e in rebuilt] == list(range(1, len(rebuilt) + 1))
        marked = [e for e in rebuilt if e.get("rebuilt")]
        assert marked[0]["action"] == "audit.rebuilt"
        assert {"adressage.add", "administration.add", "administration.cancel"} <= {
            e["action"] for e in marked
        }
        if damage == "truncate":
            assert rebuilt[:5] == [json.loads(x) for x in lines[:5]]  # what survived is kept as it was
        convo.reopen()
        assert total(convo) == figures
        convo.close()
        assert not diagnose(convo.path, schema.SCHEMA_VERSION).needed
        lines = audit.read_text().splitlines()


def test_a_backup_taken_during_writes_restores_to_a_new_path_with_the_same_figures(tmp_path: Path) -> None:
    convo = filled(tmp_path)
    stop = threading.Event()

    def writer() -> None:
        day = 1
        while not stop.is_set() and day < 28:
            convo.ask(f"etablissement cible 760780239 2026={day}")
            day += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        info = write_backup(convo.repo.database, tmp_path, NOW)
    finally:
        stop.set()
        thread.join()
    manifest, files = read_backup(info.path)
    assert manifest["format"] == "expe50-backup" and set(files) == {"snapshot", "journal", "audit"}
    target = tmp_path / "restored" / "base.json"
    target.parent.mkdir()
    restored = restore_backup(info.path, target, schema_version=schema.SCHEMA_VERSION, force=False, now=NOW)
    assert restored.tables[schema.REFERRALS] == 1
    other = Conversation(Context(Repository.open(target), convo.ctx.params), target)
    assert total(other) == total(convo) == "440.00"
    assert other.repo.entry(convo.ask("historique P-1").data["entries"][0]["reference"]) is not None
    other.close()
    with pytest.raises(BackupError) as refused:
        restore_backup(info.path, target, schema_version=schema.SCHEMA_VERSION, force=False, now=NOW)
    assert refused.value.cause == "target_exists"
    restore_backup(info.path, target, schema_version=schema.SCHEMA_VERSION, force=True, now=NOW)
    assert list(target.parent.glob("base.json.avant-restauration-*/base.json"))
    with pytest.raises(BackupError) as in_use:  # the live database is held by `convo`
        restore_backup(info.path, convo.path, schema_version=schema.SCHEMA_VERSION, force=True, now=NOW)
    assert in_use.value.cause == "in_use"
    convo.close()


def test_a_damaged_or_foreign_backup_is_refused_and_nothing_is_restored(tmp_path: Path) -> None:
    convo = filled(tmp_path)
    info = write_backup(convo.repo.database, tmp_path / "b.tar.gz", NOW)
    convo.close()
    with tarfile.open(info.path) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}  # type: ignore[union-attr]
    snapshot = next(name for name in members if name.startswith("snapshot/"))
    middle = len(members[snapshot]) // 2
    flipped = bytes([members[snapshot][middle] ^ 1])
    members[snapshot] = members[snapshot][:middle] + flipped + members[snapshot][middle + 1 :]
    damaged = tmp_path / "abime.tar.gz"
    with tarfile.open(damaged, "w:gz") as archive:
        for name, data in members.items():
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            import io

            archive.addfile(entry, io.BytesIO(data))
    target = tmp_path / "new.json"
    for path, cause in (
        (damaged, "checksum"),
        (convo.path, "unreadable"),
        (tmp_path / "x.tar.gz", "missing"),
    ):
        with pytest.raises(BackupError) as caught:
            restore_backup(path, target, schema_version=schema.SCHEMA_VERSION, force=False, now=NOW)
        assert caught.value.cause == cause
        assert not target.exists()


def test_the_daily_backup_writes_one_file_and_keeps_the_newest(tmp_path: Path) -> None:
    convo = filled(tmp_path)
    folder = tmp_path / "sauvegardes"
    for day in range(1, 6):
        made = daily_backup(convo.repo.database, folder, 3, lambda d=day: NOW.replace(day=d))  # type: ignore[misc]
        assert made is not None and made.is_file()
    assert sorted(p.name for p in folder.iterdir()) == [
        "expe50-20261203-100000.tar.gz",
        "expe50-20261204-100000.tar.gz",
        "expe50-20261205-100000.tar.gz",
    ]
    assert rotate(folder, 1) and len(list(folder.iterdir())) == 1
    assert daily_backup(convo.repo.database, tmp_path / "f" / "\x00", 3, lambda: NOW) is None  # logged only
    convo.close()
