"""Entries found again and corrected: `historique`, `modifier`, the last reference in `patients`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.reply import Status
from tests.support.conversation import Conversation


@pytest.fixture
def convo(tmp_path: Path) -> Iterator[Conversation]:
    c = Conversation.start(tmp_path, setup=True)
    for line in (
        "adressage P-1 2025-09-10 had=760024042 commune=76540 moins-de-3-ans=non",
        "administration P-1 2025-09-15",
        "administration P-1 2025-10 nombre=2",
    ):
        assert c.ask(line, as_="U0SAISIE").ok, line
    yield c
    c.close()


def reference_of(convo: Conversation, date: str) -> str:
    found = convo.ask("historique P-1", as_="U0COORD").data["entries"]
    return str(next(e["reference"] for e in found if e["date"] == date and e["active"]))


def test_history_lists_every_entry_with_reference_author_channel_and_why_not_paid(
    convo: Conversation,
) -> None:
    oral = convo.ask("administration P-1 2025-11-03 traitement=oral", as_="U0SAISIE")
    assert convo.ask(f"annuler {oral.reference}", as_="U0SAISIE").ok
    reply = convo.ask("historique P-1", as_="agent@ars.sante.fr")
    assert reply.ok
    rows = reply.data["entries"]
    assert [r["kind"] for r in rows] == ["adressage", "administration", "administration", "administration"]
    assert rows[2]["date"] == "2025-10" and rows[2]["count"] == 2
    assert rows[0]["author"] == "U0SAISIE" and rows[0]["channel"] == "slack"
    assert rows[3]["active"] is False and rows[3]["not_paid"] == ["annulée"]
    assert "ANNULÉE" in reply.body[3] and oral.reference in reply.body[3]
    assert convo.ask("historique P-404", as_="U0SAISIE").status is Status.ERROR
    assert convo.ask("historique P-1", as_="U0HAVRE").status is Status.ERROR  # not its site


def test_modifier_cancels_and_records_in_one_write_seen_in_history_and_forfaits(convo: Conversation) -> None:
    old = reference_of(convo, "2025-10")
    before = convo.ask("forfaits 2025", as_="U0COORD").data["total"]
    reply = convo.ask(f"modifier {old} date=2025-11-04 nombre=1", as_="U0SAISIE")
    assert reply.ok and reply.reference and reply.reference != old, reply.title
    assert reply.data["replaces"] == old
    rows = {r["reference"]: r for r in convo.ask("historique P-1", as_="U0COORD").data["entries"]}
    assert rows[old]["active"] is False and rows[reply.reference]["date"] == "2025-11-04"
    after = convo.ask("forfaits 2025", as_="U0COORD")
    assert (before, after.data["total"]) == ("440.00", "440.00")
    months = [ln["month"] for ln in after.data["sites"][0]["lines"] if ln["kind"] != "none"]
    assert months == ["2025-09", "2025-11"]
    audit = [json.loads(x) for x in convo.repo.database.audit_path.read_text().splitlines()]
    actions = [a["action"] for a in audit[-3:]]
    assert actions == ["administration.cancel", "administration.add", "entry.correct"]
    assert len({a["seq"] for a in audit}) == len(audit)
    last = convo.ask("patients", as_="U0COORD").data["patients"][0]["last_reference"]
    assert last == reply.reference


def test_a_refused_correction_changes_nothing(convo: Conversation) -> None:
    old = reference_of(convo, "2025-10")
    referral = reference_of(convo, "2025-09-10")
    count = len(convo.repo.database.audit_path.read_text().splitlines())
    for line, status in (
        (f"modifier {old} date=2025-08", Status.ERROR),  # before the referral
        (f"modifier {old} nombre=99", Status.ERROR),
        (f"modifier {old} motif=x", Status.ERROR),
        (f"modifier {old}", Status.ERROR),
        (f"modifier {old} nombre=2", Status.ERROR),  # nothing changes
        (f"modifier {referral} date=2025-10-20", Status.ERROR),  # administrations before it
        (f"modifier {old} nombre=3", Status.DENIED),
    ):
        who = "U0HAVRE" if status is Status.DENIED else "U0SAISIE"
        reply = convo.ask(line, as_=who)
        assert reply.status is status, (line, reply.title)
    assert len(convo.repo.database.audit_path.read_text().splitlines()) == count
    assert convo.repo.entry(old) is not None and convo.repo.entry(old).active  # type: ignore[union-attr]
    convo.reopen()
    assert convo.repo.entry(old).active  # type: ignore[union-attr]


def test_history_says_why_an_administration_after_an_unpaid_referral_earns_nothing(
    convo: Conversation,
) -> None:
    # The Havre site has no convention with the paediatric HAD: its referral is not paid.
    assert convo.ask("adressage P-9 2025-09-10 had=760024059 site=760000196 commune=76540").ok
    assert convo.ask("administration P-9 2025-09-20 site=760000196").ok
    rows = convo.ask("historique P-9 site=760000196").data["entries"]
    assert rows[0]["not_paid"] and rows[1]["not_paid"] == [
        "l'adressage de ce patient n'ouvre pas droit au forfait (voir la ligne de l'adressage)"
    ]
    paid = convo.ask("historique P-1", as_="U0COORD").data["entries"]
    assert all(not r["not_paid"] for r in paid)
