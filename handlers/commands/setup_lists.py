"""The set-up as it stands: `etablissements [region=…]`, `hads`, `conventions [site=…]`.

Each member sees what it may read: an admin everything, an ARS agent its region, a site's staff their sites.
"""

from __future__ import annotations

from handlers.commands.setup import region_key, region_name
from handlers.context import Context, Invocation
from handlers.errors import PermissionDenied, UserError
from handlers.registry import ALL_ROLES, Kind, Param, command
from handlers.reply import Reply, Status
from handlers.scope import can_read, readable_sites, site_for_read
from store.records import Role
from templates import date_fr, text


@command(
    "etablissements",
    roles=ALL_ROLES,
    options=[Param("region", Kind.TEXT)],
    aliases=("sites",),
)
def list_sites(inv: Invocation, ctx: Context) -> Reply:
    usage = ("etablissements", None)
    region = region_key(ctx, inv.args["region"], usage) if "region" in inv.args else None
    if inv.actor.role is Role.ARS and region not in (None, inv.actor.region):
        raise PermissionDenied("commands.membres.region_denied", region=region_name(ctx, region))
    sites = [s for s in readable_sites(inv.actor, ctx) if region is None or s.region == region]
    body = [
        text(
            "commands.etablissements.line",
            finess=s.finess,
            name=s.name,
            region=region_name(ctx, s.region),
            category=s.category,
            selection=date_fr(s.selected_on) if s.selected_on else "",
            hads=len(ctx.repo.conventions(s.finess)),
            members=sum(1 for m in ctx.repo.members() if s.finess in m.sites),
        )
        for s in sites
    ]
    return Reply(
        Status.OK,
        text("commands.etablissements.title", count=len(sites)),
        body=body or [text("commands.etablissements.none")],
        data={
            "sites": [
                {
                    "finess": s.finess,
                    "name": s.name,
                    "region": s.region,
                    "category": s.category,
                    "selected_on": s.selected_on.isoformat() if s.selected_on else None,
                }
                for s in sites
            ]
        },
    )


@command("hads", roles=ALL_ROLES)
def list_hads(inv: Invocation, ctx: Context) -> Reply:
    hads = ctx.repo.hads()
    body = [
        text(
            "commands.hads.line",
            finess=h.finess,
            name=h.name,
            communes=len(h.communes),
            under_3=h.under_3,
        )
        for h in hads
    ]
    return Reply(
        Status.OK,
        text("commands.hads.title", count=len(hads)),
        body=body or [text("commands.hads.none")],
        data={
            "hads": [
                {"finess": h.finess, "name": h.name, "communes": list(h.communes), "under_3": h.under_3}
                for h in hads
            ]
        },
    )


@command("conventions", roles=ALL_ROLES, options=[Param("site", Kind.FINESS)])
def list_conventions(inv: Invocation, ctx: Context) -> Reply:
    usage = ("conventions", None)
    given = inv.args.get("site")
    if given is not None:
        sites = [site_for_read(inv.actor, ctx, given, usage)]
    else:
        sites = readable_sites(inv.actor, ctx)
    if given is not None and ctx.repo.site(given) is None:
        raise UserError("commands.error.unknown_site", usage=usage, finess=given)
    rows = []
    body = []
    for site in sites:
        if not can_read(inv.actor, site):
            continue
        for c in ctx.repo.conventions(site.finess):
            had = ctx.repo.had(c.had)
            rows.append(
                {"site": c.site, "had": c.had, "signed_on": c.signed_on.isoformat() if c.signed_on else None}
            )
            body.append(
                text(
                    "commands.conventions.line",
                    site=site.name,
                    site_finess=site.finess,
                    had=had.name if had else c.had,
                    had_finess=c.had,
                    signed=date_fr(c.signed_on) if c.signed_on else "",
                )
            )
    return Reply(
        Status.OK,
        text("commands.conventions.title", count=len(rows)),
        body=body or [text("commands.conventions.none")],
        data={"conventions": rows},
    )
