"""Notebook figures stay readable on a phone (a local Sphinx extension).

tools/inline_figures.py draws every notebook figure at twice its CSS size
and records in the PNG the smallest font it drew, in CSS pixels at the
figure's natural CSS size (``mcdl:min-font-px``). A figure squeezed into a
phone's column would shrink that text below what anyone can read; this
extension gives each such <img> a minimum width at which its smallest text
is MIN_TEXT_PX CSS pixels (never more than its natural width), and the
output box scrolls sideways when the screen is narrower (custom.css).
The tests (tests/test_site_figures.py) read the same metadata.
"""
import math
import re
from pathlib import Path

MIN_TEXT_PX = 9.0
MIN_PX_KEY = "mcdl:min-font-px"
IMG = re.compile(r'<img\b[^>]*\bsrc="(?:\.\./)*_images/([^"/]+\.png)"[^>]*>')


def _sources(app):
    """Map an image's name in _images/ to its file in the source tree."""
    found = {}
    for source, (_docs, unique) in app.env.images.items():
        found[unique] = Path(app.srcdir) / source
    return found


def min_font_px(path):
    """The PNG's recorded smallest font in CSS px, or None."""
    from PIL import Image

    with Image.open(path) as img:
        value = (getattr(img, "text", None) or img.info).get(MIN_PX_KEY)
    return float(value) if value else None


def readable_width(css_width, font_px):
    """Smallest CSS width at which the smallest text is MIN_TEXT_PX."""
    return min(css_width, math.ceil(css_width * MIN_TEXT_PX / font_px))


def _css_width(tag, path):
    from PIL import Image

    m = (re.search(r'\bwidth="(\d+)(?:px)?"', tag)
         or re.search(r'\bstyle="[^"]*\bwidth:\s*(\d+)px', tag))
    if m:
        return int(m.group(1))
    with Image.open(path) as img:
        return img.size[0]


def _with_min_width(tag, path):
    font_px = min_font_px(path)
    if font_px is None:
        return tag
    width = readable_width(_css_width(tag, path), font_px)
    extra = f"min-width:{width}px"
    if ' style="' in tag:
        tag = tag.replace(' style="', f' style="{extra};', 1)
    else:
        tag = tag.replace("<img ", f'<img style="{extra}" ', 1)
    return tag.replace("<img ", f'<img data-min-font-px="{font_px:.2f}" ', 1)


def _readable_figures(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if not body or "_images/" not in body:
        return
    sources = _sources(app)

    def fix(match):
        path = sources.get(match.group(1))
        if path is None or not path.is_file():
            return match.group(0)
        return _with_min_width(match.group(0), path)

    context["body"] = IMG.sub(fix, body)


def setup(app):
    app.connect("html-page-context", _readable_figures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
