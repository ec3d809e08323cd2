"""Tables pasted in a question, rewritten as the lists the timeline reader reads.

A message flattened to one line keeps a Markdown table as a run of cells (« | patient | mois | | P01 |
janvier, février | … »). Two shapes are read, both found by their separator row (« |---|---| »), which
gives the number of columns:

- a grid whose header names months (« | | sept. | oct. | nov. | »): each row is a patient, each cell the
  administrations of that month (« 2 », « 0 », « – », or a mark « x »). It becomes « Mme A : administrations
  en septembre, rien en octobre, puis novembre ; »: a month with administrations is told, a month at 0 is
  told without any, a dash before the first or after the last care is no month at home. A dash between two
  months of care (a stay ended, then a new one?) is not read: the table is left as it stands, and the reader
  gives up on it. In a grid of marks, an empty cell between two marks is a month without.
- a table of spans (« | Patient | Début | Fin | Mois sans admin | »): « J.M. : administrations de janvier
  2026 à juin 2026 sauf mars 2026 ; ».
- any other table: each row becomes « - first cell : second cell (third cell) … ; », so that « | P01 |
  janvier, février, mars | 1re administration en janvier 2026 | » reads as a patient told in words.

A grid pasted from a spreadsheet without pipes (columns split by tabs, which the message's flattening turns
into spaces: « Patient janv févr mars P01 2 1 0 P02 0 1 1 ») is read as the first shape when its header is
a run of at least three months and each row is a short name then exactly one cell per month. A long
extract (« patient;mois;voie;nb_admin A;2026-01;IV;2 … ») is long_tables.py's.

Every row is told after a dash: the first cell names a patient however it does (initials, a code).

Anything else (no separator row, cells that do not fall in rows) is left untouched. Linear in the text.
"""

from __future__ import annotations

import re

from handlers.questions import long_tables, month_lines
from handlers.questions.normalize import fold
from handlers.questions.slots import MONTH_WORDS

# A run of at least three cells: « | a | b | c | ».
_RUN = re.compile(r"(?:\|[^|\n]*){3,}\|")
_LINE_BREAK = re.compile(r"\|[ \t]*\n[ \t]*\|")
_SEPARATOR = re.compile(r"\s*:?-{2,}:?\s*")
_DASH = frozenset({"", "-", "–", "—", "/"})
# A mark for « at least one administration that month » (« x = au moins une injection »).
_MARK = frozenset({"x", "X", "✓", "✔", "oui", "OUI"})
_MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
    "novembre", "décembre",
)  # fmt: skip
_MAX_CELLS = 400


def rewrite(text: str) -> str:
    """The text with each table it holds told as a list (the rest of the text as it was)."""
    text = month_lines.rewrite(long_tables.rewrite(_flat_grids(text)))
    if "|" not in text:
        return text
    # A table's lines joined as a flattened message joins them (« | a | b | | c | d | »).
    flat = _LINE_BREAK.sub("| |", text)
    return _RUN.sub(lambda m: _table(m.group()), flat)


def _table(run: str) -> str:
    cells = run.split("|")[1:-1]
    if len(cells) > _MAX_CELLS:
        return run
    sep = next((i for i, c in enumerate(cells) if _SEPARATOR.fullmatch(c)), None)
    if sep is None:
        return run
    n = 0
    while sep + n < len(cells) and _SEPARATOR.fullmatch(cells[sep + n]):
        n += 1
    if n < 2 or sep < n + 1 or cells[sep - 1].strip():
        return run
    header = [c.strip() for c in cells[sep - 1 - n : sep - 1]]
    body = cells[sep + n :]
    rows: list[list[str]] = []
    # After the separator: a gap (the line break), then n cells, a gap, n cells…
    at = 0
    while at < len(body):
        if body[at].strip():
            return run
        row = [c.strip() for c in body[at + 1 : at + 1 + n]]
        if len(row) < n:
            break
        rows.append(row)
        at += n + 1
    if not rows:
        return run
    before = " ".join(cells[: sep - 1 - n]) if sep - 1 - n > 0 else ""
    months = [_month_of(h) for h in header[1:]]
    if all(m is not None for m in months):
        told = _grid(rows, months)
    else:
        spans = _span_columns(header)
        told = _spans(rows, *spans) if spans is not None else _lines(rows)
    return run if told is None else f"{before} {told}"


# « 01/2026 », « 1/2026 »: a month written in figures in a cell.
_MONTH_CELL = re.compile(r"(\d{1,2})\s*/\s*(\d{4})")


def _month_cell(cell: str) -> str | None:
    """« 03/2026 » → « mars 2026 »; a month already in words is kept; anything else is None."""
    found = _MONTH_CELL.fullmatch(cell.strip())
    if found is not None:
        number = int(found.group(1))
        return f"{_MONTH_NAMES[number - 1]} {found.group(2)}" if 1 <= number <= 12 else None
    words = re.findall(r"[a-z]+", fold(cell))
    return cell.strip() if words and words[0] in MONTH_WORDS and len(words) <= 2 else None


def _span_columns(header: list[str]) -> tuple[int, int, int | None] | None:
    """The columns of a table of spans (« | Patient | Début | Fin | Mois sans admin | »): first month, last
    month, and the months without, when the header names them."""
    folded = [fold(h) for h in header]
    start = next((i for i, h in enumerate(folded) if "debut" in h or "premier mois" in h), None)
    end = next((i for i, h in enumerate(folded) if re.search(r"\bfin\b|dernier mois", h)), None)
    without = next((i for i, h in enumerate(folded) if "sans" in h), None)
    if start is None or end is None or start == end or 0 in (start, end, without):
        return None
    return start, end, without


def _spans(rows: list[list[str]], start: int, end: int, without: int | None) -> str | None:
    told: list[str] = []
    for row in rows:
        first, last = _month_cell(row[start]), _month_cell(row[end])
        if first is None or last is None:
            return None
        said = f"administrations en {first}" if first == last else f"administrations de {first} à {last}"
        if without is not None and row[without].strip() not in _DASH:
            gaps = [_month_cell(part) for part in re.split(r"[,;]| et ", row[without])]
            if any(g is None for g in gaps):
                return None
            said += "".join(f" sauf {g}" if k == 0 else f" et {g}" for k, g in enumerate(gaps))
        told.append(f"- {row[0]} : {said} ;")
    return " ".join(told)


def _month_of(cell: str) -> int | None:
    """The month a header cell names (« sept. », « Octobre 2025 »), or None."""
    words = re.findall(r"[a-z]+", fold(cell))
    return MONTH_WORDS.get(words[0]) if words else None


def _grid(rows: list[list[str]], months: list[int | None]) -> str | None:
    told: list[str] = []
    for row in rows:
        counts: list[int | None] = []
        for cell in row[1:]:
            value = cell.strip()
            if value in _DASH:
                counts.append(None)
            elif value.isdigit():
                counts.append(int(value))
            elif value in _MARK:
                counts.append(1)
            else:
                return None
        cared = [i for i, c in enumerate(counts) if c]
        if not cared:
            return None
        inside = counts[cared[0] : cared[-1] + 1]
        marks_only = all(c in (None, 1) for c in counts) and any(cell.strip() in _MARK for cell in row[1:])
        if any(c is None for c in inside):
            if not marks_only:
                return None
            # A grid of marks: an empty cell between two is a month without (the mark is the care).
            inside = [c or 0 for c in inside]
        names = [_MONTH_NAMES[(m or 1) - 1] for m in months[cared[0] : cared[-1] + 1]]
        # (« rien en mars, puis avril »: « rien en mars, avril » would read as neither month had any)
        parts = [
            (f"puis {name}" if k and not inside[k - 1] else name) if c else f"rien en {name}"
            for k, (name, c) in enumerate(zip(names, inside, strict=True))
        ]
        # (the grid says what its figures count: the rows are told as administrations)
        told.append(f"- {row[0]} : administrations en {', '.join(parts)} ;")
    return " ".join(told)


def _lines(rows: list[list[str]]) -> str:
    told = []
    for row in rows:
        rest = " ".join(f"({c})" for c in row[2:] if c)
        told.append(f"- {row[0]} : {row[1]} {rest} ;".replace("  ", " "))
    return " ".join(told)


# A cell of a flattened grid: a count, a mark, or a dash.
_FLAT_CELL = re.compile(r"\d{1,2}|[-–—/]|x|X|✓|✔|oui|OUI")
_MIN_FLAT_MONTHS = 3
_MAX_NAME_WORDS = 3


def _flat_grids(text: str) -> str:
    """Each grid flattened to words (a header of months, then rows « name cell cell … ») told as a list."""
    words = text.split()  # (a tab or a line break between cells as much as a space)
    if len(words) > _MAX_CELLS * 4:
        return text
    out: list[str] = []
    found = False
    i = 0
    while i < len(words):
        months = _header_months(words, i)
        if len(months) < _MIN_FLAT_MONTHS:
            out.append(words[i])
            i += 1
            continue
        rows, end = _flat_rows(words, i + len(months), len(months))
        told = _grid(rows, list(months)) if rows else None
        if told is None:
            out.extend(words[i : i + len(months)])
            i += len(months)
            continue
        out.append(told)
        found = True
        i = end
    return " ".join(out) if found else text


def _header_months(words: list[str], at: int) -> tuple[int, ...]:
    """The months a run of words from `at` names in order, each once (« janv févr mars avr »)."""
    found: list[int] = []
    while at + len(found) < len(words):
        word = fold(words[at + len(found)]).rstrip(".")
        month = MONTH_WORDS.get(word)
        if month is None or word == "mar" or (found and month != found[-1] % 12 + 1):
            break
        found.append(month)
    return tuple(found)


def _flat_rows(words: list[str], at: int, width: int) -> tuple[list[list[str]], int]:
    """The rows that follow a flattened header: a name of one to three words, then `width` cells."""
    rows: list[list[str]] = []
    while at < len(words):
        name = 0
        while (
            name < _MAX_NAME_WORDS
            and at + name < len(words)
            and words[at + name]
            and not _FLAT_CELL.fullmatch(words[at + name])
        ):
            name += 1
        cells = words[at + name : at + name + width]
        if not name or len(cells) < width or not all(_FLAT_CELL.fullmatch(c) for c in cells):
            break
        rows.append([" ".join(words[at : at + name]), *cells])
        at += name + width
    return rows, at
