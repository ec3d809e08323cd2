"""May this establishment take part? Décret n° 2025-114 art. 1, LFSS 2024 art. 50 and the region's call (AMI).

All conditions are cumulative. Each gives one reason (met / not met / unknown); one NOT_MET makes the answer
"no" whatever else is unknown. When the answer is still open, the missing facts come in the order that settles
the question fastest (see `_ORDER`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from rules.decisions import decide
from rules.parameters import Parameters
from rules.reasons import Confidence, Decision, Missing, Outcome, Reason, Source, Verdict

Authorisation = Literal["tmsc", "chimio", "aucune"]
Category = Literal["a", "b", "c", "d", "e"]

DECRET_ART1 = Source("décret n° 2025-114 du 5 février 2025", "art. 1")
LFSS_ART50 = Source("loi n° 2023-1250 du 26 décembre 2023 (LFSS 2024)", "art. 50 (CSS L.162-22)")
ASSOCIATION = Source(
    "décret n° 2025-114 du 5 février 2025", "art. 1 (CSP R.6123-90-1) ; arrêté du 14 mars 2025, annexe 2"
)

_Ask = Callable[[str, str], None]

ELIGIBLE_CATEGORIES = ("a", "b", "c", "d")
AUTHORISED = ("tmsc", "chimio")

# Order of the questions to ask when the answer is open. Every condition can alone make the answer "no", so
# the order is by how cheap the fact is to know: authorisation and category are public (FINESS, ARHGOS) and
# end most hopeless cases at once; the region and filing date are one look at the calendar; the HAD convention
# needs a document; project and commitment come last because any real application file contains them.
_ORDER = (
    "authorisation",
    "category",
    "region",
    "filed_on",
    "convention",
    "same_legal_entity_protocol",
    "project",
    "commitment",
)


@dataclass(frozen=True)
class EstablishmentFacts:
    """What we know of a candidate; None = not known (never taken as false)."""

    authorisation: Authorisation | None = None
    category: Category | None = None
    convention: bool | None = None
    same_legal_entity_protocol: bool | None = None
    project: bool | None = None
    commitment: bool | None = None
    region: str | None = None
    filed_on: date | None = None
    # Establishments of the same region already registered (the bot's list): context for the 10-per-region
    # selection cap, which is the ARS's choice and never makes a candidate ineligible.
    registered_in_region: int | None = None


def _reason(rule: str, outcome: Outcome, source: Source, **params: object) -> Reason:
    return Reason(f"establishment.{rule}", outcome, source, Confidence.TEXT, dict(params))


def check_establishment(facts: EstablishmentFacts, params: Parameters, today: date) -> Decision[Verdict]:
    """Eligible (YES) / not eligible (NO) / UNDETERMINED, one reason per condition, missing facts ordered."""
    reasons: list[Reason] = []
    missing: list[Missing] = []

    def ask(fact: str, rule: str) -> None:
        missing.append(Missing(fact, f"establishment.{rule}"))

    # 1. Authorisation: TMSC modality, or the former "chimiothérapie" authorisation.
    if facts.authorisation is None:
        reasons.append(_reason("authorisation", Outcome.UNKNOWN, DECRET_ART1))
        ask("authorisation", "authorisation")
    else:
        ok = facts.authorisation in AUTHORISED
        outcome = Outcome.MET if ok else Outcome.NOT_MET
        reasons.append(_reason("authorisation", outcome, DECRET_ART1, authorisation=facts.authorisation))

    # 2. Category a-d of CSS L.162-22; e excluded.
    if facts.category is None:
        reasons.append(_reason("category", Outcome.UNKNOWN, LFSS_ART50))
        ask("category", "category")
    else:
        category = facts.category.lower()
        outcome = Outcome.MET if category in ELIGIBLE_CATEGORIES else Outcome.NOT_MET
        reasons.append(_reason("category", outcome, LFSS_ART50, category=category))

    # 3. Application filed by the region's deadline (inclusive).
    reasons.append(_deadline_reason(facts, params, today, ask))

    # 4. Association with at least one HAD: a convention, or an organisational protocol in one legal entity.
    reasons.append(_association_reason(facts, ask))

    # 5-6. Project and commitment.
    for rule in ("project", "commitment"):
        value: bool | None = getattr(facts, rule)
        if value is None:
            reasons.append(_reason(rule, Outcome.UNKNOWN, DECRET_ART1))
            ask(rule, rule)
        else:
            reasons.append(_reason(rule, Outcome.MET if value else Outcome.NOT_MET, DECRET_ART1))

    # Context: being eligible is not being selected (at most 10 per region).
    cap = params.max_sites_per_region
    region = params.region(facts.region) if facts.region else None
    reasons.append(
        Reason(
            "establishment.selection_cap",
            Outcome.INFO,
            cap.source,
            cap.confidence,
            {
                "max": cap.value,
                "registered": facts.registered_in_region,
                "region": region.name if region else None,
                "reached": facts.registered_in_region is not None and facts.registered_in_region >= cap.value,
            },
        )
    )

    missing.sort(key=lambda m: _ORDER.index(m.fact))
    return decide(reasons, missing)


def _deadline_reason(facts: EstablishmentFacts, params: Parameters, today: date, ask: _Ask) -> Reason:
    if facts.region is None:
        ask("region", "deadline")
        if facts.filed_on is None:
            ask("filed_on", "deadline")
        return _reason("deadline", Outcome.UNKNOWN, DECRET_ART1, region=None, deadline=None, passed=None)
    region = params.region(facts.region)
    if region is None:
        ask("region", "region")
        return _reason("region", Outcome.UNKNOWN, DECRET_ART1, region=facts.region)
    app = region.application_deadline
    if app is None:
        # Our data has no deadline for this region: an honest unknown, not a question the user can settle.
        return _reason("deadline_data", Outcome.UNKNOWN, DECRET_ART1, region=region.name)
    opening = region.application_opening
    common = {
        "region": region.name,
        "deadline": app.value,
        "passed": today > app.value,
        "opening": opening.value if opening else None,
        "before_opening": False,
    }
    if facts.filed_on is None:
        ask("filed_on", "deadline")
        return Reason("establishment.deadline", Outcome.UNKNOWN, app.source, app.confidence, common)
    if opening is not None and facts.filed_on < opening.value:
        # A file dated before the call was published answers no call (AMI, calendrier).
        return Reason(
            "establishment.deadline",
            Outcome.NOT_MET,
            opening.source,
            opening.confidence,
            {**common, "filed_on": facts.filed_on, "before_opening": True},
        )
    outcome = Outcome.MET if facts.filed_on <= app.value else Outcome.NOT_MET
    return Reason(
        "establishment.deadline", outcome, app.source, app.confidence, {**common, "filed_on": facts.filed_on}
    )


def _association_reason(facts: EstablishmentFacts, ask: _Ask) -> Reason:
    if facts.convention:
        return _reason("association", Outcome.MET, ASSOCIATION, by="convention")
    if facts.same_legal_entity_protocol:
        return _reason("association", Outcome.MET, ASSOCIATION, by="protocol")
    if facts.convention is False and facts.same_legal_entity_protocol is False:
        return _reason("association", Outcome.NOT_MET, ASSOCIATION, by=None)
    # Ask for the convention first: the protocol only matters when the HAD is in the same legal entity.
    if facts.convention is None:
        ask("convention", "association")
    else:
        ask("same_legal_entity_protocol", "association")
    return _reason("association", Outcome.UNKNOWN, ASSOCIATION, by=None)
