"""The mailbox end to end, on a real Dovecot and a real SMTP server on loopback: questions get one threaded
reply, loops and lists get none, unsettled questions go to the agents, reconnections and SMTP outages lose
nothing and duplicate nothing, malformed mail is survived."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.mail.processor import reply_key
from store.outbox import SENT
from tests.mail.harness import (
    BOT_ADDRESS,
    MailBot,
    agent_command,
    corpus_files,
    deliver,
    inbox_flags,
    question,
)
from tests.support.dovecot import Dovecot, ImapAccount
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.timeout(60)


def test_question_gets_one_threaded_reply(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    deliver(
        imap_account,
        question(
            "Bonjour,\n\nQuel montant pour le mois d'inclusion ?\n\nCordialement,\nDr Martin",
            headers={"References": "<root@ch-rouen.fr>"},
        ),
    )
    [reply] = smtp_server.wait_for(1)
    assert reply["To"] == "martin@ch-rouen.fr"
    assert BOT_ADDRESS in reply["From"]
    assert reply["Subject"] == "Re: Question forfait"
    assert reply["In-Reply-To"] == "<q1@ch-rouen.fr>"
    assert reply["References"] == "<root@ch-rouen.fr> <q1@ch-rouen.fr>"
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["Message-ID"].endswith("@test.local>")
    plain = reply.get_body(("plain",))
    html = reply.get_body(("html",))
    assert plain is not None and html is not None
    assert "320,00 €" in plain.get_content() and "arrêté du 20 février 2025, art. 1" in plain.get_content()
    assert "320,00 €" in html.get_content()
    assert smtp_server.received[0].rcpt_tos == ["martin@ch-rouen.fr"]
    # Read with BODY.PEEK: the message stays unread for the agents, and carries the bot's keyword.
    bot.wait_processed("<q1@ch-rouen.fr>")
    deadline = time.monotonic() + 5
    while b"$Expe50Traite" not in inbox_flags(imap_account)[0] and time.monotonic() < deadline:
        time.sleep(0.05)
    [flags] = inbox_flags(imap_account)
    assert b"\\Seen" not in flags and b"$Expe50Traite" in flags


def test_same_message_twice_gets_one_reply(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    raw = question("Quel montant pour le mois d'inclusion ?")
    deliver(imap_account, raw, raw)
    deliver(imap_account, question("Et pour l'inclusion en HAD ?", message_id="<q2@ch-rouen.fr>"))
    assert len(smtp_server.wait_for(2)) == 2
    bot.wait_processed("<q2@ch-rouen.fr>")
    bot.worker.run_once()
    assert [m["In-Reply-To"] for m in smtp_server.messages] == ["<q1@ch-rouen.fr>", "<q2@ch-rouen.fr>"]


def test_auto_reply_list_mail_and_own_reply_get_no_answer(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    smtp_server.deliver_to = imap_account  # the bot's own reply comes back into its mailbox
    auto = question("Je suis absent.", message_id="<oof@x>", headers={"Auto-Submitted": "auto-replied"})
    listed = question("inclusion ?", message_id="<list@x>", headers={"List-Id": "<had.lists.example>"})
    deliver(imap_account, auto, listed, question("Quel montant pour l'inclusion ?"))
    [reply] = smtp_server.wait_for(1)
    assert bot.wait_processed("<oof@x>")["reason"] == "auto-submitted"
    assert bot.wait_processed("<list@x>")["reason"] == "list"
    own = bot.wait_processed(reply["Message-ID"])
    assert own["outcome"] == "ignored"
    assert own["reason"] in ("auto-submitted", "own-address")
    bot.worker.run_once()
    assert len(smtp_server.messages) == 1


def test_out_of_scope_question_goes_to_agents_and_repondre_answers(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    deliver(imap_account, question("Quelle est la météo à Rouen ?", subject="Météo", message_id="<w@x>"))
    outcome = bot.wait_processed("<w@x>")
    assert outcome["outcome"] == "handed_over"
    [handover] = bot.mailbox.open_handovers()
    assert handover.question == "Quelle est la météo à Rouen ?"
    [alert] = bot.wait_notified(1)
    assert handover.reference in alert
    assert smtp_server.messages == []  # no invented answer
    reply = agent_command(bot, f"repondre {handover.reference.lower()} Nous n'avons pas cette information.")
    assert reply.ok and reply.reference == handover.reference
    [mail] = smtp_server.wait_for(1)
    assert mail["In-Reply-To"] == "<w@x>" and mail["Subject"] == "Re: Météo"
    body = mail.get_body(("plain",))
    assert body is not None and "Nous n'avons pas cette information." in body.get_content()
    assert bot.mailbox.open_handovers() == []


def test_kicked_mid_idle_then_catches_up(
    bot: MailBot, dovecot: Dovecot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    assert bot.watcher.connections == 1
    dovecot.kick(imap_account.user)
    deliver(
        imap_account,
        question("Quel montant pour l'inclusion ?", message_id="<k1@x>"),
        question("Montant d'inclusion svp ?", message_id="<k2@x>"),
    )
    assert len(smtp_server.wait_for(2)) == 2
    assert bot.watcher.connections >= 2


def test_smtp_down_then_up_sends_once(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    smtp_server.down()
    deliver(imap_account, question("Quel montant pour le mois d'inclusion ?"))
    bot.wait_processed("<q1@ch-rouen.fr>")
    deadline = time.monotonic() + 10
    while (item := bot.outbox.get(reply_key("<q1@ch-rouen.fr>"))) is None or item.attempts < 2:
        assert time.monotonic() < deadline, "the worker never tried"
        time.sleep(0.05)
    assert smtp_server.received == []
    smtp_server.up()
    assert len(smtp_server.wait_for(1)) == 1
    deadline = time.monotonic() + 5
    while (item := bot.outbox.get(reply_key("<q1@ch-rouen.fr>"))) is not None and item.state != SENT:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert bot.worker.run_once() == 0
    assert len(smtp_server.received) == 1


def test_restart_before_sending_sends_once(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    first = MailBot(tmp_path / "db.json", imap_account, smtp_server).start(worker=False)
    deliver(imap_account, question("Quel montant pour le mois d'inclusion ?"))
    first.wait_processed("<q1@ch-rouen.fr>")
    first.stop()  # stopped with the reply in the outbox, unsent
    assert smtp_server.received == []
    second = MailBot(tmp_path / "db.json", imap_account, smtp_server).start()
    try:
        assert second.watcher.synced.wait(10)
        assert len(smtp_server.wait_for(1)) == 1
        deliver(imap_account, question("Quel montant pour le mois d'inclusion ?"))  # the same one again
        second.wait_processed("<q1@ch-rouen.fr>")
        assert second.worker.run_once() == 0
        assert len(smtp_server.received) == 1
    finally:
        second.stop()


def test_malformed_corpus_is_survived(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    deliver(imap_account, *(path.read_bytes() for path in corpus_files()))
    deliver(imap_account, question("Quel montant pour le mois d'inclusion ?", message_id="<after@x>"))
    bot.wait_processed("<after@x>", timeout=20)
    deadline = time.monotonic() + 10
    while not any(m["In-Reply-To"] == "<after@x>" for m in smtp_server.messages):
        assert time.monotonic() < deadline, "the question after the corpus got no reply"
        smtp_server.wait_for(len(smtp_server.received) + 1, timeout=0.2)
    assert bot.watcher.connections == 1  # no message made it reconnect
    flags = inbox_flags(imap_account)
    deadline = time.monotonic() + 5
    while not all(b"$Expe50Traite" in f for f in flags) and time.monotonic() < deadline:
        time.sleep(0.05)
        flags = inbox_flags(imap_account)
    assert all(b"$Expe50Traite" in f for f in flags)
