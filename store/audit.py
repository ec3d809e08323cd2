"""The audit journal ``<db>.audit.jsonl``: append-only, one JSON object per line, never compacted.

Each entry: ``{"seq": n, "at": ISO 8601 with offset, "actor", "channel", "action", "detail"}``.
``seq`` counts entries from 1 without gaps. The engine writes an entry only after the journal record that
carries it is durable, and on load re-appends the entries of journal records that a crash kept from being
written here (those with a seq above the last one in this file), so the file ends up exactly-once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from store.errors import CorruptDatabase

_TAIL = 64 * 1024


def encode(entry: dict[str, Any]) -> bytes:
    return (json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode()


def last_seq(fd: int, path: Path) -> int:
    """The seq of the last complete entry (0 for an empty file); a torn last line is cut off first.

    Reads only the end of the file, so opening the database does not cost more as the journal grows.
    """
    size = os.fstat(fd).st_size
    if size == 0:
        return 0
    start = max(0, size - _TAIL)
    tail = os.pread(fd, size - start, start)
    if not tail.endswith(b"\n"):
        cut = tail.rfind(b"\n")
        keep = start + cut + 1 if cut != -1 else start
        if cut == -1 and start != 0:
            raise CorruptDatabase(f"audit journal {path} ends with a line longer than {_TAIL} bytes")
        os.ftruncate(fd, keep)
        os.fsync(fd)
        tail = tail[: keep - start]
        if not tail:
            return 0
    lines = tail[:-1].split(b"\n")
    try:
        return int(json.loads(lines[-1])["seq"])
    except (ValueError, KeyError, TypeError) as error:
        raise CorruptDatabase(f"audit journal {path}: last entry is unreadable ({error})") from None


def read(path: str | os.PathLike[str]) -> Iterator[dict[str, Any]]:
    """Every complete entry of an audit journal, oldest first (a torn last line is skipped)."""
    with open(path, "rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                return
            entry: dict[str, Any] = json.loads(raw)
            yield entry
