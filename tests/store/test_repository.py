"""The domain repository: acknowledged writes survive a restart, every change is audited, one writer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.errors import DatabaseLocked
from store.records import EntryKind
from store.repository import Repository
from tests.support.conversation import HAD, SITE, Conversation


def test_an_acknowledged_command_is_in_the_database_after_reopening(tmp_path: Path) -> None:
    convo = Conversation.start(tmp_path, setup=True)
    convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}")
    adm = convo.ask("administration P-1 2025-09-15")
    cancelled = convo.ask("administration P-1 2025-10-02")
    convo.ask(f"annuler {cancelled.reference}")
    convo.reopen()
    entry = convo.repo.entry(adm.reference or "")
    assert entry is not None and entry.on.isoformat() == "2025-09-15" and entry.active
    assert not convo.repo.entry(cancelled.reference or "").active  # type: ignore[union-attr]
    assert convo.repo.site(SITE) is not None and convo.repo.member("U0SAISIE") is not None
    # Idempotency survives the restart too.
    assert convo.ask("administration P-1 2025-09-15").data["duplicate"]
    convo.close()


def test_every_change_goes_to_the_audit_journal_with_who_and_channel(tmp_path: Path) -> None:
    convo = Conversation.start(tmp_path, setup=True)
    convo.ask(f"adressage P-1 2025-09-10 had={HAD}", as_="U0SAISIE", channel="slack")
    convo.close()
    audit = [json.loads(line) for line in (tmp_path / "expe50.json.audit.jsonl").read_text().splitlines()]
    last = audit[-1]
    assert last["actor"] == "U0SAISIE" and last["channel"] == "slack" and last["action"] == "adressage.add"
    assert any(a["action"] == "site.save" and a["actor"] == "operateur-local" for a in audit)


def test_a_second_opening_is_refused(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "db.json")
    with pytest.raises(DatabaseLocked):
        Repository.open(tmp_path / "db.json")
    repo.close()


def test_entries_are_grouped_per_site(tmp_path: Path) -> None:
    convo = Conversation.start(tmp_path, setup=True)
    convo.ask(f"adressage P-1 2025-09-10 had={HAD} site={SITE}")
    assert convo.repo.entries("760000196", EntryKind.REFERRAL) == []
    assert len(convo.repo.entries(SITE, EntryKind.REFERRAL)) == 1
    convo.close()
