"""The one entry point of the command language: `dispatch(request, ctx) -> Reply`, for every channel.

It screens the text for health data first, finds the command (or sends free text to the question answerer),
checks the member's right to run it, parses the arguments, and runs the handler. It never raises: a user error
becomes a French reply with the right form of the command; an unexpected error is logged (without the user's
text, which may hold health data) and becomes a French "internal error" reply.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from contextlib import nullcontext

import handlers.commands  # noqa: F401  (registers every command)
from handlers import faults, health_data, text_edge
from handlers.context import Context, Invocation
from handlers.errors import HealthDataRefused, PermissionDenied, UserError
from handlers.parsing import bind, split_verb, tokenize
from handlers.registry import CommandSpec, Registry, registry
from handlers.reply import Reply, Request, Status
from store.errors import WriteFailed
from templates import has_text, text

log = logging.getLogger("expe50.dispatch")

_PREFIX = re.compile(r"^\s*/?expe50\b\s*", re.IGNORECASE)
QUESTION_VERB = "question"
HELP_VERB = "aide"


def dispatch(request: Request, ctx: Context, *, commands: Registry | None = None) -> Reply:
    """Never raises. The store lock is held from routing to the reply, except for the commands that read no
    store (questions): those are understood without it, so a long question never holds up a write."""
    return _dispatch(request, ctx, commands or registry)


def at_edge(request: Request) -> Request:
    """The request with its text and ids made safe (`handlers.text_edge`), or InputTooLong."""
    return dataclasses.replace(
        request,
        # Lines are kept: a quoted form value may hold a paragraph break.
        text=text_edge.edge_text(request.text, text_edge.COMMAND_MAX, multiline=True),
        member_id=None
        if request.member_id is None
        else text_edge.edge_text(request.member_id, text_edge.ID_MAX),
        delivery_id=None
        if request.delivery_id is None
        else text_edge.edge_text(request.delivery_id, text_edge.ID_MAX),
    )


def screen_request(request: Request) -> None:
    """HealthDataRefused when the text or the member id reads as health data (logged without the text)."""
    finding = health_data.screen(request.text) or health_data.screen(request.member_id or "")
    if finding is not None:
        log.warning("request refused: %s (channel=%s)", finding.value, request.channel)
        raise HealthDataRefused(f"commands.health.{finding.value}")


def dispatch_words(request: Request, words: list[str], ctx: Context) -> Reply:
    """The same path as `dispatch` for a command already split into words (a spreadsheet row, a corrected
    entry): the same health-data screen (on `request.text`, which holds every word), rights, parsing and
    handler, without re-quoting values that may hold spaces or quotes."""
    return _dispatch(request, ctx, registry, words)


def _dispatch(request: Request, ctx: Context, reg: Registry, words_given: list[str] | None = None) -> Reply:
    verb = "?"
    try:
        request = at_edge(request)
        screen_request(request)
        if words_given is None:
            spec, words, rest = _route(reg, request.text)
        else:
            words_given = [text_edge.edge_text(w, text_edge.COMMAND_MAX, multiline=True) for w in words_given]
            found, used = split_verb(reg, words_given)
            if found is None:
                raise UserError(
                    "commands.error.unknown_verb", verb=words_given[0][:40] if words_given else ""
                )
            spec, words, rest = found, words_given[used:], " ".join(words_given[used:])
        verb = spec.name
        with ctx.lock:
            actor = ctx.actor(request)
        if not spec.allows(actor.role):
            raise PermissionDenied("commands.error.denied", command=spec.name, role=_role_label(actor.role))
        with nullcontext() if spec.store_free else ctx.lock:
            if spec.writes and request.delivery_id and ctx.repo.delivery_seen(request.delivery_id):
                reference = ctx.repo.delivery_reference(request.delivery_id)
                return Reply(
                    Status.OK, text("commands.delivery.seen"), reference=reference, data={"duplicate": True}
                )
            if spec.rest:
                args: dict[str, object] = {}
                extra: dict[str, str] = {}
            else:
                args, extra = bind(spec, words)
            reply = spec.handler(Invocation(request, spec, actor, args, extra, rest), ctx)
        log.info("command %s: %s (channel=%s)", verb, reply.status.value, request.channel)
        return reply
    except UserError as error:
        log.info("command %s: user error %s (channel=%s)", verb, error.key, request.channel)
        return error_reply(error, reg)
    except WriteFailed as error:
        # Rolled back by the store: nothing was kept. Say why and the way out, not "internal error".
        log.error("command %s: write failed: %s", verb, error)
        return Reply(
            Status.ERROR,
            text("fault.write_failed"),
            body=[faults.describe(error, error.path)],
            data={"error": "write_failed"},
        )
    except Exception as error:
        # The message of an exception may quote user input: log its type and where it happened only.
        log.error("internal error in %s: %s", verb, faults.where(error))
        return Reply(
            Status.ERROR, text("commands.error.internal"), body=[text("commands.error.internal_body")]
        )


def _route(reg: Registry, raw: str) -> tuple[CommandSpec, list[str], str]:
    body = _PREFIX.sub("", raw, count=1).strip()
    if not body:
        help_spec = reg.get(HELP_VERB, None)
        if help_spec is None:
            raise UserError("commands.error.empty")
        return help_spec, [], ""
    first = body.split(maxsplit=1)[0]
    if reg.verb(first) is not None:
        try:
            tokens = tokenize(body)
        except UserError:
            # Free-text commands (`question`, `repondre`) take French as typed: an apostrophe is no quote.
            tokens = body.split()
            free, _ = split_verb(reg, tokens)
            if free is None or not free.rest:
                raise
        spec, used = split_verb(reg, tokens)
        if spec is None:  # the first word alone is a verb but not as the tokenizer cut it: a typo
            raise UserError("commands.error.unknown_verb", verb=first[:40])
        rest = _rest_after(body, used)
        return spec, tokens[used:], rest
    question = reg.get(QUESTION_VERB, None)
    if _looks_like_command(body) or question is None:
        closest = reg.closest(first)
        if closest:
            raise UserError("commands.error.unknown_verb_closest", verb=first[:40], closest=closest)
        raise UserError("commands.error.unknown_verb", verb=first[:40])
    return question, [], body


def _rest_after(body: str, used: int) -> str:
    parts = body.split(maxsplit=used)
    return parts[used] if len(parts) > used else ""


def _looks_like_command(body: str) -> bool:
    """A mistyped verb rather than a question: no question mark, and a single word, or `clé=valeur`, or a word
    with digits (a date, a FINESS, a patient code) — questions are sentences."""
    if "?" in body:
        return False
    words = body.split()
    if len(words) == 1:
        return len(words[0]) <= 20 and words[0].isalpha()
    return any("=" in w for w in words) or any(any(c.isdigit() for c in w) for w in words[1:3])


def _role_label(role: object) -> str:
    key = f"commands.role.{getattr(role, 'value', 'none')}"
    return text(key) if has_text(key) else str(role)


def usage_text(verb: str, sub: str | None, reg: Registry | None = None) -> str | None:
    spec = (reg or registry).get(verb, sub)
    if spec is None:
        return None
    return text(spec.usage) if has_text(spec.usage) else None


def error_reply(error: UserError, reg: Registry | None = None) -> Reply:
    status = Status.DENIED if isinstance(error, PermissionDenied) else Status.ERROR
    body: list[str] = []
    if isinstance(error, HealthDataRefused):
        body.append(text("commands.health.explain"))
    if error.usage is not None:
        usage = usage_text(error.usage[0], error.usage[1], reg)
        if usage:
            body.append(text("commands.error.usage", usage=usage))
    if error.key == "commands.error.unknown_verb" or error.key == "commands.error.unknown_verb_closest":
        body.append(text("commands.error.see_help"))
    data: dict[str, object] = {"error": error.key}
    if isinstance(error.params.get("name"), str):
        data["field"] = error.params["name"]  # which argument was wrong (an import names its column)
    return Reply(status, text(error.key, **error.params), body=body, data=data)
