"""Unit tests of the storage engine: API, batches, reload, crash leftovers, schema, lock, audit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tinydb import TinyDB, where

from store import audit as audit_journal
from store import wal
from store.engine import Database
from store.errors import (
    CorruptDatabase,
    DatabaseClosed,
    DatabaseLocked,
    DatabaseMissing,
    DocumentNotFound,
    SchemaVersionError,
    StoreError,
    WriteFailed,
)

AT = datetime(2025, 5, 16, 10, 0, tzinfo=UTC)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "expe50.json"


@pytest.fixture
def db(path: Path) -> Iterator[Database]:
    database = Database.open(path, schema_version=1)
    yield database
    database.close()


def wal_of(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def audit_of(path: Path) -> Path:
    return path.with_name(path.name + ".audit.jsonl")


def crash_copy(path: Path, dest: Path) -> Path:
    """The files as a kill -9 would leave them right now (the database stays open, nothing compacted)."""
    dest.mkdir()
    for suffix in ("", ".wal", ".audit.jsonl"):
        source = path.with_name(path.name + suffix)
        if source.exists():
            shutil.copy(source, dest / source.name)
    return dest / path.name


# ---- documents ---------------------------------------------------------------------------------------


def test_insert_returns_increasing_ids_and_get_returns_the_doc_with_its_id(db: Database) -> None:
    t = db.table("patients")
    assert t.insert({"code": "P1"}) == 1
    assert t.insert({"code": "P2"}) == 2
    assert t.get(2) == {"code": "P2", "_id": 2}
    assert t.get(3) is None
    assert len(t) == 2


def test_returned_documents_are_copies_and_stored_ones_are_copies_of_the_input(db: Database) -> None:
    t = db.table("patients")
    source: dict[str, Any] = {"code": "P1", "sites": ["A"]}
    doc_id = t.insert(source)
    source["sites"].append("B")
    got = t.get(doc_id)
    assert got is not None
    got["sites"].append("C")
    got["code"] = "changed"
    t.all()[0]["sites"].append("D")
    t.find(code="P1")[0]["sites"].append("E")
    assert t.get(doc_id) == {"code": "P1", "sites": ["A"], "_id": doc_id}


def test_update_sets_fields_and_keeps_the_others(db: Database) -> None:
    t = db.table("adm")
    doc_id = t.insert({"site": "A", "month": "2025-05"})
    t.update(doc_id, {"month": "2025-06", "dose": 2})
    assert t.get(doc_id) == {"site": "A", "month": "2025-06", "dose": 2, "_id": doc_id}


def test_replace_drops_fields_not_given(db: Database) -> None:
    t = db.table("adm")
    doc_id = t.insert({"site": "A", "month": "2025-05"})
    t.replace(doc_id, {"site": "B"})
    assert t.get(doc_id) == {"site": "B", "_id": doc_id}


def test_update_and_remove_of_an_unknown_id_raise_document_not_found(db: Database) -> None:
    t = db.table("adm")
    with pytest.raises(DocumentNotFound, match="no document 7"):
        t.update(7, {"a": 1})
    with pytest.raises(DocumentNotFound):
        t.remove(7)
    with pytest.raises(DocumentNotFound):
        t.replace(7, {"a": 1})


def test_remove_deletes_and_ids_are_never_reused_even_after_reopen(path: Path) -> None:
    with Database.open(path, schema_version=1) as db:
        t = db.table("adm")
        t.insert({"n": 1})
        last = t.insert({"n": 2})
        t.remove(last)
        assert t.get(last) is None
        assert len(t) == 1
    with Database.open(path, schema_version=1) as db:
        assert db.table("adm").insert({"n": 3}) == last + 1


def test_all_returns_every_document_in_id_order(db: Database) -> None:
    t = db.table("adm")
    for n in range(5):
        t.insert({"n": n, "nested": {"k": [n]}} if n % 2 else {"n": n})
    t.update(1, {"n": 10})
    assert [d["_id"] for d in t.all()] == [1, 2, 3, 4, 5]
    assert t.all()[1] == {"n": 1, "nested": {"k": [1]}, "_id": 2}
    assert db.table("empty").all() == []


@pytest.mark.parametrize("indexed", [False, True])
def test_find_matches_equal_fields_with_or_without_an_index(db: Database, indexed: bool) -> None:
    t = db.table("adm")
    if indexed:
        t.ensure_index("site")
        t.ensure_index("site", "month")
    a = t.insert({"site": "A", "month": "2025-05", "tags": [1]})
    b = t.insert({"site": "B", "month": "2025-05"})
    c = t.insert({"site": "A", "month": "2025-06", "note": None})
    d = t.insert({"month": "2025-06"})
    assert [x["_id"] for x in t.find(site="A")] == [a, c]
    assert [x["_id"] for x in t.find(site="A", month="2025-06")] == [c]
    assert [x["_id"] for x in t.find(month="2025-05")] == [a, b]
    assert [x["_id"] for x in t.find(note=None)] == [c]  # a missing field is not null
    assert [x["_id"] for x in t.find(tags=[1])] == [a]
    assert t.find(site="Z") == []
    assert len(t.find()) == 4
    t.update(a, {"site": "B"})
    t.remove(c)
    assert t.find(site="A") == []
    assert [x["_id"] for x in t.find(site="B")] == [a, b]
    assert t.find_one(site="B", month="2025-05") == t.get(a)
    assert t.find_one(site="Z") is None
    assert t.count(site="B") == 2
    assert t.get(d) is not None


def test_index_built_after_the_data_covers_existing_documents(db: Database) -> None:
    t = db.table("adm")
    ids = [t.insert({"site": "ABC"[n % 3]}) for n in range(9)]
    t.ensure_index("site")
    t.ensure_index("site")  # idempotent
    assert [x["_id"] for x in t.find(site="B")] == ids[1::3]


def test_search_accepts_tinydb_queries(db: Database) -> None:
    t = db.table("adm")
    t.insert({"site": "A", "dose": 1})
    t.insert({"site": "B", "dose": 3})
    assert [d["site"] for d in t.search(where("dose") > 2)] == ["B"]


def test_upsert_key_inserts_then_updates_the_document_with_that_key(db: Database) -> None:
    t = db.table("patients")
    first = t.upsert_key("code", {"code": "P1", "site": "A"})
    again = t.upsert_key("code", {"code": "P1", "site": "B"})
    assert first == again
    assert t.all() == [{"code": "P1", "site": "B", "_id": first}]
    t.insert({"code": "P2"})
    t.insert({"code": "P2"})
    with pytest.raises(StoreError, match="not a key"):
        t.upsert_key("code", {"code": "P2"})
    with pytest.raises(ValueError, match="no 'code'"):
        t.upsert_key("code", {"site": "A"})


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        ({"when": date(2025, 5, 16)}, TypeError),
        ({"amount": Decimal("320.00")}, TypeError),
        ({"codes": {"P1"}}, TypeError),
        ({"pair": (1, 2)}, TypeError),
        ({"x": float("nan")}, TypeError),
        ({"deep": {"list": [1, {"k": object()}]}}, TypeError),
        ({1: "non-string key"}, TypeError),
        ({"_id": 4}, ValueError),
    ],
)
def test_only_json_values_are_accepted_and_nothing_is_stored_otherwise(
    db: Database, doc: dict[Any, Any], error: type[Exception]
) -> None:
    t = db.table("adm")
    keep = t.insert({"ok": True})
    with pytest.raises(error):
        t.insert(doc)
    with pytest.raises(error):
        t.update(keep, doc)
    assert t.all() == [{"ok": True, "_id": keep}]


def test_table_names_starting_with_underscore_are_reserved(db: Database) -> None:
    with pytest.raises(ValueError):
        db.table("_meta")
    with pytest.raises(ValueError):
        db.table("")


def test_concurrent_threads_each_get_their_own_writes(db: Database) -> None:
    t = db.table("adm")
    t.ensure_index("thread")

    def write(name: str) -> None:
        for n in range(50):
            with db.batch():
                t.insert({"thread": name, "n": n})
                t.insert({"thread": name, "n": -n})

    threads = [threading.Thread(target=write, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(t) == 400
    assert all(len(t.find(thread=f"t{i}")) == 100 for i in range(4))


# ---- batches -----------------------------------------------------------------------------------------


def test_a_batch_is_one_journal_record(db: Database, path: Path) -> None:
    t = db.table("adm")
    with db.batch():
        t.insert({"n": 1})
        t.insert({"n": 2})
        with db.batch():  # joins the outer batch
            t.update(1, {"n": 3})
        assert wal_of(path).read_bytes() == b""  # nothing written before the outer batch ends
    assert len(wal_of(path).read_bytes().splitlines()) == 1


def test_an_exception_in_a_batch_rolls_everything_back(db: Database, path: Path) -> None:
    t = db.table("adm")
    t.ensure_index("site")
    kept = t.insert({"site": "A"})
    with pytest.raises(RuntimeError), db.batch():
        t.update(kept, {"site": "B"})
        t.insert({"site": "C"})
        t.remove(kept)
        db.audit(actor="m1", channel="console", action="x", detail={}, at=AT)
        raise RuntimeError("boom")
    assert t.all() == [{"site": "A", "_id": kept}]
    assert [d["_id"] for d in t.find(site="A")] == [kept]
    assert t.find(site="B") == t.find(site="C") == []
    assert t.insert({"site": "D"}) == kept + 1  # the rolled-back id is free again
    assert audit_of(path).read_bytes() == b""
    assert len(wal_of(path).read_bytes().splitlines()) == 2


def test_a_failed_nested_batch_caught_by_the_outer_one_undoes_only_its_own_writes(db: Database) -> None:
    t = db.table("adm")
    with db.batch():
        t.insert({"n": 1})
        with pytest.raises(KeyError), db.batch():
            t.insert({"n": 2})
            raise KeyError("inner")
        t.insert({"n": 3})
    assert [d["n"] for d in t.all()] == [1, 3]


# ---- reopening, crashes, compaction -----------------------------------------------------------------


def test_data_survives_close_and_the_snapshot_is_plain_tinydb(path: Path) -> None:
    with Database.open(path, schema_version=1) as db:
        db.table("adm").insert({"site": "A", "nested": {"l": [1, 2]}})
        db.table("patients").insert({"code": "P1"})
    assert wal_of(path).read_bytes() == b""  # close compacted
    plain = TinyDB(path, access_mode="r")
    assert plain.table("adm").all() == [{"site": "A", "nested": {"l": [1, 2]}}]
    assert plain.table("patients").get(doc_id=1) == {"code": "P1"}
    plain.close()
    with Database.open(path, schema_version=1) as db:
        assert db.table("adm").all() == [{"site": "A", "nested": {"l": [1, 2]}, "_id": 1}]
        assert db.table_names() == ["adm", "patients"]


def test_a_crash_without_close_keeps_every_returned_write(db: Database, path: Path, tmp_path: Path) -> None:
    t = db.table("adm")
    a = t.insert({"n": 1})
    t.update(a, {"n": 2})
    b = t.insert({"n": 3})
    t.remove(b)
    with db.batch():
        t.insert({"n": 4})
        db.audit(actor="m1", channel="slack", action="add", detail={"n": 4}, at=AT)
    copy = crash_copy(path, tmp_path / "crashed")
    with Database.open(copy, schema_version=1) as reopened:
        assert reopened.table("adm").all() == [{"n": 2, "_id": a}, {"n": 4, "_id": b + 1}]
        assert reopened.table("adm").insert({"n": 5}) == b + 2


@pytest.mark.parametrize("tail", [b'0badc0de {"seq": 9', b"\x00\x00\x00\x00", b"zz\n", b"00000000 {}\n"])
def test_a_torn_journal_tail_is_dropped_and_writing_goes_on(
    db: Database, path: Path, tmp_path: Path, tail: bytes
) -> None:
    db.table("adm").insert({"n": 1})
    copy = crash_copy(path, tmp_path / "crashed")
    with open(wal_of(copy), "ab") as handle:
        handle.write(tail)
    reopened = Database.open(copy, schema_version=1)
    assert wal_of(copy).read_bytes().endswith(b"\n")  # the garbage is gone
    reopened.table("adm").insert({"n": 2})
    second = crash_copy(copy, tmp_path / "again")
    reopened.close()
    with Database.open(second, schema_version=1) as again:
        assert [d["n"] for d in again.table("adm").all()] == [1, 2]


def test_damage_before_valid_journal_records_refuses_to_load(
    db: Database, path: Path, tmp_path: Path
) -> None:
    t = db.table("adm")
    for n in range(3):
        t.insert({"n": n})
    copy = crash_copy(path, tmp_path / "crashed")
    lines = wal_of(copy).read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"n":1', b'"n":7')  # checksum no longer matches
    wal_of(copy).write_bytes(b"".join(lines))
    with pytest.raises(CorruptDatabase, match="damaged record"):
        Database.open(copy, schema_version=1)


def test_a_missing_journal_record_refuses_to_load(db: Database, path: Path, tmp_path: Path) -> None:
    t = db.table("adm")
    for n in range(3):
        t.insert({"n": n})
    copy = crash_copy(path, tmp_path / "crashed")
    lines = wal_of(copy).read_bytes().splitlines(keepends=True)
    wal_of(copy).write_bytes(lines[0] + lines[2])
    with pytest.raises(CorruptDatabase, match="records are missing"):
        Database.open(copy, schema_version=1)


def test_a_compaction_cut_before_emptying_the_journal_replays_nothing_twice(
    db: Database, path: Path, tmp_path: Path
) -> None:
    t = db.table("adm")
    gone = t.insert({"n": 1})
    t.insert({"n": 2})
    t.remove(gone)
    stale = wal_of(path).read_bytes()
    db.compact()
    assert wal_of(path).read_bytes() == b""
    t.insert({"n": 3})
    copy = crash_copy(path, tmp_path / "crashed")
    wal_of(copy).write_bytes(stale + wal_of(copy).read_bytes())  # as if the truncation never happened
    with Database.open(copy, schema_version=1) as reopened:
        assert [d["n"] for d in reopened.table("adm").all()] == [2, 3]


def test_compaction_keeps_the_data_and_runs_by_itself_when_the_journal_grows(path: Path) -> None:
    with Database.open(path, schema_version=1, compact_min_bytes=2000, compact_ratio=0.5) as db:
        t = db.table("adm")
        for n in range(200):
            t.insert({"n": n, "pad": "x" * 50})
            assert wal_of(path).stat().st_size <= max(2000, path.stat().st_size * 0.5) + 200
        assert path.stat().st_size > 200 * 50  # the snapshot took the data
        db.compact()
        assert [d["n"] for d in t.all()] == list(range(200))
    with Database.open(path, schema_version=1) as db:
        assert [d["n"] for d in db.table("adm").all()] == list(range(200))


def test_an_unreadable_snapshot_or_an_orphan_journal_is_corrupt(path: Path) -> None:
    path.write_text('{"adm": {"1": ')
    with pytest.raises(CorruptDatabase, match="not valid JSON"):
        Database.open(path, schema_version=1)
    path.unlink()
    wal_of(path).write_text("whatever\n")
    with pytest.raises(CorruptDatabase, match="journal"):
        Database.open(path, schema_version=1)


def test_a_closed_database_refuses_work(path: Path) -> None:
    db = Database.open(path, schema_version=1)
    t = db.table("adm")
    db.close()
    db.close()
    with pytest.raises(DatabaseClosed):
        t.insert({"n": 1})
    with pytest.raises(DatabaseClosed):
        t.all()


def test_create_false_refuses_a_missing_database(path: Path) -> None:
    with pytest.raises(DatabaseMissing, match=str(path)):
        Database.open(path, schema_version=1, create=False)
    assert not path.exists()


# ---- schema version ------------------------------------------------------------------------------------


def test_the_schema_version_is_stored_and_a_different_one_refuses_to_load(path: Path) -> None:
    with Database.open(path, schema_version=2) as db:
        assert db.schema_version == 2
        db.table("adm").insert({"n": 1})
    assert json.loads(path.read_text())["_meta"]["1"]["schema_version"] == 2
    with pytest.raises(SchemaVersionError, match="newer"):
        Database.open(path, schema_version=1)
    with pytest.raises(SchemaVersionError, match="no migration"):
        Database.open(path, schema_version=3)
    with Database.open(path, schema_version=2) as db:  # the refusals released the lock
        assert len(db.table("adm")) == 1


def test_a_file_without_a_schema_version_refuses_to_load(path: Path) -> None:
    plain = TinyDB(path)
    plain.table("adm").insert({"n": 1})
    plain.close()
    with pytest.raises(SchemaVersionError, match="no schema version"):
        Database.open(path, schema_version=1)


def test_registered_migrations_run_in_order_and_bump_the_version(path: Path) -> None:
    with Database.open(path, schema_version=1) as db:
        db.table("adm").insert({"dose": 1})

    def to_2(db: Database) -> None:
        for doc in db.table("adm").all():
            db.table("adm").update(doc["_id"], {"dose": str(doc["dose"])})

    def to_3(db: Database) -> None:
        db.table("adm").insert({"dose": "new"})

    with Database.open(path, schema_version=3, migrations={1: to_2, 2: to_3}) as db:
        assert db.schema_version == 3
        assert [d["dose"] for d in db.table("adm").all()] == ["1", "new"]
    with Database.open(path, schema_version=3) as db:
        assert db.schema_version == 3


def test_a_failing_migration_changes_nothing(path: Path) -> None:
    with Database.open(path, schema_version=1) as db:
        db.table("adm").insert({"dose": 1})

    def broken(db: Database) -> None:
        db.table("adm").insert({"dose": 2})
        raise RuntimeError("bad migration")

    with pytest.raises(RuntimeError):
        Database.open(path, schema_version=2, migrations={1: broken})
    with Database.open(path, schema_version=1) as db:
        assert [d["dose"] for d in db.table("adm").all()] == [1]


# ---- single writer -------------------------------------------------------------------------------------


def test_a_second_open_in_the_same_process_is_refused(db: Database, path: Path) -> None:
    with pytest.raises(DatabaseLocked, match="already open") as refused:
        Database.open(path, schema_version=1)
    assert str(path) in str(refused.value)


_HOLD = """
import sys, time
from store.engine import Database
db = Database.open(sys.argv[1], schema_version=1)
print("open", flush=True)
time.sleep(60)
"""

_TRY = """
import sys
from store.engine import Database
from store.errors import DatabaseLocked
try:
    Database.open(sys.argv[1], schema_version=1).close()
    print("opened")
except DatabaseLocked as error:
    print("refused:", error)
"""


def _try_open(path: Path) -> str:
    done = subprocess.run([sys.executable, "-c", _TRY, str(path)], capture_output=True, text=True, timeout=30)
    return done.stdout.strip()


def test_a_second_process_is_refused_with_a_clear_message_until_the_first_is_gone(path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open"
        message = _try_open(path)
        assert message.startswith("refused:")
        assert str(path) in message
        assert f"pid {holder.pid}" in message
        with pytest.raises(DatabaseLocked):
            Database.open(path, schema_version=1)
    finally:
        holder.kill()  # SIGKILL: the kernel drops the flock with the process
        holder.wait()
    assert _try_open(path) == "opened"


# ---- audit journal ------------------------------------------------------------------------------------


def test_audit_entries_say_who_when_where_what_in_order(db: Database, path: Path) -> None:
    t = db.table("adm")
    with db.batch():
        t.insert({"n": 1})
        db.audit(actor="U123", channel="slack", action="adm.add", detail={"ref": "M-1"}, at=AT)
    db.audit(actor="ars@example.fr", channel="mail", action="report", detail={}, at=AT)
    assert list(audit_journal.read(db.audit_path)) == [
        {
            "seq": 1,
            "at": "2025-05-16T10:00:00+00:00",
            "actor": "U123",
            "channel": "slack",
            "action": "adm.add",
            "detail": {"ref": "M-1"},
        },
        {
            "seq": 2,
            "at": "2025-05-16T10:00:00+00:00",
            "actor": "ars@example.fr",
            "channel": "mail",
            "action": "report",
            "detail": {},
        },
    ]
    assert db.audit_path == audit_of(path)


def test_audit_refuses_naive_times_empty_names_and_non_json_details(db: Database) -> None:
    with pytest.raises(ValueError, match="timezone"):
        db.audit(actor="a", channel="c", action="x", detail={}, at=datetime(2025, 5, 16))
    with pytest.raises(ValueError, match="actor"):
        db.audit(actor="", channel="c", action="x", detail={}, at=AT)
    with pytest.raises(TypeError):
        db.audit(actor="a", channel="c", action="x", detail={"amount": Decimal(1)}, at=AT)
    assert list(audit_journal.read(db.audit_path)) == []


def test_audit_entries_lost_by_a_crash_after_the_journal_write_are_restored_once(
    db: Database, path: Path, tmp_path: Path
) -> None:
    for n in range(3):
        with db.batch():
            db.table("adm").insert({"n": n})
            db.audit(actor="a", channel="console", action="add", detail={"n": n}, at=AT)
    copy = crash_copy(path, tmp_path / "crashed")
    lines = audit_of(copy).read_bytes().splitlines(keepends=True)
    audit_of(copy).write_bytes(lines[0] + lines[1][:10])  # died while appending the 2nd entry
    for _ in range(2):
        with Database.open(copy, schema_version=1):
            pass
    assert [e["detail"]["n"] for e in audit_journal.read(audit_of(copy))] == [0, 1, 2]
    assert [e["seq"] for e in audit_journal.read(audit_of(copy))] == [1, 2, 3]


def test_an_audit_journal_missing_compacted_entries_refuses_to_load(path: Path) -> None:
    with Database.open(path, schema_version=1) as db:
        db.audit(actor="a", channel="console", action="x", detail={}, at=AT)
    audit_of(path).write_bytes(b"")
    with pytest.raises(CorruptDatabase, match="audit journal"):
        Database.open(path, schema_version=1)


# ---- I/O failures ------------------------------------------------------------------------------------


def test_a_journal_write_failure_reports_the_write_failed_undoes_it_and_the_next_write_works(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database.open(path, schema_version=1)
    t = db.table("adm")
    t.insert({"n": 1})

    def failing_sync(fd: int) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(wal, "sync", failing_sync)
    with pytest.raises(WriteFailed, match="I/O error") as failure:
        t.insert({"n": 2})
    assert failure.value.errno == 5 and failure.value.path.endswith(".wal")
    monkeypatch.undo()
    assert [d["n"] for d in t.all()] == [1]
    t.insert({"n": 3})  # the cause is gone: writing works again, no restart needed
    db.close()
    with Database.open(path, schema_version=1) as again:
        assert [d["n"] for d in again.table("adm").all()] == [1, 3]


def test_an_audit_append_failure_does_not_fail_a_durable_write_and_is_caught_up(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database.open(path, schema_version=1)
    real_write_all = wal.write_all
    audit_fd = os.open(audit_of(path), os.O_RDONLY)
    audit_inode = os.fstat(audit_fd).st_ino
    os.close(audit_fd)

    def failing_for_audit(fd: int, data: bytes) -> None:
        if os.fstat(fd).st_ino == audit_inode:
            real_write_all(fd, data[:5])  # a torn half line, then the failure
            raise OSError(28, "No space left on device")
        real_write_all(fd, data)

    monkeypatch.setattr(wal, "write_all", failing_for_audit)
    db.audit(actor="a", channel="console", action="first", detail={}, at=AT)  # no exception: it is durable
    db.close()  # cannot compact: the journal is the only copy of the entry
    assert wal_of(path).read_bytes() != b""
    assert audit_of(path).read_bytes() == b""
    monkeypatch.undo()
    with Database.open(path, schema_version=1) as again:
        again.audit(actor="a", channel="console", action="second", detail={}, at=AT)
    assert [(e["seq"], e["action"]) for e in audit_journal.read(audit_of(path))] == [
        (1, "first"),
        (2, "second"),
    ]


def test_an_audit_append_failure_is_caught_up_by_the_next_write(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database.open(path, schema_version=1)
    calls = {"n": 0}
    real_fsync = os.fsync

    def fail_once(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError(5, "I/O error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fail_once)
    db.audit(actor="a", channel="console", action="first", detail={}, at=AT)
    db.audit(actor="a", channel="console", action="second", detail={}, at=AT)
    monkeypatch.undo()
    db.close()
    assert [e["action"] for e in audit_journal.read(audit_of(path))] == ["first", "second"]


def test_a_failed_automatic_compaction_does_not_fail_the_write(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database.open(path, schema_version=1, compact_min_bytes=500, compact_ratio=0.1)
    t = db.table("adm")

    def no_rename(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    for n in range(20):
        t.insert({"n": n, "pad": "x" * 50})
    monkeypatch.undo()
    assert wal_of(path).stat().st_size > 500  # nothing compacted, nothing lost
    for n in range(20, 60):
        t.insert({"n": n, "pad": "x" * 50})
    assert wal_of(path).stat().st_size < 2000  # compaction resumed
    db.close()
    with Database.open(path, schema_version=1) as again:
        assert [d["n"] for d in again.table("adm").all()] == list(range(60))
