"""Synonym families and irregular word forms, folded onto the one word the lexicons use.

The lexicons name each concept once ("cloture", "publication", "rapport d activite", "mettre"). People name
it a dozen ways ("fermait", "parution", "bilan d'activité", "on met"). Rather than list every variant in every
topic, the variant is rewritten to the family's canonical word before scoring, the same way for the question
and for the cues, so that a cue written once recognises the whole family.

`WORDS` maps single (accent-free, lowercase) tokens; `PHRASES` are regular expressions on the folded text for
multi-word variants. Only words that mean the same thing in every context of these questions belong here: a
word with another sense elsewhere ("sortie", a patient leaving HAD, is not "published") stays out.
"""

from __future__ import annotations

import re

WORDS: dict[str, str] = {
    # closing a call: "le dépôt fermait le 16", "clôture", "clos"
    "fermait": "cloture", "fermer": "cloture", "fermee": "cloture", "fermees": "cloture",
    "fermeture": "cloture", "fermera": "cloture", "fermaient": "cloture", "clore": "cloture",
    "clos": "cloture", "close": "cloture", "closes": "cloture",
    # « c'est plié ? »: over
    "plie": "fini", "pliee": "fini",
    # publishing a text or a list
    "parution": "publication", "parutions": "publication", "paru": "publie", "parue": "publie",
    "parus": "publie", "parues": "publie",
    # irregular verbs the lemma rules cannot reach
    "met": "mettre", "mets": "mettre", "mettent": "mettre", "mettons": "mettre", "mettez": "mettre",
    "contient": "contenir", "contiennent": "contenir", "contenait": "contenir", "contiendra": "contenir",
    "prennent": "prendre", "prenons": "prendre", "prenez": "prendre",
    "envoie": "envoyer", "envoient": "envoyer", "envoies": "envoyer", "enverra": "envoyer",
    "enverrons": "envoyer", "transmet": "transmettre", "transmettent": "transmettre",
    "transmission": "envoi", "transmissions": "envoi",
    # putting an entry right
    "rectifier": "corriger", "rectifie": "corriger", "rectifiee": "corriger", "rectification": "correction",
    # a payment made by bank transfer
    "virement": "versement", "virements": "versement",
    "obtient": "toucher", "obtiennent": "toucher", "obtiendra": "toucher", "obtiendrons": "toucher",
    # paying an establishment: remunerate / valorise are the same act as "payer" here
    "remunere": "paye", "remuneree": "paye", "remunerer": "payer", "remunerons": "paye",
    "valorise": "valorisation", "valoriser": "valorisation", "valorisee": "valorisation",
    # monthly instalments are the monthly forfait; people of a region name it
    "mensualite": "mensuel", "mensualites": "mensuel",
    "francilien": "ile de france", "franciliens": "ile de france", "francilienne": "ile de france",
    "franciliennes": "ile de france",
    # a child, told familiarly; paediatrics, clipped
    "gamin": "enfant", "gamine": "enfant", "gamins": "enfant", "gamines": "enfant", "gosse": "enfant",
    "gosses": "enfant", "mome": "enfant", "momes": "enfant", "pedia": "pediatrie", "pedo": "pediatrie",
    # cumulating two forfaits
    "cumule": "cumul", "cumuler": "cumul", "cumulable": "cumul", "cumulables": "cumul", "cumulent": "cumul",
}  # fmt: skip

# Multi-word variants, on the folded text (no accents, lowercase); each becomes the canonical phrase.
PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # asking "when": "à quel moment", "jusqu'à quelle date", "avant quelle date"
        (r"\ba\s+quel\s+moment\b", " quand "),
        # « l'hôpital à domicile », « l'hospitalisation à domicile »: the HAD, as a newcomer says it
        (r"\b(?:hopital|hospitalisation|hospitalisations)\s+a\s+domicile\b", " had "),
        # « la prime », « le bonus » of the experiment: the forfait, as a newcomer says it
        (r"\b(?:la|le|une|un|cette|ce|cet|de|du)\s+(?:prime|bonus)\b", " le forfait "),
        # « la DL AMI HDF », « DL candidature »: the deadline (written by the folded text: « dl »)
        (r"\bdl\b", " date limite "),
        (r"\bjusqu\s*'?\s*a\s+quelle?\s+(?:date|jour)\b", " jusqu a quand "),
        (r"\bavant\s+quelle?\s+(?:date|jour)\b", " jusqu a quand "),
        (r"\bdepuis\s+quelle?\s+(?:date|jour)\b", " depuis quand "),
        (r"\ba\s+partir\s+de\s+quelle?\s+(?:date|jour)\b", " a partir de quand "),
        # « à quelle date l'expérimentation a-t-elle démarré ? » asks when, as « quand » does; the words stay
        # for what tells a date apart (« à quelle date précise sera-t-elle versée ? »)
        (r"\ba\s+quelle?\s+date\b", " quand quelle date "),
        # « une clinique relevant du e) de l'article L.162-22 »: the category of that letter
        (r"\b(?:du|au|le|la|categorie)\s+([a-e])\s*\)", r" categorie \1 "),
        # « on a zappé octobre, c'est mort ? »: too late (a patient's death is told so: « il est mort »)
        (r"\bc\s*(?:'?\s*est\s+)?mort\b", " c est trop tard "),
        # « lui couper l'accès », « supprimer son accès »: the access withdrawn, as the bot's help says it
        (
            r"\b(?:couper|coupe|supprimer|supprime|enlever|enleve|desactiver|bloquer|fermer|revoquer)"
            r"\s+(?:l\s*'?\s*|son\s+|ses\s+|leur\s+|les\s+)?acces\b",
            " retirer l acces ",
        ),
        # « un patient qu'on envoie en HAD »: referred to the HAD, as the texts say it
        (r"\benvo\w*\s+(?:en|a\s+l|a\s+la|vers\s+l)\s*had\b", " adresse en had "),
        # « notre établissement rentre dans les clous ? »: whether it is eligible
        (r"\b(?:rentr|entr)\w*\s+(?:dans|ds)\s+les\s+clous\b", " est eligible "),
        # « à la maison » is at home, as the lexicons say it
        (r"\ba\s+la\s+maison\b", " a domicile "),
        # reports: a "compte rendu" or "bilan d'activité" is a report
        (r"\bcomptes?[\s-]+rendus?\b", " rapport "),
        (r"\bbilans?\s+d\s*'?\s*activites?\b", " rapport d activite "),
        # « le bilan de suivi », « le bilan initial »: the evaluation reports (« bilan » alone is a command)
        (r"\bbilans?\s+(de\s+suivi|initial|intermediaire|a\s+un\s+an)\b", r" rapport \1 "),
        # "qui a le droit de candidater" asks who may
        (r"\b(?:a|ont|avons|avez|ai|aurait|aurions|auraient)\s+le\s+droit\s+d\s*e?\s*'?", " peut "),
        # "c'est quoi les engagements quand on candidate": after another question word, "quand" + subject is
        # the conjunction ("if/when we apply"), not a question about a date.
        (
            r"\b(quoi|comment|combien|qui|quel\w*|faut[\s-]+il)\b(.*?)\bquand\s+(on|nous|vous|il|elle|ils|elles)\b",
            r"\1\2 si \3",
        ),
        # "à combien s'élève le forfait", "les sommes s'élèvent à": the amount is
        (r"\bs\s*'?\s*elevent\b", " sont "),
        (r"\bs\s*'?\s*eleve\b", " est "),
        # "l'HAD se fait payer comment": being paid
        (r"\bse\s+fait\s+payer\b", " est paye "),
        (r"\bse\s+font\s+payer\b", " sont paye "),
    )
)


def rewrite_phrases(folded: str) -> str:
    for pattern, replacement in PHRASES:
        folded = pattern.sub(replacement, folded)
    return folded
