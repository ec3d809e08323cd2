"""Single-writer lock: an exclusive, non-blocking flock on ``<db>.lock``.

flock is tied to the open file description, so the kernel releases it when the holder dies (even on
SIGKILL) and a second open of the same path inside one process is refused too.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from store.errors import DatabaseLocked


class WriterLock:
    """Held from `acquire` to `release`; the pid of the holder is written in the file for the message."""

    def __init__(self, path: Path, db_path: Path) -> None:
        self._path = path
        self._db_path = db_path
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_pid(fd)
            os.close(fd)
            if holder == str(os.getpid()):
                who = "another handle in this same process"
            else:
                who = f"another expe50 process (pid {holder})" if holder else "another expe50 process"
            raise DatabaseLocked(
                f"database {self._db_path} is already open by {who}; "
                f"only one writer is allowed (lock file {self._path})"
            ) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # Closing the descriptor drops the flock; the file itself stays (deleting it would race a new opener).
        os.close(fd)


def _read_pid(fd: int) -> str:
    try:
        return os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
