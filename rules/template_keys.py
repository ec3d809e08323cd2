"""Where the French sentence of a reason or a missing fact lives in templates/messages/ (pure string helpers).

- a reason: `<rule>.<outcome>`, e.g. `establishment.category.not_met`, `forfait.inclusion.met`;
- a missing fact: `missing.<fact>`, the question that settles it, e.g. `missing.authorisation`;
- a deadline: `deadline.kind.<kind>` (a label), and `deadline.key.<key with ':' as '.'>` when one is written.
"""

from __future__ import annotations

from rules.reasons import Missing, Reason


def reason_key(reason: Reason) -> str:
    return f"{reason.rule}.{reason.outcome.value}"


def missing_key(missing: Missing | str) -> str:
    fact = missing.fact if isinstance(missing, Missing) else missing
    return f"missing.{fact}"


def deadline_kind_key(kind: str) -> str:
    return f"deadline.kind.{kind}"
