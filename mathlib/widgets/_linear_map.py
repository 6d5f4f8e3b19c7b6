"""linear_map: near a point, F looks like its Jacobian."""

import numpy as np
import sympy as sp
from matplotlib.collections import LineCollection

from . import _style as S
from ._base import Param, Widget
from ._functions import Function, WidgetInputError

__all__ = ["LinearMap", "linear_map"]


class LinearMap(Widget):
    """A small grid around a point, mapped by F and by its Jacobian.

    Introduced in chapter 4, *Jacobians*.
    See :func:`linear_map` for the parameters.
    """

    size = (780, 300)
    title = "The Jacobian as the best local linear map"
    main = "radius"

    def __init__(self, F=None, point=None, radius=0.5,
                 radius_range=(0.01, 1.0), lines=9, variables=None,
                 mode=None, frames=24):
        if F is None:
            r, t = sp.symbols("r theta")
            F, variables = [r * sp.cos(t), r * sp.sin(t)], [r, t]
            point = (1.0, np.pi / 4) if point is None else point
        self.point = S.check_point((1.0, 0.5) if point is None else point,
                                   "point")
        lo, hi = S.check_window(radius_range, "radius_range")
        if lo <= 0:
            raise ValueError(f"radius_range must be positive, got "
                             f"{radius_range!r}")
        if isinstance(lines, bool) or not isinstance(lines, int) \
                or not 2 <= lines <= 21:
            raise ValueError(f"lines must be an int in [2, 21], got "
                             f"{lines!r}")
        super().__init__([Param("radius", "radius \u03c1", lo, hi, fmt=".3g",
                                log=True)], mode, frames)
        self.function = Function(F, 2, (2,), "F", variables)
        a = self.point
        try:
            self.F0 = self.function.value(a)
            self.J = self.function.jacobian(a)
        except WidgetInputError as exc:
            raise ValueError(f"F must be finite and differentiable at "
                             f"point = {tuple(a.tolist())}: {exc}"
                             ) from None
        # the unit grid u in [-1, 1]^2: `lines` lines each way, 41 points
        c = np.linspace(-1, 1, lines)
        t = np.linspace(-1, 1, 41)
        along_u1 = np.stack([np.broadcast_to(t, (lines, 41)),
                             np.broadcast_to(c[:, None], (lines, 41))])
        self._U = np.concatenate([along_u1, along_u1[::-1]], axis=1)
        self._lines = lines
        self._JU = np.einsum("ij,j...->i...", self.J, self._U)
        # discrepancy |F(a + r u) - F(a) - J r u| / r over r (log-spaced)
        self._r = np.geomspace(lo, hi, 50)
        imgs = [self._scaled_image(r) for r in self._r]
        self._err = np.array([np.nanmax(np.hypot(*(m - self._JU)))
                              if np.isfinite(m).all(axis=0).any() else np.nan
                              for m in imgs])
        pts = np.concatenate([m.reshape(2, -1) for m in imgs]
                             + [self._JU.reshape(2, -1)], axis=1)
        pts = pts[:, np.isfinite(pts).all(axis=0)]
        self._extent = (pts.min(axis=1), pts.max(axis=1))
        self.error = None
        self._start(dict(radius=radius))

    def _scaled_image(self, r):
        """(F(a + r u) - F(a)) / r on the grid, shape (2, 2*lines, 41)."""
        X = self.point[:, None, None] + r * self._U
        return (self.function.grid(X) - self.F0[:, None, None]) / r

    def _segments(self, M):
        return np.moveaxis(M, 0, -1)        # (2*lines, 41, 2)

    def _colors(self):
        n = self._lines
        return [S.BLUE] * n + [S.ORANGE] * n

    def _build(self):
        fig = self._fig
        ax = fig.add_axes([0.065, 0.14, 0.24, 0.70])
        ax.add_collection(LineCollection(self._segments(self._U),
                                         colors=self._colors(), lw=1.1))
        ax.set_xlim(-1.1, 1.1)
        ax.set_ylim(-1.1, 1.1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("u\u2081")
        ax.set_ylabel("u\u2082", labelpad=1)
        a = self.point
        ax.set_title(f"x = a + \u03c1 u,  a = ({a[0]:.3g}, {a[1]:.3g})",
                     loc="left")

        ax = fig.add_axes([0.365, 0.14, 0.27, 0.70])
        ax.add_collection(LineCollection(self._segments(self._JU),
                                         colors="#222222", lw=0.9,
                                         linestyles=(0, (3, 2))))
        self._img = LineCollection([], colors=self._colors(), lw=1.4)
        ax.add_collection(self._img)
        self._moving(self._img)
        lo, hi = self._extent
        mid, half = (lo + hi) / 2, 0.55 * max(hi - lo)
        ax.set_xlim(mid[0] - half, mid[0] + half)
        ax.set_ylim(mid[1] - half, mid[1] + half)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("(F\u2081(x) \u2212 F\u2081(a)) / \u03c1")
        ax.set_ylabel("(F\u2082(x) \u2212 F\u2082(a)) / \u03c1", labelpad=1)
        ax.set_title("F (solid) and J u (dashed)", loc="left")

        ax = fig.add_axes([0.75, 0.14, 0.23, 0.70])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ok = np.isfinite(self._err) & (self._err > 0)
        ax.plot(self._r[ok], self._err[ok], color=S.BLACK, lw=1.6)
        ax.set_xlim(self._r[0], self._r[-1])
        if ok.any():
            e = self._err[ok]
            ax.set_ylim(e.min() / 3, e.max() * 3)
        ax.set_xlabel("radius \u03c1")
        ax.set_ylabel("max distance / \u03c1", labelpad=1)
        ax.grid(True, color="#e4e4e4", lw=0.6)
        self._dot, = ax.plot([], [], "o", color=S.VERMILLION, ms=7)
        self._moving(self._dot)
        self._title = self._axes_title(ax)

    def _draw_frame(self, params):
        r = params["radius"]
        M = self._scaled_image(r)
        if not np.isfinite(M).all(axis=0).any():   # no point with F finite
            raise WidgetInputError(f"F is not finite anywhere within "
                                   f"radius {r:.3g} of the point")
        err = float(np.nanmax(np.hypot(*(M - self._JU))))
        self._img.set_segments(list(self._segments(M)))
        self._dot.set_data([r], [err])
        self._title.text = f"distance / \u03c1 = {err:.2g}"
        self.error = err
        return (f"Radius rho = {r:.3g}: the grid around a, mapped by F and "
                f"rescaled by 1/r, differs from its image under the "
                f"Jacobian by at most {err:.2g} (relative to rho)")


def linear_map(F=None, point=None, radius=0.5, radius_range=(0.01, 1.0),
               lines=9, variables=None, mode=None, frames=24):
    """Zoom in on a map F: R^2 -> R^2 until it looks like its Jacobian.

    Introduced in chapter 4, *Jacobians*.

    A square grid x = a + r u (|u_1|, |u_2| <= 1, left) is mapped by F and,
    rescaled by 1/r, drawn over its image under the Jacobian J at a
    (middle; J from :mod:`mathlib.numeric`, or :mod:`mathlib.symbolic` for
    sympy input): F(a + r u) - F(a) = r J u + o(r). Right: the largest
    distance between the two images divided by r, which goes to 0 (like r)
    as the radius shrinks: J is the best linear approximation of F near a.
    The static scrubber moves the radius (log scale).

    Parameters
    ----------
    F : callable, or list/Matrix of two sympy expressions, optional
        numpy code ``F(x)`` returning an array of shape (2,) for ``x`` of
        shape (2,), or two sympy expressions. Default: polar coordinates
        (r, theta) -> (r cos theta, r sin theta) at a = (1, pi/4).
    point : (float, float), optional
        The point a (default (1, pi/4) for the default F, else (1, 0.5)).
    radius : float
        The neighbourhood radius rho (log slider).
    radius_range : (float, float)
        Range of the radius slider.
    lines : int
        Grid lines in each direction.
    variables, mode, frames
        As in :func:`partial_slice`.

    Returns
    -------
    LinearMap
        ``J`` is the Jacobian at a (2 x 2, rows = outputs), ``error`` the
        largest distance / r for the current radius.

    Examples
    --------
    >>> w = linear_map()                       # polar coordinates
    >>> print(np.round(w.J, 4))                # at r = 1, theta = pi/4
    [[ 0.7071 -0.7071]
     [ 0.7071  0.7071]]
    >>> w.update(radius=0.5)
    >>> big = w.error
    >>> w.update(radius=0.05)
    >>> print(round(big / w.error))            # error / r shrinks like r
    10
    """
    return LinearMap(F, point, radius, radius_range, lines, variables, mode,
                     frames)
