"""Yes/no questions that state a value are answered « oui » / « non » first, against the parameter."""

from __future__ import annotations

from datetime import datetime

import pytest

from handlers.questions import analyse, answer_question
from handlers.questions.premise import asks_yes_or_no, stated
from rules.parameters import load_parameters
from tests.support.question_probe import DEFAULT_NOW, PARIS, plain


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        ("le forfait mensuel c'est 150 € ?", "non : c'est 120,00 €, pas 150,00 €"),
        # a count heard, then put to the test
        ("on m a dit vingt etablissements max par region, exact ?", "non : au plus 10, pas 20"),
        # the follow-up report's own date, never the initial report's October beside it
        ("le 1er rapport de suivi c'est le 1er septembre 2026, correct?", "oui : le 1er septembre 2026"),
        # the monthly fee named as the subject, the inclusion only in a clause about which month
        (
            "Une collègue m'indique que le forfait mensuel versé après le mois d'inclusion est de 150 € par "
            "patient. Pouvez-vous me confirmer ce montant ?",
            "non : le forfait verse chaque mois (apres le premier) est de 120,00 €, pas 150,00 €",
        ),
        ("le forfait mensuel c'est bien 120 euros ?", "oui : c'est bien 120,00 €"),
        # closed by « juste ? »: the sum in euros said before is put to the test
        ("apres le 1er mois on a 120e pour chaque mois avec une injection, juste ?", "oui : c'est bien 120"),
        ("le forfait d'inclusion c'est 320 ?", "oui : c'est bien 320,00 €"),
        ("l'expé dure 5 ans ?", "non : 3 ans, pas 5 ans"),
        ("l'art 51 c'est 3 ans max comme l'art 50 ?", "non : 5 ans, pas 3 ans"),
        ("c'est 10 établissements max par région ?", "oui : au plus 10"),
        # the cap is per region: the same figure said for the whole country is no
        ("max dix etablissements retenus pour toute la France c ca ?", "non : au plus 10 par region"),
        # « soit 480 € » states the value; an amount spelled out is its figure
        (
            "le plafond du forfait d'inclusion c'est 4 fois le mensuel soit 480 euros ?",
            "non : c'est 360,00 €",
        ),
        (
            "le forfait mensuel c'est bien cent cinquante euros par mois ?",
            "non : c'est 120,00 €, pas 150,00 €",
        ),
        ("trois cent vingt balles pr le mois d inclusion c bien ca ?", "oui : c'est bien 320,00 €"),
        ("ça se termine en 2027 ?", "non : en 2028, pas en 2027"),
        ("le forfait d'inclusion est plafonné à 400 € ?", "non : c'est 360,00 €, pas 400,00 €"),
        ("la HAD peut-elle facturer le forfait d'inclusion ?", "non : c'est l'etablissement"),
        ("c'est la HAD qui touche le forfait ?", "non : c'est l'etablissement"),
        ("c'est l'établissement qui touche le forfait ?", "oui : c'est l'etablissement"),
        ("Le forfait d'inclusion peut-il dépasser 3 fois le forfait mensuel ?", "non : le forfait"),
        ("y a-t-il un plafond pour le forfait d'inclusion ?", "oui : le forfait"),
        # A day or a month put to the test, at the precision told.
        ("l'expe elle s'arrete fin decembre 2027 c ca ?", "non : le 5 fevrier 2028"),
        ("l'expérimentation finit début février 2028 ?", "oui : le 5 fevrier 2028"),
        ("l'expérimentation a démarré le 5 février 2025 ?", "non : le 6 fevrier 2025"),
        ("l'expé a bien démarré le 5 février 2025 ?", "non : le 6 fevrier 2025"),
        # « quand » opening a clause tells when the case happens; the question is still yes or no.
        ("c bien l'HAD qui encaisse les 320 € qd on lui adresse un patient ?", "non : c'est l'etablissement"),
        # A private clinic without a CPOM is category e: no; asked whether it is excluded: yes.
        ("clinique privee lucrative SANS cpom, on peut candidater ??", "non : peuvent participer"),
        ("une clinique privée sans CPOM est-elle exclue ?", "oui : peuvent participer"),
        ("clinique privée avec un CPOM, on peut candidater ?", "oui : peuvent participer"),
        (
            "clinique lucrative. Nous n'avons pas de CPOM ni de dotation globale. Pouvons-nous candidater ?",
            "non : peuvent participer",
        ),
        # The monthly amount multiplied by the sessions is per session: no.
        (
            "2 injections par mois a la maison, donc on facture 2x120 par mois c bien ca ?",
            "non : le forfait se compte",
        ),
        (
            "4 passages HAD en mars pour la meme patiente (c pas son 1er mois), on compte 4x120 ?",
            "non : le forfait",
        ),
        # The right payee told in passing is no « Oui » to a per-session amount.
        (
            "le forfait versé aux établissements est de 115 € par séance en HAD, c'est bien cela ?",
            "non : le forfait se compte par mois civil",
        ),
        # A past tense puts the value to the test too.
        ("le forfait mensuel c'etait 150 € ?", "non : c'est 120,00 €, pas 150,00 €"),
        # « eux » stands for the HAD named before it.
        (
            "la coordo HAD me soutient que c eux qui touchent les 320 € ?? qqn confirme",
            "non : c'est l'etablissement",
        ),
    ],
)
def test_the_verdict_opens_the_answer_and_cites_the_parameter(question: str, opening: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert plain(reply.body[0]).startswith(opening), reply.body
    assert plain(reply.body[0]) in [plain(r.text) for r in reply.reasons] or "plafond" in question


@pytest.mark.parametrize(
    "question",
    [
        "le forfait de 320 c'est chaque mois ?",  # the amount names the subject, the months are asked
        "combien pour le forfait mensuel, 150 € ?",  # asks the amount
        "quel est le plafond du forfait d'inclusion ?",
        "le forfait mensuel c'est 150 ou 120 € ?",  # two values: no verdict on one
        # One of the report's recipients, no « only » said; « est-ce que » restricts nothing.
        "le rapport initial on l'envoie a l'ARS ?",
        "est-ce que le rapport initial va a la DGOS ?",
    ],
)
def test_no_verdict_where_no_value_is_put_to_the_test(question: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert not plain(reply.body[0]).startswith(("oui :", "non : c'est")), reply.body


def test_a_sum_said_as_a_total_is_no_fee_put_to_the_test() -> None:
    # (« Non : c'est 120,00 €, pas 1 000,00 € » answered a case's total with the monthly fee)
    def said(text: str) -> list[object]:
        return stated("amount", analyse(text, load_parameters()).normalized.tokens)

    assert said("un patient avec une perf chaque mois pendant 6 mois ça fait bien 1000 € ?") == []
    assert said("ça fait 920 € au total ?") == []
    assert said("le forfait d'inclusion ça fait 150 € ?") == [150]


def test_a_second_question_well_matched_is_answered_beside_a_first_matched_many_times() -> None:
    question = "le décret est paru hier, donc l'expé a déjà commencé ? et elle se termine quand exactement ?"
    assert set(analyse(question, load_parameters()).topics) >= {"dates_start", "dates_end"}


def test_reading_the_stated_value() -> None:
    assert [str(v) for v in stated("amount", ("c", "est", "1", "500", "euro"))] == ["1500"]
    assert stated("years", ("dure", "5", "an")) and not stated("years", ("dure", "5", "mois"))
    assert asks_yes_or_no(("c", "est", "la", "had", "qui", "touche"))
    assert not asks_yes_or_no(("qui", "touche", "le", "forfait"))


def test_asked_about_the_cap_the_answer_states_the_cap_first() -> None:
    reply = answer_question("quel est le montant maximum du forfait d'inclusion ?", DEFAULT_NOW)
    assert reply.data["topics"][0] == "forfait_cap_inclusion"
    assert "360,00 €" in reply.body[0]
    monthly = answer_question("le montant max du forfait mensuel ?", DEFAULT_NOW)
    assert monthly.data["topics"][0] == "forfait_cap_monthly"


def test_a_stated_value_decides_a_reading_the_cues_left_short() -> None:
    """« finit » alone scores too little to answer; the year the question puts to the test says what it is
    about. Only the best reading is checked, and only when every word is understood."""
    reply = answer_question("l'expe finit en 2029 non ?", DEFAULT_NOW)
    assert reply.data["topics"] == ["dates_end"] and reply.data.get("rescued_by") == "premise"
    assert plain(reply.body[0]).startswith("non : en 2028, pas en 2029")
    # No value put to the test: the cues' abstention stands.
    assert (
        answer_question("l'expe finit quand ? on sait pas trop", DEFAULT_NOW).data.get("rescued_by") is None
    )


@pytest.mark.parametrize(
    ("question", "yes_or_no"),
    [
        ("y a que les perf IV qui comptent ?", True),
        ("le forfait est verse a qui ?", False),
        ("qui touche le forfait ?", False),
        ("c'est qui le referent ?", False),
    ],
)
def test_who_asks_only_first_or_after_a_preposition(question: str, yes_or_no: bool) -> None:
    tokens = analyse(question, load_parameters()).normalized.tokens
    assert asks_yes_or_no(tokens) is yes_or_no


def test_a_day_of_a_month_the_texts_give_alone_is_neither_confirmed_nor_denied() -> None:
    # « le 31 octobre » of a report due « en octobre »: the texts give no day.
    said = plain("\n".join(answer_question("le rapport initial c'est le 31 octobre ?", DEFAULT_NOW).body))
    assert not said.startswith(("oui", "non")) and "31 octobre" not in said


def test_a_date_told_as_context_is_not_put_to_the_test() -> None:
    # « le décret est daté du 5 février 2025 »: what the decree says, not when the experiment started.
    assert stated("date", ("le", "decret", "est", "date", "du", "5", "fevrier", "2025")) == []
    assert not asks_yes_or_no(("l", "experimentation", "finit", "quand"))
    assert not asks_yes_or_no(("quand", "est", "ce", "que", "l", "on", "touche"))


@pytest.mark.parametrize(
    ("question", "now", "opening"),
    [
        ("on est un CH normand, on peut encore deposer notre dossier AMI ?", "2025-05-20", "non : la date"),
        ("on est un CH normand, on peut encore deposer notre dossier AMI ?", "2025-05-12", "oui : il est"),
        ("on est ds le 92 (IDF), c deja trop tard pr candidater ?", "2025-05-20", "non : il est encore"),
        ("Normandie, c'est trop tard pour candidater ?", "2025-06-20", "oui : la date limite"),
    ],
)
def test_can_we_still_apply_is_answered_yes_or_no_from_the_region_s_deadline(
    question: str, now: str, opening: str
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime.fromisoformat(now).replace(hour=10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question(question, at)
    assert plain(reply.body[0]).startswith(opening), reply.body


def test_a_negative_question_on_the_deadline_gets_no_bare_yes_or_no() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2025, 5, 12, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question("c'est pas trop tard pour deposer en normandie ?", at)
    assert not plain(reply.body[0]).startswith(("oui", "non")), reply.body


@pytest.mark.parametrize(
    ("question", "now", "opening"),
    [
        # A day told for one region's deadline (the region compared with is not the one asked about).
        (
            "En Normandie on se dit que la date limite est le 31 mai, comme pour l'Île-de-France. Pouvez-"
            "vous confirmer ?",
            "2025-05-12",
            "non : la date limite de candidature (normandie) est le 16 mai 2025",
        ),
        ("en IDF la date limite c'est bien le 31 mai ?", "2025-05-12", "oui : la date limite"),
        # « c jouable » this week: the question is whether the call is still open.
        (
            "on est en normandie, le dossier est quasi pret, c jouable de le deposer cette semaine ?",
            "2025-05-19",
            "non : la date limite",
        ),
        # « portée à 400 », « convenir d'un forfait d'inclusion à 400 € »: an amount set, put to the test.
        (
            "la prime d'inclusion peut-elle être portée à 400 € ?",
            "2027-03-15",
            "non : c'est 320,00 €",
        ),
        (
            "Serait-il possible de convenir avec l'ARS d'un forfait d'inclusion à 400 € pour nous ?",
            "2027-03-15",
            "non : c'est 320,00 €",
        ),
        # « monter à 400 »: an amount put to the test.
        (
            "le forfait d'inclusion ca peut monter a 400 si on fait bcp de coordination en amont ?",
            "2027-03-15",
            "non : c'est 320,00 €",
        ),
        # An open question, then a short yes/no one apart: the last is still asked yes or no.
        (
            "c jusqu'a quand pour deposer le dossier en normandie ? on est encore dans les temps ?",
            "2025-05-20",
            "non : la date limite",
        ),
        ("deadline candidature en idf c t quand ? c encore jouable ?", "2025-05-12", "oui"),
        # The yes/no one first, the open one after without its mark; context before a comma.
        ("on est en idf, c encore jouable pr candidater ? c quoi la date limite", "2025-05-27", "oui"),
        # The HAD writing (« on est l'HAD »): « nous » is the HAD, which is not paid the forfait.
        (
            "on est l'HAD (IDE coordo), c bien nous qui facturons le forfait de 320 "
            "qd on recoit un pt du CH ?",
            "2026-03-15",
            "non : c'est l'etablissement",
        ),
        # A month alone put as a limit is put to the test (« en mai » is not: it may tell the case).
        ("le rapport initial on a jusqu'a decembre c ca ?", "2025-08-20", "non : en octobre 2025"),
        # Who chooses between two HADs: not the ARS.
        (
            "2 HAD couvrent la commune de la pte, c l'ARS qui tranche ?",
            "2026-03-15",
            "non : c'est le domicile",
        ),
        # A count of partner HADs taken for granted, wrong whatever is asked.
        (
            "comme on n'a droit qu'a une seule HAD partenaire on fait comment ??",
            "2026-03-15",
            "non : le nombre d'had partenaires",
        ),
        ("il faut au moins deux HAD partenaires pour être éligible ?", "2025-04-15", "non : le nombre"),
        ("faut combien d'HAD minimum ? on nous a dit 2 obligatoires", "2025-04-15", "non : le nombre"),
        # A report the texts date by its month: another day is « Non », its month « Oui », never a day.
        (
            "le rapport initial est à rendre pour le 1er septembre 2026 ?",
            "2025-09-02",
            "non : en octobre 2025",
        ),
        ("le rapport initial c'est en octobre 2025 ?", "2025-09-02", "oui : en octobre 2025"),
        # A value put forward at the end, in slang, then put to the test, an aside closing the message.
        (
            "c cb le forfait d'inclusion deja ? 300 balles c ca ? (la DAF me demande pr son previsionnel)",
            "2025-09-10",
            "non : c'est 320,00 €, pas 300,00 €",
        ),
        # The year of payment put to the test after the year of care.
        ("les forfaits de decembre 2027 on les touche en 2028 du coup ?", "2027-10-01", "oui : en 2028"),
        ("forfaits 2025 verses en 2025 c bien ça ?", "2025-10-01", "non : en 2026, pas en 2025"),
        # « = » is not kept: the value after its fee, in a question that closes on « je confirme ? ».
        (
            "forfait mensuel = 120 e pour chaque mois avec au moins 1 adm a dom, je confirme ?",
            "2026-03-15",
            "oui : c'est bien 120,00 €",
        ),
        # Who a report goes to: « juste », « seulement », « qu'à » leave one out; all of them named, « Oui ».
        ("rapport initial on l'envoie juste a l'ARS ?", "2025-09-01", "non : destinataires ars et dgos"),
        ("rapport initial a envoyer en septembre a l ARS seulement ?", "2025-09-01", "non : destinataires"),
        ("le rapport initial va a l'ARS et a la DGOS ?", "2025-09-01", "oui : destinataires ars et dgos"),
        ("le rapport initial on l'envoie a la CNAM ?", "2025-09-01", "non : destinataires ars et dgos"),
        # Whether the monthly fee has a cap: yes (its cap is the HDJ tariff less the HAD's).
        ("y a un plafond sur le forfait mensuel ? on m'a parlé d'un lien avec l'HDJ", "2026-03-15", "oui :"),
        # The year the experiment runs to, put as the conclusion of article 51's five years (true of article
        # 51): the conclusion is what is put to the test.
        (
            "l'expé dure 5 ans comme toutes les expés art 51 donc on a jusqu'en 2030 tranquille ?",
            "2026-03-15",
            "non : en 2028, pas en 2030",
        ),
        ("expé 50 = un art 51 donc 5 ans, ca nous mene a 2030 c ca ?", "2026-03-15", "non : en 2028"),
        # The experiment named by its number, funded by the FISS (article 51's fund) as supposed: no.
        (
            "l'expe 50 est financee par le FISS comme les art 51 hein ?",
            "2026-03-15",
            "non : le forfait est finance",
        ),
        # A question opened by « je confirme »; a number of partner HADs one may have.
        (
            "je confirme a ma cheffe : 120 €/mois a partir du 2e mois, des qu'il y a au moins une "
            "injection a dom dans le mois ?",
            "2026-03-15",
            "oui : c'est bien 120,00 €",
        ),
        ("on a le droit d'avoir 3 HAD partenaires ?", "2026-03-15", "oui : le nombre d'had partenaires"),
        # One report per site: « un rapport pour tout le monde ? » no, « un rapport par site ? » yes.
        ("on a 3 sites (1 seul finess juridique) : 1 rapport pour tout le monde ?", "2026-03-15", "non :"),
        ("faut un rapport par site ?", "2026-03-15", "oui : un etablissement multi-sites"),
        # « 3 × 120 € » is a product, never the amount 3 120 €.
        ("le forfait d'inclusion c'est 3 × 120 € ?", "2026-03-15", "non : c'est 320,00 €, pas 360,00 €"),
        # A follow-up report named by the year it is due; « 1er » of a day is no rank (« le premier »).
        (
            "rapport de suivi 2027 c bien pour le 1er octobre ? on est dans les temps ?",
            "2027-08-20",
            "non : le 1er septembre 2027",
        ),
        ("rapport de suivi 2027 c bien le 1er septembre ?", "2027-08-20", "oui : le 1er septembre 2027"),
        # « l'HAD avec qui on a la convention … » is a relative clause, no question of who; a commune the
        # HAD does not cover, said otherwise than « hors zone », is outside its area all the same.
        (
            "l'HAD avec qui on a la convention couvre pas la commune du pt, "
            "on peut l'envoyer chez eux qd meme ?",
            "2026-03-15",
            "non : c'est le domicile",
        ),
        # « pas encore déposé » tells the case: « c'est déjà passé ? » asks whether too late.
        (
            "date limite normandie c'est deja passé ?? on a pas encore deposé",
            "2025-04-22",
            "non : il est encore temps",
        ),
        # a delay one « had » is put to the test
        (
            "J'ai lu qu'on avait six mois pour signaler un changement de convention HAD, vous confirmez ?",
            "2025-11-18",
            "non : 3 mois, pas 6",
        ),
        ("bon ben l'expé est finie maintenant non ?", "2028-01-22", "non : l'experimentation se termine"),
        # a payment said to be independent of the reports
        (
            "Est-ce exact que le versement du forfait est indépendant de l'envoi des rapports d'évaluation ?",
            "2026-07-02",
            "non : le versement est conditionne",
        ),
        # a day written in figures, its year after it
        ("l'expe s'arrete bien le 31/12/2027 ?", "2027-05-02", "non : le 5 fevrier 2028"),
        # « c t » (« c'était ») and « c'était aussi le … » put the region's deadline to the test
        ("en IDF la cloture des candidatures c t le 15 juin 2025 non ?", "2027-02-09", "non"),
        (
            "en Auvergne-Rhone-Alpes c'etait aussi le 31 mai 2025 pour candidater, exact ?",
            "2027-03-17",
            "oui",
        ),
        # the deadline's day told as a bound passed: a file arrived after it
        (
            "On m'a dit que l'ARS Normandie acceptait quand même les dossiers arrivés quelques jours après "
            "le 16 mai 2025 (tolérance), est-ce exact ?",
            "2026-12-15",
            "non : un dossier recu apres la date limite",
        ),
        # a number of establishments put forward by « être »
        ("on peut etre 15 etablissements retenus en normandie ?", "2025-05-02", "non : au plus 10, pas 15"),
        # who fixes the list of establishments retained: the ministers, not the ARS
        (
            "c'est l'ARS qui publie la liste des retenus par un arrete regional ?",
            "2025-07-02",
            "non : la liste des etablissements retenus est fixee par arrete des ministres",
        ),
        # « bb de 18 mois » is a baby's age; the HAD without the mention cannot take it.
        (
            "bb de 18 mois suivi en onco pedia, l'HAD de son secteur a pas la mention moins de 3 ans. "
            "on peut qd meme l'adresser ?",
            "2026-03-15",
            "non",
        ),
    ],
)
def test_more_values_put_to_the_test(question: str, now: str, opening: str) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime.fromisoformat(now).replace(hour=10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question(question, at)
    assert plain(reply.body[0]).startswith(opening), reply.body


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        # A contrast told after the question (« c'est pas une perf », « c pas en iv ») keeps the verdict.
        ("herceptin SC a domicile c'est eligible ? c'est pas une perf", "oui : un traitement"),
        # The oral route offered as the other reading of an injected drug is no route stated.
        (
            "trastuzumab sc (herceptin) ca compte ou c considere comme oral vu que c pas en iv ?",
            "oui : un traitement",
        ),
        ("la capecitabine ca compte ou pas ?", "non : un traitement"),
        # A children's TMSC establishment may apply: yes, the mention is a condition on the HAD.
        (
            "Notre hôpital est autorisé aux TMSC chez l'enfant. Pouvons-nous candidater à l'AMI ?",
            "oui : les etablissements autorises aux tmsc pediatriques",
        ),
    ],
)
def test_routes_offered_as_alternatives_and_who_applies_for_children(question: str, opening: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert plain(reply.body[0]).startswith(opening), reply.body


def test_a_yes_no_question_by_its_form_then_an_open_one_is_still_yes_or_no() -> None:
    def asks(text: str) -> bool:
        return asks_yes_or_no(tuple(text.split()))

    assert asks("devons nous en informer l ars et dans quel delai")
    assert asks("est ce qu on peut candidater et jusqu a quand")
    # The open word before « et », or no inverted form: an open question.
    assert not asks("quand devons nous informer l ars et comment")
    assert not asks("on a change d had et comment faire")


@pytest.mark.parametrize(
    "question",
    [
        "Nous allons changer d'HAD partenaire en janvier ; que devons-nous faire ?",
        "Si nous signons plus tard une convention avec une seconde HAD, dans quel délai le signaler ?",
        "Une nouvelle convention est signée. Devons-nous en informer l'ARS, et dans quel délai ?",
    ],
)
def test_a_change_of_partner_had_is_told_its_notice(question: str) -> None:
    said = plain("\n".join(answer_question(question, DEFAULT_NOW).body))
    assert "3 mois" in said, said


@pytest.mark.parametrize(
    ("question", "now", "opening"),
    [
        ("l'expe est bien terminée ?", "2028-03-01", "oui : l'experimentation se termine le 5 fevrier 2028"),
        (
            "l'expérimentation est finie ?",
            "2026-05-01",
            "non : l'experimentation se termine le 5 fevrier 2028",
        ),
        ("l'expé c'est toujours en cours ?", "2026-05-01", "oui : l'experimentation se termine"),
        ("l'expé c'est toujours en cours ?", "2028-03-01", "non : l'experimentation se termine"),
        # A year told is put to the test by the premise, not against today.
        ("l'expé se termine en 2028 ?", "2026-05-01", "oui : en 2028"),
    ],
)
def test_whether_the_experiment_has_ended_is_asked_of_today(question: str, now: str, opening: str) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime.fromisoformat(now).replace(hour=10, tzinfo=ZoneInfo("Europe/Paris"))
    assert plain(answer_question(question, at).body[0]).startswith(opening)


@pytest.mark.parametrize(
    "question",
    [
        # An amount is the point: whether the drug counts is not its answer.
        "pembro en HAD, en novembre elle a eu 2 perfs a dom -> on touche 240 pour novembre non ?",
        "on vient d adresser une pte en HAD pour du paclitaxel, on touche les 320 ?",
        # Care outside the HAD is the question.
        "injections SC de trastuzumab par son infirmière libérale, sans passer par l'HAD : c'est possible ?",
        # Leave to act, not pay: the HAD writing about the right to sign.
        "Nous sommes une HAD, coordo HAD ici : a-t-on le droit de signer avec trois établissements ?",
    ],
)
def test_no_route_or_payee_verdict_where_it_is_not_the_point(question: str) -> None:
    opening = plain(answer_question(question, DEFAULT_NOW).body[0])
    assert not opening.startswith(
        ("oui : un traitement", "non : c'est l'etablissement", "non : la remuneration")
    )


def test_a_right_amount_in_a_per_session_claim_gets_no_yes() -> None:
    question = (
        "ma collegue dit que le mensuel c'est 120 € par seance, donc 3 cures en mars = 360 €, c'est juste ?"
    )
    assert plain(answer_question(question, DEFAULT_NOW).body[0]).startswith("non : le forfait se compte")


def test_a_right_amount_told_per_session_beside_a_computation_gets_no_yes() -> None:
    question = (
        "vu que c 120€ par seance a domicile, pt inclus en novembre, 2 seances en janvier -> 240 c bien ca ?"
    )
    assert not plain(answer_question(question, DEFAULT_NOW).body[0]).startswith("oui")


@pytest.mark.parametrize(
    ("question", "openings"),
    [
        # Who applies, then a young child sent to an HAD without the mention: yes, then no.
        (
            "Notre service d'oncologie pédiatrique est autorisé aux TMSC. Pouvons-nous candidater ? "
            "Et si notre HAD partenaire n'a pas la mention « enfants de moins de trois ans », "
            "pouvons-nous lui adresser un enfant de 2 ans ?",
            ("oui : les etablissements", "non"),
        ),
        # Who applies, then whether the mention is required for children of 4 to 6: yes, then no.
        (
            "Notre service d'onco-hématologie pédiatrique est autorisé TMSC. Pouvons-nous candidater ? "
            "Pour nos patients de 4 à 6 ans, l'HAD doit-elle obligatoirement détenir la mention ?",
            ("oui : les etablissements", "non"),
        ),
    ],
)
def test_who_applies_then_the_child_s_case_are_both_answered(
    question: str, openings: tuple[str, str]
) -> None:
    body = [plain(line) for line in answer_question(question, DEFAULT_NOW).body]
    assert body[0].startswith(openings[0]), body
    assert any(line.startswith(openings[1]) for line in body[1:]), body


def test_the_former_authorisation_quoted_by_its_label_is_yes() -> None:
    # The former authorisation's own label, quoted (« chimiothérapie ou autres traitements médicaux
    # spécifiques du cancer »): the entry knows its words (its cues, normalised as the question is).
    question = (
        "ESPIC, on a encore l'ancienne autorisation 'chimiotherapie ou autres traitements medicaux "
        "specifiques du cancer' (R.6123-87 4°), ca suffit ?"
    )
    reply = answer_question(question, DEFAULT_NOW)
    assert plain(reply.body[0]).startswith("oui"), reply.body


def test_a_value_put_to_the_test_in_its_own_question_beside_an_open_one() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2027, 10, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))
    for question, opening in (
        ("l expe finit bien le 5 fevrier 2028 ? il nous reste cb de jours pr inclure des pts", "oui : le 5"),
        ("il reste cb de jours pr inclure ? ça finit bien le 5 fevrier 2028 ?", "oui : le 5"),
    ):
        reply = answer_question(question, at)
        assert plain(reply.body[0]).startswith(opening), (question, reply.body)


def test_a_month_named_as_next_picks_the_report_due_then() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2026, 3, 10, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question("le rapport de suivi de septembre prochain, c'est quand exactement ?", at)
    said = plain("\n".join(reply.body))
    assert "1er septembre 2026" in said and "2027" not in said


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        # A sum said to be received is put to the test by the verb that receives it.
        ("on touche bien 320€ le 1er mois à dom ? 👍", "oui : c'est bien 320,00 €"),
        # A sum said to be paid each month is the monthly fee's, whichever fee the question lands on.
        (
            "le forfait c'est 320 € par mois ?",
            "non : le forfait verse chaque mois (apres le premier) est de 120",
        ),
        ("on touche bien 320€ par mois et par patient en HAD ?", "non : le forfait verse chaque mois"),
        ("le mensuel c'est bien 120 € par mois ?", "oui : c'est bien 120,00 €"),
        # « c'est nous qui touchons »: the writer, an establishment; « elle » after an HAD named is the HAD.
        (
            "c'est bien nous (l'étab adresseur) qui touchons les 320 € et pas l'HAD ?",
            "oui : c'est l'etablissement",
        ),
        ("l'HAD nous dit que c elle qui touche les 320/120, c vrai ?", "non : c'est l'etablissement"),
        (
            "L'HAD Arc-en-Ciel (partenaire de 2 établissements de notre réseau) me demande si c'est bien "
            "elle qui facture les 320 € d'inclusion. Vous confirmez ?",
            "non : c'est l'etablissement",
        ),
    ],
)
def test_sums_received_or_paid_monthly_and_who_we_are(question: str, opening: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert plain(reply.body[0]).startswith(opening), reply.body


def test_the_months_after_the_inclusion_are_told_only_when_asked() -> None:
    alone = answer_question("le forfait d'inclusion c bien 320 € ?", DEFAULT_NOW)
    assert not any("120,00" in line for line in alone.body), alone.body
    after = answer_question("le forfait d'inclusion c'est combien, et ensuite ?", DEFAULT_NOW)
    assert any("120,00" in line for line in after.body), after.body


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        # The beneficiary after an adverb (« versé directement à l'HAD »), asked indirectly.
        (
            "bonjour, je me demandais si par hasard le forfait d'inclusion pouvait etre verse directement a "
            "l'HAD partenaire plutot qu'a nous (ca arrangerait notre DAF qui deteste les refacturations)",
            "non : c'est l'etablissement",
        ),
        # A count over the cap is put to the test; one under it is within it, no « Non : pas 6 ».
        (
            "d'apres les bruits de couloir on serait 14 candidats en normandie, je suppose qu'ils seront "
            "tous retenus si les dossiers sont complets ?",
            "non : au plus 10, pas 14",
        ),
        ("on est 6 candidats en bretagne, on sera tous retenus ?", "au plus 10 etablissements"),
        ("c'est 8 etablissements max par region ?", "non : au plus 10, pas 8"),
        # Away from home with no care there: a month without any administration, which the rules settle.
        (
            "en decembre la patiente etait chez sa fille a Nice pour les fetes, donc aucune injection a dom, "
            "on peut quand meme compter le forfait mensuel ?",
            "non : un mois sans aucune administration",
        ),
    ],
)
def test_beneficiaries_caps_and_months_away(question: str, opening: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert plain(reply.body[0]).startswith(opening), reply.body


@pytest.mark.parametrize(
    "question",
    [
        "on arrive pas a se connecter a PIRAMIG pour le rapport, on fait comment ?",
        "IDF - on a loupé la cloture du 31/05 de 2 jours, est-ce que l'ARS peut nous accepter quand même ?",
        "Pourriez-vous accepter exceptionnellement notre candidature si nous vous la transmettons demain ?",
        "la patiente est soignée chez sa fille pendant 2 mois, l'HAD de là-bas peut faire les injections ?",
    ],
)
def test_what_only_a_person_can_settle_is_handed_over(question: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.needs_human and reply.status.value == "unknown", reply.body


@pytest.mark.parametrize(
    ("question", "opening"),
    [
        # A bare sum put as a cap is checked against the cap asked, never against the count of sites.
        (
            "le forfait d'inclusion est plafonne a 3 fois le mensuel donc 360 max c ca ?",
            "oui : c'est bien 360",
        ),
        ("le forfait d'inclusion est plafonne a 400 max c ca ?", "non : c'est 360,00 €, pas 400"),
        # Opened on the value, closed by its check.
        ("10 etablissements max retenus par region c'est ca ?", "oui : au plus 10"),
        # The open word is in the context told; the sentence asked states the date.
        (
            "Bonjour, notre direction financière me demande jusqu'à quand court l'expérimentation. J'ai noté "
            "le 5 février 2027, est-ce exact ? Merci",
            "non : le 5 fevrier 2028",
        ),
    ],
)
def test_values_put_to_the_test_in_more_shapes(question: str, opening: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert plain(reply.body[0]).startswith(opening), reply.body


@pytest.mark.parametrize(
    ("question", "topic", "opening"),
    [
        # « relève de la catégorie d », « titulaire d'une autorisation … modalité TMSC »: ordinary words.
        (
            "Notre clinique est un établissement privé à but lucratif, titulaire d'une autorisation de "
            "traitement du cancer modalité TMSC, et nous avons signé un CPOM avec l'ARS. Si j'ai bien "
            "compris, nous relevons de la catégorie d et pouvons donc candidater. Pouvez-vous me le "
            "confirmer ?",
            "eligibility_categories",
            "oui",
        ),
        # Being selected told first, then a referral's day asked: a rule, not the establishment's figures.
        (
            "on a ete retenus (liste publiee en juillet), un patient adresse le 15 septembre 2025 ca peut "
            "etre paye ?",
            "patient_referral_date",
            "oui",
        ),
        (
            "patient decede la semaine derniere, comment j'arrete sa prise en charge dans le bot ?",
            "bot_end_care",
            "",
        ),
    ],
)
def test_more_questions_answered_by_the_entry_that_settles_them(
    question: str, topic: str, opening: str
) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.data["topics"][:1] == [topic], reply.body
    assert plain(reply.body[0]).startswith(opening), reply.body


def test_a_drug_taken_by_mouth_named_with_the_forfait_asked_opens_on_its_exclusion() -> None:
    reply = answer_question(
        "/expe50 question therapie ciblee orale (palbociclib) donnee a dom avec passage de l'HAD, on peut "
        "facturer le forfait mensuel ?",
        DEFAULT_NOW,
    )
    assert plain(reply.body[0]).startswith("non : un traitement anticancereux pris par voie orale"), (
        reply.body
    )


def test_the_ars_asked_to_organise_a_meeting_is_a_person_s_to_answer() -> None:
    reply = answer_question(
        "Bonjour, serait-il possible que l'ARS organise le mois prochain une visio avec nos deux HAD "
        "partenaires pour faire le point sur la montée en charge ? Merci",
        DEFAULT_NOW,
    )
    assert reply.needs_human and reply.status.value == "unknown", reply.body


def test_more_time_asked_of_the_ars_is_a_person_s_to_grant() -> None:
    reply = answer_question(
        "/expe50 question l'ARS peut nous accorder 15 jours de plus pour le rapport de suivi ? notre DIM "
        "est en arret",
        DEFAULT_NOW,
    )
    assert reply.needs_human and reply.status.value == "unknown", reply.body


def test_an_had_partner_elsewhere_asked_the_negative_way() -> None:
    """« elle a pas le droit d'être avec nous ? » of an HAD already partner of a neighbour: « Non », on the
    sentence that says an HAD may partner several establishments; the minimum asked gets the one-convention
    rule."""
    asked = "l'HAD est deja partenaire du CH voisin, elle a pas le droit d'etre avec nous ?"
    body = answer_question(asked, DEFAULT_NOW).body
    assert any(plain(line).startswith("non : une meme had") for line in body), body
    body = answer_question("faut combien d'HAD partenaires minimum pr candidater ?", DEFAULT_NOW).body
    assert any("au moins une had" in plain(line) for line in body), body


def test_a_quelle_date_asks_when_beside_another_question() -> None:
    # (« à quelle date l'expérimentation a-t-elle démarré, et jusqu'à quand … le rapport au Parlement ? »
    # answered the report only: « à quelle date » lacked what « quand » gives a cue)
    question = (
        "à quelle date l'expérimentation a-t-elle démarré, et jusqu'à quand le Gouvernement doit-il"
        " remettre son rapport d'évaluation au Parlement ?"
    )
    assert set(analyse(question, load_parameters()).topics) >= {"dates_start", "reports_parliament"}


@pytest.mark.parametrize(
    ("question", "when", "opening"),
    [
        # An entry of several dates: the one of the step the question names is put to the test.
        (
            "l'ARS transmet sa liste a la DGOS le 31 juillet c ca ?",
            "2025-06-20T10:40",
            "non : le 30 juin 2025",
        ),
        (
            "la liste des etablissements retenus sera publiée en septembre ?",
            "2025-06-25T16:55",
            "non : en juillet",
        ),
        (
            "le comite de selection normandie c'est en septembre ?",
            "2025-06-02T14:05",
            "non : le 18 juin 2025",
        ),
        (
            "le comité de sélection de l'ARS Normandie se tient-il bien la semaine du 18 juin ? Et l'ARS"
            " transmet-elle ensuite sa liste à la DGOS d'ici le 30 juin ?",
            "2025-06-10T08:35",
            "oui : le 18 juin 2025",
        ),
        # a region's date, for the region named; the date checked by the sentence after it
        (
            "On m'a indiqué que la clôture des candidatures en Auvergne-Rhône-Alpes était fixée au 15 juin"
            " 2025. Est-ce exact ?",
            "2025-05-28T18:10",
            "non : la date limite de candidature (auvergne-rhone-alpes) est le 31 mai 2025",
        ),
        # the focus of « est-ce bien … que »
        (
            "est-ce bien le 30 juin 2025 que les ARS transmettent à la DGOS la liste des retenus ?",
            "2025-06-10T08:35",
            "oui : le 30 juin 2025",
        ),
    ],
)
def test_the_date_of_the_step_named_is_put_to_the_test(question: str, when: str, opening: str) -> None:
    reply = answer_question(question, datetime.fromisoformat(when).replace(tzinfo=PARIS))
    assert plain(reply.body[0]).startswith(opening), reply.body


@pytest.mark.parametrize(
    "question",
    [
        # the case's month, not the step's
        "on a adresse un patient en HAD en mai 2025, avant l'arrete de selection. on peut le declarer pour le"
        " forfait ?",
        # a date told before the question's own clause
        "on a loupé le 16 mai de 2j (Normandie), on peut quand meme deposer sur demat ? le dossier est"
        " complet",
        # an alternative after the date
        "Normandie : le 16 mai c'etait inclus ou fallait deposer avant ?",
        # a text named by its date
        "Notre HAD peut-elle candidater en Normandie depuis le décret du 5 février ?",
        # another region than the date's
        "le comité de sélection en IDF c'est bien le 18 juin ?",
    ],
)
def test_a_date_told_as_context_gets_no_verdict(question: str) -> None:
    reply = answer_question(question, datetime(2025, 6, 20, 10, 0, tzinfo=PARIS))
    assert not plain(reply.body[0]).startswith(("oui : le", "non : le", "non : en", "oui : en")), reply.body


@pytest.mark.parametrize(
    "question",
    [
        "et apres le rapport de sept 2026 y en a encore un autre a faire ?",
        "Quelle était la date limite du premier rapport de suivi ? Et quelle est l'échéance du suivant ?",
    ],
)
def test_the_report_after_the_one_named_is_said_too(question: str) -> None:
    reply = answer_question(question, datetime(2026, 10, 5, 10, 0, tzinfo=PARIS))
    said = " ".join(plain(line) for line in reply.body)
    assert "1er septembre 2026" in said and "1er septembre 2027" in said, reply.body
