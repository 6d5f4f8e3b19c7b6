"""Build times of the book, and how many notebooks each build executes.

    python benchmarks/build.py        (or: make bench-build)

Measures, in one run on this machine:

1. a clean build (_build removed: every notebook executes),
2. a rebuild with nothing changed (jupyter-cache serves every notebook),
3. a rebuild after changing one mathlib file (a comment appended to
   mathlib/__init__.py): every notebook that imports mathlib re-executes,
   the others are served from the cache.

The file is restored afterwards (so the next build re-executes once more:
that, too, is the point). Prints a markdown table.
"""
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build  # noqa: E402
import notebooks  # noqa: E402

TOUCHED = ROOT / "mathlib" / "__init__.py"


def timed_build():
    start = time.perf_counter()
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "build.py")],
                            cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"build failed:\n{result.stdout[-3000:]}{result.stderr}")
    executed = int(re.search(r"notebooks executed: (\d+)",
                             result.stdout)[1])
    return seconds, executed


def main():
    total = len(notebooks.notebooks())
    using = len(build.book_notebooks())
    rows = []
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    rows.append(("clean build", *timed_build()))
    rows.append(("rebuild, nothing changed", *timed_build()))
    original = TOUCHED.read_text()
    try:
        TOUCHED.write_text(original + f"# benchmark {time.time()}\n")
        rows.append(("rebuild, one mathlib file changed", *timed_build()))
    finally:
        TOUCHED.write_text(original)
    print(f"{total} notebooks, {using} of them import mathlib\n")
    print("| build | seconds | notebooks executed |")
    print("|---|---:|---:|")
    for name, seconds, executed in rows:
        print(f"| {name} | {seconds:.1f} | {executed} |")


if __name__ == "__main__":
    main()
