"""The agents' side of the mailbox: answer a handed-over question (`/expe50 repondre`) and list what waits.

The runtime puts a `MailDesk` in `ctx.extras["mail"]`; the `repondre` command talks to it only through the
`handlers.commands.repondre.Desk` protocol.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.render.email import agent_reply, bodies, build_reply
from store.mailbox import Handover, Mailbox
from store.outbox import Outbox
from templates import text


def agent_reply_key(message_id: str) -> str:
    return f"mail-agent-reply:{message_id}"


@dataclass
class MailDesk:
    mailbox: Mailbox
    outbox: Outbox
    sender: str
    on_enqueue: Callable[[], None] | None = None

    def handover(self, reference: str) -> Handover | None:
        return self.mailbox.handover(reference)

    def open_handovers(self) -> list[Handover]:
        return self.mailbox.open_handovers()

    def send_agent_answer(self, handover: Handover, answer: str, agent: str, now: datetime) -> None:
        """Queue the agent's answer as a threaded reply and close the hand-over, in one durable batch."""
        assert handover.sender is not None
        plain, html = bodies(
            agent_reply(answer),
            question=handover.question or None,
            human_hint=False,
            automatic=False,
            signature=text("mail.signature"),
        )
        message = build_reply(
            sender=self.sender,
            to=handover.sender,
            subject=handover.subject,
            message_id=handover.message_id,
            references=handover.references,
            plain=plain,
            html=html,
        )
        with self.mailbox.database.batch():
            self.outbox.enqueue(agent_reply_key(handover.message_id), message, now)
            self.mailbox.mark_answered(handover.reference, agent, now)
        if self.on_enqueue is not None:
            self.on_enqueue()
