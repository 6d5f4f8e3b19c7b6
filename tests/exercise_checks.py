"""Shared pieces of the problem-set tests (tests/test_exercises*.py).

feedback_test(table)     a parametrized test: each (question, answer,
                         status, diagnosis, words) row gets that verdict
judge_as_grader(q, a, s) the verdict the grader reaches (JSON round trip)
notebook_names(q)        the names a key's answer cell may use
"""
import json

import numpy as np
import pytest
import sympy as sp

from mathlib.exercises import chapter, evaluate
from mathlib.exercises._decode import decode
from mathlib.exercises._wire import encode


def feedback_test(table):
    """A test checking every row of a chapter's FEEDBACK table."""
    @pytest.mark.parametrize("qid, answer, status, diagnosis, words", table,
                             ids=[f"{c[0]}-{i}" for i, c in
                                  enumerate(table)])
    def test_feedback(qid, answer, status, diagnosis, words):
        v = evaluate(qid, answer)
        assert (v.status, v.diagnosis) == (status, diagnosis), str(v)
        assert words in v.feedback, str(v)
        assert v.points == (v.max_points if status == "correct" else 0)
    return test_feedback


def judge_as_grader(q, answer, seed):
    """Encode the answer at the grader's points for this seed, send it
    through JSON and judge it in "grade" mode, as the grader does."""
    points = q.points_for("grade", seed)
    wire = None if points is None else \
        [np.asarray(p, dtype=float).tolist() for p in points]
    data = json.loads(json.dumps(encode(answer, points=wire)))
    return q.judge(decode(data, n_points=None if points is None else
                          len(points)), "grade", seed)


def notebook_names(q):
    """What the notebook has defined when q's answer cell runs: the
    imports, the problem set's given code and every question's given
    code up to q's."""
    ns = {"np": np, "sp": sp}
    c = chapter(q.id.split(".")[0])
    exec(c.given, ns)
    for p in c.questions[:c.questions.index(q) + 1]:
        if p.given:
            exec(p.given, ns)
    return ns
