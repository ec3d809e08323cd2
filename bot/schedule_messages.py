"""Scheduled messages in French: a deadline reminder, a monthly entry reminder or a digest becomes one
`Outgoing` (subject, text, HTML, Slack buttons), whatever channel carries it. Every sentence comes from
templates/messages/reminders.yaml; the layouts are templates/email/reminder*.j2 and digest*.j2."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.render.slack_split import MAX_DIRECT_BUTTONS
from handlers.digest import Digest, SiteDigest
from handlers.mail_status import failure_line, waiting_line
from handlers.reminders import PARIS, DeadlineReminder, EntryReminder, SiteReadiness, Status, Why
from handlers.reply import Action
from handlers.reports import recipients_text
from rules.parameters import Deadline
from store.records import Member
from templates import (
    date_fr,
    datetime_fr,
    due_fr,
    due_on_fr,
    has_text,
    money,
    month_fr,
    number,
    plural,
    render,
    text,
    weekday_fr,
)

AUTO_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All", "Precedence": "bulk"}
MAX_MONTHS_LISTED = 6


@dataclass(frozen=True)
class Outgoing:
    key: str
    member: Member
    kind: str  # "deadline" | "entry" | "digest"
    subject: str
    text: str
    html: str
    late: bool
    actions: tuple[Action, ...] = field(default_factory=tuple)

    def email(self) -> dict[str, Any]:
        """The outbox's dict form (store.outbox): text and HTML alternatives, marked auto-generated."""
        if not self.member.email:
            raise ValueError(f"member {self.member.member_id} has no email address")
        return {
            "to": self.member.email,
            "subject": self.subject,
            "text": self.text,
            "html": self.html,
            "headers": dict(AUTO_HEADERS),
        }


def what(deadline: Deadline) -> str:
    covers = " et ".join(str(y) for y in deadline.covers)
    # The name comes from the data (`label`), never the machine key.
    name = deadline.label or text(f"deadline.kind.{deadline.kind}")
    return text(f"reminders.kind.{_kind(deadline)}.what", covers=covers, name=name)


def _kind(deadline: Deadline) -> str:
    return deadline.kind if has_text(f"reminders.kind.{deadline.kind}.what") else "other"


def _contents(deadline: Deadline) -> list[str]:
    out = []
    for i in range(1, 20):
        key = f"reminders.kind.{_kind(deadline)}.contents.c{i}"
        if not has_text(key):
            break
        out.append(text(key))
    return out


def _readiness_items(ready: SiteReadiness) -> list[str]:
    if ready.ready:
        return [text("reminders.readiness.ready")]
    items = [
        text(
            "reminders.readiness.months",
            month=month_fr(gap.month),
            count=plural(len(gap.patients), "patient"),
        )
        for gap in ready.months_not_logged[-MAX_MONTHS_LISTED:]
    ]
    hidden = len(ready.months_not_logged) - MAX_MONTHS_LISTED
    if hidden > 0:
        items.insert(0, text("reminders.readiness.months_more", count=hidden))
    if ready.targets_missing:
        years = ", ".join(str(y) for y in ready.targets_missing)
        items.append(text("reminders.readiness.targets", years=years))
    if ready.report_missing:
        items.append(text("reminders.readiness.report", fields=" ; ".join(ready.report_missing)))
        items.append(text("reminders.readiness.report_command"))
    return items


def deadline_message(item: DeadlineReminder) -> Outgoing:
    occ = item.occurrence
    deadline = occ.deadline
    late = item.status in (Status.LATE, Status.WAITING)
    # Counted from the day it is read: a late reminder never says « dans 7 jours » when 2 remain.
    days = (occ.deadline.due - item.send_on).days
    when = (
        text("reminders.when.today")
        if days == 0
        else text("reminders.when.tomorrow")
        if days == 1
        else text("reminders.when.days", days=days)
    )
    subject_key = "reminders.subject.deadline_late" if late else "reminders.subject.deadline"
    subject = text(subject_key, what=what(deadline), due=due_on_fr(deadline.due, deadline.precision))
    # A deadline given as a month reads « En octobre 2025 »: no weekday and no day the texts do not give.
    due_line = (
        due_on_fr(deadline.due, deadline.precision).capitalize()
        if deadline.precision == "month"
        else f"{weekday_fr(deadline.due).capitalize()} {date_fr(deadline.due)}"
    )
    paragraphs = [f"{due_line} — {when}"]
    if occ.moved and not late:
        paragraphs.append(text("reminders.when.moved", nominal=date_fr(occ.nominal), day=date_fr(occ.day)))
    if late:
        paragraphs.append(text("reminders.when.late", at=datetime_fr(occ.at.astimezone(PARIS))))
    paragraphs.append(
        text(f"reminders.kind.{_kind(deadline)}.to_whom", recipients=recipients_text(deadline.recipients))
    )
    if deadline.note and _kind(deadline) == "other":
        paragraphs.append(deadline.note)
    paragraphs.append(text("reminders.source", source=deadline.source.cite()))
    lists = []
    contents = _contents(deadline)
    if contents:
        lists.append({"heading": text("reminders.contents_heading"), "items": contents})
    for ready in item.sites:
        heading = text("reminders.readiness.title", site=ready.site.name, finess=ready.site.finess)
        lists.append({"heading": heading, "items": _readiness_items(ready)})
    if item.recipient.why is Why.COORDINATION:
        why = text("reminders.when.why_coordination", sites=", ".join(s.name for s in item.recipient.sites))
    else:
        why = text("reminders.when.why_subscribed")
    return _outgoing(item.key, item.member, "deadline", subject, late, paragraphs, lists, [why], ())


def entry_message(item: EntryReminder) -> Outgoing:
    late = item.status in (Status.LATE, Status.WAITING)
    month = month_fr(item.month)
    subject = text("reminders.subject.entry_late" if late else "reminders.subject.entry", month=month)
    paragraphs = [text("reminders.entry.intro", month=month)]
    if late:
        paragraphs.append(text("reminders.when.late", at=datetime_fr(item.at.astimezone(PARIS))))
    lists = [
        {
            "heading": text("reminders.entry.site", site=gap.site.name, finess=gap.site.finess),
            "items": list(gap.patients),
        }
        for gap in item.sites
    ]
    closing = [text("reminders.entry.how", month_code=str(item.month))]
    # Every patient gets a next step (Slack shows a few as buttons, many as selects): each opens the
    # administration form prefilled with the patient, the month and the site — never a silent write.
    pairs = [(gap.site.finess, code) for gap in item.sites for code in gap.patients]
    button = text("reminders.entry.button", month=month)
    actions = tuple(
        Action(
            label=code if len(pairs) > MAX_DIRECT_BUTTONS else f"{button} — {code}",
            command=f"administration {code} {item.month} site={finess}",
            form="administration",
        )
        for finess, code in pairs
    )
    return _outgoing(item.key, item.member, "entry", subject, late, paragraphs, lists, closing, actions)


def _outgoing(
    key: str,
    member: Member,
    kind: str,
    subject: str,
    late: bool,
    paragraphs: list[str],
    lists: list[dict[str, Any]],
    closing: list[str],
    actions: tuple[Action, ...],
) -> Outgoing:
    model = {
        "title": subject.removeprefix("[Expé 50] "),
        "paragraphs": paragraphs,
        "lists": lists,
        "closing": closing,
        "footer": text("reminders.footer"),
    }
    return Outgoing(
        key=key,
        member=member,
        kind=kind,
        subject=subject,
        text=render("email/reminder.txt.j2", m=model),
        html=render("email/reminder.html.j2", m=model),
        late=late,
        actions=actions,
    )


# ---- digest ----------------------------------------------------------------------------------------------


def _row(line: SiteDigest, year: int, total: bool = False) -> dict[str, Any]:
    pace = line.weekly_pace
    percent = line.percent_year
    return {
        "name": text("reminders.digest.total") if total else line.site.name,
        "finess": "" if total else line.site.finess,
        "total": total,
        "week": number(line.referrals_week),
        "pace": text("reminders.digest.pace", pace=f"{pace:.1f}".replace(".", ","))
        if pace is not None
        else "",
        "bar_week": line.bar_week,
        "year": number(line.referrals_year),
        "target": number(line.target) if line.target else text("reminders.digest.no_target"),
        "bar": line.bar_year,
        "percent": text("reminders.digest.of_target", percent=percent) if percent is not None else "",
        "admin": f"{number(line.administrations_week)} / {number(line.administrations_year)}",
        "forfaits": money(line.forfaits_year)
        if line.forfaits_year is not None
        else text("reminders.digest.unknown"),
    }


def digest_message(digest: Digest, region_name: str | None = None) -> Outgoing:
    year = digest.period.year
    region = region_name or digest.region or ""
    start, end = date_fr(digest.period.start), date_fr(digest.period.end)
    rows = [_row(line, year) for line in digest.sites]
    totals = digest.totals
    if totals is not None:
        rows.append(_row(totals, year, total=True))
    model = {
        "title": text("reminders.digest.title", region=region),
        "period": text("reminders.digest.period", start=start, end=end, year=year),
        "sites_heading": text("reminders.digest.sites"),
        "no_sites": text("reminders.digest.no_sites"),
        "col_site": text("reminders.digest.col_site"),
        "col_week": text("reminders.digest.col_week"),
        "col_year": text("reminders.digest.col_year", year=year),
        "col_admin": text("reminders.digest.col_admin"),
        "col_forfaits": text("reminders.digest.col_forfaits", year=year),
        "rows": rows,
        "waiting_heading": text("reminders.digest.waiting"),
        "no_waiting": text("reminders.digest.no_waiting"),
        "waiting": [waiting_line(q) for q in digest.waiting],
        "waiting_how": text("reminders.digest.waiting_how"),
        "failures_heading": text("reminders.digest.failures"),
        "no_failures": text("reminders.digest.no_failures"),
        "failures": [failure_line(f) for f in digest.failures],
        "failures_note": text("reminders.digest.failures_note"),
        "deadlines_heading": text("reminders.digest.deadlines"),
        "no_deadlines": text("reminders.digest.no_deadlines"),
        "deadlines": [
            text(
                "reminders.digest.deadline_line",
                due=due_fr(c.deadline.due, c.deadline.precision),
                what=what(c.deadline),
                left=text("reminders.days_left", days=c.days_left),
            )
            for c in digest.deadlines
        ],
        "footer": text("reminders.digest.footer"),
    }
    subject = text("reminders.subject.digest", region=region, start=start, end=end)
    return Outgoing(
        key=digest.key,
        member=digest.member,
        kind="digest",
        subject=subject,
        text=render("email/digest.txt.j2", d=model),
        html=render("email/digest.html.j2", d=model),
        late=digest.status is Status.LATE,
    )


def format_instant(moment: datetime) -> str:
    return datetime_fr(moment.astimezone(PARIS))
