"""Browser tests of the built site, in Debian's Chromium, offline.

For every page in the table of contents: no failed request, no request to
another host, no console error, all math typeset, alt text on
every image, a Colab link on every notebook page, no horizontal page scroll
on a 390 px phone, and no serious or critical axe-core violation. Run after
`make book` (make test does both).
"""
import re

import pytest

from site_tools import (  # noqa: F401  (site, browser: fixtures)
    AXE, PageVisit, browser, colab_url, site, source_of, toc_files)

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

PAGES = toc_files()

# Text that means TeX reached the reader untypeset: a delimiter MathJax
# did not consume, a lone dollar sign (display math inside a list item of
# a notebook is left half-converted by MyST-NB: "$\(...\)$ ... \)T \times
# 1\(" on the page), or any TeX control word such as \operatorname or
# \times outside typeset math and code.
RAW_MATH = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$|\\begin\{|\\[A-Za-z]{2,}")

FIND_RAW_MATH = """() => {
  const skip = 'PRE, CODE, SCRIPT, STYLE, TEXTAREA, MJX-CONTAINER, svg';
  const walker = document.createTreeWalker(
      document.querySelector('main') || document.body,
      NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.parentElement.closest(skip)) texts.push(n.textContent);
  }
  return texts.join(' ');
}"""


@pytest.fixture(scope="module", params=PAGES)
def visit(request, browser, site):
    """One visit per page, shared by the checks below (module scope)."""
    v = PageVisit(browser, site, request.param)
    v.name = request.param
    yield v
    v.close()


def test_loads_only_from_the_site(visit):
    assert visit.foreign == [], "requests to another host"
    assert visit.failed == [], "failed requests"
    assert visit.errors == [], "console errors"


def test_math_is_typeset(visit):
    page = visit.page
    raw = RAW_MATH.findall(page.evaluate(FIND_RAW_MATH))
    assert raw == [], f"untypeset TeX on {visit.name}: {raw[:5]}"
    if "$" in source_of(visit.name).read_text(encoding="utf-8"):
        count = page.locator("mjx-container").count()
        assert count > 0, "the source has math but none is typeset"
    errors = page.locator("mjx-merror").count()
    assert errors == 0, "MathJax reported TeX errors"


def test_images_have_alt_text(visit):
    # A scrubber's overlay (only the pixels a frame changes, drawn over
    # the opening frame, whose alt text describes the frame shown) is
    # hidden from assistive technology with aria-hidden: decorative.
    missing = visit.page.evaluate(
        "() => [...document.images].filter(i => !(i.alt || '').trim()"
        " && i.getAttribute('aria-hidden') !== 'true')"
        ".map(i => i.src.slice(0, 80) || i.id)")
    assert missing == [], f"images without alt text: {missing}"


def test_notebook_pages_link_to_colab(visit):
    if source_of(visit.name).suffix != ".ipynb":
        pytest.skip("not a notebook page")
    hrefs = visit.page.eval_on_selector_all(
        "a[href]", "els => els.map(e => e.href)")
    assert colab_url(visit.name) in hrefs, hrefs


def test_no_serious_accessibility_violations(visit):
    page = visit.page
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, "
        "{resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.help + ' -> ' + "
        "v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))")
    assert result == [], "\n".join(result)


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_on_a_phone(browser, site, name):
    v = PageVisit(browser, site, name, width=390)
    try:
        overflow = v.page.evaluate(
            "() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{name} scrolls sideways by {overflow} px"
    finally:
        v.close()


def scrubber_pages():
    """Pages of the toc whose notebook shows a mathlib widget."""
    found = []
    for name in PAGES:
        source = source_of(name)
        if source.suffix == ".ipynb" and "mathlib.widgets" in \
                source.read_text(encoding="utf-8"):
            found.append(name)
    return found


def test_some_page_has_a_static_widget():
    assert scrubber_pages(), "no page in the toc shows a widget"


@pytest.mark.parametrize("name", scrubber_pages())
def test_static_widgets_respond(browser, site, name):
    """Drag, step and key through every scrubber: the picture changes."""
    v = PageVisit(browser, site, name)
    try:
        page = v.page
        scrubbers = page.locator(".mlw-scrubber")
        assert scrubbers.count() > 0, f"{name}: no static scrubber rendered"
        for k in range(scrubbers.count()):
            box = scrubbers.nth(k)
            # the opening frame (with the alt text) and, over it, what
            # the frame shown changes (mathlib/widgets/_base.py)
            image = box.locator("img[id$='-img']")
            overlay = box.locator("img[id$='-ovl']")
            state = lambda: (overlay.get_attribute("src"),  # noqa: E731
                             image.get_attribute("alt"))
            first = state()
            assert first[1].strip(), "scrubber image without alt text"
            slider = box.locator("input[type=range]")
            assert box.locator(f"label[for='{slider.get_attribute('id')}']"
                               ).count() == 1, "range input without label"
            slider.fill("0")  # as a drag to the left end does
            at_start = state()
            assert at_start[0] != first[0] or slider.input_value() == \
                slider.get_attribute("value"), "dragging changed nothing"
            box.get_by_role("button", name="Next frame").click()
            stepped = state()
            assert stepped[0] != at_start[0], "Next frame changed nothing"
            assert stepped[1] != at_start[1], "alt text did not follow"
            slider.focus()
            page.keyboard.press("End")
            assert state()[0] != stepped[0], "keyboard did not move it"
        assert v.errors == [], v.errors
    finally:
        v.close()
