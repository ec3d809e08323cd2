"""What a late reminder says (audit #14 item 7): a countdown from the day it is read, names from data."""

from __future__ import annotations

from bot.schedule_messages import deadline_message
from handlers.reminders import DeadlineReminder, Status, plan_reminders
from rules.parameters import load_parameters
from tests.scheduler.fakes import COORD_ROUEN, paris, store_with_patients

PARAMS = load_parameters()
DEADLINES = PARAMS.all_deadlines()


def _coord(at: str, deadlines: list[object] | None = None) -> DeadlineReminder:
    plan = plan_reminders(
        paris(at), deadlines or DEADLINES, store_with_patients(), frozenset[str]().__contains__
    )  # type: ignore[arg-type]
    return next(r for r in plan.deadlines if r.member == COORD_ROUEN)


def test_a_late_reminder_counts_down_from_the_day_it_is_sent() -> None:
    # The 7-day reminder of 1 Sep 2027 (planned 25 Aug) caught up on Monday 30 Aug: 2 days remain.
    late = _coord("2027-08-30T09:00")
    assert late.status is Status.LATE
    said = deadline_message(late).text
    assert "dans 2 jours" in said and "dans 7 jours" not in said
    assert "aurait dû partir" in said


def test_a_late_reminder_on_the_deadline_day_says_today_not_tomorrow() -> None:
    # The end of the experiment, 5 Feb 2028 (a Saturday): its day-before reminder moved to Friday 4 Feb;
    # caught up on Friday afternoon it says « demain » (counted from Friday), and nothing goes on the day.
    late = _coord("2028-02-04T15:00")
    said = deadline_message(late).text
    assert late.occurrence.deadline.key == "experiment:end"
    assert "c'est demain" in said
    # On time on Friday morning it also says « demain » (the 1-day reminder).
    assert "c'est demain" in deadline_message(_coord("2028-02-04T09:00")).text
    # Back on Saturday 5 Feb itself: nothing goes on a weekend, and by Monday the deadline has passed.
    plan = plan_reminders(
        paris("2028-02-05T10:00"), DEADLINES, store_with_patients(), frozenset[str]().__contains__
    )
    assert not [r for r in plan.to_send() if isinstance(r, DeadlineReminder)]
    assert any(s.key.startswith("reminder:experiment:end:") for s in plan.skipped)


def test_a_regional_step_is_named_from_the_data_never_by_its_key() -> None:
    committee = next(d for d in DEADLINES if d.key == "selection_committee:normandie")
    late = _coord("2025-06-17T09:00", [committee])
    said = deadline_message(late).text + deadline_message(late).subject
    assert "selection_committee" not in said
    assert "comité de sélection de l'ARS Normandie" in said
