"""The Bolt listeners: `/expe50`, the buttons, the modals and App Home.

Slack wants an acknowledgement within 3 seconds. A command is acknowledged at once and run in a worker; its
answer goes to the response_url (ephemeral), preceded by an "I'm on it" note when it takes longer than
`ack_budget` seconds. A modal submission is the exception: its validation errors must travel in the
acknowledgement, so it waits for the handler up to `ack_budget` (then closes and answers later). Modals are
opened right after the acknowledgement (a trigger id lives 3 seconds), before anything slow.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltResponse
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.render.slack import FORM_ACTION, RUN_ACTION, reply_message, simple_message
from bot.slack import forms, report_form
from bot.slack.backend import SlackBackend
from bot.slack.deferral import defer
from bot.slack.deliveries import RecentDeliveries, delivery_key, is_retry
from bot.slack.home import home_view
from bot.slack.home_refresh import DEFAULT_INTERVAL, HomeRefresher
from handlers.reply import Reply, Request, Status
from handlers.values import fold
from templates import text

log = logging.getLogger("expe50.slack")

COMMAND = "/expe50"


@dataclass
class Listeners:
    backend: SlackBackend
    clock: Callable[[], datetime]
    executor: Executor
    ack_budget: float = 2.0  # seconds; Slack's limit is 3 and the round trip needs some of it
    recent: RecentDeliveries | None = None
    home_interval: float = DEFAULT_INTERVAL  # seconds between two refreshes of one member's App Home
    homes: HomeRefresher = field(init=False)

    def register(self, app: App) -> None:
        def schedule(delay: float, run: Callable[[], None]) -> None:
            if delay <= 0:
                self.executor.submit(run)
            else:
                timer = threading.Timer(delay, lambda: self.executor.submit(run))
                timer.daemon = True
                timer.start()

        self.homes = HomeRefresher(
            lambda user: self._publish_home({}, app.client, user),
            interval=self.home_interval,
            schedule=schedule,
        )
        recent = self.recent or RecentDeliveries()
        app.middleware(_dedup_middleware(recent, self.backend))
        app.command(COMMAND)(self.on_command)
        app.action(re.compile(rf"^{re.escape(RUN_ACTION)}"))(self.on_run_button)
        app.action(re.compile(rf"^{re.escape(FORM_ACTION)}"))(self.on_form_button)
        app.view(re.compile(rf"^{re.escape(forms.CALLBACK_PREFIX)}"))(self.on_form_submit)
        app.view(report_form.CALLBACK_ID)(self.on_report_submit)
        app.event("app_home_opened")(self.on_home_opened)
        app.error(self.on_error)

    # ---- /expe50 ------------------------------------------------------------------------------------------

    def on_command(self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        # Acknowledge at once (the HTTP answer carries nothing) and work in a worker: the acknowledgement
        # never waits for the store, the rules or the Web API, however loaded they are.
        ack()
        self._later(self._command, body, client, context.get("delivery_id"))

    def _command(self, body: dict[str, Any], client: WebClient, delivery_id: str | None) -> None:
        user = str(body.get("user_id", ""))
        typed = str(body.get("text") or "").strip()
        response_url = str(body.get("response_url", ""))
        now = self.clock()
        if report_form.wants_form(typed):
            self._open_report_form(client, str(body.get("trigger_id", "")), user, typed, now, response_url)
            return
        words = typed.split()
        form = forms.form_for(fold(words[0])) if len(words) == 1 else None
        if form is not None and self.backend.may_use_form(user, form.name, now):
            meta = {"response_url": response_url or None, "user": user}
            self._open_form(client, str(body.get("trigger_id", "")), form, user, now, meta)
            return
        request = Request(user, typed, "slack", now, delivery_id=delivery_id)
        future = self.executor.submit(self._dispatch, request)
        try:
            reply = future.result(timeout=self.ack_budget)
        except FutureTimeout:
            # Really slow: say so now, answer when done.
            self._deliver(simple_message(text("slack.reply.working")), user, client, response_url)
            future.add_done_callback(lambda done: self._answer_later(done, user, client, response_url))
            return
        self._deliver(reply_message(reply, forms.FORMS), user, client, response_url)
        self._send_files(reply, user, client)

    def _dispatch(self, request: Request) -> Reply:
        """Run a member's command; after a change, their App Home is published again (in the background,
        throttled), so the tab never shows figures older than what they just logged."""
        reply = self.backend.dispatch(request)
        if request.member_id and reply.ok and self.backend.writes(request.text):
            self.homes.request(request.member_id)
        return reply

    def _answer_later(self, done: Future[Reply], user: str, client: WebClient, response_url: str) -> None:
        try:
            reply = done.result()
        except Exception as error:  # dispatch never raises; this is a last resort, never a traceback to users
            log.error("slow command failed: %s", type(error).__name__)
            self._deliver(simple_message(text("slack.reply.failure")), user, client, response_url)
            return
        self._deliver(reply_message(reply, forms.FORMS), user, client, response_url)
        self._send_files(reply, user, client)

    def _later(self, work: Callable[..., None], body: dict[str, Any], client: WebClient, *args: Any) -> None:
        """Run `work(body, client, *args)` after the acknowledgement; a failure is logged (its type only) and
        the user told, never left without an answer."""

        def guarded() -> None:
            try:
                work(body, client, *args)
            except Exception as error:
                self.on_error(error, body, client=client)

        defer(lambda: self.executor.submit(guarded))

    # ---- buttons ------------------------------------------------------------------------------------------

    def on_run_button(self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        self._later(self._run_button, body, client, context.get("delivery_id"))

    def _run_button(self, body: dict[str, Any], client: WebClient, delivery_id: str | None) -> None:
        user = str((body.get("user") or {}).get("id", ""))
        command = str(((body.get("actions") or [{}])[0]).get("value") or "")
        reply = self._dispatch(Request(user, command, "slack", self.clock(), delivery_id=delivery_id))
        self._deliver(reply_message(reply, forms.FORMS), user, client, str(body.get("response_url") or ""))
        self._send_files(reply, user, client)

    def on_form_button(self, ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        self._later(self._form_button, body, client)

    def _form_button(self, body: dict[str, Any], client: WebClient) -> None:
        user = str((body.get("user") or {}).get("id", ""))
        now = self.clock()
        try:
            value = json.loads(((body.get("actions") or [{}])[0]).get("value") or "{}")
        except ValueError:
            value = {}
        response_url = str(body.get("response_url") or "")
        if value.get("form") == report_form.FORM_NAME:
            command = str(value.get("command") or "")
            self._open_report_form(client, str(body.get("trigger_id", "")), user, command, now, response_url)
            return
        form = forms.form_for(str(value.get("form", "")))
        if form is None or not self.backend.may_use_form(user, form.name, now):
            # The typed command gives the refusal (who to ask for access) in the same words as everywhere.
            reply = self.backend.dispatch(Request(user, str(value.get("command") or ""), "slack", now))
            self._deliver(reply_message(reply, forms.FORMS), user, client, response_url)
            return
        meta = {"response_url": response_url or None, "user": user}
        command = str(value.get("command") or "")
        self._open_form(client, str(body.get("trigger_id", "")), form, user, now, meta, command)

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
        try:
            client.views_open(trigger_id=trigger_id, view=view)
        except Exception as error:  # an expired trigger: say how to type the command instead
            log.warning("views.open failed: %s", _slack_error(error))
            usage = f"/expe50 {form.name} …"
            message = simple_message(text("slack.form.unavailable", usage=usage))
            self._deliver(message, user, client, str(meta.get("response_url") or ""))

    def _open_report_form(
        self, client: WebClient, trigger_id: str, user: str, command: str, now: datetime, response_url: str
    ) -> None:
        """The report form: its fields come from the command itself (`rapport saisir <rapport>` alone lists
        them), so a refusal (no right, no site) is the command's own answer, in the same words."""
        reply = self.backend.dispatch(Request(user, command, "slack", now))
        if not report_form.can_open(reply):
            self._deliver(reply_message(reply, forms.FORMS), user, client, response_url)
            return
        view = report_form.modal(reply, {"response_url": response_url or None, "user": user})
        try:
            client.views_open(trigger_id=trigger_id, view=view)
        except Exception as error:  # an expired trigger: the typed listing says how to enter the fields
            log.warning("views.open failed: %s", _slack_error(error))
            self._deliver(reply_message(reply, forms.FORMS), user, client, response_url)

    def on_report_submit(
        self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        view = body.get("view") or {}
        user = str((body.get("user") or {}).get("id", ""))
        submission = report_form.read(view)
        if submission.errors:
            ack(response_action="errors", errors=submission.errors)
            return
        self._submit(ack, body, client, context, user, submission.command, lambda reply: submission.fields[0])

    def on_form_submit(self, ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        view = body.get("view") or {}
        form = forms.form_for(str(view.get("callback_id", "")).removeprefix(forms.CALLBACK_PREFIX))
        user = str((body.get("user") or {}).get("id", ""))
        if form is None:
            ack()
            return
        now = self.clock()
        submission = forms.read(form, (view.get("state") or {}).get("values") or {}, now.date())
        if submission.errors:
            ack(response_action="errors", errors=submission.errors)
            return
        self._submit(
            ack,
            body,
            client,
            context,
            user,
            submission.command,
            lambda reply: forms.error_field(form, str(reply.data.get("error") or "")),
        )

    def _submit(
        self,
        ack: Ack,
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        user: str,
        command: str,
        error_field: Callable[[Reply], str],
    ) -> None:
        """Run a form's command and acknowledge: with the handler's refusal on `error_field(reply)` (the
        modal stays open), or closing the modal and answering where the form was asked for."""
        view = body.get("view") or {}
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            meta = {}
        response_url = str(meta.get("response_url") or "")
        request = Request(user, command, "slack", self.clock(), delivery_id=context.get("delivery_id"))
        future = self.executor.submit(self._dispatch, request)
        try:
            reply = future.result(timeout=self.ack_budget)
        except FutureTimeout:
            ack()
            future.add_done_callback(lambda done: self._answer_later(done, user, client, response_url))
            return
        if reply.status in (Status.ERROR, Status.DENIED):
            ack(response_action="errors", errors={error_field(reply): _error_text(reply)})
            return
        ack()
        self._later(
            lambda _body, _client: self._deliver(
                reply_message(reply, forms.FORMS), user, client, response_url
            ),
            body,
            client,
        )

    # ---- App Home -----------------------------------------------------------------------------------------

    def on_home_opened(self, event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            self._later(self._publish_home, body, client, str(event.get("user", "")))

    def _publish_home(self, body: dict[str, Any], client: WebClient, user: str) -> None:
        home = self.backend.home(user, self.clock())
        client.views_publish(user_id=user, view=home_view(home))

    # ---- delivery -----------------------------------------------------------------------------------------

    def _deliver(self, message: dict[str, Any], user: str, client: WebClient, response_url: str) -> None:
        """Answer privately: through the response_url when there is one (ephemeral in the conversation where
        the user asked), otherwise in a direct message (App Home buttons, modals opened from App Home)."""
        if response_url:
            WebhookClient(response_url).send(
                text=message["text"], blocks=message.get("blocks"), response_type="ephemeral"
            )
            return
        channel = client.conversations_open(users=user)["channel"]["id"]
        client.chat_postMessage(channel=channel, text=message["text"], blocks=message.get("blocks"))

    def _send_files(self, reply: Reply, user: str, client: WebClient) -> None:
        """A reply may carry files (an export, a report): they go to the user's direct messages, never to a
        shared channel. `reply.data["files"]` is a list of {"filename", "path"}, {"filename", "content"} or
        {"filename", "content_base64"}."""
        files = reply.data.get("files") or []
        if not files:
            return
        channel = client.conversations_open(users=user)["channel"]["id"]
        for item in files:
            content: str | bytes
            if "path" in item:
                with open(item["path"], "rb") as handle:
                    content = handle.read()
            elif "content_base64" in item:  # JSON-safe bytes (handlers/commands/rapport.py: the XLSX)
                content = base64.b64decode(item["content_base64"])
            else:
                content = item.get("content", "")
            client.files_upload_v2(
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
            try:
                WebhookClient(response_url).send(
                    **simple_message(text("slack.reply.failure")), response_type="ephemeral"
                )
            except Exception as again:
                log.error("could not tell the user: %s", type(again).__name__)


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


def _slack_error(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response is not None:
        try:
            return str(response["error"])
        except (KeyError, TypeError):
            pass
    return type(error).__name__


def _payload_type(body: dict[str, Any]) -> str:
    return "command" if "command" in body else str(body.get("type", "?"))
