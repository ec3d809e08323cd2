"""Work that must start only once the acknowledgement is on the wire.

A listener acknowledges and hands its work to a worker thread. Started at once, that worker (a command that
recomputes a year of forfaits, say) competes for the interpreter with the thread still writing the HTTP
acknowledgement, and the acknowledgement is late by a few thread switches. In HTTP mode the server opens a
deferral around each request and starts the deferred work after the response is flushed; where nothing
opened one (Socket Mode, tests calling a listener directly) the work starts at once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_local = threading.local()


def defer(start: Callable[[], object]) -> None:
    """Call `start()` (which should only hand work to a worker) after the current response is sent."""
    pending: list[Callable[[], object]] | None = getattr(_local, "pending", None)
    if pending is None:
        start()
    else:
        pending.append(start)


@contextmanager
def deferral() -> Iterator[Callable[[], None]]:
    """Open a deferral for the request handled by this thread; call the yielded `release()` once the
    response is sent (it is also released, if not yet, when the block ends)."""
    pending: list[Callable[[], object]] = []
    _local.pending = pending

    def release() -> None:
        _local.pending = None
        while pending:
            pending.pop(0)()

    try:
        yield release
    finally:
        release()
