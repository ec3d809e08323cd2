"""Hostile mail against the real Dovecot and SMTP harness: the poison subject, health data in headers,
loop-guard gaps (delivery reports, list bounces, our own From, subject-only auto-replies) and the content
digest that keeps a reused Message-ID from hiding a different message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from handlers.mail_guard import check
from tests.mail.harness import BOT_ADDRESS, MailBot, deliver, question
from tests.support.dovecot import ImapAccount
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.timeout(60)


def _with_key(body: str) -> str:
    return f"{body}{97 - int(body) % 97:02d}"


NIR = _with_key("2690613123456")


def _raw_subject(subject_header: str, body: str, message_id: str) -> bytes:
    return (
        f"From: Dr Martin <martin@ch-rouen.fr>\r\nTo: {BOT_ADDRESS}\r\nSubject: {subject_header}\r\n"
        f"Message-ID: {message_id}\r\nDate: Mon, 02 Mar 2026 09:00:00 +0100\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def _files_text(tmp_path: Path) -> str:
    return "".join(p.read_text("utf-8", "replace") for p in tmp_path.iterdir() if p.is_file())


def test_the_poison_subject_is_answered_and_the_next_question_too(
    bot: MailBot, tmp_path: Path, smtp_server: SmtpServer, imap_account: ImapAccount
) -> None:
    poison = _raw_subject("=?utf-7?q?Question_forfait_+2AA-?=", "Quel montant pour l'inclusion ?", "<p1@x>")
    deliver(imap_account, poison, question("Et le montant de l'inclusion ?", message_id="<q2@x>"))
    assert len(smtp_server.wait_for(2)) == 2
    assert bot.wait_processed("<p1@x>")["outcome"] == "answered"
    assert bot.wait_processed("<q2@x>")["outcome"] == "answered"
    bot.db.table("probe").insert({"after": "poison"})  # the store still writes


@pytest.mark.parametrize(
    "headers",
    [
        {"Subject": "Patient " + "  ".join([NIR[:1], NIR[1:3], NIR[3:5], NIR[5:7], NIR[7:10], NIR[10:]])},
        {"Message-ID": f"<{NIR}@ch-rouen.fr>"},
        {"References": f"<{NIR}@ch-rouen.fr>"},
    ],
)
def test_health_data_in_subject_or_ids_is_refused_and_never_stored_or_echoed(
    bot: MailBot,
    tmp_path: Path,
    smtp_server: SmtpServer,
    imap_account: ImapAccount,
    headers: dict[str, str],
) -> None:
    subject = headers.pop("Subject", "Question forfait")
    message_id = headers.pop("Message-ID", "<h1@x>")
    deliver(
        imap_account,
        question("Quel montant pour l'inclusion ?", subject=subject, message_id=message_id, headers=headers),
    )
    [reply] = smtp_server.wait_for(1)
    bot.worker.run_once()
    raw = reply.as_string()
    assert NIR not in raw.replace(" ", "") and NIR[7:13] not in raw
    plain = reply.get_body(("plain",))
    assert plain is not None and "ni lu ni conservé" in plain.get_content()  # the refusal, not an answer
    bot.db.close()
    assert NIR[7:13] not in _files_text(tmp_path)
    bot.db = type(bot.db).open(tmp_path / "db.json", schema_version=bot.db.schema_version)


def test_a_reused_message_id_with_another_content_is_processed(
    bot: MailBot, smtp_server: SmtpServer, imap_account: ImapAccount
) -> None:
    first = question("Quel montant pour l'inclusion ?", message_id="<same@x>")
    again = question("Quel montant pour l'inclusion ?", message_id="<same@x>")
    other = question("Autre sujet : le montant d'inclusion en HAD pédiatrique ?", message_id="<same@x>")
    deliver(imap_account, first, again, other)
    assert len(smtp_server.wait_for(2)) == 2  # the exact copy is a duplicate, the other content is not
    bot.worker.run_once()
    assert len(smtp_server.messages) == 2
    assert [m["In-Reply-To"] for m in smtp_server.messages] == ["<same@x>", "<same@x>"]


@pytest.mark.parametrize(
    ("headers", "sender", "reason"),
    [
        (
            {"Content-Type": 'multipart/report; report-type=delivery-status; boundary="b"'},
            "someone@mx.example",
            "bounce",
        ),
        ({"Sender": "had-list-bounces@lists.example"}, "martin@ch-rouen.fr", "system-sender"),
        ({"From": f"ARS <{BOT_ADDRESS}>", "Reply-To": "x@elsewhere.fr"}, "x@elsewhere.fr", "own-address"),
        ({"Subject": "Réponse automatique : Question forfait"}, "martin@ch-rouen.fr", "auto-submitted"),
        ({"Subject": "Automatic reply: Question"}, "martin@ch-rouen.fr", "auto-submitted"),
        ({"Precedence": "auto_reply"}, "martin@ch-rouen.fr", "precedence"),
    ],
)
def test_guard_gaps(headers: dict[str, str], sender: str, reason: str) -> None:
    pairs = [("From", "Dr Martin <martin@ch-rouen.fr>"), *headers.items()]
    if "From" in headers:
        pairs = list(headers.items())
    assert check(pairs, sender, {BOT_ADDRESS}, 0, 3).reason == reason


def test_subject_only_auto_reply_is_dropped_and_logged_not_handed_over(
    bot: MailBot, smtp_server: SmtpServer, imap_account: ImapAccount
) -> None:
    deliver(
        imap_account,
        question(
            "Je suis absent jusqu'au 12.",
            subject="Réponse automatique : Question forfait",
            message_id="<oof@x>",
        ),
        question("Rien", message_id="<bounce@x>", headers={"Sender": "had-bounces@lists.example"}),
    )
    assert bot.wait_processed("<oof@x>")["outcome"] == "ignored"
    assert bot.wait_processed("<bounce@x>")["outcome"] == "ignored"
    assert bot.mailbox.open_handovers() == []
    assert smtp_server.messages == []


def test_a_delivery_report_without_other_marks_gets_no_reply(
    bot: MailBot, smtp_server: SmtpServer, imap_account: ImapAccount
) -> None:
    report = (
        "From: Mail Delivery System <mx@relay.example>\r\nTo: " + BOT_ADDRESS + "\r\nSubject: Undelivered\r\n"
        "Message-ID: <dsn@x>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nQuel montant pour l'inclusion ?\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; relay.example\r\n--B--\r\n"
    ).encode()
    deliver(imap_account, report)
    outcome = bot.wait_processed("<dsn@x>")
    assert outcome["outcome"] == "ignored" and outcome["reason"] == "bounce"
    assert json.dumps(outcome)  # recorded, not lost
    assert smtp_server.messages == []
