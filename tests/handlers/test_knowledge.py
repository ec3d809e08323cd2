"""Knowledge entries are data (rules/data/knowledge/*.yaml): strict loading, legal values generated from the
parameters, and every reference naming something."""

from __future__ import annotations

import argparse
import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

import handlers.commands  # noqa: F401  (fills the command registry)
from handlers.questions import answer_question
from handlers.questions.answer import COMPOSERS
from handlers.questions.knowledge import (
    KNOWLEDGE_DIR,
    KnowledgeError,
    check,
    expand,
    expanded,
    load_knowledge,
)
from handlers.questions.topics import compiled_topics
from handlers.registry import registry
from rules.parameters import load_parameters
from templates import has_text
from tests.support.question_probe import DEFAULT_NOW


def test_packaged_knowledge_names_only_what_exists() -> None:
    knowledge = load_knowledge()
    assert len(knowledge.entries) >= 60
    check(knowledge, load_parameters(), set(COMPOSERS), has_text, {spec.name for spec in registry.all()})


def test_no_legal_value_is_typed_as_a_cue() -> None:
    params = load_parameters()
    typed = {"320", "120", "360", "5 fevrier 2028", "fevrier 2028"}
    for entry in load_knowledge().entries:
        for spec in entry.cues:
            assert spec not in typed, f"{entry.id}: cue {spec!r} is a legal value typed by hand"
    assert "320" in expanded(params)["forfait_inclusion"][0]
    assert "5 fevrier 2028" in expanded(params)["dates_end"][0]


def test_cues_follow_the_parameters_when_the_law_changes() -> None:
    params = load_parameters()
    amount = dataclasses.replace(params.inclusion_amount, value=Decimal("350.00"))
    changed = dataclasses.replace(params, inclusion_amount=amount)
    cues = expanded(changed)["forfait_inclusion"][0]
    assert "350" in cues and "320" not in cues
    assert compiled_topics(changed) is not compiled_topics(params)


def test_a_placeholder_naming_nothing_is_refused() -> None:
    with pytest.raises(KnowledgeError, match=r"param.nothing"):
        expand("{param.nothing} euros", load_parameters(), "fee.yaml: x")


def _write(tmp_path: Path, body: str) -> Path:
    for source in KNOWLEDGE_DIR.glob("frames.yaml"):
        (tmp_path / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "extra.yaml").write_text(body, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("entries:\n  - cues: {a: 1}\n    answer: {composer: x}\n", "needs an `id`"),
        ("entries:\n  - id: a\n    cues: {a: 1}\n    answer: {composer: x}\n    colour: red\n", "colour"),
        ("entries:\n  - id: a\n    cues: {a: high}\n    answer: {composer: x}\n", "needs a number"),
        ("entries:\n  - id: a\n    cues: {a: 1}\n    answer: {}\n", "declares nothing"),
        ("entries:\n  - id: a\n    cues: {a: 1}\n    answer: {composer: x}\n    intents: [why]\n", "intent"),
        ("entries:\n  - id: a\n    cues: {a: 1}\n    answer: {composer: x}\n    supersedes: [zz]\n", "zz"),
        ("entries: [\n", "cannot read"),
    ],
)
def test_strict_loading_names_the_file_and_the_fault(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(KnowledgeError, match=message) as caught:
        load_knowledge(_write(tmp_path, body))
    assert "extra.yaml" in str(caught.value)


def test_a_declared_answer_cites_its_sources() -> None:
    reply = answer_question("le forfait mensuel c'est combien ?", DEFAULT_NOW)
    assert any("120,00" in line for line in reply.body)
    assert reply.reasons and all(r.source is not None for r in reply.reasons)


def test_questions_about_the_bot_are_answered_from_the_command_registry() -> None:
    reply = answer_question(
        "/expe50 forfaits me répond que j'ai pas les droits, je suis en saisie ??", DEFAULT_NOW
    )
    said = "\n".join(reply.body)
    spec = registry.get("forfaits", None)
    assert spec is not None and spec.roles is not None
    assert all(role.value in said for role in spec.roles)
    reply = answer_question("comment corriger une erreur de saisie ?", DEFAULT_NOW)
    assert reply.data["topics"] == ["bot_correct"]
    assert any("/expe50 modifier" in line for line in reply.body)
    assert any("/expe50 annuler" in line for line in reply.body)


def test_the_export_answer_names_a_real_subcommand_and_its_options() -> None:
    # The answer names an `expe50` subcommand (the server's CLI, outside the command registry): keep it true.
    from bot.cli_args import SUBCOMMANDS

    said = " ".join(answer_question("comment exporter le journal de la région en csv ?", DEFAULT_NOW).body)
    assert "expe50 export-log --region" in said and "--out" in said
    export = next(s for s in SUBCOMMANDS if s.name == "export-log")
    parser = argparse.ArgumentParser()
    export.arguments(parser)
    assert {"--region", "--out"} <= set(parser._option_string_actions)
