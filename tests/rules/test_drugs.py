"""The anticancer drug list (rules/data/drugs): strict loading, and a drug named in a question read as its
route so that the treatment entries answer it (oral: excluded; injectable: in scope)."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.questions import answer_question
from handlers.questions.normalize import normalize
from handlers.reply import Status
from rules.drugs import DRUGS_DIR, DrugError, load_drugs
from rules.reasons import Confidence
from tests.support.question_probe import DEFAULT_NOW


def test_the_packaged_list_loads_with_its_source_and_an_honest_confidence() -> None:
    drugs = load_drugs()
    capecitabine = drugs.by_name["xeloda"]
    assert capecitabine.name == "capecitabine" and capecitabine.route == "oral"
    assert capecitabine.in_scope is False
    assert drugs.by_name["keytruda"].in_scope is True
    assert drugs.by_name["methotrexate"].in_scope is None  # oral and injectable: the question decides
    # General knowledge written from memory, not a legal text.
    assert all(d.confidence == Confidence.INFERENCE and d.source.text for d in drugs.by_name.values())


def _list(tmp_path: Path, old: str, new: str) -> Path:
    text = (DRUGS_DIR / "anticancer.yaml").read_text(encoding="utf-8")
    assert old in text
    (tmp_path / "anticancer.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("capecitabine: {route: oral,", "capecitabine: {route: rectal,", r"capecitabine: route 'rectal'"),
        ("names: [xeloda, cape]}", "names: [xeloda, cape], colour: red}", "capecitabine: expected"),
        ("names: [xeloda, cape]}", "names: [Xéloda, cape]}", "one lowercase word"),
        ("names: [temodal]}", "names: [xeloda]}", "'xeloda' already names capecitabine"),
        ("confidence: I\n", "confidence: sure\n", "confidence"),
        ("source:\n", "origin:\n", "unknown key"),
        ('  mixed: "medicament"\n', "", "route.s. mixed"),
    ],
)
def test_strict_loading_names_the_file_and_the_fault(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    with pytest.raises(DrugError, match=message) as caught:
        load_drugs(_list(tmp_path, old, new))
    assert "anticancer.yaml" in str(caught.value) or str(tmp_path) in str(caught.value)


def test_a_drug_name_is_a_known_word_read_as_its_route() -> None:
    read = normalize("capecitabine (xeloda) prise a dom ?", frozenset({"medicament", "oral"}))
    assert read.drugs == ("capecitabine",)
    assert read.tokens[:2] == ("medicament", "oral")
    assert "capecitabine" not in read.own_tokens and "oral" not in read.own_tokens


@pytest.mark.parametrize(
    ("question", "verdict", "route"),
    [
        ("capecitabine (xeloda) prise a dom avec passage IDE HAD -> ca ouvre le forfait ?", "Non", "orale"),
        ("revlimid (lenalidomide) per os avec passage de l'IDE HAD : forfait ou pas ?", "Non", "orale"),
        # A hormone therapy by mouth is listed: by mouth, outside the forfaits.
        ("le letrozole (femara) pris a la maison avec l'HAD, ca ouvre le forfait ?", "Non", "orale"),
        ("pembrolizumab (Keytruda) IV toutes les 3 semaines fait par l'HAD, c'est bien dans le perimetre ?",
         "Oui", "injectable"),
        ("trastuzumab SC a domicile, oui ou non pour l'expe ?", "Oui", "injectable"),
        ("methotrexate SC a dom c'est eligible ?", "Oui", "injectable"),
        # « qui » after a noun is a relative: the question still asks yes or no.
        ("herceptin sc (trastuzumab sous cut) c eligible ou y a que les perf IV qui comptent ?", "Oui",
         "injectable"),
    ],
)  # fmt: skip
def test_a_named_drug_gets_the_rule_of_its_route(question: str, verdict: str, route: str) -> None:
    reply = answer_question(question, DEFAULT_NOW)
    assert reply.status in (Status.OK, Status.WARNING)
    assert reply.body[0].startswith(f"{verdict} :") and route in reply.body[0]


def test_the_answer_says_how_it_read_a_drug_and_flags_the_list() -> None:
    reply = answer_question(
        "une patiente sous capecitabine a domicile, ca ouvre droit au forfait ?", DEFAULT_NOW
    )
    assert reply.status == Status.WARNING
    assert any("« capecitabine »" in line and "voie orale" in line for line in reply.body)
    assert any(r.confidence == Confidence.INFERENCE for r in reply.reasons)
    # The route said in the question itself: the list is not relied on, nothing to flag.
    said = answer_question("un patient sous capecitabine en comprimes ca compte ?", DEFAULT_NOW)
    assert said.status == Status.OK and not any("« capecitabine »" in line for line in said.body)


def test_two_routes_or_an_exclusion_asked_give_no_verdict() -> None:
    both = answer_question(
        "patient sous bortezomib SC + dexa orale : le mois compte quand meme ?", DEFAULT_NOW
    )
    assert not both.body[0].startswith(("Oui", "Non"))
    excluded = answer_question("la capecitabine c'est exclu ?", DEFAULT_NOW)
    assert not excluded.body[0].startswith(("Oui", "Non"))


def test_an_unknown_drug_name_in_brackets_does_not_block_the_question() -> None:
    reply = answer_question("immuno IV a dom c ok ? (zorblimab)", DEFAULT_NOW)
    assert reply.status != Status.UNKNOWN
    assert "treatment_scope" in reply.data["topics"]
