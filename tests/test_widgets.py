"""Tests of mathlib.widgets: both display modes, bad input, sympy input.

Must pass with ipywidgets 8 (the .venv) and 7.7.1 (Colab). No wall-clock
thresholds here: speed is measured by benchmarks/widgets.py.
"""

import base64
import html
import io
import json
import re

import numpy as np
import pytest
import sympy as sp

from mathlib import widgets as W
from mathlib.widgets import WidgetInputError

ipywidgets = pytest.importorskip("ipywidgets")
pytestmark = pytest.mark.filterwarnings(       # ipywidgets 7 on ipykernel 7
    "ignore:The `ipykernel.comm.Comm` class has been deprecated")

PNG = b"\x89PNG\r\n\x1a\n"
NAMES = ["partial_slice", "directional_derivative", "quadratic_approximation",
         "epsilon_delta", "gradient_descent", "linear_map"]
x, y = sp.symbols("x y")


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("MATHLIB_WIDGETS", raising=False)


def make(name, **kw):
    return getattr(W, name)(**kw)


def other_value(w, name):
    """A valid value of parameter `name` different from the current one."""
    p = w._spec[name]
    if p.options is not None:
        return next(v for _, v in p.options if v != w.params[name])
    cur = w.params[name]
    return p.lo + 0.3 * (p.hi - p.lo) if cur > (p.lo + p.hi) / 2 \
        else p.lo + 0.8 * (p.hi - p.lo)


def decode_uris(html):
    return re.findall(r"data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)", html)


# ----------------------------------------------------------------- live mode

@pytest.mark.parametrize("name", NAMES)
def test_live_defaults(name):
    w = make(name, mode="live")
    assert w.mode == "live" and w.message == ""
    assert set(w.controls) == set(w.params) and w.controls
    for c in w.controls.values():
        assert isinstance(c, ipywidgets.Widget)
        assert c.value == w.params[[k for k, v in w.controls.items()
                                    if v is c][0]]
    assert isinstance(w.image, ipywidgets.Image)
    assert w.image.format == "png"
    assert w.frame.startswith(PNG) and w.image.value == w.frame
    assert w.alt and w.main_param() in w.params


@pytest.mark.parametrize("name", NAMES)
def test_live_control_change_renders_new_frame(name):
    w = make(name, mode="live")
    for pname, control in w.controls.items():
        before = w.frame
        image = w.image
        new = other_value(w, pname)
        control.value = new                   # what a slider drag does
        assert w.message == "", w.message
        assert w.params[pname] == pytest.approx(new) or pname == "delta"
        assert w.frame != before and w.frame.startswith(PNG)
        assert w.image is image and w.image.value == w.frame   # in place


@pytest.mark.parametrize("name", NAMES)
def test_update_moves_the_slider(name):
    w = make(name, mode="live")
    main = w.main_param()
    new = other_value(w, main)
    w.update(**{main: new})
    assert w.controls[main].value == pytest.approx(new)
    assert w.image.value == w.frame


def test_partial_slice_axis_toggle():
    w = W.partial_slice(mode="live")
    w.controls["axis"].value = "y"
    assert w.params["axis"] == "y" and w.main_param() == "y0"
    assert w.slope == pytest.approx(-np.sin(0.5) ** 2, abs=1e-12)
    assert "\u2202f/\u2202y" in w.alt


# --------------------------------------------------------------- static mode

@pytest.mark.parametrize("name", NAMES)
def test_static_scrubber(name):
    w = make(name, mode="static")
    assert w.controls == {} and w.image is None       # no inert sliders
    html = w.to_html()
    assert len(html.encode()) <= 1_500_000
    uris = decode_uris(html)
    assert len(uris) == w.frames == 24                # each frame once
    from PIL import Image
    for mime, data in uris[:3]:
        img = Image.open(io.BytesIO(base64.b64decode(data)))
        assert img.size == w.pixel_size == (2 * w.size[0], 2 * w.size[1])
        assert mime == "image/" + img.format.lower()
    # no external resources of any kind (base64 data aside)
    text = re.sub(r"data:image/[a-z]+;base64,[A-Za-z0-9+/=]+", "", html)
    assert "http" not in text.lower() and "//" not in text
    assert "require" not in text and "src=\"/" not in text
    assert not re.search(r"<script[^>]*\bsrc=", html)
    assert html.count("<script>") == 1 and "(function ()" in html
    # the range input, labelled
    rid = re.search(r'<input type="range" id="([^"]+)"', html).group(1)
    assert f'<label for="{rid}"' in html
    assert re.search(r'max="23"', html) and "aria-valuetext=" in html
    # real buttons with accessible names
    buttons = re.findall(r"<button[^>]*>.*?</button>", html, re.S)
    assert len(buttons) == 3
    for b in buttons:
        assert 'type="button"' in b
        text = re.sub(r'<span aria-hidden="true">.*?</span>', "", b)
        text = re.sub(r"<[^>]+>", "", text).strip()
        assert text or "aria-label=" in b
    # alt text on the image, one per frame in the script, all different
    assert re.search(r'<img [^>]*alt="[^"]{20,}"', html)
    alts = json.loads(re.search(r"var alts = (\[.*?\]);", html).group(1))
    assert len(alts) == 24 and len(set(alts)) > 12
    # the state is restored after rendering the sweep
    assert w.message == ""


def _rgb(data):
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data)))
                      .convert("RGBA"), dtype=np.int16)


@pytest.mark.parametrize("name", NAMES)
def test_static_frames_are_the_opening_frame_and_an_overlay(name):
    """What the page shows for frame j (the opening frame with overlay j
    over it) is frame j, as well as a whole 256-colour frame shows it."""
    from mathlib.widgets._frames import encode_compact

    w = make(name, mode="static", frames=8)
    page = w.to_html()
    main, frames = w._sweep()
    base = re.search(r'id="[^"]+-img" src="data:image/png;base64,'
                     r'([^"]+)"', page).group(1)
    overlays = json.loads(re.search(r"var frames = (\[.*?\]);",
                                    page).group(1))
    k = int(re.search(r'<input type="range"[^>]* value="(\d+)"',
                      page).group(1))
    assert len(overlays) == len(frames) == 8 and overlays[k] == ""
    opening = _rgb(base)
    assert opening.shape[:2] == frames[k][1].shape[:2]
    assert (opening[..., 3] == 255).all()          # opaque: dark mode
    for j, (value, rgb, _, _) in enumerate(frames):
        shown = opening[..., :3].copy()
        if overlays[j]:
            top = _rgb(overlays[j].split(",", 1)[1])
            mask = top[..., 3] > 0
            shown[mask] = top[..., :3][mask]
        error = np.abs(shown - rgb).max(axis=-1)
        whole, _ = encode_compact(rgb, "png8")
        whole_error = np.abs(_rgb(base64.b64encode(whole))[..., :3]
                             - rgb).max(axis=-1)
        assert error.mean() <= whole_error.mean() + 0.5, (name, j)
        assert (error > 48).mean() <= (whole_error > 48).mean() + 1e-3, \
            (name, j, main, value)


def test_static_scrubber_ids_are_unique():
    w = W.epsilon_delta(mode="static", frames=4)
    a, b = w.to_html(), w.to_html()
    ida = re.search(r'<div id="([^"]+)"', a).group(1)
    idb = re.search(r'<div id="([^"]+)"', b).group(1)
    assert ida != idb and a.count(ida) >= 6


def test_environment_variable_selects_static(monkeypatch):
    monkeypatch.setenv("MATHLIB_WIDGETS", "static")
    w = W.linear_map(frames=4)
    assert w.mode == "static" and w.controls == {}
    shown = []
    import IPython.display
    monkeypatch.setattr(IPython.display, "display", shown.append)
    w._ipython_display_()
    assert isinstance(shown[0], IPython.display.HTML)
    assert shown[0].data.count("data:image/") == 4
    assert W.linear_map(mode="live", frames=4).mode == "live"


VIEW = "application/vnd.jupyter.widget-view+json"


def test_live_display_is_the_widget_box(monkeypatch):
    # with a widget frontend: the view of the box holding the image and
    # the controls, as ipywidgets itself would display it
    w = W.epsilon_delta(mode="live")
    shown = []
    import IPython.display
    monkeypatch.setattr(IPython.display, "display",
                        lambda obj, **kw: shown.append((obj, kw)))
    w._ipython_display_()
    (data, kw), = shown
    assert kw == {"raw": True} and data == w.mimebundle()
    box = w._ui_box
    assert isinstance(box, ipywidgets.VBox) and w.image in box.children
    assert data[VIEW] == {"version_major": 2, "version_minor": 0,
                          "model_id": box.model_id}
    if hasattr(box, "_repr_mimebundle_"):             # ipywidgets 8
        assert data[VIEW] == box._repr_mimebundle_()[VIEW]


def test_live_bundle_carries_the_figure():
    # without one (GitHub, nbviewer, HTML export): the figure, described
    w = W.directional_derivative(mode="live")
    w.update(theta=1.0)
    b = w.mimebundle()
    assert base64.b64decode(b["image/png"]) == w.frame
    assert b["text/plain"].endswith(w.alt) and "theta = 1.00" in w.alt
    assert "VBox" not in b["text/plain"]
    img = re.fullmatch(r'<img src="data:image/png;base64,([^"]+)" '
                       r'alt="([^"]+)" width="780" height="300" [^>]*>',
                       b["text/html"])
    assert img and img.group(1) == b["image/png"]
    assert html.unescape(img.group(2)) == b["text/plain"]
    w.update(x0=99.0)                   # a message frame is described so
    assert "outside the slider's range" in w.mimebundle()["text/plain"]
    with pytest.raises(ValueError, match="static"):
        W.linear_map(mode="static", frames=2).mimebundle()


def test_static_frames_come_from_update():
    w = W.partial_slice(mode="static", frames=5)
    html = w.to_html()
    alts = json.loads(re.search(r"var alts = (\[.*?\]);", html).group(1))
    w.update(x0=-3.0)
    assert alts[0] == w.alt            # the same render path


def test_bad_mode_and_frames():
    with pytest.raises(ValueError, match="mode"):
        W.partial_slice(mode="html")
    with pytest.raises(ValueError, match="frames"):
        W.partial_slice(frames=1)


# ----------------------------------------------------------------- bad input

@pytest.mark.parametrize("name", NAMES)
def test_out_of_range_shows_message_then_recovers(name):
    w = make(name, mode="live")
    main = w.main_param()
    good = dict(w.params)
    hi = w._spec[main].hi
    w.update(**{main: hi * 100 + 100})
    assert "outside" in w.message and w.alt.startswith("Message")
    assert w.frame.startswith(PNG) and w.image.value == w.frame
    assert "Cannot draw" in w.caption.value
    assert w.params == good                   # last good state kept
    new = other_value(w, main)
    w.update(**{main: new})
    assert w.message == "" and w.params[main] == pytest.approx(new)
    w.update(**{main: "abc"})
    assert "number" in w.message
    w.update(**{main: new})
    assert w.message == ""


@pytest.mark.parametrize("name", NAMES)
def test_unknown_parameter_is_a_type_error(name):
    w = make(name, mode="static")
    with pytest.raises(TypeError, match="unknown"):
        w.update(bogus=1)


def raising(p):
    if p[0] > 1:
        raise ArithmeticError("undefined for x > 1")
    return p[0] ** 2 + p[1] ** 2


@pytest.mark.parametrize("name", ["partial_slice", "directional_derivative",
                                  "gradient_descent"])
def test_function_that_raises(name):
    extra = {"x0": 0.0} if name == "directional_derivative" else {}
    w = make(name, f=raising, mode="live", **extra)
    assert w.message == ""
    w.update(x0=1.5)
    assert "ArithmeticError" in w.message and "x > 1" in w.message
    w.update(x0=0.5)
    assert w.message == ""


def test_function_with_nan_then_valid_point():
    w = W.partial_slice(lambda p: np.sqrt(p[0]) + p[1], mode="live")
    w.update(x0=-1.0)
    assert "not finite" in w.message
    w.update(x0=1.0)
    assert w.message == "" and w.slope == pytest.approx(0.5, rel=1e-9)


def test_wrong_shape_at_one_point_is_a_message():
    def f(p):
        if np.ndim(p[0]) == 0 and 2.21 < p[0] < 2.24:
            return np.array([1.0, 2.0])
        return np.sin(p[0]) + p[1]
    w = W.partial_slice(f, mode="static")
    w.update(x0=2.22)
    assert "scalar" in w.message and "shape (2,)" in w.message
    w.update(x0=0.0)
    assert w.message == "" and w.slope == pytest.approx(1.0)


def test_function_undefined_at_the_start_point():
    w = W.partial_slice(lambda p: np.log(p[0]) * p[1], x0=-1.0)
    assert "not finite" in w.message
    w.update(x0=2.0)
    assert w.message == "" and w.slope == pytest.approx(0.25)


def test_linear_map_partly_undefined():
    w = W.linear_map(lambda p: np.array([np.sqrt(p[0]), p[1]]),
                     point=(0.5, 0.0), radius=0.1, radius_range=(0.01, 2.0))
    assert w.message == ""
    w.update(radius=2.0)              # half the grid has x < 0: nan there
    assert w.message == ""


@pytest.mark.parametrize("bad, error, words", [
    (3.0, TypeError, "function"),
    ("x**2", TypeError, "string"),
    (lambda p: p, ValueError, "scalar"),
    (lambda p: "text", TypeError, "numbers"),
    (lambda p: np.nan * p[0], ValueError, "no finite value"),
])
def test_bad_function_fails_at_construction(bad, error, words):
    with pytest.raises(error, match=words):
        W.partial_slice(bad)


def test_bad_map_shape_and_bad_constructor_values():
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        W.linear_map(lambda p: p[0] + p[1])
    with pytest.raises(ValueError, match="outside"):
        W.partial_slice(x0=10.0)
    with pytest.raises(ValueError, match="xlim"):
        W.partial_slice(xlim=(1, -1))
    with pytest.raises(ValueError, match="variables"):
        W.partial_slice(x * y * sp.Symbol("z"))


# ---------------------------------------------------- numbers, sympy, numpy

def test_partial_slice_numbers_sympy_and_numpy_agree():
    ws = W.partial_slice(x**2 * y, x0=1.0, y0=2.0, mode="static")
    wn = W.partial_slice(lambda p: p[0] ** 2 * p[1], x0=1.0, y0=2.0,
                         mode="static")
    assert ws.slope == 4.0 and wn.slope == pytest.approx(4.0, rel=1e-12)
    ws.update(axis="y")
    assert ws.slope == 1.0


def test_sympy_with_other_symbols():
    a, b = sp.symbols("a b")
    w = W.partial_slice(a**2 * b, x0=1.0, y0=2.0)
    assert w.slope == 4.0


def test_directional_derivative_numbers():
    w = W.directional_derivative(mode="static")
    np.testing.assert_allclose(w.gradient, [1.5, -1.0])
    w.update(theta=0.0)
    assert w.value == pytest.approx(1.5)
    w.update(theta=w.best_theta)
    assert w.value == pytest.approx(np.hypot(1.5, 1.0))
    w.update(theta=(w.best_theta + np.pi / 2) % (2 * np.pi))
    assert abs(w.value) < 1e-12
    wn = W.directional_derivative(lambda p: np.sin(p[0]) * p[1],
                                  x0=0.3, y0=1.2, theta=1.0)
    g = np.array([np.cos(0.3) * 1.2, np.sin(0.3)])
    assert wn.value == pytest.approx(g @ [np.cos(1.0), np.sin(1.0)])


def test_quadratic_approximation_orders():
    w = W.quadratic_approximation(mode="static")
    np.testing.assert_allclose(w.g, [-np.exp(-1), 0], atol=1e-15)
    np.testing.assert_allclose(w.H, 2 * np.exp(-1) * np.eye(2), atol=1e-14)
    errors = {}
    for k in (1, 2):
        for s in (0.02, 0.01):
            w.update(order=k, s=s)
            errors[k, s] = w.error
    assert errors[1, 0.02] / errors[1, 0.01] == pytest.approx(4, rel=0.05)
    assert errors[2, 0.02] / errors[2, 0.01] == pytest.approx(8, rel=0.05)
    wn = W.quadratic_approximation(
        lambda p: p[0] * np.exp(-p[0] ** 2 - p[1] ** 2))
    np.testing.assert_allclose(wn.H, w.H, atol=1e-10)


def test_epsilon_delta_numbers():
    w = W.epsilon_delta(mode="static")
    assert w.L == 1.0
    for eps in (0.5, 0.1, 0.02):
        w.update(epsilon=eps)
        assert w.inside and w.delta > 0
        xs = np.linspace(-w.delta, w.delta, 2001)
        xs = xs[xs != 0]
        assert np.all(np.abs(np.sin(xs) / xs - 1) < eps)
    w.update(delta=3.0)
    assert w.params["find"] == "manual" and not w.inside
    w.update(find="auto")
    assert w.inside


def test_epsilon_delta_no_limit():
    w = W.epsilon_delta(lambda t: np.sign(t), c=0.0, L=1.0)
    w.update(epsilon=0.1)
    assert w.delta == 0.0 and not w.inside and "no delta" in w.alt
    t = sp.Symbol("t")
    assert W.epsilon_delta(t**2, c=1.0, mode="static").L == 1.0


def test_gradient_descent_statuses():
    w = W.gradient_descent(mode="static")
    assert w.curvature == pytest.approx(10.0)
    seen = {}
    for eta in (0.01, 0.1, 0.19, 0.21, 0.25):
        w.update(step=eta)
        seen[eta] = w.status
    assert seen[0.1] == seen[0.19] == "converges"
    assert seen[0.21] == seen[0.25] == "diverges"
    assert seen[0.01] != "converges"
    assert "DIVERGES" in w.alt.upper()
    assert np.all(np.isfinite(w.path))


def test_linear_map_error_shrinks_like_r():
    w = W.linear_map(mode="static")
    np.testing.assert_allclose(w.J, np.sqrt(0.5) * np.array([[1, -1],
                                                             [1, 1]]))
    w.update(radius=0.4)
    big = w.error
    w.update(radius=0.04)
    assert big / w.error == pytest.approx(10, rel=0.05)
    F = sp.Matrix([x**2 - y**2, 2 * x * y])
    ws = W.linear_map(F, point=(1.0, 0.5))
    np.testing.assert_allclose(ws.J, [[2, -1], [1, 2]])


def test_widget_input_error_is_a_value_error():
    assert issubclass(WidgetInputError, ValueError)
