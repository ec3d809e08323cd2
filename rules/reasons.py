"""Decisions as values with their reasons: each names its rule, its legal source and how sure we are."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar


class Confidence(StrEnum):
    """How sure we are of a rule (RULES.md): read in the text, in an official summary, or inferred by us."""

    TEXT = "T"
    SECONDARY = "S"
    INFERENCE = "I"


class Outcome(StrEnum):
    """What one condition says about the question asked."""

    MET = "met"  # the condition holds
    NOT_MET = "not_met"  # the condition fails: the answer is no
    UNKNOWN = "unknown"  # a fact is missing: never taken as false
    INFO = "info"  # context that decides nothing


@dataclass(frozen=True)
class Source:
    """A legal or official source: the text (e.g. 'décret n° 2025-114') and, when known, the article."""

    text: str
    article: str | None = None
    url: str | None = None

    def cite(self) -> str:
        return f"{self.text}, {self.article}" if self.article else self.text


@dataclass(frozen=True)
class Reason:
    """One step of a decision. `rule` is a stable id; its French sentence lives in templates/ under that id,
    filled with `params`. Rules hold no prose."""

    rule: str
    outcome: Outcome
    source: Source
    confidence: Confidence
    params: dict[str, Any] = field(default_factory=dict)


class Verdict(StrEnum):
    YES = "yes"
    NO = "no"
    UNDETERMINED = "undetermined"


T = TypeVar("T")


@dataclass(frozen=True)
class Missing:
    """A fact the decision needs and does not have; `fact` is the id of the question that settles it."""

    fact: str
    rule: str


@dataclass(frozen=True)
class Decision(Generic[T]):
    value: T
    reasons: tuple[Reason, ...]
    missing: tuple[Missing, ...] = ()
