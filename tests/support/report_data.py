"""A known dataset for the report tests: one site, six patients, and the exact figures it must give.

Site 760000001 (Normandie), selected on 2025-07-15, targets 10 / 12 / 15 for 2025 / 2026 / 2027, one HAD
(760000002) with a convention, covering commune 76540.

    P1  referred 2025-09-10; home administrations 15 Sep, 6 Oct, 20 Oct, 8 Dec 2025 (RULES.md §4 example):
        Sep inclusion 320, Oct 120, Nov nothing, Dec 120
    P2  referred 2025-11-03; an ORAL administration 10 Nov (never counts), 2 on 20 Nov 2025, 3 in January 2026
        (whole month): Nov inclusion 320, Jan 2026 monthly 120
    P3  referred 2025-11-25; nothing at home yet
    P4  a referral on 2025-12-01, CANCELLED; referred again 2026-02-02; administrations 10 Feb,
        5 Mar (CANCELLED), 1 Apr 2026: Feb inclusion 320, Apr monthly 120
    P5  referred 2026-02-15 and again 2026-06-01; administration 10 Jun 2026: Jun inclusion 320
    P6  referred 2027-01-12; administration 20 Jan 2027: Jan inclusion 320

`FORFAIT_LINES` are those forfaits written by hand (what rules.forfaits must give; the store-backed tests
check that the real computation agrees).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from rules.month import Month
from store.records import Cancellation, Convention, Entry, EntryKind, Had, Patient, Site

SITE = Site(
    finess="760000001",
    name="Centre hospitalier de Test",
    region="normandie",
    category="a",
    legal_finess="760000000",
    selected_on=date(2025, 7, 15),
    targets={2025: 10, 2026: 12, 2027: 15},
)
HAD = Had("760000002", "HAD de Test", ("76540",))
CONVENTION = Convention(SITE.finess, HAD.finess, date(2025, 6, 1))
AT = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
CANCELLED = Cancellation("U-COORD", datetime(2026, 3, 6, 9, 0, tzinfo=UTC))

_counter = iter(range(1, 10_000))


def referral(patient: str, on: date, cancelled: bool = False) -> Entry:
    return Entry(
        kind=EntryKind.REFERRAL,
        reference=f"A-T{next(_counter):04d}",
        site=SITE.finess,
        patient=patient,
        on=on,
        author="U-SAISIE",
        channel="slack",
        at=AT,
        had=HAD.finess,
        commune="76540",
        under_3=False,
        cancelled=CANCELLED if cancelled else None,
    )


def administration(
    patient: str,
    on: date,
    count: int = 1,
    oral: bool = False,
    whole_month: bool = False,
    cancelled: bool = False,
) -> Entry:
    return Entry(
        kind=EntryKind.ADMINISTRATION,
        reference=f"M-T{next(_counter):04d}",
        site=SITE.finess,
        patient=patient,
        on=on,
        author="U-SAISIE",
        channel="slack",
        at=AT,
        count=count,
        oral=oral,
        whole_month=whole_month,
        cancelled=CANCELLED if cancelled else None,
    )


def _patient(code: str, referrals: list[Entry], administrations: list[Entry]) -> Patient:
    return Patient(SITE.finess, code, tuple(referrals), tuple(administrations), ())


REFERRALS: dict[str, list[tuple[date, bool]]] = {
    "P1": [(date(2025, 9, 10), False)],
    "P2": [(date(2025, 11, 3), False)],
    "P3": [(date(2025, 11, 25), False)],
    "P4": [(date(2025, 12, 1), True), (date(2026, 2, 2), False)],
    "P5": [(date(2026, 2, 15), False), (date(2026, 6, 1), False)],
    "P6": [(date(2027, 1, 12), False)],
}
# (day, count, oral, whole_month, cancelled)
ADMINISTRATIONS: dict[str, list[tuple[date, int, bool, bool, bool]]] = {
    "P1": [
        (date(2025, 9, 15), 1, False, False, False),
        (date(2025, 10, 6), 1, False, False, False),
        (date(2025, 10, 20), 1, False, False, False),
        (date(2025, 12, 8), 1, False, False, False),
    ],
    "P2": [
        (date(2025, 11, 10), 1, True, False, False),
        (date(2025, 11, 20), 2, False, False, False),
        (date(2026, 1, 1), 3, False, True, False),
    ],
    "P3": [],
    "P4": [
        (date(2026, 2, 10), 1, False, False, False),
        (date(2026, 3, 5), 1, False, False, True),
        (date(2026, 4, 1), 1, False, False, False),
    ],
    "P5": [(date(2026, 6, 10), 1, False, False, False)],
    "P6": [(date(2027, 1, 20), 1, False, False, False)],
}


def patients() -> list[Patient]:
    return [
        _patient(
            code,
            [referral(code, on, cancelled) for on, cancelled in REFERRALS[code]],
            [administration(code, *row) for row in ADMINISTRATIONS[code]],
        )
        for code in REFERRALS
    ]


@dataclass(frozen=True)
class Line:
    patient: str
    month: Month
    kind: str
    amount: Decimal


def _line(patient: str, year: int, month: int, kind: str) -> Line:
    amounts = {"inclusion": Decimal("320.00"), "monthly": Decimal("120.00"), "none": Decimal("0.00")}
    return Line(patient, Month(year, month), kind, amounts[kind])


FORFAIT_LINES = [
    _line("P1", 2025, 9, "inclusion"),
    _line("P1", 2025, 10, "monthly"),
    _line("P1", 2025, 11, "none"),
    _line("P1", 2025, 12, "monthly"),
    _line("P2", 2025, 11, "inclusion"),
    _line("P2", 2025, 12, "none"),
    _line("P2", 2026, 1, "monthly"),
    _line("P4", 2026, 2, "inclusion"),
    _line("P4", 2026, 3, "none"),
    _line("P4", 2026, 4, "monthly"),
    _line("P5", 2026, 6, "inclusion"),
    _line("P6", 2027, 1, "inclusion"),
]

# The exact figures every computed field must show.
EXPECTED = {
    2025: {
        "adresses_had": 3,
        "had_premiere_admin": 2,
        "administrations": 6,
        "mois_forfait": 4,
        "forfaits_dus": Decimal("880.00"),
        "objectif": 10,
        "atteinte_objectif": Decimal("30.0"),
        "referred_by_month": {9: 1, 11: 2},
        "first_home_by_month": {9: 1, 11: 1},
        "administrations_by_month": {9: 1, 10: 2, 11: 2, 12: 1},
        "due_by_month": {
            9: Decimal("320.00"),
            10: Decimal("120.00"),
            11: Decimal("320.00"),
            12: Decimal("120.00"),
        },
        "inclusions": (2, Decimal("640.00")),
        "monthly": (2, Decimal("240.00")),
    },
    2026: {
        "adresses_had": 2,
        "had_premiere_admin": 2,
        "administrations": 6,
        "mois_forfait": 4,
        "forfaits_dus": Decimal("880.00"),
        "objectif": 12,
        "atteinte_objectif": Decimal("16.7"),
        "referred_by_month": {2: 2, 6: 1},
        "first_home_by_month": {2: 2, 6: 1},
        "administrations_by_month": {1: 3, 2: 1, 4: 1, 6: 1},
        "due_by_month": {
            1: Decimal("120.00"),
            2: Decimal("320.00"),
            4: Decimal("120.00"),
            6: Decimal("320.00"),
        },
        "inclusions": (2, Decimal("640.00")),
        "monthly": (2, Decimal("240.00")),
    },
    2027: {
        "adresses_had": 1,
        "had_premiere_admin": 1,
        "administrations": 1,
        "mois_forfait": 1,
        "forfaits_dus": Decimal("320.00"),
        "objectif": 15,
        "atteinte_objectif": Decimal("6.7"),
        "referred_by_month": {1: 1},
        "first_home_by_month": {1: 1},
        "administrations_by_month": {1: 1},
        "due_by_month": {1: Decimal("320.00")},
        "inclusions": (1, Decimal("320.00")),
        "monthly": (0, Decimal("0.00")),
    },
}
