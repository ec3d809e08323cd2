"""Benchmark of the control socket (prints figures; never a timed test).

On the synthetic region of scripts/bench_commands.py (10 sites, 10,000 patients, 100,000 administrations:
a 26 MB snapshot), one more `administration` is logged three ways, each a fresh patient-day:

- one-shot: `expe50 cmd …` as a process when no bot runs: it opens the database (load + replay), writes,
  closes (no compaction of the big snapshot for a small journal since #10);
- socket: `expe50 cmd …` as a process while `expe50 run` holds the database: the light client forwards the
  command line, the bot runs it on its live Context;
- in-process: `dispatch` on an open Context (the floor: what the bot itself spends).

    .venv/bin/python scripts/bench_control.py            # about two minutes
    .venv/bin/python scripts/bench_control.py --scale 0.1 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_commands import NOW, SITES, build, run  # noqa: E402

from bot.control.protocol import socket_path  # noqa: E402
from store.records import EntryKind  # noqa: E402

Triple = tuple[str, str, str]  # (site, patient code, day)


def free_days(path: Path, patients: int, count: int) -> list[Triple]:
    """Patient-days with no administration yet (each write below is a real new entry)."""
    from handlers.context import Context
    from rules.parameters import load_parameters
    from store.repository import Repository

    ctx = Context(Repository.open(path), load_parameters())
    found: list[Triple] = []
    try:
        for index in range(patients):
            site, code = SITES[index % len(SITES)], f"P{index:06d}"
            patient = ctx.repo.patient(site, code)
            if patient is None:
                continue
            day = patient.referrals[0].on + timedelta(days=1)
            if day <= NOW.date() and not ctx.repo.same_entry(
                EntryKind.ADMINISTRATION, site, code, day.isoformat()
            ):
                found.append((site, code, day.isoformat()))
            if len(found) == count:
                break
    finally:
        ctx.repo.close()
    return found


def command(triple: Triple) -> str:
    site, code, day = triple
    return f"administration {code} {day} site={site}"


def environment(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    env.update({"EXPE50_DB": str(db), "EXPE50_NOW": NOW.isoformat(), "PYTHONPATH": str(ROOT)})
    return env


def cli_times(db: Path, triples: list[Triple], cwd: Path) -> list[float]:
    times = []
    for triple in triples:
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "cmd", command(triple)],
            cwd=cwd, env=environment(db), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        times.append((time.perf_counter() - start) * 1000)
        if done.returncode != 0:
            raise SystemExit(f"refused: {command(triple)}: {done.stdout}{done.stderr}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 administrations")
    parser.add_argument("--repeat", type=int, default=10)
    options = parser.parse_args()
    patients, administrations = int(10_000 * options.scale), int(100_000 * options.scale)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = work / "bench.json"
        build(db, patients, administrations).repo.close()
        size = db.stat().st_size / 1e6
        triples = free_days(db, patients, 3 * options.repeat)
        one_shot, socket_, in_process = (
            triples[: options.repeat],
            triples[options.repeat : 2 * options.repeat],
            triples[2 * options.repeat :],
        )
        print(
            f"region: {administrations:,} administrations, snapshot {size:.1f} MB; "
            f"{options.repeat} writes each"
        )

        oneshot_ms = cli_times(db, one_shot, work)

        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"], cwd=work, env=environment(db),
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 120
            while not socket_path(db).exists():
                if time.monotonic() > deadline or bot.poll() is not None:
                    raise SystemExit("the bot did not start")
                time.sleep(0.1)
            # The bot computes the forfaits and loads the question lexicons once at start (CPU in its
            # process): wait until a trivial command answers fast before measuring.
            for _ in range(60):
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "bot.cli", "cmd", "aide"],
                    cwd=work,
                    env=environment(db),
                    capture_output=True,
                    timeout=120,
                )
                if time.perf_counter() - start < 0.15:
                    break
                time.sleep(0.5)
            socket_ms = cli_times(db, socket_, work)
        finally:
            bot.terminate()
            bot.wait(30)

        from handlers.context import Context
        from rules.parameters import load_parameters
        from store.repository import Repository

        ctx = Context(Repository.open(db), load_parameters())
        try:
            inproc_ms = []
            for triple in in_process:
                start = time.perf_counter()
                run(ctx, command(triple))
                inproc_ms.append((time.perf_counter() - start) * 1000)
        finally:
            ctx.repo.close()

    one, sock, inproc = (statistics.median(v) for v in (oneshot_ms, socket_ms, inproc_ms))
    print("socket writes (ms):", " ".join(f"{v:.0f}" for v in socket_ms))
    print(f"one-shot write (process, opens the db) median {one:8.1f} ms")
    print(f"socket write   (process, bot running)  median {sock:8.1f} ms")
    print(f"in-process dispatch write              median {inproc:8.1f} ms")
    print(f"ratios: one-shot / socket = {one / sock:.1f}x; socket / in-process = {sock / inproc:.1f}x")


if __name__ == "__main__":
    main()
