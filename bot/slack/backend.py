"""What the Slack channel needs from the rest of the bot, as one small interface.

The Slack adapter is thin: it turns Slack requests into `Request`s and `Reply`s into Block Kit. Everything it
asks of the domain goes through `SlackBackend`, so that tests and the benchmark can swap in a stub (a bare
dispatcher answering a constant) and the real one (`HandlersBackend`, over handlers.dispatch and the store) is
built once by the runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from handlers.home import Home
from handlers.reply import Reply, Request


@dataclass(frozen=True)
class Choice:
    """One option of a select menu in a modal: the value sent back, and the label shown."""

    value: str
    label: str


class SlackBackend(Protocol):
    def dispatch(self, request: Request) -> Reply:
        """Run a command, exactly as the console does; never raises."""
        ...

    def may_use_form(self, user_id: str, verb: str, now: datetime) -> bool:
        """Whether this Slack user may run `verb` (an unknown user or a member without the right gets the
        typed command's refusal instead of a form)."""
        ...

    def had_choices(self, user_id: str) -> list[Choice]:
        """The HADs the user's site(s) hold a convention with, for the modal's select."""
        ...

    def home(self, user_id: str, now: datetime) -> Home:
        """The App Home summary for this Slack user."""
        ...

    def delivery_seen(self, delivery_id: str) -> bool:
        """Whether a change was already recorded for this delivery (persisted: survives a restart)."""
        ...
