"""The reference sheet (book/reference.ipynb) is generated from the registry.

The page's tables come from `reference_table(rules)`, a function defined in
one of the notebook's code cells. These tests execute that cell's source
(nothing else of the notebook) and call the function with the real
registry and with modified copies of it: every rule appears, a changed,
added or removed rule changes the output, and nothing in the page's
markdown is a hand-typed copy of a rule.
"""
import dataclasses
import json
import re
from pathlib import Path

import pytest

from mathlib import identities

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "reference.ipynb"


def _cells():
    return json.loads(PAGE.read_text(encoding="utf-8"))["cells"]


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


@pytest.fixture(scope="module")
def page():
    """The namespace of the notebook cell that defines reference_table."""
    sources = [_source(c) for c in _cells() if c["cell_type"] == "code"
               and "def reference_table" in _source(c)]
    assert len(sources) == 1, "exactly one cell defines reference_table"
    namespace = {}
    exec(compile(sources[0], str(PAGE), "exec"), namespace)
    return namespace


def _rows(markdown):
    """{rule name: table row} of a generated page."""
    rows = {}
    for line in markdown.splitlines():
        m = re.match(r"\| .*?\(`([A-Za-z0-9-]+)`\)", line)
        if m:
            rows[m.group(1)] = line
    return rows


def _pieces(latex, page):
    """The inline math pieces of a LaTeX formula as the page shows it."""
    return re.findall(r"\$([^$]+)\$", page["_math"](latex))


def test_every_rule_has_one_row_with_both_layouts(page):
    out = page["reference_table"](identities.RULES, files={})
    rows = _rows(out)
    assert list(rows) == list(identities.RULES)
    for name, rule in identities.RULES.items():
        for piece in _pieces(rule.latex_numerator, page):
            assert piece in rows[name], (name, piece)
        if rule.latex_denominator == rule.latex_numerator:
            assert rows[name].endswith("| the same |"), name
        else:
            for piece in _pieces(rule.latex_denominator, page):
                assert piece in rows[name], (name, piece)


def test_split_math_loses_nothing(page):
    # the pieces, in order, are the formula cut at ",\ " and "\quad"
    for rule in identities.RULES.values():
        for latex in (rule.latex_numerator, rule.latex_denominator):
            flat, pos = "".join(latex.split()), 0
            for piece in _pieces(latex, page):
                piece = "".join(piece.split())
                found = flat.find(piece, pos)
                assert found >= 0, (rule.name, piece)
                assert flat[pos:found] in ("", "\\", "\\quad"), rule.name
                pos = found + len(piece)
            assert flat[pos:] == "", rule.name


def test_rules_are_grouped_by_chapter_with_titles(page):
    out = page["reference_table"](identities.RULES, files={})
    headings = re.findall(r"\*\*Chapter (\d+): \*(.+?)\*\*\* \((\d+) rule",
                          out)
    chapters = sorted({r.chapter for r in identities.RULES.values()})
    assert [int(n) for n, _, _ in headings] == chapters
    for n, title, count in headings:
        assert title == page["CHAPTERS"][int(n)]
        assert int(count) == len(identities.by_chapter(int(n)))


def test_changing_a_rule_changes_its_row(page):
    rules = dict(identities.RULES)
    old = rules["log-det"]
    rules["log-det"] = dataclasses.replace(
        old, latex_denominator=r"X^{\top} \text{(changed)}")
    before = _rows(page["reference_table"](identities.RULES, files={}))
    after = _rows(page["reference_table"](rules, files={}))
    assert after["log-det"] != before["log-det"]
    assert r"X^{\top} \text{(changed)}" in after["log-det"]
    assert {k: v for k, v in after.items() if k != "log-det"} == \
        {k: v for k, v in before.items() if k != "log-det"}


def test_adding_and_removing_rules(page):
    rules = dict(identities.RULES)
    del rules["softmax"]
    new = dataclasses.replace(identities.get("squared-norm"),
                              name="hessian-of-squared-norm",
                              title="Hessian of the squared norm",
                              chapter=7)
    rules[new.name] = new
    out = page["reference_table"](rules, files={})
    rows = _rows(out)
    assert "softmax" not in rows
    assert "hessian-of-squared-norm" in rows
    assert "**Chapter 7: *Hessians and quadratic approximation*** " \
        "(1 rule)" in out


def test_domains_are_shown_and_pipes_escaped(page):
    out = page["reference_table"](identities.RULES, files={})
    for name, row in _rows(out).items():
        rule = identities.get(name)
        if rule.domain:
            assert "holds when: " + rule.domain.replace("|", r"\|") in row
        # exactly four unescaped pipes: three cells
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, name


def test_chapters_link_to_their_notebooks(page, tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": "import sys"},
                    {"cell_type": "markdown",
                     "source": ["# Jacobians\n", "\n", "Text."]}]}
    (tmp_path / "jacobians.ipynb").write_text(json.dumps(nb))
    (tmp_path / "broken.ipynb").write_text("{not json")
    files = page["chapter_files"](tmp_path)
    assert files == {"Jacobians": "jacobians.ipynb"}
    out = page["reference_table"](identities.RULES, files=files)
    assert "**Chapter 4: [Jacobians](jacobians.ipynb)**" in out
    assert "**Chapter 8: *The matrix calculus toolbox***" in out


def test_no_rule_is_typed_by_hand_in_the_page(page):
    markdown = "\n".join(_source(c) for c in _cells()
                         if c["cell_type"] == "markdown")
    for rule in identities.RULES.values():
        for piece in _pieces(rule.latex_numerator, page) + \
                _pieces(rule.latex_denominator, page):
            if len(piece) > 30:     # short pieces such as "I" may recur
                assert piece not in markdown, rule.name


def test_the_table_cell_shows_only_its_output_as_myst(page):
    cells = [c for c in _cells() if c["cell_type"] == "code"
             and "reference_table(identities.RULES)" in _source(c)]
    assert len(cells) == 1
    meta = cells[0]["metadata"]
    assert "remove-input" in meta.get("tags", [])
    assert meta.get("mystnb", {}).get("markdown_format") == "myst"
