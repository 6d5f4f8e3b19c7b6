"""symbolic.equivalent: where it samples and which samples count
(issue 21, the whole mutant population of symbolic.py).

The docstring promises: symbols not in a domain dict use (-2, 2),
narrowed to (0, 2) or (-2, 0) by their sign; integer symbols take the
integers strictly inside (-5, 5); points where a side is not real and
finite are skipped; each matrix entry is compared on its own samples;
exact values agree to 1e-25 of the larger (absolute below 1). Each
promise is checked here through the verdict, at its edge.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib.symbolic import Equivalence, equivalent

x, y = sp.symbols("x y")
n = sp.Symbol("n", integer=True)
R = sp.Rational


# ------------------------------------------------------------- domains

@pytest.mark.parametrize("key", [y, "y"], ids=["Symbol", "name"])
def test_a_domain_for_one_variable_leaves_the_others_at_the_default(key):
    """domain={y: (0, 1)} narrows y only: x is still drawn from (-2, 2),
    where sqrt(x^2) is not x."""
    r = equivalent(sp.sqrt(x ** 2) + y, x + y, domain={key: (0, 1)})
    assert not r and r.method == "sample"
    assert -2 < r.witness["point"][x] < 0 < r.witness["point"][y] < 1


def test_a_variable_missing_from_the_domain_dict_uses_the_default():
    r = equivalent(sp.sqrt(y ** 2) + x, y + x, domain={"x": (0, 1)})
    assert not r and -2 < r.witness["point"][y] < 0
    assert equivalent(x + y, y + x, domain={"z": (5, 6)})


def test_integer_symbols_take_minus_4_to_4_by_default():
    """n (n - 1) (n + 1) vanishes at -1, 0, 1 only: the default integers
    reach further; the product over -4..4 vanishes at all of them."""
    r = equivalent(n * (n - 1) * (n + 1), 0)
    assert not r and abs(r.witness["point"][n]) >= 2
    r = equivalent(sp.Mul(*[n - k for k in range(-4, 5)]), 0)
    assert r and r.samples == 12


@pytest.mark.parametrize("assumption", ["nonnegative", "positive"])
def test_a_nonnegative_symbol_is_drawn_from_0_to_2(assumption):
    """Max(p, 1) = p only for p >= 1: some of (0, 2) is below 1."""
    p = sp.Symbol("p", **{assumption: True})
    r = equivalent(sp.Max(p, 1), p)
    assert not r and 0 < r.witness["point"][p] < 1
    assert equivalent(sp.Min(p, 2), p)


@pytest.mark.parametrize("assumption", ["nonpositive", "negative"])
def test_a_nonpositive_symbol_is_drawn_from_minus_2_to_0(assumption):
    """q H(q) = 0 for q <= 0 only: nothing of (-2, 0) is above 0."""
    q = sp.Symbol("q", **{assumption: True})
    assert equivalent(q * sp.Heaviside(q), 0)
    r = equivalent(sp.Min(q, -1), q)
    assert not r and -1 < r.witness["point"][q] < 0


@pytest.mark.parametrize("lo, hi", [(1, 1.000001), (-1.0000001, -1),
                                    (0, 1e-12), (1e3, 1e3 + 1e-6)])
def test_a_narrow_domain_is_sampled_strictly_inside(lo, hi):
    """An interval too narrow for 6-digit samples still gets samples
    strictly inside it (once drawn again forever)."""
    r = equivalent(x, x + 1, domain=(lo, hi))
    assert not r and lo < r.witness["point"][x] < hi
    r = equivalent(sp.Abs(x - lo) + sp.Abs(hi - x), hi - lo,
                   domain=(lo, hi))
    assert r and r.samples == 12


# ------------------------------------------------ which samples count

def test_the_last_of_4_times_samples_points_counts():
    """At most 4 * samples points are drawn. log(x^2)/2 = log(x) is
    real on x > 0 only, 0.6 of (-2, 0.6): with samples=8 and seed 33 the
    8th real point is the 32nd drawn, the last allowed: "numeric"."""
    r = equivalent(sp.log(x ** 2) / 2, sp.log(x), domain=(-2, 0.6),
                   samples=8, seed=33)
    assert r and r.method == "numeric" and r.samples == 8


# n confined to (-1, 1) is 0, where each of these is not finite
NOT_FINITE = {"nan": sp.sin(n) / n, "zoo": 1 / n, "oo": sp.log(n) ** 2,
              "-oo": sp.log(n)}


@pytest.mark.parametrize("f", NOT_FINITE.values(), ids=NOT_FINITE.keys())
def test_a_point_where_a_side_is_not_finite_is_no_sample(f):
    """f and 2 f at n = 0 only, where f is nan, complex infinity, oo or
    -oo: no sample, and nothing proves them equal: undecided."""
    r = equivalent(f, 2 * f, domain={"n": (-1, 1)})
    assert not r and r.method == "undecided" and r.samples == 0, r.reason


def test_a_real_function_sympy_cannot_evaluate_gives_no_sample():
    """f declared real but unknown: f(x) has no number at any point; the
    verdict rests on sympy alone."""
    f = sp.Function("f", real=True)
    r = equivalent(f(x) + f(x), 2 * f(x))
    assert r and r.method == "symbolic" and r.samples == 0
    r = equivalent(f(x), f(y))
    assert not r and r.method == "undecided" and r.samples == 0


@pytest.mark.parametrize("lo, hi", [(3, 4), (0.25, 0.5)])
def test_an_imaginary_part_up_to_1e_30_of_the_value_is_rounding(lo, hi):
    """A side is real at a point when its imaginary part is at most
    1e-30 of its size (at least 1e-30): what 40-digit evaluation of a
    real formula through complex numbers leaves over. Twice that is
    not real, half of it is."""
    size = sp.Max(1, x)
    for k, real in [(R(1, 2), True), (1, True), (2, False)]:
        a = x + sp.I * k * sp.Float(1e-30, 40) * size
        r = equivalent(a, x, domain=(lo, hi))
        assert r.samples == (12 if real else 0), (k, r.reason)


def test_exact_values_below_1_agree_to_1e_25_absolute():
    """1/2 and 1/2 + 1.5e-25 differ at the sample (1e-25 of max(1,
    ...)); 1/2 and 1/2 + 5e-26 agree there, and sympy finds the exact
    difference."""
    r = equivalent(R(1, 2), R(1, 2) + R(15, 10 ** 26))
    assert not r and r.method == "sample"
    r = equivalent(R(1, 2), R(1, 2) + R(5, 10 ** 26))
    assert not r and r.method == "symbolic"


def test_entries_real_on_different_halves_are_each_compared():
    """log(x) is real for x > 0, log(-x) for x < 0: each entry gets its
    own 12 points, from its own half of (-2, 2)."""
    a = sp.Matrix([sp.log(x), sp.log(-x)])
    half = sp.log(x ** 2) / 2
    r = equivalent(a, sp.Matrix([half, half]))
    assert r and r.method == "numeric" and r.samples == 12
    r = equivalent(a, sp.Matrix([half, half + R(1, 10 ** 6)]))
    assert not r and r.witness["entry"] == (1, 0)
    assert r.witness["point"][x] < 0


# ------------------------------------------------- the result object

def test_a_shape_verdict_has_no_samples_and_no_witness():
    r = equivalent(sp.Matrix([x, y]), sp.Matrix([[x, y]]))
    assert (r.equal, r.method, r.samples, r.witness) == (False, "shape", 0,
                                                         None)


def test_an_equivalence_made_by_hand_has_empty_defaults():
    """Equivalence is public: its defaults are no method, no samples and
    no witness."""
    r = Equivalence(1, "given")
    assert (r.equal, r.reason, r.method, r.samples, r.witness) == (
        True, "given", "", 0, None)
    assert str(Equivalence(0, "why")) == "not equivalent: why"


@pytest.mark.parametrize("seed", range(5))
def test_the_printed_point_is_the_point_itself(seed):
    """Points are drawn with 6 significant digits, so the point a
    verdict prints (to 6 digits) is exactly where the sides differ: a
    reader can evaluate both at it."""
    r = equivalent(x * y + 1, x * y, domain={"x": (-3, 3), "y": (0, 0.01)},
                   seed=seed)
    printed = dict(part.split(" = ") for part in
                   r.reason.split(" at ")[1].split(":")[0].split(", "))
    assert float(printed["x"]) == r.witness["point"][x]
    assert float(printed["y"]) == r.witness["point"][y]



@pytest.mark.parametrize("lo", [1.0, 3.4270667432051733, 1.1079342726008505])
def test_an_interval_between_neighbouring_floats_is_sampled(lo):
    """(lo, the next float) holds no float, and for the last two no
    rounding of one either: the samples are exact numbers strictly
    inside (equivalent used to draw forever there)."""
    hi = float(np.nextafter(lo, 10.0))
    lo_, hi_ = R(lo), R(hi)
    r = equivalent(sp.Abs(x - lo_) + sp.Abs(hi_ - x), hi_ - lo_,
                   domain=(lo, hi))
    assert r and r.samples == 12
    r = equivalent(x, x + 1, domain=(lo, hi))
    assert not r and lo <= r.witness["point"][x] <= hi
    r = equivalent(1 / ((x - lo_) * (hi_ - x)), 0, domain=(lo, hi))
    assert not r and r.method == "sample"
