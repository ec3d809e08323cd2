"""A TCP proxy on a free loopback port, for tests that need a link to die silently.

    proxy = TcpProxy("127.0.0.1", dovecot_port).start()
    ... point the client at proxy.port ...
    proxy.swallow()   # every link goes silent: bytes are read and dropped both ways, nothing is closed,
                      # and new connections are accepted but never reach the server (a dead route)
    proxy.forward()   # new connections reach the server again (the silenced ones stay dead)
    proxy.stop()

It also records what clients send, line by line with the instant it arrived (`client_lines`), so a test can
watch the protocol on the wire (e.g. when IDLE is sent) instead of trusting the client's own word.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.support.dovecot import free_port


@dataclass
class _Link:
    client: socket.socket
    upstream: socket.socket | None
    silent: bool
    partial: bytes = b""
    sockets: list[socket.socket] = field(default_factory=list)


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.host = "127.0.0.1"
        self.port = free_port()
        self.accepted = 0  # connections accepted
        self.forwarded = 0  # of which reached the server
        self.client_lines: list[tuple[float, bytes]] = []  # (monotonic instant, line without CRLF)
        self._silent = False
        self._lock = threading.Lock()
        self._links: list[_Link] = []
        self._stop = threading.Event()
        self._listener = socket.create_server((self.host, self.port))
        self._listener.settimeout(0.1)
        self._threads: list[threading.Thread] = []

    # ---- control ---------------------------------------------------------------------------------------

    def start(self) -> TcpProxy:
        self._spawn(self._accept_loop)
        return self

    def swallow(self) -> None:
        with self._lock:
            self._silent = True
            for link in self._links:
                link.silent = True

    def forward(self) -> None:
        with self._lock:
            self._silent = False

    def stop(self) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            for link in self._links:
                for sock in link.sockets:
                    # shutdown() wakes a thread blocked in recv() on it; close() alone does not.
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
                    with contextlib.suppress(OSError):
                        sock.close()
        for thread in self._threads:
            thread.join(2)

    def commands(self, word: bytes) -> list[float]:
        """Instants at which a client sent an IMAP command `word` (e.g. b"IDLE"), after its tag."""
        with self._lock:
            lines = list(self.client_lines)
        return [at for at, line in lines if line.split(b" ")[1:2] == [word] or line == word]

    # ---- plumbing --------------------------------------------------------------------------------------

    def _spawn(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                silent = self._silent
                self.accepted += 1
            upstream = None
            if not silent:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
                with self._lock:
                    self.forwarded += 1
            link = _Link(client, upstream, silent, sockets=[client] + ([upstream] if upstream else []))
            with self._lock:
                self._links.append(link)
            self._spawn(self._pump, link, client, upstream, True)
            if upstream is not None:
                self._spawn(self._pump, link, upstream, client, False)

    def _pump(self, link: _Link, source: socket.socket, sink: socket.socket | None, outbound: bool) -> None:
        while not self._stop.is_set():
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                # A real close travels on (unless the link is silent: a dead route carries nothing).
                if not link.silent:
                    for sock in link.sockets:
                        with contextlib.suppress(OSError):
                            sock.shutdown(socket.SHUT_RDWR)
                return
            if link.silent or sink is None:
                continue  # read and dropped: the sender's writes succeed, nothing arrives
            if outbound:
                self._record(link, data)
            try:
                sink.sendall(data)
            except OSError:
                return

    def _record(self, link: _Link, data: bytes) -> None:
        now = time.monotonic()
        *lines, link.partial = (link.partial + data).split(b"\r\n")
        with self._lock:
            self.client_lines += [(now, line) for line in lines]
