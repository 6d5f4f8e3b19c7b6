"""Math that is never cut, on a phone: browser tests of the built site.

For every page of the table of contents at 390 px (and at 320 px for the
pages with the widest inline formulas): every glyph of every inline
formula lies inside what the reader can see (the viewport and every box
that clips it), and every display equation either fits, or scrolls
inside its own box with a visible cue (a shadow at the edge where more is
hidden) and is not cut by any box around it. The checks themselves catch
the theme's old clipping rules (so they cannot pass vacuously). And the
math is typeset at build time (tools/prerender_math.mjs): in the page as
served, with its MathML for screen readers and without any MathJax
script, and drawn in MathJax's font, preloaded with the page.

Waits are for the load event and the fonts (PageVisit), never for
idleness.
Run after `make book` (make test does both).
"""
import contextlib
import io

import pytest

from site_tools import (  # noqa: F401  (site, browser: fixtures)
    PageVisit, browser, site, toc_files)

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


# Each formula as the reader's browser has it: its Sphinx box (span or
# div.math), the MathJax output in it, the MathML copy for screen readers.
MATH_AS_BUILT = """() => {
  const boxes = [...document.querySelectorAll('.math.notranslate')];
  const containers = document.querySelectorAll('mjx-container');
  return {
    boxes: boxes.length,
    untypeset: boxes.filter(b => !b.querySelector('mjx-container'))
                    .map(b => b.textContent.slice(0, 60)),
    containers: containers.length,
    withMathML: [...containers].filter(c => c.querySelector(
        ':scope > mjx-assistive-mml > math > *')).length,
    inlineBreaks: document.querySelectorAll(
        'mjx-container:not([display]) mjx-break').length,
  };
}"""

# The font families the characters in the first window are drawn with,
# and whether each is loaded (MathJax's CHTML draws every character in
# its own font; until the font is there the browser shows nothing).
FIRST_WINDOW_FONTS = """() => {
  const families = new Set();
  for (const c of document.querySelectorAll('mjx-container mjx-c')) {
    const r = c.getBoundingClientRect();
    if (r.top >= innerHeight) break;
    if (r.bottom <= 0 || !r.width) continue;
    for (const f of getComputedStyle(c).fontFamily.split(','))
      families.add(f.trim().replace(/"/g, ''));
  }
  const faces = [...document.fonts];
  return [...families].filter(f => f.startsWith('MJX-')).map(f => [f,
      faces.filter(x => x.family.replace(/"/g, '') === f)
           .map(x => x.status).join(',') || 'no @font-face']);
}"""


@contextlib.contextmanager
def phone_page(browser):
    """A page in a fresh context of a phone (390 x 844, ratio 2, touch)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2,
        is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(90000)  # a shared, busy machine
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("name", ["book/hessians", "book/reference"])
def test_math_is_in_the_page_as_built(browser, site, name):
    """The math of the longest chapter and of the reference sheet is in
    the HTML as the site serves it, typeset (tools/prerender_math.mjs): with
    scripts blocked, on a phone, every formula is MathJax's output with
    its MathML copy for screen readers, long inline formulas can wrap
    (break points), and the page asks for no MathJax script."""
    scripts = []

    def block(route):  # every script file: nothing runs but the page's
        scripts.append(route.request.url)  # own inline scripts
        route.abort()

    with phone_page(browser) as page:
        page.route("**/*.js*", block)
        page.goto(f"{site}/{name}.html", wait_until="load")
        built = page.evaluate(MATH_AS_BUILT)
    assert built["untypeset"] == [], built["untypeset"][:5]
    assert built["boxes"] > 150 and built["containers"] == built["boxes"], built
    assert built["withMathML"] == built["containers"], (
        f"{built}: formulas without MathML for screen readers")
    assert built["inlineBreaks"] > 0, "inline formulas cannot wrap"
    assert scripts, "the check blocked no script at all"
    mathjax = [u for u in scripts if "mathjax" in u.lower()]
    assert mathjax == [], f"MathJax scripts requested: {mathjax}"


@pytest.mark.parametrize("where", ["first", "middle"])
def test_the_math_font_is_there_with_the_page(browser, site, where):
    """On the longest chapter, on a phone: every MathJax font the formulas
    in the window are drawn with is loaded by the time the page's fonts are
    ready (the page preloads them), at the first formula and where a
    reader jumps to at once (the middle), and nothing logs a warning."""
    warnings = []
    with phone_page(browser) as page:
        page.on("console", lambda m: warnings.append(m.text)
                if m.type in ("warning", "error") else None)
        page.goto(f"{site}/book/hessians.html", wait_until="load")
        index = "0" if where == "first" else "c.length >> 1"
        page.evaluate("() => { const c = document.querySelectorAll("
                      f"'mjx-container'); c[{index}]"
                      ".scrollIntoView({block: 'center'}); }")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        fonts = page.evaluate(FIRST_WINDOW_FONTS)
        assert fonts, "no formula in the window"
        assert ["MJX-NCM-N", "loaded"] in fonts, fonts
        assert all(status == "loaded" for _, status in fonts), fonts
        preloaded = page.evaluate(
            "() => [...document.querySelectorAll('link[rel=preload][as=font]')]"
            ".map(l => l.href.split('/').pop())")
        assert "mjx-ncm-n.woff2" in preloaded, preloaded
        assert warnings == [], warnings


def test_a_display_that_scrolls_takes_the_keyboard(browser, site):
    """At 390 px a display equation wider than its column can be reached
    from the keyboard (a tab stop that the arrow keys scroll); one that
    fits is not a tab stop (book/_static/wide-figures.js)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_default_timeout(90000)
        page.goto(f"{site}/book/matrix-calculus-toolbox.html", wait_until="load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        state = page.evaluate("""() => [...document.querySelectorAll(
            'mjx-container[display="true"]')].filter(b => b.checkVisibility())
            .map((b, i) => [i, b.scrollWidth > b.clientWidth + 1,
                            b.getAttribute('tabindex')])""")
        wide = [i for i, scrolls, tab in state if scrolls]
        assert wide, "no display scrolls at 390 px: nothing to check"
        assert all(tab == "0" for _, scrolls, tab in state if scrolls), state
        assert all(tab is None for _, scrolls, tab in state if not scrolls), state
        box = page.locator('mjx-container[display="true"][tabindex="0"]').first
        box.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle())
    finally:
        context.close()


# Select a paragraph (a drag across it), or with `inside` its first
# formula's first two characters, copy, and return what the page put on
# the clipboard.
COPY_SELECTION = """([selector, inside]) => {
  const range = document.createRange();
  if (inside) {
    const chars = document.querySelector(selector + ' mjx-math')
                          .querySelectorAll('mjx-c');
    range.setStart(chars[0].firstChild, 0);
    range.setEnd(chars[1].firstChild, 1);
  } else {
    range.selectNodeContents(document.querySelector(selector));
  }
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  let copied = null;
  const read = (e) => { copied = e.clipboardData.getData('text/plain'); };
  document.addEventListener('copy', read);  // after the page's own handler
  document.execCommand('copy');
  document.removeEventListener('copy', read);
  return copied;
}"""


def test_copying_text_copies_each_formulas_tex(browser, site):
    """A reader copies a sentence with formulas into a note or a notebook:
    each formula arrives as its TeX between dollars, in its place in the
    sentence (book/_static/math-copy.js), not as the characters MathJax
    draws ("x2y+y3"); a drag inside one formula copies that formula."""
    with phone_page(browser) as page:
        page.goto(f"{site}/book/hessians.html", wait_until="load")
        selector = page.evaluate("""() => {
          const p = [...document.querySelectorAll('article p')].find(p =>
            p.querySelectorAll('mjx-container').length >= 2);
          p.id = p.id || 'copy-me';
          return '#' + p.id;
        }""")
        tex = page.evaluate(
            "(s) => [...document.querySelectorAll(s + ' mjx-math')]"
            ".map(m => m.getAttribute('data-latex'))", selector)
        copied = page.evaluate(COPY_SELECTION, [selector, False])
        # a drag inside one formula copies that whole formula
        inside = page.evaluate(COPY_SELECTION, [selector, True])
    assert copied, "nothing copied"
    for t in tex:
        assert f"${t.strip()}$" in copied, (t, copied)
    assert "\n" not in copied.strip(), copied
    assert inside == f"${tex[0].strip()}$", inside


EQUATION_NUMBERS = """() => [...document.querySelectorAll('div.math > span.eqno')]
  .filter(n => n.checkVisibility()).map(n => {
    const number = n.getBoundingClientRect();
    const eq = n.parentElement.querySelector('mjx-container').getBoundingClientRect();
    return {number: n.textContent.trim().slice(0, 4),
            below: number.top >= eq.bottom - 1,
            beside: number.left >= eq.right - 1 && number.top < eq.bottom};
  })"""


@pytest.mark.parametrize("width", [390, 1280])
def test_equation_numbers_stand_apart_from_their_equations(browser, site,
                                                            width):
    """An equation's number never reads as part of the formula: beside
    the equation on a laptop, under it (at the right) on a phone, where
    an equation that scrolls left its number against its cut edge."""
    v = visit_at(browser, site, "book/notation", width)
    try:
        numbers = v.page.evaluate(EQUATION_NUMBERS)
    finally:
        v.close()
    assert len(numbers) >= 10, numbers
    where = "below" if width < 600 else "beside"
    wrong = [n for n in numbers if not n[where]]
    assert wrong == [], f"numbers not {where} their equations: {wrong}"
