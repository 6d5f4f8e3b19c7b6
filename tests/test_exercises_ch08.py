"""Problem set 8 (The matrix calculus toolbox): feedback and references.

Each question gets a right answer and the wrong answers a reader is
likely to give (a transpose wherever the shape allows one, and every
chapter-specific mistake), with the status, diagnosis and a phrase of
the feedback they must get. The references, computed by the checkers
with sympy or mathlib.numeric, are compared with the chapter's closed
forms, and the notebook's "given" code with the module's constants.
"""

import numpy as np
import pytest
import sympy as sp

from mathlib.exercises import chapter, question, questions
from mathlib.exercises import ch08
from exercise_checks import feedback_test, judge_as_grader


def _given():
    """The names the notebook defines before the answer cells."""
    ns = {"np": np, "sp": sp}
    exec(chapter("ch08").given, ns)
    for q in questions("ch08"):
        if q.given:
            exec(q.given, ns)
    return ns


G = _given()
A_q, x_q = G["A_q"], G["x_q"]
X_fac, V_fac, lam = G["X_fac"], G["V_fac"], G["lam"]
X_d, E_d = G["X_d"], G["E_d"]
X_sym, A_t = G["X_sym"], G["A_t"]
z_s, H, Y, c_b = G["z_s"], G["X_feat"], G["Y"], G["c_b"]
softmax = G["softmax"]
Xi = np.linalg.inv(X_d)
s6 = softmax(z_s)


def res(U):
    return X_fac - U @ V_fac


def grad_U(U):                      # -2 R V^T + 2 lambda U
    return -2 * res(U) @ V_fac.T + 2 * lam * U


def probs(W, axis=1, bias=c_b):
    Z = H @ W.T + bias
    E = np.exp(Z - Z.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)


def grad_W(W):                      # (1/N) sum_k (s^(k) - y^(k)) h^(k)T
    return (probs(W) - Y).T @ H / len(H)


def naive_grad_W(W):                # exp(900) overflows: nan
    with np.errstate(over="ignore", invalid="ignore"):
        E = np.exp(H @ W.T + c_b)
        return (E / E.sum(axis=1, keepdims=True) - Y).T @ H / len(H)


GRAD_LOGDET = X_sym.inv().T + A_t.T          # X^-T + A^T

FEEDBACK = [
    # (question, answer, status, diagnosis, words in the feedback)
    ("ch08.q1", "A", "correct", "ok", "Correct."),
    ("ch08.q1", "(a)", "correct", "ok", "Correct."),
    ("ch08.q1", "B", "incorrect", "choice", "shape of the variable X"),
    ("ch08.q1", "C", "incorrect", "choice", "the 5 × 3 transpose"),
    ("ch08.q1", "D", "incorrect", "choice", "flattening X"),
    ("ch08.q1", 1, "incorrect", "kind", "as a string"),
    ("ch08.q2", (A_q + A_q.T) @ x_q, "correct", "ok", "Correct."),
    ("ch08.q2", x_q @ (A_q + A_q.T), "correct", "ok", "Correct."),
    ("ch08.q2", ((A_q + A_q.T) @ x_q).reshape(1, 3), "incorrect", "shape",
     "a row vector"),
    ("ch08.q2", 2 * A_q @ x_q, "incorrect", "mistake", "1 × 1 guess"),
    ("ch08.q2", 2 * A_q.T @ x_q, "incorrect", "mistake",
     "right only for a symmetric A"),
    ("ch08.q2", A_q @ x_q, "incorrect", "mistake", "adds Aᵀx"),
    ("ch08.q2", A_q.T @ x_q, "incorrect", "mistake", "adds Ax"),
    ("ch08.q2", -(A_q + A_q.T) @ x_q, "incorrect", "sign", "wrong sign"),
    ("ch08.q3", grad_U, "correct", "ok", "public check"),
    ("ch08.q3", lambda U: grad_U(U).T, "incorrect", "transpose",
     "numerator-layout derivative"),
    ("ch08.q3", lambda U: -2 * res(U) @ V_fac.T, "incorrect", "mistake",
     "penalty"),
    ("ch08.q3", lambda U: -2 * res(U) @ V_fac.T + lam * U, "incorrect",
     "mistake", "not λU"),
    ("ch08.q3", lambda U: 2 * res(U) @ V_fac.T + 2 * lam * U, "incorrect",
     "mistake", "minus sign"),
    ("ch08.q3", lambda U: -res(U) @ V_fac.T + 2 * lam * U, "incorrect",
     "mistake", "factor 2"),
    ("ch08.q3", lambda U: -grad_U(U), "incorrect", "sign", "wrong sign"),
    ("ch08.q3", lambda U: -2 * res(U) @ V_fac + 2 * lam * U, "error",
     "raised", "ValueError"),
    ("ch08.q4", -(Xi @ E_d @ Xi)[0, 1], "correct", "ok", "Correct."),
    ("ch08.q4", -4 / 25, "correct", "ok", "Correct."),
    ("ch08.q4", (Xi @ E_d @ Xi)[0, 1], "incorrect", "sign", "wrong sign"),
    ("ch08.q4", -(Xi @ Xi @ E_d)[0, 1], "incorrect", "mistake", "-X⁻²E"),
    ("ch08.q4", -(E_d @ Xi @ Xi)[0, 1], "incorrect", "mistake", "-EX⁻²"),
    ("ch08.q4", -(Xi @ E_d @ Xi)[1, 0], "incorrect", "mistake",
     "row 2, column 1"),
    ("ch08.q4", -(Xi @ E_d @ Xi), "incorrect", "kind", "shape (2, 2)"),
    ("ch08.q5", GRAD_LOGDET, "correct", "ok", "sympy proves"),
    ("ch08.q5", sp.Matrix(2, 2, lambda i, j: sp.diff(
        sp.log(X_sym.det()) + (A_t * X_sym).trace(), X_sym[i, j])),
     "correct", "ok", "Correct"),
    ("ch08.q5", X_sym.inv() + A_t, "incorrect", "mistake",
     "numerator-layout derivative"),
    ("ch08.q5", X_sym.inv() + A_t.T, "incorrect", "mistake",
     "the gradient is Mᵀ = X⁻ᵀ"),
    ("ch08.q5", X_sym.inv().T + A_t, "incorrect", "mistake",
     "∇ tr(AX) = Aᵀ"),
    ("ch08.q5", X_sym.det() * X_sym.inv().T + A_t.T, "incorrect",
     "mistake", "divides it by det X"),
    ("ch08.q5", -GRAD_LOGDET, "incorrect", "sign", "wrong sign"),
    ("ch08.q5", X_sym.inv().T, "incorrect", "symbolic", "in entry (0, 0)"),
    ("ch08.q5", sp.Matrix(list(GRAD_LOGDET)), "incorrect", "shape",
     "expected 2 x 2, got 4 x 1"),
    ("ch08.q5", "X22/(X11*X22 - X12*X21) + 1", "incorrect", "kind",
     "2 x 2 sympy Matrix"),
    ("ch08.q6", np.diag(s6) - np.outer(s6, s6), "correct", "ok",
     "Correct."),
    ("ch08.q6", np.diag(s6), "incorrect", "mistake", "diag(s) alone"),
    ("ch08.q6", np.diag(s6 * (1 - s6)), "incorrect", "mistake",
     "like a sigmoid"),
    ("ch08.q6", -np.outer(s6, s6), "incorrect", "mistake",
     "diag(s), is missing"),
    ("ch08.q6", np.outer(s6, s6) - np.diag(s6), "incorrect", "sign",
     "wrong sign"),
    ("ch08.q6", s6, "incorrect", "shape", "expected (3, 3), got (3,)"),
    ("ch08.q7", grad_W, "correct", "ok", "public check"),
    ("ch08.q7", lambda W: grad_W(W).T, "incorrect", "transpose",
     "numerator-layout derivative"),
    ("ch08.q7", lambda W: len(H) * grad_W(W), "incorrect", "mistake",
     "divide by N = 5"),
    ("ch08.q7", lambda W: probs(W).T @ H / len(H), "incorrect", "mistake",
     "the labels are missing"),
    ("ch08.q7", lambda W: -Y.T @ H / len(H), "incorrect", "mistake",
     "diagonal-only softmax Jacobian"),
    ("ch08.q7", lambda W: (probs(W, axis=0) - Y).T @ H / len(H),
     "incorrect", "mistake", "across the examples (axis 0)"),
    ("ch08.q7", lambda W: (probs(W, axis=None) - Y).T @ H / len(H),
     "incorrect", "mistake", "all 20 logits"),
    ("ch08.q7", lambda W: (probs(W, bias=0.0) - Y).T @ H / len(H),
     "incorrect", "mistake", "missing the bias c"),
    ("ch08.q7", naive_grad_W, "incorrect", "nonfinite",
     "returned nan in component"),
    ("ch08.q7", lambda W: -grad_W(W), "incorrect", "sign", "wrong sign"),
    ("ch08.q8", "B", "correct", "ok", "Correct."),
    ("ch08.q8", "A", "incorrect", "choice", "its transpose"),
    ("ch08.q8", "C", "incorrect", "choice", "is not"),
    ("ch08.q8", "D", "incorrect", "choice", "not 0"),
]


test_feedback = feedback_test(FEEDBACK)


def test_every_question_has_a_right_and_a_wrong_answer_above():
    for q in questions("ch08"):
        statuses = {c[2] for c in FEEDBACK if c[0] == q.id}
        assert "correct" in statuses and len(statuses) > 1, q.id


# ------------------------------------------------------- the references


def test_given_code_defines_the_checkers_numbers():
    assert np.array_equal(A_q, ch08.A_Q) and np.array_equal(x_q, ch08.X_Q)
    assert np.array_equal(X_fac, ch08.X_FAC)
    assert np.array_equal(V_fac, ch08.V_FAC) and lam == ch08.LAM
    assert np.array_equal(X_d, np.array(ch08.X_D, dtype=float))
    assert np.array_equal(E_d, np.array(ch08.E_D, dtype=float))
    assert X_sym == ch08.X_SYM and A_t == ch08.A_T
    assert np.array_equal(z_s, ch08.Z_S)
    assert np.array_equal(H, ch08.X_B) and np.array_equal(Y, ch08.Y_B)
    assert np.array_equal(c_b, ch08.C_B)
    rng = np.random.default_rng(8)
    for _ in range(3):
        U, W = rng.uniform(-2, 2, (4, 2)), rng.uniform(-2, 2, (4, 3))
        assert G["penalized_loss"](U) == pytest.approx(
            ch08._penalized_loss(U), rel=1e-14)
        assert G["batch_loss"](W) == pytest.approx(ch08._batch_loss(W),
                                                    rel=1e-14)
    assert G["batch_loss"](ch08.W_BIG) == pytest.approx(
        ch08._batch_loss(ch08.W_BIG), rel=1e-14)


def test_references_agree_with_the_chapters_closed_forms():
    """Two methods: the checkers' sympy or numeric references and the
    formulas of chapter 8 (sections 2, 3, 5 and 6)."""
    assert question("ch08.q1").reference() == "A"
    assert np.allclose(question("ch08.q2").reference(),
                       (A_q + A_q.T) @ x_q, rtol=1e-14)
    assert question("ch08.q4").reference() == sp.Rational(-4, 25)
    assert float(question("ch08.q4").reference()) == pytest.approx(
        -(Xi @ E_d @ Xi)[0, 1], rel=1e-14)
    assert sp.simplify(question("ch08.q5").reference() - GRAD_LOGDET) \
        == sp.zeros(2, 2)
    assert np.allclose(question("ch08.q6").reference(),
                       np.diag(s6) - np.outer(s6, s6), rtol=1e-14)
    assert question("ch08.q8").reference() == "B"
    rng = np.random.default_rng(3)
    for _ in range(4):
        U, W = rng.uniform(-2, 2, (4, 2)), rng.uniform(-2, 2, (4, 3))
        assert np.allclose(question("ch08.q3").reference(U), grad_U(U),
                           rtol=1e-12, atol=1e-12)
        assert np.allclose(question("ch08.q7").reference(W), grad_W(W),
                           rtol=1e-12, atol=1e-12)
    W = ch08.W_BIG
    assert np.allclose(question("ch08.q7").reference(W), grad_W(W),
                       rtol=1e-12, atol=1e-12)
    assert not np.isfinite(naive_grad_W(W)).all()


@pytest.mark.parametrize("qid, answer", [("ch08.q3", grad_U),
                                         ("ch08.q7", grad_W)])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_functions_pass_at_the_graders_points(qid, answer, seed):
    q = question(qid)
    v = judge_as_grader(q, answer, seed)
    assert v.status == "correct", str(v)
    assert f"all {q.grade_n + len(q.edge_points)} points" in v.feedback
