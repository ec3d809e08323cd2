"""Readings offered by email (« Vouliez-vous dire : 1. … 2. … ») waiting for the asker's numbered reply.

One record per numbered reply the bot sent, found again from the reply's thread: `sent_id` is the Message-ID
of our email (the outbox's deterministic id, so it is known before the email leaves), `asked_id` the
question's own Message-ID (a client that answers the question's message rather than ours still lands here).

What is kept is what the mailbox keeps of a hand-over, no more: the asker's address, the subject, the
question as the mail reader left it (NIR masked; a message holding a patient identifier never gets readings:
it is refused before the answerer runs), the readings' labels and entry ids, and the time limit. The body of
the pick itself is never stored.

Writes go through the database's batches: the processor records the offer in the same batch as the outbox
item that carries it, and a pick in the same batch as the answer it causes, so a crash leaves either both or
neither (store/engine.py: one fsynced journal line per batch).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from store.engine import Database

CHOICES = "mail_choices"


@dataclass(frozen=True)
class Reading:
    label: str
    entry: str | None  # the knowledge entry; None for « none of these: an agent »


@dataclass(frozen=True)
class PendingChoice:
    sent_id: str  # Message-ID of the email that offered the readings
    asked_id: str  # Message-ID (processing key) of the question
    sender: str  # where the replies went: only this address may pick
    author: str  # the From address of the question (may differ from `sender` with a Reply-To)
    subject: str
    question: str  # NIR-masked, as the mail reader left it
    references: tuple[str, ...]  # the question's thread
    readings: tuple[Reading, ...]  # the last one is « none of these »
    at: str  # ISO instant the readings were offered
    expires: str  # ISO instant after which a reading can no longer be picked
    picked: tuple[int, ...] = ()  # numbers already answered (each is answered once)
    handover: str | None = None  # the hand-over reference, once handed over

    def expired(self, now: datetime) -> bool:
        return now >= datetime.fromisoformat(self.expires)


class MailChoices:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._table = db.table(CHOICES)
        self._table.ensure_index("sent_id")
        self._table.ensure_index("asked_id")

    def offer(self, choice: PendingChoice) -> None:
        """Remember readings sent (call inside the batch that enqueues the email carrying them); a second
        offer under the same `sent_id` (the same message processed again) keeps the first."""
        with self._db.batch():
            if self._table.find_one(sent_id=choice.sent_id) is None:
                self._table.insert(_doc(choice))

    def in_thread(self, ids: tuple[str, ...], sender: str | None, author: str = "") -> PendingChoice | None:
        """The latest readings offered to `sender` (writing as `author`, when given) in a thread, from the ids
        a reply names (In-Reply-To, References). Readings offered to someone else in the same thread (a
        colleague copied in) are theirs."""
        found: dict[int, dict[str, Any]] = {}
        for message_id in ids:
            for field in ("sent_id", "asked_id"):
                for doc in self._table.find(**{field: message_id}):
                    if doc["sender"] == sender and (not author or doc["author"] == author):
                        found[doc["_id"]] = doc
        if not found:
            return None
        return _choice(found[max(found)])  # ids grow with time: the newest offer in the thread

    def mark_picked(self, sent_id: str, number: int) -> None:
        doc = self._existing(sent_id)
        picked = sorted({*doc.get("picked", []), number})
        self._table.update(doc["_id"], {"picked": picked})

    def mark_handed_over(self, sent_id: str, reference: str) -> None:
        doc = self._existing(sent_id)
        self._table.update(doc["_id"], {"handover": reference})

    def _existing(self, sent_id: str) -> dict[str, Any]:
        doc = self._table.find_one(sent_id=sent_id)
        if doc is None:
            raise KeyError(sent_id)
        return doc


def _doc(choice: PendingChoice) -> dict[str, Any]:
    return {
        "sent_id": choice.sent_id,
        "asked_id": choice.asked_id,
        "sender": choice.sender,
        "author": choice.author,
        "subject": choice.subject[:300],
        "question": choice.question[:4000],
        "references": list(choice.references),
        "readings": [{"label": r.label[:300], "entry": r.entry} for r in choice.readings],
        "at": choice.at,
        "expires": choice.expires,
        "picked": list(choice.picked),
        "handover": choice.handover,
    }


def _choice(doc: dict[str, Any]) -> PendingChoice:
    return PendingChoice(
        sent_id=doc["sent_id"],
        asked_id=doc["asked_id"],
        sender=doc["sender"],
        author=doc["author"],
        subject=doc["subject"],
        question=doc["question"],
        references=tuple(doc["references"]),
        readings=tuple(Reading(r["label"], r.get("entry")) for r in doc["readings"]),
        at=doc["at"],
        expires=doc["expires"],
        picked=tuple(int(n) for n in doc.get("picked", [])),
        handover=doc.get("handover"),
    )
