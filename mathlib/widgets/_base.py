"""What every widget shares: parameters, fast frames, two display modes.

A widget is one object seen in two ways:

live (Jupyter, Colab)
    ``controls`` (ipywidgets sliders/toggles) drive :meth:`Widget.update`,
    which redraws only the moving artists over a cached background
    (blitting on a bare Agg canvas), encodes a PNG and assigns it to one
    ``ipywidgets.Image``: no figure is re-created, nothing flickers. A
    background is reused only in the state it was drawn in (see
    :meth:`Widget._render`), so every frame equals the first frame of a
    fresh widget at the same parameters. Its display also carries the
    current figure for viewers without a widget frontend
    (:meth:`Widget.mimebundle`).
static (the book's HTML pages; ``MATHLIB_WIDGETS=static`` or
``mode="static"``)
    the same :meth:`Widget.update` renders ~24 frames over the main
    parameter; :meth:`Widget.to_html` embeds them as data: URIs in a
    self-contained scrubber (range input, buttons, alt text; inline
    JavaScript only).

Subclasses define ``_build()`` (create the artists; those that move get
``animated=True`` through :meth:`Widget._moving`), ``_set_background``
(put the static artists and axis limits into the state for params; it
must set everything that depends on its key, whatever the figure's state
before), ``_background_key`` (a hashable summary of what
``_set_background`` does for params) and ``_draw_frame(params)`` (move
the artists, return the alt text; if it changes a limit, the
background is drawn again for the new view).
Anything the reader can get wrong raises :class:`WidgetInputError` inside
``_draw_frame``; the widget then shows the message instead of the figure
and keeps its last good parameters.
"""

import base64
import html
import json
import math
import numbers
import os
import textwrap
import uuid
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._frames import data_uri, encode_compact, encode_overlay, png_fast
from ._functions import WidgetInputError
from ._style import RC

__all__ = ["Param", "Widget", "WidgetInputError", "widget_mode",
           "MAX_STATIC_BYTES"]

MODES = ("live", "static")
MAX_STATIC_BYTES = 1_500_000     # hard limit for one scrubber in the page
_TARGET_BYTES = 1_250_000        # what the frame encoder aims for
_PNG8_BYTES = 1_000_000          # above this, lossy frames are used


def widget_mode(mode=None):
    """"live" or "static": the argument, else $MATHLIB_WIDGETS, else live.

    >>> widget_mode("static")
    'static'
    """
    if mode is None:
        env = os.environ.get("MATHLIB_WIDGETS", "").strip().lower()
        return "static" if env == "static" else "live"
    if mode not in MODES:
        raise ValueError(f"mode must be 'live', 'static' or None, got "
                         f"{mode!r}")
    return mode


@dataclass
class Param:
    """One parameter: a float range (``lo``..``hi``) or a set of options.

    ``label`` names it on sliders and in the scrubber; ``fmt`` formats its
    value; ``log`` makes the slider (and the scrubber's frames)
    logarithmic; ``options`` is a tuple of (label, value) pairs.
    """

    name: str
    label: str
    lo: float = None
    hi: float = None
    step: float = None
    fmt: str = ".2f"
    log: bool = False
    options: tuple = None

    def text(self, value):
        if self.options is not None:
            return dict((v, k) for k, v in self.options).get(value,
                                                            str(value))
        return f"{value:{self.fmt}}"

    def check(self, value):
        """The value, validated; WidgetInputError saying what is wrong."""
        if self.options is not None:
            allowed = [v for _, v in self.options]
            if value not in allowed:
                raise WidgetInputError(
                    f"{self.name} = {value!r} is not one of {allowed}")
            return value
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise WidgetInputError(f"{self.name} must be a number, got "
                                   f"{type(value).__name__} {value!r}")
        value = float(value)
        tol = 1e-9 * (self.hi - self.lo)
        if not (math.isfinite(value)
                and self.lo - tol <= value <= self.hi + tol):
            raise WidgetInputError(
                f"{self.name} = {value:g} is outside the slider's range "
                f"[{self.lo:g}, {self.hi:g}]")
        return min(max(value, self.lo), self.hi)

    def sweep(self, n):
        """n values across the range (or all options), for the scrubber."""
        if self.options is not None:
            return [v for _, v in self.options]
        if self.log:
            return list(np.geomspace(self.lo, self.hi, n))
        return list(np.linspace(self.lo, self.hi, n))


class Widget:
    """Base class; see the module docstring. Not used directly."""

    #: figure size in CSS pixels and resolution (points -> CSS pixels)
    size = (640, 300)
    dpi = 100
    #: device pixels per CSS pixel of the frames, by mode: the book's
    #: scrubbers are drawn at twice their CSS size (crisp on phones and
    #: HiDPI screens); live frames at 1x, so that a slider stays fast
    SCALES = {"live": 1, "static": 2}
    #: what the figure shows, for the scrubber's group label
    title = "Interactive figure"

    def __init__(self, params, mode=None, frames=24):
        self.mode = widget_mode(mode)
        if isinstance(frames, bool) or not isinstance(frames, int) \
                or not 2 <= frames <= 60:
            raise ValueError(f"frames must be an int in [2, 60], got "
                             f"{frames!r}")
        self.frames = frames
        self.scale = self.SCALES[self.mode]
        self._spec = {p.name: p for p in params}
        self.params = {}
        self.message = ""
        self.alt = ""
        self.frame = b""
        self._rgba = None
        self._backgrounds = {}
        self._shown_key = _UNSET        # the key the figure's state is in
        self._animated = []
        self._labels = []
        self._quiet = False
        self._syncing = False
        self.controls = {}
        self.image = None
        self.caption = None
        w, h = self.size
        self._fig = Figure(figsize=(w / self.dpi, h / self.dpi),
                           dpi=self.dpi * self.scale)
        self._canvas = FigureCanvasAgg(self._fig)
        self._msg = None

    # ------------------------------------------------ for the subclasses
    def _moving(self, *artists):
        """Mark artists as moving: drawn per frame, not in the background."""
        for a in artists:
            a.set_animated(True)
            self._animated.append(a)
        return artists[0] if len(artists) == 1 else artists

    def _start(self, initial):
        """Validate the initial parameters, draw the first frame, and in
        live mode create the controls. Bad initial values: ValueError."""
        with mpl.rc_context(RC):
            self._build()
        values = {}
        for name, p in self._spec.items():
            try:
                values[name] = p.check(initial[name])
            except WidgetInputError as exc:
                raise ValueError(str(exc)) from None
        self.params = values
        self.update()
        if self.mode == "live":
            self._make_controls()

    def _build(self):
        raise NotImplementedError

    def _background_key(self, params):
        return None

    def _set_background(self, params):
        pass

    def _draw_frame(self, params):
        raise NotImplementedError

    @property
    def pixel_size(self):
        """(width, height) of a frame in device pixels: ``size * scale``."""
        w, h = self.size
        return w * self.scale, h * self.scale

    def main_param(self, params=None):
        """Name of the parameter the static scrubber sweeps."""
        return self.main

    def _label(self, x, y, size=9.5, color="#000000", ha="left",
               va="baseline", weight="normal"):
        """A moving text at figure fraction (x, y); set ``.text`` per frame.

        Moving text is drawn with Pillow onto the finished frame: far
        faster than matplotlib's glyph-by-glyph text (milliseconds per
        string), in the same DejaVu Sans.
        """
        lab = _Label(x, y, size, color, ha, va, weight)
        self._labels.append(lab)
        return lab

    def _axes_title(self, ax, size=9.5, dy=0.035):
        """A moving title above ``ax``, left-aligned like loc="left"."""
        box = ax.get_position()
        return self._label(box.x0, box.y1 + dy, size=size)

    # ------------------------------------------------------- rendering
    def _compose_labels(self, rgba):
        labels = [lab for lab in self._labels if lab.text]
        if not labels:
            return rgba
        from PIL import Image, ImageDraw
        img = Image.fromarray(rgba)
        draw = ImageDraw.Draw(img)
        w, h = self.pixel_size
        for lab in labels:
            anchor = ({"left": "l", "center": "m", "right": "r"}[lab.ha]
                      + {"baseline": "s", "center": "m", "top": "a",
                         "bottom": "d"}[lab.va])
            draw.multiline_text(
                (lab.x * w, (1 - lab.y) * h), lab.text, fill=lab.color,
                font=_font(lab.size * self.dpi * self.scale / 72,
                           lab.weight),
                anchor=anchor, spacing=3 * self.scale)
        return np.asarray(img)

    def _render(self, params):
        """(RGBA frame, alt text) for params: the moving artists over the
        background of the figure *in the state params ask for*.

        A cached background is a bitmap of the figure in one state: its
        subclass key (toggles, limits chosen for the point) and its view
        (every axes' limits, scales and position, 3-D projections, the
        figure's size). The figure is first put into the state params ask
        for (``_set_background`` whenever the key differs from the one the
        figure shows); a bitmap is reused only if it was drawn in that same
        state, so the moving artists are drawn with the transforms the
        pixels under them were drawn with.
        """
        key = self._background_key(params)
        if key != self._shown_key:
            self._shown_key = _UNSET        # unknown if _set_background fails
            with mpl.rc_context(RC):
                self._set_background(params)
            self._shown_key = key
        state = (key, _view_state(self._fig))
        cached = self._backgrounds.get(state)
        if cached is None:
            cached = self._draw_background(state)
        bg, projections = cached
        for ax, M, invM in projections:     # 3-D axes: the drawn projection
            ax.M, ax.invM = M, invM
        alt = self._draw_frame(params)      # may raise WidgetInputError
        if _view_state(self._fig) != state[1]:
            # _draw_frame moved a limit: draw the background in that view
            bg, _ = self._draw_background((key, _view_state(self._fig)))
        self._canvas.restore_region(bg)
        for a in self._animated:
            if a.get_visible():
                self._fig.draw_artist(a)
        rgba = np.asarray(self._canvas.buffer_rgba())
        return self._compose_labels(rgba), alt

    def _draw_background(self, state):
        """Draw the static artists, cache and return (bitmap, projections)."""
        with mpl.rc_context(RC):
            self._canvas.draw()
        bg = self._canvas.copy_from_bbox(self._fig.bbox)
        projections = [(ax, ax.M.copy(), ax.invM.copy())
                       for ax in self._fig.axes
                       if getattr(ax, "M", None) is not None]
        if len(self._backgrounds) >= 6:
            self._backgrounds.clear()
        self._backgrounds[state] = (bg, projections)
        return bg, projections

    def _render_message(self, text):
        if self._msg is None:
            w, h = self.size
            fig = Figure(figsize=(w / self.dpi, h / self.dpi),
                         dpi=self.dpi * self.scale)
            canvas = FigureCanvasAgg(fig)
            fig.text(0.5, 0.80, "This frame cannot be drawn", ha="center",
                     va="center", fontsize=13, weight="bold",
                     color="#8b0000")
            body = fig.text(0.5, 0.45, "", ha="center", va="center",
                            fontsize=10, color="#111111", parse_math=False)
            fig.text(0.5, 0.08, "Change a parameter to continue.",
                     ha="center", fontsize=9, color="#333333")
            self._msg = (canvas, body)
        canvas, body = self._msg
        width = max(30, int(self.size[0] / 7.5))
        body.set_text("\n".join(textwrap.wrap(text, width)[:6]))
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())

    def update(self, **params):
        """Set parameters and render the new frame (``self.frame``, PNG).

        The same code path a slider takes. Unknown names raise TypeError;
        values the widget cannot draw (out of range, f undefined there)
        show a message instead of the figure (``self.message``), and the
        widget keeps its last good parameters.

        Examples
        --------
        >>> from mathlib.widgets import partial_slice
        >>> w = partial_slice(mode="static")
        >>> w.update(x0=100)                  # outside the slider's range
        >>> print(w.message)
        x0 = 100 is outside the slider's range [-3, 3]
        >>> w.update(x0=1.0)                  # and it works again
        >>> print(repr(w.message), round(w.slope, 4), w.frame[1:4])
        '' 0.4742 b'PNG'
        """
        unknown = sorted(set(params) - set(self._spec))
        if unknown:
            raise TypeError(f"{type(self).__name__}.update() got unknown "
                            f"parameter(s) {unknown}; known: "
                            f"{sorted(self._spec)}")
        new = dict(self.params)
        try:
            for name, value in params.items():
                new[name] = self._spec[name].check(value)
            rgba, alt = self._render(new)
        except Exception as exc:     # noqa: BLE001 - shown, not raised
            # WidgetInputError says what is wrong in words; anything else
            # (a reader's f misbehaving in a new way) is shown by its type,
            # so that a slider callback never ends in a traceback
            self.message = (str(exc) if isinstance(exc, WidgetInputError)
                            else f"{type(exc).__name__}: {exc}")
            self.alt = "Message: " + self.message
            self._rgba = self._render_message(self.message)
        else:
            self.params, self.message, self.alt = new, "", alt
            self._rgba = rgba
        if not self._quiet:
            self.frame = png_fast(self._rgba)
            self._push()

    # ------------------------------------------------------- live mode
    def _make_controls(self):
        import ipywidgets as W
        style = {"description_width": "initial"}
        for name, p in self._spec.items():
            value = self.params[name]
            if p.options is not None:
                c = W.ToggleButtons(options=list(p.options), value=value,
                                    description=p.label, style=style)
            elif p.log:
                c = W.FloatLogSlider(
                    value=value, base=10, min=math.log10(p.lo),
                    max=math.log10(p.hi), step=(p.step or 0.02),
                    description=p.label, continuous_update=True,
                    readout_format=".3g", style=style,
                    layout=W.Layout(width="320px"))
            else:
                c = W.FloatSlider(
                    value=value, min=p.lo, max=p.hi,
                    step=p.step or (p.hi - p.lo) / 200,
                    description=p.label, continuous_update=True,
                    readout_format=p.fmt, style=style,
                    layout=W.Layout(width="320px"))
            c.observe(self._on_control(name), names="value")
            self.controls[name] = c
        self.image = W.Image(value=self.frame, format="png",
                             layout=W.Layout(max_width="100%"))
        self.caption = W.HTML(value=self._caption_html())
        sliders = [c for c in self.controls.values()
                   if not isinstance(c, W.ToggleButtons)]
        toggles = [c for c in self.controls.values()
                   if isinstance(c, W.ToggleButtons)]
        rows = [W.HBox(sliders[i:i + 2]) for i in range(0, len(sliders), 2)]
        self._ui_box = W.VBox([self.image, self.caption] + toggles + rows)

    def _on_control(self, name):
        def handler(change):
            if not self._syncing:
                self.update(**{name: change["new"]})
        return handler

    def _caption_html(self):
        if self.message:
            return ('<p style="color:#8b0000;margin:2px 0"><b>Cannot draw: '
                    f'</b>{html.escape(self.message)}</p>')
        return (f'<p style="color:#222;margin:2px 0">'
                f'{html.escape(self.alt)}</p>')

    def _push(self):
        if self.image is None:
            return
        self._syncing = True
        try:
            for name, c in self.controls.items():
                if c.value != self.params[name]:
                    c.value = self.params[name]
        finally:
            self._syncing = False
        self.image.value = self.frame
        self.caption.value = self._caption_html()

    # ----------------------------------------------------- static mode
    def _sweep(self):
        """[(value, rgb array copy, alt, label)] over the main parameter."""
        main = self.main_param(self.params)
        p = self._spec[main]
        saved = dict(self.params)
        out = []
        self._quiet = True
        values = p.sweep(self.frames)
        if p.options is None and saved[main] not in values:
            # The scrubber opens on the value the reader asked for, exactly:
            # it replaces the nearest grid value (the order is kept).
            k = int(np.argmin(np.abs(np.asarray(values) - saved[main])))
            values[k] = saved[main]
        try:
            for v in values:
                self.update(**{main: v})
                out.append((v, self._rgba[..., :3].copy(), self.alt,
                            p.text(v)))
        finally:
            self._quiet = False
            self.update(**saved)
        return main, out

    def _encode_frames(self, frames, k):
        """(opening frame's URI, [overlay URI or ""], bytes of all URIs).

        The scrubber shows the opening frame (``frames[k]``) with the
        current frame's overlay drawn over it. Overlays hold only the
        pixels a frame changes (usually the moving artists: a fraction of
        the bytes of whole frames); where they add up to too much (busy
        pictures such as shaded surfaces), every overlay is the whole
        frame, lossy.
        """
        base = frames[k][1]
        data, mime = encode_compact(base, "png8")
        base_uri = data_uri(data, mime)
        overlays = [encode_overlay(rgb, base) if i != k else b""
                    for i, (_, rgb, _, _) in enumerate(frames)]
        uris = [data_uri(b, "image/png") if b else "" for b in overlays]
        total = len(base_uri) + sum(len(u) for u in uris)
        if total > _PNG8_BYTES:
            lossy = [data_uri(*encode_compact(rgb, "lossy"))
                     for _, rgb, _, _ in frames]
            base_uri, uris = lossy[k], lossy
            uris[k] = ""
            total = sum(len(u) for u in lossy) + len(base_uri)
        return base_uri, uris, total

    def _opening(self, main, values):
        """Index of the frame nearest the current value of ``main``."""
        current = self.params[main]
        if self._spec[main].options is not None:
            return values.index(current) if current in values else 0
        return int(np.argmin(np.abs(np.asarray(values) - current)))

    def to_html(self):
        """The self-contained HTML scrubber over the main parameter (str).

        Frames are rendered by :meth:`update` at ``scale`` device pixels
        per CSS pixel; the result loads nothing from another host and
        stays under 1.5 MB (fewer frames if needed). It holds the opening
        frame once and, per other frame, what that frame changes.

        Examples
        --------
        >>> from mathlib.widgets import linear_map
        >>> html = linear_map(mode="static", frames=6).to_html()
        >>> print(html.count("data:image/"), len(html) < 1_500_000)
        6 True
        """
        main, frames = self._sweep()
        while True:
            values = [v for v, _, _, _ in frames]
            k = self._opening(main, values)
            base, uris, total = self._encode_frames(frames, k)
            if total <= _TARGET_BYTES or len(frames) <= 4:
                break
            keep = sorted(set(range(0, len(frames), 2)) | {k})
            frames = [frames[i] for i in keep]
        return _scrubber_html(
            base, uris, [a for _, _, a, _ in frames],
            [lab for _, _, _, lab in frames], k, self._spec[main].label,
            self.title, self.size, self.min_font_pt() * self.dpi / 72)

    def min_font_pt(self):
        """The smallest font size (points) the frames draw text in.

        Measured, not assumed: the sizes of every non-empty text the
        figure draws in its current state (titles, labels, tick labels,
        legends) and of every moving label, which may be empty now and
        show text in another frame. Mathtext sub- and superscripts (about
        70 % of their text's size) are not counted.

        >>> from mathlib.widgets import partial_slice
        >>> partial_slice(mode="static", frames=2).min_font_pt()
        7.0
        """
        from matplotlib.text import Text

        sizes = [float(lab.size) for lab in self._labels]
        original = Text.draw

        def draw(text, renderer):
            if text.get_visible() and text.get_text().strip():
                sizes.append(float(text.get_fontsize()))
            return original(text, renderer)

        Text.draw = draw
        try:
            with mpl.rc_context(RC):
                self._fig.canvas.draw()
        finally:
            Text.draw = original
        self._backgrounds.clear()       # the canvas holds a full drawing
        return min(sizes)

    # --------------------------------------------------------- display
    def _ipython_display_(self):
        from IPython.display import HTML, display
        if self.mode == "static":
            display(HTML(self.to_html()))
            return
        display(self.mimebundle(), raw=True)
        if hasattr(self._ui_box, "_handle_displayed"):    # ipywidgets 7
            self._ui_box._handle_displayed()

    def mimebundle(self):
        """What a live widget displays: a dict, MIME type -> data.

        A frontend with a widget manager (Jupyter, Colab, VS Code with
        its extension) shows the widget view, the sliders and the figure.
        Where none runs (GitHub, nbviewer, nbconvert to HTML without
        widget state, VS Code without the extension) the richest other
        type is shown instead: the figure as it was when displayed, an
        ``<img>`` with its alt text (``text/html``), the same PNG
        (``image/png``), or the alt text itself (``text/plain``) instead
        of the widget's repr.

        Examples
        --------
        >>> from mathlib.widgets import epsilon_delta
        >>> bundle = epsilon_delta(mode="live").mimebundle()
        >>> sorted(bundle)                    # doctest: +NORMALIZE_WHITESPACE
        ['application/vnd.jupyter.widget-view+json', 'image/png',
         'text/html', 'text/plain']
        """
        if self.mode != "live":
            raise ValueError("only a live widget has a widget bundle; a "
                             "static one displays its HTML scrubber")
        png = base64.b64encode(self.frame).decode("ascii")
        alt = f"{self.title}. {self.alt}"
        w, h = self.size
        return {
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2, "version_minor": 0,
                "model_id": self._ui_box.model_id},
            "text/html": (f'<img src="data:image/png;base64,{png}" '
                          f'alt="{html.escape(alt)}" width="{w}" '
                          f'height="{h}" style="max-width:100%;'
                          'height:auto">'),
            "image/png": png,
            "text/plain": alt,
        }

    def __repr__(self):
        args = ", ".join(f"{k}={self._spec[k].text(v)}"
                         for k, v in self.params.items())
        return f"<{type(self).__name__} ({self.mode}) {args}>"


_UNSET = object()


def _view_state(fig):
    """What a blitted frame's transforms depend on, as a hashable tuple:
    the figure's size and resolution, and for every axes its layout (the
    position it was given, its aspect rule: together with the limits they
    fix where it is drawn), data limits and scales, and for 3-D axes the
    view (limits in x, y, z and the viewing angles)."""
    parts = [tuple(fig.bbox.bounds), fig.dpi]
    for ax in fig.axes:
        parts.append((tuple(ax.get_position(original=True).bounds),
                      ax.get_aspect(),
                      ax.get_adjustable(), str(ax.get_anchor()),
                      tuple(ax.viewLim.bounds), ax.get_xscale(),
                      ax.get_yscale()))
        if hasattr(ax, "get_w_lims"):
            parts.append(tuple(ax.get_w_lims())
                         + (ax.elev, ax.azim, ax.roll))
    return tuple(parts)


@dataclass
class _Label:
    x: float
    y: float
    size: float
    color: str
    ha: str
    va: str
    weight: str
    text: str = ""


_FONTS = {}


def _font(px, weight):
    """Pillow's FreeType font for DejaVu Sans (matplotlib's own file)."""
    key = (round(px * 4) / 4, weight)
    if key not in _FONTS:
        from matplotlib import font_manager
        from PIL import ImageFont
        path = font_manager.findfont(font_manager.FontProperties(
            family="DejaVu Sans", weight=weight))
        _FONTS[key] = ImageFont.truetype(path, size=key[0])
    return _FONTS[key]


def _js_list(items):
    return json.dumps(items).replace("</", "<\\/")


_BUTTON = ("font:inherit;font-size:14px;color:#111827;background:#f3f4f6;"
           "border:1px solid #4b5563;border-radius:4px;padding:3px 10px;"
           "cursor:pointer;min-width:2.2em")


#: the smallest text a reader should meet, in CSS pixels: a frame is never
#: shown narrower than makes its smallest font this size; on a narrower
#: screen it scrolls sideways in its own box
MIN_TEXT_PX = 9.0


def _scrubber_html(base, uris, alts, labels, k, label, title, size,
                   font_px):
    """The scrubber: <img>s, range input with <label>, buttons, inline JS.

    ``base`` is the opening frame ``k`` (the <img> with the alt text);
    ``uris[j]`` is drawn over it to show frame j ("" for none). ``size``
    is the frame's CSS size (the images hold ``scale`` times as many
    pixels) and ``font_px`` its smallest text in CSS pixels at that size:
    the picture keeps a minimum width at which that text is MIN_TEXT_PX
    (``data-min-font-px`` records it for the tests) and scrolls sideways
    in its box on a narrower screen.
    """
    uid = "mlw-" + uuid.uuid4().hex[:12]
    n = len(uris)
    w, h = size
    min_w = min(w, math.ceil(w * MIN_TEXT_PX / font_px))
    size_attrs = (f'width="{w}" height="{h}" '
                  f'data-min-font-px="{font_px:.2f}"')
    e = html.escape
    return f"""<div id="{uid}" class="mlw-scrubber" role="group" \
aria-label="{e(title)}" style="max-width:{w}px;font-family:sans-serif;\
color:#111827;background:#ffffff;margin:0.5em 0">
<div class="mlw-frame" style="overflow-x:auto">
<div style="position:relative;min-width:{min_w}px">
<img id="{uid}-img" src="{base}" alt="{e(alts[k])}" {size_attrs} \
tabindex="0" style="width:100%;height:auto;display:block">
<img id="{uid}-ovl" alt="" aria-hidden="true" hidden {size_attrs} \
style="position:absolute;left:0;top:0;width:100%;height:100%;\
pointer-events:none">
</div>
</div>
<div style="display:flex;flex-wrap:wrap;align-items:center;gap:6px;\
margin-top:4px">
<button type="button" id="{uid}-prev" aria-label="Previous frame" \
style="{_BUTTON}"><span aria-hidden="true">&#9664;</span></button>
<button type="button" id="{uid}-play" style="{_BUTTON}">\
<span aria-hidden="true">&#9654;</span> Play</button>
<button type="button" id="{uid}-next" aria-label="Next frame" \
style="{_BUTTON}"><span aria-hidden="true">&#9654;</span></button>
<label for="{uid}-range" style="margin-left:6px;color:#111827">\
{e(label)}</label>
<input type="range" id="{uid}-range" min="0" max="{n - 1}" step="1" \
value="{k}" aria-valuetext="{e(label)} = {e(labels[k])}" \
style="flex:1 1 160px;min-width:120px">
<output id="{uid}-out" for="{uid}-range" style="color:#111827;\
min-width:4em">{e(labels[k])}</output>
</div>
<script>
(function () {{
  var id = "{uid}", n = {n}, i = {k}, timer = null;
  var frames = {_js_list(uris)};
  var alts = {_js_list(alts)};
  var labels = {_js_list(labels)}, name = {_js_list(label)};
  var img = document.getElementById(id + "-img");
  var ovl = document.getElementById(id + "-ovl");
  var range = document.getElementById(id + "-range");
  var out = document.getElementById(id + "-out");
  var play = document.getElementById(id + "-play");
  if (!img || !ovl || !range) return;
  function show(j) {{
    i = Math.max(0, Math.min(n - 1, j));
    if (frames[i]) {{ ovl.src = frames[i]; ovl.hidden = false; }}
    else {{ ovl.hidden = true; ovl.removeAttribute("src"); }}
    img.alt = alts[i];
    range.value = String(i);
    range.setAttribute("aria-valuetext", name + " = " + labels[i]);
    out.textContent = labels[i];
  }}
  function stop() {{
    if (timer) {{ clearInterval(timer); timer = null; }}
    play.innerHTML = '<span aria-hidden="true">&#9654;</span> Play';
  }}
  function start() {{
    if (i >= n - 1) show(0);
    timer = setInterval(function () {{
      if (i >= n - 1) {{ stop(); }} else {{ show(i + 1); }}
    }}, 180);
    play.innerHTML = '<span aria-hidden="true">&#10074;&#10074;</span> Pause';
  }}
  range.addEventListener("input",
    function () {{ stop(); show(+range.value); }});
  play.addEventListener("click", function () {{ timer ? stop() : start(); }});
  document.getElementById(id + "-prev").addEventListener("click",
    function () {{ stop(); show(i - 1); }});
  document.getElementById(id + "-next").addEventListener("click",
    function () {{ stop(); show(i + 1); }});
  img.addEventListener("keydown", function (ev) {{
    var step = {{ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1}};
    if (ev.key in step) {{ stop(); show(i + step[ev.key]); }}
    else if (ev.key === "Home") {{ stop(); show(0); }}
    else if (ev.key === "End") {{ stop(); show(n - 1); }}
    else return;
    ev.preventDefault();
  }});
}})();
</script>
</div>"""
