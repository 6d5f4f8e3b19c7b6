"""General forms of claims that chapters 4 and 5 check on one example.

Chapter 4 (Jacobians): rows of the Jacobian are transposed gradients, the
Jacobian is the best linear map (quadratic error), element-wise operations
have diagonal Jacobians while cumsum and centring do not, the shapes of
scalar expansion and reductions, and denominator layout is the transpose.
Chapter 5 (chain rules): the vector chain rule at random non-square sizes
in both layouts, the total derivative of x + x^2, forward and reverse mode
on the chapter's graph, the cost of the two orders of a Jacobian product,
and mathlib.autodiff against numeric.gradient.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import autodiff, numeric, symbolic
from mathlib.check import check_jacobian

SEEDS = range(4)


def sizes(rng, k=3):
    """k distinct sizes in 2..6 (so that a transpose cannot pass)."""
    return [int(v) for v in rng.choice(np.arange(2, 7), k, replace=False)]


# --------------------------------------------------------------- chapter 4

def ch4_f(p):
    return np.array([p[0] ** 2 * p[1], 5 * p[0] + p[1] ** 3])


def test_worked_example_of_chapter_4():
    # section 2: J(1, 2) = [[4, 1], [5, 12]]; section 3: J v = (3.2, 12.6)
    J = numeric.jacobian(ch4_f, np.array([1.0, 2.0]))
    assert np.allclose(J, [[4, 1], [5, 12]], atol=1e-12)
    jv = numeric.directional_derivative(ch4_f, np.array([1.0, 2.0]),
                                        np.array([0.6, 0.8]))
    assert np.allclose(jv, [3.2, 12.6])


@pytest.mark.parametrize("seed", SEEDS)
def test_rows_are_transposed_gradients_and_layouts(seed):
    # section 2: row i is grad f_i^T; denominator layout is J^T
    rng = np.random.default_rng(seed)
    n, m = sizes(rng, 2)
    A, B = rng.standard_normal((m, n)), rng.standard_normal((m, n))

    def f(v):
        return np.tanh(A @ v) * (B @ v)

    x = rng.standard_normal(n)
    J = numeric.jacobian(f, x)
    assert J.shape == (m, n)
    for i in range(m):
        assert np.allclose(J[i], numeric.gradient(lambda v: f(v)[i], x))
    xs = sp.symbols(f"x1:{n + 1}")
    exprs = [sum(int(c) * s for c, s in zip(row, xs)) ** 2
             for row in rng.integers(-3, 4, (m, n))]
    num = symbolic.jacobian(exprs, xs)
    den = symbolic.jacobian(exprs, xs, layout="denominator")
    assert num.shape == (m, n) and den == num.T


@pytest.mark.parametrize("seed", SEEDS)
def test_jacobian_is_the_best_linear_map(seed):
    # section 3: error of f(x) + J e is O(|e|^2), with J + noise O(|e|)
    rng = np.random.default_rng(seed)
    x, d = rng.standard_normal(2), rng.standard_normal(2)
    d /= np.linalg.norm(d)
    J = numeric.jacobian(ch4_f, x)
    wrong = J + 0.1 * rng.standard_normal((2, 2))

    def error(t, M):
        return np.linalg.norm(ch4_f(x + t * d) - ch4_f(x) - t * M @ d)

    assert error(1e-3, J) / error(1e-4, J) == pytest.approx(100, rel=0.05)
    assert error(1e-3, wrong) / error(1e-4, wrong) == pytest.approx(
        10, rel=0.05)


ELEMENTWISE = {
    "add": (lambda x, y: x + y, lambda x, y: np.eye(len(x)),
            lambda x, y: np.eye(len(x))),
    "sub": (lambda x, y: x - y, lambda x, y: np.eye(len(x)),
            lambda x, y: -np.eye(len(x))),
    "hadamard": (lambda x, y: x * y, lambda x, y: np.diag(y),
                 lambda x, y: np.diag(x)),
    "div": (lambda x, y: x / y, lambda x, y: np.diag(1 / y),
            lambda x, y: np.diag(-x / y**2)),
    "max": (np.maximum, lambda x, y: np.diag((x > y) * 1.0),
            lambda x, y: np.diag((x < y) * 1.0)),
}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("op", ELEMENTWISE)
def test_elementwise_binary_jacobians(op, seed):
    # section 4 and exercise 2: diagonal, by hand = numeric
    rng = np.random.default_rng(seed)
    n = sizes(rng, 1)[0]
    x = rng.standard_normal(n)
    y = (0.5 + rng.random(n)) * rng.choice([-1.0, 1.0], n)  # no 0, no tie
    fun, by_x, by_y = ELEMENTWISE[op]
    assert check_jacobian(lambda v: fun(v, y), lambda v: by_x(v, y), x)
    assert check_jacobian(lambda v: fun(x, v), lambda v: by_y(x, v), y)
    J = numeric.jacobian(lambda v: fun(v, y), x)
    assert np.allclose(J, np.diag(np.diag(J)), atol=1e-12)


@pytest.mark.parametrize("n", [2, 3, 6])
def test_operations_that_are_not_elementwise(n):
    # section 4, figure 2 and exercise 6: cumsum and centring
    x = np.random.default_rng(n).standard_normal(n)
    assert np.allclose(numeric.jacobian(np.cumsum, x),
                       np.tril(np.ones((n, n))))
    C = numeric.jacobian(lambda v: v - np.mean(v), x)
    assert np.allclose(C, np.eye(n) - np.ones((n, n)) / n)
    assert np.allclose(C @ np.ones(n), 0, atol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_scalar_expansion_and_reductions(seed):
    # sections 5 and 6: shapes f(x).shape + x.shape, and the values
    rng = np.random.default_rng(seed)
    n = sizes(rng, 1)[0]
    x, w, z = rng.standard_normal(n), rng.standard_normal(n), 0.7
    for fun, expected in [(lambda s: x + s, np.ones(n)),
                          (lambda s: s * x, x),
                          (lambda s: x / s, -x / z**2)]:
        J = numeric.jacobian(fun, z)
        assert J.shape == (n,) and np.allclose(J, expected)
    assert np.allclose(numeric.jacobian(lambda v: z * v, x), z * np.eye(n))
    assert np.allclose(numeric.jacobian(np.sum, x), np.ones(n))
    assert np.allclose(numeric.jacobian(lambda v: v @ x, w), x)
    assert np.isclose(numeric.derivative(lambda s: np.sum(s * x), z),
                      np.sum(x))


# --------------------------------------------------------------- chapter 5

def test_single_variable_and_total_derivative():
    # sections 1 and 2: sin(x^2), and x + x^2 (the recipe's 2x is wrong)
    x = sp.Symbol("x", real=True)
    assert sp.diff(sp.sin(x**2), x) == 2 * x * sp.cos(x**2)
    assert numeric.derivative(lambda t: np.sin(t**2), 1.5) == \
        pytest.approx(3 * np.cos(2.25), rel=1e-14)
    assert sp.diff(x + x**2, x) == 1 + 2 * x
    d_f_du = np.array([[1.0, 1.0]])            # y = u0 + u1
    d_u_dx = np.array([[1.0], [2 * 3.0]])      # u = (x, x^2) at x = 3
    assert (d_f_du @ d_u_dx).item() == 7.0


@pytest.mark.parametrize("seed", SEEDS)
def test_vector_chain_rule_in_both_layouts(seed):
    # section 3: (m x k)(k x n) in numerator layout, reversed in
    # denominator layout; the other order does not even multiply
    rng = np.random.default_rng(seed)
    n, k, m = sizes(rng, 3)
    A, B = rng.standard_normal((k, n)), rng.standard_normal((m, k))
    x = rng.standard_normal(n)
    J_ux = np.cos(A @ x)[:, None] * A
    J_yu = (1 - np.tanh(B @ np.sin(A @ x)) ** 2)[:, None] * B
    J = numeric.jacobian(lambda v: np.tanh(B @ np.sin(A @ v)), x)
    assert np.allclose(J_yu @ J_ux, J)
    assert np.allclose(J_ux.T @ J_yu.T, J.T)
    with pytest.raises(ValueError):
        J_ux @ J_yu
    g = rng.standard_normal(k)     # a scalar loss: a vector-Jacobian product
    assert np.allclose(numeric.gradient(lambda v: g @ np.sin(A @ v), x),
                       J_ux.T @ g)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_richer_graph(seed):
    # sections 4 to 7: f = (wx + y) wxz; at (2, 3, -1, 2): (66, 44, 12, 30)
    def f(w, x, y, z):
        a = w * x
        return (a + y) * (a * z)

    assert np.allclose(autodiff.grad(f, [2.0, 3.0, -1.0, 2.0]),
                       [66, 44, 12, 30])
    p = np.random.default_rng(seed).standard_normal(4)
    w, x, y, z = p
    by_hand = [x * z * (2 * w * x + y), w * z * (2 * w * x + y), w * x * z,
               (w * x + y) * w * x]
    assert np.allclose(autodiff.grad(f, p), by_hand)
    assert np.allclose(numeric.gradient(lambda q: f(*q), p), by_hand)


@pytest.mark.parametrize("seed", SEEDS)
def test_autodiff_matches_numeric_on_the_chapter_functions(seed):
    # section 7: the neuron with tanh and a squared error
    def loss(w1, w2, b, x1, x2, t):
        return ((w1 * x1 + w2 * x2 + b).tanh() - t) ** 2

    def loss_np(q):
        return (np.tanh(q[0] * q[3] + q[1] * q[4] + q[2]) - q[5]) ** 2

    q = np.random.default_rng(seed).standard_normal(6)
    assert np.allclose(autodiff.grad(loss, q),
                       numeric.gradient(loss_np, q), rtol=1e-12,
                       atol=1e-14)


def test_order_of_a_jacobian_product():
    # section 6: p x q times q x r costs pqr; from the left is cheaper
    def cost(shapes):
        total, (p, q) = 0, shapes[0]
        for q2, r in shapes[1:]:
            assert q == q2
            total += p * q * r
            q = r
        return total

    k, n = 100, 1000
    assert cost([(1, k), (k, k), (k, n)]) == 110_000           # reverse
    assert cost([(k, k), (k, n)]) + cost([(1, k), (k, n)]) == 10_100_000
