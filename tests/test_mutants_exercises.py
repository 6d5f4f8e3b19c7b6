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
