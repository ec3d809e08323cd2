"""`aide [commande]`: the help, generated from the registry, showing only what this member may run."""

from __future__ import annotations

from handlers.context import Context, Invocation
from handlers.errors import UserError
from handlers.registry import CommandSpec, command, registry
from handlers.reply import Action, Fact, Reply, Status
from handlers.values import DATE_FORMATS, MONTH_FORMATS, fold, formats_text
from templates import has_text, text

# The order of the help: the table first; commands of other areas follow in registration order.
_ORDER = (
    "aide",
    "question",
    "eligibilite",
    "etablissement",
    "had",
    "convention",
    "membre",
    "adressage",
    "administration",
    "fin",
    "annuler",
    "patients",
    "forfaits",
    "bilan",
    "echeances",
    "rappels",
)


def _rank(spec: CommandSpec) -> tuple[int, int]:
    return (_ORDER.index(spec.verb) if spec.verb in _ORDER else len(_ORDER), spec.order)


def _line(spec: CommandSpec) -> str:
    usage = text(spec.usage) if has_text(spec.usage) else spec.name
    summary = text(spec.help) if has_text(spec.help) else ""
    return text("commands.aide.line", usage=usage, summary=summary)


@command("aide", rest=True, aliases=("help", "?", "aidez-moi"))
def aide(inv: Invocation, ctx: Context) -> Reply:
    allowed = sorted(
        (spec for spec in registry.all() if spec.allows(inv.actor.role) and not spec.verb.startswith("_")),
        key=_rank,
    )
    wanted = fold(inv.rest.strip())
    if wanted:
        words = wanted.split()
        verb = registry.verb(words[0])
        if verb is None:
            closest = registry.closest(words[0])
            if closest:
                raise UserError("commands.error.unknown_verb_closest", verb=words[0], closest=closest)
            raise UserError("commands.error.unknown_verb", verb=words[0])
        chosen = [s for s in allowed if s.verb == verb and (len(words) < 2 or s.sub in (None, words[1]))]
        every = [s for s in registry.all() if s.verb == verb]
        if not chosen:
            raise UserError("commands.error.help_denied", command=verb, role=_role(inv))
        body = []
        for spec in chosen:
            body.append(_line(spec))
            detail = spec.help.removesuffix(".help") + ".detail"
            if has_text(detail):
                body.append(text(detail))
        return Reply(
            Status.OK,
            text("commands.aide.one_title", command=verb),
            body=body,
            data={"commands": [s.name for s in chosen], "known": [s.name for s in every]},
        )
    body = [
        text(
            "commands.aide.intro",
            dates=formats_text(DATE_FORMATS, examples=False),
            months=formats_text(MONTH_FORMATS, examples=False),
        )
    ]
    body.extend(_line(spec) for spec in allowed)
    body.append(text("commands.aide.outro"))
    facts = [Fact(text("commands.aide.you_are"), _role(inv))]
    actions = []
    if ctx.repo.is_empty() and inv.actor.operator:
        body.insert(0, text("commands.aide.first_steps"))
        actions.append(Action(text("commands.aide.action_demo"), "aide etablissement"))
    return Reply(
        Status.OK,
        text("commands.aide.title"),
        body=body,
        facts=facts,
        actions=actions,
        data={"commands": [s.name for s in allowed]},
    )


def _role(inv: Invocation) -> str:
    if inv.actor.operator:
        return text("commands.role.operator")
    if inv.actor.role is None:
        return text("commands.role.none")
    return text(f"commands.role.{inv.actor.role.value}")
