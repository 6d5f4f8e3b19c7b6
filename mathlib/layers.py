r"""The layers of modern networks, each with its backward function.

Introduced in chapter 9, *Backpropagation through the layers of modern
networks*.

A framework never forms a layer's Jacobian. For a layer y = f(x) it
stores a *backward function*: given the gradient ``dy`` of the loss with
respect to the output (the shape of y), it returns the gradient with
respect to the input (the shape of x),

    dx = J^T dy      (J the numerator-layout Jacobian dy/dx),

a vector-Jacobian product (VJP). Every function pair below follows that
contract: ``name(...)`` is the forward pass and ``name_backward(dy,
...)`` returns the gradients with respect to each input, each in the
shape of that input (``dW`` has the shape of ``W``: the book's
:math:`\nabla_W L`). :func:`adjoint_gap` checks a backward function
against :mod:`mathlib.numeric` through the identity
``<dy, J v> = <J^T dy, v>``.

Conventions (those of PyTorch, so that weights can be compared):

* a linear layer stores ``W`` as (out, in) and computes
  ``y = x @ W.T + b`` for ``x`` of shape (..., in);
* attention takes ``Q, K`` of shape (..., T, d) and ``V`` of shape
  (..., T, d_v); leading axes are batch and heads;
* layer norm and RMSNorm normalise the last axis, batch norm (training
  mode) the first;
* "convolution" is cross-correlation (no kernel flip), as in every
  framework; ``conv1d`` takes ``x`` (n,) and ``w`` (k,), ``conv2d``
  takes ``x`` (C_in, H, W) and ``w`` (C_out, C_in, kh, kw);
* at a tie, ReLU's backward passes nothing at 0 and max pooling sends
  the gradient to the first largest entry of each window.

Forward functions are safe for complex steps (shifts use the real part),
so :func:`mathlib.numeric.jacobian` can check them.

Examples
--------
>>> x = np.array([[1.0, 2.0, 4.0]])
>>> print(np.round(layer_norm(x, np.ones(3), np.zeros(3)), 4))
[[-1.069  -0.2673  1.3363]]
>>> dx, dg, db = layer_norm_backward(np.ones((1, 3)), x, np.ones(3))
>>> print(np.round(dx, 12) + 0.0)     # a constant dy changes nothing
[[0. 0. 0.]]
"""

import numpy as np

from . import numeric

__all__ = [
    "adjoint_gap", "linear", "linear_backward", "softmax",
    "softmax_backward", "attention", "attention_backward",
    "attention_probs", "causal_mask", "layer_norm", "layer_norm_backward", "rms_norm",
    "rms_norm_backward", "batch_norm", "batch_norm_backward",
    "conv1d", "conv1d_matrix", "conv1d_backward", "conv2d",
    "conv2d_backward", "embedding", "embedding_backward", "relu",
    "relu_backward", "max_pool1d", "max_pool1d_backward",
    "block_init", "block_qkv", "block", "block_backward", "block_loss",
]


def adjoint_gap(f, backward, x, rng=None):
    r"""Relative gap between ``<dy, J v>`` and ``<J^T dy, v>``.

    ``J v`` is computed by :func:`mathlib.numeric.directional_derivative`
    at ``x`` along a random ``v``; ``J^T dy`` is ``backward(dy)`` for a
    random ``dy`` of the shape of ``f(x)``. The gap is
    ``|<dy, J v> - <J^T dy, v>|`` divided by the larger of the two absolute
    values. A correct backward function gives a gap at the level of
    rounding, about 1e-16 (``numeric`` uses the complex step, which has no
    cancellation; up to about 1e-12 for an ``f`` that is not complex-safe);
    a wrong one, a gap near 1.

    Parameters
    ----------
    f : callable
        The forward map of one array, x -> y.
    backward : callable
        dy -> dx, the claimed vector-Jacobian product at ``x``.
    x : ndarray
        The point.
    rng : numpy.random.Generator, optional
        Source of v and dy (seed 0 if not given).

    Returns
    -------
    float

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [0.0, 3.0], [1.0, -1.0]])
    >>> f = lambda x: A @ x
    >>> x = np.array([0.5, -1.0])
    >>> adjoint_gap(f, lambda dy: A.T @ dy, x) < 1e-12
    True
    >>> print(f"{adjoint_gap(f, lambda dy: A[:2].T @ dy[:2], x):.2f}")
    0.51
    """
    rng = np.random.default_rng(0) if rng is None else rng
    x = np.asarray(x, dtype=float)
    v = rng.standard_normal(x.shape)
    dy = rng.standard_normal(np.shape(f(x)))
    # numeric takes vectors and matrices: flatten both sides
    jv = numeric.directional_derivative(
        lambda z: np.ravel(f(z.reshape(x.shape))), x.ravel(), v.ravel())
    jv = jv.reshape(dy.shape)
    lhs, rhs = np.sum(dy * jv), np.sum(backward(dy) * v)
    return float(abs(lhs - rhs) / max(abs(lhs), abs(rhs), 1e-300))


# ----------------------------------------------------------- linear


def linear(x, W, b):
    """y = x W^T + b for x (..., n_in), W (n_out, n_in), b (n_out,).

    >>> print(linear(np.array([1.0, 2.0]), np.eye(2)[::-1], np.ones(2)))
    [3. 2.]
    """
    return x @ W.T + b


def linear_backward(dy, x, W):
    """Gradients (dx, dW, db) of a linear layer, shapes of x, W, b.

    dx = dy W, dW = dy^T x and db = dy summed over every leading axis
    (batch, tokens): a weight used at every position collects the
    gradient of every position.

    >>> dy, x = np.array([[1.0, 0.0]]), np.array([[2.0, 3.0, 4.0]])
    >>> dx, dW, db = linear_backward(dy, x, np.ones((2, 3)))
    >>> print(dW)
    [[2. 3. 4.]
     [0. 0. 0.]]
    """
    dy2, x2 = dy.reshape(-1, dy.shape[-1]), x.reshape(-1, x.shape[-1])
    return dy @ W, dy2.T @ x2, dy2.sum(axis=0)


# ----------------------------------------------------------- softmax


def softmax(S, axis=-1):
    """Softmax along ``axis`` (rows by default); -inf entries give 0.

    >>> print(np.round(softmax(np.array([0.0, np.log(3.0)])), 3))
    [0.25 0.75]
    """
    E = np.exp(S - np.max(np.real(S), axis=axis, keepdims=True))
    return E / np.sum(E, axis=axis, keepdims=True)


def softmax_backward(dP, P, axis=-1):
    """dS = P * (dP - sum(dP * P)), the softmax VJP along ``axis``.

    Row by row this is (diag(p) - p p^T) dp, without forming the matrix.

    >>> P = np.array([0.25, 0.75])
    >>> print(softmax_backward(np.array([1.0, 0.0]), P))
    [ 0.1875 -0.1875]
    """
    return P * (dP - np.sum(dP * P, axis=axis, keepdims=True))


# ----------------------------------------------------------- attention


def causal_mask(T):
    """Boolean (T, T) mask, True where query t may see key u (u <= t).

    >>> causal_mask(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    return np.tril(np.ones((T, T), dtype=bool))


def attention(Q, K, V, causal=True):
    r"""Scaled dot-product attention, O = softmax(Q K^T / sqrt(d)) V.

    Q, K: (..., T, d); V: (..., T, d_v); returns O (..., T, d_v). With
    ``causal``, scores of keys after the query are set to -inf before the
    softmax, so their probabilities are exactly 0.

    >>> Q = K = np.eye(2)[None]
    >>> V = np.array([[[1.0], [3.0]]])
    >>> print(attention(Q, K, V)[0, :, 0])   # row 1 sees only key 1
    [1. 2.]
    """
    return attention_probs(Q, K, causal) @ V


def attention_probs(Q, K, causal=True):
    """P = softmax(Q K^T / sqrt(d)) by rows, masked: shape (..., T, T).

    >>> print(attention_probs(np.zeros((2, 1)), np.zeros((2, 1))))
    [[1.  0. ]
     [0.5 0.5]]
    """
    d = Q.shape[-1]
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(d)
    if causal:
        S = np.where(causal_mask(S.shape[-1]), S, -np.inf)
    return softmax(S)


def attention_backward(dO, Q, K, V, causal=True):
    r"""Gradients (dQ, dK, dV) of :func:`attention`, shapes of Q, K, V.

    With S = Q K^T / sqrt(d) and P = softmax(S) by rows:

        dV = P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dP * P)),
        dQ = dS K / sqrt(d),  dK = dS^T Q / sqrt(d).

    Masked entries have P = 0, hence dS = 0: no gradient flows to them.

    >>> rng = np.random.default_rng(0)
    >>> Q, K, V = rng.standard_normal((3, 2, 4, 3))
    >>> f = lambda q: attention(q, K, V)
    >>> back = lambda dO: attention_backward(dO, Q, K, V)[0]
    >>> adjoint_gap(f, back, Q) < 1e-10
    True
    """
    d = Q.shape[-1]
    P = attention_probs(Q, K, causal)
    dV = np.swapaxes(P, -1, -2) @ dO
    dS = softmax_backward(dO @ np.swapaxes(V, -1, -2), P)
    dQ = dS @ K / np.sqrt(d)
    dK = np.swapaxes(dS, -1, -2) @ Q / np.sqrt(d)
    return dQ, dK, dV


# ----------------------------------------------------------- norms


def _normalize(x, axis, eps):
    mu = np.mean(x, axis=axis, keepdims=True)
    sigma = np.sqrt(np.mean((x - mu) ** 2, axis=axis, keepdims=True)
                    + eps)
    return (x - mu) / sigma, sigma


def _normalize_backward(g, xhat, sigma, axis):
    """VJP of x -> xhat = (x - mean) / sigma: a projection, then 1/sigma.

    g - mean(g) removes the direction of the ones vector, and
    - xhat mean(g xhat) the direction of xhat.
    """
    mean = lambda a: np.mean(a, axis=axis, keepdims=True)  # noqa: E731
    return (g - mean(g) - xhat * mean(g * xhat)) / sigma


def layer_norm(x, gamma, beta, eps=1e-5):
    """Layer norm over the last axis: gamma * (x - mu) / sigma + beta.

    x: (..., n); gamma, beta: (n,); sigma = sqrt(var + eps), the
    biased variance (divide by n), as frameworks use.
    """
    xhat, _ = _normalize(x, -1, eps)
    return gamma * xhat + beta


def layer_norm_backward(dy, x, gamma, eps=1e-5):
    """Gradients (dx, dgamma, dbeta) of :func:`layer_norm`.

    dx = (g - mean(g) - xhat mean(g xhat)) / sigma with g = gamma * dy,
    means over the last axis; dgamma = sum of dy * xhat and dbeta = sum
    of dy over every leading axis.
    """
    xhat, sigma = _normalize(x, -1, eps)
    lead = tuple(range(x.ndim - 1))
    dx = _normalize_backward(gamma * dy, xhat, sigma, -1)
    return dx, np.sum(dy * xhat, axis=lead), np.sum(dy, axis=lead)


def rms_norm(x, gamma, eps=1e-6):
    """RMSNorm over the last axis: gamma * x / sqrt(mean(x^2) + eps)."""
    r = np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    return gamma * x / r


def rms_norm_backward(dy, x, gamma, eps=1e-6):
    """Gradients (dx, dgamma) of :func:`rms_norm`.

    dx = (g - x mean(g x) / r^2) / r with g = gamma * dy: no mean is
    removed, so only the direction of x is projected out.

    >>> x = np.array([3.0, 4.0])
    >>> dx, _ = rms_norm_backward(x, x, np.ones(2), eps=0.0)
    >>> print(dx + 0.0)         # scaling x does not change x / r
    [0. 0.]
    """
    r = np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    g = gamma * dy
    dx = (g - x * np.mean(g * x, axis=-1, keepdims=True) / r ** 2) / r
    lead = tuple(range(x.ndim - 1))
    return dx, np.sum(dy * x / r, axis=lead)


def batch_norm(x, gamma, beta, eps=1e-5):
    """Batch norm in training mode: statistics over the batch axis 0.

    x: (N, C); gamma, beta: (C,). Each example's output depends on every
    example of the batch, through the mean and variance.
    """
    xhat, _ = _normalize(x, 0, eps)
    return gamma * xhat + beta


def batch_norm_backward(dy, x, gamma, eps=1e-5):
    """Gradients (dx, dgamma, dbeta) of :func:`batch_norm` (training).

    The same projection as layer norm, along axis 0: the two mean terms
    are what treating the batch statistics as constants would drop.
    """
    xhat, sigma = _normalize(x, 0, eps)
    dx = _normalize_backward(gamma * dy, xhat, sigma, 0)
    return dx, np.sum(dy * xhat, axis=0), np.sum(dy, axis=0)


# ----------------------------------------------------------- convolution


def _pad1(x, padding):
    return np.pad(x, padding) if padding else x


def conv1d(x, w, stride=1, padding=0):
    """y_i = sum_j w_j x_{i s + j} of the zero-padded x (correlation).

    x: (n,), w: (k,); y has (n + 2p - k) // s + 1 entries.

    >>> print(conv1d(np.arange(5.0), np.array([1.0, -1.0])))
    [-1. -1. -1. -1.]
    >>> print(conv1d(np.arange(5.0), np.ones(3), stride=2, padding=1))
    [1. 6. 7.]
    """
    xp = _pad1(x, padding)
    k = len(w)
    n_out = (len(xp) - k) // stride + 1
    idx = stride * np.arange(n_out)[:, None] + np.arange(k)
    return xp[idx] @ w


def conv1d_matrix(w, n, stride=1, padding=0):
    """The (n_out, n) matrix C with conv1d(x, w, s, p) = C x.

    Each row holds the kernel, shifted by the stride; columns of padding
    are dropped (they multiply zeros).

    >>> print(conv1d_matrix(np.array([1.0, 2.0]), 3))
    [[1. 2. 0.]
     [0. 1. 2.]]
    """
    k = len(w)
    n_out = (n + 2 * padding - k) // stride + 1
    C = np.zeros((n_out, n + 2 * padding))
    for i in range(n_out):
        C[i, i * stride:i * stride + k] = w
    return C[:, padding:padding + n]


def conv1d_backward(dy, x, w, stride=1, padding=0):
    """Gradients (dx, dw) of :func:`conv1d`, shapes of x and w.

    dx = C^T dy is a *transposed convolution*: each dy_i is spread back
    over the k inputs that made y_i. dw_j = sum_i dy_i x_{i s + j}, a
    correlation of the input with dy.

    >>> dx, dw = conv1d_backward(np.ones(2), np.arange(3.0),
    ...                          np.array([1.0, 2.0]))
    >>> print(dx, dw)
    [1. 3. 2.] [1. 3.]
    """
    k, xp = len(w), _pad1(x, padding)
    idx = stride * np.arange(len(dy))[:, None] + np.arange(k)
    dxp = np.zeros(len(xp), dtype=np.result_type(dy, w))
    np.add.at(dxp, idx, dy[:, None] * w)
    dx = dxp[padding:padding + len(x)]
    return dx, dy @ xp[idx]


def _windows(x, kh, kw):
    """(C, H, W) -> (C, H - kh + 1, W - kw + 1, kh, kw) view."""
    return np.lib.stride_tricks.sliding_window_view(x, (kh, kw),
                                                    axis=(1, 2))


def conv2d(x, w, padding=0):
    """2-D correlation, stride 1: x (C_in, H, W), w (C_out, C_in, kh, kw).

    y[o, i, j] = sum_{c, a, b} w[o, c, a, b] x[c, i + a, j + b] of the
    zero-padded x; y has shape (C_out, H + 2p - kh + 1, W + 2p - kw + 1).
    """
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    return np.einsum("ocab,cijab->oij", w, _windows(xp, *w.shape[2:]))


def conv2d_backward(dy, x, w, padding=0):
    """Gradients (dx, dw) of :func:`conv2d`.

    dw[o, c, a, b] = sum_{i, j} dy[o, i, j] x[c, i + a, j + b]: a
    correlation of the input with dy. dx is the correlation of dy,
    zero-padded by k - 1, with the kernel flipped in both spatial axes
    and its two channel axes swapped: a transposed convolution.
    """
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (padding, padding), (padding, padding)))
    dw = np.einsum("oij,cijab->ocab", dy, _windows(xp, kh, kw))
    w_t = np.swapaxes(w[:, :, ::-1, ::-1], 0, 1)      # (C_in, C_out, ..)
    dyp = np.pad(dy, ((0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    dxp = conv2d(dyp, w_t)                            # padded x's shape
    H, W = x.shape[1:]
    return dxp[:, padding:padding + H, padding:padding + W], dw


# ----------------------------------------------------------- routing


def embedding(ids, E):
    """Rows of the table E (vocab, d) for integer ids of any shape.

    >>> print(embedding(np.array([1, 1]), np.eye(2)))
    [[0. 1.]
     [0. 1.]]
    """
    return E[ids]


def embedding_backward(dy, ids, vocab):
    """dE (vocab, d): row v is the sum of dy over positions with id v.

    A scatter-add (``np.add.at``): ``dE[ids] = dy`` would keep only the
    last of repeated ids.

    >>> print(embedding_backward(np.array([[1.0], [2.0]]),
    ...                          np.array([1, 1]), 3))
    [[0.]
     [3.]
     [0.]]
    """
    dE = np.zeros((vocab, dy.shape[-1]), dtype=dy.dtype)
    np.add.at(dE, ids, dy)
    return dE


def relu(x):
    """max(x, 0) entrywise (complex-step safe: a mask on the real part)."""
    return np.where(np.real(x) > 0, x, 0)


def relu_backward(dy, x):
    """dy where x > 0, else 0: at x = 0 no gradient passes (PyTorch's and
    JAX's convention).

    >>> print(relu_backward(np.ones(3), np.array([-1.0, 0.0, 2.0])))
    [0. 0. 1.]
    """
    return np.where(np.real(x) > 0, dy, 0)


def max_pool1d(x, k):
    """Maxima of the non-overlapping windows of length k (n // k)."""
    n = len(x) // k * k
    return np.max(x[:n].reshape(-1, k), axis=1)


def max_pool1d_backward(dy, x, k):
    """dx: each dy_i goes to the first largest entry of its window.

    >>> print(max_pool1d_backward(np.array([5.0]), np.array([2.0, 2.0]),
    ...                           2))
    [5. 0.]
    """
    n = len(x) // k * k
    first = np.argmax(x[:n].reshape(-1, k), axis=1)
    dx = np.zeros(len(x), dtype=dy.dtype)
    dx[np.arange(len(dy)) * k + first] = dy
    return dx


# ----------------------------------------------------------- a block


def block_init(d, heads, hidden, rng):
    """Parameters of a pre-norm transformer block, scaled 1/sqrt(fan-in).

    Keys: Wq, Wk, Wv, Wo (d, d); g1, b1, g2, b2 (d,); W1 (hidden, d),
    c1 (hidden,), W2 (d, hidden), c2 (d,). ``heads`` must divide d.
    """
    if d % heads:
        raise ValueError(f"heads = {heads} must divide d = {d}")
    s = 1 / np.sqrt(d)
    p = {k: s * rng.standard_normal((d, d)) for k in "Wq Wk Wv Wo".split()}
    p.update(g1=np.ones(d), b1=np.zeros(d), g2=np.ones(d), b2=np.zeros(d),
             W1=s * rng.standard_normal((hidden, d)), c1=np.zeros(hidden),
             W2=rng.standard_normal((d, hidden)) / np.sqrt(hidden),
             c2=np.zeros(d))
    return p


def _split(X, h):
    """(B, T, d) -> (B, h, T, d / h)."""
    B, T, d = X.shape
    return X.reshape(B, T, h, d // h).transpose(0, 2, 1, 3)


def _merge(X):
    """(B, h, T, e) -> (B, T, h e)."""
    B, h, T, e = X.shape
    return X.transpose(0, 2, 1, 3).reshape(B, T, h * e)


def block_qkv(x, p, heads):
    """Queries, keys and values of the block's attention, (B, h, T, d/h),
    and the normalised input a = LN1(x) they are made from."""
    a = layer_norm(x, p["g1"], p["b1"])
    Q, K, V = (_split(a @ p[k].T, heads) for k in ("Wq", "Wk", "Wv"))
    return Q, K, V, a


def block(x, p, heads):
    """x + MHA(LN1(x)) = u, then u + MLP(LN2(u)); x: (B, T, d).

    Multi-head causal attention with projections Wq, Wk, Wv, Wo (no
    biases) and a ReLU MLP. Returns the output (B, T, d).
    """
    Q, K, V, _ = block_qkv(x, p, heads)
    u = x + _merge(attention(Q, K, V)) @ p["Wo"].T
    m = layer_norm(u, p["g2"], p["b2"])
    z = linear(m, p["W1"], p["c1"])
    return u + linear(relu(z), p["W2"], p["c2"])


def block_backward(dy, x, p, heads):
    """Gradients of :func:`block`: (dx, {name: grad in its shape}).

    Recomputes the forward pass, then runs the backward functions of this
    module in reverse order; each residual adds its branch's dx to the
    gradient that flows straight through (I + dF/dx).
    """
    Q, K, V, a = block_qkv(x, p, heads)
    o = _merge(attention(Q, K, V))
    u = x + o @ p["Wo"].T
    m = layer_norm(u, p["g2"], p["b2"])
    z = linear(m, p["W1"], p["c1"])
    g = {}
    dr, g["W2"], g["c2"] = linear_backward(dy, relu(z), p["W2"])
    dm, g["W1"], g["c1"] = linear_backward(relu_backward(dr, z), m,
                                           p["W1"])
    dm, g["g2"], g["b2"] = layer_norm_backward(dm, u, p["g2"])
    du = dy + dm                                  # residual 2
    do, g["Wo"], _ = linear_backward(du, o, p["Wo"])
    dQ, dK, dV = attention_backward(_split(do, heads), Q, K, V)
    da = 0
    for name, dh in (("Wq", dQ), ("Wk", dK), ("Wv", dV)):
        da_k, g[name], _ = linear_backward(_merge(dh), a, p[name])
        da = da + da_k
    da, g["g1"], g["b1"] = layer_norm_backward(da, x, p["g1"])
    return du + da, g                             # residual 1


def block_loss(x, p, heads, target):
    """Mean squared error of the block's output against ``target``."""
    return np.mean((block(x, p, heads) - target) ** 2)
