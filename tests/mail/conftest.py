"""The mail tests' running bot: a MailBot on a fresh database, watching the test's Dovecot account and sending
through its SMTP server, once its first synchronisation is done. A module may define its own `bot` (another
configuration); this one serves the end-to-end and hostile-mail modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mail.harness import MailBot
from tests.support.dovecot import ImapAccount
from tests.support.smtp import SmtpServer


@pytest.fixture
def bot(tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer) -> Iterator[MailBot]:
    mailbot = MailBot(tmp_path / "db.json", imap_account, smtp_server).start()
    assert mailbot.watcher.synced.wait(10)
    yield mailbot
    mailbot.stop()
