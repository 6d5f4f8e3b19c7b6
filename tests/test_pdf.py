"""The PDF edition (tools/pdf.py, `make pdf`).

Two kinds of test:

* the print transforms on small notebooks (no TeX needed; `make unit`);
* tests marked ``pdf`` read _build/pdf/book.pdf, built by `make pdf` (which
  `make test` runs first), with poppler's pdftotext, pdftohtml, pdffonts,
  pdfimages and pdfinfo: every chapter title is there, no undefined
  reference or raw LaTeX, every font embedded, every figure of the HTML
  book printed, no text past the right margin.
"""
import base64
import copy
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import pdf  # noqa: E402

HTML = ROOT / "_build" / "html"
CM = 72 / 2.54          # PostScript points per centimetre


# ------------------------------------------------------ print transforms
def _code(source, outputs=(), tags=()):
    return {"cell_type": "code", "source": source, "execution_count": 1,
            "metadata": {"tags": list(tags)}, "outputs": list(outputs)}


def _md(source):
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def test_a_widget_prints_as_its_default_frame_with_a_note():
    from mathlib.widgets import linear_map
    widget = linear_map(mode="static", frames=6)
    html = widget.to_html()
    nb = {"cells": [
        _code("linear_map()", [{"output_type": "display_data",
                                "metadata": {},
                                "data": {"text/html": html,
                                         "text/plain": "<HTML>"}}]),
        _md("**Figure 1.** A caption.")]}
    assert pdf.print_widgets(nb) == 1
    data = nb["cells"][0]["outputs"][0]["data"]
    assert "text/html" not in data
    png = base64.b64decode(data["image/png"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # It is the frame the scrubber opens on, not another one.
    from PIL import Image
    import io
    img = re.search(r'-img" src="data:image/[a-z]+;base64,([^"]+)"', html)
    shown = Image.open(io.BytesIO(base64.b64decode(img.group(1))))
    printed = Image.open(io.BytesIO(png))
    assert printed.size == shown.size
    assert list(printed.convert("RGB").getdata()) == \
        list(shown.convert("RGB").getdata())
    note = nb["cells"][1]
    assert note["cell_type"] == "markdown"
    assert "Interactive figure" in note["source"]
    assert "HTML book" in note["source"] and "Colab" in note["source"]
    assert nb["cells"][2]["source"].startswith("**Figure 1.**")


def test_a_widget_output_without_a_frame_is_a_clear_error():
    nb = {"cells": [_code("w", [{"output_type": "display_data",
                                 "metadata": {}, "data": {
                                     "text/html": '<div class="mlw-scrubber">'
                                                  "</div>"}}])]}
    with pytest.raises(pdf.PdfBuildError, match="no default frame"):
        pdf.print_widgets(nb)


SOLVED = {"cells": [
    _md("# Chapter\n\n## Exercises\n\n**Exercise 1.** Differentiate $x^2$."
        "\n\n<details><summary>Solution</summary>\n\nIt is $2x$.\n\n"
        "</details>\n\n**Exercise 2.** And $x^3$?\n\n"
        "<details><summary>Solution</summary>\n\n$3x^2$, checked "
        "below.\n\n</details>\n"),
    _code("# Solution to exercise 2\nprint(3)", [
        {"output_type": "stream", "name": "stdout", "text": "3\n"}],
        tags=["hide-cell"]),
    _md("**Exercise 3 (stretch).** Think.\n\n<details><summary>Hint</summary>\n\n"
        "Use the chain rule.\n\n</details>\n"),
]}


def test_solutions_move_to_the_end_of_the_chapter():
    nb = copy.deepcopy(SOLVED)
    assert pdf.move_solutions(nb, "toy") == 2
    sources = [pdf._source(c) for c in nb["cells"]]
    text = "\n".join(sources)
    assert "<details" not in text and "</summary>" not in text
    end = text.index("## Solutions to the exercises")
    # Statements stay; the answers are only after the heading.
    assert text.index("**Exercise 2.**") < end
    assert text.index("It is $2x$") > end
    assert text.index("$3x^2$, checked") > end
    # Each exercise points to its solution.
    assert "<mcdl-solution-toy-1>" in sources[0]
    assert "<mcdl-solution-toy-2>" in sources[0]
    # The solution code follows its exercise's solution, no longer folded.
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert len(code) == 1
    assert nb["cells"].index(code[0]) > sources.index(next(
        s for s in sources if "Solution to exercise 2" in s and "###" in s))
    assert "hide-cell" not in code[0]["metadata"]["tags"]
    assert code[0]["outputs"][0]["text"] == "3\n"
    # A folded hint is not a solution: printed in place, summary in bold.
    assert "**Hint**" in text and text.index("chain rule") < end
    # "**Exercise 3 (stretch).**" counts as exercise 3.
    assert pdf.EXERCISE.findall("**Exercise 3 (stretch).** x") == ["3"]


def test_a_solution_before_any_exercise_is_a_clear_error():
    nb = {"cells": [_md("<details><summary>Solution</summary>\n\nx\n\n"
                        "</details>")]}
    with pytest.raises(pdf.PdfBuildError, match="no '\\*\\*Exercise n"):
        pdf.move_solutions(nb, "toy")


def _notebook(code, title="# T", outputs=()):
    return {"cells": [_md(title), _code(code, outputs)],
            "metadata": {"kernelspec": {"name": "python3",
                                        "display_name": "Python 3",
                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def test_outputs_come_from_the_html_builds_cache_never_stale(tmp_path):
    from jupyter_cache import get_cache
    source = tmp_path / "book" / "ch.ipynb"
    source.parent.mkdir()
    source.write_text(json.dumps(_notebook("print(1)")))
    cache_dir = tmp_path / "cache"
    with pytest.raises(pdf.PdfBuildError, match="run `make book` first"):
        pdf.executed_notebook(source, cache_dir, tmp_path)
    # The HTML build executed an older version of the code.
    ran = tmp_path / "ran.ipynb"
    stream = {"output_type": "stream", "name": "stdout", "text": "2\n"}
    ran.write_text(json.dumps(_notebook("print(2)", "# Old", [stream])))
    cache = get_cache(str(cache_dir))
    cache.cache_notebook_file(str(ran), check_validity=False)
    with pytest.raises(pdf.PdfBuildError, match="run `make book` first"):
        pdf.executed_notebook(source, cache_dir, tmp_path)
    # It executed this code: its outputs, and the source's prose.
    source.write_text(json.dumps(_notebook("print(2)")))
    merged = pdf.executed_notebook(source, cache_dir, tmp_path)
    assert merged["cells"][0]["source"] == "# T"
    assert merged["cells"][1]["outputs"][0]["text"] == "2\n"


TEX = r"""\sphinxtableofcontents
\phantomsection\label{\detokenize{book/intro::doc}}
Intro text.
\part{Before you start}
\chapter{Notation}
\label{\detokenize{book/notation:notation}}
\part{Part I: Derivatives}
\chapter{Limits}
\label{\detokenize{book/limits:limits}}
\part{Problem sets}
\chapter{Problem set 1}
"""


def test_the_tex_is_numbered_as_the_html_book():
    out = pdf.fix_structure(TEX, ["book/notation"])
    # The problem sets are appendices.
    assert out.index("\\appendix") < out.index("\\part*{Problem sets}")
    # Parts are unnumbered but in the contents; so is the notation page.
    assert "\\part{" not in out
    assert "\\addcontentsline{toc}{part}{Part I: Derivatives}" in out
    assert "\\chapter*{Notation}" in out
    assert "\\addcontentsline{toc}{chapter}{Notation}" in out
    assert "\\chapter{Limits}" in out           # numbered: chapter 1
    # The intro gets a heading, before its text.
    assert out.index("\\chapter*{Introduction}") < out.index("Intro text")
    with pytest.raises(pdf.PdfBuildError, match="Problem sets"):
        pdf.fix_structure("\\part{Exercises}")
    with pytest.raises(pdf.PdfBuildError, match="book/missing"):
        pdf.fix_structure(TEX, ["book/missing"])


def test_only_the_notation_page_is_an_unnumbered_chapter():
    assert pdf.unnumbered_docs() == ["book/notation"]


def test_the_xelatex_log_check_catches_missing_glyphs_and_references():
    log = ("Missing character: There is no ∂ in font lmroman10-regular!\n"
           "LaTeX Warning: Reference `x' on page 3 undefined on input line 9"
           ".\nOverfull \\hbox (1.0pt too wide)\n")
    problems = pdf.check_log(log)
    assert len(problems) == 2
    assert any("∂" in p for p in problems)


# ------------------------------------------------------- the built PDF
def _run(*command):
    return subprocess.run(command, check=True, capture_output=True,
                          text=True, errors="replace").stdout


def _norm(text):
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'")
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def book_pdf():
    if not pdf.PDF.exists():
        pytest.fail(f"{pdf.PDF} is missing: run `make pdf` (make test does)")
    built = pdf.PDF.stat().st_mtime
    stale = [p.relative_to(ROOT) for p in pdf.toc_files()
             if p.stat().st_mtime > built]
    assert not stale, f"the PDF is older than {stale}: run `make pdf`"
    return pdf.PDF


@pytest.fixture(scope="module")
def pdf_text(book_pdf):
    return _run("pdftotext", "-enc", "UTF-8", str(book_pdf), "-")


@pytest.fixture(scope="module")
def pages(book_pdf):
    """[(width, height, [(left, top, width, text, font family)])]."""
    xml = _run("pdftohtml", "-xml", "-i", "-q", "-zoom", "1", "-stdout",
               str(book_pdf))
    root = ET.fromstring(xml)
    fonts = {f.get("id"): f.get("family") for f in root.iter("fontspec")}
    found = []
    for page in root.iter("page"):
        items = [(float(t.get("left")), float(t.get("top")),
                  float(t.get("width")), "".join(t.itertext()),
                  fonts.get(t.get("font"), ""))
                 for t in page.iter("text")]
        found.append((float(page.get("width")), float(page.get("height")),
                      items))
    return found


def _titles():
    titles = {}
    for path in pdf.toc_files():
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text())["cells"]
            text = "\n".join(pdf._source(c) for c in cells
                             if c["cell_type"] == "markdown")
        else:
            text = path.read_text()
        titles[path.relative_to(ROOT)] = re.search(
            r"^# (.+)$", text, re.M).group(1).strip()
    return titles


def _plain(title):
    """A markdown title as printed: no emphasis marks, math as letters."""
    title = re.sub(r"[*_`]", "", title)
    return title.replace("$", "")


@pytest.mark.pdf
def test_every_chapter_title_is_printed(pdf_text):
    text = _norm(pdf_text)
    missing = [f"{path}: {title}" for path, title in _titles().items()
               if _norm(_plain(title)) not in text]
    assert not missing, "titles not found in the PDF:\n" + "\n".join(missing)


@pytest.mark.pdf
def test_no_undefined_reference_or_raw_latex(pdf_text, pages):
    assert "??" not in pdf_text, "an undefined reference (??) is printed"
    prose = [(i + 1, text) for i, (_, _, items) in enumerate(pages)
             for _, _, _, text, family in items if "Mono" not in family]
    assert len(prose) > 1000
    raw = [(page, text) for page, text in prose
           if "$" in text or "\\frac" in text or "\\begin" in text]
    assert not raw, f"raw LaTeX or $ in the prose: {raw[:10]}"


@pytest.mark.pdf
def test_every_font_is_embedded(book_pdf):
    rows = _run("pdffonts", str(book_pdf)).splitlines()[2:]
    assert rows, "pdffonts lists no fonts"
    # Columns: name type encoding emb sub uni object ID
    not_embedded = [r for r in rows if r.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(
        not_embedded)


def _png_size(data):
    """(width, height) from a PNG's header."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return (int.from_bytes(data[16:20], "big"),
            int.from_bytes(data[20:24], "big"))


def _html_figures():
    """(width, height) of each image in the article of each page of the
    HTML book, in toc order (the theme's own icons are outside it)."""
    sizes = []
    for path in pdf.toc_files():
        page = HTML / path.relative_to(ROOT).with_suffix(".html")
        html = page.read_text(encoding="utf-8")
        article = html[html.index("<article"):html.index("</article>")]
        for src in re.findall(r'<img\b[^>]*?\bsrc="([^"]+)"', article):
            if src.startswith("data:"):
                data = base64.b64decode(src.split(",", 1)[1])
            else:
                data = (page.parent / src).read_bytes()
            sizes.append(_png_size(data))
    return sizes


@pytest.mark.pdf
def test_every_figure_of_the_html_book_is_printed(book_pdf):
    html = Counter(_html_figures())
    listed = _run("pdfimages", "-list", str(book_pdf)).splitlines()[2:]
    # Columns: page num type width height ...; an "smask" row is the
    # transparency of the image before it, not a figure.
    printed = Counter((int(r.split()[3]), int(r.split()[4]))
                      for r in listed if r.split()[2] == "image")
    print(f"\nfigures: {sum(html.values())} in the HTML book, "
          f"{sum(printed.values())} images in the PDF")
    assert sum(html.values()) > 0
    assert printed == html, (f"missing from the PDF: {html - printed}; "
                             f"not in the HTML book: {printed - html}")


@pytest.mark.pdf
def test_each_widget_is_printed_with_its_note(pdf_text):
    scrubbers = sum(
        (HTML / p.relative_to(ROOT).with_suffix(".html"))
        .read_text(encoding="utf-8").count('class="mlw-scrubber"')
        for p in pdf.toc_files())
    notes = _norm(pdf_text).count("Interactive figure, printed at its "
                                  "default setting.")
    assert scrubbers > 0 and notes == scrubbers


@pytest.mark.pdf
def test_solutions_are_printed_at_the_end_of_their_chapters(pdf_text):
    text = _norm(pdf_text)
    sources = [p for p in pdf.toc_files() if p.suffix == ".ipynb"]
    folded = sum(p.read_text().count("<summary>Solution</summary>")
                 for p in sources)
    chapters = sum(1 for p in sources
                   if "<summary>Solution</summary>" in p.read_text())
    assert folded > 0
    assert text.count("Solution: see exercise") == folded
    assert text.count("Solutions to the exercises The solutions") == \
        chapters


@pytest.mark.pdf
def test_no_text_runs_past_the_right_margin(pages):
    limit_cm = pdf.MARGIN_CM["right"]
    code_seen = 0
    past = []
    for number, (width, _, items) in enumerate(pages, start=1):
        right = width - limit_cm * CM + 1.0       # 1 pt of slack
        for left, top, w, text, family in items:
            code_seen += "Mono" in family
            if left + w > right and text.strip():
                past.append((number, family, text[:60],
                             round(left + w - right + 1, 1)))
    assert code_seen > 1000, "no code found in the PDF (monospaced text)"
    assert not past, ("text past the right margin (page, font, text, pt "
                      f"over): {past[:15]}")


@pytest.mark.pdf
def test_report_page_count_and_size(book_pdf, capsys):
    info = _run("pdfinfo", str(book_pdf))
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+(.+)$", info, re.M).group(1)
    megabytes = book_pdf.stat().st_size / 1e6
    with capsys.disabled():
        print(f"\nbook.pdf: {count} pages, {size}, {megabytes:.1f} MB")
    assert "A4" in size
    assert count >= 2 * len(pdf.toc_files())
    # The site serves the same file.
    site = pdf.SITE_PDF
    assert site.exists() and site.read_bytes() == book_pdf.read_bytes()


@pytest.mark.pdf
def test_the_html_book_links_to_the_pdf_and_serves_it(book_pdf):
    """A reader on the intro page follows its link and gets the PDF."""
    import functools
    import http.server
    import threading
    import urllib.parse
    import urllib.request

    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(HTML))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        page = urllib.parse.urljoin(base, "book/intro.html")
        html = urllib.request.urlopen(page).read().decode()
        links = re.findall(r'<a href="([^"]*\.pdf)"', html)
        assert links, "the intro page has no link to the PDF"
        with urllib.request.urlopen(urllib.parse.urljoin(page, links[0])) \
                as response:
            assert response.headers["Content-Type"] == "application/pdf"
            assert response.read() == book_pdf.read_bytes()
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.pdf
def test_the_bibliography_is_printed_whole(pdf_text):
    """Every entry of the HTML bibliography, with the same author-year
    label ("[Parr and Howard, 2018]"), in the same order."""
    html = (HTML / "book" / "intro.html").read_text(encoding="utf-8")
    labels = re.findall(r'<span class="label"><span class="fn-bracket">\['
                        r'</span>(.*?)<span class="fn-bracket">\]', html)
    labels = [re.sub(r"<[^>]+>", "", label) for label in labels]  # backlinks
    assert len(labels) == len(re.findall(r'<div class="citation"', html))
    assert labels and not any(label.isdigit() for label in labels)
    at = pdf_text.lower().rindex("bibliography")
    printed = _norm(pdf_text[at:])
    places = [printed.find(f"[{_norm(label)}]") for label in labels]
    assert -1 not in places, [lab for lab, p in zip(labels, places)
                              if p == -1]
    assert places == sorted(places), "entries out of order"


@pytest.mark.pdf
def test_chapter_numbers_match_the_html_book(pdf_text):
    """Each chapter the HTML book numbers ("4. Jacobians") has the same
    number in the PDF's contents; the others have none."""
    contents = pdf_text[:pdf_text.index("Introduction") + 20_000]
    numbered = 0
    for path in pdf.toc_files():
        page = HTML / path.relative_to(ROOT).with_suffix(".html")
        html = page.read_text(encoding="utf-8")
        heading = re.search(r"<h1>(.*?)</h1>",
                            html[html.index("<article"):], re.S)
        number = re.search(r'section-number">(\d+)\. </span>',
                           heading.group(1))
        title = re.sub(r"<a class=\"headerlink\".*?</a>", "",
                       heading.group(1))
        title = _norm(re.sub(r"<[^>]+>", "", title))
        title = re.sub(r"^\d+\. ", "", title).strip()
        if number:
            numbered += 1
            assert re.search(rf"^{number.group(1)} {re.escape(title)}",
                             contents, re.M), title
        else:
            assert not re.search(rf"^\d+ {re.escape(title)}", contents,
                                 re.M), title
    assert numbered >= 8
