"""Which sites a member may act on or read: saisie and coordination their own sites, an ARS agent every site
of its region (read only), an admin every site. `site=` may be left out when the choice is obvious."""

from __future__ import annotations

from handlers.context import Actor, Context
from handlers.errors import PermissionDenied, UserError
from store.records import Role, Site


def can_read(actor: Actor, site: Site) -> bool:
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.ARS:
        return actor.region is not None and site.region == actor.region
    return actor.role is not None and site.finess in actor.sites


def can_write(actor: Actor, site: Site) -> bool:
    if actor.role is Role.ADMIN:
        return True
    return actor.role in (Role.SAISIE, Role.COORDINATION) and site.finess in actor.sites


def readable_sites(actor: Actor, ctx: Context) -> list[Site]:
    return [site for site in ctx.repo.sites() if can_read(actor, site)]


def site_for_write(actor: Actor, ctx: Context, given: str | None, usage: tuple[str, str | None]) -> Site:
    """The site a write applies to: `site=` when given (it must exist and be the member's), else the member's
    only site (or the database's only site, for an admin)."""
    site = _pick(actor, ctx, given, usage, [s for s in ctx.repo.sites() if can_write(actor, s)])
    if not can_write(actor, site):
        raise PermissionDenied("commands.error.site_denied", finess=site.finess, name=site.name)
    return site


def site_for_read(actor: Actor, ctx: Context, given: str | None, usage: tuple[str, str | None]) -> Site:
    site = _pick(actor, ctx, given, usage, readable_sites(actor, ctx))
    if not can_read(actor, site):
        raise PermissionDenied("commands.error.site_denied", finess=site.finess, name=site.name)
    return site


def sites_for_read(
    actor: Actor, ctx: Context, given: str | None, usage: tuple[str, str | None]
) -> list[Site]:
    """One site when `site=` is given, else every site the member may read (all of an ARS agent's region)."""
    if given is not None:
        return [site_for_read(actor, ctx, given, usage)]
    sites = readable_sites(actor, ctx)
    if not sites:
        if not ctx.repo.sites():
            raise UserError("commands.error.no_site_yet", usage=usage)
        raise PermissionDenied("commands.error.no_readable_site")
    return sites


def _pick(
    actor: Actor, ctx: Context, given: str | None, usage: tuple[str, str | None], allowed: list[Site]
) -> Site:
    if given is not None:
        site = ctx.repo.site(given)
        if site is None:
            raise UserError("commands.error.unknown_site", usage=usage, finess=given)
        return site
    if not ctx.repo.sites():
        raise UserError("commands.error.no_site_yet", usage=usage)
    if len(allowed) == 1:
        return allowed[0]
    if not allowed:
        raise PermissionDenied("commands.error.no_writable_site")
    choices = ", ".join(site.finess for site in allowed[:10])
    raise UserError("commands.error.site_needed", usage=usage, choices=choices)
