"""Sphinx extension: the book's math is typeset at build time (issue 17).

Registers the HTML math renderer ``prerendered`` (``html_math_renderer``
in _config.yml). It writes each formula exactly as Sphinx's MathJax
renderer does (``<span class="math ...">\\(...\\)</span>``, displays as
``<div class="math ...">\\[...\\]</div>`` with their equation numbers) but
adds no MathJax script to the pages: tools/build.py then runs
tools/prerender_math.mjs, which typesets every formula with MathJax 4 in
node, using _config.yml's ``mathjax3_config``, and writes MathJax's output
into the pages. So the reader's browser draws the math with the page,
without running MathJax.
"""
from sphinx.ext import mathjax


def setup(app):
    app.add_html_math_renderer(
        "prerendered",
        (mathjax.html_visit_math, None),
        (mathjax.html_visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
