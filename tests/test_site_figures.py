"""Figures on a phone, a HiDPI laptop and in dark mode; page weight.

What a reader sees, in headless Chromium at device pixel ratio 2:

* every raster figure of the book's pages (notebook outputs and widget
  scrubber frames) carries at least twice as many pixels as the CSS
  pixels it is drawn in, at 390 px (a phone) and 1280 px (a laptop);
* at those widths no figure draws text smaller than 9 CSS px. The
  smallest font of a figure is recorded when it is drawn (notebook
  figures: PNG text chunks written by tools/inline_figures.py, carried
  onto the page as data-min-font-px by tools/sphinx_figures.py; widget
  frames: data-min-font-px from Widget.min_font_pt); the effective size
  is that size (CSS px at the figure's natural CSS size) times the
  figure's rendered width over its natural CSS width;
* in dark mode every figure is opaque (its own light background, no black
  text on a transparent image over a dark page) and axe-core finds no
  serious or critical violation in figures, widgets and tables;
* a widget scrubber stepped with its buttons shows the frame it names, in
  light and dark mode: the picture on screen is the picture of its
  opening frame with that frame's overlay drawn over it, pixel for pixel;
* no page weighs more than 2 MB (its HTML and its own images), and the
  widget gallery no more than before the HiDPI frames.

Run after `make book` (make test does both).
"""
import io

import numpy as np
import pytest
from PIL import Image

from site_tools import (  # noqa: F401  (site, browser: fixtures)
    AXE, MAX_GALLERY_BYTES, MAX_PAGE_BYTES, browser, page_bytes, site,
    toc_files)

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

PAGES = toc_files()
MIN_TEXT_PX = 9.0
#: the images that are figures: notebook outputs and widget frames
FIGURES = ".bd-article div.cell_output img, .bd-article .mlw-scrubber img"


def figure_pages():
    """Pages that show at least one figure (from the built HTML). A page
    not built yet is kept, so that its tests fail with "run make book"
    rather than collection crashing (the unit stage collects this file)."""
    from site_tools import SITE

    found = []
    for name in PAGES:
        path = SITE / (name + ".html")
        if not path.exists():
            found.append(name)
            continue
        text = path.read_text(encoding="utf-8")
        if "_images/" in text or "mlw-scrubber" in text:
            found.append(name)
    return found


class Reader:
    """A reader's browser tab: width, device pixel ratio 2, light/dark."""

    def __init__(self, browser, site, name, width, dark=False):
        self.context = browser.new_context(
            viewport={"width": width, "height": 844 if width < 600 else 900},
            device_scale_factor=2, is_mobile=width < 600,
            has_touch=width < 600,
            color_scheme="dark" if dark else "light")
        self.page = self.context.new_page()
        self.page.set_default_timeout(90000)      # a shared, busy machine
        self.page.goto(f"{site}/{name}.html", wait_until="load")
        if dark:
            self.page.wait_for_function(
                "() => document.documentElement.dataset.theme === 'dark'")
        # every figure decoded: its natural size is known (a scrubber's
        # overlay has no src while the opening frame is shown)
        self.page.wait_for_function(
            f"() => [...document.querySelectorAll({FIGURES!r})]"
            ".filter(i => i.getAttribute('src'))"
            ".every(i => i.complete && i.naturalWidth > 0)")

    def figures(self):
        """[{src, natural, css, shown, font}] for every figure shown:
        natural and CSS width (the <img>'s width, as an attribute or, from
        Sphinx, in its style), the width it is drawn at, its smallest font
        in CSS px at its CSS width."""
        return self.page.evaluate(f"""() => [...document.querySelectorAll(
            {FIGURES!r})].filter(i => i.getClientRects().length).map(i => ({{
              src: (i.getAttribute('src') || '').slice(0, 80),
              alt: (i.getAttribute('alt') || '').slice(0, 60),
              natural: i.naturalWidth,
              css: +i.getAttribute('width') || parseFloat(i.style.width) || 0,
              shown: i.getBoundingClientRect().width,
              font: i.dataset.minFontPx ? +i.dataset.minFontPx : null}}))""")

    def close(self):
        self.context.close()


@pytest.fixture(scope="module")
def pages():
    return figure_pages()


def test_the_book_has_figures(pages):
    assert "book/hessians" in pages and "book/widgets" in pages, pages


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", figure_pages())
def test_figures_are_sharp_and_readable(browser, site, name, width):
    """2 device pixels per CSS pixel, and no text under 9 CSS px."""
    r = Reader(browser, site, name, width)
    try:
        shown = r.figures()
        assert shown, f"{name}: no figure shown at {width} px"
        blurred, small, unmeasured = [], [], []
        for f in shown:
            if f["src"].endswith(".svg") or f["src"].startswith(
                    "data:image/svg"):
                continue
            if f["natural"] < 2 * f["shown"] - 0.5:
                blurred.append(f"{f['alt']!r}: {f['natural']} px drawn "
                               f"{f['shown']:.0f} CSS px wide")
            if f["font"] is None or not f["css"]:
                unmeasured.append(f"{f['alt']!r} ({f['src']})")
                continue
            effective = f["font"] * f["shown"] / f["css"]
            if effective < MIN_TEXT_PX - 0.01:
                small.append(f"{f['alt']!r}: smallest text {effective:.1f}"
                             f" CSS px ({f['shown']:.0f} of {f['css']} px)")
        assert not blurred, f"{name} at {width} px, under 2x: {blurred}"
        assert not unmeasured, \
            f"{name}: figures without a recorded font size: {unmeasured}"
        assert not small, f"{name} at {width} px, text too small: {small}"
        # the page itself never scrolls sideways: wide figures scroll in
        # their own box
        overflow = r.page.evaluate(
            "() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow} px"
        # and a box that scrolls says so under it (phones hide scrollbars)
        r.page.wait_for_function(
            "() => [...document.querySelectorAll("
            "'div.cell_output, .mlw-frame')].filter(b => b.querySelector("
            "'img') && b.scrollWidth > b.clientWidth + 1).every(b => "
            "b.nextElementSibling && b.nextElementSibling.matches("
            "'p.mcdl-scroll-hint:not([hidden])'))")
        hints = r.page.locator("p.mcdl-scroll-hint:visible")
        wide = r.page.evaluate(
            "() => [...document.querySelectorAll('div.cell_output, "
            ".mlw-frame')].filter(b => b.querySelector('img') && "
            "b.scrollWidth > b.clientWidth + 1).length")
        assert hints.count() == wide, (name, width, hints.count(), wide)
    finally:
        r.close()


@pytest.mark.parametrize("name", figure_pages())
def test_figures_are_legible_in_dark_mode(browser, site, name):
    """Opaque figures on a dark page; axe finds nothing serious in them."""
    r = Reader(browser, site, name, 1280, dark=True)
    try:
        transparent = r.page.evaluate(f"""() => [...document.querySelectorAll(
            {FIGURES!r})].filter(i => i.getClientRects().length).filter(i => {{
              const c = document.createElement('canvas');
              c.width = i.naturalWidth; c.height = i.naturalHeight;
              const g = c.getContext('2d');
              g.drawImage(i, 0, 0);
              const a = g.getImageData(0, 0, c.width, c.height).data;
              for (let k = 3; k < a.length; k += 4)
                if (a[k] < 250) return true;
              return false;
            }}).map(i => (i.getAttribute('alt') || i.src).slice(0, 60))""")
        assert transparent == [], \
            f"{name}: figures with transparent parts in dark mode: " \
            f"{transparent}"
        r.page.add_script_tag(path=str(AXE))
        found = r.page.evaluate(
            "async () => { const inc = [...document.querySelectorAll("
            "'.bd-article div.cell_output, .bd-article .mlw-scrubber, "
            ".bd-article table')]; if (!inc.length) return [];"
            "return (await axe.run(inc, {resultTypes: ['violations']}))"
            ".violations.filter(v => ['serious', 'critical']"
            ".includes(v.impact)).map(v => v.id + ': ' + v.help + ' -> ' + "
            "v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))}")
        assert found == [], "\n".join(found)
    finally:
        r.close()


def test_page_weight():
    """Every page's own bytes (HTML and images) within its limit."""
    heavy = []
    for name in PAGES:
        total, _, _ = page_bytes(name)
        limit = MAX_GALLERY_BYTES if name == "book/widgets" \
            else MAX_PAGE_BYTES
        if total > limit:
            heavy.append(f"{name}: {total:,} bytes > {limit:,}")
    assert heavy == [], heavy


def test_page_bytes_counts_html_and_images(tmp_path):
    """page_bytes adds the page's distinct local images to its HTML."""
    (tmp_path / "_images").mkdir()
    (tmp_path / "_images" / "a.png").write_bytes(b"x" * 1000)
    (tmp_path / "_images" / "b.png").write_bytes(b"x" * 300)
    html = ('<p><img src="_images/a.png"><img src="_images/a.png">'
            '<img src="data:image/png;base64,AAAA">'
            '<picture><source srcset="_images/b.png 2x"></picture></p>')
    (tmp_path / "p.html").write_text(html)
    assert page_bytes("p", tmp_path) == (len(html) + 1300, len(html), 1300)
    (tmp_path / "q.html").write_text('<img src="_images/gone.png">')
    with pytest.raises(FileNotFoundError, match="gone.png"):
        page_bytes("q", tmp_path)


# The frame a scrubber shows, composed by hand: its opening image with the
# overlay of the frame shown drawn over it, put in place of the opening
# image (the overlay hidden), so that a screenshot shows what the frame
# should look like with the page's own styles and filters.
COMPOSE = """async (id) => {
  const img = document.getElementById(id + '-img');
  const ovl = document.getElementById(id + '-ovl');
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d');
  g.drawImage(img, 0, 0);
  if (!ovl.hidden) g.drawImage(ovl, 0, 0, c.width, c.height);
  img.src = c.toDataURL('image/png');
  await img.decode();
  ovl.hidden = true;
}"""


def _shot(locator):
    return np.asarray(Image.open(io.BytesIO(locator.screenshot()))
                      .convert("RGB"), dtype=int)


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_a_stepped_scrubber_shows_its_frame(browser, site, dark, width):
    """On the widget gallery, on a phone (where frames are drawn smaller
    than their own size) and a laptop: step every scrubber with its Next
    button (three frames on) and compare what is on screen with that frame
    composed by hand. (In dark mode the overlay once took the light
    background the theme gives images and hid the picture under a grey
    box; drawn smaller, an overlay of only the changed pixels left traces
    of the opening frame around them.)"""
    r = Reader(browser, site, "book/widgets", width, dark=dark)
    try:
        ids = r.page.evaluate(
            "() => [...document.querySelectorAll('.mlw-scrubber')]"
            ".map(s => s.id)")
        assert len(ids) >= 6
        for uid in ids:
            frame = r.page.locator(f"#{uid} .mlw-frame")
            frame.scroll_into_view_if_needed()
            for _ in range(3):
                r.page.click(f"#{uid}-next")
            r.page.wait_for_function(
                f"() => {{ const o = document.getElementById('{uid}-ovl');"
                " return o.hidden || (o.complete && o.naturalWidth > 0); }")
            shown = _shot(frame)
            r.page.evaluate(COMPOSE, uid)
            want = _shot(frame)
            assert shown.shape == want.shape
            differ = np.mean(np.abs(shown - want).max(axis=2) > 8)
            assert differ < 0.002, (
                f"{uid} ({'dark' if dark else 'light'}): {differ:.1%} of "
                "the pixels differ from the frame it names")
    finally:
        r.close()
