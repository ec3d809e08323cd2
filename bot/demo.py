"""`expe50 demo`: a fictitious region to try the console at once, clearly marked "DÉMO — données fictives".

Every name starts with "DÉMO", every FINESS starts with 99 (no such department), patient codes start with
DEMO-: nothing can be taken for a real establishment or a real patient. The data is written through the same
commands a user types (so it is validated and audited like anything else), dated relative to `now`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.reply import Channel, Request
from rules.month import Month

DEMO_ACTOR_CHANNEL: Channel = "cli"


def finess(body: str) -> str:
    """A FINESS from its first 8 characters, with a Luhn key (so that no key warning distracts the demo)."""
    for key in "0123456789":
        number = body + key
        total = 0
        for index, char in enumerate(reversed(number)):
            value = int(char)
            if index % 2 == 1:
                value = value * 2 - 9 if value * 2 > 9 else value * 2
            total += value
        if total % 10 == 0:
            return number
    raise AssertionError(body)


SITES = (
    (finess("99000001"), "DÉMO — Centre hospitalier fictif du Littoral", "a"),
    (finess("99000002"), "DÉMO — Clinique fictive des Tilleuls", "d"),
    (finess("99000003"), "DÉMO — Centre fictif de lutte contre le cancer", "b"),
)
HADS = (
    (finess("99100001"), "DÉMO — HAD fictive du Bocage", "99001,99002,99003", "non"),
    (finess("99100002"), "DÉMO — HAD pédiatrique fictive", "99001,99004", "oui"),
)
SELECTION = date(2025, 7, 15)


def _script(now: datetime) -> list[str]:
    today = now.date()
    lines: list[str] = []
    for number, name, category in SITES:
        lines.append(
            f'etablissement ajouter {number} nom="{name}" region=normandie categorie={category} '
            f"selection={SELECTION.isoformat()}"
        )
        lines.append(f"etablissement cible {number} 2025=8 2026=20 2027=25")
    for number, name, communes, under_3 in HADS:
        lines.append(f'had ajouter {number} nom="{name}" communes={communes} moins-de-3-ans={under_3}')
    for site, _, _ in SITES:
        lines.append(f"convention {site} {HADS[0][0]} date=2025-03-01")
    lines.append(f"convention {SITES[0][0]} {HADS[1][0]} date=2025-03-01")
    lines.append(f"membre ajouter demo.saisie@exemple.invalid role=saisie site={SITES[0][0]}")
    lines.append(f"membre ajouter demo.coordination@exemple.invalid role=coordination site={SITES[0][0]}")
    lines.append("membre ajouter demo.ars@exemple.invalid role=ars region=normandie")
    # Twelve fictitious patients referred month after month since the selection, with home administrations
    # most months (some gaps, one oral treatment, one end of care), so that forfaits, patients and bilan show.
    first = Month.of(SELECTION).next()
    for index in range(12):
        site = SITES[index % len(SITES)][0]
        month = Month(first.year, first.month)
        for _ in range(index // 2):
            month = month.next()
        referral = month.first_day() + timedelta(days=2 + index)
        if referral > today:
            continue
        code = f"DEMO-{index + 1:03d}"
        lines.append(
            f"adressage {code} {referral.isoformat()} had={HADS[0][0]} site={site} commune=99001 "
            "moins-de-3-ans=non"
        )
        current = month
        step = 0
        while current.first_day() <= today:
            day = current.first_day() + timedelta(days=min(27, 4 + index))
            if day < referral:
                day = referral
            if day <= today and (step + index) % 4 != 3:
                route = " traitement=oral" if index == 5 and step == 1 else ""
                lines.append(f"administration {code} {day.isoformat()} site={site}{route}")
            current = current.next()
            step += 1
        if index == 7:
            end = today - timedelta(days=3)
            if end > referral:
                lines.append(f'fin {code} {end.isoformat()} site={site} motif="retour en HDJ"')
    return lines


DEMO_NAME_PREFIX = "DÉMO"
DEMO_FINESS_PREFIX = "99"


def real_setup(ctx: Context) -> list[str]:
    """The names of the sites and HADs that are not the demonstration's: the demo never loads beside them,
    so fictitious figures can never mix with a region's real ones."""
    found = [(s.finess, s.name) for s in ctx.repo.sites()] + [(h.finess, h.name) for h in ctx.repo.hads()]
    return [
        f"{name} ({number})"
        for number, name in found
        if not (number.startswith(DEMO_FINESS_PREFIX) and name.startswith(DEMO_NAME_PREFIX))
    ]


def load_demo(ctx: Context, now: datetime) -> dict[str, int]:
    """Write the demonstration region; returns counts for the greeting. Raises when a line is refused (a bug
    in this script, never a user's error)."""
    for line in _script(now):
        reply = dispatch(Request(ctx.operator_id, line, DEMO_ACTOR_CHANNEL, now), ctx)
        if not reply.ok:
            raise RuntimeError(f"demo line refused: {line!r}: {reply.title}")
    patients = sum(len(ctx.repo.patients(site.finess)) for site in ctx.repo.sites())
    return {"sites": len(ctx.repo.sites()), "hads": len(ctx.repo.hads()), "patients": patients}
