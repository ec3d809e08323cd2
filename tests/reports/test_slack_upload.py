"""In Slack, the report's spreadsheet goes to the member's direct messages as a file (through the Slack
channel's `_send_files`, against the fake Slack Web API on loopback)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.export import file_bytes
from handlers.commands.rapport import draft_reply
from handlers.report_fields import ReportKind
from tests.bot.slack.conftest import BOT_TOKEN, MEMBER, StubBackend, start_rig
from tests.reports.sheets import first_data_row
from tests.reports.test_drafts import ENTERED_2027, draft
from tests.support.slack_api import FakeSlackAPI


def test_the_report_spreadsheet_is_uploaded_to_the_member() -> None:
    reply = draft_reply(draft(ReportKind.FOLLOWUP_2027, ENTERED_2027))
    [item] = reply.attachments
    api = FakeSlackAPI(token=BOT_TOKEN).start()
    rig = start_rig(api, StubBackend(answer=lambda request: reply))
    try:
        rig.send.slash("rapport suivi-2027", MEMBER)
        [url_call] = api.wait_for("files.getUploadURLExternal")
        assert url_call.params["filename"] == item.filename
        [upload] = api.wait_for("upload")
        # The same workbook, cell by cell (an XLSX holds its creation time: the bytes of two writes differ).
        uploaded = load_workbook(io.BytesIO(upload.body))["Rapport"]
        expected = load_workbook(io.BytesIO(file_bytes(item)))["Rapport"]
        assert [[c.value for c in r] for r in uploaded.iter_rows()] == [
            [c.value for c in r] for r in expected.iter_rows()
        ]
        rows = {r[0].value: r for r in uploaded.iter_rows(min_row=first_data_row(uploaded))}
        assert rows["adresses_had_2026"][3].value == 2
        [complete] = api.wait_for("files.completeUploadExternal")
        assert complete.params["channel_id"].startswith("D")
    finally:
        rig.channel.stop()
        api.stop()
    api.assert_nothing_refused()
