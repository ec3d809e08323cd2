"""Sending one raw message over SMTP (smtplib, blocking: it runs in the outbox worker's thread).

The connection is kept open between messages of a batch (one TLS handshake and login for many replies) and
reopened when the server dropped it. Failures are sorted into temporary (retry later: connection refused,
timeout, 4xx, and a refused login: our settings, not the message) and permanent (5xx: the server refused this
message for good). TLS always checks the certificate and the host name, against the system's authorities or
those of `ca_file` (SMTP_CA_FILE).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from typing import Literal, Protocol

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
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        client: smtplib.SMTP
        if s.security == "ssl":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=s.tls_context())
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                client.starttls(context=s.tls_context())
                client.ehlo()
        if s.user:
            client.login(s.user, s.password or "")
        return client

    def send(self, sender: str, recipients: tuple[str, ...], data: bytes) -> None:
        for attempt in (1, 2):
            try:
                if self._client is None:
                    self._client = self._connect()
                refused = self._client.sendmail(sender, list(recipients), data)
            except smtplib.SMTPServerDisconnected as error:
                # A kept-open connection the server closed meanwhile: reconnect once, right away.
                self._client = None
                if attempt == 2:
                    raise SendError(f"SMTP disconnected: {error}", permanent=False) from error
                continue
            except smtplib.SMTPRecipientsRefused as error:
                codes = [code for code, _ in error.recipients.values()]
                raise SendError(
                    f"recipients refused: {codes}", permanent=all(c >= 500 for c in codes)
                ) from error
            except smtplib.SMTPAuthenticationError as error:
                # A 5xx, but about our settings, not this message: retried (and logged) until fixed.
                self.close()
                raise SendError(f"SMTP authentication refused: {error.smtp_code}", permanent=False) from error
            except smtplib.SMTPResponseException as error:
                self.close()
                raise SendError(f"SMTP {error.smtp_code}", permanent=error.smtp_code >= 500) from error
            except (TimeoutError, smtplib.SMTPException, OSError) as error:
                self.close()
                raise SendError(f"SMTP unavailable: {type(error).__name__}", permanent=False) from error
            if refused:
                # Some recipients got it: retrying would duplicate for them. Record, do not retry.
                raise SendError(f"some recipients refused: {sorted(refused)}", permanent=True)
            return

    def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()
