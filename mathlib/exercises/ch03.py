"""Problem set 3: Directional derivatives and steepest ascent (chapter 3).

Every reference is computed from the problem when a check runs: sympy
gradients and eigenvalues, or ``mathlib.numeric`` at the sample points.
"""

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, NumberQuestion)
from ._registry import Chapter

x, y, z = sp.symbols("x y z", real=True)
A = sp.Matrix([[4, 1], [1, 3]])           # questions 5 and 6
B = sp.Matrix([1, -1])
ETA = sp.Rational(1, 10)


def _rate():
    g = symbolic.gradient(x**2 * y - y**3, [x, y]).subs({x: 2, y: 1})
    v = sp.Matrix([sp.Rational(3, 5), sp.Rational(-4, 5)])
    return (g.T * v)[0]


def _ascent_gradient():
    g = symbolic.gradient(x * y + y * z + z * x, [x, y, z])
    return np.array([float(v) for v in g.subs({x: 1, y: 2, z: 3})])


def _ascent():
    g = _ascent_gradient()
    return g / np.linalg.norm(g)


def _directional_formula():
    g = symbolic.gradient(x**2 + x * y + 2 * y**2, [x, y])
    v = sp.Matrix([sp.Rational(3, 5), sp.Rational(4, 5)])
    return sp.expand((g.T * v)[0])


def _level_gradient():
    g = symbolic.gradient(x**2 + 4 * y**2, [x, y]).subs({x: 2, y: 1})
    return np.array([float(v) for v in g])


def _tangent(G):
    """Either unit tangent is right: check length and direction."""
    g = _level_gradient()
    length = float(np.linalg.norm(G))
    if length < 1e-12:
        return "incorrect", "scale", "it is the zero vector."
    cosine = float(G @ g) / (length * np.linalg.norm(g))
    if abs(cosine) > 1e-6:
        if abs(abs(cosine) - 1) < 1e-9:
            return ("incorrect", "mistake", "it points along the gradient,"
                    " which is perpendicular to the level set, not "
                    "tangent to it.")
        angle = np.degrees(np.arccos(min(1.0, abs(cosine))))
        return ("incorrect", "pointwise", "it is not tangent to the level "
                f"set: it makes an angle of {angle:.3g} degrees with the "
                "gradient, which must be 90.")
    if abs(length - 1) > 1e-6:
        return ("incorrect", "scale", f"it has the right direction but "
                f"length {length:.6g}; a direction here is a unit vector "
                "(divide it by its length).")
    return "correct", "ok", "Correct (either of the two unit tangents is)."


def _eta_max():
    return 2 / max(A.eigenvals())


def _quadratic(v):
    An, bn = np.array(A, dtype=float), np.array(B, dtype=float).ravel()
    return v @ An @ v / 2 - bn @ v


def _gd_step(v):
    return v - float(ETA) * numeric.gradient(_quadratic, v)


def _critical_letter():
    f = sp.Symbol("t", real=True)
    q = f**4 - 2 * f**2
    if sp.diff(q, f).subs(f, 0) != 0:
        return "D"
    curvature = sp.diff(q, f, 2).subs(f, 0)
    return "A" if curvature > 0 else "B" if curvature < 0 else "C"


def _max_rate():
    g = symbolic.gradient(x * sp.exp(y), [x, y])
    return sp.sqrt((g.T * g)[0])


QUESTIONS = [
    NumberQuestion(
        "ch03.q1", "rate", title="A directional derivative", points=1,
        prompt=r"""Compute the directional derivative
$D_{\mathbf{v}} f(2, 1)$ of $f(x, y) = x^2 y - y^3$ along the unit vector
$\mathbf{v} = \left(\frac{3}{5}, -\frac{4}{5}\right)$, and assign it to
`rate`.""",
        reference=_rate,
        mistakes=[(lambda: np.sqrt(17.0), "that is ‖∇f‖, the "
                   "largest rate, along the gradient; the question asks "
                   "for the rate along v.")]),
    ArrayQuestion(
        "ch03.q2", "ascent", title="Steepest ascent", points=1, shape=(3,),
        prompt=r"""Give the unit vector along which
$f(x, y, z) = xy + yz + zx$ increases fastest at the point $(1, 2, 3)$,
as a numpy array of shape `(3,)`. Assign it to `ascent`.""",
        reference=_ascent,
        mistakes=[(_ascent_gradient, "that is the gradient itself; the "
                   "direction of steepest ascent is the unit vector "
                   "∇f/‖∇f‖."),
                  (lambda: -_ascent(), "that is the direction of steepest "
                   "descent.")]),
    ExpressionQuestion(
        "ch03.q3", "Dv", title="A directional derivative as a formula",
        points=1, variables=["x", "y"],
        prompt=r"""For $f(x, y) = x^2 + xy + 2y^2$ and the unit vector
$\mathbf{v} = \left(\frac{3}{5}, \frac{4}{5}\right)$, give
$D_{\mathbf{v}} f(x, y)$ at a general point $(x, y)$ as a formula in $x$
and $y$ (a SymPy expression in the symbols `x`, `y` defined above, or a
string). Assign it to `Dv`.""",
        reference=_directional_formula),
    ArrayQuestion(
        "ch03.q4", "tangent", title="A tangent to a level set", points=1,
        shape=(2,), accept=_tangent,
        prompt=r"""The point $(2, 1)$ lies on the level set
$x^2 + 4y^2 = 8$. Give a unit vector tangent to this level set at
$(2, 1)$, as a numpy array of shape `(2,)`. (There are two; either is
right.) Assign it to `tangent`.""",
        reference=lambda: np.array([2.0, -1.0]) / np.sqrt(5.0)),
    NumberQuestion(
        "ch03.q5", "eta_max", title="The largest step size", points=1,
        prompt=r"""Gradient descent
$\mathbf{x}_{k+1} = \mathbf{x}_k - \eta \nabla f(\mathbf{x}_k)$ on
$f(\mathbf{x}) = \frac{1}{2}\mathbf{x}^\top A \mathbf{x}$ with
$A = \begin{bmatrix} 4 & 1 \\ 1 & 3 \end{bmatrix}$ converges from every
starting point exactly when $0 < \eta < \eta_{\max}$. Find
$\eta_{\max}$ and assign it to `eta_max`.""",
        given="A = np.array([[4.0, 1.0], [1.0, 3.0]])",
        reference=_eta_max,
        mistakes=[(lambda: 0.5, "that is 2/4, from the largest entry "
                   "of A; what counts is the largest eigenvalue."),
                  (lambda: 2 / min(A.eigenvals()), "that uses the "
                   "smallest eigenvalue; the largest one is the binding "
                   "constraint.")]),
    FunctionQuestion(
        "ch03.q6", "gd_step", title="One step of gradient descent",
        points=2, arg_shape=(2,), out_shape=(2,), box=(-3.0, 3.0),
        prompt=r"""Let $f(\mathbf{x}) = \frac{1}{2}\mathbf{x}^\top
A\mathbf{x} - \mathbf{b}^\top\mathbf{x}$ with $A$ as in question 5 and
$\mathbf{b} = (1, -1)^\top$. Write `gd_step(x)`: it takes `x` of shape
`(2,)` and returns the next iterate of gradient descent with step size
$\eta = 0.1$, $\mathbf{x} - \eta \nabla f(\mathbf{x})$, of shape
`(2,)`.""",
        given="b = np.array([1.0, -1.0])\neta = 0.1",
        template="def gd_step(x):\n    # x has shape (2,); return the next"
                 " iterate, shape (2,)\n    return None  # your answer",
        reference=_gd_step,
        mistakes=[(lambda v: 2 * v - _gd_step(v), "this step goes uphill: "
                   "gradient descent subtracts η∇f."),
                  (lambda v: v - float(ETA) * np.array(A, float) @ v,
                   "the gradient of -bᵀx, which is "
                   "-b, is missing.")]),
    ChoiceQuestion(
        "ch03.q7", "critical", title="Sorting a critical point", points=1,
        options={"A": "a local minimum", "B": "a local maximum",
                 "C": "neither", "D": "not a critical point"},
        prompt=r"""The function $f(x) = x^4 - 2x^2$ has a critical point
at $x = 0$. What is it?

* (A) a local minimum
* (B) a local maximum
* (C) neither a minimum nor a maximum
* (D) it is not a critical point

Assign the letter, as a string, to `critical`.""",
        reference=_critical_letter,
        hints={"A": "compute f''(0): its sign says cup or cap.",
               "C": "f''(0) ≠ 0, so the second-derivative test "
                    "decides.",
               "D": "f'(0) = 0, so it is a critical point."}),
    ExpressionQuestion(
        "ch03.q8", "max_rate", title="The largest rate, everywhere",
        points=2, variables=["x", "y"],
        prompt=r"""For $f(x, y) = x e^{y}$, give the largest rate of
increase at a general point $(x, y)$,
$\max_{\|\mathbf{v}\| = 1} D_{\mathbf{v}} f(x, y)$, as a formula in $x$
and $y$ (a SymPy expression or a string). Assign it to `max_rate`.""",
        reference=_max_rate,
        mistakes=[(lambda: _max_rate() ** 2, "that is "
                   "‖∇f‖²; the largest rate is the length "
                   "‖∇f‖ itself.")]),
]

CHAPTER = Chapter(
    "ch03", 3, "Directional derivatives and steepest ascent",
    intro="""Directional derivatives, steepest ascent, level sets,
gradient descent and critical points: the questions follow chapter 3 in
order, from routine to two that stretch (6 and 8).""",
    given='x, y, z = sp.symbols("x y z", real=True)   # for questions 3, 8',
    questions=QUESTIONS)
