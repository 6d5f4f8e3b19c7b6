"""mathlib.numeric at the edges of what it promises (issue 21): the
messages for an f that is never finite on one side of x, which name the
smallest step actually tried; the kink message for a matrix-valued f;
numpy's reductions with out= on the complexified path.

Written against the whole population of mutmut's mutants of numeric.py
(not one sample): each test names the behaviour it protects.
"""
import numpy as np
import pytest

from mathlib.numeric import (derivative, directional_derivative, gradient,
                             hessian, jacobian)


def _recorded(f):
    points = []

    def g(x):
        points.append(np.array(x, dtype=float))
        return f(x)
    return g, points


# ------------------------------- f never finite on one side of x: messages

@pytest.mark.parametrize("method", ["richardson", "auto"])
@pytest.mark.parametrize("side", ["+", "-"])
def test_never_finite_on_one_side_names_the_smallest_step_tried(method,
                                                                side):
    """f is nan on one side of x[0] at every step: the message names that
    side and the smallest step at which f was evaluated there ("at x +
    h*e[0] and at every larger step"), not a step never tried."""
    def f(x):
        outside = x[0] > 0.5 if side == "+" else x[0] < 0.5
        return np.nan if outside else x[0] ** 2 + x[1] ** 2
    g, points = _recorded(f)
    x = np.array([0.5, 0.3])
    with pytest.raises(ValueError) as e:
        gradient(g, x, method=method)
    tried = [abs(p[0] - 0.5) for p in points
             if (p[0] > 0.5 if side == "+" else p[0] < 0.5)]
    assert str(e.value) == (
        f"f returned nan at x {side} {min(tried):.3g}*e[0] and at every "
        "larger step in that direction; f must be finite on both sides "
        "of x")


def test_a_hessian_never_finite_off_x_names_the_smallest_step_tried():
    """The real Hessian tables (method="richardson") divide their step d
    while f is not finite at x +- d*u; when it never is, the message's d
    is the smallest step at which f was evaluated."""
    x = np.array([0.5, 0.3])
    g, points = _recorded(lambda z: np.sum(z ** 2) if np.array_equal(z, x)
                          else np.inf)
    with pytest.raises(ValueError) as e:
        hessian(g, x, method="richardson")
    smallest = min(np.max(np.abs(p - x)) for p in points
                   if not np.array_equal(p, x))
    assert str(e.value) == (f"f is not finite at points x + d*u for any "
                            f"d >= {smallest:.3g} (u = e[j] + e[k], "
                            "scaled)")


# --------------------------------------------- kinks of matrix-valued f

def test_a_kink_in_a_matrix_valued_f_names_the_output_by_row_and_column():
    """jacobian of f with 2 x 2 values, |x[1]| in entry [0, 1]: the
    message names that entry as numpy indexes it."""
    def f(x):
        return np.array([[x[0], np.abs(x[1])], [1.0, x[0] * x[1]]])
    with pytest.raises(ValueError) as e:
        jacobian(f, np.array([0.5, 0.0]))
    assert str(e.value) == ("f has a kink at x[1] = 0.0 (output [0, 1]): "
                            "left slope -1, right slope 1; the derivative "
                            "does not exist there")


# ------------------------- numpy reductions with out= on complexified points


def _exact_at_complex_step_cost(f, keep=1):
    """f is keep * sum |x_i|^3 at a 4-vector: its gradient is exact for
    the cost of the complex step (f(x), the plain complex points that lose
    abs's part, the complexified ones, the screen's 4)."""
    x = np.array([0.8, -0.6, 1.2, -0.4])
    calls = []
    G = gradient(lambda z: calls.append(1) or f(z), x)
    right = 3 * np.abs(x) * x * np.asarray(keep)
    assert np.max(np.abs(G - right)) <= 1e-15 * np.max(np.abs(right))
    assert len(calls) <= 1 + 4 + 4 + 4

def test_np_sum_of_a_list_into_out_keeps_the_complex_step():
    """np.sum of a list of complexified scalars into an out= array made
    from x (so that numpy dispatches it to the complexified rules): the
    sum lands in out, and the gradient of sum |x|^3 is exact for the
    cost of the complex step (f(x), the plain complex points that lose
    abs's part, the complexified ones, the screen's 4)."""
    def f(x):
        out = np.zeros_like(x[0])
        np.sum([np.abs(x[i]) ** 3 for i in range(len(x))], out=out)
        return out
    _exact_at_complex_step_cost(f)


# ------------------------------- the real path's steps are powers of two

_EDGE = {
    # f, x: smooth f, some next to the edge of their domain (the first
    # steps are divided until f is finite), some at large |x_i|
    "log near 0": (lambda x: np.log(x[0]) * x[1] + x[1] ** 3,
                   np.array([1e-3, 0.7])),
    "sqrt near 0": (lambda x: np.sqrt(x[0]) + np.sqrt(x[1]) * x[2],
                    np.array([2e-5, 0.3, -1.5])),
    "pole": (lambda x: 1 / (x[0] - 1) + x[1] ** 2,
             np.array([1.01, 3.0])),
    "large x": (lambda x: np.sin(x[0] / 1e3) * x[1] + x[0] * x[2],
                np.array([1234.5, -0.25, 77.0])),
}


def _dyadic_step(x, p):
    """Is p = x + h (in floating point) for h = +-2^k or +-3 * 2^k (the
    stencil's D(3h)) in each component where p differs from x?"""
    for xi, pi in zip(x[p != x], p[p != x]):
        delta = pi - xi
        if not any(xi + np.sign(delta) * c * 2.0 ** k == pi for c in (1, 3)
                   for k in np.round(np.log2(abs(delta) / c)) + [-1, 0, 1]):
            return False
    return True


@pytest.mark.parametrize("name", _EDGE)
@pytest.mark.parametrize("what", ["gradient", "hessian"])
def test_the_real_path_steps_by_powers_of_two(name, what):
    """The module docstring: "Steps are powers of two scaled by max(1,
    |x_i|), so that x + h is exact": every point at which the real path
    (method="richardson") evaluates f differs from x by a power of two
    (or 3 times one: the eighth-order stencil's D(3h)) in each component
    it moves, including the steps divided until f is finite next to the
    edge of its domain. And the answer is right."""
    f, x = _EDGE[name]
    g, points = _recorded(f)
    call = gradient if what == "gradient" else hessian
    got = call(g, x, method="richardson")
    right = call(f, x)                    # the complex step: ~1e-14
    assert np.max(np.abs(got - right)) <= 1e-9 * np.max(np.abs(right))
    for p in points:
        assert _dyadic_step(x, p), p - x


@pytest.mark.parametrize("c", [1.0, -1.0])
def test_a_component_at_the_edge_of_the_domain_leaves_the_others_alone(c):
    """Only the steps along x[0], next to log's domain edge (on the left
    of x, or on the right), are divided until f is finite: the points
    along x[1] are those taken where x[0] is far from the edge (each
    direction starts on its own)."""
    def f(x):
        return np.log(c * x[0]) + np.exp(10 * x[1])  # both on Ridders' path

    def steps(x, j):
        g, points = _recorded(f)
        gradient(g, x, method="richardson")
        return sorted((p - x)[j] for p in points
                      if np.count_nonzero(p != x) == 1 and p[j] != x[j])
    near, far = np.array([c * 1e-3, 0.3]), np.array([c * 0.5, 0.3])
    assert steps(near, 1) == steps(far, 1)
    assert steps(near, 0) != steps(far, 0)


# --------------------------------------------- kinks on top of a large f

_KINKS = {"abs": (np.abs, -1.0, 1.0),
          "relu": (lambda t: np.maximum(t, 0.0), 0.0, 1.0)}


@pytest.mark.parametrize("method", ["auto", "richardson"])
@pytest.mark.parametrize("kink", _KINKS)
@pytest.mark.parametrize("c, a", [(0.0, 1.0), (1e3, 1.0), (1e3, 1e-3),
                                  (1e5, 1.0), (-1e3, 1e-2)])
def test_a_kink_on_top_of_a_large_constant_is_refused(method, kink, c, a):
    """c + a*kink(x[0] - 0.25) + 2 x[1] at x[0] = 0.25: the slopes jump
    by a, which changes f by a*h at a step h, far above f's rounding
    (|c| * eps) at the steps the real path takes; the kink is refused
    with both slopes, whatever c. (The shrinking steps that tell a kink
    at x from one near x must not take f's rounding, which hides the
    kink at tiny steps, for the kink being gone: 1e3 + abs(x) at 0 gave
    the derivative 0.)"""
    g, left, right = _KINKS[kink]

    def f(x):
        return c + a * g(x[0] - 0.25) + 2 * x[1]
    with pytest.raises(ValueError) as e:
        gradient(f, np.array([0.25, 0.3]), method=method)
    assert str(e.value) == (
        f"f has a kink at x[0] = 0.25: left slope {a * left:.6g}, right "
        f"slope {a * right:.6g}; the derivative does not exist there")
    with pytest.raises(ValueError, match="f has a kink at x = 0.25"):
        derivative(lambda t: c + a * g(t - 0.25), 0.25, method=method)


@pytest.mark.parametrize("c", [1e-9, 1.0, 1e9, 1e15])
def test_the_complex_step_of_a_large_f_is_accepted_at_once(c):
    """c * f for tiny and huge c, complex-safe: the screen accepts the
    complex step at its first step t (its rounding bound scales with
    |f|), so the gradient is exact for the documented cost, f(x), one
    complex evaluation per direction and the screen's 4."""
    def f(x):
        return c * (np.exp(x[0]) * np.sin(x[1]) + x[0] ** 3 * x[1])
    x = np.array([0.7, -0.4])
    calls = []
    G = gradient(lambda z: calls.append(1) or f(z), x)
    a, b = np.exp(0.7) * np.sin(-0.4), np.exp(0.7) * np.cos(-0.4)
    right = c * np.array([a + 3 * 0.49 * -0.4, b + 0.7 ** 3])
    assert np.max(np.abs(G - right)) <= 4e-16 * np.max(np.abs(right))
    assert len(calls) == 1 + 2 + 4


# ------------------------- complex-step Hessians: two steps, ~1e-14

def _sympy_family():
    import sympy as sp
    x, y, z = sp.symbols("x y z")
    exprs = [sp.exp(x) * sp.sin(y), x ** 2 * y + sp.exp(y),
             sp.log(1 + x ** 2 + y ** 2), 1 / (2 + x + y ** 2),
             sp.sin(x) * sp.cos(y) + x ** 3 * y, sp.tanh(x * y),
             sp.sqrt(1 + x ** 2) * y, sp.exp(x * y * z),
             x * y * z + z ** 4, sp.cos(x + 2 * y - z)]
    points2 = [(0.3, -0.7), (1.5, 0.4), (-2.0, 3.0)]
    points3 = [(0.3, 0.2, 0.5), (1.5, 0.4, -1.2)]
    for e in exprs:
        v = [s for s in (x, y, z) if s in e.free_symbols]
        f = sp.lambdify([v], e, "numpy")
        H = sp.hessian(e, v)
        for p in (points3 if len(v) == 3 else points2):
            at = dict(zip(v, p))
            right = np.array([[float(H[i, j].evalf(30, subs=at))
                               for j in range(len(v))]
                              for i in range(len(v))])
            yield str(e), f, np.array(p), right


@pytest.mark.parametrize("name, f, x, right", list(_sympy_family()),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_complex_hessians_take_two_steps_from_the_screens_start(name, f, x,
                                                               right):
    """The module docstring: Hessians by the 45-degree complex step reach
    ~1e-14 (up to 3.4e-13 here, relative to max |H|), the table starting
    (from the screen's estimate of f's radius) where two steps d and d/2
    will do: f(x), the screen's 4 evaluations and n(n+1) per step. Exact
    Hessians from sympy (30 digits), analytic functions of 2 and 3
    variables at ordinary points."""
    calls = []
    H = hessian(lambda z: calls.append(1) or f(z), x)
    n = len(x)
    assert np.max(np.abs(H - right)) <= 5e-13 * np.max(np.abs(right))
    assert len(calls) == 1 + 4 + 2 * n * (n + 1)


# ----------------------------------------- the textbook methods' step h

@pytest.mark.parametrize("method", ["central", "forward"])
def test_a_given_h_is_an_absolute_step_for_hessians(method):
    """hessian(..., method, h): "a given absolute step h", also where
    |x_i| > 1 (the default steps are scaled there): every point differs
    from x by h or 2h in each component it moves."""
    x = np.array([3.0, -40.0])
    g, points = _recorded(lambda z: np.exp(z[0] / 4) * np.sin(z[1]))
    hessian(g, x, method=method, h=1e-3)
    moves = {round(abs(float(d)) / 1e-3, 9) for p in points
             for d in (p - x)[p != x]}
    assert moves == ({1.0} if method == "central" else {1.0, 2.0})


@pytest.mark.parametrize("x", [1.0, -1.0])
def test_a_step_lost_on_one_side_of_x_is_refused(x):
    """At x = 1.0, x + 8e-17 rounds back to x but x - 8e-17 does not (the
    spacing of floats halves below a power of two); at -1.0 the other
    way round. A central difference needs both steps: refused, with the
    message that says what to do."""
    with pytest.raises(ValueError, match=r"h = 8e-17 is too small for x: "
                       r"x \+ h == x in floating point; use a larger h"):
        derivative(np.exp, x, method="central", h=8e-17)


# ----------------------------------- directional derivatives on each path

@pytest.mark.parametrize("n", [1, 2, 8])
@pytest.mark.parametrize("method", ["auto", "richardson", "central"])
def test_directional_derivative_along_a_dense_v_in_any_dimension(n, method):
    """grad f . v for v with negative and unequal entries, where the
    number of rows the real stencil builds (8 copies of v) or the
    complex step's one row equals n: v itself, never the unit vectors."""
    rng = np.random.default_rng(n)
    x, v = rng.uniform(-1, 1, n), rng.uniform(-2, 2, n)
    v[0] = -abs(v[0]) - 0.5

    def f(z):
        return np.sum(np.sin(z) * np.arange(1, n + 1)) + np.prod(z)
    grad = np.cos(x) * np.arange(1, n + 1) + np.array(
        [np.prod(np.delete(x, j)) for j in range(n)])
    tol = 1e-7 if method == "central" else 1e-12
    got = directional_derivative(f, x, v, method=method)
    assert abs(got - grad @ v) <= tol * np.abs(grad) @ np.abs(v)


def test_the_complex_step_at_a_huge_x_does_not_underflow():
    """derivative(log, 1e300) = 1e-300: the complex step h = 1e-20 *
    max(1, |x|) keeps Im log(x + i h) = h / x from underflowing (an
    unscaled h would give 0, rejected by the screen, and the real path):
    exact, for f(x), one complex evaluation and the screen's 4."""
    calls = []
    got = derivative(lambda t: calls.append(1) or np.log(t), 1e300)
    assert got == pytest.approx(1e-300, rel=1e-15)
    assert len(calls) == 1 + 1 + 4


def test_np_sum_of_nested_lists_with_axis_dtype_and_initial_into_out():
    """np.sum(list, axis, dtype, out, where=...) on complexified scalars:
    every argument is numpy's (here x[2] is left out) and the complex
    step is kept."""
    def f(x):
        out = np.zeros_like(x[:2])
        rows = [[np.abs(x[0]) ** 3, np.abs(x[1]) ** 3],
                [np.abs(x[2]) ** 3, np.abs(x[3]) ** 3]]
        np.sum(rows, 0, x.dtype, out, where=[[True, True], [False, True]])
        return np.sum(out)
    _exact_at_complex_step_cost(f, keep=[1, 1, 0, 1])


def test_a_ufunc_with_out_returns_out_on_complexified_points():
    """y = np.multiply(a, b, out=buf) returns buf, as numpy does: f may
    use the returned array."""
    def f(x):
        buf = np.empty_like(x)
        y = np.multiply(np.abs(x), x, out=buf)
        return y.dot(x)
    _exact_at_complex_step_cost(f)


def test_a_forward_hessian_of_81_variables():
    """method="forward" for n = 81, where the points are built one at a
    time: only x + d u and x + 2 d u (no x - d u), ~1e-5."""
    x = np.linspace(-1.0, 1.0, 81)
    g, points = _recorded(lambda z: np.sum(z ** 3) + z[0] * z[80])
    H = hessian(g, x, method="forward")
    right = np.diag(6 * x)
    right[0, 80] = right[80, 0] = 1.0
    assert np.max(np.abs(H - right)) <= 1e-4
    assert len(points) == 1 + 2 * 81 * 82 // 2


def test_the_second_hessian_of_an_f_known_not_complex_safe_goes_real():
    """math.exp in f fails at complex points, which is remembered for that
    function: its next Hessian costs f(x), the kink check of the real
    path (as gradient by "richardson") and the real tables (as hessian by
    "richardson"), with no complex attempt and no screen."""
    import math

    def f(z):
        return math.exp(z[0]) * z[1] + z[1] ** 3
    x = np.array([0.3, 0.7])
    g, points = _recorded(f)
    hessian(g, x)
    first = len(points)
    points.clear()
    H = hessian(g, x)
    g2, p2 = _recorded(f)
    gradient(g2, x, method="richardson")
    hessian(g2, x, method="richardson")
    assert len(points) == len(p2) - 1 < first
    np.testing.assert_allclose(H, [[math.exp(0.3) * 0.7, math.exp(0.3)],
                                   [math.exp(0.3), 6 * 0.7]], rtol=1e-9)
