"""Child process of the crash test: writes to a database in a loop until it is killed.

Usage: crash_writer.py DB_PATH SEED COMPACT_MIN_BYTES

Prints "ready" once the database is open, then one line per acknowledged write, flushed only AFTER the
engine call returned (so a printed ack is a promise the parent can check after a SIGKILL):
  ack single N          insert {"n": N, "kind": "single"} with its audit entry, in one batch
  ack plain N           insert {"n": N, "kind": "plain"}, no batch, no audit
  ack update ID N       update of document ID setting "v" to N (no batch)
  ack batch N           three inserts {"n": N, "kind": "batch", "part": 0..2}, the counter document's
                        "last_batch" set to N and an audit entry, in one batch
N grows by one per write, across restarts (it continues from the largest N stored).
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime

from store.engine import Database

AT = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def main() -> None:
    path, seed, compact_min_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    db = Database.open(path, schema_version=1, compact_min_bytes=compact_min_bytes, compact_ratio=0.0)
    docs = db.table("docs")
    docs.ensure_index("n")
    counter = db.table("counter")
    if not len(counter):
        counter.insert({"last_batch": 0})
    counter_id = counter.all()[0]["_id"]
    existing = [doc["_id"] for doc in docs.all()]
    n = max((doc["n"] for doc in docs.all()), default=0)
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    while True:
        n += 1
        roll = rng.random()
        if roll < 0.35:
            with db.batch():
                existing.append(docs.insert({"n": n, "kind": "single", "pad": "x" * rng.randint(0, 300)}))
                db.audit(actor="writer", channel="test", action="single", detail={"n": n}, at=AT)
            out.write(f"ack single {n}\n")
        elif roll < 0.5:
            existing.append(docs.insert({"n": n, "kind": "plain"}))
            out.write(f"ack plain {n}\n")
        elif roll < 0.75 and existing:
            doc_id = rng.choice(existing)
            docs.update(doc_id, {"v": n})
            out.write(f"ack update {doc_id} {n}\n")
        else:
            with db.batch():
                for part in range(3):
                    existing.append(docs.insert({"n": n, "kind": "batch", "part": part}))
                counter.update(counter_id, {"last_batch": n})
                db.audit(actor="writer", channel="test", action="batch", detail={"n": n}, at=AT)
            out.write(f"ack batch {n}\n")
        out.flush()


if __name__ == "__main__":
    main()
