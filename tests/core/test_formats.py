"""French formats every channel shares: dates, months and money as users read them."""

from datetime import date
from decimal import Decimal

import pytest

from rules.month import Month, months_between
from templates import date_fr, money, month_fr, number, plural, text


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 5, 16), "16 mai 2025"),
        (date(2026, 9, 1), "1er septembre 2026"),
        (date(2028, 2, 5), "5 février 2028"),
        (date(2025, 8, 15), "15 août 2025"),
    ],
)
def test_dates_read_as_french_prose(day: date, expected: str) -> None:
    assert date_fr(day) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("320"), "320,00 €"),
        (Decimal("120.5"), "120,50 €"),
        (Decimal("1280"), "1 280,00 €"),
        (Decimal("1234567.891"), "1 234 567,89 €"),
        (Decimal("0"), "0,00 €"),
        (Decimal("-40"), "-40,00 €"),
    ],
)
def test_money_uses_decimal_comma_and_grouped_thousands(amount: Decimal, expected: str) -> None:
    assert money(amount) == expected


def test_counts_and_plurals_follow_french_rules() -> None:
    assert number(12345) == "12 345"
    assert plural(0, "patient") == "0 patient"
    assert plural(1, "patient") == "1 patient"
    assert plural(2, "mois", "mois") == "2 mois"
    assert plural(3, "patient") == "3 patients"


def test_month_is_a_value_type_with_calendar_arithmetic() -> None:
    assert month_fr(Month(2025, 9)) == "septembre 2025"
    assert Month(2025, 12).next() == Month(2026, 1)
    assert Month(2026, 1).previous() == Month(2025, 12)
    assert Month(2024, 2).last_day() == date(2024, 2, 29)
    assert Month.parse("2027-03") == Month(2027, 3)
    assert str(Month(2027, 3)) == "2027-03"
    assert len(months_between(Month(2025, 2), Month(2028, 3))) == 38
    with pytest.raises(ValueError):
        Month.parse("2027-13")
    with pytest.raises(ValueError):
        Month.parse("03/2027")


def test_unknown_message_key_is_an_error_not_an_empty_string() -> None:
    with pytest.raises(KeyError):
        text("no.such.key")
    assert text("confidence.I") == "déduction du projet, à confirmer"
