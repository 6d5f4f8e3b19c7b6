"""What the epsilon-delta widget draws, against the definition of a limit
(issue 21; chapter 1): the band L +- eps, the window c +- delta, the graph
inside the window coloured by whether it stays in the band, the verdict,
and the largest delta that works, checked against closed forms.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import widgets as W
from mathlib.widgets import _style as S
from widget_fixtures import shared_widget

pytestmark = pytest.mark.filterwarnings(       # ipywidgets 7 on ipykernel 7
    "ignore:The `ipykernel.comm.Comm` class has been deprecated")

T = sp.Symbol("x")
A, B = sp.symbols("a b")
# sin(x)/x > 0.9 exactly for 0 < |x| < 0.786740 (sympy's nsolve)
DELTA_01 = float(sp.nsolve(sp.sin(T) / T - 0.9, T, 0.8))


def xy(line):
    return tuple(np.asarray(a, dtype=float) for a in line.get_data())


# sin(x)/x at 0
_sinc_once, sinc = shared_widget(
    "sinc", lambda: W.epsilon_delta(mode="static"))


def test_the_limit_is_sympys_and_the_window_is_c_plus_minus_halfwidth(sinc):
    w = sinc
    assert w.L == 1.0 and w._source == "sympy's limit"
    x, y = w._x, w._y
    assert (x[0], x[-1], len(x)) == (-4.0, 4.0, 1601)
    ok = x != 0
    np.testing.assert_allclose(y[ok], np.sin(x[ok]) / x[ok], rtol=1e-12)
    ax = w._fig.axes[0]
    assert ax.get_title(loc="right") == "c = 0,  L = 1  (sympy's limit)"
    assert ax.get_xlim() == (-4.0, 4.0)


def test_auto_delta_is_the_largest_that_works(sinc):
    """eps = 0.1: the largest delta is 0.78674 (to the sampling step
    4/4000 below it), the slider follows it, and the graph in the window
    is all inside the band."""
    w = sinc
    w.update(epsilon=0.1, find="auto")
    assert DELTA_01 - 1e-3 <= w.delta <= DELTA_01
    assert w.params["delta"] == w.delta and w.inside
    assert w._title.text == (f"\u03b5 = 0.1,  \u03b4 = {w.delta:.3g}:  "
                             "the graph stays inside the band \u2713")
    assert w._sub.text == (f"largest \u03b4 that works for this \u03b5: "
                           f"{w.delta:.3g}")
    assert w.alt == (f"epsilon = 0.1, delta = {w.delta:.3g}: for every x "
                     f"with 0 < |x - 0| < {w.delta:.3g} the graph stays "
                     f"inside the band L \u00b1 0.1 (largest delta found: "
                     f"{w.delta:.3g})")
    assert w._search(0.1) == w.delta


def test_band_window_and_coloured_graph_are_drawn_where_they_belong(sinc):
    """The band is L +- eps (rectangle and both lines), the window
    c +- delta (rectangle and both lines); the graph is green exactly
    where 0 <= |x - c| < delta and |f - L| < eps, red where it is in the
    window but outside the band."""
    w = sinc
    eps, delta = 0.05, 1.5
    w.update(epsilon=eps, delta=delta)
    assert w.params["find"] == "manual" and w.delta == 1.5
    band, win = w._band, w._window
    assert (band.get_y(), band.get_height()) == (pytest.approx(1 - eps),
                                                 pytest.approx(2 * eps))
    assert (win.get_x(), win.get_width()) == (-delta, 2 * delta)
    assert [list(l.get_ydata()) for l in w._bandlines] == \
        [[1 - eps, 1 - eps], [1 + eps, 1 + eps]]
    assert [list(l.get_xdata()) for l in w._winlines] == \
        [[-delta, -delta], [delta, delta]]
    x, y = w._x, w._y
    near, good = np.abs(x) < delta, np.abs(y - 1) < eps
    near &= np.isfinite(y)                  # sin(0)/0: no point drawn
    gx, gy = xy(w._gin)
    rx, ry = xy(w._gout)
    np.testing.assert_array_equal(np.isfinite(gy), near & good)
    np.testing.assert_array_equal(np.isfinite(ry), near & ~good)
    np.testing.assert_allclose(gy[near & good], y[near & good])
    np.testing.assert_allclose(ry[near & ~good], y[near & ~good])
    assert not w.inside
    assert w._title.text == ("\u03b5 = 0.05,  \u03b4 = 1.5:  the graph "
                             "leaves the band \u2717")
    assert "the graph leaves the band L \u00b1 0.05 for some x with 0 < " \
        "|x - 0| < 1.5" in w.alt
    colors = {w._title.color}
    w.update(find="auto")
    assert w.inside and w._title.color not in colors


def test_a_manual_delta_holds_up_to_the_largest_and_fails_past_it(sinc):
    w = sinc
    w.update(epsilon=0.1, find="auto")
    best = w.delta
    w.update(delta=best * 0.99)
    assert w.inside
    w.update(delta=best)
    assert w.inside
    w.update(delta=DELTA_01 + 0.002)
    assert not w.inside
    w.update(delta=0.0)
    assert not w.inside and w.delta == 0.0
    assert w._title.text.endswith("no \u03b4 > 0 works \u2717")


def test_epsilon_delta_sliders():
    """eps: log slider from eps_hi/50 to eps_hi, a round number near a
    quarter of f's range on the window; delta: 0 to halfwidth in 400
    steps; the default delta starts at a quarter of the halfwidth, in
    auto mode; a given delta starts in manual mode."""
    w = W.epsilon_delta(T ** 2, c=1.0, halfwidth=2.0, epsilon=0.3,
                        mode="static")
    e, d, find = (w._spec[k] for k in ("epsilon", "delta", "find"))
    # f = x^2 on [-1, 3]: range 9, a quarter 2.25, rounded up to 5
    assert (e.lo, e.hi, e.log) == (0.1, 5.0, True)
    assert (d.lo, d.hi, d.step) == (0.0, 2.0, 0.005)
    assert (e.label, d.label, find.label) == ("\u03b5", "\u03b4",
                                              "\u03b4 from")
    assert find.options == (("largest that works", "auto"),
                            ("the \u03b4 slider", "manual"))
    assert w.params["find"] == "auto"
    # x^2 near 1: |x^2 - 1| < 0.3 for 1 - sqrt(0.7) < ... : delta =
    # sqrt(1.3) - 1 (the nearer side)
    assert np.sqrt(1.3) - 1 - 2e-3 <= w.delta <= np.sqrt(1.3) - 1
    lo, hi = w.ylim
    assert lo <= 1 - 5.0 and hi >= 9.0
    assert w._fig.axes[0].get_ylim() == (lo, hi)
    m = W.epsilon_delta(T ** 2, c=1.0, halfwidth=2.0, delta=0.5,
                        mode="static")
    assert m.params["find"] == "manual" and m.delta == 0.5
    a = W.epsilon_delta(mode="static")
    assert a.params["find"] == "auto" and a.params["epsilon"] == 0.2


def test_update_delta_alone_switches_to_manual_but_not_with_find(sinc):
    w = sinc
    w.update(find="auto", epsilon=0.1)
    w.update(delta=1.0, find="auto")
    assert w.params["find"] == "auto" and w.delta != 1.0
    w.update(delta=1.0)
    assert w.params["find"] == "manual" and w.delta == 1.0


def test_a_constant_f_works_with_the_whole_window():
    """f = 1 near 0 (numpy): L from f next to c; every delta works, the
    largest is the halfwidth."""
    w = W.epsilon_delta(lambda t: 1.0 + 0 * t, halfwidth=3.0,
                        mode="static")
    assert w.L == 1.0 and w._source == "f next to c"
    assert w.delta == 3.0 and w.inside


def test_the_limit_estimated_from_f_next_to_c():
    """numpy sin(x)/x: L = 1 from the values of f just beside c; a jump
    (sign) gives the median of both sides; c away from 0."""
    w = W.epsilon_delta(lambda t: np.sin(t) / t, mode="static")
    assert w.L == 1.0 and w._source == "f next to c"
    assert W.epsilon_delta(lambda t: t ** 3, c=2.0, epsilon=10.0,
                           mode="static").L == 8.0
    w = W.epsilon_delta(lambda t: np.sqrt(t) * 0 + t, c=1.0, halfwidth=1.0,
                        mode="static")
    assert w.L == 1.0


def test_no_limit_no_delta(sinc):
    """sign(x) at 0 with the claimed L = 1: no delta > 0 works."""
    w = W.epsilon_delta(lambda t: np.sign(t), c=0.0, L=1.0, mode="static")
    w.update(epsilon=0.1)
    assert w.delta == 0.0 and not w.inside
    assert w._source == "claimed"
    assert w._sub.text == "no \u03b4 works for this \u03b5"
    assert w.alt == ("epsilon = 0.1, delta = 0: no delta > 0 keeps the "
                     "graph within 0.1 of L = 1: L is not the limit at c "
                     "(largest delta found: 0)")
    assert w._title.color == _red()


def _red():
    w = W.epsilon_delta(mode="static", delta=3.0)
    return w._title.color


def test_bad_c_halfwidth_and_L():
    for c, hw in (("a", 4.0), (0.0, None)):
        with pytest.raises(TypeError, match="c and halfwidth must be "
                           "numbers"):
            W.epsilon_delta(c=c, halfwidth=hw, mode="static")
    for c, hw in ((np.inf, 4.0), (0.0, 0.0), (0.0, -1.0), (0.0, np.nan)):
        with pytest.raises(ValueError, match="need a finite c and "
                           "halfwidth > 0"):
            W.epsilon_delta(c=c, halfwidth=hw, mode="static")
    with pytest.raises(TypeError, match="L must be a number"):
        W.epsilon_delta(L="one", mode="static")
    with pytest.raises(ValueError, match="L must be finite"):
        W.epsilon_delta(L=np.inf, mode="static")
    with pytest.raises(ValueError, match=r"f is not finite near c = 0\.0; "
                       "cannot estimate the limit: pass L="):
        W.epsilon_delta(lambda t: np.sqrt(t ** 2 - 1), mode="static")
    w = W.epsilon_delta(lambda t: np.sqrt(t ** 2 - 1), L=0.0, mode="static")
    assert w.L == 0.0 and w._source == "claimed"


def test_a_delta_below_every_sample_holds(sinc):
    """0 < |x| < 1e-7 contains no sampled x: nothing leaves the band."""
    w = sinc
    w.update(epsilon=0.1, delta=1e-7)
    assert w.inside and w.delta == 1e-7


def test_the_class_and_its_function_draw_the_same_defaults():
    a, b = W.epsilon_delta(mode="static"), W.EpsilonDelta(mode="static")
    assert a.params == b.params
    assert a.params["epsilon"] == 0.2 and a.params["find"] == "auto"
    assert a.params["delta"] == a.delta and a.halfwidth == b.halfwidth == 4
    assert a.c == b.c == 0.0 and a.frames == b.frames == 24
    for make in (W.epsilon_delta, W.EpsilonDelta):      # variables= used
        with pytest.raises(ValueError, match="variables must be 1 sympy "
                           "Symbols"):
            make(sp.sin(A) / A, variables=[A, B], mode="static")


def test_a_jump_has_no_two_sided_limit():
    """sign(x) at 0: sympy is asked for the two-sided limit, which does
    not exist (not the right-hand one, 1): L comes from f beside c."""
    w = W.epsilon_delta(sp.sign(T), mode="static")
    assert w._source == "f next to c" and w.L == 0.0
    w.update(epsilon=0.5)
    assert w.delta == 0.0 and not w.inside


def test_a_spike_closer_to_c_than_the_even_grid_is_seen():
    """f = 2 for 0 < |x| < 5e-4, else 1, claimed L = 1: the delta search
    samples down to 1e-7 of the halfwidth, so no delta > 0 works (the even
    grid alone starts at 1e-3)."""
    w = W.epsilon_delta(lambda t: np.where(np.abs(t) < 5e-4, 2.0, 1.0),
                        L=1.0, mode="static")
    w.update(epsilon=0.5)
    assert w.delta == 0.0 and not w.inside
    assert w._d[0] == pytest.approx(4e-7)


def test_a_delta_below_the_even_grid_is_found_on_the_log_spaced_samples():
    """sqrt|x| at 0, eps = 0.01: the true largest delta is eps^2 = 1e-4,
    below the even grid's first step (4/4000 = 1e-3). The search then
    has 600 log-spaced samples from 1e-7 to 1 times the halfwidth (ratio
    10^(7/599)): the largest below 1e-4 is 4e-7 * 10^(7 * 205/599), the
    delta shown."""
    w = W.epsilon_delta(lambda t: np.sqrt(np.abs(t)), L=0.0, epsilon=0.01,
                        mode="static")
    want = 4e-7 * 10 ** (7 * 205 / 599)
    assert want < 1e-4 < want * 10 ** (7 / 599)
    assert w.delta == pytest.approx(want, rel=1e-12) and w.inside
    assert w._sub.text == "largest \u03b4 that works for this \u03b5: 9.95e-05"


def test_a_limit_sympy_proves_is_not_denied_when_its_delta_is_too_small():
    """|x|**(1/4) at 0 with eps = 0.01 needs delta = 1e-8, below the
    smallest delta the widget samples (4e-7). sympy proves the limit is 0,
    so the widget says the delta that works is smaller than it samples,
    never that L is not the limit; a claimed L gets no such excuse."""
    x = sp.Symbol("x")
    w = W.epsilon_delta(sp.Abs(x) ** sp.Rational(1, 4), epsilon=0.01,
                        mode="static")
    assert w.delta == 0.0 and not w.inside
    assert "not the limit" not in w.alt
    assert "sympy proves L is the limit at c" in w.alt
    assert w._title.text.endswith("the \u03b4 that works is below 4e-07")
    assert w._sub.text == "no \u03b4 down to 4e-07 works for this \u03b5"
    claimed = W.epsilon_delta(lambda t: np.abs(t) ** 0.25, L=0.0,
                              epsilon=0.01, mode="static")
    assert "L is not the limit at c" in claimed.alt
