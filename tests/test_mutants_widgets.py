"""What the widgets draw, against the mathematics (issue 21).

Mutation testing showed the quadratic-approximation widget could draw T2
without its 1/2, and the gradient-descent widget could label a diverging
run "slow" (and a slow one "DIVERGES"), with every other test green. The
tests here read the curves and texts the reader sees and compare them
with the mathematics worked out independently (sympy, closed forms).

``drawn(w)`` is the one place that reads the figure: every line by its
legend label, and every text on the figure (titles and moving labels).
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import widgets as W


def drawn(w):
    """({legend label: Line2D}, [every text drawn on the figure])."""
    lines, texts = {}, []
    fig = w._fig
    for ax in fig.axes:
        for line in ax.get_lines():
            label = line.get_label()
            if label and not label.startswith("_"):
                lines[label] = line
        texts += [t.get_text() for t in ax.texts]
        texts += [ax.get_title(loc=loc) for loc in ("left", "center",
                                                    "right")]
    texts += [t.get_text() for t in fig.texts]
    texts += [lab.text for lab in getattr(w, "_labels", [])]
    return lines, [t for t in texts if t]


# ---------------------------------------------------------------- Taylor

X, Y = sp.symbols("x y")
F = X * sp.exp(-X ** 2 - Y ** 2)
P0 = (-1.0, 0.0)


def taylor_along_line(phi):
    """(f0, g.u, u^T H u) of F at P0 along u = (cos phi, sin phi), by
    sympy: the coefficients of f(x0 + s u) = f0 + (g.u) s + uHu s^2/2."""
    s = sp.Symbol("s")
    u = (sp.cos(phi), sp.sin(phi))
    line = F.subs({X: P0[0] + s * u[0], Y: P0[1] + s * u[1]})
    d0 = float(line.subs(s, 0))
    d1 = float(sp.diff(line, s).subs(s, 0))
    d2 = float(sp.diff(line, s, 2).subs(s, 0))
    return d0, d1, d2


@pytest.mark.parametrize("phi", [0.0, 0.6, 2.0])
def test_the_drawn_T2_is_the_taylor_polynomial_with_its_one_half(phi):
    """The T2 curve is f0 + (g.u) s + (1/2) uHu s^2: fit a quadratic to
    the drawn points and compare each coefficient with sympy's."""
    w = W.quadratic_approximation(F, point=P0, phi=phi, mode="static")
    d0, d1, d2 = taylor_along_line(phi)
    lines, _ = drawn(w)
    s, t2 = (np.asarray(a, dtype=float) for a in lines["T2"].get_data())
    c2, c1, c0 = np.polyfit(s, t2, 2)
    assert c0 == pytest.approx(d0, abs=1e-10)
    assert c1 == pytest.approx(d1, abs=1e-9)
    assert c2 == pytest.approx(d2 / 2, abs=1e-8)       # the 1/2
    s, t1 = (np.asarray(a, dtype=float) for a in lines["T1"].get_data())
    b1, b0 = np.polyfit(s, t1, 1)
    assert (b0, b1) == (pytest.approx(d0, abs=1e-10),
                        pytest.approx(d1, abs=1e-9))


def test_the_drawn_f_is_f_along_the_line():
    phi = 0.6
    w = W.quadratic_approximation(F, point=P0, phi=phi, mode="static")
    lines, _ = drawn(w)
    s, fs = (np.asarray(a, dtype=float) for a in lines["f"].get_data())
    fn = sp.lambdify((X, Y), F)
    expect = fn(P0[0] + s * np.cos(phi), P0[1] + s * np.sin(phi))
    np.testing.assert_allclose(fs, expect, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("order", [1, 2])
def test_the_marked_approximation_and_its_error_are_T_order(order):
    """The value shown for T1 or T2 at x0 + s u, its error |f - T|, and
    the title text that prints them."""
    phi, s = 0.6, 0.4
    w = W.quadratic_approximation(F, point=P0, phi=phi, s=s, order=order,
                                  mode="static")
    d0, d1, d2 = taylor_along_line(phi)
    t = d0 + d1 * s + (d2 / 2 * s * s if order == 2 else 0.0)
    fx = float(F.subs({X: P0[0] + s * np.cos(phi),
                       Y: P0[1] + s * np.sin(phi)}))
    assert w.approximation == pytest.approx(t, abs=1e-10)
    assert w.value == pytest.approx(fx, abs=1e-12)
    assert w.error == pytest.approx(abs(fx - t), abs=1e-10)
    _, texts = drawn(w)
    assert any(f"T{order} = {t:.4f}" in x and f"f = {fx:.4f}" in x
               for x in texts), texts
    assert any(f"|f \u2212 T{order}| = {abs(fx - t):.2e}" in x
               for x in texts), texts


def test_the_drawn_errors_are_f_minus_each_polynomial():
    w = W.quadratic_approximation(F, point=P0, phi=0.6, mode="static")
    lines, _ = drawn(w)
    s, fs = lines["f"].get_data()
    for k in (1, 2):
        _, tk = lines[f"T{k}"].get_data()
        _, ek = lines[f"|f \u2212 T{k}|"].get_data()
        want = np.abs(np.asarray(fs) - np.asarray(tk))
        ok = want > 0
        np.testing.assert_allclose(np.asarray(ek)[ok], want[ok],
                                   rtol=1e-12)


# -------------------------------------------------------- gradient descent

def _verdict_text(w):
    _, texts = drawn(w)
    found = [t for t in texts if t.startswith("\u03b7 = ")]
    assert len(found) == 1, texts
    return found[0]


def test_descent_labels_a_diverging_run_diverges_and_a_slow_one_slow():
    """f = x^2/2 + 5 y^2 from (-1.8, 0.8): eta = 0.25 > 2/10 diverges and
    is labelled DIVERGES (never slow); eta = 0.01 crawls and is labelled
    slow (never DIVERGES); eta = 0.1 converges. Each in its own colour."""
    w = W.gradient_descent(mode="static")
    seen = {}
    for eta, status, word in ((0.25, "diverges", "DIVERGES"),
                              (0.01, "is still far from the minimum",
                               "slow"),
                              (0.1, "converges", "converges")):
        w.update(step=eta)
        text = _verdict_text(w)
        assert w.status == status
        assert word in text, text
        others = {"DIVERGES", "slow", "converges"} - {word}
        assert not any(o in text for o in others), text
        assert status in w.alt
        seen[word] = [lab.color for lab in w._labels
                      if lab.text == text][0]
    assert len(set(seen.values())) == 3, seen


def test_descent_iterates_are_x_minus_eta_grad_f():
    """For f = x^2/2 + 5 y^2: x_k = (1 - eta)^k x0, y_k = (1 - 10 eta)^k
    y0, drawn as the path, and the drawn gradient norms are |grad f|."""
    eta, x0, y0 = 0.05, -1.8, 0.8
    w = W.gradient_descent(step=eta, start=(x0, y0), mode="static")
    k = np.arange(w.steps + 1)
    want = np.column_stack([(1 - eta) ** k * x0,
                            (1 - 10 * eta) ** k * y0])
    np.testing.assert_allclose(w.path, want, atol=1e-9)
    assert w.status == "converges"
    px, py = None, None
    norms = None
    fig = w._fig
    for ax in fig.axes:
        for line in ax.get_lines():
            xd, yd = (np.asarray(a, dtype=float) for a in line.get_data())
            if len(xd) == len(k) and np.allclose(xd, want[:, 0]):
                px, py = xd, yd
            elif len(xd) == len(k) and np.array_equal(xd, k):
                norms = yd
    np.testing.assert_allclose(py, want[:, 1], atol=1e-9)
    g = np.hypot(want[:, 0], 10 * want[:, 1])
    np.testing.assert_allclose(norms, g, rtol=1e-6)


def test_descent_diverges_exactly_past_two_over_the_curvature():
    """The printed threshold 2/lambda_max = 0.2 for f = x^2/2 + 5 y^2, and
    the verdict on either side of it."""
    w = W.gradient_descent(mode="static")
    _, texts = drawn(w)
    assert any("= 0.2 (" in t for t in texts), texts
    w.update(step=0.19)
    assert w.status == "converges"
    w.update(step=0.205)
    assert w.status == "diverges"
