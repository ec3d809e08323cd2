"""The monthly entry reminder as Slack sees it: every patient listed and reachable, however many; a click on
a patient opens the administration form prefilled with the patient, the month and the site (never a silent
write); submitting it logs the administration. Posted through the strict fake Web API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.schedule_messages import Outgoing, entry_message
from bot.scheduler import SlackNotifier
from bot.slack.backend import HandlersBackend
from handlers.reminders import EntryReminder, SiteGap, Status
from rules.month import Month
from store.records import EntryKind, Member, Role
from store.schedule_ledger import ScheduleLedger
from tests.bot.slack.conftest import BOT_TOKEN, SlackRig, start_rig
from tests.support.conversation import DEFAULT_NOW, HAD, SITE, Conversation
from tests.support.slack_api import FakeSlackAPI
from tests.support.slack_client import date_value, select_value, text_value
from tests.support.slack_limits import message_problems

SAISIE = "U0SAISIE"
OCTOBER = Month(2025, 10)


@dataclass
class World:
    convo: Conversation
    rig: SlackRig
    api: FakeSlackAPI


@pytest.fixture
def world(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[World]:
    convo = Conversation.start(tmp_path, setup=True)
    rig = start_rig(slack_api, HandlersBackend(convo.ctx), now=DEFAULT_NOW)  # 20 November 2025
    yield World(convo, rig, slack_api)
    rig.channel.stop()
    convo.close()


def reminder(convo: Conversation, codes: list[str]) -> Outgoing:
    site = convo.repo.site(SITE)
    assert site is not None
    member = Member(SAISIE, Role.SAISIE, sites=(SITE,))
    item = EntryReminder(
        "entry:test",
        member,
        OCTOBER,
        DEFAULT_NOW - timedelta(days=19),
        Status.DUE,
        (SiteGap(site, tuple(codes)),),
    )
    return entry_message(item)


def posted(world: World, message: Outgoing) -> list[dict[str, Any]]:
    """Send the reminder as the scheduler does, through a real WebClient to the strict fake."""
    client = WebClient(token=BOT_TOKEN, base_url=world.api.base_url)
    assert SlackNotifier(client, ScheduleLedger(world.convo.repo.database)).deliver(message, DEFAULT_NOW)
    return [call.params for call in world.api.calls_to("chat.postMessage")]


def elements(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for m in messages for b in m["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_a_300_patient_entry_reminder_is_complete_and_every_patient_reachable(world: World) -> None:
    codes = [f"P-{n:04d}" for n in range(1, 301)]
    messages = posted(world, reminder(world.convo, codes))
    for message in messages:
        assert message_problems(message["text"], message["blocks"]) == []
    shown = "\n".join(b["text"]["text"] for m in messages for b in m["blocks"] if b["type"] == "section")
    assert all(code in shown for code in codes)  # the whole list, P-0248 to P-0300 included
    assert "Pour saisir" in shown and shown.rstrip().endswith(shown.rstrip().split("\n")[-1])
    assert "P-0300" in shown.split("Pour saisir")[0]  # the list ends before the closing lines, whole
    selects = elements(messages)
    assert all(s["type"] == "static_select" for s in selects) and len(selects) == 3
    reachable = [o["value"] for s in selects for o in s["options"]]
    assert reachable == [f"form:administration {c} 2025-10 site={SITE}" for c in codes]


def test_a_reminder_too_long_for_one_message_is_split_into_numbered_parts(world: World) -> None:
    codes = [f"PATIENT-{n:05d}-{'X' * 8}" for n in range(1, 6001)]
    messages = posted(world, reminder(world.convo, codes))
    assert len(messages) > 1
    for number, message in enumerate(messages, start=1):
        assert message_problems(message["text"], message["blocks"]) == []
        assert f"Partie {number}/{len(messages)}" in json.dumps(message, ensure_ascii=False)
    shown = "\n".join(b["text"]["text"] for m in messages for b in m["blocks"] if b["type"] == "section")
    assert all(code in shown for code in codes)
    assert len([o for s in elements(messages) for o in s["options"]]) == 6000


def test_picking_a_patient_opens_the_prefilled_form_and_submitting_logs_the_month(world: World) -> None:
    for n in (1, 2, 3, 4, 5, 6):
        assert world.convo.ask(f"adressage P-000{n} 2025-10-0{n} had={HAD} commune=76540", as_=SAISIE).ok
    messages = posted(world, reminder(world.convo, [f"P-000{n}" for n in (1, 2, 3, 4, 5, 6)]))
    [select] = elements(messages)
    option = select["options"][3]
    answer = world.rig.send.block_action(SAISIE, select["action_id"], "", selected=option)
    assert answer.status == 200  # acknowledged: a listener matches the reminder's select
    view = world.api.wait_for("views.open")[0].params["view"]
    assert world.convo.repo.entries(SITE, EntryKind.ADMINISTRATION) == []  # a click writes nothing
    assert view["callback_id"] == "expe50.form.administration"
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["patient"]["initial_value"] == "P-0004"
    assert inputs["date"]["initial_date"] == "2025-10-31"  # October, the member picks the day
    assert "octobre 2025" in json.dumps(view, ensure_ascii=False)
    values = {
        "patient": {"value": text_value("P-0004")},
        "date": {"value": date_value("2025-10-21")},
        "traitement": {"value": select_value("injectable")},
    }
    assert world.rig.send.view_submission(SAISIE, view, values).status == 200
    [entry] = world.convo.repo.entries(SITE, EntryKind.ADMINISTRATION)
    assert (entry.patient, str(entry.on)) == ("P-0004", "2025-10-21")


def test_a_few_patients_get_buttons_that_open_the_prefilled_form(world: World) -> None:
    assert world.convo.ask(f"adressage P-0001 2025-10-01 had={HAD} commune=76540", as_=SAISIE).ok
    messages = posted(world, reminder(world.convo, ["P-0001"]))
    [button] = elements(messages)
    assert world.rig.send.block_action(SAISIE, button["action_id"], button["value"]).status == 200
    view = world.api.wait_for("views.open")[0].params["view"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["patient"]["initial_value"] == "P-0001"
    assert world.convo.repo.entries(SITE, EntryKind.ADMINISTRATION) == []
