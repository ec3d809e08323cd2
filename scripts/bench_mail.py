"""Mailbox throughput: 500 questions in the mailbox, time until all 500 replies reach the SMTP server,
against a bare imapclient loop that only fetches the same 500 messages, in the same run.

    .venv/bin/python scripts/bench_mail.py [--count 500]

Starts a private Dovecot (dovecot-imapd, as the tests do) and an aiosmtpd server on loopback; the bot runs
with the real rules (handlers.questions), the real store (fsynced journal) and the real outbox worker.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from imapclient import IMAPClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.mail.outbox import OutboxWorker  # noqa: E402
from bot.mail.processor import AnswerFn, MailProcessor  # noqa: E402
from bot.mail.smtp import SmtpSettings, SmtpTransport  # noqa: E402
from bot.mail.watcher import ImapSettings, MailWatcher, WatchTiming  # noqa: E402
from handlers.questions import answer_question  # noqa: E402
from handlers.reply import Reply, Status  # noqa: E402
from store import schema  # noqa: E402
from store.engine import Database  # noqa: E402
from store.mailbox import Mailbox  # noqa: E402
from store.outbox import Outbox  # noqa: E402
from tests.support.dovecot import Dovecot, ImapAccount  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

QUESTIONS = (
    "Quel montant pour le mois d'inclusion ?",
    "Montant du forfait mensuel ?",
    "Combien d'établissements maximum par région ?",
    "L'expérimentation se termine quand ?",
    "Un mois sans administration donne-t-il droit au forfait mensuel ?",
)


def _message(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = f"Etablissement {number} <site{number}@ch.example.fr>"
    message["To"] = "ars@test.local"
    message["Subject"] = f"Question {number}"
    message["Message-ID"] = f"<bench{number}@ch.example.fr>"
    message.set_content(f"Bonjour,\n\n{QUESTIONS[number % len(QUESTIONS)]}\n\nCordialement,\nDr X\n")
    return message.as_bytes()


def _fill(account: ImapAccount, count: int) -> None:
    with IMAPClient(account.host, account.port, ssl=False) as client:
        client.login(account.user, account.password)
        for number in range(count):
            client.append("INBOX", _message(number))


def bare_fetch(account: ImapAccount, count: int) -> float:
    """The floor: log in, select, search, fetch every message with BODY.PEEK[] in chunks, nothing else."""
    started = time.perf_counter()
    with IMAPClient(account.host, account.port, ssl=False) as client:
        client.login(account.user, account.password)
        client.select_folder("INBOX")
        uids = client.search("ALL")
        for start in range(0, len(uids), 50):
            client.fetch(uids[start : start + 50], ["BODY.PEEK[]"])
    assert len(uids) == count
    return time.perf_counter() - started


def _fixed_answer(question: str, now: datetime) -> Reply:
    return Reply(Status.OK, "Réponse fixe.")


def _rules_answer(question: str, now: datetime) -> Reply:
    return answer_question(question, now)


def bot_run(
    account: ImapAccount, smtp: SmtpServer, count: int, work: Path, answer: AnswerFn
) -> tuple[float, float]:
    """(seconds until every reply reached SMTP, seconds until every message was processed)."""
    smtp.received.clear()
    db = Database.open(work / f"bench-{account.user}.json", schema_version=schema.SCHEMA_VERSION)
    sender = f"ARS <{account.user}>"
    mailbox = Mailbox(db)
    outbox = Outbox(db, sender)

    def clock() -> datetime:
        return datetime.now(UTC)

    worker = OutboxWorker(outbox, SmtpTransport(SmtpSettings(smtp.host, smtp.port, "none")), clock)
    processor = MailProcessor(
        mailbox, outbox, answer, sender, daily_limit=10, notify=lambda _: None, on_enqueue=worker.wake
    )
    settings = ImapSettings(account.host, account.port, account.user, account.password, ssl=False)
    watcher = MailWatcher(settings, processor, mailbox, clock, timing=WatchTiming(check_seconds=0.2))
    started = time.perf_counter()
    worker.start()
    watcher.start()
    assert watcher.synced.wait(600)
    processed = time.perf_counter() - started
    smtp.wait_for(count, timeout=600)
    elapsed = time.perf_counter() - started
    watcher.stop()
    worker.stop()
    db.close()
    if len(smtp.received) != count:
        raise SystemExit(f"expected {count} replies, got {len(smtp.received)}")
    return elapsed, processed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    if shutil.which("dovecot") is None:
        print("dovecot-imapd is missing: run `make system-deps` first", file=sys.stderr)
        return 1
    root = Path(tempfile.mkdtemp(prefix="expe50-bench-mail-"))
    work = Path(tempfile.mkdtemp(prefix="expe50-bench-db-"))
    dovecot = Dovecot(root)
    dovecot.start()
    smtp = SmtpServer()
    smtp.up()
    try:
        baseline_account = dovecot.add_user()
        bot_account = dovecot.add_user()
        fixed_account = dovecot.add_user()
        for account in (baseline_account, bot_account, fixed_account):
            _fill(account, args.count)
        bare = bare_fetch(baseline_account, args.count)
        total, processed = bot_run(bot_account, smtp, args.count, work, _rules_answer)
        fixed_total, _ = bot_run(fixed_account, smtp, args.count, work, _fixed_answer)
    finally:
        smtp.down()
        dovecot.stop()
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    n = args.count
    print(f"messages:                         {n}")
    print(f"bare imapclient fetch of all:     {bare:7.2f} s  ({n / bare:7.0f} msg/s)")
    print(f"bot: all processed (store+outbox):{processed:7.2f} s  ({n / processed:7.0f} msg/s)")
    print(f"bot: all replies at SMTP server:  {total:7.2f} s  ({n / total:7.0f} msg/s)")
    print(f"bot / bare fetch:                 {total / bare:7.1f} x")
    print(
        f"same, rules replaced by a fixed answer (the mail pipeline alone): {fixed_total:.2f} s "
        f"({n / fixed_total:.0f} msg/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
