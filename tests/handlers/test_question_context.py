"""A case told in statements is the context of the question asked, not the question: it neither makes the
question one about the asker's own data nor breaks a computation split over numbered questions."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.questions import answer_question
from handlers.reply import Status

NOW = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))


def test_a_case_told_as_context_gets_the_rule() -> None:
    reply = answer_question(
        "Un patient de notre établissement a été adressé en HAD en mai 2025, avant la publication de "
        "l'arrêté listant les établissements retenus. Ouvre-t-il droit au forfait d'inclusion ?",
        NOW,
    )
    assert reply.status != Status.UNKNOWN
    # (the fee named may be told beside the rule, never before it)
    assert reply.data["topics"][0] == "patient_referral_date"
    assert reply.body[0].startswith("Non :")


def test_a_data_question_reported_in_a_statement_is_still_handed_over() -> None:
    reply = answer_question(
        "Bonjour, un établissement nous demande quel montant il a touché en 2025 au titre de "
        "l'expérimentation. Pouvez-vous vérifier ?",
        NOW,
    )
    assert reply.status == Status.UNKNOWN


def test_numbered_questions_share_the_months_told_before_them() -> None:
    reply = answer_question(
        "Bonjour,\nNous avons inclus 10 patients en novembre 2025 ; tous ont eu au moins une administration "
        "à domicile en novembre et en décembre 2025.\n1) Quel est le montant total dû au titre de 2025 ?\n"
        "2) En quelle année ce montant sera-t-il versé ?\nCordialement",
        NOW,
    )
    text = "\n".join(reply.body)
    assert "4 400,00 €" in text  # the total, read with the list's « 1) » left aside
    assert "2026" in text  # the second question (when it is paid) keeps its own answer


def test_a_fact_two_entries_state_is_said_once() -> None:
    reply = answer_question(
        "on a adresse un patient en HAD en mai 2025, avant l'arrete de selection. on peut le declarer pour "
        "le forfait ?",
        NOW,
    )
    assert len(reply.body) == len(set(reply.body))


def test_a_question_wrapped_over_two_lines_of_an_email_is_one_question() -> None:
    reply = answer_question(
        "Objet : transport des patients HAD\n\nBonjour,\n\nLes patients suivis en HAD qui doivent revenir "
        "au CH pour un bilan : le transport en VSL est-il pris en\ncharge dans le cadre de l'expérimentation "
        "?",
        NOW,
    )
    assert reply.status == Status.UNKNOWN and reply.data.get("out_of_scope")


def test_the_year_a_sum_is_asked_for_is_not_the_months_context() -> None:
    said = "\n".join(
        answer_question(
            "forfaits 2026 pr P-01020 : inclusion nov 2025, ensuite admin tt les mois de janv a dec 2026", NOW
        ).body
    )
    assert "Pour les mois de 2026 : 1 440,00 €" in said


def test_what_the_texts_leave_open_about_payment_and_the_last_month_goes_to_a_person() -> None:
    at = datetime(2028, 1, 25, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question(
        "dernière administration le 2 février 2028 : le forfait de février 2028 est dû en entier ou au "
        "prorata ?",
        at,
    )
    assert reply.needs_human and any("au prorata" in line for line in reply.body)
    reply = answer_question("À quelle date précise la dotation 2026 sera-t-elle versée en 2027 ?", NOW)
    assert reply.needs_human and any("versés en 2027" in line for line in reply.body)


def test_an_incident_or_an_act_asked_of_the_reader_goes_to_a_person() -> None:
    """A bug on the tool, an access to give, a delay to grant: a person acts, whatever entry the words name;
    in a message of two questions the other part is still answered, and a message whose answered part turns
    on an open point is a hand-over as a whole."""
    for message in (
        "le bot me met 'patient inconnu' pour P-00412 alors que je l'ai saisi hier soir, c un bug ??",
        "Pourriez-vous donner accès au bot à ma collègue (c.d@ch-lisieux.fr) pour le site de Lisieux ?",
        "notre DIM est en arret jusqu'a mi-septembre, on peut avoir un délai pour le rapport de suivi ?",
    ):
        reply = answer_question(message, NOW)
        assert reply.status is Status.UNKNOWN and reply.needs_human, (message, reply.body)
    reply = answer_question(
        "Nous n'avons pas pu transmettre le rapport de suivi du 1er septembre. Quelles sont les conséquences "
        "? Un délai supplémentaire peut-il nous être accordé ?",
        datetime(2026, 9, 15, 10, tzinfo=ZoneInfo("Europe/Paris")),
    )
    assert reply.status is Status.UNKNOWN and reply.needs_human, reply.body


def test_a_call_and_the_selection_are_told_in_the_tense_of_today() -> None:
    """Before the Normandie call is published it « doit être publié »; after the deadlines but before the
    arrêté's month is over, the list « doit être fixée », not « a été fixée »."""
    early = datetime(2025, 3, 4, 10, tzinfo=ZoneInfo("Europe/Paris"))
    said = "\n".join(answer_question("l'AMI de l'ARS Normandie est publié quand ?", early).body)
    assert "doit être publié le 15 avril 2025" in said, said
    june = datetime(2025, 6, 2, 10, tzinfo=ZoneInfo("Europe/Paris"))
    said = "\n".join(answer_question("on a loupé la date normandie, on peut encore deposer ?", june).body)
    assert "doit être fixée par arrêté des ministres en juillet 2025" in said, said
    assert "a été fixée" not in said
    later = datetime(2025, 9, 2, 10, tzinfo=ZoneInfo("Europe/Paris"))
    said = "\n".join(answer_question("on a loupé la date normandie, on peut encore deposer ?", later).body)
    assert "a été fixée par arrêté des ministres en juillet 2025" in said, said


def test_a_weak_general_topic_does_not_drop_a_strong_specific_one() -> None:
    """« combien de dossiers max l'ARS HDF peut retenir ? on serait 14 candidats » is the cap per region,
    though the national count of files (which supersedes it when both are asked) grazed the words."""
    reply = answer_question("combien de dossiers max l'ARS HDF peut retenir ? on serait 14 candidats", NOW)
    assert reply.data["topics"][0] == "max_per_region", reply.data
    assert any("10" in line for line in reply.body), reply.body


def test_a_sites_own_cap_turns_on_its_tariffs() -> None:
    """Asked for one's own site, the monthly cap needs the site's tariffs, which we do not hold: a hand-over
    with the rule."""
    reply = answer_question(
        "le forfait de 120 € est-il plafonné à un montant inférieur pour notre site ? quels tarifs retenir ?",
        NOW,
    )
    assert reply.status is Status.UNKNOWN and reply.needs_human, reply.body


def test_a_partner_merging_is_a_convention_change_and_a_number_no_contact() -> None:
    """A partner HAD that merges and signs a new convention: notified within the delay (answered); whether
    the convention still holds is a person's call. « son numéro commence par 2A » of a FINESS asks no contact
    detail."""
    reply = answer_question(
        "Notre HAD partenaire fusionne au 1er mars avec une HAD voisine ; nous allons signer une nouvelle "
        "convention d'association. Dans quel délai devons-nous informer l'ARS de ce changement ?",
        NOW,
    )
    assert reply.status is not Status.UNKNOWN and any("3 mois" in line for line in reply.body), reply.body
    reply = answer_question(
        "Notre HAD partenaire fusionne avec une autre HAD. Notre convention reste-t-elle valable, et notre "
        "participation est-elle remise en cause ?",
        NOW,
    )
    assert reply.status is Status.UNKNOWN and reply.needs_human, reply.body
    reply = answer_question(
        "L'un de nos sites est en Corse-du-Sud et son numéro FINESS commence par 2A : est-ce accepté ?", NOW
    )
    assert reply.data.get("asked_point") != "contact_detail", reply.data


def test_a_delay_asked_for_a_patients_erasure_or_a_report_delivered_go_to_a_person() -> None:
    for message in (
        "Nous sollicitons un report de la remise du rapport initial au 15 décembre. Pouvez-vous nous "
        "indiquer si ce délai peut nous être accordé ?",
        "Un patient demande l'effacement de ses données de l'expérimentation. Que devons-nous faire ?",
        "L'expérimentation est terminée. Le rapport d'évaluation au Parlement a-t-il bien été remis, et où "
        "peut-on le consulter ?",
        "Nous ne pourrons pas produire le rapport. Serait-il possible d'obtenir un délai d'un mois ?",
        "la commande forfaits me renvoie une erreur depuis ce matin (ecran vide), c normal ?",
        "Le CH souhaite retirer le dossier de candidature déposé le 28 mai. Pouvez-vous le confirmer ?",
        "Nous ne retrouvons pas nos crédits 2025. Pourriez-vous vérifier de votre côté ?",
    ):
        reply = answer_question(message, datetime(2028, 3, 6, 10, tzinfo=ZoneInfo("Europe/Paris")))
        assert reply.status is Status.UNKNOWN and reply.needs_human, (message, reply.body)


def test_the_kind_of_cancer_told_changes_no_rule() -> None:
    """« pour un patient myélome/SMD : l'azacitidine SC à domicile rentre-t-elle dans le périmètre ? »: the
    disease is the case's detail; the drug's route settles the scope."""
    reply = answer_question(
        "Pour un patient myélome/SMD : l'azacitidine SC faite à domicile par l'HAD rentre-t-elle dans le "
        "périmètre ?",
        NOW,
    )
    assert reply.status is not Status.UNKNOWN and reply.body[0].startswith("Oui"), reply.body


def test_a_newcomers_words_for_the_fee_and_the_had() -> None:
    """« le bonus qu'on touche qd un patient passe en hôpital à domicile » is the forfait of a referral to
    the HAD."""
    reply = answer_question(
        "c quoi le bonus qu'on touche qd un patient passe en hopital a domicile ? c'est par seance ?", NOW
    )
    said = "\n".join(reply.body)
    assert reply.status is not Status.UNKNOWN and "320,00 €" in said and "120,00 €" in said, said


def test_article_51_chosen_over_article_50_tells_its_length() -> None:
    """« un projet au titre de l'article 51 plutôt que de l'article 50 ? »: article 51's length (5 years at
    most) beside article 50's dates."""
    reply = answer_question(
        "Un porteur nous propose un projet de chimio à domicile au titre de l'article 51 plutôt que de "
        "l'article 50. Quelle différence pour nous ?",
        NOW,
    )
    assert any("5 ans" in line for line in reply.body), reply.body


def test_a_question_told_in_the_body_under_a_subject_that_asks_is_read() -> None:
    # The subject line ends on « ? »; the question itself is told without one (« souhaite savoir si »): a
    # drug's clinical risk weighed is the physicians' call.
    reply = answer_question(
        "Objet : Bispécifiques en HAD ?\n\nBonjour,\n\nUn de nos hématologues souhaite savoir si les "
        "patients sous teclistamab pourraient recevoir leurs injections à domicile par l'HAD dès le 2e "
        "cycle, compte tenu du risque de syndrome de relargage cytokinique.\n\nMerci,\nJeanne Fabre",
        NOW,
    )
    assert reply.status == Status.UNKNOWN and reply.needs_human


def test_a_patients_own_cost_and_a_fee_shared_with_the_had_go_to_a_person() -> None:
    for question in (
        "Est-ce que je vais avoir quelque chose à payer pour mes perfusions à la maison ?",
        "l'HAD partenaire veut qu'on leur reverse la moitie du 320 via la convention, c autorise ?",
    ):
        reply = answer_question(question, NOW)
        assert reply.status == Status.UNKNOWN and reply.needs_human, question
    # Who is paid, said wrongly, is still answered: the establishment.
    reply = answer_question(
        "on m'explique que c l'HAD qui encaisse le forfait et qu'elle nous en reverse une partie ?? "
        "c normal ?",
        NOW,
    )
    assert reply.status != Status.UNKNOWN


def test_everyday_words_and_a_loose_cue_no_longer_hand_over() -> None:
    from tests.support.question_probe import plain

    # « demain » is an everyday word; « PEC » is the care.
    reply = answer_question(
        "dossier normandie presque pret, on a jusqu'a quand exactement ? demain c encore bon ?",
        datetime(2025, 5, 14, 10, tzinfo=ZoneInfo("Europe/Paris")),
    )
    assert "16 mai" in plain("\n".join(reply.body)), reply.body
    # Whether the experiment is an article 51 project is answered; « passer en article 51 » is a frame
    # switch only as a phrase (an « & » cue read « en », « article », « 51 » anywhere).
    reply = answer_question("l'expe 50 c un art 51 en fait non ? faut passer par le comite technique ?", NOW)
    assert reply.status != Status.UNKNOWN and "non" in plain("\n".join(reply.body))
    reply = answer_question("on peut passer en article 51 pour avoir plus que 3 ans ?", NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human
    # A blood count read for tomorrow's dose is the physicians' call.
    reply = answer_question(
        "patient sous keytruda, PNN a 0,8 ce matin, on maintient l'admin a dom demain ou on le fait venir "
        "en HDJ ?",
        NOW,
    )
    assert reply.status == Status.UNKNOWN and reply.needs_human


def test_a_condition_is_no_own_state_and_give_is_a_verb_after_a_pronoun() -> None:
    at = datetime(2025, 6, 20, 10, tzinfo=ZoneInfo("Europe/Paris"))
    # « si on est retenus, … ? » sets a condition; « dites-moi si on est retenus » asks the file's state.
    reply = answer_question(
        "si on est retenus, un pt qu'on a adressé en HAD le 12 juin (donc avant la liste des etab) il "
        "comptera pr le forfait ?",
        at,
    )
    assert reply.data["topics"] == ["patient_referral_date"]
    assert answer_question("pouvez-vous me dire si on est retenus ?", at).data.get("own_data")
    # « je lui donne accès » is the verb, never « données » (the reports' data, which folds the same).
    reply = answer_question(
        "nouvelle pharmacienne arrivée, comment je lui donne acces pr qu'elle saisisse ?", NOW
    )
    assert reply.data["topics"] == ["bot_access"]
    assert "reports_contents" not in answer_question("comment je lui donne acces ?", NOW).data["topics"]


def test_a_referral_told_before_the_selection_is_the_referral_rule() -> None:
    from tests.support.question_probe import plain

    at = datetime(2025, 9, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question(
        "collegue nouvelle ds le service me dit qu'on pouvait adresser des le 6 fevrier 2025 et etre payés, "
        "c vrai ?",
        at,
    )
    assert reply.data["topics"] == ["patient_referral_date"]
    assert plain(reply.body[0]).startswith("non :")


@pytest.mark.parametrize(
    "question",
    [
        "le versement des forfaits 2025 pr le CH d'Evreux il est parti ou pas ? la treso voit rien arriver",
        "(ARS) le CH de Fecamp dit avoir tout envoye sur demat le 15/05, moi j'ai rien, tu vois leur "
        "dossier ?",
        "Nous avons reçu la notification : 3 840 € pour 2025. Pouvez-vous vérifier le montant qui nous a été "
        "notifié ?",
    ],
)
def test_the_state_of_one_file_or_payment_goes_to_a_person(question: str) -> None:
    reply = answer_question(question, NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human
    # The rule asked of an amount is still answered.
    assert answer_question("Pourriez-vous nous rappeler le montant du forfait mensuel ?", NOW).status != (
        Status.UNKNOWN
    )


def test_the_months_not_entered_are_seen_with_patients_and_a_late_entry_stays_one() -> None:
    reply = answer_question("comment voir les patients pour lesquels il manque des mois de saisie ?", NOW)
    assert reply.data["topics"] == ["bot_missing_months"]
    assert any("/expe50 patients" in line for line in reply.body)
    reply = answer_question(
        "les admin de decembre et janvier ont pas été saisies (collegue en congé mat), je peux encore les "
        "saisir ?",
        NOW,
    )
    assert "bot_missing_months" not in reply.data.get("topics", [])


def test_reminders_no_longer_wanted_get_the_command_that_stops_them() -> None:
    reply = answer_question("je veux plus les rappels du bot svp c bon j ai compris", NOW)
    assert any("/expe50 rappels non" in line for line in reply.body)


@pytest.mark.parametrize(
    "question",
    [
        # One establishment's selection or notification is its file.
        "Pouvez-vous nous indiquer si le CH de Meaux fait partie des établissements retenus ?",
        "la MIG 2025 de l'expé a ete notifiee pour le CH de Fecamp ? c'est quel montant exactement ?",
        # The reader asked to look into one file.
        "Le patient adressé le 14/10/2025 apparaît « non rémunéré ». Pouvez-vous vérifier pourquoi son "
        "forfait d'inclusion n'a pas été pris en compte ?",
        # A partner losing its authorisation: a change no text settles.
        "notre HAD partenaire aurait perdu son autorisation (?) a ce qu'on entend, on fait quoi pr nos pts ?",
    ],
)
def test_one_file_or_an_unsettled_change_goes_to_a_person(question: str) -> None:
    reply = answer_question(question, NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human


def test_a_second_partner_had_is_told_the_notice_of_a_convention_change() -> None:
    from tests.support.question_probe import plain

    reply = answer_question(
        "Un établissement retenu souhaite conclure une convention avec une seconde HAD. Est-ce possible, et "
        "doit-il nous en informer dans un délai particulier ?",
        NOW,
    )
    assert "3 mois" in plain("\n".join(reply.body))


def test_a_secretary_and_a_prefilled_draft_are_words_of_using_the_bot() -> None:
    reply = answer_question(
        "nouvelle secretaire dans le service, elle doit pouvoir saisir, comment je lui donne acces ?",
        NOW,
    )
    assert reply.data["topics"] == ["bot_access"]
    reply = answer_question("le bot peut me préremplir le rapport initial ?", NOW)
    assert reply.status != Status.UNKNOWN
    assert any("/expe50 rapport" in line for line in reply.body)


@pytest.mark.parametrize(
    "question",
    [
        "tjs pas de retour sur notre candidature (CH de Lisieux), on est pris ou pas ??",
        "Un établissement retenu renonce à l'expérimentation. Pouvons-nous le remplacer par le dossier "
        "classé onzième par notre comité ?",
    ],
)
def test_a_file_s_outcome_and_a_withdrawal_go_to_a_person(question: str) -> None:
    reply = answer_question(question, NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human


@pytest.mark.parametrize(
    "question",
    [
        "pouvez vous verifier si l'ARS a bien lance le versement de nos forfaits 2025 ? toujours rien",
        "Nous n'avons rien reçu au titre des forfaits 2025. Pouvez-vous vérifier l'état de notre dossier ?",
    ],
)
def test_whether_an_act_was_done_on_a_file_goes_to_a_person(question: str) -> None:
    reply = answer_question(question, NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human


def test_the_selection_committee_of_another_region_is_handed_over() -> None:
    at = datetime(2025, 6, 12, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question("le comite de selection en IDF il se reunit qd ?", at)
    assert reply.needs_human
    assert any("que pour la Normandie" in line for line in reply.body)
