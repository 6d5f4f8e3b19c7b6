"""How the book's notebook figures are drawn when tools/build.py runs them.

tools/build.py starts every kernel with IPYTHONDIR pointing at a profile
whose ipython_kernel_config.py loads this file and calls :func:`install`:

* figures are PNGs at twice their CSS size (IPython's "retina" format:
  the PNG has 2 device pixels per CSS pixel, the output's metadata gives
  the CSS width and height, which the page's <img> carries), so they are
  crisp on phones and HiDPI screens;
* the PNG is a 256-colour palette image (no dithering), chosen by
  measurement on the book's 19 figures at 2x: matplotlib's RGBA PNG
  1855 kB, lossless WebP 603 kB, palette PNG 484 kB (mean colour error
  about 1 level in 255, at antialiased edges); WebP would also not reach
  the PDF edition, which prints the same PNGs;
* figures have an opaque white background (matplotlib's inline default is
  transparent: black text on a dark-mode page was unreadable);
* every PNG records, as PNG text chunks, the smallest font size drawn in
  it, in points (``mcdl:min-font-pt``) and in CSS pixels at the figure's
  natural CSS size (``mcdl:min-font-px`` = points x dpi / 72), so the
  page can keep the figure wide enough to read (see sphinx_offline.py)
  and the browser tests can check the text size a reader sees.

The smallest size is taken from the text matplotlib actually draws
(every ``Text.draw`` during the save: titles, labels, tick labels,
legends, annotations), not from the rc defaults, because the notebooks
set font sizes of their own. Sub- and superscripts inside mathtext are
drawn at about 70 % of their text's size; they are not counted.
"""
from contextlib import contextmanager

DPI_KEY = "mcdl:css-dpi"
MIN_PT_KEY = "mcdl:min-font-pt"
MIN_PX_KEY = "mcdl:min-font-px"
RC = {"figure.facecolor": "white", "savefig.facecolor": "white"}


@contextmanager
def drawn_font_sizes():
    """Collect the font size (points) of every non-empty text drawn."""
    from matplotlib.text import Text

    sizes = []
    original = Text.draw

    def draw(self, renderer):
        if self.get_visible() and self.get_text().strip():
            sizes.append(float(self.get_fontsize()))
        return original(self, renderer)

    Text.draw = draw
    try:
        yield sizes
    finally:
        Text.draw = original


def font_metadata(fig):
    """PNG text chunks naming the smallest font drawn in ``fig``."""
    import io

    with drawn_font_sizes() as sizes:
        fig.canvas.print_figure(io.BytesIO(), format="png", dpi=fig.dpi,
                                bbox_inches="tight")
    if not sizes:
        return {DPI_KEY: f"{fig.dpi:g}"}
    pt = min(sizes)
    return {DPI_KEY: f"{fig.dpi:g}", MIN_PT_KEY: f"{pt:g}",
            MIN_PX_KEY: f"{pt * fig.dpi / 72:.2f}"}


def palette_png(data):
    """The PNG ``data`` as a 256-colour palette PNG, keeping its text
    chunks and resolution."""
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    with Image.open(io.BytesIO(data)) as img:
        img.load()
        info = PngInfo()
        for key, value in (getattr(img, "text", None) or {}).items():
            info.add_text(key, value)
        dpi = img.info.get("dpi")
        quantized = img.convert("RGB").quantize(
            256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True, pnginfo=info,
                   **({"dpi": dpi} if dpi else {}))
    return out.getvalue()


def retina_png(fig, base64=False, **kwargs):
    """IPython's retina figure as a palette PNG, with the font metadata."""
    from base64 import b64encode

    from IPython.core import pylabtools

    if not fig.axes and not fig.lines and not fig.texts:
        return None                 # an empty figure, as IPython does
    meta = dict(kwargs.pop("metadata", None) or {})
    meta.update(font_metadata(fig))
    found = pylabtools.retina_figure(fig, base64=False, metadata=meta,
                                     **kwargs)
    if found is None:
        return None
    data, size = found
    data = palette_png(data)
    return (b64encode(data).decode("ascii") if base64 else data), size


def install(shell=None):
    """Make every figure a retina PNG with font metadata, on white."""
    from functools import partial

    import matplotlib as mpl
    from IPython import get_ipython
    from matplotlib.figure import Figure

    shell = shell or get_ipython()
    mpl.rcParams.update(RC)
    formatter = shell.display_formatter.formatters["image/png"]

    def register(*args, **kwargs):
        formatter.for_type(Figure, partial(retina_png, base64=True))

    # matplotlib-inline sets its own formatter whenever it configures
    # itself (select_figure_formats: on import, on %matplotlib inline):
    # put this one back afterwards.
    from matplotlib_inline import backend_inline

    original = backend_inline.configure_inline_support

    def configure(shell_, backend):
        original(shell_, backend)
        mpl.rcParams.update(RC)
        register()

    backend_inline.configure_inline_support = configure
    register()
