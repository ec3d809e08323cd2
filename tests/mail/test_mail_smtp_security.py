"""SMTP_SECURITY against real TLS servers on loopback (aiosmtpd, a throwaway self-signed certificate made by
the openssl CLI): STARTTLS and implicit TLS deliver, with AUTH, once the sender trusts the certificate through
SMTP_CA_FILE; without that file the certificate is refused (a temporary failure: nothing is sent in clear); a
wrong password is a temporary failure too (our settings, not the message); a server that requires STARTTLS
refuses a sender configured without it; an unreadable SMTP_CA_FILE stops start-up naming the variable."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.mail.settings import mail_settings_from_env
from bot.mail.smtp import SendError, SmtpSettings, SmtpTransport
from tests.support.smtp import SmtpServer

pytestmark = [
    pytest.mark.timeout(30),
    # The implicit-TLS server below: aiosmtpd warns because it cannot see the TLS under it.
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning"),
]

USER, PASSWORD = "expe50@ars.example.fr", "s3cret"


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    if shutil.which("openssl") is None:
        message = "the openssl command is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("tls")
    made = Certificate(folder / "cert.pem", folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(made.key), "-out", str(made.cert), "-days", "2", "-subj", "/CN=expe50 test SMTP",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return made


class Logins:
    """aiosmtpd's authenticator: accepts USER/PASSWORD, records every attempt and whether it came over TLS."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, bool]] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        assert isinstance(data, LoginPassword)
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.attempts.append((data.login.decode(), encrypted))
        ok = (data.login.decode(), data.password.decode()) == (USER, PASSWORD)
        return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 535 itself


def _message() -> bytes:
    message = EmailMessage()
    message["From"] = USER
    message["To"] = "coord@ch-rouen.fr"
    message["Subject"] = "Rappel"
    message.set_content("Bonjour")
    return message.as_bytes()


def _send(server: SmtpServer, **settings: Any) -> None:
    transport = SmtpTransport(SmtpSettings("127.0.0.1", server.port, timeout=5, **settings))
    try:
        transport.send(USER, ("coord@ch-rouen.fr",), _message())
    finally:
        transport.close()


@pytest.fixture
def logins() -> Logins:
    return Logins()


@pytest.fixture
def starttls_server(certificate: Certificate, logins: Logins) -> Iterator[SmtpServer]:
    server = SmtpServer(
        tls_context=certificate.server_context(),
        require_starttls=True,
        authenticator=logins,
        auth_required=True,
    )
    server.up()
    yield server
    server.down()


@pytest.fixture
def ssl_server(certificate: Certificate, logins: Logins) -> Iterator[SmtpServer]:
    # aiosmtpd cannot tell implicit TLS from clear text (it knows STARTTLS only): auth_require_tls=False;
    # the authenticator checks the link is encrypted.
    server = SmtpServer(
        ssl_context=certificate.server_context(),
        authenticator=logins,
        auth_required=True,
        auth_require_tls=False,
    )
    server.up()
    yield server
    server.down()


def test_starttls_with_auth_delivers_when_the_ca_file_is_trusted(
    starttls_server: SmtpServer, certificate: Certificate, logins: Logins
) -> None:
    _send(starttls_server, security="starttls", ca_file=str(certificate.cert), user=USER, password=PASSWORD)
    [received] = starttls_server.wait_for(1)
    assert received["Subject"] == "Rappel"
    assert logins.attempts == [(USER, True)]  # the password went over TLS only


def test_implicit_tls_with_auth_delivers_when_the_ca_file_is_trusted(
    ssl_server: SmtpServer, certificate: Certificate, logins: Logins
) -> None:
    _send(ssl_server, security="ssl", ca_file=str(certificate.cert), user=USER, password=PASSWORD)
    assert len(ssl_server.wait_for(1)) == 1
    assert logins.attempts == [(USER, True)]


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_an_untrusted_certificate_is_refused_and_retried_later(
    security: str, starttls_server: SmtpServer, ssl_server: SmtpServer, logins: Logins
) -> None:
    server = starttls_server if security == "starttls" else ssl_server
    with pytest.raises(SendError) as failed:
        _send(server, security=security, user=USER, password=PASSWORD)
    assert not failed.value.permanent
    assert logins.attempts == [] and server.received == []  # no password, no message sent


def test_a_wrong_password_is_a_temporary_failure(
    starttls_server: SmtpServer, certificate: Certificate, logins: Logins
) -> None:
    with pytest.raises(SendError) as failed:
        _send(starttls_server, security="starttls", ca_file=str(certificate.cert), user=USER, password="x")
    assert not failed.value.permanent and "authentication" in str(failed.value)
    # smtplib tries each mechanism the server offers (PLAIN, then LOGIN): every try over TLS.
    assert logins.attempts and all(attempt == (USER, True) for attempt in logins.attempts)
    assert starttls_server.received == []


def test_a_server_requiring_starttls_refuses_a_sender_without_it(starttls_server: SmtpServer) -> None:
    with pytest.raises(SendError):
        _send(starttls_server, security="none")
    assert starttls_server.received == []


def test_smtp_ca_file_reaches_the_transport_and_a_bad_one_stops_start_up(
    certificate: Certificate, tmp_path: Path
) -> None:
    env = {"SMTP_HOST": "smtp.ars.example.fr", "MAIL_FROM": USER, "SMTP_CA_FILE": str(certificate.cert)}
    settings = mail_settings_from_env(env)
    assert settings is not None and settings.smtp.ca_file == str(certificate.cert)
    for bad in (tmp_path / "absent.pem", certificate.key.parent / "garbage.pem"):
        if bad.name == "garbage.pem":
            bad.write_text("not a certificate\n")
        with pytest.raises(ValueError, match=r"^SMTP_CA_FILE : "):
            mail_settings_from_env({**env, "SMTP_CA_FILE": str(bad)})
