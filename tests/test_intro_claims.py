"""The derivatives stated in book/intro.md, read from the page and checked.

The page is a MyST .md page (no code cells), so its claims are read here:
the function, the gradient's two entries and its value at (1, 2).
"""
import re
from pathlib import Path

import sympy as sp
from sympy.parsing.sympy_parser import (implicit_multiplication_application,
                                        parse_expr, standard_transformations)

PAGE = (Path(__file__).resolve().parents[1] / "book" / "intro.md").read_text()
x1, x2 = sp.symbols("x1 x2")


def tex_to_sympy(tex):
    text = re.sub(r"x_(\d)", r"x\1", tex).replace("^", "**")
    rules = standard_transformations + (implicit_multiplication_application,)
    return parse_expr(text, local_dict={"x1": x1, "x2": x2},
                      transformations=rules)


def test_first_taste_gradient_matches_the_page():
    f = tex_to_sympy(re.search(r"f\(\\mathbf\{x\}\) = (.+?)\$", PAGE)[1])
    assert f == x1**2 + 3 * x1 * x2
    printed = re.findall(r"\\begin\{bmatrix\}(.+?)\\end\{bmatrix\}", PAGE,
                         re.S)[-1]
    entries = [tex_to_sympy(e) for e in printed.split(r"\\")]
    assert sp.Matrix(entries) == sp.Matrix([f]).jacobian([x1, x2]).T
    value = re.search(r"At \$\\mathbf\{x\} = \((\d), (\d)\)\$ it is\s+"
                      r"\$\((\d+), (\d+)\)\$", PAGE)
    at = {x1: int(value[1]), x2: int(value[2])}
    stated = sp.Matrix([int(value[3]), int(value[4])])
    assert sp.Matrix(entries).subs(at) == stated
