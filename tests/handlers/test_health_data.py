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


NIR = with_key("2690613123456")
_GROUPS = [NIR[0], NIR[1:3], NIR[3:5], NIR[5:7], NIR[7:10], NIR[10:13], NIR[13:]]


@pytest.mark.parametrize(
    "text",
    [
        "  ".join(_GROUPS),  # double spaces
        " - ".join(_GROUPS),
        "/".join(_GROUPS),
        "_".join(_GROUPS),
        "\u200b".join(NIR),  # zero-width spaces
        " ".join(NIR[i : i + 2] for i in range(0, 15, 2)),  # pairs of digits
        "".join(chr(0xFF10 + int(c)) for c in NIR),  # fullwidth
        "".join(chr(0x0660 + int(c)) for c in NIR),  # Arabic-Indic digits
        "\u00a0".join(_GROUPS),
        f"P{NIR}",
        f"NIR{NIR}",
        f"{NIR}abc",
        "Le patient " + " ".join(_GROUPS) + " est-il éligible ?",
        # read out in words (a dictated message): digit by digit, or by its groups
        "patient NIR un six huit zéro cinq sept six quatre cinq un zéro deux trois quatre sept, adressé",
        "NIR un quatre-vingt-cinq zéro cinq soixante-seize quatre cent cinquante et un zéro vingt-trois "
        "quarante-cinq",
    ],
)
def test_a_nir_is_found_in_any_spelling(text: str) -> None:
    assert find(text) is Finding.NIR


@pytest.mark.parametrize(
    "text",
    ["Jean Dupont né en 1956", "nee le 12/03/1956", "patient ne le 12/03/56", "DUPONT Jeanne, 12/03/1956"],
)
def test_more_names_with_birth_dates(text: str) -> None:
    assert find(text) is Finding.NAME_AND_BIRTH_DATE


@pytest.mark.parametrize(
    "text",
    [
        "Tél. 02.35.08.81.81 Rouen",
        "Tél. 02-35-08-81-81 Dupont",
        "Le forfait ne peut pas être versé avant le 12/03/2025",
        "Décret du 12/03/2019 … Rouen",
        "Décret du 12/03/2019 Centre Hospitalier Rouen",
        "FINESS 760780239",
        "SIRET 26760151500019",
        "RPPS 10101010101",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "320,00 € puis 120,00 €",
        "1 234 567,89 €",
        "convention 760780239 760024042 date=2025-03-01",
        "etablissement cible 760780239 2026=40 2027=50",
        "Faut-il la date de naissance pour l'adressage du 12/03/2025 ?",
        "Le patient n'est pas né en France, adressé le 12/03/2025",
        "Mon téléphone : 02 35 08 81 81, fax 02 35 08 81 82",
        # numbers in words that are no NIR
        "deux patients, trois injections et quatre mois de prise en charge, cinq cents euros",
        "le premier mars deux mille vingt-sept virgule le vingt-neuf mars virgule le vingt-six avril",
        "un deux trois quatre cinq six",
    ],
)
def test_false_positives_pass(text: str) -> None:
    assert find(text) is None
