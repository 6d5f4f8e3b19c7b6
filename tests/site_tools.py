"""Helpers for the browser tests: the page list, a local server, Chromium.

Test files import the fixtures `site` and `browser` and `PageVisit` from
here (`from site_tools import site, browser, PageVisit`).

The built site is served from _build/html on 127.0.0.1 by a thread of the
test process, so the tests need no network and nothing but the build.
"""
import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
    "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def toc_files():
    """Every file of _toc.yml, in reading order (without extension)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    found = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                found.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return found


def source_of(name):
    """The source file behind a toc entry: an .ipynb or an .md."""
    for suffix in (".ipynb", ".md"):
        if (ROOT / (name + suffix)).exists():
            return ROOT / (name + suffix)
    raise FileNotFoundError(f"no source for toc entry {name!r}")


def colab_url(name):
    """The Colab link a notebook page must carry."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    github = repo["url"].rstrip("/").split("github.com/", 1)[1]
    colab = config["launch_buttons"]["colab_url"].rstrip("/")
    return f"{colab}/github/{github}/blob/{repo['branch']}/{name}.ipynb"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory=SITE):
    """Serve `directory` on 127.0.0.1 (a free port); return (url, stop)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://{host}:{port}", stop


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").exists():
        pytest.fail("the site is not built: run `make book` first")
    url, stop = serve()
    yield url
    stop()


@pytest.fixture(scope="module")
def browser():
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it "
                    "(apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageVisit:
    """Open one page, recording every request, failure and console error."""

    def __init__(self, browser, site, name, width=1200, height=900,
                 query="", **context):
        """`query`: appended to the page's URL ("?q=Jacobian");
        `context`: more options of the browser context, e.g. a phone's
        has_touch=True, is_mobile=True, device_scale_factor=2, or
        color_scheme="dark"."""
        self.origin = urlsplit(site).netloc
        self.foreign, self.failed, self.errors = [], [], []
        self.warnings = []
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, **context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(90000)  # a shared, busy machine
        self.page.route("**/*", self._route)
        self.page.on("requestfailed", lambda r: self.failed.append(
            f"{r.url} ({r.failure})"))
        self.page.on("response", self._response)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # Waits for what the checks need, never for network idleness (which
        # a busy machine may not reach in time): the load event (the page,
        # its scripts, styles and images), then the web fonts (MathJax's
        # among them). The math is in the page as built, typeset
        # (tools/prerender_math.mjs): nothing to wait for.
        self.page.goto(f"{site}/{name}.html{query}", wait_until="load")
        self.page.evaluate("() => document.fonts.ready.then(() => true)")

    def _route(self, route):
        parts = urlsplit(route.request.url)
        if parts.scheme in ("data", "blob", "about"):
            return route.continue_()
        if parts.netloc != self.origin:
            self.foreign.append(route.request.url)
            return route.abort()
        return route.continue_()

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

    def _console(self, message):
        if message.type == "error":
            self.errors.append(message.text)
        elif message.type == "warning":
            self.warnings.append(message.text)

    def close(self):
        self.context.close()


# ------------------------------------------------------------ page weight

#: the most one page of the book may weigh (its HTML and its own images;
#: the theme, scripts and fonts are shared by every page and cached)
MAX_PAGE_BYTES = 2_000_000
#: the widget gallery shows every widget: before the HiDPI frames it
#: weighed 3,818,182 bytes (page_bytes of main), and it may not grow
MAX_GALLERY_BYTES = 3_818_182


class _ImageSources(__import__("html.parser").parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("src"):
            self.sources.append(attrs["src"])
        if tag in ("img", "source") and attrs.get("srcset"):
            self.sources += [part.strip().split()[0]
                             for part in attrs["srcset"].split(",")
                             if part.strip()]


def page_bytes(name, site=SITE):
    """(total, html, images) bytes of one page: its HTML file plus every
    distinct local image file it shows (<img src>, srcset). Images inside
    the HTML as data: URIs (the widget frames) count as HTML.

    `name` is the page's path without extension ("book/hessians").
    """
    from urllib.parse import unquote

    page = Path(site) / (name + ".html")
    html_size = page.stat().st_size
    parser = _ImageSources()
    parser.feed(page.read_text(encoding="utf-8"))
    files = set()
    for src in parser.sources:
        parts = urlsplit(src)
        if parts.scheme or parts.netloc:
            continue                  # data: URIs (in the HTML) or remote
        path = (page.parent / unquote(parts.path)).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"{name}: image {src} is missing")
        files.add(path)
    images = sum(p.stat().st_size for p in files)
    return html_size + images, html_size, images
