"""What the Slack channel needs from the rest of the bot, as one small interface.

The Slack adapter is thin: it turns Slack requests into `Request`s and `Reply`s into Block Kit. Everything it
asks of the domain goes through `SlackBackend`, so that tests and the benchmark can swap in a stub (a bare
dispatcher answering a constant) and the real one (`HandlersBackend`, over handlers.dispatch and the store) is
built once by the runtime.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.errors import UserError
from handlers.home import Home, home_summary
from handlers.parsing import split_verb, tokenize
from handlers.registry import registry
from handlers.reply import Reply, Request, Status
from handlers.scope import can_write
from templates import text


@dataclass(frozen=True)
class Choice:
    """One option of a select menu in a modal: the value sent back, and the label shown."""

    value: str
    label: str


@dataclass(frozen=True)
class FormChoices:
    sites: tuple[Choice, ...] = ()
    hads: tuple[Choice, ...] = ()


class SlackBackend(Protocol):
    def dispatch(self, request: Request) -> Reply:
        """Run a command, exactly as the console does; never raises."""
        ...

    def may_use_form(self, user_id: str, verb: str, now: datetime) -> bool:
        """Whether this Slack user may run `verb` (an unknown user or a member without the right gets the
        typed command's refusal instead of a form)."""
        ...

    def form_choices(self, user_id: str) -> FormChoices:
        """The sites the user may log for and the HADs those sites hold a convention with (modal selects)."""
        ...

    def home(self, user_id: str, now: datetime) -> Home:
        """The App Home summary for this Slack user."""
        ...

    def delivery_seen(self, delivery_id: str) -> bool:
        """Whether a change was already recorded for this delivery (persisted: survives a restart)."""
        ...

    def import_file(self, user_id: str, name: str, data: bytes, mode: str, now: datetime) -> Reply:
        """Import a spreadsheet the member sent (mode: all, partial or dry), as `expe50 import` does."""
        ...

    def writes(self, command: str) -> bool:
        """Whether `command` (the /expe50 text) is a command that changes the store (its App Home is then
        published again)."""
        ...


class HandlersBackend:
    """The real backend: the command language (handlers.dispatch) over the store, as every channel uses it.

    Calls are serialised by the Context's lock, shared with every other channel: the repository is a single
    writer whose in-memory indexes are not meant for concurrent writers, and a command takes milliseconds, so
    Slack's worker threads lose nothing by queueing here.
    """

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._lock: threading.RLock = ctx.lock

    def dispatch(self, request: Request) -> Reply:
        with self._lock:
            return dispatch(request, self._ctx)

    def may_use_form(self, user_id: str, verb: str, now: datetime) -> bool:
        spec = registry.get(verb, None)
        if spec is None:
            return False
        with self._lock:
            actor = self._ctx.actor(Request(user_id, verb, "slack", now))
        return spec.allows(actor.role)

    def form_choices(self, user_id: str) -> FormChoices:
        with self._lock:
            actor = self._ctx.actor(Request(user_id, "", "slack", datetime.now(UTC)))
            repo = self._ctx.repo
            sites = [site for site in repo.sites() if can_write(actor, site)]
            hads: dict[str, Choice] = {}
            for site in sites:
                for convention in repo.conventions(site.finess):
                    had = repo.had(convention.had)
                    if had is not None and had.finess not in hads:
                        label = text("slack.form.field.had_option", name=had.name, finess=had.finess)
                        hads[had.finess] = Choice(had.finess, label)
        site_choices = tuple(
            Choice(site.finess, text("slack.form.field.had_option", name=site.name, finess=site.finess))
            for site in sites
        )
        return FormChoices(sites=site_choices, hads=tuple(sorted(hads.values(), key=lambda c: c.label)))

    def home(self, user_id: str, now: datetime) -> Home:
        with self._lock:
            return home_summary(self._ctx, user_id, now)

    def import_file(self, user_id: str, name: str, data: bytes, mode: str, now: datetime) -> Reply:
        from bot.import_files import read_table
        from handlers.imports import import_sheets, report

        spec = registry.get("import", None)
        with self._lock:
            actor = self._ctx.actor(Request(user_id, "import", "slack", now))
        if spec is None or not spec.allows(actor.role):  # revoked between the form and its submission
            return self.dispatch(Request(user_id, "import", "slack", now))
        try:
            sheets = read_table(Path(Path(name).name), data)
        except UserError as error:
            return Reply(Status.ERROR, text(error.key, **error.params))
        outcome = import_sheets(
            self._ctx,
            sheets,
            file_name=Path(name).name,
            member_id=user_id,
            channel="slack",
            now=now,
            dry_run=mode == "dry",
            partial=mode == "partial",
        )
        return report(outcome, dry_run=mode == "dry", partial=mode == "partial")

    def delivery_seen(self, delivery_id: str) -> bool:
        with self._lock:
            return self._ctx.repo.delivery_seen(delivery_id)

    def writes(self, command: str) -> bool:
        try:
            spec, _ = split_verb(registry, tokenize(command))
        except UserError:
            return False
        return spec is not None and spec.writes
