"""Issue #11 « Done when », as a new region would live it: a spreadsheet history imported through Slack's
form, a member revoked in Slack, a correction seen in historique and forfaits, a backup taken through the
running bot and restored to a new path with the same figures, and a deleted audit journal recovered with
`expe50 repair`. (The 18-month XLSX and cp1252 CSV imports, the refused file, --partiel and the re-import are
tests/bot/test_import.py.)"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App
from bot.cli import main
from bot.config import load_settings
from bot.slack.backend import HandlersBackend
from bot.slack.import_form import CALLBACK_ID, FILE_ACTION, FILE_BLOCK, MODE_ACTION, MODE_BLOCK
from rules.month import Month
from tests.bot.slack.conftest import start_rig
from tests.bot.test_import import HAD, SETUP, SITES
from tests.support.conversation import DEFAULT_NOW, SITE, Conversation
from tests.support.history import generate, write_xlsx
from tests.support.slack_api import FakeSlackAPI

COORD = "U0COORD"


def cli(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_slack_import_form_then_a_revoked_member_is_refused(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    convo = Conversation.start(tmp_path, setup=True)
    rig = start_rig(slack_api, HandlersBackend(convo.ctx), now=DEFAULT_NOW)
    try:
        rows = generate([SITE], HAD, "76540", patients_per_site=3, first=Month(2025, 8), last=Month(2025, 10))
        path = write_xlsx(rows, tmp_path / "historique.xlsx")
        rig.send.slash("import", COORD, response_name="import")
        view = slack_api.wait_for("views.open")[0].params["view"]
        assert view["callback_id"] == CALLBACK_ID
        # The template button sends the XLSX template to the member's direct messages.
        template = next(b for b in view["blocks"] if b["type"] == "section")["accessory"]
        rig.send.block_action(COORD, template["action_id"], template["value"])
        slack_api.wait_for("files.completeUploadExternal")
        # Submitting without a file keeps the modal open with the message on the file field.
        empty = rig.send.view_submission(COORD, view, {})
        assert FILE_BLOCK in empty.json()["errors"]
        attached = slack_api.add_file("historique.xlsx", path.read_bytes())
        values = {
            FILE_BLOCK: {FILE_ACTION: {"type": "file_input", "files": [attached]}},
            MODE_BLOCK: {MODE_ACTION: {"type": "radio_buttons", "selected_option": {"value": "all"}}},
        }
        assert rig.send.view_submission(COORD, view, values).status == 200
        [report] = slack_api.wait_for_response("import")
        assert "saisies ajoutées" in json.dumps(report.params, ensure_ascii=False)
        assert len(convo.repo.patients(SITE)) == 3
        assert any(c.method == "file_download" for c in slack_api.calls)
        # A saisie member may not import: the command's own refusal, no form.
        denied = rig.ask("import", "U0SAISIE")
        assert "droit" in json.dumps(denied, ensure_ascii=False)

        # Revoked in the console, the Slack member's next /expe50 is refused.
        assert "U0COORD" in json.dumps(rig.ask("membres", "U0ADMIN"), ensure_ascii=False)
        assert convo.ask("membre retirer U0COORD").ok
        after = rig.ask("forfaits 2025", COORD)
        assert "pas le droit" in json.dumps(after, ensure_ascii=False)
    finally:
        rig.channel.stop()
        convo.close()


@pytest.fixture
def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_", "BACKUP_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EXPE50_DB", str(tmp_path / "data" / "expe50.json"))
    monkeypatch.setenv("EXPE50_NOW", "2026-12-01T10:00")
    app = App.open(load_settings(env_file=None))
    app.start()
    yield app
    app.stop()
    app.close()


def test_correct_back_up_while_running_restore_elsewhere_and_repair_a_deleted_audit_journal(
    bot: App, tmp_path: Path
) -> None:
    for line in SETUP:
        assert cli("cmd", line)[0] == 0, line
    rows = generate(SITES, HAD, "76540", patients_per_site=4, first=Month(2025, 6), last=Month(2026, 11))
    code, out, err = cli("import", str(write_xlsx(rows, tmp_path / "h.xlsx")), "--json")
    assert code == 0 and json.loads(out)["data"]["added"] == len(rows), out + err
    assert len(bot.ctx.repo.patients(SITES[0])) == 4  # through the socket, into the running bot

    # A correction: the administration is cancelled, the corrected one recorded, seen everywhere.
    patient = rows[0].patient
    history = json.loads(cli("cmd", "--json", f"historique {patient}")[1])["data"]["entries"]
    first = next(e for e in history if e["kind"] == "administration")
    code, out, _ = cli("cmd", "--json", f"modifier {first['reference']} nombre=3")
    assert code == 0, out
    new = json.loads(out)["reference"]
    after = {
        e["reference"]: e
        for e in json.loads(cli("cmd", "--json", f"historique {patient}")[1])["data"]["entries"]
    }
    assert after[first["reference"]]["active"] is False and after[new]["count"] == 3
    forfaits = json.loads(cli("cmd", "--json", f"forfaits site={SITES[0]}")[1])["data"]

    # Back up while the bot runs (the command goes through its socket), restore into a new path.
    code, out, err = cli("backup", str(tmp_path / "sauvegarde.tar.gz"))
    assert code == 0 and "Sauvegarde écrite" in out, out + err
    restored = tmp_path / "essai" / "base.json"
    restored.parent.mkdir()
    code, out, err = cli("--db", str(restored), "restore", str(tmp_path / "sauvegarde.tar.gz"))
    assert code == 0 and "restaurée" in out, out + err
    assert re.search(r"\(du \d+(er)? [a-zéû]+ \d{4} à \d\d:\d\d\)", out), out  # a time as users read one
    code, out, err = cli("--db", str(restored), "cmd", "--json", f"forfaits site={SITES[0]}")
    assert code == 0 and json.loads(out)["data"] == forfaits
    code, out, err = cli("--db", str(restored), "restore", str(tmp_path / "sauvegarde.tar.gz"))
    assert code == 1 and "--force" in out
    live = bot.settings.db_path
    assert cli("restore", str(tmp_path / "sauvegarde.tar.gz"), "--force")[0] == 1  # the bot holds it

    # The audit journal of the restored copy is deleted: named at open, repaired after « oui ».
    audit = restored.with_name(restored.name + ".audit.jsonl")
    audit.unlink()
    code, out, err = cli("--db", str(restored), "cmd", "patients")
    assert code == 2 and str(audit) in err and "expe50 --db" in err and "repair" in err
    assert "Traceback" not in err
    code, out, _ = cli("--db", str(restored), "repair", stdin="non\n")
    assert code == 1 and "annulée" in out
    code, out, _ = cli("--db", str(restored), "repair", stdin="oui\n")
    assert code == 0 and "reconstruit" in out
    rebuilt = [json.loads(x) for x in audit.read_text().splitlines()]
    assert rebuilt and all(entry.get("rebuilt") for entry in rebuilt)
    code, out, _ = cli("--db", str(restored), "cmd", "--json", f"forfaits site={SITES[0]}")
    assert code == 0 and json.loads(out)["data"] == forfaits
    assert live.exists()
