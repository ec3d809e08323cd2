"""Reply → Slack Block Kit: one header, the body, the facts as fields, the reasons with their sources in a
context block, and buttons for the natural next step.

Slack rejects a whole message when one block breaks a limit (3,000 characters a section, 10 fields, 10 context
elements, 50 blocks, 75 characters a button), so every limit is enforced here rather than trusted to the
handlers: a long reply is cut with a visible note, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from handlers.reply import Action, Reply, Status
from templates import text

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_FIELD = 2000
MAX_FIELDS = 10
MAX_CONTEXT_ELEMENTS = 10
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_BUTTONS = 5  # Slack allows 25 in an actions block; more than a few next steps is noise
MAX_FALLBACK = 3000

# Buttons carry what they do: `RUN_ACTION` runs the /expe50 text in `value`, `FORM_ACTION` opens the modal
# named in `value` (JSON with the form and, when there is one, the command to prefill from).
RUN_ACTION = "expe50.run"
FORM_ACTION = "expe50.form"


def escape(value: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters (links, mentions): user text must not."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def plain(value: str, limit: int = MAX_SECTION) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(value, limit) or " ", "emoji": True}


def mrkdwn(value: str, limit: int = MAX_SECTION) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(value, limit) or " "}


def status_mark(status: Status) -> str:
    return text(f"slack.status.{status.value}")


def reply_message(reply: Reply, forms: Collection[str] = ()) -> dict[str, Any]:
    """The message payload (`text` fallback for notifications + `blocks`) for chat.postMessage, respond()
    or the slash-command ack. A next step whose verb has a form (`forms`) opens it, prefilled, rather than
    running a command the user has not seen."""
    return {"text": fallback_text(reply), "blocks": reply_blocks(reply, forms)}


def fallback_text(reply: Reply) -> str:
    """Notifications and screen readers show this text; it must stand alone."""
    lines = [f"{status_mark(reply.status)} {reply.title}", *reply.body]
    return cut("\n".join(lines), MAX_FALLBACK)


def reply_blocks(reply: Reply, forms: Collection[str] = ()) -> list[Block]:
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"{status_mark(reply.status)} {reply.title}", MAX_HEADER)}
    ]
    for paragraph in reply.body:
        blocks.extend(_sections(escape(paragraph)))
    for start in range(0, len(reply.facts), MAX_FIELDS):
        chunk = reply.facts[start : start + MAX_FIELDS]
        fields = [mrkdwn(f"*{escape(fact.label)}*\n{escape(fact.value)}", MAX_FIELD) for fact in chunk]
        blocks.append({"type": "section", "fields": fields})
    blocks.extend(_reasons(reply))
    notes = []
    if reply.needs_human:
        notes.append(text("slack.reply.needs_human"))
    if reply.reference:
        notes.append(text("slack.reply.reference", reference=reply.reference))
    if notes:
        blocks.append({"type": "context", "elements": [mrkdwn(note, MAX_FIELD) for note in notes]})
    buttons = [
        action_button(_with_form(action, forms), index)
        for index, action in enumerate(reply.actions[:MAX_BUTTONS])
    ]
    tail: list[Block] = [{"type": "actions", "block_id": "actions", "elements": buttons}] if buttons else []
    return _fit(blocks, tail)


def _sections(value: str) -> list[Block]:
    """A paragraph longer than a section holds is split on line ends where possible."""
    out: list[Block] = []
    while value:
        if len(value) <= MAX_SECTION:
            piece, value = value, ""
        else:
            split = value.rfind("\n", 0, MAX_SECTION)
            split = split if split > 0 else MAX_SECTION
            piece, value = value[:split], value[split:].lstrip("\n")
        out.append({"type": "section", "text": mrkdwn(piece)})
    return out


def _reasons(reply: Reply) -> list[Block]:
    if not reply.reasons:
        return []
    elements = [
        mrkdwn(
            text(
                "slack.reply.reason",
                mark=text(f"slack.outcome.{reason.outcome}")
                if reason.outcome in ("met", "not_met", "unknown", "info")
                else text("slack.outcome.info"),
                text=escape(reason.text),
                source=escape(reason.source.cite()),
                confidence=text(f"confidence.{reason.confidence.value}"),
            ),
            MAX_FIELD,
        )
        for reason in reply.reasons_beyond_body()
    ]
    if reply.body_citations():
        cited = " ; ".join(
            f"{source.cite()} ({text(f'confidence.{sure.value}')})" for source, sure in reply.body_citations()
        )
        elements.append(mrkdwn(text("slack.reply.sources", sources=escape(cited)), MAX_FIELD))
    if not elements:
        return []
    return [
        {"type": "context", "elements": elements[start : start + MAX_CONTEXT_ELEMENTS]}
        for start in range(0, len(elements), MAX_CONTEXT_ELEMENTS)
    ]


def _fit(blocks: list[Block], tail: list[Block]) -> list[Block]:
    """Keep the buttons (the next step) even when the body must be cut to fit Slack's block limit."""
    room = MAX_BLOCKS - len(tail)
    if len(blocks) > room:
        blocks = [
            *blocks[: room - 1],
            {"type": "context", "elements": [mrkdwn(text("slack.reply.truncated"))]},
        ]
    return blocks + tail


def _with_form(action: Action, forms: Collection[str]) -> Action:
    verb = action.command.split(maxsplit=1)[0] if action.command.strip() else ""
    if action.form is None and verb in forms:
        return Action(action.label, action.command, form=verb)
    return action


def action_button(action: Action, index: int) -> Block:
    """A button for a next step. The action id is unique per message (Slack requires it) and starts with the
    kind of action, which is what the listeners match on."""
    if action.form:
        value = json.dumps({"form": action.form, "command": action.command}, ensure_ascii=False)
        action_id = f"{FORM_ACTION}.{index}"
    else:
        value = action.command
        action_id = f"{RUN_ACTION}.{index}"
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": plain(action.label, MAX_BUTTON_TEXT),
        "value": cut(value, MAX_BUTTON_VALUE),
    }
    if index == 0:
        button["style"] = "primary"
    return button


def simple_message(message: str) -> dict[str, Any]:
    """A one-line message (acknowledgements, errors of the channel itself)."""
    return {"text": cut(message, MAX_FALLBACK), "blocks": [{"type": "section", "text": mrkdwn(message)}]}
