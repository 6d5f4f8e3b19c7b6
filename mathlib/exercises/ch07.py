"""Problem set 7: Hessians and quadratic approximation (chapter 7).

Every reference is computed from the problem when a check runs: sympy
Hessians, Taylor polynomials, limits and eigenvalues, or
``mathlib.numeric`` gradients and Hessians at the sample points.

Every question has per-student variants (``_variant``: each is built by
a function of its parameters ``p``; the default parameters, and the
module's constants, are the book's numbers). In question 5 the answer
itself changes with the variant (minimum, maximum or saddle).
"""

import functools
from fractions import Fraction

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, MatrixQuestion, NumberQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised

x, y, z = sp.symbols("x y z", real=True)
_h, _k = sp.symbols("h k", real=True)
SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
HALVES = [k / 2 for k in range(-4, 5)]          # -2, -1.5, ..., 2

# question 2: f(x) = x^T A x + b^T x with a matrix A that is not symmetric
A_Q2 = sp.Matrix([[1, 2, 0], [-1, 3, 4], [2, 0, -2]])
B_Q2 = sp.Matrix([1, -1, 2])

# question 8: a linear softmax classifier, N = 4 examples, d = 2 features,
# K = 3 classes
X_Q8 = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5], [2.0, 1.0]])
LABELS_Q8 = np.array([0, 2, 1, 2])
W0_Q8 = np.array([[0.5, -1.0], [0.0, 1.0], [-0.5, 0.5]])


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _halves(rng, shape):
    """A matrix (tuple of rows) of multiples of 1/2 in [-2, 2]."""
    return tuple(tuple(_pick(rng, HALVES) for _ in range(shape[1]))
                 for _ in range(shape[0]))


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


def _terms(pairs):
    """A polynomial's text from (coefficient, monomial) pairs, without
    zero terms or factors 1: [(1, "x^2"), (-3, "xy")] -> "x^2 - 3xy"."""
    out = ""
    for c, m in pairs:
        if c == 0:
            continue
        body = m if abs(c) == 1 and m else f"{num(abs(c))}{m}"
        out += (" - " if c < 0 else " + ") + body if out else \
            ("-" if c < 0 else "") + body
    return out


# ---------------------------------------------------------- question 1


def _f_q1(p):
    """f = b x^a y^m + trig(c y z)."""
    t = {"sin": sp.sin, "cos": sp.cos}[p["trig"]]
    return p["b"] * x**p["a"] * y**p["m"] + t(p["c"] * y * z)


def _hessian_q1(p=None):
    return symbolic.hessian(_f_q1(p or Q1_DEFAULT), [x, y, z])


def _hessian_q1_no_product_rule(p):
    """The Hessian with d/dz (c z trig'(c yz)) taken as c trig'(c yz)."""
    H = _hessian_q1(p)
    t = {"sin": sp.cos, "cos": lambda v: -sp.sin(v)}[p["trig"]]
    H[1, 2] = H[2, 1] = p["c"] * t(p["c"] * y * z)
    return H


def _hessian_q1_diagonal(p):
    H = _hessian_q1(p)
    return sp.diag(*[H[i, i] for i in range(3)])


def _q1_text(p):
    """(f in LaTeX, df/dy in text, the mixed partial's inner term)."""
    a, b, m, c, trig = p["a"], p["b"], p["m"], p["c"], p["trig"]
    ym = "y" if m == 1 else f"y^{m}"
    cyz = "yz" if c == 1 else f"{c}yz"
    f = f"{'' if b == 1 else b}x^{a} {ym} + \\{trig}({cyz})"
    lead = b * m
    xa = "x" + str(a).translate(SUP)
    dy = f"{'' if lead == 1 else lead}{xa}" + \
        ("" if m == 1 else "y" + ("" if m == 2 else
                                  str(m - 1).translate(SUP)))
    cz = "z" if c == 1 else f"{c}z"
    inner = f"{cz} cos({cyz})" if trig == "sin" else f"{cz} sin({cyz})"
    dy += f" + {inner}" if trig == "sin" else f" − {inner}"
    return f, dy, inner


def _q1(p):
    f, dy, inner = _q1_text(p)
    return MatrixQuestion(
        "ch07.q1", "H_sym", title="A Hessian, symbolically", points=1,
        shape=(3, 3), variables=["x", "y", "z"],
        prompt=fill(r"""Let $f(x, y, z) = [[f]]$, a scalar function
of the $3 \times 1$ column $(x, y, z)$. Give its Hessian $H(x, y, z)$, the
$3 \times 3$ matrix whose entry in row $i$ and column $j$ is
$\frac{\partial^2 f}{\partial x_i\, \partial x_j}$ with
$(x_1, x_2, x_3) = (x, y, z)$, as a SymPy `Matrix` of shape $3 \times 3$
in the symbols `x`, `y`, `z` defined above. (This $f$ has continuous
second partial derivatives, so $H$ is symmetric and the layout does not
matter.) Assign it to `H_sym`.""", f=f),
        template="H_sym = None  # your answer: a 3 x 3 sympy Matrix",
        reference=lambda: _hessian_q1(p),
        mistakes=[(lambda: _hessian_q1_no_product_rule(p), "the mixed "
                   f"partial ∂²f/∂y∂z is wrong: ∂f/∂y = {dy}, and "
                   f"differentiating {inner} by z needs the product "
                   "rule."),
                  (lambda: _hessian_q1_diagonal(p), "only the diagonal is "
                   "filled in: the mixed partial derivatives ∂²f/∂xᵢ∂xⱼ "
                   "(i ≠ j) belong off the diagonal, and two of them are "
                   "not zero.")])


Q1_DEFAULT = {"a": 2, "b": 1, "m": 1, "c": 1, "trig": "sin"}
Q1 = parameterised(
    _q1, default=Q1_DEFAULT,
    draw=lambda rng: {"a": int(rng.integers(2, 5)),
                      "b": int(rng.integers(1, 4)),
                      "m": int(rng.integers(1, 3)),
                      "c": int(rng.integers(1, 4)),
                      "trig": _pick(rng, ["sin", "cos"])})

# ---------------------------------------------------------- question 2


def _quadratic_hessian(expr_of):
    """The Hessian of expr_of(column of symbols), as a float array."""
    v = sp.Matrix(sp.symbols("x1:4", real=True))
    H = symbolic.hessian(expr_of(v), list(v))
    return np.array(H, dtype=float)


def _hessian_q2(A=A_Q2, b=B_Q2):
    return _quadratic_hessian(lambda v: (v.T * A * v)[0] + (b.T * v)[0])


def _twice(M):
    return 2 * np.array(M, dtype=float)


def _q2_named(A):
    return [_twice(A), _twice(A.T), np.array(A, dtype=float),
            _twice(A + A.T) / 4]


def _q2_valid(p):
    A, b = sp.Matrix(p["A"]), sp.Matrix(p["b"])
    if np.abs(np.array(A - A.T, dtype=float)).max() < 1:
        return False
    right = _hessian_q2(A, b)
    return _all_far([right, -right, 2 * right] + _q2_named(A))


def _q2(p):
    A, b = sp.Matrix(p["A"]), sp.Matrix(p["b"])
    rows = [" & ".join(str(v) for v in r) for r in p["A"]]
    code = ", ".join("[" + ", ".join(repr(float(v)) for v in r) + "]"
                     for r in p["A"])
    return ArrayQuestion(
        "ch07.q2", "H_quad", title="The Hessian of a quadratic", points=1,
        shape=(3, 3),
        prompt=fill(r"""Let
$A = \begin{bmatrix} [[r0]] \\ [[r1]] \\ [[r2]]
\end{bmatrix}$ (a $3 \times 3$ matrix that is *not* symmetric) and
$\mathbf{b} = ([[b]])^\top$ ($3 \times 1$), both defined below. For a
column $\mathbf{x} \in \mathbb{R}^3$ let

$$
f(\mathbf{x}) = \mathbf{x}^\top A \mathbf{x} + \mathbf{b}^\top \mathbf{x}
\qquad \text{(no factor } \tfrac{1}{2}\text{)}.
$$

Its Hessian $H$ is a $3 \times 3$ matrix, the same at every point
$\mathbf{x}$ (and, like every Hessian of a function with continuous
second partial derivatives, the same in either layout). Give it as a
numpy array of shape `(3, 3)` and assign it to `H_quad`.""",
                    r0=rows[0], r1=rows[1], r2=rows[2],
                    b=", ".join(str(v) for v in p["b"])),
        given=f"A = np.array([{code}])\nb = np.array(["
              f"{', '.join(repr(float(v)) for v in p['b'])}])",
        template="H_quad = None  # your answer: a numpy array of shape "
                 "(3, 3)",
        reference=lambda: _hessian_q2(A, b),
        mistakes=[(lambda: _twice(A), "2A is not symmetric, so it "
                   "cannot be a Hessian: xᵀAx cannot tell A from Aᵀ, and "
                   "only the symmetric part (A + Aᵀ)/2 counts."),
                  (lambda: _twice(A.T), "2Aᵀ is not symmetric, so it "
                   "cannot be a Hessian: xᵀAx cannot tell A from Aᵀ, and "
                   "only the symmetric part (A + Aᵀ)/2 counts."),
                  (lambda: np.array(A, dtype=float), "A is the Hessian "
                   "of ½xᵀAx only when A is symmetric; here there is no "
                   "½ and A is not symmetric."),
                  (lambda: _twice(A + A.T) / 4, "(A + Aᵀ)/2 is the "
                   "Hessian of ½xᵀAx; this f has no factor ½.")])


Q2 = parameterised(
    _q2, default={"A": ((1, 2, 0), (-1, 3, 4), (2, 0, -2)),
                  "b": (1, -1, 2)},
    draw=lambda rng: {"A": tuple(tuple(int(v) for v in
                                       rng.integers(-4, 5, 3))
                                 for _ in range(3)),
                      "b": tuple(int(v) for v in rng.integers(-3, 4, 3))},
    require=[(_q2_valid, "A clearly not symmetric, and the Hessian, its "
              "negative and double and the four named mistakes all "
              "differ")])

# ---------------------------------------------------------- question 3


def _origin_second_partials(g):
    """The four second partials at (0, 0) of g (a formula in x, y that
    is 0/0 at the origin, where g = 0), from limits of difference
    quotients, as the chapter computes them. Entry (i, j) is
    d/dx_i (dg/dx_j) at the origin, a float array of shape (2, 2)."""
    def value(a, b):
        if a == 0 and b == 0:
            return sp.S(0)
        return g.subs({x: a, y: b}, simultaneous=True)

    def partial(j, a, b):
        """dg/dx_j at (a, b) (b, a may be the symbol k)."""
        moved = (a + _h, b) if j == 0 else (a, b + _h)
        return sp.limit((value(*moved) - value(a, b)) / _h, _h, 0)

    H = np.zeros((2, 2))
    for j in range(2):
        at0 = partial(j, 0, 0)
        for i in range(2):
            # dg/dx_j along the x_i axis, then its slope at the origin
            along = partial(j, _k, 0) if i == 0 else partial(j, 0, _k)
            H[i, j] = float(sp.limit((along - at0) / _k, _k, 0))
    return H


@functools.lru_cache(maxsize=None)
def _origin_cached(which):
    """"peano" (the chapter's g), "q3" (the book's question) or a pair
    (a, c): g = xy(a x^2 - c y^2)/(x^2 + y^2)."""
    a, c = {"q3": (1, 2), "peano": (1, 1)}.get(which, which)
    return _origin_second_partials(x * y * (a * x**2 - c * y**2) /
                                   (x**2 + y**2))


def _origin_q3(ac=(1, 2)):
    return _origin_cached(tuple(ac)).copy()


def _origin_symmetrised(ac):
    H = _origin_q3(ac)
    return (H + H.T) / 2


def _origin_equal_mixed(ac, entry):
    H = _origin_q3(ac)
    H[0, 1] = H[1, 0] = H[entry]
    return H


def _q3(p):
    a, c = p["a"], p["c"]
    ac = (a, c)
    cubic = f"{'' if a == 1 else a}x^2 - {'' if c == 1 else c}y^2"
    text = f"{'' if a == 1 else a}x² − {'' if c == 1 else c}y²"
    return ArrayQuestion(
        "ch07.q3", "H_origin", title="When the mixed partials differ",
        points=1, shape=(2, 2),
        layout="entry (i, j) is ∂/∂xᵢ of ∂g/∂xⱼ: differentiate by xⱼ "
               "first; you have the two orders of differentiation swapped",
        prompt=fill(r"""A variant of the counterexample of section 2: let

$$
g(x, y) = \frac{xy([[cubic]])}{x^2 + y^2}, \qquad g(0, 0) = 0 .
$$

Like the chapter's $g$ it is continuous at the origin and smooth
elsewhere. Compute its four second partial derivatives at the origin from
the definitions (limits of difference quotients: first
$\frac{\partial g}{\partial x}(0, y)$ and $\frac{\partial g}{\partial
y}(x, 0)$, as in the chapter), and arrange them as the chapter arranges
the Hessian: a numpy array `H_origin` of shape `(2, 2)` whose entry in row
$i$ and column $j$ is $\frac{\partial^2 g}{\partial x_i\, \partial
x_j}(0, 0) = \frac{\partial}{\partial x_i}\Big(\frac{\partial g}{\partial
x_j}\Big)(0, 0)$, with $(x_1, x_2) = (x, y)$. So `H_origin[0, 1]` is
$\frac{\partial}{\partial x}\big(\frac{\partial g}{\partial y}\big)(0,
0)$: differentiate by $y$ first, then by $x$.""", cubic=cubic),
        template="H_origin = None  # your answer: a numpy array of shape "
                 "(2, 2)",
        reference=lambda: _origin_q3(ac),
        mistakes=[(lambda: _origin_symmetrised(ac), "that is the symmetric "
                   "matrix numeric.hessian reports: it combines values of "
                   "g symmetrically, so it returns the average of the two "
                   "mixed partials. Compute each one from its limit."),
                  (lambda: _origin_equal_mixed(ac, (0, 1)), "the two mixed "
                   "partials are taken to be equal, but Schwarz's theorem "
                   "does not apply here (they are not continuous at the "
                   "origin): compute each one from its own limit."),
                  (lambda: _origin_equal_mixed(ac, (1, 0)), "the two mixed "
                   "partials are taken to be equal, but Schwarz's theorem "
                   "does not apply here (they are not continuous at the "
                   "origin): compute each one from its own limit."),
                  (lambda: _origin_cached("peano"), "those are the values "
                   "for the chapter's g, with x² − y²; this g has "
                   f"{text}.")])


def _q3_valid(p):
    ac = (p["a"], p["c"])
    right = _origin_q3(ac)
    return _all_far([right, -right, 2 * right, right.T,
                     _origin_symmetrised(ac),
                     _origin_equal_mixed(ac, (0, 1)),
                     _origin_equal_mixed(ac, (1, 0)),
                     _origin_cached("peano")])


Q3 = parameterised(
    _q3, default={"a": 1, "c": 2},
    draw=lambda rng: {"a": int(rng.integers(1, 13)),
                      "c": int(rng.integers(1, 13))},
    require=[(lambda p: p["a"] != p["c"], "a ≠ c: otherwise minus the "
              "answer is its transpose (and a = c = 1 is the chapter's "
              "g)"),
             (_q3_valid, "the answer, its negative, double and transpose "
              "and the four named mistakes all differ")])

# ---------------------------------------------------------- question 4

F_Q4 = x**2 * sp.exp(y)
P_Q4 = (1, 0)


def _q4_f(p):
    return x**p["m"] * sp.exp(p["c"] * y)


def _taylor_q4(p=None):
    p = p or Q4_DEFAULT
    return symbolic.taylor(_q4_f(p), [x, y], [p["x0"], p["y0"]], order=2)


def _taylor_pieces(p):
    """f(p), the gradient and the Hessian at p, and the steps eps."""
    f, at = _q4_f(p), {x: p["x0"], y: p["y0"]}
    f0 = f.subs(at)
    g = symbolic.gradient(f, [x, y]).subs(at)
    H = symbolic.hessian(f, [x, y]).subs(at)
    eps = sp.Matrix([x - p["x0"], y - p["y0"]])
    return f0, g, H, eps


def _taylor_q4_linear(p):
    f0, g, H, eps = _taylor_pieces(p)
    return f0 + (g.T * eps)[0]


def _taylor_q4_no_half(p):
    f0, g, H, eps = _taylor_pieces(p)
    return _taylor_q4_linear(p) + (eps.T * H * eps)[0]


def _taylor_q4_cross_once(p):
    f0, g, H, eps = _taylor_pieces(p)
    once = H[0, 0] * eps[0]**2 + H[0, 1] * eps[0] * eps[1] + \
        H[1, 1] * eps[1]**2
    return _taylor_q4_linear(p) + once / 2


def _minus(v, s):
    """"x - 1", "y", "y + 2" in text (with the minus sign −)."""
    return s if v == 0 else f"{s} − {v}" if v > 0 else f"{s} + {-v}"


def _q4(p):
    m, c, x0, y0 = p["m"], p["c"], p["x0"], p["y0"]
    f = f"x^{m} e^{{{'' if c == 1 else '-' if c == -1 else c}y}}"
    eps = f"(x {'-' if x0 > 0 else '+'} {abs(x0)}, " + \
        ("y" if y0 == 0 else f"y {'-' if y0 > 0 else '+'} {abs(y0)}") + ")"
    steps = "ε₁" if y0 == 0 else "ε₁ and y for ε₂"
    return ExpressionQuestion(
        "ch07.q4", "T2", title="A second-order Taylor expansion", points=1,
        variables=["x", "y"],
        prompt=fill(r"""Let $f(x, y) = [[f]]$ and $\mathbf{x}_0 = ([[x0]], [[y0]])$.
Give its second-order Taylor expansion at $\mathbf{x}_0$,

$$
T_2(\mathbf{x}_0 + \boldsymbol{\epsilon}) = f(\mathbf{x}_0)
+ \nabla f(\mathbf{x}_0)^\top \boldsymbol{\epsilon}
+ \tfrac{1}{2}\, \boldsymbol{\epsilon}^\top H(\mathbf{x}_0)\,
\boldsymbol{\epsilon} ,
$$

where $\boldsymbol{\epsilon}$ and $\nabla f(\mathbf{x}_0)$ are
$2 \times 1$ and $H(\mathbf{x}_0)$ is $2 \times 2$, so every term is a
number. Write it as a formula in $x$ and $y$, the coordinates of the point
$\mathbf{x}_0 + \boldsymbol{\epsilon} = (x, y)$, so
$\boldsymbol{\epsilon} = [[eps]]$: a SymPy expression in the symbols
`x`, `y` defined above, or a string. Assign it to `T2`.""",
                    f=f, x0=x0, y0=y0, eps=eps),
        reference=lambda: _taylor_q4(p),
        mistakes=[(lambda: _taylor_q4_no_half(p), "the quadratic term is "
                   "doubled: the formula has ½εᵀHε, and forgetting the ½ "
                   "is the commonest slip with it."),
                  (lambda: _taylor_q4_cross_once(p), "the mixed term is "
                   "halved: εᵀHε = H₁₁ε₁² + 2H₁₂ε₁ε₂ + H₂₂ε₂², because "
                   "H₁₂ and H₂₁ both contribute, so ½εᵀHε contains "
                   "H₁₂ε₁ε₂."),
                  (lambda: _taylor_q4_linear(p), "that is the linear "
                   "approximation T₁; the second-order expansion adds "
                   "½εᵀHε."),
                  (lambda: symbolic.taylor(_q4_f(p), [x, y], [0, 0],
                                           order=2),
                   "that is the expansion at (0, 0); this one is at "
                   f"x₀ = ({x0}, {y0})."),
                  (lambda: _taylor_q4(p).subs({x: x + x0, y: y + y0},
                                               simultaneous=True),
                   "that is T₂ written in the steps ε₁, ε₂ with x "
                   f"standing for {steps}; write it in x and y, with "
                   f"ε₁ = {_minus(x0, 'x')} and ε₂ = {_minus(y0, 'y')}.")])


Q4_DEFAULT = {"m": 2, "c": 1, "x0": 1, "y0": 0}
Q4 = parameterised(
    _q4, default=Q4_DEFAULT,
    draw=lambda rng: {"m": int(rng.integers(2, 4)),
                      "c": _pick(rng, [-2, -1, 1, 2]),
                      "x0": _pick(rng, [-2, -1, 1, 2]),
                      "y0": _pick(rng, [-1, 0, 1])})

# ---------------------------------------------------------- question 5

F_Q5 = x**2 + 3 * x * y + y**2 + x**3


def _f_q5(p):
    return p["a"] * x**2 + p["b"] * x * y + p["c"] * y**2 + x**3


def _classify_letter(p=None):
    """The second derivative test at (0, 0), from the eigenvalues."""
    f = _f_q5(p or Q5_DEFAULT)
    at = {x: 0, y: 0}
    assert all(v == 0 for v in symbolic.gradient(f, [x, y]).subs(at))
    lam = list(symbolic.hessian(f, [x, y]).subs(at).eigenvals())
    if all(v > 0 for v in lam):
        return "A"
    if all(v < 0 for v in lam):
        return "B"
    if any(v > 0 for v in lam) and any(v < 0 for v in lam):
        return "C"
    return "D"


NOT_ENOUGH = ("but that is not enough: the test looks at the signs of the "
              "eigenvalues of H (for a 2 × 2 Hessian, at det H too).")


def _q5_hints(p):
    """A hint for every wrong letter, from the signs in H(0, 0)."""
    a, c, right = p["a"], p["c"], _classify_letter(p)
    hints = {"D": "the test says nothing only when H has a zero "
                  "eigenvalue and no eigenvalues of opposite signs; "
                  "compute det H(0, 0)."}
    if right != "A":
        hints["A"] = f"both diagonal entries of H(0, 0) are positive, " \
            f"{NOT_ENOUGH}" if a > 0 and c > 0 else "a minimum needs " \
            "every eigenvalue of H positive; a diagonal entry of H(0, 0) " \
            "is negative, so H is not positive definite."
    if right != "B":
        hints["B"] = f"both diagonal entries of H(0, 0) are negative, " \
            f"{NOT_ENOUGH}" if a < 0 and c < 0 else "a maximum needs " \
            "every eigenvalue of H negative; the diagonal entries of " \
            "H(0, 0) are positive, so H is not negative definite." \
            if a > 0 and c > 0 else "a maximum needs every eigenvalue " \
            "of H negative; a diagonal entry of H(0, 0) is positive, so " \
            "H is not negative definite."
    if right != "C":
        hints["C"] = "a saddle needs eigenvalues of opposite signs; " \
            "det H(0, 0) > 0, so both eigenvalues have the same sign."
    return hints


def _q5(p):
    return ChoiceQuestion(
        "ch07.q5", "classify", title="The second derivative test",
        points=1,
        options={"A": "a strict local minimum",
                 "B": "a strict local maximum", "C": "a saddle point",
                 "D": "the test says nothing"},
        prompt=fill(r"""The function $f(x, y) = [[f]]$ has a
critical point at the origin: $\nabla f(0, 0) = \mathbf{0}$ ($2 \times
1$). Use the second derivative test with its $2 \times 2$ Hessian
$H(0, 0)$. The origin is

* (A) a strict local minimum
* (B) a strict local maximum
* (C) a saddle point
* (D) the test says nothing

Assign the letter, as a string, to `classify`.""",
                    f=_terms([(p["a"], "x^2"), (p["b"], "xy"),
                              (p["c"], "y^2"), (1, "x^3")])),
        reference=lambda: _classify_letter(p),
        hints=_q5_hints(p))


Q5_DEFAULT = {"a": 1, "b": 3, "c": 1}
NONZERO3 = [-3, -2, -1, 1, 2, 3]
Q5 = parameterised(
    _q5, default=Q5_DEFAULT,
    draw=lambda rng: {"a": _pick(rng, NONZERO3),
                      "b": int(rng.integers(-4, 5)),
                      "c": _pick(rng, NONZERO3)},
    require=[(lambda p: 4 * p["a"] * p["c"] != p["b"]**2, "det H(0, 0) "
              "≠ 0, so the test decides (a minimum, maximum or saddle)")])

# ---------------------------------------------------------- question 6

F_Q6 = (1 - x)**2 + 10 * (y - x**2)**2


def _hessian_q6(p):
    a, k = p["a"], p["k"]
    f = (a - x)**2 + k * (y - x**2)**2
    return symbolic.hessian(f, [x, y]).subs({x: a, y: a**2})


def _eigenvalues_q6(p):
    return sorted(float(v) for v in _hessian_q6(p).eigenvals())


def _kappa(p):
    lam = _eigenvalues_q6(p)
    return lam[-1] / lam[0]


def _diagonal_ratio(p):
    H = _hessian_q6(p)
    return float(H[0, 0] / H[1, 1])


def _q6_valid(p):
    right = _kappa(p)
    return _all_far([right, -right, 2 * right, _diagonal_ratio(p),
                     1 / right, _eigenvalues_q6(p)[-1]])


def _q6(p):
    a, k = p["a"], p["k"]
    one = "(1 - x)^2" if a == 1 else f"({a} - x)^2" if a > 0 else \
        f"(x + {-a})^2"
    return NumberQuestion(
        "ch07.q6", "kappa", title="A condition number", points=1,
        prompt=fill(r"""A milder Rosenbrock valley than section 6's:
$f(x, y) = [[one]] + [[k]](y - x^2)^2$. Its minimum is at $([[a]], [[a2]])$.
Compute the condition number $\kappa = \lambda_{\max} / \lambda_{\min}$
of its $2 \times 2$ Hessian at the minimum, $H([[a]], [[a2]])$, and assign the
number to `kappa`.""", one=one, k=k, a=a, a2=a * a),
        reference=lambda: _kappa(p),
        mistakes=[(lambda: _diagonal_ratio(p), "that is the ratio of the "
                   f"diagonal entries of H({a}, {a * a}); the condition "
                   "number is the ratio of its eigenvalues."),
                  (lambda: 1 / _kappa(p), "that is λ_min / λ_max, which "
                   "is at most 1; κ = λ_max / λ_min ≥ 1."),
                  (lambda: _eigenvalues_q6(p)[-1], "that is λ_max alone; "
                   "κ divides it by λ_min.")])


Q6 = parameterised(
    _q6, default={"a": 1, "k": 10},
    draw=lambda rng: {"a": _pick(rng, [-2, -1, 1, 2]),
                      "k": int(rng.integers(2, 51))},
    require=[(_q6_valid, "κ, its negative and double and the three named "
              "mistakes all differ")])

# ---------------------------------------------------------- question 7
# f(w) = logsumexp(w) + (lam / 2) |w - c|^2: positive definite Hessian
# diag(s) - s s^T + lam I everywhere.

PROBES7 = [np.array([0.0, 0.0, 0.0]), np.array([0.7, -2.1, 1.3]),
           np.array([-1.5, 2.4, 0.2])]


def _newton_f(lam, c):
    c = np.array(c, dtype=float)

    def f(w):
        return np.log(np.sum(np.exp(w))) + lam / 2 * ((w - c) @ (w - c))
    return f


def _q7_functions(p):
    """The reference and the named mistakes of question 7."""
    lam = float(p["lam"])
    f = _newton_f(lam, p["c"])

    def newton(w):
        g, H = numeric.gradient(f, w), numeric.hessian(f, w)
        return w - np.linalg.solve(H, g)

    def diagonal_softmax(w):
        """Newton with diag(s) + lam I for the Hessian: the softmax
        Jacobian without its -s s^T term."""
        s = np.exp(w) / np.sum(np.exp(w))
        return w - numeric.gradient(f, w) / (s + lam)

    return newton, [lambda w: newton(w) - w, lambda w: 2 * w - newton(w),
                    lambda w: w - numeric.gradient(f, w), diagonal_softmax]


def _q7_valid(p):
    newton, named = _q7_functions(p)
    for w in PROBES7[1:]:
        right = newton(w)
        if not _all_far([right, -right, 2 * right] + [g(w) for g in named]):
            return False
    return True


def _half(lam):
    """lam / 2 as the factor of a LaTeX term: "\\tfrac{1}{2}\\, ", "",
    "2\\, "."""
    r = Fraction(lam).limit_denominator(8) / 2
    if r == 1:
        return ""
    if r.denominator == 1:
        return f"{r.numerator}\\, "
    return fr"\tfrac{{{r.numerator}}}{{{r.denominator}}}\, "


def _q7(p):
    lam, c = p["lam"], p["c"]
    newton, named = _q7_functions(p)
    half = _half(lam)
    shifted = any(c)
    norm = r"\|\mathbf{w} - \mathbf{c}\|^2" if shifted else \
        r"\|\mathbf{w}\|^2"
    towards = (r" towards $\mathbf{c} = (" + ", ".join(str(v) for v in c)
               + r")^\top$") if shifted else ""
    code_c = "c = np.array([" + ", ".join(repr(float(v)) for v in c) + \
        "])\n\n\n" if shifted else ""
    decay = f"{float(lam) / 2!r} * " + \
        ("((w - c) @ (w - c))" if shifted else "(w @ w)")
    diag = "diag(s) + I" if lam == 1 else f"diag(s) + {num(lam)}I"
    return FunctionQuestion(
        "ch07.q7", "newton_step", title="One step of Newton's method",
        arg_name="w",
        points=2, arg_shape=(3,), out_shape=(3,), box=(-3.0, 3.0),
        edge_points=[[0.0, 0.0, 0.0]],
        prompt=fill(r"""For a column $\mathbf{w} \in \mathbb{R}^3$ let

$$
f(\mathbf{w}) = \log \sum_{i=1}^{3} e^{w_i}
+ [[half]][[norm]]
$$

(log-sum-exp with weight decay[[towards]], defined below as `f_newton`). Its
gradient $\nabla f(\mathbf{w})$ is $3 \times 1$ and its Hessian
$H(\mathbf{w})$ is $3 \times 3$ and positive definite everywhere (why?).
Write `newton_step(w)`: it takes a numpy array `w` of shape `(3,)`, with
entries between $-3$ and $3$, and returns the next iterate of Newton's
method, $\mathbf{w} - H(\mathbf{w})^{-1} \nabla f(\mathbf{w})$, an array
of shape `(3,)` like `w`. Solve the linear system rather than invert $H$.
Use section 1's Hessian of log-sum-exp, or `numeric.gradient` and
`numeric.hessian` (after `from mathlib import numeric`).""",
                    half=half, norm=norm, towards=towards),
        given=f"{code_c}def f_newton(w):\n    return np.log(np.sum(np.exp(w)))"
              f" + {decay}",
        template="def newton_step(w):\n    # w has shape (3,); return the "
                 "next iterate, shape (3,)\n    return None  # your answer",
        reference=newton,
        mistakes=[(named[0], "that is the Newton step "
                   "ε = −H⁻¹∇f itself; the question asks for the next "
                   "iterate w + ε."),
                  (named[1], "the step goes the wrong way, to "
                   "w + H⁻¹∇f; Newton's iterate is w − H⁻¹∇f."),
                  (named[2], "that is a gradient step with η = 1; "
                   "Newton's method multiplies the gradient by H⁻¹."),
                  (named[3], f"the Hessian used is {diag}: the Jacobian "
                   "of the softmax is diag(s) − s sᵀ, not diag(s) "
                   "alone.")])


Q7 = parameterised(
    _q7, default={"lam": 1, "c": (0, 0, 0)},
    draw=lambda rng: {"lam": _pick(rng, [0.5, 1, 2, 3, 4]),
                      "c": tuple(int(v) for v in rng.integers(-1, 2, 3))},
    require=[(_q7_valid, "the next iterate, its negative and double and "
              "the four named mistakes all differ")])

PROMPT8 = r"""A linear classifier with a $3 \times 2$ weight matrix $W$
($K = 3$ classes, $d = 2$ features) gives example $\mathbf{x}_n$ (a
$2 \times 1$ column: row $n$ of the $4 \times 2$ array `X` below) the
scores $\mathbf{z}_n = W\mathbf{x}_n$ ($3 \times 1$); `labels[n]` is the
class $y_n$ of example $n$, counted from 0 as in Python. The loss is the
mean cross-entropy over the $N = 4$ examples (defined below as `loss`),

$$
L(W) = \frac{1}{N} \sum_{n=1}^{N} \Big( \log \sum_{k=1}^{3} e^{z_{nk}}
- z_{n y_n} \Big),
\qquad
\nabla_W L = \frac{1}{N} \sum_{n=1}^{N} (\mathbf{s}_n -
\mathbf{e}_{y_n})\, \mathbf{x}_n^\top ,
$$

where $z_{n y_n}$ is the score of the right class,
$\mathbf{s}_n = \operatorname{softmax}(\mathbf{z}_n)$ and
$\mathbf{e}_{y_n}$ is the one-hot $3 \times 1$ column of class $y_n$; the
gradient is $3 \times 2$, the shape of $W$. As in section 7, the
Hessian-vector product at $W_0$ (the array `W0` below) along a direction
$V$ of the shape of $W$ is the directional derivative of the gradient,

$$
H[V] = \frac{d}{dt}\, \nabla_W L(W_0 + tV) \Big|_{t = 0}
\qquad (3 \times 2):
$$

the $(3, 2, 3, 2)$ Hessian of section 1, reshaped to $6 \times 6$, times
$V$ flattened, reshaped back. Write `hvp(V)`: it takes a numpy array `V`
of shape `(3, 2)` and returns $H[V]$, an array of shape `(3, 2)`, without
forming the Hessian: either code the gradient as a function of $W$ and
differentiate $t \mapsto \nabla_W L(W_0 + tV)$ at $t = 0$ exactly, as
section 7 does (`numeric.jacobian`, after `from mathlib import
numeric`), or use section 1's Hessian of log-sum-exp and the chain
rule."""

# ---------------------------------------------------------- question 8

PROBES8 = [np.array([[0.3, -0.8], [0.5, 0.1], [-0.6, 0.9]]),
           np.array([[-0.4, 0.2], [0.7, -0.9], [0.1, 0.6]])]


def _classifier(p):
    return (np.array(p["X"], dtype=float), np.array(p["labels"]),
            np.array(p["W0"], dtype=float))


def _loss_q8(W, X=X_Q8, labels=LABELS_Q8):
    Z = X @ W.T                                      # N x K scores
    picked = Z[np.arange(len(labels)), labels]
    return np.mean(np.log(np.sum(np.exp(Z), axis=1)) - picked)


def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _q8_functions(p):
    """The reference H[V] and the named mistakes of question 8."""
    X, labels, W0 = _classifier(p)
    H = numeric.hessian(lambda W: _loss_q8(W, X, labels), W0)
    H = H.reshape(W0.size, W0.size)                  # (3, 2, 3, 2) -> 6 x 6

    def hvp(V):
        return (H @ V.ravel()).reshape(W0.shape)

    def grad(W):
        return numeric.gradient(lambda U: _loss_q8(U, X, labels), W)

    def diagonal_softmax(V):
        """(1/N) sum_n (s_n * (V x_n)) x_n^T: diag(s) for the softmax's
        Jacobian, without -s s^T."""
        S = _softmax_rows(X @ W0.T)                  # N x K
        U = X @ V.T                                  # row n: (V x_n)^T
        return (S * U).T @ X / len(labels)

    g0 = grad(W0)
    return hvp, [lambda V: len(labels) * hvp(V), diagonal_softmax,
                 lambda V: grad(W0 + V) - g0, lambda V: g0]


def _q8_valid(p):
    hvp, named = _q8_functions(p)
    for V in PROBES8:
        right = hvp(V)
        if not _all_far([right, -right, 2 * right] + [g(V) for g in named]):
            return False
    return True


def _q8_given(p):
    X, labels, W0 = _classifier(p)

    def rows(A):
        return ", ".join("[" + ", ".join(repr(float(v)) for v in r) + "]"
                         for r in A)
    xline = f"X = np.array([{rows(X)}])"
    xline += "   # N x d" if len(xline) <= 69 else "  # N x d"
    return (f"{xline}\nlabels = np.array([{', '.join(map(str, labels))}])\n"
            f"W0 = np.array([{rows(W0)}])   # K x d\n\n\n"
            "def loss(W):\n    Z = X @ W.T                              # "
            "N x K: row n is z_n^T\n    picked = Z[np.arange(len(labels)), "
            "labels]\n    return np.mean(np.log(np.sum(np.exp(Z), axis=1)) "
            "- picked)")


def _q8(p):
    hvp, named = _q8_functions(p)
    return FunctionQuestion(
        "ch07.q8", "hvp", title="A Hessian-vector product", points=2,
        arg_name="V",
        arg_shape=(3, 2), out_shape=(3, 2), box=(-1.0, 1.0),
        layout="H[V] has the shape of W, 3 x 2, like the gradient with "
               "respect to W",
        prompt=PROMPT8,
        given=_q8_given(p),
        template="def hvp(V):\n    # V has shape (3, 2); return H[V], "
                 "shape (3, 2)\n    return None  # your answer",
        reference=hvp,
        mistakes=[(named[0], "it is N = 4 times too large: the loss is a "
                   "mean over the examples, and its 1/N stays in the "
                   "gradient and in H[V]."),
                  (named[1], "the Jacobian of the softmax "
                   "is diag(s) − s sᵀ (section 1's Hessian of "
                   "log-sum-exp), not diag(s) alone: the term "
                   "−s(sᵀu), with u = V xₙ, is missing."),
                  (named[2], "that is ∇L(W₀ + V) − ∇L(W₀), a "
                   "difference of gradients with the step t = 1; H[V] is "
                   "the limit of [∇L(W₀ + tV) − ∇L(W₀)]/t as t → 0 "
                   "(take it exactly, or with a small t)."),
                  (named[3], "that is the gradient ∇L(W₀), the "
                   "same for every V; H[V] is its derivative along V.")])


Q8 = parameterised(
    _q8, default={"X": tuple(map(tuple, X_Q8.tolist())),
                  "labels": tuple(LABELS_Q8.tolist()),
                  "W0": tuple(map(tuple, W0_Q8.tolist()))},
    draw=lambda rng: {"X": _halves(rng, (4, 2)),
                      "labels": tuple(int(v) for v in
                                      rng.integers(0, 3, 4)),
                      "W0": _halves(rng, (3, 2))},
    require=[(lambda p: np.linalg.matrix_rank(np.array(p["X"])) == 2,
              "X of full column rank (every feature matters)"),
             (lambda p: len(set(p["labels"])) >= 2, "at least two "
              "classes among the labels"),
             (_q8_valid, "H[V], its negative and double and the four "
              "named mistakes all differ")])


# ---------------------------------------------------------- questions

QUESTIONS = [Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8]

CHAPTER = Chapter(
    "ch07", 7, "Hessians and quadratic approximation",
    intro="""The Hessian and its symmetry (and when that fails), the
second-order Taylor expansion, the second derivative test, the condition
number, Newton's method and Hessian-vector products: the questions follow
chapter 7 in order, from routine to one that stretches (8).""",
    given='x, y, z = sp.symbols("x y z", real=True)   # for questions 1, 4',
    questions=QUESTIONS)
