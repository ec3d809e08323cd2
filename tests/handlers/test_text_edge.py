"""The edge normaliser: no surrogate, NFKC, every space kind, caps; and dispatch applies it at its door."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers import text_edge
from handlers.text_edge import InputTooLong, clean, edge_text
from tests.support.conversation import Conversation


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("aide\u3000adressage", "aide adressage"),
        ("aide\u2003adressage", "aide adressage"),
        ("aide\u2028adressage", "aide adressage"),
        ("aide\x1fadressage", "aide adressage"),
        ("a\u200bb\ufeffc\u00add", "abcd"),
        ("ＦＯＲＦＡＩＴ　１２３", "FORFAIT 123"),
        ("nombre=²", "nombre=2"),
        ("  a \t\t b  ", "a b"),
        ("Question forfait \ud800", "Question forfait \ufffd"),
        ("caf\udcc3\udca9", "café"),  # bytes smuggled by surrogateescape, read back as UTF-8
        ("\udcff", "\ufffd"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert clean(raw) == expected
    assert clean(expected) == expected  # idempotent


def test_multiline_keeps_lines_and_collapses_blank_runs() -> None:
    assert clean("a\r\nb\u2029c\n\n\n\n d ", multiline=True) == "a\nb\nc\n\nd"


def test_cap_refuses_without_echo_and_before_the_work() -> None:
    with pytest.raises(InputTooLong) as error:
        edge_text("x" * 10_000_000, 4_000)
    assert "x" not in str(error.value.params)
    assert edge_text("x" * 4_000, 4_000) == "x" * 4_000


def test_decode_replaces_bad_bytes() -> None:
    assert text_edge.decode(b"caf\xc3\xa9 \xff") == "café \ufffd"
    assert text_edge.decode(b"caf\xe9", "no-such-charset") == "caf\ufffd"


def test_ascii_digits() -> None:
    assert text_edge.ascii_digits("0123")
    assert (
        not text_edge.ascii_digits("²") and not text_edge.ascii_digits("٣") and not text_edge.ascii_digits("")
    )


@pytest.mark.parametrize(
    "line",
    [
        "aide\u3000adressage",
        "aide\u2028adressage",
        "aide\x1fadressage",
        "administration P-1 2025-10 nombre=²",
        "etablissement cible 760780239 2026=²",
        "Question forfait \ud800",
        "x" * 100_000,
        "1." * 50_000,
    ],
)
def test_dispatch_answers_odd_input_without_internal_error(tmp_path: Path, line: str) -> None:
    convo = Conversation.start(tmp_path, setup=True)
    convo.push(line)
    reply = convo.pop()
    assert reply.data.get("error") != "internal" and "interne" not in reply.title


def test_a_question_being_understood_does_not_hold_the_store_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from handlers.commands import question as question_command
    from handlers.dispatch import dispatch
    from handlers.reply import Reply, Request, Status

    convo = Conversation.start(tmp_path, setup=True)
    understanding, release = threading.Event(), threading.Event()

    def slow_answer(text: str, now: object, params: object) -> Reply:
        understanding.set()
        assert release.wait(10)
        return Reply(Status.UNKNOWN, "?", needs_human=True)

    monkeypatch.setattr(question_command, "_answerer", lambda: slow_answer)
    asking = threading.Thread(
        target=lambda: dispatch(Request(None, "question forfait ?", "console", convo.now), convo.ctx)
    )
    asking.start()
    assert understanding.wait(10)
    # Meanwhile another channel writes: it must not wait for the question.
    done = threading.Event()
    writer = threading.Thread(
        target=lambda: (convo.ask("etablissement cible 760780239 2026=40"), done.set()),
    )
    writer.start()
    assert done.wait(10), "the write waited for the question"
    release.set()
    asking.join(10)
    writer.join(10)
