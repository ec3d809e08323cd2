"""Shared pytest configuration. Fixture modules live in tests/support/ and are registered here."""

pytest_plugins = ["tests.support.dovecot", "tests.support.smtp"]
