"""mathlib.numeric's real screen, at the size of gap it promises to see
(issue 21).

Every complex-step answer must agree with a cheap real screen (central
differences), and an f that silently drops part of the imaginary part
(``np.real``, ``x.real``, a cast to float) gives a complex step that is
wrong by exactly that part. Mutation testing showed the screen's
tolerance could be loosened 1000x with every test green; these tests
drop a part of size 1e-6 and 1e-5 of the derivative (about 30 times what
the screen can resolve at these points) and require the answer to be as
accurate as for a complex-safe f.
"""
import math

import numpy as np
import pytest

from mathlib.numeric import (derivative, directional_derivative, gradient,
                             hessian, jacobian)

X = np.array([0.7, -1.3])


@pytest.mark.parametrize("eps", [1e-5, 1e-6])
def test_gradient_is_not_fooled_by_a_small_dropped_imaginary_part(eps):
    def f(x):
        return np.sum(np.sin(x)) + eps * np.sum(np.real(x) ** 2)
    np.testing.assert_allclose(gradient(f, X), np.cos(X) + 2 * eps * X,
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("eps", [1e-5, 1e-6])
def test_derivative_is_not_fooled_by_a_small_dropped_imaginary_part(eps):
    def f(t):
        return np.exp(t) + eps * np.real(t) ** 3
    t = 0.4
    assert derivative(f, t) == pytest.approx(np.exp(t) + 3 * eps * t * t,
                                             rel=0, abs=1e-12)


@pytest.mark.parametrize("eps", [1e-5, 1e-6])
def test_jacobian_is_not_fooled_by_a_small_dropped_imaginary_part(eps):
    def f(x):
        return np.array([np.sin(x[0]) * x[1],
                         x[0] + eps * np.real(x[1]) ** 2])
    J = np.array([[np.cos(X[0]) * X[1], np.sin(X[0])],
                  [1.0, 2 * eps * X[1]]])
    np.testing.assert_allclose(jacobian(f, X), J, rtol=0, atol=1e-12)


@pytest.mark.parametrize("eps", [1e-4, 1e-5])
def test_hessian_is_not_fooled_by_a_small_dropped_imaginary_part(eps):
    def f(x):
        return np.sum(np.sin(x)) + eps * np.sum(np.real(x) ** 2)
    np.testing.assert_allclose(hessian(f, X),
                               np.diag(-np.sin(X) + 2 * eps), rtol=0,
                               atol=1e-10)



# Near 0, where f is small and the screen's rounding allowance with it,
# the screen resolves a dropped part of 1e-10 of the derivative: its
# tolerance loosened 1000x (1e-12 -> 1e-9 of |f'|) let 1e-9 and 1e-10
# through while the tests above stayed green.
@pytest.mark.parametrize("eps", [1e-9, 1e-10])
def test_derivative_near_0_is_not_fooled_by_a_tiny_dropped_part(eps):
    def f(t):
        return t + eps * np.real(t)
    for t in (1e-3, -2e-3):
        assert derivative(f, t) == pytest.approx(1 + eps, rel=0, abs=1e-12)


@pytest.mark.parametrize("eps", [1e-9, 1e-10])
def test_gradient_near_0_is_not_fooled_by_a_tiny_dropped_part(eps):
    def f(x):
        return np.sum(x) + eps * np.real(x[0])
    np.testing.assert_allclose(gradient(f, np.array([1e-3, -2e-3])),
                               [1 + eps, 1.0], rtol=0, atol=1e-12)


# ------------------------------------------------ the complexified path
# abs, fabs, sign, logaddexp(2), slogdet and norm are made analytic on
# vector and matrix points (the module docstring, stage 2), "which makes
# most such f complex-safe: as accurate, for a few times the cost of an
# evaluation". A mistake there is not a wrong number: the answer falls
# back to Richardson's method, 3 times the evaluations and 10 to 1000
# times the error. So each f is checked for both: the complex step's
# accuracy and its cost (f called at most 16 times for n = 4, where
# Richardson calls it 33 times).
_RNG = np.random.default_rng(1)
_X4 = _RNG.standard_normal(4) + np.array([0.3, -0.2, 0.5, -0.7])
_A4 = _RNG.standard_normal((4, 4)) + 4 * np.eye(4)
_E0, _E1 = np.eye(4)[0], np.eye(4)[1]


def _rows(x):
    return x.reshape(2, 2)


COMPLEXIFIED = {
    "abs": (lambda x: np.sum(np.abs(x) * x ** 2),
            lambda x: 3 * np.abs(x) * x),
    "fabs": (lambda x: np.sum(np.fabs(x) * np.sin(x)),
             lambda x: np.sign(x) * np.sin(x) + np.abs(x) * np.cos(x)),
    "sign": (lambda x: np.sum(np.sign(x) * x ** 3),
             lambda x: 3 * np.sign(x) * x ** 2),
    "norm": (lambda x: np.linalg.norm(x) ** 3,
             lambda x: 3 * np.linalg.norm(x) * x),
    "norm ord=1": (lambda x: np.linalg.norm(x, 1) * x[0],
                   lambda x: np.sign(x) * x[0] + _E0 * np.linalg.norm(x, 1)),
    "norm fro": (lambda x: np.linalg.norm(_rows(x), ord="fro",
                                          axis=(0, 1)) ** 2,
                 lambda x: 2 * x),
    "norm axis=1": (lambda x: np.sum(np.linalg.norm(_rows(x), axis=1)),
                    lambda x: (_rows(x) / np.linalg.norm(
                        _rows(x), axis=1, keepdims=True)).ravel()),
    "slogdet": (lambda x: np.linalg.slogdet(_A4 + np.diag(x))[1],
                lambda x: np.diag(np.linalg.inv(_A4 + np.diag(x)))),
    "logaddexp": (lambda x: np.sum(np.logaddexp(x, 2 * x)),
                  lambda x: (np.exp(x) + 2 * np.exp(2 * x))
                  / (np.exp(x) + np.exp(2 * x))),
    "logaddexp2": (lambda x: np.sum(np.logaddexp2(x, 0.5 * x)),
                   lambda x: (2 ** x + 0.5 * 2 ** (0.5 * x))
                   / (2 ** x + 2 ** (0.5 * x))),
    "sum with dtype": (lambda x: np.sum(np.abs(x), dtype=x.dtype) * x[1],
                       lambda x: np.sign(x) * x[1]
                       + _E1 * np.sum(np.abs(x))),
    # the rules must reach every later step of f: through numpy functions
    # (np.dot), array methods (a ufunc reduction), a named tuple
    "abs after np.dot": (lambda x: np.sum(np.abs(np.dot(_A4, x)) ** 3),
                         lambda x: _A4.T @ (3 * np.abs(_A4 @ x)
                                            * (_A4 @ x))),
    "abs after .sum(axis=1)": (
        lambda x: np.sum(np.abs(_rows(x).sum(axis=1)) ** 3),
        lambda x: np.repeat(3 * np.abs(_rows(x).sum(axis=1))
                            * _rows(x).sum(axis=1), 2)),
    "slogdet().logabsdet": (
        lambda x: np.linalg.slogdet(_A4 + np.diag(x)).logabsdet,
        lambda x: np.diag(np.linalg.inv(_A4 + np.diag(x)))),
    "sum keepdims": (lambda x: np.sum(np.abs(_rows(x)) * np.sum(
        _rows(x), axis=1, keepdims=True)),
        lambda x: (np.sign(_rows(x)) * _rows(x).sum(axis=1, keepdims=True)
                   + np.abs(_rows(x)).sum(axis=1, keepdims=True)).ravel()),
}


@pytest.mark.parametrize("name", COMPLEXIFIED)
def test_abs_norm_slogdet_and_logaddexp_get_the_complex_step(name):
    f, grad = COMPLEXIFIED[name]
    calls = []

    def counted(x):          # a new function object: nothing remembered
        calls.append(1)
        return f(x)
    g = gradient(counted, _X4)
    right = grad(_X4)
    assert np.max(np.abs(g - right)) <= 1e-15 * np.max(np.abs(right))
    assert len(calls) <= 16


# ------------------------------------------- messages, limits and paths

def test_a_vector_f_asked_for_a_gradient_is_told_to_use_jacobian():
    with pytest.raises(ValueError) as e:
        gradient(lambda x: np.array([1.0, 2.0]) * x[0], np.array([1.0, 2.0]))
    assert str(e.value) == (
        "f returned shape (2,) at x but gradient needs a scalar f (a float "
        "or 0-d array); use jacobian for vector outputs")
    with pytest.raises(ValueError) as e:
        gradient(lambda x: np.sum(x ** 2) * np.ones(1), np.array([1.0, 2.0]))
    assert str(e.value).endswith("use jacobian for vector outputs or "
                                 "return f(x)[0]")


def test_method_complex_says_why_f_does_not_qualify():
    with pytest.raises(ValueError) as e:
        jacobian(np.abs, np.array([1.0, -2.0]), method="complex")
    assert str(e.value) == (
        "method='complex' needs an f that accepts complex input and keeps "
        "the imaginary part: f returned real values for complex input (it "
        "drops the imaginary part); use method='auto'")


def test_a_gradient_of_600_variables_is_exact():
    """n = 600: the points are made one at a time (n^2 > 2^18 numbers)."""
    x = np.linspace(-1.0, 1.0, 600)
    g = gradient(lambda x: np.sum(x ** 3), x)
    np.testing.assert_allclose(g, 3 * x ** 2, rtol=0, atol=1e-15)


def test_a_jacobian_next_to_the_edge_of_f_s_domain():
    """sqrt(x0) at x0 = 1e-7: the real screen's samples at x0 - t are nan;
    the screen shrinks t instead of failing, and the answer is exact."""
    J = jacobian(lambda x: np.array([np.sqrt(x[0]), x[1] * x[0]]),
                 np.array([1e-7, 1.0]))
    np.testing.assert_allclose(J, [[0.5 / np.sqrt(1e-7), 0.0],
                                   [1.0, 1e-7]], rtol=1e-15, atol=0)


def test_a_directional_derivative_in_one_variable_scales_with_v():
    d = directional_derivative(lambda x: np.sin(x[0]), np.array([0.5]),
                               np.array([3.0]))
    assert d == pytest.approx(3 * np.cos(0.5), rel=1e-15)


def _fh(x):
    return np.exp(x[0]) * np.sin(x[1]) + x[0] ** 3 * x[1]


def _Hh(x):
    a, b = np.exp(x[0]) * np.sin(x[1]), np.exp(x[0]) * np.cos(x[1])
    return np.array([[a + 6 * x[0] * x[1], b + 3 * x[0] ** 2],
                     [b + 3 * x[0] ** 2, -a]])


_XH = np.array([0.7, -0.4])


@pytest.mark.parametrize("method, documented, bound", [
    ("auto", 1e-14, 1e-13), ("complex", 1e-14, 1e-13),
    ("richardson", 1e-11, 1e-11), ("central", 1e-7, 1e-7),
    ("forward", 1e-5, 1e-4)])
def test_each_hessian_method_is_as_accurate_as_documented(method,
                                                          documented, bound):
    """The module docstring: ~1e-14 (auto), ~1e-11 (real fallback), ~1e-7
    (central, step eps**(1/4)) and ~1e-5 (forward, eps**(1/3))."""
    H = hessian(_fh, _XH, method=method)
    err = np.max(np.abs(H - _Hh(_XH))) / np.max(np.abs(_Hh(_XH)))
    assert err <= bound


# Hessians, "auto": the 45-degree complex step started where two steps
# will do (~1e-14, "a few 1e-12 near a singularity"), the real fallback
# for f that is not complex-safe (~1e-11). The cost is part of the
# promise: n(n+1) evaluations per step, two steps as a rule, plus the
# screen's 4 (and for n > 3 the pilot's 4) and f(x) itself. A mistake in
# the choice of the first step or in the screen costs more steps (or a
# fallback) before it costs accuracy, so each case checks both: the
# error, and the calls of f: exactly the documented count where two
# steps do, else a bound (about 1.3 times what this version needs).
def _logsumexp_H(x):
    p = np.exp(x) / np.sum(np.exp(x))
    return np.diag(p) - np.outer(p, p)


HESSIANS = {
    # 1 + 4 + 2 steps x n(n+1) = 17
    "exp sin, n = 2": (_fh, _Hh, _XH, 1e-13, 17),
    "log-sum-exp, n = 5": (lambda x: np.log(np.sum(np.exp(x))),
                           # 1 + 4 + pilot 4 + 2 x 30 = 69
                           _logsumexp_H, np.linspace(-1, 1, 5), 1e-13, 69),
    "large x": (lambda x: np.sin(x[0]) * x[1] ** 2,
                lambda x: np.array([[-np.sin(x[0]) * x[1] ** 2,
                                     2 * np.cos(x[0]) * x[1]],
                                    [2 * np.cos(x[0]) * x[1],
                                     2 * np.sin(x[0])]]),
                # sin at 300 is itself good to ~300 eps only
                np.array([300.0, -40.0]), 5e-13, 35),
    "abs, complexified": (lambda x: np.sum(np.abs(x) ** 3),
                          lambda x: np.diag(6 * np.abs(x)),
                          # 1 + 1 plain complex point (abs drops its
                          # imaginary part) + 4 + 2 x 12 = 30
                          np.array([0.5, -1.5, 2.0]), 1e-13, 30),
    "near a pole": (lambda x: 1 / (x[0] - 0.1) + x[1] ** 2 * x[0],
                    lambda x: np.array([[2 / (x[0] - 0.1) ** 3, 2 * x[1]],
                                        [2 * x[1], 2 * x[0]]]),
                    np.array([0.2, 1.0]), 5e-12, 17),   # as n = 2 above
    "math.exp: real fallback": (
        lambda x: math.exp(x[0]) * math.sin(x[1]),
        lambda x: math.exp(x[0]) * np.array(
            [[math.sin(x[1]), math.cos(x[1])],
             [math.cos(x[1]), -math.sin(x[1])]]),
        _XH, 1e-11, 61),
}


@pytest.mark.parametrize("name", HESSIANS)
def test_hessian_auto_is_as_accurate_and_as_cheap_as_documented(name):
    f, H, x, tol, max_calls = HESSIANS[name]
    calls = []

    def counted(z):
        calls.append(1)
        return f(z)
    got = hessian(counted, x)
    assert np.max(np.abs(got - H(x))) <= tol * np.max(np.abs(H(x)))
    if name in ("large x", "math.exp: real fallback"):
        assert len(calls) <= max_calls       # more than two steps
    else:
        assert len(calls) == max_calls


@pytest.mark.parametrize("method", ["richardson", "auto"])
def test_first_derivatives_on_the_real_path_are_accurate_to_1e_13(method):
    """Richardson's method (and "auto" for an f that is not complex-safe:
    math.exp) is accurate to ~1e-13."""
    def f(x):
        return math.exp(x[0]) * math.sin(x[1]) + x[0] ** 3 * x[1]
    right = np.array([math.exp(0.7) * math.sin(-0.4) + 3 * 0.49 * -0.4,
                      math.exp(0.7) * math.cos(-0.4) + 0.7 ** 3])
    g = gradient(f, _XH, method=method)
    assert np.max(np.abs(g - right)) <= 1e-13 * np.max(np.abs(right))
    J = jacobian(lambda x: np.array([f(x), 2 * f(x)]), _XH, method=method)
    np.testing.assert_allclose(J, [right, 2 * right], rtol=1e-13, atol=0)
    assert derivative(math.exp, 0.3, method=method) == pytest.approx(
        math.exp(0.3), rel=1e-13)


# Richardson's method on its own ("the real fallback", ~1e-13): functions
# whose higher derivatives are large at the first step (a pole nearby,
# e^(10 t), log near 0, sin far out), where the extrapolation table has
# to run several levels.
RIDDERS = {
    "near a pole": (lambda t: 1 / (t - 0.1), 0.2,
                    lambda t: -1 / (t - 0.1) ** 2),
    "exp(10 t)": (lambda t: math.exp(10 * t), 0.3,
                  lambda t: 10 * math.exp(10 * t)),
    "sin at 1e4": (math.sin, 1e4, math.cos),
    "log near 0": (math.log, 0.05, lambda t: 1 / t),
}


@pytest.mark.parametrize("name", RIDDERS)
def test_richardson_extrapolates_to_1e_12(name):
    f, t, df = RIDDERS[name]
    got = derivative(f, t, method="richardson")
    assert abs(got - df(t)) <= 1e-12 * abs(df(t))


def test_a_richardson_hessian_uses_real_differences_only():
    """method="richardson" is the real fallback: it works for an f that
    is not complex-safe (math.exp), to ~1e-11."""
    def f(x):
        return math.exp(x[0]) * math.sin(x[1])
    H = math.exp(0.7) * np.array([[math.sin(-0.4), math.cos(-0.4)],
                                  [math.cos(-0.4), -math.sin(-0.4)]])
    got = hessian(f, _XH, method="richardson")
    assert np.max(np.abs(got - H)) <= 1e-11 * np.max(np.abs(H))


def test_a_hessian_of_81_variables_is_exact():
    """n = 81: the n(n+1)/2 pairs of directions times n numbers exceed
    2^18, and the points are made one at a time."""
    x = np.linspace(-1.0, 1.0, 81)
    H = hessian(lambda x: np.sum(x ** 3), x)
    np.testing.assert_allclose(H, np.diag(6 * x), rtol=0, atol=1e-13)


def test_method_complex_hessian_says_why_f_does_not_qualify():
    with pytest.raises(ValueError) as e:
        hessian(lambda x: math.exp(x[0]), np.array([1.0, 2.0]),
                method="complex")
    assert str(e.value) == (
        "method='complex' needs an f that accepts complex input: f returned "
        "real values for complex input (it drops the imaginary part); use "
        "method='auto'")
