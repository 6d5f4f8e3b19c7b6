"""mathlib.check at its documented tolerances and over several points
(issue 21): mutation testing showed check_hessian's default tolerance
could be loosened 1000x, and a multi-point check could report its best
point instead of its worst, with every other test green.
"""
import numpy as np
import pytest

from mathlib.check import check_gradient, check_hessian, check_jacobian


def f_hess(x):
    return x[0] ** 3 * x[1] + x[1] ** 2 + np.sin(x[0])


def H_true(x):
    return np.array([[6 * x[0] * x[1] - np.sin(x[0]), 3 * x[0] ** 2],
                     [3 * x[0] ** 2, 2.0]])


def _off_by(H, rel):
    """H with entry [1, 1] moved by rel times the largest entry."""
    def wrong(x):
        M = H(x).copy()
        M[1, 1] += rel * np.max(np.abs(H(x)))
        return M
    return wrong


X = np.array([1.0, -2.0])


def test_check_hessian_default_tolerance_is_1e_6():
    """The documented default rtol = 1e-6 for Hessians: an error of 3e-6
    of the largest entry fails, 3e-7 passes (and 0 passes)."""
    assert check_hessian(f_hess, H_true, X)
    assert check_hessian(f_hess, _off_by(H_true, 3e-7), X)
    r = check_hessian(f_hess, _off_by(H_true, 3e-6), X)
    assert not r and r.diagnosis == "pointwise"
    assert "entry [1, 1]" in r.message


def test_check_hessian_explicit_tolerance_is_honoured():
    assert check_hessian(f_hess, _off_by(H_true, 3e-6), X, rtol=1e-5)
    assert not check_hessian(f_hess, _off_by(H_true, 3e-5), X, rtol=1e-5)


def f_grad(x):
    return np.sin(x[0]) * x[1] + x[1] ** 3


def g_true(x):
    return np.array([np.cos(x[0]) * x[1], np.sin(x[0]) + 3 * x[1] ** 2])


def test_check_gradient_default_tolerance_is_1e_7():
    """rtol = 1e-7 for gradients: 3e-7 of the largest entry fails, 3e-8
    passes."""
    def off(rel):
        return lambda x: g_true(x) + np.array([0, rel * np.max(np.abs(
            g_true(x)))])
    assert check_gradient(f_grad, off(3e-8), X)
    assert not check_gradient(f_grad, off(3e-7), X)


def test_check_jacobian_default_tolerance_is_1e_7():
    f = lambda x: np.array([x[0] * x[1], np.exp(x[0])])       # noqa: E731
    J = lambda x: np.array([[x[1], x[0]], [np.exp(x[0]), 0.0]])  # noqa

    def off(rel):
        def wrong(x):
            M = J(x).copy()
            M[0, 1] += rel * np.max(np.abs(J(x)))
            return M
        return wrong
    assert check_jacobian(f, off(3e-8), X)
    assert not check_jacobian(f, off(3e-7), X)


def test_a_multi_point_check_reports_its_worst_point():
    """Checked at several points, a passing check reports the point with
    the largest error, its error and the words "worst of N points"."""
    # errors of relative size 1e-9 * |x0|**3: largest at x0 = 3
    def slightly_off(x):
        return g_true(x) * (1 + 1e-9 * abs(x[0]) ** 3)
    points = [[0.5, 1.0], [3.0, 1.0], [1.5, 1.0]]
    singles = [check_gradient(f_grad, slightly_off, p) for p in points]
    r = check_gradient(f_grad, slightly_off, points=points)
    assert r and all(singles)
    errors = [s.max_error for s in singles]
    assert np.argmax(errors) == 1
    assert r.max_error == pytest.approx(max(errors))
    np.testing.assert_array_equal(r.x, points[1])
    assert "worst of 3 points" in r.message and "[3.0, 1.0]" in r.message


def test_a_multi_point_hessian_check_reports_its_worst_point():
    def slightly_off(x):
        return H_true(x) * (1 + 1e-8 * abs(x[0]) ** 3)
    points = [[2.5, -1.0], [0.5, -1.0]]
    r = check_hessian(f_hess, slightly_off, points=points)
    assert r
    np.testing.assert_array_equal(r.x, points[0])
    assert r.max_error == pytest.approx(
        check_hessian(f_hess, slightly_off, points[0]).max_error)


def test_a_multi_point_check_fails_at_the_first_failing_point():
    """One bad point among good ones fails the check and names it."""
    def wrong_far_out(x):
        return g_true(x) * (2.0 if x[0] > 2 else 1.0)
    r = check_gradient(f_grad, wrong_far_out,
                       points=[[0.5, 1.0], [3.0, 1.0], [1.0, 1.0]])
    assert not r and r.diagnosis == "scale"
    assert "(point 1 of 3)" in r.message
    np.testing.assert_array_equal(r.x, [3.0, 1.0])
