"""Framing of the control socket: each message is a 4-byte big-endian length then that many bytes of UTF-8
JSON (an object). A request is small (a command line): over `MAX_REQUEST` bytes it is refused unread. A
response carries a command's whole output (an export to stdout can be megabytes), up to `MAX_RESPONSE`.

Request:  {"v": 1, "argv": ["cmd", "--json", "aide"], "cwd": "/home/agent"}
Response: {"v": 1, "code": 0, "stdout": "...", "stderr": "..."}

Stdlib only: imported by the light client before anything heavy.
"""

from __future__ import annotations

import json
import socket
import struct
from pathlib import Path
from typing import Any

VERSION = 1
MAX_REQUEST = 64 * 1024
MAX_RESPONSE = 512 * 1024 * 1024
_HEADER = struct.Struct(">I")


class ProtocolError(Exception):
    """A frame that is not what the protocol allows (too large, not JSON, cut short)."""


class ConnectionLost(ProtocolError):
    """The peer closed the connection before a whole frame arrived."""


def socket_path(db_path: Path) -> Path:
    """The control socket of a database: beside it, `<db file>.sock`."""
    absolute = db_path.expanduser().absolute()
    return absolute.with_name(absolute.name + ".sock")


def send_message(sock: socket.socket, message: dict[str, Any]) -> None:
    data = json.dumps(message, ensure_ascii=False).encode("utf-8")
    sock.sendall(_HEADER.pack(len(data)) + data)


def receive_message(sock: socket.socket, limit: int) -> dict[str, Any]:
    """One frame, parsed. Raises ConnectionLost when the peer closed first, ProtocolError when the frame is
    over `limit` (unread) or not a JSON object."""
    header = _receive_exactly(sock, _HEADER.size)
    (length,) = _HEADER.unpack(header)
    if length > limit:
        raise ProtocolError(f"message of {length} bytes, over the limit of {limit}")
    body = _receive_exactly(sock, length)
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ProtocolError(f"not JSON: {type(error).__name__}") from None
    if not isinstance(message, dict):
        raise ProtocolError("not a JSON object")
    return message


def _receive_exactly(sock: socket.socket, count: int) -> bytes:
    chunks: list[bytes] = []
    remaining = count
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise ConnectionLost(f"connection closed with {remaining} of {count} bytes missing")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
