"""Tests of mathlib.symbolic: shapes, layouts, Taylor polynomials and
equivalent(), including its witnesses and domains."""
import signal

import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathlib import symbolic
from mathlib.symbolic import (Equivalence, equivalent, gradient, hessian,
                              jacobian, taylor)

x, y, z = sp.symbols("x y z")
px, py = sp.symbols("x y", positive=True)


# ----------------------------------------------------------------- gradient

def test_gradient_is_a_column_shaped_like_the_variables():
    g = gradient(2*x + y**8, [x, y])
    assert g.shape == (2, 1)
    assert g == sp.Matrix([2, 8*y**7])


def test_gradient_of_the_original_articles_example_is_not_the_misprint():
    # The article printed the gradient of 2x + y^8 wrongly; [2, 8y^7] is
    # right, and equivalent() catches a wrong one with a witness.
    g = gradient(2*x + y**8, (x, y))
    wrong = sp.Matrix([2, 8*y**8])
    r = equivalent(g, wrong)
    assert not r and r.witness["entry"] == (1, 0)
    assert equivalent(g, sp.Matrix([2, 8*y**7]))


def test_gradient_with_respect_to_a_matrix_has_the_matrix_shape():
    X = sp.Matrix(2, 3, sp.symbols("x0:6"))
    a = sp.Matrix(sp.symbols("a0:2"))
    b = sp.Matrix(sp.symbols("b0:3"))
    g = gradient((a.T * X * b)[0], X)
    assert g.shape == (2, 3)
    assert g == a * b.T


def test_gradient_accepts_a_row_matrix_and_a_single_symbol():
    assert gradient(x*y, sp.Matrix([[x, y]])).shape == (1, 2)
    assert gradient(x**2, x) == sp.Matrix([2*x])
    assert gradient(3, [x]) == sp.Matrix([0])


@pytest.mark.parametrize("expr, vars, err, match", [
    ("x**2", [x], TypeError, "string"),
    ([x], [x], TypeError, "expr must be a sympy expression"),
    (sp.Matrix([x, y]), [x, y], TypeError, "scalar"),
    (x, [x, 2], TypeError, "only sympy Symbols"),
    (x, [x, x + 1], TypeError, "only sympy Symbols"),
    (x, "x", TypeError, "vars must be a list"),
    (x, [], ValueError, "empty"),
    (x, [x, y, x], ValueError, "twice"),
    (True, [x], TypeError, "expr must be"),
])
def test_gradient_bad_input(expr, vars, err, match):
    with pytest.raises(err, match=match):
        gradient(expr, vars)


# ----------------------------------------------------------------- jacobian

def test_jacobian_numerator_and_denominator_layouts():
    F = [x*y, x + y, sp.sin(x)]
    J = jacobian(F, [x, y])
    assert J.shape == (3, 2)
    assert J == sp.Matrix([[y, x], [1, 1], [sp.cos(x), 0]])
    assert jacobian(F, [x, y], layout="denominator") == J.T


def test_jacobian_of_a_scalar_is_a_row_and_of_a_gradient_the_hessian():
    f = x**2 * y
    assert jacobian(f, [x, y]) == gradient(f, [x, y]).T
    assert jacobian(gradient(f, [x, y]), [x, y]) == hessian(f, [x, y])


def test_jacobian_accepts_matrix_vectors():
    J = jacobian(sp.Matrix([[x*z, y]]), sp.Matrix([x, y, z]))
    assert J == sp.Matrix([[z, 0, x], [0, 1, 0]])


@pytest.mark.parametrize("kwargs, err, match", [
    ({"layout": "row"}, ValueError, r"layout must be one of \('numerator'"),
    ({"vars": sp.Matrix(2, 2, sp.symbols("p q r s"))}, ValueError,
     "vector"),
    ({"exprs": sp.Matrix(2, 2, [x, y, z, x])}, ValueError, "vector"),
    ({"exprs": []}, ValueError, "empty"),
    ({"exprs": [x, "y"]}, TypeError, r"exprs\[1\]"),
    ({"vars": [x, sp.Integer(1)]}, TypeError, "Symbols"),
])
def test_jacobian_bad_input(kwargs, err, match):
    args = {"exprs": [x, y], "vars": [x, y], **kwargs}
    with pytest.raises(err, match=match):
        jacobian(args["exprs"], args["vars"], **{
            k: v for k, v in args.items() if k == "layout"})


# ------------------------------------------------------------------ hessian

def test_hessian_shape_and_symmetry():
    f = sp.exp(x*y) + z**3 * x
    H = hessian(f, [x, y, z])
    assert H.shape == (3, 3)
    assert H == H.T
    assert H[2, 2] == 6*z*x


def test_hessian_bad_input():
    with pytest.raises(TypeError, match="expr must be a scalar"):
        hessian(sp.Matrix([x, y]), [x, y])
    with pytest.raises(ValueError, match="vector of variables"):
        hessian(x, sp.Matrix(2, 2, [x, y, z, sp.Symbol("w")]))


# ------------------------------------------------------------------- taylor

def test_taylor_of_log_sum_exp_at_0_log2():
    f = sp.log(sp.exp(x) + sp.exp(y))
    p = [0, sp.log(2)]
    t1 = taylor(f, [x, y], p, order=1)
    h = [x, y - sp.log(2)]
    expected1 = sp.log(3) + h[0]/3 + 2*h[1]/3
    assert equivalent(t1, expected1)
    t2 = taylor(f, [x, y], p, order=2)
    # Hessian of log-sum-exp at p: (diag(s) - s s^T) with s = (1/3, 2/3)
    expected2 = expected1 + sp.Rational(1, 2) * sp.Rational(2, 9) * \
        (h[0] - h[1])**2
    assert equivalent(t2, expected2)
    assert sp.Poly(t2, x, y).total_degree() == 2


def test_taylor_of_x_exp_at_minus1_0():
    f = x * sp.exp(-x**2 - y**2)
    e = sp.exp(-1)
    t1 = taylor(f, [x, y], {x: -1, y: 0}, order=1)
    assert sp.simplify(t1 - (-e - e*(x + 1))) == 0
    t2 = taylor(f, [x, y], {"x": -1, "y": 0}, order=2)
    # f_xx(-1, 0) = (4x^3 - 6x) e^{-1} = 2/e, f_xy = 0, f_yy = 2/e
    assert sp.simplify(t2 - (t1 + e*(x + 1)**2 + e*y**2)) == 0


def test_taylor_reproduces_a_quadratic_exactly_and_agrees_at_the_point():
    q = 3*x**2 - x*y + 2*y - 5
    assert sp.expand(taylor(q, [x, y], [1, 2], order=2) - q) == 0
    f = sp.cos(x) * sp.exp(y)
    t = taylor(f, (x, y), (sp.pi/3, 1), order=2)
    assert sp.simplify(t.subs({x: sp.pi/3, y: 1}) - f.subs(
        {x: sp.pi/3, y: 1})) == 0


@pytest.mark.parametrize("kwargs, err, match", [
    ({"order": 3}, ValueError, "order must be 1 or 2"),
    ({"order": 0}, ValueError, "order must be 1 or 2"),
    ({"order": True}, ValueError, "order must be 1 or 2"),
    ({"point": [0]}, ValueError, "1 coordinates but there are 2"),
    ({"point": [0, 1, 2]}, ValueError, "3 coordinates"),
    ({"point": {x: 0}}, ValueError, "no value for the variable y"),
    ({"point": {x: 0, y: 0, z: 1}}, ValueError, "not among vars"),
    ({"point": 0}, TypeError, "point must be a list"),
    ({"point": ["a", 0]}, TypeError, "string"),
])
def test_taylor_bad_input(kwargs, err, match):
    args = {"point": [0, 0], "order": 2, **kwargs}
    with pytest.raises(err, match=match):
        taylor(sp.exp(x + y), [x, y], args["point"], order=args["order"])


def test_taylor_at_a_singularity_raises():
    with pytest.raises(ValueError, match="not finite at the point"):
        taylor(1/x + y, [x, y], [0, 1], order=1)


# --------------------------------------------------------------- equivalent

@pytest.mark.parametrize("a, b", [
    (sp.sin(x)**2 + sp.cos(x)**2, 1),
    (sp.sin(2*x), 2*sp.sin(x)*sp.cos(x)),
    (sp.tan(x), sp.sin(x)/sp.cos(x)),
    ((x**2 - 1)/(x - 1), x + 1),
    (1/(x*(x + 1)), 1/x - 1/(x + 1)),
    (sp.exp(x + y), sp.exp(x)*sp.exp(y)),
    (sp.sqrt(x**2), sp.Abs(x)),
    (sp.Max(x, 0), (x + sp.Abs(x))/2),
    (sp.Piecewise((x, x > 0), (0, True)), sp.Max(x, 0)),
    (sp.cosh(x)**2 - sp.sinh(x)**2, 1),
    (0.5*x, x/2),
    (0.1*x, x/10),
    (sp.Rational(1, 3), 1/3),
])
def test_equivalent_true(a, b):
    r = equivalent(a, b)
    assert r, r.reason
    assert r.equal is True and r.witness is None
    assert r.method in ("symbolic", "numeric")
    assert str(r).startswith("equivalent: ")


def test_log_identity_needs_a_positive_domain_to_be_proved():
    a, b = sp.log(x*y), sp.log(x) + sp.log(y)
    proved = equivalent(a, b, domain={"x": (0, 5), y: (0, 5)})
    assert proved and proved.method == "symbolic"
    assert equivalent(sp.log(px*py), sp.log(px) + sp.log(py)).method == \
        "symbolic"
    # symbols named x and y with and without assumptions are one variable
    assert equivalent(sp.log(px*py), sp.log(x) + sp.log(y))
    assert equivalent(sp.exp(sp.log(x)), x, domain=(0.1, 3))


def test_default_domain_compares_only_where_both_sides_are_real():
    # log(x**2)/2 and log(x) agree wherever both are real (x > 0); sympy
    # cannot prove it, so the verdict is honestly "numeric".
    r = equivalent(sp.log(x**2)/2, sp.log(x))
    assert r and r.method == "numeric" and r.samples >= 8
    assert "could not prove" in r.reason


def test_sqrt_of_square_is_not_x_and_the_witness_is_negative():
    r = equivalent(sp.sqrt(x**2), x)
    assert not r
    assert r.method == "sample"
    w = r.witness
    assert w["point"][x] < 0
    assert w["a"] == pytest.approx(-w["point"][x])
    assert w["b"] == pytest.approx(w["point"][x])
    assert r.reason.startswith("they differ at x = -")
    assert equivalent(sp.sqrt(x**2), x, domain={"x": (0, 4)})


def test_witness_names_all_free_symbols_even_those_of_one_side():
    r = equivalent(x + y, x)
    assert not r
    assert set(r.witness["point"]) == {x, y}
    assert r.witness["a"] - r.witness["b"] == pytest.approx(
        r.witness["point"][y])
    assert "y = " in r.reason


def test_wrong_derivative_is_caught_with_both_values():
    r = equivalent(sp.diff(x*sp.exp(-x**2), x), sp.exp(-x**2)*(1 - x**2))
    assert not r
    p = r.witness["point"][x]
    assert r.witness["a"] == pytest.approx(float(
        (sp.exp(-x**2)*(1 - 2*x**2)).subs(x, p)))


def test_matrices_shape_mismatch_and_entry():
    r = equivalent(sp.Matrix([x, y]), sp.Matrix([[x, y]]))
    assert not r and r.method == "shape" and "(2, 1)" in r.reason
    r = equivalent(sp.Matrix([x, y]), x)
    assert not r and "scalar" in r.reason
    r = equivalent(sp.Matrix([[x, 2*y], [0, 1]]), sp.Matrix([[x, y], [0, 1]]))
    assert not r and r.witness["entry"] == (0, 1)
    assert "entry (0, 1)" in r.reason
    assert equivalent(sp.Matrix([[sp.sin(x)**2, 1]]),
                      sp.Matrix([[1 - sp.cos(x)**2, 1]]))


def test_constants_and_tiny_exact_differences():
    r = equivalent(sp.pi, 3.14159)
    assert not r and r.reason == "they differ: a = 3.141593, b = 3.14159"
    r = equivalent(x, x + sp.Rational(1, 10**30))
    assert not r and "nonzero constant" in r.reason
    assert not equivalent(sp.Float("0.333333"), sp.Rational(1, 3))


def test_domain_as_interval_and_integer_symbols():
    n = sp.Symbol("n", integer=True)
    assert equivalent(sp.cos(sp.pi*n), (-1)**n)
    assert not equivalent(sp.cos(sp.pi*n), 1)
    assert equivalent(sp.Abs(x), x, domain=(1, 2))
    assert not equivalent(sp.Abs(x), x, domain=(-2, -1))


def test_unevaluable_functions_fall_back_to_sympy():
    f = sp.Function("f")
    assert equivalent(f(x) + f(x), 2*f(x))
    r = equivalent(f(x), f(y))
    assert not r and r.method == "undecided"


def test_result_object():
    r = equivalent(x, x)
    assert isinstance(r, Equivalence)
    assert repr(r).startswith("Equivalence(True")


@pytest.mark.parametrize("kwargs, err, match", [
    ({"a": "x"}, TypeError, "a is the string 'x'"),
    ({"b": [x]}, TypeError, "b must be a sympy expression or Matrix"),
    ({"a": None}, TypeError, "NoneType"),
    ({"domain": 3}, TypeError, "domain must be None"),
    ({"domain": {"x": (2, 1)}}, ValueError, "lo < hi"),
    ({"domain": {"x": (0, float("inf"))}}, ValueError, "finite"),
    ({"domain": {"x": "ab"}}, TypeError, "pair"),
    ({"samples": 3}, ValueError, "samples must be an int >= 8"),
])
def test_equivalent_bad_input(kwargs, err, match):
    args = {"a": x, "b": x, **kwargs}
    with pytest.raises(err, match=match):
        equivalent(**args)


def test_equivalent_is_reproducible():
    a, b = sp.sqrt(x**2) + y, x + y
    assert equivalent(a, b).witness == equivalent(a, b).witness


# Random polynomials: their expanded form is equivalent; changing one
# coefficient by a small exact amount is caught.
coefficients = st.lists(st.integers(-5, 5), min_size=3, max_size=6)


@settings(max_examples=15, derandomize=True, deadline=None)
@given(coefficients, coefficients)
@example([1, -2, 1], [0, 0, 3])
def test_polynomial_and_its_expansion_are_equivalent(cx, cy):
    p = sum(c * (x - 1)**k for k, c in enumerate(cx)) \
        * sum(c * (y + x)**k for k, c in enumerate(cy))
    assert equivalent(sp.expand(p), p)
    r = equivalent(sp.expand(p), p + sp.Rational(1, 1000) * x**2)
    assert not r and r.method == "sample"


def test_hyperbolic_forms_are_proved_quickly():
    """sech^2 and 1 - tanh^2 (a tanh neuron's derivative) are proved
    through exp, not left to simplify (which took tens of seconds)."""
    x1, x2, w1, w2, b = sp.symbols("x1 x2 w1 w2 b", real=True)
    z = w1 * x1 + w2 * x2 + b
    result = symbolic.equivalent(x1 / sp.cosh(z) ** 2,
                                 x1 * (1 - sp.tanh(z) ** 2))
    assert result and result.method == "symbolic"


def test_a_proof_that_runs_out_of_time_falls_back_to_the_samples(
        monkeypatch):
    monkeypatch.setattr(symbolic, "PROOF_SECONDS", 1e-4)
    x = sp.Symbol("x")
    result = symbolic.equivalent(sp.sin(x) ** 2 + sp.cos(x) ** 2 + x,
                                 1 + x)
    assert result and result.method == "numeric"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_the_time_limit_keeps_an_outer_timer_running():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        x = sp.Symbol("x")
        assert symbolic.equivalent(sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x))
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 25.0 < left <= 30.0
        assert signal.getsignal(signal.SIGALRM) is not None and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
