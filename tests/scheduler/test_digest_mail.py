"""The weekly digest shows the agents the mailbox's state: each open hand-over with the reference `repondre`
takes, the incoming messages given up and the outgoing ones the outbox gave up on since the previous digest
(sender or recipients, masked subject, reason; never a message's text), as text and as escaped HTML — through
the scheduler to an SMTP server, and in `expe50 digest`; the reference read in the digest is what `repondre`
takes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from bot.cli import main
from bot.desk import AgentsDesk, agent_reply_key
from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.mail_status import read_failures, read_waiting
from handlers.reply import Request, Status
from rules.parameters import load_parameters
from store.engine import Database
from store.mailbox import Mailbox
from store.outbox import Outbox
from store.repository import Repository
from tests.scheduler.fakes import paris
from tests.scheduler.world import Clock, World, fill
from tests.support.smtp import SmtpServer

DIGEST_AT = "2027-08-02T08:00"  # a Monday: the digest covers 26 July to 1 August
NIR = "1 85 05 78 006 084 36"


def _fill_mail(db: Database) -> str:
    """One open hand-over, failures inside and outside the digest's week; returns the hand-over reference."""
    mailbox = Mailbox(db)
    handover = mailbox.add_handover(
        message_id="<q1@ch-rouen.fr>",
        sender="martin@ch-rouen.fr",
        subject="Forfait d'un patient transféré ?",
        question="Le patient transféré ouvre-t-il un nouveau forfait ?",
        references=("<q0@ch-rouen.fr>",),
        reason="unsettled",
        now=paris("2027-07-28T10:00"),
    )
    week = paris("2027-07-30T14:00")
    before = paris("2027-07-25T14:00")  # given up before the previous digest: already reported
    for _ in range(3):
        mailbox.record_failure(
            "<bad@labo.fr>", "UnicodeError", week, sender="robot@labo.fr", subject=f"<b>NIR {NIR}</b>"
        )
        mailbox.record_failure("<old@x.fr>", "ValueError", before, sender="ancien@x.fr", subject="vieux")
    outbox = Outbox(db, "expe50@ars.example.org")
    spec = {"to": "parti@ch-caen.fr", "subject": "Re: Question HAD", "text": "SECRET-BODY réponse"}
    outbox.enqueue("mail-reply:<q2@ch-caen.fr>", spec, week)
    outbox.mark_failed("mail-reply:<q2@ch-caen.fr>", week, "SMTP 550", permanent=True)
    return handover.reference


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.items: dict[str, list[str]] = {}
        self._list: str | None = None
        self._in_li = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "ul":
            self._list = dict(attrs).get("class")
        if tag == "li" and self._list:
            self._in_li = True
            self.items.setdefault(self._list, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "li":
            self._in_li = False

    def handle_data(self, data: str) -> None:
        if self._in_li and self._list:
            self.items[self._list][-1] += data


@pytest.fixture
def world(tmp_path: Path, smtp_server: SmtpServer) -> Iterator[World]:
    path = tmp_path / "expe50.db"
    fill(path)
    w = World(path, Clock(paris(DIGEST_AT)), smtp_server.port)
    w.open()
    try:
        yield w
    finally:
        w.close()


def test_the_digest_lists_hand_overs_with_their_reference_and_the_weeks_mail_failures(
    world: World, smtp_server: SmtpServer
) -> None:
    assert world.repo is not None
    db = world.repo.database
    reference = _fill_mail(db)
    world.service.waiting = lambda: read_waiting(db)
    world.service.failures = lambda: read_failures(db)
    report = world.service.run_digest()
    assert report is not None
    world.worker.run_once()
    (message,) = [m for m in smtp_server.wait_for(2) if m["To"] == "agent@ars.example.org"]
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()

    waiting = text.split("Questions de la boîte aux lettres en attente d'un agent")[1]
    expected = (
        f"{reference} — « Forfait d'un patient transféré ? » — martin@ch-rouen.fr (reçue le 28 juillet 2027)"
    )
    assert f"  - {expected}" in waiting
    assert "/expe50 repondre <référence> <votre réponse>" in waiting
    failures = text.split("Courriels en échec depuis la synthèse précédente")[1].split(
        "Prochaines échéances"
    )[0]
    lines = [line for line in failures.splitlines() if line.startswith("  - ")]
    assert lines == [
        "  - Reçu de robot@labo.fr — « <b>NIR [NIR masqué]</b> » — non traité le 30 juillet 2027 à 14:00 "
        "(UnicodeError, 3 essais)",
        "  - Envoi à parti@ch-caen.fr — « Re: Question HAD » — abandonné le 30 juillet 2027 à 14:00 "
        "(SMTP 550, 1 essai)",
    ]
    for body in (text, html):
        assert NIR not in body and "SECRET-BODY" not in body and "nouveau forfait" not in body
        assert "ancien@x.fr" not in body  # given up before the previous digest

    parsed = _Html()
    parsed.feed(html)
    assert "b" not in parsed.tags  # the subject's markup is shown as text, not obeyed
    assert [line.split(" — ")[0] for line in parsed.items["failures"]] == [
        "Reçu de robot@labo.fr",
        "Envoi à parti@ch-caen.fr",
    ]
    assert parsed.items["waiting"][0].startswith(reference)


def test_a_week_without_failures_says_so(world: World, smtp_server: SmtpServer) -> None:
    world.clock.now = paris(DIGEST_AT) + timedelta(days=14)
    assert world.repo is not None
    db = world.repo.database
    _fill_mail(db)
    world.service.failures = lambda: read_failures(db)
    [digest, *_] = world.service.digests(world.clock.now)
    assert digest.failures == ()
    [outgoing, *_] = world.service.digest_messages([digest])
    assert "Aucun courriel en échec cette semaine." in outgoing.text


def test_expe50_digest_shows_the_mailbox_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "expe50.json"
    fill(path)
    repo = Repository.open(path)
    try:
        reference = _fill_mail(repo.database)
    finally:
        repo.close()
    out = io.StringIO()
    assert main(["digest", "--db", str(path), "--at", DIGEST_AT], stdout=out) == 0
    shown = out.getvalue()
    assert reference in shown and "robot@labo.fr" in shown and "parti@ch-caen.fr" in shown
    assert NIR not in shown


def test_an_agent_answers_with_the_reference_read_in_the_digest_and_it_leaves_the_list(world: World) -> None:
    assert world.repo is not None
    db = world.repo.database
    _fill_mail(db)
    world.service.waiting = lambda: read_waiting(db)
    [digest, *_] = world.service.digests(world.clock.now)
    [outgoing, *_] = world.service.digest_messages([digest])
    line = next(line for line in outgoing.text.splitlines() if "martin@ch-rouen.fr" in line)
    reference = line.removeprefix("  - ").split(" — ")[0]

    desk = AgentsDesk(Mailbox(db), world.outbox, "expe50@ars.example.org")
    ctx = Context(repo=world.repo, params=load_parameters(), desk=desk)
    typed = f"repondre {reference.lower()} Oui, un nouveau forfait d'inclusion."
    reply = dispatch(Request("agent@ars.example.org", typed, "slack", world.clock.now), ctx)
    assert reply.status is Status.OK, reply
    item = world.outbox.get(agent_reply_key("<q1@ch-rouen.fr>"))
    assert item is not None and item.recipients == ("martin@ch-rouen.fr",)
    [later, *_] = world.service.digests(world.clock.now + timedelta(days=7))
    assert later.waiting == ()
