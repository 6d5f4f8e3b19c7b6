"""What the directional-derivative, partial-slice and linear-map widgets
draw, against the mathematics (issue 21; chapters 2, 3 and 4).

Each drawn curve, arrow, point and title is read from the figure's
artists and compared with a closed form or sympy. Widgets are built once
per module: `make mutation` runs these files for each mutant of
mathlib/widgets, so they must stay fast.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import widgets as W
from mathlib.widgets import _style as S
from widget_fixtures import shared_widget

pytestmark = pytest.mark.filterwarnings(       # ipywidgets 7 on ipykernel 7
    "ignore:The `ipykernel.comm.Comm` class has been deprecated")

X, Y = sp.symbols("x y")


def xy(line):
    return tuple(np.asarray(a, dtype=float) for a in line.get_data())


def arrow(patch):
    """(tail, tip) of a FancyArrowPatch, as float arrays."""
    a, b = patch._posA_posB
    return np.array(a, dtype=float), np.array(b, dtype=float)


# ------------------------------------------------- directional derivative

def f_dir(x, y):
    return x ** 2 + x * y + 2 * y ** 2            # the default f


def grad_dir(x, y):
    return np.array([2 * x + y, x + 4 * y])


_directional_once, directional = shared_widget(
    "directional", lambda: W.directional_derivative(mode="static"))


@pytest.mark.parametrize("theta", [0.0, 0.5, 2.5, 4.0])
def test_directional_value_is_grad_dot_v_with_its_arrows(directional,
                                                         theta):
    """D_v f = grad f . v at p = (1, -0.5); v drawn as an arrow of fixed
    length (0.22 of the window) from p along (cos, sin) theta; grad f as
    an arrow from p along grad f, on the scale of the right panel (its
    top is 1.3 times a round number gl >= |grad f|, and the arrow is
    0.3 of the window per gl)."""
    w = directional
    w.update(theta=theta, x0=1.0, y0=-0.5)
    p, g = np.array([1.0, -0.5]), grad_dir(1.0, -0.5)
    v = np.array([np.cos(theta), np.sin(theta)])
    assert w.value == pytest.approx(g @ v, abs=1e-12)
    np.testing.assert_allclose(w.gradient, g, atol=1e-12)
    tail, tip = arrow(w._varrow)
    np.testing.assert_allclose(tail, p, atol=1e-12)
    np.testing.assert_allclose(tip - tail, 0.22 * 4 * v, atol=1e-12)
    tail, tip = arrow(w._garrow)
    np.testing.assert_allclose(tail, p, atol=1e-12)
    gl = w._ax2.get_ylim()[1] / 1.3
    assert gl == S.nice_ceil(np.hypot(*g)) == 2.0
    np.testing.assert_allclose(tip - tail, 0.3 * 4 * g / gl, atol=1e-12)
    assert w._ax2.get_ylim()[0] == pytest.approx(-1.15 * gl)
    assert xy(w._pt) == ([1.0], [-0.5])


def test_directional_slice_and_its_tangent(directional):
    """Middle: t -> f(p + t v) for |t| <= 0.35 * 4, its tangent through
    (0, f(p)) with slope D_v f, the point (0, f(p)); the dashed line on the
    map is the same segment p + t v. The panel's y-range holds the slice."""
    w = directional
    theta = 2.5
    w.update(theta=theta, x0=1.0, y0=-0.5)
    v = np.array([np.cos(theta), np.sin(theta)])
    dv = grad_dir(1.0, -0.5) @ v
    f0 = f_dir(1.0, -0.5)
    t, fs = xy(w._slice)
    assert (t[0], t[-1], len(t)) == (-1.4, 1.4, 121)
    np.testing.assert_allclose(fs, f_dir(1.0 + t * v[0], -0.5 + t * v[1]),
                               rtol=1e-12)
    tt, ft = xy(w._tan)
    np.testing.assert_allclose(tt, [-1.4, 1.4])
    np.testing.assert_allclose(ft, f0 + dv * tt, rtol=1e-12)
    assert xy(w._spt) == ([0.0], [pytest.approx(f0)])
    lx, ly = xy(w._line)
    np.testing.assert_allclose(lx, 1.0 + np.array([-1.4, 1.4]) * v[0])
    np.testing.assert_allclose(ly, -0.5 + np.array([-1.4, 1.4]) * v[1])
    lo, hi = w._ax1.get_ylim()
    assert lo <= fs.min() and fs.max() <= hi
    assert hi - lo < 4 * (fs.max() - fs.min())
    assert w._title1.text == f"slope of the slice: D\u1d65 f = {dv:.3f}"


def test_directional_curve_over_theta_peaks_along_the_gradient(directional):
    """Right: D_v f(theta) = grad f . (cos, sin) theta on [0, 2 pi], its
    maximum |grad f| marked at the gradient's angle, the current theta
    marked on the curve; title and alt text print them."""
    w = directional
    w.update(theta=4.0, x0=1.0, y0=-0.5)
    g = grad_dir(1.0, -0.5)
    th, d = xy(w._dcurve)
    assert (th[0], th[-1], len(th)) == (0.0, pytest.approx(2 * np.pi), 181)
    np.testing.assert_allclose(d, g[0] * np.cos(th) + g[1] * np.sin(th),
                               atol=1e-12)
    best = np.arctan2(-1.0, 1.5) % (2 * np.pi)
    assert w.best_theta == pytest.approx(best)
    np.testing.assert_allclose(w._dmax_line.get_xdata(), [best, best])
    assert xy(w._dmax) == ([pytest.approx(best)],
                           [pytest.approx(np.hypot(*g))])
    dv = g @ [np.cos(4.0), np.sin(4.0)]
    assert xy(w._dnow) == ([4.0], [pytest.approx(dv)])
    assert w._title2.text == (f"max |\u2207f| = {np.hypot(*g):.3f} at "
                              f"\u03b8 = {best:.2f}")
    assert w.alt == (
        f"Direction v at angle theta = 4.00 rad from the point (1.00, "
        f"-0.50): directional derivative {dv:.3f}; the gradient (1.500, "
        f"-1.000) points at theta = {best:.2f}, where the maximum "
        f"{np.hypot(*g):.3f} is reached")


def test_directional_at_another_point_and_a_small_gradient(directional):
    """Moving p: new gradient, new slice; near the minimum (0, 0) the
    right panel keeps a floor of 1e-3 of the window's largest |grad f|."""
    w = directional
    w.update(theta=0.5, x0=-1.5, y0=1.0)
    g = grad_dir(-1.5, 1.0)
    np.testing.assert_allclose(w.gradient, g, atol=1e-12)
    t, fs = xy(w._slice)
    v = np.array([np.cos(0.5), np.sin(0.5)])
    np.testing.assert_allclose(fs, f_dir(-1.5 + t * v[0], 1.0 + t * v[1]))
    w.update(x0=0.0, y0=0.0)
    gmax = np.hypot(2 * 2 + 2, 2 + 4 * 2)          # at the corner (2, 2)
    top = w._ax2.get_ylim()[1] / 1.3
    assert top == S.nice_ceil(1e-3 * w._gmax)
    assert w._gmax == pytest.approx(gmax, rel=0.05)


def test_directional_sliders_and_window():
    w = W.directional_derivative(X * Y, x0=0.5, y0=1.0, theta=1.0,
                                 xlim=(-1, 3), ylim=(-2, 4), mode="static")
    assert w.params == {"theta": 1.0, "x0": 0.5, "y0": 1.0}
    th, x0, y0 = (w._spec[k] for k in ("theta", "x0", "y0"))
    assert (th.lo, th.hi) == (0.0, pytest.approx(2 * np.pi))
    assert th.step == pytest.approx(np.pi / 180)
    assert (x0.lo, x0.hi, x0.step) == (-1.0, 3.0, 0.02)
    assert (y0.lo, y0.hi, y0.step) == (-2.0, 4.0, 0.03)
    assert th.label == "\u03b8 (direction of v)"
    assert (x0.label, y0.label) == ("x\u2080", "y\u2080")
    assert w.value == pytest.approx(1.0 * np.cos(1.0) + 0.5 * np.sin(1.0))
    t, _ = xy(w._slice)
    assert t[-1] == pytest.approx(0.35 * 4)       # the narrower side
    tail, tip = arrow(w._varrow)
    assert np.hypot(*(tip - tail)) == pytest.approx(0.22 * 4)


# ---------------------------------------------------------- partial slice

# sin(x) cos(y)
_partial_once, partial = shared_widget(
    "partial", lambda: W.partial_slice(mode="static"))


@pytest.mark.parametrize("axis", ["x", "y"])
def test_partial_slice_curve_tangent_and_slope(partial, axis):
    """The slice t -> f(t, y0) (or f(x0, t)) over the window, its tangent
    at the point with slope df/dx (or df/dy), the point itself, in 2-D and
    on the surface; the plane is y = y0 (or x = x0) over the z-range."""
    w = partial
    x0, y0 = 0.7, -1.1
    w.update(x0=x0, y0=y0, axis=axis)
    i = 0 if axis == "x" else 1
    z0 = np.sin(x0) * np.cos(y0)
    slope = (np.cos(x0) * np.cos(y0) if i == 0
             else -np.sin(x0) * np.sin(y0))
    assert w.slope == pytest.approx(slope, abs=1e-12)
    assert w.value == pytest.approx(z0, abs=1e-12)
    t, zs = xy(w._curve)
    assert (t[0], t[-1], len(t)) == (-3.0, 3.0, 161)
    want = (np.sin(t) * np.cos(y0) if i == 0 else np.sin(x0) * np.cos(t))
    np.testing.assert_allclose(zs, want, atol=1e-12)
    t0 = (x0, y0)[i]
    tt, zt = xy(w._tan)
    np.testing.assert_allclose(tt, [t0 - 1.32, t0 + 1.32])
    np.testing.assert_allclose(zt, z0 + slope * (tt - t0), atol=1e-12)
    assert xy(w._pt) == ([pytest.approx(t0)], [pytest.approx(z0)])
    cx, cy, cz = (np.asarray(a) for a in w._curve3.get_data_3d())
    np.testing.assert_allclose(cz, want, atol=1e-12)
    np.testing.assert_allclose((cx, cy)[i], t)
    np.testing.assert_allclose((cx, cy)[1 - i], (x0, y0)[1 - i])
    px, py, pz = (np.asarray(a) for a in w._pt3.get_data_3d())
    assert (px[0], py[0], pz[0]) == (x0, y0, pytest.approx(z0))
    tx, ty, tz = (np.asarray(a, dtype=float)
                  for a in w._tan3.get_data_3d())
    ts = (tx, ty)[i]
    if i == 0:                  # inside the box: not cut (for y it is)
        np.testing.assert_allclose(ts, [t0 - 1.32, t0 + 1.32])
    else:
        assert ts[0] == pytest.approx(t0 - 1.32) and ts[1] < t0 + 1.32
    np.testing.assert_allclose((tx, ty)[1 - i], (x0, y0)[1 - i])
    np.testing.assert_allclose(tz, z0 + slope * (ts - t0), atol=1e-12)
    var = "xy"[i]
    assert w._title.text == (f"slope \u2202f/\u2202{var} at ({x0:.2f}, "
                             f"{y0:.2f}) = {slope:.3f}")
    other = "yx"[i]
    assert w.alt == (f"Slice of f along {var} at {other} = "
                     f"{(x0, y0)[1 - i]:.2f}: at {var} = {t0:.2f}, f = "
                     f"{z0:.3f} and the tangent's slope \u2202f/\u2202{var}"
                     f" = {slope:.3f}")


def test_partial_3d_tangent_stays_in_the_z_range():
    """A steep slice (x^3 y at y = 3): the 3-D tangent segment is cut
    where it would leave the box of the surface, still on the tangent."""
    w = W.partial_slice(X ** 3 * Y, x0=2.0, y0=3.0, mode="static")
    zlo, zhi = w.zlim
    tx, ty, tz = (np.asarray(a, dtype=float)
                  for a in w._tan3.get_data_3d())
    assert zlo - 1e-9 <= tz.min() and tz.max() <= zhi + 1e-9
    assert w.slope == pytest.approx(36.0)
    np.testing.assert_allclose(tz, 24.0 + 36.0 * (tx - 2.0), atol=1e-9)
    assert tx.max() - tx.min() > 0.1
    np.testing.assert_allclose(ty, 3.0)


def test_partial_plane_and_axes_follow_the_slice(partial):
    """The cutting plane y = y0 (x = x0) spans the window and the
    z-range; the 2-D axes: the slice's variable, f(x, y0) or f(x0, y),
    and y-limits holding the slice with a margin."""
    w = partial
    zlo, zhi = w.zlim
    for axis, lab in (("x", "f(x, y\u2080)"), ("y", "f(x\u2080, y)")):
        w.update(x0=0.7, y0=-1.1, axis=axis)
        xs, ys, zs = np.asarray(w._plane._faces, dtype=float)[0].T
        i = 0 if axis == "x" else 1
        np.testing.assert_allclose((xs, ys)[1 - i], (0.7, -1.1)[1 - i])
        np.testing.assert_allclose(sorted(set((xs, ys)[i])), [-3.0, 3.0])
        np.testing.assert_allclose(sorted(set(zs)), [zlo, zhi])
        ax = w._ax
        assert ax.get_xlabel() == axis and ax.get_ylabel() == lab
        assert ax.get_xlim() == (-3.0, 3.0)
        _, z = xy(w._curve)
        lo, hi = ax.get_ylim()
        assert lo < z.min() and z.max() < hi
        assert hi - lo <= 2 * (z.max() - z.min())


def test_partial_sliders_window_and_scrubbed_parameter():
    w = W.partial_slice(X * Y ** 2, x0=1.0, y0=-2.0, axis="y",
                        xlim=(-1, 3), ylim=(-4, 2), mode="static")
    assert w.params == {"x0": 1.0, "y0": -2.0, "axis": "y"}
    assert w.slope == pytest.approx(-4.0) and w.value == 4.0
    assert w.main_param() == "y0" and w.main_param({"axis": "x"}) == "x0"
    x0, y0, axis = (w._spec[k] for k in ("x0", "y0", "axis"))
    assert (x0.lo, x0.hi, x0.step) == (-1.0, 3.0, 0.02)
    assert (y0.lo, y0.hi, y0.step) == (-4.0, 2.0, 0.03)
    assert axis.options == (("x (plane y = y\u2080)", "x"),
                            ("y (plane x = x\u2080)", "y"))
    assert (axis.label, x0.label, y0.label) == ("vary", "x\u2080",
                                                "y\u2080")
    t, z = xy(w._curve)
    assert (t[0], t[-1]) == (-4.0, 2.0)
    np.testing.assert_allclose(z, 1.0 * t ** 2)
    assert w._ax.get_xlim() == (-4.0, 2.0)
    assert w._X.shape == (41, 41) and w._X[0, 0] == -1 and w._Y[-1, 0] == 2


# -------------------------------------------------------------- linear map

# polar coordinates at (1, pi/4)
_linmap_once, linmap = shared_widget(
    "linmap", lambda: W.linear_map(mode="static"))


def polar(r, t):
    return np.array([r * np.cos(t), r * np.sin(t)])


@pytest.mark.parametrize("rho", [0.5, 0.05])
def test_linear_map_draws_F_of_the_grid_rescaled(linmap, rho):
    """The solid image: (F(a + rho u) - F(a)) / rho for the grid lines
    u in [-1, 1]^2 (9 lines each way, 41 points); the error printed and
    marked is the largest distance to J u."""
    w = linmap
    w.update(radius=rho)
    a = np.array([1.0, np.pi / 4])
    J = np.array([[np.cos(a[1]), -np.sin(a[1])],
                  [np.sin(a[1]), np.cos(a[1])]])
    np.testing.assert_allclose(w.J, J, atol=1e-12)
    segs = w._img.get_segments()
    assert len(segs) == 18 and all(len(s) == 41 for s in segs)
    worst = 0.0
    for k, seg in enumerate(segs):
        c = np.linspace(-1, 1, 9)[k % 9]
        t = np.linspace(-1, 1, 41)
        u = np.stack([t, np.full(41, c)]) if k < 9 else \
            np.stack([np.full(41, c), t])
        img = (polar(*(a[:, None] + rho * u)) - polar(*a)[:, None]) / rho
        np.testing.assert_allclose(np.asarray(seg).T, img, atol=1e-12)
        worst = max(worst, np.hypot(*(img - J @ u)).max())
    assert w.error == pytest.approx(worst, rel=1e-9)
    assert xy(w._dot) == ([rho], [pytest.approx(worst)])
    assert w._title.text == f"distance / \u03c1 = {worst:.2g}"
    assert w.alt == (f"Radius rho = {rho:.3g}: the grid around a, mapped "
                     f"by F and rescaled by 1/r, differs from its image "
                     f"under the Jacobian by at most {worst:.2g} (relative "
                     f"to rho)")


def test_linear_map_grid_its_colours_and_J_u(linmap):
    """The unit grid: 9 lines along u1 at u2 = c (blue), 9 along u2
    (orange); J u is the same grid mapped by J; each image line has the
    colour of its grid line; the error curve over rho in [0.01, 1]."""
    w = linmap
    U = w._U
    assert U.shape == (2, 18, 41)
    c = np.linspace(-1, 1, 9)
    t = np.linspace(-1, 1, 41)
    np.testing.assert_allclose(U[0, :9], np.broadcast_to(t, (9, 41)))
    np.testing.assert_allclose(U[1, :9], np.broadcast_to(c[:, None], (9, 41)))
    np.testing.assert_allclose(U[0, 9:], np.broadcast_to(c[:, None],
                                                         (9, 41)))
    np.testing.assert_allclose(U[1, 9:], np.broadcast_to(t, (9, 41)))
    np.testing.assert_allclose(w._JU, np.einsum("ij,jkl->ikl", w.J, U))
    assert w._colors() == [S.BLUE] * 9 + [S.ORANGE] * 9
    np.testing.assert_allclose(w._r, np.geomspace(0.01, 1.0, 50))
    a = np.array([1.0, np.pi / 4])
    for r, e in zip(w._r[::7], w._err[::7]):
        img = (polar(*(a[:, None, None] + r * U))
               - polar(*a)[:, None, None]) / r
        assert e == pytest.approx(np.hypot(*(img - w._JU)).max(), rel=1e-9)
    lo, hi = w._extent
    assert np.all(lo <= w._JU.min(axis=(1, 2)) + 1e-12)
    assert np.all(hi >= w._JU.max(axis=(1, 2)) - 1e-12)


def test_linear_map_view_fits_every_image_per_coordinate(linmap):
    """The middle panel is centred on the images (F over every radius and
    J u), x and y each from their own smallest to largest value."""
    w = linmap
    pts = np.concatenate([w._scaled_image(r).reshape(2, -1) for r in w._r]
                         + [w._JU.reshape(2, -1)], axis=1)
    lo, hi = w._extent
    np.testing.assert_allclose(lo, pts.min(axis=1))
    np.testing.assert_allclose(hi, pts.max(axis=1))
    ax = w._fig.axes[1]
    assert np.mean(ax.get_xlim()) == pytest.approx((lo[0] + hi[0]) / 2)
    assert np.mean(ax.get_ylim()) == pytest.approx((lo[1] + hi[1]) / 2)


def test_linear_map_error_over_rho_shrinks_like_rho(linmap):
    w = linmap
    ratio = w._err[1:] / w._err[:-1]
    step = w._r[1] / w._r[0]
    np.testing.assert_allclose(ratio, step, rtol=0.05)


def test_linear_map_arguments_and_slider():
    """A numpy F at a given point, radius, range and grid size; the
    radius slider is logarithmic over the range."""
    w = W.linear_map(lambda p: np.array([p[0] ** 2 - p[1] ** 2,
                                         2 * p[0] * p[1]]),
                     point=(1.0, 0.5), radius=0.2, radius_range=(0.02, 0.4),
                     lines=3, mode="static")
    assert w.params == {"radius": 0.2}
    p = w._spec["radius"]
    assert (p.lo, p.hi, p.log, p.fmt) == (0.02, 0.4, True, ".3g")
    assert p.label == "radius \u03c1"
    np.testing.assert_allclose(w.J, [[2, -1], [1, 2]], atol=1e-6)
    np.testing.assert_allclose(w.F0, [0.75, 1.0])
    assert w._U.shape == (2, 6, 41)
    assert len(w._img.get_segments()) == 6
    # exactly: (F(a + r u) - F(a))/r - J u = r (u1^2 - u2^2, 2 u1 u2)
    assert w.error == pytest.approx(0.2 * 2, rel=1e-6)
    s = W.linear_map([X ** 2 - Y ** 2, 2 * X * Y], mode="static")
    np.testing.assert_allclose(s.point, [1.0, 0.5])


def test_linear_map_a_map_to_the_line_is_refused_naming_F():
    with pytest.raises(ValueError, match=r"^F must be finite and "
                       r"differentiable at point = \(1\.0, 0\.5\): F must "
                       r"return an array of shape \(2,\), got shape \(\) "
                       r"at \(1, 0\.5\)$"):
        W.linear_map(lambda p: p[0] + p[1], mode="static")


@pytest.mark.parametrize("lines", [1, 22, True, 9.0])
def test_linear_map_lines_must_be_an_int_from_2_to_21(lines):
    with pytest.raises(ValueError, match=r"lines must be an int in "
                       r"\[2, 21\]"):
        W.linear_map(lines=lines, mode="static")


def test_linear_map_bad_range_and_point():
    for bad in ((0.0, 1.0), (-0.5, 1.0)):
        with pytest.raises(ValueError, match="radius_range must be "
                           "positive"):
            W.linear_map(radius_range=bad, mode="static")
    assert W.linear_map(lines=2, mode="static")._U.shape == (2, 4, 41)
    assert W.linear_map(lines=21, mode="static")._U.shape == (2, 42, 41)
    with pytest.raises(ValueError, match=r"F must be finite and "
                       r"differentiable at point = \(-1\.0, 0\.5\)"):
        W.linear_map([sp.sqrt(X), Y], point=(-1.0, 0.5), mode="static")


def test_linear_map_nowhere_finite_is_a_message():
    w = W.linear_map(lambda p: np.array([np.sqrt(1e-3 - (p[0] - 1) ** 2)
                                         + p[1], p[1]]),
                     point=(1.0, 0.0), radius=0.01,
                     radius_range=(0.01, 2.0), mode="static")
    assert w.message == ""
    w.update(radius=2.0)
    assert w.message == ""


def test_partial_3d_tangent_reaches_the_box_and_is_cut_there():
    """tanh(10 x): at x0 = 0 the tangent (slope 10) spans z in [-1, 1],
    the box of the surface, for |x| <= 0.1; at x0 = 0.05 it reaches
    z = -1 below and is cut at z = 1 above, still on the tangent."""
    w = W.partial_slice(sp.tanh(10 * X) + 0 * Y, x0=0.0, y0=0.0,
                        mode="static")
    assert w.zlim == (-1.0, 1.0) and w.slope == 10.0
    tx, _, tz = (np.asarray(a, dtype=float) for a in w._tan3.get_data_3d())
    np.testing.assert_allclose(tx, [-0.1, 0.1], atol=1e-12)
    np.testing.assert_allclose(tz, [-1.0, 1.0], atol=1e-12)
    w.update(x0=0.05)
    z0, s = np.tanh(0.5), 10 * (1 - np.tanh(0.5) ** 2)
    tx, _, tz = (np.asarray(a, dtype=float) for a in w._tan3.get_data_3d())
    np.testing.assert_allclose(tz, [-1.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(tx, [0.05 - (1 + z0) / s,
                                    0.05 + (1 - z0) / s], atol=1e-12)
    tt, zt = xy(w._tan)                  # the 2-D tangent is not cut
    np.testing.assert_allclose(tt, [0.05 - 1.32, 0.05 + 1.32])
    w.update(x0=-0.05)                   # the mirror image
    tx, _, tz = (np.asarray(a, dtype=float) for a in w._tan3.get_data_3d())
    np.testing.assert_allclose(tz, [-1.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(tx, [-0.05 - (1 - z0) / s,
                                    -0.05 + (1 + z0) / s], atol=1e-12)


@pytest.mark.parametrize("make", [
    lambda: W.partial_slice(lambda p: np.log(p[0]) * p[1], x0=-1.0,
                            mode="static"),
    lambda: W.directional_derivative(
        lambda p: np.log(p[0]) + p[1], x0=-1.0, mode="static"),
    lambda: W.linear_map(
        lambda p: np.array([np.sqrt(0.01 - (p[0] - 1) ** 2
                                    - (p[1] - 0.5) ** 2), p[1]]),
        point=(1.0, 0.5), lines=2, radius=0.5, mode="static"),
])
def test_a_first_frame_that_cannot_be_drawn_shows_no_numbers(make):
    """f undefined at the start (for the linear map: F has no finite
    value, both components, on the grid): a message, no stale numbers."""
    w = make()
    assert w.message
    if isinstance(w, W.LinearMap):
        assert w.message == ("F is not finite anywhere within radius 0.5 "
                             "of the point")
    values = [getattr(w, k, None) for k in ("slope", "value", "gradient",
                                           "error")]
    assert all(v is None for v in values), values


A, B = sp.symbols("a b")


@pytest.mark.parametrize("make, cls, defaults", [
    (W.partial_slice, W.PartialSlice, {"x0": 0.5, "y0": 0.5, "axis": "x"}),
    (W.directional_derivative, W.DirectionalDerivative,
     {"theta": 0.5, "x0": 1.0, "y0": -0.5}),
    (W.linear_map, W.LinearMap, {"radius": 0.5}),
])
def test_the_classes_and_their_functions_draw_the_same_defaults(
        make, cls, defaults):
    """The documented defaults, whether the widget is made by its function
    or by its class (both are public)."""
    a, b = make(mode="static"), cls(mode="static")
    assert a.params == b.params == pytest.approx(defaults)
    assert a.frames == b.frames == 24
    assert a.alt == b.alt


def test_variables_choose_the_order_of_a_sympy_f():
    """With variables=[b, a] the point is (b, a): f = a + 10 b has
    gradient (10, 1) in that order."""
    for make in (W.directional_derivative, W.DirectionalDerivative):
        w = make(A + 10 * B, variables=[B, A], theta=0.0, mode="static")
        np.testing.assert_allclose(w.gradient, [10.0, 1.0])
    for make in (W.partial_slice, W.PartialSlice):
        w = make(A + 10 * B, variables=[B, A], mode="static")
        assert w.slope == 10.0
    for make in (W.linear_map, W.LinearMap):
        w = make([A, 10 * B], variables=[B, A], mode="static")
        np.testing.assert_allclose(w.J, [[0, 1], [10, 0]])


@pytest.mark.parametrize("make", [W.partial_slice, W.directional_derivative,
                                  W.gradient_descent])
def test_windows_and_functions_without_values_are_refused(make):
    with pytest.raises(ValueError, match=r"^xlim must satisfy lo < hi"):
        make(xlim=(1, -1), mode="static")
    with pytest.raises(ValueError, match=r"^ylim must satisfy lo < hi"):
        make(ylim=(1, -1), mode="static")
    with pytest.raises(ValueError, match=r"^ylim must be a pair"):
        make(ylim=3, mode="static")
    with pytest.raises(ValueError, match=r"^f has no finite value on the "
                       r"plotting window"):
        make(lambda p: np.nan * p[0], mode="static")
