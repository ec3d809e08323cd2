"""`expe50 backup`, `expe50 restore` and `expe50 repair`: keeping the data safe, and the way back.

    expe50 backup DEST                 one file (tar.gz: snapshot, journal, audit, manifest with checksums),
                                       through the running bot when there is one (writes wait meanwhile)
    expe50 restore SRC [--db PATH] [--force]   check a backup and put it in place of a database not in use
    expe50 repair [--oui]              rebuild a lost or truncated audit journal from the data (not in use)

`run_backup(args, session)` is routed (bot/cli_args.py); restore and repair act on a database no process
holds.
"""

from __future__ import annotations

import argparse
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from bot.config import Settings
from store import schema
from store.backup import BackupError, BackupInfo, restore_backup, write_backup
from store.errors import DatabaseLocked
from store.repair import check_free, diagnose, repair_audit
from templates import date_fr, datetime_fr, number, text

if TYPE_CHECKING:
    from bot.session import Session

log = logging.getLogger("expe50.safety")
EXIT_OK, EXIT_USER_ERROR, EXIT_STARTUP = 0, 1, 2


def figures(tables: dict[str, int]) -> str:
    return text(
        "safety.figures",
        sites=number(tables.get(schema.SITES, 0)),
        patients=number(tables.get(schema.PATIENTS, 0)),
        entries=number(
            sum(tables.get(t, 0) for t in (schema.REFERRALS, schema.ADMINISTRATIONS, schema.ENDS))
        ),
        members=number(tables.get(schema.MEMBERS, 0)),
    )


def backup_error(error: BackupError) -> str:
    return text(f"safety.error.{error.cause}", **{k: str(v) for k, v in error.params.items()})


def run_backup(args: argparse.Namespace, session: Session) -> int:
    dest = session.path(args.dest)
    try:
        info = write_backup(session.ctx.repo.database, dest, session.settings.now())
    except BackupError as error:
        print(backup_error(error), file=session.err)
        return EXIT_USER_ERROR
    except OSError as error:
        print(
            text("safety.error.write", path=dest, problem=error.strerror or type(error).__name__),
            file=session.err,
        )
        return EXIT_USER_ERROR
    print(_done("safety.backup_done", info), file=session.out)
    return EXIT_OK


def _done(key: str, info: BackupInfo) -> str:
    return text(key, path=info.path, size=number(round(info.size / 1024)), figures=figures(info.tables))


def run_restore(args: argparse.Namespace, settings: Settings, stdin: TextIO | None, out: TextIO) -> int:
    src = Path(args.src).expanduser()
    target = settings.db_path
    try:
        info = restore_backup(
            src, target, schema_version=schema.SCHEMA_VERSION, force=args.force, now=settings.now()
        )
    except BackupError as error:
        log.warning("restore refused: %s", error)
        print(backup_error(error), file=out)
        return EXIT_USER_ERROR
    out.write(
        text(
            "safety.restore_done",
            src=src,
            db=target,
            created=_created_fr(info.created_at),
            figures=figures(info.tables),
        )
        + "\n"
    )
    return EXIT_OK


def _created_fr(stamp: str) -> str:
    """The backup's time as users read times ('1er décembre 2026 à 05:10', Paris); the manifest's text as it
    is when it is not a time (a manifest written by hand)."""
    try:
        created = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:40]
    if created.tzinfo is not None:
        created = created.astimezone(ZoneInfo("Europe/Paris"))
    return datetime_fr(created)


def run_repair(args: argparse.Namespace, settings: Settings, stdin: TextIO | None, out: TextIO) -> int:
    import sys

    db = settings.db_path
    if not db.exists():
        print(text("safety.repair.no_database", db=db), file=out)
        return EXIT_USER_ERROR
    try:
        check_free(db)
    except DatabaseLocked:
        print(text("safety.repair.in_use", db=db), file=out)
        return EXIT_USER_ERROR
    found = diagnose(db, schema.SCHEMA_VERSION)  # other damage raises CorruptDatabase: the CLI says restore
    if not found.needed:
        print(text("safety.repair.nothing", db=db), file=out)
        return EXIT_OK
    print(text("safety.repair.found", on_file=found.on_file, recorded=found.recorded, db=db), file=out)
    if not args.oui:
        print(text("safety.repair.confirm"), file=out, end=" ", flush=True)
        answer = (stdin or sys.stdin).readline().strip().lower()
        if answer not in ("oui", "o"):
            print(text("safety.repair.cancelled"), file=out)
            return EXIT_USER_ERROR
    result = repair_audit(db, schema.SCHEMA_VERSION, settings.now())
    print(
        text("safety.repair.done", rebuilt=result.rebuilt, aside=result.aside, day=date_fr(settings.now())),
        file=out,
    )
    return EXIT_OK
