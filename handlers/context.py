"""What a command runs with: the repository, the legal parameters, and who is asking.

`Context` is built once by the composition root (bot/app.py) and shared by every channel; `Invocation` is one
parsed request, handed to the command's handler with the context.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from handlers.reply import Request
from rules.parameters import Parameters
from store.records import Member, Role
from store.repository import Origin, Repository

if TYPE_CHECKING:
    from handlers.ports import HandoverDesk
    from handlers.registry import CommandSpec

# The person at the keyboard of the console or of `expe50 cmd`: the machine's operator, with the admin role.
OPERATOR_ID = "operateur-local"
OPERATOR_CHANNELS = ("console", "cli")


@dataclass
class Context:
    repo: Repository
    params: Parameters
    operator_id: str = OPERATOR_ID
    # The runtime's services (handlers/ports.py), set by bot/app.py; None when not configured.
    desk: HandoverDesk | None = None
    # Channels run in threads (Slack, mailbox, scheduler, console): one command at a time touches the store.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    def actor(self, request: Request) -> Actor:
        """Who is asking: the local operator (console/CLI only), a known member, or an unknown person."""
        if request.channel in OPERATOR_CHANNELS and request.member_id in (None, self.operator_id):
            return Actor(self.operator_id, Role.ADMIN, operator=True)
        if request.member_id is None:
            return Actor(None, None)
        member = self.repo.member(request.member_id) or self.repo.member_by_email(request.member_id)
        if member is None:
            return Actor(request.member_id, None)
        return Actor(member.member_id, member.role, sites=member.sites, region=member.region, member=member)


@dataclass(frozen=True)
class Actor:
    member_id: str | None
    role: Role | None  # None: a person the store does not know
    sites: tuple[str, ...] = ()
    region: str | None = None
    operator: bool = False
    member: Member | None = None

    @property
    def id(self) -> str:
        return self.member_id or "inconnu"


@dataclass(frozen=True)
class Invocation:
    request: Request
    spec: CommandSpec
    actor: Actor
    args: dict[str, Any] = field(default_factory=dict)  # declared arguments, parsed and typed
    extra: dict[str, str] = field(default_factory=dict)  # undeclared key=value (free_options commands)
    rest: str = ""  # the raw text after the verb (and sub-verb)

    @property
    def origin(self) -> Origin:
        return Origin(
            actor=self.actor.id,
            channel=self.request.channel,
            at=self.request.now,
            delivery_id=self.request.delivery_id,
        )
