"""How fast do the widgets of mathlib.widgets redraw? Prints markdown.

Run: .venv/bin/python benchmarks/widgets.py [--quick]

For every widget (default example, live mode), the time from
``w.update(<main parameter>=v)`` to the new frame's PNG bytes, over a sweep
of 30 values of the widget's main parameter (the one the static scrubber
moves): median and 95th percentile. The same sweep is then done the naive
way, as an ``interact`` callback would: re-create the widget (its numerics,
a new Figure, every artist), draw it and save it as PNG with
``Figure.savefig`` (matplotlib's default PNG encoder). The ratio is naive /
fast (medians). Goals: median <= 16 ms, p95 <= 33 ms, ratio >= 5.

A second table times the same widgets when the reader passes numpy code
instead of a sympy expression (derivatives then come from
mathlib.numeric's complex step rather than lambdified sympy formulas).
The last columns give the size of each static scrubber (HTML, bytes) and
its frame format.
"""

import io
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mathlib import widgets as W  # noqa: E402

WIDGETS = ["partial_slice", "directional_derivative",
           "quadratic_approximation", "epsilon_delta", "gradient_descent",
           "linear_map"]

# the same default examples written as numpy code taking one array
NUMPY_INPUT = {
    "partial_slice": dict(f=lambda p: np.sin(p[0]) * np.cos(p[1])),
    "directional_derivative": dict(
        f=lambda p: p[0] ** 2 + p[0] * p[1] + 2 * p[1] ** 2),
    "quadratic_approximation": dict(
        f=lambda p: p[0] * np.exp(-p[0] ** 2 - p[1] ** 2)),
    "epsilon_delta": dict(f=lambda x: np.sin(x) / x, L=1.0),
    "gradient_descent": dict(f=lambda p: p[0] ** 2 / 2 + 5 * p[1] ** 2,
                             step_range=(0.01, 0.25)),
    "linear_map": dict(F=lambda p: np.array([p[0] * np.cos(p[1]),
                                             p[0] * np.sin(p[1])]),
                       point=(1.0, np.pi / 4)),
}


def sweep_values(w, n):
    p = w._spec[w.main_param()]
    return p.sweep(n)


def p95(ts):
    return float(np.percentile(ts, 95))


def time_fast(factory, kwargs, n):
    w = factory(mode="live", **kwargs)
    name = w.main_param()
    values = sweep_values(w, n)
    for v in sweep_values(w, 7)[1:-1]:          # warm up (fonts, caches)
        w.update(**{name: v * 0.999})
    ts = []
    for v in values:
        t0 = time.perf_counter()
        w.update(**{name: v})
        assert w.frame[:4] == b"\x89PNG" and not w.message, w.message
        ts.append(time.perf_counter() - t0)
    return w, name, values, ts


def time_naive(factory, kwargs, name, values):
    ts = []
    for v in values:
        t0 = time.perf_counter()
        w = factory(mode="static", **{**kwargs, name: v})
        buf = io.BytesIO()
        w._fig.savefig(buf, format="png", dpi=w.dpi)
        ts.append(time.perf_counter() - t0)
    return ts


def time_replot(w, name, values):
    """Naive, but generous to it: the numerics stay cached in ``w``; only
    the figure is re-created and re-plotted (a new Figure, every artist,
    a full draw) and saved with savefig, per value."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from mathlib.widgets._style import RC
    ts = []
    for v in values:
        params = {**w.params, name: v}
        t0 = time.perf_counter()
        width, height = w.size
        w._fig = Figure(figsize=(width / w.dpi, height / w.dpi), dpi=w.dpi)
        w._canvas = FigureCanvasAgg(w._fig)
        w._animated, w._labels, w._backgrounds = [], [], {}
        with mpl.rc_context(RC):
            w._build()
            w._set_background(params)
            w._draw_frame(params)
            buf = io.BytesIO()
            w._fig.savefig(buf, format="png", dpi=w.dpi)
        ts.append(time.perf_counter() - t0)
    return ts


def main(quick=False):
    n = 10 if quick else 30
    load_before = os.getloadavg()
    rows, rows_np = [], []
    for wname in WIDGETS:
        factory = getattr(W, wname)
        w, name, values, fast = time_fast(factory, {}, n)
        naive = time_naive(factory, {}, name, values)
        html = w.to_html()
        replot = time_replot(w, name, values)
        fmt = sorted(set(re.findall(r"data:image/([a-z]+);", html)))
        nframes = html.count("data:image/")
        rows.append((wname, name, fast, naive, replot, len(html.encode()),
                     "/".join(fmt), nframes))
        _, _, _, fast_np = time_fast(factory, NUMPY_INPUT[wname], n)
        rows_np.append((wname, name, fast_np))
        print(f"  measured {wname}", file=sys.stderr)

    ms = 1e3
    print(f"Widgets: update() to PNG bytes over {n} values of the main "
          "parameter (default examples, sympy input)\n")
    print("| widget | parameter | fast median (ms) | fast p95 (ms) | "
          "naive median (ms) | naive p95 (ms) | naive / fast | "
          "re-plot only median (ms) | re-plot / fast | "
          "static HTML (bytes) | frames |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    med = statistics.median
    for wname, name, fast, naive, replot, size, fmt, nf in rows:
        print(f"| {wname} | {name} | {med(fast) * ms:.1f} | "
              f"{p95(fast) * ms:.1f} | {med(naive) * ms:.0f} | "
              f"{p95(naive) * ms:.0f} | {med(naive) / med(fast):.0f}x | "
              f"{med(replot) * ms:.0f} | {med(replot) / med(fast):.0f}x | "
              f"{size:,} | {nf} {fmt} |")
    print("\nnaive: re-create the widget (numerics and figure) and savefig "
          "per value, as an interact callback would; re-plot only: keep "
          "the numerics, re-create and re-plot the figure, savefig.")
    print("\nSame widgets, the function given as numpy code "
          "(derivatives by mathlib.numeric)\n")
    print("| widget | parameter | fast median (ms) | fast p95 (ms) |")
    print("|---|---|---:|---:|")
    for wname, name, fast in rows_np:
        print(f"| {wname} | {name} | {statistics.median(fast) * ms:.1f} | "
              f"{p95(fast) * ms:.1f} |")
    load = ", ".join(f"{a:.1f}" for a in load_before) + " before; " + \
        ", ".join(f"{a:.1f}" for a in os.getloadavg()) + " after"
    print(f"\nGoals: median <= 16 ms, p95 <= 33 ms, naive / fast >= 5x, "
          f"static HTML <= 1,500,000 bytes. Machine: {os.cpu_count()} "
          f"CPUs (shared; load average 1, 5, 15 min: {load}).")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
