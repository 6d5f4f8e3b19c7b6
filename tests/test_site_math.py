"""Math that is never cut, on a phone: browser tests of the built site.

For every page of the table of contents at 390 px (and at 320 px for the
pages with the widest inline formulas): every glyph of every inline
formula lies inside what the reader can see (the viewport and every box
that clips it), and every display equation either fits, or scrolls
inside its own box with a visible cue (a shadow at the edge where more is
hidden) and is not cut by any box around it. Plus: MathJax (version 4,
served by the site) logs no warning, and the checks themselves catch the
theme's old clipping rules (so they cannot pass vacuously). And the lazy
typesetting that makes long pages quick: the math in view is typeset
first, then every other formula without the reader scrolling to it,
MathML for screen readers included.

Waits are for every formula typeset (PageVisit), never for idleness.
Run after `make book` (make test does both).
"""
import io

import pytest

from site_tools import (  # noqa: F401  (site, browser: fixtures)
    PageVisit, browser, site, toc_files, wait_for_all_math)

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

PAGES = toc_files()

# Chapters whose inline formulas are the widest (chapter 8's
# (X+tE)(Y+tF) = XY + t(EY+XF) + t^2 EF; chapters 3, 6 and 7 lost the ends
# of formulas at 390 px before): also checked on the narrowest phone.
NARROWEST = ["book/directional-derivatives", "book/neuron-layer-loss",
             "book/hessians", "book/matrix-calculus-toolbox"]

# For each typeset formula in the page's text: the glyphs and rules it
# draws (not MathJax's hidden MathML copy for screen readers) that the
# reader cannot see. A part is cut when an ancestor that hides its overflow
# (overflow hidden or clip) ends before the part does, or the viewport does
# (the page must not scroll sideways: test_site checks that). Inside a box
# that scrolls (a display equation, a wide table) the part can be reached:
# the scrolling box itself is then checked against the boxes around it, and
# is returned so that its cue can be looked at. Solutions (<details>) are
# opened first. `display` selects display
# equations (true) or inline formulas (false).
FIND_CUT_MATH = """(display) => {
  const style = new Map(), rect = new Map();
  const overflowOf = a => {
    if (!style.has(a)) style.set(a, getComputedStyle(a).overflowX);
    return style.get(a);
  };
  const innerOf = a => {
    if (!rect.has(a)) {
      const b = a.getBoundingClientRect();
      rect.set(a, [b.left + a.clientLeft, b.left + a.clientLeft + a.clientWidth]);
    }
    return rect.get(a);
  };
  const article = document.querySelector('article.bd-article') || document.body;
  // A reader opens the solutions (<details>): their math counts too.
  article.querySelectorAll('details').forEach(d => { d.open = true; });
  const scrollers = new Set();
  const cutAt = (part) => {
    let r = part.getBoundingClientRect();
    for (let a = part.parentElement; a && a !== article.parentElement;
         a = a.parentElement) {
      const ox = overflowOf(a);
      if (ox === 'visible') continue;
      const [left, right] = innerOf(a);
      if (ox === 'auto' || ox === 'scroll') {
        if (a.scrollWidth > a.clientWidth + 1) scrollers.add(a);
        r = a.getBoundingClientRect();
        continue;
      }
      if (r.left < left - 1 || r.right > right + 1)
        return {by: a.tagName.toLowerCase() + '.' + a.className,
                left: Math.round(r.left), right: Math.round(r.right),
                clipLeft: Math.round(left), clipRight: Math.round(right)};
    }
    if (r.left < -1 || r.right > window.innerWidth + 1)
      return {by: 'viewport', left: Math.round(r.left),
              right: Math.round(r.right)};
    return null;
  };
  const sel = display ? 'mjx-container[display="true"]'
                      : 'mjx-container:not([display="true"])';
  const cut = [];
  for (const box of article.querySelectorAll(sel)) {
    if (!box.checkVisibility()) continue;  // inside a hidden cell
    const parts = [...box.querySelectorAll('*')].filter(
        e => !e.closest('mjx-assistive-mml') && !e.firstElementChild);
    for (const part of parts) {
      const r = part.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const where = cutAt(part);
      if (where) {
        where.text = (box.querySelector('mjx-assistive-mml') || box)
                     .textContent.slice(0, 60);
        cut.push(where);
        break;
      }
    }
  }
  const mark = 'data-math-scroller';
  document.querySelectorAll('[' + mark + ']').forEach(
      e => e.removeAttribute(mark));
  // How far the ink inside each scrolling box reaches past its right edge.
  const hiddenInk = (e) => {
    const right = innerOf(e)[1];
    let most = 0;
    for (const part of e.querySelectorAll('*')) {
      if (part.firstElementChild || part.closest('mjx-assistive-mml')) continue;
      const r = part.getBoundingClientRect();
      if (r.width && r.height) most = Math.max(most, r.right - right);
    }
    return Math.round(most);
  };
  const scrolling = [...scrollers].map((e, i) => {
    e.setAttribute(mark, String(i));
    return {index: i, tag: e.tagName.toLowerCase() + '.' + e.className,
            hidden: hiddenInk(e), text: e.textContent.trim().slice(0, 60)};
  });
  return {cut, scrolling};
}"""

# The cue (custom.css) is a shadow under a cover that scrolls with the
# formula: it shows fully once about 1em of the formula is hidden, and only
# in part for less (a formula that overflows by a few pixels, e.g. its
# final full stop). The check asks for it where at least this much ink
# (CSS px) is out of view.
HIDDEN_INK = 20

# A clipping box around inline math, as the theme's rule was (an inline
# flex box with overflow hidden); narrower than chapter 8's formula
# pieces, since MathJax 4 wraps inside a box of the theme's own width.
THEME_CLIPPING = """
span.math { display: inline-block !important; overflow: hidden !important;
            width: 40px !important; max-width: 40px !important; }
"""
NO_CUE = """
mjx-container[display="true"] { background: none !important; }
"""


def visit_at(browser, site, name, width):
    v = PageVisit(browser, site, name, width=width)
    v.name = name
    return v


def find_cut_math(page, display):
    return page.evaluate(FIND_CUT_MATH, display)


def edge_shows_more(page, index, background):
    """Does the right edge of scrolling box `index` show that more is there?

    The rightmost 6 px of a screenshot of the box at its starting scroll
    position: with the cue (a shadow) nearly every row of the strip differs
    from the page; without one only the rows a glyph or a rule happens to
    cross do. Returns the fraction of rows that differ.
    """
    from PIL import Image

    box = page.locator(f'[data-math-scroller="{index}"]')
    box.evaluate("b => { b.scrollLeft = 0; }")
    shot = Image.open(io.BytesIO(box.screenshot())).convert("RGB")
    image = shot.crop((max(shot.width - 6, 0), 0, shot.width, shot.height))
    rows = 0
    for y in range(image.height):
        if any(sum(abs(a - b) for a, b in zip(image.getpixel((x, y)),
                                               background)) > 24
               for x in range(image.width)):
            rows += 1
    return rows / max(image.height, 1)


def page_background(page):
    rgb = page.evaluate(
        "() => getComputedStyle(document.body).backgroundColor")
    return tuple(int(float(c)) for c in
                 rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])


def math_problems(page, display):
    """Formulas cut, and display equations that scroll without showing it.

    A wide table that scrolls (custom.css gives it the same shadow, but
    striped rows paint over part of it) counts as reachable, not cut."""
    found = find_cut_math(page, display)
    problems = [f"cut: {c}" for c in found["cut"]]
    background = page_background(page)
    for s in found["scrolling"]:
        if not s["tag"].startswith("mjx-container"):
            continue  # a wide table: its formulas are reached by scrolling
        if s["hidden"] < HIDDEN_INK:
            continue  # see HIDDEN_INK
        shown = edge_shows_more(page, s["index"], background)
        if shown < 0.8:
            problems.append(f"scrolls without a cue ({shown:.0%} of its "
                            f"right edge marked): {s['tag']} {s['text']!r}")
    return problems


@pytest.fixture(scope="module", params=PAGES)
def phone(request, browser, site):
    """One 390 px visit per page, shared by the checks below."""
    v = visit_at(browser, site, request.param, 390)
    yield v
    v.close()


def test_no_inline_math_is_cut_at_390px(phone):
    problems = math_problems(phone.page, display=False)
    assert problems == [], f"{phone.name} at 390 px:\n" + "\n".join(problems)


def test_wide_display_math_breaks_or_shows_it_scrolls_at_390px(phone):
    problems = math_problems(phone.page, display=True)
    assert problems == [], f"{phone.name} at 390 px:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", NARROWEST)
def test_no_math_is_cut_on_the_narrowest_phone(browser, site, name):
    v = visit_at(browser, site, name, 320)
    try:
        assert v.page.locator("mjx-container").count() > 0
        problems = (math_problems(v.page, display=False)
                    + math_problems(v.page, display=True))
        assert problems == [], f"{name} at 320 px:\n" + "\n".join(problems)
    finally:
        v.close()


def test_the_checks_see_the_themes_clipping(browser, site):
    """A clipping box around inline math cuts chapter 8's widest formula:
    the check must say so; and display equations that scroll without their
    cue must be reported."""
    v = visit_at(browser, site, "book/matrix-calculus-toolbox", 320)
    try:
        page = v.page
        page.add_style_tag(content=THEME_CLIPPING)
        cut = find_cut_math(page, display=False)["cut"]
        assert any("EF" in c["text"] for c in cut), cut
        page.add_style_tag(content=NO_CUE)
        problems = math_problems(page, display=True)
        assert any("without a cue" in p for p in problems), problems
    finally:
        v.close()


def test_mathjax_logs_no_warning(browser, site):
    """MathJax 4, from the site: no console warning (the [tex]/ams one of
    the old configuration), inline line breaking on and the slow semantic
    enrichment off (see _config.yml)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    warnings = []
    try:
        page = context.new_page()
        page.on("console", lambda m: warnings.append(m.text)
                if m.type == "warning" else None)
        page.goto(f"{site}/book/matrix-calculus-toolbox.html",
                  wait_until="load")
        wait_for_all_math(page)
        assert warnings == [], warnings
        version = page.evaluate("() => MathJax.version")
        assert version.startswith("4."), version
        assert page.evaluate("() => !!(MathJax._.ui && MathJax._.ui.lazy)")
        options = page.evaluate(
            "() => [MathJax.startup.document.outputJax.options"
            ".linebreaks.inline, MathJax.config.options.menuOptions"
            ".settings.enrich]")
        assert options == [True, False], options
    finally:
        context.close()


# Placeholders of formulas not typeset yet, and those in the window.
LAZY_IN_VIEW = """() => {
  const lazy = [...document.querySelectorAll('mjx-lazy')];
  const inView = lazy.filter(e => {
    const r = e.getBoundingClientRect();
    const shown = e.getClientRects().length > 0;
    return shown && r.bottom > 0 && r.top < innerHeight;
  });
  const typeset = [...document.querySelectorAll('mjx-container mjx-math')]
    .filter(e => {
      const r = e.getBoundingClientRect();
      return r.height > 0 && r.bottom > 0 && r.top < innerHeight;
    });
  return {lazy: lazy.length, inView: inView.length, typeset: typeset.length};
}"""

EMPTY_MATHML = """() => [...document.querySelectorAll('mjx-assistive-mml math')]
  .filter(m => !m.firstElementChild).length"""


@pytest.mark.parametrize("where", ["top", "middle"])
def test_math_in_view_comes_first_then_the_whole_page(browser, site, where):
    """On the longest chapter, on a phone: the page starts with formulas
    still waiting (lazy typesetting); the ones in the window are typeset
    (at the top, and where a reader jumps to at once, the middle of the
    page); then, without any scrolling, every formula of the page is
    typeset and has its MathML copy for screen readers."""
    name = "book/hessians"
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2,
        is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(90000)
        page.goto(f"{site}/{name}.html", wait_until="load")
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise")
        page.evaluate("() => MathJax.startup.promise")
        first = page.evaluate(LAZY_IN_VIEW)
        assert first["lazy"] > 0, (
            f"{first}: the page was typeset whole at startup, not lazily")
        if where == "middle":
            page.evaluate("() => { const c = document.querySelectorAll("
                          "'mjx-container'); c[c.length >> 1]"
                          ".scrollIntoView({block: 'center'}); }")
        page.wait_for_function(
            f"() => {{ const s = ({LAZY_IN_VIEW})();"
            " return s.inView === 0; }")
        if where == "middle":
            assert page.evaluate(LAZY_IN_VIEW)["typeset"] > 0
        wait_for_all_math(page)
        final = page.evaluate(LAZY_IN_VIEW)
        assert final["lazy"] == 0, f"{final}: formulas left untypeset"
        assert page.evaluate(EMPTY_MATHML) == 0, (
            "formulas without MathML for screen readers")
        assert page.locator("mjx-container").count() > 500
    finally:
        context.close()
