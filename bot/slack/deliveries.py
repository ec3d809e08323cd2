"""One effect per delivery: Slack re-sends a request it thinks timed out (`X-Slack-Retry-Num`).

Every request gets a delivery key that is the same for the original and its retries (the event id, the
slash command's trigger id, the modal's view id and submitted values). The key travels to the handlers as
`Request.delivery_id`, and the repository records it with the change it made, in the same durable write:
a retry after a restart is recognised too. In the process, a small memory of recent keys lets a retry that
arrives while the original is still running be acknowledged without running anything a second time.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from typing import Any

RETRY_HEADER = "x-slack-retry-num"


def delivery_key(body: dict[str, Any]) -> str | None:
    """A key identifying one delivery of `body` (a slash command, an event or an interaction), equal for
    its retries; None for payloads the bot does not act on."""
    team = _team(body)
    if "command" in body and body.get("trigger_id"):
        return f"slack:{team}:command:{body['trigger_id']}"
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return f"slack:{team}:event:{body['event_id']}"
    if kind == "view_submission":
        view = body.get("view") or {}
        values = json.dumps((view.get("state") or {}).get("values") or {}, sort_keys=True)
        digest = hashlib.sha256(values.encode()).hexdigest()[:16]
        return f"slack:{team}:view:{view.get('id')}:{digest}"
    if kind == "block_actions" and body.get("trigger_id"):
        return f"slack:{team}:action:{body['trigger_id']}"
    return None


def is_retry(headers: dict[str, Any]) -> bool:
    value = headers.get(RETRY_HEADER)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return bool(value)


def _team(body: dict[str, Any]) -> str:
    team = (
        body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    )
    return str(team or "-")


class RecentDeliveries:
    """The keys seen lately, bounded (a retry comes within minutes; the store covers anything older)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._keys: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, key: str) -> bool:
        """Record `key`; True when it had not been seen."""
        with self._lock:
            if key in self._keys:
                self._keys.move_to_end(key)
                return False
            self._keys[key] = None
            if len(self._keys) > self._capacity:
                self._keys.popitem(last=False)
            return True
