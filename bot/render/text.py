"""A Reply as console text (the console and `expe50 cmd`): title, facts, body, reasons with their sources and
how sure we are, next steps. The layout is templates/console/reply.txt.j2."""

from __future__ import annotations

from handlers.reply import Reply, Status
from templates import render, text

_MARKS = {
    Status.OK: "✔",
    Status.WARNING: "⚠",
    Status.ERROR: "✘",
    Status.DENIED: "⛔",
    Status.UNKNOWN: "?",
}


def render_text(reply: Reply) -> str:
    confidence = {key: text(f"confidence.{key}") for key in ("T", "S", "I")}
    out = render(
        "console/reply.txt.j2",
        reply=reply,
        mark=_MARKS.get(reply.status, "•"),
        confidence=confidence,
        reasons_title=text("console.reasons"),
        sources_title=text("console.sources"),
        next_title=text("console.next"),
        human=text("console.needs_human"),
        # The reference once: at the end, unless a fact already shows it.
        reference=text("console.reference", reference=reply.reference)
        if reply.reference and all(fact.value != reply.reference for fact in reply.facts)
        else "",
    )
    return out.rstrip() + "\n"


def greeting(db: str, *, empty: bool, demo: bool = False) -> str:
    return render("console/greeting.txt.j2", db=db, empty=empty, demo=demo).rstrip() + "\n"
