"""Accuracy and speed of mathlib.numeric against numdifftools and scipy.

Run from the repository root::

    .venv/bin/python benchmarks/numeric.py            # full (~1-2 min)
    .venv/bin/python benchmarks/numeric.py --quick    # fewer repeats

For every row of the battery (benchmarks/battery.py: gradients,
Jacobians and Hessians with exact derivatives, at ordinary, steep and
large points, plus functions that are not complex-safe) it measures, in
the same run:

* mathlib.numeric with every method (auto, complex, richardson, central,
  forward);
* numdifftools with its defaults (nd.Gradient, nd.Jacobian, nd.Hessian on
  the flattened variable; nd.Jacobian of a scalar function is 1 x n and is
  reshaped);
* scipy.differentiate (scipy >= 1.15: jacobian, hessian with defaults).
  Those need a vectorized f (x of shape (n, ...)), so f is wrapped with
  np.apply_along_axis, which costs a Python call per evaluation point, as
  the other two libraries do.

Errors are normwise relative errors ||est - exact|| / ||exact|| (absolute
when the exact derivative is zero, e.g. the Hessian of a linear function);
times are medians of per-call wall-clock times (each sample averages
enough calls to last a few milliseconds). The output is markdown.
"""

import argparse
import os
import statistics
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

from battery import CASES, UNSAFE_CASES, relative_error  # noqa: E402
from mathlib import numeric  # noqa: E402

METHODS = numeric.METHODS

try:
    import numdifftools as nd
except ImportError:                                  # pragma: no cover
    nd = None
try:
    import scipy.differentiate as sd
except ImportError:                                  # pragma: no cover
    sd = None


# ----------------------------------------------------------- the contenders

def mathlib_call(case, method):
    fn = getattr(numeric, case.kind)
    return lambda: fn(case.f, case.x, method=method)


def _flat(case):
    shape = case.x.shape
    return (lambda z: case.f(np.reshape(z, shape))), case.x.ravel()


def numdifftools_call(case):
    g, x = _flat(case)
    cls = {"gradient": nd.Gradient, "jacobian": nd.Jacobian,
           "hessian": nd.Hessian}[case.kind]
    return lambda: np.reshape(cls(g)(x), case.exact.shape)


def scipy_call(case):
    g, x = _flat(case)

    def vf(X):                       # x of shape (n, ...) -> f(x) (..., ...)
        return np.apply_along_axis(g, 0, X)

    if case.kind == "hessian":
        return lambda: np.reshape(sd.hessian(vf, x).ddf, case.exact.shape)
    return lambda: np.reshape(sd.jacobian(vf, x).df, case.exact.shape)


# ---------------------------------------------------------------- measuring

def _first_call(call, exact):
    """(relative error or 'raises ...', calls per timing sample or 0)."""
    try:
        t0 = time.perf_counter()
        est = call()
        once = time.perf_counter() - t0
        return relative_error(est, exact), max(1, int(0.003 / max(once,
                                                                 1e-7)))
    except Exception as exc:                        # noqa: BLE001
        return f"raises {type(exc).__name__}", 0


def measure_row(calls, exact, repeats):
    """{name: (error, median seconds per call)} for the contenders of one
    row. The timing samples are interleaved (round robin), so that a load
    spike on the machine hits all contenders alike."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = {k: _first_call(c, exact) for k, c in calls.items()}
        samples = {k: [] for k in calls}
        for _ in range(repeats):
            for k, call in calls.items():
                number = first[k][1]
                if not number:
                    continue
                t0 = time.perf_counter()
                for _ in range(number):
                    call()
                samples[k].append((time.perf_counter() - t0) / number)
    return {k: (first[k][0], statistics.median(samples[k])
                if samples[k] else None) for k in calls}


def run(cases, repeats):
    rows = []
    for case in cases:
        calls = {m: mathlib_call(case, m) for m in METHODS}
        if nd:
            calls["numdifftools"] = numdifftools_call(case)
        if sd:
            calls["scipy"] = scipy_call(case)
        row = {"numdifftools": ("n/a", None), "scipy": ("n/a", None)}
        row.update(measure_row(calls, case.exact, repeats))
        row["case"] = case
        rows.append(row)
        print(".", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return rows


def _kind_of_point(z):
    if type(z) is numeric._Analytic:
        return "continued"
    return "complex" if np.iscomplexobj(z) else "real"


def evaluation_costs(case, repeats):
    """What auto spends in f itself: {kind of point: (evaluations per
    call, median seconds per evaluation)}, kinds "real", "complex" and
    "continued" (the _Analytic arrays on which abs and its kin are
    continued analytically). Counted on auto's second call with the same
    function object, as in the timing (the first learns which kinds of
    complex point fail for it)."""
    kinds = []

    def counted(z):
        kinds.append(_kind_of_point(z))
        return case.f(z)

    fn = getattr(numeric, case.kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn(counted, case.x)
        kinds.clear()
        fn(counted, case.x)
        near = case.x + 2.0 ** -10
        points = {"real": near, "complex": near + 2.0 ** -10 * 1j}
        points["continued"] = points["complex"].view(numeric._Analytic)
        out = {}
        for kind in ("real", "complex", "continued"):
            if kinds.count(kind):
                z, samples = points[kind], []
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    for _ in range(200):
                        case.f(z)
                    samples.append((time.perf_counter() - t0) / 200)
                out[kind] = (kinds.count(kind), statistics.median(samples))
    return out


# ----------------------------------------------------------------- printing

COLUMNS = list(METHODS) + ["numdifftools", "scipy"]


def _label(case):
    """The row's label with its pipes escaped (|x| in a markdown table)."""
    return case.label.replace("|", "\\|")


def _err(cell):
    value = cell[0]
    return value if isinstance(value, str) else f"{value:.1e}"


def _time(cell):
    t = cell[1]
    if t is None:
        return "-"
    return f"{t * 1e3:.3g} ms" if t >= 1e-3 else f"{t * 1e6:.0f} us"


def _ratio(row):
    a, b = row["auto"][1], row["numdifftools"][1]
    return f"{b / a:.0f}x" if a and b else "-"


def print_tables(rows, title):
    head = "| row | kind | " + " | ".join(COLUMNS) + " |"
    rule = "|" + "---|" * (len(COLUMNS) + 2)
    print(f"\n### {title}: relative error\n")
    print(head)
    print(rule)
    for r in rows:
        c = r["case"]
        print(f"| {_label(c)} | {c.kind} | "
              + " | ".join(_err(r[k]) for k in COLUMNS) + " |")
    print(f"\n### {title}: median time per call "
          "(last column: numdifftools time / mathlib auto time)\n")
    print(head[:-1] + "| nd / auto |")
    print(rule + "---|")
    for r in rows:
        c = r["case"]
        print(f"| {_label(c)} | {c.kind} | "
              + " | ".join(_time(r[k]) for k in COLUMNS)
              + f" | {_ratio(r)} |")


def print_goals(rows):
    """Rows where auto is less accurate than numdifftools or less than
    10x faster."""
    worse, slower, ratios = [], [], []
    for r in rows:
        a, b = r["auto"], r["numdifftools"]
        label = f"{r['case'].label} ({r['case'].kind})"
        if isinstance(b[0], float) and isinstance(a[0], float) \
                and a[0] > max(b[0], 1e-15):
            worse.append(f"{label}: {a[0]:.1e} vs {b[0]:.1e}")
        if a[1] and b[1]:
            ratios.append(b[1] / a[1])
            if b[1] / a[1] < 10:
                slower.append(f"{label}: {b[1] / a[1]:.1f}x")
    print("\n### Goals\n")
    print(f"* auto at least as accurate as numdifftools: "
          f"{'every row' if not worse else 'not on ' + '; '.join(worse)}")
    if ratios:
        print(f"* speed-up over numdifftools: median "
              f"{statistics.median(ratios):.0f}x, min {min(ratios):.1f}x")
    print(f"* at least 10x faster: "
          f"{'every row' if not slower else 'not on ' + '; '.join(slower)}")


def print_costs(rows, repeats):
    """For the rows under 10x: how much of auto's time is f's own."""
    slow = [r for r in rows if r["auto"][1] and r["numdifftools"][1]
            and r["numdifftools"][1] / r["auto"][1] < 10]
    if not slow:
        return
    print("\n### Rows under 10x: the time auto spends in f itself\n")
    print("Evaluations of f per call of auto, by kind of point, times f's "
          "median time per evaluation of that kind; 'f alone' is their "
          "sum, a floor under auto's time.\n")
    print("| row | kind | evaluations of f | f alone | auto "
          "| numdifftools / 10 |")
    print("|---|---|---|---|---|---|")
    for r in slow:
        c = r["case"]
        costs = evaluation_costs(c, repeats)
        parts = ", ".join(f"{n} {kind} x {_time((0, t))}"
                          for kind, (n, t) in costs.items())
        alone = sum(n * t for n, t in costs.values())
        print(f"| {_label(c)} | {c.kind} | {parts} | {_time((0, alone))} | "
              f"{_time(r['auto'])} | "
              f"{_time((0, r['numdifftools'][1] / 10))} |")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="3 timing samples per cell instead of 7")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 7
    t0 = time.perf_counter()
    print(f"numpy {np.__version__}, numdifftools "
          f"{getattr(nd, '__version__', 'missing')}, scipy.differentiate "
          f"{'present' if sd else 'missing'}; {repeats} timing samples")
    safe = run(CASES, repeats)
    unsafe = run(UNSAFE_CASES, repeats)
    print_tables(safe, "Complex-safe battery")
    print_tables(unsafe, "Not complex-safe (auto: the complex step on analytic continuations, else Richardson)")
    print_goals(safe + unsafe)
    print_costs(safe + unsafe, repeats)
    print(f"\n(total {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
