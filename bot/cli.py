"""`expe50`: run the bot, and every command that reads or changes the database.

    expe50 run                               every configured channel; the console when none is
    expe50 cmd [--as MEMBER] [--json] TEXT   exactly what `/expe50 TEXT` does (exit 0 ok, 1 user error)
    expe50 ask [--json] QUESTION             `/expe50 question QUESTION`
    expe50 report|statement|export-log …     exports (bot/cli_report.py)
    expe50 reminders|digest [--at] [--send]  the scheduler's messages (bot/cli_schedule.py)
    expe50 status                            the running bot's health (bot/cli_status.py)
    expe50 import FICHIER [--site] [--dry-run] [--partiel] | --modele F.xlsx   (bot/cli_import.py)
    expe50 backup DEST | restore SRC [--force] | repair [--oui]   keeping the data safe (bot/cli_safety.py)
    expe50 --db data/demo.json demo          load a fictitious region into a database apart, then the console
    --db PATH (or EXPE50_DB) chooses the database file (default data/expe50.json)

The subcommands are declared in bot/cli_args.py. When a bot runs on the database, a routed subcommand is
forwarded to it over the control socket (bot/control/) and runs there, with the same output and exit code;
otherwise this process opens the database itself. This module imports nothing heavy before that decision.

Start-up problems (a malformed setting, a database held by another process) print one French sentence and exit
with code 2; never a traceback.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot import cli_args

if TYPE_CHECKING:
    import argparse

    from bot.config import Settings
    from handlers.context import Context
    from handlers.reply import Reply
    from store.errors import StoreError

EXIT_OK, EXIT_USER_ERROR, EXIT_STARTUP = 0, 1, 2
WAIT_FOR_STARTING_BOT = (
    10.0  # seconds a command waits for a bot that holds the database but is still starting
)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    # The edge for argv: a byte read under LC_ALL=C is a lone surrogate, which neither JSON-over-the-socket
    # nor the store can encode; text_edge reads it back as UTF-8 or U+FFFD (dispatch does the rest). Loaded
    # only when needed: the forwarding client must stay light.
    words = list(sys.argv[1:] if argv is None else argv)
    if not all(_encodable(word) for word in words):
        from handlers.text_edge import no_surrogates

        words = [no_surrogates(word) for word in words]
    try:
        # Forwarded as typed when a bot runs (it parses the line, in argparse's words when malformed);
        # building the parser here would cost more than the whole round trip.
        quick = cli_args.quick_route(words)
        if quick is not None and quick[0].routed:
            answered = _through_bot(words, quick[1], out, err)
            if answered is not None:
                return answered
        args = cli_args.parser().parse_args(words)
        return _here(cli_args.BY_NAME[args.action], args, words, stdin, out, err)
    except BrokenPipeError:
        # The reader went away (e.g. `expe50 cmd … | head`): nothing more to say.
        return EXIT_OK


def _encodable(word: str) -> bool:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _through_bot(words: list[str], db: str | None, out: TextIO, err: TextIO) -> int | None:
    from bot.control import client

    try:
        answer = client.forward(words, client.database_path(db))
    except client.BotLost:
        from templates import text

        print(text("control.lost"), file=err)
        return EXIT_STARTUP
    except client.BotUnreachable as error:
        from templates import text

        print(text("control.forbidden", path=str(error)), file=err)
        return EXIT_STARTUP
    if answer is None:
        return None
    out.write(answer.stdout)
    out.flush()
    err.write(answer.stderr)
    return answer.code


def _here(
    sub: cli_args.Subcommand,
    args: argparse.Namespace,
    words: list[str],
    stdin: TextIO | None,
    out: TextIO,
    err: TextIO,
) -> int:
    import logging

    from bot.config import ConfigError, load_settings
    from store.errors import DatabaseLocked, StoreError
    from templates import text

    try:
        settings = load_settings(overrides={"EXPE50_DB": args.db} if getattr(args, "db", None) else None)
    except ConfigError as error:
        print(text("console.error.config", variable=error.variable, problem=error.problem), file=err)
        return EXIT_STARTUP
    level = settings["EXPE50_LOG_LEVEL"]
    logging.basicConfig(
        # INFO is for the running bot (one line per service); a one-shot command only warns.
        level=level
        if sub.name == "run" or level == "DEBUG"
        else max(logging.WARNING, logging.getLevelName(level)),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler logs every job run at INFO: the bot's own lines say what starts and what is sent.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        if not sub.routed:
            return int(_target(sub)(args, settings, stdin, out))
        if not sub.creates_db and not settings.db_path.exists():
            print(text("reports.cli.no_database", path=settings.db_path), file=err)
            return EXIT_STARTUP
        return _one_shot(sub, args, settings, out, err)
    except DatabaseLocked as error:
        if sub.routed:
            # A bot holds the database but its socket is not there yet: it is starting. Wait for it.
            deadline = time.monotonic() + WAIT_FOR_STARTING_BOT
            while time.monotonic() < deadline:
                time.sleep(0.2)
                answered = _through_bot(words, getattr(args, "db", None), out, err)
                if answered is not None:
                    return answered
        print(store_message(error, settings), file=err)
        return EXIT_STARTUP
    except StoreError as error:
        print(store_message(error, settings), file=err)
        return EXIT_STARTUP
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            raise
        # A file of the bot it cannot use (read-only file system, another owner, an immutable journal, a
        # directory in place of the database, disk full): one French sentence naming it, never a traceback.
        from handlers import faults

        logging.getLogger("expe50.cli").debug("file fault", exc_info=True)
        print(faults.describe(error, settings.db_path), file=err)
        return EXIT_STARTUP


def _one_shot(
    sub: cli_args.Subcommand, args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO
) -> int:
    from bot.app import App
    from bot.session import Session

    app = App.open(settings)
    try:
        code = int(_target(sub)(args, Session(app, out, err, Path.cwd())))
        app.drain()
        return code
    finally:
        app.close()


def _target(sub: cli_args.Subcommand) -> Any:
    import importlib

    module, _, name = sub.target.partition(":")
    return getattr(importlib.import_module(module), name)


def run_line(ctx: Context, settings: Settings, line: str, member: str | None = None) -> Reply:
    from handlers.dispatch import dispatch
    from handlers.reply import Request

    return dispatch(Request(member or ctx.operator_id, line, "cli", settings.now()), ctx)


def store_message(error: StoreError, settings: Settings) -> str:
    from store.errors import CorruptDatabase, DatabaseLocked, SchemaVersionError, WriteFailed
    from templates import text

    db = settings.db_path
    if isinstance(error, DatabaseLocked):
        return text("console.error.locked", db=db)
    if isinstance(error, SchemaVersionError):
        return text("console.error.schema", db=db)
    if isinstance(error, CorruptDatabase):
        # The English message (what exactly, which seq) goes to the log; the operator reads the file, the
        # cause and the way back.
        logging.getLogger("expe50.store").error("%s", error)
        return text(
            "safety.corrupt.detail",
            db=db,
            file=error.path or db,
            cause=text(f"safety.corrupt.cause.{error.cause}"),
            way=text(
                "safety.corrupt.way_repair" if error.repairable else "safety.corrupt.way_restore", db=db
            ),
        )
    if isinstance(error, WriteFailed):
        from handlers import faults

        return faults.describe(error, db)
    return text("console.error.store", db=db, problem=type(error).__name__)


if __name__ == "__main__":
    sys.exit(main())
