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
import numpy as np
import pytest

from mathlib.numeric import derivative, gradient, hessian, jacobian

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
