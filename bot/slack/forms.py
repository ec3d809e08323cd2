"""The modals: `/expe50 adressage` or `/expe50 administration` without arguments (and the buttons that say
so) open a form instead of asking for the command's syntax.

A form is a description (`Form`: which fields, which widget, which option of the typed command each
field fills); the submitted values become the same `/expe50 …` text a user would type, so submitting runs
exactly the handler of the typed command. Errors are shown inside the modal, next to the field they are
about: first the checks the form can make itself (a required field, the shape of a patient code, a date in
the future), then the handler's own refusal, placed on the field it names.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from bot.render.slack import cut, mrkdwn, plain
from bot.slack.backend import Choice, FormChoices
from handlers import health_data, text_edge
from handlers.errors import UserError
from handlers.values import fold, parse_patient
from rules.month import Month
from templates import month_fr, text

Widget = Literal["patient", "date", "site", "had", "choice", "commune", "flag"]
CALLBACK_PREFIX = "expe50.form."
MAX_OPTIONS = 100  # Slack's limit for a static select (and for an options load)
MAX_METADATA = 3000
# More choices than a static select holds: an external select (typeahead) whose options the app serves on
# `block_suggestion`; its action id names the list it searches ("search.site", "search.had").
SEARCH_PREFIX = "search."

_INSEE = re.compile(r"^(?:\d{2}|2[AaBb])\d{3}$")
_MONTH = re.compile(r"^\d{4}-(?:0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Field:
    name: str  # the block id, and the command option it fills (`had=`), or a positional when `positional`
    widget: Widget
    label: str  # message key
    required: bool = True
    positional: bool = False
    hint: str | None = None  # message key
    choices: tuple[tuple[str, str], ...] = ()  # (value, message key) for "choice"
    flag_value: str = "oui"  # what a ticked "flag" writes
    unflagged_value: str = "non"  # what an unticked "flag" writes


@dataclass(frozen=True)
class Form:
    name: str  # also the verb of the command it runs
    title: str  # message key
    intro: str  # message key
    fields: tuple[Field, ...]

    @property
    def callback_id(self) -> str:
        return CALLBACK_PREFIX + self.name

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


_TREATMENTS = (("injectable", "slack.form.treatment.injectable"), ("oral", "slack.form.treatment.orale"))
_PATIENT_FIELD = Field(
    "patient", "patient", "slack.form.field.patient", positional=True, hint="slack.form.field.patient_hint"
)
# Shown only to a member of several sites; for one site the handler knows which.
_SITE_FIELD = Field("site", "site", "slack.form.field.site")

# The fields follow the typed commands (handlers/commands/care.py): `adressage <patient> <date> had=<FINESS>
# [site=] [commune=] [moins-de-3-ans=oui]` and `administration <patient> <date> [traitement=] [site=]`.
FORMS: dict[str, Form] = {
    form.name: form
    for form in (
        Form(
            name="adressage",
            title="slack.form.adressage.title",
            intro="slack.form.adressage.intro",
            fields=(
                _PATIENT_FIELD,
                Field("date", "date", "slack.form.field.date_adressage", positional=True),
                _SITE_FIELD,
                Field("had", "had", "slack.form.field.had"),
                Field("commune", "commune", "slack.form.field.commune", required=False,
                      hint="slack.form.field.commune_hint"),
                Field("moins-de-3-ans", "flag", "slack.form.field.moins_de_3_ans", required=False),
            ),
        ),
        Form(
            name="administration",
            title="slack.form.administration.title",
            intro="slack.form.administration.intro",
            fields=(
                _PATIENT_FIELD,
                Field("date", "date", "slack.form.field.date_administration", positional=True),
                _SITE_FIELD,
                Field("traitement", "choice", "slack.form.field.traitement", choices=_TREATMENTS),
            ),
        ),
    )
}  # fmt: skip


def form_for(verb: str) -> Form | None:
    return FORMS.get(verb)


# ---- the modal --------------------------------------------------------------------------------------------


def modal(
    form: Form,
    today: date,
    choices: FormChoices,
    metadata: dict[str, Any],
    prefill: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The modal view for `form`, its fields prefilled from `prefill` (e.g. the patient of the referral a
    button follows). `metadata` (where to answer: the response_url of the command or button) rides along in
    private_metadata and comes back with the submission."""
    blocks: list[dict[str, Any]] = [{"type": "section", "text": mrkdwn(text(form.intro))}]
    month = (prefill or {}).get("date")
    if month and _MONTH.match(month):
        blocks.append(
            {"type": "context", "elements": [mrkdwn(text("slack.form.month_hint", month=_month_fr(month)))]}
        )
    for field in form.fields:
        if field.widget == "site" and len(choices.sites) < 2:
            continue
        blocks.append(_input(field, today, choices, (prefill or {}).get(field.name)))
    return {
        "type": "modal",
        "callback_id": form.callback_id,
        "title": plain(text(form.title), 24),
        "submit": plain(text("slack.form.submit"), 24),
        "close": plain(text("slack.form.cancel"), 24),
        "private_metadata": cut(json.dumps(metadata), MAX_METADATA),
        "blocks": blocks,
    }


def _input(field: Field, today: date, choices: FormChoices, initial: str | None) -> dict[str, Any]:
    element: dict[str, Any]
    if field.widget == "date":
        element = {
            "type": "datepicker",
            "action_id": "value",
            "initial_date": _iso_day(initial, today) or today.isoformat(),
        }
    elif field.widget in ("had", "site") and len(_source(field, choices)) > MAX_OPTIONS:
        element = {
            "type": "external_select",
            "action_id": SEARCH_PREFIX + field.widget,
            "placeholder": plain(text("slack.form.field.search_placeholder"), 150),
            "min_query_length": 0,
        }
        known = [c for c in _source(field, choices) if c.value == initial]
        if known:
            element["initial_option"] = _option(known[0].value, known[0].label)
    elif field.widget in ("had", "site"):
        options = [_option(c.value, c.label) for c in _source(field, choices)]
        element = {
            "type": "static_select",
            "action_id": "value",
            "placeholder": plain(text("slack.form.field.had_placeholder"), 150),
            "options": options or [_option("-", text("slack.form.error.no_had"))],
        }
        chosen = [o for o in options if o["value"] == initial] or (options if len(options) == 1 else [])
        if chosen:
            element["initial_option"] = chosen[0]
    elif field.widget == "choice":
        options = [_option(value, text(key)) for value, key in field.choices]
        chosen = [o for o in options if o["value"] == initial] or options[:1]
        element = {
            "type": "static_select",
            "action_id": "value",
            "options": options,
            "initial_option": chosen[0],
        }
    elif field.widget == "flag":
        option = _option(field.flag_value, text("slack.form.field.moins_de_3_ans_oui"))
        element = {"type": "checkboxes", "action_id": "value", "options": [option]}
        if initial == field.flag_value:
            element["initial_options"] = [option]
    else:
        element = {
            "type": "plain_text_input",
            "action_id": "value",
            "max_length": 20 if field.widget == "patient" else 10,
        }
        if field.widget == "patient":
            element["placeholder"] = plain(text("slack.form.field.patient_placeholder"), 150)
        if initial:
            element["initial_value"] = initial[:20]
    block: dict[str, Any] = {
        "type": "input",
        "block_id": field.name,
        "label": plain(text(field.label), 2000),
        "element": element,
        "optional": not field.required,
    }
    if field.hint:
        block["hint"] = plain(text(field.hint), 2000)
    return block


def _month_fr(value: str) -> str:
    year, month = value.split("-")
    return month_fr(Month(int(year), int(month)))


def _source(field: Field, choices: FormChoices) -> tuple[Choice, ...]:
    return choices.hads if field.widget == "had" else choices.sites


def search_options(choices: FormChoices, kind: str, typed: str) -> list[dict[str, Any]]:
    """The options of an external select (`kind` "site" or "had") for what the member typed: those whose
    label or code contains it (accents and case ignored), at most 100, in the list's order."""
    wanted = fold(typed.strip())
    source = choices.hads if kind == "had" else choices.sites
    found = [c for c in source if not wanted or wanted in fold(c.label) or wanted in c.value]
    return [_option(c.value, c.label) for c in found[:MAX_OPTIONS]]


def _iso_day(value: str | None, today: date) -> str | None:
    """A prefilled date: a day as it is; a month (`2025-10`, from an entry reminder) as its last day, or
    today if sooner (a patient in care that month was referred by then; the modal says which month and
    the member picks the day)."""
    if value and _MONTH.match(value):
        return min(Month.parse(value).last_day(), today).isoformat()
    try:
        return date.fromisoformat(value).isoformat() if value else None
    except ValueError:
        return None


def prefill(form: Form, command: str) -> dict[str, str]:
    """The field values a typed command already gives (`administration P-0042 2025-10-13` → patient and
    date), to open the form ready to confirm."""
    try:
        words = shlex.split(command)
    except ValueError:
        return {}
    positional = [f.name for f in form.fields if f.positional]
    values: dict[str, str] = {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if sep and form.field(key) is not None:
            values[key] = value
        elif not sep and positional:
            values[positional.pop(0)] = word
    return values


def _option(value: str, label: str) -> dict[str, Any]:
    return {"text": plain(label, 75), "value": cut(value, 150)}


# ---- the submission ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    command: str  # the /expe50 text the form stands for
    errors: dict[str, str]  # block id -> French message; not empty means nothing is run


def read(form: Form, state_values: dict[str, Any], today: date) -> Submission:
    """The command text of a submitted form, or the errors to show next to its fields."""
    errors: dict[str, str] = {}
    positionals: list[str] = []
    options: list[str] = []
    for field in form.fields:
        if field.widget == "site" and field.name not in state_values:
            continue  # not shown: the member has one site
        block = state_values.get(field.name) or {}
        # One element per input block; its action id is "value" (or "search.<kind>" for a typeahead).
        element: Any = next(iter(block.values()), {}) if isinstance(block, dict) else {}
        raw = _value(field, element if isinstance(element, dict) else {})
        try:  # the edge, once per field: no surrogate, NFKC, spaces, a size cap
            raw = text_edge.edge_text(raw, text_edge.FIELD_MAX)
        except UserError as error:
            errors[field.name] = text(error.key, **error.params)
            continue
        finding = health_data.screen(raw)
        if finding is not None:  # refused next to its field, never echoed
            errors[field.name] = text(f"commands.health.{finding.value}")
            continue
        if not raw:
            if field.required:
                errors[field.name] = text("slack.form.error.required")
            continue
        problem = _check(field, raw, today)
        if problem:
            errors[field.name] = problem
            continue
        if field.positional:
            positionals.append(shlex.quote(raw))
        else:
            options.append(f"{field.name}={shlex.quote(raw)}")
    return Submission(" ".join([form.name, *positionals, *options]), errors)


def _value(field: Field, element: dict[str, Any]) -> str:
    if field.widget == "date":
        return str(element.get("selected_date") or "")
    if field.widget in ("had", "site", "choice"):
        option = element.get("selected_option") or {}
        value = str(option.get("value") or "")
        return "" if value == "-" else value
    if field.widget == "flag":
        # In a form an unticked box is an answer ("no"), unlike an option left out of a typed command.
        return field.flag_value if element.get("selected_options") else field.unflagged_value
    return str(element.get("value") or "").strip()


def _check(field: Field, raw: str, today: date) -> str | None:
    if field.widget == "patient":
        try:
            parse_patient(raw)
        except UserError as error:  # the reason (a name, a birth date), never the code
            if error.key == "commands.error.patient_format":
                return text("slack.form.error.patient_format")
            return text(error.key, **error.params)
    if field.widget == "commune" and not _INSEE.match(raw):
        return text("slack.form.error.commune_format")
    if field.widget == "date":
        try:
            if date.fromisoformat(raw) > today:
                return text("slack.form.error.future")
        except ValueError:
            return text("slack.form.error.required")
    return None


def error_field(form: Form, error_key: str | None) -> str:
    """The field a handler's refusal is about, from its message key (e.g. `commands.error.date_format` →
    the date field); the first field when the key names none of them."""
    key = (error_key or "").lower()
    hints = {
        "date": ("date", "month", "future", "too_early", "before_", "after_"),
        "site": ("site",),
        "had": ("had", "convention"),
        "commune": ("commune", "insee", "area"),
        "traitement": ("oral", "traitement", "treatment"),
        "patient": ("patient", "referral"),
    }
    for name, words in hints.items():
        if form.field(name) is not None and any(word in key for word in words):
            return name
    return form.fields[0].name
