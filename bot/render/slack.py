"""Reply → Slack Block Kit: one header, the body, the facts as fields, the reasons with their sources in a
context block, and buttons for the natural next step.

Slack rejects a whole message when one block breaks a limit (3,000 characters a section, 10 fields, 10 context
elements, 50 blocks, 75 characters a button), so every limit is enforced here rather than trusted to the
handlers. Nothing is cut: the facts (the totals) lead, the body's lines are grouped into as few sections as
Slack allows, and a reply that still does not fit one message is split into numbered parts
(`reply_messages`), every part within Slack's limits.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from bot.render.slack_blocks import (
    MAX_BLOCKS,
    MAX_FALLBACK,
    MAX_SECTION,
    Block,
    cut,
    escape,
    escape_text,
    mrkdwn,
    plain,
    split_messages,
    text_sections,
)
from handlers.reply import Action, Reply, Status
from templates import text

MAX_FIELD = 2000
MAX_FIELDS = 10
MAX_CONTEXT_ELEMENTS = 10
MAX_HEADER = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_BUTTONS = 5  # Slack allows 25 in an actions block; more than a few next steps is noise

# Buttons carry what they do: `RUN_ACTION` runs the /expe50 text in `value`, `FORM_ACTION` opens the modal
# named in `value` (JSON with the form and, when there is one, the command to prefill from).
RUN_ACTION = "expe50.run"
FORM_ACTION = "expe50.form"
# A select of next steps (many patients of an entry reminder): the chosen option's value is the command,
# prefixed with "form:" when it opens a form.
PICK_ACTION = "expe50.pick"

__all__ = ["MAX_BLOCKS", "MAX_SECTION", "Block", "cut", "escape", "escape_text", "mrkdwn", "plain"]


def status_mark(status: Status) -> str:
    return text(f"slack.status.{status.value}")


def reply_message(reply: Reply, forms: Collection[str] = ()) -> dict[str, Any]:
    """The message payload (`text` fallback for notifications + `blocks`) of a reply that fits one message
    (the first part otherwise: use `reply_messages` to deliver a reply whole)."""
    return reply_messages(reply, forms)[0]


def reply_messages(reply: Reply, forms: Collection[str] = ()) -> list[dict[str, Any]]:
    """The messages for chat.postMessage or a response_url: one when the reply fits Slack's 50 blocks, else
    numbered parts, the next steps in the last one. A next step whose verb has a form (`forms`) opens it,
    prefilled, rather than running a command the user has not seen."""
    body, tail = _body_and_tail(reply, forms)
    return split_messages(fallback_text(reply), body, tail)


def fallback_text(reply: Reply) -> str:
    """Notifications and screen readers show this text; it must stand alone (escaped, like the blocks)."""
    lines = [f"{status_mark(reply.status)} {reply.title}", *(f"{f.label} : {f.value}" for f in reply.facts)]
    return cut(escape_text("\n".join([*lines, *reply.body])), MAX_FALLBACK)


def reply_blocks(reply: Reply, forms: Collection[str] = ()) -> list[Block]:
    """Every block of the reply, in order (may exceed one message: `reply_messages` splits)."""
    body, tail = _body_and_tail(reply, forms)
    return body + tail


def _body_and_tail(reply: Reply, forms: Collection[str]) -> tuple[list[Block], list[Block]]:
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"{status_mark(reply.status)} {reply.title}", MAX_HEADER)}
    ]
    # The totals lead: a long body never pushes them out of sight.
    for start in range(0, len(reply.facts), MAX_FIELDS):
        chunk = reply.facts[start : start + MAX_FIELDS]
        fields = [mrkdwn(f"*{escape(fact.label)}*\n{escape(fact.value)}", MAX_FIELD) for fact in chunk]
        blocks.append({"type": "section", "fields": fields})
    # The body's lines grouped: one section holds up to 3,000 characters, not one line each.
    blocks.extend(text_sections("\n".join(escape(paragraph) for paragraph in reply.body)))
    blocks.extend(_reasons(reply))
    notes = []
    if reply.handed_over:
        notes.append(text("slack.reply.needs_human"))
    if reply.reference:
        notes.append(text("slack.reply.reference", reference=reply.reference))
    if notes:
        blocks.append({"type": "context", "elements": [mrkdwn(note, MAX_FIELD) for note in notes]})
    buttons = [
        action_button(with_form(action, forms), index)
        for index, action in enumerate(reply.actions[:MAX_BUTTONS])
    ]
    tail: list[Block] = [{"type": "actions", "block_id": "actions", "elements": buttons}] if buttons else []
    return blocks, tail


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


def with_form(action: Action, forms: Collection[str]) -> Action:
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
    return {
        "text": cut(escape_text(message), MAX_FALLBACK),
        "blocks": [{"type": "section", "text": mrkdwn(message)}],
    }
