"""The agents' desk (handlers.ports.HandoverDesk): questions the bot could not settle, from every door, and
the agents' answers, delivered where the question was asked.

- From the mailbox: bot/mail/processor.py records the hand-over itself (it holds the thread headers).
- From Slack or the console: `hand_over` records the same kind of hand-over (store.mailbox, so `courriels`
  and the digest list it) and alerts the agents' channel.
- `send_agent_answer` (`repondre`): an email question is answered by email in its thread (through the
  outbox); a Slack question by a direct message to the asker (once: the schedule ledger keys it); a console
  question is recorded as answered (the operator reads the answer in `repondre`'s reply and the audit).

Nobody can receive a hand-over when there is no agents' channel, no mailbox and no ARS member: `hand_over`
then returns None and the question's reply says whom to contact instead of promising an answer.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.render.email import agent_reply, bodies, build_reply
from handlers import faults
from handlers.errors import UserError
from handlers.mail_message import thread_message_id
from handlers.reply import Request
from store.mailbox import Handover, Mailbox
from store.outbox import Outbox
from store.records import Role
from store.repository import Repository
from store.schedule_ledger import ScheduleLedger
from templates import text

log = logging.getLogger(__name__)

Alert = Callable[[str], None]  # posts one French line in the agents' channel
DirectMessage = Callable[[str, str], None]  # (Slack user id, text)


def agent_reply_key(message_id: str) -> str:
    return f"mail-agent-reply:{message_id}"


def slack_answer_key(reference: str) -> str:
    return f"handover-answer:{reference}"


def _escape(value: str) -> str:
    # The asker's text must not ping `<!channel>` or forge links in the agents' channel.
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class AgentsDesk:
    mailbox: Mailbox
    outbox: Outbox | None = None  # None: no SMTP (an email question cannot be answered)
    sender: str | None = None  # MAIL_FROM
    on_enqueue: Callable[[], None] | None = None  # wakes the outbox worker
    alert: Alert | None = None  # the agents' Slack channel, when Slack and EXPE50_ARS_CHANNEL are set
    direct_message: DirectMessage | None = None  # Slack DMs, when Slack is configured
    mailbox_watched: bool = False  # IMAP configured: the agents work from the mailbox and the digest
    repo: Repository | None = None  # to know whether an ARS member exists

    # ---- reading ----

    def handover(self, reference: str) -> Handover | None:
        return self.mailbox.handover(reference)

    def open_handovers(self) -> list[Handover]:
        return self.mailbox.open_handovers()

    # ---- from Slack and the console ----

    def can_receive(self) -> bool:
        if self.alert is not None or self.mailbox_watched:
            return True
        return self.repo is not None and any(m.role is Role.ARS for m in self.repo.members())

    def hand_over(self, request: Request, question: str) -> Handover | None:
        if not self.can_receive():
            return None
        # One hand-over per delivery: a Slack retry (same delivery id) finds the first one.
        identity = request.delivery_id or f"{request.member_id}|{request.now.isoformat()}|{question}"
        digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]
        handover = self.mailbox.add_handover(
            message_id=f"{request.channel}:{digest}",
            sender=self._asker(request),
            subject=question[:120],
            question=question,
            references=(),
            reason="unsettled",
            now=request.now,
            channel=request.channel,
            member_id=request.member_id,
        )
        self.notify(
            text(
                "handover.alert",
                channel=text(f"handover.door.{request.channel}"),
                asker=_escape(handover.sender or "?"),
                reference=handover.reference,
                question=_escape(question[:1500]).replace("\n", "\n> "),
            )
        )
        return handover

    def notify(self, message: str) -> None:
        """Alert the agents' channel (after the durable write: a lost post still leaves the digest)."""
        if self.alert is None:
            log.info("hand-over not posted to Slack (no EXPE50_ARS_CHANNEL or no Slack); see the digest")
            return
        try:
            self.alert(message)
        except Exception as error:
            log.error("could not alert the agents' channel: %s", faults.where(error))

    def _asker(self, request: Request) -> str | None:
        member = None
        if self.repo is not None and request.member_id:
            member = self.repo.member(request.member_id)
        if member is not None and member.email:
            return f"{member.member_id} ({member.email})"
        return request.member_id

    # ---- answering ----

    def send_agent_answer(self, handover: Handover, answer: str, agent: str, now: datetime) -> None:
        if handover.channel == "slack":
            self._answer_in_slack(handover, answer, agent, now)
        elif handover.channel == "email":
            self._answer_by_email(handover, answer, agent, now)
        else:  # console / cli: the local operator asked; the answer is recorded with the hand-over
            self.mailbox.mark_answered(handover.reference, agent, now, answer=answer)

    def _answer_by_email(self, handover: Handover, answer: str, agent: str, now: datetime) -> None:
        """Queue the agent's answer as a threaded reply and close the hand-over, in one durable batch."""
        if self.outbox is None or self.sender is None:
            raise UserError("mail.repondre.no_mail")
        if not handover.sender:
            raise UserError("mail.repondre.no_sender", reference=handover.reference)
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
            # A second message reusing a Message-ID is kept under a variant key; the thread is the real id.
            message_id=thread_message_id(handover.message_id),
            references=handover.references,
            plain=plain,
            html=html,
        )
        with self.mailbox.database.batch():
            self.outbox.enqueue(agent_reply_key(handover.message_id), message, now)
            self.mailbox.mark_answered(handover.reference, agent, now, answer=answer)
        if self.on_enqueue is not None:
            self.on_enqueue()

    def _answer_in_slack(self, handover: Handover, answer: str, agent: str, now: datetime) -> None:
        if self.direct_message is None or not handover.member_id:
            raise UserError("handover.no_slack", reference=handover.reference)
        message = text(
            "handover.answer_dm",
            reference=handover.reference,
            # Both are people's text: escaped, so neither pings (`<!channel>`) nor forges a link.
            question=_escape(handover.question[:1500]).replace("\n", "\n> "),
            answer=_escape(answer),
        )
        ledger = ScheduleLedger(self.mailbox.database)
        key = slack_answer_key(handover.reference)
        # sending → post → sent: a crash between them leaves the hand-over open and the key `sending`; the
        # agent sees « déjà en cours » rather than the asker getting the answer twice.
        payload = {
            "text": message,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": message}}],
        }
        if ledger.begin(key, "slack", handover.member_id, payload, now):
            self.direct_message(handover.member_id, message)
        with self.mailbox.database.batch():
            ledger.mark_sent(key, now)
            self.mailbox.mark_answered(handover.reference, agent, now, answer=answer)
