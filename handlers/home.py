"""The App Home summary: what a member sees when opening the bot in Slack.

For a site member, their site(s); for an ARS agent, every site of their region; for an unknown person, nothing
but how to get access. Pure: it reads the repository and the rules, takes `now`, and holds no Slack markup
(bot/slack/home.py renders it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

Audience = Literal["member", "ars", "unknown"]


@dataclass(frozen=True)
class Deadline:
    label: str  # French, from the parameters (e.g. "Rapport de suivi n° 1")
    due: date
    days_left: int


@dataclass(frozen=True)
class SiteSummary:
    finess: str
    name: str
    in_care: int  # patients referred and not ended
    silent_last_month: int  # patients in care with nothing logged last month
    forfaits_year: Decimal  # forfaits earned since 1 January of this year, to date
    referrals_year: int  # referrals made this year
    target: int | None  # this year's referral target, when declared
    next_deadline: Deadline | None


@dataclass(frozen=True)
class Home:
    audience: Audience
    user_id: str
    today: date
    region: str | None = None
    sites: tuple[SiteSummary, ...] = ()
    can_write: bool = False  # shows the "log a referral / administration" buttons
