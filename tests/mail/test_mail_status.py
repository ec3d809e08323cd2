"""What the agents see of the mailbox's failures: an incoming message given up keeps its sender and a masked
subject (never its text), an outgoing message given up keeps when and why, both are listed (subjects masked
again, oldest first), and `/expe50 courriels` shows the waiting questions with their reference and the recent
failures to ARS agents and admins only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.mail.processor import MailProcessor
from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.mail_status import Direction, failures_between, mail_failures, read_failures, read_waiting
from handlers.reply import Reply, Request, Status
from rules.parameters import load_parameters
from store.mailbox import FailedMail, Mailbox
from store.outbox import Outbox
from store.records import Member, Role
from store.repository import Origin, Repository
from tests.mail.harness import question

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SENDER = "ARS <ars@test.local>"
NIR = "1 85 05 78 006 084 36"


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    repository = Repository.open(tmp_path / "db.json")
    yield repository
    repository.close()


def _broken(text: str, now: datetime) -> Reply:
    raise RuntimeError("bug in the rules")


def test_an_incoming_failure_keeps_sender_and_masked_subject_never_the_text(repo: Repository) -> None:
    db = repo.database
    processor = MailProcessor(Mailbox(db), Outbox(db, SENDER), _broken, SENDER, notify=lambda _: None)
    raw = question(
        "Quel montant pour l'inclusion du patient vu le 12/02/2026 ?",
        subject="Forfait du 12/02/2026",
    )
    outcomes = [processor.process(raw, NOW + timedelta(seconds=n)).outcome for n in range(3)]
    assert outcomes == ["retry", "retry", "failed"]
    [failure] = Mailbox(db).failures()
    assert failure.sender == "martin@ch-rouen.fr"
    assert failure.subject == "Forfait du [date masquée]"
    assert "montant" not in repr(db.table("mail_failures").all()).lower()
    [shown] = read_failures(db)
    assert (shown.direction, shown.address, shown.reason, shown.attempts) == (
        Direction.IN,
        "martin@ch-rouen.fr",
        "RuntimeError",
        3,
    )
    assert shown.at == NOW + timedelta(seconds=2)


def test_a_failure_still_retried_is_not_listed(repo: Repository) -> None:
    Mailbox(repo.database).record_failure("<a@b>", "OSError", NOW, sender="x@y.fr", subject="s")
    assert read_failures(repo.database) == []


def test_an_outgoing_message_given_up_is_listed_with_when_and_why(repo: Repository) -> None:
    outbox = Outbox(repo.database, SENDER)
    spec = {"to": "inconnu@ch-rouen.fr", "subject": "Re: Forfait", "text": "Le forfait est de 320 €."}
    outbox.enqueue("k1", spec, NOW)
    outbox.mark_failed("k1", NOW + timedelta(minutes=1), "SMTP 451")  # retried: not a failure yet
    assert read_failures(repo.database) == []
    outbox.mark_failed("k1", NOW + timedelta(minutes=5), "SMTP 550", permanent=True)
    [shown] = read_failures(repo.database)
    assert (shown.direction, shown.address, shown.subject, shown.reason, shown.attempts) == (
        Direction.OUT,
        "inconnu@ch-rouen.fr",
        "Re: Forfait",
        "SMTP 550",
        2,
    )
    assert shown.at == NOW + timedelta(minutes=5)


def test_subjects_are_masked_again_and_failures_sorted_and_windowed() -> None:
    old = FailedMail("<1@x>", "ValueError", 3, (NOW - timedelta(days=8)).isoformat(), True, "a@x.fr", "vieux")
    new = FailedMail("<2@x>", "ValueError", 3, NOW.isoformat(), True, "b@x.fr", f"NIR {NIR} ?")
    listed = mail_failures([new, old], [])
    assert [f.address for f in listed] == ["a@x.fr", "b@x.fr"]
    assert listed[1].subject == "NIR [NIR masqué] ?"
    assert failures_between(listed, NOW - timedelta(days=7), NOW + timedelta(seconds=1)) == (listed[1],)
    assert failures_between(listed, NOW - timedelta(days=7), NOW) == ()  # the end is excluded


def _as(repo: Repository, role: Role, command: str = "courriels") -> Reply:
    member = Member("U1", role, region="28") if role is Role.ARS else Member("U1", role, ("760000001",))
    repo.save_member(member, Origin("operateur-local", "console", NOW))
    ctx = Context(repo=repo, params=load_parameters())
    return dispatch(Request("U1", command, "slack", NOW + timedelta(days=1)), ctx)


def test_courriels_lists_waiting_questions_with_reference_and_recent_failures(repo: Repository) -> None:
    mailbox = Mailbox(repo.database)
    handover = mailbox.add_handover(
        message_id="<q1@ch-rouen.fr>",
        sender="martin@ch-rouen.fr",
        subject=f"Patient {NIR}",
        question="?",
        references=(),
        reason="unsettled",
        now=NOW,
    )
    for _ in range(3):
        mailbox.record_failure("<bad@x>", "UnicodeError", NOW, sender="robot@x.fr", subject="<b>gras</b>")
    long_ago = NOW - timedelta(days=40)
    for _ in range(3):
        mailbox.record_failure("<old@x>", "UnicodeError", long_ago, sender="old@x.fr", subject="vieux")
    reply = _as(repo, Role.ARS)
    assert reply.status is Status.WARNING
    shown = "\n".join(reply.body)
    assert handover.reference in shown and "martin@ch-rouen.fr" in shown
    assert "/expe50 repondre <référence>" in shown
    assert NIR not in shown and "[NIR masqué]" in shown
    assert "robot@x.fr" in shown and "UnicodeError" in shown and "3 essais" in shown
    assert "old@x.fr" not in shown  # older than 30 days
    assert reply.data["waiting"] == [handover.reference]
    assert read_waiting(repo.database)[0].sender == "martin@ch-rouen.fr"


def test_courriels_with_nothing_to_show_says_so(repo: Repository) -> None:
    reply = _as(repo, Role.ADMIN, "boîte")
    assert reply.status is Status.OK
    assert reply.body == [
        "Aucune question en attente d'un agent.",
        "Aucun courriel en échec depuis 30 jours.",
    ]


def test_courriels_is_for_ars_agents_and_admins_only(repo: Repository) -> None:
    assert _as(repo, Role.SAISIE).status is Status.DENIED
