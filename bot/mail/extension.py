"""Plugs the mail channel into `expe50 run`: its settings, the outbox worker (whenever SMTP is configured:
replies, reminders and digests all go through it) and the ARS mailbox watcher (when IMAP_HOST is set).

What it puts in the Context's extras, for the other areas:
- `ctx.extras["outbox"]`: store.outbox.Outbox, and `ctx.extras["outbox_worker"]`: its worker (`wake()`);
- `ctx.extras["mail"]`: bot.mail.desk.MailDesk, for `/expe50 repondre`.
Hand-overs are posted to EXPE50_ARS_CHANNEL through `ctx.extras["slack_client"]` (a slack_sdk WebClient put
there by the Slack channel) when both exist, looked up at each post; otherwise a log line, and the digest
lists them anyway.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.config import Settings, register, register_section
from bot.mail.desk import MailDesk
from bot.mail.outbox import OutboxWorker
from bot.mail.processor import MailProcessor
from bot.mail.settings import SETTINGS, MailSettings, mail_settings_from_env
from bot.mail.smtp import SmtpTransport
from bot.mail.watcher import MailWatcher
from bot.runtime import ChannelStarter, register_channel
from handlers.context import Context
from handlers.reply import Reply
from store.mailbox import Mailbox
from store.outbox import Outbox

log = logging.getLogger(__name__)

for _setting in SETTINGS:
    register(_setting)
register_section("mail", mail_settings_from_env)


def _mail(settings: Settings) -> MailSettings | None:
    section: MailSettings | None = settings.section("mail")
    return section


class _RunningOutbox:
    def __init__(self, worker: OutboxWorker) -> None:
        self.worker = worker

    def stop(self) -> None:
        self.worker.stop()


def start_outbox(ctx: Context, settings: Settings) -> _RunningOutbox:
    mail = _mail(settings)
    assert mail is not None
    outbox = Outbox(ctx.repo.database, mail.mail_from)
    worker = OutboxWorker(outbox, SmtpTransport(mail.smtp), settings.now)
    ctx.extras["outbox"] = outbox
    ctx.extras["outbox_worker"] = worker
    worker.start()
    return _RunningOutbox(worker)


class _RunningWatcher:
    def __init__(self, watcher: MailWatcher) -> None:
        self.watcher = watcher

    def stop(self) -> None:
        self.watcher.stop()


def _slack_notifier(ctx: Context, channel: str | None) -> Any:
    def notify(message: str) -> None:
        client = ctx.extras.get("slack_client")
        if channel is None or client is None:
            log.info(
                "mail: hand-over not posted to Slack (no EXPE50_ARS_CHANNEL or no Slack); see the digest"
            )
            return
        client.chat_postMessage(channel=channel, text=message)

    return notify


def start_watcher(ctx: Context, settings: Settings) -> _RunningWatcher:
    from handlers.questions import answer_question

    mail = _mail(settings)
    assert mail is not None and mail.imap is not None
    outbox = ctx.extras.get("outbox")
    if outbox is None:
        start_outbox(ctx, settings)
        outbox = ctx.extras["outbox"]
    worker: OutboxWorker = ctx.extras["outbox_worker"]
    mailbox = Mailbox(ctx.repo.database)

    def answer(question: str, now: Any) -> Reply:
        return answer_question(question, now, ctx.params)

    processor = MailProcessor(
        mailbox=mailbox,
        outbox=outbox,
        answer=answer,
        sender=mail.mail_from,
        own_addresses=frozenset({mail.imap.user.lower()} if "@" in mail.imap.user else set()),
        daily_limit=mail.daily_limit,
        max_bytes=mail.max_bytes,
        notify=_slack_notifier(ctx, mail.ars_channel),
        on_enqueue=worker.wake,
        lock=ctx.lock,
    )
    ctx.extras["mail"] = MailDesk(mailbox, outbox, mail.mail_from, worker.wake)
    watcher = MailWatcher(mail.imap, processor, mailbox, settings.now)
    watcher.start()
    return _RunningWatcher(watcher)


# The outbox registers first so that the scheduler (registered later) finds it in the Context's extras.
register_channel(
    ChannelStarter("outbox", enabled=lambda s: _mail(s) is not None, start=start_outbox, serves_users=False)
)
register_channel(
    ChannelStarter(
        "mail",
        enabled=lambda s: (m := _mail(s)) is not None and m.imap is not None,
        start=start_watcher,
    )
)
