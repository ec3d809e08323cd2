"""What a CLI subcommand runs against: the open App (Context, settings, services) and where to write.

The same function serves both ways a command reaches the data: in the `expe50` process that opened the
database itself (no bot running), or inside the running bot through the control socket. Paths the user typed
are relative to *their* working directory (`cwd`), which the bot does not share: use `session.path(raw)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from bot.app import App
    from bot.config import Settings
    from handlers.context import Context


@dataclass
class Session:
    app: App
    out: TextIO
    err: TextIO
    cwd: Path
    forwarded: bool = False  # run inside the running bot (through the control socket)

    @property
    def ctx(self) -> Context:
        return self.app.ctx

    @property
    def settings(self) -> Settings:
        return self.app.settings

    def path(self, raw: str) -> Path:
        """A path the user typed, made absolute against their working directory."""
        path = Path(raw).expanduser()
        return path if path.is_absolute() else self.cwd / path
