"""A question that turns on a point the texts leave open (RULES §4: the first month, a second inclusion) is
handed over, carrying the project's working hypothesis; one whose own days settle the point is answered
with it."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from handlers.questions import answer_question
from handlers.questions.normalize import fold
from handlers.questions.open_points import first_month, told_days
from handlers.reply import Status
from tests.support.question_probe import DEFAULT_NOW, PARIS, plain

NOW = DEFAULT_NOW


@pytest.mark.parametrize(
    ("question", "differ"),
    [
        # A later administration in the next calendar month, within 30 days: the readings differ.
        ("1ere adm a dom le 20 oct, la suivante le 12 nov : novembre c encore le mois d inclusion ?", True),
        ("première administration le 28/01, la suivante le 16/02", True),
        ("perfusion le 30 avril puis le 3 mai", True),
        ("première le 28 décembre 2026, puis le 5 janvier", True),  # over the year's end
        # The rule itself asked about.
        ("le premier mois c'est le mois calendaire ou 30 jours ?", True),
        ("1er mois = mois civil ?", True),
        # One calendar month, or more than 30 days apart, or the referral day before the first one: settled.
        ("1ere injection le 4/03 et une 2e le 25/03 : en mars on a 320 + 120 ?", False),
        ("première le 2 janvier, puis le 10 février", False),
        ("patient en HAD depuis le 15/10, 1ere inj a dom le 2/11 : le mois d'inclusion ?", False),
        ("adressé le 28 sept, 1ere injection a dom le 2 octobre", False),
        ("la premiere perf a dom a eu lieu le 31 janvier, janvier compte ?", False),
    ],
)
def test_the_two_readings_of_the_first_month_are_compared(question: str, differ: bool) -> None:
    assert first_month(fold(question)) is differ


def test_days_are_read_in_every_written_form_and_impossible_days_skipped() -> None:
    assert told_days(fold("le 1er février 2027, le 3/3, le 31/02 et le 5 avr.")) == [
        date(2027, 2, 1),
        date(2027, 3, 3),
        date(2027, 4, 5),
    ]


def test_a_question_on_the_open_point_is_handed_over_with_the_hypothesis() -> None:
    asked = "1ere inj a dom le 24 janv, 2e le 7 fev : fevrier c encore le 1er mois ?"
    reply = answer_question(asked, DEFAULT_NOW)
    said = plain("\n".join(reply.body))
    assert reply.status == Status.UNKNOWN and reply.needs_human and reply.data["open_point"] is True
    assert "mois civil" in said and "hypothese de travail" in said  # the hypothesis is still given
    back = "patiente sortie d'HAD en mars, revient en juin : on retouche les 320 ?"
    again = answer_question(back, DEFAULT_NOW)
    assert again.status == Status.UNKNOWN and "un seul forfait d'inclusion" in plain("\n".join(again.body))


def test_days_that_settle_the_point_get_an_answer() -> None:
    reply = answer_question(
        "adressé le 28 sept, 1ere injection a dom le 2 octobre : le mois d'inclusion c'est sept ou oct ?",
        DEFAULT_NOW,
    )
    assert reply.status == Status.WARNING and "open_point" not in reply.data


def test_an_open_point_part_keeps_the_other_parts_of_a_message_answered() -> None:
    reply = answer_question(
        "Bonjour,\nUn patient sort de l'HAD en mars et revient en juin : a-t-on de nouveau le forfait "
        "d'inclusion ?\nPar ailleurs, quand finit l'expérimentation ?\nMerci",
        DEFAULT_NOW,
    )
    said = plain("\n".join(reply.body))
    assert reply.needs_human and reply.status == Status.WARNING
    assert "un seul forfait d'inclusion" in said and "5 fevrier 2028" in said


def test_an_unsettled_point_asked_for_itself_is_handed_over_with_what_is_known() -> None:
    """`{unknown: …, open: true}` (rules/data/knowledge): the precise payment date is in no text."""
    reply = answer_question(
        "Notre trésorerie a besoin de savoir à quel mois précis de 2026 les forfaits de l'activité 2025 "
        "seront délégués. Pouvez-vous nous renseigner ?",
        DEFAULT_NOW,
    )
    said = plain("\n".join(reply.body))
    assert reply.status == Status.UNKNOWN and reply.needs_human
    assert "date precise du versement" in said and "2025 sont verses en 2026" in said
    # The year alone is settled: answered.
    year = answer_question("les forfaits 2025 sont versés quelle année ?", DEFAULT_NOW)
    assert year.status in (Status.OK, Status.WARNING) and "2026" in plain("\n".join(year.body))


def test_a_referral_in_the_month_of_the_selection_arrete_is_handed_over() -> None:
    """Only the arrêté's month is known (juillet 2025): a referral that month cannot be placed before or
    after it; one in another month is answered."""
    asked = "Un patient a été adressé à l'HAD le 2 juillet 2025. Cet adressage ouvre-t-il droit au forfait ?"
    reply = answer_question(asked, DEFAULT_NOW)
    assert reply.status == Status.UNKNOWN and "jour exact de publication" in plain("\n".join(reply.body))
    later = answer_question(asked.replace("juillet", "septembre"), DEFAULT_NOW)
    assert later.status != Status.UNKNOWN and plain(later.body[0]).startswith("oui :")
    before = answer_question("on a adresse un patient en avril 2025, avant la liste, ca compte ?", NOW)
    assert plain(before.body[0]).startswith("non :")


@pytest.mark.parametrize(
    "question",
    [
        # What a late report costs: in no text.
        "Le CH nous demande un délai pour son rapport initial (15 décembre). Pouvons-nous l'accorder sans "
        "conséquence ?",
        "si le rapport de septembre 2027 part en retard, on perd les forfaits ?",
        # Whether another call will come: in no text.
        "Nous n'avons pas été retenus en 2025. Un nouvel appel à candidatures est-il prévu en 2026 ?",
        # An advance on the fee, the tariffs' values: in no text.
        "Peut-on obtenir une avance de trésorerie sur les forfaits 2025 sans attendre l'an prochain ?",
        "Quelle est la valeur du tarif HDJ TMSC et du tarif HAD applicables en 2026 ?",
        # Whether the month the end cuts in two is paid: in no text (RULES §3 [I]), before or after the 5th.
        "perf a dom prevue le 2 fevrier 2028 pr P-00311, le mois de fevrier 2028 sera payé (120) vu que "
        "l'expé finit le 5 ?",
        "derniere perf de P-00560 le 19 fevrier 2028 (apres la fin le 5 fev), fevrier est paye ou pas ?",
        "Nous avons encore deux patients en HAD qui ont reçu une perfusion à domicile le 12 février 2028. "
        "Ces administrations ouvrent-elles droit au forfait mensuel pour février ?",
        # How many a region will select, how its grid weighs a criterion: the ARS's discretion.
        "l'ARS HDF va en retenir combien au final ? on serait 14 candidats dans la region parait-il",
        "dans la grille de selection, le taux d'occupation de l'HDJ compte pour combien de points ?",
        # A task for the writer's own service, another experiment's amounts: out of scope.
        "je serai en conges du 3 au 21 aout, tu peux bloquer mes dates dans le planning du service et "
        "prevenir ma cadre stp ?",
        "un peu hors sujet : l'expé article 51 « PEPS » (paiement en equipe en ville), le forfait c'est "
        "combien par patient et par an ?",
    ],
)
def test_an_unsettled_point_asked_for_itself_is_a_hand_over(question: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human and len(reply.body) >= 2


def test_a_report_never_sent_is_answered() -> None:
    reply = answer_question(
        "Si nous n'envoyons pas le rapport de suivi, les forfaits sont-ils malgré tout versés ?", DEFAULT_NOW
    )
    assert reply.status != Status.UNKNOWN and plain(reply.body[0]).startswith("non")


def test_a_month_named_alone_is_placed_nearest_today() -> None:
    from datetime import date as day

    from handlers.questions.open_points import tells_day

    # « dès juin » asked in May 2025: June 2025, before July; « avant juin » turns it round: unread.
    assert tells_day("on aura la liste des juin ?", 2025, 7, "before", day(2025, 5, 20))
    assert not tells_day("on aura la liste avant juin ?", 2025, 7, "before", day(2025, 5, 20))
    # « adressé en avril » asked in November 2026: April 2026, after July 2025.
    assert tells_day("adresse en avril, ca compte ?", 2025, 7, "after", day(2026, 11, 24))
    # A day without its year is placed so too: « le 24 juin » asked on 3 July 2025 is before July 2025.
    assert tells_day("adressage fait le 24 juin, il sera paye ?", 2025, 7, "before", day(2025, 7, 3))
    assert not tells_day("adressage fait le 24 juin, il sera paye ?", 2025, 7, "after", day(2025, 7, 3))


@pytest.mark.parametrize(
    "message",
    [
        # Who writes, wherever the message says it: a patient's relative.
        "Bonjour,\nMa mère est traitée pour un cancer du sein à l'hôpital de jour. Est-ce qu'elle pourrait "
        "avoir sa chimiothérapie à la maison ?\nMerci",
        # An emergency tonight.
        "qqn a le num de l astreinte de l HAD ? pte febrile ce soir sous [docetaxel], urgent",
    ],
)
def test_a_message_no_rule_answers_is_handed_over_whole(message: str) -> None:
    reply = answer_question(message, DEFAULT_NOW)
    assert reply.status == Status.UNKNOWN and reply.needs_human


def test_a_reports_date_asked_is_not_the_payments_date() -> None:
    """« à quelle date le rapport initial était-il attendu, et que risquons-nous pour nos forfaits ? » asks
    the report's date: the payment's precise day (not in the texts) is not said to be asked."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    reply = answer_question(
        "Notre rapport initial d'évaluation n'est toujours pas parti. Pouvez-vous me confirmer à quelle date "
        "il était attendu, si nous sommes en retard, et ce que nous risquons pour nos forfaits ?",
        datetime(2025, 11, 12, 10, tzinfo=ZoneInfo("Europe/Paris")),
    )
    said = "\n".join(reply.body)
    assert "date précise du versement" not in said and "octobre 2025" in said, said


def test_a_day_in_figures_and_now_are_put_to_the_test() -> None:
    """« DL AMI HDF c le 16/05 comme en Normandie ? »: a day in figures is checked against the deadline
    (« DL » is the deadline); « adresser dès maintenant » asked in June 2025 is before the arrêté's month."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    may = datetime(2025, 5, 13, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question("DL AMI hauts de france c le 16/05 comme en normandie ?", may)
    assert reply.body[0].startswith("Non : la date limite de candidature (Hauts-de-France) est le 31 mai"), (
        reply.body
    )
    june = datetime(2025, 6, 10, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question(
        "on peut commencer a adresser des maintenant et toucher le forfait ou faut attendre l arrete ?", june
    )
    assert reply.body[0].startswith("Non :"), reply.body


def test_the_deadline_named_is_no_day_of_arrival_and_encore_asks_whether_still_open() -> None:
    """« on a raté le 16 mai (signature en retard), on peut encore déposer ? »: the 16 May told is the
    deadline, not a day the file arrived; asked whether one may still file: « Non », the date is past."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    reply = answer_question(
        "on a raté le 16 mai en normandie de qq jours (signature DG en retard), on peut encore deposer ?",
        datetime(2025, 5, 20, 10, tzinfo=ZoneInfo("Europe/Paris")),
    )
    assert reply.body[0].startswith("Non : la date limite de candidature (Normandie) est passée"), reply.body
    assert not any("recevable" in line and line.startswith("Oui") for line in reply.body), reply.body


@pytest.mark.parametrize(
    ("question", "context"),
    [
        (
            "tjs pas recu le virement des forfaits 2025 pour le CH de Vire, il arrive quand ?",
            "verses en 2026",
        ),
        ("on a toujours rien reçu pr nos forfaits 2025, c normal ?", "verses en 2026"),
        ("qd est ce qu'on recoit le virement pr 2025 ? on a tjr rien vu sur nos comptes", "verses en 2026"),
        ("Pouvez-vous nous dire si nous figurons parmi les établissements retenus ?", None),
        # a tolerance, a subcontracting, a parking: no text settles them
        ("si notre rapport de suivi part le 15 septembre au lieu du 1er, l'ARS tolere ?", None),
        ("notre HAD veut confier des perfusions à des infirmières libérales, c'est compatible ?", None),
        ("on peut se garer ou a l'ARS de caen pour le comite de selection ?", None),
        ("Notre établissement fait-il partie de ceux retenus par le comité de sélection ?", "juillet 2025"),
        ("Pouvez-vous me communiquer la liste des établissements normands retenus ?", "liste nominative"),
        ("ya la liste des retenus en normandie ? on voudrait savoir si le CH de Lisieux est dedans", None),
        ("aucun accusé de réception : pouvez-vous vérifier que notre dossier est bien enregistré ?", None),
        ("L'ARS peut-elle nous attribuer une enveloppe d'amorçage pour lancer l'expérimentation ?", None),
        # Handed over by the asked point itself (asked.py), before any entry: no rule to give.
        ("Nous n'avons toujours rien reçu pour 2025. Pouvez-vous vérifier où en est notre versement ?", None),
        # One establishment's own sum for a year.
        ("Quel est le montant exact qui sera notifié au CH de Saint-Lô au titre de 2026 ?", None),
        ("a combien s'eleve la dotation qu'on va recevoir pour l'expé au titre de 2026 ?", None),
        # What was paid out to a region's establishments; the ARS asked to act; an agent's own decision.
        (
            "le montant total des forfaits effectivement versés aux établissements normands pour 2026 ?",
            None,
        ),
        ("notre HAD partenaire refuse nos patients, nous souhaitons que l'ARS intervienne", None),
        ("le CH déclare 18 inclusions pour 15 patients, est-ce recevable ? je dois valider ou non", None),
    ],
)
def test_the_state_of_one_establishments_file_is_handed_over_with_the_rule(
    question: str, context: str | None
) -> None:
    """Whether this establishment was paid or selected is in no text (frames.yaml `own_case`, the names of
    the selected, calendar.yaml): an agent answers; the rule comes with the hand-over as context."""
    reply = answer_question(question, datetime(2026, 11, 10, 10, 0, tzinfo=PARIS))
    assert reply.status == Status.UNKNOWN and reply.needs_human
    assert context is None or context in plain("\n".join(reply.body))


def test_a_settled_part_beside_the_establishments_own_state_is_still_answered() -> None:
    reply = answer_question("la liste des retenus elle est sortie ? on est dedans ?", DEFAULT_NOW)
    assert reply.status == Status.WARNING and reply.needs_human
    assert "juillet 2025" in plain("\n".join(reply.body))


@pytest.mark.parametrize(
    "question",
    [
        "si notre établissement est retenu, quand commence l'expérimentation pour nous ?",
        "les forfaits 2025 sont versés quand ?",
        "en quelle année les forfaits 2026 seront-ils effectivement versés ?",
        "qui fixe la liste des établissements retenus ?",
    ],
)
def test_a_supposed_or_general_case_is_no_establishments_own_state(question: str) -> None:
    reply = answer_question(question, datetime(2025, 9, 18, 10, 0, tzinfo=PARIS))
    assert reply.status in (Status.OK, Status.WARNING) and "own_case" not in reply.data


def test_the_end_month_named_for_another_point_is_not_handed_over() -> None:
    # (« février 2028 » named for the end's day, or care after the end asked: answered with the reading)
    for question in (
        "fin expé = 6 fevrier 2028 ?",
        "l'expe s'arrete le 5 ou le 6 fevrier 2028 ? mon chef dit le 6",
    ):
        reply = answer_question(question, DEFAULT_NOW)
        assert reply.status != Status.UNKNOWN and "5 fevrier 2028" in plain("\n".join(reply.body))
