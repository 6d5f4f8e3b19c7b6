"""Problem set 9: Backpropagation through the layers of modern networks.

Every reference is computed from the problem when a check runs:
``mathlib.numeric`` gradients of the loss each question defines, at the
sample points (or at the given arrays), or a count from the sizes. The
arrays the prompts give are the module's constants below;
tests/test_exercises_ch09.py checks that the notebook's "given" code
defines the same numbers.
"""

import numpy as np

from mathlib import layers, numeric

import sympy as sp

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, NumberQuestion)
from ._registry import Chapter

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


# ------------------------------------------------------------ question 1


def _size_letter():
    """Which count is the number of entries of d vec(Y) / d vec(W)?"""
    counts = {"A": M_OUT * N_IN, "B": N_TOK * M_OUT * M_OUT * N_IN,
              "C": N_TOK * N_IN * M_OUT, "D": N_TOK * M_OUT}
    entries = (N_TOK * M_OUT) * (M_OUT * N_IN)      # outputs x inputs
    return next(k for k, v in counts.items() if v == entries)


# ------------------------------------------------------ questions 2 to 4


def _loss_att(Q=Q_A, K=K_A, V=V_A):
    return np.sum(G_A * layers.attention(Q, K, V, causal=True))


def _parts(Q=Q_A, K=K_A, causal=True, scale=None):
    """P and dS = P * (dP - rowsum(P * dP)) at (Q, K)."""
    d = Q.shape[-1]
    S = Q @ K.T * (1 / np.sqrt(d) if scale is None else scale)
    if causal:
        S = np.where(layers.causal_mask(len(S)), S, -np.inf)
    P = layers.softmax(S)
    return P, layers.softmax_backward(G_A @ V_A.T, P)


def _diag_only(Q=Q_A, K=K_A):
    P, _ = _parts(Q, K)
    return P * (G_A @ V_A.T)


def _score_sd():
    """q.k is a sum of d products q_e k_e, each of variance 1 (means 0,
    independent): the variance adds up to d."""
    variance = sum(1 * 1 for _ in range(D_SCORE))
    return float(np.sqrt(variance))


# ------------------------------------------------------ questions 5 and 6


def _ln_loss(X):
    return np.sum(YBAR_L * layers.layer_norm(X, GAMMA_L, BETA_L, EPS))


def _bn_loss(X):
    return np.sum(YBAR_B * layers.batch_norm(X, GAMMA_B, 0.0, EPS))


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


# ------------------------------------------------------------ question 7


def _grad_E():
    E0 = np.zeros((6, 2))
    return numeric.gradient(
        lambda E: np.sum(YBAR_E * layers.embedding(IDS, E)), E0)


def _assigned(order):
    E = np.zeros((6, 2))
    for t in order:
        E[IDS[t]] = YBAR_E[t]
    return E


def _mean_per_word():
    E = layers.embedding_backward(YBAR_E, IDS, 6)
    counts = np.bincount(IDS, minlength=6)
    return E / np.maximum(counts, 1)[:, None]


# ------------------------------------------------------------ question 8


def _grad_x_conv():
    return numeric.gradient(
        lambda x: YBAR_C @ layers.conv1d(x, W_C, stride=2, padding=1), X_C)


def _dilated_full(kernel):
    """Correlate y-bar, with a zero between its entries and 2 zeros of
    padding, with ``kernel``; drop the padding of x."""
    dil = np.zeros(2 * len(YBAR_C) - 1)
    dil[::2] = YBAR_C
    return layers.conv1d(np.pad(dil, 2), kernel)[1:-1]


def _no_stride():
    """C^T y-bar as if the stride were 1 (rows shifted by one column)."""
    C = layers.conv1d_matrix(W_C, 7, stride=1, padding=1)[:len(YBAR_C)]
    return C.T @ YBAR_C


# ------------------------------------------------------------ question 9

_X1, _X2 = sp.symbols("x1 x2", positive=True)
_R = sp.sqrt((_X1 ** 2 + _X2 ** 2) / 2)


def _dy1_dx2():
    return sp.diff(_X1 / _R, _X2)


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
    FunctionQuestion(
        "ch09.q2", "grad_Q", title="Attention, by Q", points=2,
        arg_name="Q", arg_shape=(5, 4), out_shape=(5, 4),
        layout="the gradient with respect to Q has the shape of Q, "
               "5 x 4",
        prompt=r"""Causal scaled dot-product attention with $T = 5$
positions, $d = 4$ and $d_v = 3$: $S = QK^\top/\sqrt{d}$ with the
entries above the diagonal set to $-\infty$, $P =
\operatorname{softmax}_{\text{rows}}(S)$, $O = PV$. For the fixed $K$
($5 \times 4$), $V$ ($5 \times 3$) and $G$ ($5 \times 3$) below (`K_a`,
`V_a`, `G_a`), the loss is $L(Q) = \sum_{t,f} G_{tf} O_{tf}$ (so
$\bar{O} = G$), computed by `loss_att(Q, K_a, V_a)`. Write `grad_Q(Q)`:
it takes a numpy array `Q` of shape `(5, 4)` and returns $\nabla_Q L$,
shape `(5, 4)`.""",
        template="def grad_Q(Q):\n    # Q has shape (5, 4); return an "
                 "array of shape (5, 4)\n    return None  # your answer",
        reference=lambda Q: numeric.gradient(lambda q: _loss_att(Q=q), Q),
        mistakes=[(lambda Q: _parts(Q)[1] @ K_A, _SQRT),
                  (lambda Q: _parts(Q)[1] @ K_A * 2, "that multiplies "
                   "by √d where the scores divide by it: S = QKᵀ/√d "
                   "brings a factor 1/√d."),
                  (lambda Q: _parts(Q, causal=False)[1] @ K_A / 2, _MASK),
                  (lambda Q: _diag_only(Q) @ K_A / 2, "S̄ = P ⊙ P̄ keeps "
                   "only the diagonal of the softmax Jacobian; each row "
                   "of P depends on every score of its row through the "
                   "sum in the denominator: S̄ = P ⊙ (P̄ - rowsum(P ⊙ "
                   "P̄) 1ᵀ)."),
                  (lambda Q: _parts(Q)[1].T @ K_A / 2, "that uses S̄ᵀ; "
                   "Q enters S = QKᵀ/√d on the left, so Q̄ = S̄K/√d: "
                   "row t of Q̄ sums over the keys u of row t of S̄.")]),
    FunctionQuestion(
        "ch09.q3", "grad_K", title="Attention, by K", points=1,
        arg_name="K", arg_shape=(5, 4), out_shape=(5, 4),
        layout="the gradient with respect to K has the shape of K, "
               "5 x 4",
        prompt=r"""The same attention and loss as in question 2, now with
$Q$ fixed at `Q_a` ($5 \times 4$) and the keys variable: $L(K) =
\sum_{t,f} G_{tf} O_{tf}$, computed by `loss_att(Q_a, K, V_a)`. Write
`grad_K(K)`: it takes a numpy array `K` of shape `(5, 4)` and returns
$\nabla_K L$, shape `(5, 4)`.""",
        template="def grad_K(K):\n    # K has shape (5, 4); return an "
                 "array of shape (5, 4)\n    return None  # your answer",
        reference=lambda K: numeric.gradient(lambda k: _loss_att(K=k), K),
        mistakes=[(lambda K: _parts(K=K)[1] @ K / 2, "that is S̄K/√d, the "
                   "pattern of Q̄. K enters S = QKᵀ/√d transposed, so "
                   "K̄ = S̄ᵀQ/√d: row u of K̄ sums over the queries t "
                   "that looked at key u."),
                  (lambda K: _parts(K=K)[1].T @ Q_A, _SQRT),
                  (lambda K: _parts(K=K, causal=False)[1].T @ Q_A / 2,
                   _MASK)]),
    NumberQuestion(
        "ch09.q4", "score_sd", title="Why 1/√d", points=1,
        prompt=r"""A query $\mathbf{q}$ and a key $\mathbf{k}$ in
$\mathbb{R}^{64}$ have independent entries, each with mean 0 and
variance 1. What is the standard deviation of the unscaled score
$\mathbf{q}^\top\mathbf{k}$? Assign the number to `score_sd`. (Dividing
the score by $\sqrt{d}$ brings it back to 1, whatever $d$ is.)""",
        reference=_score_sd,
        mistakes=[(lambda: D_SCORE, "that is the variance of the score, "
                   "d · 1; the standard deviation is its square root."),
                  (lambda: 1.0, "that is the standard deviation of the "
                   "scaled score q·k/√d; the question asks for q·k.")]),
    FunctionQuestion(
        "ch09.q5", "grad_X_ln", title="Layer norm, by its input",
        points=1, arg_name="X", arg_shape=(4, 5), out_shape=(4, 5),
        layout="the gradient with respect to X has the shape of X, 4 x 5",
        prompt=r"""Layer norm over the last axis: for each row
$\mathbf{x}$ of $X$ ($4 \times 5$: 4 positions, 5 features),
$\hat{\mathbf{x}} = (\mathbf{x} - \mu)/\sigma$ with $\mu$ the mean of
the row and $\sigma = \sqrt{\operatorname{var} + \epsilon}$ (biased
variance, $\epsilon = 10^{-5}$), and $\mathbf{y} = \boldsymbol{\gamma}
\odot \hat{\mathbf{x}} + \boldsymbol{\beta}$ (`layer_norm` below). With
the fixed $\bar{Y}$ below (`Ybar_l`, $4 \times 5$), the loss is
$L(X) = \sum_{ij} \bar{Y}_{ij} Y_{ij}$ (`ln_loss`). Write
`grad_X_ln(X)`: it takes `X` of shape `(4, 5)` and returns $\nabla_X L$,
shape `(4, 5)`.""",
        template="def grad_X_ln(X):\n    # X has shape (4, 5); return an "
                 "array of shape (4, 5)\n    return None  # your answer",
        reference=lambda X: numeric.gradient(_ln_loss, X),
        mistakes=[(lambda X: _norm_back(X, GAMMA_L, YBAR_L, -1,
                                        (False, False)),
                   "that treats μ and σ as constants (γ ⊙ ȳ / σ). Both "
                   "depend on x: they add -mean(g) and -x̂ mean(g ⊙ x̂) "
                   "inside the bracket, with g = γ ⊙ ȳ."),
                  (lambda X: _norm_back(X, GAMMA_L, YBAR_L, 0),
                   "the means are taken over the wrong axis (axis 0, "
                   "over the positions). Layer norm normalises each row, "
                   "the features of one position: axis=-1."),
                  (lambda X: _norm_back(X, GAMMA_L, YBAR_L, -1,
                                        (True, False)),
                   "the term from σ is missing: σ depends on x, which "
                   "adds -x̂ mean(g ⊙ x̂)."),
                  (lambda X: _norm_back(X, GAMMA_L, YBAR_L, -1,
                                        (False, True)),
                   "the term from μ is missing: μ depends on x, which "
                   "adds -mean(g)."),
                  (lambda X: _norm_back(X, 1.0, YBAR_L, -1),
                   "γ is missing: the gradient reaching x̂ is "
                   "g = γ ⊙ ȳ.")]),
    FunctionQuestion(
        "ch09.q6", "grad_X_bn", title="Batch norm in training mode",
        points=1, arg_name="X", arg_shape=(6, 3), out_shape=(6, 3),
        layout="the gradient with respect to X has the shape of X, 6 x 3",
        prompt=r"""Batch norm in training mode normalises each feature
(column) of a batch $X$ ($6 \times 3$: 6 examples, 3 features) with the
mean and biased variance of that column over the batch ($\epsilon =
10^{-5}$), then scales by $\boldsymbol{\gamma}$ (`gamma_b`). With the
fixed $\bar{Y}$ below (`Ybar_b`, $6 \times 3$) the loss is $L(X) =
\sum_{ij}\bar{Y}_{ij} Y_{ij}$ (`bn_loss`). Write `grad_X_bn(X)`: it
takes `X` of shape `(6, 3)` and returns $\nabla_X L$, shape `(6, 3)`.""",
        template="def grad_X_bn(X):\n    # X has shape (6, 3); return an "
                 "array of shape (6, 3)\n    return None  # your answer",
        reference=lambda X: numeric.gradient(_bn_loss, X),
        mistakes=[(lambda X: _norm_back(X, GAMMA_B, YBAR_B, 0,
                                        (False, False)),
                   "that treats the batch statistics as constants "
                   "(γ ⊙ Ȳ / σ), as evaluation mode does. In training "
                   "mode the mean and variance depend on every example "
                   "of the batch, which couples the examples: subtract "
                   "the column means of g and of g ⊙ X̂ times X̂."),
                  (lambda X: _norm_back(X, GAMMA_B, YBAR_B, -1),
                   "the statistics are taken over the wrong axis (the "
                   "features, axis 1): that is layer norm. Batch norm "
                   "averages each column over the batch, axis=0.")]),
    ArrayQuestion(
        "ch09.q7", "grad_E", title="An embedding with repeated ids",
        points=1, shape=(6, 2),
        prompt=r"""An embedding table $E$ ($6 \times 2$: 6 words,
$d = 2$) is read at the token ids `ids` $= (3, 1, 3, 0, 3)$: $Y =
E[\text{ids}]$ ($5 \times 2$). With $\bar{Y}$ = `Ybar_e` below, compute
$\nabla_E L$ for $L = \sum_{tj} \bar{Y}_{tj} Y_{tj}$ and assign it to
`grad_E`, a numpy array of shape `(6, 2)`, the shape of $E$.""",
        template="grad_E = None  # your answer: a numpy array of shape "
                 "(6, 2)",
        reference=_grad_E,
        mistakes=[(lambda: _assigned(range(5)), "row 3 holds only the "
                   "last of the three positions with id 3: "
                   "`grad_E[ids] = Ybar_e` keeps the last assignment. "
                   "The rows must be added (np.add.at)."),
                  (lambda: _assigned(reversed(range(5))), "row 3 holds "
                   "only one of the three positions with id 3; the rows "
                   "of all three must be added (np.add.at)."),
                  (_mean_per_word, "row 3 is the mean of the three "
                   "positions with id 3; the loss sums over positions, "
                   "so their gradients add.")]),
    ArrayQuestion(
        "ch09.q8", "grad_x_conv", title="A strided convolution, by its "
        "input", points=1, shape=(7,),
        prompt=r"""A 1-D convolution (cross-correlation, as in every
framework) with kernel $\mathbf{w} = (1, -1, 2)$, stride 2 and padding 1
maps $\mathbf{x} \in \mathbb{R}^7$ to $\mathbf{y} \in \mathbb{R}^4$:
$y_i = \sum_j w_j \tilde{x}_{2i + j}$, where $\tilde{\mathbf{x}}$ is
$\mathbf{x}$ with one zero added at each end (`conv1d` below). For
$\bar{\mathbf{y}}$ = `ybar_c` $= (1, -2, 0.5, 1)$ compute $\nabla_{
\mathbf{x}} L$ for $L = \bar{\mathbf{y}}^\top \mathbf{y}$ (at `x_c`;
the answer does not depend on it) and assign it to `grad_x_conv`, shape
`(7,)`.""",
        template="grad_x_conv = None  # your answer: a numpy array of "
                 "shape (7,)",
        reference=_grad_x_conv,
        mistakes=[(lambda: _dilated_full(W_C), "the kernel is not "
                   "flipped: the input gradient Cᵀȳ is a correlation of "
                   "the dilated ȳ with the kernel reversed."),
                  (_no_stride, "the stride is missing: with stride 2 "
                   "the rows of C shift by 2 columns, so in Cᵀȳ each "
                   "ȳ_i is spread over inputs 2i - 1, 2i, 2i + 1.")]),
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


QUESTIONS[1].given = _GIVEN_ATT.format(
    *(_literal(a) for a in (Q_A, K_A, V_A, G_A)))
QUESTIONS[4].given = (
    "gamma_l = np.array([1.0, 0.5, -1.0, 2.0, 1.5])   # (5,)\n"
    "beta_l = np.array([0.1, 0.0, -0.2, 0.3, 0.0])    # (5,)\n"
    f"Ybar_l = np.array({_literal(YBAR_L)})   # (4, 5)\n\n\n"
    "def ln_loss(X):\n"
    "    return np.sum(Ybar_l * layer_norm(X, gamma_l, beta_l))")
QUESTIONS[5].given = (
    "gamma_b = np.array([2.0, -1.0, 0.5])   # (3,)\n"
    f"Ybar_b = np.array({_literal(YBAR_B)})   # (6, 3)\n\n\n"
    "def bn_loss(X):\n"
    "    return np.sum(Ybar_b * layer_norm(X, gamma_b, 0.0, axis=0))")
QUESTIONS[6].given = (
    "ids = np.array([3, 1, 3, 0, 3])   # (5,)\n"
    f"Ybar_e = np.array({_literal(YBAR_E)})   # (5, 2)")
QUESTIONS[7].given = (
    "w_c = np.array([1.0, -1.0, 2.0])   # (3,)\n"
    "x_c = np.array([0.5, -1.0, 2.0, 0.0, 1.0, -0.5, 1.5])   # (7,)\n"
    "ybar_c = np.array([1.0, -2.0, 0.5, 1.0])   # (4,)")

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
