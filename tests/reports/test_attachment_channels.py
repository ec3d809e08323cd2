"""A reply's typed tables reach each channel its own way (#14): email attaches the written file; the report
draft names its file and says where to send it, from the rules data."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.export import file_bytes
from bot.render.email import build_reply
from bot.schedule_messages import deadline_message
from handlers.commands.rapport import draft_reply
from handlers.reminders import plan_reminders
from handlers.reply import Status
from handlers.report_fields import ReportKind
from handlers.reports import recipients_text
from rules.parameters import load_parameters
from tests.reports.sheets import heading
from tests.reports.test_drafts import ENTERED_2027, draft
from tests.scheduler.fakes import store_with_patients
from tests.support.conversation import PARIS, SITE, Conversation


def test_email_attaches_the_typed_table() -> None:
    reply = draft_reply(draft(ReportKind.FOLLOWUP_2027, ENTERED_2027))
    [table] = reply.attachments
    message = build_reply(
        sender="Expé 50 <bot@example.org>",
        to="coord@example.org",
        subject="rapport",
        message_id="<m1@example.org>",
        references=(),
        plain="texte",
        html="<p>texte</p>",
        attachments=[(table.filename, table.media_type, file_bytes(table))],
    )
    [part] = list(message.iter_attachments())
    assert part.get_filename() == table.filename
    content = part.get_content()
    assert isinstance(content, bytes)
    book = load_workbook(io.BytesIO(content))
    assert heading(book["Rapport"])["Rapport"].startswith("Rapport d'activité de suivi 2027")


def test_recipients_are_one_truth_from_the_rules_data() -> None:
    params = load_parameters()
    initial = params.deadline("report:initial:2025")
    followup = params.deadline("report:followup:2027")
    assert initial is not None and followup is not None
    assert recipients_text(initial.recipients) == "l'ARS et à la DGOS"
    assert recipients_text(followup.recipients) == "l'ARS"


def test_the_draft_and_the_reminder_name_the_same_recipients(tmp_path: Path) -> None:
    convo = Conversation.start(tmp_path, setup=True, now=datetime(2027, 8, 2, 10, 0, tzinfo=PARIS))
    try:
        followup = convo.ask("rapport suivi-2027", as_="U0COORD")
        assert "À envoyer à l'ARS avant le" in followup.data["markdown"]
        assert "DGOS" not in followup.data["markdown"]
        initial = convo.ask("rapport initial", as_="U0COORD")
        assert "À envoyer à l'ARS et à la DGOS avant le" in initial.data["markdown"]
        # objectif_2026 is computed from the site's target: the draft points to `etablissement cible`, and
        # `rapport saisir` says the same when refusing it.
        said = " ".join(initial.body)
        assert f"etablissement cible {SITE} 2026=<N>" in said
        refused = convo.ask("rapport saisir initial objectif_2026=12", as_="U0COORD")
        assert refused.status is Status.ERROR and "etablissement cible" in " ".join(
            [refused.title, *refused.body]
        )
    finally:
        convo.close()
    plan = plan_reminders(
        datetime(2027, 8, 25, 9, 0, tzinfo=PARIS),
        load_parameters().all_deadlines(),
        store_with_patients(),
        frozenset[str]().__contains__,
    )
    reminder = next(r for r in plan.deadlines if r.occurrence.deadline.key == "report:followup:2027")
    assert "À adresser à l'ARS, pour chaque site" in deadline_message(reminder).text
