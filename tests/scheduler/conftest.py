"""The recording SMTP server fixture (tests/support/smtp.py) for the scheduler's end-to-end tests."""

from tests.support.smtp import smtp_server

__all__ = ["smtp_server"]
