"""Reading commands: `patients` (who is in care, what is missing), `forfaits` (what is due, itemised) and
`bilan` (activity against the target)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial

from handlers.context import Context, Invocation
from handlers.explain import reason_lines
from handlers.referral_check import referral_decision
from handlers.registry import READERS, WRITERS, Kind, Param, command
from handlers.reply import Action, Fact, Reply, Status
from handlers.scope import sites_for_read
from handlers.tables import Sheet, TableFile
from rules.forfaits import (
    AdministrationRecord,
    CapTariffs,
    EndRecord,
    ForfaitLine,
    ForfaitStatement,
    ReferralRecord,
    cap_unchecked,
    compute_forfaits,
)
from rules.month import Month, months_between
from rules.reasons import Reason, Verdict
from store.records import EntryKind, Role, Site
from templates import date_fr, money, month_fr, plural, text

# Beyond this many lines a text reply gives totals and says the detail is in `--json` / the export.
MAX_LINES = 60
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class _PatientForfaits:
    """What one patient's entries give, memoised until the next write about that patient: the forfait lines
    and the facts still missing before its referral can earn anything (empty once a referral is settled)."""

    lines: tuple[ForfaitLine, ...]
    pending: tuple[str, ...]


_MEMO_KEY = "forfaits"


def _referral_records(ctx: Context, site: str, patient: str) -> tuple[list[ReferralRecord], tuple[str, ...]]:
    start, end = ctx.params.covered_start, ctx.params.covered_end
    records: list[ReferralRecord] = []
    missing: dict[str, None] = {}
    settled = False
    for entry in ctx.repo.patient_entries(site, patient, EntryKind.REFERRAL):
        decision = referral_decision(ctx, entry)
        if decision.value is Verdict.UNDETERMINED:
            missing.update((m.fact, None) for m in decision.missing)
        else:
            settled = True
        if start <= entry.on <= end:
            # A referral still waiting for a fact is neither paid nor refused: its administrations wait.
            eligible = None if decision.value is Verdict.UNDETERMINED else decision.value is Verdict.YES
            records.append(ReferralRecord(entry.patient, entry.site, entry.on, eligible))
    return records, () if settled else tuple(missing)


def _administration_records(ctx: Context, site: str, patient: str) -> list[AdministrationRecord]:
    start, end = ctx.params.covered_start, ctx.params.covered_end
    return [
        AdministrationRecord(e.patient, e.site, e.on, e.count, e.oral, e.whole_month)
        for e in ctx.repo.patient_entries(site, patient, EntryKind.ADMINISTRATION)
        if start <= e.on <= end
    ]


def _end_records(ctx: Context, site: str, patient: str) -> list[EndRecord]:
    start, end = ctx.params.covered_start, ctx.params.covered_end
    return [
        EndRecord(e.patient, e.site, e.on)
        for e in ctx.repo.patient_entries(site, patient, EntryKind.END)
        if start <= e.on <= end
    ]


def cap_tariffs(ctx: Context, site: str) -> dict[int, CapTariffs]:
    """The HDJ and HAD tariffs coordination entered for a site, per year, as the rules read them."""
    found = ctx.repo.site(site)
    if found is None:
        return {}
    return {year: CapTariffs(t.hdj, t.had, t.source) for year, t in found.tariffs.items()}


def _compute_patients(ctx: Context, site: str, patients: list[str]) -> dict[str, _PatientForfaits]:
    """The forfaits of several patients of one site in one pass of the rules: a pass has a fixed cost that
    would dominate if paid once per patient (10,000 patients in a region)."""
    referrals: list[ReferralRecord] = []
    administrations: list[AdministrationRecord] = []
    ends: list[EndRecord] = []
    pending: dict[str, tuple[str, ...]] = {}
    for patient in patients:
        records, pending[patient] = _referral_records(ctx, site, patient)
        referrals.extend(records)
        administrations.extend(_administration_records(ctx, site, patient))
        ends.extend(_end_records(ctx, site, patient))
    lines: dict[str, list[ForfaitLine]] = {patient: [] for patient in patients}
    statement = compute_forfaits(
        referrals, administrations, ctx.params, ends=ends, tariffs=cap_tariffs(ctx, site)
    )
    for line in statement.lines:
        lines[line.patient].append(line)
    return {patient: _PatientForfaits(tuple(lines[patient]), pending[patient]) for patient in patients}


def _given(value: _PatientForfaits) -> _PatientForfaits:
    return value


def _patient_forfaits(ctx: Context, site: str, patient: str) -> _PatientForfaits:
    return ctx.repo.memo_patient(
        site, patient, _MEMO_KEY, lambda: _compute_patients(ctx, site, [patient])[patient]
    )


def pending_facts(ctx: Context, site: str, patient: str) -> tuple[str, ...]:
    """The facts still missing before a patient's referral can earn anything."""
    return _patient_forfaits(ctx, site, patient).pending


def site_statement(ctx: Context, site: Site) -> ForfaitStatement:
    """Every forfait line of one site, memoised until the next write to that site; after a write only the
    patient written about is computed again, and a cold site (just opened) is computed in one pass."""

    def compute() -> ForfaitStatement:
        codes = ctx.repo.patient_codes(site.finess)
        cold = [code for code in codes if not ctx.repo.has_patient_memo(site.finess, code, _MEMO_KEY)]
        if len(cold) > 1:
            for code, value in _compute_patients(ctx, site.finess, cold).items():
                ctx.repo.memo_patient(site.finess, code, _MEMO_KEY, partial(_given, value))
        base = compute_forfaits([], [], ctx.params)
        lines = [line for code in codes for line in _patient_forfaits(ctx, site.finess, code).lines]
        return ForfaitStatement(lines, base.inclusion_paid, base.monthly_paid, base.payment_year_offset)

    return ctx.repo.memo(site.finess, "forfaits", compute)


def _period(value: int | Month | None, today: date) -> tuple[Month, Month, str]:
    if value is None:
        value = today.year
    if isinstance(value, Month):
        return value, value, month_fr(value)
    return Month(value, 1), Month(value, 12), str(value)


@command(
    "forfaits",
    roles=READERS,
    positionals=[Param("période", Kind.YEAR_OR_MONTH)],
    options=[Param("site", Kind.FINESS), Param("tableau", Kind.YES_NO)],
    aliases=("forfait",),
)
def forfaits(inv: Invocation, ctx: Context) -> Reply:
    usage = ("forfaits", None)
    sites = sites_for_read(inv.actor, ctx, inv.args.get("site"), usage)
    first, last, label = _period(inv.args.get("période"), inv.request.now.date())
    body: list[str] = []
    data_sites = []
    table: list[list[object]] = []  # every paying line, for the attachment of a long answer
    grand = ZERO
    shown = 0
    # The rules behind the figures, each once (lines share their tuples of reasons: one look at each).
    applied: dict[tuple[str, str], Reason] = {}
    unchecked_years: set[int] = set()
    for site in sites:
        statement = site_statement(ctx, site).for_period(first, last)
        total = statement.total()
        grand += total
        seen: set[int] = set()
        for line in statement.lines:
            if id(line.reasons) not in seen:
                seen.add(id(line.reasons))
                for reason in line.reasons:
                    applied.setdefault((reason.rule, reason.outcome.value), reason)
        paying = [line for line in statement.lines if line.amount > 0]
        if wants_table(inv):
            kinds = {kind: text(f"commands.forfaits.kind.{kind}") for kind in {ln.kind for ln in paying}}
            table.extend(
                [site.finess, site.name, ln.patient, ln.month, kinds[ln.kind], ln.amount] for ln in paying
            )
        body.append(
            text(
                "commands.forfaits.site",
                name=site.name,
                finess=site.finess,
                total=money(total),
                patients=plural(len({line.patient for line in paying}), "patient"),
            )
        )
        for line in paying:
            if shown < MAX_LINES:
                body.append(
                    text(
                        "commands.forfaits.line",
                        patient=line.patient,
                        month=month_fr(line.month),
                        kind=text(f"commands.forfaits.kind.{line.kind}"),
                        amount=money(line.amount),
                    )
                )
            shown += 1
        pending = {
            patient: facts
            for patient in ctx.repo.patient_codes(site.finess)
            if (facts := pending_facts(ctx, site.finess, patient))
        }
        if pending:
            body.append(text("commands.forfaits.pending", count=plural(len(pending), "patient")))
            for patient, facts in list(pending.items())[: max(MAX_LINES - shown, 3)]:
                labels = ", ".join(text(f"commands.forfaits.pending_fact.{fact}") for fact in facts)
                body.append(text("commands.forfaits.pending_line", patient=patient, facts=labels))
        # Whether the HDJ − HAD cap was checked is said for every site and year, never left to silence.
        checked: dict[str, bool] = {}
        for year in range(first.year, last.year + 1):
            tariffs = site.tariffs.get(year)
            checked[str(year)] = tariffs is not None
            if tariffs is None:
                body.append(text("commands.forfaits.cap_unchecked", year=year, finess=site.finess))
                unchecked_years.add(year)
                continue
            monthly = ctx.params.monthly_amount.at(Month(year, 12).last_day()).value
            cap = max(tariffs.hdj - tariffs.had, ZERO)
            body.append(
                text(
                    "commands.forfaits.cap_checked",
                    year=year,
                    hdj=money(tariffs.hdj),
                    had=money(tariffs.had),
                    source=tariffs.source,
                    applied=cap < monthly,
                    paid=money(min(cap, monthly)),
                )
            )
        data_sites.append(
            {
                "site": site.finess,
                "cap_checked": checked,
                "pending": {patient: list(facts) for patient, facts in pending.items()},
                "total": str(total),
                "lines": [
                    {"patient": ln.patient, "month": str(ln.month), "kind": ln.kind, "amount": str(ln.amount)}
                    for ln in statement.lines
                ],
            }
        )
    files: list[TableFile] = []
    actions = []
    if wants_table(inv):
        from handlers.report_tables import forfaits_sheet

        files.append(
            table_file(f"forfaits-{_period_code(first, last)}.xlsx", forfaits_sheet(label, table, grand))
        )
        body.append(text("commands.forfaits.table_attached", count=len(table)))
    elif shown > MAX_LINES and attaches(inv):
        body.append(text("commands.forfaits.more_on_demand", count=shown - MAX_LINES))
        actions.append(table_action(inv, "forfaits"))
    elif shown > MAX_LINES:
        body.append(text("commands.forfaits.more", count=shown - MAX_LINES))
    if not shown:
        body.append(text("commands.forfaits.none"))
    body.append(text("commands.forfaits.payment", year=last.year + 1))
    if unchecked_years:
        note = cap_unchecked(ctx.params, unchecked_years)
        applied[(note.rule, note.outcome.value)] = note
    return Reply(
        Status.OK,
        text("commands.forfaits.title", period=label),
        body=body,
        facts=[
            Fact(text("commands.label.total"), money(grand)),
            Fact(text("commands.label.sites"), str(len(sites))),
        ],
        reasons=reason_lines(applied.values()),
        actions=actions,
        data={
            "period": label,
            "total": str(grand),
            "sites": data_sites,
            **({"files": [file_data(f) for f in files]} if files else {}),
        },
        attachments=files,
    )


@command(
    "patients",
    roles=WRITERS | {Role.ARS},
    options=[Param("site", Kind.FINESS), Param("tableau", Kind.YES_NO)],
    aliases=("patient",),
)
def patients(inv: Invocation, ctx: Context) -> Reply:
    usage = ("patients", None)
    today = inv.request.now.date()
    last_complete = Month.of(today).previous()
    sites = sites_for_read(inv.actor, ctx, inv.args.get("site"), usage)
    body: list[str] = []
    rows = []
    table: list[list[object]] = []  # every patient in care, for the attachment of a long answer
    left_out = 0
    for site in sites:
        in_care = 0
        site_lines: list[str] = []
        for patient in ctx.repo.patients(site.finess):
            referrals = [r for r in patient.referrals if r.active]
            if not referrals:
                continue
            ends = [e for e in patient.ends if e.active and e.on >= max(r.on for r in referrals)]
            if ends:
                continue
            in_care += 1
            first = min(r.on for r in referrals)
            logged = {Month.of(a.on) for a in patient.administrations if a.active}
            last = max(logged) if logged else None
            missing = [m for m in months_between(Month.of(first), last_complete) if m not in logged]
            active = [e for e in (*referrals, *patient.administrations, *patient.ends) if e.active]
            reference = max(active, key=lambda e: (e.at, e.on)).reference
            rows.append(
                {
                    "site": site.finess,
                    "patient": patient.code,
                    "referred": first.isoformat(),
                    "last_month": str(last) if last else None,
                    "missing": [str(m) for m in missing],
                    "last_reference": reference,
                }
            )
            if wants_table(inv):
                shown_last = str(last) if last else None
                table.append([site.finess, patient.code, first, shown_last, ", ".join(map(str, missing))])
            if len(site_lines) >= MAX_LINES:
                left_out += 1
            else:
                site_lines.append(
                    text(
                        "commands.patients.line",
                        patient=patient.code,
                        referred=date_fr(first),
                        last=month_fr(last) if last else None,
                        missing=", ".join(month_fr(m) for m in missing[-6:]),
                        missing_count=len(missing),
                        reference=reference,
                    )
                )
        body.append(
            text(
                "commands.patients.site", name=site.name, finess=site.finess, count=plural(in_care, "patient")
            )
        )
        body.extend(site_lines)
    if not rows:
        body.append(text("commands.patients.none"))
    files: list[TableFile] = []
    actions = []
    if wants_table(inv):
        from handlers.report_tables import patients_sheet

        files.append(table_file(f"patients-{today.isoformat()}.xlsx", patients_sheet(table)))
        body.append(text("commands.patients.table_attached", count=len(table)))
    elif left_out and attaches(inv):
        body.append(text("commands.patients.more_on_demand", count=left_out))
        actions.append(table_action(inv, "patients"))
    elif left_out:
        body.append(text("commands.patients.more", count=left_out))
    return Reply(
        Status.OK,
        text("commands.patients.title"),
        body=body,
        facts=[Fact(text("commands.patients.in_care"), str(len(rows)))],
        actions=actions,
        data={"patients": rows, **({"files": [file_data(f) for f in files]} if files else {})},
        attachments=files,
    )


def attaches(inv: Invocation) -> bool:
    """Only Slack delivers a reply's full table today (to the member's direct messages); elsewhere the
    answer points to the JSON output instead of promising a file."""
    return inv.request.channel == "slack"


def table_file(filename: str, sheet: Sheet) -> TableFile:
    """A full table attached to the answer, typed (the channel writes the XLSX: bot/export.py)."""
    return TableFile(filename, sheet.title, (sheet,))


def wants_table(inv: Invocation) -> bool:
    """`tableau=oui`: the full table as an XLSX. Only on demand: writing ten thousand rows takes seconds,
    far too long to pay on every long answer."""
    return bool(inv.args.get("tableau")) and attaches(inv)


def table_action(inv: Invocation, verb: str) -> Action:
    """The next step of a long answer: the same command with `tableau=oui`."""
    period = inv.args.get("période")
    site = inv.args.get("site")
    words = [verb, *([str(period)] if period is not None else []), *([f"site={site}"] if site else [])]
    return Action(text("commands.table.button"), " ".join([*words, "tableau=oui"]))


def file_data(attachment: TableFile) -> dict[str, str]:
    """What `Reply.data["files"]` says of an attachment (its name, never its content)."""
    return {"filename": attachment.filename, "title": attachment.title, "media_type": attachment.media_type}


def _period_code(first: Month, last: Month) -> str:
    return str(first) if first == last else str(first.year)


def _activity(ctx: Context, site: Site, year: int) -> tuple[int, int, Decimal]:
    """Referrals, non-oral home administrations and forfaits of one site in one year."""
    referrals = sum(1 for e in ctx.repo.entries(site.finess, EntryKind.REFERRAL) if e.on.year == year)
    administrations = sum(
        e.count
        for e in ctx.repo.entries(site.finess, EntryKind.ADMINISTRATION)
        if e.on.year == year and not e.oral
    )
    amount = site_statement(ctx, site).for_period(Month(year, 1), Month(year, 12)).total()
    return referrals, administrations, amount


def warm_up(ctx: Context) -> None:
    """Compute every site's forfaits once (after opening), so that the first region-wide read is fast."""
    for site in ctx.repo.sites():
        site_statement(ctx, site)


@command(
    "bilan",
    roles=READERS,
    positionals=[Param("année", Kind.YEAR)],
    options=[Param("site", Kind.FINESS)],
)
def bilan(inv: Invocation, ctx: Context) -> Reply:
    usage = ("bilan", None)
    year: int = inv.args.get("année") or inv.request.now.year
    sites = sites_for_read(inv.actor, ctx, inv.args.get("site"), usage)
    body: list[str] = []
    rows = []
    totals = {"referrals": 0, "target": 0, "administrations": 0}
    for site in sites:
        count, administrations, amount = ctx.repo.memo(
            site.finess, ("bilan", year), partial(_activity, ctx, site, year)
        )
        referrals = range(count)
        target = site.targets.get(year)
        totals["referrals"] += len(referrals)
        totals["administrations"] += administrations
        totals["target"] += target or 0
        rate = f"{round(100 * len(referrals) / target)} %" if target else None
        body.append(
            text(
                "commands.bilan.site",
                name=site.name,
                finess=site.finess,
                referrals=len(referrals),
                target=target,
                rate=rate,
                administrations=administrations,
                amount=money(amount),
            )
        )
        rows.append(
            {
                "site": site.finess,
                "referrals": len(referrals),
                "target": target,
                "administrations": administrations,
                "forfaits": str(amount),
            }
        )
    return Reply(
        Status.OK,
        text("commands.bilan.title", year=year),
        body=body,
        facts=[
            Fact(text("commands.bilan.referrals"), str(totals["referrals"])),
            Fact(text("commands.label.target"), str(totals["target"]) if totals["target"] else "—"),
            Fact(text("commands.bilan.administrations"), str(totals["administrations"])),
        ],
        data={"year": year, "sites": rows, "totals": totals},
    )
