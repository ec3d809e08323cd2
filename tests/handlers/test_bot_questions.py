"""Questions about using the bot are answered from the command registry: each command yields its own entry
at load time, a question about the bot is never answered by a legal entry alone, a legal question is never
captured by a command, and the forms of a date come from the one place the parsers read."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import handlers.commands  # noqa: F401  (fills the command registry)
from handlers.errors import UserError
from handlers.questions import answer_question
from handlers.questions.answer import entry
from handlers.questions.command_entries import entry_id
from handlers.questions.detect import question_words
from handlers.questions.extract import extract_question
from handlers.questions.knowledge import KnowledgeError, load_knowledge, with_commands
from handlers.questions.normalize import fold, normalize, stem
from handlers.questions.topics import command_namings, command_words, ordinary
from handlers.registry import registry
from handlers.reply import Reply, Status
from handlers.values import DATE_FORMATS, MONTH_FORMATS, parse_date, parse_month
from rules.month import Month
from rules.parameters import load_parameters
from templates import text
from tests.support.question_probe import DEFAULT_NOW, SEEN_FILES, judge, load_probe

ROOT = Path(__file__).resolve().parents[2]


def _ask(question: str) -> Reply:
    return answer_question(question, DEFAULT_NOW)


def _said(reply: Reply) -> str:
    return "\n".join(reply.body)


def _topics(reply: Reply) -> list[str]:
    found = reply.data.get("topics", [])
    return [str(t) for t in found] if isinstance(found, list) else []


def test_every_command_of_the_registry_has_its_own_entry() -> None:
    ids = {e.id for e in load_knowledge().entries}
    for spec in registry.all():
        if spec.verb.startswith("_"):
            continue
        generated = entry(entry_id(spec))
        assert entry_id(spec) in ids
        assert generated.family == "bot"
        assert generated.answer.commands == (spec.name,)
        assert any(cue.startswith(stem(fold(spec.verb))[:5]) for cue in generated.cues), spec.name


@pytest.mark.parametrize(
    ("question", "command"),
    [
        ("je veux annuler l'adressage A-7K3QX que j'ai saisi par erreur", "annuler <reference>"),
        ("qui peut annuler une saisie faite par une collegue ? moi je suis coordinatrice du site", "annuler"),
        ("format de date pour la commande administration ? 12/03/26 ca passe ?", "administration <patient>"),
        (
            "Bonjour,\nJe suis agent à l'ARS Normandie. Comment répondre aux questions que le bot nous a "
            "transférées ?\nCordialement",
            "repondre <reference>",
        ),
        ("ou je vois les prochaines dates limites dans le bot ?", "echeances"),
        ("le bot peut me dire si un patient est eligible avant que je l'adresse ?", "eligibilite patient"),
        ("comment on rentre notre cible d'adressages 2027 dans le bot ?", "etablissement cible"),
        ("comment j'enregistre dans le bot les cures faites a domicile ?", "administration <patient>"),
        ("jvoudrai tester le bot sans casser nos vraies données, c possible ??", "--db data/demo.json demo"),
    ],
)
def test_a_question_about_the_bot_is_answered_with_its_command(question: str, command: str) -> None:
    reply = _ask(question)
    assert reply.status in (Status.OK, Status.WARNING), _said(reply)
    assert entry(_topics(reply)[0]).family == "bot"
    assert command in _said(reply).replace("é", "e"), _said(reply)


def test_a_rights_answer_names_the_roles_of_the_registry() -> None:
    for verb in ("forfaits", "repondre", "membres"):
        reply = _ask(f"qui a le droit de lancer la commande {verb} dans le bot ?")
        spec = registry.get(verb, None)
        assert spec is not None and spec.roles is not None
        said = _said(reply)
        line = next(x for x in reply.body if f"/expe50 {verb}" in x)
        assert all(role.value in line for role in spec.roles), said
        others = {"saisie", "coordination", "ars", "admin"} - {role.value for role in spec.roles}
        assert not any(f" {role}" in line.split("rôles :")[1] for role in others), said


def test_who_may_act_on_a_given_entry_is_said_from_the_registry() -> None:
    """annuler and modifier are open to the writers, but on a given entry only to its author, the site's
    coordination and an admin: the registry's `scope` says it, in the answer and in the refusal alike."""
    spec = registry.get("annuler", None)
    assert spec is not None and spec.scope
    owners = text(spec.scope)
    said = _said(
        _ask("qui peut annuler une saisie faite par une collegue ? moi je suis coordinatrice du site")
    )
    assert said.count(owners) == 1, said
    assert owners in text("commands.annuler.denied", reference="M-7K3FQ", owners=owners)


def test_a_legal_question_is_not_captured_by_a_command() -> None:
    for question in (
        "l'adressage doit-il être fait avant le 5 février 2028 ?",
        "combien pour une administration a domicile en mars ?",
        "quelles sont les prochaines echeances des rapports ?",
        "qui peut adresser un patient en HAD ?",
    ):
        reply = _ask(question)
        assert not any(entry(t).family == "bot" for t in _topics(reply)), (question, _topics(reply))


# (« je mets le bot en copie » only addresses it; « la HAS (est, doit être) saisie » is referred to, no entry
# typed)
_NAMES_THE_BOT = re.compile(
    r"\b(?:(?:le|du|au|ds le|dans le) bot(?! en copie)|saisir|(?<!has )(?<!est )(?<!etre )(?<!être )saisies?"
    r"|(?:depuis|dans|ds|via) l['’ ]outil|(?:ds|dans) la commande|une commande)\b",
    re.IGNORECASE,
)


def _about_the_bot(case: dict[str, Any]) -> bool:
    source = str(case.get("source", ""))
    # (« je peux mettre le n° de sécu ds le bot ? », « on peut encore saisir des admin de mars 2028 ? » are
    # labelled from the law, and name the bot, or entering data in it, all the same)
    names_it = _NAMES_THE_BOT.search(str(case["q"])) is not None
    return source.startswith(("README", "bot usage", "aide", "Bot help")) or names_it


def test_on_every_seen_table_bot_and_legal_questions_stay_apart() -> None:
    """A question about using the bot is never answered by a legal entry first; a legal question never gets
    a command's entry."""
    cases = [c for f in SEEN_FILES for c in load_probe(f)]
    bot_cases = [c for c in cases if _about_the_bot(c)]
    assert len(bot_cases) >= 6
    for case in cases:
        if "known" in case or "open_wrong" in case:
            continue  # a recorded miss is checked by its own verdict (test_questions_probe.py)
        reply = answer_question(str(case["q"]), DEFAULT_NOW)
        if reply.status is Status.UNKNOWN:
            continue  # handed over: no entry answers it, whichever its words called up
        topics = _topics(reply)
        families = [entry(t).family for t in topics]
        if _about_the_bot(case):
            # An email may ask a legal point before its question about the bot: that part is answered too.
            # (a question labelled from the law that names the bot — « on peut encore saisir et toucher les
            # 120 pour mars 2028 ? » — may put the rule first)
            several = "\n" in str(case["q"]) or str(case.get("source", "")).startswith("RULES")
            # (an email labelled from the law whose key the rule alone satisfies — « palbociclib … peut-on
            # quand même les saisir dans l'outil ? »: non, oral — is answered by the rule: it is correct)
            by_the_law = "\n" in str(case["q"]) and str(case.get("source", "")).startswith("RULES")
            assert (
                not families
                or families[0] == "bot"
                or (several and "bot" in families)
                or (by_the_law and judge(case).kind == "correct")
            ), (case["q"], topics)
        else:
            assert "bot" not in families, (case["q"], topics)


def test_a_command_named_by_a_written_entry_must_exist() -> None:
    written = load_knowledge()
    with pytest.raises(KnowledgeError, match=r"bot\.yaml: bot_correct: no command 'annuler'"):
        with_commands(written, (), {spec.name for spec in registry.all()} - {"annuler"})


def test_a_new_or_renamed_command_is_understood_with_no_data_change() -> None:
    """A command registered under a new verb (its usage and help given by the command itself) is answered in
    a fresh process: no knowledge file names it."""
    script = textwrap.dedent(
        """
        from datetime import datetime
        import handlers.commands
        from handlers.registry import command, EVERYONE
        from handlers.questions import answer_question

        @command("calendrier-regional", roles=EVERYONE, usage="commands.echeances.usage",
                 help="commands.echeances.help")
        def renamed(inv, ctx):
            raise AssertionError("not run")

        asked = "comment voir le calendrier regional dans le bot ?"
        reply = answer_question(asked, datetime(2026, 11, 24, 10))
        print(reply.status.value, reply.data["topics"])
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "cmd_calendrier_regional" in done.stdout, done.stdout


# ----------------------------------------------------------------------------- the forms of a date, once


def test_every_declared_form_is_what_the_parsers_accept() -> None:
    for form in DATE_FORMATS:
        assert parse_date(form.example) == date(2025, 9, 15)
    for form in MONTH_FORMATS:
        assert parse_month(form.example) == Month(2025, 10)
    with pytest.raises(UserError) as refused:
        parse_date("12/03/26")
    assert all(form.pattern in str(refused.value.params["formats"]) for form in DATE_FORMATS)


def test_the_answer_says_the_declared_forms_and_checks_a_typed_date_with_the_parser() -> None:
    said = _said(_ask("quel format de date pour la commande administration dans le bot ?"))
    assert all(f.pattern in said and f.example in said for f in (*DATE_FORMATS, *MONTH_FORMATS)), said
    refused = _said(_ask("format de date pour la commande administration ? 12/03/26 ca passe ?"))
    assert "« 12/03/26 » n'est pas une date" in refused
    accepted = _said(_ask("pour la commande administration dans le bot, 12/03/2026 ca passe ?"))
    assert "« 12/03/2026 » est une forme acceptée" in accepted


# ------------------------------------------------------------- words that name a command, from the registry


def test_the_words_naming_a_command_come_from_the_registry_and_leave_out_legal_words() -> None:
    words = command_words()
    # Verbs, aliases and yes/no switches of the registry that no legal entry uses.
    assert {"rappel", "courriel", "membre", "retirer", "tableau", "historique"} <= words
    # A command named by a legal word (« forfaits », « rapport », « adressage ») is not named by it here.
    assert not words & {"forfait", "rapport", "adressage", "echeance", "convention"}
    assert command_namings()["tableau"] == ("cmd_forfaits", "cmd_patients")


@pytest.mark.parametrize(
    ("question", "command"),
    [
        ("stop les rappels svp, trop c'est trop", "rappels oui|non"),
        ("comment couper les rappels ? ca me spamme", "rappels oui|non"),
        # Getting the reminders is using the bot as much as stopping them (the noun, not « me rappeler »).
        ("je peux avoir des rappels auto avant les echeances ? jvais oublier sinon", "rappels oui|non"),
        ("comment on active les rappels pour les echeances ?", "rappels oui|non"),
        # Being warned (« que le bot me prévienne ») before the reports' dates is a reminder.
        ("y a moyen que le bot me previenne avant les dates des rapports ?", "rappels oui|non"),
        # An « alerte » before the reports' dates is a reminder.
        (
            "possible d'avoir une alerte avant les dates de rapports ? jai failli louper le dernier",
            "rappels oui|non",
        ),
        # « lui couper l'accès » is the access withdrawn.
        ("la secretaire est partie hier, faut lui couper l'acces, c quoi la commande ?", "membre retirer"),
        ("je voudrais sortir la liste des patients en tableau", "patients [site=FINESS] [tableau=oui]"),
        (
            "on peut sortir les forfaits de l'annee en tableau ?",
            "forfaits [AAAA|AAAA-MM] [site=FINESS] [tableau=oui]",
        ),
        ("comment voir les courriels en attente depuis le bot ?", "/expe50 courriels"),
    ],
)
def test_a_command_named_with_an_act_on_the_bot_is_answered_with_it(question: str, command: str) -> None:
    reply = _ask(question)
    assert reply.status in (Status.OK, Status.WARNING), _said(reply)
    assert entry(_topics(reply)[0]).family == "bot"
    assert command in _said(reply), _said(reply)


@pytest.mark.parametrize(
    "question",
    [
        "pour rappel, le forfait d'inclusion est bien de 320 € ?",
        "un établissement membre peut-il se retirer avant la fin ?",
        "stop, je ne comprends plus : le forfait mensuel est dû même sans injection ?",
    ],
)
def test_naming_a_command_alone_does_not_make_a_legal_question_about_the_bot(question: str) -> None:
    reply = _ask(question)
    assert not any(entry(t).family == "bot" for t in _topics(reply)), (question, _topics(reply))


def test_a_question_mixing_a_rule_and_the_bot_keeps_the_rule() -> None:
    reply = _ask("combien touche-t-on par mois de forfait, et comment sortir les forfaits en tableau ?")
    topics = _topics(reply)
    assert "cmd_forfaits" in topics and "forfait_monthly" in topics, topics
    assert "120,00 €" in _said(reply)


def test_the_question_command_invoking_a_question_does_not_name_it() -> None:
    """« /expe50 question … » is how the question was sent: not a question about the `question` command."""
    reply = _ask("/expe50 question stop les rappels svp")
    assert "cmd_question" not in _topics(reply) and "/expe50 rappels non" in _said(reply), _topics(reply)
    assert extract_question("/expe50 question quel est le montant ?") == "quel est le montant ?"


def test_a_folded_participle_is_not_bent_into_another_word() -> None:
    """« trompé » folds to « trompe » (a noun of the dictionary): it was corrected into « trop »."""
    vocab = question_words(load_parameters())
    assert "trompe" in normalize("je me suis trompé de patient", vocab).tokens
    assert "trop" not in normalize("je me suis trompé de patient", vocab).tokens
    said = _said(_ask("jme suis trompé de patient sur une administration, comment je l'annule ?"))
    assert "/expe50 annuler" in said and "/expe50 modifier" in said, said


def test_a_word_naming_a_command_is_not_bent_into_a_legal_word() -> None:
    vocab = question_words(load_parameters())
    kept = ordinary() | command_words()
    assert "courriel" in normalize("les questions reçues par courriel", vocab, kept).tokens


def test_a_member_leaving_is_removed_with_its_command_not_read_as_an_establishment_withdrawn() -> None:
    reply = _ask("Notre IDE quitte l'établissement vendredi. Comment lui retirer l'accès au bot ?")
    assert reply.status in (Status.OK, Status.WARNING), _said(reply)
    assert "/expe50 membre retirer" in _said(reply)
    withdrawn = _ask("l'ARS peut-elle retirer notre établissement de l'expérimentation ?")
    assert withdrawn.status == Status.UNKNOWN


def test_the_nir_in_the_bot_is_answered_no_with_the_patient_code() -> None:
    reply = _ask(
        "pouvons-nous saisir le numéro de sécurité sociale des patients dans le bot au lieu d'un code ?"
    )
    assert reply.status in (Status.OK, Status.WARNING), _said(reply)
    assert _topics(reply)[0] == "bot_patient_code"
    assert _said(reply).startswith("Non")
    assert "/expe50 adressage <patient>" in _said(reply)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # Asked to stop them: the command that does, whole.
        ("trop de rappels d'échéance, comment j'arrête ça ?", "/expe50 rappels non"),
        # A spreadsheet named in a question about the bot is the export, not a software question.
        ("comment j'exporte les forfaits en excel pour la compta ?", "tableau"),
        ("supprimer un doublon ?", "/expe50 annuler"),
        # A patient code is a patient, not a word to place.
        (
            "j'ai saisi deux fois la même administration pour P-00731, comment en annuler une ?",
            "/expe50 annuler",
        ),
    ],
)
def test_everyday_ways_of_asking_about_the_bot(question: str, said: str) -> None:
    reply = _ask(question)
    assert reply.status != Status.UNKNOWN and said in _said(reply), _said(reply)


def test_a_late_entry_asked_with_the_end_in_mind_says_the_end() -> None:
    said = _said(_ask("on peut encore saisir des administrations ? l'expé est terminée ou pas ?"))
    assert "/expe50 administration" in said and "5 février 2028" in said, said


def test_a_choice_named_by_the_question_is_written_out() -> None:
    """« le rapport de suivi 2026, je génère le brouillon comment ? » names suivi-2026 of « rapport
    [initial|suivi-2026|suivi-2027] »: the command is written out for it; a kind of value to type
    (« <date|mois> ») is no choice, and a question naming two choices gets none written out."""
    said = _said(_ask("le rapport de suivi 2026, je genere le brouillon comment ?"))
    assert "« /expe50 rapport suivi-2026 »" in said, said
    said = _said(_ask("comment saisir les administrations d'un mois oublie dans le bot ?"))
    assert "que vous citez" not in said, said
    said = _said(_ask("comment obtenir le brouillon du rapport initial et du rapport de suivi 2026 ?"))
    assert "que vous citez" not in said, said


def test_a_table_of_the_forfaits_and_stopping_reminders_are_the_bots() -> None:
    """« sortir les forfaits en Excel » is the forfaits command's table, not office software; « j'en ai marre
    des rappels, comment on les coupe ? » is the reminders' switch (« marre » is an everyday word)."""
    said = _said(_ask("ya moyen de sortir les forfaits en excel pour la DAF ?"))
    assert "/expe50 forfaits" in said and "tableau=oui" in said, said
    said = _said(_ask("j en ai marre des rappels du lundi, comment on les coupe ?"))
    assert "rappels non" in said, said


def test_an_entry_put_on_the_wrong_day_is_one_to_correct() -> None:
    said = _said(
        _ask(
            "jai fait une erreur, jai mis l'administration de Mme P. au 12/01 alors que c'etait le 21/01, "
            "comment je change ça"
        )
    )
    assert "/expe50 modifier" in said, said


def test_a_month_of_administrations_is_one_command_not_one_a_day() -> None:
    reply = answer_question(
        "pour saisir les perfs d'un mois entier faut taper une commande par jour ??", DEFAULT_NOW
    )
    assert reply.body[0].startswith("Non : un mois entier se saisit en une commande")
    assert any("nombre=N" in line for line in reply.body)


def test_whether_a_spreadsheet_can_be_imported_is_answered_yes() -> None:
    reply = answer_question("on peut importer un fichier excel avec nos adressages ?", DEFAULT_NOW)
    assert reply.body[0].startswith("Oui : un historique tenu dans un tableur")


def test_whether_a_command_exists_is_answered_yes_with_it() -> None:
    reply = answer_question(
        "y a une commande qui donne les jours restants avant les prochaines echeances ?", DEFAULT_NOW
    )
    assert reply.body[0].startswith("Oui : « /expe50 echeances")
    # (not asked whether one exists: no « Oui »)
    assert (
        not answer_question("comment je vois les prochaines echeances dans le bot ?", DEFAULT_NOW)
        .body[0]
        .startswith("Oui")
    )
