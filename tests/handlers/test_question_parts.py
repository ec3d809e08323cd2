"""A message asking several things: each part answered under its own question, with its own sources; a part
the rules cannot settle is handed over without dropping the others."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.questions import answer_question, split_questions
from handlers.reply import Status
from tests.support.question_probe import DEFAULT_NOW, plain

NOW = DEFAULT_NOW

MAIL = (
    "Bonjour,\n\nNous avons plusieurs questions. "
    "Le forfait mensuel est-il versé pour un mois sans injection ?\n"
    "Et combien de temps dure l'expérimentation ? Quelle est la TVA applicable sur ces forfaits ?\n\n"
    "Cordialement,\nMme Martin"
)


def test_a_message_is_split_into_its_questions_with_their_context() -> None:
    parts = split_questions(
        "Nous avons un patient. Quel est le montant ? Et quand faut-il envoyer le rapport ?"
    )
    assert parts == [
        "Nous avons un patient. Quel est le montant ?",
        "Nous avons un patient. Et quand faut-il envoyer le rapport ?",
    ]
    assert split_questions("le forfait mensuel c'est combien ?") == ["le forfait mensuel c'est combien ?"]
    # A follow-up too short to stand alone keeps the message whole.
    assert len(split_questions("le dossier se dépose comment ? par mail ?")) == 1
    # A « ? » inside an aside asks nothing; a last question left without its « ? » is one all the same.
    assert split_questions(
        "on a loupé la DL normandie (c t le 16/05 je crois ?) on peut encore deposer ?? et le comite de "
        "selection c qd"
    ) == [
        "on a loupé la DL normandie (c t le 16/05 je crois) on peut encore deposer ??",
        "et le comite de selection c qd ?",
    ]
    # A sentence that reports what the writer wants to know asks, full stop and all.
    assert split_questions(
        "Nous aimerions savoir sur quelle enveloppe est versé le forfait et en quelle année nous percevrons "
        "ceux de 2026. Le versement est-il conditionné aux rapports ?"
    ) == [
        "Nous aimerions savoir sur quelle enveloppe est versé le forfait ?",
        "en quelle année nous percevrons ceux de 2026 ?",
        "Le versement est-il conditionné aux rapports ?",
    ]


def test_each_part_is_answered_and_the_unsettled_one_handed_over() -> None:
    reply = answer_question(MAIL, DEFAULT_NOW)
    said = plain("\n".join(reply.body))
    assert reply.status == Status.WARNING and reply.needs_human
    assert "aucun forfait mensuel" in said  # part 1
    assert "3 ans" in said  # part 2
    assert "« quelle est la tva applicable sur ces forfaits ? » : je ne peux pas trancher" in said
    assert reply.data["unanswered_parts"] == ["Quelle est la TVA applicable sur ces forfaits ?"]
    # Each part's answer sits under its question, in the order asked.
    assert (
        said.index("mois sans injection ? »") < said.index("aucun forfait") < said.index("combien de temps")
    )
    assert reply.reasons  # the parts' sources travel with the reply


def test_two_answered_questions_keep_their_order_and_both_answers() -> None:
    reply = answer_question(
        "Quel est le montant du forfait d'inclusion ? Et quand faut-il envoyer le rapport initial ?",
        DEFAULT_NOW,
    )
    said = plain("\n".join(reply.body))
    assert reply.status == Status.OK
    assert said.index("320,00") < said.index("en octobre 2025")


def test_questions_joined_by_commas_in_one_sentence_are_parts() -> None:
    parts = split_questions(
        "Un porteur me sollicite pour un projet article 51. Quelle est la durée maximale d'une telle "
        "expérimentation, quel est le délai de réponse du comité technique, et que vaut le silence de la "
        "HAS ?"
    )
    assert len(parts) == 3
    # The statement before the questions stays the context of each part: « article 51 » is not lost.
    assert all("article 51" in p for p in parts)


def test_a_clause_that_asks_nothing_or_names_no_subject_stays_with_its_question() -> None:
    # The subject before the interrogative is not a question of its own.
    assert (
        len(
            split_questions(
                "pour un projet art 51, en combien de temps le comite technique doit il repondre ?"
            )
        )
        == 1
    )
    assert len(split_questions("De janvier à avril, avec février sans injection, combien au total ?")) == 1
    # « avant quelle date ? » refines the clause before it.
    assert len(split_questions("qui remet le rapport final au Parlement, avant quelle date ?")) == 1
    # « qui » and « où » open relative clauses too: never a cut there.
    assert len(split_questions("les patients qui ont une chimio orale et qui sont en HAD, ca compte ?")) == 1


def test_a_part_read_in_another_frame_keeps_the_message_whole() -> None:
    reply = answer_question(
        "article 51 : qui donne l'avis sur un projet et en combien de temps ?", DEFAULT_NOW
    )
    assert reply.data["family"] == "art51"


def test_a_part_that_names_no_frame_is_read_in_the_message_s() -> None:
    reply = answer_question(
        "Dans le cadre de l'article 51, j'ai deux questions.\n1. Quelle est la durée maximale d'une"
        " expérimentation ?\n2. Si le comité technique ne répond pas dans les délais, son silence vaut-il"
        " refus ?",
        DEFAULT_NOW,
    )
    said = " ".join(plain(line) for line in reply.body)
    assert "5 ans" in said and "non : le comite technique" in said, reply.body


def test_a_message_of_too_many_clauses_is_kept_whole() -> None:
    # One regex pass without nested repetition (linear); more than MAX_PARTS questions are answered whole.
    hostile = "quel est le montant, " * 20_000 + "?"
    assert split_questions(hostile) == [hostile]


def test_questions_listed_as_items_without_their_question_mark_are_parts() -> None:
    message = (
        "Nous avons reçu 14 dossiers recevables pour notre région. Notre directeur demande :\n"
        "- combien d'établissements peuvent être retenus au maximum ;\n"
        "- sur quels critères départager les candidats.\n"
    )
    assert len(split_questions(message)) == 2
    said = plain("\n".join(answer_question(message, DEFAULT_NOW).body))
    assert "10" in said and "occupation" in said
    # Items that tell facts are no questions.
    assert split_questions("Deux patients :\n- P-001 en mars ;\n- P-002 en avril.\nCombien ?") == [
        "Deux patients :\n- P-001 en mars ;\n- P-002 en avril.\nCombien ?"
    ]


def test_a_part_that_computes_what_another_only_stated_is_kept() -> None:
    """Two parts answered by the same entry: the second, which computes, is not dropped as a repeat."""
    reply = answer_question(
        "Objet : forfait par séance ?\n\nBonjour,\n\nDans une présentation on nous avait parlé de 115 € "
        "par séance. Est-ce bien le mode de calcul retenu ?\nConcrètement, une patiente a eu 4 séances à "
        "domicile en novembre 2025 (son premier mois en HAD) et 3 en décembre 2025 : combien touchons-nous ?"
        "\n\nMerci",
        DEFAULT_NOW,
    )
    said = plain("\n".join(reply.body))
    assert "440,00 €" in said and len(reply.data["parts"]) == 3


def test_a_part_asking_the_establishments_own_data_is_handed_over_alone() -> None:
    reply = answer_question(
        "Bonjour,\n\nDevons-nous déposer un dossier par site ? Et notre dossier a-t-il été retenu ?\n\nMerci",
        DEFAULT_NOW,
    )
    said = plain("\n".join(reply.body))
    assert reply.needs_human and "candidat unique" in said
    assert reply.data["unanswered_parts"] == ["Et notre dossier a-t-il été retenu ?"]


def test_a_clause_announcing_the_questions_is_the_context_of_each() -> None:
    """« Agent de l'ARS Normandie, je voudrais confirmer deux points : … ? Et … ? »: the region named before
    the colon holds for both questions; a file received after its deadline is not receivable."""
    parts = split_questions(
        "Agent de l'ARS Normandie, je voudrais confirmer deux points : quand transmettre la liste à la "
        "DGOS ? Et un dossier arrivé le 17 mai peut-il encore être examiné ?"
    )
    assert len(parts) == 2 and all(p.startswith("Agent de l'ARS Normandie") for p in parts)
    asked = "un dossier arrivé le 17 mai en Normandie peut-il encore être examiné ?"
    late = answer_question(asked, DEFAULT_NOW)
    assert plain(late.body[0]).startswith("non : un dossier recu apres la date limite")


def test_a_region_named_once_holds_for_every_part() -> None:
    reply = answer_question(
        "date limite AMI normandie c quand deja ?? on est le 12 on a encore le tps de deposer ?",
        datetime(2025, 5, 12, 10, tzinfo=ZoneInfo("Europe/Paris")),
    )
    said = plain("\n".join(reply.body))
    assert "oui : il est encore temps, la date limite de candidature (normandie)" in said
    assert "ile-de-france" not in said


def test_a_part_answered_above_gets_no_heading_over_nothing() -> None:
    """« Est-il encore possible de déposer, et combien de jours nous reste-t-il ? »: the deadline answers
    both; the second part's heading is not left alone with nothing under it."""
    reply = answer_question(
        "Notre dossier pour l'AMI de l'ARS Île-de-France est presque prêt. Est-il encore possible de déposer "
        "notre candidature, et combien de jours nous reste-t-il ?",
        datetime(2025, 5, 28, 18, tzinfo=ZoneInfo("Europe/Paris")),
    )
    body = reply.body
    for i, line in enumerate(body):
        if line.startswith("«") and line.rstrip().endswith("»"):
            assert i + 1 < len(body) and not body[i + 1].startswith("«"), body


def test_one_intent_asked_twice_gets_both_topics() -> None:
    """« ça a commencé quand et ça s'arrête quand ? » asks two dates: the start and the end; a second date
    already answered by the first topic (the call's publication and its deadline) adds nothing."""
    reply = answer_question("ça a commencé quand exactement et ça s'arrête quand ?", NOW)
    said = plain("\n".join(reply.body))
    assert "6 fevrier 2025" in said and "5 fevrier 2028" in said, said
    reply = answer_question("l'AMI normand a été publié quand ? et jusqu'à quand pouvait-on déposer ?", NOW)
    assert "5 fevrier 2028" not in plain("\n".join(reply.body)), reply.body


def test_the_question_asked_again_of_a_year_stays_with_it() -> None:
    text = (
        "Perfusion à domicile toutes les 6 semaines, la 1re le 12 mai 2026, la dernière le 19 janvier 2027. "
        "1) Quel est le total des forfaits depuis le début ?\n2) Et pour la seule année 2026 ?"
    )
    assert split_questions(text) == [text]
    body = " ".join(answer_question(text, datetime(2027, 2, 8, 10, tzinfo=ZoneInfo("Europe/Paris"))).body)
    assert "1 040,00 €" in body
    assert "Pour les mois de 2026 : 920,00 €" in body


def test_seeing_that_in_the_bot_after_an_amount_asked_is_the_forfaits_command() -> None:
    """« combien pour ce patient ? et y a une commande pour voir ça direct dans le bot ? »: « ça » is the
    amount the part before asks."""
    reply = answer_question(
        "combien pour un patient avec une perf a dom en janvier (1ere), fevrier et mars 2026 ? et y a une "
        "commande pour voir ca direct dans le bot ?",
        NOW,
    )
    said = "\n".join(reply.body)
    assert "560,00 €" in said and "/expe50 forfaits" in said
