"""Problem set 6: Gradients of a neuron, a layer and a loss (chapter 6).

Every reference is computed from the problem when a check runs: sympy
derivatives (``mathlib.symbolic``), or ``mathlib.numeric`` at the data
and at the sample points. The wrong answers named in ``mistakes`` are
computed the same way, from the classic wrong formulas. The arrays the
prompts give are the module's constants below;
tests/test_exercises_ch06.py checks that the notebook's "given" code
defines the same numbers.

Questions 2, 3, 5 and 7 have per-student variants (``_variant``: each
is built by a function of its parameters ``p``; the module's constants
are the default parameters, the book's numbers; question 3 uses question
2's numbers). Questions 1 and 6 are about layouts and shapes, the same
for any numbers, and questions 4 and 8 are formulas in symbols only:
they have no numbers to vary.
"""

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, MatrixQuestion, NumberQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised


def _relu(v):
    return np.maximum(0.0, v)


HALVES = [k / 2 for k in range(-4, 5)]          # -2, -1.5, ..., 2


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _halves(rng, shape):
    """A matrix (tuple of rows) of multiples of 1/2 in [-2, 2]."""
    return tuple(tuple(_pick(rng, HALVES) for _ in range(shape[1]))
                 for _ in range(shape[0]))


def _tuples(A):
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


# ------------------------------------------------------------ question 1


def _layout_letter():
    """The numerator-layout derivative of z = w . x + b (n = 3) by sympy,
    found among the options."""
    ws, xs = sp.symbols("w1:4"), sp.symbols("x1:4")
    z = sum(wi * xi for wi, xi in zip(ws, xs)) + sp.Symbol("b")
    J = symbolic.jacobian([z], ws)
    options = {"A": sp.Matrix(xs), "B": sp.Matrix(xs).T,
               "C": sp.Matrix(ws).T, "D": sp.Matrix([1])}
    return next(k for k, M in options.items() if M == J)


# ----------------------------------------------------- questions 2 and 3
# A ReLU neuron and its mean squared error on N = 4 examples, n = 3: in
# the book's variant examples 1 and 3 are off (z < 0) with nonzero
# errors, 2 and 4 on. Every variant has examples off and on, every off
# example a nonzero error, and no z_i near 0 (a kink).

X_TOY = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 1.0],
                  [2.0, 1.0, -1.0], [-1.0, 0.0, 2.0]])         # N x n
Y_TOY = np.array([2.0, 1.0, 1.0, 1.0])                          # (N,)
W_TOY = np.array([0.5, -1.0, 1.0])                              # (n,)
B_TOY = 0.5
TOY = {"X": _tuples(X_TOY), "y": tuple(Y_TOY.tolist()),
       "w": tuple(W_TOY.tolist()), "b": B_TOY}


def _toy(p):
    return (np.array(p["X"], dtype=float), np.array(p["y"], dtype=float),
            np.array(p["w"], dtype=float), float(p["b"]))


def _mse(X, y, w, b):
    """C(w, b) = (1/N) sum_i (max(0, w . x_i + b) - y_i)^2."""
    return np.mean((_relu(X @ w + b) - y) ** 2)


def _toy_gradients(p):
    """(dC/db, grad_w C) by mathlib.numeric."""
    X, y, w, b = _toy(p)
    return (numeric.derivative(lambda c: _mse(X, y, w, c), b),
            numeric.gradient(lambda v: _mse(X, y, v, b), w))


def _factors(p, kind):
    """The per-example factors of two classic wrong formulas, (N,)."""
    X, y, w, b = _toy(p)
    z = X @ w + b
    if kind == "summary":                  # e_i = z_i - y_i, every i
        return 2 / len(y) * (z - y)
    return 2 / len(y) * (_relu(z) - y)     # the bracket [z_i > 0] lost


def _examples(ks):
    """"examples 1 and 3", "example 2", "examples 1, 2 and 4"."""
    names = [str(k + 1) for k in ks]
    if len(names) == 1:
        return f"example {names[0]}"
    return f"examples {', '.join(names[:-1])} and {names[-1]}"


def _toy_messages(p):
    """The four messages of the named mistakes, naming the examples that
    are off in this variant."""
    X, y, w, b = _toy(p)
    off = [k for k, z in enumerate(X @ w + b) if z < 0]
    one = len(off) == 1
    ex = _examples(off)
    are, they, their = ("is", "it", "its") if one else \
        ("are", "they", "their")
    summary = ("that is the classic article's summary formula as printed, "
               f"(2/N) Σ (zᵢ - yᵢ) over all examples: {ex} {are} "
               f"off (zᵢ < 0), so {their} term{'' if one else 's'} must be "
               "0. Keep the bracket [zᵢ > 0] inside the sum.")
    no_bracket = (f"the bracket [zᵢ > 0] is missing: {ex} {are} off "
                  f"(zᵢ < 0), {their} prediction stays 0 under small "
                  f"changes, so {they} contribute{'s' if one else ''} "
                  f"nothing, although {their} error{'' if one else 's'} "
                  f"{'is' if one else 'are'} not 0.")
    sum_not_mean = ("that is N = 4 times the right value: C is a mean, so "
                    "the gradient keeps the factor 1/N of (2/N) Σ ...")
    no_two = ("that is half the right value: the derivative of the square "
              "eᵢ² is 2eᵢ, so the factor 2 of (2/N) Σ ... is missing.")
    return summary, no_bracket, sum_not_mean, no_two


def _toy_named(p, which):
    """The named wrong answers of question 2 (which = 0) or 3 (1)."""
    X, y, w, b = _toy(p)
    right = _toy_gradients(p)[which]

    def pick(f):
        return np.sum(f) if which == 0 else X.T @ f
    return [pick(_factors(p, "summary")), pick(_factors(p, "no_bracket")),
            len(y) * right, right / 2]


def _toy_valid(p):
    """No kink near the point, examples off (with nonzero errors) and
    on, and for both questions the right answer, its negative and double
    and the four named mistakes all differ."""
    X, y, w, b = _toy(p)
    z = X @ w + b
    if np.abs(z).min() < 0.5 or not ((z < 0).any() and (z > 0).any()):
        return False
    if np.any(y[z < 0] == 0):
        return False
    for which in (0, 1):
        right = _toy_gradients(p)[which]
        if not _all_far([right, -right, 2 * right] + _toy_named(p, which)):
            return False
    return True


def _matrix_tex(A, split=None):
    """A matrix's rows in LaTeX; a line break after row ``split``."""
    rows = [" & ".join(num(v) for v in r) for r in A]
    if split is None:
        return r" \\ ".join(rows)
    return r" \\ ".join(rows[:split]) + " \\\\\n" + r" \\ ".join(
        rows[split:])


def _column_tex(v):
    return r" \\ ".join(num(t) for t in v)


def _code_row(r):
    return "[" + ", ".join(repr(float(v)) for v in r) + "]"


def _commented(code, comment, col):
    return f"{code.ljust(col)}  # {comment}"


def _toy_given(p):
    X, y, w, b = _toy(p)
    top = f"X_toy = np.array([{_code_row(X[0])}, {_code_row(X[1])},"
    low = f"                  {_code_row(X[2])}, {_code_row(X[3])}])"
    return "\n".join([top, _commented(low, "N x n", 54),
                      _commented(f"y_toy = np.array({_code_row(y)})",
                                 "(N,)", 54),
                      _commented(f"w_toy = np.array({_code_row(w)})",
                                 "(n,)", 54),
                      f"b_toy = {repr(b)}"])


def _q2(p):
    X, y, w, b = _toy(p)
    messages = _toy_messages(p)
    named = _toy_named(p, 0)
    return NumberQuestion(
        "ch06.q2", "dC_db", title="The bias gradient of a mean squared "
        "error", points=1,
        prompt=fill(r"""A ReLU neuron predicts $a_i = \max(0, z_i)$ with
$z_i = \mathbf{w} \cdot \mathbf{x}_i + b$, and is fitted to $N = 4$
examples with $n = 3$ inputs by the mean squared error of section 3,

$$
C(\mathbf{w}, b) = \frac{1}{N} \sum_{i=1}^N \left( a_i - y_i \right)^2 .
$$

The examples $\mathbf{x}_i^\top$ are the rows of $X$ ($4 \times 3$), the
targets form $\mathbf{y}$ ($4 \times 1$), and the point is $\mathbf{w}$
($3 \times 1$) and $b$ (a number):

$$
X = \begin{bmatrix} [[X]] \end{bmatrix}, \qquad
\mathbf{y} = \begin{bmatrix} [[y]] \end{bmatrix}, \qquad
\mathbf{w} = \begin{bmatrix} [[w]] \end{bmatrix}, \qquad
b = [[b]] .
$$

They are defined below as `X_toy` (shape `(4, 3)`), `y_toy` (shape
`(4,)`), `w_toy` (shape `(3,)`) and the float `b_toy`. No $z_i$ is $0$
at this point, so $C$ is differentiable there. Compute
$\frac{\partial C}{\partial b}$, a number, and assign it to `dC_db`.""",
                    X=_matrix_tex(X, 3), y=_column_tex(y),
                    w=_column_tex(w), b=num(b)),
        given=_toy_given(p),
        reference=lambda: _toy_gradients(p)[0],
        mistakes=[(lambda k=k: named[k], messages[k]) for k in range(4)])


def _tenth(rng, lo, hi):
    """A multiple of 0.1 in [lo, hi], not 0."""
    while True:
        v = int(rng.integers(round(10 * lo), round(10 * hi) + 1)) / 10
        if v:
            return v


def _toy_draw(rng):
    """Integer examples; targets, weights and bias in tenths, so that
    the answers take many values (few students share them)."""
    return {"X": tuple(tuple(float(rng.integers(-2, 3)) for _ in range(3))
                       for _ in range(4)),
            "y": tuple(_tenth(rng, -1, 3) for _ in range(4)),
            "w": tuple(_tenth(rng, -1.5, 1.5) for _ in range(3)),
            "b": _tenth(rng, -1, 1)}


Q2 = parameterised(
    _q2, default=TOY, draw=_toy_draw,
    require=[(_toy_valid, "no zᵢ within 0.5 of the kink, some examples "
              "off (each with a nonzero error) and some on, and the "
              "right answers, their negatives and doubles and the four "
              "named mistakes all differ")])


def _q3(p):
    messages = _toy_messages(p)
    named = _toy_named(p, 1)
    return ArrayQuestion(
        "ch06.q3", "grad_w", title="The weight gradient of a mean squared "
        "error", points=2, shape=(3,),
        prompt=r"""For the same neuron, data and point as in question 2,
compute the gradient $\nabla_{\mathbf{w}} C$, which has the shape of
$\mathbf{w}$ ($3 \times 1$), and assign it to `grad_w` as a numpy array
of shape `(3,)`, the shape of `w_toy`. (The numerator-layout derivative
$\frac{\partial C}{\partial \mathbf{w}}$ is the $1 \times 3$ row with the
same numbers; it is not what is asked.)""",
        reference=lambda: _toy_gradients(p)[1],
        mistakes=[(lambda k=k: named[k], messages[k]) for k in range(4)])


Q3 = parameterised(
    _q3, default=TOY, draw=lambda rng: {},
    share=lambda s: Q2.variant(s).values,
    require=[(_toy_valid, "as in question 2, whose numbers it uses")])

# ------------------------------------------------------------ question 4
# One example through a 2 x 2 layer without bias, y = W x, and the loss
# L = 1/2 |y - t|^2: a square W, so a transposed answer has its shape.

W11, W12, W21, W22 = sp.symbols("w11 w12 w21 w22", real=True)
X1, X2, T1, T2 = sp.symbols("x1 x2 t1 t2", real=True)
W_SYM = sp.Matrix([[W11, W12], [W21, W22]])
X_SYM, T_SYM = sp.Matrix([X1, X2]), sp.Matrix([T1, T2])


def _half_squared_error(W):
    r = W * X_SYM - T_SYM
    return (r.T * r)[0] / 2


def _grad_W_sym():
    return symbolic.gradient(_half_squared_error(W_SYM), W_SYM)


PROMPT5 = r"""A layer with $n = 3$ inputs and $m = 2$ outputs is
applied to a batch of $N = 4$ examples, the rows of $X$ ($4 \times 3$):
$Y = X W^\top + \mathbf{1}\mathbf{b}^\top$ ($4 \times 2$), with weights
$W$ ($2 \times 3$) and bias $\mathbf{b}$ ($2 \times 1$). The log-cosh
loss of section 4.2 compares $Y$ with targets $T$ ($4 \times 2$):

$$
L(W) = \sum_{i=1}^{4} \sum_{j=1}^{2} \log\cosh\left(Y_{ij} - T_{ij}
\right) .
$$

$X$, $\mathbf{b}$ and $T$ are fixed and defined below as `X_batch`
(shape `(4, 3)`), `b_layer` (shape `(2,)`) and `T_batch` (shape
`(4, 2)`); `layer_loss(W)` computes $L$. Write `grad_W(W)`: it takes
`W`, an array of shape `(2, 3)` ($m \times n$), and returns
$\nabla_W L$, which has the shape of $W$, `(2, 3)`. (First the upstream
gradient $G = \nabla_Y L$, $4 \times 2$; then the rule of section 4.2.
After `from mathlib.check import check_gradient`, you can test your
function with `check_gradient(layer_loss, grad_W, W)` at any `W` of shape
`(2, 3)`.)"""

# ------------------------------------------------------------ question 5
# A layer Y = X W^T + 1 b^T on a batch (N = 4, n = 3, m = 2) with the
# log-cosh loss of section 4.2.

X_BATCH = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, 1.0],
                    [-1.5, 0.5, 1.0], [2.0, 1.0, -0.5]])      # N x n
B_LAYER = np.array([0.5, -1.0])                               # (m,)
T_BATCH = np.array([[1.0, 0.0], [-1.0, 2.0],
                    [0.5, 0.5], [0.0, -1.5]])                 # N x m
BATCH = {"X": _tuples(X_BATCH), "b": tuple(B_LAYER.tolist()),
         "T": _tuples(T_BATCH)}
PROBES5 = [np.array([[0.3, -1.2, 0.7], [-1.1, 0.4, 1.6]]),
           np.array([[1.5, 1.0, -0.5], [0.2, -0.9, -1.7]])]


def _batch(p):
    return (np.array(p["X"], dtype=float), np.array(p["b"], dtype=float),
            np.array(p["T"], dtype=float))


def _layer_loss(W, X=X_BATCH, b=B_LAYER, T=T_BATCH):
    return np.sum(np.log(np.cosh(X @ W.T + b - T)))


def _q5_named(X, b, T):
    return [lambda W: (X @ W.T + b - T).T @ X,
            lambda W: np.tanh(X @ W.T - T).T @ X]


def _q5_valid(p):
    X, b, T = _batch(p)
    for W in PROBES5:
        right = numeric.gradient(lambda V: _layer_loss(V, X, b, T), W)
        if not _all_far([right, -right, 2 * right] +
                        [f(W) for f in _q5_named(X, b, T)]):
            return False
    return True


def _q5(p):
    X, b, T = _batch(p)
    named = _q5_named(X, b, T)
    col = 57
    given = "\n".join([
        f"X_batch = np.array([{_code_row(X[0])}, {_code_row(X[1])},",
        _commented(f"                    {_code_row(X[2])}, "
                   f"{_code_row(X[3])}])", "N x n", col - 1),
        _commented(f"b_layer = np.array({_code_row(b)})", "(m,)", col),
        f"T_batch = np.array([{_code_row(T[0])}, {_code_row(T[1])},",
        _commented(f"                    {_code_row(T[2])}, "
                   f"{_code_row(T[3])}])", "N x m", col)])
    return FunctionQuestion(
        "ch06.q5", "grad_W", title="The weight gradient of a layer on a "
        "batch", points=1, arg_shape=(2, 3), out_shape=(2, 3),
        box=(-2.0, 2.0), arg_name="W",
        layout="the gradient with respect to W has the shape of W, "
               "m x n = 2 x 3; numerator layout gives the n x m transpose "
               "XᵀG",
        prompt=PROMPT5,
        given=given + "\n\n\n"
              "def layer_loss(W):\n"
              "    Y = X_batch @ W.T + b_layer       # (N, m)\n"
              "    return np.sum(np.log(np.cosh(Y - T_batch)))",
        template="def grad_W(W):\n    # W has shape (2, 3); return an "
                 "array of shape (2, 3)\n    return None  # your answer",
        reference=lambda W: numeric.gradient(
            lambda V: _layer_loss(V, X, b, T), W),
        mistakes=[(named[0], "that uses G = Y - T, the upstream gradient "
                   "of the squared loss ½Σ(Yᵢⱼ - Tᵢⱼ)²; for log cosh "
                   "it is G = tanh(Y - T), entry by entry."),
                  (named[1], "the bias is missing from Y: G = tanh(Y - T) "
                   "with Y = XWᵀ + 1bᵀ, that is X_batch @ W.T + "
                   "b_layer.")])


Q5 = parameterised(
    _q5, default=BATCH,
    draw=lambda rng: {"X": _halves(rng, (4, 3)),
                      "b": _halves(rng, (1, 2))[0],
                      "T": _halves(rng, (4, 2))},
    require=[(lambda p: np.linalg.matrix_rank(np.array(p["X"])) == 3,
              "X of full column rank, so every weight moves the loss"),
             (lambda p: min(abs(v) for v in p["b"]) >= 0.5,
              "no bias entry 0 (else the missing-bias mistake is right)"),
             (_q5_valid, "the gradient, its negative and double and the "
              "two named mistakes all differ")])

# ------------------------------------------------------------ question 6

UPDATES = {"A": "W - eta * (X.T @ G)",
           "B": "W - eta * (X.T @ G).T",
           "C": "W - eta * (X.T @ G).reshape(W.shape)",
           "D": "W - eta * (G @ W)"}


def _update_letter():
    """Run every option on a small non-square layer (N = 5, n = 3,
    m = 4) and keep the one that gives W - eta grad_W L, with the
    gradient computed numerically from L = sum_ij G_ij Y_ij (the
    registry's stand-in for any loss whose gradient at Y is G)."""
    rng = np.random.default_rng(6)
    X, W = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    b, G, eta = rng.standard_normal(4), rng.standard_normal((5, 4)), 0.1
    grad = numeric.gradient(lambda V: np.sum(G * (X @ V.T + b)), W)
    names = {"np": np, "X": X, "W": W, "G": G, "eta": eta}
    right = [k for k, code in UPDATES.items()
             if _runs_to(code, names, W - eta * grad)]
    assert len(right) == 1, right
    return right[0]


def _runs_to(code, names, expected):
    try:
        got = eval(code, {"__builtins__": {}}, names)   # our own options
    except ValueError:                     # numpy: shapes do not match
        return False
    return got.shape == expected.shape and np.allclose(got, expected)


PROMPT7 = r"""The two-layer network of section 5 with $n = 2$
inputs, $h = 3$ hidden ReLU units and one output, on a batch of $N = 5$
examples (the rows of $X$, $5 \times 2$) with targets $\mathbf{y}$
($5 \times 1$):

$$
\begin{aligned}
Z_1 &= X W_1^\top + \mathbf{1}\mathbf{b}_1^\top && (5 \times 3),\\
H &= \max(0, Z_1) \ \text{entry by entry} && (5 \times 3),\\
\hat{\mathbf{y}} &= H W_2^\top + \mathbf{1} b_2 && (5 \times 1),\\
L &= \frac{1}{N} \sum_{i=1}^N (\hat{y}_i - y_i)^2 && (\text{a number}).
\end{aligned}
$$

$X$, $\mathbf{y}$, $\mathbf{b}_1$ ($3 \times 1$), $W_2$ ($1 \times 3$)
and $b_2$ (a number) are fixed and defined below as `X_net` (shape
`(5, 2)`), `y_net` (shape `(5,)`), `b1` (shape `(3,)`), `W2` (shape
`(1, 3)`) and the float `b2`; `net_loss(W1)` computes $L$. Write
`grad_W1(W1)`: it takes `W1`, an array of shape `(3, 2)`
($h \times n$), and returns $\nabla_{W_1} L$, which has the shape of
$W_1$, `(3, 2)`, by the backward pass of section 5. The check calls it
at random `W1` with entries between $-2$ and $2$, and at one `W1` where
a hidden unit is off for every example; no entry of $Z_1$ is ever $0$
there. Test it with `check_gradient(net_loss, grad_W1, W1)` (from
`mathlib.check`, as in question 5) before you run the check."""

# ------------------------------------------------------------ question 7
# The two-layer ReLU network of section 5 with n = 2, h = 3, N = 5. The
# hidden biases are thirds: with X's entries multiples of 1/2 and W1's
# entries of 6 decimals (the sample points), z = x . w + b is never
# exactly 0, so the loss is differentiable at every point checked. In
# every variant the second hidden bias is negative, so that unit is off
# for every example at the edge point DEAD (its weights there are 0).

X_NET = np.array([[1.0, 2.0], [2.0, -1.0], [-1.0, 0.5],
                  [-2.0, -1.0], [0.5, -2.0]])                 # N x n
Y_NET = np.array([1.0, 0.5, -0.5, 2.0, 0.0])                  # (N,)
B1 = np.array([1.0, -2.0, 0.5]) / 3                           # (h,)
W2 = np.array([[1.0, -0.5, 2.0]])                             # 1 x h
B2 = 0.25
DEAD = [[1.0, -1.0], [0.0, 0.0], [-0.5, 1.0]]   # unit 2 off for every x
NET = {"X": _tuples(X_NET), "y": tuple(Y_NET.tolist()),
       "b1": (1.0, -2.0, 0.5), "W2": (1.0, -0.5, 2.0), "b2": B2}
PROBES7 = [np.array(DEAD), np.array([[0.3, -1.2], [0.7, -1.1],
                                     [0.4, 1.6]]),
           np.array([[-1.5, 1.0], [-0.5, 0.2], [-0.9, -1.7]])]


def _net(p):
    """X (N x n), y (N,), b1 (h,), W2 (1 x h), b2; b1 holds thirds."""
    return (np.array(p["X"], dtype=float), np.array(p["y"], dtype=float),
            np.array(p["b1"], dtype=float) / 3,
            np.array([p["W2"]], dtype=float), float(p["b2"]))


def _net_loss(W1, net=None):
    X, y, b1, W2, b2 = net or _net(NET)
    Z1 = X @ W1.T + b1                                        # (N, h)
    y_hat = _relu(Z1) @ W2.T + b2                             # (N, 1)
    return np.mean((y_hat[:, 0] - y) ** 2)


def _net_gradient(W1, net=None):
    """The gradient by the complex step, exact here: np.maximum is
    complex-safe away from its kink, and no entry of Z1 is 0 at the
    sample points, though one can be within 1e-6 of it. (There the
    "auto" method switches to a real stencil, which can average the two
    one-sided slopes.)"""
    return numeric.gradient(lambda V: _net_loss(V, net), W1,
                            method="complex")


def _backward_W1(W1, mask=True, factor=None, net=None):
    """G1^T X by the backward pass of section 5, or with one of the
    classic mistakes: no ReLU mask, or another factor than 2/N."""
    X, y, b1, W2, b2 = net or _net(NET)
    Z1 = X @ W1.T + b1
    y_hat = _relu(Z1) @ W2.T + b2
    N = len(y)
    G2 = (2 / N if factor is None else factor) * (y_hat - y[:, None])
    G1 = G2 @ W2
    if mask:
        G1 = G1 * (Z1 > 0)
    return G1.T @ X


def _q7_named(net):
    return [lambda W1: _backward_W1(W1, mask=False, net=net),
            lambda W1: _backward_W1(W1, factor=2.0, net=net),
            lambda W1: _backward_W1(W1, factor=1 / len(net[1]), net=net)]


def _q7_valid(p):
    net = _net(p)
    for W1 in PROBES7:
        right = _net_gradient(W1, net)
        if not _all_far([right, -right, 2 * right] +
                        [f(W1) for f in _q7_named(net)]):
            return False
    return True


def _q7_given(p):
    X, y, b1, W2, b2 = _net(p)
    col = 55
    thirds = ", ".join(repr(float(v)) for v in p["b1"])
    return "\n".join([
        f"X_net = np.array([{_code_row(X[0])}, {_code_row(X[1])}, "
        f"{_code_row(X[2])},",
        _commented(f"                  {_code_row(X[3])}, "
                   f"{_code_row(X[4])}])", "N x n", col),
        _commented(f"y_net = np.array({_code_row(y)})", "(N,)", col),
        _commented(f"b1 = np.array([{thirds}]) / 3", "(h,)", col),
        _commented(f"W2 = np.array([{_code_row(W2[0])}])", "1 x h", col),
        f"b2 = {repr(b2)}"])


def _q7(p):
    net = _net(p)
    named = _q7_named(net)
    return FunctionQuestion(
        "ch06.q7", "grad_W1", title="Backpropagation through two layers",
        points=2, arg_shape=(3, 2), out_shape=(3, 2), box=(-2.0, 2.0),
        edge_points=[DEAD], arg_name="W1",
        layout="the gradient with respect to W₁ has the shape of W₁, "
               "h x n = 3 x 2: G₁ᵀX, not XᵀG₁",
        prompt=PROMPT7,
        given=_q7_given(p) + "\n\n\n"
              "def net_loss(W1):\n"
              "    Z1 = X_net @ W1.T + b1                # (N, h)\n"
              "    H = relu(Z1)                          # (N, h)\n"
              "    y_hat = H @ W2.T + b2                 # (N, 1)\n"
              "    return np.mean((y_hat[:, 0] - y_net) ** 2)",
        template="def grad_W1(W1):\n    # W1 has shape (3, 2); return an "
                 "array of shape (3, 2)\n    return None  # your answer",
        reference=lambda W1: _net_gradient(W1, net),
        mistakes=[(named[0], "the ReLU mask"
                   " is missing: G₁ = G_H ⊙ [Z₁ > 0] (step 4), so a "
                   "hidden unit that is off for an example passes no "
                   "gradient back. Without it the backward pass treats "
                   "the ReLU as the identity."),
                  (named[1], "that is "
                   "N = 5 times the right gradient: L is a mean, so "
                   "G₂ = (2/N)(ŷ - y) keeps the 1/N."),
                  (named[2],
                   "that is half the right gradient: the derivative of "
                   "(ŷᵢ - yᵢ)² is 2(ŷᵢ - yᵢ), so G₂ = (2/N)(ŷ - y).")])


THIRDS = [-5.0, -4.0, -2.0, -1.0, 1.0, 2.0, 4.0, 5.0]   # no multiple of 3
Q7 = parameterised(
    _q7, default=NET,
    draw=lambda rng: {"X": _halves(rng, (5, 2)),
                      "y": _halves(rng, (1, 5))[0],
                      "b1": (_pick(rng, THIRDS), _pick(rng, THIRDS[:4]),
                             _pick(rng, THIRDS)),
                      "W2": tuple(_pick(rng, [-2.0, -1.5, -1.0, -0.5, 0.5,
                                              1.0, 1.5, 2.0])
                                  for _ in range(3)),
                      "b2": _pick(rng, [-0.5, -0.25, 0.0, 0.25, 0.5])},
    require=[(lambda p: all(v % 3 for v in p["b1"]) and p["b1"][1] < 0,
              "the hidden biases are thirds (no kink at a sample point) "
              "and the second is negative (its unit is off at DEAD)"),
             (lambda p: np.linalg.matrix_rank(np.array(p["X"])) == 2,
              "X of full column rank"),
             (_q7_valid, "the gradient, its negative and double and the "
              "three named mistakes all differ")])

# ------------------------------------------------------------ question 8

S_W1, S_W2, S_B, S_Y = sp.symbols("w1 w2 b y", real=True)
S_Z = S_W1 * X1 + S_W2 * X2 + S_B


def _sigmoid(v):
    return 1 / (1 + sp.exp(-v))


def _sigmoid_chain(inner, two=2, slope=True):
    """two (a - y) sigma'(z) inner, the chain rule for dC/dw1, or with a
    factor dropped or changed (inner = x1 is right)."""
    a = _sigmoid(S_Z)
    return two * (a - S_Y) * (a * (1 - a) if slope else 1) * inner


QUESTIONS = [
    ChoiceQuestion(
        "ch06.q1", "layout", title="The layout of a neuron's derivative",
        points=1,
        options={"A": r"$\mathbf{x}$", "B": r"$\mathbf{x}^\top$",
                 "C": r"$\mathbf{w}^\top$", "D": "$1$"},
        prompt=r"""The affine function of the chapter's section 1 is
$z = \mathbf{w} \cdot \mathbf{x} + b$, with weights and input
$\mathbf{w}, \mathbf{x} \in \mathbb{R}^n$ ($n \times 1$ columns) and a
bias $b$ (a number). In numerator layout (this book's convention for a
derivative written $\frac{\partial z}{\partial \mathbf{w}}$), the
derivative $\frac{\partial z}{\partial \mathbf{w}}$ is

* (A) $\mathbf{x}$, an $n \times 1$ column
* (B) $\mathbf{x}^\top$, a $1 \times n$ row
* (C) $\mathbf{w}^\top$, a $1 \times n$ row
* (D) $1$, a number

Assign the letter, as a string, to `layout`.""",
        reference=_layout_letter,
        hints={"A": "x is the gradient ∇_w z, which has the shape of w; "
                    "in numerator layout the derivative of the number z "
                    "has one row (z has one output) and one column per "
                    "weight.",
               "C": "wᵀ is the derivative with respect to the input x "
                    "(the roles of w and x are symmetric); this one is "
                    "with respect to the weights w.",
               "D": "1 is ∂z/∂b; z depends on n weights, so its "
                    "derivative with respect to w has n entries."}),
    Q2, Q3,
    MatrixQuestion(
        "ch06.q4", "grad_W_sym", title="One example through a layer",
        points=1, shape=(2, 2),
        variables=["w11", "w12", "w21", "w22", "x1", "x2", "t1", "t2"],
        layout="the gradient with respect to W has the shape of W, with "
               "∂L/∂W_kl in entry (k, l); numerator layout arranges the "
               "same numbers as the transpose",
        prompt=r"""One example goes through a layer with $n = 2$ inputs
and $m = 2$ outputs and no bias (section 4.1 with
$\mathbf{b} = \mathbf{0}$): $\mathbf{y} = W\mathbf{x}$ ($2 \times 1$),
with

$$
W = \begin{bmatrix} w_{11} & w_{12} \\ w_{21} & w_{22} \end{bmatrix}
\; (2 \times 2), \qquad
\mathbf{x} = \begin{bmatrix} x_1 \\ x_2 \end{bmatrix}, \qquad
\mathbf{t} = \begin{bmatrix} t_1 \\ t_2 \end{bmatrix}
\; (2 \times 1),
$$

and the loss $L = \frac{1}{2}\|\mathbf{y} - \mathbf{t}\|^2 =
\frac{1}{2}\sum_{j=1}^2 (y_j - t_j)^2$ compares $\mathbf{y}$ with the
target $\mathbf{t}$. Give $\nabla_W L$, which has the shape of $W$
($2 \times 2$; entry $(k, l)$ is $\partial L / \partial W_{kl}$), as a
SymPy `Matrix` of shape $2 \times 2$ in the symbols `w11`, `w12`, `w21`,
`w22`, `x1`, `x2`, `t1`, `t2` defined below (also as the matrices
`W_sym`, `x_sym`, `t_sym`). Assign it to `grad_W_sym`.""",
        given='w11, w12, w21, w22 = sp.symbols("w11 w12 w21 w22", '
              'real=True)\n'
              'x1, x2, t1, t2 = sp.symbols("x1 x2 t1 t2", real=True)\n'
              "W_sym = sp.Matrix([[w11, w12], [w21, w22]])   # 2 x 2\n"
              "x_sym = sp.Matrix([x1, x2])                   # 2 x 1\n"
              "t_sym = sp.Matrix([t1, t2])                   # 2 x 1",
        template="grad_W_sym = None  # your answer: a 2 x 2 sympy Matrix",
        reference=_grad_W_sym,
        mistakes=[(lambda: (W_SYM * X_SYM) * X_SYM.T, "the target is "
                   "missing: L compares y with t, so the upstream "
                   "gradient ∂L/∂yⱼ is yⱼ - tⱼ, not yⱼ.")]),
    Q5,
    ChoiceQuestion(
        "ch06.q6", "update", title="A numerator-layout gradient in the "
        "update", points=1,
        options={k: f"`{code}`" for k, code in UPDATES.items()},
        prompt=r"""A layer $Y = X W^\top + \mathbf{1}\mathbf{b}^\top$ of
an MNIST classifier has $n = 784$ inputs and $m = 128$ outputs and is
trained on batches of $N = 64$: in code `X` has shape `(64, 784)`, `W`
shape `(128, 784)`, and the upstream gradient `G` $= \nabla_Y L$ shape
`(64, 128)`. A text that uses numerator layout gives
$\frac{\partial L}{\partial W} = X^\top G$, an $n \times m$ matrix
($784 \times 128$). Which expression is the new weight matrix after one
step of gradient descent, $W - \eta \nabla_W L$ (`eta` is $\eta$)?

* (A) `W - eta * (X.T @ G)`
* (B) `W - eta * (X.T @ G).T`
* (C) `W - eta * (X.T @ G).reshape(W.shape)`
* (D) `W - eta * (G @ W)`

Assign the letter, as a string, to `update`.""",
        reference=_update_letter,
        hints={"A": "XᵀG is 784 × 128, the transpose of the shape of W: "
                    "here numpy refuses to subtract it, and for a square "
                    "layer it would silently update each weight with "
                    "another weight's derivative.",
               "C": "reshape gives the right shape but keeps the numbers "
                    "in their memory order, so they land in the wrong "
                    "places; entry (k, l) of the gradient must sit where "
                    "W_kl sits, which takes a transpose.",
               "D": "GW is ∇_X L, the gradient passed on to the layer's "
                    "input (64 × 784, the shape of X), not the gradient "
                    "with respect to W."}),
    Q7,
    ExpressionQuestion(
        "ch06.q8", "dC_dw1", title="A sigmoid neuron and its squared "
        "error", points=1, variables=["w1", "w2", "x1", "x2", "b", "y"],
        prompt=r"""A sigmoid neuron with $n = 2$ inputs (section 6)
predicts $a = \sigma(z)$, with $\sigma(z) = \frac{1}{1 + e^{-z}}$ and
$z = w_1 x_1 + w_2 x_2 + b$, and is fitted to one example, the input
$(x_1, x_2)$ with the target $y$, by the squared error

$$
C = (a - y)^2 .
$$

All of these are numbers. Give the partial derivative
$\frac{\partial C}{\partial w_1}$ (a number) as a formula in
$w_1, w_2, x_1, x_2, b, y$: a SymPy expression in the symbols `w1`,
`w2`, `x1`, `x2`, `b`, `y` defined below, or a string (`exp` is the
exponential). Assign it to `dC_dw1`.""",
        given='w1, w2, b, y = sp.symbols("w1 w2 b y", real=True)\n'
              'x1, x2 = sp.symbols("x1 x2", real=True)',
        reference=lambda: sp.diff((_sigmoid(S_Z) - S_Y) ** 2, S_W1),
        mistakes=[(lambda: _sigmoid_chain(1), "that is ∂C/∂b: the last "
                   "factor of the chain rule, ∂z/∂w₁ = x₁, is missing."),
                  (lambda: _sigmoid_chain(S_W1), "that is ∂C/∂x₁, the "
                   "derivative with respect to the input: with respect "
                   "to the weight w₁ the last factor is ∂z/∂w₁ = x₁, "
                   "not w₁."),
                  (lambda: _sigmoid_chain(X1, slope=False), "the "
                   "sigmoid's derivative is missing: the chain runs "
                   "through a = σ(z), so it has the factor "
                   "σ'(z) = σ(z)(1 - σ(z))."),
                  (lambda: _sigmoid_chain(X1, two=1), "that is half the "
                   "right answer: the derivative of the square (a - y)² "
                   "is 2(a - y).")]),
]

CHAPTER = Chapter(
    "ch06", 6, "Gradients of a neuron, a layer and a loss",
    intro=r"""The affine function, the mean squared error of a ReLU
neuron over a data set, a layer applied to one example and to a batch,
the shape its gradient needs for the update, backpropagation through a
two-layer network, and a sigmoid neuron: the questions follow chapter 6
in order, from routine (1 and 2) to one that stretches (7). As in the
chapter, the gradient of a number has the shape of its variable
($\nabla_W L$ has the shape of $W$), and a derivative written
$\frac{\partial C}{\partial \mathbf{w}}$ with respect to a vector or
a matrix is in numerator layout (for a number $C$, the transpose of the
gradient).""",
    given="def relu(v):\n"
          "    return np.maximum(0.0, v)   # entry by entry",
    questions=QUESTIONS)
