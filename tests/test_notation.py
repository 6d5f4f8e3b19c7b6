"""Every derivative on book/notation.md, read from the page and checked.

The page states its derivatives as numbered display equations,
``$$ ... $$ (label)``. A label ``<example>-<convention>`` says what the
equation claims:

* ``<example>-f`` defines the function of the example (its right-hand
  side is parsed into numpy);
* ``<example>-numerator``, ``-denominator``, ``-gradient``,
  ``-linear-map``, ``-entries`` (and ``-gradient-symmetric``) state its
  derivative in that convention. Every right-hand side of the equation
  (``lhs = rhs1 = rhs2``) is parsed and compared, value and shape, with
  what the convention means, computed here from ``mathlib.numeric`` at
  random points;
* ``def-...`` labels are definitions (not evaluated).

The LaTeX is parsed by the small evaluator below: bold lower case letters
are column vectors, upper case letters matrices, juxtaposition is a
matrix product, ``^\\top`` a transpose; ``\\operatorname{tr}``, numbers,
``+``, ``-`` and parentheses are understood. Anything else fails the test,
so a formula on the page can never be silently skipped. The translation
tables and the page's doctest code blocks are checked too, and no display
equation with a derivative may go without a checked label.
"""
import doctest
import re
from pathlib import Path

import numpy as np
import pytest

from mathlib import numeric

PAGE = (Path(__file__).resolve().parents[1] / "book" / "notation.md"
        ).read_text(encoding="utf-8")
M, N = 3, 4                     # m and n: distinct, so shapes tell apart

# Shapes of the symbols of each example; "var" is the variable, "dir" the
# direction of the linear map, "derived" symbols are computed from others.
EXAMPLES = {
    "a": {"var": "x", "dir": "v",
          "shapes": {"x": (N, 1), "v": (N, 1), "A": (N, N)}},
    "b": {"var": "x", "dir": "v",
          "shapes": {"x": (N, 1), "v": (N, 1), "u": (M, 1), "W": (M, N)}},
    "c": {"var": "X", "dir": "V",
          "shapes": {"X": (M, N), "V": (M, N), "a": (M, 1), "b": (N, 1)}},
    "outer": {"var": "y", "dir": "v",
              "shapes": {"y": (M, 1), "v": (M, 1)}},
    "chain": {"var": "x", "dir": "v",
              "shapes": {"x": (N, 1), "v": (N, 1), "W": (M, N)},
              "derived": {"y": lambda s: s["W"] @ s["x"]}},
}
CONVENTIONS = ("numerator", "denominator", "gradient", "linear-map",
               "entries", "gradient-symmetric")
REQUIRED = {"a": ("numerator", "denominator", "gradient", "linear-map"),
            "b": ("numerator", "denominator", "gradient", "linear-map"),
            "c": ("numerator", "denominator", "gradient", "linear-map",
                  "entries"),
            "outer": ("numerator", "denominator"),
            "chain": ("numerator", "denominator")}

DISPLAY = re.compile(r"^\$\$\n(.*?)\n\$\$(?: \(([\w-]+)\))?[ \t]*$",
                     re.S | re.M)


def displays():
    """(label or None, LaTeX) for every display equation of the page."""
    return [(m[2], m[1]) for m in DISPLAY.finditer(PAGE)]


def labelled():
    return {label: tex for label, tex in displays() if label}


# --------------------------------------------------------------------------
# a tiny LaTeX-to-numpy evaluator for the page's formulas
# --------------------------------------------------------------------------

TOKEN = re.compile(r"""
    (?P<skip>\s+|\\[,;!]|\\quad|\\left|\\right|\\big|\\Big)
  | (?P<vec>\\mathbf\{(?P<v>[a-z])\})
  | (?P<tr>\\operatorname\{tr\})
  | (?P<top>\^\\top|\^\{\\top\})
  | (?P<idx>(?P<il>[a-zA-Z])_\{?(?P<ii>[a-z]{1,2})\}?)
  | (?P<mat>[A-Z])
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<op>[-+()])
""", re.X)


def tokens(tex):
    out, pos = [], 0
    while pos < len(tex):
        m = TOKEN.match(tex, pos)
        if not m:
            raise ValueError(f"cannot parse {tex[pos:pos + 20]!r} in "
                             f"{tex!r}")
        pos = m.end()
        kind = m.lastgroup if m.lastgroup in ("skip", "tr", "top", "num",
                                              "op") else None
        if m["skip"]:
            continue
        if m["vec"]:
            out.append(("sym", m["v"]))
        elif m["idx"]:
            out.append(("idx", (m["il"], m["ii"])))
        elif m["mat"]:
            out.append(("sym", m["mat"]))
        elif m["num"]:
            out.append(("num", float(m["num"])))
        elif m["top"]:
            out.append(("top", None))
        elif m["tr"]:
            out.append(("tr", None))
        else:
            out.append((kind or "op", m["op"]))
    return out


class Evaluator:
    """Recursive descent over the tokens: sums of products of factors."""

    def __init__(self, tex, values, index=None):
        self.toks, self.pos = tokens(tex), 0
        self.values, self.index, self.tex = values, index or {}, tex

    def peek(self):
        return self.toks[self.pos] if self.pos < len(self.toks) else (None,
                                                                      None)

    def take(self):
        tok = self.peek()
        self.pos += 1
        return tok

    def run(self):
        value = self.expr()
        if self.pos != len(self.toks):
            raise ValueError(f"unexpected {self.peek()} in {self.tex!r}")
        return value

    def expr(self):
        value = self.product()
        while self.peek() in (("op", "+"), ("op", "-")):
            sign = self.take()[1]
            rhs = self.product()
            value = value + rhs if sign == "+" else value - rhs
        return value

    def product(self):
        negative = self.peek() == ("op", "-")
        if negative:
            self.take()
        value = self.factor()
        while self.peek()[0] in ("sym", "idx", "num", "tr") \
                or self.peek() == ("op", "("):
            rhs = self.factor()
            scalar = np.isscalar(value) or np.isscalar(rhs)
            value = value * rhs if scalar else value @ rhs
        return -value if negative else value

    def factor(self):
        kind, text = self.take()
        if kind == "num":
            value = text
        elif kind == "sym":
            if text not in self.values:
                raise ValueError(f"unknown symbol {text!r} in {self.tex!r}")
            value = self.values[text]
        elif kind == "idx":
            letter, idx = text
            entry = self.values[letter][tuple(self.index[i] for i in idx)
                                        if len(idx) == 2 else
                                        (self.index[idx], 0)]
            value = np.array([[entry]])
        elif kind == "tr":
            if self.take() != ("op", "("):
                raise ValueError(f"tr needs parentheses in {self.tex!r}")
            value = np.array([[np.trace(self.expr())]])
            if self.take() != ("op", ")"):
                raise ValueError(f"unclosed tr( in {self.tex!r}")
        elif (kind, text) == ("op", "("):
            value = self.expr()
            if self.take() != ("op", ")"):
                raise ValueError(f"unclosed ( in {self.tex!r}")
        else:
            raise ValueError(f"unexpected {text!r} in {self.tex!r}")
        while self.peek()[0] == "top":
            self.take()
            value = value.T
        return value


def sides(tex):
    """The left-hand side and the right-hand sides of 'l = r1 = r2'."""
    tex = re.sub(r"\\quad.*", "", tex, flags=re.S)      # annotations
    parts = [p.strip().rstrip(".,").strip() for p in tex.split("=")]
    return parts[0], parts[1:]


def evaluate(tex, values, index=None):
    return np.asarray(Evaluator(tex, values, index).run())


# --------------------------------------------------------------------------
# what each convention means, computed with mathlib.numeric
# --------------------------------------------------------------------------

def setup(name, rng, symmetric=False):
    """Random values for the example's symbols and its f as numpy code."""
    spec = EXAMPLES[name]
    values = {s: rng.normal(size=shape) for s, shape in spec["shapes"].items()}
    if symmetric:
        values["A"] = values["A"] + values["A"].T
    (rhs,) = sides(labelled()[f"{name}-f"])[1]
    var, shape = spec["var"], spec["shapes"][spec["var"]]

    def with_point(point):
        env = dict(values)
        env[var] = np.reshape(point, shape)
        for sym, rule in spec.get("derived", {}).items():
            env[sym] = rule(env)
        return env

    def f(point):
        out = evaluate(rhs, with_point(point))
        return out[0, 0] if out.shape == (1, 1) else out[:, 0]

    point = values[var] if shape[1] > 1 else values[var][:, 0]
    return values, f, point, with_point(point)


def expected(name, convention, f, point, values):
    """The derivative in `convention`, as a 2-D array (columns for
    vectors)."""
    spec = EXAMPLES[name]
    scalar = np.ndim(f(point)) == 0
    column = (lambda a: np.reshape(a, (-1, 1))) if np.ndim(point) == 1 \
        else (lambda a: a)
    J = numeric.jacobian(f, point)                  # f.shape + x.shape
    if convention in ("numerator", "denominator"):
        if scalar and np.ndim(point) == 2:          # d scalar / d matrix
            num = J.T
        else:
            num = np.reshape(J, (np.size(f(point)), np.size(point)))
        return num if convention == "numerator" else num.T
    if convention.startswith("gradient"):
        if scalar:
            return column(numeric.gradient(f, point))
        u = values["u"][:, 0]
        return column(numeric.gradient(lambda p: u @ f(p), point))
    if convention == "linear-map":
        d = values[spec["dir"]]
        d = d[:, 0] if np.ndim(point) == 1 else d
        return np.reshape(numeric.directional_derivative(f, point, d),
                          (-1, 1))            # the shape of f, as a column
    raise AssertionError(convention)


CHECKED = [label for label in labelled() if not label.startswith("def-")
           and not label.endswith("-f")]


def split(label):
    for conv in sorted(CONVENTIONS, key=len, reverse=True):
        if label.endswith("-" + conv):
            return label[:-len(conv) - 1], conv
    raise AssertionError(f"label {label!r} names no known convention "
                         f"{CONVENTIONS}")


def test_the_page_states_every_convention_of_every_example():
    found = {split(label) for label in CHECKED}
    for name, conventions in REQUIRED.items():
        assert f"{name}-f" in labelled(), f"example {name} lost its f"
        for conv in conventions:
            assert (name, conv) in found, f"{name}-{conv} is missing"


@pytest.mark.parametrize("label", CHECKED)
def test_derivative_on_the_page(label):
    name, conv = split(label)
    assert name in EXAMPLES, f"unknown example in label {label!r}"
    rng = np.random.default_rng(0)
    for _ in range(3):                      # three random points
        values, f, point, env = setup(name, rng,
                                      symmetric=conv.endswith("symmetric"))
        lhs, rights = sides(labelled()[label])
        assert rights, f"{label}: no right-hand side"
        if conv == "entries":
            G = numeric.gradient(f, point)
            idx = re.search(r"_\{?([a-z]{2})\}?\}?$", lhs)[1]
            for pos in np.ndindex(G.shape):
                at = dict(zip(idx, pos))
                for rhs in rights:
                    got = evaluate(rhs, env, at)
                    assert got.shape == (1, 1)
                    assert np.isclose(got[0, 0], G[pos], rtol=1e-9,
                                      atol=1e-12), (label, rhs, pos)
            continue
        want = expected(name, conv, f, point, values)
        for rhs in rights:
            got = evaluate(rhs, env)
            assert got.shape == want.shape, (
                f"{label}: {rhs!r} has shape {got.shape}, the {conv} "
                f"convention gives {want.shape}")
            np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12,
                                       err_msg=f"{label}: {rhs!r}")


def test_a_transposed_formula_would_be_caught():
    """The checks have teeth: swapping the layouts must fail."""
    values, f, point, env = setup("b", np.random.default_rng(1))
    want = expected("b", "numerator", f, point, values)
    assert evaluate(r"W^\top", env).shape != want.shape
    values, f, point, env = setup("a", np.random.default_rng(1))
    want = expected("a", "gradient", f, point, values)
    assert not np.allclose(evaluate(r"2 A \mathbf{x}", env), want)


DERIVATIVE = re.compile(r"\\partial|\\nabla|D\\?\w*\(|\bD[f\\]")


def test_no_display_derivative_goes_unchecked():
    for label, tex in displays():
        if DERIVATIVE.search(tex):
            assert label, f"unlabelled (so unchecked) derivative: {tex}"


def test_no_inline_derivative_claim_goes_unchecked():
    """Inline math may name a derivative but not state one's value."""
    inline = re.findall(r"(?<!\$)\$([^$\n]+(?:\n[^$\n]+)*?)\$(?!\$)", PAGE)
    claims = [m for m in inline if DERIVATIVE.search(m) and "=" in m]
    assert claims == []


# --------------------------------------------------------------------------
# the translation table
# --------------------------------------------------------------------------

def table(header="convention"):
    """{row name: [cell (a), cell (b), cell (c)]} of the table whose header
    starts with `header`: 'convention' (the layouts) or 'function' (what
    mathlib.numeric returns)."""
    lines = PAGE[PAGE.index(f"| {header} |"):].splitlines()
    rows = {}
    for line in lines[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0].strip("`")] = cells[1:]
    return rows


SIZES = {1: "1", M: "m", N: "n"}


def shape_text(cell):
    m = re.search(r"\$(\w) \\times (\w)\$", cell)
    assert m, f"no shape in table cell {cell!r}"
    return (m[1], m[2])


@pytest.mark.parametrize("row,conv", [
    ("numerator", "numerator"), ("denominator", "denominator"),
    ("same shape", "gradient"), ("linear map", "linear-map")])
def test_translation_table_shapes(row, conv):
    cells = table()[row]
    for name, cell in zip("abc", cells):
        label = f"{name}-{conv}"
        values, f, point, env = setup(name, np.random.default_rng(2))
        (rhs, *_) = sides(labelled()[label])[1]
        got = evaluate(rhs, env).shape
        assert tuple(SIZES[s] for s in got) == shape_text(cell), (
            f"table row {row!r}, example ({name}): the page says {cell}, "
            f"the formula {rhs!r} has shape {got}")


@pytest.mark.parametrize("row", ["gradient", "jacobian"])
def test_translation_table_mathlib_shapes(row):
    cells = table("function")[row]
    for name, cell in zip("abc", cells):
        values, f, point, env = setup(name, np.random.default_rng(3))
        compute = getattr(numeric, row)
        if cell.startswith("error"):
            with pytest.raises(ValueError, match="scalar"):
                compute(f, point)
            continue
        shape = tuple(SIZES[s] for s in compute(f, point).shape)
        text = "(" + ", ".join(shape) + ("," if len(shape) == 1 else "") \
            + ")"
        assert cell == f"`{text}`", (row, name, cell, text)


# --------------------------------------------------------------------------
# the code examples
# --------------------------------------------------------------------------

def code_blocks():
    return re.findall(r"^```python\n(.*?)^```", PAGE, re.S | re.M)


def test_code_examples_run_as_shown():
    blocks = [b for b in code_blocks() if ">>>" in b]
    assert blocks, "the page lost its code examples"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    globs = {}
    for n, block in enumerate(blocks):
        test = parser.get_doctest(block, globs, f"notation.md block {n}",
                                  "notation.md", 0)
        runner.run(test, clear_globs=False)
        globs = test.globs                  # the blocks form one session
    assert runner.summarize(verbose=False).failed == 0


# --------------------------------------------------------------------------
# one layout convention, stated once, and no page contradicting it
# --------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _pages():
    """{name: text} of every page and problem set a reader sees: the
    markdown of the chapters, the .md pages, and the string constants
    (prompts and feedback) of the problem sets."""
    import ast
    import json
    texts = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        texts[path.name] = "\n\n".join(
            "".join(c["source"]) if isinstance(c["source"], list)
            else c["source"] for c in cells if c["cell_type"] == "markdown")
    for path in sorted((ROOT / "book").glob("*.md")):
        texts[path.name] = path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "mathlib" / "exercises").glob("ch*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        texts[path.name] = "\n\n".join(
            n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str))
    return texts


# a scalar by a whole matrix (no subscript on the matrix)
_D_SCALAR_MATRIX = r"\\frac\{\\partial [A-Za-z]\}\{\\partial ([A-Z])\}"
# words of a sentence that translates another text's notation
_TRANSLATING = ("paper", "text", "other", "translat")


def convention_violations(text):
    """Sentences that give a derivative written with a partial of a scalar
    by a matrix the shape of the matrix (the convention: a partial is
    always numerator layout, the transposed shape; the shape of the
    variable is the gradient, nabla), or give nabla the transposed
    shape."""
    flat = " ".join(text.split())
    bad = []
    for sentence in re.split(r"(?<=[.:;])\s+(?=[A-Z*(])", flat):
        if any(w in sentence.lower() for w in _TRANSLATING):
            continue
        for m in re.finditer(_D_SCALAR_MATRIX, sentence):
            after = sentence[m.end():m.end() + 90]
            var = m.group(1)
            if re.search(r"(means|is|as) (the |an |a )?\$m \\times n\$",
                         after) or f"shape of ${var}$" in after \
                    or f"like ${var}$" in after:
                bad.append(sentence)
        if re.search(r"\\nabla_\{?[A-Z]\}? ?[A-Za-z]*\$? (is|has shape) "
                     r"\$n \\times m\$", sentence):
            bad.append(sentence)
    return bad


def test_the_convention_is_stated_once():
    texts = _pages()
    boxes = {name for name, text in texts.items()
             if "{admonition} The book's convention" in text}
    assert boxes == {"notation.md"}
    box = PAGE[PAGE.index("{admonition} The book's convention"):]
    box = " ".join(box[:box.index("```")].split())
    assert r"$\partial$ means numerator layout, always" in box
    assert r"$\nabla$ means the gradient of a scalar, in the shape of " \
        "the variable, always" in box
    assert r"the book writes $\nabla_W L$" in box


def test_no_page_contradicts_the_convention():
    found = {name: convention_violations(text)
             for name, text in _pages().items()}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_checker_catches_the_old_chapter_2_wording():
    # what chapter 2 said before the convention was made one
    old = (r"For a matrix it does not: when the book writes "
           r"$\frac{\partial L}{\partial W}$, it means the $m \times n$ "
           r"matrix whose entry $(i, j)$ is $\frac{\partial L}{\partial "
           r"W_{ij}}$, the gradient $\nabla_W L$ of section 6.")
    assert convention_violations(old) == [old]
    assert convention_violations(
        r"The gradient $\frac{\partial f}{\partial X}$ has the shape of "
        r"$X$.")
    assert convention_violations(r"Here $\nabla_W L$ is $n \times m$.")
    # translating another text's notation is allowed
    assert convention_violations(
        r"Many papers write $\frac{\partial L}{\partial W}$ for the "
        r"$m \times n$ matrix: read that as $\nabla_W L$.") == []
    assert convention_violations(
        r"Numerator layout gives $\frac{\partial L}{\partial W}$ as an "
        r"$n \times m$ matrix.") == []


def test_the_reference_sheet_follows_the_convention():
    from mathlib import identities
    text = " ".join(_pages()["reference.ipynb"].split())
    assert r"**$\partial$ (numerator layout)**, is what the book means by " \
        r"$\partial$" in text
    assert r"the **gradient $\nabla$**, in the shape of the variable" in text
    for rule in identities.RULES.values():
        if rule.formulas.scalar_f and rule.order == 1 and \
                rule.formulas.style == "partial" and \
                rule.formulas.den is not None:
            # the book's partial in the first column, nabla in the second
            assert rule.latex_numerator.startswith(r"\frac{\partial")
            assert rule.latex_denominator.startswith(r"\nabla_{")


def test_the_box_relates_the_symbols_to_the_arrays_of_code():
    # the reader found "one rule" used for two different things: the
    # matrix rule of the partial and the index rule of code's jacobian
    box = PAGE[PAGE.index("{admonition} The book's convention"):]
    box = " ".join(box[:box.index("```")].split())
    assert "only here" not in box
    assert "The rule is one rule" not in box
    assert "**Code arranges arrays, not these matrices.**" in box
    assert "`f(x).shape + x.shape`" in box
    assert "one rule for every input and output shape" not in PAGE
    # what rule 4 says is what the code does
    import numpy as np
    from mathlib import numeric
    rng = np.random.default_rng(0)
    W, x = rng.standard_normal((3, 5)), rng.standard_normal(5)
    assert numeric.jacobian(lambda W: np.sum((W @ x) ** 2), W).shape == \
        (3, 5)
    assert numeric.jacobian(lambda x: W @ x, x).shape == (3, 5)
    assert numeric.jacobian(lambda x: x @ x, x).shape == (5,)
