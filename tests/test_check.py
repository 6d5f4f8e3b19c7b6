"""Tests of mathlib.check: every diagnosis, each with a concrete
hand-derived wrong answer, plus bad input."""
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import mathlib.check as check
from mathlib.check import (CheckResult, check_gradient, check_hessian,
                           check_jacobian)


# The example of the original article: f(x, y) = 2x + y^8.
def f_article(x):
    return 2*x[0] + x[1]**8


def grad_article(x):
    return np.array([2.0, 8*x[1]**7])


X0 = [0.5, -1.0]


def test_right_gradient_passes_with_a_one_line_verdict():
    r = check_gradient(f_article, grad_article, X0)
    assert r and r.passed and r.diagnosis == "ok"
    assert isinstance(r, CheckResult)
    assert r.max_error < 1e-12
    assert str(r).startswith("PASS check_gradient: max rel. error ")
    assert str(r).endswith("at x = [0.5, -1.0]")
    assert repr(r) == str(r)
    np.testing.assert_allclose(r.expected, [2.0, -8.0])


def test_misprinted_gradient_is_caught_pointwise():
    # 8y^8 instead of 8y^7: right at y = 1, wrong at y = -1.
    r = check_gradient(f_article, lambda x: np.array([2, 8*x[1]**8]), X0)
    assert not r and r.diagnosis == "pointwise"
    assert r.where == (1,)
    assert "entry [1]: yours 8, expected -8" in r.message
    assert "x = [0.5, -1.0]" in r.message
    assert str(r).startswith("FAIL check_gradient: your gradient is wrong")


def test_sign_error():
    # gradient of exp(-|x|^2/2) is -x exp(...); forgetting the minus.
    f = lambda x: np.exp(-x @ x / 2)                            # noqa
    r = check_gradient(f, lambda x: x * f(x), [0.3, -0.2, 1.0])
    assert r.diagnosis == "sign"
    assert "wrong sign" in str(r)


def test_factor_of_two_missing():
    # d/dx x^T A x = (A + A^T) x, written as A x for symmetric A.
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    r = check_gradient(lambda x: x @ A @ x, lambda x: A @ x, [1.0, 2.0])
    assert r.diagnosis == "scale"
    assert "factor of 0.5 (yours is 0.5 times the right answer)" in str(r)
    r = check_gradient(lambda x: x @ A @ x, lambda x: 4 * A @ x, [1.0, 2.0])
    assert "factor of 2.0 (yours is 2.0 times" in str(r)


def test_all_zero_answer_and_scalar_point():
    r = check_gradient(f_article, lambda x: np.zeros(2), X0)
    assert r.diagnosis == "scale" and "all zeros" in r.message
    # with a single number, a wrong formula is not called "a factor"
    r = check_gradient(np.sin, lambda t: np.cos(t)**2, 0.3)
    assert r.diagnosis == "pointwise"
    assert check_gradient(np.sin, lambda t: -np.cos(t), 0.3).diagnosis == \
        "sign"
    assert check_gradient(np.sin, lambda t: 2*np.cos(t), 0.3).diagnosis == \
        "scale"


def test_row_and_column_vectors_where_a_flat_vector_is_expected():
    r = check_gradient(f_article, lambda x: grad_article(x)[None, :], X0)
    assert r.diagnosis == "shape"
    assert "shape (1, 2), expected (2,) = x.shape" in r.message
    assert "a row vector where a flat vector is expected" in r.message
    assert "the numbers are right" in r.message
    r = check_gradient(f_article, lambda x: grad_article(x)[:, None], X0)
    assert "a column vector where a flat vector" in r.message
    r = check_gradient(f_article, lambda x: np.r_[grad_article(x), 0], X0)
    assert r.diagnosis == "shape" and "numbers are right" not in r.message
    r = check_gradient(np.sin, lambda t: np.array([np.cos(t)]), 0.3)
    assert "return a float" in r.message


def test_gradient_with_respect_to_a_matrix_transposed():
    # f(X) = a^T X b has gradient a b^T (shape of X), not b a^T.
    a, b = np.array([1.0, -2.0]), np.array([0.5, 1.0, 3.0])
    f = lambda X: a @ X @ b                                     # noqa
    X = np.arange(6.0).reshape(2, 3)
    assert check_gradient(f, lambda X: np.outer(a, b), X)
    r = check_gradient(f, lambda X: np.outer(b, a), X)
    assert r.diagnosis == "transpose"
    assert "shape (3, 2), expected (2, 3)" in r.message
    assert "has the shape of the matrix" in r.message


# ---------------------------------------------------------------- Jacobian

def f3(x):
    return np.array([x[0]*x[1], x[0] + x[1], x[0]**2])


def J3(x):
    return np.array([[x[1], x[0]], [1.0, 1.0], [2*x[0], 0.0]])


def test_right_jacobian_passes():
    assert check_jacobian(f3, J3, [1.0, 2.0])
    assert check_jacobian(np.sin, np.cos, 0.7)   # scalar case


def test_denominator_layout_jacobian_is_a_layout_mixup():
    r = check_jacobian(f3, lambda x: J3(x).T, [1.0, 2.0])
    assert r.diagnosis == "transpose"
    assert str(r) == (
        "FAIL check_jacobian: your Jacobian has shape (2, 3), expected "
        "(3, 2) = f(x).shape + x.shape (numerator layout). It equals the "
        "transpose of the right answer: a layout mix-up (denominator "
        "layout?).")


def test_square_jacobian_transposed_is_caught_by_values_and_adjoint():
    A = np.array([[1.0, 2.0], [3.0, 4.0]])
    r = check_jacobian(lambda x: A @ x, lambda x: A.T, [1.0, -1.0])
    assert r.diagnosis == "transpose" and "layout mix-up" in r.message
    r = check_jacobian(lambda x: A @ x, lambda x: -A.T, [1.0, -1.0])
    assert r.diagnosis == "transpose" and "wrong sign" in r.message


def test_jacobian_of_a_matrix_function_in_both_layouts():
    # d(X X)/dX as a 4-index array: [i, j, k, l] = d(XX)_ij / dX_kl
    def J(X):
        eye = np.eye(2)
        return np.einsum("ik,lj->ijkl", eye, X) + \
            np.einsum("ik,jl->ijkl", X, eye)
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert check_jacobian(lambda X: X @ X, J, X)
    r = check_jacobian(lambda X: X @ X,
                       lambda X: np.transpose(J(X), (2, 3, 0, 1)), X)
    assert r.diagnosis == "transpose"


def test_jacobian_wrong_entry_reports_entry_and_values():
    def bad(x):
        J = J3(x)
        J[2, 0] = x[0]          # forgot the factor 2 in d(x0^2)/dx0
        return J
    r = check_jacobian(f3, bad, [1.5, 2.0])
    assert r.diagnosis == "pointwise" and r.where == (2, 0)
    assert "entry [2, 0]: yours 1.5, expected 3" in r.message


def test_several_points_report_the_failing_one():
    # right at x0 = 1 only: 2 x0 written as 2
    def bad(x):
        J = J3(x)
        J[2, 0] = 2.0
        return J
    pts = [[1.0, 2.0], [1.0, -1.0], [3.0, 0.5]]
    r = check_jacobian(f3, bad, points=pts)
    assert r.diagnosis == "pointwise" and "(point 2 of 3)" in r.message
    np.testing.assert_array_equal(r.x, [3.0, 0.5])
    r = check_jacobian(f3, J3, points=pts)
    assert r and "(worst of 3 points)" in r.message


# ----------------------------------------------------------------- Hessian

def f_cubic(x):
    return x[0]**3 * x[1] + x[1]**2


def H_cubic(x):
    return np.array([[6*x[0]*x[1], 3*x[0]**2], [3*x[0]**2, 2.0]])


def test_hessian_right_and_wrong():
    assert check_hessian(f_cubic, H_cubic, [1.0, -2.0])
    assert check_hessian(f_cubic, lambda x: H_cubic(x) / 2,
                         [1.0, -2.0]).diagnosis == "scale"

    def off_diagonal_once(x):       # forgot that d2f/dxdy appears twice
        H = H_cubic(x)
        H[1, 0] = 0.0
        return H
    r = check_hessian(f_cubic, off_diagonal_once, [1.0, -2.0])
    assert r.diagnosis == "pointwise" and r.where == (1, 0)
    r = check_hessian(f_cubic, lambda x: H_cubic(x)[0], [1.0, -2.0])
    assert r.diagnosis == "shape" and "x.shape + x.shape" in r.message


def test_hessian_of_a_matrix_variable():
    # f(X) = sum(X^2)/2 has Hessian the identity on 2x2 matrices
    X = np.array([[1.0, 2.0], [3.0, 4.0]])
    eye = np.eye(4).reshape(2, 2, 2, 2)
    assert check_hessian(lambda X: np.sum(X**2) / 2, lambda X: eye, X)


# --------------------------------------------------- raised and nonfinite

def test_reader_function_raises():
    r = check_gradient(f_article, lambda x: x[2], X0)
    assert r.diagnosis == "raised"
    assert "raised IndexError" in r.message
    r = check_gradient(lambda x: 1 / 0, grad_article, X0)
    assert r.diagnosis == "raised" and "f raised ZeroDivisionError" in \
        r.message


def test_reader_returns_non_numbers():
    r = check_gradient(f_article, lambda x: None, X0)
    assert r.diagnosis == "shape" and "NoneType" in r.message
    r = check_gradient(f_article, lambda x: [1.0, [2.0, 3.0]], X0)
    assert r.diagnosis == "shape"


def test_nonfinite_values():
    r = check_gradient(f_article, lambda x: np.array([2.0, np.nan]), X0)
    assert r.diagnosis == "nonfinite" and "nan at entry [1]" in r.message
    r = check_gradient(np.log, lambda t: 1 / t, -1.0)
    assert r.diagnosis == "nonfinite" and "f(x) is not finite" in r.message


def test_kink_is_reported_not_compared():
    r = check_gradient(np.abs, np.sign, 0.0)
    assert not r and r.diagnosis == "raised"
    assert "mathlib.numeric could not differentiate" in r.message


def test_adjoint_test_is_independent_of_the_full_comparison(monkeypatch):
    # If the directional derivative disagreed with the Jacobian (f not
    # differentiable, say), the check fails even though entries agree.
    real = check.numeric

    class Fake:
        jacobian = staticmethod(real.jacobian)

        @staticmethod
        def directional_derivative(f, x, v, method="auto"):
            return 1.0 + real.directional_derivative(f, x, v)
    monkeypatch.setattr(check, "numeric", Fake)
    r = check_jacobian(f3, J3, [1.0, 2.0])
    assert not r and "adjoint test" in r.message


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("args, kwargs, err, match", [
    ((3, grad_article, X0), {}, TypeError, "f must be a function"),
    ((f_article, "grad", X0), {}, TypeError, "grad_f must be a function"),
    ((f_article, grad_article), {}, TypeError, "exactly one of x"),
    ((f_article, grad_article, X0), {"points": [X0]}, TypeError,
     "exactly one"),
    ((f_article, grad_article), {"points": 3}, TypeError, "points must be"),
    ((f_article, grad_article, [0.5, np.nan]), {}, ValueError, "x contains"),
    ((f_article, grad_article, "ab"), {}, TypeError, "x must be a float"),
    ((f_article, grad_article, np.ones((2, 2, 2))), {}, ValueError,
     "3 dimensions"),
    ((f_article, grad_article, X0), {"rtol": 0}, ValueError, "rtol"),
    ((f3, J3, [1.0, 2.0]), {}, ValueError, "use check_jacobian"),
])
def test_check_gradient_bad_input(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        check_gradient(*args, **kwargs)


def test_hessian_and_jacobian_bad_input():
    with pytest.raises(TypeError, match="jac_f must be a function"):
        check_jacobian(f3, None, [1.0, 2.0])
    with pytest.raises(TypeError, match="hess_f must be a function"):
        check_hessian(f_cubic, 1.0, [1.0, 2.0])
    with pytest.raises(ValueError, match="scalar function"):
        check_hessian(f3, J3, [1.0, 2.0])


def test_integer_points_are_accepted():
    assert check_gradient(f_article, grad_article, np.array([1, 2]))


def test_reader_cannot_corrupt_x():
    def grad_mutating(x):
        g = grad_article(x)
        x[:] = 100.0
        return g
    x = np.array([0.5, -1.0])
    assert check_gradient(f_article, grad_mutating, x)
    np.testing.assert_array_equal(x, [0.5, -1.0])


# Random quadratics x^T A x + b^T x: (A + A^T) x + b always passes; the
# common wrong answer 2 A x + b fails exactly when A is not symmetric.
matrices = st.lists(st.integers(-4, 4), min_size=4, max_size=4)


@settings(max_examples=20, derandomize=True, deadline=None)
@given(matrices, st.integers(-3, 3))
@example([1, 2, 0, 1], 1)
def test_quadratic_gradients(entries, shift):
    A = np.array(entries, dtype=float).reshape(2, 2)
    b = np.array([shift, 1.0])
    f = lambda x: x @ A @ x + b @ x                             # noqa
    x = np.array([0.7, -1.3])
    assert check_gradient(f, lambda x: (A + A.T) @ x + b, x)
    r = check_gradient(f, lambda x: 2 * A @ x + b, x)
    assert bool(r) == np.allclose((A - A.T) @ x, 0)
