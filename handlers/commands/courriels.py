"""`courriels`: what the ARS mailbox holds for the agents, on demand — the questions waiting for one of them
(with the reference `repondre` takes) and the mail that failed lately (incoming messages given up, outgoing
ones the outbox gave up on). The weekly digest lists the same; this is the up-to-date view.

Reads the store directly (not the mail runtime's desk): outgoing failures exist without a mailbox too (a
reminder or digest the SMTP server refused).
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context, Invocation
from handlers.mail_status import failure_line, read_failures, read_waiting, waiting_line
from handlers.registry import ADMINS, command
from handlers.reply import Fact, Reply, Status
from store.records import Role
from templates import number, text

FAILURE_DAYS = 30
MAX_LINES = 20  # per list: a Slack message stays readable; the rest is counted


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return [*lines[:MAX_LINES], text("mail.courriels.more", count=len(lines) - MAX_LINES)]


@command(
    "courriels",
    roles=ADMINS | {Role.ARS},
    usage="mail.courriels.usage",
    help="mail.courriels.help",
    aliases=("boite", "boîte", "courriel", "mails"),
)
def courriels(inv: Invocation, ctx: Context) -> Reply:
    db = ctx.repo.database
    since = inv.request.now - timedelta(days=FAILURE_DAYS)
    waiting = read_waiting(db)
    # Newest first: the one an agent was just alerted about is at the top.
    failures = [f for f in read_failures(db) if f.at is None or f.at >= since][::-1]
    body: list[str] = []
    if waiting:
        body.append(text("mail.courriels.waiting", count=len(waiting)))
        body += [f"• {line}" for line in _capped([waiting_line(q) for q in waiting])]
        body.append(text("mail.courriels.how"))
    else:
        body.append(text("mail.courriels.no_waiting"))
    if failures:
        body.append(text("mail.courriels.failures", days=FAILURE_DAYS, count=len(failures)))
        body += [f"• {line}" for line in _capped([failure_line(f) for f in failures])]
        body.append(text("mail.courriels.failures_note"))
    else:
        body.append(text("mail.courriels.no_failures", days=FAILURE_DAYS))
    return Reply(
        Status.WARNING if failures else Status.OK,
        text("mail.courriels.title"),
        body=body,
        facts=[
            Fact(text("mail.courriels.fact_waiting"), number(len(waiting))),
            Fact(text("mail.courriels.fact_failures"), number(len(failures))),
        ],
        data={
            "waiting": [q.reference for q in waiting],
            "failures": [{"direction": f.direction.value, "reason": f.reason} for f in failures],
        },
    )
