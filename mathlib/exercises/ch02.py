"""Problem set 2: Partial derivatives and gradients (chapter 2).

Every reference is computed from the problem when a check runs: sympy
gradients, or ``mathlib.numeric`` at the sample points.
"""

import functools

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, FunctionQuestion,
                         MatrixQuestion, NumberQuestion)
from ._registry import Chapter

x, y, z = sp.symbols("x y z", real=True)
B = np.array([1.0, -2.0, 0.5])          # the vector b of question 6


def _partials():
    f = x**2 * y + sp.sin(x * y)
    g = symbolic.gradient(f, [x, y]).subs({x: 2, y: 1})
    return np.array([float(v) for v in g])


def _layout_letter():
    """The numerator-layout derivative of a scalar in n = 3 variables is
    the Jacobian of a one-output function: find its shape among the
    options."""
    rows, cols = symbolic.jacobian([x * y * z], [x, y, z]).shape
    shapes = {"A": (3, 1), "B": (1, 3), "C": (3, 3), "D": (1, 1)}
    return next(k for k, s in shapes.items() if s == (rows, cols))


def _log_norm(v):
    return np.log(1 + v @ v)


def _estimate():
    f = x**2 * y
    g = symbolic.gradient(f, [x, y]).subs({x: 1, y: 2})
    eps = [sp.Rational(2, 100), sp.Rational(-3, 100)]
    return f.subs({x: 1, y: 2}) + g[0] * eps[0] + g[1] * eps[1]


def _norm_xb(X):
    return (X @ B) @ (X @ B)


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
    ArrayQuestion(
        "ch02.q1", "partials", title="Two partial derivatives", points=1,
        shape=(2,),
        prompt=r"""Let $f(x, y) = x^2 y + \sin(xy)$. Compute the partial
derivatives $\frac{\partial f}{\partial x}$ and
$\frac{\partial f}{\partial y}$ at the point $(x, y) = (2, 1)$ and assign
them to `partials` as a numpy array of shape `(2,)`, in the order
$\left(\frac{\partial f}{\partial x}, \frac{\partial f}{\partial y}
\right)$.""",
        reference=_partials,
        mistakes=[(lambda: _partials()[::-1], "the two entries are in the "
                   "wrong order: first ∂f/∂x, then ∂f/∂y.")]),
    MatrixQuestion(
        "ch02.q2", "grad_sym", title="A gradient, symbolically", points=1,
        shape=(3, 1), variables=["x", "y", "z"],
        layout="the gradient is a 3 x 1 column like the variable "
               "(x, y, z); the 1 x 3 row is the numerator-layout "
               "derivative",
        prompt=r"""Let $f(x, y, z) = x y^2 + z e^{x}$. Give its gradient
$\nabla f$ as a SymPy `Matrix` of shape $3 \times 1$: a column, the shape
of the variable $(x, y, z)$. Use the symbols `x`, `y`, `z` defined
above.""",
        template="grad_sym = None  # your answer: a 3 x 1 sympy Matrix",
        reference=lambda: symbolic.gradient(x * y**2 + z * sp.exp(x),
                                            [x, y, z])),
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
                    "derivative has one entry per variable."}),
    FunctionQuestion(
        "ch02.q4", "grad_f", title="A gradient, in code", points=2,
        arg_shape=(3,), out_shape=(3,), box=(-3.0, 3.0),
        prompt=r"""Let $f(\mathbf{x}) = \ln(1 + \mathbf{x}^\top
\mathbf{x})$ for $\mathbf{x} \in \mathbb{R}^3$ (defined below as `f`).
Write `grad_f(x)`: it takes a numpy array `x` of shape `(3,)`, with
entries between $-3$ and $3$, and returns $\nabla f(\mathbf{x})$ as an
array of shape `(3,)`, the shape of `x`.""",
        given="def f(x):\n    return np.log(1 + x @ x)",
        template="def grad_f(x):\n    # x has shape (3,); return an array "
                 "of shape (3,)\n    return None  # your answer",
        reference=lambda v: numeric.gradient(_log_norm, v),
        mistakes=[(lambda v: 2 * v, "that is the gradient of "
                   "xᵀx; the chain rule also divides by 1 + xᵀx.")]),
    NumberQuestion(
        "ch02.q5", "estimate", title="A linear estimate", points=1,
        prompt=r"""Let $f(x, y) = x^2 y$. Use the linear approximation at
$(1, 2)$,

$$
f(1 + \epsilon_1, 2 + \epsilon_2) \approx f(1, 2)
+ \epsilon_1 \frac{\partial f}{\partial x}(1, 2)
+ \epsilon_2 \frac{\partial f}{\partial y}(1, 2),
$$

to estimate $f(1.02, 1.97)$. Assign the estimate (not the exact value of
$f(1.02, 1.97)$) to `estimate`.""",
        reference=_estimate,
        mistakes=[(lambda: 1.02**2 * 1.97, "that is the exact value "
                   "f(1.02, 1.97); the question asks for the linear "
                   "estimate.")]),
    FunctionQuestion(
        "ch02.q6", "grad_X", title="A gradient with respect to a matrix",
        points=2, arg_shape=(2, 3), out_shape=(2, 3),
        layout="the gradient with respect to X has the shape of X, 2 x 3",
        prompt=r"""Let $\mathbf{b} = (1, -2, 0.5)^\top$ and, for a
$2 \times 3$ matrix $X$, $f(X) = \|X\mathbf{b}\|^2 = (X\mathbf{b})^\top
(X\mathbf{b})$ (defined below as `f_X`). Write `grad_X(X)`: it takes a
numpy array `X` of shape `(2, 3)` and returns $\nabla_X f$, which has the
shape of $X$, `(2, 3)`.""",
        given="b = np.array([1.0, -2.0, 0.5])\n\n\ndef f_X(X):\n"
              "    return (X @ b) @ (X @ b)",
        template="def grad_X(X):\n    # X has shape (2, 3); return an "
                 "array of shape (2, 3)\n    return None  # your answer",
        reference=lambda X: numeric.gradient(_norm_xb, X)),
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
