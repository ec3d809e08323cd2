"""Pseudonymous patient codes: what a code may look like, so that none reads as a name or a birth date.

The safe default: an optional prefix of at most four letters (a service or site mark: P, DEMO, CHU), an
optional dash, then digits, in one or more dash-separated groups (`P-0042`, `P1`, `DEMO-001`, `24-117`), 20
characters at most. Refused, with the reason and never the code: a longer run of letters (`DUPONT1`,
`MARTIN-Jeanne-12`), letters after the digits, and digits that read as a date of birth (`12031956`,
`JD-1956-03-12`).

A site may narrow this with its own model (`etablissement ajouter … codes=P-#####`): letters and dashes as
written, `#` for one digit. A model is itself held to the default (so it can never admit a name), and a
referral to that site must follow it.
"""

from __future__ import annotations

import re
from datetime import date

from handlers.errors import UserError

MAX_LENGTH = 20
_DEFAULT = re.compile(r"^([A-Z]{1,4}-?)?([0-9]+(?:-[0-9]+)*)$")
_MASK = re.compile(r"^([A-Z]{1,4}-?)?(#+(?:-#+)*)$")
_LETTER_RUN = re.compile(r"[A-Z]{5,}")
BIRTH_YEARS = range(1900, 2020)  # before 2020: a birth year, not an event of the experiment


def _is_date(year: int, month: int, day: int) -> bool:
    if year not in BIRTH_YEARS:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def reads_as_birth_date(digits: str) -> bool:
    """Whether the digit part (dash-separated groups) reads as a full date of birth."""
    groups = digits.split("-")
    if len(groups) == 3 and all(g.isdigit() for g in groups):
        a, b, c = (int(g) for g in groups)
        if (len(groups[0]) == 4 and _is_date(a, b, c)) or (len(groups[2]) == 4 and _is_date(c, b, a)):
            return True
    for group in groups:
        if len(group) == 8:
            if _is_date(int(group[4:]), int(group[2:4]), int(group[:2])):  # DDMMYYYY
                return True
            if _is_date(int(group[:4]), int(group[4:6]), int(group[6:])):  # YYYYMMDD
                return True
    compact = "".join(groups)
    return len(groups) > 1 and len(compact) == 8 and reads_as_birth_date(compact)


def check(raw: str, name: str = "patient") -> str:
    """The code in upper case, or UserError naming why it is refused (without repeating it)."""
    code = raw.strip().upper()
    if not code or len(code) > MAX_LENGTH or not code.isascii():
        raise UserError("commands.error.patient_format", name=name)
    if _LETTER_RUN.search(code):
        raise UserError("commands.error.patient_name", name=name)
    match = _DEFAULT.match(code)
    if match is None:
        raise UserError("commands.error.patient_format", name=name)
    if reads_as_birth_date(match.group(2)):
        raise UserError("commands.error.patient_birth_date", name=name)
    return code


def parse_mask(raw: str) -> str:
    """A site's code model (`P-#####`), checked to be within the safe default."""
    mask = raw.strip().upper()
    if len(mask) > MAX_LENGTH or not _MASK.match(mask):
        raise UserError("commands.error.patient_mask_format", value=raw.strip()[:40])
    return mask


def follows(code: str, mask: str) -> bool:
    """Whether an (already checked) code follows a site's model."""
    if len(code) != len(mask):
        return False
    return all((m == "#" and c.isdigit()) or (m != "#" and m == c) for c, m in zip(code, mask, strict=True))


def check_for_site(code: str, mask: str | None, name: str = "patient") -> None:
    if mask and not follows(code, mask):
        raise UserError("commands.error.patient_mask", name=name, mask=mask)
