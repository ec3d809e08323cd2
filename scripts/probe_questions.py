"""Print how the free-text answerer does on the probe table: correct, handed over although answerable, wrong.

.venv/bin/python scripts/probe_questions.py [-v] [table.yaml]   (default: tests/handlers/questions_probe.yaml)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.question_probe import judge, load_probe, summary


def main() -> None:
    verbose = "-v" in sys.argv
    files = [Path(a) for a in sys.argv[1:] if not a.startswith("-")]
    cases = load_probe(files[0]) if files else load_probe()
    started = time.perf_counter()
    verdicts = [judge(case) for case in cases]
    elapsed = (time.perf_counter() - started) / len(cases) * 1000
    counts = summary(verdicts)
    wrong_ok = sum(1 for v in verdicts if v.kind == "wrong" and v.reply.status.value == "ok")
    print(f"{len(cases)} questions, {elapsed:.1f} ms per answer")
    print(
        f"correct {counts['correct']}, handed over although answerable {counts['handed_over']}, "
        f"wrong {counts['wrong']} (of which confident OK {wrong_ok}), incomplete {counts['incomplete']}, "
        f"other status {counts['mismatch']}"
    )
    for case, verdict in zip(cases, verdicts, strict=True):
        if verdict.kind != "correct" and (verbose or verdict.kind != "correct"):
            q = " ".join(str(case["q"]).split())[:90]
            print(
                f"[{verdict.kind}] {q}\n    {'; '.join(verdict.problems)}"
                f" topics={verdict.reply.data.get('topics')}"
            )
            if verbose:
                for line in verdict.reply.body:
                    print(f"      | {line[:160]}")


if __name__ == "__main__":
    main()
