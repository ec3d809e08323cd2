"""Finding and correcting entries: `historique <patient>` (every entry, active or cancelled, and why it is not
paid) and `modifier <référence> champ=valeur …` (the old entry cancelled and the corrected one recorded, in
one durable write, through the very command that records it)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from handlers.commands.care import ENTRY_OWNERS, active_entry
from handlers.context import Context, Invocation
from handlers.errors import UserError
from handlers.explain import reason_text
from handlers.referral_check import blocking, referral_decision
from handlers.registry import WRITERS, Kind, Param, command
from handlers.reply import Fact, Reply, Request, Status
from handlers.scope import can_read, readable_sites, site_for_read
from rules.month import Month
from rules.reasons import Verdict
from store.records import Entry, EntryKind, Role
from templates import date_fr, datetime_fr, month_fr, text

# The fields `modifier` may change, per kind, as the recording command names them.
EDITABLE: dict[EntryKind, tuple[str, ...]] = {
    EntryKind.REFERRAL: ("date", "had", "commune", "moins-de-3-ans"),
    EntryKind.ADMINISTRATION: ("date", "nombre", "traitement"),
    EntryKind.END: ("date", "motif"),
}


def _when(entry: Entry) -> str:
    return month_fr(Month.of(entry.on)) if entry.whole_month else date_fr(entry.on)


def _why_not_paid(ctx: Context, entry: Entry) -> list[str]:
    if not entry.active:
        return [text("commands.historique.not_paid.cancelled")]
    if entry.kind is EntryKind.REFERRAL:
        decision = referral_decision(ctx, entry)
        if decision.value is Verdict.NO:
            return [reason_text(r) for r in blocking(decision)]
        if decision.value is Verdict.UNDETERMINED:
            facts = ", ".join(text(f"commands.forfaits.pending_fact.{m.fact}") for m in decision.missing)
            return [text("commands.historique.not_paid.pending", facts=facts)]
    if entry.kind is EntryKind.ADMINISTRATION and entry.oral:
        return [text("commands.historique.not_paid.oral")]
    if entry.kind is EntryKind.ADMINISTRATION:
        # An administration earns nothing unless an earlier referral of the patient is eligible.
        verdicts = {
            referral_decision(ctx, r).value
            for r in ctx.repo.patient_entries(entry.site, entry.patient, EntryKind.REFERRAL)
            if r.on <= entry.on or (entry.whole_month and Month.of(r.on) == Month.of(entry.on))
        }
        if Verdict.YES not in verdicts:
            key = "referral_pending" if Verdict.UNDETERMINED in verdicts else "referral_not_paid"
            return [text(f"commands.historique.not_paid.{key}")]
    return []


def _row(ctx: Context, entry: Entry) -> dict[str, Any]:
    return {
        "reference": entry.reference,
        "kind": entry.kind.value,
        "site": entry.site,
        "date": str(Month.of(entry.on)) if entry.whole_month else entry.on.isoformat(),
        "count": entry.count if entry.kind is EntryKind.ADMINISTRATION else None,
        "author": entry.author,
        "channel": entry.channel,
        "at": entry.at.isoformat(),
        "active": entry.active,
        "cancelled_by": entry.cancelled.by if entry.cancelled else None,
        "not_paid": _why_not_paid(ctx, entry),
    }


@command(
    "historique",
    roles=WRITERS | {Role.ARS},
    positionals=[Param("patient", Kind.PATIENT, required=True)],
    options=[Param("site", Kind.FINESS)],
    aliases=("history",),
)
def history(inv: Invocation, ctx: Context) -> Reply:
    usage = ("historique", None)
    patient: str = inv.args["patient"]
    given = inv.args.get("site")
    sites = [site_for_read(inv.actor, ctx, given, usage)] if given else readable_sites(inv.actor, ctx)
    entries: list[Entry] = []
    for site in sites:
        found = ctx.repo.patient(site.finess, patient)
        if found is not None and can_read(inv.actor, site):
            entries.extend((*found.referrals, *found.administrations, *found.ends))
    if not entries:
        raise UserError("commands.historique.none", usage=usage, patient=patient)
    entries.sort(key=lambda e: (e.on, e.at))
    body = []
    for entry in entries:
        why = _why_not_paid(ctx, entry)
        body.append(
            text(
                "commands.historique.line",
                reference=entry.reference,
                kind=text(f"commands.annuler.kind.{entry.kind.value}"),
                when=_when(entry),
                count=entry.count if entry.kind is EntryKind.ADMINISTRATION else None,
                author=entry.author,
                channel=entry.channel,
                at=datetime_fr(entry.at),
                cancelled=date_fr(entry.cancelled.at) if entry.cancelled else None,
                why="; ".join(why) if entry.active else "",
            )
        )
    return Reply(
        Status.OK,
        text("commands.historique.title", patient=patient, count=len(entries)),
        body=body,
        data={"patient": patient, "entries": [_row(ctx, e) for e in entries]},
    )


def _words(entry: Entry, changes: dict[str, str]) -> list[str]:
    """The recording command of `entry`, with `changes` applied: the corrected entry is recorded by it."""
    values: dict[str, str | None] = {"site": entry.site}
    when = str(Month.of(entry.on)) if entry.whole_month else entry.on.isoformat()
    if entry.kind is EntryKind.REFERRAL:
        values.update(
            had=entry.had,
            commune=entry.commune,
            **{"moins-de-3-ans": None if entry.under_3 is None else ("oui" if entry.under_3 else "non")},
        )
    elif entry.kind is EntryKind.ADMINISTRATION:
        values.update(nombre=str(entry.count), traitement="oral" if entry.oral else "injectable")
    else:
        values.update(motif=entry.reason)
    values.update(changes)
    when = values.pop("date", None) or when
    words = [entry.kind.value, entry.patient, when]
    words.extend(f"{key}={value}" for key, value in values.items() if value)
    return words


class _Refused(Exception):
    def __init__(self, reply: Reply) -> None:
        super().__init__("correction refused")
        self.reply = reply


@command(
    "modifier",
    roles=WRITERS,
    writes=True,
    positionals=[Param("référence", Kind.TEXT, required=True)],
    free_options=True,
    aliases=("corriger",),
    scope=ENTRY_OWNERS,
)
def correct(inv: Invocation, ctx: Context) -> Reply:
    from handlers.dispatch import dispatch_words  # the dispatcher imports every command module

    usage = ("modifier", None)
    entry = active_entry(inv, ctx, usage, "commands.modifier.denied")
    reference = entry.reference
    allowed = EDITABLE[entry.kind]
    changes = {key.lower(): value for key, value in inv.extra.items()}
    unknown = [key for key in changes if key not in allowed]
    if not changes or unknown:
        raise UserError(
            "commands.modifier.fields",
            usage=usage,
            kind=text(f"commands.annuler.kind.{entry.kind.value}"),
            fields=", ".join(f"{f}=" for f in allowed),
        )
    words = _words(entry, changes)
    if words == _words(entry, {}):
        raise UserError("commands.modifier.same", usage=usage, reference=reference)
    request = Request(inv.request.member_id, " ".join(words), inv.request.channel, inv.request.now)
    try:
        with ctx.repo.transaction():
            ctx.repo.cancel(entry.reference, inv.origin)
            reply = dispatch_words(request, words, ctx)
            new_reference = reply.data.get("reference")
            if not reply.ok or reply.data.get("duplicate") or not new_reference:
                raise _Refused(reply)
            _check_referral_still_first(ctx, entry, usage)
            ctx.repo.audit(
                inv.origin, "entry.correct", {"reference": entry.reference, "new_reference": new_reference}
            )
    except _Refused as refused:
        if refused.reply.data.get("duplicate"):
            raise UserError(
                "commands.modifier.same", usage=usage, reference=refused.reply.reference or ""
            ) from None
        return replace(
            refused.reply,
            title=text("commands.modifier.refused", reference=reference, why=refused.reply.title),
        )
    return Reply(
        reply.status,
        text("commands.modifier.done", reference=reference, new=new_reference),
        body=reply.body,
        facts=[Fact(text("commands.modifier.old"), reference), *reply.facts],
        reasons=reply.reasons,
        reference=new_reference,
        data={**reply.data, "replaces": reference},
    )


def _check_referral_still_first(ctx: Context, old: Entry, usage: tuple[str, str | None]) -> None:
    """A referral moved later must still precede the patient's administrations and end of care."""
    if old.kind is not EntryKind.REFERRAL:
        return
    patient = ctx.repo.patient(old.site, old.patient)
    if patient is None:
        return
    referrals = [r.on for r in patient.referrals if r.active]
    later = [e for e in (*patient.administrations, *patient.ends) if e.active]
    first = min(referrals) if referrals else None
    early = [
        e
        for e in later
        if first is None or (e.on < first and not (e.whole_month and Month.of(e.on) == Month.of(first)))
    ]
    if early:
        raise UserError(
            "commands.modifier.after_care", usage=usage, patient=old.patient, date=_when(early[0])
        )
