"""The Slack app manifest grants what the code uses: the command it listens to, the events it handles, and a
scope for every Web API method it calls (a missing scope is a `missing_scope` error in a real workspace)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.slack.channel_check import check_agents_channel
from bot.slack.listeners import COMMAND
from bot.slack.settings import EVENTS_PATH
from handlers.reply import Reply, Status
from tests.bot.slack.conftest import MEMBER, SlackRig, StubBackend
from tests.support.slack_api import Call

MANIFEST = Path(__file__).parents[3] / "slack-manifest.yaml"

# The bot scope each Web API method needs (Slack's method reference).
SCOPE_OF = {
    "chat.postMessage": "chat:write",
    "conversations.open": "im:write",
    "users.info": "users:read",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.info": "files:read",
    "views.open": None,
    "views.publish": None,
    "auth.test": None,
    "conversations.info": "channels:read",  # (groups:read for a private channel)
}


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def test_the_manifest_declares_the_command_app_home_interactivity_and_socket_mode() -> None:
    app = manifest()
    [command] = app["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["url"].endswith(EVENTS_PATH)
    assert command["should_escape"] is True  # mentions arrive as <@U…|name>: bot/slack/typed.py
    assert app["features"]["app_home"]["home_tab_enabled"] is True
    assert app["settings"]["interactivity"]["is_enabled"] is True
    assert app["settings"]["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert app["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert app["settings"]["socket_mode_enabled"] is True


def test_every_web_api_method_the_bot_calls_is_covered_by_a_scope(rig: SlackRig, stub: StubBackend) -> None:
    # Drive the paths that call the Web API: a modal, App Home, a DM answer and a file.
    stub.answer = lambda request: Reply(
        Status.OK, "ok", data={"files": [{"filename": "a.csv", "content": "x"}]}
    )
    rig.send.slash("adressage", MEMBER)
    rig.send.app_home_opened(MEMBER)
    rig.send.block_action(MEMBER, "expe50.run.home", "bilan", container="view")
    rig.api.wait_for("files.completeUploadExternal")
    rig.api.wait_for("views.publish")
    check_agents_channel(rig.channel.app.client, "C0AGENTS")
    called = {call.method for call in rig.api.calls if _is_web_api(call)}
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert called <= set(SCOPE_OF), f"add the scope of {called - set(SCOPE_OF)} to SCOPE_OF"
    needed = {SCOPE_OF[method] for method in called} - {None}
    assert needed <= granted


def _is_web_api(call: Call) -> bool:
    return call.path.startswith("/api/")
