"""Problem set 7: Hessians and quadratic approximation (chapter 7).

Every reference is computed from the problem when a check runs: sympy
Hessians, Taylor polynomials, limits and eigenvalues, or
``mathlib.numeric`` gradients and Hessians at the sample points.
"""

import functools

import numpy as np
import sympy as sp

from mathlib import numeric, symbolic

from ._questions import (ArrayQuestion, ChoiceQuestion, ExpressionQuestion,
                         FunctionQuestion, MatrixQuestion, NumberQuestion)
from ._registry import Chapter

x, y, z = sp.symbols("x y z", real=True)
_h, _k = sp.symbols("h k", real=True)

# question 2: f(x) = x^T A x + b^T x with a matrix A that is not symmetric
A_Q2 = sp.Matrix([[1, 2, 0], [-1, 3, 4], [2, 0, -2]])
B_Q2 = sp.Matrix([1, -1, 2])

# question 8: a linear softmax classifier, N = 4 examples, d = 2 features,
# K = 3 classes
X_Q8 = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5], [2.0, 1.0]])
LABELS_Q8 = np.array([0, 2, 1, 2])
W0_Q8 = np.array([[0.5, -1.0], [0.0, 1.0], [-0.5, 0.5]])


# ---------------------------------------------------------- question 1


def _hessian_q1():
    return symbolic.hessian(x**2 * y + sp.sin(y * z), [x, y, z])


def _hessian_q1_no_product_rule():
    """The Hessian with d/dz (z cos yz) taken as cos yz."""
    H = _hessian_q1()
    H[1, 2] = H[2, 1] = sp.cos(y * z)
    return H


def _hessian_q1_diagonal():
    return sp.diag(*[_hessian_q1()[i, i] for i in range(3)])


# ---------------------------------------------------------- question 2


def _quadratic_hessian(expr_of):
    """The Hessian of expr_of(column of symbols), as a float array."""
    v = sp.Matrix(sp.symbols("x1:4", real=True))
    H = symbolic.hessian(expr_of(v), list(v))
    return np.array(H, dtype=float)


def _hessian_q2():
    return _quadratic_hessian(
        lambda v: (v.T * A_Q2 * v)[0] + (B_Q2.T * v)[0])


def _twice(M):
    return 2 * np.array(M, dtype=float)


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
    g = {"q3": x * y * (x**2 - 2 * y**2) / (x**2 + y**2),
         "peano": x * y * (x**2 - y**2) / (x**2 + y**2)}[which]
    return _origin_second_partials(g)


def _origin_q3():
    return _origin_cached("q3").copy()


def _origin_symmetrised():
    H = _origin_q3()
    return (H + H.T) / 2


def _origin_equal_mixed(entry):
    H = _origin_q3()
    H[0, 1] = H[1, 0] = H[entry]
    return H


# ---------------------------------------------------------- question 4

F_Q4 = x**2 * sp.exp(y)
P_Q4 = (1, 0)


def _taylor_q4():
    return symbolic.taylor(F_Q4, [x, y], list(P_Q4), order=2)


def _taylor_pieces():
    """f(p), the gradient and the Hessian at p, and the steps eps."""
    at = dict(zip([x, y], P_Q4))
    f0 = F_Q4.subs(at)
    g = symbolic.gradient(F_Q4, [x, y]).subs(at)
    H = symbolic.hessian(F_Q4, [x, y]).subs(at)
    eps = sp.Matrix([x - P_Q4[0], y - P_Q4[1]])
    return f0, g, H, eps


def _taylor_q4_linear():
    f0, g, H, eps = _taylor_pieces()
    return f0 + (g.T * eps)[0]


def _taylor_q4_no_half():
    f0, g, H, eps = _taylor_pieces()
    return _taylor_q4_linear() + (eps.T * H * eps)[0]


def _taylor_q4_cross_once():
    f0, g, H, eps = _taylor_pieces()
    once = H[0, 0] * eps[0]**2 + H[0, 1] * eps[0] * eps[1] + \
        H[1, 1] * eps[1]**2
    return _taylor_q4_linear() + once / 2


# ---------------------------------------------------------- question 5

F_Q5 = x**2 + 3 * x * y + y**2 + x**3


def _classify_letter():
    """The second derivative test at (0, 0), from the eigenvalues."""
    at = {x: 0, y: 0}
    assert all(v == 0 for v in symbolic.gradient(F_Q5, [x, y]).subs(at))
    lam = list(symbolic.hessian(F_Q5, [x, y]).subs(at).eigenvals())
    if all(v > 0 for v in lam):
        return "A"
    if all(v < 0 for v in lam):
        return "B"
    if any(v > 0 for v in lam) and any(v < 0 for v in lam):
        return "C"
    return "D"


# ---------------------------------------------------------- question 6

F_Q6 = (1 - x)**2 + 10 * (y - x**2)**2


def _eigenvalues_q6():
    H = symbolic.hessian(F_Q6, [x, y]).subs({x: 1, y: 1})
    return sorted(float(v) for v in H.eigenvals())


def _kappa():
    lam = _eigenvalues_q6()
    return lam[-1] / lam[0]


def _diagonal_ratio():
    H = symbolic.hessian(F_Q6, [x, y]).subs({x: 1, y: 1})
    return float(H[0, 0] / H[1, 1])


# ---------------------------------------------------------- question 7


def _f_q7(w):
    return np.log(np.sum(np.exp(w))) + 0.5 * (w @ w)


def _newton(w):
    g, H = numeric.gradient(_f_q7, w), numeric.hessian(_f_q7, w)
    return w - np.linalg.solve(H, g)


def _newton_step_only(w):
    return _newton(w) - w


def _newton_uphill(w):
    return 2 * w - _newton(w)


def _gradient_step(w):
    return w - numeric.gradient(_f_q7, w)


def _newton_diagonal_softmax(w):
    """Newton with diag(s) + I for the Hessian: the softmax Jacobian
    without its -s s^T term."""
    s = np.exp(w) / np.sum(np.exp(w))
    return w - numeric.gradient(_f_q7, w) / (s + 1)


# ---------------------------------------------------------- question 8


def _loss_q8(W):
    Z = X_Q8 @ W.T                                   # N x K scores
    picked = Z[np.arange(len(LABELS_Q8)), LABELS_Q8]
    return np.mean(np.log(np.sum(np.exp(Z), axis=1)) - picked)


@functools.lru_cache(maxsize=1)
def _hessian_q8():
    H = numeric.hessian(_loss_q8, W0_Q8)             # (3, 2, 3, 2)
    return H.reshape(W0_Q8.size, W0_Q8.size)


def _hvp(V):
    return (_hessian_q8() @ V.ravel()).reshape(W0_Q8.shape)


def _hvp_sum(V):
    return len(LABELS_Q8) * _hvp(V)


def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _hvp_diagonal_softmax(V):
    """(1/N) sum_n (s_n * (V x_n)) x_n^T: diag(s) for the softmax's
    Jacobian, without -s s^T."""
    S = _softmax_rows(X_Q8 @ W0_Q8.T)                # N x K
    U = X_Q8 @ V.T                                   # row n: (V x_n)^T
    return (S * U).T @ X_Q8 / len(LABELS_Q8)


def _grad_q8(W):
    return numeric.gradient(_loss_q8, W)


def _hvp_unit_step(V):
    return _grad_q8(W0_Q8 + V) - _grad_q8(W0_Q8)


def _gradient_at_w0(V):
    return _grad_q8(W0_Q8)


# ---------------------------------------------------------- questions

QUESTIONS = [
    MatrixQuestion(
        "ch07.q1", "H_sym", title="A Hessian, symbolically", points=1,
        shape=(3, 3), variables=["x", "y", "z"],
        prompt=r"""Let $f(x, y, z) = x^2 y + \sin(yz)$, a scalar function
of the $3 \times 1$ column $(x, y, z)$. Give its Hessian $H(x, y, z)$, the
$3 \times 3$ matrix whose entry in row $i$ and column $j$ is
$\frac{\partial^2 f}{\partial x_i\, \partial x_j}$ with
$(x_1, x_2, x_3) = (x, y, z)$, as a SymPy `Matrix` of shape $3 \times 3$
in the symbols `x`, `y`, `z` defined above. (This $f$ has continuous
second partial derivatives, so $H$ is symmetric and the layout does not
matter.) Assign it to `H_sym`.""",
        template="H_sym = None  # your answer: a 3 x 3 sympy Matrix",
        reference=_hessian_q1,
        mistakes=[(_hessian_q1_no_product_rule, "the mixed partial "
                   "∂²f/∂y∂z is wrong: ∂f/∂y = x² + z cos(yz), and "
                   "differentiating z cos(yz) by z needs the product rule."),
                  (_hessian_q1_diagonal, "only the diagonal is filled in: "
                   "the mixed partial derivatives ∂²f/∂xᵢ∂xⱼ (i ≠ j) "
                   "belong off the diagonal, and two of them are not "
                   "zero.")]),
    ArrayQuestion(
        "ch07.q2", "H_quad", title="The Hessian of a quadratic", points=1,
        shape=(3, 3),
        prompt=r"""Let
$A = \begin{bmatrix} 1 & 2 & 0 \\ -1 & 3 & 4 \\ 2 & 0 & -2
\end{bmatrix}$ (a $3 \times 3$ matrix that is *not* symmetric) and
$\mathbf{b} = (1, -1, 2)^\top$ ($3 \times 1$), both defined below. For a
column $\mathbf{x} \in \mathbb{R}^3$ let

$$
f(\mathbf{x}) = \mathbf{x}^\top A \mathbf{x} + \mathbf{b}^\top \mathbf{x}
\qquad \text{(no factor } \tfrac{1}{2}\text{)}.
$$

Its Hessian $H$ is a $3 \times 3$ matrix, the same at every point
$\mathbf{x}$ (and, like every Hessian of a function with continuous
second partial derivatives, the same in either layout). Give it as a
numpy array of shape `(3, 3)` and assign it to `H_quad`.""",
        given="A = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0], "
              "[2.0, 0.0, -2.0]])\nb = np.array([1.0, -1.0, 2.0])",
        template="H_quad = None  # your answer: a numpy array of shape "
                 "(3, 3)",
        reference=_hessian_q2,
        mistakes=[(lambda: _twice(A_Q2), "2A is not symmetric, so it "
                   "cannot be a Hessian: xᵀAx cannot tell A from Aᵀ, and "
                   "only the symmetric part (A + Aᵀ)/2 counts."),
                  (lambda: _twice(A_Q2.T), "2Aᵀ is not symmetric, so it "
                   "cannot be a Hessian: xᵀAx cannot tell A from Aᵀ, and "
                   "only the symmetric part (A + Aᵀ)/2 counts."),
                  (lambda: np.array(A_Q2, dtype=float), "A is the Hessian "
                   "of ½xᵀAx only when A is symmetric; here there is no "
                   "½ and A is not symmetric."),
                  (lambda: _twice(A_Q2 + A_Q2.T) / 4, "(A + Aᵀ)/2 is the "
                   "Hessian of ½xᵀAx; this f has no factor ½.")]),
    ArrayQuestion(
        "ch07.q3", "H_origin", title="When the mixed partials differ",
        points=1, shape=(2, 2),
        layout="entry (i, j) is ∂/∂xᵢ of ∂g/∂xⱼ: differentiate by xⱼ "
               "first; you have the two orders of differentiation swapped",
        prompt=r"""A variant of the counterexample of section 2: let

$$
g(x, y) = \frac{xy(x^2 - 2y^2)}{x^2 + y^2}, \qquad g(0, 0) = 0 .
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
0)$: differentiate by $y$ first, then by $x$.""",
        template="H_origin = None  # your answer: a numpy array of shape "
                 "(2, 2)",
        reference=_origin_q3,
        mistakes=[(_origin_symmetrised, "that is the symmetric matrix "
                   "numeric.hessian reports: it combines values of g "
                   "symmetrically, so it returns the average of the two "
                   "mixed partials. Compute each one from its limit."),
                  (lambda: _origin_equal_mixed((0, 1)), "the two mixed "
                   "partials are taken to be equal, but Schwarz's theorem "
                   "does not apply here (they are not continuous at the "
                   "origin): compute each one from its own limit."),
                  (lambda: _origin_equal_mixed((1, 0)), "the two mixed "
                   "partials are taken to be equal, but Schwarz's theorem "
                   "does not apply here (they are not continuous at the "
                   "origin): compute each one from its own limit."),
                  (lambda: _origin_cached("peano"), "those are the values "
                   "for the chapter's g, with x² − y²; this g has "
                   "x² − 2y².")]),
    ExpressionQuestion(
        "ch07.q4", "T2", title="A second-order Taylor expansion", points=1,
        variables=["x", "y"],
        prompt=r"""Let $f(x, y) = x^2 e^{y}$ and $\mathbf{x}_0 = (1, 0)$.
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
$\boldsymbol{\epsilon} = (x - 1, y)$: a SymPy expression in the symbols
`x`, `y` defined above, or a string. Assign it to `T2`.""",
        reference=_taylor_q4,
        mistakes=[(_taylor_q4_no_half, "the quadratic term is doubled: "
                   "the formula has ½εᵀHε, and forgetting the ½ is the "
                   "commonest slip with it."),
                  (_taylor_q4_cross_once, "the mixed term is halved: "
                   "εᵀHε = H₁₁ε₁² + 2H₁₂ε₁ε₂ + H₂₂ε₂², because H₁₂ and "
                   "H₂₁ both contribute, so ½εᵀHε contains H₁₂ε₁ε₂."),
                  (_taylor_q4_linear, "that is the linear approximation "
                   "T₁; the second-order expansion adds ½εᵀHε."),
                  (lambda: symbolic.taylor(F_Q4, [x, y], [0, 0], order=2),
                   "that is the expansion at (0, 0); this one is at "
                   "x₀ = (1, 0)."),
                  (lambda: _taylor_q4().subs(x, x + 1), "that is T₂ "
                   "written in the steps ε₁, ε₂ with x standing for ε₁; "
                   "write it in x and y, with ε₁ = x − 1 and ε₂ = y.")]),
    ChoiceQuestion(
        "ch07.q5", "classify", title="The second derivative test",
        points=1,
        options={"A": "a strict local minimum",
                 "B": "a strict local maximum", "C": "a saddle point",
                 "D": "the test says nothing"},
        prompt=r"""The function $f(x, y) = x^2 + 3xy + y^2 + x^3$ has a
critical point at the origin: $\nabla f(0, 0) = \mathbf{0}$ ($2 \times
1$). Use the second derivative test with its $2 \times 2$ Hessian
$H(0, 0)$. The origin is

* (A) a strict local minimum
* (B) a strict local maximum
* (C) a saddle point
* (D) the test says nothing

Assign the letter, as a string, to `classify`.""",
        reference=_classify_letter,
        hints={"A": "both diagonal entries of H(0, 0) are positive, but "
                    "that is not enough: the test looks at the signs of "
                    "the eigenvalues of H (for a 2 × 2 Hessian, at det H "
                    "too).",
               "B": "a maximum needs every eigenvalue of H negative; the "
                    "diagonal entries of H(0, 0) are positive, so H is "
                    "not negative definite.",
               "D": "the test says nothing only when H has a zero "
                    "eigenvalue and no eigenvalues of opposite signs; "
                    "compute det H(0, 0)."}),
    NumberQuestion(
        "ch07.q6", "kappa", title="A condition number", points=1,
        prompt=r"""A milder Rosenbrock valley than section 6's:
$f(x, y) = (1 - x)^2 + 10(y - x^2)^2$. Its minimum is at $(1, 1)$.
Compute the condition number $\kappa = \lambda_{\max} / \lambda_{\min}$
of its $2 \times 2$ Hessian at the minimum, $H(1, 1)$, and assign the
number to `kappa`.""",
        reference=_kappa,
        mistakes=[(_diagonal_ratio, "that is the ratio of the diagonal "
                   "entries of H(1, 1); the condition number is the ratio "
                   "of its eigenvalues."),
                  (lambda: 1 / _kappa(), "that is λ_min / λ_max, which is "
                   "at most 1; κ = λ_max / λ_min ≥ 1."),
                  (lambda: _eigenvalues_q6()[-1], "that is λ_max alone; "
                   "κ divides it by λ_min.")]),
    FunctionQuestion(
        "ch07.q7", "newton_step", title="One step of Newton's method",
        arg_name="w",
        points=2, arg_shape=(3,), out_shape=(3,), box=(-3.0, 3.0),
        edge_points=[[0.0, 0.0, 0.0]],
        prompt=r"""For a column $\mathbf{w} \in \mathbb{R}^3$ let

$$
f(\mathbf{w}) = \log \sum_{i=1}^{3} e^{w_i}
+ \tfrac{1}{2}\, \|\mathbf{w}\|^2
$$

(log-sum-exp with weight decay, defined below as `f_newton`). Its
gradient $\nabla f(\mathbf{w})$ is $3 \times 1$ and its Hessian
$H(\mathbf{w})$ is $3 \times 3$ and positive definite everywhere (why?).
Write `newton_step(w)`: it takes a numpy array `w` of shape `(3,)`, with
entries between $-3$ and $3$, and returns the next iterate of Newton's
method, $\mathbf{w} - H(\mathbf{w})^{-1} \nabla f(\mathbf{w})$, an array
of shape `(3,)` like `w`. Solve the linear system rather than invert $H$.
Use section 1's Hessian of log-sum-exp, or `numeric.gradient` and
`numeric.hessian` (after `from mathlib import numeric`).""",
        given="def f_newton(w):\n    return np.log(np.sum(np.exp(w))) + "
              "0.5 * (w @ w)",
        template="def newton_step(w):\n    # w has shape (3,); return the "
                 "next iterate, shape (3,)\n    return None  # your answer",
        reference=_newton,
        mistakes=[(_newton_step_only, "that is the Newton step "
                   "ε = −H⁻¹∇f itself; the question asks for the next "
                   "iterate w + ε."),
                  (_newton_uphill, "the step goes the wrong way, to "
                   "w + H⁻¹∇f; Newton's iterate is w − H⁻¹∇f."),
                  (_gradient_step, "that is a gradient step with η = 1; "
                   "Newton's method multiplies the gradient by H⁻¹."),
                  (_newton_diagonal_softmax, "the Hessian used is "
                   "diag(s) + I: the Jacobian of the softmax is "
                   "diag(s) − s sᵀ, not diag(s) alone.")]),
    FunctionQuestion(
        "ch07.q8", "hvp", title="A Hessian-vector product", points=2,
        arg_name="V",
        arg_shape=(3, 2), out_shape=(3, 2), box=(-1.0, 1.0),
        layout="H[V] has the shape of W, 3 x 2, like the gradient with "
               "respect to W",
        prompt=r"""A linear classifier with a $3 \times 2$ weight matrix $W$
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
rule.""",
        given="X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.5], "
              "[2.0, 1.0]])   # N x d\nlabels = np.array([0, 2, 1, 2])\n"
              "W0 = np.array([[0.5, -1.0], [0.0, 1.0], [-0.5, 0.5]])"
              "   # K x d\n\n\ndef loss(W):\n    Z = X @ W.T            "
              "                  # N x K: row n is z_n^T\n    picked = "
              "Z[np.arange(len(labels)), labels]\n    return np.mean("
              "np.log(np.sum(np.exp(Z), axis=1)) - picked)",
        template="def hvp(V):\n    # V has shape (3, 2); return H[V], "
                 "shape (3, 2)\n    return None  # your answer",
        reference=_hvp,
        mistakes=[(_hvp_sum, "it is N = 4 times too large: the loss is a "
                   "mean over the examples, and its 1/N stays in the "
                   "gradient and in H[V]."),
                  (_hvp_diagonal_softmax, "the Jacobian of the softmax "
                   "is diag(s) − s sᵀ (section 1's Hessian of "
                   "log-sum-exp), not diag(s) alone: the term "
                   "−s(sᵀu), with u = V xₙ, is missing."),
                  (_hvp_unit_step, "that is ∇L(W₀ + V) − ∇L(W₀), a "
                   "difference of gradients with the step t = 1; H[V] is "
                   "the limit of [∇L(W₀ + tV) − ∇L(W₀)]/t as t → 0 "
                   "(take it exactly, or with a small t)."),
                  (_gradient_at_w0, "that is the gradient ∇L(W₀), the "
                   "same for every V; H[V] is its derivative along V.")]),
]

CHAPTER = Chapter(
    "ch07", 7, "Hessians and quadratic approximation",
    intro="""The Hessian and its symmetry (and when that fails), the
second-order Taylor expansion, the second derivative test, the condition
number, Newton's method and Hessian-vector products: the questions follow
chapter 7 in order, from routine to one that stretches (8).""",
    given='x, y, z = sp.symbols("x y z", real=True)   # for questions 1, 4',
    questions=QUESTIONS)
