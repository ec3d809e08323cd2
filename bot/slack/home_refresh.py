"""App Home kept current: after a member's write (a referral, an administration, an end of care, a
cancellation, report fields) their Home tab is published again in the background.

At most once per `interval` seconds per member: a burst of writes (a data-entry session logging a month of
administrations) gives one publication at once and one more when the interval is over, which reads the
store as it is then, so the last write is always shown and Slack's rate limit on views.publish is never hit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger("expe50.slack.home")

DEFAULT_INTERVAL = 5.0  # seconds between two publications of the same member's Home

Schedule = Callable[[float, Callable[[], None]], None]


def _timer(delay: float, run: Callable[[], None]) -> None:
    timer = threading.Timer(delay, run)
    timer.daemon = True
    timer.name = "expe50-home-refresh"
    timer.start()


class HomeRefresher:
    """`request(user)` asks for a publication of `user`'s Home; `publish(user)` does it (a worker's job)."""

    def __init__(
        self,
        publish: Callable[[str], None],
        *,
        interval: float = DEFAULT_INTERVAL,
        schedule: Schedule = _timer,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._publish = publish
        self._interval = interval
        self._schedule = schedule
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}  # when each member's Home was last published
        self._pending: set[str] = set()  # members with a publication scheduled and not yet started

    def request(self, user: str) -> None:
        with self._lock:
            if user in self._pending:
                return  # the scheduled one has not read the store yet: it will show this write too
            self._pending.add(user)
            last = self._last.get(user)
            wait = 0.0 if last is None else max(0.0, last + self._interval - self._monotonic())
        self._schedule(wait, lambda: self._run(user))

    def _run(self, user: str) -> None:
        with self._lock:
            self._pending.discard(user)
            self._last[user] = self._monotonic()
            if len(self._last) > 10_000:  # members come and go; forget those quiet for long
                horizon = self._monotonic() - self._interval
                self._last = {u: t for u, t in self._last.items() if t > horizon}
        try:
            self._publish(user)
        except Exception as error:  # the write is done and answered; a stale Home is no reason to fail
            log.warning("App Home refresh failed: %s", type(error).__name__)
