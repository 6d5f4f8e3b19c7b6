r"""The rules of chapter 9, *Backpropagation through the layers of modern
networks*, written once as expressions.

Introduced in chapter 9; see :mod:`mathlib.identities`.

A layer's backward function is the gradient of the scalar
``<G, layer(X)>`` for a constant ``G`` of the output's shape (the
gradient arriving from above): that gradient is the vector-Jacobian
product the chapter derives, and as the gradient of a scalar it is
checked like every other rule, in both layouts. Layer norm, RMSNorm and
the residual connection, whose inputs are vectors, are stated as full
Jacobians. Each function here is an expression too; ``tests/test_ch09.py``
checks that it computes what the chapter's code in :mod:`mathlib.layers`
computes, so a rule is about the layer the chapter builds.
"""

from . import formula_rule, register
from ._expr import (Const, Dim, Eye, Frac, Had, Lookup, Num, OneHot, Ones,
                    T, conv_matrix, correlate, diag, inner, inv, mat,
                    power, sca, softmax_rows, sqnorm, sqrt, tanh, tanh2,
                    vec)

x, w, g = vec("x"), vec("w"), vec("g")
A, E, G, K, Q, V, W, X = (mat(n) for n in "AEGKQVWX")
gamma = vec("gamma", r"\boldsymbol{\gamma}")
ids = vec("ids", r"\mathbf{i}")
P, Sbar = mat("P"), mat("Sbar", r"\bar{S}")
ONE = Ones(x)

# ---------------------------------------------------------------------------
# the linear layer
# ---------------------------------------------------------------------------

register(formula_rule(
    "linear-vjp-W", "Linear layer XW^T over a batch, by W (G: the gradient "
    "from above)", 9,
    inner(G, X * T(W)), W, T(X) * G, T(G) * X, arrange="matrix",
    shape_num=r"n \times m", shape_den=r"m \times n",
    shapes=lambda d: {"X": (d["N"], d["n"]), "W": (d["m"], d["n"]),
                      "G": (d["N"], d["m"])}))

# ---------------------------------------------------------------------------
# causal attention: Q, K are n x m (n positions), V and G are n x k
# ---------------------------------------------------------------------------

_m = Dim(Q, "m", axis=1)
_ONE_n = Ones(Q)
_GV = G * T(V)
_ATT = [(P, softmax_rows(Frac(Q * T(K), sqrt(_m)), causal=True)),
        (Sbar, Had(P, _GV - Had(P, _GV) * _ONE_n * T(_ONE_n)))]


def _att_shapes(d):
    return {"Q": (d["n"], d["m"]), "K": (d["n"], d["m"]),
            "V": (d["n"], d["k"]), "G": (d["n"], d["k"])}


_ATT_F = inner(G, P * V)
_ATT_TITLE = "Causal attention, by {} (G: the gradient from above)"
register(formula_rule(
    "attention-vjp-Q", _ATT_TITLE.format("Q"), 9, _ATT_F, Q,
    Frac(T(K) * T(Sbar), sqrt(_m)), Frac(Sbar * K, sqrt(_m)), where=_ATT,
    arrange="matrix", shape_num=r"m \times n", shape_den=r"n \times m",
    shapes=_att_shapes))
register(formula_rule(
    "attention-vjp-K", _ATT_TITLE.format("K"), 9, _ATT_F, K,
    Frac(T(Q) * Sbar, sqrt(_m)), Frac(T(Sbar) * Q, sqrt(_m)), where=_ATT,
    arrange="matrix", shape_num=r"m \times n", shape_den=r"n \times m",
    shapes=_att_shapes))
register(formula_rule(
    "attention-vjp-V", _ATT_TITLE.format("V"), 9, _ATT_F, V,
    T(G) * P, T(P) * G, where=_ATT[:1], arrange="matrix",
    shape_num=r"k \times n", shape_den=r"n \times k", shapes=_att_shapes))

# ---------------------------------------------------------------------------
# normalization
# ---------------------------------------------------------------------------

_n = Dim(x, "n")
mu, sigma, r = sca("mu", r"\mu"), sca("sigma", r"\sigma"), sca("r")
xhat = vec("xhat", r"\hat{\mathbf{x}}")
_LN = [(mu, Frac(T(ONE) * x, _n)),
       (sigma, sqrt(Frac(sqnorm(x - mu * ONE), _n)
                    + Const(r"\epsilon", 1e-5))),
       (xhat, Frac(x - mu * ONE, sigma))]
_PROJ = Eye(x) - Frac(1, _n) * ONE * T(ONE) - Frac(1, _n) * xhat * T(xhat)
_VEC = lambda d: {"x": (d["n"],), "gamma": (d["n"],)}  # noqa: E731
register(formula_rule(
    "layer-norm", "Layer norm (Jacobian)", 9, Had(gamma, xhat), x,
    Frac(1, sigma) * diag(gamma) * _PROJ, Frac(1, sigma) * _PROJ
    * diag(gamma), where=_LN, shape_num=r"n \times n",
    shape_den=r"n \times n", shapes=_VEC,
    domain="any x (ε = 1e-5 keeps σ > 0)"))
_RMS = [(r, sqrt(Frac(sqnorm(x), _n) + Const(r"\epsilon", 1e-6)))]
_RPROJ = Eye(x) - Frac(x * T(x), _n * power(r, 2))
register(formula_rule(
    "rms-norm", "RMSNorm (Jacobian)", 9, Frac(Had(gamma, x), r), x,
    Frac(1, r) * diag(gamma) * _RPROJ, Frac(1, r) * _RPROJ * diag(gamma),
    where=_RMS, shape_num=r"n \times n", shape_den=r"n \times n",
    shapes=_VEC, domain="any x (ε = 1e-6 keeps r > 0)"))

# batch norm, training mode: X is N x n, statistics over the N rows
_N = Dim(X, "N")
_ONE_N = Ones(X, "N")
bmu, bsigma = vec("mu", r"\boldsymbol{\mu}"), vec("sigma",
                                                  r"\boldsymbol{\sigma}")
C, Xhat, Gt = mat("C"), mat("Xhat", r"\hat{X}"), mat("Gt", r"\tilde{G}")
_BN = [(bmu, Frac(T(X) * _ONE_N, _N)), (C, X - _ONE_N * T(bmu)),
       (bsigma, sqrt(Frac(T(Had(C, C)) * _ONE_N, _N)
                     + Const(r"\epsilon", 1e-5))),
       (Xhat, C * inv(diag(bsigma))), (Gt, G * diag(gamma))]
_BN_GRAD = (Gt - Frac(1, _N) * _ONE_N * T(_ONE_N) * Gt
            - Frac(1, _N) * Xhat * diag(T(Had(Gt, Xhat)) * _ONE_N)) \
    * inv(diag(bsigma))
_BN_NUM = inv(diag(bsigma)) * (
    T(Gt) - Frac(1, _N) * T(Gt) * _ONE_N * T(_ONE_N)
    - Frac(1, _N) * diag(T(Had(Gt, Xhat)) * _ONE_N) * T(Xhat))
register(formula_rule(
    "batch-norm-vjp", "Batch norm, training mode, by X (G: the gradient "
    "from above)", 9,
    inner(G, Xhat * diag(gamma)), X, _BN_NUM, _BN_GRAD, where=_BN,
    arrange="matrix", shape_num=r"n \times N", shape_den=r"N \times n",
    shapes=lambda d: {"X": (d["N"], d["n"]), "gamma": (d["n"],),
                      "G": (d["N"], d["n"])},
    domain="any X (ε = 1e-5 keeps σ > 0)"))

# ---------------------------------------------------------------------------
# convolution, embedding, residual
# ---------------------------------------------------------------------------


def _conv_shapes(d):
    """x has n + k entries, the kernel w has k, the output n + 1."""
    return {"x": (d["n"] + d["k"],), "w": (d["k"],), "g": (d["n"] + 1,)}


_CONV_F = T(g) * correlate(x, w)
register(formula_rule(
    "conv1d-vjp-x", "1-D convolution x * w, by the input (g: the gradient "
    "from above; rows of C_w: w, shifted)", 9, _CONV_F, x,
    T(g) * conv_matrix(w, x), T(conv_matrix(w, x)) * g,
    shape_num=r"1 \times (n + k)", shape_den=r"(n + k) \times 1",
    shapes=_conv_shapes))
register(formula_rule(
    "conv1d-vjp-w", "1-D convolution x * w, by the kernel (g: the "
    "gradient from above)", 9, _CONV_F, w, T(correlate(x, g)),
    correlate(x, g), shape_num=r"1 \times k", shape_den=r"k \times 1",
    shapes=_conv_shapes))


def _emb_sample(rng, d):
    """ids in 0..V-1 (V = m rows of E), the last repeating the first."""
    i = rng.integers(0, d["m"], d["n"])
    i[-1] = i[0]
    return {"E": rng.standard_normal((d["m"], d["k"])), "ids": i,
            "G": rng.standard_normal((d["n"], d["k"]))}


register(formula_rule(
    "embedding-vjp", "Embedding lookup E[i], by the table (G: the gradient "
    "from above)",
    9, inner(G, Lookup(E, ids)), E, T(G) * OneHot(ids, E),
    T(OneHot(ids, E)) * G, arrange="matrix", shape_num=r"k \times m",
    shape_den=r"m \times k",
    shapes=lambda d: {"E": (d["m"], d["k"]), "ids": (d["n"],),
                      "G": (d["n"], d["k"])},
    sample=_emb_sample,
    domain="ids are integers in 0, …, m − 1 (samples repeat one, so that "
           "rows of G add up: a scatter-add)"))
register(formula_rule(
    "residual", "Residual connection x + tanh(Ax)", 9, x + tanh(A * x), x,
    Eye(x) + diag(Num(1) - tanh2(A * x)) * A,
    Eye(x) + T(A) * diag(Num(1) - tanh2(A * x)), shape_num=r"n \times n",
    shape_den=r"n \times n",
    shapes=lambda d: {"x": (d["n"],), "A": (d["n"], d["n"])}))
