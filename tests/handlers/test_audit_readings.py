"""The audit of the law as code (issue #14), through the commands a user types: each reading is said at entry
time, applied the same way in `forfaits`, `bilan` and `patients`, and never contradicted by a reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from handlers.reply import Reply, Status
from tests.support.conversation import HAD, PARIS, SITE, Conversation

NOW = datetime(2026, 1, 10, 9, 0, tzinfo=PARIS)


@pytest.fixture
def convo(tmp_path: Path) -> Iterator[Conversation]:
    c = Conversation.start(tmp_path, setup=True, now=NOW)
    yield c
    c.close()


def _said(reply: Reply) -> str:
    return " ".join([reply.title, *reply.body, *(r.text for r in reply.reasons)])


def test_item1_a_month_entry_in_the_referral_month_is_paid_and_said_so(convo: Conversation) -> None:
    convo.ask(f"adressage P-0601 2025-10-15 had={HAD} site={SITE} commune=76540 moins-de-3-ans=non")
    entry = convo.ask("administration P-0601 2025-10 nombre=2")
    assert entry.ok and "mois entier de l'adressage" in _said(entry) and "[I]" in _said(entry)
    convo.ask("administration P-0601 2025-11-05")
    statement = convo.ask("forfaits 2025")
    assert statement.data["total"] == "440.00"
    said = _said(statement)
    assert "antérieures à l'adressage" not in said
    assert any(r.confidence.value == "I" and "mois entier" in r.text for r in statement.reasons)
    bilan = next(row for row in convo.ask("bilan 2025").data["sites"] if row["site"] == SITE)
    assert bilan["administrations"] == 3 and bilan["forfaits"] == "440.00"


def test_item2_nothing_is_paid_after_fin_until_a_new_referral(convo: Conversation) -> None:
    convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE} commune=76540 moins-de-3-ans=non")
    convo.ask("administration P-1 2025-09-15")
    convo.ask("fin P-1 2025-10-15")
    late = convo.ask("administration P-1 2025-11-05")
    assert late.status is Status.WARNING and "Sans nouvel adressage" in _said(late)
    statement = convo.ask("forfaits 2025")
    assert statement.data["total"] == "320.00"
    assert any(r.confidence.value == "I" and "fin de prise en charge" in r.text for r in statement.reasons)
    convo.ask(f"adressage P-1 2025-12-01 had={HAD} site={SITE} commune=76540 moins-de-3-ans=non")
    again = convo.ask("administration P-1 2025-12-03")
    assert again.status is Status.OK, again.body
    assert convo.ask("forfaits 2025").data["total"] == "440.00"


def test_item3_a_referral_before_the_convention_date_is_not_paid(convo: Conversation) -> None:
    convo.ask('had ajouter 760024067 nom="HAD Dieppe" communes=76217 moins-de-3-ans=non')
    convo.ask(f"convention {SITE} 760024067 date=2025-10-01")
    early = convo.ask(f"adressage P-2 2025-09-10 had=760024067 site={SITE} commune=76217 moins-de-3-ans=non")
    assert early.status is Status.WARNING and "précède la convention" in _said(early)
    convo.ask("administration P-2 2025-09-15")
    assert convo.ask("forfaits 2025").data["total"] == "0.00"


def test_item4_an_eleventh_establishment_of_a_region_warns_and_eligibility_shows_it(
    convo: Conversation,
) -> None:
    for i in range(8):  # the setup holds two Normandie sites
        reply = convo.ask(f'etablissement ajouter 76000{i:04d} nom="Site {i}" region=normandie categorie=a')
        assert "plafond" not in _said(reply)
    eleventh = convo.ask('etablissement ajouter 760009999 nom="Site 11" region=normandie categorie=a')
    assert eleventh.status is Status.WARNING and "au-delà du plafond de 10" in _said(eleventh)
    assert convo.repo.site("760009999") is not None  # a warning, never a refusal
    check = convo.ask("eligibilite etablissement region=normandie")
    assert "11 établissements sont déjà enregistrés" in _said(check) and "plafond est atteint" in _said(check)


def test_item5_tariffs_are_entered_audited_applied_and_every_forfaits_output_says_so(
    convo: Conversation,
) -> None:
    convo.ask(f"adressage P-3 2025-09-10 had={HAD} site={SITE} commune=76540 moins-de-3-ans=non")
    convo.ask("administration P-3 2025-09-15")
    convo.ask("administration P-3 2025-10-06")
    before = convo.ask("forfaits 2025")
    assert before.data["total"] == "440.00" and "Plafond HDJ − HAD 2025 non vérifié" in _said(before)
    assert before.data["sites"][1]["cap_checked"] == {"2025": False}
    denied = convo.ask(f'etablissement tarifs {SITE} 2025 hdj=400 had=300 source="x"', as_="U0SAISIE")
    assert denied.status is Status.DENIED
    no_source = convo.ask(f"etablissement tarifs {SITE} 2025 hdj=400 had=300 source=x")
    assert no_source.status is Status.ERROR
    bad = convo.ask(f'etablissement tarifs {SITE} 2025 hdj=quatre had=300 source="arrêté 2025"')
    assert bad.status is Status.ERROR and not convo.repo.site(SITE).tariffs  # type: ignore[union-attr]
    done = convo.ask(
        f'etablissement tarifs {SITE} 2025 hdj="400,00" had=300 source="arrêté tarifaire 2025"', as_="U0COORD"
    )
    assert done.ok, done.body
    after = convo.ask("forfaits 2025")
    assert after.data["total"] == "400.00"  # inclusion min(320, 3 × 100) + 100
    assert "Plafond HDJ − HAD 2025 vérifié" in _said(after) and "arrêté tarifaire 2025" in _said(after)
    assert after.data["sites"][1]["cap_checked"] == {"2025": True}
    from store import audit as audit_journal

    logged = [
        e for e in audit_journal.read(convo.repo.database.audit_path) if e.get("action") == "site.tariffs"
    ]
    assert len(logged) == 1 and logged[0]["detail"]["source"] == "arrêté tarifaire 2025"
    assert logged[0]["detail"]["hdj"] == "400.00" and logged[0]["actor"] == "U0COORD"
    convo.reopen()  # the tariffs survive a restart
    assert convo.ask("forfaits 2025").data["total"] == "400.00"


def test_item6_protocol_answer_call_opening_end_of_experiment_and_waiting(convo: Conversation) -> None:
    asked = convo.ask("eligibilite etablissement autorisation=tmsc categorie=a convention=non")
    assert "protocole=oui|non" in _said(asked)
    answered = convo.ask(
        "eligibilite etablissement autorisation=tmsc categorie=a convention=non protocole=oui projet=oui "
        "engagement=oui region=normandie depot=2025-05-02"
    )
    assert answered.data["verdict"] == "yes"
    early = convo.ask(
        "eligibilite etablissement autorisation=tmsc categorie=a convention=oui projet=oui engagement=oui "
        "region=normandie depot=2025-04-10"
    )
    assert early.data["verdict"] == "no" and "avant l'ouverture" in _said(early)
    late_now = datetime(2028, 3, 10, 9, 0, tzinfo=PARIS)
    convo.ask(
        f"adressage P-4 2028-01-10 had={HAD} site={SITE} commune=76540 moins-de-3-ans=non", now=late_now
    )
    after = convo.ask("administration P-4 2028-03-02", now=late_now)
    assert after.status is Status.WARNING and "l'expérimentation a pris fin" in _said(after)
    # A referral still waiting for a fact (the under-3 answer) is « en attente », never « non éligible ».
    convo.ask(f"adressage P-5 2025-09-10 had={HAD} site={SITE} commune=76540")
    waiting = convo.ask("administration P-5 2025-09-15")
    assert "en attente" in _said(waiting)
    statement = convo.ask("forfaits 2025")
    assert "non éligible" not in _said(statement) and "en attente" in _said(statement)
