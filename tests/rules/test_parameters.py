"""Parameter files load strictly: every value has a source, no unknown key, no date outside the period."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules import Confidence, ParameterError, UnknownRegion, load_parameters
from rules.parameters import DATA_DIR


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(folder: Path, name: str, change: Any) -> None:
    path = folder / name
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")


def test_packaged_parameters_hold_the_amounts_and_dates_of_the_law() -> None:
    p = load_parameters()
    assert p.inclusion_amount.value == Decimal("320.00")
    assert p.monthly_amount.value == Decimal("120.00")
    assert p.inclusion_cap_factor.value == 3
    assert p.inclusion_amount.value <= p.inclusion_cap_factor.value * p.monthly_amount.value
    assert p.experiment_start.value == date(2025, 2, 6)
    assert p.experiment_end.value == date(2028, 2, 5)
    assert p.max_sites_per_region.value == 10
    assert p.payment_year_offset.value == 1
    assert p.funding.value == "mig"
    assert p.inclusion_amount.source.text.startswith("arrêté du 8 avril 2025")
    assert p.monthly_cap_rule.confidence is Confidence.TEXT


def test_default_parameters_are_cached() -> None:
    assert load_parameters() is load_parameters()


def test_copied_files_load_like_the_packaged_ones(tmp_path: Path) -> None:
    assert load_parameters(_copy(tmp_path)).inclusion_amount == load_parameters().inclusion_amount


def test_an_unknown_key_in_an_entry_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "parameters.yaml", lambda d: d["parameters"]["monthly_amount"].update(valeur="120"))
    with pytest.raises(
        ParameterError, match=r"parameters\.yaml: parameters\.monthly_amount: unknown key\(s\) valeur"
    ):
        load_parameters(folder)


def test_an_unknown_parameter_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    entry = {"value": 1, "source": {"text": "x"}, "confidence": "T", "effective": date(2025, 3, 1)}
    _edit(folder, "parameters.yaml", lambda d: d["parameters"].update(bonus=entry))
    with pytest.raises(ParameterError, match=r"unknown key.*bonus"):
        load_parameters(folder)


def _step(doc: dict[str, Any], name: str) -> dict[str, Any]:
    """The first dated step of a parameter written as a history."""
    values = doc["parameters"][name]["values"]
    step: dict[str, Any] = values[min(values)]
    return step


def test_a_dated_history_gives_the_value_in_force_on_a_day(tmp_path: Path) -> None:
    """A future arrêté changing an amount is one data line; the older value still holds for older days."""
    folder = _copy(tmp_path)
    later = {"value": "130.00", "source": {"text": "arrêté de test", "article": "art. 1"}, "confidence": "T"}
    _edit(
        folder,
        "parameters.yaml",
        lambda d: d["parameters"]["monthly_amount"]["values"].update({date(2027, 1, 1): later}),
    )
    p = load_parameters(folder)
    assert p.monthly_amount.value == Decimal("130.00")  # the latest step
    assert p.monthly_amount.at(date(2026, 12, 31)).value == Decimal("120.00")
    assert p.monthly_amount.at(date(2027, 1, 1)).value == Decimal("130.00")
    assert p.monthly_amount.at(date(2027, 1, 1)).source.text == "arrêté de test"
    assert p.monthly_amount.at(date(2025, 2, 6)).value == Decimal("120.00")  # before the first step


def test_two_values_on_one_date_or_an_empty_history_are_errors(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "parameters.yaml", lambda d: d["parameters"]["monthly_amount"].update(values={}))
    with pytest.raises(ParameterError, match=r"monthly_amount\.values: expected a mapping of dates"):
        load_parameters(folder)


def test_an_unknown_top_level_section_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "extra.yaml").write_text("tarifs: {}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"extra\.yaml: unknown key\(s\) tarifs"):
        load_parameters(folder)


def test_a_value_without_a_source_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "parameters.yaml", lambda d: d["parameters"]["experiment_end"].pop("source"))
    with pytest.raises(ParameterError, match=r"parameters\.experiment_end: value without a source"):
        load_parameters(folder)
    folder = _copy(tmp_path / "dated")
    _edit(folder, "parameters.yaml", lambda d: _step(d, "inclusion_amount").pop("source"))
    with pytest.raises(
        ParameterError, match=r"parameters\.inclusion_amount\.values\.2025-04-08: value without a source"
    ):
        load_parameters(folder)


def test_a_regional_deadline_without_a_source_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "regions.yaml", lambda d: d["regions"]["normandie"]["application_deadline"].pop("source"))
    with pytest.raises(
        ParameterError, match=r"regions\.normandie\.application_deadline: value without a source"
    ):
        load_parameters(folder)


def test_a_fact_without_a_source_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "facts.yaml", lambda d: d["facts"]["oral_excluded"].update(source=None))
    with pytest.raises(ParameterError, match=r"facts\.oral_excluded\.source: value without a source"):
        load_parameters(folder)


def test_a_date_outside_the_covered_period_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "calendar.yaml", lambda d: d["deadlines"][0].update(due=date(2029, 3, 1)))
    with pytest.raises(ParameterError, match=r"calendar\.yaml: deadlines.*outside the covered period"):
        load_parameters(folder)


def test_an_effective_date_outside_the_covered_period_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder,
        "parameters.yaml",
        lambda d: d["parameters"]["funding"].update(effective=date(2020, 1, 1)),
    )
    with pytest.raises(ParameterError, match=r"funding\.effective: date 2020-01-01 is outside"):
        load_parameters(folder)
    folder = _copy(tmp_path / "dated")
    _edit(
        folder,
        "parameters.yaml",
        lambda d: d["parameters"]["monthly_amount"]["values"].update(
            {date(2020, 1, 1): _step(d, "monthly_amount")}
        ),
    )
    with pytest.raises(ParameterError, match=r"monthly_amount\.values: date 2020-01-01 is outside"):
        load_parameters(folder)


def test_money_written_as_a_float_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "parameters.yaml", lambda d: _step(d, "monthly_amount").update(value=120.5))
    with pytest.raises(ParameterError, match=r"write money as a string"):
        load_parameters(folder)


def test_a_bad_confidence_mark_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "parameters.yaml", lambda d: _step(d, "monthly_amount").update(confidence="sure"))
    with pytest.raises(ParameterError, match=r"confidence must be T, S or I"):
        load_parameters(folder)


def test_a_missing_parameter_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "parameters.yaml", lambda d: d["parameters"].pop("funding"))
    with pytest.raises(ParameterError, match=r"missing key\(s\) funding"):
        load_parameters(folder)


def test_a_section_defined_twice_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "more.yaml").write_text("facts: {}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"section 'facts' already defined"):
        load_parameters(folder)


def test_an_alias_naming_two_regions_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder, "regions.yaml", lambda d: d["regions"]["bretagne"]["aliases"].append("IDF"))
    with pytest.raises(ParameterError, match=r"alias '\w+' also names"):
        load_parameters(folder)


def test_an_ars_adds_its_own_deadline_as_data(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    extra = {
        "key": "comite:bretagne",
        "kind": "other",
        "due": date(2025, 6, 20),
        "source": {"text": "AMI ARS Bretagne"},
        "confidence": "T",
    }
    # A step of kind "other" needs the name users read: its machine key is never shown.
    _edit(folder, "regions.yaml", lambda d: d["regions"]["bretagne"].update(extra_deadlines=[extra]))
    with pytest.raises(
        ParameterError, match=r"bretagne\.extra_deadlines\[0\]: a deadline of kind other needs a label"
    ):
        load_parameters(folder)
    extra["label"] = "comité de sélection de l'ARS Bretagne"
    _edit(folder, "regions.yaml", lambda d: d["regions"]["bretagne"].update(extra_deadlines=[extra]))
    params = load_parameters(folder)
    keys = [d.key for d in params.deadlines("bretagne")]
    assert "comite:bretagne" in keys
    assert "comite:bretagne" not in [d.key for d in params.deadlines("normandie")]
    assert params.deadline("comite:bretagne").label == "comité de sélection de l'ARS Bretagne"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("normandie", "normandie"),
        ("NORMANDIE", "normandie"),
        ("ARS Normandie", "normandie"),
        ("IDF", "ile-de-france"),
        ("Île-de-France", "ile-de-france"),
        ("ile de france", "ile-de-france"),
        ("ile-de-france", "ile-de-france"),
        ("ARA", "auvergne-rhone-alpes"),
        ("Auvergne Rhône Alpes", "auvergne-rhone-alpes"),
        ("HDF", "hauts-de-france"),
        ("PACA", "provence-alpes-cote-d-azur"),
        ("Provence-Alpes-Côte d'Azur", "provence-alpes-cote-d-azur"),
        ("la réunion", "la-reunion"),
    ],
)
def test_region_names_are_matched_tolerantly(text: str, key: str) -> None:
    region = load_parameters().region(text)
    assert region is not None and region.key == key


def test_an_unknown_region_matches_nothing() -> None:
    params = load_parameters()
    assert params.region("Atlantide") is None
    with pytest.raises(UnknownRegion):
        params.deadlines("Atlantide")


def test_regional_deadlines_are_data_with_sources() -> None:
    params = load_parameters()
    expected = {
        "normandie": (date(2025, 5, 16), Confidence.TEXT),
        "ile-de-france": (date(2025, 5, 31), Confidence.TEXT),
        "auvergne-rhone-alpes": (date(2025, 5, 31), Confidence.SECONDARY),
        "hauts-de-france": (date(2025, 5, 31), Confidence.SECONDARY),
    }
    for key, (due, confidence) in expected.items():
        deadline = params.regions[key].application_deadline
        assert deadline is not None
        assert (deadline.value, deadline.confidence) == (due, confidence)
    assert params.regions["bretagne"].application_deadline is None
    assert len(params.regions) == 18


def test_deadlines_are_sorted_and_keyed() -> None:
    params = load_parameters()
    deadlines = params.deadlines("normandie")
    assert [d.due for d in deadlines] == sorted(d.due for d in deadlines)
    keys = {d.key for d in deadlines}
    assert {
        "application:normandie",
        "report:initial:2025",
        "report:followup:2026",
        "report:followup:2027",
        "experiment:end",
        "report:parliament",
    } <= keys
    initial = params.deadline("report:initial:2025")
    assert initial is not None and initial.due == date(2025, 10, 31) and initial.kind == "initial_report"
    assert "application:normandie" not in {d.key for d in params.deadlines()}
    assert "application:normandie" in {d.key for d in params.all_deadlines()}


def test_the_facts_the_question_answerer_needs_are_data() -> None:
    params = load_parameters()
    needed = [
        "fee_recipient",
        "oral_excluded",
        "categories",
        "had_partners_unlimited",
        "had_multiple_establishments",
        "multi_site",
        "under3_mention",
        "had_area",
        "payment_conditional_on_reports",
        "initial_report_contents",
        "followup_report_contents",
        "application_platform",
        "first_month_rule",
        "inclusion_once_per_patient_and_establishment",
        "art51_legal_basis",
        "art51_committee_delay_months",
        "art51_has_silence",
        "art51_max_duration_years",
        "art51_funding",
    ]
    for key in needed:
        fact = params.fact(key)
        assert fact.source.text
    assert params.fact("fee_recipient").value == "referring_establishment"
    assert set(params.fact("categories").value) == {"a", "b", "c", "d"}
    assert params.fact("first_month_rule").confidence is Confidence.INFERENCE
    assert params.fact("art51_committee_delay_months").value == {"default": 3, "with_has_opinion": 4}
    with pytest.raises(KeyError):
        params.fact("weather")


def test_a_deadline_the_texts_give_as_a_month_is_read_as_that_month() -> None:
    """« en octobre de l'année d'entrée »: the countdown runs to the month's last day, but no day the texts do
    not give is ever printed (the answer and the reminders read « octobre 2025 »)."""
    from templates import due_fr, due_on_fr

    initial = load_parameters().deadline("report:initial:2025")
    assert initial is not None and initial.precision == "month"
    assert due_fr(initial.due, initial.precision) == "octobre 2025"
    assert due_on_fr(initial.due, initial.precision) == "en octobre 2025"
    followup = load_parameters().deadline("report:followup:2026")
    assert followup is not None and due_on_fr(followup.due, followup.precision) == "le 1er septembre 2026"


def test_a_month_deadline_must_fall_on_the_months_last_day(tmp_path: Path) -> None:
    folder = _copy(tmp_path)

    def change(d: Any) -> None:
        d["deadlines"][2]["due"] = date(2025, 10, 15)

    _edit(folder, "calendar.yaml", change)
    with pytest.raises(ParameterError, match=r"month's last day"):
        load_parameters(folder)
    _edit(folder, "calendar.yaml", lambda d: d["deadlines"][2].update(precision="week"))
    with pytest.raises(ParameterError, match=r"precision: expected day or month"):
        load_parameters(folder)
