"""Patient codes: the safe default, a site's own model, refusals that give the reason and never the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from handlers.errors import UserError
from handlers.patient_codes import check, follows, parse_mask
from tests.support.conversation import HAD, Conversation


@pytest.mark.parametrize("code", ["P-0042", "P1", "p-1", "DEMO-001", "P-01", "24-117", "PDF-1", "CHU-00042"])
def test_ordinary_codes_pass(code: str) -> None:
    assert check(code) == code.upper()


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("DUPONT-1956", "patient_name"),
        ("MARTIN-Jeanne-12", "patient_name"),
        ("DUPONT1", "patient_name"),
        ("JD-1956-03-12", "patient_birth_date"),
        ("12031956", "patient_birth_date"),
        ("19560312", "patient_birth_date"),
        ("P-12-03-1956", "patient_birth_date"),
        ("P12A", "patient_format"),
        ("Jean", "patient_format"),
        ("P-" + "1" * 30, "patient_format"),
        ("P-²", "patient_format"),
    ],
)
def test_codes_that_read_as_a_name_or_a_birth_date_are_refused_with_the_reason(
    code: str, reason: str
) -> None:
    with pytest.raises(UserError) as error:
        check(code)
    assert error.value.key == f"commands.error.{reason}"
    assert code not in str(error.value.params)


def test_a_site_model() -> None:
    assert parse_mask("p-#####") == "P-#####"
    assert follows("P-00042", "P-#####") and not follows("P-42", "P-#####")
    for bad in ("DUPONT-###", "P-", "####X", "P-##A"):
        with pytest.raises(UserError):
            parse_mask(bad)


def test_a_site_sets_its_model_and_referrals_follow_it(tmp_path: Path) -> None:
    convo = Conversation.start(tmp_path, setup=True)
    site = (
        'etablissement ajouter 760780239 nom="CHU de Rouen" region=normandie categorie=a selection=2025-07-15'
    )
    assert convo.ask(f"{site} codes=RH-#####").ok
    refused = convo.ask(f"adressage P-1 2025-09-10 had={HAD} site=760780239 commune=76540")
    assert refused.data.get("error") == "commands.error.patient_mask" and "P-1" not in refused.title
    assert convo.ask(f"adressage RH-00042 2025-09-10 had={HAD} site=760780239 commune=76540").ok
    assert convo.ask(f"{site}").ok  # updating the site without codes= keeps its model
    assert convo.ask(f"adressage P-2 2025-09-10 had={HAD} site=760780239 commune=76540").data.get("error")
    name = convo.ask(f"adressage DUPONT-1956 2025-09-10 had={HAD} site=760780239 commune=76540")
    assert "DUPONT" not in name.title + " ".join(name.body)
