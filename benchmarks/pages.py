"""How heavy is each page of the book, and how soon is its math typeset?

Run: .venv/bin/python benchmarks/pages.py --before DIR [--after DIR]
         [--repeat N] [--width PX] [--pages a,b]

DIR is a built site (`_build/html`). --before is the baseline, e.g. the
build of main; to make one from the commit you compare against:

    git worktree add /tmp/base main && make -C /tmp/base book
    .venv/bin/python benchmarks/pages.py --before /tmp/base/_build/html

--after defaults to this checkout's _build/html. Both sites are served
from 127.0.0.1 and measured in the same run, in headless Chromium
(/usr/bin/chromium) as a phone (390 x 844, device pixel ratio 2, touch;
--width 1280 measures a desktop at ratio 1 instead). For every page of the
table of contents, --repeat times (default 3), alternating before and
after so both see the same load, each visit in a fresh browser context
(cold cache, as a first visit):

- transfer: bytes received for the page and everything it loaded by the
  time its math was typeset (HTML, theme, scripts, fonts, images);
- own: the page's own bytes, its HTML and the image files it shows (each
  file once, every srcset candidate counted); the theme, scripts and fonts
  are shared by all pages and cached after the first;
- first screen: seconds from navigation start until the math in the
  first window is typeset (MathJax's startup done and, with lazy
  typesetting, no placeholder left in view), median; for math typeset
  at build time (tools/prerender_math.mjs), the first contentful paint
  or the arrival of MathJax's font, whichever is later; for a page
  without math, the load event;
- whole page: seconds until every formula of the page is typeset (with
  lazy typesetting the rest is typeset in the background, while the
  reader reads the first screen);
- cpu: CPU seconds of the page's main thread by then (Chromium's
  ThreadTime), median: less sensitive than wall time to other processes
  on a shared machine.

Ratios are after / before (below 1 is lighter or faster). The load
average is printed before and after the run: wall times on a busy machine
are several times those on an idle one. The goal (issue 17): every page's
first screen of math typeset within 1 s.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from site_tools import CHROMIUM, CHROMIUM_ARGS, serve, toc_files  # noqa: E402

# Set as soon as MathJax's startup promise exists. Records (as
# performance.now(), which counts from navigation start) when the math in
# the first window is typeset (__viewAt: startup done and no lazy
# placeholder left in view; without lazy typesetting that is the startup
# itself) and when every formula of the page is (__allAt: the site's
# bookMathTypeset promise, book/_static/math-background.js; a site
# without it typesets everything at startup).
WATCH_TYPESET = """
(() => {
  const inView = () => [...document.querySelectorAll('mjx-lazy')].some(e => {
    if (!e.getClientRects().length) return false;
    const r = e.getBoundingClientRect();
    return r.bottom > 0 && r.top < innerHeight;
  });
  const fail = (e) => { window.__typesetError = String(e);
                        window.__viewAt = window.__allAt = performance.now(); };
  const watch = setInterval(() => {
    const M = window.MathJax;
    if (M && M.startup && M.startup.promise) {
      clearInterval(watch);
      M.startup.promise.then(() => {
        const look = () => {
          if (inView()) requestAnimationFrame(look);
          else window.__viewAt = performance.now();
        };
        look();
        return window.bookMathTypeset;
      }).then(() => { window.__allAt = performance.now(); }, fail);
    }
  }, 2);
})();
"""

HAS_MATHJAX = ("() => !!document.querySelector("
               "'script[src*=\"mathjax/tex-chtml\"]')")

# Math typeset at build time (tools/prerender_math.mjs) shows with the
# first frame that lays it out, once the font files its characters use
# are loaded (until then the browser draws those glyphs invisible). Each
# frame until then, this looks at the formulas in the first window (in
# document order, up to the first one below it) and records the frame at
# which all of them have their fonts (__viewAt); __allAt is when the
# whole document is parsed and every font it uses is loaded. A page whose
# first window holds no formula counts from its first contentful paint.
WATCH_PRERENDERED = """
(() => {
  const families = (container) => new Set(['MJX-NCM-ZERO', ...[...container
      .outerHTML.matchAll(/\\bNCM-([A-Z0-9]+)\\b/g)].map(m => 'MJX-NCM-' + m[1])]);
  const loaded = (family) => {
    const faces = [...document.fonts].filter(f => f.family.replace(/"/g, '') === family);
    return faces.length > 0 && faces.every(f => f.status === 'loaded');
  };
  const firstWindow = () => {
    const found = [];
    for (const c of document.getElementsByTagName('mjx-container')) {
      const r = c.getBoundingClientRect();
      if (r.top >= innerHeight) break;
      if (r.bottom > 0 && r.width > 0) found.push(c);
    }
    return found;
  };
  const tick = () => {
    if (window.MathJax) return;  // typeset in the browser: WATCH_TYPESET
    const inView = firstWindow();
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    if (inView.length && inView.every(c => [...families(c)].every(loaded))) {
      window.__viewAt = performance.now();
    } else if (!inView.length && document.readyState === 'complete' && fcp) {
      window.__viewAt = fcp.startTime;
    } else {
      requestAnimationFrame(tick);
    }
  };
  requestAnimationFrame(tick);
  document.addEventListener('DOMContentLoaded', () => window.MathJax ||
      document.fonts.ready.then(() => { window.__allAt = performance.now(); }));
})();
"""

IMAGE_URLS = """() => {
  const urls = new Set();
  for (const img of document.images) {
    if (img.src) urls.add(img.src);
    for (const part of (img.srcset || '').split(',')) {
      const url = part.trim().split(/\\s+/)[0];
      if (url) urls.add(new URL(url, document.baseURI).href);
    }
  }
  for (const s of document.querySelectorAll('picture source[srcset]')) {
    for (const part of s.srcset.split(',')) {
      const url = part.trim().split(/\\s+/)[0];
      if (url) urls.add(new URL(url, document.baseURI).href);
    }
  }
  return [...urls];
}"""


def own_bytes(directory, page_url, image_urls):
    """HTML file plus each image file of the site the page shows, once."""
    def file_of(url):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None  # data: images are part of the HTML already
        path = directory / unquote(parts.path).lstrip("/")
        return path if path.is_file() else None

    total = file_of(page_url).stat().st_size
    for url in image_urls:
        path = file_of(url)
        if path is not None and "_static" not in path.parts:
            total += path.stat().st_size
    return total


def visit(browser, base, directory, name, width):
    """One cold visit: (transfer, own, first screen s, whole page s, cpu s)."""
    phone = width < 800
    context = browser.new_context(
        viewport={"width": width, "height": 844 if phone else 900},
        device_scale_factor=2 if phone else 1,
        is_mobile=phone, has_touch=phone)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        cdp.send("Network.enable")
        received = {}
        cdp.on("Network.loadingFinished", lambda e: received.__setitem__(
            e["requestId"], e["encodedDataLength"]))
        page.add_init_script(WATCH_TYPESET)
        page.add_init_script(WATCH_PRERENDERED)
        url = f"{base}/{name}.html"
        page.goto(url, wait_until="load", timeout=600000)
        if page.evaluate(HAS_MATHJAX):
            page.wait_for_function("() => window.__allAt !== undefined",
                                   timeout=600000, polling=20)
            error = page.evaluate("() => window.__typesetError || null")
            if error:
                raise RuntimeError(f"{name}: MathJax failed: {error}")
            view, whole = (page.evaluate(f"() => window.{t}") / 1000
                           for t in ("__viewAt", "__allAt"))
        elif page.evaluate("() => !!document.querySelector('mjx-container')"):
            page.wait_for_function(
                "() => window.__viewAt !== undefined"
                " && window.__allAt !== undefined",
                timeout=600000, polling=20)
            view, whole = (page.evaluate(f"() => window.{t}") / 1000
                           for t in ("__viewAt", "__allAt"))
        else:  # no math: the load event
            view = whole = page.evaluate(
                "() => performance.getEntriesByType('navigation')[0]"
                ".loadEventStart") / 1000
        metrics = {m["name"]: m["value"] for m in
                   cdp.send("Performance.getMetrics")["metrics"]}
        own = own_bytes(directory, page.url, page.evaluate(IMAGE_URLS))
        return (sum(received.values()), own, view, whole,
                metrics["ThreadTime"])
    finally:
        context.close()


def ratio(after, before):
    return f"{after / before:.2f}" if before else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, type=Path,
                        help="baseline site (a built _build/html)")
    parser.add_argument("--after", type=Path, default=ROOT / "_build/html")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--width", type=int, default=390)
    parser.add_argument("--pages", help="comma-separated toc names")
    args = parser.parse_args()
    sites = {"before": args.before.resolve(), "after": args.after.resolve()}
    for label, directory in sites.items():
        if not (directory / "index.html").is_file():
            sys.exit(f"--{label} {directory}: no built site there "
                     "(index.html is missing; run `make book`)")
    if args.repeat < 1:
        sys.exit("--repeat must be at least 1")
    pages = args.pages.split(",") if args.pages else toc_files()
    pages = [p for p in pages
             if all((d / f"{p}.html").is_file() for d in sites.values())]

    from playwright.sync_api import sync_playwright

    servers = {label: serve(d) for label, d in sites.items()}
    load_start = os.getloadavg()
    started = time.perf_counter()
    runs = {(p, s): [] for p in pages for s in sites}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM,
                                         args=CHROMIUM_ARGS)
            for _ in range(args.repeat):
                for name in pages:
                    for label in sites:
                        runs[name, label].append(visit(
                            browser, servers[label][0], sites[label], name,
                            args.width))
            browser.close()
    finally:
        for _, stop in servers.values():
            stop()
    load_end = os.getloadavg()

    print(f"Pages at {args.width} px, {args.repeat} cold visits each "
          f"(medians); before = {sites['before']}, after = "
          f"{sites['after']}\n")
    print("| page | transfer KB before | after | ratio | own KB before | "
          "after | ratio | first screen s before | after | ratio | "
          "whole page s before | after | ratio | "
          "cpu s before | after | ratio |")
    print("|---" * 16 + "|")
    worst = {"before": 0.0, "after": 0.0}
    for name in pages:
        cells = [name]
        med = {s: [statistics.median(r[i] for r in runs[name, s])
                   for i in range(5)] for s in sites}
        for i, scale, fmt in ((0, 1024, "{:.0f}"), (1, 1024, "{:.0f}"),
                              (2, 1, "{:.2f}"), (3, 1, "{:.2f}"),
                              (4, 1, "{:.2f}")):
            b, a = med["before"][i] / scale, med["after"][i] / scale
            cells += [fmt.format(b), fmt.format(a), ratio(a, b)]
        for s in sites:
            worst[s] = max(worst[s], med[s][2])
        print("| " + " | ".join(cells) + " |")
    slow = [n for n in pages
            if statistics.median(r[2] for r in runs[n, "after"]) > 1.0]
    print(f"\nSlowest first screen of math: before {worst['before']:.2f} s, "
          f"after {worst['after']:.2f} s; after, over 1 s: "
          f"{', '.join(slow) if slow else 'none'}")
    print("Load average (1, 5, 15 min): at start "
          + ", ".join(f"{x:.1f}" for x in load_start) + "; at end "
          + ", ".join(f"{x:.1f}" for x in load_end)
          + f" ({os.cpu_count()} cores); run took "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
