"""The App Home summary: what a member sees when opening the bot in Slack.

For a site member, their site(s); for an ARS agent, every site of their region; for an unknown person, nothing
but how to get access. Pure: it reads the repository and the rules, takes `now`, and holds no Slack markup
(bot/slack/home.py renders it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from handlers.commands.reading import site_statement
from handlers.context import Context
from handlers.reply import Request
from handlers.scope import can_write, readable_sites
from rules.calendar import days_left, upcoming
from rules.month import Month
from rules.parameters import Deadline as ParamDeadline
from rules.template_keys import deadline_kind_key
from store.records import EntryKind, Role, Site
from templates import has_text, text

Audience = Literal["member", "ars", "unknown"]


@dataclass(frozen=True)
class Deadline:
    label: str  # French, from the parameters (e.g. "Rapport de suivi n° 1")
    due: date
    days_left: int
    precision: str = "day"  # "month": the texts give the month only (rules.parameters.Deadline.precision)


@dataclass(frozen=True)
class SiteSummary:
    finess: str
    name: str
    in_care: int  # patients referred and not ended
    silent_last_month: int  # patients in care with nothing logged last month
    forfaits_year: Decimal  # forfaits earned since 1 January of this year, to date
    referrals_year: int  # referrals made this year
    target: int | None  # this year's referral target, when declared
    next_deadline: Deadline | None


@dataclass(frozen=True)
class Home:
    audience: Audience
    user_id: str
    today: date
    region: str | None = None
    sites: tuple[SiteSummary, ...] = ()
    can_write: bool = False  # shows the "log a referral / administration" buttons


def home_summary(ctx: Context, member_id: str, now: datetime) -> Home:
    """The App Home of `member_id` on `now` (Europe/Paris). Reads only the sites the member may read."""
    today = now.date()
    actor = ctx.actor(Request(member_id, "", "slack", now))
    if actor.role is None:
        return Home("unknown", member_id, today)
    sites = readable_sites(actor, ctx)
    audience: Audience = "ars" if actor.role is Role.ARS else "member"
    region = None
    if actor.region is not None:
        found = ctx.params.region(actor.region)
        region = found.name if found else actor.region
    return Home(
        audience,
        member_id,
        today,
        region=region,
        sites=tuple(site_summary(ctx, site, today) for site in sites),
        can_write=any(can_write(actor, site) for site in sites),
    )


def site_summary(ctx: Context, site: Site, today: date) -> SiteSummary:
    last_month = Month.of(today).previous()
    in_care = silent = 0
    for patient in ctx.repo.patients(site.finess):
        referrals = [r for r in patient.referrals if r.active]
        if not referrals:
            continue
        latest = max(r.on for r in referrals)
        if any(e.active and e.on >= latest for e in patient.ends):
            continue
        in_care += 1
        # A patient referred after last month could not have had anything then: not "silent".
        if Month.of(min(r.on for r in referrals)) <= last_month and not any(
            a.active and Month.of(a.on) == last_month for a in patient.administrations
        ):
            silent += 1
    statement = site_statement(ctx, site)
    this_year = statement.for_period(Month(today.year, 1), Month.of(today)).total()
    referrals_year = sum(
        1 for e in ctx.repo.entries(site.finess, EntryKind.REFERRAL) if e.on.year == today.year
    )
    return SiteSummary(
        finess=site.finess,
        name=site.name,
        in_care=in_care,
        silent_last_month=silent,
        forfaits_year=this_year,
        referrals_year=referrals_year,
        target=site.targets.get(today.year),
        next_deadline=_next_deadline(ctx, site, today),
    )


def _next_deadline(ctx: Context, site: Site, today: date) -> Deadline | None:
    ahead = upcoming(ctx.params, today, site.region)
    if not ahead:
        return None
    soonest = ahead[0]
    return Deadline(deadline_label(ctx, soonest), soonest.due, days_left(soonest, today), soonest.precision)


def deadline_label(ctx: Context, deadline: ParamDeadline) -> str:
    """The deadline's French name, with the same keys as `/expe50 echeances`."""
    if deadline.label:
        return deadline.label
    key = "deadline.key." + deadline.key.replace(":", ".")
    if has_text(key):
        return text(key)
    kind = text(deadline_kind_key(deadline.kind))
    if deadline.covers:
        return text(
            "commands.echeances.with_years", kind=kind, years=", ".join(str(y) for y in deadline.covers)
        )
    return kind
