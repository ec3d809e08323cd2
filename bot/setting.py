"""One setting's declaration (`Setting`) and the parsers of raw values, with French messages.

Every area declares its settings as a tuple of `Setting`s in its own settings module (bot/mail/settings.py,
bot/slack/settings.py, bot/scheduler.py); bot/config.py lists those tuples explicitly and reads them once.
This module imports nothing from the bot, so any settings module can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class ConfigError(Exception):
    """A setting is malformed: `variable` names it, `problem` says what is expected (French)."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable
    parse: Callable[[str], Any]  # raises ValueError with a French explanation of the expected form
    default: Any
    help: str  # one line, French: written above the variable in .env.example
    secret: bool = False
    example: str | None = None  # the value shown (commented) in .env.example


# ---- parsers (French messages: they reach the operator at start-up) -------------------------------------


def parse_text(raw: str) -> str:
    return raw.strip()


def parse_path(raw: str) -> Path:
    text = raw.strip()
    if not text:
        raise ValueError("un chemin de fichier est attendu")
    return Path(text).expanduser()


def parse_int(raw: str) -> int:
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError("un nombre entier est attendu") from None


def parse_port(raw: str) -> int:
    value = parse_int(raw)
    if not 0 <= value <= 65535:
        raise ValueError("un port entre 0 et 65535 est attendu")
    return value


def parse_bool(raw: str) -> bool:
    text = raw.strip().lower()
    if text in ("1", "true", "oui", "yes", "on"):
        return True
    if text in ("0", "false", "non", "no", "off", ""):
        return False
    raise ValueError("oui/non (ou true/false, 1/0) est attendu")


def parse_log_level(raw: str) -> str:
    text = raw.strip().upper()
    if text not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError("DEBUG, INFO, WARNING ou ERROR est attendu")
    return text


def parse_now(raw: str) -> datetime | None:
    text = raw.strip()
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("une date et heure ISO 8601 est attendue, par exemple 2025-11-20T10:00") from None
    return value if value.tzinfo else value.replace(tzinfo=PARIS)
