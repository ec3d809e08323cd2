"""Numbered picks by email without servers: what a reply's new text picks, who may pick, and that the pick and
the answer it causes are one durable write — a failure between them leaves nothing, a killed process loses
nothing, and processing again sends nothing twice."""

from __future__ import annotations

import email
import email.policy
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.mail.processor import MailProcessor, reply_key
from handlers.mail_choice import read_pick
from handlers.reply import Reply, Status
from store import schema
from store.engine import Database
from store.mail_choices import MailChoices
from store.mailbox import Mailbox
from store.outbox import Outbox, message_id_for
from tests.mail.harness import question

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SENDER = "ARS <ars@test.local>"
ROOT = Path(__file__).resolve().parents[2]
LABELS = ("Plafond du forfait mensuel", "Plafond du forfait d'inclusion")


def vague_answer(text: str, now: datetime) -> Reply:
    """Two readings for « plafond », each reading answered by its label; anything else is not settled."""
    if text in LABELS:
        return Reply(Status.OK, text, body=[f"Réponse pour {text} : 360,00 €."])
    if "plafond" in text.lower():
        choices = [
            {"entry": f"e{i}", "label": label, "command": f"question {label}"}
            for i, label in enumerate(LABELS)
        ]
        choices.append(
            {"entry": None, "label": "Aucune de ces questions : transmettre à un agent", "command": "x"}
        )
        return Reply(
            Status.UNKNOWN,
            "Précisez votre question",
            body=["Vouliez-vous dire :", *(f"{i}. {c['label']}" for i, c in enumerate(choices, 1))],
            needs_human=True,
            data={"choices": choices},
        )
    return Reply(Status.UNKNOWN, "Je ne sais pas répondre.", needs_human=True)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "db.json", schema_version=schema.SCHEMA_VERSION)
    yield database
    database.close()


def _processor(db: Database) -> MailProcessor:
    return MailProcessor(
        Mailbox(db), Outbox(db, SENDER), vague_answer, SENDER, notify=lambda _: None, daily_limit=10
    )


def offer_id() -> str:
    return message_id_for(reply_key("<q1@ch-rouen.fr>"), SENDER)


def pick(body: str, message_id: str, *, sender: str = "Dr Martin <martin@ch-rouen.fr>") -> bytes:
    return question(
        body,
        subject="Re: Question forfait",
        message_id=message_id,
        sender=sender,
        headers={"In-Reply-To": offer_id(), "References": f"<q1@ch-rouen.fr> {offer_id()}"},
    )


def sent_text(outbox: Outbox, key: str) -> str:
    item = outbox.get(reply_key(key))
    assert item is not None
    message = email.message_from_string(item.raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


@pytest.mark.parametrize(
    ("text", "kind", "number"),
    [
        ("2", "reading", 2),
        ("2.", "reading", 2),
        ("Le 2 svp", "reading", 2),
        ("choix n° 1", "reading", 1),
        ("deux", "reading", 2),
        ("le deuxième", "reading", 2),
        ("Bonjour,\n\n1\n\nCordialement,\nDr Martin\n02 35 00 00 00", "reading", 1),
        ("3", "handover", 3),
        ("0", "handover", 0),
        ("Aucune de ces questions", "handover", None),
        ("aucune ne convient", "handover", None),
        ("Je voudrais parler à un agent", "handover", None),
        ("9", "out_of_range", 9),
        ("2 et 3", "none", None),
        ("Quel est le plafond du forfait ?", "none", None),
        ("Le patient a eu 2 cures", "none", None),
        ("", "none", None),
    ],
)
def test_what_the_new_text_of_a_reply_picks(text: str, kind: str, number: int | None) -> None:
    found = read_pick(text, 3)
    assert (found.kind, found.number) == (kind, number)


def test_picks_never_stall_on_long_or_repetitive_text() -> None:
    for text in ("le " * 5000, "2 " + "merci " * 4000, "n°" * 10000, "1" + "." * 50_000):
        assert read_pick(text, 3).kind == "none"


def test_offer_is_recorded_with_the_thread_and_without_the_pick_text(db: Database) -> None:
    processor = _processor(db)
    assert processor.process(question("Y a-t-il un plafond ?"), NOW).outcome == "offered"
    choice = MailChoices(db).in_thread((offer_id(),), "martin@ch-rouen.fr")
    assert choice is not None
    assert choice.question.startswith("Y a-t-il un plafond ?")
    assert [r.label for r in choice.readings][:2] == list(LABELS) and len(choice.readings) == 3
    assert datetime.fromisoformat(choice.expires) - NOW >= timedelta(days=14)
    # Found from the question's own id too (a client answering the question rather than our email).
    assert MailChoices(db).in_thread(("<q1@ch-rouen.fr>",), "martin@ch-rouen.fr") == choice
    assert MailChoices(db).in_thread((offer_id(),), "other@x.fr") is None


def test_a_failure_between_pick_and_answer_leaves_nothing_and_the_retry_answers_once(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    processor = _processor(db)
    processor.process(question("Y a-t-il un plafond ?"), NOW)

    def broken(self: MailChoices, sent_id: str, number: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(MailChoices, "mark_picked", broken)
    assert processor.process(pick("2", "<p1@x>"), NOW).outcome == "retry"
    assert processor.outbox.get(reply_key("<p1@x>")) is None  # rolled back with the pick
    monkeypatch.undo()
    assert processor.process(pick("2", "<p1@x>"), NOW).outcome == "answered"
    assert "Réponse pour Plafond du forfait d'inclusion" in sent_text(processor.outbox, "<p1@x>")
    assert processor.process(pick("2", "<p1@x>"), NOW).outcome == "duplicate"
    assert processor.process(pick("2", "<p2@x>"), NOW).reason == "choice_repeated"
    assert processor.outbox.get(reply_key("<p2@x>")) is None


def test_a_process_killed_right_after_the_pick_loses_nothing_and_sends_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    script = f"""
import os, sys
sys.path.insert(0, {str(ROOT)!r})
from tests.mail.test_mail_choice_picks import _processor, pick, NOW
from tests.mail.harness import question
from store import schema
from store.engine import Database
db = Database.open({str(path)!r}, schema_version=schema.SCHEMA_VERSION)
processor = _processor(db)
assert processor.process(question("Y a-t-il un plafond ?"), NOW).outcome == "offered"
assert processor.process(pick("2", "<p1@x>"), NOW).outcome == "answered"
print("picked", flush=True)
os.kill(os.getpid(), {int(signal.SIGKILL)})
"""
    child = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert child.returncode == -signal.SIGKILL and "picked" in child.stdout, child.stderr
    db = Database.open(path, schema_version=schema.SCHEMA_VERSION)
    try:
        processor = _processor(db)
        assert [item.key for item in processor.outbox.due(NOW)] == [
            reply_key("<q1@ch-rouen.fr>"),
            reply_key("<p1@x>"),
        ]
        # The IMAP keyword was never set: the pick comes again, and again later as a new message.
        assert processor.process(pick("2", "<p1@x>"), NOW).outcome == "duplicate"
        assert processor.process(pick("2", "<p3@x>"), NOW).reason == "choice_repeated"
        assert len(processor.outbox.due(NOW)) == 2
    finally:
        db.close()
    assert os.path.exists(path)


def test_only_the_asker_picks_and_health_data_in_a_pick_is_refused(db: Database) -> None:
    processor = _processor(db)
    processor.process(question("Y a-t-il un plafond ?"), NOW)
    other = processor.process(pick("2", "<o1@x>", sender="Mme Durand <durand@ch-rouen.fr>"), NOW)
    assert other.reason != "choice"
    # Same reply address, another From (a Reply-To set to the asker's): not the asker either.
    spoofed = question(
        "2",
        subject="Re: Question forfait",
        message_id="<o2@x>",
        sender="Mme Durand <durand@ch-rouen.fr>",
        headers={"Reply-To": "martin@ch-rouen.fr", "In-Reply-To": offer_id()},
    )
    assert processor.process(spoofed, NOW).reason != "choice"
    nir = processor.process(pick("2 pour le patient 1 85 05 76 123 456 78", "<n1@x>"), NOW)
    assert nir.outcome == "refused"
    assert processor.process(pick("2", "<p1@x>"), NOW).reason == "choice"


def test_over_the_daily_cap_a_pick_goes_to_the_agents_with_the_original_question(db: Database) -> None:
    processor = MailProcessor(Mailbox(db), Outbox(db, SENDER), vague_answer, SENDER, daily_limit=1)
    processor.process(question("Y a-t-il un plafond ?"), NOW)
    result = processor.process(pick("2", "<p1@x>"), NOW)
    assert (result.outcome, result.reason) == ("handed_over", "rate_limited")
    [handover] = processor.mailbox.open_handovers()
    assert handover.question.startswith("Y a-t-il un plafond ?")
    assert processor.outbox.get(reply_key("<p1@x>")) is None  # no automatic reply over the cap


def _client_reply(message_id: str, plain_body: str | None, html_body: str | None) -> bytes:
    message = EmailMessage()
    message["From"] = "Dr Martin <martin@ch-rouen.fr>"
    message["To"] = SENDER
    message["Subject"] = "RE: Question forfait"
    message["Message-ID"] = message_id
    message["In-Reply-To"] = offer_id()  # no References: some clients send only this
    if plain_body is not None:
        message.set_content(plain_body)
    if html_body is not None:
        if plain_body is None:
            message.set_content(html_body, subtype="html")
        else:
            message.add_alternative(html_body, subtype="html")
    return message.as_bytes()


@pytest.mark.parametrize(
    ("plain_body", "html_body"),
    [
        # Outlook: the number on top, then its « De : … Envoyé : … » block and our whole offer.
        (
            "2\r\n\r\nDe : ARS <ars@test.local>\r\nEnvoyé : lundi 2 mars 2026 10:00\r\nÀ : Martin\r\n"
            "Objet : Re: Question forfait\r\n\r\nVouliez-vous dire :\r\n1. Plafond du forfait mensuel\r\n",
            None,
        ),
        # An HTML-only client: the offer quoted in a gmail_quote block.
        (
            None,
            '<div dir="ltr">2</div><div class="gmail_quote"><div>Le lun. 2 mars 2026, ARS a écrit :</div>'
            "<blockquote>1. Plafond du forfait mensuel<br>3. Aucune</blockquote></div>",
        ),
    ],
)
def test_a_pick_is_read_from_the_shapes_mail_clients_send(
    db: Database, plain_body: str | None, html_body: str | None
) -> None:
    processor = _processor(db)
    processor.process(question("Y a-t-il un plafond ?"), NOW)
    result = processor.process(_client_reply("<c1@x>", plain_body, html_body), NOW)
    assert (result.outcome, result.reason) == ("answered", "choice")
    assert "Réponse pour Plafond du forfait d'inclusion" in sent_text(processor.outbox, "<c1@x>")
