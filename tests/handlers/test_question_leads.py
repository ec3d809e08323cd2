"""« Oui » / « Non » open the answer to a yes/no question the entry settles (the entries' `lead`, data in
rules/data/knowledge): asked either way round, in one question of several, and never on a question that
only resembles it."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.questions import answer_question
from handlers.reply import Status
from tests.support.question_probe import plain

NOW = datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))


def _opening(question: str) -> str:
    reply = answer_question(question, NOW)
    assert reply.status != Status.UNKNOWN, reply.body
    return next(line for line in reply.body if not line.startswith("J'ai lu"))


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("un ESPIC peut candidater ?", "Oui :"),
        ("clinique privée sous CPOM, on a le droit de postuler ?", "Oui :"),
        ("la catégorie e peut-elle participer ?", "Non :"),
        ("c bien que la catégorie e du L162-22 est exclue de l'expé ?", "Oui :"),
        (
            "3 sites sous un FINESS juridique : je confirme qu'on était un seul candidat, mais qu'on fait "
            "les rapports de suivi site par site ?",
            "Oui :",
        ),
        # Asked the other way round.
        ("les CHU sont-ils exclus de l'expérimentation ?", "Non :"),
        ("avec l'ancienne autorisation de chimiothérapie, on peut candidater ?", "Oui :"),
        ("nous sommes une HAD, pouvons-nous être candidats ?", "Non :"),
        ("jpeux noter le numéro de sécu dans l'adressage ?", "Non :"),
        ("notre HAD affirme qu'elle perçoit aussi le forfait d'inclusion, c'est vrai ?", "Non :"),
        ("c bien 3x320 le plafond du forfait d'inclusion ?", "Non :"),
        ("le plafond de l'inclusion c 3 x 120 ?", "Oui :"),
        ("enfant de 5 ans, notre HAD n'a pas la mention moins de 3 ans, ça passe ?", "Oui :"),
        ("une clinique du e) de l'article L.162-22 peut candidater ?", "Non :"),
        # An element of a report, put to the test against the report that asks it (annexes 2 and 3).
        ("ds le rapport de suivi faut mettre le taux d'occup de l'HDJ chimio ??", "Oui :"),
        (
            "dans le rapport initial faut bien donner une cible d'adressages pour chacune des trois annees ?",
            "Oui :",
        ),
        ("dans le rapport initial on doit indiquer le taux d'occupation de l'HDJ ?", "Non :"),
        # Payment tied to the reports, asked either way round.
        ("si on envoie pas les rapports d'evaluation on risque de pas etre payes, c'est bien ca ?", "Oui :"),
        ("si on envoie pas les rapports d eval on est paye qd mm ?", "Non :"),
        ("aucune injection a domicile en janvier, donc 0 euro pour janvier c'est ca ?", "Oui :"),
        ("un mois sans injection on touche quand meme le mensuel ?", "Non :"),
        ("CHU avec 3 sites autorisés : on dépose un seul dossier de candidature, c'est bien ça ?", "Oui :"),
        ("le dossier de candidature doit etre signe par le directeur de l'etablissement c'est ca ?", "Oui :"),
        ("l'ARS regarde le taux d'occupation de l'HDJ qui fait les TMSC, c'est bien un critere ?", "Oui :"),
        ("les 2 HAD couvrent honfleur. c l'ARS qui attribue le patient a l'une des deux ?", "Non :"),
        # A command named, put to the test against the one that does it.
        ("c bien la commande echeances pour voir les prochaines dates limites ?", "Oui :"),
        ("c'est bien la commande annuler pour corriger une saisie ?", "Non : c'est la commande « modifier »"),
        # Corrected in place, nothing erased; an import, not a retyping.
        ("pour corriger une administration mal saisie faut tout supprimer et ressaisir, c'est ça ?", "Non :"),
        ("si je corrige une saisie, l'ancienne elle est effacée ?", "Non :"),
        ("notre tableau excel des adressages, on peut bien l'importer directement dans le bot ?", "Oui :"),
        ("c bien 320€ le forfait d'incl ?", "Oui :"),
        # Paid once, capped by the tariffs' difference, a law of its own; an import rather than retyping.
        ("le forfait d'inclusion est versé chaque mois tant que le patient reste en HAD ?", "Non :"),
        ("le 120 € mensuel peut il depasser l'ecart entre tarif HDJ et tarif HAD ?", "Non :"),
        ("l'expérimentation article 50 est-elle une expérimentation au titre de l'article 51 ?", "Non"),
        ("est-il possible de les importer dans l'outil plutôt que de les saisir un par un ?", "Oui :"),
        # The yes/no question is the second of two.
        (
            "c'est quoi la différence avec l'article 51 ? faut-il aussi passer par le comité technique ?",
            "Non :",
        ),
    ],
)
def test_a_settled_yes_no_question_opens_with_the_verdict(question: str, lead: str) -> None:
    assert any(line.startswith(lead) for line in answer_question(question, NOW).body)


@pytest.mark.parametrize(
    "question",
    [
        "quelles catégories d'établissements peuvent participer ?",  # not a yes/no question
        "sans autorisation TMSC ni ancienne autorisation chimio, on peut candidater ?",
        "c'est quoi la différence entre l'article 50 et l'article 51 ?",
        # a date put forward is not read as a guess (the deadline's verdicts say whether it has passed)
        "date limite normandie c quand ? le 16/05 ?",
        "y a pas de limite au nombre de had partenaires ?",  # asked the other way round: no bare verdict
        "vu que le forfait mensuel est de 120 €, combien pour 6 mois ?",  # granted and right: the sum only
        "le forfait mensuel ne peut pas dépasser l'écart entre les tarifs HDJ et HAD, c'est ça ?",
    ],
)
def test_no_verdict_where_none_is_asked_or_settled(question: str) -> None:
    assert not _opening(question).startswith(("Oui", "Non"))


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        # A lead placed in front of a sentence whose template does not place it (the first word lowered).
        (
            "Notre CHU a trois sites sous le même FINESS juridique. Devons-nous déposer trois candidatures ?",
            "non : un",
        ),
        ("j'ai oublie de saisir les inj d'avril pr 3 patients, c trop tard ?", "non : une administration"),
        ("on peut encore saisir les admins de mars ?", "oui : une administration"),
        (
            "Pouvons-nous candidater maintenant et transmettre la convention après la sélection ?",
            "non : l'etablissement",
        ),
        (
            "Notre HAD partenaire travaille aussi avec la clinique voisine, est-ce compatible ?",
            "oui : une meme had",
        ),
        (
            "si nous n'envoyons pas les rapports d'évaluation, touchons-nous quand même les forfaits ?",
            "non : le",
        ),
        # A route said with no drug named; a value said of article 50 in a question naming article 51 too.
        (
            "une immunothérapie en sous-cutané administrée à domicile compte pour le forfait ?",
            "oui : un traitement",
        ),
        ("l'expe art 50 dure 5 ans c ca ? j'ai lu ca qq part a propos des art 51", "non : 3 ans"),
        ("c'est bien 5 ans comme les art 51 notre expe ?", "non : 3 ans"),
        # Per month, not per session: asked whether it is per session, no; whether one forfait, yes.
        ("si 2 injections dans le meme mois ca fait 2 forfaits ?", "non :"),
        ("c bien 115 € par seance le forfait ?", "non :"),
        ("3 perfusions en mars, on a un seul forfait ?", "oui :"),  # the route told is not the question
        ("le forfait est bien par mois et pas par seance ?", "oui :"),
        # Who is paid, the HAD named by a pronoun or with an object pronoun before the verb.
        ("l'HAD me dit que c'est elle qui touche le forfait, c'est vrai ?", "non :"),
        ("le forfait d'inclusion c'est l'HAD qui le facture ?", "non :"),
        # Article 51: the HAS's silence is a refusal; a project may last longer than three years.
        ("pour un art 51 si la HAS ne repond pas dans les 2 mois c'est un accord tacite ?", "non :"),
        ("un projet art 51 ca peut durer plus longtemps que l'expe 50 ?", "oui :"),
        # A child under 3: not excluded, but not with any HAD.
        ("un enfant de 20 mois est-il exclu de l'experimentation ?", "non :"),
        ("bebe de 20 mois, n'importe quelle HAD partenaire peut le prendre ?", "non :"),
        # A month told against the end of the experiment.
        ("on peut encore inclure des nouveaux patients en janvier 2028 ?", "oui :"),
        ("patient encore traite en mars 2028, on touche le forfait ?", "non :"),
        # « c'est de l'immuno, pas de la chimio »: a contrast, the scope is still asked.
        ("pembro en sc a dom, ca rentre ds l expe ? c de l immuno pas de la chimio", "oui :"),
        ("herceptin SC fait par l'HAD ca compte comme TMSC ou pas vu que c pas de l'IV ?", "oui :"),
        # A value followed by « c'est bien (ça) » puts it to the test.
        ("1er mois a dom = 320e c bien ca ?", "oui : c'est bien 320,00 €"),
        ("inclusion = 3x120 = 360e c bien ca ? (pr le budget previsionnel)", "non : c'est 320,00 €"),
        # A figure put forward after an open question is put to the test; a limit asked of a thing without.
        ("combien d etab retenus max en hauts de france? 15?", "non : au plus 10"),
        ("le forfait mensuel c combien ? 150 ?", "non : c'est 120,00 €"),
        ("l art 51 ca dure combien ? 5 ans ?", "oui : 5 ans"),
        ("on peut avoir combien de HAD partenaires max ? 2 ?", "non : le nombre"),
        ("y a un max de HAD partenaires ?", "non : le nombre"),
        # A value taken for granted by an open question is told wrong (and a right one gets no « Oui »).
        ("vu que le forfait c'est 115 € par seance, on touche combien pour 6 seances sur le mois ?", "non :"),
        ("puisque l'expé dure 5 ans, quand finit-elle ?", "non : 3 ans"),
        # « dossier fini hier soir » is the file, not the call: can it still be sent? No, the date is past.
        ("on a raté la date normandie (dossier fini hier soir), on peut l'envoyer qd meme ?", "non :"),
        # A delay in months; a change to notify; a follow-up report's date, by its rank when one is named.
        ("on a 6 mois pour declarer un changement de convention avec l'had ?", "non : 3 mois"),
        ("changement de convention, c dans les 3 mois qu on doit prevenir ?", "oui : 3 mois"),
        ("on change d HAD partenaire en janvier (nvelle convention), faut prevenir l ARS ?", "oui : tout"),
        ("le 2e rapport de suivi c'est le 1er sept 2027 ?", "oui : le 1er septembre 2027"),
        ("le deuxieme rapport de suivi c'est le 1er septembre 2026 ?", "non : le 1er septembre 2027"),
        # The monthly fee above the tariffs' gap; an 11th establishment; a drug « non oral » said so.
        ("le forfait mensuel peut il etre superieur a l'ecart entre le tarif HDJ et le tarif HAD ?", "non :"),
        ("si la region a deja 10 candidats retenus on peut etre le 11eme ?", "non : au plus 10"),
        ("herceptin SC (trastuzumab sous cut) = TMSC non oral donc ok pour les forfaits ?", "oui :"),
        ("juste pour confirmer : 120 e pour chaque mois suivant avec 1 adm a domicile c bien ca ?", "oui :"),
        # The HAD writing: « nous » is the HAD; a newcomer's « prime » is the forfait.
        ("coordo HAD : le forfait de 320, c'est bien nous qui le facturons a la caisse ?", "non :"),
        ("coordo HAD ici, on a droit a la prime nous aussi quand on prend un patient de l'expé ?", "non :"),
        # Patients kept in a spreadsheet: one import; an HAD outside its area, even exceptionally: no.
        ("on a tous nos patients dans un fichier excel, faut les retaper un par un dans slack ??", "non :"),
        (
            "le patient habite hors de la zone de notre HAD. l'HAD peut y aller exceptionnellement ?",
            "non :",
        ),
        # An incomplete file, a file sent by mail, a sum billed each month, a « quand » that tells the case.
        ("si il manque la convention HAD dans le dossier, il est etudié qd meme ?", "non :"),
        ("est-ce qu'on peut envoyer le dossier de candidature par mail en pièce jointe ?", "non :"),
        ("on facture 320 € chaque mois par patient c ca ?", "non :"),
        ("quand 2 HAD couvrent la commune du patient c'est l'ARS qui designe laquelle intervient ?", "non :"),
    ],
)
def test_yes_or_no_opens_the_answer(question: str, opening: str) -> None:
    reply = answer_question(question, NOW)
    said = [plain(line) for line in reply.body]
    assert any(line.startswith(opening) for line in said), said
    other = "non :" if opening.startswith("oui") else "oui :"
    assert not any(line.startswith(other) for line in said), said  # never both
    assert len(said) == len(set(said))  # no sentence said twice


def test_a_report_sent_late_gets_no_bare_no() -> None:
    # « Risquons-nous de perdre les forfaits ? » about a late report: « Non » would say there is no risk.
    reply = answer_question(
        "Nous n'avons pas pu transmettre le second rapport de suivi au 1er septembre, nous l'enverrons d'ici "
        "trois semaines. Risquons-nous de perdre les forfaits 2026 ?",
        NOW,
    )
    assert not any(plain(line).startswith("non") for line in reply.body), reply.body
    assert reply.needs_human


def test_asked_whether_the_mention_is_required_for_an_older_child_the_answer_is_no() -> None:
    reply = answer_question(
        "Pour nos patients de 4 à 6 ans, l'HAD doit-elle obligatoirement détenir la mention « enfants de "
        "moins de trois ans » ?",
        NOW,
    )
    assert plain(reply.body[0]).startswith("non : la mention"), reply.body
    reply = answer_question("enfant de 4 ans, HAD sans la mention, ça passe ?", NOW)
    assert plain(reply.body[0]).startswith("oui : la mention"), reply.body


def test_a_clinical_question_naming_a_route_gets_no_yes_on_the_scope() -> None:
    # Found on the sealed set T2 once measured: « sous immunothérapie IV … pouvons-nous maintenir la prochaine
    # administration ? » opened on « Oui : un traitement … non oral entre dans le champ ».
    reply = answer_question(
        "Patient sous immunothérapie IV toutes les 3 semaines en HAD. Pouvons-nous maintenir la prochaine "
        "administration à domicile ou faut-il le rapatrier en HDJ ?",
        NOW,
    )
    assert not any(plain(line).startswith("oui") for line in reply.body), reply.body


def test_a_lead_placed_in_front_is_in_the_cited_sentence_too() -> None:
    reply = answer_question(
        "Notre CHU a trois sites sous le même FINESS juridique. Devons-nous déposer trois candidatures ?", NOW
    )
    opening = next(line for line in reply.body if plain(line).startswith("non : un"))
    assert opening in [r.text for r in reply.reasons]


def test_a_supposed_monthly_amount_recomputes_the_cap_and_the_case_told_is_no_premise() -> None:
    """« Notre tarif HDJ est de 410 € … Si le mensuel était ramené à 100 €, l'inclusion pourrait-elle rester à
    320 € ? »: 3 × 100 € = 300 €, no; the 410 € of the case told is not checked against the cap."""
    reply = answer_question(
        "Notre tarif d'HDJ est de 410 €. Si le forfait mensuel était un jour ramené à 100 €, le forfait "
        "d'inclusion pourrait-il rester à 320 € ?",
        NOW,
    )
    said = plain("\n".join(reply.body))
    assert said.startswith("non : avec un forfait mensuel de 100,00 €") and "300,00 €" in said
    assert "410" not in said
    # The verb before the fee (« si l'arrêté baissait le forfait mensuel à 100 € »).
    reply = answer_question("si l arrete baissait le forfait mensuel a 100 €, l inclusion reste a 320 ?", NOW)
    assert plain(reply.body[0]).startswith("non : avec un forfait mensuel de 100,00 €"), reply.body


def test_a_region_named_gives_no_still_open_verdict_to_another_yes_no_question() -> None:
    reply = answer_question(
        "Objet : Candidature AMI – calendrier Île-de-France\n\nBonjour,\n\nNotre établissement (ESPIC) "
        "envisage de répondre à l'AMI article 50.\nQuelle est la date limite de dépôt en Île-de-France ? Par "
        "ailleurs, un collègue m'assure que seuls 10 établissements seront retenus pour toute la France : "
        "est-ce exact ?\n\nCordialement",
        NOW.replace(year=2025, month=5, day=27),
    )
    assert "il est encore temps" not in plain("\n".join(reply.body))


@pytest.mark.parametrize(
    ("day", "lead"),
    [(datetime(2025, 3, 10, tzinfo=NOW.tzinfo), "Non :"), (datetime(2025, 5, 1, tzinfo=NOW.tzinfo), "Oui :")],
)
def test_whether_a_region_s_call_is_out_is_told_by_today(day: datetime, lead: str) -> None:
    reply = answer_question(
        "est ce que l'ami de l'ars normandie est deja sorti ? on voudrait se positionner", day
    )
    assert any(line.startswith(lead) and "15 avril 2025" in line for line in reply.body), reply.body


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("le 1er rapport de suivi c bien sur les donnees 2026 ?", "Non : le premier rapport de suivi"),
        ("le premier rapport de suivi couvre 2025 ?", "Oui : le premier rapport de suivi"),
        ("le deuxième rapport de suivi porte bien sur 2026 et 2027 ?", "Oui : le deuxième rapport de suivi"),
    ],
)
def test_a_follow_up_report_named_by_its_rank_is_checked_against_the_year_put_forward(
    question: str, lead: str
) -> None:
    reply = answer_question(question, datetime(2026, 2, 10, 10, tzinfo=NOW.tzinfo))
    assert reply.body[0].startswith(lead), reply.body
