"""Fixtures of the Slack tests: a fake Slack Web API on loopback, the bot's Slack app started for real on a
free loopback port (HTTP mode), and a sender of signed requests.

Two backends: `StubBackend` (a recording dispatcher, for the channel's own behaviour: acks, modals, retries,
signatures) and the real one over handlers.dispatch and a temporary store (test_e2e.py).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.slack import Choice, SlackBackend, SlackChannel, SlackSettings, start_slack
from bot.slack.backend import FormChoices
from handlers.home import Deadline, Home, SiteSummary
from handlers.reply import Reply, Request, Status
from tests.support.slack_api import FakeSlackAPI
from tests.support.slack_client import SlackSender

BOT_TOKEN = "xoxb-test-0000-secret-bot-token"
SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
NOW = datetime(2025, 10, 14, 9, 30, tzinfo=ZoneInfo("Europe/Paris"))
MEMBER = "U0MEMBER01"
STRANGER = "U0UNKNOWN1"


@dataclass
class StubBackend:
    """Answers every command with `answer(request)`, records the requests; `members` may use forms."""

    answer: Callable[[Request], Reply] = lambda request: Reply(Status.OK, f"reçu : {request.text}")
    members: set[str] = field(default_factory=lambda: {MEMBER})
    requests: list[Request] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def dispatch(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        reply = self.answer(request)
        if request.delivery_id and reply.ok:
            self.seen.add(request.delivery_id)
        return reply

    def may_use_form(self, user_id: str, verb: str, now: datetime) -> bool:
        return user_id in self.members

    def form_choices(self, user_id: str) -> FormChoices:
        hads = (Choice("760000001", "HAD Rouen (760000001)"), Choice("760000002", "HAD Caux (760000002)"))
        return FormChoices(sites=(Choice("760000099", "Centre de test (760000099)"),), hads=hads)

    def home(self, user_id: str, now: datetime) -> Home:
        if user_id not in self.members:
            return Home("unknown", user_id, now.date())
        site = SiteSummary(
            finess="760000099",
            name="Centre de test",
            in_care=12,
            silent_last_month=3,
            forfaits_year=Decimal("1280"),
            referrals_year=9,
            target=20,
            next_deadline=Deadline("Rapport initial", date(2025, 10, 31), 17),
        )
        return Home("member", user_id, now.date(), sites=(site,), can_write=True)

    def delivery_seen(self, delivery_id: str) -> bool:
        return delivery_id in self.seen

    def writes(self, command: str) -> bool:
        return command.split(maxsplit=1)[:1] in (["adressage"], ["administration"], ["fin"], ["annuler"])


@dataclass
class SlackRig:
    api: FakeSlackAPI
    channel: SlackChannel
    send: SlackSender
    backend: SlackBackend
    _asked: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def ask(self, text: str, user: str, **options: Any) -> dict[str, Any]:
        """Type `/expe50 <text>` as `user`: the bot acknowledges with an empty 200 at once, then posts its
        answer to the command's response_url; returns that answer (text, blocks, response_type)."""
        name = f"ask{next(self._asked)}"
        answer = self.send.slash(text, user, response_name=name, **options)
        assert (answer.status, answer.body) == (200, ""), (answer.status, answer.body)
        [posted] = self.api.wait_for_response(name)
        return posted.params


def start_rig(
    api: FakeSlackAPI,
    backend: SlackBackend,
    ack_budget: float = 2.0,
    now: datetime = NOW,
    home_interval: float = 5.0,
) -> SlackRig:
    settings = SlackSettings(
        bot_token=BOT_TOKEN,
        signing_secret=SIGNING_SECRET,
        api_url=api.base_url,
        http_host="127.0.0.1",
        http_port=0,
    )
    channel = start_slack(
        settings, backend, clock=lambda: now, ack_budget=ack_budget, home_interval=home_interval
    )
    assert channel.url is not None
    sender = SlackSender(channel.url, SIGNING_SECRET, api.root + "/response/")
    return SlackRig(api, channel, sender, backend)


@pytest.fixture
def slack_api() -> Iterator[FakeSlackAPI]:
    api = FakeSlackAPI(token=BOT_TOKEN).start()
    yield api
    api.stop()
    api.assert_nothing_refused()  # a test fails where Slack would have refused a payload


@pytest.fixture
def stub() -> StubBackend:
    return StubBackend()


@pytest.fixture
def rig(slack_api: FakeSlackAPI, stub: StubBackend) -> Iterator[SlackRig]:
    started = start_rig(slack_api, stub)
    yield started
    started.channel.stop()
