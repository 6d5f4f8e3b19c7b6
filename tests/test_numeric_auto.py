"""How mathlib.numeric's method="auto" stays fast without losing accuracy.

Non-complex-safe functions are caught at the first complex evaluation;
abs, sign, logaddexp, slogdet and norm are continued analytically, so that
functions built from them keep the complex step; what failed for a
function object is remembered, and the cache never makes an answer wrong
(functions that are complex-safe at one point and not at another); the
Hessian's pilot run finds the right steps at small and large scales.
"""

import gc
import math
import warnings
import weakref

import numpy as np
import pytest

from mathlib import numeric
from mathlib.numeric import derivative, gradient, hessian, jacobian


def rel(est, exact):
    est, exact = np.asarray(est, float), np.asarray(exact, float)
    return float(np.linalg.norm(est - exact) / np.linalg.norm(exact))


def counted(f):
    """f, recording the dtype kind of every point it is called at ('f' for
    real points, 'c' for complex ones) and the points themselves."""
    def g(x):
        g.kinds.append(np.asarray(x).dtype.kind)
        g.points.append(np.array(x, dtype=complex).ravel())
        return f(x)
    g.kinds, g.points = [], []
    return g


# -------------------------------------------------------------- evaluations

def test_a_complex_safe_gradient_costs_n_plus_5_evaluations():
    f = counted(lambda x: np.sum(np.sin(x) * x))
    gradient(f, np.array([0.3, -1.2, 2.0]))
    assert f.kinds == ["f"] + ["c"] * 3 + ["f"] * 4   # x, steps, screen


def test_raising_on_complex_input_costs_one_evaluation_and_is_remembered():
    f = counted(lambda x: math.exp(x[0]) + math.sin(x[1]))
    x = np.array([0.5, 0.2])
    exact = [math.exp(0.5), math.cos(0.2)]
    assert rel(gradient(f, x), exact) < 1e-12
    assert f.kinds.count("c") == 2       # one try each: complex, continued
    f.kinds.clear()
    assert rel(gradient(f, x), exact) < 1e-12
    assert f.kinds.count("c") == 0       # straight to Richardson


def test_dropping_the_imaginary_part_costs_one_evaluation():
    f = counted(lambda x: np.sum(np.abs(x) ** 3))
    x = np.array([0.5, -1.5, 2.0])
    assert rel(gradient(f, x), 3 * x * np.abs(x)) < 1e-15
    assert f.kinds == ["f", "c"] + ["c"] * 3 + ["f"] * 4
    f.kinds.clear()
    gradient(f, x)
    assert f.kinds == ["f"] + ["c"] * 3 + ["f"] * 4


def test_a_quadratic_hessian_costs_two_steps():
    f = counted(lambda x: x[0] ** 2 * 3 + x[0] * x[1] - x[2] ** 2 + x[3])
    H = hessian(f, np.array([0.4, -0.7, 1.5, 2.0]))
    exact = np.zeros((4, 4))
    exact[:3, :3] = [[6, 1, 0], [1, 0, 0], [0, 0, -2]]
    np.testing.assert_allclose(H, exact, atol=1e-14)
    # x, the screen (4), the pilot run (4), two steps of 10 pairs (40)
    assert f.kinds == ["f"] * 5 + ["c"] * 44
    g = counted(lambda x: np.exp(x[0]) * x[1])
    hessian(g, np.array([0.4, -0.7]))
    # n <= 3: no pilot run (a step of 3 pairs costs 6 evaluations)
    assert g.kinds == ["f"] * 5 + ["c"] * 12


# ----------------------------------------------------- analytic continuation

X = np.array([0.7, -1.3, 0.4, 2.1])
W = np.array([0.5, -0.25, 1.0, 0.75])
A = np.array([[2.0, 0.3, -0.4], [0.1, -1.5, 0.2], [0.3, -0.2, 1.8]])


def _huber(x):
    a = np.abs(x)
    return np.sum(np.where(a < 1.0, 0.5 * x * x, a - 0.5))


CONTINUED = [
    ("np.abs", lambda x: np.sum(np.abs(x) ** 3), lambda x: 3 * x * abs(x)),
    ("builtin abs", lambda x: sum(abs(x) * x), lambda x: 2 * abs(x)),
    ("np.fabs", lambda x: np.sum(np.fabs(x) * x), lambda x: 2 * abs(x)),
    ("np.sign", lambda x: np.sum(np.sign(x) * x ** 2),
     lambda x: 2 * abs(x)),
    ("np.logaddexp", lambda x: np.sum(np.logaddexp(0.0, 2 * x)),
     lambda x: 2 / (1 + np.exp(-2 * x))),
    ("np.logaddexp2", lambda x: np.sum(np.logaddexp2(x, 1.0)),
     lambda x: 2 ** x / (2 ** x + 2)),
    ("huber (np.where)", _huber, lambda x: np.clip(x, -1, 1)),
    ("L1 loss", lambda x: abs(x @ W - 1.0), lambda x: np.sign(X @ W - 1) * W),
    ("np.linalg.norm", np.linalg.norm, lambda x: x / np.linalg.norm(x)),
    ("norm, ord=1", lambda x: np.linalg.norm(x, 1), np.sign),
    ("norm, ord=3", lambda x: np.linalg.norm(x, 3),
     lambda x: x * abs(x) / np.sum(abs(x) ** 3) ** (2 / 3)),
]


@pytest.mark.parametrize("name, f, grad", CONTINUED,
                         ids=[c[0] for c in CONTINUED])
def test_abs_and_its_kin_keep_the_complex_step(name, f, grad):
    """Exact to rounding: a Richardson fallback would give ~1e-13."""
    assert rel(gradient(f, X), grad(X)) < 1e-15


def test_logaddexp_continued_at_large_arguments_and_ties():
    """The continuation starts from the argument with the larger real
    part, so e^800 never overflows; equal real parts are no special case."""
    x = np.array([800.0, -800.0, 0.3, 0.0])
    g = gradient(lambda x: np.sum(np.logaddexp(0.0, 3 * x)), x)
    assert rel(g, [3.0, 0.0, 3 / (1 + math.exp(-0.9)), 1.5]) < 1e-15
    assert rel(gradient(lambda x: np.sum(np.logaddexp(x, x)), X),
               np.ones(4)) < 1e-15
    assert rel(gradient(lambda x: np.logaddexp2(x[0], x[1]),
                        np.array([1000.0, 999.0])), [2 / 3, 1 / 3]) < 1e-15


def test_matrix_functions_keep_the_complex_step():
    assert rel(gradient(lambda M: np.linalg.slogdet(M)[1], A),
               np.linalg.inv(A).T) < 1e-15
    assert rel(gradient(np.linalg.norm, A), A / np.linalg.norm(A)) < 1e-15
    rows = jacobian(lambda M: np.linalg.norm(M, axis=1), A)
    exact = np.einsum("ik,il->ikl", np.eye(3), A / np.linalg.norm(
        A, axis=1, keepdims=True))
    assert rel(rows, exact) < 1e-15


def test_hessian_of_abs_keeps_the_complex_step():
    f = lambda x: np.sum(np.abs(x) ** 1.5)                  # noqa: E731
    assert rel(hessian(f, X), np.diag(0.75 / np.sqrt(abs(X)))) < 1e-12


@pytest.mark.parametrize("f, grad", [
    (lambda x: np.linalg.norm(x, np.inf) * x[0], [2.5, 0.0, 0.3]),
    (lambda x: np.hypot(x[0], x[1]) + x[2], [0.3 / 0.8544003745317531,
                                             -0.8 / 0.8544003745317531, 1]),
    (lambda x: np.sum(np.real(x) ** 2), [0.6, -1.6, 5.0]),
], ids=["norm, ord=inf", "np.hypot", "np.real"])
def test_functions_that_are_not_continued_still_fall_back(f, grad):
    assert rel(gradient(f, np.array([0.3, -0.8, 2.5])), grad) < 1e-10


def test_kinks_still_raise_with_the_continuation():
    with pytest.raises(ValueError, match=r"kink at x\[1\] = 0\.0"):
        gradient(lambda x: np.sum(np.abs(x) * x[0]), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="kink"):
        hessian(lambda x: np.sum(np.abs(x)), np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="kink"):
        gradient(lambda x: np.linalg.norm(x), np.zeros(2))


def test_a_scalar_x_still_reaches_f_as_a_scalar():
    seen = []
    d = derivative(lambda t: seen.append(type(t)) or abs(t) ** 3, -2.0)
    assert d == pytest.approx(-12.0, rel=1e-12)
    assert set(seen) <= {np.float64, np.complex128}


def test_no_complex_warning_escapes():
    def f(x):
        out = np.zeros(2)
        out[:] = x ** 2             # casts complex to real: ComplexWarning
        return out.sum() + x[0]

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = gradient(f, np.array([1.0, 2.0]))
    assert rel(g, [3.0, 4.0]) < 1e-12


# --------------------------------------------------------------------- cache

def test_a_function_complex_safe_at_one_point_only_is_always_right():
    """math.exp raises on complex input, but only in one branch."""
    def make():
        return lambda x: (math.exp(x[0]) if x[0] > 1 else np.exp(x[0])) \
            + x[0] * x[1] ** 2

    def exact(x):
        return np.array([math.exp(x[0]) + x[1] ** 2, 2 * x[0] * x[1]])

    safe, unsafe = np.array([0.5, 2.0]), np.array([1.5, 2.0])
    f = make()                                  # safe point first
    assert rel(gradient(f, safe), exact(safe)) < 1e-15
    assert numeric._FAILURES.get(f) is None
    assert rel(gradient(f, unsafe), exact(unsafe)) < 1e-12
    assert numeric._FAILURES[f] == 2            # complex, continued
    assert rel(gradient(f, safe), exact(safe)) < 1e-12    # Richardson
    g = make()                                  # unsafe point first
    assert rel(gradient(g, unsafe), exact(unsafe)) < 1e-12
    assert rel(gradient(g, safe), exact(safe)) < 1e-12
    for point in (safe, unsafe):
        H = hessian(g, point)
        assert rel(H, [[math.exp(point[0]), 2 * point[1]],
                       [2 * point[1], 2 * point[0]]]) < 1e-9


def test_a_partly_dropped_imaginary_part_switches_to_the_continuation():
    """_huber is complex-safe where |x| < 1 and wrong elsewhere."""
    def f(x):
        return _huber(x)

    inner, outer = np.array([0.3, -0.5]), np.array([0.3, -2.0])
    assert rel(gradient(f, inner), inner) < 1e-15      # complex points
    assert rel(gradient(f, outer), [0.3, -1.0]) < 1e-15
    assert numeric._FAILURES[f] == 1
    assert rel(gradient(f, inner), inner) < 1e-15      # continued ones
    assert rel(hessian(f, outer), np.diag([1.0, 0.0])) < 1e-12


def test_a_kink_near_x_is_not_remembered():
    f = counted(lambda x: np.sum(np.maximum(x, 0.0) * x[1]))
    g = gradient(f, np.array([1e-12, 1.0]))      # the screen sees a kink
    assert rel(g, [1.0, 2.0 + 1e-12]) < 1e-12
    assert numeric._FAILURES.get(f) is None
    f.kinds.clear()
    assert rel(gradient(f, np.array([0.5, 1.0])), [1.0, 2.5]) < 1e-15
    assert f.kinds == ["f"] + ["c"] * 2 + ["f"] * 4


def test_the_cache_holds_no_reference_to_f():
    f = lambda x: np.sum(np.abs(x) ** 3)                    # noqa: E731
    gradient(f, np.array([1.0, -2.0]))
    assert f in numeric._FAILURES
    ref = weakref.ref(f)
    del f
    gc.collect()
    assert ref() is None


class Unhashable:
    __hash__ = None

    def __call__(self, x):
        return np.sum(np.abs(x) ** 3)

    def __eq__(self, other):
        return True


def test_callables_that_cannot_be_cached_work():
    x = np.array([0.5, -1.5])
    assert rel(gradient(Unhashable(), x), 3 * x * abs(x)) < 1e-15
    assert derivative(np.sin, 0.3) == pytest.approx(math.cos(0.3),
                                                    rel=1e-15)
    assert derivative(math.sin, 0.3) == pytest.approx(math.cos(0.3),
                                                      rel=1e-12)


# ------------------------------------------------------------------ Hessian

def _exp_xy(x):
    e = np.exp(x[0] * x[1])
    return np.array([[x[1] ** 2 * e + 12 * x[0] ** 2, (1 + x[0] * x[1]) * e],
                     [(1 + x[0] * x[1]) * e, x[0] ** 2 * e]])


SMALL_HESSIANS = [
    (lambda x: np.sin(x) * np.exp(x), 0.7),                     # n = 1
    (lambda x: np.sin(x[0]) * np.cos(x[1]) + x[0] ** 3 * x[1],
     np.array([30.0, 20.0])),                                   # large x
    (lambda x: x[0] * np.exp(-x[0] ** 2 - x[1] ** 2), np.array([2.5, -1.5])),
    (lambda x: np.log(np.sum(np.exp(3 * x))), np.array([0.2, -1.1, 0.4])),
    (lambda x: np.sum(np.abs(x) ** 1.5), np.array([0.8, -1.3, 0.4, 2.1])),
    (lambda x: np.sum(np.log(x - 1.0)), np.array([1.001, 1.5])),   # steep
    (lambda x: x[0] ** 2 * x[1] - 3 * x[1], np.array([0.5, -2.0])),  # cubic
    (lambda x: np.tanh(x @ np.array([[2.0, -1.0], [0.5, 3.0], [1.0, 1.0]])
                       ).sum(), np.array([-0.3, 1.2, 0.05])),
]


@pytest.mark.parametrize("f, x", SMALL_HESSIANS)
def test_small_hessians_on_floats_match_the_array_table(f, x, monkeypatch):
    """For n <= numeric._SMALL the first two levels of the complex table
    run on Python floats; the answer is the array table's (to the last
    bit but for a rounding test on the edge), fallback included."""
    fast = hessian(f, x)
    monkeypatch.setattr(numeric, "_SMALL", 0)
    np.testing.assert_allclose(fast, hessian(f, x), rtol=1e-15, atol=0)


def test_small_hessians_fall_back_when_two_levels_are_not_enough():
    f = counted(lambda x: np.log(x[0] - 1.0) + x[1] ** 3)
    x = np.array([1.0001, 1.0])
    assert rel(hessian(f, x), np.diag([-1e8, 6.0])) < 3e-11
    assert f.kinds.count("c") > 12          # the table went on
    assert len({p.tobytes() for p in f.points}) == len(f.points)  # once
    nan_far = counted(lambda x: x[0] ** 3 + x[1] ** 2 + (
        np.nan * x[0] if abs(np.imag(x[0])) > 1e-3 else 0.0))  # big steps
    H = hessian(nan_far, np.array([0.5, 2.0]))
    assert rel(H, [[3.0, 0.0], [0.0, 2.0]]) < 1e-13
    # x, the screen, then complex steps only, each evaluated once (d and
    # d/2, d/4 and d/8, d/16 and d/32: no nan left)
    assert nan_far.kinds == ["f"] * 5 + ["c"] * 36


@pytest.mark.parametrize("f, x, exact, tol", [
    (lambda x: np.sum(np.log(x - 1.0)), np.array([1.001, 1.5]),
     lambda x: np.diag(-1 / (x - 1.0) ** 2), 3e-11),    # singular nearby
    (lambda x: np.sum(np.log(x)), np.array([1e6, 3e7]),
     lambda x: np.diag(-1 / x ** 2), 1e-13),            # large scale
    (lambda x: np.exp(x[0] * x[1]) + x[0] ** 4, np.array([0.3, -0.7]),
     _exp_xy, 1e-13),
], ids=["small scale", "large scale", "ordinary"])
def test_the_pilot_run_finds_steps_at_every_scale(f, x, exact, tol):
    assert rel(hessian(f, x), exact(x)) < tol


def _relu_net():
    """A ReLU network's loss whose hidden pre-activation Z1[0, 1] is
    3.3e-7 from the kink: the derivative exists and is exact with the
    complex step, but steps larger than 3e-7 straddle the kink."""
    X = np.array([[1.0, 2.0], [2.0, -1.0], [-1.0, 0.5], [-2.0, -1.0],
                  [0.5, -2.0]])
    y = np.array([1.0, 0.5, -0.5, 2.0, 0.0])
    b1 = np.array([1.0, -2.0, 0.5]) / 3
    W2 = np.array([[1.0, -0.5, 2.0]])
    W1 = np.array([[0.918622, -1.297378], [0.334977, 0.165845],
                   [-0.801152, -0.309251]])

    def loss(W):
        Z = X @ W.T + b1
        return np.mean(((np.maximum(0, Z) @ W2.T + 0.25)[:, 0] - y) ** 2)

    Z1 = X @ W1.T + b1
    G1 = (2 / 5 * (np.maximum(0, Z1) @ W2.T + 0.25 - y[:, None]) @ W2) \
        * (Z1 > 0)
    return loss, W1, G1.T @ X


@pytest.mark.parametrize("method", ["auto", "richardson"])
def test_a_kink_near_but_not_at_x_is_stepped_over(method):
    loss, W1, exact = _relu_net()
    got = numeric.gradient(loss, W1, method=method)
    np.testing.assert_allclose(got, exact, rtol=1e-6, atol=1e-12)
