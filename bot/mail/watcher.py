"""The IMAP watcher: IDLE on the ARS mailbox, process every message not yet processed, survive anything.

    watcher = MailWatcher(ImapSettings(...), processor, mailbox, clock)
    watcher.start()   # a daemon thread (imapclient is blocking)
    watcher.stop()

- After every (re)connection it checks UIDVALIDITY and processes every message above the last UID it
  handled (all of them again if UIDVALIDITY changed — the Message-ID dedup makes that harmless) and without
  its keyword, so messages that arrived while it was away are answered too.
- It reads with `BODY.PEEK[]` (never `\\Seen`: people read this mailbox too), at most `max_bytes` of each
  message, and marks each processed message with the keyword `$Expe50Traite`, which agents see in their
  mail client (when the server's PERMANENTFLAGS allow keywords).
- IDLE is renewed every `renew_seconds` (at most 10 minutes, under the 29-minute limit of RFC 2177); a
  `BYE`, a socket timeout (a silent dead link shows up when the renewal gets no answer) or any error is a
  disconnection: it reconnects with capped exponential backoff and jitter.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from imapclient import IMAPClient

from bot.mail.processor import MailProcessor, Processed
from store.mailbox import Mailbox

log = logging.getLogger(__name__)

KEYWORD = "$Expe50Traite"
MAX_RENEW_SECONDS = 600.0


class Disconnected(Exception):
    """The server said BYE or stopped answering."""


@dataclass(frozen=True)
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    ssl: bool = True
    folder: str = "INBOX"


@dataclass(frozen=True)
class WatchTiming:
    """Every delay of the watcher, injectable so that tests run in seconds."""

    renew_seconds: float = 540.0  # IDLE renewal (capped at 10 minutes)
    check_seconds: float = 1.0  # how often an IDLE wait wakes up to look at the stop flag
    socket_timeout: float = 60.0  # a silent link is dead after this
    backoff_base: float = 1.0
    backoff_cap: float = 300.0
    fetch_batch: int = 50


class MailWatcher:
    def __init__(
        self,
        settings: ImapSettings,
        processor: MailProcessor,
        mailbox: Mailbox,
        clock: Callable[[], datetime],
        *,
        timing: WatchTiming | None = None,
        keyword: str = KEYWORD,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.settings = settings
        self.processor = processor
        self.mailbox = mailbox
        self.clock = clock
        self.timing = timing or WatchTiming()
        self.keyword = keyword
        self.jitter = jitter
        # What happened so far, for the logs and the tests (read from other threads: plain ints, no lock).
        self.connections = 0  # successful logins
        self.disconnections = 0  # connections (or attempts) that ended in an error: BYE, timeout, EOF, ...
        self.last_error: str | None = None  # the exception name of the latest disconnection
        self.idles = 0  # IDLE commands sent
        self.renewals = 0  # IDLEs ended by the renewal timer (nothing announced meanwhile)
        self.synced = threading.Event()  # set after each completed catch-up
        self.last_sync: datetime | None = None  # when the latest catch-up completed (for `expe50 status`)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._client: IMAPClient | None = None
        self._keywords_ok = False
        self._failures = 0  # consecutive failed connections; reset once a catch-up succeeds
        self._uidvalidity = 0

    # ---- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="expe50-imap", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self) -> None:
        while not self._stop.is_set():
            delay = 0.0
            try:
                self._connect()
                self._watch()
            except Exception as error:  # BYE, EOF, timeout, auth, protocol: all mean "reconnect later"
                self.disconnections += 1
                self.last_error = type(error).__name__
                self._failures += 1
                delay = self._backoff(self._failures)
                log.warning("imap: disconnected (%s); reconnecting in %.1f s", type(error).__name__, delay)
            finally:
                self._close()
            if not self._stop.is_set():
                self._stop.wait(delay)

    def _backoff(self, failures: int) -> float:
        t = self.timing
        ceiling = min(t.backoff_cap, t.backoff_base * (2.0 ** max(0, failures - 1)))
        return ceiling * (0.5 + 0.5 * self.jitter())  # "equal jitter": never zero, never in lockstep

    # ---- one connection --------------------------------------------------------------------------------

    def _connect(self) -> None:
        s = self.settings
        client = IMAPClient(s.host, s.port, ssl=s.ssl, timeout=self.timing.socket_timeout)
        self._client = client
        client.login(s.user, s.password)
        self.connections += 1
        log.info("imap: connected to %s:%s as %s", s.host, s.port, s.user)

    def _close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:
            with contextlib.suppress(Exception):
                client.shutdown()

    def _watch(self) -> None:
        client = self._require()
        self._select()
        self.catch_up()
        self._failures = 0
        renew = self.renew_interval
        while not self._stop.is_set():
            client.idle()
            self.idles += 1
            started = time.monotonic()
            changed = False
            while not self._stop.is_set() and time.monotonic() - started < renew:
                responses = client.idle_check(timeout=self.timing.check_seconds)
                if any(_is_bye(item) for item in responses):
                    raise Disconnected("BYE")
                if any(_is_news(item) for item in responses):
                    changed = True
                    break
            # DONE waits for the server's tagged answer: on a dead link the socket timeout raises here.
            client.idle_done()
            if not changed:
                self.renewals += 1
                client.noop()
            self.catch_up()

    @property
    def renew_interval(self) -> float:
        """Seconds between IDLE renewals: the configured value, never more than 10 minutes."""
        return min(self.timing.renew_seconds, MAX_RENEW_SECONDS)

    def _require(self) -> IMAPClient:
        if self._client is None:
            raise Disconnected("not connected")
        return self._client

    # ---- catching up -----------------------------------------------------------------------------------

    def catch_up(self) -> list[Processed]:
        """Process every message not processed yet, until a search finds nothing new; returns what was done.

        Why loop: a message that arrives while we work is announced (`* n EXISTS`) in the answer to whatever
        command we were sending (FETCH, STORE), where imaplib files it away; IDLE would not announce it again.
        So we search again until nothing is new, and look at the announcements filed away before idling.
        """
        done: list[Processed] = []
        while True:
            _pending_exists(self._require())  # clear what this round's search will see anyway
            batch = self._catch_up_once()
            done += batch
            if not batch and not _pending_exists(self._require()):
                self._synced()
                return done
            if batch and batch[-1].outcome == "retry":
                self._synced()
                return done

    def _synced(self) -> None:
        self.last_sync = self.clock()
        self.synced.set()

    @property
    def connected(self) -> bool:
        """Logged in right now (between a login and the next disconnection)."""
        return self._client is not None and self.connections > 0

    @property
    def uidvalidity(self) -> int:
        """The folder's UIDVALIDITY seen at the latest selection (0 before the first)."""
        return self._uidvalidity

    def _select(self) -> None:
        """Select the folder (once per connection): its UIDVALIDITY, and whether keywords can be stored."""
        client = self._require()
        selected = client.select_folder(self.settings.folder)
        self._uidvalidity = int(selected[b"UIDVALIDITY"])
        flags = [bytes(f) if not isinstance(f, bytes) else f for f in selected.get(b"PERMANENTFLAGS", ())]
        self._keywords_ok = b"\\*" in flags
        _pending_exists(client)  # the counts SELECT announced: the first search covers them

    def _catch_up_once(self) -> list[Processed]:
        client = self._require()
        folder = self.settings.folder
        uidvalidity = self._uidvalidity
        known_validity, last_uid = self.mailbox.folder_state(folder)
        if known_validity != uidvalidity:
            if known_validity is not None:
                log.warning("imap: UIDVALIDITY of %s changed; rescanning the folder", folder)
            last_uid = 0
        criteria: list[Any] = ["UID", f"{last_uid + 1}:*"]
        if self._keywords_ok:
            criteria += ["NOT", "KEYWORD", self.keyword]
        uids = sorted(uid for uid in client.search(criteria) if uid > last_uid)
        done: list[Processed] = []
        size = self.timing.fetch_batch
        for start in range(0, len(uids), size):
            chunk = uids[start : start + size]
            part = f"BODY.PEEK[]<0.{self.processor.max_bytes}>"
            fetched = client.fetch(chunk, [part])
            handled: list[int] = []
            try:
                for uid in chunk:
                    if self._stop.is_set():
                        return done
                    data = fetched.get(uid, {})
                    raw = data.get(b"BODY[]<0>") or data.get(b"BODY[]") or b""
                    # A failure is retried a bounded number of times, then recorded as "failed" by the
                    # processor; only if even that cannot be written do we stop and leave it for later.
                    for _ in range(self.mailbox.max_attempts):
                        result = self.processor.process(bytes(raw), self.clock())
                        if result.outcome != "retry":
                            break
                    done.append(result)
                    if result.outcome == "retry":
                        return done
                    handled.append(uid)
            finally:
                # Marks after the durable processing, one STORE and one write per chunk: a crash before
                # them only means the chunk is read again and found already processed (Message-ID dedup).
                self._mark(handled, uidvalidity)
        if not uids:
            self.mailbox.set_folder_state(folder, uidvalidity, last_uid)
        return done

    def _mark(self, uids: list[int], uidvalidity: int) -> None:
        if not uids:
            return
        if self._keywords_ok:
            self._require().add_flags(uids, [self.keyword], silent=True)
        self.mailbox.set_folder_state(self.settings.folder, uidvalidity, max(uids))


def _pending_exists(client: IMAPClient) -> bool:
    """Whether imaplib filed away an `EXISTS` announcement during an earlier command (and forget it)."""
    filed = getattr(getattr(client, "_imap", None), "untagged_responses", None)
    if not isinstance(filed, dict):
        return False
    return bool(filed.pop("EXISTS", None)) | bool(filed.pop("RECENT", None))


def _is_bye(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) > 0 and item[0] == b"BYE"


def _is_news(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) > 1 and item[1] in (b"EXISTS", b"RECENT")
