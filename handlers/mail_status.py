"""What the ARS mailbox shows its agents: the questions waiting for one of them, and the mail that could not
be handled — incoming messages given up after a few attempts, outgoing ones the outbox gave up on.

Read by the weekly digest and by `/expe50 courriels`. Only metadata leaves the store this way (sender or
recipients, subject, reason, when), never a message's text. Subjects are written by strangers: NIR-like
numbers and dates are masked again here (a record written before a masking rule improved must not leak),
and the HTML templates escape them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from handlers import health_data
from store.engine import Database
from store.mailbox import FailedMail, Handover, Mailbox
from store.outbox import OutboxItem, failed_items
from templates import date_fr, datetime_fr, plural, text

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class WaitingQuestion:
    reference: str  # what an agent types in `/expe50 repondre <référence> <texte>`
    subject: str  # written by the sender: untrusted text, masked here, escaped by the HTML template
    since: datetime | None
    sender: str | None = None


class Direction(StrEnum):
    IN = "in"  # a message received that could not be processed
    OUT = "out"  # a message of ours that could not be sent


@dataclass(frozen=True)
class MailFailure:
    direction: Direction
    at: datetime | None  # when it was given up
    address: str  # the sender (in) or the recipients (out); "" when unknown
    subject: str  # masked; "" when unknown or dropped
    reason: str  # technical, short: an exception name or the SMTP server's code
    attempts: int


def _instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def safe_subject(subject: str) -> str:
    return health_data.redact(subject).strip()


def waiting_questions(handovers: Iterable[Handover]) -> list[WaitingQuestion]:
    """The open hand-overs, oldest first."""
    found = [
        WaitingQuestion(h.reference, safe_subject(h.subject), _instant(h.at), h.sender)
        for h in handovers
        if h.state == "open"
    ]
    return sorted(
        found, key=lambda q: (q.since is None, q.since.timestamp() if q.since else 0.0, q.reference)
    )


def mail_failures(incoming: Iterable[FailedMail], outgoing: Iterable[OutboxItem]) -> list[MailFailure]:
    """Incoming messages given up (not those still to be retried) and outgoing ones given up, oldest first."""
    found = [
        MailFailure(
            Direction.IN, _instant(f.at), f.sender or "", safe_subject(f.subject), f.reason, f.attempts
        )
        for f in incoming
        if f.final
    ]
    found += [
        MailFailure(
            Direction.OUT,
            _instant(item.failed_at),
            ", ".join(item.recipients),
            safe_subject(item.subject),
            health_data.redact(item.last_error or ""),
            item.attempts,
        )
        for item in outgoing
    ]
    return sorted(found, key=_by_time)


def _by_time(failure: MailFailure) -> tuple[bool, float]:
    # By instant, not by ISO text: the mailbox writes Paris offsets, the outbox UTC.
    return failure.at is None, failure.at.timestamp() if failure.at else 0.0


def failures_between(
    failures: Sequence[MailFailure], start: datetime, end: datetime
) -> tuple[MailFailure, ...]:
    """Those given up in [start, end): consecutive digests list each failure once."""
    return tuple(f for f in failures if f.at is not None and start <= f.at < end)


def read_waiting(db: Database) -> list[WaitingQuestion]:
    return waiting_questions(Mailbox(db).open_handovers())


def read_failures(db: Database) -> list[MailFailure]:
    return mail_failures(Mailbox(db).failures(), failed_items(db))


# ---- in French, one line each (the digest and `courriels` share them) -------------------------------------


def _subject(subject: str) -> str:
    return subject or text("mail.status.no_subject")


def waiting_line(question: WaitingQuestion) -> str:
    return text(
        "mail.status.waiting_line",
        reference=question.reference,
        subject=_subject(question.subject),
        sender=question.sender or "",
        since=date_fr(question.since.astimezone(PARIS)) if question.since else "",
    )


def failure_line(failure: MailFailure) -> str:
    return text(
        f"mail.status.failure_{failure.direction.value}",
        address=failure.address,
        subject=_subject(failure.subject),
        at=datetime_fr(failure.at.astimezone(PARIS)) if failure.at else "",
        reason=failure.reason or "?",
        attempts=plural(failure.attempts, "essai"),
    )
