"""Start-up: settings → database → Context → every configured channel; the console when none is.

Channels register a starter (in their own module, imported from bot/extensions.py):

    from bot.runtime import ChannelStarter, register_channel
    register_channel(ChannelStarter("slack", enabled=lambda s: s.section("slack") is not None,
                                    start=start_slack_channel))

`start(ctx, settings)` must return at once with a running object that has `stop()` (threads are fine: the
Context serialises commands with its lock). A channel with `serves_users=False` (the scheduler) runs next to
the console; when no channel that serves users is enabled — the newcomer's case — `expe50 run` opens the
console.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from bot.config import Settings
from handlers.context import Context
from rules.parameters import load_parameters
from store.repository import Repository

log = logging.getLogger("expe50.runtime")


class Running(Protocol):
    def stop(self) -> None: ...


@dataclass(frozen=True)
class ChannelStarter:
    name: str
    enabled: Callable[[Settings], bool]
    start: Callable[[Context, Settings], Running]
    serves_users: bool = True
    # Channels whose start puts what this one looks up in ctx.extras (the scheduler posts through the
    # outbox and the Slack client): started before it when enabled, whatever the registration order.
    after: tuple[str, ...] = ()


_CHANNELS: list[ChannelStarter] = []


def register_channel(starter: ChannelStarter) -> None:
    if any(existing.name == starter.name for existing in _CHANNELS):
        raise ValueError(f"channel {starter.name!r} registered twice")
    _CHANNELS.append(starter)


def channels() -> list[ChannelStarter]:
    """The registered channels in start order: registration order, except that a channel comes after those
    it names in `after`."""
    import bot.extensions  # noqa: F401

    ordered: list[ChannelStarter] = []
    pending = list(_CHANNELS)
    while pending:
        placed = {starter.name for starter in ordered}
        waiting = {starter.name for starter in pending}
        ready = next(
            (s for s in pending if all(n in placed or n not in waiting for n in s.after)), pending[0]
        )  # (pending[0] on a cycle: registration order rather than no start at all)
        ordered.append(ready)
        pending.remove(ready)
    return ordered


def open_context(settings: Settings) -> Context:
    """Open the database (creating its folder) and build the Context every channel shares. Raises the store's
    errors (DatabaseLocked, SchemaVersionError, CorruptDatabase): the CLI turns them into French messages."""
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    repo = Repository.open(settings.db_path)
    return Context(repo, load_parameters(), operator_id=settings.operator_id, settings=settings)


def run(
    settings: Settings,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stop_event: threading.Event | None = None,
) -> int:
    """`expe50 run`: returns the exit code once every channel has stopped."""
    from bot.console import run_console

    ctx = open_context(settings)
    # The forfaits of every patient are computed once in the background (a second for a whole region);
    # commands wait on the context lock meanwhile, then every read is served from the memos.
    threading.Thread(target=_warm_up, args=(ctx,), name="expe50-warm-up", daemon=True).start()
    started: list[tuple[ChannelStarter, Any]] = []
    try:
        for starter in channels():
            if starter.enabled(settings):
                started.append((starter, starter.start(ctx, settings)))
                log.info("channel started: %s", starter.name)
        if any(starter.serves_users for starter, _ in started):
            _wait_for_signal(stop_event or threading.Event())
            return 0
        return run_console(ctx, settings, stdin=stdin, stdout=stdout)
    finally:
        for starter, running in reversed(started):
            try:
                running.stop()
            except Exception:
                log.exception("channel %s did not stop cleanly", starter.name)
        ctx.repo.close()


def _warm_up(ctx: Context) -> None:
    from handlers.commands.reading import warm_up
    from handlers.questions import preload

    try:
        with ctx.lock:
            warm_up(ctx)
        preload()  # outside the store lock: it touches no data
    except Exception:
        log.exception("warm-up failed (reads and questions will load on demand)")


def _wait_for_signal(stop: threading.Event) -> None:
    def handle(signum: int, frame: object) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
    stop.wait()
