"""`repondre <référence> <texte>`: an ARS agent answers a question handed over to the agents, where it was
asked: by email in the original thread, by a Slack direct message, or recorded for a console question.

The runtime puts its hand-over desk in `ctx.desk` (handlers.ports.HandoverDesk, built by bot/app.py); without
it (no mailbox, no Slack) the command says so. Dispatch has already screened the text for health data.
"""

from __future__ import annotations

from handlers.context import Context, Invocation
from handlers.errors import UserError
from handlers.registry import ADMINS, command
from handlers.reply import Fact, Reply, Status
from store.records import Role
from templates import text


@command(
    "repondre",
    roles=ADMINS | {Role.ARS},
    rest=True,
    writes=True,
    usage="mail.repondre.usage",
    help="mail.repondre.help",
    aliases=("répondre", "reponse"),
)
def repondre(inv: Invocation, ctx: Context) -> Reply:
    parts = inv.rest.strip().split(maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        raise UserError("mail.repondre.missing", usage=("repondre", None))
    reference, answer = parts[0].strip().upper(), parts[1].strip()
    desk = ctx.desk
    if desk is None:
        raise UserError("mail.repondre.no_mail")
    handover = desk.handover(reference)
    if handover is None:
        raise UserError("mail.repondre.unknown", reference=reference)
    if handover.state != "open":
        raise UserError("mail.repondre.already", reference=reference, agent=handover.answered_by or "?")
    desk.send_agent_answer(handover, answer, inv.actor.id, inv.request.now)
    if handover.channel == "email":
        said = text("mail.repondre.sent", reference=reference, sender=handover.sender)
    elif handover.channel == "slack":
        said = text("handover.sent_slack", reference=reference, asker=handover.member_id)
    else:
        said = text("handover.recorded", reference=reference)
    return Reply(
        Status.OK,
        text("mail.repondre.sent_title"),
        body=[said],
        facts=[Fact(text("mail.repondre.fact_reference"), reference)],
        reference=reference,
    )
