"""Signed requests the way Slack sends them: form-encoded slash commands and interaction payloads, JSON
events, each with `X-Slack-Request-Timestamp` and `X-Slack-Signature` (v0 HMAC-SHA256 of `v0:<ts>:<body>`).

`SlackSender` posts them over real HTTP to the bot's `/slack/events` and returns the status and body.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.support.slack_api import TEAM_ID


def signature(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Answer:
    status: int
    body: str
    elapsed: float

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


@dataclass
class SlackSender:
    """Posts signed requests to the bot at `url` (e.g. http://127.0.0.1:PORT/slack/events)."""

    url: str
    signing_secret: str
    response_url_base: str  # the fake API's /response/ root, so the bot's delayed answers can be asserted
    team_id: str = TEAM_ID
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # -- payloads --------------------------------------------------------------------------------------------

    def slash(
        self,
        text: str,
        user_id: str,
        *,
        trigger_id: str | None = None,
        response_name: str | None = None,
        **options: Any,
    ) -> Answer:
        """`/expe50 <text>` typed by `user_id` in a channel; its response_url is /response/<response_name>."""
        form = self.slash_payload(text, user_id, trigger_id=trigger_id, response_name=response_name)
        return self.send(urlencode(form), "application/x-www-form-urlencoded", **options)

    def slash_payload(
        self, text: str, user_id: str, *, trigger_id: str | None = None, response_name: str | None = None
    ) -> dict[str, str]:
        """The fields of a slash command (form-encoded over HTTP, the envelope's payload in Socket Mode)."""
        n = next(self._ids)
        return {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "team_domain": "expe50-test",
            "channel_id": "C0CHAN0001",
            "channel_name": "expe50",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/expe50",
            "text": text,
            "api_app_id": "A0APP00001",
            "response_url": f"{self.response_url_base}{response_name or f'cmd{n}'}",
            "trigger_id": trigger_id or f"trigger.{n}.{time.time_ns()}",
        }

    def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str,
        *,
        container: str = "message",
        selected: dict[str, Any] | None = None,
        **options: Any,
    ) -> Answer:
        """A click on a button (in a message or in App Home), or with `selected` the choice of an option in
        a static select (`value` is then ignored)."""
        payload = self.block_action_payload(user_id, action_id, value, container=container)
        if selected is not None:
            action = payload["actions"][0]
            action.pop("value")
            action.update({"type": "static_select", "selected_option": selected})
        return self.send(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **options
        )

    def block_action_payload(
        self, user_id: str, action_id: str, value: str, *, container: str = "message"
    ) -> dict[str, Any]:
        n = next(self._ids)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": self.team_id, "domain": "expe50-test"},
            "user": {"id": user_id, "team_id": self.team_id},
            "api_app_id": "A0APP00001",
            "token": "legacy-verification-token",
            "trigger_id": f"trigger.action.{n}.{time.time_ns()}",
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "actions",
                    "value": value,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        if container == "message":
            payload["container"] = {"type": "message", "channel_id": "C0CHAN0001", "is_ephemeral": True}
            payload["channel"] = {"id": "C0CHAN0001"}
            payload["response_url"] = f"{self.response_url_base}action{n}"
        else:
            payload["container"] = {"type": "view", "view_id": "V0HOME0001"}
            payload["view"] = {"id": "V0HOME0001", "type": "home", "callback_id": "", "private_metadata": ""}
        return payload

    def view_submission(
        self, user_id: str, view: dict[str, Any], values: dict[str, Any], **options: Any
    ) -> Answer:
        """Submit a modal the bot opened (`view` as recorded by views.open) with `values` as
        {block_id: {action_id: <value object>}} — see `text_value`, `date_value`, `select_value`."""
        payload = self.view_submission_payload(user_id, view, values)
        return self.send(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **options
        )

    def view_submission_payload(
        self, user_id: str, view: dict[str, Any], values: dict[str, Any]
    ) -> dict[str, Any]:
        n = next(self._ids)
        submitted = {
            **view,
            "id": view.get("id", f"V0MODAL{n:04d}"),
            "hash": view.get("hash", f"hash{n}"),
            "state": {"values": values},
        }
        payload = {
            "type": "view_submission",
            "team": {"id": self.team_id, "domain": "expe50-test"},
            "user": {"id": user_id, "team_id": self.team_id},
            "api_app_id": "A0APP00001",
            "token": "legacy-verification-token",
            "trigger_id": f"trigger.view.{n}.{time.time_ns()}",
            "view": submitted,
            "response_urls": [],
        }
        return payload

    def block_suggestion(self, user_id: str, action_id: str, block_id: str, value: str) -> Answer:
        """A member typing `value` in an external select (typeahead): Slack asks the app for its options."""
        payload = {
            "type": "block_suggestion",
            "user": {"id": user_id, "team_id": self.team_id},
            "team": {"id": self.team_id, "domain": "expe50-test"},
            "api_app_id": "A0APP00001",
            "token": "legacy-verification-token",
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "container": {"type": "view", "view_id": "V0MODAL0001"},
            "view": {"id": "V0MODAL0001", "type": "modal", "callback_id": "expe50.form.adressage"},
        }
        return self.send(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def app_home_opened(self, user_id: str, *, event_id: str | None = None, **options: Any) -> Answer:
        envelope = self.app_home_opened_payload(user_id, event_id=event_id)
        return self.send(json.dumps(envelope), "application/json", **options)

    def app_home_opened_payload(self, user_id: str, *, event_id: str | None = None) -> dict[str, Any]:
        n = next(self._ids)
        envelope = {
            "token": "legacy-verification-token",
            "team_id": self.team_id,
            "api_app_id": "A0APP00001",
            "type": "event_callback",
            "event_id": event_id or f"Ev{n:08d}",
            "event_time": int(time.time()),
            "event": {
                "type": "app_home_opened",
                "user": user_id,
                "channel": "D0HOME0001",
                "tab": "home",
                "event_ts": f"{time.time():.6f}",
            },
            "authorizations": [{"team_id": self.team_id, "user_id": "U0BOT00001", "is_bot": True}],
        }
        return envelope

    # -- transport -------------------------------------------------------------------------------------------

    def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        retry_num: int | None = None,
        timeout: float = 10.0,
    ) -> Answer:
        """POST `body` signed with `secret` (default: the right one) at `timestamp` (default: now)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature(secret or self.signing_secret, ts, body),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        parts = urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
        started = time.perf_counter()
        try:
            connection.request("POST", parts.path, body=body.encode(), headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            return Answer(response.status, text, time.perf_counter() - started)
        finally:
            connection.close()


def text_value(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def date_value(value: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": value}


def select_value(value: str | None) -> dict[str, Any]:
    option = None if value is None else {"text": {"type": "plain_text", "text": value}, "value": value}
    return {"type": "static_select", "selected_option": option}
