"""The feedback a student reads, one category at a time (issue 21).

Each answer is built from the question's own reference to fall in one
feedback category (a constant factor, a wrong sign, a formula past a
parser limit), and the test asserts the category and the sentence the
student sees. Mutation testing showed these could be wrong with every
other test green: "off by a constant factor" with the factor upside
down, or the parser letting a huge negative exponent through.
"""
import numpy as np
import pytest
import sympy as sp

from mathlib.exercises import evaluate, question


FACTORS = [(3, "3"), (sp.Rational(1, 3), "1/3"), (sp.Rational(2, 3), "2/3")]


@pytest.mark.parametrize("c, text", FACTORS, ids=[t for _, t in FACTORS])
def test_constant_factor_feedback_names_the_factor_the_right_way_up_formula(
        c, text):
    """A formula that is c times the right one is told "yours is c times
    the right answer", not 1/c."""
    E = question("ch07.q4").reference()
    v = evaluate("ch07.q4", c * E)
    assert (v.status, v.diagnosis) == ("incorrect", "scale")
    assert f"yours is {text} times the right answer" in v.feedback


@pytest.mark.parametrize("c, text", [(3, "3"), (1 / 3, "1/3")])
def test_constant_factor_feedback_names_the_factor_the_right_way_up_array(
        c, text):
    """An array (a Hessian) that is c times the right one."""
    E = np.asarray(question("ch07.q2").reference(), dtype=float)
    v = evaluate("ch07.q2", c * E)
    assert (v.status, v.diagnosis) == ("incorrect", "scale")
    assert f"yours is {text} times the right answer" in v.feedback


@pytest.mark.parametrize("c, text", [(3, "3"), (0.5, "1/2"), (0.25, "1/4")])
def test_constant_factor_feedback_names_the_factor_the_right_way_up_number(
        c, text):
    """A number that is c times the right value."""
    E = float(question("ch07.q6").reference())
    v = evaluate("ch07.q6", c * E)
    assert (v.status, v.diagnosis) == ("incorrect", "scale")
    assert f"yours is {text} times the right value" in v.feedback


def test_constant_factor_feedback_names_the_factor_the_right_way_up_function():
    """A function answer returning 3 times the right gradient."""
    q = question("ch02.q4")
    v = evaluate("ch02.q4", lambda x: 3 * np.asarray(q.reference(x)))
    assert (v.status, v.diagnosis) == ("incorrect", "scale"), v.feedback
    assert "3 times the right" in v.feedback
    assert "1/3" not in v.feedback


def test_sign_feedback_is_for_minus_the_answer_only():
    """Minus the right answer is a sign error; twice it is not."""
    E = np.asarray(question("ch07.q2").reference(), dtype=float)
    assert evaluate("ch07.q2", -E).diagnosis == "sign"
    assert evaluate("ch07.q2", -2 * E).diagnosis == "scale"
    assert "yours is -2 times" in evaluate("ch07.q2", -2 * E).feedback
    assert evaluate("ch07.q2", E).status == "correct"


def test_a_number_off_by_an_unnamed_factor_is_just_wrong():
    """Factors worth naming for one number are k or 1/k with 2 <= k <= 10:
    7.3 times the value is "not right", 10 and 1/10 are named, 11 is not."""
    E = float(question("ch07.q6").reference())
    assert evaluate("ch07.q6", 7.3 * E).diagnosis == "value"
    assert evaluate("ch07.q6", 10 * E).diagnosis == "scale"
    assert evaluate("ch07.q6", E / 10).diagnosis == "scale"
    assert evaluate("ch07.q6", 11 * E).diagnosis == "value"


@pytest.mark.parametrize("k", [101, -101, 1000, -10 ** 6])
def test_parser_refuses_exponents_beyond_100_of_either_sign(k):
    """The documented limit |k| <= 100 for x**k holds for negative k too:
    a huge negative exponent is refused with the limit named, not handed
    to sympy."""
    v = evaluate("ch07.q4", f"x**({k})")
    assert v.status == "error"
    assert f"the exponent {k} is too large to check (at most 100)" in \
        v.feedback


@pytest.mark.parametrize("k", [100, -100])
def test_parser_accepts_exponents_at_the_limit(k):
    v = evaluate("ch07.q4", f"x**({k})")
    assert v.status == "incorrect" and "could not be read" not in v.feedback


def test_parser_refuses_a_huge_negative_power_of_a_number():
    """(2**40)**-100 has over 1200 digits (the limit is about 900):
    refused like (2**40)**100, the sign of the exponent notwithstanding;
    (2**20)**-100 (about 600 digits, a tiny number) is read."""
    for k in (100, -100):
        v = evaluate("ch07.q4", f"x + {2 ** 40}**({k})")
        assert v.status == "error" and "too large to check" in v.feedback
    v = evaluate("ch07.q4", f"x + {2 ** 20}**(-100)")
    assert v.status == "incorrect", v.feedback


TOO_LARGE = "it contains a number too large to check (more than 1e+300)"


@pytest.mark.parametrize("big, fine", [
    ("1001**100", "1000**100"),                 # positive exponent
    ("(1/1001)**(-100)", "(1/1000)**(-100)"),   # negative exponent
    ("-1001**100", "-1000**100"),               # a negative constant
], ids=["positive-exponent", "negative-exponent", "negative-constant"])
def test_parser_refuses_a_constant_over_1e300_and_reads_1e300(big, fine):
    """The documented limit: a constant part over 1e300 is refused with
    the limit named; 1e300 itself (1000**100, or (1/1000)**-100) is read
    and graded, whichever the sign of the exponent or of the number."""
    v = evaluate("ch07.q4", f"x + {big}")
    assert v.status == "error" and TOO_LARGE in v.feedback, v.feedback
    v = evaluate("ch07.q4", f"x + {fine}")
    assert v.status == "incorrect", v.feedback
    assert "e+300" in v.feedback


def test_parser_sizes_a_power_it_cannot_evaluate_exactly_by_its_sign():
    """pi**700.5 (about 1e348) is refused; pi**-700.5 (about 1e-348) is a
    tiny number, read and graded."""
    v = evaluate("ch07.q4", "x + pi**(700.5)")
    assert v.status == "error" and TOO_LARGE in v.feedback, v.feedback
    v = evaluate("ch07.q4", "x + pi**(-700.5)")
    assert v.status == "incorrect", v.feedback


def test_grader_path_refuses_huge_negative_integers_and_exponents():
    """The grader rebuilds formulas from srepr text: a negative integer
    of 41 digits and an exponent of -101 are refused there too."""
    from mathlib.exercises._parse import ParseError, parse_srepr
    with pytest.raises(ParseError, match="more than 40 digits"):
        parse_srepr(f"Integer(-{'9' * 41})")
    assert parse_srepr(f"Integer(-{'9' * 40})") == -(10 ** 40 - 1)
    with pytest.raises(ParseError, match="at most 100"):
        parse_srepr("Pow(Symbol('x'), Integer(-101))")
    with pytest.raises(ParseError, match="too large"):
        parse_srepr(f"Pow(Integer({2 ** 40}), Integer(-100))")
    with pytest.raises(ParseError, match="more than 40 digits"):
        parse_srepr(f"Integer({'9' * 41})")


# ------------------------------------------------- the other categories

def _hessian():
    return np.asarray(question("ch07.q2").reference(), dtype=float)


def test_a_non_finite_entry_is_named_with_its_component():
    G = _hessian()
    G[1, 1] = np.nan
    v = evaluate("ch07.q2", G)
    assert (v.status, v.diagnosis) == ("incorrect", "nonfinite")
    assert v.feedback == ("Not yet. It contains the non-finite value nan "
                          "in component [1, 1].")


def test_all_zeros_is_its_own_category():
    v = evaluate("ch07.q2", 0 * _hessian())
    assert (v.diagnosis, v.feedback) == (
        "scale", "Not yet. It is all zeros; the right answer is not.")


def test_a_right_array_is_correct():
    v = evaluate("ch07.q2", _hessian())
    assert (v.status, v.feedback, v.points) == ("correct", "Correct.", 1)


def test_twice_the_answer_plus_a_change_is_pointwise_not_a_factor():
    """G = 2 E + P with P orthogonal to E: the best factor is exactly 2,
    but G is not 2 E, so no factor is named."""
    E = _hessian()
    Q = np.zeros_like(E)
    Q[0, 1] = 1.0
    P = Q - np.sum(Q * E) / np.sum(E * E) * E
    v = evaluate("ch07.q2", 2 * E + P)
    assert v.diagnosis == "pointwise", v.feedback
    assert "times the right answer" not in v.feedback


def test_a_square_transpose_names_the_layout():
    """A function returning the transposed (square, non-symmetric)
    Jacobian: a layout mix-up, with the question's layout note."""
    q = question("ch04.q7")
    v = evaluate("ch04.q7", lambda x: np.asarray(q.reference(x)).T)
    assert (v.status, v.diagnosis) == ("incorrect", "transpose")
    assert "It equals the transpose of the right answer: a layout " \
        f"mix-up ({q.layout})" in v.feedback


def test_a_wrong_component_of_a_function_is_located_and_revealed():
    """The function is wrong in component [0] only: the feedback gives
    the point, the wrong component, that the others are right, and the
    value expected there (function answers reveal it: the points are
    random)."""
    q = question("ch02.q4")
    v = evaluate("ch02.q4", lambda x: np.asarray(q.reference(x)) *
                 np.array([2.0, 1.0, 1.0]))
    assert v.diagnosis == "pointwise"
    assert v.feedback.startswith("Not yet. Wrong at x = [")
    assert "component [0] is wrong (the other 2 are right): component " \
        "[0] is" in v.feedback
    assert ", expected " in v.feedback


def test_a_function_returning_the_wrong_shape_says_which_and_where():
    v = evaluate("ch02.q4", lambda x: np.zeros(2))
    assert v.diagnosis == "shape"
    assert "Wrong shape: expected (3,), got (2,) (at x = [" in v.feedback


def test_answers_of_the_wrong_kind_are_described():
    """A string is quoted (cut at 40 characters), a function is called a
    function, a NaN is not a finite number, and a wrong number carries
    no stray hint."""
    s40, s41 = "a" * 40, "a" * 41
    assert f"the string '{s40}'." in evaluate("ch01.q1", s40).feedback
    assert f"the string '{'a' * 37}...'." in evaluate("ch01.q1",
                                                      s41).feedback
    assert evaluate("ch01.q1", lambda x: x).feedback.endswith(
        "limit_value is a function.")
    assert evaluate("ch01.q1", float("nan")).feedback == (
        "Not yet. limit_value is nan, not a finite number.")
    assert evaluate("ch01.q1", 2.5).feedback == (
        "Not yet. limit_value = 2.5 is not right.")


def test_a_choice_lists_the_options_and_reads_a_decorated_letter():
    assert evaluate("ch02.q3", "Z").feedback == (
        "Not yet. 'Z' is not one of the options A, B, C, D.")
    for answer in ("(b)", "'B'", " b. "):
        assert evaluate("ch02.q3", answer).status == "correct", answer


def test_formulas_the_parser_refuses_say_why():
    assert "complex numbers are not accepted" in evaluate(
        "ch07.q4", "2j*x").feedback
    assert "complex numbers are not accepted" in evaluate(
        "ch07.q4", "x*2 + 3j").feedback


def test_a_formula_never_real_on_the_domain_cannot_be_compared():
    """sqrt(-x^2 - y^2 - 1) is real nowhere: an error that says the
    formulas could not be compared, not a verdict."""
    v = evaluate("ch07.q4", "sqrt(-x**2 - y**2 - 1)")
    assert (v.status, v.diagnosis) == ("error", "undecided")
    assert "could not be compared with the right one" in v.feedback


# ===================================================================
# Judged in this process (issue 21). A formula answer is judged in a
# forked child process (run_limited), which mutmut's call tracing does
# not see, so it links no test to the formula code. Here run_limited
# runs the judgment in-process: the same code, the same verdicts, only
# without the time limit (tests/test_exercises.py covers that).

from mathlib._timing import Limited  # noqa: E402
from mathlib.exercises import _compare as C  # noqa: E402
from mathlib.exercises import _questions as Q  # noqa: E402
from mathlib.exercises._parse import ParseError, parse_answer  # noqa: E402


@pytest.fixture(autouse=True)
def in_process(monkeypatch):
    def run_here(func, seconds, memory=None):
        return Limited("ok", func(), seconds=seconds, memory=memory)
    monkeypatch.setattr(Q, "run_limited", run_here)


x, y, z = sp.symbols("x y z")
KW = dict(title="A test question", prompt="Compute it.")


def number_q(**kw):
    return Q.NumberQuestion("t.q1", "val", reference=lambda: 2.5,
                            **KW, **kw)


def array_q(E, **kw):
    E = np.asarray(E, dtype=float)
    return Q.ArrayQuestion("t.q2", "arr", reference=lambda: E,
                           shape=E.shape, **KW, **kw)


def matrix_q(E, **kw):
    return Q.MatrixQuestion("t.q3", "M", reference=lambda: sp.Matrix(E),
                            variables=["x"], shape=sp.Matrix(E).shape,
                            domain={"x": (0.5, 2.0)}, **KW, **kw)


def function_q(ref, out_shape=(), **kw):
    return Q.FunctionQuestion("t.q4", "f", reference=ref, arg_shape=(),
                              out_shape=out_shape, **KW, **kw)


# ------------------------------------------------ what a question shows

def test_each_kind_of_question_shows_the_template_and_what_it_expects():
    """The template a student fills in names the answer and its kind,
    and the wrong-kind feedback uses the same words."""
    q = number_q()
    assert (q.id, q.name, q.title, q.prompt, q.points, q.given) == \
        ("t.q1", "val", "A test question", "Compute it.", 1, None)
    assert q.template == "val = None  # your answer: a number"
    assert repr(q) == "<NumberQuestion t.q1 (val)>"
    a = array_q([1.0, 2.0], points=3, given="v = ...")
    assert (a.points, a.given, a.name, a.id) == (3, "v = ...", "arr",
                                                 "t.q2")
    assert a.template == "arr = None  # your answer: a numpy array of " \
        "shape (2,)"
    m = matrix_q([[x, 1, 2]])
    assert m.template == "M = None  # your answer: a 1 x 3 sympy Matrix"
    assert (m.id, m.shape, m.layout) == ("t.q3", (1, 3), "")
    e = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x,
                             variables=["x"], template="ex = ...", **KW)
    assert (e.template, e.id, e.points) == ("ex = ...", "t.q5", 1)
    f = function_q(lambda t: t)
    assert f.expects == "a function f(x) returning a number"
    assert (f.id, f.arg_name, f.layout) == ("t.q4", "x", "")
    g = function_q(lambda t: np.array([t, t]), out_shape=(2,),
                   arg_name="w", edge_points=[0.5, [1.0]])
    assert g.expects == "a function f(w) returning an array of shape (2,)"
    assert [p.tolist() for p in g.edge_points] == [0.5, [1.0]]
    c = Q.ChoiceQuestion("t.q6", "pick", options={"A": "a", "B": "b"},
                         reference=lambda: "A", **KW)
    assert c.template == 'pick = None  # your answer: a letter such as "A"'
    assert c.expects == 'one of the letters "A", "B" (a string)'
    assert c.id == "t.q6"


def test_wrong_kinds_are_named_with_what_is_expected():
    assert number_q().check("two").feedback == (
        "Not yet. A number is expected, but val is the string 'two'.")
    assert number_q().check("2.5").feedback == (
        "Not yet. A number is expected, but val is the string '2.5': "
        "write 2.5 without quotes.")
    assert array_q([1.0, 2.0]).check("v").feedback == (
        "Not yet. A numpy array of shape (2,) is expected, but arr is the "
        "string 'v'.")
    m = matrix_q([[x], [1]])
    assert m.check(3.0).feedback == (
        "Not yet. A 2 x 1 sympy Matrix is expected, but M is the number 3.")
    e = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x,
                             variables=["x"], **KW)
    v = e.check(sp.Matrix([x]))
    assert v.feedback == ("Not yet. A sympy expression is expected, but "
                          "ex is a 1 x 1 sympy Matrix.")
    f = function_q(lambda t: t)
    assert f.check(3.0).feedback == (
        "Not yet. A function f(x) returning a number is expected, but f is "
        "the number 3 (define it with `def f(x):`).")
    assert f.check(lambda t: "s").feedback.startswith(
        "Not yet. Your function returned the string 's' at x = ")
    assert f.check(lambda t: "s").feedback.endswith("; expected a number.")


def test_a_number_question_names_its_own_mistakes_and_hint():
    q = number_q(mistakes=[(lambda: 5.0, "You doubled it.")],
                 hint="Use the chain rule.")
    v = q.check(5.0)
    assert (v.diagnosis, v.feedback) == ("mistake",
                                         "Not yet. You doubled it.")
    assert q.check(2.7).feedback == ("Not yet. val = 2.7 is not right. "
                                     "Use the chain rule.")
    assert number_q().check(2.7).feedback == "Not yet. val = 2.7 is not " \
        "right."
    assert number_q().check(2.5).status == "correct"


def test_an_answer_with_the_question_name_first_keeps_its_case():
    """Feedback starting with the answer's own name keeps it as written
    (val, not Val); other feedback starts with a capital."""
    v = number_q().check(float("inf"))
    assert v.feedback == "Not yet. val is inf, not a finite number."


# ------------------------------------------------------------ shapes

def test_a_column_vector_where_a_flat_array_is_expected_is_named():
    E = np.asarray(question("ch01.q2").reference(), dtype=float)
    v = evaluate("ch01.q2", E.reshape(-1, 1))
    assert v.feedback == (
        "Not yet. Wrong shape: expected (3,), got (3, 1): a column vector "
        "where a flat array of shape (3,) is expected (the numbers are "
        "right: use .ravel()).")
    v = evaluate("ch01.q2", E.reshape(1, -1) + 1)
    assert v.feedback == (
        "Not yet. Wrong shape: expected (3,), got (1, 3): a row vector "
        "where a flat array of shape (3,) is expected.")


def test_a_flattened_matrix_is_told_to_reshape():
    E = _hessian()
    v = evaluate("ch07.q2", E.ravel())
    assert v.feedback == ("Not yet. Wrong shape: expected (3, 3), got (9,) "
                          "(the numbers are right: reshape to (3, 3)).")


def test_a_function_returning_one_number_in_an_array_is_told_float():
    q = question("ch01.q6")
    v = evaluate("ch01.q6", lambda t: np.array([q.reference(t)]))
    assert v.diagnosis == "shape"
    assert "Wrong shape: expected a number, got (1,) (the numbers are " \
        "right: use float(...)) (at x = " in v.feedback


# ------------------------------------------- wrong entries and factors

def test_wrong_entries_are_listed_four_at_most_then_counted():
    E = np.arange(1.0, 7.0).reshape(3, 2)
    G = E + np.array([[1, 1], [1, 1], [1, 0]]) * [[0.5], [0.25], [2]]
    assert C.wrong_entries(G, E, 1e-6) == (
        "entries [0, 0], [0, 1], [1, 0], [1, 1] and 1 more are wrong "
        "(the other 1 is right).")
    G = E.copy()
    G[0, 0], G[2, 1] = 7.0, 0.5
    assert C.wrong_entries(G, E, 1e-6, reveal=True) == (
        "entries [0, 0], [2, 1] are wrong (the other 4 are right): entry "
        "[0, 0] is 7, expected 1.")
    G = E + 9.0
    assert C.wrong_entries(G, E, 1e-6).startswith(
        "entries [0, 0], [0, 1], [1, 0], [1, 1] and 2 more are wrong.")


def test_wrong_entries_reveal_nothing_unless_asked():
    """For answers at fixed points the expected value is never shown."""
    E, G = np.array([1.0, 2.0]), np.array([1.0, 3.0])
    assert C.wrong_entries(G, E, 1e-6) == ("component [1] is wrong (the "
                                           "other 1 is right).")
    assert C.wrong_entries(np.array(3.0), np.array(2.0), 1e-6) == \
        "yours is 3, which is not right."


@pytest.mark.parametrize("c, named", [(24, "24"), (-24, "-24"),
                                      (25, None), (7 / 12, "7/12"),
                                      (1 / 13, None)])
def test_factors_named_are_ratios_of_small_integers(c, named):
    """An array c times the right one: c = p/q is named for |p| <= 24
    and q <= 12; 25 or 1/13 times is just wrong, entry by entry."""
    E = _hessian()
    v = evaluate("ch07.q2", c * E)
    if named:
        assert (v.diagnosis, v.feedback) == ("scale", (
            f"Not yet. It is off by a constant factor: yours is {named} "
            "times the right answer."))
    else:
        assert v.diagnosis == "pointwise", v.feedback


def test_a_square_transpose_without_a_layout_note():
    q = array_q([[1.0, 2.0], [3.0, 4.0]])
    v = q.check(np.array([[1.0, 3.0], [2.0, 4.0]]))
    assert v.feedback == ("Not yet. It equals the transpose of the right "
                          "answer: a layout mix-up.")
    v = array_q([[1.0, 2.0], [3.0, 4.0]], layout="rows are outputs").check(
        np.array([[1.0, 3.0], [2.0, 4.0]]))
    assert v.feedback.endswith("a layout mix-up (rows are outputs).")


def test_a_non_square_transpose_is_a_shape_mix_up():
    q = array_q([[1.0, 2.0, 3.0]])
    assert q.check(np.array([[1.0], [2.0], [3.0]])).feedback == (
        "Not yet. Wrong shape: expected (1, 3), got (3, 1). It is the "
        "transpose of the right answer: a layout mix-up.")


def test_an_array_question_names_its_own_mistakes_and_may_accept_others():
    q = array_q([1.0, 2.0], mistakes=[(lambda: [2.0, 1.0], "Swapped.")])
    assert q.check(np.array([2.0, 1.0])).feedback == "Not yet. Swapped."
    q = array_q([1.0, 2.0], accept=lambda G: ("correct", "ok", "Any."))
    assert q.check(np.array([5.0, 5.0])).feedback == "Any."
    assert q.check(np.array([5.0, np.inf])).diagnosis == "nonfinite"


def test_a_factor_common_to_two_points_is_named():
    """A function 3 times the right one at both points tested is "off by
    a constant factor (at the points tested)"; one point proves
    nothing."""
    q = function_q(lambda t: np.array([t + 3.0, 1.0]), out_shape=(2,),
                   public_n=2)
    v = q.check(lambda t: 3 * np.array([t + 3.0, 1.0]))
    assert (v.diagnosis, v.feedback) == ("scale", (
        "Not yet. It is off by a constant factor: yours is 3 times the "
        "right answer (at the points tested)."))
    q1 = function_q(lambda t: np.array([t + 3.0, 1.0]), out_shape=(2,),
                    public_n=1)
    assert q1.check(lambda t: 3 * np.array([t + 3.0, 1.0])).diagnosis == \
        "pointwise"


def test_a_function_right_at_some_points_says_how_many():
    q = function_q(lambda t: np.array([t, 1.0]), out_shape=(2,),
                   public_n=0, edge_points=[-1.0, 1.0])
    v = q.check(lambda t: np.array([t, 1.0 if t < 0 else 2.0]))
    assert v.feedback == (
        "Not yet. Right at 1 of 2 points, but wrong at x = 1: component [1] "
        "is wrong (the other 1 is right): component [1] is 2, expected 1.")
    v = q.check(lambda t: np.array([t, 1.0]))
    assert v.feedback == ("Correct on the public check: f is right at 2 "
                          "points. The grader tests it at other points "
                          "too.")


# ------------------------------------------------------------ formulas

def test_the_public_check_of_a_formula_says_it_is_only_the_public_check():
    """A right formula sympy cannot prove: correct on the public check
    (12 points), and for the grader correct at its own points (16)."""
    q = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x,
                             variables=["x"], domain={"x": (-2, 2)}, **KW)
    answer = sp.log(sp.exp(x)) * sp.Heaviside(x + 100)
    v = q.check(answer)
    assert v.status == "correct"
    assert v.feedback.startswith("Correct on the public check: 12 random "
                                 "points agree")
    v = q.judge(answer, Q.GRADE, seed=3)
    assert v.feedback.startswith("Correct: 16 random points agree")
    assert q.check(x).feedback == "Correct (sympy proves it)."


def test_the_public_check_of_a_formula_gives_the_same_feedback_each_time():
    """The public check samples from the question's fixed seed: a wrong
    formula gets the same point and values every time; the grader's
    points depend on its seed."""
    q = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x**2,
                             variables=["x"], domain={"x": (-2, 2)}, **KW)
    texts = {q.check(sp.sin(x) * sp.Heaviside(x + 100)).feedback
             for _ in range(3)}
    assert len(texts) == 1
    [text] = texts
    assert text.startswith("Not yet. Symbolically different from the right "
                           "answer: at x = ")
    graded = {q.judge(sp.sin(x) * sp.Heaviside(x + 100), Q.GRADE,
                      seed=s).feedback for s in (1, 2)}
    assert len(graded) == 2


def test_a_formula_in_another_variable_is_named():
    q = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x,
                             variables=["x"], **KW)
    v = q.check(x + y * z)
    assert (v.diagnosis, v.feedback) == ("symbols", (
        "Not yet. Your answer uses the symbol y, but the variables of this "
        "question are x."))


def test_an_unreadable_formula_is_an_error_not_a_wrong_answer():
    v = evaluate("ch07.q4", "x +* 2")
    assert (v.status, v.diagnosis) == ("error", "unreadable")
    assert v.feedback.startswith("Error. Your formula 'x +* 2' could not be "
                                 "read: ")


def test_a_formula_question_names_its_own_mistakes():
    q = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x**2,
                             variables=["x"],
                             mistakes=[(lambda: 2 * x, "That is f'.")],
                             **KW)
    assert q.check(2 * x).feedback == "Not yet. That is f'."
    assert q.check("2x").feedback == "Not yet. That is f'."
    assert q.check(3.0).feedback.startswith("Not yet. Symbolically "
                                            "different")


def test_a_formula_off_by_a_factor_or_a_sign():
    q = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x**2 + 1,
                             variables=["x"], **KW)
    assert q.check(-x**2 - 1).feedback == (
        "Not yet. It has the wrong sign: it equals minus the right answer.")
    v = q.check(sp.Rational(2, 3) * (x**2 + 1))
    assert (v.status, v.diagnosis, v.feedback) == ("incorrect", "scale", (
        "Not yet. It is off by a constant factor: yours is 2/3 times the "
        "right answer."))
    assert q.check(x**2 + 2).diagnosis == "symbolic"


# ------------------------------------------------------------ matrices

def test_a_transposed_square_matrix_is_a_layout_mix_up():
    q = matrix_q([[x, x**2], [1, 0]], layout="rows are outputs")
    v = q.check(sp.Matrix([[x, 1], [x**2, 0]]))
    assert (v.status, v.diagnosis, v.feedback) == (
        "incorrect", "transpose", "Not yet. It is the transpose of the "
        "right answer: a layout mix-up (rows are outputs).")
    v = q.check(sp.Matrix([[x, x**2], [1, 1]]))
    assert v.diagnosis == "symbolic"
    assert "in entry (1, 1), at x = " in v.feedback


def test_a_matrix_of_the_wrong_shape_says_both_shapes():
    q = matrix_q([[x], [x**2], [1]])
    v = q.check(sp.Matrix([[x, x**2, 1]]))
    assert v.feedback == (
        "Not yet. Wrong shape: expected 3 x 1, got 1 x 3. It is the "
        "transpose of the right answer: a layout mix-up.")
    v = q.check(sp.Matrix([[x, x]]))
    assert v.feedback == ("Not yet. Wrong shape: expected 3 x 1, got 1 x "
                          "2.")
    v = q.check(np.array([1.0, 2.0, 3.0]))          # a list: a column
    assert v.diagnosis == "symbolic"


def test_a_matrix_in_another_variable_is_named():
    v = matrix_q([[x], [1]]).check(sp.Matrix([[y], [1]]))
    assert v.feedback == ("Not yet. Your answer uses the symbol y, but the "
                          "variables of this question are x.")


# ------------------------------------------------------- the judge's limits

@pytest.mark.parametrize("out, feedback", [
    (Limited("timeout"), "Timeout. Checking this answer took longer than "
     "30 s, the limit (is the formula very large or deeply nested?)."),
    (Limited("memory"), "Error. Checking this answer needed more than 1 GB "
     "of memory, the limit (is the formula very large?)."),
    (Limited("error", message="boom"), "Error. The checker could not "
     "handle this answer; please tell your instructor (boom)."),
])
def test_a_judgment_over_its_limits_is_a_verdict(monkeypatch, out,
                                                 feedback):
    seen = {}

    def limited(func, seconds, memory):
        seen.update(seconds=seconds, memory=memory)
        return out
    monkeypatch.setattr(Q, "run_limited", limited)
    v = evaluate("ch07.q4", "x")
    assert v.feedback == feedback and v.points == 0
    assert (v.status, v.diagnosis) == (feedback.split(".")[0].lower(),
                                       "judge")
    assert seen == {"seconds": 30.0, "memory": 1_000_000_000}


@pytest.mark.parametrize("memory, words", [
    (1_000_000_000, "1 GB"), (1_500_000_000, "1.5 GB"),
    (500_000_000, "0.5 GB"), (2_000_000_000, "2 GB")])
def test_a_judgment_over_its_memory_limit_names_the_limit_exactly(
        monkeypatch, memory, words):
    """The memory limit a judgment ran into, as given: 1.5 GB is not
    rounded to 2 GB, nor 0.5 GB to 0 GB."""
    monkeypatch.setattr(Q, "run_limited", lambda func, seconds, memory:
                        Limited("memory"))
    v = question("ch07.q4").judge_limited("x", memory=memory)
    assert v.feedback == (f"Error. Checking this answer needed more than "
                          f"{words} of memory, the limit (is the formula "
                          "very large?).")


# ------------------------------------------------------------- the parser

def test_the_parser_names_its_length_limit_at_the_boundary():
    ok = "x" + " " * 1999
    assert parse_answer(ok, ["x"]) == sp.Symbol("x")
    with pytest.raises(ParseError, match="^the formula is 2001 characters "
                       "long; at most 2000 are accepted$"):
        parse_answer(ok + " ", ["x"])


def test_the_parser_reads_constants_and_lists_no_variables_as_none():
    assert parse_answer("2*pi*x + E", ["x"]) == 2 * sp.pi * sp.Symbol("x") \
        + sp.E
    assert parse_answer("e^x", ["x"]) == sp.exp(sp.Symbol("x"))
    with pytest.raises(ParseError, match="^unknown name 'y': the variables "
                       "of this question are none$"):
        parse_answer("y", [])


@pytest.mark.parametrize("text, op", [("x % 2", "%"), ("x @ x", "@"),
                                      ("[x]", "["), ("x == 1", "==")])
def test_the_parser_names_an_operator_it_does_not_allow(text, op):
    with pytest.raises(ParseError) as info:
        parse_answer(text, ["x"])
    assert str(info.value) == (f"{op!r} is not allowed in a formula (use "
                               "numbers, variables, + - * / ** and "
                               "functions such as exp(x))")


# --------------------------------------- the grader's parser: its limits

from mathlib.exercises._parse import check_size, parse_srepr  # noqa: E402


def _refused(text, message, parse=parse_srepr):
    with pytest.raises(ParseError) as info:
        parse(text)
    assert str(info.value) == message


def test_srepr_text_is_read_up_to_its_documented_size():
    body = "Add(" + ", ".join(["pi"] * 19_999) + ")"     # 20,000 nodes
    assert parse_srepr(body) == 19_999 * sp.pi
    _refused("Add(" + ", ".join(["pi"] * 20_000) + ")",
             "the formula is too large to check: it has more than 20000 "
             "parts (numbers, names, operations)")
    assert parse_srepr("Integer(1)" + " " * (200_000 - 10)) == 1
    _refused("Integer(1)" + " " * (200_001 - 10),
             "the formula is too large to check (200001 characters)")


def test_srepr_floats_symbols_and_matrices_at_their_limits():
    assert parse_srepr("Float('0.5', precision=400)") == sp.Float(
        "0.5", precision=400)
    assert parse_srepr("Float('0.5', precision=1)") == sp.Float(
        "0.5", precision=1)
    for bad in ("Float('0.5', precision=401)", "Float('0.5', precision=0)",
                f"Float('{'1' * 201}')", "Float(1)"):
        _refused(bad, "a Float that is too long to check")
    assert parse_srepr(f"Float('{'1' * 200}')") > 1e199
    _refused("Float('abc')", "the number 'abc' is not valid")
    assert parse_srepr(f"Symbol('{'a' * 30}')").name == "a" * 30
    _refused(f"Symbol('{'a' * 31}')",
             f"the symbol name '{'a' * 31}' is not allowed")
    _refused("Symbol('_x')", "the symbol name '_x' is not allowed")
    _refused("Symbol('1x')", "the symbol name '1x' is not allowed")
    row = "[" + ", ".join(["Integer(1)"] * 20) + "]"
    assert parse_srepr(f"ImmutableDenseMatrix([{', '.join([row] * 20)}])"
                       ).shape == (20, 20)
    _refused(f"ImmutableDenseMatrix([{', '.join([row] * 21)}])",
             "the Matrix is too large to check")


def test_srepr_symbols_keep_their_assumptions_and_nothing_else():
    s = parse_srepr("Symbol('w', positive=True, dummy_index=3)")
    assert s == sp.Symbol("w", positive=True) and s.is_positive
    assert parse_srepr("Dummy('d', real=True)").is_real
    _refused("Symbol('x', evil=True)",
             "the symbol option 'evil' is not allowed")
    _refused("Symbol('x', real=1)",
             "the symbol option 'real' is not allowed")
    for bad in ("Symbol()", "Symbol(1)", "Symbol('x', 'y')"):
        _refused(bad, "a Symbol needs one name")


def test_srepr_numbers_in_every_form():
    assert parse_srepr("Integer('12')") == 12
    assert parse_srepr("Integer(-5)") == -5
    assert parse_srepr("Rational(2, -4)") == sp.Rational(-1, 2)
    _refused("Rational(1, 0)", "a Rational with denominator 0")
    _refused("Integer(Symbol('x'))",
             "a number written in a form that cannot be checked")
    _refused("Integer(1, 2)", "Integer(1, 2) is not a valid number")
    _refused(f"Integer('-{'9' * 41}')", "an integer with more than 40 "
             "digits")
    assert parse_srepr(f"Integer('-{'9' * 40}')") == -(10 ** 40 - 1)
    _refused("1.5", "'1.5' is not allowed in a formula")


def test_srepr_refuses_what_it_cannot_check_and_says_what():
    _refused("Function('f')", "an unknown function 'f'")
    _refused("Function('f')(Symbol('x'))", "an unknown function 'f' (only "
             "named functions such as exp and sin can be checked)")
    _refused("Integral(Symbol('x'), Symbol('x'))", "an unevaluated "
             "Integral: give the result itself (a formula without "
             "Derivative, Integral, Limit, ...)")
    _refused("eval('1')", "the function 'eval' is not allowed")
    _refused("sin(x=Symbol('x'))", "sin() takes no keyword arguments here")
    _refused("Symbol('x')(1)", "\"Symbol('x')\" is not allowed (only named "
             "functions such as exp and sin can be used)")
    _refused("Symbol", "the name 'Symbol' is not allowed")
    _refused("sin(Integer(1), Integer(2))", "it is not a formula that can "
             "be checked (a function with the wrong number of arguments, "
             "or an undefined operation?)")
    _refused("MutableDenseMatrix([])", "the Matrix is empty")
    _refused("MutableDenseMatrix([[]])",
             "the rows of the Matrix have different lengths")
    _refused("MutableDenseMatrix([1])",
             "a Matrix must be given by a list of rows")
    _refused("MutableDenseMatrix(1)",
             "a Matrix must be given by a list of rows")
    _refused("Add(Integer(1)", "could not read the formula ('(' was never "
             "closed)")
    with pytest.raises(TypeError, match="text must be a str, got bytes"):
        parse_srepr(b"Integer(1)")


def test_srepr_reads_the_singletons_relations_and_piecewise():
    assert parse_srepr("oo") is sp.oo and parse_srepr("I") is sp.I
    assert parse_srepr("nan") is sp.nan and parse_srepr("E") is sp.E
    pw = parse_srepr("Piecewise(ExprCondPair(Symbol('x'), StrictGreaterThan("
                     "Symbol('x'), Integer(0))), ExprCondPair(Integer(0), "
                     "true))")
    X = sp.Symbol("x")
    assert pw == sp.Piecewise((X, X > 0), (0, True))
    assert parse_srepr("And(LessThan(Symbol('x'), Integer(1)), Not("
                       "Equality(Symbol('x'), Integer(0))))") == \
        sp.And(X <= 1, sp.Not(sp.Eq(X, 0)))


@pytest.mark.parametrize("exponent, ok", [("Rational(1, 1000000)", True),
                                          ("Rational(1, 1000001)", False),
                                          ("Rational(1000001, 3)", False)])
def test_rational_exponents_at_their_limit(exponent, ok):
    text = f"Pow(Symbol('x'), {exponent})"
    if ok:
        assert parse_srepr(text) == sp.Symbol("x") ** sp.Rational(
            1, 1000000)
    else:
        with pytest.raises(ParseError, match="^the exponent .* is too large "
                           "to check$"):
            parse_srepr(text)


def test_exponentials_nest_two_deep_at_most():
    X = sp.Symbol("x")
    check_size(sp.exp(sp.exp(X)))
    check_size(X ** (X ** sp.Rational(1, 2)))        # a square root: 1
    check_size(sp.Matrix([[sp.exp(sp.exp(X)), X]]))
    with pytest.raises(ParseError, match="^it nests powers or exponentials "
                       "3 deep"):
        check_size(sp.Matrix([[X, sp.exp(sp.exp(sp.exp(X)))]]))
    with pytest.raises(ParseError, match="3 deep"):
        check_size(sp.Pow(2, sp.Pow(2, sp.Pow(2, X, evaluate=False),
                                    evaluate=False), evaluate=False))
    with pytest.raises(ParseError, match="3 deep"):
        check_size(X ** (X ** (X ** sp.Rational(1, 3))))


@pytest.mark.parametrize("expr, ok", [
    (sp.exp(690, evaluate=False), True), (sp.exp(691, evaluate=False), False),
    (sp.sinh(692, evaluate=False), False), (sp.cosh(-692, evaluate=False),
                                            False),
    (sp.sinh(690, evaluate=False), True),
    (sp.Mul(-1, sp.exp(691, evaluate=False), evaluate=False), False),
    (sp.exp(-800, evaluate=False), True),
    (sp.Pow(-8, sp.Rational(1, 3), evaluate=False), True),
    (sp.Pow(-sp.Float(1e201), sp.Rational(3, 2), evaluate=False), False),
    (sp.Pow(-sp.Float(1e199), sp.Rational(3, 2), evaluate=False), True),
    (sp.Pow(sp.Float(1e200), 2, evaluate=False), False),
    (sp.sin(sp.Float(1e200), evaluate=False), True),
    (sp.Float(1e300), True), (sp.Float(-1e300) * 1.0001, False),
])
def test_a_constant_part_over_1e300_is_refused(expr, ok):
    """Constant parts are sized with Python floats: e^691 (about
    1e300.1) is refused, e^690 is not; a power of a negative number by a
    fraction is sized by its absolute value."""
    X = sp.Symbol("x")
    if ok:
        check_size(X + expr)
    else:
        with pytest.raises(ParseError, match=r"^it contains a number too "
                           r"large to check \(more than 1e\+300\)$"):
            check_size(X + expr)


# --------------------------------- answers that are not values to compare

from mathlib.exercises._decode import (Other, Raised, Samples,  # noqa: E402
                                       TimedOut, TooLong, Undefined,
                                       Unreadable)


@pytest.mark.parametrize("answer, status, diagnosis, feedback", [
    (Undefined(), "missing", "missing", "No answer yet. val is not "
     "defined: run the cell that defines it (or restore it if it was "
     "deleted)."),
    (None, "missing", "missing", "No answer yet. val is still None: assign "
     "your answer to val, then run this check again."),
    (Unreadable("a bad token"), "error", "unreadable", "Error. Your answer "
     "could not be read: a bad token."),
    (TooLong("text", 3000, 2000), "error", "too long", "Error. Your answer "
     "is a string of 3,000 characters; at most 2,000 are accepted."),
], ids=["undefined", "none", "unreadable", "too-long"])
def test_answers_that_cannot_be_judged_say_why(answer, status, diagnosis,
                                               feedback):
    v = number_q().judge(answer)
    assert (v.status, v.diagnosis, v.feedback, v.points, bool(v)) == \
        (status, diagnosis, feedback, 0, False)


def test_a_verdict_is_true_only_when_correct_and_carries_its_points():
    q = number_q(points=3)
    v = q.check(2.5)
    assert bool(v) and (v.points, v.max_points) == (3, 3)
    assert str(v) == repr(v) == "[t.q1 val] Correct."
    assert v.to_dict() == {"id": "t.q1", "name": "val", "status": "correct",
                           "diagnosis": "ok", "points": 3, "max_points": 3,
                           "feedback": "Correct."}
    w = q.check(2.0)
    assert not w and (w.points, w.max_points) == (0, 3)
    assert Q.Verdict(q, "timeout", "t", "took long").feedback == \
        "Timeout. Took long"
    assert Q.Verdict(q, "error", "e", "a thing").feedback == \
        "Error. A thing"
    assert Q.Verdict(q, "error", "e", "b is").feedback == "Error. b is"
    assert Q.Verdict(q, "error", "e", "val is").feedback == "Error. val is"
    assert Q.Verdict(q, "error", "e", "2 is").feedback == "Error. 2 is"
    with pytest.raises(AssertionError):
        Q.Verdict(q, "passed", "ok", "Correct.")


@pytest.mark.parametrize("answer, words", [
    (2.5, "the number 2.5"), (np.zeros((2, 3)), "an array of shape (2, 3)"),
    (np.array(1.0), "a number"), (sp.Matrix([[1, x]]), "a 1 x 2 sympy "
                                  "Matrix"),
    (x + 1, "a formula"), (sp.Integer(3), "the number 3"),
    ("a" * 40, f"the string '{'a' * 40}'"),
    ("a" * 41, f"the string '{'a' * 37}...'"),
    (Samples([1.0]), "a function"), (Other("a dict"), "a dict"),
    (Raised("boom"), "Raised"),
])
def test_each_kind_of_answer_is_described_in_plain_words(answer, words):
    assert Q.describe(answer) == words


def test_a_number_question_reads_exact_numbers_and_one_entry_arrays():
    q = number_q()
    assert q.judge(sp.Rational(5, 2)).status == "correct"
    assert q.judge(np.array(2.5)).status == "correct"
    v = q.judge(np.array([2.5]))
    assert v.feedback == ("Not yet. A number is expected, but val is an "
                          "array of shape (1,): use val[0] or float(...).")
    v = q.judge(np.array([2.5, 1.0]))
    assert v.feedback == ("Not yet. A number is expected, but val is an "
                          "array of shape (2,).")
    assert q.judge(sp.I).diagnosis == "kind"
    assert q.judge(x).feedback == ("Not yet. A number is expected, but val "
                                   "is a formula.")
    assert q.judge(sp.Matrix([[2.5]])).diagnosis == "kind"


def test_an_array_question_reads_exact_matrices():
    q = array_q([[1.0, 0.5]])
    assert q.judge(sp.Matrix([[1, sp.Rational(1, 2)]])).status == "correct"
    assert q.judge(sp.Matrix([[1, x]])).diagnosis == "kind"
    assert q.judge(sp.Matrix([[1, sp.I]])).diagnosis == "kind"


def test_a_number_off_by_its_sign_is_told_so():
    v = number_q().check(-2.5)
    assert (v.diagnosis, v.feedback) == ("sign", "Not yet. It has the wrong "
                                         "sign: it equals minus the right "
                                         "value.")
    z = Q.NumberQuestion("t.q7", "zero", reference=lambda: 0.0, **KW)
    assert z.check(0.0).status == "correct"
    assert z.check(1.0).diagnosis == "value"


@pytest.mark.parametrize("value, status, diagnosis, words", [
    (Raised("ValueError: no"), "error", "raised",
     "Error. Your function raised ValueError: no at x = 0.5."),
    (TimedOut(2.0), "timeout", "timeout", "Timeout. Your function did not "
     "return within 2 s (the limit per call) at x = 0.5."),
    (TimedOut(), "timeout", "timeout", "Timeout. Your function did not "
     "return in time at x = 0.5."),
    (TooLong("array", 10 ** 7, 10 ** 6), "error", "too long",
     "Error. Your function returned a value too large to check at x = "
     "0.5: it has 10,000,000 entries; at most 1,000,000 are accepted."),
    (None, "incorrect", "kind", "Not yet. Your function returned None at "
     "x = 0.5; expected a number."),
], ids=["raised", "timeout", "timeout-unknown", "too-long", "none"])
def test_what_a_function_did_at_a_point_is_reported_there(
        value, status, diagnosis, words):
    q = function_q(lambda t: t, public_n=0, edge_points=[0.5, 1.0])
    v = q.judge(Samples([value, 1.0]))
    assert (v.status, v.diagnosis, v.feedback) == (status, diagnosis, words)


def test_a_function_that_returns_nothing_or_is_not_sampled():
    q = function_q(lambda t: np.array([t, t]), out_shape=(2,), public_n=0,
                   edge_points=[0.5])
    v = q.judge(Samples([None]))
    assert (v.status, v.feedback) == ("missing", "No answer yet. f returns "
                                      "None: write its body (it must "
                                      "return an array of shape (2,)).")
    v = q.judge(Samples(None))
    assert v.feedback == ("Not yet. A function f(x) returning an array of "
                          "shape (2,) is expected, but f is a function "
                          "(define it with `def f(x):`).")
    v = q.judge(Samples([np.array([np.nan, 0.5])]))
    assert v.feedback == ("Not yet. Your function returned nan in component "
                          "[0] at x = 0.5; the right value is 0.5.")
    s = function_q(lambda t: t, public_n=0, edge_points=[0.5])
    assert s.judge(Samples([np.array(np.inf)])).feedback == (
        "Not yet. Your function returned inf at x = 0.5; the right value is "
        "0.5.")


def test_a_function_question_names_its_own_mistakes():
    q = function_q(lambda t: t * t, public_n=2, edge_points=[3.0],
                   mistakes=[(lambda t: 2 * t, "That is the derivative.")])
    assert q.check(lambda t: 2 * t).feedback == \
        "Not yet. That is the derivative."
    assert q.check(lambda t: t * t).status == "correct"


def test_a_sign_error_at_every_point_is_named_once():
    q = function_q(lambda t: np.array([t + 3.0, 1.0]), out_shape=(2,),
                   public_n=3)
    v = q.check(lambda t: -np.array([t + 3.0, 1.0]))
    assert (v.diagnosis, v.feedback) == ("sign", (
        "Not yet. It has the wrong sign: it equals minus the right answer "
        "(at the points tested)."))
    v = q.check(lambda t: np.array([t + 3.0, 1.0]) * (2 if t > 0 else 3))
    assert v.diagnosis == "pointwise"


def test_sample_points_public_fixed_grader_seeded_edges_last():
    q = function_q(lambda t: t, public_n=2, grade_n=4, box=(5.0, 6.0),
                   edge_points=[0.0])
    pub = q.points_for(Q.PUBLIC)
    assert len(pub) == 3 and pub[-1] == 0.0
    assert all(5.0 <= float(p) <= 6.0 for p in pub[:2])
    assert [float(p) for p in pub] == [float(p) for p in
                                       q.points_for(Q.PUBLIC)]
    g1, g2 = q.points_for(Q.GRADE, 1), q.points_for(Q.GRADE, 2)
    assert len(g1) == 5 and g1[-1] == 0.0 and float(g1[0]) != float(g2[0])
    assert float(g1[0]) == round(float(g1[0]), 6)
    assert q.public_seed == __import__("zlib").crc32(b"t.q4") % 2 ** 31
    assert number_q().points_for(Q.GRADE, 1) is None


def test_a_choice_gives_its_hint_for_a_wrong_letter():
    c = Q.ChoiceQuestion("t.q6", "pick", options={"A": "a", "B": "b",
                                                  "C": "c"},
                         reference=lambda: "A",
                         hints={"B": "B is the transpose."}, **KW)
    assert c.check("b").feedback == "Not yet. (B) B is the transpose."
    assert c.check("C").feedback == ("Not yet. (C) that is not the right "
                                     "choice.")
    assert c.check(" (a). ").status == "correct"
    assert c.check(1.0).feedback == (
        "Not yet. pick is the number 1; give the letter of your choice as a "
        "string, for example \"A\".")


def test_points_are_shown_short_and_in_their_shape():
    assert C.fmt_point(0.123456789) == "0.1235"
    assert C.fmt_point(np.array([1.0, -0.0, 2.5e-7])) == "[1.0, 0.0, 2.5e-07]"
    assert C.fmt_point(np.array([[1.0, 2.0], [3.0, 4.123456]])) == \
        "[[1.0, 2.0], [3.0, 4.123]]"
    assert C.fmt_shape(()) == "a number" and C.fmt_shape((2,)) == "(2,)"
    assert C.fmt_index((1, 0)) == "[1, 0]"


def test_a_non_square_transpose_names_the_question_s_layout():
    q = array_q([[1.0, 2.0, 3.0]], layout="one row per output")
    assert q.check(np.array([[1.0], [2.0], [3.0]])).feedback.endswith(
        "It is the transpose of the right answer: a layout mix-up (one row "
        "per output).")


def test_the_grader_compares_a_function_at_the_points_it_sampled():
    """The grader's points come from its seed: values sampled at them
    are compared at the same points (a right function is right at all of
    them); the public check uses its own fixed points."""
    q = function_q(lambda t: t * t, public_n=2, grade_n=5,
                   edge_points=[0.0])
    points = q.points_for(Q.GRADE, 8)
    v = q.judge(Samples([float(p) ** 2 for p in points]), Q.GRADE, seed=8)
    assert (v.status, v.feedback) == ("correct", "Correct at all 6 points "
                                      "tested.")
    v = q.judge(Samples([float(p) ** 2 for p in points]), Q.GRADE, seed=9)
    assert v.status == "incorrect"


def test_a_constant_part_is_sized_with_its_sign():
    """9e299 + (-5e99)^3 is 7.75e299, under the limit: read (an odd
    power of a negative number is negative, not its size)."""
    big = sp.Add(sp.Float(9e299), sp.Pow(sp.Float(-5e99), 3,
                                         evaluate=False), evaluate=False)
    check_size(big)
    check_size(sp.Pow(-2, 3, evaluate=False))


def test_a_float_without_a_precision_has_the_default_53_bits():
    f = parse_srepr("Float('0.1')")
    assert f == sp.Float("0.1") and f._prec == 53


def test_the_grader_s_formula_points_come_from_its_seed():
    """Judged for the grader (in its time-limited child), a wrong formula
    is checked at points drawn from the grader's seed: another seed,
    another witness point."""
    q = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x**2,
                             variables=["x"], domain={"x": (-2, 2)}, **KW)
    wrong = sp.sin(x) * sp.Heaviside(x + 100)
    texts = {q.judge_limited(wrong, Q.GRADE, seed=s).feedback
             for s in (1, 2)}
    assert len(texts) == 2


def test_a_formula_with_a_null_byte_says_why_it_cannot_be_read():
    _refused("Integer(1)\x00", "could not read the formula (source code "
             "string cannot contain null bytes)")


# =================================== every verdict a question can return
# (issue 21: labels such as "kind", "mistake" and "transpose" survived
# with every test green). A grader's report and Gradescope show the
# status and the category; the student reads the feedback. Each row is
# one (status, category) a kind of question can return, all three pinned.

R2 = lambda t: np.array([[t + 3.0, 1.0], [2.0, t * t + 1.0]])  # noqa: E731
TABLE_QUESTIONS = {
    "number": lambda: Q.NumberQuestion(
        "t.q1", "val", reference=lambda: 2.5, hint="Use the chain rule.",
        mistakes=[(lambda: 5.0, "That is twice the value.")], **KW),
    "array": lambda: Q.ArrayQuestion(
        "t.q2", "arr", reference=lambda: np.array([[1.0, 2.0], [3.0, 4.0]]),
        shape=(2, 2), layout="rows are outputs",
        mistakes=[(lambda: np.eye(2), "That is the identity.")], **KW),
    "vector": lambda: Q.ArrayQuestion(
        "t.q2", "arr", reference=lambda: np.array([1.0, 2.0, 3.0]),
        shape=(3,), **KW),
    "row": lambda: Q.ArrayQuestion(
        "t.q2", "arr", reference=lambda: np.array([[1.0, 2.0, 3.0]]),
        shape=(1, 3), layout="rows are outputs", **KW),
    "formula": lambda: Q.ExpressionQuestion(
        "t.q5", "ex", reference=lambda: x**2 + 1, variables=["x", "y"],
        domain={"x": (0.5, 2.0), "y": (0.5, 2.0)},
        mistakes=[(lambda: 2 * x, "That is its derivative.")], **KW),
    "matrix": lambda: Q.MatrixQuestion(
        "t.q3", "M", reference=lambda: sp.Matrix([[x, x**2], [1, 0]]),
        variables=["x"], shape=(2, 2), domain={"x": (0.5, 2.0)},
        layout="rows are outputs",
        mistakes=[(lambda: sp.Matrix([[1, 2 * x], [0, 0]]),
                   "That is its derivative.")], **KW),
    "column": lambda: Q.MatrixQuestion(
        "t.q3", "M", reference=lambda: sp.Matrix([[x], [x**2], [1]]),
        variables=["x"], shape=(3, 1), domain={"x": (0.5, 2.0)}, **KW),
    "function": lambda: Q.FunctionQuestion(
        "t.q4", "f", reference=R2, arg_shape=(), out_shape=(2, 2),
        public_n=3, layout="rows are outputs",
        mistakes=[(lambda t: np.array([[1.0, 0.0], [0.0, 2 * t]]),
                   "That is its derivative.")], **KW),
    "choice": lambda: Q.ChoiceQuestion(
        "t.q6", "pick", options={"A": "a", "B": "b"}, reference=lambda: "A",
        hints={"B": "B is the transpose."}, **KW),
}
UNPROVABLE = (x**2 + 1) * sp.Heaviside(x - sp.Rational(1, 10))
TABLE_ANSWERS = {
    # id: (question, how it is judged, answer)
    "number-correct": ("number", "check", 2.5),
    "number-mistake": ("number", "check", 5.0),
    "number-sign": ("number", "check", -2.5),
    "number-scale": ("number", "check", 7.5),
    "number-value": ("number", "check", 2.0),
    "number-nonfinite": ("number", "check", float("inf")),
    "number-kind-string-number": ("number", "check", "2.5"),
    "number-kind-string": ("number", "check", "two"),
    "number-kind-array1": ("number", "check", np.array([2.5])),
    "number-kind-formula": ("number", "check", x),
    "missing-none": ("number", "judge", None),
    "missing-undefined": ("number", "judge", Undefined()),
    "error-unreadable": ("number", "judge", Unreadable("a bad token")),
    "error-too-long": ("number", "judge", TooLong("formula", 300000,
                                                  200000)),
    "array-correct": ("array", "check", np.array([[1.0, 2.0], [3.0, 4.0]])),
    "array-mistake": ("array", "check", np.eye(2)),
    "array-sign": ("array", "check", -np.array([[1.0, 2.0], [3.0, 4.0]])),
    "array-scale": ("array", "check", np.array([[0.5, 1.0], [1.5, 2.0]])),
    "array-zeros": ("array", "check", np.zeros((2, 2))),
    "array-transpose": ("array", "check", np.array([[1.0, 3.0],
                                                    [2.0, 4.0]])),
    "array-pointwise": ("array", "check", np.array([[1.0, 2.0],
                                                    [3.0, 5.0]])),
    "array-nonfinite": ("array", "check", np.array([[1.0, 2.0],
                                                    [np.nan, 4.0]])),
    "array-shape": ("array", "check", np.ones(3)),
    "array-shape-column": ("vector", "check", np.array([[1.0], [2.0],
                                                        [3.0]])),
    "array-kind": ("array", "check", "one"),
    "array-shape-transpose": ("row", "check", np.array([[1.0], [2.0],
                                                        [3.0]])),
    "formula-correct": ("formula", "check", x**2 + 1),
    "formula-correct-grade": ("formula", "grade", UNPROVABLE),
    "formula-correct-public": ("formula", "check", UNPROVABLE),
    "formula-mistake": ("formula", "check", "2x"),
    "formula-sign": ("formula", "check", -x**2 - 1),
    "formula-scale": ("formula", "check", 3 * x**2 + 3),
    "formula-symbolic": ("formula", "check", x**2 + 2),
    "formula-symbols": ("formula", "check", x + z),
    "formula-unreadable": ("formula", "check", "x +* 2"),
    "formula-kind-relation": ("formula", "check", x > 1),
    "formula-kind-matrix": ("formula", "check", sp.Matrix([[x]])),
    "formula-undecided": ("formula", "check", sp.sqrt(-x**2 - y**2 - 1)),
    "matrix-correct": ("matrix", "check", sp.Matrix([[x, x**2], [1, 0]])),
    "matrix-mistake": ("matrix", "check", sp.Matrix([[1, 2 * x], [0, 0]])),
    "matrix-transpose": ("matrix", "check", sp.Matrix([[x, 1], [x**2, 0]])),
    "matrix-sign": ("matrix", "check", -sp.Matrix([[x, x**2], [1, 0]])),
    "matrix-scale": ("matrix", "check", 2 * sp.Matrix([[x, x**2], [1, 0]])),
    "matrix-symbolic": ("matrix", "check", sp.Matrix([[x, x**2], [1, 1]])),
    "matrix-shape": ("matrix", "check", sp.Matrix([[x, x**2]])),
    "matrix-shape-transpose": ("column", "check", sp.Matrix([[x, x**2, 1]])),
    "matrix-kind": ("matrix", "check", x),
    "matrix-symbols": ("matrix", "check", sp.Matrix([[y, x**2], [1, 0]])),
    "function-correct": ("function", "check", R2),
    "function-correct-grade": ("function", "grade", "samples"),
    "function-pointwise-some": ("function", "check", lambda t: R2(t) + (
        t > 0) * np.ones((2, 2))),
    "function-mistake": ("function", "check", lambda t: np.array(
        [[1.0, 0.0], [0.0, 2 * t]])),
    "function-sign": ("function", "check", lambda t: -R2(t)),
    "function-scale": ("function", "check", lambda t: 2 * R2(t)),
    "function-transpose": ("function", "check", lambda t: R2(t).T),
    "function-pointwise": ("function", "check", lambda t: R2(t) + np.array(
        [[0.0, 0.0], [0.0, 1.0]])),
    "function-shape": ("function", "check", lambda t: R2(t).ravel()),
    "function-nonfinite": ("function", "check", lambda t: R2(t) / 0.0),
    "function-raised": ("function", "check", lambda t: 1 / 0),
    "function-returned-kind": ("function", "check", lambda t: "no"),
    "function-missing": ("function", "check", lambda t: None),
    "function-kind": ("function", "check", 2.0),
    "function-timeout": ("function", "judge", Samples([TimedOut(1.0)] * 3)),
    "function-too-long": ("function", "judge", Samples(
        [TooLong("array", 10 ** 7, 10 ** 6)] * 3)),
    "choice-correct": ("choice", "check", "a"),
    "choice-hint": ("choice", "check", "B"),
    "choice-not-an-option": ("choice", "check", "D"),
    "choice-kind": ("choice", "check", 1.0),
}
TABLE_VERDICTS = {
    'number-correct': ('correct', 'ok',
        'Correct.'),
    'number-mistake': ('incorrect', 'mistake',
        'Not yet. That is twice the value.'),
    'number-sign': ('incorrect', 'sign',
        'Not yet. It has the wrong sign: it equals minus the right '
        'value.'),
    'number-scale': ('incorrect', 'scale',
        'Not yet. It is off by a constant factor: yours is 3 times the '
        'right value.'),
    'number-value': ('incorrect', 'value',
        'Not yet. val = 2 is not right. Use the chain rule.'),
    'number-nonfinite': ('incorrect', 'nonfinite',
        'Not yet. val is inf, not a finite number.'),
    'number-kind-string-number': ('incorrect', 'kind',
        "Not yet. A number is expected, but val is the string '2.5': "
        'write 2.5 without quotes.'),
    'number-kind-string': ('incorrect', 'kind',
        "Not yet. A number is expected, but val is the string 'two'."),
    'number-kind-array1': ('incorrect', 'kind',
        'Not yet. A number is expected, but val is an array of shape '
        '(1,): use val[0] or float(...).'),
    'number-kind-formula': ('incorrect', 'kind',
        'Not yet. A number is expected, but val is a formula.'),
    'missing-none': ('missing', 'missing',
        'No answer yet. val is still None: assign your answer to val, '
        'then run this check again.'),
    'missing-undefined': ('missing', 'missing',
        'No answer yet. val is not defined: run the cell that defines '
        'it (or restore it if it was deleted).'),
    'error-unreadable': ('error', 'unreadable',
        'Error. Your answer could not be read: a bad token.'),
    'error-too-long': ('error', 'too long',
        'Error. Your formula is too large to check: it is written with '
        '300,000 characters; at most 200,000 are accepted.'),
    'array-correct': ('correct', 'ok',
        'Correct.'),
    'array-mistake': ('incorrect', 'mistake',
        'Not yet. That is the identity.'),
    'array-sign': ('incorrect', 'sign',
        'Not yet. It has the wrong sign: it equals minus the right '
        'answer.'),
    'array-scale': ('incorrect', 'scale',
        'Not yet. It is off by a constant factor: yours is 1/2 times '
        'the right answer.'),
    'array-zeros': ('incorrect', 'scale',
        'Not yet. It is all zeros; the right answer is not.'),
    'array-transpose': ('incorrect', 'transpose',
        'Not yet. It equals the transpose of the right answer: a layout '
        'mix-up (rows are outputs).'),
    'array-pointwise': ('incorrect', 'pointwise',
        'Not yet. Entry [1, 1] is wrong (the other 3 are right).'),
    'array-nonfinite': ('incorrect', 'nonfinite',
        'Not yet. It contains the non-finite value nan in component [1, '
        '0].'),
    'array-shape': ('incorrect', 'shape',
        'Not yet. Wrong shape: expected (2, 2), got (3,).'),
    'array-shape-column': ('incorrect', 'shape',
        'Not yet. Wrong shape: expected (3,), got (3, 1): a column '
        'vector where a flat array of shape (3,) is expected (the '
        'numbers are right: use .ravel()).'),
    'array-kind': ('incorrect', 'kind',
        'Not yet. A numpy array of shape (2, 2) is expected, but arr is '
        "the string 'one'."),
    'array-shape-transpose': ('incorrect', 'transpose',
        'Not yet. Wrong shape: expected (1, 3), got (3, 1). It is the '
        'transpose of the right answer: a layout mix-up (rows are '
        'outputs).'),
    'formula-correct': ('correct', 'ok',
        'Correct (sympy proves it).'),
    'formula-correct-grade': ('correct', 'ok',
        'Correct: 16 random points agree to 1e-25 relative (40 digits); '
        'sympy could not prove it symbolically.'),
    'formula-correct-public': ('correct', 'ok',
        'Correct on the public check: 12 random points agree to 1e-25 '
        'relative (40 digits); sympy could not prove it symbolically.'),
    'formula-mistake': ('incorrect', 'mistake',
        'Not yet. That is its derivative.'),
    'formula-sign': ('incorrect', 'sign',
        'Not yet. It has the wrong sign: it equals minus the right '
        'answer.'),
    'formula-scale': ('incorrect', 'scale',
        'Not yet. It is off by a constant factor: yours is 3 times the '
        'right answer.'),
    'formula-symbolic': ('incorrect', 'symbolic',
        'Not yet. Symbolically different from the right answer: at x = '
        '0.7697, yours is 2.59244 and the right value is 1.59244.'),
    'formula-symbols': ('incorrect', 'symbols',
        'Not yet. Your answer uses the symbol z, but the variables of '
        'this question are x, y.'),
    'formula-unreadable': ('error', 'unreadable',
        "Error. Your formula 'x +* 2' could not be read: could not read "
        'the formula (invalid syntax).'),
    'formula-kind-relation': ('incorrect', 'kind',
        'Not yet. ex is StrictGreaterThan, not a formula.'),
    'formula-kind-matrix': ('incorrect', 'kind',
        'Not yet. A sympy expression is expected, but ex is a 1 x 1 '
        'sympy Matrix.'),
    'formula-undecided': ('error', 'undecided',
        'Error. Your formula could not be compared with the right one: '
        'undecided: only 0 sample points where both sides are real and '
        'finite, and sympy could not prove a - b = 0.'),
    'matrix-correct': ('correct', 'ok',
        'Correct (sympy proves it).'),
    'matrix-mistake': ('incorrect', 'mistake',
        'Not yet. That is its derivative.'),
    'matrix-transpose': ('incorrect', 'transpose',
        'Not yet. It is the transpose of the right answer: a layout '
        'mix-up (rows are outputs).'),
    'matrix-sign': ('incorrect', 'sign',
        'Not yet. It has the wrong sign: it equals minus the right '
        'answer.'),
    'matrix-scale': ('incorrect', 'scale',
        'Not yet. It is off by a constant factor: yours is 2 times the '
        'right answer.'),
    'matrix-symbolic': ('incorrect', 'symbolic',
        'Not yet. Symbolically different from the right answer: in '
        'entry (1, 1), at x = 0.9273, yours is 1 and the right value is '
        '0.'),
    'matrix-shape': ('incorrect', 'shape',
        'Not yet. Wrong shape: expected 2 x 2, got 1 x 2.'),
    'matrix-shape-transpose': ('incorrect', 'transpose',
        'Not yet. Wrong shape: expected 3 x 1, got 1 x 3. It is the '
        'transpose of the right answer: a layout mix-up.'),
    'matrix-kind': ('incorrect', 'kind',
        'Not yet. A 2 x 2 sympy Matrix is expected, but M is a formula.'),
    'matrix-symbols': ('incorrect', 'symbols',
        'Not yet. Your answer uses the symbol y, but the variables of '
        'this question are x.'),
    'function-correct': ('correct', 'ok',
        'Correct on the public check: f is right at 3 points. The '
        'grader tests it at other points too.'),
    'function-correct-grade': ('correct', 'ok',
        'Correct at all 6 points tested.'),
    'function-pointwise-some': ('incorrect', 'pointwise',
        'Not yet. Right at 2 of 3 points, but wrong at x = 1.617: '
        'entries [0, 0], [0, 1], [1, 0], [1, 1] are wrong: entry [0, 0] '
        'is 5.61718, expected 4.61718.'),
    'function-mistake': ('incorrect', 'mistake',
        'Not yet. That is its derivative.'),
    'function-sign': ('incorrect', 'sign',
        'Not yet. It has the wrong sign: it equals minus the right '
        'answer (at the points tested).'),
    'function-scale': ('incorrect', 'scale',
        'Not yet. It is off by a constant factor: yours is 2 times the '
        'right answer (at the points tested).'),
    'function-transpose': ('incorrect', 'transpose',
        'Not yet. It equals the transpose of the right answer: a layout '
        'mix-up (rows are outputs) (at the points tested).'),
    'function-pointwise': ('incorrect', 'pointwise',
        'Not yet. Wrong at x = 1.617: entry [1, 1] is wrong (the other '
        '3 are right): entry [1, 1] is 4.61527, expected 3.61527.'),
    'function-shape': ('incorrect', 'shape',
        'Not yet. Wrong shape: expected (2, 2), got (4,) (the numbers '
        'are right: reshape to (2, 2)) (at x = 1.617).'),
    'function-nonfinite': ('incorrect', 'nonfinite',
        'Not yet. Your function returned inf in component [0, 0] at x = '
        '1.617; the right value is 4.61718.'),
    'function-raised': ('error', 'raised',
        'Error. Your function raised ZeroDivisionError: division by '
        'zero at x = 1.617.'),
    'function-returned-kind': ('incorrect', 'kind',
        "Not yet. Your function returned the string 'no' at x = 1.617; "
        'expected an array of shape (2, 2).'),
    'function-missing': ('missing', 'missing',
        'No answer yet. f returns None: write its body (it must return '
        'an array of shape (2, 2)).'),
    'function-kind': ('incorrect', 'kind',
        'Not yet. A function f(x) returning an array of shape (2, 2) is '
        'expected, but f is the number 2 (define it with `def f(x):`).'),
    'function-timeout': ('timeout', 'timeout',
        'Timeout. Your function did not return within 1 s (the limit '
        'per call) at x = 1.617.'),
    'function-too-long': ('error', 'too long',
        'Error. Your function returned a value too large to check at x '
        '= 1.617: it has 10,000,000 entries; at most 1,000,000 are '
        'accepted.'),
    'choice-correct': ('correct', 'ok',
        'Correct.'),
    'choice-hint': ('incorrect', 'choice',
        'Not yet. (B) B is the transpose.'),
    'choice-not-an-option': ('incorrect', 'kind',
        "Not yet. 'D' is not one of the options A, B."),
    'choice-kind': ('incorrect', 'kind',
        'Not yet. pick is the number 1; give the letter of your choice '
        'as a string, for example "A".'),
}


@pytest.mark.parametrize("case", list(TABLE_ANSWERS))
def test_every_status_and_category_a_question_returns_with_its_feedback(
        case):
    """The status, the category (diagnosis) and the feedback of each
    kind of verdict each kind of question gives (the grader's report and
    Gradescope show the first two, the student reads the third)."""
    kind, how, answer = TABLE_ANSWERS[case]
    q = TABLE_QUESTIONS[kind]()
    if how == "check":
        v = q.check(answer)
    elif how == "judge":
        v = q.judge(answer)
    elif answer == "samples":     # sampled by the grader at its points
        points = q.points_for(Q.GRADE, 3)
        v = q.judge(Samples([R2(float(p)) for p in points]), Q.GRADE, 3)
    else:
        v = q.judge(answer, Q.GRADE, seed=3)
    assert (v.status, v.diagnosis, v.feedback) == TABLE_VERDICTS[case]
    assert v.points == (1 if v.status == "correct" else 0)


def test_the_table_has_every_status_and_category():
    """Each (status, category) pair the questions can return is in the
    table above."""
    pairs = {v[:2] for v in TABLE_VERDICTS.values()}
    assert pairs == {
        ("correct", "ok"), ("missing", "missing"), ("error", "unreadable"),
        ("error", "too long"), ("error", "raised"), ("error", "undecided"),
        ("timeout", "timeout"), ("incorrect", "kind"),
        ("incorrect", "mistake"), ("incorrect", "sign"),
        ("incorrect", "scale"), ("incorrect", "value"),
        ("incorrect", "nonfinite"), ("incorrect", "transpose"),
        ("incorrect", "pointwise"), ("incorrect", "shape"),
        ("incorrect", "symbolic"), ("incorrect", "symbols"),
        ("incorrect", "choice")}


# ------------------------------------------- a student's own question

def test_a_student_s_variant_has_the_student_s_numbers():
    """variant(student) builds the question with that student's
    parameters (the identifier normalised): Alice's right answer is
    right for her variant and wrong for the book's."""
    q = question("ch01.q1")
    alice = q.variant(" Alice ")
    assert alice.student == "alice" and alice is q.variant("alice")
    assert alice.values != q.values and alice.prompt != q.prompt
    right = float(alice.reference())
    assert alice.check(right).status == "correct"
    assert q.check(right).status == "incorrect"
    assert q.variant(None) is q and q.variant().student is None
    plain = Q.NumberQuestion("t.q1", "val", reference=lambda: 2.5, **KW)
    assert plain.variant("alice") is plain


# ------------------------------------ where a formula is told it is wrong

def test_a_constant_answer_is_told_where_without_an_empty_place():
    """Constant formulas have no point to name: the feedback says the
    entry (for a matrix) or nothing, not "in entry (1, 1), , yours"."""
    m = Q.MatrixQuestion("t.q3", "H", reference=lambda: sp.Matrix(
        [[2, 0], [0, 2]]), variables=["x"], shape=(2, 2), **KW)
    v = m.check(sp.Matrix([[2, 0], [0, 3]]))
    assert (v.status, v.diagnosis, v.feedback) == (
        "incorrect", "symbolic", "Not yet. Symbolically different from the "
        "right answer: in entry (1, 1), yours is 3 and the right value is "
        "2.")
    e = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: sp.Integer(2),
                             variables=["x"], **KW)
    v = e.check(2 + sp.sqrt(2))
    assert v.feedback == ("Not yet. Symbolically different from the right "
                          "answer: yours is 3.41421 and the right value is "
                          "2.")
    v = e.check(x)
    assert v.feedback.startswith("Not yet. Symbolically different from "
                                 "the right answer: at x = ")


def test_a_named_mistake_is_recognised_on_the_question_s_domain():
    """A formula that equals a named mistake on the question's domain
    (|x| is x for x in [0.5, 2]) gets the mistake's message, although
    the two differ elsewhere."""
    q = Q.ExpressionQuestion("t.q5", "ex", reference=lambda: x**2,
                             variables=["x"], domain={"x": (0.5, 2.0)},
                             mistakes=[(lambda: x, "That is x, not x^2.")],
                             **KW)
    v = q.check(sp.Abs(x))
    assert (v.status, v.diagnosis, v.feedback) == (
        "incorrect", "mistake", "Not yet. That is x, not x^2.")
    v = q.judge(sp.Abs(x), Q.GRADE, seed=5)
    assert (v.diagnosis, v.feedback) == ("mistake",
                                         "Not yet. That is x, not x^2.")


def test_the_grader_confirms_a_transpose_at_its_own_points():
    """A matrix that is the transpose of the right one only for x below
    1.95 is called a transpose by the grader exactly when none of its
    points (drawn from its seed) lies above 1.95: the transpose is
    checked at the grader's points, not at fixed ones."""
    E = sp.Matrix([[x, x**2], [1, 0]])
    q = Q.MatrixQuestion("t.q3", "M", reference=lambda: E, variables=["x"],
                         shape=(2, 2), domain={"x": (0.5, 2.0)}, **KW)
    G = E.T + sp.Heaviside(x - sp.Rational(195, 100)) * sp.Matrix(
        [[1, 0], [0, 0]])
    seen = [q.judge(G, Q.GRADE, seed=s).diagnosis for s in range(1, 9)]
    assert set(seen) == {"transpose", "symbolic"}, seen
    assert q.check(G).diagnosis == "transpose"


# --------------------------------- what a function's reference receives

def test_a_sign_error_is_not_claimed_where_the_right_value_is_zero():
    """-x where the answer is max(x, 0): minus the right answer at x = 1
    and 2, but at x = -1 the right value is 0 and yours is 1. No
    common sign error: the point where it is wrong is named, whichever
    point comes first."""
    for edges in ([-1.0, 1.0, 2.0], [1.0, 2.0, -1.0]):
        q = function_q(lambda t: max(t, 0.0), public_n=0, edge_points=edges)
        v = q.check(lambda t: -t)
        assert (v.status, v.diagnosis, v.feedback) == (
            "incorrect", "pointwise", f"Not yet. Wrong at x = {edges[0]:g}: "
            f"yours is {-edges[0]:g}, expected {max(edges[0], 0):g}.")
    q = function_q(lambda t: max(t, 0.0), public_n=0,
                   edge_points=[1.0, -1.0, 2.0])
    assert q.check(lambda t: -max(t, 0.0)).diagnosis == "sign"


def test_references_and_mistakes_receive_a_float_or_a_copy_of_the_point():
    """As documented, a function question's reference and its mistakes
    are called with a float for a scalar point (a question may use it as
    a dict key or call float methods on it) and with a fresh copy of an
    array point (a reference that changes its argument changes no other
    call's point)."""
    seen = []

    def ref(t):
        seen.append(type(t))
        return {0.5: 1.0, 1.5: 3.0}[t]

    q = function_q(ref, public_n=0, edge_points=[0.5, 1.5],
                   mistakes=[(lambda t: {0.5: 2.0, 1.5: 6.0}[t],
                              "Twice it.")])
    assert q.check(lambda t: 2 * t).status == "correct"
    assert q.check(lambda t: 4 * t).feedback == "Not yet. Twice it."
    assert set(seen) == {float}

    def spoil(p):
        value = p.sum()
        p[:] = 100.0           # changes its own copy only
        return value
    v = Q.FunctionQuestion("t.q4", "g", reference=spoil, arg_shape=(2,),
                           out_shape=(), public_n=0,
                           edge_points=[[1.0, 2.0], [3.0, 4.0]], **KW)
    assert v.check(lambda p: float(p.sum())).status == "correct"
    assert [p.tolist() for p in v.edge_points] == [[1.0, 2.0], [3.0, 4.0]]


# ----------------------------------------------- the parser's messages

def test_an_empty_formula_is_told_it_is_empty():
    for text in ("", "   "):
        with pytest.raises(ParseError, match="^the formula is empty$"):
            parse_answer(text, ["x"])
    v = evaluate("ch07.q4", " ")
    assert (v.status, v.diagnosis, v.feedback) == (
        "error", "unreadable", "Error. Your formula ' ' could not be read: "
        "the formula is empty.")


def test_e_is_euler_s_number_unless_it_is_a_variable():
    e = sp.Symbol("e")
    assert parse_answer("2e", ["x"]) == 2 * sp.E
    assert parse_answer("2e", ["e"]) == 2 * e
    assert parse_answer("e^x", ["x", "e"]) == e ** sp.Symbol("x")
    assert parse_answer("E + e", ["e"]) == sp.E + e


def test_an_unknown_function_lists_the_functions_there_are():
    with pytest.raises(ParseError) as info:
        parse_answer("foo(x)", ["x"])
    assert str(info.value) == (
        "unknown function 'foo' (the functions are Abs, abs, acos, asin, "
        "atan, cos, cosh, exp, Heaviside, ln, log, Max, max, Min, min, "
        "sign, sin, sinh, sqrt, tan, tanh)")


def test_a_callee_that_is_not_a_name_is_quoted_to_40_characters():
    """srepr text calling a whole expression: the expression is quoted,
    cut at 40 characters."""
    callee = "Add(Symbol('x'), Integer(1), Symbol('yyyyyyyyyy'))"
    assert len(callee) > 41
    _refused(f"{callee}(Integer(2))", f"{callee[:40]!r} is not allowed "
             "(only named functions such as exp and sin can be used)")


def test_an_unnamed_function_is_shown_as_a_question_mark():
    _refused("Function()", "an unknown function '?'")
    _refused("Function()(Symbol('x'))", "an unknown function '?' (only "
             "named functions such as exp and sin can be checked)")
    _refused("Function('g')", "an unknown function 'g'")


TWO_3000 = "*".join(["2**100"] * 30)      # 2**3000, a number of 3001 bits


@pytest.mark.parametrize("power, ok", [
    ("536870912**(-100)", True),          # 30 bits * 100 = 3000
    ("1073741824**(-100)", False),        # 31 bits * 100 = 3100
    (f"({TWO_3000}/2)**(-1)", True),      # 3000 bits * 1
    (f"({TWO_3000})**(-1)", False),       # 3001 bits * 1
    (f"(1/({TWO_3000}))**1", False),      # the denominator's bits count
], ids=["3000-bits", "3100-bits", "3000-bits-once", "3001-bits-once",
        "3001-bit-denominator"])
def test_a_power_of_a_number_is_read_up_to_3000_bits(power, ok):
    """The limit on a power of a number: bits of the base (numerator or
    denominator) times the exponent at most 3000 (about 900 digits)."""
    if ok:
        parse_answer(f"x + {power}", ["x"])
    else:
        with pytest.raises(ParseError) as info:
            parse_answer(f"x + {power}", ["x"])
        assert str(info.value).startswith("the number ")
        assert str(info.value).endswith(" is too large to check")


def test_the_public_check_confirms_a_transpose_at_its_own_12_points():
    """The public check compares at 12 points and confirms a transpose
    at the same 12: a row that is the transpose of the right column
    except for x in (1.1, 1.25), where none of the 12 public points lies
    (the 13th to 16th points of the same seed include x = 1.17), is a
    transpose for the public check; the grader, at 16 points of its
    own, may find otherwise."""
    E = sp.Matrix([[x], [x**2], [1]])
    q = Q.MatrixQuestion("t.q3", "M", reference=lambda: E, variables=["x"],
                         shape=(3, 1), domain={"x": (0.5, 2.0)}, **KW)
    bump = sp.Heaviside(x - sp.Rational(11, 10)) - \
        sp.Heaviside(x - sp.Rational(5, 4))
    G = (E + bump * sp.Matrix([[1], [0], [0]])).T
    v = q.check(G)
    assert (v.status, v.diagnosis) == ("incorrect", "transpose"), v.feedback


def test_a_function_question_s_default_sampling_and_tolerance():
    """Defaults: the public check samples 3 points of [-2, 2], the
    grader 6, and values agree within a relative 1e-6."""
    q = Q.FunctionQuestion("t.q4", "f", reference=lambda t: t + 3.0,
                           arg_shape=(), out_shape=(), **KW)
    public = q.points_for(Q.PUBLIC)
    assert len(public) == 3 and len(q.points_for(Q.GRADE, 1)) == 6
    assert all(-2.0 <= float(p) <= 2.0 for p in public)
    assert q.check(lambda t: t + 3.0).feedback == (
        "Correct on the public check: f is right at 3 points. The grader "
        "tests it at other points too.")
    assert q.check(lambda t: (t + 3.0) * (1 + 5e-7)).status == "correct"
    assert q.check(lambda t: (t + 3.0) * (1 + 2e-6)).status == "incorrect"


def test_a_function_returning_the_transpose_names_the_layout():
    """A function returning a column where a row is expected: the
    shape, the transpose and the question's layout note, at the first
    point."""
    q = function_q(lambda t: np.array([[t, 1.0, 2.0]]), out_shape=(1, 3),
                   public_n=0, edge_points=[0.5], layout="one row per output")
    v = q.check(lambda t: np.array([[t], [1.0], [2.0]]))
    assert (v.status, v.diagnosis, v.feedback) == (
        "incorrect", "transpose", "Not yet. Wrong shape: expected (1, 3), "
        "got (3, 1). It is the transpose of the right answer: a layout "
        "mix-up (one row per output) (at x = 0.5).")


# ------------------------------------------------ held-out sample (seed 7)

def test_a_unary_plus_leaves_the_formula_as_it_is():
    """"+x" is x, "-x" is minus x, "+-x" and "-+x" are minus x."""
    x = sp.Symbol("x")
    assert parse_answer("+x", ["x"]) == x
    assert parse_answer("+(x**2)", ["x"]) == x ** 2
    assert parse_answer("-x", ["x"]) == -x
    assert parse_answer("+-x", ["x"]) == -x
    assert parse_answer("-+x", ["x"]) == -x


def test_a_formula_of_2000_parts_is_read_and_a_larger_one_refused():
    """The parser reads at most 2000 syntax-tree parts (numbers, names,
    operations): "2x" is 3 of them (an implicit product), "+" one, "-x"
    two. Ten bracketed sums of 2x (50 terms each, one of 49; brackets
    keep the tree shallow), then -x and x, make exactly 2000 parts and
    are read; with -x twice they make 2001 and are refused, with a
    message that names the limit (the text is under its own limit of
    2000 characters)."""
    groups = ["(" + "+".join(["2x"] * k) + ")" for k in [50] * 9 + [49]]
    head = "+".join(groups)
    assert len(head) < 1990
    assert parse_answer(head + "+-x+x", ["x"]) == 998 * sp.Symbol("x")
    with pytest.raises(ParseError, match="more than 2000 parts"):
        parse_answer(head + "+-x+-x", ["x"])


def test_a_formula_that_is_not_an_expression_is_told_so():
    """A function's name alone is not a formula to check."""
    for text in ("sin", "Abs"):
        with pytest.raises(ParseError) as err:
            parse_answer(text, ["x"])
        assert str(err.value) == "the formula is not an expression", text


def test_a_choice_is_its_letter_with_brackets_quotes_or_a_full_stop_only():
    """"(b)", " 'B' ", "B." are choice B; "BX" or "XB" are no letter."""
    q = question("ch07.q5")
    right = q.reference()
    for answer in (f"({right.lower()})", f" '{right}' ", f"{right}."):
        assert evaluate("ch07.q5", answer).status == "correct", answer
    for answer in (f"{right}X", f"X{right}"):
        v = evaluate("ch07.q5", answer)
        assert (v.status, v.diagnosis) == ("incorrect", "kind"), answer
        assert "is not one of the options" in v.feedback


def test_an_array_with_one_nonzero_entry_off_by_a_small_factor_is_named():
    """With one nonzero entry any answer with zeros in the same places is
    a multiple of it, so only k or 1/k (2 <= k <= 10) is named: 2 times is
    "off by a constant factor", 2.37 times is just wrong where it is."""
    from mathlib.exercises._compare import value_problem
    E = np.array([[0.0, 0.0], [0.0, 3.0]])
    diagnosis, message = value_problem(2 * E, E, 1e-9)
    assert diagnosis == "scale"
    assert "yours is 2 times the right answer" in message
    diagnosis, message = value_problem(E / 4, E, 1e-9)
    assert (diagnosis, "yours is 1/4 times" in message) == ("scale", True)
    assert value_problem(2.37 * E, E, 1e-9)[0] == "pointwise"
