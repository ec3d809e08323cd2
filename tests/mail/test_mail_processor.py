"""The message processor without servers: health data is refused without echo and nothing of it stored,
the daily cap hands a person's extra questions to the agents, "agent" asks for a human, a crashing rules
call is recorded and given up after a few attempts, and processing twice never enqueues twice."""

from __future__ import annotations

import email
import email.policy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.mail.processor import MailProcessor, reply_key
from handlers.reply import Reply
from store import schema
from store.engine import Database
from store.mailbox import Mailbox
from store.outbox import Outbox
from tests.mail.harness import answer_for_tests, question

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SENDER = "ARS <ars@test.local>"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "db.json", schema_version=schema.SCHEMA_VERSION)
    yield database
    database.close()


def _processor(db: Database, answer=answer_for_tests) -> MailProcessor:  # type: ignore[no-untyped-def]
    return MailProcessor(Mailbox(db), Outbox(db, SENDER), answer, SENDER, notify=lambda _: None)


def test_nir_is_refused_without_echo_and_not_stored(db: Database, tmp_path: Path) -> None:
    processor = _processor(db)
    raw = question(
        "Le patient 1 85 05 76 123 456 78 peut-il être inclus ?", subject="Patient 185057612345678"
    )
    result = processor.process(raw, NOW)
    assert result.outcome == "refused"
    item = processor.outbox.get(reply_key("<q1@ch-rouen.fr>"))
    assert item is not None
    sent = email.message_from_string(item.raw, policy=email.policy.default)
    assert isinstance(sent, EmailMessage)
    plain = sent.get_body(("plain",))
    assert plain is not None
    text = plain.get_content() + str(sent["Subject"])
    assert "identifier un patient" in text
    assert "123 456" not in text and "185057612345678" not in text
    db.close()
    stored = "".join(path.read_text() for path in tmp_path.iterdir() if path.is_file())
    assert "123 456" not in stored and "185057612345678" not in stored
    assert json.dumps("185057612345678") not in stored


def test_daily_cap_hands_extra_questions_to_agents(db: Database) -> None:
    processor = _processor(db)
    outcomes = [
        processor.process(question("Quel montant pour l'inclusion ?", message_id=f"<n{n}@x>"), NOW).outcome
        for n in range(4)
    ]
    assert outcomes == ["answered", "answered", "answered", "handed_over"]
    assert processor.mailbox.open_handovers()[0].reason == "rate_limited"


def test_asking_for_an_agent_hands_over(db: Database) -> None:
    processor = _processor(db)
    result = processor.process(question("Agent svp, je voudrais parler à un agent pour l'inclusion."), NOW)
    assert (result.outcome, result.reason) == ("handed_over", "human_requested")


def test_crashing_rules_are_recorded_and_given_up(db: Database) -> None:
    def broken(text: str, now: datetime) -> Reply:
        raise RuntimeError("bug")

    processor = _processor(db, broken)
    raw = question("Quel montant pour l'inclusion ?")
    assert [processor.process(raw, NOW).outcome for _ in range(4)] == [
        "retry",
        "retry",
        "failed",
        "duplicate",
    ]
    [failure] = processor.mailbox.failures()
    assert failure.final and failure.reason == "RuntimeError"


def test_processing_twice_enqueues_once(db: Database) -> None:
    processor = _processor(db)
    raw = question("Quel montant pour l'inclusion ?")
    assert processor.process(raw, NOW).outcome == "answered"
    assert processor.process(raw, NOW).outcome == "duplicate"
    assert len(processor.outbox.due(NOW)) == 1


def test_hand_over_note_cannot_ping_the_agents_channel(db: Database) -> None:
    notes: list[str] = []
    processor = MailProcessor(Mailbox(db), Outbox(db, SENDER), answer_for_tests, SENDER, notify=notes.append)
    processor.process(question("<!channel> Quelle est la météo ?\nEt demain ?"), NOW)
    [note] = notes
    assert "<!channel>" not in note and "&lt;!channel&gt;" in note
    assert "> Et demain ?" in note  # every line of the question stays in the quote
