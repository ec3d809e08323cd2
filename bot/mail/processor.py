"""One incoming email, start to finish: decode -> dedup -> guard -> rules -> outbox / hand-over.

Crash safety: the outbox write (or the hand-over) and the "processed" mark are one store batch, durable
before `process` returns; the watcher sets the IMAP keyword and moves its UID mark only after that. A crash
anywhere before leaves the message unmarked: it is processed again after the restart, and the Message-ID
dedup plus the outbox idempotency key ("mail-reply:<Message-ID>") keep that from sending a second reply.

A message that cannot be processed (a bug, a store error) is counted as a failure with its reason; after a
few attempts it is recorded as processed ("failed") and shown to the agents, never retried forever.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.export import file_bytes
from bot.render.email import bodies, build_reply, refusal_reply
from bot.render.slack import escape
from handlers import faults, health_data, mail_guard, mail_reply
from handlers.mail_message import IncomingMail, header_hash_id, parse, variant_key
from handlers.reply import Reply
from store.mailbox import Mailbox
from store.outbox import Outbox
from templates import text

log = logging.getLogger(__name__)

AnswerFn = Callable[[str, datetime], Reply]
Notify = Callable[[str], None]


def reply_key(message_id: str) -> str:
    """The outbox key of the one reply a message may get."""
    return f"mail-reply:{message_id}"


@dataclass(frozen=True)
class Processed:
    message_id: str
    outcome: str  # answered | handed_over | refused | ignored | duplicate | failed | retry
    reason: str
    reference: str | None = None  # hand-over reference
    note: str | None = None  # what to post to the agents (once the store lock is released)


@dataclass
class MailProcessor:
    mailbox: Mailbox
    outbox: Outbox
    answer: AnswerFn
    sender: str  # MAIL_FROM, e.g. "ARS Normandie — Expé 50 <expe50@ars.example.fr>"
    own_addresses: frozenset[str] = frozenset()
    daily_limit: int = 3
    max_bytes: int = 1_000_000
    notify: Notify | None = None  # posts a French line to the agents (Slack), when configured
    on_enqueue: Callable[[], None] | None = None  # wakes the outbox worker
    lock: AbstractContextManager[Any] = field(default_factory=nullcontext)  # the Context's store lock
    _addresses: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        own = mail_guard.normalize_address(self.sender)
        self._addresses = frozenset({a.lower() for a in self.own_addresses} | ({own} if own else set()))

    def process(self, raw: bytes, now: datetime) -> Processed:
        """Handle one raw message; never raises (a failure is recorded and returned as "failed"/"retry")."""
        message_id = header_hash_id(raw)
        mail: IncomingMail | None = None
        try:
            mail = parse(raw, self.max_bytes)
            message_id = mail.message_id
            with self.lock:
                result = self._process(mail, now)
            # Slack is posted to outside the store lock: a slow Web API must not hold up the commands.
            if result.note is not None:
                self._notify(result.note)
            return result
        except Exception as error:  # bad input or a bug must never stop the watcher
            reason = f"{type(error).__name__}"
            log.error("mail: could not process %s: %s", message_id, faults.where(error))
            try:
                sender, subject = _recognisable(mail)
                failure = self.mailbox.record_failure(message_id, reason, now, sender=sender, subject=subject)
            except Exception as error:
                log.error("mail: could not record the failure of %s: %s", message_id, faults.where(error))
                return Processed(message_id, "retry", reason)
            if failure.final:
                self._notify(text("mail.failure.slack", reason=reason))
                return Processed(message_id, "failed", reason)
            return Processed(message_id, "retry", reason)

    def _key(self, mail: IncomingMail) -> str | None:
        """The id this message is processed under, or None when it was processed already. A Message-ID seen
        with another content (a client reusing ids, a header hash shared by two messages) is another message:
        it gets its own key, so it is processed (or handed over), never dropped as a duplicate."""
        seen = self.mailbox.outcome(mail.message_id)
        if seen is None:
            return mail.message_id
        if not mail.digest or seen.get("digest") in (None, mail.digest):
            return None
        variant = variant_key(mail.message_id, mail.digest)
        return None if self.mailbox.is_processed(variant) else variant

    def _process(self, mail: IncomingMail, now: datetime) -> Processed:
        key = self._key(mail)
        if key is None:
            return Processed(mail.message_id, "duplicate", "already processed")
        sender = mail.sender
        replies = self.mailbox.replies_today(sender, now) if sender else 0
        verdict = mail_guard.check(mail.headers, sender, self._addresses, replies, self.daily_limit)
        if not verdict.allowed and verdict.reason != "rate-limit":
            self.mailbox.record_processed(key, "ignored", verdict.reason, now, mail.digest)
            log.info("mail: %s ignored (%s)", key, verdict.reason)
            return Processed(mail.message_id, "ignored", verdict.reason)
        if not verdict.allowed:
            # A person over the daily cap: no automatic reply, but a human still sees the question.
            return self._hand_over(mail, key, "rate_limited", now)
        decision = self._plan(mail, now)
        if decision.action == "handover":
            return self._hand_over(mail, key, decision.reason, now)
        assert sender is not None  # the guard refuses a message without a reply address
        files: list[tuple[str, str, bytes]] = []
        if decision.action == "refuse":
            plain, html = bodies(refusal_reply(), human_hint=False)
            outcome = "refused"
        else:
            assert decision.reply is not None
            plain, html = bodies(decision.reply, question=mail.question)
            outcome = "answered"
            # A reply's typed tables go as attachments, written here at the edge.
            files = [(a.filename, a.media_type, file_bytes(a)) for a in decision.reply.attachments]
        message = build_reply(
            sender=self.sender,
            to=sender,
            subject=mail.subject,
            message_id=mail.message_id,
            references=mail.references,
            plain=plain,
            html=html,
            attachments=files,
        )
        with self.mailbox.database.batch():
            self.outbox.enqueue(reply_key(key), message, now)
            self.mailbox.count_reply(sender, now)
            self.mailbox.record_processed(key, outcome, decision.reason, now, mail.digest)
        if self.on_enqueue is not None:
            self.on_enqueue()
        return Processed(mail.message_id, outcome, decision.reason)

    def _plan(self, mail: IncomingMail, now: datetime) -> mail_reply.MailPlan:
        """The rules' decision, understood without the store lock (a long question must not hold up the
        other channels); only this thread processes mail, so nothing changes the message's state meanwhile."""
        release = getattr(self.lock, "release", None)
        acquire = getattr(self.lock, "acquire", None)
        if release is None or acquire is None:
            return mail_reply.plan(mail, lambda question: self.answer(question, now))
        release()
        try:
            return mail_reply.plan(mail, lambda question: self.answer(question, now))
        finally:
            acquire()

    def _hand_over(self, mail: IncomingMail, key: str, reason: str, now: datetime) -> Processed:
        with self.mailbox.database.batch():
            handover = self.mailbox.add_handover(
                message_id=key,
                sender=mail.sender,
                subject=mail.subject,
                question=mail.question,
                references=mail.references,
                reason=reason,
                now=now,
            )
            self.mailbox.record_processed(key, "handed_over", reason, now, mail.digest)
        # After the durable write: a crash here loses only the Slack post; the digest still lists it.
        note = text(
            "mail.handover.slack",
            # The sender's text must not ping `<!channel>` or forge links in the agents' channel.
            sender=escape(mail.sender or "?"),
            reference=handover.reference,
            reason=text(f"mail.reason.{reason}"),
            question=escape((mail.question or text("mail.handover.no_text"))[:1500]).replace("\n", "\n> "),
        )
        return Processed(mail.message_id, "handed_over", reason, handover.reference, note)

    def _notify(self, message: str) -> None:
        if self.notify is None:
            log.info("mail: no agents' channel configured; the digest lists it")
            return
        try:
            self.notify(message)
        except Exception as error:
            log.error("mail: could not notify the agents: %s", faults.where(error))


def _recognisable(mail: IncomingMail | None) -> tuple[str | None, str]:
    """What lets an agent find a failed message in the mailbox: its sender and its subject, the subject with
    NIR-like numbers and dates masked, and dropped when the message held a patient identifier."""
    if mail is None:
        return None, ""
    subject = "" if mail.identifier else health_data.redact(mail.subject)
    return mail.sender, subject
