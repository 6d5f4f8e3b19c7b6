"""partial_slice: a partial derivative is the slope of a slice."""

import numpy as np
import sympy as sp
from matplotlib.ticker import MaxNLocator
from mpl_toolkits.mplot3d.art3d import Poly3DCollection

from . import _style as S
from ._base import Param, Widget
from ._functions import Function

__all__ = ["PartialSlice", "partial_slice"]


class PartialSlice(Widget):
    """The surface z = f(x, y) cut by a plane, beside the slice's tangent.

    Introduced in chapter 2, *Partial derivatives and gradients*.

    Left: the surface with the plane y = y0 (or x = x0) and the curve where
    they meet. Right: that curve, t -> f(t, y0) (or f(x0, t)), with its
    tangent at the chosen point; the tangent's slope is the partial
    derivative df/dx (or df/dy), printed above it and kept in ``slope``.
    See :func:`partial_slice` for the parameters.
    """

    size = (720, 300)
    title = "Partial derivative: the slope of a slice of the surface"

    def __init__(self, f=None, x0=0.5, y0=0.5, axis="x", xlim=(-3, 3),
                 ylim=(-3, 3), variables=None, mode=None, frames=24):
        xlim = S.check_window(xlim, "xlim")
        ylim = S.check_window(ylim, "ylim")
        super().__init__([
            Param("x0", "x\u2080", *xlim, step=(xlim[1] - xlim[0]) / 200),
            Param("y0", "y\u2080", *ylim, step=(ylim[1] - ylim[0]) / 200),
            Param("axis", "vary", options=(("x (plane y = y\u2080)", "x"),
                                           ("y (plane x = x\u2080)", "y"))),
        ], mode, frames)
        if f is None:
            x, y = sp.symbols("x y")
            f = sp.sin(x) * sp.cos(y)
        self.function = Function(f, 2, (), "f", variables)
        self.xlim, self.ylim = xlim, ylim
        gx = np.linspace(*xlim, 41)
        gy = np.linspace(*ylim, 41)
        self._X, self._Y = np.meshgrid(gx, gy)
        self._Z = self.function.grid(np.stack([self._X, self._Y]))
        self.zlim = S.finite_range(self._Z, "f")
        self._t = {"x": np.linspace(*xlim, 161), "y": np.linspace(*ylim, 161)}
        self.slope = self.value = None
        self._cache = (None, None)
        self._start(dict(x0=x0, y0=y0, axis=axis))

    def main_param(self, params=None):
        return "x0" if (params or self.params)["axis"] == "x" else "y0"

    def _build(self):
        fig = self._fig
        ax3 = fig.add_axes([-0.03, 0.0, 0.52, 1.0], projection="3d")
        ax3.plot_surface(self._X, self._Y, np.ma.masked_invalid(self._Z),
                         cmap="viridis", alpha=0.75, linewidth=0,
                         antialiased=False, rstride=2, cstride=2)
        ax3.set_xlim(*self.xlim)
        ax3.set_ylim(*self.ylim)
        ax3.set_zlim(*self.zlim)
        ax3.set_xlabel("x", labelpad=-6)
        ax3.set_ylabel("y", labelpad=-6)
        ax3.set_zlabel("z", labelpad=-6)
        ax3.tick_params(pad=-3, labelsize=7)
        ax3.xaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 5, 10]))
        ax3.yaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 5, 10]))
        ax3.zaxis.set_major_locator(MaxNLocator(3, steps=[1, 2, 5, 10]))
        ax3.view_init(elev=28, azim=-62)
        ax3.set_box_aspect(None, zoom=0.95)
        self._plane = Poly3DCollection([np.zeros((4, 3))],
                                       facecolor="#9a9a9a", alpha=0.35,
                                       edgecolor="#444444", linewidth=0.8)
        ax3.add_collection3d(self._plane)
        self._moving(self._plane)
        self._curve3, = ax3.plot([], [], [], color=S.VERMILLION, lw=2.2)
        self._tan3, = ax3.plot([], [], [], color=S.BLACK, lw=1.6)
        self._pt3, = ax3.plot([], [], [], "o", color=S.BLACK, ms=5)
        self._moving(self._curve3, self._tan3, self._pt3)
        self._ax3 = ax3
        fig.text(0.02, 0.93, "surface z = f(x, y)", fontsize=9)

        ax = fig.add_axes([0.585, 0.15, 0.395, 0.70])
        ax.grid(True, color="#e4e4e4", lw=0.6)
        self._curve, = ax.plot([], [], color=S.VERMILLION, lw=2,
                               label="slice")
        self._tan, = ax.plot([], [], color=S.BLACK, lw=1.4, ls="--",
                             label="tangent")
        self._pt, = ax.plot([], [], "o", color=S.BLACK, ms=5)
        self._moving(self._curve, self._tan, self._pt)
        self._title = self._axes_title(ax)
        self._ax = ax

    def _slice(self, params):
        """(t, points, f on the slice), cached while the slice stays put."""
        axis = params["axis"]
        fixed = params["y0"] if axis == "x" else params["x0"]
        if self._cache[0] != (axis, fixed):
            t = self._t[axis]
            other = np.full_like(t, fixed)
            pts = np.stack([t, other] if axis == "x" else [other, t])
            self._cache = ((axis, fixed), (t, pts, self.function.grid(pts)))
        return self._cache[1]

    def _background_key(self, params):
        """The axis, and round y-limits that fit the current slice: moving
        the point along the slice keeps the same background."""
        zs = self._slice(params)[2]
        zs = zs[np.isfinite(zs)]
        lo, hi = (zs.min(), zs.max()) if zs.size else self.zlim
        lo, hi = S.nice_bounds(*S.pad(lo, hi, 0.1), n=8)
        return params["axis"], lo, hi

    def _set_background(self, params):
        ax = self._ax
        ax.set_ylim(*self._background_key(params)[1:])
        if params["axis"] == "x":
            ax.set_xlim(*self.xlim)
            ax.set_xlabel("x")
            ax.set_ylabel("f(x, y\u2080)")
        else:
            ax.set_xlim(*self.ylim)
            ax.set_xlabel("y")
            ax.set_ylabel("f(x\u2080, y)")

    def _draw_frame(self, params):
        x0, y0, axis = params["x0"], params["y0"], params["axis"]
        i = 0 if axis == "x" else 1
        p = np.array([x0, y0])
        z0 = self.function.value(p)
        slope = self.function.partial(p, i)
        t, (xs, ys), zs = self._slice(params)
        t0 = p[i]
        # tangent: a short segment, cut where it would leave the z-range
        d = 0.22 * (t[-1] - t[0])
        zlo, zhi = self.zlim
        if slope != 0:
            d = min(d, max(zhi - z0, z0 - zlo) / abs(slope))
        tt = np.array([t0 - d, t0 + d])
        zt = z0 + slope * (tt - t0)
        keep = (zt >= zlo - 1e-9) & (zt <= zhi + 1e-9)
        if not keep.all():           # clip the 3-D segment to the z-range
            zt = np.clip(zt, zlo, zhi)
            tt = t0 + (zt - z0) / slope
        # 3-D: plane, curve on the surface, tangent, point
        if i == 0:
            verts = [(t[0], y0, zlo), (t[-1], y0, zlo), (t[-1], y0, zhi),
                     (t[0], y0, zhi)]
            self._curve3.set_data_3d(xs, ys, zs)
            self._tan3.set_data_3d(tt, [y0, y0], zt)
        else:
            verts = [(x0, t[0], zlo), (x0, t[-1], zlo), (x0, t[-1], zhi),
                     (x0, t[0], zhi)]
            self._curve3.set_data_3d(xs, ys, zs)
            self._tan3.set_data_3d([x0, x0], tt, zt)
        self._plane.set_verts([verts])
        if self._ax3.M is not None:       # projected by the last full draw
            self._plane.do_3d_projection()
        self._pt3.set_data_3d([x0], [y0], [z0])
        # 2-D slice
        self._curve.set_data(t, zs)
        w = 0.22 * (t[-1] - t[0])
        self._tan.set_data([t0 - w, t0 + w],
                           [z0 - slope * w, z0 + slope * w])
        self._pt.set_data([t0], [z0])
        var, other = ("x", "y") if i == 0 else ("y", "x")
        self._title.text = (
            f"slope \u2202f/\u2202{var} at ({x0:.2f}, {y0:.2f}) = "
            f"{slope:.3f}")
        self.slope, self.value = slope, z0
        return (f"Slice of f along {var} at {other} = {p[1 - i]:.2f}: at "
                f"{var} = {t0:.2f}, f = {z0:.3f} and the tangent's slope "
                f"\u2202f/\u2202{var} = {slope:.3f}")


def partial_slice(f=None, x0=0.5, y0=0.5, axis="x", xlim=(-3, 3),
                  ylim=(-3, 3), variables=None, mode=None, frames=24):
    """Show a partial derivative as the slope of a slice of a surface.

    Introduced in chapter 2, *Partial derivatives and gradients*.

    The surface z = f(x, y) (left, 3-D) is cut by the plane y = y0 (or
    x = x0 with ``axis="y"``). The cut is the curve t -> f(t, y0) (right);
    its tangent at t = x0 has slope df/dx(x0, y0), the partial derivative,
    computed with :mod:`mathlib.numeric` (numpy f) or :mod:`mathlib.symbolic`
    (sympy f). Sliders: x0, y0 and the axis; the static scrubber moves the
    point along the slice (x0, or y0 when ``axis="y"``).

    Parameters
    ----------
    f : callable or sympy expression, optional
        numpy code ``f(x)`` with ``x[0], x[1]`` the coordinates, or a sympy
        expression in x and y. Default: sin(x) cos(y).
    x0, y0 : float
        The point (inside ``xlim``, ``ylim``).
    axis : {"x", "y"}
        Which variable varies along the slice.
    xlim, ylim : (float, float)
        The plotting window, also the sliders' ranges.
    variables : list of two sympy Symbols, optional
        Order of the variables of a sympy f (default: x, y).
    mode : {"live", "static"}, optional
        Default: ``static`` if the environment variable
        ``MATHLIB_WIDGETS=static``, else ``live`` (ipywidgets).
    frames : int
        Number of frames of the static scrubber.

    Returns
    -------
    PartialSlice
        Displays itself; ``update(x0=..., y0=..., axis=...)`` redraws,
        ``slope`` is the partial derivative at the point, ``frame`` the
        PNG bytes. A bad f (not callable, not scalar) raises TypeError or
        ValueError here; a point where f fails shows a message.

    Examples
    --------
    >>> w = partial_slice()                       # f = sin(x) cos(y)
    >>> w.update(x0=0.5)
    >>> print(round(w.slope, 4))                  # cos(0.5) cos(0.5)
    0.7702
    >>> w.update(axis="y")
    >>> print(round(w.slope, 4))                  # -sin(0.5) sin(0.5)
    -0.2298
    >>> w = partial_slice(lambda p: p[0] ** 2 * p[1], x0=1.0, y0=2.0)
    >>> print(round(w.slope, 4))
    4.0
    """
    return PartialSlice(f, x0, y0, axis, xlim, ylim, variables, mode,
                        frames)
