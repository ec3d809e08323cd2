"""The report fields people enter (`rapport saisir`), per site (FINESS géographique), report and field.

One document per (site, report, field) in the table `report_fields`, holding the stored string of the value
(handlers.report_fields.parse_value), who entered it, from which channel and when. A new value replaces the
old one; the history stays in the audit journal, written in the same engine batch as the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from store.engine import Database
from store.repository import Origin

TABLE = "report_fields"


@dataclass(frozen=True)
class EnteredField:
    site: str
    report: str
    field: str
    value: str
    author: str
    channel: str
    at: datetime


def _key(site: str, report: str, field: str) -> str:
    return f"{site}|{report}|{field}"


def _from(doc: Mapping[str, object]) -> EnteredField:
    return EnteredField(
        site=str(doc["site"]),
        report=str(doc["report"]),
        field=str(doc["field"]),
        value=str(doc["value"]),
        author=str(doc["author"]),
        channel=str(doc["channel"]),
        at=datetime.fromisoformat(str(doc["at"])),
    )


class ReportFieldStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._table = db.table(TABLE)
        self._table.ensure_index("site", "report")
        self._table.ensure_index("key")

    def values(self, site: str, report: str) -> dict[str, EnteredField]:
        """The entered fields of one report of one site, by field id."""
        return {doc["field"]: _from(doc) for doc in self._table.find(site=site, report=report)}

    def get(self, site: str, report: str, field: str) -> EnteredField | None:
        doc = self._table.find_one(key=_key(site, report, field))
        return _from(doc) if doc else None

    def set_many(
        self, site: str, report: str, values: Mapping[str, str], origin: Origin
    ) -> list[tuple[EnteredField, bool]]:
        """Store these values (field id -> stored string) as one durable batch with its audit line; returns
        each field and whether it changed (the same value again changes nothing and is not audited)."""
        out: list[tuple[EnteredField, bool]] = []
        changed: dict[str, str] = {}
        for field, value in values.items():
            current = self.get(site, report, field)
            if current is not None and current.value == value:
                out.append((current, False))
                continue
            changed[field] = value
            entered = EnteredField(site, report, field, value, origin.actor, origin.channel, origin.at)
            out.append((entered, True))
        if not changed:
            return out
        with self._db.batch():
            for field, value in changed.items():
                self._table.upsert_key(
                    "key",
                    {
                        "key": _key(site, report, field),
                        "site": site,
                        "report": report,
                        "field": field,
                        "value": value,
                        "author": origin.actor,
                        "channel": origin.channel,
                        "at": origin.at.isoformat(),
                    },
                )
            self._db.audit(
                actor=origin.actor,
                channel=origin.channel,
                action="report.field.set",
                detail={"site": site, "report": report, "fields": dict(changed)},
                at=origin.at,
            )
        return out

    def set(
        self, site: str, report: str, field: str, value: str, origin: Origin
    ) -> tuple[EnteredField, bool]:
        return self.set_many(site, report, {field: value}, origin)[0]
