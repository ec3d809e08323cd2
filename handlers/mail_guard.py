"""Whether the bot may answer an email at all: loop and spam protection, as one pure function.

The checklist follows Dovecot Pigeonhole's vacation action (and RFC 3834): an automatic answer is never sent
to automatic mail (Auto-Submitted other than "no", Precedence bulk/junk/list, mailing lists, Microsoft's
X-Auto-Response-Suppress), to bounces and system senders (empty return path, MAILER-DAEMON, no-reply,
owner-/-request list addresses), to ourselves, nor more than `daily_limit` times a day to the same sender.
The first rule that refuses wins, so the reason recorded is the most specific one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from email.utils import getaddresses, parseaddr


@dataclass(frozen=True)
class GuardVerdict:
    allowed: bool
    reason: str  # a stable id: "ok", "auto-submitted", "precedence", "list", ... (see `check`)


OK = GuardVerdict(True, "ok")

# Local parts that belong to machines, not people (Pigeonhole's list plus the usual no-reply spellings).
_SYSTEM_LOCAL_RE = re.compile(
    r"^(?:mailer-daemon|postmaster|listserv|majordomo|mdaemon|bounce[s]?|bounce[-+].*|owner-.*|.*-request"
    r"|.*-owner|no[-_.]?reply(?:[-+].*)?|do[-_.]?not[-_.]?reply(?:[-+].*)?|ne[-_.]?pas[-_.]?repondre.*"
    r"|notification[s]?|auto[-_.]?reply|.*-bounces?(?:[-+=].*)?|bounces?[-+=].*)$",
    re.IGNORECASE,
)


_AUTO_SUBJECT_RE = re.compile(
    r"^\s*(?:r[ée]ponse\s+automatique|automatic\s+reply|auto(?:matic)?[\s-]*(?:reply|response)|out\s+of\s+(?:the\s+)?office"
    r"|absence\s+du\s+bureau|message\s+d'absence|autoreply|auto:)",
    re.IGNORECASE,
)


def _header(headers: Iterable[tuple[str, str]], name: str) -> list[str]:
    wanted = name.lower()
    return [value for key, value in headers if key.lower() == wanted]


def normalize_address(value: str | None) -> str | None:
    """The bare, lowercased addr-spec of a header value, or None when there is none."""
    if not value:
        return None
    _, address = parseaddr(value)
    address = address.strip().lower()
    return address if "@" in address else None


def check(
    headers: Iterable[tuple[str, str]],
    sender: str | None,
    own_addresses: Collection[str],
    replies_today: int,
    daily_limit: int,
) -> GuardVerdict:
    """May we send an automatic reply to this message?

    `headers` are the message's (name, decoded value) pairs; `sender` is the address the reply would go to
    (Reply-To, else From); `own_addresses` are the bot's addresses (lowercase); `replies_today` is how many
    replies this sender already got today.
    """
    headers = list(headers)
    for value in _header(headers, "Auto-Submitted"):
        if value.split(";")[0].strip().lower() != "no":
            return GuardVerdict(False, "auto-submitted")
    for value in _header(headers, "Precedence"):
        if value.strip().lower() in ("bulk", "junk", "list", "auto_reply", "auto-reply"):
            return GuardVerdict(False, "precedence")
    if any(name.lower().startswith("list-") for name, _ in headers):
        return GuardVerdict(False, "list")
    for value in _header(headers, "X-Auto-Response-Suppress"):
        if value.strip().lower() not in ("", "none"):
            return GuardVerdict(False, "auto-response-suppress")
    if _header(headers, "X-Autoreply") or _header(headers, "X-Autorespond"):
        return GuardVerdict(False, "auto-submitted")
    return_paths = _header(headers, "Return-Path")
    if return_paths and all(value.strip() in ("", "<>") for value in return_paths):
        return GuardVerdict(False, "bounce")
    # A delivery or disposition report is a bounce by its very type (RFC 6522), whatever else it lacks.
    for value in _header(headers, "Content-Type"):
        if value.strip().lower().startswith(("multipart/report", "message/delivery-status")):
            return GuardVerdict(False, "bounce")
    # Out-of-office replies marked only by their subject (« Réponse automatique : … », "Automatic reply").
    for value in _header(headers, "Subject"):
        if _AUTO_SUBJECT_RE.match(value):
            return GuardVerdict(False, "auto-submitted")
    address = normalize_address(sender)
    if address is None:
        return GuardVerdict(False, "no-sender")
    own = {item.lower() for item in own_addresses}
    if address in own:
        return GuardVerdict(False, "own-address")
    # From: the bot itself with a Reply-To elsewhere: our own message coming back, whoever it points to.
    if any(normalize_address(value) in own for value in _header(headers, "From")):
        return GuardVerdict(False, "own-address")
    # The list or bounce handler that actually sent it (Sender:, Return-Path:) is a machine too.
    for value in (*_header(headers, "Sender"), *return_paths):
        relay = normalize_address(value)
        if relay is not None and _SYSTEM_LOCAL_RE.match(relay.split("@", 1)[0]):
            return GuardVerdict(False, "system-sender")
    # A message we sent ourselves, relayed back under another From (e.g. a forwarding rule).
    for value in _header(headers, "X-Loop"):
        if normalize_address(value) in own or value.strip().lower() in own:
            return GuardVerdict(False, "own-address")
    if _SYSTEM_LOCAL_RE.match(address.split("@", 1)[0]):
        return GuardVerdict(False, "system-sender")
    if any(normalize_address(value) is None for value in _header(headers, "From")) and not _header(
        headers, "Reply-To"
    ):
        return GuardVerdict(False, "no-sender")
    if replies_today >= daily_limit:
        return GuardVerdict(False, "rate-limit")
    return OK


def reply_address(headers: Iterable[tuple[str, str]]) -> str | None:
    """Where a reply goes: the first Reply-To address, else the From address."""
    headers = list(headers)
    for name in ("Reply-To", "From"):
        values = _header(headers, name)
        for _, address in getaddresses(values):
            address = address.strip().lower()
            if "@" in address:
                return address
    return None
