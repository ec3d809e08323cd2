"""The outbox and the mailbox memory survive a restart: one message per key, deterministic Message-IDs,
backoff after a failure, stuck `sending` items resent, folder positions, hand-overs and daily counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store import schema
from store.engine import Database
from store.mailbox import Mailbox, handover_reference
from store.outbox import FAILED, SENT, Outbox, message_id_for

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SENDER = "ARS bot <ars-bot@ars.example.fr>"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "db.json"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path, schema_version=schema.SCHEMA_VERSION)
    yield database
    database.close()


def _spec(to: str = "martin@ch-rouen.fr") -> dict[str, object]:
    return {"to": to, "subject": "Re: forfait", "text": "Le forfait est de 320,00 €.", "html": "<p>320</p>"}


def test_enqueue_is_idempotent_and_message_id_deterministic(db: Database) -> None:
    outbox = Outbox(db, SENDER)
    assert outbox.enqueue("reply:<a@x>", _spec(), NOW) is True
    assert outbox.enqueue("reply:<a@x>", _spec("other@x.fr"), NOW) is False
    item = outbox.get("reply:<a@x>")
    assert item is not None
    assert item.message_id == message_id_for("reply:<a@x>", SENDER)
    assert item.message_id.endswith("@ars.example.fr>") and len(item.message_id) == 32 + len(
        "<@ars.example.fr>"
    )
    assert item.recipients == ("martin@ch-rouen.fr",)
    assert f"Message-ID: {item.message_id}" in item.raw
    assert "\r\n" in item.raw
    assert [due.key for due in outbox.due(NOW)] == ["reply:<a@x>"]


def test_failure_backs_off_then_gives_up(db: Database) -> None:
    outbox = Outbox(db, SENDER, backoff_base=timedelta(seconds=10), max_attempts=3)
    outbox.enqueue("k", _spec(), NOW)
    outbox.mark_failed("k", NOW, "connection refused")
    assert outbox.due(NOW + timedelta(seconds=9)) == []
    assert [item.key for item in outbox.due(NOW + timedelta(seconds=10))] == ["k"]
    outbox.mark_failed("k", NOW, "again")
    assert outbox.due(NOW + timedelta(seconds=19)) == []
    outbox.mark_failed("k", NOW, "third")
    item = outbox.get("k")
    assert item is not None and item.state == FAILED and item.attempts == 3
    assert outbox.due(NOW + timedelta(days=1)) == []


def test_state_survives_restart_and_sending_is_resent(db_path: Path) -> None:
    db = Database.open(db_path, schema_version=schema.SCHEMA_VERSION)
    outbox = Outbox(db, SENDER)
    outbox.enqueue("sent", _spec(), NOW)
    outbox.enqueue("stuck", _spec(), NOW)
    outbox.mark_sending("sent", NOW)
    outbox.mark_sent("sent", NOW)
    outbox.mark_sending("stuck", NOW)
    db.close()
    db = Database.open(db_path, schema_version=schema.SCHEMA_VERSION)
    outbox = Outbox(db, SENDER)
    assert outbox.get("sent") is not None and outbox.get("sent").state == SENT  # type: ignore[union-attr]
    assert [item.key for item in outbox.due(NOW)] == ["stuck"]
    assert outbox.enqueue("sent", _spec(), NOW) is False
    db.close()


def test_mailbox_memory(db: Database) -> None:
    mailbox = Mailbox(db, max_attempts=2)
    assert mailbox.folder_state("INBOX") == (None, 0)
    mailbox.set_folder_state("INBOX", 42, 7)
    assert mailbox.folder_state("INBOX") == (42, 7)
    mailbox.record_processed("<m@x>", "answered", "ok", NOW)
    mailbox.record_processed("<m@x>", "answered", "ok", NOW)
    assert mailbox.is_processed("<m@x>")
    first = mailbox.record_failure("<bad@x>", "boom", NOW)
    assert not first.final and not mailbox.is_processed("<bad@x>")
    assert mailbox.record_failure("<bad@x>", "boom", NOW).final
    assert mailbox.is_processed("<bad@x>")
    handover = mailbox.add_handover(
        message_id="<q@x>", sender="a@x.fr", subject="météo", question="Quelle météo ?",
        references=("<q@x>",), reason="out-of-scope", now=NOW,
    )  # fmt: skip
    assert handover.reference == handover_reference("<q@x>")
    assert mailbox.handover(handover.reference.lower()) == handover
    assert [item.reference for item in mailbox.open_handovers()] == [handover.reference]
    mailbox.mark_answered(handover.reference, "U123", NOW)
    assert mailbox.open_handovers() == []


def test_reply_counts_are_per_paris_day(db: Database) -> None:
    mailbox = Mailbox(db)
    late = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # 23:30 in Paris, still 2 March
    mailbox.count_reply("A@x.fr", late)
    mailbox.count_reply("a@x.fr", late)
    assert mailbox.replies_today("a@x.fr", late) == 2
    assert mailbox.replies_today("a@x.fr", late + timedelta(hours=1)) == 0  # 00:30 on 3 March in Paris
