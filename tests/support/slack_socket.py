"""A fake Socket Mode endpoint on loopback: the WebSocket that `apps.connections.open` hands out.

Slack's Socket Mode is a WebSocket the app opens; Slack sends `hello`, then envelopes
(`{"envelope_id", "type": "slash_commands" | "interactive" | "events_api", "payload", ...}`) and the app
answers each with `{"envelope_id", "payload"?}` (the acknowledgement). This server (aiohttp, in its own
thread and event loop) plays Slack's side: it greets each connection, sends the envelopes a test gives it,
and records what the app sends back. Point the fake Web API's `apps.connections.open` at `url`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

PATH = "/link/"


@dataclass
class FakeSocketMode:
    received: list[dict[str, Any]] = field(default_factory=list)  # every message the app sent, in order
    connections: int = 0
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _loop: asyncio.AbstractEventLoop | None = None
    _runner: web.AppRunner | None = None
    _socket: web.WebSocketResponse | None = None
    _port: int = 0

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> FakeSocketMode:
        loop = asyncio.new_event_loop()
        self._loop = loop
        threading.Thread(target=loop.run_forever, name="fake-socket-mode", daemon=True).start()
        asyncio.run_coroutine_threadsafe(self._serve(), loop).result(timeout=5)
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._port}{PATH}?ticket=test-ticket&app_id=A0APP00001"

    # -- Slack's side ----------------------------------------------------------------------------------------

    def send(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        envelope_id: str | None = None,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> str:
        """Send an envelope of `kind` ("slash_commands", "interactive", "events_api") on the open
        connection; returns its envelope id."""
        envelope_id = envelope_id or f"env-{next(self._ids):04d}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if retry_attempt is not None:
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = retry_reason or "timeout"
        assert self._loop is not None and self._socket is not None, "no connection: wait_connected() first"
        asyncio.run_coroutine_threadsafe(self._socket.send_json(envelope), self._loop).result(timeout=5)
        return envelope_id

    def wait_connected(self, timeout: float = 5.0) -> None:
        with self._lock:
            ok = self._lock.wait_for(lambda: self._socket is not None, timeout=timeout)
        assert ok, "the app never opened the Socket Mode connection"

    def wait_for_acks(self, envelope_id: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The acknowledgements of `envelope_id`, once there are `count`."""

        def acks() -> list[dict[str, Any]]:
            return [m for m in self.received if m.get("envelope_id") == envelope_id]

        with self._lock:
            ok = self._lock.wait_for(lambda: len(acks()) >= count, timeout=timeout)
            found = acks()
        assert ok, f"expected {count} ack(s) of {envelope_id}, got {len(found)}"
        return found

    # -- the server ------------------------------------------------------------------------------------------

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_get(PATH, self._connection)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server)
        self._port = int(server.sockets[0].getsockname()[1])

    async def _connection(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)  # answers the client's pings, as Slack does
        await socket.prepare(request)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A0APP00001"},
            }
        )
        with self._lock:
            self.connections += 1
            self._socket = socket
            self._lock.notify_all()
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                with self._lock:
                    self.received.append(json.loads(message.data))
                    self._lock.notify_all()
        return socket
