"""Whether a logged referral can earn the forfait, from what the store knows now (site selection date, HAD,
convention, commune, under-3 fact). Computed when read, so a convention recorded later counts."""

from __future__ import annotations

from handlers.context import Context
from rules.reasons import Decision, Outcome, Reason, Verdict
from rules.referral import ReferralFacts, check_referral
from store.records import Entry


def referral_facts(ctx: Context, entry: Entry) -> ReferralFacts:
    site = ctx.repo.site(entry.site)
    had = ctx.repo.had(entry.had) if entry.had else None
    convention = ctx.repo.convention(entry.site, entry.had) if entry.had else None
    commune_in_area = None
    if had is not None and entry.commune is not None:
        commune_in_area = entry.commune in had.communes
    return ReferralFacts(
        # A referral to HAD under the experiment is for a treatment given at home; whether a given
        # administration is oral is logged with the administration itself and excluded there.
        treatment="injectable",
        under_3=entry.under_3,
        had_under3_mention=had.under_3 if had else None,
        had_associated=(convention is not None) if entry.had else None,
        convention_signed_on=convention.signed_on if convention else None,
        commune_in_area=commune_in_area,
        referral_date=entry.on,
        selection_date=site.selected_on if site else None,
    )


def referral_decision(ctx: Context, entry: Entry) -> Decision[Verdict]:
    return check_referral(referral_facts(ctx, entry), ctx.params)


def blocking(decision: Decision[Verdict]) -> list[Reason]:
    return [r for r in decision.reasons if r.outcome is Outcome.NOT_MET]


def open_points(decision: Decision[Verdict]) -> list[Reason]:
    return [r for r in decision.reasons if r.outcome is Outcome.UNKNOWN]
