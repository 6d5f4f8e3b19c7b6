"""Browser tests of the site's navigation, operated as a reader does.

On a phone (390 x 844, touch, device scale factor 2), on every page: one
header and one search entry; a tap on the menu button opens the chapter
list, a tap on a chapter lands there; the page-contents button opens the
page's sections; both open and close from the keyboard; no console warning
or error. On a 1280 px desktop the menu button collapses and restores the
sidebar. Also: the site icon is served, search results show text (no TeX
source, no page chrome), the glossary links land on the sections that
define its terms and the index lists them, the bibliography is labelled as
the text cites, and axe-core finds nothing serious in dark mode either.
Run after `make book`.
"""
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import pytest

from site_tools import (  # noqa: F401  (site, browser: fixtures)
    AXE, SITE, PageVisit, browser, site, toc_files)

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect
expect.set_options(timeout=60_000)  # a shared, busy machine: no race

PAGES = toc_files()
CHAPTER = "book/jacobians"
PHONE = dict(width=390, height=844, has_touch=True, is_mobile=True,
             device_scale_factor=2)
DESKTOP = dict(width=1280, height=900)

# Everything a reader can use to search: the search buttons and fields.
SEARCH_ENTRIES = ".search-button, .search-button-field, form.bd-search"

VISIBLE_COUNT = """sel => [...document.querySelectorAll(sel)].filter(e => {
  const r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';
}).length"""


def _quiet(visit):
    """No console message of level warning or error, no failed request."""
    assert visit.errors == [], f"console errors: {visit.errors}"
    assert visit.warnings == [], f"console warnings: {visit.warnings}"
    assert visit.failed == [], f"failed requests: {visit.failed}"


def _toc_links(container):
    return container.locator("nav.bd-docs-nav a.reference.internal")


@pytest.mark.parametrize("name", PAGES)
def test_phone_navigation(browser, site, name):
    """Tap the menu: the chapter list opens over the page; Escape closes it.
    Tap the page-contents button: the page's sections. Then the same from
    the keyboard. One header, one search entry, nothing in the console."""
    v = PageVisit(browser, site, name, **PHONE)
    try:
        page = v.page
        assert page.locator(".bd-header .bd-header__inner").count() == 0, \
            "the theme's header bar is back (a second, hidden set of toggles)"
        assert page.evaluate(VISIBLE_COUNT, ".primary-toggle") == 1
        assert page.evaluate(VISIBLE_COUNT, SEARCH_ENTRIES) == 1, \
            "not exactly one visible search entry"
        dialog = page.locator("#pst-primary-sidebar-modal")
        expect(dialog).to_be_hidden()

        page.locator(".primary-toggle:visible").tap()
        expect(dialog).to_be_visible()
        links = _toc_links(dialog)
        assert links.count() >= len(PAGES) - 1, "the chapter list is short"
        expect(dialog.get_by_role("link", name="4. Jacobians", exact=True)
               ).to_be_visible()
        # A tap beside the panel, on the dimmed page, closes it.
        panel = dialog.bounding_box()
        assert panel["x"] + panel["width"] < 370, "no page beside the menu"
        page.touchscreen.tap(panel["x"] + panel["width"] + 10, 400)
        expect(dialog).to_be_hidden()

        # The keyboard: focus the button, Enter opens, Escape closes and
        # gives the focus back.
        toggle = page.locator(".primary-toggle:visible")
        toggle.focus()
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        assert page.evaluate(
            "() => document.querySelector('#pst-primary-sidebar-modal')"
            ".contains(document.activeElement)"), "focus stayed outside"
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        assert page.evaluate(
            "() => document.activeElement.classList.contains("
            "'primary-toggle')"), "focus did not return to the menu button"

        contents = page.locator(".secondary-toggle:visible")
        sections = page.locator("#pst-page-toc-nav a, .bd-toc-nav a").count()
        if sections:
            panel = page.locator("#pst-secondary-sidebar-modal")
            contents.tap()
            expect(panel).to_be_visible()
            expect(panel.locator("a").first).to_be_visible()
            page.keyboard.press("Escape")
            expect(panel).to_be_hidden()
            contents.focus()
            page.keyboard.press("Space")
            expect(panel).to_be_visible()
            page.keyboard.press("Escape")
            expect(panel).to_be_hidden()
        # Previous / Next at the foot of the page: every letter of their
        # titles inside their links (long words broke out and were cut).
        cut = page.evaluate(CUT_FOOTER_TEXT)
        assert cut == [], f"Previous/Next titles cut off: {cut}"
        _quiet(v)
    finally:
        v.close()


CUT_FOOTER_TEXT = """() => {
  const cut = [];
  for (const a of document.querySelectorAll('.prev-next-area a')) {
    const box = a.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(a.querySelector('.prev-next-title') || a);
    for (const r of range.getClientRects())
      if (r.width && (r.left < box.left - 0.5 || r.right > box.right + 0.5))
        { cut.push(a.textContent.trim().replace(/\\s+/g, ' ')); break; }
  }
  return cut;
}"""


def test_phone_menu_link_lands_on_the_chapter(browser, site):
    v = PageVisit(browser, site, "book/intro", **PHONE)
    try:
        page = v.page
        page.locator(".primary-toggle:visible").tap()
        dialog = page.locator("#pst-primary-sidebar-modal")
        link = dialog.get_by_role(
            "link", name="7. Hessians and quadratic approximation", exact=True)
        expect(link).to_be_visible()
        link.tap()
        page.wait_for_url(re.compile(r"/book/hessians\.html$"))
        expect(page.locator("article h1")).to_contain_text("Hessians")
        expect(page.locator("#pst-primary-sidebar-modal")).to_be_hidden()
    finally:
        v.close()


def test_phone_menu_names_the_book_once_and_leads_home(browser, site):
    """The chapter list names the book once (its title, above the parts),
    and tapping the title opens the introduction."""
    v = PageVisit(browser, site, "book/hessians", **PHONE)
    try:
        page = v.page
        page.locator(".primary-toggle:visible").tap()
        dialog = page.locator("#pst-primary-sidebar-modal")
        expect(dialog).to_be_visible()
        title = "Matrix Calculus for Deep Learning"
        texts = [t.strip() for t in dialog.locator("a:visible").all_inner_texts()]
        assert [t for t in texts if title in t] == [title], texts[:5]
        dialog.get_by_role("link", name=title).tap()
        page.wait_for_url(re.compile(r"/book/intro\.html$"))
        expect(page.locator("article h1")).to_contain_text(title)
    finally:
        v.close()


def test_phone_contents_link_jumps_to_the_section(browser, site):
    v = PageVisit(browser, site, CHAPTER, **PHONE)
    try:
        page = v.page
        page.locator(".secondary-toggle:visible").tap()
        panel = page.locator("#pst-secondary-sidebar-modal")
        link = panel.locator("a", has_text="Scalar expansion")
        expect(link).to_be_visible()
        link.tap()
        page.wait_for_url(re.compile(r"#"))
        target = urlsplit(page.url).fragment
        heading = page.locator(f"[id='{target}'] h2").first
        expect(heading).to_contain_text("Scalar expansion")
        expect(heading).to_be_in_viewport()
        # the panel closes: the section is not left under it
        expect(panel).to_be_hidden()
        box = heading.bounding_box()
        hit = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('h2')"
            " !== null", [box["x"] + 5, box["y"] + box["height"] / 2])
        assert hit, "something covers the section's heading"
    finally:
        v.close()


@pytest.mark.parametrize("name", ["book/intro", CHAPTER, "book/reference",
                                  "book/glossary"])
def test_desktop_sidebar_collapses_and_comes_back(browser, site, name):
    v = PageVisit(browser, site, name, **DESKTOP)
    try:
        page = v.page
        sidebar = page.locator("#pst-primary-sidebar")
        article = page.locator("article.bd-article")
        expect(sidebar).to_be_visible()
        assert page.evaluate(VISIBLE_COUNT, SEARCH_ENTRIES) == 1, \
            "not exactly one visible search entry"
        width = article.bounding_box()["width"]
        toggle = page.locator(".primary-toggle:visible")
        assert toggle.count() == 1
        toggle.click()
        expect(sidebar).to_be_hidden()
        expect(page.locator("#pst-primary-sidebar-modal")).to_be_hidden()
        assert page.evaluate(VISIBLE_COUNT, SEARCH_ENTRIES) == 1, \
            "the search entry went with the sidebar"
        assert article.bounding_box()["width"] > width, \
            "the text did not get the room"
        toggle.click()
        expect(sidebar).to_be_visible()
        toggle.focus()                        # and from the keyboard
        page.keyboard.press("Enter")
        expect(sidebar).to_be_hidden()
        page.keyboard.press("Enter")
        expect(sidebar).to_be_visible()
        _quiet(v)
    finally:
        v.close()


# ------------------------------------------------------------ the site icon
def test_favicon_is_served(browser, site):
    icon = (Path(__file__).resolve().parents[1] / "book" / "_extra" /
            "favicon.ico").read_bytes()
    with urlopen(f"{site}/favicon.ico") as response:
        assert response.status == 200
        assert response.read() == icon
    v = PageVisit(browser, site, CHAPTER)
    try:
        href = v.page.evaluate(
            "() => document.querySelector('link[rel=icon]').href")
        with urlopen(href) as response:
            assert response.read() == icon
        _quiet(v)
    finally:
        v.close()


# ------------------------------------------------------------------ search
# Words that mean the snippet holds the page's buttons and menus, not text.
CHROME = re.compile(r"Show code cell|Hide code cell|Open in Colab|Download "
                    r"(notebook|source)|Print to PDF|Toggle|Skip to main|"
                    r"Back to top|\.ipynb|Contents\s+\d|Search Ctrl")
TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$|\\[A-Za-z]{2,}|\\begin")


@pytest.mark.parametrize("query,word", [
    ("Jacobian", "jacobian"), ("numerator layout", "numerator"),
    ("gradient", "gradient")])
def test_search_snippets_are_text(browser, site, query, word):
    v = PageVisit(browser, site, "search", query=f"?q={query}",
                  **PHONE)
    try:
        page = v.page
        # Sphinx lists the results, then fetches each page for its snippet
        # (results from the index, such as glossary terms, have none).
        expect(page.locator("#search-results")).to_contain_text(
            "Search finished")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#search-results li')]"
            ".every(li => li.querySelector('p.context, span'))")
        snippets = page.locator("#search-results p.context")
        texts = snippets.all_inner_texts()
        assert len(texts) >= 3, texts
        for text in texts:
            assert not TEX.search(text), f"TeX in a snippet: {text!r}"
            assert not CHROME.search(text), f"page chrome in: {text!r}"
        assert any(word in t.lower() for t in texts), texts
        assert page.evaluate(VISIBLE_COUNT, SEARCH_ENTRIES) >= 1
        _quiet(v)
    finally:
        v.close()


def test_snippet_math_reads_as_text(browser, site):
    v = PageVisit(browser, site, "search")
    try:
        convert = "t => window.bookTexToText(t)"
        cases = {
            r"\(\nabla f(\mathbf{x})\)": "∇f(x)",
            r"\(\frac{\partial f}{\partial \mathbf{x}}\)": "∂f/∂x",
            r"\(\mathbf{x} \in \mathbb{R}^{n}\)": "x ∈ ℝ^n",
            r"\(W^\top \mathbf{y}\)": "Wᵀ y",
            r"\(m \times n\)": "m × n",
            r"\(\vx^\T A \vx\)": "xᵀ A x",
        }
        for tex, text in cases.items():
            assert v.page.evaluate(convert, tex) == text, tex
    finally:
        v.close()


# ----------------------------------------------------- glossary and index
class _Anchors(HTMLParser):
    """Every id of a page, and the text under each section id."""

    def __init__(self):
        super().__init__()
        self.ids, self.stack, self.text = set(), [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "section":
            ids = [attrs.get("id")] + (attrs.get("data-ids") or "").split()
            self.stack.append([i for i in ids if i])
            for i in self.stack[-1]:
                self.text.setdefault(i, [])
        elif tag in ("img", "br", "meta", "link", "input", "hr"):
            return

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for ids in self.stack:
            for i in ids:
                self.text[i].append(data)


def _anchors(path):
    parser = _Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def _glossary_entries():
    """(term, [href, ...]) for every entry of the built glossary page."""
    html = (SITE / "book" / "glossary.html").read_text(encoding="utf-8")
    entries = []
    for dt, dd in re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd>(.*?)</dd>", html,
                             re.S):
        dt = re.sub(r'<a class="headerlink".*?</a>', "", dt, flags=re.S)
        term = re.sub(r"<[^>]+>", "", dt).strip()
        hrefs = re.findall(r'<a class="reference internal" href="([^"]+)"',
                           dd)
        entries.append((term, hrefs))
    return entries


def _stem(term):
    """The term's first word, as the text may inflect it: "Newton's
    method" -> "newton", "Hessian-vector product" -> "hessian"."""
    return re.sub(r"s$", "", re.match(r"[a-z]+", term.lower()).group(0))


def test_glossary_links_land_on_the_defining_sections():
    entries = _glossary_entries()
    assert len(entries) >= 30
    terms = [t for t, _ in entries]
    for wanted in ("Jacobian", "Numerator layout", "Hessian-vector product",
                   "Gradient", "Vector-Jacobian product"):
        assert wanted in terms, wanted
    assert terms == sorted(terms, key=str.lower), "not alphabetical"
    base = SITE / "book" / "glossary.html"
    for term, hrefs in entries:
        pages = [h for h in hrefs if not h.startswith("#")]
        assert pages, f"{term}: no link to where it is defined"
        for href in pages:
            path_part, _, fragment = href.partition("#")
            target = (base.parent / path_part).resolve()
            assert target.exists(), f"{term}: {href} is no page"
            assert fragment, f"{term}: {href} names no section"
            anchors = _anchors(target)
            assert fragment in anchors.ids, f"{term}: no #{fragment}"
            section = " ".join(anchors.text.get(fragment, [])).lower()
            assert _stem(term) in section.replace("-", " ") or \
                _stem(term) in section, \
                f"{term}: the section {href} does not use the word"


def test_glossary_link_in_the_browser(browser, site):
    v = PageVisit(browser, site, "book/glossary", **PHONE)
    try:
        page = v.page
        entry = page.locator("dl.glossary dd", has=page.locator(
            "xpath=preceding-sibling::dt[1][starts-with(normalize-space(),"
            " 'Jacobian')]")).first
        entry.locator("a.reference.internal").first.tap()
        page.wait_for_url(re.compile(r"jacobians\.html#"))
        fragment = urlsplit(page.url).fragment
        heading = page.locator(f"[id='{fragment}'] h2").first
        expect(heading).to_contain_text("The Jacobian")
        expect(heading).to_be_in_viewport()
    finally:
        v.close()


def test_the_index_lists_the_terms():
    html = (SITE / "genindex.html").read_text(encoding="utf-8")
    for term in ("Jacobian", "Numerator layout", "Hessian-vector product",
                 "Backward function"):
        match = re.search(r'<a href="([^"]+)">(?:<strong>)?' +
                          re.escape(term) + "(?:</strong>)?</a>", html)
        assert match, f"the index does not list {term}"
        href = urljoin("genindex.html", match.group(1))
        page, _, fragment = href.partition("#")
        assert fragment in _anchors(SITE / page).ids, href


def test_the_glossary_is_in_the_menu_of_every_page():
    for name in PAGES:
        if name == "book/glossary":
            continue
        html = (SITE / f"{name}.html").read_text(encoding="utf-8")
        nav = html[html.index("bd-docs-nav"):]
        assert re.search(r'href="[^"]*glossary\.html">Glossary<', nav), name


# ------------------------------------------------------------ bibliography
def test_bibliography_is_labelled_as_the_text_cites():
    intro = (SITE / "book" / "intro.html").read_text(encoding="utf-8")
    labels = re.findall(r'<span class="label"><span class="fn-bracket">\['
                        r'</span>(.*?)<span class="fn-bracket">\]', intro)
    assert labels, "no bibliography on the introduction page"
    assert not any(label.isdigit() for label in labels), labels
    cited = []
    for name in PAGES:
        html = (SITE / f"{name}.html").read_text(encoding="utf-8")
        # (Parr and Howard, 2018; Zhang et al., 2023): each citation links
        # to its entry; its text is the entry's label.
        for text in re.findall(
                r'<a class="reference internal" href="[^"]*intro\.html#id\d+"'
                r'[^>]*>(.*?)</a>', html, re.S):
            cited.append(re.sub(r"<[^>]+>", "", text).strip())
    assert cited, "no citation found"
    plain = [re.sub(r"<[^>]+>", "", lab) for lab in labels]
    for text in cited:
        assert any(text.startswith(lab.split(",")[0]) for lab in plain), text
    years = [re.search(r"\d{4}", lab).group(0) for lab in plain]
    assert all(years), plain
    surnames = [lab.split(",")[0].split(" ")[0] for lab in plain]
    assert surnames == sorted(surnames), "not sorted by author"


# --------------------------------------------------------------- dark mode
@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations_in_dark_mode(browser, site,
                                                          name):
    v = PageVisit(browser, site, name, color_scheme="dark")
    try:
        page = v.page
        assert page.evaluate(
            "() => document.documentElement.dataset.theme") == "dark"
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run(document, "
            "{resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.help + ' -> ' + "
            "v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))")
        assert result == [], "\n".join(result)
    finally:
        v.close()


def test_phone_menu_open_in_dark_mode_passes_axe(browser, site):
    v = PageVisit(browser, site, CHAPTER, color_scheme="dark", **PHONE)
    try:
        page = v.page
        page.locator(".primary-toggle:visible").tap()
        expect(page.locator("#pst-primary-sidebar-modal")).to_be_visible()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "async () => (await axe.run('#pst-primary-sidebar-modal', "
            "{resultTypes: ['violations']})).violations"
            ".filter(v => ['serious', 'critical'].includes(v.impact))"
            ".map(v => v.id + ': ' + v.help)")
        assert result == [], "\n".join(result)
    finally:
        v.close()
