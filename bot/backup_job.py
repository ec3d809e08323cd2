"""The daily automatic backup, run by the scheduler: a file a day in BACKUP_DIR, the BACKUP_KEEP newest kept.

Off when BACKUP_DIR is unset. A failed backup is logged with the path and the cause and retried the next day;
it never stops the bot (the data itself is untouched by a backup).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.setting import Setting, parse_int, parse_path
from store.backup import rotate, write_backup
from store.engine import Database
from templates import text

log = logging.getLogger("expe50.backup")
BACKUP_HOUR, BACKUP_MINUTE = 3, 15  # Paris time: after the night's catch-up, before anyone works


def _keep(raw: str) -> int:
    value = parse_int(raw)
    if value < 1:
        raise ValueError("un nombre de sauvegardes à garder, 1 ou plus, est attendu")
    return value


SETTINGS = (
    Setting(
        "BACKUP_DIR",
        parse_path,
        None,
        "Dossier des sauvegardes automatiques quotidiennes, à 03:15 (vide = pas de sauvegarde automatique)",
        example="/var/backups/expe50",
    ),
    Setting(
        "BACKUP_KEEP",
        _keep,
        14,
        "Nombre de sauvegardes automatiques gardées (les plus anciennes sont effacées)",
    ),
)


def daily_backup(db: Database, directory: Path, keep: int, clock: Callable[[], datetime]) -> Path | None:
    """One backup now, then rotation; returns the file, or None when it failed (logged)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        info = write_backup(db, directory, clock())
        removed = rotate(directory, keep)
    except Exception as error:  # a backup must never stop the bot: logged with its cause, retried tomorrow
        log.error("automatic backup into %s failed: %s: %s", directory, type(error).__name__, error)
        return None
    log.info("%s (%d old backup(s) removed)", text("safety.auto_done", path=info.path), len(removed))
    return info.path


def schedule(scheduler: Any, db: Database, directory: Path, keep: int, clock: Callable[[], datetime]) -> None:
    """Add the daily job to a running APScheduler scheduler."""
    from apscheduler.triggers.cron import CronTrigger

    scheduler.add_job(
        daily_backup,
        CronTrigger(hour=BACKUP_HOUR, minute=BACKUP_MINUTE, timezone="Europe/Paris"),
        args=(db, directory, keep, clock),
        id="expe50-backup",
        max_instances=1,
        coalesce=True,
        misfire_grace_time=6 * 3600,
        replace_existing=True,
    )
