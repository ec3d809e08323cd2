"""The APScheduler wiring: jobs in Europe/Paris that never overlap, firing at 09:00 / Monday 08:00 Paris
across the DST changes, and settings read from the environment with errors naming the variable."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.scheduler import ScheduleConfigError, schedule_config
from tests.scheduler.fakes import PARIS, paris
from tests.scheduler.world import Clock, World, fill


def test_jobs_are_registered_without_overlap_and_fire_at_paris_time_across_dst(tmp_path: Path) -> None:
    fill(tmp_path / "db")
    w = World(tmp_path / "db", Clock(paris("2026-03-28T10:00")), None)
    service = w.open()
    sched = BackgroundScheduler(timezone=PARIS)
    sched.start(paused=True)  # nothing runs: the test reads the jobs and their triggers
    try:
        service.start(sched)
        jobs = {job.id: job for job in sched.get_jobs()}
        assert set(jobs) == {"expe50-reminders", "expe50-digest", "expe50-catch-up"}
        assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
        reminders = jobs["expe50-reminders"].trigger
        assert reminders.get_next_fire_time(None, paris("2026-03-28T10:00")) == paris("2026-03-29T09:00")
        assert reminders.get_next_fire_time(None, paris("2026-10-24T10:00")) == paris("2026-10-25T09:00")
        assert paris("2026-03-29T09:00").utcoffset().total_seconds() == 7200  # type: ignore[union-attr]
        catch_up = jobs["expe50-catch-up"].trigger
        assert catch_up.interval.total_seconds() == 3600  # at start, then hourly: finishes a failed round
        digest = jobs["expe50-digest"].trigger
        assert digest.get_next_fire_time(None, paris("2027-10-28T10:00")) == paris("2027-11-01T08:00")
    finally:
        sched.shutdown(wait=False)
        w.close()


def test_settings_have_defaults_and_name_the_bad_variable() -> None:
    config = schedule_config({})
    assert config.reminders.offsets == (30, 7, 1, 0) and config.reminders.hour == time(9, 0)
    assert config.digest.weekday == 0 and config.digest.hour == time(8, 0)
    custom = schedule_config({"REMINDER_OFFSETS": "15, 3", "DIGEST_DAY": "Vendredi", "DIGEST_HOUR": "17h30"})
    assert (
        custom.reminders.offsets == (15, 3)
        and custom.digest.weekday == 4
        and custom.digest.hour == time(17, 30)
    )
    for env, name in (
        ({"REMINDER_OFFSETS": "30,sept"}, "REMINDER_OFFSETS"),
        ({"REMINDER_HOUR": "25:00"}, "REMINDER_HOUR"),
        ({"DIGEST_DAY": "funday"}, "DIGEST_DAY"),
    ):
        with pytest.raises(ScheduleConfigError, match=name):
            schedule_config(env)
