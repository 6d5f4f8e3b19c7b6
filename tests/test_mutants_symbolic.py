"""symbolic.equivalent at the limits its docstring promises (issue 21).

Mutation testing showed equivalent could accept with a 1000x looser
tolerance, with fewer samples than it promises, or with a numeric screen
loosened 1000x, and every other test stayed green. Each promise is
checked here at its boundary, through the verdict a reader (or the
exercise checker) gets.
"""
import re

import pytest
import sympy as sp

from mathlib.symbolic import equivalent, jacobian, taylor

x = sp.Symbol("x")
y = sp.Symbol("y")
# log(x**2)/2 and log(x) agree wherever both are real (x > 0), and sympy
# cannot prove it: the verdict rests on the samples alone.
SAME_BUT_UNPROVABLE = (sp.log(x ** 2) / 2, sp.log(x))


def test_exact_formulas_must_agree_to_1e_25_relative():
    """Exact numbers are compared to 1e-25 relative at 40 digits: x and
    x (1 + 3e-25) differ at the first sample, x (1 + 1e-26) does not."""
    r = equivalent(x, x * (1 + sp.Rational(3, 10 ** 25)))
    assert not r and r.method == "sample" and r.witness is not None
    close = equivalent(x, x * (1 + sp.Rational(1, 10 ** 26)))
    assert close and close.method == "numeric"
    assert "1e-25 relative" in close.reason


def test_a_formula_with_floats_is_compared_to_their_precision():
    """A Float side is compared to about 1e-12 (its 15 digits): 0.1 x is
    x/10, but 0.33333333333 x (11 digits, 1e-11 off) is not x/3."""
    assert equivalent(sp.Float(0.1) * x, x / 10)
    r = equivalent(sp.Float("0.33333333333") * x, x / 3)
    assert not r and r.method == "sample"


def test_a_numeric_verdict_uses_every_sample_asked_for():
    """With samples=N and both sides real on half the interval, the
    verdict rests on N points, and says so."""
    for n in (8, 12, 20):
        r = equivalent(*SAME_BUT_UNPROVABLE, samples=n)
        assert r and r.method == "numeric" and r.samples == n
        assert f"{n} random points agree" in r.reason


def test_seven_agreeing_points_are_not_enough_to_accept():
    """Without a proof at least 8 agreeing samples are needed: on
    (-2, 0.4) with seed 10 only 7 of the tries land where both sides are
    real, and the verdict is "undecided", not equal."""
    r = equivalent(*SAME_BUT_UNPROVABLE, domain=(-2, 0.4), seed=10,
                   samples=8)
    assert r.samples == 7
    assert not r and r.method == "undecided"
    assert "only 7 sample points" in r.reason


def test_eight_agreeing_points_are_enough_to_accept():
    r = equivalent(*SAME_BUT_UNPROVABLE, domain=(-2, 0.5), samples=8)
    assert r and r.method == "numeric" and r.samples == 8


def test_fewer_than_8_samples_cannot_be_asked_for():
    with pytest.raises(ValueError, match="samples must be an int >= 8"):
        equivalent(x, x, samples=7)
    assert equivalent(x, x, samples=8)


def test_a_proof_is_not_enough_when_a_sample_separates_the_sides():
    """sqrt(x**2) is |x|: the screen finds a negative x where it is not x,
    whatever sympy would say about positive x."""
    r = equivalent(sp.sqrt(x ** 2), x)
    assert not r and r.method == "sample"
    assert r.witness["point"][x] < 0


# ------------------------------------------------- what the verdict says

def test_the_verdict_prints_and_explains_itself():
    """str() starts with the verdict; a proof says how many samples also
    agreed; a matrix difference names its entry and the point."""
    y = sp.Symbol("y")
    proved = equivalent(sp.sin(x) ** 2, 1 - sp.cos(x) ** 2)
    assert str(proved).startswith("equivalent: ")
    assert proved.reason == "sympy proves a - b = 0 (and 12 random points " \
        "agree)"
    r = equivalent(sp.Matrix([[x, 1], [2, y]]),
                   sp.Matrix([[x, 1], [2, y + 1]]))
    assert str(r).startswith("not equivalent: they differ in entry (1, 1) "
                             "at x = ")
    assert r.witness["entry"] == (1, 1)


def test_the_default_is_12_samples():
    r = equivalent(*SAME_BUT_UNPROVABLE)
    assert r.samples == 12 and r.reason.startswith("12 random points")


def test_agreement_is_relative_to_the_size_of_the_values():
    """1e30 x and 1e30 x (1 + 1e-26) agree to 1e-25 relative: equal
    (numerically), although they differ by 1e4 in absolute terms."""
    r = equivalent(10 ** 30 * x, 10 ** 30 * x * (1 + sp.Rational(1, 10 ** 26)))
    assert r and r.method == "numeric"


def test_a_repeated_variable_is_named():
    from mathlib.symbolic import gradient
    y = sp.Symbol("y")
    with pytest.raises(ValueError, match="contains the Symbol x twice"):
        gradient(x * y, [x, y, x])
    with pytest.raises(ValueError, match="contains the Symbol y twice"):
        gradient(x * y, [x, y, y])


# ------------------------------------------------ taylor and bad input
# (second round of survivors, issue 21)

@pytest.mark.parametrize("expr, value", [
    (sp.sin(x) / x, "nan"),               # 0/0
    (sp.Abs(sp.log(x)), "oo"),
    (-sp.Abs(sp.log(x)), "-oo"),
    (1 / x ** 2, "zoo"),                  # complex infinity
    (sp.sqrt(x), "zoo")])                 # the derivative 1/(2 sqrt(x))
def test_taylor_refuses_a_point_where_f_or_a_derivative_is_not_finite(
        expr, value):
    with pytest.raises(ValueError, match=r"expr or its derivatives are not "
                       r"finite at the point \{x: 0\}: got .* = "
                       + re.escape(value) + "$"):
        taylor(expr, [x], {x: 0}, order=1)


def test_log_rules_are_proved_not_just_sampled():
    """log(x^2 y) = 2 log x + log y for positive x, y: sympy proves it
    once the logs are expanded (a "symbolic" verdict, not "numeric")."""
    r = equivalent(sp.log(x ** 2 * y), 2 * sp.log(x) + sp.log(y),
                   domain={"x": (0, 5), "y": (0, 5)})
    assert r and r.method == "symbolic"
    assert r.reason.startswith("sympy proves a - b = 0")


def test_bad_variables_and_points_are_named_in_the_error():
    X = sp.Matrix(2, 2, sp.symbols("a b c d"))
    with pytest.raises(TypeError) as e:
        taylor(x, "x", {x: 0})
    assert str(e.value) == ("vars must be a list or tuple of sympy Symbols "
                            "or a Matrix of Symbols, got str")
    with pytest.raises(ValueError) as e:
        taylor(x, X, {})
    assert str(e.value) == ("vars is a 2x2 Matrix; this function needs a "
                            "vector of variables (flatten it, e.g. list(X))")
    with pytest.raises(ValueError) as e:
        jacobian([], [x])
    assert str(e.value) == "exprs is empty; give at least one expression"
    with pytest.raises(TypeError) as e:
        taylor(x, [x], 3)
    assert str(e.value) == "point must be a list, tuple or dict, got int"


# ------------------------------------------- each verdict and its words

def test_max_and_min_identities_are_proved_through_piecewise():
    """Max(x, 0) = 2 Max(x/2, 0) (and the same for Min) on (-1, 1):
    sympy proves them once Max and Min are rewritten as Piecewise."""
    for f in (sp.Max, sp.Min):
        r = equivalent(f(x, 0), 2 * f(x / 2, 0), domain=(-1, 1))
        assert r and r.method == "symbolic", f


def test_the_variables_are_real_in_the_proof():
    """|x|^2 = x^2 holds for real x (not for complex): proved, because
    the proof treats the sampled variables as real."""
    r = equivalent(sp.Abs(x) ** 2, x ** 2, domain=(-1, 1))
    assert r and r.method == "symbolic"


def test_an_integer_domain_is_open_at_both_ends():
    """n in (0, 3) is 1 or 2, never 0 or 3: (n - 1)(n - 2) = 0 there."""
    n = sp.Symbol("n", integer=True)
    r = equivalent((n - 1) * (n - 2), 0, domain={"n": (0, 3)})
    assert r and r.samples == 12


def test_a_proof_reports_the_points_that_agreed():
    r = equivalent(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1)
    assert r and r.method == "symbolic" and r.samples == 12
    assert r.reason == "sympy proves a - b = 0 (and 12 random points agree)"


def test_a_difference_too_small_to_sample_is_found_by_sympy():
    """x + 10^-50 and x agree at 40 digits everywhere; sympy sees the
    exact nonzero constant: False, method "symbolic", no witness."""
    r = equivalent(x + sp.Rational(1, 10 ** 50), x, domain=(0, 1))
    assert not r and r.method == "symbolic" and r.witness is None
    assert r.samples == 12
    assert r.reason == ("a - b simplifies to a nonzero constant (too small "
                        "to see at 40 digits)")


def test_too_few_real_points_and_no_proof_is_undecided():
    """sqrt(x - 0.95) is real on 2.5% of (-1, 1) only."""
    c = sp.sqrt(x - sp.Rational(95, 100))
    r = equivalent(c * sp.log(x ** 2) / 2, c * sp.log(x), domain=(-1, 1))
    assert not r and r.method == "undecided" and r.samples == 2
    assert r.reason == ("undecided: only 2 sample points where both sides "
                        "are real and finite, and sympy could not prove "
                        "a - b = 0")


def test_a_separating_point_is_printed_to_6_digits_with_the_count():
    """|x| and x on (-1, 1): the first sample (x > 0) agrees, the second
    separates them; the verdict says where, to 6 significant digits."""
    r = equivalent(sp.Abs(x), x, domain=(-1, 1))
    assert not r and r.method == "sample" and r.samples == 1
    assert r.reason == ("they differ at x = -0.460427: a = 0.460427, "
                        "b = -0.460427")


def test_one_agreeing_point_is_singular():
    """Sides without variables are compared at one point: "1 random point
    agrees", not "agree"."""
    r = equivalent(sp.sqrt(8), 2 * sp.sqrt(2))
    assert r and r.samples == 1
    assert r.reason == "sympy proves a - b = 0 (and 1 random point agrees)"


def test_floats_agree_to_1e_12_relative_and_not_beyond():
    """With 15-digit Floats the tolerance is 10^(3 - 15) = 1e-12 relative:
    0.1 x against x/10 off by 5e-13 relative agrees, off by 2e-12 not
    (x in (10, 20), where the values exceed 1 and the test is
    relative)."""
    def b(rel):
        return sp.Rational(1, 10) * x * (1 + rel)
    r = equivalent(0.1 * x, b(sp.Rational(5, 10 ** 13)), domain=(10, 20))
    assert r and r.method == "numeric"
    assert "agree to 1e-12 relative" in r.reason
    assert not equivalent(0.1 * x, b(sp.Rational(2, 10 ** 12)),
                          domain=(10, 20))


def test_a_negative_domain_makes_the_variables_negative_in_the_proof():
    """sqrt(x^2) = -x for x in (-2, -1): proved, because the proof knows
    x < 0 there (|x| = -x)."""
    r = equivalent(sp.sqrt(x ** 2), -x, domain=(-2, -1))
    assert r and r.method == "symbolic"


def test_an_integer_domain_reaches_its_last_integer():
    """n in (0, 3) takes 2 as well as 1: n - 1 = 0 fails at n = 2."""
    n = sp.Symbol("n", integer=True)
    r = equivalent(n - 1, 0, domain={"n": (0, 3)})
    assert not r and r.reason == "they differ at n = 2: a = 1, b = 0"


def test_without_a_domain_reals_are_drawn_from_minus_2_to_2():
    r = equivalent(x + 1, x)
    assert -2 < r.witness["point"][x] < 2
    assert r.reason == "they differ at x = 0.547847: a = 1.54785, " \
        "b = 0.547847"


def test_a_scalar_and_a_matrix_differ_in_shape():
    r = equivalent(x, sp.Matrix([x, x]))
    assert not r and r.method == "shape"
    assert r.reason == "a has shape a scalar, b has shape (2, 1)"
    r = equivalent(sp.Matrix([x, x]), x)
    assert r.reason == "a has shape (2, 1), b has shape a scalar"
