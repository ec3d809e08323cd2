"""A patient's months told one per line, the month first and what happened after a colon, rewritten as the
list the timeline reader reads.

« - août 2026 : 1ère injection à domicile - sept 2026 : 2 injections - oct 2026 : aucune (en vacances) -
nov 2026 : 1 - déc 2026 : 3 injections » becomes « administrations en aout 2026 ; puis septembre 2026 ; rien
en octobre 2026 ; puis novembre 2026 ; puis decembre 2026 ; »: a month with a count or a word of care is a
month with an administration, a month with « aucune », « rien », « 0 » or « pas de … » one without (the
reason in brackets is context).

A run is at least two such entries, each right after the last one's description. Any word of a description
that the reader cannot place (« hospitalisé », « Xeloda cp », « adressage », « HDJ ») leaves the whole text
as it stands: the reader then gives up on it, as for any month it cannot account for. So does a run that
opens on a month without care (no home care yet, or before the list: not told). One pass of one regular
expression over the text, then one look at each description: linear in the text.
"""

from __future__ import annotations

import re

from handlers.questions.normalize import fold
from handlers.questions.slots import MONTH_WORDS
from templates import MONTHS_FR

# The month words the question readers share, with the two short forms a line may also use.
_MONTHS = {**MONTH_WORDS, "jan": 1, "sep": 9}
# A month at the start of an entry (after a line break, a bullet, a « ; » or a « , »), its year, then the
# colon (or « = », « -> ») that opens its description.
_ENTRY = re.compile(
    r"(?:^|(?<=[\n;,:•*])|(?<=\s-))[ \t]*(?P<month>"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + r")\.?(?:[ \t]+(?P<year>20\d\d))?[ \t]*(?::|=|->|→)[ \t]*",
    re.MULTILINE,
)
# What a description may hold, word by word. A month without: a negation first.
_NONE = re.compile(r"(?:aucune?|rien|0|zero|neant|pas\s+d\w*|sans)\b")
_CARE = frozenset({
    "injection", "injections", "inj", "perf", "perfs", "perfusion", "perfusions", "admin", "admins",
    "administration", "administrations", "cure", "cures", "chimio", "chimios", "seance", "seances", "a", "au",
    "dom", "domicile", "chez", "lui", "elle", "en", "had", "1ere", "1re", "1er", "premiere", "premier",
    "inclusion", "debut", "x", "oui", "ok", "une", "un", "deux", "trois", "quatre", "cinq", "et", "de", "d",
    "le", "la", "les", "puis", "fois", "iv", "sc", "sous", "cutanee", "dont", "on", "il", "eu", "immuno",
    "immunotherapie",
})  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
# Where the last entry's description ends: a line break or the end of a sentence.
_END = re.compile(r"[\n.?!]")
_LONGEST = 60  # characters of a description


def rewrite(text: str) -> str:
    """The text with its run of month lines told as a list, or the text as it was."""
    folded = fold(text)
    entries = list(_ENTRY.finditer(folded))
    if len(entries) < 2:
        return text
    parts: list[str] = []
    for n, entry in enumerate(entries):
        if n + 1 < len(entries):
            end = entries[n + 1].start()
        else:
            stop = _END.search(folded, entry.end())
            end = stop.start() if stop else len(folded)
        description = folded[entry.end() : end].strip(" \t\n-;,•*")
        if len(description) > _LONGEST:
            return text  # a description longer than a line (or a run broken by prose): not a list
        told = _told(description)
        if told is None or (n == 0 and told == "none"):
            return text
        month = fold(MONTHS_FR[_MONTHS[entry.group("month")] - 1])
        when = f"{month} {entry.group('year')}" if entry.group("year") else month
        lead = "administrations en" if n == 0 else ("rien en" if told == "none" else "puis")
        parts.append(f"{lead} {when}")
    return f"{folded[: entries[0].start()]} {' ; '.join(parts)} ; {folded[end:]}"


def _told(description: str) -> str | None:
    """« none » (no administration that month), « care » (at least one), or None (another event)."""
    if _NONE.match(description):
        return "none"  # (its reason in brackets is context: « aucune (il était en vacances) »)
    # An aside is read as the rest: « 2 (dont une le 3) » counts, « 1 (en HDJ) » is another event.
    words = _WORD.findall(description)
    if not words:
        return None
    if all(w.isdigit() or w in _CARE for w in words) and not any(w == "0" for w in words):
        return "care"
    return None
