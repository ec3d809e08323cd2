"""Every French sentence a user reads, and the French formats of dates and money.

Two kinds of template live here:
- short sentences in `messages/*.yaml`, one key each, Jinja2 syntax: `text("forfait.inclusion", amount=...)`;
- whole layouts in `*.j2` files (console, email, Slack, reports): `render("email/reply.txt.j2", reply=...)`.

Keys are unique across all message files: a duplicate is an error at load time, not a silent override.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from rules.month import Month

_HERE = Path(__file__).parent

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def date_fr(value: date | datetime) -> str:
    """'16 mai 2025'; the first of the month reads '1er septembre 2026', as French writes it."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS_FR[value.month - 1]} {value.year}"


def datetime_fr(value: datetime) -> str:
    """'2 août 2027 à 09:00' (the caller gives a Europe/Paris time)."""
    return f"{date_fr(value)} à {value:%H:%M}"


def weekday_fr(value: date) -> str:
    return WEEKDAYS_FR[value.weekday()]


def month_fr(value: Month) -> str:
    """'septembre 2025'."""
    return f"{MONTHS_FR[value.month - 1]} {value.year}"


def due_fr(value: date, precision: str = "day") -> str:
    """A deadline's date as users read it: '1er septembre 2027', or 'octobre 2025' when the texts give only
    the month (« en octobre de l'année d'entrée »): a day they do not give is never printed."""
    return f"{MONTHS_FR[value.month - 1]} {value.year}" if precision == "month" else date_fr(value)


def due_on_fr(value: date, precision: str = "day") -> str:
    """'le 1er septembre 2027' / 'en octobre 2025'."""
    return f"en {due_fr(value, precision)}" if precision == "month" else f"le {date_fr(value)}"


def money(value: Decimal | int) -> str:
    """'320,00 €', '1 280,00 €': French decimal comma, space as thousands separator."""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    units, cents = f"{abs(amount):.2f}".split(".")
    groups: list[str] = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return f"{sign}{' '.join(groups)},{cents} €"


def number(value: int | Decimal) -> str:
    """'12 345' for counts; decimals with a comma."""
    if isinstance(value, int) or (isinstance(value, Decimal) and value == value.to_integral_value()):
        text = f"{int(value):,}".replace(",", " ")
        return text
    return str(value).replace(".", ",")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 patient', '3 patients' (French: 0 and 1 take the singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{number(count)} {word}"


FILTERS: dict[str, Any] = {
    "date_fr": date_fr,
    "datetime_fr": datetime_fr,
    "weekday_fr": weekday_fr,
    "month_fr": month_fr,
    "due_fr": due_fr,
    "due_on_fr": due_on_fr,
    "money": money,
    "number": number,
    "plural": plural,
}


def _environment(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_HERE)),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "html.j2"]) if autoescape else False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    return env


@cache
def environment() -> Environment:
    """The environment for layout files: HTML templates are autoescaped, others are not."""
    return _environment(autoescape=True)


@cache
def _messages() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((_HERE / "messages").glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in _flatten(loaded, "").items():
            if key in merged:
                raise ValueError(f"duplicate message key {key!r} in {path.name}")
            merged[key] = value
    return merged


def _flatten(node: Any, prefix: str) -> dict[str, str]:
    if isinstance(node, str):
        return {prefix: node}
    if not isinstance(node, dict):
        raise ValueError(f"message {prefix!r} must be a string or a mapping")
    out: dict[str, str] = {}
    for key, value in node.items():
        out.update(_flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return out


@cache
def _plain_env() -> Environment:
    return _environment(autoescape=False)


def has_text(key: str) -> bool:
    return key in _messages()


@cache
def _compiled(key: str) -> Template:
    # Compiling a Jinja2 string costs about a millisecond: once per key, not once per sentence written.
    return _plain_env().from_string(_messages()[key])


def preload(prefix: str) -> None:
    """Compile now every sentence under `prefix` that needs Jinja2 (about a millisecond each): a service
    answering its first questions pays nothing for them."""
    for key in _messages():
        if key.startswith(prefix) and _simple(key) is None:
            _compiled(key)


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@cache
def _simple(key: str) -> tuple[str, ...] | None:
    """A sentence whose only Jinja2 syntax is `{{ name }}`, split around its placeholders (odd items are
    names); None when it uses more. Filling it is a join, not a Jinja2 render (an import fills 100,000)."""
    source = _messages()[key]
    parts = tuple(_PLACEHOLDER.split(source))
    if any("{" in part or "}" in part for part in parts[::2]):
        return None
    return parts


def text(key: str, **params: Any) -> str:
    """The French sentence `key`, filled with `params`. An unknown key or a missing parameter raises."""
    if not params:
        return _constant(key)  # labels and fixed sentences: rendered once
    if key not in _messages():
        raise KeyError(f"no message {key!r} in templates/messages")
    parts = _simple(key)
    if parts is None:
        return _compiled(key).render(**params).strip()
    filled = [part if index % 2 == 0 else str(params[part]) for index, part in enumerate(parts)]
    return "".join(filled).strip()


@cache
def _constant(key: str) -> str:
    if key not in _messages():
        raise KeyError(f"no message {key!r} in templates/messages")
    return _compiled(key).render().strip()


def render(name: str, **context: Any) -> str:
    """Render a layout file under templates/ (e.g. 'email/reply.html.j2')."""
    return environment().get_template(name).render(**context)
