"""The client side of the control socket: forward a command line to the running bot, if there is one.

Light on purpose (stdlib, plus python-dotenv only when a `.env` must be read): `expe50 cmd …` decides here,
before importing the bot, whether the running bot answers. The database path is resolved as the settings do
(`--db`, else EXPE50_DB from the environment, else from `.env`, else data/expe50.json).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from bot.control.protocol import (
    MAX_RESPONSE,
    VERSION,
    ConnectionLost,
    ProtocolError,
    receive_message,
    send_message,
    socket_path,
)

DEFAULT_DB = Path("data") / "expe50.json"
CONNECT_SECONDS = 5.0


class BotLost(Exception):
    """The bot closed the connection before answering (stopped or killed mid-request)."""


class BotUnreachable(Exception):
    """A bot serves this database but this user may not talk to it (the socket is 0600)."""


class Answer:
    # A plain class: `dataclasses` would cost the light client milliseconds of import.
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr


def database_path(db_option: str | None, env_file: Path = Path(".env")) -> Path:
    raw = (db_option or "").strip() or os.environ.get("EXPE50_DB", "").strip()
    if not raw and env_file.is_file():
        from dotenv import dotenv_values

        raw = (dotenv_values(env_file).get("EXPE50_DB") or "").strip()
    return Path(raw).expanduser() if raw else DEFAULT_DB


def forward(argv: list[str], db: Path) -> Answer | None:
    """Run `argv` in the bot serving `db`; None when no bot serves it (no socket, or a stale one)."""
    path = socket_path(db)
    if not path.exists():
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(CONNECT_SECONDS)
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError):
            return None  # a socket left by a bot that is gone: the database is free
        except PermissionError:
            raise BotUnreachable(str(path)) from None
        send_message(sock, {"v": VERSION, "argv": argv, "cwd": os.getcwd()})
        sock.settimeout(None)  # an export may take a while; the bot answers or closes
        try:
            response = receive_message(sock, MAX_RESPONSE)
        except (ConnectionLost, ConnectionResetError) as error:
            raise BotLost(str(error)) from None
        except ProtocolError as error:
            raise BotLost(str(error)) from None
    finally:
        sock.close()
    return Answer(
        int(response.get("code", 2)), str(response.get("stdout", "")), str(response.get("stderr", ""))
    )
