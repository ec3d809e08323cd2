"""The README's Python example of the rules runs as printed and gives the results its comments claim."""

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_rules_example_in_the_readme_runs_and_says_what_it_claims() -> None:
    section = README.read_text(encoding="utf-8").split("## The rules (`rules/`)", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code, "the rules section has no Python example"
    lines = code.group(1).splitlines()
    namespace: dict[str, Any] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)
    # The lines whose comments state a result are evaluated again, without their comment.
    for start, expected in {"check_establishment(": "no", "check_referral(": "no"}.items():
        [line] = [line for line in lines if line.startswith(start)]
        assert str(eval(line.split("#")[0], namespace)) == expected
    first = next(i for i, line in enumerate(lines) if line.startswith("compute_forfaits("))
    last = next(i for i, line in enumerate(lines) if i >= first and ".total()" in line)
    expression = "\n".join(lines[first : last + 1]).split("#")[0]
    assert str(eval(expression, namespace)) == "560.00"
