"""Problem set 5 (the chain rules and backpropagation): every question
accepts a right answer and gives its specific feedback to wrong ones.

In-process, with ``evaluate``; tests/test_exercises.py checks the
notebook, the key and the blank notebook of every problem set.
"""
import numpy as np
import sympy as sp

from mathlib.exercises import question, questions
from exercise_checks import feedback_test

x = sp.Symbol("x", real=True)
x1, x2 = sp.symbols("x1 x2", real=True)

DY_DX = -3 * x**2 * sp.sin(x**3) * sp.exp(sp.cos(x**3))
E3 = float(np.exp(3))

J_YX = sp.Matrix([[2 * x1 * x2**2, 2 * x1**2 * x2],
                  [2 * x1 * x2 - x2**2, x1**2 - 2 * x1 * x2],
                  [sp.cos(x1 - x2), -sp.cos(x1 - x2)]])
J_YU_AT_X = sp.Matrix([[2 * x1, 0], [x2, x1], [0, sp.cos(x2)]])
J_UX = sp.Matrix([[x2, x1], [1, -1]])
J_YU_AT_G = sp.Matrix([[2 * x1 * x2, 0], [x1 - x2, x1 * x2],
                       [0, sp.cos(x1 - x2)]])

W1 = np.array([[1.0, -1.0, 0.5], [0.5, 2.0, -1.0], [-1.0, 0.0, 1.0]])
W2 = np.array([[1.0, 0.5, -1.0], [-0.5, 1.0, 2.0]])
T = np.array([0.5, -1.0])


def grad_z(v):
    h = np.tanh(W1 @ v)
    return (1 - h**2) * (W2.T @ (W2 @ h - T))


def grad_L(v):
    return W1.T @ grad_z(v)


def rnn_passes(p):
    """(h_0, ..., h_3) and the terms of dL/dw, step 1 to 3, and dL/dh0."""
    w, h = p[0], [p[1]]
    for _ in range(3):
        h.append(np.tanh(w * h[-1]))
    h_bar, terms = 1.0, {}
    for t in range(3, 0, -1):
        z_bar = h_bar * (1 - h[t] ** 2)
        terms[t] = z_bar * h[t - 1]
        h_bar = z_bar * w
    return terms, h_bar


def grad_rnn(p):
    terms, h0_bar = rnn_passes(p)
    return np.array([sum(terms.values()), h0_bar])


def only_step(step):
    def wrong(p):
        terms, h0_bar = rnn_passes(p)
        return np.array([terms[step], h0_bar])
    return wrong


ADJOINTS = np.array([14.0, 4.0, 5.0, 24.0, 28.0, 4.0])

FEEDBACK = [
    # (question, answer, status, diagnosis, words in the feedback)
    ("ch05.q1", DY_DX, "correct", "ok", "sympy proves"),
    ("ch05.q1", "-3x^2 sin(x^3) exp(cos(x^3))", "correct", "ok",
     "Correct"),
    ("ch05.q1", -sp.sin(x**3) * sp.exp(sp.cos(x**3)), "incorrect",
     "mistake", "innermost step"),
    ("ch05.q1", -3 * x**2 * sp.sin(x) * sp.exp(sp.cos(x**3)),
     "incorrect", "mistake", "at its own input"),
    ("ch05.q1", -DY_DX, "incorrect", "sign", "wrong sign"),
    ("ch05.q1", "2*x*exp(cos(x^3))", "incorrect", "symbolic",
     "right value is"),
    ("ch05.q2", 9 * E3 + 24, "correct", "ok", "Correct."),
    ("ch05.q2", 8 * E3 + 24, "incorrect", "mistake",
     "only the path through u"),
    ("ch05.q2", E3, "incorrect", "mistake", "only the direct path"),
    ("ch05.q2", E3 * (8 * E3 + 24), "incorrect", "mistake", "adds them"),
    ("ch05.q2", 2 * (9 * E3 + 24), "incorrect", "scale", "2 times"),
    ("ch05.q2", "228.77", "incorrect", "kind", "without quotes"),
    ("ch05.q3", J_YX, "correct", "ok", "sympy proves"),
    ("ch05.q3", J_YX.T, "incorrect", "transpose",
     "the 2 x 3 transpose is the denominator layout"),
    ("ch05.q3", J_UX.T * J_YU_AT_G.T, "incorrect", "transpose",
     "layout mix-up"),
    ("ch05.q3", J_YU_AT_X * J_UX, "incorrect", "mistake",
     "evaluated at u = g(x)"),
    ("ch05.q3", J_YU_AT_G, "incorrect", "mistake", "∂y/∂u alone"),
    ("ch05.q3", J_YX[:2, :], "incorrect", "shape",
     "expected 3 x 2, got 2 x 2"),
    ("ch05.q3", J_YX.subs(x1, sp.Symbol("u1")), "incorrect", "symbols",
     "the symbol u1"),
    ("ch05.q4", "B", "correct", "ok", "Correct."),
    ("ch05.q4", "(b)", "correct", "ok", "Correct."),
    ("ch05.q4", "A", "incorrect", "choice", "do not even fit"),
    ("ch05.q4", "C", "incorrect", "choice", "numerator-layout"),
    ("ch05.q4", "D", "incorrect", "choice", "either layout"),
    ("ch05.q4", 2, "incorrect", "kind", "as a string"),
    ("ch05.q5", grad_L, "correct", "ok", "public check"),
    ("ch05.q5", lambda v: W1 @ grad_z(v), "incorrect", "mistake",
     "multiplies by the transpose"),
    ("ch05.q5", lambda v: W1.T @ (W2.T @ (W2 @ np.tanh(W1 @ v) - T)),
     "incorrect", "mistake", "diag(1 − tanh²(z))"),
    ("ch05.q5", lambda v: W1.T @ ((1 - (W1 @ v) ** 2) * (
        W2.T @ (W2 @ np.tanh(W1 @ v) - T))), "incorrect", "mistake",
     "not 1 − z²"),
    ("ch05.q5", lambda v: W1.T @ ((1 - np.tanh(W1 @ v) ** 2) * (
        W2 @ (W2 @ np.tanh(W1 @ v) - T))), "error", "raised",
     "ValueError"),
    ("ch05.q5", lambda v: grad_L(v).reshape(1, 3), "incorrect", "shape",
     "a row vector"),
    ("ch05.q5", lambda v: grad_L(v)[:, None], "incorrect", "shape",
     "a column vector"),
    ("ch05.q5", lambda v: -grad_L(v), "incorrect", "sign", "wrong sign"),
    ("ch05.q5", lambda v: grad_L(v) / 2, "incorrect", "scale", "1/2 times"),
    ("ch05.q6", ADJOINTS, "correct", "ok", "Correct."),
    ("ch05.q6", ADJOINTS[None, :], "incorrect", "shape",
     "a row vector"),
    ("ch05.q6", ADJOINTS[:, None], "incorrect", "shape",
     "a column vector"),
    ("ch05.q6", [4.0, 4.0, 5.0, 14.0, 8.0, 4.0], "incorrect", "mistake",
     "the term from c is missing"),
    ("ch05.q6", [10.0, 4.0, 5.0, 20.0, 20.0, 4.0], "incorrect", "mistake",
     "the term from b is missing"),
    ("ch05.q6", [14.0, 4.0, 5.0, 14.0, 28.0, 4.0], "incorrect", "mistake",
     "the direct term is missing"),
    ("ch05.q6", [14.0, 4.0, 5.0, 24.0, 28.0, 5.0], "incorrect",
     "pointwise", "Component [5] is wrong (the other 5 are right)"),
    ("ch05.q7", 210_000, "correct", "ok", "Correct."),
    ("ch05.q7", 10_050_000, "incorrect", "mistake", "forward mode's order"),
    ("ch05.q7", 10_000, "incorrect", "mistake", "only the first product"),
    ("ch05.q7", 200_000, "incorrect", "mistake", "only the second"),
    ("ch05.q7", 2_100_000, "incorrect", "scale", "10 times"),
    ("ch05.q7", 123_456, "incorrect", "value", "is not right"),
    ("ch05.q8", grad_rnn, "correct", "ok", "public check"),
    ("ch05.q8", only_step(3), "incorrect", "mistake",
     "only the term of the last step"),
    ("ch05.q8", only_step(1), "incorrect", "mistake", "not assigned"),
    ("ch05.q8", lambda p: grad_rnn(p)[::-1], "incorrect", "mistake",
     "wrong order"),
    ("ch05.q8", lambda p: grad_rnn(p)[None, :], "incorrect", "shape",
     "a row vector"),
    ("ch05.q8", lambda p: np.array([grad_rnn(p)[0], 0.0]), "incorrect",
     "pointwise", "component [1]"),
    ("ch05.q8", lambda p: [0.0, 1 / (float(p[1]) - 2.0)], "error",
     "raised", "ZeroDivisionError"),
]


test_feedback = feedback_test(FEEDBACK)


def test_eight_questions_worth_ten_points_in_chapter_order():
    qs = questions("ch05")
    assert [q.id for q in qs] == [f"ch05.q{k}" for k in range(1, 9)]
    assert sum(q.points for q in qs) == 10
    assert {q.kind for q in qs} == {"expression", "number", "matrix",
                                    "choice", "function", "array"}


def test_the_references_are_the_chapters_derivatives():
    """The references agree with independent computations: finite
    differences for the functions, the chapter's rules for the rest."""
    from mathlib import numeric

    def loss(v):
        y = W2 @ np.tanh(W1 @ v)
        return 0.5 * (y - T) @ (y - T)

    def rnn_loss(p):
        w, h = p
        for _ in range(3):
            h = np.tanh(w * h)
        return h

    rng = np.random.default_rng(0)
    for _ in range(3):
        v, p = rng.uniform(-2, 2, 3), rng.uniform(-2, 2, 2)
        assert np.allclose(question("ch05.q5").reference(v),
                           numeric.gradient(loss, v), rtol=1e-8)
        assert np.allclose(question("ch05.q8").reference(p),
                           numeric.gradient(rnn_loss, p), rtol=1e-8)
    assert question("ch05.q4").reference() == "B"
    assert np.isclose(float(question("ch05.q2").reference()), 9 * E3 + 24)
    assert question("ch05.q7").reference() == 210_000
