"""General forms of the claims that chapter 8 checks at one point.

*The matrix calculus toolbox* derives each result in index notation or
with differentials and checks it at one random point. These tests check
the same statements at random sizes and points (fixed seeds): the einsum
forms of the gradients, the 1 x 1 heuristic's ambiguity for square
matrices, the differentials of a product, of the inverse and of log det,
the softmax results, and the layout table.
"""
import itertools

import numpy as np
import pytest
import sympy as sp

from mathlib import identities, numeric
from mathlib.check import check_gradient

SEEDS = range(4)
softmax, log_softmax = identities._softmax, identities._log_softmax


def sizes(rng):
    m, n, k = rng.choice(np.arange(2, 7), 3, replace=False)
    return int(m), int(n), int(k)


def invertible(rng, n):
    """Not symmetric, det > 0 (eigenvalues near n)."""
    return rng.standard_normal((n, n)) + 2 * n * np.eye(n)


@pytest.mark.parametrize("seed", SEEDS)
def test_index_notation_gradients_as_einsum(seed):
    # section 2: each gradient, written as einsum, passes check_gradient
    rng = np.random.default_rng(seed)
    m, n, k = sizes(rng)
    x, beta = rng.standard_normal(n), rng.standard_normal(n)
    A = rng.standard_normal((n, n))
    assert check_gradient(lambda v: np.einsum("i,i->", beta, v),
                          lambda v: np.einsum("i,ik->k", beta,
                                              np.eye(n)), x)
    assert check_gradient(
        lambda v: np.einsum("i,ij,j->", v, A, v),
        lambda v: np.einsum("kj,j->k", A, v) + np.einsum("i,ik->k", v, A),
        x)
    X = rng.standard_normal((m, n))
    a, b = rng.standard_normal(m), rng.standard_normal(n)
    B = rng.standard_normal((n, m))
    C = rng.standard_normal((m, m))
    assert check_gradient(lambda Y: np.einsum("i,ij,j->", a, Y, b),
                          lambda Y: np.einsum("k,l->kl", a, b), X)
    assert check_gradient(lambda Y: np.einsum("ij,ji->", B, Y),
                          lambda Y: np.einsum("lk->kl", B), X)
    assert check_gradient(
        lambda Y: np.einsum("ji,jk,ki->", Y, C, Y),
        lambda Y: (np.einsum("pk,kq->pq", C, Y)
                   + np.einsum("jq,jp->pq", Y, C)), X)


@pytest.mark.parametrize("seed", SEEDS)
def test_factorization_gradients(seed):
    # section 3: -2 R V^T and -2 U^T R, R = X - U V
    rng = np.random.default_rng(seed)
    m, n, k = sizes(rng)
    X = rng.standard_normal((m, n))
    U, V = rng.standard_normal((m, k)), rng.standard_normal((k, n))

    def loss(U, V):
        R = X - np.einsum("ip,pj->ij", U, V)
        return np.einsum("ij,ij->", R, R)

    assert check_gradient(lambda W: loss(W, V),
                          lambda W: -2 * (X - W @ V) @ V.T, U)
    assert check_gradient(lambda W: loss(U, W),
                          lambda W: -2 * U.T @ (X - U @ W), V)


@pytest.mark.parametrize("seed", SEEDS)
def test_shapes_pick_the_heuristic_guess_when_sizes_differ(seed):
    # section 4: of R, R^T times V, V^T in either order, only R V^T
    # has the shape of U
    rng = np.random.default_rng(seed)
    m, n, k = sizes(rng)
    R, V = rng.standard_normal((m, n)), rng.standard_normal((k, n))
    mats = {"R": R, "R^T": R.T, "V": V, "V^T": V.T}
    fits = []
    for p, q in itertools.product(["R", "R^T"], ["V", "V^T"]):
        for left, right in [(p, q), (q, p)]:
            if mats[left].shape[1] == mats[right].shape[0] and \
                    (mats[left] @ mats[right]).shape == (m, k):
                fits.append(left + " " + right)
    assert fits == ["R V^T"]


@pytest.mark.parametrize("seed", SEEDS)
def test_heuristic_guesses_fail_for_square_matrices(seed):
    # section 4: 2Ax, A, X^{-1} conform but are wrong
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    A, X = rng.standard_normal((n, n)), invertible(rng, n)
    x = rng.standard_normal(n)
    assert not check_gradient(lambda v: v @ A @ v, lambda v: 2 * A @ v, x)
    assert check_gradient(lambda v: v @ A @ v,
                          lambda v: (A + A.T) @ v, x)
    assert check_gradient(lambda Y: np.trace(A @ Y), lambda Y: A,
                          X).diagnosis == "transpose"

    def logdet(Y):
        return np.log(np.linalg.det(Y))

    assert check_gradient(logdet, lambda Y: np.linalg.inv(Y),
                          X).diagnosis == "transpose"
    assert check_gradient(logdet, lambda Y: np.linalg.inv(Y).T, X)


@pytest.mark.parametrize("seed", SEEDS)
def test_product_rule_remainder_is_exactly_t_squared_EF(seed):
    # section 5: (X + tE)(Y + tF) - XY - t(EY + XF) = t^2 EF
    rng = np.random.default_rng(seed)
    m, n, k = sizes(rng)
    X, E = rng.standard_normal((m, n)), rng.standard_normal((m, n))
    Y, F = rng.standard_normal((n, k)), rng.standard_normal((n, k))
    t = 1e-2
    rest = (X + t * E) @ (Y + t * F) - X @ Y - t * (E @ Y + X @ F)
    np.testing.assert_allclose(rest / t**2, E @ F, rtol=1e-8,
                               atol=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_differential_of_the_inverse(seed):
    # section 5: d(X^{-1}) = -X^{-1} dX X^{-1}, not -X^{-2} dX
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    X, E = invertible(rng, n), rng.standard_normal((n, n))
    Xi = np.linalg.inv(X)
    J = numeric.jacobian(np.linalg.inv, X)
    np.testing.assert_allclose(J, -np.einsum("ik,lj->ijkl", Xi, Xi),
                               atol=1e-12)
    along = np.einsum("ijkl,kl->ij", J, E)
    np.testing.assert_allclose(along, -Xi @ E @ Xi, atol=1e-12)
    assert np.max(np.abs(along + Xi @ Xi @ E)) > 1e-4


def test_jacobi_first_order_term_is_the_trace():
    # section 5: det(I + tE) = 1 + t tr E + O(t^2), for 2 x 2 to 4 x 4
    t = sp.symbols("t")
    for n in (2, 3, 4):
        E = sp.Matrix(n, n, sp.symbols(f"e0:{n * n}"))
        det = sp.expand((sp.eye(n) + t * E).det())
        assert det.coeff(t, 0) == 1
        assert sp.expand(det.coeff(t, 1) - E.trace()) == 0


@pytest.mark.parametrize("seed", SEEDS)
def test_first_order_error_slopes(seed):
    # figure 2: error ~ t^2 with X^{-T}, ~ t with the guess X^{-1}
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 6))
    X, E = invertible(rng, n), rng.standard_normal((n, n))
    E /= np.linalg.norm(E)

    def logdet(Y):
        return np.log(np.linalg.det(Y))

    def err(G, t):
        return abs(logdet(X + t * E) - logdet(X) - t * np.sum(G * E))

    Xi = np.linalg.inv(X)
    good = np.log10(err(Xi.T, 1e-2) / err(Xi.T, 1e-3))
    bad = np.log10(err(Xi, 1e-3) / err(Xi, 1e-4))
    assert good == pytest.approx(2.0, abs=0.1)
    assert bad == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_results(seed):
    # section 6: diag(s) - s s^T (rows sum to 0), I - 1 s^T, s - y for
    # any y whose entries sum to 1
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    z = 3 * rng.standard_normal(n)
    s = softmax(z)
    J = numeric.jacobian(softmax, z)
    np.testing.assert_allclose(J, np.diag(s) - np.outer(s, s), atol=1e-13)
    np.testing.assert_allclose(J.sum(axis=1), 0, atol=1e-13)
    np.testing.assert_allclose(numeric.jacobian(log_softmax, z),
                               np.eye(n) - np.outer(np.ones(n), s),
                               atol=1e-13)
    y = rng.random(n)
    y /= y.sum()                                      # not one-hot
    np.testing.assert_allclose(
        numeric.gradient(lambda v: -y @ log_softmax(v), z), s - y,
        atol=1e-13)


def test_exercise_solutions():
    # exercises 4 and 6 at one more point each
    rng = np.random.default_rng(9)
    A, X = rng.standard_normal((3, 3)), invertible(rng, 3)
    Xi = np.linalg.inv(X)
    assert check_gradient(lambda Y: np.trace(np.linalg.inv(Y) @ A),
                          lambda Y: -Xi.T @ A.T @ Xi.T, X)
    Xf = rng.standard_normal((5, 4))
    U = rng.standard_normal((5, 2))
    V = np.linalg.solve(U.T @ U, U.T @ Xf)
    assert np.max(np.abs(-2 * U.T @ (Xf - U @ V))) < 1e-12


TABLE = ["linear-form", "quadratic-form", "squared-norm", "l2-norm",
         "bilinear-wrt-X", "trace-AX", "trace-XtAX",
         "frobenius-squared", "factorization-wrt-U",
         "factorization-wrt-V", "log-det", "det", "inverse", "softmax",
         "log-softmax", "softmax-cross-entropy"]
FROM_EXERCISES = ["trace-AXB", "trace-inverse", "least-squares",
                  "least-squares-hessian", "logdet-line",
                  "logdet-line-second"]


@pytest.mark.parametrize("name", TABLE + FROM_EXERCISES)
def test_every_row_of_the_layout_table_is_a_passing_rule(name):
    # section 7: the table's rows are registered, and verify passes
    assert identities.verify(name, trials=2, seed=1).passed


def test_the_chapter_covers_every_chapter_8_rule():
    # every rule registered with chapter 8 is a row of the chapter's table
    ch8 = {r.name for r in identities.by_chapter(8)}
    assert ch8 <= set(TABLE + FROM_EXERCISES)
