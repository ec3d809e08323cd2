"""Evaluation report drafts (arrêté du 14 mars 2025, annexes 2 and 3): figures from the log, fields people
entered, and what is still missing before the deadline.

Public API
----------
- `build_draft(kind, site, patients, forfait_lines, entered, today, deadline)` -> `ReportDraft` (pure): every
  slot of the report with its value (None when unknown), the per-year figures, and the completeness.
- `report_completeness(ctx_or_repo, site, kind, today, params=None)` -> `Completeness` — for the scheduler's
  deadline reminders (issue 6). `ctx_or_repo` is a `handlers.context.Context` or a
  `store.repository.Repository`; `site` a FINESS géographique (or a `Site`); `kind` a `ReportKind` or its text
  (`"suivi-2026"`). Returns `Completeness(missing=[MissingField(field, label, owner)], deadline=date | None,
  days_left=int | None)`; `owner` is `Owner.COORDINATION` or `Owner.SAISIE` (the role whose job it is);
  `days_left` is negative once the deadline has passed. Raises KeyError for an unknown site.
- `draft_for(ctx_or_repo, site, kind, today, params=None)` -> `ReportDraft`: the same, with everything read
  from the store (log, forfaits via rules.forfaits, entered fields via store.report_fields).
- `render_markdown(draft)` -> the French Markdown draft (templates/reports/*.md.j2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from handlers.report_fields import (
    SPECS,
    FieldSlot,
    FieldSource,
    FieldType,
    Owner,
    ReportKind,
    ReportSpec,
    parse_kind,
    slots,
    stored_value,
)
from handlers.report_figures import ForfaitLineLike, YearFigures, year_figures
from rules.month import Month
from store.records import Convention, Patient, Site
from templates import date_fr, money, month_fr, number, render, text

if TYPE_CHECKING:
    from handlers.context import Context
    from rules.parameters import Parameters
    from store.repository import Repository

Value = int | Decimal | date | str


@dataclass(frozen=True)
class MissingField:
    field: str  # the slot id users type after `rapport saisir <rapport>`
    label: str  # French label, with its year
    owner: Owner
    # How it gets filled: ENTERED with `rapport saisir`; COMPUTED from the site's record (e.g. the target,
    # set with `etablissement cible`), never typed into the report.
    source: FieldSource = FieldSource.ENTERED
    year: int | None = None
    base: str = ""  # the field without its year (`objectif` for `objectif_2026`)


@dataclass(frozen=True)
class Completeness:
    missing: list[MissingField]
    deadline: date | None
    days_left: int | None
    filled: int = 0
    total: int = 0

    @property
    def complete(self) -> bool:
        return not self.missing

    def missing_for(self, owner: Owner) -> list[MissingField]:
        return [m for m in self.missing if m.owner is owner]


@dataclass(frozen=True)
class SlotValue:
    slot: FieldSlot
    value: Value | None
    label: str
    display: str  # the value in French, or the "to be filled" mark
    prefilled: bool = False  # an entered field drafted from what the store knows, until someone enters it

    @property
    def missing(self) -> bool:
        return self.value is None and self.slot.definition.required


@dataclass(frozen=True)
class ReportDraft:
    spec: ReportSpec
    site: Site
    today: date
    values: list[SlotValue]
    figures: dict[int, YearFigures]
    completeness: Completeness
    conventions: list[Convention] = field(default_factory=list)
    region_name: str | None = None  # the region's French name, when the parameters know it
    recipients: tuple[str, ...] = ()  # who receives it (rules/data/calendar.yaml `recipients`)

    @property
    def kind(self) -> ReportKind:
        return self.spec.kind

    def value(self, slot_id: str) -> Value | None:
        return next(v.value for v in self.values if v.slot.id == slot_id)

    def by_field(self, name: str) -> list[SlotValue]:
        return [v for v in self.values if v.slot.definition.field == name]


def slot_label(slot: FieldSlot) -> str:
    label = text(slot.definition.label_key)
    return label if slot.year is None else text("reports.label_year", label=label, year=slot.year)


def display(slot: FieldSlot, value: Value | None) -> str:
    if value is None:
        return text("reports.to_fill")
    kind = slot.definition.type
    if kind is FieldType.MONEY and isinstance(value, Decimal):
        return money(value)
    if kind is FieldType.PERCENT and isinstance(value, Decimal):
        return f"{number(value)} %"
    if kind is FieldType.INT and isinstance(value, int):
        return number(value)
    if kind is FieldType.DATE and isinstance(value, date):
        return date_fr(value)
    return str(value)


def _computed(slot: FieldSlot, figures: Mapping[int, YearFigures], site: Site) -> Value | None:
    name = slot.definition.field
    if name == "objectif" and slot.year is not None:
        return site.targets.get(slot.year)
    if slot.year is None or slot.year not in figures:
        return None
    fig = figures[slot.year]
    computed: dict[str, Value | None] = {
        "adresses_had": fig.referred,
        "had_premiere_admin": fig.referred_first_admin_home,
        "administrations": fig.administrations,
        "mois_forfait": fig.forfait_months,
        "forfaits_dus": fig.forfaits_due,
        "atteinte_objectif": fig.target_rate,
    }
    return computed.get(name)


def build_draft(
    kind: ReportKind,
    site: Site,
    patients: Iterable[Patient],
    forfait_lines: Iterable[ForfaitLineLike],
    entered: Mapping[str, str],
    today: date,
    deadline: date | None,
    conventions: Iterable[Convention] = (),
    had_names: Mapping[str, str] | None = None,
) -> ReportDraft:
    """The draft of report `kind` for `site`. `entered` maps slot ids to their stored strings
    (store.report_fields); unknown ids in it are ignored. The `convention` field, until someone enters it, is
    prefilled from the conventions the store records (when every one has its signing date)."""
    spec = SPECS[kind]
    patient_list = list(patients)
    line_list = list(forfait_lines)
    figures = {year: year_figures(year, patient_list, line_list, site.targets) for year in spec.years}
    values: list[SlotValue] = []
    conventions = list(conventions)
    for slot in slots(kind):
        value: Value | None
        prefilled = False
        if slot.definition.source is FieldSource.COMPUTED:
            value = _computed(slot, figures, site)
        else:
            raw = entered.get(slot.id)
            value = stored_value(slot, raw) if raw is not None else None
            if value is None and slot.definition.field == "convention":
                value = _conventions_text(conventions, had_names)
                prefilled = value is not None
        values.append(SlotValue(slot, value, slot_label(slot), display(slot, value), prefilled))
    missing = [
        MissingField(
            v.slot.id,
            v.label,
            v.slot.definition.owner,
            v.slot.definition.source,
            v.slot.year,
            v.slot.definition.field,
        )
        for v in values
        if v.missing
    ]
    required = [v for v in values if v.slot.definition.required]
    completeness = Completeness(
        missing=missing,
        deadline=deadline,
        days_left=(deadline - today).days if deadline else None,
        filled=len(required) - len(missing),
        total=len(required),
    )
    return ReportDraft(spec, site, today, values, figures, completeness, conventions)


def _conventions_text(conventions: list[Convention], had_names: Mapping[str, str] | None) -> str | None:
    if not conventions or any(c.signed_on is None for c in conventions):
        return None
    names = had_names or {}
    return "\n".join(
        text("reports.convention_line", had=names.get(c.had, c.had), finess=c.had, signed=c.signed_on)
        for c in conventions
    )


# ---- reading the store ------------------------------------------------------------------------------------


def _repo_of(ctx_or_repo: Any) -> Repository:
    return ctx_or_repo.repo if hasattr(ctx_or_repo, "repo") else ctx_or_repo  # type: ignore[no-any-return]


def _params_of(ctx_or_repo: Any, params: Parameters | None) -> Parameters:
    if params is not None:
        return params
    found = getattr(ctx_or_repo, "params", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    from rules.parameters import load_parameters

    return load_parameters()


def report_deadline(params: Parameters, spec: ReportSpec, site: Site) -> date | None:
    """The report's due date: a region's own deadline (key `<key>:<region>`) wins over the national one."""
    found = params.deadline(f"{spec.deadline_key}:{site.region}") or params.deadline(spec.deadline_key)
    return found.due if found else None


def report_recipients(params: Parameters, spec: ReportSpec, site: Site) -> tuple[str, ...]:
    """Who receives the report, from the data: the region's own deadline when it names them, else the
    national one."""
    for key in (f"{spec.deadline_key}:{site.region}", spec.deadline_key):
        found = params.deadline(key)
        if found is not None and found.recipients:
            return found.recipients
    return ()


def recipients_text(codes: tuple[str, ...]) -> str:
    """« l'ARS et la DGOS »: the French names of recipient codes; the ARS when the data names none."""
    names = [text(f"deadline.recipient.{code}") for code in codes or ("ars",)]
    return text("deadline.recipients", names=names)


def _context(ctx_or_repo: Any, params: Parameters | None) -> Context:
    from handlers.context import Context

    if isinstance(ctx_or_repo, Context) and (params is None or params is ctx_or_repo.params):
        return ctx_or_repo
    return Context(repo=_repo_of(ctx_or_repo), params=_params_of(ctx_or_repo, params))


def forfait_lines(ctx: Context, site: Site) -> list[ForfaitLineLike]:
    """Every forfait line of the site: the same memoised statement as `/expe50 forfaits`
    (handlers.commands.reading.site_statement: each referral checked against what the store knows now)."""
    from handlers.commands.reading import site_statement

    return list(site_statement(ctx, site).lines)


def forfaits_due_until(ctx_or_repo: Any, site: Site, year: int, day: date) -> Decimal:
    """The forfaits of a site for the months of `year` up to `day`'s month (the digest's `ForfaitsOf`)."""
    ctx = _context(ctx_or_repo, None)
    last = min(Month(year, 12), Month.of(day))
    return sum(
        (line.amount for line in forfait_lines(ctx, site) if line.month.year == year and line.month <= last),
        Decimal("0.00"),
    )


def draft_for(
    ctx_or_repo: Any, site: str | Site, kind: ReportKind | str, today: date, params: Parameters | None = None
) -> ReportDraft:
    from store.report_fields import ReportFieldStore

    ctx = _context(ctx_or_repo, params)
    repo, parameters = ctx.repo, ctx.params
    report = kind if isinstance(kind, ReportKind) else parse_kind(kind)
    finess = site.finess if isinstance(site, Site) else site
    record = repo.site(finess)
    if record is None:
        raise KeyError(f"unknown site {finess}")
    spec = SPECS[report]
    entered = {k: v.value for k, v in ReportFieldStore(repo.database).values(finess, report.value).items()}
    draft = build_draft(
        report,
        record,
        repo.patients(finess),
        forfait_lines(ctx, record),
        entered,
        today,
        report_deadline(parameters, spec, record),
        repo.conventions(finess),
        {had.finess: had.name for had in repo.hads()},
    )
    region = parameters.region(record.region)
    draft = replace(draft, recipients=report_recipients(parameters, spec, record))
    return replace(draft, region_name=region.name) if region else draft


def report_completeness(
    ctx_or_repo: Any, site: str | Site, kind: ReportKind | str, today: date, params: Parameters | None = None
) -> Completeness:
    """What is missing in a report, whose job it is, and the deadline with days left (see module doc)."""
    return draft_for(ctx_or_repo, site, kind, today, params).completeness


# ---- rendering --------------------------------------------------------------------------------------------


def month_rows(draft: ReportDraft) -> list[dict[str, Any]]:
    """One row per month of the covered years up to the draft's month (later months hold nothing yet):
    referrals, of which first administration at home, administrations, forfaits due."""
    rows: list[dict[str, Any]] = []
    last = Month.of(draft.today)
    for year, fig in sorted(draft.figures.items()):
        for m in range(1, 13):
            month = Month(year, m)
            if month > last:
                break
            rows.append(
                {
                    "month": month,
                    "label": month_fr(month),
                    "referred": fig.referred_by_month[month],
                    "first_home": fig.first_admin_home_by_month[month],
                    "administrations": fig.administrations_by_month[month],
                    "due": fig.forfaits_due_by_month[month],
                }
            )
    return rows


def render_markdown(draft: ReportDraft) -> str:
    return render(
        draft.spec.template,
        draft=draft,
        site=draft.site,
        spec=draft.spec,
        values=draft.values,
        completeness=draft.completeness,
        months=month_rows(draft),
        figures=draft.figures,
        title=text(f"reports.title.{draft.kind.value}"),
        recipients=recipients_text(draft.recipients),
    )
