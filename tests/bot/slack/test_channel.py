"""The Slack channel over real HTTP, with a recording stub dispatcher: acknowledgements, delayed answers,
modals, buttons, App Home, retries, signatures. (test_e2e.py runs the real command language behind it.)"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import pytest

from handlers.reply import Action, Reply, Request, Status
from tests.bot.slack.conftest import (
    BOT_TOKEN,
    MEMBER,
    SIGNING_SECRET,
    STRANGER,
    SlackRig,
    StubBackend,
    start_rig,
)
from tests.support.slack_api import FakeSlackAPI
from tests.support.slack_client import date_value, select_value, text_value


def header_of(message: dict[str, Any]) -> str:
    return str(message["blocks"][0]["text"]["text"])


def test_start_up_checks_the_token_against_the_web_api(rig: SlackRig) -> None:
    [call] = rig.api.calls_to("auth.test")
    assert call.path == "/api/auth.test"


def test_a_typed_command_is_acknowledged_at_once_and_answered_ephemerally(
    rig: SlackRig, stub: StubBackend
) -> None:
    message = rig.ask("forfaits 2025", MEMBER)  # asserts the empty 200 acknowledgement
    assert message["response_type"] == "ephemeral"
    assert "reçu : forfaits 2025" in header_of(message)
    [request] = stub.requests
    assert (request.member_id, request.text, request.channel) == (MEMBER, "forfaits 2025", "slack")
    assert request.delivery_id and request.delivery_id.startswith("slack:")


def test_a_slow_command_is_acknowledged_at_once_and_answered_through_the_response_url(
    slack_api: FakeSlackAPI,
) -> None:
    release = threading.Event()

    def slow(request: Request) -> Reply:
        release.wait(5)
        return Reply(Status.OK, "bilan prêt")

    backend = StubBackend(answer=slow)
    rig = start_rig(slack_api, backend, ack_budget=0.2)
    try:
        answer = rig.send.slash("bilan", MEMBER, response_name="slow")
        assert (answer.status, answer.body) == (200, "")
        assert answer.elapsed < 1.0  # acknowledged although the work is not done
        [working] = slack_api.wait_for_response("slow")  # after ack_budget: "I'm on it"
        assert "Je traite votre demande" in working.params["text"]
        release.set()
        answered = slack_api.wait_for_response("slow", 2)[1]
        assert answered.params["response_type"] == "ephemeral"
        assert "bilan prêt" in header_of(answered.params)
    finally:
        release.set()
        rig.channel.stop()


def test_a_form_command_without_arguments_opens_the_modal(rig: SlackRig, stub: StubBackend) -> None:
    answer = rig.send.slash("adressage", MEMBER, trigger_id="trig-form-1", response_name="form1")
    assert answer.status == 200
    assert answer.body == ""
    [call] = rig.api.wait_for("views.open")
    assert call.params["trigger_id"] == "trig-form-1"
    view = call.params["view"]
    assert view["callback_id"] == "expe50.form.adressage"
    assert view["title"]["text"] == "Adressage en HAD"
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert {"patient", "date", "had"} <= set(blocks)
    assert blocks["date"]["element"]["initial_date"] == "2025-10-14"
    had_values = [o["value"] for o in blocks["had"]["element"]["options"]]
    assert had_values == ["760000001", "760000002"]
    assert json.loads(view["private_metadata"])["response_url"].endswith("/response/form1")
    assert stub.requests == []  # nothing run: the modal asks first


def test_the_modal_shows_validation_errors_next_to_the_field_and_runs_nothing(
    rig: SlackRig, stub: StubBackend
) -> None:
    rig.send.slash("administration", MEMBER)
    view = rig.api.wait_for("views.open")[0].params["view"]
    answer = rig.send.view_submission(
        MEMBER,
        view,
        {
            "patient": {"value": text_value("Dupont Jean")},
            "date": {"value": date_value("2025-10-20")},
            "traitement": {"value": select_value("injectable")},
        },
    )
    assert answer.status == 200
    errors = answer.json()
    assert errors["response_action"] == "errors"
    assert "peut être un nom" in errors["errors"]["patient"]  # the reason, never the typed name
    assert "Dupont" not in errors["errors"]["patient"]
    assert "futur" in errors["errors"]["date"]
    assert stub.requests == []


def test_submitting_the_modal_runs_the_typed_command_and_answers_where_it_was_asked(
    rig: SlackRig, stub: StubBackend
) -> None:
    rig.send.slash("adressage", MEMBER, response_name="asked-here")
    view = rig.api.wait_for("views.open")[0].params["view"]
    answer = rig.send.view_submission(
        MEMBER,
        view,
        {
            "patient": {"value": text_value("P-0042")},
            "date": {"value": date_value("2025-10-13")},
            "had": {"value": select_value("760000001")},
            "commune": {"value": text_value("76540")},
            "moins-de-3-ans": {"value": {"type": "checkboxes", "selected_options": []}},
        },
    )
    assert answer.status == 200
    assert answer.body == ""  # the modal closes
    [request] = stub.requests
    # An unticked "under 3" box is an answer: no.
    assert request.text == "adressage P-0042 2025-10-13 had=760000001 commune=76540 moins-de-3-ans=non"
    [posted] = rig.api.wait_for("response_url")
    assert posted.path == "/response/asked-here"
    assert "reçu : adressage P-0042" in header_of(posted.params)


def test_a_refusal_of_the_handler_is_shown_in_the_modal_on_the_field_it_names(
    slack_api: FakeSlackAPI,
) -> None:
    def refuse(request: Request) -> Reply:
        return Reply(
            Status.ERROR, "Cette HAD ne couvre pas la commune.", data={"error": "commands.referral.had_area"}
        )

    rig = start_rig(slack_api, StubBackend(answer=refuse))
    try:
        rig.send.slash("adressage", MEMBER)
        view = slack_api.wait_for("views.open")[0].params["view"]
        answer = rig.send.view_submission(
            MEMBER,
            view,
            {
                "patient": {"value": text_value("P-0042")},
                "date": {"value": date_value("2025-10-13")},
                "had": {"value": select_value("760000002")},
            },
        )
        body = answer.json()
        assert body == {"response_action": "errors", "errors": {"had": "Cette HAD ne couvre pas la commune."}}
        assert not slack_api.calls_to("response_url")
    finally:
        rig.channel.stop()


def test_an_unknown_user_asking_for_a_form_gets_the_refusal_not_a_modal(
    rig: SlackRig, stub: StubBackend
) -> None:
    stub.answer = lambda request: Reply(Status.DENIED, "Demandez l'accès à votre coordination.")
    answer = rig.ask("adressage", STRANGER)
    assert "Demandez l'accès" in header_of(answer)
    assert not rig.api.calls_to("views.open")
    assert [r.member_id for r in stub.requests] == [STRANGER]


def test_a_button_runs_its_command_and_answers_in_the_conversation(rig: SlackRig, stub: StubBackend) -> None:
    answer = rig.send.block_action(MEMBER, "expe50.run.0", "eligibilite etablissement categorie=b")
    assert answer.status == 200
    [posted] = rig.api.wait_for("response_url")
    assert "reçu : eligibilite etablissement categorie=b" in header_of(posted.params)
    assert stub.requests[0].text == "eligibilite etablissement categorie=b"


def test_a_form_button_opens_the_modal(rig: SlackRig) -> None:
    value = json.dumps({"form": "administration", "command": "administration P-0042"})
    rig.send.block_action(MEMBER, "expe50.form.0", value)
    [call] = rig.api.wait_for("views.open")
    assert call.params["view"]["callback_id"] == "expe50.form.administration"


def test_app_home_shows_the_members_site(rig: SlackRig) -> None:
    answer = rig.send.app_home_opened(MEMBER)
    assert answer.status == 200
    [call] = rig.api.wait_for("views.publish")
    assert call.params["user_id"] == MEMBER
    dump = json.dumps(call.params["view"], ensure_ascii=False)
    assert "Centre de test" in dump
    assert "1 280,00 €" in dump
    assert "9 / objectif 20" in dump
    assert "Rapport initial : 31 octobre 2025 (dans 17 jours)" in dump
    assert "Rien de déclaré en septembre 2025" in dump


def test_app_home_tells_an_unknown_user_how_to_get_access(rig: SlackRig) -> None:
    rig.send.app_home_opened(STRANGER)
    [call] = rig.api.wait_for("views.publish")
    dump = json.dumps(call.params["view"], ensure_ascii=False)
    assert "pas encore enregistré" in dump
    assert STRANGER in dump
    assert "expe50.form" not in dump  # no buttons to forms they may not use


def test_an_app_home_button_answers_in_a_direct_message(rig: SlackRig) -> None:
    rig.send.block_action(MEMBER, "expe50.run.home", "aide", container="view")
    [opened] = rig.api.wait_for("conversations.open")
    assert opened.params["users"] == MEMBER
    [posted] = rig.api.wait_for("chat.postMessage")
    assert posted.params["channel"].startswith("D")
    assert "reçu : aide" in posted.params["text"]


def test_a_retried_command_has_one_effect(rig: SlackRig, stub: StubBackend) -> None:
    text = "administration P-0042 date=2025-10-13"
    first = rig.send.slash(text, MEMBER, trigger_id="trig-retry", response_name="first")
    again = rig.send.slash(text, MEMBER, trigger_id="trig-retry", retry_num=1)
    assert (first.status, again.status) == (200, 200)
    assert again.body == ""
    # The work runs after the acknowledgement: wait for the first answer, then for a later command, so that
    # a retry that slipped through would have had its chance to reach the backend too.
    rig.api.wait_for_response("first")
    rig.ask("aide", MEMBER)
    assert [r.text for r in stub.requests].count(text) == 1


def test_a_retried_event_has_one_effect(rig: SlackRig) -> None:
    rig.send.app_home_opened(MEMBER, event_id="Ev-same")
    rig.send.app_home_opened(MEMBER, event_id="Ev-same", retry_num=1)
    rig.api.wait_for("views.publish")
    rig.ask("aide", MEMBER)  # a later request, to be sure the retry had its chance to run
    assert len(rig.api.calls_to("views.publish")) == 1


def test_a_retry_after_a_restart_is_recognised_from_the_store(rig: SlackRig, stub: StubBackend) -> None:
    # The first delivery was handled by a previous process: only the store remembers it.
    key = "slack:T0TEAM0001:command:trig-before-restart"
    stub.seen.add(key)
    answer = rig.send.slash(
        "administration P-1 date=2025-10-13", MEMBER, trigger_id="trig-before-restart", retry_num=2
    )
    assert answer.status == 200
    assert stub.requests == []


@pytest.mark.parametrize(
    ("why", "options"),
    [
        ("bad signature", {"secret": "not-the-signing-secret"}),
        ("stale timestamp", {"timestamp": int(time.time()) - 10 * 60}),
    ],
)
def test_a_request_with_a_bad_or_stale_signature_is_rejected_and_changes_nothing(
    rig: SlackRig, stub: StubBackend, why: str, options: dict[str, Any]
) -> None:
    answer = rig.send.slash("administration P-0042 date=2025-10-13", MEMBER, **options)
    assert answer.status == 401, why
    modal = rig.send.slash("adressage", MEMBER, **options)
    assert modal.status == 401
    assert stub.requests == []
    assert not rig.api.calls_to("views.open")


def test_a_reply_with_a_file_uploads_it_to_the_users_direct_messages(
    rig: SlackRig, stub: StubBackend
) -> None:
    files = [{"filename": "bilan-2025.csv", "content": "site;forfaits\n760000099;1280\n"}]
    stub.answer = lambda request: Reply(Status.OK, "Bilan 2025", data={"files": files})
    rig.send.slash("bilan 2025", MEMBER)
    [url_call] = rig.api.wait_for("files.getUploadURLExternal")
    assert url_call.params["filename"] == "bilan-2025.csv"
    [upload] = rig.api.wait_for("upload")
    assert b"760000099;1280" in upload.body
    [complete] = rig.api.wait_for("files.completeUploadExternal")
    assert complete.params["channel_id"].startswith("D")


def test_replies_carry_next_step_buttons(rig: SlackRig, stub: StubBackend) -> None:
    stub.answer = lambda request: Reply(
        Status.OK,
        "Adressage enregistré",
        actions=[Action("Déclarer une administration", "administration P-0042", form="administration")],
        reference="A-7K3QX",
    )
    message = rig.ask("adressage P-0042 date=2025-10-13 had=760000001", MEMBER)
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    [button] = actions["elements"]
    assert button["action_id"].startswith("expe50.form")
    assert json.loads(button["value"]) == {"form": "administration", "command": "administration P-0042"}


def test_no_secret_reaches_a_reply_a_call_or_a_log(
    rig: SlackRig, stub: StubBackend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stub.answer = lambda request: Reply(Status.OK, "ok")
    replies = [
        json.dumps(rig.ask("aide", MEMBER)),
        rig.send.slash("aide", MEMBER, secret="wrong").body,
        rig.send.slash("adressage", MEMBER).body,
    ]
    rig.send.app_home_opened(MEMBER)
    rig.api.wait_for("views.publish")
    recorded = [json.dumps(call.params) for call in rig.api.calls] + replies + [caplog.text]
    for secret in (BOT_TOKEN, SIGNING_SECRET):
        assert not any(secret in item for item in recorded)
