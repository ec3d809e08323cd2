"""Shared pytest fixtures: each helper module under tests/support registers its own here."""

pytest_plugins = ["tests.support.dovecot", "tests.support.smtp"]
