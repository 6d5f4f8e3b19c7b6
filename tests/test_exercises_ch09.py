"""Problem set 9 (Backpropagation through the layers of modern networks):
feedback and references.

Each question gets a right answer and the wrong answers a reader is
likely to give: a wrong shape and a transpose, a missing 1/sqrt(d), a
forgotten mask, a sum over the wrong axis, batch statistics treated as
constants, and the other mistakes the set names, with the status,
diagnosis and a phrase of the feedback they must get. The references,
computed by the checkers with mathlib.numeric, are compared with the
closed forms of chapter 9, and the notebook's "given" code with the
module's constants.
"""

import numpy as np
import pytest
import sympy as sp

from mathlib import layers
from mathlib.exercises import ch09, chapter, question, questions
from exercise_checks import feedback_test, judge_as_grader


def _given():
    """The names the notebook defines before the answer cells."""
    ns = {"np": np, "sp": sp}
    exec(chapter("ch09").given, ns)
    for q in questions("ch09"):
        if q.given:
            exec(q.given, ns)
    return ns


G = _given()
Q_a, K_a, V_a, G_a = G["Q_a"], G["K_a"], G["V_a"], G["G_a"]
gamma_l, Ybar_l = G["gamma_l"], G["Ybar_l"]
gamma_b, Ybar_b = G["gamma_b"], G["Ybar_b"]
ids, Ybar_e = G["ids"], G["Ybar_e"]
w_c, x_c, ybar_c = G["w_c"], G["x_c"], G["ybar_c"]
MASK = np.tril(np.ones((5, 5), dtype=bool))


def probs(Q, K, mask=True, scale=0.5):           # 1/sqrt(d) = 1/2
    S = Q @ K.T * scale
    if mask:
        S = np.where(MASK, S, -np.inf)
    return G["softmax_rows"](S)


def dS(Q, K, mask=True, full=True):
    P = probs(Q, K, mask)
    dP = G_a @ V_a.T
    if not full:
        return P * dP
    return P * (dP - np.sum(P * dP, axis=1, keepdims=True))


def grad_Q(Q):                                  # dS K / sqrt(d)
    return dS(Q, K_a) @ K_a / 2


def grad_K(K):                                  # dS^T Q / sqrt(d)
    return dS(Q_a, K).T @ Q_a / 2


def norm_back(X, gamma, ybar, axis, mu_term=True, sigma_term=True):
    sigma = np.sqrt(X.var(axis=axis, keepdims=True) + 1e-5)
    Xh = (X - X.mean(axis=axis, keepdims=True)) / sigma
    g = gamma * ybar
    out = g - g.mean(axis=axis, keepdims=True) * mu_term
    out = out - Xh * (g * Xh).mean(axis=axis, keepdims=True) * sigma_term
    return out / sigma


def grad_ln(X):
    return norm_back(X, gamma_l, Ybar_l, 1)


def grad_bn(X):
    return norm_back(X, gamma_b, Ybar_b, 0)


GRAD_E = np.zeros((6, 2))
np.add.at(GRAD_E, ids, Ybar_e)
LAST_WINS = np.zeros((6, 2))
LAST_WINS[ids] = Ybar_e
C_CONV = layers.conv1d_matrix(w_c, 7, stride=2, padding=1)
GRAD_X_CONV = C_CONV.T @ ybar_c

FEEDBACK = [
    # (question, answer, status, diagnosis, words in the feedback)
    ("ch09.q1", "B", "correct", "ok", "Correct."),
    ("ch09.q1", "A", "incorrect", "choice", "size of the gradient"),
    ("ch09.q1", "C", "incorrect", "choice", "nonzeros"),
    ("ch09.q1", "D", "incorrect", "choice", "one row per entry of Y"),
    ("ch09.q2", grad_Q, "correct", "ok", "public check"),
    ("ch09.q2", lambda Q: grad_Q(Q).T, "incorrect", "transpose",
     "transpose"),
    ("ch09.q2", lambda Q: grad_Q(Q)[:, :3], "incorrect", "shape",
     "(5, 4)"),
    ("ch09.q2", lambda Q: 2 * grad_Q(Q), "incorrect", "mistake",
     "1/√d"),
    ("ch09.q2", lambda Q: 4 * grad_Q(Q), "incorrect", "mistake",
     "divide by it"),
    ("ch09.q2", lambda Q: dS(Q, K_a, mask=False) @ K_a / 2, "incorrect",
     "mistake", "mask is missing"),
    ("ch09.q2", lambda Q: dS(Q, K_a, full=False) @ K_a / 2, "incorrect",
     "mistake", "only the diagonal"),
    ("ch09.q2", lambda Q: dS(Q, K_a).T @ K_a / 2, "incorrect", "mistake",
     "S̄ᵀ"),
    ("ch09.q2", lambda Q: -grad_Q(Q), "incorrect", "sign", "sign"),
    ("ch09.q3", grad_K, "correct", "ok", "public check"),
    ("ch09.q3", lambda K: grad_K(K).T, "incorrect", "transpose",
     "transpose"),
    ("ch09.q3", lambda K: dS(Q_a, K) @ K / 2, "incorrect", "mistake",
     "pattern of Q̄"),
    ("ch09.q3", lambda K: 2 * grad_K(K), "incorrect", "mistake", "1/√d"),
    ("ch09.q3", lambda K: dS(Q_a, K, mask=False).T @ Q_a / 2,
     "incorrect", "mistake", "mask is missing"),
    ("ch09.q4", 8.0, "correct", "ok", "Correct."),
    ("ch09.q4", "8", "incorrect", "kind", "without quotes"),
    ("ch09.q4", np.sqrt(64), "correct", "ok", "Correct."),
    ("ch09.q4", 64.0, "incorrect", "mistake", "variance"),
    ("ch09.q4", 1.0, "incorrect", "mistake", "scaled score"),
    ("ch09.q5", grad_ln, "correct", "ok", "public check"),
    ("ch09.q5", lambda X: gamma_l * Ybar_l / np.sqrt(
        X.var(axis=1, keepdims=True) + 1e-5), "incorrect", "mistake",
     "constants"),
    ("ch09.q5", lambda X: norm_back(X, gamma_l, Ybar_l, 0), "incorrect",
     "mistake", "wrong axis"),
    ("ch09.q5", lambda X: norm_back(X, gamma_l, Ybar_l, 1,
                                    sigma_term=False),
     "incorrect", "mistake", "term from σ"),
    ("ch09.q5", lambda X: norm_back(X, gamma_l, Ybar_l, 1,
                                    mu_term=False),
     "incorrect", "mistake", "term from μ"),
    ("ch09.q5", lambda X: norm_back(X, 1.0, Ybar_l, 1), "incorrect",
     "mistake", "γ is missing"),
    ("ch09.q5", lambda X: grad_ln(X).T, "incorrect", "transpose",
     "transpose"),
    ("ch09.q6", grad_bn, "correct", "ok", "public check"),
    ("ch09.q6", lambda X: gamma_b * Ybar_b / np.sqrt(
        X.var(axis=0, keepdims=True) + 1e-5), "incorrect", "mistake",
     "batch statistics as constants"),
    ("ch09.q6", lambda X: norm_back(X, gamma_b, Ybar_b, 1), "incorrect",
     "mistake", "wrong axis"),
    ("ch09.q6", lambda X: grad_bn(X).sum(axis=0), "incorrect", "shape",
     "(6, 3)"),
    ("ch09.q7", GRAD_E, "correct", "ok", "Correct."),
    ("ch09.q7", LAST_WINS, "incorrect", "mistake", "np.add.at"),
    ("ch09.q7", GRAD_E / np.maximum(np.bincount(ids, minlength=6), 1)
     [:, None], "incorrect", "mistake", "mean"),
    ("ch09.q7", Ybar_e, "incorrect", "shape", "(6, 2)"),
    ("ch09.q8", GRAD_X_CONV, "correct", "ok", "Correct."),
    ("ch09.q8", np.pad(GRAD_X_CONV, 1), "incorrect", "shape", "(7,)"),
    ("ch09.q8", ch09._dilated_full(w_c), "incorrect", "mistake",
     "not flipped"),
    ("ch09.q8", ch09._no_stride(), "incorrect", "mistake",
     "stride is missing"),
]


X1, X2 = sp.symbols("x1 x2", positive=True)
R = sp.sqrt((X1 ** 2 + X2 ** 2) / 2)
FEEDBACK += [
    ("ch09.q9", -X1 * X2 / (2 * R ** 3), "correct", "ok", "Correct"),
    ("ch09.q9", "-x1*x2/(2*((x1**2 + x2**2)/2)**(3/2))", "correct", "ok",
     "Correct"),
    ("ch09.q9", sp.Integer(0), "incorrect", "mistake", "constant"),
    ("ch09.q9", -X1 * X2 / R ** 3, "incorrect", "mistake", "1/n"),
    ("ch09.q9", -X1 * X2 / (2 * R), "incorrect", "mistake", "power of r"),
    ("ch09.q9", X1 * X2 / (2 * R ** 3), "incorrect", "sign", "sign"),
]

test_feedback = feedback_test(FEEDBACK)


def test_every_question_has_a_right_and_a_wrong_answer_above():
    for q in questions("ch09"):
        statuses = {c[2] for c in FEEDBACK if c[0] == q.id}
        assert "correct" in statuses and len(statuses) > 1, q.id


def test_the_named_kinds_of_mistake_are_each_caught_somewhere():
    """The brief's list: shape, transpose, missing 1/sqrt(d), forgotten
    mask, sum over the wrong axis, batch statistics as constants."""
    words = {"shape": "shape", "transpose": "transpose",
             "1/√d": "mistake", "mask is missing": "mistake",
             "wrong axis": "mistake", "batch statistics": "mistake"}
    for phrase, diagnosis in words.items():
        rows = [c for c in FEEDBACK if c[3] == diagnosis
                and (phrase in c[4] or diagnosis == phrase)]
        assert rows, phrase


# ------------------------------------------------------- the references


def test_given_code_defines_the_checkers_numbers():
    for mine, theirs in [(Q_a, ch09.Q_A), (K_a, ch09.K_A), (V_a, ch09.V_A),
                         (G_a, ch09.G_A), (gamma_l, ch09.GAMMA_L),
                         (Ybar_l, ch09.YBAR_L), (gamma_b, ch09.GAMMA_B),
                         (Ybar_b, ch09.YBAR_B), (ids, ch09.IDS),
                         (Ybar_e, ch09.YBAR_E), (w_c, ch09.W_C),
                         (x_c, ch09.X_C), (ybar_c, ch09.YBAR_C)]:
        assert np.array_equal(mine, theirs)
    assert np.array_equal(G["beta_l"], ch09.BETA_L)
    rng = np.random.default_rng(9)
    for _ in range(3):
        Q, X4, X6 = (rng.uniform(-2, 2, s) for s in [(5, 4), (4, 5),
                                                        (6, 3)])
        assert G["loss_att"](Q, K_a, V_a) == pytest.approx(
            ch09._loss_att(Q=Q), rel=1e-13)
        assert G["ln_loss"](X4) == pytest.approx(ch09._ln_loss(X4),
                                                 rel=1e-12, abs=1e-12)
        assert G["bn_loss"](X6) == pytest.approx(ch09._bn_loss(X6),
                                                 rel=1e-12, abs=1e-12)
    x = rng.standard_normal(7)
    assert np.allclose(G["conv1d"](x, w_c, 2, 1),
                       layers.conv1d(x, w_c, 2, 1), rtol=1e-14)


def test_references_agree_with_the_chapters_closed_forms():
    """Two methods: the checkers' numerical references and chapter 9's
    formulas (sections 1 to 5)."""
    assert question("ch09.q1").reference() == "B"
    assert question("ch09.q4").reference() == pytest.approx(8.0)
    assert sp.simplify(question("ch09.q9").reference()
                       + X1 * X2 / (2 * R ** 3)) == 0
    assert np.allclose(question("ch09.q7").reference(), GRAD_E)
    assert np.allclose(question("ch09.q8").reference(), GRAD_X_CONV)
    rng = np.random.default_rng(4)
    for _ in range(3):
        Q, X4, X6 = (rng.uniform(-2, 2, s) for s in [(5, 4), (4, 5),
                                                        (6, 3)])
        for qid, f, x in [("ch09.q2", grad_Q, Q), ("ch09.q3", grad_K, Q),
                          ("ch09.q5", grad_ln, X4),
                          ("ch09.q6", grad_bn, X6)]:
            assert np.allclose(question(qid).reference(x), f(x),
                               rtol=1e-9, atol=1e-11), qid


@pytest.mark.parametrize("qid, answer", [("ch09.q2", grad_Q),
                                         ("ch09.q3", grad_K),
                                         ("ch09.q5", grad_ln),
                                         ("ch09.q6", grad_bn)])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_functions_pass_at_the_graders_points(qid, answer, seed):
    q = question(qid)
    v = judge_as_grader(q, answer, seed)
    assert v.status == "correct", str(v)
    assert f"all {q.grade_n + len(q.edge_points)} points" in v.feedback
