"""`echeances [region=…]`: the coming deadlines with days left and those just passed; `rappels oui|non`."""

from __future__ import annotations

from handlers.context import Context, Invocation
from handlers.errors import UserError
from handlers.registry import EVERYONE, Kind, Param, command
from handlers.reply import ReasonLine, Reply, Status
from rules.calendar import days_left, recently_passed, upcoming
from rules.parameters import Deadline
from rules.template_keys import deadline_kind_key
from templates import due_fr, has_text, text

RECENT_DAYS = 60


def _label(deadline: Deadline, region_names: dict[str, str]) -> str:
    if deadline.label:
        return deadline.label
    key = "deadline.key." + deadline.key.replace(":", ".")
    if has_text(key):
        return text(key)
    kind = text(deadline_kind_key(deadline.kind))
    if deadline.region:
        return text(
            "commands.echeances.with_region",
            kind=kind,
            region=region_names.get(deadline.region, deadline.region),
        )
    if deadline.covers:
        return text(
            "commands.echeances.with_years", kind=kind, years=", ".join(str(y) for y in deadline.covers)
        )
    return kind


@command(
    "echeances", roles=EVERYONE, options=[Param("region", Kind.TEXT)], aliases=("échéances", "calendrier")
)
def deadlines(inv: Invocation, ctx: Context) -> Reply:
    today = inv.request.now.date()
    raw = inv.args.get("region")
    region_key: str | None = None
    if raw is not None:
        region = ctx.params.region(raw)
        if region is None:
            known = ", ".join(sorted(ctx.params.regions))
            raise UserError(
                "commands.error.unknown_region", usage=("echeances", None), value=raw, known=known
            )
        region_key = region.key
    elif inv.actor.region:
        region_key = inv.actor.region
    names = {key: region.name for key, region in ctx.params.regions.items()}
    ahead = upcoming(ctx.params, today, region_key)
    behind = recently_passed(ctx.params, today, region_key, within_days=RECENT_DAYS)
    body: list[str] = []
    if ahead:
        body.append(text("commands.echeances.ahead"))
        for d in ahead:
            body.append(
                text(
                    "commands.echeances.line_ahead",
                    label=_label(d, names),
                    date=due_fr(d.due, d.precision),
                    days=days_left(d, today),
                )
            )
    else:
        body.append(text("commands.echeances.none_ahead"))
    if behind:
        body.append(text("commands.echeances.behind", days=RECENT_DAYS))
        for d in behind:
            body.append(
                text(
                    "commands.echeances.line_behind",
                    label=_label(d, names),
                    date=due_fr(d.due, d.precision),
                    days=-days_left(d, today),
                )
            )
    reasons = [ReasonLine(_label(d, names), d.source, d.confidence) for d in (*ahead[:5], *behind)]
    return Reply(
        Status.OK,
        text("commands.echeances.title", region=names.get(region_key, "") if region_key else ""),
        body=body,
        reasons=reasons,
        data={
            "region": region_key,
            "upcoming": [
                {"key": d.key, "due": d.due.isoformat(), "days_left": days_left(d, today)} for d in ahead
            ],
            "recently_passed": [{"key": d.key, "due": d.due.isoformat()} for d in behind],
        },
    )


@command(
    "rappels",
    roles=EVERYONE,
    positionals=[Param("choix", Kind.YES_NO, required=True)],
    writes=True,
    aliases=("rappel",),
)
def reminders(inv: Invocation, ctx: Context) -> Reply:
    wanted: bool = inv.args["choix"]
    member = inv.actor.member
    if member is None:
        raise UserError("commands.rappels.not_member")
    ctx.repo.set_reminders(member.member_id, wanted, inv.origin)
    return Reply(
        Status.OK,
        text("commands.rappels.on" if wanted else "commands.rappels.off"),
        data={"member": member.member_id, "reminders": wanted},
    )
