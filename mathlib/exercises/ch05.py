"""Problem set 5: The chain rules and backpropagation (chapter 5).

Every reference is computed from the problem when a check runs: sympy
derivatives and Jacobians, ``mathlib.numeric`` Jacobians, or the
chapter's own reverse-mode engine ``mathlib.autodiff`` at the sample
points; the counts of multiplications by multiplying out the shapes.

Questions 1-3 and 5-8 have per-student variants (``_variant``: each is
built by a function of its parameters ``p``; the default parameters are
the book's numbers). Question 4 is about the order of the factors in
either layout, the same for any sizes, and has no numbers to vary.
"""

import numpy as np
import sympy as sp

from mathlib import autodiff, numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, MatrixQuestion, NumberQuestion)
from ._registry import Chapter
from ._variant import fill, num, parameterised

x = sp.Symbol("x", real=True)                  # questions 1 and 2
x1, x2 = sp.symbols("x1 x2", real=True)        # question 3
u, u1, u2 = sp.symbols("u u1 u2", real=True)   # intermediate variables
SUP = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
TRIG = {"cos": sp.cos, "sin": sp.sin}


def _pick(rng, values):
    return values[int(rng.integers(len(values)))]


def _coef(c, term, sep=""):
    """c term, without a factor 1: "x^3", "2x^3"."""
    return term if c == 1 else f"{num(c)}{sep}{term}"


def _far(a, b, rtol=1e-3):
    """True if the arrays a and b differ clearly (more than the checks'
    tolerance), so that a check can tell them apart."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return not np.allclose(a, b, rtol=rtol, atol=rtol * (1 + np.abs(b).max()))


def _all_far(values):
    """Every pair of the values differs clearly."""
    return all(_far(a, b) for k, a in enumerate(values)
               for b in values[k + 1:])


# ------------------------------------------------ 1. intermediate variables


def _q1(p):
    a, n, trig = p["a"], p["n"], p["trig"]
    t, dt = TRIG[trig], {"cos": lambda v: -sp.sin(v), "sin": sp.cos}[trig]
    inner = a * x**n
    nested = sp.exp(t(inner))
    u1_tex = _coef(a, f"x^{n}")
    u1_txt = _coef(a, "x" + str(n).translate(SUP))
    d1 = _coef(a * n, "x" + ("" if n == 2 else str(n - 1).translate(SUP)))
    slope = {"cos": "−sin", "sin": "cos"}[trig]
    return ExpressionQuestion(
        "ch05.q1", "dy_dx", title="Intermediate variables", points=1,
        variables=["x"],
        prompt=fill(r"""Let $y = e^{\[[trig]]([[u1]])}$, a scalar function of the
scalar $x$. Name the nested steps $u_1 = [[u1]]$, $u_2 = \[[trig]] u_1$ and
$y = e^{u_2}$, differentiate each step with respect to its own input,
multiply, and substitute back. Give $\frac{dy}{dx}$ as a formula in $x$
(a SymPy expression in the symbol `x` defined above, or a string) and
assign it to `dy_dx`.""", trig=trig, u1=u1_tex),
        reference=lambda: sp.diff(nested, x),
        mistakes=[(lambda: dt(inner) * nested, "the factor "
                   f"du₁/dx = {d1} of the innermost step, u₁ = {u1_txt}, "
                   "is missing: each nested step contributes its own "
                   "derivative."),
                  (lambda: sp.diff(inner, x) * dt(x) * nested, "the "
                   "middle step is differentiated at x instead of at "
                   f"its own input: du₂/du₁ = {slope} u₁, and then "
                   f"u₁ = {u1_txt} is substituted back, giving "
                   f"{slope}({u1_txt}).")])


Q1 = parameterised(
    _q1, default={"a": 1, "n": 3, "trig": "cos"},
    draw=lambda rng: {"a": int(rng.integers(1, 6)),
                      "n": int(rng.integers(2, 7)),
                      "trig": _pick(rng, ["cos", "sin"])},
    require=[(lambda p: p["n"] >= 2, "n = 1 makes the inner factor a "
              "constant, which the named mistake would not show")])

# -------------------------------------------------- 2. several paths


def _two_paths(c, a, d, x0):
    """y = f(x, u) = x e^u + c u^2 with u = a x^2 - d, at x = x0: the
    contributions (df/dx, df/du du/dx) and the total derivative."""
    f, g = x * sp.exp(u) + c * u**2, a * x**2 - d
    direct = sp.diff(f, x)
    through = sp.diff(f, u) * sp.diff(g, x)
    paths = [e.subs(u, g).subs(x, x0) for e in (direct, through)]
    return paths, sp.diff(f.subs(u, g), x).subs(x, x0)


def _q2_valid(p):
    (direct, through), total = _two_paths(p["c"], p["a"], p["d"], p["x0"])
    named = [float(through), float(direct), float(direct * through)]
    right = float(total)
    return _all_far(named + [right, -right, 2 * right])


def _q2(p):
    c, a, d, x0 = p["c"], p["a"], p["d"], p["x0"]

    def paths():
        return _two_paths(c, a, d, x0)[0]

    return NumberQuestion(
        "ch05.q2", "total", title="Two paths", points=1,
        prompt=fill(r"""Let $y = f(x, u) = x\,e^{u} + [[cu]]$ with
$u = [[ax]] - [[d]]$; all are scalars. The variable $x$ reaches $y$ along two
paths: directly, and through $u$. Use the total-derivative chain rule to
compute $\frac{dy}{dx}$ at $x = [[x0]]$, and assign the number to
`total`.""", cu=_coef(c, "u^2"), ax=_coef(a, "x^2"), d=d, x0=x0),
        reference=lambda: _two_paths(c, a, d, x0)[1],
        mistakes=[(lambda: paths()[1], "that is only the path through "
                   "u, ∂f/∂u · du/dx, the single-variable recipe; x also "
                   "enters f directly, so add ∂f/∂x."),
                  (lambda: paths()[0], "that is only the direct path, "
                   "∂f/∂x; u depends on x too, so add "
                   "∂f/∂u · du/dx."),
                  (lambda: paths()[0] * paths()[1], "that is the "
                   "product of the two paths' contributions; the total "
                   "derivative adds them (each path, on its own, is a "
                   "product along the path).")])


Q2 = parameterised(
    _q2, default={"c": 1, "a": 1, "d": 1, "x0": 2},
    draw=lambda rng: {"c": int(rng.integers(1, 6)),
                      "a": int(rng.integers(1, 4)),
                      "d": int(rng.integers(1, 6)),
                      "x0": _pick(rng, [-2, -1, 1, 2])},
    require=[(lambda p: abs(p["a"] * p["x0"]**2 - p["d"]) <= 8,
              "u(x0) at most 8 in size, so that e^u stays a moderate "
              "number"),
             (_q2_valid, "the right value, its negative and double, and "
              "the three named mistakes are all different")])

# ------------------------------------------------- 3. the vector chain rule


def _q3_parts(p):
    c, a, b, k = p["c"], p["a"], p["b"], p["k"]
    g = [c * x1 * x2, a * x1 - b * x2]            # u = g(x): R^2 -> R^2
    f = [u1**k, u1 * u2, TRIG[p["trig"]](u2)]     # y = f(u): R^2 -> R^3
    return g, f, {u1: g[0], u2: g[1]}


def _q3(p):
    g, f, at_g = _q3_parts(p)
    c, a, b, k, trig = p["c"], p["a"], p["b"], p["k"], p["trig"]
    J_yx = symbolic.jacobian([e.subs(at_g, simultaneous=True) for e in f],
                             [x1, x2])
    J_yu = symbolic.jacobian(f, [u1, u2])                # 3 x 2, in u
    J_ux = symbolic.jacobian(g, [x1, x2])                # 2 x 2
    g1 = _coef(c, "x₁x₂")
    g2 = f"{_coef(a, 'x₁')} − {_coef(b, 'x₂')}"
    return MatrixQuestion(
        "ch05.q3", "J_yx", title="The vector chain rule", points=1,
        shape=(3, 2), variables=["x1", "x2"],
        layout="in numerator layout the Jacobian has one row per output "
               "y_i and one column per input x_j, 3 x 2; the 2 x 3 "
               "transpose is the denominator layout",
        prompt=fill(r"""Let $\mathbf{x} = (x_1, x_2)^\top \in \mathbb{R}^2$
(a $2 \times 1$ column) and

$$
\mathbf{u} = \mathbf{g}(\mathbf{x}) =
\begin{bmatrix} [[g1]] \\ [[g2]] \end{bmatrix} \in \mathbb{R}^2,
\qquad
\mathbf{y} = \mathbf{f}(\mathbf{u}) =
\begin{bmatrix} u_1^[[k]] \\ u_1 u_2 \\ \[[trig]] u_2 \end{bmatrix}
\in \mathbb{R}^3 .
$$

By the vector chain rule, in numerator layout,
$\frac{\partial \mathbf{y}}{\partial \mathbf{x}} =
\frac{\partial \mathbf{y}}{\partial \mathbf{u}}
\frac{\partial \mathbf{u}}{\partial \mathbf{x}}$, a
$(3 \times 2)(2 \times 2)$ product. Give
$\frac{\partial \mathbf{y}}{\partial \mathbf{x}}$ as a $3 \times 2$ SymPy
`Matrix` (row $i$ for the output $y_i$, column $j$ for the input $x_j$),
in $x_1, x_2$ only (substitute $\mathbf{u} = \mathbf{g}(\mathbf{x})$),
with the symbols `x1`, `x2` defined above. Assign it to
`J_yx`.""", g1=_coef(c, "x_1 x_2", " "),
                    g2=f"{_coef(a, 'x_1')} - {_coef(b, 'x_2')}", k=k,
                    trig=trig),
        template="J_yx = None  # your answer: a 3 x 2 sympy Matrix",
        reference=lambda: J_yx,
        mistakes=[(lambda: J_yu.subs({u1: x1, u2: x2}) * J_ux,
                   "∂y/∂u is evaluated at x (u₁ → x₁, u₂ → x₂); it "
                   f"must be evaluated at u = g(x), that is u₁ = {g1} "
                   f"and u₂ = {g2}."),
                  (lambda: J_yu.subs(at_g, simultaneous=True),
                   "that is ∂y/∂u alone (3 × 2, at u = g(x)); multiply "
                   "it on the right by the 2 × 2 Jacobian ∂u/∂x.")])


Q3 = parameterised(
    _q3, default={"c": 1, "a": 1, "b": 1, "k": 2, "trig": "sin"},
    draw=lambda rng: {"c": int(rng.integers(1, 4)),
                      "a": int(rng.integers(1, 4)),
                      "b": int(rng.integers(1, 4)),
                      "k": int(rng.integers(2, 4)),
                      "trig": _pick(rng, ["sin", "cos"])})

# ------------------------------------------------------------ 4. layouts


def _denominator_letter():
    """Multiply numeric Jacobians (n = 5, k = 3, m = 2) in each option's
    order and keep the option that gives the transpose of the Jacobian of
    the composition."""
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((3, 5)), rng.standard_normal((2, 3))
    x0 = rng.standard_normal(5)

    def g(v):
        return np.sin(A @ v)

    def f(w):
        return np.tanh(B @ w)

    J_ux = numeric.jacobian(g, x0)                       # 3 x 5
    J_yu = numeric.jacobian(f, g(x0))                    # 2 x 3
    wanted = numeric.jacobian(lambda v: f(g(v)), x0).T   # 5 x 2
    products = {"A": lambda: J_yu.T @ J_ux.T, "B": lambda: J_ux.T @ J_yu.T,
                "C": lambda: J_yu @ J_ux}
    for letter, product in products.items():
        try:
            P = product()
        except ValueError:                 # the factors do not fit
            continue
        if P.shape == wanted.shape and np.allclose(P, wanted):
            return letter
    return "D"


# ----------------------------------------------- 5. a vector-Jacobian product

HALVES = [k / 2 for k in range(-4, 5)]          # -2, -1.5, ..., 2
PROBES5 = [np.array([0.3, -1.2, 0.7]), np.array([-1.1, 0.4, 1.6]),
           np.array([1.5, 1.0, -0.5])]


def _network(p):
    return (np.array(p["W1"]), np.array(p["W2"]), np.array(p["t"]))


def _network_loss(W1, W2, T):
    def loss(*xs):
        """L(x) = ||W2 tanh(W1 x) - t||^2 / 2, from autodiff Values."""
        z = [sum(float(W1[i, j]) * xs[j] for j in range(3))
             for i in range(3)]
        h = [zi.tanh() for zi in z]
        y = [sum(float(W2[k, i]) * h[i] for i in range(3))
             for k in range(2)]
        return 0.5 * sum((y[k] - float(T[k])) ** 2 for k in range(2))
    return loss


def _grad_z(W1, W2, T, v):
    """The gradient with respect to z = W1 x (a wrong answer's part)."""
    h = np.tanh(W1 @ v)
    return (1 - h**2) * (W2.T @ (W2 @ h - T))


def _q5_wrong(W1, W2, T):
    def no_tanh_step(v):
        return W1.T @ (W2.T @ (W2 @ np.tanh(W1 @ v) - T))

    def tanh_prime_of_z(v):
        z = W1 @ v
        return W1.T @ ((1 - z**2) * (W2.T @ (W2 @ np.tanh(z) - T)))

    return [lambda v: W1 @ _grad_z(W1, W2, T, v), no_tanh_step,
            tanh_prime_of_z]


def _q5_valid(p):
    """At a few points the gradient, its negative and double and the
    three named mistakes all differ (so every check can tell them
    apart), and W1 is clearly not symmetric."""
    W1, W2, T = _network(p)
    if np.abs(W1 - W1.T).max() < 1:
        return False
    for v in PROBES5:
        right = W1.T @ _grad_z(W1, W2, T, v)
        if not _all_far([right, -right, 2 * right] +
                        [f(v) for f in _q5_wrong(W1, W2, T)]):
            return False
    return True


def _rows(A):
    """The rows of a matrix as code: "[1.0, -1.0], [0.5, 2.0]"."""
    return ", ".join(_row(r) for r in A)


def _row(r):
    return "[" + ", ".join(repr(float(v)) for v in r) + "]"


def _q5(p):
    W1, W2, T = _network(p)
    wrong = _q5_wrong(W1, W2, T)
    return FunctionQuestion(
        "ch05.q5", "grad_L", title="Backpropagation through two layers",
        points=2, arg_shape=(3,), out_shape=(3,),
        prompt=r"""A two-layer network without biases, with a
squared-error loss:

$$
\mathbf{z} = W_1 \mathbf{x}, \qquad \mathbf{h} = \tanh(\mathbf{z}),
\qquad \mathbf{y} = W_2 \mathbf{h}, \qquad
L = \tfrac{1}{2}\|\mathbf{y} - \mathbf{t}\|^2 ,
$$

with $\mathbf{x}, \mathbf{z}, \mathbf{h} \in \mathbb{R}^3$ (columns),
$\mathbf{y}, \mathbf{t} \in \mathbb{R}^2$, $W_1$ of shape $3 \times 3$ and
$W_2$ of shape $2 \times 3$; $\tanh$ acts entry by entry. $W_1$, $W_2$,
$\mathbf{t}$ (`target`) and the loss `loss(x)` are defined below. Write
`grad_L(x)`: it takes `x` of shape `(3,)`, with entries between $-2$ and
$2$, and returns the gradient $\nabla_{\mathbf{x}} L$ as an array of
shape `(3,)`, the shape of `x`. Go backwards from
$\nabla_{\mathbf{y}} L = \mathbf{y} - \mathbf{t}$, one step at a time,
with the rule for a scalar loss,
$\nabla_{\mathbf{x}} L = \left(\frac{\partial \mathbf{z}}{\partial
\mathbf{x}}\right)^\top \nabla_{\mathbf{z}} L$ (and likewise for the
other steps), where each Jacobian is in numerator layout.""",
        given=f"W1 = np.array([{_row(W1[0])}, {_row(W1[1])},\n"
              f"               {_row(W1[2])}])\n"
              f"W2 = np.array([{_rows(W2)}])\n"
              f"target = np.array({_row(T)})\n\n\n"
              "def loss(x):\n"
              "    y = W2 @ np.tanh(W1 @ x)\n"
              "    return 0.5 * (y - target) @ (y - target)",
        template="def grad_L(x):\n    # x has shape (3,); return an array "
                 "of shape (3,)\n    return None  # your answer",
        reference=lambda v: autodiff.grad(_network_loss(W1, W2, T), v),
        mistakes=[(wrong[0], "the step back through "
                   "z = W₁x multiplies by the transpose: ∇ₓL = W₁ᵀ ∇_zL, "
                   "not W₁ ∇_zL. (W₁ is square, so the wrong product "
                   "runs without an error.)"),
                  (wrong[1], "the step back through h = tanh(z) is "
                   "missing: its Jacobian is diag(1 − tanh²(z)), so "
                   "multiply ∇_hL entry by entry by 1 − tanh²(z) to get "
                   "∇_zL."),
                  (wrong[2], "the derivative of tanh is "
                   "1 − tanh²(z), not 1 − z²: square h = tanh(z), not "
                   "z.")])


def _halves(rng, shape):
    return tuple(tuple(_pick(rng, HALVES) for _ in range(shape[1]))
                 for _ in range(shape[0]))


Q5 = parameterised(
    _q5, default={"W1": ((1.0, -1.0, 0.5), (0.5, 2.0, -1.0),
                         (-1.0, 0.0, 1.0)),
                  "W2": ((1.0, 0.5, -1.0), (-0.5, 1.0, 2.0)),
                  "t": (0.5, -1.0)},
    draw=lambda rng: {"W1": _halves(rng, (3, 3)),
                      "W2": _halves(rng, (2, 3)),
                      "t": _halves(rng, (1, 2))[0]},
    require=[(lambda p: np.linalg.matrix_rank(np.array(p["W1"])) == 3,
              "W1 invertible, so every input moves z"),
             (lambda p: np.linalg.matrix_rank(np.array(p["W2"])) == 2,
              "W2 of full rank, so y depends on every hidden unit"),
             (_q5_valid, "W1 clearly not symmetric (the W1 instead of "
              "W1ᵀ mistake must show), and the gradient, its negative, "
              "its double and the named mistakes all differ")])

# ------------------------------------------------- 6. a backward pass


def _adjoints(P):
    """Adjoints (a, b, c, x, y, z) by mathlib.autodiff's backward pass."""
    xv, yv, zv = (autodiff.Value(float(v)) for v in P)
    a = xv * yv
    b = a + zv
    c = a * xv
    f = b * c
    f.backward()
    return np.array([a.grad, b.grad, c.grad, xv.grad, yv.grad, zv.grad])


def _adjoints_without(P, arrow):
    """The backward pass by hand with one arrow (child, parent) left out:
    what a reader gets who misses that path."""
    px, py, pz = (float(v) for v in P)
    a = px * py
    b, c = a + pz, a * px
    arrows = [("f", "b", c), ("f", "c", b), ("b", "a", 1.0),
              ("b", "z", 1.0), ("c", "a", px), ("c", "x", a),
              ("a", "x", py), ("a", "y", px)]   # children before parents
    bar = dict.fromkeys("abcxyz", 0.0)
    bar["f"] = 1.0
    for child, parent, local in arrows:
        if (child, parent) != arrow:
            bar[parent] += local * bar[child]
    return np.array([bar[k] for k in "abcxyz"])


MISSED6 = [("c", "a"), ("b", "a"), ("c", "x")]


def _q6_valid(p):
    P = p["point"]
    right = _adjoints(P)
    return _all_far([right, -right, 2 * right] +
                    [_adjoints_without(P, arrow) for arrow in MISSED6])


def _q6(p):
    P = p["point"]
    return ArrayQuestion(
        "ch05.q6", "adjoints", title="A backward pass by hand", points=1,
        shape=(6,),
        prompt=fill(r"""The computation graph

$$
a = x y, \qquad b = a + z, \qquad c = a x, \qquad f = b c
$$

has the scalar inputs $x, y, z$ and computes
$f(x, y, z) = (xy + z)\, x^2 y$. Do the forward pass at
$(x, y, z) = ([[point]])$, then the backward pass from $\bar{f} = 1$, where
$\bar{v} = \frac{\partial f}{\partial v}$ is the adjoint of node $v$.
Assign the six adjoints to `adjoints` as a numpy array of shape `(6,)`,
in the order $(\bar{a}, \bar{b}, \bar{c}, \bar{x}, \bar{y}, \bar{z})$.""",
                    point=", ".join(num(v) for v in P)),
        reference=lambda: _adjoints(P),
        mistakes=[(lambda: _adjoints_without(P, ("c", "a")), "the node a "
                   "has two children, b and c, so ā = b̄ · 1 + c̄ · x: "
                   "the term from c is missing (and x̄ and ȳ, computed "
                   "from ā, miss it too)."),
                  (lambda: _adjoints_without(P, ("b", "a")), "the node a "
                   "has two children, b and c, so ā = b̄ · 1 + c̄ · x: "
                   "the term from b is missing (and x̄ and ȳ, computed "
                   "from ā, miss it too)."),
                  (lambda: _adjoints_without(P, ("c", "x")), "the input x "
                   "has two arrows out, into a and directly into "
                   "c = a x, so x̄ = ā · y + c̄ · a: the direct term is "
                   "missing.")])


NONZERO = [-4, -3, -2, -1, 1, 2, 3, 4]
Q6 = parameterised(
    _q6, default={"point": (2, 1, 3)},
    draw=lambda rng: {"point": (_pick(rng, NONZERO), _pick(rng, NONZERO),
                                int(rng.integers(-4, 5)))},
    require=[(lambda p: p["point"][0] * p["point"][1] + p["point"][2] != 0,
              "b = xy + z is not 0 (else f and several adjoints vanish)"),
             (_q6_valid, "the adjoints, their negative and double and the "
              "three named mistakes all differ")])

# -------------------------------------------------- 7. counting the work


def _cost(p_q, q_r):
    (p, q), (q2, r) = p_q, q_r
    assert q == q2, "the factors do not fit"
    return p * q * r, (p, r)


def _shapes7(n, h1, h2):
    return [(1, h2), (h2, h1), (h1, n)]                  # J3, J2, J1


def _from_left(shapes):
    """Reverse mode: (J3 J2) J1, every intermediate result a row."""
    first, shape = _cost(shapes[0], shapes[1])
    second, _ = _cost(shape, shapes[2])
    return first + second


def _from_right(shapes):
    """Forward mode: J3 (J2 J1), every intermediate result a Jacobian."""
    first, shape = _cost(shapes[1], shapes[2])
    second, _ = _cost(shapes[0], shape)
    return first + second


def _q7_named(shapes):
    return [_from_right(shapes), _cost(*shapes[:2])[0],
            _cost((1, shapes[1][1]), shapes[2])[0]]


def _q7_valid(p):
    shapes = _shapes7(p["n"], p["h1"], p["h2"])
    right = _from_left(shapes)
    return _all_far([right, 2 * right] + _q7_named(shapes))


def _q7(p):
    n, h1, h2 = p["n"], p["h1"], p["h2"]
    shapes = _shapes7(n, h1, h2)
    named = _q7_named(shapes)
    return NumberQuestion(
        "ch05.q7", "mults", title="The cost of reverse mode", points=1,
        prompt=fill(r"""A network maps $\mathbf{x} \in \mathbb{R}^{[[n]]}$ to
$\mathbf{h}_1 \in \mathbb{R}^{[[h1]]}$, then to
$\mathbf{h}_2 \in \mathbb{R}^{[[h2]]}$, then to a scalar loss $L$. By the
vector chain rule, in numerator layout,
$\frac{\partial L}{\partial \mathbf{x}} = J_3 J_2 J_1$ with
$J_3 = \frac{\partial L}{\partial \mathbf{h}_2}$ ($1 \times [[h2]]$),
$J_2 = \frac{\partial \mathbf{h}_2}{\partial \mathbf{h}_1}$
($[[h2]] \times [[h1]]$) and
$J_1 = \frac{\partial \mathbf{h}_1}{\partial \mathbf{x}}$
($[[h1]] \times [[n]]$). A product of a $p \times q$ and a $q \times r$ matrix
takes $pqr$ multiplications. How many multiplications does reverse mode
take to compute the $1 \times [[n]]$ row
$\frac{\partial L}{\partial \mathbf{x}}$ from these three matrices?
Assign the number to `mults`.""", n=n, h1=h1, h2=h2),
        reference=lambda: _from_left(shapes),
        mistakes=[(lambda: named[0], "that is the count from the right, "
                   "J₃(J₂J₁), forward mode's order, where the "
                   f"intermediate result is a full {h2} × {n} Jacobian. "
                   "Reverse mode multiplies from the left, the output "
                   "side, so every intermediate result is a row."),
                  (lambda: named[1], "that counts only "
                   f"the first product, J₃J₂; the 1 × {h1} row it gives "
                   "must still be multiplied by J₁."),
                  (lambda: named[2], "that counts "
                   "only the second product, (J₃J₂)J₁; add the cost of "
                   "J₃J₂.")])


Q7 = parameterised(
    _q7, default={"n": 1000, "h1": 200, "h2": 50},
    draw=lambda rng: {"n": 100 * int(rng.integers(4, 31)),
                      "h1": 10 * int(rng.integers(8, 41)),
                      "h2": 5 * int(rng.integers(2, 21))},
    require=[(lambda p: p["n"] > p["h1"] > p["h2"], "the layers narrow "
              "towards the loss, n > h1 > h2, as in the book"),
             (_q7_valid, "the right count, its double and the three "
              "named wrong counts all differ")])

# ------------------------------------------------ 8. a weight used thrice

WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _rnn_loss(steps, bias):
    def loss(w, h):
        """h_t = tanh(w h_{t-1} + bias) from h = h_0; L = h_T (works on
        Values)."""
        for _ in range(steps):
            h = (w * h + bias).tanh() if bias else (w * h).tanh()
        return h
    return loss


def _one_use_of_w(steps, bias, p, step):
    """[the term of step `step` alone in dL/dw, the right dL/dh0]."""
    w, h = float(p[0]), [float(p[1])]
    for _ in range(steps):
        h.append(np.tanh(w * h[-1] + bias))
    h_bar, w_term = 1.0, 0.0
    for t in range(steps, 0, -1):
        z_bar = h_bar * (1 - h[t] ** 2)
        if t == step:
            w_term = z_bar * h[t - 1]
        h_bar = z_bar * w
    return np.array([w_term, h_bar])


def _q8(p):
    steps, bias = p["steps"], p["bias"]
    T, Tm1 = str(steps).translate(SUB), str(steps - 1).translate(SUB)
    shift = "" if bias == 0 else \
        f" {'+' if bias > 0 else '-'} {num(abs(bias))}"

    def grad(q):
        return autodiff.grad(_rnn_loss(steps, bias), q)

    return FunctionQuestion(
        "ch05.q8", "grad_rnn", title="A weight used at every step",
        arg_name="p",
        points=2, arg_shape=(2,), out_shape=(2,),
        edge_points=[[1.0, 0.0], [2.5, 2.0]],
        prompt=fill(r"""Like a recurrent network, this function applies the
same weight $w$ at every step: from the input $h_0$,

$$
h_t = \tanh(w\, h_{t-1}[[shift]]) \quad (t = [[ts]]), \qquad L = h_[[T]] ,
$$

all scalars (defined below as `rnn_loss(p)` for `p = [w, h0]`). Its
graph has an arrow from $w$ into every step, so $w$ reaches $L$ along
[[paths]] paths. Write `grad_rnn(p)`: it takes `p = np.array([w, h0])` of
shape `(2,)`, with entries between $-2$ and $2$ (and, at one point the
check uses, $w = 2.5$, $h_0 = 2$, where tanh saturates), and returns
$\left(\frac{\partial L}{\partial w}, \frac{\partial L}{\partial h_0}
\right)$ as an array of shape `(2,)`, the shape of `p`. Write the
backward pass yourself: keep $h_0, \ldots, h_[[T]]$ from the forward pass,
then walk back from $\bar{h}_[[T]] = 1$. You can compare your results with
`numeric.gradient(rnn_loss, p)`.""", shift=shift, T=steps,
                    ts=", ".join(str(t) for t in range(1, steps + 1)),
                    paths=WORDS[steps]),
        given="def rnn_loss(p):\n    w, h = p              # h starts as h0\n"
              f"    for _ in range({steps}):\n"
              f"        h = np.tanh(w * h{shift})\n"
              "    return h",
        template="def grad_rnn(p):\n    # p = [w, h0] has shape (2,); return "
                 "[dL/dw, dL/dh0], shape (2,)\n    return None  # your "
                 "answer",
        reference=grad,
        mistakes=[(lambda q: _one_use_of_w(steps, bias, q, steps),
                   "∂L/∂w holds only the term of the last step, "
                   f"(1 − h{T}²) h{Tm1}; w is used at every step, and the "
                   "total derivative adds one term per use, so keep adding "
                   "to w̄ all the way back."),
                  (lambda q: _one_use_of_w(steps, bias, q, 1), "∂L/∂w "
                   "holds only the term of the first step, the last one "
                   "the backward pass reaches: each step's term must be "
                   "added to w̄ (w̄ += ...), not assigned (the bug of the "
                   "chapter's exercise 7)."),
                  (lambda q: grad(q)[::-1], "the two entries are in "
                   "the wrong order: first ∂L/∂w, then ∂L/∂h₀.")])


Q8 = parameterised(
    _q8, default={"steps": 3, "bias": 0.0},
    draw=lambda rng: {"steps": int(rng.integers(2, 7)),
                      "bias": int(rng.integers(-12, 13)) / 8})


QUESTIONS = [
    Q1, Q2, Q3,
    ChoiceQuestion(
        "ch05.q4", "den_chain", title="The chain rule in denominator "
        "layout", points=1,
        options={"A": "(dy/du)_den (du/dx)_den",
                 "B": "(du/dx)_den (dy/du)_den",
                 "C": "(dy/du)(du/dx), numerator layout",
                 "D": "none: the chain rule needs numerator layout"},
        prompt=r"""Let $\mathbf{x} \in \mathbb{R}^5$,
$\mathbf{u} = \mathbf{g}(\mathbf{x}) \in \mathbb{R}^3$ and
$\mathbf{y} = \mathbf{f}(\mathbf{u}) \in \mathbb{R}^2$. A paper writes
every derivative in denominator layout: its
$\left(\frac{\partial \mathbf{u}}{\partial \mathbf{x}}\right)_{\text{den}}$
is the $5 \times 3$ transpose of the book's $3 \times 5$ Jacobian
$\frac{\partial \mathbf{u}}{\partial \mathbf{x}}$, and likewise
$\left(\frac{\partial \mathbf{y}}{\partial \mathbf{u}}\right)_{\text{den}}$
is $3 \times 2$. Which product is the paper's
$\left(\frac{\partial \mathbf{y}}{\partial \mathbf{x}}\right)_{\text{den}}$,
a $5 \times 2$ matrix?

* (A) $\left(\frac{\partial \mathbf{y}}{\partial \mathbf{u}}
  \right)_{\text{den}}
  \left(\frac{\partial \mathbf{u}}{\partial \mathbf{x}}\right)_{\text{den}}$
* (B) $\left(\frac{\partial \mathbf{u}}{\partial \mathbf{x}}
  \right)_{\text{den}}
  \left(\frac{\partial \mathbf{y}}{\partial \mathbf{u}}\right)_{\text{den}}$
* (C) $\frac{\partial \mathbf{y}}{\partial \mathbf{u}}
  \frac{\partial \mathbf{u}}{\partial \mathbf{x}}$, both factors in
  numerator layout
* (D) none of them: the chain rule holds only in numerator layout

Assign the letter, as a string, to `den_chain`.""",
        reference=_denominator_letter,
        hints={"A": "in this order the factors do not even fit, "
                    "(3 × 2)(5 × 3): transposing every factor reverses "
                    "the product, (AB)ᵀ = BᵀAᵀ.",
               "C": "that is the numerator-layout derivative, 2 × 5; the "
                    "paper's is its 5 × 2 transpose.",
               "D": "the chain rule holds in either layout; only the "
                    "order of the factors changes."}),
    Q5, Q6, Q7, Q8,
]

CHAPTER = Chapter(
    "ch05", 5, "The chain rules and backpropagation",
    intro="""The chain rule with intermediate variables, the
total derivative over several paths, the vector chain rule and its
layouts, backpropagation through a small network, a backward pass on a
computation graph, the cost of reverse mode, and a weight shared by
several steps: the questions follow chapter 5 in order, from routine to
two that take more work (5, and 8, which stretches).""",
    given="from mathlib import numeric   # to check your functions\n\n"
          'x = sp.Symbol("x", real=True)            # for question 1\n'
          'x1, x2 = sp.symbols("x1 x2", real=True)  # for question 3',
    questions=QUESTIONS)
