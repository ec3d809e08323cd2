"""Print how the free-text answerer does on a question table: acceptable (correct, or a rightful hand-over),
needless hand-overs, wrong answers (and how many were confident), and the time per answer (p50 / p99).

.venv/bin/python scripts/probe_questions.py [-v] [--rescue on|off] [table.yaml ...]
(default: tests/handlers/questions_probe.yaml; several tables are scored together)

`--rescue` switches the retrieval vote's rescue (handlers/questions/__init__.py RESCUE) for this run only: the
way a never-tuned set decides whether it is switched on.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import handlers.questions as questions
from handlers.reply import Status
from tests.support.question_probe import judge, load_probe, one_click, summary


def main() -> None:
    args = sys.argv[1:]
    verbose = "-v" in args
    if "--rescue" in args:
        questions.RESCUE = args[args.index("--rescue") + 1] == "on"
        args = [a for i, a in enumerate(args) if a != "--rescue" and (i == 0 or args[i - 1] != "--rescue")]
    files = [Path(a) for a in args if not a.startswith("-")]
    cases = [c for f in files for c in load_probe(f)] if files else load_probe()
    questions.preload()
    verdicts = []
    times: list[float] = []
    for case in cases:
        started = time.perf_counter()
        verdicts.append(judge(case))
        times.append((time.perf_counter() - started) * 1000)
    counts = summary(verdicts)
    confident = sum(
        1
        for v in verdicts
        if v.kind == "wrong" and v.reply.status in (Status.OK, Status.WARNING) and not v.reply.needs_human
    )
    p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]
    total = len(cases)
    print(
        f"{total} questions (rescue {'on' if questions.RESCUE else 'off'}): acceptable {counts['correct']}/"
        f"{total} ({100 * counts['correct'] / total:.1f} %), wrong {counts['wrong']} "
        f"(confident {confident}); ms per answer p50 {statistics.median(times):.1f}, p99 {p99:.1f}, "
        f"max {max(times):.1f}"
    )
    clicks = sum(one_click(case, v) for case, v in zip(cases, verdicts, strict=True))
    print(
        f"correct {counts['correct']}, handed over although answerable {counts['handed_over']} "
        f"(of which {clicks} one click away: a reading offered answers it), "
        f"wrong {counts['wrong']}, incomplete {counts['incomplete']}, other status {counts['mismatch']}"
    )
    for case, verdict in zip(cases, verdicts, strict=True):
        if verdict.kind != "correct":
            q = " ".join(str(case["q"]).split())[:110]
            print(
                f"[{verdict.kind}] {q}\n    {'; '.join(verdict.problems)}"
                f" topics={verdict.reply.data.get('topics')} offered={verdict.reply.data.get('suggestions')}"
            )
            if verbose:
                for line in verdict.reply.body:
                    print(f"      | {line[:160]}")


if __name__ == "__main__":
    main()
