"""App Home refreshed after a member's write: at once, then at most once per interval per member, the last
write always shown (a trailing publication), a failure logged and not raised."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from bot.slack.home_refresh import HomeRefresher


@dataclass
class Scheduled:
    """A fake clock and timer: scheduled jobs run when the test says so."""

    now: float = 1000.0
    jobs: list[tuple[float, Callable[[], None]]] = field(default_factory=list)

    def schedule(self, delay: float, run: Callable[[], None]) -> None:
        self.jobs.append((delay, run))

    def run_all(self) -> list[float]:
        delays = [delay for delay, _ in self.jobs]
        jobs, self.jobs = self.jobs, []
        for _, run in jobs:
            run()
        return delays


def refresher(published: list[str], timers: Scheduled, fail: bool = False) -> HomeRefresher:
    def publish(user: str) -> None:
        if fail:
            raise RuntimeError("views.publish: ratelimited")
        published.append(user)

    return HomeRefresher(publish, interval=5.0, schedule=timers.schedule, monotonic=lambda: timers.now)


def test_a_burst_of_writes_publishes_at_once_then_once_more_when_the_interval_is_over() -> None:
    published: list[str] = []
    timers = Scheduled()
    homes = refresher(published, timers)
    homes.request("U1")
    assert timers.run_all() == [0.0]  # the first write: at once
    timers.now += 1.0
    for _ in range(10):  # a data-entry session: ten writes within a second
        homes.request("U1")
    assert timers.run_all() == [4.0]  # one publication, when the 5 s since the last are over
    assert published == ["U1", "U1"]
    homes.request("U2")  # another member is not held back by the first
    assert timers.run_all() == [0.0]
    timers.now += 60
    homes.request("U1")
    assert timers.run_all() == [0.0]
    assert published == ["U1", "U1", "U2", "U1"]


def test_a_failed_publication_is_logged_not_raised_and_does_not_block_the_next(
    caplog: pytest.LogCaptureFixture,
) -> None:
    timers = Scheduled()
    homes = refresher([], timers, fail=True)
    with caplog.at_level(logging.WARNING, logger="expe50.slack.home"):
        homes.request("U1")
        timers.run_all()
    assert "RuntimeError" in caplog.text and "ratelimited" not in caplog.text
    timers.now += 10
    homes.request("U1")
    assert len(timers.jobs) == 1
