"""`expe50 reminders` and `expe50 digest` as a new user runs them: who gets what at an instant, nothing
written without --send, sent once with it, and a clear French message for an unreadable instant."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli import main
from store.schedule_ledger import ScheduleLedger
from tests.scheduler.world import fill


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    path = tmp_path / "expe50.json"
    fill(path)
    return path


def run(*argv: str) -> str:
    out = io.StringIO()
    assert main(list(argv), stdout=out) == 0
    return out.getvalue()


def test_reminders_on_the_morning_of_2_august_2027_lists_who_gets_what(db: Path) -> None:
    shown = run("reminders", "--db", str(db), "--at", "2027-08-02T09:00")
    assert shown.startswith("Rappels dus le 2 août 2027 à 09:00 :")
    lines = [line for line in shown.splitlines() if line.startswith("—")]
    assert len(lines) == 6
    assert any("coord.rouen@example.org" in line and "1er septembre 2027" in line for line in lines)
    assert any("saisie.rouen@example.org" in line and "juillet 2027" in line for line in lines)
    assert all("[à envoyer]" in line for line in lines)
    # Under each line, indented, what that person will read: what is due and what it must contain.
    assert "    Ce qu'il doit contenir :" in shown
    # Listing wrote nothing: the same command shows the same.
    assert run("reminders", "--db", str(db), "--at", "2027-08-02T09:00") == shown


def test_reminders_send_goes_to_the_console_once_when_no_channel_is_configured(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sent = run("reminders", "--db", str(db), "--at", "2027-08-02T09:00", "--send")
    assert "Envoi : 6 parti(s), 0 en échec, 0 en attente" in sent
    again = run("reminders", "--db", str(db), "--at", "2027-08-02T10:00", "--send")
    assert "Envoi : 0 parti(s)" in again and again.count("[déjà envoyé]") == 6
    from store.repository import Repository

    repo = Repository.open(db)
    try:
        assert ScheduleLedger(repo.database).has("reminder:report:followup:2027:2027-08-02:UCOORDR1")
    finally:
        repo.close()


def test_on_24_november_2026_no_deadline_reminder_is_due_only_octobers_late_entry_reminder(db: Path) -> None:
    shown = run("reminders", "--db", str(db), "--at", "2026-11-24T10:00")
    lines = [line for line in shown.splitlines() if line.startswith("—")]
    assert len(lines) == 1 and "octobre 2026 (rappel en retard)" in lines[0]


def test_nothing_is_due_before_any_reminder(db: Path) -> None:
    shown = run("reminders", "--db", str(db), "--at", "2025-01-15T10:00")
    assert shown.strip() == "Rien n'est dû le 15 janvier 2025 à 10:00."


def test_digest_shows_text_and_html(db: Path) -> None:
    shown = run("digest", "--db", str(db), "--at", "2027-08-02T08:00", "--html")
    assert "Synthèse hebdomadaire Normandie — semaine du 26 juillet 2027 au 1er août 2027" in shown
    assert '<td class="bar" data-value="3"' in shown


def test_an_unreadable_instant_gets_a_french_message(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reminders", "--db", str(db), "--at", "demain matin"], stdout=io.StringIO()) == 1
    assert "Date et heure illisibles" in capsys.readouterr().err


def test_a_late_reminder_held_over_a_weekend_is_listed_with_when_it_will_go(db: Path) -> None:
    """Saturday 28 Aug 2027: nothing goes out, and the preview says the late reminders wait for Monday."""
    shown = run("reminders", "--db", str(db), "--at", "2027-08-28T10:00")
    assert not [line for line in shown.splitlines() if line.startswith("—")]
    held = [line for line in shown.splitlines() if line.startswith("En retard, partira le")]
    assert held and all("30 août 2027" in line for line in held), shown
