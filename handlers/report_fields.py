"""The evaluation reports as data: which report covers which years, and every field each one holds.

The three reports of arrêté du 14 mars 2025 (annexes 2 and 3, RULES.md §5), built from their deadlines in
rules/data/calendar.yaml (`report`, `covers`, `source`; the initial report's `targets`):
- `initial`: due in October of the entry year; the organisation, the yearly referral target of each of the
  three years, the convention with each HAD, and activity data for 2023 and 2024 (before entry);
- `suivi-2026`: due 1 Sep 2026, covering 2025;
- `suivi-2027`: due 1 Sep 2027, covering 2026 and 2027.

A field is either computed from the log (or from the site's record, e.g. its targets) or entered by people
with `rapport saisir`; each field names whose job it is (coordination or saisie). A field with a year is one
slot per covered year: its id is `<field>_<year>` (`patients_tmsc_2026`). Field ids are the words users type,
so they are French and accent-free; their labels live in templates/messages/reports.yaml
(`reports.field.<field>`).

This module is pure: it parses and checks the values people type, and never touches the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from handlers.errors import UserError
from handlers.values import fold, parse_date
from rules.parameters import ParameterError, Parameters, load_parameters
from rules.reasons import Source


class ReportKind(StrEnum):
    INITIAL = "initial"
    FOLLOWUP_2026 = "suivi-2026"
    FOLLOWUP_2027 = "suivi-2027"


class FieldSource(StrEnum):
    COMPUTED = "computed"  # from the log or the site's record
    ENTERED = "entered"  # only people know it: `rapport saisir`


class Owner(StrEnum):
    """Whose job a field is: the site's coordinator, or the data-entry staff (roles of store.records.Role)."""

    COORDINATION = "coordination"
    SAISIE = "saisie"


class FieldType(StrEnum):
    INT = "int"
    PERCENT = "percent"
    TEXT = "text"
    DATE = "date"
    MONEY = "money"


# The data every report spec is built from (rules/data/calendar.yaml): one source for their years.
_PARAMS = load_parameters()

# The years of the yearly referral targets (initial report, arrêté du 14 mars 2025 annexe 2).
EXPERIMENT_YEARS = _PARAMS.target_years()


@dataclass(frozen=True)
class ReportSpec:
    kind: ReportKind
    deadline_key: str  # the key of rules/data/calendar.yaml
    years: tuple[int, ...]  # the activity years the report covers
    source: Source
    template: str  # the Markdown draft under templates/


@dataclass(frozen=True)
class FieldDef:
    """One line of a report. `years` is empty for a field without a year; otherwise one slot per year."""

    field: str
    source: FieldSource
    owner: Owner
    type: FieldType
    years: tuple[int, ...] = ()
    required: bool = True

    @property
    def label_key(self) -> str:
        return f"reports.field.{self.field}"


@dataclass(frozen=True)
class FieldSlot:
    """One value to fill: a field, and its year when the field has one."""

    definition: FieldDef
    year: int | None

    @property
    def id(self) -> str:
        return self.definition.field if self.year is None else f"{self.definition.field}_{self.year}"


_TEMPLATES = {"initial_report": "reports/initial.md.j2", "followup_report": "reports/followup.md.j2"}


def _specs(params: Parameters) -> dict[ReportKind, ReportSpec]:
    """Each report from its deadline in the calendar data: key, covered years, source; a report the data does
    not name is an error at start (the parameters' strict loading, extended to the reports)."""
    specs: dict[ReportKind, ReportSpec] = {}
    for kind in ReportKind:
        deadline = params.report_deadline(kind.value)
        if deadline is None or deadline.kind not in _TEMPLATES:
            raise ParameterError(f"calendar.yaml: no report deadline with report: {kind.value!r}")
        specs[kind] = ReportSpec(
            kind, deadline.key, deadline.covers, deadline.source, _TEMPLATES[deadline.kind]
        )
    return specs


SPECS: dict[ReportKind, ReportSpec] = _specs(_PARAMS)

C, E = FieldSource.COMPUTED, FieldSource.ENTERED
COORD, SAISIE = Owner.COORDINATION, Owner.SAISIE
INT, PCT, TXT, MONEY = FieldType.INT, FieldType.PERCENT, FieldType.TEXT, FieldType.MONEY


def _initial() -> tuple[FieldDef, ...]:
    before = SPECS[ReportKind.INITIAL].years
    return (
        FieldDef("organisation", E, COORD, TXT),
        FieldDef("convention", E, COORD, TXT),
        # Targets live on the site's record (`etablissement cible`); a missing one is the coordinator's job.
        FieldDef("objectif", C, COORD, INT, EXPERIMENT_YEARS),
        FieldDef("patients_tmsc", E, SAISIE, INT, before),
        FieldDef("adresses_had", E, SAISIE, INT, before),
        FieldDef("taux_occupation_hdj", E, SAISIE, PCT, before),
    )


def _followup(years: tuple[int, ...]) -> tuple[FieldDef, ...]:
    return (
        FieldDef("organisation", E, COORD, TXT),
        FieldDef("convention", E, COORD, TXT),
        FieldDef("patients_tmsc", E, SAISIE, INT, years),
        FieldDef("adresses_mco", E, SAISIE, INT, years),
        FieldDef("mco_premiere_admin", E, SAISIE, INT, years),
        FieldDef("adresses_had", C, SAISIE, INT, years),
        FieldDef("had_premiere_admin", C, SAISIE, INT, years),
        FieldDef("adresses_smr", E, SAISIE, INT, years),
        FieldDef("smr_premiere_admin", E, SAISIE, INT, years),
        FieldDef("taux_occupation_hdj", E, SAISIE, PCT, years),
        FieldDef("administrations", C, SAISIE, INT, years),
        FieldDef("mois_forfait", C, SAISIE, INT, years),
        FieldDef("forfaits_dus", C, SAISIE, MONEY, years),
        FieldDef("objectif", C, COORD, INT, years),
        FieldDef("atteinte_objectif", C, COORD, PCT, years),
    )


FIELDS: dict[ReportKind, tuple[FieldDef, ...]] = {
    ReportKind.INITIAL: _initial(),
    ReportKind.FOLLOWUP_2026: _followup(SPECS[ReportKind.FOLLOWUP_2026].years),
    ReportKind.FOLLOWUP_2027: _followup(SPECS[ReportKind.FOLLOWUP_2027].years),
}


def slots(kind: ReportKind) -> list[FieldSlot]:
    """Every value of a report, in the report's order (field by field, year by year)."""
    out: list[FieldSlot] = []
    for definition in FIELDS[kind]:
        if definition.years:
            out.extend(FieldSlot(definition, year) for year in definition.years)
        else:
            out.append(FieldSlot(definition, None))
    return out


def entered_slots(kind: ReportKind) -> list[FieldSlot]:
    return [slot for slot in slots(kind) if slot.definition.source is FieldSource.ENTERED]


def parse_kind(raw: str) -> ReportKind:
    text = fold(raw.strip()).replace("_", "-")
    aliases = {"initial": "initial", "suivi2026": "suivi-2026", "suivi2027": "suivi-2027"}
    text = aliases.get(text.replace("-", ""), text)
    try:
        return ReportKind(text)
    except ValueError:
        raise UserError(
            "reports.error.kind", value=raw.strip(), choices=" | ".join(k.value for k in ReportKind)
        ) from None


def find_entered_slot(kind: ReportKind, raw: str) -> FieldSlot:
    """The entered slot a user names: `patients_tmsc_2026`, or `patients_tmsc` when the report covers one year
    only. Computed fields are refused with a message saying the bot fills them from the log."""
    name = fold(raw.strip()).replace("-", "_")
    for slot in slots(kind):
        matches = slot.id == name or (slot.definition.field == name and len(slot.definition.years) <= 1)
        if not matches:
            continue
        if slot.definition.source is FieldSource.COMPUTED:
            raise UserError(
                "reports.error.computed_field",
                field=slot.id,
                report=kind.value,
                base=slot.definition.field,
                year=slot.year,
            )
        return slot
    for slot in entered_slots(kind):
        if slot.definition.field == name:
            years = " | ".join(s.id for s in entered_slots(kind) if s.definition.field == name)
            raise UserError("reports.error.field_year", field=name, choices=years, report=kind.value)
    raise UserError(
        "reports.error.field",
        field=raw.strip(),
        report=kind.value,
        choices=", ".join(dict.fromkeys(s.definition.field for s in entered_slots(kind))),
    )


# A NIR-like run of digits (13 to 15, spaces allowed) in free text is refused: no patient identity in reports.
_NIR_LIKE = re.compile(r"(?:\d[\s.]?){13,15}")
_PERCENT = re.compile(r"^(\d{1,3}(?:[.,]\d{1,2})?)\s*%?$")
TEXT_MAX = 2000
# An HDJ can exceed 100 % (several patients per place and day); above 300 is a typo.
PERCENT_MAX = Decimal(300)


def parse_value(slot: FieldSlot, raw: str) -> str:
    """Check what a user typed for `slot` and return its stored form (a string: an integer, a decimal with a
    dot, an ISO date, or the text). Raises UserError with a French message saying the right form."""
    text = raw.strip()
    kind = slot.definition.type
    if kind is FieldType.INT:
        digits = text.replace(" ", "").replace("\u202f", "")
        # ASCII digits only, and few of them: « ² » or a 5,000-digit value is a user error, not a crash.
        if not (digits.isascii() and digits.isdecimal()) or len(digits) > 9 or int(digits) > 1_000_000:
            raise UserError("reports.error.int", field=slot.id, value=text)
        return str(int(digits))
    if kind is FieldType.PERCENT:
        match = _PERCENT.match(text)
        value = _decimal(match.group(1)) if match else None
        if value is None or value > PERCENT_MAX:
            raise UserError("reports.error.percent", field=slot.id, value=text)
        return str(value)
    if kind is FieldType.DATE:
        return parse_date(text, slot.id).isoformat()
    if not text:
        raise UserError("reports.error.text_empty", field=slot.id)
    if len(text) > TEXT_MAX:
        raise UserError("reports.error.text_long", field=slot.id, maximum=TEXT_MAX)
    if _NIR_LIKE.search(text):
        raise UserError("reports.error.text_health", field=slot.id)
    return text


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


def stored_value(slot: FieldSlot, stored: str) -> int | Decimal | date | str:
    """The typed value of a stored string (the inverse of parse_value)."""
    kind = slot.definition.type
    if kind is FieldType.INT:
        return int(stored)
    if kind in (FieldType.PERCENT, FieldType.MONEY):
        return Decimal(stored)
    if kind is FieldType.DATE:
        return date.fromisoformat(stored)
    return stored
