"""How a list of condition reasons becomes a verdict: one NOT_MET says no, else one UNKNOWN leaves it open."""

from __future__ import annotations

from collections.abc import Sequence

from rules.reasons import Decision, Missing, Outcome, Reason, Verdict


def decide(reasons: Sequence[Reason], missing: Sequence[Missing]) -> Decision[Verdict]:
    """A failed condition settles the question even when other facts are unknown (cumulative conditions),
    so the missing facts are only reported when the answer is still open."""
    outcomes = {r.outcome for r in reasons}
    if Outcome.NOT_MET in outcomes:
        return Decision(Verdict.NO, tuple(reasons), ())
    if Outcome.UNKNOWN in outcomes:
        return Decision(Verdict.UNDETERMINED, tuple(reasons), _unique(missing))
    return Decision(Verdict.YES, tuple(reasons), ())


def _unique(missing: Sequence[Missing]) -> tuple[Missing, ...]:
    seen: set[str] = set()
    out: list[Missing] = []
    for m in missing:
        if m.fact not in seen:
            seen.add(m.fact)
            out.append(m)
    return tuple(out)
