"""Decode an incoming email whatever its shape and take the question out of it.

Real mail is messy: any charset (declared wrongly, or not at all), quoted-printable or base64, HTML-only
bodies, replies carrying the whole quoted history ("Le ... a écrit :", "> " lines, Outlook's
"De : ... Envoyé : ..." block, "-----Original Message-----"), signatures after "-- ", attachments, CR/LF
smuggled into headers, and broken MIME. `parse()` never raises on content: whatever it cannot read is left
out and noted in `defects`. Attachments are skipped (never decoded, never stored).

Health data: anything that looks like a NIR is masked in the subject, the body and the question, so nothing
downstream can store or echo it (`redacted`); when `handlers.health_data` finds a direct patient identifier
(a NIR, a name with a birth date) the body and the question are dropped altogether (`identifier` says which
kind) and the message is refused without echo.
"""

from __future__ import annotations

import codecs
import email
import hashlib
import re
from dataclasses import dataclass, field
from email.header import decode_header, make_header
from email.message import Message
from html.parser import HTMLParser

from handlers import health_data, text_edge
from handlers.mail_guard import reply_address
from handlers.questions.extract import extract_question

MAX_BODY_CHARS = 20_000  # more text than any question: the rest is history or noise
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class IncomingMail:
    message_id: str  # "<...>"; a hash of the headers when the message has none
    subject: str  # decoded, on one line, NIR masked
    sender: str | None  # where a reply goes (Reply-To, else From), lowercased addr-spec
    headers: tuple[tuple[str, str], ...]  # decoded, one line each (no CR/LF)
    references: tuple[str, ...]  # the thread so far: References, else In-Reply-To
    body: str  # the text the person wrote, quoted history and signature removed, NIR masked
    question: str  # the question itself: greetings and closings removed too
    redacted: bool = False  # something looking like a NIR was masked
    identifier: str | None = None  # health_data.Finding found in the text: body and question were dropped
    truncated: bool = False  # the message was bigger than the size cap
    attachments: int = 0  # attachments seen (and ignored)
    defects: tuple[str, ...] = field(default_factory=tuple)
    # What the message says (its body as sent, and its subject), hashed: a different content under a known
    # Message-ID is another message, not a duplicate.
    digest: str = ""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)


def one_line(value: str) -> str:
    """A header value safe to reuse: no CR/LF or control characters, whitespace collapsed."""
    return re.sub(r"\s+", " ", _CONTROL_RE.sub(" ", value.replace("\r", " ").replace("\n", " "))).strip()


def _decode_header(value: object) -> str:
    raw = str(value)
    # compat32 keeps undeclared 8-bit bytes as surrogates: read them as UTF-8, else Windows-1252.
    try:
        raw_bytes = raw.encode("ascii", "surrogateescape")
        raw = _decode_bytes(raw_bytes, None)
    except UnicodeEncodeError:
        pass
    try:
        decoded = str(make_header(decode_header(raw)))
    except (LookupError, UnicodeDecodeError, ValueError, AssertionError, email.errors.HeaderParseError):
        decoded = raw
    # The edge: no surrogate (a UTF-7 word can decode to one), NFKC, every space kind, capped.
    return one_line(text_edge.clean(decoded))[: text_edge.HEADER_MAX]


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Text from bytes in a declared charset, trusting it only when it decodes cleanly."""
    candidates = [charset] if charset else []
    candidates += ["utf-8", "cp1252"]
    for candidate in candidates:
        try:
            codecs.lookup(candidate)
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("utf-8", errors="replace")


class _HtmlText(HTMLParser):
    """HTML to plain text: block elements become line breaks; scripts, styles and quoted history
    (<blockquote>, Gmail's gmail_quote, Outlook's divRplyFwdMsg and everything after it) are dropped."""

    _BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "hr"})
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._quote_stack: list[str] = []
        self._stopped = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._stopped:
            return
        values = {name: (value or "") for name, value in attrs}
        if values.get("id", "").lower() in (
            "divrplyfwdmsg",
            "appendonsend",
        ) or "moz-cite-prefix" in values.get("class", ""):
            self._stopped = True
            return
        if self._quote_stack:
            self._quote_stack.append(tag)
            return
        if tag == "blockquote" or "gmail_quote" in values.get("class", ""):
            self._quote_stack.append(tag)
            return
        if tag in self._SKIP:
            self._skip_depth += 1
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self._quote_stack:
            # Pop up to the matching opening tag (HTML in the wild does not always close what it opens).
            while self._quote_stack:
                if self._quote_stack.pop() == tag:
                    break
            return
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._stopped and not self._skip_depth and not self._quote_stack:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))

    def text(self) -> str:
        lines = [line.strip() for line in "".join(self.parts).replace("\xa0", " ").split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):
        pass
    return parser.text()


# Where quoted history starts: everything from such a line on is what someone else wrote before.
_HISTORY_RES = (
    re.compile(r"^\s*-{2,}\s*(?:original message|message d'origine|message original|mensaje original)", re.I),
    re.compile(r"^\s*(?:le|on)\s.{0,300}?(?:a\s+[ée]crit|wrote)\s*:\s*$", re.I | re.S),
    re.compile(r"^\s*_{8,}\s*$"),
)
_OUTLOOK_FROM_RE = re.compile(r"^\s*\*?(?:de|from)\s*\*?\s*:", re.I)
_OUTLOOK_NEXT_RE = re.compile(r"^\s*\*?(?:envoy[ée]|sent|date|[àa]|to|objet|subject)\s*\*?\s*:", re.I)
_SIGNATURE_RE = re.compile(r"^--\s?$")


def strip_history(text: str) -> str:
    """The new text of a reply: quoted history, "> " lines and the signature after "-- " removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _SIGNATURE_RE.match(line):
            break
        joined = line + " " + (lines[index + 1] if index + 1 < len(lines) else "")
        if any(pattern.match(line) for pattern in _HISTORY_RES):
            break
        # "Le lun. 3 mars 2025 à 10:12, X <x@y> a\nécrit :" — clients wrap the attribution line.
        if _HISTORY_RES[1].match(joined.strip()) and re.match(r"^\s*(?:le|on)\s", line, re.I):
            break
        if _OUTLOOK_FROM_RE.match(line) and any(
            _OUTLOOK_NEXT_RE.match(following) for following in lines[index + 1 : index + 5]
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _body(message: Message, defects: list[str]) -> tuple[str, int]:
    """The best text of the message (first text/plain, else text/html as text) and how many attachments."""
    plain: list[str] = []
    html: list[str] = []
    attachments = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = (part.get("Content-Disposition") or "").lower()
        ctype = part.get_content_type()
        if disposition.startswith("attachment") or part.get_filename() or not ctype.startswith("text/"):
            attachments += 1
            continue
        try:
            payload = part.get_payload(decode=True)
        except Exception as error:  # the email package raises assorted errors on broken encodings
            defects.append(f"payload: {type(error).__name__}")
            continue
        if not isinstance(payload, bytes):
            continue
        try:
            charset = part.get_content_charset()
        except Exception:
            charset = None
        text = text_edge.clean(_decode_bytes(payload, charset), multiline=True)
        if ctype == "text/html":
            html.append(text)
        elif ctype == "text/plain":
            plain.append(text)
    if plain:
        return "\n\n".join(plain), attachments
    if html:
        return "\n\n".join(text_edge.clean(html_to_text(item), multiline=True) for item in html), attachments
    return "", attachments


def header_hash_id(raw: bytes) -> str:
    """A stable Message-ID for a message without one: a hash of its header block."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    return f"<{hashlib.sha256(head).hexdigest()[:32]}@no-message-id.invalid>"


def content_digest(raw: bytes) -> str:
    """A hash of the body as sent plus the Subject line: the same for a message delivered twice, different
    for another message reusing a Message-ID (or a header block)."""
    parts = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)
    head, body = parts[0], parts[1] if len(parts) > 1 else b""
    subject = re.search(rb"(?im)^subject:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*", head)
    digest = hashlib.sha256(subject.group(0) if subject else b"")
    digest.update(b"\0")
    digest.update(body.replace(b"\r\n", b"\n").rstrip())
    return digest.hexdigest()[:32]


def variant_key(message_id: str, digest: str) -> str:
    """The key of a second message reusing `message_id` with another content."""
    return f"{message_id}#{digest[:16]}"


def thread_message_id(key: str) -> str:
    """The Message-ID a processing key stands for (a variant key names the id it reuses)."""
    head, sep, _ = key.partition(">#")
    return f"{head}>" if sep else key


def _message_ids(value: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def parse(raw: bytes, max_bytes: int = 1_000_000) -> IncomingMail:
    """Decode one raw RFC 5322 message (possibly cut at `max_bytes`). Never raises on bad content."""
    truncated = len(raw) > max_bytes
    if truncated:
        raw = raw[:max_bytes]
    defects: list[str] = []
    message = email.message_from_bytes(raw)
    defects += [type(defect).__name__ for defect in message.defects]
    headers: list[tuple[str, str]] = []
    # raw_items: undeclared 8-bit header bytes as surrogates (read back as UTF-8 below), not as the U+FFFD
    # that str(Header) makes of them.
    for name, value in message.raw_items():
        name = one_line(text_edge.clean(str(name)))[:100]
        headers.append((name, _decode_header(value)))
    lookup = {name.lower(): value for name, value in reversed(headers)}
    raw_subject = lookup.get("subject", "")
    text, attachments = _body(message, defects)
    written = strip_history(text)[:MAX_BODY_CHARS]
    # Screened before anything is kept: the subject as written (not yet masked), the body, and every header
    # that is stored or echoed (Message-ID and the thread's ids come back in In-Reply-To/References, the
    # addresses are stored and written to).
    finding = health_data.screen_all(raw_subject, written)
    echoed = ("message-id", "references", "in-reply-to", "from", "reply-to", "sender")
    header_finding = health_data.screen_all(*(value for key, value in headers if key.lower() in echoed))
    if header_finding is not None:
        finding = finding or header_finding
        # An id or address holding an identifier is neither kept nor written back.
        headers = [
            (key, value) for key, value in headers if key.lower() not in echoed or not health_data.find(value)
        ]
        lookup = {name.lower(): value for name, value in reversed(headers)}
    ids = _message_ids(lookup.get("message-id"))
    message_id = ids[0] if ids else header_hash_id(raw)
    references = _message_ids(lookup.get("references")) or _message_ids(lookup.get("in-reply-to"))
    # Nothing found: nothing to mask (the screen and the mask read alike). Found: both are dropped.
    subject, body = raw_subject, written
    subject_redacted = body_redacted = finding is not None
    if finding is not None:
        body = ""
        subject = ""  # echoed in the refusal's « Re: » and stored with a failure: dropped, not masked
    question = extract_question(body) if body.strip() else ""
    if len(question.split()) < 3 and finding is None:
        # "Voir objet" / an empty body: the subject is the question.
        topic = re.sub(r"^\s*(?:(?:re|tr|fwd?|aw)\s*:\s*)+", "", subject, flags=re.I).strip()
        question = f"{topic}\n{question}".strip() if topic else question
    headers = [(key, subject if key.lower() == "subject" else value) for key, value in headers]
    return IncomingMail(
        digest=content_digest(raw),
        message_id=message_id,
        subject=subject,
        sender=reply_address(headers),
        headers=tuple(headers),
        references=tuple(references),
        body=body,
        question=question,
        redacted=subject_redacted or body_redacted or finding is not None,
        identifier=None if finding is None else str(finding),
        truncated=truncated,
        attachments=attachments,
        defects=tuple(defects),
    )
