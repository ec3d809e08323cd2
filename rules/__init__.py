"""The law of the article 50 experiment as code: pure functions and dated parameters with their legal sources.

Three lines to a decision:

    from rules import load_parameters, check_establishment, EstablishmentFacts
    params = load_parameters()
    decision = check_establishment(EstablishmentFacts(authorisation="tmsc", category="e"), params, today)

A decision is `Decision(value, reasons, missing)`: `value` is a Verdict (YES / NO / UNDETERMINED); each Reason
names its rule, outcome, legal source and confidence (T text, S secondary source, I our inference) plus the
`params` its sentence needs; `missing` lists the facts to ask for, best question first.

Template scheme (templates/messages/rules.yaml): the French sentence of a reason is the key
`<reason.rule>.<reason.outcome>` (e.g. `establishment.category.not_met`, filled with `reason.params`); the
question for a missing fact is `missing.<fact>`; see rules.template_keys. Rule ids are stable: prefixes
`establishment.`, `referral.`, `forfait.`.

Modules: parameters (YAML loading, Param, Deadline, Region), establishment, referral, forfaits, calendar,
month, reasons. Nothing here reads a clock, the network or a database; `today` is always a parameter.
"""

from rules.calendar import days_left, is_past, next_deadlines, next_report, passed, recently_passed, upcoming
from rules.establishment import EstablishmentFacts, check_establishment
from rules.forfaits import (
    AdministrationRecord,
    ForfaitLine,
    ForfaitStatement,
    ReferralRecord,
    compute_forfaits,
)
from rules.month import Month, months_between
from rules.parameters import (
    Deadline,
    LegalFact,
    OutsideCoveredPeriod,
    Param,
    ParameterError,
    Parameters,
    Region,
    UnknownRegion,
    load_parameters,
)
from rules.reasons import Confidence, Decision, Missing, Outcome, Reason, Source, Verdict
from rules.referral import ReferralFacts, check_referral
from rules.template_keys import deadline_kind_key, missing_key, reason_key

__all__ = [
    "AdministrationRecord",
    "Confidence",
    "Deadline",
    "Decision",
    "EstablishmentFacts",
    "ForfaitLine",
    "ForfaitStatement",
    "LegalFact",
    "Missing",
    "Month",
    "Outcome",
    "OutsideCoveredPeriod",
    "Param",
    "ParameterError",
    "Parameters",
    "Reason",
    "ReferralFacts",
    "ReferralRecord",
    "Region",
    "Source",
    "UnknownRegion",
    "Verdict",
    "check_establishment",
    "check_referral",
    "compute_forfaits",
    "days_left",
    "deadline_kind_key",
    "is_past",
    "load_parameters",
    "missing_key",
    "months_between",
    "next_deadlines",
    "next_report",
    "passed",
    "reason_key",
    "recently_passed",
    "upcoming",
]
