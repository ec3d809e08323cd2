"""Reply → Block Kit: the title, the facts as fields, the reasons with their sources in a context block, the
next steps as buttons — within Slack's limits, whatever the size of the reply."""

from __future__ import annotations

import json

from bot.render.slack import reply_blocks, reply_message, reply_messages
from handlers.reply import Action, Fact, ReasonLine, Reply, Status
from rules.reasons import Confidence, Source
from tests.support.slack_limits import message_problems

DECRET = Source("décret n° 2025-114", "art. 3")


def test_a_reply_reads_as_title_then_facts_body_reasons_with_sources_and_a_next_step() -> None:
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
    assert blocks[1]["fields"][0]["text"] == "*Patient*\nP-1"  # the facts (totals) lead
    assert blocks[2]["text"]["text"] == "À vérifier : la commune du domicile."
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
    fallback = reply_message(reply)["text"]
    assert "<!channel>" not in fallback and "&lt;!channel&gt;" in fallback


def test_a_huge_reply_is_split_into_numbered_messages_within_slacks_limits_losing_nothing() -> None:
    lines = [f"ligne {n} " + "y" * 50 for n in range(3000)]
    reply = Reply(
        Status.OK,
        "T" * 400,
        body=["x" * 7000, *lines],
        facts=[Fact(f"f{n}", "v" * 3000) for n in range(25)],
        reasons=[ReasonLine("r" * 2500, DECRET, Confidence.INFERENCE) for _ in range(23)],
        actions=[Action(f"Bouton {'b' * 100} {n}", f"aide {n}") for n in range(8)],
    )
    messages = reply_messages(reply)
    assert len(messages) > 1
    for number, message in enumerate(messages, start=1):
        assert message_problems(message["text"], message["blocks"]) == []  # Slack's own limits
        assert f"Partie {number}/{len(messages)}" in message["blocks"][-1]["elements"][0]["text"]
    blocks = [block for message in messages for block in message["blocks"]]
    shown = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b)
    assert all(line in shown.split("\n") for line in lines)  # no line lost
    assert shown.count("x") >= 7000  # a line longer than a section is split, not cut
    assert messages[0]["blocks"][1]["type"] == "section" and "fields" in messages[0]["blocks"][1]
    assert messages[-1]["blocks"][-2]["type"] == "actions"  # the next steps close the last part
    assert len(messages[-1]["blocks"][-2]["elements"]) == 5


def test_body_lines_are_grouped_into_few_sections() -> None:
    reply = Reply(Status.OK, "Forfaits", body=[f"• P-{n:04d} : 120,00 €" for n in range(300)])
    [message] = reply_messages(reply)
    assert len(message["blocks"]) <= 5
