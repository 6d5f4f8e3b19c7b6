"""quadratic_approximation: f against its Taylor polynomials T1 and T2."""

import numpy as np
import sympy as sp

from . import _style as S
from ._base import Param, Widget
from ._functions import Function

__all__ = ["QuadraticApproximation", "quadratic_approximation"]


class QuadraticApproximation(Widget):
    """f near a point x0 beside T1 (tangent plane) and T2 (quadratic).

    Introduced in chapter 7, *Hessians and quadratic approximation*.
    See :func:`quadratic_approximation` for the parameters.
    """

    size = (780, 300)
    title = "Taylor approximations of order 1 and 2 near a point"
    main = "s"

    def __init__(self, f=None, point=(-1.0, 0.0), s=0.5, phi=0.6, order=2,
                 radius=1.0, variables=None, mode=None, frames=24):
        self.point = S.check_point(point, "point")
        r = float(radius)
        if not (np.isfinite(r) and r > 0):
            raise ValueError(f"radius must be a positive number, got "
                             f"{radius!r}")
        self.radius = r
        super().__init__([
            Param("s", "s (distance from x\u2080)", -r, r, step=r / 100),
            Param("phi", "\u03c6 (direction of the line)", 0.0, np.pi,
                  step=np.pi / 180),
            Param("order", "order", options=(("T1 (linear)", 1),
                                             ("T2 (quadratic)", 2))),
        ], mode, frames)
        if f is None:
            x, y = sp.symbols("x y")
            f = x * sp.exp(-x**2 - y**2)
        self.function = Function(f, 2, (), "f", variables)
        fn, p = self.function, self.point
        self.f0 = fn.value(p) if self._finite_at(p) else None
        if self.f0 is None:
            raise ValueError(f"f is not finite at point = "
                             f"{tuple(p.tolist())}: choose a point where f "
                             "is defined")
        try:
            self.g = fn.gradient(p)
            self.H = fn.hessian(p)
        except ValueError as exc:
            raise ValueError(f"f cannot be differentiated at point = "
                             f"{tuple(p.tolist())}: {exc}") from None
        # window of the contour map: the disc of radius 1.3 r around x0
        w = 1.3 * r
        self._X, self._Y, P = S.grid_points((p[0] - w, p[0] + w),
                                            (p[1] - w, p[1] + w), 61)
        self._Z = fn.grid(P)
        D = P - p[:, None, None]
        self._T = {1: self.f0 + np.tensordot(self.g, D, 1)}
        self._T[2] = self._T[1] + 0.5 * np.einsum("i...,ij,j...->...",
                                                  D, self.H, D)
        self._s = np.linspace(-r, r, 201)
        self._s[100] = 0.0
        lo, hi = S.finite_range(self._Z, "f")
        self.zlim = S.pad(lo, hi, 0.15)
        self.value = self.approximation = self.error = None
        self._start(dict(s=s, phi=phi, order=order))

    def _finite_at(self, p):
        try:
            self.function.value(p)
            return True
        except ValueError:
            return False

    def _build(self):
        fig = self._fig
        p = self.point
        ax = fig.add_axes([0.045, 0.14, 0.27, 0.72])
        S.draw_contours(ax, self._X, self._Y, self._Z, n=10)
        ax.set_aspect("equal", adjustable="box")
        ax.apply_aspect()
        ax.plot([p[0]], [p[1]], "o", color=S.BLACK, ms=5)
        ax.set_xlabel("x")
        ax.set_ylabel("y", labelpad=1)
        self._tcont = None
        self._line, = ax.plot([], [], color=S.BLACK, lw=1, ls="--")
        self._pt, = ax.plot([], [], "o", color=S.VERMILLION, ms=6)
        self._moving(self._line, self._pt)
        self._title0 = ax.set_title("", loc="left")
        self._ax0 = ax

        ax = fig.add_axes([0.395, 0.14, 0.26, 0.72])
        ax.set_xlim(-self.radius, self.radius)
        ax.set_ylim(*self.zlim)
        ax.set_xlabel("s  (point x\u2080 + s u)")
        ax.grid(True, color="#e4e4e4", lw=0.6)
        self._cf, = ax.plot([], [], color=S.BLACK, lw=2, label="f")
        self._c1, = ax.plot([], [], color=S.BLUE, ls="--", label="T1")
        self._c2, = ax.plot([], [], color=S.VERMILLION, ls="-.",
                            label="T2")
        self._m, = ax.plot([], [], "o", color=S.VERMILLION, ms=6)
        self._mt, = ax.plot([], [], "o", mfc="white", mec=S.BLACK, ms=6)
        ax.legend(handles=[self._cf, self._c1, self._c2], loc="upper center",
                  frameon=False, ncol=3, handlelength=1.6, fontsize=8)
        self._moving(self._cf, self._c1, self._c2, self._m, self._mt)
        self._title1 = self._axes_title(ax)

        ax = fig.add_axes([0.735, 0.14, 0.245, 0.72])
        ax.set_yscale("log")
        ax.set_xlim(-self.radius, self.radius)
        ax.set_ylim(1e-8, 10 ** np.ceil(np.log10(
            max(self.zlim[1] - self.zlim[0], 1e-6))))
        ax.set_xlabel("s")
        ax.set_ylabel("error |f \u2212 T|", labelpad=1)
        ax.grid(True, color="#e4e4e4", lw=0.6)
        self._e1, = ax.plot([], [], color=S.BLUE, ls="--",
                            label="|f \u2212 T1|")
        self._e2, = ax.plot([], [], color=S.VERMILLION, ls="-.",
                            label="|f \u2212 T2|")
        self._em, = ax.plot([], [], "o", color=S.VERMILLION, ms=6)
        ax.legend(loc="lower center", frameon=False, ncol=2, fontsize=8,
                  handlelength=1.6)
        self._moving(self._e1, self._e2, self._em)
        self._title2 = self._axes_title(ax)

    def _background_key(self, params):
        return params["order"]

    def _set_background(self, params):
        k = params["order"]
        if self._tcont is not None:
            self._tcont.remove()
        self._tcont = self._ax0.contour(
            self._X, self._Y, self._T[k], S.contour_levels(self._Z, 10),
            colors=S.VERMILLION, linewidths=0.8, linestyles="dotted")
        self._title0.set_text(f"contours of f (solid), T{k} (dotted)")

    def _draw_frame(self, params):
        s, phi, k = params["s"], params["phi"], params["order"]
        p, g, H, f0 = self.point, self.g, self.H, self.f0
        u = np.array([np.cos(phi), np.sin(phi)])
        pts = p[:, None] + np.outer(u, self._s)
        fs = self.function.grid(pts)
        gu, uHu = float(g @ u), float(u @ H @ u)
        t1 = f0 + gu * self._s
        t2 = t1 + 0.5 * uHu * self._s ** 2
        x = p + s * u
        fx = self.function.value(x)
        tx = f0 + gu * s + (0.5 * uHu * s * s if k == 2 else 0.0)
        err = abs(fx - tx)
        ends = p[:, None] + np.outer(u, [-self.radius, self.radius])
        self._line.set_data(ends[0], ends[1])
        self._pt.set_data([x[0]], [x[1]])
        self._cf.set_data(self._s, fs)
        self._c1.set_data(self._s, t1)
        self._c2.set_data(self._s, t2)
        for line, order in ((self._c1, 1), (self._c2, 2)):
            line.set_linewidth(2.2 if order == k else 1.0)
            line.set_alpha(1.0 if order == k else 0.45)
        self._m.set_data([s], [fx])
        self._mt.set_data([s], [tx])
        with np.errstate(all="ignore"):
            e1, e2 = np.abs(fs - t1), np.abs(fs - t2)
        e1[e1 <= 0] = np.nan                  # log axis: hide exact zeros
        e2[e2 <= 0] = np.nan
        self._e1.set_data(self._s, e1)
        self._e2.set_data(self._s, e2)
        self._e1.set_linewidth(2.0 if k == 1 else 1.0)
        self._e2.set_linewidth(2.0 if k == 2 else 1.0)
        self._em.set_data([s], [max(err, 1e-300)])
        self._em.set_color(S.BLUE if k == 1 else S.VERMILLION)
        self._title1.text = f"f = {fx:.4f},  T{k} = {tx:.4f}"
        self._title2.text = f"|f \u2212 T{k}| = {err:.2e}"
        self.value, self.approximation, self.error = fx, tx, err
        return (f"At distance s = {s:.2f} from x0 = ({p[0]:.2f}, "
                f"{p[1]:.2f}) along the direction phi = {phi:.2f}: "
                f"f = {fx:.4f}, T{k} = {tx:.4f}, error {err:.2e}")


def quadratic_approximation(f=None, point=(-1.0, 0.0), s=0.5, phi=0.6,
                            order=2, radius=1.0, variables=None, mode=None,
                            frames=24):
    """Compare f near a point with its first- and second-order Taylor
    polynomials.

    Introduced in chapter 7, *Hessians and quadratic approximation*.

    T1(x) = f(x0) + grad f(x0) . (x - x0) and T2 = T1 + 1/2 (x - x0)^T H
    (x - x0), with the gradient and Hessian H from :mod:`mathlib.numeric`
    (numpy f) or :mod:`mathlib.symbolic` (sympy f). Left: contours of f
    (solid) and of T1 or T2 (dotted) around x0, a line through x0 in the
    direction u = (cos phi, sin phi) and the point x = x0 + s u. Middle: f,
    T1 and T2 along that line. Right: the errors |f - T1| ~ s^2 and
    |f - T2| ~ |s|^3 on a log axis. The static scrubber moves s.

    Parameters
    ----------
    f : callable or sympy expression, optional
        ``f(x)`` with ``x[0], x[1]`` the coordinates, or a sympy expression
        in x and y. Default: x exp(-x^2 - y^2).
    point : (float, float)
        The expansion point x0. Default (-1, 0).
    s : float
        Distance from x0 along the line, in [-radius, radius].
    phi : float
        Direction of the line, radians in [0, pi].
    order : {1, 2}
        The approximation highlighted (toggle).
    radius : float
        How far from x0 the line and the contour map reach.
    variables, mode, frames
        As in :func:`partial_slice`.

    Returns
    -------
    QuadraticApproximation
        ``value`` = f(x), ``approximation`` = T_order(x), ``error`` their
        distance; ``g`` (shape (2,)) and ``H`` (2 x 2) at x0.

    Examples
    --------
    >>> w = quadratic_approximation()            # x exp(-x^2-y^2) at (-1, 0)
    >>> print(np.round(w.g, 4))                  # (-1/e, 0)
    [-0.3679  0.    ]
    >>> w.update(s=0.1, order=1)
    >>> e1 = w.error
    >>> w.update(order=2)
    >>> print(f"{e1:.1e} {w.error:.1e}")          # T2 is far closer
    4.1e-03 4.3e-04
    """
    return QuadraticApproximation(f, point, s, phi, order, radius,
                                  variables, mode, frames)
