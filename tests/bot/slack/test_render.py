"""Reply → Block Kit: the title, the facts as fields, the reasons with their sources in a context block, the
next steps as buttons — within Slack's limits, whatever the size of the reply."""

from __future__ import annotations

import json

from bot.render.slack import MAX_BLOCKS, reply_blocks, reply_message
from handlers.reply import Action, Fact, ReasonLine, Reply, Status
from rules.reasons import Confidence, Source

DECRET = Source("décret n° 2025-114", "art. 3")


def test_a_reply_reads_as_title_facts_reasons_with_sources_and_a_next_step() -> None:
    reply = Reply(
        Status.WARNING,
        "Adressage enregistré pour P-1",
        body=["À vérifier : la commune du domicile."],
        facts=[Fact("Patient", "P-1"), Fact("HAD", "HAD Rouen")],
        reasons=[
            ReasonLine("Il faut savoir si la commune est couverte.", DECRET, Confidence.TEXT, "unknown")
        ],
        actions=[Action("Préciser la commune", "eligibilite patient commune=?")],
        reference="A-7K3QX",
    )
    blocks = reply_blocks(reply)
    assert [b["type"] for b in blocks] == ["header", "section", "section", "context", "context", "actions"]
    assert blocks[0]["text"]["text"] == ":warning: Adressage enregistré pour P-1"
    assert blocks[2]["fields"][0]["text"] == "*Patient*\nP-1"
    reasons = [e["text"] for e in blocks[3]["elements"]]
    assert "décret n° 2025-114, art. 3" in reasons[0] and "lu dans le texte" in reasons[0]
    assert len(reasons) == 1  # every reason carries its own source: no separate list of sources
    assert "A-7K3QX" in blocks[4]["elements"][0]["text"]
    [button] = blocks[5]["elements"]
    assert (button["action_id"], button["value"]) == ("expe50.run.0", "eligibilite patient commune=?")


def test_a_reason_the_body_already_says_is_not_repeated_only_its_source_is_cited() -> None:
    answer = "Les traitements par voie orale sont exclus."
    reply = Reply(
        Status.OK,
        "Traitements par voie orale",
        body=[answer],
        reasons=[ReasonLine(answer, DECRET, Confidence.TEXT, "met")],
    )
    blocks = reply_blocks(reply)
    dump = json.dumps(blocks, ensure_ascii=False)
    assert dump.count("voie orale sont exclus") == 1
    [context] = [b for b in blocks if b["type"] == "context"]
    assert [e["text"] for e in context["elements"]] == [
        "*Sources :* décret n° 2025-114, art. 3 (lu dans le texte)"
    ]


def test_a_next_step_whose_verb_has_a_form_opens_the_form() -> None:
    reply = Reply(
        Status.OK, "ok", actions=[Action("Déclarer une administration", "administration P-1 2025-11-10")]
    )
    [button] = reply_blocks(reply, forms=("adressage", "administration"))[-1]["elements"]
    assert button["action_id"] == "expe50.form.0"
    assert json.loads(button["value"]) == {
        "form": "administration",
        "command": "administration P-1 2025-11-10",
    }


def test_user_text_cannot_inject_slack_markup() -> None:
    reply = Reply(Status.ERROR, "Erreur", body=["<!channel> & <https://evil.example|ici>"])
    section = reply_blocks(reply)[1]["text"]["text"]
    assert section == "&lt;!channel&gt; &amp; &lt;https://evil.example|ici&gt;"


def test_a_huge_reply_is_cut_to_slacks_limits_and_keeps_its_buttons() -> None:
    reply = Reply(
        Status.OK,
        "T" * 400,
        body=["x" * 7000, *[f"ligne {n}" for n in range(80)]],
        facts=[Fact(f"f{n}", "v" * 3000) for n in range(25)],
        reasons=[ReasonLine("r" * 2500, DECRET, Confidence.INFERENCE) for _ in range(23)],
        actions=[Action(f"Bouton {'b' * 100} {n}", f"aide {n}") for n in range(8)],
    )
    message = reply_message(reply)
    blocks = message["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    assert len(blocks[0]["text"]["text"]) <= 150
    assert blocks[-1]["type"] == "actions" and len(blocks[-1]["elements"]) == 5
    assert all(len(b["text"]["text"]) <= 75 for b in blocks[-1]["elements"])
    assert "tronquée" in blocks[-2]["elements"][0]["text"]
    for block in blocks:
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    assert len(message["text"]) <= 3000
