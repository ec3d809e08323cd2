"""THE durability test: kill -9 a writing process at random instants, many times; every acknowledged write
must be there afterwards, every batch all-or-nothing, and the audit journal exactly matches the data."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from store import audit as audit_journal
from store.engine import Database

WRITER = Path(__file__).with_name("crash_writer.py")
ROUNDS = 30


def _kill_at_random(path: Path, seed: int, rng: random.Random, compact_min_bytes: int) -> list[str]:
    """Run the writer, SIGKILL it at a random instant, return the lines it printed."""
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(seed), str(compact_min_bytes)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stderr is not None
    try:
        if seed % 5 == 0:
            # Sometimes die while opening: loading, trimming a torn tail, repairing the audit journal.
            time.sleep(rng.uniform(0.0, 0.15))
        else:
            first = child.stdout.readline()
            assert first == "ready\n", f"writer failed to start: {first!r} {child.stderr.read()}"
            time.sleep(rng.uniform(0.02, 0.3))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, f"writer died on its own: {err}"
    return out.splitlines()


def _check(path: Path, acks: list[list[str]]) -> None:
    with Database.open(path, schema_version=1) as db:
        docs = db.table("docs").all()
        counters = db.table("counter").all()
    by_n: dict[int, list[dict[str, Any]]] = {}
    for doc in docs:
        by_n.setdefault(int(doc["n"]), []).append(doc)
    by_id = {doc["_id"]: doc for doc in docs}
    for ack in acks:
        kind = ack[0]
        if kind in ("single", "plain"):
            found = by_n.get(int(ack[1]), [])
            assert [d["kind"] for d in found] == [kind], f"acknowledged {ack} lost: {found}"
        elif kind == "batch":
            assert len(by_n.get(int(ack[1]), [])) == 3, f"acknowledged batch {ack} lost"
        else:
            doc_id, n = int(ack[1]), int(ack[2])
            # A later (maybe unacknowledged) update may have overwritten it, never an earlier value.
            assert int(by_id[doc_id].get("v", 0)) >= n, f"acknowledged update {ack} lost"
    # All or nothing: a batch present at all is present whole, with its counter update.
    batches = {n: group for n, group in by_n.items() if group[0]["kind"] == "batch"}
    for n, group in batches.items():
        assert sorted(d["part"] for d in group) == [0, 1, 2], f"half a batch {n}: {group}"
    for n, group in by_n.items():
        if group[0]["kind"] != "batch":
            assert len(group) == 1, f"write {n} applied twice"
    assert len(counters) <= 1  # none if the first writer died before creating it
    assert [c["last_batch"] for c in counters] == ([max(batches, default=0)] if counters else [])
    assert counters or not batches
    # The audit journal holds exactly the audited writes that are in the data: no loss, no duplicate.
    entries = list(audit_journal.read(path.with_name(path.name + ".audit.jsonl")))
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    audited = Counter(int(e["detail"]["n"]) for e in entries)
    stored = {n for n, group in by_n.items() if group[0]["kind"] in ("single", "batch")}
    assert set(audited) == stored
    assert all(count == 1 for count in audited.values())


@pytest.mark.timeout(120)
def test_sigkill_at_random_instants_loses_no_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("CRASH_SEED", "50")))
    path = tmp_path / "crash.json"
    acks: list[list[str]] = []
    for round_ in range(ROUNDS):
        # Half the rounds compact every few writes, so kills also land inside compactions.
        compact_min_bytes = 1500 if round_ % 2 else 4 * 1024 * 1024
        lines = _kill_at_random(path, round_, rng, compact_min_bytes)
        acks.extend(line.split()[1:] for line in lines if line.startswith("ack "))
        _check(path, acks)
    assert len(acks) > 200, "the writer barely wrote; the test proves nothing"
