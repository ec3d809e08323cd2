"""The composition root: the one place where the running bot is assembled, started and stopped.

    app = App.open(settings)      # settings → store → Context → services (built, nothing started)
    app.start()                   # outbox worker → Slack → mailbox watcher → scheduler → control server
    app.stop(); app.close()       # the reverse order, then the store

Threads (all started here, all daemon threads stopped by `stop`):
- the main thread waits for SIGTERM/SIGINT (or runs the console when no channel serves users);
- `expe50-outbox`: sends what the outbox holds (SMTP, aiosmtplib's loop owned by the mailer);
- Slack: Bolt's HTTP server thread (or Socket Mode's threads) and its `expe50-slack` workers;
- `expe50-imap`: the ARS mailbox watcher (IMAP IDLE);
- APScheduler's thread: reminders, digest, the hourly catch-up;
- `expe50-control`: the Unix socket beside the database, one thread per local client (`expe50 cmd` …);
- `expe50-warm-up`: computes the forfaits once at start (commands wait on the Context lock meanwhile).
Every thread that touches the store holds `ctx.lock` (one command at a time; the store has one writer).

A one-shot CLI command (no bot running) opens the same App without starting it, runs, then `drain()`s what it
queued in the outbox — so `reminders --send` really sends — and closes.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

from bot.config import Settings
from bot.desk import AgentsDesk
from handlers import faults
from handlers.context import Context
from rules.parameters import load_parameters
from store.mailbox import Mailbox
from store.outbox import FAILED, PENDING, SENT, Outbox, OutboxItem
from store.repository import Repository

if TYPE_CHECKING:
    from bot.control.server import ControlServer
    from bot.mail.outbox import OutboxWorker
    from bot.mail.watcher import MailWatcher
    from bot.scheduler import ScheduleService
    from bot.slack.runner import SlackChannel

log = logging.getLogger("expe50.app")


def socket_path_of(settings: Settings) -> Any:
    from bot.control.protocol import socket_path

    return socket_path(settings.db_path)


@dataclass
class App:
    settings: Settings
    ctx: Context
    desk: AgentsDesk
    outbox: Outbox | None = None
    worker: OutboxWorker | None = None
    slack_client: Any = None  # slack_sdk WebClient when Slack is configured
    console_write: Callable[[str], None] = print
    started_at: datetime | None = None
    # Started by `start` (None in a one-shot command):
    slack: SlackChannel | None = None
    watcher: MailWatcher | None = None
    scheduler: Any = None  # APScheduler's BackgroundScheduler
    control: ControlServer | None = None
    _stops: list[tuple[str, Callable[[], None]]] = field(default_factory=list, repr=False)

    # ---- building ------------------------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings) -> App:
        """Open the database (creating its folder) and build every configured service, started or not.
        Raises the store's errors (DatabaseLocked, SchemaVersionError, CorruptDatabase): the CLI turns them
        into French messages."""
        ctx = open_context(settings)
        try:
            return cls._build(settings, ctx)
        except BaseException:
            ctx.repo.close()
            raise

    @classmethod
    def _build(cls, settings: Settings, ctx: Context) -> App:
        mail = settings.mail
        outbox = worker = None
        if mail is not None:
            from bot.mail.outbox import OutboxWorker
            from bot.mail.smtp import SmtpTransport

            outbox = Outbox(ctx.repo.database, mail.mail_from)
            worker = OutboxWorker(outbox, SmtpTransport(mail.smtp), settings.now)
        slack_client = None
        if settings.slack is not None:
            from bot.slack.app import web_client

            slack_client = web_client(settings.slack)
        alert = None
        if slack_client is not None and mail is not None and mail.ars_channel:
            channel = mail.ars_channel

            def alert(message: str) -> None:
                slack_client.chat_postMessage(channel=channel, text=message)

        direct_message = None
        if slack_client is not None:

            def direct_message(user: str, message: str) -> None:
                slack_client.chat_postMessage(channel=user, text=message)

        desk = AgentsDesk(
            Mailbox(ctx.repo.database),
            outbox,
            mail.mail_from if mail else None,
            worker.wake if worker else None,
            alert=alert,
            direct_message=direct_message,
            mailbox_watched=mail is not None and mail.imap is not None,
            repo=ctx.repo,
        )
        ctx.desk = desk
        return cls(settings, ctx, desk, outbox, worker, slack_client)

    def schedule_service(
        self,
        *,
        clock: Callable[[], datetime] | None = None,
        console_write: Callable[[str], None] | None = None,
    ) -> ScheduleService:
        from bot.cli_schedule import build_service
        from bot.scheduler import EmailNotifier

        email = None
        if self.outbox is not None:
            email = EmailNotifier(self.outbox, self.worker.wake if self.worker else None)
        return build_service(
            self.ctx,
            self.settings,
            email=email,
            slack_client=self.slack_client,
            console_write=console_write or self.console_write,
            clock=clock,
        )

    # ---- running -------------------------------------------------------------------------------------

    @property
    def serves_users(self) -> bool:
        """A channel people talk to (Slack, the mailbox) is configured; otherwise `run` opens the console."""
        mail = self.settings.mail
        return self.settings.slack is not None or (mail is not None and mail.imap is not None)

    def start(self) -> None:
        """Start every configured service, in order; on a failure, stop what started and raise."""
        self.started_at = self.settings.now()
        try:
            self._start_all()
        except BaseException:
            self.stop()
            raise

    def _start_all(self) -> None:
        from bot.control.server import check_path

        check_path(socket_path_of(self.settings))  # a bot that could not serve its socket starts nothing
        threading.Thread(target=_warm_up, args=(self.ctx,), name="expe50-warm-up", daemon=True).start()
        if self.worker is not None:
            self.worker.start()
            self._started("outbox", self.worker.stop, f"SMTP {self._smtp_target()}")
        if self.settings.slack is not None:
            from bot.slack.backend import HandlersBackend
            from bot.slack.runner import start_slack

            self.slack = start_slack(self.settings.slack, HandlersBackend(self.ctx), clock=self.settings.now)
            where = "Socket Mode" if self.slack.url is None else f"HTTP {self.slack.url}"
            self._started("slack", self.slack.stop, where)
            if self.settings.mail is not None and self.settings.mail.ars_channel:
                from bot.slack.channel_check import check_agents_channel

                check_agents_channel(self.slack.app.client, self.settings.mail.ars_channel)
        mail = self.settings.mail
        if mail is not None and mail.imap is not None:
            self.watcher = self._start_watcher()
            imap = mail.imap
            self._started("mail", self.watcher.stop, f"IMAP {imap.host}:{imap.port}/{imap.folder}")
        self.scheduler = self.schedule_service().start()
        scheduler = self.scheduler
        self._started("scheduler", lambda: scheduler.shutdown(wait=True), self._schedule_summary())
        backup_dir = self.settings.get("BACKUP_DIR")
        if backup_dir is not None:
            from bot import backup_job

            keep = int(self.settings["BACKUP_KEEP"])
            backup_job.schedule(scheduler, self.ctx.repo.database, backup_dir, keep, self.settings.now)
            log.info("scheduled daily backup into %s (keeping %d)", backup_dir, keep)
        # Last: local clients (`expe50 cmd` …) reach a bot whose every service runs. Until then they find
        # the database locked and wait a few seconds for this socket (bot/control/client.py).
        from bot.control.server import ControlServer

        self.control = ControlServer(socket_path_of(self.settings), self).start()
        self._started("control", self.control.stop, f"socket {self.control.path}")

    def _started(self, name: str, stop: Callable[[], None], detail: str) -> None:
        self._stops.append((name, stop))
        log.info("started %s: %s", name, detail)

    def _smtp_target(self) -> str:
        mail = self.settings.mail
        return f"{mail.smtp.host}:{mail.smtp.port} ({mail.smtp.security})" if mail else "-"

    def _schedule_summary(self) -> str:
        config = self.settings.schedule
        return f"reminders at {config.reminders.hour:%H:%M}, digest weekday {config.digest.weekday}"

    def _start_watcher(self) -> MailWatcher:
        from bot.mail.processor import MailProcessor
        from bot.mail.watcher import MailWatcher
        from handlers.questions import answer_question
        from handlers.reply import Reply

        mail = self.settings.mail
        assert mail is not None and mail.imap is not None and self.outbox is not None
        assert self.worker is not None
        ctx = self.ctx

        def answer(question: str, now: datetime) -> Reply:
            return answer_question(question, now, ctx.params)

        processor = MailProcessor(
            mailbox=self.desk.mailbox,
            outbox=self.outbox,
            answer=answer,
            sender=mail.mail_from,
            own_addresses=frozenset({mail.imap.user.lower()} if "@" in mail.imap.user else set()),
            daily_limit=mail.daily_limit,
            max_bytes=mail.max_bytes,
            notify=self.desk.notify if self.desk.alert is not None else None,
            on_enqueue=self.worker.wake,
            lock=ctx.lock,
            choice_days=mail.choice_days,
            can_hand_over=self.desk.can_receive,
        )
        watcher = MailWatcher(mail.imap, processor, self.desk.mailbox, self.settings.now)
        watcher.start()
        return watcher

    def stop(self) -> None:
        """Stop what `start` started, in reverse order: the control socket first (no new local client), the
        scheduler, the mailbox, Slack, and the outbox last (it may still send what the others queued)."""
        while self._stops:
            name, stop = self._stops.pop()
            try:
                stop()
            except Exception as error:
                log.error("%s did not stop cleanly: %s", name, faults.where(error))
            else:
                log.info("stopped %s", name)

    def drain(self) -> None:
        """One-shot commands: send now what this process queued (no bot runs to send it)."""
        if self.worker is not None and self.outbox is not None and self.outbox.due(self.settings.now()):
            self.worker.run_once()

    def settle(self, keys: list[str], timeout: float = 60.0) -> dict[str, str]:
        """Follow outbox items until each is sent or failed (or `timeout`): the state of each key. A one-shot
        command sends them itself; in the running bot the worker is woken and watched."""
        if not keys or self.outbox is None or self.worker is None:
            return {}
        outbox = self.outbox
        deadline = time.monotonic() + timeout

        def states() -> dict[str, str]:
            return {key: item.state for key in keys if (item := outbox.get(key)) is not None}

        def settled(found: dict[str, str]) -> bool:
            return all(found.get(key) in (SENT, FAILED) or _retrying(outbox.get(key)) for key in keys)

        if self.started_at is None:
            self.worker.run_once()
            return states()
        self.worker.wake()
        found = states()
        while not settled(found) and time.monotonic() < deadline:
            time.sleep(0.1)
            found = states()
        return found

    def close(self) -> None:
        if self.worker is not None and self.worker.transport is not None:
            self.worker.transport.close()
        self.ctx.repo.close()


def _retrying(item: OutboxItem | None) -> bool:
    """Tried and failed for now (the server is down): the outbox retries later; no use waiting for it."""
    return item is not None and item.state == PENDING and item.attempts > 0


def open_context(settings: Settings) -> Context:
    """Open the database (creating its folder) and build the bare Context (no services)."""
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    repo = Repository.open(settings.db_path)
    return Context(repo, load_parameters(), operator_id=settings.operator_id)


def run(
    settings: Settings,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stop_event: threading.Event | None = None,
    console: bool = True,
) -> int:
    """`expe50 run`: returns the exit code once every service has stopped. Without a channel that serves
    users (Slack, the mailbox) it opens the console, unless `console` is False (`--service`, systemd)."""
    from bot.console import run_console

    app = App.open(settings)
    try:
        app.start()
        try:
            if app.serves_users or not console:
                _wait_for_signal(stop_event or threading.Event())
                return 0
            log.info("no Slack and no mailbox configured: the console")
            return run_console(app.ctx, settings, stdin=stdin, stdout=stdout)
        finally:
            app.stop()
    finally:
        app.close()


def _warm_up(ctx: Context) -> None:
    from handlers.commands.reading import warm_up
    from handlers.questions import preload

    try:
        with ctx.lock:
            warm_up(ctx)
        preload()  # outside the store lock: it touches no data
    except Exception as error:
        log.error("warm-up failed (reads and questions will load on demand): %s", faults.where(error))


def _wait_for_signal(stop: threading.Event) -> None:
    def handle(signum: int, frame: object) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handle)
        signal.signal(signal.SIGINT, handle)
    stop.wait()
