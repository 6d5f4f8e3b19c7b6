"""tools/prerender_math.mjs: the book's math typeset at build time.

On a small site in a temporary directory: each formula's TeX (escaped as
Sphinx escapes it) becomes MathJax's output with that TeX on it, equation
numbers stay, the page links the site's math stylesheet and preloads its
font files, a second run changes nothing, and a TeX error stops the build
with a message naming the page and the formula. The built book itself is
checked in a browser by tests/test_site_math.py.
"""
import html as html_module
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOL = ROOT / "tools" / "prerender_math.mjs"
CONFIG = {"output": {"linebreaks": {"inline": True}},
          "tex": {"macros": {"R": "\\mathbb{R}"}}}

PAGE = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>t</title>
  </head>
  <body>
<p>Inline <span class="math notranslate nohighlight">\\(a &lt; b \\&amp; \\R^{n}\\)</span> and <span class="math notranslate nohighlight">\\(f&#x27;(x) = f&#39;&#39;(y)\\)</span>.</p>
<p>No break inside <span class="math notranslate nohighlight">\\(f(a + h, -3)\\)</span>, after a unary minus <span class="math notranslate nohighlight">\\(-x\\)</span> or a times <span class="math notranslate nohighlight">\\(m \\times n\\)</span>.</p>
<div class="math notranslate nohighlight" id="equation-e">
<span class="eqno">(1)<a class="headerlink" href="#equation-e" title="Link to this equation">#</a></span>\\[
\\frac{\\partial L}{\\partial W} = \\boldsymbol{\\delta}\\, x^\\top
\\]</div>
<pre>not math: \\(x\\)</pre>
  </body>
</html>
"""


def run(site, config=CONFIG):
    if not (ROOT / "node_modules" / "mathjax").is_dir() or not shutil.which("node"):
        pytest.fail("node and node_modules/mathjax are needed: make setup")
    return subprocess.run(["node", str(TOOL), str(site), json.dumps(config)],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def site(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.html").write_text(PAGE)
    (tmp_path / "plain.html").write_text(PAGE.split("<p>")[0] + "</body></html>")
    return tmp_path


def test_formulas_become_mathjax_output_with_their_tex(site):
    result = run(site)
    assert result.returncode == 0, result.stderr
    assert "6 formulas on 1 pages" in result.stdout
    html = (site / "book" / "page.html").read_text()
    unescaped = [html_module.unescape(t) for t in
                 re.findall(r'<mjx-math data-latex="([^"]*)"', html)]
    assert unescaped[0] == "a < b \\& \\R^{n}"
    assert unescaped[1] == "f'(x) = f''(y)"
    assert "\\boldsymbol{\\delta}" in unescaped[5]
    assert html.count('display="true"') >= 1
    assert '<span class="eqno">(1)<a class="headerlink"' in html
    assert "\\(" not in html.split("<pre>")[0], "TeX left in the page"
    assert "<pre>not math: \\(x\\)</pre>" in html
    # one MathML copy per formula, for screen readers
    assert html.count("<mjx-assistive-mml") == 6
    # only the formula keeps its TeX, not each of its parts
    assert html.count("data-latex=") == 6
    # an inline formula may wrap after a relation or operator, as in TeX:
    # every break point follows one, none comes before one
    inline = re.sub(r"<mjx-assistive-mml[\s\S]*?</mjx-assistive-mml>", "",
                    html.split('id="equation-e"')[0])
    first, no_break = inline.split("No break inside")
    breaks = re.findall(r"(</mjx-mo>)?<mjx-break[^>]*>[^<]*</mjx-break>(<mjx-mo)?",
                        first)
    assert len(breaks) >= 2, breaks
    assert all(after and not before for after, before in breaks), breaks
    # but not inside brackets, after a unary minus or after a times
    assert "<mjx-break" not in no_break, no_break


def test_the_page_links_the_stylesheet_and_preloads_its_fonts(site):
    assert run(site).returncode == 0
    html = (site / "book" / "page.html").read_text()
    css = (site / "_static" / "mathjax-chtml.css").read_text()
    assert "@font-face" in css and "mjx-ncm-n.woff2" in css
    head = html.split("</head>")[0]
    link = re.search(r'href="\.\./_static/mathjax-chtml\.css\?v=([0-9a-f]{8})"', head)
    assert link, head
    preloads = re.findall(r'<link rel="preload" href="\.\./_static/mathjax/fonts/'
                          r'mathjax-newcm-font/chtml/woff2/(mjx-ncm-[a-z0-9]+)\.woff2"'
                          r' as="font" type="font/woff2" crossorigin="anonymous" />', head)
    # the upright font, the double-struck R, and the two every formula uses
    assert {"mjx-ncm-n", "mjx-ncm-ds", "mjx-ncm-zero", "mjx-ncm-brk"} <= set(preloads)
    for name in preloads:
        assert (ROOT / "node_modules" / "@mathjax" / "mathjax-newcm-font" / "chtml"
                / "woff2" / f"{name}.woff2").is_file()
    # a page without math is left alone
    assert "mathjax" not in (site / "plain.html").read_text()


def test_a_second_run_changes_nothing(site):
    assert run(site).returncode == 0
    first = (site / "book" / "page.html").read_text()
    assert run(site).returncode == 0
    assert (site / "book" / "page.html").read_text() == first


def test_a_tex_error_stops_the_build_naming_page_and_formula(site):
    page = site / "book" / "page.html"
    page.write_text(PAGE.replace("a &lt; b", "\\frac{1}{"))
    result = run(site)
    assert result.returncode != 0
    message = result.stderr
    assert "book/page.html" in message and "TeX error" in message, message
    assert "\\frac{1}{" in message, message
    # nothing written: the page still holds its TeX
    assert "\\(" in page.read_text()
