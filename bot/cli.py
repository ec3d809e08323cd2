"""`expe50`: run the bot, run one command, ask one question, load the demonstration.

    expe50 run                               every configured channel; the console when none is
    expe50 cmd [--as MEMBER] [--json] TEXT   exactly what `/expe50 TEXT` does (exit 0 ok, 1 user error)
    expe50 ask [--json] QUESTION             `/expe50 question QUESTION`
    expe50 --db data/demo.json demo          load a fictitious region into a database apart, then the console
    --db PATH (or EXPE50_DB) chooses the database file (default data/expe50.json)

Start-up problems (a malformed setting, a database held by another process) print one French sentence and exit
with code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from bot import cli_schedule
from bot.cli_report import register as register_report_commands
from bot.config import ConfigError, Settings, load_settings
from bot.render.json import reply_to_json
from bot.render.text import render_text
from handlers import faults
from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.reply import Reply, Request, Status
from store.errors import CorruptDatabase, DatabaseLocked, SchemaVersionError, StoreError, WriteFailed
from templates import text

EXIT_OK, EXIT_USER_ERROR, EXIT_STARTUP = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="PATH",
        # SUPPRESS: a sub-command's own default must not erase a --db given before the sub-command.
        default=argparse.SUPPRESS,
        help="fichier de la base (sinon EXPE50_DB, sinon data/expe50.json)",
    )
    parser = argparse.ArgumentParser(
        prog="expe50", description="Assistant de l'expérimentation article 50", parents=[common]
    )
    commands = parser.add_subparsers(dest="action", required=True, metavar="{run,cmd,ask,demo}")
    commands.add_parser(
        "run", parents=[common], help="démarrer le bot (la console si aucun canal n'est configuré)"
    )
    cmd = commands.add_parser("cmd", parents=[common], help="exécuter une commande /expe50")
    cmd.add_argument("--as", dest="member", metavar="MEMBRE", help="identifiant Slack ou courriel du membre")
    cmd.add_argument("--json", action="store_true", help="réponse en un objet JSON")
    cmd.add_argument("text", nargs="+", metavar="TEXTE")
    ask = commands.add_parser("ask", parents=[common], help="poser une question")
    ask.add_argument("--json", action="store_true", help="réponse en un objet JSON")
    ask.add_argument("text", nargs="+", metavar="QUESTION")
    demo = commands.add_parser(
        "demo", parents=[common], help="charger une région fictive puis ouvrir la console"
    )
    demo.add_argument("--no-console", action="store_true", help="charger seulement")
    register_report_commands(commands)  # report, statement, export-log (bot/cli_report.py)
    cli_schedule.add_commands(commands, common)  # reminders, digest (bot/cli_schedule.py)
    return parser


def main(
    argv: Sequence[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    args = _parser().parse_args(argv)
    if hasattr(args, "report_run"):  # bot/cli_report.py: it loads settings and opens the database itself
        return int(args.report_run(args, stdout=out))
    try:
        settings = load_settings(overrides={"EXPE50_DB": args.db} if getattr(args, "db", None) else None)
    except ConfigError as error:
        print(text("console.error.config", variable=error.variable, problem=error.problem), file=sys.stderr)
        return EXIT_STARTUP
    logging.basicConfig(
        level=settings["EXPE50_LOG_LEVEL"],
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        if args.action == "run":
            from bot.runtime import run

            return run(settings, stdin=stdin, stdout=out)
        if args.action == "demo":
            return _demo(settings, args.no_console, stdin, out)
        if args.action in cli_schedule.ACTIONS:
            return cli_schedule.run(settings, args, out)
        return _one_shot(settings, args, out)
    except StoreError as error:
        print(_store_message(error, settings), file=sys.stderr)
        return EXIT_STARTUP
    except BrokenPipeError:
        # The reader went away (e.g. `expe50 cmd … | head`): nothing more to say.
        return EXIT_OK
    except OSError as error:
        # A file of the bot it cannot use (read-only file system, another owner, an immutable journal, a
        # directory in place of the database, disk full): one French sentence naming it, never a traceback.
        logging.getLogger("expe50.cli").debug("file fault", exc_info=True)
        print(faults.describe(error, settings.db_path), file=sys.stderr)
        return EXIT_STARTUP


def _one_shot(settings: Settings, args: argparse.Namespace, out: TextIO) -> int:
    from bot.runtime import open_context

    words = " ".join(args.text).strip()
    if not words:
        print(text("console.error.empty_command"), file=sys.stderr)
        return EXIT_USER_ERROR
    line = words if args.action == "cmd" else f"question {words}"
    member = getattr(args, "member", None)
    ctx = open_context(settings)
    try:
        reply = run_line(ctx, settings, line, member)
    finally:
        ctx.repo.close()
    if args.json:
        out.write(json.dumps(reply_to_json(reply), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render_text(reply))
    return EXIT_USER_ERROR if reply.status in (Status.ERROR, Status.DENIED) else EXIT_OK


def run_line(ctx: Context, settings: Settings, line: str, member: str | None = None) -> Reply:
    return dispatch(Request(member or ctx.operator_id, line, "cli", settings.now()), ctx)


def _demo(settings: Settings, no_console: bool, stdin: TextIO | None, out: TextIO) -> int:
    from bot.console import run_console
    from bot.demo import load_demo, real_setup
    from bot.runtime import open_context

    ctx = open_context(settings)
    try:
        real = real_setup(ctx)
        if real:
            names = ", ".join(real[:3]) + (" …" if len(real) > 3 else "")
            print(text("console.demo_not_empty", db=settings.db_path, names=names), file=sys.stderr)
            return EXIT_USER_ERROR
        summary = load_demo(ctx, settings.now())
        out.write(text("console.demo_loaded", db=settings.db_path, **summary) + "\n\n")
        if no_console:
            return EXIT_OK
        return run_console(ctx, settings, stdin=stdin, stdout=out)
    finally:
        ctx.repo.close()


def _store_message(error: StoreError, settings: Settings) -> str:
    db = settings.db_path
    if isinstance(error, DatabaseLocked):
        return text("console.error.locked", db=db)
    if isinstance(error, SchemaVersionError):
        return text("console.error.schema", db=db)
    if isinstance(error, CorruptDatabase):
        return text("console.error.corrupt", db=db)
    if isinstance(error, WriteFailed):
        return faults.describe(error, db)
    return text("console.error.store", db=db, problem=type(error).__name__)


if __name__ == "__main__":
    sys.exit(main())
