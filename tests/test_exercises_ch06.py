"""Problem set 6 (gradients of a neuron, a layer and a loss): every
question accepts a right answer and gives its specific feedback to wrong
ones.

In-process, with ``evaluate``; tests/test_exercises.py checks the
notebook, the key and the blank notebook of every problem set. Here also:
the given code defines the checker's numbers, the letters and the
references are computed from the problem and agree with the chapter's
formulas, and the function answers pass at the grader's points (the
network's gradient even next to a kink).
"""
import numpy as np
import pytest
import sympy as sp

from exercise_checks import feedback_test, judge_as_grader
from mathlib.exercises import ch06, chapter, question, questions


def given(*qids):
    """The names the notebook defines: imports, the problem set's given
    code and the questions'."""
    ns = {"np": np, "sp": sp}
    exec(chapter("ch06").given, ns)
    for qid in qids:
        exec(question(qid).given, ns)
    return ns


G = given("ch06.q2", "ch06.q4", "ch06.q5", "ch06.q7", "ch06.q8")

# questions 2 and 3: the worked numbers
X, Y = G["X_toy"], G["y_toy"]
Z_TOY = X @ G["w_toy"] + G["b_toy"]                     # (-1, 2.5, -0.5, 2)
E_TOY = np.maximum(0.0, Z_TOY) - Y                      # errors a_i - y_i
DELTA = 2 / 4 * E_TOY * (Z_TOY > 0)
GRAD_W = X.T @ DELTA                                    # (-0.5, -0.75, 1.75)

# question 4
W_s, x_s, t_s = G["W_sym"], G["x_sym"], G["t_sym"]
GRAD_W_SYM = (W_s * x_s - t_s) * x_s.T


def grad_W(W, bias=True, squared=False):
    """Question 5: G^T X with G = tanh(Y - T) (or Y - T)."""
    D = G["X_batch"] @ W.T + (G["b_layer"] if bias else 0) - G["T_batch"]
    return (D if squared else np.tanh(D)).T @ G["X_batch"]


def grad_W1(W1, mask=True, factor=2 / 5):
    """Question 7: the backward pass of section 5."""
    Z1 = G["X_net"] @ W1.T + G["b1"]
    y_hat = np.maximum(0.0, Z1) @ G["W2"].T + G["b2"]
    G1 = factor * (y_hat - G["y_net"][:, None]) @ G["W2"]
    return (G1 * (Z1 > 0) if mask else G1).T @ G["X_net"]


# question 8
w1, w2, x1, x2, b, y = (G[k] for k in ("w1", "w2", "x1", "x2", "b", "y"))
A = 1 / (1 + sp.exp(-(w1 * x1 + w2 * x2 + b)))
DC_DW1 = 2 * (A - y) * A * (1 - A) * x1

FEEDBACK = [
    # (question, answer, status, diagnosis, words in the feedback)
    ("ch06.q1", "B", "correct", "ok", "Correct."),
    ("ch06.q1", "(b)", "correct", "ok", "Correct."),
    ("ch06.q1", "A", "incorrect", "choice", "shape of w"),
    ("ch06.q1", "C", "incorrect", "choice", "with respect to the input x"),
    ("ch06.q1", "D", "incorrect", "choice", "∂z/∂b"),
    ("ch06.q1", 2, "incorrect", "kind", "as a string"),
    ("ch06.q2", 1.25, "correct", "ok", "Correct."),
    ("ch06.q2", np.sum(DELTA), "correct", "ok", "Correct."),
    ("ch06.q2", -1.0, "incorrect", "mistake", "summary formula"),
    ("ch06.q2", -0.25, "incorrect", "mistake",
     "bracket [zᵢ > 0] is missing"),
    ("ch06.q2", 5.0, "incorrect", "mistake", "C is a mean"),
    ("ch06.q2", 0.625, "incorrect", "mistake", "factor 2"),
    ("ch06.q2", -1.25, "incorrect", "sign", "wrong sign"),
    ("ch06.q2", "1.25", "incorrect", "kind", "without quotes"),
    ("ch06.q2", 0.3, "incorrect", "value", "0.3 is not right"),
    ("ch06.q2", None, "missing", "missing", "still None"),
    ("ch06.q3", GRAD_W, "correct", "ok", "Correct."),
    ("ch06.q3", GRAD_W.reshape(1, 3), "incorrect", "shape",
     "a row vector where a flat array of shape (3,) is expected"),
    ("ch06.q3", GRAD_W.reshape(3, 1), "incorrect", "shape",
     "a column vector"),
    ("ch06.q3", X.T @ (2 / 4 * (Z_TOY - Y)), "incorrect", "mistake",
     "summary formula"),
    ("ch06.q3", X.T @ (2 / 4 * E_TOY), "incorrect", "mistake",
     "bracket [zᵢ > 0] is missing"),
    ("ch06.q3", 4 * GRAD_W, "incorrect", "mistake", "C is a mean"),
    ("ch06.q3", GRAD_W / 2, "incorrect", "mistake", "factor 2"),
    ("ch06.q3", -GRAD_W, "incorrect", "sign", "wrong sign"),
    ("ch06.q3", GRAD_W + [0, 0, 1], "incorrect", "pointwise",
     "Component [2] is wrong (the other 2 are right)"),
    ("ch06.q4", GRAD_W_SYM, "correct", "ok", "sympy proves"),
    ("ch06.q4", sp.expand(GRAD_W_SYM), "correct", "ok", "sympy proves"),
    ("ch06.q4", GRAD_W_SYM.T, "incorrect", "transpose",
     "layout mix-up (the gradient with respect to W has the shape of W"),
    ("ch06.q4", (W_s * x_s) * x_s.T, "incorrect", "mistake",
     "target is missing"),
    ("ch06.q4", 2 * GRAD_W_SYM, "incorrect", "scale", "2 times"),
    ("ch06.q4", -GRAD_W_SYM, "incorrect", "sign", "wrong sign"),
    ("ch06.q4", W_s.T * (W_s * x_s - t_s), "incorrect", "shape",
     "expected 2 x 2, got 2 x 1"),
    ("ch06.q4", GRAD_W_SYM.subs(G["t2"], 0), "incorrect", "symbolic",
     "in entry (1, 0)"),
    ("ch06.q5", grad_W, "correct", "ok", "public check"),
    ("ch06.q5", lambda W: grad_W(W).T, "incorrect", "transpose",
     "transpose of the right answer: a layout mix-up"),
    ("ch06.q5", lambda W: grad_W(W, squared=True), "incorrect", "mistake",
     "tanh(Y - T)"),
    ("ch06.q5", lambda W: grad_W(W, bias=False), "incorrect", "mistake",
     "bias is missing from Y"),
    ("ch06.q5", lambda W: -grad_W(W), "incorrect", "sign", "wrong sign"),
    ("ch06.q5", lambda W: grad_W(W) / 4, "incorrect", "scale",
     "1/4 times"),
    ("ch06.q5", lambda W: grad_W(W)[0], "incorrect", "shape",
     "expected (2, 3), got (3,)"),
    ("ch06.q6", "B", "correct", "ok", "Correct."),
    ("ch06.q6", "A", "incorrect", "choice", "numpy refuses"),
    ("ch06.q6", "C", "incorrect", "choice", "reshape"),
    ("ch06.q6", "D", "incorrect", "choice", "∇_X L"),
    ("ch06.q6", "E", "incorrect", "kind", "not one of the options"),
    ("ch06.q7", grad_W1, "correct", "ok", "public check"),
    ("ch06.q7", lambda W1: grad_W1(W1, mask=False), "incorrect",
     "mistake", "ReLU mask is missing"),
    ("ch06.q7", lambda W1: grad_W1(W1, factor=2.0), "incorrect",
     "mistake", "L is a mean"),
    ("ch06.q7", lambda W1: grad_W1(W1, factor=1 / 5), "incorrect",
     "mistake", "2(ŷᵢ - yᵢ)"),
    ("ch06.q7", lambda W1: grad_W1(W1).T, "incorrect", "transpose",
     "layout mix-up (the gradient with respect to W₁ has the shape"),
    ("ch06.q7", lambda W1: -grad_W1(W1), "incorrect", "sign",
     "wrong sign"),
    ("ch06.q7", lambda W1: W1 @ np.ones((3, 2)), "error", "raised",
     "ValueError"),
    ("ch06.q7", lambda W1: None, "missing", "missing", "returns None"),
    ("ch06.q8", DC_DW1, "correct", "ok", "sympy proves"),
    ("ch06.q8", "2*x1*(exp(z)/(1 + exp(z)) - y)*exp(z)/(1 + exp(z))^2"
     .replace("z", "(w1*x1 + w2*x2 + b)"), "correct", "ok", "Correct"),
    ("ch06.q8", 2 * (A - y) * A * (1 - A), "incorrect", "mistake",
     "is ∂C/∂b: the last factor"),
    ("ch06.q8", 2 * (A - y) * A * (1 - A) * w1, "incorrect", "mistake",
     "∂C/∂x₁"),
    ("ch06.q8", 2 * (A - y) * x1, "incorrect", "mistake",
     "sigmoid's derivative is missing"),
    ("ch06.q8", (A - y) * A * (1 - A) * x1, "incorrect", "mistake",
     "2(a - y)"),
    ("ch06.q8", 2 * (y - A) * A * (1 - A) * x1, "incorrect", "sign",
     "wrong sign"),
    ("ch06.q8", 2 * (A - y) * A * x1, "incorrect", "symbolic",
     "the right value is"),
    ("ch06.q8", "2*(a - y)*a*(1 - a)*x1", "error", "unreadable",
     "unknown name 'a'"),
]


test_feedback = feedback_test(FEEDBACK)


def test_eight_questions_worth_ten_points_in_chapter_order():
    c = chapter("ch06")
    assert [q.id for q in c.questions] == [f"ch06.q{k}" for k in
                                           range(1, 9)]
    assert [q.kind for q in c.questions] == [
        "choice", "number", "array", "matrix", "function", "choice",
        "function", "expression"]
    assert [q.points for q in c.questions] == [1, 1, 2, 1, 1, 1, 2, 1]
    assert c.max_points == 10


@pytest.mark.parametrize("q", questions("ch06"), ids=lambda q: q.id)
def test_every_prompt_states_the_shapes(q):
    if q.kind == "array":
        assert f"shape `{q.shape}`" in q.prompt
    if q.kind == "function":
        assert f"shape `{q.out_shape}`" in q.prompt
        assert f"shape `{q.arg_shape}`" in q.prompt
        assert str(q.out_shape) in q.template
    if q.kind == "matrix":
        rows, cols = q.shape
        assert f"${rows} \\times {cols}$" in q.prompt
        assert f"{rows} x {cols} sympy Matrix" in q.template


def test_given_code_defines_the_checkers_numbers():
    assert np.array_equal(G["X_toy"], ch06.X_TOY)
    assert np.array_equal(G["y_toy"], ch06.Y_TOY)
    assert np.array_equal(G["w_toy"], ch06.W_TOY)
    assert G["b_toy"] == ch06.B_TOY
    assert G["W_sym"] == ch06.W_SYM and G["x_sym"] == ch06.X_SYM
    assert G["t_sym"] == ch06.T_SYM
    assert np.array_equal(G["X_batch"], ch06.X_BATCH)
    assert np.array_equal(G["b_layer"], ch06.B_LAYER)
    assert np.array_equal(G["T_batch"], ch06.T_BATCH)
    assert np.array_equal(G["X_net"], ch06.X_NET)
    assert np.array_equal(G["y_net"], ch06.Y_NET)
    assert np.array_equal(G["b1"], ch06.B1)
    assert np.array_equal(G["W2"], ch06.W2) and G["b2"] == ch06.B2
    assert (G["w1"], G["w2"], G["b"], G["y"]) == (
        ch06.S_W1, ch06.S_W2, ch06.S_B, ch06.S_Y)
    rng = np.random.default_rng(6)
    for _ in range(3):
        W, W1 = rng.uniform(-2, 2, (2, 3)), rng.uniform(-2, 2, (3, 2))
        assert G["layer_loss"](W) == pytest.approx(ch06._layer_loss(W),
                                                    rel=1e-14)
        assert G["net_loss"](W1) == pytest.approx(ch06._net_loss(W1),
                                                  rel=1e-14)


def test_references_agree_with_the_chapters_formulas():
    """Two methods: the checkers' references (numeric, sympy) and the
    closed forms of sections 1 to 6."""
    assert question("ch06.q1").reference() == "B"
    # section 3: delta = (2/N) e [z > 0]; dC/db = sum delta, X^T delta;
    # examples 1 and 3 are off with nonzero errors, so the bracket counts
    assert np.array_equal(Z_TOY > 0, [False, True, False, True])
    assert np.all(E_TOY != 0) and np.abs(Z_TOY).min() >= 0.5
    assert question("ch06.q2").reference() == pytest.approx(1.25,
                                                            rel=1e-14)
    assert np.allclose(question("ch06.q3").reference(),
                       [-0.5, -0.75, 1.75], rtol=1e-14, atol=1e-14)
    # section 4.1: grad_W L = g x^T with g = y - t
    assert sp.simplify(question("ch06.q4").reference() - GRAD_W_SYM) \
        == sp.zeros(2, 2)
    # section 4.3: only the transpose of X^T G updates W
    assert question("ch06.q6").reference() == "B"
    # section 6: sigma' = sigma (1 - sigma), and the chain rule
    assert sp.simplify(question("ch06.q8").reference() - DC_DW1) == 0
    rng = np.random.default_rng(5)
    for _ in range(20):
        W = rng.uniform(-2, 2, (2, 3))
        assert np.allclose(question("ch06.q5").reference(W), grad_W(W),
                           rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("qid, answer", [("ch06.q5", grad_W),
                                         ("ch06.q7", grad_W1)])
@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_functions_pass_at_the_graders_points(qid, answer, seed):
    q = question(qid)
    v = judge_as_grader(q, answer, seed)
    assert v.status == "correct", str(v)
    assert f"all {q.grade_n + len(q.edge_points)} points" in v.feedback


def test_network_points_stay_off_the_kinks():
    """The hidden biases are thirds, so no entry of Z1 is 0 at a point
    with 6 decimals; the reference is exact at every grader point."""
    q = question("ch06.q7")
    for seed in range(50):
        for W1 in q.points_for("grade", seed):
            Z1 = G["X_net"] @ W1.T + G["b1"]
            assert np.abs(Z1).min() > 1e-7
            assert np.allclose(q.reference(W1), grad_W1(W1), rtol=1e-12,
                               atol=1e-12)


def test_network_reference_is_exact_next_to_a_kink():
    # Z1[0, 1] = 3.3e-7: numeric's "auto" averages the two one-sided
    # slopes here (row 1 comes out halved); the complex step is exact
    W1 = np.array([[0.918622, -1.297378], [0.334977, 0.165845],
                   [-0.801152, -0.309251]])
    assert 0 < (G["X_net"] @ W1.T + G["b1"])[0, 1] < 1e-6
    assert np.allclose(question("ch06.q7").reference(W1), grad_W1(W1),
                       rtol=1e-12, atol=1e-12)


def test_the_edge_point_has_a_dead_unit_so_the_mask_matters():
    W1 = np.array(ch06.DEAD)
    Z1 = G["X_net"] @ W1.T + G["b1"]
    assert np.all(Z1[:, 1] < 0) and np.abs(Z1).min() > 0.1
    assert np.all(grad_W1(W1)[1] == 0)
    assert not np.allclose(grad_W1(W1), grad_W1(W1, mask=False))
    # and the public points alone have units off for some examples
    for W1 in question("ch06.q7").points_for("public"):
        Z1 = G["X_net"] @ W1.T + G["b1"]
        assert (Z1 < 0).any() and (Z1 > 0).any()


def test_derivatives_stated_in_hints_and_feedback_are_right():
    from mathlib import numeric, symbolic

    # q1: d z/dx = w^T (numerator layout), dz/db = 1
    ws, xs = sp.symbols("w1:4"), sp.symbols("x1:4")
    bb = sp.Symbol("b")
    z = sum(wi * xi for wi, xi in zip(ws, xs)) + bb
    assert symbolic.jacobian([z], xs) == sp.Matrix(ws).T
    assert sp.diff(z, bb) == 1
    # q4: dL/dy_j = y_j - t_j for L = |y - t|^2 / 2
    ys = sp.symbols("y1:3")
    half = sum((yj - tj) ** 2 for yj, tj in zip(ys, [G["t1"], G["t2"]])) / 2
    assert sp.diff(half, ys[0]) == ys[0] - G["t1"]
    # q5: the upstream gradients of log cosh and of half the square
    rng = np.random.default_rng(4)
    D = rng.uniform(-2, 2, (4, 2))
    assert np.allclose(numeric.gradient(
        lambda V: np.sum(np.log(np.cosh(V))), D), np.tanh(D), rtol=1e-12)
    assert np.allclose(numeric.gradient(lambda V: np.sum(V**2) / 2, D), D)
    # q6: G W is the gradient with respect to the layer's input X
    Xs, Ws = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    Gs = rng.standard_normal((5, 4))
    assert np.allclose(numeric.gradient(
        lambda V: np.sum(Gs * (V @ Ws.T)), Xs), Gs @ Ws, rtol=1e-12)
    # q8: sigma' = sigma (1 - sigma); dC/db and dC/dx1 as the mistakes say
    t = sp.Symbol("t", real=True)
    s = 1 / (1 + sp.exp(-t))
    assert sp.simplify(sp.diff(s, t) - s * (1 - s)) == 0
    C = (A - y) ** 2
    assert sp.simplify(sp.diff(C, b) - 2 * (A - y) * A * (1 - A)) == 0
    assert sp.simplify(sp.diff(C, x1) - 2 * (A - y) * A * (1 - A) * w1) \
        == 0
