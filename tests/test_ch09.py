"""General forms of the claims that chapter 9 checks at one point.

*Backpropagation through the layers of modern networks* derives each
layer's backward function and checks it once. These tests check the same
statements at random sizes and points (fixed seeds): every backward
function of mathlib.layers by the adjoint test against mathlib.numeric,
the vec/Kronecker form, convolution as a matrix, the layer-norm
projection, the coupling of batch norm, scatter-add, the conventions at
ties, the transformer block end to end, and chapter 9's rules in the
registry (the functions they state are the layers of mathlib.layers). When
PyTorch is installed, the block's gradients are also compared with
PyTorch's autograd, an independent reference.
"""
import numpy as np
import pytest

from mathlib import identities, layers, numeric
from mathlib.check import check_gradient
from mathlib.layers import adjoint_gap

SEEDS = range(3)
TOL = 1e-9


def gaps(f, backward, args, rng):
    """adjoint_gap for each argument i of f(*args), backward(G)[i]."""
    out = []
    for i, arg in enumerate(args):
        def fi(z, i=i):
            a = list(args)
            a[i] = z
            return f(*a)
        out.append(adjoint_gap(fi, lambda G, i=i: backward(G)[i], arg,
                               rng))
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_attention_backward_with_batch_heads_and_mask(seed):
    rng = np.random.default_rng(seed)
    B, H, T, d, dv = rng.integers(1, 4), rng.integers(1, 4), \
        rng.integers(2, 7), rng.integers(1, 6), rng.integers(1, 5)
    Q, K = rng.standard_normal((2, B, H, T, d))
    V = rng.standard_normal((B, H, T, dv))
    for causal in (True, False):
        g = gaps(lambda q, k, v: layers.attention(q, k, v, causal),
                 lambda G: layers.attention_backward(G, Q, K, V, causal),
                 [Q, K, V], rng)
        assert max(g) < TOL, (causal, g)


def test_masked_scores_get_no_gradient_and_a_forgotten_mask_is_caught():
    rng = np.random.default_rng(5)
    Q, K, V, G = rng.standard_normal((4, 5, 3))
    dQ = layers.attention_backward(G, Q, K, V)[0]
    forgot = layers.attention_backward(G, Q, K, V, causal=False)[0]
    f = lambda q: layers.attention(q, K, V)                    # noqa
    assert adjoint_gap(f, lambda G: layers.attention_backward(
        G, Q, K, V)[0], Q) < TOL
    assert adjoint_gap(f, lambda G: layers.attention_backward(
        G, Q, K, V, causal=False)[0], Q) > 1e-3
    assert not np.allclose(dQ, forgot)
    # the last query sees every key: its row is the same either way
    assert np.allclose(dQ[-1], forgot[-1])


def test_attention_gradient_is_right_where_all_scores_tie():
    rng = np.random.default_rng(6)
    K, V, G = rng.standard_normal((3, 4, 3))
    res = check_gradient(
        lambda q: np.sum(G * layers.attention(q, K, V)),
        lambda q: layers.attention_backward(G, q, K, V)[0],
        np.zeros((4, 3)))
    assert res


def test_softmax_saturates_without_the_scale():
    """Figure 1: the Jacobian norm falls with d unscaled, not scaled."""
    rng = np.random.default_rng(7)

    def jac_norm(d, scale):
        q, k = rng.standard_normal((1, d)), rng.standard_normal((400, 16, d))
        p = layers.softmax((q * k).sum(-1) * scale)
        J = p[:, :, None] * np.eye(16) - p[:, :, None] * p[:, None, :]
        return np.linalg.norm(J, axis=(1, 2)).mean()
    assert jac_norm(1024, 1.0) < 0.3 * jac_norm(4, 1.0)
    assert jac_norm(1024, 1 / 32) == pytest.approx(jac_norm(4, 0.5),
                                                   rel=0.2)


@pytest.mark.parametrize("seed", SEEDS)
def test_vec_kronecker_and_the_linear_layer(seed):
    rng = np.random.default_rng(seed)
    N, n, m, k = rng.choice(np.arange(2, 7), 4, replace=False)
    A, X, B = (rng.standard_normal(s) for s in [(k, n), (n, m), (m, N)])
    vec = lambda M: M.reshape(-1, order="F")                  # noqa
    assert np.allclose(vec(A @ X @ B), np.kron(B.T, A) @ vec(X))
    X, W, b = (rng.standard_normal(s) for s in [(N, n), (m, n), m])
    J = numeric.jacobian(
        lambda w: vec((X @ w.reshape(m, n, order="F").T).T), vec(W))
    assert np.allclose(J, np.kron(X, np.eye(m)))
    g = gaps(layers.linear, lambda G: layers.linear_backward(G, X, W),
             [X, W, b], rng)
    assert max(g) < TOL


@pytest.mark.parametrize("seed", SEEDS)
def test_norm_layers(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((2, 3, 5))
    gam, bet = rng.standard_normal((2, 5))
    g = gaps(layers.layer_norm,
             lambda G: layers.layer_norm_backward(G, X, gam), [X, gam, bet],
             rng)
    g += gaps(layers.rms_norm, lambda G: layers.rms_norm_backward(
        G, X, gam), [X, gam], rng)
    X2 = rng.standard_normal((6, 4))
    g += gaps(layers.batch_norm, lambda G: layers.batch_norm_backward(
        G, X2, gam[:4]), [X2, gam[:4], bet[:4]], rng)
    assert max(g) < TOL


@pytest.mark.parametrize("seed", SEEDS)
def test_layer_norm_jacobian_is_a_projection(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 8))
    x = rng.standard_normal(n)
    xhat = (x - x.mean()) / x.std()
    Pi = np.eye(n) - 1 / n - np.outer(xhat, xhat) / n
    J = numeric.jacobian(lambda v: layers.layer_norm(v, np.ones(n), 0.0,
                                                     eps=0.0), x)
    assert np.allclose(J, Pi / x.std())
    assert np.allclose(Pi @ Pi, Pi) and np.linalg.matrix_rank(Pi) == n - 2
    r = np.sqrt(np.mean(x * x))
    J_rms = numeric.jacobian(lambda v: layers.rms_norm(v, np.ones(n), 0.0),
                             x)
    assert np.allclose(J_rms, (np.eye(n) - np.outer(x, x) / (n * r * r))
                       / r)


def test_batch_norm_couples_the_examples():
    rng = np.random.default_rng(8)
    X, g = rng.standard_normal((5, 3)), np.ones(3)
    G = np.zeros((5, 3))
    G[0] = rng.standard_normal(3)                 # the loss sees row 1
    dX = layers.batch_norm_backward(G, X, g)[0]
    assert np.abs(dX[1:]).min() > 0               # yet every row moves
    assert np.allclose(dX.sum(axis=0), 0)
    constants = g * G / np.sqrt(X.var(axis=0) + 1e-5)
    f = lambda z: layers.batch_norm(z, g, 0.0)    # noqa
    assert adjoint_gap(f, lambda G: constants * 0 + g * G / np.sqrt(
        X.var(axis=0) + 1e-5), X) > 1e-3


@pytest.mark.parametrize("stride, padding", [(1, 0), (2, 1), (3, 2),
                                             (2, 0)])
def test_conv1d_matrix_transposed_convolution_and_correlation(stride,
                                                              padding):
    rng = np.random.default_rng(stride + 10 * padding)
    n, k = 9, 3
    x, w = rng.standard_normal(n), rng.standard_normal(k)
    C = layers.conv1d_matrix(w, n, stride, padding)
    assert np.allclose(numeric.jacobian(
        lambda v: layers.conv1d(v, w, stride, padding), x), C)
    y_bar = rng.standard_normal(C.shape[0])
    dx, dw = layers.conv1d_backward(y_bar, x, w, stride, padding)
    assert np.allclose(dx, C.T @ y_bar)
    dil = np.zeros(stride * (len(y_bar) - 1) + 1)
    dil[::stride] = y_bar                         # s - 1 zeros between
    full = layers.conv1d(np.pad(dil, k - 1), w[::-1])
    assert np.allclose(full[padding:padding + n], dx[:len(full)])
    assert np.allclose(dw, numeric.gradient(
        lambda v: y_bar @ layers.conv1d(x, v, stride, padding), w))


def _conv2d_loops(x, w, padding):
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    O, C, kh, kw = w.shape
    H, W = xp.shape[1] - kh + 1, xp.shape[2] - kw + 1
    y = np.zeros((O, H, W))
    for o in range(O):
        for i in range(H):
            for j in range(W):
                y[o, i, j] = np.sum(w[o] * xp[:, i:i + kh, j:j + kw])
    return y


@pytest.mark.parametrize("padding", [0, 1, 2])
def test_conv2d_forward_and_backward(padding):
    rng = np.random.default_rng(padding)
    x, w = rng.standard_normal((2, 5, 4)), rng.standard_normal((3, 2, 2, 3))
    assert np.allclose(layers.conv2d(x, w, padding),
                       _conv2d_loops(x, w, padding))
    g = gaps(lambda a, b: layers.conv2d(a, b, padding),
             lambda G: layers.conv2d_backward(G, x, w, padding), [x, w],
             rng)
    assert max(g) < TOL


def test_embedding_is_a_scatter_add():
    rng = np.random.default_rng(9)
    ids = np.array([[1, 4, 1], [0, 1, 2]])
    E, G = rng.standard_normal((5, 3)), rng.standard_normal((2, 3, 3))
    dE = layers.embedding_backward(G, ids, 5)
    assert np.allclose(dE, numeric.gradient(
        lambda e: np.sum(G * layers.embedding(ids, e)), E))
    assert np.allclose(dE[1], G[0, 0] + G[0, 2] + G[1, 1])
    assert np.all(dE[3] == 0)


def test_ties_follow_the_frameworks_convention():
    x = np.array([0.0, -2.0, 3.0, 3.0])
    assert list(layers.relu_backward(np.ones(4), x)) == [0, 0, 1, 1]
    assert list(layers.max_pool1d_backward(np.array([1.0, 1.0]), x, 2)) \
        == [1, 0, 1, 0]
    central = numeric.gradient(lambda v: np.sum(layers.max_pool1d(v, 2)),
                               x, method="central")
    assert np.allclose(central, [1, 0, 0.5, 0.5])


def test_residual_keeps_the_product_of_jacobians_from_vanishing():
    rng = np.random.default_rng(10)
    plain, res = np.eye(16), np.eye(16)
    for _ in range(50):
        J = 0.5 * rng.standard_normal((16, 16)) / 4
        plain, res = plain @ J, res @ (np.eye(16) + J)
    assert np.linalg.norm(plain, 2) < 1e-10 < 1 < np.linalg.norm(res, 2)


@pytest.mark.parametrize("seed", [0, 1])
def test_block_gradients_end_to_end(seed):
    rng = np.random.default_rng(seed)
    p = layers.block_init(6, 3, 10, rng)
    x, target = rng.standard_normal((2, 2, 4, 6))
    dy = 2 * (layers.block(x, p, 3) - target) / target.size
    dx, grads = layers.block_backward(dy, x, p, 3)
    assert set(grads) == set(p)
    for name in p:
        def loss(v, name=name):
            return layers.block_loss(x, {**p, name: v}, 3, target)
        assert check_gradient(loss, lambda v, name=name: grads[name],
                              p[name]), name
    assert adjoint_gap(lambda z: layers.block(z, p, 3), lambda G:
                       layers.block_backward(G, x, p, 3)[0], x, rng) < TOL


def test_block_trains_on_the_previous_token_task():
    """Section 6 in small: with Adam on the hand-derived gradients the
    loss falls well below that of predicting zeros."""
    rng = np.random.default_rng(2)
    X = rng.standard_normal((16, 6, 8))
    Y = np.concatenate([np.zeros((16, 1, 8)), X[:, :-1]], 1)
    p = layers.block_init(8, 2, 16, np.random.default_rng(3))
    p["pos"] = 2.0 * np.random.default_rng(4).standard_normal((6, 8))
    ids = np.broadcast_to(np.arange(6), (16, 6))
    m1 = {k: 0 * v for k, v in p.items()}
    m2 = {k: 0 * v for k, v in p.items()}
    losses = []
    for t in range(1, 201):
        x_in = X + layers.embedding(ids, p["pos"])
        r = layers.block(x_in, p, 2) - Y
        losses.append(np.mean(r ** 2))
        dx, g = layers.block_backward(2 * r / r.size, x_in, p, 2)
        g["pos"] = layers.embedding_backward(dx, ids, 6)
        for k in p:
            m1[k] = 0.9 * m1[k] + 0.1 * g[k]
            m2[k] = 0.999 * m2[k] + 0.001 * g[k] ** 2
            p[k] -= 0.03 * (m1[k] / (1 - 0.9 ** t)) / (
                np.sqrt(m2[k] / (1 - 0.999 ** t)) + 1e-8)
    assert losses[-1] < 0.7 * np.mean(Y ** 2) < losses[0], losses[-1]


def test_block_rejects_heads_that_do_not_divide_d():
    with pytest.raises(ValueError, match="heads = 3 must divide d = 8"):
        layers.block_init(8, 3, 4, np.random.default_rng(0))


# ------------------------------------------------------------ the rules


CH9 = ["linear-vjp-W", "attention-vjp-Q", "attention-vjp-K",
       "attention-vjp-V", "layer-norm", "rms-norm", "batch-norm-vjp",
       "conv1d-vjp-x", "conv1d-vjp-w", "embedding-vjp", "residual"]


def test_chapter_9_rules_are_registered_and_verify():
    assert [r.name for r in identities.by_chapter(9)] == CH9
    for name in CH9:
        result = identities.verify(name, trials=3, seed=1)
        assert result.passed, result
        assert identities.get(name).formulas is not None


def test_a_wrong_chapter_9_formula_fails_verification():
    # the printed gradient of attention with the mask forgotten in P
    from mathlib.identities import _rules_layers as L
    from mathlib.identities._expr import Frac, Had, T, softmax_rows, sqrt
    P = softmax_rows(Frac(L.Q * T(L.K), sqrt(L._m)))     # not causal
    Sbar = Had(P, L._GV - Had(P, L._GV) * L._ONE_n * T(L._ONE_n))
    wrong = identities.formula_rule(
        "attention-no-mask", "wrong", 9, L._ATT_F, L.Q,
        Frac(T(L.K) * T(Sbar), sqrt(L._m)), Frac(Sbar * L.K, sqrt(L._m)),
        where=L._ATT, arrange="matrix", shape_num=r"m \times n",
        shape_den=r"n \times m", shapes=L._att_shapes)
    result = identities.verify(wrong)
    assert not result.passed and "numerator layout" in result.message
    # and a wrong printed shape (n for the n + k entries of x) too
    short = identities.formula_rule(
        "conv-shape", "wrong shape", 9, L._CONV_F, L.x,
        L.T(L.g) * L.conv_matrix(L.w, L.x), shape_num=r"1 \times n",
        shapes=L._conv_shapes)
    assert "printed shape" in identities.verify(short).message


def _layer_point(name, rng):
    """Arguments of a chapter 9 rule, and what mathlib.layers computes
    from them: (f, its gradient or Jacobian by the rule's variable)."""
    rule = identities.get(name)
    a = rule.sample_args(rng, identities.random_dims(rng))
    if name == "linear-vjp-W":
        f = np.sum(a["G"] * layers.linear(a["X"], a["W"],
                                          np.zeros(len(a["W"]))))
        return a, f, layers.linear_backward(a["G"], a["X"], a["W"])[1]
    if name.startswith("attention"):
        Q, K, V, G = a["Q"], a["K"], a["V"], a["G"]
        f = np.sum(G * layers.attention(Q, K, V, causal=True))
        grads = layers.attention_backward(G, Q, K, V, causal=True)
        return a, f, grads["QKV".index(name[-1])]
    if name == "layer-norm":
        x, gamma = a["x"], a["gamma"]
        J = np.array([layers.layer_norm_backward(e, x, gamma)[0]
                      for e in np.eye(len(x))])          # rows: e_i^T J
        return a, layers.layer_norm(x, gamma, 0.0), J
    if name == "rms-norm":
        x, gamma = a["x"], a["gamma"]
        J = np.array([layers.rms_norm_backward(e, x, gamma)[0]
                      for e in np.eye(len(x))])
        return a, layers.rms_norm(x, gamma), J
    if name == "batch-norm-vjp":
        X, gamma, G = a["X"], a["gamma"], a["G"]
        f = np.sum(G * layers.batch_norm(X, gamma, 0.0))
        return a, f, layers.batch_norm_backward(G, X, gamma)[0]
    if name.startswith("conv1d"):
        x, w, g = a["x"], a["w"], a["g"]
        grads = layers.conv1d_backward(g, x, w)
        return a, g @ layers.conv1d(x, w), grads[name.endswith("w")]
    if name == "embedding-vjp":
        E, ids, G = a["E"], a["ids"], a["G"]
        return a, np.sum(G * layers.embedding(ids, E)), \
            layers.embedding_backward(G, ids, len(E))
    x, A = a["x"], a["A"]              # residual: no layer function
    F = lambda v: v + np.tanh(A @ v)   # noqa: E731
    return a, F(x), numeric.jacobian(F, x)


@pytest.mark.parametrize("name", CH9)
def test_chapter_9_rules_state_the_chapters_layers(name):
    # the registered function is the layer of mathlib.layers, and the
    # printed derivative is its backward function (for the norms: the
    # Jacobian whose rows the backward function gives)
    rng = np.random.default_rng(9)
    rule = identities.get(name)
    for _ in range(3):
        args, f, backward = _layer_point(name, rng)
        assert np.allclose(rule.function(**args), f, rtol=1e-12,
                           atol=1e-12)
        assert np.allclose(rule.derivative(**args), backward, rtol=1e-10,
                           atol=1e-12)


# ------------------------------------- an independent reference: PyTorch


def test_block_gradients_agree_with_pytorch():
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(11)
    d, heads, hidden = 6, 2, 10
    p = layers.block_init(d, heads, hidden, rng)
    p.update(g1=1 + 0.1 * rng.standard_normal(d),
             b1=0.1 * rng.standard_normal(d),
             g2=1 + 0.1 * rng.standard_normal(d),
             b2=0.1 * rng.standard_normal(d))
    x, target = rng.standard_normal((2, 3, 4, d))
    dy = 2 * (layers.block(x, p, heads) - target) / target.size
    dx, grads = layers.block_backward(dy, x, p, heads)

    tp = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    tx = torch.tensor(x, requires_grad=True)
    F = torch.nn.functional
    a = F.layer_norm(tx, (d,), tp["g1"], tp["b1"], eps=1e-5)

    def split(t):
        return t.reshape(3, 4, heads, d // heads).transpose(1, 2)
    q, k, v = (split(a @ tp[n].T) for n in ("Wq", "Wk", "Wv"))
    o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    u = tx + o.transpose(1, 2).reshape(3, 4, d) @ tp["Wo"].T
    m = F.layer_norm(u, (d,), tp["g2"], tp["b2"], eps=1e-5)
    y = u + F.linear(F.relu(F.linear(m, tp["W1"], tp["c1"])), tp["W2"],
                     tp["c2"])
    loss = ((y - torch.tensor(target)) ** 2).mean()
    loss.backward()
    assert np.allclose(tx.grad.numpy(), dx, rtol=1e-10, atol=1e-12)
    for name in p:
        assert np.allclose(tp[name].grad.numpy(), grads[name], rtol=1e-10,
                           atol=1e-12), name


def test_conv_and_tie_conventions_agree_with_pytorch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(12)
    x, w = rng.standard_normal((2, 5, 6)), rng.standard_normal((3, 2, 3, 3))
    G = rng.standard_normal((3, 5, 6))
    tx = torch.tensor(x[None], requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    (F.conv2d(tx, tw, padding=1) * torch.tensor(G[None])).sum().backward()
    dx, dw = layers.conv2d_backward(G, x, w, 1)
    assert np.allclose(tx.grad.numpy()[0], dx)
    assert np.allclose(tw.grad.numpy(), dw)
    x1 = rng.standard_normal(9)
    w1 = rng.standard_normal(3)
    g1 = rng.standard_normal(5)
    t1 = torch.tensor(x1[None, None], requires_grad=True)
    (F.conv1d(t1, torch.tensor(w1[None, None]), stride=2, padding=1)[0, 0]
     * torch.tensor(g1)).sum().backward()
    assert np.allclose(t1.grad.numpy()[0, 0],
                       layers.conv1d_backward(g1, x1, w1, 2, 1)[0])
    tie = torch.tensor([[[0.0, -2.0, 3.0, 3.0]]], dtype=torch.float64,
                       requires_grad=True)
    F.max_pool1d(tie, 2).sum().backward()
    xt = np.array([0.0, -2.0, 3.0, 3.0])
    assert np.array_equal(tie.grad.numpy()[0, 0], layers.max_pool1d_backward(
        np.ones(2), xt, 2))
    r = torch.tensor([0.0, -2.0, 3.0], dtype=torch.float64,
                     requires_grad=True)
    F.relu(r).sum().backward()
    assert np.array_equal(r.grad.numpy(), layers.relu_backward(
        np.ones(3), np.array([0.0, -2.0, 3.0])))
