"""The services handlers need from the runtime, declared here as Protocols and implemented in bot/.

The composition root (bot/app.py) builds the implementations and puts them in typed fields of
`handlers.context.Context`; a handler reads `ctx.desk`, never a dictionary looked up by string. A field
left at None means the service is not configured (no mailbox, no Slack): the handler says so in French.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from handlers.reply import Request
from store.mailbox import Handover


class HandoverDesk(Protocol):
    """The agents' desk: questions handed over to a person, from any door, and their answers."""

    def handover(self, reference: str) -> Handover | None:
        """The hand-over with this reference (case-insensitive), or None."""
        ...

    def send_agent_answer(self, handover: Handover, answer: str, agent: str, now: datetime) -> None:
        """Deliver an agent's answer to the asker where they asked, and close the hand-over (durably)."""
        ...

    def hand_over(self, request: Request, question: str) -> Handover | None:
        """Record a question the bot could not settle (asked in Slack or at the console) for the agents,
        and alert them; None when nobody can receive hand-overs (the reply must then not promise one)."""
        ...
