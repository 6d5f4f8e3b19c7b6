"""Build the book into _build/html, with outputs that are never stale.

    python tools/build.py [extra jupyter-book arguments]

What it adds to `jupyter-book build . -W -n --keep-going`:

1. Math is typeset at build time: after Sphinx, tools/prerender_math.mjs
   runs MathJax 4 (node_modules, installed by `npm ci`) in node over every
   page (see tools/sphinx_math.py). MathJax's font is copied from
   node_modules into _build/static/mathjax, which Sphinx serves from the
   site: no CDN, no MathJax script in the browser.
2. jupyter-cache decides whether to re-execute a notebook from the
   notebook's own code only, so a change to mathlib/ alone would serve stale
   outputs. Before building, every notebook that imports mathlib and was
   executed against a different mathlib source hash loses its cache record,
   and Sphinx is told to re-read it (BOOK_REREAD, see sphinx_offline.py),
   so jupyter-book executes it again. After the build the hashes are stored.
3. Widgets render as self-contained static scrubbers (MATHLIB_WIDGETS=static).
4. Kernels start with an IPython profile (_build/ipython) that loads
   tools/inline_figures.py: figures are PNGs at twice their CSS size, on
   white, with their smallest font size recorded in the PNG. That file is
   part of the hash of point 2, so changing it re-executes the notebooks.

The number of notebooks re-executed is printed (benchmarks/build.py reads it).
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks  # noqa: E402

CACHE = ROOT / "_build" / ".jupyter_cache"
HASHES = ROOT / "_build" / "mathlib-hashes.json"
IPYTHONDIR = ROOT / "_build" / "ipython"
FIGURES = ROOT / "tools" / "inline_figures.py"
USES_MATHLIB = re.compile(r"^\s*(from|import)\s+(mathlib|matplotlib)\b",
                          re.M)


def mathlib_hash():
    """sha256 over the source of the mathlib package (paths and bytes)
    and of tools/inline_figures.py, which draws every notebook figure."""
    digest = hashlib.sha256()
    for path in [*sorted((ROOT / "mathlib").rglob("*")), FIGURES]:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def book_notebooks():
    """Notebooks in the table of contents' folders that import mathlib
    or matplotlib (whose figures tools/inline_figures.py draws)."""
    found = []
    for path in notebooks.notebooks():
        nb = notebooks.load(path)
        code = "\n".join(notebooks._source(c) for c in nb.get("cells", [])
                         if c.get("cell_type") == "code")
        if USES_MATHLIB.search(code):
            found.append(path)
    return found


def _records_by_path(cache):
    """Map notebook path -> cache record for notebooks the cache holds."""
    found = {}
    for path in book_notebooks():
        try:
            found[path] = cache.match_cache_file(str(path))
        except KeyError:
            pass
    return found


def invalidate_stale(current):
    """Drop cached executions made against another mathlib; return them."""
    if not CACHE.exists():
        return []
    from jupyter_cache import get_cache

    cache = get_cache(str(CACHE))
    stored = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    dropped = []
    for path, record in _records_by_path(cache).items():
        if stored.get(str(path.relative_to(ROOT))) != current:
            cache.remove_cache(record.pk)
            dropped.append(path)
    return dropped


def record_hashes(current, executed):
    """Remember which mathlib each notebook executed now ran against.

    Notebooks not executed in this build kept their record, so their stored
    hash already equals `current` (invalidate_stale dropped the others).
    """
    if not CACHE.exists():
        return
    from jupyter_cache import get_cache

    cache = get_cache(str(CACHE))
    stored = json.loads(HASHES.read_text()) if HASHES.exists() else {}
    for path, record in _records_by_path(cache).items():
        if record.pk in executed:
            stored[str(path.relative_to(ROOT))] = current
    HASHES.write_text(json.dumps(stored, indent=1, sort_keys=True))


MATHJAX_FONT = "mathjax-newcm-font"


def _version(package_json):
    try:
        return json.loads(package_json.read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def copy_mathjax():
    """MathJax 4's font (its CHTML woff2 files) into _build/static/mathjax.

    Only what the browser loads: the pages carry MathJax's output, so none
    of MathJax's scripts. A copy of another version, or an older copy
    with MathJax's scripts, is replaced, here and in the built site, so no
    stale file is served.
    """
    source = ROOT / "node_modules" / "mathjax"
    font = ROOT / "node_modules" / "@mathjax" / MATHJAX_FONT
    if not (source / "node-main.mjs").is_file() or not font.is_dir():
        sys.exit("MathJax 4 is missing from node_modules: run `npm ci` "
                 "(make book does).")
    version = _version(source / "package.json")
    target = ROOT / "_build" / "static" / "mathjax"
    for copy in (target, ROOT / "_build" / "html" / "_static" / "mathjax"):
        if copy.exists() and (_version(copy / "package.json") != version
                              or (copy / "tex-chtml.js").exists()):
            shutil.rmtree(copy)
    woff2 = target / "fonts" / MATHJAX_FONT / "chtml" / "woff2"
    if woff2.is_dir():
        return
    shutil.copytree(font / "chtml" / "woff2", woff2)
    shutil.copy2(source / "LICENSE", target / "LICENSE")
    shutil.copy2(source / "package.json", target / "package.json")


def prerender_math():
    """Every formula of _build/html typeset by MathJax in node."""
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    options = config["sphinx"]["config"]["mathjax3_config"]
    result = subprocess.run(
        ["node", str(ROOT / "tools" / "prerender_math.mjs"),
         str(ROOT / "_build" / "html"), json.dumps(options)], cwd=ROOT)
    if result.returncode:
        sys.exit("typesetting the math failed (see above)")


def changed_static():
    """Files of book/_static whose copy in the built site differs."""
    source, site = ROOT / "book" / "_static", ROOT / "_build" / "html" / "_static"
    if not site.is_dir():
        return []

    def differs(path):
        copy = site / path.relative_to(source)
        return not copy.is_file() or copy.read_bytes() != path.read_bytes()

    return [p for p in source.rglob("*") if p.is_file() and differs(p)]


def kernel_profile():
    """An IPython directory whose kernels load tools/inline_figures.py."""
    profile = IPYTHONDIR / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    lines = ["import importlib.util as _u",
             "_s = _u.spec_from_file_location('mcdl_inline_figures', "
             f"{str(FIGURES)!r})",
             "_m = _u.module_from_spec(_s); _s.loader.exec_module(_m)",
             "_m.install(); del _u, _s, _m"]
    (profile / "ipython_kernel_config.py").write_text(
        "# Written by tools/build.py: the book's figures "
        "(tools/inline_figures.py).\n"
        "c = get_config()  # noqa: F821\n"
        f"c.InteractiveShellApp.exec_lines = {lines!r}\n")
    return IPYTHONDIR


def cached_ids():
    if not CACHE.exists():
        return set()
    from jupyter_cache import get_cache

    return {r.pk for r in get_cache(str(CACHE)).list_cache_records()}


def main(extra):
    copy_mathjax()
    current = mathlib_hash()
    dropped = invalidate_stale(current)
    for path in dropped:
        print(f"mathlib changed: re-executing {path.relative_to(ROOT)}")
    before = cached_ids()
    reread = [str(p.relative_to(ROOT).with_suffix("")) for p in dropped]
    env = dict(os.environ, MATHLIB_WIDGETS="static",
               PYDEVD_DISABLE_FILE_VALIDATION="1",
               IPYTHONDIR=str(kernel_profile()),
               BOOK_REREAD=",".join(reread))
    # Kernels must pick matplotlib's inline backend: an inherited
    # MPLBACKEND=Agg would silently drop every figure from the book.
    env.pop("MPLBACKEND", None)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(ROOT),
               "-W", "-n", "--keep-going", *extra]
    if changed_static():
        # Sphinx skips its whole output step, static files included, when
        # no page is out of date: a changed script or stylesheet alone
        # would never reach the site (nor the ?v= of its links).
        command.append("--all")
    start = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=ROOT)
    seconds = time.perf_counter() - start
    executed = cached_ids() - before
    record_hashes(current, executed)
    print(f"notebooks executed: {len(executed)}; build took {seconds:.1f} s")
    if result.returncode:
        sys.exit(result.returncode)
    prerender_math()
    print("\nThe book is in _build/html. Read it offline with\n"
          "    python3 -m http.server -d _build/html 8000\n"
          "and open http://127.0.0.1:8000/ (or open "
          "_build/html/index.html directly).")


if __name__ == "__main__":
    main(sys.argv[1:])
