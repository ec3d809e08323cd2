"""A Reply as one JSON object (`expe50 cmd --json`, `expe50 ask --json`)."""

from __future__ import annotations

from typing import Any

from bot.render.text import render_text
from handlers.reply import Reply


def reply_to_json(reply: Reply) -> dict[str, Any]:
    return {
        "ok": reply.ok,
        "status": reply.status.value,
        "text": render_text(reply),
        "sources": reply.sources,
        "needs_human": reply.needs_human,
        "data": reply.data,
        "reference": reply.reference,
    }
