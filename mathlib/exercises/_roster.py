"""A course roster: the CSV of student identifiers an instructor keeps.

The identifier column is the one headed ``student``, ``id``, ``sid`` or
``email`` (the first of these found, case-insensitive); a file without
such a header is read as one identifier per line (its first column).
Identifiers are normalised as variants use them (stripped, case-folded);
a roster with duplicates, or with none, is refused with a plain message.
"""

import csv
import io
from pathlib import Path

from ._variant import StudentError, normalise_student

__all__ = ["read_roster", "RosterError", "HEADERS"]

HEADERS = ("student", "id", "sid", "email")
MAX_ROSTER = 100_000


class RosterError(ValueError):
    """A roster file that cannot be used."""


def read_roster(path_or_text):
    """The normalised identifiers of a roster, in file order.

    >>> read_roster("name,student\\nAda,S1\\nBob,s2\\n")
    ['s1', 's2']
    >>> read_roster("s1\\ns2\\n")
    ['s1', 's2']
    >>> read_roster("student\\ns1\\nS1\\n")
    Traceback (most recent call last):
    ...
    mathlib.exercises._roster.RosterError: the roster lists s1 twice \
(rows 2 and 3); identifiers must be unique (case is ignored)
    """
    text = path_or_text
    if "\n" not in str(path_or_text):
        try:
            text = Path(path_or_text).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RosterError(f"cannot read the roster {path_or_text}: "
                              f"{exc}") from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(
        c.strip() for c in r)]
    if not rows:
        raise RosterError("the roster is empty: one student identifier a "
                          "line, or a CSV with a 'student' column")
    head = [c.strip().casefold() for c in rows[0]]
    column = next((head.index(h) for h in HEADERS if h in head), None)
    first = 1 if column is not None else 0
    column = column or 0
    ids, seen = [], {}
    for n, row in enumerate(rows[first:], first + 1):
        raw = row[column] if column < len(row) else ""
        try:
            sid = normalise_student(raw)
        except StudentError as exc:
            raise RosterError(f"row {n} of the roster: {exc}") from None
        if sid is None:
            raise RosterError(f"row {n} of the roster has no identifier")
        if sid in seen:
            raise RosterError(f"the roster lists {sid} twice (rows "
                              f"{seen[sid]} and {n}); identifiers must be "
                              "unique (case is ignored)")
        seen[sid] = n
        ids.append(sid)
    if len(ids) > MAX_ROSTER:
        raise RosterError(f"the roster has {len(ids)} students, more than "
                          f"{MAX_ROSTER:,} (the limit)")
    return ids
