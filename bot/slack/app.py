"""The Slack app factory: a Bolt `App` wired to a `SlackBackend`, a clock and the Web API base URL.

`App.dispatch(request) -> response` is Bolt's core; HTTP (bot/slack/server.py) and Socket Mode are thin
adapters around it. Signature verification stays on in every mode but Socket Mode (where Slack does not sign):
a request with a bad or stale signature gets 401 and reaches no listener.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.backend import SlackBackend
from bot.slack.home_refresh import DEFAULT_INTERVAL
from bot.slack.listeners import Listeners
from bot.slack.settings import SlackSettings

PARIS = ZoneInfo("Europe/Paris")


def paris_now() -> datetime:
    return datetime.now(PARIS)


def web_client(settings: SlackSettings) -> WebClient:
    if settings.api_url:
        return WebClient(token=settings.bot_token, base_url=settings.api_url)
    return WebClient(token=settings.bot_token)


def build_app(
    settings: SlackSettings,
    backend: SlackBackend,
    *,
    clock: Callable[[], datetime] = paris_now,
    ack_budget: float = 2.0,
    workers: int = 8,
    home_interval: float = DEFAULT_INTERVAL,
) -> App:
    """The Bolt app. It calls `auth.test` once (Bolt checks the token at start), so a wrong token fails
    here, at start-up, rather than at the first command."""
    app = App(
        client=web_client(settings),
        signing_secret=settings.signing_secret,
        # Lazy listeners: each ack function answers at once and Bolt runs the work after it, on its listener
        # executor (`workers` threads: the store has one writer, so more would only queue on its lock).
        process_before_response=True,
        request_verification_enabled=not settings.socket_mode,
        logger=logging.getLogger("expe50.slack.bolt"),
        name="expe50",
        listener_executor=ThreadPoolExecutor(max_workers=workers, thread_name_prefix="expe50-slack"),
    )
    Listeners(backend=backend, clock=clock, ack_budget=ack_budget, home_interval=home_interval).register(app)
    return app


def build_bare_app(settings: SlackSettings, answer: str = "ok") -> App:
    """A Bolt app that answers every /expe50 with a constant: the benchmark's baseline (same Bolt, same
    server, same signature check, no bot)."""
    app = App(
        client=web_client(settings),
        signing_secret=settings.signing_secret,
        process_before_response=True,  # as the bot: the comparison measures the bot, not Bolt's modes
        logger=logging.getLogger("expe50.slack.bare"),
        name="expe50-bare",
    )

    @app.command("/expe50")
    def constant(ack: Callable[..., None]) -> None:
        ack(text=answer, response_type="ephemeral")

    return app
