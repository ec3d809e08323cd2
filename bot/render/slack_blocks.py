"""Block Kit primitives under Slack's limits: escaped text objects, sections of grouped lines, and a list of
blocks split into as many messages as Slack's 50-block limit asks, each part numbered.

Nothing here cuts a reply short: a line longer than a section is split, never dropped, and a message that
does not fit becomes several.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from templates import text

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_FALLBACK = 3000  # Slack takes 40,000 but shows no more than 4,000 in a notification


def escape(value: str) -> str:
    """Slack mrkdwn treats &, < and > as control characters (links, mentions): user text must not."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_text(value: str) -> str:
    """The `text` fallback is parsed like mrkdwn (it notifies `<!channel>`, links `<@U…>`): it is escaped
    the same way as the blocks. The bot's own text never holds a real mention, so all of it is escaped."""
    return escape(value)


def cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def plain(value: str, limit: int = MAX_SECTION) -> dict[str, Any]:
    return {"type": "plain_text", "text": cut(value, limit) or " ", "emoji": True}


def mrkdwn(value: str, limit: int = MAX_SECTION) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": cut(value, limit) or " "}


def chunk_lines(lines: Sequence[str], limit: int) -> list[str]:
    """`lines` joined with newlines into pieces of at most `limit` characters; a single longer line is split
    (never dropped). Linear in the total length."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        while len(line) > limit:
            if current:
                pieces.append("\n".join(current))
                current, size = [], 0
            pieces.append(line[:limit])
            line = line[limit:]
        extra = len(line) + (1 if current else 0)
        if current and size + extra > limit:
            pieces.append("\n".join(current))
            current, size, extra = [], 0, len(line)
        current.append(line)
        size += extra
    if current:
        pieces.append("\n".join(current))
    return pieces


def text_sections(value: str, limit: int = MAX_SECTION) -> list[Block]:
    """`value` (already escaped) as sections of at most `limit` characters, split on line ends: lines are
    grouped into few blocks, not one block each."""
    return [
        {"type": "section", "text": mrkdwn(piece, limit)}
        for piece in chunk_lines(value.split("\n"), limit)
        if piece.strip()
    ]


def split_messages(
    fallback: str, blocks: Sequence[Block], tail: Sequence[Block] = ()
) -> list[dict[str, Any]]:
    """`blocks` then `tail` (the next steps) as one message when they fit Slack's 50 blocks, else as several,
    each within the limit and ending with a « partie n/N » note (its fallback text says it too). `fallback`
    is the escaped notification text."""
    everything = [*blocks, *tail]
    if len(everything) <= MAX_BLOCKS:
        return [{"text": fallback, "blocks": everything}]
    room = MAX_BLOCKS - 1  # one block for the note
    parts = [everything[start : start + room] for start in range(0, len(everything), room)]
    messages = []
    for number, part in enumerate(parts, start=1):
        note = text("slack.reply.part", number=number, total=len(parts))
        messages.append(
            {
                "text": cut(f"{note} — {fallback}", MAX_FALLBACK),
                "blocks": [*part, {"type": "context", "elements": [mrkdwn(note)]}],
            }
        )
    return messages
