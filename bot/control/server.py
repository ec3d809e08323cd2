"""The bot's side of the control socket: a Unix socket beside the database, mode 0600, one thread per client.

A request names a command line (`argv`) and the client's working directory; `bot.cli_commands.run_forwarded`
runs it against the live App exactly as the CLI would against a database it opened itself, and the captured
output and exit code go back. A request that is oversized, cut short or not the protocol's JSON gets an error
response (or, when nothing can be said, a closed connection) and is logged; the bot goes on.

The socket is bound under a temporary name, made 0600, then renamed into place: it is never reachable with
wider permissions. A socket file already there is stale — this process holds the database's writer lock, so
no other bot can be serving it — and is replaced.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import stat
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.control.protocol import (
    MAX_REQUEST,
    MAX_RESPONSE,
    VERSION,
    ProtocolError,
    receive_message,
    send_message,
)
from handlers import faults

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger("expe50.control")

MAX_PATH = 107  # sun_path holds 108 bytes with its NUL
REQUEST_SECONDS = 30.0  # a client that sends nothing for this long is dropped


class ControlPathError(Exception):
    """The socket cannot be created at this path (too long, or something else is there)."""


class ControlServer:
    def __init__(self, path: Path, app: App) -> None:
        self.path = path
        self.app = app
        self.served = 0  # requests answered (for `status`)
        self.refused = 0  # malformed or oversized requests
        self._sock: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> ControlServer:
        self._sock = _bind(self.path)
        self._sock.settimeout(0.5)  # the accept loop looks at the stop flag twice a second
        self._thread = threading.Thread(target=self._accept_loop, name="expe50-control", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5.0)
        if self._sock is not None:
            self._sock.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def _accept_loop(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError as error:
                if self._stop.is_set():
                    return
                log.error("control: accept failed: %s", faults.where(error))
                continue
            threading.Thread(
                target=self._serve, args=(conn,), name="expe50-control-client", daemon=True
            ).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(REQUEST_SECONDS)
                request = receive_message(conn, MAX_REQUEST)
                argv, cwd = _checked(request)
            except (ProtocolError, OSError) as error:
                self.refused += 1
                log.warning("control: request refused (%s)", error)
                with contextlib.suppress(OSError):
                    send_message(conn, _error_response("control.bad_request"))
                return
            conn.settimeout(None)  # a command may take a while (an export); the client waits
            response = self._run(argv, cwd)
            self.served += 1
            try:
                send_message(conn, response)
            except OSError as error:  # the client went away: its command ran all the same
                log.info("control: client left before the answer (%s)", type(error).__name__)

    def _run(self, argv: list[str], cwd: Path) -> dict[str, Any]:
        from bot.cli_commands import run_forwarded

        try:
            code, out, err = run_forwarded(self.app, argv, cwd)
        except Exception as error:
            log.error("control: command %s failed: %s", argv[:1], faults.where(error))
            return _error_response("control.internal")
        if len(out) + len(err) > MAX_RESPONSE // 2:  # (UTF-8 may double it)
            return _error_response("control.too_large")
        return {"v": VERSION, "code": code, "stdout": out, "stderr": err}


def _checked(request: dict[str, Any]) -> tuple[list[str], Path]:
    argv, cwd = request.get("argv"), request.get("cwd")
    if request.get("v") != VERSION:
        raise ProtocolError(f"protocol version {request.get('v')!r}")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
        raise ProtocolError("argv must be a non-empty list of strings")
    if not isinstance(cwd, str) or not os.path.isabs(cwd):
        raise ProtocolError("cwd must be an absolute path")
    return argv, Path(cwd)


def _error_response(key: str) -> dict[str, Any]:
    from templates import text

    return {"v": VERSION, "code": 2, "stdout": "", "stderr": text(key) + "\n"}


def check_path(path: Path) -> bool:
    """Raise ControlPathError when no socket can be made at `path`; True when a stale one is there. Called
    before any service starts, so that a bot that cannot open its socket starts nothing."""
    if len(os.fsencode(path)) > MAX_PATH:
        raise ControlPathError(f"{path}: path too long for a Unix socket ({MAX_PATH} bytes at most)")
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISSOCK(mode):
        raise ControlPathError(f"{path} exists and is not a socket")
    return True


def _bind(path: Path) -> socket.socket:
    if check_path(path):
        log.info("control: replacing the stale socket %s (left by a bot that stopped without cleaning)", path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    if len(os.fsencode(temporary)) > MAX_PATH:
        temporary = path
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(temporary))
        os.chmod(temporary, 0o600)
        if temporary != path:
            os.replace(temporary, path)
        sock.listen(16)
    except BaseException:
        sock.close()
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        raise
    return sock
