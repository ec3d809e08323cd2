"""Console and email faces of a reply: a reason the body already says is cited, not repeated; a reason the
body does not say is shown with its own source and how sure we are of it."""

from __future__ import annotations

from bot.render.email import bodies
from bot.render.text import render_text
from handlers.reply import ReasonLine, Reply, Status
from rules.reasons import Confidence, Source

DECRET = Source("décret n° 2025-114", "art. 3")
SLIDES = Source("diaporama Unicancer / FNEHAD")
ANSWER = "Les traitements par voie orale sont exclus."
EXTRA = "Le premier mois est compris comme le mois civil de la première administration."


def reply() -> Reply:
    return Reply(
        Status.WARNING,
        "Traitements par voie orale",
        body=[ANSWER],
        reasons=[
            ReasonLine(ANSWER, DECRET, Confidence.TEXT, "met"),
            ReasonLine(EXTRA, SLIDES, Confidence.INFERENCE, "info"),
        ],
    )


def test_console_says_each_sentence_once_and_cites_every_source() -> None:
    shown = render_text(reply())
    assert shown.count(ANSWER) == 1 and shown.count(EXTRA) == 1
    assert "décret n° 2025-114, art. 3 — lu dans le texte" in shown
    assert "diaporama Unicancer / FNEHAD — déduction du projet, à confirmer" in shown


def test_email_text_and_html_say_each_sentence_once_and_cite_every_source() -> None:
    plain, html = bodies(reply())
    for face in (plain, html):
        assert face.count(ANSWER) == 1 and face.count(EXTRA) == 1
        assert "décret n° 2025-114, art. 3 (lu dans le texte)" in face
        assert "diaporama Unicancer / FNEHAD ; déduction du projet, à confirmer" in face
