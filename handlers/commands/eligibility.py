"""`eligibilite etablissement …` and `eligibilite patient …`: the rules' verdict, its reasons, and the
questions that would settle what is still unknown."""

from __future__ import annotations

from typing import Any, cast

from handlers.context import Context, Invocation
from handlers.errors import UserError
from handlers.explain import reason_lines
from handlers.registry import EVERYONE, Kind, Param, command
from handlers.reply import Reply, Status
from handlers.scope import can_read
from rules.establishment import Authorisation, Category, EstablishmentFacts, check_establishment
from rules.reasons import Decision, Verdict
from rules.referral import ReferralFacts, Treatment, check_referral
from rules.template_keys import missing_key
from templates import has_text, text

_ANSWER = "commands.eligibilite.answer"
_STATUS = {Verdict.YES: Status.OK, Verdict.NO: Status.WARNING, Verdict.UNDETERMINED: Status.UNKNOWN}


def _reply(kind: str, decision: Decision[Verdict], data: dict[str, Any]) -> Reply:
    body = [text(f"commands.eligibilite.{kind}.{decision.value.value}")]
    # Each question says which option answers it (`protocole=oui|non`…): no question without a way to answer.
    questions = [
        text(missing_key(m))
        + (f" ({text(f'{_ANSWER}.{m.fact}')})" if has_text(f"{_ANSWER}.{m.fact}") else "")
        for m in decision.missing
        if has_text(missing_key(m))
    ]
    if questions:
        body.append(text("commands.eligibilite.missing"))
        body.extend(f"• {q}" for q in questions)
    return Reply(
        _STATUS[decision.value],
        text(f"commands.eligibilite.{kind}.title"),
        body=body,
        reasons=reason_lines(decision.reasons),
        data={**data, "verdict": decision.value.value, "missing": [m.fact for m in decision.missing]},
    )


@command(
    "eligibilite",
    "etablissement",
    roles=EVERYONE,
    options=[
        Param("autorisation", Kind.CHOICE, choices=("tmsc", "chimio", "aucune")),
        Param("categorie", Kind.CHOICE, choices=("a", "b", "c", "d", "e")),
        Param("convention", Kind.YES_NO),
        Param("protocole", Kind.YES_NO),
        Param("projet", Kind.YES_NO),
        Param("engagement", Kind.YES_NO),
        Param("region", Kind.TEXT),
        Param("depot", Kind.DATE),
    ],
    aliases=("éligibilité", "eligible", "eligibilité"),
)
def establishment(inv: Invocation, ctx: Context) -> Reply:
    args = inv.args
    facts = EstablishmentFacts(
        authorisation=cast(Authorisation | None, args.get("autorisation")),
        category=cast(Category | None, args.get("categorie")),
        convention=args.get("convention"),
        same_legal_entity_protocol=args.get("protocole"),
        project=args.get("projet"),
        commitment=args.get("engagement"),
        region=args.get("region"),
        filed_on=args.get("depot"),
        registered_in_region=_registered(ctx, args.get("region")),
    )
    decision = check_establishment(facts, ctx.params, inv.request.now.date())
    return _reply("etablissement", decision, {})


def _registered(ctx: Context, raw: str | None) -> int | None:
    """How many establishments of that region the bot holds (context for the 10-per-region cap)."""
    region = ctx.params.region(raw) if raw else None
    return len(ctx.repo.sites(region.key)) if region else None


@command(
    "eligibilite",
    "patient",
    roles=EVERYONE,
    options=[
        Param("traitement", Kind.CHOICE, choices=("injectable", "oral")),
        Param("moins-de-3-ans", Kind.YES_NO),
        Param("had", Kind.FINESS),
        Param("commune", Kind.INSEE),
        Param("adressage", Kind.DATE),
        Param("site", Kind.FINESS),
    ],
)
def patient(inv: Invocation, ctx: Context) -> Reply:
    usage = ("eligibilite", "patient")
    args = inv.args
    site = None
    if "site" in args:
        site = ctx.repo.site(args["site"])
        if site is None:
            raise UserError("commands.error.unknown_site", usage=usage, finess=args["site"])
    elif len(inv.actor.sites) == 1:
        site = ctx.repo.site(inv.actor.sites[0])
    if site is not None and not can_read(inv.actor, site) and inv.actor.role is not None:
        site = None
    had = None
    if "had" in args:
        had = ctx.repo.had(args["had"])
        if had is None:
            raise UserError("commands.error.unknown_had", usage=usage, finess=args["had"])
    convention = ctx.repo.convention(site.finess, had.finess) if had and site else None
    facts = ReferralFacts(
        treatment=cast(Treatment | None, args.get("traitement")),
        under_3=args.get("moins-de-3-ans"),
        had_under3_mention=had.under_3 if had else None,
        had_associated=(convention is not None) if had and site else None,
        convention_signed_on=convention.signed_on if convention else None,
        commune_in_area=(args["commune"] in had.communes) if had and "commune" in args else None,
        referral_date=args.get("adressage"),
        selection_date=site.selected_on if site else None,
    )
    decision = check_referral(facts, ctx.params)
    return _reply("patient", decision, {"site": site.finess if site else None})
