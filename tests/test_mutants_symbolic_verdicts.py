"""symbolic.equivalent: the numbers its verdict prints and the facts its
proof may use (issue 21, the whole mutant population of symbolic.py).

* A "they differ" verdict prints both values with 6 significant digits,
  or with as many more as it takes to tell them apart, each the exact
  value correctly rounded. (It used to print two identical numbers when
  the sides differed in the 26th digit only, and 16-digit values read
  from a float, whose last digit could be wrong.)
* The proof treats each variable as real, with the sign its whole
  sampling interval has and as an integer if it is one; never with a
  sign that only part of the interval has, which would "prove" a false
  identity.
* Abs, Heaviside, Max, Min are rewritten as Piecewise when simplify
  alone cannot prove the identity.
"""
import re
from decimal import Decimal, localcontext

import pytest
import sympy as sp

from mathlib.symbolic import equivalent

x, y = sp.symbols("x y")
R = sp.Rational


def printed(reason):
    """The two values a "they differ" reason prints."""
    m = re.fullmatch(r"they differ(?: at .*)?: a = (\S+), b = (\S+)", reason)
    assert m, reason
    return m.group(1), m.group(2)


def rounded(value, digits):
    """The exact value rounded to `digits` significant digits."""
    with localcontext() as ctx:
        ctx.prec = digits
        return +Decimal(str(sp.N(value, 60)))


# values of every size and sign, and gaps from the 6th to the 26th digit
BASES = [R(1), R(547847, 10 ** 6), -R(13, 4), R(12345, 10), R(7, 10 ** 3),
         R(9999999, 10 ** 6), -R(15, 10) * 10 ** 30, R(3, 10 ** 12)]


@pytest.mark.parametrize("base", BASES, ids=str)
def test_the_printed_values_differ_and_each_is_correctly_rounded(base):
    """For each gap, the printed values are different, each is its side's
    exact value rounded to the digits printed, and no fewer digits (but
    at least 6) would have told them apart. (Gaps of 3e-6 to 3e-25
    relative, where the screen separates the sides.)"""
    for k in (5, 6, 9, 14, 15, 16, 17, 20, 24, 25):
        a, b = base, base * (1 + 3 * R(1, 10 ** k))
        if abs(a - b) <= R(1, 10 ** 25):
            continue            # below the screen's absolute 1e-25
        r = equivalent(a, b)
        assert not r and r.method == "sample", (k, r)
        pa, pb = printed(r.reason)
        assert pa != pb, (k, r.reason)
        digits = next(n for n in range(6, 27)
                      if rounded(a, n) != rounded(b, n))
        assert Decimal(pa) == rounded(a, digits), (k, r.reason)
        assert Decimal(pb) == rounded(b, digits), (k, r.reason)


def test_sides_that_differ_in_the_26th_digit_are_printed_differently():
    """x and x (1 + 3e-25) differ by more than the 1e-25 the screen
    allows; the verdict prints the 26 digits that show it."""
    r = equivalent(1 + R(1, 10 ** 25), 1 + R(3, 10 ** 25))
    assert r.reason == ("they differ: a = 1.0000000000000000000000001, "
                        "b = 1.0000000000000000000000003")
    r = equivalent(x, x * (1 + R(3, 10 ** 25)), domain=(1, 2))
    assert r.reason == ("they differ at x = 1.63696: a = 1.63696, "
                        "b = 1.6369600000000000000000005")


@pytest.mark.parametrize("a, b, text", [
    # trailing zeros are dropped, and with them a bare decimal point
    (2, 2 + R(1, 10 ** 15), "a = 2, b = 2.000000000000001"),
    (R(1, 2), -R(1, 4), "a = 0.5, b = -0.25"),
    # a whole number of 6 digits keeps its zeros; 7 digits or more are
    # written with an exponent, as Python's "g" format writes them
    (100000, 100001, "a = 100000, b = 100001"),
    (123456, 1234567, "a = 123456, b = 1.23457e+06"),
    (-R(3, 2) * 10 ** 30, 10 ** 30, "a = -1.5e+30, b = 1e+30"),
    # down to 1e-4 without an exponent, below it with one
    (R(1, 10 ** 4), R(1, 10 ** 5), "a = 0.0001, b = 1e-05"),
    (R(12345, 10 ** 8), 0, "a = 0.00012345, b = 0"),
    (R(12345, 10 ** 9), 0, "a = 1.2345e-05, b = 0"),
    (sp.pi, 3.14159, "a = 3.141593, b = 3.14159"),
])
def test_values_are_written_like_python_writes_numbers(a, b, text):
    assert equivalent(a, b).reason == "they differ: " + text


def test_a_point_names_every_variable_with_its_value():
    """Two variables: 'at x = ..., y = ...', each to 6 digits, the
    values those of the witness."""
    r = equivalent(x + y, x)
    m = re.fullmatch(r"they differ at x = (\S+), y = (\S+): a = (\S+), "
                     r"b = (\S+)", r.reason)
    assert m, r.reason
    px, py, pa, pb = (float(g) for g in m.groups())
    w = r.witness
    assert px == pytest.approx(w["point"][x], rel=1e-5)
    assert py == pytest.approx(w["point"][y], rel=1e-5)
    assert (pa, pb) == (pytest.approx(w["a"], rel=1e-5),
                        pytest.approx(w["b"], rel=1e-5))


# ------------------------------------------- what the proof may assume

def test_an_interval_ending_at_0_makes_its_variable_negative():
    """(-1, 0) is open: x < 0 there, so sqrt(x^2) = -x is proved; so is
    it for a symbol declared nonpositive (sampled in (-2, 0))."""
    r = equivalent(sp.sqrt(x ** 2), -x, domain=(-1, 0))
    assert r and r.method == "symbolic"
    xn = sp.Symbol("x", nonpositive=True)
    r = equivalent(sp.sqrt(xn ** 2), -x)
    assert r and r.method == "symbolic"


def test_an_interval_starting_at_0_makes_its_variable_positive():
    r = equivalent(sp.sqrt(x ** 2), x, domain=(0, 1))
    assert r and r.method == "symbolic"


@pytest.mark.parametrize("lo, hi", [(-1, 1), (-2, 0.5), (-0.5, 2), (-3, 3)])
def test_an_interval_across_0_gives_its_variable_no_sign(lo, hi):
    """sqrt(x^2) c and -x c, with c real only in the last thousandth of
    the interval (where x > 0 and they differ): no sample is real, and
    a proof that took x < 0 (or x > 0) would be wrong for part of the
    interval. Undecided, not equal."""
    top = hi - (hi - lo) / 1000
    c = sp.sqrt(x - sp.Rational(top))
    r = equivalent(sp.sqrt(x ** 2) * c, -x * c, domain=(lo, hi))
    assert not r and r.method == "undecided", r.reason
    bottom = lo + (lo - hi) / -1000
    c = sp.sqrt(sp.Rational(bottom) - x)
    r = equivalent(sp.sqrt(x ** 2) * c, x * c, domain=(lo, hi))
    assert not r and r.method == "undecided", r.reason


def test_an_integer_variable_is_an_integer_in_the_proof():
    """sin(pi n / 2)^2 = (1 - (-1)^n) / 2 holds for integers only; the
    proof knows n is one."""
    n = sp.Symbol("n", integer=True)
    r = equivalent(sp.sin(sp.pi * n / 2) ** 2, (1 - (-1) ** n) / 2)
    assert r and r.method == "symbolic"


# ----------------------------- rewrites that prove what simplify cannot

@pytest.mark.parametrize("a, b", [
    (sp.Abs(x - sp.Abs(x)), sp.Abs(x) - x),                 # Abs only
    (sp.Heaviside(x) + sp.Heaviside(-x), 1),                # Heaviside only
    (x * sp.Heaviside(x) - x * sp.Heaviside(-x),
     x * (2 * sp.Heaviside(x) - 1)),
])
def test_piecewise_functions_are_proved_through_piecewise(a, b):
    r = equivalent(a, b, domain=(-1, 1))
    assert r and r.method == "symbolic", r.reason


# ------------------------------------------------ what counts as a proof

# real only for x in (0.999, 1), where no sample of (-1, 1) falls
TINY = sp.sqrt(x - R(999, 1000))
# cos(pi/7) + cos(3 pi/7) + cos(5 pi/7) = 1/2: simplify cannot show it,
# a.equals(b) can
SEVENTHS = (sp.cos(sp.pi / 7) + sp.cos(3 * sp.pi / 7)
            + sp.cos(5 * sp.pi / 7), R(1, 2))


def test_a_formula_is_not_proved_equal_to_its_negative():
    """TINY and -TINY differ wherever they are real; no sample is real,
    and nothing proves them equal: undecided."""
    r = equivalent(TINY, -TINY, domain=(-1, 1))
    assert not r and r.method == "undecided" and r.samples == 0


def test_a_constant_difference_where_no_sample_is_real_is_found():
    """TINY + 1 and TINY differ by exactly 1, but no sample is real:
    sympy sees the nonzero constant (a difference of 1 is no proof)."""
    r = equivalent(TINY + 1, TINY, domain=(-1, 1))
    assert not r and r.method == "symbolic" and r.samples == 0


@pytest.mark.parametrize("first", [
    (x, x),                                           # expand() shows it
    (sp.sin(x) ** 2 + sp.cos(x) ** 2, 1),             # simplify() does
    SEVENTHS,                                         # a.equals(b) does
], ids=["expand", "simplify", "equals"])
def test_every_entry_of_a_matrix_must_be_compared(first):
    """A matrix whose first entries agree everywhere and whose last
    entry is real only where no point fell: that entry was never
    compared, and proving the others proves nothing about it."""
    a = sp.Matrix([[first[0], x], [x ** 2, TINY]])
    b = sp.Matrix([[first[1], x], [x ** 2, -TINY]])
    r = equivalent(a, b, domain=(-1, 1))
    assert not r and r.method == "undecided" and r.samples == 0, r.reason


def test_a_matrix_entry_needs_its_own_samples():
    """log(x) is real on half of (-2, 2): the points drawn go on until
    that entry, too, has its 12, and the verdict counts those."""
    r = equivalent(sp.Matrix([x, sp.log(x)]),
                   sp.Matrix([x, sp.log(x ** 2) / 2]))
    assert r and r.method == "numeric" and r.samples == 12
    assert r.reason.startswith("12 random points agree")


def test_what_simplify_cannot_prove_a_equals_b_can():
    r = equivalent(*SEVENTHS)
    assert r and r.method == "symbolic"
    assert r.reason == "sympy proves a - b = 0 (and 1 random point agrees)"


def test_a_proof_without_any_real_sample_says_only_that():
    r = equivalent(TINY * (sp.sin(x) ** 2 + sp.cos(x) ** 2), TINY,
                   domain=(-1, 1))
    assert r and r.method == "symbolic" and r.samples == 0
    assert r.reason == "sympy proves a - b = 0"


def test_a_float_constant_is_equal_within_its_precision():
    """0.10000000000005 (a Float) and 1/10 differ by the exact number
    5e-14, below the Float's 1e-12: equal, on the one point a formula
    without variables has ("numeric": it is a float's word, not a
    proof). The same difference between exact numbers is seen."""
    r = equivalent(sp.Float("0.10000000000005"), R(1, 10))
    assert r and r.method == "numeric" and r.samples == 1
    assert r.reason == ("1 random point agrees to 1e-12 relative (40 "
                        "digits); sympy could not prove it symbolically")
    r = equivalent(R(1, 10) + R(5, 10 ** 14), R(1, 10))
    assert not r and r.method == "sample"
