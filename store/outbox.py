"""The persistent outbox: every email the bot sends is written here first, then sent by the outbox worker.

API (for every producer: mail replies, the scheduler's reminders and digests, `repondre`):

    outbox = Outbox(db, sender="ars-bot@ars.example.fr")      # db: store.engine.Database (repo.database)
    outbox.enqueue("reminder:2026-09:site-123", message)       # -> False if that key was already enqueued
    outbox.due(now)                                            # to send now (pending, next_try <= now)
    outbox.mark_sending(key, now); outbox.mark_sent(key, now)  # around the SMTP transaction
    outbox.mark_failed(key, now, "SMTP down")                  # back to pending, retried with backoff
    outbox.get(key)                                            # an OutboxItem, or None

`message` is an `email.message.EmailMessage` (To/Subject/body set by the caller; From, Date and Message-ID
are filled in when missing) or a dict {"to": str | list[str], "subject": str, "text": str, "html": str
(optional), "headers": {name: value} (optional)}. The worker (`bot.mail.outbox.OutboxWorker`) sends.

Idempotency: the key is the identity of a message (e.g. "mail-reply:<incoming Message-ID>"); enqueueing the
same key twice stores one message, so a producer that crashes and runs again never sends twice.

Message-ID: `<sha256(key)[:32]@domain of the sender>`, a function of the key alone, so every attempt to send
one outbox item carries the same Message-ID.

Exactly once, as far as SMTP allows. SMTP has no exactly-once delivery: when the link breaks after the server
accepted DATA but before its "250" reaches us, or when the process dies between the "250" and the durable
`mark_sent`, we cannot know whether the message went out. The outbox therefore
- writes `sending` (durably) before the SMTP transaction and `sent` right after the "250", so the window of
  doubt is one round trip plus one fsync;
- retries every failure that happened before the server took the message (connection refused, timeout,
  4xx) with capped exponential backoff — these never produced a copy, so the retry is the only copy
  ("SMTP down, then up: the reply goes out once");
- after a restart, resends an item left in `sending` (the doubtful window) once: a lost answer is worse than a
  duplicate, and the duplicate carries the same Message-ID, which receivers and mail clients use to drop it.
A permanent refusal (5xx) or `max_attempts` failures make the item `failed`, shown to the agents.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import HeaderParser
from email.policy import SMTP, default
from email.utils import format_datetime, getaddresses, parseaddr
from typing import Any

from store import schema
from store.engine import Database

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"  # given up: shown to the agents, never retried

DEFAULT_MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class OutboxItem:
    key: str
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    raw: str  # the whole RFC 5322 message, CRLF line ends
    state: str
    attempts: int
    next_try: str | None  # ISO datetime; None: as soon as possible
    last_error: str | None
    sent_at: str | None
    failed_at: str | None = None  # ISO (UTC) instant the outbox gave up

    @property
    def subject(self) -> str:
        """The decoded Subject header (for listings of failures; the body is never shown)."""
        parsed = HeaderParser(policy=default).parsestr(self.raw, headersonly=True)
        return str(parsed.get("Subject", "") or "")

    @property
    def data(self) -> bytes:
        return self.raw.encode("utf-8")


def message_id_for(key: str, sender: str) -> str:
    """The deterministic Message-ID of an outbox key: `<sha256(key)[:32]@domain of the sender>`."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@{domain}>"


def _utc(moment: datetime) -> str:
    # Stored in UTC so that ISO strings compare in time order whatever offset the caller used.
    return moment.astimezone(UTC).isoformat()


def _from_dict(spec: dict[str, Any]) -> EmailMessage:
    message = EmailMessage()
    recipients = spec["to"]
    message["To"] = recipients if isinstance(recipients, str) else ", ".join(recipients)
    message["Subject"] = spec["subject"]
    for name, value in (spec.get("headers") or {}).items():
        message[name] = value
    # Quoted-printable keeps the message 7-bit: no relay has to support 8BITMIME.
    message.set_content(spec["text"], cte="quoted-printable")
    if spec.get("html"):
        message.add_alternative(spec["html"], subtype="html", cte="quoted-printable")
    return message


class Outbox:
    def __init__(
        self,
        db: Database,
        sender: str,
        *,
        backoff_base: timedelta = timedelta(seconds=30),
        backoff_cap: timedelta = timedelta(hours=1),
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        self._db = db
        self._table = db.table(schema.OUTBOX)
        self._table.ensure_index("key")
        self._table.ensure_index("state")
        self.sender = sender
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_attempts = max_attempts

    def enqueue(self, key: str, message: EmailMessage | dict[str, Any], now: datetime | None = None) -> bool:
        """Store a message to send under `key`; False (and nothing stored) when the key already exists."""
        built = message if isinstance(message, EmailMessage) else _from_dict(message)
        message_id = message_id_for(key, self.sender)
        if built["From"] is None:
            built["From"] = self.sender
        if built["Message-ID"] is None:
            built["Message-ID"] = message_id
        if built["Date"] is None and now is not None:
            built["Date"] = format_datetime(now)
        recipients = [
            address for _, address in getaddresses(built.get_all("To", []) + built.get_all("Cc", []))
        ]
        recipients = [address for address in recipients if "@" in address]
        if not recipients:
            raise ValueError(f"outbox message {key!r} has no recipient")
        doc = {
            "key": key,
            "message_id": str(built["Message-ID"]),
            "sender": parseaddr(self.sender)[1] or self.sender,
            "recipients": recipients,
            "raw": built.as_string(policy=SMTP),
            "state": PENDING,
            "attempts": 0,
            "next_try": None,
            "created": _utc(now) if now else None,
            "last_error": None,
            "sent_at": None,
        }
        with self._db.batch():
            if self._table.find_one(key=key) is not None:
                return False
            self._table.insert(doc)
        return True

    def get(self, key: str) -> OutboxItem | None:
        doc = self._table.find_one(key=key)
        return None if doc is None else _item(doc)

    def due(self, now: datetime, limit: int | None = None) -> list[OutboxItem]:
        """Items to send now: pending ones whose next try has come, and ones left `sending` by a crash."""
        now_iso = _utc(now)
        found: list[OutboxItem] = []
        for state in (SENDING, PENDING):
            for doc in self._table.find(state=state):
                if doc["next_try"] is None or doc["next_try"] <= now_iso:
                    found.append(_item(doc))
                    if limit is not None and len(found) >= limit:
                        return found
        return found

    def pending_count(self) -> int:
        return self._table.count(state=PENDING) + self._table.count(state=SENDING)

    def failed(self) -> list[OutboxItem]:
        return [_item(doc) for doc in self._table.find(state=FAILED)]

    def mark_sending(self, key: str, now: datetime) -> None:
        self._set(key, state=SENDING, last_try=_utc(now))

    def mark_sent(self, key: str, now: datetime) -> None:
        self._set(key, state=SENT, sent_at=_utc(now), last_error=None)

    def mark_failed(self, key: str, now: datetime, error: str, *, permanent: bool = False) -> None:
        """A failed attempt: retried after a capped exponential backoff, or given up (`permanent`, or after
        `max_attempts`)."""
        doc = self._table.find_one(key=key)
        if doc is None:
            raise KeyError(key)
        attempts = int(doc["attempts"]) + 1
        delay = min(self.backoff_base * (2 ** (attempts - 1)), self.backoff_cap)
        give_up = permanent or attempts >= self.max_attempts
        self._table.update(
            doc["_id"],
            {
                "state": FAILED if give_up else PENDING,
                "attempts": attempts,
                "next_try": None if give_up else _utc(now + delay),
                "last_error": error[:500],
                "failed_at": _utc(now) if give_up else None,
            },
        )

    def next_wakeup(self) -> str | None:
        """The earliest next_try among pending items (ISO), None when there is nothing scheduled."""
        times = [doc["next_try"] for doc in self._table.find(state=PENDING) if doc["next_try"]]
        return min(times) if times else None

    def _set(self, key: str, **fields: Any) -> None:
        doc = self._table.find_one(key=key)
        if doc is None:
            raise KeyError(key)
        self._table.update(doc["_id"], fields)


def failed_items(db: Database) -> list[OutboxItem]:
    """The items given up, read without an Outbox (readers that never send have no sender address)."""
    return [_item(doc) for doc in db.table(schema.OUTBOX).find(state=FAILED)]


def _item(doc: dict[str, Any]) -> OutboxItem:
    return OutboxItem(
        key=doc["key"],
        message_id=doc["message_id"],
        sender=doc["sender"],
        recipients=tuple(doc["recipients"]),
        raw=doc["raw"],
        state=doc["state"],
        attempts=int(doc["attempts"]),
        next_try=doc["next_try"],
        last_error=doc["last_error"],
        sent_at=doc["sent_at"],
        failed_at=doc.get("failed_at"),
    )
