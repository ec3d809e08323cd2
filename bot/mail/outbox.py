"""The outbox worker: sends what `store.outbox.Outbox` holds, in a background thread.

    worker = OutboxWorker(outbox, SmtpTransport(settings), clock=lambda: datetime.now(UTC))
    worker.start()          # a daemon thread; `worker.wake()` after an enqueue sends it at once
    worker.run_once()       # or drive it by hand (tests, scripts): sends everything due now
    worker.stop()

Producers only `outbox.enqueue(...)` then `worker.wake()`; they never talk SMTP. See store/outbox.py for
the exactly-once argument (sending/sent marks around the transaction, deterministic Message-ID).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from bot.mail.smtp import SendError, Transport
from handlers import faults
from store.outbox import Outbox

log = logging.getLogger(__name__)


class OutboxWorker:
    def __init__(
        self,
        outbox: Outbox,
        transport: Transport,
        clock: Callable[[], datetime],
        *,
        poll_seconds: float = 30.0,
    ) -> None:
        self.outbox = outbox
        self.transport = transport
        self.clock = clock
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._round = threading.Lock()

    def run_once(self) -> int:
        """Send every due message; returns how many went out. Stops at the first temporary failure (the
        server is down: the others would fail the same way) and leaves the rest for the next round."""
        with self._round:  # one round at a time: a manual run_once never races the thread
            return self._round_once()

    def _round_once(self) -> int:
        sent = 0
        for item in self.outbox.due(self.clock()):
            if self._stop.is_set():
                break
            self.outbox.mark_sending(item.key, self.clock())
            try:
                self.transport.send(item.sender, item.recipients, item.data)
            except SendError as error:
                self.outbox.mark_failed(item.key, self.clock(), str(error), permanent=error.permanent)
                log.warning("outbox: %s not sent (%s)", item.message_id, error)
                if not error.permanent:
                    break
                continue
            self.outbox.mark_sent(item.key, self.clock())
            sent += 1
        return sent

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="expe50-outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self.transport.close()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.run_once()
            except Exception as error:  # the worker must outlive any bug in one round
                log.error("outbox: round failed: %s", faults.where(error))
            self._wake.wait(self._delay())
        self.transport.close()

    def _delay(self) -> float:
        """Sleep until the earliest retry is due (or the poll interval), so a backoff of 2 s is honoured."""
        upcoming = self.outbox.next_wakeup()
        if upcoming is None:
            return self.poll_seconds
        remaining = (datetime.fromisoformat(upcoming) - self.clock()).total_seconds()
        return max(0.05, min(self.poll_seconds, remaining))
