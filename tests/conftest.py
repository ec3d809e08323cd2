"""Shared pytest configuration. Fixture modules live in tests/support/ and are registered here."""
