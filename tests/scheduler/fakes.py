"""In-memory records for the scheduler tests: a region with two sites, their staff, and patients."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rules.parameters import Deadline
from rules.reasons import Confidence, Source
from store.records import Entry, EntryKind, Member, Patient, Role, Site

PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2025, 9, 1, 12, 0, tzinfo=PARIS)


def paris(text: str) -> datetime:
    """'2027-08-02T09:00' read as Paris wall time."""
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def deadline(key: str, due: date, kind: str = "other", region: str | None = "normandie") -> Deadline:
    return Deadline(
        key=key,
        kind=kind,  # type: ignore[arg-type]
        due=due,
        region=region,
        covers=(),
        source=Source("test"),
        confidence=Confidence.TEXT,
    )


def entry(kind: EntryKind, site: str, patient: str, on: date, n: int) -> Entry:
    return Entry(
        kind=kind, reference=f"{kind.value[0].upper()}-{patient}-{n}", site=site, patient=patient, on=on,
        author="U0", channel="console", at=AT,
    )  # fmt: skip


def patient(
    site: str, code: str, referred: date, administered: list[date], ended: date | None = None
) -> Patient:
    return Patient(
        site=site,
        code=code,
        referrals=(entry(EntryKind.REFERRAL, site, code, referred, 0),),
        administrations=tuple(
            entry(EntryKind.ADMINISTRATION, site, code, d, i) for i, d in enumerate(administered)
        ),
        ends=(entry(EntryKind.END, site, code, ended, 0),) if ended else (),
    )


ROUEN = Site("760000001", "CHU de Rouen", "normandie", "a", targets={2025: 10, 2026: 20, 2027: 30})
CAEN = Site("140000001", "Centre François Baclesse", "normandie", "b", targets={2026: 15})
PARIS_SITE = Site("750000001", "Hôpital Saint-Louis", "ile-de-france", "a")

COORD_ROUEN = Member("UCOORDR1", Role.COORDINATION, (ROUEN.finess,), email="coord.rouen@example.org")
COORD_CAEN = Member(
    "coord.caen@example.org", Role.COORDINATION, (CAEN.finess,), email="coord.caen@example.org"
)
SAISIE_ROUEN = Member("USAISIER1", Role.SAISIE, (ROUEN.finess,), email="saisie.rouen@example.org")
SAISIE_SUB = Member("USAISIES1", Role.SAISIE, (CAEN.finess,), reminders=True)
ARS_SUB = Member(
    "agent@ars.example.org", Role.ARS, region="normandie", email="agent@ars.example.org", reminders=True
)
ARS_IDF = Member("idf@ars.example.org", Role.ARS, region="ile-de-france", email="idf@ars.example.org")


@dataclass
class FakeStore:
    site_list: list[Site] = field(default_factory=lambda: [ROUEN, CAEN, PARIS_SITE])
    member_list: list[Member] = field(
        default_factory=lambda: [COORD_ROUEN, COORD_CAEN, SAISIE_ROUEN, SAISIE_SUB, ARS_SUB, ARS_IDF]
    )
    patient_map: dict[str, list[Patient]] = field(default_factory=dict)

    def sites(self, region: str | None = None) -> list[Site]:
        return [s for s in self.site_list if region is None or s.region == region]

    def members(self) -> list[Member]:
        return list(self.member_list)

    def patients(self, site: str) -> list[Patient]:
        return list(self.patient_map.get(site, []))


def store_with_patients() -> FakeStore:
    """Rouen: P1 logged every month of 2026-2027 but July 2027; P2 referred in March 2027, nothing logged;
    P3 ended in May 2027. Caen: C1 referred June 2027, nothing logged."""
    months_2026_2027 = [date(y, m, 10) for y in (2026, 2027) for m in range(1, 13) if (y, m) != (2027, 7)]
    return FakeStore(
        patient_map={
            ROUEN.finess: [
                patient(
                    ROUEN.finess,
                    "P1",
                    date(2025, 12, 15),
                    [d for d in months_2026_2027 if d < date(2027, 8, 1)],
                ),
                patient(ROUEN.finess, "P2", date(2027, 3, 3), []),
                patient(ROUEN.finess, "P3", date(2026, 1, 5), [date(2026, 1, 6)], ended=date(2027, 5, 20)),
            ],
            CAEN.finess: [patient(CAEN.finess, "C1", date(2027, 6, 1), [])],
        }
    )
