"""At start: can the bot post in the ARS agents' channel (EXPE50_ARS_CHANNEL, where hand-overs are
announced)? A bot that was never invited there gets `not_in_channel` at the first hand-over, long after
start-up; this check says so at once, in the log, with the way out."""

from __future__ import annotations

import logging
from typing import Any

from bot.slack_errors import slack_error_code

log = logging.getLogger("expe50.slack")


def check_agents_channel(client: Any, channel: str) -> bool:
    """True when the bot is a member of `channel`; otherwise one error line naming the setting and the fix
    (never raises: the rest of the bot works without that channel)."""
    name = "expe50"
    try:
        bot = client.auth_test()
        name = str(bot.get("user") or name)
        info = client.conversations_info(channel=channel)
    except Exception as error:
        code = slack_error_code(error)
        if code == "channel_not_found":
            log.error(
                "EXPE50_ARS_CHANNEL=%s: Slack knows no such channel, or it is private and the bot is not"
                " in it. Check the id (channel details, at the bottom) and invite the bot: type /invite @%s"
                " in that channel. Hand-overs will not be announced there until then.",
                channel,
                name,
            )
        elif code == "missing_scope":
            log.error(
                "EXPE50_ARS_CHANNEL=%s: the Slack app may not read channels (missing_scope). Add the"
                " channels:read and groups:read scopes (slack-manifest.yaml) and reinstall the app.",
                channel,
            )
        else:
            log.error("EXPE50_ARS_CHANNEL=%s: the channel could not be checked (%s).", channel, code)
        return False
    found = info.get("channel") or {}
    label = f"#{found['name']}" if found.get("name") else channel
    if not found.get("is_member"):
        log.error(
            "EXPE50_ARS_CHANNEL=%s (%s): the bot is not a member, so hand-over announcements would fail with"
            " not_in_channel. In Slack, open %s and type /invite @%s.",
            channel,
            label,
            label,
            name,
        )
        return False
    log.info("ARS agents' channel %s: the bot is a member and may post there", label)
    return True
