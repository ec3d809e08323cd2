"""Socket Mode for real on loopback: the bot calls `apps.connections.open` (fake Web API) with the app-level
token, opens the WebSocket it is given (tests/support/slack_socket.py), and answers envelopes there — the
same listeners as HTTP mode, acknowledged by envelope id, answers through the response_url."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import run
from bot.config import load_settings
from bot.slack import SlackChannel, SlackSettings, start_slack
from tests.bot.slack.conftest import BOT_TOKEN, MEMBER, NOW, SIGNING_SECRET, StubBackend
from tests.support.slack_api import FakeSlackAPI
from tests.support.slack_client import SlackSender, date_value, select_value, text_value
from tests.support.slack_socket import FakeSocketMode

APP_TOKEN = "xapp-1-test-app-level-token-secret"


@dataclass
class SocketRig:
    api: FakeSlackAPI
    socket: FakeSocketMode
    payloads: SlackSender  # builds the payloads; nothing goes over HTTP in Socket Mode
    channel: SlackChannel | None = None


@pytest.fixture
def socket_mode(slack_api: FakeSlackAPI) -> Iterator[SocketRig]:
    socket = FakeSocketMode().start()
    slack_api.app_token = APP_TOKEN
    slack_api.socket_url = socket.url
    rig = SocketRig(slack_api, socket, SlackSender("-", SIGNING_SECRET, slack_api.root + "/response/"))
    try:
        yield rig
    finally:
        if rig.channel is not None:
            rig.channel.stop()
        socket.stop()


def connect(rig: SocketRig, backend: StubBackend) -> SlackChannel:
    settings = SlackSettings(
        bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, app_token=APP_TOKEN, api_url=rig.api.base_url
    )
    rig.channel = start_slack(settings, backend, clock=lambda: NOW)
    assert rig.channel.url is None  # no HTTP endpoint in Socket Mode
    rig.socket.wait_connected()
    return rig.channel


def test_a_slash_command_envelope_is_acknowledged_by_its_id_and_answered_through_the_response_url(
    socket_mode: SocketRig, stub: StubBackend
) -> None:
    connect(socket_mode, stub)
    # Opened with the app-level token (the fake API refuses the bot's), once.
    assert len(socket_mode.api.calls_to("apps.connections.open")) == 1
    payload = socket_mode.payloads.slash_payload("echeances", MEMBER, response_name="socket")
    envelope = socket_mode.socket.send("slash_commands", payload)
    [ack] = socket_mode.socket.wait_for_acks(envelope)
    assert ack == {"envelope_id": envelope}  # an empty acknowledgement: the answer comes separately
    [posted] = socket_mode.api.wait_for_response("socket")
    assert posted.params["response_type"] == "ephemeral"
    assert "reçu : echeances" in posted.params["text"]
    assert [r.text for r in stub.requests] == ["echeances"]


def test_a_modal_opened_and_submitted_over_socket_mode_shows_errors_in_the_acknowledgement(
    socket_mode: SocketRig, stub: StubBackend
) -> None:
    connect(socket_mode, stub)
    socket_mode.socket.send("slash_commands", socket_mode.payloads.slash_payload("administration", MEMBER))
    view = socket_mode.api.wait_for("views.open")[0].params["view"]
    empty = socket_mode.payloads.view_submission_payload(MEMBER, view, {"patient": {"value": text_value("")}})
    envelope = socket_mode.socket.send("interactive", empty)
    [refused] = socket_mode.socket.wait_for_acks(envelope)
    # The errors travel in the acknowledgement's payload, as over HTTP in the response body.
    assert refused["payload"]["response_action"] == "errors"
    assert set(refused["payload"]["errors"]) >= {"patient"}
    assert not stub.requests
    filled = socket_mode.payloads.view_submission_payload(
        MEMBER,
        view,
        {
            "patient": {"value": text_value("P-0042")},
            "date": {"value": date_value("2025-10-13")},
            "traitement": {"value": select_value("oral")},
        },
    )
    envelope = socket_mode.socket.send("interactive", filled)
    [accepted] = socket_mode.socket.wait_for_acks(envelope)
    assert "payload" not in accepted  # the modal closes
    assert [r.text for r in stub.requests] == ["administration P-0042 2025-10-13 traitement=oral"]


def test_a_button_over_socket_mode_runs_its_command(socket_mode: SocketRig, stub: StubBackend) -> None:
    connect(socket_mode, stub)
    click = socket_mode.payloads.block_action_payload(MEMBER, "expe50.run.0", "aide")
    envelope = socket_mode.socket.send("interactive", click)
    socket_mode.socket.wait_for_acks(envelope)
    [posted] = socket_mode.api.wait_for("response_url")
    assert "reçu : aide" in posted.params["text"]


def test_expe50_run_with_an_app_token_answers_over_socket_mode(
    tmp_path: Path, socket_mode: SocketRig
) -> None:
    settings = load_settings(
        environ={
            "EXPE50_DB": str(tmp_path / "expe50.json"),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": socket_mode.api.base_url,
            "EXPE50_NOW": "2025-11-20T10:00",
        },
        env_file=None,
    )
    stop = threading.Event()
    outcome: list[int] = []
    runner = threading.Thread(target=lambda: outcome.append(run(settings, stop_event=stop)), daemon=True)
    runner.start()
    try:
        socket_mode.socket.wait_connected()
        payload = socket_mode.payloads.slash_payload("echeances", "U0ANYONE", response_name="run")
        envelope = socket_mode.socket.send("slash_commands", payload)
        socket_mode.socket.wait_for_acks(envelope)
        [posted] = socket_mode.api.wait_for_response("run")
        assert (
            posted.params["response_type"] == "ephemeral" and posted.params["blocks"][0]["type"] == "header"
        )
    finally:
        stop.set()
        runner.join(timeout=10)
    assert outcome == [0]


def test_the_same_envelope_delivered_twice_is_acknowledged_twice_and_run_once(
    socket_mode: SocketRig, stub: StubBackend
) -> None:
    connect(socket_mode, stub)
    payload = socket_mode.payloads.slash_payload(
        "administration P-0042 2025-10-13", MEMBER, response_name="once"
    )
    socket_mode.socket.send("slash_commands", payload, envelope_id="env-twice")
    socket_mode.socket.send("slash_commands", payload, envelope_id="env-twice")
    assert socket_mode.socket.wait_for_acks("env-twice", count=2) == [{"envelope_id": "env-twice"}] * 2
    socket_mode.api.wait_for_response("once")
    # A later command has been answered: a second run of the first would have reached the backend too.
    later = socket_mode.payloads.slash_payload("aide", MEMBER, response_name="later")
    socket_mode.socket.send("slash_commands", later)
    socket_mode.api.wait_for_response("later")
    assert [r.text for r in stub.requests] == ["administration P-0042 2025-10-13", "aide"]
    assert len(socket_mode.api.calls_to("response_url")) == 2


def test_an_event_retried_under_a_new_envelope_has_one_effect(
    socket_mode: SocketRig, stub: StubBackend
) -> None:
    connect(socket_mode, stub)
    event = socket_mode.payloads.app_home_opened_payload(MEMBER, event_id="Ev-socket-1")
    first = socket_mode.socket.send("events_api", event)
    again = socket_mode.socket.send("events_api", event, retry_attempt=1, retry_reason="timeout")
    socket_mode.socket.wait_for_acks(first)
    socket_mode.socket.wait_for_acks(again)
    socket_mode.api.wait_for("views.publish")
    other = socket_mode.payloads.app_home_opened_payload(MEMBER, event_id="Ev-socket-2")
    socket_mode.socket.wait_for_acks(socket_mode.socket.send("events_api", other))
    socket_mode.api.wait_for("views.publish", count=2)
    # Two distinct events, two publications: the retry of the first added none.
    assert len(socket_mode.api.calls_to("views.publish")) == 2
