"""tools/build.py: a change to mathlib re-executes the notebooks using it.

jupyter-cache keys a cached execution on the notebook's code alone; the
build drops the record of every notebook that imports mathlib when the
mathlib source hash it ran against differs from the current one.
"""
import json
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build  # noqa: E402

jupyter_cache = pytest.importorskip("jupyter_cache")


def write_notebook(path, code):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python",
                                 "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def project(tmp_path, monkeypatch):
    uses = write_notebook(tmp_path / "uses.ipynb", "import mathlib\n1 + 1")
    plain = write_notebook(tmp_path / "plain.ipynb", "2 + 2")
    cache_dir = tmp_path / "cache"
    cache = jupyter_cache.get_cache(str(cache_dir))
    for path in (uses, plain):
        cache.cache_notebook_file(str(path), check_validity=False)
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "CACHE", cache_dir)
    monkeypatch.setattr(build, "HASHES", tmp_path / "hashes.json")
    monkeypatch.setattr(build.notebooks, "notebooks",
                        lambda: sorted(tmp_path.glob("*.ipynb")))
    return tmp_path, cache


def cached_names(cache):
    return {Path(r.uri).name for r in cache.list_cache_records()}


def test_only_notebooks_importing_mathlib_are_tracked(project):
    root, _ = project
    assert [p.name for p in build.book_notebooks()] == ["uses.ipynb"]


def test_changed_mathlib_drops_the_stale_record(project):
    root, cache = project
    build.HASHES.write_text(json.dumps({"uses.ipynb": "old-hash"}))
    dropped = build.invalidate_stale("new-hash")
    assert [p.name for p in dropped] == ["uses.ipynb"]
    assert cached_names(cache) == {"plain.ipynb"}


def test_unchanged_mathlib_keeps_the_record(project):
    root, cache = project
    build.HASHES.write_text(json.dumps({"uses.ipynb": "same"}))
    assert build.invalidate_stale("same") == []
    assert cached_names(cache) == {"uses.ipynb", "plain.ipynb"}


def test_unknown_hash_counts_as_stale(project):
    root, cache = project
    assert [p.name for p in build.invalidate_stale("h")] == ["uses.ipynb"]


def test_hash_recorded_for_executed_notebooks(project):
    root, cache = project
    executed = {r.pk for r in cache.list_cache_records()}
    build.record_hashes("h1", executed)
    assert json.loads(build.HASHES.read_text()) == {"uses.ipynb": "h1"}
    assert build.invalidate_stale("h1") == []


def test_mathlib_hash_follows_the_source():
    first = build.mathlib_hash()
    assert first == build.mathlib_hash()
    assert len(first) == 64


def test_sphinx_rereads_the_documents_build_names(monkeypatch):
    import types

    import sphinx_offline

    env = types.SimpleNamespace(found_docs={"book/a", "book/b"})
    monkeypatch.setenv("BOOK_REREAD", "book/a,book/gone")
    assert sphinx_offline._reread_stale(None, env, set(), set(), set()) \
        == ["book/a"]
    monkeypatch.setenv("BOOK_REREAD", "")
    assert sphinx_offline._reread_stale(None, env, set(), set(), set()) == []
