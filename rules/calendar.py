"""Calendar helpers: which deadlines are ahead of `today`, which have just passed. `today` is a parameter.

A deadline with `inclusive=True` ("by 16 May") is still open on its due day and past from the day after; one
with `inclusive=False` ("before 5 Feb 2028") is past on its due day.
"""

from __future__ import annotations

from datetime import date

from rules.parameters import Deadline, Parameters

_REPORT_KINDS = ("initial_report", "followup_report")


def is_past(deadline: Deadline, today: date) -> bool:
    return today > deadline.due if deadline.inclusive else today >= deadline.due


def days_left(deadline: Deadline, today: date) -> int:
    """Days from `today` to the due day: 0 on the day, negative once it is behind us."""
    return (deadline.due - today).days


def upcoming(params: Parameters, today: date, region: str | None = None) -> list[Deadline]:
    """Deadlines not yet past (national, plus the region's own when `region` is given), soonest first."""
    return [d for d in params.deadlines(region) if not is_past(d, today)]


def next_deadlines(params: Parameters, today: date, region: str | None = None) -> list[Deadline]:
    """The soonest deadline(s) not yet past: several when they fall on the same day."""
    ahead = upcoming(params, today, region)
    return [d for d in ahead if d.due == ahead[0].due] if ahead else []


def recently_passed(
    params: Parameters, today: date, region: str | None = None, within_days: int = 30
) -> list[Deadline]:
    """Deadlines past on `today` whose due day is at most `within_days` days ago, most recent first."""
    return sorted(
        (d for d in params.deadlines(region) if is_past(d, today) and (today - d.due).days <= within_days),
        key=lambda d: (d.due, d.key),
        reverse=True,
    )


def passed(params: Parameters, today: date, region: str | None = None) -> list[Deadline]:
    """Every deadline already past on `today`, oldest first."""
    return [d for d in params.deadlines(region) if is_past(d, today)]


def next_report(params: Parameters, today: date) -> Deadline | None:
    """The next report (initial or follow-up) still due on `today`, or None when all are past."""
    for d in upcoming(params, today):
        if d.kind in _REPORT_KINDS:
            return d
    return None
