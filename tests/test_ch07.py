"""General forms of the claims chapter 7 checks on one example each.

The chapter (book/hessians.ipynb) verifies each statement next to the
claim; these tests check the same statements over random sizes, points and
directions (fixed seeds): the Hessian as the Jacobian of the gradient, the
Hessians of a quadratic and of log-sum-exp, the mixed partials of Peano's
function, the cubic error of the second-order Taylor expansion, the
zig-zag rate (kappa - 1)/(kappa + 1), Newton's exact step on a quadratic,
and Hessian-vector products from gradients.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import numeric, symbolic
from mathlib.check import check_hessian

SEEDS = range(4)


def lse(w):
    return np.log(np.sum(np.exp(w)))


def softmax(w):
    e = np.exp(w - np.max(w.real))
    return e / e.sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_quadratic_and_log_sum_exp_hessians(seed):
    # section 1: (A + A^T)/2 and diag(s) - s s^T, any size
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    A, b, w = (rng.standard_normal((n, n)), rng.standard_normal(n),
               rng.standard_normal(n))
    assert check_hessian(lambda u: u @ A @ u / 2 + b @ u,
                         lambda u: (A + A.T) / 2, w)
    assert check_hessian(lse, lambda u: np.diag(softmax(u))
                         - np.outer(softmax(u), softmax(u)), w)


@pytest.mark.parametrize("seed", SEEDS)
def test_hessian_is_the_jacobian_of_the_gradient(seed):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(4)
    H = numeric.hessian(lse, w)
    J = numeric.jacobian(softmax, w)
    assert np.allclose(H, J, rtol=0, atol=1e-10)
    assert np.allclose(H, H.T, rtol=0, atol=1e-12)


def test_peano_mixed_partials_differ_at_the_origin():
    # section 2: g_xy(0, 0) = -1, g_yx(0, 0) = 1
    x, y, h, k = sp.symbols("x y h k", real=True)
    g = x * y * (x**2 - y**2) / (x**2 + y**2)
    g_x = sp.limit(g.subs(x, h) / h, h, 0)
    g_y = sp.limit(g.subs(y, k) / k, k, 0)
    assert sp.limit((g_x.subs(y, k) - g_x.subs(y, 0)) / k, k, 0) == -1
    assert sp.limit((g_y.subs(x, h) - g_y.subs(x, 0)) / h, h, 0) == 1
    # and the mixed partial is not continuous there
    mixed = sp.diff(g, x, y)
    assert sp.limit(mixed.subs(y, 0), x, 0) == 1
    assert sp.limit(mixed.subs(x, 0), y, 0) == -1


@pytest.mark.parametrize("seed", SEEDS)
def test_taylor_error_is_cubic(seed):
    # section 3: the error of T2 is O(s^3)
    rng = np.random.default_rng(seed)
    w, d = rng.standard_normal(3), rng.standard_normal(3)
    d /= np.linalg.norm(d)
    g, H = numeric.gradient(lse, w), numeric.hessian(lse, w)

    def err2(s):
        e = s * d
        return abs(lse(w + e) - lse(w) - g @ e - e @ H @ e / 2)

    def err1(s):
        e = s * d
        return abs(lse(w + e) - lse(w) - g @ e)

    # |f - T2| <= C s^3: the third derivative of log-sum-exp along a unit
    # d is a third central moment of the entries of d, below 0.3, so
    # C = 0.05 would do; |f - T1| ~ d^T H d s^2 / 2 is not O(s^3)
    for step in [1e-1, 3e-2, 1e-2, 3e-3, 1e-3]:
        assert err2(step) <= 0.5 * step**3
    assert err1(1e-3) == pytest.approx(d @ H @ d / 2 * 1e-6, rel=0.01)


def test_symbolic_taylor_matches_the_worked_example():
    x, y = sp.symbols("x y", real=True)
    T2 = symbolic.taylor(x * sp.exp(-x**2 - y**2), [x, y], [-1, 0], 2)
    by_hand = sp.exp(-1) * (-1 - (x + 1) + (x + 1) ** 2 + y**2)
    assert sp.simplify(T2 - by_hand) == 0


@pytest.mark.parametrize("kappa", [2, 10, 50])
def test_gradient_descent_rate_is_set_by_the_condition_number(kappa):
    # section 5: best fixed step, worst factor (kappa - 1)/(kappa + 1)
    A = np.diag([float(kappa), 1.0])
    x = np.array([1.0, 1.0])
    for _ in range(200):
        previous, x = x, x - 2 / (kappa + 1) * A @ x
    rate = np.linalg.norm(x) / np.linalg.norm(previous)
    assert rate == pytest.approx((kappa - 1) / (kappa + 1), rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_one_newton_step_solves_a_quadratic(seed):
    # section 6
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    M = rng.standard_normal((n, n))
    A, b = M @ M.T + 0.5 * np.eye(n), rng.standard_normal(n)

    def f(u):
        return u @ A @ u / 2 - b @ u

    x0 = rng.standard_normal(n)
    x1 = x0 - np.linalg.solve(numeric.hessian(f, x0),
                              numeric.gradient(f, x0))
    assert np.allclose(x1, np.linalg.solve(A, b), rtol=0, atol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_hessian_vector_products_from_gradients(seed):
    # section 7: exact (complex step through the gradient) and central
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 8))
    w, v = rng.standard_normal(n), rng.standard_normal(n)
    v /= np.linalg.norm(v)
    Hv = numeric.hessian(lse, w) @ v
    exact = numeric.jacobian(lambda t: softmax(w + t * v), 0.0)
    central = (softmax(w + 1e-5 * v) - softmax(w - 1e-5 * v)) / 2e-5
    s = softmax(w)
    assert np.allclose(exact, Hv, rtol=0, atol=1e-12)
    assert np.allclose(central, Hv, rtol=0, atol=1e-9)
    assert np.allclose(s * v - s * (s @ v), Hv, rtol=0, atol=1e-12)


def test_degenerate_critical_point_changes_sign_along_lines():
    # section 4: x^2 y + x y^2 has H = 0 at 0 and f(ta, tb) = ab(a+b) t^3
    x, y, t, a, b = sp.symbols("x y t a b", real=True)
    f = x**2 * y + x * y**2
    assert symbolic.hessian(f, [x, y]).subs({x: 0, y: 0}) == sp.zeros(2)
    along = f.subs({x: t * a, y: t * b}, simultaneous=True)
    assert sp.expand(along - a * b * (a + b) * t**3) == 0
