"""`/expe50 import` in Slack: a modal with a file input (CSV or XLSX), the import mode, and a button that
sends the template to the member's direct messages.

The member's file is fetched from Slack with the bot token (`files:read`), read by bot/import_files.py and
imported by the same code as `expe50 import` (handlers/imports.py) — the same checks, all or nothing by
default, one audited write; the French report comes back as the command's answer.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from typing import Any

from templates import text

CALLBACK_ID = "expe50_import"
TEMPLATE_ACTION = "expe50_import_template"
FILE_BLOCK, FILE_ACTION = "import_file", "file"
MODE_BLOCK, MODE_ACTION = "import_mode", "mode"
MODES = ("all", "partial", "dry")
MAX_DOWNLOAD = 64 * 1024 * 1024
TEMPLATE_NAME = "modele-import-expe50.xlsx"


def wants_form(words: list[str]) -> bool:
    return len(words) == 1 and words[0].lower() == "import"


def _plain(value: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": value}


def modal(meta: dict[str, Any]) -> dict[str, Any]:
    options = [{"text": _plain(text(f"imports.slack.mode_{mode}")), "value": mode} for mode in MODES]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain(text("imports.slack.title")),
        "submit": _plain(text("imports.slack.submit")),
        "close": _plain(text("imports.slack.close")),
        "private_metadata": json.dumps(meta),
        "blocks": [
            {
                "type": "input",
                "block_id": FILE_BLOCK,
                "label": _plain(text("imports.slack.file_label")),
                "hint": _plain(text("imports.slack.file_hint")),
                "element": {
                    "type": "file_input",
                    "action_id": FILE_ACTION,
                    "filetypes": ["csv", "xlsx"],
                    "max_files": 1,
                },
            },
            {
                "type": "input",
                "block_id": MODE_BLOCK,
                "label": _plain(text("imports.slack.mode_label")),
                "element": {
                    "type": "radio_buttons",
                    "action_id": MODE_ACTION,
                    "options": options,
                    "initial_option": options[0],
                },
            },
            {
                "type": "section",
                "block_id": "import_template",
                "text": {"type": "mrkdwn", "text": text("imports.template.readme.l1")},
                "accessory": {
                    "type": "button",
                    "action_id": TEMPLATE_ACTION,
                    "text": _plain(text("imports.slack.template_button")),
                    "value": "template",
                },
            },
        ],
    }


@dataclass(frozen=True)
class Submission:
    files: list[dict[str, Any]]
    mode: str
    errors: dict[str, str]


def read(view: dict[str, Any]) -> Submission:
    values = (view.get("state") or {}).get("values") or {}
    files = ((values.get(FILE_BLOCK) or {}).get(FILE_ACTION) or {}).get("files") or []
    chosen = ((values.get(MODE_BLOCK) or {}).get(MODE_ACTION) or {}).get("selected_option") or {}
    mode = str(chosen.get("value") or "all")
    errors = {} if files else {FILE_BLOCK: text("imports.slack.no_file")}
    return Submission([f for f in files if isinstance(f, dict)], mode if mode in MODES else "all", errors)


def download(url: str, token: str) -> bytes:
    """A member's file, fetched with the bot token (Slack serves private files only so)."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        data: bytes = answer.read(MAX_DOWNLOAD + 1)
        kind = answer.headers.get("Content-Type") or ""
    if len(data) > MAX_DOWNLOAD or kind.startswith("text/html"):
        raise OSError("not the file")  # Slack's login page, or a file over the cap
    return data
