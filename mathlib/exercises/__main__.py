"""Write the problem-set notebooks from the registry.

    python -m mathlib.exercises write [DIR]    (default: exercises/ of the
                                                repository)
    python -m mathlib.exercises list           the questions, one a line

The setup cell comes from the repository's tools/notebooks.py, so this
command runs from a checkout of the book.
"""

import sys
from pathlib import Path

from . import _notebook
from ._registry import chapters

ROOT = Path(__file__).resolve().parents[2]


def setup_source():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import notebooks
    except ImportError:
        sys.exit("tools/notebooks.py not found: run this from a checkout "
                 "of the book's repository")
    return notebooks.setup_cell_source()


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
    target = Path(argv[2]) if len(argv) > 2 else ROOT / "exercises"
    source = setup_source()
    for c in chapters():
        path = target / f"{c.key}.ipynb"
        path.write_text(_notebook.dumps(_notebook.build(c, source)),
                        encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main(sys.argv)
