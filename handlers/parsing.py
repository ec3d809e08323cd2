"""From the text after `/expe50` to a command and its typed arguments.

Words are split like a shell does (`nom="Centre Henri Becquerel"` is one argument); typographic quotes are
accepted. Positional arguments come first in their declared order, `clé=valeur` options anywhere.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from handlers import values
from handlers.errors import UserError
from handlers.registry import CommandSpec, Kind, Param, Registry

_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"', "’": "'", "‘": "'", "\u00a0": " "})
_OPTION = re.compile(r"^([A-Za-zÀ-ÿ0-9_-]+)=(.*)$", re.DOTALL)


def tokenize(text: str) -> list[str]:
    cleaned = text.translate(_QUOTES).strip()
    try:
        return shlex.split(cleaned, posix=True)
    except ValueError:
        raise UserError("commands.error.quotes") from None


def split_verb(registry: Registry, tokens: list[str]) -> tuple[CommandSpec | None, int]:
    """The command the tokens name and how many tokens the verb (and sub-verb) took; (None, 0) if the first
    word is no verb. Raises UserError for a known verb with a missing or unknown sub-verb."""
    if not tokens:
        return None, 0
    verb = registry.verb(tokens[0])
    if verb is None:
        return None, 0
    subs = registry.subs(verb)
    if subs:
        sub = values.fold(tokens[1]) if len(tokens) > 1 else None
        if sub in subs:
            spec = registry.get(verb, sub)
            assert spec is not None
            return spec, 2
        bare = registry.get(verb, None)
        if bare is not None:
            return bare, 1
        raise UserError("commands.error.sub_verb", usage=(verb, None), verb=verb, subs=" | ".join(subs))
    spec = registry.get(verb, None)
    assert spec is not None
    return spec, 1


def bind(spec: CommandSpec, words: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Typed values of the declared arguments, and the undeclared `clé=valeur` pairs (free_options only)."""
    usage = (spec.verb, spec.sub)
    args: dict[str, Any] = {}
    extra: dict[str, str] = {}
    positionals: list[str] = []
    for word in words:
        match = _OPTION.match(word)
        if match is None:
            positionals.append(word)
            continue
        key, raw = match.group(1), match.group(2)
        param = spec.option(key)
        if param is None:
            if spec.free_options:
                extra[key] = raw
                continue
            known = " ".join(f"{p.name}=" for p in spec.options) or "aucune"
            raise UserError("commands.error.unknown_option", usage=usage, option=key, known=known)
        if param.name in args:
            raise UserError("commands.error.repeated_option", usage=usage, option=param.name)
        if not raw.strip():
            raise UserError("commands.error.empty_option", usage=usage, option=param.name)
        args[param.name] = _convert(param, raw, usage)
    if len(positionals) > len(spec.positionals):
        raise UserError(
            "commands.error.too_many", usage=usage, count=len(positionals) - len(spec.positionals)
        )
    for param, raw in zip(spec.positionals, positionals, strict=False):
        args[param.name] = _convert(param, raw, usage)
    for param in (*spec.positionals, *spec.options):
        if param.required and param.name not in args:
            raise UserError("commands.error.missing", usage=usage, name=param.name)
    return args, extra


def _convert(param: Param, raw: str, usage: tuple[str, str | None]) -> Any:
    try:
        return convert(param, raw)
    except UserError as error:
        error.usage = error.usage or usage
        raise


def convert(param: Param, raw: str) -> Any:
    name = param.name
    match param.kind:
        case Kind.TEXT:
            return raw.strip()
        case Kind.DATE:
            return values.parse_date(raw, name)
        case Kind.MONTH:
            return values.parse_month(raw, name)
        case Kind.DATE_OR_MONTH:
            return values.parse_date_or_month(raw, name)
        case Kind.YEAR:
            return values.parse_year(raw, name)
        case Kind.YEAR_OR_MONTH:
            return values.parse_year_or_month(raw, name)
        case Kind.FINESS:
            return values.parse_finess(raw, name)
        case Kind.INSEE:
            return values.parse_insee(raw, name)
        case Kind.INSEE_LIST:
            return values.parse_insee_list(raw, name)
        case Kind.PATIENT:
            return values.parse_patient(raw, name)
        case Kind.YES_NO:
            return values.parse_yes_no(raw, name)
        case Kind.COUNT:
            return values.parse_count(raw, name)
        case Kind.CHOICE:
            return values.parse_choice(raw, name, param.choices)
        case Kind.MEMBER:
            return values.parse_member_ref(raw)
        case Kind.EMAIL:
            return values.parse_email(raw, name)
    raise AssertionError(param.kind)
