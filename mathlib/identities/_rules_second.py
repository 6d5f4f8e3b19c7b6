"""The rules of chapters 7 and 8, and standard rules for reading papers
(chapter 0: checked here, not derived in the chapters), written once as
expressions.

Introduced in chapters 7 and 8; see :mod:`mathlib.identities`.
"""

import numpy as np

from . import formula_rule, register
from ._expr import (Eye, Frac, Had, Kron, Ones, T, det, diag, exp, frob2,
                    inv, invT, log, log_softmax, logdet, mat, norm, sca,
                    sigma, softmax, softplus, sqnorm, tanh, tanh2, tr, vec,
                    vecop)

x, y, z, v, d_, c_ = vec("x"), vec("y"), vec("z"), vec("v"), vec("d"), \
    sca("c")
a, b, g, r, s, q = (vec(n) for n in "abgrsq")
A, B, E, H, J, U, V, X = (mat(n) for n in "ABEHJUVX")
R, t = mat("R"), sca("t")
ONE = Ones(x)
NN, N1, ONE_N = r"n \times n", r"n \times 1", r"1 \times n"


def _vecs(*names):
    return lambda dims: {k: (dims["n"],) for k in names}


def _spd(rng, n):
    M = rng.standard_normal((n, n))
    return M @ M.T + n * np.eye(n)


def _spd_plus_skew(rng, n):
    """M M^T + n I + K with K skew: det > 0 and not symmetric."""
    K = rng.standard_normal((n, n))
    return _spd(rng, n) + (K - K.T) / 2


def _invertible(rng, n):
    """Standard normal plus n I: well conditioned, not symmetric."""
    return rng.standard_normal((n, n)) + n * np.eye(n)


# ---------------------------------------------------------------------------
# chapter 7: Hessians and quadratic approximation (order 2: Hessians)
# ---------------------------------------------------------------------------

QUAD = lambda d: {"x": (d["n"],), "A": (d["n"], d["n"]),  # noqa: E731
                  "b": (d["n"],)}
register(formula_rule(
    "quadratic-hessian", "Hessian of 1/2 x^T A x + b^T x", 7,
    Frac(1, 2) * T(x) * A * x + T(b) * x, x, Frac(1, 2) * (A + T(A)),
    order=2, shape_num=NN, shapes=QUAD,
    domain="any square A (samples are not symmetric); A itself when A "
           "is symmetric"))
register(formula_rule(
    "lse-hessian", "Hessian of log-sum-exp", 7, log(T(ONE) * exp(x)), x,
    diag(s) - s * T(s), where=[(s, softmax(x))], order=2, shape_num=NN,
    shapes=_vecs("x")))
register(formula_rule(
    "hessian-vector-product", "Hessian-vector product: the gradient of "
    "grad f(x)^T v is H v (here f = log-sum-exp)", 7, T(s) * v, x,
    T(v) * (diag(s) - s * T(s)), (diag(s) - s * T(s)) * v,
    where=[(s, softmax(x))], shape_num=ONE_N, shape_den=N1,
    shapes=_vecs("x", "v")))


def _model_sample(rng, dims):
    n = dims["n"]
    M = rng.standard_normal((n, n))
    return {"d": rng.standard_normal(n), "g": rng.standard_normal(n),
            "H": M + M.T, "c": float(rng.standard_normal())}


register(formula_rule(
    "newton-step", "Quadratic model of f: its gradient g + H d is zero "
    "at the Newton step d = -H^-1 g", 7,
    c_ + T(g) * d_ + Frac(1, 2) * T(d_) * H * d_, d_, T(g + H * d_),
    g + H * d_, shape_num=ONE_N, shape_den=N1,
    shapes=lambda dims: {"d": (dims["n"],), "g": (dims["n"],),
                         "H": (dims["n"], dims["n"]), "c": ()},
    sample=_model_sample,
    domain="H symmetric (a Hessian; samples symmetric, not definite)"))

# ---------------------------------------------------------------------------
# chapter 8: the matrix calculus toolbox
# ---------------------------------------------------------------------------

beta = vec("beta", r"\boldsymbol{\beta}")
register(formula_rule(
    "linear-form", "Linear form beta^T x", 8, T(beta) * x, x, T(beta),
    beta, shape_num=ONE_N, shape_den=N1, shapes=_vecs("x", "beta")))
register(formula_rule(
    "quadratic-form", "Quadratic form", 8, T(x) * A * x, x,
    T(x) * (A + T(A)), (A + T(A)) * x, shape_num=ONE_N, shape_den=N1,
    shapes=lambda dims: {"x": (dims["n"],), "A": (dims["n"], dims["n"])},
    domain="any square A (samples are not symmetric)"))
register(formula_rule(
    "squared-norm", "Squared Euclidean norm", 2, sqnorm(x), x, 2 * T(x),
    2 * x, shape_num=ONE_N, shape_den=N1, shapes=_vecs("x")))
register(formula_rule(
    "l2-norm", "Euclidean norm", 8, norm(x), x, Frac(T(x), norm(x)),
    Frac(x, norm(x)), shape_num=ONE_N, shape_den=N1, shapes=_vecs("x"),
    domain="x ≠ 0 (the norm has a cone point there)"))
LSQ = lambda dims: {"x": (dims["n"],), "A": (dims["m"], dims["n"]),  # noqa
                    "b": (dims["m"],)}
register(formula_rule(
    "least-squares", "Least squares", 8, sqnorm(A * x - b), x,
    2 * T(A * x - b) * A, 2 * T(A) * (A * x - b), shape_num=ONE_N,
    shape_den=N1, shapes=LSQ))
register(formula_rule(
    "least-squares-hessian", "Hessian of least squares", 8,
    sqnorm(A * x - b), x, 2 * T(A) * A, order=2, shape_num=NN,
    shapes=LSQ))
register(formula_rule(
    "trace-AX", "Trace of AX, by X", 2, tr(A * X), X, A, T(A),
    arrange="matrix", shape_num=r"n \times m", shape_den=r"m \times n",
    shapes=lambda dims: {"A": (dims["n"], dims["m"]),
                         "X": (dims["m"], dims["n"])}))
register(formula_rule(
    "trace-XtAX", "Trace of X^T A X, by X", 8, tr(T(X) * A * X), X,
    T(X) * (T(A) + A), (A + T(A)) * X, arrange="matrix",
    shape_num=r"n \times m", shape_den=r"m \times n",
    shapes=lambda dims: {"A": (dims["m"], dims["m"]),
                         "X": (dims["m"], dims["n"])},
    domain="any square A (samples are not symmetric)"))
register(formula_rule(
    "trace-AXB", "Trace of AXB, by X", 8, tr(A * X * B), X, B * A,
    T(A) * T(B), arrange="matrix", shape_num=r"n \times m",
    shape_den=r"m \times n",
    shapes=lambda dims: {"A": (dims["k"], dims["m"]),
                         "X": (dims["m"], dims["n"]),
                         "B": (dims["n"], dims["k"])}))
register(formula_rule(
    "frobenius-squared", "Squared Frobenius norm", 8, frob2(X), X,
    2 * T(X), 2 * X, arrange="matrix", shape_num=r"n \times m",
    shape_den=r"m \times n", shapes=lambda dims: {"X": (dims["m"],
                                                       dims["n"])}))
FACT = lambda dims: {"X": (dims["m"], dims["n"]),  # noqa: E731
                     "U": (dims["m"], dims["k"]),
                     "V": (dims["k"], dims["n"])}
L = sca("L")
_RES = [(R, X - U * V), (L, frob2(R))]
register(formula_rule(
    "factorization-wrt-U", "Matrix factorization loss, by U", 8, L, U,
    -2 * V * T(R), -2 * R * T(V), where=_RES, arrange="matrix",
    shape_num=r"k \times m", shape_den=r"m \times k", shapes=FACT))
register(formula_rule(
    "factorization-wrt-V", "Matrix factorization loss, by V", 8, L, V,
    -2 * T(R) * U, -2 * T(U) * R, where=_RES, arrange="matrix",
    shape_num=r"n \times k", shape_den=r"k \times n", shapes=FACT))
SQUARE = lambda dims: {"X": (dims["n"], dims["n"])}  # noqa: E731
register(formula_rule(
    "log-det", "Log-determinant", 8, logdet(X), X, inv(X), invT(X),
    arrange="matrix", shape_num=NN, shape_den=NN, shapes=SQUARE,
    sample=lambda rng, dims: {"X": _spd_plus_skew(rng, dims["n"])},
    domain="det X > 0 (for any invertible X, log|det X| has the same "
           "derivative); samples: SPD plus skew, so X is not symmetric"))
register(formula_rule(
    "det", "Determinant", 8, det(X), X, det(X) * inv(X),
    det(X) * invT(X), arrange="matrix", shape_num=NN, shape_den=NN,
    shapes=SQUARE,
    sample=lambda rng, dims: {"X": _invertible(rng, dims["n"])},
    domain="X invertible as written (the adjugate form holds for every X)"))
register(formula_rule(
    "inverse", "Matrix inverse (as a Jacobian of vec's)", 8, vecop(inv(X)),
    X, -Kron(invT(X), inv(X)), -Kron(inv(X), invT(X)), arrange="vec",
    shape_num=r"n^2 \times n^2", shape_den=r"n^2 \times n^2",
    shapes=SQUARE,
    sample=lambda rng, dims: {"X": _invertible(rng, dims["n"])},
    domain="X invertible"))
register(formula_rule(
    "trace-inverse", "Trace of X^-1 A, by X", 8, tr(inv(X) * A), X,
    -inv(X) * A * inv(X), -invT(X) * T(A) * invT(X), arrange="matrix",
    shape_num=NN, shape_den=NN,
    shapes=lambda dims: {"X": (dims["n"], dims["n"]),
                         "A": (dims["n"], dims["n"])},
    sample=lambda rng, dims: {"X": _invertible(rng, dims["n"]),
                              "A": rng.standard_normal((dims["n"],
                                                        dims["n"]))},
    domain="X invertible"))
_LINE = lambda dims: {"X": (dims["n"], dims["n"]),  # noqa: E731
                      "E": (dims["n"], dims["n"]), "t": ()}


def _line_sample(rng, dims):
    return {"X": _spd(rng, dims["n"]), "t": 0.1 * rng.standard_normal(),
            "E": rng.standard_normal((dims["n"], dims["n"]))
            / dims["n"]}


register(formula_rule(
    "logdet-line", "Log-determinant along a line X + tE", 8,
    logdet(X + t * E), t, tr(inv(X + t * E) * E), shapes=_LINE,
    sample=_line_sample, style="d", domain="det(X + tE) > 0"))
register(formula_rule(
    "logdet-line-second", "Second derivative of log det along a line "
    "(the derivative of the line above)", 8, tr(inv(X + t * E) * E), t,
    -tr(inv(X + t * E) * E * inv(X + t * E) * E), shapes=_LINE,
    sample=_line_sample, style="d",
    domain="X + tE invertible; negative for SPD X + tE and symmetric "
           "E ≠ 0 (log det is concave)"))

# softmax and cross-entropy
register(formula_rule(
    "softmax", "Softmax", 8, s, z, diag(s) - s * T(s),
    where=[(s, softmax(z))], shape_num=NN, shapes=_vecs("z")))
register(formula_rule(
    "log-softmax", "Log-softmax", 8, log_softmax(z), z,
    Eye(z) - Ones(z) * T(s), Eye(z) - s * T(Ones(z)),
    where=[(s, softmax(z))], shape_num=NN, shape_den=NN,
    shapes=_vecs("z")))


def _one_hot(rng, dims):
    yv = np.zeros(dims["n"])
    yv[rng.integers(dims["n"])] = 1.0
    return {"z": rng.standard_normal(dims["n"]), "y": yv}


register(formula_rule(
    "softmax-cross-entropy", "Cross-entropy of softmax, by the logits", 8,
    -(T(y) * log_softmax(z)), z, T(s - y), s - y, where=[(s, softmax(z))],
    shape_num=ONE_N, shape_den=N1, shapes=_vecs("z", "y"),
    sample=_one_hot, domain="y one-hot (true whenever the yᵢ sum to 1)"))

# ---------------------------------------------------------------------------
# chapter 0: standard rules for reading papers (checked, not derived)
# ---------------------------------------------------------------------------

register(formula_rule(
    "vec-AXB", "vec of a product: vec(AXB) = (B^T kron A) vec X", 0,
    vecop(A * X * B), X, Kron(T(B), A), Kron(B, T(A)), arrange="vec",
    shape_num=r"kN \times mn", shape_den=r"mn \times kN",
    shapes=lambda dims: {"A": (dims["k"], dims["m"]),
                         "X": (dims["m"], dims["n"]),
                         "B": (dims["n"], dims["N"])}))
register(formula_rule(
    "inverse-bilinear", "a^T X^-1 b, by X", 0, T(a) * inv(X) * b, X,
    -inv(X) * b * T(a) * inv(X), -invT(X) * a * T(b) * invT(X),
    arrange="matrix", shape_num=NN, shape_den=NN,
    shapes=lambda dims: {"a": (dims["n"],), "X": (dims["n"], dims["n"]),
                         "b": (dims["n"],)},
    sample=lambda rng, dims: {"a": rng.standard_normal(dims["n"]),
                              "b": rng.standard_normal(dims["n"]),
                              "X": _invertible(rng, dims["n"])},
    domain="X invertible"))
mu, S = vec("mu", r"\boldsymbol{\mu}"), mat("S", r"\Sigma")
_GAUSS = [(r, x - mu),
          (L, -(Frac(1, 2) * T(r) * inv(S) * r) - Frac(1, 2) * logdet(S))]
GSH = lambda dims: {"x": (dims["n"],), "mu": (dims["n"],),  # noqa: E731
                    "S": (dims["n"], dims["n"])}


def _gauss_sample(rng, dims):
    n = dims["n"]
    return {"x": rng.standard_normal(n), "mu": rng.standard_normal(n),
            "S": _spd(rng, n) / n}


register(formula_rule(
    "gaussian-loglik-wrt-mu", "Gaussian log-likelihood (up to a "
    "constant), by the mean", 0, L, mu, T(r) * inv(S), inv(S) * r,
    where=_GAUSS, shape_num=ONE_N, shape_den=N1, shapes=GSH,
    sample=_gauss_sample, domain="Σ symmetric positive definite"))
register(formula_rule(
    "gaussian-loglik-wrt-Sigma", "Gaussian log-likelihood (up to a "
    "constant), by the covariance", 0, L, S,
    Frac(1, 2) * (inv(S) * r * T(r) * inv(S) - inv(S)), where=_GAUSS,
    arrange="matrix", shape_num=NN, shapes=GSH, sample=_gauss_sample,
    domain="Σ symmetric positive definite; its n² entries are "
           "treated as independent variables (the usual convention)"))
xs, ys, zs = sca("x"), sca("y"), sca("z")
register(formula_rule(
    "softplus", "Softplus log(1 + e^x): its derivative is the sigmoid", 0,
    softplus(xs), xs, sigma(xs), shapes=lambda dims: {"x": ()},
    style="d"))
register(formula_rule(
    "binary-cross-entropy", "Binary cross-entropy of a logit z, by z", 0,
    -(ys * log(sigma(zs))) - (1 - ys) * log(1 - sigma(zs)), zs,
    sigma(zs) - ys, shapes=lambda dims: {"z": (), "y": ()},
    sample=lambda rng, dims: {"z": float(rng.standard_normal()),
                              "y": float(rng.uniform())},
    style="d", domain="any label 0 ≤ y ≤ 1"))
w = vec("w")
LOGI = lambda dims: {"w": (dims["n"],), "X": (dims["N"], dims["n"]),  # noqa
                     "y": (dims["N"],)}
register(formula_rule(
    "logistic-loss-gradient", "Logistic regression loss, by the weights",
    0, T(Ones(y)) * softplus(X * w) - T(y) * X * w, w,
    T(sigma(X * w) - y) * X, T(X) * (sigma(X * w) - y), shape_num=ONE_N,
    shape_den=N1, shapes=LOGI,
    domain="rows of X are the examples; labels 0 ≤ yᵢ ≤ 1 (samples: "
           "any)"))
register(formula_rule(
    "logistic-loss-hessian", "Hessian of the logistic regression loss", 0,
    T(Ones(y)) * softplus(X * w) - T(y) * X * w, w,
    T(X) * diag(Had(sigma(X * w), Ones(y) - sigma(X * w))) * X, order=2,
    shape_num=NN, shapes=LOGI))
register(formula_rule(
    "gauss-newton", "Half a squared residual: Hessian = J^T J (the "
    "Gauss-Newton matrix) plus a term weighted by the residuals", 0,
    Frac(1, 2) * sqnorm(r), x,
    T(J) * J + T(A) * diag(Had(r, q)) * A,
    where=[(r, tanh(A * x) - y), (J, diag(Ones(y) - tanh2(A * x)) * A),
           (q, -(2 * Had(tanh(A * x), Ones(y) - tanh2(A * x))))],
    order=2, shape_num=NN,
    shapes=lambda dims: {"x": (dims["n"],), "A": (dims["m"], dims["n"]),
                         "y": (dims["m"],)}))


