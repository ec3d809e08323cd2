"""The command registry: every `/expe50` verb declares itself here with a decorator.

A command names its verb (and sub-verb), who may run it, the arguments it takes and the template keys of its
usage and help (`commands.<verb>[.<sub>].usage` / `.help` by default). The help (`aide`), the usage shown in
error messages, the permission check and the argument parsing all come from this one declaration.

Other modules register commands by being imported from `handlers/commands/__init__.py`:

    from handlers.registry import Param, Kind, command, EVERYONE

    @command("rapport", roles={Role.COORDINATION, Role.ADMIN}, positionals=[Param("annee", Kind.YEAR)])
    def report(inv: Invocation, ctx: Context) -> Reply: ...
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from handlers.values import fold
from store.records import Role

if TYPE_CHECKING:
    from handlers.context import Context, Invocation
    from handlers.reply import Reply

Handler = Callable[["Invocation", "Context"], "Reply"]

EVERYONE: frozenset[Role] | None = None  # also members the store does not know
ALL_ROLES = frozenset(Role)
WRITERS = frozenset({Role.SAISIE, Role.COORDINATION, Role.ADMIN})  # "saisie and up"
READERS = frozenset({Role.COORDINATION, Role.ARS, Role.ADMIN})  # forfaits, bilan
COORDINATORS = frozenset({Role.COORDINATION, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    MONTH = "month"
    DATE_OR_MONTH = "date_or_month"
    YEAR = "year"
    YEAR_OR_MONTH = "year_or_month"
    FINESS = "finess"
    INSEE = "insee"
    INSEE_LIST = "insee_list"
    PATIENT = "patient"
    YES_NO = "yes_no"
    COUNT = "count"
    CHOICE = "choice"
    MEMBER = "member"
    EMAIL = "email"


@dataclass(frozen=True)
class Param:
    name: str  # the option key (`had=`) or the positional's name in messages
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommandSpec:
    verb: str
    sub: str | None
    handler: Handler
    roles: frozenset[Role] | None
    positionals: tuple[Param, ...] = ()
    options: tuple[Param, ...] = ()
    free_options: bool = False  # accept key=value pairs not declared (e.g. `<année>=<N>`)
    rest: bool = False  # the whole text after the verb is one free text (question, aide)
    writes: bool = False
    # Runs without the context's store lock (it reads no store): a long question must not hold up writes.
    store_free: bool = False
    usage: str = ""
    help: str = ""
    aliases: tuple[str, ...] = ()
    order: int = 0
    # Who, among the roles, may act on a given entry (template key; annuler, modifier: its author, the site's
    # coordination, an admin): the refusal and the bot's answer about the command both say it from here.
    scope: str = ""

    @property
    def name(self) -> str:
        return f"{self.verb} {self.sub}" if self.sub else self.verb

    def allows(self, role: Role | None) -> bool:
        return self.roles is None or (role is not None and role in self.roles)

    def option(self, key: str) -> Param | None:
        folded = fold(key)
        return next((p for p in self.options if fold(p.name) == folded), None)


@dataclass
class Registry:
    _commands: dict[tuple[str, str | None], CommandSpec] = field(default_factory=dict)
    _aliases: dict[str, str] = field(default_factory=dict)

    def add(self, spec: CommandSpec) -> None:
        key = (spec.verb, spec.sub)
        if key in self._commands:
            raise ValueError(f"command {spec.name!r} registered twice")
        self._commands[key] = spec
        for alias in spec.aliases:
            self._aliases[fold(alias)] = spec.verb

    def verb(self, typed: str) -> str | None:
        folded = fold(typed)
        folded = self._aliases.get(folded, folded)
        return folded if any(verb == folded for verb, _ in self._commands) else None

    def subs(self, verb: str) -> list[str]:
        return [sub for v, sub in self._commands if v == verb and sub is not None]

    def get(self, verb: str, sub: str | None) -> CommandSpec | None:
        return self._commands.get((verb, sub))

    def all(self) -> list[CommandSpec]:
        return sorted(self._commands.values(), key=lambda spec: spec.order)

    def verbs(self) -> list[str]:
        return list(dict.fromkeys(spec.verb for spec in self.all()))

    def closest(self, typed: str) -> str | None:
        candidates = self.verbs() + list(self._aliases)
        found = difflib.get_close_matches(fold(typed), candidates, n=1, cutoff=0.6)
        return self._aliases.get(found[0], found[0]) if found else None


registry = Registry()


def command(
    verb: str,
    sub: str | None = None,
    *,
    roles: Iterable[Role] | None = EVERYONE,
    positionals: Iterable[Param] = (),
    options: Iterable[Param] = (),
    free_options: bool = False,
    rest: bool = False,
    writes: bool = False,
    store_free: bool = False,
    usage: str | None = None,
    help: str | None = None,
    aliases: Iterable[str] = (),
    scope: str = "",
    target: Registry | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `/expe50 <verb> [<sub>] …`."""

    def decorate(handler: Handler) -> Handler:
        reg = target or registry
        prefix = f"commands.{verb}.{sub}" if sub else f"commands.{verb}"
        reg.add(
            CommandSpec(
                verb=verb,
                sub=sub,
                handler=handler,
                roles=frozenset(roles) if roles is not None else None,
                positionals=tuple(positionals),
                options=tuple(options),
                free_options=free_options,
                rest=rest,
                writes=writes,
                store_free=store_free,
                usage=usage or f"{prefix}.usage",
                help=help or f"{prefix}.help",
                aliases=tuple(aliases),
                order=len(reg.all()),
                scope=scope,
            )
        )
        return handler

    return decorate


def describe(spec: CommandSpec) -> dict[str, Any]:
    """A JSON-friendly description (for `aide --json` and other channels' help)."""
    return {
        "command": spec.name,
        "roles": sorted(r.value for r in spec.roles) if spec.roles is not None else "tous",
        "writes": spec.writes,
    }
