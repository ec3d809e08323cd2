"""The core subcommands (`run`, `demo`, `cmd`, `ask`) and `run_forwarded`, the bot's side of a forwarded
command line (bot/control/server.py calls it; the same functions run in a one-shot `expe50`)."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import TextIO

from bot import cli_args
from bot.app import App
from bot.cli import store_message
from bot.config import Settings
from bot.render.json import reply_to_json
from bot.render.text import render_text
from bot.session import Session
from handlers import faults
from handlers.dispatch import dispatch
from handlers.reply import Request, Status
from store.errors import StoreError
from templates import text

EXIT_OK, EXIT_USER_ERROR, EXIT_STARTUP = 0, 1, 2


def run_cmd(args: argparse.Namespace, session: Session) -> int:
    return _line(args, session, " ".join(args.text).strip(), getattr(args, "member", None))


def run_ask(args: argparse.Namespace, session: Session) -> int:
    words = " ".join(args.text).strip()
    return _line(args, session, f"question {words}" if words else "", None)


def _line(args: argparse.Namespace, session: Session, line: str, member: str | None) -> int:
    if not line:
        print(text("console.error.empty_command"), file=session.err)
        return EXIT_USER_ERROR
    ctx = session.ctx
    reply = dispatch(Request(member or ctx.operator_id, line, "cli", session.settings.now()), ctx)
    if args.json:
        session.out.write(json.dumps(reply_to_json(reply), ensure_ascii=False, indent=2) + "\n")
    else:
        session.out.write(render_text(reply))
    return EXIT_USER_ERROR if reply.status in (Status.ERROR, Status.DENIED) else EXIT_OK


def run_bot(args: argparse.Namespace, settings: Settings, stdin: TextIO | None, out: TextIO) -> int:
    from bot.app import run
    from bot.control.server import ControlPathError
    from store.errors import DatabaseLocked

    try:
        return run(settings, stdin=stdin, stdout=out, console=not args.service)
    except DatabaseLocked:
        print(text("console.error.running", db=settings.db_path), file=sys.stderr)
        return EXIT_STARTUP
    except ControlPathError as error:
        print(text("control.path", problem=str(error)), file=sys.stderr)
        return EXIT_STARTUP


def run_demo(args: argparse.Namespace, settings: Settings, stdin: TextIO | None, out: TextIO) -> int:
    from bot.app import open_context
    from bot.console import run_console
    from bot.demo import load_demo, real_setup

    ctx = open_context(settings)
    try:
        real = real_setup(ctx)
        if real:
            names = ", ".join(real[:3]) + (" …" if len(real) > 3 else "")
            print(text("console.demo_not_empty", db=settings.db_path, names=names), file=sys.stderr)
            return EXIT_USER_ERROR
        summary = load_demo(ctx, settings.now())
        out.write(text("console.demo_loaded", db=settings.db_path, **summary) + "\n\n")
        if args.no_console:
            return EXIT_OK
        return run_console(ctx, settings, stdin=stdin, stdout=out)
    finally:
        ctx.repo.close()


def run_forwarded(app: App, argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run a command line a local client forwarded, against the running App; returns (exit code, stdout,
    stderr). The client parsed it already: a refusal here means a client that is not `expe50`."""
    out, err = io.StringIO(), io.StringIO()
    try:
        args = cli_args.parse_forwarded(argv)
    except cli_args.ParseError as error:  # argparse's own words, as the one-shot CLI prints them
        return EXIT_STARTUP, "", str(error) or text("control.bad_request") + "\n"
    except SystemExit:  # (an action that exits, such as --version: never sent by the client)
        return EXIT_STARTUP, "", text("control.bad_request") + "\n"
    sub = cli_args.BY_NAME[args.action]
    if not sub.routed:
        return EXIT_STARTUP, "", text("control.not_routed", command=sub.name) + "\n"
    import importlib

    module, _, name = sub.target.partition(":")
    function = getattr(importlib.import_module(module), name)
    try:
        code = int(function(args, Session(app, out, err, cwd, forwarded=True)))
    except StoreError as error:  # as the one-shot CLI says it (a failed write was rolled back)
        print(store_message(error, app.settings), file=err)
        code = EXIT_STARTUP
    except OSError as error:
        print(faults.describe(error, app.settings.db_path), file=err)
        code = EXIT_STARTUP
    return code, out.getvalue(), err.getvalue()
