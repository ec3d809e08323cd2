"""The export commands of the `expe50` CLI:

    expe50 report <initial|suivi-2026|suivi-2027> --site FINESS [--format md|csv|xlsx] [--out PATH]
    expe50 statement --site FINESS --year 2025 [--format csv|xlsx] [--out PATH]
    expe50 export-log [--region normandie] [--format csv|xlsx] [--out PATH]

Without `--out` the file is written in the current directory under a name that says whose it is:
`rapport-<rapport>-<FINESS>-<date>.xlsx`, `releve-<FINESS>-<année>-<date>.xlsx`,
`journal-<région>-<date>.xlsx` (the format from `--format`, xlsx by default). Every CSV and XLSX file opens
with a heading (FINESS, site, region, document, period, date drawn up) and prints on one page width.

`statement` lists the forfaits of the months of a year (paid in the next year); `export-log` writes a region's
whole log for the ARS (pseudonymous codes only). `--out -` writes Markdown or CSV to standard output; a
relative `--out` is relative to the directory the command was typed in. Declared in bot/cli_args.py; each
runs inside the running bot when there is one (bot/control/), else on the database opened by `expe50`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.export import Sheet, csv_text, write_csv, write_text, write_xlsx
from bot.session import Session
from handlers.context import Context
from handlers.errors import UserError
from handlers.report_fields import parse_kind
from handlers.report_tables import log_sheet, report_sheets, statement_sheet
from handlers.reports import draft_for, forfait_lines, render_markdown
from handlers.values import parse_finess
from store.records import EntryKind
from templates import text

FORMATS = ("md", "csv", "xlsx")


# ---- the commands -----------------------------------------------------------------------------------------


def run_report(args: argparse.Namespace, session: Session) -> int:
    def work(ctx: Context, today: date) -> str:
        kind = parse_kind(args.kind)
        finess = _site(ctx, args.site)
        draft = draft_for(ctx, finess, kind, today)
        _default_out(args, f"rapport-{kind.value}-{finess}-{today.isoformat()}")
        fmt = _format(args)
        if fmt == "md":
            return _write_text(render_markdown(draft), args.out, session)
        sheets = report_sheets(draft)
        if fmt == "csv":
            return _write_csv(sheets[0], args.out, session)
        return _write_xlsx(sheets, args.out, session)

    return _with_context(work, session)


def run_statement(args: argparse.Namespace, session: Session) -> int:
    def work(ctx: Context, today: date) -> str:
        finess = _site(ctx, args.site)
        site = ctx.repo.site(finess)
        assert site is not None
        _default_out(args, f"releve-{finess}-{args.year}-{today.isoformat()}")
        region = ctx.params.region(site.region)
        sheet = statement_sheet(
            site,
            args.year,
            forfait_lines(ctx, site),
            drawn_up=today,
            region_name=region.name if region else None,
        )
        if _format(args) == "csv":
            return _write_csv(sheet, args.out, session)
        return _write_xlsx([sheet], args.out, session)

    return _with_context(work, session)


def run_export_log(args: argparse.Namespace, session: Session) -> int:
    def work(ctx: Context, today: date) -> str:
        region = None
        if args.region:
            found = ctx.params.region(args.region)
            if found is None:
                raise UserError("reports.cli.region_unknown", value=args.region)
            region = found.key
        _default_out(args, f"journal-{region or 'toutes-regions'}-{today.isoformat()}")
        sites = {site.finess: site for site in ctx.repo.sites(region)}
        entries = [
            entry
            for finess in sites
            for kind in EntryKind
            for entry in ctx.repo.entries(finess, kind, active_only=False)
        ]
        region_name = ctx.params.regions[region].name if region else None
        sheet = log_sheet(entries, sites, drawn_up=today, region_name=region_name)
        if _format(args) == "csv":
            return _write_csv(sheet, args.out, session)
        return _write_xlsx([sheet], args.out, session)

    return _with_context(work, session)


# ---- plumbing ---------------------------------------------------------------------------------------------


def _with_context(work: Callable[[Context, date], str], session: Session) -> int:
    """Run an export on the session's Context (under its lock: one command at a time touches the store)."""
    ctx = session.ctx
    try:
        with ctx.lock:
            written = work(ctx, session.settings.now().date())
    except UserError as error:
        print(text(error.key, **error.params), file=session.err)
        return 1
    if written != "-":
        print(text("reports.cli.written", path=written), file=session.out)
    return 0


def _site(ctx: Context, raw: str) -> str:
    finess = parse_finess(raw, "site")
    if ctx.repo.site(finess) is None:
        raise UserError("reports.error.site_unknown", finess=finess)
    return finess


def _default_out(args: argparse.Namespace, stem: str) -> None:
    """No `--out`: a file in the current directory named for whose it is (format from --format, else xlsx)."""
    if args.out is None:
        args.out = f"{stem}.{args.format or 'xlsx'}"


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    if args.out == "-":
        return "md" if getattr(args, "kind", None) else "csv"
    raise UserError("reports.cli.format", value=suffix or args.out)


def _write_text(content: str, out: str, session: Session) -> str:
    if out == "-":
        session.out.write(content)
        return "-"
    return str(write_text(content, session.path(out)))


def _write_csv(sheet: Sheet, out: str, session: Session) -> str:
    if out == "-":
        session.out.write(csv_text(sheet))
        return "-"
    return str(write_csv(sheet, session.path(out)))


def _write_xlsx(sheets: list[Sheet], out: str, session: Session) -> str:
    if out == "-":
        raise UserError("reports.cli.xlsx_stdout")
    return str(write_xlsx(sheets, session.path(out)))
