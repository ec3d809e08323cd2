"""Set-up commands: sites (`etablissement ajouter`, `etablissement cible`), HADs and conventions.

Members are in handlers/commands/members.py, the listings in handlers/commands/setup_lists.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from handlers.context import Context, Invocation
from handlers.errors import PermissionDenied, UserError
from handlers.patient_codes import parse_mask
from handlers.registry import ADMINS, COORDINATORS, Kind, Param, command
from handlers.reply import Fact, Reply, Status
from handlers.scope import can_write
from handlers.values import finess_key_ok, parse_money, parse_target
from rules.parameters import load_parameters
from store.records import Convention, Had, Site, Tariffs
from templates import date_fr, money, text

CATEGORIES = ("a", "b", "c", "d", "e")
# The years a target or tariffs may be given for: the experiment's, from the parameters (one source).
_EXPERIMENT = load_parameters()
FIRST_YEAR, LAST_YEAR = _EXPERIMENT.experiment_start.value.year, _EXPERIMENT.experiment_end.value.year


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
        Param("codes", Kind.TEXT),
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
        tariffs=previous.tariffs if previous else {},
        patient_codes=parse_mask(args["codes"])
        if args.get("codes")
        else (previous.patient_codes if previous else None),
    )
    created = ctx.repo.save_site(site, inv.origin)
    body = _finess_warnings(site.finess, site.legal_finess)
    # At most 10 establishments are selected per region (décret art. 1): the ARS's choice, so a warning, never
    # a refusal (a correction or a replacement must stay possible).
    cap = ctx.params.max_sites_per_region
    in_region = len(ctx.repo.sites(site.region))
    if in_region > cap.value and (previous is None or previous.region != site.region):
        body.append(
            text(
                "commands.etablissement.ajouter.over_cap",
                count=in_region,
                region=region_name(ctx, site.region),
                max=cap.value,
            )
        )
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


def _writable_site(inv: Invocation, ctx: Context, usage: tuple[str, str | None]) -> Site:
    """The site named by the `FINESS` argument, which the member may write to."""
    finess: str = inv.args["FINESS"]
    site = ctx.repo.site(finess)
    if site is None:
        raise UserError("commands.error.unknown_site", usage=usage, finess=finess)
    if not can_write(inv.actor, site):
        raise PermissionDenied("commands.error.site_denied", finess=site.finess, name=site.name)
    return site


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
    site = _writable_site(inv, ctx, usage)
    if not inv.extra:
        raise UserError("commands.error.missing", usage=usage, name="<année>=<N>")
    targets: dict[int, int] = {}
    for key, raw in inv.extra.items():
        if (
            not (key.isascii() and key.isdecimal())
            or len(key) != 4
            or not FIRST_YEAR <= int(key) <= LAST_YEAR
        ):
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
    "etablissement",
    "tarifs",
    roles=COORDINATORS,
    writes=True,
    positionals=[Param("FINESS", Kind.FINESS, required=True), Param("année", Kind.YEAR, required=True)],
    options=[
        Param("hdj", Kind.TEXT, required=True),
        Param("had", Kind.TEXT, required=True),
        Param("source", Kind.TEXT, required=True),
    ],
)
def set_tariffs(inv: Invocation, ctx: Context) -> Reply:
    """The HDJ TMSC tariff and the HAD tariff of one year, with where they were read: the monthly forfait may
    not exceed their difference (décret n° 2025-114 art. 3). Audited like every write; entering a year again
    replaces it (the audit keeps the former values)."""
    usage = ("etablissement", "tarifs")
    site = _writable_site(inv, ctx, usage)
    year: int = inv.args["année"]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(
            "commands.etablissement.cible.bad_year", usage=usage, year=year, first=FIRST_YEAR, last=LAST_YEAR
        )
    hdj = parse_money(inv.args["hdj"], "hdj")
    had = parse_money(inv.args["had"], "had")
    source = " ".join(str(inv.args["source"]).split())
    if len(source) < 3:
        raise UserError("commands.etablissement.tarifs.no_source", usage=usage)
    previous = site.tariffs.get(year)
    ctx.repo.set_tariffs(site.finess, year, Tariffs(hdj, had, source), inv.origin)
    monthly = ctx.params.monthly_amount.at(date(year, 12, 31)).value
    cap = max(hdj - had, Decimal("0.00"))
    body = [
        text(
            "commands.etablissement.tarifs.cap",
            cap=money(cap),
            monthly=money(monthly),
            applied=cap < monthly,
            paid=money(min(cap, monthly)),
        )
    ]
    if previous is not None:
        body.append(
            text(
                "commands.etablissement.tarifs.replaced",
                hdj=money(previous.hdj),
                had=money(previous.had),
                source=previous.source,
            )
        )
    return Reply(
        Status.WARNING if hdj <= had else Status.OK,
        text("commands.etablissement.tarifs.done", name=site.name, year=year),
        body=body,
        facts=[
            Fact(text("commands.label.hdj_tariff"), money(hdj)),
            Fact(text("commands.label.had_tariff"), money(had)),
            Fact(text("commands.label.tariff_source"), source),
        ],
        data={"site": site.finess, "year": year, "hdj": str(hdj), "had": str(had), "source": source},
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
