"""What reaches members when Slack is not kind: every element the bot sends has a listener; a dead
response_url falls back to a direct message and is logged with Slack's error, never the user's text; a burst
of commands is acknowledged in time and answered; more sites than a static select holds get a typeahead."""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import pytest

from bot.render.slack import reply_messages
from bot.render.slack_split import next_steps
from bot.slack import Choice
from bot.slack.backend import FormChoices
from bot.slack.forms import FORMS
from bot.slack.home import home_view
from handlers.reply import Action, Reply, Request, Status
from tests.bot.slack.conftest import MEMBER, NOW, SlackRig, StubBackend, start_rig
from tests.support.slack_api import FakeSlackAPI
from tests.support.slack_limits import options_problems


def _elements(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        if block.get("type") == "actions":
            found.extend(block["elements"])
        if isinstance(block.get("accessory"), dict):
            found.append(block["accessory"])
    return found


def test_every_button_and_select_the_bot_sends_has_a_listener(rig: SlackRig, stub: StubBackend) -> None:
    """Replies (run and form buttons, the report form button), App Home and the entry reminder's buttons and
    selects: each one is clicked; Bolt answers 404 to an action no listener matches."""
    report = Action("Saisir le rapport", "rapport saisir suivi-2027", form="rapport")
    reply = Reply(
        Status.OK,
        "ok",
        actions=[Action("Aide", "aide"), Action("Administration", "administration P-1 2025-10-01"), report],
    )
    blocks = [b for m in reply_messages(reply, FORMS) for b in m["blocks"]]
    blocks += home_view(stub.home(MEMBER, NOW))["blocks"]
    many = [Action(f"P-{n}", f"administration P-{n} 2025-10", form="administration") for n in range(150)]
    blocks += next_steps(many) + next_steps(many[:2])
    clicked = set()
    for element in _elements(blocks):
        if element["type"] == "button":
            answer = rig.send.block_action(MEMBER, element["action_id"], element.get("value", ""))
        else:
            option = element["options"][0]
            answer = rig.send.block_action(MEMBER, element["action_id"], "", selected=option)
        assert answer.status == 200, element["action_id"]
        clicked.add(element["action_id"].rsplit(".", 1)[0])
    assert {"expe50.run", "expe50.form", "expe50.pick"} <= clicked
    rig.api.wait_for("views.open", 3)  # the form buttons, the report button's refusal aside, opened forms


def test_a_dead_response_url_falls_back_to_a_direct_message_and_is_logged_without_the_text(
    rig: SlackRig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.api.expired_responses.add("late")
    with caplog.at_level(logging.WARNING, logger="expe50.slack"):
        answer = rig.send.slash("forfaits P-SECRET-0042", MEMBER, response_name="late")
        assert answer.status == 200
        [posted] = rig.api.wait_for("chat.postMessage")
    assert posted.params["channel"].startswith("D")  # the member's direct messages
    assert "forfaits P-SECRET-0042" in json.dumps(posted.params, ensure_ascii=False)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "response_url failed: HTTP 404 expired_url" in logged
    assert "P-SECRET" not in logged
    rig.api.refused.clear()  # the expired response_url was refused on purpose


def test_a_failed_web_api_call_is_logged_with_slacks_error(
    rig: SlackRig, caplog: pytest.LogCaptureFixture
) -> None:
    rig.api.failures["views.open"] = "expired_trigger_id"
    with caplog.at_level(logging.WARNING, logger="expe50.slack"):
        rig.send.slash("administration", MEMBER, response_name="form")
        [told] = rig.api.wait_for_response("form")
    assert "formulaire n'a pas pu s'ouvrir" in told.params["text"]
    assert any("Slack views.open failed: expired_trigger_id" in r.getMessage() for r in caplog.records)


def test_a_long_answer_comes_whole_in_numbered_parts(rig: SlackRig, stub: StubBackend) -> None:
    lines = [f"• Site {s} — patient P-{n:04d} : 120,00 €" + " ." * 20 for s in range(10) for n in range(800)]
    stub.answer = lambda request: Reply(Status.OK, "Forfaits 2025", body=lines)
    rig.send.slash("forfaits 2025", MEMBER, response_name="long")
    [first] = rig.api.wait_for_response("long")
    total = int(first.params["text"].split("/")[1].split()[0])
    assert total > 4
    parts = rig.api.wait_for_response("long", 4)  # as many as a response_url takes with room to spare
    extra = rig.api.wait_for("chat.postMessage", total - 4)  # the rest in the member's direct messages
    texts = [
        b["text"]["text"] for p in [*parts, *extra] for b in p.params["blocks"] if b["type"] == "section"
    ]
    shown = "\n".join(texts)
    assert all(line.strip() in shown for line in lines)
    assert f"Partie {total}/{total}" in extra[-1].params["text"]


def test_a_burst_of_40_commands_is_acknowledged_within_3_seconds_and_all_answered(
    slack_api: FakeSlackAPI,
) -> None:
    def slowish(request: Request) -> Reply:
        threading.Event().wait(0.05)  # a store read
        return Reply(Status.OK, f"reçu : {request.text}")

    rig = start_rig(slack_api, StubBackend(answer=slowish))
    try:
        answers: dict[int, Any] = {}

        def send(n: int) -> None:
            answers[n] = rig.send.slash(f"aide {n}", MEMBER, response_name=f"burst{n}")

        threads = [threading.Thread(target=send, args=(n,)) for n in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert sorted(answers) == list(range(40))
        assert all(a.status == 200 and a.elapsed < 3.0 for a in answers.values())
        for n in range(40):
            [answer] = slack_api.wait_for_response(f"burst{n}", timeout=20)
            assert f"reçu : aide {n}" in json.dumps(answer.params, ensure_ascii=False)
    finally:
        rig.channel.stop()


class ManySites(StubBackend):
    def form_choices(self, user_id: str) -> FormChoices:
        sites = tuple(Choice(f"76{n:07d}", f"Centre {n} ({76:02d}{n:07d})") for n in range(150))
        return FormChoices(sites=sites, hads=(Choice("760000001", "HAD Rouen (760000001)"),))


def test_more_than_100_sites_get_a_typeahead_that_finds_any_of_them(slack_api: FakeSlackAPI) -> None:
    rig = start_rig(slack_api, ManySites())
    try:
        rig.send.slash("adressage", MEMBER, response_name="sites")
        view = slack_api.wait_for("views.open")[0].params["view"]
        site = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}["site"]["element"]
        assert site["type"] == "external_select"
        answer = rig.send.block_suggestion(MEMBER, site["action_id"], "site", "centre 14")
        assert answer.status == 200
        options = json.loads(answer.body)
        assert options_problems(options) == []
        assert [o["value"] for o in options["options"]] == [
            "760000014",
            *[f"7600001{n}" for n in range(40, 50)],
        ]
        everything = json.loads(rig.send.block_suggestion(MEMBER, site["action_id"], "site", "").body)
        assert len(everything["options"]) == 100  # Slack's cap; typing narrows it
        last = json.loads(rig.send.block_suggestion(MEMBER, site["action_id"], "site", "149").body)
        assert [o["value"] for o in last["options"]] == ["760000149"]  # the 150th site is reachable
    finally:
        rig.channel.stop()
