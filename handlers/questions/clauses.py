"""A second reader of one patient's months, clause by clause, for stories the list reader (timeline.py)
does not take: « 1ere inj a dom le 20/01, fevrier rien (hospit tt le mois), reprise mars avril mai, arret le
31/05 ».

The story is cut into clauses (at commas, full stops, brackets, « puis », « ensuite »…); each clause says what
its months were by its own words — a first administration, an administration, none (a pause, a stay in
hospital, a drug by mouth only), a referral, the end of care — or, naming only months, continues the clause
before it. The segments built this way go through the same conclusion as the list reader's
(timeline.conclude): years placed, every number, negation and event accounted for, the months checked against
what is asked. Any clause it cannot settle, a cadence, a second patient, a day to come: no reading, and no
total is given.

Pure and linear: one pass to cut clauses, one to read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from handlers.questions import timeline
from handlers.questions.timeline import (
    Reading,
    _care,
    _Item,
    _oral,
    _Segment,
    _State,
)

_CUT_WORDS = frozenset({"puis", "ensuite", "mais", "apres", "enfin"})
# (not « : »: « janv : 2 adm » is one clause)
_CUT_MARKS = frozenset({",", ";", ".", "!", "?", "(", ")", "-", "+"})
_FIRST = frozenset(
    {"premiere", "premier", "inclus", "incluse", "inclu", "inclue", "inclusion", "demarrage", "c1"}
)
_REFERRAL = frozenset({"adresse", "adressee", "adressage", "oriente", "orientee"})
_NEGATORS = frozenset({"rien", "aucune", "aucun", "pas", "sans", "jamais", "ni"})
_PAUSE = frozenset({"pause", "interruption", "interrompu", "interrompue", "suspendu", "suspendue", "trou"})
_HOSPITAL = frozenset(
    {"hospit", "hospi", "hospitalise", "hospitalisee", "hospitalisation", "hdj", "hopital", "reanimation"}
)
_ORAL_ONLY = frozenset({"que", "seulement", "uniquement", "seul", "seule", "relais"})
_END = frozenset(
    {"fin", "arret", "arrete", "arretee", "sortie", "sorti", "sortis", "deces", "decede", "decedee", "stop"}
)
_LAST = frozenset({"derniere", "dernier"})
# Words the clause reader never settles: a cadence, an exception, a day to come, a second stay.
_REFUSED = frozenset(
    {"chaque", "tous", "toutes", "ts", "ttes", "semaine", "semaines", "sem", "sems", "jours", "sauf", "hors"}
) | frozenset({"excepte", "prevue", "prevu", "prevues", "prevus", "prochaine", "prochain", "planifiee"})
_RANGE = frozenset({"a", "au", "jusqu", "jusque", "-"})
_ASK = frozenset(
    {"combien", "cb", "cmb", "total", "tot", "montant", "somme", "touche", "touchons", "toucher"}
)
_PATIENT_WORDS = frozenset({"patient", "patiente", "pt", "pte", "mr", "mme", "monsieur", "madame", "m"})
_MANY = frozenset({"patients", "patientes", "pts", "ptes", "dossiers", "malades"})


@dataclass
class _Clause:
    items: list[_Item] = field(default_factory=list)
    aside: bool = False  # opened by a bracket
    asks: bool = False  # in the sentence that asks (« … ? ») and telling no care, or naming a sum asked

    def words(self) -> set[str]:
        return {it.text for it in self.items if it.kind in {"word", "num", "ord"}}

    def months(self) -> list[_Item]:
        return [it for it in self.items if it.kind == "month"]


@lru_cache(maxsize=64)
def read(text: str, today: date) -> Reading | None:
    """The timeline of the question: the list reader's, else this clause reader's, else None."""
    return timeline.read(text, today) or _read_clauses(text, today)


def _read_clauses(text: str, today: date) -> Reading | None:
    items = timeline.items_of(text, today)
    if not any(it.kind == "month" for it in items) or not _one_patient(items):
        return None
    if any(it.text in _REFUSED for it in items):
        return None
    state = _State(items)
    previous: str | None = None  # what the last clause with months told
    last_months: list[_Item] = []
    pauses: list[_Item] = []  # the last month told before each pause
    clauses = _cut(items)
    for k, clause in enumerate(clauses):
        months = clause.months()
        if clause.asks:
            if not _asked(state, clause):
                return None
            continue
        told = _told(clause)
        if told == "?":
            return None
        if not months:
            if told is None:
                continue
            if told in {"empty", "pause"} and not clause.aside and last_months:
                pauses.append(last_months[-1])
                _mark(clause, "empty")
                continue
            # An aside or a clause after months tells more of them: it must agree (« fevrier rien (hospit) »).
            if previous is None or not _agrees(previous, told):
                return None
            _mark(clause, told)
            continue
        if told is None:
            following = clauses[k + 1] if k + 1 < len(clauses) else None
            if following is not None and following.aside and not following.months():
                told = _told(following)  # « mars (2 inj) », « avril (hospit) »
            elif previous in {"admin", "inclusion"} and not _told_otherwise(clauses, k, "admin"):
                told = "admin"  # « 1ere inj le 18/11, puis 9/12 et 30/12 »
            if told in {None, "?", "pause", "ended", "referral"}:
                return None
        if told == "pause":
            told = "empty"
        if not _segments(state, clause, told):
            return None
        _mark(clause, told)
        previous, last_months = told, months
    if not state.segments:
        return None
    asked = [seg for seg in state.segments if seg.kind == "asked"]
    if len(asked) > 1 and all(seg.last is None for seg in asked):
        # « … → sept ? oct ? nov ? »: months asked one by one are asked together, first to last.
        state.segments = [seg for seg in state.segments if seg.kind != "asked"]
        state.segments.append(_Segment(asked[0].first, asked[-1].first, kind="asked"))
    # « mars, puis pause, juin »: the months between are without (the month after is the next one told).
    starts = sorted((seg.first for seg in state.segments if seg.kind != "asked"), key=lambda it: it.at)
    for before in pauses:
        after = next((it for it in starts if it.at > before.at), None)
        if after is not None:
            state.pauses.append((before, after))
    return timeline.conclude(state, today)


def _one_patient(items: list[_Item]) -> bool:
    """One patient told: no plural of patients, no count of them, at most one name, code or title."""
    if any(it.text in _MANY for it in items):
        return False
    named = [
        k
        for k, it in enumerate(items)
        if it.text in _PATIENT_WORDS or (it.kind == "id" and not it.text.startswith("x"))
    ]
    # « pt M. », « patiente Mme D »: a patient word then its title or code is one patient named.
    return len([k for k in named if k - 1 not in named]) <= 1


def _cut(items: list[_Item]) -> list[_Clause]:
    clauses = [_Clause()]
    for k, it in enumerate(items):
        between_months = (
            it.text in {"-", "+"}
            and 0 < k < len(items) - 1
            and items[k - 1].kind == items[k + 1].kind == "month"
            # (« 06/11 → sept ? oct ? »: a day, then the months asked, is no range)
            and items[k - 1].day is None
            and items[k + 1].day is None
        )
        # « en oct et nov » is one clause; « le 5/03 et hospit en avril » two.
        cut_et = (
            it.text == "et"
            and k + 1 < len(items)
            and items[k + 1].kind == "word"
            and items[k + 1].text != "en"
        )
        mark = it.kind == "punct" and it.text in _CUT_MARKS and not between_months
        if mark or it.text in _CUT_WORDS or cut_et:
            clauses.append(_Clause(aside=it.text == "("))
            continue
        clauses[-1].items.append(it)
    kept = [c for c in clauses if c.items]
    # The sentence that ends with « ? »: its clauses that tell no care are the question (« forfait pour
    # avril ? », « total sept->dec ? »); a clause naming a sum asked is one anywhere.
    sentence: list[_Clause] = []
    for clause, end in zip(kept, [*(c.items[0].at for c in kept[1:]), len(items)], strict=True):
        sentence.append(clause)
        between = items[clause.items[-1].at + 1 : end]
        stop = next((it.text for it in between if it.text in {".", "!", "?"}), None)
        if stop == "?":
            for c in sentence:
                # (a day told, « puis 16/10 et 06/11 → sept ? », is care told, never a month asked)
                c.asks = c.asks or (_told(c) is None and not any(m.day is not None for m in c.months()))
            sentence = []
        elif stop is not None:
            sentence = []
        clause.asks = clause.asks or bool(clause.words() & _ASK)
    return kept


def _told(clause: _Clause) -> str | None:
    """What a clause says of its months: inclusion | admin | empty | pause | referral | ended, None when it
    says nothing, « ? » when it says two things that do not go together."""
    words = clause.words()
    texts = [it.text for it in clause.items]
    if "fin" in words and not _ends_care(clause.items):
        words.discard("fin")  # « inj fin janvier »: a month's end, not the end of care
    care = any(_care(t) for t in texts)
    oral = any(_oral(t) for t in texts)
    negated = bool(words & _NEGATORS) or "0" in words
    if words & _REFERRAL:
        return "?" if care or negated or oral else "referral"
    if words & _END:
        if words & _LAST and care:
            return "admin"  # « dernière inj à dom le 2 juin »
        return "?" if negated else "ended"
    if oral:
        return "empty" if (words & _ORAL_ONLY or not care) else "?"
    if words & _HOSPITAL or words & _PAUSE:
        return "?" if care and not negated else "pause"
    if negated:
        return "empty"
    if care:
        return "inclusion" if words & _FIRST else "admin"
    if words & _FIRST:
        return "inclusion"
    return None


def _told_otherwise(clauses: list[_Clause], k: int, inherited: str) -> bool:
    """« janv 1ere inj, fev, mars rien »: a month told alone between two clauses that say different things
    could go with either; it is not read."""
    following = clauses[k + 1] if k + 1 < len(clauses) else None
    if following is None or following.asks:
        return False
    told = _told(following)
    return told is not None and not _agrees(inherited, told)


def _ends_care(items: list[_Item]) -> bool:
    """« fin de PEC le 10 juin », « fin HAD » end the care; « fin janvier », « fin de mois » are a day."""
    for k, it in enumerate(items):
        if it.text != "fin":
            continue
        after = [x for x in items[k + 1 : k + 3] if x.text not in {"de", "d", "du"}]
        if after and (after[0].kind == "month" or after[0].text in {"mois", "annee"}):
            return False
    return True


def _agrees(previous: str, told: str) -> bool:
    same = {"pause": "empty", "inclusion": "admin"}
    return same.get(previous, previous) == same.get(told, told)


def _segments(state: _State, clause: _Clause, told: str) -> bool:
    """The clause's months as segments; « de mars à mai », « mars-mai » as one range."""
    items = clause.items
    k = 0
    while k < len(items):
        it = items[k]
        if it.kind != "month":
            k += 1
            continue
        j = k + 1
        while j < len(items) and items[j].text in _RANGE:
            j += 1
        if j > k + 1 and j < len(items) and items[j].kind == "month":
            state.segments.append(_Segment(it, items[j], kind=told))
            k = j + 1
            continue
        if j > k + 1:
            return False  # « jusqu'à » then no month
        state.segments.append(_Segment(it, kind=told))
        k += 1
    return True


def _asked(state: _State, clause: _Clause) -> bool:
    """The clause that asks: its months are the months asked (« cb pr fev-mars-avril ? »)."""
    if any(_care(it.text) for it in clause.items if it.text not in {"forfait", "forfaits"}):
        return not clause.months()
    return not clause.months() or _segments(state, clause, "asked")


def _mark(clause: _Clause, told: str) -> None:
    """The clause is read: its counts (« 2 inj », « une en mars »), negations and events are accounted for;
    any other number or event is left for the conclusion to refuse."""
    items = clause.items
    for k, it in enumerate(items):
        nxt = items[k + 1].text if k + 1 < len(items) else ""
        counted = told in {"admin", "inclusion"} and (_care(nxt) or nxt in {"en", "le"})
        if it.kind == "num":
            it.used = it.used or it.value == 0 or (1 <= it.value <= 9 and counted)
        elif it.text in {"un", "une"}:
            it.used = it.used or counted
        elif it.kind == "word" and (it.text in _READ_WORDS or _oral(it.text) or _care(it.text)):
            it.used = True


_READ_WORDS = _NEGATORS | _PAUSE | _HOSPITAL | _END | _LAST | _ORAL_ONLY | _FIRST | _REFERRAL
