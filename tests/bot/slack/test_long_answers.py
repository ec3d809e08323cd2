"""Long answers in Slack keep every site and the totals: an ARS agent's region-wide `forfaits` on a region of
ten sites shows the region total first, one line per site, as many detail lines as are readable, and the
full table (every line, every site, the total) as an XLSX in the agent's direct messages — and says so."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from bot.slack.backend import HandlersBackend
from tests.bot.slack.conftest import SlackRig, start_rig
from tests.support.conversation import DEFAULT_NOW, HAD, Conversation
from tests.support.slack_api import FakeSlackAPI
from tests.support.slack_limits import message_problems

ARS = "U0ARSAGENT"
SITES = [f"76{n:07d}" for n in range(1, 11)]
PATIENTS = 6


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Conversation]:
    convo = Conversation.start(tmp_path_factory.mktemp("region"))
    setup = [
        f'had ajouter {HAD} nom="HAD Rouen" communes=76540 moins-de-3-ans=non',
        f"membre ajouter {ARS} role=ars region=normandie",
        "membre ajouter U0ADMIN role=admin",
    ]
    for n, site in enumerate(SITES, start=1):
        setup.append(
            f'etablissement ajouter {site} nom="Centre {n} & <!channel>" region=normandie categorie=a'
            " selection=2025-02-10"
        )
        setup.append(f"convention {site} {HAD} date=2025-02-10")
        setup.append(f"membre ajouter U0SITE{n:04d} role=saisie site={site}")
    for typed in setup:
        assert convo.ask(typed).ok, typed
    for n in range(1, len(SITES) + 1):
        for p in range(PATIENTS):
            code = f"P-{n:02d}{p:02d}"
            as_ = f"U0SITE{n:04d}"
            assert convo.ask(
                f"adressage {code} 2025-08-04 had={HAD} commune=76540 moins-de-3-ans=non", as_=as_
            ).ok
            for month in ("2025-08", "2025-09", "2025-10"):
                assert convo.ask(f"administration {code} {month}", as_=as_).ok
    yield convo
    convo.close()


@pytest.fixture
def rig(region: Conversation, slack_api: FakeSlackAPI) -> Iterator[SlackRig]:
    started = start_rig(slack_api, HandlersBackend(region.ctx), now=DEFAULT_NOW)
    yield started
    started.channel.stop()


def test_region_wide_forfaits_for_an_ars_agent_shows_every_site_and_the_region_total(rig: SlackRig) -> None:
    message = rig.ask("forfaits 2025", ARS)
    assert message_problems(message["text"], message["blocks"]) == []
    dump = json.dumps(message, ensure_ascii=False)
    facts = message["blocks"][1]["fields"]
    assert "Total" in facts[0]["text"] and "33" in facts[0]["text"] and "600,00" in facts[0]["text"]
    for site in SITES:
        assert f"({site})" in dump, site  # one line per site, none lost
    assert "<!channel>" not in dump and "&lt;!channel&gt;" in dump  # site names escaped, fallback too
    assert "Tableau complet (XLSX)" in dump  # it says where the rest is: a button, the table on demand
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    [button] = [e for e in actions["elements"] if e["value"].endswith("tableau=oui")]
    assert button["value"] == "forfaits 2025 tableau=oui"
    assert rig.api.calls_to("upload") == []  # nothing heavy unless asked
    assert rig.send.block_action(ARS, button["action_id"], button["value"]).status == 200
    [upload] = rig.api.wait_for("upload")
    sheet = load_workbook(io.BytesIO(upload.body)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 10 * PATIENTS * 3 + 1  # every paying line, then the total
    assert {row[0] for row in rows[:-1]} == set(SITES)
    assert rows[-1][-1] == 33600


def test_patients_for_the_region_lists_every_site_and_attaches_the_rest(rig: SlackRig) -> None:
    message = rig.ask("patients", ARS)
    dump = json.dumps(message, ensure_ascii=False)
    for site in SITES:
        assert f"({site})" in dump
    assert "60" in json.dumps(message["blocks"][1], ensure_ascii=False)  # in care, the total leads
