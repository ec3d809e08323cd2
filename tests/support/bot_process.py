"""`expe50 run` as a real process, for the tests that reach it from other processes: started in a clean
environment (none of the developer's EXPE50_/SLACK_/IMAP_/SMTP_ settings leak in) and returned once its
control socket exists, or failed with what it printed if it died first."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from bot.control.protocol import socket_path

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(settings)
    return env


def start_bot(
    db: Path,
    cwd: Path,
    env: dict[str, str],
    *args: str,
    output: int | IO[Any] = subprocess.DEVNULL,
    timeout: float = 60,
) -> subprocess.Popen[str]:
    """Start `expe50 run ARGS` on DB and wait for its control socket. With output=subprocess.PIPE the caller
    reads stdout/stderr (communicate) after stopping it."""
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", *args], cwd=cwd, env=env,
        stdin=subprocess.DEVNULL, stdout=output, stderr=output, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + timeout
    while not socket_path(db).exists():
        if bot.poll() is not None:
            out, err = bot.communicate()
            raise AssertionError(f"the bot stopped before serving (exit {bot.returncode}): {out}{err}")
        if time.monotonic() > deadline:
            bot.kill()
            raise AssertionError(f"no control socket within {timeout} s")
        time.sleep(0.1)
    return bot


def run_cli(
    env: dict[str, str], cwd: Path, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`expe50 ARGS` as a separate process (through the running bot's socket when one serves the database)."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip
