"""Who may use the bot: `membre ajouter`, `membre modifier`, `membre retirer` (admins), `membres` (the list).

A member is revoked by removing it from the store: every door (Slack commands, App Home, reminders, digests)
looks the member up on each request, so the next one finds no one. Both changes are audited, and neither may
leave the bot without an admin member.
"""

from __future__ import annotations

from dataclasses import replace

from handlers.commands.setup import region_key, region_name
from handlers.context import Actor, Context, Invocation
from handlers.errors import PermissionDenied, UserError
from handlers.registry import ADMINS, READERS, Kind, Param, command
from handlers.reply import Fact, Reply, Status
from handlers.values import fold
from store.records import Member, Role
from templates import text

ROLES = tuple(role.value for role in Role)
NO_ROLE = "aucun"
_SCOPE_OPTIONS = (
    Param("site", Kind.FINESS),
    Param("region", Kind.TEXT),
    Param("email", Kind.EMAIL),
)


def _scope(
    ctx: Context, inv: Invocation, role: Role, previous: Member | None, usage: tuple[str, str | None]
) -> tuple[tuple[str, ...], str | None]:
    """The sites and region of a member with this role, from `site=` / `region=` (or what it had)."""
    if role in (Role.SAISIE, Role.COORDINATION):
        finess = inv.args.get("site")
        if finess is None:
            if previous is not None and previous.sites and previous.role in (Role.SAISIE, Role.COORDINATION):
                return previous.sites, previous.region
            raise UserError("commands.membre.site_needed", usage=usage, role=role.value)
        site = ctx.repo.site(finess)
        if site is None:
            raise UserError("commands.error.unknown_site", usage=usage, finess=finess)
        return (site.finess,), site.region
    if role is Role.ARS:
        raw = inv.args.get("region")
        if raw is None:
            if previous is not None and previous.role is Role.ARS and previous.region:
                return (), previous.region
            raise UserError("commands.membre.region_needed", usage=usage)
        return (), region_key(ctx, raw, usage)
    return (), None


def _facts(ctx: Context, member: Member) -> list[Fact]:
    facts = [
        Fact(text("commands.label.member"), member.member_id),
        Fact(text("commands.label.role"), text(f"commands.role.{member.role.value}")),
    ]
    if member.sites:
        facts.append(Fact(text("commands.label.sites"), ", ".join(member.sites)))
    if member.region and member.role is Role.ARS:
        facts.append(Fact(text("commands.label.region"), region_name(ctx, member.region)))
    if member.email:
        facts.append(Fact(text("commands.label.email"), member.email))
    return facts


def _data(member: Member) -> dict[str, object]:
    return {
        "member": member.member_id,
        "role": member.role.value,
        "sites": list(member.sites),
        "region": member.region,
        "email": member.email,
        "channel": _channel(member),
    }


def _channel(member: Member) -> str:
    return "courriel" if "@" in member.member_id else "slack"


def _last_admin(ctx: Context, member: Member) -> bool:
    admins = [m for m in ctx.repo.members() if m.role is Role.ADMIN]
    return member.role is Role.ADMIN and len(admins) == 1


@command(
    "membre",
    "ajouter",
    roles=ADMINS,
    writes=True,
    positionals=[Param("membre", Kind.MEMBER, required=True)],
    options=[Param("role", Kind.CHOICE, required=True, choices=ROLES), *_SCOPE_OPTIONS],
    aliases=("utilisateur",),
)
def add_member(inv: Invocation, ctx: Context) -> Reply:
    usage = ("membre", "ajouter")
    role = Role(fold(inv.args["role"]))
    member_id: str = inv.args["membre"]
    previous = ctx.repo.member(member_id)
    sites, region = _scope(ctx, inv, role, None, usage)
    if previous is not None and previous.role is role and role in (Role.SAISIE, Role.COORDINATION):
        sites = tuple(dict.fromkeys((*previous.sites, *sites)))  # `ajouter` adds a site, keeps the others
    email = inv.args.get("email") or (member_id if "@" in member_id else None)
    member = Member(member_id, role, sites, region, email, previous.reminders if previous else False)
    created = ctx.repo.save_member(member, inv.origin)
    return Reply(
        Status.OK,
        text("commands.membre.created" if created else "commands.membre.updated"),
        facts=_facts(ctx, member),
        data={**_data(member), "created": created},
    )


@command(
    "membre",
    "modifier",
    roles=ADMINS,
    writes=True,
    positionals=[Param("membre", Kind.MEMBER, required=True)],
    options=[Param("role", Kind.CHOICE, choices=(*ROLES, NO_ROLE)), *_SCOPE_OPTIONS],
)
def change_member(inv: Invocation, ctx: Context) -> Reply:
    usage = ("membre", "modifier")
    member_id: str = inv.args["membre"]
    previous = ctx.repo.member(member_id) or ctx.repo.member_by_email(member_id)
    if previous is None:
        raise UserError("commands.membre.unknown", usage=usage, member=member_id)
    if fold(inv.args.get("role", "")) == NO_ROLE:
        return remove_member(inv, ctx)  # « role=aucun » is how people first try to revoke
    if not any(name in inv.args for name in ("role", "site", "region", "email")):
        raise UserError("commands.membre.modifier.nothing", usage=usage)
    role = Role(fold(inv.args["role"])) if "role" in inv.args else previous.role
    if role is not Role.ADMIN and _last_admin(ctx, previous):
        raise UserError("commands.membre.last_admin", member=previous.member_id)
    sites, region = _scope(ctx, inv, role, previous, usage)
    member = replace(
        previous, role=role, sites=sites, region=region, email=inv.args.get("email", previous.email)
    )
    if member == previous:
        return Reply(Status.OK, text("commands.membre.modifier.unchanged"), facts=_facts(ctx, member))
    ctx.repo.save_member(member, inv.origin, action="member.change")
    return Reply(
        Status.OK,
        text("commands.membre.modifier.done", member=member.member_id),
        facts=_facts(ctx, member),
        data=_data(member),
    )


@command(
    "membre",
    "retirer",
    roles=ADMINS,
    writes=True,
    positionals=[Param("membre", Kind.MEMBER, required=True)],
)
def remove_member(inv: Invocation, ctx: Context) -> Reply:
    usage = ("membre", "retirer")
    member_id: str = inv.args["membre"]
    member = ctx.repo.member(member_id) or ctx.repo.member_by_email(member_id)
    if member is None:
        raise UserError("commands.membre.unknown", usage=usage, member=member_id)
    if _last_admin(ctx, member):
        raise UserError("commands.membre.last_admin", member=member.member_id)
    ctx.repo.remove_member(member.member_id, inv.origin)
    return Reply(
        Status.OK,
        text("commands.membre.retirer.done", member=member.member_id),
        body=[text("commands.membre.retirer.effect")],
        facts=_facts(ctx, member),
        data={**_data(member), "removed": True},
    )


def _visible(actor: Actor, member: Member) -> bool:
    if actor.role is Role.ADMIN:
        return True
    if actor.role is Role.ARS:
        return actor.region is not None and member.region == actor.region and member.role is not Role.ADMIN
    return bool(set(member.sites) & set(actor.sites))


@command(
    "membres",
    roles=READERS,
    options=[Param("site", Kind.FINESS), Param("region", Kind.TEXT)],
    aliases=("utilisateurs",),
)
def list_members(inv: Invocation, ctx: Context) -> Reply:
    usage = ("membres", None)
    site = inv.args.get("site")
    if site is not None and ctx.repo.site(site) is None:
        raise UserError("commands.error.unknown_site", usage=usage, finess=site)
    region = region_key(ctx, inv.args["region"], usage) if "region" in inv.args else None
    if inv.actor.role is Role.ARS and region not in (None, inv.actor.region):
        raise PermissionDenied("commands.membres.region_denied", region=region_name(ctx, region))
    shown = [
        m
        for m in ctx.repo.members()
        if _visible(inv.actor, m)
        and (site is None or site in m.sites)
        and (region is None or m.region == region)
    ]
    body = [
        text(
            "commands.membres.line",
            member=m.member_id,
            role=m.role.value,
            where=", ".join(m.sites) if m.sites else region_name(ctx, m.region) if m.region else "",
            email=m.email or "",
            channel=text(f"commands.membres.channel.{_channel(m)}"),
        )
        for m in shown
    ]
    return Reply(
        Status.OK,
        text("commands.membres.title", count=len(shown)),
        body=body or [text("commands.membres.none")],
        data={"members": [_data(m) for m in shown]},
    )
