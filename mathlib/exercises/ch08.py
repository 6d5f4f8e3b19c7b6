"""Problem set 8: The matrix calculus toolbox (chapter 8).

Every reference is computed from the problem when a check runs: sympy
gradients, Jacobians and derivatives along a line (``mathlib.symbolic``),
or ``mathlib.numeric`` at the sample points. The arrays the prompts give
are the module's constants below; tests/test_exercises_ch08.py checks
that the notebook's "given" code defines the same numbers.

Questions 2 to 7 have per-student variants (``_variant``: each is built
by a function of its parameters ``p``; the module's constants are the
default parameters, the book's numbers). Questions 1 and 8 are about
shapes and layouts, the same for any numbers, and have none to vary.
"""

import functools

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic
from mathlib.identities import _log_softmax, _softmax

from ._questions import (ArrayQuestion, ChoiceQuestion, FunctionQuestion,
                         MatrixQuestion, NumberQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised

# question 2: a quadratic form with a matrix that is not symmetric
A_Q = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0], [2.0, 0.0, 1.0]])
X_Q = np.array([1.0, -1.0, 2.0])

# question 3: a penalized factorization X ~ U V, U of size 4 x 2
X_FAC = np.array([[1.0, 0.5, -1.0], [2.0, -1.0, 0.0], [0.0, 1.5, 1.0],
                  [-0.5, 1.0, 2.0]])
V_FAC = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])
LAM = 0.5

# question 4: the inverse along the line X + t E
X_D = sp.Matrix([[1, 1], [-3, 2]])
E_D = sp.Matrix([[1, 2], [0, -2]])

# question 5: log det X + tr(A X) for a symbolic 2 x 2 matrix X
X11, X12, X21, X22 = sp.symbols("X11 X12 X21 X22", real=True)
X_SYM = sp.Matrix([[X11, X12], [X21, X22]])
A_T = sp.Matrix([[1, 2], [0, -1]])

# question 6: the softmax Jacobian at these logits
Z_S = np.array([1.0, -1.0, 0.5])

# question 7: a batch of N = 5 examples, n = 4 classes, d = 3 features
X_B = np.array([[1.0, -0.5, 2.0], [0.0, 1.5, -1.0], [-1.0, 0.5, 0.5],
                [2.0, 1.0, 0.0], [0.5, -2.0, 1.0]])
LABELS = [2, 0, 3, 1, 2]
Y_B = np.eye(4)[LABELS]
C_B = np.array([0.1, -0.2, 0.0, 0.3])
# weights whose logits reach 900, where exp overflows in float64
W_BIG = 300.0 * np.array([[1.0, -1.0, 0.0], [0.0, 1.0, -1.0],
                          [-1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])


HALVES = [k / 2 for k in range(-4, 5)]          # -2, -1.5, ..., 2


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _halves(rng, shape):
    """A matrix (tuple of rows) of multiples of 1/2 in [-2, 2]."""
    return tuple(tuple(_pick(rng, HALVES) for _ in range(shape[1]))
                 for _ in range(shape[0]))


def _ints(rng, shape, lo, hi):
    """A matrix (tuple of rows) of integers in [lo, hi]."""
    return tuple(tuple(int(v) for v in rng.integers(lo, hi + 1, shape[1]))
                 for _ in range(shape[0]))


def _tuples(A):
    return tuple(tuple(float(v) for v in r) for r in np.asarray(A))


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


def _row(r):
    return "[" + ", ".join(repr(float(v)) for v in r) + "]"


def _commented(code, comment, col):
    return f"{code.ljust(col)}  # {comment}"


def _tex(A):
    """A matrix's rows in LaTeX: "1 & 2 \\\\ 0 & -1"."""
    return r" \\ ".join(" & ".join(num(v) for v in r) for r in A)


# ------------------------------------------------------------ question 2


def _grad_quad(A=A_Q, xq=X_Q):
    xs = sp.symbols("x1:4", real=True)
    x = sp.Matrix(xs)
    As = sp.Matrix(np.asarray(A).astype(int).tolist())
    g = symbolic.gradient((x.T * As * x)[0], list(xs))
    return np.array([float(v) for v in g.subs(dict(zip(xs, xq)))])


def _q2_named(A, xq):
    return [2 * A @ xq, 2 * A.T @ xq, A @ xq, A.T @ xq]


def _q2_valid(p):
    A, xq = np.array(p["A"], dtype=float), np.array(p["x"], dtype=float)
    right = _grad_quad(A, xq)
    return _all_far([right, -right, 2 * right] + _q2_named(A, xq))


def _q2(p):
    A, xq = np.array(p["A"], dtype=float), np.array(p["x"], dtype=float)
    named = _q2_named(A, xq)
    return ArrayQuestion(
        "ch08.q2", "grad_quad", title="A quadratic form", points=1,
        shape=(3,),
        prompt=fill(r"""Let

$$
A = \begin{bmatrix} [[A]] \end{bmatrix},
\qquad
\mathbf{x} = \begin{bmatrix} [[x]] \end{bmatrix},
$$

with $A$ of size $3 \times 3$ (not symmetric) and $\mathbf{x} \in
\mathbb{R}^3$, defined below as `A_q` and `x_q`. Compute the gradient
of the quadratic form $f(\mathbf{x}) = \mathbf{x}^\top A \mathbf{x}$ at
this $\mathbf{x}$ and assign it to `grad_quad` as a numpy array of shape
`(3,)`, the shape of $\mathbf{x}$.""", A=_tex(A),
                    x=r" \\ ".join(num(v) for v in xq)),
        given=f"A_q = np.array([{_row(A[0])},\n"
              f"                {_row(A[1])},\n" +
              _commented(f"                {_row(A[2])}])", "(3, 3)", 34) +
              "\n" + _commented(f"x_q = np.array({_row(xq)})", "(3,)", 34),
        template="grad_quad = None  # your answer: a numpy array of "
                 "shape (3,)",
        reference=lambda: _grad_quad(A, xq),
        mistakes=[(lambda: named[0], "that is 2Ax, the 1 × 1 guess "
                   "from d/dx(ax²) = 2ax; it is right only for a "
                   "symmetric A. x occurs twice in xᵀAx, and the two "
                   "occurrences give Ax and Aᵀx: the gradient is "
                   "(A + Aᵀ)x."),
                  (lambda: named[1], "that is 2Aᵀx, right only "
                   "for a symmetric A: x occurs twice in xᵀAx, and the "
                   "two occurrences give Ax and Aᵀx."),
                  (lambda: named[2], "that is Ax, one of the two terms "
                   "of the product rule: x occurs twice in xᵀAx, and "
                   "the other occurrence adds Aᵀx."),
                  (lambda: named[3], "that is Aᵀx, one of the two "
                   "terms of the product rule: x occurs twice in xᵀAx, "
                   "and the other occurrence adds Ax.")])


Q2 = parameterised(
    _q2, default={"A": _tuples(A_Q), "x": tuple(X_Q.tolist())},
    draw=lambda rng: {"A": _tuples(_ints(rng, (3, 3), -4, 4)),
                      "x": tuple(float(v) for v in
                                 _ints(rng, (1, 3), -3, 3)[0])},
    require=[(lambda p: np.abs(np.array(p["A"]) -
                               np.array(p["A"]).T).max() >= 1,
              "A not symmetric"),
             (_q2_valid, "the gradient, its negative and double and the "
              "four named mistakes all differ")])

# ------------------------------------------------------------ question 3

PROBES3 = [np.array([[0.3, -1.2], [0.7, -1.1], [0.4, 1.6], [1.5, 1.0]]),
           np.array([[-0.5, 0.2], [-0.9, -1.7], [1.1, 0.6], [0.0, -0.8]])]


def _penalized_loss(U, X=X_FAC, V=V_FAC, lam=LAM):
    R = X - U @ V
    return np.sum(R * R) + lam * np.sum(U * U)


def _q3_named(X, V, lam):
    def res(U):
        return X - U @ V
    return [lambda U: -2 * res(U) @ V.T,
            lambda U: -2 * res(U) @ V.T + lam * U,
            lambda U: 2 * res(U) @ V.T + 2 * lam * U,
            lambda U: -res(U) @ V.T + 2 * lam * U]


def _q3_valid(p):
    X, V, lam = (np.array(p["X"]), np.array(p["V"]), float(p["lam"]))
    for U in PROBES3:
        right = numeric.gradient(lambda W: _penalized_loss(W, X, V, lam), U)
        if not _all_far([right, -right, 2 * right, ] +
                        [f(U) for f in _q3_named(X, V, lam)]):
            return False
    return True


def _q3(p):
    X, V, lam = (np.array(p["X"]), np.array(p["V"]), float(p["lam"]))
    named = _q3_named(X, V, lam)
    pad = "                  "
    return FunctionQuestion(
        "ch08.q3", "grad_U", title="A penalized factorization", points=2,
        arg_name="U",
        arg_shape=(4, 2), out_shape=(4, 2),
        layout="the gradient with respect to U has the shape of U, "
               "4 x 2; the 2 x 4 transpose is the numerator-layout "
               "derivative",
        prompt=fill(r"""A factorization $X \approx UV$ with a penalty on the
size of $U$, as in recommender systems: for the fixed $4 \times 3$
matrix $X$ and $2 \times 3$ matrix $V$ below (`X_fac` and `V_fac`) and
$\lambda = [[lam]]$ (`lam`), the loss of a $4 \times 2$ matrix $U$ is

$$
f(U) = \|X - UV\|_F^2 + \lambda \|U\|_F^2
$$

(defined below as `penalized_loss`). Write `grad_U(U)`: it takes a numpy
array `U` of shape `(4, 2)` and returns the gradient $\nabla_U f$, which
has the shape of $U$, `(4, 2)`.""", lam=num(lam)),
        given=f"X_fac = np.array([{_row(X[0])},\n"
              f"{pad}{_row(X[1])},\n{pad}{_row(X[2])},\n" +
              _commented(f"{pad}{_row(X[3])}])", "(4, 3)", 37) + "\n"
              f"V_fac = np.array([{_row(V[0])},\n" +
              _commented(f"{pad}{_row(V[1])}])", "(2, 3)", 37) + "\n"
              f"lam = {lam!r}\n\n\n"
              "def penalized_loss(U):\n"
              "    R = X_fac - U @ V_fac\n"
              "    return np.sum(R * R) + lam * np.sum(U * U)",
        template="def grad_U(U):\n    # U has shape (4, 2); return an "
                 "array of shape (4, 2)\n    return None  # your answer",
        reference=lambda U: numeric.gradient(
            lambda W: _penalized_loss(W, X, V, lam), U),
        mistakes=[(named[0], "the gradient "
                   "of the penalty λ‖U‖²_F, which is 2λU, is missing."),
                  (named[1], "the penalty's gradient is 2λU "
                   "(∇‖M‖²_F = 2M), not λU."),
                  (named[2], "the data term has the wrong sign: R = X - UV "
                   "contains U with a minus sign, so the gradient of "
                   "‖R‖²_F with respect to U is -2RVᵀ."),
                  (named[3], "the data term lacks its factor 2: the "
                   "gradient of ‖R‖²_F is 2R, and the chain rule through "
                   "R = X - UV makes it -2RVᵀ.")])


Q3 = parameterised(
    _q3, default={"X": _tuples(X_FAC), "V": _tuples(V_FAC), "lam": LAM},
    draw=lambda rng: {"X": _halves(rng, (4, 3)), "V": _halves(rng, (2, 3)),
                      "lam": _pick(rng, [0.1, 0.2, 0.25, 0.5, 1.5, 2.0])},
    require=[(lambda p: np.linalg.matrix_rank(np.array(p["V"])) == 2,
              "V of full rank (both factors matter)"),
             (_q3_valid, "the gradient, its negative and double and the "
              "four named mistakes all differ")])

# ------------------------------------------------------------ question 4

_t = sp.Symbol("t", real=True)


def _dinv12(X=X_D, E=E_D):
    """d/dt of entry (1, 2) of (X + t E)^{-1} at t = 0, by sympy."""
    inverse = (X + _t * E).inv()
    return sp.diff(inverse[0, 1], _t).subs(_t, 0)


def _q4_named(X, E):
    Xi = X.inv()
    return [(-Xi * Xi * E)[0, 1], (-E * Xi * Xi)[0, 1],
            (-Xi * E * Xi)[1, 0]]


def _q4_valid(p):
    X, E = sp.Matrix(p["X"]), sp.Matrix(p["E"])
    if X.det() == 0 or np.linalg.cond(np.array(X, dtype=float)) > 30:
        return False
    right = float(_dinv12(X, E))
    # not 2 * right: in the book's numbers twice the answer is -X⁻²E
    return right != 0 and _all_far(
        [right, -right] + [float(v) for v in _q4_named(X, E)])


def _q4(p):
    X, E = sp.Matrix(p["X"]), sp.Matrix(p["E"])
    named = _q4_named(X, E)
    code = {k: ", ".join(_row(r) for r in p[k]) for k in ("X", "E")}
    return NumberQuestion(
        "ch08.q4", "dinv12", title="The inverse along a line", points=1,
        prompt=fill(r"""Let

$$
X = \begin{bmatrix} [[X]] \end{bmatrix},
\qquad
E = \begin{bmatrix} [[E]] \end{bmatrix}
$$

(both $2 \times 2$, defined below as `X_d` and `E_d`). Along the line
$X + tE$, the inverse $(X + tE)^{-1}$ is a $2 \times 2$ matrix that
depends on the number $t$. Find the rate of change of its entry in row
1, column 2 (index `[0, 1]` in numpy) at $t = 0$,

$$
\frac{d}{dt} \Big[ (X + tE)^{-1} \Big]_{12} \Big|_{t = 0} ,
$$

and assign the number to `dinv12`. (The differential of the inverse,
section 5, gives it without differentiating entry by entry.)""",
                    X=_tex(p["X"]), E=_tex(p["E"])),
        given=_commented(f"X_d = np.array([{code['X']}])", "(2, 2)", 42) +
              "\n" + _commented(f"E_d = np.array([{code['E']}])", "(2, 2)",
                                42),
        reference=lambda: _dinv12(X, E),
        mistakes=[(lambda: named[0], "that is entry "
                   "[0, 1] of -X⁻²E, the 1 × 1 guess -dx/x². Matrices "
                   "do not commute: the change sits between the two "
                   "inverses, d(X⁻¹) = -X⁻¹ dX X⁻¹."),
                  (lambda: named[1], "that is entry "
                   "[0, 1] of -EX⁻², the 1 × 1 guess -dx/x². Matrices "
                   "do not commute: the change sits between the two "
                   "inverses, d(X⁻¹) = -X⁻¹ dX X⁻¹."),
                  (lambda: named[2], "that is the "
                   "entry in row 2, column 1 of -X⁻¹EX⁻¹; the question "
                   "asks for row 1, column 2 (index [0, 1]).")])


Q4 = parameterised(
    _q4, default={"X": ((1, 1), (-3, 2)), "E": ((1, 2), (0, -2))},
    draw=lambda rng: {"X": _ints(rng, (2, 2), -3, 3),
                      "E": _ints(rng, (2, 2), -2, 2)},
    require=[(_q4_valid, "X invertible and well conditioned (condition "
              "number at most 30), the rate not 0, and it, its negative "
              "and the three named mistakes all differ")])

# ------------------------------------------------------------ question 5


def _grad_logdet(A=A_T):
    f = sp.log(X_SYM.det()) + (A * X_SYM).trace()
    return symbolic.gradient(f, X_SYM)


def _q5(p):
    A = sp.Matrix(p["A"])
    code = ", ".join("[" + ", ".join(str(v) for v in r) + "]"
                     for r in p["A"])
    return MatrixQuestion(
        "ch08.q5", "grad_logdet", title="Log-determinant and trace",
        points=1, shape=(2, 2), variables=["X11", "X12", "X21", "X22"],
        domain={"X11": (1, 3), "X22": (1, 3), "X12": (-0.9, 0.9),
                "X21": (-0.9, 0.9)},
        layout="the gradient has the shape of X, 2 x 2",
        prompt=fill(r"""Let $X = \begin{bmatrix} X_{11} & X_{12} \\ X_{21} &
X_{22} \end{bmatrix}$ be a $2 \times 2$ matrix of symbols (`X_sym`
below, made of the symbols `X11`, `X12`, `X21`, `X22`), let
$A = \begin{bmatrix} [[A]] \end{bmatrix}$ (`A_t`), and, for
$\det X > 0$,

$$
f(X) = \log\det X + \operatorname{tr}(AX) .
$$

Give the gradient $\nabla_X f$, in the shape of $X$, as a $2 \times 2$
SymPy `Matrix` of formulas in `X11`, `X12`, `X21`, `X22`, and assign it
to `grad_logdet`. (The check compares formulas at matrices with
$X_{11}$ and $X_{22}$ between 1 and 3 and $X_{12}$ and $X_{21}$ between
$-0.9$ and $0.9$, where $\det X > 0$.)""", A=_tex(p["A"])),
        given='X11, X12, X21, X22 = sp.symbols("X11 X12 X21 X22", '
              'real=True)\n'
              "X_sym = sp.Matrix([[X11, X12], [X21, X22]])   # 2 x 2\n" +
              _commented(f"A_t = sp.Matrix([{code}])", "2 x 2", 44),
        template="grad_logdet = None  # your answer: a 2 x 2 sympy "
                 "Matrix",
        reference=lambda: _grad_logdet(A),
        mistakes=[(lambda: X_SYM.inv() + A, "that is X⁻¹ + A, the "
                   "numerator-layout derivative: the transpose of the "
                   "gradient. In the shape of X, ∇ log det X = X⁻ᵀ and "
                   "∇ tr(AX) = Aᵀ."),
                  (lambda: X_SYM.inv() + A.T, "the log-det part is "
                   "X⁻¹, the 1 × 1 guess from d/dx log x = 1/x. The "
                   "differential d log det X = tr(X⁻¹ dX) gives "
                   "M = X⁻¹, and the gradient is Mᵀ = X⁻ᵀ."),
                  (lambda: X_SYM.inv().T + A, "the trace part is A, "
                   "its numerator-layout derivative; in the shape of "
                   "X, ∇ tr(AX) = Aᵀ."),
                  (lambda: X_SYM.det() * X_SYM.inv().T + A.T,
                   "that uses det(X) X⁻ᵀ, the gradient of det X; the "
                   "chain rule through log divides it by det X.")])


Q5 = parameterised(
    _q5, default={"A": ((1, 2), (0, -1))},
    draw=lambda rng: {"A": _ints(rng, (2, 2), -3, 3)},
    require=[(lambda p: p["A"][0][1] != p["A"][1][0], "A not symmetric "
              "(else A and Aᵀ, the named layout mistakes, coincide)")])

# ------------------------------------------------------------ question 6

_ZS = sp.symbols("z1:4", real=True)


@functools.lru_cache(maxsize=1)
def _softmax_formula():
    e = [sp.exp(v) for v in _ZS]
    return [ei / sum(e) for ei in e]


def _jac_softmax(z=Z_S):
    J = symbolic.jacobian(_softmax_formula(), list(_ZS))
    at = dict(zip(_ZS, [sp.Float(float(v), 30) for v in z]))
    return np.array(J.evalf(30, subs=at), dtype=float)


def _q6_named(z):
    s = _softmax(np.asarray(z, dtype=float))
    return [np.diag(s), np.diag(s * (1 - s)), -np.outer(s, s)]


def _q6_valid(p):
    right = _jac_softmax(p["z"])
    return _all_far([right, -right, 2 * right] + _q6_named(p["z"]))


def _q6(p):
    z = np.array(p["z"], dtype=float)
    named = _q6_named(z)
    return ArrayQuestion(
        "ch08.q6", "jac_softmax", title="The softmax Jacobian", points=1,
        shape=(3, 3),
        prompt=fill(r"""For the logits $\mathbf{z} = ([[z]])^\top \in
\mathbb{R}^3$ (`z_s` below, shape `(3,)`), let $\mathbf{s} =
\operatorname{softmax}(\mathbf{z})$ (the function `softmax` defined at
the top of this notebook computes it). Compute the Jacobian
$\frac{\partial \mathbf{s}}{\partial \mathbf{z}}$ in numerator layout
(entry $(i, j)$ is $\partial s_i / \partial z_j$) and assign it to
`jac_softmax` as a numpy array of shape `(3, 3)`.""",
                    z=", ".join(num(v) for v in z)),
        given=_commented(f"z_s = np.array({_row(z)})", "(3,)", 33),
        template="jac_softmax = None  # your answer: a numpy array of "
                 "shape (3, 3)",
        reference=lambda: _jac_softmax(z),
        mistakes=[(lambda: named[0], "that is diag(s) "
                   "alone. The denominator Σₖ e^{z_k} depends on every "
                   "z_j, and the quotient rule adds -s_i s_j to every "
                   "entry: diag(s) - ssᵀ."),
                  (lambda: named[1],
                   "only the diagonal s_i(1 - s_i) is there, as if s_i "
                   "depended on z_i alone (like a sigmoid). Every s_i "
                   "depends on every z_j through the sum in the "
                   "denominator: the entries off the diagonal are "
                   "-s_i s_j."),
                  (lambda: named[2],
                   "the term s_i δ_ij, the matrix diag(s), is missing: "
                   "the Jacobian is diag(s) - ssᵀ.")])


Q6 = parameterised(
    _q6, default={"z": tuple(Z_S.tolist())},
    draw=lambda rng: {"z": _halves(rng, (1, 3))[0]},
    require=[(lambda p: len(set(p["z"])) == 3, "three different logits"),
             (_q6_valid, "the Jacobian, its negative and double and the "
              "three named mistakes all differ")])

PROMPT7 = r"""A linear classifier with $n = 4$ classes reads
$d = 3$ features. For a batch of $N = 5$ examples, with features
$\mathbf{x}^{(k)} \in \mathbb{R}^3$ (row $k$ of the $5 \times 3$ array
`X_feat` below; the letter $H$ is kept for Hessians) and one-hot labels
$\mathbf{y}^{(k)} \in \mathbb{R}^4$ (row
$k$ of the $5 \times 4$ array `Y`), it computes the logits
$\mathbf{z}^{(k)} = W\mathbf{x}^{(k)} + \mathbf{c}$ with weights $W$ of
size $4 \times 3$ and a fixed bias $\mathbf{c} \in \mathbb{R}^4$
(`c_b`), and is trained on the mean cross-entropy over the batch,

$$
L(W) = \frac{1}{N} \sum_{k=1}^{N} -\mathbf{y}^{(k)\top} \log
\operatorname{softmax}\big(\mathbf{z}^{(k)}\big)
$$

(defined below as `batch_loss`). Write `grad_W(W)`: it takes a numpy
array `W` of shape `(4, 3)` and returns $\nabla_W L$, which has the
shape of $W$, `(4, 3)`. It must return accurate, finite values also for
weights with entries as large as $\pm 300$ (the check uses such a
point), where logits reach 900 and $e^{900}$ overflows in float64."""

# ------------------------------------------------------------ question 7

PROBES7 = [np.array([[0.3, -1.2, 0.7], [-1.1, 0.4, 1.6], [1.5, 1.0, -0.5],
                     [0.2, -0.9, -1.7]]), W_BIG]
BATCH = {"X": _tuples(X_B), "labels": tuple(LABELS),
         "c": tuple(C_B.tolist())}


def _batch(p):
    return (np.array(p["X"], dtype=float), np.eye(4)[list(p["labels"])],
            np.array(p["c"], dtype=float))


def _logits(W, bias=C_B, X=X_B):
    return X @ W.T + bias                         # (5, 4): row k is z^(k)


def _batch_loss(W, X=X_B, Y=Y_B, c=C_B):
    """The mean cross-entropy; safe for complex steps (the shift by the
    largest real logit of each row changes nothing)."""
    Z = _logits(W, c, X)
    Z = Z - Z.real.max(axis=1, keepdims=True)
    log_s = Z - np.log(np.sum(np.exp(Z), axis=1, keepdims=True))
    return np.mean(-np.sum(Y * log_s, axis=1))


def _rows_softmax(Z, axis=1):
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def _from_probabilities(S, X=X_B, Y=Y_B):
    """(1/N) sum_k (s^(k) - y^(k)) x^(k)T for probabilities S (5 x 4)."""
    return (S - Y).T @ X / len(X)


def _whole_softmax(Z):
    E = np.exp(Z - Z.max())
    return E / E.sum()


def _q7_named(X, Y, c):
    def grad_from(S):
        return _from_probabilities(S, X, Y)

    def logits(W, bias=c):
        return _logits(W, bias, X)
    return [lambda W: len(X) * grad_from(_rows_softmax(logits(W))),
            lambda W: grad_from(_rows_softmax(logits(W))) +
            Y.T @ X / len(X),
            lambda W: -Y.T @ X / len(X),
            lambda W: grad_from(_rows_softmax(logits(W), axis=0)),
            lambda W: grad_from(_whole_softmax(logits(W))),
            lambda W: grad_from(_rows_softmax(logits(W, 0.0)))]


def _q7_valid(p):
    """Each pair differs at one of the probes at least (a mistake is
    named only if it matches at every point checked)."""
    X, Y, c = _batch(p)
    right = np.array([numeric.gradient(lambda V: _batch_loss(V, X, Y, c),
                                       W) for W in PROBES7])
    named = [np.array([f(W) for W in PROBES7])
             for f in _q7_named(X, Y, c)]
    return _all_far([right, -right, 2 * right] + named)


def _largest_logit(p):
    X, Y, c = _batch(p)
    return float(np.abs(_logits(W_BIG, 0.0, X)).max())


def _q7_given(p):
    X, Y, c = _batch(p)
    pad = "                   "
    rows = [f"X_feat = np.array([{_row(X[0])},"] + \
        [f"{pad}{_row(r)}," for r in X[1:4]] + \
        [_commented(f"{pad}{_row(X[4])}])", "(5, 3): row k is x^(k)", 37)]
    labels = ", ".join(str(k) for k in p["labels"])
    return "\n".join(rows + [
        _commented(f"Y = np.eye(4)[[{labels}]]", "(5, 4): row k is y^(k)",
                   36),
        _commented(f"c_b = np.array({_row(c)})", "(4,)", 37)])


def _q7(p):
    X, Y, c = _batch(p)
    named = _q7_named(X, Y, c)
    big = num(_largest_logit(p))
    return FunctionQuestion(
        "ch08.q7", "grad_W", title="Cross-entropy over a batch",
        arg_name="W",
        points=2, arg_shape=(4, 3), out_shape=(4, 3), box=(-2.0, 2.0),
        edge_points=[W_BIG],
        layout="the gradient with respect to W has the shape of W, "
               "4 x 3; the 3 x 4 transpose is the numerator-layout "
               "derivative",
        prompt=PROMPT7.replace("900", big),
        given=_q7_given(p) + "\n\n\n"
              "def batch_loss(W):\n"
              "    # W has shape (4, 3); the mean over the 5 examples\n"
              "    return np.mean([-Y[k] @ log_softmax(W @ X_feat[k] + c_b)\n"
              "                    for k in range(len(X_feat))])",
        template="def grad_W(W):\n    # W has shape (4, 3); return an "
                 "array of shape (4, 3)\n    return None  # your answer",
        reference=lambda W: numeric.gradient(
            lambda V: _batch_loss(V, X, Y, c), W),
        mistakes=[(named[0],
                   "that is the gradient of the sum over the batch; L is "
                   "the mean, so divide by N = 5."),
                  (named[1],
                   "that uses s^(k) where the gradient with respect to "
                   "the logits is s^(k) - y^(k): the labels are "
                   "missing."),
                  (named[2], "that is what a "
                   "diagonal-only softmax Jacobian gives (∂L/∂z = -y). "
                   "The entries -s_i s_j off the diagonal bring s back: "
                   "∂L/∂z^(k) = s^(k) - y^(k)."),
                  (named[3],
                   "the softmax is taken down the columns, across the "
                   "examples (axis 0). Each example's logits z^(k), a "
                   "row, are normalized on their own (axis=1)."),
                  (named[4],
                   "the softmax is taken over all 20 logits of the "
                   "batch at once; each example's logits z^(k), a row, "
                   "are normalized on their own (axis=1)."),
                  (named[5],
                   "the logits are missing the bias c: "
                   "z^(k) = Wx^(k) + c.")])


Q7 = parameterised(
    _q7, default=BATCH,
    draw=lambda rng: {"X": _halves(rng, (5, 3)),
                      "labels": tuple(int(v) for v in
                                      rng.integers(0, 4, 5)),
                      "c": tuple(int(v) / 10 for v in
                                 rng.integers(-3, 4, 4))},
    require=[(lambda p: _largest_logit(p) >= 750, "at the edge point "
              "W_BIG some logit reaches 750 or more, so that e^z "
              "overflows in float64 as the prompt says"),
             (lambda p: len(set(p["c"])) > 1, "the bias is not the same "
              "for every class (else it cancels in the softmax and the "
              "no-bias mistake is right)"),
             (_q7_valid, "the gradient, its negative and double and the "
              "six named mistakes all differ")])


# ------------------------------------------------------------ question 1


def _shapes_letter():
    """The gradient of a^T X b for a 3 x 5 matrix of symbols has the
    shape sympy gives it; numerator layout is its transpose."""
    X = sp.Matrix(3, 5, sp.symbols("x1:4(1:6)"))
    a, b = sp.Matrix(sp.symbols("a1:4")), sp.Matrix(sp.symbols("b1:6"))
    G = symbolic.gradient((a.T * X * b)[0], X)
    shapes = {"A": ((3, 5), (5, 3)), "B": ((5, 3), (3, 5)),
              "C": ((3, 5), (3, 5)), "D": ((15, 1), (1, 15))}
    found = (G.shape, G.T.shape)
    return next(k for k, s in shapes.items() if s == found)


# ------------------------------------------------------------ question 8


def _layout_letter():
    """Compare I - s 1^T with the numerator-layout Jacobian of
    log-softmax (numeric.jacobian: one row per output) at a point."""
    z = np.array([0.3, -1.2, 2.0])
    J = numeric.jacobian(_log_softmax, z)
    s = _softmax(z)
    stated = np.eye(3) - np.outer(s, np.ones(3))
    numerator = np.allclose(stated, J, atol=1e-12)
    denominator = np.allclose(stated, J.T, atol=1e-12)
    if numerator and denominator:
        return "C"
    return "A" if numerator else "B" if denominator else "D"


QUESTIONS = [
    ChoiceQuestion(
        "ch08.q1", "shapes", title="Two shapes", points=1,
        options={"A": "3 x 5 and 5 x 3", "B": "5 x 3 and 3 x 5",
                 "C": "both 3 x 5", "D": "15 x 1 and 1 x 15"},
        prompt=r"""Let $X$ be a $3 \times 5$ matrix and $f(X)$ a scalar
function of it, for example $f(X) = \mathbf{a}^\top X \mathbf{b}$ with
$\mathbf{a} \in \mathbb{R}^3$ and $\mathbf{b} \in \mathbb{R}^5$. What are
the shapes of the gradient $\nabla_X f$ and of the numerator-layout
derivative $\frac{\partial f}{\partial X}$?

* (A) $\nabla_X f$ is $3 \times 5$ and $\frac{\partial f}{\partial X}$
  is $5 \times 3$
* (B) $\nabla_X f$ is $5 \times 3$ and $\frac{\partial f}{\partial X}$
  is $3 \times 5$
* (C) both are $3 \times 5$
* (D) $\nabla_X f$ is $15 \times 1$ and $\frac{\partial f}{\partial X}$
  is $1 \times 15$

Assign the letter, as a string, to `shapes`.""",
        template='shapes = None  # your answer: "A", "B", "C" or "D" '
                 '(a string)',
        reference=_shapes_letter,
        hints={"B": "swapped: the gradient has the shape of the "
                    "variable X, 3 × 5, with ∂f/∂X_ij in row i and "
                    "column j; numerator layout is its transpose.",
               "C": "the gradient (and denominator layout) has the "
                    "shape of X, but numerator layout puts ∂f/∂X_ij in "
                    "row j, column i: the 5 × 3 transpose.",
               "D": "those are the shapes after flattening X into a "
                    "vector of 15 numbers; the chapter keeps the matrix "
                    "shape, ∂f/∂X_ij in row i, column j of the "
                    "gradient."}),
    Q2, Q3, Q4, Q5, Q6, Q7,
    ChoiceQuestion(
        "ch08.q8", "layout_ls", title="Which layout?", points=1,
        options={"A": "numerator", "B": "denominator", "C": "both",
                 "D": "neither"},
        prompt=r"""A paper states: "the derivative of
$\log \operatorname{softmax}(\mathbf{z})$ with respect to $\mathbf{z}
\in \mathbb{R}^n$ is the $n \times n$ matrix $I - \mathbf{s}
\mathbf{1}^\top$", where $\mathbf{s} = \operatorname{softmax}(
\mathbf{z})$ and $\mathbf{1}$ is the $n \times 1$ vector of ones. Which
layout is that?

* (A) numerator layout: entry $(i, j)$ is
  $\partial \log s_i / \partial z_j$
* (B) denominator layout: entry $(i, j)$ is
  $\partial \log s_j / \partial z_i$
* (C) both: the matrix is symmetric, so the two layouts agree
* (D) neither: the derivative is $I - \operatorname{diag}(\mathbf{s})$
  in both layouts

Assign the letter, as a string, to `layout_ls`.""",
        template='layout_ls = None  # your answer: "A", "B", "C" or "D" '
                 '(a string)',
        reference=_layout_letter,
        hints={"A": "row i of the numerator-layout Jacobian is the "
                    "derivative of log s_i, eᵢᵀ - sᵀ: that matrix is "
                    "I - 1sᵀ, and the one stated is its transpose.",
               "C": "the softmax Jacobian diag(s) - ssᵀ is symmetric, "
                    "but I - s1ᵀ is not: its entry (i, j) is "
                    "δ_ij - s_i, its entry (j, i) is δ_ij - s_j.",
               "D": "log s_i = z_i - log Σₖ e^{z_k} depends on every "
                    "z_j through the sum, so the entries off the "
                    "diagonal are not 0."}),
]

CHAPTER = Chapter(
    "ch08", 8, "The matrix calculus toolbox",
    intro="""Shapes and layouts of derivatives with respect to a matrix,
index notation, the Frobenius norm and a factorization, differentials
of the inverse and the log-determinant, softmax and the cross-entropy,
and translating between layouts: the questions follow chapter 8 in
order, from routine (1 and 2) to one that stretches (7).""",
    given='''def softmax(z):
    # the softmax of logits z of shape (n,): shape (n,), overflow-safe
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def log_softmax(z):
    # log softmax(z) for z of shape (n,): shape (n,), overflow-safe
    shifted = z - np.max(z)
    return shifted - np.log(np.sum(np.exp(shifted)))''',
    questions=QUESTIONS)
