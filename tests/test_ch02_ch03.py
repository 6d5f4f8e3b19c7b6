"""General forms of claims that chapters 2 and 3 check on one example.

The chapters verify each derivative next to the claim, at a point or two.
These tests check the same statements over random sizes, points and
directions (fixed seeds): the linear approximation's quadratic error, the
matrix gradients, D_v f = grad f . v, the steepest-ascent bound, the 2/L
step-size threshold of gradient descent (with the eigen-decomposition
behind it) and the quartic's critical points.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import numeric
from mathlib.check import check_gradient

SEEDS = range(5)


def logsumexp(x):
    return np.log(np.sum(np.exp(x)))


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_linear_approximation_error_is_quadratic_only_for_gradient(seed):
    # chapter 2, section 4: error ~ |e|^2 with the gradient, ~ |e| without
    rng = np.random.default_rng(seed)
    w, d = rng.standard_normal(5), rng.standard_normal(5)
    d /= np.linalg.norm(d)
    wrong = softmax(w) + 0.1 * rng.standard_normal(5)

    def error(t, g):
        return abs(logsumexp(w + t * d) - logsumexp(w) - t * d @ g)

    ratios = [error(t, softmax(w)) / t**2 for t in (1e-2, 1e-3)]
    assert ratios[1] == pytest.approx(ratios[0], rel=0.05)
    slope = np.log10(error(1e-2, wrong) / error(1e-3, wrong))
    assert slope == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("seed", SEEDS)
def test_matrix_gradients(seed):
    # chapter 2, section 6 and exercise 4: a b^T, A^T, A^T B^T, 2X
    rng = np.random.default_rng(seed)
    m, n, p = rng.integers(1, 5, size=3)
    a, b = rng.standard_normal(m), rng.standard_normal(n)
    X = rng.standard_normal((m, n))
    A, B = rng.standard_normal((n, m)), rng.standard_normal((n, p))
    C = rng.standard_normal((p, m))
    assert check_gradient(lambda Y: a @ Y @ b, lambda Y: np.outer(a, b), X)
    assert check_gradient(lambda Y: np.trace(A @ Y), lambda Y: A.T, X)
    assert check_gradient(lambda Y: np.trace(C @ Y @ B),
                          lambda Y: C.T @ B.T, X)
    assert check_gradient(lambda Y: np.sum(Y * Y), lambda Y: 2 * Y, X)


def test_transposed_matrix_gradient_is_diagnosed():
    # chapter 2, section 6: A instead of A^T fails, by shape or by value
    rng = np.random.default_rng(0)
    A = rng.standard_normal((2, 3))
    X = rng.standard_normal((3, 2))
    assert check_gradient(lambda Y: np.trace(A @ Y), lambda Y: A,
                          X).diagnosis == "transpose"
    B = rng.standard_normal((3, 3))
    X = rng.standard_normal((3, 3))
    assert check_gradient(lambda Y: np.trace(B @ Y), lambda Y: B,
                          X).diagnosis == "transpose"


def test_diagnoses_of_the_three_softmax_mistakes():
    # chapter 2, section 5: sign and shape are named; swapped entries are
    # "pointwise", and the message numbers entries from 0
    def lse(p):
        return np.log(np.sum(np.exp(p)))

    p0 = np.array([0.3, -0.2])
    sign = check_gradient(lse, lambda p: -softmax(p), p0)
    swapped = check_gradient(lse, lambda p: softmax(p)[::-1], p0)
    row = check_gradient(lse, lambda p: softmax(p).reshape(1, 2), p0)
    assert (sign.diagnosis, swapped.diagnosis, row.diagnosis) == \
        ("sign", "pointwise", "shape")
    assert "entry [0] (and 1 other entry)" in str(swapped)


def test_the_erratum_is_caught_and_the_fix_passes():
    # chapter 2, section 5: grad(2x + y^8) = [2, 8y^7]
    def g(p):
        return 2 * p[0] + p[1] ** 8

    rng = np.random.default_rng(1)
    points = [rng.standard_normal(2) for _ in range(3)]
    for wrong in (lambda p: np.array([1, 7 * p[1] ** 8]),
                  lambda p: np.array([2, 7 * p[1] ** 8])):
        assert not check_gradient(g, wrong, points=points)
    assert check_gradient(g, lambda p: np.array([2, 8 * p[1] ** 7]),
                          points=points)
    x, y = sp.symbols("x y")
    assert [sp.diff(2 * x + y**8, v) for v in (x, y)] == [2, 8 * y**7]


@pytest.mark.parametrize("seed", SEEDS)
def test_directional_derivative_is_gradient_dot_v(seed):
    # chapter 3, section 2
    rng = np.random.default_rng(seed)
    x, v = rng.standard_normal(6), rng.standard_normal(6)
    v /= np.linalg.norm(v)
    rate = numeric.directional_derivative(logsumexp, x, v)
    assert rate == pytest.approx(softmax(x) @ v, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_steepest_ascent_bound_and_equality(seed):
    # chapter 3, section 3: |g . v| <= |g| for unit v, max at g / |g|
    rng = np.random.default_rng(seed)
    g = rng.standard_normal(4)
    V = rng.standard_normal((20_000, 4))
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    norm = np.linalg.norm(g)
    assert np.all(np.abs(V @ g) <= norm * (1 + 1e-12))
    assert g @ (g / norm) == pytest.approx(norm)
    assert g @ (-g / norm) == pytest.approx(-norm)


@pytest.mark.parametrize("seed", SEEDS)
def test_gradient_descent_diverges_exactly_above_two_over_L(seed):
    # chapter 3, section 5: x_{k+1} = (I - eta A) x_k
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((4, 4))
    A = M @ M.T + 0.5 * np.eye(4)
    L = np.linalg.eigvalsh(A)[-1]
    assert check_gradient(lambda u: u @ A @ u / 2, lambda u: A @ u,
                          rng.standard_normal(4))

    def final_norm(eta, steps=2000):
        x = rng.standard_normal(4)
        for _ in range(steps):
            x = x - eta * A @ x
        return np.linalg.norm(x)

    assert final_norm(0.98 * 2 / L) < 1e-6
    assert final_norm(1.02 * 2 / L) > 1e6


@pytest.mark.parametrize("seed", SEEDS)
def test_eigencomponents_shrink_by_one_minus_eta_lambda(seed):
    # chapter 3, section 5: q_i^T A = lambda_i q_i^T, so one step maps
    # c_i to (1 - eta lambda_i) c_i; x^T A x = sum lambda_i c_i^2; the
    # Hessian of x^T A x / 2 is A
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((5, 5))
    A = M @ M.T + 0.1 * np.eye(5)
    lam, Q = np.linalg.eigh(A)
    x, eta = rng.standard_normal(5), rng.uniform(0.01, 0.5)
    c = Q.T @ x
    np.testing.assert_allclose(Q.T @ A, lam[:, None] * Q.T, atol=1e-12)
    np.testing.assert_allclose(Q.T @ (x - eta * A @ x),
                               (1 - eta * lam) * c, atol=1e-12)
    assert x @ A @ x == pytest.approx(lam @ c**2)
    assert np.all(lam > 0) and x @ A @ x > 0
    np.testing.assert_allclose(
        numeric.hessian(lambda u: u @ A @ u / 2, x), A, atol=1e-7)


def test_quartic_critical_points():
    # chapter 3, section 6: 3x^4 - 4x^3 - 12x^2
    x = sp.symbols("x")
    f = 3 * x**4 - 4 * x**3 - 12 * x**2
    critical = sp.solve(sp.diff(f, x), x)
    assert sorted(critical) == [-1, 0, 2]
    f2 = sp.diff(f, x, 2)
    assert [f2.subs(x, c) for c in (-1, 0, 2)] == [36, -24, 72]
    assert [f.subs(x, c) for c in (-1, 0, 2)] == [-5, 0, -32]
    # the step 0.005 of the figure: 2 / 0.005 = 400 exceeds f'' on [-2, 3]
    grid = np.linspace(-2, 3, 501)
    largest = max(float(f2.subs(x, s)) for s in (-2, 3))
    assert largest == 228
    assert np.max(36 * grid**2 - 24 * grid - 24) == pytest.approx(228)
    assert sp.expand(f2) == 36 * x**2 - 24 * x - 24


@pytest.mark.parametrize("seed", SEEDS)
def test_worked_example_3x5_weight_matrix(seed):
    # chapter 2, section 6: for L = |W x - y|^2 / 2 with W 3 x 5, the
    # gradient r x^T has the shape of W, the numerator-layout x r^T is its
    # 5 x 3 transpose (check_gradient calls it a transposed layout), and
    # numeric.jacobian of the scalar loss is the (3, 5) gradient
    rng = np.random.default_rng(seed)
    W, x, y = (rng.standard_normal((3, 5)), rng.standard_normal(5),
               rng.standard_normal(3))

    def loss(V):
        r = V @ x - y
        return 0.5 * r @ r

    r = W @ x - y
    assert check_gradient(loss, lambda V: np.outer(V @ x - y, x), W)
    wrong = check_gradient(loss, lambda V: np.outer(x, V @ x - y), W)
    assert not wrong and "transpose" in str(wrong)
    assert numeric.jacobian(loss, W).shape == (3, 5)
    assert np.allclose(numeric.jacobian(loss, W), np.outer(r, x))
