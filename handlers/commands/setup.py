"""Set-up commands: sites (`etablissement ajouter`, `etablissement cible`), HADs and conventions.

Members are in handlers/commands/members.py, the listings in handlers/commands/setup_lists.py."""

from __future__ import annotations

from handlers.context import Context, Invocation
from handlers.errors import PermissionDenied, UserError
from handlers.registry import ADMINS, COORDINATORS, Kind, Param, command
from handlers.reply import Fact, Reply, Status
from handlers.scope import can_write
from handlers.values import finess_key_ok, parse_target
from store.records import Convention, Had, Site
from templates import date_fr, text

CATEGORIES = ("a", "b", "c", "d", "e")
FIRST_YEAR, LAST_YEAR = 2025, 2028


def region_key(ctx: Context, raw: str, usage: tuple[str, str | None]) -> str:
    region = ctx.params.region(raw)
    if region is None:
        known = ", ".join(sorted(ctx.params.regions))
        raise UserError("commands.error.unknown_region", usage=usage, value=raw, known=known)
    return region.key


def region_name(ctx: Context, key: str | None) -> str:
    if key is None:
        return "—"
    region = ctx.params.regions.get(key)
    return region.name if region else key


def _finess_warnings(*numbers: str | None) -> list[str]:
    return [text("commands.warning.finess_key", finess=n) for n in numbers if n and not finess_key_ok(n)]


@command(
    "etablissement",
    "ajouter",
    roles=ADMINS,
    writes=True,
    positionals=[Param("FINESS", Kind.FINESS, required=True)],
    options=[
        Param("nom", Kind.TEXT, required=True),
        Param("region", Kind.TEXT, required=True),
        Param("categorie", Kind.CHOICE, required=True, choices=CATEGORIES),
        Param("juridique", Kind.FINESS),
        Param("selection", Kind.DATE),
    ],
    aliases=("établissement", "etab", "site"),
)
def add_site(inv: Invocation, ctx: Context) -> Reply:
    usage = ("etablissement", "ajouter")
    args = inv.args
    if args["categorie"] == "e":
        raise UserError("commands.etablissement.category_e", usage=usage)
    finess: str = args["FINESS"]
    if ctx.repo.had(finess) is not None:
        raise UserError("commands.etablissement.is_had", usage=usage, finess=finess)
    previous = ctx.repo.site(finess)
    site = Site(
        finess=finess,
        name=args["nom"],
        region=region_key(ctx, args["region"], usage),
        category=args["categorie"],
        legal_finess=args.get("juridique"),
        selected_on=args.get("selection"),
        targets=previous.targets if previous else {},
    )
    created = ctx.repo.save_site(site, inv.origin)
    body = _finess_warnings(site.finess, site.legal_finess)
    body.append(text("commands.etablissement.ajouter.next", finess=site.finess))
    return Reply(
        Status.WARNING if len(body) > 1 else Status.OK,
        text(
            "commands.etablissement.ajouter.created" if created else "commands.etablissement.ajouter.updated",
            name=site.name,
        ),
        body=body,
        facts=_site_facts(ctx, site),
        data={"site": site.finess, "created": created},
    )


def _site_facts(ctx: Context, site: Site) -> list[Fact]:
    facts = [
        Fact(text("commands.label.finess_geo"), site.finess),
        Fact(text("commands.label.name"), site.name),
        Fact(text("commands.label.region"), region_name(ctx, site.region)),
        Fact(text("commands.label.category"), site.category),
    ]
    if site.legal_finess:
        facts.append(Fact(text("commands.label.finess_legal"), site.legal_finess))
    if site.selected_on:
        facts.append(Fact(text("commands.label.selection"), date_fr(site.selected_on)))
    return facts


@command(
    "etablissement",
    "cible",
    roles=COORDINATORS,
    writes=True,
    positionals=[Param("FINESS", Kind.FINESS, required=True)],
    free_options=True,
)
def set_targets(inv: Invocation, ctx: Context) -> Reply:
    usage = ("etablissement", "cible")
    finess: str = inv.args["FINESS"]
    site = ctx.repo.site(finess)
    if site is None:
        raise UserError("commands.error.unknown_site", usage=usage, finess=finess)
    if not can_write(inv.actor, site):
        raise PermissionDenied("commands.error.site_denied", finess=site.finess, name=site.name)
    if not inv.extra:
        raise UserError("commands.error.missing", usage=usage, name="<année>=<N>")
    targets: dict[int, int] = {}
    for key, raw in inv.extra.items():
        if not key.isdigit() or not FIRST_YEAR <= int(key) <= LAST_YEAR:
            raise UserError(
                "commands.etablissement.cible.bad_year",
                usage=usage,
                year=key,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        targets[int(key)] = parse_target(raw, key)
    updated = ctx.repo.set_targets(site.finess, targets, inv.origin)
    facts = [Fact(str(year), str(count)) for year, count in sorted(updated.targets.items())]
    return Reply(
        Status.OK,
        text("commands.etablissement.cible.done", name=site.name),
        facts=facts,
        data={"site": site.finess, "targets": {str(y): n for y, n in updated.targets.items()}},
    )


@command(
    "had",
    "ajouter",
    roles=ADMINS,
    writes=True,
    positionals=[Param("FINESS", Kind.FINESS, required=True)],
    options=[
        Param("nom", Kind.TEXT, required=True),
        Param("communes", Kind.INSEE_LIST, required=True),
        Param("moins-de-3-ans", Kind.YES_NO),
    ],
)
def add_had(inv: Invocation, ctx: Context) -> Reply:
    usage = ("had", "ajouter")
    finess: str = inv.args["FINESS"]
    if ctx.repo.site(finess) is not None:
        raise UserError("commands.had.is_site", usage=usage, finess=finess)
    had = Had(finess, inv.args["nom"], inv.args["communes"], bool(inv.args.get("moins-de-3-ans", False)))
    created = ctx.repo.save_had(had, inv.origin)
    body = _finess_warnings(had.finess)
    body.append(text("commands.had.ajouter.next", finess=had.finess))
    return Reply(
        Status.WARNING if len(body) > 1 else Status.OK,
        text("commands.had.ajouter.created" if created else "commands.had.ajouter.updated", name=had.name),
        body=body,
        facts=[
            Fact(text("commands.label.finess"), had.finess),
            Fact(text("commands.label.communes"), ", ".join(had.communes)),
            Fact(text("commands.label.under_3"), text("commands.yes" if had.under_3 else "commands.no")),
        ],
        data={"had": had.finess, "created": created, "communes": list(had.communes)},
    )


@command(
    "convention",
    roles=COORDINATORS,
    writes=True,
    positionals=[Param("site", Kind.FINESS, required=True), Param("HAD", Kind.FINESS, required=True)],
    options=[Param("date", Kind.DATE)],
)
def add_convention(inv: Invocation, ctx: Context) -> Reply:
    usage = ("convention", None)
    site = ctx.repo.site(inv.args["site"])
    if site is None:
        if ctx.repo.had(inv.args["site"]) is not None and ctx.repo.site(inv.args["HAD"]) is not None:
            raise UserError("commands.convention.swapped", usage=usage)
        raise UserError("commands.error.unknown_site", usage=usage, finess=inv.args["site"])
    had = ctx.repo.had(inv.args["HAD"])
    if had is None:
        raise UserError("commands.error.unknown_had", usage=usage, finess=inv.args["HAD"])
    if not can_write(inv.actor, site):
        raise PermissionDenied("commands.error.site_denied", finess=site.finess, name=site.name)
    signed = inv.args.get("date")
    if signed is not None and signed > inv.request.now.date():
        raise UserError("commands.error.future", usage=usage, name="date")
    created = ctx.repo.save_convention(Convention(site.finess, had.finess, signed), inv.origin)
    facts = [Fact(text("commands.label.site"), site.name), Fact(text("commands.label.had"), had.name)]
    if signed:
        facts.append(Fact(text("commands.label.signed"), date_fr(signed)))
    return Reply(
        Status.OK,
        text("commands.convention.created" if created else "commands.convention.updated"),
        facts=facts,
        data={"site": site.finess, "had": had.finess, "created": created},
    )
