"""Report field definitions and the values people type for them."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.errors import UserError
from handlers.report_fields import (
    FIELDS,
    SPECS,
    FieldSource,
    Owner,
    ReportKind,
    entered_slots,
    find_entered_slot,
    parse_kind,
    parse_value,
    slots,
)
from templates import has_text


def test_every_field_has_a_french_label_and_a_unique_slot_id() -> None:
    for kind, definitions in FIELDS.items():
        ids = [slot.id for slot in slots(kind)]
        assert len(ids) == len(set(ids)), kind
        for definition in definitions:
            assert has_text(definition.label_key), definition.field


ANNEX_3_FIELDS = (
    "patients_tmsc",
    "adresses_mco",
    "mco_premiere_admin",
    "adresses_had",
    "had_premiere_admin",
    "adresses_smr",
    "smr_premiere_admin",
    "taux_occupation_hdj",
    "objectif",
)


def test_follow_up_reports_cover_their_years_and_annex_3_fields() -> None:
    ids = {slot.id for slot in slots(ReportKind.FOLLOWUP_2027)}
    for year in (2026, 2027):
        for name in ANNEX_3_FIELDS:
            assert f"{name}_{year}" in ids
    assert not any(slot.year == 2025 for slot in slots(ReportKind.FOLLOWUP_2027))
    assert {slot.year for slot in slots(ReportKind.FOLLOWUP_2026)} == {None, 2025}


def test_initial_report_asks_targets_for_three_years_and_activity_for_2023_2024() -> None:
    ids = {slot.id for slot in slots(ReportKind.INITIAL)}
    assert {"objectif_2025", "objectif_2026", "objectif_2027"} <= ids
    assert {"patients_tmsc_2023", "patients_tmsc_2024", "taux_occupation_hdj_2024"} <= ids
    assert {"organisation", "convention"} <= ids
    # The HAD referrals of the years before entry are not in the log: people enter them.
    assert all(s.definition.source is FieldSource.ENTERED for s in slots(ReportKind.INITIAL)
               if s.definition.field == "adresses_had")  # fmt: skip


def test_owners_split_text_to_coordination_and_counts_to_saisie() -> None:
    by_id = {s.id: s.definition.owner for s in entered_slots(ReportKind.FOLLOWUP_2026)}
    assert by_id["organisation"] is Owner.COORDINATION
    assert by_id["patients_tmsc_2025"] is Owner.SAISIE


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("initial", "initial"),
        ("suivi-2026", "suivi-2026"),
        ("Suivi_2027", "suivi-2027"),
        ("suivi2026", "suivi-2026"),
    ],
)
def test_report_kinds_are_read_however_typed(raw: str, kind: str) -> None:
    assert parse_kind(raw).value == kind


def test_an_unknown_report_kind_lists_the_right_ones() -> None:
    with pytest.raises(UserError) as caught:
        parse_kind("suivi-2030")
    assert caught.value.key == "reports.error.kind"
    assert "suivi-2027" in caught.value.params["choices"]


def test_a_single_year_report_accepts_the_field_without_its_year() -> None:
    assert find_entered_slot(ReportKind.FOLLOWUP_2026, "patients_tmsc").id == "patients_tmsc_2025"
    assert find_entered_slot(ReportKind.FOLLOWUP_2026, "patients_tmsc_2025").id == "patients_tmsc_2025"


def test_a_two_year_report_asks_which_year() -> None:
    with pytest.raises(UserError) as caught:
        find_entered_slot(ReportKind.FOLLOWUP_2027, "patients_tmsc")
    assert caught.value.key == "reports.error.field_year"
    assert caught.value.params["choices"] == "patients_tmsc_2026 | patients_tmsc_2027"


def test_a_computed_field_cannot_be_typed_in() -> None:
    with pytest.raises(UserError) as caught:
        find_entered_slot(ReportKind.FOLLOWUP_2026, "adresses_had")
    assert caught.value.key == "reports.error.computed_field"


def test_an_unknown_field_lists_the_fields_to_enter() -> None:
    with pytest.raises(UserError) as caught:
        find_entered_slot(ReportKind.FOLLOWUP_2026, "meteo")
    assert caught.value.key == "reports.error.field"
    assert "taux_occupation_hdj" in caught.value.params["choices"]


@pytest.mark.parametrize(
    ("field", "raw", "stored"),
    [
        ("patients_tmsc_2025", "412", "412"),
        ("patients_tmsc_2025", "1 204", "1204"),
        ("taux_occupation_hdj_2025", "82,5 %", "82.5"),
        ("taux_occupation_hdj_2025", "112", "112"),
        ("organisation", "  IDE de liaison HAD le mardi  ", "IDE de liaison HAD le mardi"),
    ],
)
def test_values_are_stored_in_a_plain_form(field: str, raw: str, stored: str) -> None:
    slot = next(s for s in slots(ReportKind.FOLLOWUP_2026) if s.id == field)
    assert parse_value(slot, raw) == stored


@pytest.mark.parametrize(
    ("field", "raw", "key"),
    [
        ("patients_tmsc_2025", "beaucoup", "reports.error.int"),
        ("patients_tmsc_2025", "-3", "reports.error.int"),
        ("taux_occupation_hdj_2025", "450", "reports.error.percent"),
        ("taux_occupation_hdj_2025", "un peu", "reports.error.percent"),
        ("organisation", "", "reports.error.text_empty"),
        ("organisation", "patient 1 85 05 76 540 123 45 suivi", "reports.error.text_health"),
    ],
)
def test_wrong_values_are_refused_with_their_message(field: str, raw: str, key: str) -> None:
    slot = next(s for s in slots(ReportKind.FOLLOWUP_2026) if s.id == field)
    with pytest.raises(UserError) as caught:
        parse_value(slot, raw)
    assert caught.value.key == key


def test_report_specs_and_their_years_come_from_the_calendar_data(tmp_path: Path) -> None:
    """One source: a report's years are its deadline's `covers` in rules/data/calendar.yaml (#14)."""
    import shutil

    import yaml

    from handlers.report_fields import _specs
    from rules.parameters import DATA_DIR, ParameterError, load_parameters

    params = load_parameters()
    for kind, spec in SPECS.items():
        deadline = params.report_deadline(kind.value)
        assert deadline is not None and spec.years == deadline.covers and spec.deadline_key == deadline.key
    assert params.target_years() == (2025, 2026, 2027)
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    path = folder / "calendar.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    followup = next(d for d in doc["deadlines"] if d.get("report") == "suivi-2027")
    followup["covers"] = [2027]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    assert _specs(load_parameters(folder))[ReportKind.FOLLOWUP_2027].years == (2027,)
    del followup["report"]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError, match="suivi-2027"):
        _specs(load_parameters(folder))
