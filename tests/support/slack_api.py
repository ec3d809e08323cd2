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

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
            self._record(Call("response_url", params, path, body))
            self._send(http, 200, b"ok", "text/plain")
            return
        if path.startswith("/upload/"):
            self._record(Call("upload", params, path, body))
            self._send(http, 200, b"OK - " + str(len(body)).encode(), "text/plain")
            return
        if not path.startswith("/api/"):
            self._send(http, 404, b"not found", "text/plain")
            return

        method = path.removeprefix("/api/")
        authorization = http.headers.get("Authorization") or ""
        token = authorization.removeprefix("Bearer ").strip() or str(params.get("token", ""))
        self._record(Call(method, params, path, body))
        expected = self.app_token if method == "apps.connections.open" else self.token
        if token != expected:
            answer: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
        elif method in self.failures:
            answer = {"ok": False, "error": self.failures[method]}
        else:
            answer = self._answer(method, params)
        self._send(http, 200, json.dumps(answer).encode(), "application/json; charset=utf-8")

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": lambda p: {"ok": True, "message_ts": self._ts()},
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
        channel = params.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        ts = self._ts()
        message = {"type": "message", "text": params.get("text", ""), "user": BOT_USER_ID, "ts": ts}
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _view(self, params: dict[str, Any]) -> dict[str, Any]:
        view = params.get("view")
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        if "trigger_id" in params and not params["trigger_id"]:
            return {"ok": False, "error": "invalid_trigger_id"}
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
    finally:
        api.stop()
