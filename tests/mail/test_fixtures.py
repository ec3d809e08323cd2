"""The private Dovecot and SMTP fixtures work: a message sent over SMTP lands in the IMAP mailbox."""

from __future__ import annotations

import smtplib

from imapclient import IMAPClient

from tests.support.dovecot import Dovecot, ImapAccount
from tests.support.smtp import SmtpServer


def test_smtp_message_is_recorded_and_appended_to_dovecot(
    dovecot: Dovecot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    smtp_server.deliver_to = imap_account
    with smtplib.SMTP(smtp_server.host, smtp_server.port) as client:
        client.sendmail("a@example.org", [imap_account.user], b"Subject: hello\r\n\r\nbody\r\n")
    assert smtp_server.wait_for(1)[0]["Subject"] == "hello"
    with IMAPClient(imap_account.host, imap_account.port, ssl=False) as imap:
        imap.login(imap_account.user, imap_account.password)
        imap.select_folder("INBOX")
        assert len(imap.search("ALL")) == 1
