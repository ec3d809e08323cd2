"""Who gets what at an instant: recipients, readiness, catch-up after downtime, and idempotency keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from handlers.reminders import (
    DeadlineReminder,
    EntryReminder,
    Status,
    plan_reminders,
)
from rules.month import Month
from rules.parameters import Deadline, load_parameters
from store.records import Site
from tests.scheduler.fakes import (
    ARS_IDF,
    ARS_SUB,
    CAEN,
    COORD_CAEN,
    COORD_ROUEN,
    ROUEN,
    SAISIE_ROUEN,
    SAISIE_SUB,
    FakeStore,
    deadline,
    paris,
    store_with_patients,
)

DEADLINES = load_parameters().all_deadlines()
NOTHING_SENT = frozenset[str]()


def reminders_of(items: Sequence[DeadlineReminder | EntryReminder]) -> list[tuple[str, str]]:
    return [
        (
            i.member.member_id,
            i.occurrence.deadline.key if isinstance(i, DeadlineReminder) else f"entry:{i.month}",
        )
        for i in items
    ]


def test_on_2_august_2027_at_nine_coordinators_subscribers_and_data_entry_get_their_reminders() -> None:
    plan = plan_reminders(
        paris("2027-08-02T09:00"), DEADLINES, store_with_patients(), NOTHING_SENT.__contains__
    )
    assert sorted(reminders_of(plan.deadlines)) == [
        # The coordinators of the two Normandie sites (always) and the subscribers: the Normandie agent and
        # the Caen data-entry member who said `rappels oui`. Not the Rouen data-entry member (not subscribed),
        # not the Île-de-France coordinator (there is none) nor the unsubscribed IDF agent.
        ("UCOORDR1", "report:followup:2027"),
        ("USAISIES1", "report:followup:2027"),
        ("agent@ars.example.org", "report:followup:2027"),
        ("coord.caen@example.org", "report:followup:2027"),
    ]
    assert all(r.status is Status.DUE and r.occurrence.offset == 30 for r in plan.deadlines)
    # 2 Aug 2027 is also the first working day of August: data entry hears about July's gaps.
    assert sorted(reminders_of(plan.entries)) == [
        ("USAISIER1", "entry:2027-07"),
        ("USAISIES1", "entry:2027-07"),
    ]
    rouen = next(e for e in plan.entries if e.member == SAISIE_ROUEN)
    assert [(g.site, g.patients) for g in rouen.sites] == [(ROUEN, ("P1", "P2"))]  # P3 ended in May


def test_the_ars_agent_reads_the_readiness_of_every_site_of_its_region_only() -> None:
    plan = plan_reminders(
        paris("2027-08-02T09:00"), DEADLINES, store_with_patients(), NOTHING_SENT.__contains__
    )
    agent = next(r for r in plan.deadlines if r.member == ARS_SUB)
    assert [s.site for s in agent.sites] == [ROUEN, CAEN]
    assert ARS_IDF.member_id not in {r.member.member_id for r in plan.deadlines}


def test_readiness_lists_months_not_logged_targets_not_set_and_report_fields_missing() -> None:
    calls: list[tuple[str, str]] = []

    def completeness(site: Site, d: Deadline, now: datetime) -> list[str] | None:
        calls.append((site.finess, d.key))
        return ["Taux d'occupation de l'HDJ"] if site == CAEN else []

    plan = plan_reminders(
        paris("2027-08-02T09:00"), DEADLINES, store_with_patients(), NOTHING_SENT.__contains__,
        completeness=completeness,
    )  # fmt: skip
    coord = next(r for r in plan.deadlines if r.member == COORD_ROUEN)
    (rouen,) = coord.sites
    gaps = {g.month: g.patients for g in rouen.months_not_logged}
    # The 2027 follow-up report covers 2026 and 2027; months up to July 2027 (August is not over).
    assert gaps[Month(2027, 7)] == ("P1", "P2")
    assert gaps[Month(2027, 3)] == ("P2", "P3")
    assert gaps[Month(2026, 2)] == ("P3",)
    assert Month(2026, 1) not in gaps and Month(2027, 6) in gaps and Month(2027, 8) not in gaps
    assert rouen.targets_missing == () and rouen.report_missing == ()
    caen = next(r for r in plan.deadlines if r.member == COORD_CAEN).sites[0]
    assert caen.targets_missing == (2025, 2027)
    assert caen.report_missing == ("Taux d'occupation de l'HDJ",)
    assert not caen.ready and ("760000001", "report:followup:2027") in calls


def test_what_is_already_in_the_outbox_is_not_sent_again() -> None:
    now = paris("2027-08-02T09:00")
    first = plan_reminders(now, DEADLINES, store_with_patients(), NOTHING_SENT.__contains__)
    sent = {item.key for item in first.to_send()}
    assert len(sent) == 6
    again = plan_reminders(paris("2027-08-02T15:00"), DEADLINES, store_with_patients(), sent.__contains__)
    assert again.to_send() == []
    assert {i.key for i in again.of_the_day()} == sent  # still listed as sent today
    assert all(i.status is Status.SENT for i in again.of_the_day())


def test_keys_name_kind_recipient_and_day() -> None:
    plan = plan_reminders(
        paris("2027-08-02T09:00"), DEADLINES, store_with_patients(), NOTHING_SENT.__contains__
    )
    keys = {i.key for i in plan.to_send()}
    assert "reminder:report:followup:2027:2027-08-02:UCOORDR1" in keys
    assert "entry-reminder:2027-07:USAISIER1" in keys


def test_a_reminder_missed_while_down_is_sent_late_once_if_the_deadline_is_still_ahead() -> None:
    store = store_with_patients()
    # Down from 1 to 4 August: the 2 August reminder goes out late at start-up on the 4th.
    plan = plan_reminders(paris("2027-08-04T14:10"), DEADLINES, store, NOTHING_SENT.__contains__)
    coord = next(r for r in plan.deadlines if r.member == COORD_ROUEN)
    assert coord.status is Status.LATE and coord.occurrence.offset == 30
    # Down across two reminders: only the latest (7 days before) goes, the 30-day one is superseded; at
    # 08:00 it waits for 09:00, then goes.
    plan = plan_reminders(paris("2027-08-26T08:00"), DEADLINES, store, NOTHING_SENT.__contains__)
    coord = next(r for r in plan.deadlines if r.member == COORD_ROUEN)
    assert coord.status is Status.WAITING and coord.send_at == paris("2027-08-26T09:00")
    assert coord not in plan.to_send() and coord not in plan.of_the_day()
    plan = plan_reminders(paris("2027-08-26T09:00"), DEADLINES, store, NOTHING_SENT.__contains__)
    coord = next(r for r in plan.deadlines if r.member == COORD_ROUEN)
    assert coord.status is Status.LATE and coord.occurrence.offset == 7
    assert len([r for r in plan.deadlines if r.member == COORD_ROUEN]) == 1


def test_a_late_reminder_waits_for_the_next_working_day_and_counts_down_from_it() -> None:
    """Audit #14 item 7: no catch-up on weekends or holidays, and a countdown from the day it is read."""
    store = store_with_patients()
    # Back on Saturday 28 Aug 2027: the 7-day reminder (25 Aug) waits for Monday 30 Aug at 09:00.
    plan = plan_reminders(paris("2027-08-28T10:00"), DEADLINES, store, NOTHING_SENT.__contains__)
    assert not [r for r in plan.to_send() if isinstance(r, DeadlineReminder)]
    coord = next(r for r in plan.deadlines if r.member == COORD_ROUEN)
    assert coord.status is Status.WAITING and coord.send_at == paris("2027-08-30T09:00")
    # Monday 30 Aug 09:00: it goes, and 1 Sep is 2 days away.
    plan = plan_reminders(paris("2027-08-30T09:00"), DEADLINES, store, NOTHING_SENT.__contains__)
    coord = next(r for r in plan.deadlines if r.member == COORD_ROUEN)
    assert coord.status is Status.LATE and coord.send_on == date(2027, 8, 30)
    assert (coord.occurrence.deadline.due - coord.send_on).days == 2
    # Back in the evening: it waits for the next morning.
    plan = plan_reminders(paris("2027-08-30T19:30"), DEADLINES, store, NOTHING_SENT.__contains__)
    coord = next(r for r in plan.deadlines if r.member == COORD_ROUEN)
    assert coord.status is Status.WAITING and coord.send_at == paris("2027-08-31T09:00")
    # A French public holiday is not a working day: back on Thursday 11 Nov 2027 (Armistice).
    plan = plan_reminders(paris("2027-11-11T10:00"), DEADLINES, store, NOTHING_SENT.__contains__)
    assert all(i.status is not Status.LATE for i in [*plan.deadlines, *plan.entries])


def test_no_catch_up_on_a_weekend_or_holiday_over_a_whole_calendar() -> None:
    """Every hour-ish instant from Dec 2026 to Mar 2028 with nothing sent: nothing is ever to send on a day
    that is not a working day, and a deadline reminder is never sent after its deadline."""
    from datetime import timedelta

    from rules.working_days import is_working_day

    store = store_with_patients()
    instant = paris("2026-12-01T07:00")
    while instant < paris("2028-03-31T00:00"):
        plan = plan_reminders(instant, DEADLINES, store, NOTHING_SENT.__contains__)
        for item in plan.to_send():
            assert is_working_day(instant.date()), (instant, item.key)
            if isinstance(item, DeadlineReminder):
                assert (item.occurrence.deadline.due - item.send_on).days >= 0
        instant += timedelta(hours=13)


def test_a_reminder_sent_within_the_grace_delay_is_on_time() -> None:
    plan = plan_reminders(
        paris("2027-08-02T09:10"), DEADLINES, store_with_patients(), NOTHING_SENT.__contains__
    )
    assert all(r.status is Status.DUE for r in plan.deadlines)


def test_a_reminder_whose_deadline_has_passed_is_skipped_not_sent() -> None:
    plan = plan_reminders(
        paris("2027-09-02T09:00"), DEADLINES, store_with_patients(), NOTHING_SENT.__contains__
    )
    assert not [r for r in plan.deadlines if r.occurrence.deadline.key == "report:followup:2027"]
    skipped = [s for s in plan.skipped if ":report:followup:2027:" in s.key]
    assert {s.member_id for s in skipped} == {
        COORD_ROUEN.member_id, COORD_CAEN.member_id, SAISIE_SUB.member_id, ARS_SUB.member_id
    }  # fmt: skip
    assert all(s.reason == "deadline_passed" for s in skipped)
    # A passed deadline whose last reminder was sent is not even reported as skipped.
    sent = {s.key for s in skipped}
    again = plan_reminders(paris("2027-09-02T09:00"), DEADLINES, store_with_patients(), sent.__contains__)
    assert not [s for s in again.skipped if ":report:followup:2027:" in s.key]


def test_on_the_last_day_of_a_deadline_the_day_itself_reminder_is_still_sent_in_working_hours() -> None:
    plan = plan_reminders(
        paris("2027-09-01T17:00"), DEADLINES, store_with_patients(), NOTHING_SENT.__contains__
    )
    coord = next(r for r in plan.deadlines if r.member == COORD_ROUEN)
    assert coord.occurrence.offset == 0 and coord.status is Status.LATE
    assert (coord.occurrence.deadline.due - coord.send_on).days == 0  # « c'est aujourd'hui »
    # At 23:00 it would wait for the next morning, after the deadline: skipped (and logged), not sent.
    plan = plan_reminders(
        paris("2027-09-01T23:00"), DEADLINES, store_with_patients(), NOTHING_SENT.__contains__
    )
    assert not [r for r in plan.deadlines if r.member == COORD_ROUEN]
    assert any(s.member_id == COORD_ROUEN.member_id and s.reason == "deadline_passed" for s in plan.skipped)


def test_the_monthly_entry_reminder_waits_for_the_first_working_day_and_lapses_with_its_month() -> None:
    store = store_with_patients()
    # Sunday 1 August 2027: August's reminder has not fallen; July's own window is closed.
    assert plan_reminders(paris("2027-08-01T12:00"), [], store, NOTHING_SENT.__contains__).entries == []
    assert plan_reminders(paris("2027-08-02T08:59"), [], store, NOTHING_SENT.__contains__).entries == []
    late = plan_reminders(paris("2027-08-20T09:00"), [], store, NOTHING_SENT.__contains__).entries
    assert {e.status for e in late} == {Status.LATE} and {e.month for e in late} == {Month(2027, 7)}
    # Caen's C1 was referred on 1 June: in care in July with nothing logged.
    sub = next(e for e in late if e.member == SAISIE_SUB)
    assert [(g.site.finess, g.patients) for g in sub.sites] == [(CAEN.finess, ("C1",))]


def test_nobody_gets_an_entry_reminder_when_every_patient_is_logged() -> None:
    store = FakeStore()
    assert plan_reminders(paris("2027-08-02T09:00"), [], store, NOTHING_SENT.__contains__).entries == []


def test_a_regional_deadline_an_ars_added_reaches_its_region_only() -> None:
    added = deadline("normandie:comite-suivi", date(2027, 3, 15))
    plan = plan_reminders(
        paris("2027-03-12T09:00"), [added], store_with_patients(), NOTHING_SENT.__contains__
    )
    assert {r.member.member_id for r in plan.deadlines} == {
        COORD_ROUEN.member_id, COORD_CAEN.member_id, SAISIE_SUB.member_id, ARS_SUB.member_id
    }  # fmt: skip
    assert all(r.occurrence.offset == 1 for r in plan.deadlines)  # Sunday 14 March -> Friday 12


def test_the_digest_names_the_next_deadline_even_when_it_is_months_away() -> None:
    from handlers.digest import DigestSettings, coming_deadlines

    def coming(moment: str) -> list[tuple[str, int]]:
        found = coming_deadlines(DEADLINES, "normandie", paris(moment), DigestSettings())
        return [(c.deadline.key, c.days_left) for c in found]

    assert coming("2027-08-02T08:00") == [("report:followup:2027", 30)]
    assert coming("2026-11-23T08:00") == [("report:followup:2027", 282)]  # far away, still named
    assert coming("2028-03-01T08:00") == []
