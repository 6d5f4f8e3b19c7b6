r"""The symbol key of the reference sheet, and the shapes of each rule's
arguments, read from the rules themselves.

Every symbol the printed rules use is either explained in
:data:`SYMBOL_KEY` or is typesetting (:data:`TYPOGRAPHY`);
:func:`tokens` finds them in a statement, and the tests check that no
rule uses a symbol the key does not explain. :func:`argument_shapes`
prints the shape of every argument of a rule (``A \in
\mathbb{R}^{k \times m}``), computed from the rule's ``shapes`` function,
so that a row never leaves a matrix's shape to be guessed.

>>> sorted(tokens(r"\nabla_{X} L = \operatorname{diag}(\mathbf{1}) I_{m}"))
['I', '\\mathbf{1}', '\\nabla', '\\operatorname{diag}']
>>> from mathlib.identities import get
>>> print(argument_shapes(get("trace-AX")))
$A \in \mathbb{R}^{n \times m}$, $X \in \mathbb{R}^{m \times n}$
"""

from __future__ import annotations

import itertools
import re

# (tokens as found by `tokens`, how the key prints them, their meaning)
SYMBOL_KEY = [
    ((r"\partial",), r"\frac{\partial \mathbf{f}}{\partial \mathbf{x}}",
     "derivative in numerator layout (the Jacobian: one row per output); "
     "of a scalar by an $n \\times 1$ vector a $1 \\times n$ row"),
    ((r"\nabla",), r"\nabla_{X} f",
     "gradient of a scalar $f$, in the shape of the variable $X$"),
    ((r"\nabla^2",), r"\nabla^2_{\mathbf{x}} f",
     "Hessian of a scalar $f$: the $n \\times n$ matrix of second "
     "partials $\\partial^2 f / \\partial x_i \\partial x_j$ "
     "(symmetric, so both layouts agree)"),
    ((r"\frac{d}{d",), r"\frac{d}{dt}",
     "ordinary derivative by a single number $t$"),
    (("J",), r"J_{\mathbf{f}}(\mathbf{x})",
     "the Jacobian of $\\mathbf{f}$ at $\\mathbf{x}$ (a defined $J$ in a "
     "row is that row's Jacobian)"),
    ((r"\top",), r"A^{\top}", "transpose"),
    ((r"^{-1}",), r"X^{-1}", "inverse"),
    ((r"^{-\top}",), r"X^{-\top}",
     "inverse of the transpose, $(X^{\\top})^{-1} = (X^{-1})^{\\top}$"),
    ((r"\mathbb",), r"\mathbb{R}^{k \times m}",
     "the $k \\times m$ real matrices; $\\in$ gives a result's shape"),
    (("n", "m", "k", "N"), r"n, m, k, N",
     "sizes; each row's shapes line says which is which ($N$ is the "
     "number of examples in a batch)"),
    (("I",), r"I,\ I_{m}",
     "identity matrix; the subscript is its size ($I_m$ is "
     "$m \\times m$)"),
    ((r"\mathbf{1}",), r"\mathbf{1},\ \mathbf{1}_{N}",
     "column of ones; the subscript is its length"),
    ((r"\odot",), r"\mathbf{a} \odot \mathbf{b}",
     "element-wise product"),
    ((r"\oslash",), r"\mathbf{a} \oslash \mathbf{b}",
     "element-wise division"),
    ((r"\otimes",), r"A \otimes B",
     "Kronecker product: the block matrix with blocks $a_{ij} B$"),
    ((r"\operatorname{vec}",), r"\operatorname{vec}(X)",
     "the columns of $X$ stacked into one vector "
     "($\\operatorname{vec}(X^{\\top})$ stacks its rows, numpy's order)"),
    ((r"\operatorname{diag}",), r"\operatorname{diag}(\mathbf{v})",
     "the square matrix with $\\mathbf{v}$ on its diagonal, zeros "
     "elsewhere"),
    ((r"\operatorname{tr}",), r"\operatorname{tr}(A)",
     "trace: the sum of the diagonal of a square matrix"),
    ((r"\det",), r"\det X", "determinant"),
    ((r"\lVert", r"\rVert"), r"\lVert \mathbf{x} \rVert_2,\ "
     r"\lVert X \rVert_F",
     "Euclidean norm $\\sqrt{\\sum_i x_i^2}$; Frobenius norm "
     "$\\sqrt{\\sum_{ij} X_{ij}^2}$"),
    (("[>0]",), r"[\mathbf{z} > 0]",
     "Iverson bracket, entry by entry: 1 where the entry is positive, "
     "0 elsewhere"),
    ((r"\exp", r"\log", r"\sin", r"\cos", r"\tanh"),
     r"\exp(\mathbf{x}),\ \log(\mathbf{x}),\ \tanh(\mathbf{x})",
     "applied to a vector or matrix: entry by entry; $\\tanh^2$ squares "
     "each entry"),
    ((r"\sigma",), r"\sigma(\mathbf{z})",
     "logistic sigmoid $1 / (1 + e^{-z})$, entry by entry"),
    ((r"\operatorname{softplus}",), r"\operatorname{softplus}(\mathbf{z})",
     "$\\log(1 + e^{z})$, entry by entry"),
    ((r"\max",), r"\max(0, z)", "the larger of the two (ReLU)"),
    ((r"\operatorname{softmax}",), r"\operatorname{softmax}(\mathbf{z})",
     "$\\exp(\\mathbf{z}) / (\\mathbf{1}^{\\top} \\exp(\\mathbf{z}))$"),
    ((r"\text",), r"\operatorname{softmax}_{\text{causal}}(S)",
     "softmax of each row of $S$; *causal*: entries above the diagonal "
     "(a key after its query) get probability 0 (chapter 9)"),
    ((r"\langle", r"\rangle"), r"\langle A, B \rangle",
     "inner product of two matrices of one shape, "
     "$\\sum_{ij} A_{ij} B_{ij} = \\operatorname{tr}(A^{\\top} B)$; "
     "$\\langle G, \\cdot \\rangle$ with $G$ the gradient from above "
     "turns a layer into the scalar whose gradient is its backward "
     "function (chapter 9)"),
    ((r"\bar",), r"\bar{S}",
     "the gradient of that scalar with respect to an intermediate "
     "matrix $S$, in the shape of $S$ (defined in the row)"),
    ((r"\hat", r"\tilde"), r"\hat{\mathbf{x}},\ \tilde{G}",
     "named intermediate results, each defined in its row"),
    ((r"\star",), r"\mathbf{x} \star \mathbf{w}",
     "correlation (deep learning's convolution, kernel not flipped): "
     "$(\\mathbf{x} \\star \\mathbf{w})_i = \\sum_j w_j x_{i+j}$; "
     "$C_{\\mathbf{w}}$ is the matrix with $C_{\\mathbf{w}} \\mathbf{x} = "
     "\\mathbf{x} \\star \\mathbf{w}$"),
    ((r"\operatorname{onehot}",), r"\operatorname{onehot}(\mathbf{i})",
     "the matrix whose row $t$ has a 1 in column $i_t$ and zeros "
     "elsewhere; $E[\\mathbf{i}]$ = $\\operatorname{onehot}(\\mathbf{i}) E$, "
     "the rows of $E$ picked by $\\mathbf{i}$"),
    ((r"\epsilon",), r"\epsilon",
     "a small constant added to a variance so that it is never 0"),
]

# typesetting, and Greek letters that name arguments (their shapes are on
# each row's shapes line)
TYPOGRAPHY = {r"\frac", r"\left", r"\right", r"\mathbf", r"\boldsymbol",
              r"\in", r"\times", r"\sqrt", r"\Sigma", r"\beta", r"\mu",
              r"\gamma"}

_TOKEN = re.compile(
    r"\\operatorname\{\w+\}"            # \operatorname{diag}
    r"|\\frac\{d\}\{d"                  # d/dt
    r"|\\nabla\^2"                      # a Hessian
    r"|\\mathbf\{1\}"                   # ones
    r"|\^\{-\\top\}|\^\{-1\}"           # inverses
    r"|\[[^\]]*>\s*0\]"                 # Iverson bracket
    r"|\\[A-Za-z]+"                     # any other command
    r"|(?<![A-Za-z\\])[IJ](?![A-Za-z])")  # identity, Jacobian


def tokens(latex):
    """The set of symbols of a printed statement that need explaining."""
    found = set()
    for tok in _TOKEN.findall(latex):
        found.add("[>0]" if tok.startswith("[") else tok)
    return found


def explained():
    """Every token the key explains or that is typesetting."""
    return {t for toks, _, _ in SYMBOL_KEY for t in toks} | TYPOGRAPHY


def key_markdown():
    """The symbol key as a markdown table."""
    rows = ["| symbol | meaning |", "| --- | --- |"]
    for _, shown, meaning in SYMBOL_KEY:
        rows.append(f"| ${shown}$ | {meaning} |")
    return "\n".join(rows)


_DIMS = {"n": 2, "m": 3, "k": 5, "N": 7}   # products of two stay distinct


def _size(value):
    """A size back in letters: 3 -> 'm', 6 -> 'nm' (a product)."""
    names = list(_DIMS)
    for name in names:
        if _DIMS[name] == value:
            return name
    for a, b in itertools.combinations_with_replacement(names, 2):
        if _DIMS[a] * _DIMS[b] == value:
            return a + b if a != b else a + "^2"
    if value == 1:
        return "1"
    raise ValueError(f"cannot name the size {value}")


def _symbols(expr, found):
    """{name: LaTeX} of the symbols in an expression tree."""
    from ._expr import Ex, Sym
    if isinstance(expr, Sym):
        found.setdefault(expr.name, expr.tex())
        return found
    for value in vars(expr).values():
        items = value if isinstance(value, (tuple, list)) else (value,)
        for item in items:
            if isinstance(item, Ex):
                _symbols(item, found)
    return found


def argument_shapes(rule):
    r"""The shape of every argument of ``rule``, as inline math.

    Vectors are columns ($n$ entries: $\mathbb{R}^{n}$), numbers
    $\in \mathbb{R}$; symbols the row defines (``where``) and functions
    are left out.
    """
    fm = rule.formulas
    if fm is None:
        return ""
    found = {}
    for expr in (fm.f, fm.num, fm.den) + tuple(e for _, e in fm.where):
        if expr is not None:
            _symbols(expr, found)
    defined = {sym.name for sym, _ in fm.where}
    parts = []
    for name, shape in rule.shapes(dict(_DIMS)).items():
        if name in defined or name not in found or not isinstance(
                shape, tuple):
            continue
        if shape == ():
            space = r"\mathbb{R}"
        elif len(shape) == 1:
            space = r"\mathbb{R}^{" + _size(shape[0]) + "}"
        else:
            space = r"\mathbb{R}^{" + r" \times ".join(
                _size(s) for s in shape) + "}"
        parts.append(f"${found[name]} \\in {space}$")
    return ", ".join(parts)
