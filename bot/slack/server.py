"""HTTP mode: the Bolt app behind a threaded HTTP server on EXPE50_HTTP_HOST:EXPE50_HTTP_PORT.

Bolt's own `app.start()` is a single-threaded development server; here every request gets its own thread, so a
slow acknowledgement never holds the next request, and the bind address is ours to choose (0.0.0.0 in
production behind the reverse proxy that terminates TLS, 127.0.0.1 in tests). Only POST /slack/events reaches
Bolt; GET /health says the process is up; anything else is 404.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from slack_bolt import App, BoltRequest

from bot.slack.settings import EVENTS_PATH

log = logging.getLogger("expe50.slack.http")

MAX_BODY = 1_000_000  # Slack payloads are a few kB; a larger body is not Slack


class _Server(ThreadingHTTPServer):
    # The listen backlog: the default 5 resets connections when a burst of commands arrives at once (a
    # team's morning, Slack's retries); the kernel caps it at somaxconn anyway.
    request_queue_size = 128


class SlackHTTPServer:
    def __init__(self, app: App, host: str, port: int) -> None:
        self._app = app
        handler = _handler_for(app)
        self._server = _Server((host, port), handler)
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}{EVENTS_PATH}"

    def start(self) -> SlackHTTPServer:
        """Serve in a background thread (tests, and the runtime that also runs other channels)."""
        self._thread = threading.Thread(target=self.serve_forever, name="expe50-slack-http", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        host, port = self.address
        log.info("Slack HTTP endpoint listening on %s:%s%s", host, port, EVENTS_PATH)
        self._server.serve_forever(poll_interval=0.05)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


def _handler_for(app: App) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "expe50"

        def do_GET(self) -> None:
            if urlsplit(self.path).path == "/health":
                self._send(200, b"ok", {"Content-Type": ["text/plain; charset=utf-8"]})
            else:
                self._send(404, b"", {})

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != EVENTS_PATH:
                self._send(404, b"", {})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, b"", {})
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
            headers: dict[str, str | Sequence[str]] = {}
            for key, value in self.headers.items():
                previous = headers.get(key.lower())
                headers[key.lower()] = [*previous, value] if isinstance(previous, list) else [value]
            request = BoltRequest(body=body, query=parts.query, headers=headers)
            response = app.dispatch(request)  # the ack; Bolt has started the lazy work on its executor
            payload = (response.body or "").encode("utf-8")
            self._send(response.status, payload, dict(response.headers))
            self.wfile.flush()

        def _send(self, status: int, payload: bytes, headers: dict[str, Any]) -> None:
            self.send_response(status)
            for key, values in headers.items():
                if key.lower() == "content-length":
                    continue
                for value in values if isinstance(values, list | tuple) else [values]:
                    self.send_header(key, str(value))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            # The access log line holds no body or header, but keep it at debug: Slack calls a lot.
            log.debug("%s %s", self.address_string(), format % args)

    return Handler
