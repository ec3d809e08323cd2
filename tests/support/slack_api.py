"""A fake Slack Web API on loopback: it records every call the bot makes and answers as Slack does.

The same technique as slack-bolt's own tests (tests/mock_web_api_server): a real HTTP server in a thread,
so the bot's real WebClient (pointed at it through SLACK_API_URL) and Bolt's real `respond()` (through a
response_url that points back here) are exercised end to end, without the internet.

Served:
- Web API methods under /api/<method> (auth.test, chat.postMessage, chat.postEphemeral, chat.update,
  views.open/publish/update/push, users.info, conversations.open, files.getUploadURLExternal,
  files.completeUploadExternal, and apps.connections.open with the app-level token, answering the URL of
  a Socket Mode server on loopback: tests/support/slack_socket.py); a bad token gets `invalid_auth` like
  Slack, an unknown method `unknown_method`;
- /upload/<file_id>: the upload_url that files.getUploadURLExternal hands out (files_upload_v2's 2nd step);
- /response/<name>: a response_url; what the bot posts there is recorded as a call named "response_url".

Strict, as Slack is: every message, view and response_url payload is checked with slack_sdk's models and
Slack's documented limits (tests/support/slack_limits.py) and refused with Slack's error (`invalid_blocks`,
`invalid_arguments`, `msg_too_long`, `no_text`); a trigger id older than 3 seconds or used twice gets
`expired_trigger_id`; a channel the bot is not in gets `not_in_channel`, an unknown one
`channel_not_found`; a response_url marked expired (or used more than 5 times) answers 404. Every refusal
is kept in `refused`: the fixtures fail a test that caused one it did not expect.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.slack_limits import TEXT_WARN, message_problems, view_problems

TRIGGER_LIFETIME = 3.0  # seconds a trigger id may be exchanged for a modal
RESPONSE_URL_USES = 5  # Slack accepts up to 5 posts to one response_url (within 30 minutes)
BOT_USER_ID = "U0BOT00001"
BOT_ID = "B0BOT00001"
TEAM_ID = "T0TEAM0001"


@dataclass
class Call:
    """One request the bot made: the Web API method (or "response_url" / "upload"), its parameters
    (query, form and JSON merged; JSON-encoded form values such as `view` or `blocks` decoded) and the
    path."""

    method: str
    params: dict[str, Any]
    path: str
    body: bytes = b""
    at: float = field(default_factory=time.perf_counter)  # when it arrived (benchmarks: time to answer)


@dataclass
class FakeSlackAPI:
    token: str
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    # Tests can make a method fail: {"views.open": "expired_trigger_id"}.
    failures: dict[str, str] = field(default_factory=dict)
    # Socket Mode: apps.connections.open (called with the app-level token) answers `socket_url`.
    app_token: str | None = None
    socket_url: str | None = None
    # Public channels the bot knows: id -> is the bot a member (posting to a channel it is not in fails).
    channels: dict[str, bool] = field(default_factory=dict)
    # response_url names (/response/<name>) that have expired (30 minutes passed): posts get a 404.
    expired_responses: set[str] = field(default_factory=set)
    # Every refused call with what was wrong; `warnings` what Slack accepts but degrades (long `text`).
    refused: list[tuple[Call, list[str]]] = field(default_factory=list)
    warnings: list[tuple[Call, str]] = field(default_factory=list)
    # Files members uploaded (a modal's file_input): id -> (name, bytes), served at url_private_download to
    # the bot's token only, as Slack does; `add_file` returns the file object a file_input submission carries.
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    _triggers_used: set[str] = field(default_factory=set)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> FakeSlackAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                api._handle(self)

            def do_GET(self) -> None:
                api._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
                return

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=lambda: self._server.serve_forever(0.05) if self._server else None,
            name="fake-slack-api",
            daemon=True,
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        """The Web API base URL to give the bot as SLACK_API_URL (ends with '/', as slack_sdk wants)."""
        return f"{self.root}/api/"

    @property
    def root(self) -> str:
        assert self._server is not None, "start() the fake API first"
        host, port = self._server.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def add_file(self, name: str, data: bytes) -> dict[str, Any]:
        file_id = f"F0FILE{next(self._ids):04d}"
        self.files[file_id] = (name, data)
        return self._file_object(file_id)

    def _file_object(self, file_id: str) -> dict[str, Any]:
        name, data = self.files[file_id]
        return {
            "id": file_id,
            "name": name,
            "filetype": name.rsplit(".", 1)[-1],
            "size": len(data),
            "url_private": f"{self.root}/files-pri/{file_id}/{name}",
            "url_private_download": f"{self.root}/files-pri/{file_id}/download/{name}",
        }

    def response_url(self, name: str = "cmd") -> str:
        return f"{self.root}/response/{name}"

    # -- assertions ------------------------------------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls to `method` were recorded (the bot answers some requests after its ack,
        from a worker thread); returns them. Waits on a condition, not on the clock."""
        with self._lock:
            ok = self._lock.wait_for(lambda: len(self._matching(method)) >= count, timeout=timeout)
            found = self._matching(method)
        if not ok:
            seen = [call.method for call in self.calls]
            raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}; calls: {seen}")
        return found

    def wait_until(
        self, method: str, predicate: Callable[[Call], bool], count: int = 1, timeout: float = 5.0
    ) -> list[Call]:
        """Block until `count` calls to `method` satisfy `predicate`; returns those."""

        def found() -> list[Call]:
            return [call for call in self._matching(method) if predicate(call)]

        with self._lock:
            ok = self._lock.wait_for(lambda: len(found()) >= count, timeout=timeout)
            calls = found()
        if not ok:
            seen = [call.method for call in self.calls]
            raise AssertionError(f"expected {count} matching call(s) to {method}; calls: {seen}")
        return calls

    def wait_for_response(self, name: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """The posts to the response_url /response/<name>, once there are `count` of them."""
        path = f"/response/{name}"

        def posted() -> list[Call]:
            return [call for call in self.calls if call.method == "response_url" and call.path == path]

        with self._lock:
            ok = self._lock.wait_for(lambda: len(posted()) >= count, timeout=timeout)
            found = posted()
        if not ok:
            raise AssertionError(f"expected {count} post(s) to {path}, got {len(found)}")
        return found

    def _matching(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    # -- the server side -------------------------------------------------------------------------------------

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length) if length else b""
        parts = urlsplit(http.path)
        params: dict[str, Any] = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        content_type = http.headers.get("Content-Type") or ""
        if body and "application/json" in content_type:
            params.update(json.loads(body))
        elif body and "application/x-www-form-urlencoded" in content_type and "/upload/" not in parts.path:
            # (an upload's body is the file itself, binary for a spreadsheet, whatever its content type)
            params.update({key: _decode(values[-1]) for key, values in parse_qs(body.decode()).items()})

        path = parts.path
        if path.startswith("/response/"):
            call = Call("response_url", params, path, body)
            self._record(call)
            status, said = self._response_url(call)
            self._send(http, status, said.encode(), "text/plain")
            return
        if path.startswith("/upload/"):
            self._record(Call("upload", params, path, body))
            self._send(http, 200, b"OK - " + str(len(body)).encode(), "text/plain")
            return
        if path.startswith("/files-pri/"):
            self._record(Call("file_download", params, path, b""))
            file_id = path.split("/")[2]
            authorization = http.headers.get("Authorization") or ""
            if authorization != f"Bearer {self.token}" or file_id not in self.files:
                # Slack answers a login page, not the file, to a request without the bot's token.
                self._send(http, 403, b"<html>login</html>", "text/html")
                return
            self._send(http, 200, self.files[file_id][1], "application/octet-stream")
            return
        if not path.startswith("/api/"):
            self._send(http, 404, b"not found", "text/plain")
            return

        method = path.removeprefix("/api/")
        authorization = http.headers.get("Authorization") or ""
        token = authorization.removeprefix("Bearer ").strip() or str(params.get("token", ""))
        call = Call(method, params, path, body)
        self._record(call)
        expected = self.app_token if method == "apps.connections.open" else self.token
        if token != expected:
            answer: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
        elif method in self.failures:
            answer = {"ok": False, "error": self.failures[method]}
        else:
            answer = self._answer(method, params)
            if not answer.get("ok") and answer.get("problems"):
                # Slack lists what is wrong under "errors" (invalid_blocks) as this does.
                answer["errors"] = answer.pop("problems")
                self._refuse(call, answer["errors"])
        self._send(http, 200, json.dumps(answer).encode(), "application/json; charset=utf-8")

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "conversations.info": self._conversations_info,
            "chat.update": self._post_message,
            "views.open": self._view,
            "views.publish": self._view,
            "views.update": self._view,
            "views.push": self._view,
            "users.info": self._users_info,
            "apps.connections.open": self._connections_open,
            "conversations.open": self._conversations_open,
            "files.getUploadURLExternal": self._upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "files.info": self._files_info,
        }
        handler = handlers.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(params)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://expe50-test.slack.com/",
            "team": "Expé 50 test",
            "user": "expe50",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        refused = self._channel_refusal(channel) or self._message_refusal(params)
        if refused:
            return refused
        ts = self._ts()
        message = {"type": "message", "text": params.get("text", ""), "user": BOT_USER_ID, "ts": ts}
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _post_ephemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        refused = self._channel_refusal(str(params.get("channel") or "")) or self._message_refusal(params)
        return refused or {"ok": True, "message_ts": self._ts()}

    def _channel_refusal(self, channel: str) -> dict[str, Any] | None:
        """A DM (D…) or a user id (U…/W…, Slack opens the DM) is always reachable; a channel must be known
        and the bot a member of it."""
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if channel[0] in "DUW":
            return None
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        if not self.channels[channel]:
            return {"ok": False, "error": "not_in_channel"}
        return None

    def _message_refusal(self, params: dict[str, Any]) -> dict[str, Any] | None:
        text, blocks = params.get("text"), params.get("blocks")
        problems = message_problems(text, blocks)
        if problems:
            error = "no_text" if problems[0].startswith("no_text") else "invalid_blocks"
            if any("characters >" in p and p.startswith("text") for p in problems):
                error = "msg_too_long"
            return {"ok": False, "error": error, "problems": problems}
        if isinstance(text, str) and len(text) > TEXT_WARN:
            with self._lock:
                self.warnings.append((Call("text", params, ""), f"text of {len(text)} characters"))
        return None

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel") or "")
        if channel not in self.channels:
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {"id": channel, "is_channel": True, "is_member": self.channels[channel]},
        }

    def _view(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        problems = view_problems(view)
        if problems:
            return {"ok": False, "error": "invalid_arguments", "problems": problems}
        if "trigger_id" in params:
            trigger = str(params["trigger_id"] or "")
            if not trigger:
                return {"ok": False, "error": "invalid_trigger_id"}
            if not self._fresh_trigger(trigger):
                return {"ok": False, "error": "expired_trigger_id"}
        assert isinstance(view, dict)
        view_id = f"V{next(self._ids):09d}"
        return {"ok": True, "view": {**view, "id": view_id, "hash": f"h{view_id}", "team_id": TEAM_ID}}

    def _connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        if not self.socket_url:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": self.socket_url}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id = str(params.get("user", ""))
        user = self.users.get(user_id)
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": {"id": user_id, "team_id": TEAM_ID, "tz": "Europe/Paris", **user}}

    def _conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        users = str(params.get("users", ""))
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": "D" + users.split(",")[0].lstrip("UW")}}

    def _files_info(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file") or "")
        if file_id not in self.files:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": self._file_object(file_id)}

    def _upload_url(self, params: dict[str, Any]) -> dict[str, Any]:
        if not params.get("filename") or not params.get("length"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._ids):09d}"
        return {"ok": True, "upload_url": f"{self.root}/upload/{file_id}", "file_id": file_id}

    def _complete_upload(self, params: dict[str, Any]) -> dict[str, Any]:
        files = params.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not files:
            return {"ok": False, "error": "invalid_arguments"}
        return {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}

    def _fresh_trigger(self, trigger: str) -> bool:
        """A trigger id is exchanged once, within 3 seconds of the interaction that made it (the test
        sender writes its issue time in nanoseconds as the last dotted part)."""
        with self._lock:
            if trigger in self._triggers_used:
                return False
            self._triggers_used.add(trigger)
        issued = trigger.rsplit(".", 1)[-1]
        if issued.isdigit() and len(issued) > 15:
            return time.time_ns() - int(issued) <= TRIGGER_LIFETIME * 1e9
        return True

    def _response_url(self, call: Call) -> tuple[int, str]:
        """Slack's answers on a response_url: 404 once it expired or was used 5 times, 400 with the error
        for a payload it refuses, else 200 "ok"."""
        name = call.path.removeprefix("/response/")
        with self._lock:
            uses = sum(1 for c in self.calls if c.method == "response_url" and c.path == call.path)
        if name in self.expired_responses or uses > RESPONSE_URL_USES:
            self._refuse(call, ["expired response_url"])
            return 404, "expired_url"
        params = call.params
        if params.get("delete_original") or (params.get("replace_original") and "text" not in params):
            return 200, "ok"
        refused = self._message_refusal(params)
        if refused:
            self._refuse(call, refused["problems"])
            return 400, str(refused["error"])
        return 200, "ok"

    def _refuse(self, call: Call, problems: list[str]) -> None:
        with self._lock:
            self.refused.append((call, problems))

    def assert_nothing_refused(self) -> None:
        """What a test calls (the fixtures do) to fail where Slack would have refused a payload."""
        with self._lock:
            refused = [(call.method, problems) for call, problems in self.refused]
        assert not refused, f"Slack would refuse: {refused}"

    def _ts(self) -> str:
        return f"1700000000.{next(self._ids):06d}"

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    @staticmethod
    def _send(http: BaseHTTPRequestHandler, status: int, payload: bytes, content_type: str) -> None:
        http.send_response(status)
        http.send_header("Content-Type", content_type)
        http.send_header("Content-Length", str(len(payload)))
        http.end_headers()
        http.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # Slack takes bursts; the default backlog of 5 would reset connections


def _decode(value: str) -> Any:
    """slack_sdk sends some form fields (view, blocks, files) as JSON strings: decode those for assertions."""
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


@contextmanager
def fake_slack_api(token: str, users: dict[str, dict[str, Any]] | None = None) -> Iterator[FakeSlackAPI]:
    api = FakeSlackAPI(token=token, users=dict(users or {})).start()
    try:
        yield api
        api.assert_nothing_refused()
    finally:
        api.stop()
