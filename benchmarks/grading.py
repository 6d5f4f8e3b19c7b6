"""How fast does the grader grade a batch? Prints a markdown table.

    python benchmarks/grading.py [--n 50] [-j 2] [--chapter ch02]
        [--roster]

Makes N submissions of one problem set (a mix of the samples in
tests/submissions: all correct, blank, and the two with one mistake of
each kind per question; copies under distinct names), grades them with
``python -m mathlib.grade -j J``, and reports the wall time, seconds per
submission and submissions per minute, and the time 100 submissions
would take at that rate. Goal: 100 submissions of one problem set in
under 3 minutes with -j 2 on a 2-core machine. Each submission starts
its own kernel (nothing is reused between students) in its own
namespaces when the grader is root, so kernel start-up and the
notebook's imports dominate. The load average is printed with the
figures: on a shared machine, compare runs at similar loads.

With ``--roster`` the batch is graded with a roster of N students, one
submission each (named ``sNNNN_...``): every submission is graded
against its own student's variant, and since the samples answer the
book's default variant, every parameterised answer is wrong for its
own variant and compared with all N other variants (the worst case of
the check for copied variants).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIX = ["correct", "blank", "wrong_a", "wrong_b"]
GOAL = 180.0          # seconds for 100 submissions


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=50)
    p.add_argument("-j", "--jobs", type=int, default=2)
    p.add_argument("--chapter", default="ch02")
    p.add_argument("--roster", action="store_true",
                   help="grade with a roster of N students (variants)")
    args = p.parse_args(argv)
    samples = ROOT / "tests" / "submissions" / args.chapter
    mix = [m for m in MIX if (samples / f"{m}.ipynb").exists()]
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp, "batch")
        batch.mkdir()
        for k in range(args.n):
            kind = mix[k % len(mix)]
            name = f"s{k:04d}_{kind}" if args.roster else \
                f"student{k:03d}-{kind}"
            shutil.copy(samples / f"{kind}.ipynb", batch / f"{name}.ipynb")
        roster = []
        if args.roster:
            Path(tmp, "roster.csv").write_text("student\n" + "".join(
                f"s{k:04d}\n" for k in range(args.n)))
            roster = ["--roster", str(Path(tmp, "roster.csv"))]
        load_before = os.getloadavg()
        start = time.perf_counter()
        run = subprocess.run(
            [sys.executable, "-m", "mathlib.grade",
             str(ROOT / "exercises" / f"{args.chapter}.ipynb"), str(batch),
             "--out", str(Path(tmp, "out")), "-j", str(args.jobs),
             "--quiet", *roster], cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        load_after = os.getloadavg()
        if run.returncode:
            sys.exit(f"grader failed:\n{run.stderr[-3000:]}")
        graded = len([f for f in os.listdir(Path(tmp, "out"))
                      if f.endswith(".results.json")])
    per = seconds / args.n
    hundred = 100 * per
    from mathlib.grade._batch import sandbox_support

    isolated, how = sandbox_support()
    print(f"{args.n} submissions of {args.chapter} ({', '.join(mix)}), "
          f"-j {args.jobs}, {os.cpu_count()} CPUs; "
          f"{'roster of ' + str(args.n) + ' (variants); ' if args.roster else ''}"
          "isolation: "
          f"{how if isolated else 'none (' + how + ')'}; load average "
          f"(1 min) {load_before[0]:.1f} before, {load_after[0]:.1f} "
          "after (a shared machine: other work slows this down)\n")
    print("| submissions | wall time (s) | s per submission | "
          "submissions per minute | 100 submissions (s) | goal (s) |")
    print("|---:|---:|---:|---:|---:|---:|")
    print(f"| {graded} | {seconds:.1f} | {per:.2f} | {60 / per:.1f} | "
          f"{hundred:.0f} | {GOAL:.0f} |")
    print(f"\n{'meets' if hundred <= GOAL else 'misses'} the goal")


if __name__ == "__main__":
    main()
