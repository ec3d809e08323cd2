"""The fake Web API refuses what Slack refuses, with Slack's error: the other Slack tests can only be as
strict as it is."""

from __future__ import annotations

import time
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from tests.bot.slack.conftest import BOT_TOKEN
from tests.support.slack_api import FakeSlackAPI


def _client(api: FakeSlackAPI) -> WebClient:
    return WebClient(token=BOT_TOKEN, base_url=api.base_url)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _modal(**changes: Any) -> dict[str, Any]:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Administration"},
        "submit": {"type": "plain_text", "text": "Enregistrer"},
        "blocks": [_section("ok")],
    }
    return {**view, **changes}


def _button(action_id: str, label: str = "Voir") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": label}}


BAD_BLOCKS = {
    "51 blocks": [_section("x")] * 51,
    "section text of 3001": [_section("x" * 3001)],
    "11 fields": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}],
    "field of 2001": [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}],
    "header of 151": [{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}],
    "mrkdwn header": [{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}],
    "button text of 76": [{"type": "actions", "elements": [_button("a", "b" * 76)]}],
    "duplicate action_id": [{"type": "actions", "elements": [_button("a"), _button("a")]}],
    "duplicate block_id": [{**_section("a"), "block_id": "b"}, {**_section("b"), "block_id": "b"}],
    "block_id of 256": [{**_section("a"), "block_id": "b" * 256}],
    "empty section text": [_section("")],
    "101 options": [
        {
            "type": "actions",
            "elements": [
                {
                    "type": "static_select",
                    "action_id": "s",
                    "options": [
                        {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)} for i in range(101)
                    ],
                }
            ],
        }
    ],
    "unknown block": [{"type": "sparkles"}],
}


@pytest.mark.parametrize("name", sorted(BAD_BLOCKS))
def test_a_message_breaking_a_block_kit_limit_is_refused_with_invalid_blocks(
    slack_api: FakeSlackAPI, name: str
) -> None:
    with pytest.raises(SlackApiError) as refused:
        _client(slack_api).chat_postMessage(channel="D0TEST", text="t", blocks=BAD_BLOCKS[name])
    assert refused.value.response["error"] == "invalid_blocks"
    assert slack_api.refused
    slack_api.refused.clear()


def test_text_over_40000_is_too_long_and_over_4000_is_a_warning(slack_api: FakeSlackAPI) -> None:
    with pytest.raises(SlackApiError) as refused:
        _client(slack_api).chat_postMessage(channel="D0TEST", text="x" * 40_001)
    assert refused.value.response["error"] == "msg_too_long"
    slack_api.refused.clear()
    _client(slack_api).chat_postMessage(channel="D0TEST", text="x" * 4_001)
    assert len(slack_api.warnings) == 1


@pytest.mark.parametrize(
    "view",
    [
        _modal(title={"type": "plain_text", "text": "t" * 25}),
        _modal(private_metadata="m" * 3001),
        _modal(blocks=[_section("x")] * 101),
        _modal(blocks=[]),
    ],
    ids=["title of 25", "private_metadata of 3001", "101 blocks", "no blocks"],
)
def test_a_view_breaking_a_limit_is_refused_with_invalid_arguments(
    slack_api: FakeSlackAPI, view: dict[str, Any]
) -> None:
    trigger = f"trigger.1.{time.time_ns()}"
    with pytest.raises(SlackApiError) as refused:
        _client(slack_api).views_open(trigger_id=trigger, view=view)
    assert refused.value.response["error"] == "invalid_arguments"
    slack_api.refused.clear()


def test_a_trigger_id_is_exchanged_once_and_within_3_seconds(slack_api: FakeSlackAPI) -> None:
    client = _client(slack_api)
    fresh = f"trigger.1.{time.time_ns()}"
    client.views_open(trigger_id=fresh, view=_modal())
    for trigger in (fresh, f"trigger.2.{time.time_ns() - 4_000_000_000}"):
        with pytest.raises(SlackApiError) as refused:
            client.views_open(trigger_id=trigger, view=_modal())
        assert refused.value.response["error"] == "expired_trigger_id"


def test_a_channel_the_bot_is_not_in_refuses_its_messages(slack_api: FakeSlackAPI) -> None:
    slack_api.channels.update({"C0JOINED": True, "C0OUTSIDE": False})
    client = _client(slack_api)
    client.chat_postMessage(channel="C0JOINED", text="ok")
    for channel, error in (("C0OUTSIDE", "not_in_channel"), ("C0UNKNOWN", "channel_not_found")):
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel=channel, text="ok")
        assert refused.value.response["error"] == error


def test_a_stale_or_overused_response_url_answers_404_and_bad_blocks_400(slack_api: FakeSlackAPI) -> None:
    slack_api.expired_responses.add("old")
    assert WebhookClient(slack_api.response_url("old")).send(text="late").status_code == 404
    hook = WebhookClient(slack_api.response_url("busy"))
    assert [hook.send(text=f"{i}").status_code for i in range(6)] == [200] * 5 + [404]
    answer = WebhookClient(slack_api.response_url("bad")).send(text="t", blocks=[_section("x" * 3001)])
    assert (answer.status_code, answer.body) == (400, "invalid_blocks")
    assert len(slack_api.refused) == 3
    slack_api.refused.clear()
