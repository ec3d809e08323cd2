"""The knowledge entries of the question answerer, read strictly from rules/data/knowledge/*.yaml.

An entry is what one kind of question is about and how it is answered:

    - id: forfait_monthly            # unique; the label is templates questions.label.<id>
      family: art50                  # art50 (default) or art51: the two are never mixed
      intents: [amount, yesno]       # angles it answers: amount, date, who, count, how, yesno, what, whatif
      supersedes: [forfait_amounts]  # the general entries this more precise one makes redundant
      cues:                          # words or phrases (normalised like the question) and their weights;
        "mensuel": 2.2               #   "a & b": all words anywhere; "pediatri*": a prefix
        "{param.monthly_amount}": 2  # a legal value is never typed: it is generated from the parameters
      against: {"maximum": 1.5}      # cues that pull away from this entry
      examples:                      # phrasings people wrote (the question tables): the retrieval vote's bank
        - "le forfait mensuel c'est combien"
      premise: {amount: param.monthly_amount}  # « c'est 150 € ? » is answered « Non » first (premise.py)
      answer:
        says:                        # declared answer: sentences (templates) and the source each one cites
          - {text: forfait.monthly, cite: param.monthly_amount, amount: param.monthly_amount}
        # or, for an entry that computes (totals, days left): the code composer, why, and what it states
        # (steps declared with it are said first: the composer keeps only what computes)
        composer: compute
        why: the total of the months the question describes
        states: [param.inclusion_amount, param.monthly_amount]

Placeholders in cues: `{param.<name>}` (a parameter's value: an amount as "320", a count, a date as
"5 fevrier 2028"; `.year`, `.day_month`, `.month_year`, `.month_before`, `.month_after` for dates),
`{fact.<key>}` / `{fact.<key>.<field>}`, `{derived.inclusion_cap}`. In `says`, a value written `param.<name>`
or `fact.<key>[.<field>]` is that value; a step citing a fact the data does not hold is left out.

Strict loading: an unknown key, a missing id, a duplicate id, a weight that is not a number, a placeholder or
a state naming nothing in the parameters, a composer that does not exist, a command (`answer.commands`) the
registry does not hold: `KnowledgeError` naming the file and the entry.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from handlers.questions import open_points
from rules.parameters import DATA_DIR, Parameters, load_parameters
from templates import has_text, text

KNOWLEDGE_DIR = DATA_DIR / "knowledge"

# `bot`: questions about using the bot; scored only when the question is about it (`bot_usage`, detect.py).
Family = Literal["art50", "art51", "bot"]
Intent = Literal["amount", "date", "who", "count", "how", "yesno", "what", "whatif"]
INTENTS: tuple[Intent, ...] = ("amount", "date", "who", "count", "how", "yesno", "what", "whatif")

MONTHS = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre", "octobre",
    "novembre", "decembre",
)  # fmt: skip


class KnowledgeError(ValueError):
    """A knowledge file is wrong; the message names the file, the entry and the way out."""


# The closed set of tests a step's `when:` may use (see Condition).
SLOT_TESTS = ("region", "month", "age", "tariffs")
COUNT_TESTS = ("participants", "patients")
_LEAF_TESTS = {
    "asks", "slot", "region", "past", "upcoming", "topic", "first_topic", "yesno", "intent", "known",
    "counts", "scored", "day_in", "day_after", "day_before", "supposes",
}  # fmt: skip
_JOIN_TESTS = {"not", "any", "all"}


@dataclass(frozen=True)
class Condition:
    """When a step is said, as data: one test of the question, today or the answer being built.

    - `asks: [words]`: the question names any of these cue words/phrases (cue syntax, normalised like cues:
      a phrase is consecutive tokens, `a & b` all words anywhere, `pediatri*` a prefix)
    - `slot: region|month|age`: the question names a region / a month / an age
    - `region: <key>`: the question names this region (rules/data regions)
    - `past: deadline.<key>` / `upcoming: deadline.<key>`: that deadline is past / not past today;
      `past: deadlines.<kind>`: every deadline of that kind is past, `upcoming: deadlines.<kind>`: one is not
    - `topic: <entry>`: that entry is among the answered topics; `first_topic: <entry>`: it is the first one
    - `yesno: true`: the question asks yes or no (premise.asks_yes_or_no)
    - `supposes: true`: the question supposes another monthly amount (« si le mensuel passait à 100 € »)
    - `intent: <intent>`: the question has that angle (date, who, ...)
    - `known: fact.<key>`: the data holds that fact
    - `day_in: fact.<key>` (or `param.<date>`): the question tells a day (« le 2 juillet 2025 ») of the
      month that fact names (« 2025-07 »): a day the month alone cannot place before or after;
      `day_after` / `day_before`: every day or month with its year the question tells falls after / before
      that month
    - `counts: participants`: the question asks how many take part (a count no rule holds);
      `counts: patients`: it asks for a number or cap of patients, not of establishments
    - `scored: {<entry>: <minimum>}`: the question's cues score that entry at least so much (a second point
      asked in passing, short of being answered on its own)
    - `not: <condition>`, `any: [conditions]`, `all: [conditions]`; a mapping of several tests is `all`.
    """

    test: str
    words: tuple[str, ...] = ()  # asks
    name: str = ""  # the slot, region, deadline, entry, intent, fact or count tested
    minimum: float = 0.0  # scored
    parts: tuple[Condition, ...] = ()  # not / any / all


@dataclass(frozen=True)
class Lead:
    """« Oui » / « Non » opening a step's sentence when `when` holds (templates questions.lead.<say>)."""

    when: Condition
    say: Literal["yes", "no"]


@dataclass(frozen=True)
class Step:
    """One declared sentence: a template key, the source it cites (left out when the data lacks it), and its
    slot values as references (`param.x`, `fact.y.z`, `fact.y|month`), literals, or `asked` (the words of
    the step's `when: {asks: ...}` the question names). `cite: deadlines.<kind>` says the sentence once per
    deadline of that kind (`pick: first|last` keeps one). `{entry: id}` says another entry's answer."""

    text: str
    cite: str | None
    values: tuple[tuple[str, str], ...]
    unknown: bool = False  # `{unknown: key}`: a part the texts do not settle, said and handed to a person
    # `{unknown: key, open: true}`: said only when asked (its `when`), the point asked is open: a hand-over
    open: bool = False
    when: Condition | None = None  # the step is said only when this holds
    lead: tuple[Lead, ...] = ()  # the first lead whose condition holds opens the sentence (value `lead`)
    entry: str | None = None  # `{entry: id}`: that entry's answer, here
    pick: Literal["first", "last"] | None = None


@dataclass(frozen=True)
class Answer:
    says: tuple[Step, ...] = ()
    composer: str | None = None
    why: str | None = None  # what a composer computes (required with `composer`: code is kept only for that)
    states: tuple[str, ...] = ()
    # The answer ends with « point non tranché » and asks a person to confirm; when the entry is what the
    # question asks and the question turns on the point (`open_point` names the reader in open_points.py:
    # `true` is « always »), the reply is a hand-over carrying the hypothesis.
    open_point: str | None = None
    # Questions about the bot itself: the commands whose usage, help and roles (from the command registry,
    # the same as `aide`) answer it, so that the answer follows the commands when they change.
    commands: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    id: str
    file: str
    cues: dict[str, float]
    answer: Answer
    family: Family = "art50"
    intents: tuple[Intent, ...] = ()
    supersedes: tuple[str, ...] = ()
    against: dict[str, float] | None = None
    examples: tuple[str, ...] = ()
    # (kind, reference): the value a yes/no question may state and be checked against (premise.py)
    premise: tuple[tuple[str, str], ...] = ()
    # (kind, reference, words): a premise checked only when the question names one of these cue words (an
    # entry of several dates: « le comité … c'est en septembre ? » puts the committee's to the test)
    premise_asks: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    addresses: tuple[str, ...] = ()  # the asked points (slots in frames.yaml) its answer states
    # (slot, reading): a point stated only when the question gives that reading (`{contact_detail: region}`:
    # the contact entry gives a way to reach an ARS only for a region named).
    address_needs: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Knowledge:
    entries: tuple[Entry, ...]
    out_of_scope: dict[str, float]
    markers: dict[Family, dict[str, float]]
    handover_examples: tuple[str, ...] = ()  # phrasings whose right answer is a hand-over
    # Out of scope wherever the message says it, not only in its asked sentences: who writes (« ma mère est
    # traitée … »), an establishment the texts do not place (an army hospital).
    out_of_scope_anywhere: dict[str, float] | None = None
    human_request: dict[str, float] | None = None  # « échanger avec un agent »: the writer wants a person
    # The points a question may ask (cap, who is paid, a phone number, an action for the asker...): each is
    # one or more groups of cues that must all match; an entry that does not address the asked point
    # (`addresses`) does not answer it.
    slots: dict[str, tuple[dict[str, float], ...]] | None = None
    slot_unless: dict[str, dict[str, float]] | None = None  # cues that veto a slot (`unless`)
    # « on n'a toujours rien reçu »: the asker's own case, which no rule settles: the rule, and a person
    own_case: dict[str, float] | None = None
    # Facts kept as context (what was asked for, not what was decided: Unicancer's 115 € per session): said
    # only when the question asks about them, by these cues (placeholders allowed).
    context_facts: dict[str, dict[str, float]] | None = None
    # « dans le bot », « la commande », « saisir »: the question is about using the bot (entries of the `bot`
    # family, among them one per command of the registry, are scored only then)
    bot_usage: dict[str, float] | None = None
    # Verbs of an act the writer asks the reader to do (« pouvez-vous purger cette saisie ? », « vous pouvez
    # transférer mes accès ? »): a person acts (handlers/questions/acts.py); asking to be told is no act.
    act_verbs: tuple[str, ...] = ()


_ENTRY_KEYS = {
    "id", "family", "intents", "supersedes", "cues", "against", "examples", "answer", "premise", "addresses",
}  # fmt: skip
# The premise kinds whose value is compared with a stated figure (premise.check): their reference is a number
# (a year may be read from a date).
_NUMERIC_PREMISES = frozenset({"amount", "monthly", "years", "months", "count", "year"})
PREMISE_KINDS = (
    "amount", "monthly", "years", "months", "count", "year", "date", "payee", "route", "recipients",
)  # fmt: skip
_ANSWER_KEYS = {"says", "composer", "why", "states", "open_point", "commands"}
_FRAME_KEYS = {
    "out_of_scope", "out_of_scope_anywhere", "markers", "human_request", "slots", "own_case", "context_facts",
    "bot_usage", "act_verbs",
}  # fmt: skip


def _weights(where: str, raw: Any) -> dict[str, float]:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: expected a mapping of cue -> weight")
    out: dict[str, float] = {}
    for spec, weight in raw.items():
        if not isinstance(spec, str) or not spec.strip():
            raise KnowledgeError(f"{where}: a cue must be a non-empty text, got {spec!r}")
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise KnowledgeError(f"{where}: cue {spec!r} needs a number as weight, got {weight!r}")
        out[spec] = float(weight)
    return out


def _strings(where: str, raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise KnowledgeError(f"{where}: expected a list of texts")
    return tuple(raw)


def _words(where: str, raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise KnowledgeError(f"{where}: `asks` needs a non-empty list of cue words or phrases")
    if not all(isinstance(w, str) and w.strip() and w.strip("*& ") for w in raw):
        raise KnowledgeError(f"{where}: `asks` holds an empty or non-text cue: {raw!r}")
    return tuple(raw)


def _name(where: str, test: str, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise KnowledgeError(f"{where}: `{test}` needs a name, got {raw!r}")
    return raw


def condition(where: str, raw: Any) -> Condition:
    """A `when:` condition, strictly: an unknown test, an empty cue list or a wrong value is refused."""
    if not isinstance(raw, dict) or not raw:
        raise KnowledgeError(f"{where}: `when` must be a mapping of tests ({{asks: [...]}}, {{not: ...}})")
    parts: list[Condition] = []
    for test, value in raw.items():
        here = f"{where} when.{test}"
        if test not in _LEAF_TESTS | _JOIN_TESTS:
            known = ", ".join(sorted(_LEAF_TESTS | _JOIN_TESTS))
            raise KnowledgeError(f"{where}: unknown condition {test!r} in `when`; known: {known}")
        if test == "not":
            parts.append(Condition("not", parts=(condition(here, value),)))
        elif test in ("any", "all"):
            if not isinstance(value, list) or not value:
                raise KnowledgeError(f"{here}: `{test}` needs a non-empty list of conditions")
            parts.append(
                Condition(test, parts=tuple(condition(f"{here}[{i}]", v) for i, v in enumerate(value)))
            )
        elif test == "asks":
            parts.append(Condition("asks", words=_words(here, value)))
        elif test in ("yesno", "supposes"):
            if value is not True:
                raise KnowledgeError(f"{here}: `{test}` takes `true` (use `not:` for the opposite)")
            parts.append(Condition(test))
        elif test == "slot":
            if value not in SLOT_TESTS:
                raise KnowledgeError(f"{here}: unknown slot {value!r}; known: {', '.join(SLOT_TESTS)}")
            parts.append(Condition("slot", name=value))
        elif test == "intent":
            if value not in INTENTS:
                raise KnowledgeError(f"{here}: unknown intent {value!r}; known: {', '.join(INTENTS)}")
            parts.append(Condition("intent", name=value))
        elif test in ("past", "upcoming"):
            name = _name(here, test, value)
            if not name.startswith(("deadline.", "deadlines.")):
                raise KnowledgeError(
                    f"{here}: `{test}` names a deadline (deadline.<key> or deadlines.<kind>), got {name!r}"
                )
            parts.append(Condition(test, name=name))
        elif test == "counts":
            if value not in COUNT_TESTS:
                raise KnowledgeError(f"{here}: unknown count {value!r}; known: {', '.join(COUNT_TESTS)}")
            parts.append(Condition("counts", name=value))
        elif test == "scored":
            ok = isinstance(value, dict) and len(value) == 1
            minimum = next(iter(value.values())) if ok else None
            if not ok or isinstance(minimum, bool) or not isinstance(minimum, int | float):
                raise KnowledgeError(f"{here}: `scored` is {{<entry>: <minimum score>}}, got {value!r}")
            parts.append(
                Condition("scored", name=_name(here, test, next(iter(value))), minimum=float(minimum))
            )
        elif test == "known":
            name = _name(here, test, value)
            if not name.startswith("fact."):
                raise KnowledgeError(f"{here}: `known` names a fact (fact.<key>), got {name!r}")
            parts.append(Condition(test, name=name))
        elif test in ("day_in", "day_after", "day_before"):
            name = _name(here, test, value)
            if not name.startswith(("fact.", "param.")):
                raise KnowledgeError(f"{here}: `{test}` names a fact or a date parameter, got {name!r}")
            parts.append(Condition(test, name=name))
        else:  # region, topic, first_topic: checked against the regions / the entries once all are read
            parts.append(Condition(test, name=_name(here, test, value)))
    return parts[0] if len(parts) == 1 else Condition("all", parts=tuple(parts))


def conditions(cond: Condition) -> list[Condition]:
    """`cond` and every condition inside it."""
    return [cond, *(c for part in cond.parts for c in conditions(part))]


def answer_conditions() -> Iterator[Condition]:
    """Every condition of every declared step and lead of the knowledge, nested ones included."""
    for found in load_knowledge().entries:
        for step in found.answer.says:
            for top in (step.when, *(lead.when for lead in step.lead)):
                if top is not None:
                    yield from conditions(top)


_STEP_KEYS = {"text", "cite", "when", "lead", "pick", "unknown", "entry", "open"}
_VALUE_TRANSFORMS = ("month",)


def _lead(where: str, raw: Any) -> tuple[Lead, ...]:
    if not isinstance(raw, list) or not raw:
        raise KnowledgeError(f"{where}: `lead` is a list of {{when: ..., say: yes|no}}")
    leads: list[Lead] = []
    for i, item in enumerate(raw):
        here = f"{where} lead[{i}]"
        # YAML reads a bare yes / no as a boolean: both spellings are taken.
        say = (
            {True: "yes", False: "no", "yes": "yes", "no": "no"}.get(item.get("say"))
            if isinstance(item, dict)
            else None
        )
        if not isinstance(item, dict) or set(item) != {"when", "say"} or say is None:
            raise KnowledgeError(f"{here}: a lead is {{when: <condition>, say: yes|no}}")
        leads.append(Lead(when=condition(here, item["when"]), say=cast(Literal["yes", "no"], say)))
    return tuple(leads)


def _step(where: str, raw: Any) -> Step:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: a step is a mapping (text:, unknown: or entry:)")
    when = condition(where, raw["when"]) if "when" in raw else None
    kinds = [k for k in ("text", "unknown", "entry") if k in raw]
    if len(kinds) != 1 or not isinstance(raw[kinds[0]], str) or not raw[kinds[0]].strip():
        raise KnowledgeError(
            f"{where}: a step has exactly one of `text: <template key>`, `unknown: <template key>`, "
            "`entry: <id>`"
        )
    kind = kinds[0]
    if kind == "entry":
        extra = set(raw) - {"entry", "when"}
        if extra:
            raise KnowledgeError(
                f"{where}: an `entry:` step takes only `when`, not {', '.join(sorted(extra))}"
            )
        return Step(text="", cite=None, values=(), when=when, entry=raw["entry"])
    cite = raw.get("cite")
    if cite is not None and (not isinstance(cite, str) or kind == "unknown"):
        raise KnowledgeError(f"{where}: `cite` must name a parameter, fact or deadline (not on `unknown`)")
    pick = raw.get("pick")
    if pick is not None and (pick not in ("first", "last") or not str(cite).startswith("deadlines.")):
        raise KnowledgeError(f"{where}: `pick` is first or last, with `cite: deadlines.<kind>`")
    is_open = raw.get("open", False)
    if is_open not in (True, False) or (is_open and (kind != "unknown" or when is None)):
        raise KnowledgeError(f"{where}: `open: true` marks an `unknown:` step said when asked (with `when`)")
    values = tuple((str(k), str(v)) for k, v in raw.items() if k not in _STEP_KEYS)
    for name, ref in values:
        _, bar, transform = ref.partition("|")
        if bar and transform not in _VALUE_TRANSFORMS:
            raise KnowledgeError(f"{where}: value {name}: unknown transform |{transform}; known: |month")
        if ref == "asked" and (when is None or when.test != "asks"):
            raise KnowledgeError(f"{where}: value {name}: `asked` needs the step's `when: {{asks: [...]}}`")
    return Step(
        text=raw[kind],
        cite=cite,
        values=values,
        unknown=kind == "unknown",
        open=bool(is_open),
        when=when,
        lead=_lead(where, raw["lead"]) if "lead" in raw else (),
        pick=pick,
    )


def _open_point(where: str, raw: object) -> str | None:
    if raw is None or raw is False:
        return None
    name = "always" if raw is True else raw
    if not isinstance(name, str) or name not in open_points.READERS:
        known = ", ".join(sorted(open_points.READERS))
        raise KnowledgeError(f"{where}: `open_point` is true or one of {known}")
    return name


def _answer(where: str, raw: Any) -> Answer:
    if not isinstance(raw, dict):
        raise KnowledgeError(f"{where}: `answer` must be a mapping (says: [...] or composer: name)")
    unknown = set(raw) - _ANSWER_KEYS
    if unknown:
        raise KnowledgeError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} in answer")
    says = raw.get("says") or []
    if not isinstance(says, list):
        raise KnowledgeError(f"{where}: `says` must be a list of steps")
    composer = raw.get("composer")
    if composer is not None and not isinstance(composer, str):
        raise KnowledgeError(f"{where}: `composer` must be a name")
    why = raw.get("why")
    if (composer is None) != (why is None) or (
        why is not None and not (isinstance(why, str) and why.strip())
    ):
        # Code is kept only for what computes: the entry says what, so that a choice of sentences that could
        # be data (`when:`) does not slip back into Python.
        raise KnowledgeError(f"{where}: an answer naming a `composer` says `why` it computes (and only then)")
    commands = _strings(f"{where} commands", raw.get("commands"))
    if not says and composer is None and not commands:
        raise KnowledgeError(f"{where}: the answer declares nothing (give `says`, `commands` or `composer`)")
    steps = tuple(_step(f"{where} says[{i}]", s) for i, s in enumerate(says))
    states = _strings(f"{where} states", raw.get("states"))
    states += tuple(dict.fromkeys(s.cite for s in steps if s.cite and s.cite not in states))
    return Answer(
        says=steps,
        composer=composer,
        why=why,
        states=states,
        open_point=_open_point(where, raw.get("open_point")),
        commands=commands,
    )


def _entry(file: str, index: int, raw: Any) -> Entry:
    where = f"{file}: entries[{index}]"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise KnowledgeError(f"{where}: every entry needs an `id`")
    where = f"{file}: {raw['id']}"
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise KnowledgeError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    family = raw.get("family", "art50")
    if family not in ("art50", "art51", "bot"):
        raise KnowledgeError(f"{where}: family must be art50, art51 or bot, got {family!r}")
    intents = _strings(f"{where} intents", raw.get("intents"))
    wrong = [i for i in intents if i not in INTENTS]
    if wrong:
        raise KnowledgeError(f"{where}: unknown intent(s) {wrong}; known: {', '.join(INTENTS)}")
    if "cues" not in raw:
        raise KnowledgeError(f"{where}: an entry needs `cues`")
    if "answer" not in raw:
        raise KnowledgeError(f"{where}: an entry needs an `answer`")
    premise, premise_asks = _premises(where, raw.get("premise") or {})
    return Entry(
        id=raw["id"],
        file=file,
        family=cast(Family, family),
        intents=cast(tuple[Intent, ...], intents),
        supersedes=_strings(f"{where} supersedes", raw.get("supersedes")),
        cues=_weights(f"{where} cues", raw["cues"]),
        against=_weights(f"{where} against", raw["against"]) if "against" in raw else None,
        examples=_strings(f"{where} examples", raw.get("examples")),
        answer=_answer(where, raw["answer"]),
        premise=premise,
        premise_asks=premise_asks,
        **_addresses(where, raw.get("addresses")),
    )


def _premises(
    where: str, raw: Any
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str, tuple[str, ...]], ...]]:
    """`premise`: a kind mapped to a reference (`{amount: param.x}`), or to a list of references each checked
    only when the question names one of its words (`{date: [{ref: deadline.x, asks: [comite]}]}`)."""
    shape = (
        f"{where}: `premise` maps a kind to a reference ({{amount: param.x}}) or to a list of {{ref, asks}}"
    )
    if not isinstance(raw, dict):
        raise KnowledgeError(shape)
    pairs: list[tuple[str, str]] = []
    qualified: list[tuple[str, str, tuple[str, ...]]] = []
    for kind, value in raw.items():
        if kind not in PREMISE_KINDS:
            raise KnowledgeError(f"{where}: unknown premise kind {kind!r}; known: {', '.join(PREMISE_KINDS)}")
        if isinstance(value, str):
            pairs.append((str(kind), value))
            continue
        if not isinstance(value, list) or not value:
            raise KnowledgeError(shape)
        for item in value:
            if not isinstance(item, dict) or set(item) != {"ref", "asks"} or not isinstance(item["ref"], str):
                raise KnowledgeError(shape)
            words = _strings(f"{where} premise {kind} asks", item["asks"])
            if not words:
                raise KnowledgeError(f"{where}: premise {kind} {item['ref']!r} needs `asks` words")
            pairs.append((str(kind), item["ref"]))
            qualified.append((str(kind), item["ref"], words))
    return tuple(pairs), tuple(qualified)


# What a qualified `addresses` item may require of the question (handlers/questions/__init__.py reads it).
ADDRESS_NEEDS = ("region",)


def _addresses(where: str, raw: Any) -> dict[str, Any]:
    """`addresses: [cap, {contact_detail: region}]`: the slots the answer states, some only when the question
    gives a reading (a region named)."""
    if raw is None:
        return {}
    if not isinstance(raw, list):
        raise KnowledgeError(f"{where}: `addresses` must be a list of slots")
    slots: list[str] = []
    needs: list[tuple[str, str]] = []
    for item in raw:
        if isinstance(item, str):
            slots.append(item)
        elif isinstance(item, dict) and len(item) == 1:
            ((slot, need),) = item.items()
            if need not in ADDRESS_NEEDS:
                raise KnowledgeError(
                    f"{where}: addresses {slot}: unknown need {need!r}; known: {ADDRESS_NEEDS}"
                )
            slots.append(str(slot))
            needs.append((str(slot), str(need)))
        else:
            raise KnowledgeError(f"{where}: an `addresses` item is a slot or {{slot: need}}, got {item!r}")
    return {"addresses": tuple(slots), "address_needs": tuple(needs)}


def _load(path: Path) -> Knowledge:
    files = sorted(path.glob("*.yaml"))
    if not files:
        raise KnowledgeError(f"{path}: no knowledge file (*.yaml) found")
    entries: list[Entry] = []
    frames: dict[str, Any] = {}
    extra_examples: dict[str, list[str]] = {}
    extra_origin: dict[str, str] = {}
    handover: list[str] = []
    for file in files:
        try:
            doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise KnowledgeError(f"{file.name}: cannot read knowledge: {exc}") from None
        if not isinstance(doc, dict):
            raise KnowledgeError(f"{file.name}: expected `entries:` (or `out_of_scope:` / `markers:`) at top")
        for key, body in doc.items():
            if key == "entries":
                if not isinstance(body, list):
                    raise KnowledgeError(f"{file.name}: `entries` must be a list")
                entries += [_entry(file.name, i, e) for i, e in enumerate(body)]
            elif key == "examples":
                if not isinstance(body, dict):
                    raise KnowledgeError(f"{file.name}: `examples` maps an entry id to its phrasings")
                for entry_id, phrasings in body.items():
                    extra_examples.setdefault(str(entry_id), []).extend(
                        _strings(f"{file.name}: examples {entry_id}", phrasings)
                    )
                    extra_origin[str(entry_id)] = file.name
            elif key == "handover_examples":
                handover += _strings(f"{file.name}: handover_examples", body)
            elif key in _FRAME_KEYS:
                if key in frames:
                    raise KnowledgeError(f"{file.name}: `{key}` is already defined in another file")
                frames[key] = body
            else:
                raise KnowledgeError(
                    f"{file.name}: unknown key {key!r} "
                    "(entries, examples, handover_examples, out_of_scope, markers)"
                )
    seen: dict[str, str] = {}
    for e in entries:
        if e.id in seen:
            raise KnowledgeError(f"{e.file}: entry {e.id!r} is already defined in {seen[e.id]}")
        seen[e.id] = e.file
    for e in entries:
        for other in e.supersedes:
            if other not in seen:
                raise KnowledgeError(f"{e.file}: {e.id}: supersedes unknown entry {other!r}")
        _check_steps(e, seen)
    _check_includes({e.id: e for e in entries})
    for entry_id, origin in extra_origin.items():
        if entry_id not in seen:
            raise KnowledgeError(f"{origin}: examples for unknown entry {entry_id!r}")
    entries = [
        replace(e, examples=e.examples + tuple(extra_examples[e.id])) if e.id in extra_examples else e
        for e in entries
    ]
    for key in _FRAME_KEYS:
        if key not in frames:
            raise KnowledgeError(f"{path}: no file defines `{key}`")
    entries = [_derived_addresses(e) for e in entries]
    markers = frames["markers"]
    if not isinstance(markers, dict) or set(markers) != {"art50", "art51"}:
        raise KnowledgeError(f"{path}: `markers` needs exactly art50 and art51")
    return Knowledge(
        entries=tuple(entries),
        out_of_scope=_weights("out_of_scope", frames["out_of_scope"]),
        out_of_scope_anywhere=_weights("out_of_scope_anywhere", frames["out_of_scope_anywhere"]),
        markers={
            "art50": _weights("markers art50", markers["art50"]),
            "art51": _weights("markers art51", markers["art51"]),
        },
        handover_examples=tuple(handover),
        human_request=_weights("human_request", frames["human_request"]),
        slots=_slots(frames["slots"], {e.id: e for e in entries}),
        slot_unless=_slot_unless(frames["slots"]),
        own_case=_weights("own_case", frames["own_case"]),
        context_facts=_context_facts(frames["context_facts"]),
        bot_usage=_weights("bot_usage", frames["bot_usage"]),
        act_verbs=_strings("act_verbs", frames["act_verbs"]),
    )


def _check_steps(e: Entry, ids: dict[str, str]) -> None:
    """Every entry a step or condition names exists."""
    for i, step in enumerate(e.answer.says):
        where = f"{e.file}: {e.id} says[{i}]"
        if step.entry is not None and step.entry not in ids:
            raise KnowledgeError(f"{where}: `entry` names unknown entry {step.entry!r}")
        if step.entry == e.id:
            raise KnowledgeError(f"{where}: an entry cannot say itself")
        tests = [c for top in [step.when, *(lead.when for lead in step.lead)] if top for c in conditions(top)]
        for cond in tests:
            if cond.test in ("topic", "first_topic", "scored") and cond.name not in ids:
                raise KnowledgeError(f"{where}: `{cond.test}` names unknown entry {cond.name!r}")


def _check_includes(entries: dict[str, Entry]) -> None:
    """No entry says itself through others (`entry:` steps form no cycle)."""

    def walk(entry_id: str, path: tuple[str, ...]) -> None:
        for step in entries[entry_id].answer.says:
            if step.entry is None:
                continue
            if step.entry in path:
                cycle = " -> ".join((*path, step.entry))
                raise KnowledgeError(f"{entries[path[0]].file}: {path[0]}: `entry:` steps loop ({cycle})")
            walk(step.entry, (*path, step.entry))

    for entry_id in entries:
        walk(entry_id, (entry_id,))


def _context_facts(raw: Any) -> dict[str, dict[str, float]]:
    if not isinstance(raw, dict):
        raise KnowledgeError("context_facts: expected a mapping of fact key -> cues that ask about it")
    return {str(k): _weights(f"context_facts {k}", v) for k, v in raw.items()}


def _slot_unless(raw: Any) -> dict[str, dict[str, float]]:
    """The `unless` cues of each slot that has some: the question names the point's words but states the
    value instead of asking it (« si notre tarif HDJ c'est 420 € … le plafond ? »)."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(k): _weights(f"slots {k} unless", v["unless"])
        for k, v in raw.items()
        if isinstance(v, dict) and "unless" in v and ("all" in v or "any" in v)
    }


def _slot(name: str, raw: Any) -> tuple[dict[str, float], ...]:
    """A slot's cues: a mapping (one group: any cue asks the point), `{any: {cues}, unless: {cues}}` (one
    group with a veto) or `{all: [group, group, ...], unless: {cues}?}` (the point is asked only when every
    group has a cue in the question: « tu peux » + « me renvoyer », and no `unless` cue is there)."""
    if isinstance(raw, dict) and set(raw) == {"any", "unless"}:
        return (_weights(f"slots {name} any", raw["any"]),)
    if isinstance(raw, dict) and set(raw) in ({"all"}, {"all", "unless"}):
        groups = raw["all"]
        if not isinstance(groups, list) or len(groups) < 2:
            raise KnowledgeError(f"slots {name}: `all` needs a list of at least two cue groups")
        return tuple(_weights(f"slots {name} all[{i}]", g) for i, g in enumerate(groups))
    return (_weights(f"slots {name}", raw),)


# Derived `addresses`: an entry answered from the command registry tells how to do a thing oneself, which
# answers a request to do it for the asker (« tu peux annuler ma saisie ? »).
COMMANDS_ADDRESS = "action_request"


def _derived_addresses(e: Entry) -> Entry:
    if e.answer.commands and COMMANDS_ADDRESS not in e.addresses:
        return replace(e, addresses=(*e.addresses, COMMANDS_ADDRESS))
    return e


def _slots(raw: Any, entries: dict[str, Entry]) -> dict[str, tuple[dict[str, float], ...]]:
    if not isinstance(raw, dict):
        raise KnowledgeError("slots: expected a mapping of slot -> cues")
    slots = {str(k): _slot(str(k), v) for k, v in raw.items()}
    if COMMANDS_ADDRESS not in slots:
        raise KnowledgeError(f"slots: `{COMMANDS_ADDRESS}` is needed (the bot's entries address it)")
    for e in entries.values():
        wrong = [a for a in e.addresses if a not in slots]
        if wrong:
            raise KnowledgeError(
                f"{e.file}: {e.id}: addresses unknown slot(s) {wrong}; known: {sorted(slots)}"
            )
    return slots


@cache
def _default() -> Knowledge:
    # The bot's own entries come from the command registry, filled as handlers.commands is imported (the bot
    # has done so; a bare answerer may not have). Loaded on the first question, never at import time: the
    # commands import the answerer.
    importlib.import_module("handlers.commands")
    from handlers.questions.command_entries import command_entries
    from handlers.questions.topics import NEUTRAL_WORDS
    from handlers.registry import registry

    def say(key: str) -> str | None:
        return text(key) if has_text(key) else None

    specs = registry.all()
    written = _load(KNOWLEDGE_DIR)
    # The words that say a question is about using the bot (« bot », « commande », « saisir »), not which
    # command: frames.yaml `bot_usage`, single words.
    usage = written.bot_usage or {}
    generic = frozenset(cue.rstrip("*") for cue in usage if " " not in cue and "&" not in cue)
    generated = command_entries(specs, say, NEUTRAL_WORDS, generic)
    return with_commands(written, generated, {spec.name for spec in specs})


def with_commands(written: Knowledge, generated: tuple[Entry, ...], commands: set[str]) -> Knowledge:
    """The written entries and those generated from the registry; every command an answer names must be in
    the registry (`commands`: their names): a renamed command fails loudly here, not silently later."""
    ids = {e.id: e.file for e in written.entries}
    for e in generated:
        if e.id in ids:
            raise KnowledgeError(
                f"{ids[e.id]}: entry {e.id!r} is the generated entry of a command; rename it"
            )
        wrong_slots = [a for a in e.addresses if a not in (written.slots or {})]
        if wrong_slots:
            raise KnowledgeError(
                f"{e.file}: {e.id}: addresses unknown slot(s) {wrong_slots} "
                "(frames.yaml `slots`; handlers/questions/command_entries.py ADDRESSES)"
            )
    for e in written.entries:
        wrong = [name for name in e.answer.commands if name not in commands]
        if wrong:
            raise KnowledgeError(
                f"{e.file}: {e.id}: no command {', '.join(map(repr, wrong))} in the registry "
                "(handlers/commands; `aide` lists them)"
            )
    return replace(written, entries=written.entries + generated)


def load_knowledge(path: Path | None = None) -> Knowledge:
    """The entries from `path` (a directory of *.yaml); the packaged rules/data/knowledge/ when None, with
    one entry per command of the registry (command_entries.py)."""
    return _default() if path is None else _load(Path(path))


# ------------------------------------------------------------------------------- values from the parameters

_PLACEHOLDER = re.compile(r"\{([a-z0-9_.]+)\}")


def _plain(value: Any) -> str:
    """A value as a cue says it: 320 (not 320.00), 5 fevrier 2028; a fact's amount kept as text ("115.00")
    too."""
    if isinstance(value, str) and re.fullmatch(r"\d{1,9}(?:\.\d{1,2})?", value):
        value = Decimal(value)
    if isinstance(value, Decimal):
        return str(int(value)) if value == value.to_integral() else str(value)
    if isinstance(value, date):
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return str(value)


def _date_part(day: date, part: str) -> str:
    parts = {
        "year": str(day.year),
        "day_month": f"{day.day} {MONTHS[day.month - 1]}",
        "month_year": f"{MONTHS[day.month - 1]} {day.year}",
        "month_before": MONTHS[(day.month - 2) % 12],
        "month_after": MONTHS[day.month % 12],
    }
    if part not in parts:
        raise KeyError(part)
    return parts[part]


def resolve(reference: str, params: Parameters) -> Any:
    """The value a reference names: param.<name>[.<date part>], fact.<key>[.<field>[.<field>]],
    deadline.<key> (its due day), derived.inclusion_cap / derived.inclusion_within_cap. KeyError when it names
    nothing."""
    kind, _, rest = reference.partition(".")
    name, _, part = rest.partition(".")
    if kind == "param":
        attr = getattr(params, name, None)
        value = getattr(attr, "value", None)
        if value is None or name.startswith("_"):
            raise KeyError(reference)
        if part:
            if not isinstance(value, date):
                raise KeyError(reference)
            return _date_part(value, part)
        return value
    if kind == "fact":
        fact = params.facts.get(name)
        if fact is None:
            raise KeyError(reference)
        value = fact.value
        for field in part.split(".") if part else ():  # fact.nir_key.corsica.2A: a nested field
            if not isinstance(value, dict) or field not in value:
                raise KeyError(reference)
            value = value[field]
        return value
    if kind == "deadline":
        # deadline.<key>: its due day (a day, or a month's last day when the texts give only the month)
        found = params.deadline(rest)
        if found is None:
            raise KeyError(reference)
        return found.due
    if kind == "derived" and name == "inclusion_cap" and not part:
        return params.monthly_amount.value * params.inclusion_cap_factor.value
    if kind == "derived" and name == "inclusion_within_cap" and not part:
        return (
            params.inclusion_amount.value <= params.monthly_amount.value * params.inclusion_cap_factor.value
        )
    raise KeyError(reference)


def expand(spec: str, params: Parameters, where: str = "cue") -> str:
    """A cue with its placeholders replaced by the parameters' values; KnowledgeError if one names nothing."""

    def one(match: re.Match[str]) -> str:
        try:
            return _plain(resolve(match.group(1), params))
        except KeyError:
            raise KnowledgeError(
                f"{where}: {{{match.group(1)}}} names no parameter or fact of rules/data "
                "(param.<name>, fact.<key>[.<field>], derived.inclusion_cap)"
            ) from None

    return _PLACEHOLDER.sub(one, spec)


@lru_cache(maxsize=8)
def expanded(params: Parameters | None = None) -> dict[str, tuple[dict[str, float], dict[str, float]]]:
    """Each entry's cues and against-cues with legal values generated from `params` (default: rules/data)."""
    params = params or load_parameters()
    out: dict[str, tuple[dict[str, float], dict[str, float]]] = {}
    for e in load_knowledge().entries:
        where = f"{e.file}: {e.id}"
        cues = {expand(k, params, where): w for k, w in e.cues.items()}
        against = {expand(k, params, where): w for k, w in (e.against or {}).items()}
        out[e.id] = (cues, against)
    return out


_DEADLINE_REF = re.compile(r"^(deadline|deadlines)\.[a-z0-9_:]+$")


def check(
    knowledge: Knowledge,
    params: Parameters,
    composers: set[str],
    has_text: Any,
    commands: set[str] | None = None,
) -> None:
    """Every reference of every entry names something: states and cites in the parameters, composers in
    code, sentence templates in templates/, commands in the registry (`commands`: their names, when given).
    Raises KnowledgeError naming the entry."""
    for key, cues in (knowledge.context_facts or {}).items():
        if key not in params.facts:
            raise KnowledgeError(f"frames.yaml: context_facts {key!r} names no fact of rules/data/facts.yaml")
        for spec in cues:
            expand(spec, params, f"frames.yaml: context_facts {key}")
    for slot in knowledge.slots or {}:
        # An asked point no entry states is handed over saying so.
        if not has_text(f"questions.asked_point.{slot}"):
            raise KnowledgeError(f"frames.yaml: slot {slot!r} has no template questions.asked_point.{slot}")
    for e in knowledge.entries:
        where = f"{e.file}: {e.id}"
        for name in e.answer.commands:
            if commands is not None and name not in commands:
                raise KnowledgeError(f"{where}: no command {name!r} in the registry (handlers/commands)")
        for spec in [*e.cues, *(e.against or {})]:
            expand(spec, params, where)
        if e.answer.composer is not None and e.answer.composer not in composers:
            raise KnowledgeError(f"{where}: no composer {e.answer.composer!r} (handlers/questions/answer.py)")
        refs = list(e.answer.states) + [ref for _, ref in e.premise]
        for step in e.answer.says:
            if step.entry is None and not has_text(f"questions.{step.text}"):
                raise KnowledgeError(f"{where}: no template questions.{step.text} in templates/")
            refs += [
                v.partition("|")[0] for _, v in step.values if v.startswith(("param.", "fact.", "derived."))
            ]
            for lead in step.lead:
                if not has_text(f"questions.lead.{lead.say}"):
                    raise KnowledgeError(f"{where}: no template questions.lead.{lead.say} in templates/")
            if step.cite and step.cite.startswith("deadlines."):
                kind = step.cite.removeprefix("deadlines.")
                if not any(d.kind == kind for d in params.deadlines()):
                    raise KnowledgeError(f"{where}: {step.cite!r} names no kind of deadline of rules/data")
            elif step.cite and step.cite.startswith("deadline."):
                if params.deadline(step.cite.removeprefix("deadline.")) is None:
                    raise KnowledgeError(f"{where}: {step.cite!r} names no deadline of rules/data")
            elif step.cite:
                refs.append(step.cite)
            tests = [c for top in [step.when, *(ld.when for ld in step.lead)] if top for c in conditions(top)]
            for cond in tests:
                _check_condition(where, cond, params)
        for ref in refs:
            if _DEADLINE_REF.match(ref):
                continue
            try:
                resolve(ref, params)
            except KeyError:
                raise KnowledgeError(f"{where}: {ref!r} names no parameter of rules/data") from None
        for kind, ref in e.premise:
            # A stated figure is compared with the value as a number: a value of another shape (« {default: 3,
            # with_has_opinion: 4} ») would fail on the first question that states one.
            if kind in _NUMERIC_PREMISES and not _DEADLINE_REF.match(ref):
                value = resolve(ref, params)
                if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, date)):
                    raise KnowledgeError(
                        f"{where}: premise {kind} {ref!r} is {value!r}, not a number: it cannot be compared "
                        "with a stated figure (give the entry another reference, or no premise)"
                    )


def _check_condition(where: str, cond: Condition, params: Parameters) -> None:
    """A condition's names exist in rules/data: regions, deadlines, facts; its cues' placeholders expand."""
    if cond.test == "region" and cond.name not in params.regions:
        known = ", ".join(sorted(params.regions))
        raise KnowledgeError(f"{where}: `region` names unknown region {cond.name!r}; known: {known}")
    if cond.test in ("past", "upcoming"):
        kind, _, key = cond.name.partition(".")
        found = (
            params.deadline(key) is not None
            if kind == "deadline"
            else any(d.kind == key for d in params.deadlines())
        )
        if not found:
            raise KnowledgeError(f"{where}: `{cond.test}` names no deadline of rules/data: {cond.name!r}")
    if cond.test == "known":
        try:
            resolve(cond.name, params)
        except KeyError:
            raise KnowledgeError(f"{where}: `known` names no fact of rules/data: {cond.name!r}") from None
    for spec in cond.words:
        expand(spec, params, where)
