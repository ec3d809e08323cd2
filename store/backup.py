"""Backups as one file, and restoring them into a database that is not in use.

A backup is a gzipped tar holding `manifest.json` and the three files of a database — the snapshot, the
write-ahead journal and the audit journal — copied while the engine holds every write (`Database.frozen`),
so the set is consistent even while the bot runs. The manifest gives the format, the time, the schema
version, the size and SHA-256 of each file and the number of documents per table.

Restoring checks every checksum, writes the files beside the target, opens them as a database (snapshot
checksum, journal replay, audit consistency: what the bot itself checks at start), and only then moves them
into place; a target already holding a database is refused without `force`, and with it the old files are
moved aside, never deleted. Errors carry a `cause` key the CLI turns into French.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from store import wal
from store.engine import Database
from store.errors import DatabaseLocked, StoreError
from store.lock import WriterLock

FORMAT = "expe50-backup"
VERSION = 1
MANIFEST = "manifest.json"
_ROLES = ("snapshot", "journal", "audit")
_SUFFIX = {"snapshot": "", "journal": ".wal", "audit": ".audit.jsonl"}
MAX_MEMBER_BYTES = 4 * 1024**3


class BackupError(StoreError):
    """A backup that cannot be written, read or restored; `cause` names the French message, `params` fill
    it."""

    def __init__(self, cause: str, **params: Any) -> None:
        super().__init__(f"backup: {cause} {params}")
        self.cause = cause
        self.params = params


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: str
    database: str
    schema_version: int
    tables: dict[str, int]
    size: int


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_name(now: datetime) -> str:
    return f"expe50-{now:%Y%m%d-%H%M%S}.tar.gz"


def write_backup(db: Database, dest: Path, now: datetime) -> BackupInfo:
    """One backup file at `dest` (a directory: a dated file inside it). Never overwrites a file."""
    target = dest / file_name(now) if dest.is_dir() else dest
    if target.exists():
        raise BackupError("exists", path=target)
    if not target.parent.is_dir():
        raise BackupError("no_directory", path=target.parent)
    with db.frozen() as paths:
        contents = {role: paths[role].read_bytes() if paths[role].exists() else b"" for role in _ROLES}
        tables = {name: len(db.table(name)) for name in db.table_names()}
        schema_version = db.schema_version
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": now.isoformat(),
        "database": db.path.name,
        "schema_version": schema_version,
        "tables": tables,
        "files": {
            role: {"name": db.path.name + _SUFFIX[role], "size": len(data), "sha256": _sha256(data)}
            for role, data in contents.items()
        },
    }
    members = [(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode())]
    members.extend((f"{role}/{db.path.name}{_SUFFIX[role]}", contents[role]) for role in _ROLES)
    temp = target.with_name(f".{target.name}.tmp")
    try:
        with open(temp, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            for name, data in members:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                info.mtime = int(now.timestamp())
                info.mode = 0o600
                archive.addfile(info, io.BytesIO(data))
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
        wal.fsync_dir(target.parent)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return BackupInfo(target, now.isoformat(), db.path.name, schema_version, tables, target.stat().st_size)


def read_backup(src: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and the three files of a backup, every size and checksum verified."""
    if not src.is_file():
        raise BackupError("missing", path=src)
    try:
        with tarfile.open(src, mode="r:*") as archive:
            found = {member.name: member for member in archive.getmembers() if member.isfile()}
            if MANIFEST not in found:
                raise BackupError("not_a_backup", path=src)
            manifest = json.loads(_read(archive, found[MANIFEST]))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise BackupError("not_a_backup", path=src)
            if manifest.get("version") != VERSION:
                raise BackupError("version", path=src, version=manifest.get("version"))
            files: dict[str, bytes] = {}
            for role in _ROLES:
                entry = manifest["files"][role]
                name = f"{role}/{entry['name']}"
                if name not in found:
                    raise BackupError("member_missing", path=src, member=name)
                data = _read(archive, found[name])
                if len(data) != entry["size"] or _sha256(data) != entry["sha256"]:
                    raise BackupError("checksum", path=src, member=name)
                files[role] = data
    except (tarfile.TarError, EOFError, OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError("unreadable", path=src, problem=type(error).__name__) from None
    return manifest, files


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.size > MAX_MEMBER_BYTES:
        raise BackupError("unreadable", path=archive.name, problem="taille")
    handle = archive.extractfile(member)
    if handle is None:
        raise BackupError("unreadable", path=archive.name, problem=member.name)
    return handle.read()


def fresh_directory(path: Path) -> Path:
    """Create `path`, or `path-2`, `path-3`… when it exists (two repairs in one second keep both)."""
    candidate, number = path, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            number += 1
            candidate = path.with_name(f"{path.name}-{number}")


def database_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + _SUFFIX[role]) for role in _ROLES]


def restore_backup(src: Path, target: Path, *, schema_version: int, force: bool, now: datetime) -> BackupInfo:
    """Check `src`, then put its database at `target` (a database not in use). Returns what was restored;
    with `force`, the files it replaces are moved to `<target>.avant-restauration-<time>/`."""
    manifest, files = read_backup(src)
    if not target.parent.is_dir():
        raise BackupError("no_directory", path=target.parent)
    lock = WriterLock(target.with_name(target.name + ".lock"), target)
    try:
        lock.acquire()
    except DatabaseLocked:
        raise BackupError("in_use", path=target) from None
    try:
        existing = [p for p in database_files(target) if p.exists() and p.stat().st_size > 0]
        if existing and not force:
            raise BackupError("target_exists", path=target)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.restauration-", dir=target.parent))
        try:
            staged = work / target.name
            for role, path in zip(_ROLES, database_files(staged), strict=True):
                path.write_bytes(files[role])
            try:
                # What the bot checks at start: snapshot checksum, journal replay, audit consistency.
                check = Database.open(staged, schema_version=schema_version, create=False)
            except StoreError as error:
                raise BackupError("does_not_open", path=src, problem=str(error)) from None
            tables = {name: len(check.table(name)) for name in check.table_names()}
            check.close()
            if existing:
                aside = fresh_directory(
                    target.with_name(f"{target.name}.avant-restauration-{now:%Y%m%d-%H%M%S}")
                )
                for path in existing:
                    os.replace(path, aside / path.name)
            for path in database_files(target):
                path.unlink(missing_ok=True)
            for path in database_files(staged):
                if path.exists():
                    os.replace(path, target.with_name(path.name.replace(staged.name, target.name, 1)))
            wal.fsync_dir(target.parent)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    finally:
        lock.release()
    return BackupInfo(
        src,
        str(manifest.get("created_at")),
        str(manifest.get("database")),
        int(manifest.get("schema_version", 0)),
        tables,
        src.stat().st_size,
    )


def rotate(directory: Path, keep: int) -> list[Path]:
    """Delete the oldest automatic backups beyond `keep`; returns what was deleted."""
    found = sorted(directory.glob("expe50-*.tar.gz"))
    doomed = found[:-keep] if keep > 0 else []
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
