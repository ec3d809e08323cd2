"""Fault injection for the CLI's subprocess tests: put this folder first on PYTHONPATH and set
EXPE50_FAULTS="call:ERRNO:path-part[,call:ERRNO:path-part...]" (call in open, replace, write, fdatasync);
that OS call then fails with that errno on any file whose path holds path-part. Nothing else changes."""

from __future__ import annotations

import errno
import os

_SPEC = os.environ.get("EXPE50_FAULTS", "")


def _path_of(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def _install(call: str, code: int, part: str) -> None:
    real = getattr(os, call)

    def failing(*args: object, **kwargs: object) -> object:
        first = args[0] if args else ""
        where = _path_of(first) if isinstance(first, int) else os.fsdecode(first)  # type: ignore[arg-type]
        if part in where:
            raise OSError(code, os.strerror(code), where)
        return real(*args, **kwargs)

    setattr(os, call, failing)


for item in filter(None, _SPEC.split(",")):
    name, code_name, path_part = item.split(":", 2)
    _install(name, getattr(errno, code_name), path_part)
