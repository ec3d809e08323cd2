"""« Vouliez-vous dire … »: close readings are offered before any hand-over — buttons in Slack (the reply's
actions), numbers at the console — and only « none of these » (or asking for a person) hands over."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.desk import AgentsDesk
from bot.render.slack import reply_messages
from store.mailbox import Mailbox
from tests.bot.test_cli import expe50
from tests.support.conversation import Conversation

VAGUE = "question y a-t-il un plafond ?"


@pytest.fixture
def convo(tmp_path: Path) -> Conversation:
    convo = Conversation.start(tmp_path, setup=True)
    convo.ctx.desk = AgentsDesk(
        Mailbox(convo.ctx.repo.database),
        alert=lambda _: None,
        direct_message=lambda *_: None,
        repo=convo.ctx.repo,
    )
    return convo


def test_close_readings_are_offered_as_buttons_before_any_hand_over(convo: Conversation) -> None:
    reply = convo.ask(VAGUE, as_="U0SAISIE", channel="slack")
    assert not reply.needs_human and "handover" not in reply.data
    labels = [c["label"] for c in reply.data["choices"]]
    assert labels[:2] == ["Plafond du forfait mensuel", "Plafond du forfait d'inclusion"]
    blocks = str(reply_messages(reply))
    assert "Plafond du forfait d'inclusion" in blocks  # a button each
    # Picking a reading answers that entry.
    picked = convo.ask(reply.actions[1].command, as_="U0SAISIE", channel="slack")
    assert picked.ok and "360,00 €" in " ".join(picked.body)
    # « None of these » hands over, with a reference.
    none = convo.ask(reply.actions[-1].command, as_="U0SAISIE", channel="slack")
    assert none.needs_human and none.data["handover"]


def test_the_console_takes_the_number_of_a_reading(tmp_path: Path) -> None:
    session = expe50("run", cwd=tmp_path, stdin="y a-t-il un plafond ?\n2\nquitter\n")
    assert session.returncode == 0, session.stderr
    assert "1. Plafond du forfait mensuel" in session.stdout
    assert "360,00 €" in session.stdout  # reading 2: the inclusion cap
