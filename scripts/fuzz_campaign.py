"""The full hostile-input campaign: every door, then every file the bot wrote scanned for NIR digits.

    .venv/bin/python scripts/fuzz_campaign.py [--seed N] [--commands 20000] [--mails 1000] [--keep DIR]

Doors: the command language as Slack, the console and `expe50 cmd` reach it (`dispatch`, every channel);
`expe50 cmd` / `ask --json` as real processes, with argv and stdin bytes read under LC_ALL=C; the console
reading undecodable bytes; the Slack forms (report form and adressage form) through their handlers; the mail
processor on a real store, its replies sent by the outbox worker to an SMTP sink on loopback. Inputs come
from tests/support/hostile.py (NIRs in every spelling, names with birth dates, 20 kB texts, surrogates,
Unicode spaces, superscripts, 5,000-digit values), plus the stall inputs of issue #12, each timed.

Then it scans the database, journal, audit journal, outbox, the log written at INFO, the transcripts and the
SMTP sink for the digits of every NIR that went in, and prints: inputs per door, internal errors, tracebacks,
writes on refused input, NIR occurrences, and the latency (max, p99) per door. Exit 1 if any count is not 0.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.mail.outbox import OutboxWorker  # noqa: E402
from bot.mail.processor import MailProcessor  # noqa: E402
from bot.mail.smtp import SmtpSettings, SmtpTransport  # noqa: E402
from bot.slack import forms, report_form  # noqa: E402
from handlers.dispatch import dispatch  # noqa: E402
from handlers.questions import answer_question, preload  # noqa: E402
from handlers.reply import Request  # noqa: E402
from store import schema  # noqa: E402
from store.engine import Database  # noqa: E402
from store.mailbox import Mailbox  # noqa: E402
from store.outbox import Outbox  # noqa: E402
from templates import text  # noqa: E402
from tests.support import hostile  # noqa: E402
from tests.support.conversation import PARIS, Conversation  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=PARIS)
INTERNAL = text("commands.error.internal")
STALLS = {
    '"bonjour, " × 5,556 (50 kB)': "bonjour, " * 5_556,
    '"combien ? " × 10,000': "combien ? " * 10_000,
    '"a" × 100,000': "a" * 100_000,
    "100 kB of 1": "1" * 100_000,
    '100 kB of "1."': "1." * 50_000,
    "question + 2,000 characters of greetings": "question " + ("bonjour, " * 300)[:1_990],
    "question + 2,000 ones": "question " + "1" * 1_990,
    "question + 2,000 « 1. »": "question " + "1." * 995,
}


class Tally:
    def __init__(self) -> None:
        self.inputs: dict[str, int] = defaultdict(int)
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.internal: list[str] = []
        self.refused_writes: list[str] = []
        self.missed: list[str] = []  # health data not refused
        self.needles: set[str] = set()

    def time(self, door: str, seconds: float) -> None:
        self.inputs[door] += 1
        self.latency[door].append(seconds)


def _commands(tally: Tally, work: Path, rng: random.Random, count: int) -> None:
    (work / "commands").mkdir()
    convo = Conversation.start(work / "commands", setup=True)
    audit = convo.ctx.repo.database.audit_path
    for index in range(count):
        item = hostile.any_input(rng, long_size=rng.choice([2_000, 20_000, 100_000]))
        tally.needles.update(item.needles)
        member, channel = rng.choice(
            [(None, "console"), (None, "cli"), ("U0COORD", "slack"), ("U0SAISIE", "slack")]
        )
        before = audit.stat().st_size
        started = time.perf_counter()
        reply = dispatch(
            Request(member, item.text, channel, NOW, f"c-{index}" if channel == "slack" else None),  # type: ignore[arg-type]
            convo.ctx,
        )
        tally.time("commands (dispatch)", time.perf_counter() - started)
        if reply.title == INTERNAL:
            tally.internal.append(f"dispatch: {item.text[:80]!r}")
        if item.identifier:
            if not str(reply.data.get("error", "")).startswith("commands.health."):
                tally.missed.append(f"dispatch: {item.text[:80]!r}")
            if audit.stat().st_size != before:
                tally.refused_writes.append(f"dispatch: {item.text[:80]!r}")
    for label, stall in STALLS.items():
        started = time.perf_counter()
        reply = dispatch(Request(None, stall, "console", NOW), convo.ctx)
        seconds = time.perf_counter() - started
        tally.time("stall inputs (dispatch)", seconds)
        print(f"  stall {label}: {seconds * 1000:.1f} ms ({reply.title[:50]})")
    for stall in STALLS.values():
        started = time.perf_counter()
        answer_question(stall[:2_000], NOW)
        tally.time("stall inputs, 2,000 characters, to the question answerer", time.perf_counter() - started)
    convo.ctx.repo.close()


def _forms(tally: Tally, work: Path, rng: random.Random, count: int) -> None:
    (work / "forms").mkdir()
    convo = Conversation.start(work / "forms", setup=True)
    view = report_form.modal(convo.ask("rapport saisir suivi-2027", as_="U0COORD"), {})
    fields = [b["block_id"] for b in view["blocks"] if b.get("type") == "input"]
    referral = forms.form_for("adressage")
    assert referral is not None
    for index in range(count):
        item = hostile.any_input(rng, long_size=rng.choice([2_000, 20_000]))
        tally.needles.update(item.needles)
        started = time.perf_counter()
        state = {"values": {rng.choice(fields): {"value": {"value": item.text}}}}
        submission = report_form.read({**view, "state": state})
        if submission.command:
            if item.identifier:
                tally.missed.append(f"report form: {item.text[:80]!r}")
            reply = dispatch(Request("U0COORD", submission.command, "slack", NOW, f"r-{index}"), convo.ctx)
            if reply.title == INTERNAL:
                tally.internal.append(f"report form: {item.text[:80]!r}")
        typed = forms.read(
            referral,
            {"patient": {"value": {"value": item.text}}, "date": {"value": {"selected_date": "2025-09-10"}}},
            NOW.date(),
        )
        if not typed.errors:
            if item.identifier:
                tally.missed.append(f"adressage form: {item.text[:80]!r}")
            reply = dispatch(Request("U0SAISIE", typed.command, "slack", NOW, f"f-{index}"), convo.ctx)
            if reply.title == INTERNAL:
                tally.internal.append(f"adressage form: {item.text[:80]!r}")
        tally.time("Slack forms (handlers)", time.perf_counter() - started)
    convo.ctx.repo.close()


def _console(tally: Tally, work: Path, rng: random.Random, count: int) -> None:
    from bot.console import run_console

    (work / "console").mkdir()
    convo = Conversation.start(work / "console", setup=True)
    stdin = hostile.console_stdin(rng, count, tally.needles)
    out = io.StringIO()
    settings = hostile.ConsoleSettings(work / "console" / "db.json", NOW)
    started = time.perf_counter()
    run_console(convo.ctx, settings, stdin=stdin, stdout=out)  # type: ignore[arg-type]
    tally.inputs["console (bytes under LC_ALL=C)"] += count
    tally.latency["console (bytes under LC_ALL=C)"].append((time.perf_counter() - started) / max(count, 1))
    transcript = out.getvalue()
    tally.internal += ["console"] * transcript.count(INTERNAL)
    (work / "console" / "transcript.txt").write_text(transcript.encode("utf-8", "replace").decode(), "utf-8")
    convo.ctx.repo.close()


def _processes(tally: Tally, work: Path, rng: random.Random, count: int) -> None:
    folder = work / "processes"
    folder.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EXPE50_", "SLACK_", "IMAP_", "SMTP_"))}
    env.update(
        {
            "LC_ALL": "C",
            "PYTHONPATH": str(ROOT),
            "EXPE50_NOW": "2026-03-02T10:00",
            "EXPE50_DB": str(folder / "db.json"),
        }
    )
    outputs = []
    for index in range(count):
        item = hostile.any_input(rng, long_size=2_000)
        tally.needles.update(item.needles)
        argv = item.text.replace("\x00", "").encode("utf-8", "surrogatepass") + rng.choice([b"", b"\xff"])
        action = ["cmd", "--json"] if index % 2 else ["ask", "--json"]
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", *action, argv], env=env, capture_output=True, timeout=120
        )
        tally.time("expe50 cmd / ask --json (processes)", time.perf_counter() - started)
        outputs.append(result.stdout + b"\n" + result.stderr)
        if b"Traceback" in result.stderr or result.returncode not in (0, 1):
            tally.internal.append(f"process: {item.text[:80]!r} -> {result.returncode}")
    (folder / "outputs.txt").write_bytes(b"\n".join(outputs))


def _mail(tally: Tally, work: Path, rng: random.Random, count: int) -> None:
    folder = work / "mail"
    folder.mkdir()
    smtp = SmtpServer()
    smtp.up()
    db = Database.open(folder / "mail.json", schema_version=schema.SCHEMA_VERSION)
    outbox = Outbox(db, "ARS Expé 50 <ars@test.local>", backoff_base=timedelta(seconds=0))
    worker = OutboxWorker(
        outbox, SmtpTransport(SmtpSettings(smtp.host, smtp.port, "none", timeout=10)), lambda: NOW
    )
    processor = MailProcessor(
        mailbox=Mailbox(db),
        outbox=outbox,
        answer=lambda question, now: answer_question(question, now),
        sender="ARS Expé 50 <ars@test.local>",
        daily_limit=100_000,
    )
    for index in range(count):
        item = hostile.any_input(rng, long_size=20_000)
        tally.needles.update(item.needles)
        raw = hostile.email(item, rng, index)
        started = time.perf_counter()
        result = processor.process(raw, NOW)
        tally.time("mail processing", time.perf_counter() - started)
        if result.outcome in ("failed", "retry"):
            tally.internal.append(f"mail: {item.text[:80]!r} -> {result.outcome}")
        if item.identifier and result.outcome not in ("refused", "ignored"):
            tally.missed.append(f"mail: {item.text[:80]!r} -> {result.outcome}")
    for index, stall in enumerate(STALLS.values()):
        raw = hostile.email(hostile.Hostile(stall[:20_000], "long"), rng, 500_000 + index)
        started = time.perf_counter()
        processor.process(raw, NOW)
        tally.time("stall inputs (mail, 20 kB bodies)", time.perf_counter() - started)
    question = hostile.Hostile("Quel montant pour le mois d'inclusion ?", "odd")
    poisoned = hostile.email(question, rng, 999_998).replace(
        b"Subject: Question forfait", b"Subject: =?utf-7?q?Question_forfait_+2AA-?="
    )
    outcome = processor.process(poisoned, NOW).outcome
    print(f"  poison email (UTF-7 subject decoding to a lone surrogate): {outcome}")
    normal = hostile.email(question, rng, 999_999)
    print(f"  the normal question after it: {processor.process(normal, NOW).outcome}")
    while worker.run_once():
        pass
    smtp.down()
    (folder / "smtp-sink.eml").write_bytes(b"\n\n".join(item.raw for item in smtp.received))
    print(f"  SMTP sink: {len(smtp.received)} messages")
    db.close()


def _scan(work: Path, needles: set[str]) -> dict[str, int]:
    found: dict[str, int] = defaultdict(int)
    for path in sorted(work.rglob("*")):
        if not path.is_file():
            continue
        digits = "".join(ch for ch in path.read_bytes().decode("utf-8", "replace") if ch.isdigit())
        hits = sum(1 for needle in needles if needle in digits)
        found[str(path.relative_to(work))] += hits
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--commands", type=int, default=20_000)
    parser.add_argument("--forms", type=int, default=3_000)
    parser.add_argument("--console", type=int, default=3_000)
    parser.add_argument("--processes", type=int, default=40)
    parser.add_argument("--mails", type=int, default=1_000)
    parser.add_argument(
        "--keep", type=Path, help="keep every file written here (default: a temp dir, removed)"
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="expe50-fuzz-"))
    work.mkdir(parents=True, exist_ok=True)
    log_path = work / "bot-info.log"
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    rng = random.Random(args.seed)
    tally = Tally()
    preload()
    started = time.perf_counter()
    print(f"campaign seed {args.seed} in {work}")
    for run_door, count in (
        (_commands, args.commands),
        (_forms, args.forms),
        (_console, args.console),
        (_processes, args.processes),
        (_mail, args.mails),
    ):
        print(f"{run_door.__name__.strip('_')}: {count} inputs")
        run_door(tally, work, rng, count)
    handler.flush()
    tracebacks = log_path.read_text("utf-8", "replace").count("Traceback")
    hits = _scan(work, tally.needles)
    elapsed = time.perf_counter() - started
    print(f"\n{sum(tally.inputs.values())} inputs in {elapsed:.0f} s, {len(tally.needles)} distinct NIRs")
    print("| door | inputs | max ms | p99 ms | median ms |")
    print("|---|---|---|---|---|")
    for door, values in tally.latency.items():
        ordered = sorted(values)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        print(
            f"| {door} | {tally.inputs[door]} | {max(values) * 1000:.1f} | {p99 * 1000:.1f} | "
            f"{statistics.median(values) * 1000:.2f} |"
        )
    counts = {
        "internal errors": len(tally.internal),
        "tracebacks in the INFO log": tracebacks,
        "writes on refused input": len(tally.refused_writes),
        "health data not refused": len(tally.missed),
        "NIR occurrences in written files": sum(hits.values()),
    }
    print()
    for name, value in counts.items():
        print(f"{name}: {value}")
    for problem in (tally.internal + tally.refused_writes + tally.missed)[:20]:
        print("  ", problem)
    for name, value in hits.items():
        if value:
            print(f"   NIR digits in {name}: {value}")
    print("files scanned:", ", ".join(sorted(hits)))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if any(counts.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
