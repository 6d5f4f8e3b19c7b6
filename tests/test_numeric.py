"""Tests of mathlib.numeric.

Accuracy on the battery of benchmarks/battery.py (exact derivatives written
analytically), shapes and layouts, the textbook methods, the automatic
fallback for functions that are not complex-safe, kinks, every bad-input
error, and properties checked with hypothesis.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mathlib import numeric
from mathlib.numeric import (derivative, directional_derivative, gradient,
                             hessian, jacobian, partial)


def _load_battery():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "battery.py"
    spec = importlib.util.spec_from_file_location("numeric_battery", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


battery = _load_battery()
rel = battery.relative_error

TARGET = {"gradient": 1e-13, "jacobian": 1e-13, "hessian": 3e-11}
UNSAFE_TARGET = {"gradient": 1e-10, "jacobian": 1e-10, "hessian": 1e-9}


def _id(case):
    return f"{case.kind}: {case.label}"


# ----------------------------------------------------------------- accuracy

@pytest.mark.parametrize("case", battery.CASES, ids=_id)
def test_battery_accuracy(case):
    est = getattr(numeric, case.kind)(case.f, case.x)
    assert est.shape == case.exact.shape
    assert rel(est, case.exact) <= TARGET[case.kind]


@pytest.mark.parametrize("case", battery.CASES, ids=_id)
def test_auto_keeps_the_complex_step_on_the_battery(case):
    """No false alarm of the screens: auto gives exactly the complex-step
    answer on every complex-safe battery row."""
    fn = getattr(numeric, case.kind)
    np.testing.assert_array_equal(fn(case.f, case.x),
                                  fn(case.f, case.x, method="complex"))


@pytest.mark.parametrize("case", battery.UNSAFE_CASES, ids=_id)
def test_not_complex_safe_is_found_automatically(case):
    est = getattr(numeric, case.kind)(case.f, case.x)
    assert rel(est, case.exact) <= UNSAFE_TARGET[case.kind]


def test_battery_covers_the_brief():
    names = {c.name for c in battery.CASES}
    kinds = {(c.name, c.kind) for c in battery.CASES}
    points = {c.point for c in battery.CASES}
    assert {"ordinary", "steep", "large", "nearly singular"} <= points
    assert len(names) == 11
    scalar = {c.name for c in battery.CASES if c.kind == "gradient"}
    assert all((name, "hessian") in kinds for name in scalar)


def test_huber_complex_step_is_wrong_but_auto_is_right():
    case = next(c for c in battery.UNSAFE_CASES if "huber" in c.name)
    assert rel(gradient(case.f, case.x, method="complex"), case.exact) > 0.1
    assert rel(gradient(case.f, case.x), case.exact) < 1e-12


def test_log_sum_exp_at_large_arguments():
    x = np.array([1000.0, 1001.0, 999.0])
    p = np.exp(x - 1001.0) / np.sum(np.exp(x - 1001.0))
    assert rel(gradient(battery.lse, x), p) < 1e-15
    assert rel(hessian(battery.lse, x), np.diag(p) - np.outer(p, p)) < 1e-11


def test_large_and_tiny_scales():
    assert derivative(np.log, 1e-7) == pytest.approx(1e7, rel=1e-15)
    assert derivative(np.log, 1e8) == pytest.approx(1e-8, rel=1e-15)
    assert derivative(lambda t: 1 / t, 1e150) == pytest.approx(-1e-300,
                                                               rel=1e-14)
    assert derivative(np.sin, 1e6) == pytest.approx(math.cos(1e6),
                                                    rel=1e-9)


# ------------------------------------------------------------------- shapes

def test_derivative_returns_a_float():
    d = derivative(lambda t: t ** 3, 2)
    assert type(d) is float and d == pytest.approx(12.0, rel=1e-15)
    assert isinstance(derivative(np.exp, np.array(0.0)), float)


def test_gradient_has_the_shape_of_x():
    assert isinstance(gradient(lambda t: t ** 2, 3.0), float)
    assert gradient(lambda x: x @ x, np.ones(3)).shape == (3,)
    g = gradient(lambda X: np.sum(X ** 2), np.arange(6.0).reshape(2, 3))
    np.testing.assert_allclose(g, 2 * np.arange(6.0).reshape(2, 3),
                               rtol=1e-15)


@pytest.mark.parametrize("f, x, shape", [
    (lambda x: x ** 2, 1.5, ()),                          # R -> R
    (lambda x: np.array([x, x ** 2]), 1.5, (2,)),          # R -> R^2
    (lambda x: x @ x, np.ones(3), (3,)),                   # R^3 -> R
    (lambda x: x[:2] * x[2], np.ones(3), (2, 3)),          # R^3 -> R^2
    (lambda X: X @ X, np.eye(2) + 0.5, (2, 2, 2, 2)),      # matrix -> matrix
    (lambda X: X.T @ X, np.ones((3, 2)), (2, 2, 3, 2)),
    (lambda X: np.sum(X), np.ones((2, 3)), (2, 3)),
])
def test_jacobian_shape_is_output_shape_plus_input_shape(f, x, shape):
    assert np.shape(jacobian(f, x)) == shape


def test_jacobian_layout_is_numerator():
    A = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(jacobian(lambda x: A @ x, np.ones(3)), A,
                               rtol=1e-15)
    J = jacobian(lambda X: X @ X, np.diag([1.0, 2.0]))
    # d(X X)[i, j] / dX[k, l] = delta_ik X[l, j] + X[i, k] delta_jl
    X, I2 = np.diag([1.0, 2.0]), np.eye(2)
    exact = (np.einsum("ik,lj->ijkl", I2, X)
             + np.einsum("ik,jl->ijkl", X, I2))
    np.testing.assert_allclose(J, exact, atol=1e-15)


def test_hessian_shapes():
    assert isinstance(hessian(lambda t: t ** 3, 2.0), float)
    assert hessian(lambda x: x @ x, np.ones(3)).shape == (3, 3)
    H = hessian(lambda X: np.sum(X ** 3), np.ones((2, 3)))
    assert H.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(H.reshape(6, 6), 6 * np.eye(6), rtol=1e-12)


def test_partial_and_directional_derivative():
    f = lambda X: X[0, 1] ** 2 * X[1, 0]                    # noqa: E731
    X = np.array([[1.0, 3.0], [2.0, 5.0]])
    assert partial(f, X, (0, 1)) == pytest.approx(12.0, rel=1e-15)
    assert partial(f, X, (1, 1)) == 0.0
    v = np.array([[1.0, -1.0], [2.0, 0.5]])
    dd = directional_derivative(f, X, v)
    assert isinstance(dd, float)
    assert dd == pytest.approx(np.sum(gradient(f, X) * v), rel=1e-14)
    assert directional_derivative(f, X, np.zeros((2, 2))) == 0.0
    tiny = np.array([[0.0, 1e-308], [0.0, 0.0]])
    assert directional_derivative(f, X, tiny) == pytest.approx(
        12e-308, rel=1e-14)


def test_vector_valued_partial_and_directional_derivative():
    f = lambda x: np.array([x[0] * x[1], x[1] ** 2])        # noqa: E731
    np.testing.assert_allclose(partial(f, [2.0, 3.0], 1), [2.0, 6.0])
    np.testing.assert_allclose(
        directional_derivative(f, [2.0, 3.0], [1, 1]), [5.0, 6.0])


def test_inputs_are_converted_and_not_modified():
    x = np.array([1.0, 2.0])
    gradient(lambda z: z @ z, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])
    np.testing.assert_allclose(gradient(lambda z: z @ z, [1, 2]), [2, 4])
    np.testing.assert_allclose(gradient(lambda z: z @ z,
                                        np.array([1, 2], np.float32)),
                               [2, 4])


def test_f_that_modifies_its_argument():
    def f(x):
        x *= 2.0
        return x @ x

    x = np.array([1.0, -2.0, 0.5])
    for method in numeric.METHODS:
        tol = {"forward": 1e-6, "central": 1e-9}.get(method, 1e-13)
        np.testing.assert_allclose(gradient(f, x, method=method), 8 * x,
                                   rtol=tol)
    np.testing.assert_array_equal(x, [1.0, -2.0, 0.5])


def test_scalar_x_reaches_f_as_a_numpy_scalar():
    seen = []
    derivative(lambda t: seen.append(type(t)) or t * t, 1.0)
    assert set(seen) <= {np.float64, np.complex128}


# ------------------------------------------------------------------ methods

@pytest.mark.parametrize("method, low, high", [
    ("auto", 0.0, 1e-15), ("complex", 0.0, 1e-15),
    ("richardson", 0.0, 1e-12), ("central", 1e-13, 1e-9),
    ("forward", 1e-10, 1e-7)])
def test_methods_on_exp_at_1(method, low, high):
    err = abs(derivative(np.exp, 1.0, method=method) / math.e - 1)
    assert low <= err <= high


def test_user_step_for_textbook_methods():
    err_f = abs(derivative(np.exp, 1.0, method="forward", h=1e-4) / math.e
                - 1)
    assert err_f == pytest.approx(0.5e-4, rel=1e-3)      # h f'' / (2 f')
    err_c = abs(derivative(np.exp, 1.0, method="central", h=1e-3) / math.e
                - 1)
    assert err_c == pytest.approx(1e-6 / 6, rel=1e-3)    # h^2 f''' / 6
    H = hessian(lambda x: np.sum(np.exp(x)), np.zeros(2), method="central",
                h=1e-3)
    np.testing.assert_allclose(H, np.eye(2), atol=1e-6)


@pytest.mark.parametrize("method, tol", [
    ("auto", 1e-14), ("complex", 1e-14), ("richardson", 1e-10),
    ("central", 1e-6), ("forward", 1e-3)])
def test_hessian_methods(method, tol):
    case = next(c for c in battery.CASES
                if c.kind == "hessian" and c.name.startswith("sin"))
    assert rel(hessian(case.f, case.x, method=method), case.exact) < tol


@pytest.mark.parametrize("method", numeric.METHODS)
def test_every_method_every_function(method):
    f = lambda x: np.array([np.sin(x[0]) * x[1], x[0] ** 2])  # noqa: E731
    x = np.array([0.7, -1.2])
    exact = np.array([[np.cos(0.7) * -1.2, np.sin(0.7)], [1.4, 0.0]])
    tol = {"forward": 1e-6, "central": 1e-9}.get(method, 1e-12)
    np.testing.assert_allclose(jacobian(f, x, method=method), exact,
                               atol=tol)
    assert derivative(np.sin, 0.7, method=method) == pytest.approx(
        np.cos(0.7), abs=tol)
    assert partial(f, x, 1, method=method) == pytest.approx(
        exact[:, 1], abs=tol)
    np.testing.assert_allclose(gradient(lambda z: f(z)[0], x,
                                        method=method), exact[0], atol=tol)
    assert directional_derivative(lambda z: f(z)[1], x, [1.0, 1.0],
                                  method=method) == pytest.approx(1.4,
                                                                  abs=tol)


# ----------------------------------------------------- automatic fallback

FALLBACK = [
    ("np.abs", lambda x: np.sum(np.abs(x) * x), lambda x: 2 * np.abs(x)),
    ("builtin abs", lambda x: sum(abs(x) ** 2), lambda x: 2 * x),
    ("np.maximum", lambda x: np.sum(np.maximum(x, 0.0) ** 2),
     lambda x: 2 * np.maximum(x, 0.0)),
    ("x * (x > 0)", lambda x: np.sum(x * (x > 0) * x),
     lambda x: 2 * x * (x > 0)),
    ("np.where", lambda x: np.sum(np.where(x > 0, x, 0.1 * x) ** 2),
     lambda x: 2 * np.where(x > 0, x, 0.01 * x)),
    ("np.sign", lambda x: np.sum(np.sign(x) * x ** 2),
     lambda x: 2 * np.abs(x)),
    ("(x + |x|) / 2 near 0", lambda x: np.sum((x + abs(x)) / 2 * x),
     lambda x: 2 * np.maximum(x, 0.0)),
    ("math functions", lambda x: math.exp(x[0]) + math.sin(x[1]) * x[2],
     lambda x: np.array([math.exp(x[0]), math.cos(x[1]) * x[2],
                         math.sin(x[1])])),
]


@pytest.mark.parametrize("name, f, grad", FALLBACK, ids=[c[0] for c in
                                                          FALLBACK])
@pytest.mark.parametrize("x", [np.array([0.7, -1.3, 2.1]),
                               np.array([2e-3, -1e-3, 5.0])])
def test_fallback_for_functions_that_are_not_complex_safe(name, f, grad, x):
    assert rel(gradient(f, x), grad(x)) < 1e-10


def test_relu_just_beside_its_kink():
    assert derivative(lambda t: np.maximum(t, 0.0), 1e-9) == 1.0
    assert derivative(lambda t: np.maximum(t, 0.0), -1e-9) == 0.0
    # complex step gives 0.5 and a central difference with t > 1e-7 too
    assert derivative(lambda t: (t + abs(t)) / 2, 1e-7) == 1.0
    assert derivative(lambda t: t + abs(t), -1e-7) == 0.0


def test_relu_mlp_hessian_away_from_kinks_is_zero():
    H = hessian(battery.relu_mask, battery.X5)
    g = battery.relu_mask_grad
    # reference: central differences of the exact gradient
    eps = 1e-6
    ref = np.array([(g(battery.X5 + eps * e) - g(battery.X5 - eps * e))
                    / (2 * eps) for e in np.eye(5)])
    np.testing.assert_allclose(H, ref, atol=1e-7)


# -------------------------------------------------------------------- kinks

@pytest.mark.parametrize("f, x, match", [
    (np.abs, 0.0, r"kink at x = 0\.0: left slope -1, right slope 1;"),
    (lambda x: abs(x), 0.0, "left slope -1, right slope 1"),
    (lambda x: np.sum(np.maximum(x, 0.0)), np.array([1.0, 0.0, 3.0]),
     r"kink at x\[1\] = 0\.0: left slope 0, right slope 1; the derivative"
     " does not exist there"),
    (lambda x: np.sum(x * (x > 0)), np.array([1.0, 0.0]),
     r"kink at x\[1\] = 0\.0: left slope 0, right slope 1"),
    (lambda x: np.sum(np.where(x > 0, x, 0.1 * x)), np.array([2.0, 0.0]),
     r"kink at x\[1\] = 0\.0: left slope 0\.1, right slope 1"),
    (lambda x: np.max(x), np.array([1.0, 1.0]),
     r"kink at x\[0\] = 1\.0: left slope 0, right slope 1"),
    (lambda x: np.maximum(x[0], x[1]), np.array([2.0, 2.0]),
     r"kink at x\[0\] = 2\.0"),
    (lambda X: np.sum(np.abs(X)), np.array([[1.0, 0.0], [2.0, 3.0]]),
     r"kink at x\[0, 1\] = 0\.0: left slope -1, right slope 1"),
])
def test_kinks_raise(f, x, match):
    with pytest.raises(ValueError, match=match):
        jacobian(f, x)


def test_kink_of_a_vector_function_names_the_output():
    with pytest.raises(ValueError, match=r"x\[0\] = 0\.0 \(output \[1\]\)"):
        jacobian(lambda x: np.array([x[0], abs(x[0])]), np.array([0.0]))


def test_kinks_raise_for_every_entry_point():
    relu = lambda x: np.sum(np.maximum(x, 0.0))             # noqa: E731
    x = np.array([0.0, 1.0])
    for call in (lambda: gradient(relu, x), lambda: hessian(relu, x),
                 lambda: partial(relu, x, 0),
                 lambda: gradient(relu, x, method="richardson"),
                 lambda: derivative(lambda t: np.maximum(t, 0.0), 0.0)):
        with pytest.raises(ValueError, match="kink"):
            call()
    with pytest.raises(ValueError, match="kink along v at x"):
        directional_derivative(relu, x, [1.0, 0.0])


def test_smooth_points_of_kinked_functions_do_not_raise():
    assert partial(lambda x: np.sum(np.maximum(x, 0.0)), [0.0, 1.0],
                   1) == 1.0
    assert derivative(lambda t: abs(t) ** 3, 0.0) == 0.0


# ---------------------------------------------------------------- bad input

def _sq(x):
    return np.sum(x ** 2)


@pytest.mark.parametrize("x, exc, match", [
    (np.arange(3), TypeError,
     r"x is a numpy array of dtype int64; pass floats, e\.g\. "
     r"x\.astype\(float\)"),
    (np.array([True, False]), TypeError, "dtype bool"),
    (True, TypeError, "x is a bool"),
    (np.ones(2) + 1j, TypeError, "x is complex"),
    (1 + 2j, TypeError, "x is complex"),
    (np.ones(0), ValueError, r"x is empty \(shape \(0,\)\)"),
    (np.ones((2, 0)), ValueError, "x is empty"),
    (np.ones((2, 2, 2)), ValueError,
     r"x has 3 dimensions \(shape \(2, 2, 2\)\); only up to 2"),
    (np.array([1.0, np.nan]), ValueError, r"x contains nan at index \[1\]"),
    (np.inf, ValueError, "x contains inf"),
    ("1.0", TypeError, "x must be a float or an array of floats"),
    ([[1.0, 2.0], [3.0]], ValueError, "x could not be read"),
])
def test_bad_x(x, exc, match):
    with pytest.raises(exc, match=match):
        gradient(_sq, x)


@pytest.mark.parametrize("f, exc, match", [
    (3, TypeError, "f must be a function"),
    (lambda x: np.nan, ValueError, "f returned nan at x; it must be finite"),
    (lambda x: np.array([1.0, np.inf]), ValueError,
     r"f returned inf at index \[1\] at x"),
    (lambda x: "a", TypeError, "f returned str"),
    (lambda x: None, TypeError, "f returned NoneType"),
    (lambda x: [1, "a"], TypeError, "f returned list"),
    (lambda x: x + 1j, TypeError, "f returned complex values"),
    (lambda x: x > 0, TypeError, "f returned booleans"),
])
def test_bad_f(f, exc, match):
    with pytest.raises(exc, match=match):
        jacobian(f, 1.0)


def test_f_raising_propagates_with_a_note():
    def f(x):
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom") as info:
        gradient(f, [1.0])
    assert "raised by f at x" in "".join(info.value.__notes__)


def test_f_raising_near_x_names_the_point():
    def f(x):
        if x[0] != 1.0:
            raise ArithmeticError("only at 1")
        return x[0]

    with pytest.raises(ArithmeticError) as info:
        gradient(f, [1.0], method="central")
    assert "raised by f at x + 6.06e-06*e[0]" in info.value.__notes__[0]


def test_nan_near_x_names_the_point():
    with pytest.raises(ValueError,
                       match=r"f returned nan at x - 6\.06e-06; it must"):
        derivative(np.sqrt, 0.0, method="central")
    with pytest.raises(ValueError, match=r"f returned nan at x - [0-9.e-]+ "
                                         "and at every larger step"):
        derivative(np.sqrt, 0.0)
    with pytest.raises(ValueError, match=r"f returned nan at x - "
                                         r"6\.06e-06\*e\[1\]"):
        gradient(lambda x: np.sqrt(x[0] * x[1]), [1.0, 0.0],
                 method="central")


def test_changing_output_shape():
    f = lambda x: x[:1] if x[0] > 1.0 else x                # noqa: E731
    with pytest.raises(ValueError, match=r"f returned shape \(1,\) at x "
                                         r"\+ .* but shape \(2,\) at x"):
        jacobian(f, np.array([1.0, 2.0]), method="forward")


def test_scalar_output_required():
    with pytest.raises(ValueError, match=r"f returned shape \(1,\) at x but"
                                         " gradient needs a scalar f"):
        gradient(lambda x: np.array([x @ x]), np.ones(2))
    with pytest.raises(ValueError, match="hessian needs a scalar f"):
        hessian(lambda x: x, np.ones(2))


@pytest.mark.parametrize("x, i, exc, match", [
    (np.ones(3), 3, IndexError, r"i = 3 is out of range for x of shape "
                                r"\(3,\)"),
    (np.ones(3), -1, IndexError, "out of range"),
    (np.ones(3), 1.0, TypeError, "i must be an int"),
    (np.ones(3), True, TypeError, "i must be an int"),
    (np.ones(3), (1,), TypeError, "i must be an int"),
    (np.ones((2, 3)), 1, TypeError, r"\(row, column\) tuple for a matrix x"
                                    r" of shape \(2, 3\)"),
    (np.ones((2, 3)), (0, 3), IndexError, r"\(0, 3\) is out of range for x"
                                          r" of shape \(2, 3\)"),
    (np.ones((2, 3)), (0, 1, 2), TypeError, "i must be"),
    (1.0, 0, ValueError, "partial needs a vector or matrix x"),
])
def test_bad_index(x, i, exc, match):
    with pytest.raises(exc, match=match):
        partial(_sq, x, i)


@pytest.mark.parametrize("kwargs, match", [
    ({"method": "complex-step"}, "method must be one of"),
    ({"method": None}, "method must be one of"),
    ({"h": 1e-3}, "h is only used by method='central' or 'forward'"),
    ({"method": "central", "h": -1.0}, "h must be a positive finite"),
    ({"method": "central", "h": 0.0}, "h must be a positive finite"),
    ({"method": "forward", "h": np.nan}, "h must be a positive finite"),
    ({"method": "forward", "h": "1e-3"}, "h must be a positive finite"),
])
def test_bad_method_or_step(kwargs, match):
    with pytest.raises(ValueError, match=match):
        derivative(np.sin, 1.0, **kwargs)


def test_step_too_small_for_x():
    with pytest.raises(ValueError, match="too small for x"):
        derivative(np.sin, 1e6, method="central", h=1e-20)


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="derivative needs a scalar x"):
        derivative(_sq, np.ones(2))
    with pytest.raises(ValueError, match=r"v has shape \(3,\) but x has "
                                         r"shape \(2,\)"):
        directional_derivative(_sq, np.ones(2), np.ones(3))
    with pytest.raises(TypeError, match="v is complex"):
        directional_derivative(_sq, np.ones(2), np.ones(2) * 1j)
    with pytest.raises(ValueError, match="complex-safe|complex input"):
        gradient(lambda x: np.sum(np.abs(x)), np.ones(2), method="complex")
    with pytest.raises(ValueError, match="complex input"):
        hessian(lambda x: np.sum(np.abs(x) ** 3), np.ones(2),
                method="complex")


# --------------------------------------------------------------- properties

SHAPES = st.sampled_from([(1,), (2,), (3,), (4,), (1, 1), (2, 3), (3, 2),
                          (4, 4)])
VALUES = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)


def _array_pair(draw):
    shape = draw(SHAPES)
    x = draw(hnp.arrays(np.float64, shape, elements=VALUES))
    c = draw(hnp.arrays(np.float64, shape, elements=VALUES))
    return x, c


pairs = st.composite(_array_pair)


@SETTINGS
@given(pairs())
@example((np.zeros(3), np.ones(3)))
@example((np.array([[1e3, -2.0], [0.5, 7.0]]), np.array([[1.0, -3.0],
                                                           [0.0, 2.0]])))
def test_gradient_of_weighted_squares(xc):
    x, c = xc
    g = gradient(lambda z: np.sum(c * z ** 2), x)
    np.testing.assert_allclose(g, 2 * c * x, rtol=1e-14, atol=1e-300)


@SETTINGS
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2 ** 32 - 1))
@example(1, 1, 0)
@example(4, 4, 7)
def test_jacobian_of_a_linear_map_is_its_matrix(m, n, seed):
    rng = np.random.default_rng(seed)
    A, x = rng.standard_normal((m, n)), 10 * rng.standard_normal(n)
    np.testing.assert_allclose(jacobian(lambda z: A @ z, x), A, rtol=1e-14,
                               atol=1e-15)


@SETTINGS
@given(pairs())
@example((np.array([0.3, -0.2]), np.array([1.0, 2.0])))
def test_hessian_is_symmetric_and_right(xc):
    x, c = xc
    f = lambda z: np.sum(c * z ** 2) + np.sum(z) ** 3     # noqa: E731
    H = hessian(f, x)
    n = x.size
    exact = np.diag(2 * c.ravel()) + 6 * np.sum(x) * np.ones((n, n))
    np.testing.assert_array_equal(H.reshape(n, n), H.reshape(n, n).T)
    scale = max(np.abs(exact).max(), 1.0)
    np.testing.assert_allclose(H.reshape(n, n), exact, atol=1e-11 * scale)


@SETTINGS
@given(st.integers(1, 4), st.integers(0, 2 ** 32 - 1))
@example(3, 0)
def test_hessian_of_a_quadratic_form(n, seed):
    rng = np.random.default_rng(seed)
    A, x = rng.standard_normal((n, n)), rng.standard_normal(n)
    np.testing.assert_allclose(hessian(lambda z: z @ A @ z, x), A + A.T,
                               atol=1e-13)


@SETTINGS
@given(pairs())
@example((np.array([1.0, 2.0]), np.array([0.5, -0.5])))
def test_directional_derivative_is_gradient_dot_v(xv):
    x, v = xv
    f = lambda z: np.sum(np.sin(z) * z)                     # noqa: E731
    g = np.sin(x) + x * np.cos(x)
    dd = directional_derivative(f, x, v)
    assert dd == pytest.approx(np.sum(g * v), rel=1e-13,
                               abs=1e-13 * np.sum(np.abs(g * v)))
