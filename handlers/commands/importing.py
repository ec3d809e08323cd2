"""`import`: in Slack it opens the import form (bot/slack/import_form.py); elsewhere it says how to import a
file with `expe50 import`. The import itself is handlers/imports.py."""

from __future__ import annotations

from handlers.context import Context, Invocation
from handlers.registry import COORDINATORS, command
from handlers.reply import Reply, Status
from templates import text


@command(
    "import",
    roles=COORDINATORS,
    usage="imports.command.usage",
    help="imports.command.help",
    aliases=("importer",),
)
def import_help(inv: Invocation, ctx: Context) -> Reply:
    return Reply(Status.OK, text("imports.command.title"), body=[text("imports.command.body")])
