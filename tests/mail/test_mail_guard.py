"""The loop and spam guard refuses automatic, list, system and own mail and caps replies per sender per day;
it lets an ordinary question through. One row per case (Pigeonhole vacation checklist)."""

from __future__ import annotations

import pytest

from handlers.mail_guard import check, reply_address

OWN = {"ars-bot@ars.example.fr"}
PERSON = "Dr Martin <martin@ch-rouen.fr>"

CASES: list[tuple[str, list[tuple[str, str]], str | None, int, str]] = [
    ("ordinary question", [("From", PERSON)], PERSON, 0, "ok"),
    ("auto-submitted no is a person", [("From", PERSON), ("Auto-Submitted", "no")], PERSON, 0, "ok"),
    ("auto-replied", [("From", PERSON), ("Auto-Submitted", "auto-replied")], PERSON, 0, "auto-submitted"),
    (
        "auto-generated",
        [("From", PERSON), ("Auto-Submitted", "auto-generated; x=1")],
        PERSON,
        0,
        "auto-submitted",
    ),
    ("precedence bulk", [("From", PERSON), ("Precedence", "bulk")], PERSON, 0, "precedence"),
    ("precedence junk", [("From", PERSON), ("Precedence", "Junk")], PERSON, 0, "precedence"),
    ("precedence list", [("From", PERSON), ("Precedence", "list")], PERSON, 0, "precedence"),
    ("list-id", [("From", PERSON), ("List-Id", "<had.lists.example>")], PERSON, 0, "list"),
    ("list-unsubscribe", [("From", PERSON), ("List-Unsubscribe", "<mailto:x@y>")], PERSON, 0, "list"),
    (
        "outlook suppress",
        [("From", PERSON), ("X-Auto-Response-Suppress", "All")],
        PERSON,
        0,
        "auto-response-suppress",
    ),
    ("outlook suppress none", [("From", PERSON), ("X-Auto-Response-Suppress", "None")], PERSON, 0, "ok"),
    ("x-autoreply", [("From", PERSON), ("X-Autoreply", "yes")], PERSON, 0, "auto-submitted"),
    ("bounce empty return path", [("From", PERSON), ("Return-Path", "<>")], PERSON, 0, "bounce"),
    ("mailer-daemon", [("From", "MAILER-DAEMON@mx.example")], "MAILER-DAEMON@mx.example", 0, "system-sender"),
    ("postmaster", [("From", "postmaster@ch.fr")], "postmaster@ch.fr", 0, "system-sender"),
    ("no-reply", [("From", "no-reply@ameli.fr")], "no-reply@ameli.fr", 0, "system-sender"),
    ("noreply", [("From", "NoReply@x.fr")], "NoReply@x.fr", 0, "system-sender"),
    (
        "ne-pas-repondre",
        [("From", "ne-pas-repondre@sante.gouv.fr")],
        "ne-pas-repondre@sante.gouv.fr",
        0,
        "system-sender",
    ),
    ("list owner", [("From", "owner-had@lists.fr")], "owner-had@lists.fr", 0, "system-sender"),
    ("list request", [("From", "had-request@lists.fr")], "had-request@lists.fr", 0, "system-sender"),
    (
        "our own address",
        [("From", "ARS Bot <ARS-bot@ars.example.fr>")],
        "ARS-bot@ars.example.fr",
        0,
        "own-address",
    ),
    (
        "our own loop marker",
        [("From", PERSON), ("X-Loop", "ars-bot@ars.example.fr")],
        PERSON,
        0,
        "own-address",
    ),
    ("no sender at all", [("Subject", "x")], None, 0, "no-sender"),
    ("garbage sender", [("From", "not an address")], "not an address", 0, "no-sender"),
    ("under the daily cap", [("From", PERSON)], PERSON, 2, "ok"),
    ("at the daily cap", [("From", PERSON)], PERSON, 3, "rate-limit"),
]


@pytest.mark.parametrize(
    ("headers", "sender", "replies_today", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_guard_case(
    headers: list[tuple[str, str]], sender: str | None, replies_today: int, expected: str
) -> None:
    verdict = check(headers, sender, OWN, replies_today, daily_limit=3)
    assert verdict.reason == expected
    assert verdict.allowed is (expected == "ok")


def test_reply_goes_to_reply_to_before_from() -> None:
    headers = [("From", PERSON), ("Reply-To", "Secrétariat <secretariat@ch-rouen.fr>")]
    assert reply_address(headers) == "secretariat@ch-rouen.fr"
    assert reply_address([("From", PERSON)]) == "martin@ch-rouen.fr"
    assert reply_address([]) is None
