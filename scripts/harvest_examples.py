"""Write the example phrasings of the knowledge entries from the *seen* question tables.

.venv/bin/python scripts/harvest_examples.py      (rewrites rules/data/knowledge/examples.yaml)

A question of a seen table becomes an example of the entry that answers it, when the answer is judged correct
and comes from one entry alone; a question whose right answer is a hand-over (out of scope, data we do not
hold) becomes a hand-over example. Only the seen tables are read: a set not yet measured never is. A command's
entry (generated from the registry) keeps the examples its help gives.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from handlers.questions.command_entries import FILE as COMMANDS_FILE
from handlers.questions.knowledge import KNOWLEDGE_DIR, load_knowledge
from handlers.reply import Status
from tests.support.question_probe import SEEN_FILES, expected_statuses, judge, load_probe

HEADER = """# Example phrasings of the knowledge entries, harvested from the seen question tables by
# scripts/harvest_examples.py (a question answered correctly by one entry is an example of it; a question
# whose right answer is a hand-over is a hand-over example). The retrieval vote
# (handlers/questions/retrieval.py) searches them. Regenerate after changing the tables; an entry may also
# list its own `examples:`.
"""


def _one_line(text: str) -> str:
    return " ".join(text.split())[:400]


def main() -> None:
    examples: dict[str, list[str]] = {}
    handover: list[str] = []
    generated = {e.id for e in load_knowledge().entries if e.file == COMMANDS_FILE}
    for path in SEEN_FILES:
        for case in load_probe(path):
            verdict = judge(case)
            if verdict.kind != "correct":
                continue
            question = _one_line(str(case["q"]))
            if expected_statuses(case) == {Status.UNKNOWN}:
                handover.append(question)
                continue
            topics = verdict.reply.data.get("topics")
            if verdict.reply.status == Status.UNKNOWN or not isinstance(topics, list) or len(topics) != 1:
                continue
            if str(topics[0]) in generated:
                continue  # a command's entry takes its examples from the registry's help, not from data
            examples.setdefault(str(topics[0]), []).append(question)
    by_entry = {k: sorted(set(v)) for k, v in sorted(examples.items())}
    doc = {"examples": by_entry, "handover_examples": sorted(set(handover))}
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=200)
    (KNOWLEDGE_DIR / "examples.yaml").write_text(HEADER + "\n" + body, encoding="utf-8")
    count = sum(len(v) for v in by_entry.values())
    print(f"{count} examples for {len(examples)} entries, {len(handover)} hand-over examples")


if __name__ == "__main__":
    main()
