"""App Home: the `handlers.home.Home` summary as a Slack home view.

A site member sees their site(s), an ARS agent every site of the region, an unknown user how to get access.
The buttons open the same modals as `/expe50 adressage` and `/expe50 administration`.
"""

from __future__ import annotations

import json
from typing import Any

from bot.render.slack import FORM_ACTION, RUN_ACTION, escape, mrkdwn, plain
from handlers.home import Home, SiteSummary
from rules.month import Month
from templates import date_fr, due_fr, money, month_fr, number, render, text

MAX_HOME_BLOCKS = 100
BLOCKS_PER_SITE = 3  # heading, fields, divider


def home_view(home: Home) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(text("slack.home.title"), 150)},
        {"type": "context", "elements": [mrkdwn(text("slack.home.today", today=date_fr(home.today)))]},
    ]
    if home.audience == "unknown":
        blocks.append({"type": "section", "text": mrkdwn(text("slack.home.unknown", user_id=home.user_id))})
        blocks.append(_buttons(home))
        return {"type": "home", "blocks": blocks}
    if home.audience == "ars":
        heading = text("slack.home.region_heading", region=home.region or "?", count=len(home.sites))
        blocks.append({"type": "section", "text": mrkdwn(f"*{escape(heading)}*")})
    if not home.sites:
        blocks.append({"type": "section", "text": mrkdwn(text("slack.home.no_site"))})
    room = (MAX_HOME_BLOCKS - len(blocks) - 2) // BLOCKS_PER_SITE
    for site in home.sites[:room]:
        blocks.extend(_site(site, home))
    if len(home.sites) > room:
        more = text("slack.home.more_sites", count=len(home.sites) - room)
        blocks.append({"type": "context", "elements": [mrkdwn(more)]})
    blocks.append(_buttons(home))
    return {"type": "home", "blocks": blocks}


def _site(site: SiteSummary, home: Home) -> list[dict[str, Any]]:
    year = home.today.year
    last_month = month_fr(_previous_month(home))
    if site.target is not None:
        referrals = text(
            "slack.home.referrals_value", count=number(site.referrals_year), target=number(site.target)
        )
    else:
        referrals = text("slack.home.referrals_no_target", count=number(site.referrals_year))
    if site.next_deadline is not None:
        days = text("slack.home.days_left", days=site.next_deadline.days_left)
        deadline = text(
            "slack.home.deadline_value",
            label=site.next_deadline.label,
            date=due_fr(site.next_deadline.due, site.next_deadline.precision),
            days=days,
        )
    else:
        deadline = text("slack.home.no_deadline")
    facts = [
        (text("slack.home.in_care"), number(site.in_care)),
        (text("slack.home.silent", month=last_month), number(site.silent_last_month)),
        (text("slack.home.forfaits", year=year), money(site.forfaits_year)),
        (text("slack.home.referrals", year=year), referrals),
        (text("slack.home.deadline"), deadline),
    ]
    heading = render("slack/home_site.md.j2", site_name=escape(site.name), finess=site.finess)
    return [
        {"type": "section", "text": mrkdwn(heading.strip())},
        {
            "type": "section",
            "fields": [mrkdwn(f"*{escape(label)}*\n{escape(value)}", 2000) for label, value in facts],
        },
        {"type": "divider"},
    ]


def _previous_month(home: Home) -> Month:
    return Month.of(home.today).previous()


def _buttons(home: Home) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    if home.can_write:
        for index, (form, label) in enumerate(
            (("adressage", "slack.home.log_referral"), ("administration", "slack.home.log_administration"))
        ):
            elements.append(
                {
                    "type": "button",
                    "action_id": f"{FORM_ACTION}.home{index}",
                    "text": plain(text(label), 75),
                    "value": json.dumps({"form": form, "command": form}),
                    **({"style": "primary"} if index == 0 else {}),
                }
            )
    elements.append(
        {
            "type": "button",
            "action_id": f"{RUN_ACTION}.home",
            "text": plain(text("slack.home.help"), 75),
            "value": "aide",
        }
    )
    return {"type": "actions", "block_id": "home_actions", "elements": elements}
