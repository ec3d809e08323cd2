"""Benchmark of `expe50 import` at the goal's scale: 100,000 rows in under 30 s (prints figures; asserts
nothing).

Builds a region (three sites, one HAD, conventions), generates a history of about N rows (referrals,
administrations by day or by month with a count, ends of care) written as CSV (cp1252, `;`, decimal comma)
and as XLSX, and times, in one process and one run: reading the file, checking and writing every row through
the command handlers (one durable write), a dry run, and re-importing the same file (nothing added).

Usage: python scripts/bench_import.py [--rows N] [--dir DIR] [--skip-xlsx]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.import_files import read_table
from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.imports import Sheet, import_sheets
from handlers.reply import Request
from rules.month import Month
from rules.parameters import load_parameters
from store.repository import Repository
from tests.support.history import generate, write_csv, write_xlsx

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
SITES = ["760780239", "760000196", "760000204"]
HAD = "760024042"
SETUP = [
    *(
        f'etablissement ajouter {s} nom="Site {i}" region=normandie categorie=a selection=2025-05-15'
        for i, s in enumerate(SITES)
    ),
    f'had ajouter {HAD} nom="HAD" communes=76540 moins-de-3-ans=non',
    *(f"convention {s} {HAD} date=2025-03-01" for s in SITES),
]


def _context(path: Path) -> Context:
    ctx = Context(Repository.open(path), load_parameters())
    for line in SETUP:
        assert dispatch(Request(None, line, "cli", NOW), ctx).ok, line
    return ctx


def _time(label: str, run: Callable[[], object]) -> float:
    """Wall time (what a user waits) and this process's CPU time (what the import costs on an idle core: the
    machine is shared, so the two differ when other work runs)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<44} {wall:7.2f} s wall {cpu:7.2f} s cpu   {result if result is not None else ''}")
    return wall


def bench(kind: str, file: Path, rows: int, workdir: Path) -> None:
    print(f"{kind}: {file.stat().st_size / 1e6:.1f} MB, {rows} rows")
    sheets: list[list[Sheet]] = []

    def read_file() -> None:
        sheets.append(read_table(file))

    read = _time("read the file", read_file)
    ctx = _context(workdir / f"{kind}.json")

    def run(dry: bool) -> str:
        out = import_sheets(
            ctx,
            sheets[0],
            file_name=file.name,
            member_id=None,
            channel="cli",
            now=NOW,
            dry_run=dry,
        )
        return f"added={out.added} already={out.already} refused={len(out.problems)} written={out.written}"

    dry = _time("dry run (check every row, write nothing)", lambda: run(True))
    write = _time("import (check + one durable write)", lambda: run(False))
    again = _time("re-import (nothing added)", lambda: run(False))
    close = _time("close (compaction)", lambda: ctx.repo.close())
    per_row = (read + write) / rows * 1e6
    print(
        f"  read + import: {read + write:.2f} s wall = {per_row:.0f} µs/row; dry/import {dry / write:.2f}, "
    )
    print(f"  re-import/import {again / write:.2f}, close {close:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--skip-xlsx", action="store_true")
    args = parser.parse_args()
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="bench-import-"))
    per_site = max(1, args.rows // (len(SITES) * 8))  # about 8 rows per patient
    history = generate(
        SITES, HAD, "76540", patients_per_site=per_site, first=Month(2025, 6), last=Month(2026, 11)
    )
    print(f"{len(history)} rows generated ({per_site} patients per site, 3 sites, June 2025 – November 2026)")
    bench("csv", write_csv(history, workdir / "history.csv"), len(history), workdir)
    if not args.skip_xlsx:
        bench("xlsx", write_xlsx(history, workdir / "history.xlsx"), len(history), workdir)


if __name__ == "__main__":
    main()
