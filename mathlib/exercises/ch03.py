"""Problem set 3: Directional derivatives and steepest ascent (chapter 3).

Every reference is computed from the problem when a check runs: sympy
gradients and eigenvalues, or ``mathlib.numeric`` at the sample points.

Every question has per-student variants (``_variant``); question 6 uses
the matrix A of question 5's variant for the same student.
"""

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, NumberQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised

x, y, z = sp.symbols("x y z", real=True)
A = sp.Matrix([[4, 1], [1, 3]])           # questions 5 and 6 (default)
B = sp.Matrix([1, -1])
ETA = sp.Rational(1, 10)
TRIPLES = [(3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25)]


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _coef(c):
    return "" if c == 1 else "-" if c == -1 else num(c)


def _unit(rng):
    """A unit vector with rational entries: [[n1, n2], d]."""
    p, q, h = _pick(rng, TRIPLES)
    if rng.integers(2):
        p, q = q, p
    return [[int(p * _pick(rng, [1, -1])), int(q * _pick(rng, [1, -1]))],
            h]


def _vec(v):
    return sp.Matrix([sp.Rational(n, v[1]) for n in v[0]])


def _frac(n, d):
    return f"-\\frac{{{-n}}}{{{d}}}" if n < 0 else f"\\frac{{{n}}}{{{d}}}"


def _vec_tex(v):
    return r"\left(" + ", ".join(_frac(n, v[1]) for n in v[0]) + \
        r"\right)"


# ---------------------------------------------------------- question 1


def _f1():
    return x**2 * y - y**3


def _rate(a=2, b=1, v=((3, -4), 5)):
    g = symbolic.gradient(_f1(), [x, y]).subs({x: a, y: b})
    return (g.T * _vec(v))[0]


def _grad_norm(a, b):
    g = symbolic.gradient(_f1(), [x, y]).subs({x: a, y: b})
    return float(sp.sqrt((g.T * g)[0]))


def _q1(p):
    a, b, v = p["a"], p["b"], p["v"]
    return NumberQuestion(
        "ch03.q1", "rate", title="A directional derivative", points=1,
        prompt=fill(r"""Compute the directional derivative
$D_{\mathbf{v}} f([[a]], [[b]])$ of $f(x, y) = x^2 y - y^3$ along the unit vector
$\mathbf{v} = [[v]]$, and assign it to
`rate`.""", a=a, b=b, v=_vec_tex(v)),
        reference=lambda: _rate(a, b, v),
        mistakes=[(lambda: _grad_norm(a, b), "that is ‖∇f‖, the "
                   "largest rate, along the gradient; the question asks "
                   "for the rate along v.")])


def _q1_ok(p):
    r, n = float(_rate(p["a"], p["b"], p["v"])), _grad_norm(p["a"], p["b"])
    return abs(r) > 0.1 and abs(abs(r) - n) > 0.1 and abs(2 * r - n) > .1


Q1 = parameterised(
    _q1, default={"a": 2, "b": 1, "v": [[3, -4], 5]},
    draw=lambda rng: {"a": _pick(rng, [-3, -2, -1, 1, 2, 3]),
                      "b": _pick(rng, [-2, -1, 1, 2, 3]), "v": _unit(rng)},
    require=[(_q1_ok, "the rate is not 0, not ±‖∇f‖ (v not along the "
              "gradient) and not ‖∇f‖/2 (the factor 2 is told apart)")])

# ---------------------------------------------------------- question 2


def _ascent_gradient(a=1, b=2, c=3):
    g = symbolic.gradient(x * y + y * z + z * x, [x, y, z])
    return np.array([float(v) for v in g.subs({x: a, y: b, z: c})])


def _ascent(a=1, b=2, c=3):
    g = _ascent_gradient(a, b, c)
    return g / np.linalg.norm(g)


def _q2(p):
    a, b, c = p["point"]
    return ArrayQuestion(
        "ch03.q2", "ascent", title="Steepest ascent", points=1, shape=(3,),
        prompt=fill(r"""Give the unit vector along which
$f(x, y, z) = xy + yz + zx$ increases fastest at the point $([[a]], [[b]], [[c]])$,
as a numpy array of shape `(3,)`. Assign it to `ascent`.""",
                    a=a, b=b, c=c),
        reference=lambda: _ascent(a, b, c),
        mistakes=[(lambda: _ascent_gradient(a, b, c), "that is the "
                   "gradient itself; the direction of steepest ascent is "
                   "the unit vector ∇f/‖∇f‖."),
                  (lambda: -_ascent(a, b, c), "that is the direction of "
                   "steepest descent.")])


def _q2_ok(p):
    n = np.linalg.norm(_ascent_gradient(*p["point"]))
    return abs(n - 1) > 0.1 and abs(n - 2) > 0.1


Q2 = parameterised(
    _q2, default={"point": [1, 2, 3]},
    draw=lambda rng: {"point": [_pick(rng, [-3, -2, -1, 1, 2, 3, 4])
                                for _ in range(3)]},
    require=[(_q2_ok, "‖∇f‖ is not 0, 1 or 2 (the gradient itself, or "
              "twice the answer, is told apart from the answer)")])

# ---------------------------------------------------------- question 3


def _directional_formula(c=(1, 1, 2), v=((3, 4), 5)):
    f = c[0] * x**2 + c[1] * x * y + c[2] * y**2
    g = symbolic.gradient(f, [x, y])
    return sp.expand((g.T * _vec(v))[0])


def _q3(p):
    c, v = p["c"], p["v"]
    f = f"{_coef(c[0])}x^2 + {_coef(c[1])}xy + {_coef(c[2])}y^2"
    return ExpressionQuestion(
        "ch03.q3", "Dv", title="A directional derivative as a formula",
        points=1, variables=["x", "y"],
        prompt=fill(r"""For $f(x, y) = [[f]]$ and the unit vector
$\mathbf{v} = [[v]]$, give
$D_{\mathbf{v}} f(x, y)$ at a general point $(x, y)$ as a formula in $x$
and $y$ (a SymPy expression in the symbols `x`, `y` defined above, or a
string). Assign it to `Dv`.""", f=f.replace("+ -", "- "),
                    v=_vec_tex(v)),
        reference=lambda: _directional_formula(c, v))


Q3 = parameterised(
    _q3, default={"c": [1, 1, 2], "v": [[3, 4], 5]},
    draw=lambda rng: {"c": [int(rng.integers(1, 5)),
                            _pick(rng, [-3, -2, -1, 1, 2, 3]),
                            int(rng.integers(1, 5))], "v": _unit(rng)})

# ---------------------------------------------------------- question 4


def _level_gradient(k=4, a=2, b=1):
    g = symbolic.gradient(x**2 + k * y**2, [x, y]).subs({x: a, y: b})
    return np.array([float(v) for v in g])


def _tangent_check(k, a, b):
    def accept(G):
        """Either unit tangent is right: check length and direction."""
        g = _level_gradient(k, a, b)
        length = float(np.linalg.norm(G))
        if length < 1e-12:
            return "incorrect", "scale", "it is the zero vector."
        cosine = float(G @ g) / (length * np.linalg.norm(g))
        if abs(cosine) > 1e-6:
            if abs(abs(cosine) - 1) < 1e-9:
                return ("incorrect", "mistake", "it points along the "
                        "gradient, which is perpendicular to the level "
                        "set, not tangent to it.")
            angle = np.degrees(np.arccos(min(1.0, abs(cosine))))
            return ("incorrect", "pointwise", "it is not tangent to the "
                    f"level set: it makes an angle of {angle:.3g} degrees "
                    "with the gradient, which must be 90.")
        if abs(length - 1) > 1e-6:
            return ("incorrect", "scale", f"it has the right direction "
                    f"but length {length:.6g}; a direction here is a unit"
                    " vector (divide it by its length).")
        return ("correct", "ok", "Correct (either of the two unit "
                "tangents is).")
    return accept


_tangent = _tangent_check(4, 2, 1)


def _q4(p):
    k, a, b = p["k"], p["a"], p["b"]
    g = _level_gradient(k, a, b)
    return ArrayQuestion(
        "ch03.q4", "tangent", title="A tangent to a level set", points=1,
        shape=(2,), accept=_tangent_check(k, a, b),
        prompt=fill(r"""The point $([[a]], [[b]])$ lies on the level set
$x^2 + [[k]]y^2 = [[c]]$. Give a unit vector tangent to this level set at
$([[a]], [[b]])$, as a numpy array of shape `(2,)`. (There are two; either is
right.) Assign it to `tangent`.""", a=a, b=b, k=_coef(k),
                    c=a * a + k * b * b),
        reference=lambda: np.array([g[1], -g[0]]) /
        np.linalg.norm(g))


Q4 = parameterised(
    _q4, default={"k": 4, "a": 2, "b": 1},
    draw=lambda rng: {"k": _pick(rng, [2, 3, 4, 5, 6, 9]),
                      "a": _pick(rng, [-3, -2, -1, 1, 2, 3]),
                      "b": _pick(rng, [-2, -1, 1, 2])})

# ---------------------------------------------------------- question 5


def _matrix(entries):
    (p, r), (_, q) = entries
    return sp.Matrix([[p, r], [r, q]])


def _eta_max(M=A):
    return 2 / max(M.eigenvals())


def _q5(p):
    M = _matrix(p["A"])
    big = max(M)
    tex = r"\begin{bmatrix} " + r" \\ ".join(
        " & ".join(str(v) for v in M.row(i)) for i in range(2)) + \
        r" \end{bmatrix}"
    code = "[" + ", ".join("[" + ", ".join(f"{float(v)!r}" for v in
                                         M.row(i)) + "]"
                           for i in range(2)) + "]"
    return NumberQuestion(
        "ch03.q5", "eta_max", title="The largest step size", points=1,
        prompt=fill(r"""Gradient descent
$\mathbf{x}_{k+1} = \mathbf{x}_k - \eta \nabla f(\mathbf{x}_k)$ on
$f(\mathbf{x}) = \frac{1}{2}\mathbf{x}^\top A \mathbf{x}$ with
$A = [[A]]$ converges from every
starting point exactly when $0 < \eta < \eta_{\max}$. Find
$\eta_{\max}$ and assign it to `eta_max`.""", A=tex),
        given=f"A = np.array({code})",
        reference=lambda: _eta_max(M),
        mistakes=[(lambda: 2 / float(big), f"that is 2/{big}, from the "
                   "largest entry of A; what counts is the largest "
                   "eigenvalue."),
                  (lambda: 2 / min(M.eigenvals()), "that uses the "
                   "smallest eigenvalue; the largest one is the binding "
                   "constraint.")])


def _spread(entries):
    ev = sorted(np.linalg.eigvalsh(np.array(_matrix(entries),
                                            dtype=float)))
    return abs(ev[1] - ev[0]) > 1e-3 and abs(ev[1] - 2 * ev[0]) > 1e-3


Q5 = parameterised(
    _q5, default={"A": [[4, 1], [1, 3]]},
    draw=lambda rng: (lambda p, q, r: {"A": [[p, r], [r, q]]})(
        int(rng.integers(2, 8)), int(rng.integers(2, 8)),
        _pick(rng, [-2, -1, 1, 2])),
    require=[(lambda p: _matrix(p["A"]).det() > 0 and p["A"][0][1] != 0,
              "A is positive definite (invertible) and not diagonal (the "
              "largest entry is not the largest eigenvalue)"),
             (lambda p: _spread(p["A"]),
              "two eigenvalues, not in the ratio 2 (the mistake of the "
              "smallest is told apart from the answer and from twice "
              "it)")])

# ---------------------------------------------------------- question 6


def _gd(M, b, eta):
    An, bn = np.array(M, dtype=float), np.array(b, dtype=float)

    def quadratic(v):
        return v @ An @ v / 2 - bn @ v

    def step(v):
        return v - eta * numeric.gradient(quadratic, v)
    return An, step


def _q6(p):
    M, b, eta = _matrix(p["A"]), p["b"], float(p["eta"])
    An, step = _gd(M, b, eta)
    bcode = ", ".join(repr(float(v)) for v in b)
    return FunctionQuestion(
        "ch03.q6", "gd_step", title="One step of gradient descent",
        points=2, arg_shape=(2,), out_shape=(2,), box=(-3.0, 3.0),
        prompt=fill(r"""Let $f(\mathbf{x}) = \frac{1}{2}\mathbf{x}^\top
A\mathbf{x} - \mathbf{b}^\top\mathbf{x}$ with $A$ as in question 5 and
$\mathbf{b} = ([[b]])^\top$. Write `gd_step(x)`: it takes `x` of shape
`(2,)` and returns the next iterate of gradient descent with step size
$\eta = [[eta]]$, $\mathbf{x} - \eta \nabla f(\mathbf{x})$, of shape
`(2,)`.""", b=", ".join(num(v) for v in b), eta=p["eta"]),
        given=f"b = np.array([{bcode}])\neta = {p['eta']}",
        template="def gd_step(x):\n    # x has shape (2,); return the next"
                 " iterate, shape (2,)\n    return None  # your answer",
        reference=step,
        mistakes=[(lambda v: 2 * v - step(v), "this step goes uphill: "
                   "gradient descent subtracts η∇f."),
                  (lambda v: v - eta * An @ v,
                   "the gradient of -bᵀx, which is "
                   "-b, is missing.")])


Q6 = parameterised(
    _q6, default={"A": [[4, 1], [1, 3]], "b": [1, -1], "eta": "0.1"},
    draw=lambda rng: {"b": [_pick(rng, [-3, -2, -1, 1, 2, 3])
                            for _ in range(2)],
                      "eta": _pick(rng, ["0.05", "0.1", "0.2"])},
    share=lambda s: {"A": Q5.variant(s).values["A"]})

# ---------------------------------------------------------- question 7


def _critical_letter(s4=1, s2=-2):
    f = sp.Symbol("t", real=True)
    q = s4 * f**4 + s2 * f**2
    if sp.diff(q, f).subs(f, 0) != 0:
        return "D"
    curvature = sp.diff(q, f, 2).subs(f, 0)
    return "A" if curvature > 0 else "B" if curvature < 0 else "C"


def _q7(p):
    s4, s2 = p["s4"], p["s2"]
    right = _critical_letter(s4, s2)
    cup = {"A": "compute f''(0): its sign says cup or cap.",
           "B": "compute f''(0): its sign says cup or cap.",
           "C": "f''(0) ≠ 0, so the second-derivative test decides.",
           "D": "f'(0) = 0, so it is a critical point."}
    f = f"{_coef(s4)}x^4 {'-' if s2 < 0 else '+'} {_coef(abs(s2))}x^2"
    return ChoiceQuestion(
        "ch03.q7", "critical", title="Sorting a critical point", points=1,
        options={"A": "a local minimum", "B": "a local maximum",
                 "C": "neither", "D": "not a critical point"},
        prompt=fill(r"""The function $f(x) = [[f]]$ has a critical point
at $x = 0$. What is it?

* (A) a local minimum
* (B) a local maximum
* (C) neither a minimum nor a maximum
* (D) it is not a critical point

Assign the letter, as a string, to `critical`.""", f=f),
        reference=lambda: right,
        hints={k: h for k, h in cup.items() if k != right})


Q7 = parameterised(
    _q7, default={"s4": 1, "s2": -2},
    draw=lambda rng: {"s4": _pick(rng, [1, 2, 3, 4, 5, -1, -2, -3]),
                      "s2": _pick(rng, [-6, -5, -4, -3, -2, -1, 1, 2, 3,
                                        4, 5, 6])})

# ---------------------------------------------------------- question 8


def _max_rate(c=1, d=0, k=1):
    g = symbolic.gradient(c * (x + d) * sp.exp(k * y), [x, y])
    return sp.sqrt((g.T * g)[0])


def _q8(p):
    c, d, k = p["c"], p["d"], p["k"]
    inner = "x" if d == 0 else f"(x {'+' if d > 0 else '-'} {abs(d)})"
    return ExpressionQuestion(
        "ch03.q8", "max_rate", title="The largest rate, everywhere",
        points=2, variables=["x", "y"],
        prompt=fill(r"""For $f(x, y) = [[c]][[inner]] e^{[[k]]y}$, give the largest rate of
increase at a general point $(x, y)$,
$\max_{\|\mathbf{v}\| = 1} D_{\mathbf{v}} f(x, y)$, as a formula in $x$
and $y$ (a SymPy expression or a string). Assign it to `max_rate`.""",
                    c=_coef(c), inner=inner, k=_coef(k)),
        reference=lambda: _max_rate(c, d, k),
        mistakes=[(lambda: _max_rate(c, d, k) ** 2, "that is "
                   "‖∇f‖²; the largest rate is the length "
                   "‖∇f‖ itself.")])


Q8 = parameterised(
    _q8, default={"c": 1, "d": 0, "k": 1},
    draw=lambda rng: {"c": int(rng.integers(1, 4)),
                      "d": _pick(rng, [-2, -1, 0, 1, 2]),
                      "k": _pick(rng, [-2, -1, 1, 2, 3])})


QUESTIONS = [Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8]

CHAPTER = Chapter(
    "ch03", 3, "Directional derivatives and steepest ascent",
    intro="""Directional derivatives, steepest ascent, level sets,
gradient descent and critical points: the questions follow chapter 3 in
order, from routine to two that stretch (6 and 8).""",
    given='x, y, z = sp.symbols("x y z", real=True)   # for questions 3, 8',
    questions=QUESTIONS)
