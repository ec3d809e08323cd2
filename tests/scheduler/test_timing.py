"""When reminders fall: offsets before the last day in time, 09:00 Paris on both sides of every DST change,
moved back over weekends and French public holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from handlers.reminders import ReminderSettings, at_paris, closes_at, occurrences, outlook
from rules.month import Month
from rules.parameters import load_parameters
from rules.working_days import first_working_day, is_working_day, previous_working_day
from tests.scheduler.fakes import deadline, paris

SETTINGS = ReminderSettings()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_followup_2027_reminders_fall_30_7_1_and_0_days_before_at_nine_paris() -> None:
    d = load_parameters().deadline("report:followup:2027")
    assert d is not None
    found = [(o.offset, o.day, o.at.astimezone(UTC)) for o in occurrences(d, SETTINGS)]
    assert found == [
        (30, date(2027, 8, 2), utc("2027-08-02T07:00")),
        (7, date(2027, 8, 25), utc("2027-08-25T07:00")),
        (1, date(2027, 8, 31), utc("2027-08-31T07:00")),
        (0, date(2027, 9, 1), utc("2027-09-01T07:00")),
    ]


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [
        # Friday before and Monday after each DST weekend: 09:00 Paris is 08:00 UTC in winter, 07:00 summer.
        (date(2026, 3, 27), "2026-03-27T08:00"),
        (date(2026, 3, 30), "2026-03-30T07:00"),
        (date(2026, 10, 23), "2026-10-23T07:00"),
        (date(2026, 10, 26), "2026-10-26T08:00"),
        (date(2027, 3, 26), "2027-03-26T08:00"),
        (date(2027, 3, 29), "2027-03-29T07:00"),
        (date(2027, 10, 29), "2027-10-29T07:00"),
        (date(2027, 11, 2), "2027-11-02T08:00"),
    ],
)
def test_nine_oclock_paris_is_right_on_both_sides_of_each_dst_change(day: date, expected_utc: str) -> None:
    assert at_paris(day, time(9, 0)).astimezone(UTC) == utc(expected_utc)


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # The DST Sundays themselves: the day-itself reminder moves back to 09:00 on the Friday.
        (date(2026, 3, 29), ("2026-03-27", "2026-03-27T08:00")),
        (date(2026, 10, 25), ("2026-10-23", "2026-10-23T07:00")),
        (date(2027, 3, 28), ("2027-03-26", "2027-03-26T08:00")),
        # 31 Oct 2027 is a Sunday and DST ends that night; Friday 29 Oct is still summer time.
        (date(2027, 10, 31), ("2027-10-29", "2027-10-29T07:00")),
    ],
)
def test_a_reminder_on_a_dst_sunday_moves_to_the_friday(due: date, expected: tuple[str, str]) -> None:
    occ = occurrences(deadline("x", due), ReminderSettings(offsets=(0,)))[0]
    assert occ.day == date.fromisoformat(expected[0]) and occ.moved
    assert occ.at.astimezone(UTC) == utc(expected[1])


def test_a_reminder_on_a_sunday_moves_to_friday() -> None:
    # 1 Sep 2026 (Tuesday) minus 30 days is Sunday 2 Aug 2026.
    d = load_parameters().deadline("report:followup:2026")
    assert d is not None
    first = occurrences(d, SETTINGS)[0]
    assert (first.offset, first.nominal, first.day) == (30, date(2026, 8, 2), date(2026, 7, 31))


def test_a_reminder_on_a_public_holiday_moves_to_the_working_day_before() -> None:
    # Due Thursday 12 Nov 2026: the day-before reminder falls on 11 November (Armistice) -> Tuesday 10 Nov.
    occs = {o.offset: o for o in occurrences(deadline("x", date(2026, 11, 12)), SETTINGS)}
    assert occs[1].nominal == date(2026, 11, 11) and occs[1].day == date(2026, 11, 10)
    # Due Monday 1 Nov 2027 (All Saints): the day itself goes back over the weekend to Friday 29 Oct.
    occs = {o.offset: o for o in occurrences(deadline("y", date(2027, 11, 1)), SETTINGS)}
    assert occs[0].day == date(2027, 10, 29)


def test_offsets_that_land_on_the_same_day_make_one_reminder_with_the_nearer_offset() -> None:
    # 5 Feb 2028 is a Saturday: the day itself and the day before both move to Friday 4 Feb.
    d = load_parameters().deadline("experiment:end")
    assert d is not None
    found = [(o.offset, o.day) for o in occurrences(d, SETTINGS)]
    assert found == [(30, date(2028, 1, 6)), (7, date(2028, 1, 28)), (0, date(2028, 2, 4))]


def test_a_deadline_before_a_day_counts_from_the_day_before() -> None:
    d = deadline("x", date(2026, 6, 10))
    d_before = type(d)(**{**d.__dict__, "inclusive": False})
    assert occurrences(d_before, ReminderSettings(offsets=(0,)))[0].day == date(2026, 6, 9)
    assert closes_at(d_before) == paris("2026-06-10T00:00")
    assert closes_at(d) == paris("2026-06-11T00:00")


def test_configured_offsets_and_hour_are_used() -> None:
    settings = ReminderSettings(offsets=(14, 2), hour=time(7, 30))
    found = [(o.offset, o.at) for o in occurrences(deadline("x", date(2026, 6, 10)), settings)]
    assert found == [(14, paris("2026-05-27T07:30")), (2, paris("2026-06-08T07:30"))]
    with pytest.raises(ValueError):
        ReminderSettings(offsets=(-1,))


def test_working_days_over_two_years_skip_every_weekend_and_holiday() -> None:
    day = date(2026, 1, 1)
    while day < date(2028, 1, 1):
        back = previous_working_day(day)
        assert back <= day and is_working_day(back)
        assert all(not is_working_day(back + timedelta(days=i)) for i in range(1, (day - back).days + 1))
        day += timedelta(days=1)
    assert first_working_day(Month(2027, 8)) == date(2027, 8, 2)  # 1 Aug 2027 is a Sunday
    assert first_working_day(Month(2026, 1)) == date(2026, 1, 2)  # 1 January
    assert first_working_day(Month(2026, 5)) == date(2026, 5, 4)  # 1 May is a Friday, then a weekend


def test_on_24_november_2026_the_next_reminder_is_the_2027_followup_report() -> None:
    params = load_parameters()
    now = paris("2026-11-24T10:00")
    seen = outlook(now, params.deadlines("normandie"))
    first = seen.upcoming[0]
    assert first.deadline.key == "report:followup:2027"
    assert (first.offset, first.day) == (30, date(2027, 8, 2))
    assert [d.key for d in seen.open] == ["report:followup:2027", "experiment:end"]
    passed = {d.key for d in seen.passed}
    assert {"report:followup:2026", "report:initial:2025", "application:normandie"} <= passed
    # Not a coordinator's task: the Government's report to Parliament is never reminded.
    assert "report:parliament" not in passed | {d.key for d in seen.open}
