"""Members and set-up listings: who is there, revoking and changing access, never losing the last admin."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from handlers.reply import Status
from tests.support.conversation import SITE, Conversation


@pytest.fixture
def convo(tmp_path: Path) -> Iterator[Conversation]:
    c = Conversation.start(tmp_path, setup=True)
    yield c
    c.close()


def audit_actions(convo: Conversation) -> list[str]:
    lines = convo.repo.database.audit_path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["action"] for line in lines]


def test_members_lists_id_role_scope_email_and_channel(convo: Conversation) -> None:
    reply = convo.ask("membres")
    assert reply.ok and len(reply.data["members"]) == 5
    ars = next(m for m in reply.data["members"] if m["role"] == "ars")
    assert ars == {
        "member": "agent@ars.sante.fr",
        "role": "ars",
        "sites": [],
        "region": "normandie",
        "email": "agent@ars.sante.fr",
        "channel": "courriel",
    }
    site_only = convo.ask(f"membres site={SITE}")
    assert {m["member"] for m in site_only.data["members"]} == {"U0SAISIE", "U0COORD"}


def test_an_ars_agent_lists_its_region_only_and_cannot_change_members(convo: Conversation) -> None:
    listed = convo.ask("membres", as_="agent@ars.sante.fr")
    assert listed.ok and "U0ADMIN" not in {m["member"] for m in listed.data["members"]}
    assert convo.ask("membres region=bretagne", as_="agent@ars.sante.fr").status is Status.DENIED
    assert convo.ask("etablissements", as_="agent@ars.sante.fr").ok
    assert convo.ask("membre retirer U0SAISIE", as_="agent@ars.sante.fr").status is Status.DENIED
    assert convo.ask("membre modifier U0SAISIE role=admin", as_="U0COORD").status is Status.DENIED
    assert convo.repo.member("U0SAISIE") is not None


def test_a_revoked_member_is_refused_at_once_and_the_revocation_is_audited(convo: Conversation) -> None:
    assert convo.ask("adressage P-1 2025-09-10 had=760024042", as_="U0SAISIE").ok
    removed = convo.ask("membre retirer U0SAISIE")
    assert removed.ok and removed.data["removed"] is True
    after = convo.ask("administration P-1 2025-09-15", as_="U0SAISIE")
    assert after.status is Status.DENIED
    assert "member.remove" in audit_actions(convo)
    convo.reopen()
    assert convo.repo.member("U0SAISIE") is None  # durable
    history = convo.ask("historique P-1")
    assert history.ok and history.data["entries"][0]["author"] == "U0SAISIE"  # the entries stay


def test_changing_a_role_takes_effect_on_the_next_request_and_is_audited(convo: Conversation) -> None:
    assert convo.ask("forfaits", as_="U0SAISIE").status is Status.DENIED
    changed = convo.ask("membre modifier U0SAISIE role=coordination")
    assert changed.ok and changed.data["role"] == "coordination" and changed.data["sites"] == [SITE]
    assert convo.ask("forfaits", as_="U0SAISIE").ok
    assert "member.change" in audit_actions(convo)
    to_ars = convo.ask("membre modifier U0SAISIE role=ars")
    assert to_ars.status is Status.ERROR and "region=" in to_ars.title
    assert convo.ask("membre modifier U0NOBODY role=ars region=normandie").status is Status.ERROR


def test_the_last_admin_can_neither_be_removed_nor_demoted(convo: Conversation) -> None:
    for line in ("membre retirer U0ADMIN", "membre modifier U0ADMIN role=saisie site=760780239"):
        reply = convo.ask(line)
        assert reply.status is Status.ERROR and "dernier administrateur" in reply.title
    assert convo.ask("membre ajouter U0BOSS role=admin").ok
    assert convo.ask("membre retirer U0ADMIN").ok


def test_setup_listings_show_sites_hads_and_conventions_by_scope(convo: Conversation) -> None:
    sites = convo.ask("etablissements region=normandie")
    assert [s["finess"] for s in sites.data["sites"]] == ["760000196", "760780239"]
    own = convo.ask("etablissements", as_="U0SAISIE")
    assert [s["finess"] for s in own.data["sites"]] == [SITE]
    assert len(convo.ask("hads", as_="U0SAISIE").data["hads"]) == 2
    conventions = convo.ask(f"conventions site={SITE}")
    assert conventions.data["conventions"] == [{"site": SITE, "had": "760024042", "signed_on": "2025-03-01"}]
    assert convo.ask("conventions site=760000196", as_="U0SAISIE").status is Status.DENIED
    assert convo.ask("hads", as_="U0STRANGER").status is Status.DENIED


def test_a_revoked_member_loses_app_home_reminders_and_digests(convo: Conversation) -> None:
    from datetime import datetime

    from handlers.digest import plan_digests
    from handlers.home import home_summary
    from handlers.reminders import plan_reminders
    from tests.support.conversation import PARIS

    assert convo.ask("rappels oui", as_="agent@ars.sante.fr").ok
    at = datetime(2026, 1, 5, 9, 0, tzinfo=PARIS)
    deadlines = convo.ctx.params.all_deadlines()

    def reached() -> tuple[str, set[str], set[str]]:
        home = home_summary(convo.ctx, "agent@ars.sante.fr", at).audience
        plan = plan_reminders(at, deadlines, convo.repo, lambda key: False)
        digests = plan_digests(at, convo.repo, lambda key: False, deadlines, [])
        return home, {r.member.member_id for r in plan.deadlines}, {d.member.member_id for d in digests}

    home, reminded, digested = reached()
    assert home != "unknown" and "agent@ars.sante.fr" in digested
    assert convo.ask("membre modifier agent@ars.sante.fr role=aucun").ok  # the same as membre retirer
    home, reminded, digested = reached()
    assert home == "unknown" and "agent@ars.sante.fr" not in reminded | digested
