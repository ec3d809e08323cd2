"""The Bolt listeners: `/expe50`, the buttons and selects, the modals and App Home.

Slack wants an acknowledgement within 3 seconds. Every listener is a Bolt lazy listener (`ack` + `lazy=[…]`):
the ack function answers at once and Bolt runs the work after it, on its own listener executor (no pool, no
deferral of ours). A command's answer goes to the response_url (ephemeral), preceded by an "I'm on it" note
when it takes longer than `ack_budget` seconds. A modal submission is the exception: the handler's refusal
must travel in the acknowledgement (Slack shows it next to the field), so its ack function runs the command
(one durable write, milliseconds: README "Slack channel") and only the confirmation is lazy. Modals are
opened first thing in the lazy work (a trigger id lives 3 seconds).

Delivery: a response_url that fails (expired after 30 minutes, used 5 times, refused) falls back to a direct
message; every failed Slack call is logged with Slack's error code, never with the user's text.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.export import file_bytes
from bot.render.slack import (
    FORM_ACTION,
    PICK_ACTION,
    RUN_ACTION,
    reply_messages,
    simple_message,
)
from bot.render.slack_split import read_pick
from bot.slack import forms, import_form, report_form
from bot.slack.backend import SlackBackend
from bot.slack.deliveries import RecentDeliveries, delivery_key, is_retry
from bot.slack.home import home_view
from bot.slack.home_refresh import DEFAULT_INTERVAL, HomeRefresher
from bot.slack.typed import from_slack
from bot.slack_errors import slack_error_code
from handlers.reply import Reply, Request, Status
from handlers.values import fold
from templates import text

log = logging.getLogger("expe50.slack")

COMMAND = "/expe50"
ACK_HEAD_START = 0.003  # seconds the lazy work waits for the acknowledgement to leave
RESPONSE_URL_PARTS = 4  # Slack takes 5 posts per response_url; one may be the "I'm on it" note
Message = dict[str, Any]
Work = Callable[[dict[str, Any], WebClient, BoltContext], None]


def _ack(ack: Ack) -> None:
    ack()


@dataclass
class Listeners:
    backend: SlackBackend
    clock: Callable[[], datetime]
    ack_budget: float = 2.0  # seconds before an "I'm on it" note; Slack's limit is 3
    recent: RecentDeliveries | None = None
    home_interval: float = DEFAULT_INTERVAL  # seconds between two refreshes of one member's App Home
    homes: HomeRefresher = field(init=False)

    def register(self, app: App) -> None:
        self.homes = HomeRefresher(
            lambda user: self._publish_home(app.client, user), interval=self.home_interval
        )
        recent = self.recent or RecentDeliveries()
        app.middleware(_dedup_middleware(recent, self.backend))
        app.command(COMMAND)(ack=_ack, lazy=[self._lazy("command", self._command)])
        app.action(_prefix(RUN_ACTION))(ack=_ack, lazy=[self._lazy("run_button", self._run_button)])
        app.action(_prefix(FORM_ACTION))(ack=_ack, lazy=[self._lazy("form_button", self._form_button)])
        app.action(_prefix(PICK_ACTION))(ack=_ack, lazy=[self._lazy("pick", self._pick)])
        app.options(_prefix(forms.SEARCH_PREFIX))(self.on_search_options)
        confirm = self._lazy("confirm", self._confirm)
        app.view(_prefix(forms.CALLBACK_PREFIX))(ack=self.on_form_submit, lazy=[confirm])
        app.view(report_form.CALLBACK_ID)(ack=self.on_report_submit, lazy=[confirm])
        app.view(import_form.CALLBACK_ID)(
            ack=self.on_import_submit, lazy=[self._lazy("import", self._import)]
        )
        app.action(import_form.TEMPLATE_ACTION)(
            ack=_ack, lazy=[self._lazy("import_template", self._import_template)]
        )
        app.event("app_home_opened")(ack=_ack, lazy=[self._lazy("home", self._home_opened)])
        app.error(self.on_error)

    def _lazy(self, name: str, work: Work) -> Callable[..., None]:
        """`work` as a Bolt lazy function: Bolt logs a lazy function's exception with its message (which may
        quote the user's text), so every failure is caught here, logged by type and told to the user."""

        def run(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
            # Bolt starts the lazy function before the acknowledgement is written; a head start lets that
            # thread send it before this one takes the interpreter (bench_slack: the ack's p50 and p99).
            time.sleep(ACK_HEAD_START)
            try:
                work(body, client, context)
            except Exception as error:
                self.on_error(error, body, client=client)

        run.__name__ = run.__qualname__ = f"expe50_{name}"  # Bolt tells lazy functions apart by name
        return run

    # ---- /expe50 ------------------------------------------------------------------------------------------

    def _command(self, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user = str(body.get("user_id", ""))
        typed = from_slack(str(body.get("text") or "")).strip()
        response_url = str(body.get("response_url", ""))
        trigger_id = str(body.get("trigger_id", ""))
        now = self.clock()
        if report_form.wants_form(typed):
            self._open_report_form(client, trigger_id, user, typed, now, response_url)
            return
        words = typed.split()
        if import_form.wants_form(words) and self.backend.may_use_form(user, "import", now):
            meta = {"response_url": response_url or None, "user": user}
            view = import_form.modal(meta)
            if _slack_call("views.open", client.views_open, trigger_id=trigger_id, view=view):
                return
        form = forms.form_for(fold(words[0])) if len(words) == 1 else None
        if form is not None and self.backend.may_use_form(user, form.name, now):
            meta = {"response_url": response_url or None, "user": user}
            self._open_form(client, trigger_id, form, user, now, meta)
            return
        request = Request(user, typed, "slack", now, delivery_id=context.get("delivery_id"))
        self._answer(request, client, response_url)

    def _answer(self, request: Request, client: WebClient, response_url: str) -> None:
        """Run the request and deliver its answer; when it takes longer than `ack_budget`, an "I'm on it"
        note goes first (the answer follows it, never the other way round)."""
        user = request.member_id or ""
        lock = threading.Lock()
        answered = False

        def working() -> None:
            with lock:
                if not answered:
                    self._deliver([simple_message(text("slack.reply.working"))], user, client, response_url)

        timer = threading.Timer(self.ack_budget, working)
        timer.daemon = True
        timer.start()
        try:
            reply = self._dispatch(request)
        finally:
            timer.cancel()
        with lock:
            answered = True
        self._deliver(reply_messages(reply, forms.FORMS), user, client, response_url)
        self._send_files(reply, user, client)

    def _dispatch(self, request: Request) -> Reply:
        """Run a member's command; after a change, their App Home is published again (in the background,
        throttled), so the tab never shows figures older than what they just logged."""
        reply = self.backend.dispatch(request)
        if request.member_id and reply.ok and self.backend.writes(request.text):
            self.homes.request(request.member_id)
        return reply

    # ---- buttons and selects ------------------------------------------------------------------------------

    def _run_button(self, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user = str((body.get("user") or {}).get("id", ""))
        command = str(_action(body).get("value") or "")
        request = Request(user, command, "slack", self.clock(), delivery_id=context.get("delivery_id"))
        self._answer(request, client, str(body.get("response_url") or ""))

    def _form_button(self, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        try:
            value = json.loads(_action(body).get("value") or "{}")
        except ValueError:
            value = {}
        if not isinstance(value, dict):
            value = {}
        self._open(body, client, str(value.get("form") or ""), str(value.get("command") or ""))

    def _pick(self, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        """An option of a select of next steps (a patient of the entry reminder): what its button would do."""
        chosen = str((_action(body).get("selected_option") or {}).get("value") or "")
        opens_form, command = read_pick(chosen)
        if opens_form:
            verb = command.split(maxsplit=1)[0] if command.strip() else ""
            self._open(body, client, verb, command)
        else:
            self._run_button({**body, "actions": [{"value": command}]}, client, context)

    def _open(self, body: dict[str, Any], client: WebClient, form_name: str, command: str) -> None:
        """Open the form `form_name`, prefilled from `command`; a member without the right gets the typed
        command's refusal (who to ask for access), in the same words as everywhere."""
        user = str((body.get("user") or {}).get("id", ""))
        now = self.clock()
        response_url = str(body.get("response_url") or "")
        trigger_id = str(body.get("trigger_id", ""))
        if form_name == report_form.FORM_NAME:
            self._open_report_form(client, trigger_id, user, command, now, response_url)
            return
        form = forms.form_for(form_name)
        if form is None or not self.backend.may_use_form(user, form.name, now):
            reply = self.backend.dispatch(Request(user, command, "slack", now))
            self._deliver(reply_messages(reply, forms.FORMS), user, client, response_url)
            return
        meta = {"response_url": response_url or None, "user": user}
        self._open_form(client, trigger_id, form, user, now, meta, command)

    def on_search_options(self, ack: Ack, body: dict[str, Any]) -> None:
        """The typeahead of a site or HAD select (more than a static select holds): the member's choices
        whose name or FINESS contains what was typed, at most 100. Answered within the ack (Slack waits
        for the options); a search of a few hundred names takes microseconds."""
        user = str((body.get("user") or {}).get("id", ""))
        kind = str(body.get("action_id") or "").removeprefix(forms.SEARCH_PREFIX)
        typed = str(body.get("value") or "")
        ack(options=forms.search_options(self.backend.form_choices(user), kind, typed))

    # ---- modals -------------------------------------------------------------------------------------------

    def _open_form(
        self,
        client: WebClient,
        trigger_id: str,
        form: forms.Form,
        user: str,
        now: datetime,
        meta: dict[str, Any],
        command: str = "",
    ) -> None:
        choices = self.backend.form_choices(user)
        view = forms.modal(form, now.date(), choices, meta, forms.prefill(form, command))
        if not _slack_call("views.open", client.views_open, trigger_id=trigger_id, view=view):
            # An expired trigger: say how to type the command instead.
            usage = command or f"/expe50 {form.name} …"
            message = simple_message(text("slack.form.unavailable", usage=usage))
            self._deliver([message], user, client, str(meta.get("response_url") or ""))

    def _open_report_form(
        self, client: WebClient, trigger_id: str, user: str, command: str, now: datetime, response_url: str
    ) -> None:
        """The report form: its fields come from the command itself (`rapport saisir <rapport>` alone lists
        them), so a refusal (no right, no site) is the command's own answer, in the same words."""
        reply = self.backend.dispatch(Request(user, command, "slack", now))
        if not report_form.can_open(reply):
            self._deliver(reply_messages(reply, forms.FORMS), user, client, response_url)
            return
        view = report_form.modal(reply, {"response_url": response_url or None, "user": user})
        if not _slack_call("views.open", client.views_open, trigger_id=trigger_id, view=view):
            # An expired trigger: the typed listing says how to enter the fields.
            self._deliver(reply_messages(reply, forms.FORMS), user, client, response_url)

    def on_report_submit(self, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        submission = report_form.read(body.get("view") or {})
        if submission.errors:
            ack(response_action="errors", errors=submission.errors)
            return
        self._submit(ack, body, context, submission.command, lambda reply: submission.fields[0])

    def on_form_submit(self, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        view = body.get("view") or {}
        form = forms.form_for(str(view.get("callback_id", "")).removeprefix(forms.CALLBACK_PREFIX))
        if form is None:
            ack()
            return
        submission = forms.read(form, (view.get("state") or {}).get("values") or {}, self.clock().date())
        if submission.errors:
            ack(response_action="errors", errors=submission.errors)
            return
        self._submit(
            ack,
            body,
            context,
            submission.command,
            lambda reply: forms.error_field(form, str(reply.data.get("error") or "")),
        )

    def _submit(
        self,
        ack: Ack,
        body: dict[str, Any],
        context: BoltContext,
        command: str,
        error_field: Callable[[Reply], str],
    ) -> None:
        """Run a form's command within the acknowledgement: a refusal goes back on `error_field(reply)` (the
        modal stays open, nothing stored); otherwise the modal closes and the confirmation is handed to the
        lazy `_confirm` through the context (Bolt copies it for the lazy function)."""
        view = body.get("view") or {}
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            meta = {}
        user = str((body.get("user") or {}).get("id", ""))
        request = Request(user, command, "slack", self.clock(), delivery_id=context.get("delivery_id"))
        reply = self._dispatch(request)
        if reply.status in (Status.ERROR, Status.DENIED):
            ack(response_action="errors", errors={error_field(reply): _error_text(reply)})
            return
        ack()
        context["expe50_confirmation"] = {
            "user": user,
            "response_url": str(meta.get("response_url") or "") if isinstance(meta, dict) else "",
            "messages": reply_messages(reply, forms.FORMS),
        }

    # ---- import -------------------------------------------------------------------------------------------

    def on_import_submit(self, ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        """The file is checked and imported after the acknowledgement (a big file takes longer than Slack's
        3 seconds); the report comes back like a command's answer."""
        view = body.get("view") or {}
        submission = import_form.read(view)
        if submission.errors:
            ack(response_action="errors", errors=submission.errors)
            return
        ack()
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            meta = {}
        context["expe50_import"] = {
            "user": str((body.get("user") or {}).get("id", "")),
            "response_url": str(meta.get("response_url") or "") if isinstance(meta, dict) else "",
            "file": submission.files[0],
            "mode": submission.mode,
        }

    def _import(self, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        job = context.get("expe50_import")
        if not job:
            return
        user, url, file = job["user"], job["response_url"], job["file"]
        name = str(file.get("name") or "fichier")
        try:
            where = str(file.get("url_private_download") or "")
            if not where:
                found = client.files_info(file=str(file.get("id") or ""))
                where = str(found["file"]["url_private_download"])
            data = import_form.download(where, str(client.token or ""))
        except Exception as error:  # any Slack or network failure: the member is told, nothing imported
            log.warning("import: the file could not be fetched from Slack: %s", slack_error_code(error))
            self._deliver([simple_message(text("imports.slack.download_failed"))], user, client, url)
            return
        reply = self.backend.import_file(user, name, data, job["mode"], self.clock())
        if reply.data.get("written"):
            self.homes.request(user)
        self._deliver(reply_messages(reply, forms.FORMS), user, client, url)

    def _import_template(self, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        from bot.import_files import template_bytes

        user = str((body.get("user") or {}).get("id", ""))
        # The template's bytes as they are: no channel decodes base64 out of `Reply.data` (#14).
        files = [{"filename": import_form.TEMPLATE_NAME, "bytes": template_bytes()}]
        self._send_files(
            Reply(Status.OK, text("imports.slack.template_comment"), data={"files": files}), user, client
        )

    def _confirm(self, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        confirmation = context.get("expe50_confirmation")
        if confirmation:
            user, url = confirmation["user"], confirmation["response_url"]
            self._deliver(confirmation["messages"], user, client, url)

    # ---- App Home -----------------------------------------------------------------------------------------

    def _home_opened(self, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        event = body.get("event") or {}
        if event.get("tab", "home") == "home":
            self._publish_home(client, str(event.get("user", "")))

    def _publish_home(self, client: WebClient, user: str) -> None:
        home = self.backend.home(user, self.clock())
        _slack_call("views.publish", client.views_publish, user_id=user, view=home_view(home))

    # ---- delivery -----------------------------------------------------------------------------------------

    def _deliver(self, messages: Sequence[Message], user: str, client: WebClient, response_url: str) -> None:
        """Answer privately: through the response_url when there is one (ephemeral in the conversation where
        the user asked), otherwise — or when it fails, or for parts beyond what it takes — in a direct
        message (App Home buttons, modals opened from App Home, answers after 30 minutes)."""
        rest = list(messages)
        if response_url:
            while rest and len(messages) - len(rest) < RESPONSE_URL_PARTS:
                if not _post_response(response_url, rest[0]):
                    break
                rest.pop(0)
        if rest:
            self._direct(rest, user, client)

    def _direct(self, messages: Sequence[Message], user: str, client: WebClient) -> None:
        opened = _slack_call("conversations.open", client.conversations_open, users=user)
        if not opened:
            log.error(
                "could not reach the member by direct message: %d message(s) undelivered", len(messages)
            )
            return
        channel = opened["channel"]["id"]
        for message in messages:
            _slack_call(
                "chat.postMessage",
                client.chat_postMessage,
                channel=channel,
                text=message["text"],
                blocks=message.get("blocks"),
            )

    def _send_files(self, reply: Reply, user: str, client: WebClient) -> None:
        """A reply may carry files (an export, a report, the full table of a long answer): they go to the
        user's direct messages, never to a shared channel. `reply.attachments` are typed tables (written
        here with bot.export.file_bytes); `reply.data["files"]` may also list {"filename", "path"} or
        {"filename", "content"} (a file already on disk, a text)."""
        files = [item for item in reply.data.get("files") or [] if {"path", "content", "bytes"} & set(item)]
        files += [
            {"filename": a.filename, "title": a.title, "bytes": file_bytes(a)} for a in reply.attachments
        ]
        if not files:
            return
        opened = _slack_call("conversations.open", client.conversations_open, users=user)
        if not opened:
            return
        channel = opened["channel"]["id"]
        for item in files:
            content: str | bytes
            if "path" in item:
                with open(item["path"], "rb") as handle:
                    content = handle.read()
            elif "bytes" in item:  # a typed attachment, written above
                content = item["bytes"]
            else:
                content = item.get("content", "")
            _slack_call(
                "files.upload",
                client.files_upload_v2,
                channel=channel,
                content=content if isinstance(content, str) else None,
                file=content if isinstance(content, bytes) else None,
                filename=item["filename"],
                title=item.get("title") or item["filename"],
                initial_comment=text("slack.reply.file_comment", title=reply.title),
            )

    # ---- errors -------------------------------------------------------------------------------------------

    def on_error(self, error: Exception, body: dict[str, Any], client: WebClient | None = None) -> None:
        # Only the type: an exception's message may quote the user's text (health data) or a token.
        log.error("slack listener failed: %s (payload type %s)", type(error).__name__, _payload_type(body))
        response_url = str(body.get("response_url") or "")
        if response_url:
            _post_response(response_url, simple_message(text("slack.reply.failure")))


def _prefix(value: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(value)}")


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    first = actions[0] if isinstance(actions, list) and actions else {}
    return first if isinstance(first, dict) else {}


def _post_response(response_url: str, message: Message) -> bool:
    """Post to a response_url; False (logged with Slack's answer, never the text) when Slack refuses it:
    404 once it expired (30 minutes) or was used 5 times, 400 with the error for a payload it refuses."""
    try:
        sent = WebhookClient(response_url).send(
            text=message["text"], blocks=message.get("blocks"), response_type="ephemeral"
        )
    except Exception as error:
        log.warning("response_url failed: %s", type(error).__name__)
        return False
    if sent.status_code != 200:
        log.warning("response_url failed: HTTP %s %s", sent.status_code, _slack_body(sent.body))
        return False
    return True


def _slack_call(method: str, call: Callable[..., Any], **arguments: Any) -> Any:
    """Call a Web API method; on failure log the method and Slack's error code (not the payload, which may
    hold the user's text) and return None."""
    try:
        return call(**arguments)
    except Exception as error:
        log.warning("Slack %s failed: %s", method, slack_error_code(error))
        return None


def _slack_body(body: str) -> str:
    """Slack's answer on a response_url is an error code ("expired_url", "invalid_blocks"): kept short and
    plain, in case something else answered."""
    code = (body or "").strip()[:40]
    return code if re.fullmatch(r"[a-z_]*", code) else "(non-Slack answer)"


def _dedup_middleware(recent: RecentDeliveries, backend: SlackBackend) -> Callable[..., BoltResponse | None]:
    def dedup(
        body: dict[str, Any], request: Any, context: BoltContext, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        key = delivery_key(body)
        if key is None:
            return next()
        context["delivery_id"] = key
        first = recent.first_time(key)
        if is_retry(request.headers) and (not first or backend.delivery_seen(key)):
            # The original is running or done: acknowledge the retry and let it change nothing.
            log.info("retry of a delivery already handled: acknowledged without effect")
            return BoltResponse(status=200, body="")
        return next()

    return dedup


def _error_text(reply: Reply) -> str:
    return " ".join([reply.title, *reply.body])[:2000]


def _payload_type(body: dict[str, Any]) -> str:
    return "command" if "command" in body else str(body.get("type", "?"))
