"""French working days: weekdays that are not a national public holiday.

Pure: the `holidays` package is a table of dates, not I/O. Alsace-Moselle's two extra days (Good Friday,
26 December) are not counted: one instance serves a whole region, and only two departments have them.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import holidays

from rules.month import Month


@cache
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year).keys())


def public_holiday(day: date) -> bool:
    return day in _public_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not public_holiday(day)


def previous_working_day(day: date) -> date:
    """`day` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def first_working_day(month: Month) -> date:
    day = month.first_day()
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
