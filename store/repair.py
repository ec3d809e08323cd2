"""`expe50 repair`: a lost or truncated audit journal rebuilt from the data, the originals kept aside.

The data (snapshot + journal) is intact but the audit journal holds fewer entries than the database recorded:
the bot refuses to open rather than run with a silent hole in the trail. Repair copies the three files to
`<db>.avant-reparation-<time>/` first, then keeps every entry still on file and appends, marked
`"rebuilt": true`, one line saying what was lost and one line per fact the data still shows (each site, HAD,
convention, member, and each entry with its author, channel and time, and its cancellation) that no surviving
line already records. What the data cannot show (mail and reminder events, changes later overwritten) is said
in the first line, not invented.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from store import schema
from store.backup import database_files, fresh_directory
from store.engine import Database
from store.errors import DatabaseLocked
from store.lock import WriterLock

REPAIR_ACTOR = "reparation"
_ENTRY_TABLES = {schema.REFERRALS: "adressage", schema.ADMINISTRATIONS: "administration", schema.ENDS: "fin"}


@dataclass(frozen=True)
class RepairResult:
    needed: bool
    on_file: int = 0
    recorded: int = 0
    rebuilt: int = 0
    aside: Path | None = None


def check_free(path: Path) -> None:
    """DatabaseLocked when a process holds the database (repair works only on a database not in use)."""
    lock = WriterLock(path.with_name(path.name + ".lock"), path)
    lock.acquire()
    lock.release()


def diagnose(path: Path, schema_version: int) -> RepairResult:
    """Whether the audit journal needs rebuilding (opens and closes the database, changing nothing else)."""
    db = Database.open(path, schema_version=schema_version, create=False, allow_audit_gap=True)
    try:
        if db.audit_gap is None:
            return RepairResult(False)
        on_file, recorded = db.audit_gap
        return RepairResult(True, on_file, recorded)
    finally:
        db.close()


def repair_audit(path: Path, schema_version: int, now: datetime) -> RepairResult:
    check_free(path)
    aside = fresh_directory(path.with_name(f"{path.name}.avant-reparation-{now:%Y%m%d-%H%M%S}"))
    for original in database_files(path):
        if original.exists():
            shutil.copy2(original, aside / original.name)
    db = Database.open(path, schema_version=schema_version, create=False, allow_audit_gap=True)
    try:
        if db.audit_gap is None:
            shutil.rmtree(aside, ignore_errors=True)  # nothing to repair: no copy to keep
            return RepairResult(False)
        on_file, recorded = db.audit_gap
        survivors = _recorded(db.audit_path)
        lines = [
            {
                "at": now.isoformat(),
                "actor": REPAIR_ACTOR,
                "channel": "cli",
                "action": "audit.rebuilt",
                "detail": {
                    "entries_on_file": on_file,
                    "entries_recorded": recorded,
                    "originals": str(aside),
                    "not_rebuildable": "courriels, rappels, modifications écrasées depuis",
                },
            }
        ]
        lines.extend(line for line in _from_data(db, now) if _key(line) not in survivors)
        db.rebuild_audit(lines, aside / (db.audit_path.name + ".tronque"))
        return RepairResult(True, on_file, recorded, len(lines), aside)
    finally:
        db.close()


def _key(line: dict[str, Any]) -> tuple[str, str]:
    detail = line.get("detail") or {}
    ident = detail.get("reference") or detail.get("finess") or detail.get("member")
    if ident is None and "site" in detail and "had" in detail:
        ident = f"{detail['site']}/{detail['had']}"
    return str(line.get("action")), str(ident)


def _recorded(audit: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    if not audit.exists():
        return found
    with open(audit, "rb") as handle:
        for raw in handle:
            try:
                found.add(_key(json.loads(raw)))
            except ValueError:
                continue
    return found


def _line(at: str, actor: str, channel: str, action: str, detail: dict[str, Any]) -> dict[str, Any]:
    return {
        "at": at,
        "actor": actor or REPAIR_ACTOR,
        "channel": channel or "cli",
        "action": action,
        "detail": detail,
    }


def _from_data(db: Database, now: datetime) -> list[dict[str, Any]]:
    at = now.isoformat()
    lines: list[dict[str, Any]] = []
    for doc in db.table(schema.SITES).all():
        lines.append(_line(at, REPAIR_ACTOR, "cli", "site.save", {"finess": doc["finess"]}))
    for doc in db.table(schema.HADS).all():
        lines.append(_line(at, REPAIR_ACTOR, "cli", "had.save", {"finess": doc["finess"]}))
    for doc in db.table(schema.CONVENTIONS).all():
        lines.append(
            _line(at, REPAIR_ACTOR, "cli", "convention.save", {"site": doc["site"], "had": doc["had"]})
        )
    for doc in db.table(schema.MEMBERS).all():
        lines.append(
            _line(at, REPAIR_ACTOR, "cli", "member.save", {"member": doc["member_id"], "role": doc["role"]})
        )
    entries: list[dict[str, Any]] = []
    for table, kind in _ENTRY_TABLES.items():
        for doc in db.table(table).all():
            detail = {"reference": doc["ref"], "site": doc["site"]}
            entries.append(_line(doc["at"], doc["author"], doc["channel"], f"{kind}.add", detail))
            stamp = doc.get("cancelled")
            if stamp:
                entries.append(_line(stamp["at"], stamp["by"], "cli", f"{kind}.cancel", detail))
    entries.sort(key=lambda line: str(line["at"]))
    return lines + entries


__all__ = ["DatabaseLocked", "RepairResult", "check_free", "diagnose", "repair_audit"]
