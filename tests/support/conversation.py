"""A conversation harness for the /expe50 command language (like errbot's test backend): push a command as a
member, pop the reply, assert on it. Runs `handlers.dispatch` in-process on a real database in a temp dir.

    convo = Conversation.start(tmp_path)          # the local operator (admin) at the console
    convo.push("etablissement ajouter 760780239 nom=\"CHU\" region=normandie categorie=a")
    reply = convo.pop()
    assert reply.ok
    convo.push("adressage P-1 2025-09-10 had=760024042", as_="U123", channel="slack")
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from handlers.context import Context
from handlers.dispatch import dispatch
from handlers.reply import Channel, Reply, Request
from rules.parameters import load_parameters
from store.repository import Repository

PARIS = ZoneInfo("Europe/Paris")
DEFAULT_NOW = datetime(2025, 11, 20, 10, 0, tzinfo=PARIS)

# A small region that most tests start from: one site (selected 15 Jul 2025) and one HAD in convention.
SITE = "760780239"
SITE2 = "760000196"
HAD = "760024042"
HAD2 = "760024059"
SETUP = (
    'etablissement ajouter 760780239 nom="CHU de Rouen" region=normandie categorie=a selection=2025-07-15',
    'etablissement ajouter 760000196 nom="Clinique du Havre" region=normandie categorie=d'
    " selection=2025-07-15",
    'had ajouter 760024042 nom="HAD Rouen" communes=76540,76351 moins-de-3-ans=non',
    'had ajouter 760024059 nom="HAD Enfants" communes=76540 moins-de-3-ans=oui',
    "convention 760780239 760024042 date=2025-03-01",
    "convention 760000196 760024042 date=2025-03-01",
    "membre ajouter U0SAISIE role=saisie site=760780239",
    "membre ajouter U0COORD role=coordination site=760780239",
    "membre ajouter U0HAVRE role=saisie site=760000196",
    "membre ajouter agent@ars.sante.fr role=ars region=normandie",
    "membre ajouter U0ADMIN role=admin",
)


@dataclass
class Conversation:
    ctx: Context
    path: Path
    now: datetime = DEFAULT_NOW
    member: str | None = None  # None: the local operator
    channel: Channel = "console"
    replies: deque[Reply] = field(default_factory=deque)

    @classmethod
    def start(cls, tmp_path: Path, *, setup: bool = False, **kwargs: Any) -> Conversation:
        path = tmp_path / "expe50.json"
        convo = cls(Context(Repository.open(path), load_parameters()), path, **kwargs)
        if setup:
            for line in SETUP:
                reply = convo.ask(line)
                assert reply.ok, (line, reply.title, reply.body)
        return convo

    @property
    def repo(self) -> Repository:
        return self.ctx.repo

    def push(
        self,
        text: str,
        *,
        as_: str | None = None,
        channel: Channel | None = None,
        now: datetime | None = None,
        delivery_id: str | None = None,
    ) -> None:
        member = as_ if as_ is not None else self.member
        request = Request(
            member, text, channel or ("slack" if as_ else self.channel), now or self.now, delivery_id
        )
        self.replies.append(dispatch(request, self.ctx))

    def pop(self) -> Reply:
        return self.replies.popleft()

    def ask(self, text: str, **kwargs: Any) -> Reply:
        self.push(text, **kwargs)
        return self.pop()

    def reopen(self) -> None:
        """Close and reopen the database, as after a restart."""
        self.ctx.repo.close()
        self.ctx = Context(Repository.open(self.path), self.ctx.params)

    def close(self) -> None:
        self.ctx.repo.close()
