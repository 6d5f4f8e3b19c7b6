"""Limits, one-sided values and epsilon-delta, numerically.

Introduced in chapter 1, *Limits and derivatives*.

Two helpers:

``limit_table(f, c)``
    the values f(c - h) and f(c + h) for h = 0.1, 0.01, ..., 1e-6: the
    table a reader writes by hand before trusting a limit.
``find_delta(f, c, L, epsilon)``
    a delta such that ``|f(x) - L| < epsilon`` whenever
    ``0 < |x - c| < delta``, found by dense sampling, or an honest report
    (with a witness x) that none was found.

Neither can *prove* a limit: they look at finitely many float64 points.
They are tools for intuition and for catching wrong claims.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["LimitTable", "limit_table", "DeltaResult", "find_delta"]


def _real(value, name):
    """Return ``value`` as a finite float or raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got "
                        f"{type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def _callable(f):
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")


def _value(f, x):
    """f(x) as a float; nan where f is undefined (raises or is complex)."""
    try:
        with np.errstate(all="ignore"):
            y = f(x)
    except (ArithmeticError, ValueError):
        return math.nan
    if np.ndim(y) != 0:
        raise TypeError(f"f must return a scalar, got shape {np.shape(y)}")
    if np.iscomplexobj(y):
        return math.nan
    return float(y)


def _fmt(v):
    return f"{v:.10g}" if math.isfinite(v) else str(v)


@dataclass(frozen=True)
class LimitTable:
    """One-sided values of f near c: ``left[i] = f(c - h[i])``,
    ``right[i] = f(c + h[i])``. ``nan`` marks points where f is undefined,
    ``inf`` unbounded values. Displayed as a table (text and HTML)."""

    c: float
    h: np.ndarray
    left: np.ndarray
    right: np.ndarray

    def rows(self):
        """(h, f(c - h), f(c + h)) triples, one per step."""
        return list(zip(self.h, self.left, self.right))

    def __repr__(self):
        head = f"{'h':>8}  {'f(c - h)':>16}  {'f(c + h)':>16}"
        lines = [f"limit table at c = {_fmt(self.c)}", head]
        for h, lo, hi in self.rows():
            lines.append(f"{_fmt(h):>8}  {_fmt(lo):>16}  {_fmt(hi):>16}")
        return "\n".join(lines)

    def _repr_html_(self):
        td = ('<td style="padding:2px 12px;text-align:right;'
              'font-family:monospace">')
        cells = "".join(
            f"<tr>{td}{_fmt(h)}</td>{td}{_fmt(lo)}</td>{td}{_fmt(hi)}</td>"
            "</tr>" for h, lo, hi in self.rows())
        th = '<th style="padding:2px 12px;text-align:right">'
        return (f"<table><caption>f(c &minus; h) and f(c + h) as h &rarr; 0,"
                f" with c = {_fmt(self.c)}</caption>"
                f"<tr>{th}h</th>{th}f(c &minus; h)</th>{th}f(c + h)</th>"
                f"</tr>{cells}</table>")


def limit_table(f, c, n=6, steps=None):
    """Tabulate f(c - h) and f(c + h) as h shrinks to 0.

    Introduced in chapter 1, *Limits and derivatives*.

    Parameters
    ----------
    f : callable
        A real function of one real variable (called on Python floats, so
        ``math`` functions work). It is never evaluated at ``c`` itself.
        Where f raises ``ArithmeticError``/``ValueError`` or returns a
        complex number, the table shows ``nan`` (undefined).
    c : float
        The point approached.
    n : int, optional
        Number of steps h = 10**-1, ..., 10**-n (default 6).
    steps : sequence of float, optional
        Explicit positive steps h instead of ``n``.

    Returns
    -------
    LimitTable
        ``.h``, ``.left``, ``.right``: 1-D float arrays of equal length.

    Examples
    --------
    >>> t = limit_table(lambda x: math.sin(x) / x, 0.0, n=3)
    >>> t
    limit table at c = 0
           h          f(c - h)          f(c + h)
         0.1       0.998334166       0.998334166
        0.01      0.9999833334      0.9999833334
       0.001      0.9999998333      0.9999998333

    One-sided limits that differ, and an unbounded function:

    >>> print(limit_table(lambda x: abs(x) / x, 0.0, n=2).left)
    [-1. -1.]
    >>> print(limit_table(lambda x: 1 / x, 0.0, n=3).right)
    [  10.  100. 1000.]
    """
    _callable(f)
    c = _real(c, "c")
    if steps is None:
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"n must be an int, got {type(n).__name__}")
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        h = 10.0 ** -np.arange(1, n + 1)
    else:
        h = np.asarray(steps, dtype=float)
        if h.ndim != 1 or h.size == 0:
            raise ValueError("steps must be a non-empty 1-D sequence")
        if not (np.all(np.isfinite(h)) and np.all(h > 0)):
            raise ValueError("steps must be finite and positive")
    if np.any(c - h == c) or np.any(c + h == c):
        raise ValueError(f"a step h is too small to move away from c = {c} "
                         "in float64 (c +/- h == c); use fewer/larger steps")
    left = np.array([_value(f, float(c - s)) for s in h])
    right = np.array([_value(f, float(c + s)) for s in h])
    return LimitTable(c, h, left, right)


@dataclass(frozen=True)
class DeltaResult:
    """Outcome of :func:`find_delta`.

    ``found``: whether a delta was found; ``delta``: it (float) or None;
    ``witness``: the sampled x closest to c with ``|f(x) - L| >= epsilon``
    when none was found (else None); ``message``: a sentence saying so.
    """

    found: bool
    delta: float | None
    witness: float | None
    message: str

    def __repr__(self):
        return f"DeltaResult({self.message})"


def _nice_floor(d):
    """Largest number 1, 2 or 5 times a power of 10 that is <= d."""
    p = 10.0 ** math.floor(math.log10(d))
    for m in (5.0, 2.0, 1.0):
        if m * p <= d:
            return m * p
    return p / 2  # only reached through rounding in log10


def _offsets(delta, t_min, samples):
    """Distances t_min <= t < delta to sample: dense near 0 and delta."""
    near_c = np.geomspace(t_min, delta, 160)[:-1]
    grid = np.linspace(0, delta, samples)[1:-1]
    near_edge = delta * (1 - np.geomspace(1e-12, 0.1, 23))
    t = np.concatenate([near_c, grid, near_edge])
    return np.unique(t[(t >= t_min) & (t < delta)])


def find_delta(f, c, L, epsilon, delta_max=1.0, delta_min=None,
               samples=1001):
    """Find delta > 0 with |f(x) - L| < epsilon for 0 < |x - c| < delta.

    Introduced in chapter 1, *Limits and derivatives*.

    Sampling cannot prove a limit: it samples finitely many x on both
    sides of c (geometrically dense near c, a uniform grid, and dense near
    the window's edges) and can only *fail to find a counterexample*. A
    returned delta means "no sampled x in the window violates the bound".
    Starting from ``delta_max``, whenever a sampled x fails, the window
    shrinks to a round number (1, 2 or 5 times a power of ten) no larger
    than |x - c|, and is sampled again. If the window would have to
    shrink below ``delta_min``, no delta is reported, with the failing x
    closest to c as the witness. Points closer to c than
    ``delta_min / 100`` are never examined; beware that a failure very
    close to c can be float64 rounding error in f, not a property of the
    limit (try ``(1 + x)**(1 / x)`` at 0 with a tiny epsilon).

    Parameters
    ----------
    f : callable
        Real function of one real variable (called on floats; never at c).
        Points where f is undefined (raises, nan) count as failures.
    c, L : float
        The point and the claimed limit (finite).
    epsilon : float
        Tolerance, > 0.
    delta_max : float, optional
        Largest delta tried (default 1.0).
    delta_min : float, optional
        Smallest delta reported (default 1e-10 * max(1, |c|)).
    samples : int, optional
        Points of the uniform grid on each side (default 1001).

    Returns
    -------
    DeltaResult
        With ``.found`` (bool), ``.delta`` (float or None), ``.witness``
        (float or None) and ``.message``.

    Examples
    --------
    >>> r = find_delta(lambda x: 2 * x + 1, 1.0, 3.0, epsilon=0.1)
    >>> r.found, r.delta
    (True, 0.05)
    >>> find_delta(lambda x: math.sin(x) / x, 0.0, 1.0, 0.1).delta
    0.5

    The one-sided limits of |x|/x at 0 differ, so no delta works:

    >>> r = find_delta(lambda x: abs(x) / x, 0.0, 1.0, epsilon=0.5)
    >>> r.found, r.delta, r.witness < 0
    (False, None, True)
    """
    _callable(f)
    c, L = _real(c, "c"), _real(L, "L")
    epsilon = _real(epsilon, "epsilon")
    if epsilon <= 0:
        raise ValueError(f"epsilon must be > 0, got {epsilon}")
    delta = _real(delta_max, "delta_max")
    if delta_min is None:
        delta_min = 1e-10 * max(1.0, abs(c))
    delta_min = _real(delta_min, "delta_min")
    if not 0 < delta_min < delta:
        raise ValueError("need 0 < delta_min < delta_max, got "
                         f"delta_min={delta_min}, delta_max={delta}")
    if isinstance(samples, bool) or not isinstance(samples, numbers.Integral) \
            or samples < 3:
        raise ValueError(f"samples must be an int >= 3, got {samples!r}")
    while True:
        witness = None
        for t in _offsets(delta, delta_min / 100, samples):
            for x in (float(c - t), float(c + t)):
                if not 0 < abs(x - c) < delta:  # rounded onto c or edge
                    continue
                if not abs(_value(f, x) - L) < epsilon:
                    witness = x
                    break
            if witness is not None:
                break
        if witness is None:
            return DeltaResult(True, delta, None, (
                f"delta = {delta:g}: |f(x) - {L:g}| < {epsilon:g} at every "
                f"sampled x with 0 < |x - {c:g}| < {delta:g}"))
        d = abs(witness - c)
        if _nice_floor(d) < delta_min:
            fx = _value(f, witness)
            return DeltaResult(False, None, witness, (
                f"no delta >= {delta_min:g} found: at x = {witness:.12g}, "
                f"|f(x) - {L:g}| = {abs(fx - L):.6g} (f(x) = {fx:.6g}), "
                f"not < {epsilon:g}"))
        delta = _nice_floor(d)
