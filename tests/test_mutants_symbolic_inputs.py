"""What mathlib.symbolic says about bad input, word for word (issue 21).

The module docstring promises that bad input is refused with an error
that names the argument at fault and says what was expected. Mutation
testing found messages whose argument name, shape or type name could be
changed (or dropped) with every test green. Each function's refusals are
listed here with their whole message; shapes are chosen non-square
(2 x 3) so that rows and columns cannot be swapped unseen.
"""
import pytest
import sympy as sp

from mathlib.symbolic import equivalent, gradient, hessian, jacobian, taylor

x, y, z = sp.symbols("x y z")
M23 = sp.Matrix(2, 3, sp.symbols("m0:6"))          # 2 x 3, all Symbols
STRING_HINT = ("; strings are not parsed here: build a sympy expression "
               "(e.g. with sympy.symbols) or use mathlib.exercises")


def refusal(call):
    """(type, message) of the exception that call() raises."""
    with pytest.raises((TypeError, ValueError)) as e:
        call()
    return type(e.value), str(e.value)


# the expression arguments: each function names its own argument
EXPRESSIONS = [
    # gradient, hessian, taylor: "expr"; jacobian: "exprs[i]";
    # equivalent: "a" and "b"; taylor's point: "point[<variable>]"
    (lambda: gradient("x*y", [x, y]), TypeError,
     "expr is the string 'x*y'" + STRING_HINT),
    (lambda: gradient(M23, [x]), TypeError,
     "expr must be a scalar sympy expression, got a 2x3 Matrix"),
    (lambda: gradient([x], [x]), TypeError,
     "expr must be a sympy expression, got list"),
    (lambda: gradient(None, [x]), TypeError,
     "expr must be a sympy expression, got NoneType"),
    (lambda: gradient(True, [x]), TypeError,
     "expr must be a sympy expression, got bool"),
    (lambda: hessian("x", [x]), TypeError,
     "expr is the string 'x'" + STRING_HINT),
    (lambda: hessian(M23.T, [x]), TypeError,
     "expr must be a scalar sympy expression, got a 3x2 Matrix"),
    (lambda: taylor("x", [x], [0]), TypeError,
     "expr is the string 'x'" + STRING_HINT),
    (lambda: taylor(M23, [x], [0]), TypeError,
     "expr must be a scalar sympy expression, got a 2x3 Matrix"),
    (lambda: taylor(x + y, [x, y], [0, "1"]), TypeError,
     "point[y] is the string '1'" + STRING_HINT),
    (lambda: taylor(x + y, [x, y], {"x": None, "y": 0}), TypeError,
     "point[x] must be a sympy expression, got NoneType"),
    (lambda: jacobian([x, y, "z"], [x]), TypeError,
     "exprs[2] is the string 'z'" + STRING_HINT),
    (lambda: jacobian([x, M23], [x]), TypeError,
     "exprs[1] must be a scalar sympy expression, got a 2x3 Matrix"),
    (lambda: jacobian(None, [x]), TypeError,
     "exprs[0] must be a sympy expression, got NoneType"),
    (lambda: equivalent("x", x), TypeError,
     "a is the string 'x'" + STRING_HINT),
    (lambda: equivalent(x, "x"), TypeError,
     "b is the string 'x'" + STRING_HINT),
    (lambda: equivalent(x, [x]), TypeError,
     "b must be a sympy expression or Matrix, got list"),
    (lambda: equivalent(None, x), TypeError,
     "a must be a sympy expression or Matrix, got NoneType"),
]

# the variables: every function calls them "vars"
VARIABLES = [
    (lambda: gradient(x, "x"), TypeError,
     "vars must be a list or tuple of sympy Symbols or a Matrix of "
     "Symbols, got str"),
    (lambda: jacobian([x], {x}), TypeError,
     "vars must be a list or tuple of sympy Symbols or a Matrix of "
     "Symbols, got set"),
    (lambda: hessian(x, []), ValueError,
     "vars is empty; give at least one Symbol"),
    (lambda: taylor(x, (), []), ValueError,
     "vars is empty; give at least one Symbol"),
    (lambda: gradient(x, [x, 2]), TypeError,
     "vars must contain only sympy Symbols, got 2 (int)"),
    (lambda: jacobian([x], [x, 2.5]), TypeError,
     "vars must contain only sympy Symbols, got 2.5 (float)"),
    (lambda: hessian(x, [x, x + 1]), TypeError,
     "vars must contain only sympy Symbols, got x + 1 (Add)"),
    (lambda: gradient(x * y, [y, x, y]), ValueError,
     "vars contains the Symbol y twice"),
    (lambda: hessian(x * y, [x, y, x]), ValueError,
     "vars contains the Symbol x twice"),
    # a matrix of variables is the gradient's business only
    (lambda: hessian(x, M23), ValueError,
     "vars is a 2x3 Matrix; this function needs a vector of variables "
     "(flatten it, e.g. list(X))"),
    (lambda: jacobian([x], M23.T), ValueError,
     "vars is a 3x2 Matrix; this function needs a vector of variables "
     "(flatten it, e.g. list(X))"),
    (lambda: taylor(x, M23, [0] * 6), ValueError,
     "vars is a 2x3 Matrix; this function needs a vector of variables "
     "(flatten it, e.g. list(X))"),
]

# the other arguments
OTHERS = [
    (lambda: jacobian([x], [x], layout="rows"), ValueError,
     "layout must be one of ('numerator', 'denominator'), got 'rows'"),
    (lambda: jacobian(M23, [x]), ValueError,
     "exprs is a 2x3 Matrix; give a vector of expressions"),
    (lambda: jacobian(M23.T, [x]), ValueError,
     "exprs is a 3x2 Matrix; give a vector of expressions"),
    (lambda: jacobian((), [x]), ValueError,
     "exprs is empty; give at least one expression"),
    (lambda: taylor(x, [x], [0], order=3), ValueError,
     "order must be 1 or 2, got 3"),
    (lambda: taylor(x, [x], [0], order=True), ValueError,
     "order must be 1 or 2, got True"),
    (lambda: taylor(x, [x], [0], order="2"), ValueError,
     "order must be 1 or 2, got '2'"),
    (lambda: taylor(x + y, [x, y], [0]), ValueError,
     "point has 1 coordinates but there are 2 variables [x, y]"),
    (lambda: taylor(x + y, [x, y], sp.Matrix([0, 1, 2])), ValueError,
     "point has 3 coordinates but there are 2 variables [x, y]"),
    (lambda: taylor(x + y, [x, y], {"x": 0}), ValueError,
     "point has no value for the variable y"),
    (lambda: taylor(x + y, [x, y], {y: 0, z: 1, x: 0}), ValueError,
     "point has values for [z], which are not among vars [x, y]"),
    (lambda: taylor(x + y, [x, y], {"y": 0, "x": 1, "w": 2}), ValueError,
     "point has values for ['w'], which are not among vars [x, y]"),
    (lambda: taylor(x, [x], 0.5), TypeError,
     "point must be a list, tuple or dict, got float"),
    (lambda: equivalent(x, x, samples=7), ValueError,
     "samples must be an int >= 8, got 7"),
    (lambda: equivalent(x, x, samples=8.0), ValueError,
     "samples must be an int >= 8, got 8.0"),
    (lambda: equivalent(x, x, samples=True), ValueError,
     "samples must be an int >= 8, got True"),
    (lambda: equivalent(x, x, domain=2), TypeError,
     "domain must be None, a pair (lo, hi) or a dict, got int"),
    (lambda: equivalent(x, x, domain="ab"), TypeError,
     "domain must be None, a pair (lo, hi) or a dict, got str"),
    (lambda: equivalent(x, x, domain={"x": "ab"}), TypeError,
     "domain for x must be a pair (lo, hi) of numbers, got 'ab'"),
    (lambda: equivalent(x, x, domain={x: (1, 2, 3)}), TypeError,
     "domain for x must be a pair (lo, hi) of numbers, got (1, 2, 3)"),
    (lambda: equivalent(x + y, x + y, domain={"y": (2, 1)}), ValueError,
     "domain for y must be a finite interval with lo < hi, got (2, 1)"),
    (lambda: equivalent(x, x, domain=(1, 1)), ValueError,
     "domain for x must be a finite interval with lo < hi, got (1, 1)"),
    (lambda: equivalent(x, x, domain=(float("-inf"), 1)), ValueError,
     "domain for x must be a finite interval with lo < hi, got (-inf, 1)"),
    (lambda: equivalent(x, x, domain=(0, float("nan"))), ValueError,
     "domain for x must be a finite interval with lo < hi, got (0, nan)"),
]


@pytest.mark.parametrize("call, kind, message",
                         EXPRESSIONS + VARIABLES + OTHERS)
def test_bad_input_is_refused_with_a_message_that_names_it(call, kind,
                                                           message):
    assert refusal(call) == (kind, message)


@pytest.mark.parametrize("lo, hi", [(0, 1), (0.5, 0.9), (2, 3), (-1, 0)])
def test_an_integer_symbol_needs_an_integer_strictly_inside(lo, hi):
    """Integer symbols are sampled at the integers strictly inside their
    interval: (0, 1) or (2, 3) has none, and the error says so."""
    n = sp.Symbol("n", integer=True)
    assert refusal(lambda: equivalent(n, n, domain={"n": (lo, hi)})) == (
        ValueError, f"domain for the integer symbol n is ({float(lo)}, "
        f"{float(hi)}), which has no integer inside")


@pytest.mark.parametrize("lo, hi, inside", [
    (0, 2, {1}), (-1, 1, {0}), (0.5, 3, {1, 2}), (-3, -1, {-2}),
    (1.5, 2.5, {2})])
def test_an_integer_symbol_takes_every_integer_inside_and_no_other(
        lo, hi, inside):
    """A formula that is 0 exactly at the integers strictly inside the
    interval is equivalent to 0 there; at any other integer it is not."""
    n = sp.Symbol("n", integer=True)
    vanish = sp.Mul(*[(n - k) for k in inside])
    r = equivalent(vanish, 0, domain={"n": (lo, hi)})
    assert r and r.samples == 12, r.reason

