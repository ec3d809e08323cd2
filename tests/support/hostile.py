"""Hostile input, seeded: the fuzz test (tests/core/test_fuzz.py) and the campaign (scripts/fuzz_campaign.py)
draw from here. Every generator takes a `random.Random` so a run is reproducible from its seed.

A generated input says whether it carries health data (`identifier`): the NIR digits it holds (`needles`),
which must never be found in anything the bot writes, and whether it must be refused.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

VERBS = (
    "aide", "adressage", "administration", "fin", "annuler", "patients", "forfaits", "bilan", "echeances",
    "question", "rapport", "rapport saisir suivi-2027", "etablissement ajouter", "etablissement cible",
    "had ajouter", "convention", "membre ajouter", "eligibilite patient", "eligibilite etablissement",
    "rappels", "historique", "modifier",
)  # fmt: skip
SPACES = (" ", "\u00a0", "\u202f", "\u3000", "\u2003", "\u2028", "\u2029", "\t", "\x1f", "\x0b", "  ")
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e")
ODD = (
    "²",
    "³",
    "¹",
    "½",
    "①",
    "٣",
    "𝟕",
    "Ⅻ",
    "\ud800",
    "\udcff",
    "\udfff",
    "\x00",
    "\x7f",
    "\ufffd",
    "ﬁ",
    "é",
)
GREETINGS = ("bonjour, ", "combien ? ", "merci ", "a", "1", "1.", "Madame, ", "cordialement\n", "  ", "é")
SAFE_TEXT = (
    "P-0042", "P-1", "DEMO-001", "2025-09-10", "2025-10", "760780239", "760024042", "76540", "nombre=2",
    "had=760024042", "commune=76540", "site=760780239", "moins-de-3-ans=non", "2026=40",
    "Tél. 02.35.08.81.81",
    "Décret du 12/03/2019 Rouen", "IBAN FR76 3000 6000 0112 3456 7890 189", "SIRET 26760151500019",
    "320,00 €", "le forfait ne peut pas être versé avant le 12/03/2025", "patients_tmsc_2026=412",
)  # fmt: skip
NAMES = ("Jean Dupont né en 1956", "DUPONT Jeanne 12/03/1956", "Mme Martin, 3 mars 1950", "née le 04/07/1961")


@dataclass(frozen=True)
class Hostile:
    text: str
    kind: str  # what made it: "nir", "name", "long", "odd", "command"
    needles: tuple[str, ...] = field(default_factory=tuple)  # NIR digit strings that must never be written
    nir: str = ""  # the NIR itself, compact, when the input holds one

    @property
    def identifier(self) -> bool:
        return self.kind in ("nir", "name")


def random_nir(rng: random.Random) -> str:
    """A NIR with a right key (sex, year, month, department incl. 2A/2B, commune, order, key)."""
    dept = rng.choice([f"{rng.randint(1, 95):02d}", "2A", "2B"])
    body = (
        f"{rng.choice('12')}{rng.randint(0, 99):02d}{rng.randint(1, 12):02d}{dept}"
        f"{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    )
    numeric = body.replace("2A", "19").replace("2B", "18")
    return f"{body}{97 - int(numeric) % 97:02d}"


def _groups(nir: str) -> list[str]:
    return [nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]]


NIR_FORMS: tuple[Callable[[str, random.Random], str], ...] = (
    lambda n, r: n,
    lambda n, r: " ".join(_groups(n)),
    lambda n, r: "  ".join(_groups(n)),
    lambda n, r: " - ".join(_groups(n)),
    lambda n, r: "/".join(_groups(n)),
    lambda n, r: "_".join(_groups(n)),
    lambda n, r: ".".join(_groups(n)),
    lambda n, r: "\u00a0".join(_groups(n)),
    lambda n, r: "\u200b".join(n),
    lambda n, r: " ".join(n[i : i + 2] for i in range(0, 15, 2)),
    lambda n, r: "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in n),
    lambda n, r: "".join(chr(0x0660 + int(c)) if c.isdigit() else c for c in n),
    lambda n, r: f"P{n}",
    lambda n, r: f"NIR{n}",
    lambda n, r: f"{n}abc",
    lambda n, r: n[:13],
    lambda n, r: " ".join(_groups(n)[:6]),
)


def _needles(nir: str) -> tuple[str, ...]:
    # The NIR without its key, digits only (a Corsican 2A/2B loses its letter): what a file must never hold,
    # however it was spaced. Eleven to thirteen digits: no coincidence in a file's digits.
    return ("".join(ch for ch in nir[:13] if ch.isdigit()),)


def nir_input(rng: random.Random) -> Hostile:
    nir = random_nir(rng)
    form = rng.choice(NIR_FORMS)(nir, rng)
    frame = rng.choice(
        [
            "{}",
            "adressage {} 2025-09-10 had=760024042 commune=76540",
            "administration P-1 2025-10 motif={}",
            "Le patient {} est-il éligible ?",
            "question le patient {} a-t-il droit au forfait ?",
            'fin P-1 2025-11-01 motif="{}"',
            "membre ajouter {}@ch.fr role=saisie site=760780239",
            'rapport saisir suivi-2027 organisation="patient {}"',
        ]
    )
    return Hostile(frame.format(form), "nir", _needles(nir), nir)


def odd_input(rng: random.Random) -> Hostile:
    parts = [rng.choice(VERBS)]
    for _ in range(rng.randint(0, 6)):
        piece = rng.choice(
            [rng.choice(SAFE_TEXT), rng.choice(ODD), rng.choice(INVISIBLE), "=" + rng.choice(ODD)]
        )
        parts.append(rng.choice(SPACES) + piece)
    return Hostile("".join(parts), "odd")


def long_input(rng: random.Random, size: int = 20_000) -> Hostile:
    unit = rng.choice(GREETINGS)
    head = rng.choice(["", "question ", "administration P-1 2025-10 nombre=", "aide "])
    return Hostile(head + (unit * (size // len(unit) + 1))[:size], "long")


def digits_input(rng: random.Random) -> Hostile:
    digits = "9" * rng.choice([5, 50, 4_301, 5_000])
    frame = rng.choice(
        ["administration P-1 2025-10 nombre={}", "etablissement cible 760780239 2026={}",
         "question {} mois ?", "rapport saisir suivi-2027 patients_tmsc_2026={}", "forfaits {}"]
    )  # fmt: skip
    return Hostile(frame.format(digits), "odd")


def name_input(rng: random.Random) -> Hostile:
    return Hostile(f"question {rng.choice(NAMES)} est-il éligible ?", "name")


def any_input(rng: random.Random, *, long_size: int = 20_000) -> Hostile:
    roll = rng.random()
    if roll < 0.35:
        return nir_input(rng)
    if roll < 0.45:
        return name_input(rng)
    if roll < 0.5:
        return long_input(rng, long_size)
    if roll < 0.55:
        return digits_input(rng)
    return odd_input(rng)


def email(hostile: Hostile, rng: random.Random, index: int) -> bytes:
    """A raw email carrying the input in its subject, its body or one of the headers that are echoed."""
    where = rng.choice(["subject", "body", "body", "message-id"]) if hostile.kind == "nir" else "body"
    text = hostile.text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    subject = "Question forfait"
    message_id = f"<fuzz{index}@ch-rouen.fr>"
    body = "Bonjour,\nQuel montant pour le mois d'inclusion ?\nCordialement"
    if where == "subject":
        subject = " ".join(text.split())[:300]
    elif where == "message-id":
        message_id = f"<{hostile.nir}.{index}@ch-rouen.fr>"
    else:
        body = text
    if rng.random() < 0.1 and where != "subject":
        subject = "=?utf-7?q?Question_forfait_+2AA-?="  # decodes to a lone surrogate
    head = (
        f"From: Dr Martin <martin{index % 7}@ch-rouen.fr>\r\nTo: ars@test.local\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\nDate: Mon, 02 Mar 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode("utf-8") + body.encode("utf-8", "replace") + b"\r\n"


def console_stdin(rng: random.Random, count: int, needles: set[str]) -> io.TextIOWrapper:
    """`count` hostile lines as the console reads them under LC_ALL=C: bytes (undecodable ones appended at
    random) decoded as UTF-8 with surrogateescape, as Python does for stdin in that locale. The NIR digits
    that went in are added to `needles`."""
    lines: list[bytes] = []
    for _ in range(count):
        item = any_input(rng, long_size=5_000)
        needles.update(item.needles)
        raw = item.text.replace("\n", " ").encode("utf-8", "surrogatepass")
        lines.append(raw + rng.choice([b"", b"\xff", b"\xc3", b"\xed\xa0\x80"]))
    return io.TextIOWrapper(io.BytesIO(b"\n".join(lines) + b"\n"), encoding="utf-8", errors="surrogateescape")


@dataclass(frozen=True)
class ConsoleSettings:
    """What `run_console` reads of the settings: the database path (for the greeting) and the clock."""

    db_path: Path
    at: datetime

    def now(self) -> datetime:
        return self.at
