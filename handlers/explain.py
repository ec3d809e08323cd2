"""Reasons of the rules as users read them: the French sentence of a rule id, its source, its confidence."""

from __future__ import annotations

from collections.abc import Iterable

from handlers.reply import ReasonLine
from rules.reasons import Reason
from templates import has_text, text

# Where a rule's sentence may live: the rule id (optionally under "rules."), with or without the outcome.
_PREFIXES = ("", "rules.", "rule.")


def reason_text(reason: Reason) -> str:
    outcome = getattr(reason.outcome, "value", str(reason.outcome))
    for prefix in _PREFIXES:
        for key in (f"{prefix}{reason.rule}.{outcome}", f"{prefix}{reason.rule}"):
            if has_text(key):
                return text(key, **reason.params)
    return text("commands.reason.fallback", rule=reason.rule)


def reason_lines(reasons: Iterable[Reason]) -> list[ReasonLine]:
    return [
        ReasonLine(reason_text(r), r.source, r.confidence, getattr(r.outcome, "value", str(r.outcome)))
        for r in reasons
    ]
