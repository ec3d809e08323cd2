"""An in-process SMTP server on a free loopback port (aiosmtpd) that records what it receives.

`smtp_server` fixture: `.messages` holds every message received (parsed), `.down()` / `.up()` stop and
restart it on the same port (to test an SMTP outage), and `.deliver_to` (an ImapAccount) APPENDs every
received message into that IMAP mailbox too — the way to have the bot's own replies come back to it.

Register with `pytest_plugins = ["tests.support.smtp"]` (tests/conftest.py does).
"""

from __future__ import annotations

import email
import email.policy
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from imapclient import IMAPClient

from tests.support.dovecot import ImapAccount, free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self.server.record(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(raw)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """`ssl_context` makes it implicit TLS (port 465 style); other keywords go to aiosmtpd's SMTP class
    (`tls_context=` and `require_starttls=True` for STARTTLS, `authenticator=` and `auth_required=True`)."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None, **smtp_options: Any) -> None:
        self.ssl_context = ssl_context
        self.smtp_options = smtp_options
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received: list[Received] = []
        self.deliver_to: ImapAccount | None = None
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._controller: Controller | None = None

    def up(self) -> None:
        if self._controller is None:
            self._controller = Controller(
                _Handler(self),
                hostname=self.host,
                port=self.port,
                ssl_context=self.ssl_context,
                **self.smtp_options,
            )
            self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def record(self, item: Received) -> None:
        if self.deliver_to is not None:
            account = self.deliver_to
            with IMAPClient(account.host, account.port, ssl=False) as client:
                client.login(account.user, account.password)
                client.append("INBOX", item.raw)
        with self._arrived:
            self.received.append(item)
            self._arrived.notify_all()

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return [item.message for item in self.received]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until at least `count` messages arrived (or the timeout); returns them all."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._arrived.wait(remaining)
        return self.messages


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.up()
    try:
        yield server
    finally:
        server.down()
