"""Benchmark of the storage engine at a region's scale (prints figures; asserts nothing).

Builds two synthetic databases with pseudonymous codes only — small: 1,000 administrations and 100
patients; big: 100,000 administrations and 10,000 patients over ten sites and three years — and measures:
the cost of one more write (insert + its audit entry, one durable batch: median, p99, mean), one site's
administrations (indexed find), the whole region (all administrations and patients), opening/loading, and
a compaction (whose cost is amortised over the writes it takes to trigger one).

Usage: python scripts/bench_store.py [--dir DIR] [--writes N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from store.engine import DEFAULT_COMPACT_RATIO, Database

SITES = [f"ETAB{n:02d}" for n in range(1, 11)]
START = date(2025, 2, 6)
AT = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


def _patient(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "code": f"P{n:06d}",
        "site": SITES[n % len(SITES)],
        "had": f"HAD{rng.randint(1, 30):02d}",
        "referred_on": (START + timedelta(days=rng.randint(0, 1000))).isoformat(),
        "created_by": f"U{rng.randint(1, 50):04d}",
    }


def _administration(rng: random.Random, n: int, patients: int) -> dict[str, Any]:
    day = START + timedelta(days=rng.randint(0, 1094))
    patient = rng.randrange(patients)
    return {
        "ref": f"M-{n:07d}",
        "site": SITES[patient % len(SITES)],
        "patient": f"P{patient:06d}",
        "month": day.strftime("%Y-%m"),
        "date": day.isoformat(),
        "first_month": rng.random() < 0.1,
        "amount": "120.00",
        "channel": rng.choice(["slack", "mail", "console"]),
        "recorded_by": f"U{rng.randint(1, 50):04d}",
        "recorded_at": AT.isoformat(),
    }


def _indexes(db: Database) -> None:
    db.table("administrations").ensure_index("site")
    db.table("administrations").ensure_index("patient")
    db.table("administrations").ensure_index("ref")
    db.table("patients").ensure_index("site")
    db.table("patients").ensure_index("code")


def _build(path: Path, administrations: int, patients: int) -> None:
    rng = random.Random(50)
    with Database.open(path, schema_version=1) as db:
        for start in range(0, patients, 1000):
            with db.batch():
                for n in range(start, min(start + 1000, patients)):
                    db.table("patients").insert(_patient(rng, n))
        for start in range(0, administrations, 1000):
            with db.batch():
                for n in range(start, min(start + 1000, administrations)):
                    db.table("administrations").insert(_administration(rng, n, patients))


def _times(action: Callable[[], object], repeat: int) -> list[float]:
    spent = []
    for _ in range(repeat):
        begin = time.perf_counter()
        action()
        spent.append((time.perf_counter() - begin) * 1000)
    return spent


def _p99(values: list[float]) -> float:
    return sorted(values)[max(0, round(len(values) * 0.99) - 1)]


def _measure(path: Path, administrations: int, patients: int, writes: int) -> dict[str, float]:
    _build(path, administrations, patients)
    figures: dict[str, float] = {}
    begin = time.perf_counter()
    db = Database.open(path, schema_version=1)
    _indexes(db)
    figures["open (load + indexes) ms"] = (time.perf_counter() - begin) * 1000
    figures["snapshot MB"] = path.stat().st_size / 1e6
    rng = random.Random(7)
    adm = db.table("administrations")
    counter = iter(range(administrations, administrations + writes))

    def one_write() -> None:
        n = next(counter)
        with db.batch():
            adm.insert(_administration(rng, n, patients))
            db.audit(actor="U0001", channel="console", action="adm.add", detail={"ref": f"M-{n:07d}"}, at=AT)

    wal_before = db._wal_size  # bench only: the journal bytes one write adds
    spent = _times(one_write, writes)
    record_bytes = (db._wal_size - wal_before) / writes
    figures["write median ms"] = statistics.median(spent)
    figures["write p99 ms"] = _p99(spent)
    figures["write mean ms"] = statistics.fmean(spent)
    compaction = _times(db.compact, 3)
    figures["compaction ms"] = statistics.median(compaction)
    # A compaction runs once the journal exceeds ratio x snapshot bytes, i.e. every that many writes.
    every = max(1.0, DEFAULT_COMPACT_RATIO * path.stat().st_size / record_bytes)
    figures["write amortised ms"] = figures["write mean ms"] + figures["compaction ms"] / every
    one_site = _times(lambda: adm.find(site="ETAB03"), 30)
    figures["one-site read ms (median)"] = statistics.median(one_site)
    figures["one-site read ms (max)"] = max(one_site)
    figures["one-site rows"] = len(adm.find(site="ETAB03"))
    region = _times(lambda: (adm.all(), db.table("patients").all()), 10)
    figures["whole-region read ms (median)"] = statistics.median(region)
    figures["whole-region read ms (max)"] = max(region)
    figures["one-patient read ms (median)"] = statistics.median(
        _times(lambda: adm.find(patient="P000123"), 200)
    )
    db.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dir", type=Path, default=None, help="where to build (default: a temp dir)")
    parser.add_argument("--writes", type=int, default=300, help="writes measured at each size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as work:
        small = _measure(Path(work) / "small.json", 1_000, 100, args.writes)
        big = _measure(Path(work) / "big.json", 100_000, 10_000, args.writes)
    print(f"{'figure':34} {'1k adm':>10} {'100k adm':>10} {'ratio':>7}")
    for name in small:
        ratio = big[name] / small[name] if small[name] else float("nan")
        print(f"{name:34} {small[name]:10.2f} {big[name]:10.2f} {ratio:7.2f}")
    print()
    verdicts = [
        ("one more write (median) <= 2x", big["write median ms"] <= 2 * small["write median ms"]),
        ("one more write (amortised) <= 2x", big["write amortised ms"] <= 2 * small["write amortised ms"]),
        ("one-site read < 50 ms", big["one-site read ms (max)"] < 50),
        ("whole-region read < 250 ms", big["whole-region read ms (max)"] < 250),
    ]
    for label, ok in verdicts:
        print(f"{'OK ' if ok else 'NO '} {label}")


if __name__ == "__main__":
    main()
