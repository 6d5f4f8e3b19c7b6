"""The problem sets and their checkers (mathlib.exercises), in-process.

The committed notebooks are what the registry generates; every problem
set answered correctly gets full marks and blank gets zero; each kind of
mistake gets its specific feedback; readers' strings and the grader's
data are parsed safely. (tests/test_grade.py runs real kernels.)
"""
import contextlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from mathlib import exercises
from mathlib.exercises import (UnknownQuestion, chapters, check, evaluate,
                               question, questions)
from mathlib.exercises import _notebook
from mathlib.exercises._decode import (Other, Samples, Undefined,
                                       WireError, decode)
from mathlib.exercises._parse import ParseError, parse_answer, parse_srepr
from mathlib.exercises._wire import encode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests" / "submissions"))
import notebooks  # noqa: E402
import cases  # noqa: E402
from exercise_checks import (feedback_test, judge_as_grader,  # noqa: E402
                             notebook_names)

KEYS = [c.key for c in chapters()]
x, y, z = sp.symbols("x y z", real=True)


# ------------------------------------------------------------ registry


@pytest.mark.parametrize("key", KEYS)
def test_each_problem_set_has_six_or_more_questions_of_mixed_kinds(key):
    qs = questions(key)
    assert len(qs) >= 6
    kinds = {q.kind for q in qs}
    assert {"number", "array", "function", "choice"} <= kinds
    assert kinds & {"expression", "matrix"}
    assert max(q.points for q in qs) > min(q.points for q in qs)


def test_ids_and_answer_names_are_unique_within_a_problem_set():
    for c in chapters():
        assert len({q.name for q in c.questions}) == len(c.questions)
    ids = [q.id for q in questions()]
    assert len(set(ids)) == len(ids)


def test_unknown_question_lists_close_matches():
    with pytest.raises(UnknownQuestion) as info:
        check("ch2.q4", 1.0)
    message = str(info.value)
    assert "'ch02.q4'" in message and "did you mean" in message.lower()
    with pytest.raises(UnknownQuestion, match="ch02.q1, ch02.q2"):
        question("ch02.q44")
    with pytest.raises(TypeError, match="string such as"):
        question(4)


# ------------------------------------------------------------ notebooks


@pytest.mark.parametrize("key", KEYS)
def test_committed_notebook_is_generated_from_the_registry(key):
    built = _notebook.dumps(_notebook.build(
        exercises.chapter(key), notebooks.setup_cell_source()))
    committed = (ROOT / "exercises" / f"{key}.ipynb").read_text("utf-8")
    assert committed == built, "run: python -m mathlib.exercises write"


@pytest.mark.parametrize("key", KEYS)
def test_notebook_layout_and_no_answer_key(key):
    nb = json.loads((ROOT / "exercises" / f"{key}.ipynb").read_text())
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert sources[0] == notebooks.setup_cell_source()
    assert sources[1].startswith("# Problem set ")     # the page title
    assert "from mathlib.exercises import check" in sources[2]
    for q in questions(key):
        assert f'check("{q.id}", {q.name})' in sources
        answer = [s for c, s in zip(nb["cells"], sources)
                  if c["metadata"].get("exercise") ==
                  {"id": q.id, "role": "answer"}]
        assert len(answer) == 1 and "None" in answer[0]
        assert cases.CORRECT[q.id] not in "\n".join(sources)


def _run_cells(text, answers_wanted):
    """Execute a notebook's code cells here; the answers and the output."""
    nb = json.loads(text)
    ns, out = {"__name__": "__main__"}, io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in nb["cells"][1:]:
            if cell["cell_type"] == "code":
                exec("".join(cell["source"]), ns)
    return {name: ns.get(name) for name in answers_wanted}, out.getvalue()


@pytest.mark.parametrize("key", KEYS)
def test_all_correct_scores_full_marks_and_blank_scores_zero(key):
    qs = questions(key)
    spec = {s["name"]: s for s in cases.CASES[key]}
    values, _ = _run_cells(cases.build(key, spec["correct"]),
                           [q.name for q in qs])
    verdicts = [evaluate(q.id, values[q.name]) for q in qs]
    assert [v.status for v in verdicts] == ["correct"] * len(qs), \
        [str(v) for v in verdicts if not v]
    assert sum(v.points for v in verdicts) == \
        exercises.chapter(key).max_points == 10
    values, printed = _run_cells(
        (ROOT / "exercises" / f"{key}.ipynb").read_text(),
        [q.name for q in qs])
    verdicts = [evaluate(q.id, values[q.name]) for q in qs]
    assert {v.status for v in verdicts} == {"missing"}
    assert sum(v.points for v in verdicts) == 0
    assert printed.count("No answer yet.") == len(qs)


# ------------------------------------------------------------- feedback


def sigmoid(t):
    return 1 / (1 + np.exp(-t))


def dsig(t):
    return sigmoid(t) * (1 - sigmoid(t))


GRAD_SYM = sp.Matrix([y**2 + z * sp.exp(x), 2 * x * y, sp.exp(x)])
B = np.array([1.0, -2.0, 0.5])

FEEDBACK = [
    # (question, answer, status, diagnosis, words in the feedback)
    ("ch01.q1", 3, "correct", "ok", "Correct."),
    ("ch01.q1", "3", "incorrect", "kind", "without quotes"),
    ("ch01.q1", "three", "incorrect", "kind", "the string 'three'"),
    ("ch01.q1", np.array([3.0]), "incorrect", "kind", "shape (1,)"),
    ("ch01.q1", -3.0, "incorrect", "sign", "wrong sign"),
    ("ch01.q1", 6.0, "incorrect", "scale", "2 times"),
    ("ch01.q1", 1.0, "incorrect", "mistake", "u = 3x"),
    ("ch01.q1", 2.5, "incorrect", "value", "2.5 is not right"),
    ("ch01.q1", float("nan"), "incorrect", "nonfinite", "not a finite"),
    ("ch01.q1", True, "incorrect", "kind", "the bool True"),
    ("ch01.q1", 3 + 1j, "incorrect", "kind", "complex"),
    ("ch01.q1", {"a": 1}, "incorrect", "kind", "type dict"),
    ("ch01.q1", sp.Integer(3), "correct", "ok", "Correct."),
    ("ch01.q1", None, "missing", "missing", "still None"),
    ("ch01.q2", [[12.61, 12.0601, 12.006001]], "incorrect", "shape",
     "expected (3,), got (1, 3): a row vector"),
    ("ch01.q2", [12.61, 12.0601, 12.0], "incorrect", "pointwise",
     "Component [2] is wrong (the other 2 are right)"),
    ("ch01.q2", [[1, 2], [3]], "incorrect", "kind", "rows have different lengths"),
    ("ch01.q4", "2*x*log(x) + x", "correct", "ok", "sympy proves"),
    ("ch01.q4", "x*log(x**2) + x", "correct", "ok", "sympy proves"),
    ("ch01.q4", 2 * x * sp.log(x), "incorrect", "symbolic",
     "right value is"),
    ("ch01.q4", "2*x*log(t)", "error", "unreadable", "unknown name 't'"),
    ("ch01.q4", "__import__('os').system('true')", "error", "unreadable",
     "not allowed"),
    ("ch01.q4", sp.Derivative(x**2 * sp.log(x), x), "error",
     "unreadable", "unevaluated Derivative"),
    ("ch01.q4", sp.Matrix([x]), "incorrect", "kind", "1 x 1 sympy"),
    ("ch01.q5", sp.exp(2 * x) / (1 + sp.exp(2 * x)), "incorrect",
     "mistake", "innermost"),
    ("ch01.q5", 4 * sp.exp(2 * x) / (1 + sp.exp(2 * x)), "incorrect",
     "scale", "2 times"),
    ("ch01.q5", -2 * sp.exp(2 * x) / (1 + sp.exp(2 * x)), "incorrect",
     "sign", "wrong sign"),
    ("ch01.q6", dsig, "correct", "ok", "public check"),
    ("ch01.q6", lambda t: -dsig(t), "incorrect", "sign", "wrong sign"),
    ("ch01.q6", lambda t: 1 / 0, "error", "raised",
     "ZeroDivisionError: division by zero at x ="),
    ("ch01.q6", lambda t: dsig(t) if t != 0 else 0.2, "incorrect",
     "pointwise", "wrong at x = 0: yours is 0.2, expected 0.25"),
    ("ch01.q6", lambda t: "0.25", "incorrect", "kind", "returned the "
     "string"),
    ("ch01.q6", lambda t: None, "missing", "missing", "returns None"),
    ("ch01.q6", 0.25, "incorrect", "kind", "def dsigmoid(x):"),
    ("ch01.q7", "b", "correct", "ok", "Correct."),
    ("ch01.q7", "(D)", "incorrect", "choice", "rounds to 1"),
    ("ch01.q7", 2, "incorrect", "kind", "as a string"),
    ("ch01.q7", "E", "incorrect", "kind", "not one of the options"),
    ("ch02.q1", [4 + 2 * np.cos(2), 4 + np.cos(2)], "incorrect",
     "mistake", "wrong order"),
    ("ch02.q2", GRAD_SYM, "correct", "ok", "Correct"),
    ("ch02.q2", list(GRAD_SYM), "correct", "ok", "Correct"),
    ("ch02.q2", GRAD_SYM.T, "incorrect", "transpose", "layout mix-up"),
    ("ch02.q2", sp.Matrix([y**2, 2 * x * y, sp.exp(x)]), "incorrect",
     "symbolic", "in entry (0, 0)"),
    ("ch02.q2", sp.Matrix([1, 2]), "incorrect", "shape",
     "expected 3 x 1, got 2 x 1"),
    ("ch02.q2", sp.Matrix([y**2 + sp.Symbol("t"), 0, 0]), "incorrect",
     "symbols", "the symbol t"),
    ("ch02.q4", lambda v: 2 * v / (1 + v @ v), "correct", "ok",
     "The grader tests it at other points too."),
    ("ch02.q4", lambda v: (2 * v / (1 + v @ v)).reshape(1, 3),
     "incorrect", "shape", "a row vector"),
    ("ch02.q4", lambda v: 2 * v, "incorrect", "mistake", "chain rule"),
    ("ch02.q6", lambda X: 2 * np.outer(b_(X), B), "correct", "ok",
     "public check"),
    ("ch02.q6", lambda X: 2 * np.outer(B, b_(X)), "incorrect",
     "transpose", "transpose of the right answer: a layout mix-up"),
    ("ch02.q6", lambda X: np.outer(b_(X), B), "incorrect", "scale",
     "1/2 times"),
    ("ch02.q7", lambda v: np.exp(v) / np.exp(v).sum() - np.eye(4)[0],
     "incorrect", "nonfinite", "nan"),
    ("ch03.q2", np.array([5.0, 4, 3]), "incorrect", "mistake",
     "unit vector"),
    ("ch03.q3", "2x + 3.8y", "correct", "ok", "Correct"),
    ("ch03.q4", np.array([2.0, -1.0]) / np.sqrt(5), "correct", "ok",
     "either"),
    ("ch03.q4", np.array([2.0, -1.0]), "incorrect", "scale", "length"),
    ("ch03.q4", np.array([4.0, 8.0]), "incorrect", "mistake",
     "along the gradient"),
    ("ch03.q8", "sqrt(exp(2y)(1 + x^2))", "correct", "ok", "Correct"),
    ("ch03.q8", sp.exp(2 * y) * (1 + x**2), "incorrect", "mistake",
     "length"),
]


def b_(X):
    return X @ B


test_feedback = feedback_test(FEEDBACK)


# ------------------------------------------ every question of every set


@pytest.mark.parametrize("q", questions(), ids=lambda q: q.id)
def test_key_is_right_at_the_public_and_the_graders_points(q):
    ns = notebook_names(q)
    exec(cases.CORRECT[q.id], ns)
    answer = ns[q.name]
    assert evaluate(q.id, answer), str(evaluate(q.id, answer))
    for seed in (1, 2, 3):
        v = judge_as_grader(q, answer, seed)
        assert v.status == "correct", str(v)


@pytest.mark.parametrize("q", [q for q in questions() if q.mistakes],
                         ids=lambda q: q.id)
def test_each_named_mistake_gets_its_own_message(q):
    for wrong, message in q.mistakes:
        v = evaluate(q.id, wrong if q.kind == "function" else wrong())
        assert (v.status, v.diagnosis) == ("incorrect", "mistake"), str(v)
        assert v.feedback.endswith(message[1:]), str(v)


@pytest.mark.parametrize("q", [q for q in questions() if q.kind == "choice"],
                         ids=lambda q: q.id)
def test_every_wrong_choice_has_a_hint(q):
    assert set(q.hints) == set(q.options) - {q.reference()}


@pytest.mark.parametrize("c", chapters(), ids=lambda c: c.key)
def test_given_code_and_templates_fit_the_page(c):
    for source in [c.given] + [q.given or "" for q in c.questions] + \
            [q.template for q in c.questions]:
        assert all(len(line) <= 79 for line in source.splitlines()), source


def test_check_prints_feedback_and_returns_none(capsys):
    assert check("ch02.q5", 2.05) is None
    out = capsys.readouterr().out
    assert out == "[ch02.q5 estimate] Correct.\n"
    assert check("ch02.q5", "2.05") is None     # no exception
    assert "without quotes" in capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 79


def test_public_and_grading_points_differ_and_include_edge_points():
    q = question("ch02.q7")
    public = q.points_for("public")
    assert len(public) == q.public_n + 2
    assert np.array_equal(public[-1], [0.0, 1000.0, 999.0, -1000.0])
    a, b = q.points_for("grade", 1), q.points_for("grade", 2)
    assert len(a) == q.grade_n + 2
    assert not np.allclose(a[0], b[0])
    assert not any(np.allclose(p, a[0]) for p in public)
    assert np.array_equal(a[0], q.points_for("grade", 1)[0])


# ------------------------------------------------------ parsing and wire


@pytest.mark.parametrize("text", [
    "__import__('os')", "x.__class__", "lambda: 1", "x[0]", "open('f')",
    "x if x else 1", "x; 1", "'x'", "f(x)", "x**1000", "2**3**4**5",
    "exec('1')", "globals()", "(" * 300 + "x" + ")" * 300, "x" * 3000,
])
def test_parse_answer_refuses_anything_but_a_formula(text):
    with pytest.raises(ParseError):
        parse_answer(text, ["x", "y"])


@pytest.mark.parametrize("text, expected", [
    ("2x^2 + e^x", 2 * x**2 + sp.exp(x)),
    ("sin(x y)/ln(2)", sp.sin(x * y) / sp.log(2)),
    ("max(x, 0) + abs(y)", sp.Max(x, 0) + sp.Abs(y)),
    ("1/2 * x", x / 2),
])
def test_parse_answer_reads_formulas(text, expected):
    got = parse_answer(text, ["x", "y"])
    assert sp.simplify(got.subs({s: sp.Symbol(s.name, real=True)
                                 for s in got.free_symbols}) - expected) \
        == 0


@pytest.mark.parametrize("expr", [
    x**2 * sp.log(x) + sp.Rational(1, 3), sp.Matrix([[x, sp.pi], [1, 2]]),
    sp.Piecewise((x, x > 0), (0, True)), sp.Float("0.1") * sp.exp(-y),
    sp.Max(x, y) - sp.sqrt(2) * sp.Symbol("w", positive=True),
])
def test_srepr_round_trip(expr):
    assert parse_srepr(sp.srepr(expr)) == expr


@pytest.mark.parametrize("text", [
    "__import__('os')", "Symbol('x').__class__", "Function('f')(x)",
    "Derivative(Symbol('x'), Tuple(Symbol('x'), Integer(1)))",
    "Integer(" + "9" * 60 + ")",
    "Pow(Pow(Integer(10), Integer(100)), Integer(100))",
    "Symbol('__class__')", "Symbol('x', evil=True)", "eval('1')",
    "MutableDenseMatrix([[Integer(1)], [Integer(2), Integer(3)]])",
])
def test_parse_srepr_refuses(text):
    with pytest.raises(ParseError):
        parse_srepr(text)


@pytest.mark.parametrize("value", [
    None, 2, -1.5, np.float32(0.25), [1, 2], np.eye(2), "x^2", x**2,
    sp.Matrix([x, 1]), [x, 2 * x], True, 1j, {"a": 1},
])
def test_encode_decode_round_trip(value):
    got = decode(json.loads(json.dumps(encode(value))))
    if value is None:
        assert got is None
    elif isinstance(value, (bool, complex, dict)):
        assert isinstance(got, Other)
    elif isinstance(value, str):
        assert got == value
    elif isinstance(value, (sp.Basic, sp.MatrixBase)):
        assert got == value
    elif isinstance(value, list) and isinstance(value[0], sp.Basic):
        assert got == sp.Matrix(value)
    else:
        assert np.array_equal(got, np.asarray(value, dtype=float))


def test_functions_are_sampled_and_their_exceptions_reported():
    data = encode(lambda t: 1 / t, points=[2.0, 0.0])
    got = decode(json.loads(json.dumps(data)), n_points=2)
    assert isinstance(got, Samples)
    assert got.values[0] == 0.5
    assert "ZeroDivisionError" in got.values[1].message


def test_slow_functions_are_stopped():
    import time

    data = encode(lambda t: time.sleep(5), points=[1.0], call_timeout=0.2)
    assert data["samples"] == [{"t": "timeout", "limit": 0.2}]


@pytest.mark.parametrize("data", [
    [], {"t": "bogus"}, {"t": "num", "v": "1"}, {"t": "num", "v": True},
    {"t": "array", "shape": [2], "data": [1]},
    {"t": "array", "shape": [2], "data": "ok"},
    {"t": "array", "shape": [-1], "data": []},
    {"t": "array", "shape": [10**9], "data": []},
    {"t": "function", "samples": [{"t": "num", "v": 1}]},
    {"t": "function", "samples": [{"t": "undefined"}, {"t": "num",
                                                       "v": 1}]},
    {"t": "sympy", "srepr": 5},
])
def test_decode_refuses_malformed_data(data):
    with pytest.raises(WireError):
        decode(data, n_points=2)


def test_undefined_and_unreadable_answers():
    assert isinstance(decode({"t": "undefined"}), Undefined)
    v = question("ch01.q4").judge(decode({"t": "sympy",
                                          "srepr": "Function('f')(x)"}))
    assert v.status == "error" and "unknown function" in v.feedback
