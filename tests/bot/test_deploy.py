"""Run as a service: the shipped systemd unit is valid (systemd-analyze verify, when installed) and says what
the README promises; `expe50 run --service` serves without a console, logs one start line per service at
the default level (INFO), answers `expe50 status`, and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.control.protocol import socket_path
from tests.bot.test_cli import NOW, ROOT
from tests.support.bot_process import clean_env, start_bot

UNIT = ROOT / "deploy" / "expe50.service"


def test_the_unit_restarts_on_failure_as_a_dedicated_user_with_the_database_and_env_paths() -> None:
    unit = UNIT.read_text(encoding="utf-8")
    for line in (
        "Restart=on-failure",
        "User=expe50",
        "EnvironmentFile=/etc/expe50/expe50.env",
        "Environment=EXPE50_DB=/var/lib/expe50/expe50.json",
        "ExecStart=/opt/expe50/bin/expe50 run --service",
    ):
        assert f"\n{line}\n" in unit


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_analyze_verifies_the_unit_without_a_warning(tmp_path: Path) -> None:
    # The unit names the installed path; verify checks the executable exists: point it at this checkout's.
    executable = Path(sys.executable).with_name("expe50")
    if not executable.exists():
        pytest.skip("the expe50 console script is not installed in this environment")
    unit = tmp_path / "expe50.service"
    unit.write_text(UNIT.read_text(encoding="utf-8").replace("/opt/expe50/bin/expe50", str(executable)))
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip() == "", checked.stderr


def test_run_as_a_service_logs_each_start_answers_status_and_stops_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "expe50.json"
    env = clean_env(EXPE50_DB=str(db), EXPE50_NOW=NOW)
    bot = start_bot(db, tmp_path, env, "--service", output=subprocess.PIPE)
    try:
        status = subprocess.run(
            [sys.executable, "-m", "bot.cli", "status"], cwd=tmp_path, env=env, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
        assert status.returncode == 0, status.stdout + status.stderr
        assert "en marche, tout va bien" in status.stdout and "Planificateur" in status.stdout
    finally:
        bot.send_signal(signal.SIGTERM)
        _, err = bot.communicate(timeout=60)
    assert bot.returncode == 0, err
    assert "started scheduler" in err and "started control" in err and "stopped control" in err
    assert "apscheduler" not in err  # its per-job lines stay below the default level
    assert not socket_path(db).exists()
    after = subprocess.run(
        [sys.executable, "-m", "bot.cli", "status"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert after.returncode == 3 and "aucun bot ne tourne" in after.stdout


def test_status_says_what_is_down_and_exits_1(tmp_path: Path) -> None:
    from tests.support.dovecot import free_port

    db = tmp_path / "expe50.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    env.update({
        "PYTHONPATH": str(ROOT), "EXPE50_DB": str(db), "EXPE50_NOW": NOW,
        # A mailbox nobody listens on: the watcher retries with backoff, the bot runs on.
        "IMAP_HOST": "127.0.0.1", "IMAP_PORT": str(free_port()), "IMAP_USER": "u", "IMAP_PASSWORD": "p",
        "IMAP_SSL": "false", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(free_port()), "SMTP_SECURITY": "none",
        "MAIL_FROM": "ARS <expe50@ars.example.org>",
    })  # fmt: skip
    bot = start_bot(db, tmp_path, env)
    try:
        status = subprocess.run(
            [sys.executable, "-m", "bot.cli", "status", "--json"], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    finally:
        bot.send_signal(signal.SIGTERM)
        bot.wait(60)
    import json

    assert status.returncode == 1, status.stdout + status.stderr
    payload = json.loads(status.stdout)
    assert payload["running"] is True and payload["healthy"] is False
    assert payload["channels"]["mail"] == "down" and payload["channels"]["outbox"] == "ok"
    assert payload["mailbox"]["last_sync"] is None
    assert "status.problem.mail" in payload["problems"]
