"""A private Dovecot IMAP server on a free loopback port, for the mail tests (see shared DOVECOT.md).

One server per test session (`dovecot` fixture); each test gets its own user, hence its own empty mailbox
(`imap_account` fixture), so tests never see each other's messages.

Register with `pytest_plugins = ["tests.support.dovecot"]` (tests/conftest.py does).
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOMAIN = "test.local"
PASSWORD = "secret"
ACCOUNTS = 500


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    user: str
    password: str


class Dovecot:
    """A running private Dovecot. `add_user()` gives a fresh account; `kick()` drops its connections."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.conf = root / "dovecot.conf"
        self.users = root / "users"
        self._counter = itertools.count(1)

    def start(self) -> None:
        self.root.chmod(0o755)
        mail = self.root / "mail"
        mail.mkdir()
        shutil.chown(mail, "nobody", "nogroup")
        # Every account exists before the server starts: Dovecot re-reads a changed passwd-file only when
        # its mtime changes, and two additions in the same second would go unseen.
        self.users.write_text(
            "".join(f"ars{n}@{DOMAIN}:{{PLAIN}}{PASSWORD}\n" for n in range(1, ACCOUNTS + 1))
        )
        self.conf.write_text(self._config())
        subprocess.run(["dovecot", "-c", str(self.conf)], check=True)
        deadline = time.monotonic() + 10
        while not _port_open(self.port):
            if time.monotonic() > deadline:
                log = (self.root / "dovecot.log").read_text(errors="replace") if self._log_exists() else ""
                raise RuntimeError(f"dovecot did not start on port {self.port}: {log[-2000:]}")
            time.sleep(0.05)

    def _log_exists(self) -> bool:
        return (self.root / "dovecot.log").exists()

    def _config(self) -> str:
        root = self.root
        return "\n".join(
            [
                "protocols = imap",
                "listen = 127.0.0.1",
                "ssl = no",
                "disable_plaintext_auth = no",
                "auth_mechanisms = plain login",
                f"base_dir = {root}/run",
                f"state_dir = {root}/state",
                f"log_path = {root}/dovecot.log",
                f"mail_location = maildir:{root}/mail/%u",
                "default_internal_user = dovecot",
                "default_internal_group = dovecot",
                "default_login_user = dovenull",
                "first_valid_uid = 1",
                "imap_idle_notify_interval = 10 secs",
                "userdb {",
                "  driver = static",
                f"  args = uid=nobody gid=nogroup home={root}/mail/%u",
                "}",
                "passdb {",
                "  driver = passwd-file",
                f"  args = scheme=PLAIN username_format=%u {self.users}",
                "}",
                "service imap-login {",
                "  inet_listener imap {",
                "    address = 127.0.0.1",
                f"    port = {self.port}",
                "  }",
                "  inet_listener imaps {",
                "    port = 0",
                "  }",
                "  chroot =",
                "}",
                "service anvil {",
                "  chroot =",
                "}",
                "",
            ]
        )

    def add_user(self) -> ImapAccount:
        """A fresh account (an empty mailbox) among those created at start."""
        number = next(self._counter)
        if number > ACCOUNTS:
            raise RuntimeError(f"more than {ACCOUNTS} accounts asked of the test Dovecot")
        return ImapAccount("127.0.0.1", self.port, f"ars{number}@{DOMAIN}", PASSWORD)

    def kick(self, user: str) -> None:
        subprocess.run(["doveadm", "-c", str(self.conf), "kick", user], check=True, capture_output=True)

    def stop(self) -> None:
        pid_file = self.root / "run" / "master.pid"
        if pid_file.exists():
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        deadline = time.monotonic() + 10
        while _port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    if shutil.which("dovecot") is None:
        # In CI a missing server is a failure, not a silent skip of every mail test.
        message = "dovecot-imapd is not installed (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="expe50-dovecot-"))
    server = Dovecot(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def imap_account(dovecot: Dovecot) -> ImapAccount:
    """A fresh user with an empty INBOX on the shared server."""
    return dovecot.add_user()
