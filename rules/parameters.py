"""The dated parameters of the experiment, read strictly from the YAML files in rules/data/.

Layout (one directory; every *.yaml in it is read and its top-level sections merged, a section defined twice
is an error):

- `covered_period: {start, end}`: every date in the files must lie inside it (a gap fails loudly);
- `parameters: {name: entry}`: the named values below (`_PARAMETER_TYPES`), each an entry
  `{value, source: {text, article?, url?}, confidence: T|S|I, effective, last_checked?, note?}` or a dated
  history `{values: {date: {value, source, confidence, note?}}, last_checked?, note?}` (`Param.at(day)`);
- `deadlines: [deadline]`: the national calendar `{key, kind, due, covers?, source, confidence, inclusive?,
  effective?, note?, label?, recipients?, report?, targets?}` (`label`, the French name users read, is
  required for kind `other`; `recipients`: who receives it, `ars` / `dgos`; `report`: the report's id users
  type; `targets`: the years of the yearly referral targets the initial report states);
- `regions: {slug: {name, aliases?, contact?, application_opening?: entry, application_deadline?: entry,
  extra_deadlines?: [deadline]}}`;
- `facts: {name: {value, source, confidence, effective?, last_checked?, note?}}`: statements of the law the
  question answerer needs as data (who is paid, oral excluded, article 51...).

Strict means: an unknown key, a missing key, a value without a source, a wrong type, or a date outside the
covered period raises `ParameterError` naming the file and the key. The model is openfisca-france's parameters
(a reference and an effective date per value; `last_checked` plays `last_value_still_valid_on`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar, cast

import yaml

from rules.reasons import Confidence, Source

T = TypeVar("T")

DATA_DIR = Path(__file__).parent / "data"

DeadlineKind = Literal[
    "application", "initial_report", "followup_report", "experiment_end", "parliament_report", "other"
]
DatePrecision = Literal["day", "month"]
_DEADLINE_KINDS: frozenset[str] = frozenset(
    ("application", "initial_report", "followup_report", "experiment_end", "parliament_report", "other")
)


class ParameterError(ValueError):
    """A parameter file is wrong: the message names the file and the key."""


class OutsideCoveredPeriod(ValueError):
    """A date the parameters do not cover: the rules refuse to guess (STYLE: fail loudly on gaps)."""


class UnknownRegion(ValueError):
    """A region name that no region entry or alias matches."""


@dataclass(frozen=True)
class Param(Generic[T]):
    """One legal value with its source, how sure we are, and the date from which it applies.

    A parameter written as a dated history (`values: {date: {value, source, confidence}}`, openfisca-france's
    layout) keeps every step in `history`, oldest first; the Param itself is the latest step, so `.value`
    reads what the files say today and `at(day)` reads the value in force on a given day."""

    value: T
    source: Source
    confidence: Confidence
    effective: date
    last_checked: date | None = None
    note: str | None = None
    history: tuple[Param[T], ...] = ()

    def at(self, day: date) -> Param[T]:
        """The step in force on `day`: the latest one whose `effective` is on or before it. A day before the
        first step gets the first step (the amounts fixed for the experiment apply from its start: our
        reading, see README « readings of the law »)."""
        steps = self.history or (self,)
        found = steps[0]
        for step in steps:
            if step.effective <= day:
                found = step
            else:
                break
        return found


@dataclass(frozen=True)
class LegalFact:
    """A statement of the law kept as data (value = short id, number, list or mapping of short labels)."""

    key: str
    value: Any
    source: Source
    confidence: Confidence
    effective: date | None = None
    last_checked: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class Deadline:
    """A dated event: `inclusive` says whether the due day itself is still in time ("by" vs "before")."""

    key: str
    kind: DeadlineKind
    due: date
    region: str | None
    covers: tuple[int, ...]
    source: Source
    confidence: Confidence
    inclusive: bool = True
    note: str | None = None
    # The name users read (French), from the data: required for kind "other", whose kind says nothing, so that
    # no machine key ("selection_committee:normandie") ever reaches a user.
    label: str | None = None
    # Who receives what is due (codes: "ars", "dgos"); the one truth every message about it reads.
    recipients: tuple[str, ...] = ()
    # For a report: the id users type (`initial`, `suivi-2026`…) and, for the initial report, the years of
    # the yearly referral targets it states.
    report: str | None = None
    targets: tuple[int, ...] = ()
    # "day" when the text gives the day; "month" when it only says « en octobre »: `due` is then the month's
    # last day (what the countdowns use), and users read « octobre 2025 », never a day the texts do not give.
    precision: DatePrecision = "day"


RECIPIENTS: frozenset[str] = frozenset({"ars", "dgos"})


@dataclass(frozen=True)
class Region:
    key: str
    name: str
    aliases: tuple[str, ...]
    application_deadline: Param[date] | None
    contact: str | None
    extra_deadlines: tuple[Deadline, ...] = ()
    # The day the region's call for applications opened: a file dated before it answers no call.
    application_opening: Param[date] | None = None

    def application(self) -> Deadline | None:
        """The application deadline as a Deadline (key 'application:<slug>'), or None when unknown."""
        p = self.application_deadline
        if p is None:
            return None
        return Deadline(
            key=f"application:{self.key}",
            kind="application",
            due=p.value,
            region=self.key,
            covers=(),
            source=p.source,
            confidence=p.confidence,
            inclusive=True,
            note=p.note,
        )

    def deadlines(self) -> list[Deadline]:
        own = self.application()
        return ([own] if own else []) + list(self.extra_deadlines)


def normalise_name(text: str) -> str:
    """Lower case, no accents, hyphens/apostrophes/underscores as spaces, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    for sep in "-'’_.,/":
        plain = plain.replace(sep, " ")
    return " ".join(plain.split())


# Words users put in front of a region name that do not change which region it is.
_REGION_PREFIXES = ("ars ", "region ", "la region ", "en ", "ars de ", "ars d ")


# eq=False: one loaded set of parameters is one object; identity hashing lets callers cache on it.
@dataclass(frozen=True, eq=False)
class Parameters:
    covered_start: date
    covered_end: date
    experiment_start: Param[date]
    experiment_end: Param[date]
    experiment_duration_years: Param[int]
    inclusion_amount: Param[Decimal]
    monthly_amount: Param[Decimal]
    inclusion_cap_factor: Param[int]
    monthly_cap_rule: Param[str]
    max_sites_per_region: Param[int]
    payment_year_offset: Param[int]
    funding: Param[str]
    national_deadlines: tuple[Deadline, ...]
    regions: dict[str, Region]
    facts: dict[str, LegalFact]
    _names: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def region(self, text: str) -> Region | None:
        """The region a user means: slug, French name or alias, tolerant of accents, case, spaces, hyphens
        and a leading 'ARS'/'région'. None when nothing matches."""
        wanted = normalise_name(text)
        for prefix in _REGION_PREFIXES:
            if wanted.startswith(prefix) and wanted[len(prefix) :] in self._names:
                wanted = wanted[len(prefix) :]
                break
        key = self._names.get(wanted) or self._names.get(wanted.replace(" ", ""))
        return self.regions[key] if key else None

    def deadlines(self, region: str | None = None) -> list[Deadline]:
        """The national deadlines, plus a region's own (application and extra) when `region` is given (slug,
        name or alias). Sorted by date, then key. Raises UnknownRegion for a name that matches nothing."""
        out = list(self.national_deadlines)
        if region is not None:
            found = self.region(region)
            if found is None:
                raise UnknownRegion(f"unknown region: {region!r}")
            out.extend(found.deadlines())
        return sorted(out, key=lambda d: (d.due, d.key))

    def all_deadlines(self) -> list[Deadline]:
        """The national deadlines and every region's, sorted by date then key."""
        out = list(self.national_deadlines)
        for reg in self.regions.values():
            out.extend(reg.deadlines())
        return sorted(out, key=lambda d: (d.due, d.key))

    def deadline(self, key: str) -> Deadline | None:
        """A deadline by its stable key (e.g. 'report:followup:2026', 'application:normandie')."""
        for d in self.all_deadlines():
            if d.key == key:
                return d
        return None

    def report_deadline(self, report: str) -> Deadline | None:
        """The national deadline of a report by the id users type (`initial`, `suivi-2026`, `suivi-2027`)."""
        return next((d for d in self.national_deadlines if d.report == report), None)

    def target_years(self) -> tuple[int, ...]:
        """The years of the yearly referral targets (the initial report's `targets`)."""
        return next((d.targets for d in self.national_deadlines if d.targets), ())

    def fact(self, key: str) -> LegalFact:
        try:
            return self.facts[key]
        except KeyError:
            raise KeyError(f"no legal fact {key!r} in rules/data") from None

    def in_period(self, day: date) -> bool:
        """Whether `day` lies inside the experiment (6 Feb 2025 – 5 Feb 2028, both included)."""
        return self.experiment_start.value <= day <= self.experiment_end.value


# ---------------------------------------------------------------------------------------------- loading


def _as_date(where: str, raw: Any) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ParameterError(f"{where}: expected a date YYYY-MM-DD, got {raw!r}")


def _as_money(where: str, raw: Any) -> Decimal:
    if isinstance(raw, (bool, float)):
        raise ParameterError(f'{where}: write money as a string like "320.00", got {raw!r}')
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise ParameterError(f'{where}: expected an amount like "320.00", got {raw!r}') from None


def _as_int(where: str, raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ParameterError(f"{where}: expected a whole number, got {raw!r}")
    return raw


def _as_str(where: str, raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ParameterError(f"{where}: expected a non-empty text, got {raw!r}")
    return raw


def _as_bool(where: str, raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ParameterError(f"{where}: expected true or false, got {raw!r}")
    return raw


_PARAMETER_TYPES: dict[str, Callable[[str, Any], Any]] = {
    "experiment_start": _as_date,
    "experiment_end": _as_date,
    "experiment_duration_years": _as_int,
    "inclusion_amount": _as_money,
    "monthly_amount": _as_money,
    "inclusion_cap_factor": _as_int,
    "monthly_cap_rule": _as_str,
    "max_sites_per_region": _as_int,
    "payment_year_offset": _as_int,
    "funding": _as_str,
}

_SECTIONS = ("covered_period", "parameters", "deadlines", "regions", "facts")


class _Reader:
    """Checks one merged document, remembering which file each section came from for the messages."""

    def __init__(self, origin: dict[str, str]) -> None:
        self.origin = origin
        self.period: tuple[date, date] | None = None

    def where(self, section: str, *path: str) -> str:
        return f"{self.origin.get(section, '?')}: {'.'.join((section, *path))}"

    def mapping(
        self, where: str, raw: Any, required: Iterable[str], optional: Iterable[str]
    ) -> dict[str, Any]:
        if not isinstance(raw, Mapping):
            raise ParameterError(f"{where}: expected a mapping, got {type(raw).__name__}")
        req, opt = set(required), set(optional)
        unknown = sorted(str(k) for k in raw if k not in req | opt)
        if unknown:
            raise ParameterError(f"{where}: unknown key(s) {', '.join(unknown)}")
        missing = sorted(req - set(raw))
        if missing:
            if "source" in missing:
                raise ParameterError(f"{where}: value without a source")
            raise ParameterError(f"{where}: missing key(s) {', '.join(missing)}")
        return dict(raw)

    def dated(self, where: str, raw: Any) -> date:
        day = _as_date(where, raw)
        assert self.period is not None
        start, end = self.period
        if not start <= day <= end:
            raise ParameterError(
                f"{where}: date {day.isoformat()} is outside the covered period {start} – {end}"
            )
        return day

    def source(self, where: str, raw: Any) -> Source:
        if raw is None:
            raise ParameterError(f"{where}: value without a source")
        m = self.mapping(where, raw, ("text",), ("article", "url"))
        return Source(
            text=_as_str(f"{where}.text", m["text"]),
            article=_as_str(f"{where}.article", m["article"]) if m.get("article") is not None else None,
            url=_as_str(f"{where}.url", m["url"]) if m.get("url") is not None else None,
        )

    def confidence(self, where: str, raw: Any) -> Confidence:
        try:
            return Confidence(raw)
        except ValueError:
            raise ParameterError(f"{where}: confidence must be T, S or I, got {raw!r}") from None

    def optional_date(self, where: str, raw: Any) -> date | None:
        return None if raw is None else self.dated(where, raw)

    def optional_str(self, where: str, raw: Any) -> str | None:
        return None if raw is None else _as_str(where, raw)

    def param(self, where: str, raw: Any, convert: Callable[[str, Any], Any]) -> Param[Any]:
        if isinstance(raw, Mapping) and "values" in raw:
            return self.history(where, raw, convert)
        m = self.mapping(where, raw, ("value", "source", "confidence", "effective"), ("last_checked", "note"))
        value = convert(f"{where}.value", m["value"])
        if isinstance(value, date):
            value = self.dated(f"{where}.value", value)
        return Param(
            value=value,
            source=self.source(f"{where}.source", m["source"]),
            confidence=self.confidence(f"{where}.confidence", m["confidence"]),
            effective=self.dated(f"{where}.effective", m["effective"]),
            last_checked=self.optional_date(f"{where}.last_checked", m.get("last_checked")),
            note=self.optional_str(f"{where}.note", m.get("note")),
        )

    def history(self, where: str, raw: Any, convert: Callable[[str, Any], Any]) -> Param[Any]:
        """`{values: {date: {value, source, confidence, note?}}, last_checked?, note?}`: one step per date,
        each with its own reference (a later arrêté changing an amount is one more step)."""
        m = self.mapping(where, raw, ("values",), ("last_checked", "note"))
        values = m["values"]
        if not isinstance(values, Mapping) or not values:
            raise ParameterError(f"{where}.values: expected a mapping of dates to values")
        steps: list[Param[Any]] = []
        for raw_day, body in values.items():
            day = self.dated(f"{where}.values", raw_day)
            at = f"{where}.values.{day.isoformat()}"
            step = self.mapping(at, body, ("value", "source", "confidence"), ("note",))
            value = convert(f"{at}.value", step["value"])
            if isinstance(value, date):
                value = self.dated(f"{at}.value", value)
            steps.append(
                Param(
                    value=value,
                    source=self.source(f"{at}.source", step["source"]),
                    confidence=self.confidence(f"{at}.confidence", step["confidence"]),
                    effective=day,
                    note=self.optional_str(f"{at}.note", step.get("note")),
                )
            )
        steps.sort(key=lambda p: p.effective)
        days = [p.effective for p in steps]
        if len(set(days)) != len(days):
            raise ParameterError(f"{where}.values: two values for the same date")
        last_checked = self.optional_date(f"{where}.last_checked", m.get("last_checked"))
        latest = steps[-1]
        return Param(
            value=latest.value,
            source=latest.source,
            confidence=latest.confidence,
            effective=latest.effective,
            last_checked=last_checked,
            note=latest.note or self.optional_str(f"{where}.note", m.get("note")),
            history=tuple(steps),
        )

    def deadline(self, where: str, raw: Any, region: str | None) -> Deadline:
        m = self.mapping(
            where,
            raw,
            ("key", "kind", "due", "source", "confidence"),
            (
                "covers",
                "inclusive",
                "effective",
                "note",
                "label",
                "recipients",
                "report",
                "targets",
                "precision",
            ),
        )
        kind = _as_str(f"{where}.kind", m["kind"])
        if kind not in _DEADLINE_KINDS:
            raise ParameterError(f"{where}.kind: expected one of {', '.join(sorted(_DEADLINE_KINDS))}")
        if kind == "other" and m.get("label") is None:
            raise ParameterError(f"{where}: a deadline of kind other needs a label (the name users read)")
        covers_raw = m.get("covers") or []
        if not isinstance(covers_raw, list):
            raise ParameterError(f"{where}.covers: expected a list of years")
        covers = tuple(_as_int(f"{where}.covers", y) for y in covers_raw)
        targets_raw = m.get("targets") or []
        if not isinstance(targets_raw, list):
            raise ParameterError(f"{where}.targets: expected a list of years")
        recipients_raw = m.get("recipients") or []
        if not isinstance(recipients_raw, list) or any(r not in RECIPIENTS for r in recipients_raw):
            raise ParameterError(f"{where}.recipients: expected a list of {', '.join(sorted(RECIPIENTS))}")
        self.optional_date(f"{where}.effective", m.get("effective"))
        due = self.dated(f"{where}.due", m["due"])
        precision = m.get("precision", "day")
        if precision not in ("day", "month"):
            raise ParameterError(f"{where}.precision: expected day or month")
        if precision == "month" and (due + timedelta(days=1)).month == due.month:
            raise ParameterError(f"{where}.due: a deadline given as a month is due on the month's last day")
        return Deadline(
            key=_as_str(f"{where}.key", m["key"]),
            kind=cast(DeadlineKind, kind),
            due=due,
            region=region,
            covers=covers,
            source=self.source(f"{where}.source", m["source"]),
            confidence=self.confidence(f"{where}.confidence", m["confidence"]),
            inclusive=_as_bool(f"{where}.inclusive", m.get("inclusive", True)),
            note=self.optional_str(f"{where}.note", m.get("note")),
            label=self.optional_str(f"{where}.label", m.get("label")),
            recipients=tuple(recipients_raw),
            report=self.optional_str(f"{where}.report", m.get("report")),
            targets=tuple(_as_int(f"{where}.targets", y) for y in targets_raw),
            precision=cast(DatePrecision, precision),
        )

    def region(self, slug: str, raw: Any) -> Region:
        where = self.where("regions", slug)
        m = self.mapping(
            where,
            raw,
            ("name",),
            ("aliases", "contact", "application_deadline", "application_opening", "extra_deadlines"),
        )
        aliases_raw = m.get("aliases") or []
        if not isinstance(aliases_raw, list):
            raise ParameterError(f"{where}.aliases: expected a list")
        extra_raw = m.get("extra_deadlines") or []
        if not isinstance(extra_raw, list):
            raise ParameterError(f"{where}.extra_deadlines: expected a list")
        app = m.get("application_deadline")
        opening = m.get("application_opening")
        return Region(
            key=slug,
            name=_as_str(f"{where}.name", m["name"]),
            aliases=tuple(_as_str(f"{where}.aliases", a) for a in aliases_raw),
            application_deadline=None
            if app is None
            else self.param(f"{where}.application_deadline", app, _as_date),
            contact=self.optional_str(f"{where}.contact", m.get("contact")),
            application_opening=None
            if opening is None
            else self.param(f"{where}.application_opening", opening, _as_date),
            extra_deadlines=tuple(
                self.deadline(f"{where}.extra_deadlines[{i}]", d, slug) for i, d in enumerate(extra_raw)
            ),
        )

    def fact(self, key: str, raw: Any) -> LegalFact:
        where = self.where("facts", key)
        m = self.mapping(where, raw, ("value", "source", "confidence"), ("effective", "last_checked", "note"))
        if m["value"] is None:
            raise ParameterError(f"{where}.value: a fact needs a value")
        return LegalFact(
            key=key,
            value=m["value"],
            source=self.source(f"{where}.source", m["source"]),
            confidence=self.confidence(f"{where}.confidence", m["confidence"]),
            effective=self.optional_date(f"{where}.effective", m.get("effective")),
            last_checked=self.optional_date(f"{where}.last_checked", m.get("last_checked")),
            note=self.optional_str(f"{where}.note", m.get("note")),
        )


def _read_documents(path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise ParameterError(f"{path}: no parameter file (*.yaml) found")
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for file in files:
        try:
            loaded = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ParameterError(f"{file.name}: cannot read parameters: {exc}") from None
        if loaded is None:
            continue
        if not isinstance(loaded, dict):
            raise ParameterError(f"{file.name}: expected sections at the top level")
        for section, body in loaded.items():
            if section not in _SECTIONS:
                raise ParameterError(f"{file.name}: unknown key(s) {section}")
            if section in merged:
                raise ParameterError(f"{file.name}: section {section!r} already defined in {origin[section]}")
            merged[section] = body
            origin[section] = file.name
    for section in _SECTIONS:
        if section not in merged:
            raise ParameterError(f"{path.name}: missing section {section!r}")
    return merged, origin


def _build(path: Path) -> Parameters:
    doc, origin = _read_documents(path)
    r = _Reader(origin)
    period = r.mapping(r.where("covered_period"), doc["covered_period"], ("start", "end"), ())
    start = _as_date(r.where("covered_period", "start"), period["start"])
    end = _as_date(r.where("covered_period", "end"), period["end"])
    if end < start:
        raise ParameterError(f"{r.where('covered_period')}: end is before start")
    r.period = (start, end)

    params_raw = r.mapping(r.where("parameters"), doc["parameters"], _PARAMETER_TYPES, ())
    params = {
        name: r.param(r.where("parameters", name), params_raw[name], convert)
        for name, convert in _PARAMETER_TYPES.items()
    }

    deadlines_raw = doc["deadlines"]
    if not isinstance(deadlines_raw, list):
        raise ParameterError(f"{r.where('deadlines')}: expected a list")
    national = tuple(r.deadline(r.where("deadlines", f"[{i}]"), d, None) for i, d in enumerate(deadlines_raw))

    regions_raw = doc["regions"]
    if not isinstance(regions_raw, dict):
        raise ParameterError(f"{r.where('regions')}: expected a mapping")
    regions = {str(slug): r.region(str(slug), body) for slug, body in regions_raw.items()}

    facts_raw = doc["facts"]
    if not isinstance(facts_raw, dict):
        raise ParameterError(f"{r.where('facts')}: expected a mapping")
    facts = {str(k): r.fact(str(k), v) for k, v in facts_raw.items()}

    keys = [d.key for d in national] + [d.key for reg in regions.values() for d in reg.deadlines()]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        raise ParameterError(f"{path.name}: duplicate deadline key(s) {', '.join(dupes)}")

    names: dict[str, str] = {}
    for reg in regions.values():
        for alias in (reg.key, reg.name, *reg.aliases):
            norm = normalise_name(alias)
            for form in (norm, norm.replace(" ", "")):
                if names.get(form, reg.key) != reg.key:
                    raise ParameterError(
                        f"{origin['regions']}: regions.{reg.key}: alias {alias!r} also names {names[form]}"
                    )
                names[form] = reg.key

    if params["experiment_end"].value < params["experiment_start"].value:
        raise ParameterError(f"{origin['parameters']}: parameters.experiment_end is before experiment_start")

    return Parameters(
        covered_start=start,
        covered_end=end,
        national_deadlines=national,
        regions=regions,
        facts=facts,
        _names=names,
        **params,
    )


@cache
def _default() -> Parameters:
    return _build(DATA_DIR)


def load_parameters(path: Path | None = None) -> Parameters:
    """The parameters from `path` (a directory of *.yaml, or one file holding every section); the packaged
    rules/data/ when None (read once and cached). Raises ParameterError naming the file and key at fault."""
    if path is None:
        return _default()
    return _build(Path(path))
