"""Build the PDF edition of the book into _build/pdf/book.pdf.

    python tools/pdf.py        (make pdf runs it after make book)

The PDF is made from the notebooks the HTML build executed, never by
executing them again:

1. Stage. The book's sources are copied into _build/pdf/src. Each notebook
   gets the outputs of the HTML build's execution, from its jupyter-cache
   (_build/.jupyter_cache, filled by `make book`); a notebook whose code
   changed since has none, and the build stops and asks for `make book`.
   Execution is off in the LaTeX build.
2. Print. Three changes a printed page needs (the chapters' own files are
   never edited):
   * a widget's output (the HTML scrubber, MATHLIB_WIDGETS=static) becomes
     its default frame, as a PNG, followed by a line saying the figure is
     interactive in the HTML book and in Colab; the caption that follows
     it in the chapter stays;
   * each hidden solution (``<details><summary>Solution</summary>``) and
     each code cell that starts ``# Solution to exercise n`` moves to a
     section "Solutions to the exercises" at the end of its chapter; where
     it stood, a line points to it;
   * the problem sets become appendices (tools/latex/mcdlbook.cls and the
     ``\\appendix`` put before them).
3. Typeset. Jupyter Book's LaTeX builder (Sphinx, sphinx-jupyterbook-latex,
   the `latex:` section of _config.yml) writes _build/pdf/src/_build/latex;
   latexmk runs xelatex. Any character missing from the fonts, any
   undefined reference and any LaTeX error stops the build.
4. Publish. The PDF is copied to _build/pdf/book.pdf and into the HTML
   site, _build/html/book.pdf, which the intro page links to.
"""
import base64
import copy
import io
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
CACHE = BUILD / ".jupyter_cache"
PDF_DIR = BUILD / "pdf"
SRC = PDF_DIR / "src"
LATEX = SRC / "_build" / "latex"
PDF = PDF_DIR / "book.pdf"
SITE_PDF = BUILD / "html" / "book.pdf"
LATEX_FILES = ROOT / "tools" / "latex"

# Page geometry, read by tests/test_pdf.py (text must stay inside it).
PAPER = "a4paper"
MARGIN_CM = {"left": 2.2, "right": 2.2, "top": 2.5, "bottom": 2.5}

# Sphinx settings of the PDF build only; the LaTeX section of _config.yml
# holds the ones Jupyter Book reads itself (engine, file name, title).
SPHINX_LATEX = {
    "latex_theme": "mcdlbook",
    "latex_theme_path": ["tools/latex"],
    "latex_additional_files": ["tools/latex/mcdlbook.cls",
                               "tools/latex/mcdlpreamble.sty"],
    "latex_show_urls": "no",
    "latex_show_pagerefs": False,
    "latex_use_xindy": False,
    "latex_domain_indices": False,
    "latex_elements": {
        "papersize": PAPER,
        "pointsize": "10pt",
        "extraclassoptions": "openany,oneside",
        "geometry": ("\\usepackage[%s,left=%scm,right=%scm,top=%scm,"
                     "bottom=%scm]{geometry}"
                     % (PAPER, MARGIN_CM["left"], MARGIN_CM["right"],
                        MARGIN_CM["top"], MARGIN_CM["bottom"])),
        "fontpkg": "",
        "preamble": "\\usepackage{mcdlpreamble}",
        "printindex": "",
        "makeindex": "",
        # Long code lines wrap, at spaces or, failing that, anywhere.
        "sphinxsetup": ("verbatimwrapslines=true, verbatimforcewraps=true, "
                        "verbatimmaxunderfull=2, verbatimmaxoverfull=0"),
    },
}

WIDGET_MARK = 'class="mlw-scrubber"'
DETAILS = re.compile(
    r"<details>\s*<summary>\s*(?P<summary>.*?)\s*</summary>(?P<body>.*?)"
    r"</details>", re.S)
EXERCISE = re.compile(r"\*\*Exercise (\d+)\b[^*]*\.\*\*")
SOLUTION_CODE = re.compile(r"\A\s*# Solution to exercise (\d+)\b")


class PdfBuildError(RuntimeError):
    """A problem that stops the PDF build, in plain words."""


# ------------------------------------------------------------ notebooks
def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def executed_notebook(path, cache_dir=CACHE, root=ROOT):
    """Notebook `path` (a dict) with the outputs the HTML build made.

    They come from the HTML build's jupyter-cache, which holds each
    notebook as executed and matches it by its code: a notebook whose code
    changed since has no match, and the build stops (the copies myst-nb
    writes to _build/jupyter_execute are not used: with nb_merge_streams
    they repeat some printed lines).
    """
    rel = Path(path).resolve().relative_to(root)
    if not Path(cache_dir).is_dir():
        raise PdfBuildError(
            f"no executed notebooks ({Path(cache_dir).name} is missing): "
            "run `make book` first (the PDF reuses the HTML build's "
            "executed notebooks and never executes them itself).")
    from jupyter_cache import get_cache
    cache = get_cache(str(cache_dir))
    try:
        record = cache.match_cache_file(str(path))
    except KeyError:
        raise PdfBuildError(
            f"{rel}: the HTML build has not executed this notebook as it "
            "is now (its code changed, or it is new); run `make book` "
            "first.") from None
    executed = cache.get_cache_bundle(record.pk).nb
    # Markdown comes from the source (errata need no re-execution).
    merged = json.loads(Path(path).read_text(encoding="utf-8"))
    code = [c for c in merged["cells"] if c["cell_type"] == "code"]
    ran = [c for c in executed.cells if c.cell_type == "code"]
    if [_source(c) for c in code] != [c.source for c in ran]:
        raise PdfBuildError(f"{rel}: its cached execution was run from "
                            "different code; run `make book` first.")
    for cell, done in zip(code, ran):
        cell["outputs"] = json.loads(json.dumps(done.get("outputs", [])))
    return merged


def widget_frame(html):
    """(png bytes, title, parameter) of a scrubber's default frame."""
    img = re.search(r'<img id="[^"]*-img" src="data:(image/[a-z]+);base64,'
                    r'([^"]+)"', html)
    if not img:
        raise PdfBuildError("a widget's HTML output has no default frame "
                            "(<img id=...-img src=data:...>)")
    data = base64.b64decode(img.group(2))
    if img.group(1) != "image/png":
        from PIL import Image
        buffer = io.BytesIO()
        Image.open(io.BytesIO(data)).convert("RGB").save(buffer, "PNG")
        data = buffer.getvalue()
    title = re.search(r'aria-label="([^"]*)"', html)
    label = re.search(r"<label [^>]*>([^<]*)</label>", html)
    unescape = __import__("html").unescape
    return (data, unescape(title.group(1)) if title else "",
            unescape(label.group(1)) if label else "")


def _markdown(source, salt=""):
    """A new markdown cell (nbformat 4.5 cells carry a unique id)."""
    import hashlib
    digest = hashlib.sha1((salt + source).encode()).hexdigest()[:12]
    return {"cell_type": "markdown", "id": f"pdf-{digest}", "metadata": {},
            "source": source}


def _text(output):
    data = output.get("data", {})
    html = data.get("text/html", "")
    return "".join(html) if isinstance(html, list) else html


INTERACTIVE_NOTE = (
    "*Interactive figure, printed at its default setting.* In the HTML "
    "book, a scrubber under the figure moves {param}; in Colab or Jupyter, "
    "sliders move every parameter.")


GREEK_OR_INDEX = re.compile(r"[A-Za-z]?[\u0370-\u03ff\u2080-\u2089]+")


def _as_math(label):
    """A widget's parameter label for markdown: Greek letters and
    subscript digits ("θ", "x₀") set as mathematics, where the fonts have
    them (unicode-math reads the characters themselves)."""
    return GREEK_OR_INDEX.sub(lambda m: f"${m.group(0)}$", label)


def print_widgets(nb):
    """Replace each widget output by its default frame; return how many."""
    cells, count = [], 0
    for cell in nb["cells"]:
        cells.append(cell)
        if cell["cell_type"] != "code":
            continue
        params = []
        for output in cell.get("outputs", []):
            html = _text(output)
            if WIDGET_MARK not in html:
                continue
            png, title, param = widget_frame(html)
            output["data"] = {
                "image/png": base64.b64encode(png).decode("ascii"),
                "text/plain": f"<{title}: default frame>"}
            output.setdefault("metadata", {})
            params.append(param)
            count += 1
        if params:
            param = params[0]
            cells.append(_markdown(INTERACTIVE_NOTE.format(
                param=f"*{_as_math(param)}*" if param
                else "its main parameter"), salt=str(len(cells))))
    nb["cells"] = cells
    return count


def move_solutions(nb, doc):
    """Move hidden solutions to the end of the chapter; return how many.

    `doc` (e.g. "jacobians") makes the labels unique across the book.
    """
    solutions = {}          # exercise number -> [cells]
    order = []
    kept = []
    exercise = 0
    for cell in nb["cells"]:
        text = _source(cell)
        if cell["cell_type"] == "code":
            match = SOLUTION_CODE.match(text)
            if match:
                n = int(match.group(1))
                moved = copy.deepcopy(cell)
                tags = moved.get("metadata", {}).get("tags", [])
                moved["metadata"]["tags"] = [
                    t for t in tags if t not in ("hide-cell", "hide-input",
                                                 "hide-output")]
                if n not in solutions:
                    order.append(n)
                solutions.setdefault(n, []).append(moved)
                continue
            kept.append(cell)
            continue
        if cell["cell_type"] != "markdown" or "<details" not in text:
            kept.append(cell)
            continue
        pieces, last = [], 0
        for match in DETAILS.finditer(text):
            before = text[last:match.start()]
            numbers = EXERCISE.findall(before)
            if numbers:
                exercise = int(numbers[-1])
            pieces.append(before)
            summary = match.group("summary")
            body = match.group("body").strip("\n")
            if summary.strip().lower() != "solution":
                # Another folded block: printed in place, its summary bold.
                pieces.append(f"**{summary}**\n\n{body}\n")
            else:
                if exercise == 0:
                    raise PdfBuildError(
                        f"{doc}: a solution with no '**Exercise n.**' "
                        "before it")
                label = f"mcdl-solution-{doc}-{exercise}"
                pieces.append(
                    f"*Solution: see {{ref}}`exercise {exercise} in "
                    f"Solutions to the exercises <{label}>`, at the end of "
                    "the chapter.*\n")
                if exercise not in solutions:
                    order.append(exercise)
                solutions.setdefault(exercise, []).insert(0, _markdown(
                    f"({label})=\n### Solution to exercise {exercise}\n\n"
                    f"{body}\n"))
            last = match.end()
        tail = text[last:]
        numbers = EXERCISE.findall(tail)
        if numbers:
            exercise = int(numbers[-1])
        pieces.append(tail)
        kept.append(dict(cell, source="".join(pieces)))
    if not solutions:
        nb["cells"] = kept
        return 0
    kept.append(_markdown("## Solutions to the exercises\n\n"
                          "The solutions the HTML book folds away under "
                          "each exercise, printed here so that they are not "
                          "read by accident."))
    for n in sorted(order):
        cells = solutions[n]
        if cells[0]["cell_type"] != "markdown":
            cells.insert(0, _markdown(f"(mcdl-solution-{doc}-{n})=\n"
                                      f"### Solution to exercise {n}\n"))
        kept.extend(cells)
    nb["cells"] = kept
    return sum(1 for n in order)


# -------------------------------------------------------------- staging
def _write_if_changed(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _copy_if_changed(source, target):
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copy2(source, target)


def toc_files(root=ROOT):
    """The source files of the table of contents, in order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    names = [toc["root"]]
    for part in toc.get("parts", []):
        names += [c["file"] for c in part.get("chapters", [])]
    found = []
    for name in names:
        for suffix in (".ipynb", ".md"):
            if (root / (name + suffix)).exists():
                found.append(root / (name + suffix))
                break
        else:
            raise PdfBuildError(f"_toc.yml names {name}, which has no "
                                ".ipynb or .md file")
    return found


def staged_config(root=ROOT):
    """_config.yml for the PDF build: the book's, plus SPHINX_LATEX."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    sphinx = config.setdefault("sphinx", {})
    sphinx.setdefault("local_extensions", {})["sphinx_pdf"] = "tools/"
    sphinx.setdefault("config", {}).update(copy.deepcopy(SPHINX_LATEX))
    # The site's own files (CSS, scripts, MathJax, its icon) are not
    # staged: HTML only.
    sphinx["config"]["html_static_path"] = []
    sphinx["config"]["html_extra_path"] = []
    sphinx["config"].pop("html_favicon", None)
    # The notebooks come executed from the HTML build: never run them.
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    return config


def stage():
    """Write _build/pdf/src; return (widget frames, solutions moved)."""
    frames = solutions = 0
    wanted = set()
    for path in toc_files():
        rel = path.relative_to(ROOT)
        target = SRC / rel
        wanted.add(target)
        if path.suffix == ".ipynb":
            nb = executed_notebook(path)
            frames += print_widgets(nb)
            solutions += move_solutions(nb, path.stem)
            _write_if_changed(target, json.dumps(nb, indent=1) + "\n")
        else:
            _copy_if_changed(path, target)
    # every local Sphinx extension the staged _config.yml names
    extensions = [ROOT / folder / f"{name}.py" for name, folder in
                  staged_config()["sphinx"]["local_extensions"].items()]
    for extra in [ROOT / "book" / "references.bib", ROOT / "_toc.yml",
                  *extensions, *sorted(LATEX_FILES.rglob("*"))]:
        if extra.is_file():
            target = SRC / extra.relative_to(ROOT)
            wanted.add(target)
            _copy_if_changed(extra, target)
    _write_if_changed(SRC / "_config.yml",
                      "# Written by tools/pdf.py from ../../../_config.yml\n"
                      + yaml.safe_dump(staged_config(), sort_keys=False))
    wanted.add(SRC / "_config.yml")
    for old in list(SRC.rglob("*")):
        if (old.is_file() and "_build" not in old.relative_to(SRC).parts
                and old not in wanted):
            old.unlink()
    return frames, solutions


# ----------------------------------------------------------- typesetting
def _run(command, cwd, what):
    result = subprocess.run(command, cwd=cwd, capture_output=True,
                            text=True, errors="replace")
    if result.returncode:
        sys.stdout.write(result.stdout[-6000:])
        sys.stderr.write(result.stderr[-6000:])
        raise PdfBuildError(f"{what} failed (exit {result.returncode}); "
                            "its output is above.")
    return result.stdout + result.stderr


def check_log(log_text):
    """Problems in xelatex's log that must not pass silently."""
    problems = []
    for line in log_text.splitlines():
        if line.startswith("Missing character"):
            problems.append(line.strip())
        elif "undefined" in line and ("Reference" in line
                                      or "Citation" in line):
            problems.append(line.strip())
    return sorted(set(problems))


def typeset():
    for tool in ("xelatex", "latexmk"):
        if shutil.which(tool) is None:
            raise PdfBuildError(
                f"{tool} is not installed: `make pdf` installs TeX Live "
                "from Debian's packages (see the Makefile).")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    _run([str(jupyter_book), "build", str(SRC), "--builder", "latex",
          "-W", "-n", "--keep-going"], ROOT, "jupyter-book's LaTeX build")
    tex = LATEX / "book.tex"
    tex.write_text(fix_structure(tex.read_text(encoding="utf-8"),
                                 unnumbered_docs()), encoding="utf-8")
    _run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error",
          "-file-line-error", "book.tex"], LATEX, "latexmk -xelatex")
    problems = check_log((LATEX / "book.log").read_text(errors="replace"))
    if problems:
        raise PdfBuildError("xelatex reported:\n  " + "\n  ".join(problems))


def unnumbered_docs(root=ROOT):
    """Documents of the parts _toc.yml leaves unnumbered, before the
    problem sets (the notation page): unnumbered chapters, as in HTML."""
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    docs = []
    for part in toc.get("parts", []):
        if part.get("caption") == PROBLEM_SETS:
            break
        if not part.get("numbered"):
            docs += [c["file"] for c in part.get("chapters", [])]
    return docs


PROBLEM_SETS = "Problem sets"


def _star(command, level, title):
    """An unnumbered heading that is still in the contents and headers."""
    return (f"\\cleardoublepage\\phantomsection"
            f"\\addcontentsline{{toc}}{{{level}}}{{{title}}}"
            f"\\{command}*{{{title}}}\\markboth{{{title}}}{{{title}}}")


def fix_structure(tex, unnumbered=()):
    """Number book.tex as the HTML book is numbered.

    * Parts are unnumbered (their captions say "Part I: ..." already).
    * The documents in `unnumbered` are unnumbered chapters, so that the
      chapters' numbers match the HTML book's.
    * The intro, which sphinx-jupyterbook-latex prints without a heading,
      is the unnumbered chapter "Introduction".
    * The problem sets and the rest are appendices: \\appendix before them.
    """
    marker = f"\\part{{{PROBLEM_SETS}}}"
    if tex.count(marker) != 1:
        raise PdfBuildError(f"book.tex: expected one '{marker}' (the "
                            "caption in _toc.yml) to put the appendix "
                            "before")
    tex = tex.replace(marker, "\\appendix\n" + marker)
    # a two-column long table (the reference sheet's symbol key) gets
    # columns that wrap: Sphinx gives it {ll}, which never wraps
    tex = tex.replace("\\begin{longtable}{ll}",
                      "\\begin{longtable}{p{0.28\\linewidth}"
                      "p{0.64\\linewidth}}")
    tex = re.sub(r"^\\part\{(.*)\}$",
                 lambda m: _star("part", "part", m.group(1)), tex,
                 flags=re.M)
    for doc in unnumbered:
        pattern = re.compile(r"^\\chapter\{(.*)\}\n(?=\\label\{"
                             r"\\detokenize\{" + re.escape(doc) + ":)",
                             re.M)
        tex, found = pattern.subn(
            lambda m: _star("chapter", "chapter", m.group(1)) + "\n", tex)
        if found != 1:
            raise PdfBuildError(f"book.tex: no chapter heading for {doc}")
    intro = re.compile(r"^(\\phantomsection\\label\{\\detokenize\{"
                       r"[^}]*::doc\}\})$", re.M)
    tex, found = intro.subn(
        lambda m: _star("chapter", "chapter", "Introduction") + "\n"
        + m.group(1), tex, count=1)
    if found != 1:
        raise PdfBuildError("book.tex: the intro's label is missing")
    return tex


def main():
    start = time.perf_counter()
    try:
        frames, solutions = stage()
        print(f"staged {SRC.relative_to(ROOT)}: {frames} widget frames, "
              f"{solutions} solutions moved to the ends of their chapters")
        typeset()
    except PdfBuildError as error:
        sys.exit(f"make pdf: {error}")
    PDF_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy2(LATEX / "book.pdf", PDF)
    if SITE_PDF.parent.is_dir():
        shutil.copy2(PDF, SITE_PDF)
    seconds = time.perf_counter() - start
    size = PDF.stat().st_size / 1e6
    print(f"PDF: {PDF.relative_to(ROOT)} ({size:.1f} MB), also in the site "
          f"as {SITE_PDF.relative_to(ROOT)}; took {seconds:.0f} s")


if __name__ == "__main__":
    main()
