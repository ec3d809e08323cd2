"""Start the Slack channel as `expe50 run` does: Socket Mode when SLACK_APP_TOKEN is set (no public URL
needed), otherwise the HTTP endpoint. Either way the same Bolt app, so tests of one cover the listeners of
both.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt import App

from bot.slack.app import build_app, paris_now
from bot.slack.backend import SlackBackend
from bot.slack.deliveries import RecentDeliveries
from bot.slack.home_refresh import DEFAULT_INTERVAL
from bot.slack.server import SlackHTTPServer
from bot.slack.settings import SlackSettings

log = logging.getLogger("expe50.slack")


@dataclass
class SlackChannel:
    """A started Slack channel: `stop()` it on shutdown. `url` is the HTTP endpoint (None in Socket Mode)."""

    app: App
    http: SlackHTTPServer | None = None
    socket: object | None = None  # slack_bolt's SocketModeHandler

    @property
    def url(self) -> str | None:
        return self.http.url if self.http else None

    def stop(self) -> None:
        if self.http is not None:
            self.http.stop()
        if self.socket is not None:
            _close_socket_mode(self.socket)


def _socket_mode_handler(app: App, app_token: str | None) -> Any:
    """slack_bolt's Socket Mode handler (slack_sdk's built-in client: no extra dependency; it speaks ws://
    to a loopback test server as well as wss:// to Slack), made to run an envelope once.

    Slack may deliver an envelope again (after a reconnection, or when it thinks the acknowledgement was
    lost): the same envelope id is acknowledged again and not run. An event re-sent under a new envelope
    carries `retry_attempt`, which Bolt turns into the X-Slack-Retry-Num header that the delivery check
    (bot/slack/deliveries.py) already handles, as in HTTP mode."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.socket_mode.request import SocketModeRequest
    from slack_sdk.socket_mode.response import SocketModeResponse

    envelopes = RecentDeliveries()

    class OnceSocketModeHandler(SocketModeHandler):
        def handle(self, client: Any, req: SocketModeRequest) -> None:
            if not envelopes.first_time(req.envelope_id):
                log.info("Socket Mode envelope delivered again: acknowledged without effect")
                client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
                return
            super().handle(client, req)

    return OnceSocketModeHandler(app, app_token)


def _close_socket_mode(handler: Any) -> None:
    """Close the Socket Mode connection without waiting out slack_sdk's timeouts: its built-in client closes
    the socket only once the reader's blocking `recv` returns (up to 3 s) and stops its message loop only
    once its queue wait ends (1 s). Shutting the socket down and queueing a no-op wake both at once; on a
    client without these attributes, the plain (slower) close."""
    client = handler.client
    client.auto_reconnect_enabled = False  # the reader's wake-up must not look like a lost connection
    client.closed = True
    sock = getattr(getattr(client, "current_session", None), "sock", None)
    if sock is not None:
        with suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    queue = getattr(client, "message_queue", None)
    if queue is not None:
        queue.put(None)  # (None is skipped by the loop, which then sees `closed`)
    handler.close()


def start_slack(
    settings: SlackSettings,
    backend: SlackBackend,
    *,
    clock: Callable[[], datetime] = paris_now,
    ack_budget: float = 2.0,
    home_interval: float = DEFAULT_INTERVAL,
) -> SlackChannel:
    """Build the app and start serving in the background; returns at once."""
    app = build_app(settings, backend, clock=clock, ack_budget=ack_budget, home_interval=home_interval)
    if settings.socket_mode:
        handler = _socket_mode_handler(app, settings.app_token)
        handler.connect()
        log.info("Slack connected in Socket Mode")
        return SlackChannel(app=app, socket=handler)
    server = SlackHTTPServer(app, settings.http_host, settings.http_port).start()
    return SlackChannel(app=app, http=server)
