"""Load the legal cases of tests/rules/cases/*.yaml and run each against the rules; shared by the tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from rules import (
    AdministrationRecord,
    EstablishmentFacts,
    ForfaitStatement,
    Parameters,
    Reason,
    ReferralFacts,
    ReferralRecord,
    check_establishment,
    check_referral,
    compute_forfaits,
)
from rules.forfaits import CapTariffs, EndRecord
from rules.reasons import Decision, Verdict

CASES = Path(__file__).parent / "cases"


@dataclass(frozen=True)
class Case:
    family: str
    name: str
    source: str
    data: dict[str, Any]


def load(family: str) -> list[Case]:
    doc = yaml.safe_load((CASES / f"{family}.yaml").read_text(encoding="utf-8"))
    defaults = doc.get("defaults", {})
    out = []
    for raw in doc["cases"]:
        assert raw.get("source"), f"{family}: case {raw.get('name')!r} has no source"
        data = {**defaults, **raw}
        if "facts" in defaults:
            data["facts"] = {**defaults["facts"], **raw.get("facts", {})}
        out.append(Case(family, raw["name"], raw["source"], data))
    return out


def run_establishment(case: Case, params: Parameters) -> Decision[Verdict]:
    return check_establishment(EstablishmentFacts(**case.data["facts"]), params, case.data["today"])


def run_referral(case: Case, params: Parameters) -> Decision[Verdict]:
    return check_referral(ReferralFacts(**case.data["facts"]), params)


def run_forfaits(case: Case, params: Parameters) -> ForfaitStatement:
    """Records: referrals [patient, site, date, eligible (true/false/null = waiting for a fact)];
    administrations [patient, site, date, count?, oral?, whole_month?]; ends [patient, site, date];
    `tariffs: {hdj, had}` for every year, or `tariffs_by_year: {year: {hdj, had, source}}`."""
    referrals = [ReferralRecord(p, s, d, e) for p, s, d, e in case.data.get("referrals", [])]
    administrations = []
    for row in case.data.get("administrations", []):
        patient, site, day, *rest = row
        count = rest[0] if rest else 1
        oral = rest[1] if len(rest) > 1 else False
        whole_month = rest[2] if len(rest) > 2 else False
        administrations.append(AdministrationRecord(patient, site, day, count, oral, whole_month))
    ends = [EndRecord(p, s, d) for p, s, d in case.data.get("ends", [])]
    tariffs = case.data.get("tariffs") or {}
    by_year = {
        int(year): CapTariffs(Decimal(t["hdj"]), Decimal(t["had"]), t.get("source"))
        for year, t in (case.data.get("tariffs_by_year") or {}).items()
    }
    return compute_forfaits(
        referrals,
        administrations,
        params,
        ends=ends,
        tariffs=by_year,
        hdj_tariff=Decimal(tariffs["hdj"]) if "hdj" in tariffs else None,
        had_tariff=Decimal(tariffs["had"]) if "had" in tariffs else None,
    )


def all_reasons(params: Parameters) -> list[Reason]:
    """Every reason the case files make the rules emit (for the template coverage test)."""
    out: list[Reason] = []
    for case in load("establishment"):
        out.extend(run_establishment(case, params).reasons)
    for case in load("referral"):
        out.extend(run_referral(case, params).reasons)
    for case in load("forfaits"):
        statement = run_forfaits(case, params)
        out.extend(statement.notes)
        for line in statement.lines:
            out.extend(line.reasons)
    return out


def line_text(patient: str, site: str, month: object, kind: str, amount: Decimal) -> str:
    return f"{patient} {site} {month} {kind} {amount}"


def as_date(value: Any) -> date:
    assert isinstance(value, date)
    return value
