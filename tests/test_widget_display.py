"""A live widget where no widget frontend runs shows its figure.

GitHub's notebook view, nbviewer, an HTML export and VS Code without the
widget extension have no widget manager: they show the richest other
type of a display. A live widget's display carries its figure (an
``<img>`` with alt text, and the PNG) besides the widget view, instead of
the text fallback ``VBox(children=(Image(value=b'\\x89PNG...``.

The notebook is executed in a real kernel (nbclient) and rendered with
nbconvert's HTML exporter, once without widget state (the fallback must
show) and once with it (the widget view is used, as before).
"""

import base64
import copy
import io

import numpy as np
import pytest

from mathlib import widgets as W

ipywidgets = pytest.importorskip("ipywidgets")
nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
nbconvert = pytest.importorskip("nbconvert")
pytestmark = pytest.mark.filterwarnings(
    "ignore:The `ipykernel.comm.Comm` class has been deprecated")

VIEW = "application/vnd.jupyter.widget-view+json"
CELL = ("from mathlib.widgets import partial_slice\n"
        "w = partial_slice(lambda p: p[0] ** 2 * p[1], x0=1.0, y0=2.0)\n"
        "w.update(axis='y')\n"
        "w.update(axis='x')\n"
        "w")


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv("MATHLIB_WIDGETS", raising=False)


def pixels(png):
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook of CELL, run in a kernel; widget state stored."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(CELL)]
    path = tmp_path_factory.mktemp("nb")
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            store_widget_state=True,
                            resources={"metadata": {"path": str(path)}}
                            ).execute()
    return nb


def images(page):
    """[(src, alt)] of the page's <img> elements with a PNG data URI."""
    from html.parser import HTMLParser

    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "img" and a.get("src", "").startswith(
                    "data:image/png;base64,"):
                found.append((a["src"], a.get("alt")))

    Parser().feed(page)
    return found


def to_html(nb):
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    return body


def test_without_widget_state_the_figure_shows(executed):
    nb = copy.deepcopy(executed)
    nb.metadata.pop("widgets", None)          # GitHub, nbviewer, a file
    page = to_html(nb)
    imgs = images(page)
    assert len(imgs) == 1, "no fallback image in the page"
    src, alt = imgs[0]
    png = src.removeprefix("data:image/png;base64,")
    assert alt.startswith(W.PartialSlice.title)
    assert "4.000" in alt and "\u2202f/\u2202x" in alt   # the figure's slope
    # the picture is the figure a fresh widget draws (after the round trip)
    fresh = W.partial_slice(lambda p: p[0] ** 2 * p[1], x0=1.0, y0=2.0,
                            mode="live")
    assert np.array_equal(pixels(base64.b64decode(png)),
                          pixels(fresh.frame))
    assert "VBox(" not in page and "Image(value=" not in page


def test_with_widget_state_the_widget_view_is_used(executed):
    out = executed.cells[0].outputs[0]
    model_id = out.data[VIEW]["model_id"]
    assert model_id in executed.metadata.widgets[
        "application/vnd.jupyter.widget-state+json"]["state"]
    page = to_html(executed)
    assert f'"model_id": "{model_id}"' in page
    assert images(page) == []

