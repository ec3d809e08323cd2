"""A durable, single-writer document store on TinyDB's file format.

Why not TinyDB's own write path: `tinydb.Table.insert` re-reads and re-writes the whole table (and, with
JSONStorage, the whole file) on every write, so a write costs O(data). Here:

* the documents live in memory, in plain dicts keyed by id, with hash indexes the caller declares
  (`Table.ensure_index`), so a write or a lookup by an indexed field costs O(1) / O(result);
* ``<path>`` is a snapshot in TinyDB's JSON layout (``{"table": {"1": {...}}}``), written and read through
  `tinydb.storages.JSONStorage`, so ``TinyDB(path)`` opens it and TinyDB queries work on the documents
  (`Table.search(where("site") == "X")`);
* ``<path>.wal`` is a write-ahead journal (see `store.wal`): each committed batch is one checksummed line,
  appended and fsynced before the call returns — an acknowledged write is durable;
* the snapshot is rewritten (temp file, fsync, rename, fsync of the directory, then the journal is
  truncated) when the journal outgrows a fraction of the snapshot, and on close, so the amortised cost of
  a write does not grow with the data;
* ``<path>.audit.jsonl`` is the append-only audit journal (see `store.audit`);
* ``<path>.lock`` holds an exclusive flock: one writer.

Documents are JSON values only; every stored document is a private copy that is never mutated in place
(an update stores a new dict), so reads hand out cheap copies and the journal can reference documents.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb.storages import JSONStorage

from store import audit as audit_journal
from store import wal
from store.errors import (
    CorruptDatabase,
    DatabaseClosed,
    DatabaseMissing,
    DocumentNotFound,
    SchemaVersionError,
    StoreError,
    WriteFailed,
)
from store.lock import WriterLock

Doc = dict[str, Any]
Migration = Callable[["Database"], None]

META_TABLE = "_meta"
DEFAULT_COMPACT_MIN_BYTES = 4 * 1024 * 1024
DEFAULT_COMPACT_RATIO = 1.0
# At close: always compact a snapshot under 1 MiB (milliseconds); a bigger one only when the journal is at
# least 1/8 of it (replaying that at the next open would cost about as much as the rewrite).
CLOSE_COMPACT_SNAPSHOT_BYTES = 1024 * 1024
CLOSE_COMPACT_SHARE = 8

_log = logging.getLogger(__name__)
_MISSING = object()  # an indexed field absent from a document: distinct from a stored null


@dataclass
class _TableData:
    docs: dict[int, Doc] = field(default_factory=dict)
    nested: set[int] = field(default_factory=set)  # ids whose documents hold lists/dicts (need deep copies)
    next_id: int = 1
    indexes: dict[tuple[str, ...], dict[Hashable, dict[int, None]]] = field(default_factory=dict)


@dataclass
class _Mark:
    """Where a (possibly nested) batch started, to roll back to."""

    undo: int
    ops: int
    audit: int
    next_ids: dict[str, int]
    schema_version: int


# --------------------------------------------------------------------------------------------------------
# JSON-only values


def _clean(value: Any, where: str) -> tuple[Any, bool]:
    """A private copy of a JSON value, and whether it holds containers; TypeError for anything else."""
    if value is None or isinstance(value, str | bool | int):
        return value, False
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{where}: {value!r} is not a JSON number")
        return value, False
    if isinstance(value, list):
        return [_clean(item, f"{where}[{i}]")[0] for i, item in enumerate(value)], True
    if isinstance(value, dict):
        copy: Doc = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: key {key!r} is not a string")
            copy[key] = _clean(item, f"{where}.{key}")[0]
        return copy, True
    raise TypeError(
        f"{where}: {type(value).__name__} is not a JSON type "
        "(convert dates to ISO strings and Decimals to strings first)"
    )


def _clean_fields(fields: Mapping[str, Any], what: str) -> tuple[Doc, bool]:
    if not isinstance(fields, Mapping):
        raise TypeError(f"{what} must be a dict, not {type(fields).__name__}")
    copy: Doc = {}
    nested = False
    for key, value in fields.items():
        if not isinstance(key, str):
            raise TypeError(f"{what}: key {key!r} is not a string")
        if key == "_id":
            raise ValueError(
                f"{what}: '_id' is reserved (it is the document id, never stored in the document)"
            )
        copy[key], deep = _clean(value, f"{what}.{key}")
        nested = nested or deep
    return copy, nested


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value


def _has_containers(doc: Doc) -> bool:
    return any(isinstance(value, dict | list) for value in doc.values())


def _index_key(value: Any) -> Hashable:
    if isinstance(value, dict | list):
        # Unhashable JSON values index by their canonical text; equal values give equal text.
        return ("\x00json", json.dumps(value, sort_keys=True))
    return value  # type: ignore[no-any-return]


# --------------------------------------------------------------------------------------------------------
# Snapshot checksum


# What a snapshot's meta held before checksums: such a file loads without one; any other key set without a
# checksum is a damaged file (a changed byte in the word "checksum" must not pass for an old snapshot).
_LEGACY_META = frozenset({"schema_version", "last_seq", "audit_seq", "next_ids"})


def _snapshot_parts(meta: Mapping[str, Any], tables: Mapping[str, Any]) -> list[str]:
    """The canonical text the checksum covers: the meta (without its checksum), then each table as
    `"name":{...}` in file order. Re-serialising what was read gives the same text (JSON round-trips)."""
    parts = [json.dumps(dict(meta), ensure_ascii=False, sort_keys=True)]
    parts.extend(
        json.dumps(name) + ":" + json.dumps(docs, ensure_ascii=False) for name, docs in tables.items()
    )
    return parts


def _digest(parts: list[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\n")
    return "sha256:" + digest.hexdigest()


def _snapshot_checksum(meta: Mapping[str, Any], tables: Mapping[str, Any]) -> str:
    return _digest(_snapshot_parts(meta, tables))


# --------------------------------------------------------------------------------------------------------


class Database:
    """One open database: the single writer of its files. Use `Database.open`, then `close` (or `with`)."""

    def __init__(self, path: Path, *, compact_min_bytes: int, compact_ratio: float) -> None:
        # Private: `open` builds a fully loaded instance.
        self._path = path
        self._wal_path = path.with_name(path.name + ".wal")
        self._audit_path = path.with_name(path.name + ".audit.jsonl")
        self._lock_file = WriterLock(path.with_name(path.name + ".lock"), path)
        self._compact_min_bytes = compact_min_bytes
        self._compact_ratio = compact_ratio
        self._mutex = threading.RLock()
        self._tables: dict[str, _TableData] = {}
        self._schema_version = 0
        self._seq = 0  # last journal record committed
        self._audit_seq = 0  # last audit entry committed
        self._snapshot_bytes = 0
        self._wal_fd: int | None = None
        self._wal_size = 0
        self._audit_fd: int | None = None
        self._closed = True
        self._broken: str | None = None
        self._wal_dirty = (
            False  # a failed append may have left bytes past _wal_size: cut them before the next
        )
        self._audit_backlog: list[Doc] = []  # committed entries not yet appended to the audit journal
        self._compact_retry_at = 0
        self._depth = 0
        self._undo: list[tuple[str, int, Doc | None, bool]] = []
        self._ops: list[wal.Op] = []
        self._pending_audit: list[Doc] = []
        self._allow_audit_gap = False
        self.audit_gap: tuple[int, int] | None = None  # (last entry on file, entries recorded) when allowed

    # ---- opening and closing ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        schema_version: int,
        create: bool = True,
        migrations: Mapping[int, Migration] | None = None,
        compact_min_bytes: int = DEFAULT_COMPACT_MIN_BYTES,
        compact_ratio: float = DEFAULT_COMPACT_RATIO,
        allow_audit_gap: bool = False,
    ) -> Database:
        """Lock, load (snapshot + journal), repair the audit journal, check the schema version.

        `allow_audit_gap` (for `expe50 repair` only): an audit journal shorter than the data is not refused;
        `audit_gap` then says which entries are missing, and `rebuild_audit` replaces the journal.

        `migrations[v]` upgrades a database from version v to v + 1; all needed steps run as one atomic
        batch. Without them an older version is refused, like a newer one: never guess a layout.
        """
        db = cls(Path(path), compact_min_bytes=compact_min_bytes, compact_ratio=compact_ratio)
        db._allow_audit_gap = allow_audit_gap
        db._lock_file.acquire()
        try:
            db._load(schema_version, create)
            db._closed = False
            db._migrate(schema_version, migrations or {})
        except BaseException:
            db._release()
            raise
        return db

    def _load(self, wanted: int, create: bool) -> None:
        wal_exists = self._wal_path.exists() and self._wal_path.stat().st_size > 0
        if not self._path.exists():
            if wal_exists:
                raise CorruptDatabase(
                    f"database {self._path} is missing but its journal {self._wal_path} is not empty"
                )
            if not self._path.parent.is_dir():
                raise DatabaseMissing(f"directory {self._path.parent} does not exist")
            if not create:
                raise DatabaseMissing(f"database {self._path} does not exist")
            if self._audit_path.exists() and self._audit_path.stat().st_size > 0:
                raise CorruptDatabase(
                    f"database {self._path} is missing but its audit journal {self._audit_path} is not "
                    "empty; restore the database or move the old journal away"
                )
            self._schema_version = wanted
            self._open_files()
            self._write_snapshot()
            return
        # A compaction cut before its rename leaves a temp file; the snapshot it was writing is not needed.
        self._path.with_name(self._path.name + ".tmp").unlink(missing_ok=True)
        snapshot_seq, audit_seq = self._read_snapshot()
        self._seq = snapshot_seq
        self._audit_seq = audit_seq
        journal = wal.read(self._wal_path)
        replayed_audit: list[Doc] = []
        for record in journal.records:
            replayed_audit.extend(record.audit)
            if record.seq <= snapshot_seq:
                continue  # already in the snapshot: a compaction was cut before truncating the journal
            if record.seq != self._seq + 1:
                raise CorruptDatabase(
                    f"journal {self._wal_path} starts at record {record.seq} but the snapshot ends at "
                    f"{self._seq}; records are missing"
                )
            self._replay(record)
            self._seq = record.seq
        for entry in replayed_audit:
            self._audit_seq = max(self._audit_seq, int(entry["seq"]))
        self._open_files()
        assert self._wal_fd is not None
        if journal.torn:
            # Drop the torn tail (a write that was never acknowledged) so new records follow valid ones.
            os.ftruncate(self._wal_fd, journal.valid_size)
            wal.sync(self._wal_fd)
        self._wal_size = journal.valid_size
        self._repair_audit(replayed_audit)

    def _read_snapshot(self) -> tuple[int, int]:
        storage = JSONStorage(str(self._path), access_mode="r", encoding="utf-8")
        try:
            raw = storage.read()
        except ValueError as error:
            raise CorruptDatabase(
                f"database {self._path} is not valid JSON ({error})", path=self._path, cause="json"
            ) from None
        finally:
            storage.close()
        self._snapshot_bytes = self._path.stat().st_size
        if not isinstance(raw, dict):
            raise CorruptDatabase(f"database {self._path} is empty or not a TinyDB file", path=self._path)
        meta_table = raw.pop(META_TABLE, {})
        meta = meta_table.get("1") if isinstance(meta_table, dict) else None
        if not isinstance(meta, dict) or not isinstance(meta.get("schema_version"), int):
            raise SchemaVersionError(
                f"database {self._path} stores no schema version; refusing to guess its layout"
            )
        stored = meta.pop("checksum", None)
        if stored is None and not set(meta) <= _LEGACY_META:
            raise CorruptDatabase(
                f"database {self._path} has no readable checksum (meta keys {sorted(meta)})",
                path=self._path,
                cause="checksum",
            )
        if stored is not None:
            # Snapshots written before checksums have none: they load as before and gain one at the next
            # compaction. With one, a single changed byte is refused instead of loading wrong data.
            actual = _snapshot_checksum(meta, raw)
            if stored != actual:
                raise CorruptDatabase(
                    f"database {self._path} does not match its checksum (stored {stored}, computed "
                    f"{actual}): the file was changed or damaged after it was written",
                    path=self._path,
                    cause="checksum",
                )
        self._schema_version = meta["schema_version"]
        next_ids: dict[str, int] = meta.get("next_ids", {})
        try:
            for name, docs in raw.items():
                data = _TableData()
                for key, doc in docs.items():
                    doc_id = int(key)
                    data.docs[doc_id] = doc
                    if _has_containers(doc):
                        data.nested.add(doc_id)
                data.next_id = max([next_ids.get(name, 1), *(i + 1 for i in data.docs)])
                self._tables[name] = data
        except (AttributeError, ValueError, TypeError) as error:
            raise CorruptDatabase(f"database {self._path} has a malformed table ({error})") from None
        try:
            return int(meta.get("last_seq", 0)), int(meta.get("audit_seq", 0))
        except (ValueError, TypeError) as error:
            raise CorruptDatabase(f"database {self._path} has a malformed header ({error})") from None

    def _replay(self, record: wal.Record) -> None:
        for op in record.ops:
            kind = op[0]
            if kind == "p":
                _, name, doc_id, doc = op
                self._store(name, doc_id, doc, _has_containers(doc))
            elif kind == "d":
                _, name, doc_id = op
                self._drop(name, doc_id)
            elif kind == "v":
                self._schema_version = int(op[1])
            else:
                raise CorruptDatabase(f"journal {self._wal_path}: unknown operation {kind!r}")

    def _open_files(self) -> None:
        created = not self._wal_path.exists() or not self._audit_path.exists()
        self._wal_fd = os.open(self._wal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._audit_fd = os.open(self._audit_path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        if created:
            wal.fsync_dir(self._path.parent)

    def _repair_audit(self, replayed: list[Doc]) -> None:
        """Append the audit entries a crash kept out of the audit journal; refuse if entries are lost."""
        assert self._audit_fd is not None
        on_file = audit_journal.last_seq(self._audit_fd, self._audit_path)
        missing = [entry for entry in replayed if int(entry["seq"]) > on_file]
        expected = on_file + 1
        for entry in missing:
            if int(entry["seq"]) != expected:
                break
            expected += 1
        else:
            if missing:
                wal.write_all(self._audit_fd, b"".join(audit_journal.encode(e) for e in missing))
                os.fsync(self._audit_fd)
            on_file = expected - 1
        if on_file < self._audit_seq and self._allow_audit_gap:
            self.audit_gap = (on_file, self._audit_seq)
            return
        if on_file != self._audit_seq:
            raise CorruptDatabase(
                f"audit journal {self._audit_path} ends at entry {on_file} but the database has recorded "
                f"{self._audit_seq} entries; refusing to continue with an inconsistent audit trail",
                path=self._audit_path,
                cause="audit_short" if on_file < self._audit_seq else "audit_long",
                repairable=on_file < self._audit_seq,
            )

    def _migrate(self, wanted: int, migrations: Mapping[int, Migration]) -> None:
        stored = self._schema_version
        if stored == wanted:
            return
        if stored > wanted:
            raise SchemaVersionError(
                f"database {self._path} has schema version {stored}, newer than this program's {wanted}; "
                "upgrade the program"
            )
        steps = range(stored, wanted)
        absent = [v for v in steps if v not in migrations]
        if absent:
            raise SchemaVersionError(
                f"database {self._path} has schema version {stored}, older than {wanted}, and no "
                f"migration is registered from version {absent[0]}"
            )
        with self.batch():
            for version in steps:
                migrations[version](self)
                self._schema_version = version + 1
                self._ops.append(["v", version + 1])
        self.compact()

    def close(self) -> None:
        """Release the lock, compacting first only when the journal is worth it. Safe to call twice.

        A one-shot command that wrote one record must not rewrite a 26 MB snapshot (seconds, and that much
        free disk) to save the next open from replaying a kilobyte: close compacts a small database (cheap)
        or a journal that is a sizeable share of the snapshot; otherwise the journal waits for the size-based
        compaction of a later commit."""
        with self._mutex:
            if self._closed:
                return
            if self._depth:
                raise StoreError("cannot close the database inside a batch")
            try:
                if self._broken is None and self._flush_audit() and self._worth_compacting_at_close():
                    self.compact()
            except OSError as error:
                # Nothing is lost: every acknowledged write is in the fsynced journal, replayed at the next
                # open. A full disk at close must not turn a finished command into a failure.
                _log.warning(
                    "compaction of %s at close failed, the journal keeps every write: %s", self._path, error
                )
            finally:
                self._closed = True
                self._release()

    def _worth_compacting_at_close(self) -> bool:
        if self._wal_size == 0:
            return False
        small = self._snapshot_bytes < CLOSE_COMPACT_SNAPSHOT_BYTES
        return small or self._wal_size * CLOSE_COMPACT_SHARE >= self._snapshot_bytes

    def _release(self) -> None:
        for fd in (self._wal_fd, self._audit_fd):
            if fd is not None:
                os.close(fd)
        self._wal_fd = self._audit_fd = None
        self._lock_file.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- public surface --------------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        return self._path

    @property
    def audit_path(self) -> Path:
        return self._audit_path

    @property
    def schema_version(self) -> int:
        return self._schema_version

    def table(self, name: str) -> Table:
        if not isinstance(name, str) or not name or name.startswith("_"):
            raise ValueError(f"invalid table name {name!r} (non-empty, not starting with '_')")
        return Table(self, name)

    def table_names(self) -> list[str]:
        with self._mutex:
            return sorted(name for name, data in self._tables.items() if data.docs)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Every write inside is committed as one journal record: all of it survives a crash, or none.

        A nested batch joins the outer one. An exception rolls back the writes (and audit entries) of the
        batch it escapes from, in memory, and nothing is written. The batch holds the database's mutex, so
        other threads neither see nor interleave with a half-done batch.
        """
        with self._mutex:
            self._check_writable()
            mark = _Mark(
                len(self._undo),
                len(self._ops),
                len(self._pending_audit),
                {name: data.next_id for name, data in self._tables.items()},
                self._schema_version,
            )
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                self._rollback(mark)
                raise
            self._depth -= 1
            if self._depth == 0:
                self._commit(mark)

    def audit(
        self, *, actor: str, channel: str, action: str, detail: Mapping[str, Any], at: datetime
    ) -> None:
        """Record who did what, when, through which channel; committed with the writes of the same batch."""
        for name, value in (("actor", actor), ("channel", channel), ("action", action)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"audit {name} must be a non-empty string")
        if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
            raise ValueError("audit 'at' must be a timezone-aware datetime")
        clean_detail, _ = _clean_fields(detail, "audit detail")
        with self.batch():
            self._pending_audit.append(
                {
                    "at": at.isoformat(),
                    "actor": actor,
                    "channel": channel,
                    "action": action,
                    "detail": clean_detail,
                }
            )

    @contextmanager
    def frozen(self) -> Iterator[dict[str, Path]]:
        """Hold every write while the caller copies the files (a backup): inside, the snapshot, the journal
        and the audit journal on disk are a consistent set holding every acknowledged write."""
        with self._mutex:
            self._check_open()
            if self._depth:
                raise StoreError("cannot copy the database inside a batch")
            self._flush_audit()
            yield {"snapshot": self._path, "journal": self._wal_path, "audit": self._audit_path}

    def rebuild_audit(self, rebuilt: list[Doc], aside: Path) -> int:
        """Replace an audit journal shorter than the data (`audit_gap`): the entries still on file, then
        `rebuilt` (marked `"rebuilt": true`, numbered on), written beside and renamed into place; the original
        file is moved to `aside`. The snapshot then records the new count. Returns the last entry's seq."""
        with self._mutex:
            self._check_writable()
            assert self._audit_fd is not None
            on_file = audit_journal.last_seq(self._audit_fd, self._audit_path)
            kept = os.pread(self._audit_fd, os.fstat(self._audit_fd).st_size, 0)
            lines = [
                {**entry, "seq": on_file + index, "rebuilt": True}
                for index, entry in enumerate(rebuilt, start=1)
            ]
            temp = self._audit_path.with_name(self._audit_path.name + ".tmp")
            with open(temp, "wb") as handle:
                handle.write(kept + b"".join(audit_journal.encode(line) for line in lines))
                handle.flush()
                os.fsync(handle.fileno())
            os.close(self._audit_fd)
            self._audit_fd = None
            if self._audit_path.exists():
                os.replace(self._audit_path, aside)
            os.replace(temp, self._audit_path)
            wal.fsync_dir(self._audit_path.parent)
            self._audit_fd = os.open(self._audit_path, os.O_RDWR | os.O_APPEND, 0o600)
            self._audit_seq = on_file + len(lines)
            self._audit_backlog.clear()
            self.audit_gap = None
            self._write_snapshot()
            return self._audit_seq

    def compact(self) -> None:
        """Rewrite the snapshot with everything committed, then empty the journal.

        Safe to fail at any point: the snapshot is replaced atomically and the journal is only emptied
        once the new snapshot (which records the last journal record it holds) is durable.
        """
        with self._mutex:
            self._check_writable()
            if self._depth:
                raise StoreError("cannot compact inside a batch")
            if not self._flush_audit():
                raise StoreError(f"cannot compact {self._path}: the audit journal cannot be written")
            self._write_snapshot()
            self._compact_retry_at = 0

    # ---- writing ---------------------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise DatabaseClosed(f"database {self._path} is closed")

    def _check_writable(self) -> None:
        self._check_open()
        if self._broken is not None:
            raise DatabaseClosed(f"database {self._path} is disabled until reopened: {self._broken}")

    def _data(self, name: str) -> _TableData:
        data = self._tables.get(name)
        if data is None:
            data = self._tables[name] = _TableData()
        return data

    def _store(self, name: str, doc_id: int, doc: Doc, nested: bool) -> Doc | None:
        """Put a document in memory (indexes included); returns the previous one."""
        data = self._data(name)
        old = data.docs.get(doc_id)
        for fields, index in data.indexes.items():
            if old is not None:
                _unindex(index, fields, old, doc_id)
            _index(index, fields, doc, doc_id)
        data.docs[doc_id] = doc
        if nested:
            data.nested.add(doc_id)
        else:
            data.nested.discard(doc_id)
        if doc_id >= data.next_id:
            data.next_id = doc_id + 1
        return old

    def _drop(self, name: str, doc_id: int) -> Doc | None:
        data = self._data(name)
        old = data.docs.pop(doc_id, None)
        if old is not None:
            for fields, index in data.indexes.items():
                _unindex(index, fields, old, doc_id)
            data.nested.discard(doc_id)
        return old

    def _put(self, name: str, doc_id: int, doc: Doc, nested: bool) -> None:
        """A journaled write; only called inside a batch."""
        data = self._data(name)
        self._undo.append((name, doc_id, data.docs.get(doc_id), doc_id in data.nested))
        self._store(name, doc_id, doc, nested)
        self._ops.append(["p", name, doc_id, doc])

    def _delete(self, name: str, doc_id: int) -> None:
        data = self._data(name)
        self._undo.append((name, doc_id, data.docs.get(doc_id), doc_id in data.nested))
        self._drop(name, doc_id)
        self._ops.append(["d", name, doc_id])

    def _rollback(self, mark: _Mark) -> None:
        while len(self._undo) > mark.undo:
            name, doc_id, old, nested = self._undo.pop()
            if old is None:
                self._drop(name, doc_id)
            else:
                self._store(name, doc_id, old, nested)
        del self._ops[mark.ops :]
        del self._pending_audit[mark.audit :]
        for name, data in self._tables.items():
            data.next_id = mark.next_ids.get(name, 1)
        self._schema_version = mark.schema_version

    def _commit(self, mark: _Mark) -> None:
        """Append the batch to the journal and fsync it. On any failure the batch is rolled back in memory
        and cut from the journal, and WriteFailed is raised: memory holds exactly what is durable, and the
        next write starts clean once the cause (a full disk, a value JSON cannot encode) is gone."""
        if not self._ops and not self._pending_audit:
            return
        assert self._wal_fd is not None and self._audit_fd is not None
        entries = [
            {"seq": self._audit_seq + i, **entry} for i, entry in enumerate(self._pending_audit, start=1)
        ]
        try:
            line = wal.encode(wal.Record(self._seq + 1, self._ops, entries))
        except (ValueError, TypeError) as error:  # UnicodeEncodeError (a lone surrogate) is a ValueError
            self._rollback(mark)
            raise WriteFailed(
                f"write to {self._wal_path} refused: {type(error).__name__} while encoding",
                path=str(self._path),
            ) from None
        try:
            if self._wal_dirty:
                os.ftruncate(self._wal_fd, self._wal_size)
                wal.sync(self._wal_fd)
                self._wal_dirty = False
            self._wal_dirty = True
            wal.write_all(self._wal_fd, line)
            wal.sync(self._wal_fd)
            self._wal_dirty = False
        except OSError as error:
            self._rollback(mark)
            try:
                os.ftruncate(self._wal_fd, self._wal_size)
                wal.sync(self._wal_fd)
                self._wal_dirty = False
            except OSError:
                pass  # tried again before the next append; until then nothing follows the torn bytes
            raise WriteFailed(
                f"journal write to {self._wal_path} failed: {error.strerror or error}",
                path=str(self._wal_path),
                errno=error.errno,
            ) from None
        # Durable from here on, so nothing below may report the write as failed: an audit append or a
        # compaction that fails is logged and retried later, the journal still holding what they need.
        self._seq += 1
        self._wal_size += len(line)
        self._audit_seq += len(entries)
        self._undo.clear()
        self._ops = []
        self._pending_audit = []
        self._audit_backlog.extend(entries)
        if self._flush_audit() and self._wal_size > self._compact_at():
            try:
                self._write_snapshot()
                self._compact_retry_at = 0
            except OSError as error:
                _log.warning("compaction of %s failed, will retry later: %s", self._path, error)
                self._compact_retry_at = self._wal_size * 2

    def _compact_at(self) -> float:
        return max(
            self._compact_min_bytes, self._compact_ratio * self._snapshot_bytes, self._compact_retry_at
        )

    def _flush_audit(self) -> bool:
        """Append the committed audit entries not yet in the audit journal; False if that failed.

        While some are missing, compaction waits: the journal records are their only durable copy.
        """
        if not self._audit_backlog:
            return True
        assert self._audit_fd is not None
        size = os.fstat(self._audit_fd).st_size
        try:
            wal.write_all(self._audit_fd, b"".join(audit_journal.encode(e) for e in self._audit_backlog))
            os.fsync(self._audit_fd)
        except OSError as error:
            _log.warning("audit journal %s append failed, will retry: %s", self._audit_path, error)
            try:
                os.ftruncate(self._audit_fd, size)  # no half line for the retry to follow
            except OSError:
                self._broken = f"audit journal write failed and could not be undone: {error}"
            return False
        self._audit_backlog.clear()
        return True

    def _write_snapshot(self) -> None:
        assert self._wal_fd is not None
        meta = {
            "schema_version": self._schema_version,
            "last_seq": self._seq,
            "audit_seq": self._audit_seq,
            "next_ids": {name: data.next_id for name, data in self._tables.items()},
        }
        tables = {
            name: {str(doc_id): doc for doc_id, doc in data.docs.items()}
            for name, data in self._tables.items()
        }
        # TinyDB's own layout ({"table": {"id": doc}}), the meta table first and carrying the checksum of
        # everything else, written as the text the checksum was computed on; atomic by the rename.
        parts = _snapshot_parts(meta, tables)
        meta["checksum"] = _digest(parts)
        head = json.dumps(META_TABLE) + ":" + json.dumps({"1": meta}, ensure_ascii=False)
        content = "{" + ",".join([head, *parts[1:]]) + "}"
        temp = self._path.with_name(self._path.name + ".tmp")
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self._path)
        wal.fsync_dir(self._path.parent)
        # The snapshot now holds every record (its last_seq says so); emptying the journal is just cleanup,
        # and a crash before it only leaves records that the next load skips.
        os.ftruncate(self._wal_fd, 0)
        wal.sync(self._wal_fd)
        self._wal_size = 0
        self._snapshot_bytes = self._path.stat().st_size

    # ---- reading (used by Table) -----------------------------------------------------------------------

    def _out(self, data: _TableData, doc_id: int) -> Doc:
        doc = data.docs[doc_id]
        copy: Doc = _deep_copy(doc) if doc_id in data.nested else dict(doc)
        copy["_id"] = doc_id
        return copy


def _index(index: dict[Hashable, dict[int, None]], fields: tuple[str, ...], doc: Doc, doc_id: int) -> None:
    key = tuple(_index_key(doc.get(f, _MISSING)) for f in fields)
    bucket = index.get(key)
    if bucket is None:
        index[key] = {doc_id: None}
    else:
        bucket[doc_id] = None


def _unindex(index: dict[Hashable, dict[int, None]], fields: tuple[str, ...], doc: Doc, doc_id: int) -> None:
    key = tuple(_index_key(doc.get(f, _MISSING)) for f in fields)
    bucket = index.get(key)
    if bucket is not None:
        bucket.pop(doc_id, None)
        if not bucket:
            del index[key]


class Table:
    """A named collection of documents in one `Database`. Cheap handle: get one with `db.table(name)`."""

    def __init__(self, db: Database, name: str) -> None:
        self._db = db
        self.name = name

    def __repr__(self) -> str:
        return f"Table({self.name!r})"

    # ---- writes ----------------------------------------------------------------------------------------

    def insert(self, doc: Mapping[str, Any]) -> int:
        """Store a new document; returns its id (ids are never reused, even after a removal)."""
        clean, nested = _clean_fields(doc, f"document for {self.name}")
        db = self._db
        with db.batch():
            data = db._data(self.name)
            doc_id = data.next_id
            db._put(self.name, doc_id, clean, nested)
        return doc_id

    def update(self, doc_id: int, fields: Mapping[str, Any]) -> None:
        """Set these fields of an existing document (others are kept)."""
        clean, _ = _clean_fields(fields, f"update of {self.name}")
        db = self._db
        with db.batch():
            old = self._existing(doc_id)
            new = {**old, **clean}
            db._put(self.name, doc_id, new, _has_containers(new))

    def replace(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        """Replace the whole content of an existing document."""
        clean, nested = _clean_fields(doc, f"document for {self.name}")
        db = self._db
        with db.batch():
            self._existing(doc_id)
            db._put(self.name, doc_id, clean, nested)

    def upsert_key(self, key_field: str, doc: Mapping[str, Any]) -> int:
        """Update the document whose `key_field` equals ``doc[key_field]``, or insert it; returns its id."""
        if key_field not in doc:
            raise ValueError(f"upsert into {self.name}: the document has no {key_field!r}")
        db = self._db
        with db.batch():
            self.ensure_index(key_field)
            matches = self._ids({key_field: doc[key_field]})
            if len(matches) > 1:
                raise StoreError(
                    f"upsert into {self.name}: {len(matches)} documents share this {key_field}; "
                    "it is not a key"
                )
            if matches:
                self.update(matches[0], doc)
                return matches[0]
            return self.insert(doc)

    def remove(self, doc_id: int) -> None:
        db = self._db
        with db.batch():
            self._existing(doc_id)
            db._delete(self.name, doc_id)

    def _existing(self, doc_id: int) -> Doc:
        doc = self._db._data(self.name).docs.get(doc_id) if isinstance(doc_id, int) else None
        if doc is None:
            raise DocumentNotFound(f"table {self.name} has no document {doc_id!r}")
        return doc

    # ---- reads -----------------------------------------------------------------------------------------

    def get(self, doc_id: int) -> Doc | None:
        db = self._db
        with db._mutex:
            db._check_open()
            data = db._tables.get(self.name)
            if data is None or not isinstance(doc_id, int) or doc_id not in data.docs:
                return None
            return db._out(data, doc_id)

    def all(self) -> list[Doc]:
        """Copies of every document, in id order, each with its ``"_id"``."""
        db = self._db
        with db._mutex:
            db._check_open()
            data = db._tables.get(self.name)
            if data is None:
                return []
            docs, nested = data.docs, data.nested
            if not nested:
                return [{**doc, "_id": doc_id} for doc_id, doc in docs.items()]
            return [db._out(data, doc_id) for doc_id in docs]

    def find(self, **equals: Any) -> list[Doc]:
        """Documents whose fields equal these values, in id order. Uses an index covering some of the
        fields when there is one (declare them with `ensure_index`), else scans the table."""
        db = self._db
        with db._mutex:
            db._check_open()
            data = db._tables.get(self.name)
            if data is None:
                return []
            return [db._out(data, doc_id) for doc_id in self._ids(equals)]

    def find_one(self, **equals: Any) -> Doc | None:
        found = self.find(**equals)
        return found[0] if found else None

    def count(self, **equals: Any) -> int:
        with self._db._mutex:
            self._db._check_open()
            return len(self._ids(equals))

    def search(self, cond: Callable[[Doc], bool]) -> list[Doc]:
        """Documents matching a TinyDB query (``where("site") == "A"``) or any predicate; always a scan."""
        db = self._db
        with db._mutex:
            db._check_open()
            data = db._tables.get(self.name)
            if data is None:
                return []
            return [db._out(data, doc_id) for doc_id, doc in data.docs.items() if cond(doc)]

    def ensure_index(self, *fields: str) -> None:
        """Maintain a hash index on this field (or tuple of fields) from now on; idempotent, in memory."""
        if not fields or not all(isinstance(f, str) and f for f in fields):
            raise ValueError("ensure_index needs one or more field names")
        db = self._db
        with db._mutex:
            db._check_open()
            data = db._data(self.name)
            if fields in data.indexes:
                return
            index: dict[Hashable, dict[int, None]] = {}
            for doc_id, doc in data.docs.items():
                _index(index, fields, doc, doc_id)
            data.indexes[fields] = index

    def __len__(self) -> int:
        with self._db._mutex:
            data = self._db._tables.get(self.name)
            return 0 if data is None else len(data.docs)

    def _ids(self, equals: Mapping[str, Any]) -> list[int]:
        data = self._db._tables.get(self.name)
        if data is None:
            return []
        if not equals:
            return list(data.docs)
        wanted = set(equals)
        best: tuple[str, ...] | None = None
        for fields in data.indexes:
            if set(fields) <= wanted and (best is None or len(fields) > len(best)):
                best = fields
        if best is None:
            candidates: list[int] = list(data.docs)
            rest = list(equals.items())
        else:
            key = tuple(_index_key(equals[f]) for f in best)
            candidates = sorted(data.indexes[best].get(key, ()))
            rest = [(f, v) for f, v in equals.items() if f not in best]
        if not rest:
            return candidates
        docs = data.docs
        return [
            doc_id
            for doc_id in candidates
            if all(_matches(docs[doc_id].get(f, _MISSING), v) for f, v in rest)
        ]


def _matches(stored: Any, wanted: Any) -> bool:
    # Same equality as the index: Python's ==, so 1 == 1.0 and lists compare by value.
    return stored is not _MISSING and bool(stored == wanted)
