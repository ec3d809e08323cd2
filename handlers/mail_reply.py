"""What to do with a decoded email the guard let through: answer it, hand it to an agent, or refuse it.

Pure: the rules are reached through the `answer` callable (text -> Reply), so this module decides and the
runtime acts. The bot never invents an answer: anything the rules do not settle with an OK/WARNING reply
goes to a human, and so does a message whose writer asks for one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from handlers.mail_message import IncomingMail, one_line
from handlers.questions.normalize import fold
from handlers.reply import Reply, Status
from handlers.text_edge import QUESTION_MAX

Action = Literal["answer", "choose", "handover", "refuse"]

# "agent", "un humain", "parler à quelqu'un": the writer wants a person, whatever the rules could say.
_HUMAN_RE = re.compile(
    r"^\s*(?:agent|humain)\b|\b(?:parler|repondre)\s+a\s+(?:un|une)\s+(?:agent|humain|personne)\b"
)
MAX_REFERENCES = 20  # a long thread keeps its root and the latest ids (RFC 5322 §3.6.4)


@dataclass(frozen=True)
class MailPlan:
    action: Action
    reason: str  # template id under mail.reason.* (why a human or a refusal), "answered" for an answer
    reply: Reply | None = (
        None  # the rules' reply, for "answer"/"choose" (and kept for context on a hand-over)
    )


def asks_for_person(text: str) -> bool:
    """« agent », « je voudrais parler à un humain »: the writer wants a person."""
    return _HUMAN_RE.search(fold(text)) is not None


def plan(mail: IncomingMail, answer: Callable[[str], Reply]) -> MailPlan:
    if mail.identifier is not None:
        return MailPlan("refuse", "identifier")
    question = mail.question.strip()
    if not question:
        return MailPlan("handover", "empty")
    if len(question) > QUESTION_MAX:
        # More than a question: a person reads it (the answerer is never run on an unbounded text).
        return MailPlan("handover", "too_long")
    if asks_for_person(question):
        return MailPlan("handover", "human_requested")
    reply = answer(question)
    if reply.data.get("choices") and reply.status is Status.UNKNOWN:
        # Close readings: offered numbered (the asker replies with a number), handed over only when none fits.
        return MailPlan("choose", "choices", reply)
    if reply.needs_human or reply.status is Status.UNKNOWN:
        reason = (
            "out_of_scope"
            if reply.data.get("scope") == "out" or reply.data.get("out_of_scope")
            else "unsettled"
        )
        return MailPlan("handover", reason, reply)
    if not reply.ok:
        return MailPlan("handover", "error", reply)
    return MailPlan("answer", "answered", reply)


def reply_subject(subject: str, default: str) -> str:
    """'Re: <subject>' without piling up prefixes ('RE: Re: ...'), on one line."""
    clean = one_line(subject)
    if not clean:
        return f"Re: {default}"
    if re.match(r"^\s*re\s*:", clean, re.IGNORECASE):
        return "Re: " + re.sub(r"^(?:\s*re\s*:\s*)+", "", clean, flags=re.IGNORECASE)
    return f"Re: {clean}"


def thread_ids(message_id: str, references: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """(In-Reply-To, References) of a reply to `message_id`. A made-up id (message without Message-ID) is
    not a thread anyone else knows: it is left out."""
    known = message_id if not message_id.endswith(".invalid>") else None
    chain = [ref for ref in references if ref != known]
    if known:
        chain.append(known)
    if len(chain) > MAX_REFERENCES:
        chain = chain[:1] + chain[-(MAX_REFERENCES - 1) :]
    return known, tuple(chain)
