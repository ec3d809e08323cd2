"""The health-data screen: NIR (with key, Corsica, spaces) and names with a birth date are found; ordinary
commands and questions are not."""

from __future__ import annotations

import pytest

from handlers.health_data import Finding, find, nir_key_ok


def with_key(body: str) -> str:
    digits = body.upper().replace("2A", "19").replace("2B", "18")
    return f"{body}{97 - int(digits) % 97:02d}"


@pytest.mark.parametrize(
    "text",
    [
        with_key("1850576123456"),  # in one block with its key
        "adressage " + with_key("2850576123456") + " 2025-09-10",
        "1850576123456",  # without the key, in one block
        "1 85 05 76 123 456",  # carte Vitale grouping, no key
        "1 85 05 2A 123 456 " + with_key("185052A123456")[-2:],  # Corsica
        with_key("185052B123456"),
    ],
)
def test_a_nir_is_found(text: str) -> None:
    assert find(text) is Finding.NIR


def test_the_key_is_checked_with_corsica_mapped() -> None:
    assert nir_key_ok("185052A123456", with_key("185052A123456")[-2:])
    assert not nir_key_ok("1850576123456", "00")


@pytest.mark.parametrize(
    "text",
    ["Dupont Jean 12/03/1956", "adressage DUPONT 12/03/1956", "né le 12/03/2019", "Mme Martin, 3 mars 1950"],
)
def test_a_name_with_a_birth_date_is_found(text: str) -> None:
    assert find(text) is Finding.NAME_AND_BIRTH_DATE


@pytest.mark.parametrize(
    "text",
    [
        "adressage P-0042 2025-09-10 had=760024042 commune=76540",
        'etablissement ajouter 760780239 nom="CHU de Rouen" region=normandie categorie=a',
        "had ajouter 760024042 communes=76540,76351,76322",
        "Quelle était la date limite pour candidater en Normandie ?",
        "Peut-on prendre en charge un enfant de 2 ans ?",
        "administration P-01 2025-09",
    ],
)
def test_ordinary_text_passes(text: str) -> None:
    assert find(text) is None
