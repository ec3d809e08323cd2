"""The control socket: while a bot holds the database, every CLI command runs inside it, with the same
output and exit codes; the socket is private, survives hostile clients; a dead bot leaves a clear error."""

from __future__ import annotations

import io
import os
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.app import App
from bot.cli import main
from bot.config import load_settings
from bot.control.protocol import receive_message, send_message, socket_path
from tests.bot.test_cli import NOW, ROOT
from tests.support.bot_process import start_bot


def _env(db: Path) -> dict[str, str]:
    return {"EXPE50_DB": str(db), "EXPE50_NOW": NOW}


@pytest.fixture
def bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    """A running bot (no Slack, no mailbox: the scheduler and the control socket) on a fresh database."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_")):
            monkeypatch.delenv(name)
    db = tmp_path / "data" / "expe50.json"
    monkeypatch.setenv("EXPE50_DB", str(db))
    monkeypatch.setenv("EXPE50_NOW", NOW)
    app = App.open(load_settings(env_file=None))
    app.start()
    yield app
    app.stop()
    app.close()


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def expe50(*args: str, cwd: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    env.update({"PYTHONPATH": str(ROOT), **_env(db)})
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_socket_sits_beside_the_database_and_only_its_owner_may_open_it(bot: App) -> None:
    path = socket_path(bot.settings.db_path)
    assert path.parent == bot.settings.db_path.absolute().parent
    mode = path.lstat().st_mode
    assert stat.S_ISSOCK(mode) and stat.S_IMODE(mode) == 0o600


def test_a_command_runs_inside_the_running_bot_with_the_one_shot_output_and_exit_codes(bot: App) -> None:
    served = bot.control.served if bot.control else -1
    code, out, err = cli("cmd", "aide")
    assert code == 0 and "Aide — commandes /expe50" in out and err == ""
    code, out, err = cli("cmd", "--json", "adressage")  # a user error: exit 1, its message in the JSON
    assert code == 1 and '"ok": false' in out
    assert bot.control is not None and bot.control.served == served + 2
    # A write through the socket is in the live store at once.
    code, out, err = cli("cmd", "membre ajouter U0AGENT role=ars region=normandie")
    assert code == 0, out + err
    assert bot.ctx.repo.member("U0AGENT") is not None


def test_a_real_client_process_runs_commands_and_writes_exports_relative_to_its_own_directory(
    bot: App, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    db = bot.settings.db_path
    added = expe50("cmd", "etablissement ajouter 760000001 nom=CH Test region=28", cwd=elsewhere, db=db)
    assert added.returncode in (0, 1) and "Traceback" not in added.stderr
    exported = expe50("export-log", "--format", "xlsx", "--out", "journal.xlsx", cwd=elsewhere, db=db)
    assert exported.returncode == 0, exported.stderr
    assert (elsewhere / "journal.xlsx").is_file()
    load_workbook(elsewhere / "journal.xlsx")
    second = expe50("run", cwd=elsewhere, db=db)
    assert second.returncode == 2 and "Un bot tourne déjà sur la base" in second.stderr


def _raw(path: Path, payload: bytes) -> bytes:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(10)
        sock.connect(str(path))
        sock.sendall(payload)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.parametrize(
    "payload",
    [
        struct.pack(">I", 1 << 30),  # announces a gigabyte: refused unread
        struct.pack(">I", 9) + b"not json!",
        struct.pack(">I", 4) + b"[42]",
        struct.pack(">I", 40) + b'{"v": 1, "argv": ["cmd", "aide"], "cwd": "relative"}'[:40],
        b"\x00\x00",  # cut short
    ],
)
def test_a_malformed_or_oversized_request_gets_an_error_and_the_bot_goes_on(bot: App, payload: bytes) -> None:
    path = socket_path(bot.settings.db_path)
    answer = _raw(path, payload)
    if answer:
        (length,) = struct.unpack(">I", answer[:4])
        assert b"Requ\xc3\xaate refus\xc3\xa9e" in answer[4 : 4 + length]
    code, out, _ = cli("cmd", "aide")
    assert code == 0 and "Aide" in out


def test_many_clients_at_once_are_each_answered(bot: App) -> None:
    path = socket_path(bot.settings.db_path)
    results: list[int] = []

    def one() -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(str(path))
            send_message(sock, {"v": 1, "argv": ["cmd", "aide"], "cwd": "/"})
            results.append(int(receive_message(sock, 1 << 24)["code"]))

    threads = [threading.Thread(target=one) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results == [0] * 8


def test_a_stale_socket_left_by_a_crash_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "expe50.json"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(socket_path(db)))
    stale.close()  # the file stays, nobody listens: what a kill -9 leaves
    # No bot: the client sees the stale socket, finds nobody, and opens the database itself.
    code, out, _ = cli("cmd", "--db", str(db), "aide")
    assert code == 0 and "Aide" in out
    app = App.open(load_settings({"EXPE50_DB": str(db)}, env_file=None))
    app.start()
    try:
        code, out, _ = cli("cmd", "--db", str(db), "aide")
        assert code == 0 and app.control is not None and app.control.served == 1
    finally:
        app.stop()
        app.close()
    assert not socket_path(db).exists()  # a clean stop removes it


def test_a_bot_that_dies_mid_request_leaves_the_client_with_a_clear_french_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "expe50.json"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(socket_path(db)))
    listener.listen(1)

    def die_after_reading() -> None:  # reads the request, then the process "dies": no answer
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.close()

    threading.Thread(target=die_after_reading, daemon=True).start()
    code, out, err = cli("cmd", "--db", str(db), "aide")
    listener.close()
    assert code == 2 and out == ""
    assert "Le bot s'est arrêté pendant la commande" in err and "Traceback" not in err


def test_killing_the_bot_leaves_a_consistent_database_the_next_command_opens(tmp_path: Path) -> None:
    db = tmp_path / "expe50.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    env.update({"PYTHONPATH": str(ROOT), **_env(db)})
    bot = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run"], cwd=tmp_path, env=env, stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        added = expe50("cmd", "etablissement ajouter 760000001 nom=CH Kill region=28", cwd=tmp_path, db=db)
        assert "Traceback" not in added.stderr
    finally:
        bot.kill()
        bot.wait(10)
    listed = expe50("cmd", "--json", "etablissements", cwd=tmp_path, db=db)
    assert listed.returncode in (0, 1) and "Traceback" not in listed.stderr
    assert ("CH Kill" in listed.stdout) == (added.returncode == 0)


def test_killing_the_bot_in_the_middle_of_a_command_says_so_and_leaves_the_database_whole(
    tmp_path: Path,
) -> None:
    from store import schema
    from store.engine import Database
    from tests.scheduler.world import fill

    db = tmp_path / "expe50.json"
    fill(db)
    # An SMTP server that accepts the connection and never greets: `reminders --send` waits for its mail.
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(8)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    env.update({
        "PYTHONPATH": str(ROOT), **_env(db), "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(blackhole.getsockname()[1]), "SMTP_SECURITY": "none", "MAIL_FROM": "ARS <a@ars.fr>",
    })  # fmt: skip
    bot = start_bot(db, tmp_path, env, "--service")
    try:
        client = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "reminders", "--at", "2027-08-02T09:00", "--send"],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        # The outbox worker is stuck on the silent server (the start-up catch-up's digest, then the command's
        # reminders queue behind it), and the client, connected, waits for its answer: the bot is mid-command.
        blackhole.settimeout(90)
        greeting_never_sent, _ = blackhole.accept()
        time.sleep(3)
        assert client.poll() is None
        bot.kill()
        out, err = client.communicate(timeout=30)
    finally:
        bot.kill()
        bot.wait(10)
        blackhole.close()
        if "greeting_never_sent" in locals():
            greeting_never_sent.close()
    assert client.returncode == 2 and out == ""
    assert "Le bot s'est arrêté pendant la commande" in err and "Traceback" not in err
    database = Database.open(db, schema_version=schema.SCHEMA_VERSION)  # opens: consistent, lock released
    try:
        states = {doc["state"] for doc in database.table(schema.OUTBOX).all()}
        assert states and "sent" not in states  # queued durably, never marked sent
    finally:
        database.close()


def test_a_socket_path_too_long_stops_start_up_with_a_french_message(tmp_path: Path) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    started = expe50("run", "--service", cwd=tmp_path, db=deep / "expe50.json")
    assert (
        started.returncode == 2
        and "prise de contrôle" in started.stderr
        and "Traceback" not in started.stderr
    )


def test_the_client_imports_nothing_heavy_before_the_bot_answers(bot: App, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    env.update({"PYTHONPATH": str(ROOT), **_env(bot.settings.db_path)})
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot.cli", "cmd", "aide"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0 and "Aide" in done.stdout
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert not imported & {
        "handlers",
        "store",
        "rules",
        "templates",
        "slack_bolt",
        "jinja2",
        "yaml",
        "tinydb",
    }
