"""Test battery for mathlib.numeric: functions with exact derivatives.

Used by tests/test_numeric.py (accuracy targets) and benchmarks/numeric.py
(accuracy and speed against numdifftools and scipy.differentiate).

Every case is a `Case`: a function, a point, the kind of derivative
("gradient", "jacobian" or "hessian") and the exact derivative written
analytically (for the nearly singular log det case evaluated with mpmath at
40 digits, since float64 formulas lose ~cond(X) * eps there).

`CASES` holds the complex-safe battery (targets: relative error 1e-13 for
gradients and Jacobians, 3e-11 for Hessians); `UNSAFE_CASES` holds
functions that are not complex-safe (np.abs, np.maximum, np.where, ReLU,
np.logaddexp, slogdet), evaluated away from their kinks (target 1e-10 for
first derivatives).
"""

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["Case", "CASES", "UNSAFE_CASES", "relative_error"]


@dataclass
class Case:
    name: str            # function, e.g. "log-sum-exp"
    point: str           # "ordinary", "steep" or "large"
    kind: str            # "gradient", "jacobian" or "hessian"
    f: Callable
    x: np.ndarray
    exact: np.ndarray

    @property
    def label(self):
        return f"{self.name} @ {self.point}"


def relative_error(est, exact):
    """Normwise relative error ||est - exact|| / ||exact|| (Frobenius);
    the absolute error when exact is zero."""
    est, exact = np.asarray(est, float), np.asarray(exact, float)
    if est.shape != exact.shape:
        raise ValueError(f"shape {est.shape} != exact {exact.shape}")
    scale = np.linalg.norm(exact)
    return float(np.linalg.norm(est - exact) / (scale if scale else 1.0))


# ---------------------------------------------------------------- functions

def lse(x):
    """log-sum-exp, stabilized by the max (complex-safe: the identity
    lse(x) = m + log sum exp(x - m) holds for any m, even complex)."""
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / np.sum(e)


def lse_grad(x):
    return softmax(x)


def lse_hess(x):
    p = softmax(x)
    return np.diag(p) - np.outer(p, p)


def gauss(x):
    return x[0] * np.exp(-x[0] ** 2 - x[1] ** 2)


def gauss_grad(x):
    a, b = x
    e = np.exp(-a * a - b * b)
    return np.array([(1 - 2 * a * a) * e, -2 * a * b * e])


def gauss_hess(x):
    a, b = x
    e = np.exp(-a * a - b * b)
    fab = -2 * b * (1 - 2 * a * a) * e
    return np.array([[(4 * a ** 3 - 6 * a) * e, fab],
                     [fab, a * (4 * b * b - 2) * e]])


def trig(x):
    return np.sin(x[0]) * np.cos(x[1]) + x[0] ** 3 * x[1]


def trig_grad(x):
    a, b = x
    return np.array([np.cos(a) * np.cos(b) + 3 * a * a * b,
                     -np.sin(a) * np.sin(b) + a ** 3])


def trig_hess(x):
    a, b = x
    fab = -np.cos(a) * np.sin(b) + 3 * a * a
    return np.array([[-np.sin(a) * np.cos(b) + 6 * a * b, fab],
                     [fab, -np.sin(a) * np.cos(b)]])


_rng = np.random.default_rng(0)
A10 = _rng.standard_normal((10, 10))          # not symmetric
X10 = _rng.standard_normal(10)


def quad(x):
    return x @ A10 @ x


W1 = _rng.standard_normal((8, 5)) / 2
B1 = _rng.standard_normal(8) / 2
W2 = _rng.standard_normal((3, 8)) / 2
B2 = _rng.standard_normal(3) / 2
X5 = _rng.standard_normal(5)


def make_mlp(scale):
    """Softplus MLP R^5 -> R^3 with weights multiplied by `scale`, and
    its exact Jacobian W2 diag(sigmoid(z)) W1."""
    w1, b1, w2 = scale * W1, scale * B1, scale * W2

    def mlp(x):
        return w2 @ np.log1p(np.exp(w1 @ x + b1)) + B2

    def mlp_jac(x):
        z = w1 @ x + b1
        return w2 @ (w1 / (1 + np.exp(-z))[:, None])

    return mlp, mlp_jac


def softmax_jac(x):
    p = softmax(x)
    return np.diag(p) - np.outer(p, p)


VA = _rng.standard_normal(3)
VB = _rng.standard_normal(4)
A34 = _rng.standard_normal((3, 4))
A43 = _rng.standard_normal((4, 3))
X34 = _rng.standard_normal((3, 4))


def bilinear(X):
    return VA @ X @ VB


def trace_ax(X):
    return np.trace(A43 @ X)


def logdet(X):
    return np.log(np.linalg.det(X))


def logdet_grad(X):
    return _mp_inverse(X).T


def logdet_hess(X):
    """H[i, j, k, l] = -inv(X)[j, k] * inv(X)[l, i]."""
    Y = _mp_inverse(X)
    return -np.einsum("jk,li->ijkl", Y, Y)


def _mp_inverse(X):
    import mpmath
    with mpmath.workdps(40):
        Y = mpmath.matrix(X.tolist()) ** -1
        return np.array(Y.tolist(), dtype=float)


def _nearly_singular(smallest):
    """A 3 x 3 X = Q diag(2, 1, smallest) R^T with det > 0."""
    q, _ = np.linalg.qr(np.random.default_rng(1).standard_normal((3, 3)))
    r, _ = np.linalg.qr(np.random.default_rng(2).standard_normal((3, 3)))
    X = q @ np.diag([2.0, 1.0, smallest]) @ r.T
    return X if np.linalg.det(X) > 0 else X[::-1].copy()


XLOGDET = np.array([[2.0, 0.3, -0.4], [0.1, 1.5, 0.2], [0.3, -0.2, 1.8]])
XSING = _nearly_singular(1e-3)

XF = _rng.standard_normal((4, 5))
UF = _rng.standard_normal((4, 2))
VF = _rng.standard_normal((2, 5))


def frob_x(X):
    R = X - UF @ VF
    return np.sum(R * R)


def frob_u(U):
    R = XF - U @ VF
    return np.sum(R * R)


def frob_u_hess():
    """H[i, j, k, l] = 2 delta_ik (V V^T)[l, j]."""
    return 2 * np.einsum("ik,lj->ijkl", np.eye(4), VF @ VF.T)


# ------------------------------------------------------------------- cases

def _cases():
    x_lse = np.array([0.5, -1.2, 2.0, 0.3])
    x_big = np.array([100.0, 101.0, 99.0])
    x_steep_lse = np.array([8.0, -6.0, 5.0, 9.0])
    g_pts = [("ordinary", np.array([0.5, 0.3])),
             ("near peak", np.array([0.7, 0.05])),
             ("steep", np.array([2.5, -1.5]))]
    t_pts = [("ordinary", np.array([0.7, -1.3])),
             ("large", np.array([30.0, 20.0]))]
    mlp, mlp_jac = make_mlp(1.0)
    mlp4, mlp4_jac = make_mlp(4.0)
    x_sm = np.array([0.2, -0.4, 1.1, 0.7, -1.5])
    x_sm_big = np.array([100.0, 101.0, 99.0, 98.5, 100.5])
    eye4 = np.einsum("ik,jl->ijkl", np.eye(4), np.eye(5))
    out = []

    def add(name, point, f, x, grad=None, hess=None, jac=None):
        if grad is not None:
            out.append(Case(name, point, "gradient", f, x, grad(x)))
        if jac is not None:
            out.append(Case(name, point, "jacobian", f, x, jac(x)))
        if hess is not None:
            out.append(Case(name, point, "hessian", f, x, hess(x)))

    for point, x in [("ordinary", x_lse), ("large", x_big),
                     ("steep", x_steep_lse)]:
        add("log-sum-exp", point, lse, x, lse_grad, lse_hess)
    for point, x in g_pts:
        add("x exp(-x^2-y^2)", point, gauss, x, gauss_grad, gauss_hess)
    for point, x in t_pts:
        add("sin x cos y + x^3 y", point, trig, x, trig_grad, trig_hess)
    for point, x in [("ordinary", X10), ("large", 1e3 * X10)]:
        add("x^T A x (10-D)", point, quad, x, lambda x: (A10 + A10.T) @ x,
            lambda x: A10 + A10.T)
    add("softplus MLP R^5->R^3", "ordinary", mlp, X5, jac=mlp_jac)
    add("softplus MLP R^5->R^3", "steep", mlp4, X5, jac=mlp4_jac)
    add("softmax R^5->R^5", "ordinary", softmax, x_sm, jac=softmax_jac)
    add("softmax R^5->R^5", "large", softmax, x_sm_big, jac=softmax_jac)
    add("softmax R^5->R^5", "steep", softmax, 8 * x_sm, jac=softmax_jac)
    add("a^T X b", "ordinary", bilinear, X34,
        lambda X: np.outer(VA, VB), lambda X: np.zeros((3, 4, 3, 4)))
    add("trace(A X)", "ordinary", trace_ax, X34,
        lambda X: A43.T, lambda X: np.zeros((3, 4, 3, 4)))
    add("log det X", "ordinary", logdet, XLOGDET, logdet_grad, logdet_hess)
    add("log det X", "nearly singular", logdet, XSING, logdet_grad,
        logdet_hess)
    add("||X - UV||_F^2 wrt X", "ordinary", frob_x, XF,
        lambda X: 2 * (X - UF @ VF), lambda X: 2 * eye4)
    add("||X - UV||_F^2 wrt U", "ordinary", frob_u, UF,
        lambda U: -2 * (XF - U @ VF) @ VF.T, lambda U: frob_u_hess())
    return out


CASES = _cases()


# -------------------------------------------------- not complex-safe cases

def abs_pow(x):
    return np.sum(np.abs(x) ** 1.5)


def abs_pow_grad(x):
    return 1.5 * np.sign(x) * np.abs(x) ** 0.5


def abs_pow_hess(x):
    return np.diag(0.75 * np.abs(x) ** -0.5)


def relu_mlp(x):
    return W2 @ np.maximum(W1 @ x + B1, 0.0) + B2


def relu_mlp_jac(x):
    return W2 @ (W1 * (W1 @ x + B1 > 0)[:, None])


def relu_mask(x):
    z = W1 @ x + B1
    return np.sum(np.tanh(z * (z > 0)))


def relu_mask_grad(x):
    z = W1 @ x + B1
    return W1.T @ ((z > 0) / np.cosh(z) ** 2)


def huber(x):
    a = np.abs(x)
    return np.sum(np.where(a < 1.0, 0.5 * x * x, a - 0.5))


def huber_grad(x):
    return np.where(np.abs(x) < 1.0, x, np.sign(x))


def softplus_lae(x):
    return np.sum(np.logaddexp(0.0, 3.0 * x))


def softplus_lae_grad(x):
    return 3.0 / (1.0 + np.exp(-3.0 * x))


def slogdet(X):
    return np.linalg.slogdet(X)[1]


def _unsafe_cases():
    x = np.array([0.8, -1.3, 0.4, 2.1])
    out = [Case("sum |x|^1.5 (np.abs)", "ordinary", "gradient", abs_pow, x,
                abs_pow_grad(x)),
           Case("sum |x|^1.5 (np.abs)", "ordinary", "hessian", abs_pow, x,
                abs_pow_hess(x)),
           Case("ReLU MLP (np.maximum)", "ordinary", "jacobian", relu_mlp,
                X5, relu_mlp_jac(X5)),
           Case("tanh(z*(z>0)) (mask)", "ordinary", "gradient", relu_mask,
                X5, relu_mask_grad(X5)),
           Case("huber (np.where)", "ordinary", "gradient", huber,
                np.array([0.3, -2.0, 1.7, -0.6]),
                huber_grad(np.array([0.3, -2.0, 1.7, -0.6]))),
           Case("softplus (np.logaddexp)", "ordinary", "gradient",
                softplus_lae, x, softplus_lae_grad(x)),
           Case("log |det X| (slogdet)", "ordinary", "gradient", slogdet,
                XLOGDET, logdet_grad(XLOGDET))]
    return out


UNSAFE_CASES = _unsafe_cases()
