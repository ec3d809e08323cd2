"""Done when (issue #10): with `expe50 run` serving Slack (the fake Web API on loopback), the mailbox (Dovecot
and an SMTP sink) and the scheduler, separate `expe50` processes add and list members, log an administration,
export the region's log as xlsx, preview and send a reminder (the sink receives it once, and the scheduler of
a restarted bot does not send it again), answer a Slack-asked hand-over with `repondre` (the asker gets a
Slack direct message) and read `expe50 status`; meanwhile Slack commands and the mail watcher keep
answering."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.bot.slack.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.mail.harness import deliver, question
from tests.support.bot_process import clean_env, run_cli, start_bot
from tests.support.conversation import SETUP
from tests.support.dovecot import ImapAccount, free_port
from tests.support.slack_api import FakeSlackAPI, fake_slack_api
from tests.support.slack_client import SlackSender
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.timeout(240)

AGENTS = "C0ARSAGENTS"
COORD = "coord@ch-rouen.fr"
ASKED = "Quel montant pour le mois d'inclusion ?"


def _env(tmp: Path, account: ImapAccount, smtp: SmtpServer, slack: FakeSlackAPI, port: int) -> dict[str, str]:
    env = clean_env()
    env.update({
        "EXPE50_DB": str(tmp / "data" / "expe50.json"),
        "EXPE50_NOW": "2025-11-20T10:00",
        "IMAP_HOST": account.host, "IMAP_PORT": str(account.port), "IMAP_USER": account.user,
        "IMAP_PASSWORD": account.password, "IMAP_SSL": "false",
        "SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port), "SMTP_SECURITY": "none",
        "MAIL_FROM": f"ARS Expé 50 <{account.user}>",
        "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url.rstrip("/"), "EXPE50_HTTP_HOST": "127.0.0.1",
        "EXPE50_HTTP_PORT": str(port), "EXPE50_ARS_CHANNEL": AGENTS,
    })  # fmt: skip
    return env


@contextmanager
def running_bot(env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[str]]:
    log = open(cwd / f"bot-{time.monotonic_ns()}.log", "w")  # noqa: SIM115  (closed below)
    bot = start_bot(Path(env["EXPE50_DB"]), cwd, env, output=log)
    try:
        yield bot
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(60)
        log.close()
    assert bot.returncode == 0, Path(log.name).read_text()


def expe50(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(env, cwd, *args)


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def to(message: object, address: str) -> bool:
    return address in str(message["To"])  # type: ignore[index]


def test_one_running_bot_every_door_open(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    port = free_port()
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    with fake_slack_api(BOT_TOKEN) as slack:
        slack.channels[AGENTS] = True
        env = _env(tmp_path, imap_account, smtp_server, slack, port)
        sender = SlackSender(
            f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, slack.root + "/response/"
        )
        with running_bot(env, tmp_path):
            # Members, set-up and an administration from separate processes, through the running bot.
            for line in (*SETUP, f"membre ajouter {COORD} role=coordination site=760780239"):
                ok(expe50(env, elsewhere, "cmd", line))
            members = ok(expe50(env, elsewhere, "cmd", "membres"))
            assert COORD in members and "U0SAISIE" in members
            ok(expe50(env, elsewhere, "cmd", "adressage P-0042 2025-09-10 had=760024042 commune=76540 "
                                              "moins-de-3-ans=non site=760780239"))  # fmt: skip
            ok(expe50(env, elsewhere, "cmd", "administration P-0042 2025-09-15 site=760780239"))

            # Meanwhile Slack answers…
            assert sender.slash("echeances", "U0SAISIE").status == 200
            slack.wait_for("response_url", timeout=20)
            # … and so does the mailbox.
            deliver(imap_account, question(ASKED, message_id="<m1@ch.fr>"))
            [answer] = smtp_server.wait_for(1, timeout=30)
            assert answer["In-Reply-To"] == "<m1@ch.fr>"

            # The region's log as xlsx, written where the command was typed.
            ok(expe50(env, elsewhere, "export-log", "--region", "normandie", "--format", "xlsx",
                      "--out", "journal.xlsx"))  # fmt: skip
            rows = list(load_workbook(elsewhere / "journal.xlsx").active.iter_rows(values_only=True))
            assert any("P-0042" in [str(cell) for cell in row] for row in rows)

            # A reminder previewed, then sent through the bot's outbox: the sink receives it once.
            preview = ok(expe50(env, elsewhere, "reminders", "--at", "2027-08-02T09:00"))
            assert COORD in preview and "[à envoyer]" in preview
            sent = ok(expe50(env, elsewhere, "reminders", "--at", "2027-08-02T09:00", "--send"))
            assert re.search(r"Envoi : [1-9]\d* parti\(s\), 0 en échec, 0 en attente", sent), sent
            reminders = [m for m in smtp_server.messages if to(m, COORD)]
            assert len(reminders) >= 1
            again = ok(expe50(env, elsewhere, "reminders", "--at", "2027-08-02T09:00"))
            assert "[à envoyer]" not in again and "[déjà envoyé]" in again

            # A Slack question nobody can settle: handed over, alerted, answered by `repondre` from a shell.
            slack.clear()
            assert sender.slash("question Quelle est la météo à Rouen demain ?", "U0SAISIE").status == 200
            [alert, *_] = slack.wait_until(
                "chat.postMessage", lambda c: c.params.get("channel") == AGENTS, timeout=20
            )
            reference = re.search(r"réf\. `(Q[A-Z0-9]+)`", alert.params["text"])
            assert reference, alert.params["text"]
            answer_line = f"repondre {reference.group(1)} Il fera beau, mais ce n'est pas notre rayon."
            answered = ok(expe50(env, elsewhere, "cmd", "--as", "agent@ars.sante.fr", answer_line))
            assert "message direct Slack" in answered
            dm = slack.wait_until(
                "chat.postMessage", lambda c: c.params.get("channel") == "U0SAISIE", timeout=20
            )
            assert "Il fera beau" in dm[0].params["text"]

            # The status, for an operator and a supervisor.
            status = expe50(env, elsewhere, "status")
            assert status.returncode == 0, status.stdout + status.stderr
            assert "tout va bien" in status.stdout and "UIDVALIDITY" in status.stdout

            # Still answering on every door.
            assert sender.slash("aide", "U0SAISIE").status == 200
            deliver(imap_account, question(ASKED, message_id="<m2@ch.fr>"))
            smtp_server.wait_for(len(smtp_server.messages) + 1, timeout=30)
            sent_before = len([m for m in smtp_server.messages if to(m, COORD)])

        # The repro of the issue: a bot started at the reminder's hour does not send it again.
        env["EXPE50_NOW"] = "2027-08-02T09:00"
        with running_bot(env, tmp_path):
            # Its start-up catch-up round runs at once: the weekly digest of that Monday reaches the agent
            # (the scheduler does send), the coordinator's reminder is not sent again.
            deadline = time.monotonic() + 60
            while not any(to(m, "agent@ars.sante.fr") for m in smtp_server.messages):
                assert time.monotonic() < deadline, [str(m["To"]) for m in smtp_server.messages]
                time.sleep(0.2)
            time.sleep(2)
            shown = ok(expe50(env, elsewhere, "reminders", "--at", "2027-08-02T09:00"))
            assert "[à envoyer]" not in shown
        assert len([m for m in smtp_server.messages if to(m, COORD)]) == sent_before == len(reminders)
