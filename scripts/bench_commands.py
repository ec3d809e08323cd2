"""Benchmark of the command language on a synthetic region (prints figures; never a timed test).

A region of 10 sites, 10,000 patients and 100,000 home administrations over three years is written into a
fresh database (in one engine batch, to build it quickly), then measured in-process through `dispatch`, as a
user's command runs:

- one more `administration` (a durable write: journal append + fsync) with 1,000 and with 100,000
  administrations stored: median, p99 and the ratio of the medians;
- a one-site read (`patients site=…`, `forfaits AAAA site=…`) and a whole-region read (`forfaits`, `bilan` for
  an ARS agent): first call after a write to every site (cold) and repeated calls (warm).

    .venv/bin/python scripts/bench_commands.py            # the full figures (about a minute)
    .venv/bin/python scripts/bench_commands.py --scale 0.1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.reply import Request
from rules.parameters import load_parameters
from store.records import Entry, EntryKind
from store.repository import Origin, Repository

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2028, 1, 20, 10, 0, tzinfo=PARIS)
SITES = [f"99{n:07d}" for n in range(10)]
HAD = "990999999"
ARS = "agent@ars.example.invalid"


def run(ctx: Context, text: str, member: str | None = None) -> None:
    reply = dispatch(Request(member or ctx.operator_id, text, "cli", NOW), ctx)
    if not reply.ok:
        raise SystemExit(f"benchmark command refused: {text!r}: {reply.title}")


def build(path: Path, patients: int, administrations: int) -> Context:
    ctx = Context(Repository.open(path), load_parameters())
    for finess in SITES:
        run(ctx, f'etablissement ajouter {finess} nom="BENCH {finess}" region=normandie categorie=a '
                 "selection=2025-07-15")  # fmt: skip
    run(ctx, f'had ajouter {HAD} nom="BENCH HAD" communes=99001 moins-de-3-ans=non')
    for finess in SITES:
        run(ctx, f"convention {finess} {HAD} date=2025-03-01")
    run(ctx, f"membre ajouter {ARS} role=ars region=normandie")
    origin = Origin("bench", "cli", NOW)
    per_patient = max(1, administrations // patients)
    blank = datetime.min.replace(tzinfo=UTC)
    with ctx.repo.database.batch():
        for index in range(patients):
            site = SITES[index % len(SITES)]
            code = f"P{index:06d}"
            referred = date(2025, 8, 1) + timedelta(days=index % 700)
            ctx.repo.add_entry(
                Entry(EntryKind.REFERRAL, "", site, code, referred, "", "", blank, had=HAD, commune="99001",
                      under_3=False), origin)  # fmt: skip
            for step in range(per_patient):
                day = referred + timedelta(days=3 + 20 * step)
                if day > NOW.date():
                    day = referred + timedelta(days=step % 3)
                ctx.repo.add_entry(
                    Entry(EntryKind.ADMINISTRATION, "", site, code, day, "", "", blank), origin
                )
    return ctx


def timed(action: Callable[[], None], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def measure_writes(ctx: Context, count: int) -> list[float]:
    # New administrations of existing patients on days not yet logged (no duplicate short-cut).
    times = []
    for n in range(count):
        index = n % 100  # patient n lives at SITES[n % 10]; the small region has 100 patients
        site, code = SITES[index % len(SITES)], f"P{index:06d}"
        patient = ctx.repo.patient(site, code)
        assert patient is not None
        day = patient.referrals[0].on + timedelta(days=1)
        while ctx.repo.same_entry(EntryKind.ADMINISTRATION, site, code, day.isoformat()):
            day += timedelta(days=1)
        times += timed(partial(run, ctx, f"administration {code} {day.isoformat()} site={site}"), 1)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full region (default 1)")
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--dir", default=None, help="where the databases are written (default: the temp dir)")
    args = parser.parse_args()
    patients_big = int(10_000 * args.scale)
    admins_big = int(100_000 * args.scale)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        print(f"databases in {tmp} (writes are fsynced: the figures depend on this disk)")
        small = build(Path(tmp) / "small.json", 100, 1_000)
        small_writes = measure_writes(small, args.writes)
        small.repo.close()
        start = time.perf_counter()
        big = build(Path(tmp) / "big.json", patients_big, admins_big)
        built = time.perf_counter() - start
        big_writes = measure_writes(big, args.writes)
        stored = sum(len(big.repo.entries(s, EntryKind.ADMINISTRATION)) for s in SITES)
        patients = sum(len(big.repo.patients(s)) for s in SITES)
        print(f"region: {len(SITES)} sites, {patients} patients, {stored} administrations")
        print(f"(built in {built:.1f} s)")
        print()
        print("one more `administration` (durable write), ms:")
        for label, values in (("1,000 stored", small_writes), (f"{stored:,} stored", big_writes)):
            median = statistics.median(values)
            print(f"  {label:>18}: median {median:6.2f}  p99 {p99(values):6.2f}  (n={len(values)})")
        print(f"  ratio of medians: {statistics.median(big_writes) / statistics.median(small_writes):.2f}")
        print()
        site = SITES[3]
        reads = {
            "patients site=…": (f"patients site={site}", None),
            "forfaits 2026 site=…": (f"forfaits 2026 site={site}", None),
            "forfaits 2026 (ARS, region)": ("forfaits 2026", ARS),
            "bilan 2026 (ARS, region)": ("bilan 2026", ARS),
        }
        print("reads, ms: first = first call after opening (nothing memoised); after write = after one new")
        print("administration at the site read (or at one site of the region); warm = median of 20 calls")
        for label, (command, member) in reads.items():
            big.repo.forget_derived()
            first = timed(partial(run, big, command, member), 1)[0]
            after = []
            for n in range(10):
                patient = big.repo.patients(site)[n]
                day = patient.referrals[0].on + timedelta(days=1)
                while big.repo.same_entry(EntryKind.ADMINISTRATION, site, patient.code, day.isoformat()):
                    day += timedelta(days=1)
                run(big, f"administration {patient.code} {day.isoformat()} site={site}")
                after += timed(partial(run, big, command, member), 1)
            warm = statistics.median(timed(partial(run, big, command, member), 20))
            print(
                f"  {label:>28}: first {first:7.1f}  after write {statistics.median(after):6.1f}"
                f"  warm {warm:6.1f}"
            )
        big.repo.close()


if __name__ == "__main__":
    main()
