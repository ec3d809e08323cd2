"""Seeded fuzz test: hostile input at every door (the command language for Slack/console/cmd, the Slack forms
through their handlers, the console reading bytes under LC_ALL=C, the mail processor on a real store), then
every file the bot wrote and every log line at INFO scanned for the NIR digits that went in.

It asserts what must hold for every input — no exception, no internal error, health data refused, nothing
written on a refused input, no NIR digits anywhere — never a timing (scripts/fuzz_campaign.py measures).
The seed is fixed: a failure names the input and reproduces. FUZZ_SEED=<n> tries another one.
"""

from __future__ import annotations

import io
import json
import logging
import os
import random
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.mail.processor import MailProcessor
from bot.slack import forms, report_form
from handlers.dispatch import dispatch
from handlers.reply import Reply, Request
from store.mailbox import Mailbox
from store.outbox import Outbox
from templates import text
from tests.support import hostile
from tests.support.conversation import PARIS, Conversation

SEED = int(os.environ.get("FUZZ_SEED", "20261201"))
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
INTERNAL = text("commands.error.internal")


def _refused(reply: Reply) -> bool:
    return str(reply.data.get("error", "")).startswith("commands.health.")


def _scan(root: Path, needles: set[str], logs: list[str]) -> list[str]:
    """Where any needle sits, digits only (a NIR written with separators is still found)."""
    found: list[str] = []
    for path in root.rglob("*"):
        if path.is_file():
            digits = "".join(ch for ch in path.read_text("utf-8", "replace") if ch.isdigit())
            found += [f"{path.name}: {n}" for n in needles if n in digits]
    digits = "".join(ch for ch in "\n".join(logs) if ch.isdigit())
    found += [f"log: {n}" for n in needles if n in digits]
    return found


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> list[str]:
    caplog.set_level(logging.INFO)
    return caplog.messages


def test_the_command_language_door(tmp_path: Path, logs: list[str]) -> None:
    rng = random.Random(SEED)
    convo = Conversation.start(tmp_path, setup=True)
    audit = convo.ctx.repo.database.audit_path
    needles: set[str] = set()
    for index in range(1500):
        item = hostile.any_input(rng, long_size=20_000)
        needles.update(item.needles)
        before = audit.stat().st_size
        member, channel = rng.choice([(None, "console"), (None, "cli"), ("U0COORD", "slack")])
        request = Request(member, item.text, channel, NOW, f"fuzz-{index}" if channel == "slack" else None)  # type: ignore[arg-type]
        reply = dispatch(request, convo.ctx)
        assert reply.title != INTERNAL, item
        if item.identifier:
            assert _refused(reply), item
            assert audit.stat().st_size == before, item  # nothing written on a refused input
    convo.ctx.repo.close()
    assert _scan(tmp_path, needles, logs) == []


def _report_view(convo: Conversation) -> dict[str, Any]:
    reply = convo.ask("rapport saisir suivi-2027", as_="U0COORD")
    return report_form.modal(reply, {})


def test_the_slack_forms_through_their_handlers(tmp_path: Path, logs: list[str]) -> None:
    rng = random.Random(SEED + 1)
    convo = Conversation.start(tmp_path, setup=True)
    view = _report_view(convo)
    fields = [b["block_id"] for b in view["blocks"] if b.get("type") == "input"]
    referral = forms.form_for("adressage")
    assert referral is not None and fields
    needles: set[str] = set()
    for index in range(600):
        item = hostile.any_input(rng, long_size=6_000)
        needles.update(item.needles)
        field = rng.choice(fields)
        state = {"values": {field: {"value": {"type": "plain_text_input", "value": item.text}}}}
        submission = report_form.read({**view, "state": state})
        if submission.command:
            assert not item.identifier, item
            reply = dispatch(Request("U0COORD", submission.command, "slack", NOW, f"r-{index}"), convo.ctx)
            assert reply.title != INTERNAL, item
        values = {
            "patient": {"value": {"value": item.text if index % 2 else "P-0042"}},
            "date": {"value": {"selected_date": "2025-09-10"}},
            "commune": {"value": {"value": item.text if index % 2 == 0 else "76540"}},
        }
        typed = forms.read(referral, values, NOW.date())
        if typed.errors:
            continue
        assert not item.identifier, item
        reply = dispatch(Request("U0SAISIE", typed.command, "slack", NOW, f"f-{index}"), convo.ctx)
        assert reply.title != INTERNAL, item
    convo.ctx.repo.close()
    assert _scan(tmp_path, needles, logs) == []


def test_the_console_reading_bytes_under_lc_all_c(tmp_path: Path, logs: list[str]) -> None:
    from bot.console import run_console

    rng = random.Random(SEED + 2)
    convo = Conversation.start(tmp_path, setup=True)
    needles: set[str] = set()
    stdin = hostile.console_stdin(rng, 400, needles)
    out = io.StringIO()
    settings = hostile.ConsoleSettings(tmp_path / "db.json", NOW)
    assert run_console(convo.ctx, settings, stdin=stdin, stdout=out) == 0  # type: ignore[arg-type]
    transcript = out.getvalue()
    assert INTERNAL not in transcript
    (tmp_path / "transcript.txt").write_text(transcript.encode("utf-8", "replace").decode("utf-8"), "utf-8")
    convo.ctx.repo.close()
    assert _scan(tmp_path, needles, logs) == []


def test_the_console_takes_a_bare_number_of_any_length(tmp_path: Path) -> None:
    """A bare number picks a reading; 5,000 digits (past int()'s limit) are a line like any other (found by
    the fuzz campaign, seed 31)."""
    from bot.console import run_console

    convo = Conversation.start(tmp_path, setup=True)
    stdin = io.StringIO("9" * 5_000 + "\n" + "1" + "\n")
    out = io.StringIO()
    settings = hostile.ConsoleSettings(tmp_path / "db.json", NOW)
    assert run_console(convo.ctx, settings, stdin=stdin, stdout=out) == 0  # type: ignore[arg-type]
    assert INTERNAL not in out.getvalue() and "Traceback" not in out.getvalue()
    convo.ctx.repo.close()


def test_the_mail_door(tmp_path: Path, logs: list[str]) -> None:
    from handlers.questions import answer_question
    from store import schema
    from store.engine import Database

    rng = random.Random(SEED + 3)
    db = Database.open(tmp_path / "mail.json", schema_version=schema.SCHEMA_VERSION)
    mailbox = Mailbox(db)
    outbox = Outbox(db, "ARS Expé 50 <ars@test.local>")
    processor = MailProcessor(
        mailbox=mailbox,
        outbox=outbox,
        answer=lambda question, now: answer_question(question, now),
        sender="ARS Expé 50 <ars@test.local>",
        daily_limit=1_000,
    )
    needles: set[str] = set()
    for index in range(250):
        item = hostile.any_input(rng, long_size=20_000)
        needles.update(item.needles)
        result = processor.process(hostile.email(item, rng, index), NOW)
        assert result.outcome not in ("failed", "retry"), (item, result)
        if item.identifier:
            assert result.outcome in ("refused", "ignored"), (item, result)
    # The poison subject is followed by a normal question that gets its answer.
    poison = hostile.Hostile("Quel montant pour le mois d'inclusion ?", "odd")
    raw = hostile.email(poison, random.Random(0), 10_000).replace(
        b"Subject: Question forfait", b"Subject: =?utf-7?q?Question_forfait_+2AA-?="
    )
    assert processor.process(raw, NOW).outcome == "answered"
    normal = hostile.email(poison, random.Random(0), 10_001)
    assert processor.process(normal, NOW).outcome == "answered"
    outgoing = (
        [json.dumps(item.__dict__, default=str) for item in outbox.due(NOW)] if hasattr(outbox, "due") else []
    )
    (tmp_path / "outbox.txt").write_text("\n".join(outgoing), "utf-8")
    db.close()
    assert _scan(tmp_path, needles, logs) == []
