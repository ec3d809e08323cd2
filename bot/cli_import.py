"""`expe50 import`: a spreadsheet of referrals, administrations and ends of care into the database.

    expe50 import FICHIER [--site FINESS] [--dry-run] [--partiel] [--json]
    expe50 import --modele modele.xlsx

The work is `import_file(ctx, settings, options, out)` on an open Context; `run_import(args, session)` is the
subcommand (bot/cli_args.py), run by the CLI on its own Context when no bot runs, or inside the running bot
through the control socket — the import then holds the store lock for its one transaction.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.config import Settings
from bot.import_files import read_table, write_template
from bot.render.json import reply_to_json
from bot.render.text import render_text
from handlers.context import Context
from handlers.errors import UserError
from handlers.imports import import_sheets, report
from handlers.reply import Reply, Status
from handlers.values import parse_finess
from templates import text

if TYPE_CHECKING:
    from bot.session import Session

EXIT_OK, EXIT_USER_ERROR = 0, 1


@dataclass(frozen=True)
class ImportOptions:
    file: Path | None
    template: Path | None = None
    site: str | None = None
    dry_run: bool = False
    partial: bool = False
    json: bool = False
    member: str | None = None  # None: the local operator

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ImportOptions:
        return cls(
            file=Path(args.file) if args.file else None,
            template=Path(args.modele) if args.modele else None,
            site=args.site,
            dry_run=args.dry_run,
            partial=args.partiel,
            json=args.json,
            member=getattr(args, "member", None),
        )


def run_import(args: argparse.Namespace, session: Session) -> int:
    """The subcommand, in the CLI's own process or inside the running bot (paths are the client's)."""
    options = ImportOptions.from_args(args)
    options = replace(
        options,
        file=session.path(str(options.file)) if options.file else None,
        template=session.path(str(options.template)) if options.template else None,
    )
    return import_file(session.ctx, session.settings, options, session.out)


def write_template_file(options: ImportOptions, out: TextIO) -> int:
    assert options.template is not None
    try:
        write_template(options.template)
    except UserError as error:
        return _print(Reply(Status.ERROR, text(error.key, **error.params)), options, out)
    except OSError as error:
        problem = error.strerror or type(error).__name__
        message = text("imports.error.file_unreadable", path=options.template, problem=problem)
        return _print(Reply(Status.ERROR, message), options, out)
    out.write(text("console.import_template", path=options.template) + "\n")
    return EXIT_OK


def import_file(ctx: Context, settings: Settings, options: ImportOptions, out: TextIO) -> int:
    """Read, check and (unless refused or a dry run) write the file; print the French report."""
    if options.template is not None:
        return write_template_file(options, out)
    if options.file is None:
        return _print(Reply(Status.ERROR, text("console.import_no_file")), options, out)
    try:
        site = parse_finess(options.site, "--site") if options.site else None
        sheets = read_table(options.file)
    except UserError as error:
        return _print(Reply(Status.ERROR, text(error.key, **error.params)), options, out)
    outcome = import_sheets(
        ctx,
        sheets,
        file_name=options.file.name,
        member_id=options.member,
        channel="cli",
        now=settings.now(),
        default_site=site,
        dry_run=options.dry_run,
        partial=options.partial,
    )
    return _print(report(outcome, dry_run=options.dry_run, partial=options.partial), options, out)


def _print(reply: Reply, options: ImportOptions, out: TextIO) -> int:
    if options.json:
        out.write(json.dumps(reply_to_json(reply), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(render_text(reply))
    return EXIT_OK if reply.status in (Status.OK, Status.WARNING) else EXIT_USER_ERROR
