"""Sending one raw message over SMTP with aiosmtplib (the design card's mailer), behind a blocking API.

The transport owns one asyncio event loop, created with it and closed with it; `send` runs the coroutine on
that loop in the caller's thread (the outbox worker's, or a one-shot command's), one call at a time. So the
rest of the bot stays threaded and synchronous, and aiosmtplib does the protocol: STARTTLS, implicit TLS,
AUTH, pipelining.

The connection is kept open between messages of a batch (one TLS handshake and login for many replies) and
reopened when the server dropped it. Failures are sorted into temporary (retry later: connection refused,
timeout, 4xx, and a refused login: our settings, not the message) and permanent (5xx: the server refused this
message for good). TLS always checks the certificate and the host name, against the system's authorities or
those of `ca_file` (SMTP_CA_FILE).
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from dataclasses import dataclass
from typing import Literal, Protocol

import aiosmtplib

Security = Literal["ssl", "starttls", "none"]


class SendError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    def send(self, sender: str, recipients: tuple[str, ...], data: bytes) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: Security = "starttls"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    # PEM file of the certificate authorities to trust for the server (an ARS's internal CA); None: the
    # system's. Either way the certificate and the host name are checked: no "insecure" mode.
    ca_file: str | None = None

    def tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.ca_file)


class SmtpTransport:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._loop = asyncio.new_event_loop()
        self._client: aiosmtplib.SMTP | None = None
        self._busy = threading.Lock()  # one call on the loop at a time, whatever the thread

    async def _connect(self) -> aiosmtplib.SMTP:
        s = self.settings
        client = aiosmtplib.SMTP(
            hostname=s.host,
            port=s.port,
            timeout=s.timeout,
            use_tls=s.security == "ssl",
            # True: STARTTLS or fail (never send in clear when asked for TLS); False: never upgrade.
            start_tls=s.security == "starttls",
            tls_context=s.tls_context() if s.security != "none" else None,
        )
        await client.connect()
        if s.user:
            await client.login(s.user, s.password or "")
        return client

    async def _send(self, sender: str, recipients: tuple[str, ...], data: bytes) -> dict[str, object]:
        for attempt in (1, 2):
            try:
                if self._client is None or not self._client.is_connected:
                    self._client = await self._connect()
                refused, _ = await self._client.sendmail(sender, list(recipients), data)
            except aiosmtplib.SMTPServerDisconnected as error:
                # A kept-open connection the server closed meanwhile: reconnect once, right away.
                self._client = None
                if attempt == 2:
                    raise SendError(f"SMTP disconnected: {error}", permanent=False) from error
                continue
            return dict(refused)
        raise AssertionError("unreachable")

    def send(self, sender: str, recipients: tuple[str, ...], data: bytes) -> None:
        with self._busy:
            try:
                refused = self._loop.run_until_complete(self._send(sender, recipients, data))
            except SendError:
                raise
            except aiosmtplib.SMTPRecipientsRefused as error:
                codes = [refusal.code for refusal in error.recipients]
                raise SendError(
                    f"recipients refused: {codes}", permanent=all(c >= 500 for c in codes)
                ) from error
            except aiosmtplib.SMTPAuthenticationError as error:
                # A 5xx, but about our settings, not this message: retried (and logged) until fixed.
                self._close_locked()
                raise SendError(f"SMTP authentication refused: {error.code}", permanent=False) from error
            except aiosmtplib.SMTPResponseException as error:
                self._close_locked()
                raise SendError(f"SMTP {error.code}", permanent=error.code >= 500) from error
            except (TimeoutError, aiosmtplib.SMTPException, ssl.SSLError, OSError) as error:
                self._close_locked()
                raise SendError(f"SMTP unavailable: {type(error).__name__}", permanent=False) from error
        if refused:
            # Some recipients got it: retrying would duplicate for them. Record, do not retry.
            raise SendError(f"some recipients refused: {sorted(refused)}", permanent=True)

    def close(self) -> None:
        with self._busy:
            self._close_locked()

    def _close_locked(self) -> None:
        client, self._client = self._client, None
        if client is None or self._loop.is_closed():
            return
        try:
            self._loop.run_until_complete(client.quit())
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()

    def __del__(self) -> None:
        loop = getattr(self, "_loop", None)
        if loop is not None and not loop.is_closed() and not loop.is_running():
            loop.close()
