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
from typing import Any, TypeVar

from bot.export import file_bytes
from bot.render.email import bodies, build_reply, refusal_reply
from bot.render.slack import escape
from handlers import faults, health_data, mail_choice, mail_guard, mail_reply
from handlers.mail_message import IncomingMail, header_hash_id, parse, variant_key
from handlers.reply import Reply, Status
from store.mail_choices import MailChoices, PendingChoice, Reading
from store.mailbox import Mailbox
from store.outbox import Outbox, message_id_for
from templates import text

log = logging.getLogger(__name__)

AnswerFn = Callable[[str, datetime], Reply]
T = TypeVar("T")
Notify = Callable[[str], None]


def reply_key(message_id: str) -> str:
    """The outbox key of the one reply a message may get."""
    return f"mail-reply:{message_id}"


@dataclass(frozen=True)
class Processed:
    message_id: str
    outcome: str  # answered | offered | handed_over | refused | ignored | duplicate | failed | retry
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
    choice_days: int = mail_choice.DEFAULT_DAYS  # how long readings offered by email can be picked
    # Whether anyone receives hand-overs (the agents' desk); when not, « none » is told whom to contact.
    can_hand_over: Callable[[], bool] = lambda: True
    _addresses: frozenset[str] = field(init=False, default=frozenset())
    _choices: MailChoices = field(init=False)

    def __post_init__(self) -> None:
        own = mail_guard.normalize_address(self.sender)
        self._addresses = frozenset({a.lower() for a in self.own_addresses} | ({own} if own else set()))
        self._choices = MailChoices(self.mailbox.database)

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
        choice = self._choices.in_thread(
            mail_choice.thread_of(mail), mail.sender, mail_choice.author_of(mail)
        )
        step = mail_choice.decide(choice, mail, now)
        if choice is not None and step.action != "question":
            return self._on_choice(mail, key, choice, step, verdict.allowed, now)
        if not verdict.allowed:
            # A person over the daily cap: no automatic reply, but a human still sees the question.
            return self._hand_over(mail, key, "rate_limited", now)
        decision = self._unlocked(lambda: mail_reply.plan(mail, lambda question: self.answer(question, now)))
        if decision.action == "handover":
            return self._hand_over(mail, key, decision.reason, now)
        assert sender is not None  # the guard refuses a message without a reply address
        files: list[tuple[str, str, bytes]] = []
        offer: PendingChoice | None = None
        if decision.action == "refuse":
            plain, html = bodies(refusal_reply(), human_hint=False)
            outcome = "refused"
        elif decision.action == "choose":
            assert decision.reply is not None
            offer, offered = self._offer(mail, key, decision.reply, now)
            # The readings say how to go on (a number, or a person): no « reply agent » hint under them.
            plain, html = bodies(offered, question=mail.question, human_hint=False)
            outcome = "offered"
        else:
            assert decision.reply is not None
            plain, html = bodies(decision.reply, question=mail.question)
            outcome = "answered"
            # A reply's typed tables go as attachments, written here at the edge.
            files = [(a.filename, a.media_type, file_bytes(a)) for a in decision.reply.attachments]
        self._send(mail, key, plain, html, outcome, decision.reason, now, files=files, offer=offer)
        return Processed(mail.message_id, outcome, decision.reason)

    def _send(
        self,
        mail: IncomingMail,
        key: str,
        plain: str,
        html: str,
        outcome: str,
        reason: str,
        now: datetime,
        *,
        files: list[tuple[str, str, bytes]] | None = None,
        offer: PendingChoice | None = None,
        picked: tuple[str, int] | None = None,
    ) -> None:
        """Queue the one reply `mail` gets, in its thread, and record what it did, as one durable batch: a
        crash before leaves the message to be processed again; after, the outbox sends it (once)."""
        assert mail.sender is not None
        message = build_reply(
            sender=self.sender,
            to=mail.sender,
            subject=mail.subject,
            message_id=mail.message_id,
            references=mail.references,
            plain=plain,
            html=html,
            attachments=files or [],
        )
        with self.mailbox.database.batch():
            self.outbox.enqueue(reply_key(key), message, now)
            self.mailbox.count_reply(mail.sender, now)
            self.mailbox.record_processed(key, outcome, reason, now, mail.digest)
            if offer is not None:
                self._choices.offer(offer)
            if picked is not None:
                self._choices.mark_picked(*picked)
        if self.on_enqueue is not None:
            self.on_enqueue()

    def _offer(
        self, mail: IncomingMail, key: str, reply: Reply, now: datetime
    ) -> tuple[PendingChoice, Reply]:
        """The readings to offer by email, and the record that lets a numbered reply in the thread pick one.
        Keyed by the Message-ID our email will carry (the outbox's id is a function of its key)."""
        expires, until = mail_choice.open_until(now, self.choice_days)
        found = reply.data.get("choices")
        readings = tuple(
            Reading(str(c.get("label")), c.get("entry") if isinstance(c.get("entry"), str) else None)
            for c in (found if isinstance(found, list) else [])
            if isinstance(c, dict)
        )
        assert mail.sender is not None
        offer = PendingChoice(
            sent_id=message_id_for(reply_key(key), self.outbox.sender),
            asked_id=mail.message_id,
            sender=mail.sender,
            author=mail_choice.author_of(mail),
            subject=mail.subject,
            question=mail.question,
            references=mail.references,
            readings=readings,
            at=now.isoformat(),
            expires=expires.isoformat(),
        )
        return offer, mail_choice.offer_reply(reply, until)

    def _on_choice(
        self,
        mail: IncomingMail,
        key: str,
        choice: PendingChoice,
        step: mail_choice.Step,
        allowed: bool,
        now: datetime,
    ) -> Processed:
        """A reply in the thread of readings offered, from their asker, that picks one (or a person)."""
        if step.action == "repeat":
            # The reading was answered (or the question handed over) already: nothing is sent twice.
            self.mailbox.record_processed(key, "ignored", "choice_repeated", now, mail.digest)
            return Processed(mail.message_id, "ignored", "choice_repeated")
        if step.action == "handover" or not allowed:
            # Over the daily cap, a person still sees the question, as with any other message.
            reason = "choice_none" if step.action == "handover" else "rate_limited"
            return self._hand_over(mail, key, reason, now, choice=choice, acknowledge=allowed)
        if step.action == "expired":
            reply = mail_choice.expired_reply(choice, self.choice_days)
        elif step.action == "out_of_range":
            assert step.number is not None
            reply = mail_choice.out_of_range_reply(step.number, len(choice.readings))
        else:
            assert step.reading is not None and step.number is not None
            reading, number = step.reading, step.number
            answer = self._unlocked(lambda: self.answer(reading.label, now))
            if answer.needs_human or answer.status is Status.UNKNOWN or not answer.ok:
                # The reading itself cannot be settled: the original question goes to a person.
                return self._hand_over(mail, key, "unsettled", now, choice=choice, acknowledge=True)
            plain, html = bodies(
                mail_choice.picked_reply(answer, number, reading.label), question=choice.question
            )
            files = [(a.filename, a.media_type, file_bytes(a)) for a in answer.attachments]
            picked = (choice.sent_id, number)
            self._send(mail, key, plain, html, "answered", "choice", now, files=files, picked=picked)
            return Processed(mail.message_id, "answered", "choice")
        plain, html = bodies(reply, question=choice.question, human_hint=False)
        self._send(mail, key, plain, html, "answered", f"choice_{step.action}", now)
        return Processed(mail.message_id, "answered", f"choice_{step.action}")

    def _unlocked(self, work: Callable[[], T]) -> T:
        """Run the answerer without the store lock (a long question must not hold up the other channels);
        only this thread processes mail, so nothing changes the message's state meanwhile."""
        release = getattr(self.lock, "release", None)
        acquire = getattr(self.lock, "acquire", None)
        if release is None or acquire is None:
            return work()
        release()
        try:
            return work()
        finally:
            acquire()

    def _hand_over(
        self,
        mail: IncomingMail,
        key: str,
        reason: str,
        now: datetime,
        *,
        choice: PendingChoice | None = None,
        acknowledge: bool = False,
    ) -> Processed:
        """Give the message to the agents. A pick of « none » gives them the question it was about and, with
        `acknowledge`, tells the asker in the thread (or, when nobody receives hand-overs, whom to
        contact)."""
        if choice is not None and acknowledge and not self.can_hand_over():
            plain, html = bodies(mail_choice.nobody_reply(), question=choice.question, human_hint=False)
            self._send(mail, key, plain, html, "answered", "choice_nobody", now)
            return Processed(mail.message_id, "answered", "choice_nobody")
        question = choice.question if choice is not None else mail.question
        with self.mailbox.database.batch():
            handover = self.mailbox.add_handover(
                message_id=key,
                sender=mail.sender,
                subject=choice.subject if choice is not None else mail.subject,
                question=question,
                references=mail.references,
                reason=reason,
                now=now,
            )
            if choice is not None:
                self._choices.mark_handed_over(choice.sent_id, handover.reference)
            if choice is not None and acknowledge and mail.sender:
                plain, html = bodies(
                    mail_choice.handed_over_reply(handover.reference), question=question, human_hint=False
                )
                # Inside the batch: the hand-over, its acknowledgement and the processed mark are one write.
                self._send(mail, key, plain, html, "handed_over", reason, now)
            self.mailbox.record_processed(key, "handed_over", reason, now, mail.digest)
        # After the durable write: a crash here loses only the Slack post; the digest still lists it.
        note = text(
            "mail.handover.slack",
            # The sender's text must not ping `<!channel>` or forge links in the agents' channel.
            sender=escape(mail.sender or "?"),
            reference=handover.reference,
            reason=text(f"mail.reason.{reason}"),
            question=escape((question or text("mail.handover.no_text"))[:1500]).replace("\n", "\n> "),
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
