"""What a question is about: a scored model of features over the normalised tokens.

Each topic has cues (words or phrases, written plainly and normalised like the question) with weights. A cue
is a phrase matched as consecutive tokens; `a & b` matches when all the words occur anywhere; a word ending
in `*` matches as a prefix. The score of a topic is the sum of its matched cues, plus a small bonus when the
question's intent (amount, date, who...) is one the topic answers. Topics belong to a family: article 50 (the
default) or article 51, so that the two are never mixed.

The lexicons describe concepts, not sentences: they are meant to recognise questions never seen before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from handlers.questions.normalize import fold, raw_tokens, stem
from handlers.questions.ordinary import ORDINARY_WORDS

Family = Literal["art50", "art51"]
Intent = Literal["amount", "date", "who", "count", "how", "yesno", "what"]


@dataclass(frozen=True)
class Topic:
    id: str
    cues: dict[str, float]
    family: Family = "art50"
    intents: tuple[Intent, ...] = ()
    # Topics this one makes redundant when both are found (a specific question beats the general one).
    supersedes: tuple[str, ...] = ()
    # Cues that pull away from this topic (subtracted).
    against: dict[str, float] = field(default_factory=dict)


TOPICS: tuple[Topic, ...] = (
    # --- the fee --------------------------------------------------------------------------------------------
    Topic(
        "forfait_amounts",
        against={"maximum": 1.5, "minimum": 1.5, "par an": 1.0},
        cues={
            "c est quoi & forfait": 1.5,
            "c est quoi & remuneration": 1.5,
            "comment & forfait & calcule": 1.5,
            "forfait": 1.0,
            "montant": 1.0,
            "remuneration": 1.2,
            "remuneration forfaitaire": 0.5,
            "tarif": 0.6,
            "combien": 0.6,
            "touche": 0.8,
            "toucher": 0.8,
            "percevoir": 0.8,
            "percoit": 0.8,
            "paye": 0.6,
            "par patient": 1.0,
            "valorisation": 1.0,
            "rapporte": 1.0,
            "gagne": 0.8,
            "euro": 0.6,
            "somme": 0.6,
            "prix": 0.6,
            "financier": 0.5,
            "combien & forfait": 0.8,
        },
        intents=("amount",),
    ),
    Topic(
        "forfait_inclusion",
        {
            "inclusion": 2.2,
            "forfait d inclusion": 1.0,
            "premier mois": 1.6,
            "mois d inclusion": 1.0,
            "320": 2.0,
            "forfait initial": 1.8,
            "forfait de depart": 1.5,
            "entree": 0.4,
            "une seule fois": 0.8,
            "unique": 0.6,
            "demarrage": 0.6,
        },
        intents=("amount", "yesno"),
        supersedes=("forfait_amounts",),
    ),
    Topic(
        "forfait_monthly",
        {
            "mensuel": 2.2,
            "forfait mensuel": 1.0,
            "mois suivant": 2.0,
            "120": 2.0,
            "chaque mois": 1.0,
            "par mois": 1.0,
            "mois d apres": 2.0,
            "combien & par mois": 1.5,
            "mois de suivi": 1.0,
            "autres mois": 1.5,
            "mois ulterieur": 2.0,
            "mois qui suivent": 2.0,
            "suite": 0.4,
            "forfait de suivi": 1.5,
        },
        intents=("amount", "yesno"),
        supersedes=("forfait_amounts",),
    ),
    Topic(
        "forfait_month_without",
        {
            "sans administration": 3.0,
            "sans injection": 3.0,
            "sans perfusion": 3.0,
            "sans traitement": 2.0,
            "sans chimiotherapie": 3.0,
            "aucune administration": 3.0,
            "aucune injection": 3.0,
            "aucune perfusion": 3.0,
            "pas d administration": 3.0,
            "pas de chimiotherapie": 2.0,
            "pas d injection": 3.0,
            "pas de perfusion": 3.0,
            "pas de seance": 2.0,
            "mois blanc": 3.0,
            "interruption": 2.0,
            "pause": 2.0,
            "suspendu": 1.5,
            "suspension": 1.5,
            "fenetre therapeutique": 2.5,
            "arret": 1.0,
            "interrompu": 2.0,
            "pas traite": 2.0,
            "rien administre": 2.5,
            "aucun traitement": 2.5,
            "mois vide": 3.0,
            "sans administre": 2.5,
            "hospitalise": 0.8,
            "mois sans": 2.5,
            "saute": 1.5,
            "decale": 1.0,
            "report": 0.6,
            "pas eu de": 1.5,
        },
        intents=("amount", "yesno"),
        supersedes=("forfait_monthly", "forfait_amounts"),
    ),
    Topic(
        "forfait_per_session",
        {
            "proratise": 3.0,
            "prorata": 3.0,
            "proratisation": 3.0,
            "nombre de jour": 1.5,
            "injection & mois": 1.0,
            "administration & mois": 1.0,
            "fois le forfait": 1.5,
            "3 fois & injection": 1.0,
            "plusieurs fois": 1.0,
            "par seance": 2.5,
            "seance": 1.0,
            "115": 2.5,
            "par injection": 2.0,
            "par administration": 2.0,
            "chaque injection": 2.5,
            "chaque administration": 2.0,
            "chaque seance": 2.0,
            "par cure": 2.0,
            "chaque cure": 2.0,
            "plusieurs injection": 1.5,
            "plusieurs administration": 1.5,
            "plusieurs seance": 1.5,
            "nombre d injection": 1.5,
            "nombre d administration": 1.5,
            "2 injection": 1.0,
            "3 injection": 1.0,
            "4 injection": 1.0,
            "2 forfait": 2.0,
            "3 forfait": 2.0,
            "4 forfait": 2.0,
            "plusieurs forfait": 2.0,
        },
        intents=("amount", "yesno"),
        supersedes=("forfait_amounts", "forfait_monthly"),
    ),
    Topic(
        "forfait_recipient",
        {
            "reverse": 2.0,
            "retrocession": 2.0,
            "retroceder": 2.0,
            "qui touche": 3.0,
            "qui percoit": 3.0,
            "qui est paye": 3.0,
            "qui recoit": 3.0,
            "qui beneficie": 3.0,
            "beneficiaire": 2.0,
            "destinataire": 1.5,
            "verse a": 1.5,
            "paye a": 1.5,
            "a qui": 1.2,
            "had ou etablissement": 2.0,
            "had ou pour nous": 2.0,
            "ou pour nous": 2.0,
            "pour nous ou": 2.0,
            "est une had": 2.0,
            "sommes une had": 2.0,
            "had & toucher": 1.5,
            "had & percevoir": 1.5,
            "etablissement ou had": 2.0,
            "had & touche": 1.5,
            "had & percoit": 1.5,
            "had & paye": 1.2,
            "had & verse": 1.2,
            "had & recoit": 1.5,
            "had & facture": 1.5,
            "facture": 1.0,
            "facturer": 1.0,
            "tarif had": 0.8,
            "structure d had": 0.4,
            "qui": 0.5,
            "pour l had": 1.0,
            "reverser": 2.0,
            "partage": 1.5,
            "partager": 1.5,
            "repartition": 1.5,
        },
        intents=("who",),
        supersedes=("forfait_amounts",),
    ),
    Topic(
        "forfait_cap_inclusion",
        {
            "forfait & plafonne": 1.5,
            "forfait & plafond": 1.5,
            "3 fois & inclusion": 2.5,
            "triple": 2.5,
            "3 fois le forfait mensuel": 2.0,
            "depasser": 1.5,
            "depasse": 1.5,
            "superieur": 1.0,
            "plafond & inclusion": 2.0,
            "plafonne & inclusion": 2.0,
            "limite & inclusion": 1.0,
            "maximum & inclusion": 1.0,
            "plafon* & premier mois": 2.5,
            "limite & premier mois": 2.0,
        },
        intents=("yesno", "amount"),
        supersedes=("forfait_inclusion", "forfait_monthly", "forfait_amounts"),
    ),
    Topic(
        "forfait_cap_monthly",
        against={"premier mois": 2.0, "inclusion": 2.0},
        cues={
            "forfait & plafonne": 1.0,
            "forfait & plafond": 1.0,
            "difference": 1.5,
            "tarif hdj": 2.0,
            "tarif had": 1.0,
            "tarif d hdj": 2.0,
            "ecart": 1.2,
            "plafond & mensuel": 2.0,
            "plafonne & mensuel": 2.0,
            "limite & mensuel": 1.2,
            "depasser & mensuel": 1.5,
            "plafond": 1.2,
            "plafonne": 1.2,
            "hdj moins had": 2.5,
            "moins le tarif": 2.0,
            "maximum & mensuel": 1.0,
            "limite & forfait & mensuel": 2.5,
            "limite au montant": 1.5,
        },
        intents=("yesno", "amount"),
        supersedes=("forfait_monthly", "forfait_amounts"),
    ),
    Topic(
        "forfait_funding",
        {
            "qui finance": 2.5,
            "qui paye": 1.5,
            "qui paie": 1.5,
            "mig": 3.0,
            "fir": 2.5,
            "dotation": 2.0,
            "enveloppe": 2.0,
            "financement": 2.0,
            "finance": 1.5,
            "credit": 1.0,
            "budget": 1.5,
            "budgetaire": 1.5,
            "fonds": 1.0,
            "ligne": 0.8,
            "quel fonds": 2.0,
            "sur quel": 0.8,
            "imputation": 1.5,
            "impute": 1.5,
            "mission d interet general": 3.0,
        },
        intents=("what", "who"),
    ),
    Topic(
        "forfait_payment",
        {
            "rapport & retard": 3.0,
            "rapport & oubli*": 3.0,
            "rapport & pas envoye": 3.0,
            "rapport & perd*": 3.0,
            "paye en": 2.0,
            "verse en": 2.0,
            "que se passe": 0.5,
            "rapport & paye": 2.5,
            "rapport & payer": 2.5,
            "rapport & versement": 2.5,
            "rapport & paiement": 2.5,
            "rapport & touche": 2.0,
            "rapport & verse": 2.0,
            "quandmeme": 0.8,
            "versement": 1.8,
            "verse": 1.2,
            "paiement": 1.8,
            "payer": 1.2,
            "paye": 1.0,
            "quand & touche": 2.0,
            "quand & percoit": 2.0,
            "quand & verse": 2.0,
            "quand & paye": 2.0,
            "quand & paiement": 2.0,
            "quand & versement": 2.0,
            "annee n": 2.5,
            "n 1": 2.5,
            "annee suivante": 2.5,
            "l annee d apres": 2.5,
            "delai de paiement": 3.0,
            "quelle annee & paye": 2.0,
            "quelle annee & verse": 2.0,
            "quelle annee & forfait": 1.5,
            "delai de versement": 3.0,
            "recevoir l argent": 2.5,
            "argent": 1.0,
            "rembourse": 1.0,
            "remboursement": 1.0,
            "conditionne": 1.5,
            "condition & versement": 1.5,
            "condition & paiement": 1.5,
        },
        intents=("date", "what"),
        supersedes=("forfait_amounts",),
    ),
    Topic(
        "forfait_first_month",
        {
            "mois de l adressage": 2.5,
            "adressage & premiere injection": 1.5,
            "adressage & premiere administration": 1.5,
            "calendaire": 3.0,
            "30 jours": 3.0,
            "mois civil": 3.0,
            "date a date": 3.0,
            "de date a date": 1.0,
            "comment & compte & premier mois": 2.5,
            "definition & premier mois": 2.5,
            "premier mois & commence": 2.0,
            "premier mois & debut": 1.5,
            "premier mois & fin": 1.5,
            "premier mois & quel": 1.0,
            "mois de la premiere": 2.0,
            "premiere administration": 1.5,
            "premiere injection": 1.5,
            "milieu du mois": 2.0,
            "fin du mois": 1.5,
            "fin de mois": 1.5,
            "le 28": 1.0,
            "le 30": 1.0,
            "le 31": 1.0,
            "compte comme premier mois": 2.0,
            "a cheval": 2.5,
        },
        intents=("how", "what"),
        supersedes=("forfait_inclusion", "forfait_amounts"),
    ),
    Topic(
        "forfait_reinclusion",
        {
            "deuxieme inclusion": 3.0,
            "nouvelle inclusion": 3.0,
            "reinclusion": 3.0,
            "re inclusion": 3.0,
            "reinclure": 3.0,
            "re inclure": 3.0,
            "revient": 2.0,
            "retour": 1.5,
            "reviens": 1.5,
            "sortie": 1.5,
            "sort": 1.0,
            "quitte": 1.5,
            "de nouveau": 1.5,
            "a nouveau": 1.5,
            "reprise": 1.5,
            "reprend": 1.5,
            "deux fois": 1.5,
            "2 fois": 1.5,
            "readresse": 2.5,
            "re adresse": 2.5,
            "rechute": 2.0,
            "recidive": 2.0,
            "nouveau forfait d inclusion": 3.0,
            "nouveau patient": 0.5,
            "encore le forfait": 1.5,
            "deuxieme forfait": 2.0,
            "second forfait": 2.0,
            "nouvel episode": 2.0,
            "retourne en hdj": 2.0,
            "repasse": 1.5,
            "rehospitalise": 1.5,
        },
        intents=("yesno", "amount"),
        supersedes=("forfait_inclusion", "forfait_amounts"),
    ),
    Topic(
        "forfait_compute",
        {
            "au total": 2.0,
            "total": 1.5,
            "calcul": 2.0,
            "calculer": 2.0,
            "en tout": 2.0,
            "simulation": 2.0,
            "combien": 0.6,
            "touche": 0.4,
            "exemple": 1.0,
        },
        intents=("amount",),
        supersedes=(
            "forfait_amounts",
            "forfait_inclusion",
            "forfait_monthly",
            "forfait_month_without",
            "forfait_per_session",
        ),
    ),
    # --- patients and treatments ----------------------------------------------------------------------------
    Topic(
        "treatment_oral",
        {
            "oral": 3.0,
            "voie orale": 1.0,
            "per os": 3.0,
            "comprime": 2.5,
            "gelule": 2.5,
            "cachet": 2.0,
            "par la bouche": 3.0,
            "therapie orale": 1.0,
            "traitement oral": 1.0,
            "chimiotherapie orale": 1.0,
            "avale": 2.0,
        },
        intents=("yesno",),
        supersedes=("treatment_scope",),
    ),
    Topic(
        "treatment_scope",
        {
            "quoi & tmsc": 2.0,
            "tmsc & signifie": 2.0,
            "tmsc & veut dire": 2.0,
            "chimiotherapie": 1.0,
            "immunotherapie": 2.0,
            "injectable": 2.0,
            "sous cutane": 2.0,
            "sc": 1.0,
            "perfusion": 1.0,
            "intraveineu*": 1.5,
            "iv": 1.0,
            "quel traitement": 2.0,
            "type de traitement": 2.0,
            "quel type": 1.0,
            "traitement eligible": 2.0,
            "traitement concerne": 2.0,
            "medicament": 1.0,
            "molecule": 1.5,
            "tmsc": 1.0,
            "hormonotherapie": 2.0,
            "therapie ciblee": 2.0,
            "anticorps": 2.0,
            "radiotherapie": 2.0,
            "concerne": 0.8,
            "eligible": 0.6,
            "inclu": 0.4,
            "c est quoi un tmsc": 2.0,
            "c est quoi les tmsc": 2.0,
            "signifie tmsc": 2.0,
            "veut dire tmsc": 2.0,
            "definition & tmsc": 2.0,
            "systemique": 1.0,
            "quels produits": 1.5,
            "entre dans": 1.0,
            "rentre dans": 1.0,
            "compte": 0.4,
            "biotherapie": 2.0,
            "bisphosphonate": 2.0,
            "transfusion": 2.0,
            "antalgique": 2.0,
            "soins de support": 2.0,
            "nutrition": 2.0,
            "thérapie cellulaire": 2.0,
            "car t": 2.0,
        },
        intents=("what", "yesno"),
    ),
    Topic(
        "patient_referral_date",
        {
            "avant l arrete": 3.0,
            "avant la publication": 2.5,
            "retroactif": 3.0,
            "retroactivement": 3.0,
            "patient deja": 2.0,
            "deja en had": 2.5,
            "deja pris en charge": 2.5,
            "deja suivi": 2.0,
            "anterieur": 2.0,
            "avant juillet": 2.5,
            "avant la selection": 2.5,
            "avant d etre retenu": 2.5,
            "adresse avant": 2.5,
            "adresse en": 1.0,
            "date d adressage": 2.0,
            "a partir de quand & patient": 2.0,
            "a partir de quand & adressage": 2.5,
            "depuis quand & patient": 2.0,
            "adressage": 0.8,
            "quel patient": 1.0,
            "compter les patient": 1.5,
            "file active": 2.0,
            "stock": 1.5,
        },
        intents=("yesno", "date"),
    ),
    Topic(
        "patient_after_end",
        {
            "apres la fin": 2.5,
            "apres fevrier 2028": 3.0,
            "apres 2028": 3.0,
            "fevrier 2028": 2.0,
            "janvier 2028": 1.0,
            "apres le 5 fevrier": 3.0,
            "mars 2028": 2.5,
            "au dela de": 1.5,
            "fin de l experimentation & patient": 1.5,
            "fin de l experimentation & forfait": 1.5,
            "fin de l experimentation & paye": 1.5,
            "en cours de traitement & fin": 2.0,
            "prolongation": 1.5,
            "prolonge": 1.5,
            "pérennis*": 1.5,
            "generalis*": 1.5,
        },
        intents=("yesno",),
    ),
    Topic(
        "had_area",
        {
            "qui decide": 1.5,
            "intervient": 1.0,
            "quelle had & intervient": 1.5,
            "domicile du patient": 2.0,
            "zone": 2.0,
            "secteur": 2.0,
            "commune": 2.0,
            "double couverture": 3.0,
            "deux had": 2.5,
            "2 had": 2.5,
            "quelle had": 2.0,
            "choisir": 1.0,
            "choix": 1.0,
            "habite": 2.0,
            "hors zone": 3.0,
            "autre departement": 2.0,
            "aire geographique": 3.0,
            "zone d intervention": 3.0,
            "couvre": 1.5,
            "couvert": 1.5,
            "perimetre": 2.0,
            "territoire": 0.8,
            "loin": 1.5,
            "distance": 1.5,
            "vit": 1.2,
            "reside": 2.0,
            "residence": 1.5,
            "adresse du patient": 2.0,
            "lieu de vie": 2.0,
            "intervenir": 1.0,
            "deplacer": 1.0,
            "zone d implantation": 2.0,
            "zone geographique": 3.0,
        },
        intents=("who", "yesno"),
    ),
    Topic(
        "had_partners",
        {
            "combien de had": 3.0,
            "nombre de had": 3.0,
            "had & maximum": 1.5,
            "had & max": 1.5,
            "plusieurs had": 3.0,
            "plusieurs structure": 2.0,
            "combien d had": 3.0,
            "nombre d had": 3.0,
            "plusieurs partenaire": 3.0,
            "partenaire": 1.2,
            "une seule had": 3.0,
            "une had": 0.6,
            "travailler avec": 1.2,
            "conventionner avec": 1.2,
            "associe": 0.8,
            "partenaire de plusieurs": 3.0,
            "plusieurs etablissement": 2.0,
            "autre etablissement": 1.0,
            "limite & had": 1.0,
            "nombre & had": 1.0,
            "deuxieme had": 2.0,
            "autre had": 2.0,
            "2 had": 1.0,
            "deux had": 1.0,
            "exclusif": 2.0,
            "exclusivite": 2.0,
            "2 etablissement": 2.5,
            "deux etablissement": 2.5,
            "partenaire & deux": 1.5,
            "a la fois": 1.0,
        },
        intents=("count", "yesno"),
    ),
    Topic(
        "children",
        {
            "enfant": 3.0,
            "pediatri*": 3.0,
            "moins de 3 ans": 3.0,
            "bebe": 3.0,
            "nourrisson": 3.0,
            "mineur": 2.0,
            "ado": 1.5,
            "adolescent": 2.0,
            "petit": 0.5,
            "an": 0.5,
            "mois & age": 1.0,
            "mention": 1.5,
        },
        intents=("yesno",),
    ),
    # --- calendar -------------------------------------------------------------------------------------------
    Topic(
        "dates_start",
        {
            "a commence": 1.0,
            "deja commence": 1.5,
            "a demarre": 1.0,
            "deja demarre": 1.5,
            "quand & demarre": 1.0,
            "quand & commence": 1.0,
            "quand & debut": 1.0,
            "quand & debute": 1.0,
            "debut": 1.5,
            "commence": 1.5,
            "commencer": 1.2,
            "demarre": 1.5,
            "demarrage": 1.2,
            "depuis quand": 1.5,
            "date de debut": 2.5,
            "lancement": 1.2,
            "quand commence": 2.0,
            "entree en vigueur": 2.0,
            "a partir de quand": 1.2,
            "debute": 1.5,
        },
        intents=("date",),
    ),
    Topic(
        "dates_end",
        {
            "inclus & 2028": 1.5,
            "5 fevrier 2028": 2.0,
            "dernier jour": 2.0,
            "fin": 1.5,
            "termine": 2.0,
            "se termine": 1.0,
            "jusqu a quand": 2.0,
            "echeance": 1.0,
            "date de fin": 2.5,
            "2028": 1.5,
            "s arrete": 1.5,
            "prend fin": 2.0,
            "fini": 1.5,
            "finit": 1.5,
            "cloture": 0.6,
            "quand s acheve": 2.0,
            "acheve": 1.5,
            "date butoir": 0.5,
            "fin & experimentation": 1.0,
            "fin de l experimentation": 1.0,
        },
        intents=("date",),
    ),
    Topic(
        "dates_duration",
        {
            "duree": 2.5,
            "combien de temps": 2.5,
            "combien d annee": 2.5,
            "combien d an": 2.5,
            "3 an": 1.5,
            "dure": 2.0,
            "pendant combien": 2.5,
            "longtemps": 1.5,
        },
        intents=("count", "date"),
    ),
    Topic(
        "application_deadline",
        {
            "date limite": 3.0,
            "limite": 0.8,
            "candidature": 1.5,
            "candidater": 1.5,
            "candidat": 0.6,
            "postuler": 1.5,
            "deposer": 0.8,
            "depot": 1.0,
            "dossier": 0.8,
            "cloture": 2.0,
            "deadline": 3.0,
            "jusqu a quand": 1.2,
            "encore temps": 2.5,
            "encore possible": 1.5,
            "encore candidater": 2.5,
            "trop tard": 2.5,
            "tard": 1.5,
            "ami": 1.0,
            "appel a manifestation": 1.0,
            "appel a projet": 1.0,
            "date butoir": 3.0,
            "rendre": 0.6,
            "rejoindre": 1.5,
            "entrer dans": 1.0,
            "integrer": 1.0,
            "participer": 0.6,
            "quand & candidat*": 1.5,
        },
        intents=("date",),
        supersedes=("dates_end",),
    ),
    Topic(
        "application_rules",
        against={"rapport": 2.0},
        cues={
            "lien & candidat*": 2.0,
            "lien & postuler": 2.0,
            "lien & dossier": 1.5,
            "site & candidat*": 1.0,
            "hors delai": 3.0,
            "en retard": 2.0,
            "apres la date": 2.0,
            "recevable": 2.5,
            "irrecevable": 2.5,
            "incomplet": 3.0,
            "complet": 1.5,
            "piece manquante": 2.5,
            "manque": 1.0,
            "signe": 1.5,
            "signature": 1.5,
            "signer": 2.0,
            "qui & sign*": 2.0,
            "directeur": 1.0,
            "ou & depos* & dossier": 3.0,
            "ou & depos* & candidature": 3.0,
            "ou & envoyer & dossier": 3.0,
            "dossier & envoye": 1.5,
            "dossier & pris en compte": 1.5,
            "etudie": 1.0,
            "plateforme": 3.0,
            "demarche simplifiee": 3.0,
            "ou deposer": 3.0,
            "comment candidater": 3.0,
            "comment deposer": 3.0,
            "comment postuler": 3.0,
            "lien": 1.5,
            "site": 0.8,
            "en ligne": 2.0,
            "demat": 3.0,
            "envoyer le dossier": 2.0,
            "par mail": 1.0,
            "papier": 1.5,
            "courrier": 1.5,
            "expe50 lfss2024": 3.0,
            "lfss2024": 2.0,
            "url": 2.0,
            "adresse du site": 2.0,
            "une seule fois": 1.0,
            "plusieurs fois": 1.0,
            "modifier": 1.0,
        },
        intents=("how", "who"),
    ),
    Topic(
        "application_contents",
        {
            "contenu du dossier": 3.0,
            "piece": 2.0,
            "piece a fournir": 3.0,
            "composition": 2.5,
            "annexe 1": 2.5,
            "document": 1.5,
            "quoi fournir": 2.0,
            "fournir": 1.2,
            "justificatif": 2.0,
            "que contient & dossier": 2.5,
            "que mettre & dossier": 2.5,
            "compose": 1.5,
            "dossier de candidature": 1.0,
            "dossier & contenu": 2.0,
            "dossier & quoi": 1.0,
            "joindre & dossier": 3.0,
            "joindre au": 2.0,
            "accord & had & dossier": 2.0,
        },
        intents=("what",),
    ),
    Topic(
        "selection_calendar",
        # "c'est ce qui a été retenu ?" asks whether a design was chosen, not who was selected.
        against={"ce qui a ete retenu": 4.0, "ce qui est retenu": 4.0},
        cues={
            "comite de selection": 3.0,
            "comite": 1.5,
            "jury": 2.5,
            "selection": 1.0,
            "examine": 1.0,
            "quand & saura": 2.0,
            "resultat": 2.0,
            "reponse": 0.8,
            "retenu": 1.5,
            "laureat": 2.5,
            "annonce": 1.5,
            "dgos": 1.0,
            "liste": 1.0,
            "liste des etablissement": 2.0,
            "selectionne": 1.5,
            "publication & liste": 2.0,
            "arrete de selection": 3.0,
            "arrete & liste": 2.0,
            "qui a ete retenu": 3.0,
            "quels etablissement": 1.0,
            "30 juin": 2.0,
            "juillet": 1.0,
        },
        intents=("date", "who"),
    ),
    Topic(
        "selection_criteria",
        {
            "critere": 2.5,
            "critere de selection": 1.0,
            "comment & choisi": 2.0,
            "comment & selectionne": 2.5,
            "choisi": 1.0,
            "diversite": 2.0,
            "taux d occupation": 2.0,
            "priorite": 1.5,
            "chance": 1.5,
            "departager": 2.0,
            "classement": 1.5,
            "note": 1.0,
            "grille": 2.0,
        },
        intents=("how", "what"),
    ),
    Topic(
        "max_per_region",
        against={"national": 2.5, "ont candidate": 2.5, "france entiere": 2.5, "au total": 1.0},
        cues={
            "combien d etablissement": 2.5,
            "nombre d etablissement": 2.5,
            "maximum": 1.5,
            "limite": 0.8,
            "par region": 2.0,
            "10": 1.2,
            "dix": 1.2,
            "place": 1.5,
            "quota": 2.5,
            "plafond": 0.5,
            "combien de candidat": 2.0,
            "nombre de candidat": 2.0,
            "combien de retenu": 2.5,
            "combien & retenu": 2.0,
            "combien & selectionne": 2.0,
            "nombre de place": 3.0,
        },
        intents=("count",),
    ),
    # --- eligibility ----------------------------------------------------------------------------------------
    Topic(
        "eligibility_overview",
        {
            "condition": 2.0,
            "eligible": 1.5,
            "eligibilite": 2.0,
            "qui peut candidater": 3.0,
            "qui peut participer": 3.0,
            "peut candidater": 1.5,
            "participer": 1.0,
            "critere d eligibilite": 3.0,
            "prerequis": 2.5,
            "pre requis": 2.5,
            "remplir": 0.8,
            "peut on candidater": 1.5,
            "faut il": 0.4,
            "engagement": 1.5,
            "engager": 1.5,
            "projet": 0.8,
            "obligation": 1.5,
            "exigence": 1.5,
            "qui peut": 1.0,
            "postuler": 0.6,
            "ouvert a": 2.0,
            "acceder": 1.0,
        },
        intents=("who", "what"),
    ),
    Topic(
        "eligibility_authorisation",
        {
            "autorise & cancer*": 1.5,
            "autorise en": 0.5,
            "autorisation": 2.5,
            "autorise": 1.5,
            "modalite tmsc": 2.0,
            "ancienne autorisation": 3.0,
            "autorisation de chimiotherapie": 2.0,
            "autorisation cancer": 2.0,
            "r6123 86 1": 3.0,
            "r6123 87": 3.0,
            "autorisation d activite": 2.0,
            "pas autorise": 2.0,
            "sans autorisation": 2.5,
            "agrement": 2.0,
            "autorisation had": -1.5,
        },
        intents=("yesno", "what"),
        supersedes=("eligibility_overview",),
    ),
    Topic(
        "eligibility_categories",
        against={"had prive": 3.0, "had publique": 3.0, "had public": 3.0, "had associative": 3.0},
        cues={
            "categorie": 2.5,
            "prive": 2.5,
            "public": 1.5,
            "clinique": 2.5,
            "espic": 3.0,
            "lucratif": 2.5,
            "commercial": 2.0,
            "cpom": 2.0,
            "dotation globale": 2.0,
            "chu": 1.5,
            "clcc": 2.0,
            "categorie e": 3.0,
            "statut": 2.0,
            "l162 22": 3.0,
            "centre de lutte contre le cancer": 2.0,
            "hopital public": 2.0,
            "association": 0.5,
            "mutualiste": 2.0,
            "groupe prive": 2.0,
            "type d etablissement": 2.0,
        },
        intents=("yesno", "who"),
        supersedes=("eligibility_overview",),
    ),
    Topic(
        "eligibility_convention",
        {
            "convention": 2.5,
            "convention d association": 1.0,
            "protocole": 1.5,
            "protocole organisationnel": 2.0,
            "meme entite": 3.0,
            "meme entite juridique": 1.0,
            "meme finess juridique": 3.0,
            "had interne": 3.0,
            "propre had": 3.0,
            "notre had": 1.5,
            "had integree": 3.0,
            "notre propre": 1.5,
            "association": 0.8,
            "r6123 90 1": 3.0,
            "conventionne": 2.0,
            "conventionner": 1.5,
            "contrat": 1.5,
            "accord": 1.0,
            "partenariat": 1.5,
            "formalis*": 1.5,
            "changement": 1.5,
            "modification": 1.5,
            "signaler": 1.0,
        },
        intents=("yesno", "what"),
        supersedes=("eligibility_overview",),
    ),
    Topic(
        "multisite",
        {
            "site geographique": 2.5,
            "site & candidature": 2.0,
            "site & dossier": 1.5,
            "site & rapport": 1.5,
            "multisite": 3.0,
            "multi site": 3.0,
            "plusieurs site": 3.0,
            "site": 1.5,
            "finess geographique": 3.0,
            "finess juridique": 2.5,
            "chaque site": 2.5,
            "par site": 2.5,
            "autre site": 2.0,
            "deux site": 3.0,
            "2 site": 3.0,
            "etablissement secondaire": 2.0,
            "antenne": 1.5,
            "site multiple": 3.0,
            "site & candidat*": 2.0,
            "site & separement": 2.0,
        },
        intents=("yesno", "count"),
        supersedes=("max_per_region", "application_deadline", "application_rules"),
    ),
    # --- reports --------------------------------------------------------------------------------------------
    Topic(
        "reports_overview",
        {
            "rapport": 1.5,
            "quel rapport": 1.5,
            "reporting": 2.0,
            "remonter": 1.0,
            "remontee": 1.5,
            "envoyer & rapport": 1.0,
            "transmettre & rapport": 1.0,
            "date & rapport": 1.0,
            "quand & rapport": 1.0,
            "bilan": 1.0,
            "evaluation & rapport": 0.5,
            "rendre": 0.5,
            "destinataire": 1.5,
        },
        intents=("date", "what", "who"),
    ),
    Topic(
        "reports_initial",
        {
            "rapport initial": 3.0,
            "initial": 1.5,
            "rapport d entree": 3.0,
            "entree dans l experimentation": 1.0,
            "rapport & octobre": 2.0,
            "piramig": 2.0,
            "rapport de depart": 2.5,
            "premier rapport": 1.2,
        },
        intents=("date", "what", "who"),
        supersedes=("reports_overview",),
    ),
    Topic(
        "reports_followup",
        {
            "rapport de suivi": 3.0,
            "suivi": 1.2,
            "rapport d activite": 3.0,
            "rapport annuel": 2.5,
            "deuxieme rapport": 2.0,
            "dernier rapport": 2.0,
            "rapport & septembre": 2.0,
            "rapport & 2026": 1.0,
            "rapport & 2027": 1.0,
            "rapport intermediaire": 2.0,
            "rapport & annee": 0.8,
            "premier rapport": 1.0,
            "rapport & n1": 1.5,
        },
        intents=("date", "what", "who"),
        supersedes=("reports_overview",),
    ),
    Topic(
        "reports_next",
        {
            "cette annee": 1.0,
            "envoyer & quand": 1.5,
            "envoyer quoi": 1.5,
            "transmettre & quand": 1.5,
            "prochain rapport": 4.0,
            "prochaine echeance": 3.0,
            "prochain": 1.5,
            "prochaine": 1.5,
            "a venir": 1.5,
            "bientot": 1.0,
            "maintenant": 0.8,
            "en ce moment": 1.0,
            "a rendre": 1.0,
            "doit on envoyer": 1.0,
            "qu est ce qu on doit": 1.0,
            "reste": 1.0,
        },
        # A report named by its rank or kind is asked about itself, not about whichever comes next.
        against={"premier": 2.0, "deuxieme": 2.0, "initial": 2.0, "dernier": 2.0},
        intents=("date",),
        supersedes=("reports_overview", "reports_initial", "reports_followup"),
    ),
    Topic(
        "reports_contents",
        {
            "cible d adressage": 3.0,
            "objectif d adressage": 3.0,
            "cible & annee": 1.5,
            "quelle donnee": 2.0,
            "fournir": 1.5,
            "mettre": 1.5,
            "faut mettre": 1.0,
            "mettre dans": 1.0,
            "contenu": 2.0,
            "contenir": 2.0,
            "contient": 2.0,
            "que mettre": 2.5,
            "quoi mettre": 2.5,
            "indicateur": 2.5,
            "donnee": 1.5,
            "trame": 2.5,
            "renseigner": 2.0,
            "remplir": 1.0,
            "information": 0.8,
            "champ": 1.5,
            "annexe 2": 2.5,
            "annexe 3": 2.5,
            "quoi dedans": 2.5,
            "quel element": 2.0,
            "que doit": 1.0,
            "demande": 0.4,
            "taux d occupation": 1.0,
            "cible": 1.5,
            "objectif annuel": 2.0,
            "declarer": 2.0,
            "declare": 2.0,
            "quel rapport": 1.0,
            "dans quel rapport": 2.5,
            "smr": 1.5,
        },
        intents=("what",),
        supersedes=("reports_overview", "reports_initial", "reports_followup"),
    ),
    Topic(
        "reports_parliament",
        {
            "parlement": 3.0,
            "gouvernement": 2.0,
            "evaluation nationale": 2.0,
            "rapport final": 2.0,
            "bilan final": 2.0,
        },
        intents=("date",),
        supersedes=("reports_overview",),
    ),
    Topic(
        "evaluation",
        {
            "evaluation": 1.5,
            "evalue": 2.0,
            "evaluer": 2.0,
            "mesure": 1.0,
            "objectif": 1.5,
            "but": 1.5,
            "pourquoi": 1.0,
            "impact": 1.5,
            "effet": 1.0,
            "depense": 1.0,
            "assurance maladie": 1.0,
            "porte l evaluation": 2.0,
            "evaluation & mesure": 1.5,
            "evaluation & porte": 1.5,
        },
        intents=("what",),
    ),
    Topic(
        "overview",
        {
            "a quoi sert": 2.5,
            "sert a quoi": 2.5,
            "objectif": 1.5,
            "but": 1.5,
            "pourquoi": 0.6,
            "c est quoi": 1.0,
            "en quoi consiste": 2.0,
            "qu est ce que": 0.8,
            "article 50": 1.0,
            "principe": 2.0,
            "resume": 2.0,
            "presentation": 1.5,
            "expliquer": 1.5,
            "explique": 1.5,
            "experimentation": 0.8,
            "de quoi s agit": 2.0,
            "fonctionne": 1.2,
            "fonctionnement": 1.5,
            "lfss 2024": 1.0,
            "dispositif": 1.0,
        },
        intents=("what",),
    ),
    Topic(
        "legal_texts",
        # "ça s'arrête quand" is about the end, not about an arrêté.
        against={"s arrete": 1.5, "on arrete": 1.5},
        cues={
            "texte": 2.0,
            "decret": 2.0,
            "arrete": 1.2,
            "reference": 2.0,
            "base legale": 3.0,
            "base juridique": 3.0,
            "source": 1.5,
            "legifrance": 2.5,
            "instruction": 1.5,
            "quel texte": 1.0,
            "loi": 1.5,
            "lfss": 1.0,
            "journal officiel": 2.0,
            "jorf": 2.0,
            "reglementation": 2.0,
            "reglementaire": 2.0,
            "juridique": 1.0,
            "quel arrete": 2.0,
            "quel decret": 2.0,
            "arrete & fixe": 1.5,
            "repose": 1.0,
        },
        intents=("what",),
    ),
    Topic(
        "identifiers",
        {
            "finess": 2.5,
            "numero finess": 1.0,
            "cle": 1.0,
            "luhn": 3.0,
            "9 caractere": 2.0,
            "nir": 3.0,
            "numero de securite sociale": 3.0,
            "securite sociale": 1.5,
            "secu": 2.0,
            "insee": 2.0,
            "identifiant": 1.5,
            "identifier": 1.0,
            "numero": 0.8,
        },
        intents=("what",),
    ),
    Topic(
        "contact",
        against={"joindre au": 3.0, "joindre & dossier": 3.0},
        cues={
            "contact": 2.5,
            "contacter": 2.5,
            "joindre": 2.0,
            "adresse mail": 2.0,
            "mail": 0.8,
            "email": 0.8,
            "bal": 2.0,
            "interlocuteur": 2.5,
            "qui contacter": 3.0,
            "referent": 2.0,
            "a qui ecrire": 3.0,
            "a qui poser": 3.0,
            "a qui m adresser": 3.0,
            "telephone": 1.5,
        },
        intents=("who",),
    ),
    Topic(
        "glossary",
        {
            "veut dire": 2.0,
            "signifie": 2.0,
            "signification": 2.0,
            "acronyme": 2.5,
            "sigle": 2.5,
            "abreviation": 2.5,
            "definition": 1.0,
            "c est quoi": 0.6,
            "qu est ce que": 0.5,
        },
        intents=("what",),
    ),
    Topic(
        "had_tariff",
        {
            "tarif & had": 2.0,
            "tarif had": 1.0,
            "tarif de l had": 2.0,
            "tarif d had": 2.0,
            "montant du tarif": 2.0,
            "combien facture l had": 3.0,
            "had & facture & combien": 2.0,
            "tarif hdj": 1.0,
            "grille tarifaire": 2.0,
        },
        intents=("amount",),
        supersedes=("forfait_recipient", "forfait_cap_monthly", "forfait_amounts"),
    ),
    Topic(
        "calendar",
        {
            "date cle": 3.0,
            "calendrier": 2.5,
            "echeancier": 3.0,
            "planning": 2.5,
            "retroplanning": 3.0,
            "grande etape": 3.0,
            "etape": 1.5,
            "chronologie": 3.0,
            "toute les date": 3.0,
            "les date": 1.0,
        },
        intents=("date",),
        supersedes=("dates_start", "dates_end", "reports_overview"),
    ),
    Topic(
        "applications_national",
        {
            "national": 1.5,
            "au national": 2.0,
            "niveau national": 2.0,
            "france entiere": 2.5,
            "en france": 1.0,
            "ont candidate": 2.5,
            "ont postule": 2.5,
            "combien & candidature": 1.5,
            "nombre de candidature": 2.5,
            "146": 3.0,
        },
        intents=("count",),
        supersedes=("max_per_region", "application_deadline"),
    ),
    # --- article 51 -----------------------------------------------------------------------------------------
    Topic(
        "art51_definition",
        {
            "c est quoi": 1.0,
            "qu est ce": 1.0,
            "definition": 1.5,
            "principe": 1.5,
            "cadre": 1.0,
            "en quoi consiste": 1.5,
            "explique": 1.0,
            "objectif": 1.0,
            "but": 1.0,
            "derogation": 1.0,
        },
        family="art51",
        intents=("what",),
    ),
    Topic(
        "art51_difference",
        {
            "difference": 3.0,
            "different": 2.5,
            "differencie": 2.5,
            "distinguer": 2.0,
            "par rapport": 1.5,
            "meme chose": 3.0,
            "lien": 1.5,
            "confondre": 2.0,
            "article 50 & article 51": 3.0,
            "vs": 2.0,
            "versus": 2.0,
            "relation": 1.5,
            "rapport avec": 1.5,
            "relever": 1.0,
            "releve": 1.0,
        },
        family="art51",
        intents=("what",),
        supersedes=("art51_definition",),
    ),
    Topic(
        "art51_promoters",
        {
            "qui peut": 2.5,
            "porteur": 2.5,
            "proposer": 2.0,
            "deposer": 1.0,
            "association": 1.0,
            "entreprise": 1.5,
            "liberal": 1.5,
            "qui": 0.8,
            "statut": 1.0,
            "collectivite": 1.5,
            "federation": 1.5,
            "ouvert a": 2.0,
        },
        family="art51",
        intents=("who",),
    ),
    Topic(
        "art51_routing",
        {
            "a qui": 2.0,
            "ou envoyer": 3.0,
            "ou deposer": 3.0,
            "adresser": 1.5,
            "rapporteur": 3.0,
            "regional": 1.5,
            "national": 1.5,
            "ars": 0.8,
            "envoyer": 1.2,
            "transmettre": 1.2,
            "soumettre": 1.5,
            "interregional": 1.5,
            "depose": 1.0,
        },
        family="art51",
        intents=("who", "how"),
    ),
    Topic(
        "art51_delays",
        {
            "repond*": 1.5,
            "ne repond pas": 2.0,
            "sans reponse": 3.0,
            "combien de temps": 1.0,
            "delai": 2.5,
            "comite technique": 2.0,
            "reponse": 1.0,
            "avis": 2.0,
            "has": 2.0,
            "silence": 3.0,
            "tacite": 3.0,
            "repute": 3.0,
            "pas de reponse": 3.0,
            "combien de temps & avis": 2.0,
            "combien de temps & reponse": 2.0,
            "instruction": 1.0,
        },
        family="art51",
        intents=("date", "count"),
    ),
    Topic(
        "art51_duration",
        {
            "duree": 2.5,
            "combien de temps & dure": 2.0,
            "5 an": 2.0,
            "combien d an": 2.0,
            "combien d annee": 2.0,
            "dure": 2.0,
            "maximum & an": 1.0,
            "longtemps": 1.5,
        },
        family="art51",
        intents=("count",),
    ),
    Topic(
        "art51_funding",
        {
            "financement": 2.5,
            "finance": 2.0,
            "financer": 2.0,
            "fiss": 3.0,
            "fir": 2.0,
            "fonds": 2.0,
            "budget": 1.5,
            "argent": 1.5,
            "paye": 1.0,
            "innovation": 0.8,
        },
        family="art51",
        intents=("what",),
    ),
)

TOPIC_BY_ID: dict[str, Topic] = {topic.id: topic for topic in TOPICS}

# Words that put a question outside what the rules can settle: other subjects, medical advice about a patient,
# and legal or financial matters the texts we hold do not address. One strong cue is enough to hand over.
OUT_OF_SCOPE: dict[str, float] = {
    "meteo": 3.0, "temps qu il fait": 3.0, "pluie": 3.0, "neige": 3.0, "soleil": 3.0, "temperature": 2.0,
    "tva": 3.0, "impot": 3.0, "fiscal": 3.0, "fiscalite": 3.0, "taxe": 3.0, "comptable": 3.0,
    "comptabilise": 3.0, "comptabiliser": 3.0, "comptabilite": 3.0, "titre de recette": 3.0, "amortis*": 3.0,
    "salaire": 3.0, "recrutement": 3.0, "recruter": 3.0, "embauche": 3.0, "greve": 3.0, "parking": 3.0,
    "restaurant": 3.0, "cantine": 3.0, "vacance": 2.0, "conge": 2.0, "covid": 3.0, "vaccin": 3.0,
    "football": 3.0, "horoscope": 3.0, "blague": 3.0, "recette de cuisine": 3.0, "train": 2.0, "billet": 2.0,
    "posologie": 3.0, "dose": 3.0, "dosage": 3.0, "effet secondaire": 3.0, "effet indesirable": 3.0,
    "toxicite": 3.0, "fievre": 3.0, "nausee": 3.0, "vomissement": 3.0, "douleur": 3.0, "neutropenie": 3.0,
    "aplasie": 3.0, "allergie": 3.0, "contre indication": 3.0, "interaction": 2.0, "surdosage": 3.0,
    "extravasation": 3.0, "symptome": 3.0, "diagnostic": 3.0, "pronostic": 3.0, "metastase": 3.0,
    "quel protocole de chimiotherapie": 3.0, "quelle chimiotherapie": 3.0, "prescrire": 2.0,
    "ordonnance": 2.0, "responsabilite": 3.0, "contentieux": 3.0, "litige": 3.0, "avocat": 3.0,
    "tribunal": 3.0, "penalite": 3.0, "sanction": 3.0, "indu": 3.0, "rgpd": 3.0, "cnil": 3.0,
    "assurance responsabilite": 3.0, "mot de passe": 3.0, "identifiant de connexion": 3.0, "bug": 2.0,
    "ehpad": 3.0, "cumul*": 3.0, "t2a": 2.0, "ghs": 3.0, "ght": 2.0, "combien coute": 2.0, "cout": 1.5,
    "rentable": 3.0, "rentabilite": 3.0, "bourse": 3.0, "ordinateur": 3.0, "imprimante": 3.0,
    "recours": 2.0, "contester": 3.0, "contestation": 3.0, "refus": 1.5, "refuse": 1.5,
}  # fmt: skip

# Words that signal an article 51 question. "51" alone is a number; it must follow "article" or similar.
ART51_MARKERS: dict[str, float] = {
    "article 51": 3.0, "article51": 3.0, "l162 31 1": 3.0, "fiss": 2.0, "rapporteur general": 2.5,
    "cahier des charges": 1.5, "comite technique": 1.5, "lfss 2018": 2.5, "lfss pour 2018": 2.5,
    "experimentation 51": 3.0, "dispositif 51": 3.0, "projet 51": 3.0, "innovation en sante": 1.5,
    "fonds pour l innovation": 2.5, "peps": 2.0, "ipep": 2.0, "eds": 1.0,
}  # fmt: skip
ART50_MARKERS: dict[str, float] = {
    "article 50": 3.0, "lfss 2024": 2.0, "lfss pour 2024": 2.0, "2025 114": 2.0, "tmsc": 1.0, "had": 1.0,
    "forfait": 0.5, "hdj": 1.0,
}  # fmt: skip

# Intent cues: a small bonus for topics that answer this kind of question.
INTENT_CUES: dict[Intent, tuple[str, ...]] = {
    "amount": ("combien", "montant", "tarif", "prix", "euro", "somme", "valeur", "a combien"),
    "date": (
        "quand",
        "date",
        "delai",
        "jusqu a quand",
        "echeance",
        "calendrier",
        "quel jour",
        "avant quel",
        "quelle annee",
        "quel mois",
        "quelle periode",
    ),
    "who": ("qui", "a qui", "lequel", "laquelle"),
    "count": ("combien de", "nombre", "maximum", "minimum"),
    "how": ("comment", "de quelle facon", "de quelle maniere", "procedure", "demarche"),
    "yesno": ("est ce que", "peut on", "peut il", "peut elle", "est il", "est elle", "a t on", "y a t il"),
    "what": ("quel", "quelle", "quoi", "c est quoi", "qu est ce"),
}

# Everyday words of questions and emails that carry no topic: they never count against understanding.
_NEUTRAL_TEXT = """
    ok okay daccord
    cancerologie decide decider intervient entre entrer sortir fixe fixee fixer inclure inclus
    permet permets permettre solliciter sollicite attente veuillez agreer salutation salutations distinguee
    distinguees respectueuse respectueuses sentiment sentiments expression consideration remerciant
    souhaiterait souhaiterions souhaitons perdu perdue confus confuse
    doute hesite hesitons ecris ecrire ecrit contacte
    partie part petite petit question questions simple rapide juste merci exemple exemples concret
    vraiment bien compris comprendre comprend lire lu vu voir regarde trouve cherche
    nous vous on il elle ils elles patiente patientes notre nos votre vos leur leurs
    a ai aie aient aies ait alors au aucun aucune aupres aussi autre autres aux avais avait avant avec
    avez avoir avons ayant bah bien bon bonne c ca car ce ceci cela celle celles celui cependant certain
    ces cet cette ceux chaque chez ci comme comment concernant d dans de des deja depuis dois doit
    doivent donc dont du durant e elle elles en encore entre es est et etaient etait etant ete etes etre
    eu eux faire fait faudrait faut fois font hein ici il ils j je jusqu l la le les leur leurs lors lui
    m ma mais me meme merci mes moi moins mon n ne ni non nos notre nous on ont ou oui par parce pas peu
    peut peuvent peux plus pour pourquoi pourrait pourriez pouvez pouvons pouvoir puis puisque qu quand
    que quel quelle quelles quels qui quoi s sa sans se selon ses si sien soit sommes son sont sous suis
    sur t ta te tes toi ton tous tout toute toutes tres tu un une unes uns vers voila vos votre vous vu
    y cas svp plait salut bonjour madame monsieur cordialement question questions savoir voudrais
    voudrions souhaite souhaiterais souhaiterions aimerais aimerions demande demander demandais
    renseignement renseigner information preciser precision confirmer confirmation dire indiquer
    expliquer besoin aide aider merci avance remercie exactement vraiment bien donc alors actuellement
    aujourd hui maintenant svp etablissement hopital centre hospitalier ch chu clinique service equipe
    nous notre nos patient patiente malade personne had hdj hospitalisation domicile jour cancer
    oncologie traitement experimentation dispositif forfait mois annee an ans jour semaine date cela ca
    possible possibilite droit ouvrir ouvre donner donne prevoir prevu fonctionne marche applique
    appliquer valable vaut concerne concernant cadre niveau regle regles rappel rappeler coup rapide
    petite petit docteur dr pr professeur cadre sante direction directeur directrice medecin infirmier
    infirmiere ide ars region cher chere collegue collegues tout monde premier deuxieme troisieme
    dernier derniere savoir sais sait connaitre connait vouloir veux veut voulons voulez desole excuse
    excusez pardon euh ok accord s il vous te stp s il plait merci beaucoup retour reponse repondre rep
    aller va vont allons serait seront sera serons seriez ete avoir eu fait faites faisons mettre met
    mis prendre pris prend charge prise passer passe venir vient arrive arriver adresser adresse envoyer
    envoye recevoir recu
"""
NEUTRAL_WORDS = frozenset(_NEUTRAL_TEXT.split())


@dataclass(frozen=True)
class Cue:
    """A cue after normalisation: either a phrase (consecutive tokens) or a set of words anywhere."""

    words: tuple[str, ...]
    anywhere: bool
    weight: float


def _normalise_words(text: str) -> tuple[str, ...]:
    # The same folding and stemming as the question, but no typo correction (lexicons are spelt right).
    from handlers.questions.normalize import ABBREVIATIONS

    out: list[str] = []
    for token in raw_tokens(fold(text)):
        for word in ABBREVIATIONS.get(token, token).split():
            out.append(word if word.endswith("*") else stem(word))
    return tuple(out)


def _starred(part: str) -> tuple[str, ...]:
    words = _normalise_words(part.rstrip("*"))
    return (*words[:-1], words[-1] + "*") if part.endswith("*") and words else words


def compile_cues(cues: dict[str, float]) -> tuple[Cue, ...]:
    compiled: list[Cue] = []
    for spec, weight in cues.items():
        if "&" in spec:
            words = tuple(w for part in spec.split("&") for w in _starred(part.strip()))
            compiled.append(Cue(words, True, weight))
        else:
            star = spec.endswith("*")
            words = _normalise_words(spec.rstrip("*"))
            if star and words:
                words = (*words[:-1], words[-1] + "*")
            compiled.append(Cue(words, False, weight))
    return tuple(compiled)


@cache
def compiled_topics() -> dict[str, tuple[Cue, ...]]:
    return {topic.id: compile_cues(topic.cues) for topic in TOPICS}


@cache
def compiled_against() -> dict[str, tuple[Cue, ...]]:
    return {topic.id: compile_cues(topic.against) for topic in TOPICS}


@cache
def compiled_out_of_scope() -> tuple[Cue, ...]:
    return compile_cues(OUT_OF_SCOPE)


@cache
def compiled_markers(family: Family) -> tuple[Cue, ...]:
    return compile_cues(ART51_MARKERS if family == "art51" else ART50_MARKERS)


@cache
def compiled_intents() -> dict[Intent, tuple[Cue, ...]]:
    return {intent: compile_cues(dict.fromkeys(cues, 1.0)) for intent, cues in INTENT_CUES.items()}


# Acronyms the glossary templates explain (questions.glossary.<word>): vocabulary, not rules.
GLOSSARY = (
    "had", "hdj", "tmsc", "ars", "dgos", "mig", "fir", "fiss", "cpom", "finess", "ami", "smr", "mco", "nir",
    "espic", "clcc", "has", "lfss",
)  # fmt: skip

_DEFINITION_CUES = ("c est quoi", "veut dire", "signifie", "definition", "qu est ce", "signification", "quoi")


@cache
def compiled_definition_cues() -> tuple[Cue, ...]:
    return compile_cues(dict.fromkeys(_DEFINITION_CUES, 1.0))


@cache
def ordinary() -> frozenset[str]:
    """Everyday words understood as they are (never bent into a lexicon word, never counted unknown)."""
    return frozenset(ORDINARY_WORDS | {stem(w) for w in ORDINARY_WORDS})


@cache
def vocabulary() -> frozenset[str]:
    """Every word the lexicons know (stemmed): targets of typo correction, and what counts as understood."""
    words: set[str] = set(NEUTRAL_WORDS) | {stem(w) for w in NEUTRAL_WORDS}
    groups: list[Iterable[Cue]] = [*compiled_topics().values(), compiled_out_of_scope()]
    groups += [compiled_markers("art50"), compiled_markers("art51"), *compiled_intents().values()]
    for cues in groups:
        for cue in cues:
            words.update(w for w in cue.words if not w.endswith("*") and not w.isdigit())
    return frozenset(words)


@cache
def prefixes() -> tuple[str, ...]:
    """The stems of starred cues ("pediatri*"): a word starting so is understood."""
    groups: list[Iterable[Cue]] = [*compiled_topics().values(), compiled_out_of_scope()]
    found = {w[:-1] for cues in groups for cue in cues for w in cue.words if w.endswith("*") and len(w) > 4}
    return tuple(sorted(found))


def _token_matches(pattern: str, token: str) -> bool:
    return token.startswith(pattern[:-1]) if pattern.endswith("*") else token == pattern


def matches(cue: Cue, tokens: Sequence[str]) -> bool:
    if not cue.words:
        return False
    if cue.anywhere:
        return all(any(_token_matches(w, t) for t in tokens) for w in cue.words)
    n = len(cue.words)
    for start in range(len(tokens) - n + 1):
        if all(_token_matches(w, tokens[start + i]) for i, w in enumerate(cue.words)):
            return True
    return False


def score(cues: Iterable[Cue], tokens: Sequence[str]) -> tuple[float, list[str]]:
    total = 0.0
    hits: list[str] = []
    for cue in cues:
        if matches(cue, tokens):
            total += cue.weight
            hits.append(" ".join(cue.words))
    return total, hits


def intents(tokens: Sequence[str]) -> set[Intent]:
    return {intent for intent, cues in compiled_intents().items() if score(cues, tokens)[0] > 0}
