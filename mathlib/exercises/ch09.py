"""Problem set 9: Backpropagation through the layers of modern networks.

Every reference is computed from the problem when a check runs:
``mathlib.numeric`` gradients of the loss each question defines, at the
sample points (or at the given arrays), or a count from the sizes. The
arrays the prompts give are the module's constants below;
tests/test_exercises_ch09.py checks that the notebook's "given" code
defines the same numbers.

Questions 2 to 8 have per-student variants (``_variant``: each is built
by a function of its parameters ``p``; the module's constants are the
default parameters, the book's numbers; question 3 uses question 2's
arrays). Question 1 counts the entries of a Jacobian, the same answer
for any sizes, and question 9 is a formula in symbols only: they have
no numbers to vary.
"""

import numpy as np

from mathlib import layers, numeric

import sympy as sp

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, NumberQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised

# question 1: GPT-2 small's first feed-forward weights, 8 x 1024 tokens
N_TOK, N_IN, M_OUT = 8 * 1024, 768, 3072

# questions 2 to 4: causal attention, T = 5 positions, d = 4, d_v = 3
_rng = np.random.default_rng(9)
Q_A = np.round(_rng.uniform(-2, 2, (5, 4)), 1)
K_A = np.round(_rng.uniform(-2, 2, (5, 4)), 1)
V_A = np.round(_rng.uniform(-2, 2, (5, 3)), 1)
G_A = np.round(_rng.uniform(-1, 1, (5, 3)), 1)     # the weights of L

# question 4: the spread of an unscaled score, d = 64
D_SCORE = 64

# question 5: layer norm of 4 positions with n = 5 features
GAMMA_L = np.array([1.0, 0.5, -1.0, 2.0, 1.5])
BETA_L = np.array([0.1, 0.0, -0.2, 0.3, 0.0])
YBAR_L = np.round(_rng.uniform(-1, 1, (4, 5)), 1)

# question 6: batch norm (training mode) of N = 6 examples, 3 features
GAMMA_B = np.array([2.0, -1.0, 0.5])
YBAR_B = np.round(_rng.uniform(-1, 1, (6, 3)), 1)

# question 7: embedding of 5 token ids in a table of 6 words, d = 2
IDS = np.array([3, 1, 3, 0, 3])
YBAR_E = np.array([[1.0, -0.5], [0.5, 2.0], [-2.0, 1.0], [0.0, 1.5],
                   [1.5, 0.5]])

# question 8: 1-D convolution, stride 2, padding 1, x of length 7
W_C = np.array([1.0, -1.0, 2.0])
X_C = np.array([0.5, -1.0, 2.0, 0.0, 1.0, -0.5, 1.5])
YBAR_C = np.array([1.0, -2.0, 0.5, 1.0])
EPS = 1e-5


HALVES = [k / 2 for k in range(-4, 5)]          # -2, -1.5, ..., 2


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _tenths(rng, shape, bound):
    """An array (tuple of rows) of multiples of 0.1 in [-bound, bound]."""
    a = np.round(rng.uniform(-bound, bound, shape), 1) + 0.0
    return _tuples(a)


def _tuples(A):
    A = np.asarray(A, dtype=float)
    if A.ndim == 1:
        return tuple(float(v) for v in A)
    return tuple(tuple(float(v) for v in r) for r in A)


def _far(a, b, rtol=1e-3):
    """True if a and b differ clearly (by more than the checks'
    tolerance), so that a check tells them apart."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return not np.allclose(a, b, rtol=rtol,
                           atol=rtol * (1 + np.abs(b).max()))


def _all_far(values):
    """Every pair of the values differs clearly."""
    return all(_far(a, b) for k, a in enumerate(values)
               for b in values[k + 1:])


def _at_probes(fs, probes):
    """Each function's values at all the probes, stacked: two functions
    that differ at one probe at least give arrays that differ."""
    return [np.array([f(P) for P in probes]) for f in fs]


def _row(r):
    return "[" + ", ".join(repr(float(v)) for v in r) + "]"


def _code(values):
    """A vector as it appears in a prompt: "1, -2, 0.5, 1"."""
    return ", ".join(num(v) for v in values)


# ------------------------------------------------------------ question 1


def _size_letter():
    """Which count is the number of entries of d vec(Y) / d vec(W)?"""
    counts = {"A": M_OUT * N_IN, "B": N_TOK * M_OUT * M_OUT * N_IN,
              "C": N_TOK * N_IN * M_OUT, "D": N_TOK * M_OUT}
    entries = (N_TOK * M_OUT) * (M_OUT * N_IN)      # outputs x inputs
    return next(k for k, v in counts.items() if v == entries)


_GIVEN_ATT = """Q_a = np.array({})   # (5, 4)
K_a = np.array({})   # (5, 4)
V_a = np.array({})   # (5, 3)
G_a = np.array({})   # (5, 3)


def loss_att(Q, K, V):
    # L = sum of G_a * O, with O = causal_attention(Q, K, V)
    return np.sum(G_a * causal_attention(Q, K, V))"""


def _literal(a):
    text = np.array2string(a, separator=", ",
                           formatter={"float_kind": "{:.1f}".format})
    return text.replace("\n", "\n" + " " * 14)


_MASK = ("the mask is missing from your backward pass: with the causal "
         "mask, P is 0 above the diagonal, and so is S̄. Use the same "
         "masked P as the forward pass.")
_SQRT = ("the factor 1/√d of the scores is missing: S = QKᵀ/√d, so the "
         "chain rule through S brings 1/√d (here 1/2) into the gradient.")

PROMPT2 = r"""Causal scaled dot-product attention with $T = 5$
positions, $d = 4$ and $d_v = 3$: $S = QK^\top/\sqrt{d}$ with the
entries above the diagonal set to $-\infty$, $P =
\operatorname{softmax}_{\text{rows}}(S)$, $O = PV$. For the fixed $K$
($5 \times 4$), $V$ ($5 \times 3$) and $G$ ($5 \times 3$) below (`K_a`,
`V_a`, `G_a`), the loss is $L(Q) = \sum_{t,f} G_{tf} O_{tf}$ (so
$\bar{O} = G$), computed by `loss_att(Q, K_a, V_a)`. Write `grad_Q(Q)`:
it takes a numpy array `Q` of shape `(5, 4)` and returns $\nabla_Q L$,
shape `(5, 4)`."""
PROMPT3 = r"""The same attention and loss as in question 2, now with
$Q$ fixed at `Q_a` ($5 \times 4$) and the keys variable: $L(K) =
\sum_{t,f} G_{tf} O_{tf}$, computed by `loss_att(Q_a, K, V_a)`. Write
`grad_K(K)`: it takes a numpy array `K` of shape `(5, 4)` and returns
$\nabla_K L$, shape `(5, 4)`."""
PROMPT5 = r"""Layer norm over the last axis: for each row
$\mathbf{x}$ of $X$ ($4 \times 5$: 4 positions, 5 features),
$\hat{\mathbf{x}} = (\mathbf{x} - \mu)/\sigma$ with $\mu$ the mean of
the row and $\sigma = \sqrt{\operatorname{var} + \epsilon}$ (biased
variance, $\epsilon = 10^{-5}$), and $\mathbf{y} = \boldsymbol{\gamma}
\odot \hat{\mathbf{x}} + \boldsymbol{\beta}$ (`layer_norm` below). With
the fixed $\bar{Y}$ below (`Ybar_l`, $4 \times 5$), the loss is
$L(X) = \sum_{ij} \bar{Y}_{ij} Y_{ij}$ (`ln_loss`). Write
`grad_X_ln(X)`: it takes `X` of shape `(4, 5)` and returns $\nabla_X L$,
shape `(4, 5)`."""
PROMPT6 = r"""Batch norm in training mode normalises each feature
(column) of a batch $X$ ($6 \times 3$: 6 examples, 3 features) with the
mean and biased variance of that column over the batch ($\epsilon =
10^{-5}$), then scales by $\boldsymbol{\gamma}$ (`gamma_b`). With the
fixed $\bar{Y}$ below (`Ybar_b`, $6 \times 3$) the loss is $L(X) =
\sum_{ij}\bar{Y}_{ij} Y_{ij}$ (`bn_loss`). Write `grad_X_bn(X)`: it
takes `X` of shape `(6, 3)` and returns $\nabla_X L$, shape `(6, 3)`."""


# ------------------------------------------------------ questions 2 to 4

ATT = {"Q": _tuples(Q_A), "K": _tuples(K_A), "V": _tuples(V_A),
       "G": _tuples(G_A)}
PROBES_ATT = [np.round(np.random.default_rng(s).uniform(-2, 2, (5, 4)), 3)
              for s in (19, 91)]


def _att(p):
    return tuple(np.array(p[k], dtype=float) for k in "QKVG")


def _loss_att(Q=Q_A, K=K_A, V=V_A, G=G_A):
    return np.sum(G * layers.attention(Q, K, V, causal=True))


def _parts(Q=Q_A, K=K_A, causal=True, scale=None, V=V_A, G=G_A):
    """P and dS = P * (dP - rowsum(P * dP)) at (Q, K)."""
    d = Q.shape[-1]
    S = Q @ K.T * (1 / np.sqrt(d) if scale is None else scale)
    if causal:
        S = np.where(layers.causal_mask(len(S)), S, -np.inf)
    P = layers.softmax(S)
    return P, layers.softmax_backward(G @ V.T, P)


def _diag_only(Q=Q_A, K=K_A, V=V_A, G=G_A):
    P, _ = _parts(Q, K, V=V, G=G)
    return P * (G @ V.T)


def _q2_named(p):
    Q0, K0, V, G = _att(p)
    kw = {"V": V, "G": G}
    return [lambda Q: _parts(Q, K0, **kw)[1] @ K0,
            lambda Q: _parts(Q, K0, **kw)[1] @ K0 * 2,
            lambda Q: _parts(Q, K0, causal=False, **kw)[1] @ K0 / 2,
            lambda Q: _diag_only(Q, K0, **kw) @ K0 / 2,
            lambda Q: _parts(Q, K0, **kw)[1].T @ K0 / 2]


def _q3_named(p):
    Q0, K0, V, G = _att(p)
    kw = {"V": V, "G": G}
    return [lambda K: _parts(Q0, K, **kw)[1] @ K / 2,
            lambda K: _parts(Q0, K, **kw)[1].T @ Q0,
            lambda K: _parts(Q0, K, causal=False, **kw)[1].T @ Q0 / 2]


def _att_references(p):
    Q0, K0, V, G = _att(p)
    return (lambda Q: numeric.gradient(lambda q: _loss_att(q, K0, V, G), Q),
            lambda K: numeric.gradient(lambda k: _loss_att(Q0, k, V, G), K))


def _att_valid(p):
    """For questions 2 and 3: the gradient, its negative and the named
    mistakes all differ at the probes (twice the gradient is the named
    mistake "1/√d missing", d = 4, in every variant)."""
    by_q, by_k = _att_references(p)
    for ref, named in ((by_q, _q2_named(p)), (by_k, _q3_named(p))):
        right = _at_probes([ref], PROBES_ATT)[0]
        if not _all_far([right, -right] + _at_probes(named, PROBES_ATT)):
            return False
    return True


def _q2(p):
    named = _q2_named(p)
    return FunctionQuestion(
        "ch09.q2", "grad_Q", title="Attention, by Q", points=2,
        arg_name="Q", arg_shape=(5, 4), out_shape=(5, 4),
        layout="the gradient with respect to Q has the shape of Q, "
               "5 x 4",
        prompt=PROMPT2,
        given=_GIVEN_ATT.format(*(_literal(a) for a in _att(p))),
        template="def grad_Q(Q):\n    # Q has shape (5, 4); return an "
                 "array of shape (5, 4)\n    return None  # your answer",
        reference=_att_references(p)[0],
        mistakes=[(named[0], _SQRT),
                  (named[1], "that multiplies "
                   "by √d where the scores divide by it: S = QKᵀ/√d "
                   "brings a factor 1/√d."),
                  (named[2], _MASK),
                  (named[3], "S̄ = P ⊙ P̄ keeps "
                   "only the diagonal of the softmax Jacobian; each row "
                   "of P depends on every score of its row through the "
                   "sum in the denominator: S̄ = P ⊙ (P̄ - rowsum(P ⊙ "
                   "P̄) 1ᵀ)."),
                  (named[4], "that uses S̄ᵀ; "
                   "Q enters S = QKᵀ/√d on the left, so Q̄ = S̄K/√d: "
                   "row t of Q̄ sums over the keys u of row t of S̄.")])


def _att_draw(rng):
    return {"Q": _tenths(rng, (5, 4), 2), "K": _tenths(rng, (5, 4), 2),
            "V": _tenths(rng, (5, 3), 2), "G": _tenths(rng, (5, 3), 1)}


Q2 = parameterised(
    _q2, default=ATT, draw=_att_draw,
    require=[(_att_valid, "for questions 2 and 3, the gradient, its "
              "negative and the named mistakes all differ")])


def _q3(p):
    named = _q3_named(p)
    return FunctionQuestion(
        "ch09.q3", "grad_K", title="Attention, by K", points=1,
        arg_name="K", arg_shape=(5, 4), out_shape=(5, 4),
        layout="the gradient with respect to K has the shape of K, "
               "5 x 4",
        prompt=PROMPT3,
        template="def grad_K(K):\n    # K has shape (5, 4); return an "
                 "array of shape (5, 4)\n    return None  # your answer",
        reference=_att_references(p)[1],
        mistakes=[(named[0], "that is S̄K/√d, the "
                   "pattern of Q̄. K enters S = QKᵀ/√d transposed, so "
                   "K̄ = S̄ᵀQ/√d: row u of K̄ sums over the queries t "
                   "that looked at key u."),
                  (named[1], _SQRT),
                  (named[2], _MASK)])


Q3 = parameterised(
    _q3, default=ATT, draw=lambda rng: {},
    share=lambda s: Q2.variant(s).values,
    require=[(_att_valid, "as in question 2, whose numbers it uses")])


def _score_sd(d=D_SCORE):
    """q.k is a sum of d products q_e k_e, each of variance 1 (means 0,
    independent): the variance adds up to d."""
    variance = sum(1 * 1 for _ in range(d))
    return float(np.sqrt(variance))


def _q4(p):
    d = p["d"]
    return NumberQuestion(
        "ch09.q4", "score_sd", title="Why 1/√d", points=1,
        prompt=fill(r"""A query $\mathbf{q}$ and a key $\mathbf{k}$ in
$\mathbb{R}^{[[d]]}$ have independent entries, each with mean 0 and
variance 1. What is the standard deviation of the unscaled score
$\mathbf{q}^\top\mathbf{k}$? Assign the number to `score_sd`. (Dividing
the score by $\sqrt{d}$ brings it back to 1, whatever $d$ is.)""", d=d),
        reference=lambda: _score_sd(d),
        mistakes=[(lambda: d, "that is the variance of the score, "
                   "d · 1; the standard deviation is its square root."),
                  (lambda: 1.0, "that is the standard deviation of the "
                   "scaled score q·k/√d; the question asks for q·k.")])


Q4 = parameterised(
    _q4, default={"d": D_SCORE},
    draw=lambda rng: {"d": 8 * int(rng.integers(2, 129))},
    require=[(lambda p: p["d"] > 4, "d > 4: for d = 4 the variance is "
              "twice the standard deviation")])

# ------------------------------------------------------ questions 5 and 6

PROBES_LN = [np.round(np.random.default_rng(s).uniform(-2, 2, (4, 5)), 3)
             for s in (5, 55)]
PROBES_BN = [np.round(np.random.default_rng(s).uniform(-2, 2, (6, 3)), 3)
             for s in (6, 66)]


def _ln_loss(X, gamma=GAMMA_L, beta=BETA_L, ybar=YBAR_L):
    return np.sum(ybar * layers.layer_norm(X, gamma, beta, EPS))


def _bn_loss(X, gamma=GAMMA_B, ybar=YBAR_B):
    return np.sum(ybar * layers.batch_norm(X, gamma, 0.0, EPS))


def _norm_back(X, gamma, ybar, axis, terms=(True, True)):
    """The normalisation backward along ``axis``; ``terms`` switches the
    mean term and the x-hat term on or off."""
    mu = X.mean(axis=axis, keepdims=True)
    sigma = np.sqrt(X.var(axis=axis, keepdims=True) + EPS)
    xhat, g = (X - mu) / sigma, gamma * ybar
    out = g.copy()
    if terms[0]:
        out = out - g.mean(axis=axis, keepdims=True)
    if terms[1]:
        out = out - xhat * (g * xhat).mean(axis=axis, keepdims=True)
    return out / sigma


def _ln(p):
    return (np.array(p["gamma"]), np.array(p["beta"]),
            np.array(p["ybar"]))


def _q5_named(p):
    gamma, beta, ybar = _ln(p)
    return [lambda X: _norm_back(X, gamma, ybar, -1, (False, False)),
            lambda X: _norm_back(X, gamma, ybar, 0),
            lambda X: _norm_back(X, gamma, ybar, -1, (True, False)),
            lambda X: _norm_back(X, gamma, ybar, -1, (False, True)),
            lambda X: _norm_back(X, 1.0, ybar, -1)]


def _q5_valid(p):
    gamma, beta, ybar = _ln(p)
    right = _at_probes([lambda X: numeric.gradient(
        lambda V: _ln_loss(V, gamma, beta, ybar), X)], PROBES_LN)[0]
    return _all_far([right, -right, 2 * right] +
                    _at_probes(_q5_named(p), PROBES_LN))


def _q5(p):
    gamma, beta, ybar = _ln(p)
    named = _q5_named(p)
    return FunctionQuestion(
        "ch09.q5", "grad_X_ln", title="Layer norm, by its input",
        points=1, arg_name="X", arg_shape=(4, 5), out_shape=(4, 5),
        layout="the gradient with respect to X has the shape of X, 4 x 5",
        prompt=PROMPT5,
        given=(f"gamma_l = np.array({_row(gamma)})".ljust(47) + "  # (5,)\n"
               + f"beta_l = np.array({_row(beta)})".ljust(47) + "  # (5,)\n"
               + f"Ybar_l = np.array({_literal(ybar)})   # (4, 5)\n\n\n"
               "def ln_loss(X):\n"
               "    return np.sum(Ybar_l * layer_norm(X, gamma_l, beta_l))"),
        template="def grad_X_ln(X):\n    # X has shape (4, 5); return an "
                 "array of shape (4, 5)\n    return None  # your answer",
        reference=lambda X: numeric.gradient(
            lambda V: _ln_loss(V, gamma, beta, ybar), X),
        mistakes=[(named[0],
                   "that treats μ and σ as constants (γ ⊙ ȳ / σ). Both "
                   "depend on x: they add -mean(g) and -x̂ mean(g ⊙ x̂) "
                   "inside the bracket, with g = γ ⊙ ȳ."),
                  (named[1],
                   "the means are taken over the wrong axis (axis 0, "
                   "over the positions). Layer norm normalises each row, "
                   "the features of one position: axis=-1."),
                  (named[2],
                   "the term from σ is missing: σ depends on x, which "
                   "adds -x̂ mean(g ⊙ x̂)."),
                  (named[3],
                   "the term from μ is missing: μ depends on x, which "
                   "adds -mean(g)."),
                  (named[4],
                   "γ is missing: the gradient reaching x̂ is "
                   "g = γ ⊙ ȳ.")])


Q5 = parameterised(
    _q5, default={"gamma": _tuples(GAMMA_L), "beta": _tuples(BETA_L),
                  "ybar": _tuples(YBAR_L)},
    draw=lambda rng: {"gamma": tuple(_pick(rng, [h for h in HALVES if h])
                                     for _ in range(5)),
                      "beta": _tenths(rng, (5,), 0.5),
                      "ybar": _tenths(rng, (4, 5), 1)},
    require=[(lambda p: len(set(p["gamma"])) > 1, "γ not a multiple of "
              "the ones (else the γ-missing mistake is a rescaling)"),
             (_q5_valid, "the gradient, its negative and double and the "
              "five named mistakes all differ")])


def _q6_named(p):
    gamma, ybar = np.array(p["gamma"]), np.array(p["ybar"])
    return [lambda X: _norm_back(X, gamma, ybar, 0, (False, False)),
            lambda X: _norm_back(X, gamma, ybar, -1)]


def _q6_valid(p):
    gamma, ybar = np.array(p["gamma"]), np.array(p["ybar"])
    right = _at_probes([lambda X: numeric.gradient(
        lambda V: _bn_loss(V, gamma, ybar), X)], PROBES_BN)[0]
    return _all_far([right, -right, 2 * right] +
                    _at_probes(_q6_named(p), PROBES_BN))


def _q6(p):
    gamma, ybar = np.array(p["gamma"]), np.array(p["ybar"])
    named = _q6_named(p)
    return FunctionQuestion(
        "ch09.q6", "grad_X_bn", title="Batch norm in training mode",
        points=1, arg_name="X", arg_shape=(6, 3), out_shape=(6, 3),
        layout="the gradient with respect to X has the shape of X, 6 x 3",
        prompt=PROMPT6,
        given=(f"gamma_b = np.array({_row(gamma)})   # (3,)\n"
               f"Ybar_b = np.array({_literal(ybar)})   # (6, 3)\n\n\n"
               "def bn_loss(X):\n"
               "    return np.sum(Ybar_b * layer_norm(X, gamma_b, 0.0, "
               "axis=0))"),
        template="def grad_X_bn(X):\n    # X has shape (6, 3); return an "
                 "array of shape (6, 3)\n    return None  # your answer",
        reference=lambda X: numeric.gradient(
            lambda V: _bn_loss(V, gamma, ybar), X),
        mistakes=[(named[0],
                   "that treats the batch statistics as constants "
                   "(γ ⊙ Ȳ / σ), as evaluation mode does. In training "
                   "mode the mean and variance depend on every example "
                   "of the batch, which couples the examples: subtract "
                   "the column means of g and of g ⊙ X̂ times X̂."),
                  (named[1],
                   "the statistics are taken over the wrong axis (the "
                   "features, axis 1): that is layer norm. Batch norm "
                   "averages each column over the batch, axis=0.")])


Q6 = parameterised(
    _q6, default={"gamma": _tuples(GAMMA_B), "ybar": _tuples(YBAR_B)},
    draw=lambda rng: {"gamma": tuple(_pick(rng, [h for h in HALVES if h])
                                     for _ in range(3)),
                      "ybar": _tenths(rng, (6, 3), 1)},
    require=[(_q6_valid, "the gradient, its negative and double and the "
              "two named mistakes all differ")])

# ------------------------------------------------------------ question 7

COUNT = {2: "two", 3: "three"}


def _grad_E(ids=IDS, ybar=YBAR_E):
    E0 = np.zeros((6, 2))
    return numeric.gradient(
        lambda E: np.sum(ybar * layers.embedding(ids, E)), E0)


def _assigned(order, ids=IDS, ybar=YBAR_E):
    E = np.zeros((6, 2))
    for t in order:
        E[ids[t]] = ybar[t]
    return E


def _mean_per_word(ids=IDS, ybar=YBAR_E):
    E = layers.embedding_backward(ybar, ids, 6)
    counts = np.bincount(ids, minlength=6)
    return E / np.maximum(counts, 1)[:, None]


def _q7_named(ids, ybar):
    return [_assigned(range(5), ids, ybar),
            _assigned(reversed(range(5)), ids, ybar),
            _mean_per_word(ids, ybar)]


def _q7_valid(p):
    ids, ybar = np.array(p["ids"]), np.array(p["ybar"])
    counts = np.bincount(ids, minlength=6)
    if sorted(counts)[-2:] not in ([1, 2], [1, 3]):
        return False                   # one id repeated, twice or thrice
    right = _grad_E(ids, ybar)
    return _all_far([right, -right, 2 * right] + _q7_named(ids, ybar))


def _q7(p):
    ids, ybar = np.array(p["ids"]), np.array(p["ybar"])
    named = _q7_named(ids, ybar)
    k = int(np.argmax(np.bincount(ids, minlength=6)))
    n = COUNT[int(np.sum(ids == k))]
    every = "both" if n == "two" else f"all {n}"
    return ArrayQuestion(
        "ch09.q7", "grad_E", title="An embedding with repeated ids",
        points=1, shape=(6, 2),
        prompt=fill(r"""An embedding table $E$ ($6 \times 2$: 6 words,
$d = 2$) is read at the token ids `ids` $= ([[ids]])$: $Y =
E[\text{ids}]$ ($5 \times 2$). With $\bar{Y}$ = `Ybar_e` below, compute
$\nabla_E L$ for $L = \sum_{tj} \bar{Y}_{tj} Y_{tj}$ and assign it to
`grad_E`, a numpy array of shape `(6, 2)`, the shape of $E$.""",
                    ids=", ".join(str(int(i)) for i in ids)),
        given=(f"ids = np.array([{', '.join(str(int(i)) for i in ids)}])"
               "   # (5,)\n"
               f"Ybar_e = np.array({_literal(ybar)})   # (5, 2)"),
        template="grad_E = None  # your answer: a numpy array of shape "
                 "(6, 2)",
        reference=lambda: _grad_E(ids, ybar),
        mistakes=[(lambda: named[0], f"row {k} holds only the "
                   f"last of the {n} positions with id {k}: "
                   "`grad_E[ids] = Ybar_e` keeps the last assignment. "
                   "The rows must be added (np.add.at)."),
                  (lambda: named[1], f"row {k} holds "
                   f"only one of the {n} positions with id {k}; the rows "
                   f"of {every} must be added (np.add.at)."),
                  (lambda: named[2], f"row {k} is the mean of the {n} "
                   f"positions with id {k}; the loss sums over positions, "
                   "so their gradients add.")])


def _q7_draw(rng):
    k, r = int(rng.integers(0, 6)), int(rng.integers(2, 4))
    others = [int(v) for v in rng.permutation([i for i in range(6)
                                               if i != k])[:5 - r]]
    ids = [int(v) for v in rng.permutation([k] * r + others)]
    return {"ids": tuple(ids),
            "ybar": tuple(tuple(_pick(rng, HALVES) for _ in range(2))
                          for _ in range(5))}


Q7 = parameterised(
    _q7, default={"ids": tuple(int(i) for i in IDS),
                  "ybar": _tuples(YBAR_E)},
    draw=_q7_draw,
    require=[(_q7_valid, "one id repeated (twice or three times), and the "
              "gradient, its negative and double and the three named "
              "mistakes all differ")])

# ------------------------------------------------------------ question 8


def _conv(p):
    return (np.array(p["w"], dtype=float), np.array(p["x"], dtype=float),
            np.array(p["ybar"], dtype=float))


def _grad_x_conv(w=W_C, xc=X_C, ybar=YBAR_C):
    return numeric.gradient(
        lambda x: ybar @ layers.conv1d(x, w, stride=2, padding=1), xc)


def _dilated_full(kernel, ybar=YBAR_C):
    """Correlate y-bar, with a zero between its entries and 2 zeros of
    padding, with ``kernel``; drop the padding of x."""
    dil = np.zeros(2 * len(ybar) - 1)
    dil[::2] = ybar
    return layers.conv1d(np.pad(dil, 2), kernel)[1:-1]


def _no_stride(w=W_C, ybar=YBAR_C):
    """C^T y-bar as if the stride were 1 (rows shifted by one column)."""
    C = layers.conv1d_matrix(w, 7, stride=1, padding=1)[:len(ybar)]
    return C.T @ ybar


def _q8_valid(p):
    w, xc, ybar = _conv(p)
    right = _grad_x_conv(w, xc, ybar)
    return _all_far([right, -right, 2 * right, _dilated_full(w, ybar),
                     _no_stride(w, ybar)])


def _q8(p):
    w, xc, ybar = _conv(p)
    return ArrayQuestion(
        "ch09.q8", "grad_x_conv", title="A strided convolution, by its "
        "input", points=1, shape=(7,),
        prompt=fill(r"""A 1-D convolution (cross-correlation, as in every
framework) with kernel $\mathbf{w} = ([[w]])$, stride 2 and padding 1
maps $\mathbf{x} \in \mathbb{R}^7$ to $\mathbf{y} \in \mathbb{R}^4$:
$y_i = \sum_j w_j \tilde{x}_{2i + j}$, where $\tilde{\mathbf{x}}$ is
$\mathbf{x}$ with one zero added at each end (`conv1d` below). For
$\bar{\mathbf{y}}$ = `ybar_c` $= ([[ybar]])$ compute $\nabla_{
\mathbf{x}} L$ for $L = \bar{\mathbf{y}}^\top \mathbf{y}$ (at `x_c`;
the answer does not depend on it) and assign it to `grad_x_conv`, shape
`(7,)`.""", w=_code(w), ybar=_code(ybar)),
        given=(f"w_c = np.array({_row(w)})   # (3,)\n"
               f"x_c = np.array({_row(xc)})   # (7,)\n"
               f"ybar_c = np.array({_row(ybar)})   # (4,)"),
        template="grad_x_conv = None  # your answer: a numpy array of "
                 "shape (7,)",
        reference=lambda: _grad_x_conv(w, xc, ybar),
        mistakes=[(lambda: _dilated_full(w, ybar), "the kernel is not "
                   "flipped: the input gradient Cᵀȳ is a correlation of "
                   "the dilated ȳ with the kernel reversed."),
                  (lambda: _no_stride(w, ybar), "the stride is missing: "
                   "with stride 2 the rows of C shift by 2 columns, so in "
                   "Cᵀȳ each ȳ_i is spread over inputs 2i - 1, 2i, "
                   "2i + 1.")])


NONZERO_HALVES = [h for h in HALVES if h]
Q8 = parameterised(
    _q8, default={"w": _tuples(W_C), "x": _tuples(X_C),
                  "ybar": _tuples(YBAR_C)},
    draw=lambda rng: {"w": tuple(_pick(rng, NONZERO_HALVES)
                                 for _ in range(3)),
                      "x": tuple(_pick(rng, HALVES) for _ in range(7)),
                      "ybar": tuple(_pick(rng, NONZERO_HALVES)
                                    for _ in range(4))},
    require=[(lambda p: p["w"][0] != p["w"][2], "the kernel is not a "
              "palindrome (else flipping it changes nothing)"),
             (_q8_valid, "the gradient, its negative and double and the "
              "two named mistakes all differ")])

# ------------------------------------------------------------ question 9

_X1, _X2 = sp.symbols("x1 x2", positive=True)
_R = sp.sqrt((_X1 ** 2 + _X2 ** 2) / 2)


def _dy1_dx2():
    return sp.diff(_X1 / _R, _X2)


QUESTIONS = [
    ChoiceQuestion(
        "ch09.q1", "jac_size", title="Why nobody builds the Jacobian",
        points=1,
        options={"A": "m n", "B": "N m · m n", "C": "N n m",
                 "D": "N m"},
        prompt=r"""A linear layer $Y = XW^\top$ takes $N = 8192$ tokens
(the rows of $X$, $N \times n$ with $n = 768$) to $m = 3072$ outputs,
with weights $W$ of size $m \times n$. How many entries has the
Jacobian of $\operatorname{vec} Y$ with respect to $\operatorname{vec}
W$?

* (A) $mn$, as many as $W$ has
* (B) $Nm \cdot mn$, one for each pair of an entry of $Y$ and an
  entry of $W$
* (C) $Nnm$
* (D) $Nm$, as many as $Y$ has

Assign the letter, as a string, to `jac_size`.""",
        template='jac_size = None  # your answer: "A", "B", "C" or "D" '
                 '(a string)',
        reference=_size_letter,
        hints={"A": "that is the size of the gradient ∇_W L, which the "
                    "backward function returns; the Jacobian has one "
                    "entry per output entry and input entry.",
               "C": "that is the number of nonzeros of X ⊗ I_m, the "
                    "entries that are not forced to 0; the Jacobian "
                    "has (Nm)(mn) entries in all, most of them 0.",
               "D": "that is the number of entries of Y; the Jacobian "
                    "has one row per entry of Y and one column per "
                    "entry of W."}),
    Q2, Q3, Q4, Q5, Q6, Q7, Q8,
    ExpressionQuestion(
        "ch09.q9", "dy1_dx2", title="RMSNorm couples the features",
        points=1, variables=["x1", "x2"],
        domain={"x1": (0.5, 2.0), "x2": (0.5, 2.0)},
        prompt=r"""RMSNorm of a vector $\mathbf{x} = (x_1, x_2)$ with
$\boldsymbol{\gamma} = \mathbf{1}$ and $\epsilon = 0$ is $\mathbf{y} =
\mathbf{x}/r$ with $r = \sqrt{(x_1^2 + x_2^2)/2}$. Find
$\partial y_1/\partial x_2$, an entry off the diagonal of its Jacobian,
and assign it to `dy1_dx2` as a SymPy expression in the symbols `x1`
and `x2` defined below (a string is accepted too). Formulas are compared
for $x_1$ and $x_2$ between 0.5 and 2.""",
        given='x1, x2 = sp.symbols("x1 x2", positive=True)',
        reference=_dy1_dx2,
        mistakes=[(lambda: sp.Integer(0), "0 treats r as a constant; r "
                   "depends on x₂, so y₁ = x₁/r does too."),
                  (lambda: -_X1 * _X2 / _R ** 3, "the factor 1/n is "
                   "missing: ∂r/∂x₂ = x₂/(n r) with n = 2, so the entry "
                   "is -x₁x₂/(n r³)."),
                  (lambda: -_X1 * _X2 / (2 * _R), "the power of r is "
                   "wrong: the chain rule through 1/r gives -1/r² times "
                   "∂r/∂x₂ = x₂/(2r), so r³ in all.")]),
]

_FUNCS = '''def softmax_rows(S):
    # the softmax of each row of S; entries -inf get probability 0
    E = np.exp(S - np.max(S, axis=-1, keepdims=True))
    return E / np.sum(E, axis=-1, keepdims=True)


def causal_attention(Q, K, V):
    # Q, K: (T, d); V: (T, d_v); returns O = P V, shape (T, d_v)
    T, d = Q.shape
    S = Q @ K.T / np.sqrt(d)
    S = np.where(np.tril(np.ones((T, T), dtype=bool)), S, -np.inf)
    return softmax_rows(S) @ V


def layer_norm(X, gamma, beta, axis=-1, eps=1e-5):
    # normalise X along axis, then scale by gamma and shift by beta
    mu = np.mean(X, axis=axis, keepdims=True)
    sigma = np.sqrt(np.var(X, axis=axis, keepdims=True) + eps)
    return gamma * (X - mu) / sigma + beta


def conv1d(x, w, stride=1, padding=0):
    # y_i = sum_j w_j xp_(i stride + j), xp = x with zeros at both ends
    xp = np.pad(x, padding)
    n_out = (len(xp) - len(w)) // stride + 1
    return np.array([w @ xp[i * stride:i * stride + len(w)]
                     for i in range(n_out)])'''


CHAPTER = Chapter(
    "ch09", 9, "Backpropagation through the layers of modern networks",
    intro="""The size of a layer's Jacobian, the gradients of causal
attention with respect to Q and K, why scores are divided by √d, layer
norm and batch norm in training mode, an embedding with repeated ids, a
strided convolution and RMSNorm: the questions follow chapter 9 in
order. Most ask for a gradient in the shape of the variable, the
backward function of the layer applied to a given output gradient.""",
    given=_FUNCS,
    questions=QUESTIONS)
