"""What the widgets draw, against the mathematics (issue 21): the
quadratic approximation (chapter 7) and gradient descent (chapters 3, 7).

Mutation testing showed the quadratic-approximation widget could draw T2
without its 1/2, and the gradient-descent widget could label a diverging
run "slow" (and a slow one "DIVERGES"), with every other test green. The
tests here read the curves and texts the reader sees and compare them
with the mathematics worked out independently (sympy, closed forms).

``drawn(w)`` is the one place that reads the figure: every line by its
legend label, and every text on the figure (titles and moving labels).
Widgets are built once per module (``update`` then sets every parameter
a test relies on): `make mutation` runs these files for each mutant of
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


def drawn(w):
    """({legend label: Line2D}, [every text drawn on the figure])."""
    lines, texts = {}, []
    fig = w._fig
    for ax in fig.axes:
        for line in ax.get_lines():
            label = line.get_label()
            if label and not label.startswith("_"):
                lines[label] = line
        texts += [t.get_text() for t in ax.texts]
        texts += [ax.get_title(loc=loc) for loc in ("left", "center",
                                                    "right")]
    texts += [t.get_text() for t in fig.texts]
    texts += [lab.text for lab in getattr(w, "_labels", [])]
    return lines, [t for t in texts if t]


def xy(line):
    return tuple(np.asarray(a, dtype=float) for a in line.get_data())


# ---------------------------------------------------------------- Taylor

X, Y = sp.symbols("x y")
F = X * sp.exp(-X ** 2 - Y ** 2)
P0 = (-1.0, 0.0)


# the chapter-7 widget as the book shows it (its default f and x0)
_taylor_once, taylor = shared_widget(
    "taylor", lambda: W.quadratic_approximation(mode="static"))


def taylor_along_line(phi, f=F, p0=P0):
    """(f0, g.u, u^T H u) of f at p0 along u = (cos phi, sin phi), by
    sympy: the coefficients of f(x0 + s u) = f0 + (g.u) s + uHu s^2/2."""
    s = sp.Symbol("s")
    u = (sp.cos(phi), sp.sin(phi))
    line = f.subs({X: p0[0] + s * u[0], Y: p0[1] + s * u[1]})
    d0 = float(line.subs(s, 0))
    d1 = float(sp.diff(line, s).subs(s, 0))
    d2 = float(sp.diff(line, s, 2).subs(s, 0))
    return d0, d1, d2


def sympy_T(order, xs, ys, f=F, p0=P0):
    """The Taylor polynomial T1 or T2 of f at p0, by sympy, on points."""
    dx, dy = X - p0[0], Y - p0[1]
    at = {X: p0[0], Y: p0[1]}
    g = [sp.diff(f, v).subs(at) for v in (X, Y)]
    T = f.subs(at) + g[0] * dx + g[1] * dy
    if order == 2:
        H = sp.hessian(f, (X, Y)).subs(at)
        T += sp.Rational(1, 2) * (H[0, 0] * dx ** 2 + 2 * H[0, 1] * dx * dy
                                  + H[1, 1] * dy ** 2)
    return sp.lambdify((X, Y), T)(xs, ys) + 0 * xs


@pytest.mark.parametrize("phi", [0.0, 0.6, 2.0])
def test_the_drawn_T2_is_the_taylor_polynomial_with_its_one_half(taylor,
                                                                 phi):
    """The T2 curve is f0 + (g.u) s + (1/2) uHu s^2: fit a quadratic to
    the drawn points and compare each coefficient with sympy's."""
    taylor.update(phi=phi, s=0.5, order=2)
    d0, d1, d2 = taylor_along_line(phi)
    lines, _ = drawn(taylor)
    s, t2 = xy(lines["T2"])
    c2, c1, c0 = np.polyfit(s, t2, 2)
    assert c0 == pytest.approx(d0, abs=1e-10)
    assert c1 == pytest.approx(d1, abs=1e-9)
    assert c2 == pytest.approx(d2 / 2, abs=1e-8)       # the 1/2
    s, t1 = xy(lines["T1"])
    b1, b0 = np.polyfit(s, t1, 1)
    assert (b0, b1) == (pytest.approx(d0, abs=1e-10),
                        pytest.approx(d1, abs=1e-9))


def test_the_drawn_f_is_f_along_the_line(taylor):
    """The default f is x exp(-x^2 - y^2), drawn along x0 + s u for s in
    [-r, r] on an even grid through s = 0 (where f = T1 = T2 = f(x0))."""
    phi = 0.6
    taylor.update(phi=phi, s=0.5, order=2)
    lines, _ = drawn(taylor)
    s, fs = xy(lines["f"])
    fn = sp.lambdify((X, Y), F)
    expect = fn(P0[0] + s * np.cos(phi), P0[1] + s * np.sin(phi))
    np.testing.assert_allclose(fs, expect, rtol=1e-12, atol=1e-14)
    assert s[0] == -1.0 and s[-1] == 1.0 and 0.0 in s
    np.testing.assert_allclose(np.diff(s), 0.01, rtol=1e-9)
    i = int(np.flatnonzero(s == 0.0)[0])
    assert xy(lines["T1"])[1][i] == xy(lines["T2"])[1][i] == fs[i]


@pytest.mark.parametrize("order", [1, 2])
def test_the_marked_approximation_and_its_error_are_T_order(taylor, order):
    """The value shown for T1 or T2 at x0 + s u, its error |f - T|, the
    markers at s on the middle and right panels, the titles and the alt
    text that print them."""
    phi, s = 0.6, 0.4
    taylor.update(phi=phi, s=s, order=order)
    d0, d1, d2 = taylor_along_line(phi)
    t = d0 + d1 * s + (d2 / 2 * s * s if order == 2 else 0.0)
    fx = float(F.subs({X: P0[0] + s * np.cos(phi),
                       Y: P0[1] + s * np.sin(phi)}))
    assert taylor.approximation == pytest.approx(t, abs=1e-10)
    assert taylor.value == pytest.approx(fx, abs=1e-12)
    assert taylor.error == pytest.approx(abs(fx - t), abs=1e-10)
    _, texts = drawn(taylor)
    assert any(f"T{order} = {t:.4f}" in x and f"f = {fx:.4f}" in x
               for x in texts), texts
    assert any(f"|f \u2212 T{order}| = {abs(fx - t):.2e}" in x
               for x in texts), texts
    assert xy(taylor._m) == (pytest.approx([s]), pytest.approx([fx]))
    assert xy(taylor._mt) == (pytest.approx([s]), pytest.approx([t]))
    assert xy(taylor._em) == (pytest.approx([s]),
                              pytest.approx([abs(fx - t)]))
    lines, _ = drawn(taylor)
    # the error marker has the colour of its curve
    assert taylor._em.get_color() == \
        lines[f"|f \u2212 T{order}|"].get_color()
    assert taylor.alt == (
        f"At distance s = {s:.2f} from x0 = (-1.00, 0.00) along the "
        f"direction phi = {phi:.2f}: f = {fx:.4f}, T{order} = {t:.4f}, "
        f"error {abs(fx - t):.2e}")


def test_the_drawn_errors_are_f_minus_each_polynomial(taylor):
    """|f - T1| and |f - T2| on the log axis; where the error is exactly
    0 (at s = 0) it is not drawn (nan), rather than clipped to the
    bottom of the axis as a spike."""
    taylor.update(phi=0.6, s=0.5, order=2)
    lines, _ = drawn(taylor)
    s, fs = xy(lines["f"])
    for k in (1, 2):
        _, tk = xy(lines[f"T{k}"])
        _, ek = xy(lines[f"|f \u2212 T{k}|"])
        want = np.abs(fs - tk)
        ok = want > 0
        np.testing.assert_allclose(ek[ok], want[ok], rtol=1e-12)
        assert np.isnan(ek[s == 0.0]).all()
        assert ok.sum() >= len(s) - 2


def test_the_line_and_the_point_on_the_contour_map(taylor):
    """Left panel: the dashed line x0 + s u for |s| <= r and the point
    x0 + s u; the map is centred on x0 and shows the whole line."""
    phi, s = 2.0, -0.3
    taylor.update(phi=phi, s=s, order=2)
    u = np.array([np.cos(phi), np.sin(phi)])
    lx, ly = xy(taylor._line)
    np.testing.assert_allclose(lx, [P0[0] - u[0], P0[0] + u[0]])
    np.testing.assert_allclose(ly, [P0[1] - u[1], P0[1] + u[1]])
    px, py = xy(taylor._pt)
    np.testing.assert_allclose([px[0], py[0]],
                               [P0[0] + s * u[0], P0[1] + s * u[1]])
    xs, ys = taylor._X, taylor._Y
    assert xs.min() + xs.max() == pytest.approx(2 * P0[0])
    assert ys.min() + ys.max() == pytest.approx(2 * P0[1])
    assert 1.0 < xs.max() - P0[0] < 2.0           # radius 1, not far out


@pytest.mark.parametrize("order", [1, 2])
def test_the_dotted_contours_are_those_of_T_order(taylor, order):
    """The dotted contours on the map are level sets of T1 or T2 (sympy),
    at the levels of the solid contours of f, and there is one set of
    them whatever the order toggle did before."""
    taylor.update(order=3 - order, s=0.2, phi=0.6)
    taylor.update(order=order)
    assert taylor.message == ""
    ax = taylor._ax0
    sets = [c for c in ax.collections if hasattr(c, "allsegs")]
    assert len(sets) == 2
    f_set, t_set = sets
    assert t_set is taylor._tcont
    np.testing.assert_allclose(t_set.levels, f_set.levels)
    checked = 0
    for level, segs in zip(t_set.levels, t_set.allsegs):
        for seg in segs:
            val = sympy_T(order, seg[:, 0], seg[:, 1])
            np.testing.assert_allclose(val, level, atol=2e-3)
            checked += len(seg)
    assert checked > 100
    assert ax.get_title(loc="left") == \
        f"contours of f (solid), T{order} (dotted)"


def test_the_chosen_order_is_drawn_bold_and_the_other_faded(taylor):
    for k in (1, 2):
        taylor.update(order=k)
        lines, _ = drawn(taylor)
        on, off = lines[f"T{k}"], lines[f"T{3 - k}"]
        assert (on.get_linewidth(), on.get_alpha()) == (2.2, 1.0)
        assert (off.get_linewidth(), off.get_alpha()) == (1.0, 0.45)
        assert lines[f"|f \u2212 T{k}|"].get_linewidth() == 2.0
        assert lines[f"|f \u2212 T{3 - k}|"].get_linewidth() == 1.0


def test_taylor_axes_fit_f_and_the_line(taylor):
    """The middle panel shows s in [-r, r] and f over the whole map with
    15% margins; the sliders: s in [-r, r] by r/100, phi in [0, pi]."""
    lo, hi = np.nanmin(taylor._Z), np.nanmax(taylor._Z)
    assert taylor.zlim == pytest.approx((lo - 0.15 * (hi - lo),
                                         hi + 0.15 * (hi - lo)))
    s, phi, order = (taylor._spec[k] for k in ("s", "phi", "order"))
    assert (s.lo, s.hi, s.step) == (-1.0, 1.0, 0.01)
    assert (phi.lo, phi.hi) == (0.0, pytest.approx(np.pi))
    assert phi.step == pytest.approx(np.pi / 180)
    assert s.label == "s (distance from x\u2080)"
    assert phi.label == "\u03c6 (direction of the line)"
    assert order.label == "order"
    assert order.options == (("T1 (linear)", 1), ("T2 (quadratic)", 2))


def test_taylor_of_another_function_radius_and_point():
    """A numpy f, another point, radius and direction: the curves follow
    the arguments; T2 of a quadratic is the quadratic itself."""
    q = X ** 2 + 3 * X * Y - Y ** 2
    w = W.quadratic_approximation(lambda p: p[0] ** 2 + 3 * p[0] * p[1]
                                  - p[1] ** 2, point=(0.5, 1.0), s=0.25, phi=1.0,
                                  order=1, radius=0.5, mode="static")
    assert w.params == {"s": 0.25, "phi": 1.0, "order": 1}
    assert (w._spec["s"].lo, w._spec["s"].hi) == (-0.5, 0.5)
    np.testing.assert_allclose(w.g, [2 * 0.5 + 3, 3 * 0.5 - 2],
                               rtol=1e-6)
    np.testing.assert_allclose(w.H, [[2, 3], [3, -2]], atol=1e-4)
    lines, _ = drawn(w)
    s, fs = xy(lines["f"])
    assert (s[0], s[-1]) == (-0.5, 0.5)
    np.testing.assert_allclose(xy(lines["T2"])[1], fs, atol=1e-6)
    d0, d1, _ = taylor_along_line(1.0, q, (0.5, 1.0))
    assert w.approximation == pytest.approx(d0 + d1 * 0.25, rel=1e-6)


@pytest.mark.parametrize("radius", [0, -1.0, np.inf, np.nan])
def test_taylor_radius_must_be_positive(radius):
    with pytest.raises(ValueError, match="radius must be a positive number"):
        W.quadratic_approximation(radius=radius, mode="static")


def test_taylor_a_point_where_f_is_undefined_or_not_differentiable():
    with pytest.raises(ValueError, match=r"f is not finite at point = "
                       r"\(-1\.0, 0\.0\)"):
        W.quadratic_approximation(sp.log(X) + Y, mode="static")
    with pytest.raises(ValueError, match=r"f cannot be differentiated at "
                       r"point = \(0\.0, 1\.0\)"):
        W.quadratic_approximation(sp.sqrt(X) + Y, point=(0.0, 1.0),
                                  mode="static")


# -------------------------------------------------------- gradient descent

# the default: f = x^2/2 + 5 y^2 from (-1.8, 0.8), 30 steps
_descent_once, descent = shared_widget(
    "descent", lambda: W.gradient_descent(mode="static"))


def _verdict_text(w):
    _, texts = drawn(w)
    found = [t for t in texts if t.startswith("\u03b7 = ")]
    assert len(found) == 1, texts
    return found[0]


def _verdict_color(w):
    return [lab.color for lab in w._labels
            if lab.text == _verdict_text(w)][0]


def test_descent_labels_a_diverging_run_diverges_and_a_slow_one_slow(
        descent):
    """f = x^2/2 + 5 y^2 from (-1.8, 0.8): eta = 0.25 > 2/10 diverges and
    is labelled DIVERGES (never slow); eta = 0.01 crawls and is labelled
    slow (never DIVERGES); eta = 0.1 converges. Each in its own colour."""
    w = descent
    w.update(x0=-1.8, y0=0.8)
    seen = {}
    for eta, status, word in ((0.25, "diverges", "DIVERGES"),
                              (0.01, "is still far from the minimum",
                               "slow"),
                              (0.1, "converges", "converges")):
        w.update(step=eta)
        text = _verdict_text(w)
        assert w.status == status
        assert word in text, text
        others = {"DIVERGES", "slow", "converges"} - {word}
        assert not any(o in text for o in others), text
        assert status in w.alt
        seen[word] = _verdict_color(w)
    assert len(set(seen.values())) == 3, seen


def test_descent_verdict_texts_say_the_numbers(descent):
    """The title: the step size, the final gradient norm and the number
    of steps; the alt text: the start, the verdict and the last iterate."""
    w = descent
    w.update(step=0.1, x0=-1.8, y0=0.8)
    n = w.path[-1]
    g = np.hypot(n[0], 10 * n[1])
    assert _verdict_text(w) == (f"\u03b7 = 0.100: converges (\u2016\u2207f"
                                f"\u2016 = {g:.1e} after 30 steps)")
    assert w.alt == ("Gradient descent with step size 0.100 from (-1.80, "
                     f"0.80): converges; after 30 steps the iterate is "
                     f"({n[0]:.3g}, {n[1]:.3g}) and the gradient norm "
                     f"{g:.2g}")
    w.update(step=0.01)
    n = w.path[-1]
    g = np.hypot(n[0], 10 * n[1])
    assert _verdict_text(w) == (f"\u03b7 = 0.010: slow (\u2016\u2207f"
                                f"\u2016 = {g:.2g} after 30 steps)")
    w.update(step=0.25)
    assert _verdict_text(w) == ("\u03b7 = 0.250: DIVERGES, the iterates "
                                f"blow up ({len(w.path) - 1} steps shown)")


def test_descent_iterates_are_x_minus_eta_grad_f(descent):
    """For f = x^2/2 + 5 y^2: x_k = (1 - eta)^k x0, y_k = (1 - 10 eta)^k
    y0, drawn as the path from the marked start, and the drawn gradient
    norms |grad f(x_k)| against k."""
    eta, x0, y0 = 0.05, -1.8, 0.8
    w = descent
    w.update(step=eta, x0=x0, y0=y0)
    k = np.arange(w.steps + 1)
    want = np.column_stack([(1 - eta) ** k * x0,
                            (1 - 10 * eta) ** k * y0])
    np.testing.assert_allclose(w.path, want, atol=1e-9)
    assert w.status == "converges"
    px, py = xy(w._path)
    np.testing.assert_allclose(px, want[:, 0], atol=1e-9)
    np.testing.assert_allclose(py, want[:, 1], atol=1e-9)
    assert xy(w._first) == ([x0], [y0])
    ks, norms = xy(w._gn)
    np.testing.assert_array_equal(ks, k)
    g = np.hypot(want[:, 0], 10 * want[:, 1])
    np.testing.assert_allclose(norms, g, rtol=1e-6)


def test_descent_from_another_start(descent):
    """Two starts with the same y0: two different runs (nothing is
    reused from the other start)."""
    w = descent
    w.update(step=0.05, x0=1.0, y0=0.5)
    a = w.path.copy()
    w.update(x0=-1.0)
    b = w.path.copy()
    np.testing.assert_allclose(a[:, 0], -b[:, 0])
    np.testing.assert_allclose(a[:, 1], b[:, 1])
    assert a[0].tolist() == [1.0, 0.5]


def test_descent_diverges_exactly_past_two_over_the_curvature(descent):
    """The printed threshold 2/lambda_max = 0.2 for f = x^2/2 + 5 y^2, and
    the verdict on either side of it."""
    w = descent
    w.update(x0=-1.8, y0=0.8, step=0.1)
    assert w._note.text == (
        "quadratic f: steps diverge when \u03b7 > 2/\u03bb\u2098\u2090\u2093"
        " = 0.2 (\u03bb\u2098\u2090\u2093: largest Hessian eigenvalue at "
        "the start)")
    w.update(step=0.19)
    assert w.status == "converges"
    w.update(step=0.205)
    assert w.status == "diverges"


def test_descent_a_diverging_run_stops_when_it_leaves_the_far_box(descent):
    """eta = 0.25: y_k = 0.8 (-1.5)^k leaves the box of three window
    sizes around the window (|y| <= 1.2 + 3 * 4) at k = 7: the run stops
    there, drawn clipped to that box (no gradient norm is drawn for the
    point outside)."""
    w = descent
    w.update(step=0.25, x0=-1.8, y0=0.8)
    assert w.status == "diverges" and len(w.path) == 8
    assert abs(w.path[-1, 1]) > 13.2 >= abs(w.path[-2, 1])
    px, py = xy(w._path)
    assert py[-1] == -13.2 and py[-2] == pytest.approx(w.path[-2, 1])
    lo, hi = w._ax1.get_ylim()
    ks, norms = xy(w._gn)
    assert len(ks) == 7 and np.all((norms > lo) & (norms < hi))


def test_descent_norm_axis_spans_the_gradient_scale(descent):
    """The gradient-norm axis: log, from 1e-7 to 1e3 times the largest
    |grad f| on the window (about |(2, 12)|), steps 0..30."""
    ax = descent._ax1
    lo, hi = ax.get_ylim()
    gmax = np.hypot(2, 12)
    assert lo / 1e-7 == pytest.approx(gmax, rel=0.03)
    assert hi / 1e3 == pytest.approx(gmax, rel=0.03)
    assert ax.get_xlim() == (0, 30)


def test_descent_a_run_that_grows_inside_the_box_diverges():
    """20 steps of eta = 0.21: |y_k| = 0.8 * 1.1^k grows but stays in the
    box and below 1e4 times the first gradient: still 'diverges', all 20
    steps drawn."""
    w = W.gradient_descent(step=0.21, steps=20, mode="static")
    assert w.status == "diverges" and len(w.path) == 21
    assert "DIVERGES" in _verdict_text(w)


def test_descent_a_gradient_grown_ten_thousandfold_diverges():
    """One step multiplying the gradient by 10000.5 (> 1e4) ends the run
    as diverging, even inside the box."""
    w = W.gradient_descent(step=1000.15, start=(0.0, 1e-3),
                           step_range=(1.0, 2000.0), mode="static")
    assert w.status == "diverges" and len(w.path) == 2
    assert abs(w.path[1, 1]) == pytest.approx(10.0005, rel=1e-9)


@pytest.mark.parametrize("eta, status", [(0.094, "slow"),
                                         (0.096, "converges")])
def test_descent_converges_when_the_gradient_shrinks_twenty_fold(
        eta, status):
    """From (1, 0) on f = x^2/2 + 5 y^2 the norm after 30 steps is
    (1 - eta)^30: converged when that is <= 0.05, i.e. eta >= 0.0950."""
    w = W.gradient_descent(step=eta, start=(1.0, 0.0), mode="static")
    assert (0.05 < (1 - eta) ** 30) == (status == "slow")
    assert w.status == ("converges" if status == "converges"
                        else "is still far from the minimum")


def test_descent_a_slow_run_near_the_minimum_is_slow():
    """Started at (0.001, 0) with eta = 0.01 the gradient shrinks only to
    0.74 of its (tiny) first value: slow, not converged."""
    w = W.gradient_descent(step=0.01, start=(1e-3, 0.0), mode="static")
    assert w.status == "is still far from the minimum"


def test_descent_a_run_leaving_the_domain_of_f_says_so():
    """sqrt(x) + y^2 from (1, 0.5) with eta = 3: x_1 = -0.5, where f is
    undefined: the run stops, labelled as leaving the domain (red)."""
    w = W.gradient_descent(lambda p: np.sqrt(p[0]) + p[1] ** 2,
                           start=(1.0, 0.5), step=3.0,
                           step_range=(0.1, 4.0), mode="static")
    assert w.message == ""
    assert w.status == "leaves the domain of f" and len(w.path) == 2
    assert w.path[1] == pytest.approx([-0.5, -2.5], abs=1e-6)
    assert _verdict_text(w) == ("\u03b7 = 3.000: leaves the domain of f "
                                "(after 1 steps)")
    d = W.gradient_descent(step=0.25, mode="static")
    assert _verdict_color(w) == _verdict_color(d)


def test_descent_step_range_default_from_the_curvature():
    """The eta slider reaches about 2.5/lambda_max: for x^2 + y^2
    (lambda = 2) up to 2 (a round number), from 2/25; with a step of
    1/500 of the range. The default f keeps (0.01, 0.25); a given range
    wins."""
    w = W.gradient_descent(lambda p: p[0] ** 2 + p[1] ** 2, mode="static")
    p = w._spec["step"]
    assert w.curvature == pytest.approx(2.0, rel=1e-6)
    assert (p.lo, p.hi) == (pytest.approx(0.08), 2.0)
    assert p.step == pytest.approx((2.0 - 0.08) / 500)
    assert p.label == "step size \u03b7" and p.fmt == ".3f"
    d = W.gradient_descent(mode="static")._spec["step"]
    assert (d.lo, d.hi) == (0.01, 0.25)
    g = W.gradient_descent(step_range=(0.05, 0.5), mode="static")
    assert (g._spec["step"].lo, g._spec["step"].hi) == (0.05, 0.5)
    x0, y0 = g._spec["x0"], g._spec["y0"]
    assert (x0.label, y0.label) == ("start x\u2080", "start y\u2080")
    assert (x0.lo, x0.hi, x0.step) == (-2.0, 2.0, 0.02)
    assert (y0.lo, y0.hi, y0.step) == (-1.2, 1.2, pytest.approx(0.012))


def test_descent_curvature_of_a_concave_or_flat_function():
    """lambda_max is the largest |eigenvalue|: 6 for -x^2 - 3y^2; a plane
    has none (no threshold printed, eta up to 0.5)."""
    w = W.gradient_descent(-X ** 2 - 3 * Y ** 2, step=0.1, mode="static")
    assert w.curvature == pytest.approx(6.0)
    assert "2/\u03bb\u2098\u2090\u2093 = 0.333 " in w._note.text
    p = W.gradient_descent(X + Y, step=0.1, mode="static")
    assert p.curvature is None and p._note.text == ""
    assert (p._spec["step"].lo, p._spec["step"].hi) == (0.02, 0.5)


def test_descent_threshold_follows_the_start_of_a_non_quadratic_f():
    """x^4/4 + y^2: the Hessian at the start is diag(3 x0^2, 2)."""
    w = W.gradient_descent(X ** 4 / 4 + Y ** 2, start=(-1.8, 0.8),
                           step_range=(0.01, 0.8), mode="static")
    assert w.curvature == pytest.approx(3 * 1.8 ** 2)
    w.update(x0=0.5)
    assert w.curvature == pytest.approx(2.0)
    assert "= 1 (" in w._note.text
    w.update(x0=-1.8)
    assert w.curvature == pytest.approx(3 * 1.8 ** 2)


@pytest.mark.parametrize("steps", [0, 501, True, 2.0])
def test_descent_steps_must_be_an_int_from_1_to_500(steps):
    with pytest.raises(ValueError, match=r"steps must be an int in "
                       r"\[1, 500\]"):
        W.gradient_descent(steps=steps, mode="static")


def test_descent_step_range_must_be_positive():
    for bad in ((0.0, 1.0), (-1.0, 1.0)):
        with pytest.raises(ValueError, match="step_range must be positive"):
            W.gradient_descent(step_range=bad, mode="static")
    w = W.gradient_descent(steps=1, start=(1.0, 0.5), step=0.05,
                           mode="static")
    assert w.params == {"step": 0.05, "x0": 1.0, "y0": 0.5}
    assert len(w.path) == 2 and w.steps == 1


def test_a_first_frame_that_cannot_be_drawn_shows_no_numbers():
    """The point x0 + s u outside the domain of f (Taylor), a start where
    f has no gradient (descent): a message, and no stale numbers."""
    w = W.quadratic_approximation(sp.log(0.5 - X) + Y, point=(0.0, 0.0),
                                  s=0.9, phi=0.0, mode="static")
    assert "not finite" in w.message
    assert (w.value, w.approximation, w.error) == (None, None, None)
    d = W.gradient_descent(lambda p: np.sqrt(p[0]) + p[1] ** 2,
                           start=(-1.0, 0.5), step_range=(0.01, 1.0),
                           mode="static")
    assert d.message and (d.path, d.status) == (None, None)


def test_the_classes_and_their_functions_draw_the_same_defaults():
    """quadratic_approximation and gradient_descent, or their classes
    (both public): the same documented defaults."""
    for make, cls, defaults in (
            (W.quadratic_approximation, W.QuadraticApproximation,
             {"s": 0.5, "phi": 0.6, "order": 2}),
            (W.gradient_descent, W.GradientDescent,
             {"step": 0.1, "x0": -1.8, "y0": 0.8})):
        a, b = make(mode="static"), cls(mode="static")
        assert a.params == b.params == pytest.approx(defaults)
        assert a.frames == b.frames == 24
        assert a.alt == b.alt
    g = W.GradientDescent(mode="static")
    assert (g.steps, g.xlim, g.ylim) == (30, (-2.0, 2.0), (-1.2, 1.2))
    q = W.QuadraticApproximation(mode="static")
    assert q.radius == 1.0 and q.point.tolist() == [-1.0, 0.0]


def test_variables_choose_the_order_of_a_sympy_f_taylor_and_descent():
    a, b = sp.symbols("a b")
    for make in (W.quadratic_approximation, W.QuadraticApproximation):
        w = make(a + 10 * b ** 2, variables=[b, a], point=(1.0, 0.0),
                 mode="static")
        np.testing.assert_allclose(w.g, [20.0, 1.0])
    for make in (W.gradient_descent, W.GradientDescent):
        # the point is (b, a) = (1, 0.5): grad f = (20 b, 2 a) = (20, 1)
        w = make(a ** 2 + 10 * b ** 2, variables=[b, a], start=(1.0, 0.5),
                 step=0.01, mode="static")
        np.testing.assert_allclose(w.path[1], [1.0 - 0.2, 0.5 - 0.01])


def test_descent_a_gradient_grown_exactly_ten_thousandfold_goes_on():
    """The norm rule stops a run when the gradient grew by more than 1e4:
    x^2/2 from x0 = 2^-10 with eta = 10001 gives x1 = -10^4 x0 exactly
    (all in binary fractions), so the run goes on; x2 leaves the box."""
    w = W.gradient_descent(X ** 2 / 2 + 0 * Y, start=(2.0 ** -10, 0.0),
                           step=10001.0, step_range=(1.0, 20000.0),
                           mode="static")
    assert w.path[1, 0] == -1e4 * 2.0 ** -10
    assert w.status == "diverges" and len(w.path) == 3


def test_descent_far_box_is_three_window_sizes_beyond_the_window():
    """Window x in [-1, 1], y in [1, 4] (size 3): the box reaches down to
    y = 1 - 9 = -8; from (0, 2) with eta = 0.25, y_k = 2 (-1.5)^k leaves
    it at k = 5 and the last point is drawn clipped to its edge."""
    w = W.gradient_descent(start=(0.0, 2.0), step=0.25, xlim=(-1, 1),
                           ylim=(1, 4), mode="static")
    assert w.status == "diverges" and len(w.path) == 6
    assert w.path[-1, 1] == pytest.approx(2 * (-1.5) ** 5)
    assert xy(w._path)[1][-1] == -8.0
