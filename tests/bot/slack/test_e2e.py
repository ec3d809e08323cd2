"""The Slack channel with the real command language and a real database: what a member, an ARS agent and an
unknown user see in Slack, over real HTTP, and what lands in the store."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.slack.backend import HandlersBackend
from store.records import EntryKind
from store.report_fields import ReportFieldStore
from tests.bot.slack.conftest import SlackRig, start_rig
from tests.support.conversation import DEFAULT_NOW, HAD, SITE, Conversation
from tests.support.slack_api import FakeSlackAPI
from tests.support.slack_client import date_value, select_value, text_value

SAISIE = "U0SAISIE"
ARS = "U0ARSAGENT"
STRANGER = "U0NOBODY"


@dataclass
class World:
    convo: Conversation
    rig: SlackRig

    def entries(self, kind: EntryKind) -> list[object]:
        return list(self.convo.repo.entries(SITE, kind))


@pytest.fixture
def world(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[World]:
    convo = Conversation.start(tmp_path, setup=True)
    assert convo.ask(f"membre ajouter {ARS} role=ars region=normandie").ok
    rig = start_rig(slack_api, HandlersBackend(convo.ctx), now=DEFAULT_NOW)  # 20 November 2025
    yield World(convo, rig)
    rig.channel.stop()
    convo.close()


def blocks_text(message: dict[str, object]) -> str:
    return json.dumps(message, ensure_ascii=False)


def test_a_member_logs_a_referral_by_typing_it(world: World) -> None:
    message = world.rig.ask(f"adressage P-0042 2025-11-10 had={HAD}", SAISIE)
    assert message["response_type"] == "ephemeral"
    dump = blocks_text(message)
    assert "P-0042" in message["blocks"][0]["text"]["text"]
    [entry] = world.convo.repo.entries(SITE, EntryKind.REFERRAL)
    assert (entry.patient, entry.author, entry.channel) == ("P-0042", SAISIE, "slack")  # audited by Slack id
    assert entry.reference in dump
    # The natural next step opens the administration form, prefilled.
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    button = actions["elements"][0]
    assert button["action_id"].startswith("expe50.form")
    world.rig.send.block_action(SAISIE, button["action_id"], button["value"])
    view = world.rig.api.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "expe50.form.administration"
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["patient"]["initial_value"] == "P-0042"
    assert inputs["date"]["initial_date"] == "2025-11-10"


def test_a_member_logs_a_referral_through_the_modal(world: World) -> None:
    world.rig.send.slash("adressage", SAISIE, response_name="modal-here")
    view = world.rig.api.wait_for("views.open")[0].params["view"]
    hads = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}["had"]["element"]
    assert [o["value"] for o in hads["options"]] == [HAD]  # only the site's conventions
    assert "HAD Rouen" in hads["options"][0]["text"]["text"]
    answer = world.rig.send.view_submission(
        SAISIE,
        view,
        {
            "patient": {"value": text_value("P-7")},
            "date": {"value": date_value("2025-11-12")},
            "had": {"value": select_value(HAD)},
        },
    )
    assert (answer.status, answer.body) == (200, "")
    [entry] = world.convo.repo.entries(SITE, EntryKind.REFERRAL)
    assert (entry.patient, entry.on.isoformat(), entry.had) == ("P-7", "2025-11-12", HAD)
    [posted] = world.rig.api.wait_for("response_url")
    assert posted.path == "/response/modal-here"
    assert "P-7" in posted.params["blocks"][0]["text"]["text"]


def test_the_handlers_refusal_shows_in_the_modal_and_nothing_is_stored(world: World) -> None:
    world.rig.send.slash("administration", SAISIE)
    view = world.rig.api.wait_for("views.open")[0].params["view"]
    answer = world.rig.send.view_submission(
        SAISIE,
        view,
        {
            "patient": {"value": text_value("P-404")},
            "date": {"value": date_value("2025-11-12")},
            "traitement": {"value": select_value("injectable")},
        },
    )
    body = answer.json()
    assert body["response_action"] == "errors"
    assert list(body["errors"]) == ["patient"]  # no referral for this patient: the patient field
    assert "P-404" in body["errors"]["patient"]
    assert world.convo.repo.entries(SITE, EntryKind.ADMINISTRATION) == []


def test_an_unknown_user_may_read_the_calendar_but_not_log_and_is_told_whom_to_ask(world: World) -> None:
    calendar = world.rig.ask("echeances", STRANGER)
    assert calendar["blocks"][0]["text"]["text"].startswith(":white_check_mark:")
    refused = world.rig.ask(f"adressage P-1 2025-11-10 had={HAD}", STRANGER)
    assert refused["blocks"][0]["text"]["text"].startswith(":no_entry:")
    form = world.rig.ask("adressage", STRANGER)
    assert form["blocks"][0]["text"]["text"].startswith(":no_entry:")
    assert not world.rig.api.calls_to("views.open")
    assert world.convo.repo.entries(SITE, EntryKind.REFERRAL) == []


def test_a_member_without_the_right_is_refused(world: World) -> None:
    # `forfaits` is for coordination, ARS and admin; a data-entry member may not read it.
    answer = world.rig.ask("forfaits 2025", SAISIE)
    assert answer["blocks"][0]["text"]["text"].startswith(":no_entry:")


def test_a_retried_submission_has_one_effect_even_after_a_restart(
    world: World, slack_api: FakeSlackAPI
) -> None:
    assert world.convo.ask(f"adressage P-9 2025-11-03 had={HAD}", as_=SAISIE).ok
    command = "administration P-9 2025-11-05"
    world.rig.ask(command, SAISIE, trigger_id="trig-adm")
    world.rig.send.slash(command, SAISIE, trigger_id="trig-adm", retry_num=1)
    assert len(world.convo.repo.entries(SITE, EntryKind.ADMINISTRATION)) == 1
    # A new process (its memory of recent deliveries empty) gets the retry: the store remembers it.
    world.rig.channel.stop()
    restarted = start_rig(slack_api, HandlersBackend(world.convo.ctx), now=DEFAULT_NOW)
    try:
        again = restarted.send.slash(command, SAISIE, trigger_id="trig-adm", retry_num=2)
        assert (again.status, again.body) == (200, "")
        assert len(world.convo.repo.entries(SITE, EntryKind.ADMINISTRATION)) == 1
    finally:
        restarted.channel.stop()
        world.rig = start_rig(slack_api, HandlersBackend(world.convo.ctx), now=DEFAULT_NOW)


def test_app_home_for_a_member_an_ars_agent_and_a_stranger(world: World) -> None:
    assert world.convo.ask(
        f"adressage P-1 2025-09-10 had={HAD} commune=76540 moins-de-3-ans=non", as_=SAISIE
    ).ok
    assert world.convo.ask("administration P-1 2025-09-15", as_=SAISIE).ok
    assert world.convo.ask("administration P-1 2025-10-06", as_=SAISIE).ok
    assert world.convo.ask(f"adressage P-2 2025-09-20 had={HAD}", as_=SAISIE).ok

    world.rig.send.app_home_opened(SAISIE)
    member_view = blocks_text(world.rig.api.wait_for("views.publish")[0].params["view"])
    assert "CHU de Rouen" in member_view
    assert "Clinique du Havre" not in member_view
    assert "Patients en HAD*\\n2" in member_view
    assert "Rien de déclaré en octobre 2025*\\n1" in member_view  # P-2 has nothing in October
    assert "440,00 €" in member_view  # P-1: 320 € (September) + 120 € (October)
    assert "Adressages 2025*\\n2" in member_view
    assert "Déclarer un adressage" in member_view

    world.rig.send.app_home_opened(ARS)
    ars_view = blocks_text(world.rig.api.wait_for("views.publish", 2)[1].params["view"])
    assert "CHU de Rouen" in ars_view and "Clinique du Havre" in ars_view
    assert "Déclarer un adressage" not in ars_view  # an ARS agent reads, does not log

    world.rig.send.app_home_opened(STRANGER)
    stranger_view = blocks_text(world.rig.api.wait_for("views.publish", 3)[2].params["view"])
    assert "pas encore enregistré" in stranger_view
    assert STRANGER in stranger_view


def test_a_forged_request_changes_nothing(world: World) -> None:
    forged = world.rig.send.slash(f"adressage P-1 2025-11-10 had={HAD}", SAISIE, secret="forged")
    stale = world.rig.send.slash(
        f"adressage P-1 2025-11-10 had={HAD}", SAISIE, timestamp=int(time.time()) - 3600
    )
    assert (forged.status, stale.status) == (401, 401)
    assert world.convo.repo.entries(SITE, EntryKind.REFERRAL) == []


COORD = "U0COORD"


def report_inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def stored_fields(world: World) -> dict[str, str]:
    values = ReportFieldStore(world.convo.repo.database).values(SITE, "initial")
    return {name: entered.value for name, entered in values.items()}


def test_the_report_form_opens_prefilled_refuses_a_wrong_value_next_to_its_field_then_saves(
    world: World,
) -> None:
    assert world.convo.ask(f"rapport saisir initial patients_tmsc_2023=95 site={SITE}", as_=COORD).ok
    world.rig.send.slash("rapport saisir initial", COORD, response_name="report-here")
    view = world.rig.api.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "expe50.report_fields"
    inputs = report_inputs(view)
    # One input per field people enter, with the current value, the suggestion, and who fills it in.
    assert {"organisation", "convention", "patients_tmsc_2023", "taux_occupation_hdj_2024"} <= set(inputs)
    assert inputs["patients_tmsc_2023"]["element"]["initial_value"] == "95"
    assert "HAD Rouen" in inputs["convention"]["element"]["initial_value"]
    assert "proposée par le bot" in inputs["convention"]["hint"]["text"]
    assert inputs["organisation"]["element"]["multiline"] is True
    assert "coordination" in inputs["organisation"]["hint"]["text"]

    wrong = world.rig.send.view_submission(
        COORD,
        view,
        {
            "organisation": {"value": text_value("Réunion hebdomadaire")},
            "patients_tmsc_2024": {"value": text_value("cent vingt")},
            "taux_occupation_hdj_2023": {"value": text_value("500")},
        },
    )
    body = wrong.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"patients_tmsc_2024", "taux_occupation_hdj_2023"}
    assert "nombre entier" in body["errors"]["patients_tmsc_2024"]
    assert "cent vingt" not in json.dumps(body, ensure_ascii=False)  # not echoed
    assert stored_fields(world) == {"patients_tmsc_2023": "95"}  # nothing changed

    organisation = "Réunion « RCP » hebdomadaire avec l’HAD,\nastreinte partagée"
    saved = world.rig.send.view_submission(
        COORD,
        view,
        {
            "organisation": {"value": text_value(organisation)},
            "convention": {"value": text_value(inputs["convention"]["element"]["initial_value"])},
            "patients_tmsc_2023": {"value": text_value("95")},  # unchanged: not sent again
            "patients_tmsc_2024": {"value": text_value("1 120")},
            "taux_occupation_hdj_2023": {"value": text_value("82,5")},
        },
    )
    assert (saved.status, saved.body) == (200, "")
    stored = stored_fields(world)
    assert stored["patients_tmsc_2024"] == "1120"
    assert stored["taux_occupation_hdj_2023"] == "82.5"
    # The dispatcher reads typographic quotes as straight ones; the line break and the words survive.
    assert stored["organisation"] == 'Réunion " RCP " hebdomadaire avec l\'HAD,\nastreinte partagée'
    assert "HAD Rouen" in stored["convention"]  # the suggestion, confirmed by submitting it
    [answer] = world.rig.api.wait_for_response("report-here")
    dump = blocks_text(answer.params)
    assert "1 120" in dump and "avait déjà" not in dump


def test_the_report_button_opens_the_form_and_a_reader_gets_the_refusal(world: World) -> None:
    draft = world.rig.ask("rapport initial", COORD)
    [actions] = [b for b in draft["blocks"] if b["type"] == "actions"]
    [fill] = [e for e in actions["elements"] if "report_fields" in e["value"]]
    world.rig.send.block_action(COORD, fill["action_id"], fill["value"])
    view = world.rig.api.wait_for("views.open")[0].params["view"]
    assert view["callback_id"] == "expe50.report_fields"
    # An ARS agent reads reports but does not fill them in: the command's refusal, no form.
    refused = world.rig.ask(f"rapport saisir initial site={SITE}", ARS)
    assert refused["blocks"][0]["text"]["text"].startswith(":no_entry:")
    assert len(world.rig.api.calls_to("views.open")) == 1


def test_a_members_write_republishes_their_app_home_and_a_read_does_not(world: World) -> None:
    world.rig.channel.stop()  # the same bot, with a throttle short enough for a test
    backend = HandlersBackend(world.convo.ctx)
    world.rig = start_rig(world.rig.api, backend, now=DEFAULT_NOW, home_interval=0.2)
    world.rig.ask("echeances", SAISIE)
    world.rig.ask(f"adressage P-0042 2025-11-10 had={HAD} commune=76540 moins-de-3-ans=non", SAISIE)
    [publish] = world.rig.api.wait_for("views.publish")
    assert publish.params["user_id"] == SAISIE
    assert "Adressages 2025*\\n1" in blocks_text(publish.params["view"])  # the referral just logged
    # A write through a form, within the throttle's interval: published once more when it is over.
    world.rig.send.slash("administration", SAISIE)
    view = world.rig.api.wait_for("views.open")[0].params["view"]
    world.rig.send.view_submission(
        SAISIE,
        view,
        {
            "patient": {"value": text_value("P-0042")},
            "date": {"value": date_value("2025-11-12")},
            "traitement": {"value": select_value("injectable")},
        },
    )
    [first, again] = world.rig.api.wait_for("views.publish", 2)
    # The interval between the two is the throttle's, checked on a fake clock (test_home_refresh.py): measured
    # here in wall-clock time it flaked on a loaded machine (0.148 s), the first publication being slower.
    assert again.at > first.at
    assert "320,00 €" not in blocks_text(first.params["view"])
    assert "320,00 €" in blocks_text(again.params["view"])  # November's inclusion forfait, now due


def test_aide_syntax_reaches_slack_escaped_in_the_blocks_and_the_notification_text(world: World) -> None:
    message = world.rig.ask("aide", SAISIE)
    assert "&lt;" in message["text"] and "<" not in message["text"]  # `<patient>` is shown, not a link
    sections = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section" and "text" in b]
    assert all("<" not in s for s in sections) and any("&lt;" in s for s in sections)
