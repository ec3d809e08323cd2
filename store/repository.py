"""The domain repository: sites, HADs, conventions, members, patients and their care entries.

It is the only code that reads or writes the domain tables of the database, always through the engine
(store/engine.py): every write is one engine batch holding the change and its audit line (who, when, from
which channel, what), so an acknowledged command is durable and traceable.

Reads are served from in-memory indexes built once at open (one process is the single writer, so the indexes
can never go stale), grouped per site and per patient: a read about one site never scans the others, and a
write checks idempotency and reference uniqueness in constant time. Derived values (e.g. a site's forfaits)
may be memoised with `memo()`; the memo of a site is dropped on every write to that site.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from store import schema
from store.engine import Database
from store.records import (
    REFERENCE_PREFIX,
    Cancellation,
    Convention,
    Entry,
    EntryKind,
    Had,
    Member,
    Patient,
    Role,
    Site,
    Tariffs,
)

T = TypeVar("T")

# No 0/O, 1/I/L, 5/S, 2/Z: a reference read aloud or copied by hand stays unambiguous.
REFERENCE_ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"
REFERENCE_LENGTH = 5

_KIND_TABLE = {
    EntryKind.REFERRAL: schema.REFERRALS,
    EntryKind.ADMINISTRATION: schema.ADMINISTRATIONS,
    EntryKind.END: schema.ENDS,
}


@dataclass(frozen=True)
class Origin:
    """Who makes a change, from which channel, and when: written to the audit journal with the change."""

    actor: str
    channel: str
    at: datetime
    delivery_id: str | None = None


@dataclass
class _PatientFile:
    code: str
    entries: dict[EntryKind, list[Entry]] = field(default_factory=lambda: {kind: [] for kind in EntryKind})


@dataclass
class _SiteFile:
    patients: dict[str, _PatientFile] = field(default_factory=dict)


class Repository:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._sites: dict[str, tuple[int, Site]] = {}
        self._hads: dict[str, tuple[int, Had]] = {}
        self._conventions: dict[tuple[str, str], tuple[int, Convention]] = {}
        self._members: dict[str, tuple[int, Member]] = {}
        self._entries: dict[str, tuple[int, Entry]] = {}
        self._files: dict[str, _SiteFile] = {}
        self._same_entry: dict[tuple[EntryKind, str, str, str], str] = {}
        self._deliveries: dict[str, str | None] = {}
        self._memo: dict[str, dict[Any, Any]] = {}
        self._patient_memo: dict[tuple[str, str], dict[Any, Any]] = {}
        self._quiet = False  # inside an import: one audit line for the whole file, not one per entry
        self._load()

    @classmethod
    def open(cls, path: str | Path) -> Repository:
        """Open (or create) the database file; raises store.errors.DatabaseLocked when another process holds
        it and SchemaVersionError when it was written by an unknown version."""
        return cls(Database.open(Path(path), schema_version=schema.SCHEMA_VERSION))

    @property
    def database(self) -> Database:
        """The engine, for the other stores (outbox, mail) that keep their own tables in the same file."""
        return self._db

    def close(self) -> None:
        self._db.close()

    # ---- loading -------------------------------------------------------------------------------------------

    def _load(self) -> None:
        for doc in self._db.table(schema.SITES).all():
            site = _site_from(doc)
            self._sites[site.finess] = (doc["_id"], site)
        for doc in self._db.table(schema.HADS).all():
            had = _had_from(doc)
            self._hads[had.finess] = (doc["_id"], had)
        for doc in self._db.table(schema.CONVENTIONS).all():
            convention = _convention_from(doc)
            self._conventions[(convention.site, convention.had)] = (doc["_id"], convention)
        for doc in self._db.table(schema.MEMBERS).all():
            member = _member_from(doc)
            self._members[member.member_id] = (doc["_id"], member)
        for kind, table in _KIND_TABLE.items():
            for doc in self._db.table(table).all():
                self._index_entry(doc["_id"], _entry_from(kind, doc))
        for doc in self._db.table(schema.DELIVERIES).all():
            self._deliveries[doc["delivery_id"]] = doc.get("reference")

    def _index_entry(self, doc_id: int, entry: Entry) -> None:
        self._entries[entry.reference] = (doc_id, entry)
        site_file = self._files.setdefault(entry.site, _SiteFile())
        patient = site_file.patients.get(entry.patient)
        if patient is None:  # not setdefault: building a file per entry costs seconds at open on 100k entries
            patient = site_file.patients[entry.patient] = _PatientFile(entry.patient)
        patient.entries[entry.kind].append(entry)
        if entry.active:
            self._same_entry[_same_key(entry)] = entry.reference

    def _reload(self) -> None:
        """Rebuild every index from the engine (after a rolled-back transaction)."""
        for index in (self._sites, self._hads, self._conventions, self._members, self._entries, self._files):
            index.clear()
        self._same_entry.clear()
        self._deliveries.clear()
        self.forget_derived()
        self._load()

    # ---- writing -------------------------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, one_audit: bool = False) -> Iterator[None]:
        """Several writes as one durable write (one engine batch): all of them, or — on any exception — none,
        the in-memory indexes rebuilt as they were. With `one_audit`, the writes inside add no audit line of
        their own: the caller audits the whole (an import is one audited act, its entries keep their author,
        channel and time)."""
        quiet = self._quiet
        self._quiet = quiet or one_audit
        try:
            with self._db.batch():
                yield
        except BaseException:
            self._reload()
            raise
        finally:
            self._quiet = quiet

    def audit(self, origin: Origin, action: str, detail: dict[str, Any]) -> None:
        """An audit line of its own (e.g. the one line of an import), in the current transaction if any."""
        self._db.audit(actor=origin.actor, channel=origin.channel, action=action, detail=detail, at=origin.at)

    @contextmanager
    def _write(self, origin: Origin, action: str, detail: dict[str, Any]) -> Iterator[None]:
        """One engine batch: the change, the audit line and the delivery id, all durable or none."""
        with self._db.batch():
            yield
            if not self._quiet:
                self._db.audit(
                    actor=origin.actor, channel=origin.channel, action=action, detail=detail, at=origin.at
                )
            if origin.delivery_id is not None:
                self._db.table(schema.DELIVERIES).insert(
                    {"delivery_id": origin.delivery_id, "reference": detail.get("reference")}
                )
        if origin.delivery_id is not None:
            self._deliveries[origin.delivery_id] = detail.get("reference")

    def _save(
        self,
        table: str,
        existing: tuple[int, Any] | None,
        doc: dict[str, Any],
        origin: Origin,
        action: str,
        detail: dict[str, Any],
    ) -> int:
        """Create or replace one set-up document (site, HAD, convention, member) with its audit line."""
        with self._write(origin, action, detail):
            if existing:
                self._db.table(table).update(existing[0], doc)
                return existing[0]
            return self._db.table(table).insert(doc)

    def record_delivery(self, origin: Origin, reference: str | None = None) -> None:
        """Record the delivery id of a write made outside this repository's own writes (the report fields'
        store), in the caller's batch or transaction: a retry of it then has no effect, even after a
        restart."""
        if origin.delivery_id is None or origin.delivery_id in self._deliveries:
            return
        with self._db.batch():
            self._db.table(schema.DELIVERIES).insert(
                {"delivery_id": origin.delivery_id, "reference": reference}
            )
        self._deliveries[origin.delivery_id] = reference

    def delivery_seen(self, delivery_id: str) -> bool:
        return delivery_id in self._deliveries

    def delivery_reference(self, delivery_id: str) -> str | None:
        return self._deliveries.get(delivery_id)

    # ---- sites ---------------------------------------------------------------------------------------------

    def site(self, finess: str) -> Site | None:
        found = self._sites.get(finess)
        return found[1] if found else None

    def sites(self, region: str | None = None) -> list[Site]:
        return sorted(
            (site for _, site in self._sites.values() if region is None or site.region == region),
            key=lambda site: site.finess,
        )

    def save_site(self, site: Site, origin: Origin) -> bool:
        """Create or replace a site; returns True when it was new."""
        doc = _site_doc(site)
        existing = self._sites.get(site.finess)
        doc_id = self._save(schema.SITES, existing, doc, origin, "site.save", {"finess": site.finess})
        self._sites[site.finess] = (doc_id, site)
        self.forget_derived()  # eligibility of referrals may change
        return existing is None

    def set_targets(self, finess: str, targets: dict[int, int], origin: Origin) -> Site:
        doc_id, site = self._sites[finess]
        merged = replace(site, targets={**site.targets, **targets})
        with self._write(origin, "site.targets", {"finess": finess, "targets": _str_keys(targets)}):
            self._db.table(schema.SITES).update(doc_id, {"targets": _str_keys(merged.targets)})
        self._sites[finess] = (doc_id, merged)
        return merged

    def set_tariffs(self, finess: str, year: int, tariffs: Tariffs, origin: Origin) -> Site:
        """Record a site's HDJ and HAD tariffs for one year (audited with their source); the forfaits are
        computed again, since the monthly cap changes."""
        doc_id, site = self._sites[finess]
        merged = replace(site, tariffs={**site.tariffs, year: tariffs})
        detail = {"finess": finess, "year": year, **_tariff_doc(tariffs)}
        with self._write(origin, "site.tariffs", detail):
            self._db.table(schema.SITES).update(doc_id, {"tariffs": _tariffs_doc(merged.tariffs)})
        self._sites[finess] = (doc_id, merged)
        self.forget_derived()
        return merged

    # ---- HADs and conventions ------------------------------------------------------------------------------

    def had(self, finess: str) -> Had | None:
        found = self._hads.get(finess)
        return found[1] if found else None

    def hads(self) -> list[Had]:
        return sorted((had for _, had in self._hads.values()), key=lambda had: had.finess)

    def save_had(self, had: Had, origin: Origin) -> bool:
        doc = _had_doc(had)
        existing = self._hads.get(had.finess)
        doc_id = self._save(schema.HADS, existing, doc, origin, "had.save", {"finess": had.finess})
        self._hads[had.finess] = (doc_id, had)
        self.forget_derived()  # eligibility of referrals may change
        return existing is None

    def convention(self, site: str, had: str) -> Convention | None:
        found = self._conventions.get((site, had))
        return found[1] if found else None

    def conventions(self, site: str | None = None) -> list[Convention]:
        return sorted(
            (c for _, c in self._conventions.values() if site is None or c.site == site),
            key=lambda c: (c.site, c.had),
        )

    def save_convention(self, convention: Convention, origin: Origin) -> bool:
        doc = {
            "site": convention.site,
            "had": convention.had,
            "signed_on": _iso(convention.signed_on),
        }
        key = (convention.site, convention.had)
        existing = self._conventions.get(key)
        doc_id = self._save(
            schema.CONVENTIONS,
            existing,
            doc,
            origin,
            "convention.save",
            {"site": convention.site, "had": convention.had},
        )
        self._conventions[key] = (doc_id, convention)
        self.forget_derived()  # eligibility of referrals may change
        return existing is None

    # ---- members -------------------------------------------------------------------------------------------

    def member(self, member_id: str) -> Member | None:
        found = self._members.get(member_id)
        return found[1] if found else None

    def members(self) -> list[Member]:
        return sorted((m for _, m in self._members.values()), key=lambda m: m.member_id)

    def member_by_email(self, email: str) -> Member | None:
        wanted = email.lower()
        for _, member in self._members.values():
            if member.email == wanted or member.member_id == wanted:
                return member
        return None

    def save_member(self, member: Member, origin: Origin, *, action: str = "member.save") -> bool:
        doc = _member_doc(member)
        existing = self._members.get(member.member_id)
        detail: dict[str, Any] = {"member": member.member_id, "role": member.role.value}
        if existing is not None and existing[1].role is not member.role:
            detail["previous_role"] = existing[1].role.value
        if member.sites:
            detail["sites"] = list(member.sites)
        if member.region:
            detail["region"] = member.region
        doc_id = self._save(schema.MEMBERS, existing, doc, origin, action, detail)
        self._members[member.member_id] = (doc_id, member)
        return existing is None

    def remove_member(self, member_id: str, origin: Origin) -> Member:
        """Revoke a member: the document goes, so every door (Slack, App Home, reminders, digests) that looks
        the member up finds no one from the next request on; the audit journal keeps who had which role."""
        doc_id, member = self._members[member_id]
        detail = {"member": member_id, "role": member.role.value}
        with self._write(origin, "member.remove", detail):
            self._db.table(schema.MEMBERS).remove(doc_id)
        del self._members[member_id]
        return member

    def set_reminders(self, member_id: str, wanted: bool, origin: Origin) -> Member:
        doc_id, member = self._members[member_id]
        updated = replace(member, reminders=wanted)
        with self._write(origin, "member.reminders", {"member": member_id, "reminders": wanted}):
            self._db.table(schema.MEMBERS).update(doc_id, {"reminders": wanted})
        self._members[member_id] = (doc_id, updated)
        return updated

    # ---- patients and care entries -------------------------------------------------------------------------

    def patient(self, site: str, code: str) -> Patient | None:
        site_file = self._files.get(site)
        found = site_file.patients.get(code) if site_file else None
        return _patient_view(site, found) if found else None

    def patients(self, site: str) -> list[Patient]:
        site_file = self._files.get(site)
        if site_file is None:
            return []
        return [_patient_view(site, p) for _, p in sorted(site_file.patients.items())]

    def entries(self, site: str, kind: EntryKind, *, active_only: bool = True) -> list[Entry]:
        """Every entry of one kind for one site, patient by patient (no other site is read)."""
        site_file = self._files.get(site)
        if site_file is None:
            return []
        return [
            entry
            for patient in site_file.patients.values()
            for entry in patient.entries[kind]
            if entry.active or not active_only
        ]

    def entry(self, reference: str) -> Entry | None:
        found = self._entries.get(reference.upper())
        return found[1] if found else None

    def same_entry(self, kind: EntryKind, site: str, patient: str, key: str) -> Entry | None:
        """The active entry already logged for this patient, kind and day (or month), if any."""
        reference = self._same_entry.get((kind, site, patient, key))
        return self._entries[reference][1] if reference else None

    def add_entry(self, entry: Entry, origin: Origin) -> tuple[Entry, bool]:
        """Log a referral, administration or end of care. The reference is assigned here. The same patient,
        kind and day (or month) twice is recorded once: returns (the existing entry, False)."""
        existing = self.same_entry(entry.kind, entry.site, entry.patient, _entry_key(entry))
        if existing is not None:
            return existing, False
        entry = replace(
            entry,
            reference=self._new_reference(entry.kind),
            author=origin.actor,
            channel=origin.channel,
            at=origin.at,
            cancelled=None,
        )
        doc = _entry_doc(entry)
        new_patient = entry.patient not in self._files.get(entry.site, _SiteFile()).patients
        with self._write(
            origin, f"{entry.kind.value}.add", {"reference": entry.reference, "site": entry.site}
        ):
            if new_patient:
                self._db.table(schema.PATIENTS).insert(
                    {"site": entry.site, "code": entry.patient, "at": origin.at.isoformat()}
                )
            doc_id = self._db.table(_KIND_TABLE[entry.kind]).insert(doc)
        self._index_entry(doc_id, entry)
        self._forget(entry.site, entry.patient)
        return entry, True

    def cancel(self, reference: str, origin: Origin) -> Entry:
        """Mark an entry cancelled; the entry stays in the history (and in the audit journal)."""
        doc_id, entry = self._entries[reference.upper()]
        cancelled = replace(entry, cancelled=Cancellation(by=origin.actor, at=origin.at))
        stamp = {"by": origin.actor, "at": origin.at.isoformat()}
        with self._write(
            origin, f"{entry.kind.value}.cancel", {"reference": entry.reference, "site": entry.site}
        ):
            self._db.table(_KIND_TABLE[entry.kind]).update(doc_id, {"cancelled": stamp})
        self._entries[entry.reference] = (doc_id, cancelled)
        patient = self._files[entry.site].patients[entry.patient]
        bucket = patient.entries[entry.kind]
        bucket[bucket.index(entry)] = cancelled
        if self._same_entry.get(_same_key(entry)) == entry.reference:
            del self._same_entry[_same_key(entry)]
        self._forget(entry.site, entry.patient)
        return cancelled

    def complete_referral(
        self, reference: str, origin: Origin, *, commune: str | None, under_3: bool | None
    ) -> Entry:
        """Fill the facts a logged referral did not give yet (commune, under 3). A fact already known is never
        overwritten here: changing it is a cancellation and a new entry, so the history shows it."""
        doc_id, entry = self._entries[reference.upper()]
        fields: dict[str, Any] = {}
        if entry.commune is None and commune is not None:
            fields["commune"] = commune
        if entry.under_3 is None and under_3 is not None:
            fields["under_3"] = under_3
        if not fields:
            return entry
        completed = replace(entry, **fields)
        with self._write(origin, "referral.complete", {"reference": entry.reference, "site": entry.site}):
            self._db.table(_KIND_TABLE[entry.kind]).update(doc_id, fields)
        self._entries[entry.reference] = (doc_id, completed)
        bucket = self._files[entry.site].patients[entry.patient].entries[entry.kind]
        bucket[bucket.index(entry)] = completed
        self._forget(entry.site, entry.patient)
        return completed

    def _new_reference(self, kind: EntryKind) -> str:
        base = len(REFERENCE_ALPHABET)
        while True:
            # One draw from the OS for the five characters (27**5 < 2**32; the tiny modulo bias is harmless
            # for an identifier checked for uniqueness), not one per character: imports draw 100,000.
            number = int.from_bytes(secrets.token_bytes(4), "big") % base**REFERENCE_LENGTH
            chars = []
            for _ in range(REFERENCE_LENGTH):
                number, digit = divmod(number, base)
                chars.append(REFERENCE_ALPHABET[digit])
            body = "".join(chars)
            reference = f"{REFERENCE_PREFIX[kind]}-{body}"
            if reference not in self._entries:
                return reference

    # ---- derived values ------------------------------------------------------------------------------------

    def memo(self, site: str, key: Any, compute: Callable[[], T]) -> T:
        """A value derived from one site's entries, computed once until the next write to that site."""
        bucket = self._memo.setdefault(site, {})
        if key not in bucket:
            bucket[key] = compute()
        value: T = bucket[key]
        return value

    def memo_patient(self, site: str, patient: str, key: Any, compute: Callable[[], T]) -> T:
        """A value derived from one patient's entries, computed once until the next write to that patient:
        after a write, a site's derived values are rebuilt from the other patients' memos."""
        bucket = self._patient_memo.setdefault((site, patient), {})
        if key not in bucket:
            bucket[key] = compute()
        value: T = bucket[key]
        return value

    def has_patient_memo(self, site: str, patient: str, key: Any) -> bool:
        return key in self._patient_memo.get((site, patient), {})

    def _forget(self, site: str, patient: str) -> None:
        self._memo.pop(site, None)
        self._patient_memo.pop((site, patient), None)

    def forget_derived(self) -> None:
        """Drop every memoised value (as just after opening the database)."""
        self._memo.clear()
        self._patient_memo.clear()

    def patient_codes(self, site: str) -> list[str]:
        site_file = self._files.get(site)
        return sorted(site_file.patients) if site_file else []

    def patient_entries(self, site: str, patient: str, kind: EntryKind) -> list[Entry]:
        """The active entries of one kind for one patient (no copy of the other kinds)."""
        site_file = self._files.get(site)
        found = site_file.patients.get(patient) if site_file else None
        return [e for e in found.entries[kind] if e.active] if found else []

    def is_empty(self) -> bool:
        return not (self._sites or self._hads or self._members)


# ---- documents <-> records ---------------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _str_keys(targets: dict[int, int]) -> dict[str, int]:
    return {str(year): count for year, count in sorted(targets.items())}


def _site_doc(site: Site) -> dict[str, Any]:
    return {
        "finess": site.finess,
        "name": site.name,
        "region": site.region,
        "category": site.category,
        "legal_finess": site.legal_finess,
        "selected_on": _iso(site.selected_on),
        "targets": _str_keys(site.targets),
        "tariffs": _tariffs_doc(site.tariffs),
        "patient_codes": site.patient_codes,
    }


def _tariff_doc(tariffs: Tariffs) -> dict[str, str]:
    return {"hdj": str(tariffs.hdj), "had": str(tariffs.had), "source": tariffs.source}


def _tariffs_doc(tariffs: dict[int, Tariffs]) -> dict[str, dict[str, str]]:
    return {str(year): _tariff_doc(t) for year, t in sorted(tariffs.items())}


def _tariffs_from(doc: dict[str, Any] | None) -> dict[int, Tariffs]:
    return {
        int(year): Tariffs(Decimal(t["hdj"]), Decimal(t["had"]), str(t["source"]))
        for year, t in (doc or {}).items()
    }


def _site_from(doc: dict[str, Any]) -> Site:
    return Site(
        finess=doc["finess"],
        name=doc["name"],
        region=doc["region"],
        category=doc["category"],
        legal_finess=doc.get("legal_finess"),
        selected_on=_day(doc.get("selected_on")),
        targets={int(year): int(count) for year, count in (doc.get("targets") or {}).items()},
        tariffs=_tariffs_from(doc.get("tariffs")),
        patient_codes=doc.get("patient_codes"),
    )


def _had_doc(had: Had) -> dict[str, Any]:
    return {"finess": had.finess, "name": had.name, "communes": list(had.communes), "under_3": had.under_3}


def _had_from(doc: dict[str, Any]) -> Had:
    return Had(doc["finess"], doc["name"], tuple(doc.get("communes") or ()), bool(doc.get("under_3")))


def _convention_from(doc: dict[str, Any]) -> Convention:
    return Convention(doc["site"], doc["had"], _day(doc.get("signed_on")))


def _member_doc(member: Member) -> dict[str, Any]:
    return {
        "member_id": member.member_id,
        "role": member.role.value,
        "sites": list(member.sites),
        "region": member.region,
        "email": member.email,
        "reminders": member.reminders,
    }


def _member_from(doc: dict[str, Any]) -> Member:
    return Member(
        member_id=doc["member_id"],
        role=Role(doc["role"]),
        sites=tuple(doc.get("sites") or ()),
        region=doc.get("region"),
        email=doc.get("email"),
        reminders=bool(doc.get("reminders")),
    )


def _entry_doc(entry: Entry) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "ref": entry.reference,
        "site": entry.site,
        "patient": entry.patient,
        "on": entry.on.isoformat(),
        "author": entry.author,
        "channel": entry.channel,
        "at": entry.at.isoformat(),
        "cancelled": None,
    }
    if entry.kind is EntryKind.REFERRAL:
        doc.update(had=entry.had, commune=entry.commune, under_3=entry.under_3)
    elif entry.kind is EntryKind.ADMINISTRATION:
        doc.update(count=entry.count, oral=entry.oral, whole_month=entry.whole_month)
    else:
        doc.update(reason=entry.reason)
    return doc


def _entry_from(kind: EntryKind, doc: dict[str, Any]) -> Entry:
    stamp = doc.get("cancelled")
    return Entry(
        kind=kind,
        reference=doc["ref"],
        site=doc["site"],
        patient=doc["patient"],
        on=date.fromisoformat(doc["on"]),
        author=doc["author"],
        channel=doc["channel"],
        at=datetime.fromisoformat(doc["at"]),
        had=doc.get("had"),
        commune=doc.get("commune"),
        under_3=doc.get("under_3"),
        count=int(doc.get("count", 1)),
        oral=bool(doc.get("oral", False)),
        whole_month=bool(doc.get("whole_month", False)),
        reason=doc.get("reason"),
        cancelled=Cancellation(stamp["by"], datetime.fromisoformat(stamp["at"])) if stamp else None,
    )


def _entry_key(entry: Entry) -> str:
    return entry.on.isoformat()[:7] if entry.whole_month else entry.on.isoformat()


def _same_key(entry: Entry) -> tuple[EntryKind, str, str, str]:
    return (entry.kind, entry.site, entry.patient, _entry_key(entry))


def _patient_view(site: str, found: _PatientFile) -> Patient:
    return Patient(
        site=site,
        code=found.code,
        referrals=tuple(found.entries[EntryKind.REFERRAL]),
        administrations=tuple(found.entries[EntryKind.ADMINISTRATION]),
        ends=tuple(found.entries[EntryKind.END]),
    )
