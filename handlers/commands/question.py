"""`question <texte>` (and any text that is not a command): the rules' answer, with its sources."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from handlers.context import Context, Invocation
from handlers.errors import UserError
from handlers.registry import command
from handlers.reply import Reply, Status
from handlers.text_edge import QUESTION_MAX, InputTooLong
from templates import text

Answerer = Callable[[str, datetime, Any], Reply]


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
    return answer(asked, inv.request.now, ctx.params)
