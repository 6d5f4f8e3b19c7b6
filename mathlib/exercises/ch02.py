"""Problem set 2: Partial derivatives and gradients (chapter 2).

Every reference is computed from the problem when a check runs: sympy
gradients, or ``mathlib.numeric`` at the sample points.

Questions 1, 2, 4, 5 and 6 have per-student variants (``_variant``);
question 3 has no numbers, and question 7's numbers (the scores of
±1000 it must survive) are the point of the question.
"""

import functools

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, FunctionQuestion,
                         MatrixQuestion, NumberQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised

x, y, z = sp.symbols("x y z", real=True)
B = np.array([1.0, -2.0, 0.5])          # the vector b of question 6


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _coef(c):
    return "" if c == 1 else num(c)


# ---------------------------------------------------------- question 1


def _partials(c=1, a=2, b=1):
    f = c * x**2 * y + sp.sin(x * y)
    g = symbolic.gradient(f, [x, y]).subs({x: a, y: b})
    return np.array([float(v) for v in g])


def _q1(p):
    c, a, b = p["c"], p["a"], p["b"]
    return ArrayQuestion(
        "ch02.q1", "partials", title="Two partial derivatives", points=1,
        shape=(2,),
        prompt=fill(r"""Let $f(x, y) = [[c]]x^2 y + \sin(xy)$. Compute the partial
derivatives $\frac{\partial f}{\partial x}$ and
$\frac{\partial f}{\partial y}$ at the point $(x, y) = ([[a]], [[b]])$ and assign
them to `partials` as a numpy array of shape `(2,)`, in the order
$\left(\frac{\partial f}{\partial x}, \frac{\partial f}{\partial y}
\right)$.""", c=_coef(c), a=a, b=b),
        reference=lambda: _partials(c, a, b),
        mistakes=[(lambda: _partials(c, a, b)[::-1], "the two entries are "
                   "in the wrong order: first ∂f/∂x, then ∂f/∂y.")])


def _q1_ok(p):
    g = _partials(p["c"], p["a"], p["b"])
    return abs(g[0] - g[1]) > 0.1 and min(abs(g)) > 0.1


Q1 = parameterised(
    _q1, default={"c": 1, "a": 2, "b": 1},
    draw=lambda rng: {"c": int(rng.integers(1, 4)),
                      "a": _pick(rng, [-3, -2, -1, 1, 2, 3]),
                      "b": _pick(rng, [-2, -1, 1, 2, 3])},
    require=[(_q1_ok, "the two partials differ (the swapped order is "
              "told apart) and neither is 0 (a sign error is told "
              "apart)")])

# ---------------------------------------------------------- question 2


def _q2(p):
    c, n, m = p["c"], p["n"], p["m"]
    f = c * x * y**n + z * sp.exp(m * x)
    return MatrixQuestion(
        "ch02.q2", "grad_sym", title="A gradient, symbolically", points=1,
        shape=(3, 1), variables=["x", "y", "z"],
        layout="the gradient is a 3 x 1 column like the variable "
               "(x, y, z); the 1 x 3 row is the numerator-layout "
               "derivative",
        prompt=fill(r"""Let $f(x, y, z) = [[c]]x y^[[n]] + z e^{[[m]]x}$. Give its gradient
$\nabla f$ as a SymPy `Matrix` of shape $3 \times 1$: a column, the shape
of the variable $(x, y, z)$. Use the symbols `x`, `y`, `z` defined
above.""", c=_coef(c), n=n, m=_coef(m)),
        template="grad_sym = None  # your answer: a 3 x 1 sympy Matrix",
        reference=lambda: symbolic.gradient(f, [x, y, z]))


Q2 = parameterised(
    _q2, default={"c": 1, "n": 2, "m": 1},
    draw=lambda rng: {"c": int(rng.integers(1, 10)),
                      "n": int(rng.integers(2, 5)),
                      "m": int(rng.integers(1, 6))})

# ---------------------------------------------------------- question 3


def _layout_letter():
    """The numerator-layout derivative of a scalar in n = 3 variables is
    the Jacobian of a one-output function: find its shape among the
    options."""
    rows, cols = symbolic.jacobian([x * y * z], [x, y, z]).shape
    shapes = {"A": (3, 1), "B": (1, 3), "C": (3, 3), "D": (1, 1)}
    return next(k for k, s in shapes.items() if s == (rows, cols))


Q3 = (
    ChoiceQuestion(
        "ch02.q3", "layout", title="Numerator layout", points=1,
        options={"A": "an $n \\times 1$ column", "B": "a $1 \\times n$ row",
                 "C": "an $n \\times n$ matrix", "D": "a number"},
        prompt=r"""In numerator layout (this book's default), the
derivative $\frac{\partial f}{\partial \mathbf{x}}$ of a scalar function
$f$ with respect to a column vector $\mathbf{x} \in \mathbb{R}^n$ is

* (A) an $n \times 1$ column
* (B) a $1 \times n$ row
* (C) an $n \times n$ matrix
* (D) a number

Assign the letter, as a string, to `layout`.""",
        reference=_layout_letter,
        hints={"A": "that is the shape of the gradient ∇f, which is "
                    "shaped like x; in numerator layout the derivative "
                    "has one row per output of f.",
               "C": "an n × n matrix is the Jacobian of a vector "
                    "function of x, or the Hessian; f has one output.",
               "D": "a directional derivative is a number; this "
                    "derivative has one entry per variable."}))

# ---------------------------------------------------------- question 4


def _q4(p):
    a, c = p["a"], p["c"]

    def f(v):
        return np.log(c + a * (v @ v))
    axx = f"{_coef(a)}xᵀx"
    return FunctionQuestion(
        "ch02.q4", "grad_f", title="A gradient, in code", points=2,
        arg_shape=(3,), out_shape=(3,), box=(-3.0, 3.0),
        prompt=fill(r"""Let $f(\mathbf{x}) = \ln([[c]] + [[a]]\mathbf{x}^\top
\mathbf{x})$ for $\mathbf{x} \in \mathbb{R}^3$ (defined below as `f`).
Write `grad_f(x)`: it takes a numpy array `x` of shape `(3,)`, with
entries between $-3$ and $3$, and returns $\nabla f(\mathbf{x})$ as an
array of shape `(3,)`, the shape of `x`.""", c=c, a=_coef(a)),
        given=f"def f(x):\n    return np.log({c} + "
              f"{'' if a == 1 else f'{a} * '}x @ x)",
        template="def grad_f(x):\n    # x has shape (3,); return an array "
                 "of shape (3,)\n    return None  # your answer",
        reference=lambda v: numeric.gradient(f, v),
        mistakes=[(lambda v: 2 * a * v, f"that is the gradient of "
                   f"{axx}; the chain rule also divides by {c} + "
                   f"{axx}.")])


Q4 = parameterised(
    _q4, default={"a": 1, "c": 1},
    draw=lambda rng: {"a": int(rng.integers(1, 10)),
                      "c": int(rng.integers(1, 10))})

# ---------------------------------------------------------- question 5


def _estimate(a=1, b=2, e1="0.02", e2="-0.03"):
    f = x**2 * y
    g = symbolic.gradient(f, [x, y]).subs({x: a, y: b})
    eps = [sp.Rational(e1), sp.Rational(e2)]
    return f.subs({x: a, y: b}) + g[0] * eps[0] + g[1] * eps[1]


def _exact(a=1, b=2, e1="0.02", e2="-0.03"):
    return float((a + sp.Rational(e1))**2 * (b + sp.Rational(e2)))


def _q5(p):
    a, b, e1, e2 = p["a"], p["b"], p["e1"], p["e2"]
    at = num(a + float(e1)), num(b + float(e2))
    return NumberQuestion(
        "ch02.q5", "estimate", title="A linear estimate", points=1,
        prompt=fill(r"""Let $f(x, y) = x^2 y$. Use the linear approximation at
$([[a]], [[b]])$,

$$
f([[a]] + \epsilon_1, [[b]] + \epsilon_2) \approx f([[a]], [[b]])
+ \epsilon_1 \frac{\partial f}{\partial x}([[a]], [[b]])
+ \epsilon_2 \frac{\partial f}{\partial y}([[a]], [[b]]),
$$

to estimate $f([[x]], [[y]])$. Assign the estimate (not the exact value of
$f([[x]], [[y]])$) to `estimate`.""", a=a, b=b, x=at[0], y=at[1]),
        reference=lambda: _estimate(a, b, e1, e2),
        mistakes=[(lambda: _exact(a, b, e1, e2), "that is the exact "
                   f"value f({at[0]}, {at[1]}); the question asks for the "
                   "linear estimate.")])


def _q5_ok(p):
    est = float(_estimate(**p))
    return abs(est) > 0.1 and abs(est - _exact(**p)) > 1e-5 * abs(est)


Q5 = parameterised(
    _q5, default={"a": 1, "b": 2, "e1": "0.02", "e2": "-0.03"},
    draw=lambda rng: {"a": _pick(rng, [-2, -1, 1, 2, 3]),
                      "b": _pick(rng, [-3, -1, 1, 2, 3, 4]),
                      "e1": _pick(rng, ["0.01", "0.02", "0.03", "-0.01",
                                        "-0.02", "0.04"]),
                      "e2": _pick(rng, ["-0.03", "-0.02", "0.01", "0.02",
                                        "0.03", "-0.04"])},
    require=[(_q5_ok, "the estimate is not 0 and differs from the exact "
              "value (the named mistake)")])

# ---------------------------------------------------------- question 6


def _q6(p):
    b = np.array(p["b"], dtype=float)

    def norm_xb(X):
        return (X @ b) @ (X @ b)
    shown = ", ".join(num(v) for v in b)
    code = ", ".join(repr(float(v)) for v in b)
    return FunctionQuestion(
        "ch02.q6", "grad_X", title="A gradient with respect to a matrix",
        points=2, arg_shape=(2, 3), out_shape=(2, 3),
        layout="the gradient with respect to X has the shape of X, 2 x 3",
        prompt=fill(r"""Let $\mathbf{b} = ([[b]])^\top$ and, for a
$2 \times 3$ matrix $X$, $f(X) = \|X\mathbf{b}\|^2 = (X\mathbf{b})^\top
(X\mathbf{b})$ (defined below as `f_X`). Write `grad_X(X)`: it takes a
numpy array `X` of shape `(2, 3)` and returns $\nabla_X f$, which has the
shape of $X$, `(2, 3)`.""", b=shown),
        given=f"b = np.array([{code}])\n\n\ndef f_X(X):\n"
              "    return (X @ b) @ (X @ b)",
        template="def grad_X(X):\n    # X has shape (2, 3); return an "
                 "array of shape (2, 3)\n    return None  # your answer",
        reference=lambda X: numeric.gradient(norm_xb, X))


_HALVES = [-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0]
Q6 = parameterised(
    _q6, default={"b": [1.0, -2.0, 0.5]},
    draw=lambda rng: {"b": [_pick(rng, _HALVES) for _ in range(3)]})

# ---------------------------------------------------------- question 7

_Z = sp.symbols("z1:5", real=True)


@functools.lru_cache(maxsize=1)
def _cross_entropy_formula():
    loss = -_Z[0] + sp.log(sum(sp.exp(v) for v in _Z))
    return symbolic.gradient(loss, list(_Z))


def _cross_entropy_gradient(point):
    """The gradient of -z_1 + log(sum exp z_j) with sympy, evaluated to
    30 digits (exp(1000) is no problem for sympy's floats)."""
    at = {s: sp.Float(float(v), 30) for s, v in zip(_Z, point)}
    return np.array([float(g.evalf(30, subs=at))
                     for g in _cross_entropy_formula()])


def _softmax(v):
    e = np.exp(v - np.max(v))
    return e / e.sum()




QUESTIONS = [
    Q1, Q2, Q3, Q4, Q5, Q6,
    FunctionQuestion(
        "ch02.q7", "grad_ce", title="The gradient of the cross-entropy",
        points=2, arg_shape=(4,), out_shape=(4,), box=(-5.0, 5.0),
        edge_points=[[1000.0, 0.0, -1000.0, 3.0],
                     [0.0, 1000.0, 999.0, -1000.0]],
        prompt=r"""A classifier gives scores $\mathbf{z} \in \mathbb{R}^4$;
the correct class is the first one. Its cross-entropy loss is

$$
L(\mathbf{z}) = -\ln \frac{e^{z_1}}{\sum_{j=1}^4 e^{z_j}}
= -z_1 + \ln \sum_{j=1}^4 e^{z_j} .
$$

Write `grad_ce(z)`: it takes an array `z` of shape `(4,)` and returns
$\nabla L(\mathbf{z})$, an array of shape `(4,)`. It must return
accurate, finite values for scores as large as $\pm 1000$ (the check
uses two such points), where $e^{1000}$ overflows in float64: find a way
around that.""",
        template="def grad_ce(z):\n    # z has shape (4,); return an array "
                 "of shape (4,)\n    return None  # your answer",
        reference=_cross_entropy_gradient,
        mistakes=[(_softmax, "that is the softmax of z; the term "
                   "-z₁ contributes -1 to the first entry of the "
                   "gradient.")]),
]

CHAPTER = Chapter(
    "ch02", 2, "Partial derivatives and gradients",
    intro="""Partial derivatives, the gradient and its shape, the
layouts, the linear approximation, and gradients with respect to a
matrix: the questions follow chapter 2 in order, from routine to one that
stretches (7).""",
    given='x, y, z = sp.symbols("x y z", real=True)   # for question 2',
    questions=QUESTIONS)
