"""Tests of mathlib.limits: limit tables and the epsilon-delta helper."""

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mathlib.limits import DeltaResult, LimitTable, find_delta, limit_table


# --------------------------------------------------------------------------
# limit_table
# --------------------------------------------------------------------------

def test_sin_x_over_x():
    t = limit_table(lambda x: math.sin(x) / x, 0.0)
    assert isinstance(t, LimitTable)
    np.testing.assert_array_equal(t.h, 10.0 ** -np.arange(1, 7))
    np.testing.assert_array_equal(t.left, t.right)      # even function
    assert abs(t.right[-1] - 1) < 1e-12
    assert np.all(np.diff(np.abs(t.right - 1)) < 0)     # closer and closer


def test_compound_interest_limit():
    t = limit_table(lambda x: (1 + x) ** (1 / x), 0.0)
    assert t.left[0] > math.e > t.right[0]
    assert abs(t.left[-1] - math.e) < 1e-5
    assert abs(t.right[-1] - math.e) < 1e-5


def test_one_sided_limits_differ():
    t = limit_table(lambda x: abs(x) / x, 0.0, n=4)
    assert list(t.left) == [-1.0] * 4 and list(t.right) == [1.0] * 4


def test_unbounded():
    t = limit_table(lambda x: 1 / x, 0.0, n=4)
    np.testing.assert_allclose(t.right, [10, 100, 1e3, 1e4])
    np.testing.assert_allclose(t.left, [-10, -100, -1e3, -1e4])


def test_never_evaluated_at_c():
    seen = []

    def f(x):
        seen.append(x)
        if x == 2.0:
            raise AssertionError("evaluated at c")
        return (x * x - 4) / (x - 2)

    t = limit_table(f, 2.0, n=8)
    assert 2.0 not in seen and len(seen) == 16
    assert abs(t.right[-1] - 4) < 1e-6


def test_undefined_and_non_finite_values_are_shown():
    t = limit_table(math.log, 0.0, n=3)                 # log(-h) raises
    assert np.all(np.isnan(t.left)) and np.all(np.isfinite(t.right))
    assert "nan" in repr(t)
    t = limit_table(lambda x: np.float64(1.0) / 0.0 if x > 0 else
                    np.sqrt(-1.0), 0.0, n=2)            # inf and nan
    assert np.all(np.isinf(t.right)) and np.all(np.isnan(t.left))
    assert "inf" in repr(t) and "nan" in t._repr_html_()
    t = limit_table(lambda x: x ** 0.5, 0.0, n=2)       # complex -> nan
    assert np.all(np.isnan(t.left))


def test_repr_and_html():
    t = limit_table(lambda x: x * x, 1.0, n=2)
    lines = repr(t).splitlines()
    assert lines[0] == "limit table at c = 1"
    assert "f(c - h)" in lines[1] and "f(c + h)" in lines[1]
    assert lines[2].split() == ["0.1", "0.81", "1.21"]
    html = t._repr_html_()
    assert html.startswith("<table>") and html.count("<tr>") == 3
    assert t.rows()[0] == (0.1, 0.81, 1.2100000000000002)


def test_custom_steps():
    t = limit_table(lambda x: x, 1.0, steps=[0.5, 0.25])
    np.testing.assert_array_equal(t.left, [0.5, 0.75])
    np.testing.assert_array_equal(t.right, [1.5, 1.25])


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"f": 3}, TypeError, "f must be callable"),
    ({"c": float("nan")}, ValueError, "c must be finite"),
    ({"c": "0"}, TypeError, "c must be a real number"),
    ({"c": 1j}, TypeError, "c must be a real number"),
    ({"n": 0}, ValueError, "n must be at least 1"),
    ({"n": 2.5}, TypeError, "n must be an int"),
    ({"steps": []}, ValueError, "non-empty"),
    ({"steps": [0.1, -0.1]}, ValueError, "positive"),
    ({"steps": [[0.1]]}, ValueError, "1-D"),
    ({"c": 1.0, "n": 17}, ValueError, "too small"),
])
def test_limit_table_bad_input(kwargs, exc, match):
    args = {"f": math.sin, "c": 0.0, **kwargs}
    with pytest.raises(exc, match=match):
        limit_table(**args)


def test_vector_output_is_refused():
    with pytest.raises(TypeError, match="scalar"):
        limit_table(lambda x: np.array([x, x]), 0.0)


# --------------------------------------------------------------------------
# find_delta
# --------------------------------------------------------------------------

def _holds(f, c, L, eps, delta, n=20001):
    """Independent check on a grid find_delta did not use."""
    t = np.linspace(0, delta, n)[1:-1] * (1 - 1e-9)
    x = np.concatenate([c - t, c + t])
    with np.errstate(all="ignore"):
        return bool(np.all(np.abs(np.array([f(v) for v in x]) - L) < eps))


@pytest.mark.parametrize("f, c, L, eps", [
    (lambda x: 2 * x + 1, 1.0, 3.0, 0.1),
    (lambda x: math.sin(x) / x, 0.0, 1.0, 0.1),
    (lambda x: math.sin(x) / x, 0.0, 1.0, 1e-6),
    (lambda x: x * x, 2.0, 4.0, 1e-3),
    (lambda x: (1 + x) ** (1 / x), 0.0, math.e, 0.01),
    (lambda x: x * math.sin(1 / x), 0.0, 0.0, 0.01),
    (lambda x: (x * x - 1) / (x - 1), 1.0, 2.0, 0.5),
])
def test_found_delta_holds(f, c, L, eps):
    r = find_delta(f, c, L, eps)
    assert isinstance(r, DeltaResult)
    assert r.found and r.witness is None and 0 < r.delta <= 1.0
    assert "delta =" in r.message
    assert _holds(f, c, L, eps, r.delta)


def test_linear_delta_is_the_exact_bound():
    r = find_delta(lambda x: 2 * x + 1, 1.0, 3.0, epsilon=0.1)
    assert r.delta == 0.05


@settings(derandomize=True, max_examples=30, deadline=None)
@given(a=st.floats(0.01, 100), sign=st.sampled_from([-1, 1]),
       c=st.floats(-10, 10), eps=st.floats(1e-6, 10))
@example(a=2.0, sign=1, c=1.0, eps=0.1)
@example(a=0.5, sign=-1, c=0.0, eps=10.0)
def test_linear_delta_sound_and_not_too_small(a, sign, c, eps):
    """For f = s a x, |f(x) - f(c)| < eps iff |x - c| < eps / a."""
    f = lambda x: sign * a * x          # noqa: E731
    r = find_delta(f, c, f(c), eps)
    bound = min(eps / a, 1.0)
    assert r.found
    assert r.delta <= bound * (1 + 1e-9)
    assert r.delta >= bound / 2.6       # rounded down to 1, 2 or 5 x 10^k


def test_one_sided_limits_differ_no_delta():
    r = find_delta(lambda x: abs(x) / x, 0.0, 1.0, epsilon=0.5)
    assert not r.found and r.delta is None
    assert r.witness < 0 and abs(r.witness) < 1e-9
    assert "no delta" in r.message and "not < 0.5" in r.message
    assert "f(x) = -1" in r.message


@pytest.mark.parametrize("f, c, L, eps", [
    (lambda x: 1 / x, 0.0, 0.0, 0.01),              # unbounded
    (lambda x: math.sin(1 / x), 0.0, 0.0, 0.5),     # oscillates
    (lambda x: math.sqrt(x), 0.0, 0.0, 0.01),       # undefined for x < 0
    (lambda x: math.sin(x) / x, 0.0, 2.0, 0.1),     # wrong limit
])
def test_no_delta_found(f, c, L, eps):
    r = find_delta(f, c, L, eps)
    assert not r.found and r.delta is None
    assert r.witness is not None and r.witness != c
    with np.errstate(all="ignore"):
        try:
            fw = f(r.witness)
        except ValueError:
            fw = math.nan
    assert not abs(fw - L) < eps                    # the witness is real


def test_never_evaluated_at_c():
    def f(x):
        if x == 0:
            raise AssertionError("evaluated at c")
        return math.sin(x) / x

    assert find_delta(f, 0.0, 1.0, 0.01).found


def test_large_c_rounding_does_not_loop():
    r = find_delta(lambda x: x, 1e8, 1e8, 0.5)
    assert r.found and r.delta == 0.5


def test_delta_max_is_respected():
    r = find_delta(lambda x: 0.0, 0.0, 0.0, 1.0, delta_max=0.3)
    assert r.delta == 0.3


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"epsilon": 0.0}, ValueError, "epsilon must be > 0"),
    ({"epsilon": -1.0}, ValueError, "epsilon must be > 0"),
    ({"epsilon": float("inf")}, ValueError, "epsilon must be finite"),
    ({"c": float("inf")}, ValueError, "c must be finite"),
    ({"c": "1"}, TypeError, "c must be a real number"),
    ({"L": float("nan")}, ValueError, "L must be finite"),
    ({"f": None}, TypeError, "f must be callable"),
    ({"delta_max": 0.0}, ValueError, "delta_min < delta_max"),
    ({"delta_min": 2.0}, ValueError, "delta_min < delta_max"),
    ({"samples": 2}, ValueError, "samples"),
    ({"samples": True}, ValueError, "samples"),
])
def test_find_delta_bad_input(kwargs, exc, match):
    args = {"f": math.sin, "c": 0.0, "L": 0.0, "epsilon": 0.1, **kwargs}
    with pytest.raises(exc, match=match):
        find_delta(**args)
