"""Per-student variants of the problem-set questions (issue 19).

For every parameterised question and a fixed list of students: the
variant satisfies its ``require`` list (no singular matrix where an
inverse is asked, no point on a kink, ...), the reference answer is
correct, each scripted mistake is recognised as that mistake, and minus
the answer, twice the answer and (for a square matrix) its transpose get
"sign", "scale" and "transpose". Two students get different numbers on
every parameterised question; no identifier gives the book's question.
"""
import json

import numpy as np
import pytest
import sympy as sp

from mathlib import exercises
from mathlib.exercises import question, questions, variant
from mathlib.exercises._decode import decode
from mathlib.exercises._notebook import build
from mathlib.exercises._roster import RosterError, read_roster
from mathlib.exercises._variant import StudentError, normalise_student
from mathlib.exercises._wire import encode

STUDENTS = [f"s{k:04d}" for k in range(16)]     # fixed: reproducible
# formulas are compared by sympy (slower): fewer students, still fixed
FORMULA_STUDENTS = STUDENTS[:6]
PARAMETERISED = [q for q in questions() if q.parameterised]

# (question id, check) pairs exempt from a generic check, with the reason
EXEMPT = {
    ("ch03.q2", "sign"): "minus the answer is the named mistake "
                         "'steepest descent'",
    ("ch03.q4", "sign"): "either unit tangent is right",
    ("ch07.q1", "transpose"): "a Hessian is symmetric: its transpose is "
                              "the answer",
    ("ch07.q2", "transpose"): "a Hessian is symmetric: its transpose is "
                              "the answer",
    ("ch08.q4", "scale"): "twice the answer can be the named mistake "
                          "-X⁻²E (it is in the book's numbers)",
    ("ch08.q5", "transpose"): "the transpose of the answer is the named "
                              "mistake X⁻¹ + A (numerator layout)",
    ("ch09.q2", "scale"): "twice the answer is the named mistake "
                          "'the factor 1/√d is missing' (d = 4)",
    ("ch09.q3", "scale"): "twice the answer is the named mistake "
                          "'the factor 1/√d is missing' (d = 4)",
    ("ch08.q6", "transpose"): "the softmax Jacobian is symmetric: its "
                              "transpose is the answer",
}


def _judge(q, value):
    """The public check, in this process (no child process per formula)."""
    points = q.points_for("public")
    wire = None if points is None else \
        [np.asarray(p, dtype=float).tolist() for p in points]
    data = json.loads(json.dumps(encode(value, points=wire)))
    return q.judge(decode(data, None if points is None else len(points)),
                   "public")


def _answer(q, f):
    """The value a student would assign, from a reference-like f."""
    if q.kind == "function":
        return lambda t: np.asarray(f(t), dtype=float)
    value = f()
    if q.kind == "number":
        return float(value)
    if q.kind == "array":
        return np.asarray(value, dtype=float)
    return value


def _scaled(q, c):
    if q.kind == "function":
        return lambda t: c * np.asarray(q.reference(t), dtype=float)
    if q.kind == "number":
        return c * float(q.reference())
    if q.kind == "array":
        return c * np.asarray(q.reference(), dtype=float)
    return sp.Integer(c) * q.reference()


def _transposed(q):
    if q.kind == "function":
        return lambda t: np.asarray(q.reference(t), dtype=float).T
    if q.kind == "array":
        return np.asarray(q.reference(), dtype=float).T
    return q.reference().T


def _square(q):
    shape = {"array": getattr(q, "shape", None),
             "matrix": getattr(q, "shape", None),
             "function": getattr(q, "out_shape", None)}.get(q.kind)
    return shape is not None and len(shape) == 2 and shape[0] == shape[1] \
        > 1


@pytest.mark.parametrize("q", PARAMETERISED, ids=lambda q: q.id)
def test_every_variant_is_valid_and_keeps_its_feedback(q):
    assert not q.params.broken(q.values), q.values     # the default too
    formula = q.kind in ("expression", "matrix")
    for s in FORMULA_STUDENTS if formula else STUDENTS:
        v = variant(q.id, s)
        where = f"{q.id} for {s} {v.values}"
        assert not v.params.broken(v.values), where
        got = _judge(v, _answer(v, v.reference))
        assert got.status == "correct", f"{where}: {got}"
        for wrong, message in v.mistakes:
            got = _judge(v, _answer(v, wrong) if v.kind != "function"
                         else wrong)
            assert (got.status, got.diagnosis) == ("incorrect",
                                                   "mistake"), \
                f"{where}: {got}"
            assert got.feedback.endswith(message[1:]), f"{where}: {got}"
        if v.kind == "choice":
            assert set(v.hints) == set(v.options) - {v.reference()}, where
            continue
        checks = {"sign": -1, "scale": 2}
        for diagnosis, c in checks.items():
            if (q.id, diagnosis) in EXEMPT:
                continue
            got = _judge(v, _scaled(v, c))
            assert got.diagnosis == diagnosis, f"{where}: {got}"
        if _square(v) and (q.id, "transpose") not in EXEMPT:
            got = _judge(v, _transposed(v))
            assert got.diagnosis == "transpose", f"{where}: {got}"


@pytest.mark.parametrize("q", PARAMETERISED, ids=lambda q: q.id)
def test_two_students_get_different_numbers(q):
    a, b = variant(q.id, "s0001"), variant(q.id, "s0002")
    assert a.values != b.values, q.id
    # the numbers are stated in the prompt or in the given code (or in
    # the question whose numbers a question shares, if all are shared)
    shared = q.params.share("s0001") if q.params.share else {}
    if set(a.values) - set(shared):
        assert (a.prompt, a.given) != (b.prompt, b.given), q.id
    assert variant(q.id, "S0001 ") is a          # normalised, cached


def test_every_problem_set_has_parameterised_questions():
    keys = {q.id.split(".")[0] for q in PARAMETERISED}
    assert {"ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08",
            "ch09"} <= keys


def test_no_identifier_is_the_books_question():
    for q in questions():
        assert variant(q.id) is question(q.id) is variant(q.id, "  ")


def test_variants_depend_on_the_student_only():
    q = PARAMETERISED[0]
    first = variant(q.id, "s0003").values
    q._variants.cache_clear()
    assert variant(q.id, "s0003").values == first


def test_student_notebook_states_the_students_numbers():
    c = exercises.chapter("ch01")
    nb = build(c, "# setup", "S0001")
    text = "".join("".join(cell["source"]) for cell in nb["cells"])
    assert "student('s0001')" in text
    assert nb["metadata"]["exercise_variant"] == {"set": "ch01",
                                                  "student": "s0001"}
    for q in c.questions:
        assert variant(q.id, "s0001").prompt in text
    default = build(c, "# setup")
    assert "exercise_variant" not in default["metadata"]


def test_check_follows_student(capsys):
    q = PARAMETERISED[0]
    mine = _answer(variant(q.id, "s0005"), variant(q.id, "s0005").reference)
    try:
        exercises.student("s0005")
        exercises.check(q.id, mine)
        assert "Correct" in capsys.readouterr().out.splitlines()[-1]
        exercises.student(None)
        exercises.check(q.id, mine)
        assert "Not yet" in capsys.readouterr().out
    finally:
        exercises.student(None)


def test_bad_identifiers_and_rosters_are_refused_plainly():
    with pytest.raises(StudentError, match="a string"):
        normalise_student(1234)
    with pytest.raises(StudentError, match="at most 100"):
        normalise_student("x" * 101)
    with pytest.raises(RosterError, match="twice"):
        read_roster("student\na\nA\n")
    with pytest.raises(RosterError, match="empty"):
        read_roster("\n\n")
    assert read_roster("email,name\nA@x.org,Ada\n") == ["a@x.org"]


def test_a_factor_is_named_when_the_answer_has_one_nonzero_entry():
    # plain_factor was given a Fraction and raised TypeError (a variant
    # of ch06.q7 has a gradient with a single nonzero entry at a point)
    from mathlib.exercises._compare import value_problem
    E = np.array([[0.0, 1.5], [0.0, 0.0]])
    assert value_problem(2 * E, E, 1e-6)[0] == "scale"
    assert value_problem(1.5 * E, E, 1e-6)[0] == "pointwise"
