"""Print the timeline reader's time on hostile inputs of 25 KB and 100 KB (handlers/questions/timeline.py):
a linear reader takes about 4 times as long on 4 times the text.

.venv/bin/python scripts/bench_timeline.py
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handlers.questions.timeline import read

CHUNKS = (
    "janvier 2026, fevrier rien, 3 mars, sauf avril, de mai a juin, 12/07, pause, ",
    "mois 1 : 320, ",
    "decembre ",
    "janv, pause, fev, ",
    "patient b inclus en mars 2026 puis injections avril, ",
)


def main() -> None:
    today = date(2026, 11, 24)
    for chunk in CHUNKS:
        timings = []
        for size in (25_000, 100_000):
            text = chunk * (size // len(chunk))
            started = time.perf_counter()
            read(text, today)
            timings.append(time.perf_counter() - started)
        print(
            f"{chunk[:30]!r:34} 25 KB {timings[0] * 1000:7.1f} ms   100 KB {timings[1] * 1000:7.1f} ms   "
            f"ratio {timings[1] / timings[0]:.1f}"
        )


if __name__ == "__main__":
    main()
