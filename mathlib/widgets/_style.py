"""Colours (Okabe-Ito, safe for colour-blind readers) and font sizes."""

import numpy as np

BLUE = "#0072B2"
VERMILLION = "#D55E00"
GREEN = "#009E73"
ORANGE = "#E69F00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
BLACK = "#000000"
GREY = "#6b6b6b"
DARK_RED = "#8b0000"
# darker twins for text drawn in those colours (>= 5:1 on white)
VERMILLION_TEXT = "#a84300"
BLUE_TEXT = "#005a8c"

RC = {
    "font.size": 9,
    "axes.titlesize": 9.5,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def check_window(lim, name):
    """(lo, hi) as floats with lo < hi, or a ValueError naming `name`."""
    try:
        lo, hi = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (lo, hi) of numbers, got "
                         f"{lim!r}") from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must satisfy lo < hi (finite), got "
                         f"{lim!r}")
    return lo, hi


def check_point(p, name, n=2):
    """p as a float array of shape (n,), or a ValueError naming `name`."""
    try:
        arr = np.asarray(p, dtype=float).reshape(n)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be {n} numbers, got {p!r}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {p!r}")
    return arr


def finite_range(values, name="f"):
    """(min, max) of the finite values, or ValueError if there are none."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise ValueError(f"{name} has no finite value on the plotting "
                         "window (it raises or returns nan/inf everywhere "
                         "there)")
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-12 * max(1.0, abs(lo)):
        lo, hi = lo - 1.0, hi + 1.0
    return lo, hi


def pad(lo, hi, frac=0.08):
    d = (hi - lo) * frac
    return lo - d, hi + d


def contour_levels(Z, n=12):
    """n contour levels spread by quantiles of the finite values of Z."""
    z = np.asarray(Z, dtype=float)
    z = z[np.isfinite(z)]
    levels = np.unique(np.percentile(z, np.linspace(3, 97, n)))
    if levels.size < 2:
        levels = np.linspace(z.min() - 1, z.max() + 1, 3)
    return levels


def draw_contours(ax, X, Y, Z, n=12, **kw):
    """Thin contour lines of Z (viridis), the map behind several widgets."""
    opts = dict(cmap="viridis", linewidths=0.9)
    opts.update(kw)
    return ax.contour(X, Y, np.ma.masked_invalid(Z), contour_levels(Z, n),
                      **opts)


def pi_ticks(ax, lo=0.0, hi=2 * np.pi):
    """Ticks at multiples of pi/2 labelled 0, pi/2, pi, ..."""
    names = {0: "0", 1: "\u03c0/2", 2: "\u03c0", 3: "3\u03c0/2", 4: "2\u03c0"}
    ks = [k for k in range(5) if lo - 1e-9 <= k * np.pi / 2 <= hi + 1e-9]
    ax.set_xticks([k * np.pi / 2 for k in ks])
    ax.set_xticklabels([names[k] for k in ks])


def grid_points(xlim, ylim, n=61):
    """(X, Y) meshgrid and the stacked (2, n, n) array of points."""
    X, Y = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    return X, Y, np.stack([X, Y])


def nice_ceil(x):
    """Smallest 1, 2 or 5 times a power of ten that is >= x > 0."""
    p = 10.0 ** np.floor(np.log10(x))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * p >= x * (1 - 1e-12):
            return float(m * p)
    return float(10 * p)


def nice_bounds(lo, hi, n=5):
    """(lo, hi) widened to multiples of a round step, about n steps."""
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    step = nice_ceil((hi - lo) / n)
    return (float(np.floor(lo / step) * step),
            float(np.ceil(hi / step) * step))
