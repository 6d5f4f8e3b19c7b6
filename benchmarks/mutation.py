"""Mutation score of the modules where a silent bug misleads a reader or
misgrades a student (issue 21): `make mutation`, never part of `make test`.

For each module below, mutmut (pinned in requirements-mutation.txt) plants
small bugs one at a time (a flipped sign or comparison, a number changed by
one, a string or keyword argument replaced, ...) and runs, for each mutant,
only the tests of that module's test files that execute the mutated
function (mutmut records which tests call which function first), with
``-x`` and without xdist. A mutant is *killed* when a test fails or times
out, *survives* when all those tests pass, and has *no tests* when none of
the module's tests runs the function at all (counted as not killed).

Time budget. The whole run is bounded: each module gets at most
``--max-mutants`` mutants (a seeded random sample when it has more; the
sample is said in the output; by default 300, fewer for the modules with
slow tests, see SAMPLE) and ``--budget`` minutes shared by the modules in
turn: each gets an even share of what the modules before it left, its own
preparation (copying, making the mutants) included; a module that reaches
its share is stopped and its untested mutants are reported as "not run",
never as killed. The defaults (300 mutants per module, fewer for the
modules in SAMPLE, 70 minutes, one worker) fit two shared cores.

Blind spots of the tool, reported as survivors: code that runs only while
a module is imported (identities' rule table: its LaTeX helpers, its
shape lambdas) is mutated after the table was built, so no test can see
the mutant; and code that runs only in a subprocess (the grader's kernel
runner) is not linked to any test. tests/test_mutants_*.py plant such
bugs by hand instead.

Score = killed / (mutants tested - listed equivalents). Equivalent mutants,
which cannot change what any caller sees, are listed with the reason in
benchmarks/mutation_equivalent.tsv (mutant name, tab, reason).

Usage::

    .venv/bin/python benchmarks/mutation.py                 # every module
    .venv/bin/python benchmarks/mutation.py check grade     # some modules
    .venv/bin/python benchmarks/mutation.py --max-mutants 0 check  # all mutants

After adding tests, ``--baseline .mutation/before.json`` (an earlier
report of the same source and sample) runs again only the mutants that
were not killed then.

Work directories are .mutation/<module>/ (a copy of mathlib/ and tests/);
the report is also written to .mutation/report.md.
"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".mutation"
EQUIVALENT_FILE = ROOT / "benchmarks" / "mutation_equivalent.tsv"

W = "mathlib/widgets/"
MODULES = {
    # module: (files mutated, test files that cover them)
    "numeric": (["mathlib/numeric.py"],
                ["tests/test_numeric.py", "tests/test_numeric_auto.py"]),
    "symbolic": (["mathlib/symbolic.py"], ["tests/test_symbolic.py"]),
    "check": (["mathlib/check.py"], ["tests/test_check.py"]),
    # identities: verify and its error (__init__), the expression language
    # that prints and evaluates every rule (_expr), a rule's two layouts
    # and its numerical derivative arranged in each (_formulas), and the
    # printed shapes of its arguments (_symbols). Not the rule tables
    # (_rules_*.py): their formulas are module-level expressions built at
    # import, which mutmut does not mutate, and their functions draw the
    # random points (a mutant there changes which valid point is drawn).
    "identities": ([f"mathlib/identities/{f}.py"
                    for f in ("__init__", "_expr", "_formulas", "_symbols")],
                   ["tests/test_identities.py", "tests/test_reference.py"]),
    "exercises": ([f"mathlib/exercises/{f}.py"
                   for f in ("_compare", "_questions", "_parse")],
                  ["tests/test_exercises.py"]),
    # tests/test_grade.py grades through `python -m mathlib.grade` in a
    # subprocess, which mutmut's call tracing does not see: it links none
    # of its tests to a mutant (a run with it alone stops with "no test
    # case for any mutant"), so only the in-process tests are used.
    "grade": ([f"mathlib/grade/{f}.py" for f in ("_batch", "_report", "_cli")],
              []),
    # The mathematics of each widget: what it draws (curves, labels,
    # verdicts), not the drawing machinery (_base, _style, _frames, and
    # see NOT_MUTATED). Only the tests/test_mutants_widgets*.py files: they
    # read the drawn artists and the verdicts directly, a few seconds per
    # mutant; tests/test_widgets.py renders whole scrubbers (24 frames) and
    # live controls, which made a mutant take a minute (the run ran out of
    # time with 169 mutants not run).
    "widgets": ([W + f + ".py" for f in ("_taylor", "_descent", "_directional",
                                         "_partial", "_linear_map", "_limits",
                                         "_functions")],
                []),
}
# Functions left out of a module's mutants (before sampling), with the reason.
NOT_MUTATED = {
    # How a widget draws, not what: _build lays the figure out (axes
    # positions, colours, line widths, fonts, legends) and _place puts an
    # arrow's label a few pixels beyond its tip. What these artists show
    # (curves, points, labels, verdicts) is set in __init__ and _draw_frame,
    # which are mutated.
    "widgets": ["_build", "_place"],
}
# Tests left out of the mutation runs, with the reason.
DESELECT = {
    # hypothesis draws examples from the constants of the project's source,
    # and mutmut's copy of numeric.py holds new ones: in that copy it finds
    # x = 2.2e-308 (the smallest normal float), where the derivative
    # underflows to 0 in the unmutated code too. Not a mutant's doing.
    "numeric": ["tests/test_numeric.py::"
                "test_directional_derivative_is_gradient_dot_v"],
    # runs a scratch copy of mathlib/ in a subprocess with a bare
    # environment: in the mutation copy that mathlib imports mutmut's
    # trampoline, which the bare subprocess cannot import (and mutmut
    # cannot trace a subprocess anyway). tests/test_mutants_identities.py
    # plants the same kind of bug (a misprinted formula) in process.
    "identities": ["tests/test_identities.py::"
                   "test_a_typo_in_a_printed_formula_fails_verification"],
    # the answer keys of every problem set (chNN.py, each formula judged
    # in a forked child: 47 s of test_exercises.py's 70), linked to
    # nearly every mutant; the comparison, question and parser code
    # they run is checked by tests/test_mutants_exercises.py in seconds
    "exercises": [
        "tests/test_exercises.py::"
        "test_key_is_right_at_the_public_and_the_graders_points",
        "tests/test_exercises.py::"
        "test_all_correct_scores_full_marks_and_blank_scores_zero"],
    # a real kernel for 25 s, linked to every mutant of the batch's
    # flow; test_the_runner_gets_a_quarter_of_the_whole_limit_per_cell
    # checks the same limit with the scripted runner in a second
    "grade": ["tests/test_mutants_grade.py::"
              "test_the_default_cell_limit_is_a_quarter_of_the_whole_limit"],
}
# Sample size per module when --max-mutants is not given (300 for the
# others): modules whose tests are slow get a smaller sample so that the
# default run tests all of it within its share of --budget (measured
# under load: numeric ~2.4 s, symbolic ~4 s, identities ~2.6 s per mutant
# after mutmut's ~2 min stats run).
# Exercises and grade: smaller default samples where 300 mutants do not fit a module's share
# of the default budget on two shared cores: mutmut spends 3 to 4 of the
# 10 minutes generating mutants and running the tests twice (stats,
# clean run) before the first mutant; then 300 exercises mutants needed
# about 12 minutes (54 not run) and grade's, whose flow tests start a
# scripted runner each, reached 124 (2026-12-07). --max-mutants overrides.
SAMPLE = {"numeric": 200, "symbolic": 120, "identities": 200,
          "exercises": 200, "grade": 100}
# Tests written to kill survivors: tests/test_mutants_<module>*.py.
LINKED = ["book", "exercises", "benchmarks", "tools", "_config.yml", "_toc.yml"]
KILLED, SURVIVED, NO_TESTS, NOT_RUN = "killed", "survived", "no tests", "not run"


def test_files(module):
    own = MODULES[module][1]
    extra = sorted(str(p.relative_to(ROOT))
                   for p in (ROOT / "tests").glob(f"test_mutants_{module}*.py"))
    return own + extra


def prepare(module):
    """A fresh work directory with mathlib/, tests/ and mutmut's setup.cfg."""
    work = WORK / module
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for d in ("mathlib", "tests"):
        shutil.copytree(ROOT / d, work / d, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", work)
    # mutmut runs the tests in work/mutants/: the tests' data files there too
    (work / "mutants").mkdir()
    for name in LINKED:
        if (ROOT / name).exists():
            (work / name).symlink_to(ROOT / name)
            (work / "mutants" / name).symlink_to(ROOT / name)
    files, _ = MODULES[module]
    lines = ["[mutmut]", "source_paths = mathlib",
             "only_mutate =", *[f"    {f}" for f in files],
             "pytest_add_cli_args_test_selection =",
             *[f"    {t}" for t in test_files(module)],
             "pytest_add_cli_args =",
             *[f"    {a}" for a in ("-p", "no:xdist", "-p", "no:cacheprovider",
                                    "-x", "-q")],
             *[f"    --deselect={t}" for t in DESELECT.get(module, [])],
             ""]
    (work / "setup.cfg").write_text("\n".join(lines))
    return work


def mutant_names(module, work):
    """Every mutant mutmut makes of the module's files, in a stable order."""
    from mutmut.mutation.file_mutation import mutate_file_contents
    from mutmut.utils.format_utils import get_mutant_name
    names, here = [], os.getcwd()
    os.chdir(work)  # mutmut reads its setup.cfg from the working directory
    try:
        for f in MODULES[module][0]:
            mutated = mutate_file_contents(f, Path(f).read_text())
            names += [get_mutant_name(Path(f), n) for n in mutated.mutant_names]
    finally:
        os.chdir(here)
    skip = NOT_MUTATED.get(module, [])
    return [n for n in names
            if n.rsplit("__mutmut_", 1)[0].rsplit("\u01c1", 1)[-1] not in skip]


def run_mutmut(work, names, jobs, seconds):
    """mutmut run on `names`, stopped with SIGINT after `seconds`."""
    cmd = [str(Path(sys.executable).parent / "mutmut"), "run",
           "--max-children", str(jobs), *names]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    with open(work / "mutmut.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=work, stdout=log, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
        try:
            if proc.wait(timeout=seconds) != 0:
                tail = (work / "mutmut.log").read_text(errors="replace")
                print(f"mutmut failed in {work}:\n{tail[-2000:]}",
                      file=sys.stderr)
            return False
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            return True


def read_results(work, module):
    from mutmut.stats import status_by_exit_code
    status = {}
    for f in MODULES[module][0]:
        meta = work / "mutants" / (f + ".meta")
        if meta.exists():
            codes = json.loads(meta.read_text())["exit_code_by_key"]
            for name, code in codes.items():
                s = status_by_exit_code[code]
                status[name] = (KILLED if s in ("killed", "timeout", "segfault")
                                else NOT_RUN if s == "not checked" else s)
    return status


def diff_line(work, name):
    """The changed line of a mutant, '-old  =>  +new'."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    here = os.getcwd()
    try:
        os.chdir(work)
        diff = get_diff_for_mutant(name, path=_file_of(name))
    except Exception as e:  # the report must not die on one odd mutant
        return f"(no diff: {e})"
    finally:
        os.chdir(here)
    old = [l[1:].strip() for l in diff.splitlines()
           if l.startswith("-") and not l.startswith("---")]
    new = [l[1:].strip() for l in diff.splitlines()
           if l.startswith("+") and not l.startswith("+++")]
    return f"{' / '.join(old)}  =>  {' / '.join(new)}"


def _file_of(name):
    # mutmut names a package's __init__.py mutants after the package
    # (mathlib.identities.x_verify__mutmut_1): compare whole module names
    module_of_name = name.rsplit(".", 1)[0]
    for module, (files, _) in MODULES.items():
        for f in files:
            if f[:-3].replace("/", ".").removesuffix(".__init__") \
                    == module_of_name:
                return f
    raise KeyError(name)


def load_equivalents():
    eq = {}
    if EQUIVALENT_FILE.exists():
        for line in EQUIVALENT_FILE.read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, reason = line.partition("\t")
                eq[name.strip()] = reason.strip()
    return eq


def score_module(module, args, seconds, out):
    t0 = time.monotonic()
    work = prepare(module)
    names = mutant_names(module, work)
    total = len(names)
    most = args.max_mutants if args.max_mutants is not None \
        else SAMPLE.get(module, 300)
    if most and total > most:
        names = sorted(random.Random(args.seed).sample(names, most),
                       key=names.index)
    known = {}
    if args.baseline:
        # mutants a previous run killed stay killed when only tests were
        # added since (same source, same sample): run the others only
        for row in json.loads(Path(args.baseline).read_text()):
            if row["module"] == module:
                known = {n: s for n, s in row["status"].items()
                         if s == KILLED and n in names}
    todo = [n for n in names if n not in known]
    left = seconds - (time.monotonic() - t0)        # after the preparation
    stopped = run_mutmut(work, todo, args.jobs, max(left, 1)) if todo \
        else False
    status = read_results(work, module)
    status = {n: known.get(n) or status.get(n, NOT_RUN) for n in names}
    log = (work / "mutmut.log").read_text(errors="replace") \
        if (work / "mutmut.log").exists() else ""
    if "could not find any test case for any mutant" in log:
        status = {n: NO_TESTS if s == NOT_RUN else s
                  for n, s in status.items()}
    eq = load_equivalents()
    counts = {k: 0 for k in (KILLED, SURVIVED, NO_TESTS, NOT_RUN, "other")}
    survivors, equivalent = [], []
    for n, s in status.items():
        if s in (SURVIVED, NO_TESTS) and n in eq:
            equivalent.append(n)
            continue
        counts[s if s in counts else "other"] += 1
        if s in (SURVIVED, NO_TESTS, "other") or (s not in counts):
            survivors.append((n, s))
    tested = counts[KILLED] + counts[SURVIVED] + counts[NO_TESTS] + counts["other"]
    score = 100.0 * counts[KILLED] / tested if tested else float("nan")
    minutes = (time.monotonic() - t0) / 60
    sample = (f"{len(names)} sampled of {total} (seed {args.seed})"
              if len(names) < total else f"all {total}")
    out(f"\n## {module}: {score:.1f}% killed ({counts[KILLED]}/{tested}), "
        f"{minutes:.1f} min")
    out(f"mutants: {sample}; survived {counts[SURVIVED]}, no tests "
        f"{counts[NO_TESTS]}, other {counts['other']}, equivalent "
        f"{len(equivalent)}, not run {counts[NOT_RUN]}"
        + (" (stopped at its time share)" if stopped else ""))
    if known:
        out(f"{len(known)} mutants killed in the baseline run were not "
            f"run again; {len(todo)} were")
    out(f"tests: {' '.join(test_files(module))}")
    if NOT_MUTATED.get(module):
        out(f"not mutated: {', '.join(NOT_MUTATED[module])} (see NOT_MUTATED)")
    for n, s in survivors:
        out(f"- {s}: `{n}`: `{diff_line(work, n)}`")
    return {"module": module, "score": score, "killed": counts[KILLED],
            "tested": tested, "total": total, "sampled": len(names),
            "equivalent": len(equivalent), "not_run": counts[NOT_RUN],
            "minutes": round(minutes, 2), "stopped": stopped, "status": status}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("modules", nargs="*", choices=[[], *MODULES],
                   help="modules to score (default: all)")
    p.add_argument("--max-mutants", type=int, default=None,
                   help="mutants per module, a seeded sample (0: all; "
                   "default 300, or SAMPLE's number for the module)")
    p.add_argument("--budget", type=float, default=70.0,
                   help="minutes for the whole run, shared evenly by the modules")
    p.add_argument("--jobs", type=int, default=1, help="mutmut workers")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--baseline", help="REPORT.json of an earlier run of the "
                   "same source: its killed mutants are not run again")
    p.add_argument("--report", default=str(WORK / "report"),
                   help="report files: REPORT.md and REPORT.json")
    args = p.parse_args(argv)
    modules = args.modules or list(MODULES)
    WORK.mkdir(exist_ok=True)
    lines = []

    def out(s):
        print(s, flush=True)
        lines.append(s)

    out(f"# Mutation score (mutmut, {args.jobs} worker(s), budget "
        f"{args.budget:g} min for {len(modules)} module(s))")
    t0 = time.monotonic()
    rows = []
    for i, m in enumerate(modules):
        # an even share of what is left: time a fast module does not use
        # goes to the modules after it
        left = args.budget * 60 - (time.monotonic() - t0)
        rows.append(score_module(m, args, left / (len(modules) - i), out))
    out("\n| module | score | killed / tested | equivalent | not run | minutes |")
    out("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        out(f"| {r['module']} | {r['score']:.1f}% | {r['killed']}/{r['tested']} "
            f"| {r['equivalent']} | {r['not_run']} | {r['minutes']} |")
    out(f"\ntotal {(time.monotonic() - t0) / 60:.1f} min")
    Path(args.report + ".md").write_text("\n".join(lines) + "\n")
    Path(args.report + ".json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
