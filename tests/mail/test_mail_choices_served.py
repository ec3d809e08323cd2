"""Readings by email through `expe50 run` as a process (the composition root's wiring, MAIL_CHOICE_DAYS from
the environment): the numbered offer, « 2 » answered in the thread, « 3 » handed over with its reference, and
after a restart past the time limit a reading is no longer picked."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.mail.harness import deliver, question
from tests.mail.test_mail_choices import ASKER, VAGUE, plain, reply_to
from tests.support.bot_process import clean_env, start_bot
from tests.support.dovecot import ImapAccount
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.timeout(180)


@contextmanager
def running(env: dict[str, str], cwd: Path) -> Iterator[None]:
    log = open(cwd / f"bot-{time.monotonic_ns()}.log", "w")  # noqa: SIM115  (closed below)
    bot = start_bot(Path(env["EXPE50_DB"]), cwd, env, output=log)
    try:
        yield
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            bot.wait(60)
        except subprocess.TimeoutExpired:
            bot.kill()
        log.close()
    assert bot.returncode == 0, Path(log.name).read_text()


def test_readings_by_email_through_the_running_bot(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    env = clean_env(
        EXPE50_DB=str(tmp_path / "data" / "expe50.json"),
        EXPE50_NOW="2026-12-01T10:00",
        IMAP_HOST=imap_account.host,
        IMAP_PORT=str(imap_account.port),
        IMAP_USER=imap_account.user,
        IMAP_PASSWORD=imap_account.password,
        IMAP_SSL="false",
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=str(smtp_server.port),
        SMTP_SECURITY="none",
        MAIL_FROM=f"ARS Expé 50 <{imap_account.user}>",
        MAIL_CHOICE_DAYS="3",
    )
    with running(env, tmp_path):
        deliver(imap_account, question(VAGUE, subject="Plafond ?", sender=ASKER))
        [offer] = smtp_server.wait_for(1, timeout=30)
        text = plain(offer)
        assert "2. Plafond du forfait d'inclusion" in text and "jusqu'au 4 décembre 2026" in text
        deliver(imap_account, reply_to(offer, "2", "<p1@ch-rouen.fr>"))
        [_, answer] = smtp_server.wait_for(2, timeout=30)
        assert answer["In-Reply-To"] == "<p1@ch-rouen.fr>" and "360,00 €" in plain(answer)
        deliver(imap_account, reply_to(offer, "3", "<p2@ch-rouen.fr>"))
        [*_, ack] = smtp_server.wait_for(3, timeout=30)
        assert ack["In-Reply-To"] == "<p2@ch-rouen.fr>" and "transmise à un agent" in plain(ack)

    env["EXPE50_NOW"] = "2026-12-05T08:00"  # past the end of 4 December, Paris time
    with running(env, tmp_path):
        deliver(imap_account, reply_to(offer, "1", "<p3@ch-rouen.fr>"))
        [*_, expired] = smtp_server.wait_for(4, timeout=30)
        assert expired["In-Reply-To"] == "<p3@ch-rouen.fr>" and "pendant 3 jours" in plain(expired)
    assert len(smtp_server.received) == 4
