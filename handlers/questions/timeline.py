"""Read a question that describes a patient's months of home care into a timeline, or say it cannot.

« inclus en novembre 2025, injections de décembre 2025 à février 2026 », « janv, fév, mars, pause, juin »,
« une injection chaque mois sauf en août, jusqu'à fin novembre », « 5/01, 16/02, 30/03 », « 10 patients …
chacun », « 25 inclusions et 180 mois-patients », « mois 1 : 320, mois 2 : 120 = 700 € » all become one
`Reading`: groups of identical patients with the months that had a home administration, the months said to
have none, counts of inclusions and patient-months, and a total the user states to be checked.

The safety rule of the answerer lives here: every month, number, year, date and negation of the question must
be accounted for by one of the rules below, and nothing may contradict itself; otherwise `read` returns None
and no total is given (a person checks). A wrong total is worse than none.

Pure and linear: one tokenising pass, then passes over the tokens that look at a bounded window each.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from handlers.questions import grids
from handlers.questions.normalize import NUMBER_WORDS, fold
from rules.drugs import load_drugs
from rules.month import Month, months_between

MONTH_NAMES: dict[str, int] = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}  # fmt: skip

# "sept" is also the number seven: « sept patients », « sept mois ».
_SEVEN_BEFORE = frozenset(
    {
        "patient",
        "patients",
        "patiente",
        "patientes",
        "mois",
        "semaines",
        "semaine",
        "injections",
        "administrations",
        "inclusions",
        "jours",
        "nouveaux",
        "fois",
    }
)

_TOKEN_RE = re.compile(
    # « 2026-01 », « 2026-01-15 »: an ISO month (or day), read as the month it names.
    r"(?P<iso>(?<![\d-])(?P<iy>20\d\d)-(?P<im>0[1-9]|1[0-2])(?:-(?P<id_>0[1-9]|[12]\d|3[01]))?(?![\d-]))"
    # « 01/2026 », « 4/2026 »: a month and its year, as a spreadsheet writes it.
    r"|(?P<my>(?<![\d/])(?P<mm>0?[1-9]|1[0-2])/(?P<myy>20\d\d)(?![\d/]))"
    r"|(?P<date>(?<![\d/])(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/]))"
    # « P-0101 », « P-R1 », « P-2026-014 »: a code (a patient's), one token whatever its dashes.
    r"|(?P<id>[a-z]+-?(?:[a-z]{1,2})?\d[a-z0-9]*(?:-\d+)*)"
    r"|(?P<num>\d+)(?P<suffix>[a-z]+)?"
    r"|(?P<word>[a-z]+)"
    r"|(?P<punct>[,;.:=()€+?!\-])"
)
_QUARTER = re.compile(r"t[1-4]")


def names_quarter(word: str) -> bool:
    """« T1 » … « T4 »: a quarter of the year (never a patient's code)."""
    return _QUARTER.fullmatch(word) is not None


_ORDINAL_SUFFIXES = frozenset({"er", "ere", "re", "e", "eme", "nd", "nde"})
# « sept→dec »: an arrow joins a range as a dash does.
_DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212\u2192"})

# Words that make a month an inclusion (the month of the first home administration), or a referral day.
_INCLUSION = frozenset(
    {
        "inclus",
        "incluse",
        "inclu",
        "inclue",
        "inclusion",
        "inclusions",
        "premiere",
        "premier",
        "debut",
        "demarrage",
        "commence",
        "entree",
    }
)
_REFERRAL = frozenset({"adresse", "adressee", "adresses", "adressees", "adressage", "oriente", "orientee"})
_ADMIN = frozenset(
    {
        "injection",
        "injections",
        "inj",
        # « cycles tous les 21 j à domicile »
        "cycle",
        "cycles",
        # « traitée à la maison de février à septembre »
        "traite",
        "traitee",
        "traites",
        "traitees",
        "perfusion",
        "perfusions",
        # « patiente perfusée à dom toutes les 3 semaines »: the participle tells the care too
        "perfuse",
        "perfusee",
        "perfuses",
        "perfusees",
        "injecte",
        "injectee",
        "perf",
        "perfs",
        "admin",
        "admins",
        "adm",  # « adm a dom janv fev mars »
        "iv",  # « oxali IV à dom le 12/01 »: the route told is the administration
        "sc",
        "adms",
        "administration",
        "administrations",
        "administre",
        "administree",
        "seance",
        "seances",
        "cure",
        "cures",
        "chimio",
        "immuno",
        "passage",
        "passages",
        "fois",
        "dose",
        "doses",
        "reprise",
        # « il poursuit son traitement en HAD en mars et avril »
        "traitement",
        "poursuit",
        "poursuite",
        "repris",
        "reprend",
        "reprennent",
    }
)
_NEGATIONS = frozenset(
    {
        "sans",
        "aucun",
        "aucune",
        "rien",
        "pas",
        "jamais",
        "ni",
        "sauf",
        "hors",
        "excepte",
        "pause",
        "non",
        "manque",
        "interrompu",
        "interruption",
        "arret",
        "suspendu",
        "stop",  # « stop mai et juin (neutropénie) »
    }
)
# Events the reader does not model: a total with them would be a guess (end of care, a new referral, a stay
# in hospital, an oral drug, a death).
_DISRUPTIVE = frozenset(
    {
        "sorti",
        "sortie",
        "sortis",
        "deces",
        "decede",
        "decedee",
        "hospitalise",
        "hospitalisee",
        "hospitalisation",
        # « puis hospit en onco du 01/12 au 30/12 »: the days of a stay are no administrations
        "hospit",
        "hospi",
        "readresse",
        "readresser",
        "revient",
        "oral",
        "orale",
        "os",
        "comprime",
        "comprimes",
        "hdj",
        "hopital",
        "transfere",
        "transferee",
        "arrete",
        "stoppe",
        "interrompue",
        "jours",
        "jour",
        "re",
        "demi",
        "prorata",
        "change",
        "changement",
        "mutation",
        "demenage",
        "demenagement",
        # Care that is no systemic drug, or whose status the rules do not name: its months earn nothing sure.
        "radiotherapie",
        "radiotherapies",
        "radio",
        "curietherapie",
        "chirurgie",
        "hormonotherapie",
        "transfusion",
        "transfusions",
        # A month to come is not a month of care yet (« prochaine le 3/12 »).
        "prochaine",
        "prochain",
        "prevue",
        "prevu",
        "prevues",
        "prevus",
        "planifiee",
        "programmee",
    }
)
_PAYEE_VERBS = frozenset(
    {"touche", "toucher", "percoit", "percevoir", "percevra", "recoit", "encaisse", "facture"}
)
_PATIENTS = frozenset(
    {
        "patient",
        "patients",
        "patiente",
        "patientes",
        "malade",
        "malades",
        "personnes",
        "dossiers",
        "pts",
        "pt",
        "pte",
        "ptes",
    }
)
# (« puis » is no glue: « rien en mars, puis 7/04 » starts care again; the month after it is read on its own)
_LIST_GLUE = frozenset({",", "et", "ni", "ou", "en", "le", "la", "+"})
# « 1 perf à la mi-déc, mi-janv et mi-fév »: a part of the month before each month of a list (and « pause »)
_IN_MONTH = frozenset({"pause", "mi", "debut", "fin"})
# « une perfusion à la mi-novembre et une (autre) à la mi-décembre »: one more of the same, each month
_ONE_MORE = frozenset({"une", "un", "autre"})
_IN_LIST = _LIST_GLUE | _IN_MONTH | _ONE_MORE | {"a"}
_MONTH_PART_DASH = re.compile(r"\b(mi|debut|fin)\s*-\s*(?=[a-z])")
_LONGEST_MONTH = 31
_MONTHS_IN_YEAR = 12
_OLDEST = 110
_HARD_STOP = frozenset({".", ";", "?", "!", "(", ")"})
_SPLIT_BY_YEAR = frozenset({"separement", "annee", "annees", "an", "chaque"})
_TOTAL_WORDS = frozenset({"total", "soit", "fait", "trouve", "calcule", "arrive", "somme"})
_RIVAL_SUMS = frozenset({"dit", "moi", "ou"})
_PROJECTION = frozenset({"jusqu", "tout", "prevoir", "prevision", "previsionnel", "budget", "estimer"})
_RIVAL_END = _RIVAL_SUMS | {"?", "!", ",", ""}
_WEEKS = frozenset({"semaine", "semaines", "sem", "sems"})
_EVERY_UNITS = frozenset({"mois"}) | _WEEKS
_DAYS = frozenset({"jours", "jour", "j"})
# « 4 cures au total », « 6 cycles »: sessions counted, each one step of the cadence after the first day.
_SESSIONS = frozenset({"cure", "cures", "cycle", "cycles", "seance", "seances"})
_SPAN_TAIL = frozenset(
    {"d", "consecutifs", "pleins", "sans", "de", "d'affilee", ")", "en", "au", "a", "chacun", "chacune"}
)
_IN_A_ROW = frozenset({"affilee", "consecutifs", "consecutives", "suite", "pleins"})
_TITLES = frozenset({"mme", "mr", "madame", "monsieur", "mlle", "mademoiselle"})
_SUM_WORDS = frozenset(
    {"forfait", "forfaits", "montant", "total", "recette", "recettes", "activite", "exercice"}
)
_TREATMENT = frozenset({"traitement", "ttt", "protocole"})
_ASKING = frozenset({"combien", "total", "tot", "montant", "somme", "cb", "cmb"})
# What leads from a count of administrations to its month: « une en décembre », « une le 18 janvier ».
_COUNT_LEAD = frozenset({"en", "le", "au", "debut", "mi", "fin"})
_IN_MONTH_LEAD = frozenset({"en", "debut", "mi", "fin"})  # « 2 en avril », « 1 mi-mars »: a count in a month
_MAX_LABELLED = 20  # patients told one by one in a question; more is a table, not a question


@dataclass(frozen=True)
class Group:
    """`count` patients with the same care: the months with a home administration (in order), the first
    administration's day and the referral's day when stated, the months said to have none."""

    count: int
    months: tuple[Month, ...]
    empty: tuple[Month, ...] = ()
    first_day: date | None = None
    referral: date | None = None
    included_before: bool = False  # the inclusion month came before these months (« en mois suivant »)
    days: tuple[date, ...] = ()  # every administration day stated
    oral: bool = False  # a patient told with a drug taken by mouth only: no month, no forfait
    site: str | None = None  # the site the patient is told under (« site Nord : P1 … ; P2 … »)


@dataclass(frozen=True)
class Reading:
    groups: tuple[Group, ...] = ()
    inclusions: int | None = None  # « 25 inclusions »
    patient_months: int | None = None  # « 180 mois-patients » (months after the inclusion month)
    counts_year: int | None = None  # the year those counts are about (« bilan 2026 »)
    stated_total: Decimal | None = None  # « = 700 € », to be checked
    by_year: tuple[int, ...] = ()  # years asked separately (« pour 2025 et pour 2026 séparément »)
    dated: bool = True  # the question named years (else the months were placed around today)
    ordinal: bool = False  # months told by their rank (« mois 1 : 320, mois 2 : 120 »)
    planned: tuple[Month, ...] = ()  # months of days told as to come, left out (« prévue le 3 mars 2028 »)


@dataclass
class _Item:
    kind: str  # "month" | "num" | "ord" | "year" | "word" | "punct" | "id"
    text: str
    value: int = 0
    month: int = 0
    year: int | None = None
    day: int | None = None
    significant: bool = False
    used: bool = False
    at: int = 0  # position among the merged items


def unmodelled_event(text: str) -> bool:
    """Whether the question tells an event no month count models (an end of care, a new referral, a stay in
    hospital, an oral drug): no total may be given from a count of its months either."""
    return any(it.kind == "word" and _disruptive(it.text) for it in _tokens(text))


_ORAL = frozenset(
    {"oral", "orale", "oraux", "os", "po", "comprime", "comprimes", "cp", "cps", "gelule", "gelules"}
)
# « que la capécitabine po à la maison »: where the oral drug was taken, read with it.
_AFTER_ORAL = frozenset({"a", "la", "maison", "dom", "domicile"})
_RESTRICTIVE = frozenset({"que", "seulement", "uniquement"})
_BEFORE_ORAL = frozenset(
    {",", "il", "elle", "n", "ne", "a", "recu", "pris", "eu", "domicile", "dom", "son", "sa", "ses"}
)
_BEFORE_ORAL |= frozenset({"de", "d", "l", "du", "des", "le", "la", "les", "en", "y", "traitement", "chimio"})
_BEFORE_ORAL |= frozenset({"rien"})  # « juillet rien que du xeloda per os »
_AROUND_ORAL = frozenset({"(", ")", "per", "voie", "par", "seul", "seule", "seulement", "uniquement"})


def _oral(word: str) -> bool:
    """A word of treatment taken by mouth: « oral », « comprimés », a drug the list reads as oral."""
    drug = load_drugs().by_name.get(word)
    return word in _ORAL or (drug is not None and drug.route == "oral")


def _care(word: str) -> bool:
    """A word of home care: « perf », « injection », or a drug the list reads as injected (« keytruda »)."""
    drug = load_drugs().by_name.get(word)
    return word in _ADMIN or (drug is not None and drug.route != "oral")


def _disruptive(word: str) -> bool:
    """An event no month count models; « déc que du xeloda »: a drug the list reads as taken by mouth is an
    oral month too (the list is data, rules/data/drugs)."""
    drug = load_drugs().by_name.get(word)
    return word in _DISRUPTIVE or (drug is not None and drug.route == "oral")


_HOSPITAL = frozenset({"hospitalise", "hospitalisee", "hospitalisation", "hospit"})
_IN_HOSPITAL = frozenset({"en", "tout", "le", "mois", "de", "pendant", "du", "tt", "tous", "les", "durant"})
_REASON_FILLER = frozenset(
    {",", "(", ":", "-", "il", "elle", "etait", "a", "ete", "car", "pour", "en", "cause", "d", "une", "ou"}
)
_TO_COME = frozenset(
    {"prochaine", "prochain", "prevue", "prevu", "prevues", "prevus", "planifiee", "programmee"}
)
_BEFORE_DATE = frozenset(
    {"le", "pour", "au", "en", "debut", "mi", "fin", "injection", "perf", "administration"}
)


def _asides(s: _State) -> None:
    """Two asides that change no month read: a stay in hospital told as the reason of a month already said to
    be without (« sauf avril, il était hospitalisé », « aucune en mars (hospitalisation) »); and a day told as
    to come (« prochaine le 3/12 », « une administration prévue le 3 février 2028 »), which is not care yet:
    its month is left out. Anything else about a hospital stay stays unread (no total)."""
    items = s.items
    empty_at = {it.at for seg in s.segments if seg.kind == "empty" for it in (seg.first, seg.last) if it}
    by_first = {seg.first.at: seg for seg in s.segments if seg.last is None}
    to_drop: set[int] = set()
    for i, item in enumerate(items):
        if item.text in _HOSPITAL and not item.used:
            k = i - 1
            while k >= 0 and k >= i - 6 and items[k].text in _REASON_FILLER:
                k -= 1
            after = _text(items, i + 1)
            if k in empty_at and after in {")", ",", ";", ".", ""}:
                item.used = True
        elif item.text in _TO_COME and not item.used:
            k = i + 1
            while k < len(items) and k <= i + 3 and items[k].text in _BEFORE_DATE:
                k += 1
            segment = by_first.get(k)
            if segment is not None and items[k].day is not None and segment.kind in {"admin", "unknown"}:
                item.used = True
                to_drop.add(k)
                if _text(items, i - 1) in {"un", "une"}:
                    items[i - 1].used = True  # « une prévue le 20/02 »: the one administration to come
            elif (
                _text(items, i + 1) == ")"
                and _text(items, i - 2) == "derniere"
                and _text(items, i - 3) == "("
                and _kind_at(items, i - 4) == "month"
                and items[i - 4].day is not None
            ):
                # « …, 11 mai et 22 juin 2027 (dernière cure prévue) »: the last day told is the plan's last,
                # as much a month of care as the others told
                item.used = True
        elif item.text in {"un", "une"} and _text(items, i + 1) == "autre" and not item.used:
            # « 1re adm le 10/12, une autre le 18/01 »: one more administration, on the day told after it
            k = i + 2
            while k < len(items) and k <= i + 4 and items[k].text in _BEFORE_DATE:
                k += 1
            if k in by_first and items[k].day is not None and by_first[k].kind == "admin":
                item.used = True
    if to_drop:
        s.segments = [seg for seg in s.segments if seg.first.at not in to_drop]
        s.planned = max(to_drop)
        s.planned_months = [_month(items[k]) for k in sorted(to_drop) if items[k].year is not None]
    # « inclusion en février 2027 (1re administration à domicile) »: the inclusion month told again.
    inclusions = {seg.first.at for seg in s.segments if seg.kind == "inclusion" and seg.last is None}
    for i, item in enumerate(items):
        if item.kind == "ord" and item.value == 1 and _text(items, i - 1) == "(" and i - 2 in inclusions:
            item.used = True
    _reason_asides(s)
    _oral_switch(s)
    _selection_order(s)
    _idle_asides(s)


# The longest bracketed aside weighed as one (a longer one is read word by word).
_ASIDE_SPAN = 40


def _selection_order(s: _State) -> None:
    """« après l'arrêté de sélection »: the selection order, no care stopped (« arrêté » also reads
    « stopped »)."""
    items = s.items
    for k, it in enumerate(items):
        if it.text == "arrete" and (_text(items, k - 1) == "l" or _text(items, k + 2) == "selection"):
            it.used = True


def _idle_asides(s: _State) -> None:
    """« (il était en vacances en Bretagne — oui, en pleine chimio, mais c'est une autre histoire) »: an aside
    in brackets that names no month, day, year or figure, and no negation or event the count models, changes
    no month read: its « une », « oui » are the writer's, not a count or an answer. One pass: each « ( » is
    closed by the first « ) » within the span, or left alone."""
    items = s.items
    i = 0
    while i < len(items):
        if items[i].text != "(":
            i += 1
            continue
        close = next(
            (k for k in range(i + 1, min(len(items), i + _ASIDE_SPAN)) if items[k].text in "()"), None
        )
        if close is None or items[close].text != ")":
            i += 1
            continue
        inside = items[i + 1 : close]
        if not any(
            it.kind in {"month", "num", "year", "ord", "id"}
            # (« (mois de début / mois de fin / mois sans admin) » names a column, no month without)
            or (it.text in _NEGATIONS and not (it.text == "sans" and _text(items, it.at - 1) == "mois"))
            or (_disruptive(it.text) and not it.used)
            or it.text in _TO_COME
            for it in inside
        ):
            for it in inside:
                it.used = True
        i = close + 1


_SWITCH = frozenset({"passage", "passe", "relais", "switch", "bascule"})


def _oral_switch(s: _State) -> None:
    """« janv fev mars puis passage à l'oral (capécitabine) avril mai juin »: the months told right after a
    switch to a drug taken by mouth had no home administration that counts (oral TMSC are outside the
    experiment); the list that follows the oral words is emptied and they are read. Only when the switch word
    stands just before them and the next list starts right after them."""
    items = s.items
    by_first = {seg.first.at: seg for seg in s.segments}
    for i, item in enumerate(items):
        if not (item.kind == "word" and _oral(item.text) and not item.used):
            continue
        k = i - 1
        while (
            k >= 0
            and k >= i - 4
            and items[k].text in {"a", "l", "au", "vers", "le", "la", "un", "traitement"}
        ):
            k -= 1
        if k < 0 or items[k].text not in _SWITCH:
            continue
        j = i
        while j + 1 < len(items) and (_oral(items[j + 1].text) or items[j + 1].text in _AROUND_ORAL):
            j += 1
        if j + 1 not in by_first:
            continue
        segment = by_first[j + 1]
        # The whole list after the switch: its segments are those that follow, joined by list glue.
        for seg in s.segments:
            if (
                seg.first.at >= j + 1
                and seg.kind in {"admin", "unknown"}
                and _joined(items, j + 1, seg.first.at)
            ):
                seg.kind = "empty"
        segment.kind = "empty"
        _use(items, k, *range(i, j + 1))


def _joined(items: list[_Item], start: int, at: int) -> bool:
    """Whether the month at `at` is in the list of the month at `start` (only glue and months between)."""
    return all(items[k].kind == "month" or items[k].text in _LIST_GLUE for k in range(start, at))


_HOSPITAL_SITE = _HOSPITAL | frozenset({"hdj", "hopital", "mco", "service", "clinique"})


_BECAUSE = frozenset({"car"})
_STAY_UNITS = _WEEKS | frozenset({"j", "jour", "jours", "nuit", "nuits"})
_CLAUSE_END = frozenset({",", ".", ";", "?", "!"})


def _reason_asides(s: _State) -> None:
    """A bracketed reason for a month said to have none (« sauf en juillet (vacances, cure décalée en HDJ) »,
    « aucune en août (pause thérapeutique) », « (hospitalisé tout le mois de mars, donc rien) ») changes no
    month read: its words are read. Only when the brackets hold no number and no other month, and any word of
    care in them is care given elsewhere (a hospital word beside it): « (mais une injection le 20) » stays
    unread."""
    items = s.items
    empty_last = {(seg.last or seg.first).at for seg in s.segments if seg.kind == "empty"}
    empty_inside = {seg.first.at for seg in s.segments if seg.kind == "empty" and seg.last is None}
    i = 0
    while i < len(items):
        if items[i].text in _BECAUSE and i - 1 in empty_last:
            # « rien en janvier car pause thérapeutique, reprise … »: a reason told after « car », up to the
            # clause's end, read as a bracketed one.
            reach = range(i + 1, min(len(items), i + 9))
            end = next((k for k in reach if items[k].text in _CLAUSE_END), None)
            inside = range(i + 1, end) if end is not None else range(0)
            plain_words = all(items[k].kind == "word" and not _care(items[k].text) for k in inside)
            if end is not None and plain_words:
                _use(items, i, *inside)
            i = end if end is not None else i + 1
            continue
        if items[i].text != "(":
            i += 1
            continue
        close = next((k for k in range(i + 1, min(len(items), i + 25)) if items[k].text in {")", "("}), None)
        if close is None or items[close].text != ")":
            i += 1
            continue
        inside = range(i + 1, close)
        months = [k for k in inside if items[k].kind == "month"]
        # (« (hospit en onco pdt 3 sem) »: a stay's length in weeks or days is no date and no count of care)
        figures = [
            k
            for k in inside
            if items[k].kind in {"num", "year", "ord"} and _text(items, k + 1) not in _STAY_UNITS
        ]
        hospital = any(items[k].text in _HOSPITAL_SITE for k in inside)
        care = any(_care(items[k].text) for k in inside)
        # (right after the month, or after the words already read with it: « février … tt le mois (…) »)
        # (« mars aucune inj (hospit) »: the words that say none are read with the month, or carry nothing)
        k = i - 1
        while (
            k >= 0
            and (items[k].used or items[k].text in _AFTER_MONTH or not items[k].significant)
            and items[k].kind != "month"
            and items[k].text not in _HARD_STOP
            and k >= i - 8
        ):
            k -= 1
        after_empty = k in empty_last
        # « (hospitalisé tout le mois de mars, donc rien) »: the month inside is the empty one.
        # (« (rien en mai, pause thérapeutique, le patient reste suivi par l'HAD) »: the reason, not care)
        holds_empty = len(months) == 1 and months[0] in empty_inside and (hospital or not care)
        # (« (aucune perf à domicile) », « (neutropénie fébrile, aucune adm à dom) », « (il était en SMR, pas
        # d'inj) » after a month without: the aside says so again — every word of care in it is denied)
        denied = _NONE_SAID | {"sans"}
        negated = all(
            {_text(items, k - 1), _text(items, k - 2)} & denied for k in inside if _care(items[k].text)
        )
        if (
            not figures
            and (not care or hospital or negated)
            and ((after_empty and not months) or holds_empty)
        ):
            for k in inside:
                if items[k].kind != "month" and not _oral(items[k].text):
                    items[k].used = True
        i = close + 1


def _oral_months(s: _State) -> None:
    """« juin que de l'oral (ibrance) », « en avril, il n'a reçu que son Lonsurf (comprimés) », « nov et
    déc elle a eu que du Xeloda (cp) », « mars et avril : capécitabine seule per os, aucune injection »,
    « avril-mai relais capécitabine PO »: months told with only a drug taken by mouth had no home
    administration that counts (oral TMSC are outside the experiment): their segments are emptied and the
    oral words are read. Only when the drug is plainly confined to those months: a restrictive word (« que »,
    « seule », « uniquement », a switch « relais ») beside it, nothing but filler between, the months a list
    of their own (a lone month, or months without a day joined by « , » / « et »), and nothing after the oral
    words but more of them, or « aucune injection », up to the end of the clause; any other oral word stays
    unread (no total)."""
    items = s.items
    by_end = {(seg.last or seg.first).at: index for index, seg in enumerate(s.segments)}
    by_first = {seg.first.at: seg for seg in s.segments}
    n = len(items)
    i = 0
    while i < n:
        if not (items[i].kind == "word" and _oral(items[i].text)):
            i += 1
            continue
        # The oral words of this clause: « lonsurf ( comprimes ) », « capecitabine seule ( per os ) ».
        j = i
        # (« relais capécitabine (que du per os) »: the brackets say it again, restrictive words and all)
        around = _AROUND_ORAL | _AFTER_ORAL | _RESTRICTIVE | {"/", "du", "de", "d"}
        while j + 1 < n and (_oral(items[j + 1].text) or items[j + 1].text in around):
            j += 1
        restricted = any(items[m].text in _RESTRICTIVE | {"seul", "seule"} for m in range(i, j + 1))
        end = _none_given(items, j + 1)
        end_ok = end >= n or items[end].text in {",", ";", ".", "?", "!", "-"}
        k = i - 1
        while (
            k >= 0
            and k >= i - 12
            and items[k].kind == "word"
            and (items[k].text in _BEFORE_ORAL | _RESTRICTIVE | _AROUND_ORAL | _SWITCH)
        ):
            restricted = restricted or items[k].text in _RESTRICTIVE | _SWITCH
            k -= 1
        if k >= 0 and items[k].text in {",", ":"}:
            k -= 1  # « en avril, il n'a reçu que … », « mars et avril : capécitabine seule »
        run = _month_run(s, by_end.get(k))
        if end_ok and restricted and run:
            for seg in run:
                seg.kind = "empty"
            _use(items, *range(k + 1, end))
            i = end
            continue
        ahead = _months_ahead(s, j + 1, by_first)
        if ahead is not None and (restricted or _text(items, k) in {"sous", "a", "au"}):
            # « pt sous xeloda per os en janv et fév, puis oxali en HAD … »: the months told right after the
            # oral words, up to the clause's end, nothing else in it
            run, stop = ahead
            for seg in run:
                seg.kind = "empty"
            _use(items, *range(i, stop))
            i = stop
            continue
        i = j + 1


_BEFORE_MONTHS = frozenset({"en", "de", "du", "d", "pendant", "durant"})


def _months_ahead(s: _State, at: int, by_first: dict[int, _Segment]) -> tuple[list[_Segment], int] | None:
    """The months that follow an oral treatment's words at `at` (« … per os en janv et fév, puis … »): the
    segments of a list of dayless months joined by « , » / « et », then the clause's end; and where the
    words read end. None when anything else stands there. `by_first`: the segments by their first item,
    built once by the caller (a map per oral word was quadratic on a long list)."""
    items = s.items
    k = at
    while k < len(items) and k <= at + 2 and items[k].text in _BEFORE_MONTHS:
        k += 1
    run: list[_Segment] = []
    while k in by_first and by_first[k].kind in {"admin", "unknown"}:
        seg = by_first[k]
        if any(it.day is not None for it in (seg.first, seg.last) if it):
            return None
        run.append(seg)
        k = (seg.last or seg.first).at + 1
        if _text(items, k) in {",", "et"} and k + 1 in by_first:
            k += 1
            continue
        break
    if not run or _text(items, k) not in {",", ";", ".", "?", "!", "", "puis"}:
        return None
    return run, k


_NONE_WORDS = frozenset({"aucune", "aucun", "pas", "sans"})


def _none_given(items: list[_Item], at: int) -> int:
    """After the oral words: « , aucune injection », « donc aucune inj », « (pas de perf) » said again of the
    same months. Where the clause goes on after it (`at` when nothing of the kind follows)."""
    k = at
    while k < len(items) and items[k].text in {",", "donc", "("}:
        k += 1
    if _text(items, k) not in _NONE_WORDS:
        return at
    k += 1
    while k < len(items) and items[k].text in {"d", "de"}:
        k += 1
    if not (k < len(items) and _care(items[k].text)):
        return at
    k += 1
    k = k + 1 if _text(items, k) == ")" else k
    # « donc aucune inj, juin et juillet … »: a negation that months follow was read as theirs by the lists;
    # it is left unread (no total) rather than given to both.
    if _text(items, k) == "," and k + 1 < len(items) and items[k + 1].kind == "month":
        return at
    return k


def _month_run(s: _State, last: int | None) -> list[_Segment]:
    """The list of months that ends with segment `last`: that segment alone, or with the months before it
    joined by « , » / « et » when none of them names a day and the list opens a clause (« ; déc, janvier et
    février capécitabine seule », « le 7/10, nov et déc elle n'a eu que du Xeloda »); months that a word of
    care leads into (« perf a dom en mars et avril, mai rien que de la capécitabine ») keep their care."""
    if last is None or s.segments[last].kind not in {"admin", "unknown", "empty"}:
        return []
    items = s.items
    run = [s.segments[last]]
    index = last
    while index > 0:
        before, current = s.segments[index - 1], s.segments[index]
        gap = range((before.last or before.first).at + 1, current.first.at)
        dayless = all(it.day is None for seg in (before, current) for it in (seg.first, seg.last) if it)
        # (« décembre + janvier relais per os »: « + » joins them as « et » does)
        if not (dayless and gap and all(items[k].text in {",", "et", "+"} for k in gap)):
            break
        if before.kind not in {"admin", "unknown", "empty"}:
            break
        run.append(before)
        index -= 1
    opening = run[-1].first.at
    ahead = _text(items, opening - 1)
    opens = (
        opening == 0
        or ahead in {";", ":", "-", ".", "(", "puis"}
        or (ahead == "," and opening >= 2 and items[opening - 2].kind == "month" and items[opening - 2].day)
    )
    return run if opens else run[:1]


_SITES = frozenset({"hdj", "hopital", "jour"})
# Words of a patient's story: a clause holding one tells what happened to the patient, not who writes.
# A return from home care (« retour en HDJ », « elle est repassée en HDJ »).
_BACK = frozenset(
    {"retour", "repasse", "repassee", "retourne", "retournee", "reparti", "repartie", "revenu", "revenue"}
)
_STORY = _PATIENTS | _TITLES | _SWITCH | _BACK | frozenset({"il", "elle", "lui", "sa", "son", "ses",
    "bascule", "basculee", "transfere", "transferee", "hospitalise", "hospitalisee", "fait", "faite",
    "faites", "recu", "recue"})  # fmt: skip
_BACK_FILLER = frozenset({"en", "a", "l", "au", "definitif", "definitive", "definitivement", "est", "ete"})


def _care_sites(s: _State) -> None:
    """Two ways a day hospital is named that change no month read. Who writes (« cadre HDJ oncologie »,
    « notre HDJ d'oncologie », « Hôpital de jour d'oncologie » in a signature): a clause with no month, no
    figure, no word of care and none of a patient's story. And care at home ended, told after the last month
    of the patient (« une seule administration le 27/10 puis retour en HDJ », « (après elle est repassée en
    HDJ) »): no month is told after it up to the next patient, so the months read are all there was."""
    items = s.items
    n = len(items)
    starts = [0] + [k + 1 for k in range(n) if items[k].text in _HARD_STOP]
    ends = [k for k in range(n) if items[k].text in _HARD_STOP] + [n]
    for lo, hi in zip(starts, ends, strict=True):
        clause = range(lo, hi)
        quiet = not any(
            items[k].kind in {"month", "num", "year", "ord", "id"}
            or _care(items[k].text)
            or _oral(items[k].text)
            or items[k].text in _STORY | _NEGATIONS | _INCLUSION | _REFERRAL
            for k in clause
        )
        if quiet:
            _use(items, *(k for k in clause if items[k].text in _SITES))
    labels = sorted(s.labels)
    # Months counted before each item, so that each return is checked in constant time (linear in all).
    months_before = [0]
    for it in items:
        months_before.append(months_before[-1] + (it.kind == "month"))
    for i, item in enumerate(items):
        if item.text not in _BACK:
            continue
        k = i + 1
        while k < n and k <= i + 4 and items[k].text in _BACK_FILLER:
            k += 1
        if _text(items, k) != "hdj":
            continue
        at = bisect_right(labels, i)
        next_label = labels[at] if at < len(labels) else n
        if months_before[next_label] - months_before[k] or not months_before[i]:
            continue  # a month after it (a new referral), or none before it
        _use(items, k)
        s.stops = True


# Words of care that do not say how the drug is given: with an oral word beside them, no home administration.
_ROUTELESS = frozenset({"traitement", "traite", "traitee", "traites", "traitees", "poursuit", "poursuite"})
_DENIED = frozenset({"aucune", "aucun", "pas", "sans", "ni", "jamais"})
_PATIENT_TOLD_UNTIL = _HARD_STOP - {"(", ")", ";"}


def _oral_patients(s: _State) -> None:
    """« - P-103 : capécitabine seule, suivi par l'HAD d'octobre à décembre », « Patient C : uniquement sous
    Xeloda (oral), aucune injection »: among patients told one by one, one told with a drug taken by mouth
    and no word of care but a denied one, up to the end of its sentence (or the next patient, or the question
    asked), had no home administration that counts: oral TMSC are outside the experiment. Its words and
    months are read, and it keeps its place among the patients (« nos trois patients ») with no forfait.
    Only when another patient had care: a question about oral patients alone is not a total."""
    labels = sorted(s.labels)
    if len(labels) < 2:
        return
    items = s.items
    told: list[tuple[int, int]] = []
    for lo, hi in pairwise([*labels, len(items)]):
        end = lo
        while end < hi and items[end].text not in _PATIENT_TOLD_UNTIL and items[end].text not in _ASKING:
            end += 1
        block = range(lo, end)
        by_mouth = any(items[k].kind == "word" and _oral(items[k].text) for k in block)
        care = any(
            _care(items[k].text)
            and items[k].text not in _ROUTELESS
            and not {_text(items, k - 1), _text(items, k - 2)} & _DENIED
            for k in block
        )
        if by_mouth and not care and not any(items[k].kind == "ord" for k in block):
            told.append((lo, end))
    if not told or len(told) == len(labels):
        return
    by_mouth_only = [False] * len(items)  # (positions marked once: testing each segment against each block
    for lo, end in told:  # was quadratic)
        _use(items, *range(lo, end))
        s.oral_patients.add(lo)
        by_mouth_only[lo:end] = [True] * (end - lo)
    s.segments = [seg for seg in s.segments if not by_mouth_only[seg.first.at]]


# ------------------------------------------------------------------------------------------ tokens


# « 1) Quel est le total ? 2) Quand est-il versé ? »: the numbers of a list of questions count nothing.
# « 1. Quel montant … » at the start of a line: a numbered question too.
_LIST_MARKER = re.compile(r"(?:^|(?<=[.?!:;\n]))\s*(?:\d{1,2}|[a-d])\)\s|(?:^|(?<=\n))\s*\d{1,2}\.\s")


# « 1/mois », « 2 / mois »: a cadence, as « par mois ».
# (only after a figure, « x » or « fois »: « mois de début / mois de fin » is no cadence)
_PER_MONTH = re.compile(
    r"(?:(?<=\d)|(?<=\dx)|(?<=fois)|(?<=inj)|(?<=adm)|(?<=perf)|(?<=cure)|(?<=tion)|(?<=ions)|(?<=injs)"
    r"|(?<=perfs)|(?<=adms)|(?<=cures))\s*/\s*mois\b"
)


# « Objet : forfait juillet à décembre »: an email's subject line names what the body tells; read, its months
# would be a second timeline.
# (extract.py ends the subject line on a full stop: the analysed question is on one line)
_SUBJECT_LINE = re.compile(r"\A\s*(?:objet|subject|sujet)\s*:[^\n.?!]*(?:[\n.?!]|\Z)")
# « Objet : forfaits sept.–déc. 2025 »: a month's abbreviation dot does not end the subject line.
_SUBJECT_START = re.compile(r"\A\s*(?:objet|subject|sujet)\s*:[^\n]*")
_MONTH_ABBREVIATION_DOT = re.compile(r"\b(janv|fevr?|avr|juil|sept|oct|nov|dec)\.")


def _without_subject(folded: str) -> str:
    start = _SUBJECT_START.match(folded)
    if start is not None:
        folded = _MONTH_ABBREVIATION_DOT.sub(r"\1", start.group()) + folded[start.end() :]
    return _SUBJECT_LINE.sub(" ", folded)


# « 1 520 € », « 560,00 € »: one sum written with spaced thousands or cents, not two figures.
_SPACED_SUM = re.compile(
    r"(?<![\d,.])(\d{1,3}(?: \d{3})*|\d+),00(?= ?(?:€|euros?\b|eur\b))"
    r"|(?<![\d,.])(\d{1,3}(?: \d{3})+)(?= ?(?:€|euros?\b|eur\b))"
)


def _sum_written(m: re.Match[str]) -> str:
    return (m.group(1) or m.group(2)).replace(" ", "")


# « si tout se passe comme prévu »: the projection asked for, not a session to come left out of the months
_AS_PLANNED = re.compile(r"\bcomme (?:prevu|convenu)\b")


def _tokens(text: str) -> list[_Item]:
    folded = _SPACED_SUM.sub(_sum_written, _without_subject(fold(text)))
    folded = _AS_PLANNED.sub(" ", folded)
    folded = _PER_MONTH.sub(" par mois ", _LIST_MARKER.sub(" ", folded.translate(_DASHES)))
    folded = _MONTH_PART_DASH.sub(r"\1 ", folded)
    out: list[_Item] = []
    for m in _TOKEN_RE.finditer(folded):
        if m.group("iso"):
            iso_day = None if m.group("id_") is None else int(m.group("id_"))
            out.append(
                _Item(
                    "month", m.group(), month=int(m.group("im")), year=int(m.group("iy")), day=iso_day,
                    significant=True,
                )
            )  # fmt: skip
        elif m.group("my"):
            out.append(
                _Item(
                    "month", m.group(), month=int(m.group("mm")), year=int(m.group("myy")), significant=True
                )
            )
        elif m.group("date"):
            day, month = int(m.group("d")), int(m.group("m"))
            raw_year = m.group("y")
            year = None if raw_year is None else int(raw_year) + (2000 if len(raw_year) == 2 else 0)
            if 1 <= day <= 31 and 1 <= month <= 12:
                out.append(_Item("month", m.group(), month=month, year=year, day=day, significant=True))
            else:
                out.append(_Item("num", m.group(), value=-1, significant=True))
        elif m.group("id"):
            # « combien pour le T1 seul ? », « inclus au T4 2025 »: a quarter, which no rule here reads (a
            # total over other months would not answer it); never a patient's code.
            quarter = names_quarter(m.group())
            out.append(_Item("word", m.group(), significant=True) if quarter else _Item("id", m.group()))
        elif m.group("num"):
            digits, suffix = m.group("num"), m.group("suffix")
            if suffix and m.group() in load_drugs().by_name:
                out.append(_word(m.group()))  # « diffuseur 5FU »: a drug's name, no figure
                continue
            value = int(digits) if len(digits) <= 9 else -1
            if suffix == "e" and value >= 100:
                # « ça fait bien 1000e ? »: euros glued to the figure, not a 1000th.
                out += [_Item("num", digits, value=value, significant=True), _Item("punct", "€")]
                continue
            if suffix in _ORDINAL_SUFFIXES:
                out.append(_Item("ord", m.group(), value=value, significant=True))
                continue
            if 2000 <= value <= 2099:
                out.append(_Item("year", digits, value=value, significant=True))
            else:
                out.append(_Item("num", digits, value=value, significant=True))
            if suffix:
                out.append(_word(suffix))
        elif m.group("word"):
            out.append(_word(m.group()))
        else:
            out.append(_Item("punct", m.group()))
    return out


# SMS spellings of the words the reader relies on (« 1 perf chak mois »), read as spelt out.
_SPELT = {"chak": "chaque", "chaq": "chaque", "chq": "chaque", "ke": "que"}


def _word(text: str) -> _Item:
    text = _SPELT.get(text, text)
    if text in NUMBER_WORDS and text not in {"un", "une", "sept"}:
        return _Item("num", text, value=NUMBER_WORDS[text], significant=True)
    # « juin oui » answers a month back: no rule reads it, so a question holding it gets no total.
    significant = text in _NEGATIONS or _disruptive(text) or text in {"un", "une", "sept", "oui"}
    return _Item("word", text, significant=significant)


def _first_ordinals(items: list[_Item]) -> list[_Item]:
    """« 1ere adm a dom le 2 mars », « 1re inj »: the first administration, read as « première »; « 2e le
    15/12 », « 3e perf le 10/01 »: a later administration's rank before its day, which counts nothing."""
    out: list[_Item] = []
    for k, it in enumerate(items):
        nxt = items[k + 1] if k + 1 < len(items) else None
        if it.kind == "ord" and it.value == 1 and nxt is not None and _care(nxt.text):
            out.append(_Item("word", "premiere"))
        elif it.kind == "ord" and 2 <= it.value <= 31 and nxt is not None and _ranks_a_day(items, k):
            out.append(_Item("word", "rang"))
        else:
            out.append(it)
    return out


def _ranks_a_day(items: list[_Item], k: int) -> bool:
    """« 2e le 15/12 », « 2e perf le 15/12 »: the rank of an administration whose day follows."""
    at = k + 1
    if at < len(items) and _care(items[at].text):
        at += 1
    if at < len(items) and items[at].text == "le":
        at += 1
    return at < len(items) and at > k + 1 and items[at].kind == "month" and items[at].day is not None


def _merge_months(items: list[_Item], today: date) -> list[_Item]:
    """Month names become month items (with the day before them and the year after them); « ce mois-ci » is
    today's month."""
    out: list[_Item] = []
    i, n = 0, len(items)
    while i < n:
        item = items[i]
        nxt = items[i + 1] if i + 1 < n else None
        if item.kind == "word" and item.text in MONTH_NAMES:
            if item.text == "sept" and nxt is not None and nxt.text in _SEVEN_BEFORE:
                out.append(_Item("num", "sept", value=7, significant=True))
                i += 1
                continue
            month = _Item("month", item.text, month=MONTH_NAMES[item.text], significant=True)
            # « le 12 mars », « 1er mars »: the day before the month name.
            if out and out[-1].kind in {"num", "ord"} and 1 <= out[-1].value <= 31 and out[-1].text != "un":
                month.day = out.pop().value
            if nxt is not None and nxt.kind == "year":
                month.year = nxt.value
                i += 1
            out.append(month)
        elif (
            item.kind == "num"
            and item.value == 0
            and nxt is not None
            and (nxt.text in _ADMIN or nxt.text == "en")
        ):
            # « 0 en mars », « 0 admin en novembre »: none that month.
            out.append(_Item("word", "aucune", significant=True))
        elif (
            item.kind == "num"
            and 24 <= item.value <= 29
            and out
            and out[-1].kind == "month"
            and out[-1].year is None
            and out[-1].day is None
            and (nxt is None or (nxt.text not in _ADMIN and nxt.text not in _PATIENTS))
        ):
            out[-1].year = 2000 + item.value  # « fév 26 »
        elif item.kind == "month" and item.year is None and nxt is not None and nxt.kind == "year":
            item.year = nxt.value
            out.append(item)
            i += 1
        elif (
            item.text == "ce"
            and nxt is not None
            and nxt.text == "mois"
            and i + 3 < n
            and items[i + 2].text == "-"
            and items[i + 3].text == "ci"
        ):
            out.append(_Item("month", "ce mois-ci", month=today.month, year=today.year, significant=True))
            i += 4
            continue
        else:
            out.append(item)
        i += 1
    return _elided_counts(_month_then_day(out))


def _month_then_day(items: list[_Item]) -> list[_Item]:
    """« avril IV le 13/04 », « mai : le 4/05 »: a month named, then a day of that month told right after, is
    one month told twice; the name is read with the day."""
    for k, item in enumerate(items):
        if item.kind != "month" or item.day is not None or item.year is not None:
            continue
        for j in range(k + 1, min(len(items), k + 4)):
            other = items[j]
            if other.kind == "month":
                if other.day is not None and other.month == item.month:
                    items[k] = _Item("word", item.text)
                break
            if other.significant or other.text in _HARD_STOP:
                break
    return items


_COUNT_END = frozenset({",", ";", ".", "?", "!", "-", "et", ")"})


def _elided_counts(items: list[_Item]) -> list[_Item]:
    """« oct 2 adm, nov 1, déc 0, janv 0 »: once a month is followed by its count of administrations, a bare
    small number after the next months is that count too (0: none that month; more: some). « juillet oui,
    août non (vacances) »: a month answered yes or no, as in a checklist, had some or none."""
    counted = any(
        items[k].kind == "month" and items[k + 1].kind == "num" and items[k + 2].text in _ADMIN
        for k in range(len(items) - 2)
    )
    for k in range(1, len(items)):
        item, before = items[k], items[k - 1]
        after = _text(items, k + 1)
        if before.kind != "month" or not (after in _COUNT_END or after in {"(", ""}):
            continue
        if item.text in {"oui", "non", "ok"}:
            said_none = item.text == "non"
            items[k] = _Item("word", "aucune" if said_none else "adm", significant=said_none)
        elif item.kind == "num" and item.text == "0" and before.year is None:
            # « mars 0 (hospit en onco) »: a month put at 0 had none, whatever else is counted (0 is no day)
            items[k] = _Item("word", "aucune", significant=True)
        elif counted and item.kind == "num" and item.value <= 9 and before.year is None and after != "(":
            items[k] = _Item("word", "aucune" if item.value == 0 else "adm", significant=item.value == 0)
    return items


# ------------------------------------------------------------------------------------------ reading


@dataclass
class _Segment:
    """A month, or a range of months, in a list; `kind`: admin | empty | inclusion | referral | until | ended
    (the day care at home ended) | asked | unknown."""

    first: _Item
    last: _Item | None = None
    kind: str = "admin"
    after_comma: bool = False  # joined to the list's month before by a comma (« juin, juillet rien »)


@dataclass
class _State:
    items: list[_Item]
    segments: list[_Segment] = field(default_factory=list)
    every_month: bool = False
    cadences: list[int] = field(default_factory=list)  # item index of each cadence (« chaque mois »)
    weeks: int | None = None
    patients: int | None = None
    inclusions: int | None = None
    patient_months: int | None = None
    included_before: bool = False
    stated: list[Decimal] = field(default_factory=list)
    ordinal_months: dict[int, Decimal | None] = field(default_factory=dict)
    pauses: list[tuple[_Item, _Item]] = field(default_factory=list)  # the months around each « pause »
    labels: list[int] = field(default_factory=list)  # item index of each « patient A », « patient B »
    bounds: set[int] = field(default_factory=set)  # months that only bound the story told (no care in them)
    monthly: list[int] = field(default_factory=list)  # where a cadence of at least one a month is told
    unbroken: list[int] = field(default_factory=list)  # where « sans interruption » is told
    split_asked: bool = False
    by_year_asked: bool = False  # « par année », « répartition par année »: each year spanned, named or not
    sites: list[tuple[int, str]] = field(default_factory=list)  # (item index, name) of « site Nord : »
    # The question says once what its months are (« (mois avec injection à dom) », « x = au moins une
    # injection »): a month listed bare is a month of care.
    legend: bool = False
    step_days: int | None = (
        None  # the cadence told in days or weeks (« tous les 21 j », « toutes les 5 sem »)
    )
    sessions: int | None = None  # how many sessions in all (« 6 cycles »), each a step after the first day
    both: int | None = None  # « le total des deux »: the number of labelled patients
    stops: bool = False  # « puis plus rien », « rien après »: the care stops after the months told
    span: int | None = None  # « 12 mois d'affilée »: how many months the care lasts, as told
    followed: int | None = None  # « + 5 déjà suivis qui ont eu leur injection »: months after inclusion
    articles: list[int] = field(default_factory=list)  # item index of each « un patient », « une patiente »
    in_a_row: bool = False  # the span is told as consecutive months (« d'affilée », « consécutifs »)
    after_inclusion: bool = False  # the span follows the inclusion month (« inclusion + 11 mois »)
    planned: int | None = None  # where the last day told as to come and left out is (« prévue le 3 mars »)
    planned_months: list[Month] = field(default_factory=list)  # those days' months, when their year is told
    oral_patients: set[int] = field(default_factory=set)  # labels of patients treated by mouth only
    # « patient A inclus en 2026, … chaque mois de 2027 »: (item index, year) of each year an inclusion is
    # told in; the patient it is told of was included before the months read when that year is earlier.
    included_in: list[tuple[int, int]] = field(default_factory=list)


def _kind_at(items: list[_Item], i: int) -> str:
    return items[i].kind if 0 <= i < len(items) else ""


def _text(items: list[_Item], i: int) -> str:
    return items[i].text if 0 <= i < len(items) else ""


def _use(items: list[_Item], *indices: int) -> None:
    for i in indices:
        if 0 <= i < len(items):
            items[i].used = True


def _phrases(s: _State) -> None:
    """Phrases that hold a number or a negation: cadences, counts of patients, amounts, qualifiers."""
    items = s.items
    openers = _clause_letters(items)
    for i, item in enumerate(items):
        t = item.text
        nxt, nxt2 = _text(items, i + 1), _text(items, i + 2)
        # Cadences: « chaque mois », « tous les mois », « par mois », « toutes les 3 semaines », « tous les 15
        # jours », « sans interruption ».
        if t in {"chaque", "tous", "toutes", "ttes", "ts", "par"}:
            unit_at = i + 2 if nxt == "les" else i + 1
            unit = _text(items, unit_at)
            count_item = items[unit_at] if unit_at < len(items) and items[unit_at].kind == "num" else None
            if count_item is not None:
                unit = _text(items, unit_at + 1)
                if unit in _WEEKS and 1 <= count_item.value <= 26:
                    s.step_days = 7 * count_item.value
                elif unit in _DAYS and 1 <= count_item.value <= 182:
                    s.step_days = count_item.value
                if unit in _WEEKS and 1 <= count_item.value <= 4:
                    _every(s, i)
                    _use(items, unit_at, unit_at + 1)
                elif unit in _WEEKS and 5 <= count_item.value <= 26:
                    s.weeks = count_item.value
                    s.cadences.append(i)
                    _use(items, unit_at, unit_at + 1)
                elif unit in _DAYS and 1 <= count_item.value <= 28:
                    _every(s, i)
                    _use(items, unit_at, unit_at + 1)
                elif unit in _DAYS and s.step_days is not None:
                    s.cadences.append(i)  # « toutes les 5 semaines » told in days (« tous les 35 j »)
                    _use(items, unit_at, unit_at + 1)
            elif unit in _EVERY_UNITS and (t != "par" or unit == "mois"):
                if t == "par" and {it.text for it in items[max(0, i - 6) : i]} & {"nombre", "nb"}:
                    # « (nombre d'administrations à domicile par mois, 2026) »: what a table's figures
                    # count, no cadence
                    _use(items, i, unit_at)
                else:
                    _every(s, i)
        elif t == "sans" and nxt in {"interruption", "arret", "discontinuer", "exception", "pause", "trou"}:
            _every(s, i)
            s.unbroken.append(i)
            _use(items, i, i + 1)
        elif t == "mensuellement":
            _every(s, i)
        elif (
            item.kind == "num" and nxt in {"x", "fois"} and (nxt2 == "mois" or _text(items, i + 3) == "mois")
        ):
            if item.value >= 1 and nxt2 in {"mois", "par"}:
                _every(s, i)  # « 1x/mois », « 2 fois par mois »
                item.used = True
        elif item.kind == "num" and item.value == 1 and nxt == "par" and nxt2 == "mois":
            _every(s, i)  # « puis 1 par mois »
            item.used = True
        elif item.kind == "num" and nxt in {"x", "fois", "*", "+"} and (until := _working_until(items, i)):
            # « j'ai calculé 5x320 = 1600 € », « donc 320 + 3x120 = 680 ? »: the user's working; the sum after
            # « = » is what is checked.
            _use(items, *range(i, until))
        elif (
            item.kind == "num"
            and not item.used
            and nxt in {"x", "fois", "*", "+"}
            and (put := _working_put(items, i))
        ):
            # « donc 320 + 5x120 c ça ? »: the working itself put to the test; its sum is what is checked.
            until, value = put
            _use(items, *range(i, until))
            s.stated.append(value)
        elif item.kind == "num" and 1 <= item.value <= 31 and _day_of_next_month(items, i):
            item.used = True  # « les 2 et 16 décembre »: another day of the month told next
        elif (
            item.kind == "num"
            and 1 <= item.value <= _OLDEST
            and nxt in {"ans", "an"}
            and (_text(items, i - 1) in {"de", ",", "(", "agee", "age"} or nxt2 in {",", ")", "."})
        ):
            _use(items, i, i + 1)  # « patiente de 67 ans », « M. R., 72 ans, côlon … »: an age, no count
        elif item.kind == "num" and item.value >= 1:
            _numbered(s, i)
        elif t == "ce" and nxt == "jour" and _text(items, i - 1) == "a":
            _use(items, i, i + 1)  # « à ce jour »: today, no month
        elif t in {"un", "une"}:
            # « une injection », « au moins une administration »: an administration, not a count of months.
            if nxt == "par" and nxt2 == "mois":
                _every(s, i)  # « puis une par mois »
                item.used = True
            elif (
                nxt in _ADMIN
                or nxt in {"seule", "fois", "unique", "derniere", "premiere"}
                or (nxt == "administration")
                or (_text(items, i - 2) == "au" and _text(items, i - 1) == "moins")
            ):
                item.used = True
            elif t == "une" and (nxt == "chaque" or (nxt in {"tous", "toutes"} and nxt2 == "les")):
                item.used = True  # « il en aura une chaque mois jusqu'à décembre »: the cadence's one
            elif t == "un" and nxt in {"forfait", "droit", "cas", "calcul", "montant", "exemple", "point"}:
                item.used = True  # « ouvre-t-il droit à un forfait ? », « valider un cas »: no count
            elif t == "un" and nxt in _TREATMENT:
                item.used = True  # « suit un protocole toutes les 3 semaines »: a treatment, not a count
            elif (
                t == "une"
                and nxt in _COUNT_LEAD
                and all(_text(items, k) != "autre" for k in (i - 1, i + 3))
                and any(items[k].kind == "month" for k in range(i + 2, min(len(items), i + 4)))
            ):
                # « rien en novembre, une en décembre », « puis une le 18 janvier »: one administration that
                # month (a count, « une » being an administration or an injection, not a patient).
                item.used = True
            elif (
                t == "un"
                and nxt == "de"
                and nxt2 in {"nos", "mes", "vos", "ces"}
                and _text(items, i + 3) in _PATIENTS
            ):
                s.patients = s.patients or 1  # « un de nos patients »: one patient
                item.used = True
            elif nxt in _PATIENTS or nxt in {"inclusion", "adressage"}:
                s.patients = s.patients or 1
                item.used = True
                if nxt in _PATIENTS:
                    s.articles.append(i)
            elif nxt in _NOT_COUNTED_AFTER_ONE:
                item.used = True  # « une estimation des sommes », « une question »: no count of anything
            elif _text(items, i - 1) in {"d", "dans", "a", "chez", "sur"} and nxt in _PLACES:
                item.used = True  # « au DIM d'un centre hospitalier »: who writes, no count
            elif _text(items, i - 1) in {"a", "vers", "par", "avec", "chez"} and nxt in _CARERS:
                item.used = True  # « adressé à une HAD qui a la mention … »: where the patient goes, no count
        elif t in {"aucune", "pas", "sans"} and (
            (nxt in {"nouvelle", "nouvel"} and nxt2 in {"inclusion", "inclusions"})
            or (nxt in {"d", "de"} and nxt2 in {"inclusion", "inclusions"})
            or nxt in {"inclusion", "inclusions"}
        ):
            s.included_before = True
            _use(items, i)
        elif (
            t in {"aucun", "aucune"}
            and nxt in {"n", "ne"}
            and "avant" in {it.text for it in items[i + 2 : i + 12]}
            and {it.text for it in items[i + 2 : i + 12]} & {"charge", "inclus", "incluse", "had", "domicile"}
        ):
            # « trois nouveaux patients, aucun n'avait été pris en charge à domicile avant janvier »: each
            # patient's first month told is the first at home (which the reading already assumes); the month
            # after « avant » bounds the story, it tells no care.
            _use(items, i)
            before = next(k for k in range(i + 2, i + 12) if items[k].text == "avant")
            if _kind_at(items, before + 1) == "month":
                s.bounds.add(before + 1)
        elif t == "hors" and nxt == "mois" and nxt2 in {"d", "de"} and _text(items, i + 3) == "inclusion":
            _use(items, i)  # « 180 mois-patients (hors mois d'inclusion) »
        elif t == "mois" and nxt in {"suivant", "suivants"} and s.patients is not None:
            s.included_before = True
        elif t == "mois" and items[i - 1 if i else 0].text != "-" and i + 1 < len(items):
            _ordinal_month(s, i)
        elif t == "pas" and _text(items, i - 1) in {"trompe", "gourre", "plante"}:
            item.used = True  # « 320 + 3x120 = 680 €, je me trompe pas ? »: the sum put to the test
        elif t == "re" and (_care(nxt) or (nxt == "-" and _care(nxt2))):
            item.used = True  # « juillet et août re-inj à dom », « re oxali »: care again, the same care
        elif t in {"rien", "plus"} and nxt in {"apres", "ensuite", "rien", "depuis"}:
            _use(items, i, i + 1)  # « rien après », « puis plus rien »: the care stops
            s.stops = True
        elif t in {"arret", "stop", "fin"} and _text(items, i - 1) == "(" and nxt == ")":
            _use(items, i)  # « P-00602 début avril et c'est tout (arrêt) »: the care stops there
            s.stops = True
        elif (
            t in {"arret", "stop"}
            and _text(items, i - 1) in {"et", "puis", ","}
            and _stop_then_reason(items, i)
        ):
            _use(items, i)  # « … le 18 mai et stop (progression) ? »: the care stops there, its reason told
            s.stops = True
        elif t == "non" and nxt == "plus" and any(_text(items, i - k) in _NONE_SAID for k in (1, 2, 3)):
            _use(items, i)  # « (rien en juin non plus) »: the negation said again
        elif t in {"sortie", "sorti", "sortis"} and _ends_care(items, i):
            _use(items, i)  # « …, une en mai, puis sortie d'HAD ; »: the care stops after the months told
            s.stops = True
        elif (
            t in {"arret", "fin"}
            and nxt in {"du", "de"}
            and nxt2 in _TREATMENT
            and _text(items, i + 3) in {";", ".", ",", "!", "", "depuis", "ensuite", "apres"}
        ):
            # « puis arrêt du traitement. », « arrêt du ttt après. »: the care stops after the months told
            _use(items, i)
            if _text(items, i + 3) == "apres":
                _use(items, i + 3)
            s.stops = True
        elif t in {"arret", "fin"} and (
            (nxt == "ensuite" and nxt2 in {";", ".", ",", "!", ""})
            or (nxt in {";", "."} and i > 0 and _text(items, i - 1) == ",")
        ):
            _use(
                items, i, i + 1 if nxt == "ensuite" else i
            )  # « …, arrêt ensuite ; », « …, fin ; »: care stops
            s.stops = True
        elif t in {"transfere", "transferee"} and (
            _text(items, i - 1) in {"vous", "te", "message", "mail", "courriel", "echange"}
            or nxt in {"l", "le", "la", "les", "ci", "ce", ":", "-"}
        ):
            item.used = True  # « je vous transfère l'échange », « message transféré : »: a forwarded email
        elif t in {"hopital", "etablissement"} and (
            {_text(items, i - 1), _text(items, i - 2), nxt, _text(items, i + 2)} & _PAYEE_VERBS
        ):
            item.used = True  # « combien touche l'hôpital »: who is paid, not a stay in hospital
        elif t in {"article", "art"} and items[i + 1 if i + 1 < len(items) else i].kind == "num":
            _use(items, i + 1)  # « l'article 50 »: a law's article, not a count
        elif t in {"separement", "chaque"} or (t == "par" and nxt in {"an", "annee"}):
            s.split_asked = True
            # « répartition par année + total svp »: each year of the care, even when none is named
            s.by_year_asked = s.by_year_asked or t == "par"
        elif t in {"repartition", "ventilation", "ventiler"} and "annee" in {nxt, nxt2, _text(items, i + 3)}:
            s.split_asked = s.by_year_asked = True
        elif t in {"patient", "patiente", "pt"} and _label(items, i + 1):
            s.labels.append(i)
            _use(items, i + 1)
        elif t in _TITLES and i + 1 < len(items) and (items[i + 1].kind == "id" or len(nxt) == 1):
            # « mme A », « mr B »: a title before a letter is always a patient's label, « a » included.
            s.labels.append(i)
            _use(items, i + 1)
        elif (
            item.kind == "word"
            and len(t) == 1
            and t in "abcdefgh"
            and _text(items, i - 1) in _LETTER_OPENERS
            # (« A sept-déc, B oct-déc, C déc seulement »: a letter right before its months)
            and (nxt in _INCLUSION or nxt in _ADMIN or nxt in {":", ","} or _kind_at(items, i + 1) == "month")
            and _letters_follow(openers, t, i)
        ):
            # « 3 pts : A inclus oct 25 … ; B inclus nov … ; C inclus déc … »: letters that open each clause
            s.labels.append(i)
            item.used = True
        elif (
            t == "m"
            and nxt == "."
            and len(nxt2) == 1
            and nxt2.isalpha()
            and (_text(items, i + 3) in {".", ":"} or _text(items, i - 1) in {":", ";", "-", "", "•"})
        ):
            # « M. B. : … »: « monsieur » abbreviated, then the patient's letter
            s.labels.append(i)
            _use(items, i + 2)
        elif item.kind == "id" and not item.used and (t.startswith("p") or nxt == ":"):
            # « - P-0101 : … », « P1 … P2 … »: a patient's code opens what is told of that patient.
            s.labels.append(i)


_END_OF_PATIENT = frozenset({";", ".", "?", "!", "-", ""})
_NONE_SAID = frozenset({"rien", "pas", "aucune", "aucun"})
# Where « d'un … » names a place, not a count (« au DIM d'un centre hospitalier »).
_PLACES = frozenset({"centre", "ch", "chu", "clcc", "espic", "etablissement", "hopital", "service", "site",
                     "groupe", "ght", "clinique", "etablissements"})  # fmt: skip
_CARERS = frozenset({"had", "structure", "equipe"})


def _stop_then_reason(items: list[_Item], i: int) -> bool:
    """« et stop (progression) ? », « puis arrêt. »: a stop told last, a bracketed reason of plain words at
    most after it, then the clause's end."""
    k = i + 1
    if _text(items, k) == "(":
        close = next((m for m in range(k + 1, min(len(items), k + 6)) if items[m].text == ")"), None)
        if close is None or any(items[m].kind != "word" or items[m].significant for m in range(k + 1, close)):
            return False
        k = close + 1
    return _text(items, k) in _END_OF_PATIENT


def _working_until(items: list[_Item], i: int) -> int | None:
    """Where « = » ends a sum written from item `i` (figures joined by « + » and « x »), or None."""
    k = i
    while (
        k < len(items)
        and k <= i + 12
        and (items[k].kind == "num" or items[k].text in {"x", "fois", "*", "+"})
    ):
        k += 1
    return k if k > i + 2 and _text(items, k) == "=" else None


_CHECK_AFTER = frozenset({"c", "cest", "est", "?", "!", "", "non", "ok", "juste", "correct", "bon", "ca"})


def _working_put(items: list[_Item], i: int) -> tuple[int, Decimal] | None:
    """« 320 + 5x120 c ça ? », « 320 + 4 x 120 ? »: a sum written from item `i` with no « = », followed by a
    check: where it ends and what it comes to (« x » before « + »). A sum (one « + » at least), with an
    amount of a hundred euros or more, so that counts (« 2 + 1 patients ») are not read as one."""
    k, terms, term, expects_number = i, [], Decimal(1), True
    while k < len(items) and k <= i + 12:
        it = items[k]
        if expects_number and it.kind == "num":
            term *= Decimal(it.value)
            expects_number = False
        elif not expects_number and it.text in {"x", "fois", "*"}:
            expects_number = True
        elif not expects_number and it.text == "+":
            terms.append(term)
            term, expects_number = Decimal(1), True
        else:
            break
        k += 1
    if expects_number or not terms or _text(items, k) not in _CHECK_AFTER:
        return None  # (no « + »: « on touche 4 fois 120 ? » asks whether it is paid per session, no sum)
    terms.append(term)
    figures = [items[j].value for j in range(i, k) if items[j].kind == "num"]
    if max(figures) < 100:
        return None
    return k, sum(terms, Decimal(0))


def _ends_care(items: list[_Item], i: int) -> bool:
    """« puis sortie d'HAD ; »: a leaving told last, after « puis » or a comma, with no month after it in the
    clause (a leaving followed by a return is a new referral, which no count models)."""
    if _text(items, i - 1) not in {"puis", ",", "et"}:
        return False
    k = i + 1
    while k < len(items) and k <= i + 4 and items[k].text in {"d", "de", "l", "had", "du", "domicile", "a"}:
        k += 1
    return _text(items, k) in _END_OF_PATIENT or (k < len(items) and items[k].kind == "id")


# Nouns after « un » / « une » that count nothing of the timeline (a request, not a patient or a month).
_NOT_COUNTED_AFTER_ONE = frozenset(
    {"estimation", "idee", "simulation", "question", "reponse", "confirmation", "precision", "note",
     "chiffrage", "evaluation", "prevision", "projection", "synthese", "tableau", "recapitulatif", "total",
     # « vérifier un ordre de grandeur », « faire un point », « un calcul »: what the writer wants, no count
     "ordre", "point", "calcul", "bilan", "verification", "retour", "previsionnel",
     # « c'est un copier-coller de notre fichier », « un extrait », « un export »: what is pasted
     "copier", "copie", "extrait", "extraction", "export", "fichier"}
)  # fmt: skip


def _day_of_next_month(items: list[_Item], i: int) -> bool:
    """« les 9, 16 et 23 octobre », « le 5 et le 19 novembre »: a number followed, through « et » / « , » /
    « le » and other such numbers, by a day of a month."""
    k = i + 1
    while k < len(items) and k <= i + 6:
        if items[k].text in {"et", ",", "le"} or (items[k].kind == "num" and 1 <= items[k].value <= 31):
            k += 1
            continue
        return k > i + 1 and items[k].kind == "month" and items[k].day is not None
    return False


def _every(s: _State, i: int) -> None:
    s.every_month = True
    s.cadences.append(i)
    s.monthly.append(i)


# What opens a clause a patient's letter may start (« A inclus en janvier …, B inclus en mars … », « … avril.
# C : juin seulement »): only with the letters in order (_letters_follow).
_LETTER_OPENERS = frozenset({":", ";", "-", ",", "."})


def _clause_letters(items: list[_Item]) -> dict[str, tuple[int, int]]:
    """Each single letter that opens a clause (after « : », « ; », « - »): where it first and last does.
    One pass, so that testing each letter below stays linear in the question."""
    found: dict[str, tuple[int, int]] = {}
    for k in range(1, len(items)):
        if len(items[k].text) == 1 and items[k - 1].text in _LETTER_OPENERS:
            first, _ = found.get(items[k].text, (k, k))
            found[items[k].text] = (first, k)
    return found


def _letters_follow(openers: dict[str, tuple[int, int]], letter: str, i: int) -> bool:
    """Whether the next letter of the alphabet opens a later clause, or the one before an earlier clause
    (« A … ; B … ; C … »): letters as labels."""
    after, before = openers.get(chr(ord(letter) + 1)), openers.get(chr(ord(letter) - 1))
    return (after is not None and after[1] > i) or (before is not None and before[0] < i)


def _label(items: list[_Item], i: int) -> bool:
    """« patient A », « patient B », « P-0020 »: a patient named by a letter, a number or a code."""
    if i >= len(items):
        return False
    item = items[i]
    if item.kind == "id":
        return True
    if (
        item.kind == "num"
        and 1 <= item.value <= _MAX_LABELLED
        and _text(items, i + 1) in {":", ",", "(", "-"}
    ):
        return True  # « - patient 1 : première administration … ; - patient 2 : … »
    if item.kind == "word" and len(item.text) == 1 and item.text not in {"a", "y", "l", "d", "c"}:
        return True
    if (
        item.kind == "word"
        and item.text == "c"
        and _text(items, i + 1) not in {"est", "etait", "koi", "quoi"}
    ):
        return True  # « patient C seulement déc », not « c'est »
    # « patient A, … », « patient A à domicile … » (« à » folds to « a »), « patient A en octobre »
    return (
        item.kind == "word"
        and item.text == "a"
        and (_text(items, i + 1) in {",", ":", "inclus", "incluse", "a", "en"} or _care(_text(items, i + 1)))
    )


_INCLUSION_NOUNS = frozenset({"inclusion", "inclusions"})
_PAID_WORDS = frozenset(
    {"verse", "versee", "verses", "versees", "paye", "payes", "payee", "payees", "versement"}
)


def _numbered(s: _State, i: int) -> None:
    items = s.items
    item = items[i]
    if _text(items, i - 1) in {"patient", "patiente", "pt", "pte"}:
        return  # « patient 1 inj a dom … »: a patient's number (a label, or unread), never a count
    nxt, nxt2 = _text(items, i + 1), _text(items, i + 2)
    if nxt in {"nouveaux", "nouvelles", "nouvelle", "nouveau", "autres", "premiers", "premieres"} and nxt2:
        nxt, nxt2 = nxt2, _text(items, i + 3)
    if (
        (nxt == "mois" and nxt2 == "-" and _text(items, i + 3) in {"patient", "patients"})
        or (nxt == "mois" and nxt2 in {"patient", "patients"})
        or (nxt in _PATIENTS and nxt2 == "-" and _text(items, i + 3) == "mois")
    ):
        s.patient_months = item.value
        item.used = True
    elif (
        s.patients is not None
        and s.followed is None
        and (nxt == "deja" or (nxt in _PATIENTS and nxt2 == "deja"))
        and any(_care(_text(items, i + k)) for k in range(2, 12))
    ):
        # « 3 nouveaux patients inclus ce mois-ci + 5 déjà suivis qui ont tous eu leur injection à dom »: a
        # month's count of patients already included, each with care that month (checked in `conclude`).
        s.followed = item.value
        item.used = True
    elif nxt in _PATIENTS:
        s.patients = item.value
        item.used = True
    elif (
        nxt == "mois"
        and 1 <= item.value <= 36
        and (
            _text(items, i - 1) == "ces"
            or (_text(items, i - 1) == "les" and _text(items, i - 2) in {"sur", "pour"})
        )
    ):
        # « le total pour ces cinq mois ? », « total sur les 3 mois »: the span of the months told, checked
        # against those read.
        s.span = item.value
        item.used = True
    elif nxt == "mois" and 1 <= item.value <= 36 and (nxt2 in _SPAN_TAIL or nxt2 in _FOLLOWING):
        # « (12 mois d'affilée) »: the span of months told, checked against the months read.
        s.span = item.value
        item.used = True
        # « 3 mois avec au moins une administration »: each month told had one, whether or not in a row
        # (a month between without any pays nothing, so only their number matters).
        told_in_a_row = any(_text(items, i + k) in _IN_A_ROW for k in range(2, 6))
        s.in_a_row = told_in_a_row or _each_with_care(items, i + 2)
        # « inclusion + 11 mois d'affilée », « le mois d'inclusion puis 3 mois suivants »: the months told
        # come after the inclusion month.
        s.after_inclusion = _text(items, i - 1) in {"+", "puis"} and _text(items, i - 2) in _INCLUSION
        # « 8 patients inclus en 2026, avec ensuite 2 mois de suivi chacun »: the months after the inclusion's
        s.after_inclusion = s.after_inclusion or (
            _text(items, i - 1) == "ensuite"
            and any(_text(items, k) in _INCLUSION for k in range(max(0, i - 8), i - 1))
        )
    elif nxt in {"inclusion", "inclusions", "adressages"}:
        s.inclusions = item.value
        item.used = True
    elif (
        nxt == "mois"
        and item.value > 36
        and nxt2 == "avec"
        and s.inclusions is not None
        and any(_text(items, i + k) == "hors" for k in range(3, 12))
    ):
        # « 25 inclusions et 130 mois avec au moins une admin (hors mois d'inclusion) »: patient-months after
        # the inclusion month, told in words (a count past three years is no one patient's span)
        s.patient_months = item.value
        item.used = True
    elif nxt in {"forfait", "forfaits"} and nxt2 in {"d", "de"} and _text(items, i + 3) in _INCLUSION_NOUNS:
        s.inclusions = item.value  # « 5 forfaits d'inclusion »: the inclusions counted by their forfait
        item.used = True
    elif nxt in {"forfait", "forfaits"} and nxt2 in {"mensuel", "mensuels"}:
        s.patient_months = item.value  # « 7 forfaits mensuels »: the months after inclusion, by their forfait
        item.used = True
    elif nxt in _ADMIN or (
        nxt in _IN_MONTH_LEAD and items[i + 2 if i + 2 < len(items) else i].kind == "month"
    ):
        item.used = True  # « 1 injection », « 2 en avril », « 1 mi-mars »: administrations, not months
    elif (
        1 <= item.value <= 9
        and nxt == "le"
        and i + 2 < len(items)
        and items[i + 2].kind == "month"
        and items[i + 2].day is not None
    ):
        item.used = True  # « 1 le 14 janv », « 2 le 3/05 »: administrations on that day
    elif (
        1 <= item.value <= 31
        and _text(items, i - 1) == "le"
        and (
            (nxt in {".", ",", ";", "?", "!", ""} and _month_before_in_sentence(items, i))
            or (nxt == ")" and _glosses_a_month(items, i))
            or (nxt == "de" and nxt2 == "chaque" and _text(items, i + 3) == "mois")
            or (nxt == "a" and nxt2 == "chaque" and _text(items, i + 3) in {"fois", "mois"})
            or (nxt == "du" and nxt2 == "mois")
        )
    ):
        # « En novembre, reprise des injections le 12. », « vers le 15 de chaque mois »: a day of a month
        # told (or of each), which changes no month read
        item.used = True
    elif _text(items, i - 1) == "moins" and _text(items, i - 2) == "au":
        item.used = True
    elif (
        _text(items, i - 1) in {"des", "les", "aux"}
        and (nxt in {"?", ".", ",", ":", ""} or nxt in _PATIENTS)
        and not _month_in_clause(items, i)
    ):
        s.both = item.value  # « total des deux ? »
        item.used = True
    elif (
        nxt in {"€", "euro", "euros"}
        or _text(items, i - 1) == "="
        # « de janv à mai ça fait 800 ? »: a sum put to be checked, its euro sign left out
        or (item.value >= 100 and nxt in {"?", "!", "", "c", "cest"} and _text(items, i - 1) in _TOTAL_WORDS)
        or (
            item.value >= 100 and nxt in {"c", "cest"} and _text(items, i - 1) == "donc"
        )  # « donc 440 c'est ça ? »
        # « ma collègue dit 800, moi 680 »: two sums put side by side, to be settled
        or (item.value >= 100 and _text(items, i - 1) in _RIVAL_SUMS and nxt in _RIVAL_END)
    ):
        _amount(s, i)


_FOLLOWING = frozenset({"suivants", "suivant", "avec"})
_AT_LEAST_ONE = frozenset({"au", "moins", "une", "un", "des", "d", "de", "1"})


# « 3 mois chacun à domicile (mois d'inclusion compris, une perfusion par mois) »: words between a count of
# months and the care told of each
_SPAN_FILLER = frozenset(
    {"a", "domicile", "dom", "chacun", "chacune", ",", "(", "mois", "d", "inclusion", "compris", "en", "had"}
)


def _each_with_care(items: list[_Item], at: int) -> bool:
    """« 3 mois [suivants] avec (au moins une) administration », « 2 mois de suivi chacun (une injection par
    mois) »: each month counted is told with care."""
    k = at
    if _text(items, k) in {"suivants", "suivant"}:
        k += 1
    elif _text(items, k) in {"de", "d"} and _text(items, k + 1) in {"suivi", "traitement", "soins"}:
        k += 2  # « 11 mois de suivi avec au moins 1 injection/mois »
    end = k + 10  # (bounded: a few words, never the rest of the text)
    while k < end and _text(items, k) in _SPAN_FILLER:
        k += 1
    if _text(items, k) in {"une", "un", "1"}:
        return _text(items, k + 1) in _ADMIN and (_text(items, k + 2), _text(items, k + 3)) == ("par", "mois")
    if _text(items, k) != "avec":
        return False
    k += 1
    while _text(items, k) in _AT_LEAST_ONE:
        k += 1
    return _text(items, k) in _ADMIN


def _month_in_clause(items: list[_Item], i: int) -> bool:
    """Whether a month is told in the clause before item i: « inj en mai pour les deux » tells care shared by
    the patients, which no one patient's months hold; it is left unread, and the story to a person."""
    for k in range(i - 1, -1, -1):
        if items[k].text in _CLAUSE_END or items[k].text == ":":
            return False
        if items[k].kind == "month":
            return True
    return False


_EXCEPTED = frozenset({"sauf", "hors", "excepte", "pas", "sans", "rien", "aucune", "aucun"})


def _glosses_a_month(items: list[_Item], i: int) -> bool:
    """« inclus en mars (1re perf à dom le 3) »: a day told in an aside right after a month with care is that
    month's day. Not « sauf en mai (mais une injection le 20) »: an aside that contradicts the month."""
    k = i - 1
    while k >= 0 and items[k].text != "(":
        if items[k].text in _HARD_STOP or items[k].text == "mais" or items[k].kind == "month":
            return False
        k -= 1
    if k < 1 or items[k - 1].kind != "month":
        return False
    return not any(_text(items, j) in _EXCEPTED for j in range(k - 4, k - 1) if j >= 0)


def _month_before_in_sentence(items: list[_Item], i: int) -> bool:
    for k in range(i - 1, max(-1, i - 12), -1):
        if items[k].kind == "month":
            return True
        if items[k].text in {".", "?", "!", ";"}:
            return False
    return False


_WORKING_SIGNS = frozenset({"+", "x", "*", "(", ")", "fois"})


def _working_start(items: list[_Item], end: int, signs: frozenset[str]) -> int:
    """The index just before the working (figures and signs) that ends before item end; -1 at the start."""
    k = end - 1
    while k >= 0 and (items[k].kind == "num" or items[k].text in signs):
        k -= 1
    return k


def _one_month_sum(items: list[_Item], i: int) -> bool:
    """« janvier = 4x120 = 480 c ça ? »: the working that ends on item i is one month's, named before it."""
    k = _working_start(items, i, _WORKING_SIGNS | {"="})
    return k >= 0 and items[k].kind == "month"


def _amount(s: _State, i: int) -> None:
    """A sum the user states (« = 700 € », « total 700 € », « ça fait 700 € ? »); amounts listed per month are
    terms, read by _ordinal_month."""
    items = s.items
    if _text(items, i + 1) in {"e", "eur"} and _text(items, i + 2) in {"?", ".", "!", ",", ""}:
        items[i + 1].text = "€"  # « = 1920 e ? »: the euro sign typed as a letter, at the end of the sum
    before = {_text(items, i - k) for k in (1, 2, 3)}
    after = {_text(items, i + k) for k in (1, 2, 3)}
    if _text(items, i + 1) in {"c", "cest", "pour"} and (
        before & _TOTAL_WORDS
        or ("=" in before and not _one_month_sum(items, i))
        or _text(items, i - 1) == "donc"  # « donc 440 c'est ça ? »
    ):
        # « total 1320 c bien ça ? »: the sum to check, its euro sign left out
        s.stated.append(Decimal(items[i].value))
        items[i].used = True
        return
    if _text(items, i + 1) not in {"€", "euro", "euros", "?", ".", "!", ",", ""} | _RIVAL_SUMS:
        return  # « = 3 forfaits »: a count, not a sum
    checked = {_text(items, i + k) for k in (2, 3, 4)} & {"bon", "juste", "correct", "exact"}
    if checked and _text(items, i + 1) in {"€", "euro", "euros"}:
        s.stated.append(Decimal(items[i].value))  # « 680 € c'est juste ? »
        items[i].used = True
    elif (
        "=" in before
        or before & _TOTAL_WORDS
        or ({"au", "total"} <= after)
        or ({"en", "tout"} <= after)
        or _text(items, i - 1) == "dit"
        or _text(items, i - 1) in {"donne", "donnent", "obtient", "obtenons", "affiche"}
        or (_text(items, i - 1) in _RIVAL_SUMS and s.stated)
        # (« … en septembre → 1280 € pour sept, je me trompe pas ? »: the arrow leads to the sum found)
        or (_text(items, i - 1) in {"-", ">", "donc"} and _text(items, i + 1) in {"€", "euro", "euros"})
    ):
        s.stated.append(Decimal(items[i].value))
        items[i].used = True
        if _text(items, i - 1) == "=" and not _one_month_sum(items, i):
            _working_used(items, i - 1)


def _working_used(items: list[_Item], at: int) -> None:
    """« mon chef a calculé 3 x (320x3) = 2880 € »: the working before « = » is the sum put to the test, not
    figures of the timeline."""
    start = _working_start(items, at, _WORKING_SIGNS)
    operands = [k for k in range(start + 1, at) if items[k].kind == "num"]
    if len(operands) > 1:
        for k in operands:
            items[k].used = True


def _ordinal_month(s: _State, i: int) -> None:
    """« mois 1 : 320, mois 2 : 120 »: months counted from the first, with the amount the user put on each."""
    items = s.items
    number = items[i + 1]
    if number.kind != "num" or not 1 <= number.value <= 36:
        return
    j = i + 2
    while j < len(items) and items[j].text in {":", "=", "-"}:
        j += 1
    amount: Decimal | None = None
    if j < len(items) and items[j].kind == "num" and items[j].value >= 0:
        amount = Decimal(items[j].value)
        items[j].used = True
        if _text(items, j + 1) in {"€", "euro", "euros"}:
            items[j + 1].used = True
    number.used = True
    if number.value in s.ordinal_months:
        s.stated.append(Decimal(-1))  # « mois 1 » told twice: the reading contradicts itself
    s.ordinal_months[number.value] = amount


def _lists(s: _State) -> None:
    """Group the months into lists and ranges and give each list its kind from the words around it."""
    items = s.items
    n = len(items)
    lists: list[tuple[list[_Segment], int, int]] = []  # segments, first item index, last item index
    current: list[_Segment] = []
    start = last_month = -1
    i = 0
    while i < n:
        item = items[i]
        if item.kind != "month" or i in s.bounds:
            i += 1
            continue
        # A range: « de mars à juin », « entre mars et juin », « mars-juin », « février à avril 2026 ».
        j = i + 1
        joined = False
        while j < n and j <= i + 4 and items[j].text in {"a", "au", "-", "jusqu", "et", "fin", "en"}:
            joined = joined or items[j].text in {"a", "au", "-", "jusqu"}
            j += 1
        is_range = (
            j < n
            and items[j].kind == "month"
            and (joined or (_text(items, i - 1) == "entre" and _text(items, i + 1) == "et"))
        )
        segment = _Segment(item, items[j] if is_range else None)
        between = range(last_month + 1, i)
        # « mai, pause en juin »: the pause names this month (a list of its own, emptied by _kind); « mars,
        # pause, juin »: the pause is the months between.
        names_month = any(
            items[k].text == "pause" and (_text(items, k + 1) in _LEADS_ON | {"pendant"} or k + 1 == i)
            for k in between
        )
        # « sauf en février 2026 (hospitalisation intercurrente) et en juillet 2026 (report) »: an aside in
        # brackets right after a month is stepped over, the list goes on.
        aside = 0
        if _text(items, last_month + 1) == "(":
            close = next(
                (k for k in range(last_month + 2, min(i, last_month + 12)) if items[k].text == ")"), None
            )
            aside = 0 if close is None else close - last_month
            # (« pas d'inj avril mai (pause ttt), et juin »: a comma after the aside closes the list)
            aside = 0 if _text(items, last_month + aside + 1) == "," else aside
        if (
            current
            and i - last_month - aside <= 6
            and not names_month
            and all(items[k].text in _IN_LIST for k in between if k > last_month + aside)
            # (« aucune en novembre, une en décembre »: after a month without, « une » starts care again)
            and not (
                any(items[k].text in _ONE_MORE for k in between)
                and any(items[k].text in _NEGATIONS for k in range(max(0, start - 5), i))
            )
        ):
            # « janv, fév, mars, pause, juin »: the months between the two around « pause » had none.
            for k in between:
                if items[k].text in _ONE_MORE:
                    items[k].used = True  # « une perf à la mi-novembre et une à la mi-décembre »
                if items[k].text == "pause":
                    items[k].used = True
                    s.pauses.append((items[last_month], item))
            segment.after_comma = any(items[k].text == "," for k in between)
            current.append(segment)
        else:
            if current:
                lists.append((current, start, last_month))
            current, start = [segment], i
        last_month = j if is_range else i
        i = last_month + 1
    if current:
        lists.append((current, start, last_month))
    previous_end = -1
    # (the labels, all read by _phrases, as a set once: a list's « in » at each month was quadratic)
    labelled = frozenset(s.labels)
    for index, (segments, first, last) in enumerate(lists):
        next_start = lists[index + 1][1] if index + 1 < len(lists) else n
        kind, tail_empty = _kind(s, first, last, previous_end, next_start, labelled)
        # « inclus en juin, juillet rien »: a negation after the list takes the months after its last comma.
        tail = (
            max((p for p, seg in enumerate(segments) if seg.after_comma), default=0) if tail_empty else None
        )
        for position, segment in enumerate(segments):
            if tail is not None and position >= tail:
                segment.kind = "empty"
                continue
            # « 1re perfusion le 28/02, puis le 02/03 … »: only the list's first month is the inclusion;
            # « hospit tt avril, 5/05 + 26/05, 16/06 »: a stay told of the list's head never empties the days
            # told after it (a day named in a care timeline is a day of care).
            dated_after_empty = kind == "empty" and position and segment.first.day is not None
            segment.kind = "admin" if (kind == "inclusion" and position) or dated_after_empty else kind
            if kind == "until" and (len(segments) > 1 or segment.last is not None):
                segment.kind = "admin"
        s.segments.extend(segments)
        if kind == "empty" or tail is not None:
            for k in range(first, last + 1):
                if items[k].text == "ni":
                    items[k].used = True
        previous_end = last


_AT_HOME = frozenset({"had", "domicile", "dom"})
_GAP_UNTIL = frozenset({"rien", "aucun", "aucune", "pas", "jamais"})


def _months_at_home(items: list[_Item], j: int) -> bool:
    """« mois HAD », « mois à domicile », « mois en HAD » at `j`: the months listed next are at home."""
    return items[j].text == "mois" and _text(items, j + 1 + (_text(items, j + 1) in _LEADS_ON)) in _AT_HOME


_AFTER_MONTH = frozenset({":", ",", "est", "a", "ete", "il", "y", "-", "donc"})
_LEADS_ON = frozenset({"en", "de", "d", "du", "au", "pour"})
_AFTER_LABEL = frozenset(
    {":", "seulement", "uniquement", "en", "aussi", "a", "dom", "domicile", "de", "d", "du"}
)


# What may stand between two lists of one timeline: « pas d'inj avril mai (pause ttt), et juin ».
_CONTINUING = _LIST_GLUE | {"puis", "ensuite", "de", "nouveau", "-", ">"}


def _continues(s: _State, previous_end: int, first: int) -> bool:
    """Whether the list at `first` goes on from the previous one, a list of care (or of months without), with
    only list glue, continuation words and asides in brackets between them."""
    if previous_end < 0 or not s.segments or s.segments[-1].kind not in {"admin", "inclusion", "empty"}:
        return False
    k = first - 1
    while k > previous_end:
        text = s.items[k].text
        if text == ")":
            opening = next((j for j in range(k - 1, previous_end, -1) if s.items[j].text == "("), None)
            if opening is None:
                return False
            k = opening - 1
        elif text in _CONTINUING:
            k -= 1
        else:
            return False
    return True


_WARD_WORDS = frozenset(
    {"en", "conventionnel", "complete", "complet", "service", "onco", "oncologie", "medecine"}
)


def _whole_month_after(items: list[_Item], k: int) -> int | None:
    """After a hospital word at `k`: where « tout le mois » (« tt le mois ») ends, a few words of the ward
    allowed between (« hospitalisé en conventionnel tt le mois »); None when it is not said."""
    j = k + 1
    while j < len(items) and j <= k + 3 and items[j].text in _WARD_WORDS:
        j += 1
    if _text(items, j) in {"tout", "tt"} and [_text(items, j + 1), _text(items, j + 2)] == ["le", "mois"]:
        if _text(items, j + 3) in {"de", "d"} and j + 4 < len(items) and items[j + 4].kind == "month":
            return None  # « 7/04, hospit tout le mois de mai »: the month in hospital is the one named after
        return j + 3
    return None


_END_OF_CARE = frozenset({"fin", "sortie", "sorti", "sortis"})
_DEATH = frozenset({"decede", "decedee", "deces"})
_HOME_CARE = frozenset({"pec", "prise", "had", "charge"})  # not « fin novembre », a month's end
_END_FILLER = frozenset(
    {
        "de",
        "d",
        "du",
        "la",
        "l",
        "pec",
        "prise",
        "en",
        "charge",
        "had",
        "a",
        "domicile",
        "le",
        "au",
        "definitive",
    }
)


def _kind(
    s: _State, first: int, last: int, previous_end: int, next_start: int, labelled: frozenset[int]
) -> tuple[str, bool]:
    """The kind the words before the list give it, and whether a negation right after it empties its tail."""
    items = s.items
    kind = "admin"
    # Before the list, back to the previous list or a full stop: its negation, inclusion or referral word.
    k = first - 1
    seen_admin = False
    reach = first - 8  # eight words back, an aside in brackets not counted
    while k > previous_end and k >= reach:
        if items[k].text == ")":
            # « 1re injection à domicile (HAD partenaire) en mars »: an aside in brackets is stepped over.
            back = range(k - 1, max(previous_end, k - 8), -1)
            opening = next((j for j in back if items[j].text == "("), None)
            if opening is None:
                break
            reach -= k - opening + 1
            k = opening - 1
            continue
        if items[k].text in _HARD_STOP:
            break
        w = items[k].text
        if w == "," and seen_admin:
            break  # « rien en janvier car pause, reprise le 4 février »: the pause is January's
        if (
            kind == "until"
            and w in _GAP_UNTIL
            and not {_text(items, k + 1), _text(items, k + 2)} & _NEGATIONS
        ):
            # « puis plus rien jusqu'au 1/6 », « pas de cure jusqu'en mai »: the gap ends there, the day told
            # is the next administration (not « sans interruption jusqu'à … », « pas d'arrêt jusqu'en mai »).
            items[k].used = True
            return "admin", False
        if w in _NEGATIONS and not items[k].used:
            items[k].used = True
            return "empty", False
        if (
            w in _END_OF_CARE
            and not seen_admin
            and all(items[j].text in _END_FILLER for j in range(k + 1, first))
            and any(items[j].text in _HOME_CARE for j in range(k + 1, first))
        ):
            # « puis fin de PEC HAD le 01/03 », « sortie d'HAD le 3 mars »: the day care at home ended is no
            # administration (its month counts only if one is told in it), and the care stops there.
            items[k].used = True
            s.stops = True
            return "ended", False
        if w in _DEATH and not seen_admin and k >= first - 2 and items[first].day is not None:
            # « décédé le 03/11 après une dernière perf le 1er novembre »: the day care ended; the month
            # counts only by an administration told in it (a death before any leaves nothing read)
            items[k].used = True
            s.stops = True
            return "ended", False
        if (
            w in _HOSPITAL
            and not items[k].used
            and all(items[j].text in _IN_HOSPITAL for j in range(k + 1, first))
        ):
            # « hospitalisé en mai et en juin », « hospitalisée tout le mois de novembre »: a stay in hospital
            # the whole month is no month at home.
            items[k].used = True
            return "empty", False
        if _care(w):
            seen_admin = True
        if w in {"jusqu", "jusque"} and k >= first - 3:
            kind = "until"
        if kind == "admin" and w in {"derniere", "dernier"} and k >= first - 3 and first == last:
            kind = "last"  # « (la dernière fin juillet) »: a month, no day: the last one's
        if kind == "admin" and w in _INCLUSION:
            kind = "inclusion"
        if (
            kind == "admin"
            and w == "depuis"
            and k == first - 1
            and {items[j].text for j in range(max(0, k - 6), k)} & {"charge", "had", "domicile", "dom"}
        ):
            # « pris en charge par l'HAD depuis novembre 2025, une perf chaque mois jusqu'à mars »: home care
            # starts that month (its first administration is the cadence's first)
            kind = "inclusion"
        if kind == "admin" and w in _REFERRAL and not seen_admin:
            kind = "referral"
        if items[k].kind == "ord" and items[k].value == 1:
            items[k].used = True
            kind = "inclusion" if kind == "admin" else kind
        k -= 1
    lead = first - 1
    while lead > previous_end and items[lead].text in {"le", "seul", "mois", "de", "d", "du"}:
        lead -= 1
    if _text(items, lead) == "pour":
        # « combien pour décembre ? », « pour le seul mois de juillet ? »: the month asked about, not a month
        # of care
        return "asked", False
    care = seen_admin or any(
        j in s.cadences  # « ttes les 3 sem … depuis le 8/01 »: a cadence of care leads to the months
        or items[j].text in _INCLUSION
        or items[j].text in {"puis", "ensuite"}
        or items[j].kind == "ord"
        # « 2 en février », « 1 mi-mars »
        or (items[j].kind == "num" and items[j].used and _text(items, j + 1) in _IN_MONTH_LEAD)
        or (items[j].text == "une" and items[j].used and _text(items, j + 1) in _COUNT_LEAD)
        for j in range(max(previous_end + 1, first - 8), first)
    )
    care = care or any(_care(items[j].text) for j in range(last + 1, min(len(items), last + 4)))
    # « mois HAD = 2027-02, 2027-03 … », « mois à domicile : mars, avril »: the list names the months at home
    care = care or any(_months_at_home(items, j) for j in range(max(previous_end + 1, first - 5), first))
    # « en HAD de janvier à juin 2026 avec au moins 1 perf chaque mois »: the care told a little further on,
    # before any other month or the end of the sentence
    after = last + 1
    while (
        after < min(len(items), last + 8)
        and items[after].kind != "month"
        and items[after].text not in _HARD_STOP
    ):
        care = care or (_care(items[after].text) and _text(items, after - 1) not in _NEGATIONS)
        after += 1
    care = care or _continues(s, previous_end, first)
    # « P2 seulement oct et nov »: months told right after a patient's code are that patient's months of care.
    k = first - 1
    while k > previous_end and k >= first - 4 and items[k].text in _AFTER_LABEL:
        k -= 1
    if k - 1 > previous_end and k - 1 in labelled and items[k].used:
        k -= 1  # « patient B nov et déc »: the label's letter, then its word
    elif k - 2 > previous_end and k - 2 in labelled and items[k].used and items[k - 1].text == ".":
        k -= 2  # « M. B : d'avril à septembre »: « monsieur » abbreviated, then the letter
    # (« P3 : de mai à août », « patient A à domicile oct, nov » as much as « P2 oct et nov »)
    care = care or (k > previous_end and k in labelled)
    care = care or all(
        items[j].kind != "month" or items[j].day is not None or items[j].text == "ce mois-ci"
        for j in range(first, last + 1)
    )
    # « combien au total de juin à septembre ? »: months named by the question that asks the total, with no
    # word of care, are the months asked about (they must hold every month read), not months of care.
    asking = any(
        items[j].text in _ASKING and items[j].kind == "word"
        for j in range(max(previous_end + 1, first - 6), first)
    )
    # « pouvez-vous vérifier nos forfaits de septembre à décembre ? »: the span of the sum asked
    asking = asking or (
        _text(items, first - 1) in {"de", "du", "d"} and _text(items, first - 2) in _SUM_WORDS
    )
    if kind == "admin" and not care and asking and last > first:
        return "asked", False  # (a single month named so is read below: told again, or unread)
    # « … B admins avril et mai. total fev-mai 2026 ? »: a range right after the word that asks, in a
    # sentence of its own, is the span asked, whatever care the sentence before told.
    ask_at = next(
        (j for j in (first - 1, first - 2) if j > previous_end and _text(items, j) in _ASKING), None
    )
    if (
        kind == "admin"
        and last > first
        and ask_at is not None
        and any(items[j].text in _HARD_STOP for j in range(previous_end + 1, ask_at))
    ):
        return "asked", False
    # « … -> de janv à mai ça fait 800 ? »: a range followed by the sum put to be checked is the span asked.
    if (
        kind == "admin"
        and not seen_admin
        and last > first
        and _text(items, last + 1) not in _HARD_STOP
        and _TOTAL_WORDS & {_text(items, last + 1), _text(items, last + 2)}
        and any(it.kind == "num" and it.value >= 100 for it in items[last + 2 : last + 5])
    ):
        return "asked", False
    if kind == "admin" and not care and not s.legend:
        kind = "unknown"  # « la HAD a changé en avril »: a month told for another reason
    # After the list: « juillet rien », « novembre sans », « octobre est sans perf », « mai : aucune »; not
    # « décembre sans injection en novembre » (the negation leads on to the next month).
    k = last + 1
    while k < next_start and k <= last + 3 and items[k].text in _AFTER_MONTH:
        k += 1
    whole = _whole_month_after(items, k) if k < next_start and items[k].text in _HOSPITAL else None
    if whole is not None and not items[k].used:
        # « juin hospitalisée tout le mois », « …, en février il est hospitalisé en conventionnel tt le
        # mois »: that month in hospital (of a list, the months after its last comma)
        _use(items, *range(k, whole))
        return ("empty", False) if first == last else (kind, True)
    if k < next_start and items[k].text in {"rien", "sans", "pas", "aucun", "aucune"} and not items[k].used:
        # (« janv, rien fév ni mars »: a negation right before the next month is that month's)
        leads_on = next_start == k + 1 or (
            next_start <= k + 5 and any(items[j].text in _LEADS_ON for j in range(k + 1, next_start))
        )
        if not leads_on:
            items[k].used = True
            return kind, True
    return kind, False


# ------------------------------------------------------------------------------------------ years


def _wraps_past_today(segments: list[_Segment], today: date) -> bool:
    """Whether months placed with no year said span a year or more and run past today's month."""
    placed = [
        Month(it.year, it.month)
        for seg in segments
        for it in (seg.first, seg.last)
        if it is not None and it.year is not None
    ]
    if not placed:
        return False
    lo, hi = min(placed), max(placed)
    return hi > Month.of(today) and len(months_between(lo, hi)) >= _MONTHS_IN_YEAR


def _place_years(segments: list[_Segment], context_year: int | None, today: date) -> bool:
    """Give each month without a year the year that keeps the months in the order they are told; the months
    said to have none are placed inside the span of the others. Returns whether any year was stated."""
    points = [it for seg in segments for it in (seg.first, seg.last) if it is not None]
    dated = any(it.year is not None for it in points) or context_year is not None
    positive = [
        it for seg in segments if seg.kind != "empty" for it in (seg.first, seg.last) if it is not None
    ]
    negative = [
        it for seg in segments if seg.kind == "empty" for it in (seg.first, seg.last) if it is not None
    ]
    guessed = {id(it) for it in positive if it.year is None}
    anchor = next((it for it in positive if it.year is not None), None)
    if anchor is None and context_year is None and negative:
        anchor = next((it for it in negative if it.year is not None), None)
    if anchor is None:
        base = context_year if context_year is not None else today.year
        if positive:
            positive[0].year = base
        elif negative:
            negative[0].year = base
    # Forward from each known year, backward before the first one.
    known = [i for i, it in enumerate(positive) if it.year is not None]
    if known:
        first_known = known[0]
        for i in range(first_known - 1, -1, -1):
            later = positive[i + 1]
            assert later.year is not None
            positive[i].year = later.year if positive[i].month <= later.month else later.year - 1
        placed = {it.month: it.year or 0 for it in positive[: first_known + 1]}
        for i in range(first_known + 1, len(positive)):
            if positive[i].year is None:
                before = positive[i - 1]
                assert before.year is not None
                again = placed.get(positive[i].month)
                if (
                    again is not None
                    and 0 <= (before.year - again) * 12 + before.month - positive[i].month < 12
                ):
                    # « de février à avril 2026 (la toute première en février) »: February told again.
                    positive[i].year = again
                else:
                    positive[i].year = before.year if positive[i].month >= before.month else before.year + 1
            placed[positive[i].month] = positive[i].year or 0
    span = [Month(it.year, it.month) for it in positive if it.year is not None]
    lo = min(span) if span else None  # (once: a minimum per month said to have none was quadratic)
    first_told = min((it.at for it in positive), default=None)
    for it in negative:
        if it.year is not None:
            continue
        if lo is not None and first_told is not None and it.at < first_told:
            # « sous xeloda per os en janv et fév, puis oxali en HAD en mars … 2026 »: told before the care,
            # before it
            it.year = lo.year if it.month <= lo.month else lo.year - 1
        elif lo is not None:
            it.year = lo.year if it.month >= lo.month else lo.year + 1
        else:
            it.year = context_year if context_year is not None else today.year
    # « … hospit tout le mois de mars …, reprise en avril et mai. et mars ça compte ? »: a month told for no
    # care, after a month said to have none, is that month told again (asked), not one of the next year.
    # (one walk in text order, the last month said to have none kept by month: linear)
    asked_again = [seg.first for seg in segments if seg.kind == "unknown" and seg.last is None]
    events = sorted(
        [(it.at, 0, it) for it in negative] + [(it.at, 1, it) for it in asked_again], key=lambda e: e[:2]
    )
    last_empty: dict[int, int | None] = {}
    for _, is_asked, it in events:
        if not is_asked:
            last_empty[it.month] = it.year
        elif id(it) in guessed and it.month in last_empty:
            it.year = last_empty[it.month]
    return dated


# ------------------------------------------------------------------------------------------ the reading


def months_told(text: str, today: date) -> int:
    """How many months or dates the question names (read or not)."""
    return sum(1 for it in _merge_months(_tokens(text), today) if it.kind == "month")


@lru_cache(maxsize=64)
def read(text: str, today: date) -> Reading | None:
    """The timeline the question describes, or None when any of its months, numbers, dates or negations is
    not accounted for (then no total may be given)."""
    items = items_of(text, today)
    state = _State(items, legend=_LEGEND.search(fold(text)) is not None)
    _phrases(state)
    # « (chaque mois cité = au moins une injection) »: the legend, no cadence
    state.cadences = [c for c in state.cadences if _text(items, c + 2) not in {"cite", "cites"}]
    state.every_month = state.every_month and bool(state.cadences)
    if state.unbroken and (state.weeks is not None or (state.step_days or 0) > _LONGEST_MONTH):
        # « toutes les 6 semaines …, puis tous les 42 jours sans interruption »: the longer cadence goes on
        # unbroken, which is not one administration every month (some months have none)
        state.cadences = [c for c in state.cadences if c not in state.unbroken]
        state.every_month = any(c not in state.unbroken for c in state.monthly)
    _site_markers(state)
    _bullet_labels(state)
    _sessions(state)
    _lists(state)
    _oral_months(state)
    _asides(state)
    _care_sites(state)
    _oral_patients(state)
    # (a month read as spent in hospital only now, « hospit tout le mois de mai (0 inj) »: its aside again)
    _reason_asides(state)
    if _label_repeated(state):
        return None
    return conclude(state, today)


def _one_patient_code(state: _State) -> None:
    """« patient 12 inclus en sept… », « pt 12 adressé le 1er mars … »: the one patient the question tells of,
    named by a number, which is a name (never a count) whichever reader took the months."""
    items = state.items
    codes = [
        k
        for k, it in enumerate(items)
        if it.kind == "num" and _text(items, k - 1) in {"patient", "patiente", "pt", "pte"}
    ]
    if len(codes) == 1 and set(state.labels) <= set(codes) and state.patients in (None, 1):
        items[codes[0]].used = True


def _label_repeated(state: _State) -> bool:
    """« P1;2026-05-04 / P1;2026-05-18 / P2;… »: one line per administration, a patient's code on several.
    Each label opens one patient; the same one twice would count a patient twice (a confident total of
    twice the sum), so such a listing is not read."""
    items = state.items
    codes = [items[i].text for i in state.labels if items[i].kind == "id"]  # (letters may open lists twice)
    return len(set(codes)) < len(codes)


# « (mois avec injection à dom) », « (chaque mois cité = au moins une injection à domicile) », « x = au moins
# une admin »: what every month told is.
_LEGEND = re.compile(
    r"\b(?:mois (?:avec|=) (?:au moins une |une |des )?(?:inj|admin|perf|cure|chimio)\w*"
    r"|(?:mois cites? |x )= ?au moins une (?:inj|admin|perf|cure|chimio)\w*)"
)
_BULLETS = frozenset({"-", "•", "*", "·"})
# The longest name a bullet gives before its « : » (« - M.R. : », « - Mme Dupont : »).
_BULLET_NAME = 6


def _site_markers(s: _State) -> None:
    """« site Nord : », « site de Vernon : »: the patients told after it are that site's (a name of plain
    words before « : »)."""
    items = s.items
    for k, it in enumerate(items[:-2]):
        if it.text == "site" and not it.used:
            colon = next((j for j in range(k + 2, min(len(items), k + 5)) if items[j].text == ":"), None)
            if colon is not None and all(
                n.kind == "word" and not n.significant for n in items[k + 1 : colon]
            ):
                s.sites.append(
                    (k, " ".join(n.text for n in items[k + 1 : colon] if n.text not in {"de", "d"}))
                )


def _bullet_labels(s: _State) -> None:
    """« - M.R. : oct, nov, déc ; - J.P. : nov seulement »: a list whose bullets each name someone before
    « : » and then tell months is a list of patients, however they are named (initials, a first name); the
    bullet is the label. Only when two bullets at least do, and no label was read inside them."""
    items = s.items
    labels = sorted(s.labels)
    found: list[tuple[int, int]] = []
    for k, it in enumerate(items):
        if it.text not in _BULLETS or (
            k and items[k - 1].kind not in {"month", "punct", "year", "word", "id"}
        ):
            continue
        colon = next(
            (j for j in range(k + 1, min(len(items), k + _BULLET_NAME + 2)) if items[j].text == ":"), None
        )
        if colon is None or colon == k + 1:
            continue
        name = items[k + 1 : colon]
        if any(n.kind not in {"word", "id", "punct"} or n.text in _BULLETS or n.significant for n in name):
            continue
        if not any(items[j].kind == "month" for j in range(colon + 1, min(len(items), colon + 4))):
            continue
        at = bisect_left(labels, k)
        if at < len(labels) and labels[at] <= colon:
            continue  # a label already read inside the name (« - patient A : »)
        found.append((k, colon))
    if len(found) < 2:
        return
    for k, colon in found:
        s.labels.append(k)
        _use(items, *range(k, colon + 1))
    s.labels.sort()


_PLANNED_SESSIONS = frozenset(
    {"prevue", "prevues", "prevus", "programmee", "programmees", "planifiee", "planifiees"}
)


def _sessions(s: _State) -> None:
    """« cycles tous les 21 j à partir du 10/02/2026, 6 cycles »: a number of sessions in all, read only with
    a cadence in days or weeks (then each session is one step after the one before)."""
    if s.step_days is None:
        return
    for k, it in enumerate(s.items[:-1]):
        # (« 4 cures » may have been read as a count of administrations: it is the sessions' count here)
        if it.kind == "num" and 2 <= it.value <= 40 and s.items[k + 1].text in _SESSIONS:
            if s.sessions is not None:
                s.sessions = -1  # two counts: which one is not read
            else:
                s.sessions = it.value
            it.used = True
            if _text(s.items, k + 2) in _PLANNED_SESSIONS:
                s.items[k + 2].used = True  # « 5 cures prévues »: the sessions, all of them to come
        elif (
            it.kind == "ord"
            and 2 <= it.value <= 40
            and _text(s.items, k - 1) in {"sa", "son", "la"}
            and (s.items[k + 1].text in _SESSIONS or s.items[k + 1].text in _ADMIN)
        ):
            # « il en est à sa 6e administration »: the sessions so far, the last one being the 6th
            s.sessions = -1 if s.sessions is not None else it.value
            it.used = True


def names_several_patients(text: str, today: date) -> bool:
    """Whether the question tells of several patients by name or label (« patient A … patient B », « - M.R. :
    … - J.P. : … »), whatever the reader makes of their months."""
    state = _State(items_of(text, today))
    _phrases(state)
    _bullet_labels(state)
    return len(state.labels) >= 2 or _named_patients(state.items) >= 2


_EVERY_OPENERS = frozenset({"tous", "ts", "chaque"})
_YEAR_LEADS = frozenset({"de", "d", "en"})
_EXCEPT_GLUE = frozenset({"en", "et", ",", "ni", "de"})


def _every_month_but(items: list[_Item]) -> list[_Item]:
    """« tous les mois de 2026 sauf en août », « en 2026 … chaque mois sauf juillet et décembre »: every month
    of one year but those excepted is the span from January to December of that year, the excepted months
    empty. The year is the one in the phrase, else the last one told before it in the sentence."""
    for k, item in enumerate(items):
        if item.text not in _EVERY_OPENERS:
            continue
        j = k + 2 if _text(items, k + 1) == "les" else k + 1
        if _text(items, j) != "mois":
            continue
        end = j + 1
        year: int | None = None
        if _text(items, end) in _YEAR_LEADS and _kind_at(items, end + 1) == "year":
            year, end = items[end + 1].value, end + 2
        elif [_text(items, end), _text(items, end + 1), _text(items, end + 2)] == ["de", "l", "annee"]:
            end += 3
            if _kind_at(items, end) == "year":
                year, end = items[end].value, end + 1
        if _text(items, end) != "sauf" and year is None:
            continue  # (« tous les mois de 2026 » alone is that year's twelve months)
        if year is None:
            for b in range(k - 1, -1, -1):
                if items[b].text in _HARD_STOP - {"(", ")"}:
                    break
                if items[b].kind == "year":
                    year = items[b].value
                    break
                if items[b].kind == "month":
                    break  # months told already: the span is theirs to read, not a whole year
        if year is None:
            continue
        # The months excepted are of that year (« … sauf en août et en décembre »).
        k2 = end + 1
        while k2 < len(items) and (items[k2].kind == "month" or items[k2].text in _EXCEPT_GLUE):
            if items[k2].kind == "month" and items[k2].year is None:
                items[k2].year = year
            k2 += 1
        span = [
            _Item("word", "de"),
            _Item("month", "janvier", month=1, year=year, significant=True),
            _Item("word", "a"),
            _Item("month", "decembre", month=12, year=year, significant=True),
        ]
        return items[:k] + span + _every_month_but(items[end:])
    return items


def _end_of_year(items: list[_Item]) -> list[_Item]:
    """« … jusqu'à la fin de l'année (2026) »: the end of December of the year told, in the phrase or last
    before it (a date's or a year's)."""
    for k in range(len(items) - 3):
        if [it.text for it in items[k : k + 4]] != ["fin", "de", "l", "annee"]:
            continue
        end = k + 4
        year: int | None = None
        if _kind_at(items, end) == "year":
            year, end = items[end].value, end + 1
        else:
            for b in range(k - 1, -1, -1):
                if items[b].kind == "year" or (items[b].kind == "month" and items[b].year is not None):
                    year = items[b].value if items[b].kind == "year" else items[b].year
                    break
        if year is None:
            continue
        december = _Item("month", "decembre", month=12, year=year, significant=True)
        start = k - 1 if _text(items, k - 1) == "la" else k  # « jusqu'à (la) fin décembre »
        return [*items[:start], _Item("word", "fin"), december, *_end_of_year(items[end:])]
    return items


def items_of(text: str, today: date) -> list[_Item]:
    """The question's tokens with its months merged (the reader's input, shared with clauses.py)."""
    items = _merge_months(_first_ordinals(_tokens(grids.rewrite(text))), today)
    items = _end_of_year(_every_month_but(items))
    for position, it in enumerate(items):
        it.at = position
        nxt = items[position + 1].text if position + 1 < len(items) else ""
        if it.kind == "num" and nxt.removesuffix("s") in _NOT_COUNTED_AFTER_ONE:
            it.significant = False  # « Deux questions : … »: what the writer asks, no count of care
    return items


def conclude(state: _State, today: date) -> Reading | None:
    """The reading of a state whose segments are built: years placed, every item accounted for, the groups
    formed and checked against what is asked. Shared by the list reader above and the clause reader."""
    items = state.items
    years = [i for i, it in enumerate(items) if it.kind == "year"]
    first_month = next((i for i, it in enumerate(items) if it.kind == "month"), len(items))
    context_year: int | None = None
    asked_years: list[int] = []
    months_dated = any(it.kind == "month" and it.year is not None for it in items)
    for i in years:
        if _text(items, i - 1) in _IN_YEAR and _text(items, i - 2) in _INCLUSION:
            state.included_in.append((i, items[i].value))
            items[i].used = True
            continue
        if any(_text(items, k) in _PAID_WORDS for k in range(i - 4, i)):
            # « sera-t-il versé en 2025 ou en 2026 ? »: the year of payment asked, not of the care
            items[i].used = True
            continue
        # « forfaits 2026 pr P-01020 : inclusion nov 2025, ensuite … janv à déc 2026 »: a year named by the
        # sum asked, before months that carry their own years, is the year asked, not the months' context.
        asked_first = months_dated and _text(items, i - 1) in _SUM_WORDS
        if i < first_month and context_year is None and not asked_first:
            context_year = items[i].value
        else:
            asked_years.append(items[i].value)
        items[i].used = True
    told_order = [it.month for it in items if it.kind == "month"]
    if (
        context_year is None
        and not months_dated
        and len(set(asked_years)) == 1
        and all(a <= b for a, b in pairwise(told_order))
    ):
        # « … octobre, novembre, rien en décembre. Combien au titre de 2025 ? »: months told without a year,
        # in one year's order, then the one year asked: they are that year's (« nov, déc, janv … pour 2026 »
        # crosses a new year: which side is asked stays unread).
        context_year = asked_years[0]
    span_years = {(seg.last or seg.first).year for seg in state.segments if seg.kind == "asked"} - {None}
    undated_else = all(
        it.year is None for seg in state.segments if seg.kind != "asked" for it in (seg.first, seg.last) if it
    )
    if context_year is None and len(span_years) == 1 and undated_else:
        # « vérifier nos forfaits de septembre à décembre 2025 ? - P-00011 : inclus en septembre … »: the
        # year of the span asked is the year of the months told in it.
        context_year = span_years.pop()
    if state.ordinal_months and any(seg for seg in state.segments):
        return None
    if state.inclusions is not None and state.segments:
        # « 3 inclusions en mars »: three patients included that month.
        if state.patients is not None:
            return None
        state.patients, state.inclusions = state.inclusions, None
    quarters = {int(it.text[1]) for it in items if it.kind == "word" and names_quarter(it.text)}
    halves: set[int] = set()
    for k, it in enumerate(items):
        if it.kind == "word" and names_quarter(it.text):
            it.used = True  # checked below against the months read
        elif it.kind == "ord" and 1 <= it.value <= 4 and _text(items, k + 1) in {"trimestre", "trim"}:
            quarters.add(it.value)  # « pour le 1er trimestre »: the quarter asked, read as « T1 »
            it.used = True
        elif it.kind == "ord" and 1 <= it.value <= 2 and _text(items, k + 1) in {"semestre", "sem"}:
            halves.add(it.value)  # « 1er semestre 2026 : … »: the half-year told, checked below
            it.used = True
        elif (
            it.kind == "num"
            and not it.used
            and state.patients is not None
            and it.value == state.patients
            and _text(items, k - 1) in {"les", "aux", "des", "ces"}
        ):
            it.used = True  # « 3 pts inclus en oct, les 3 ont eu … »: the patients told, named again
    _one_patient_code(state)
    if any(it.significant and not it.used and it.kind != "month" for it in items):
        return None
    if state.planned is not None and any(it.text in _PROJECTION for it in items[state.planned :]):
        # « … prévue le 3 mars. Combien au total jusqu'à mars ? »: a total over what is planned too is a
        # projection the reader cannot tell from a count so far: no total (a person says which is wanted).
        return None
    # « ma collègue dit 800, moi 680 »: two sums put to be settled; the total read settles them.
    stated = state.stated[0] if len(state.stated) == 1 else None
    if state.ordinal_months:
        return _ordinal_reading(state, stated, today)
    if state.followed is not None:
        return _month_census(state, stated, context_year, asked_years)
    if not state.segments and state.span is not None:
        return _span_reading(state, stated, context_year, asked_years, today)
    if not state.segments:
        if state.inclusions is None and state.patient_months is None:
            return None
        if len(asked_years) > 1:
            return None
        year = context_year if context_year is not None else (asked_years[0] if asked_years else None)
        return Reading(
            inclusions=state.inclusions or 0,
            patient_months=state.patient_months or 0,
            counts_year=year,
            stated_total=stated,
            dated=year is not None,
        )
    if state.inclusions is not None or state.patient_months is not None:
        return None
    # Months with no word of care around them (« le rapport de septembre 2027 ») are not a timeline.
    cared = any(_care(it.text) or it.text in _INCLUSION | _TREATMENT or it.kind == "ord" for it in items)
    if not cared and not any(_months_at_home(items, j) for j in range(len(items))):
        return None
    found = _groups(state, context_year, today)
    if found is None:
        return None
    groups, dated = found
    asked = [seg for seg in state.segments if seg.kind == "asked"]
    if len(groups) > 1 and asked:
        # « Mme L. … M. R. … : combien pour le seul mois de juillet ? »: a month asked after the last patient
        # is asked of them all; a total over other months would not answer it.
        names = {n for seg in asked for n in _month_numbers(seg)}
        if any(m.month not in names for g in groups for m in (*g.months, *g.empty)):
            return None
    if state.span is not None and len(groups) > 1:
        # « P-01 … P-02 … : le total pour ces quatre mois ? »: the period of them all, which must hold every
        # month read.
        period = sorted(m for g in groups for m in (*g.months, *g.empty))
        if period and len(months_between(period[0], period[-1])) > state.span:
            return None
    elif state.span is not None and (
        len(months_between(groups[0].months[0], groups[0].months[-1])) != state.span
    ):
        return None  # « janv à déc (10 mois) »: the count told and the months read disagree
    if (
        len(groups) == 1
        and groups[0].count == 1
        and len(groups[0].months) == 1
        and not (state.stops or stated is not None or groups[0].included_before)
    ):
        # One month of one patient is a question about that month (« 2 perfs en novembre ? »), not a total.
        return None
    if quarters:
        # « … jan fev mars. total T1 ? »: a quarter asked is answered only when it holds every month read.
        told = {(m.year, m.month) for g in groups for m in (*g.months, *g.empty)}
        if len(quarters) > 1 or len({y for y, _ in told}) > 1:
            return None
        quarter = quarters.pop()
        if any(not 3 * quarter - 2 <= month <= 3 * quarter for _, month in told):
            return None
    if halves:
        # « 1er semestre 2026 : M. R janv fev mars … »: every month read must lie in the half-year told.
        if len(halves) > 1:
            return None
        half = halves.pop()
        if any(not 6 * half - 5 <= m.month <= 6 * half for g in groups for m in (*g.months, *g.empty)):
            return None
    split = sorted(set(asked_years)) if (len(set(asked_years)) > 1 or state.split_asked) else []
    spanned = {m.year for g in groups for m in g.months}
    if state.by_year_asked and not asked_years and len(spanned) > 1:
        split = sorted(spanned)
    # « sur dec 2025 - fev 2026 et cmb pour 2025 seulement ? »: a span asked across the years as well as one
    # year: each year's part, and their total
    across = any(
        seg.kind == "asked" and seg.last is not None and seg.first.year != seg.last.year
        for seg in state.segments
    )
    if len(set(asked_years)) == 1 and len(spanned) > 1 and asked_years[0] in spanned:
        # « au titre de 2026 uniquement » of care from 2025 into 2026: that year's part
        split = sorted(spanned) if across else [asked_years[0]]
    if (
        asked_years
        and not split
        and not all(y in {m.year for g in groups for m in g.months} for y in asked_years)
    ):
        return None
    return Reading(
        groups=groups,
        stated_total=stated,
        by_year=tuple(split),
        dated=dated,
        planned=tuple(state.planned_months),
    )


def _month_census(
    s: _State, stated: Decimal | None, context_year: int | None, asked_years: list[int]
) -> Reading | None:
    """« combien pour octobre : 3 nouveaux patients inclus ce mois-ci + 5 déjà suivis qui ont eu leur
    injection à dom »: one month's new patients (an inclusion each) and patients already followed (a month
    each). Read only when every month told is that one month, and nothing else counts."""
    if s.patients is None or s.inclusions is not None or s.patient_months is not None or s.span is not None:
        return None
    if s.labels or s.both is not None or s.cadences:
        return None
    if len({(seg.first.month, seg.first.year) for seg in s.segments}) > 1 or any(
        seg.last for seg in s.segments
    ):
        return None
    years = {*asked_years, context_year} - {None}
    if len(years) > 1:
        return None
    year = next(iter(years), None)
    return Reading(
        inclusions=s.patients,
        patient_months=s.followed,
        counts_year=year,
        stated_total=stated,
        dated=bool(years),
    )


def _ordinal_reading(s: _State, stated: Decimal | None, today: date) -> Reading | None:
    """« mois 1 : 320, mois 2 : 120, mois 3 : 0 »: consecutive months from the first (placed in today's
    year: only their number matters); a month the user puts at 0 had no administration."""
    numbers = sorted(s.ordinal_months)
    if numbers[0] != 1 or numbers != list(range(1, numbers[-1] + 1)):
        return None
    first = Month(today.year, today.month)
    months = months_between(first, _shift(first, numbers[-1] - 1))
    with_one = tuple(m for k, m in zip(numbers, months, strict=True) if s.ordinal_months[k] != 0)
    empty = tuple(m for k, m in zip(numbers, months, strict=True) if s.ordinal_months[k] == 0)
    if not with_one or with_one[0] != months[0]:
        return None
    group = Group(count=s.patients or 1, months=with_one, empty=empty)
    return Reading(groups=(group,), stated_total=stated, dated=False, ordinal=True)


def _span_reading(
    s: _State, stated: Decimal | None, context_year: int | None, asked_years: list[int], today: date
) -> Reading | None:
    """« inclusion + 11 mois d'affilée avec perf », « 12 pts, chacun 4 mois d'inj d'affilée »: consecutive
    months of care without their names, each with an administration. Only their number matters: they are
    placed from January of the year told (else around today, moved into the experiment by `place`) and
    restated by their rank. Only when told as consecutive months of care, with nothing else to read."""
    if s.span is None or not s.in_a_row or s.inclusions is not None or s.patient_months is not None:
        return None
    # (« l'EPRD 2026 … 12 patients en 2026 »: one year, named twice)
    if s.labels or s.both is not None or len({*asked_years, context_year} - {None}) > 1:
        return None
    if not any(_care(it.text) for it in s.items):
        return None
    count = s.span + (1 if s.after_inclusion else 0)
    year = context_year if context_year is not None else (asked_years[0] if asked_years else None)
    first = Month(year, 1) if year is not None else Month(today.year, today.month)
    months = months_between(first, _shift(first, count - 1))
    group = Group(count=s.patients or 1, months=tuple(months))
    return Reading(groups=(group,), stated_total=stated, dated=year is not None, ordinal=True)


def _month_numbers(seg: _Segment) -> set[int]:
    """The month numbers a segment names (« de mars à juin »: 3 to 6; « nov à fév »: 11, 12, 1, 2)."""
    first = seg.first.month
    last = seg.last.month if seg.last is not None else first
    return {(first - 1 + k) % 12 + 1 for k in range((last - first) % 12 + 1)}


def _shift(month: Month, by: int) -> Month:
    index = month.year * 12 + month.month - 1 + by
    return Month(index // 12, index % 12 + 1)


def _month(item: _Item) -> Month:
    assert item.year is not None
    return Month(item.year, item.month)


def _groups(s: _State, context_year: int | None, today: date) -> tuple[tuple[Group, ...], bool] | None:
    """One group per labelled patient (« patient A … ; patient B … »), else one group for the question; the
    years of each group are placed on their own. Also says whether any year was stated."""
    if len(s.labels) < 2 and len(s.articles) >= 2 and s.patients == 1 and not s.both:
        # « un patient adressé en juin …, et une patiente adressée en octobre … »: each one is a patient.
        s.labels, s.patients = s.articles, None
    if len(s.labels) > _MAX_LABELLED:
        return None
    if len(s.labels) < 2 and s.both is not None and s.both == s.patients:
        s.both = None  # « 3 patients inclus en mars … total pour les 3 ? »: the patients told, named again
    if len(s.labels) < 2:
        if s.both is not None:
            return None
        if _named_patients(s.items) >= 2:
            return None  # « patient A … ; patient B … » with a label not read: two stories, never one
        dated = _place_years(s.segments, context_year, today)
        if not dated and _wraps_past_today(s.segments, today):
            # « décédé le 03/11 après une dernière perf le 1er novembre. perfs le 17/09, le 08/10 et le
            # 01/11 »: no year said, and the order told, kept, runs a year on into months still to come: the
            # order is not the story's (a summary first), which the reader cannot tell.
            return None
        group = _group(s, s.segments, s.patients or 1)
        group = None if group is None else _included_in(group, [y for _, y in s.included_in])
        return None if group is None else ((group,), dated)
    # « 2 patients : mme A …, mr B … » agrees with its labels; any other count does not.
    if s.patients is not None and s.patients != len(s.labels):
        return None
    # « deux patients adressés à l'HAD en septembre 2025 : - patient A : … ; - patient B : … »: a referral
    # told before every patient is each one's; any other month told before them is no one's in particular.
    # (« vérifier nos forfaits de septembre à décembre ? - P-00011 : … »: the span asked is checked in
    # `conclude`, it is no patient's)
    told_before = [seg for seg in s.segments if seg.first.at < s.labels[0]]
    before = [seg for seg in told_before if seg.kind != "asked"]
    if any(seg.kind != "referral" or seg.last is not None for seg in before):
        return None
    if s.both is not None and s.both != len(s.labels):
        return None
    bounds = [*s.labels, len(s.items)]
    groups: list[Group] = []
    dated = False
    # The segments are in text order: one walk hands each label its own.
    position = len(told_before)
    for lo, hi in pairwise(bounds):
        segments: list[_Segment] = list(before)
        while position < len(s.segments) and s.segments[position].first.at < hi:
            # (the months asked are the question's, checked against every patient's in `conclude`)
            if s.segments[position].first.at >= lo and s.segments[position].kind != "asked":
                segments.append(s.segments[position])
            position += 1
        if lo in s.oral_patients:
            groups.append(Group(count=1, months=(), oral=True))
            continue
        year = next((g.months[0].year for g in groups if g.months), context_year)
        dated = _place_years(segments, year, today) or dated
        # A cadence holds for the patient it is told of: « A chaque mois jusqu'en juin, B en mai et juillet ».
        told = [c for c in s.cadences if lo <= c < hi]
        if s.cadences and not told and lo == bounds[0] and min(s.cadences) < lo:
            return None  # a cadence told before every patient: whose is it?
        group = _group(s, segments, 1, cadence=bool(told))
        own = [y for at, y in s.included_in if lo <= at < hi]
        group = None if group is None else _included_in(group, own)
        if group is None:
            return None
        site = next((name for at, name in reversed(s.sites) if at < lo), None)
        groups.append(replace(group, site=site) if site else group)
    if any(at < bounds[0] for at, _ in s.included_in):
        return None  # an inclusion year told before every patient: whose is it?
    return tuple(groups), dated


# « inclus en 2026 », « inclusion courant 2025 »: the words between an inclusion and its year.
_IN_YEAR = frozenset({"en", "courant", "fin", "debut", "mi"})


def _included_in(group: Group, years: list[int]) -> Group | None:
    """The group once the year its inclusion is told in is weighed: an earlier year than its months makes
    them months after the inclusion (« inclus en 2026, admin chaque mois de 2027 »: no inclusion forfait in
    2027); the year of its first month agrees; anything else is not read."""
    if not years:
        return group
    if len(set(years)) > 1 or not group.months:
        return None
    year = years[0]
    if year < group.months[0].year:
        return replace(group, included_before=True)
    return group if year == group.months[0].year else None


def _named_patients(items: list[_Item]) -> int:
    """How many times a patient is named by a letter, number or code (« patient A », « pt 2 », « mme B »)."""
    return sum(
        1
        for k, it in enumerate(items[:-1])
        if it.text in _PATIENTS | _TITLES
        and (
            items[k + 1].kind in {"id", "num"}
            or (
                items[k + 1].kind == "word"
                and len(items[k + 1].text) == 1
                and items[k + 1].text not in _ELIDED
            )
            or (items[k + 1].text == "a" and _label(items, k + 1))
        )
    )


# Letters that are words (« a », « y ») or elided ones (« j' », « l' »…): a label only as `_label` reads
# « patient A » (« une patiente a été adressée » names no one).
_ELIDED = frozenset({"a", "y", "l", "d", "c", "j", "s", "m", "n", "t"})


def _included_already(s: _State, segments: list[_Segment]) -> list[_Segment] | None:
    """« déjà inclus en octobre 2025. En 2026, des perfusions de janvier à décembre sauf en août »: an
    inclusion told as past, months before those counted and apart from them, is the inclusion forfait paid
    before them (its month is not one counted, the months between are not told). The segments without it,
    or None when the inclusion is not told so (the patient's own: never the question's state)."""
    included = [seg for seg in segments if seg.kind == "inclusion"]
    if len(included) != 1 or included[0].last is not None:
        return None
    at = included[0].first.at
    words = [_text(s.items, k) for k in range(at - 4, at)]
    if not any(w in {"deja", "avant"} and n in _INCLUSION for w, n in pairwise(words)):
        return None
    others = [seg for seg in segments if seg.kind == "admin"]
    month = _month(included[0].first)
    if not others or any(_month(seg.first) <= _shift(month, 1) for seg in others):
        return None
    return [seg for seg in segments if seg is not included[0]]


def _group(s: _State, segments: list[_Segment], count: int, cadence: bool | None = None) -> Group | None:
    counted_after = _included_already(s, segments)
    segments = segments if counted_after is None else counted_after
    every_month = s.every_month if cadence is None else cadence and s.every_month
    ranges = {seg.first.at for seg in segments if seg.last is not None and seg.kind == "admin"}
    if every_month and s.cadences and all(any(c < at <= c + 4 for at in ranges) for c in s.cadences):
        # « inclusion nov 2025, ensuite admin tous les mois de janv à déc 2026 »: the cadence is its range's,
        # whose months are all told; a month outside it (décembre 2025) is not one it fills.
        every_month = False
    weeks = s.weeks if cadence is None or cadence else None
    named: set[Month] = set()  # months named one by one as having an administration
    ranged: set[Month] = set()  # months inside a range (« de mars à juin »), less those said without
    days: list[date] = []
    empty: set[Month] = set()
    until: Month | None = None
    last_told: Month | None = None
    inclusion: Month | None = None
    referral: date | None = None
    asked: list[tuple[Month, Month]] = []
    told = {
        _month(seg.first)
        for seg in segments
        if seg.kind in {"admin", "inclusion", "empty"} and seg.last is None and seg.first.year is not None
    }
    for seg in segments:
        first = _month(seg.first)
        last = _month(seg.last) if seg.last is not None else first
        if last < first:
            return None
        if seg.kind == "unknown":
            if seg.last is None and first in told:
                continue  # « … en mars 2028. Le mois de mars 2028 ouvre-t-il droit ? »: a month told again
            return None
        if seg.kind == "asked":
            # « quel montant pour mars à juin ? »: the months asked about; they must hold every month read.
            asked.append((first, last))
            continue
        if seg.kind == "empty":
            empty.update(months_between(first, last))
            continue
        if seg.kind == "ended":
            continue  # the day care ended: no administration told by it
        if seg.kind == "until":
            if until is not None:
                return None
            until = first
            continue
        if seg.kind == "last":
            # « 10 cures toutes les 3 semaines depuis le 14/01 (la dernière fin juillet) »: the month of the
            # last administration, which the months read must end on (checked below)
            if seg.last is not None or last_told is not None:
                return None
            last_told = first
            if seg.first.day is None:
                continue  # (« la dernière le 19 janvier » is an administration of its own, read below)
        if seg.kind == "referral":
            if seg.last is not None or referral is not None:
                return None
            referral = first.first_day() if seg.first.day is None else _day(first, seg.first.day)
            if referral is None:
                return None
            continue
        if seg.kind == "inclusion":
            if inclusion is not None and inclusion != first:
                return None
            inclusion = first
        if seg.last is None:
            named.add(first)
        else:
            ranged.update(months_between(first, last))
        for it in (seg.first, seg.last):
            if it is not None and it.day is not None:
                day = _day(_month(it), it.day)
                if day is None:
                    return None
                days.append(day)
    ends = {seg.first.at for seg in segments} | {seg.last.at for seg in segments if seg.last}
    for before, after in s.pauses:
        if before.at in ends:
            gap = months_between(_month(before), _month(after))[1:-1]
            if len(gap) > 36:
                return None
            empty.update(gap)
    admin = named | ranged
    if not admin and every_month and until is not None and referral is not None:
        # « adressé le 2 juin, des administrations chaque mois jusqu'en décembre »: from the referral's month
        # (the reading line says so).
        admin = {Month.of(referral)}
    if not admin or named & empty:
        return None
    start, end = min(admin), max(admin)
    if inclusion is not None and inclusion != start:
        return None
    if until is not None:
        if until < end:
            return None
        end = until
    with_one = admin - empty
    if s.sessions is not None and s.step_days is not None:
        # « cure toutes les 5 semaines à partir du 28/01/2026, 4 cures au total »: the sessions' days, from
        # the first one told; nothing else may be told of the months (a month named apart is not read).
        if s.sessions < 0 or len(days) not in {1, 2} or until is not None:
            return None
        session_days = [min(days) + timedelta(days=s.step_days * n) for n in range(s.sessions)]
        # (« … la dernière le 1er juin »: the last session's day, which the cadence must give)
        if {Month.of(d) for d in days} != admin or (len(days) == 2 and max(days) != session_days[-1]):
            return None
        with_one = {Month.of(d) for d in session_days}
        days = session_days
        start, end = min(with_one), max(with_one)
        empty = set(months_between(start, end)) - with_one
    elif weeks is not None and len(days) == 2 and until is None and s.step_days is not None:
        # « toutes les 6 semaines, première le 12 mai 2026 …, la dernière le 19 janvier 2027 »: every step
        # from the first day to the last, which the step must reach exactly (else the cadence was not kept).
        step = timedelta(days=s.step_days)
        first_given, last_given = sorted(days)
        if (last_given - first_given) % step:
            return None
        with_one |= _stepped_months(first_given, last_given, step)
        empty = set(months_between(min(with_one), max(with_one))) - with_one
    elif weeks is not None and len(days) < 2:
        # « toutes les 6 semaines à partir du 5 janvier, jusqu'à fin juin »: every N weeks from the first day.
        if len(days) != 1 or until is None:
            return None
        with_one |= _stepped_months(days[0], end.last_day(), timedelta(weeks=weeks))
    elif every_month:
        if end == start:
            return None  # « chaque mois » and no last month: which months is not said
        with_one = set(months_between(start, end)) - empty
    else:
        if until is not None and len(days) < 2:
            return None  # « injections jusqu'en juin » without a cadence or dates: which months had one?
        # Months between those named, not named: taken as without administration, unless the question also
        # names its empty months (then an unnamed month may well have had one).
        gaps = [m for m in months_between(start, max(admin)) if m not in with_one and m not in empty]
        if gaps and empty and not s.pauses:
            return None
    if not with_one or (last_told is not None and max(with_one) != last_told):
        return None
    if asked:
        # Single months asked are one span (« pour janvier, février et mars 2026 »: January to March); each
        # range asked holds the months read too.
        singles = [a for a, b in asked if a == b]
        spans = [(a, b) for a, b in asked if a != b] + ([(min(singles), max(singles))] if singles else [])
        lo, hi = max(a for a, _ in spans), min(b for _, b in spans)  # inside every span asked
        if not all(lo <= m <= hi for m in with_one | empty):
            return None
    months = tuple(sorted(with_one))
    first_day = min(days) if days and Month.of(min(days)) == months[0] else None
    if referral is not None and (Month.of(referral) > months[0] or (first_day and referral > first_day)):
        return None
    return Group(
        count=count,
        months=months,
        empty=tuple(sorted(empty)),
        first_day=first_day,
        referral=referral,
        included_before=s.included_before or counted_after is not None,
        days=tuple(sorted(days)),
    )


def _stepped_months(first: date, last: date, step: timedelta) -> set[Month]:
    """The months of the days one step apart from `first` up to `last` (a cadence in weeks or days)."""
    months: set[Month] = set()
    day = first
    while day <= last:
        months.add(Month.of(day))
        day += step
    return months


def _day(month: Month, day: int) -> date | None:
    if not 1 <= day <= month.last_day().day:
        return None
    return date(month.year, month.month, day)
