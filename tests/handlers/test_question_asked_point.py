"""The asked point: a question asking for something no entry states (a phone number, an act for the asker, a
decision to come, another tariff's amount...) is not answered with a neighbouring entry; context facts are
said only when asked about (handlers/questions/asked.py, rules/data/knowledge/frames.yaml `slots`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.questions import analyse, answer_question, split_questions
from handlers.questions.asked import asked_points
from handlers.questions.knowledge import KNOWLEDGE_DIR, KnowledgeError, load_knowledge
from handlers.reply import Status
from rules.parameters import load_parameters
from tests.support.question_probe import DEFAULT_NOW


def _points(question: str) -> tuple[str, ...]:
    return asked_points(analyse(question, load_parameters()).normalized.tokens)


@pytest.mark.parametrize(
    ("question", "point"),
    [
        ("Quel est le numéro de téléphone de la DGOS ?", "contact_detail"),
        ("adresse postale de l'ARS ?", "contact_detail"),
        ("tu peux me renvoyer le CPOM de notre etablissement stp", "action_request"),
        ("pourriez-vous nous transmettre le modèle de rapport", "action_request"),
        ("vous pouvez modifier notre convention svp", "action_request"),
        ("l'ARS prévoit-elle un nouvel AMI ?", "future_decision"),
        ("va-t-il y avoir une deuxième vague de candidatures ?", "future_decision"),
        ("tarif GHS HDJ chimio 2026 c combien ?", "tariff_amount"),
        ("les résultats seront-ils rendus publics ?", "publicity"),
        ("l'ARS peut retirer un etablissement de l'expe en cours de route ?", "removal"),
        ("on pourrait basculer notre expe 50 en article 51 ?", "frame_switch"),
        ("quel est le plafond du forfait d'inclusion ?", "cap"),
        ("tu peux envoyer notre rapport initial a l'ARS stp ?", "action_request"),
        ("c qui le referent a la DGOS ? t'as son tel ?", "contact_detail"),
        ("on peut reverser une partie du forfait a l'HAD via la convention ?", "arrangement"),
        ("la pharma peut retroceder l'opdivo a l'HAD ?", "arrangement"),
        ("l'expe va etre generalisee apres 2028 ?", "future_decision"),
        # When the money comes: the amount is no answer (the payment entry addresses it).
        ("3 inclusions ce mois-ci, le virement tombe en fin de mois ?", "payment_time"),
        # Cases the steady rule does not settle: a drug under trial, a convention ended, money given back,
        # more time, a merger; a new call to come; a tool's account.
        ("un pt en essai de phase 3 sans AMM, l'HAD peut faire les perfs dans l'expé ?", "unsettled_case"),
        (
            "l'HAD résilie notre convention au 31/12, on fait quoi pour les patients en cours ?",
            "unsettled_case",
        ),
        ("si on arrête l'expé en 2027, faut-il rembourser les forfaits ?", "unsettled_case"),
        ("pouvons-nous obtenir un délai supplémentaire pour le rapport ?", "unsettled_case"),
        ("notre GHT fusionne avec le CH voisin, on garde notre place ?", "unsettled_case"),
        ("y aura-t-il un nouvel appel à candidatures en 2027 ?", "future_decision"),
        ("vous pouvez me créer un accès à PIRAMIG ?", "tool_support"),
        (
            "la première injection de Darzalex, à domicile ou en HDJ vu le risque de réaction ?",
            "clinical_decision",
        ),
        ("patient co-suivi par nous et le CH voisin, qui touche l'inclusion ?", "unsettled_case"),
        ("nous ouvrons un nouveau site en 2027, peut-il entrer dans l'expé ?", "unsettled_case"),
        ("notre CH a des sites dans 2 régions : à quelle ARS candidater ?", "unsettled_case"),
        ("quelle formule pour le taux d'occupation de l'HDJ dans le rapport ?", "unsettled_case"),
        ("les forfaits 2025 nous seront versés quand ?", "payment_time"),
    ],
)
def test_the_asked_point_is_read_from_the_data(question: str, point: str) -> None:
    assert point in _points(question)


@pytest.mark.parametrize(
    "question",
    [
        # Asking to be told is not asking for an act; a rule about sending is not a request to send.
        "Pourriez-vous m'indiquer les dates des rapports ?",
        "quand devons-nous transmettre le rapport ?",
        # « exclu » of a treatment or a category is not the removal of an establishment.
        "c'est quoi la categorie e et pourquoi elle est exclue ?",
        "les chimios en gelules c'est exclu ?",
        # A tariff named without asking its amount.
        "notre ecart tarif HDJ - tarif HAD est de 150 €, donc on touche 150 par mois ?",
        # An establishment « public » is a category, not publicity.
        "un etablissement public de sante peut candidater ?",
        # Asking how to send is not asking the bot to send; a list asked about is not a name looked up in it.
        "pouvez-vous me dire quand envoyer notre rapport initial ?",
        "je veux savoir si je peux envoyer notre rapport par mail",
        "la liste des etablissements retenus a ete publiee quand ?",
        "quel est le montant exact du forfait mensuel ?",
        # Access to the bot is a member added, not a tool's account; a patient who moves is settled.
        "comment ouvrir un accès au bot à une collègue ?",
        "le patient déménage dans une autre commune, quelle HAD ?",
        # The asker planning is no decision to come.
        "nous envisageons de candidater auprès de l'ARS Normandie : jusqu'à quand ?",
    ],
)
def test_ordinary_questions_ask_no_special_point(question: str) -> None:
    assert _points(question) == ()


def test_a_value_stated_is_not_the_point_asked() -> None:
    # Tariffs stated, the cap asked (`unless` in the tariff_amount slot).
    question = (
        "si notre tarif HDJ c 420 € et le tarif HAD 330 €, le forfait mensuel il est plafonné a combien ?"
    )
    assert _points(question) == ("cap",)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Quel est le numéro de téléphone de la DGOS ?", "aucun numéro de téléphone"),
        ("tu peux me renvoyer le CPOM de notre etablissement stp", "ni envoyer un document"),
        (
            "Notre directeur souhaiterait savoir si l'ARS prévoit de relancer un AMI en 2027 pour intégrer "
            "de nouveaux établissements.",
            "décision à venir",
        ),
        ("c'est combien le tarif HAD pour une chimio a domicile ?", "ne figurent pas dans mes données"),
        ("les resultats de l'evaluation seront publics ?", "rendu public"),
        ("l'ARS peut retirer un etablissement de l'expe en cours de route ?", "retrait"),
        ("on pourrait basculer notre expe 50 en article 51 pour la faire durer 5 ans ?", "cadre juridique"),
    ],
)
def test_a_point_no_entry_states_is_handed_over_not_answered_by_a_neighbour(question: str, said: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human
    assert any(said in line for line in reply.body), reply.body
    assert reply.data["asked_point"]
    assert not reply.reasons  # nothing stated from a neighbouring entry


def test_an_entry_states_a_point_only_with_the_reading_it_needs() -> None:
    # The contact entry holds each ARS's mailbox: a phone asked for a named region gets that mailbox.
    reply = answer_question("je voudrais le numero de telephone de l'ARS normandie", DEFAULT_NOW)
    assert reply.status != Status.UNKNOWN
    assert any("ars-normandie" in line for line in reply.body)


def test_a_request_to_act_is_answered_by_the_bot_entries_that_tell_how() -> None:
    # The bot's entries (answered from the command registry) address `action_request` (derived).
    bot_entries = [e for e in load_knowledge().entries if e.answer.commands]
    assert bot_entries and all("action_request" in e.addresses for e in bot_entries)


def test_a_context_amount_is_said_only_when_asked() -> None:
    unasked = answer_question(
        "2 administrations dans le meme mois (J1 J15) = 2 forfaits mensuels ?", DEFAULT_NOW
    )
    assert not any("115" in line for line in unasked.body)
    assert any("120,00" in line for line in unasked.body)
    asked = answer_question("Unicancer demandait combien par seance deja ?", DEFAULT_NOW)
    assert any("115,00" in line for line in asked.body)
    by_value = answer_question("on avait demande 115 euros par seance non ?", DEFAULT_NOW)
    assert any("115,00" in line for line in by_value.body)


def _frames_with(tmp_path: Path, old: str, new: str) -> Path:
    for source in KNOWLEDGE_DIR.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "frames.yaml":
            assert old in text
            text = text.replace(old, new)
        (tmp_path / source.name).write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  action_request:\n    all:\n",
            "  action_request:\n    all: []\n  unused:\n    all:\n",
            "at least two",
        ),
        ("  action_request:\n", "  request_to_act:\n", "action_request"),
        (
            '  requested_per_session:\n    "unicancer"',
            '  requested_per_session: unicancer\n  other:\n    "unicancer"',
            "context_facts requested_per_session",
        ),
    ],
)
def test_the_asked_points_load_strictly(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(KnowledgeError, match=message):
        load_knowledge(_frames_with(tmp_path, old, new))


def test_a_qualified_address_needs_a_known_reading(tmp_path: Path) -> None:
    for source in KNOWLEDGE_DIR.glob("*.yaml"):
        text = source.read_text(encoding="utf-8")
        if source.name == "reports.yaml":
            text = text.replace(
                "addresses: [{contact_detail: region}]", "addresses: [{contact_detail: weather}]"
            )
        (tmp_path / source.name).write_text(text, encoding="utf-8")
    with pytest.raises(
        KnowledgeError, match=r"reports\.yaml: contact: addresses contact_detail: unknown need"
    ):
        load_knowledge(tmp_path)


def test_a_question_naming_nothing_but_what_it_asks_refines_the_one_before() -> None:
    # « Sur combien d'années ? » alone would be read about the experiment (its end date): it stays with the
    # question it refines; a follow-up with a subject of its own is still a part.
    message = (
        "Dans le rapport initial, faut-il donner un objectif annuel d'adressage en HAD ? "
        "Sur combien d'années ?"
    )
    assert split_questions(message) == [message]
    reply = answer_question(message, DEFAULT_NOW)
    assert not any("2028" in line for line in reply.body)
    assert split_questions("Quel est le montant ? Et quand faut-il envoyer le rapport ?") == [
        "Quel est le montant ?",
        "Et quand faut-il envoyer le rapport ?",
    ]


@pytest.mark.parametrize(
    "question",
    [
        # No entry addresses a decision to come or an arrangement between partners: a person answers.
        "y aura t il une prolongation de l'expe apres 2028 ?",
        "une nouvelle vague de sélection est-elle prévue en 2027 ?",
        "on peut reverser une partie du forfait a l'HAD via la convention ? genre 50/50",
        "la pharma peut retroceder l'opdivo a l'HAD ou c'est l'HAD qui commande direct ?",
        # The asker's own file or payment, and a tool's account: not rules.
        "notre dossier est passé en comité ? tjr pas de reponse",
        "Pouvez-vous vérifier si le versement a bien été effectué pour notre établissement ?",
        "c quoi mon login piramig ? le mien marche plus depuis hier",
        # A change to what the selection fixed, a lapse put right afterwards: not the case the rules state.
        "Nous avons été retenus pour deux sites : pouvons-nous ajouter un troisième site ouvert en 2026 ?",
        "Une clinique de catégorie e pourrait-elle participer à travers notre GCS de moyens ?",
        "Notre convention avec l'HAD est arrivée à échéance : pouvons-nous régulariser a posteriori ?",
        # A deadline moved, a draft read by an agent, a signature's validity in law, an authorisation lost:
        # a person's call, even where another point of the question has an entry (who is paid).
        "est-il possible de décaler la date de remise du rapport de suivi de deux semaines ?",
        "Serait-il possible qu'un agent relise notre rapport initial et nous fasse un retour ?",
        "notre convention est-elle juridiquement valable si elle a été signée par le directeur adjoint ?",
        "la signature par délégation de la convention HAD est-elle valide ?",
        "vous pouvez me donner notre tarif HDJ TMSC pour calculer le plafond ?",
        "notre autorisation TMSC est suspendue, les forfaits restent dus ?",
        "l'HAD partenaire a perdu son autorisation, on continue à toucher les forfaits ?",
        # The asker's own request or selection: its answer, its outcome, what was missing.
        "notre HAD a demandé a l'ARS d'ajouter 3 communes a sa zone en mars, on aura la reponse quand ?",
        "Pouvez-vous nous dire si notre établissement a été retenu ? Nous n'avons reçu aucun retour.",
        "Pourriez-vous nous expliquer ce qui a manqué dans notre dossier et comment il a été classé ?",
        "notre DIM est en arret maladie, on peut avoir 15 jours de rab pour le rapport de suivi ?",
        "Pourriez-vous vérifier où en est le paiement pour notre établissement et la date du virement ?",
        "notre rapport initial est « non conforme » : pouvez-vous nous dire ce qui pose problème ?",
        "On m'a dit que notre dossier avait été retenu. Pouvez-vous me le confirmer officiellement ?",
        "Un même patient peut-il générer à la fois les rémunérations article 51 et les forfaits article 50 ?",
    ],
)
def test_a_point_no_entry_addresses_is_handed_over(question: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human


def test_a_finance_notification_is_no_question_about_the_bot() -> None:
    analysis = analyse(
        "Notre notification de dotation ne semble pas comporter les forfaits de 2025 : est-ce normal ?",
        load_parameters(),
    )
    assert not analysis.about_bot


def test_the_mailbox_questions_waiting_for_an_agent_are_the_courriels_command() -> None:
    reply = answer_question("comment je retrouve les mails en attente d'un agent ?", DEFAULT_NOW)
    assert reply.status != Status.UNKNOWN
    assert any("/expe50 courriels" in line for line in reply.body)


def test_a_command_said_not_to_exist_is_answered_no_with_the_command() -> None:
    reply = answer_question(
        "pour corriger une saisie faut annuler et tout ressaisir, y a pas de commande modifier c ça ?",
        DEFAULT_NOW,
    )
    assert reply.body[0].startswith("Non, il y en a une : « /expe50 modifier")
    asked = answer_question("y a une commande pour corriger une saisie ?", DEFAULT_NOW)
    assert asked.body[0].startswith("Oui : « /expe50 modifier")
