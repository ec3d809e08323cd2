"""`rapport` and `rapport saisir` through the command language, on a real database: the known dataset is
logged with the commands a site would type, then the draft is checked against the exact expected figures."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.export import file_bytes
from handlers.reply import Status
from handlers.report_fields import Owner
from handlers.reports import forfaits_due_until, report_completeness
from store.report_fields import ReportFieldStore
from tests.reports.sheets import first_data_row, heading
from tests.support import report_data as data
from tests.support.conversation import HAD, PARIS, SITE, Conversation

NOW = datetime(2027, 8, 2, 10, 0, tzinfo=PARIS)


def log_known_dataset(convo: Conversation) -> None:
    """The dataset of tests/support/report_data, typed as a site would type it."""
    assert convo.ask(f"etablissement cible {SITE} 2025=10 2026=12 2027=15").ok
    refs: dict[tuple[str, date], str] = {}
    for code, referrals in data.REFERRALS.items():
        for on, _ in referrals:
            reply = convo.ask(
                f"adressage {code} {on.isoformat()} had={HAD} commune=76540 moins-de-3-ans=non",
                as_="U0SAISIE",
            )
            assert reply.ok, (reply.title, reply.body)
            refs[(code, on)] = reply.reference or ""
    for code, rows in data.ADMINISTRATIONS.items():
        for on, count, oral, whole_month, _ in rows:
            when = on.isoformat()[:7] if whole_month else on.isoformat()
            route = "oral" if oral else "injectable"
            reply = convo.ask(
                f"administration {code} {when} nombre={count} traitement={route}", as_="U0SAISIE"
            )
            assert reply.ok, (reply.title, reply.body)
            refs[(code, on)] = reply.reference or ""
    for key in [("P4", date(2026, 3, 5)), ("P4", date(2025, 12, 1))]:
        reply = convo.ask(f"annuler {refs[key]}", as_="U0SAISIE")
        assert reply.ok, (reply.title, reply.body)


@pytest.fixture
def convo(tmp_path: Path) -> Conversation:
    c = Conversation.start(tmp_path, setup=True, now=NOW)
    log_known_dataset(c)
    yield c
    c.close()


def test_the_draft_from_the_log_has_the_exact_figures(convo: Conversation) -> None:
    reply = convo.ask("rapport suivi-2027", as_="U0COORD")
    assert reply.status is Status.WARNING, (reply.title, reply.body)
    assert reply.title == "Rapport d'activité de suivi 2027 (années 2026 et 2027)"
    for year in (2026, 2027):
        fig = reply.data["figures"][str(year)]
        expected = data.EXPECTED[year]
        assert fig["referred"] == expected["adresses_had"]
        assert fig["first_admin_home"] == expected["had_premiere_admin"]
        assert fig["administrations"] == expected["administrations"]
        assert fig["forfait_months"] == expected["mois_forfait"]
        assert Decimal(fig["forfaits_due"]) == expected["forfaits_dus"]
        assert fig["target"] == expected["objectif"]
        assert Decimal(fig["target_rate"]) == expected["atteinte_objectif"]
    assert any("2026 : 2 patients adressés en HAD (dont 2 avec 1re administration à domicile)" in line
               for line in reply.body)  # fmt: skip
    assert "1er septembre 2027 (dans 30 jours)" in [f.value for f in reply.facts][2]


def test_the_real_forfait_rules_agree_with_the_hand_written_lines(convo: Conversation) -> None:
    d26 = convo.ask("rapport suivi-2026", as_="U0COORD")
    fig = d26.data["figures"]["2025"]
    assert (fig["referred"], fig["first_admin_home"], fig["administrations"]) == (3, 2, 6)
    assert Decimal(fig["forfaits_due"]) == Decimal("880.00") and fig["forfait_months"] == 4
    site = convo.repo.site(SITE)
    assert site is not None
    assert forfaits_due_until(convo.ctx, site, 2026, date(2026, 4, 30)) == Decimal("560.00")


def test_saisir_fills_fields_and_the_draft_lists_exactly_what_is_left(convo: Conversation) -> None:
    reply = convo.ask(
        'rapport saisir suivi-2027 patients_tmsc_2026=412 taux_occupation_hdj_2026="87,5 %" '
        'organisation="IDE de liaison HAD deux demi-journées par semaine"',
        as_="U0SAISIE",
    )
    assert reply.ok, (reply.title, reply.body)
    assert sorted(reply.data["changed"]) == ["organisation", "patients_tmsc_2026", "taux_occupation_hdj_2026"]
    assert any("87,5 %" in line for line in reply.body)
    stored = ReportFieldStore(convo.repo.database).values(SITE, "suivi-2027")
    assert stored["taux_occupation_hdj_2026"].value == "87.5"
    assert stored["patients_tmsc_2026"].author == "U0SAISIE"

    c = report_completeness(convo.ctx, SITE, "suivi-2027", NOW.date())
    assert [m.field for m in c.missing] == [
        "patients_tmsc_2027",
        "adresses_mco_2026",
        "adresses_mco_2027",
        "mco_premiere_admin_2026",
        "mco_premiere_admin_2027",
        "adresses_smr_2026",
        "adresses_smr_2027",
        "smr_premiere_admin_2026",
        "smr_premiere_admin_2027",
        "taux_occupation_hdj_2027",
    ]
    # The convention is drafted from the store (signed 1 Mar 2025), so the coordination has nothing left.
    assert c.missing_for(Owner.COORDINATION) == []
    assert c.missing_for(Owner.SAISIE)[0].field == "patients_tmsc_2027"
    assert (c.deadline, c.days_left) == (date(2027, 9, 1), 30)


def test_a_complete_report_is_ok_and_survives_a_restart(convo: Conversation) -> None:
    pairs = [
        'convention="Convention signée le 1er mars 2025"', 'organisation="IDE de liaison"',
        "patients_tmsc_2026=412", "patients_tmsc_2027=250", "adresses_mco_2026=0", "adresses_mco_2027=1",
        "mco_premiere_admin_2026=0", "mco_premiere_admin_2027=1", "adresses_smr_2026=2",
        "adresses_smr_2027=0", "smr_premiere_admin_2026=1", "smr_premiere_admin_2027=0",
        "taux_occupation_hdj_2026=87",
        "taux_occupation_hdj_2027=91",
    ]  # fmt: skip
    assert convo.ask("rapport saisir suivi-2027 " + " ".join(pairs), as_="U0COORD").ok
    convo.reopen()
    reply = convo.ask("rapport suivi-2027", as_="U0COORD")
    assert reply.status is Status.OK
    assert reply.data["completeness"]["missing"] == []
    assert "Rapport complet" in " ".join(reply.body)


def test_the_attachment_is_the_report_spreadsheet(convo: Conversation) -> None:
    reply = convo.ask("rapport suivi-2027", as_="U0COORD")
    [named] = reply.data["files"]
    assert named["filename"] == f"rapport-suivi-2027-{SITE}-2027-08-02.xlsx"
    assert "content_base64" not in named  # the file travels typed, never hidden in `data`
    [attachment] = reply.attachments
    assert attachment.filename == named["filename"] and attachment.format == "xlsx"
    book = load_workbook(io.BytesIO(file_bytes(attachment)))
    assert heading(book["Rapport"])["FINESS géographique"] == SITE
    ws = book["Rapport"]
    rows = {row[0].value: [c.value for c in row] for row in ws.iter_rows(min_row=first_data_row(ws))}
    assert rows["adresses_had_2026"][3] == 2
    assert rows["forfaits_dus_2026"][3] == 880
    assert rows["patients_tmsc_2026"][6] == "manquant"
    assert reply.data["markdown"].startswith("# Rapport d'activité de suivi 2027")


def test_a_wrong_value_stores_nothing(convo: Conversation) -> None:
    reply = convo.ask("rapport saisir suivi-2027 patients_tmsc_2026=412 taux_occupation_hdj_2026=beaucoup",
                      as_="U0SAISIE")  # fmt: skip
    assert reply.status is Status.ERROR
    assert "n'est pas un pourcentage" in reply.title
    assert "rapport saisir" in " ".join(reply.body)
    assert ReportFieldStore(convo.repo.database).values(SITE, "suivi-2027") == {}


@pytest.mark.parametrize(
    ("command", "fragment"),
    [
        ("rapport suivi-2030", "Rapport inconnu"),
        ("rapport saisir suivi-2027 adresses_had_2026=4", "calculé par le bot"),
        ("rapport saisir suivi-2027 patients_tmsc=4", "patients_tmsc_2026 | patients_tmsc_2027"),
    ],
)
def test_user_errors_say_how_to_write_it(convo: Conversation, command: str, fragment: str) -> None:
    reply = convo.ask(command, as_="U0SAISIE")
    assert reply.status is Status.ERROR
    assert fragment in reply.title


def test_who_may_read_and_write(convo: Conversation) -> None:
    assert convo.ask(f"rapport initial site={SITE}", as_="agent@ars.sante.fr", channel="email").ok
    denied = convo.ask(f"rapport initial site={SITE}", as_="U0HAVRE")
    assert denied.status is Status.DENIED
    ars_write = convo.ask(f"rapport saisir initial organisation=x site={SITE}", as_="agent@ars.sante.fr")
    assert ars_write.status is Status.DENIED
    assert ReportFieldStore(convo.repo.database).values(SITE, "initial") == {}


def test_completeness_from_a_bare_repository_for_the_scheduler(convo: Conversation) -> None:
    c = report_completeness(convo.repo, SITE, "initial", date(2025, 10, 1))
    assert (c.deadline, c.days_left) == (date(2025, 10, 31), 30)
    assert [m.field for m in c.missing][:2] == ["organisation", "patients_tmsc_2023"]
    assert "objectif_2027" not in [m.field for m in c.missing]
    site = convo.repo.site(SITE)
    assert site is not None
    assert report_completeness(convo.repo, site, "initial", date(2025, 10, 1), convo.ctx.params) == c
    with pytest.raises(KeyError):
        report_completeness(convo.repo, "999999999", "initial", date(2025, 10, 1))


def test_the_convention_is_prefilled_from_the_store_until_someone_enters_it(convo: Conversation) -> None:
    reply = convo.ask("rapport initial", as_="U0COORD")
    md = reply.data["markdown"]
    assert (
        "Convention d'association avec HAD Rouen (FINESS 760024042) signée le 1er mars 2025 | prérempli |"
        in md
    )
    assert convo.ask(
        'rapport saisir initial convention="Protocole organisationnel du 2 mai 2025"', as_="U0COORD"
    ).ok
    md = convo.ask("rapport initial", as_="U0COORD").data["markdown"]
    assert "| Protocole organisationnel du 2 mai 2025 | saisi |" in md


def test_saisir_alone_lists_the_fields_to_enter_missing_first(convo: Conversation) -> None:
    assert convo.ask("rapport saisir suivi-2026 patients_tmsc=380", as_="U0SAISIE").ok
    reply = convo.ask("rapport saisir suivi-2026", as_="U0SAISIE")
    assert reply.status is Status.OK
    assert reply.title == "Rapport suivi-2026 de CHU de Rouen : champs à renseigner"
    lines = reply.body
    assert lines[0].startswith("✗ `organisation` — Organisation mise en place")
    label = "Nombre total de patients traités par TMSC (hors voie orale) sur le site (2025)"
    assert f"✓ `patients_tmsc_2025` — {label} (saisie) : 380" in lines
    assert lines[-1].startswith("Pour compléter : `/expe50 rapport saisir suivi-2026 <champ>=<valeur>`")
    assert {f["id"] for f in reply.data["fields"]} >= {"patients_tmsc_2025", "taux_occupation_hdj_2025"}


NEXT_DUE = [
    (date(2025, 10, 31), "initial"),
    (date(2025, 11, 1), "suivi-2026"),
    (date(2026, 9, 2), "suivi-2027"),
    (date(2027, 9, 2), "suivi-2027"),
]


@pytest.mark.parametrize(("today", "kind"), NEXT_DUE)
def test_rapport_alone_drafts_the_next_report_due(convo: Conversation, today: date, kind: str) -> None:
    reply = convo.ask(
        "rapport", as_="U0COORD", now=datetime(today.year, today.month, today.day, 10, tzinfo=PARIS)
    )
    assert reply.data["report"] == kind


def test_rapport_saisir_records_its_delivery_id_so_an_old_retry_puts_nothing_back(tmp_path: Path) -> None:
    convo = Conversation.start(tmp_path, setup=True)
    first = convo.ask("rapport saisir suivi-2027 patients_tmsc_2026=412", as_="U0COORD", delivery_id="ev-1")
    assert first.ok
    assert convo.ask("rapport saisir suivi-2027 patients_tmsc_2026=500", as_="U0COORD", delivery_id="ev-2").ok
    convo.reopen()  # a restart, then Slack retries the older submission
    retry = convo.ask("rapport saisir suivi-2027 patients_tmsc_2026=412", as_="U0COORD", delivery_id="ev-1")
    assert retry.data.get("duplicate") is True
    stored = ReportFieldStore(convo.ctx.repo.database).get(SITE, "suivi-2027", "patients_tmsc_2026")
    assert stored is not None and stored.value == "500"
