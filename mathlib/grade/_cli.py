"""Command line of the grader, the ``grade`` function, and Gradescope."""

import argparse
import os
import sys
import time
from pathlib import Path

from . import _notebooks as N
from . import _report as R

__all__ = ["grade", "main"]


def _check_runtime():
    try:
        import jupyter_client  # noqa: F401
        import ipykernel  # noqa: F401
    except ImportError as exc:
        raise N.UsageError(f"the grader needs {exc.name}: pip install "
                           "nbclient ipykernel") from None


class Progress:
    """A progress line on stderr (a bar on a terminal)."""

    def __init__(self, total, stream=None, quiet=False):
        stream = sys.stderr if stream is None else stream   # as of now
        self.total, self.done, self.stream = total, 0, stream
        self.quiet, self.start = quiet, time.monotonic()
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def __call__(self, job):
        self.done += 1
        if self.quiet:
            return
        r = job.report
        rate = (time.monotonic() - self.start) / self.done
        if self.tty:
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} "
                              f"{rate:.1f} s each ")
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {job.name}: "
                              f"{r['score']}/{r['max_score']} "
                              f"({r['status']})\n")
        self.stream.flush()


def _expand(paths):
    """[(path, name)]: the notebooks to grade, each named by its path
    relative to the folder given (folders are searched recursively,
    hidden ones skipped), or by its file name; names shared by several
    files are made unique with their folders."""
    found = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for q in sorted(p.rglob("*.ipynb")):
                rel = q.relative_to(p)
                if q.is_file() and not any(part.startswith(".")
                                           for part in rel.parts):
                    found.append((q, rel.as_posix()))
        else:
            found.append((p, p.name))
    counts = {}
    for _, name in found:
        counts[name] = counts.get(name, 0) + 1
    clash = [q for q, name in found if counts[name] > 1]
    if clash:
        common = Path(os.path.commonpath([os.path.abspath(q)
                                          for q in clash]))
        found = [(q, Path(os.path.abspath(q)).relative_to(common).as_posix()
                  if counts[name] > 1 and Path(os.path.abspath(q)) != common
                  else name) for q, name in found]
    seen, out = {}, []
    for q, name in found:
        seen[name] = seen.get(name, 0) + 1
        out.append((q, name if seen[name] == 1 else
                    f"{name} ({seen[name]})"))
    return out


def _hidden_dirs(submissions, out):
    """The folders a submission must not see: DIR and where the
    submissions are."""
    dirs = {os.path.abspath(out)}
    for s in submissions:
        s = Path(s)
        dirs.add(os.path.abspath(s if s.is_dir() else s.parent))
    return sorted(dirs)


def _write(path, text):
    """Write one output file; never crash the batch over it."""
    try:
        moved = R.atomic_write(path, text)
    except OSError as exc:
        print(f"ERROR: could not write {path}: {exc.strerror or exc}",
              file=sys.stderr)
        return
    if moved:
        print(f"WARNING: {path} was not a regular file (a folder or a "
              f"link, made during grading?); it was moved to {moved} and "
              "replaced", file=sys.stderr)


def grade(assignment, submissions, out, *, timeout=120.0,
          cell_timeout=None, jobs=1, seed=None, quiet=True, roster=None,
          identity=None):
    """Grade submissions of a problem set and write the output files.

    Introduced with the problem sets (chapters 1 to 3); see the module
    docstring of :mod:`mathlib.grade` for the design.

    Parameters
    ----------
    assignment : str or Path
        The problem-set notebook as handed out, or a key such as "ch02".
    submissions : list of str or Path
        Notebooks (or directories of notebooks) to grade.
    out : str or Path
        The output directory (created if needed).
    timeout : float
        Seconds per submission. cell_timeout: per cell (default a
        quarter of timeout). jobs: submissions graded in parallel.
        seed: for the grader's sample points (default: random).
    roster : str, Path or None
        A roster CSV (see ``mathlib.exercises._roster``): each
        submission is graded against the variant of the student its
        folder or file name names, and copies of other students'
        variants are flagged (see ``_variants``). identity: (student,
        why) for a single submission whose student the LMS told us
        (Gradescope).

    Returns
    -------
    list of dict
        One report per submission: "status", "reason", "score",
        "max_score" and per question "status", "points", "feedback".

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "bad.ipynb").write_text("not a notebook")
    >>> [r] = grade("ch01", [tmp / "bad.ipynb"], tmp / "out")
    >>> r["status"], r["score"], r["max_score"]
    ('invalid', 0, 10)
    >>> sorted(p.name for p in (tmp / "out").iterdir())
    ['bad.json', 'bad.results.json', 'grades.csv', 'summary.csv']
    """
    from . import _batch

    questions = N.load_assignment(str(assignment))
    if roster is not None and not isinstance(roster, (list, set, tuple)):
        roster = _roster(roster)
    expanded = _expand(submissions)
    paths = [p for p, _ in expanded]
    labels = [name for _, name in expanded]
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise N.UsageError(f"--out {out} is a file, not a folder")
    out.mkdir(parents=True, exist_ok=True)
    before = set(os.listdir(out))
    names = R.stems(labels)
    titles = {q.id: q.title for q in questions}
    stem_of = dict(zip(range(len(paths)), names))
    progress = Progress(len(paths), quiet=quiet)

    def done(job):
        _write_one(out, stem_of[job.index], job.report, titles)
        progress(job)

    if any(p.suffix == ".ipynb" or p.exists() for p in paths):
        _check_runtime()
    support = _batch.sandbox_support()
    if not support[0] and not quiet:
        print(f"note: submissions are not isolated from each other and "
              f"from the grader ({support[1]}); see the README",
              file=sys.stderr)
    reports = _batch.grade_all(questions, paths, timeout=timeout,
                               cell_timeout=cell_timeout, jobs=jobs,
                               seed=seed, on_done=done, names=labels,
                               hide=_hidden_dirs(submissions, out),
                               roster=roster, identity=identity)
    # every kernel is dead now: write everything again, atomically
    for k, report in enumerate(reports):
        _write_one(out, stem_of[k], report, titles)
    _write(out / "grades.csv", R.grades_csv(reports, names, questions))
    rows = R.summary_rows(reports, questions)
    _write(out / "summary.csv", R.summary_csv(rows))
    ours = {"grades.csv", "summary.csv"} | {f"{s}.json" for s in names} | \
        {f"{s}.results.json" for s in names}
    stray = sorted(n for n in set(os.listdir(out)) - before - ours
                   if ".not-a-file-" not in n)
    if stray:
        print(f"WARNING: files appeared in {out} during grading (not "
              f"written by the grader): {', '.join(stray[:10])}",
              file=sys.stderr)
    if not quiet:
        print(R.summary_table(rows, reports))
    return reports


def _roster(path):
    from mathlib.exercises._roster import RosterError, read_roster
    try:
        return read_roster(path)
    except RosterError as exc:
        raise N.UsageError(f"--roster: {exc}") from None


def _write_one(out, stem, report, titles):
    _write(out / f"{stem}.json", R.submission_json(report))
    _write(out / f"{stem}.results.json", R.gradescope_json(report, titles))


def _gradescope(args):
    root = Path(args.gradescope_root)
    found = sorted((root / "submission").glob("**/*.ipynb"))
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    if not found:
        questions = N.load_assignment(args.assignment)
        R.atomic_write(results / "results.json", (
            '{"score": 0, "output": "No .ipynb notebook was found in the '
            'submission.", "tests": []}\n'))
        print(f"no notebook in {root / 'submission'}; "
              f"{len(questions)} questions scored 0", file=sys.stderr)
        return 0
    wanted = Path(args.assignment).name
    pick = next((p for p in found if p.name == wanted), found[0])
    work = results / "mathlib-grade"
    roster = identity = None
    if args.roster:
        from ._variants import gradescope_students
        roster = _roster(args.roster)
        identity = gradescope_students(
            root / "submission_metadata.json", set(roster))
    [report] = grade(args.assignment, [pick], work, timeout=args.timeout,
                     cell_timeout=args.cell_timeout, jobs=1,
                     seed=args.seed, quiet=args.quiet, roster=roster,
                     identity=identity)
    stem = R.stems([pick.name])[0]
    text = (work / f"{stem}.results.json").read_text(encoding="utf-8")
    R.atomic_write(results / "results.json", text)
    return 0


def _parser():
    p = argparse.ArgumentParser(
        prog="python -m mathlib.grade",
        description="Grade problem-set notebooks: each submission runs "
                    "in a fresh kernel; verdicts are computed outside it.")
    p.add_argument("assignment", help="the problem-set notebook as handed "
                   "out (or a key such as ch02)")
    p.add_argument("submissions", nargs="*",
                   help="submitted notebooks, or directories of them")
    p.add_argument("--out", help="output directory")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds per submission (default 120)")
    p.add_argument("--cell-timeout", type=float, default=None,
                   help="seconds per cell (default: timeout / 4)")
    p.add_argument("-j", "--jobs", type=int, default=1,
                   help="submissions graded in parallel (default 1)")
    p.add_argument("--seed", type=int, default=None,
                   help="seed of the grader's sample points (default: "
                        "random)")
    p.add_argument("--roster", help="CSV of student identifiers: grade "
                   "each submission against the variant of the student "
                   "its folder or file name (Gradescope: its metadata) "
                   "names, and flag copied variants")
    p.add_argument("--quiet", action="store_true",
                   help="no progress and no summary table")
    p.add_argument("--gradescope", action="store_true",
                   help="grade ROOT/submission/*.ipynb into "
                        "ROOT/results/results.json")
    p.add_argument("--gradescope-root", default="/autograder",
                   help="ROOT for --gradescope (default /autograder)")
    return p


def main(argv=None):
    """Run the grader's command line; returns the exit status.

    Introduced with the problem sets (chapters 1 to 3).

    Examples
    --------
    >>> main(["no-such-assignment.ipynb", "x.ipynb", "--out", "out"])
    ... # doctest: +ELLIPSIS
    2
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.timeout <= 0 or args.jobs < 1 or (
                args.cell_timeout is not None and args.cell_timeout <= 0):
            raise N.UsageError("--timeout, --cell-timeout and -j must be "
                               "positive")
        if args.gradescope:
            return _gradescope(args)
        if not args.submissions or not args.out:
            raise N.UsageError("give at least one SUBMISSION and --out DIR")
        missing = [s for s in args.submissions if not Path(s).exists()]
        if missing:
            print(f"note: {len(missing)} submission path(s) do not exist "
                  f"and are graded as invalid: {', '.join(missing[:5])}",
                  file=sys.stderr)
        N.load_assignment(args.assignment)        # fail early on misuse
        roster = _roster(args.roster) if args.roster else None
        grade(args.assignment, args.submissions, args.out,
              timeout=args.timeout, cell_timeout=args.cell_timeout,
              jobs=args.jobs, seed=args.seed, quiet=args.quiet,
              roster=roster)
    except N.UsageError as exc:
        print(f"python -m mathlib.grade: error: {exc}", file=sys.stderr)
        return 2
    return 0
