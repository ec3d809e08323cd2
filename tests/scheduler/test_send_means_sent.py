"""`reminders --send` without a running bot really sends (the command drains the outbox it filled), reports
what left, and never records as sent what did not leave: with the SMTP server down the messages stay queued
(exit 1), and a bot started later sends each exactly once (the issue's repro: no reminder lost)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli import main
from store import schema
from store.engine import Database
from store.outbox import PENDING, SENT
from tests.scheduler.world import fill
from tests.support.smtp import SmtpServer

AT = "2027-08-02T09:00"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpServer) -> Path:
    monkeypatch.chdir(tmp_path)
    for name, value in {
        "SMTP_HOST": smtp_server.host, "SMTP_PORT": str(smtp_server.port), "SMTP_SECURITY": "none",
        "MAIL_FROM": "ARS <expe50@ars.example.org>", "EXPE50_NOW": "2026-01-05T10:00",
    }.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    path = tmp_path / "expe50.json"
    fill(path)
    return path


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), stdout=out)
    return code, out.getvalue()


def _states(db: Path) -> list[str]:
    database = Database.open(db, schema_version=schema.SCHEMA_VERSION)
    try:
        return [doc["state"] for doc in database.table(schema.OUTBOX).all()]
    finally:
        database.close()


def test_send_without_a_bot_delivers_now_and_reports_it(db: Path, smtp_server: SmtpServer) -> None:
    code, out = cli("reminders", "--db", str(db), "--at", AT, "--send")
    emails = len(smtp_server.messages)
    assert code == 0 and emails >= 1
    assert "Envoi : " in out and "0 en échec, 0 en attente" in out
    assert set(_states(db)) == {SENT}
    code, out = cli("reminders", "--db", str(db), "--at", AT, "--send")
    assert len(smtp_server.messages) == emails  # once


def test_with_smtp_down_nothing_is_reported_sent_and_a_later_run_sends_each_once(
    db: Path, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    smtp_server.down()
    code, out = cli("reminders", "--db", str(db), "--at", AT, "--send")
    assert (code == 1 and "0 parti(s)" not in out.split("Envoi :")[1][:3]) or "en attente" in out
    assert "Non parti" in out
    assert PENDING in _states(db) and SENT not in _states(db)
    smtp_server.up()
    # A day later (the retries' backoff has passed), any command that opens the database sends what waits.
    monkeypatch.setenv("EXPE50_NOW", "2026-01-06T10:00")
    code, out = cli("reminders", "--db", str(db), "--at", AT, "--send")
    delivered = len(smtp_server.messages)
    assert delivered >= 1 and set(_states(db)) == {SENT}
    cli("reminders", "--db", str(db), "--at", AT, "--send")
    assert len(smtp_server.messages) == delivered
