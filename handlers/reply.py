"""The transport-free request and reply that every channel (Slack, email, console) shares.

A Reply is structured data, rendered by bot.render into Block Kit, email text+HTML or console text. It holds
French text already filled from templates/, but no markup of any channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from handlers.tables import TableFile
from rules.reasons import Confidence, Source

Channel = Literal["slack", "email", "console", "cli", "scheduler"]


@dataclass(frozen=True)
class Request:
    """Who asks (a stable member id: Slack user id or email; None when unknown), what they typed after
    `/expe50`, through which channel, and when (`now` is injected, timezone-aware, never read from a
    clock)."""

    member_id: str | None
    text: str
    channel: Channel
    now: datetime
    # A key that identifies one delivery of this request (Slack retry, email Message-ID): the same key twice
    # has one effect.
    delivery_id: str | None = None


class Status(StrEnum):
    OK = "ok"  # the command did what was asked
    WARNING = "warning"  # done, but something needs attention (e.g. a referral that will not be paid)
    ERROR = "error"  # a user error: nothing changed
    DENIED = "denied"  # no right to do this: nothing changed
    UNKNOWN = "unknown"  # the rules cannot settle it: honest "I don't know", handed to a human


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class ReasonLine:
    """A reason as the user reads it: a French sentence, its source, how sure we are, and its outcome."""

    text: str
    source: Source
    confidence: Confidence
    outcome: str = "info"


@dataclass(frozen=True)
class Action:
    """A natural next step: a button in Slack, a hint elsewhere. `command` is the /expe50 text it runs;
    `form` names the modal it opens instead (Slack), when there is one."""

    label: str
    command: str
    form: str | None = None


@dataclass
class Reply:
    status: Status
    title: str
    body: list[str] = field(default_factory=list)  # paragraphs of French text
    facts: list[Fact] = field(default_factory=list)
    reasons: list[ReasonLine] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    needs_human: bool = False
    data: dict[str, Any] = field(default_factory=dict)  # what the command computed, JSON-serialisable
    reference: str | None = None  # short reference of the entry written, for `annuler`
    # Files that go with the reply, as typed tables: Slack uploads them, email attaches them, the console
    # names them (bot/export.py writes the bytes; no channel decodes anything out of `data`).
    attachments: list[TableFile] = field(default_factory=list)

    @property
    def handed_over(self) -> bool:
        """A person will look at it: needs_human, unless the question command found nobody to hand it to
        (data["handover"] is None) — then no channel may promise an answer."""
        return self.needs_human and ("handover" not in self.data or self.data["handover"] is not None)

    @property
    def ok(self) -> bool:
        return self.status in (Status.OK, Status.WARNING)

    def reasons_beyond_body(self) -> list[ReasonLine]:
        """The reasons whose sentence is not already a paragraph of the body: those are shown with their
        text; the others only lend their source (a question's answer is often its reasons, word for word)."""
        said = set(self.body)
        return [reason for reason in self.reasons if reason.text not in said]

    def body_citations(self) -> list[tuple[Source, Confidence]]:
        """The sources of the reasons the body already says, each once with how sure we are of it, in order
        of first use (the other reasons show their source beside their own sentence)."""
        said = set(self.body)
        seen: dict[tuple[str, Confidence], tuple[Source, Confidence]] = {}
        for reason in self.reasons:
            if reason.text in said:
                seen.setdefault((reason.source.cite(), reason.confidence), (reason.source, reason.confidence))
        return list(seen.values())

    @property
    def sources(self) -> list[str]:
        """The legal sources cited, each once, in order of first use."""
        seen: dict[str, None] = {}
        for reason in self.reasons:
            seen.setdefault(reason.source.cite(), None)
        return list(seen)
