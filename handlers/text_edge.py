"""Text made safe once, at the edge, before any handler sees it.

Every door (Slack command text and form fields, the console and `expe50 cmd`/`ask` including stdin read
under LC_ALL=C, email headers and bodies, the control socket) calls one of these functions on what it
received, and nothing else normalises input again:

* bytes are decoded with replacement, and a lone surrogate (what Python makes of an undecodable byte, or
  what a UTF-7 header can decode to) becomes U+FFFD: no handler ever holds a string the store cannot encode;
* Unicode is NFKC-normalised (fullwidth letters and digits, ligatures, superscripts become plain);
* every kind of space and line separator becomes a plain space (or a newline where lines matter), runs of
  spaces collapse to one, format characters (zero-width spaces and joiners, BOM, bidi marks, soft hyphen) are
  removed, other control characters become spaces;
* a size cap refuses with a French message what no command, field or question needs (`InputTooLong`), and
  the cap is checked before the work, so a 10 MB paste costs no more than its length.

Pure and linear in the input: a handful of passes over the string, no backtracking pattern.
"""

from __future__ import annotations

import re
import unicodedata

from handlers.errors import UserError

# Caps, in characters after normalisation. A command is one line of arguments; a question a few sentences;
# a form field a value or a short paragraph; an email body is cut (not refused) by the mail reader.
COMMAND_MAX = 4_000
QUESTION_MAX = 2_000
FIELD_MAX = 2_000
HEADER_MAX = 998  # RFC 5322's longest line
ID_MAX = 200  # member ids, delivery ids, Message-IDs

_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t]{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


class InputTooLong(UserError):
    """A text over its door's cap: refused before any work, without echo."""

    def __init__(self, limit: int) -> None:
        super().__init__("commands.error.too_long", limit=f"{limit:,}".replace(",", "\u202f"))


def decode(data: bytes, charset: str | None = None) -> str:
    """Text from bytes in `charset` (UTF-8 when none or unknown), undecodable bytes replaced; then `clean`."""
    try:
        text = data.decode(charset or "utf-8", errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    return clean(text, multiline=True)


def no_surrogates(text: str) -> str:
    """Lone surrogates out. Bytes smuggled in by surrogateescape (argv, stdin under LC_ALL=C) are read back as
    UTF-8 where they form valid sequences; anything else becomes U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate surrogateescape did not make (e.g. \ud800 from UTF-7)
        return _SURROGATE.sub("\ufffd", text)


def _char(ch: str, multiline: bool) -> str:
    if ch in _LINE_BREAKS:
        return "\n" if multiline else " "
    category = unicodedata.category(ch)
    if category == "Cf":  # zero-width space/joiners, BOM, bidi controls, soft hyphen: invisible, removed
        return ""
    if category in ("Zs", "Zl", "Zp", "Cc"):
        return " "
    return ch


def clean(text: str, *, multiline: bool = False) -> str:
    """The normalised text (see the module doc); idempotent. Without `multiline` the result is one line."""
    text = unicodedata.normalize("NFKC", no_surrogates(text))
    # Printable text (str.isprintable: no Cc, Cf, Zs but the ASCII space, Zl or Zp) holds nothing the loop
    # below would change, accented or not: only double spaces are left to fold.
    if not text.isprintable() or "  " in text:
        if multiline:
            text = text.replace("\r\n", "\n")
        text = "".join(
            ch if (ch.isprintable() and ch.isascii()) or ch == " " else _char(ch, multiline) for ch in text
        )
        # Removing a format character can leave a pair NFKC would compose: normalise once more.
        text = unicodedata.normalize("NFKC", text)
        text = _SPACES.sub(" ", text)
    if multiline:
        text = _BLANK_LINES.sub("\n\n", "\n".join(line.strip(" ") for line in text.split("\n")))
    return text.strip()


def edge_text(raw: str, limit: int, *, multiline: bool = False) -> str:
    """`clean(raw)` capped at `limit` characters: `InputTooLong` (French, no echo) beyond it."""
    # A cheap bound first: normalisation can shrink a text (removed characters) but never by 4×.
    if len(raw) > 4 * limit:
        raise InputTooLong(limit)
    text = clean(raw, multiline=multiline)
    if len(text) > limit:
        raise InputTooLong(limit)
    return text


def ascii_digits(text: str) -> bool:
    """Whether the text is a non-empty run of ASCII digits 0-9 (never ², ٣ or a fullwidth digit)."""
    return text.isascii() and text.isdecimal()
