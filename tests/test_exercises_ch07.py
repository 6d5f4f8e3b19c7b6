"""Problem set 7 (Hessians and quadratic approximation): its feedback,
and the derivatives its prompts state, checked by independent methods.

Every question gets a right answer and wrong ones with the status,
diagnosis and a phrase of the feedback they must get (each chapter-
specific mistake, and a transpose wherever the answer's shape allows
one); function answers are also judged at the grader's points.
"""

import numpy as np
import pytest
import sympy as sp

from mathlib import numeric, symbolic
from mathlib.exercises import evaluate, question, questions
from mathlib.exercises import ch07
from exercise_checks import feedback_test, judge_as_grader

x, y, z = sp.symbols("x y z", real=True)


def given(qid):
    """The namespace of a question's given code (as in the notebook)."""
    ns = {"np": np, "sp": sp}
    exec(question(qid).given, ns)
    return ns


# ------------------------------------------------------------ answers

H1 = sp.Matrix([
    [2 * y, 2 * x, 0],
    [2 * x, -z**2 * sp.sin(y * z), sp.cos(y * z) - y * z * sp.sin(y * z)],
    [0, sp.cos(y * z) - y * z * sp.sin(y * z), -y**2 * sp.sin(y * z)]])
H1_NO_PRODUCT = H1.copy()
H1_NO_PRODUCT[1, 2] = H1_NO_PRODUCT[2, 1] = sp.cos(y * z)

A = np.array([[1.0, 2.0, 0.0], [-1.0, 3.0, 4.0], [2.0, 0.0, -2.0]])

H3 = np.array([[0.0, 1.0], [-2.0, 0.0]])

T2 = "1 + 2*(x - 1) + y + (x - 1)**2 + 2*(x - 1)*y + y**2/2"
E1, E2 = x - 1, y
T1 = 1 + 2 * E1 + E2


def softmax(w):
    e = np.exp(w - np.max(w))
    return e / e.sum()


def newton_by_hand(w):
    s = softmax(w)
    H = np.diag(s) - np.outer(s, s) + np.eye(3)
    return w - np.linalg.solve(H, s + w)


def newton_numeric(w):
    """The chapter's newton_step, with mathlib.numeric."""
    f = given("ch07.q7")["f_newton"]
    return w - np.linalg.solve(numeric.hessian(f, w),
                               numeric.gradient(f, w))


def newton_diagonal(w):
    s = softmax(w)
    return w - (s + w) / (s + 1)


Q8 = given("ch07.q8")
X8, LABELS8, W08 = Q8["X"], Q8["labels"], Q8["W0"]
N8 = len(LABELS8)


def softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def grad_by_formula(W):
    """The gradient the prompt states: (1/N) sum (s_n - e_yn) x_n^T."""
    S = softmax_rows(X8 @ W.T)
    S[np.arange(N8), LABELS8] -= 1
    return S.T @ X8 / N8


def hvp_by_hand(V, diagonal_only=False):
    S = softmax_rows(X8 @ W08.T)
    U = X8 @ V.T
    J = S * U if diagonal_only else \
        S * U - S * np.sum(S * U, axis=1, keepdims=True)
    return J.T @ X8 / N8


def hvp_exact_from_gradient(V):
    """Section 7's way: the derivative of t -> grad(W0 + t V) at 0."""
    return numeric.jacobian(lambda t: grad_by_formula(W08 + t * V), 0.0)


def hvp_central(V, t=1e-5):
    return (grad_by_formula(W08 + t * V) -
            grad_by_formula(W08 - t * V)) / (2 * t)


FEEDBACK = [
    # (question, answer, status, diagnosis, words in the feedback)
    ("ch07.q1", H1, "correct", "ok", "sympy proves"),
    ("ch07.q1", H1.T, "correct", "ok", "Correct"),     # H is symmetric
    ("ch07.q1", symbolic.hessian(x**2 * y + sp.sin(y * z), [x, y, z]),
     "correct", "ok", "Correct"),
    ("ch07.q1", H1_NO_PRODUCT, "incorrect", "mistake", "product rule"),
    ("ch07.q1", sp.diag(*[H1[i, i] for i in range(3)]), "incorrect",
     "mistake", "the diagonal is filled in"),
    ("ch07.q1", -H1, "incorrect", "sign", "wrong sign"),
    ("ch07.q1", sp.Matrix([2 * x * y, x**2 + z * sp.cos(y * z),
                           y * sp.cos(y * z)]), "incorrect", "shape",
     "expected 3 x 3, got 3 x 1"),
    ("ch07.q1", 2 * y, "incorrect", "kind", "3 x 3 sympy Matrix"),
    ("ch07.q2", A + A.T, "correct", "ok", "Correct."),
    ("ch07.q2", (A + A.T).T, "correct", "ok", "Correct."),   # symmetric
    ("ch07.q2", 2 * A, "incorrect", "mistake", "2A is not symmetric"),
    ("ch07.q2", 2 * A.T, "incorrect", "mistake", "2Aᵀ is not symmetric"),
    ("ch07.q2", A, "incorrect", "mistake", "only when A is symmetric"),
    ("ch07.q2", (A + A.T) / 2, "incorrect", "mistake", "no factor ½"),
    ("ch07.q2", -(A + A.T), "incorrect", "sign", "wrong sign"),
    ("ch07.q2", (A + A.T)[0], "incorrect", "shape",
     "expected (3, 3), got (3,)"),
    ("ch07.q3", H3, "correct", "ok", "Correct."),
    ("ch07.q3", H3.T, "incorrect", "transpose",
     "orders of differentiation swapped"),
    ("ch07.q3", np.array([[0.0, -0.5], [-0.5, 0.0]]), "incorrect",
     "mistake", "numeric.hessian reports"),
    ("ch07.q3", np.array([[0.0, 1.0], [1.0, 0.0]]), "incorrect",
     "mistake", "Schwarz's theorem does not apply"),
    ("ch07.q3", np.array([[0.0, -2.0], [-2.0, 0.0]]), "incorrect",
     "mistake", "Schwarz's theorem does not apply"),
    ("ch07.q3", np.array([[0.0, 1.0], [-1.0, 0.0]]), "incorrect",
     "mistake", "the chapter's g"),
    ("ch07.q3", H3.ravel(), "incorrect", "shape", "reshape to (2, 2)"),
    ("ch07.q3", np.array([[0.0, 1.0], [-2.0, 1.0]]), "incorrect",
     "pointwise", "Entry [1, 1] is wrong"),
    ("ch07.q4", T2, "correct", "ok", "sympy proves"),
    ("ch07.q4", x**2 + 2 * x * y + y**2 / 2 - y, "correct", "ok",
     "Correct"),
    ("ch07.q4", T1 + 2 * E1**2 + 4 * E1 * E2 + E2**2, "incorrect",
     "mistake", "forgetting the ½"),
    ("ch07.q4", T1 + E1**2 + E1 * E2 + E2**2 / 2, "incorrect", "mistake",
     "H₁₂ and H₂₁ both contribute"),
    ("ch07.q4", T1, "incorrect", "mistake", "linear approximation"),
    ("ch07.q4", x**2, "incorrect", "mistake", "expansion at (0, 0)"),
    ("ch07.q4", "1 + 2*x + y + x^2 + 2*x*y + y^2/2", "incorrect",
     "mistake", "in the steps"),
    ("ch07.q4", "-(" + T2 + ")", "incorrect", "sign", "wrong sign"),
    ("ch07.q4", "1 + 2*e1 + y", "error", "unreadable", "unknown name"),
    ("ch07.q5", "C", "correct", "ok", "Correct."),
    ("ch07.q5", "(c)", "correct", "ok", "Correct."),
    ("ch07.q5", "A", "incorrect", "choice", "not enough"),
    ("ch07.q5", "B", "incorrect", "choice", "not negative definite"),
    ("ch07.q5", "D", "incorrect", "choice", "det H(0, 0)"),
    ("ch07.q5", 3, "incorrect", "kind", "as a string"),
    ("ch07.q6", (51 + np.sqrt(2561)) / (51 - np.sqrt(2561)), "correct",
     "ok", "Correct."),
    ("ch07.q6", 4.1, "incorrect", "mistake", "diagonal entries"),
    ("ch07.q6", (51 - np.sqrt(2561)) / (51 + np.sqrt(2561)), "incorrect",
     "mistake", "at most 1"),
    ("ch07.q6", 51 + np.sqrt(2561), "incorrect", "mistake",
     "λ_max alone"),
    ("ch07.q6", "258.1", "incorrect", "kind", "without quotes"),
    ("ch07.q6", 2508.0, "incorrect", "value", "is not right"),
    ("ch07.q7", newton_by_hand, "correct", "ok", "public check"),
    ("ch07.q7", newton_numeric, "correct", "ok", "public check"),
    ("ch07.q7", lambda w: newton_by_hand(w) - w, "incorrect", "mistake",
     "the next iterate"),
    ("ch07.q7", lambda w: 2 * w - newton_by_hand(w), "incorrect",
     "mistake", "the wrong way"),
    ("ch07.q7", lambda w: w - (softmax(w) + w), "incorrect", "mistake",
     "gradient step"),
    ("ch07.q7", newton_diagonal, "incorrect", "mistake",
     "not diag(s) alone"),
    ("ch07.q7", lambda w: newton_by_hand(w).reshape(3, 1), "incorrect",
     "shape", "a column vector"),
    ("ch07.q7", lambda w: np.linalg.solve(np.zeros((3, 3)), w), "error",
     "raised", "LinAlgError"),
    ("ch07.q8", hvp_by_hand, "correct", "ok", "public check"),
    ("ch07.q8", hvp_exact_from_gradient, "correct", "ok", "public check"),
    ("ch07.q8", hvp_central, "correct", "ok", "public check"),
    ("ch07.q8", lambda V: N8 * hvp_by_hand(V), "incorrect", "mistake",
     "1/N"),
    ("ch07.q8", lambda V: hvp_by_hand(V, diagonal_only=True),
     "incorrect", "mistake", "not diag(s) alone"),
    ("ch07.q8", lambda V: grad_by_formula(W08 + V) - grad_by_formula(W08),
     "incorrect", "mistake", "step t = 1"),
    ("ch07.q8", lambda V: grad_by_formula(W08), "incorrect", "mistake",
     "the same for every V"),
    ("ch07.q8", lambda V: hvp_by_hand(V).T, "incorrect", "transpose",
     "H[V] has the shape of W"),
    ("ch07.q8", lambda V: -hvp_by_hand(V), "incorrect", "sign",
     "wrong sign"),
]


test_feedback = feedback_test(FEEDBACK)


def test_every_chapter_specific_mistake_is_exercised():
    """Each entry of mistakes= has a FEEDBACK case that reaches it."""
    for q in questions("ch07"):
        for _, message in q.mistakes:
            assert any(c[0] == q.id and c[3] == "mistake" and
                       c[4] in message for c in FEEDBACK), (q.id, message)


def test_problem_set_shape():
    qs = questions("ch07")
    assert len(qs) == 8 and sum(q.points for q in qs) == 10
    assert [q.kind for q in qs] == ["matrix", "array", "array",
                                    "expression", "choice", "number",
                                    "function", "function"]


# ------------------------------------------- the grader's sample points


@pytest.mark.parametrize("seed", [1, 2, 3, 17])
@pytest.mark.parametrize("qid, answer", [
    ("ch07.q7", newton_by_hand), ("ch07.q7", newton_numeric),
    ("ch07.q8", hvp_by_hand), ("ch07.q8", hvp_exact_from_gradient),
    ("ch07.q8", hvp_central)])
def test_right_functions_pass_at_the_graders_points(qid, answer, seed):
    v = judge_as_grader(question(qid), answer, seed)
    assert v.status == "correct", str(v)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mistakes_are_named_at_the_graders_points(seed):
    v = judge_as_grader(question("ch07.q8"),
                        lambda V: N8 * hvp_by_hand(V), seed)
    assert v.diagnosis == "mistake" and "1/N" in v.feedback
    v = judge_as_grader(question("ch07.q7"), newton_diagonal, seed)
    assert v.diagnosis == "mistake" and "diag(s)" in v.feedback


def test_newton_hessian_is_well_conditioned_over_the_box():
    """H = diag(s) - s s^T + I has eigenvalues in [1, 1.5]: the Newton
    step is well defined at every point the grader may choose."""
    f = given("ch07.q7")["f_newton"]
    q = question("ch07.q7")
    rng = np.random.default_rng(0)
    corners = np.array(np.meshgrid(*[q.box] * 3)).reshape(3, -1).T
    for w in list(corners) + [rng.uniform(*q.box, 3) for _ in range(20)]:
        lam = np.linalg.eigvalsh(numeric.hessian(f, w))
        assert 1 - 1e-9 <= lam[0] and lam[-1] <= 1.5 + 1e-9


# -------------------------------------- the prompts' stated derivatives


def test_q1_hessian_agrees_with_numeric_hessian():
    f = sp.lambdify([(x, y, z)], x**2 * y + sp.sin(y * z), "numpy")
    for p in [np.array([0.3, -1.2, 0.7]), np.array([1.5, 0.4, -2.0])]:
        H = np.array(H1.subs(dict(zip([x, y, z], p))), dtype=float)
        assert np.allclose(numeric.hessian(f, p), H, atol=1e-10)


def test_q2_given_data_match_the_checker_and_the_hessian_is_a_plus_at():
    ns = given("ch07.q2")
    assert np.array_equal(ns["A"], np.array(ch07.A_Q2, dtype=float))
    assert np.array_equal(ns["b"], np.array(ch07.B_Q2, dtype=float).ravel())
    assert not np.array_equal(ns["A"], ns["A"].T)
    f = lambda v: v @ ns["A"] @ v + ns["b"] @ v           # noqa: E731
    H = numeric.hessian(f, np.array([0.5, -1.0, 2.0]))
    assert np.allclose(H, A + A.T, atol=1e-10)


def test_q3_limits_and_what_numeric_hessian_reports():
    h, k = sp.symbols("h k", real=True)
    g = x * y * (x**2 - 2 * y**2) / (x**2 + y**2)
    assert sp.limit(g.subs(x, h) / h, h, 0) == -2 * y      # g_x(0, y)
    assert sp.limit(g.subs(y, k) / k, k, 0) == x           # g_y(x, 0)
    assert sp.limit(g, x, 0) == 0 and sp.limit(g.subs(y, 0), x, 0) == 0

    def g_num(q):
        r2 = q[0] ** 2 + q[1] ** 2
        if r2 == 0:
            return 0 * r2
        return q[0] * q[1] * (q[0] ** 2 - 2 * q[1] ** 2) / r2

    H = numeric.hessian(g_num, [0.0, 0.0])
    assert np.allclose(H, (H3 + H3.T) / 2, atol=1e-9)
    # the chapter's g (Peano): g_xy(0, 0) = -1, g_yx(0, 0) = 1
    assert np.array_equal(ch07._origin_cached("peano"),
                          [[0.0, 1.0], [-1.0, 0.0]])


def test_q4_taylor_pieces():
    f = x**2 * sp.exp(y)
    assert symbolic.gradient(f, [x, y]).subs({x: 1, y: 0}) == \
        sp.Matrix([2, 1])
    assert symbolic.hessian(f, [x, y]).subs({x: 1, y: 0}) == \
        sp.Matrix([[2, 2], [2, 1]])
    assert sp.expand(sp.sympify(T2, locals={"x": x, "y": y}) -
                     symbolic.taylor(f, [x, y], [1, 0])) == 0


def test_q5_origin_is_a_critical_point_and_a_saddle():
    f = x**2 + 3 * x * y + y**2 + x**3
    assert symbolic.gradient(f, [x, y]).subs({x: 0, y: 0}) == \
        sp.zeros(2, 1)
    H = symbolic.hessian(f, [x, y]).subs({x: 0, y: 0})
    assert H == sp.Matrix([[2, 3], [3, 2]])
    assert sorted(H.eigenvals()) == [-1, 5]


def test_q6_hessian_at_the_minimum():
    def rosen10(q):
        return (1 - q[0]) ** 2 + 10 * (q[1] - q[0] ** 2) ** 2

    p = np.array([1.0, 1.0])
    assert rosen10(p) == 0 and np.allclose(numeric.gradient(rosen10, p), 0)
    H = numeric.hessian(rosen10, p)
    assert np.allclose(H, [[82, -40], [-40, 20]], atol=1e-9)
    lam = np.linalg.eigvalsh(H)
    assert lam[0] > 0
    assert evaluate("ch07.q6", lam[-1] / lam[0])


def test_q8_given_data_match_the_checker_and_the_gradient_formula():
    assert np.array_equal(X8, ch07.X_Q8)
    assert np.array_equal(LABELS8, ch07.LABELS_Q8)
    assert np.array_equal(W08, ch07.W0_Q8)
    rng = np.random.default_rng(1)
    for W in [W08, rng.standard_normal((3, 2))]:
        assert np.allclose(numeric.gradient(Q8["loss"], W),
                           grad_by_formula(W), rtol=1e-12, atol=1e-14)
        assert np.isclose(Q8["loss"](W), ch07._loss_q8(W))
    V = rng.standard_normal((3, 2))
    H = numeric.hessian(Q8["loss"], W08)
    assert H.shape == (3, 2, 3, 2)
    assert np.allclose(H.reshape(6, 6) @ V.ravel(),
                       hvp_by_hand(V).ravel(), atol=1e-12)
