"""gradient_descent: iterates on the contour map as the step size changes."""

import numpy as np
import sympy as sp

from . import _style as S
from ._base import Param, Widget
from ._functions import Function, WidgetInputError

__all__ = ["GradientDescent", "gradient_descent"]

_CONVERGES = "#007a5a"
_DIVERGES = "#c0392b"
_SLOW = "#8a4b00"


class GradientDescent(Widget):
    """x_{k+1} = x_k - eta grad f(x_k) drawn on the contours of f.

    Introduced in chapter 3, *Directional derivatives and steepest ascent*.
    See :func:`gradient_descent` for the parameters.
    """

    size = (720, 300)
    title = "Gradient descent: iterates as the step size changes"
    main = "step"

    def __init__(self, f=None, start=(-1.8, 0.8), step=0.1, steps=30,
                 xlim=(-2, 2), ylim=(-1.2, 1.2), step_range=None,
                 variables=None, mode=None, frames=24):
        xlim = S.check_window(xlim, "xlim")
        ylim = S.check_window(ylim, "ylim")
        start = S.check_point(start, "start")
        if isinstance(steps, bool) or not isinstance(steps, int) \
                or not 1 <= steps <= 500:
            raise ValueError(f"steps must be an int in [1, 500], got "
                             f"{steps!r}")
        if f is None:
            x, y = sp.symbols("x y")
            f = x**2 / 2 + 5 * y**2
            step_range = step_range or (0.01, 0.25)
        self.function = Function(f, 2, (), "f", variables)
        self.xlim, self.ylim, self.steps = xlim, ylim, steps
        self._X, self._Y, P = S.grid_points(xlim, ylim, 81)
        self._Z = self.function.grid(P)
        S.finite_range(self._Z, "f")
        self.curvature = self._curvature(start)
        if step_range is None:
            hi = S.nice_ceil(2.5 / self.curvature) if self.curvature else 0.5
            step_range = (hi / 25, hi)
        lo, hi = S.check_window(step_range, "step_range")
        if lo <= 0:
            raise ValueError(f"step_range must be positive, got "
                             f"{step_range!r}")
        super().__init__([
            Param("step", "step size \u03b7", lo, hi, step=(hi - lo) / 500,
                  fmt=".3f"),
            Param("x0", "start x\u2080", *xlim,
                  step=(xlim[1] - xlim[0]) / 200),
            Param("y0", "start y\u2080", *ylim,
                  step=(ylim[1] - ylim[0]) / 200),
        ], mode, frames)
        gy, gx = np.gradient(self._Z, self._Y[:, 0], self._X[0])
        g = np.hypot(gx, gy)
        self._gmax = max(float(np.nanmax(g)) if np.isfinite(g).any()
                         else 1.0, 1e-12)
        size = max(xlim[1] - xlim[0], ylim[1] - ylim[0])
        self._far = (np.array([xlim[0], ylim[0]]) - 3 * size,
                     np.array([xlim[1], ylim[1]]) + 3 * size)
        self._memo = {}
        self._curvatures = {tuple(start): self.curvature}
        self.path = self.status = None
        self._start(dict(step=step, x0=start[0], y0=start[1]))

    def _curvature(self, p):
        """Largest |eigenvalue| of the Hessian at p (None if unavailable)."""
        try:
            lam = np.abs(np.linalg.eigvalsh(self.function.hessian(p)))
        except (ValueError, np.linalg.LinAlgError):
            return None
        top = float(lam.max())
        return top if top > 1e-12 else None

    def _build(self):
        fig = self._fig
        ax = fig.add_axes([0.08, 0.14, 0.45, 0.70])
        S.draw_contours(ax, self._X, self._Y, self._Z, n=14)
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        ax.set_aspect("equal", adjustable="box")
        ax.apply_aspect()
        ax.set_xlabel("x")
        ax.set_ylabel("y", labelpad=1)
        self._path, = ax.plot([], [], "-o", color=S.VERMILLION, lw=1.3,
                              ms=3)
        self._first, = ax.plot([], [], "o", color=S.BLACK, ms=5)
        self._moving(self._path, self._first)
        self._ax0 = ax
        self._title = self._label(0.08, 0.935, size=10)
        # moving text: the start point sliders change the curvature in it
        self._note = self._label(0.08, 0.875, size=8, color="#333333")

        ax = fig.add_axes([0.66, 0.14, 0.32, 0.62])
        ax.set_yscale("log")
        ax.set_xlim(0, self.steps)
        ax.set_ylim(1e-7 * self._gmax, 1e3 * self._gmax)
        ax.set_xlabel("step k")
        ax.set_ylabel("\u2016\u2207f(x\u2096)\u2016", labelpad=1)
        ax.grid(True, color="#e4e4e4", lw=0.6)
        self._gn, = ax.plot([], [], "-o", color=S.VERMILLION, lw=1.3, ms=3)
        self._moving(self._gn)
        self._ax1 = ax

    def _iterate(self, eta, p):
        """(points (n+1, 2), gradient norms, status word)."""
        key = (eta, p[0], p[1])
        if key in self._memo:
            return self._memo[key]
        x = np.array(p, dtype=float)
        g = self.function.gradient(x)       # at the start: errors show
        pts, norms = [x], [float(np.hypot(*g))]
        status = None
        for _ in range(self.steps):
            x = x - eta * g
            if not np.all(np.isfinite(x)) or np.any(x < self._far[0]) \
                    or np.any(x > self._far[1]):
                pts.append(x)
                status = "diverges"
                break
            try:
                g = self.function.gradient(x)
            except WidgetInputError:
                pts.append(x)
                status = "leaves the domain of f"
                break
            pts.append(x)
            norms.append(float(np.hypot(*g)))
            if norms[-1] > 1e4 * max(norms[0], 1e-12):
                status = "diverges"
                break
        if status is None:
            if norms[-1] <= 0.05 * max(norms[0], 1e-300):
                status = "converges"
            elif norms[-1] > norms[0]:
                status = "diverges"
            else:
                status = "is still far from the minimum"
        out = (np.array(pts), np.array(norms), status)
        if len(self._memo) > 2000:
            self._memo.clear()
        self._memo[key] = out
        return out

    def _draw_frame(self, params):
        eta = params["step"]
        p = (params["x0"], params["y0"])
        pts, norms, status = self._iterate(eta, p)
        if p not in self._curvatures:
            if len(self._curvatures) > 2000:
                self._curvatures.clear()
            self._curvatures[p] = self._curvature(np.array(p))
        self.curvature = lam = self._curvatures[p]
        self._note.text = "" if not lam else (
            "quadratic f: steps diverge when \u03b7 > "
            f"2/\u03bb\u2098\u2090\u2093 = {2 / lam:.3g} "
            "(\u03bb\u2098\u2090\u2093: largest Hessian eigenvalue at the "
            "start)")
        shown = np.clip(pts, *self._far)   # keep Agg's numbers small
        self._path.set_data(shown[:, 0], shown[:, 1])
        self._first.set_data([p[0]], [p[1]])
        lo, hi = self._ax1.get_ylim()
        self._gn.set_data(np.arange(len(norms)),
                          np.clip(norms, lo * 1.01, hi / 1.01))
        n = len(pts) - 1
        if status == "converges":
            text = (f"\u03b7 = {eta:.3f}: converges (\u2016\u2207f\u2016 = "
                    f"{norms[-1]:.1e} after {n} steps)")
            self._title.color = _CONVERGES
        elif status == "is still far from the minimum":
            text = (f"\u03b7 = {eta:.3f}: slow (\u2016\u2207f\u2016 = "
                    f"{norms[-1]:.2g} after {n} steps)")
            self._title.color = _SLOW
        else:
            text = f"\u03b7 = {eta:.3f}: {status} (after {n} steps)"
            if status == "diverges":
                text = (f"\u03b7 = {eta:.3f}: DIVERGES, the iterates blow "
                        f"up ({n} steps shown)")
            self._title.color = _DIVERGES
        self._title.text = text
        self.path, self.status = pts, status
        last = pts[-1]
        return (f"Gradient descent with step size {eta:.3f} from "
                f"({p[0]:.2f}, {p[1]:.2f}): {status}; after {n} steps the "
                f"iterate is ({last[0]:.3g}, {last[1]:.3g}) and the gradient "
                f"norm {norms[-1]:.2g}")


def gradient_descent(f=None, start=(-1.8, 0.8), step=0.1, steps=30,
                     xlim=(-2, 2), ylim=(-1.2, 1.2), step_range=None,
                     variables=None, mode=None, frames=24):
    """Watch gradient descent converge, crawl or diverge with the step size.

    Introduced in chapter 3, *Directional derivatives and steepest ascent*
    (steepest descent); used again in chapter 7, *Hessians and quadratic
    approximation* (why the largest curvature limits the step).

    Left: contours of f and the iterates x_{k+1} = x_k - eta grad f(x_k)
    (gradients from :mod:`mathlib.numeric`, or :mod:`mathlib.symbolic` for
    a sympy f), with the verdict in the title: converges, slow, or
    DIVERGES (the drawing is clipped). Right: |grad f(x_k)| on a log axis.
    For a quadratic f the iterates diverge exactly when eta exceeds
    2 / (largest Hessian eigenvalue), printed under the title. The static
    scrubber moves eta.

    Parameters
    ----------
    f : callable or sympy expression, optional
        ``f(x)`` with ``x[0], x[1]`` the coordinates, or a sympy expression
        in x and y. Default: x^2/2 + 5 y^2 (diverges for eta > 0.2).
    start : (float, float)
        The first iterate x_0.
    step : float
        The step size eta.
    steps : int
        Number of iterations drawn.
    xlim, ylim : (float, float)
        The window of the contour map and of the start sliders.
    step_range : (float, float), optional
        Range of the eta slider. Default: up to about 2.5 / (largest
        Hessian eigenvalue at the start).
    variables, mode, frames
        As in :func:`partial_slice`.

    Returns
    -------
    GradientDescent
        ``path`` holds the iterates (shape (k + 1, 2)), ``status`` the
        verdict ("converges", "diverges", ...), ``curvature`` the largest
        Hessian eigenvalue at the start.

    Examples
    --------
    >>> w = gradient_descent()                  # f = x^2/2 + 5 y^2
    >>> print(w.curvature, w.status)            # eta = 0.1
    10.0 converges
    >>> w.update(step=0.21)                     # > 2 / 10
    >>> print(w.status)
    diverges
    >>> print(w.path.shape)
    (31, 2)
    """
    return GradientDescent(f, start, step, steps, xlim, ylim, step_range,
                           variables, mode, frames)
