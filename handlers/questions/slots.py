"""Facts a question carries besides its topic: a region, months, counts of months, an age.

They change the answer (which region's deadline, how many monthly forfaits) or show it cannot be given
without asking (no region named, a month count without the months without administration).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from handlers.questions.normalize import NUMBER_WORDS, fold, raw_tokens, stem

if TYPE_CHECKING:
    from rules.parameters import Parameters, Region

MONTH_WORDS: dict[str, int] = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
    "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12, "janv": 1, "fev": 2, "fevr": 2, "avr": 4,
    "juil": 7, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    # "mars" comes out of the plural folding as "mar".
    "mar": 3,
}  # fmt: skip

# Words that look like region names inside ordinary sentences ("centre hospitalier", "la réunion de
# service"): a region is only taken from them when a region context word is next to them.
_AMBIGUOUS_REGION_WORDS = frozenset({"centre", "reunion", "sud", "auvergne", "paris"})
_REGION_CONTEXT = frozenset({"region", "ars", "en", "a", "pour", "de", "du"})


@dataclass(frozen=True)
class Slots:
    regions: tuple[str, ...] = ()  # region keys found, in order of appearance
    unknown_region_words: tuple[str, ...] = ()
    months: tuple[int, ...] = ()  # month numbers named, in order
    month_range: tuple[int, int] | None = None  # "de septembre a decembre" -> (9, 12)
    month_count: int | None = None  # "pendant 5 mois"
    months_without: int | None = None  # "un mois sans injection"
    age_years: int | None = None  # "un enfant de 2 ans"
    age_months: int | None = None  # "un bebe de 18 mois"
    sessions_in_month: int | None = None  # "2 perfs en novembre" (two or more sessions)
    had_count: int | None = None  # "4 HAD partenaires" (two or more)
    day_dates: int = 0  # how many day-precise dates are named ("le 31 janvier", "le 2/11")
    empty_months: frozenset[int] = frozenset()  # months named as without administration ("rien en mars")
    after_end: bool = False  # a day or month named after the experiment's end ("le 9/02/28", "mars 2028")
    # a referral told on a day with its year before the selection was published (« adresser dès le 6
    # février 2025 »)
    referral_before_selection: bool = False


def _number(token: str) -> int | None:
    # ASCII digits, and few: int() of a 5,000-digit token raises (Python's int conversion limit).
    if token.isascii() and token.isdecimal() and len(token) <= 9:
        return int(token)
    return NUMBER_WORDS.get(token)


def _small(token: str) -> bool:
    return token.isascii() and token.isdecimal() and len(token) <= 9


@lru_cache(maxsize=8)
def _region_forms(params: Parameters) -> tuple[tuple[tuple[str, ...], str], ...]:
    """The regions' names as token sequences, longest first: once per parameter set (it was ~5 ms a
    question, paid again for each part of a message)."""
    forms: list[tuple[tuple[str, ...], str]] = []
    for region in params.regions.values():
        for name in (region.name, *region.aliases, region.key.replace("-", " ")):
            words = tuple(stem(w) for w in raw_tokens(fold(name).replace("-", " ")))
            if words:
                forms.append((words, region.key))
    # Longest forms first so that "hauts de france" wins over "france"-like fragments.
    forms.sort(key=lambda item: -len(item[0]))
    return tuple(forms)


def find_regions(tokens: tuple[str, ...], params: Parameters) -> tuple[str, ...]:
    found: list[tuple[int, str]] = []
    used: set[int] = set()
    for words, key in _region_forms(params):
        n = len(words)
        first = words[0]
        for start in range(len(tokens) - n + 1):
            # The cheap test first: building the span for every position made a long question slow.
            if tokens[start] != first or tokens[start : start + n] != words:
                continue
            span = set(range(start, start + n))
            if span & used:
                continue
            if n == 1 and words[0] in _AMBIGUOUS_REGION_WORDS:
                before = tokens[start - 1] if start else ""
                if before not in {"region", "ars"}:
                    continue
            used |= span
            found.append((start, key))
    seen: dict[str, None] = {}
    for _, key in sorted(found):
        seen.setdefault(key, None)
    return tuple(seen)


def region_of(key: str, params: Parameters) -> Region:
    return params.regions[key]


_RANGE_RE = re.compile(
    r"\b(?:de|d|du|depuis|entre)\s+(\w+)(?:\s+\d{4})?\s+(?:a|au|et|jusqu a|jusqu au)\s+(\w+)"
)


def find_slots(tokens: tuple[str, ...], params: Parameters) -> Slots:
    text = " ".join(tokens)
    months = tuple(MONTH_WORDS[t] for t in tokens if t in MONTH_WORDS)
    month_range = None
    for match in _RANGE_RE.finditer(text):
        first, last = MONTH_WORDS.get(match.group(1)), MONTH_WORDS.get(match.group(2))
        if first and last:
            month_range = (first, last)
            break
    month_count = None
    months_without = None
    age_years = None
    age_months = None
    sessions = None
    had_count = None
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        after = tokens[i + 2] if i + 2 < len(tokens) else ""
        value = _number(token)
        if value is None:
            continue
        if value >= 2 and nxt in _SESSION_WORDS:
            sessions = value
        if value >= 2 and nxt == "had":
            had_count = value
        # "moins de 3 ans" states the rule's threshold, not the patient's age.
        threshold = i >= 2 and tokens[i - 2] in {"moins", "moin", "plus"} and tokens[i - 1] in {"de", "d"}
        if threshold:
            continue
        if nxt in {"san", "sans"} and i > 0 and tokens[i - 1] in {"dont", "avec", "et"}:
            months_without = value
        elif nxt == "mois":
            later = tokens[i + 3] if i + 3 < len(tokens) else ""
            if (after == "plus" and later == "tard") or after in {"apres", "apre"}:
                continue  # "3 mois plus tard": a delay, not a number of months of care
            if after in {"san", "sans"} or (
                after in {"d", "de"}
                and i + 3 < len(tokens)
                and tokens[i + 3] in {"pause", "interruption", "arret"}
            ):
                months_without = value
            elif _age_context(tokens, i):
                age_months = value
            elif month_count is None and token not in {"un", "une"} and not (i and tokens[i - 1] in _PERSONS):
                # "un mois où ..." names a month, it does not count months of care; "pt 3 : mois HAD = …"
                # names patient 3.
                month_count = value
        elif nxt in {"an", "ans"} and (
            _age_context(tokens, i) or (i > 0 and tokens[i - 1] in {"a", "age"}) or _person_of(tokens, i)
        ):
            age_years = value
    if month_count is None and months_without is not None:
        # "3 mois sans administration sur 6": the months of care follow "sur".
        for i, token in enumerate(tokens[:-1]):
            if token == "sur" and (total := _number(tokens[i + 1])) is not None and total > months_without:
                month_count = total
                break
    return Slots(
        regions=find_regions(tokens, params),
        months=months,
        month_range=month_range,
        month_count=month_count,
        months_without=months_without,
        age_years=age_years,
        age_months=age_months,
        sessions_in_month=sessions,
        had_count=had_count,
        day_dates=_day_dates(tokens),
        empty_months=_empty_months(tokens),
        after_end=_after_end(tokens, params.experiment_end.value),
        referral_before_selection=_referral_before(tokens, _selection_month(params)),
    )


# "ni en juillet", "sauf en octobre", "hors août", "excepté mai" also name a month without administration.
_NONE_WORDS = frozenset(
    {"san", "sans", "aucun", "aucune", "rien", "pas", "jamais", "ni", "sauf", "hors", "excepte"}
)
_NONE_AFTER = frozenset({"san", "sans", "pas", "aucun", "aucune", "rien"})
# "octobre est sans perf", "mai a été sans injection": a copula between the month and the negation.
_COPULA = frozenset({"est", "etait", "a", "ete", "fut", "reste"})
# Words that say a month had no administration, or leave one out; a total is computed only when each of them
# was read as a month without (Slots.unread_negations counts the others).
NEGATION_WORDS = _NONE_WORDS | {
    "non", "manque", "interrompu", "interruption", "arret", "pause", "suspendu", "stop", "stoppe",
    "interrompue",
}  # fmt: skip
# "sans interruption", "sans arrêt": every month had one.
_ALL_MONTHS_AFTER_SANS = frozenset({"interruption", "arret", "discontinuer", "exception", "pause", "trou"})


def _empty_months(tokens: tuple[str, ...]) -> frozenset[int]:
    """Months named as having no administration: "rien en mars", "sans injection en novembre", "pas de
    perf en mai", "novembre sans", "hospitalisé tout le mois de juillet"."""
    return frozenset(
        month
        for i, token in enumerate(tokens)
        if (month := MONTH_WORDS.get(token)) is not None
        and (_negated_before(tokens, i) or _negated_after(tokens, i) or _hospitalised_through(tokens, i))
    )


def _negated_before(tokens: tuple[str, ...], i: int) -> bool:
    # The negation leads to the month through "en" / "de" ("rien en mars", "aucune administration à domicile
    # en octobre"); it belongs to the nearest month: a month named in between ends the window.
    if i == 0 or tokens[i - 1] not in {"en", "de", "d"}:
        return False
    for w in reversed(tokens[max(0, i - 6) : i]):
        if w in MONTH_WORDS:
            return False
        if w in _NONE_WORDS:
            return True
    return False


def _negated_after(tokens: tuple[str, ...], i: int) -> bool:
    # "novembre sans", "octobre est sans perf", but not "décembre sans injection en novembre" (the negation
    # leads to the next month).
    j = i + 1
    while j < len(tokens) and j <= i + 3 and tokens[j] in _COPULA:
        j += 1
    return (
        j < len(tokens)
        and tokens[j] in _NONE_AFTER
        and not any(w in MONTH_WORDS for w in tokens[j + 1 : j + 5])
    )


def unread_negations(tokens: tuple[str, ...], slots: Slots) -> int:
    """How many negation words ("sans", "aucune", "sauf", "ni") the month readers did not account for: each
    empty month and a count of months without take one; "sans interruption" takes its own."""
    found = 0
    last = -9
    for i, token in enumerate(tokens):
        if token not in NEGATION_WORDS:
            continue
        # "sans rien en décembre", "pas de perf ni rien": words within two of each other are one negation.
        near, last = i - last <= 2, i
        if near:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in {"san", "sans"} and nxt in _ALL_MONTHS_AFTER_SANS:
            continue
        if token in _ALL_MONTHS_AFTER_SANS and i > 0 and tokens[i - 1] in {"san", "sans"}:
            continue
        found += 1
    accounted = len(slots.empty_months) + (1 if slots.months_without is not None else 0)
    return max(0, found - accounted)


def _hospitalised_through(tokens: tuple[str, ...], i: int) -> bool:
    return "hospitalise" in tokens[max(0, i - 8) : i] and "tout" in tokens[max(0, i - 5) : i]


_PERSONS = frozenset({"patient", "patiente", "malade", "personne", "pt", "petit", "petite"})


def _person_of(tokens: tuple[str, ...], index: int) -> bool:
    """'un patient de 2 ans': an age when the number follows 'de' right after a person."""
    return index >= 2 and tokens[index - 1] in {"de", "d"} and tokens[index - 2] in _PERSONS


def _year(token: str) -> int | None:
    """« 28 » or « 2028 » after a day and a month: the year (two figures are this century's)."""
    if not _small(token):
        return None
    value = int(token)
    if len(token) == 2:
        return 2000 + value
    return value if len(token) == 4 and 2000 <= value <= 2100 else None


def date_at(tokens: tuple[str, ...], i: int) -> tuple[int, int, int | None] | None:
    """(day, month, year or None) of a date whose day stands at `i`: « 15 03 27 » (« le 15/03/27 » folded),
    « 9 fevrier 2028 », « 18 decembre »; None when no date starts there."""
    if i + 1 >= len(tokens) or not (_small(tokens[i]) and 1 <= int(tokens[i]) <= 31):
        return None
    nxt = tokens[i + 1]
    month = MONTH_WORDS.get(nxt) or (
        int(nxt) if _small(nxt) and len(nxt) <= 2 and 1 <= int(nxt) <= 12 else None
    )
    if month is None:
        return None
    return int(tokens[i]), month, _year(tokens[i + 2]) if i + 2 < len(tokens) else None


def _after_end(tokens: tuple[str, ...], end: date) -> bool:
    """Whether the question names a day (« le 9/02/28 », « le 9 février 2028 ») or a month (« mars 2028 »)
    after the experiment's end, with its year: care told there earns nothing. One pass."""
    for i, token in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        told = date_at(tokens, i)
        if (
            told is not None
            and told[2] is not None
            and (told[2], told[1], told[0]) > (end.year, end.month, end.day)
        ):
            return True
        later = _year(nxt) if token in MONTH_WORDS and len(nxt) == 4 else None
        if later is not None and (later, MONTH_WORDS[token]) > (end.year, end.month):
            return True
    return False


def _selection_month(params: Parameters) -> tuple[int, int] | None:
    """The month the selection was published (a fact given as « 2025-07 »); None if the data says else."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", str(params.fact("selection_publication").value))
    return (int(found.group(1)), int(found.group(2))) if found else None


def _referral_before(tokens: tuple[str, ...], selection: tuple[int, int] | None) -> bool:
    """Whether a referral is told (« adressé », « adresser », « adressage ») on a day with its year, a few
    words after, before the selection's month. One pass, a bounded look ahead."""
    if selection is None:
        return False
    for i, token in enumerate(tokens):
        if not token.startswith("adress"):
            continue
        for k in range(i + 1, min(len(tokens) - 1, i + 7)):
            told = date_at(tokens, k)
            if told is not None:
                if told[2] is not None and (told[2], told[1]) < selection:
                    return True
                break
    return False


def _day_dates(tokens: tuple[str, ...]) -> int:
    """'le 31 janvier', 'le 2/11' (read as '2', '11'): a day of a month, which places an event in a month."""
    found = 0
    for i, token in enumerate(tokens[:-1]):
        if not _small(token) or not 1 <= int(token) <= 31:
            continue
        nxt = tokens[i + 1]
        if nxt in MONTH_WORDS or (_small(nxt) and 1 <= int(nxt) <= 12 and i > 0 and tokens[i - 1] == "le"):
            found += 1
    return found


_SESSION_WORDS = frozenset({"injection", "perfusion", "administration", "seance", "cure", "passage"})


def _age_context(tokens: tuple[str, ...], index: int) -> bool:
    window = tokens[max(0, index - 5) : index + 4]
    return any(
        w.startswith(
            (
                "enfant",
                "bebe",
                "nourrisson",
                "pediatr",
                "age",
                "fille",
                "garcon",
                "petit",
                "mineur",
                "ado",
                "jeune",
            )
        )
        for w in window
    )
