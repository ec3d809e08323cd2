"""Yes/no questions that state a value: « le forfait mensuel c'est 150 € ? » is answered « Non » first.

A knowledge entry declares which value it can check (`premise: {amount: param.monthly_amount}`); when a
question asks yes or no (no « combien », « quand », « qui »…) and states exactly one value of that kind, the
value is compared with the parameter and the verdict opens the answer, citing the parameter. Kinds:

- `amount`: a sum in euros (« 150 € », « 150 euros », « 1 500 € », a bare number after « forfait »);
- `monthly`: a sum in euros said to be paid each month (« on touche 320 € par mois ? »), checked against
  the fee of each month, whichever entry the question lands on;
- `years`: a duration in years (« 5 ans »);
- `months`: a delay in months (« on a 6 mois pour déclarer un changement ? »);
- `count`: a number of establishments or sites (« 10 établissements max »);
- `year`: a year (« ça finit en 2027 ? »);
- `date`: a day or a month of a year (« elle s'arrête fin décembre 2027 ? », « démarrée le 5 février
  2025 ? »), compared at the precision stated (« fin », « début », « mi » narrow a month);
- `payee`: who is paid (« c'est la HAD qui touche le forfait ? »): the reference names the fact;
- `recipients`: who a report is sent to (« on l'envoie juste à l'ARS ? »): the bodies named after « à »,
  « Oui » when they are all of them, « Non » when one is not or « juste », « seulement » leaves one out;
- `route`: a drug of rules/data/drugs named (« capecitabine … ça ouvre le forfait ? ») or a route said (« une
  immunothérapie en sous-cutané compte ? »): in scope when every route read is non-oral, out when every one
  is oral; two routes, a mixed drug with no route said, or a question asking whether it is excluded: none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from handlers.questions.knowledge import Entry, resolve
from handlers.questions.slots import find_regions
from handlers.questions.topics import Cue, asked_words, compile_cues, score
from rules.drugs import load_drugs
from rules.month import Month
from rules.parameters import Parameters

# A question with one of these words asks for the value rather than stating it.
_OPEN_WORDS = frozenset(
    [
        "combien",
        "quel",
        "quelle",
        "quels",
        "quelles",
        "quand",
        "comment",
        "qui",
        "pourquoi",
        "quoi",
        "lequel",
        "laquelle",
        "lesquels",
    ]
)
_YEAR_WORDS = frozenset({"an", "ans", "annee", "annees"})
_MONTH_WORDS = frozenset({"mois"})
_EURO_WORDS = frozenset({"euro", "euros", "eur", "€", "e", "balle", "balles"})
# Words by which a count is said to be the cap itself (« 8 établissements max par région ? »).
_AS_A_CAP = frozenset({"max", "maxi", "maximum", "plafond", "plafonne", "limite", "limitee", "quota"})
_SITE_WORDS = frozenset({"etablissement", "site", "centre", "structure", "hopital", "candidat", "maximum"})
_PAYEES: dict[str, str] = {"had": "had"} | dict.fromkeys(
    ("etablissement", "hopital", "ch", "chu", "clcc"), "establishment"
)
_PAY_VERBS = frozenset(
    [
        "touche",
        "toucher",
        "touchent",
        "percoit",
        "percevoir",
        "percoivent",
        "verse",
        "versee",
        "facture",
        "facturer",
        "facturent",
        "paye",
        "payee",
        "encaisse",
        "encaisser",
        "beneficiaire",
        "touchon",
        "percevon",
        "encaisson",
        "facturon",
    ]
)


@dataclass(frozen=True)
class Premise:
    entry: str
    kind: str
    holds: bool
    stated: Any
    actual: Any
    reference: str
    precision: str = "day"  # « month »: a date the texts give as a month only (« en juillet 2025 »)
    named: bool = False  # one of an entry's several dates, the one of the step the question names


# The value must be what the question says of its subject (« c'est 150 € ? », « dure 5 ans »), not part of
# the subject (« le forfait de 320 c'est chaque mois ? » asks about the months, not the amount).
# Verbs that raise an amount to a value (« ça peut monter à 400 ? », « la prime peut-elle être portée à
# 400 € ? », « relever le forfait à 150 »).
_RAISES = frozenset(
    {
        "monter",
        "porter",
        "porte",
        "portee",
        "relever",
        "releve",
        "revaloriser",
        "revalorise",
        "passer",
        "augmenter",
    }
)
# « on touche bien 320 € le 1er mois ? », « on touche les 320 € ? »: what is received, put to the test.
_RECEIVE_VERBS = frozenset(
    {"touche", "toucher", "touchent", "touchon", "percoit", "percevoir", "percoivent", "percevon", "encaisse",
     "encaisser", "encaisson"}
)  # fmt: skip
# « on facture 320 € chaque mois par patient c ça ? »: billed is received, for the asker; not a product
# (« on facture 2x120 par mois ? » claims a fee per session, answered by its own entry).
_BILL_VERBS = frozenset({"facture", "facturer", "facturent", "facturon"})
_PREDICATE_BEFORE = _RAISES | frozenset(
    [
        "est",
        "c",
        "fait",
        "font",
        "vaut",
        "valent",
        "dure",
        "durent",
        "dura",
        "a",
        "plafonne",
        "plafonnee",
        "limite",
        "limitee",
        "max",
        "maximum",
        "pendant",
        "sur",
        "seulement",
        "egal",
        "egale",
        "que",
        "sont",
        "serait",
        "sera",
        # « la date limite c'était bien le 16 mai ? »: the past tense puts the value to the test as well
        "etait",
        "etaient",
        "en",
        "fin",
        "finit",
        "termine",
        "jusqu",
        # « l'ARS peut prendre 12 établissements ? »: the count put to the test
        "prendre",
        # (« le forfait d'inclusion ça peut monter à 400 ? », « portée à 400 € »: _RAISES, below)
        "atteindre",
        # « on peut être 15 établissements retenus en Normandie ? »
        "etre",
        "retenir",
        "selectionner",
        # « juste pour confirmer : 120 € pour chaque mois suivant, c'est bien ça ? »
        "confirmer",
        # « le plafond c'est 4 fois le mensuel soit 480 euros ? »: the value the premise comes to
        "soit",
        *_RECEIVE_VERBS,
    ]
)
_SKIPPED_BEFORE = frozenset(
    {"bien", "de", "d", "environ", "exactement", "toujours", "a", "au", "plus", "donc"}
)


def _predicate(tokens: tuple[str, ...], start: int) -> bool:
    i = start - 1
    while i >= 0 and tokens[i] in _SKIPPED_BEFORE:
        if tokens[i] == "a" and i > 0 and tokens[i - 1] in {"plafonne", "plafonnee", "limite", "limitee"}:
            return True
        i -= 1
    if i >= 0 and tokens[i] in _FEE_NOUNS:
        # « porter notre forfait d'inclusion à 400 € », « convenir avec l'ARS d'un forfait d'inclusion à
        # 400 € »: a verb that sets the amount, then the fee it sets, then the amount.
        return any(tokens[k] in _SETS_AMOUNT for k in range(max(0, i - 8), i))
    return i >= 0 and tokens[i] in _PREDICATE_BEFORE


def _billed(tokens: tuple[str, ...], start: int) -> bool:
    i = start - 1
    while i >= 0 and tokens[i] in _SKIPPED_BEFORE:
        i -= 1
    return i >= 0 and tokens[i] in _BILL_VERBS


_FEE_NOUNS = frozenset({"inclusion", "mensuel", "forfait"})
_TOTAL_WORDS = frozenset({"total", "tout", "cumul", "cumule", "somme"})
_GAP_WORDS = frozenset({"moins", "difference", "ecart", "diff", "delta"})
_SUM_VERBS = frozenset({"fait", "font", "ferait", "feraient", "donne", "donnerait"})


def _a_total(tokens: tuple[str, ...], first: int, last: int) -> bool:
    """Whether a sum is said as the total of a case (« … chaque mois pendant 6 mois, ça fait bien 1000 € ? »,
    « 920 € au total ? »): a total is the computation's to check, never a fee's (« Non : c'est 120 € » of a
    total of 920 € was a confident wrong answer). « le forfait d'inclusion ça fait 150 € ? » names its fee."""
    before = tokens[max(0, first - 4) : first]
    after = tokens[last + 1 : last + 4]
    if _FEE_NOUNS & set(before) or _GAP_WORDS & set(tokens[max(0, first - 8) : first]):
        return False  # (« tarif HDJ moins tarif HAD ça fait 95 € »: the gap that caps the monthly fee)
    return bool(_TOTAL_WORDS & set(before) or _TOTAL_WORDS & set(after) or _SUM_VERBS & set(before[-3:]))


_SETS_AMOUNT = _RAISES | frozenset({"convenir", "negocier", "fixer"})


def _numbers(tokens: tuple[str, ...]) -> list[tuple[int, int, Decimal]]:
    """(index of the first and last token, value) for each number, gluing "1 500" into 1500."""
    found: list[tuple[int, int, Decimal]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.isdigit() and len(tok) <= 7:
            value, j = tok, i
            # (« 4x120 = 480 € » folds to « 4 x 120 480 euro »: two figures side by side are one number only
            # as thousands are written, « 1 500 », « 12 000 », « 120 000 », never after « x »)
            factor = i > 0 and tokens[i - 1] in {"x", "fois", "*"}
            while (
                not factor
                and j + 1 < len(tokens)
                and len(tokens[j + 1]) == 3
                and tokens[j + 1].isdigit()
                and (len(value) <= 2 or (len(value) == 3 and tokens[j + 1] == "000"))
            ):
                value += tokens[j + 1]
                j += 1
            found.append((i, j, Decimal(value)))
            i = j + 1
        else:
            i += 1
    return found


_SUBJECT_GLUE = frozenset(
    {
        "peut",
        "peuvent",
        "doit",
        "doivent",
        "va",
        "vont",
        "pourra",
        "pourrait",
        "elle",
        "il",
        "t",
        "aussi",
        "bien",
        # « c'est l'HAD qui le facture ? »: the object pronoun between the subject and its verb
        "le",
        "la",
        "les",
        "l",
        "en",
        "lui",
        "leur",
    }
)


_WRITER_HAD = re.compile(
    r"\b(?:coordo|coordinat\w*|cadre|direct\w*) (?:de l |d )?had\b|\bhad ici\b|\bcote had\b"
    # « on est l'HAD », « nous sommes une HAD », « je suis à l'HAD »
    r"|\b(?:on est|nous sommes|je suis|ici) (?:a |de )?(?:l |une |la )?had\b"
)


def _payees(tokens: tuple[str, ...]) -> list[str]:
    """Who the question says is paid: the subject of a pay verb (« c'est l'HAD qui touche », « l'HAD
    perçoit »), or its beneficiary (« versé à la HAD »); « on touche ? » asks whether, not who. An HAD
    named for another reason (« HAD pas conventionnée …, on touche quand même ? ») states no payee."""
    found: set[str] = set()
    # « coordo HAD ici : c'est bien nous qui le facturons ? »: the writer is the HAD, and « nous » is it.
    writer_had = _WRITER_HAD.search(" ".join(tokens)) is not None
    for v, token in enumerate(tokens):
        # (« on a droit au forfait nous aussi ? », the HAD writing: being paid)
        # (« a-t-on le droit de signer avec les trois ? » is leave to act, not pay)
        droit_paid = token == "droit" and tokens[v + 1 : v + 2] not in (("de",), ("d",))
        if token not in _PAY_VERBS and not (writer_had and droit_paid):
            continue
        before = tokens[max(0, v - 4) : v]
        if writer_had and {"nous", "on"} & set(tokens[max(0, v - 4) : v + 6]):
            found.add("had")
            continue
        if before[-1:] in (("on",), ("nous",)) or tokens[v + 1 : v + 3] == ("t", "on"):
            continue  # « on touche quand même ? » asks whether, in the case told, not who is paid
        # « la HAD peut-elle facturer », « l'HAD va toucher »: the subject before a modal and its pronoun.
        k = v - 1
        while k >= 0 and v - k <= 4 and tokens[k] in _SUBJECT_GLUE:
            k -= 1
        if k >= 0 and tokens[k] in _PAYEES:
            found.add(_PAYEES[tokens[k]])
        elif k >= 1 and tokens[k] == "qui" and tokens[k - 1] in _PAYEES:
            found.add(_PAYEES[tokens[k - 1]])
        elif k >= 1 and tokens[k] == "qui" and token in _RECEIVE_VERBS and _we_are_the_subject(tokens, k):
            # « c'est bien nous (l'étab adresseur) qui touchons les 320 € ? »: the writer, not the HAD (an HAD
            # writing is read above), is the one who receives.
            found.add("establishment")
        elif (k >= 1 and tokens[k] == "qu" and tokens[k + 1] in ("elle", "il")) or (
            k >= 1 and tokens[k] == "qui" and tokens[k - 1] in ("elle", "lui", "eux", "elles")
        ):
            # « l'HAD nous explique qu'elle percevra le forfait », « l'HAD me dit que c'est elle qui touche »:
            # the pronoun stands for the payee named just before, of its gender first (« l'HAD (partenaire de
            # 2 établissements) demande si c'est bien elle qui facture »: « elle » is the HAD).
            pronoun = tokens[k + 1] if tokens[k] == "qu" else tokens[k - 1]
            named = [t for t in tokens[max(0, k - 24) : k] if t in _PAYEES]
            agreeing = [t for t in named if (t == "had") == (pronoun in {"elle", "elles"})]
            if agreeing or named:
                found.add(_PAYEES[(agreeing or named)[-1]])
        # (« versé directement à l'HAD »: the adverb between the verb and its beneficiary is skipped)
        after = tuple(t for t in tokens[v + 1 : v + 6] if t not in _MANNER)[:3]
        if after[:1] in (("a",), ("au",), ("aux",)) and any(t in _PAYEES for t in after):
            found.add(next(_PAYEES[t] for t in after if t in _PAYEES))
    return sorted(found)


_PRONOUNS = frozenset({"il", "elle", "ils", "elles", "eux", "lui"})
_MANNER = frozenset({"directement", "bien", "plutot", "uniquement", "seulement", "aussi", "alors", "donc"})


def _we_are_the_subject(tokens: tuple[str, ...], k: int) -> bool:
    """« c'est bien nous (l'étab adresseur) qui touchons »: « c'est nous » before the « qui » at k, no other
    pronoun between (« l'HAD nous dit que c'est elle qui touche » is the HAD)."""
    for j in range(k - 1, max(0, k - 8), -1):
        if tokens[j] in _PRONOUNS:
            return False
        if tokens[j] == "nous" and tokens[j - 1] in {"est", "bien", "c"}:
            return True
    return False


# Those a report may be sent to, as the question names them (folded) and as the facts write them.
# (« dgos » folds to « dgo », as a plural)
_RECIPIENTS = {"ars": "ARS", "dgos": "DGOS", "dgo": "DGOS", "cnam": "CNAM", "cpam": "CPAM", "drees": "DREES",
               "atih": "ATIH", "ministere": "ministère", "had": "HAD", "has": "HAS",
               "parlement": "Parlement"}  # fmt: skip
# (not « que » alone: « est-ce que … » restricts nothing; « qu'à l'ARS » does)
_ONLY = frozenset({"juste", "seulement", "uniquement", "exclusivement"})
_SENT_TO = frozenset({"a", "au", "aux", "l", "la", "le", "les", "et", "ou"})


def _recipients(tokens: tuple[str, ...]) -> tuple[frozenset[str], bool]:
    """Who the question says a report goes to (« on l'envoie juste à l'ARS ? »: ARS, and only it): the bodies
    named after « à », and whether a word restricts to them."""
    named: set[str] = set()
    for k, token in enumerate(tokens):
        if token in _RECIPIENTS and k > 0 and tokens[k - 1] in _SENT_TO:
            j = k - 1
            while j >= 0 and k - j <= 3 and tokens[j] in _SENT_TO - {"a", "au", "aux"}:
                j -= 1
            if j >= 0 and tokens[j] in {"a", "au", "aux"}:
                named.add(_RECIPIENTS[token])
    only = bool(_ONLY & set(tokens)) or any(
        tokens[k] in {"qu", "que"} and tokens[k + 1] in {"a", "au", "aux"} for k in range(len(tokens) - 1)
    )
    return frozenset(named), only


@dataclass(frozen=True)
class StatedDate:
    """A day (« le 5 février 2025 ») or a month (« fin décembre 2027 ») the question puts to the test."""

    year: int | None  # None: « le 31 mai », the day of a year the question leaves to its context
    month: int
    day: int | None = None
    part: str | None = None  # « debut » | « mi » | « fin » of the month

    def matches(self, actual: date) -> bool:
        if actual.month != self.month or (self.year is not None and actual.year != self.year):
            return False
        if self.day is not None:
            return actual.day == self.day
        return {"debut": actual.day <= 10, "mi": 10 <= actual.day <= 20, "fin": actual.day >= 20}.get(
            self.part or "", True
        )


_DATE_PREDICATE = _PREDICATE_BEFORE | frozenset(
    {"demarre", "demarree", "commence", "commencee", "debute", "arrete", "arretee", "finit", "fini", "finie",
     "termine", "terminee", "cloture", "clos", "close", "lance", "lancee", "ouvert", "ouverte", "avant",
     # « le rapport initial est à rendre pour le 1er septembre 2026 ? », « à envoyer le 1er septembre ? »
     "pour", "rendre", "remettre", "envoyer", "transmettre", "deposer", "prevu", "prevue", "attendu",
     # « j'ai noté le 5 février 2027, est-ce exact ? »: the date the writer holds, put to the test
     "note", "compris"}
)  # fmt: skip
_DATE_SKIPPED = frozenset(
    {"le", "au", "du", "a", "en", "bien", "donc", "s", "partir", "compter", "courant", "aussi", "vraiment"}
)
_MONTH_PARTS = {"debut": "debut", "mi": "mi", "fin": "fin", "milieu": "mi"}


def _until_month(tokens: tuple[str, ...], at: int) -> bool:
    """« on a jusqu'à décembre ? », « avant fin novembre ? »: a month alone put as a limit is put to the test
    (« en mai » is not: it may tell the case)."""
    k = at - 1
    while k >= 0 and tokens[k] in {"a", "en", "au", "fin", "debut", "mi"}:
        k -= 1
    return k >= 0 and tokens[k] in {"jusqu", "avant"}


def _numeric_day(tokens: tuple[str, ...], i: int) -> tuple[int, int] | None:
    """(day, month) when tokens i-1, i are a day and a month in figures (« 16 05 »), none of them a year and
    no figure glued after them (« 16 05 2025 » is read by the year path)."""
    if i < 1 or not (tokens[i].isdigit() and tokens[i - 1].isdigit()):
        return None
    if len(tokens[i]) > 2 or len(tokens[i - 1]) > 2 or (i + 1 < len(tokens) and tokens[i + 1].isdigit()):
        return None
    day, month = int(tokens[i - 1]), int(tokens[i])
    if i >= 2 and tokens[i - 2].isdigit():
        return None  # « 1 500 02 »: part of a longer figure
    return (day, month) if 1 <= day <= 31 and 1 <= month <= 12 else None


_DOCUMENT_NOUNS = frozenset(
    {"decret", "arrete", "loi", "circulaire", "instruction", "courrier", "mail", "message", "note", "reunion"}
)
# Before a month alone, what puts it as a date (« c'est en septembre ? », « pour juillet ? »).
_MONTH_PUT = frozenset({"en", "pour", "au", "mois", "courant", "ici", "fin", "debut", "mi", "milieu"})


def _dates(tokens: tuple[str, ...], loose: bool = False) -> list[StatedDate]:
    """Each « [le] [5|premier] février 2025 » / « fin décembre 2027 » told as what the subject is (a predicate
    before it: « a démarré le … », « s'arrête fin … », « c'est le … »), not as context (« le décret est daté
    du 5 février 2025 »). `loose`: every date told, a month alone after « en »/« pour »… included (the
    question names the very step the date belongs to: premise_asks)."""
    from handlers.questions.timeline import MONTH_NAMES

    found: list[StatedDate] = []
    for i, tok in enumerate(tokens):
        numeric = _numeric_day(tokens, i)
        if numeric is not None:
            # « c'est le 16/05 ? » (« 16 05 » once folded): a day and a month in figures
            j = i - 2
            while j >= 0 and tokens[j] in _DATE_SKIPPED:
                j -= 1
            if loose or (j >= 0 and tokens[j] in _DATE_PREDICATE):
                found.append(StatedDate(None, numeric[1], numeric[0]))
            continue
        year: int | None = None
        if tok.isdigit() and len(tok) == 4 and 2000 <= int(tok) <= 2100 and i > 0:
            year, month_at = int(tok), i - 1
        elif tok in MONTH_NAMES and not (i + 1 < len(tokens) and tokens[i + 1].isdigit()):
            month_at = i  # « le 31 mai »: a day without its year (its year is not put to the test)
        else:
            continue
        month = MONTH_NAMES.get(tokens[month_at])
        if month is None and year is not None:
            # « le 31/12/2027 » (« 31 12 2027 » once folded): a day and a month in figures, then the year
            figures = tokens[month_at - 1 : month_at + 1] if month_at >= 1 else ()
            both = len(figures) == 2 and all(f.isdigit() and len(f) <= 2 for f in figures)
            glued = month_at >= 2 and tokens[month_at - 2].isdigit()  # « 1 500 12 2027 »: a longer figure
            if both and not glued and 1 <= int(figures[0]) <= 31 and 1 <= int(figures[1]) <= 12:
                month = int(figures[1])
        if month is None:
            continue
        k = month_at - 1
        day: int | None = None
        if k >= 0 and (tokens[k] == "premier" or (tokens[k].isdigit() and 1 <= int(tokens[k]) <= 31)):
            day = 1 if tokens[k] == "premier" else int(tokens[k])
            k -= 1
        put = loose and month_at > 0 and tokens[month_at - 1] in _MONTH_PUT
        if year is None and day is None and not (_until_month(tokens, month_at) or put):
            continue  # a month alone (« en mai ») is no date put to the test
        part = _MONTH_PARTS.get(tokens[k]) if k >= 0 and day is None else None
        if part is not None:
            k -= 1
        # The predicate: « fin » is one itself (« ça finit fin 2027 » aside); skipped words lead to the verb.
        j = k
        while j >= 0 and tokens[j] in _DATE_SKIPPED:
            j -= 1
        if loose and j >= 0 and tokens[j] in _DOCUMENT_NOUNS:
            continue  # « le décret du 5 février » names a text by its date: context, not the step's date
        if loose or part == "fin" or (j >= 0 and tokens[j] in _DATE_PREDICATE):
            found.append(StatedDate(year, month, day, part))
    return found


_CHECKED_AFTER = (("c", "est", "bien"), ("c", "est", "ca"), ("c", "bien"))
# A question that closes by putting what it says to the test (« …, je confirme ? », « … c bien ça ? »).
_CLOSING_CHECKS = (
    ("je", "confirmer"),
    ("confirmer",),
    ("c", "bien", "ca"),
    ("c", "est", "bien", "ca"),
    ("c", "est", "ca"),
    ("c", "ca"),
    ("exact",),
    ("correct",),
)
# A closing that puts the whole sentence to the test (« après le 1er mois on a 120 € par mois …, juste ? »):
# a sum in euros in it is the value checked (not after « vous confirmez ? », which may confirm who is paid).
_SENTENCE_CHECKS = (("juste",), ("c", "est", "juste"), ("c", "est", "correct"), ("c", "est", "exact"))


_HEARD = frozenset({"dit", "entendu", "lu", "parait", "paraitrait"})


def stated(kind: str, tokens: tuple[str, ...]) -> list[Any]:
    """The values of `kind` the question states."""
    out: list[Any] = []
    if kind == "payee":
        return _payees(tokens)
    if kind == "recipients":
        named, only = _recipients(tokens)
        return [(named, only)] if named else []
    if kind == "date":
        return sorted(set(_dates(tokens)), key=lambda d: (d.year or 0, d.month, d.day or 0))
    if _ALTERNATIVE.search(" ".join(tokens)):
        return []  # « 150 ou 120 € ? » offers two values: no single one is put to the test
    closed = any(tokens[-len(phrase) :] == phrase for phrase in _CLOSING_CHECKS)
    sentence_checked = any(tokens[-len(phrase) :] == phrase for phrase in _SENTENCE_CHECKS)
    closed = closed or sentence_checked
    # (« je confirme à ma cheffe : 120 €/mois à partir du 2e mois ? »: put to the test from the start)
    opened = tokens[:2] == ("je", "confirmer")
    for first, index, value in _numbers(tokens):
        times = first >= 2 and tokens[first - 1] == "fois" and tokens[first - 2].isdigit()
        if kind == "amount" and times:
            value *= int(tokens[first - 2][:3])  # « 3x320 » (« 3 fois 320 ») states 960
        # (a delay is put « dans les 3 mois », « sous 6 mois », « on a 6 mois »)
        # (« on avait six mois pour le signaler », « nous disposons de 6 mois »: a delay one has)
        delay = kind == "months" and first > 0 and tokens[first - 1] in _DELAY_BEFORE
        # (« 1er mois à dom = 320e c bien ça ? »: the value, then « c'est bien » that puts it to the test)
        checked_after = any(
            tokens[start : start + len(phrase)] == phrase
            for phrase in _CHECKED_AFTER
            for start in (index + 1, index + 2)
        )
        # (« forfait mensuel = 120 e pour chaque mois …, je confirme ? »: the « = » is not kept; the value
        # right after its fee, in a question that closes by putting what it says to the test)
        # (one figure only: « inclusion (3 × 120 €) » folds to « inclusion 3 120 », no amount of 3 120)
        named_fee = closed and first == index and first > 0 and tokens[first - 1] in _FEE_NOUNS
        # (a sum in euros said in a question opened by « je confirme » or closed by « juste ? »: the value
        # put to the test)
        in_euros = (
            (opened or sentence_checked)
            and first == index
            and index + 1 < len(tokens)
            and tokens[index + 1] in _EURO_WORDS
        )
        # (« 10 établissements max retenus par région c'est ça ? »: opened on the value, closed by its check)
        opening_value = closed and first == 0
        # (« on m'a dit vingt établissements max par région, exact ? »: the value heard, then put to the test)
        opening_value = opening_value or (closed and first > 0 and tokens[first - 1] in _HEARD)
        if not (
            delay
            or checked_after
            or named_fee
            or in_euros
            or opening_value
            or _predicate(tokens, first - 2 if kind == "amount" and times else first)
            or (not times and _billed(tokens, first))
        ):
            continue
        after = tokens[index + 1] if index + 1 < len(tokens) else ""
        before = tokens[first - 1] if first > 0 else ""
        # (« donc 360 max c ça ? »: a bare sum put as a cap)
        bare = (
            after in ("", "par", "pour", "le", "la", "ou", "et", "si", "max", "maximum", "maxi")
            and 20 <= value < 1900
        )
        amount = (after in _EURO_WORDS or bare) and not _a_total(tokens, first, index)
        wanted = {
            "amount": amount,
            "monthly": amount and (_per_month(tokens, index + 1) or _monthly_fee_before(tokens, first)),
            "years": after in _YEAR_WORDS,
            "months": after in _MONTH_WORDS,
            "count": after in _SITE_WORDS or before in {"maximum", "max"},
            "year": 1990 <= value <= 2100 and after not in _EURO_WORDS,
        }
        if wanted.get(kind, False):
            out.append(value)
    return out


# Before a number of months, what makes it a delay (« dans les 3 mois », « on avait six mois »).
_DELAY_BEFORE = frozenset(
    {
        "les",
        "dans",
        "sous",
        "a",
        "delai",
        "avait",
        "avons",
        "aurait",
        "aura",
        "ont",
        "avez",
        "disposons",
        "dispose",
    }
)
# « 320 € par mois », « 320 € chaque mois par patient », « 320 €/mois » (folded to « par mois »)
_PER_MONTH = (("par", "mois"), ("chaque", "mois"), ("tous", "les", "mois"), ("mensuel",), ("mensuellement",))


def _per_month(tokens: tuple[str, ...], at: int) -> bool:
    """Whether a sum ending before `at` is said to be paid each month (within the next three words)."""
    return any(
        tokens[start : start + len(phrase)] == phrase for phrase in _PER_MONTH for start in range(at, at + 3)
    )


_MONTHLY_FEE = (("forfait", "mensuel"), ("forfaits", "mensuel"), ("forfait", "de", "suivi"), ("mensualite",))
_INCLUSION_FEE = (("forfait", "d", "inclusion"), ("forfait", "inclusion"), ("forfait", "de", "inclusion"))


def _monthly_fee_before(tokens: tuple[str, ...], first: int) -> bool:
    """« le forfait mensuel versé après le mois d'inclusion est de 150 € »: the sum is the monthly fee's, its
    subject named within the twelve words before it (the inclusion fee not named in between)."""
    start = max(0, first - 12)
    window = tokens[start:first]

    def at(phrases: tuple[tuple[str, ...], ...]) -> int:
        found = [k for k in range(len(window)) for p in phrases if window[k : k + len(p)] == p]
        return max(found, default=-1)

    monthly = at(_MONTHLY_FEE)
    return monthly >= 0 and at(_INCLUSION_FEE) < monthly


def _guessed(kind: str, guess: tuple[str, ...]) -> list[Any]:
    """The value put forward at the end of a question (« … ? 15 ? »), read as the kind the entry checks: a
    bare figure is that kind; a unit said must be that kind's."""
    if kind == "date":
        return stated("date", guess)
    numbers = _numbers(guess)
    if len(numbers) != 1 or kind == "payee":
        return []
    units = set(guess[numbers[0][1] + 1 :])
    value = numbers[0][2]
    fits = {
        "amount": not units - _EURO_WORDS,
        "years": not units - _YEAR_WORDS,
        "months": bool(units) and not units - _MONTH_WORDS,
        "count": not units - {"max", "maxi", "maximum"},
        "year": not units and 1990 <= value <= 2100,
    }
    return [value] if fits.get(kind, False) else []


# « c'est la HAD qui touche ? » states who and asks yes or no: that « qui » is a relative, not a question.
_CLEFT = re.compile(
    r"\bc est (?:bien |donc |vraiment )?(?:l |la |le |les |un |une |notre |nos |mon )?\w+ qui\b"
)


_ALTERNATIVE = re.compile(r"\b\d+(?: euros?| ans?)? (?:ou|ou bien|voire) \d+\b")


# « qui » asks who only first, after a preposition or « est » (« à qui ? », « c'est qui ? »); after a noun it
# is a relative (« y a que les perf IV qui comptent ? » still asks yes or no).
_WHO_BEFORE = frozenset(
    {"a", "par", "de", "d", "pour", "avec", "aupres", "chez", "sur", "vers", "est", "et", "ou"}
)


# « l'HAD avec qui on a la convention … », « l'établissement pour qui … »: a preposition and « qui » after the
# one they name is a relative clause, no question of who.
_NAMED_BEFORE = frozenset(
    {"had", "etablissement", "structure", "clinique", "hopital", "chu", "ch", "clcc", "ars", "partenaire",
     "service", "equipe", "medecin", "personne", "agent", "collegue", "patient", "patiente", "pt"}
)  # fmt: skip


def _relative_who(tokens: tuple[str, ...]) -> bool:
    return all(
        i > 0
        and (
            tokens[i - 1] not in _WHO_BEFORE
            or (i > 1 and tokens[i - 1] != "est" and tokens[i - 2] in _NAMED_BEFORE)
        )
        for i, tok in enumerate(tokens)
        if tok == "qui"
    )


# « quand » opening a clause after another (« c'est l'HAD qui touche les 320 € quand on lui adresse un
# patient ? ») says when the case happens; it asks when only first, after « c'est », « jusqu'à », « depuis »…,
# or before « est-ce » and at the end (« on touche quand ? »).
_WHEN_ASKS_AFTER = frozenset(
    {"c", "est", "jusqu", "depuis", "partir", "de", "pour", "et", "mais", "alors", "ou"}
)
_CLAUSE_SUBJECTS = frozenset(
    {"on", "nous", "il", "elle", "ils", "elles", "je", "j", "vous", "le", "la", "les", "l", "un", "une", "ce"}
)


def _subordinate_when(tokens: tuple[str, ...]) -> bool:
    return all(
        (
            0 < i < len(tokens) - 1
            and tokens[i - 1] not in _WHEN_ASKS_AFTER
            and tokens[i + 1] in _CLAUSE_SUBJECTS
            and tokens[i + 1 : i + 3] != ("est", "ce")
        )
        or _when_then_cleft(tokens, i)
        for i, tok in enumerate(tokens)
        if tok == "quand"
    )


def _when_then_cleft(tokens: tuple[str, ...], i: int) -> bool:
    """« quand 2 HAD couvrent la commune, c'est l'ARS qui désigne ? »: « quand » opening the question, its
    case told by a noun (not « quand est-ce », « quand on touche »), then the question put as « c'est … »."""
    if i != 0 or len(tokens) < 6 or tokens[1] in _CLAUSE_SUBJECTS or tokens[1] in {"est", "c", "ce", "sera"}:
        return False
    return any(tokens[k : k + 2] == ("c", "est") for k in range(3, len(tokens) - 2))


def asks_yes_or_no(tokens: tuple[str, ...], guess: bool = False) -> bool:
    """`guess`: the question ends on a value put forward (« combien max en HDF ? 15 ? »): it asks whether
    that value is right, whatever open word came before."""
    if guess:
        return True
    words = set(tokens)
    if "qui" in words and (_CLEFT.search(" ".join(tokens)) or _relative_who(tokens)):
        words.discard("qui")
    if "quand" in words and _subordinate_when(tokens):
        words.discard("quand")
    joined = " ".join(tokens)
    if _ANY_ONE.search(joined) and joined.count("quel") == len(_ANY_ONE.findall(joined)):
        # « n'importe quelle HAD peut le prendre ? »: « quelle » there asks nothing
        words -= {"quel", "quelle", "quels", "quelles"}
    return not (_OPEN_WORDS & words) or _yes_no_then_open(tokens)


# A yes/no question by its form: a verb and its subject inverted (« devons-nous », « doivent-ils »,
# « faut-il », « y a-t-il »), or « est-ce que ».
_INVERTED = re.compile(r"\b(?:\w+ (?:ils|elles|nous|vous|il|elle|on)|est ce que|est ce qu)\b")


def _yes_no_then_open(tokens: tuple[str, ...]) -> bool:
    """« Devons-nous en informer l'ARS, et dans quel délai ? »: a yes/no question by its form, then an open
    one joined by « et »: the first is still asked yes or no (the open one gets its own answer)."""
    for k, tok in enumerate(tokens):
        if tok != "et":
            continue
        before, after = tokens[:k], set(tokens[k + 1 :])
        if _OPEN_WORDS & set(before):
            return False
        return bool(_OPEN_WORDS & after) and _INVERTED.search(" ".join(before)) is not None
    return False


_ANY_ONE = re.compile(r"\bn import\w* quel")


# Words by which a question asks whether a treatment counts for the fee (the route verdict answers only that).
_ASKS_SCOPE = frozenset(
    {"compte", "comptent", "forfait", "forfaits", "eligible", "champ", "rentre", "ouvre", "droit", "concerne",
     "concernee", "concernes", "paye", "payee", "mensuel", "inclusion", "remunere", "remuneration", "valable",
     "accepte", "autorise", "ok", "pris", "passe", "perimetre", "experimentation", "touche", "toucher",
     "exclu"}
)  # fmt: skip


# « c'est exclu ? » asks the opposite way: a yes would mean out of scope. Such questions get no route verdict.
# (« c'est de l'immuno, pas de la chimio »: a contrast, no negative question)
_NEGATIVE = re.compile(
    r"\b(?:exclu|exclure|exclus|hors|interdit|refuse)\b"
    # « … par son infirmière libérale, sans passer par l'HAD ? »: care outside the HAD is the question
    r"|\bsans (?:passer par |l )?had\b|\bliberale?s?\b"
    r"|(?<!\bou )\bpas\b(?! (?:de |d |du |une |un |en )?(?:la |l )?(?:chimio|chimiotherapie|immuno"
    r"|immunotherapie|perf|perfusion|hormono|hormonotherapie|therapie ciblee|iv|intraveineuse|sc"
    r"|sous cutane)\b)"
)


@cache
def _stated_routes() -> dict[bool, tuple[Cue, ...]]:
    drugs = load_drugs()
    return {scope: compile_cues(dict.fromkeys(words, 1.0)) for scope, words in drugs.stated.items()}


def said_routes(own_tokens: tuple[str, ...]) -> set[bool]:
    """The scopes the question's own words state (« en IV »: True; « per os »: False), drug names aside.
    « non oral » (« = TMSC non oral donc ok ? ») states the non-oral route, not the oral one."""
    tokens = tuple(
        "injectable" if tok in _ORAL_WORDS and i > 0 and own_tokens[i - 1] == "non" else tok
        for i, tok in enumerate(own_tokens)
    )
    return {scope for scope, cues in _stated_routes().items() if score(cues, tokens)[0] > 0}


_ORAL_WORDS = frozenset({"oral", "orale", "oraux", "orales"})


def routes(own_tokens: tuple[str, ...], drug_scopes: tuple[bool | None, ...]) -> list[bool]:
    """The scopes (True: non-oral, in scope) a question states: the routes of the drugs it names and those it
    says itself (« en sous-cutané », « per os »); empty when it asks whether something is excluded."""
    if (
        _NEGATIVE.search(" ".join(own_tokens))
        or not _ASKS_SCOPE.intersection(own_tokens)
        or any(tok.isdigit() and int(tok) >= 100 for tok in own_tokens)
    ):
        # (« … on touche 240 pour novembre ? », « on touche les 320 ? »: an amount is what is asked, and
        # whether the drug counts is not its answer)
        # (« sous immunothérapie IV … pouvons-nous maintenir la prochaine administration ? » asks a clinical
        # call, not whether the treatment counts: no « Oui » on the route)
        return []
    # « une immunothérapie en sous-cutané administrée à domicile compte ? »: a route said with no drug named
    # is put to the test as well.
    named = {s for s in drug_scopes if s is not None}
    said = said_routes(own_tokens)
    if named == {True} and False in said and _oral_offered(own_tokens):
        # « trastuzumab sc, ça compte ou c'est considéré comme oral ? »: the oral route is the other reading
        # offered, not one stated; the drug named is injected.
        said.discard(False)
    return sorted(named | said)


def _oral_offered(own_tokens: tuple[str, ...]) -> bool:
    """Whether every oral word comes after « ou » in the question (« … ou c'est considéré comme oral ? »)."""
    alternative = False
    for tok in own_tokens:
        if tok == "ou":
            alternative = True
        elif tok in _ORAL_WORDS and not alternative:
            return False
    return alternative and any(tok in _ORAL_WORDS for tok in own_tokens)


# « Est-ce exact ? », « Pouvez-vous me confirmer cette date ? »: a sentence that only puts the one before to
# the test
_CHECK_WORDS = frozenset(
    {"est", "ce", "c", "ca", "cela", "exact", "exacte", "vrai", "juste", "correct", "bien", "bon", "ok",
     "non", "confirmer", "confirmez", "confirme", "verifier", "pouvez", "pourriez", "vous", "me", "nous",
     "le", "la", "cette", "date", "point", "info", "information", "merci", "d", "avance", "svp"}
)  # fmt: skip
_AFTER_THE_DATE = 6  # words after a date that still close the question on it


def step_dates(tokens: tuple[str, ...], asked_tokens: tuple[str, ...] | None) -> list[StatedDate]:
    """The dates a question puts to the test of a step it names: those of its asked sentences (« on a adressé
    un patient en mai 2025, avant l'arrêté. On peut le déclarer ? » puts none), or of the whole when the
    asked one only checks what was said before it; none when an alternative follows a date (« le 16 mai
    c'était inclus ou fallait déposer avant ? »)."""
    from handlers.questions.timeline import MONTH_NAMES

    told_in = asked_tokens or tokens
    checked_before = not _dates(told_in, loose=True) and set(told_in) <= _CHECK_WORDS
    if checked_before:
        told_in = tokens
    found = _dates(told_in, loose=True)
    if not found:
        return []
    at = [i for i, t in enumerate(told_in) if t in MONTH_NAMES or _numeric_day(told_in, i)]
    after = told_in[at[-1] + 1 :]
    if after[:1] and after[0].isdigit():
        after = after[1:]  # the year
    if "ou" in after:
        return []
    # The date closes what is asked (« … c'est en septembre ? », « … au 15 juin 2025. Est-ce exact ? ») or is
    # its focus (« est-ce bien le 30 juin 2025 que l'ARS transmet … ? »); one followed by the question's own
    # clause is the case told (« on a loupé le 16 mai de 2j, on peut quand même déposer ? »).
    k = at[0] - 1
    while k >= 0 and (told_in[k] in _DATE_SKIPPED or told_in[k].isdigit() or told_in[k] == "premier"):
        k -= 1
    cleft = k >= 1 and told_in[k - 1 : k + 1] in (("est", "ce"), ("c", "est"))
    if not (checked_before or cleft) and len(after) > _AFTER_THE_DATE:
        return []
    return sorted(set(found), key=lambda d: (d.year or 0, d.month, d.day or 0))


def _premise_words(entry: Entry, kind: str, reference: str) -> tuple[str, ...]:
    return next((w for k, r, w in entry.premise_asks if k == kind and r == reference), ())


def _region_named(reference: str, tokens: tuple[str, ...], params: Parameters) -> bool:
    """Whether a region's date (« deadline.application:normandie ») is that of a region the question names;
    a national date always is."""
    regions = [part for part in reference.split(":") if part in params.regions]
    return not regions or regions[0] in find_regions(tokens, params)


def _month_only(reference: str, params: Parameters) -> bool:
    """Whether the reference is a deadline the texts give as a month only (rules/data/calendar.yaml)."""
    kind, _, key = reference.partition(".")
    found = params.deadline(key) if kind == "deadline" else None
    return found is not None and found.precision == "month"


_NATIONAL = (("toute", "la", "france"), ("france", "entiere"), ("en", "france"), ("pour", "la", "france"))


def _national(tokens: tuple[str, ...]) -> bool:
    """The question speaks of the whole country, not of a region (« pour toute la France »)."""
    if {"national", "nationale", "nationalement"} & set(tokens):
        return "region" not in tokens
    joined = f" {' '.join(tokens)} "
    return any(f" {' '.join(p)} " in joined for p in _NATIONAL) and "region" not in tokens


def check(
    entries: list[Entry],
    tokens: tuple[str, ...],
    params: Parameters,
    drug_scopes: tuple[bool | None, ...] = (),
    own_tokens: tuple[str, ...] | None = None,
    asked_tokens: tuple[str, ...] | None = None,
    guess: tuple[str, ...] = (),
    granted: tuple[str, ...] = (),
) -> Premise | None:
    """The first entry (best first) whose declared value the question states, compared with it;
    `drug_scopes`: the scope of each drug of rules/data/drugs the question names (None: mixed route),
    `own_tokens` the question's words without them, `asked_tokens` those of its asked sentences."""
    if not asks_yes_or_no(tokens, bool(guess)):
        # An open question on a value taken for granted (« vu que c'est 115 € par séance, combien pour 6 ? »):
        # the value is told wrong when it is; a right one needs no « Oui » before the answer asked.
        if not granted:
            return None
        found = check(entries, granted, params, (), granted, granted)
        return found if found is not None and not found.holds and found.kind != "route" else None
    said = tokens if own_tokens is None else own_tokens
    for entry in entries:
        for kind, reference in entry.premise:
            values: list[Any]
            words = _premise_words(entry, kind, reference)
            if words:
                # One of several dates of the entry, put to the test only when the question names its step,
                # and for a region's date only when that region is named.
                if not asked_words(words, said, params) or not _region_named(reference, said, params):
                    continue
                values = list(step_dates(tokens, asked_tokens))
            elif kind == "route":
                if entry is not entries[0]:
                    continue  # (whether the drug counts opens the answer only when it is the point asked)
                values = list(routes(said, drug_scopes))
            elif guess:
                values = _guessed(kind, guess)
            else:
                # The values the asked sentence states, when it holds a figure (« le tarif HDJ est de 410 €.
                # Si le mensuel passait à 100 €, l'inclusion pourrait-elle rester à 320 € ? »: never the 410
                # of the case told); else those of the whole question (« on nous a dit 115 €. Exact ? »).
                figures = asked_tokens is not None and any(t.isdigit() for t in asked_tokens)
                values = stated(kind, asked_tokens) if figures and asked_tokens else stated(kind, tokens)
            if len(values) != 1:
                continue
            try:
                actual = resolve(reference, params)
            except KeyError:
                continue
            if kind == "route":
                return Premise(entry.id, kind, bool(values[0]), values[0], actual, reference)
            if kind == "payee":
                holds = values[0] == "establishment"
                return Premise(entry.id, kind, holds, values[0], actual, reference)
            if kind == "recipients":
                named, only = values[0]
                ordered = [str(x) for x in actual] if isinstance(actual, list) else [str(actual)]
                listed = frozenset(ordered)
                if named == listed:
                    return Premise(entry.id, kind, True, sorted(named), ordered, reference)
                if named - listed or only:
                    # « à la CNAM ? », « juste à l'ARS ? » of a report that goes to the ARS and the DGOS: no
                    return Premise(entry.id, kind, False, sorted(named), ordered, reference)
                continue  # « il va à l'ARS ? »: one of them, no « only » said: no verdict on the rest
            if kind == "date":
                told = values[0]
                month_only = _month_only(reference, params)
                if isinstance(actual, str) and re.fullmatch(r"\d{4}-\d{2}", actual):
                    # a fact given as a month (« 2025-07 »): its last day, compared by the month
                    actual = Month.parse(actual).last_day()
                    month_only = True
                if not isinstance(actual, date) or not isinstance(told, StatedDate):
                    continue
                same_month = actual.month == told.month and told.year in (None, actual.year)
                month_told = told.day is None and told.part is None
                if month_only:
                    # « le rapport initial est à rendre pour le 1er septembre 2026 ? » of a report the texts
                    # date by its month (« en octobre »): another month is « Non »; a day or a part of the
                    # month itself is neither confirmed nor denied.
                    if same_month and not month_told:
                        continue
                    return Premise(entry.id, kind, same_month, told, actual, reference, "month", bool(words))
                if words and month_told:
                    # « le comité c'est en juin ? » of a day in June: the month is right, no day put forward
                    return Premise(entry.id, kind, same_month, told, actual, reference, named=True)
                return Premise(
                    entry.id, kind, told.matches(actual), told, actual, reference, named=bool(words)
                )
            if kind == "year" and hasattr(actual, "year"):
                actual = actual.year
            if kind == "count" and values[0] < Decimal(str(actual)) and not _AS_A_CAP & set(said):
                # « on est 6 candidats, on sera tous retenus ? »: a count under the cap is within it; only a
                # count said to be the cap itself (« 8 établissements max ? ») is put to the test.
                continue
            if kind == "count" and _national(said):
                # « max dix établissements retenus pour toute la France c ça ? »: the cap is per region
                # (calendar.yaml declares the count premise on it), so the figure said for the country is no.
                return Premise(entry.id, "national_count", False, values[0], actual, reference)
            holds = Decimal(str(actual)) == values[0]
            return Premise(entry.id, kind, holds, values[0], actual, reference)
    return None
