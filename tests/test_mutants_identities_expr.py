"""The expression language of the reference sheet prints what it
evaluates: the operations not pinned in tests/test_identities.py (issue
21).

The registry's rules are built once, at import; a bug in an operation
(lse, softmax_rows, correlate, a missing pair of parentheses, ...) then
shows on the sheet or fails identities.verify for the rules that use it.
Mutation testing cannot see code that runs at import (see
benchmarks/mutation.py), so each operation is built here, at test time,
and its LaTeX and its value compared with what it states.
"""
import numpy as np
import pytest

from mathlib.identities import _expr as E
from mathlib.identities import argument_shapes, formula_rule, key_markdown
from mathlib.identities._formulas import PrintedShapeError, printed_shape

x, y, w, i = E.vec("x"), E.vec("y"), E.vec("w"), E.vec("i")
A, B, S, z = E.mat("A"), E.mat("B"), E.mat("S"), E.sca("z")
ENV = {"x": np.array([1.0, -2.0, 0.5]), "y": np.array([3.0, 0.5, 2.0]),
       "w": np.array([1.0, -1.0]), "i": np.array([2.0, 0.0]),
       "A": np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 1.0], [0.0, 1.0, 2.0]]),
       "B": np.full((3, 3), 3.0), "z": 2.0,
       # rows far apart: a softmax shifted by the overall maximum
       # instead of each row's would give 0/0 in the second row
       "S": np.array([[1000.0, 999.0], [-1000.0, -1001.0]])}
XC, YC, AM = ENV["x"][:, None], ENV["y"][:, None], ENV["A"]
P = np.array([np.e, 1.0]) / (np.e + 1)        # softmax of (1, 0)

CASES = [
    (lambda: E.lse(x), r"\operatorname{lse}(\mathbf{x})",
     [[np.log(np.sum(np.exp(XC)))]]),
    (lambda: E.sqrt(y), r"\sqrt{\mathbf{y}}", np.sqrt(YC)),
    (lambda: E.inner(A, B), r"\langle A, B \rangle", [[3.0 * AM.sum()]]),
    (lambda: E.entries_sum(x), r"\mathbf{1}^{\top} \mathbf{x}", [[-0.5]]),
    (lambda: E.Stack(z, E.exp(z)), r"\begin{bmatrix} z \\ \exp(z) \end{bmatrix}",
     [[2.0], [np.exp(2.0)]]),
    (lambda: E.softmax_rows(S), r"\operatorname{softmax}_{\text{rows}}(S)",
     [P, P]),
    (lambda: E.softmax_rows(S, causal=True),
     r"\operatorname{softmax}_{\text{causal}}(S)", [[1.0, 0.0], P]),
    (lambda: E.correlate(x, w), r"\mathbf{x} \star \mathbf{w}", [[3.0], [-2.5]]),
    (lambda: E.correlate(x + y, w), r"(\mathbf{x} + \mathbf{y}) \star \mathbf{w}",
     [[5.5], [-4.0]]),
    (lambda: E.correlate(x, w + w), r"\mathbf{x} \star (\mathbf{w} + \mathbf{w})",
     [[6.0], [-5.0]]),
    (lambda: E.HadDiv(x + y, y), r"(\mathbf{x} + \mathbf{y}) \oslash \mathbf{y}",
     (XC + YC) / YC),
    (lambda: E.HadDiv(x, x + y), r"\mathbf{x} \oslash (\mathbf{x} + \mathbf{y})",
     XC / (XC + YC)),
    (lambda: E.conv_matrix(w, x), r"C_{\mathbf{w}}",
     [[1.0, -1.0, 0.0], [0.0, 1.0, -1.0]]),
    (lambda: E.OneHot(i, A), r"\operatorname{onehot}(\mathbf{i})",
     [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
    (lambda: E.Num(0.5) * x, r"0.5 \mathbf{x}", 0.5 * XC),
    (lambda: E.Num(2.0) * x, r"2 \mathbf{x}", 2 * XC),
    (lambda: A * E.Num(2), r"A \cdot 2", 2 * AM),
    (lambda: A * z, r"A z", 2 * AM),
    (lambda: z * E.Frac(x, z), r"z\, \frac{\mathbf{x}}{z}", XC),
    (lambda: E.T(E.inv(A)), r"(A^{-1})^{\top}", np.linalg.inv(AM).T),
    (lambda: 1 + x, r"1 + \mathbf{x}", 1 + XC),
    (lambda: x / 2, r"\frac{\mathbf{x}}{2}", XC / 2),
    (lambda: x / z, r"\frac{\mathbf{x}}{z}", XC / 2),
]


# plain ids: mutmut passes each test id on a command line
@pytest.mark.parametrize("build, tex, value", CASES,
                         ids=[f"case{k}" for k in range(len(CASES))])
def test_each_operation_prints_and_evaluates_what_it_states(build, tex,
                                                            value):
    expr = build()          # built here, not at import (see the docstring)
    assert expr.tex() == tex
    np.testing.assert_allclose(expr.ev(ENV), value, rtol=1e-13)


def test_a_fraction_by_a_vector_is_refused_by_name():
    with pytest.raises(ValueError) as e:
        E.Frac(x, y).ev(ENV)
    assert str(e.value) == (r"the denominator of \frac{\mathbf{x}}"
                            r"{\mathbf{y}} must be a scalar")


# ------------------------------------------------------ printed shapes

def test_a_printed_shape_with_an_unknown_size_is_named():
    with pytest.raises(PrintedShapeError) as e:
        printed_shape(r"1 \times q", {"n": 3, "m": 2})
    assert str(e.value) == ("printed shape uses 'q', which is none of the "
                            "sizes ['m', 'n']")


def _sum_rule(shapes, **kw):
    return formula_rule("test-sum", "a test", 4, E.T(x) * y, x, num=E.T(y),
                        den=y, shape_num=r"1 \times n",
                        shape_den=r"n \times 1", shapes=shapes, **kw)


def test_argument_sizes_that_are_products_are_printed_as_products():
    """The reference sheet prints each argument's space; a size n*n is
    n^2 and n*m is nm."""
    r = _sum_rule(lambda d: {"x": (d["n"] * d["n"],),
                             "y": (d["n"] * d["n"],)})
    assert argument_shapes(r) == (r"$\mathbf{x} \in \mathbb{R}^{n^2}$, "
                                  r"$\mathbf{y} \in \mathbb{R}^{n^2}$")
    r = _sum_rule(lambda d: {"x": (d["n"] * d["m"],),
                             "y": (d["n"] * d["m"],)})
    assert argument_shapes(r).startswith(r"$\mathbf{x} \in \mathbb{R}^{nm}$")


def test_the_symbol_key_is_a_two_column_table():
    lines = key_markdown().splitlines()
    assert lines[:2] == ["| symbol | meaning |", "| --- | --- |"]


def test_a_formula_rule_draws_its_points_from_its_own_sample():
    """formula_rule calls sample(rng, dims) (a numpy Generator) and the
    rule keeps it: verify draws every point from it."""
    seen = []

    def sample(rng, dims):
        assert isinstance(rng, np.random.Generator)
        seen.append(dims["n"])
        return {"x": rng.standard_normal(dims["n"]) + 5.0,
                "y": rng.standard_normal(dims["n"])}
    r = _sum_rule(lambda d: {"x": (d["n"],), "y": (d["n"],)},
                  sample=sample)
    assert r.sample is sample and seen
    from mathlib.identities import verify
    before = len(seen)
    assert verify(r, trials=2)
    assert len(seen) == before + 2


def test_sizes_of_one_unnamed_and_skipped_arguments():
    """A size 1 prints as 1; a size that is no size or product of two
    sizes is refused by name; an argument the formulas do not use is
    left out without ending the list."""
    r = formula_rule("test-one", "a test", 4, E.T(x) * y, x, num=E.T(y),
                     den=y, shape_num=r"1 \times n", shape_den=r"n \times 1",
                     shapes=lambda d: {"unused": (d["n"],), "x": (d["n"],),
                                       "y": (d["n"],), "c": (d["n"], 1)})
    assert argument_shapes(r) == (r"$\mathbf{x} \in \mathbb{R}^{n}$, "
                                  r"$\mathbf{y} \in \mathbb{R}^{n}$")
    r = formula_rule("test-one", "a test", 4, E.T(x) * w, x, num=E.T(w),
                     den=w, shape_num=r"1 \times n", shape_den=r"n \times 1",
                     shapes=lambda d: {"x": (d["n"], 1), "w": (d["n"], 1)})
    assert argument_shapes(r) == (r"$\mathbf{x} \in \mathbb{R}^{n \times "
                                  r"1}$, $\mathbf{w} \in \mathbb{R}^{n "
                                  r"\times 1}$")
    r = _sum_rule(lambda d: {"x": (11,), "y": (11,)})
    with pytest.raises(ValueError) as e:
        argument_shapes(r)
    assert str(e.value) == "cannot name the size 11"


def test_a_vector_function_is_transposed_not_a_gradient():
    """f = A x is a vector: its denominator-layout statement is the
    transposed Jacobian, never a gradient nabla (which is for scalar f)."""
    r = formula_rule("test-ax", "a test", 4, A * x, x, num=A, den=E.T(A),
                     shape_num=r"m \times n", shape_den=r"n \times m",
                     shapes=lambda d: {"A": (d["m"], d["n"]),
                                       "x": (d["n"],)})
    assert r.latex_denominator.startswith(
        r"\left(\frac{\partial (A \mathbf{x})}{\partial \mathbf{x}}"
        r"\right)^{\top} = A^{\top}")
