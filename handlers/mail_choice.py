"""« Vouliez-vous dire : 1. … 2. … » by email: the numbered offer, and what a reply in its thread means.

Pure: the runtime (bot/mail/processor.py) finds the readings offered in the thread (store/mail_choices.py),
asks `decide` what the new message does with them, and acts.

- The offer lists the readings numbered and says to reply with the number; the last number (or « 0 »,
  « aucune », any words asking for a person) hands the original question over to the agents.
- A reply from the asker whose new text (quoted history and signature already removed by the mail reader,
  greetings and closings removed here) is a number picks that reading. Each reading is answered once; a
  number repeated gets nothing more.
- A reading can be picked during `days` (the offer says until when). After that, picking a reading gets a
  reply saying the offer expired (the readings may no longer match what the bot knows) and how to go on;
  asking for a person still hands the question over: that needs no reading.
- Anything else — another sender, a text that is not a pick, a message with health data — is a new message,
  handled as any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from handlers.mail_guard import normalize_address
from handlers.mail_message import IncomingMail
from handlers.mail_reply import asks_for_person
from handlers.questions.extract import extract_question
from handlers.questions.normalize import fold_chars
from handlers.reply import Reply, Status
from store.mail_choices import PendingChoice, Reading
from templates import text

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_DAYS = 14
MAX_PICK_CHARS = 200  # a pick is a number and a few words; anything longer is a message of its own
MAX_THREAD_IDS = 50

_ORDINALS = {
    "zero": 0,
    "un": 1,
    "une": 1,
    "premier": 1,
    "premiere": 1,
    "deux": 2,
    "deuxieme": 2,
    "second": 2,
    "seconde": 2,
    "trois": 3,
    "troisieme": 3,
    "quatre": 4,
    "quatrieme": 4,
    "cinq": 5,
    "cinquieme": 5,
}
# Words around a number that do not change it: « le 2 », « choix n° 2 », « 2 svp merci ».
_LEAD = (
    r"(?:(?:je\s+choisis|je\s+prends|c'est|ce\s+sera|plutot|le|la|l'|choix|option|numero|num|no|n°|nr"
    r"|reponse|question|#)\s*)*"
)
_TAIL = r"(?:\s*(?:svp|stp|s'il\s+vous\s+plait|merci(?:\s+beaucoup)?|question|choix|option|[.,;:!)\]-]))*"
_NUMBER_RE = re.compile(rf"^{_LEAD}[(\[]?\s*(?:(\d{{1,3}})\s*(?:er|ere|re|eme|e|°)?|([a-z]+)){_TAIL}\s*$")
# « aucune », « aucune de ces questions », « ni l'une ni l'autre », « autre chose »: none of the readings.
_NONE_RE = re.compile(
    r"^(?:(?:non|aucune?|rien|autre(?:\s+chose)?|ni\s+l'une?\s+ni\s+l'autre)"
    r"(?:\s+(?:de\s+(?:ces|ses|les)|des)\s+\w+)?(?:\s+ne\s+convient)?"
    r"|aucune?\s+ne\s+(?:convient|correspond))"
    rf"{_TAIL}\s*$"
)

Kind = Literal["reading", "handover", "out_of_range", "none"]


@dataclass(frozen=True)
class Pick:
    kind: Kind
    number: int | None = None


def read_pick(new_text: str, count: int) -> Pick:
    """What the new text of a reply picks among `count` numbered readings (the last being « none: an
    agent »): a reading, a hand-over, a number out of range, or nothing (the text is a message of its own)."""
    if count < 1 or not new_text.strip() or len(new_text) > MAX_PICK_CHARS * 20:
        return Pick("none")
    written = extract_question(new_text)
    folded = " ".join(fold_chars(written).split())
    if len(folded) > MAX_PICK_CHARS:
        return Pick("none")
    if asks_for_person(folded) or _NONE_RE.match(folded):
        return Pick("handover")
    match = _NUMBER_RE.match(folded)
    if match is None:
        return Pick("none")
    digits, word = match.group(1), match.group(2)
    number = int(digits) if digits else _ORDINALS.get(word)
    if number is None:
        return Pick("none")
    if number == 0 or number == count:
        return Pick("handover", number)
    if number > count:
        return Pick("out_of_range", number)
    return Pick("reading", number)


def open_until(now: datetime, days: int) -> tuple[datetime, date]:
    """When an offer made `now` closes: the end of the `days`-th day after it, Paris time, and that day (the
    one the offer names)."""
    last = now.astimezone(PARIS).date() + timedelta(days=days)
    return datetime.combine(last + timedelta(days=1), time(0), PARIS), last


Action = Literal["question", "answer", "handover", "repeat", "expired", "out_of_range"]


@dataclass(frozen=True)
class Step:
    action: Action
    number: int | None = None
    reading: Reading | None = None


def thread_of(mail: IncomingMail) -> tuple[str, ...]:
    """The ids a reply names as its thread (References, else In-Reply-To, plus In-Reply-To), newest last."""
    ids = list(mail.references)
    in_reply_to = re.findall(r"<[^<>\s]+>", mail.header("In-Reply-To") or "")
    ids += [i for i in in_reply_to[:1] if i not in ids]
    return tuple(ids[-MAX_THREAD_IDS:])


def author_of(mail: IncomingMail) -> str:
    """The From address (the reply address may differ, with a Reply-To)."""
    return normalize_address(mail.header("From") or "") or ""


def same_asker(choice: PendingChoice, mail: IncomingMail) -> bool:
    """Only who asked may pick: the same reply address and the same From."""
    return mail.sender is not None and mail.sender == choice.sender and author_of(mail) == choice.author


def decide(choice: PendingChoice | None, mail: IncomingMail, now: datetime) -> Step:
    if choice is None or mail.identifier is not None or not same_asker(choice, mail):
        return Step("question")
    pick = read_pick(mail.body, len(choice.readings))
    if pick.kind == "none":
        return Step("question")
    if pick.kind == "handover":
        return Step("repeat" if choice.handover else "handover", pick.number)
    if pick.kind == "out_of_range":
        return Step("expired" if choice.expired(now) else "out_of_range", pick.number)
    assert pick.number is not None
    if pick.number in choice.picked:
        return Step("repeat", pick.number)
    if choice.expired(now):
        return Step("expired", pick.number)
    return Step("answer", pick.number, choice.readings[pick.number - 1])


# ---- what the asker reads ----------------------------------------------------------------------------


def offer_reply(reply: Reply, until: date) -> Reply:
    """The answerer's « Vouliez-vous dire » reply made for email: the same readings, numbered, and how to
    pick by replying (no buttons here), with the day the offer ends."""
    choices = reply.data.get("choices")
    labels = [str(c["label"]) for c in choices if isinstance(c, dict)] if isinstance(choices, list) else []
    intro = text("questions.choices.intro")
    body = list(reply.body)
    lead = body[: body.index(intro)] if intro in body else []
    last = len(labels)
    return replace(
        reply,
        body=[
            *lead,
            intro,
            *(text("questions.choices.item", number=i, label=label) for i, label in enumerate(labels, 1)),
            text("mail.choice.pick", last=last, example=min(2, max(1, last - 1))),
            text("mail.choice.until", until=until),
        ],
        actions=[],
    )


def picked_reply(answer: Reply, number: int, label: str) -> Reply:
    """The answer to the reading picked, saying which one it is."""
    return replace(answer, body=[text("mail.choice.picked", number=number, label=label), *answer.body])


def handed_over_reply(reference: str) -> Reply:
    return Reply(
        Status.OK,
        text("mail.choice.handed_over_title"),
        body=[text("mail.choice.handed_over", reference=reference)],
    )


def nobody_reply() -> Reply:
    """Nobody receives hand-overs: the wording every door uses, never a promise."""
    return Reply(Status.UNKNOWN, text("handover.title_nobody"), body=[text("handover.nobody")])


def expired_reply(choice: PendingChoice, days: int) -> Reply:
    offered = datetime.fromisoformat(choice.at).astimezone(PARIS)
    return Reply(
        Status.ERROR,
        text("mail.choice.expired_title"),
        body=[text("mail.choice.expired", offered=offered, days=days), text("mail.choice.expired_how")],
    )


def out_of_range_reply(number: int, last: int) -> Reply:
    return Reply(
        Status.ERROR,
        text("mail.choice.out_of_range_title"),
        body=[text("mail.choice.out_of_range", number=number, last=last)],
    )
