"""The judge of the question tables (tests/support/question_probe.py): a wrong value the answer names only to
deny it (« Non : c'est 320,00 €, pas 350,00 € ») is not said; named otherwise, it is."""

from __future__ import annotations

from tests.support.question_probe import _said_not_denied


def test_a_value_named_to_be_denied_is_not_said() -> None:
    assert not _said_not_denied("350", "non : c'est 320,00 €, pas 350,00 €.")
    assert not _said_not_denied("350", "c'est 320,00 € et non 350,00 €")
    assert not _said_not_denied("2030", "non : en 2028, pas en 2030.")


def test_a_value_said_elsewhere_is_said() -> None:
    assert _said_not_denied("350", "le forfait est de 350,00 €, pas 320,00 €")
    assert _said_not_denied("350", "non : pas 350,00 €. en tout : 350,00 €")
