"""End to end: reminders and digests computed from a real store, enqueued in the real outbox, sent over SMTP
to an aiosmtpd server on loopback, and never twice across restarts, crashes and downtime."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from tests.scheduler.fakes import paris
from tests.scheduler.world import Clock, FakeSlack, World, fill
from tests.support.smtp import SmtpServer


@pytest.fixture
def world(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[World]:
    path = tmp_path / "expe50.db"
    fill(path)
    w = World(path, Clock(paris("2027-08-02T09:00")), smtp_server.port)
    w.open()
    try:
        yield w
    finally:
        w.close()


def bodies(message: EmailMessage) -> tuple[str, str]:
    text_part = message.get_body(("plain",))
    html_part = message.get_body(("html",))
    assert text_part is not None and html_part is not None
    return text_part.get_content(), html_part.get_content()


def test_the_morning_of_2_august_2027_each_recipient_gets_one_email_over_smtp(
    world: World, smtp_server: SmtpServer
) -> None:
    report = world.service.run_reminders()
    assert report is not None
    assert (
        world.worker.run_once() == 4
    )  # 3 deadline reminders by email + 1 entry reminder (not Caen: no email)
    received = smtp_server.wait_for(4)
    by_rcpt = {m["To"]: m for m in received}
    assert set(by_rcpt) == {
        "coord.rouen@example.org", "coord.caen@example.org",
        "agent@ars.example.org", "saisie.rouen@example.org",
    }  # fmt: skip
    coord = [m for m in received if m["To"] == "coord.rouen@example.org"]
    assert len(coord) == 1
    message = coord[0]
    assert message["Auto-Submitted"] == "auto-generated"
    assert "rapport d'activité de suivi" in message["Subject"] and "1er septembre 2027" in message["Subject"]
    text, html = bodies(message)
    assert "dans 30 jours" in text and "juillet 2027 : 2 patients sans administration saisie" in text
    assert "CHU de Rouen" in html
    # The Caen data-entry member has no email and no Slack id reachable: reported, not lost silently.
    assert {m.member.member_id for m in report.unreachable} == {"USAISIES1"}


def test_running_again_after_a_restart_sends_nothing_twice(world: World, smtp_server: SmtpServer) -> None:
    world.service.run_reminders()
    world.worker.run_once()
    assert len(smtp_server.wait_for(4)) == 4
    world.clock.now = paris("2027-08-02T15:00")
    service = world.reopen()
    report = service.run_reminders()
    assert report is not None and report.delivered == []
    assert world.worker.run_once() == 0
    assert len(smtp_server.messages) == 4


def test_a_crash_in_the_middle_of_a_send_is_finished_once_after_the_restart(
    world: World, smtp_server: SmtpServer
) -> None:
    world.service.run_reminders()
    # The worker took the first message and died before the SMTP transaction.
    first = world.outbox.due(world.clock())[0]
    world.outbox.mark_sending(first.key, world.clock())
    service = world.reopen()
    service.catch_up()  # plans again: no reminder is enqueued twice (the Monday digests are added)
    assert world.worker.run_once() == 6
    assert len(smtp_server.wait_for(6)) == 6
    assert world.worker.run_once() == 0
    assert [m["Message-ID"] for m in smtp_server.messages].count(first.message_id) == 1


def test_a_slack_post_interrupted_by_a_crash_is_posted_once_after_the_restart(tmp_path: Path) -> None:
    path = tmp_path / "expe50.db"
    fill(path)
    slack = FakeSlack()
    w = World(path, Clock(paris("2027-08-02T09:00")), None, slack=slack)
    service = w.open()
    plan = service.reminder_plan(w.clock())
    message = next(m for m in service.reminder_messages(plan) if m.member.member_id == "UCOORDR1")
    # The ledger mark was written, then the process died before the post.
    assert w.ledger.begin(
        message.key, "slack", "UCOORDR1", {"text": message.subject, "blocks": []}, w.clock()
    )
    service = w.reopen()
    service.catch_up()
    to_coord = [p for p in slack.posts if p["channel"] == "UCOORDR1"]
    assert len(to_coord) == 1 and to_coord[0]["text"] == message.subject
    service = w.reopen()
    service.catch_up()
    assert len([p for p in slack.posts if p["channel"] == "UCOORDR1"]) == 1
    # Data entry gets a button per patient to log July (each opens the administration form, prefilled).
    entry = next(p for p in slack.posts if p["channel"] == "USAISIER1")
    buttons = entry["blocks"][-1]["elements"]
    assert [json.loads(b["value"])["command"] for b in buttons] == [
        "administration P1 2027-07 site=760000001",
        "administration P2 2027-07 site=760000001",
    ]
    w.close()


def test_downtime_across_a_reminder_sends_it_once_at_start_up_marked_late(
    world: World, smtp_server: SmtpServer
) -> None:
    world.clock.now = paris("2027-07-30T09:00")
    assert world.service.run_reminders() is not None
    # Only June's entry reminder (late: it fell on 1 July, before this store ran); July's comes on 2 August.
    assert world.worker.run_once() == 1
    assert "juin 2027 (rappel en retard)" in smtp_server.wait_for(1)[0]["Subject"]
    # Down from Friday evening to Wednesday 4 August, 10:00.
    world.clock.now = paris("2027-08-04T10:00")
    world.reopen().catch_up()
    world.worker.run_once()
    received = smtp_server.wait_for(4)
    coord = [m for m in received if m["To"] == "coord.rouen@example.org"]
    assert len(coord) == 1 and "(en retard)" in coord[0]["Subject"]
    text, _ = bodies(coord[0])
    assert "aurait dû partir le 2 août 2027 à 09:00" in text
    world.reopen().catch_up()
    assert world.worker.run_once() == 0


def test_a_reminder_missed_past_its_deadline_is_skipped_and_logged(
    world: World, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    world.clock.now = paris("2027-09-02T09:00")
    caplog.set_level("INFO")
    report = world.service.run_reminders()
    assert report is not None
    assert not [m for m, _ in report.delivered if "report:followup:2027" in m.key]
    assert "skipped reminder:report:followup:2027:2027-09-01:UCOORDR1 (deadline_passed" in caplog.text


def test_scheduled_work_never_runs_twice_at_once(world: World) -> None:
    world.service.lock.acquire()
    try:
        result: list[object] = []
        thread = threading.Thread(target=lambda: result.append(world.service.run_reminders()))
        thread.start()
        thread.join(5)
        assert result == [None]  # the second run stepped aside
    finally:
        world.service.lock.release()
    assert world.service.run_reminders() is not None


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bars: list[tuple[int, int]] = []
        self.tables = 0
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "table":
            self.tables += 1
        if tag == "td" and found.get("class") == "bar":
            self.bars.append((int(found["data-value"] or 0), int(found["width"] or 0)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_the_weekly_digest_reaches_the_ars_agent_as_text_and_html(
    world: World, smtp_server: SmtpServer
) -> None:
    from bot.scheduler import forfaits_from_lines
    from handlers.digest import WaitingQuestion

    world.service.waiting = lambda: [WaitingQuestion("Q7K2", "<script>alert(1)</script> forfait ?", None)]
    world.service.forfaits_of = forfaits_from_lines(lambda finess: [])
    world.clock.now = paris("2027-08-02T08:00")
    report = world.service.run_digest()
    assert report is not None and {d.member.member_id for d in report.digests} == {
        "agent@ars.example.org", "idf@ars.example.org"
    }  # fmt: skip
    world.worker.run_once()
    (message,) = [m for m in smtp_server.wait_for(1) if m["To"] == "agent@ars.example.org"]
    assert message["Auto-Submitted"] == "auto-generated"
    text, html = bodies(message)
    assert "Semaine du 26 juillet 2027 au 1er août 2027" in text
    assert "CHU de Rouen (760000001)" in text and "Adressages 2027 : 1 / 30 — 3 % de la cible" in text
    assert "1er septembre 2027 — rapport d'activité de suivi (années 2026 et 2027) (dans 30 jours)" in text
    parsed = _Html()
    parsed.feed(html)
    assert parsed.tables >= 1 and "script" not in parsed.tags
    assert "<script>alert(1)</script> forfait ?" in "".join(
        parsed.text
    )  # shown as text, escaped in the source
    assert parsed.bars and all(width == 2 * value for value, width in parsed.bars)
    assert (3, 6) in parsed.bars  # Rouen: 1 referral of a target of 30 -> 3 %
    # Sent once: the same week again sends nothing.
    world.clock.now = paris("2027-08-03T11:00")
    again = world.reopen().run_digest()
    assert again is not None and again.delivered == []


def test_a_slack_dm_refused_by_slack_is_logged_with_its_error_without_a_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "expe50.db"
    fill(path)

    class Refusing(FakeSlack):
        def chat_postMessage(self, **kwargs: Any) -> Any:
            raise SlackApiError("refused", {"ok": False, "error": "not_in_channel"})

    w = World(path, Clock(paris("2027-08-02T09:00")), None, slack=Refusing())
    service = w.open()
    with caplog.at_level(logging.ERROR, logger="bot.scheduler"):
        service.run_reminders()
    failed = [r for r in caplog.records if "could not be handed to slack" in r.getMessage()]
    assert failed and all(r.getMessage().endswith(": not_in_channel") for r in failed)
    assert all(r.exc_info is None for r in failed)  # no traceback in the operator's log
    w.close()
