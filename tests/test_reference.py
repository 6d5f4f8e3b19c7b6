"""The reference sheet (book/reference.ipynb) is generated from the registry.

The page's tables come from `reference_table(rules)`, a function defined in
one of the notebook's code cells. These tests execute that cell's source
(nothing else of the notebook) and call the function with the real
registry and with modified copies of it: every rule appears, a changed,
added or removed rule changes the output, and nothing in the page's
markdown is a hand-typed copy of a rule.
"""
import ast
import dataclasses
import itertools
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
    """{rule name: table row} of the chapter tables of a generated page
    (the second-order table after them is left out)."""
    rows = {}
    for line in markdown.split("**Second derivatives")[0].splitlines():
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
    assert sorted(rows) == sorted(identities.RULES)
    order = [r.name for c in list(range(1, 10)) + [0]
             for r in identities.by_chapter(c)]
    assert list(rows) == order
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
    chapters = sorted({r.chapter for r in identities.RULES.values()} - {0})
    assert [int(n) for n, _, _ in headings] == chapters == list(range(1, 10))
    for n, title, count in headings:
        assert title == page["CHAPTERS"][int(n)]
        assert int(count) == len(identities.by_chapter(int(n)))
    # the standard rules come last, under their own heading
    standard = f"**{page['CHAPTERS'][0].join('**')}** " \
        f"({len(identities.by_chapter(0))} rules)"
    assert standard in out
    assert out.index(standard) > out.index("**Chapter 9:")


def test_changing_a_rule_changes_its_row(page):
    from mathlib.identities._expr import T, mat
    rules = dict(identities.RULES)
    old = rules["log-det"]
    X = mat("X")
    changed = dataclasses.replace(old.formulas, den=T(X))
    rules["log-det"] = dataclasses.replace(old, formulas=changed)
    before = _rows(page["reference_table"](identities.RULES, files={}))
    after = _rows(page["reference_table"](rules, files={}))
    assert after["log-det"] != before["log-det"]
    assert r"\log \det(X) = X^{\top}" in after["log-det"]
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
    count = len(identities.by_chapter(7)) + 1
    assert "**Chapter 7: *Hessians and quadratic approximation*** " \
        f"({count} rules)" in out


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
    assert "**Chapter 9: *Backpropagation through the layers of modern " \
        "networks***" in out


def test_no_rule_is_typed_by_hand_in_the_page(page):
    markdown = "\n".join(_source(c) for c in _cells()
                         if c["cell_type"] == "markdown")
    for rule in identities.RULES.values():
        for piece in _pieces(rule.latex_numerator, page) + \
                _pieces(rule.latex_denominator, page):
            if len(piece) > 30:     # short pieces such as "I" may recur
                assert piece not in markdown, rule.name


@pytest.mark.parametrize("call", ["reference_table(identities.RULES)",
                                  "identities.key_markdown()"])
def test_the_table_cell_shows_only_its_output_as_myst(page, call):
    # without markdown_format myst, a table in an output is shown as text
    # (CommonMark has no tables); the symbol key was at first
    cells = [c for c in _cells() if c["cell_type"] == "code"
             and call in _source(c)]
    assert len(cells) == 1
    meta = cells[0]["metadata"]
    assert "remove-input" in meta.get("tags", [])
    assert meta.get("mystnb", {}).get("markdown_format") == "myst"


def test_the_page_prints_from_the_formulas_not_a_stored_string(page):
    """Changing a rule's stored LaTeX cannot reach the page: the table is
    printed from the expressions that verify() evaluates."""
    rules = dict(identities.RULES)
    rules["log-det"] = dataclasses.replace(
        rules["log-det"], latex_numerator=r"\text{typed by hand}")
    out = page["reference_table"](rules, files={})
    assert "typed by hand" not in out
    assert _rows(out)["log-det"] == _rows(page["reference_table"](
        identities.RULES, files={}))["log-det"]


def test_second_order_table_has_every_hessian(page):
    out = page["reference_table"](identities.RULES, files={})
    table = out.split("**Second derivatives")[1]
    hessians = [r for r in identities.RULES.values() if r.order == 2]
    assert len(hessians) >= 5
    for rule in hessians:
        assert f"(`{rule.name}`)" in table
        assert _pieces(rule.latex_numerator, page)[0] in table
    for name in ("quadratic-hessian", "least-squares-hessian",
                 "lse-hessian", "logistic-loss-hessian", "gauss-newton"):
        assert identities.get(name).order == 2


def _chapter_notebooks():
    return sorted(p for p in (ROOT / "book").glob("*.ipynb")
                  if p.name not in ("reference.ipynb", "widgets.ipynb"))


def _named_rules(path):
    """Rule names a chapter mentions: `name` in its text (a trailing *
    stands for every rule that starts so), and string arguments of
    identities' functions (directly, or through a loop) in its code."""
    names = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            names |= set(re.findall(r"`([a-z0-9]+(?:-[A-Za-z0-9*]+)+)`",
                                    text))
            continue
        if "identities" not in text and "verif" not in text:
            continue
        tree = ast.parse("\n".join(   # IPython magics are not Python
            line for line in text.splitlines()
            if not line.lstrip().startswith(("%", "!"))))
        loops = {}                     # loop variable -> its strings
        for node in ast.walk(tree):
            if isinstance(node, ast.For) and \
                    isinstance(node.target, ast.Name):
                loops[node.target.id] = [
                    c.value for c in ast.walk(node.iter)
                    if isinstance(c, ast.Constant)
                    and isinstance(c.value, str)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = ast.unparse(node.func)
                if fn.split(".")[-1] in ("get", "verify", "verified"):
                    names |= {a.value for a in node.args
                              if isinstance(a, ast.Constant)
                              and isinstance(a.value, str)}
                    names |= {v for a in node.args
                              if isinstance(a, ast.Name)
                              for v in loops.get(a.id, [])}
            if isinstance(node, ast.JoinedStr):   # f"{op}-wrt-{operand}"
                names |= _expand(node, loops)
            if isinstance(node, ast.Assign) and \
                    isinstance(node.value, (ast.List, ast.Tuple)) and \
                    ast.unparse(node.targets[0]) == "table":
                names |= {c.value for c in node.value.elts
                          if isinstance(c, ast.Constant)}
    return names


def _expand(fstring, loops):
    """The strings an f-string takes over the loops' values."""
    parts = []
    for piece in fstring.values:
        if isinstance(piece, ast.Constant):
            parts.append([piece.value])
        elif getattr(piece.value, "id", None) in loops:
            parts.append(loops[piece.value.id])
        else:
            return set()
    return {"".join(p) for p in itertools.product(*parts)
            if re.fullmatch(r"[a-z0-9]+(-[A-Za-z0-9]+)+", "".join(p))}


def _registered(name):
    if name.endswith("*"):
        return any(r.startswith(name[:-1]) for r in identities.RULES)
    return name in identities.RULES


def test_every_rule_a_chapter_names_is_registered():
    named = {}
    for path in _chapter_notebooks():
        for name in _named_rules(path):
            named.setdefault(name, []).append(path.name)
    assert len(named) >= 40            # the scan finds the chapters' rules
    chapter_9 = {r.name for r in identities.by_chapter(9)}
    assert len(chapter_9) >= 10
    assert {n for n, where in named.items()
            if "layers-backprop.ipynb" in where} >= chapter_9
    missing = {n: where for n, where in named.items()
               if not _registered(n)}
    assert missing == {}


def test_the_name_scan_catches_an_unregistered_rule(tmp_path):
    nb = {"cells": [
        {"cell_type": "markdown", "source": "The rule `made-up-rule`."},
        {"cell_type": "code", "source": "identities.verify('no-such')"},
        {"cell_type": "code",
         "source": "for n in ('relu', 'gone-rule'):\n    verified(n)"}]}
    path = tmp_path / "chapter.ipynb"
    path.write_text(json.dumps(nb))
    found = _named_rules(path)
    assert {"made-up-rule", "no-such", "gone-rule", "relu"} <= found
    assert [n for n in sorted(found) if not _registered(n)] == \
        ["gone-rule", "made-up-rule", "no-such"]


def test_every_chapter_registers_the_rules_it_derives():
    # each chapter has rules on the sheet; the key results the page
    # promises are among them
    for chapter in range(1, 10):
        assert identities.by_chapter(chapter), chapter
    for name in ("product-rule", "quotient-rule", "chain-rule",
                 "sigmoid-derivative", "lse-gradient", "lse-hessian",
                 "quadratic-hessian", "hessian-vector-product",
                 "newton-step", "trace-AXB", "trace-inverse",
                 "least-squares", "logdet-line-second", "vec-AXB",
                 "inverse-bilinear", "gaussian-loglik-wrt-mu",
                 "gaussian-loglik-wrt-Sigma", "binary-cross-entropy",
                 "softplus", "gauss-newton", "logistic-loss-hessian"):
        assert name in identities.RULES, name


def test_the_page_claims_about_itself_hold():
    import inspect

    text = "\n".join(_source(c) for c in _cells()
                     if c["cell_type"] == "markdown")
    flat = " ".join(text.split())
    # "three random sizes and random points"
    assert "three random sizes" in flat
    assert inspect.signature(identities.verify_all).parameters[
        "trials"].default == 3
    # "the test suite puts a typo into one formula in a scratch copy"
    assert "a typo into one formula in a scratch copy" in flat
    source = (ROOT / "tests" / "test_identities.py").read_text()
    assert "def test_a_typo_in_a_printed_formula_fails_verification" \
        in source
    # "printed from those expressions": every rule carries them
    assert all(r.formulas is not None and r.formulas.latex() ==
               (r.latex_numerator, r.latex_denominator)
               for r in identities.RULES.values())
    # the old, false claims are gone
    assert "numerator layout column is the book's convention" not in flat
    assert "compared with a numerical Jacobian" not in flat


# --------------------------------------------------------------------------
# every symbol explained, every shape given
# --------------------------------------------------------------------------

def test_every_symbol_on_the_sheet_is_in_its_key():
    from mathlib.identities import _symbols
    unexplained = {}
    for rule in identities.RULES.values():
        for latex in (rule.latex_numerator, rule.latex_denominator):
            missing = _symbols.tokens(latex) - _symbols.explained()
            if missing:
                unexplained.setdefault(rule.name, set()).update(missing)
    assert unexplained == {}
    # the page prints the key, from the same list
    code = " ".join(_source(c) for c in _cells()
                    if c["cell_type"] == "code")
    assert "identities.key_markdown()" in code
    key = identities.key_markdown()
    for _, shown, _ in identities.SYMBOL_KEY:
        assert f"${shown}$" in key


def test_the_symbol_scan_catches_a_symbol_missing_from_the_key(monkeypatch):
    from mathlib.identities import _symbols
    found = set()
    for rule in identities.RULES.values():
        found |= _symbols.tokens(rule.latex_numerator)
    # the symbols the first reader could not find are all seen by the scan
    assert {r"\otimes", r"\oslash", r"\operatorname{diag}", r"\mathbf{1}",
            "I", "[>0]", r"^{-\top}", r"\lVert", r"\nabla^2", r"\sigma",
            r"\operatorname{softplus}", r"\exp", r"\log"} <= found
    kept = [e for e in _symbols.SYMBOL_KEY if r"\otimes" not in e[0]]
    monkeypatch.setattr(_symbols, "SYMBOL_KEY", kept)
    assert r"\otimes" in _symbols.tokens(
        identities.get("vec-AXB").latex_numerator) - _symbols.explained()


def test_every_row_gives_the_shape_of_every_argument(page):
    from mathlib.identities import _symbols
    out = page["reference_table"](identities.RULES, files={})
    rows = _rows(out)
    for name, rule in identities.RULES.items():
        fm = rule.formulas
        used = {}
        for expr in (fm.f, fm.num, fm.den) + tuple(e for _, e in fm.where):
            if expr is not None:
                _symbols._symbols(expr, used)
        defined = {sym.name for sym, _ in fm.where}
        args = set(used) - defined
        shapes = rule.shapes(dict(_symbols._DIMS))
        assert args <= set(shapes), (name, args - set(shapes))
        for arg in args:
            assert f"${used[arg]} \\in \\mathbb{{R}}" in rows[name], \
                (name, arg)
    # the reader's examples: vec(AXB), Newton step, factorization
    assert r"$A \in \mathbb{R}^{k \times m}$" in rows["vec-AXB"]
    assert r"$B \in \mathbb{R}^{n \times N}$" in rows["vec-AXB"]
    assert r"$H \in \mathbb{R}^{n \times n}$" in rows["newton-step"]
    assert r"$c \in \mathbb{R}$" in rows["newton-step"]
    assert r"$U \in \mathbb{R}^{m \times k}$" in rows["factorization-wrt-U"]


def test_titles_and_conditions_write_gradients_in_the_book_notation():
    # no paper-style dL/dY for a matrix in a row's words: the book writes
    # nabla_Y L
    for rule in identities.RULES.values():
        for text in (rule.title, rule.domain):
            assert not re.search(r"\bd[A-Za-z]+ ?/ ?d[A-Z]\b", text), \
                (rule.name, text)
    assert r"$G = \nabla_Y L$" in identities.get(
        "batch-layer-loss-wrt-W").domain


def test_the_directional_derivative_row_states_unit_vectors():
    rule = identities.get("directional-derivative")
    assert "unit vector" in rule.title
    assert r"$\lVert \mathbf{v} \rVert = 1$" in rule.domain


def test_chapter_2_results_are_filed_under_chapter_2():
    # the page says each rule is filed under the chapter that first
    # derives it; chapter 2 derives these (sections 3 and 6) and names them
    named = _named_rules(ROOT / "book" / "partial-derivatives-gradients.ipynb")
    for name in ("bilinear-wrt-X", "trace-AX", "squared-norm"):
        assert identities.get(name).chapter == 2, name
        assert name in named, name


def test_the_sheet_says_which_column_a_deep_learning_reader_uses():
    text = " ".join(_source(_cells()[1]).split())
    assert "**Looking up the gradient of a loss by weights?** Read the " \
        "second column, $\\nabla$" in text
    header = " ".join(_source(c) for c in _cells()
                      if "HEADER = " in _source(c))
    assert "its transpose: $\\\\nabla$ (the gradient, shape" in header
    assert "denominator layout) |" not in header
