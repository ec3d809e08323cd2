"""`expe50 run` with Slack tokens starts the Slack app (HTTP mode), and the Slack settings are checked at
start-up with a French message naming the variable."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from bot.app import run
from bot.config import ConfigError, load_settings
from bot.slack.settings import slack_settings_from_env
from tests.bot.slack.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.scheduler.world import fill
from tests.support.slack_api import FakeSlackAPI
from tests.support.slack_client import SlackSender


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_expe50_run_serves_slash_commands_over_http(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    port = free_port()
    settings = load_settings(
        environ={
            "EXPE50_DB": str(tmp_path / "expe50.json"),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_api.base_url.rstrip("/"),  # the trailing slash is added for slack_sdk
            "EXPE50_HTTP_HOST": "127.0.0.1",
            "EXPE50_HTTP_PORT": str(port),
            "EXPE50_NOW": "2025-11-20T10:00",
        },
        env_file=None,
    )
    stop = threading.Event()
    outcome: list[int] = []
    runner = threading.Thread(target=lambda: outcome.append(run(settings, stop_event=stop)), daemon=True)
    runner.start()
    try:
        slack_api.wait_for("auth.test")
        sender = SlackSender(
            f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, slack_api.root + "/response/"
        )
        deadline = time.monotonic() + 5
        while True:  # the HTTP server binds a few ms after auth.test
            try:
                answer = sender.slash("echeances", "U0ANYONE")
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, "the Slack endpoint never opened"
                time.sleep(0.02)
        assert (answer.status, answer.body) == (200, "")
        [posted] = slack_api.wait_for("response_url")
        assert posted.params["response_type"] == "ephemeral"
        assert "blocks" in posted.params
    finally:
        stop.set()
        runner.join(timeout=10)
    assert outcome == [0]


def test_expe50_run_sends_the_reminders_due_at_start_up_as_slack_direct_messages(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    """The scheduler posts through the Slack client the Slack channel starts: whatever the order the
    channels registered in, it must find that client (its start-up catch-up runs at once)."""
    db = tmp_path / "expe50.json"
    fill(db)  # the scheduler tests' region: coordinators and data entry with Slack ids, deadlines near
    settings = load_settings(
        environ={
            "EXPE50_DB": str(db),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_api.base_url,
            "EXPE50_HTTP_HOST": "127.0.0.1",
            "EXPE50_HTTP_PORT": "0",
            "EXPE50_NOW": "2027-08-02T09:00",  # the morning reminders of 2 August 2027 are due
        },
        env_file=None,
    )
    stop = threading.Event()
    runner = threading.Thread(target=lambda: run(settings, stop_event=stop), daemon=True)
    runner.start()
    try:
        # Direct messages go to the member's own id (Slack opens the DM), in Block Kit.
        [to_coord] = slack_api.wait_until("chat.postMessage", lambda c: c.params["channel"] == "UCOORDR1")
        assert "1er septembre 2027" in str(to_coord.params["text"]) and to_coord.params["blocks"]
        [to_entry] = slack_api.wait_until("chat.postMessage", lambda c: c.params["channel"] == "USAISIER1")
        buttons = to_entry.params["blocks"][-1]["elements"]
        assert buttons[0]["action_id"].startswith("expe50.form")  # a click opens the form, prefilled
        assert json.loads(buttons[0]["value"])["command"] == "administration P1 2027-07 site=760000001"
    finally:
        stop.set()
        runner.join(timeout=10)
    assert not runner.is_alive()


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_BOT_TOKEN": "xoxp-user-token", "SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_APP_TOKEN": "x"},
            "SLACK_APP_TOKEN",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "ftp://x"},
            "SLACK_API_URL",
        ),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "EXPE50_HTTP_PORT": "http"},
            "EXPE50_HTTP_PORT",
        ),
    ],
)
def test_a_malformed_slack_setting_stops_start_up_naming_the_variable_not_the_value(
    env: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(environ=env, env_file=None)
    assert raised.value.variable == variable
    assert "xoxp-user-token" not in str(raised.value)


def test_slack_is_off_without_tokens_and_secrets_stay_out_of_repr() -> None:
    assert slack_settings_from_env({}) is None
    settings = slack_settings_from_env(
        {
            "SLACK_BOT_TOKEN": "xoxb-very-secret",
            "SLACK_SIGNING_SECRET": "shh-secret",
            "SLACK_APP_TOKEN": "xapp-1",
        }
    )
    assert settings is not None and settings.socket_mode
    assert "secret" not in repr(settings) and "xapp-1" not in repr(settings)
    assert (settings.http_host, settings.http_port) == ("0.0.0.0", 3000)
