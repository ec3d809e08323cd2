"""The domain records the repository hands out: plain frozen values, never engine documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class Role(StrEnum):
    SAISIE = "saisie"  # data entry for its site
    COORDINATION = "coordination"  # a site's coordinator
    ARS = "ars"  # an ARS agent: reads every site of its region
    ADMIN = "admin"  # set-up


class EntryKind(StrEnum):
    REFERRAL = "adressage"
    ADMINISTRATION = "administration"
    END = "fin"


# The first letter of a reference says what it points at: A-… adressage, M-… administration (médicament),
# F-… fin.
REFERENCE_PREFIX = {EntryKind.REFERRAL: "A", EntryKind.ADMINISTRATION: "M", EntryKind.END: "F"}


@dataclass(frozen=True)
class Tariffs:
    """A site's HDJ TMSC tariff and HAD tariff for one year, entered by coordination with where they were read
    (the monthly forfait may not exceed HDJ − HAD, décret n° 2025-114 art. 3)."""

    hdj: Decimal
    had: Decimal
    source: str


@dataclass(frozen=True)
class Site:
    finess: str  # FINESS géographique
    name: str
    region: str
    category: str  # a..d (CSS L.162-22)
    legal_finess: str | None = None  # FINESS juridique
    selected_on: date | None = None
    targets: dict[int, int] = field(default_factory=dict)  # year -> referral target
    tariffs: dict[int, Tariffs] = field(default_factory=dict)  # year -> HDJ and HAD tariffs (monthly cap)
    patient_codes: str | None = None  # the site's model of patient codes ("P-#####"); None: the safe default


@dataclass(frozen=True)
class Had:
    finess: str
    name: str
    communes: tuple[str, ...]  # INSEE codes of the authorised area
    under_3: bool = False  # the "enfants de moins de trois ans" mention


@dataclass(frozen=True)
class Convention:
    site: str
    had: str
    signed_on: date | None


@dataclass(frozen=True)
class Member:
    member_id: str  # Slack user id or lower-case email: stable, never a display name
    role: Role
    sites: tuple[str, ...] = ()
    region: str | None = None
    email: str | None = None
    reminders: bool = False


@dataclass(frozen=True)
class Cancellation:
    by: str
    at: datetime


@dataclass(frozen=True)
class Entry:
    """One logged fact of care: a referral, an administration (a day or a whole month), or an end of care."""

    kind: EntryKind
    reference: str
    site: str
    patient: str
    on: date  # the day; for a month-only administration, the first day of the month
    author: str
    channel: str
    at: datetime
    had: str | None = None  # referral
    commune: str | None = None  # referral
    under_3: bool | None = None  # referral: the only age fact kept
    count: int = 1  # administration
    oral: bool = False  # administration
    whole_month: bool = False  # administration logged for a month, without a day
    reason: str | None = None  # end of care
    cancelled: Cancellation | None = None

    @property
    def active(self) -> bool:
        return self.cancelled is None


@dataclass(frozen=True)
class Patient:
    site: str
    code: str
    referrals: tuple[Entry, ...]
    administrations: tuple[Entry, ...]
    ends: tuple[Entry, ...]
