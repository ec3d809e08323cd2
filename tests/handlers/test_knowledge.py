"""Knowledge entries are data (rules/data/knowledge/*.yaml): strict loading, legal values generated from the
parameters, and every reference naming something."""

from __future__ import annotations

import argparse
import dataclasses
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

import handlers.commands  # noqa: F401  (fills the command registry)
from handlers.questions import answer_question
from handlers.questions.answer import COMPOSERS, Composition, holds
from handlers.questions.detect import analyse
from handlers.questions.knowledge import (
    KNOWLEDGE_DIR,
    KnowledgeError,
    check,
    condition,
    expand,
    expanded,
    load_knowledge,
)
from handlers.questions.topics import GLOSSARY, compiled_topics
from handlers.registry import registry
from rules.parameters import load_parameters
from templates import has_text, text
from tests.support.question_probe import DEFAULT_NOW, PARIS


def test_packaged_knowledge_names_only_what_exists() -> None:
    knowledge = load_knowledge()
    assert len(knowledge.entries) >= 60
    check(knowledge, load_parameters(), set(COMPOSERS), has_text, {spec.name for spec in registry.all()})


def test_code_is_kept_only_for_the_entries_that_name_it() -> None:
    # A composer no entry names is dead code; an entry naming one says why it computes (the loader checks).
    named = {e.answer.composer for e in load_knowledge().entries if e.answer.composer}
    assert named == set(COMPOSERS)
    assert all(e.answer.why for e in load_knowledge().entries if e.answer.composer)


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
        ("entries:\n  - cues: {a: 1}\n    answer: {composer: x, why: y}\n", "needs an `id`"),
        (
            "entries:\n  - id: a\n    cues: {a: 1}\n    answer: {composer: x, why: y}\n    colour: red\n",
            "colour",
        ),
        ("entries:\n  - id: a\n    cues: {a: high}\n    answer: {composer: x, why: y}\n", "needs a number"),
        ("entries:\n  - id: a\n    cues: {a: 1}\n    answer: {}\n", "declares nothing"),
        (
            "entries:\n  - id: a\n    cues: {a: 1}\n    answer: {composer: x, why: y}\n    intents: [why]\n",
            "intent",
        ),
        (
            "entries:\n  - id: a\n    cues: {a: 1}\n    answer: {composer: x, why: y}\n    supersedes: [z]\n",
            "z",
        ),
        ("entries: [\n", "cannot read"),
        # Code is kept only for an entry that computes, and it says why.
        ("entries:\n  - id: a\n    cues: {a: 1}\n    answer: {composer: x}\n", "says `why`"),
        # `open: true` marks an unsettled step said only when asked.
        (
            "entries:\n  - id: a\n    cues: {a: 1}\n    answer: {says: [{text: t, open: true}]}\n",
            "`open: true` marks an `unknown:` step",
        ),
        # A premise of several dates names, for each, the words of the step that puts it to the test.
        (
            "entries:\n  - id: a\n    cues: {a: 1}\n    answer: {says: [{text: t}]}\n"
            "    premise: {date: [{ref: param.experiment_end}]}\n",
            r"list of \{ref, asks\}",
        ),
        (
            "entries:\n  - id: a\n    cues: {a: 1}\n    answer: {says: [{text: t}]}\n"
            "    premise: {date: [{ref: param.experiment_end, asks: []}]}\n",
            "needs `asks` words",
        ),
        # An open point names one of the readers that tell whether a question turns on it.
        (
            "entries:\n  - id: a\n    cues: {a: 1}\n    answer: {says: [{text: t}], open_point: maybe}\n",
            "`open_point` is true or one of always, first_month",
        ),
    ],
)
def test_strict_loading_names_the_file_and_the_fault(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(KnowledgeError, match=message) as caught:
        load_knowledge(_write(tmp_path, body))
    assert "extra.yaml" in str(caught.value)


_ONE_STEP = "entries:\n  - id: a\n    cues: {a: 1}\n    answer:\n      says:\n        - "


@pytest.mark.parametrize(
    ("step", "message"),
    [
        # The condition language of declared steps: a closed set of tests, strictly checked.
        ("{text: t, when: {sounds_like: [x]}}", "unknown condition 'sounds_like'"),
        ("{text: t, when: {asks: []}}", "non-empty list"),
        ("{text: t, when: {asks: ['  ']}}", "empty or non-text cue"),
        ("{text: t, when: {not: {asks: [x], colour: red}}}", "unknown condition 'colour'"),
        ("{text: t, when: {any: []}}", "non-empty list of conditions"),
        ("{text: t, when: {slot: weather}}", "unknown slot 'weather'"),
        ("{text: t, when: {intent: why}}", "unknown intent 'why'"),
        ("{text: t, when: {yesno: false}}", "takes `true`"),
        ("{text: t, when: {past: experiment:end}}", "names a deadline"),
        ("{text: t, when: {known: param.funding}}", "names a fact"),
        ("{text: t, when: {topic: nowhere}}", "unknown entry 'nowhere'"),
        ("{text: t, lead: [{when: {first_topic: zz}, say: yes}]}", "unknown entry 'zz'"),
        ("{text: t, lead: [{when: {yesno: true}, say: maybe}]}", "say: yes|no"),
        ("{text: t, when: {counts: dogs}}", "unknown count 'dogs'"),
        ("{text: t, when: {scored: {nowhere: 2}}}", "unknown entry 'nowhere'"),
        ("{text: t, when: {scored: {a: high}}}", "`scored` is"),
        # Steps: one kind each, entries that exist and do not loop, known value forms.
        ("{entry: nowhere}", "unknown entry 'nowhere'"),
        ("{entry: a}", "cannot say itself"),
        ("{entry: b}\n  - id: b\n    cues: {b: 1}\n    answer: {says: [{entry: a}]}", "loop"),
        ("{entry: b, text: t}", "exactly one of"),
        ("{text: t, v: fact.x|upper}", "unknown transform"),
        ("{text: t, v: asked}", "`asked` needs"),
        ("{text: t, cite: fact.x, pick: first}", "`pick`"),
        ("{text: t}\n      why: y", "says `why`"),
    ],
)
def test_a_wrong_step_is_refused_naming_the_file_and_entry(tmp_path: Path, step: str, message: str) -> None:
    with pytest.raises(KnowledgeError, match=message) as caught:
        load_knowledge(_write(tmp_path, _ONE_STEP + step + "\n"))
    assert "extra.yaml: a" in str(caught.value)


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


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("{text: open_point, when: {region: atlantide}}", "unknown region 'atlantide'"),
        ("{text: open_point, when: {past: deadline.nothing:here}}", "no deadline"),
        ("{text: open_point, when: {known: fact.nothing_here}}", "no fact"),
        ("{text: open_point, when: {asks: ['{param.nothing}']}}", "param.nothing"),
        ("{text: open_point, cite: deadlines.nothing_kind}", "no kind of deadline"),
        ("{text: open_point, cite: deadline.nothing:here}", "no deadline"),
        ("{text: open_point, v: fact.nothing_here|month}", "names no parameter"),
        ("{text: no.such.sentence, when: {yesno: true}}", "no template"),
    ],
)
def test_a_condition_naming_nothing_in_the_data_is_refused(tmp_path: Path, step: str, message: str) -> None:
    knowledge = load_knowledge(_write(tmp_path, _ONE_STEP + step + "\n"))
    with pytest.raises(KnowledgeError, match=message) as caught:
        check(knowledge, load_parameters(), set(COMPOSERS), has_text)
    assert "extra.yaml: a" in str(caught.value)


def _holds(question: str, when: str, now: datetime = DEFAULT_NOW) -> bool:
    params = load_parameters()
    c = Composition(params=params, today=now.date(), analysis=analyse(question, params))
    return holds(c, condition("test", yaml.safe_load(when)))


def test_each_condition_tests_what_it_says() -> None:
    # asks: cue syntax, normalised like the cues (accents, plurals, phrases, prefixes, `a & b`)
    assert _holds("Est-ce la CPAM qui paie ?", "{asks: [cpam, caisse]}")
    assert _holds("c'est l'Assurance Maladie qui verse ?", "{asks: [assurance maladie]}")
    assert not _holds("la maladie est prise en charge par l'assurance ?", "{asks: [assurance maladie]}")
    assert _holds("une pénalité contraignante ?", "{asks: ['contraign*']}")
    assert _holds("faut-il reverser une partie ?", "{asks: ['une part*']}")
    assert _holds("le forfait et la HAD", "{asks: ['had & forfait']}")
    # slots, region, intent, yes/no, a fact held
    assert _holds("la date limite en Normandie ?", "{slot: region}")
    assert _holds("la date limite en Normandie ?", "{region: normandie}")
    assert not _holds("la date limite ?", "{slot: region}")
    assert _holds("quand envoyer le rapport ?", "{intent: date}")
    assert _holds("y a-t-il un plafond ?", "{yesno: true}")
    assert not _holds("quel est le plafond ?", "{yesno: true}")
    assert _holds("x", "{known: fact.fee_recipient}")
    assert not _holds("x", "{known: fact.not_held_anywhere}")
    # deadlines against today
    early, late = datetime(2025, 1, 2, tzinfo=PARIS), datetime(2028, 6, 1, tzinfo=PARIS)
    assert _holds("x", "{upcoming: deadline.experiment:end}", early)
    assert not _holds("x", "{past: deadline.experiment:end}", early)
    assert _holds("x", "{past: deadline.experiment:end}", late)
    assert _holds("x", "{upcoming: deadlines.followup_report}", early)
    assert not _holds("x", "{upcoming: deadlines.followup_report}", late)
    assert _holds("x", "{past: deadlines.initial_report}", late)
    # counts no rule holds: participants, patients (not establishments)
    assert _holds("nous sommes combien dans l'expérimentation ?", "{counts: participants}")
    assert not _holds("combien d'établissements au maximum par région ?", "{counts: participants}")
    assert _holds("un nombre max de patients à inclure ?", "{counts: patients}")
    assert not _holds("un nombre max d'établissements ?", "{counts: patients}")
    # a point asked in passing: the entry's cue score
    assert _holds("le rapport initial, il doit contenir quoi ?", "{scored: {reports_contents: 2}}")
    assert not _holds("quand envoyer le rapport initial ?", "{scored: {reports_contents: 2}}")
    # the answered topics
    assert _holds("qui touche le forfait ?", "{topic: forfait_recipient}")
    assert _holds("qui touche le forfait ?", "{first_topic: forfait_recipient}")
    assert not _holds("qui touche le forfait ?", "{topic: forfait_compute}")
    # joins: not, any, all, and several tests in one mapping (all)
    assert _holds("la CPAM ?", "{not: {asks: [caisse]}}")
    assert _holds("la CPAM ?", "{any: [{asks: [caisse]}, {asks: [cpam]}]}")
    assert not _holds("la CPAM ?", "{all: [{asks: [caisse]}, {asks: [cpam]}]}")
    assert not _holds("la CPAM ?", "{asks: [cpam], slot: region}")


def test_declared_choices_shape_the_answer() -> None:
    # lead: « Oui » / « Non » first, by the asked point
    said = answer_question("le forfait d'inclusion peut-il dépasser un plafond ?", DEFAULT_NOW).body
    assert said[0].startswith("Non : ")
    said = answer_question("y a-t-il un plafond au forfait d'inclusion ?", DEFAULT_NOW).body
    assert said[0].startswith("Oui : ")
    said = answer_question("quel est le plafond du forfait d'inclusion ?", DEFAULT_NOW).body
    assert said[0].startswith("Le forfait d'inclusion ne peut pas dépasser")
    # unknown: the part the texts do not settle is said and handed to a person, the rest answered
    reply = answer_question("le forfait est-il payé par la CPAM ?", DEFAULT_NOW)
    assert reply.needs_human and reply.data.get("unanswered") == ["forfait_funding"]
    assert not answer_question("qui finance le forfait ?", DEFAULT_NOW).needs_human
    # `asked`: the words of the condition the question names
    said = answer_question("l'hormonothérapie est-elle couverte ?", DEFAULT_NOW).body
    assert any("(hormonotherapie)" in line for line in said)
    # entry: another entry's answer inside this one
    said = answer_question("c'est quoi l'article 51 ?", DEFAULT_NOW).body
    duration = answer_question("l'article 51 ça dure combien de temps ?", DEFAULT_NOW).body
    assert duration[0] in said


def test_every_acronym_of_the_glossary_is_explained_when_asked() -> None:
    # The question's tokens fold plurals ("DGOS" -> "dgo", "LFSS" -> "lfs"): each acronym is still found.
    for word in GLOSSARY:
        reply = answer_question(f"que veut dire {word.upper()} ?", DEFAULT_NOW)
        said = " ".join(reply.body)
        # (« FISS » alone is read as article 51's funding, whose answer explains it.)
        assert reply.ok and not reply.needs_human, word
        assert text(f"questions.glossary.{word}") in reply.body or word.upper() in said, word
    assert answer_question("c'est quoi la DGOS ?", DEFAULT_NOW).data["topics"] == ["glossary"]


def test_a_premise_compared_with_a_figure_must_name_a_number(tmp_path: Path) -> None:
    # (a fact of two values, « {default: 3, with_has_opinion: 4} », failed on the first question stating one)
    body = (
        "entries:\n  - id: a\n    premise: {months: fact.art51_committee_delay_months}\n    cues: {a: 1}\n"
        "    answer:\n      says:\n        - {text: open_point}\n"
    )
    knowledge = load_knowledge(_write(tmp_path, body))
    with pytest.raises(KnowledgeError, match="not a number") as caught:
        check(knowledge, load_parameters(), set(COMPOSERS), has_text)
    assert "extra.yaml: a" in str(caught.value)
