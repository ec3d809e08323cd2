"""Benchmark compute_forfaits on 100,000 administrations (prints figures; no assertion).

Run: .venv/bin/python scripts/bench_forfaits.py
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from rules import AdministrationRecord, ReferralRecord, compute_forfaits, load_parameters


def main() -> None:
    params = load_parameters()
    rng = random.Random(50)
    start = date(2025, 9, 1)
    referrals = [
        ReferralRecord(
            f"P{i:05d}", f"S{i % 10}", start + timedelta(days=rng.randrange(200)), rng.random() > 0.05
        )
        for i in range(4000)
    ]
    # 25 administration records per patient, at the referring site, spread over the months after referral.
    administrations = [
        AdministrationRecord(
            r.patient, r.site, r.on + timedelta(days=rng.randrange(0, 700)), oral=rng.random() < 0.02
        )
        for r in referrals
        for _ in range(25)
    ]
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        statement = compute_forfaits(referrals, administrations, params)
        best = min(best, time.perf_counter() - t0)
    counts = f"{len(administrations)} administrations, {len(referrals)} referrals"
    print(f"{counts} -> {len(statement.lines)} lines")
    print(f"total {statement.total()} EUR; best of 5: {best * 1000:.1f} ms")


if __name__ == "__main__":
    main()
