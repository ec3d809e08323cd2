"""With `should_escape: true`, what Slack sends is read back as what the member typed (a mention becomes its
stable id for `membre ajouter`); at start, the bot says in the log whether it may post in the ARS agents'
channel and, when not, how to fix it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.slack.backend import HandlersBackend
from bot.slack.channel_check import check_agents_channel
from bot.slack.typed import from_slack
from tests.bot.slack.conftest import BOT_TOKEN, start_rig
from tests.support.conversation import Conversation
from tests.support.slack_api import FakeSlackAPI


@pytest.mark.parametrize(
    ("sent", "typed"),
    [
        ("membre ajouter <@U0NEW0001|jean dupont> role=saisie", "membre ajouter <@U0NEW0001> role=saisie"),
        ("membre ajouter <@U0NEW0001> role=ars", "membre ajouter <@U0NEW0001> role=ars"),
        (
            "membre ajouter <mailto:Agent@ars.fr|Agent@ars.fr> role=ars",
            "membre ajouter Agent@ars.fr role=ars",
        ),
        ("question montant &gt; 100 &amp; &lt;patient&gt;", "question montant > 100 & <patient>"),
        ("question voir <https://www.legifrance.gouv.fr/x|le décret>", "question voir le décret"),
        ("question <!here> et <#C0123|agents>", "question @here et #agents"),
        ("question &amp;lt;", "question &lt;"),  # what was typed as "&lt;" stays so
    ],
)
def test_slack_escaped_text_is_read_back_as_typed(sent: str, typed: str) -> None:
    assert from_slack(sent) == typed


def test_a_mention_with_a_display_name_adds_the_member_through_slack(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    convo = Conversation.start(tmp_path, setup=True)
    rig = start_rig(slack_api, HandlersBackend(convo.ctx))
    try:
        rig.ask("membre ajouter <@U0NEWBIE1|jean dupont> role=saisie site=760780239", "U0ADMIN")
        member = convo.repo.member("U0NEWBIE1")
        assert member is not None and member.sites == ("760780239",)
    finally:
        rig.channel.stop()
        convo.close()


def _check_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    messages = [r.getMessage() for r in caplog.records]
    return [m for m in messages if "EXPE50_ARS_CHANNEL=" in m or "the bot is a member" in m]


def test_the_agents_channel_check_names_the_fix(
    slack_api: FakeSlackAPI, caplog: pytest.LogCaptureFixture
) -> None:
    client = WebClient(token=BOT_TOKEN, base_url=slack_api.base_url)
    slack_api.channels.update({"C0AGENTS": False, "C0JOINED": True})
    with caplog.at_level(logging.INFO, logger="expe50.slack"):
        assert not check_agents_channel(client, "C0AGENTS")
        assert not check_agents_channel(client, "C0UNKNOWN")
        assert check_agents_channel(client, "C0JOINED")
    # Only the check's own lines: a Slack thread left by an earlier test may still log its connection errors.
    lines = _check_lines(caplog)
    assert "EXPE50_ARS_CHANNEL=C0AGENTS" in lines[0] and "/invite @expe50" in lines[0]
    assert "not_in_channel" in lines[0]
    assert "EXPE50_ARS_CHANNEL=C0UNKNOWN" in lines[1] and "/invite @expe50" in lines[1]
    assert "is a member" in lines[2]
    slack_api.failures["conversations.info"] = "missing_scope"
    with caplog.at_level(logging.INFO, logger="expe50.slack"):
        assert not check_agents_channel(client, "C0JOINED")
    assert "channels:read" in _check_lines(caplog)[-1]
