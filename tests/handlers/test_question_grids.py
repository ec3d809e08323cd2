"""Tables pasted in a question (handlers/questions/grids.py) and the readings the timeline reader takes from
them; with them, the other shapes of several patients' stories the reader takes (an inclusion year told per
patient, an idle aside in brackets, a half-year, a period « ces quatre mois »)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from handlers.questions import answer_question, grids
from tests.support.totals import read_total

GRID = (
    "Bonjour, voici nos administrations à domicile en 2026 :\n"
    "| patient | janv. | févr. | mars | avril |\n"
    "|---|---|---|---|---|\n"
    "| P-01 | 2 | 1 | 0 | 3 |\n"
    "| P-02 | – | 1 | 2 | 2 |\n"
    "| P-03 | – | – | – | 1 |\n"
    "Quel total de forfaits pour ces quatre mois ?"
)


def total(text: str, today: date) -> Decimal | None:
    return read_total(text, today)


def test_a_grid_of_counts_by_month_is_told_patient_by_patient() -> None:
    told = grids.rewrite(GRID)
    assert "- P-01 : administrations en janvier, février, rien en mars, puis avril ;" in told
    assert "- P-02 : administrations en février, mars, avril ;" in told
    assert "- P-03 : administrations en avril ;" in told
    assert "|" not in told


def test_a_flattened_grid_reads_the_same() -> None:
    flat = grids.rewrite(" ".join(GRID.split()))
    assert " ".join(flat.split()) == " ".join(grids.rewrite(GRID).split())


def test_the_grid_total_counts_each_patient_and_a_month_at_zero() -> None:
    # P-01 320 + 120 + 0 + 120, P-02 320 + 120 + 120, P-03 320
    assert total(GRID, date(2026, 6, 1)) == Decimal("1440")


def test_two_patients_with_the_same_sum_each_get_their_line() -> None:
    reply = answer_question(GRID, datetime(2026, 6, 1, 10, tzinfo=ZoneInfo("Europe/Paris")))
    sums = [line for line in reply.body if line.startswith("Soit") and "560,00 €" in line]
    assert len(sums) == 2, reply.body


def test_a_dash_between_two_months_of_care_leaves_the_table_unread() -> None:
    gap = GRID.replace("| P-02 | – | 1 | 2 | 2 |", "| P-02 | 1 | – | 2 | 2 |")
    assert "|" in grids.rewrite(gap)
    assert total(gap, date(2026, 6, 1)) is None


@pytest.mark.parametrize(
    "text",
    [
        "pas de tableau ici | juste un trait",
        "| a | b | c |",  # no separator row
        "| patient | mois |\n|---|---|\n| P-01 | janvier |\n| P-02",  # a row cut short is not read
        "| x |" * 500,
    ],
)
def test_what_is_not_a_table_is_left_as_it_is(text: str) -> None:
    rewritten = grids.rewrite(text)
    assert "P-02 :" not in rewritten
    assert len(rewritten) <= len(text) + 10


def test_any_other_table_becomes_one_line_per_row() -> None:
    text = (
        "| patient | mois avec administration | remarque |\n|---|---|---|\n"
        "| P01 | janvier, février, mars | 1re administration en janvier 2026 |\n"
        "| P02 | avril, rien en mai, juin | |\n"
    )
    told = grids.rewrite(text)
    assert "- P01 : janvier, février, mars (1re administration en janvier 2026) ;" in told
    assert "- P02 : avril, rien en mai, juin ;" in told


def test_a_patient_included_in_an_earlier_year_has_no_inclusion_forfait_in_the_months_read() -> None:
    text = (
        "forfaits 2027 : patient A inclus en 2026, au moins une admin a domicile chaque mois de janvier a "
        "decembre 2027 ; patient B 1ere admin a dom en octobre 2027 puis novembre et decembre. total 2027 ?"
    )
    # A 12 x 120 (included in 2026), B 320 + 2 x 120
    assert total(text, date(2028, 1, 15)) == Decimal("2000")


def test_an_inclusion_year_told_before_every_patient_is_not_given_to_one() -> None:
    text = (
        "inclus en 2026 : patient A admin chaque mois de janvier a mars 2027 ; patient B admin en fevrier et "
        "mars 2027. total ?"
    )
    assert total(text, date(2027, 6, 1)) is None


def test_two_named_patients_are_never_read_as_one() -> None:
    # « patient A admin … » once read no label (« a » is also « à »): one story of fourteen months was told.
    text = (
        "patient A admin chaque mois de janvier a mars 2027 ; patient B admin en fevrier et mars 2027. "
        "total ?"
    )
    assert total(text, date(2027, 6, 1)) == Decimal("1000")
    assert total(text.replace("patient A admin", "patient A, admin"), date(2027, 6, 1)) == Decimal("1000")


def test_an_aside_in_brackets_with_no_month_or_figure_changes_nothing() -> None:
    text = (
        "Pour notre prévisionnel 2026 : - patient A : une administration à domicile en janvier, en "
        "février et en mars ; - patient B : administrations en mars et en avril, rien en mai (il était "
        "en vacances — oui, en pleine chimio, mais c'est une autre histoire), puis une en juin. "
        "Quel montant total ?"
    )
    # A 320 + 2 x 120, B 320 + 120 + 0 + 120
    assert total(text, date(2026, 7, 8)) == Decimal("1120")


def test_an_aside_that_names_a_month_is_still_read_word_by_word() -> None:
    text = "patient A : admin en janvier, fevrier (une en mars aussi ?), avril. total 2026 ?"
    assert total(text, date(2026, 7, 8)) is None


def test_a_half_year_told_holds_the_months_read() -> None:
    told = (
        "1er semestre 2026 : M. R immuno IV a dom janv fev mars ; M. T chimio sous cut a dom fev mars mai. "
        "ca fait combien au total ?"
    )
    assert total(told, date(2026, 7, 3)) == Decimal("1120")
    assert total(told.replace("mai", "juillet"), date(2026, 8, 3)) is None


def test_a_working_with_its_euro_sign_typed_as_a_letter_is_put_to_the_test() -> None:
    reply = answer_question(
        "/expe50 question patient a dom de janvier a juin avec admin tous les mois, "
        "ca fait bien 6 x 320 = 1920 e ?",
        datetime(2026, 2, 3, 8, tzinfo=ZoneInfo("Europe/Paris")),
    )
    assert reply.body[0].startswith("Non"), reply.body
    assert "920,00 €" in reply.body[0]


def ask(text: str, when: datetime) -> list[str]:
    return answer_question(text, when.replace(tzinfo=ZoneInfo("Europe/Paris"))).body


def test_patients_named_by_initials_in_a_list_are_never_counted_as_one() -> None:
    text = (
        "/expe50 question recap pour 2025, combien au total ?\n- M.R. : oct, nov, dec 2025\n"
        "- J.P. : nov 2025 seulement\n- S.T. : dec 2025"
    )
    body = ask(text, datetime(2026, 1, 27, 9))
    # (once: « 3 mois de prise en charge … 560,00 € au total », three patients' months as one patient's)
    assert not any("560,00 €" in line for line in body), body


def test_each_site_told_gets_its_sum() -> None:
    body = ask(
        "/expe50 question CH multisite. site Nord : P1 admins jan, fev, mars 2026 ; P2 admins fev et mars "
        "2026. site Sud : P3 admins avril, mai, juin 2026. total forfaits par site ?",
        datetime(2026, 7, 9, 14),
    )
    assert "Site Nord : 1 000,00 €." in body
    assert "Site Sud : 560,00 €." in body
    assert "Au total : 1 560,00 €." in body


def test_a_split_by_year_asked_without_naming_the_years_gives_each_year_spanned() -> None:
    body = ask(
        "/expe50 question patiente incluse oct 2026, admin chaque mois jusqu'a janvier 2028. repartition "
        "par annee + total svp",
        datetime(2026, 11, 18, 13),
    )
    assert "Pour les mois de 2026 : 560,00 €." in body
    assert "Pour les mois de 2027 : 1 440,00 €." in body
    assert "Pour les mois de 2028 : 120,00 €." in body


def test_a_day_told_in_the_month_of_the_selection_order_gets_no_total() -> None:
    # The arrêté is dated « juillet 2025 » only: a referral on 3 July may precede it.
    body = ask(
        "/expe50 question patient adresse a l'HAD le 3 juillet 2025, admins a dom juillet, aout, sept. "
        "on touche combien ?",
        datetime(2025, 10, 2, 9),
    )
    assert not any("560,00 €" in line for line in body), body
    assert any("arrêté de sélection est publié en juillet 2025" in line for line in body), body


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        # Letters in order open each patient's clause after a comma or a full stop.
        (
            "2 patients : A inclus en février 2026 avec admins de février a mai, B inclus en avril 2026 "
            "admins avril et mai. total fev-mai 2026 ?",
            date(2026, 6, 10),
            "1120",
        ),
        (
            "patients A B, chimio injectable a dom en 2026. A : tous les mois de janvier a mars. B : mai "
            "seulement. total 2026 ?",
            date(2026, 9, 1),
            "880",
        ),
        # A grid of marks: an empty cell between two marks is a month without.
        (
            "forfaits 2025 (x = au moins une injection a dom dans le mois) :\n| patient | oct | nov | déc |\n"
            "|---|---|---|---|\n| A | x | x | x |\n| B | x | | x |\ntotal ?",
            date(2026, 1, 19),
            "1000",
        ),
        # A legend says once what the months listed are.
        (
            "Mme K : sept, oct 2025. M. L : oct 2025 uniquement. (mois avec injection a dom, nouveaux "
            "patients). combien au titre de 2025 ?",
            date(2026, 1, 5),
            "760",
        ),
        # Patient-months told in words, past any one patient's span.
        (
            "bilan 2026 : 10 inclusions et 52 mois avec au moins une admin a dom (hors mois d'inclusion). "
            "montant total ?",
            date(2027, 1, 5),
            "9440",
        ),
    ],
)
def test_more_ways_of_telling_several_patients(text: str, today: date, expected: str) -> None:
    assert total(text, today) == Decimal(expected)


def test_the_writer_s_working_after_equals_is_checked_unless_it_is_one_month_s() -> None:
    checked = ask(
        "/expe50 question patient avec admin a dom en mars, avril, mai et juin 2026. "
        "320+3x120=680 c'est bon ?",
        datetime(2026, 7, 1, 9),
    )
    assert plain_start(checked).startswith("oui"), checked
    one_month = ask(
        "/expe50 question 3 pts inclus en dec 25, ts ont eu au moins 1 adm en janv -> janvier = 3x120 = 360 "
        "c ca ?",
        datetime(2026, 2, 1, 9),
    )
    assert not plain_start(one_month).startswith("non : le total est de 1"), one_month


def plain_start(body: list[str]) -> str:
    return body[0].lower() if body else ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 28/01, 04/03, 08/04, 13/05: February holds no session.
        ("cure toutes les 5 semaines a dom a partir du 28/01/2026, 4 cures au total. combien ?", "680"),
        # 10/02, 03/03, 24/03, 14/04, 05/05, 26/05
        ("cycles tous les 21j a domicile a partir du 10/02/2026, 6 cycles. total ?", "680"),
        # 20/01, 03/02, 17/02, 03/03, 17/03
        ("perf toutes les 2 semaines a dom a partir du 20/01/2026, 5 seances. total ?", "560"),
    ],
)
def test_sessions_counted_from_a_first_day_at_a_cadence(text: str, expected: str) -> None:
    assert total(text, date(2026, 6, 1)) == Decimal(expected)


def test_sessions_with_two_counts_or_no_first_day_are_not_read() -> None:
    assert (
        total("cycles tous les 21j a domicile depuis fevrier 2026, 6 cycles. total ?", date(2026, 6, 1))
        is None
    )
    assert (
        total(
            "cycles tous les 21j a dom a partir du 10/02/2026, 6 cycles puis 4 cycles. total ?",
            date(2026, 9, 1),
        )
        is None
    )


def test_a_patient_said_to_have_come_back_to_the_day_hospital_keeps_her_total() -> None:
    # « Une patiente a été adressée … » names no patient « A »; « est revenue en HDJ » ends the care.
    text = (
        "Une patiente a été adressée à notre HAD partenaire fin février 2026. Elle a reçu une administration "
        "à domicile le 3 mars, le 7 avril, le 12 mai et le 16 juin 2026, puis est revenue en HDJ. Pour "
        "cette patiente j'arrive à un total de 800 € de forfaits. Pouvez-vous confirmer ?"
    )
    assert total(text, date(2026, 7, 8)) == Decimal("680")


def test_a_table_of_spans_is_read_from_its_first_and_last_months_and_those_without() -> None:
    text = (
        "tableau de suivi (mois de debut / mois de fin / mois sans admin) :\n"
        "| Patient | Début | Fin | Mois sans admin |\n|---|---|---|---|\n"
        "| J.M. | 01/2026 | 06/2026 | 03/2026 |\n| A.L. | 04/2026 | 05/2026 | – |\n"
        "| R.G. | 02/2026 | 02/2026 | – |\nforfait par patient et total ?"
    )
    told = grids.rewrite(text)
    assert "- J.M. : administrations de janvier 2026 à juin 2026 sauf mars 2026 ;" in told
    assert "- R.G. : administrations en février 2026 ;" in told
    # J.M. 320 + 4 x 120, A.L. 320 + 120, R.G. 320
    assert total(text, date(2026, 6, 29)) == Decimal("1560")


def test_a_slash_between_words_is_no_cadence() -> None:
    # « mois de début / mois de fin » once read « par mois »: a cadence before every patient.
    assert total(
        "patient A : admin en mars et avril 2026 (début / mois de fin). total ?", date(2026, 6, 1)
    ) == (Decimal("440"))


def test_care_since_a_month_at_a_monthly_cadence_starts_that_month() -> None:
    text = (
        "patient pris en charge par l'HAD depuis novembre 2025, il a eu une perf chaque mois jusqu'à fin "
        "mars 2026. on doit toucher combien en tout ??"
    )
    # November 320 + December to March 4 x 120
    assert total(text, date(2026, 4, 8)) == Decimal("800")


def test_a_month_of_care_put_as_a_limit_is_not_the_experiment_s_end() -> None:
    body = ask(
        "/expe50 question forfait total pour 1 patient inclus en avr 2026, perf tous les mois jusqu'a dec "
        "2026 sauf aout (vacances, pas de perf)",
        datetime(2027, 1, 4, 9),
    )
    assert not body[0].startswith("Non : en 2028"), body


def test_a_cadence_told_of_a_range_fills_that_range_only() -> None:
    # Décembre 2025 is not told: the cadence is January to December 2026's (it once filled December 2025).
    text = (
        "/expe50 question forfaits pr P-01020 : inclusion nov 2025, ensuite admin tous les mois de janv a "
        "dec 2026"
    )
    body = ask(text, datetime(2027, 1, 5, 9))
    assert any("12 × forfait mensuel" in line for line in body), body


def test_letters_right_before_their_months_are_patients_never_one_patient_s_months() -> None:
    body = ask(
        "/expe50 question bilan forfaits 2025 stp : A sept-dec, B oct-dec, C dec seulement, D nov+dec",
        datetime(2026, 1, 8, 10),
    )
    # (once: « 4 mois de prise en charge … 680,00 € au total », four patients' months as one patient's)
    assert not any("680,00 € au total" in line for line in body), body


def test_one_line_per_administration_is_not_one_patient_per_line() -> None:
    """A software export, one line per administration (« P1;2026-05-04 / P1;2026-05-18 / P2;… »): the same
    code on several lines is not several patients (once: « Non : le total est de 2 240,00 € » for 1 120)."""
    asked = (
        "/expe50 question extraction du logiciel, c bien 1120 € au total ?\npatient;date_admin_domicile\n"
        "P1;2026-05-04\nP1;2026-05-18\nP1;2026-06-15\nP1;2026-08-03\nP2;2026-06-22\nP2;2026-07-20\nP2;2026-08-17"
    )
    assert read_total(asked, date(2026, 9, 2)) is None
    body = ask(asked, datetime(2026, 9, 2, 10))
    assert not any("2 240" in line or line.startswith("Non") for line in body), body


# A spreadsheet pasted without pipes: its tabs become spaces when the message is flattened.
FLAT = (
    "Extraction de notre tableur (nombre d'administrations à domicile par mois, 2026), deux nouveaux "
    "patients.\nPatient\tfévr\tmars\tavr\tmai\nP-11\t1\t0\t2\t1\nP-12\t0\t2\t1\t0\nTotal des forfaits ?"
)


def test_a_grid_pasted_with_tabs_is_told_patient_by_patient() -> None:
    told = grids.rewrite(" ".join(FLAT.split()))
    assert "- P-11 : administrations en février, rien en mars, puis avril, mai ;" in told
    assert "- P-12 : administrations en mars, avril ;" in told


def test_the_count_a_grid_legend_names_per_month_is_no_cadence() -> None:
    # P-11 320 + 0 + 120 + 120, P-12 320 + 120 (« par mois » says what the figures count)
    assert total(FLAT, date(2026, 7, 1)) == Decimal("1000")


def test_a_row_with_a_word_for_a_cell_ends_the_flattened_grid() -> None:
    text = "Patient janv févr mars P1 1 1 oui P2 1 peut-être 1 Total ?"
    assert grids.rewrite(text).startswith("Patient - P1 : administrations en janvier, février, mars ;")
    assert "P2 1 peut-être 1" in grids.rewrite(text)


LONG = (
    "voici l'export, patients nouveaux en 2026, combien au total ?\n"
    "code;mois;voie;nb_admin\nX1;2026-03;IV;2\nX1;2026-04;per os;20\nX1;2026-05;SC;1\nX2;04/2026;IV;1\n"
    "X2;05/2026;IV;0\nX2;06/2026;IV;1\nMerci"
)


def test_a_long_extract_is_told_patient_by_patient_without_its_oral_months() -> None:
    told = grids.rewrite(" ".join(LONG.split()))
    assert "- X1 : administrations en mars 2026, rien en avril 2026, puis mai 2026 ;" in told
    assert "- X2 : administrations en avril 2026, rien en mai 2026, puis juin 2026 ; Merci" in told


def test_a_long_extract_total_counts_neither_an_oral_month_nor_a_month_at_zero() -> None:
    # X1 320 + 0 + 120, X2 320 + 0 + 120
    assert total(LONG, date(2026, 9, 1)) == Decimal("880")


def test_a_long_extract_with_a_column_not_understood_is_left_unread() -> None:
    other = LONG.replace("code;mois;voie;nb_admin", "code;mois;lieu;nb_admin")
    assert "code;mois;lieu;nb_admin" in grids.rewrite(" ".join(other.split()))
    assert total(other, date(2026, 9, 1)) is None


def test_two_patients_told_by_title_and_letter_each_get_their_months() -> None:
    text = "Mme A : perf à dom de mars à mai 2026. M. B : d'avril à juillet 2026 sauf juin. Total des deux ?"
    # A 320 + 2 × 120, B 320 + 2 × 120 (June without)
    assert total(text, date(2026, 9, 1)) == Decimal("1120")


def test_many_headers_without_rows_are_left_as_they_stand() -> None:
    # (each row is matched once: a run of headers is scanned once, not once per header)
    hostile = "patient;mois;voie " * 4000
    assert grids.rewrite(hostile) == hostile


def test_a_long_extract_over_centuries_is_left_unread() -> None:
    text = "patient;mois;nb_admin A;2026-01;1 A;9999-01;1 combien ?"
    assert grids.rewrite(text) == text
