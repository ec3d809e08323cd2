"""Free-text questions: extracting the question from an email, and normalising how people type."""

from __future__ import annotations

import pytest

from handlers.questions import answer_question, extract_question
from handlers.questions.normalize import normalize, redact_identifiers
from handlers.questions.topics import vocabulary
from tests.support.question_probe import DEFAULT_NOW

EMAIL = """Bonjour Madame,

Nous sommes un CH de la région Normandie.
Quelle est la date limite pour candidater ?

Bien cordialement,

Dr Jeanne Martin
Cheffe de service oncologie
CH de Lisieux
Tél : 02 31 61 31 31
jeanne.martin@ch-lisieux.fr
"""


def test_extract_drops_greeting_closing_and_signature() -> None:
    """The greeting line, the closing and everything under it (name, title, phone, address) are removed."""
    assert extract_question(EMAIL) == (
        "Nous sommes un CH de la région Normandie.\nQuelle est la date limite pour candidater ?"
    )


@pytest.mark.parametrize(
    ("message", "question"),
    [
        (
            "Bonjour, quel est le montant du forfait mensuel ? Merci d'avance",
            "quel est le montant du forfait mensuel ?",
        ),
        ("bonjour\nc koi le prochain rapport\ncdlt\nPierre", "c koi le prochain rapport"),
        ("Hello tout le monde ! la chimio orale compte ?", "la chimio orale compte ?"),
        ("Cher collègue,\nqui touche le forfait ?\n-- \nCH de Caen", "qui touche le forfait ?"),
        (
            "Madame, Monsieur, je veux la date de fin. Dans l'attente de votre retour, veuillez agréer.",
            "je veux la date de fin.",
        ),
        ("montant du forfait ?", "montant du forfait ?"),
        # A mail address alone is a signature's line; inside a question, only the address goes.
        ("qui touche le forfait ?\nm.petit@ch-caen.fr", "qui touche le forfait ?"),
        (
            "Pourriez-vous donner accès au bot à Mme D. (c.d@ch-lisieux.fr) pour le site de Lisieux ?",
            "Pourriez-vous donner accès au bot à Mme D. () pour le site de Lisieux ?",
        ),
    ],
)
def test_extract_variants(message: str, question: str) -> None:
    """Greetings and closings in their usual variants go; the question stays word for word."""
    assert extract_question(message) == question


def test_extract_keeps_a_message_that_is_only_politeness() -> None:
    """A message with nothing but a greeting is given back rather than emptied."""
    assert extract_question("Bonjour,\nMerci !") != ""


@pytest.mark.parametrize(
    "nir",
    [
        "1 85 05 76 123 456 78",
        "185057612345678",
        "2 84 12 2A 123 456 89",
        "2-84-12-2B-123-456",
        "1850576123456",
    ],
)
def test_nir_like_numbers_are_masked(nir: str) -> None:
    """Anything shaped like a NIR (with or without key, spaces, dashes, Corsica 2A/2B) is masked."""
    cleaned, found = redact_identifiers(f"patient {nir} adressé")
    assert found and nir not in cleaned
    assert nir not in extract_question(f"Bonjour,\nle patient {nir} compte-t-il ?")


def test_finess_and_dates_are_not_masked() -> None:
    """A 9-character FINESS or a date is not a NIR."""
    for text in ("FINESS 760780239", "le 16/05/2025", "320 €"):
        assert redact_identifiers(text) == (text, False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Quelle était la DATE LIMITE ?", "quel etait la date limite"),
        ("la chimio orale", "la chimiotherapie oral"),
        ("en IDF", "en ile de france"),
        ("le 1er mois", "le premier mois"),
        ("forfait inclu", "forfait inclusion"),
        ("c koi", "c est quoi"),
        ("deux mois sans injection", "2 mois san injection"),
        # Euros written the way people type them; a rank stays a rank.
        ("c bien 150e l'inclusion", "c est bien 150 euro l inclusion"),
        ("100 balles", "100 euro"),
        ("le 2e rapport", "le deuxieme rapport"),
        # SMS spellings; an elision glued to a lexicon word
        ("cb le forfé", "combien le forfait"),
        ("jsui nouvo", "je suis nouveau"),
    ],
)
def test_normalize_canonical_forms(typed: str, expected: str) -> None:
    """Accents, capitals, abbreviations, number words and plurals all reach one canonical spelling."""
    assert normalize(typed).text == expected


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [("forfiat", "forfait"), ("mensuelle", "mensuel"), ("candidture", "candidature"), ("touchons", "touche")],
)
def test_normalize_corrects_typos_and_verb_forms(typed: str, fixed: str) -> None:
    """Typos and conjugated verbs map to the lexicon's words."""
    assert fixed in normalize(typed, vocabulary()).tokens


def test_an_elision_glued_to_a_lexicon_word_is_split() -> None:
    assert normalize("le forfé dinclusion", vocabulary()).text == "le forfait d inclusion"
    assert normalize("le montant de ladministration", vocabulary()).text == "le montant de l administration"


@pytest.mark.parametrize(
    ("typed", "not_into"),
    [
        ("phase", "pause"),
        ("fille", "file"),
        ("transmission", "transfusion"),
        ("direct", "dire"),
        ("parmi", "paris"),
    ],
)
def test_a_common_french_word_is_not_taken_for_a_typo(typed: str, not_into: str) -> None:
    """« essai de phase II » is no « pause » (a month without care to the timeline reader)."""
    assert not_into not in normalize(f"essai {typed}", vocabulary()).tokens


def test_a_common_word_still_folds_onto_its_own_lexicon_form() -> None:
    assert "saisir" in normalize("déjà saisi", vocabulary()).tokens


@pytest.mark.parametrize(
    ("message", "question"),
    [
        (
            "Bonjour,\n\nUn établissement nous demande si l'ancienne autorisation suffit pour candidater. "
            "Que dois-je lui répondre ?\n\nMerci,\nMarc",
            "Est-ce que l'ancienne autorisation suffit pour candidater ?",
        ),
        (
            "Bonjour,\nUne clinique nous demande jusqu'à quand elle pourra adresser des patients. "
            "Pouvez-vous me confirmer ?\nCordialement,\nJulie",
            "Jusqu'à quand elle pourra adresser des patients ?",
        ),
        # A request that carries its own question is kept whole.
        (
            "Pourriez-vous me confirmer la date d'envoi du rapport de suivi ?",
            "Pourriez-vous me confirmer la date d'envoi du rapport de suivi ?",
        ),
    ],
)
def test_extract_reads_a_forwarded_question(message: str, question: str) -> None:
    """An ARS agent forwarding an establishment's question: the lead and the request to the agent go; the
    indirect question becomes a direct one."""
    assert extract_question(message) == question


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("le dépôt fermait quel jour", "cloture"),
        ("avant la parution de l'arrêté", "publication"),
        ("qu'est-ce qu'on met dedans", "mettre"),
        ("le bilan d'activité 2025", "rapport d activite"),
        ("à quel moment sommes-nous payés", "quand"),
        ("jusqu'à quelle date", "jusqu a quand"),
        ("qui a le droit de candidater", "qui peut candidater"),
        ("le bilan de suivi", "rapport de suivi"),
        ("comment je rectifie la date", "corriger"),
        ("le virement des forfaits", "versement"),
        ("un patient qu'on envoie en HAD", "adresse en had"),
        ("notre etab rentre ds les clous ?", "est eligible"),
        ("à quelle date l'expé a-t-elle démarré", "quand"),
    ],
)
def test_synonym_families_fold_onto_the_lexicon_word(variant: str, canonical: str) -> None:
    assert canonical in normalize(variant, vocabulary()).text


def test_quand_after_another_question_word_is_the_conjunction() -> None:
    """'c'est quoi les engagements quand on candidate' does not ask a date."""
    assert "quand" not in normalize("c'est quoi les engagements quand on candidate", vocabulary()).tokens
    assert "quand" in normalize("quand est-on payés ?", vocabulary()).tokens


def test_lemmas_fold_inflected_forms_onto_lexicon_words() -> None:
    """simplemma's dictionary, folded (no accents): a conjugated verb, a plural or a feminine participle
    finds the lexicon word with the same lemma; an unknown word finds nothing."""
    from handlers.questions import lemmas

    words = frozenset({"toucher", "verse", "designe", "gelule"})
    assert lemmas.lemma("versees") == "verser"
    assert lemmas.to_lexicon("toucherons", words) == "toucher"
    assert lemmas.to_lexicon("designees", words) == "designe"
    assert lemmas.to_lexicon("gelules", words) == "gelule"
    assert lemmas.to_lexicon("zzkrumph", words) is None


def test_only_common_verb_forms_count_as_everyday() -> None:
    """A form of a common verb is everyday; common nouns (which may name an uncovered subject), rare verbs and
    a noun simplemma also reads as a rare verb are not."""
    from handlers.questions import lemmas

    assert lemmas.everyday_form("encaissera")
    assert lemmas.everyday_form("alloue")
    for word in ("transport", "logiciel", "dialyse", "moyenne", "telesurveillance"):
        assert not lemmas.everyday_form(word), word


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # The slash command without « question » is the question's invocation, not its subject.
        (
            "/expe50 on a un excel avec ttes les admins de 40 patients, faut tt retaper a la main ??",
            "bot_import",
        ),
        # « admins » are administrations, « à la maison » is at home.
        ("/expe50 question si on a encore des admins a dom en mars 2028 ca paie ?", "patient_after_end"),
        (
            "capecitabine prise a la maison pdt la pause de l'injectable, ca compte pr le mensuel ?",
            "treatment_oral",
        ),
        # Money that « tombe » comes in.
        ("les forfaits de l'activite 2026 ils tombent qd ?", "forfait_payment"),
        # « on saura quand si on est retenus ? » asks a date of the calendar, not the asker's own file.
        ("on saura qd si on est retenus ou pas ?", "selection_calendar"),
        # The asker's selection stated first, a rule asked after it of the patients told.
        (
            "on a ete retenus (arrete de juillet), les pts qu'on a adresses en HAD en juin 2025 on peut les "
            "declarer pr le forfait ?",
            "patient_referral_date",
        ),
        # « en AURA » is the region, not « en aura » (the verb).
        ("en AURA la cloture des candidatures c le 31/05 aussi ?", "application_deadline"),
        # « sept » before a year is September; « c'est mort ? » is « too late? »; words in square brackets are
        # an aside; « qqch » is « quelque chose ».
        ("les donnees 2026 elles vont ds le rapport de sept 2026 ?", "reports_followup"),
        ("on a zappe de saisir octobre pr 2 patients et on est deja en decembre, c mort ?", "bot_late_entry"),
        ("pr un petit de 2 ans et demi [neuroblastome] l'HAD doit avoir qqch de special ?", "children"),
        ("l'interne peut saisir lui meme les adressages ds le bot ou faut passer par qqn ?", "bot_access"),
        ("c encore en cours l'expe ou c plie ?", "dates_end"),
        ("les forfaits de l'activite 2025 on les touche en 2025 ou en 2026 ?", "forfait_payment"),
        (
            "les forfaits 2025 on les touche avant la fin de l'annee ? (la DAF compte dessus)",
            "forfait_payment",
        ),
        ("comment je rattrape une saisie ou j'ai mis avril au lieu de mai pr P-00127", "bot_correct"),
        ("Et l'activité 2026, on la touchera quelle année ?", "forfait_payment"),
        # A spreadsheet « balancé » or « chargé » into the bot is the import, not the export.
        ("on a tt le suivi ds un fichier excel, on peut le balancer ds le bot direct ?", "bot_import"),
        (
            "Nous avons un tableur avec tous les adressages depuis juin : comment le charger dans le bot ?",
            "bot_import",
        ),
        # One patient's month missing from the forfaits: what was entered is read with « historique ».
        ("pkoi mon patient P-00412 il est pas payé en fevrier ??", "bot_why_unpaid"),
        (
            "pk le forfait de novembre est pas compte pr Mme L ? elle a bien eu son injection a dom",
            "bot_why_unpaid",
        ),
    ],
)
def test_everyday_ways_of_saying_a_known_thing(question: str, topic: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert topic in reply.data["topics"], reply.data


def test_a_report_asked_for_data_it_does_not_cover_gets_no() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    at = datetime(2026, 5, 19, 10, tzinfo=ZoneInfo("Europe/Paris"))
    reply = answer_question("les donnees 2026 elles vont ds le rapport de sept 2026 ?", at)
    assert reply.body[0].startswith(
        "Non : les données de 2026 vont dans le rapport de suivi à envoyer le 1er septembre 2027"
    )


def test_a_forwarded_message_keeps_its_question_not_its_headers() -> None:
    forwarded = (
        "Objet : TR: estimation\n\nBonjour,\n\nJe vous transfère la question de notre contrôleur de gestion."
        "\n\n---------- Message transféré ----------\nDe : contrôle de gestion\nEnvoyé : lundi 5 octobre\n"
        "Objet : estimation\n\nCombien pour mars ?\n--------------------------\n\nMerci,\nJulien"
    )
    kept = "Objet : TR: estimation.\n\nObjet : estimation.\n\nCombien pour mars ?"
    assert extract_question(forwarded) == kept


def test_a_lead_naming_who_asks_and_a_forward_to_a_colleague_are_dropped() -> None:
    message = (
        "Bonjour,\n\nJe te transfère la question de notre responsable budget. Les établissements nous "
        "interrogent déjà.\n\nQuel montant la DGOS déléguera-t-elle, et dans quelle circulaire ?\n\nMerci"
    )
    kept = extract_question(message)
    assert "transf" not in kept and "Déjà ?" not in kept
    assert kept.endswith("Quel montant la DGOS déléguera-t-elle, et dans quelle circulaire ?")


def test_a_numbered_question_keeps_no_number() -> None:
    """« 1. quelle est la valeur … ? »: the question's number was read as a tariff gap of 1 €."""
    message = "Pour vérifier :\n1. quelle est la valeur du tarif HDJ ?\n2. et le bot peut-il vérifier ?"
    assert extract_question(message) == (
        "Pour vérifier :\nquelle est la valeur du tarif HDJ ?\net le bot peut-il vérifier ?"
    )
    # A list of items without their « ? » keeps its numbers: they tell the items apart (_asked_items).
    assert "1) si" in extract_question("Pouvez-vous me dire :\n1) si une immunothérapie compte ;\n2) si …")


def test_a_clinical_reason_in_brackets_does_not_put_the_question_out_of_scope() -> None:
    question = (
        "pt en pause therapeutique tout fevrier (toxicite) mais tjrs suivi par l'HAD, on touche qd meme ?"
    )
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.data["topics"] == ["forfait_month_without"]
    assert reply.body[0].startswith("Non :")
    # Outside the brackets, the same word still asks a clinical question.
    clinical = answer_question("la toxicite de la chimio a domicile, on gere comment ?", DEFAULT_NOW)
    assert clinical.needs_human


def test_aura_is_the_region_unless_a_subject_has_it() -> None:
    # « en AURA » names Auvergne-Rhône-Alpes; « il en aura », « on n'en aura pas » are the verb.
    assert normalize("en AURA la cloture c le 31/05 ?").tokens[:4] == ("en", "auvergne", "rhone", "alpe")
    assert "avoir" in normalize("il en aura une chaque mois").tokens
    assert "avoir" in normalize("on n'en aura pas").tokens


def test_why_the_asker_s_own_money_did_not_come_is_handed_over_and_when_it_comes_is_answered() -> None:
    text = (
        "Nous n'avons rien vu passer au titre des forfaits 2025 de l'expérimentation, alors que nos rapports "
        "ont été envoyés. Pouvez-vous nous indiquer pourquoi et quand le versement interviendra ?"
    )
    reply = answer_question(text, DEFAULT_NOW)
    said = "\n".join(reply.body)
    assert reply.needs_human and "versés en 2026" in said and "pourquoi" in said


@pytest.mark.parametrize(
    "text",
    [
        # The asker's own file: whether it is complete or was passed on is data, not a rule.
        "Nous avons déposé notre dossier le 28 mai sur la plateforme. Pouvez-vous nous confirmer qu'il est "
        "complet et qu'il a bien été transmis à la DGOS ?",
        # The asker's own figures, a question asked after them (only a selection stated first is a case).
        "combien avons-nous touché en 2025 ? on peut avoir le détail ?",
        # How a named drug is given (dose, preparation, time, watching after it): pharmacy and medicine.
        "pembro a dom : on part sur 200 mg ttes les 3 sem ou 400 mg ttes les 6 sem ?",
        "les IDE HAD peuvent reconstituer le 5FU chez le pt ou ca doit sortir de notre PUI ?",
        "le keytruda a dom on peut le passer en 30 min ou faut surveiller 1h apres ?",
        "pembro a dom : on garde le pt sous surveillance combien de temps apres la perf ?",
        # Who must be at the bedside, or staff to fund: not the fee's rules.
        "1ere inj de pembro a dom, faut un medecin present ou l'IDE HAD suffit ?",
        "En complément des forfaits, l'ARS peut-elle financer un poste d'IDE de coordination HAD ?",
    ],
)
def test_questions_the_rules_do_not_settle_are_handed_over(text: str) -> None:
    reply = answer_question(text, DEFAULT_NOW)
    assert reply.status.value == "unknown" and reply.needs_human, reply.body


def test_care_told_after_the_end_is_answered_by_the_end() -> None:
    text = "pt en HAD depuis 2027, perf a dom le 12/01/28 puis la prochaine le 9/02/28. on aura 120 pr fev ?"
    reply = answer_question(text, DEFAULT_NOW)
    assert reply.data["topics"][0] == "patient_after_end"
    assert "5 février 2028" in "\n".join(reply.body)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # an amount spelled out is its figure; a count in words stays a word
        ("trois cent vingt balles", "320 euro"),
        ("cent cinquante euros", "150 euro"),
        ("mille deux cent quarante", "1240"),
        # a month then a year of two digits, within the experiment's years
        ("le mois de fev 28", "le mois de fevrier 2028"),
        ("en oct 25 puis janv 26", "en octobre 2025 puis janvier 2026"),
        ("oct 25 patients", "oct 25 patient"),
        ("qd mm", "quandmeme"),
        ("cmd", "commande"),
    ],
)
def test_spelled_amounts_short_years_and_abbreviations(typed: str, read: str) -> None:
    assert normalize(typed).text == read


def test_cities_and_departements_name_their_region() -> None:
    """« CH lyonnais », « à Cherbourg », « la métropole lilloise »: the region's deadline is the one told."""
    said = "\n".join(
        answer_question("on est a Cherbourg, c'est quoi la date limite de candidature ?", DEFAULT_NOW).body
    )
    assert "Normandie" in said and "Île-de-France" not in said
    for city, region in (("lilloise", "Hauts-de-France"), ("lyonnais", "Auvergne-Rhône-Alpes")):
        asked = f"CH de la métropole {city} : date limite de candidature ?"
        said = "\n".join(answer_question(asked, DEFAULT_NOW).body)
        assert region in said and "Normandie" not in said, (city, said)
