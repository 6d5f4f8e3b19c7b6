"""General forms of the claims chapter 6 checks on examples.

Chapter 6, *Gradients of a neuron, a layer and a loss*, verifies each
formula next to the claim at one or two points. These tests check the
same statements at random sizes and points (fixed seeds): the neuron and
mean-squared-error gradients (and that the classic summary formula is
only right when every example is active), the three gradients of a batch
layer, the two-layer backward pass, softmax with cross-entropy, and the
numbers the chapter's text quotes about training.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import identities, numeric
from mathlib.check import check_gradient, check_jacobian

SEEDS = range(4)


def away(rng, size, margin=0.3):
    """Random values of both signs with |v| >= margin."""
    return (margin + np.abs(rng.standard_normal(size))) \
        * rng.choice([-1.0, 1.0], size)


def mse(w, b, X, y):
    return np.mean((np.maximum(0.0, X @ w + b) - y) ** 2)


def mse_grads(w, b, X, y):
    z = X @ w + b
    delta = 2 / len(y) * (np.maximum(0.0, z) - y) * (z > 0)
    return X.T @ delta, np.sum(delta)


def summary_formula(w, b, X, y):
    """Parr and Howard's (2/N) sum_i e_i x_i with e_i = z_i - y_i, all i."""
    return 2 / len(y) * X.T @ (X @ w + b - y)


def mixed_data(rng, N, n, all_on=False):
    """X, y, w, b with every z_i = w.x_i + b away from 0 (mixed signs
    unless all_on)."""
    w, b = rng.standard_normal(n), float(rng.standard_normal())
    z = np.abs(away(rng, N)) if all_on else away(rng, N)
    if not all_on:
        z[0], z[1] = abs(z[0]), -abs(z[1])       # at least one of each
    X = rng.standard_normal((N, n))
    X += np.outer(z - (X @ w + b), w) / (w @ w)  # move rows to hit z
    return X, rng.standard_normal(N), w, b


@pytest.mark.parametrize("seed", SEEDS)
def test_neuron_gradient(seed):
    # section 2: grad_w max(0, w.x + b) = [z > 0] x, d/db = [z > 0]
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    w, x = rng.standard_normal(n), rng.standard_normal(n)
    b = float(away(rng, 1)[0] - w @ x)           # z = w.x + b, |z| >= 0.3
    on = float(w @ x + b > 0)
    assert check_gradient(lambda v: np.maximum(0.0, v @ x + b),
                          lambda v: on * x, w)
    assert check_gradient(lambda c: np.maximum(0.0, w @ x + c),
                          lambda c: on, b)


def test_relu_has_no_derivative_at_the_kink():
    # section 2: numeric refuses, SymPy's Heaviside(0) is 1/2
    with pytest.raises(ValueError, match="kink"):
        numeric.derivative(lambda t: np.maximum(0.0, t), 0.0)
    w, x = np.array([1.0, -2.0, 0.5]), np.array([2.0, 1.0, 3.0])
    with pytest.raises(ValueError, match="kink"):
        numeric.gradient(lambda v: np.maximum(0.0, v @ x - 1.5), w)
    z = sp.Symbol("z", real=True)
    assert sp.diff(sp.Max(0, z), z).subs(z, 0) == sp.Rational(1, 2)


@pytest.mark.parametrize("seed", SEEDS)
def test_mse_gradient_with_mixed_activity(seed):
    # section 3: (2/N) sum_i e_i [z_i > 0] x_i and its bias counterpart
    rng = np.random.default_rng(seed)
    N, n = int(rng.integers(3, 9)), int(rng.integers(2, 5))
    X, y, w, b = mixed_data(rng, N, n)
    assert check_gradient(lambda v: mse(v, b, X, y),
                          lambda v: mse_grads(v, b, X, y)[0], w)
    assert check_gradient(lambda c: mse(w, c, X, y),
                          lambda c: mse_grads(w, c, X, y)[1], b)


@pytest.mark.parametrize("seed", SEEDS)
def test_summary_formula_is_right_only_when_all_examples_are_on(seed):
    # section 3: the article's summary formula drops the bracket
    rng = np.random.default_rng(seed)
    X, y, w, b = mixed_data(rng, 6, 3)
    assert not check_gradient(lambda v: mse(v, b, X, y),
                              lambda v: summary_formula(v, b, X, y), w)
    X, y, w, b = mixed_data(rng, 6, 3, all_on=True)
    assert check_gradient(lambda v: mse(v, b, X, y),
                          lambda v: summary_formula(v, b, X, y), w)


def test_worked_example_numbers():
    # section 3: gradient (1/3, -8/3), dC/db = -1/3, C = 17/12
    X = np.array([[1.0, 2.0], [-1.0, 1.0], [2.0, -1.0]])
    y, w, b = np.array([3.0, 1.0, 0.0]), np.array([1.0, 0.5]), -0.5
    g_w, g_b = mse_grads(w, b, X, y)
    np.testing.assert_allclose(g_w, [1 / 3, -8 / 3])
    assert g_b == pytest.approx(-1 / 3)
    assert mse(w, b, X, y) == pytest.approx(17 / 12)
    np.testing.assert_allclose(summary_formula(w, b, X, y)[0], 5 / 3)


@pytest.mark.parametrize("seed", SEEDS)
def test_batch_layer_gradients(seed):
    # section 4.2: G^T X, column sums of G, G W, at distinct sizes
    rng = np.random.default_rng(seed)
    N, n, m = (int(v) for v in rng.choice(np.arange(2, 7), 3, False))
    X, W = rng.standard_normal((N, n)), rng.standard_normal((m, n))
    b, T = rng.standard_normal(m), rng.standard_normal((N, m))

    def L(X, W, b):
        return np.sum(np.log(np.cosh(X @ W.T + b - T)))

    def G(X, W, b):
        return np.tanh(X @ W.T + b - T)

    assert check_gradient(lambda V: L(X, V, b),
                          lambda V: G(X, V, b).T @ X, W)
    assert check_gradient(lambda c: L(X, W, c),
                          lambda c: G(X, W, c).sum(axis=0), b)
    assert check_gradient(lambda V: L(V, W, b),
                          lambda V: G(V, W, b) @ W, X)
    J = numeric.jacobian(lambda V: V @ W.T + b, X)      # (N, m, N, n)
    np.testing.assert_allclose(np.tensordot(G(X, W, b), J, axes=2),
                               G(X, W, b) @ W, atol=1e-12)


def test_numerator_layout_gradient_is_caught_for_a_square_layer():
    # section 4.3: X^T G has the shape of a square W and is wrong
    rng = np.random.default_rng(0)
    X, W = rng.standard_normal((5, 3)), rng.standard_normal((3, 3))
    T = rng.standard_normal((5, 3))
    loss = lambda V: np.sum(np.log(np.cosh(X @ V.T - T)))   # noqa: E731
    result = check_gradient(loss, lambda V: X.T @ np.tanh(X @ V.T - T), W)
    assert not result and result.diagnosis == "transpose"


def init_params(rng, n_in, width):
    W1 = rng.standard_normal((width, n_in))
    switch = rng.uniform(-3, 3, width)
    return {"W1": W1, "b1": -W1[:, 0] * switch,
            "W2": rng.standard_normal((1, width)) / np.sqrt(width),
            "b2": np.zeros(1)}


def forward(p, X):
    Z1 = X @ p["W1"].T + p["b1"]
    H = np.maximum(0.0, Z1)
    return Z1, H, H @ p["W2"].T + p["b2"]


def loss(p, X, y):
    return np.mean((forward(p, X)[2][:, 0] - y) ** 2)


def backward(p, X, y, mask=True):
    Z1, H, y_hat = forward(p, X)
    G2 = 2 / len(y) * (y_hat - y[:, None])
    G1 = (G2 @ p["W2"]) * ((Z1 > 0) if mask else 1.0)
    return {"W1": G1.T @ X, "b1": G1.sum(axis=0),
            "W2": G2.T @ H, "b2": G2.sum(axis=0)}


def check_all(p, X, y, mask=True):
    results = {}
    for name in p:
        def f(v, name=name):
            return loss({**p, name: v}, X, y)

        def g(v, name=name):
            return backward({**p, name: v}, X, y, mask)[name]

        results[name] = check_gradient(f, g, p[name])
    return results


@pytest.mark.parametrize("seed", SEEDS)
def test_two_layer_backward_pass(seed):
    # section 5: every parameter's gradient, for inputs of any width
    rng = np.random.default_rng(seed)
    n, h, N = int(rng.integers(1, 4)), int(rng.integers(3, 9)), 30
    X, y = rng.uniform(-3, 3, (N, n)), rng.standard_normal(N)
    p = init_params(rng, n, h)
    p["b2"] = rng.standard_normal(1)
    assert all(check_all(p, X, y).values())


def test_missing_mask_fails_only_the_first_layer():
    # exercise 7: W2, b2 do not see the mask
    rng = np.random.default_rng(3)
    X, y = rng.uniform(-3, 3, (40, 1)), rng.standard_normal(40)
    results = check_all(init_params(rng, 1, 8), X, y, mask=False)
    assert not results["W1"] and not results["b1"]
    assert results["W2"] and results["b2"]


def chapter_data():
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, 200)
    y = np.sin(1.5 * x) + 0.3 * x + 0.1 * rng.standard_normal(200)
    return x[:, None], y


def train(eta, steps=500, mask=True):
    X, y = chapter_data()
    p, history = init_params(np.random.default_rng(1), 1, 16), []
    for _ in range(steps):
        history.append(loss(p, X, y))
        g = backward(p, X, y, mask)
        p = {k: v - eta * g[k] for k, v in p.items()}
    history.append(loss(p, X, y))
    dead = np.all(forward(p, X)[0] <= 0, axis=0).sum()
    return np.array(history), dead


def test_training_numbers_quoted_in_the_text():
    # section 5 and exercises 5 and 7: eta = 0.05 falls at every step to
    # ~0.014; eta = 0.1 triples the loss within four steps and kills one
    # unit
    history, dead = train(0.05)
    assert np.all(np.diff(history) < 0) and dead == 0
    assert history[0] == pytest.approx(0.69, abs=0.005)
    assert history[-1] == pytest.approx(0.014, abs=0.001)
    history, dead = train(0.1)
    assert history[:5].max() > 2.9 * history[0] and dead == 1
    # exercise 7: without the mask the loss bottoms out near 0.032
    history, _ = train(0.05, mask=False)
    assert history.min() == pytest.approx(0.032, abs=0.001)
    assert history[-1] > 1.3 * history.min()


@pytest.mark.parametrize("seed", SEEDS)
def test_softmax_and_cross_entropy(seed):
    # section 6: diag(s) - s s^T, and s - y for any probability vector y
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(rng.integers(2, 7)))
    y = rng.random(x.size)
    y /= y.sum()

    def softmax(v):
        e = np.exp(v - np.max(v))
        return e / e.sum()

    assert check_jacobian(softmax, lambda v: np.diag(softmax(v))
                          - np.outer(softmax(v), softmax(v)), x)
    assert check_gradient(lambda v: -y @ np.log(softmax(v)),
                          lambda v: softmax(v) - y, x)


# the rules the chapter names (sections 2, 4 and 5), and the softmax
# rules of chapter 8 that its section 6 verifies
CHAPTER_6_RULES = [
    "relu", "sigmoid", "tanh", "neuron-wrt-w", "neuron-wrt-b",
    "mse-loss-wrt-w", "mse-loss-wrt-b", "affine-wrt-x", "affine-wrt-b",
    "affine-wrt-W", "affine-loss-wrt-W", "affine-loss-wrt-x",
    "affine-loss-wrt-b", "batch-layer-wrt-W", "batch-layer-wrt-X",
    "batch-layer-wrt-b", "batch-layer-loss-wrt-W", "batch-layer-loss-wrt-X",
    "batch-layer-loss-wrt-b"]


def test_the_rules_the_chapter_names_are_registered_and_verify():
    for name in CHAPTER_6_RULES:
        assert identities.get(name).chapter == 6, name
    names = CHAPTER_6_RULES + ["dot-wrt-x", "softmax", "log-softmax",
                               "softmax-cross-entropy"]
    for name in names + [r.name for r in identities.by_chapter(6)]:
        assert identities.verify(name).passed, name
