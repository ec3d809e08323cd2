"""Report drafts: computed fields, entered fields, completeness (what is missing, whose job, days left), and
the Markdown draft."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.report_fields import Owner, ReportKind
from handlers.reports import ReportDraft, build_draft, render_markdown
from tests.support import report_data as data

ENTERED_2027 = {
    "organisation": "IDE de coordination HAD présente en HDJ deux demi-journées par semaine",
    "convention": "Convention d'association signée le 1er juin 2025 avec l'HAD de Test",
    "patients_tmsc_2026": "412",
    "patients_tmsc_2027": "240",
    "adresses_mco_2026": "0",
    "mco_premiere_admin_2026": "0",
    "adresses_smr_2026": "3",
    "smr_premiere_admin_2026": "1",
    "taux_occupation_hdj_2026": "87.5",
}


def draft(kind: ReportKind, entered: dict[str, str], today: date = date(2027, 8, 2)) -> ReportDraft:
    deadline = {ReportKind.INITIAL: date(2025, 10, 31), ReportKind.FOLLOWUP_2026: date(2026, 9, 1),
                ReportKind.FOLLOWUP_2027: date(2027, 9, 1)}[kind]  # fmt: skip
    return build_draft(
        kind, data.SITE, data.patients(), data.FORFAIT_LINES, entered, today, deadline, [data.CONVENTION]
    )


def test_every_computed_field_of_the_follow_up_report_is_exact() -> None:
    d = draft(ReportKind.FOLLOWUP_2027, ENTERED_2027)
    for year in (2026, 2027):
        expected = data.EXPECTED[year]
        for name in ("adresses_had", "had_premiere_admin", "administrations", "mois_forfait", "forfaits_dus",
                     "objectif", "atteinte_objectif"):  # fmt: skip
            assert d.value(f"{name}_{year}") == expected[name], (name, year)
    d26 = draft(ReportKind.FOLLOWUP_2026, {})
    for name in ("adresses_had", "had_premiere_admin", "administrations", "mois_forfait", "forfaits_dus"):
        assert d26.value(f"{name}_2025") == data.EXPECTED[2025][name]


def test_entered_fields_are_typed_back() -> None:
    d = draft(ReportKind.FOLLOWUP_2027, ENTERED_2027)
    assert d.value("patients_tmsc_2026") == 412
    assert d.value("taux_occupation_hdj_2026") == Decimal("87.5")
    assert d.value("organisation") == ENTERED_2027["organisation"]


def test_completeness_lists_exactly_the_missing_fields_with_their_owner() -> None:
    """The 2027 fields not entered yet (MCO, SMR, occupancy of 2027) and nothing else."""
    c = draft(ReportKind.FOLLOWUP_2027, ENTERED_2027).completeness
    assert [(m.field, m.owner) for m in c.missing] == [
        ("adresses_mco_2027", Owner.SAISIE),
        ("mco_premiere_admin_2027", Owner.SAISIE),
        ("adresses_smr_2027", Owner.SAISIE),
        ("smr_premiere_admin_2027", Owner.SAISIE),
        ("taux_occupation_hdj_2027", Owner.SAISIE),
    ]
    assert c.missing[0].label.startswith("Patients adressés à un titulaire MCO associé")
    assert c.missing[0].label.endswith("(2027)")
    assert c.deadline == date(2027, 9, 1)
    assert c.days_left == 30
    assert not c.complete
    assert c.total - c.filled == 5


def test_a_complete_report_has_nothing_missing() -> None:
    entered = dict(ENTERED_2027)
    entered.update({"adresses_mco_2027": "1", "mco_premiere_admin_2027": "1", "adresses_smr_2027": "0",
                    "smr_premiere_admin_2027": "0", "taux_occupation_hdj_2027": "90"})  # fmt: skip
    c = draft(ReportKind.FOLLOWUP_2027, entered).completeness
    assert c.complete and c.missing == [] and c.filled == c.total


def test_an_empty_initial_report_lists_entered_fields_and_a_missing_target() -> None:
    """A site without a 2027 target: the target is missing and is the coordinator's job; the deadline
    passed, so days left is negative."""
    from dataclasses import replace

    site = replace(data.SITE, targets={2025: 10, 2026: 12})
    d = build_draft(ReportKind.INITIAL, site, [], [], {}, date(2025, 11, 3), date(2025, 10, 31))
    missing = [(m.field, m.owner.value) for m in d.completeness.missing]
    assert missing == [
        ("organisation", "coordination"),
        ("convention", "coordination"),
        ("objectif_2027", "coordination"),
        ("patients_tmsc_2023", "saisie"),
        ("patients_tmsc_2024", "saisie"),
        ("adresses_had_2023", "saisie"),
        ("adresses_had_2024", "saisie"),
        ("taux_occupation_hdj_2023", "saisie"),
        ("taux_occupation_hdj_2024", "saisie"),
    ]
    assert d.completeness.days_left == -3


def test_the_markdown_draft_shows_figures_months_and_what_is_missing() -> None:
    md = render_markdown(draft(ReportKind.FOLLOWUP_2027, ENTERED_2027))
    assert md.startswith("# Rapport d'activité de suivi 2027 (années 2026 et 2027)")
    assert "FINESS géographique 760000001" in md
    assert "1er septembre 2027 (dans 30 jours)" in md
    assert "| Patients adressés à une HAD associée (2026) | 2 | calculé | saisie |" in md
    assert "| Forfaits dus (versés en année N+1) (2026) | 880,00 € | calculé | saisie |" in md
    assert "| Atteinte de l'objectif d'adressages (2026) | 16,7 % | calculé | coordination |" in md
    assert (
        "| Taux d'occupation de l'hôpital de jour délivrant les TMSC (2026) | 87,5 % | saisi | saisie |" in md
    )
    assert "| février 2026 | 2 | 2 | 1 | 320,00 € |" in md
    assert "| **Total 2026** | **2** | **2** | **6** | **880,00 €** |" in md
    assert "5 champs à compléter" in md
    assert "| `taux_occupation_hdj_2027` |" in md
    assert "**à compléter**" in md


def test_the_initial_markdown_lists_conventions_recorded() -> None:
    md = render_markdown(draft(ReportKind.INITIAL, {}, today=date(2025, 10, 1)))
    assert md.startswith("# Rapport initial d'évaluation")
    assert "HAD 760000002 : signée le 1er juin 2025" in md
    assert "| Objectif annuel d'adressages en HAD (2027) | 15 | calculé | coordination |" in md
    assert "(dans 30 jours)" in md
