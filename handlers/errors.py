"""The user errors a command raises: each names a French message in templates/ and, when useful, the command
whose usage the reply shows. Dispatch turns them into a Reply; nothing is stored when one is raised."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Something the user typed is wrong: `key` is the French message, `params` fill it, `usage` names the
    command (verb, sub-verb) whose right form is shown."""

    def __init__(self, key: str, *, usage: tuple[str, str | None] | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.usage = usage
        self.params = params


class PermissionDenied(UserError):
    """The member may not run this command (or not on this site)."""


class HealthDataRefused(UserError):
    """The text holds what looks like a NIR or a name with a birth date: refused, never echoed."""
