"""mathlib.widgets' Function: the reader's f as every widget evaluates and
differentiates it (issue 21). Its values, derivatives and messages are
what the widgets draw and print, so each is checked against sympy or a
closed form, and each refusal against the words a reader sees.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import widgets as W
from mathlib.widgets._functions import Function, WidgetInputError

X, Y = sp.symbols("x y")


def test_sympy_values_and_exact_derivatives():
    """x^2 y + sin(x): value, gradient, Hessian and partials at (3, 2)
    from sympy, and the directional derivative grad f . v (v as given)."""
    f = Function(X ** 2 * Y + sp.sin(X))
    p = [3.0, 2.0]
    assert f.value(p) == pytest.approx(18 + np.sin(3.0), abs=1e-14)
    np.testing.assert_allclose(f.gradient(p), [12 + np.cos(3.0), 9.0],
                               atol=1e-14)
    np.testing.assert_allclose(f.hessian(p),
                               [[4 - np.sin(3.0), 6], [6, 0]], atol=1e-14)
    assert f.partial(p, 0) == pytest.approx(12 + np.cos(3.0), abs=1e-14)
    assert f.partial(p, 1) == 9.0
    assert f.directional_derivative(p, [2.0, 1.0]) == \
        pytest.approx(2 * (12 + np.cos(3.0)) + 9, abs=1e-13)
    assert isinstance(f.value(p), float)
    assert isinstance(f.partial(p, 1), float)


def test_numpy_values_and_numeric_derivatives():
    f = Function(lambda p: p[0] ** 2 * p[1] + np.sin(p[0]))
    p = [3.0, 2.0]
    g = [12 + np.cos(3.0), 9.0]
    np.testing.assert_allclose(f.gradient(p), g, rtol=1e-8)
    np.testing.assert_allclose(f.hessian(p), [[4 - np.sin(3.0), 6], [6, 0]],
                               atol=1e-5)
    assert f.partial(p, 1) == pytest.approx(9.0, rel=1e-8)
    assert f.partial(p, 0) == pytest.approx(g[0], rel=1e-8)
    assert f.directional_derivative(p, [0.0, 3.0]) == \
        pytest.approx(27.0, rel=1e-8)


def test_one_variable_and_maps_to_the_plane():
    """f' for one variable (sympy and numpy); the Jacobian of a map
    R^2 -> R^2 (rows = outputs), its value of shape (2,)."""
    f = Function(sp.exp(2 * X), n_in=1)
    assert f.derivative(0.5) == pytest.approx(2 * np.e, abs=1e-13)
    assert f.value(0.5) == pytest.approx(np.e)
    n = Function(lambda t: t ** 3, n_in=1)
    assert n.derivative(2.0) == pytest.approx(12.0, rel=1e-8)
    F = Function([X * Y, X + Y ** 2], 2, (2,), "F")
    np.testing.assert_allclose(F.value([2.0, 3.0]), [6.0, 11.0])
    np.testing.assert_allclose(F.jacobian([2.0, 3.0]), [[3, 2], [1, 6]])
    G = Function(lambda p: np.array([p[0] * p[1], p[0] + p[1] ** 2]),
                 2, (2,), "F")
    np.testing.assert_allclose(G.jacobian([2.0, 3.0]), [[3, 2], [1, 6]],
                               rtol=1e-7)
    M = Function(sp.Matrix([X, 2 * Y]), 2, (2,), "F")
    np.testing.assert_allclose(M.jacobian([1.0, 1.0]), [[1, 0], [0, 2]])
    # constants broadcast: a component with no variable in it
    C = Function([X, 3], 2, (2,), "F")
    np.testing.assert_allclose(C.grid(np.zeros((2, 4, 5))),
                               np.stack([np.zeros((4, 5)),
                                         np.full((4, 5), 3.0)]))
    np.testing.assert_allclose(C.jacobian([1.0, 1.0]), [[1, 0], [0, 0]])


def test_absolute_value_is_differentiated_on_the_reals():
    """d|x|/dx = sign(x): the symbols are made real; its second derivative
    (sympy's DiracDelta) is 0 away from the kink; on it the widget says
    there is a kink."""
    f = Function(sp.Abs(X) + Y)
    np.testing.assert_allclose(f.gradient([-2.0, 1.0]), [-1.0, 1.0])
    k = Function(sp.Abs(X - Y))
    np.testing.assert_allclose(k.hessian([2.0, 1.0]), np.zeros((2, 2)))
    with pytest.raises(WidgetInputError, match="f has a kink"):
        k.hessian([1.0, 1.0])


def test_grid_evaluates_everywhere_with_nan_where_f_fails():
    """On a (2, 3, 4) grid: shape (3, 4); nan where f raises (pointwise
    fallback) or is complex; the vectorised answer is checked and, if
    numpy code gives another answer on arrays, f is called per point."""
    P = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3)))

    def raising(p):
        if p[0] > 0.5:
            raise ArithmeticError("no")
        return p[0] + p[1]
    out = Function(raising).grid(P)
    assert out.shape == (3, 4)
    want = np.where(P[0] > 0.5, np.nan, P[0] + P[1])
    np.testing.assert_array_equal(out, want)
    wrong = Function(lambda p: np.max(p[0]) + p[1])  # max over the grid
    np.testing.assert_allclose(wrong.grid(P), P[0] + P[1])
    cx = Function(lambda p: np.emath.sqrt(p[0]) + p[1])
    got = cx.grid(P)
    np.testing.assert_allclose(got[P[0] >= 0],
                               np.sqrt(P[0][P[0] >= 0]) + P[1][P[0] >= 0])
    assert np.isnan(got[P[0] < 0]).all()
    one = Function(lambda t: 1 / t, n_in=1)
    np.testing.assert_array_equal(one.grid(np.array([-1.0, 0.0, 2.0])),
                                  [-1.0, np.nan, 0.5])
    sym = Function(sp.log(X) + Y)
    np.testing.assert_array_equal(np.isnan(sym.grid(P)), P[0] <= 0)


def test_values_that_cannot_be_drawn_say_why():
    f = Function(lambda p: np.sqrt(p[0]) + p[1])
    with pytest.raises(WidgetInputError,
                       match=r"^f is not finite at \(-1, 2\) \(value nan\)$"):
        f.value([-1.0, 2.0])

    def raising(p):
        raise ArithmeticError("undefined here")
    with pytest.raises(WidgetInputError, match=r"^f raised ArithmeticError "
                       r"at \(0\.5, 1\): undefined here$"):
        Function(raising).value([0.5, 1.0])
    c = Function(lambda p: np.emath.sqrt(p[0]) + 0 * p[1])
    with pytest.raises(WidgetInputError, match=r"^f is complex at \(-4, 0\)$"):
        c.value([-4.0, 0.0])
    assert c.value([4.0, 0.0]) == 2.0            # complex type, real value
    with pytest.raises(WidgetInputError, match=r"f must return a scalar, "
                       r"got shape \(2,\) at \(1, 2\)"):
        Function(lambda p: p).value([1.0, 2.0])
    with pytest.raises(WidgetInputError, match=r"F must return an array of "
                       r"shape \(2,\), got shape \(\) at \(1, 2\)"):
        Function(lambda p: p[0], 2, (2,), "F").value([1.0, 2.0])
    with pytest.raises(WidgetInputError, match=r"f must return numbers, got "
                       r"str at 1\.5$"):
        Function(lambda t: "text", n_in=1).value(1.5)
    with pytest.raises(WidgetInputError, match=r"^f is not finite at 0 "):
        Function(lambda t: np.divide(1.0, t), n_in=1).value(0.0)


def test_derivatives_that_fail_say_why():
    f = Function(sp.sqrt(X) + Y)
    with pytest.raises(WidgetInputError, match=r"^the gradient of f is not "
                       r"finite at \(0, 1\)$"):
        f.gradient([0.0, 1.0])
    with pytest.raises(WidgetInputError, match=r"^the hessian of f is not "
                       r"finite at \(0, 1\)$"):
        f.hessian([0.0, 1.0])

    def raising(p):
        if p[0] < 0:
            raise ArithmeticError("left")
        return p[0] + p[1]
    with pytest.raises(WidgetInputError, match=r"^could not compute the "
                       r"directional derivative of f at \(0, 1\): "
                       r"ArithmeticError: left"):
        Function(raising).directional_derivative([0.0, 1.0], [1.0, 0.0])
    with pytest.raises(WidgetInputError, match=r"^could not compute the "
                       r"partial of f at \(0, 1\)"):
        Function(raising).partial([0.0, 1.0], 0)


def test_symbols_are_taken_in_order():
    """x and y in that order; two other symbols alphabetically; or the
    order given; a missing y is still the second variable."""
    a, b = sp.symbols("a b")
    assert Function(b ** 2 + a).gradient([1.0, 3.0]).tolist() == [1.0, 6.0]
    assert Function(b ** 2 + a, variables=[b, a]).gradient(
        [3.0, 1.0]).tolist() == [6.0, 1.0]
    assert Function(X ** 2).gradient([3.0, 5.0]).tolist() == [6.0, 0.0]
    assert Function(Y ** 2).gradient([3.0, 5.0]).tolist() == [0.0, 10.0]
    assert Function(sp.Integer(4) + 0 * X).value([1.0, 2.0]) == 4.0
    assert Function(a ** 2, n_in=1).derivative(3.0) == 6.0


def test_bad_functions_are_refused_with_the_reason():
    z = sp.Symbol("z")
    with pytest.raises(ValueError, match=r"^f has the free symbols \['x', "
                       r"'y', 'z'\]; a function of 2 variables is expected: "
                       r"pass variables=\[\.\.\.\] with the 2 symbols to "
                       r"use$"):
        Function(X * Y * z)
    with pytest.raises(ValueError, match=r"a function of 1 variable is "
                       r"expected: pass variables=\[\.\.\.\] with the 1 "
                       r"symbol to use$"):
        Function(X * Y, n_in=1)
    with pytest.raises(ValueError, match=r"^variables must be 2 sympy "
                       r"Symbols, got \[x\]$"):
        Function(X * Y, variables=[X])
    with pytest.raises(ValueError, match="variables must be 2 sympy"):
        Function(X * Y, variables=[X, "y"])
    with pytest.raises(ValueError, match=r"^f must be a scalar expression "
                       r"here, got 2 expressions$"):
        Function([X, Y])
    with pytest.raises(ValueError, match="f must be a scalar expression"):
        Function(sp.Matrix([X, Y]))
    with pytest.raises(ValueError, match=r"^F must have 2 components, got "
                       r"3$"):
        Function([X, Y, X], 2, (2,), "F")
    with pytest.raises(TypeError, match=r"^f is the string 'x\*\*2'; "
                       r"strings are not parsed"):
        Function("x**2")
    with pytest.raises(TypeError, match=r"^f must be a function \(numpy "
                       r"code taking an array\) or a sympy expression, got "
                       r"float$"):
        Function(3.0)
    with pytest.raises(TypeError, match="got list"):
        Function([1, 2])                       # numbers only: not sympy
    assert Function([X, 1], 2, (2,), "F").expr == sp.Matrix(
        [Function(X).symbols[0], 1])


def test_symbols_with_assumptions_are_the_variables():
    """x, y = sp.symbols('x y', positive=True): f is a function of those
    very symbols, so its derivatives are not 0 (a fresh Symbol('x') is
    another symbol, with respect to which f is constant)."""
    x, y = sp.symbols("x y", positive=True)
    f = Function(x ** 2 * y)
    assert f.value([3.0, 2.0]) == 18.0
    assert f.gradient([3.0, 2.0]).tolist() == [12.0, 9.0]
    assert f.hessian([3.0, 2.0]).tolist() == [[4.0, 6.0], [6.0, 0.0]]


def test_a_string_f_is_refused_with_the_whole_hint():
    with pytest.raises(TypeError) as info:
        Function("x**2")
    assert str(info.value) == (
        "f is the string 'x**2'; strings are not parsed: pass a sympy "
        "expression (e.g. x*sp.exp(-x**2 - y**2) with x, y = "
        "sp.symbols('x y')) or a numpy function")


def test_the_derivative_of_a_sympy_f_is_sympys_at_the_edge_of_its_domain():
    """log(x): sympy's derivative 1/x at x = 1e-20, where a numerical
    difference (steps of about 1e-14) would step outside the domain; at
    0 the derivative is infinite, and the message says so."""
    f = Function(sp.log(X), n_in=1)
    assert f.derivative(1e-20) == 1e20
    with pytest.raises(WidgetInputError) as info:
        f.derivative(0.0)
    assert str(info.value) == "the derivative of f is not finite at 0"


def test_the_jacobian_of_a_sympy_F_is_sympys_in_the_linear_map():
    """linear_map's J for sympy input comes from mathlib.symbolic: exact
    next to the edge of the domain (log x at x = 1e-20), and an infinite
    entry (sqrt x at 0) is refused as a Jacobian that is not finite."""
    w = W.linear_map([sp.log(X), Y], point=(1e-20, 1.0), mode="static")
    assert w.J.tolist() == [[1e20, 0.0], [0.0, 1.0]]
    with pytest.raises(ValueError) as info:
        W.linear_map([sp.sqrt(X), Y], point=(0.0, 1.0), mode="static")
    assert str(info.value) == ("F must be finite and differentiable at "
                               "point = (0.0, 1.0): the jacobian of F is "
                               "not finite at (0, 1)")


def test_points_given_as_integers_are_read_as_floats():
    """[2, 1] is the point (2.0, 1.0): numpy code with x**-1 (which numpy
    refuses for integer arrays) is drawn on an integer grid, and numpy
    code is differentiated at an integer point."""
    f = Function(lambda p: p[0] ** -1 + p[1])
    np.testing.assert_array_equal(f.grid(np.array([[[1, 2]], [[1, 3]]])),
                                  [[2.0, 3.5]])
    np.testing.assert_allclose(f.gradient([2, 1]), [-0.25, 1.0], rtol=1e-9)
    np.testing.assert_allclose(f.hessian([2, 1]), [[0.25, 0], [0, 0]],
                               atol=1e-7)


def test_a_constant_numpy_f_written_as_a_number_is_drawn_flat():
    """lambda p: 3.0 returns one number for the whole grid: f is then
    evaluated point by point, 3 everywhere; epsilon_delta draws it."""
    P = np.stack(np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3)))
    np.testing.assert_array_equal(Function(lambda p: 3.0).grid(P),
                                  np.full((3, 4), 3.0))
    w = W.epsilon_delta(lambda t: 2.0, halfwidth=1.0, mode="static")
    assert w.L == 2.0 and (w._y == 2.0).all()
    assert w.delta == 1.0 and w.inside


def test_numpy_code_that_takes_arrays_is_called_once_per_grid():
    """A vectorised f, real or complex-typed (np.emath.sqrt, complex where
    x < 0, drawn as nan there), is called on the whole grid at once: the
    first grid also calls it at 4 points to check the array answer, later
    grids once; never once per point."""
    P = np.stack(np.meshgrid(np.linspace(-1, 1, 30), np.linspace(-1, 1, 20)))
    right = P[0] >= 0
    for body, want in (
            (lambda p: p[0] ** 2 + p[1], P[0] ** 2 + P[1]),
            (lambda p: np.emath.sqrt(p[0]) + p[1],
             np.where(right, np.sqrt(np.abs(P[0])) + P[1], np.nan))):
        calls = []

        def f(p, body=body):
            calls.append(np.shape(p))
            return body(p)
        fn = Function(f)
        np.testing.assert_allclose(fn.grid(P), want, rtol=1e-15)
        assert calls[0] == (2, 600) and len(calls) <= 5
        del calls[:]
        np.testing.assert_allclose(fn.grid(P[:, :5]), want[:5], rtol=1e-15)
        assert calls == [(2, 150)]


def test_the_array_answer_is_checked_at_two_thirds_of_the_grid_too():
    """An f whose answer on arrays is wrong only for 0.6 < t < 0.8 (here
    0 instead of t^2): on 10 points of [0, 1] the check at the first
    point, a third, two thirds (t = 0.667) and the last catches it, and
    f is evaluated point by point: t^2 everywhere."""
    def f(t):
        wrong = (np.ndim(t) > 0) & (t > 0.6) & (t < 0.8)
        return np.where(wrong, 0.0, t ** 2)
    t = np.linspace(0, 1, 10)
    np.testing.assert_allclose(Function(f, n_in=1).grid(t), t ** 2,
                               rtol=1e-15)


def test_a_sympy_f_at_a_kink_is_refused_like_the_same_numpy_f():
    """|x| + y**2 at (0, 0.5): sympy's derivative of |x| there is sign(0)
    = 0, a convention, not a derivative. The widgets say there is a kink,
    as they do for the same function in numpy, instead of drawing a
    directional derivative of 0 or a Jacobian with a 0 in it."""
    x, y = sp.symbols("x y")
    for f in (sp.Abs(x) + y ** 2, lambda p: np.abs(p[0]) + p[1] ** 2):
        w = W.directional_derivative(f, x0=0.0, y0=0.5, mode="static")
        assert "f has a kink" in w.message, w.message
        assert "the derivative does not exist there" in w.message
        w.update(x0=0.3)
        assert w.message == ""
        assert w.value == pytest.approx(np.cos(0.5) + np.sin(0.5), rel=1e-6)
    with pytest.raises(ValueError, match="f has a kink at x.0. = 0.0"):
        W.linear_map(sp.Matrix([sp.Abs(x), y]), point=(0.0, 1.0),
                     mode="static")
    m = Function(sp.Max(x, y))
    with pytest.raises(WidgetInputError, match="kink"):
        m.gradient([1.0, 1.0])
    np.testing.assert_allclose(m.gradient([2.0, 1.0]), [1.0, 0.0])


def test_a_sympy_f_that_switches_smoothly_keeps_its_derivative():
    """|x|**3 switches at 0 but has no kink there: its gradient at (0, y)
    is (0, 2y), from the numeric derivative, which agrees with sympy's."""
    x, y = sp.symbols("x y")
    f = Function(sp.Abs(x) ** 3 + y ** 2)
    np.testing.assert_allclose(f.gradient([0.0, 0.5]), [0.0, 1.0],
                               atol=1e-7)
    np.testing.assert_allclose(f.gradient([-1.0, 0.5]), [-3.0, 1.0])
