"""Problem set 1: Limits and derivatives (chapter 1).

Every reference is computed from the problem when a check runs: sympy
limits and derivatives, float64 arithmetic, or ``mathlib.numeric``.

Questions 1 to 5 and 8 have per-student variants (``_variant``: each is
built by a function of its parameters ``p``; the default parameters are
the book's numbers). Questions 6 and 7 have no numbers worth varying.
"""

import numpy as np
import sympy as sp

from mathlib import numeric

from ._questions import (ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, NumberQuestion, ArrayQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised

x = sp.Symbol("x", real=True)
SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def _power(c, n, var="x"):
    """c x^n in LaTeX: "x^3", "2x^3"."""
    return f"{'' if c == 1 else num(c)}{var}^{n}"


def _shift(a):
    """x - a in text: "x - 1", "x + 2"."""
    return f"x - {num(a)}" if a >= 0 else f"x + {num(-a)}"


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


# ---------------------------------------------------------- question 1


def _limit(k, m):
    return sp.limit((sp.exp(k * x) - 1) / (m * x), x, 0)


def _q1(p):
    k, m = p["k"], p["m"]
    den = "x" if m == 1 else f"{m}x"
    mistake = "(e^x - 1)/x" if m == 1 else f"(e^x - 1)/({m}x)"
    return NumberQuestion(
        "ch01.q1", "limit_value", title="A limit", points=1,
        prompt=fill(r"""Find the limit

$$
\lim_{x \to 0} \frac{e^{[[k]]x} - 1}{[[den]]} .
$$

Assign the number to `limit_value`. (A limit table or `sp.limit` can
confirm your reasoning.)""", k=k, den=den),
        reference=lambda: _limit(k, m),
        mistakes=[(lambda: 1.0 / m, f"that is the limit of {mistake}; "
                   f"the factor from the {k}x inside the exponential is "
                   f"missing (substitute u = {k}x).")])


Q1 = parameterised(
    _q1, default={"k": 3, "m": 1},
    draw=lambda rng: {"k": _pick(rng, [-6, -5, -4, -3, -2, 2, 3, 4, 5, 6,
                                       7, 8, 9]),
                      "m": int(rng.integers(1, 7))},
    require=[(lambda p: abs(p["k"]) > 1, "k = ±1 makes the named mistake "
              "right or its negative")])

# ---------------------------------------------------------- question 2

STEPS = [sp.Rational(1, 10), sp.Rational(1, 100), sp.Rational(1, 1000)]


def _quotients(c, n, a):
    f = c * x**n
    return [((f.subs(x, a + h) - f.subs(x, a)) / h) for h in STEPS]


def _q2(p):
    c, n, a = p["c"], p["n"], p["a"]
    slope = c * n * a**(n - 1)
    return ArrayQuestion(
        "ch01.q2", "quotients", title="Difference quotients", points=1,
        shape=(3,),
        prompt=fill(r"""The difference quotient of $f(x) = [[f]]$ at $a = [[a]]$ is
$\frac{f([[a]] + h) - f([[a]])}{h}$. Compute it for $h = 0.1$, $h = 0.01$ and
$h = 0.001$, in that order, and assign the three values to `quotients` as
a numpy array of shape `(3,)`.""", f=_power(c, n), a=num(a)),
        reference=lambda: np.array([float(q)
                                    for q in _quotients(c, n, a)]),
        mistakes=[(lambda: np.full(3, float(slope)), f"these are all "
                   f"f'({num(a)}) = {num(slope)}; the "
                   "question asks for the difference quotients, which "
                   "only approach it as h → 0.")])


Q2 = parameterised(
    _q2, default={"c": 1, "n": 3, "a": 2},
    draw=lambda rng: {"c": int(rng.integers(1, 4)),
                      "n": int(rng.integers(2, 6)),
                      "a": _pick(rng, [-3, -2, -1, 1, 2, 3, 4])},
    require=[(lambda p: p["a"] != 0, "f'(a) = 0 at a = 0 (the mistake "
              "would be a vector of zeros)")])

# ---------------------------------------------------------- question 3


def _delta(m, c, a, eps):
    f, epsilon = m * x - c, sp.Rational(eps)
    return epsilon / abs(sp.diff(f, x))         # |f(x) - L| = m |x - a|


def _q3(p):
    m, c, a, eps = p["m"], p["c"], p["a"], p["eps"]
    L = m * a - c
    window = float(sp.Rational(eps) / m)
    return NumberQuestion(
        "ch01.q3", "delta", title="Epsilon and delta", points=1,
        prompt=fill(r"""For $f(x) = [[m]]x - [[c]]$, $\lim_{x \to [[a]]} f(x) = [[L]]$. For
$\varepsilon = [[eps]]$, what is the largest $\delta$ such that
$0 < |[[xa]]| < \delta$ implies $|f(x) - [[L]]| < \varepsilon$? Assign it to
`delta`.""", m=m, c=c, a=num(a), L=num(L), eps=eps, xa=_shift(a))
        .replace("|f(x) - -", "|f(x) + "),
        reference=lambda: _delta(m, c, a, eps),
        mistakes=[(lambda: m * float(eps), f"that is {m}ε. Since "
                   f"|f(x) - {num(L)}| = {m}|{_shift(a)}|, the window "
                   f"|{_shift(a)}| must be smaller than ε/{m} = "
                   f"{window:g}, not {m}ε.".replace("- -", "+ "))])


Q3 = parameterised(
    _q3, default={"m": 5, "c": 3, "a": 1, "eps": "0.02"},
    draw=lambda rng: {"m": int(rng.integers(2, 10)),
                      "c": int(rng.integers(1, 8)),
                      "a": _pick(rng, [-2, -1, 1, 2, 3]),
                      "eps": _pick(rng, ["0.01", "0.02", "0.03", "0.05"])},
    require=[(lambda p: p["m"] > 1, "m = 1 makes the mistake mε right")])

# ---------------------------------------------------------- question 4


def _q4(p):
    c, n, a = p["c"], p["n"], p["a"]
    log = r"\ln x" if a == 1 else fr"\ln({a}x)"
    f = c * x**n * sp.log(a * x)
    inner = "(ln x)'" if a == 1 else f"(ln {a}x)'"
    outer = f"({'' if c == 1 else c}x{str(n).translate(SUP)})'"
    return ExpressionQuestion(
        "ch01.q4", "dfdx", title="The product rule", points=1,
        variables=["x"], domain={"x": (0.0, 4.0)},
        prompt=fill(r"""Differentiate $f(x) = [[f]] [[log]]$ for $x > 0$. Assign
$f'(x)$ to `dfdx` as a SymPy expression in the symbol `x` defined above
(a string such as `"x**2 + 1"` is accepted too; write `log` for $\ln$).
Formulas are compared for $0 < x < 4$.""", f=_power(c, n), log=log),
        reference=lambda: sp.diff(f, x),
        mistakes=[(lambda: sp.Integer(c * n) * x**(n - 2), "that is the "
                   f"product of the two derivatives, {outer} · {inner}; "
                   "the product rule is (uv)' = u'v + uv'.")])


Q4 = parameterised(
    _q4, default={"c": 1, "n": 2, "a": 1},
    draw=lambda rng: {"c": int(rng.integers(1, 6)),
                      "n": int(rng.integers(2, 7)),
                      "a": _pick(rng, [1, 2, 3, 5, 7])})

# ---------------------------------------------------------- question 5


def _q5(p):
    k, c = p["k"], p["c"]
    g = sp.log(c + sp.exp(k * x))
    inner = f"{k}x"
    return ExpressionQuestion(
        "ch01.q5", "dg", title="The chain rule", points=1,
        variables=["x"],
        prompt=fill(r"""Differentiate $g(x) = \ln([[c]] + e^{[[k]]x})$ with the chain
rule, and assign $g'(x)$ to `dg` as a SymPy expression in `x` (or a
string).""", c=c, k=k),
        reference=lambda: sp.diff(g, x),
        mistakes=[(lambda: sp.exp(k * x) / (c + sp.exp(k * x)),
                   f"the derivative of the innermost function, {inner}, "
                   "is missing: the chain rule multiplies by it.")])


Q5 = parameterised(
    _q5, default={"k": 2, "c": 1},
    draw=lambda rng: {"k": _pick(rng, [-5, -4, -3, -2, 2, 3, 4, 5, 6, 7]),
                      "c": int(rng.integers(1, 10))},
    require=[(lambda p: abs(p["k"]) > 1, "k = ±1 makes the mistake right "
              "or its negative")])


def _sigmoid(t):
    return 1 / (1 + np.exp(-t))


def _forward_errors():
    """Relative errors of the forward difference of exp at 1, per step."""
    steps = {"A": 1e-2, "B": 1e-8, "C": 1e-12, "D": 1e-16}
    exact = np.exp(1.0)
    return {k: abs((np.exp(1.0 + h) - np.exp(1.0)) / h - exact) / exact
            for k, h in steps.items()}

# ---------------------------------------------------------- question 8


def _complex_step(c, a, h):
    h = sp.Rational(h)
    return sp.im(sp.expand(c * (a + sp.I * h) ** 3)) / h


def _q8(p):
    c, a, h = p["c"], p["a"], p["h"]
    f = _power(c, 3)
    cube = f"{'' if c == 1 else c}({num(a)} + ih)³"
    return NumberQuestion(
        "ch01.q8", "complex_step", title="The complex step, exactly",
        points=2,
        prompt=fill(r"""The complex step approximates $f'(a)$ by
$\operatorname{Im} f(a + ih) / h$. For $f(x) = [[f]]$ at $a = [[a]]$ and the
large step $h = [[h]]$ it is not exactly $f'([[a]]) = [[d]]$. Find the exact value
of $\operatorname{Im}\,[[c]]([[a]] + [[h]]\,i)^3 / [[h]]$, by expanding the cube by
hand or with Python's complex numbers (`1j` is $i$), and assign it to
`complex_step`. (Stretch: what is the error, as a formula in $h$?)""",
                    f=f, a=num(a), h=h, d=num(3 * c * a * a),
                    c="" if c == 1 else num(c)),
        reference=lambda: _complex_step(c, a, h),
        mistakes=[(lambda: 3.0 * c * a * a, f"that is f'({num(a)}). With "
                   f"h = {h} the complex step is not exact for "
                   f"{'' if c == 1 else c}x³: expand {cube} and keep the "
                   "imaginary part.")])


Q8 = parameterised(
    _q8, default={"c": 1, "a": 2, "h": "0.1"},
    draw=lambda rng: {"c": int(rng.integers(1, 4)),
                      "a": _pick(rng, [-3, -2, -1, 1, 2, 3, 4, 5]),
                      "h": _pick(rng, ["0.1", "0.2", "0.3", "0.4", "0.5"])})


QUESTIONS = [
    Q1, Q2, Q3, Q4, Q5,
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
    Q8,
]

CHAPTER = Chapter(
    "ch01", 1, "Limits and derivatives",
    intro="""Limits, the derivative as a limit, the rules of
differentiation, and derivatives in floating point: the questions follow
chapter 1 in order, from routine to two that stretch (6 and 8).""",
    given='x = sp.Symbol("x", real=True)   # for the formula questions',
    questions=QUESTIONS)
