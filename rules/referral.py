"""Can this referral to HAD earn the forfait? Décret n° 2025-114 art. 3, CSP R.6123-140 and R.6123-141.

Decided point (RULES.md §3, décret art. 3: referrals made "après la publication de l'arrêté" listing the
selected establishments): a referral made ON the day the arrêté is published does not count; the day after
does. "Après" reads strictly, and an arrêté applies from the day after its publication (Code civil art. 1).
That boundary is our reading, so the reason carries Confidence.INFERENCE when the referral falls on the
publication day.
`selection_date` is the JORF publication date of the arrêté that lists the referring site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rules.decisions import decide
from rules.parameters import Parameters
from rules.reasons import Confidence, Decision, Missing, Outcome, Reason, Source, Verdict

Treatment = Literal["injectable", "oral"]

DECRET_ART3 = Source("décret n° 2025-114 du 5 février 2025", "art. 3")
ASSOCIATION = Source("décret n° 2025-114 du 5 février 2025", "art. 1 et art. 3 (CSP R.6123-90-1)")
HAD_AREA = Source("code de la santé publique", "R.6123-140 III")
UNDER3 = Source("code de la santé publique", "R.6123-141")

# Order of the questions when the answer is open: the treatment route is known at once by the prescriber
# and "oral" alone ends the question; the two dates are in the patient's file and the site's selection;
# whether the HAD is associated is known to the establishment; the commune needs the patient's address
# checked against the HAD's list of communes; age and the under-3 mention only matter for young children.
_ORDER = (
    "treatment",
    "referral_date",
    "selection_date",
    "had_associated",
    "commune_in_area",
    "under_3",
    "had_under3_mention",
)


@dataclass(frozen=True)
class ReferralFacts:
    """What we know of one referral; None = not known (never taken as false)."""

    treatment: Treatment | None = None
    under_3: bool | None = None
    had_under3_mention: bool | None = None
    had_associated: bool | None = None
    commune_in_area: bool | None = None
    referral_date: date | None = None
    selection_date: date | None = None
    # The date the site–HAD convention was signed (None: not recorded). A referral before it is not made to
    # an associated HAD (décret art. 1 and 3).
    convention_signed_on: date | None = None


def _reason(
    rule: str, outcome: Outcome, source: Source, confidence: Confidence = Confidence.TEXT, **params: object
) -> Reason:
    return Reason(f"referral.{rule}", outcome, source, confidence, dict(params))


def _met(value: bool) -> Outcome:
    return Outcome.MET if value else Outcome.NOT_MET


def check_referral(facts: ReferralFacts, params: Parameters) -> Decision[Verdict]:
    reasons: list[Reason] = []
    missing: list[Missing] = []

    def ask(fact: str, rule: str) -> None:
        missing.append(Missing(fact, f"referral.{rule}"))

    # Non-oral TMSC only.
    if facts.treatment is None:
        reasons.append(_reason("treatment", Outcome.UNKNOWN, DECRET_ART3, treatment=None))
        ask("treatment", "treatment")
    else:
        ok = facts.treatment != "oral"
        reasons.append(_reason("treatment", _met(ok), DECRET_ART3, treatment=facts.treatment))

    # Made after the publication of the arrêté selecting the site (strictly: see the module docstring).
    ref, sel = facts.referral_date, facts.selection_date
    if ref is None or sel is None:
        if ref is None:
            ask("referral_date", "after_selection")
        if sel is None:
            ask("selection_date", "after_selection")
        reasons.append(
            _reason("after_selection", Outcome.UNKNOWN, DECRET_ART3, referral_date=ref, selection_date=sel)
        )
    else:
        confidence = Confidence.INFERENCE if ref == sel else Confidence.TEXT
        reasons.append(
            _reason(
                "after_selection",
                _met(ref > sel),
                DECRET_ART3,
                confidence,
                referral_date=ref,
                selection_date=sel,
            )
        )

    # Inside the experiment period (6 Feb 2025 - 5 Feb 2028, both included).
    start, end = params.experiment_start, params.experiment_end
    if ref is None:
        reasons.append(
            _reason("period", Outcome.UNKNOWN, end.source, end.confidence, start=start.value, end=end.value)
        )
    else:
        reasons.append(
            _reason(
                "period",
                _met(start.value <= ref <= end.value),
                end.source,
                end.confidence,
                start=start.value,
                end=end.value,
                referral_date=ref,
            )
        )

    # The HAD is associated with the referring site, on the day of the referral.
    reasons.append(_association_reason(facts, ask))

    # The patient's home is inside the HAD's authorised area.
    if facts.commune_in_area is None:
        reasons.append(_reason("had_area", Outcome.UNKNOWN, HAD_AREA))
        ask("commune_in_area", "had_area")
    else:
        reasons.append(_reason("had_area", _met(facts.commune_in_area), HAD_AREA))

    reasons.append(_under3_reason(facts, ask))

    missing.sort(key=lambda m: _ORDER.index(m.fact))
    return decide(reasons, missing)


def _association_reason(facts: ReferralFacts, ask: Callable[[str, str], None]) -> Reason:
    signed, ref = facts.convention_signed_on, facts.referral_date
    if facts.had_associated is None:
        ask("had_associated", "had_associated")
        return _reason("had_associated", Outcome.UNKNOWN, ASSOCIATION)
    if not facts.had_associated:
        return _reason("had_associated", Outcome.NOT_MET, ASSOCIATION, signed_on=None, referral_date=ref)
    if signed is not None and ref is not None and ref < signed:
        # Associated now, but not yet when the patient was referred.
        return _reason("had_associated", Outcome.NOT_MET, ASSOCIATION, signed_on=signed, referral_date=ref)
    if signed is None:
        # No date recorded: the convention is taken as in force at the referral; our reading, said as such.
        return _reason(
            "had_associated", Outcome.MET, ASSOCIATION, Confidence.INFERENCE, signed_on=None, undated=True
        )
    return _reason("had_associated", Outcome.MET, ASSOCIATION, signed_on=signed, undated=False)


def _under3_reason(facts: ReferralFacts, ask: Callable[[str, str], None]) -> Reason:
    if facts.under_3 is False or facts.had_under3_mention is True:
        # An adult, or an HAD that may take any child: the condition cannot fail.
        return _reason("under3", Outcome.MET, UNDER3, under_3=facts.under_3, mention=facts.had_under3_mention)
    if facts.under_3 is True and facts.had_under3_mention is False:
        return _reason("under3", Outcome.NOT_MET, UNDER3, under_3=True, mention=False)
    if facts.under_3 is None:
        ask("under_3", "under3")
    if facts.had_under3_mention is None:
        ask("had_under3_mention", "under3")
    return _reason("under3", Outcome.UNKNOWN, UNDER3, under_3=facts.under_3, mention=facts.had_under3_mention)
