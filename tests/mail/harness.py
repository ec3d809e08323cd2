"""A whole mail bot on loopback for the end-to-end tests: store, outbox worker (SMTP to the test server),
processor and IMAP watcher (on the test Dovecot), with delays shrunk so tests take a second or two.

`answer_for_tests` stands in for the rules where a test needs a fixed answer; the other tests use the real
question answerer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from imapclient import IMAPClient

from bot.desk import AgentsDesk
from bot.mail.outbox import OutboxWorker
from bot.mail.processor import AnswerFn, MailProcessor
from bot.mail.smtp import SmtpSettings, SmtpTransport
from bot.mail.watcher import ImapSettings, MailWatcher, WatchTiming
from handlers.reply import ReasonLine, Reply, Status
from rules.reasons import Confidence, Source
from store import schema
from store.engine import Database
from store.mailbox import Mailbox
from store.outbox import Outbox
from tests.support.dovecot import ImapAccount
from tests.support.smtp import SmtpServer

BOT_ADDRESS = "ars@test.local"
FAST = WatchTiming(renew_seconds=5, check_seconds=0.2, socket_timeout=5, backoff_base=0.1, backoff_cap=0.5)


def clock() -> datetime:
    return datetime.now(UTC)


def answer_for_tests(question: str, now: datetime) -> Reply:
    """Answers questions about the inclusion fee; anything else needs a human."""
    if "inclusion" in question.lower():
        return Reply(
            Status.OK,
            "Le forfait d'inclusion est de 320,00 €.",
            reasons=[
                ReasonLine(
                    "Montant du premier mois à domicile.",
                    Source("arrêté du 20 février 2025", "art. 1"),
                    Confidence.TEXT,
                )
            ],
        )
    return Reply(Status.UNKNOWN, "Je ne sais pas répondre.", needs_human=True)


class MailBot:
    def __init__(
        self,
        db_path: Path,
        account: ImapAccount,
        smtp: SmtpServer,
        answer: AnswerFn = answer_for_tests,
        *,
        notify: Callable[[str], None] | None = None,
        daily_limit: int = 3,
        timing: WatchTiming = FAST,
        imap_port: int | None = None,  # where the watcher connects (a proxy), when not the account's port
        now: Callable[[], datetime] = clock,  # the bot's clock (a test may move it days ahead)
        can_hand_over: Callable[[], bool] = lambda: True,
    ) -> None:
        self.account = account
        self.db = Database.open(db_path, schema_version=schema.SCHEMA_VERSION)
        self.mailbox = Mailbox(self.db)
        self.outbox = Outbox(self.db, f"ARS Expé 50 <{BOT_ADDRESS}>", backoff_base=timedelta(seconds=0.2))
        self.worker = OutboxWorker(
            self.outbox,
            SmtpTransport(SmtpSettings(smtp.host, smtp.port, "none", timeout=5)),
            now,
            poll_seconds=0.5,
        )
        self.notified: list[str] = []
        self.processor = MailProcessor(
            mailbox=self.mailbox,
            outbox=self.outbox,
            answer=answer,
            sender=f"ARS Expé 50 <{BOT_ADDRESS}>",
            daily_limit=daily_limit,
            notify=notify or self.notified.append,
            on_enqueue=self.worker.wake,
            can_hand_over=can_hand_over,
        )
        self.desk = AgentsDesk(self.mailbox, self.outbox, self.processor.sender, self.worker.wake)
        port = imap_port or account.port
        settings = ImapSettings(account.host, port, account.user, account.password, ssl=False)
        self.watcher = MailWatcher(settings, self.processor, self.mailbox, now, timing=timing)

    def start(self, *, worker: bool = True) -> MailBot:
        self.watcher.start()
        if worker:
            self.worker.start()
        return self

    def stop(self) -> None:
        self.watcher.stop()
        self.worker.stop()
        self.db.close()

    def wait_processed(self, message_id: str, timeout: float = 10.0) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            outcome = self.mailbox.outcome(message_id)
            if outcome is not None:
                return outcome
            time.sleep(0.05)
        raise AssertionError(f"{message_id} not processed within {timeout} s")

    def wait_notified(self, count: int, timeout: float = 10.0) -> list[str]:
        """The agents' alerts go out after the durable write that marks the message processed (a lost post
        still leaves the digest): wait for them rather than expect them with the outcome."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.notified) >= count:
                return self.notified
            time.sleep(0.05)
        raise AssertionError(f"{count} alert(s) expected within {timeout} s, got {len(self.notified)}")


def question(
    body: str,
    *,
    subject: str = "Question forfait",
    message_id: str = "<q1@ch-rouen.fr>",
    sender: str = "Dr Martin <martin@ch-rouen.fr>",
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = BOT_ADDRESS
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Mon, 02 Mar 2026 09:00:00 +0100"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def deliver(account: ImapAccount, *raws: bytes) -> None:
    """What an MTA does: put messages into the INBOX."""
    with IMAPClient(account.host, account.port, ssl=False) as client:
        client.login(account.user, account.password)
        for raw in raws:
            client.append("INBOX", raw)


CORPUS = Path(__file__).parent / "corpus"


def corpus_files() -> list[Path]:
    # An empty file is refused by IMAP APPEND itself; the decoding tests cover it.
    return sorted(path for path in CORPUS.glob("*.eml") if path.stat().st_size)


def agent_command(bot: MailBot, command: str, member_id: str = "U0AGENT") -> Reply:
    """Run `/expe50 <command>` from Slack as an ARS agent, through the real dispatch."""
    from handlers.context import Context
    from handlers.dispatch import dispatch
    from handlers.reply import Request
    from rules.parameters import load_parameters
    from store.records import Member, Role
    from store.repository import Origin, Repository

    repo = Repository(bot.db)
    now = clock()
    repo.save_member(Member(member_id, Role.ARS, region="28"), Origin("operateur-local", "console", now))
    ctx = Context(repo=repo, params=load_parameters(), desk=bot.desk)
    return dispatch(Request(member_id, command, "slack", now), ctx)


def inbox_flags(account: ImapAccount) -> list[tuple[bytes, ...]]:
    with IMAPClient(account.host, account.port, ssl=False) as client:
        client.login(account.user, account.password)
        client.select_folder("INBOX", readonly=True)
        fetched = client.fetch(client.search("ALL"), ["FLAGS"])
        return [tuple(data[b"FLAGS"]) for _, data in sorted(fetched.items())]
