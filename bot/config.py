"""The settings: ONE frozen object, read once at start-up from the environment and `.env` (python-dotenv).

Each setting is declared once, with its type, default and a one-line help (the help is what `.env.example`
says), in its area's settings module; `catalog()` below lists those modules explicitly — no registry filled
by imports. A malformed value stops start-up with a French message naming the variable (never its value: it
may be a secret). Real environment variables win over `.env`, and command-line overrides (--db) win over both.

Typed sections: `settings.mail` (bot.mail.settings.MailSettings | None), `settings.slack`
(bot.slack.settings.SlackSettings | None), `settings.schedule` (bot.scheduler.ScheduleConfig).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from dotenv import dotenv_values

from bot.setting import (
    PARIS,
    ConfigError,
    Setting,
    parse_bool,
    parse_int,
    parse_log_level,
    parse_now,
    parse_path,
    parse_port,
    parse_text,
)

if TYPE_CHECKING:
    from bot.mail.settings import MailSettings
    from bot.scheduler import ScheduleConfig
    from bot.slack.settings import SlackSettings

__all__ = [
    "DEFAULT_DB",
    "PARIS",
    "ConfigError",
    "Setting",
    "Settings",
    "catalog",
    "declared",
    "env_example",
    "load_settings",
    "parse_bool",
    "parse_int",
    "parse_log_level",
    "parse_now",
    "parse_path",
    "parse_port",
    "parse_text",
]

DEFAULT_DB = Path("data") / "expe50.json"

CORE_SETTINGS = (
    Setting(
        "EXPE50_DB",
        parse_path,
        DEFAULT_DB,
        "Fichier de la base de données (créé au besoin) ; le bot en marche écoute à côté sur <base>.sock",
        example="data/expe50.json",
    ),
    Setting(
        "EXPE50_LOG_LEVEL",
        parse_log_level,
        "INFO",
        (
            "Niveau de journalisation (DEBUG, INFO, WARNING, ERROR) ; "
            "INFO par défaut : une ligne par canal démarré"
        ),
        example="INFO",
    ),
    Setting(
        "EXPE50_OPERATOR",
        parse_text,
        "operateur-local",
        "Identifiant de l'opérateur local (console et `expe50 cmd`), qui a le rôle admin",
    ),
    Setting(
        "EXPE50_NOW",
        parse_now,
        None,
        "Date et heure figées (essais et démonstrations seulement ; vide = l'heure réelle)",
        example="2025-11-20T10:00",
    ),
)

Section = Callable[[Mapping[str, str]], Any]


def catalog() -> tuple[tuple[Setting, ...], dict[str, Section]]:
    """Every declared setting (in `.env.example` order) and the sections parsed by their owners. A new area
    adds its tuple and section here, explicitly."""
    from bot.backup_job import SETTINGS as BACKUP_SETTINGS
    from bot.mail.settings import SETTINGS as MAIL_SETTINGS
    from bot.mail.settings import mail_settings_from_env
    from bot.scheduler import SETTINGS as SCHEDULE_SETTINGS
    from bot.scheduler import schedule_section
    from bot.slack.settings import SETTINGS as SLACK_SETTINGS
    from bot.slack.settings import slack_settings_from_env

    settings = (*CORE_SETTINGS, *BACKUP_SETTINGS, *MAIL_SETTINGS, *SCHEDULE_SETTINGS, *SLACK_SETTINGS)
    sections: dict[str, Section] = {
        "mail": mail_settings_from_env,
        "scheduler": schedule_section,
        "slack": slack_settings_from_env,
    }
    return settings, sections


def declared() -> list[Setting]:
    return list(catalog()[0])


@dataclass(frozen=True)
class Settings:
    values: Mapping[str, Any]
    # The merged raw environment (for sections parsed by their owner).
    env: Mapping[str, str] = field(repr=False)
    sections: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def section(self, name: str) -> Any:
        return self.sections.get(name)

    @property
    def mail(self) -> MailSettings | None:
        found: MailSettings | None = self.sections.get("mail")
        return found

    @property
    def slack(self) -> SlackSettings | None:
        found: SlackSettings | None = self.sections.get("slack")
        return found

    @property
    def schedule(self) -> ScheduleConfig:
        from bot.scheduler import ScheduleConfig

        found: ScheduleConfig | None = self.sections.get("scheduler")
        return found or ScheduleConfig()

    @property
    def db_path(self) -> Path:
        path: Path = self.values["EXPE50_DB"]
        return path

    @property
    def operator_id(self) -> str:
        return str(self.values["EXPE50_OPERATOR"]) or "operateur-local"

    def now(self) -> datetime:
        """The current time in Paris (or the frozen EXPE50_NOW): the edge where the clock is read."""
        frozen: datetime | None = self.values.get("EXPE50_NOW")
        return frozen.astimezone(PARIS) if frozen else datetime.now(PARIS)


def load_settings(
    environ: Mapping[str, str] | None = None,
    env_file: Path | None = Path(".env"),
    overrides: Mapping[str, str] | None = None,
) -> Settings:
    """Read every declared setting once. `overrides` (command-line options such as --db) win over both."""
    declared_settings, declared_sections = catalog()
    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    merged.update(overrides or {})
    values: dict[str, Any] = {}
    for setting in declared_settings:
        raw = merged.get(setting.name)
        if raw is None or (raw.strip() == "" and setting.default is not None):
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as error:
            raise ConfigError(setting.name, str(error)) from None
    sections: dict[str, Any] = {}
    for name, parse in declared_sections.items():
        try:
            sections[name] = parse(merged)
        except ValueError as error:
            raise ConfigError(_variable_in(str(error)), str(error)) from None
    return Settings(MappingProxyType(values), MappingProxyType(merged), MappingProxyType(sections))


def _variable_in(message: str) -> str:
    first = message.split()[0] if message.split() else "?"
    return first.strip(":,") if first.isupper() or "_" in first else "?"


def env_example() -> str:
    """The text of `.env.example`, generated from the declared settings."""
    lines = ["# Réglages de Expé 50 bot : copiez ce fichier en .env et décommentez ce que vous changez."]
    for setting in declared():
        lines.append("")
        lines.append(f"# {setting.help}")
        value = (
            setting.example
            if setting.example is not None
            else ("" if setting.default is None else setting.default)
        )
        lines.append(f"# {setting.name}={value}")
    return "\n".join(lines) + "\n"
