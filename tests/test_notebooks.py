"""Notebook hygiene and the setup cell.

Every notebook in book/ and exercises/ is committed without outputs or
execution counts, is valid nbformat, starts with the setup cell that points
at the repository URL in _config.yml, and uses no MyST syntax in its
markdown (Colab would show it raw).
"""
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks  # noqa: E402

NOTEBOOKS = notebooks.notebooks()


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=[str(p.relative_to(ROOT)) for p in NOTEBOOKS])
def test_notebook_is_clean(path):
    assert notebooks.problems(path) == []


def test_there_are_notebooks_to_check():
    assert NOTEBOOKS, "no notebooks found in book/ or exercises/"


def test_setup_cell_names_the_configured_repository():
    url, branch = notebooks.repository()
    assert f"git+{url}@{branch}" in notebooks.setup_cell_source()


def run_setup_cell(monkeypatch, in_colab):
    calls = []
    monkeypatch.setattr(subprocess, "run",
                        lambda *a, **k: calls.append((a, k)))
    if in_colab:
        monkeypatch.setitem(sys.modules, "google.colab",
                            types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(notebooks.setup_cell_source(), {})
    return calls


def test_setup_cell_does_nothing_outside_colab(monkeypatch):
    assert run_setup_cell(monkeypatch, in_colab=False) == []


def test_setup_cell_installs_mathlib_in_colab(monkeypatch):
    calls = run_setup_cell(monkeypatch, in_colab=True)
    assert len(calls) == 1
    (command,), options = calls[0]
    url, branch = notebooks.repository()
    assert command[1:4] == ["-m", "pip", "install"]
    assert command[-1] == f"git+{url}@{branch}"
    assert options == {"check": True}


@pytest.mark.parametrize("text", [
    "```{note}\nhi\n```",
    ":::{admonition} Title\nbody\n:::",
    "see {cite}`parr2018matrix`",
    "a {math}`x^2` role",
    "(my-label)=\n# Heading",
])
def test_myst_syntax_is_detected(text):
    assert any(p.search(text) for p in notebooks.MYST_PATTERNS.values())


@pytest.mark.parametrize("text", [
    "Plain $x^2$ and $$\\sum_i x_i$$ math.",
    "```python\nprint(1)\n```",
    "<details><summary>Solution</summary>\n\nIt is 2.\n</details>",
    "A set $\\{x : x > 0\\}$ and a dict `{'a': 1}`.",
    "| a | b |\n|---|---|\n| 1 | 2 |",
])
def test_plain_markdown_is_not_flagged(text):
    assert not any(p.search(text) for p in notebooks.MYST_PATTERNS.values())


def test_problems_reports_outputs_and_missing_setup(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("1 + 1")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output(
        "execute_result", data={"text/plain": "2"}, execution_count=1)]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("```{note}\nx\n```")]
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, str(path))
    found = " | ".join(notebooks.problems(path))
    assert "setup cell" in found
    assert "outputs" in found
    assert "execution count" in found
    assert "MyST" in found


def test_problems_reports_a_file_that_is_not_a_notebook(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    assert "not a valid notebook" in notebooks.problems(path)[0]
