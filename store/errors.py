"""Errors raised by the storage engine.

Messages are English, for logs; the CLI turns each class into a French sentence from its templates.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the storage engine raises on purpose."""


class DatabaseLocked(StoreError):
    """Another process (or another open handle in this one) already writes to this database."""


class SchemaVersionError(StoreError):
    """The stored schema version is not the one this code understands (and no migration bridges them)."""


class CorruptDatabase(StoreError):
    """A file of the database cannot be read without guessing (not just a torn last record).

    `path` is the damaged file, `cause` a short key the CLI turns into French (json, checksum, audit_short,
    audit_long, unreadable), `repairable` whether `expe50 repair` can rebuild it from the data (else: restore
    a backup)."""

    def __init__(
        self, message: str, *, path: object = None, cause: str = "unreadable", repairable: bool = False
    ) -> None:
        super().__init__(message)
        self.path = path
        self.cause = cause
        self.repairable = repairable


class DatabaseMissing(StoreError):
    """The database does not exist and the caller asked not to create it."""


class DocumentNotFound(StoreError, KeyError):
    """An update or removal names a document id that the table does not hold."""

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the message; keep it readable in logs.
        return str(self.args[0]) if self.args else ""


class DatabaseClosed(StoreError):
    """The database handle was closed, or was disabled after an I/O failure it could not undo."""


class WriteFailed(StoreError):
    """A write could not be made durable (disk full, I/O error, a value JSON cannot encode). Nothing of it was
    kept, in memory or on disk; the next write is tried afresh. `path` is the file, `errno` the OS's reason
    (None when the data itself was at fault)."""

    def __init__(self, message: str, *, path: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno
