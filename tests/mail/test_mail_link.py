"""The watcher's link to the IMAP server, watched on the wire through a TCP proxy: a link that goes silent
(no BYE, no close: packets just stop) is taken for dead within the renewal interval plus the socket timeout,
the watcher reconnects through the proxy once it carries traffic again and answers what arrived meanwhile;
IDLE is renewed at the configured interval (never more than 10 minutes) on the same connection."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any, cast

import pytest

from bot.mail.watcher import ImapSettings, MailWatcher, WatchTiming
from tests.mail.harness import MailBot, clock, deliver, question
from tests.support.dovecot import ImapAccount
from tests.support.smtp import SmtpServer
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.timeout(60)

RENEW = 0.3
SOCKET_TIMEOUT = 0.75
TIMING = WatchTiming(
    renew_seconds=RENEW,
    check_seconds=0.05,
    socket_timeout=SOCKET_TIMEOUT,
    backoff_base=0.1,
    backoff_cap=0.3,
)
# For the renewal test a slow answer under load must not pass for a dead link.
PATIENT = WatchTiming(renew_seconds=RENEW, check_seconds=0.05, socket_timeout=10, backoff_base=0.1)


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def proxy(imap_account: ImapAccount) -> Iterator[TcpProxy]:
    running = TcpProxy(imap_account.host, imap_account.port).start()
    yield running
    running.stop()


@pytest.fixture
def bot(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    imap_account: ImapAccount,
    smtp_server: SmtpServer,
    proxy: TcpProxy,
) -> Iterator[MailBot]:
    timing = getattr(request, "param", TIMING)
    mailbot = MailBot(tmp_path / "db.json", imap_account, smtp_server, timing=timing, imap_port=proxy.port)
    mailbot.start()
    assert mailbot.watcher.synced.wait(10)
    yield mailbot
    mailbot.stop()


def test_a_silent_link_is_detected_and_the_watcher_reconnects_through_the_proxy(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer, proxy: TcpProxy
) -> None:
    watcher = bot.watcher
    deliver(imap_account, question("Quel montant pour le mois d'inclusion ?"))
    assert len(smtp_server.wait_for(1)) == 1  # the link through the proxy works
    assert (watcher.connections, watcher.disconnections, proxy.forwarded) == (1, 0, 1)

    proxy.swallow()
    went_silent = time.monotonic()
    assert wait_until(lambda: watcher.disconnections >= 1)
    detected_after = time.monotonic() - went_silent
    # IDLE runs until its renewal, then DONE gets no answer within the socket timeout: a dead link.
    assert detected_after < RENEW + SOCKET_TIMEOUT + 1.5, detected_after
    assert watcher.last_error in ("TimeoutError", "timeout", "Disconnected")

    # Mail keeps arriving at the server while the route is dead; the watcher keeps trying, in vain.
    deliver(imap_account, question("Et l'inclusion en HAD ?", message_id="<q2@ch-rouen.fr>"))
    assert wait_until(lambda: watcher.disconnections >= 2)
    assert proxy.accepted >= 2 and proxy.forwarded == 1 and watcher.connections == 1
    assert bot.mailbox.outcome("<q2@ch-rouen.fr>") is None

    proxy.forward()
    assert bot.wait_processed("<q2@ch-rouen.fr>")["outcome"] == "answered"
    replies = smtp_server.wait_for(2)
    assert [m["In-Reply-To"] for m in replies] == ["<q1@ch-rouen.fr>", "<q2@ch-rouen.fr>"]
    assert watcher.connections == 2 and proxy.forwarded == 2  # back through the proxy, once


@pytest.mark.parametrize("bot", [PATIENT], indirect=True)
def test_idle_is_renewed_at_the_configured_interval_on_the_same_connection(
    bot: MailBot, imap_account: ImapAccount, smtp_server: SmtpServer, proxy: TcpProxy
) -> None:
    watcher = bot.watcher
    assert wait_until(lambda: len(proxy.commands(b"IDLE")) >= 4)
    idles = proxy.commands(b"IDLE")
    gaps = [later - earlier for earlier, later in pairwise(idles)]
    # Never sooner than the interval (the upper side depends on the machine's load: not asserted).
    assert all(gap >= RENEW * 0.9 for gap in gaps), gaps
    assert len(proxy.commands(b"DONE")) >= 3  # each renewal ends the previous IDLE cleanly
    assert watcher.renewals >= 3 and watcher.connections == 1 and watcher.disconnections == 0
    # The renewed IDLE still hears new mail.
    deliver(imap_account, question("Quel montant pour le mois d'inclusion ?"))
    assert len(smtp_server.wait_for(1)) == 1


def test_the_renewal_interval_is_capped_at_ten_minutes() -> None:
    settings = ImapSettings("127.0.0.1", 1, "u", "p", ssl=False)
    none = cast(Any, None)
    slow = MailWatcher(settings, none, none, clock, timing=WatchTiming(renew_seconds=3600))
    assert slow.renew_interval == 600
    assert MailWatcher(settings, none, none, clock).renew_interval == 540
