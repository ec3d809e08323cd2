"""A failed write leaves memory exactly as it was, and the next write works once the cause is gone.

Faults are injected where the engine meets the OS (os.write / fdatasync raising ENOSPC or EIO, ftruncate
failing too) and in the data (a lone surrogate JSON can hold but UTF-8 cannot encode)."""

from __future__ import annotations

import errno
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from store import audit as audit_journal
from store import wal
from store.engine import Database
from store.errors import WriteFailed

AT = datetime(2025, 5, 16, 10, 0, tzinfo=UTC)


def _state(db: Database) -> dict[str, Any]:
    return {name: db.table(name).all() for name in db.table_names()}


def _enospc(*_: object) -> int:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = Database.open(tmp_path / "db.json", schema_version=1)
    database.table("t").insert({"n": 0})
    return database


def _write_with_audit(db: Database, n: int, text: str = "ok") -> None:
    with db.batch():
        db.table("t").insert({"n": n, "text": text})
        db.audit(actor="a", channel="cli", action="insert", detail={"n": n}, at=AT)


@pytest.mark.parametrize("target", ["write", "fdatasync"])
def test_disk_full_on_the_journal_rolls_back_and_recovers_when_space_is_freed(
    db: Database, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    before = _state(db)
    monkeypatch.setattr(os, target, _enospc)
    for n in range(1, 4):  # a long run of failures: each one reported, none kept
        with pytest.raises(WriteFailed) as failure:
            _write_with_audit(db, n)
        assert failure.value.errno == errno.ENOSPC
        assert _state(db) == before
    monkeypatch.undo()
    _write_with_audit(db, 10)  # space freed: the very next write works, without a restart
    path = db.path
    db.close()
    with Database.open(path, schema_version=1) as again:
        assert [d["n"] for d in again.table("t").all()] == [0, 10]
    assert [e["detail"]["n"] for e in audit_journal.read(Path(f"{path}.audit.jsonl"))] == [10]


def test_a_torn_append_whose_cleanup_also_fails_is_cut_before_the_next_write(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write

    def half_then_full(fd: int, data: Any) -> int:
        real_write(fd, bytes(data)[:7])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    monkeypatch.setattr(os, "ftruncate", _enospc)
    with pytest.raises(WriteFailed):
        _write_with_audit(db, 1)
    monkeypatch.undo()
    _write_with_audit(db, 2)
    path = db.path
    db.close()
    with Database.open(path, schema_version=1) as again:  # no damaged record in the middle
        assert [d["n"] for d in again.table("t").all()] == [0, 2]


def test_a_lone_surrogate_is_refused_without_poisoning_the_store(db: Database) -> None:
    before = _state(db)
    with pytest.raises(WriteFailed) as failure:
        _write_with_audit(db, 1, "Question forfait \ud800")
    assert failure.value.errno is None
    assert _state(db) == before
    _write_with_audit(db, 2)  # the next write works
    path = db.path
    db.close()  # and nothing unaudited is saved at close
    snapshot = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(doc["n"] for doc in snapshot["t"].values()) == [0, 2]
    entries = audit_journal.read(Path(f"{path}.audit.jsonl"))
    assert [e["detail"]["n"] for e in entries] == [2]
    with Database.open(path, schema_version=1) as again:
        assert [d["n"] for d in again.table("t").all()] == [0, 2]


def test_disk_full_at_close_loses_nothing_and_raises_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write_with_audit(db, 1)
    path = db.path
    monkeypatch.setattr(os, "replace", _enospc)
    db.close()  # the compaction fails; the fsynced journal keeps every write
    monkeypatch.undo()
    assert wal.read(Path(f"{path}.wal")).records
    with Database.open(path, schema_version=1) as again:
        assert [d["n"] for d in again.table("t").all()] == [0, 1]
