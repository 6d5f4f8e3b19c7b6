"""directional_derivative: D_v f = grad f . v, largest along grad f."""

import numpy as np
import sympy as sp
from matplotlib.patches import FancyArrowPatch

from . import _style as S
from ._base import Param, Widget
from ._functions import Function

__all__ = ["DirectionalDerivative", "directional_derivative"]


class DirectionalDerivative(Widget):
    """Contours, gradient and a direction; the slice along it; D_v f(theta).

    Introduced in chapter 3, *Directional derivatives and steepest ascent*.
    See :func:`directional_derivative` for the parameters.
    """

    size = (780, 300)
    title = "Directional derivative: slope along a direction v"

    def __init__(self, f=None, x0=1.0, y0=-0.5, theta=0.5, xlim=(-2, 2),
                 ylim=(-2, 2), variables=None, mode=None, frames=24):
        xlim = S.check_window(xlim, "xlim")
        ylim = S.check_window(ylim, "ylim")
        super().__init__([
            Param("theta", "\u03b8 (direction of v)", 0.0, 2 * np.pi,
                  step=np.pi / 180),
            Param("x0", "x\u2080", *xlim, step=(xlim[1] - xlim[0]) / 200),
            Param("y0", "y\u2080", *ylim, step=(ylim[1] - ylim[0]) / 200),
        ], mode, frames)
        if f is None:
            x, y = sp.symbols("x y")
            f = x**2 + x * y + 2 * y**2
        self.function = Function(f, 2, (), "f", variables)
        self.xlim, self.ylim = xlim, ylim
        self._X, self._Y, P = S.grid_points(xlim, ylim, 61)
        self._Z = self.function.grid(P)
        self.zlim = S.finite_range(self._Z, "f")
        # scale of |grad f| over the window, for arrows and the D_v plot
        gy, gx = np.gradient(self._Z, self._Y[:, 0], self._X[0])
        g = np.hypot(gx, gy)
        self._gmax = float(np.nanmax(g)) if np.isfinite(g).any() else 1.0
        self._gmax = max(self._gmax, 1e-12)
        width = min(xlim[1] - xlim[0], ylim[1] - ylim[0])
        self._arrow = 0.22 * width          # drawn length of v
        self._width = width
        self._t = np.linspace(-0.35 * width, 0.35 * width, 121)
        self._thetas = np.linspace(0, 2 * np.pi, 181)
        self._cs = np.stack([np.cos(self._thetas), np.sin(self._thetas)])
        self.gradient = self.value = None
        self._cache = (None, None)
        self._start(dict(theta=theta, x0=x0, y0=y0))

    main = "theta"

    def _build(self):
        fig = self._fig
        ax = fig.add_axes([0.045, 0.14, 0.27, 0.72])
        S.draw_contours(ax, self._X, self._Y, self._Z)
        ax.set_xlim(*self.xlim)
        ax.set_ylim(*self.ylim)
        ax.set_aspect("equal", adjustable="box")
        ax.apply_aspect()
        ax.set_xlabel("x")
        ax.set_ylabel("y", labelpad=1)
        self._line, = ax.plot([], [], color=S.BLUE, lw=1, ls="--")
        self._garrow = FancyArrowPatch((0, 0), (1, 1), arrowstyle="-|>",
                                       mutation_scale=12, color=S.VERMILLION,
                                       lw=2, shrinkA=0, shrinkB=0)
        self._varrow = FancyArrowPatch((0, 0), (1, 1), arrowstyle="-|>",
                                       mutation_scale=12, color=S.BLUE, lw=2,
                                       shrinkA=0, shrinkB=0)
        ax.add_patch(self._garrow)
        ax.add_patch(self._varrow)
        self._pt, = ax.plot([], [], "o", color=S.BLACK, ms=4)
        self._moving(self._line, self._garrow, self._varrow, self._pt)
        ax.set_title("contours of f; \u2207f (scaled), v", loc="left")
        self._glab = self._label(0, 0, size=9, color=S.VERMILLION_TEXT,
                                 weight="bold")
        self._vlab = self._label(0, 0, size=9, color=S.BLUE_TEXT,
                                 weight="bold")
        self._ax0 = ax

        ax = fig.add_axes([0.40, 0.14, 0.26, 0.72])
        ax.set_xlim(self._t[0], self._t[-1])
        ax.set_xlabel("t")
        ax.set_ylabel("f(p + t v)", labelpad=1)
        ax.grid(True, color="#e4e4e4", lw=0.6)
        self._slice, = ax.plot([], [], color=S.BLUE, lw=2)
        self._tan, = ax.plot([], [], color=S.BLACK, lw=1.3, ls="--")
        self._spt, = ax.plot([], [], "o", color=S.BLACK, ms=4)
        self._moving(self._slice, self._tan, self._spt)
        self._title1 = self._axes_title(ax)
        self._ax1 = ax

        ax = fig.add_axes([0.715, 0.14, 0.255, 0.72])
        ax.set_xlim(0, 2 * np.pi)
        S.pi_ticks(ax)
        ax.axhline(0, color="#999999", lw=0.8)
        ax.set_xlabel("\u03b8")
        ax.set_ylabel("D\u1d65 f = \u2207f \u00b7 v", labelpad=1)
        self._dcurve, = ax.plot([], [], color=S.BLACK, lw=1.6)
        self._dmax_line = ax.axvline(0, color=S.VERMILLION, lw=1, ls=":")
        self._dmax, = ax.plot([], [], "o", color=S.VERMILLION, ms=6)
        self._dnow, = ax.plot([], [], "o", color=S.BLUE, ms=6)
        self._moving(self._dcurve, self._dmax_line, self._dmax, self._dnow)
        self._title2 = self._axes_title(ax)
        self._ax2 = ax

    def _at(self, params):
        """(p, f(p), grad f(p)), cached while the point stays put."""
        p = (params["x0"], params["y0"])
        if self._cache[0] != p:
            pa = np.array(p)
            self._cache = (p, (pa, self.function.value(pa),
                               self.function.gradient(pa)))
        return self._cache[1]

    def _background_key(self, params):
        """Axis limits that suit the point: round numbers, so that turning
        theta (or moving the point a little) keeps the same background."""
        p, f0, g = self._at(params)
        gl = S.nice_ceil(max(np.hypot(*g), 1e-3 * self._gmax))
        near = np.hypot(self._X - p[0], self._Y - p[1]) <= self._t[-1]
        z = self._Z[near]
        z = np.append(z[np.isfinite(z)], f0)
        return (gl,) + S.nice_bounds(z.min(), z.max())

    def _set_background(self, params):
        gl, lo, hi = self._background_key(params)
        self._ax1.set_ylim(lo, hi)
        self._ax2.set_ylim(-1.15 * gl, 1.3 * gl)

    def _draw_frame(self, params):
        theta = params["theta"]
        p, f0, g = self._at(params)
        gscale = 0.3 * self._width / self._background_key(params)[0]
        v = np.array([np.cos(theta), np.sin(theta)])
        dv = self.function.directional_derivative(p, v)
        # left: point, gradient, v and the line of the slice
        ends = p[:, None] + np.outer(v, self._t[[0, -1]])
        self._line.set_data(ends[0], ends[1])
        self._pt.set_data([p[0]], [p[1]])
        gtip = p + gscale * g
        vtip = p + self._arrow * v
        self._garrow.set_positions(tuple(p), tuple(gtip))
        self._varrow.set_positions(tuple(vtip * 0 + p), tuple(vtip))
        self._place(self._glab, gtip, "\u2207f")
        self._place(self._vlab, vtip, "v")
        # middle: the slice t -> f(p + t v) and its tangent
        pts = p[:, None] + np.outer(v, self._t)
        self._slice.set_data(self._t, self.function.grid(pts))
        self._tan.set_data(self._t[[0, -1]], f0 + dv * self._t[[0, -1]])
        self._spt.set_data([0], [f0])
        self._title1.text = f"slope of the slice: D\u1d65 f = {dv:.3f}"
        # right: D_v f against theta, maximal along the gradient
        gnorm = float(np.hypot(*g))
        best = float(np.arctan2(g[1], g[0]) % (2 * np.pi))
        self._dcurve.set_data(self._thetas, g @ self._cs)
        self._dmax_line.set_xdata([best, best])
        self._dmax.set_data([best], [gnorm])
        self._dnow.set_data([theta], [dv])
        self._title2.text = (f"max |\u2207f| = {gnorm:.3f} at "
                             f"\u03b8 = {best:.2f}")
        self.gradient, self.value, self.best_theta = g, dv, best
        return (f"Direction v at angle theta = {theta:.2f} rad from the "
                f"point ({p[0]:.2f}, {p[1]:.2f}): directional derivative "
                f"{dv:.3f}; the gradient ({g[0]:.3f}, {g[1]:.3f}) points "
                f"at theta = {best:.2f}, where the maximum {gnorm:.3f} is "
                "reached")

    def _place(self, lab, tip, text):
        """Put an arrow's label just beyond its tip, in figure fractions;
        no label when the tip is outside the axes (the arrow is cut)."""
        ax = self._ax0
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        if not (x0 <= tip[0] <= x1 and y0 <= tip[1] <= y1):
            lab.text = ""
            return
        x, y = ax.transData.transform(tip)
        cx, cy = ax.transData.transform(
            [np.mean(self.xlim), np.mean(self.ylim)])
        w, h = self.pixel_size          # transforms give device pixels
        s = self.scale
        d = np.array([x - cx, y - cy])
        d = 9 * s * d / (np.hypot(*d) or 1)
        box = ax.get_window_extent()
        lab.ha = "left" if d[0] >= 0 else "right"
        x = x + d[0]
        x = (max(box.x0 + 12 * s, x) if lab.ha == "left"
             else min(box.x1 - 12 * s, x))
        y = min(max(y + d[1] - 4 * s, box.y0 + 4 * s), box.y1 - 12 * s)
        lab.x, lab.y = x / w, y / h
        lab.text = text


def directional_derivative(f=None, x0=1.0, y0=-0.5, theta=0.5,
                           xlim=(-2, 2), ylim=(-2, 2), variables=None,
                           mode=None, frames=24):
    """Show D_v f = grad f . v for a unit direction v at angle theta.

    Introduced in chapter 3, *Directional derivatives and steepest ascent*.

    Left: contours of f, the point p, the gradient (red arrow, scaled) and
    the unit direction v = (cos theta, sin theta) (blue). Middle: the
    slice t -> f(p + t v) with its tangent, whose slope is the directional
    derivative (computed with :mod:`mathlib.numeric` or
    :mod:`mathlib.symbolic`). Right: D_v f against theta: the curve
    |grad f| cos(theta - theta_grad), largest, equal to |grad f|, when v
    points along the gradient. The static scrubber turns theta.

    Parameters
    ----------
    f : callable or sympy expression, optional
        ``f(x)`` with ``x[0], x[1]`` the coordinates, or a sympy expression
        in x and y. Default: x**2 + x*y + 2*y**2.
    x0, y0 : float
        The point p (inside the window).
    theta : float
        Angle of v in radians, in [0, 2 pi].
    xlim, ylim : (float, float)
        The window of the contour plot and the range of the point sliders.
    variables, mode, frames
        As in :func:`partial_slice`.

    Returns
    -------
    DirectionalDerivative
        ``value`` is D_v f at the point, ``gradient`` the gradient (shape
        (2,)), ``best_theta`` its angle; ``update(theta=...)`` redraws.

    Examples
    --------
    >>> w = directional_derivative()          # f = x^2 + xy + 2y^2
    >>> print(np.round(w.gradient, 4))        # at (1, -0.5)
    [ 1.5 -1. ]
    >>> w.update(theta=0.0)                   # v = (1, 0): df/dx
    >>> print(round(w.value, 4))
    1.5
    >>> w.update(theta=w.best_theta)          # along the gradient
    >>> print(round(w.value, 4))              # |grad f| = sqrt(3.25)
    1.8028
    """
    return DirectionalDerivative(f, x0, y0, theta, xlim, ylim, variables,
                                 mode, frames)
