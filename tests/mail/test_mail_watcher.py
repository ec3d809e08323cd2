"""The watcher's reconnection delay doubles from the base, is capped, and is jittered between half and all
of it (never zero, never in lockstep with other clients)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from bot.mail.watcher import ImapSettings, MailWatcher, WatchTiming


def _watcher(jitter: float) -> MailWatcher:
    timing = WatchTiming(backoff_base=1.0, backoff_cap=8.0)
    settings = ImapSettings("127.0.0.1", 1, "u", "p", ssl=False)
    return MailWatcher(
        settings,
        cast(Any, None),
        cast(Any, None),
        lambda: datetime.now(UTC),
        timing=timing,
        jitter=lambda: jitter,
    )


def test_backoff_doubles_is_capped_and_jittered() -> None:
    high, low = _watcher(1.0), _watcher(0.0)
    assert [high._backoff(n) for n in range(1, 7)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert [low._backoff(n) for n in range(1, 5)] == [0.5, 1.0, 2.0, 4.0]
