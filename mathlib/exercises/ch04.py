"""Problem set 4: Jacobians (chapter 4).

Every reference is computed from the problem when a check runs: sympy
Jacobians (``mathlib.symbolic``), or ``mathlib.numeric`` at the sample
points; the mistakes worth naming are computed the same way.

Questions 1, 2, 4 and 5 have per-student variants (``_variant``);
questions 3, 6 and 7 are about structure and have no numbers to vary.
"""

import functools

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, FunctionQuestion,
                         MatrixQuestion, NumberQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised

X = sp.symbols("x1 x2 x3", real=True)          # questions 1, 3, 4
Y = sp.symbols("y1 y2 y3", positive=True)      # question 3
z = sp.Symbol("z", real=True)                  # question 4
TARGET = np.array([1.0, -2.0, 0.5, 3.0])       # the y of question 5 (book)


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


# ---------------------------------------------------------- question 1


def _jac_g(point=(2, -1, 0)):
    return _jac_g_at(tuple(point)).copy()


@functools.lru_cache(maxsize=256)
def _jac_g_at(point):
    g = [X[0] * X[1]**2 + X[2], X[0] * sp.exp(X[1] * X[2])]
    J = symbolic.jacobian(g, X).subs(dict(zip(X, point)))
    return np.array(J, dtype=float)


def _q1(p):
    point = tuple(p["point"])
    return ArrayQuestion(
        "ch04.q1", "J_g", title="A Jacobian at a point", points=1,
        shape=(2, 3),
        layout="numerator layout has one row per output of g (2) and "
               "one column per input (3); the 3 x 2 transpose is the "
               "denominator layout",
        prompt=fill(r"""Let $\mathbf{g}: \mathbb{R}^3 \to \mathbb{R}^2$,

$$
\mathbf{g}(\mathbf{x}) = \begin{bmatrix} x_1 x_2^2 + x_3 \\
x_1 e^{x_2 x_3} \end{bmatrix},
\qquad \mathbf{x} = (x_1, x_2, x_3) .
$$

Compute its Jacobian $\frac{\partial \mathbf{g}}{\partial \mathbf{x}}$ in
numerator layout (one row per output, one column per input, so
$2 \times 3$) at the point $\mathbf{x} = ([[a]], [[b]], [[c]])$, and assign it to
`J_g` as a numpy array of shape `(2, 3)`: entry `[i, j]` is
$\partial g_{i+1} / \partial x_{j+1}$ (numpy counts from 0).""",
                    a=point[0], b=point[1], c=point[2]),
        template="J_g = None  # your answer: a numpy array of shape (2, 3)",
        reference=lambda: _jac_g(point),
        mistakes=[(lambda: _jac_g(point).T.reshape(2, 3), "these are the "
                   "numbers of the 3 x 2 denominator layout (one row per "
                   "input) reshaped to (2, 3), which scrambles them; "
                   "build the Jacobian row by row instead: row i is the "
                   "transposed gradient of output gᵢ.")])


def _q1_ok(p):
    J = _jac_g(tuple(p["point"]))
    scrambled = J.T.reshape(2, 3)
    return not np.allclose(scrambled, J) and \
        not np.allclose(scrambled, -J) and not np.allclose(scrambled,
                                                           2 * J)


Q1 = parameterised(
    _q1, default={"point": [2, -1, 0]},
    draw=lambda rng: {"point": [_pick(rng, [-3, -2, -1, 1, 2, 3]),
                                _pick(rng, [-2, -1, 1, 2]),
                                _pick(rng, [-1, 0, 1])]},
    require=[(_q1_ok, "the scrambled transpose differs from the answer, "
              "minus it and twice it")])

# ---------------------------------------------------------- question 2

ANGLES = {"6": sp.pi / 6, "4": sp.pi / 4, "3": sp.pi / 3}


@functools.lru_cache(maxsize=256)
def _polar(r0=2, k="6", e=("0.1", "-0.05")):
    """F, its Jacobian (2 x 2, numerator layout), the point a and the
    step eps of question 2."""
    r, th = sp.symbols("r theta", positive=True)
    F = sp.Matrix([r * sp.cos(th), r * sp.sin(th)])
    J = symbolic.jacobian(F, [r, th])
    a = {r: r0, th: ANGLES[k]}
    eps = sp.Matrix([sp.Rational(e[0]), sp.Rational(e[1])])
    return F, J, a, eps, (r, th)


@functools.lru_cache(maxsize=256)
def _estimate(*p):
    F, J, a, eps, _ = _polar(*p)
    return (F.subs(a) + J.subs(a) * eps)[1]


@functools.lru_cache(maxsize=256)
def _exact_value(*p):
    F, _, a, eps, (r, th) = _polar(*p)
    return F[1].subs({r: a[r] + eps[0], th: a[th] + eps[1]})


@functools.lru_cache(maxsize=256)
def _change_only(*p):
    _, J, a, eps, _ = _polar(*p)
    return (J.subs(a) * eps)[1]


@functools.lru_cache(maxsize=256)
def _transposed(*p):
    F, J, a, eps, _ = _polar(*p)
    return (F.subs(a) + J.T.subs(a) * eps)[1]


@functools.lru_cache(maxsize=256)
def _first_output(*p):
    F, J, a, eps, _ = _polar(*p)
    return (F.subs(a) + J.subs(a) * eps)[0]


@functools.lru_cache(maxsize=256)
def _without_r(*p):
    """The chain rule's factor r dropped from d(r sin theta)/d theta."""
    F, J, a, eps, (r, th) = _polar(*p)
    row = J[1, :].subs(r, 1)
    return (F[1] + (row * eps)[0]).subs(a)


def _q2_args(p):
    return p["r"], p["k"], tuple(p["eps"])


def _q2(p):
    args = _q2_args(p)
    r0, k, (e1, e2) = args
    F, _, a, _, _ = _polar(*args)
    Fa = F.subs(a)
    r1 = num(r0 + float(e1))
    step = f"- {num(-float(e2))}" if float(e2) < 0 else f"+ {e2}"
    th = f"π/{k} {step}"
    return NumberQuestion(
        "ch04.q2", "estimate", title="The best local linear map", points=1,
        prompt=fill(r"""Polar coordinates
$\mathbf{F}(r, \theta) = (r\cos\theta,\ r\sin\theta)$ map
$\mathbb{R}^2 \to \mathbb{R}^2$; their Jacobian
$\frac{\partial \mathbf{F}}{\partial (r, \theta)}$ is $2 \times 2$ in
numerator layout (section 3). At $\mathbf{a} = (r, \theta) =
([[r]], \pi/[[k]])$, with $\theta$ in radians, $\mathbf{F}(\mathbf{a}) =
([[F1]], [[F2]])$. Use the linear approximation

$$
\mathbf{F}(\mathbf{a} + \boldsymbol{\epsilon}) \approx
\mathbf{F}(\mathbf{a}) + \frac{\partial \mathbf{F}}{\partial (r, \theta)}
\boldsymbol{\epsilon},
\qquad \boldsymbol{\epsilon} = ([[e1]], [[e2]]) \quad (2 \times 1),
$$

to estimate the **second** output, $r\sin\theta$, at
$(r, \theta) = ([[r1]],\ \pi/[[k]] [[step]])$. Assign the estimate, a number
(not the exact value of $[[r1]] \sin(\pi/[[k]] [[step]])$), to `estimate`.""",
                    r=r0, k=k, F1=sp.latex(Fa[0]), F2=sp.latex(Fa[1]),
                    e1=e1, e2=e2, r1=r1, step=step),
        reference=lambda: _estimate(*args),
        mistakes=[
            (lambda: _exact_value(*args), f"that is the exact value "
             f"{r1} sin({th}); the question asks for the linear estimate "
             "F(a) + Jε."),
            (lambda: _change_only(*args), "that is the predicted change "
             "(Jε)₂ alone; the estimate adds it to the value at a, "
             f"F₂(a) = {_text(Fa[1])}."),
            (lambda: _transposed(*args), "that uses column 2 of the "
             "Jacobian, (Jᵀε)₂; the change of output 2 is row 2 of J (its "
             "transposed gradient) times ε."),
            (lambda: _without_r(*args), "the factor r is missing: "
             "∂(r sin θ)/∂θ = r cos θ, not cos θ."),
            (lambda: _first_output(*args), "that is the estimate of the "
             "first output, r cos θ; the question asks for the second, "
             "r sin θ.")])


def _text(v):
    """A number such as 1, √3 or 3√2/2 in plain text."""
    return str(sp.nsimplify(v)).replace("sqrt(", "√(").replace("*", "")


def _q2_ok(p):
    args = _q2_args(p)
    right = float(_estimate(*args))
    values = [right, -right, 2 * right] + [float(f(*args)) for f in (
        _exact_value, _change_only, _transposed, _without_r,
        _first_output)]
    return abs(right) > 0.05 and all(
        abs(u - v) > 1e-5 * max(1, abs(u)) for i, u in enumerate(values)
        for v in values[i + 1:])


Q2 = parameterised(
    _q2, default={"r": 2, "k": "6", "eps": ["0.1", "-0.05"]},
    draw=lambda rng: {"r": _pick(rng, [1, 2, 3, 4, 5]),
                      "k": _pick(rng, ["6", "4", "3"]),
                      "eps": [_pick(rng, ["0.1", "-0.1", "0.2", "0.05",
                                          "-0.05"]),
                              _pick(rng, ["-0.05", "0.05", "0.1", "-0.1",
                                          "0.02", "-0.02"])]},
    require=[(_q2_ok, "the estimate is not 0 and differs from each named "
              "mistake, its negative and twice it")])


# ---------------------------------------------------------- question 3


def _quotient():
    return [X[i]**2 / Y[i] for i in range(3)]


def _jac_u():
    return symbolic.jacobian(_quotient(), X)


def _one_route():
    return sp.diag(*[X[i] / Y[i] for i in range(3)])


# ---------------------------------------------------------- question 4


def _expansion(n=2, c=1, k=1):
    return k * sp.Matrix(X) * z**n + c * z * sp.ones(3, 1)


def _du_dz(n=2, c=1, k=1):
    return _du_dz_at(n, c, k).copy()


@functools.lru_cache(maxsize=256)
def _du_dz_at(n, c, k):
    return symbolic.jacobian(_expansion(n, c, k), [z])


def _du_dz_without_ones(n=2, c=1, k=1):
    return _du_dz_without_ones_at(n, c, k).copy()


@functools.lru_cache(maxsize=256)
def _du_dz_without_ones_at(n, c, k):
    return symbolic.jacobian(k * sp.Matrix(X) * z**n, [z])


def _q4(p):
    n, c, k = p["n"], p["c"], p["k"]
    cz = "z" if c == 1 else "-z" if c == -1 else f"{c}z"
    kz = f"z^{n}" if k == 1 else f"{k}z^{n}"
    term = "∂(x + z)/∂z = 1" if c == 1 else f"∂(x + {cz})/∂z = {c}" \
        if c > 0 else f"∂(x - {cz[1:]})/∂z = {c}"
    column = "a column of ones" if c == 1 else f"a column of {c}s"
    return MatrixQuestion(
        "ch04.q4", "du_dz", title="Scalar expansion", points=1,
        shape=(3, 1), variables=["x1", "x2", "x3", "z"],
        layout="the derivative of a vector by a scalar is a 3 x 1 column "
               "in numerator layout, one entry per output; the 1 x 3 row "
               "is the denominator layout",
        prompt=fill(r"""Fix $\mathbf{x} = (x_1, x_2, x_3) \in \mathbb{R}^3$
(a column) and let a scalar $z$ vary:

$$
\mathbf{u}(z) = [[kz]] \mathbf{x} [[pcz]] = [[kz]] \mathbf{x} [[pcz]]\mathbf{1},
$$

where, as in numpy, $+\,[[pz]]$ adds $[[cz]]$ to every entry ($\mathbf{1}$ is
the $3 \times 1$ column of ones). Give
$\frac{\partial \mathbf{u}}{\partial z}$ in numerator layout, a
$3 \times 1$ column, as a SymPy `Matrix` in the symbols `x1`, `x2`, `x3`,
`z` defined above. Assign it to `du_dz`.""", kz=kz, cz=cz,
                    pcz=f"+ {cz}" if c > 0 else f"- {cz[1:]}",
                    pz=cz if c > 0 else f"({cz})"),
        template="du_dz = None  # your answer: a 3 x 1 sympy Matrix",
        reference=lambda: _du_dz(n, c, k),
        mistakes=[(lambda: _du_dz_without_ones(n, c, k), "the derivative "
                   f"of the term {cz} added to every entry is missing: it "
                   f"contributes {term}, {column}.")])


Q4 = parameterised(
    _q4, default={"n": 2, "c": 1, "k": 1},
    draw=lambda rng: {"n": int(rng.integers(2, 6)),
                      "c": _pick(rng, [-3, -2, -1, 1, 2, 3, 4]),
                      "k": int(rng.integers(1, 6))})


# ---------------------------------------------------------- question 5


def _mse_row(target):
    def mse(v):
        return np.mean((v - target) ** 2)

    def row(v):
        """Numerator layout: the 1 x 4 row (numeric.jacobian of a scalar
        function gives the flat (4,); make it the row)."""
        return numeric.jacobian(mse, v).reshape(1, -1)
    return row


_dL_dx = _mse_row(TARGET)


def _q5(p):
    target = np.array(p["y"], dtype=float)
    dL_dx = _mse_row(target)
    shown = ", ".join(num(v) for v in target)
    code = ", ".join(repr(float(v)) for v in target)
    return FunctionQuestion(
        "ch04.q5", "dL_dx", title="A reduction: the mean squared error",
        points=2, arg_shape=(4,), out_shape=(1, 4), box=(-3.0, 3.0),
        layout="in numerator layout the derivative of the scalar L by x "
               "is the 1 x 4 row; the 4 x 1 column is the gradient, which "
               "is also the denominator layout",
        prompt=fill(r"""A prediction $\mathbf{x} \in \mathbb{R}^4$ is compared
with the target $\mathbf{y} = ([[y]])$ by the mean squared error

$$
L(\mathbf{x}) = \frac{1}{4}\sum_{i=1}^4 (x_i - y_i)^2 ,
$$

a reduction of $\mathbb{R}^4$ to a number (defined below as `L`). Write
`dL_dx(x)`: it takes a numpy array `x` of shape `(4,)`, with entries
between $-3$ and $3$, and returns the numerator-layout derivative
$\frac{\partial L}{\partial \mathbf{x}}$, a $1 \times 4$ row: an array
of shape `(1, 4)`.""", y=shown),
        given=f"y = np.array([{code}])\n\n\ndef L(x):\n"
              "    return np.mean((x - y) ** 2)",
        template="def dL_dx(x):\n    # x has shape (4,); return the row "
                 "dL/dx, shape (1, 4)\n    return None  # your answer",
        reference=dL_dx,
        mistakes=[(lambda v: 4 * dL_dx(v), "that is the derivative of "
                   "the sum of squares; the mean also divides by n = 4, "
                   "so every entry has a factor 1/4."),
                  (lambda v: dL_dx(v) / 2, "the factor 2 from the square "
                   "is missing: ∂(xᵢ - yᵢ)²/∂xᵢ = 2(xᵢ - yᵢ).")])


_HALVES = [-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0,
           2.5, 3.0]
Q5 = parameterised(
    _q5, default={"y": [1.0, -2.0, 0.5, 3.0]},
    draw=lambda rng: {"y": [_pick(rng, _HALVES) for _ in range(4)]})


# ---------------------------------------------------------- question 6


_W = sp.Matrix(2, 3, sp.symbols("w11:14 w21:24", real=True))
_V = sp.Matrix(sp.symbols("v1:4", real=True))      # w in option C
_XV = sp.Matrix(X)
_YV = sp.Matrix(Y)


def _printed():
    """Each option: (the function, the variables, what the paper prints),
    with n = 3 and m = 2."""
    return {
        "A": (_XV.multiply_elementwise(_YV), list(_XV), sp.diag(*_YV)),
        "B": (_W * _XV, list(_XV), _W.T),
        "C": ([(_V.T * _XV)[0]], list(_V), _XV),
        "D": (z * _XV, [z], _XV),
    }


def _denominator_letter():
    """The option that only a denominator-layout paper prints: it is the
    transpose of the numerator-layout Jacobian, differs from it, and is
    not the derivative of a scalar (mixed-layout papers print that in the
    shape of the variable, the transpose, too)."""
    found = []
    for letter, (f, variables, shown) in _printed().items():
        J = symbolic.jacobian(f, variables)
        if J.shape[0] > 1 and shown.shape == J.T.shape and \
                shown == J.T and not (shown.shape == J.shape and shown == J):
            found.append(letter)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------- question 7


def _normalise(v):
    return v / np.sum(v)


def _jac_p(v):
    return numeric.jacobian(_normalise, v)


def _diagonal_only(v):
    return np.diag(np.diag(_jac_p(v)))


def _sum_held_fixed(v):
    return np.eye(v.size) / np.sum(v)


def _wrong_quotient_sign(v):
    return 2 * _sum_held_fixed(v) - _jac_p(v)


def _softmax_formula(v):
    """diag(p) - p p^T: the Jacobian of softmax, evaluated at p(x)."""
    p = _normalise(v)
    return np.diag(p) - np.outer(p, p)


QUESTIONS = [
    Q1, Q2,
    MatrixQuestion(
        "ch04.q3", "J_u", title="An element-wise operation", points=1,
        shape=(3, 3), variables=["x1", "x2", "x3", "y1", "y2", "y3"],
        domain={**{f"x{i}": (-3.0, 3.0) for i in (1, 2, 3)},
                **{f"y{i}": (0.5, 3.0) for i in (1, 2, 3)}},
        prompt=r"""For $\mathbf{x}, \mathbf{y} \in \mathbb{R}^3$ (columns,
$\mathbf{y}$ with positive entries), let

$$
\mathbf{u} = (\mathbf{x} \odot \mathbf{x}) \oslash \mathbf{y},
\qquad u_i = \frac{x_i^2}{y_i} .
$$

Give the Jacobian $\frac{\partial \mathbf{u}}{\partial \mathbf{x}}$
(numerator layout, $3 \times 3$) as a SymPy `Matrix` in the symbols `x1`,
`x2`, `x3`, `y1`, `y2`, `y3` defined above. (`sp.diag(a, b, c)` builds
the $3 \times 3$ diagonal matrix with diagonal $a, b, c$.) Assign it to
`J_u`.""",
        template="J_u = None  # your answer: a 3 x 3 sympy Matrix",
        reference=_jac_u,
        mistakes=[
            (_one_route, "that counts only one of the two routes: x "
             "appears in both operands of x ⊙ x, and the contributions of "
             "the two routes add up (exercise 3 of the chapter)."),
            (lambda: symbolic.jacobian(_quotient(), Y), "that is the "
             "Jacobian with respect to y; the question asks for the one "
             "with respect to x.")]),
    Q4, Q5,
    ChoiceQuestion(
        "ch04.q6", "layout", title="Which layout does the paper use?",
        points=1,
        options={"A": r"$\frac{\partial (\mathbf{x} \odot \mathbf{y})}"
                      r"{\partial \mathbf{x}} = "
                      r"\operatorname{diag}(\mathbf{y})$",
                 "B": r"$\frac{\partial (W\mathbf{x})}{\partial "
                      r"\mathbf{x}} = W^\top$",
                 "C": r"$\frac{\partial (\mathbf{w} \cdot \mathbf{x})}"
                      r"{\partial \mathbf{w}} = \mathbf{x}$",
                 "D": r"$\frac{\partial (z\mathbf{x})}{\partial z} = "
                      r"\mathbf{x}$"},
        prompt=r"""A paper writes every vector as a column:
$\mathbf{x}, \mathbf{y}, \mathbf{w} \in \mathbb{R}^n$ are $n \times 1$,
$z$ is a scalar and $W$ is $m \times n$. Which one of these printed
derivatives, on its own, shows that the paper uses **denominator**
layout? (Remember the *mixed* layout of many machine learning papers:
numerator-layout Jacobians for vector functions, and the derivative of a
scalar in the shape of the variable.)

* (A) $\frac{\partial (\mathbf{x} \odot \mathbf{y})}{\partial \mathbf{x}}
  = \operatorname{diag}(\mathbf{y})$, an $n \times n$ matrix
* (B) $\frac{\partial (W\mathbf{x})}{\partial \mathbf{x}} = W^\top$, an
  $n \times m$ matrix
* (C) $\frac{\partial (\mathbf{w} \cdot \mathbf{x})}{\partial \mathbf{w}}
  = \mathbf{x}$, an $n \times 1$ column
* (D) $\frac{\partial (z\mathbf{x})}{\partial z} = \mathbf{x}$, an
  $n \times 1$ column

Assign the letter, as a string, to `layout`.""",
        reference=_denominator_letter,
        hints={"A": "diag(y) is diagonal, so it equals its transpose: "
                    "both layouts print it, and it cannot tell them "
                    "apart.",
               "C": "the column x is the gradient of w·x: a "
                    "denominator-layout paper prints it, but so does a "
                    "mixed-layout paper (numerator-layout Jacobians, "
                    "derivatives of a scalar in the shape of the "
                    "variable), as this book does with ∇. On its own it "
                    "cannot tell the two apart.",
               "D": "z x is a vector and z a scalar: n outputs, one "
                    "input, so the numerator layout is the n × 1 column "
                    "x. This is what a numerator-layout paper prints."}),
    FunctionQuestion(
        "ch04.q7", "jac_p", title="Normalising to sum one", points=3,
        arg_shape=(4,), out_shape=(4, 4), box=(0.5, 3.0),
        layout="row i of the Jacobian is the transposed gradient of the "
               "output pᵢ, column j the response of all outputs to xⱼ",
        prompt=r"""Dividing a vector with positive entries by its sum
turns it into weights that add up to one (softmax does this after
exponentiating):

$$
\mathbf{p}(\mathbf{x}) = \frac{\mathbf{x}}{s}, \qquad
s = \sum_{k=1}^4 x_k, \qquad p_i = \frac{x_i}{s},
$$

for $\mathbf{x} \in \mathbb{R}^4$ (defined below as `p`). Write
`jac_p(x)`: it takes a numpy array `x` of shape `(4,)`, with entries
between $0.5$ and $3$, and returns the Jacobian
$\frac{\partial \mathbf{p}}{\partial \mathbf{x}}$ in numerator layout,
an array of shape `(4, 4)` whose entry `[i, j]` is
$\partial p_i / \partial x_j$ (numpy counts from 0). Work entry by entry,
as in exercise 6 of the chapter: does the element-wise diagonal condition
hold?""",
        given="def p(x):\n    return x / np.sum(x)",
        template="def jac_p(x):\n    # x has shape (4,); return an array "
                 "of shape (4, 4)\n    return None  # your answer",
        reference=_jac_p,
        mistakes=[
            (_diagonal_only, "only the diagonal is right: the element-wise "
             "diagonal condition fails, because every pᵢ depends on "
             "every xⱼ through the sum s, so the entries off the "
             "diagonal, -xᵢ/s², are not zero."),
            (_sum_held_fixed, "that treats the sum s as a constant; s "
             "depends on every xⱼ (∂s/∂xⱼ = 1), which adds -xᵢ/s² to "
             "every entry."),
            (_wrong_quotient_sign, "the term that comes from the sum has "
             "the wrong sign: ∂(1/s)/∂xⱼ = -1/s², so it is -xᵢ/s²."),
            (_softmax_formula, "that is the formula diag(p) - ppᵀ of the "
             "softmax Jacobian, whose outputs are normalised "
             "exponentials; here pᵢ = xᵢ/s has no exponential: "
             "differentiate xᵢ/s by xⱼ with the quotient rule.")]),
]

CHAPTER = Chapter(
    "ch04", 4, "Jacobians",
    intro="""The Jacobian and its shape, the best local linear map,
element-wise operations, scalar expansion, reductions and the two
layouts: the questions follow chapter 4 in order, from routine to one
that stretches (7). Every Jacobian is in numerator layout, the book's
default (one row per output, one column per input), unless a question
says otherwise.""",
    given='x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)   # questions 3, 4\n'
          'y1, y2, y3 = sp.symbols("y1 y2 y3", positive=True)  # question 3\n'
          'z = sp.Symbol("z", real=True)                     # question 4',
    questions=QUESTIONS)
