"""A question the bot cannot settle is handed over from every door: Slack and the console create the same
hand-over as the mailbox (listed by `courriels`, alerted in the agents' channel); `repondre` answers the asker
where they asked (a Slack direct message, once); when nobody can receive hand-overs, no reply promises one."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.desk import AgentsDesk
from bot.render.slack import reply_messages
from bot.render.text import render_text
from store.mailbox import Mailbox
from tests.support.conversation import Conversation

UNSETTLED = "question Quelle est la météo à Rouen demain ?"


@pytest.fixture
def convo(tmp_path: Path) -> Conversation:
    return Conversation.start(tmp_path, setup=True)


def _desk(convo: Conversation, alerts: list[str], dms: list[tuple[str, str]]) -> AgentsDesk:
    desk = AgentsDesk(
        Mailbox(convo.ctx.repo.database),
        alert=alerts.append,
        direct_message=lambda user, message: dms.append((user, message)),
        repo=convo.ctx.repo,
    )
    convo.ctx.desk = desk
    return desk


def test_a_slack_question_is_handed_over_alerted_listed_and_answered_by_direct_message(
    convo: Conversation,
) -> None:
    alerts: list[str] = []
    dms: list[tuple[str, str]] = []
    desk = _desk(convo, alerts, dms)
    reply = convo.ask(UNSETTLED, as_="U0SAISIE", channel="slack")
    reference = reply.data["handover"]
    assert reply.needs_human and reference and f"référence {reference}" in " ".join(reply.body)
    assert "Je transmets votre question à un agent de l'ARS, qui vous répondra." not in reply.body
    [alert] = alerts
    assert reference in alert and "Slack" in alert and "U0SAISIE" in alert and "météo" in alert
    [handover] = desk.open_handovers()
    assert (handover.channel, handover.member_id) == ("slack", "U0SAISIE")
    listed = convo.ask("courriels", as_="agent@ars.sante.fr", channel="slack")
    assert reference in listed.data["waiting"]

    answered = convo.ask(
        f"repondre {reference.lower()} Il fera beau.", as_="agent@ars.sante.fr", channel="slack"
    )
    assert answered.ok, answered
    [(user, message)] = dms
    assert user == "U0SAISIE" and "Il fera beau." in message and reference in message
    assert desk.open_handovers() == []
    again = convo.ask(f"repondre {reference} Encore.", as_="agent@ars.sante.fr", channel="slack")
    assert not again.ok and len(dms) == 1  # answered once


def test_a_slack_retry_of_the_same_delivery_makes_one_hand_over(convo: Conversation) -> None:
    alerts: list[str] = []
    desk = _desk(convo, alerts, [])
    from handlers.dispatch import dispatch
    from handlers.reply import Request

    for _ in range(2):
        dispatch(Request("U0SAISIE", UNSETTLED, "slack", convo.now, delivery_id="Ev123"), convo.ctx)
    assert len(desk.open_handovers()) == 1


def test_a_console_question_is_handed_over_and_its_answer_recorded(convo: Conversation) -> None:
    desk = _desk(convo, [], [])
    reply = convo.ask(UNSETTLED)
    reference = reply.data["handover"]
    assert reference and reference in render_text(reply)
    assert convo.ask(f"repondre {reference} Voyez Météo-France.", as_="agent@ars.sante.fr").ok
    [handover] = [h for h in desk.mailbox.open_handovers()] or [desk.handover(reference)]
    assert handover is not None and handover.state == "answered" and handover.answer == "Voyez Météo-France."


def test_when_nobody_can_receive_hand_overs_the_reply_promises_nothing_and_says_whom_to_contact(
    tmp_path: Path,
) -> None:
    convo = Conversation.start(tmp_path)  # no member at all, no channel, no mailbox
    _desk(convo, [], [])
    convo.ctx.desk = AgentsDesk(Mailbox(convo.ctx.repo.database), repo=convo.ctx.repo)  # no alert, no DM
    reply = convo.ask(UNSETTLED, as_=None)
    said = render_text(reply)
    assert reply.data["handover"] is None
    assert "transmets" not in said and "transmise" not in said
    assert "Adressez-vous directement à votre ARS" in said
    blocks = str(reply_messages(reply))
    assert "transmise" not in blocks
    assert convo.ask("courriels").data["waiting"] == []


def test_without_any_desk_no_promise_either(convo: Conversation) -> None:
    reply = convo.ask(UNSETTLED, as_="U0SAISIE", channel="slack")
    assert reply.data["handover"] is None and "transmise" not in str(reply_messages(reply))


def test_hand_over_texts_reach_slack_escaped(convo: Conversation) -> None:
    """Neither the asker's question nor the agent's answer can ping a channel or forge a link; the alert's
    own `<votre réponse>` shows as typed."""
    alerts: list[str] = []
    dms: list[tuple[str, str]] = []
    _desk(convo, alerts, dms)
    reply = convo.ask("question Quelle météo <!channel> à Rouen demain ?", as_="U0SAISIE", channel="slack")
    reference = reply.data["handover"]
    [alert] = alerts
    assert "<!channel>" not in alert and "&lt;!channel&gt;" in alert
    assert "<votre réponse>" not in alert and "&lt;votre réponse&gt;" in alert
    answer = f"repondre {reference} Voir <https://evil.example|ici> & <!here>"
    assert convo.ask(answer, as_="agent@ars.sante.fr", channel="slack").ok
    [(_, message)] = dms
    assert "<!here>" not in message and "<https://evil" not in message and "&amp;" in message
