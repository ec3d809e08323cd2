"""The tariffs a question states, for the monthly forfait's cap (the HDJ TMSC tariff minus the HAD tariff).

« tarif HDJ 410 et HAD 330 chez nous, le mensuel reste à 120 ? », « site A : tarif HDJ 520 €, tarif HAD
370 € ; site B : … », « l'écart entre le tarif HDJ et le tarif HAD serait d'environ 95 € »: each amount is
read as the tariff last named before it (or as the gap when « écart » / « différence » was named), in one pass
over the tokens. Only a complete pair, or a stated gap, is returned: a lone tariff says nothing about the cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from handlers.questions.slots import date_at

_GAP_WORDS = frozenset({"ecart", "difference", "differentiel", "delta"})
_LABELS = {"hdj": "hdj", "had": "had"}
# A number followed by these counts something else (« 3 patients », « 2 mois »), and years are dates.
_COUNTED = frozenset({"mois", "patient", "jour", "semaine", "an", "annee", "fois", "site", "seance", "cure"})
_MAX_TARIFF = 100_000
_REACH = 8  # how many words after a tariff's (or the gap's) name its amount may come
_FEE_WORDS = frozenset({"forfait", "mensuel", "inclusion"})


@dataclass(frozen=True)
class Tariffs:
    """One site's tariffs (both known), or a gap stated as such (hdj and had None)."""

    gap: Decimal
    hdj: Decimal | None = None
    had: Decimal | None = None


def _amount(tokens: tuple[str, ...], i: int) -> Decimal | None:
    token = tokens[i]
    if not token.isdigit() or len(token) > 6:
        return None
    if i + 1 < len(tokens) and len(tokens[i + 1]) == 3 and tokens[i + 1].isdigit() and len(token) <= 3:
        return None  # « 4 200 € »: the first group of a number written with a space; not an amount alone
    if i > 0 and len(token) == 3 and tokens[i - 1].isdigit() and len(tokens[i - 1]) <= 3:
        token = tokens[i - 1] + token  # … read as a whole at its last group
    value = int(token)
    following = tokens[i + 1] if i + 1 < len(tokens) else ""
    if (
        following in _COUNTED
        # « la différence entre les deux tarifs » (read « 2 tarif »); « HDJ 300, tarif HAD » is a tariff
        or (following == "tarif" and value <= 3)
        or (2020 <= value <= 2035 and following != "euro")
        or not 0 < value < _MAX_TARIFF
    ):
        return None
    return Decimal(value)


# « l'écart entre nos saisies (5 160 €) et le montant notifié (4 200 €) »: a gap between other amounts; a
# tariff must be named for a gap or a pair to be tariffs.
_TARIFF_WORDS = frozenset({"tarif", "hdj", "ghs"})


def _date_parts(tokens: tuple[str, ...]) -> set[int]:
    """Where the figures of dates stand (« le 15/03/27 » folds to « 15 03 27 », « le 18 décembre »): a day,
    its month and its year are no tariffs. One pass."""
    parts: set[int] = set()
    for i in range(len(tokens)):
        told = date_at(tokens, i)
        if told is not None:
            parts.update((i, i + 1, i + 2) if told[2] is not None else (i, i + 1))
    return parts


def stated_tariffs(tokens: tuple[str, ...]) -> list[Tariffs]:
    """The tariff pairs (or stated gaps) of a question's normalised tokens, in order; linear in the tokens."""
    if not _TARIFF_WORDS.intersection(tokens):
        return []
    found: list[Tariffs] = []
    dated = _date_parts(tokens)
    pending: str | None = None  # the tariff (or gap) named last, waiting for its amount
    since_gap: set[str] = set()  # the tariffs named since the gap was
    named_at = 0
    pair: dict[str, Decimal] = {}
    for i, token in enumerate(tokens):
        if token in {"moins", "moin"} and pending == "hdj" and "hdj" not in pair:
            # « tarif HDJ moins tarif HAD ça fait pile 100 € »: the gap, told as the subtraction
            pending, named_at = "gap", i
            since_gap = {"hdj"}
            continue
        if token in _GAP_WORDS:
            pending, named_at = "gap", i
            since_gap = set()
            continue
        if token in _LABELS:
            named_at = (
                i  # (« l'écart entre le tarif HDJ et le tarif HAD serait de 95 € »: the gap still waits)
            )
            # (« … l'écart entre le tarif d'HDJ et le tarif d'HAD. Chez nous, la séance en HDJ est valorisée à
            # 415 € »: a tariff named again after the gap is its own, the gap no longer waits)
            if pending != "gap" or _LABELS[token] in since_gap:
                pending = _LABELS[token]
            since_gap.add(_LABELS[token])
            continue
        told_as_fee = tokens[i - 1] in _FEE_WORDS or (
            tokens[i - 1] in {"de", "a", "est"} and tokens[i - 2] in _FEE_WORDS
        )
        if pending is not None and i >= 2 and (i - named_at > _REACH or told_as_fee):
            # « … la différence entre le tarif HDJ et le tarif HAD. Pour notre site, le forfait de 120 € … »:
            # an amount far from the tariff named, or told as the fee, is no tariff.
            if i - named_at > _REACH:
                pending = None
            continue
        value = _amount(tokens, i) if pending is not None and i not in dated else None
        if value is None or pending is None:
            continue
        if pending == "gap":
            # (« HDJ 415 €, HAD 320 €, soit un écart de 95 € »: the gap of the pair told, said once)
            if not any(f.gap == value and f.hdj is not None for f in found):
                found.append(Tariffs(gap=value))
            pair = {}
        elif pending not in pair:
            pair[pending] = value
            if len(pair) == 2:
                found.append(Tariffs(gap=pair["hdj"] - pair["had"], hdj=pair["hdj"], had=pair["had"]))
                pair = {}
        pending = None
    return found
