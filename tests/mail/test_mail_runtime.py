"""`expe50 run` as a new user runs it: with IMAP_* / SMTP_* / MAIL_FROM set, the bot watches the mailbox,
answers a real question in the same thread with the rules' answer, and hands nonsense over to the agents
without replying. Settings are checked at start-up."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.app import run
from bot.config import ConfigError, load_settings
from store import schema
from store.engine import Database
from store.mailbox import Mailbox
from tests.mail.harness import deliver, inbox_flags, question
from tests.support.dovecot import ImapAccount
from tests.support.smtp import SmtpServer

pytestmark = pytest.mark.timeout(60)


def _env(tmp_path: Path, account: ImapAccount, smtp: SmtpServer) -> dict[str, str]:
    return {
        "EXPE50_DB": str(tmp_path / "expe50.json"),
        "IMAP_HOST": account.host,
        "IMAP_PORT": str(account.port),
        "IMAP_USER": account.user,
        "IMAP_PASSWORD": account.password,
        "IMAP_SSL": "false",
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": str(smtp.port),
        "SMTP_SECURITY": "none",
        "MAIL_FROM": f"ARS Expé 50 <{account.user}>",
    }


def test_run_answers_a_question_and_hands_nonsense_over(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    settings = load_settings(_env(tmp_path, imap_account, smtp_server), env_file=None)
    stop = threading.Event()
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(run(settings, stop_event=stop)), daemon=True)
    thread.start()
    try:
        deliver(
            imap_account,
            question("Bonjour,\nquel montant pour le mois d'inclusion ?\nMerci", message_id="<real@ch.fr>"),
            question("blorf zzk qwerty", subject="asdf", message_id="<nonsense@ch.fr>"),
        )
        [reply] = smtp_server.wait_for(1, timeout=20)
        # Both messages carry the bot's keyword once processed (what agents see in their mail client).
        deadline = time.monotonic() + 10
        while not all(b"$Expe50Traite" in flags for flags in inbox_flags(imap_account)):
            assert time.monotonic() < deadline, (
                f"the watcher did not mark both messages: {inbox_flags(imap_account)}"
            )
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(20)
    assert result == [0]
    assert reply["In-Reply-To"] == "<real@ch.fr>"
    text = reply.get_body(("plain",))
    assert text is not None
    content = text.get_content()
    assert "320,00 €" in content and "arrêté" in content
    assert len(smtp_server.messages) == 1  # the nonsense got no reply
    db = Database.open(tmp_path / "expe50.json", schema_version=schema.SCHEMA_VERSION)
    try:
        [handover] = Mailbox(db).open_handovers()
        assert handover.message_id == "<nonsense@ch.fr>"
    finally:
        db.close()


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"IMAP_USER": ""}, "IMAP_USER"),
        ({"SMTP_HOST": ""}, "SMTP_HOST"),
        ({"MAIL_FROM": "pas une adresse"}, "MAIL_FROM"),
        ({"SMTP_SECURITY": "tls"}, "SMTP_SECURITY"),
        ({"IMAP_PORT": "abc"}, "IMAP_PORT"),
    ],
)
def test_half_configured_mail_is_a_start_up_error_naming_the_variable(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer, change: dict[str, str], variable: str
) -> None:
    env = _env(tmp_path, imap_account, smtp_server) | change
    with pytest.raises(ConfigError) as raised:
        load_settings(env, env_file=None)
    assert raised.value.variable == variable


def test_hand_over_is_posted_to_the_agents_slack_channel(
    tmp_path: Path, imap_account: ImapAccount, smtp_server: SmtpServer
) -> None:
    from tests.bot.slack.conftest import BOT_TOKEN, SIGNING_SECRET
    from tests.support.dovecot import free_port
    from tests.support.slack_api import fake_slack_api

    with fake_slack_api(BOT_TOKEN) as slack_api:
        env = _env(tmp_path, imap_account, smtp_server) | {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack_api.base_url.rstrip("/"),
            "EXPE50_HTTP_HOST": "127.0.0.1",
            "EXPE50_HTTP_PORT": str(free_port()),
            "EXPE50_ARS_CHANNEL": "C0ARSAGENTS",
        }
        settings = load_settings(env, env_file=None)
        stop = threading.Event()
        thread = threading.Thread(target=lambda: run(settings, stop_event=stop), daemon=True)
        thread.start()
        try:
            deliver(imap_account, question("Quelle est la météo à Rouen ?", message_id="<meteo@ch.fr>"))
            posts = [
                call
                for call in slack_api.wait_for("chat.postMessage", timeout=20)
                if call.params.get("channel") == "C0ARSAGENTS"
            ]
        finally:
            stop.set()
            thread.join(20)
    [post] = posts
    assert "Quelle est la météo à Rouen ?" in post.params["text"]
    assert "/expe50 repondre Q" in post.params["text"]
    assert smtp_server.messages == []
