"""The /expe50 command language end to end (dispatch + rules + repository), driven like a conversation."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from handlers.registry import registry
from handlers.reply import Status
from store.records import EntryKind
from tests.support.conversation import HAD, HAD2, PARIS, SITE, SITE2, Conversation

NIR = "1 85 05 76 123 456 89"  # grouped like a carte Vitale; refused whatever its key


@pytest.fixture
def convo(tmp_path: Path) -> Iterator[Conversation]:
    c = Conversation.start(tmp_path, setup=True)
    yield c
    c.close()


def entries(convo: Conversation, site: str = SITE) -> int:
    return sum(len(convo.repo.entries(site, kind, active_only=False)) for kind in EntryKind)


def test_help_lists_only_what_the_role_may_run(convo: Conversation) -> None:
    admin = convo.ask("aide")
    saisie = convo.ask("aide", as_="U0SAISIE")
    stranger = convo.ask("aide", as_="U0NOBODY")
    assert "etablissement ajouter" in admin.data["commands"]
    assert "adressage" in saisie.data["commands"] and "etablissement ajouter" not in saisie.data["commands"]
    assert "forfaits" not in saisie.data["commands"]
    assert set(stranger.data["commands"]) >= {"aide", "question", "echeances", "eligibilite patient"}
    assert "adressage" not in stranger.data["commands"]
    detail = convo.ask("aide adressage")
    assert detail.ok and any("Exemple" in line for line in detail.body)


def test_accents_and_case_do_not_matter_in_verbs(convo: Conversation) -> None:
    assert convo.ask("ÉCHÉANCES").ok
    assert convo.ask("Éligibilité Établissement categorie=a").status is not Status.ERROR


def test_a_referral_then_administrations_then_forfaits_follow_the_worked_example(convo: Conversation) -> None:
    # RULES.md §4: referred 10 Sep 2025; at home 15 Sep, 6 Oct, 20 Oct, 8 Dec 2025 -> 560 €.
    now = datetime(2026, 1, 10, 9, 0, tzinfo=PARIS)
    referral = convo.ask(
        "adressage P-0042 10/09/2025 had=760024042 commune=76540 moins-de-3-ans=non", as_="U0SAISIE", now=now
    )
    assert referral.status is Status.OK, referral.body
    assert referral.reference and referral.reference.startswith("A-")
    for day in ("2025-09-15", "2025-10-06", "2025-10-20", "2025-12-08"):
        reply = convo.ask(f"administration P-0042 {day}", as_="U0SAISIE", now=now)
        assert reply.status is Status.OK and reply.reference, reply.title
    statement = convo.ask("forfaits 2025", as_="U0COORD", now=now)
    assert statement.data["total"] == "560.00"
    lines = statement.data["sites"][0]["lines"]
    assert [(ln["month"], ln["kind"], ln["amount"]) for ln in lines] == [
        ("2025-09", "inclusion", "320.00"),
        ("2025-10", "monthly", "120.00"),
        ("2025-11", "none", "0.00"),
        ("2025-12", "monthly", "120.00"),
    ]
    assert "560,00 €" in " ".join(f.value for f in statement.facts)
    # The figures cite the rules they apply, our reading of "first month" marked as an inference.
    assert any("arrêté du 8 avril 2025" in source for source in statement.sources)
    assert any(r.confidence.value == "I" and "premier mois" in r.text for r in statement.reasons)
    assert any(r.text.startswith("Aucune administration à domicile ce mois-ci") for r in statement.reasons)


def test_a_referral_that_will_not_be_paid_warns_at_once_and_says_why(convo: Conversation) -> None:
    # The Havre site has no convention with the paediatric HAD.
    reply = convo.ask(f"adressage P-7 2025-09-10 had={HAD2} site={SITE2} commune=76540")
    assert reply.status is Status.WARNING
    assert "ne sera pas rémunéré" in " ".join(reply.body)
    assert reply.reasons and all(r.outcome == "not_met" for r in reply.reasons)
    assert reply.data["eligible"] == "no"
    before = convo.ask(f"adressage P-8 2025-07-01 had={HAD} site={SITE}")
    assert before.status is Status.WARNING and before.sources


def test_the_same_entry_twice_is_recorded_once_and_says_so(convo: Conversation) -> None:
    first = convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}")
    again = convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}")
    assert again.ok and again.data["duplicate"] and again.reference == first.reference
    assert "Déjà enregistré" in again.title
    convo.ask("administration P-1 2025-10 nombre=2")
    month_again = convo.ask("administration P-1 2025-10 nombre=2")
    assert month_again.data["duplicate"]
    assert len(convo.repo.entries(SITE, EntryKind.ADMINISTRATION)) == 1


def test_a_delivery_seen_twice_has_one_effect(convo: Conversation) -> None:
    convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}")
    one = convo.ask("administration P-1 2025-09-12", delivery_id="slack-123")
    two = convo.ask("administration P-1 2025-09-13", delivery_id="slack-123")
    assert one.reference and two.data["duplicate"] and two.reference == one.reference
    assert len(convo.repo.entries(SITE, EntryKind.ADMINISTRATION)) == 1


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("adressage P-1 2025-02-30 had=760024042 site=760780239", "n'existe pas"),
        ("adressage P-1 2025/09/10 had=760024042 site=760780239", "AAAA-MM-JJ"),
        ("adressage P-1 2025-09-10 site=760780239", "had"),
        ("adressage P-1 2025-09-10 had=12345 site=760780239", "FINESS"),
        ("adressage P-1 2025-09-10 had=760099999 site=760780239", "Aucune HAD"),
        ("adressage P-1 2025-09-10 had=760024042 site=760099999", "Aucun établissement"),
        ("adressage P-1 2030-01-10 had=760024042 site=760780239", "futur"),
        ("adressage P-1 2025-09-10 had=760024042", "site=FINESS"),
        ("adressage P-1 2025-09-10 had=760024042 site=760780239 couleur=bleu", "Option inconnue"),
        (
            "adressage Un_nom_trop_long_pour_un_code 2025-09-10 had=760024042 site=760780239",
            "code pseudonyme",
        ),
        ("administration P-404 2025-09-10 site=760780239", "pas d'adressage"),
        ('etablissement ajouter 760000001 nom="X" region=atlantide categorie=a', "Région inconnue"),
        ('etablissement ajouter 760000001 nom="X" region=normandie categorie=e', "catégorie e"),
        ("etablissement ajouter 760000001 region=normandie categorie=a", "nom"),
        ('etablissement ajouter 760000001 nom="X region=normandie categorie=a', "guillemet"),
        ("membre ajouter U0NEW role=saisie", "site=FINESS"),
        ("membre ajouter U0NEW role=chef site=760780239", "valeur possible"),
        ("rappels peut-etre", "oui ou non"),
        ("annuler M-ZZZZZ", "Aucune saisie"),
    ],
)
def test_user_errors_say_what_was_wrong_show_the_form_and_store_nothing(
    convo: Conversation, command: str, expected: str
) -> None:
    before = (entries(convo), len(convo.repo.sites()), len(convo.repo.members()))
    reply = convo.ask(command)
    assert reply.status is Status.ERROR, reply.title
    assert expected in reply.title + " ".join(reply.body)
    assert (entries(convo), len(convo.repo.sites()), len(convo.repo.members())) == before


def test_an_administration_before_its_referral_is_refused(convo: Conversation) -> None:
    convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}")
    reply = convo.ask("administration P-1 2025-09-01")
    assert reply.status is Status.ERROR and "antérieure à l'adressage" in reply.title
    assert "Forme attendue" in " ".join(reply.body)
    assert convo.ask("administration P-1 2025-08").status is Status.ERROR
    assert not convo.repo.entries(SITE, EntryKind.ADMINISTRATION)


def test_an_unknown_verb_suggests_the_closest(convo: Conversation) -> None:
    reply = convo.ask("adresage P-1 2025-09-10")
    assert reply.status is Status.ERROR and "adressage" in reply.title and "Vouliez-vous dire" in reply.title
    assert convo.ask("forfait 2025").status is not Status.ERROR  # an alias


def test_rights_per_role(convo: Conversation) -> None:
    denied = convo.ask('etablissement ajouter 760000001 nom="X" region=normandie categorie=a', as_="U0SAISIE")
    assert denied.status is Status.DENIED and "saisie" in denied.title
    assert convo.ask("forfaits 2025", as_="U0SAISIE").status is Status.DENIED
    assert convo.ask(f"adressage P-1 2025-09-10 had={HAD}", as_="agent@ars.sante.fr").status is Status.DENIED
    # A data-entry member of another site may not write for this one.
    other = convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}", as_="U0HAVRE")
    assert other.status is Status.DENIED
    # The ARS agent reads every site of its region.
    convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}")
    region = convo.ask("forfaits 2025", as_="agent@ars.sante.fr")
    assert region.ok and {s["site"] for s in region.data["sites"]} == {SITE, SITE2}
    assert convo.ask("bilan 2025", as_="agent@ars.sante.fr").ok
    # A stranger may ask the calendar, not the data.
    assert convo.ask("echeances", as_="U0NOBODY").ok
    assert convo.ask("patients", as_="U0NOBODY").status is Status.DENIED


def test_cancel_keeps_history_and_only_author_coordination_or_admin_may(convo: Conversation) -> None:
    convo.ask(f"adressage P-1 2025-09-10 had={HAD}", as_="U0SAISIE")
    adm = convo.ask("administration P-1 2025-09-15", as_="U0SAISIE")
    assert adm.reference
    assert convo.ask(f"annuler {adm.reference}", as_="U0HAVRE").status is Status.DENIED
    done = convo.ask(f"annuler {adm.reference.lower()}", as_="U0SAISIE")
    assert done.ok and "annulée" in done.title
    again = convo.ask(f"annuler {adm.reference}", as_="U0COORD")
    assert again.status is Status.ERROR and "déjà été annulée" in again.title
    kept = convo.repo.entries(SITE, EntryKind.ADMINISTRATION, active_only=False)
    assert len(kept) == 1 and kept[0].cancelled is not None
    assert convo.ask("forfaits 2025", as_="U0COORD").data["total"] == "0.00"
    # Logged again after the cancellation: counted again.
    assert not convo.ask("administration P-1 2025-09-15", as_="U0SAISIE").data.get("duplicate")


def test_patients_shows_last_month_and_months_missing(convo: Conversation) -> None:
    convo.ask(f"adressage P-1 2025-08-20 had={HAD} site={SITE}")
    convo.ask("administration P-1 2025-08-25")
    convo.ask("administration P-1 2025-10")
    reply = convo.ask(f"patients site={SITE}")
    row = reply.data["patients"][0]
    assert row["last_month"] == "2025-10" and row["missing"] == ["2025-09"]
    convo.ask("fin P-1 2025-11-02 motif=guérison")
    assert convo.ask(f"patients site={SITE}").data["patients"] == []


def test_bilan_compares_referrals_with_the_target(convo: Conversation) -> None:
    assert convo.ask(f"etablissement cible {SITE} 2025=4 2026=10", as_="U0COORD").ok
    convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}")
    convo.ask(f"adressage P-2 2025-09-11 had={HAD} site={SITE}")
    reply = convo.ask(f"bilan 2025 site={SITE}")
    assert reply.data["sites"][0]["referrals"] == 2 and reply.data["sites"][0]["target"] == 4
    assert "50 %" in " ".join(reply.body)
    assert convo.ask(f"etablissement cible {SITE} 2031=4").status is Status.ERROR


def test_deadlines_reminders_and_eligibility(convo: Conversation) -> None:
    deadlines = convo.ask("echeances region=normandie")
    assert deadlines.ok and deadlines.data["upcoming"][0]["days_left"] > 0
    assert convo.ask("rappels oui", as_="U0SAISIE").ok
    assert convo.repo.member("U0SAISIE").reminders is True  # type: ignore[union-attr]
    assert convo.ask("rappels oui", as_="U0NOBODY").status is Status.ERROR
    no = convo.ask("eligibilite etablissement categorie=e autorisation=tmsc")
    assert no.data["verdict"] == "no" and no.sources
    open_ = convo.ask("eligibilite patient traitement=injectable")
    assert open_.data["verdict"] == "undetermined" and "Pour conclure" in " ".join(open_.body)


def test_a_nir_is_refused_and_never_echoed_stored_or_logged(
    convo: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for text in (f"adressage {NIR} 2025-09-10 had={HAD} site={SITE}", "patient 2850576123456 ?",
                 "adressage 185052A12345612 2025-09-10 had=760024042"):  # fmt: skip
        reply = convo.ask(text)
        assert reply.status is Status.ERROR and "NIR" in reply.title
        rendered = reply.title + " ".join(reply.body) + str(reply.data)
        assert "123 456" not in rendered and "2850576123456" not in rendered and "2A123" not in rendered
    assert entries(convo) == 0
    convo.close()
    for path in convo.path.parent.iterdir():
        content = path.read_text(encoding="utf-8", errors="replace")
        assert "123 456" not in content and "2850576123456" not in content
    assert "123 456" not in caplog.text and "2850576123456" not in caplog.text
    convo.ctx.repo = type(convo.ctx.repo).open(convo.path)


def test_a_name_with_a_birth_date_is_refused(convo: Conversation) -> None:
    reply = convo.ask(f"adressage DUPONT 12/03/1956 had={HAD} site={SITE}")
    assert reply.status is Status.ERROR and "date de naissance" in reply.title
    assert "DUPONT" not in reply.title + " ".join(reply.body)
    assert convo.ask("Jean Martin né le 3 mars 1950").status is Status.ERROR


def test_an_unexpected_error_is_a_french_reply_not_a_traceback(
    convo: Conversation, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    spec = registry.get("patients", None)
    assert spec is not None

    def boom(*_: object) -> None:
        raise RuntimeError("secret user text P-SECRET")

    broken = dataclasses.replace(spec, handler=boom)
    monkeypatch.setitem(registry._commands, ("patients", None), broken)
    reply = convo.ask("patients")
    assert reply.status is Status.ERROR and "erreur interne" in reply.title
    assert "P-SECRET" not in caplog.text and "RuntimeError" in caplog.text


def test_free_text_goes_to_the_question_answerer(convo: Conversation) -> None:
    reply = convo.ask("Quel est le montant du forfait mensuel ?")
    assert reply.status is not Status.ERROR or "erreur interne" not in reply.title


def test_a_pending_referral_shows_in_forfaits_and_is_completed_by_sending_it_again(
    convo: Conversation,
) -> None:
    now = datetime(2026, 1, 10, 9, 0, tzinfo=PARIS)
    referral = convo.ask(f"adressage P-7 2025-09-10 had={HAD} site={SITE} commune=76540", now=now)
    assert referral.status is Status.WARNING
    assert f"adressage P-7 2025-09-10 had={HAD} moins-de-3-ans=oui|non" in " ".join(referral.body)
    convo.ask(f"administration P-7 2025-09-15 site={SITE}", now=now)
    pending = convo.ask(f"forfaits 2025 site={SITE}", now=now)
    assert pending.data["total"] == "0.00"
    assert pending.data["sites"][0]["pending"] == {"P-7": ["under_3"]}
    assert "P-7 : il manque" in " ".join(pending.body)

    completed = convo.ask(f"adressage P-7 2025-09-10 had={HAD} site={SITE} moins-de-3-ans=non", now=now)
    assert completed.status is Status.OK and completed.reference == referral.reference
    assert "complété" in completed.title
    paid = convo.ask(f"forfaits 2025 site={SITE}", now=now)
    assert paid.data["total"] == "320.00" and paid.data["sites"][0]["pending"] == {}
    assert len(convo.repo.entries(SITE, EntryKind.REFERRAL)) == 1

    convo.reopen()
    assert convo.ask(f"forfaits 2025 site={SITE}", now=now).data["total"] == "320.00"


def test_a_referral_sent_again_with_a_different_fact_is_refused_and_changes_nothing(
    convo: Conversation,
) -> None:
    convo.ask(f"adressage P-8 2025-09-10 had={HAD} site={SITE} moins-de-3-ans=non")
    again = convo.ask(f"adressage P-8 2025-09-10 had={HAD} site={SITE} moins-de-3-ans=oui")
    assert again.status is Status.ERROR and "annuler" in again.title
    [entry] = convo.repo.entries(SITE, EntryKind.REFERRAL)
    assert entry.under_3 is False


def test_a_patient_code_without_a_digit_is_refused_as_a_possible_name_and_not_echoed(
    convo: Conversation,
) -> None:
    reply = convo.ask(f"adressage Dupont 2025-09-10 had={HAD} site={SITE}")
    assert reply.status is Status.ERROR and "peut être un nom" in reply.title
    rendered = " ".join([reply.title, *reply.body]).upper()
    assert "DUPONT" not in rendered
    assert convo.repo.entries(SITE, EntryKind.REFERRAL) == []
