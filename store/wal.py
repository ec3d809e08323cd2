"""The write-ahead journal ``<db>.wal``: one line per committed batch, checksummed.

A line is ``<crc32 of payload, 8 hex digits> <payload JSON>\\n``. The payload is
``{"seq": n, "ops": [...], "audit": [...]}``; an op is ``["p", table, id, doc]`` (put the whole document)
or ``["d", table, id]`` (delete). Ops carry absolute states, so replaying a record twice is harmless,
which makes the compaction order (snapshot first, truncate the journal after) safe.

Only the last line can be torn: each append is fsynced before the write is acknowledged and the next one
starts, so a crash can only cut the record in flight. A bad line followed by a good one means the file
was damaged some other way, and loading refuses rather than guess.
"""

from __future__ import annotations

import itertools
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.errors import CorruptDatabase

Op = list[Any]


@dataclass(frozen=True)
class Record:
    seq: int
    ops: list[Op]
    audit: list[dict[str, Any]]


def encode(record: Record) -> bytes:
    payload = json.dumps(
        {"seq": record.seq, "ops": record.ops, "audit": record.audit},
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(payload), payload)


def _decode(line: bytes) -> Record | None:
    """The record of one complete line, or None if the line is not a valid record."""
    if len(line) < 10 or line[8:9] != b" ":
        return None
    payload = line[9:]
    try:
        crc = int(line[:8], 16)
    except ValueError:
        return None
    if zlib.crc32(payload) != crc:
        return None
    try:
        data = json.loads(payload)
        return Record(seq=int(data["seq"]), ops=list(data["ops"]), audit=list(data["audit"]))
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Loaded:
    records: list[Record]
    valid_size: int  # bytes of the file holding valid records; anything after is a torn tail
    torn: bool


def read(path: Path) -> Loaded:
    """Every valid record of the journal, in order; a torn tail is reported, damage in the middle raises."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Loaded([], 0, False)
    records: list[Record] = []
    offset = 0
    bad_at: int | None = None
    while offset < len(data):
        end = data.find(b"\n", offset)
        complete = end != -1
        line = data[offset:end] if complete else data[offset:]
        record = _decode(line) if complete else None
        if record is None:
            if bad_at is None:
                bad_at = offset
        elif bad_at is not None:
            raise CorruptDatabase(
                f"journal {path} has a damaged record at byte {bad_at} followed by valid records; "
                "refusing to guess which writes are real"
            )
        else:
            records.append(record)
        offset = end + 1 if complete else len(data)
    valid = bad_at if bad_at is not None else len(data)
    for previous, current in itertools.pairwise(records):
        if current.seq != previous.seq + 1:
            raise CorruptDatabase(
                f"journal {path} jumps from record {previous.seq} to {current.seq}; records are missing"
            )
    return Loaded(records, valid, bad_at is not None)


def sync(fd: int) -> None:
    # fdatasync also flushes the file size after an append, which is all a reader needs; cheaper than fsync.
    if hasattr(os, "fdatasync"):
        os.fdatasync(fd)
    else:  # pragma: no cover - non-Linux
        os.fsync(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def fsync_dir(path: Path) -> None:
    """Make a created, renamed or replaced entry of this directory durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
