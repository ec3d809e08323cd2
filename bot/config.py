"""The settings: ONE frozen object, read once at start-up from the environment and `.env` (python-dotenv).

Each setting is declared once, with its type, default and a one-line help (the help is what `.env.example`
says). A malformed value stops start-up with a French message naming the variable (never its value: it may be
a secret). Real environment variables win over `.env`.

Other areas declare their settings in their own module, imported from `bot/extensions.py`:

    from bot.config import Setting, register, register_section
    register(Setting("EXPE50_HTTP_PORT", parse_port, 3000, "Port HTTP des événements Slack"))
    register_section("slack", slack_settings_from_env)   # parse(env: Mapping[str, str]) -> object | None

and read them with `settings["EXPE50_HTTP_PORT"]` or `settings.section("slack")`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from dotenv import dotenv_values

DEFAULT_DB = Path("data") / "expe50.json"
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


_SETTINGS: dict[str, Setting] = {}
_SECTIONS: dict[str, Callable[[Mapping[str, str]], Any]] = {}


def register(setting: Setting) -> Setting:
    if setting.name in _SETTINGS and _SETTINGS[setting.name] != setting:
        raise ValueError(f"setting {setting.name} declared twice")
    _SETTINGS[setting.name] = setting
    return setting


def register_section(name: str, parse: Callable[[Mapping[str, str]], Any]) -> None:
    """A group of settings parsed together by its owner (e.g. Slack): `parse(env)` returns its settings object
    (or None when that channel is not configured) and raises ValueError naming the variable when malformed."""
    _SECTIONS[name] = parse


def declared() -> list[Setting]:
    return list(_SETTINGS.values())


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


register(
    Setting(
        "EXPE50_DB",
        parse_path,
        DEFAULT_DB,
        "Fichier de la base de données (créé au besoin)",
        example="data/expe50.json",
    )
)
register(
    Setting(
        "EXPE50_LOG_LEVEL",
        parse_log_level,
        "WARNING",
        "Niveau de journalisation (DEBUG, INFO, WARNING, ERROR)",
        example="INFO",
    )
)
register(
    Setting(
        "EXPE50_OPERATOR",
        parse_text,
        "operateur-local",
        "Identifiant de l'opérateur local (console et `expe50 cmd`), qui a le rôle admin",
    )
)
register(
    Setting(
        "EXPE50_NOW",
        parse_now,
        None,
        "Date et heure figées (essais et démonstrations seulement ; vide = l'heure réelle)",
        example="2025-11-20T10:00",
    )
)


@dataclass(frozen=True)
class Settings:
    values: Mapping[str, Any]
    env: Mapping[str, str] = field(
        repr=False
    )  # the merged raw environment (for sections parsed by their owner)
    sections: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def section(self, name: str) -> Any:
        return self.sections.get(name)

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
    import bot.extensions  # noqa: F401  (other areas declare their settings there)

    merged: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ if environ is None else environ)
    merged.update(overrides or {})
    values: dict[str, Any] = {}
    for setting in _SETTINGS.values():
        raw = merged.get(setting.name)
        if raw is None or (raw.strip() == "" and setting.default is not None):
            values[setting.name] = setting.default
            continue
        try:
            values[setting.name] = setting.parse(raw)
        except ValueError as error:
            raise ConfigError(setting.name, str(error)) from None
    sections: dict[str, Any] = {}
    for name, parse in _SECTIONS.items():
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
    for setting in _SETTINGS.values():
        lines.append("")
        lines.append(f"# {setting.help}")
        value = (
            setting.example
            if setting.example is not None
            else ("" if setting.default is None else setting.default)
        )
        lines.append(f"# {setting.name}={value}")
    return "\n".join(lines) + "\n"
