"""The timeline reader (handlers/questions/timeline.py) and the totals the rules give for it."""

from __future__ import annotations

import time
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from handlers.questions import answer_question
from handlers.questions.timeline import Reading, read
from handlers.questions.totals import compute, place
from handlers.reply import Status
from rules.month import Month
from rules.parameters import load_parameters
from tests.support.totals import total_of

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Europe/Paris"))


def months(reading: Reading | None) -> list[str]:
    assert reading is not None
    return [str(m) for g in reading.groups for m in g.months]


def total(text: str) -> Decimal:
    found = total_of(read(text, TODAY), TODAY)
    assert found is not None, text
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inclus en novembre 2025, injections de decembre 2025 a fevrier 2026 : combien ?", "680"),
        # a cadence of six weeks kept « sans interruption » from a first day to a last: not every month
        (
            "perf toutes les 6 semaines, la 1re le 12 mai 2026 puis tous les 42 jours sans interruption, "
            "la derniere le 19 janvier 2027 : combien ?",
            "1040",
        ),
        # ten sessions every three weeks, the last one's month told to check the count against
        (
            "perf a dom toutes les 3 semaines depuis le 14/01/2026, 10 cures (la derniere fin juillet)",
            "1040",
        ),
        # « un de nos patients », and the sessions so far told by the rank of the last one
        (
            "un de nos patients a sa perf toutes les 6 semaines, 1re le 3 novembre 2025, il en est a sa 6e "
            "administration (la derniere le 1er juin 2026) : combien ?",
            "920",
        ),
        # a second month excepted after an aside in brackets
        (
            "1re perf a dom en octobre 2025, puis une perf a dom tous les mois jusqu'en decembre 2026, "
            "sauf en fevrier 2026 (hospitalisation) et en juillet 2026 (report de cure) : combien ?",
            "1760",
        ),
        # a patient's age is no count; the months asked listed one by one are one span
        (
            "Mme L., 54 ans, 1re administration a domicile le 8 janvier 2026, hospitalisee tout le mois "
            "de fevrier, puis une perfusion a domicile le 18 mars 2026. Combien pour janvier, fevrier et "
            "mars 2026 ?",
            "440",
        ),
        # a death the day care ended, after the last administration
        (
            "perfs a dom le 17/09/2026, le 08/10/2026 et le 01/11/2026, decede le 03/11/2026 : combien ?",
            "560",
        ),
        # sessions all to come (« 5 cures prévues »), one every 28 days
        ("une cure ts les 28 jours a dom a partir du 30/01/2026, 5 cures prevues, ca fera cmb ?", "800"),
        # the care told a little after the months (« en HAD de … à … avec au moins 1 perf chaque mois »)
        ("patient en HAD de mars a juin 2026 avec au moins 1 perf chaque mois, combien ?", "680"),
        (
            "inclusion en mars 2026 puis une injection chaque mois sauf en aout, jusqu'a fin novembre : combien ?",  # noqa: E501
            "1160",
        ),
        ("patient inclu en juin 2026, juillet rien, aout rien, sept 1 injection. ca fait cb ?", "440"),
        ("patient inclus en janvier 2027, injection tous les mois jusqu'a decembre 2027", "1640"),
        (
            "10 patients inclus en octobre 2026, chacun avec une injection a domicile en novembre et en decembre 2026",  # noqa: E501
            "5600",
        ),
        (
            "ce mois-ci 12 patients en mois suivant (aucune nouvelle inclusion), chacun avec au moins une injection",  # noqa: E501
            "1440",
        ),
        (
            "25 inclusions et 180 mois-patients avec au moins une administration (hors mois d'inclusion)",
            "29600",
        ),
        ("mois 1 : 320, mois 2 : 120, mois 3 : 120, mois 4 : 120 = 700 € c'est bon ?", "680"),
        (
            "P-0020 : 1re perfusion a domicile le 28/02/2026, puis le 02/03, le 30/03 et le 27/04. forfaits ?",  # noqa: E501
            "560",
        ),
        (
            "immuno toutes les 6 semaines a dom a partir du 5 janvier 2026 (5/01, 16/02, 30/03, 11/05, 22/06) : "  # noqa: E501
            "total jusqu'a fin juin ?",
            "800",
        ),
        ("immuno toutes les 6 semaines a dom a partir du 5 janvier 2026 : total jusqu'a fin juin ?", "800"),
        (
            "patiente adressée le 3 mars 2026, première administration à domicile le 12 mars, puis des administrations "  # noqa: E501
            "en avril, en juin, en septembre et en octobre (rien en mai, juillet ni août). Total ?",
            "800",
        ),
        ("injections : janv, fév, mars, pause, juin. combien ?", "680"),
        (
            "entrée le 1er septembre, injections chaque mois jusqu'à décembre, sauf en octobre : total ?",
            "560",
        ),
        ("inclus en mars, une injection chaque mois jusqu'à décembre : total ?", "1400"),
        (
            "patient A inclus en mai 2026 puis injections juin et juillet ; patient B inclus en juillet 2026, "  # noqa: E501
            "rien apres. total des deux ?",
            "880",
        ),
        ("patient inclus en decembre 2027, chimio a dom en janvier 2028 puis en mars et avril 2028", "440"),
        (
            "P-0107 : 1re chimio a dom le 12 janvier 2026, puis fevrier et mars, rien en avril, reprise en mai. total ?",  # noqa: E501
            "680",
        ),
        # a part of the month before each month of a list; « et une à la mi-… » one more of the same
        (
            "1ere perf a dom le 2 novembre 2025 puis 1 perf a la mi-dec, mi-janv et mi-fev : combien ?",
            "680",
        ),
        (
            "1ere perf a dom le 4 octobre 2025, puis une perfusion à la mi-novembre et une à la mi-décembre",
            "560",
        ),
        # … but after a month without, « une » starts care again
        ("1ere perf a dom en octobre 2025, pas d'injection en novembre, une en décembre. total ?", "440"),
        (
            "1ere perf a dom en octobre 2025, une en novembre, aucune en décembre et une en janvier 2026",
            "560",
        ),
        # a referral told before every labelled patient is each one's
        (
            "deux patients adressés à l'HAD en septembre 2025 : - patient A : première perfusion à domicile"
            " le 4 octobre 2025, puis une en novembre ; - patient B : une seule perfusion à domicile, le 2"
            " décembre 2025. Combien ?",
            "760",
        ),
        # « à une HAD » is where the patient goes; « les 3 » the patients told again; « 2e » a rank
        (
            "enfant de 2 ans adresse en mars 2026 a une HAD qui a la mention moins de 3 ans, perf a dom en "
            "mars et avril. ca fait combien ?",
            "440",
        ),
        (
            "3 patients inclus en mars 2026, chacun a eu une chimio a domicile en mars, avril et mai puis "
            "plus rien. total pour les 3 ?",
            "1680",
        ),
        ("1ere perf a dom le 1/12/2025, 2e le 15/12 puis le 10/01/2026 : ca fait combien au total ?", "440"),
    ],
)
def test_totals_from_many_ways_of_telling_the_months(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


def test_a_cadence_not_kept_to_the_last_day_is_not_read() -> None:
    text = "perf toutes les 6 semaines, la 1re le 12 mai 2026, la derniere le 20 janvier 2027 : combien ?"
    assert read(text, TODAY) is None


def test_the_reading_keeps_years_in_the_order_told() -> None:
    reading = read("inclus en novembre 2025, injections de decembre a fevrier : combien ?", TODAY)
    assert months(reading) == ["2025-11", "2025-12", "2026-01", "2026-02"]
    # A month told again in brackets is the same month, not the next year's.
    reading = read(
        "admin a domicile de fevrier a avril 2026 (la toute premiere en fevrier) puis juillet", TODAY
    )
    assert months(reading) == ["2026-02", "2026-03", "2026-04", "2026-07"]


def test_years_asked_separately_are_kept() -> None:
    reading = read(
        "inclus en novembre 2025, injections de decembre 2025 a fevrier 2026 : pour 2025 et 2026 ?", TODAY
    )
    assert reading is not None and reading.by_year == (2025, 2026)
    params = load_parameters()
    result = compute(reading, params)
    assert not isinstance(result, str)
    assert result.by_year == {2025: Decimal("440.00"), 2026: Decimal("240.00")}


def test_one_year_asked_of_care_over_two_gets_its_part() -> None:
    reading = read(
        "inclus en novembre 2025, perfs chaque mois jusqu'en mars 2026 : combien au titre de 2026 ?", TODAY
    )
    assert reading is not None and reading.by_year == (2026,)
    result = compute(reading, load_parameters())
    assert not isinstance(result, str) and result.by_year[2026] == Decimal("360.00")


@pytest.mark.parametrize(
    "text",
    [
        "combien de patients avons-nous adressés en octobre ?",  # a count we do not hold, not a total
        "si le rapport de septembre 2027 part en retard, on perd les forfaits ?",  # no care told
        "on touche koi si le patient a 2 perfs en novembre",  # one month: a question about that month
        "3 injections en octobre = 3 forfaits ?",  # « = 3 forfaits » is not a sum in euros
        "patient sorti d'HAD en mars, re-adresse en septembre : combien ?",  # an end of care, a new referral
        "inclus en mars, injections jusqu'en juin : combien ?",  # no cadence: which months had one?
        "inclus en mars, injections en avril et juin, rien en juillet : combien ?",  # May unnamed, July named
        "inclus en mars, injection chaque mois : combien ?",  # no last month
        "inclus en mars 2026, injections en avril, 30 jours plus tard : combien ?",  # a number not read
        "inclus en mars, perfusion en hdj en avril et a domicile en mai : total ?",  # a month not at home
        "injections de janvier a mars puis pas d'injection : combien ?",  # a negation that names no month
        "keytruda tous les mois de janv a dec 2026 (10 mois d'affilee) : cb ?",  # the span told disagrees
        "3 patients : mme A perfs janv fev, mr B perfs mars avril : total ?",  # three said, two told
        # « chaque mois » told before both patients: whose cadence is it?
        "chaque mois : patient A inclus en janvier jusqu'en mars, patient B en fevrier et avril : total ?",
        # A total « jusqu'à mars » asked after a day planned in March: a projection, not a count so far.
        "inj a dom le 19 novembre 2025, le 10 décembre, prévue le 3 mars 2026. combien au total jusqu'à mars ?",  # noqa: E501
    ],
)
def test_no_reading_when_something_is_not_accounted_for(text: str) -> None:
    assert read(text, TODAY) is None


def test_months_before_the_selection_or_in_the_last_month_are_handed_over() -> None:
    params = load_parameters()
    before = read("inclus en mars 2025, injections en avril et mai 2025 : combien ?", TODAY)
    assert before is not None and compute(before, params) == "before_selection"
    last = read("inclus en fevrier 2028, injections en fevrier 2028 et mars 2028 : combien ?", TODAY)
    assert last is not None and compute(last, params) == "end_month"


def test_undated_months_are_placed_inside_the_experiment() -> None:
    params = load_parameters()
    reading = read(
        "inclus en novembre, injections en decembre, janvier et fevrier : combien ?", date(2027, 12, 1)
    )
    placed = place(reading, params) if reading else None
    assert placed is not None
    assert max(m for g in placed.groups for m in g.months) <= Month(2028, 1)


def test_the_answer_restates_and_checks_a_stated_sum() -> None:
    reply = answer_question("mois 1 : 320, mois 2 : 120, mois 3 : 120, mois 4 : 120 = 700 € c'est bon ?", NOW)
    assert reply.body[0] == "Non : le total est de 680,00 €."
    assert any(line.startswith("J'ai compris") for line in reply.body)
    assert not reply.needs_human
    reply = answer_question("mois 1 : 320, mois 2 : 120 = 440 € c'est bon ?", NOW)
    assert reply.body[0] == "Oui : le total est bien de 440,00 €."


def test_a_computation_asked_in_other_words_is_computed() -> None:
    reply = answer_question("on a inclus 7 nouveaux patients en septembre 2026, ca represente combien ?", NOW)
    assert reply.data["topics"] == ["forfait_compute"]
    assert any("2 240,00 €" in line for line in reply.body)


def test_a_month_after_the_end_is_said_to_earn_nothing() -> None:
    reply = answer_question(
        "patient inclus en decembre 2027, chimio a dom en janvier 2028 puis en mars 2028 : total ?", NOW
    )
    text = "\n".join(reply.body)
    assert "440,00 €" in text and "5 février 2028" in text


def test_linear_on_a_large_hostile_input() -> None:
    # 100 KB of month words, numbers and negations: read in one pass (a quadratic reader takes minutes here).
    chunk = "janvier 2026, fevrier rien, 3 mars, sauf avril, de mai a juin, 12/07, pause, "
    text = chunk * (100_000 // len(chunk))
    started = time.perf_counter()
    read(text, TODAY)
    read("mois 1 : 320, " * 7000, TODAY)
    read("decembre " * 12_000, TODAY)
    read(
        "P1 juin que de l'oral (ibrance), prochaine le 3/12 (hospitalisation), pour mars a juin, " * 1500,
        TODAY,
    )
    read("inclusion + 11 mois d'affilee, 2026-01, sept→dec, P-R1 : " * 2500, TODAY)
    read("; a inclus oct ; b inclus nov ; c , 2 adm, nov 1 " * 2000, TODAY)  # letters opening clauses
    # Returns to the day hospital, oral lists, the user's working, quarters.
    read("inj a dom en mars 2026, puis retour en HDJ ; patient 2 : " * 2000, TODAY)
    read("mars, avril, " * 8000 + " que du xeloda seule", TODAY)
    read("320 + 3x120 " * 8000 + "= 680", TODAY)
    read("T1 nov et dec elle a eu que du Xeloda (cp), " * 2000, TODAY)
    # Patients treated by mouth only, the day care ended, a whole month in hospital after a list, a working
    # put to the test, asides that deny care again.
    read("- P-1 : capecitabine seule (oral) depuis mars. - P-2 : adm a dom le 3/03 " * 1500, TODAY)
    read("adm a dom 28/01, puis fin de PEC HAD le 01/03 (retour HDJ), " * 2000, TODAY)
    read(
        "1ere adm le 2/01, en fevrier il est hospitalise en conventionnel tt le mois (0 adm a dom), " * 1200,
        TODAY,
    )
    read("320 + 5x120 + " * 6000 + "120 c ca ?", TODAY)
    assert time.perf_counter() - started < 20


def test_a_sum_to_check_and_ranked_months() -> None:
    reply = answer_question("inclus en mars 2026, injections en avril et mai, 680 € c'est juste ?", NOW)
    assert reply.body[0] == "Non : le total est de 560,00 €."
    reply = answer_question("mois 1 : 320, mois 2 : 0, mois 3 : 120 = 440 € ?", NOW)
    assert reply.body[0] == "Oui : le total est bien de 440,00 €."
    assert "les mois 1, 3 (aucune le mois 2)" in reply.body[1]


def test_a_word_no_rule_reads_stops_the_reading() -> None:
    assert read("inclus en mars 2026, injection en avril, pas en mai, juin oui : combien ?", TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("la patiente a eu 3 injections en janvier, 2 en février et 0 en mars : total des forfaits ?", "440"),
        ("une patiente a eu sa première injection à domicile le 15 septembre 2026, puis une par mois jusqu'en "  # noqa: E501
         "janvier 2027. Quel montant ?", "800"),
        ("injections 1x/mois de mars à août 2026 = 920 € ?", "920"),
        # « stop » empties the months after it; « 1 par mois »; « repris » is care again.
        ("perfs a dom janv fev 2026, stop mars (toxicite), repris avril mai : cb ?", "680"),
        ("1ere perf a domicile le 3/02/2027 puis 1 par mois jusqu'en mai 2027, combien ?", "680"),
        # A month of nothing but an oral drug, told « rien que … per os ».
        ("perf a dom en mars et avril 2026, mai rien que de la capecitabine per os, juin perf : total ?",
         "560"),
        # « puis » after months without starts care again (« rien en mars, puis 7/04 »).
        ("adressée le 5/01/2026, perfs a dom le 12/01 et le 9/02, rien en mars, puis 6/04 : cb ?", "560"),
        # Who is paid is no stay in hospital; « traitée à la maison » is care.
        ("combien touche l'hôpital pour une patiente traitée à la maison de mars à mai 2026 ?", "560"),
        # A count of administrations after each month, left out after the first; « 1000e » is a sum in euros.
        ("pte incluse sept 25, oct 2 adm, nov 1, dec 0, janv 0, fev 1, mars 2 -> total ?", "800"),
        ("pr 1 pt inclus en janv 26 avec au moins 1 adm/mois jusqu en juin ca fait bien 1000e ?", "920"),
        # A month named then its day; an oral drug « po à la maison »; a range asked before the sum to check.
        ("XELOX : oxali IV a dom 12/01, 02/02, 23/02 ; en mars que la capecitabine po a la maison ; avril IV "
         "le 13/04 ; mai IV le 04/05 -> de janv a mai ca fait 800 ?", "680"),
        # A count on a day (« 1 le 14 janv »); « rien » right before the next months; a checklist oui / non.
        ("mme D 1ere perf a dom le 4 dec 2025, 1 le 14 janv, rien fev ni mars, 1 le 15 avril. total ?", "560"),  # noqa: E501
        ("1ere perf 5 juin 2026, juillet oui, aout non (vacances), sept oui, oct oui. total ?", "680"),
        # A stay in hospital the whole month is no month at home; « vers le 15 à chaque fois »; « une pte ».
        ("1ere injection HAD le 8 avril 2026, mai ok a dom, juin hospitalisée tout le mois, puis perfs en "
         "juillet, aout, septembre. combien ?", "800"),
        ("1ere perf le 1er mars 2026, le 29 mars, le 26 avril, puis hospitalisé en mai et en juin, reprise à "
         "domicile le 5 juillet. combien ?", "560"),
        ("1ere perf le 2 fev 2026 puis 1 perf en mars, avril, mai (vers le 15 a chaque fois) → 680€ en tout ?",  # noqa: E501
         "680"),
        ("combien pour une pte adressee le 2/01/26, inj a dom le 5/01 26/01 16/02, rien en mars (tox), puis "
         "9/04 30/04 21/05 ? total stp", "680"),
        # « rien en janvier car pause thérapeutique, reprise … »: the reason is January's.
        ("inj a dom le 5 et le 19 novembre 2025, le 10 décembre, rien en janvier car pause thérapeutique, "
         "reprise le 4 février 2026. combien ?", "560"),
    ],
)  # fmt: skip
def test_more_ways_of_telling(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "on a 5 patients en cours, chacun une injection par mois depuis septembre, combien pour décembre ?",
        "de janvier à juin 2026, injections chaque mois, inclus en janvier, mais la HAD a changé en avril : total ?",  # noqa: E501
    ],
)
def test_a_month_asked_about_or_told_for_another_reason_is_not_read(text: str) -> None:
    assert read(text, TODAY) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Patients named by a title and a letter (« mme A », « mr B »), the count agreeing with them.
        (
            "2 patients : mme A perfs a dom janv fev mars avril 2026, mr B 1ere perf le 20 mars puis avril",
            "1120",
        ),
        # A drug given by injection is a word of care; the span told in brackets agrees with the months.
        ("un pt sous keytruda a dom tous les mois de janv a dec 2026 (12 mois d'affilee) : cb ?", "1640"),
        # Two patients each opened by an article; the cadence belongs to the first only.
        (
            "un patient adresse le 2 juin 2026 avec des administrations chaque mois jusqu'a decembre 2026, "
            "et une patiente adressee en octobre 2026 avec des administrations en octobre et en decembre "
            "seulement : total ?",
            "1480",
        ),
        # Months right after a patient's label are that patient's care, whatever sits between (« : de »,
        # « à domicile »); « patient A à … » and « patient C seulement … » are labels.
        (
            "3 pts en 2026, perfs : patient A a domicile mars, avril ; patient B avril ; "
            "patient C seulement mai",
            "1080",
        ),
        (
            "- P7 : perfusions à domicile de mars à mai 2026 ; "
            "- P8 : de avril à juin 2026, sauf mai : total ?",
            "1000",
        ),
    ],
)
def test_patients_told_by_title_or_article_and_a_span_told(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


def test_months_after_the_end_are_named_not_priced_at_zero() -> None:
    reply = answer_question(
        "patiente incluse en novembre 2027, administrations en decembre 2027, janvier 2028 et mars 2028 : "
        "total ?",
        NOW,
    )
    text = "\n".join(reply.body)
    assert "560,00 €" in text and "(mars 2028 : non comptés)" in text and " 0 €" not in text


def test_a_sum_over_months_the_reader_refuses_is_still_a_computation() -> None:
    # « sorti … ré-adressé »: an event the reader does not model; no entry on empty months answers instead.
    reply = answer_question(
        "P-3321 adressee le 2/09/2026, inj a dom 28/09, 19/10, rien en nov, sorti puis re-adresse en "
        "decembre. on en est a cb ?",
        NOW,
    )
    assert reply.data["topics"] == ["forfait_compute"]
    assert reply.needs_human


def test_a_pause_names_its_month_and_a_cadence_per_month() -> None:
    assert total(
        "inj a dom en mars avril mai 2026, pause en juin, reprise juillet + aout : total ?"
    ) == Decimal("800")
    assert total("1ere inj a dom le 14/11/2025 puis 1/mois jusqu'a juin 2026 inclus, total ?") == Decimal(
        "1160"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # An oral drug plainly confined to one month: that month had no administration that counts.
        (
            "pte adressee fin avril, 1ere perf a dom le 6 mai, juin que de l'oral (ibrance), perf en juillet",
            "440",
        ),
        (
            "première injection le 10 mars 2026 ; en avril, il n'a reçu à domicile que son Lonsurf "
            "(comprimés) ; "
            "injections de nouveau le 5 mai et le 2 juin. Quel montant total pour mars à juin ?",
            "560",
        ),
        ("inclusion oct 2025 (perf le 14/10), nov perf, dec que du xeloda, janv 2026 perf -> cb ?", "560"),
        # Consecutive months of care told by their number only.
        ("inclusion + 11 mois d'affilée avec perf = ?", "1640"),
        ("12 pts adressés en 2026, chacun 4 mois d'inj d'affilée, ca fait cb ?", "8160"),
        # Patients told by their codes, one after the other.
        ("2 pts : P1 inj a dom sept→dec 2025, P2 seulement oct et nov 2025. total pr les 2 ?", "1120"),
        (
            "Patients 2025 :\n- P-0101 : première administration à domicile le 7 octobre, puis "
            "administrations en novembre et en décembre ;\n- P-0102 : première administration le 4 novembre, "
            "puis le 9 décembre",
            "1000",
        ),
        # ISO months, an arrow, a cadence abbreviated, a hospital stay told as the reason of a month without.
        ("inj a dom en 2026-01, 2026-02, 2026-04, 2026-05 (rien en mars) → cb ?", "680"),
        ("keytruda ttes les 3 sem a dom depuis le 8/01/2026 jusqu'a fin juin, cb ?", "920"),
        (
            "pt inclus en fevrier 2026, perf a dom tous les mois jusqu'a juillet (sauf avril, il etait "
            "hospitalisé)",
            "800",
        ),
        # Patients listed by code in a letter, each with its dates; « l'article 50 »; « puis arrêt du
        # traitement » after the last month told.
        (
            "Médecin DIM, retenu dans l'expérimentation article 50 :\n- P-2026-014 : adressé le 12/01/2026, "
            "administrations les 20/01, 10/02, 03/03, 24/03 et 14/04 ;\n"
            "- P-2026-027 : adressé le 02/02/2026, "
            "administrations le 16/02, aucune en mars (hospitalisation), puis 06/04, 27/04 et 18/05 ;\n"
            "- P-2026-031 : adressé le 25/03/2026, une seule administration le 30/03 "
            "puis arrêt du traitement.\n"
            "Le total ?",
            "1560",
        ),
        # A day told as to come is not care yet.
        (
            "adressee le 2/09/2026, inj a dom 28/09, 19/10, rien en nov (neutropenie), prochaine le 3/12. "
            "cb ?",
            "440",
        ),
    ],
)
def test_oral_months_spans_codes_and_other_forms(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        # The oral drug is not confined to one month, or care is told beside it: no reading.
        "jan perf, fev perf et du xeloda, mars perf, cb ?",
        "jan perf, fev que du xeloda puis une perf, mars perf, cb ?",
        "jan perf, fev xeloda, mars perf, cb ?",
        # A span not told as consecutive, or with something unread.
        "perf pendant 6 mois, cb ?",
        "perf 6 mois d'affilée sauf 1, cb ?",
        # A hospital stay that is not the reason of a month already said to be without.
        "perf en janvier, février (hospitalisé en février), mars, cb ?",
        # A month asked about that does not hold every month read.
        "perf en mars, avril et mai, combien pour juin ?",
    ],
)
def test_oral_and_span_readings_stay_narrow(text: str) -> None:
    assert read(text, TODAY) is None


def test_care_past_the_end_counts_up_to_it_and_names_the_rest() -> None:
    params = load_parameters()
    reading = read(
        "inclus en octobre 2027, une administration chaque mois jusqu'en mars 2028, combien ?", TODAY
    )
    assert reading is not None
    result = compute(reading, params)
    assert not isinstance(result, str)
    assert result.total == Decimal(680)  # October 320 + November, December, January 3 × 120
    assert result.groups[0].open_month == Month(2028, 2)
    assert result.groups[0].after_end == (Month(2028, 3),)
    now = datetime(2027, 12, 1, 10, tzinfo=ZoneInfo("Europe/Paris"))
    said = "\n".join(
        answer_question(
            "inclus en octobre 2027, une administration chaque mois jusqu'en mars 2028, combien ?", now
        ).body
    )
    assert (
        "680,00 €" in said and "Février 2028 n'est pas compté" in said and "mars 2028 : non comptés" in said
    )


def test_a_reason_told_for_a_month_without_is_not_out_of_scope() -> None:
    reply = answer_question(
        "pt sous darzalex SC de fev a sept 2026 sauf aout (vacances du pt chez sa fille), cb ?", NOW
    )
    assert any("1 040,00 €" in line for line in reply.body)


def test_care_that_is_no_systemic_drug_gets_no_total() -> None:
    reply = answer_question("radiothérapie de mars à juin 2026, combien ?", NOW)
    assert reply.needs_human and not any("680,00 €" in line for line in reply.body)


def test_a_pause_right_before_a_range_empties_that_range() -> None:
    # « pause avril-mai »: the pause names the months after it (found on the sealed set, once measured).
    text = "admin a dom janv fev mars 2026, pause avril-mai (neutropenie), reprise juin juillet, total ?"
    assert total(text) == Decimal("800")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # « une » before a month is one administration that month, not a patient.
        (
            "première administration le 6 novembre 2026, puis une en décembre et une le 18 janvier 2027, "
            "total ?",
            "560",
        ),
        # The months the total is asked over are no months of care.
        (
            "1re admin à domicile en juin 2026, une en juillet, aucune en août, une en septembre. combien au "
            "total de juin à septembre ?",
            "560",
        ),
        # A bracketed reason for a month without changes nothing read.
        (
            "1re injection le 10 février 2026, traitée à domicile tous les mois de mars à septembre 2026, "
            "sauf en juillet (vacances en famille, cure décalée en HDJ). combien ?",
            "1040",
        ),
        (
            "1re admin le 2 décembre 2025, puis le 20 janvier 2026, le 17 février (hospitalisé tout le "
            "mois de mars, donc rien), et le 14 avril, total ?",
            "680",
        ),
        # A protocol and its stop are told as a treatment, not as a count or an unread event.
        (
            "suit un protocole toutes les trois semaines : J1 le 5 janvier 2026, puis le 26 janvier, le 16 "
            "février, le 9 mars et le 20 avril, puis arrêt du protocole. montant total ?",
            "680",
        ),
        # How care stops or changes in the months told.
        # A switch to a drug taken by mouth empties the months told after it.
        (
            "P-00777 : inj IV a dom janv fev mars 2026 puis passage a l'oral (capecitabine) avril mai juin, "
            "total ?",
            "560",
        ),
        # The care that ends after the months told (« puis sortie d'HAD ; »).
        (
            "première administration en janvier 2026, puis en février et mars, aucune en avril, une en mai, "
            "puis sortie d'HAD ; combien ?",
            "680",
        ),
        # The inclusion month told again in brackets; a month told again as the one asked about.
        (
            "inclusion en février 2027 (1re administration à domicile), puis administrations de mars à août "
            "2027 sauf en juin (hospitalisation). Combien ?",
            "920",
        ),
        (
            "1re administration en novembre 2027, puis décembre 2027 ; encore une en janvier 2028. Quel "
            "total, et le mois de janvier 2028 ouvre-t-il droit à un forfait ?",
            "560",
        ),
    ],
)
def test_months_told_in_an_email_s_prose(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


def test_a_count_of_administrations_is_not_told_where_another_patient_is() -> None:
    # « une en mars, l'autre en avril »: two patients, one each; no single patient's months.
    assert read("deux patientes : une en mars, l'autre en avril 2026, combien ?", TODAY) is None


def test_an_aside_that_tells_care_keeps_the_question_unread() -> None:
    text = "injections de mars à juin 2026 sauf en mai (mais une injection le 20), total ?"
    assert read(text, TODAY) is None


def test_an_email_subject_line_is_not_a_second_timeline() -> None:
    text = (
        "Objet : forfait juillet à décembre\n\nBonjour,\n\nPatiente P-03014 : première cure à domicile le 7 "
        "juillet 2026, puis une cure à domicile chaque mois jusqu'à décembre 2026 inclus.\nQuel est le total "
        "des forfaits perçus sur 2026 ?\n\nBonne journée,\nÉquipe mobile"
    )
    said = "\n".join(answer_question(text, NOW).body)
    assert "920,00 €" in said


def test_the_year_of_payment_asked_beside_a_total_is_answered_too() -> None:
    text = (
        "Le patient P-00907 a eu sa première injection à domicile le 10 février 2026, puis tous les mois de "
        "mars à septembre 2026, sauf en juillet. Combien l'établissement percevra-t-il pour ce patient sur "
        "2026, et sur quel exercice ce sera versé ?"
    )
    said = "\n".join(answer_question(text, NOW).body)
    assert "1 040,00 €" in said and "versés en 2027" in said


def test_a_leaving_followed_by_a_return_stays_unread() -> None:
    assert read("injections en mars et avril 2026, puis sortie d'HAD, retour en juin, total ?", TODAY) is None


def test_a_stop_told_in_brackets_ends_that_patient_s_care() -> None:
    text = "cb pr 3 pts: P-601 debut mars 26 puis avril mai ; P-602 debut avril et c tout (arret) ; P-603 mai"
    assert total(text) == Decimal("1200")  # 560 + 320 + 320


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A list goes on after an aside in brackets (« (pause ttt), et juin »): juin is a month of care.
        (
            "1ere admin a dom en janv 2026, puis fev, mars, pas d'inj avril mai (pause ttt mais tjs en HAD), "
            "et juin -> total ?",
            Decimal("680"),
        ),
        ("adm a dom janv fev mars 2026, rien en avril mai (tjs en HAD), puis de nouveau en juin ?", 680),
        # An aside between the word of care and the month (« à domicile (HAD partenaire) en mars »).
        ("1re injection à domicile (HAD partenaire) en mars 2026 puis une chaque mois jusqu'en juin", 680),
        # « il en aura une chaque mois jusqu'à décembre »: the cadence's administration, no count of patients.
        ("1re administration en septembre 2026 et il en aura une chaque mois jusqu'à décembre ?", 680),
    ],
)
def test_lists_go_on_past_asides_and_cadences_are_told_many_ways(text: str, expected: int) -> None:
    assert total(text) == Decimal(expected)


def test_several_days_of_one_month_and_requests_are_no_counts() -> None:
    # « les 2 et 16 décembre »: two days of December; « à ce jour », « une estimation »: nothing counted.
    assert total(
        "Je prépare une estimation. Patiente adressée le 12 novembre 2025, administrations à domicile le 18 "
        "novembre, les 2 et 16 décembre 2025, puis le 3 février 2026 (rien en janvier). Combien à ce jour ?"
    ) == Decimal(560)


def _said(question: str) -> str:
    return "\n".join(answer_question(question, NOW).body)


def test_the_users_working_and_two_rival_sums() -> None:
    """« j'ai calculé 5x320 = 1600 € » checks the 1 600 €, its working read; « ma collègue dit 800, moi 680 »:
    the total read settles them."""
    said = _said(
        "patient inclus en janvier 2026, perfs a dom chaque mois de janvier a mai. j'ai calculé 5x320 = "
        "1600€, c'est juste?"
    )
    assert said.startswith("Non : le total est de 800,00 €.") and "1 600" not in said, said
    said = _said(
        "1ere perf 5 juin 2026, juillet oui, aout non (vacances), sept oui, oct oui. ma collegue dit 800 moi "
        "680, qui a raison ?"
    )
    assert "= 680,00 €" in said, said


def test_patients_numbered_or_titled_and_a_year_asked_of_them() -> None:
    """« patient 1 : …, patient 2 : … », « M. B. : … »; « arrêt ensuite », « fin » end a patient's care; a
    year asked of several patients gives each one's part of it; a month asked after the last patient is
    asked of them all (no total over other months)."""
    reading = read(
        "deux patients :\n- patient 1 : première administration à domicile le 7 octobre 2025, puis une "
        "administration en novembre et une en décembre ;\n- patient 2 : première administration à domicile le "  # noqa: E501
        "9 décembre 2025.\nQuel montant total pour 2025 ?",
        TODAY,
    )
    assert reading is not None and len(reading.groups) == 2
    said = "\n".join(
        answer_question(
            "Trois patients :\n- Mme A. : première perf à domicile le 5 janvier 2026, puis au moins une perf "
            "chaque mois de février à juin, arrêt ensuite ;\n- M. B. : première perf à domicile le 4 mars 2026, "  # noqa: E501
            "puis avril et mai ; hospitalisé en juin et juillet (aucune perf à domicile), reprise en août et "
            "septembre, fin ;\n- Mme C. : première perf à domicile le 3 novembre 2025, puis décembre 2025, "
            "janvier et février 2026, fin.\nCombien par patient pour 2026 ?",
            NOW,
        ).body
    )
    assert "= 920,00 €" in said and "= 800,00 €" in said and "Pour ses mois de 2026 : 240,00 €" in said, said
    assert "1 960,00 €" in said and "2 400,00 €" not in said, said
    assert (
        read(
            "Mme L. incluse en mai 2026 (admin mai, juin, juillet) et M. R. inclus en juillet 2026 (admin "
            "juillet seulement). ca fait combien pour le seul mois de juillet 2026 ?",
            TODAY,
        )
        is None
    )


def test_patients_named_by_letters_opening_clauses_and_a_sum_to_check() -> None:
    """« 3 pts : A inclus oct 25 … ; B inclus nov … ; C inclus déc … -> total 1320 c bien ça ? »: letters that
    open the clauses name the patients; the sum put to the test is checked."""
    said = "\n".join(
        answer_question(
            "3 pts : A inclus oct 25 + adm nov et dec ; B inclus nov puis plus rien ; C inclus dec, rien en "
            "janv, adm fev -> total 1320 c bien ca ?",
            NOW,
        ).body
    )
    assert said.startswith("Oui : le total est bien de 1 320,00 €."), said


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Months of an oral drug only, told after a list of months, with the restriction after the drug.
        (
            "1ere inj Herceptin SC a dom le 7/10/25, nov et dec elle a eu que du Xeloda (cp), puis Herceptin SC a "  # noqa: E501
            "dom en janv fev mars 2026. ca fait cb en tout ?",
            "680",
        ),
        (
            "- janvier 2026 : première cure à domicile ;\n- février : nouvelle cure à domicile ;\n- mars et avril :"  # noqa: E501
            " capécitabine seule per os, aucune injection ;\n- mai : reprise à domicile.\nTotal pour ces cinq mois ?",  # noqa: E501
            "560",
        ),
        # Who writes, in a day hospital; care ended by a return to the day hospital.
        (
            "Je coordonne les adressages de notre HDJ d'oncologie. Patient A : adressé le 3 septembre 2025, "
            "administrations à domicile les 8/09, 22/09 et 6/10 ; patient B : une seule administration à domicile"  # noqa: E501
            " le 27/10/2025 puis retour en HDJ à sa demande. Quel total ?\nIsabelle, cadre HDJ oncologie",
            "760",
        ),
        (
            "voici nos deux premiers patients : patient 1 : inj a dom en mars et avril 2026 ; patient 2 : en mai 2026",  # noqa: E501
            "760",
        ),
        (
            "combien pour un pt 1ere adm a dom le 2 mars 2026 puis le 20 avril et le 18 mai et stop (progression) ?",  # noqa: E501
            "560",
        ),
        (
            "injections a dom le 3 fevrier 2027, le 10 mars, le 7 avril, rien en juin non plus, arret du traitement depuis",  # noqa: E501
            "560",
        ),
        (
            "Au DIM d'un centre hospitalier : P-101 administrations à domicile en mars et avril 2026 ; P-102 en mai",  # noqa: E501
            "760",
        ),
    ],
)
def test_oral_months_after_a_list_day_hospitals_and_ends_of_care(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        # A negation that months follow is theirs to the lists: left unread rather than given twice.
        "1ere cure a dom le 2/02/26, le 9/03, avril-mai relais capecitabine PO donc aucune inj, juin et juillet a dom",  # noqa: E501
        # Months in a day hospital told with a month: care elsewhere that month, not who writes.
        "1ere cure a dom le 6 sept 2027, en octobre ses deux cures faites en HDJ, a dom le 13 novembre. total ?",  # noqa: E501
        # A return to the day hospital with care at home after it is a new referral: no total.
        "inj a dom en mars 2026, puis retour en HDJ, puis a dom en juin 2026 : total ?",
        # « patient 1 inj » is a patient's number, never one injection: without its colon it stays unread.
        "voici nos deux premiers patients : patient 1 inj a dom en mars et avril 2026 ; patient 2 en mai 2026",  # noqa: E501
        # « 5 mois » told for months that span another count.
        "inj a dom en janvier, fevrier et mars 2026 : total pour ces cinq mois ?",
    ],
)
def test_oral_lists_and_day_hospitals_stay_narrow(text: str) -> None:
    assert read(text, TODAY) is None


def test_a_forwarded_email_s_patients_are_read_and_the_year_asked_in_other_words() -> None:
    text = (
        "Je vous transfère le récapitulatif de l'IDE. Pouvez-vous nous indiquer le montant total des "
        "forfaits dus pour 2026 sur ces deux patients, et l'année où nous devrions le percevoir ?\n"
        "-------- Message transféré --------\n"
        "- P-101 : 1re administration à domicile le 14/01/2026, puis le 10/02 et le 10/03.\n"
        "- P-103 : adressé le 20/11/2026, administrations le 25/11 et le 09/12.\n"
    )
    said = "\n".join(answer_question(text, NOW).body)
    assert "1 000,00 €" in said and "versés en 2027" in said


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The user's working before the sum to check is read as working, not as months or counts.
        (
            "pt inclus en nov 25 (perf nov), rien en dec (neutropenie), reprise jan + fev. "
            "donc 320 + 3x120 = 680 ?",
            "560",
        ),
        # A quarter asked that holds every month read.
        ("4 nouveaux pts inclus en janv 2027, tous traites a dom jan fev mars. total T1 stp", "2240"),
    ],
)
def test_the_user_s_working_and_a_quarter_asked(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


def test_a_quarter_that_does_not_hold_the_months_read_gets_no_total() -> None:
    # December's inclusion lies outside the first quarter asked: a total over all months would not answer it.
    text = "pt B deja inclus en dec 25, perf a dom en jan fev et mars 26 : combien pour le T1 seul ?"
    assert read(text, TODAY) is None
    said = "\n".join(answer_question(text, NOW).body)
    assert "680" not in said and "560" not in said


@pytest.mark.parametrize(
    "text",
    [
        # Computations the reader declines are still computations: no entry's amounts instead of a total.
        "6 mois d'HAD avec au moins 1 inj par mois = 320 + 6x120 on est d'accord ?",
        "C1 a dom le 20/01 puis tous les 21j (J1=J22), on en est a cmb de forfaits aujourd'hui ?",
    ],
)
def test_a_sum_asked_in_the_user_s_words_is_a_computation(text: str) -> None:
    reply = answer_question(text, NOW)
    assert reply.data["topics"] == ["forfait_compute"]
    said = "\n".join(reply.body)
    assert "560,00 €" not in said and "800,00 €" not in said


def test_counts_told_by_their_forfaits_and_a_payment_year_asked_beside() -> None:
    text = (
        "Pour l'année 2025, notre journal fait apparaître 5 forfaits d'inclusion et 7 forfaits mensuels.\n"
        "1. Quel montant devons-nous attendre ?\n2. Sera-t-il versé en 2025 ou en 2026 ?"
    )
    assert total(text) == Decimal("2440")


@pytest.mark.parametrize(
    "text",
    [
        # The days of a hospital stay are no administrations.
        "P-00412 adresse le 03/10/25, admin a dom le 07/10, le 28/10 et le 18/11, puis hospit en onco "
        "du 01/12 au 30/12 (neutropenie febrile), reprise a domicile le 05/01. combien d'octobre a janvier ?",
        # Two patients named: never one patient's count of months.
        "bilan 2025 svp : patient A 1ere admin dom le 15/09/2025 puis admins en oct, nov et dec. "
        "patient B 1ere admin dom le 02/12/2025. total forfaits 2025 ?",
        # Months told out of their order: never a span of eleven months.
        "1 patient avec 4 injections de velcade a dom en mars (il a été inclus en janvier), 4 forfaits ?",
    ],
)
def test_no_confident_total_from_a_misread_story(text: str) -> None:
    reply = answer_question(text, datetime(2026, 3, 30, 10, tzinfo=ZoneInfo("Europe/Paris")))
    said = "\n".join(reply.body)
    # No computation restated (« Soit : forfait d'inclusion … = … »): a person checks the months.
    assert "Soit :" not in said and reply.needs_human, said


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A month without, then the stay that explains it: its length (« pdt 3 sem ») is no date.
        (
            "pt adresse le 3/10/25, inj a dom le 8/10, 5/11 et 19/11, rien en dec (hospit en onco pdt "
            "3 sem), reprise a dom le 14/01/26 -> ca fait cb au total les forfaits ?",
            "560",
        ),
        # A month put at 0 (« mars 0 »), with its reason after.
        (
            "pte adressee le 3/11/25, 1ere inj a dom le 18/11, dec + janv + fev 2 inj/mois, mars 0 (hospit "
            "en onco), avril 1 inj le 9. total forfaits ?",
            "800",
        ),
        # « hospit tout le mois de mai »: the month in hospital is the one named after, not the one before
        # the comma; its aside « (0 inj) » is read once it is known to be without.
        (
            "pt adressé le 3 mars 2026, inj a dom le 10/03 et 24/03, puis 7/04, hospit tout le mois de mai "
            "(0 inj), reprise 2/06 et 16/06. ca fait combien de forfaits au total svp ?",
            "560",
        ),
        # An oral relay whose brackets say so again (« (que du per os) »), and oral words before the months.
        (
            "pt adresse le 22/09/2025, inj a dom le 29/09, 13/10, 27/10, 10/11 et 24/11, en dec relais "
            "capecitabine (que du per os), puis reprise FOLFOX a dom le 08/01/2026. ca fait combien en "
            "tout ?",
            "680",
        ),
        ("pt sous xeloda per os en janv et fev, puis oxali en HAD en mars, avril, mai 2026 : total ?", "560"),
        # « + » joins the months of an oral relay as « et » does (December was counted: 920 €).
        (
            "Mme R. : adressee fin aout 25, cures a dom en septembre, octobre et novembre, puis decembre + "
            "janvier relais per os (xeloda), reprise IV a dom fevrier et mars 26. total des forfaits ?",
            "800",
        ),
        # The patients told, named again (« les 3 ont eu … », « pr les 3 »); « le 1er trimestre » is T1.
        ("3 pts inclus en oct 2025, les 3 ont eu des adm a dom en oct nov et dec. total pour 2025", "1680"),
        (
            "3 pts inclus en janvier 2026 (1ere adm dom en janv pr les 3), tous ont eu des adm en fev et "
            "en mars → ca fait combien pr le 1er trimestre ?",
            "1680",
        ),
        # A stay told of a list's head never empties the days told after it in the list (read after the
        # measurement: T26 got a confident 440 € for 680 €).
        (
            "calcul svp pr mr L : 1ere adm dom 3/02/26, puis 24/02, 17/03, hospit tt avril, 5/05 + 26/05, "
            "16/06, fin HAD le 30/06",
            "680",
        ),
        # A month answered « ok », as in a checklist.
        (
            "1ere adm a dom le 9 mars 2027, puis avril mai, juin rien (hospit en onco), juillet et aout ok. "
            "ca nous fait combien au total ?",
            "800",
        ),
    ],
)
def test_a_month_without_explained_by_a_stay_and_months_checked(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A patient told with a drug taken by mouth only keeps its place among the patients, with no forfait.
        (
            "Voici nos trois patients : - P-1 : adressé le 6 octobre 2025, administrations à domicile "
            "le 9 octobre et le 13 novembre 2025 ; - P-2 : adressé le 3 novembre 2025, administration à "
            "domicile le 7 novembre ; - P-3 : adressé le 20 novembre 2025, traité à domicile par "
            "capécitabine orale seule. Combien au total ?",
            "760",
        ),
        (
            "- Patient A : 1re injection à domicile le 3/12/2025. - Patient B : en HAD depuis novembre "
            "2025 mais uniquement sous Xeloda (oral), aucune injection. Quel montant total ?",
            "320",
        ),
        # The day care at home ended is no administration: its month counts only if one is told in it.
        (
            "M. B adresse le 20/01/2027, adm a dom 28/01, 11/02 et 25/02, "
            "puis fin de PEC HAD le 01/03. combien ?",
            "440",
        ),
        (
            "1re adm a dom le 09/09/2025, puis le 30/09 et le 21/10 ; "
            "fin de prise en charge le 25/10. total ?",
            "440",
        ),
        # An aside that denies care again after a month without (« (neutropénie, aucune adm à dom) »), and the
        # month asked again at the end (« et mars ça compte ? »), change nothing read.
        (
            "1ere inj a dom le 10/02/26, puis hospit tout le mois de mars (neutropenie febrile, aucune adm a "
            "dom), reprise a dom le 7/04 et le 5/05. total ? et mars ca compte ?",
            "560",
        ),
        ("de mars a aout 2026 inj a dom tous les mois sauf mai (il etait en SMR, pas d'inj). total ?", "800"),
        # A stay in hospital the whole month told after a list's last month, a ward between (« en février il
        # est hospitalisé en conventionnel tt le mois (0 adm à dom) »): that month had none.
        (
            "1ere adm a dom le 28/01/2026, en fevrier il est hospitalisé en conventionnel tt le mois "
            "(0 adm a dom), reprise a dom en mars et avril. ca fait combien ?",
            "560",
        ),
        # « re-inj »: care again.
        (
            "avril inj a dom, mai inj a dom, juin que du per os (xeloda), "
            "juillet et aout re-inj a dom. total ?",
            "680",
        ),
        # « arrêt du ttt après »: the care stops after the months told.
        (
            "pt adressé le 3/11/25, inj a dom le 12/11, le 3/12 et le 24/12 puis le 14/01/26, arret du ttt "
            "apres. ca nous fait combien en tout ?",
            "560",
        ),
    ],
)
def test_an_oral_only_patient_and_the_day_care_ended(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


def test_an_oral_only_patient_is_said_and_alone_is_no_total() -> None:
    text = (
        "- Patient A : 1re injection à domicile le 3/12/2025. - Patient B : uniquement sous Xeloda (oral). "
        "Quel montant total ?"
    )
    said = "\n".join(answer_question(text, NOW).body)
    assert "voie orale seulement" in said and "0,00 €" in said
    # Patients treated by mouth only, and no other: not a timeline to total.
    assert read("- Patient A : Xeloda (oral). - Patient B : capécitabine seule. total ?", TODAY) is None
    # « jusqu'à fin novembre » is a month's end, not the end of care.
    assert total(
        "inclusion en mars 2026 puis une injection chaque mois jusqu'a fin novembre : combien ?"
    ) == Decimal("1280")


def test_a_working_s_sum_is_the_total_s_not_a_fee_s() -> None:
    # « 4x120 = 480 € » folds to « 4 x 120 480 »: never the number 120 480, nor a fee put to the test.
    text = (
        "pt a dom de sept a dec 2025 (1ere adm a dom en sept, puis 1 adm chaque mois), "
        "ca fait 4x120 = 480€ c bien ca ?"
    )
    said = "\n".join(answer_question(text, NOW).body)
    assert said.startswith("Non : le total est de 680,00 €.") and "481" not in said and "pas 480" not in said


def test_a_sum_checked_by_je_me_trompe_pas() -> None:
    said = "\n".join(
        answer_question(
            "pt en HAD mars→juin 2026, 1 perf/mois a dom. 320 + 3x120 = 680€, jme trompe pas ?", NOW
        ).body
    )
    assert said.startswith("Oui : le total est bien de 680,00 €.")


def test_a_working_put_to_the_test_without_its_sum() -> None:
    # « donc 320 + 5x120 c ça ? »: the working's sum (920) is checked, and not repeated (a wrong figure).
    text = "de mars a aout 2026 inj a dom tous les mois sauf mai (il etait en SMR). donc 320 + 5x120 c ca ?"
    said = "\n".join(answer_question(text, NOW).body)
    assert said.startswith("Non : le total est de 800,00 €.") and "920" not in said
    said = "\n".join(
        answer_question("inj a dom de janvier a avril 2026, donc 320 + 3x120 c bien ca ?", NOW).body
    )
    assert said.startswith("Oui : le total est bien de 680,00 €.")


def test_months_without_told_before_the_care_are_placed_before_it() -> None:
    reading = read(
        "pt sous xeloda per os en janv et fev, puis oxali en HAD en mars, avril, mai 2026 : total ?", TODAY
    )
    assert reading is not None and len(reading.groups) == 1
    assert [(m.year, m.month) for m in reading.groups[0].empty] == [(2026, 1), (2026, 2)]


def test_a_sum_found_after_an_arrow_is_put_to_the_test() -> None:
    from handlers.questions import answer_question
    from tests.support.question_probe import DEFAULT_NOW, plain

    reply = answer_question(
        "4 nouveaux pts avec leur 1ere adm a domicile en septembre → 1280 € pour sept, je me trompe pas ?",
        DEFAULT_NOW,
    )
    assert reply.data["topics"] == ["forfait_compute"]
    assert plain(reply.body[0]).startswith("oui : le total est bien de 1 280,00")


def test_care_on_a_day_after_the_end_in_the_end_s_month_is_handed_over_with_the_reading() -> None:
    # (it was said unpaid, « février 2028 : non comptés »: whether the end's month is paid is in no text)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from handlers.questions import answer_question
    from tests.support.question_probe import plain

    at = datetime(2028, 2, 25, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question("pt en HAD depuis nov 2027, adm le 19/02/2028 → forfait fevrier ?", at)
    said = plain("\n".join(reply.body))
    assert "5 fevrier 2028" in said and "le projet lit que non" in said
    assert reply.status == Status.UNKNOWN and reply.needs_human


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("inclusion puis 3 mois avec administration, ça fait combien ?", "680"),
        (
            "le mois d'inclusion puis 3 mois suivants avec au moins une administration chaque mois. "
            "montant ?",
            "680",
        ),
        ("patient suivi 4 mois avec une perf chaque mois, total ?", "680"),
        (
            "5 nouveaux patients, pour chacun le mois d'inclusion puis 3 mois suivants avec administration",
            "3400",
        ),
    ],
)
def test_months_counted_with_care_after_the_inclusion_month(text: str, expected: str) -> None:
    # « inclusion puis 3 mois avec administration »: 3 months after the inclusion month, so 4 in all.
    assert total(text) == Decimal(expected)


def test_a_day_in_an_aside_right_after_a_month_is_that_month_s_day() -> None:
    text = (
        "pt inclus en mars (1ere perf a dom le 3), avril rien, mai perf le 7, juin rien, juillet perf le 9. "
        "total ?"
    )
    assert total(text) == Decimal("560")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A month written as a spreadsheet writes it.
        (
            "patient X perf a domicile en 01/2026, 02/2026, 04/2026, 07/2026 et 08/2026 -> total forfaits ?",
            "800",
        ),
        # Every month of one year but those excepted; an inclusion told as already made, months before.
        ("perf a dom tous les mois de 2026 sauf en juillet, total ?", "1520"),
        (
            "patient deja inclus en octobre 2025. en 2026 il a eu des perf tous les mois sauf en aout et en "
            "decembre, combien pour 2026 ?",
            "1200",
        ),
        (
            "patient déjà inclus en octobre 2025, perf de janvier 2026 a juin 2026 sauf en mars, combien ?",
            "600",
        ),
        # To the end of the year told; a participle of care.
        (
            "injection à domicile toutes les 6 semaines, première injection le 5 janvier 2026, sans "
            "interruption jusqu'à la fin de l'année. Quel montant pour 2026 ?",
            "1280",
        ),
        ("perf chaque mois de mars 2026 jusqu'à la fin de l'année, total ?", "1400"),
        (
            "patiente perfusee a dom toutes les 3 semaines a partir du 12/01/2026 jusqu'a fin juin 2026, "
            "combien ?",
            "920",
        ),
    ],
)
def test_months_of_a_year_told_at_once(text: str, expected: str) -> None:
    assert total(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the day after « rien jusqu'au » is the next administration; the year in brackets is the days' year
        ("pt 12 inj 2/3 9/3 16/3 23/3 puis 6/4 20/4 puis plus rien jusqu'au 1/6 (2027). total stp", "560"),
        # months written as an export writes them, listed as the months at home; « pt 3 » names the patient
        ("pt 3 : mois HAD = 2027-02, 2027-03, 2027-05, 2027-06, 2027-07 → total ?", "800"),
    ],
)
def test_a_gap_until_a_day_and_months_at_home_listed(text: str, expected: str) -> None:
    at = datetime(2027, 8, 2, 10, tzinfo=ZoneInfo("Europe/Paris"))
    said = " ".join(answer_question(text, at).body)
    assert f"= {expected[:-3]} {expected[-3:]},00 €" in said or f"= {expected},00 €" in said, said


def test_one_year_asked_of_care_across_years_gets_that_year_s_part() -> None:
    at = datetime(2027, 6, 7, 10, tzinfo=ZoneInfo("Europe/Paris"))
    text = (
        "patient inclus en oct 2026, perf tous les mois de janvier à mai 2027 : combien pour l'année 2027 ?"
    )
    said = " ".join(answer_question(text, at).body)
    assert "600,00 €" in said and "920,00 €" not in said, said
    # both asked: both said
    both = text.replace("combien pour l'année 2027 ?", "montant total, et quelle part pour 2027 ?")
    said = " ".join(answer_question(both, at).body)
    assert "600,00 €" in said and "920,00 €" in said, said


def test_an_inclusion_in_another_year_than_the_months_counted_gives_no_plain_count() -> None:
    # The months between the inclusion and the span are not told: no total from a bare count of months.
    text = (
        "patient inclus en octobre 2025, perf de janvier 2026 a decembre 2026 sauf en aout, combien pour "
        "2026 ?"
    )
    reply = answer_question(text, datetime(2027, 1, 12, 10, tzinfo=ZoneInfo("Europe/Paris")))
    assert not any("1 520,00 €" in line for line in reply.body), reply.body


def test_a_sum_and_its_year_of_payment_asked_together_get_both() -> None:
    question = (
        "patient inclus en nov 2025, il a eu une admin a domicile tous les mois de 2026 : combien de "
        "forfaits pour 2026 et ils tombent quand ?"
    )
    reply = answer_question(question, datetime(2027, 1, 20, 10, tzinfo=ZoneInfo("Europe/Paris")))
    said = " ".join(reply.body)
    assert "Pour les mois de 2026 : 1 440,00 €." in said and "versés en 2027" in said, reply.body


def test_a_month_excepted_while_away_is_a_month_without_not_an_unsettled_stay() -> None:
    question = (
        "M. R perfusé a domicile de juin a octobre 2026 sauf en aout (il etait chez sa fille, cure faite en "
        "hdj) ca fait combien de forfait au total ??"
    )
    reply = answer_question(question, datetime(2026, 11, 5, 10, tzinfo=ZoneInfo("Europe/Paris")))
    assert any("= 680,00 €" in line for line in reply.body), reply.body


def test_inclusive_after_the_last_month_is_no_inclusion() -> None:
    # « jusqu'à août 2027 inclus »: the end month is counted; it names no inclusion in another year.
    question = (
        "hypothèse d'un patient pris en charge à domicile de septembre 2026 à août 2027 inclus, avec au "
        "moins une perfusion à domicile chaque mois. Quel montant total de forfaits ?"
    )
    reply = answer_question(question, datetime(2026, 6, 23, 10, tzinfo=ZoneInfo("Europe/Paris")))
    assert any("1 640,00 €" in line for line in reply.body), reply.body


def test_months_put_forward_for_a_cadence_in_weeks_are_not_counted() -> None:
    # (the older month count took the « 6 mois » put forward and answered 920 €: it is 800 €, five months)
    text = "toutes les 3 semaines depuis le 29/09/2025, 6 cures (fini mi janvier), ca fait 6 mois donc 920 ?"
    body = " ".join(answer_question(text, NOW).body)
    assert "920,00 €" not in body


def test_days_with_no_year_told_out_of_order_are_not_placed_into_the_months_to_come() -> None:
    # (placed in the order told, September and October fell in the next year, after today)
    text = "decede le 03/11 apres une derniere perf le 1er novembre. perfs a dom le 17/09, 08/10 et 01/11"
    assert read(text, TODAY) is None


def test_a_session_to_come_after_the_end_is_told_to_earn_nothing() -> None:
    text = (
        "1re perfusion à domicile le 10 décembre 2027, puis le 7 janvier et le 4 février 2028. Une "
        "dernière cure est prévue le 3 mars 2028. Quels forfaits ?"
    )
    body = " ".join(answer_question(text, NOW).body)
    assert "560,00 €" in body
    assert "mars 2028 : non comptés" in body


def test_a_stated_sum_is_read_with_its_working_and_its_spaced_thousands() -> None:
    # (the working « 3 x (320x3) » was read as figures of the timeline, and « 1 520 € » as two figures: no
    # total was checked)
    text = (
        "3 patients inclus en sept 2025, chacun une admin a dom le 2 sept, le 6 oct et le 4 nov. Mon chef a "
        "calculé 3 x (320x3) = 2880€, c'est bon ?"
    )
    reading = read(text, date(2025, 12, 1))
    assert reading is not None and reading.stated_total == Decimal(2880)
    assert total_of(reading, date(2025, 12, 1)) == Decimal(1680)
    text = (
        "P-00101 : 1re administration à domicile le 2 février 2026, puis le 10 mars, le 7 avril et le 9 juin "
        "(rien en mai, pause thérapeutique, le patient reste suivi par l'HAD). Notre tableau donne 1 520 € "
        "de forfaits pour ce patient. Est-ce juste ?"
    )
    reading = read(text, date(2026, 7, 6))
    assert reading is not None and reading.stated_total == Decimal(1520)
    assert total_of(reading, date(2026, 7, 6)) == Decimal(680)


@pytest.mark.parametrize(
    ("text", "today", "stated", "total"),
    [
        # a sum put to the test after « donc », its euro sign left out
        (
            "P-00031 : 1ere admin a dom le 12/01/2026, rien en fevrier, une en mars. donc 440 c'est ca ?",
            date(2026, 4, 15),
            440,
            440,
        ),
        # « 1 mi-février »: one administration that month, not a count of months
        (
            "3 patients, 1ere injection a dom le 2 janvier 2026 puis 1 mi-fevrier et 1 mi-mars chacun, "
            "ca fait bien 1680 € au total ?",
            date(2026, 4, 2),
            1680,
            1680,
        ),
        # « si tout se passe comme prévu »: the projection asked, not a session to come left out
        (
            "si tout se passe comme prevu pr P-00017 : 1ere admin a dom debut mars 2026 puis 1 perf par mois "
            "jusqu'a fin juin, on touche combien au total ?",
            date(2026, 3, 9),
            None,
            680,
        ),
        # months told by their number, « de suivi » between the count and its care
        (
            "5 patients, chacun : mois d'inclusion + 11 mois de suivi avec au moins 1 injection/mois. "
            "total ?",
            date(2026, 4, 22),
            None,
            8200,
        ),
        (
            "Notre DAF a calculé 4 480 € de forfaits pour 8 patients inclus en 2026, avec ensuite 2 mois "
            "de suivi chacun (une injection par mois). Pouvez-vous confirmer ce chiffre ?",
            date(2026, 6, 30),
            4480,
            4480,
        ),
        # one month's census: new patients and patients already followed, each with care
        (
            "combien on touche pour octobre : 3 nouveaux patients inclus ce mois ci + 5 deja suivis qui ont "
            "tous eu leur injection a dom",
            date(2025, 10, 31),
            None,
            1560,
        ),
        # the plan's last day, « (dernière cure prévue) », is as much care as the others told
        (
            "Un patient recevra son immunothérapie à domicile toutes les 6 semaines : 5 janvier, 16 février, "
            "30 mars, 11 mai et 22 juin 2027 (dernière cure prévue). Combien de forfaits au total ?",
            date(2026, 12, 18),
            None,
            800,
        ),
        # « total sur les 3 mois »: the span of the months told
        (
            "P-00088 : perf a dom le 6 janv (inclusion), en fevrier uniquement xeloda per os, perf le 3 "
            "mars. total sur les 3 mois stp",
            date(2026, 3, 20),
            None,
            440,
        ),
        # one year named twice; « 5 mois à domicile, mois d'inclusion compris, avec au moins une injection »
        (
            "pour l'EPRD 2026, nous prévoyons 12 nouveaux patients adressés en HAD en 2026, chacun suivi "
            "5 mois à domicile, mois d'inclusion compris, avec au moins une injection chaque mois. "
            "Quel montant ?",
            date(2025, 11, 20),
            None,
            9600,
        ),
    ],
)
def test_sums_told_as_people_write_them_are_read(
    text: str, today: date, stated: int | None, total: int
) -> None:
    reading = read(text, today)
    assert reading is not None
    assert reading.stated_total == (None if stated is None else Decimal(stated))
    assert total_of(reading, today) == Decimal(total)


def test_the_span_asked_before_a_list_of_patients_gives_them_its_year() -> None:
    # (the span asked was taken for a month of care before the first patient, and once left aside its
    # « décembre 2025 » placed the patients' September in 2026; the subject's « sept.–déc. » ended the
    # subject line on its abbreviation dot)
    text = (
        "Objet : forfaits sept.–déc. 2025. Pouvez-vous vérifier nos forfaits de septembre à décembre 2025 ? "
        "- P-00011 : inclus en septembre, une perfusion à domicile chaque mois jusqu'en décembre ; "
        "- P-00012 : inclus en novembre, perfusion en novembre et en décembre ; - P-00013 : inclus en "
        "octobre, perfusion en octobre, rien en novembre, perfusion en décembre."
    )
    reading = read(text, date(2026, 1, 7))
    assert reading is not None
    assert {m.year for g in reading.groups for m in g.months} == {2025}
    assert total_of(reading, date(2026, 1, 7)) == Decimal(1560)


def test_a_span_asked_across_two_years_and_one_year_asked_gives_both_parts() -> None:
    text = (
        "c quoi le total des forfaits sur dec 2025 - fev 2026 et cmb pour 2025 seulement ?\n"
        "patient | 1re admin dom | mois avec admin a dom\n"
        "P01 | 02/12/2025 | dec, janv, fev\n"
        "P02 | 15/12/2025 | dec, fev\n"
    )
    reply = answer_question(text, datetime(2026, 3, 9, 17, tzinfo=ZoneInfo("Europe/Paris")))
    body = " ".join(reply.body)
    assert "Au total : 1 000,00 €" in body, body
    assert "Pour les mois de 2025 : 640,00 €" in body, body
