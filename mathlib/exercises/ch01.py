"""Problem set 1: Limits and derivatives (chapter 1).

Every reference is computed from the problem when a check runs: sympy
limits and derivatives, float64 arithmetic, or ``mathlib.numeric``.
"""

import numpy as np
import sympy as sp

from mathlib import numeric

from ._questions import (ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, NumberQuestion, ArrayQuestion)
from ._registry import Chapter

x = sp.Symbol("x", real=True)


def _limit():
    return sp.limit((sp.exp(3 * x) - 1) / x, x, 0)


STEPS = [sp.Rational(1, 10), sp.Rational(1, 100), sp.Rational(1, 1000)]


def _quotients():
    f = x**3
    return [((f.subs(x, 2 + h) - f.subs(x, 2)) / h) for h in STEPS]


def _delta():
    f, epsilon = 5 * x - 3, sp.Rational(2, 100)
    return epsilon / abs(sp.diff(f, x))         # |f(x) - 2| = 5 |x - 1|


def _sigmoid(t):
    return 1 / (1 + np.exp(-t))


def _forward_errors():
    """Relative errors of the forward difference of exp at 1, per step."""
    steps = {"A": 1e-2, "B": 1e-8, "C": 1e-12, "D": 1e-16}
    exact = np.exp(1.0)
    return {k: abs((np.exp(1.0 + h) - np.exp(1.0)) / h - exact) / exact
            for k, h in steps.items()}


def _complex_step():
    h = sp.Rational(1, 10)
    return sp.im(sp.expand((2 + sp.I * h) ** 3)) / h


QUESTIONS = [
    NumberQuestion(
        "ch01.q1", "limit_value", title="A limit", points=1,
        prompt=r"""Find the limit

$$
\lim_{x \to 0} \frac{e^{3x} - 1}{x} .
$$

Assign the number to `limit_value`. (A limit table or `sp.limit` can
confirm your reasoning.)""",
        reference=_limit,
        mistakes=[(lambda: 1.0, "that is the limit of (e^x - 1)/x; "
                   "the factor from the 3x inside the exponential is "
                   "missing (substitute u = 3x).")]),
    ArrayQuestion(
        "ch01.q2", "quotients", title="Difference quotients", points=1,
        shape=(3,),
        prompt=r"""The difference quotient of $f(x) = x^3$ at $a = 2$ is
$\frac{f(2 + h) - f(2)}{h}$. Compute it for $h = 0.1$, $h = 0.01$ and
$h = 0.001$, in that order, and assign the three values to `quotients` as
a numpy array of shape `(3,)`.""",
        reference=lambda: np.array([float(q) for q in _quotients()]),
        mistakes=[(lambda: np.full(3, 12.0), "these are all f'(2) = 12; the "
                   "question asks for the difference quotients, which "
                   "only approach it as h → 0.")]),
    NumberQuestion(
        "ch01.q3", "delta", title="Epsilon and delta", points=1,
        prompt=r"""For $f(x) = 5x - 3$, $\lim_{x \to 1} f(x) = 2$. For
$\varepsilon = 0.02$, what is the largest $\delta$ such that
$0 < |x - 1| < \delta$ implies $|f(x) - 2| < \varepsilon$? Assign it to
`delta`.""",
        reference=_delta,
        mistakes=[(lambda: 0.1, "that is 5ε. Since "
                   "|f(x) - 2| = 5|x - 1|, the window |x - 1| must be "
                   "smaller than ε/5 = 0.004, not 5ε.")]),
    ExpressionQuestion(
        "ch01.q4", "dfdx", title="The product rule", points=1,
        variables=["x"], domain={"x": (0.0, 4.0)},
        prompt=r"""Differentiate $f(x) = x^2 \ln x$ for $x > 0$. Assign
$f'(x)$ to `dfdx` as a SymPy expression in the symbol `x` defined above
(a string such as `"x**2 + 1"` is accepted too; write `log` for $\ln$).
Formulas are compared for $0 < x < 4$.""",
        reference=lambda: sp.diff(x**2 * sp.log(x), x),
        mistakes=[(lambda: sp.Integer(2), "that is the product of the two "
                   "derivatives, (x²)' · (ln x)'; the product "
                   "rule is (uv)' = u'v + uv'.")]),
    ExpressionQuestion(
        "ch01.q5", "dg", title="The chain rule", points=1,
        variables=["x"],
        prompt=r"""Differentiate $g(x) = \ln(1 + e^{2x})$ with the chain
rule, and assign $g'(x)$ to `dg` as a SymPy expression in `x` (or a
string).""",
        reference=lambda: sp.diff(sp.log(1 + sp.exp(2 * x)), x),
        mistakes=[(lambda: sp.exp(2 * x) / (1 + sp.exp(2 * x)),
                   "the derivative of the innermost function, 2x, is "
                   "missing: the chain rule multiplies by it.")]),
    FunctionQuestion(
        "ch01.q6", "dsigmoid", title="The derivative of the sigmoid",
        points=2, arg_shape=(), out_shape=(), box=(-8.0, 8.0),
        edge_points=[0.0, -8.0, 8.0],
        prompt=r"""The sigmoid is $\sigma(x) = \frac{1}{1 + e^{-x}}$
(defined below as `sigmoid`). Write a Python function `dsigmoid(x)` that
returns $\sigma'(x)$ for a float `x`, as a float. It must work for
$-8 \le x \le 8$: the check calls it at random points of that interval
and at $0$ and $\pm 8$. Derive the formula by hand (use `np.exp`), then, if
you like, compare it with a central difference quotient such as
`(sigmoid(x + 1e-5) - sigmoid(x - 1e-5)) / 2e-5`.""",
        given="def sigmoid(t):\n    return 1 / (1 + np.exp(-t))",
        template='def dsigmoid(x):\n    # x is a float; return the value '
                 'of the derivative at x\n    return None  # your answer',
        reference=lambda t: numeric.derivative(_sigmoid, t),
        mistakes=[(_sigmoid, "that is σ(x) itself, not its "
                   "derivative.")]),
    ChoiceQuestion(
        "ch01.q7", "best_step", title="The best step", points=1,
        options={"A": "$h = 10^{-2}$", "B": "$h = 10^{-8}$",
                 "C": "$h = 10^{-12}$", "D": "$h = 10^{-16}$"},
        prompt=r"""The forward difference $\frac{f(a + h) - f(a)}{h}$
approximates $f'(a)$. For $f = \exp$ at $a = 1$, in float64 arithmetic,
which step gives the most accurate value?

* (A) $h = 10^{-2}$
* (B) $h = 10^{-8}$
* (C) $h = 10^{-12}$
* (D) $h = 10^{-16}$

Assign the letter, as a string, to `best_step` (for example
`best_step = "A"`).""",
        reference=lambda: min(_forward_errors().items(),
                              key=lambda kv: kv[1])[0],
        hints={"A": "with h = 1e-2 the truncation error, about h/2 "
                    "relative, dominates.",
               "C": "with h = 1e-12 the round-off error, up to "
                    "2u/h ≈ 2e-4 (u = 2^-53, the unit roundoff), "
                    "dominates.",
               "D": "with h = 1e-16, 1 + h rounds to 1 in float64 and "
                    "the quotient is 0."}),
    NumberQuestion(
        "ch01.q8", "complex_step", title="The complex step, exactly",
        points=2,
        prompt=r"""The complex step approximates $f'(a)$ by
$\operatorname{Im} f(a + ih) / h$. For $f(x) = x^3$ at $a = 2$ and the
large step $h = 0.1$ it is not exactly $f'(2) = 12$. Find the exact value
of $\operatorname{Im}\,(2 + 0.1\,i)^3 / 0.1$, by expanding the cube by
hand or with Python's complex numbers (`1j` is $i$), and assign it to
`complex_step`. (Stretch: what is the error, as a formula in $h$?)""",
        reference=_complex_step,
        mistakes=[(lambda: 12.0, "that is f'(2). With h = 0.1 the "
                   "complex step is not exact for x³: expand "
                   "(2 + ih)³ and keep the imaginary part.")]),
]

CHAPTER = Chapter(
    "ch01", 1, "Limits and derivatives",
    intro="""Limits, the derivative as a limit, the rules of
differentiation, and derivatives in floating point: the questions follow
chapter 1 in order, from routine to two that stretch (6 and 8).""",
    given='x = sp.Symbol("x", real=True)   # for the formula questions',
    questions=QUESTIONS)
