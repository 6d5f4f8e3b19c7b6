"""The rules of chapters 1 to 6, written once as expressions.

Introduced in chapters 1 to 6; see :mod:`mathlib.identities`. Each
``register(formula_rule(...))`` states the function, the variable, the
derivative in numerator layout and, where it differs, in denominator
layout (for a scalar function, the gradient), and the printed shapes.
"""

import numpy as np

from . import _away, formula_rule, register
from ._expr import (HadDiv, Had, Eye, Frac, Kron, Ones, PerN, T,
                    Call, VCall, cos, diag, exp, log, mat, positive,
                    power, relu, sca, sigma, sin, sqnorm, tanh, tanh2, tr,
                    vec, vecop)

x, y, z, w, b = vec("x"), vec("y"), sca("z"), vec("w"), sca("b")
xs, t = sca("x"), sca("t")
u, v, g, bv = vec("u"), vec("v"), vec("g"), vec("b")
W, X, G, Y = mat("W"), mat("X"), mat("G"), mat("Y")
I, ONE = Eye(x), Ones(x)
NN, N1, ONE_N = r"n \times n", r"n \times 1", r"1 \times n"


def _vecs(*names):
    return lambda d: {a: (d["n"],) for a in names}


def _vec_scalar(d):
    return {"x": (d["n"],), "z": ()}


def _scalar_x(d):
    return {"x": ()}


# ---------------------------------------------------------------------------
# random instances of unspecified functions (for rules stated in general)
# ---------------------------------------------------------------------------

def _smooth(rng):
    """(u, u', u'') for u(t) = a sin(b t + c) + d t, random a, b, c, d."""
    a, bb, c, d = rng.uniform(0.5, 1.5, 4) * rng.choice([-1, 1], 4)
    return (lambda s: a * np.sin(bb * s + c) + d * s,
            lambda s: a * bb * np.cos(bb * s + c) + d,
            lambda s: -a * bb ** 2 * np.sin(bb * s + c))


def _positive(rng):
    """(u, u', u'') for u(t) = 2 + sin(b t + c), between 1 and 3."""
    bb, c = rng.uniform(0.5, 1.5, 2)
    return (lambda s: 2 + np.sin(bb * s + c),
            lambda s: bb * np.cos(bb * s + c),
            lambda s: -bb ** 2 * np.sin(bb * s + c))


def _vector_fn(rng, n_in, n_out):
    """(f, J_f) for f(u) = tanh(M u + c), with random M and c."""
    M = rng.standard_normal((n_out, n_in))
    c = rng.standard_normal((n_out, 1))

    def f(s):
        return np.tanh(M @ s + c)

    def J(s):
        return (1 - np.tanh(M @ s + c) ** 2) * M
    return f, J


def _with(**families):
    """A sampler: standard normal arrays for ``shapes``, plus random
    instances of the named unspecified functions."""
    def sample(rng, d, shapes):
        args = {k: (float(rng.standard_normal()) if s == ()
                    else rng.standard_normal(s)) for k, s in shapes.items()}
        for name, family in families.items():
            args[name] = family(rng, d)
        return args
    return sample


def _sampler(shapes, **families):
    draw = _with(**families)
    return lambda rng, d: draw(rng, d, shapes(d))


GENERIC = "any differentiable functions (checked on random smooth ones)"

# ---------------------------------------------------------------------------
# chapter 1: limits and derivatives
# ---------------------------------------------------------------------------

f_, g_ = Call("f", xs), Call("g", xs)
_FG = dict(f=lambda rng, d: _smooth(rng), g=lambda rng, d: _smooth(rng))

register(formula_rule(
    "sum-rule", "Sum rule", 1, f_ + g_, xs, f_.d() + g_.d(),
    shapes=_scalar_x, sample=_sampler(_scalar_x, **_FG), style="d",
    domain=GENERIC))
register(formula_rule(
    "product-rule", "Product rule", 1, f_ * g_, xs,
    f_.d() * g_ + f_ * g_.d(), shapes=_scalar_x,
    sample=_sampler(_scalar_x, **_FG), style="d", domain=GENERIC))
register(formula_rule(
    "quotient-rule", "Quotient rule", 1, Frac(f_, g_), xs,
    Frac(f_.d() * g_ - f_ * g_.d(), power(g_, 2)), shapes=_scalar_x,
    sample=_sampler(_scalar_x, f=lambda rng, d: _smooth(rng),
                    g=lambda rng, d: _positive(rng)),
    style="d", domain="g(x) ≠ 0 (checked on random g between 1 and 3)"))
register(formula_rule(
    "chain-rule", "Chain rule", 1, Call("f", g_), xs,
    Call("f", g_, 1) * g_.d(), shapes=_scalar_x,
    sample=_sampler(_scalar_x, **_FG), style="d", domain=GENERIC))
register(formula_rule(
    "sigmoid-derivative", "Derivative of the sigmoid", 1, sigma(xs), xs,
    sigma(xs) * (1 - sigma(xs)), shapes=_scalar_x, style="d"))

# ---------------------------------------------------------------------------
# chapter 2: partial derivatives and gradients
# ---------------------------------------------------------------------------

s = vec("s")
register(formula_rule(
    "lse-gradient", "Log-sum-exp: its gradient is the softmax", 2,
    log(T(ONE) * exp(x)), x, T(s), s,
    where=[(s, Frac(exp(x), T(ONE) * exp(x)))],
    shape_num=ONE_N, shape_den=N1, shapes=_vecs("x")))
register(formula_rule(
    "bilinear-wrt-X", "Bilinear form a^T X b, by X", 2,
    T(vec("a")) * X * bv, X, bv * T(vec("a")), vec("a") * T(bv),
    arrange="matrix", shape_num=r"n \times m", shape_den=r"m \times n",
    shapes=lambda d: {"a": (d["m"],), "X": (d["m"], d["n"]),
                      "b": (d["n"],)}))

# ---------------------------------------------------------------------------
# chapter 3: directional derivatives and gradient descent
# ---------------------------------------------------------------------------

A = mat("A")
register(formula_rule(
    "quadratic-gradient", "Quadratic function 1/2 x^T A x + b^T x", 3,
    Frac(1, 2) * T(x) * A * x + T(bv) * x, x,
    Frac(1, 2) * T(x) * (A + T(A)) + T(bv),
    Frac(1, 2) * (A + T(A)) * x + bv, shape_num=ONE_N, shape_den=N1,
    shapes=lambda d: {"x": (d["n"],), "A": (d["n"], d["n"]),
                      "b": (d["n"],)},
    domain="any square A (samples are not symmetric); for symmetric A "
           "the gradient is A x + b"))
register(formula_rule(
    "directional-derivative", "Directional derivative: for a unit "
    "vector v, the rate of change along v is grad f(x)^T v (here f = "
    "log-sum-exp)", 3,
    log(T(ONE) * exp(x + t * v)), t, T(s) * v,
    where=[(s, Frac(exp(x + t * v), T(ONE) * exp(x + t * v)))],
    shapes=lambda d: {"x": (d["n"],), "v": (d["n"],), "t": ()},
    domain=r"$\lVert \mathbf{v} \rVert = 1$ for the directional "
           r"derivative, which chapter 3 defines for unit vectors only; "
           r"for any other $\mathbf{v}$ the same formula gives "
           r"$\lVert \mathbf{v} \rVert$ times the directional "
           r"derivative along $\mathbf{v} / \lVert \mathbf{v} \rVert$ "
           r"(the test samples any $\mathbf{v}$)",
    style="d"))

# ---------------------------------------------------------------------------
# chapter 4: element-wise operations, scalar expansion, reductions
# ---------------------------------------------------------------------------


def _y_away(rng, d):
    return {"x": rng.standard_normal(d["n"]), "y": _away(rng, d["n"])}


def _z_away(rng, d):
    return {"x": rng.standard_normal(d["n"]), "z": _away(rng, ())}


NO_ZERO_Y = "y has no zero entry (samples: |yᵢ| ≥ 0.5)"
NO_ZERO_Z = "z ≠ 0 (samples: |z| ≥ 0.5)"
XY = _vecs("x", "y")


def _same(name, title, f, wrt, d, shape=NN, **kw):
    register(formula_rule(name, title, 4, f, wrt, d, shape_num=shape,
                          shapes=kw.pop("shapes", XY), **kw))


_same("add-wrt-x", "Element-wise sum, by the first operand", x + y, x, I)
_same("add-wrt-y", "Element-wise sum, by the second operand", x + y, y, I)
_same("sub-wrt-x", "Element-wise difference, by the first operand",
      x - y, x, I)
_same("sub-wrt-y", "Element-wise difference, by the second operand",
      x - y, y, -I)
_same("hadamard-wrt-x", "Hadamard product, by the first operand",
      Had(x, y), x, diag(y))
_same("hadamard-wrt-y", "Hadamard product, by the second operand",
      Had(x, y), y, diag(x))
_same("div-wrt-x", "Element-wise quotient, by the numerator",
      HadDiv(x, y), x, diag(HadDiv(ONE, y)), sample=_y_away,
      domain=NO_ZERO_Y)
_same("div-wrt-y", "Element-wise quotient, by the denominator",
      HadDiv(x, y), y, -diag(HadDiv(x, Had(y, y))), sample=_y_away,
      domain=NO_ZERO_Y)
_same("elementwise-unary", "A function applied entry by entry",
      Call("f", x), x, diag(Call("f", x, 1)), shapes=_vecs("x"),
      sample=_sampler(_vecs("x"), f=lambda rng, d: _smooth(rng)),
      domain=GENERIC)

# scalar expansion: z is a scalar, broadcast to every entry of x
_same("scalar-add-wrt-x", "Vector plus scalar, by the vector", x + z, x,
      I, shapes=_vec_scalar)
register(formula_rule(
    "scalar-add-wrt-z", "Vector plus scalar, by the scalar", 4, x + z, z,
    ONE, T(ONE), shape_num=N1, shape_den=ONE_N, shapes=_vec_scalar))
_same("scalar-sub-wrt-x", "Vector minus scalar, by the vector", x - z, x,
      I, shapes=_vec_scalar)
register(formula_rule(
    "scalar-sub-wrt-z", "Vector minus scalar, by the scalar", 4, x - z, z,
    -ONE, -T(ONE), shape_num=N1, shape_den=ONE_N, shapes=_vec_scalar))
_same("scalar-mul-wrt-x", "Vector times scalar, by the vector", z * x, x,
      z * I, shapes=_vec_scalar)
register(formula_rule(
    "scalar-mul-wrt-z", "Vector times scalar, by the scalar", 4, z * x, z,
    x, T(x), shape_num=N1, shape_den=ONE_N, shapes=_vec_scalar))
_same("scalar-div-wrt-x", "Vector over scalar, by the vector",
      Frac(x, z), x, Frac(1, z) * I, shapes=_vec_scalar, sample=_z_away,
      domain=NO_ZERO_Z)
register(formula_rule(
    "scalar-div-wrt-z", "Vector over scalar, by the scalar", 4,
    Frac(x, z), z, -Frac(x, power(z, 2)), -Frac(T(x), power(z, 2)),
    shape_num=N1, shape_den=ONE_N, shapes=_vec_scalar, sample=_z_away,
    domain=NO_ZERO_Z))

# reductions
register(formula_rule(
    "sum-wrt-x", "Sum of the entries", 4, T(ONE) * x, x, T(ONE), ONE,
    shape_num=ONE_N, shape_den=N1, shapes=_vecs("x")))
register(formula_rule(
    "scaled-sum-wrt-x", "Sum of a scaled vector, by the vector", 4,
    T(ONE) * (z * x), x, z * T(ONE), z * ONE, shape_num=ONE_N,
    shape_den=N1, shapes=_vec_scalar))
register(formula_rule(
    "scaled-sum-wrt-z", "Sum of a scaled vector, by the scalar", 4,
    T(ONE) * (z * x), z, T(ONE) * x, shapes=_vec_scalar))
register(formula_rule(
    "dot-wrt-x", "Dot product, by the first vector", 4, T(x) * y, x,
    T(y), y, shape_num=ONE_N, shape_den=N1, shapes=XY))
register(formula_rule(
    "dot-wrt-y", "Dot product, by the second vector", 4, T(x) * y, y,
    T(x), x, shape_num=ONE_N, shape_den=N1, shapes=XY))

# ---------------------------------------------------------------------------
# chapter 5: the chain rules
# ---------------------------------------------------------------------------

us, ys = sca("u"), sca("y")
register(formula_rule(
    "chain-single-variable", "Single-variable chain rule, through an "
    "intermediate variable", 5, ys, xs,
    Call("f", us, 1) * Call("g", xs, 1),
    where=[(us, Call("g", xs)), (ys, Call("f", us))], shapes=_scalar_x,
    sample=_sampler(_scalar_x, **_FG), style="d", domain=GENERIC))
register(formula_rule(
    "chain-total-derivative", "Total-derivative chain rule: x enters "
    "directly and through u (an example)", 5, ys, xs,
    us + 2 * xs * (xs + cos(us)),
    where=[(us, power(xs, 2)), (ys, xs * us + sin(us))],
    shapes=_scalar_x, style="d"))


def _fg_vectors(rng, d, scalar_x=False):
    n_in = 1 if scalar_x else d["n"]
    return {"f": _vector_fn(rng, n_in, d["k"]),
            "g": _vector_fn(rng, d["k"], d["m"])}


def _chain_sample(scalar_x):
    def sample(rng, d):
        args = {"x": float(rng.standard_normal()) if scalar_x
                else rng.standard_normal(d["n"])}
        return {**args, **_fg_vectors(rng, d, scalar_x)}
    return sample


fx = VCall("f", x)
register(formula_rule(
    "chain-vector-of-scalar", "Vector chain rule, scalar variable", 5,
    VCall("g", VCall("f", xs)), xs,
    VCall("g", VCall("f", xs), jac=True) * VCall("f", xs, jac=True),
    T(VCall("f", xs, jac=True)) * T(VCall("g", VCall("f", xs), jac=True)),
    shape_num=r"m \times 1", shape_den=r"1 \times m", shapes=_scalar_x,
    sample=_chain_sample(True),
    domain="f: ℝ → ℝᵏ, g: ℝᵏ → ℝᵐ differentiable (checked on random "
           "smooth ones)"))
register(formula_rule(
    "chain-vector", "Vector chain rule: Jacobians multiply in the order "
    "of the chain (reversed when transposed)", 5, VCall("g", fx), x,
    VCall("g", fx, jac=True) * fx.J(), T(fx.J()) * T(VCall("g", fx,
                                                           jac=True)),
    shape_num=r"m \times n", shape_den=r"n \times m", shapes=_vecs("x"),
    sample=_chain_sample(False),
    domain="f: ℝⁿ → ℝᵏ, g: ℝᵏ → ℝᵐ differentiable (checked on "
           "random smooth ones)"))
register(formula_rule(
    "vjp", "Vector-Jacobian product (reverse mode): the gradient of "
    "u^T f(x)", 5, T(u) * fx, x, T(u) * fx.J(), T(fx.J()) * u,
    shape_num=ONE_N, shape_den=N1,
    shapes=lambda d: {"x": (d["n"],), "u": (d["k"],)},
    sample=lambda rng, d: {"x": rng.standard_normal(d["n"]),
                           "u": rng.standard_normal(d["k"]),
                           "f": _vector_fn(rng, d["n"], d["k"])},
    domain="f: ℝⁿ → ℝᵏ differentiable (checked on random smooth ones)"))
register(formula_rule(
    "jvp", "Jacobian-vector product (forward mode): the rate of change "
    "of f along v", 5, VCall("f", x + t * v), t,
    VCall("f", x + t * v, jac=True) * v,
    T(v) * T(VCall("f", x + t * v, jac=True)), shape_num=r"k \times 1",
    shape_den=r"1 \times k",
    shapes=lambda d: {"x": (d["n"],), "v": (d["n"],), "t": ()},
    sample=lambda rng, d: {"x": rng.standard_normal(d["n"]),
                           "v": rng.standard_normal(d["n"]),
                           "t": float(rng.standard_normal()),
                           "f": _vector_fn(rng, d["n"], d["k"])},
    style="d",
    domain="f: ℝⁿ → ℝᵏ differentiable (checked on random smooth ones)"))

# ---------------------------------------------------------------------------
# chapter 6: activations, a neuron, a loss, a layer
# ---------------------------------------------------------------------------

_KINK = ("w·x + b ≠ 0: the kink of max(0, ·) has no derivative "
         "(samples: |w·x + b| ≥ 0.5, both signs)")
_MSE_KINK = ("every zᵢ ≠ 0 (samples: |zᵢ| ≥ 0.5, both signs); row i "
             "of X is the example xᵢ")


def _neuron_sample(rng, d):
    """w, x normal; b chosen so that w.x + b = +-(0.5 + |N(0,1)|)."""
    wv, xv = rng.standard_normal(d["n"]), rng.standard_normal(d["n"])
    return {"w": wv, "x": xv, "b": float(_away(rng, ()) - wv @ xv)}


def _mse_sample(rng, d):
    """Rows x_i moved along w so that every w.x_i + b is away from 0."""
    wv, bb = rng.standard_normal(d["n"]), float(rng.standard_normal())
    Xv = rng.standard_normal((d["N"], d["n"]))
    zv = _away(rng, d["N"])
    Xv += np.outer(zv - (Xv @ wv + bb), wv) / (wv @ wv)
    return {"w": wv, "b": bb, "X": Xv, "y": rng.standard_normal(d["N"])}


zz, C, L = vec("z"), sca("C"), sca("L")
register(formula_rule(
    "relu", "ReLU, entry by entry", 6, relu(x), x, diag(positive(x)),
    shape_num=NN, shapes=_vecs("x"),
    sample=lambda rng, d: {"x": _away(rng, d["n"])},
    domain="no xᵢ = 0, the kink (samples: |xᵢ| ≥ 0.5)"))
register(formula_rule(
    "sigmoid", "Sigmoid, entry by entry", 6, sigma(x), x,
    diag(Had(sigma(x), ONE - sigma(x))), shape_num=NN, shapes=_vecs("x")))
register(formula_rule(
    "tanh", "Hyperbolic tangent, entry by entry", 6, tanh(x), x,
    diag(ONE - tanh2(x)), shape_num=NN, shapes=_vecs("x")))
_NEURON = lambda d: {"w": (d["n"],), "b": (), "x": (d["n"],)}  # noqa
_ZN = [(z, T(w) * x + b)]
register(formula_rule(
    "neuron-wrt-w", "Neuron max(0, w.x + b), by the weights", 6, relu(z),
    w, positive(z) * T(x), positive(z) * x, where=_ZN, shape_num=ONE_N,
    shape_den=N1, shapes=_NEURON, sample=_neuron_sample, domain=_KINK))
register(formula_rule(
    "neuron-wrt-b", "Neuron max(0, w.x + b), by the bias", 6, relu(z), b,
    positive(z), where=_ZN, shapes=_NEURON, sample=_neuron_sample,
    domain=_KINK))
_MSE = lambda d: {"w": (d["n"],), "b": (), "X": (d["N"], d["n"]),  # noqa
                  "y": (d["N"],)}
_DELTA = Had(relu(zz) - y, positive(zz))
_ZC = [(zz, X * w + b * Ones(y)),
       (C, PerN(1, sqnorm(relu(zz) - y), y))]
register(formula_rule(
    "mse-loss-wrt-w", "Mean squared error of a ReLU neuron, by w", 6, C, w,
    PerN(2, T(_DELTA) * X, y), PerN(2, T(X) * _DELTA, y), where=_ZC,
    shape_num=ONE_N, shape_den=N1, shapes=_MSE, sample=_mse_sample,
    domain=_MSE_KINK))
register(formula_rule(
    "mse-loss-wrt-b", "Mean squared error of a ReLU neuron, by b", 6, C, b,
    PerN(2, T(Ones(y)) * _DELTA, y), where=_ZC, shapes=_MSE,
    sample=_mse_sample, domain=_MSE_KINK))

# a layer on one example: W x + b, W in R^{m x n}
_LAYER = lambda d: {"W": (d["m"], d["n"]), "x": (d["n"],),  # noqa: E731
                    "b": (d["m"],)}
_LAYER_G = lambda d: {**_LAYER(d), "g": (d["m"],)}  # noqa: E731
_L1 = [(L, T(g) * (W * x + bv))]
register(formula_rule(
    "affine-wrt-x", "Affine map Wx + b, by x", 6, W * x + bv, x, W, T(W),
    shape_num=r"m \times n", shape_den=r"n \times m", shapes=_LAYER))
register(formula_rule(
    "affine-wrt-b", "Affine map Wx + b, by b", 6, W * x + bv, bv,
    Eye(bv, "m"), shape_num=r"m \times m", shapes=_LAYER))
register(formula_rule(
    "affine-wrt-W", "Affine map Wx + b, by W (as a Jacobian of vec W)", 6,
    W * x + bv, W, Kron(T(x), Eye(bv, "m")), Kron(x, Eye(bv, "m")),
    arrange="vec", shape_num=r"m \times mn", shape_den=r"mn \times m",
    shapes=_LAYER))
register(formula_rule(
    "affine-loss-wrt-W", "Scalar loss of Wx + b, by W", 6, L, W,
    x * T(g), g * T(x), where=_L1, arrange="matrix",
    shape_num=r"n \times m", shape_den=r"m \times n", shapes=_LAYER_G,
    domain="g is the upstream gradient of the loss with respect to "
           "Wx + b (any vector)"))
register(formula_rule(
    "affine-loss-wrt-x", "Scalar loss of Wx + b, by x", 6, L, x,
    T(g) * W, T(W) * g, where=_L1, shape_num=ONE_N, shape_den=N1,
    shapes=_LAYER_G))
register(formula_rule(
    "affine-loss-wrt-b", "Scalar loss of Wx + b, by b", 6, L, bv, T(g), g,
    where=_L1, shape_num=r"1 \times m", shape_den=r"m \times 1",
    shapes=_LAYER_G))

# a layer on a batch: Y = X W^T + 1 b^T, X in R^{N x n} (examples as rows)
_BATCH = lambda d: {"X": (d["N"], d["n"]),  # noqa: E731
                    "W": (d["m"], d["n"]), "b": (d["m"],)}
_BATCH_G = lambda d: {**_BATCH(d), "G": (d["N"], d["m"])}  # noqa: E731
ONES_N, I_M = Ones(X, "N"), Eye(bv, "m")
_YB = [(Y, X * T(W) + ONES_N * T(bv))]
_LB = _YB + [(L, tr(T(G) * Y))]
_UPSTREAM = (r"$G = \nabla_Y L$, the upstream gradient (the gradient "
             r"of the loss by $Y$, in the shape of $Y$: any "
             r"$N \times m$ matrix)")
register(formula_rule(
    "batch-layer-wrt-W", "Batch layer, by W (as Jacobians of vec's)", 6,
    vecop(T(Y)), W, Kron(X, I_M), Kron(T(X), I_M), where=_YB,
    arrange="vec", shape_num=r"Nm \times mn", shape_den=r"mn \times Nm",
    shapes=_BATCH))
register(formula_rule(
    "batch-layer-wrt-X", "Batch layer, by X (as Jacobians of vec's)", 6,
    vecop(T(Y)), X, Kron(Eye(X, "N"), W), Kron(Eye(X, "N"), T(W)),
    where=_YB, arrange="vecT", shape_num=r"Nm \times Nn",
    shape_den=r"Nn \times Nm", shapes=_BATCH))
register(formula_rule(
    "batch-layer-wrt-b", "Batch layer, by b (as a Jacobian of a vec)", 6,
    vecop(T(Y)), bv, Kron(ONES_N, I_M), Kron(T(ONES_N), I_M), where=_YB,
    shape_num=r"Nm \times m", shape_den=r"m \times Nm", shapes=_BATCH))
register(formula_rule(
    "batch-layer-loss-wrt-W", "Scalar loss of a batch layer, by W", 6, L,
    W, T(X) * G, T(G) * X, where=_LB, arrange="matrix",
    shape_num=r"n \times m", shape_den=r"m \times n", shapes=_BATCH_G,
    domain=_UPSTREAM))
register(formula_rule(
    "batch-layer-loss-wrt-X", "Scalar loss of a batch layer, by X", 6, L,
    X, T(W) * T(G), G * W, where=_LB, arrange="matrix",
    shape_num=r"n \times N", shape_den=r"N \times n", shapes=_BATCH_G,
    domain=_UPSTREAM))
register(formula_rule(
    "batch-layer-loss-wrt-b", "Scalar loss of a batch layer, by b", 6, L,
    bv, T(ONES_N) * G, T(G) * ONES_N, where=_LB, shape_num=r"1 \times m",
    shape_den=r"m \times 1", shapes=_BATCH_G, domain=_UPSTREAM))
