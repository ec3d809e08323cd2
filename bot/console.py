"""The console: an interactive prompt where the operator types the same commands as `/expe50`, on the local
database (like Errbot's text backend or Hubot's shell). `quitter` (or end of input) leaves."""

from __future__ import annotations

import contextlib
import sys
from typing import TextIO

from bot.config import Settings
from bot.render.text import greeting, render_text
from handlers import health_data, text_edge
from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.reply import Request
from handlers.values import fold
from templates import text

QUIT_WORDS = ("quitter", "quit", "exit", "sortir", "q", "bye", "au revoir")


def is_demo(ctx: Context) -> bool:
    return any(site.name.startswith("DÉMO") for site in ctx.repo.sites())


def _transcript(line: str) -> str:
    try:
        safe = text_edge.edge_text(line, text_edge.COMMAND_MAX)
    except text_edge.InputTooLong:
        return text("console.masked")
    return text("console.masked") if health_data.screen(safe) is not None else safe


def run_console(
    ctx: Context, settings: Settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    source = stdin or sys.stdin
    out = stdout or sys.stdout
    interactive = source.isatty() and out.isatty()
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
    out.write(greeting(str(settings.db_path), empty=ctx.repo.is_empty(), demo=is_demo(ctx)) + "\n")
    out.flush()
    prompt = text("console.prompt") + " "  # text() trims; the prompt ends with a space
    choices: list[str] = []  # the commands of the readings the last reply offered
    while True:
        try:
            if interactive:
                line = input(prompt)
            else:
                raw = source.readline()
                if not raw:
                    raise EOFError
                line = raw.rstrip("\n")
                # Piped input is not echoed by a terminal: write it after the prompt (readable transcript) —
                # made safe like any input, and never when it holds health data.
                out.write(f"{prompt}{_transcript(line)}\n")
        except (EOFError, KeyboardInterrupt):
            out.write("\n")
            break
        # Made safe here too (a byte read under LC_ALL=C is a surrogate): `fold` and the quit words need it.
        command = text_edge.clean(line)
        if not command:
            continue
        if fold(command) in QUIT_WORDS:
            break
        # « Vouliez-vous dire : 1. … 2. … »: a bare number picks that reading of the last reply.
        # (At most three digits: a 5,000-digit line is no choice, and int() would refuse it.)
        if command.isdigit() and len(command) <= 3 and 1 <= int(command) <= len(choices):
            command = choices[int(command) - 1]
        reply = dispatch(Request(ctx.operator_id, command, "console", settings.now()), ctx)
        found = reply.data.get("choices")
        choices = [str(c["command"]) for c in found if isinstance(c, dict)] if isinstance(found, list) else []
        out.write(render_text(reply) + "\n")
        out.flush()
    out.write(text("console.bye") + "\n")
    out.flush()
    return 0
