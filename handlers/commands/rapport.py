"""`rapport <initial|suivi-2026|suivi-2027> [site=FINESS]` (the draft of an evaluation report) and
`rapport saisir <rapport> <champ>=<valeur> … [site=FINESS]` (the fields only people know).

The draft reply carries, in `Reply.data`:
- `report`, `site`, `markdown` (the whole French draft), `completeness` ({missing: [{field, label, owner}],
  deadline: ISO date | None, days_left, filled, total}), `fields` (every field to enter, with its label, type,
  owner and current value: what a Slack form needs), `figures` (per year);
- `files`: [{"filename", "title", "media_type"}] naming the report's spreadsheet, which travels as a typed
  attachment (`Reply.attachments`, a `handlers.tables.TableFile`): the Slack channel uploads it to the
  member's direct messages, email attaches it, the console names it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from handlers.context import Context, Invocation
from handlers.errors import UserError
from handlers.registry import ALL_ROLES, WRITERS, Kind, Param, command
from handlers.reply import Action, Fact, Reply, Status
from handlers.report_fields import (
    SPECS,
    FieldSlot,
    FieldSource,
    Owner,
    ReportKind,
    find_entered_slot,
    parse_kind,
    parse_value,
    stored_value,
)
from handlers.reports import (
    Completeness,
    ReportDraft,
    display,
    draft_for,
    render_markdown,
    report_deadline,
    slot_label,
)
from handlers.scope import site_for_read, site_for_write
from handlers.tables import TableFile
from store.records import Site
from store.report_fields import ReportFieldStore
from templates import date_fr, has_text, text

USAGE = ("rapport", None)
USAGE_FILL = ("rapport", "saisir")


@command(
    "rapport",
    roles=ALL_ROLES,
    positionals=[Param("rapport", Kind.TEXT)],
    options=[Param("site", Kind.FINESS)],
    usage="reports.cmd.rapport.usage",
    help="reports.cmd.rapport.help",
    aliases=("rapports",),
)
def report(inv: Invocation, ctx: Context) -> Reply:
    site = site_for_read(inv.actor, ctx, inv.args.get("site"), USAGE)
    today = inv.request.now.date()
    given = inv.args.get("rapport")
    kind = _kind(given, USAGE) if given else next_report(ctx, site, today)
    draft = draft_for(ctx, site, kind, today)
    return draft_reply(draft)


@command(
    "rapport",
    "saisir",
    roles=WRITERS,
    writes=True,
    positionals=[Param("rapport", Kind.TEXT, required=True)],
    options=[Param("site", Kind.FINESS)],
    free_options=True,
    usage="reports.cmd.saisir.usage",
    help="reports.cmd.saisir.help",
)
def fill(inv: Invocation, ctx: Context) -> Reply:
    kind = _kind(inv.args["rapport"], USAGE_FILL)
    site = site_for_write(inv.actor, ctx, inv.args.get("site"), USAGE_FILL)
    if not inv.extra:
        return _what_to_fill(draft_for(ctx, site, kind, inv.request.now.date()))
    # Check every pair before storing any: a wrong value changes nothing.
    parsed: dict[str, str] = {}
    slots: dict[str, FieldSlot] = {}
    for key, raw in inv.extra.items():
        try:
            slot = find_entered_slot(kind, key)
            parsed[slot.id] = parse_value(slot, raw)
        except UserError as error:
            error.usage = error.usage or USAGE_FILL
            raise
        slots[slot.id] = slot
    # The values and the delivery id in one durable write: a Slack retry of this submission (even after a
    # restart, even of an older one) finds its id and puts nothing back.
    with ctx.repo.transaction():
        results = ReportFieldStore(ctx.repo.database).set_many(site.finess, kind.value, parsed, inv.origin)
        ctx.repo.record_delivery(inv.origin)
    body: list[str] = []
    for entered, changed in results:
        slot = slots[entered.field]
        label = slot_label(slot)
        value = display(slot, _typed(slot, entered.value))
        key = "reports.saved" if changed else "reports.unchanged"
        body.append(text(key, label=label, value=value, kind=kind.value))
    draft = draft_for(ctx, site, kind, inv.request.now.date())
    body.extend(_completeness_lines(draft))
    return Reply(
        Status.OK,
        text("reports.saved_title", kind=kind.value, count=len(results)),
        body=body,
        facts=_facts(draft),
        actions=_actions(draft),
        data={
            "report": kind.value,
            "site": site.finess,
            "saved": {e.field: e.value for e, _ in results},
            "changed": [e.field for e, changed in results if changed],
            "completeness": completeness_data(draft.completeness),
        },
    )


def next_report(ctx: Context, site: Site, today: date) -> ReportKind:
    """The report whose deadline comes next for this site (the last one once all have passed)."""
    for kind, spec in SPECS.items():
        due = report_deadline(ctx.params, spec, site)
        if due is not None and due >= today:
            return kind
    return ReportKind.FOLLOWUP_2027


def _what_to_fill(draft: ReportDraft) -> Reply:
    """`rapport saisir <rapport>` alone: the fields people enter, missing ones first, and how to type them."""
    values = [v for v in draft.values if v.slot.definition.source is FieldSource.ENTERED]
    values.sort(key=lambda v: not v.missing)
    body = [
        text(
            "reports.fill.line",
            field=v.slot.id,
            label=v.label,
            owner=text(f"reports.owner.{v.slot.definition.owner.value}"),
            value=v.display,
            missing=v.missing,
        )
        for v in values
    ]
    missing = draft.completeness.missing
    example = f"{missing[0].field}=…" if missing else 'organisation="…"'
    body.append(text("reports.summary.fill_hint", kind=draft.kind.value, example=example))
    return Reply(
        Status.OK,
        text("reports.fill.title", kind=draft.kind.value, name=draft.site.name),
        body=body,
        facts=_facts(draft),
        data={"report": draft.kind.value, "site": draft.site.finess, "fields": _fields_data(draft)},
    )


def _kind(raw: str, usage: tuple[str, str | None]) -> ReportKind:
    try:
        return parse_kind(raw)
    except UserError as error:
        error.usage = usage
        raise


def _typed(slot: FieldSlot, stored: str) -> Any:
    return stored_value(slot, stored)


def completeness_data(c: Completeness) -> dict[str, Any]:
    return {
        "missing": [{"field": m.field, "label": m.label, "owner": m.owner.value} for m in c.missing],
        "deadline": c.deadline.isoformat() if c.deadline else None,
        "days_left": c.days_left,
        "filled": c.filled,
        "total": c.total,
    }


def days_left_text(days: int) -> str:
    return text("reports.summary.days_left", days=days)


def _facts(draft: ReportDraft) -> list[Fact]:
    c = draft.completeness
    facts = [
        Fact(
            text("reports.fact.site"),
            text("reports.summary.site", name=draft.site.name, finess=draft.site.finess),
        ),
        Fact(text("reports.fact.report"), text(f"reports.title.{draft.kind.value}")),
    ]
    if c.deadline is not None and c.days_left is not None:
        facts.append(
            Fact(text("reports.fact.deadline"), f"{date_fr(c.deadline)} ({days_left_text(c.days_left)})")
        )
    facts.append(Fact(text("reports.fact.completeness"), f"{c.filled} / {c.total}"))
    return facts


def _completeness_lines(draft: ReportDraft) -> list[str]:
    c = draft.completeness
    if c.complete:
        return [text("reports.summary.complete", filled=c.filled, total=c.total)]
    lines = [text("reports.summary.incomplete", missing=len(c.missing), total=c.total)]
    for owner in Owner:
        mine = c.missing_for(owner)
        if mine:
            fields = ", ".join(f"`{m.field}`" for m in mine)
            lines.append(
                text(
                    "reports.summary.missing_owner", owner=text(f"reports.owner.{owner.value}"), fields=fields
                )
            )
    # A missing field computed from the site's record is filled where that record is kept (the target with
    # `etablissement cible`), never with `rapport saisir`, which refuses it: point to the right command.
    for m in c.missing:
        key = f"reports.fill_elsewhere.{m.base}"
        if m.source is FieldSource.COMPUTED and has_text(key):
            lines.append(text(key, field=m.field, finess=draft.site.finess, year=m.year))
    entered = [m for m in c.missing if m.source is FieldSource.ENTERED]
    if entered:
        example = f"{entered[0].field}=…"
        lines.append(text("reports.summary.fill_hint", kind=draft.kind.value, example=example))
    return lines


def _actions(draft: ReportDraft) -> list[Action]:
    kind = draft.kind.value
    site = draft.site.finess
    actions = [Action(text("reports.action.view"), f"rapport {kind} site={site}")]
    if not draft.completeness.complete:
        actions.append(
            Action(text("reports.action.fill"), f"rapport saisir {kind} site={site}", form="report_fields")
        )
    return actions


def draft_reply(draft: ReportDraft) -> Reply:
    from handlers.report_tables import report_sheets

    c = draft.completeness
    body = [text("reports.summary.covers", years=", ".join(str(y) for y in draft.spec.years))]
    if draft.kind is not ReportKind.INITIAL:
        for year, fig in sorted(draft.figures.items()):
            line = text(
                "reports.summary.year_line",
                year=year,
                referred=fig.referred,
                first_home=fig.referred_first_admin_home,
                administrations=fig.administrations,
                months=fig.forfait_months,
                due=fig.forfaits_due,
            )
            if fig.target_rate is not None:
                line += " ; " + text(
                    "reports.summary.target_line", target=fig.target, rate=_rate(fig.target_rate)
                )
            body.append(line)
    if c.deadline is None:
        body.append(text("reports.summary.deadline_none"))
    body.extend(_completeness_lines(draft))
    filename = f"rapport-{draft.kind.value}-{draft.site.finess}-{draft.today.isoformat()}.xlsx"
    attachment = TableFile(filename, text(f"reports.title.{draft.kind.value}"), tuple(report_sheets(draft)))
    body.append(
        text("reports.summary.attachment", filename=filename, kind=draft.kind.value, finess=draft.site.finess)
    )
    return Reply(
        Status.OK if c.complete else Status.WARNING,
        text(f"reports.title.{draft.kind.value}"),
        body=body,
        facts=_facts(draft),
        actions=_actions(draft),
        data={
            "report": draft.kind.value,
            "site": draft.site.finess,
            "completeness": completeness_data(c),
            "fields": _fields_data(draft),
            "figures": {
                str(year): {
                    "referred": fig.referred,
                    "first_admin_home": fig.referred_first_admin_home,
                    "administrations": fig.administrations,
                    "forfait_months": fig.forfait_months,
                    "forfaits_due": str(fig.forfaits_due),
                    "target": fig.target,
                    "target_rate": None if fig.target_rate is None else str(fig.target_rate),
                }
                for year, fig in sorted(draft.figures.items())
            },
            "markdown": render_markdown(draft),
            "files": [
                {
                    "filename": attachment.filename,
                    "title": attachment.title,
                    "media_type": attachment.media_type,
                }
            ],
        },
        attachments=[attachment],
    )


def _fields_data(draft: ReportDraft) -> list[dict[str, Any]]:
    """Every field people enter, with its label, type, owner and current value (what a form needs)."""
    return [
        {
            "id": v.slot.id,
            "label": v.label,
            "type": v.slot.definition.type.value,
            "owner": v.slot.definition.owner.value,
            "value": None if v.value is None else str(v.value),
            "prefilled": v.prefilled,
        }
        for v in draft.values
        if v.slot.definition.source is FieldSource.ENTERED
    ]


def _rate(value: Any) -> str:
    return str(value).replace(".", ",")
