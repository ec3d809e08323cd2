"""`question <texte>` (and any text that is not a command): the rules' answer, with its sources.

A question the answerer cannot settle (`needs_human`) asked in Slack or at the console is handed over to the
ARS agents through `ctx.desk` (handlers.ports.HandoverDesk), exactly as the mailbox does: the reply then gives
the hand-over's reference. When nobody can receive hand-overs (no desk, or a desk with no agents' channel, no
mailbox and no ARS member), the reply does not promise an answer: it says whom to contact instead.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from handlers.context import Context, Invocation
from handlers.errors import UserError
from handlers.registry import command
from handlers.reply import Reply, Status
from handlers.text_edge import QUESTION_MAX, InputTooLong
from templates import text

Answerer = Callable[[str, datetime, Any], Reply]
HANDOVER_DOORS = ("slack", "console", "cli")  # the mailbox hands over by itself (bot/mail/processor.py)


def _answerer() -> Answerer | None:
    # Imported by name: the question answerer is its own package (handlers/questions), loaded when present.
    try:
        module = importlib.import_module("handlers.questions")
    except ImportError:
        return None
    found = getattr(module, "answer_question", None)
    return cast(Answerer, found) if callable(found) else None


@command("question", rest=True, store_free=True, aliases=("q", "questions"))
def question(inv: Invocation, ctx: Context) -> Reply:
    asked = inv.rest.strip()
    if not asked:
        raise UserError("commands.question.empty", usage=("question", None))
    if len(asked) > QUESTION_MAX:
        raise InputTooLong(QUESTION_MAX)
    answer = _answerer()
    if answer is None:
        return Reply(Status.UNKNOWN, text("commands.question.unavailable"), needs_human=True)
    reply = answer(asked, inv.request.now, ctx.params)
    if reply.data.get("choices") and inv.request.channel in HANDOVER_DOORS:
        # Close readings are offered first (a button, or the number at the console); the last choice, or
        # saying so, hands over. Nothing is handed over yet.
        return replace(reply, needs_human=False)
    if reply.needs_human and inv.request.channel in HANDOVER_DOORS:
        return _hand_over(reply, inv, ctx, asked)
    return reply


def _hand_over(reply: Reply, inv: Invocation, ctx: Context, asked: str) -> Reply:
    promise = text("questions.handover.to_agent")
    body = [paragraph for paragraph in reply.body if paragraph != promise]
    handover = ctx.desk.hand_over(inv.request, asked) if ctx.desk is not None else None
    if handover is None:
        partial = text("questions.handover.partial")
        body = [paragraph for paragraph in body if paragraph != partial]
        title = (
            text("handover.title_nobody") if reply.title == text("questions.title.unknown") else reply.title
        )
        return replace(
            reply, title=title, body=[*body, text("handover.nobody")], data={**reply.data, "handover": None}
        )
    body.append(text("handover.created", reference=handover.reference))
    return replace(reply, body=body, data={**reply.data, "handover": handover.reference})
