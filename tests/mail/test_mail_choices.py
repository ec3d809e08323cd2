"""« Vouliez-vous dire » by email, end to end on a real Dovecot and SMTP server: a question with close
readings gets them numbered in its thread; the asker's reply « 2 » gets that reading's answer in the same
thread, once; « 3 » (or « agent ») hands the original question to the agents; another sender, a text reply,
an expired offer and a restart between question and pick each do what a person would expect."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from handlers.questions import answer_question
from handlers.reply import Reply
from tests.mail.harness import MailBot, agent_command, clock, deliver, question
from tests.support.dovecot import ImapAccount
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.timeout(90)

VAGUE = "Bonjour,\n\ny a-t-il un plafond ?\n\nCordialement,\nDr Martin\nCH de Rouen"
ASKER = "Dr Martin <martin@ch-rouen.fr>"


def real_answer(text: str, now: datetime) -> Reply:
    return answer_question(text, now)


def _bot(
    path: Path,
    account: ImapAccount,
    smtp: SmtpServer,
    now: Callable[[], datetime] = clock,
    **options: object,
) -> MailBot:
    bot = MailBot(path, account, smtp, real_answer, now=now, **options).start()  # type: ignore[arg-type]
    assert bot.watcher.synced.wait(10)
    return bot


@pytest.fixture
def bot(tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer) -> Iterator[MailBot]:
    mailbot = _bot(tmp_path / "db.json", imap_account, smtp_server)
    yield mailbot
    mailbot.stop()


def reply_to(
    sent: EmailMessage, body: str, message_id: str, *, sender: str = ASKER, subject: str | None = None
) -> bytes:
    """What a mail client sends when the person answers `sent`: threaded, the old text quoted below."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = str(sent["From"])
    message["Subject"] = subject or str(sent["Subject"])  # already « Re: … »
    message["Message-ID"] = message_id
    message["In-Reply-To"] = str(sent["Message-ID"])
    message["References"] = f"{sent['References']} {sent['Message-ID']}"
    quoted = "\n".join(f"> {line}" for line in plain(sent).splitlines())
    message.set_content(f"{body}\n\nLe 1 déc. 2026 à 10:00, ARS Expé 50 a écrit :\n{quoted}\n")
    return message.as_bytes()


def plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def ask(bot: MailBot, account: ImapAccount, smtp: SmtpServer) -> EmailMessage:
    deliver(account, question(VAGUE, subject="Plafond ?", sender=ASKER))
    [offer] = smtp.wait_for(1)
    return offer


def settle(bot: MailBot, message_id: str) -> dict[str, object]:
    outcome = bot.wait_processed(message_id, timeout=20)
    time.sleep(0.3)  # the worker sends what the message caused, if anything
    bot.worker.run_once()
    return outcome


def test_reply_with_a_number_gets_that_reading_answered_in_the_thread_once(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    offer = ask(bot, imap_account, smtp_server)
    assert offer["In-Reply-To"] == "<q1@ch-rouen.fr>" and offer["Subject"] == "Re: Plafond ?"
    text = plain(offer)
    assert "Vouliez-vous dire :" in text
    assert "1. Plafond du forfait mensuel" in text and "2. Plafond du forfait d'inclusion" in text
    assert "3. Aucune de ces questions" in text
    assert "répondez à ce courriel en écrivant seulement le numéro" in text and "cliquez" not in text
    assert "Ce choix reste ouvert jusqu'au" in text
    assert bot.wait_processed("<q1@ch-rouen.fr>")["outcome"] == "offered"
    assert bot.mailbox.open_handovers() == []  # nothing handed over before the asker says so

    pick = reply_to(offer, "Bonjour,\n\n2\n\nMerci,\n-- \nDr Martin\nCH de Rouen", "<p1@ch-rouen.fr>")
    deliver(imap_account, pick)
    [_, answer] = smtp_server.wait_for(2)
    assert answer["In-Reply-To"] == "<p1@ch-rouen.fr>"
    assert str(answer["References"]).split() == [
        "<q1@ch-rouen.fr>",
        str(offer["Message-ID"]),
        "<p1@ch-rouen.fr>",
    ]
    assert answer["Subject"] == "Re: Plafond ?"
    body = plain(answer)
    assert "360,00 €" in body and "Votre question : « y a-t-il un plafond ? »" in body
    assert "Votre choix : 2. Plafond du forfait d'inclusion" in body

    # The same message delivered again, then a second « 2 »: nothing more is sent.
    deliver(imap_account, pick, reply_to(offer, "2", "<p2@ch-rouen.fr>"))
    assert settle(bot, "<p2@ch-rouen.fr>")["reason"] == "choice_repeated"
    assert len(smtp_server.received) == 2
    # Another reading is another answer.
    deliver(imap_account, reply_to(offer, "le 1", "<p3@ch-rouen.fr>"))
    [*_, first] = smtp_server.wait_for(3)
    assert "Votre choix : 1. Plafond du forfait mensuel" in plain(first)


def test_last_number_hands_the_original_question_over_and_the_agent_answers_in_the_thread(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    offer = ask(bot, imap_account, smtp_server)
    deliver(imap_account, reply_to(offer, "3", "<p1@ch-rouen.fr>"))
    [_, ack] = smtp_server.wait_for(2)
    [handover] = bot.mailbox.open_handovers()
    assert handover.question == "y a-t-il un plafond ?" and handover.reason == "choice_none"
    assert ack["In-Reply-To"] == "<p1@ch-rouen.fr>"
    assert f"référence {handover.reference}" in plain(ack)
    [alert] = bot.wait_notified(1)
    assert handover.reference in alert and "y a-t-il un plafond ?" in alert
    # A second « 3 », or « agent », hands nothing over twice.
    deliver(imap_account, reply_to(offer, "agent", "<p2@ch-rouen.fr>"))
    assert settle(bot, "<p2@ch-rouen.fr>")["reason"] == "choice_repeated"
    assert len(bot.mailbox.open_handovers()) == 1 and len(smtp_server.received) == 2

    reply = agent_command(bot, f"repondre {handover.reference} Le plafond est de 360 €.")
    assert reply.ok
    [*_, agent] = smtp_server.wait_for(3)
    assert agent["In-Reply-To"] == "<p1@ch-rouen.fr>" and "Le plafond est de 360 €." in plain(agent)


def test_another_sender_or_a_text_reply_is_a_new_question(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    offer = ask(bot, imap_account, smtp_server)
    colleague = reply_to(offer, "2", "<c1@ch-rouen.fr>", sender="Mme Durand <durand@ch-rouen.fr>")
    deliver(imap_account, colleague)
    settle(bot, "<c1@ch-rouen.fr>")
    # Not a pick: the colleague's message is read as a question of its own (here, readings of its own).
    [to_colleague] = [m for m in smtp_server.messages if m["In-Reply-To"] == "<c1@ch-rouen.fr>"]
    assert to_colleague["To"] == "durand@ch-rouen.fr"
    assert "Votre choix" not in plain(to_colleague) and "360,00 €" not in plain(to_colleague)
    # The asker writes a question instead of a number: it is answered as any question, in the thread.
    deliver(imap_account, reply_to(offer, "Quel est le montant du forfait d'inclusion ?", "<t1@ch-rouen.fr>"))
    assert settle(bot, "<t1@ch-rouen.fr>")["reason"] == "answered"
    [text_answer] = [m for m in smtp_server.messages if m["In-Reply-To"] == "<t1@ch-rouen.fr>"]
    assert "320,00 €" in plain(text_answer) and "Votre choix" not in plain(text_answer)
    # The readings are still open to their asker.
    deliver(imap_account, reply_to(offer, "2", "<p1@ch-rouen.fr>"))
    settle(bot, "<p1@ch-rouen.fr>")
    [picked] = [m for m in smtp_server.messages if m["In-Reply-To"] == "<p1@ch-rouen.fr>"]
    assert "360,00 €" in plain(picked)


def test_a_number_out_of_range_says_which_numbers_and_keeps_the_choice_open(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    offer = ask(bot, imap_account, smtp_server)
    deliver(imap_account, reply_to(offer, "7", "<p1@ch-rouen.fr>"))
    [_, wrong] = smtp_server.wait_for(2)
    assert "répondez par un numéro de 1 à 3" in plain(wrong)
    deliver(imap_account, reply_to(offer, "2", "<p2@ch-rouen.fr>"))
    [*_, answer] = smtp_server.wait_for(3)
    assert "360,00 €" in plain(answer)


def test_restart_between_question_and_pick_keeps_the_choice(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    first = _bot(tmp_path / "db.json", imap_account, smtp_server)
    try:
        offer = ask(first, imap_account, smtp_server)
        first.wait_processed("<q1@ch-rouen.fr>")
    finally:
        first.stop()
    second = _bot(tmp_path / "db.json", imap_account, smtp_server)
    try:
        deliver(imap_account, reply_to(offer, "2", "<p1@ch-rouen.fr>"))
        [_, answer] = smtp_server.wait_for(2)
        assert answer["In-Reply-To"] == "<p1@ch-rouen.fr>" and "360,00 €" in plain(answer)
    finally:
        second.stop()


def test_after_the_time_limit_a_reading_is_not_picked_but_a_person_still_takes_it(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    first = _bot(tmp_path / "db.json", imap_account, smtp_server)
    try:
        offer = ask(first, imap_account, smtp_server)
        first.wait_processed("<q1@ch-rouen.fr>")
    finally:
        first.stop()

    def later() -> datetime:
        return clock() + timedelta(days=15)

    second = _bot(tmp_path / "db.json", imap_account, smtp_server, now=later)
    try:
        deliver(imap_account, reply_to(offer, "2", "<p1@ch-rouen.fr>"))
        [_, expired] = smtp_server.wait_for(2)
        text = plain(expired)
        assert "Ce choix n'est plus ouvert" in text and "pendant 14 jours" in text
        assert "360,00 €" not in text
        assert second.mailbox.open_handovers() == []
        deliver(imap_account, reply_to(offer, "agent", "<p2@ch-rouen.fr>"))
        [*_, ack] = smtp_server.wait_for(3)
        [handover] = second.mailbox.open_handovers()
        assert handover.question == "y a-t-il un plafond ?" and handover.reference in plain(ack)
    finally:
        second.stop()


def test_when_nobody_receives_hand_overs_the_reply_says_whom_to_contact(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    bot = _bot(tmp_path / "db.json", imap_account, smtp_server, can_hand_over=lambda: False)
    try:
        offer = ask(bot, imap_account, smtp_server)
        deliver(imap_account, reply_to(offer, "3", "<p1@ch-rouen.fr>"))
        [_, nobody] = smtp_server.wait_for(2)
        assert "Adressez-vous directement à votre ARS" in plain(nobody)
        assert bot.mailbox.open_handovers() == []
    finally:
        bot.stop()
