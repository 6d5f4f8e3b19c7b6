"""epsilon_delta: the epsilon band, the delta window, and the graph."""

import warnings

import numpy as np
import sympy as sp
from matplotlib.patches import Rectangle

from . import _style as S
from ._base import Param, Widget
from ._functions import Function

__all__ = ["EpsilonDelta", "epsilon_delta"]

_IN = "#007a5a"        # green, 5.3:1 on white
_OUT = "#c0392b"       # red, 5.4:1 on white


class EpsilonDelta(Widget):
    """The definition of lim_{x -> c} f(x) = L, one epsilon at a time.

    Introduced in chapter 1, *Limits and derivatives*.
    See :func:`epsilon_delta` for the parameters.
    """

    size = (640, 300)
    title = "The epsilon-delta definition of a limit"
    main = "epsilon"

    def __init__(self, f=None, c=0.0, L=None, epsilon=0.2, delta=None,
                 halfwidth=4.0, variables=None, mode=None, frames=24):
        try:
            c, W = float(c), float(halfwidth)
        except (TypeError, ValueError):
            raise TypeError("c and halfwidth must be numbers, got "
                            f"{c!r}, {halfwidth!r}") from None
        if not (np.isfinite(c) and np.isfinite(W) and W > 0):
            raise ValueError(f"need a finite c and halfwidth > 0, got "
                             f"c={c!r}, halfwidth={halfwidth!r}")
        if f is None:
            x = sp.Symbol("x")
            f = sp.sin(x) / x
        self.function = Function(f, 1, (), "f", variables)
        self.c, self.halfwidth = c, W
        self.L = self._limit(L)
        # the graph, and for the delta search the worst deviation |f - L|
        # over 0 < |x - c| <= d, for increasing d (sampled on both sides)
        self._x = np.linspace(c - W, c + W, 1601)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self._y = self.function.grid(self._x)
        d = np.unique(np.concatenate([np.geomspace(1e-7 * W, W, 600),
                                      np.linspace(0, W, 4001)[1:]]))
        dev = np.fmax(np.abs(self.function.grid(c - d) - self.L),
                      np.abs(self.function.grid(c + d) - self.L))
        dev[np.isnan(dev)] = np.inf
        self._d, self._worst = d, np.maximum.accumulate(dev)
        lo, hi = S.finite_range(self._y, "f")
        eps_hi = S.nice_ceil(max(0.25 * (hi - lo), 1e-6))
        self.ylim = S.pad(min(lo, self.L - eps_hi), max(hi, self.L + eps_hi))
        super().__init__([
            Param("epsilon", "\u03b5", eps_hi / 50, eps_hi, fmt=".3g",
                  log=True),
            Param("delta", "\u03b4", 0.0, W, step=W / 400, fmt=".3g"),
            Param("find", "\u03b4 from", options=(
                ("largest that works", "auto"), ("the \u03b4 slider",
                                                 "manual"))),
        ], mode, frames)
        if delta is None:
            delta, find = W / 4, "auto"
        else:
            find = "manual"
        self.delta = self.inside = None
        self._start(dict(epsilon=epsilon, delta=delta, find=find))

    def update(self, **params):
        """As :meth:`Widget.update`; setting ``delta`` alone (dragging its
        slider) switches to ``find="manual"``."""
        if "delta" in params and "find" not in params:
            params["find"] = "manual"
        super().update(**params)

    def _limit(self, L):
        """L as given, else sympy's two-sided limit, else f near c."""
        if L is not None:
            try:
                L = float(L)
            except (TypeError, ValueError):
                raise TypeError(f"L must be a number, got {L!r}") from None
            if not np.isfinite(L):
                raise ValueError(f"L must be finite, got {L!r}")
            self._source = "claimed"
            return L
        fn = self.function
        if fn.expr is not None:
            try:
                lim = sp.limit(fn.expr, fn.symbols[0], sp.nsimplify(self.c),
                               dir="+-")
                if lim.is_real and lim.is_finite:
                    self._source = "sympy's limit"
                    return float(lim)
            except Exception:       # sympy could not decide: estimate
                pass
        hs = self.halfwidth * np.array([1e-4, 1e-5, 1e-6])
        vals = np.concatenate([fn.grid(self.c - hs), fn.grid(self.c + hs)])
        vals = vals[np.isfinite(vals)]
        if vals.size == 0:
            raise ValueError(f"f is not finite near c = {self.c}; cannot "
                             "estimate the limit: pass L=")
        self._source = "f next to c"
        return float(np.round(np.median(vals), 8))

    def _build(self):
        fig = self._fig
        c, L, W = self.c, self.L, self.halfwidth
        ax = fig.add_axes([0.10, 0.14, 0.87, 0.70])
        ax.set_xlim(c - W, c + W)
        ax.set_ylim(*self.ylim)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)", labelpad=2)
        self._band = Rectangle((c - W, L), 2 * W, 0, facecolor=S.SKY,
                               alpha=0.3, edgecolor="none")
        self._window = Rectangle((c, self.ylim[0]), 0,
                                 self.ylim[1] - self.ylim[0],
                                 facecolor=S.ORANGE, alpha=0.22,
                                 edgecolor="none")
        ax.add_patch(self._band)
        ax.add_patch(self._window)
        self._bandlines = [ax.axhline(L, color=S.BLUE, lw=1, ls="--")
                           for _ in range(2)]
        self._winlines = [ax.axvline(c, color=S.ORANGE, lw=1.2)
                          for _ in range(2)]
        self._moving(self._band, self._window, *self._bandlines,
                     *self._winlines)
        ax.plot(self._x, self._y, color="#555555", lw=1.3, zorder=3)
        self._gin, = ax.plot([], [], color=_IN, lw=3, zorder=4)
        self._gout, = ax.plot([], [], color=_OUT, lw=3, zorder=4)
        hole, = ax.plot([c], [L], "o", mfc="white", mec=S.BLACK, ms=6)
        self._moving(self._gin, self._gout, hole)    # hole drawn on top
        ax.annotate("(c, L)", (c, L), xytext=(6, -12),
                    textcoords="offset points", fontsize=8)
        ax.set_title(f"c = {c:g},  L = {L:.6g}  ({self._source})",
                     loc="right", fontsize=8.5, color="#333333")
        self._title = self._label(0.10, 0.935, size=10)
        self._sub = self._label(0.10, 0.875, size=8.5, color="#333333")

    def _search(self, eps):
        """Largest sampled delta with |f - L| < eps for 0 < |x - c| < it."""
        k = int(np.searchsorted(self._worst, eps, side="left"))
        if k == len(self._d):
            return self.halfwidth
        # the last sample before the first failure (0: fails next to c)
        return float(self._d[k - 1]) if k > 0 else 0.0

    def _holds(self, eps, delta):
        k = int(np.searchsorted(self._d, delta, side="left"))
        return k == 0 or bool(self._worst[k - 1] < eps)

    def _draw_frame(self, params):
        eps, c, L, W = params["epsilon"], self.c, self.L, self.halfwidth
        best = self._search(eps)
        if params["find"] == "auto":
            params["delta"] = delta = min(best, W)   # the slider follows
        else:
            delta = params["delta"]
        ok = self._holds(eps, delta) and delta > 0
        self._band.set_y(L - eps)
        self._band.set_height(2 * eps)
        for line, y in zip(self._bandlines, (L - eps, L + eps)):
            line.set_ydata([y, y])
        self._window.set_x(c - delta)
        self._window.set_width(2 * delta)
        for line, x in zip(self._winlines, (c - delta, c + delta)):
            line.set_xdata([x, x])
        near = np.abs(self._x - c) < delta
        good = np.abs(self._y - L) < eps
        self._gin.set_data(self._x, np.where(near & good, self._y, np.nan))
        self._gout.set_data(self._x, np.where(near & ~good, self._y, np.nan))
        head = f"\u03b5 = {eps:.3g},  \u03b4 = {delta:.3g}:  "
        proven = self._source == "sympy's limit"
        if delta <= 0 and best <= 0 and proven:
            # sympy proves the limit: the delta that works is below the
            # smallest one sampled, not absent
            head += f"the \u03b4 that works is below {self._d[0]:.2g}"
            self._title.color = _OUT
            words = (f"no delta down to {self._d[0]:.2g} keeps the graph "
                     f"within {eps:.3g} of L = {L:.4g}, but sympy proves L "
                     "is the limit at c: the delta that works is smaller "
                     "than the widget samples")
        elif delta <= 0:
            head += "no \u03b4 > 0 works \u2717"
            self._title.color = _OUT
            words = (f"no delta > 0 keeps the graph within {eps:.3g} of "
                     f"L = {L:.4g}: L is not the limit at c")
        elif ok:
            head += "the graph stays inside the band \u2713"
            self._title.color = _IN
            words = (f"for every x with 0 < |x - {c:g}| < {delta:.3g} the "
                     f"graph stays inside the band L \u00b1 {eps:.3g}")
        else:
            head += "the graph leaves the band \u2717"
            self._title.color = _OUT
            words = (f"the graph leaves the band L \u00b1 {eps:.3g} for some "
                     f"x with 0 < |x - {c:g}| < {delta:.3g}")
        self._title.text = head
        self._sub.text = (
            f"largest \u03b4 that works for this \u03b5: {best:.3g}"
            if best > 0 else
            f"no \u03b4 down to {self._d[0]:.2g} works for this \u03b5"
            if proven else "no \u03b4 works for this \u03b5")
        self.delta, self.inside = delta, ok
        return (f"epsilon = {eps:.3g}, delta = {delta:.3g}: {words} "
                f"(largest delta found: {best:.3g})")


def epsilon_delta(f=None, c=0.0, L=None, epsilon=0.2, delta=None,
                  halfwidth=4.0, variables=None, mode=None, frames=24):
    """See the epsilon-delta definition of a limit at work.

    Introduced in chapter 1, *Limits and derivatives*.

    lim_{x -> c} f(x) = L means: for every epsilon > 0 there is a delta > 0
    with |f(x) - L| < epsilon whenever 0 < |x - c| < delta. The figure shows
    the band L +- epsilon (blue), the window c +- delta (orange) and the
    graph inside the window: green where it stays in the band, red where
    it leaves it. By default delta is the largest that works, found by
    dense sampling on both sides of c (like :func:`mathlib.limits.find_delta`,
    a sampled answer, not a proof); choose "the delta slider" to try your
    own. The static scrubber shrinks and grows epsilon.

    Parameters
    ----------
    f : callable or sympy expression, optional
        A function of one variable: numpy code ``f(x)`` (x a float or an
        array) or a sympy expression in one symbol. Default: sin(x)/x.
    c : float
        The point (f need not be defined there).
    L : float, optional
        The claimed limit. Default: sympy's two-sided limit for a sympy
        f, else the value of f next to c.
    epsilon : float
        Initial epsilon (log slider).
    delta : float, optional
        If given, start with the delta slider at this value; otherwise
        delta is the largest that works.
    halfwidth : float
        The window shows c - halfwidth <= x <= c + halfwidth.
    variables : list of one sympy Symbol, optional
        The variable of a sympy f with several symbols.
    mode, frames
        As in :func:`partial_slice`.

    Returns
    -------
    EpsilonDelta
        ``delta`` is the delta shown, ``inside`` whether the graph stays in
        the band for 0 < |x - c| < delta, ``L`` the limit used.

    Examples
    --------
    >>> w = epsilon_delta()                   # sin(x)/x at 0, L = 1
    >>> print(w.L)
    1.0
    >>> w.update(epsilon=0.1)
    >>> print(round(w.delta, 3), w.inside)    # sin(x)/x > 0.9 until 0.7867
    0.786 True
    >>> w.update(delta=1.5)                   # now delta is the slider's
    >>> print(w.params["find"], w.inside)
    manual False
    """
    return EpsilonDelta(f, c, L, epsilon, delta, halfwidth, variables, mode,
                        frames)
