"""Problem set 5: The chain rules and backpropagation (chapter 5).

Every reference is computed from the problem when a check runs: sympy
derivatives and Jacobians, ``mathlib.numeric`` Jacobians, or the
chapter's own reverse-mode engine ``mathlib.autodiff`` at the sample
points; the counts of multiplications by multiplying out the shapes.
"""

import numpy as np
import sympy as sp

from mathlib import autodiff, numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, MatrixQuestion, NumberQuestion)
from ._registry import Chapter

x = sp.Symbol("x", real=True)                  # questions 1 and 2
x1, x2 = sp.symbols("x1 x2", real=True)        # question 3
u, u1, u2 = sp.symbols("u u1 u2", real=True)   # intermediate variables


# ------------------------------------------------ 1. intermediate variables


def _nested():
    return sp.exp(sp.cos(x**3))


# -------------------------------------------------- 2. several paths

F2 = x * sp.exp(u) + u**2          # y = f(x, u)
U2 = x**2 - 1                      # u = u(x)
X2 = 2                             # the point


def _paths():
    """The contributions of the direct path and of the path through u
    to dy/dx at x = 2: (df/dx, df/du du/dx)."""
    direct = sp.diff(F2, x)
    through = sp.diff(F2, u) * sp.diff(U2, x)
    return [e.subs(u, U2).subs(x, X2) for e in (direct, through)]


def _total():
    return sp.diff(F2.subs(u, U2), x).subs(x, X2)   # the composition


# ------------------------------------------------- 3. the vector chain rule

G3 = [x1 * x2, x1 - x2]            # u = g(x): R^2 -> R^2
F3 = [u1**2, u1 * u2, sp.sin(u2)]  # y = f(u): R^2 -> R^3
AT_G = {u1: G3[0], u2: G3[1]}


def _J_yx():
    """The Jacobian of the composition, without the chain rule."""
    return symbolic.jacobian([e.subs(AT_G, simultaneous=True) for e in F3],
                             [x1, x2])


def _J_yu():
    return symbolic.jacobian(F3, [u1, u2])             # 3 x 2, in u


def _J_ux():
    return symbolic.jacobian(G3, [x1, x2])             # 2 x 2


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

W1 = np.array([[1.0, -1.0, 0.5], [0.5, 2.0, -1.0], [-1.0, 0.0, 1.0]])
W2 = np.array([[1.0, 0.5, -1.0], [-0.5, 1.0, 2.0]])
T5 = np.array([0.5, -1.0])


def _network_loss(*xs):
    """L(x) = ||W2 tanh(W1 x) - t||^2 / 2, built from autodiff Values."""
    z = [sum(float(W1[i, j]) * xs[j] for j in range(3)) for i in range(3)]
    h = [zi.tanh() for zi in z]
    y = [sum(float(W2[k, i]) * h[i] for i in range(3)) for k in range(2)]
    return 0.5 * sum((y[k] - float(T5[k])) ** 2 for k in range(2))


def _grad_L(v):
    return autodiff.grad(_network_loss, v)


def _grad_z(v):
    """The gradient with respect to z = W1 x (a wrong answer's part)."""
    h = np.tanh(W1 @ v)
    return (1 - h**2) * (W2.T @ (W2 @ h - T5))


def _no_tanh_step(v):
    return W1.T @ (W2.T @ (W2 @ np.tanh(W1 @ v) - T5))


def _tanh_prime_of_z(v):
    z = W1 @ v
    return W1.T @ ((1 - z**2) * (W2.T @ (W2 @ np.tanh(z) - T5)))


# ------------------------------------------------- 6. a backward pass

P6 = (2.0, 1.0, 3.0)                 # (x, y, z)


def _adjoints():
    """Adjoints (a, b, c, x, y, z) by mathlib.autodiff's backward pass."""
    xv, yv, zv = (autodiff.Value(v) for v in P6)
    a = xv * yv
    b = a + zv
    c = a * xv
    f = b * c
    f.backward()
    return np.array([a.grad, b.grad, c.grad, xv.grad, yv.grad, zv.grad])


def _adjoints_without(arrow):
    """The backward pass by hand with one arrow (child, parent) left out:
    what a reader gets who misses that path."""
    px, py, pz = P6
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


# -------------------------------------------------- 7. counting the work

SHAPES7 = [(1, 50), (50, 200), (200, 1000)]     # J3, J2, J1


def _cost(p_q, q_r):
    (p, q), (q2, r) = p_q, q_r
    assert q == q2, "the factors do not fit"
    return p * q * r, (p, r)


def _from_left():
    """Reverse mode: (J3 J2) J1, every intermediate result a row."""
    first, shape = _cost(SHAPES7[0], SHAPES7[1])
    second, _ = _cost(shape, SHAPES7[2])
    return first + second


def _from_right():
    """Forward mode: J3 (J2 J1), every intermediate result a Jacobian."""
    first, shape = _cost(SHAPES7[1], SHAPES7[2])
    second, _ = _cost(SHAPES7[0], shape)
    return first + second


# ------------------------------------------------ 8. a weight used thrice

STEPS8 = 3


def _rnn_loss(w, h):
    """h_t = tanh(w h_{t-1}) from h = h_0; L = h_3 (works on Values)."""
    for _ in range(STEPS8):
        h = (w * h).tanh()
    return h


def _grad_rnn(p):
    return autodiff.grad(_rnn_loss, p)


def _one_use_of_w(p, step):
    """[the term of step `step` alone in dL/dw, the right dL/dh0]."""
    w, h = float(p[0]), [float(p[1])]
    for _ in range(STEPS8):
        h.append(np.tanh(w * h[-1]))
    h_bar, w_term = 1.0, 0.0
    for t in range(STEPS8, 0, -1):
        z_bar = h_bar * (1 - h[t] ** 2)
        if t == step:
            w_term = z_bar * h[t - 1]
        h_bar = z_bar * w
    return np.array([w_term, h_bar])


QUESTIONS = [
    ExpressionQuestion(
        "ch05.q1", "dy_dx", title="Intermediate variables", points=1,
        variables=["x"],
        prompt=r"""Let $y = e^{\cos(x^3)}$, a scalar function of the
scalar $x$. Name the nested steps $u_1 = x^3$, $u_2 = \cos u_1$ and
$y = e^{u_2}$, differentiate each step with respect to its own input,
multiply, and substitute back. Give $\frac{dy}{dx}$ as a formula in $x$
(a SymPy expression in the symbol `x` defined above, or a string) and
assign it to `dy_dx`.""",
        reference=lambda: sp.diff(_nested(), x),
        mistakes=[(lambda: -sp.sin(x**3) * _nested(), "the factor "
                   "du₁/dx = 3x² of the innermost step, u₁ = x³, is "
                   "missing: each nested step contributes its own "
                   "derivative."),
                   (lambda: -3 * x**2 * sp.sin(x) * _nested(), "the "
                    "middle step is differentiated at x instead of at "
                    "its own input: du₂/du₁ = −sin u₁, and then "
                    "u₁ = x³ is substituted back, giving −sin(x³).")]),
    NumberQuestion(
        "ch05.q2", "total", title="Two paths", points=1,
        prompt=r"""Let $y = f(x, u) = x\,e^{u} + u^2$ with
$u = x^2 - 1$; all are scalars. The variable $x$ reaches $y$ along two
paths: directly, and through $u$. Use the total-derivative chain rule to
compute $\frac{dy}{dx}$ at $x = 2$, and assign the number to
`total`.""",
        reference=_total,
        mistakes=[(lambda: _paths()[1], "that is only the path through "
                   "u, ∂f/∂u · du/dx, the single-variable recipe; x also "
                   "enters f directly, so add ∂f/∂x."),
                  (lambda: _paths()[0], "that is only the direct path, "
                   "∂f/∂x; u depends on x too, so add "
                   "∂f/∂u · du/dx."),
                  (lambda: _paths()[0] * _paths()[1], "that is the "
                   "product of the two paths' contributions; the total "
                   "derivative adds them (each path, on its own, is a "
                   "product along the path).")]),
    MatrixQuestion(
        "ch05.q3", "J_yx", title="The vector chain rule", points=1,
        shape=(3, 2), variables=["x1", "x2"],
        layout="in numerator layout the Jacobian has one row per output "
               "y_i and one column per input x_j, 3 x 2; the 2 x 3 "
               "transpose is the denominator layout",
        prompt=r"""Let $\mathbf{x} = (x_1, x_2)^\top \in \mathbb{R}^2$
(a $2 \times 1$ column) and

$$
\mathbf{u} = \mathbf{g}(\mathbf{x}) =
\begin{bmatrix} x_1 x_2 \\ x_1 - x_2 \end{bmatrix} \in \mathbb{R}^2,
\qquad
\mathbf{y} = \mathbf{f}(\mathbf{u}) =
\begin{bmatrix} u_1^2 \\ u_1 u_2 \\ \sin u_2 \end{bmatrix}
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
`J_yx`.""",
        template="J_yx = None  # your answer: a 3 x 2 sympy Matrix",
        reference=_J_yx,
        mistakes=[(lambda: _J_yu().subs({u1: x1, u2: x2}) * _J_ux(),
                   "∂y/∂u is evaluated at x (u₁ → x₁, u₂ → x₂); it "
                   "must be evaluated at u = g(x), that is u₁ = x₁x₂ "
                   "and u₂ = x₁ − x₂."),
                  (lambda: _J_yu().subs(AT_G, simultaneous=True),
                   "that is ∂y/∂u alone (3 × 2, at u = g(x)); multiply "
                   "it on the right by the 2 × 2 Jacobian ∂u/∂x.")]),
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
    FunctionQuestion(
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
        given="W1 = np.array([[1.0, -1.0, 0.5], [0.5, 2.0, -1.0],\n"
              "               [-1.0, 0.0, 1.0]])\n"
              "W2 = np.array([[1.0, 0.5, -1.0], [-0.5, 1.0, 2.0]])\n"
              "target = np.array([0.5, -1.0])\n\n\n"
              "def loss(x):\n"
              "    y = W2 @ np.tanh(W1 @ x)\n"
              "    return 0.5 * (y - target) @ (y - target)",
        template="def grad_L(x):\n    # x has shape (3,); return an array "
                 "of shape (3,)\n    return None  # your answer",
        reference=_grad_L,
        mistakes=[(lambda v: W1 @ _grad_z(v), "the step back through "
                   "z = W₁x multiplies by the transpose: ∇ₓL = W₁ᵀ ∇_zL, "
                   "not W₁ ∇_zL. (W₁ is square, so the wrong product "
                   "runs without an error.)"),
                  (_no_tanh_step, "the step back through h = tanh(z) is "
                   "missing: its Jacobian is diag(1 − tanh²(z)), so "
                   "multiply ∇_hL entry by entry by 1 − tanh²(z) to get "
                   "∇_zL."),
                  (_tanh_prime_of_z, "the derivative of tanh is "
                   "1 − tanh²(z), not 1 − z²: square h = tanh(z), not "
                   "z.")]),
    ArrayQuestion(
        "ch05.q6", "adjoints", title="A backward pass by hand", points=1,
        shape=(6,),
        prompt=r"""The computation graph

$$
a = x y, \qquad b = a + z, \qquad c = a x, \qquad f = b c
$$

has the scalar inputs $x, y, z$ and computes
$f(x, y, z) = (xy + z)\, x^2 y$. Do the forward pass at
$(x, y, z) = (2, 1, 3)$, then the backward pass from $\bar{f} = 1$, where
$\bar{v} = \frac{\partial f}{\partial v}$ is the adjoint of node $v$.
Assign the six adjoints to `adjoints` as a numpy array of shape `(6,)`,
in the order $(\bar{a}, \bar{b}, \bar{c}, \bar{x}, \bar{y}, \bar{z})$.""",
        reference=_adjoints,
        mistakes=[(lambda: _adjoints_without(("c", "a")), "the node a "
                   "has two children, b and c, so ā = b̄ · 1 + c̄ · x: "
                   "the term from c is missing (and x̄ and ȳ, computed "
                   "from ā, miss it too)."),
                  (lambda: _adjoints_without(("b", "a")), "the node a "
                   "has two children, b and c, so ā = b̄ · 1 + c̄ · x: "
                   "the term from b is missing (and x̄ and ȳ, computed "
                   "from ā, miss it too)."),
                  (lambda: _adjoints_without(("c", "x")), "the input x "
                   "has two arrows out, into a and directly into "
                   "c = a x, so x̄ = ā · y + c̄ · a: the direct term is "
                   "missing.")]),
    NumberQuestion(
        "ch05.q7", "mults", title="The cost of reverse mode", points=1,
        prompt=r"""A network maps $\mathbf{x} \in \mathbb{R}^{1000}$ to
$\mathbf{h}_1 \in \mathbb{R}^{200}$, then to
$\mathbf{h}_2 \in \mathbb{R}^{50}$, then to a scalar loss $L$. By the
vector chain rule, in numerator layout,
$\frac{\partial L}{\partial \mathbf{x}} = J_3 J_2 J_1$ with
$J_3 = \frac{\partial L}{\partial \mathbf{h}_2}$ ($1 \times 50$),
$J_2 = \frac{\partial \mathbf{h}_2}{\partial \mathbf{h}_1}$
($50 \times 200$) and
$J_1 = \frac{\partial \mathbf{h}_1}{\partial \mathbf{x}}$
($200 \times 1000$). A product of a $p \times q$ and a $q \times r$ matrix
takes $pqr$ multiplications. How many multiplications does reverse mode
take to compute the $1 \times 1000$ row
$\frac{\partial L}{\partial \mathbf{x}}$ from these three matrices?
Assign the number to `mults`.""",
        reference=_from_left,
        mistakes=[(_from_right, "that is the count from the right, "
                   "J₃(J₂J₁), forward mode's order, where the "
                   "intermediate result is a full 50 × 1000 Jacobian. "
                   "Reverse mode multiplies from the left, the output "
                   "side, so every intermediate result is a row."),
                  (lambda: _cost(*SHAPES7[:2])[0], "that counts only "
                   "the first product, J₃J₂; the 1 × 200 row it gives "
                   "must still be multiplied by J₁."),
                  (lambda: _cost((1, 200), SHAPES7[2])[0], "that counts "
                   "only the second product, (J₃J₂)J₁; add the cost of "
                   "J₃J₂.")]),
    FunctionQuestion(
        "ch05.q8", "grad_rnn", title="A weight used at every step",
        arg_name="p",
        points=2, arg_shape=(2,), out_shape=(2,),
        edge_points=[[1.0, 0.0], [2.5, 2.0]],
        prompt=r"""Like a recurrent network, this function applies the
same weight $w$ at every step: from the input $h_0$,

$$
h_t = \tanh(w\, h_{t-1}) \quad (t = 1, 2, 3), \qquad L = h_3 ,
$$

all scalars (defined below as `rnn_loss(p)` for `p = [w, h0]`). Its
graph has an arrow from $w$ into every step, so $w$ reaches $L$ along
three paths. Write `grad_rnn(p)`: it takes `p = np.array([w, h0])` of
shape `(2,)`, with entries between $-2$ and $2$ (and, at one point the
check uses, $w = 2.5$, $h_0 = 2$, where tanh saturates), and returns
$\left(\frac{\partial L}{\partial w}, \frac{\partial L}{\partial h_0}
\right)$ as an array of shape `(2,)`, the shape of `p`. Write the
backward pass yourself: keep $h_0, \ldots, h_3$ from the forward pass,
then walk back from $\bar{h}_3 = 1$. You can compare your results with
`numeric.gradient(rnn_loss, p)`.""",
        given="def rnn_loss(p):\n    w, h = p              # h starts as h0\n"
              "    for _ in range(3):\n        h = np.tanh(w * h)\n"
              "    return h",
        template="def grad_rnn(p):\n    # p = [w, h0] has shape (2,); return "
                 "[dL/dw, dL/dh0], shape (2,)\n    return None  # your "
                 "answer",
        reference=_grad_rnn,
        mistakes=[(lambda p: _one_use_of_w(p, STEPS8), "∂L/∂w holds only "
                   "the term of the last step, (1 − h₃²) h₂; w is used at "
                   "every step, and the total derivative adds one term "
                   "per use, so keep adding to w̄ all the way back."),
                  (lambda p: _one_use_of_w(p, 1), "∂L/∂w holds only the "
                   "term of the first step, the last one the backward "
                   "pass reaches: each step's term must be added to w̄ "
                   "(w̄ += ...), not assigned (the bug of the chapter's "
                   "exercise 7)."),
                  (lambda p: _grad_rnn(p)[::-1], "the two entries are in "
                   "the wrong order: first ∂L/∂w, then ∂L/∂h₀.")]),
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
