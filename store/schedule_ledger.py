"""Scheduled messages that do not travel by email (Slack direct messages, console lines).

Emails go through store.outbox, which carries the exactly-once argument. The outbox only holds emails, so a
reminder sent by Slack (or printed when no channel is configured) is written here under the same idempotency
key scheme, with the same two marks: `sending` (durable) before the post, `sent` after it. A key present here
or in the outbox is never produced again; an item left `sending` by a crash is finished once after the
restart (`unfinished()`), with the payload stored here, so it needs no recomputation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from store.engine import Database

TABLE = "schedule_deliveries"
SENDING = "sending"
SENT = "sent"


@dataclass(frozen=True)
class LedgerItem:
    key: str
    channel: str  # "slack" | "console"
    target: str  # Slack user id, or the member id for the console
    payload: dict[str, Any]
    state: str


class ScheduleLedger:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._table = db.table(TABLE)
        self._table.ensure_index("key")
        self._table.ensure_index("state")

    def has(self, key: str) -> bool:
        return self._table.find_one(key=key) is not None

    def begin(self, key: str, channel: str, target: str, payload: dict[str, Any], now: datetime) -> bool:
        """Record a message about to be sent; False (nothing written) when the key is already here."""
        with self._db.batch():
            if self._table.find_one(key=key) is not None:
                return False
            self._table.insert(
                {
                    "key": key,
                    "channel": channel,
                    "target": target,
                    "payload": payload,
                    "state": SENDING,
                    "created": now.astimezone(UTC).isoformat(),
                    "sent_at": None,
                }
            )
        return True

    def mark_sent(self, key: str, now: datetime) -> None:
        doc = self._table.find_one(key=key)
        if doc is None:
            raise KeyError(key)
        self._table.update(doc["_id"], {"state": SENT, "sent_at": now.astimezone(UTC).isoformat()})

    def progress(self, key: str, parts_sent: int) -> None:
        """A message in several parts: how many were posted (a restart posts only the rest)."""
        doc = self._table.find_one(key=key)
        if doc is None:
            raise KeyError(key)
        self._table.update(doc["_id"], {"payload": {**doc["payload"], "parts_sent": parts_sent}})

    def unfinished(self) -> list[LedgerItem]:
        """Messages a crash left between `sending` and `sent`."""
        return [_item(doc) for doc in self._table.find(state=SENDING)]

    def get(self, key: str) -> LedgerItem | None:
        doc = self._table.find_one(key=key)
        return None if doc is None else _item(doc)


def _item(doc: dict[str, Any]) -> LedgerItem:
    return LedgerItem(doc["key"], doc["channel"], doc["target"], dict(doc["payload"]), doc["state"])
