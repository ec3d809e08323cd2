"""Operating faults as French sentences: a file the bot cannot read or write (disk full, read-only file
system, another owner, an immutable file, a directory in place of the database) named with the way out.

Pure (templates only). Used wherever an OSError or a store write failure could otherwise reach an operator
as a traceback: the CLI, the runtime's start-up, the reply to a command whose write failed.
"""

from __future__ import annotations

import errno as errnos
import traceback
from pathlib import Path

from store.errors import WriteFailed
from templates import text

_KINDS = {
    errnos.ENOSPC: "no_space",
    errnos.EDQUOT: "no_space",
    errnos.EROFS: "read_only",
    errnos.EACCES: "permission",
    errnos.EPERM: "permission",
    errnos.EISDIR: "is_directory",
    errnos.ENOTDIR: "not_directory",
    errnos.ENOENT: "missing_directory",
    errnos.EIO: "io",
}


def describe(error: OSError | WriteFailed, fallback_path: Path | str) -> str:
    """One French sentence for an OS-level fault on a file of the bot."""
    code: int | None
    path: object
    if isinstance(error, WriteFailed):
        if error.errno is None:
            return text("fault.bad_text")
        code, path = error.errno, error.path
    else:
        code, path = error.errno, error.filename
    where = str(path) if path else str(fallback_path)
    kind = _KINDS.get(code or -1)
    if kind is None:
        return text("fault.other", path=where, problem=errnos.errorcode.get(code or -1, "erreur système"))
    return text(f"fault.{kind}", path=where)


def where(error: BaseException) -> str:
    """An unexpected error for the log: its type and the last frames, never its message (an exception's
    message may quote user input, and a multi-line traceback is not what an operator should read)."""
    frames = traceback.extract_tb(error.__traceback__)[-4:]
    place = " <- ".join(f"{f.filename}:{f.lineno} in {f.name}" for f in reversed(frames))
    return f"{type(error).__name__} at {place or '?'}"
