"""Logging care: `adressage`, `administration`, `fin`, and `annuler` to cancel an entry (history is kept)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from handlers import patient_codes
from handlers.context import Context, Invocation
from handlers.errors import PermissionDenied, UserError
from handlers.explain import reason_lines
from handlers.referral_check import blocking, open_points, referral_decision
from handlers.registry import WRITERS, Kind, Param, command
from handlers.reply import Action, Fact, Reply, Status
from handlers.scope import can_write, site_for_write
from rules.month import Month
from rules.reasons import Verdict
from store.records import Entry, EntryKind, Role, Site
from templates import date_fr, month_fr, text

TREATMENTS = ("injectable", "oral")


def _blank(kind: EntryKind, site: Site, patient: str, on: date, **fields: Any) -> Entry:
    # Reference, author, channel and time are set by the repository from the write's origin.
    return Entry(kind, "", site.finess, patient, on, "", "", datetime.min.replace(tzinfo=UTC), **fields)


def _not_future(inv: Invocation, day: date, name: str, usage: tuple[str, str | None], ctx: Context) -> None:
    if day > inv.request.now.date():
        raise UserError("commands.error.future", usage=usage, name=name)
    if day < ctx.params.covered_start:
        raise UserError(
            "commands.error.too_early", usage=usage, name=name, start=date_fr(ctx.params.covered_start)
        )


def _site_of_patient(inv: Invocation, ctx: Context, patient: str, usage: tuple[str, str | None]) -> Site:
    """`site=` when given; else the member's site, or, for a member of several sites, the one that knows
    this patient."""
    given = inv.args.get("site")
    if given is None:
        holders = [
            site
            for site in ctx.repo.sites()
            if can_write(inv.actor, site) and ctx.repo.patient(site.finess, patient)
        ]
        if len(holders) == 1:
            return holders[0]
    return site_for_write(inv.actor, ctx, given, usage)


def _duplicate(entry: Entry, what: str) -> Reply:
    return Reply(
        Status.OK,
        text("commands.care.duplicate", what=what, reference=entry.reference),
        body=[text("commands.care.duplicate_body")],
        reference=entry.reference,
        data={"reference": entry.reference, "duplicate": True},
    )


@command(
    "adressage",
    roles=WRITERS,
    writes=True,
    positionals=[Param("patient", Kind.PATIENT, required=True), Param("date", Kind.DATE, required=True)],
    options=[
        Param("had", Kind.FINESS, required=True),
        Param("site", Kind.FINESS),
        Param("commune", Kind.INSEE),
        Param("moins-de-3-ans", Kind.YES_NO),
    ],
    aliases=("adresser", "referral"),
)
def referral(inv: Invocation, ctx: Context) -> Reply:
    usage = ("adressage", None)
    site = site_for_write(inv.actor, ctx, inv.args.get("site"), usage)
    day: date = inv.args["date"]
    _not_future(inv, day, "date", usage, ctx)
    had = ctx.repo.had(inv.args["had"])
    if had is None:
        raise UserError("commands.error.unknown_had", usage=usage, finess=inv.args["had"])
    patient: str = inv.args["patient"]
    # A new patient enters here: the code must follow the site's own model when it has one.
    patient_codes.check_for_site(patient, site.patient_codes)
    entry = _blank(
        EntryKind.REFERRAL,
        site,
        patient,
        day,
        had=had.finess,
        commune=inv.args.get("commune"),
        under_3=inv.args.get("moins-de-3-ans"),
    )
    saved, created = ctx.repo.add_entry(entry, inv.origin)
    completed = False
    if not created:
        if saved.had != entry.had or _contradicts(saved, entry):
            raise UserError(
                "commands.adressage.contradicts", usage=usage, patient=patient, reference=saved.reference
            )
        if not _adds_facts(saved, entry):
            return _duplicate(saved, text("commands.adressage.what", patient=patient, date=date_fr(day)))
        # The same referral sent again with a fact it lacked (typically the under-3 answer) completes it.
        saved = ctx.repo.complete_referral(
            saved.reference, inv.origin, commune=entry.commune, under_3=entry.under_3
        )
        completed = True
    decision = referral_decision(ctx, saved)
    facts = [
        Fact(text("commands.label.patient"), patient),
        Fact(text("commands.label.date"), date_fr(day)),
        Fact(text("commands.label.site"), site.name),
        Fact(text("commands.label.had"), had.name),
        Fact(text("commands.label.reference"), saved.reference),
    ]
    body: list[str] = []
    if decision.value is Verdict.NO:
        status, reasons = Status.WARNING, blocking(decision)
        body.append(text("commands.adressage.not_paid"))
    elif decision.value is Verdict.UNDETERMINED:
        status, reasons = Status.WARNING, open_points(decision)
        body.append(text("commands.adressage.to_check"))
        fixes = [
            text(f"commands.adressage.complete.{m.fact}") for m in decision.missing if m.fact in _FIXABLE
        ]
        if fixes:
            body.append(
                text(
                    "commands.adressage.complete_hint",
                    command=f"adressage {patient} {day.isoformat()} had={had.finess} " + " ".join(fixes),
                )
            )
    else:
        status, reasons = Status.OK, []
        body.append(text("commands.adressage.paid"))
    body.append(text("commands.care.cancel_hint", reference=saved.reference))
    return Reply(
        status,
        text("commands.adressage.completed" if completed else "commands.adressage.done", patient=patient),
        body=body,
        facts=facts,
        reasons=reason_lines(reasons),
        actions=[Action(text("commands.adressage.next"), f"administration {patient} {day.isoformat()}")],
        reference=saved.reference,
        data={
            "reference": saved.reference,
            "patient": patient,
            "site": site.finess,
            "had": had.finess,
            "date": day.isoformat(),
            "eligible": decision.value.value,
        },
    )


# Missing referral facts that the referral itself can give (the others are the site's, the HAD's or the
# convention's, set with their own commands).
_FIXABLE = frozenset({"under_3", "commune_in_area"})


def _adds_facts(saved: Entry, sent: Entry) -> bool:
    return (saved.commune is None and sent.commune is not None) or (
        saved.under_3 is None and sent.under_3 is not None
    )


def _contradicts(saved: Entry, sent: Entry) -> bool:
    """A fact given twice with two values: the user must cancel and log again, so the history shows it."""
    return (saved.commune is not None and sent.commune not in (None, saved.commune)) or (
        saved.under_3 is not None and sent.under_3 not in (None, saved.under_3)
    )


def _active_referrals(ctx: Context, site: Site, patient: str) -> list[Entry]:
    found = ctx.repo.patient(site.finess, patient)
    return [e for e in found.referrals if e.active] if found else []


def _check_after_referral(
    ctx: Context, site: Site, patient: str, first_day: date, usage: tuple[str, str | None]
) -> Entry:
    referrals = _active_referrals(ctx, site, patient)
    if not referrals:
        raise UserError("commands.care.no_referral", usage=usage, patient=patient, site=site.name)
    earlier = [r for r in referrals if r.on <= first_day]
    if not earlier:
        first = min(r.on for r in referrals)
        raise UserError(
            "commands.care.before_referral", usage=usage, patient=patient, referral=date_fr(first)
        )
    return max(earlier, key=lambda r: r.on)


@command(
    "administration",
    roles=WRITERS,
    writes=True,
    positionals=[
        Param("patient", Kind.PATIENT, required=True),
        Param("date", Kind.DATE_OR_MONTH, required=True),
    ],
    options=[
        Param("nombre", Kind.COUNT),
        Param("traitement", Kind.CHOICE, choices=TREATMENTS),
        Param("site", Kind.FINESS),
    ],
    aliases=("administrations", "adm"),
)
def administration(inv: Invocation, ctx: Context) -> Reply:
    usage = ("administration", None)
    patient: str = inv.args["patient"]
    site = _site_of_patient(inv, ctx, patient, usage)
    when: date | Month = inv.args["date"]
    whole_month = isinstance(when, Month)
    day = when.first_day() if isinstance(when, Month) else when
    _not_future(inv, day, "date", usage, ctx)
    last_day = when.last_day() if isinstance(when, Month) else when
    referral_entry = _check_after_referral(ctx, site, patient, last_day, usage)
    if isinstance(when, Month) and Month.of(referral_entry.on) > when:
        raise UserError(
            "commands.care.before_referral", usage=usage, patient=patient, referral=date_fr(referral_entry.on)
        )
    oral = inv.args.get("traitement") == "oral"
    count = int(inv.args.get("nombre", 1))
    entry = _blank(
        EntryKind.ADMINISTRATION, site, patient, day, count=count, oral=oral, whole_month=whole_month
    )
    when_text = month_fr(when) if isinstance(when, Month) else date_fr(when)
    saved, created = ctx.repo.add_entry(entry, inv.origin)
    if not created:
        return _duplicate(saved, text("commands.administration.what", patient=patient, date=when_text))
    body: list[str] = []
    status = Status.OK
    if oral:
        status = Status.WARNING
        body.append(text("commands.administration.oral"))
    if isinstance(when, Month) and Month.of(referral_entry.on) == when and referral_entry.on.day > 1:
        # Our reading of a whole-month entry in the referral's own month (README « readings of the law »):
        # said now, so the statement never contradicts what the user was told.
        body.append(text("commands.administration.month_of_referral", referral=date_fr(referral_entry.on)))
    found = ctx.repo.patient(site.finess, patient)
    ended = [e for e in found.ends if e.active and e.on < day] if found else []
    if ended and found:
        last_end = max(e.on for e in ended)
        reopened = any(r.active and last_end < r.on <= last_day for r in found.referrals)
        if not reopened:
            status = Status.WARNING
            body.append(text("commands.administration.after_end", end=date_fr(last_end)))
    if day > ctx.params.experiment_end.value:
        status = Status.WARNING
        body.append(
            text("commands.administration.after_experiment", end=date_fr(ctx.params.experiment_end.value))
        )
    if referral_decision(ctx, referral_entry).value is Verdict.UNDETERMINED:
        body.append(text("commands.administration.pending"))
    body.append(text("commands.care.cancel_hint", reference=saved.reference))
    return Reply(
        status,
        text("commands.administration.done", count=count, patient=patient, date=when_text),
        body=body,
        facts=[
            Fact(text("commands.label.patient"), patient),
            Fact(text("commands.label.when"), when_text),
            Fact(text("commands.label.count"), str(count)),
            Fact(
                text("commands.label.route"),
                text("commands.route.oral" if oral else "commands.route.injectable"),
            ),
            Fact(text("commands.label.reference"), saved.reference),
        ],
        reference=saved.reference,
        data={
            "reference": saved.reference,
            "patient": patient,
            "site": site.finess,
            "date": str(when) if isinstance(when, Month) else when.isoformat(),
            "count": count,
            "oral": oral,
        },
    )


@command(
    "fin",
    roles=WRITERS,
    writes=True,
    positionals=[Param("patient", Kind.PATIENT, required=True), Param("date", Kind.DATE, required=True)],
    options=[Param("motif", Kind.TEXT), Param("site", Kind.FINESS)],
    aliases=("sortie",),
)
def end_of_care(inv: Invocation, ctx: Context) -> Reply:
    usage = ("fin", None)
    patient: str = inv.args["patient"]
    site = _site_of_patient(inv, ctx, patient, usage)
    day: date = inv.args["date"]
    _not_future(inv, day, "date", usage, ctx)
    _check_after_referral(ctx, site, patient, day, usage)
    entry = _blank(EntryKind.END, site, patient, day, reason=inv.args.get("motif"))
    saved, created = ctx.repo.add_entry(entry, inv.origin)
    if not created:
        return _duplicate(saved, text("commands.fin.what", patient=patient, date=date_fr(day)))
    return Reply(
        Status.OK,
        text("commands.fin.done", patient=patient, date=date_fr(day)),
        body=[text("commands.care.cancel_hint", reference=saved.reference)],
        facts=[
            Fact(text("commands.label.patient"), patient),
            Fact(text("commands.label.date"), date_fr(day)),
            Fact(text("commands.label.reference"), saved.reference),
        ],
        reference=saved.reference,
        data={"reference": saved.reference, "patient": patient, "site": site.finess, "date": day.isoformat()},
    )


def may_change(inv: Invocation, ctx: Context, entry: Entry) -> bool:
    """Who may cancel or correct an entry: its author, the site's coordination, an admin."""
    site = ctx.repo.site(entry.site)
    return inv.actor.role is Role.ADMIN or (
        site is not None
        and can_write(inv.actor, site)
        and (inv.actor.role is Role.COORDINATION or entry.author == inv.actor.id)
    )


# Who may cancel or correct a given entry (may_change), said by the refusal and by the bot's answers.
ENTRY_OWNERS = "commands.entry_owners"


def active_entry(inv: Invocation, ctx: Context, usage: tuple[str, str | None], denied: str) -> Entry:
    """The active entry `référence` names, which this member may change (cancel or correct)."""
    reference = inv.args["référence"].strip().upper()
    entry = ctx.repo.entry(reference)
    if entry is None:
        raise UserError("commands.annuler.unknown", usage=usage, reference=reference)
    if not may_change(inv, ctx, entry):
        raise PermissionDenied(denied, reference=reference, owners=text(ENTRY_OWNERS))
    if not entry.active:
        assert entry.cancelled is not None
        raise UserError("commands.annuler.already", reference=reference, date=date_fr(entry.cancelled.at))
    return entry


@command(
    "annuler",
    roles=WRITERS,
    writes=True,
    positionals=[Param("référence", Kind.TEXT, required=True)],
    aliases=("annulation", "cancel"),
    scope=ENTRY_OWNERS,
)
def cancel(inv: Invocation, ctx: Context) -> Reply:
    entry = active_entry(inv, ctx, ("annuler", None), "commands.annuler.denied")
    reference = entry.reference
    if entry.kind is EntryKind.REFERRAL:
        patient = ctx.repo.patient(entry.site, entry.patient)
        others = [r for r in patient.referrals if r.active and r.reference != reference] if patient else []
        pending = [a for a in patient.administrations if a.active] if patient else []
        if pending and not others:
            raise UserError("commands.annuler.has_administrations", reference=reference, count=len(pending))
    cancelled = ctx.repo.cancel(reference, inv.origin)
    what = text(f"commands.annuler.kind.{cancelled.kind.value}")
    return Reply(
        Status.OK,
        text("commands.annuler.done", reference=reference, what=what),
        body=[text("commands.annuler.history")],
        facts=[
            Fact(text("commands.label.patient"), cancelled.patient),
            Fact(text("commands.label.date"), date_fr(cancelled.on)),
        ],
        reference=reference,
        data={"reference": reference, "kind": cancelled.kind.value, "cancelled": True},
    )
