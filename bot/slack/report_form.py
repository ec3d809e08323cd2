"""The report form: `rapport saisir <rapport>` without values (and the report's « Compléter un champ » button)
opens a modal with one input per field people enter, prefilled with the current values.

Unlike the adressage and administration forms its fields are not fixed: they come from the command itself
(`rapport saisir <rapport>` alone answers the list in `reply.data["fields"]`: id, label, type, owner, current
value, whether it is a suggestion). Each value is checked with the command's own parser
(handlers.report_fields.parse_value) so that an error shows next to its field; then the changed values run as
the typed command `rapport saisir <rapport> site=<FINESS> champ=valeur …`, through the same dispatch.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.render.slack import cut, escape, mrkdwn, plain
from handlers import health_data, text_edge
from handlers.errors import UserError
from handlers.reply import Reply
from handlers.report_fields import TEXT_MAX, find_entered_slot, parse_kind, parse_value
from handlers.values import fold
from templates import has_text, text

FORM_NAME = "report_fields"  # the `Action.form` of the report's buttons (handlers/commands/rapport.py)
CALLBACK_ID = "expe50.report_fields"
MAX_INPUTS = 90  # Slack allows 100 blocks in a modal; a report has about fifteen fields
NUMBER_MAX_LENGTH = 20
# The dispatcher turns typographic quotes into straight ones before splitting the command
# (handlers/parsing.py): turn them first, so that the quoting below survives that step.
_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"', "’": "'", "‘": "'", "\u00a0": " "})


def wants_form(typed: str) -> bool:
    """`rapport saisir <rapport> [site=FINESS]` with no value to save: the form rather than the list."""
    words = typed.split()
    if len(words) < 3 or [fold(w) for w in words[:2]] != ["rapport", "saisir"] or "=" in words[2]:
        return False
    return all(fold(word).startswith("site=") for word in words[3:])


def can_open(reply: Reply) -> bool:
    return reply.ok and bool(reply.data.get("fields")) and "report" in reply.data and "site" in reply.data


# ---- the modal --------------------------------------------------------------------------------------------


def modal(reply: Reply, metadata: dict[str, Any]) -> dict[str, Any]:
    """The modal for the fields listed in `reply` (the answer of `rapport saisir <rapport>` alone)."""
    fields: list[dict[str, Any]] = reply.data["fields"][:MAX_INPUTS]
    meta = {
        **metadata,
        "report": reply.data["report"],
        "site": reply.data["site"],
        # Suggestions (e.g. the conventions on record) are not stored yet: submitting them, even untouched,
        # is the member confirming them.
        "prefilled": [f["id"] for f in fields if f.get("prefilled")],
    }
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": mrkdwn(text("slack.report_form.intro", title=escape(reply.title)))}
    ]
    blocks.extend(_input(field) for field in fields)
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": plain(text("slack.report_form.title"), 24),
        "submit": plain(text("slack.form.submit"), 24),
        "close": plain(text("slack.form.cancel"), 24),
        "private_metadata": json.dumps(meta),
        "blocks": blocks,
    }


def _input(field: dict[str, Any]) -> dict[str, Any]:
    kind = str(field.get("type"))
    value = field.get("value")
    element: dict[str, Any]
    if kind == "date":
        element = {"type": "datepicker", "action_id": "value"}
        if _iso_day(value):
            element["initial_date"] = value
    else:
        element = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": kind == "text",
            "max_length": TEXT_MAX if kind == "text" else NUMBER_MAX_LENGTH,
        }
        if value:
            element["initial_value"] = _shown(kind, str(value))
        placeholder = f"slack.report_form.placeholder.{kind}"
        if has_text(placeholder):
            element["placeholder"] = plain(text(placeholder), 150)
    owner = text(f"reports.owner.{field.get('owner')}") if field.get("owner") else ""
    hint = text(
        "slack.report_form.hint", field=field["id"], owner=owner, prefilled=bool(field.get("prefilled"))
    )
    return {
        "type": "input",
        "block_id": str(field["id"]),
        "label": plain(str(field.get("label") or field["id"]), 2000),
        "element": element,
        "optional": True,  # an empty field is left as it is; the report lists what is missing
        "hint": plain(hint, 2000),
    }


def _shown(kind: str, value: str) -> str:
    """French decimals (82,5) in the inputs; the command reads both."""
    return cut(value.replace(".", ",") if kind in ("percent", "money") else value, TEXT_MAX)


def _iso_day(value: object) -> bool:
    try:
        date.fromisoformat(str(value))
        return True
    except ValueError:
        return False


# ---- the submission ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    command: str  # the `rapport saisir …` text the form stands for ("" when there are errors)
    errors: dict[str, str]  # block id -> French message; not empty means nothing is run
    fields: tuple[str, ...] = ()  # the fields sent, in the form's order


def read(view: dict[str, Any]) -> Submission:
    """The command of a submitted report form, or the errors to show next to its fields."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
        kind = parse_kind(str(meta.get("report", "")))
    except (ValueError, UserError):
        return Submission("", {_first_block(view): text("slack.report_form.error.expired")})
    state = (view.get("state") or {}).get("values") or {}
    prefilled = set(meta.get("prefilled") or [])
    errors: dict[str, str] = {}
    pairs: list[str] = []
    sent: list[str] = []
    for block in view.get("blocks") or []:
        if block.get("type") != "input":
            continue
        field = str(block.get("block_id"))
        raw = _value((state.get(field) or {}).get("value") or {})
        if not raw:
            continue  # left empty: nothing to change
        if raw == _initial(block) and field not in prefilled:
            continue  # unchanged: not sent, so the answer lists what this submission did
        try:  # the edge, once per field: no surrogate, NFKC, spaces, a size cap (never an HTTP 500)
            raw = text_edge.edge_text(raw, text_edge.FIELD_MAX, multiline=True)
        except UserError as error:
            errors[field] = _message(error)
            continue
        finding = health_data.screen(raw)
        if finding is not None:  # refused, never echoed (the typed command is screened the same way)
            errors[field] = text(f"commands.health.{finding.value}")
            continue
        try:
            parse_value(find_entered_slot(kind, field), raw)
        except UserError as error:
            errors[field] = _message(error)
            continue
        pairs.append(f"{field}={shlex.quote(raw.translate(_QUOTES))}")
        sent.append(field)
    if errors:
        return Submission("", errors)
    if not pairs:
        return Submission("", {_first_block(view): text("slack.report_form.error.nothing")})
    site = str(meta.get("site", ""))
    head = ["rapport", "saisir", kind.value, *([f"site={shlex.quote(site)}"] if site else [])]
    return Submission(" ".join([*head, *pairs]), {}, tuple(sent))


def _value(element: dict[str, Any]) -> str:
    if "selected_date" in element:
        return str(element.get("selected_date") or "")
    return str(element.get("value") or "").strip()


def _initial(block: dict[str, Any]) -> str:
    element = block.get("element") or {}
    return str(element.get("initial_value") or element.get("initial_date") or "").strip()


def _first_block(view: dict[str, Any]) -> str:
    inputs = [b for b in view.get("blocks") or [] if b.get("type") == "input"]
    return str(inputs[0].get("block_id")) if inputs else "value"


def _message(error: UserError) -> str:
    """The command's refusal, in a form's words when the typed wording (`écrivez champ=42`) would not fit."""
    suffix = error.key.rsplit(".", 1)[-1]
    key = f"slack.report_form.error.{suffix}"
    return text(key if has_text(key) else error.key, **error.params)
