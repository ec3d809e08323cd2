"""Anticancer drugs and their route of administration, read strictly from rules/data/drugs/*.yaml.

The rules exclude oral treatments and cover every non-oral systemic cancer treatment; a question that names a
drug (« capecitabine », « Keytruda ») needs its route to be answered. The list is general pharmacological
knowledge, not a legal text: its confidence (I) and source travel with every drug so that an answer using it
says so.

    drugs:
      capecitabine: {route: oral, names: [xeloda]}   # route: oral | iv | sc | injectable | mixed

Strict loading: an unknown key, a route not listed, a name that is not one lowercase word, the same name for
two drugs, a missing source or confidence: `DrugError` naming the file and the drug.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from rules.parameters import DATA_DIR
from rules.reasons import Confidence, Source

DRUGS_DIR = DATA_DIR / "drugs"

Route = Literal["oral", "iv", "sc", "injectable", "mixed"]
ROUTES: tuple[Route, ...] = ("oral", "iv", "sc", "injectable", "mixed")
# Whether a route is inside the experiment's scope (non-oral) or not; a mixed drug's route is the question's.
IN_SCOPE: dict[Route, bool | None] = {
    "oral": False,
    "iv": True,
    "sc": True,
    "injectable": True,
    "mixed": None,
}

_NAME = re.compile(r"^(?=[a-z0-9]*[a-z])[a-z0-9]{3,40}$")  # « 5fu »: a figure may open a name
_TOP_KEYS = {"source", "confidence", "last_checked", "routes", "stated", "drugs"}


class DrugError(ValueError):
    """A drug file is wrong; the message names the file, the drug and the way out."""


@dataclass(frozen=True)
class Drug:
    name: str  # the name as the list keys it (an INN, or a brand for a several-word INN)
    route: Route
    names: tuple[str, ...]  # brand names and short forms
    source: Source
    confidence: Confidence

    @property
    def in_scope(self) -> bool | None:
        return IN_SCOPE[self.route]


@dataclass(frozen=True)
class Drugs:
    by_name: dict[str, Drug]  # every name (INN, brands, short forms) -> its drug
    route_words: dict[Route, str]  # how a route reads to the question lexicons
    # The words by which a question states a route itself, by scope (True: non-oral, in scope).
    stated: dict[bool, tuple[str, ...]]


def _load_file(
    path: Path, by_name: dict[str, Drug], route_words: dict[Route, str], stated: dict[bool, tuple[str, ...]]
) -> None:
    where = path.name
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DrugError(f"{where}: cannot read the drug list: {exc}") from None
    if not isinstance(doc, dict):
        raise DrugError(f"{where}: expected `source`, `confidence`, `routes` and `drugs` at the top")
    unknown = set(doc) - _TOP_KEYS
    if unknown:
        raise DrugError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    raw_source = doc.get("source")
    if not isinstance(raw_source, dict) or not isinstance(raw_source.get("text"), str):
        raise DrugError(f"{where}: `source: {{text: ...}}` is required (where the routes come from)")
    source = Source(text=raw_source["text"], article=raw_source.get("article"), url=raw_source.get("url"))
    try:
        confidence = Confidence(str(doc.get("confidence")))
    except ValueError:
        raise DrugError(f"{where}: `confidence` must be T, S or I (how sure the routes are)") from None
    if "last_checked" in doc and not isinstance(doc["last_checked"], date):
        raise DrugError(f"{where}: `last_checked` must be a date (YYYY-MM-DD)")
    routes = doc.get("routes") or {}
    if not isinstance(routes, dict):
        raise DrugError(f"{where}: `routes` maps a route to the words it reads as")
    for route, words in routes.items():
        if route not in ROUTES or not isinstance(words, str) or not words.strip():
            raise DrugError(f"{where}: routes {route!r}: a route ({', '.join(ROUTES)}) and its words")
        route_words[cast(Route, route)] = words
    said = doc.get("stated") or {}
    if not isinstance(said, dict) or set(said) - {"oral", "injectable"}:
        raise DrugError(f"{where}: `stated` maps oral / injectable to the words that state the route")
    for scope, words in said.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise DrugError(f"{where}: stated {scope}: a list of words")
        stated[scope == "injectable"] = stated.get(scope == "injectable", ()) + tuple(words)
    drugs = doc.get("drugs")
    if not isinstance(drugs, dict) or not drugs:
        raise DrugError(f"{where}: `drugs` maps a drug name to {{route, names?}}")
    for name, body in drugs.items():
        _add(where, str(name), body, source, confidence, by_name)


def _add(
    where: str, name: str, body: Any, source: Source, confidence: Confidence, by_name: dict[str, Drug]
) -> None:
    at = f"{where}: {name}"
    if not isinstance(body, dict) or set(body) - {"route", "names"}:
        raise DrugError(f"{at}: expected {{route: ..., names: [...]}}")
    route = body.get("route")
    if route not in ROUTES:
        raise DrugError(f"{at}: route {route!r} is not one of {', '.join(ROUTES)}")
    names = body.get("names") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise DrugError(f"{at}: `names` must be a list of names")
    drug = Drug(name, cast(Route, route), tuple(names), source, confidence)
    for spelled in (name, *names):
        if not _NAME.match(spelled):
            raise DrugError(
                f"{at}: {spelled!r} must be one lowercase word without accents (a-z, 0-9, a letter at least)"
            )
        if spelled in by_name:
            raise DrugError(f"{at}: {spelled!r} already names {by_name[spelled].name}")
        by_name[spelled] = drug


def _load(path: Path) -> Drugs:
    files = sorted(path.glob("*.yaml"))
    if not files:
        raise DrugError(f"{path}: no drug list (*.yaml) found")
    by_name: dict[str, Drug] = {}
    route_words: dict[Route, str] = {}
    stated: dict[bool, tuple[str, ...]] = {}
    for file in files:
        _load_file(file, by_name, route_words, stated)
    missing = [r for r in ROUTES if r not in route_words]
    if missing:
        raise DrugError(f"{path}: no file says how route(s) {', '.join(missing)} read (`routes`)")
    if set(stated) != {True, False}:
        raise DrugError(f"{path}: `stated` needs the words of both oral and injectable")
    return Drugs(by_name=by_name, route_words=route_words, stated=stated)


@cache
def _default() -> Drugs:
    return _load(DRUGS_DIR)


def load_drugs(path: Path | None = None) -> Drugs:
    """The drugs from `path` (a directory of *.yaml); the packaged rules/data/drugs/ when None (cached)."""
    return _default() if path is None else _load(Path(path))
