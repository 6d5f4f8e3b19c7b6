"""What a reader asks of every widget, for each widget (issue 21):

- ``mode=`` and ``frames=`` are honoured (a static page gets the number
  of frames asked for, a notebook the kind of widget asked for);
- a bad argument is refused with a message that names the argument and
  the function (``f``), so the reader knows what to change;
- where a sympy f switches pieces (Abs, sign, Heaviside, Max, Min) its
  derivative at the switch is refused as a kink, as for the same f in
  numpy, and taken from sympy away from it;
- the picture's conventions that the captions state: T2's contours are
  dotted (chapter 7's caption: "the contours of T2 (dotted)"), the
  direction's arrow is labelled v (chapter 3).
"""
import numpy as np
import pytest
import sympy as sp

from mathlib import widgets as W
from mathlib.widgets._base import widget_mode
from mathlib.widgets._functions import Function, WidgetInputError

pytestmark = pytest.mark.filterwarnings(       # ipywidgets 7 on ipykernel 7
    "ignore:The `ipykernel.comm.Comm` class has been deprecated")

X, Y = sp.symbols("x y")
OTHER_MODE = "live" if widget_mode(None) == "static" else "static"

FACTORIES = {
    "partial_slice": lambda **k: W.partial_slice(**k),
    "directional_derivative": lambda **k: W.directional_derivative(**k),
    "linear_map": lambda **k: W.linear_map(**k),
    "gradient_descent": lambda **k: W.gradient_descent(**k),
    "quadratic_approximation": lambda **k: W.quadratic_approximation(**k),
    "epsilon_delta": lambda **k: W.epsilon_delta(**k),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_mode_and_frames_are_the_ones_asked_for(name):
    w = FACTORIES[name](mode=OTHER_MODE, frames=7)
    assert (w.mode, w.frames) == (OTHER_MODE, 7)


NOWHERE_FINITE = {
    "partial_slice": lambda: W.partial_slice(
        lambda p: np.full(np.shape(p[0]), np.nan), mode="static"),
    "epsilon_delta": lambda: W.epsilon_delta(
        lambda x: np.full(np.shape(x), np.nan), L=0.0, mode="static"),
}


@pytest.mark.parametrize("name", sorted(NOWHERE_FINITE))
def test_an_f_never_finite_is_refused_by_its_name(name):
    with pytest.raises(ValueError) as caught:
        NOWHERE_FINITE[name]()
    message = str(caught.value)
    assert message.startswith("f "), message
    assert "no finite value on the plotting window" in message, message


def test_a_bad_radius_range_is_named():
    with pytest.raises(ValueError, match=r"^radius_range must"):
        W.linear_map(radius_range=(1.0, 0.5), mode="static")


# f, a point on its switch (x = 0), and its gradient at x = 0.5 (y = 0.5)
SWITCHING = {
    "Abs": (sp.Abs(X) + Y ** 2, [1.0, 1.0]),
    "sign": (X * sp.sign(X) + Y ** 2, [1.0, 1.0]),
    "Heaviside": (X * sp.Heaviside(X) + Y ** 2, [1.0, 1.0]),
    "Max": (sp.Max(X, 0) + Y ** 2, [1.0, 1.0]),
    "Min": (sp.Min(X, 0) + Y ** 2, [0.0, 1.0]),
}


@pytest.mark.parametrize("piece", sorted(SWITCHING))
def test_a_sympy_f_is_refused_at_each_kind_of_switch(piece):
    expr, gradient = SWITCHING[piece]
    f = Function(expr)
    with pytest.raises(WidgetInputError, match="kink"):
        f.gradient([0.0, 0.5])
    np.testing.assert_allclose(f.gradient([0.5, 0.5]), gradient, rtol=1e-9)


def test_the_contours_of_t2_are_dotted_as_the_caption_says():
    """Every contour of T2 dotted (short dashes, longer gaps), every
    contour of f solid: matplotlib's default for one colour would dash
    only T2's negative levels."""
    w = W.quadratic_approximation(mode="static")

    def kind(dashes):
        if not dashes:
            return "solid"
        return "dotted" if dashes[0] < dashes[1] else "dashed"

    styles = sorted(sorted({kind(d) for _, d in c.get_linestyle()})
                    for c in w._fig.axes[0].collections)
    assert styles == [["dotted"], ["solid"]], styles


def test_the_direction_arrow_is_labelled_v():
    w = W.directional_derivative(mode="static")
    texts = [label.text for label in w._labels]
    assert "v" in texts and "\u2207f" in texts, texts
