"""Write the problem-set notebooks from the registry.

    python -m mathlib.exercises write [DIR]    the book's notebooks, the
                                               default variant (default
                                               DIR: exercises/ of the
                                               repository)
    python -m mathlib.exercises write DIR --student ID [--set chNN]
                                               one student's notebooks
                                               (self-service)
    python -m mathlib.exercises write DIR --roster ROSTER.csv [--set chNN]
                                               every student's notebooks:
                                               DIR/<id>/chNN.ipynb
    python -m mathlib.exercises list           the questions, one a line

The setup cell comes from the repository's tools/notebooks.py, so this
command runs from a checkout of the book.
"""

import argparse
import sys
from pathlib import Path

from . import _notebook
from ._registry import chapter, chapters
from ._roster import RosterError, read_roster
from ._variant import StudentError, normalise_student

ROOT = Path(__file__).resolve().parents[2]


def setup_source():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import notebooks
    except ImportError:
        sys.exit("tools/notebooks.py not found: run this from a checkout "
                 "of the book's repository")
    return notebooks.setup_cell_source()


def _write(target, sets, source, student=None):
    target.mkdir(parents=True, exist_ok=True)
    for c in sets:
        path = target / f"{c.key}.ipynb"
        path.write_text(_notebook.dumps(_notebook.build(c, source,
                                                        student)),
                        encoding="utf-8")
        print(f"wrote {path}")


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "list":
        for c in chapters():
            for q in c.questions:
                print(f"{q.id}  {q.name:<13} {q.kind:<10} {q.points}  "
                      f"{q.title}")
        return
    if command != "write":
        sys.exit(__doc__)
    p = argparse.ArgumentParser(prog="python -m mathlib.exercises write")
    p.add_argument("dir", nargs="?", default=str(ROOT / "exercises"))
    who = p.add_mutually_exclusive_group()
    who.add_argument("--student", help="one student's identifier")
    who.add_argument("--roster", help="CSV of student identifiers")
    p.add_argument("--set", action="append", help="only this problem set "
                   "(chNN; may be repeated)")
    args = p.parse_args(argv[2:])
    try:
        sets = [chapter(k) for k in args.set] if args.set else chapters()
        students = read_roster(args.roster) if args.roster else \
            [normalise_student(args.student)]
    except (ValueError, RosterError, StudentError) as exc:
        sys.exit(f"python -m mathlib.exercises write: error: {exc}")
    source = setup_source()
    target = Path(args.dir)
    if args.roster:
        for s in students:
            _write(target / s, sets, source, s)
    else:
        _write(target, sets, source, students[0])


if __name__ == "__main__":
    main(sys.argv)
