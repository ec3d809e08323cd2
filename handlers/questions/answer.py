"""Compose the French answer for the topics found, from the parameters and facts of rules/data.

Each topic has a composer that states facts through generic sentence templates with parameter slots
(templates/messages/questions.yaml); every fact stated adds a reason with its source and confidence. Nothing
here holds an amount, a date or a sentence: values come from `Parameters`, words from the templates.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any

from handlers.errors import UserError
from handlers.questions import clauses, open_points, premise, timeline, totals
from handlers.questions.asked import unasked_context
from handlers.questions.detect import Analysis, focus, question_words, sentences
from handlers.questions.knowledge import (
    Condition,
    Entry,
    Step,
    answer_conditions,
    expand,
    load_knowledge,
    resolve,
)
from handlers.questions.normalize import NUMBER_WORDS, fold, normalize, raw_tokens, stem
from handlers.questions.slots import MONTH_WORDS, unread_negations
from handlers.questions.tariffs import stated_tariffs
from handlers.questions.topics import GLOSSARY_TOKENS, asked_words, compiled_asks
from handlers.registry import CommandSpec, Kind
from handlers.reply import Action, ReasonLine
from handlers.values import (
    DATE_FORMATS,
    MONTH_FORMATS,
    formats_text,
    parse_date,
    parse_date_or_month,
    parse_month,
)
from rules.calendar import days_left, is_past, next_report
from rules.month import Month
from rules.parameters import Deadline, LegalFact, Param, Parameters
from rules.reasons import Confidence, Source
from templates import has_text, text


def t(key: str, **params: Any) -> str:
    return text(f"questions.{key}", **params)


Sourced = Param[Any] | LegalFact | Deadline


@dataclass
class Composition:
    """What the composers produce: paragraphs, reasons, follow-ups, and how settled the answer is."""

    params: Parameters
    today: date
    analysis: Analysis
    body: list[str] = field(default_factory=list)
    reasons: list[ReasonLine] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    inference: bool = False  # a stated fact rests on our inference [I]
    needs_human: bool = False  # a person should look (ambiguous, partly unknown)
    unanswered: list[str] = field(default_factory=list)  # topics we could not answer at all
    asked: str | None = None  # the question that would settle the answer, when there is one
    verdict_given: bool = False  # a yes/no verdict on the stated value already opens the answer (premise.py)
    # The question turns on a point the texts leave open (RULES §4): the reply is a hand-over that carries the
    # project's working hypothesis, never an answer (« the bot must not pretend to know »).
    open_point: bool = False

    # -- saying things -------------------------------------------------------------------------------------
    def _said(self, sentence: str) -> bool:
        """Whether `sentence` is in the body already, bare or opened by a verdict (a declared step led by
        « Non » states what the composer after it would say again)."""
        return sentence in self.body or any(_with_lead(w, sentence) in self.body for w in ("Oui", "Non"))

    def say(
        self,
        key: str,
        source: Sourced | None = None,
        *,
        opening: str = "",
        again: bool = False,
        **values: Any,
    ) -> None:
        """Add the paragraph `key` filled with `values`; cite `source` (a parameter, fact or deadline). A
        context fact the question does not ask about is not said (asked.py). `opening` (« Oui », « Non »)
        opens the sentence when its template does not place it itself; `again`: said even when the same
        sentence was (two patients' sums that come to the same amount are two lines)."""
        if isinstance(source, LegalFact) and unasked_context(
            source.key, self.analysis.normalized.tokens, self.params
        ):
            return
        sentence = t(key, **values)
        if opening and not sentence.startswith(opening):
            sentence = _with_lead(opening, sentence)
        if not again and self._said(sentence):
            return  # two entries that state the same fact (the arrêté's month) say it once
        self.body.append(sentence)
        if source is not None:
            self.cite(source, sentence)

    def cite(self, source: Sourced, sentence: str) -> None:
        if source.confidence == Confidence.INFERENCE:
            self.inference = True
        # The reason repeats the sentence: it is exactly what the source supports.
        self.reasons.append(ReasonLine(sentence, source.source, source.confidence, "info"))

    def ask(self, key: str, options: list[str] | None = None, **values: Any) -> None:
        """The one question that would settle the answer, as a paragraph (and in `asked`); each option becomes
        a follow-up action that asks the same question again with that option added."""
        question = t(key, **values)
        self.body.append(question)
        self.asked = question
        for option in options or []:
            command = f"question {self.analysis.question} {option}"
            self.actions.append(Action(label=option, command=" ".join(command.split())))

    def unknown(self, topic: str, key: str, **values: Any) -> None:
        self.body.append(t(key, **values))
        self.needs_human = True
        self.unanswered.append(topic)

    # -- values ----------------------------------------------------------------------------------------------
    def fact(self, key: str) -> LegalFact | None:
        return self.params.facts.get(key)

    def when(self, deadline: Deadline) -> str:
        """'le 16 mai 2025, date passée' / 'aujourd'hui, 1er septembre 2026' / 'le 1er septembre 2027, dans
        281 jours', from today's date."""
        left = days_left(deadline, self.today)
        if is_past(deadline, self.today):
            return t(
                "when.past", due=deadline.due, inclusive=deadline.inclusive, precision=deadline.precision
            )
        if left == 0:
            return t("when.today", due=deadline.due, precision=deadline.precision)
        return t(
            "when.future",
            due=deadline.due,
            days=left,
            inclusive=deadline.inclusive,
            precision=deadline.precision,
        )

    def deadline(self, key: str) -> Deadline | None:
        return self.params.deadline(key)

    def deadlines_of(self, kind: str) -> list[Deadline]:
        return [d for d in self.params.deadlines() if d.kind == kind]

    def has(self, *words: str) -> bool:
        tokens = set(self.analysis.normalized.tokens)
        return any(w in tokens for w in words)


Composer = Callable[[Composition], None]


# ---------------------------------------------------------------------------------------------- the fee


def _said_yes_or_no_on_reports(c: Composition) -> bool:
    """The « Non » of « sans rapport, on touche quand même ? » or the « Oui » of « c'est conditionné aux
    rapports ? » already says the condition."""
    keys = ("forfait.no_report_no_payment", "forfait.report_conditions_payment")
    return any(t(key) in c.body for key in keys)


def _payment(c: Composition) -> None:
    p = c.params
    offset = p.payment_year_offset.value
    conditional = c.fact("payment_conditional_on_reports")
    about_reports = c.has("rapport")
    if conditional and about_reports:
        # "What if the report is late / not sent?": the condition is the answer, said first (once: the « Non »
        # of « sans rapport, on touche quand même ? » says it already).
        if not _said_yes_or_no_on_reports(c):
            c.say("forfait.payment_conditional", conditional)
        late = (
            "hors delai",
            "pas ete transmis",
            "pas ete envoye",
            "pas transmis",
            "pas envoye",
            "envoi tardif",
            "pas pu transmettre",
            "pas pu envoyer",
            "pas pu etre transmis",
            "pas pu etre envoye",
        )
        if c.has("retard", "tard", "delai", "report", "reporter") or any(
            p in c.analysis.normalized.text for p in late
        ):
            # What a late report costs (a deduction, a delay, the year lost) is not in the texts: said, and a
            # person confirms; asked for itself (« pouvons-nous accorder ce délai sans conséquence ? »), it
            # is a hand-over (a report never sent is answered: « Non » above).
            c.unknown("forfait_payment", "forfait.late_report_unknown")
            if not _said_yes_or_no_on_reports(c):
                c.open_point = True
    first, last = p.experiment_start.value.year, p.experiment_end.value.year
    # The years named, in order (a year of payment may be the one after the end's)
    told = [
        int(tok) for tok in c.analysis.normalized.tokens if tok.isdigit() and first <= int(tok) <= last + 1
    ]
    years = sorted({year for year in told if year <= last})
    # « les forfaits de décembre 2027 on les touche en 2028 ? »: the year of care, then the year of
    # payment put to the test.
    two_years = len(told) == 2 and told[0] <= told[1] and first <= told[0] <= last
    if two_years and not c.verdict_given and _yes_or_no(c):
        verdict = "yes" if told[1] == told[0] + offset else "no"
        c.say(f"premise.year.{verdict}", p.payment_year_offset, actual=told[0] + offset, stated=told[1])
        c.verdict_given = True
    if years:
        for year in years:
            c.say("forfait.payment_year_for", p.payment_year_offset, year=year, paid=year + offset)
    else:
        c.say("forfait.payment_year", p.payment_year_offset, offset=offset)
    if conditional and not about_reports:
        c.say("forfait.payment_conditional", conditional)
    if not about_reports:
        c.say("forfait.funding", p.funding, funding=p.funding.value)


def _compute(c: Composition) -> None:
    reading = clauses.read(c.analysis.question, c.today)
    if reading is not None:
        _compute_reading(c, reading)
        return
    p, s = c.params, c.analysis.slots
    months: int | None = s.month_count
    if months is None and s.month_range is not None:
        first, last = s.month_range
        months = (last - first) % 12 + 1
    without = s.months_without or 0
    if s.months_without is None and s.month_range is not None and s.empty_months:
        # "de septembre à décembre sans injection en novembre": the empty months inside the span.
        first, last = s.month_range
        without = sum(1 for m in s.empty_months if (m - first) % 12 < (last - first) % 12 + 1)
    elif s.months_without is None and months is not None and s.empty_months:
        # "six mois de suivi, décembre sans": each month named as empty is one without.
        without = len(s.empty_months)
    unnamed_gaps = 0
    inferred_empty: list[int] = []
    if months is None and len(set(s.months)) >= 2:
        # Months named one by one are the months with an administration; the months between them that are
        # not named had none ("perfs en mars, avril et juin": 4 months from March, May without).
        # A month named as empty ("nov sans", "rien en mai") had no administration.
        named = sorted(set(s.months), key=lambda m: (m - s.months[0]) % 12)
        months = (named[-1] - named[0]) % 12 + 1
        without = months - len(set(named) - s.empty_months)
        unnamed_gaps = months - len(named)
        with_one = set(named) - s.empty_months
        span = [(named[0] - 1 + k) % 12 + 1 for k in range(months)]
        inferred_empty = [m for m in span if m not in with_one]
    if months is None or months < 1 or not _reading_is_complete(c, unnamed_gaps):
        c.say("forfait.inclusion", p.inclusion_amount, amount=p.inclusion_amount.value)
        c.say("forfait.monthly", p.monthly_amount, amount=p.monthly_amount.value)
        c.ask("ask.months")
        # Months told but not read (a name, a range, a date) need a person as much as a half-read count.
        # (« A;2026-01;IV;2 »: months an export writes, which the slot readers do not take, are told too)
        told = bool(s.months) or s.month_range is not None
        told = told or timeline.months_told(c.analysis.question, c.today) > 0
        if (months is not None and months >= 1) or told or re.search(r"\d{1,2}/\d{1,2}", c.analysis.question):
            # Safety: a total from a half-read question is worse than none; a person checks the months.
            c.say("compute.unsure")
            c.needs_human = True
        return
    paid_monthly = months - 1 - without
    if paid_monthly < 0:
        c.unknown("forfait_compute", "compute.inconsistent", months=months, without=without)
        return
    total = p.inclusion_amount.value + p.monthly_amount.value * paid_monthly
    # The reading is restated with the months taken as empty, so that a misreading shows.
    if unnamed_gaps:
        empty = inferred_empty
    else:
        empty = sorted(s.empty_months, key=lambda m: (m - (s.months or (m,))[0]) % 12)
    c.say("compute.result", p.monthly_amount, months=months, without=without,
          inclusion=p.inclusion_amount.value, monthly=p.monthly_amount.value, paid=paid_monthly,
          total=total, empty=empty)  # fmt: skip
    c.cite(p.inclusion_amount, t("forfait.inclusion", amount=p.inclusion_amount.value))
    c.say("compute.assumption")
    rule = c.fact("first_month_rule")
    if rule:
        c.say("forfait.first_month_rule", rule)


def _compute_reading(c: Composition, reading: timeline.Reading) -> None:
    """A timeline read whole (timeline.py): restate it, then the total the rules give; a stated sum is
    checked first (« Non : … »)."""
    p = c.params
    if not reading.groups:
        counts = totals.compute_counts(reading, p, c.today)
        _check_stated(c, reading, counts.total)
        c.say("compute.counts", p.monthly_amount, inclusions=counts.inclusions, months=counts.patient_months,
              inclusion=counts.inclusion, monthly=counts.monthly, total=counts.total,
              year=reading.counts_year)  # fmt: skip
        c.cite(p.inclusion_amount, t("forfait.inclusion", amount=p.inclusion_amount.value))
        return
    placed = totals.place(reading, p)
    result = totals.compute(placed, p) if placed is not None else "outside"
    if isinstance(result, str):
        c.say("forfait.inclusion", p.inclusion_amount, amount=p.inclusion_amount.value)
        c.say("forfait.monthly", p.monthly_amount, amount=p.monthly_amount.value)
        c.say(f"compute.unsure_{result}", p.experiment_end, end=p.experiment_end.value,
              selection=totals.selection_month(p))  # fmt: skip
        c.needs_human = True
        # (the end's month told after the end day: the very point is one the texts leave open, a hand-over)
        c.open_point = c.open_point or result == "end_month_after"
        return
    _check_stated(c, reading, result.total)
    several = len(result.groups) > 1
    # « combien par patient pour 2026 ? » of several patients: each one's part of that year, and its sum.
    one_year = reading.by_year[0] if several and len(reading.by_year) == 1 else None
    for number, group in enumerate(result.groups, 1):
        g = group.group
        if g.oral:
            c.say("compute.reading_oral", c.fact("oral_excluded"), number=number, zero=Decimal(0), again=True)
            continue
        c.say("compute.reading", count=g.count, runs=_runs(g.months), empty=_runs(g.empty),
              dated=reading.dated, included_before=g.included_before, number=number if several else None,
              ordinal=_ranks(g) if reading.ordinal else None)  # fmt: skip
        if one_year is not None and len(group.by_year) > 1:
            part = group.by_year.get(one_year, Decimal(0)) * g.count
            c.say("compute.by_year_patient", p.monthly_amount, year=one_year, amount=part, again=several)
            continue
        # « inclus en oct 2026, perf de janvier à mai 2027 : combien pour l'année 2027 ? »: one patient whose
        # care spans years, one year asked: that year's part is the answer (said below), not the whole sum.
        # (« montant total …, et quelle part relève de 2025 ? » asks both)
        year_part_only = not several and len(reading.by_year) == 1 and len(group.by_year) > 1
        year_part_only = year_part_only and not c.has("total", "totale", "globalement", "ensemble")
        whole = ("en tout", "toute la", "tout compris", "depuis le debut", "au global", "cumul")
        year_part_only = year_part_only and not any(w in c.analysis.normalized.text for w in whole)
        if not year_part_only:
            c.say("compute.reading_total", p.monthly_amount, count=g.count, inclusion=group.inclusion,
                  paid=group.paid_months, monthly=group.monthly, per_patient=group.per_patient,
                  total=group.total, again=several)  # fmt: skip
        if group.open_month is not None:
            c.say("compute.open_month", p.experiment_end, end=p.experiment_end.value, month=group.open_month,
                  monthly=group.monthly)  # fmt: skip
        # (a day still to come after the end, left out of the total: « une dernière cure prévue le 3 mars
        # 2028 » earns nothing either, which the asker needs told)
        after_end = sorted(
            set(group.after_end) | {m for m in reading.planned if m > Month.of(p.experiment_end.value)}
        )
        if after_end:
            end = p.experiment_end
            c.say("compute.after_end", end, end=end.value, runs=_runs(tuple(after_end)))
        if several and one_year is None and len(group.by_year) > 1:
            # (years asked apart: a patient whose care spans them, each year's part too)
            for year in reading.by_year:
                part = group.by_year.get(year, Decimal(0)) * g.count
                c.say("compute.by_year_patient", year=year, amount=part, again=True)
    sites = list(dict.fromkeys(g.group.site for g in result.groups if g.group.site))
    if several and len(sites) > 1 and all(g.group.site for g in result.groups):
        # « site Nord : P1 …, P2 … ; site Sud : P3 … »: each site's sum (a site reports under its own FINESS)
        for site in sites:
            part = sum((g.total for g in result.groups if g.group.site == site), Decimal(0))
            c.say("compute.site_sum", site=site, total=part, again=True)
    if several and one_year is None:
        c.say("compute.reading_sum", total=result.total)
    for year in reading.by_year:
        c.say("compute.by_year", year=year, amount=result.by_year.get(year, 0))
    if any(g.inclusion for g in result.groups):
        c.cite(p.inclusion_amount, t("forfait.inclusion", amount=p.inclusion_amount.value))
    c.say("compute.reading_assumption")
    rule = c.fact("first_month_rule")
    if rule:
        c.say("forfait.first_month_rule", rule)


def _check_stated(c: Composition, reading: timeline.Reading, total: Decimal) -> None:
    if reading.stated_total is not None:
        c.say("compute.check", holds=reading.stated_total == total, total=total, stated=reading.stated_total)


def _ranks(group: timeline.Group) -> tuple[list[int], list[int]]:
    """« mois 1 : 320, mois 2 : 0, mois 3 : 120 »: the ranks with and without an administration."""
    first = group.months[0]

    def rank(m: Month) -> int:
        return (m.year - first.year) * 12 + m.month - first.month + 1

    return [rank(m) for m in group.months], [rank(m) for m in group.empty]


def _runs(months: tuple[Month, ...]) -> list[tuple[Month, Month]]:
    """Consecutive months as (first, last) runs, for « de mars à juillet 2026, septembre 2026 »."""
    runs: list[tuple[Month, Month]] = []
    for month in months:
        if runs and runs[-1][1].next() == month:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


# « patient A », « pt B », « pt1 », « P-0412 »: a patient named by a label or a code (two distinct labels are
# two patients; « pt a dom … pt a domicile » names one label twice, the preposition).
_PATIENT_LABELS = re.compile(r"\b(?:patiente?|pte?)\s?([a-z0-9])\b|\b(p-?\d{2,})\b")
_PATIENT_WORDS = frozenset({"patient", "patients", "patiente", "patientes", "pt", "pts", "malade", "malades"})


def _several_patients(tokens: tuple[str, ...]) -> bool:
    """« 4 nouveaux pts », « 3 patients »: a count of two or more patients told."""
    for k, tok in enumerate(tokens[:-1]):
        nxt = tokens[k + 1]
        if nxt in {"nouveaux", "nouveau", "nouvelles", "nouvelle", "autres"} and k + 2 < len(tokens):
            nxt = tokens[k + 2]
        if tok.isdigit() and 2 <= int(tok) <= 9999 and nxt in _PATIENT_WORDS:
            return True
    return False


# « toutes les 3 semaines », « ts les 28 jours », « tous les 21j » (as normalised: « toute les 3 semaine »)
_STEPPED = re.compile(r"\b(?:tous|toute|toutes|tte|ttes|ts|chaque) les \d+ ?(?:semaine|sem|jour|j)\b")


def _reading_is_complete(c: Composition, unnamed_gaps: int) -> bool:
    """A total is given only when every word that could change it was read: no negation ("sans", "sauf",
    "ni") left unaccounted for, and no month inferred as empty when the question also names its empty
    months or says "chaque mois" (then an unnamed month may well have had one)."""
    s, tokens = c.analysis.slots, c.analysis.normalized.tokens
    if unread_negations(tokens, s) or timeline.unmodelled_event(c.analysis.question):
        return False
    if "0" in tokens:
        return False  # « 0 en mars »: a month without, told as a number the slot readers do not take
    if _STEPPED.search(" ".join(tokens)):
        # « toutes les 3 semaines à partir du 29/09, 6 cures … ça fait 6 mois donc 920 ? »: a cadence in weeks
        # or days the timeline reader declined; the months it fills are not a count of months told (the
        # 6 months put forward were taken as the count, a confident wrong total)
        return False
    if s.months and any(t in _REFERRAL_WORDS for t in tokens):
        # « adressé le 27 janvier, 1re administration le 2 février … » the timeline reader declined: the
        # months named are not all months of care (the referral's is not), a count of them would be wrong.
        return False
    # A drug read as oral (« en mars que du xeloda »: the drug list reads it « médicament oral »), or two
    # patients each told with their inclusion (« Mme L. incluse en mai … et M. R. inclus en juillet »): not
    # one patient's count of months.
    if "oral" in tokens or sum(t in _INCLUDED_WORDS for t in tokens) >= 2:
        return False
    # « déjà inclus en octobre 2025 … en 2026 des perf de janvier à décembre »: included before the months
    # counted (no inclusion forfait in them), which a count of months does not hold; nor an end of the span
    # excepted (« de janvier à décembre sauf en août et en décembre »).
    if any(t in {"deja", "avant"} and nxt in _INCLUDED_WORDS for t, nxt in pairwise(tokens)):
        return False
    # « inclus en octobre 2025 … de janvier à décembre 2026 »: an inclusion told in another year than the
    # months counted.
    years = {t for t in tokens if t.isdigit() and len(t) == 4 and t.startswith("20")}
    if len(years) >= 2 and any(
        t in _INCLUDED_WORDS and not (k and (tokens[k - 1] in MONTH_WORDS or tokens[k - 1] in years))
        for k, t in enumerate(tokens)
    ):
        # (« jusqu'à août 2027 inclus »: the end month counted, no inclusion)
        return False
    if s.month_range is not None and _range_end_excepted(tokens, s.month_range):
        return False
    if unnamed_gaps > len(set(s.months)):
        # « 4 injections en mars (il a été inclus en janvier) »: months told out of their order read as a
        # span of eleven; more months inferred empty than named is no patient's count.
        return False
    # « 4 nouveaux pts inclus en janvier … », « patient A … patient B »: several patients, not one patient's
    # count of months; « total T1 », « ce trimestre »: a quarter asked, which no count of months here reads.
    if (
        _several_patients(tokens)
        or len(set(_PATIENT_LABELS.findall(c.analysis.question.lower()))) >= 2
        # (« - M.R. : oct, nov, déc - J.P. : nov »: patients named by initials in a list; three patients'
        # months once read as one patient's three)
        or timeline.names_several_patients(c.analysis.question, c.today)
        or any(timeline.names_quarter(tok) or tok.startswith("trimestr") for tok in tokens)
    ):
        return False
    text_ = c.analysis.normalized.text
    every_month = "chaque" in tokens or ("tous" in tokens and "mois" in tokens) or "par mois" in text_
    if unnamed_gaps and (s.empty_months or every_month):
        return False
    # A month named outside the span read ("de janvier à mars puis de mai à juin") was not counted.
    if s.month_range is not None:
        first, last = s.month_range
        inside = {(first - 1 + k) % 12 + 1 for k in range((last - first) % 12 + 1)}
        if set(s.months) - inside:
            return False
    # Months of care outside the experiment (before 2025, after the end in February 2028) earn nothing, or
    # only in part: the simple count would be wrong.
    start, end = c.params.experiment_start.value.year, c.params.experiment_end.value.year
    if any(t.isdigit() and len(t) == 4 and not start <= int(t) < end for t in tokens):
        return False
    # More months than the experiment lasts cannot be one patient's care: the number read was something
    # else (an amount, "mois 1 : 320", or months summed over several patients, "180 mois-patients").
    first_day, last_day = c.params.experiment_start.value, c.params.experiment_end.value
    span = (last_day.year - first_day.year) * 12 + last_day.month - first_day.month + 1
    if s.month_count is not None and s.month_count > span:
        return False
    # « 1re inj le 14/11/2025 puis 1/mois jusqu'à juin 2026 »: an end month with a cadence is the timeline
    # reader's (it declined); the count of named months would miss the months up to it.
    if any(t in {"jusqu", "jusque", "jusqua"} for t in tokens):
        return False
    # « P1 … P2 … », « chacun 4 mois »: several patients told one by one or at once.
    # (Read on the words as written: the normalised tokens read a code as « patient ».)
    ids = {t for t in raw_tokens(fold(c.analysis.question)) if re.fullmatch(r"p-?\d+[a-z0-9-]*", t)}
    if len(ids) >= 2 or any(t in {"chacun", "chacune"} for t in tokens):
        return False
    # "deux patients de janvier à mars": the total is per patient; a sum for several is not what we compute.
    return not any(
        NUMBER_WORDS.get(t, int(t) if t.isdigit() else 0) >= 2 and nxt in _PATIENT_WORDS
        for t, nxt in pairwise(tokens)
    )


def _range_end_excepted(tokens: tuple[str, ...], month_range: tuple[int, int]) -> bool:
    """« de janvier à décembre sauf en août et en décembre »: an end of the span named again after « sauf »
    (the slot reader keeps one month excepted)."""
    for k, tok in enumerate(tokens):
        if tok != "sauf":
            continue
        for later in tokens[k + 1 : k + 8]:
            if later in MONTH_WORDS and MONTH_WORDS[later] in month_range:
                return True
    return False


_REFERRAL_WORDS = frozenset(
    {"adresse", "adressee", "adresses", "adressees", "adressage", "oriente", "orientee"}
)
_INCLUDED_WORDS = frozenset({"inclus", "incluse", "incluses", "inclure", "inclu", "inclue", "inclues"})
_PATIENT_WORDS = frozenset(
    {"patient", "patients", "patiente", "patientes", "malade", "malades", "personne", "personnes", "cas",
     "dossier", "dossiers", "inclusion", "inclusions", "adressage", "adressages", "pt", "pts"}
)  # fmt: skip


_TARIFFS_ASKED = re.compile(
    r"\b(?:quel\w* (?:sont |est )?(?:les |le )?tarifs?"
    r"|(?:indiquer|donner|communiquer|connaitre) (?:le |les )?tarifs?"
    r"|tarifs? (?:\w+ ){0,3}(?:a retenir|applicables?))\b"
)
_OWN_SITE = re.compile(r"\b(?:pour nous|notre site|pour notre (?:site|etablissement|ch|hopital)|chez nous)\b")


# Whether the monthly amount keeps to the cap (« respecte-t-il le plafond ? ») or goes over it (« dépasse-t-il
# l'écart ? »), asked of stated tariffs.
_FITS_CAP = re.compile(r"\b(?:respect\w*|conforme\w*|compatible\w*|dans les clous|sous le plafond|rest\w*)\b")
_EXCEEDS_CAP = re.compile(r"\b(?:depass\w*|exced\w*|superieur\w*|au dessus)\b")


_STATED_CAP = re.compile(
    r"\bplafonn\w* (?:a |au montant de )?(\d{1,4}) euro\b|\b(\d{1,4}) (?:euro )?au lieu de\b"
)


def _cap_monthly(c: Composition) -> None:
    """The cap applied to the tariffs the question states (tariffs.py): one line per site, or the gap it
    states; none stated, the rule alone, and that we do not hold the tariffs."""
    rule, monthly = c.params.monthly_cap_rule, c.params.monthly_amount.value
    found = stated_tariffs(c.analysis.normalized.tokens)
    if not found:
        c.say("forfait.tariffs_not_held")
        # « le forfait de 120 € est-il plafonné plus bas pour notre site ? »: the site's own cap turns on its
        # tariffs, which we do not hold: a hand-over, with the rule.
        # The tariffs' values asked for (« pouvez-vous m'indiquer le tarif HDJ et le tarif HAD de 2026 ? »)
        # likewise.
        if _OWN_SITE.search(c.analysis.normalized.text) or _TARIFFS_ASKED.search(c.analysis.asked.text):
            c.open_point = c.needs_human = True
        return
    # « le forfait de 120 € respecte-t-il le plafond ? » with one pair of tariffs: their gap answers it.
    fits = exceeds = None
    for sentence in _closed_questions(c.analysis.question):
        words = normalize(sentence.rsplit(".", 1)[-1], _words(c.params)).tokens
        if premise.asks_yes_or_no(words):
            text = " ".join(words)
            fits, exceeds = fits or _FITS_CAP.search(text), exceeds or _EXCEEDS_CAP.search(text)
    verdict = len(found) == 1 and (fits is None) != (exceeds is None)
    # « … donc le forfait mensuel sera plafonné à 90 € au lieu de 120, c'est bien ça ? »: the capped amount
    # stated, put to the test against the pair's gap.
    capped_to = _STATED_CAP.search(c.analysis.normalized.text) if len(found) == 1 else None
    for tariffs in found:
        yes = (tariffs.gap >= monthly) == (fits is not None)  # kept to the cap and asked so, or over it
        if capped_to is not None and not verdict and premise.asks_yes_or_no(c.analysis.normalized.tokens):
            stated = Decimal(capped_to.group(1) or capped_to.group(2))
            verdict, yes = True, stated == min(tariffs.gap, monthly)
        c.say(
            "forfait.cap_monthly_computed",
            rule,
            opening=t(f"lead.{'yes' if yes else 'no'}") if verdict else "",
            hdj=tariffs.hdj,
            had=tariffs.had,
            gap=tariffs.gap,
            monthly=monthly,
            capped=tariffs.gap < monthly,
        )
        if tariffs.gap <= 0:
            # A tariff at home no cheaper than in hospital: the texts do not say what is then paid.
            c.unknown("forfait_cap_monthly", "forfait.cap_no_gap")


# ---------------------------------------------------------------------------------------------- patients


_LACKS_MENTION = re.compile(
    r"\b(?:pas|sans|aucune|ni|plus)(?: \w+){0,2} mention\b|\bmention\b(?: \w+){0,3} (?:pas|manque|absente)\b"
)


# « n'importe quelle HAD », « toutes les HAD », « quelle que soit l'HAD »: any HAD, whatever its mention.
_ANY_HAD = re.compile(
    r"\bn import\w* quel\w* had\b|\btout\w* (?:les )?had\b|\bquel\w* que soit (?:l |la )?had\b"
)
# « l'établissement peut-il candidater ? », « pouvons-nous participer ? »: who applies, not a patient.
_ESTABLISHMENT_APPLIES = re.compile(
    r"\b(?:peu\w*|pouv\w*|pourr\w+)\b(?: \w+){0,3} (?:candidater|postuler|participer|concourir)\b"
)
# « pouvons-nous lui adresser un enfant de 2 ans ? », « pourra-t-il adresser à cette HAD des enfants … ? »
_SENDS_A_CHILD = re.compile(
    r"\b(?:adress\w*|confi\w*|envoy\w*|orient\w*)\b(?: \w+){0,5} (?:enfant|bebe|nourrisson)"
)
# « exclu d'office », « interdit », « pas possible »: a yes/no question asked the negative way.
_EXCLUDED = re.compile(r"\b(?:exclu\w*|interdit\w*|impossible|refuse\w*|hors (?:du )?(?:champ|perimetre))\b")
_CANNOT_APPLY = re.compile(
    r"\b(?:ne|n) (?:peu\w*|pouv\w*|pourr\w+) (?:\w+ )?pas (?:candidater|postuler|participer)\b"
)


# « si le forfait mensuel était (ramené) à 100 € », « si l'arrêté baissait le forfait mensuel à 100 € »:
# another monthly amount supposed, its verb after the fee or before it. (bounded gaps, no nested repetition:
# linear)
_SUPPOSING = (
    r"(?:etait|passait|baissait|descendait|tombait|montait|devenait|ramene|abaisse|fixe|reduisait|ramenait)"
)
_SUPPOSED_MONTHLY = re.compile(
    r"\bsi\b[^?.]{0,40}?(?:\bmensuel\w*\b[^?.]{0,40}?\b"
    + _SUPPOSING
    + r"\b|\b"
    + _SUPPOSING
    + r"\b[^?.\d]{0,30}?\bmensuel\w*\b)[^?.\d]{0,20}?(\d{2,4})(?:[.,]\d{1,2})? ?(?:€|e\b|eur|euros?)"
)


def _supposed_monthly(c: Composition) -> Decimal | None:
    found = _SUPPOSED_MONTHLY.search(fold(c.analysis.question))
    return Decimal(found.group(1)) if found else None


def _cap_supposed(c: Composition) -> None:
    """« Si le forfait mensuel était ramené à 100 €, l'inclusion pourrait-elle rester à 320 € ? »: the cap
    computed with the amount supposed (3 × 100 € = 300 €) against the inclusion amount."""
    supposed = _supposed_monthly(c)
    if supposed is None:
        return
    factor = c.params.inclusion_cap_factor
    inclusion = c.params.inclusion_amount.value
    cap = supposed * factor.value
    c.say(
        "forfait.cap_inclusion_supposed",
        factor,
        monthly=supposed,
        factor=factor.value,
        cap=cap,
        inclusion=inclusion,
        holds=inclusion <= cap,
    )


def _children(c: Composition) -> None:
    fact = c.fact("under3_mention")
    if fact is None:
        c.unknown("children", "unknown.generic")
        return
    s = c.analysis.slots
    age_months = (
        s.age_months if s.age_months is not None else (s.age_years * 12 if s.age_years is not None else None)
    )
    said = c.analysis.normalized.text
    young = age_months is None or age_months < 36
    asks = _yes_or_no(c)
    if _ESTABLISHMENT_APPLIES.search(c.analysis.asked.text):
        # « un établissement autorisé aux TMSC pédiatriques peut-il candidater ? »: yes, whatever its HAD;
        # the mention is a condition on the HAD for the youngest patients, not on who applies.
        # (asked the other way round, « … hors champ et qu'un établissement pédiatrique ne peut pas
        # candidater ? »: no)
        negated = _EXCLUDED.search(said) or _CANNOT_APPLY.search(c.analysis.asked.text)
        c.say("had.under3_can_apply", fact, mention=fact.value, lead=t("lead.no" if negated else "lead.yes"))
        if young and _LACKS_MENTION.search(said) and _SENDS_A_CHILD.search(c.analysis.asked.text):
            # « … et si notre HAD n'a pas la mention, pouvons-nous lui adresser un enfant de 2 ans ? »: the
            # second question asked, of a young child and an HAD without the mention: no.
            c.say("had.under3_no", fact, mention=fact.value)
        elif age_months is not None and age_months >= 36 and "mention" in said:
            # « … Pour nos patients de 4 à 6 ans, l'HAD doit-elle obligatoirement détenir la mention ? »: no.
            lead = t("lead.no") if _ASKS_REQUIRED.search(said) else t("lead.yes")
            c.say("had.under3_not_needed", fact, mention=fact.value, lead=lead)
    elif young and asks and _ANY_HAD.search(said):
        # « bébé de 20 mois, n'importe quelle HAD partenaire peut le prendre ? »: only one with the mention.
        c.say("had.under3_no", fact, mention=fact.value)
    elif young and asks and _EXCLUDED.search(said):
        # « un enfant de 20 mois est-il d'office exclu ? »: asked the other way round, no.
        c.say("had.under3_not_excluded", fact, mention=fact.value)
    elif age_months is None:
        c.say("had.under3", fact, mention=fact.value)
    elif age_months < 36 and _LACKS_MENTION.search(c.analysis.normalized.text):
        # « l'HAD du secteur n'a pas la mention, on peut quand même ? »: the condition is not met.
        c.say("had.under3_no", fact, mention=fact.value)
    elif age_months < 36:
        c.say("had.under3_yes", fact, mention=fact.value)
    else:
        # « enfant de 4 ans, HAD sans la mention, ça passe ? »: yes, the mention is for under 3 only; « l'HAD
        # doit-elle obligatoirement avoir la mention ? » asks the requirement: no.
        lead = ""
        if _yes_or_no(c):
            required = _ASKS_REQUIRED.search(c.analysis.normalized.text) is not None
            lead = t("lead.no") if required else t("lead.yes")
        c.say("had.under3_not_needed", fact, mention=fact.value, lead=lead)


# ---------------------------------------------------------------------------------------------- calendar


_PUBLISHED_WORDS = (
    "publie", "publication", "lance", "lancement", "ouverture", "ouvert", "paru", "sorti", "sortir"
)  # fmt: skip


def _ami_published(c: Composition, regions: list[Any]) -> bool:
    """'Quand a été publié l'AMI ?': the region's own publication date when we hold it."""
    if not c.has(*_PUBLISHED_WORDS):
        return False
    # « l'AMI de l'ARS Normandie est déjà sorti ? »: yes or no by today, for one region, no date put forward
    verdict = len(regions) == 1 and _yes_or_no(c) and not any(ch.isdigit() for ch in c.analysis.question)
    said = False
    for region in regions:
        for d in region.extra_deadlines:
            if d.key.startswith("ami:") and d.key.endswith(":published"):
                past = is_past(d, c.today)
                key = "application.ami_published_verdict" if verdict else "application.ami_published"
                c.say(key, d, region=region.name, due=d.due, past=past)
                said = True
    return said


def _folded(name: str) -> str:
    return re.escape(" ".join(fold(name).replace("-", " ").replace("'", " ").split()))


_ASKS_REQUIRED = re.compile(
    r"\b(?:doit|doivent|faut|obligatoire\w*|exige\w*|necessaire|imperati\w*|impose\w*)\b"
)


def _deadline_verdict(c: Composition, named: list[Any]) -> None:
    """A yes/no question about one named region's call opens on « Oui » / « Non »: the date it states checked
    against the region's deadline (« la date limite est le 31 mai, comme pour l'IDF ? »), else whether it is
    still open (« on peut encore déposer ? ») or already too late (« c'est déjà trop tard ? »)."""
    # « la date limite est le 31 mai, comme pour l'Île-de-France ? »: the region compared with is not asked.
    text = c.analysis.normalized.text
    named = [
        r
        for r in named
        if not re.search(rf"\bcomme (?:pour |en |dans |a )?(?:l |la |le |les )?{_folded(r.name)}\b", text)
    ]
    own = named[0].application() if len(named) == 1 else None
    if own is None or not _yes_or_no(c):
        return
    region = named[0]
    tokens = c.analysis.normalized.tokens
    # « la clôture … était fixée au 15 juin 2025. Est-ce exact ? »: the date of the step named, read loosely
    # (« on a loupé la DL (c t le 16/05 je crois ?) on peut encore déposer ? » asks whether still open)
    told = premise.stated("date", tokens)
    if not told and not _ASKS_APPLYING.search(c.analysis.asked.text):
        told = premise.step_dates(tokens, c.analysis.asked.tokens)
    # (a date told in brackets, « (c t le 16/05 je crois ?) », is an aside: « encore ? » is asked)
    aside = c.has("encore") and _ASIDE_QUESTION.search(c.analysis.question) is not None
    if len(told) == 1 and not aside:
        verdict = "yes" if told[0].matches(own.due) else "no"
        c.say(f"application.verdict.date_{verdict}", own, region=region.name, due=own.due)
        return
    if not _ASKS_APPLYING.search(c.analysis.asked.text):
        return  # « seuls 10 établissements seront retenus : est-ce exact ? » asks no « still open? »
    past = is_past(own, c.today)
    # « on peut encore déposer ? » asks whether still open, whatever lateness the case tells (« signature
    # en retard »); « c'est trop tard ? » asks whether too late.
    # (« c'est déjà passé ?? on a pas encore déposé »: « pas encore » tells the case, it asks no « still? »)
    still = re.search(r"(?<!\bpas )\bencore\b", c.analysis.normalized.text) is not None
    late = None if still else _TOO_LATE.search(c.analysis.normalized.text)
    # « c'est pas trop tard ? »: a negative question; neither « oui » nor « non » would be clear.
    if late is not None and "pas" in c.analysis.normalized.text[: late.start()].split()[-3:]:
        return
    key = ("late" if past else "not_late") if late is not None else ("closed" if past else "open")
    c.say(f"application.verdict.{key}", own, region=region.name)


def _only_region_asked(c: Composition, region: Any, named: list[Any]) -> bool:
    """Whether `region` is the one region the asked sentences name (« nous trouvons l'AMI de Normandie, rien
    pour la Bretagne : quelle est la date limite de l'ARS Bretagne ? »)."""
    if len(named) == 1:
        return True
    asked = fold(focus(c.analysis.question)).replace("-", " ").replace("'", " ")
    in_asked = [r for r in named if re.search(rf"\b{_folded(r.name)}\b", asked)]
    return in_asked == [region]


def _deadline(c: Composition) -> None:
    regions = [c.params.regions[k] for k in c.analysis.slots.regions]
    _deadline_verdict(c, regions)
    # « publié quand ? et jusqu'à quand pouvait-on déposer ? »: the publication, then the deadline too.
    if regions and _ami_published(c, regions) and not c.has("deposer", "depot", "limite", "cloture", "jusqu"):
        return
    if regions:
        for region in regions:
            own = region.application()
            if own is None:
                c.unknown("application_deadline", "application.no_data", region=region.name)
                # The region asked about has no deadline in our data: the point asked is a person's.
                c.open_point = c.open_point or _only_region_asked(c, region, regions)
            else:
                c.say("application.deadline", own, region=region.name, when=c.when(own))
        if any(r.application() for r in regions):
            _late_rule(c)
        return
    known = [(r, d) for r in c.params.regions.values() if (d := r.application()) is not None]
    if not known:
        c.unknown("application_deadline", "unknown.generic")
        return
    for region, own in known:
        c.say("application.deadline", own, region=region.name, when=c.when(own))
    if all(is_past(d, c.today) for _, d in known):
        c.say("application.all_past")
    c.say("application.other_regions")
    c.ask("ask.region", [r.name for r, _ in known])
    c.needs_human = True


# Words by which a yes/no question asks whether one may still apply (or is too late).
_ASIDE_QUESTION = re.compile(r"\([^()]{0,60}\d[^()]{0,60}\)")
_ASKS_APPLYING = re.compile(
    r"\b(?:encore|temps|tps|deposer|depose|depot|candidater|candidature|postuler|ouvert|ouverte|tard|delai"
    r"|limite|cloture|clos|close|passe|passee|depasse|rate|loupe|manque|quandmeme|dossier|accepte|recevable)\b"
)

# (« fini » only of the call: « c'est fini ? », not « dossier fini hier soir »)
_TOO_LATE = re.compile(
    r"\b(?:trop tard|en retard|hors delai|depasse|passee?|clos|close|cloture|ferme|(?:c est|c|est) fini)\b"
)


# « un nouvel appel est-il prévu en 2026 ? », « une deuxième vague ? »: another call asked about.
_NEW_CALL = re.compile(
    r"\b(?:nouvel|nouveau|nouvelle|prochain|prochaine|second|seconde|deuxieme|autre)s? "
    r"(?:appel|ami|vague|session|campagne)"
)


def _new_call_unknown(c: Composition) -> None:
    c.unknown("application_still_open", "application.new_call_unknown")
    if _NEW_CALL.search(c.analysis.normalized.text):
        c.open_point = True  # the very point asked is in no text: a hand-over, with what is known


def _still_open(c: Composition) -> None:
    """'Can we still apply?': the deadlines with what is past; once all are past, the selection is done and
    whether a new call will come is not in our data, so a person answers that part."""
    named = [c.params.regions[k] for k in c.analysis.slots.regions]
    for region in named:
        if region.application() is None:
            c.unknown("application_still_open", "application.no_data", region=region.name)
            c.open_point = c.open_point or _only_region_asked(c, region, named)
    candidates = named or list(c.params.regions.values())
    known = [(r, d) for r in candidates if (d := r.application()) is not None]
    _deadline_verdict(c, named)
    # « l'appel ne semble pas encore en ligne : quand doit-il être publié ? »: its publication first.
    if named:
        _ami_published(c, named)
    if known and not named and all(is_past(d, c.today) for _, d in known):
        # No region named and every call closed: the last deadline says it; four regional lines would not.
        last = max((d for _, d in known), key=lambda d: d.due)
        c.say("application.all_past_last", last, when=c.when(last))
        publication = c.fact("selection_publication")
        if publication:
            _selection_done(c, publication)
        _new_call_unknown(c)
        return
    for region, own in known:
        c.say("application.deadline", own, region=region.name, when=c.when(own))
    if known and not all(is_past(d, c.today) for _, d in known):
        _late_rule(c)
        return
    if known and not named:
        c.say("application.all_past")
    publication = c.fact("selection_publication")
    if publication:
        _selection_done(c, publication)
    _new_call_unknown(c)


def _selection_done(c: Composition, publication: Any) -> None:
    """The selection once every call is closed: done once the arrêté's month is over, ahead until then (only
    its month is in the texts)."""
    month = _month_of(publication.value)
    done = Month.of(c.today) > month
    c.say("application.selection_done", publication, month=month, done=done)


def _regions_with_data(c: Composition) -> list[Any]:
    return [r for r in c.params.regions.values() if r.application() is not None or r.contact]


def _late_rule(c: Composition) -> None:
    platform = c.fact("application_platform")
    if platform:
        c.say("application.late_not_receivable", platform)


_RECEIVED = re.compile(
    r"\b(?:recue?s?|arrivee?s?|deposee?s?|envoyee?s?|transmise?s?|parvenue?s?|finalisee?s?|soumise?s?)\b"
)


_AFTER_THE_DAY = re.compile(r"\b(?:apres|au dela du|passe) (?:le |la date limite du )?(?:\d|1er\b|premier\b)")


def _application_rules(c: Composition) -> None:
    regions = c.analysis.slots.regions
    for key in regions:
        region = c.params.regions[key]
        own = region.application()
        if own is None:
            continue
        # « un dossier arrivé le 17 mai peut-il encore être examiné ? »: that day against the deadline
        if len(regions) == 1 and _yes_or_no(c):
            folded = fold(c.analysis.question)
            days = open_points.told_days(folded, own.due.year)
            # (the day a file arrives, not the deadline named: « on a raté le 16 mai, on peut encore ? »)
            if len(days) == 1 and _RECEIVED.search(folded):
                # (« arrivés quelques jours après le 16 mai » tells the deadline's day as a bound passed)
                late = days[0] > own.due or (days[0] == own.due and _AFTER_THE_DAY.search(folded) is not None)
                key = "received_late" if late else "received_in_time"
                c.say(f"application.verdict.{key}", own, region=region.name)
            elif c.has("encore"):
                _deadline_verdict(c, [region])  # « on a raté le 16 mai, on peut encore déposer ? »
        c.say("application.deadline", own, region=region.name, when=c.when(own))
    platform = c.fact("application_platform")
    if platform:
        c.say("application.platform", platform, url=platform.value)
        c.say("application.complete_signed", platform)
        c.say("application.late_not_receivable", platform)
    known = [(r, d) for r in c.params.regions.values() if (d := r.application()) is not None]
    if known and all(is_past(d, c.today) for _, d in known):
        c.say("application.calls_closed")


# ------------------------------------------------ counts no rule holds (the `counts:` condition, the guard)


# "un nombre max de patients à inclure ?", "un maximum de patients par établissement ?": the counted thing is
# patients (or referrals), not establishments.
_PATIENT_CAP_RE = re.compile(
    r"\b(?:combien|nombre|maximum|max|plafond|limite|quota)\b(?: \w+){0,2}? d(?:e|es)? ?"
    r"(?:patient|malade|adressage|inclusion)s?\b"
)


# Words that make a "combien d'établissements" question one about the cap ("peuvent être retenus", "au
# maximum"), and verbs that make it one about the actual count ("participent", "nous sommes", "ont été").
_CAP_WORDS = frozenset(
    {"maximum", "max", "plus", "plafond", "limite", "peut", "peuvent", "pourra", "pourront", "quota",
     "place", "autorise", "possible", "retenir", "selectionner", "prevu"}
)  # fmt: skip
_COUNT_VERBS = frozenset(
    {"somme", "sommes", "participent", "participe", "participant", "participer", "compte", "engage",
     "engager", "inscrit", "inscrire", "ont", "existe", "actuellement", "aujourd", "deja"}
)  # fmt: skip


_PARTICIPANT_COUNT_RE = re.compile(
    r"\b(?:combien|nombre)\b[\w ]{0,40}?\b(?:etablissement|chu|clcc|hopita\w*|clinique|structure|centre|site"
    r"|candidat|had)s?\b[\w ]{0,50}?\b(?:participent|participer|participant|engager|engage|inscrire|inscrit"
    r"|impliquer|implique|signe|signer|signent|signee|conventionne\w*)\b"
    # "combien de patients sont inclus au niveau national ?": a count of patients, held by no rule.
    r"|\b(?:combien|nombre) de (?:patient|malade)s?\b[\w ]{0,30}?\b(?:sont|ont ete|ete|deja)"
    r" (?:inclus|inclure|adresse|adresser|suivi|suivre|traite|traiter|pris)\b"
    r"|\b(?:nous somme|nous sommes|on est) combien\b"
    # « combien d'établissements ont (finalement) été retenus en Normandie ? »: the outcome, not the cap.
    r"|\b(?:combien|nombre) d (?:etablissement|chu|clcc|hopita\w*|clinique|structure|centre|site"
    r"|candidat)s?\b"
    r"[\w ]{0,30}?\b(?:ont|sont) (?:finalement |deja |au final )?(?:ete )?(?:retenu|selectionne|choisi)"
)


def asks_participant_count(text: str) -> bool:
    """'combien de CHU participent ?', 'nous sommes combien dans l'expé ?': how many take part, which no rule
    answers (the cap of 10 per region, the categories are other questions)."""
    return _PARTICIPANT_COUNT_RE.search(text) is not None and not (_CAP_WORDS & set(text.split()))


def _asks_participant_count(tokens: tuple[str, ...]) -> bool:
    asks_number = "combien" in tokens or "nombre" in tokens
    return asks_number and not (_CAP_WORDS & set(tokens)) and bool(_COUNT_VERBS & set(tokens))


# ---------------------------------------------------------------------------------------------- reports


def _report_line(c: Composition, d: Deadline) -> None:
    kind = "initial" if d.kind == "initial_report" else "followup"
    c.say(f"reports.{kind}", d, when=c.when(d), covers=list(d.covers))


_COVERING_WORDS = frozenset(
    {
        "de",
        "d",
        "activite",
        "pour",
        "sur",
        "couvrant",
        "couvre",
        "couvrir",
        "annee",
        "anne",
        "concernant",
        "donne",
        "donnee",
        "chiffre",
    }
)


def _covered_year(c: Composition) -> int | None:
    """The year a report is asked about as its activity year ("l'activité de 2026", "pour 2026"), as opposed
    to the year it is due ("en 2026", "septembre 2026")."""
    tokens = c.analysis.normalized.tokens
    for before, token in pairwise(tokens):
        if token.isdigit() and len(token) == 4 and before in _COVERING_WORDS:
            return int(token)
    return None


def _named_month_years(c: Composition) -> set[tuple[int, int]]:
    """(month, year) pairs named together: "septembre 2027" -> (9, 2027); « septembre prochain » (the next
    September after today) and « septembre dernier » (the last one) too."""
    found: set[tuple[int, int]] = set()
    today = c.today
    for before, token in pairwise(c.analysis.normalized.tokens):
        if before not in MONTH_WORDS:
            continue
        month = MONTH_WORDS[before]
        if token.isdigit() and len(token) == 4:
            found.add((month, int(token)))
        elif token in {"prochain", "prochaine"}:
            found.add((month, today.year if month > today.month else today.year + 1))
        elif token in {"dernier", "derniere"}:
            found.add((month, today.year if month < today.month else today.year - 1))
    return found


def _reports_followup(c: Composition) -> None:
    followups = c.deadlines_of("followup_report")
    # The years the reports are due ("le rapport 2027"), from the data: a typed year would go stale.
    first_due, last_due = (str(followups[0].due.year), str(followups[-1].due.year)) if followups else ("", "")
    covered = _covered_year(c)
    due = [d for d in followups if (d.due.month, d.due.year) in _named_month_years(c)]
    right = [d for d in followups if covered is not None and covered in d.covers]
    if due and right and not set(due) & set(right) and _yes_or_no(c):
        # « les données 2026 vont dans le rapport de sept 2026 ? »: no, in the one that covers 2026.
        c.say("reports.covered_elsewhere", right[0], year=covered, due=right[0].due, asked=due[0].due)
        due = right + due
    _followup_date_verdict(c, followups)
    ranked = _ranked_report(c, followups)
    if ranked is not None and covered is not None and not due and _yes_or_no(c):
        # « le 1er rapport de suivi c'est bien sur les données 2026 ? »: the report named by its rank, against
        # the year put forward (the report covering that year follows).
        holds = covered in ranked.covers
        c.say("reports.ranked_covers", ranked, holds=holds, year=covered, covers=list(ranked.covers),
              due=ranked.due, first=ranked is followups[0])  # fmt: skip
    # « et après le rapport de sept 2026, y en a un autre ? », « … le premier ? Et l'échéance du suivant ? »:
    # the report after the one named is asked too
    after = c.has("suivant", "autre")
    if due and after and due[-1] is not followups[-1]:
        followups = [d for d in followups if d.due >= due[-1].due]
    elif due:
        # "le rapport attendu au 1er septembre 2027": the report due that month ("1er" is not "premier").
        followups = due
    elif covered is not None and any(covered in d.covers for d in followups):
        # "le rapport d'activité de 2026": the report covering 2026, not the one due in 2026.
        followups = [d for d in followups if covered in d.covers]
    elif c.has("deuxieme", "dernier", last_due) and not c.has("premier"):
        followups = followups[-1:]
    elif (_ranked_first(c) or c.has(first_due)) and not c.has("deuxieme", "dernier") and not after:
        followups = followups[:1]
    for d in followups:
        _report_line(c, d)
    fact = c.fact("followup_report_contents")
    if (
        fact
        and c.analysis.topics[:1] == ("reports_followup",)
        and "reports_contents" not in c.analysis.topics
    ):
        c.say("reports.per_site", fact)


def _ranked_report(c: Composition, followups: list[Any]) -> Any | None:
    """The follow-up report named by its rank (« le 1er », « le deuxième »), if one is."""
    if len(followups) < 2:
        return None
    second = c.has("deuxieme", "second", "seconde", "dernier")
    if second and not _ranked_first(c):
        return followups[-1]
    if _ranked_first(c) and not second:
        return followups[0]
    return None


def _ranked_first(c: Composition) -> bool:
    """« le premier rapport »: a rank; « le 1er octobre » (folded « premier octobre ») is a day."""
    tokens = c.analysis.normalized.tokens
    return any(
        tok == "premier" and not (k + 1 < len(tokens) and tokens[k + 1] in MONTH_WORDS)
        for k, tok in enumerate(tokens)
    )


def _followup_date_verdict(c: Composition, followups: list[Any]) -> None:
    """« le 2e rapport de suivi c'est le 1er sept 2027 ? »: a yes/no question stating one date is answered by
    whether a follow-up report is due that day (« Oui ») or, the report named by its rank, on another day
    (« Non » and its date)."""
    if not followups or not _yes_or_no(c):
        return
    told = premise.stated("date", c.analysis.normalized.tokens)
    if len(told) != 1:
        return
    # The report named by its rank, or by the year it is due (« le rapport de suivi 2027 »: its id is
    # suivi-2027), is the one put to the test; else any report due that day.
    named = followups[-1:] if c.has("deuxieme", "second", "dernier") else []
    if not named and _ranked_first(c):
        named = followups[:1]
    if not named:
        by_year = [d for d in followups if str(d.due.year) in c.analysis.normalized.tokens]
        named = by_year if len(by_year) == 1 else []
    matching = [d for d in (named or followups) if told[0].matches(d.due)]
    if matching or named:
        report = (matching or named)[0]
        verdict = "yes" if matching else "no"
        c.say(f"premise.date.{verdict}", report, actual=report.due, precision=report.precision)
        c.verdict_given = True


def _reports_next(c: Composition) -> None:
    """The next report still due today (an entry that wants it only while one is due says so by `when`)."""
    nxt = next_report(c.params, c.today)
    if nxt is None:
        c.body.append(t("reports.none_left"))
        return
    kind = "initial" if nxt.kind == "initial_report" else "followup"
    c.say("reports.next", nxt, kind=kind, when=c.when(nxt), covers=list(nxt.covers))


def _reports_contents(c: Composition) -> None:
    years = {int(tok) for tok in c.analysis.normalized.tokens if tok.isdigit() and len(tok) == 4}
    initial_years = {y for d in c.deadlines_of("initial_report") for y in d.covers}
    followup_years = {y for d in c.deadlines_of("followup_report") for y in d.covers}
    wants_initial = (
        c.has("initial", "entree") or "reports_initial" in c.analysis.scores or bool(years & initial_years)
    )
    wants_followup = (
        c.has("suivi", "annuel")
        or "reports_followup" in c.analysis.scores
        or bool(years & followup_years)
        or (c.has("activite") and not years & initial_years)
    )
    if not wants_initial and not wants_followup:
        wants_initial = wants_followup = True
    if wants_initial and (fact := c.fact("initial_report_contents")):
        c.say("reports.initial_contents", fact, items=fact.value)
    if wants_followup and (fact := c.fact("followup_report_contents")):
        c.say("reports.followup_contents", fact, items=fact.value)


def _legal_texts(c: Composition) -> None:
    p = c.params
    sources: dict[str, Source] = {}
    entries: list[Sourced] = [p.experiment_start, p.inclusion_amount, p.funding, p.payment_year_offset]
    entries += [f for k, f in p.facts.items() if not k.startswith("art51")]
    entries += list(p.national_deadlines)
    for entry in entries:
        if entry.confidence != Confidence.INFERENCE:
            sources.setdefault(entry.source.text, entry.source)
    amounts = (expand("{param.inclusion_amount}", p), expand("{param.monthly_amount}", p))
    if c.has("montant", "forfait", "euro", *amounts):
        c.say("legal.amounts_text", p.inclusion_amount, text=p.inclusion_amount.source.cite())
    c.body.append(t("legal.texts", items=sorted(sources)))
    for source in sources.values():
        c.reasons.append(ReasonLine(t("legal.cited", text=source.cite()), source, Confidence.TEXT, "info"))


def _contact(c: Composition) -> None:
    regions = [c.params.regions[k] for k in c.analysis.slots.regions]
    if not regions:
        regions = [r for r in c.params.regions.values() if r.contact]
        for region in regions:
            c.body.append(t("contact.region", region=region.name, contact=region.contact))
        c.ask("ask.region", [r.name for r in _regions_with_data(c)])
        c.needs_human = True
        return
    for region in regions:
        if region.contact:
            c.body.append(t("contact.region", region=region.name, contact=region.contact))
        else:
            c.unknown("contact", "contact.unknown", region=region.name)


def _glossary(c: Composition) -> None:
    tokens = set(c.analysis.normalized.tokens)
    known = [word for token, word in GLOSSARY_TOKENS.items() if token in tokens]
    if not known:
        c.unknown("glossary", "unknown.generic")
        return
    for word in known:
        c.body.append(t(f"glossary.{word}"))


# ---------------------------------------------------------------------------------------- declared answers


def source_of(params: Parameters, reference: str) -> Sourced | None:
    """The parameter, fact or deadline a reference cites (`derived.inclusion_cap` cites its factor)."""
    kind, _, name = reference.partition(".")
    if kind == "param":
        found = getattr(params, name, None)
        return found if isinstance(found, Param) else None
    if kind == "fact":
        return params.facts.get(name)
    if kind == "deadline":
        return params.deadline(name)
    if kind == "derived":
        return params.inclusion_cap_factor
    return None


@lru_cache(maxsize=64)
def _states_tariffs(question: str, params: Parameters) -> bool:
    # The whole message, also when a lead is tried on one of its questions alone (`_lead`).
    return bool(stated_tariffs(normalize(question, _words(params)).tokens))


def holds(c: Composition, cond: Condition) -> bool:
    """Whether a step's condition holds for this question, today and this answer (knowledge.Condition)."""
    test = cond.test
    if test == "all":
        return all(holds(c, part) for part in cond.parts)
    if test == "any":
        return any(holds(c, part) for part in cond.parts)
    if test == "not":
        return not holds(c, cond.parts[0])
    if test == "asks":
        return bool(_asked(c, cond.words))
    if test == "slot":
        s = c.analysis.slots
        if cond.name == "tariffs":  # an HDJ and an HAD tariff stated anywhere in the message (tariffs.py)
            return _states_tariffs(c.analysis.question, c.params)
        named = {"region": bool(s.regions), "month": bool(s.months) or s.month_range is not None,
                 "age": s.age_years is not None or s.age_months is not None}  # fmt: skip
        return named[cond.name]
    if test == "region":
        return cond.name in c.analysis.slots.regions
    if test in ("past", "upcoming"):
        kind, _, key = cond.name.partition(".")
        found = c.deadlines_of(key) if kind == "deadlines" else [d for d in [c.deadline(key)] if d]
        if test == "past":
            return bool(found) and all(is_past(d, c.today) for d in found)
        return any(not is_past(d, c.today) for d in found)
    if test == "topic":
        return cond.name in c.analysis.topics
    if test == "first_topic":
        return c.analysis.topics[:1] == (cond.name,)
    if test == "supposes":
        return _supposed_monthly(c) is not None
    if test == "yesno":
        return _yes_or_no(c)
    if test == "intent":
        return cond.name in c.analysis.intents
    if test == "known":
        return c.fact(cond.name.removeprefix("fact.")) is not None
    if test in ("day_in", "day_after", "day_before"):
        try:
            value = resolve(cond.name, c.params)
        except KeyError:
            return False
        if isinstance(value, date):
            month: Month | None = Month.of(value)
        else:
            month = _month_of(value) if isinstance(value, str) else None
        relation = test.removeprefix("day_")
        return month is not None and open_points.tells_day(
            fold(c.analysis.question), month.year, month.month, relation, c.today
        )
    if test == "counts":
        if cond.name == "participants":
            return _asks_participant_count(c.analysis.normalized.tokens)
        return _PATIENT_CAP_RE.search(c.analysis.normalized.text) is not None
    if test == "scored":
        return c.analysis.scores.get(cond.name, 0) >= cond.minimum
    raise ValueError(f"unknown condition {test!r}")  # the loader refuses it first


def preload(params: Parameters) -> None:
    """Compile now the cue words of every step condition and lead of the knowledge (each is compiled on its
    first use otherwise, paid by the first question that reaches it)."""

    for cond in answer_conditions():
        if cond.test == "asks":
            compiled_asks(cond.words, params)


def _asked(c: Composition, words: tuple[str, ...]) -> list[str]:
    """The cue words/phrases of `words` (as written in the data) that the question names."""
    return asked_words(words, c.analysis.normalized.tokens, c.params)


def _value(c: Composition, step: Step, ref: str) -> Any:
    """A step's slot value: a reference (with `|month`), `asked`, or a literal. KeyError when it names
    nothing in the data."""
    if ref == "asked" and step.when is not None:
        return _asked(c, step.when.words)
    reference, bar, _ = ref.partition("|")
    if not reference.startswith(("param.", "fact.", "derived.")):
        return ref
    value = resolve(reference, c.params)
    if bar:  # |month: the month of a date or of an 'AAAA-MM…' text
        return Month.of(value) if isinstance(value, date) else _month_of(value)
    return value


def _lead(c: Composition, step: Step) -> str | None:
    """The first lead whose condition holds for the message, or else for one of its questions alone: « c'est
    quoi la différence ? on doit passer par le comité technique nous aussi ? » asks « oui ou non » in its
    second question, though the whole message is no yes/no question."""
    found = next((ld.say for ld in step.lead if holds(c, ld.when)), None)
    if found is not None:
        return found
    asked = [s for s in sentences(c.analysis.question) if "?" in s]
    if len(asked) < 2:
        return None
    for sentence in asked:
        alone = replace(c, analysis=replace(c.analysis, normalized=normalize(sentence, _words(c.params))))
        found = next((ld.say for ld in step.lead if holds(alone, ld.when)), None)
        if found is not None:
            return found
    return None


# Words that open a sentence in lower case after « Oui : » / « Non : » (a name keeps its capital).
_LOWERED_OPENINGS = re.compile(
    r"^(?:Le|La|Les|L'|L’|Un|Une|Il|Elle|Ils|Elles|Ce|Cette|C'est|C’est|Chaque|Tout|Toute|Aucun|Aucune|Pour|Si|"
    r"Sans|Dans|En|On|Seul|Seule|Seuls|Seules|Peuvent|Peut|Au|Aux|Une|Des|Du|Avec)\b"
)


def _yes_or_no(c: Composition) -> bool:
    """Whether the question asks yes or no (premise.py), a value put forward at its end included; or an open
    question then a yes/no one, apart (« c jusqu'à quand pour déposer ? on est encore dans les temps ? »):
    the last is still asked yes or no (the open one gets its answer too)."""
    if premise.asks_yes_or_no(c.analysis.normalized.tokens, bool(c.analysis.guess)):
        return True
    return _last_asks_yes_or_no(c.analysis.question, c.params)


_QUESTION_MARKS = re.compile(r"\?+")


def _closed_questions(question: str) -> list[str]:
    """The sentences of `question` closed by a question mark, in order (their text before the mark)."""
    return [q for q in _QUESTION_MARKS.split(question)[:-1] if q.strip()]


@lru_cache(maxsize=256)
def _last_asks_yes_or_no_text(question: str, vocab: frozenset[str]) -> bool:
    if len([q for q in _QUESTION_MARKS.split(question) if q.strip()]) < 2:
        return False
    # The last question, or (« c encore jouable pr candidater ? c quoi la date limite ») one before an open
    # question left without its mark.
    for sentence in _closed_questions(question)[-2:]:
        # Its last clause (« on est en IDF, c encore jouable ? »): what comes before the comma is context.
        words = normalize(sentence.rsplit(",", 1)[-1], vocab).tokens
        # A short question of its own (« on est encore dans les temps ? », « c encore jouable ? »), no
        # subject of its own to ask about; not a value put forward (« c quand ? le 16/05 ? » asks when)
        if 2 <= len(words) <= 8 and not any(t.isdigit() for t in words) and premise.asks_yes_or_no(words):
            return True
    return False


def _last_asks_yes_or_no(question: str, params: Parameters) -> bool:
    return _last_asks_yes_or_no_text(question, question_words(params))


def _with_lead(lead: str, sentence: str) -> str:
    if _LOWERED_OPENINGS.match(sentence):
        sentence = sentence[0].lower() + sentence[1:]
    return f"{lead} : {sentence}"


@lru_cache(maxsize=4)
def _words(params: Parameters) -> frozenset[str]:
    return question_words(params)


def _single_question(c: Composition) -> bool:
    return sum(1 for s in sentences(c.analysis.question) if "?" in s) == 1


def _declared(c: Composition, entry_id: str, step: Step) -> None:
    if step.when is not None and not holds(c, step.when):
        return
    if step.entry is not None:
        compose(c, step.entry)
        return
    values: dict[str, Any] = {}
    for name, ref in step.values:
        try:
            values[name] = _value(c, step, ref)
        except KeyError:
            return  # the data does not hold this value: the sentence is left out
    if step.lead and not c.verdict_given:  # a premise verdict already opens the answer (premise.py)
        lead = _lead(c, step)
        values["lead"] = t(f"lead.{lead}") if lead else ""
    elif step.lead:
        values["lead"] = ""
    if step.unknown:
        c.unknown(entry_id, step.text, **values)
        if step.open and (c.analysis.topics[:1] == (entry_id,) or _single_question(c)):
            # The very point asked (« à quel mois précis ? ») is one the texts leave open: the reply is a
            # hand-over, with what is known.
            c.open_point = True
        return
    if step.cite and step.cite.startswith("deadlines."):
        found = c.deadlines_of(step.cite.removeprefix("deadlines."))
        if step.pick == "first":
            found = found[:1]
        elif step.pick == "last":
            found = found[-1:]
        for d in found:
            c.say(step.text, d, **{"when": c.when(d), "covers": list(d.covers), "due": d.due, **values})
        return
    source = source_of(c.params, step.cite) if step.cite else None
    if step.cite and source is None:
        return  # the data does not hold this fact: the sentence is left out
    if isinstance(source, Deadline):
        values.setdefault("when", c.when(source))
        values.setdefault("due", source.due)
        values.setdefault("past", is_past(source, c.today))
    # A template that does not place the lead itself gets it in front (« Non : un établissement … »), in the
    # sentence said and in the one cited alike.
    c.say(step.text, source, opening=values.get("lead", ""), **values)


# « rapport [initial|suivi-2026|suivi-2027] [site=FINESS] »: a group of choices, bracketed or not required.
_CHOICES = re.compile(r"[\[<]([\w-]+(?:\|[\w-]+)+)[\]>]")
_OPTIONAL = re.compile(r"\s*\[[^\]]*\]")
_PLACEHOLDERS = frozenset({"date", "mois", "jour", "patient", "nombre", "n", "finess", "montant", "texte"})


def _chosen_form(usage: str, tokens: tuple[str, ...]) -> str | None:
    """The command written out with the one choice of its usage the question names (« le rapport de suivi
    2026 » names suivi-2026 of « rapport [initial|suivi-2026|suivi-2027] »), optional parts left out; None
    when it names none, or more than one."""
    found = _CHOICES.search(usage)
    if found is None or set(found.group(1).split("|")) & _PLACEHOLDERS:
        return None  # « <date|mois> »: kinds of value to type, not words to choose
    words = set(tokens)
    named = [ch for ch in found.group(1).split("|") if set(fold(ch).split("-")) <= words]
    if len(named) != 1:
        return None
    written = usage[: found.start()] + named[0] + usage[found.end() :]
    return _OPTIONAL.sub("", written).strip()


def compose(c: Composition, entry_id: str) -> None:
    """Answer one knowledge entry: its declared sentences, or the code of an entry that computes."""
    answer = entry(entry_id).answer
    for step in answer.says:
        _declared(c, entry_id, step)
    if answer.composer is not None:
        COMPOSERS[answer.composer](c)  # after its declared steps: the code keeps only what computes
        return
    if answer.commands:
        _commands(c, answer.commands)
    if answer.open_point is not None:
        c.say("open_point")
        c.needs_human = True
        # Asked about (the first entry) and not settled by the question's own days: a hand-over.
        main = c.analysis.topics[:1] == (entry_id,)
        if main and open_points.READERS[answer.open_point](fold(c.analysis.question)):
            c.open_point = True


def _commands(c: Composition, names: tuple[str, ...]) -> None:
    """The commands that do what was asked, as `aide` shows them, and who may run each (the registry)."""
    # The registry fills as handlers.commands is imported; the bot has done so, a bare answerer may not have.
    importlib.import_module("handlers.commands")
    from handlers.registry import registry

    dated: list[CommandSpec] = []
    # « y a une commande qui donne les jours restants ? »: whether one exists, asked; the first command found
    # answers « Oui » (no verdict already given, nothing said before it).
    exists = not c.verdict_given and not c.body and bool(_ASKS_A_COMMAND.search(fold(c.analysis.question)))
    # « c bien la commande echeances pour voir les dates ? »: the one command named, put to the test against
    # the first command that answers (« Non » when it is another).
    named = _named_command(c.analysis.question, registry.verbs())
    if named is not None and not c.verdict_given and not c.body and not exists and _yes_or_no(c):
        answering = [name.partition(" ")[0] for name in names if registry.get(*_verb_sub(name)) is not None]
        # (the first command answering is the one that does it: « annuler » to correct is not it)
        if answering and named != answering[0]:
            c.body.append(t("lead.named_command_no", named=named, command=answering[0]))
        elif answering:
            exists = True
    for name in names:
        verb, _, sub = name.partition(" ")
        spec = registry.get(verb, sub or None)
        if spec is None:
            continue
        usage = text(spec.usage) if has_text(spec.usage) else spec.name
        summary = text(spec.help) if has_text(spec.help) else ""
        roles = sorted(role.value for role in spec.roles) if spec.roles is not None else []
        line = t("bot.command", usage=usage, summary=summary, roles=roles)
        if line in c.body:
            continue  # two entries of one answer name the same command: it is said once
        if exists:
            # « y a pas de commande modifier c'est ça ? »: the premise denies that one exists, so « Non ».
            denied = _DENIES_A_COMMAND.search(fold(c.analysis.question)) is not None
            line, exists = _with_lead(t("lead.no_there_is" if denied else "lead.yes"), line), False
        c.body.append(line)
        chosen = _chosen_form(usage, c.analysis.normalized.tokens)
        if chosen is not None:
            c.body.append(t("bot.chosen", command=chosen))
        scope = t("bot.scope", owners=text(spec.scope)) if spec.scope and has_text(spec.scope) else None
        if scope is not None and scope not in c.body:
            c.body.append(scope)  # who, among the roles, may act on a given entry
        detail = spec.help.removesuffix(".help") + ".detail"  # the examples `aide <commande>` shows
        if len(names) == 1 and has_text(detail):
            c.body.append(text(detail))
        if any(p.kind in _DATED for p in (*spec.positionals, *spec.options)):
            dated.append(spec)
    if dated and (_DATE_WORDS & set(c.analysis.normalized.tokens) or _TYPED_DATE.search(c.analysis.question)):
        _date_forms(c, dated)
    aide = t("bot.aide")
    if aide in c.body:
        c.body.remove(aide)
    c.body.append(aide)  # once, after every command named


def _verb_sub(name: str) -> tuple[str, str | None]:
    verb, _, sub = name.partition(" ")
    return verb, sub or None


def _named_command(question: str, verbs: list[str]) -> str | None:
    """The one command a question names as such (« la commande échéances », « avec /expe50 forfaits »)."""
    folded = fold(question)
    found = {m.group(1) for m in _NAMED_COMMAND.finditer(folded) if m.group(1) in verbs}
    return found.pop() if len(found) == 1 else None


_NAMED_COMMAND = re.compile(r"(?:\bcommande|\bcmd|/expe50)\s+[«\"'“]?\s*([a-z]+)")


# « y a une commande pour … ? », « il existe une commande qui … ? », « y a-t-il un moyen de … dans le bot ? »
_ASKS_A_COMMAND = re.compile(
    r"\b(?:y a|ya|il y a|existe|y a t il|y a-t-il|existe-t-il)\s+(?:\w+\s+){0,2}?(?:une\s+|un\s+)?"
    r"(?:commande|cmd|fonction|moyen)\b"
)


# « y a pas de commande », « il n'y a pas de fonction », « il n'existe pas de commande »
_DENIES_A_COMMAND = re.compile(
    r"\b(?:y a|ya|n'?\s?y a|existe)\s+(?:\w+\s+)?pas\s+(?:de\s+|d')?(?:\w+\s+)?"
    r"(?:commande|cmd|fonction|moyen)\b"
)


# Kinds of argument written as a date or a month (handlers/registry.py), and what reads them.
_DATED = {Kind.DATE: parse_date, Kind.MONTH: parse_month, Kind.DATE_OR_MONTH: parse_date_or_month}
# Asked about the form of a date: the accepted forms are said.
_DATE_WORDS = frozenset({"date", "format", "mois", "jour", "ecrire", "syntaxe"})
# « 12/03/26 », « 2026-3-12 », « 03/2026 »: a date or month as someone may type it in a question.
_TYPED_DATE = re.compile(r"(?<![\w/.-])[0-9]{1,4}[/.-][0-9]{1,2}(?:[/.-][0-9]{1,4})?(?![\w/-]|\.[0-9])")


def _date_forms(c: Composition, specs: list[CommandSpec]) -> None:
    """The forms of a date and a month the commands accept (declared once beside the parsers), and whether a
    date the question types is one: the command's own parser decides, and its own message says why not."""
    kinds = {p.kind for spec in specs for p in (*spec.positionals, *spec.options) if p.kind in _DATED}
    parse = _DATED[Kind.DATE_OR_MONTH if len(kinds) > 1 else kinds.pop()]
    said: list[str] = []
    refused_one = False
    for typed in dict.fromkeys(_TYPED_DATE.findall(c.analysis.question)):
        try:
            parse(typed, "date")
        except UserError as refused:
            said.append(text(refused.key, **refused.params))  # it names the accepted forms
            refused_one = True
        else:
            said.append(t("bot.date_accepted", value=typed))
    if not refused_one:
        said.insert(
            0, t("bot.date_forms", dates=formats_text(DATE_FORMATS), months=formats_text(MONTH_FORMATS))
        )
    c.body.extend(said)


def _bot_rights(c: Composition) -> None:
    """« forfaits me répond que je n'ai pas les droits »: who may run the commands the question names."""
    importlib.import_module("handlers.commands")
    from handlers.registry import registry

    tokens = set(c.analysis.normalized.tokens)
    named = [v for v in registry.verbs() if {v, stem(v)} & tokens and v not in ("question", "aide")]
    c.body.append(t("bot.rights"))
    _commands(c, (*named[:2], "membre modifier"))


@cache
def _entries() -> dict[str, Entry]:
    return {e.id: e for e in load_knowledge().entries}


def entry(entry_id: str) -> Entry:
    return _entries()[entry_id]


# The entries that compute keep code: rules/data/knowledge names them by `answer.composer`.
COMPOSERS: dict[str, Composer] = {
    "cap_supposed": _cap_supposed,
    "bot_rights": _bot_rights,
    "payment": _payment,
    "compute": _compute,
    "children": _children,
    "cap_monthly": _cap_monthly,
    "deadline": _deadline,
    "still_open": _still_open,
    "application_rules": _application_rules,
    "reports_followup": _reports_followup,
    "reports_next": _reports_next,
    "reports_contents": _reports_contents,
    "legal_texts": _legal_texts,
    "contact": _contact,
    "glossary": _glossary,
}


def _month_of(value: str) -> Month:
    return Month.parse(str(value)[:7])


def label(topic: str) -> str:
    key = f"questions.label.{topic}"
    if has_text(key):
        return text(key)
    found = _entries().get(topic)
    if found is not None and found.family == "bot" and len(found.answer.commands) == 1:
        return t("bot.label", command=found.answer.commands[0])  # an entry generated from a command
    return topic
