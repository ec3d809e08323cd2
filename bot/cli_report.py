"""The export commands of the `expe50` CLI:

    expe50 report <initial|suivi-2026|suivi-2027> --site FINESS --format md|csv|xlsx --out PATH
    expe50 statement --site FINESS --year 2025 --format csv|xlsx --out PATH
    expe50 export-log [--region normandie] --format csv|xlsx --out PATH

`statement` lists the forfaits of the months of a year (paid in the next year); `export-log` writes a region's
whole log for the ARS (pseudonymous codes only). `--out -` writes Markdown or CSV to standard output. Each
command opens the database (EXPE50_DB, or `--db`), so it runs while the bot is stopped: the database has one
writer at a time. `register(subparsers)` adds the three commands to bot/cli.py's argparse parser; `main(argv)`
runs them on their own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.export import Sheet, csv_text, write_csv, write_text, write_xlsx
from handlers.context import Context
from handlers.errors import UserError
from handlers.report_fields import parse_kind
from handlers.report_tables import log_sheet, report_sheets, statement_sheet
from handlers.reports import draft_for, forfait_lines, render_markdown
from handlers.values import parse_finess
from store.errors import StoreError
from store.records import EntryKind
from templates import text

FORMATS = ("md", "csv", "xlsx")


def register(subparsers: Any) -> None:
    """Add `report`, `statement` and `export-log` to an argparse subparsers object; each sets `report_run`
    (call it with the parsed namespace: `args.report_run(args)` returns the exit code)."""
    report = subparsers.add_parser("report", help="brouillon d'un rapport d'évaluation (md, csv, xlsx)")
    report.add_argument("kind", help="initial | suivi-2026 | suivi-2027")
    report.add_argument("--site", required=True, help="FINESS géographique")
    _common(report, FORMATS)
    report.set_defaults(report_run=run_report)

    statement = subparsers.add_parser("statement", help="relevé annuel des forfaits d'un site (csv, xlsx)")
    statement.add_argument("--site", required=True, help="FINESS géographique")
    statement.add_argument(
        "--year", required=True, type=int, help="année des soins (versés l'année suivante)"
    )
    _common(statement, ("csv", "xlsx"))
    statement.set_defaults(report_run=run_statement)

    export = subparsers.add_parser("export-log", help="journal complet d'une région pour l'ARS (csv, xlsx)")
    export.add_argument("--region", help="région (toutes les régions de la base si absent)")
    _common(export, ("csv", "xlsx"))
    export.set_defaults(report_run=run_export_log)


def _common(parser: argparse.ArgumentParser, formats: Sequence[str]) -> None:
    parser.add_argument("--format", choices=formats, default=None, help="format (d'après --out si absent)")
    parser.add_argument("--out", required=True, help="fichier à écrire, ou - pour la sortie standard")
    # SUPPRESS: a `--db` given before the sub-command (bot/cli.py's common option) is not overwritten.
    parser.add_argument("--db", default=argparse.SUPPRESS, help="fichier de la base (sinon EXPE50_DB)")


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    parser = argparse.ArgumentParser(prog="expe50")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    runner: Callable[..., int] = args.report_run
    return runner(args, stdout=stdout, stderr=stderr)


# ---- the commands -----------------------------------------------------------------------------------------


def run_report(args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    def work(ctx: Context, today: date) -> str:
        kind = parse_kind(args.kind)
        finess = _site(ctx, args.site)
        draft = draft_for(ctx, finess, kind, today)
        fmt = _format(args)
        if fmt == "md":
            return _write_text(render_markdown(draft), args.out, stdout)
        sheets = report_sheets(draft)
        if fmt == "csv":
            return _write_csv(sheets[0], args.out, stdout)
        return _write_xlsx(sheets, args.out)

    return _with_context(args, work, stdout, stderr)


def run_statement(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    def work(ctx: Context, today: date) -> str:
        finess = _site(ctx, args.site)
        site = ctx.repo.site(finess)
        assert site is not None
        sheet = statement_sheet(site, args.year, forfait_lines(ctx, site))
        if _format(args) == "csv":
            return _write_csv(sheet, args.out, stdout)
        return _write_xlsx([sheet], args.out)

    return _with_context(args, work, stdout, stderr)


def run_export_log(
    args: argparse.Namespace, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    def work(ctx: Context, today: date) -> str:
        region = None
        if args.region:
            found = ctx.params.region(args.region)
            if found is None:
                raise UserError("reports.cli.region_unknown", value=args.region)
            region = found.key
        sites = {site.finess: site for site in ctx.repo.sites(region)}
        entries = [
            entry
            for finess in sites
            for kind in EntryKind
            for entry in ctx.repo.entries(finess, kind, active_only=False)
        ]
        sheet = log_sheet(entries, sites)
        if _format(args) == "csv":
            return _write_csv(sheet, args.out, stdout)
        return _write_xlsx([sheet], args.out)

    return _with_context(args, work, stdout, stderr)


# ---- plumbing ---------------------------------------------------------------------------------------------


def _with_context(
    args: argparse.Namespace,
    work: Callable[[Context, date], str],
    stdout: TextIO | None,
    stderr: TextIO | None,
) -> int:
    from bot.config import ConfigError, load_settings
    from bot.runtime import open_context

    out = stdout or sys.stdout
    err = stderr or sys.stderr
    try:
        db = getattr(args, "db", None)
        settings = load_settings(overrides={"EXPE50_DB": db} if db else None)
    except ConfigError as error:
        print(str(error), file=err)
        return 2
    if not settings.db_path.exists():
        print(text("reports.cli.no_database", path=settings.db_path), file=err)
        return 2
    try:
        ctx = open_context(settings)
    except StoreError as error:
        # The store's messages are English, for operators; the lock case is the one people meet.
        print(str(error), file=err)
        return 2
    try:
        written = work(ctx, settings.now().date())
    except UserError as error:
        print(text(error.key, **error.params), file=err)
        return 1
    finally:
        ctx.repo.close()
    if written != "-":
        print(text("reports.cli.written", path=written), file=out)
    return 0


def _site(ctx: Context, raw: str) -> str:
    finess = parse_finess(raw, "site")
    if ctx.repo.site(finess) is None:
        raise UserError("reports.error.site_unknown", finess=finess)
    return finess


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if args.out == "-":
        return "md" if getattr(args, "kind", None) else "csv"
    raise UserError("reports.cli.format", value=suffix or args.out)


def _write_text(content: str, out: str, stdout: TextIO | None) -> str:
    if out == "-":
        (stdout or sys.stdout).write(content)
        return "-"
    return str(write_text(content, Path(out)))


def _write_csv(sheet: Sheet, out: str, stdout: TextIO | None) -> str:
    if out == "-":
        (stdout or sys.stdout).write(csv_text(sheet))
        return "-"
    return str(write_csv(sheet, Path(out)))


def _write_xlsx(sheets: list[Sheet], out: str) -> str:
    if out == "-":
        raise UserError("reports.cli.xlsx_stdout")
    return str(write_xlsx(sheets, Path(out)))
