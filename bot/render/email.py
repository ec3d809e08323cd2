"""Reply -> an email: French plain text and HTML alternatives, threaded under the message it answers.

Every reply the bot sends carries `Auto-Submitted: auto-replied` (RFC 3834: other robots must not answer
it) and `X-Auto-Response-Suppress: All` (Outlook/Exchange: no out-of-office back to us), so two robots never
talk to each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from handlers.mail_reply import reply_subject, thread_ids
from handlers.reply import Reply, Status
from rules.reasons import Confidence
from templates import render, text


def bodies(
    reply: Reply,
    *,
    question: str | None = None,
    human_hint: bool = True,
    signature: str | None = None,
    automatic: bool = True,
) -> tuple[str, str]:
    """(plain text, HTML) of a reply."""
    context = {
        "reply": reply,
        "question": question,
        "human": human_hint,
        "inferred": any(reason.confidence is Confidence.INFERENCE for reason in reply.reasons),
        "signature": signature or text("mail.signature"),
        "automatic": automatic,
        "t": text,
    }
    return render("email/reply.txt.j2", **context), render("email/reply.html.j2", **context)


def refusal_reply() -> Reply:
    """The answer to a message holding health data: says why, echoes nothing of it."""
    return Reply(
        status=Status.ERROR,
        title=text("mail.refusal.title"),
        body=[text("mail.refusal.body"), text("mail.refusal.how")],
    )


def agent_reply(answer: str) -> Reply:
    return Reply(
        status=Status.OK, title=text("mail.agent.title"), body=[p for p in answer.split("\n\n") if p]
    )


def build_reply(
    *,
    sender: str,
    to: str,
    subject: str,
    message_id: str,
    references: tuple[str, ...],
    plain: str,
    html: str,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> EmailMessage:
    """The threaded reply to the message `message_id` (its own Message-ID is set by the outbox), with the
    reply's files attached as (filename, media type, bytes)."""
    message = EmailMessage()
    name, address = parseaddr(sender)
    message["From"] = formataddr((name, address)) if name else address
    message["To"] = to
    message["Subject"] = reply_subject(subject, text("mail.default_subject"))
    in_reply_to, chain = thread_ids(message_id, references)
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if chain:
        message["References"] = " ".join(chain)
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message["X-Loop"] = address
    message["Content-Language"] = "fr"
    # Quoted-printable keeps the message 7-bit: no relay has to support 8BITMIME.
    message.set_content(plain, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    for filename, media_type, content in attachments:
        maintype, _, subtype = media_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message
