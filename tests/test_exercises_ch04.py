"""Problem set 4 (Jacobians): every question's feedback, in-process.

For every question: a right answer, the layout mix-up wherever the
answer's shape allows one, each named mistake of ``mathlib/exercises/
ch04.py``, and a generic wrong answer, with the status, diagnosis and a
phrase of the feedback each must get. The key (tests/submissions/keys/
ch04.py) must pass the public check and the grader's points for several
seeds. (tests/test_grade.py runs the sample notebooks in real kernels.)
"""
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from mathlib.exercises import chapter, question, questions

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "submissions"))
import cases  # noqa: E402
from exercise_checks import feedback_test, notebook_names  # noqa: E402

x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
y1, y2, y3 = sp.symbols("y1 y2 y3", positive=True)
z = sp.Symbol("z", real=True)

J_G = np.array([[1.0, -4.0, 1.0], [1.0, 0.0, -2.0]])
ROOT3 = np.sqrt(3.0)
J_U = sp.diag(2 * x1 / y1, 2 * x2 / y2, 2 * x3 / y3)
DU_DZ = sp.Matrix([2 * z * x1 + 1, 2 * z * x2 + 1, 2 * z * x3 + 1])
TARGET = np.array([1.0, -2.0, 0.5, 3.0])


def dL_dx(v):
    return ((v - TARGET) / 2).reshape(1, 4)


def jac_p(v):
    s = v.sum()
    return np.eye(4) / s - np.outer(v, np.ones(4)) / s**2


FEEDBACK = [
    # (question, answer, status, diagnosis, words in the feedback)
    # q1: a Jacobian at a point, (2, 3)
    ("ch04.q1", J_G, "correct", "ok", "Correct."),
    ("ch04.q1", J_G.tolist(), "correct", "ok", "Correct."),
    ("ch04.q1", J_G.T, "incorrect", "transpose",
     "transpose of the right answer: a layout mix-up (numerator layout "
     "has one row per output"),
    ("ch04.q1", J_G.T.reshape(2, 3), "incorrect", "mistake",
     "denominator layout (one row per input) reshaped"),
    ("ch04.q1", J_G.ravel(), "incorrect", "shape", "reshape to (2, 3)"),
    ("ch04.q1", -J_G, "incorrect", "sign", "wrong sign"),
    ("ch04.q1", [[1.0, -4.0, 1.0], [1.0, 0.0, 2.0]], "incorrect",
     "pointwise", "Entry [1, 2] is wrong (the other 5 are right)"),
    # q2: the linear estimate of r sin(theta)
    ("ch04.q2", 1 + 0.5 * 0.1 + 2 * ROOT3 / 2 * (-0.05), "correct", "ok",
     "Correct."),
    ("ch04.q2", 2.1 * np.sin(np.pi / 6 - 0.05), "incorrect", "mistake",
     "exact value"),
    ("ch04.q2", 0.5 * 0.1 + ROOT3 * (-0.05), "incorrect", "mistake",
     "predicted change"),
    ("ch04.q2", 1 - 2 * 0.5 * 0.1 + ROOT3 * (-0.05), "incorrect",
     "mistake", "column 2 of the Jacobian"),
    ("ch04.q2", 1 + 0.5 * 0.1 + ROOT3 / 2 * (-0.05), "incorrect",
     "mistake", "factor r is missing"),
    ("ch04.q2", ROOT3 + ROOT3 / 2 * 0.1 + 1 * 0.05, "incorrect",
     "mistake", "first output"),
    ("ch04.q2", 0.9, "incorrect", "value", "0.9 is not right"),
    ("ch04.q2", "0.9634", "incorrect", "kind", "without quotes"),
    # q3: the Jacobian of (x ⊙ x) ⊘ y by x, 3 x 3
    ("ch04.q3", J_U, "correct", "ok", "sympy proves"),
    ("ch04.q3", sp.Matrix(3, 3, lambda i, j: 2 * sp.Symbol(f"x{i + 1}") /
                          sp.Symbol(f"y{i + 1}") if i == j else 0),
     "correct", "ok", "Correct"),
    ("ch04.q3", J_U / 2, "incorrect", "mistake", "two routes"),
    ("ch04.q3", sp.diag(-x1**2 / y1**2, -x2**2 / y2**2, -x3**2 / y3**2),
     "incorrect", "mistake", "with respect to y"),
    ("ch04.q3", -J_U, "incorrect", "sign", "wrong sign"),
    ("ch04.q3", sp.Matrix([2 * x1 / y1, 2 * x2 / y2, 2 * x3 / y3]),
     "incorrect", "shape", "expected 3 x 3, got 3 x 1"),
    ("ch04.q3", sp.diag(2 * x1 / y1, 2 * x2 / y2, 2 * x3), "incorrect",
     "symbolic", "in entry (2, 2)"),
    ("ch04.q3", sp.diag(2 * sp.Symbol("t"), 0, 0), "incorrect", "symbols",
     "the symbol t"),
    # q4: scalar expansion, d(z^2 x + z)/dz, 3 x 1
    ("ch04.q4", DU_DZ, "correct", "ok", "sympy proves"),
    ("ch04.q4", list(DU_DZ), "correct", "ok", "Correct"),
    ("ch04.q4", 2 * z * sp.Matrix([x1, x2, x3]) + sp.ones(3, 1), "correct",
     "ok", "Correct"),
    ("ch04.q4", DU_DZ.T, "incorrect", "transpose",
     "a layout mix-up (the derivative of a vector by a scalar is a 3 x 1 "
     "column in numerator layout"),
    ("ch04.q4", 2 * z * sp.Matrix([x1, x2, x3]), "incorrect", "mistake",
     "column of ones"),
    ("ch04.q4", sp.diag(z**2, z**2, z**2), "incorrect", "shape",
     "expected 3 x 1, got 3 x 3"),
    ("ch04.q4", DU_DZ + 2 * sp.ones(3, 1), "incorrect", "symbolic",
     "in entry (0, 0)"),
    # q5: the mean squared error, a (1, 4) row
    ("ch04.q5", dL_dx, "correct", "ok", "The grader tests it at other "
     "points too."),
    ("ch04.q5", lambda v: dL_dx(v).reshape(4, 1), "incorrect", "transpose",
     "layout mix-up (in numerator layout the derivative of the scalar L by "
     "x is the 1 x 4 row"),
    ("ch04.q5", lambda v: dL_dx(v).ravel(), "incorrect", "shape",
     "expected (1, 4), got (4,) (the numbers are right: reshape to "
     "(1, 4))"),
    ("ch04.q5", lambda v: 4 * dL_dx(v), "incorrect", "mistake",
     "divides by n = 4"),
    ("ch04.q5", lambda v: dL_dx(v) / 2, "incorrect", "mistake",
     "factor 2 from the square"),
    ("ch04.q5", lambda v: -dL_dx(v), "incorrect", "sign", "wrong sign"),
    ("ch04.q5", lambda v: dL_dx(v) + (v[0] > 1), "incorrect", "pointwise",
     "wrong at x ="),
    ("ch04.q5", lambda v: 1 / 0, "error", "raised", "ZeroDivisionError"),
    ("ch04.q5", lambda v: None, "missing", "missing", "returns None"),
    # q6: which printed derivative gives denominator layout away
    ("ch04.q6", "B", "correct", "ok", "Correct."),
    ("ch04.q6", "(b)", "correct", "ok", "Correct."),
    ("ch04.q6", "A", "incorrect", "choice", "cannot tell them apart"),
    ("ch04.q6", "C", "incorrect", "choice", "mixed-layout paper"),
    ("ch04.q6", "D", "incorrect", "choice", "numerator-layout paper"),
    ("ch04.q6", 3, "incorrect", "kind", "as a string"),
    # q7: the Jacobian of x / sum(x), (4, 4)
    ("ch04.q7", jac_p, "correct", "ok", "public check"),
    ("ch04.q7", lambda v: jac_p(v).T, "incorrect", "transpose",
     "transpose of the right answer: a layout mix-up (row i of the "
     "Jacobian is the transposed gradient"),
    ("ch04.q7", lambda v: np.diag(np.diag(jac_p(v))), "incorrect",
     "mistake", "element-wise diagonal condition fails"),
    ("ch04.q7", lambda v: np.eye(4) / v.sum(), "incorrect", "mistake",
     "treats the sum s as a constant"),
    ("ch04.q7", lambda v: 2 * np.eye(4) / v.sum() - jac_p(v), "incorrect",
     "mistake", "wrong sign: ∂(1/s)/∂xⱼ = -1/s²"),
    ("ch04.q7", lambda v: -jac_p(v), "incorrect", "sign", "wrong sign"),
    ("ch04.q7", lambda v: np.diag(jac_p(v)), "incorrect", "shape",
     "expected (4, 4), got (4,)"),
    ("ch04.q7", lambda v: np.diag(v / v.sum()) - np.outer(v, v) / v.sum()**2,
     "incorrect", "mistake", "softmax Jacobian"),
    ("ch04.q7", lambda v: np.eye(4) / v.sum() - np.outer(v, v) / v.sum()**2,
     "incorrect", "pointwise", "rong at x ="),
]


test_feedback = feedback_test(FEEDBACK)


def test_problem_set_shape():
    c = chapter("ch04")
    assert c.max_points == 10 and len(c.questions) == 7
    assert [q.kind for q in c.questions] == [
        "array", "number", "matrix", "matrix", "function", "choice",
        "function"]
    assert [q.points for q in c.questions] == [1, 1, 1, 1, 2, 1, 3]


@pytest.mark.parametrize("q", questions("ch04"), ids=lambda q: q.id)
def test_every_prompt_states_the_shapes_and_the_layout(q):
    text = q.prompt + q.template
    if q.kind in ("array", "function"):
        shape = q.shape if q.kind == "array" else q.out_shape
        assert f"shape `{shape}`" in q.prompt and str(shape) in q.template
    if q.kind == "matrix":
        rows, cols = q.shape
        assert f"${rows} \\times {cols}$" in q.prompt
        assert f"{rows} x {cols} sympy Matrix" in q.template
    assert "layout" in text


@pytest.mark.parametrize("q", [q for q in questions("ch04")
                               if q.kind == "function"],
                         ids=lambda q: q.id)
def test_function_references_are_well_conditioned_over_the_box(q):
    """Sampled over the box, the reference is finite and matches the
    key's closed form far inside the tolerance."""
    ns = notebook_names(q)
    exec(cases.CORRECT[q.id], ns)
    key = ns[q.name]
    rng = np.random.default_rng(0)
    lo, hi = q.box
    for _ in range(50):
        v = rng.uniform(lo, hi, q.arg_shape)
        E = np.asarray(q.reference(v.copy()), dtype=float)
        assert E.shape == q.out_shape and np.isfinite(E).all()
        assert np.max(np.abs(E - key(v))) <= 1e-9 * np.max(np.abs(E))


def test_the_q6_letter_is_computed_from_the_options():
    # the reference compares what each option prints with the sympy
    # Jacobian; only B is the transpose of a Jacobian with more than one
    # row (C, a gradient, is printed by mixed-layout papers too)
    assert question("ch04.q6").reference() == "B"


def test_derivatives_stated_in_prompts_and_feedback_are_right():
    from mathlib import numeric, symbolic

    r, th = sp.symbols("r theta", positive=True)
    # q2: the polar Jacobian of section 3, and d(r sin t)/dt = r cos t
    J = symbolic.jacobian([r * sp.cos(th), r * sp.sin(th)], [r, th])
    assert J == sp.Matrix([[sp.cos(th), -r * sp.sin(th)],
                           [sp.sin(th), r * sp.cos(th)]])
    # q4: d(x + z 1)/dz is the column of ones
    assert symbolic.jacobian(sp.Matrix([x1, x2, x3]) + z * sp.ones(3, 1),
                             [z]) == sp.ones(3, 1)
    # q5: d(x_i - y_i)^2/dx_i = 2(x_i - y_i)
    assert sp.expand(sp.diff((x1 - y1)**2, x1) - 2 * (x1 - y1)) == 0
    # q7: off the diagonal d(x_i/s)/dx_j = -x_i/s^2; d(1/s)/dx_j = -1/s^2
    xs = sp.symbols("a1:5", positive=True)
    s = sum(xs)
    Jp = symbolic.jacobian([v / s for v in xs], xs)
    for i in range(4):
        for j in range(4):
            want = (1 if i == j else 0) / s - xs[i] / s**2
            assert sp.simplify(Jp[i, j] - want) == 0
    assert sp.simplify(sp.diff(1 / s, xs[2]) + 1 / s**2) == 0
    # q7's softmax mistake is the softmax Jacobian diag(p) - p p^T
    v = np.array([0.3, -1.2, 2.0, 0.1])
    soft = np.exp(v) / np.exp(v).sum()
    assert np.allclose(numeric.jacobian(
        lambda t: np.exp(t) / np.exp(t).sum(), v),
        np.diag(soft) - np.outer(soft, soft), rtol=1e-12, atol=1e-14)
