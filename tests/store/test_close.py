"""Closing a big database after a small write does not rewrite its snapshot (a one-shot command on a 26 MB
region must not spend seconds and 26 MB of disk at close); the journal keeps the write, found at the next
open; a small database, or a journal grown to a sizeable share of the snapshot, is compacted at close."""

from __future__ import annotations

from pathlib import Path

from store.engine import CLOSE_COMPACT_SNAPSHOT_BYTES, Database


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def test_a_small_write_on_a_big_database_leaves_the_snapshot_alone_and_survives_reopening(
    tmp_path: Path,
) -> None:
    path = tmp_path / "big.json"
    db = Database.open(path, schema_version=1)
    with db.batch():
        for n in range(CLOSE_COMPACT_SNAPSHOT_BYTES // 200 + 100):
            db.table("rows").insert({"n": n, "text": "x" * 200})
    db.compact()
    snapshot = path.stat().st_mtime_ns, path.stat().st_size
    assert snapshot[1] > CLOSE_COMPACT_SNAPSHOT_BYTES
    with db.batch():
        db.table("rows").insert({"n": -1, "text": "the one-shot write"})
    db.close()
    assert (path.stat().st_mtime_ns, path.stat().st_size) == snapshot  # not rewritten
    assert _wal(path).stat().st_size > 0  # the write is in the journal
    again = Database.open(path, schema_version=1)
    try:
        assert again.table("rows").find_one(n=-1) is not None
    finally:
        again.close()


def test_a_small_database_is_compacted_at_close(tmp_path: Path) -> None:
    path = tmp_path / "small.json"
    db = Database.open(path, schema_version=1)
    with db.batch():
        db.table("rows").insert({"n": 1})
    db.close()
    assert _wal(path).read_bytes() == b""
