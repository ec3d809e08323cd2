"""What the ARS mailbox watcher remembers: messages already handled, where it stopped in each folder,
questions waiting for a human, messages it could not process, and how many replies each sender got today.

- processed messages, by Message-ID (a header hash when there is none): the outcome ("answered",
  "handed_over", "refused", "ignored", "failed") and its reason — never the text;
- folders: UIDVALIDITY and the last UID seen, so a reconnection fetches only what is new (and everything
  again when the server changed UIDVALIDITY — the Message-ID dedup keeps that from answering twice);
- hand-overs: a question the rules could not settle, with a short reference agents type in
  `/expe50 repondre <référence> <texte>`, the thread ids to answer in, and the (NIR-masked) question;
- failures: a message that could not be processed, with the reason and the attempts; after
  `max_attempts` it is recorded as processed ("failed") and never retried again;
- reply counts per sender and per day (Europe/Paris), for the guard's daily cap.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from store import schema
from store.engine import Database

FOLDERS = "mail_folders"
HANDOVERS = "mail_handovers"
REPLY_COUNTS = "mail_reply_counts"
FAILURES = "mail_failures"

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Handover:
    reference: str
    message_id: str
    sender: str | None
    subject: str
    question: str  # NIR-masked; empty when the message held health data
    references: tuple[str, ...]  # the thread, for the reply's References header
    reason: str  # why a human is needed (rules unsure, out of scope, ...)
    at: str
    state: str  # "open" or "answered"
    answered_by: str | None = None
    answered_at: str | None = None
    channel: str = "email"  # the door it was asked at: email, slack, console, cli
    member_id: str | None = None  # the asker's member id (Slack user id) outside email
    answer: str | None = None  # the agent's answer, once given


@dataclass(frozen=True)
class FailedMail:
    message_id: str
    reason: str
    attempts: int
    at: str
    final: bool  # given up: will not be retried
    sender: str | None = None  # when the message could be decoded that far
    subject: str = ""  # NIR and dates masked; empty when the message held a patient identifier


def handover_reference(message_id: str, length: int = 6) -> str:
    """A short reference an agent can type: 'Q' + base32 of a hash of the Message-ID (no 0/1/O/I confusion
    in base32's alphabet)."""
    digest = base64.b32encode(hashlib.sha256(message_id.encode("utf-8")).digest()).decode("ascii")
    return "Q" + digest[:length]


class Mailbox:
    def __init__(self, db: Database, *, max_attempts: int = 3) -> None:
        self._db = db
        self._seen = db.table(schema.MAIL_SEEN)
        self._folders = db.table(FOLDERS)
        self._handovers = db.table(HANDOVERS)
        self._counts = db.table(REPLY_COUNTS)
        self._failures = db.table(FAILURES)
        self._seen.ensure_index("message_id")
        self._folders.ensure_index("folder")
        self._handovers.ensure_index("reference")
        self._handovers.ensure_index("state")
        self._handovers.ensure_index("message_id")
        self._counts.ensure_index("key")
        self._failures.ensure_index("message_id")
        self.max_attempts = max_attempts

    @property
    def database(self) -> Database:
        return self._db

    # ---- processed messages ---------------------------------------------------------------------------

    def is_processed(self, message_id: str) -> bool:
        return self._seen.find_one(message_id=message_id) is not None

    def outcome(self, message_id: str) -> dict[str, Any] | None:
        return self._seen.find_one(message_id=message_id)

    def record_processed(
        self, message_id: str, outcome: str, reason: str, now: datetime, digest: str | None = None
    ) -> None:
        """Remember a handled message (call inside the same batch as the outbox write it caused), with the
        digest of its content when known (a different content under the same id is another message)."""
        with self._db.batch():
            if self._seen.find_one(message_id=message_id) is None:
                doc = {"message_id": message_id, "outcome": outcome, "reason": reason, "at": now.isoformat()}
                if digest:
                    doc["digest"] = digest
                self._seen.insert(doc)

    # ---- folders -------------------------------------------------------------------------------------

    def folder_state(self, folder: str) -> tuple[int | None, int]:
        """(UIDVALIDITY, last UID processed) of a folder; (None, 0) when never seen."""
        doc = self._folders.find_one(folder=folder)
        if doc is None:
            return None, 0
        return doc["uidvalidity"], int(doc["last_uid"])

    def set_folder_state(self, folder: str, uidvalidity: int, last_uid: int) -> None:
        self._folders.upsert_key(
            "folder", {"folder": folder, "uidvalidity": uidvalidity, "last_uid": last_uid}
        )

    # ---- failures --------------------------------------------------------------------------------------

    def record_failure(
        self,
        message_id: str,
        reason: str,
        now: datetime,
        *,
        sender: str | None = None,
        subject: str = "",
    ) -> FailedMail:
        """Count a failed attempt; the last allowed one marks the message processed ("failed").

        `sender` and `subject` let the agents recognise the message in the digest; the caller has masked
        the subject (never the body: it is not stored)."""
        with self._db.batch():
            doc = self._failures.find_one(message_id=message_id)
            attempts = 1 if doc is None else int(doc["attempts"]) + 1
            final = attempts >= self.max_attempts
            fields = {
                "message_id": message_id,
                "reason": reason[:300],
                "attempts": attempts,
                "at": now.isoformat(),
                "final": final,
                "sender": sender,
                "subject": subject[:300],
            }
            if doc is None:
                self._failures.insert(fields)
            else:
                self._failures.update(doc["_id"], fields)
            if final:
                self.record_processed(message_id, "failed", reason[:300], now)
        return _failed(fields)

    def failures(self) -> list[FailedMail]:
        return [_failed(doc) for doc in self._failures.all()]

    # ---- hand-overs ----------------------------------------------------------------------------------

    def add_handover(
        self,
        *,
        message_id: str,
        sender: str | None,
        subject: str,
        question: str,
        references: tuple[str, ...],
        reason: str,
        now: datetime,
        channel: str = "email",
        member_id: str | None = None,
    ) -> Handover:
        with self._db.batch():
            existing = self._handovers.find_one(message_id=message_id)
            if existing is not None:
                return _handover(existing)
            reference = handover_reference(message_id)
            length = 6
            while self._handovers.find_one(reference=reference) is not None:
                length += 1
                reference = handover_reference(message_id, length)
            doc = {
                "reference": reference,
                "message_id": message_id,
                "sender": sender,
                "subject": subject[:300],
                "question": question[:4000],
                "references": list(references),
                "reason": reason,
                "at": now.isoformat(),
                "state": "open",
                "answered_by": None,
                "answered_at": None,
                "channel": channel,
                "member_id": member_id,
            }
            self._handovers.insert(doc)
        return _handover(doc)

    def handover(self, reference: str) -> Handover | None:
        doc = self._handovers.find_one(reference=reference.strip().upper())
        return None if doc is None else _handover(doc)

    def open_handovers(self) -> list[Handover]:
        return [_handover(doc) for doc in self._handovers.find(state="open")]

    def mark_answered(self, reference: str, by: str, now: datetime, *, answer: str | None = None) -> None:
        doc = self._handovers.find_one(reference=reference.strip().upper())
        if doc is None:
            raise KeyError(reference)
        self._handovers.update(
            doc["_id"],
            {"state": "answered", "answered_by": by, "answered_at": now.isoformat(), "answer": answer},
        )

    # ---- reply counts --------------------------------------------------------------------------------

    def replies_today(self, sender: str, now: datetime) -> int:
        doc = self._counts.find_one(key=_count_key(sender, now))
        return 0 if doc is None else int(doc["count"])

    def count_reply(self, sender: str, now: datetime) -> None:
        key = _count_key(sender, now)
        with self._db.batch():
            doc = self._counts.find_one(key=key)
            if doc is None:
                self._counts.insert({"key": key, "count": 1})
            else:
                self._counts.update(doc["_id"], {"count": int(doc["count"]) + 1})


def _count_key(sender: str, now: datetime) -> str:
    return f"{sender.lower()}|{now.astimezone(PARIS).date().isoformat()}"


def _failed(doc: dict[str, Any]) -> FailedMail:
    return FailedMail(
        message_id=doc["message_id"],
        reason=doc["reason"],
        attempts=int(doc["attempts"]),
        at=doc["at"],
        final=bool(doc["final"]),
        sender=doc.get("sender"),  # absent from records written before it was kept
        subject=doc.get("subject") or "",
    )


def _handover(doc: dict[str, Any]) -> Handover:
    return Handover(
        reference=doc["reference"],
        message_id=doc["message_id"],
        sender=doc["sender"],
        subject=doc["subject"],
        question=doc["question"],
        references=tuple(doc["references"]),
        reason=doc["reason"],
        at=doc["at"],
        state=doc["state"],
        answered_by=doc.get("answered_by"),
        answered_at=doc.get("answered_at"),
        channel=doc.get("channel") or "email",  # hand-overs recorded before other doors had them: email
        member_id=doc.get("member_id"),
        answer=doc.get("answer"),
    )
