"""The grader and ``check`` against inputs written by someone who read
their source (issue 14), without kernels: formulas that would hang the
judge, over-long answers, report names, output paths, the answer key.
The end-to-end cases are hostile samples in tests/submissions, graded by
tests/test_grade.py."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import sympy as sp

from mathlib._timing import run_limited
from mathlib.exercises import evaluate, question
from mathlib.exercises._decode import TooLong, decode
from mathlib.exercises._parse import ParseError, parse_answer, parse_srepr
from mathlib.exercises._questions import GRADE, PUBLIC
from mathlib.grade import _cli, _notebooks, _report

ROOT = Path(__file__).resolve().parents[1]
TOWER = "E^E^E^E^E"


# ------------------------------------------------ 1. formulas that hang


def test_the_public_check_of_a_power_tower_returns_with_a_reason():
    # in a fresh process, so that a hang fails the test instead of
    # stopping the test run
    code = ("from mathlib.exercises import check\n"
            f"check('ch01.q4', {TOWER!r})\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert "power tower" in run.stdout and "at most 2" in run.stdout


@pytest.mark.parametrize("text, words", [
    (TOWER, "power tower"), ("exp(exp(exp(x)))", "3 deep"),
    ("exp(exp(100))", "too large to check"), ("9^9^9", "too large"),
    ("2^2^2^2^2", "too large")])
def test_formulas_too_large_to_evaluate_are_refused_before(text, words):
    with pytest.raises(ParseError, match=words):
        parse_answer(text, ["x"])


def test_ordinary_formulas_still_parse():
    for text in ["x^x^x", "exp(-x^2/2)", "sqrt(x) exp(x)", "(2x+1)^0.5",
                 "log(1 + exp(2x))"]:
        parse_answer(text, ["x"])


def test_a_tower_as_a_sympy_object_is_refused_too():
    big = sp.exp(sp.exp(sp.exp(sp.exp(sp.E))))
    with pytest.raises(ParseError, match="power tower"):
        parse_srepr(sp.srepr(big))
    verdict = evaluate("ch01.q4", big)
    assert verdict.status == "error" and "power tower" in verdict.feedback


def test_a_judgment_that_runs_too_long_is_killed_and_says_its_limit():
    q = question("ch01.q4")
    big = sp.exp(sp.exp(sp.exp(sp.exp(sp.E))))     # bypasses the parser
    verdict = q.judge_limited(big, GRADE, seed=1, seconds=2)
    assert verdict.status == "timeout"
    assert "longer than 2 s, the limit" in verdict.feedback


def test_run_limited_kills_what_a_signal_cannot_interrupt():
    assert run_limited(lambda: 10 ** 10 ** 10, 1).kind == "timeout"
    assert run_limited(lambda: 6 * 7, 30).value == 42
    out = run_limited(lambda: bytearray(3_000_000_000), 30,
                      memory=200_000_000)
    assert out.kind == "memory"
    out = run_limited(lambda: 1 / 0, 30)
    assert out.kind == "error" and "ZeroDivisionError" in out.message


# --------------------------------------------- 2. no judging on a part


@pytest.mark.parametrize("qid, answer", [
    ("ch01.q4", "2*x*log(x) + x" + " " * 2000 + " + 5"),
    ("ch01.q7", "B" + " " * 2000 + "A"),
    ("ch01.q7", "B" * 5000)])
def test_an_over_long_string_is_rejected_with_the_limit(qid, answer):
    verdict = evaluate(qid, answer)
    assert verdict.status == "error" and verdict.diagnosis == "too long"
    assert f"{len(answer):,} characters; at most 2,000" in verdict.feedback


def test_the_decoder_never_judges_a_cut_string():
    cut = decode({"t": "str", "v": "B", "len": 2003})
    assert isinstance(cut, TooLong) and cut.size == 2003
    assert isinstance(decode({"t": "str", "v": "B" * 2001, "len": 2001}),
                      TooLong)
    assert decode({"t": "str", "v": "B", "len": 1}) == "B"


def test_huge_arrays_and_formulas_say_their_limits():
    verdict = evaluate("ch01.q2", np.zeros(200_000))
    assert "200,000 entries; at most 100,000" in verdict.feedback
    x = sp.Symbol("x")
    big = sp.Add(*[x ** k * sp.Integer(10) ** 30 for k in range(1, 101)])
    verdict = evaluate("ch01.q4", sp.Add(*[big * j for j in range(60)]))
    assert verdict.status in ("incorrect", "error")


# ---------------------------------------------- 6. plain feedback


@pytest.mark.parametrize("text, words", [
    ("Integer(Symbol('x'))", "a number written in a form"),
    ("Add(Symbol('x'), sympy.core.numbers.Zero())", "is not allowed"),
    ("Pow(Symbol('x'))", "not a formula that can be checked")])
def test_unreadable_formulas_are_explained_plainly(text, words):
    with pytest.raises(ParseError) as info:
        parse_srepr(text)
    message = str(info.value)
    assert words in message
    assert "None" not in message and "<call>" not in message
    assert "Error" not in message


def test_function_time_outs_say_the_limit():
    q = question("ch01.q6")
    data = {"t": "function",
            "samples": [{"t": "timeout", "limit": 2.0}] * 9}
    verdict = q.judge(decode(data, 9), GRADE, seed=1)
    assert "within 2 s (the limit per call)" in verdict.feedback


# -------------------------------------------- 4. report names and rows


def test_report_names_cannot_collide():
    names = ["y.ipynb", "y.results.ipynb", "y_results.ipynb",
             "dupA/hw.ipynb", "dupB/hw.ipynb", "grades.ipynb", "Y.ipynb"]
    stems = _report.stems(names)
    files = [f"{s}.json" for s in stems] + \
        [f"{s}.results.json" for s in stems] + ["grades.csv", "summary.csv"]
    assert len({f.lower() for f in files}) == len(files)
    assert _report.stems(names) == stems                # stable


def test_the_same_name_in_two_folders_is_told_apart(tmp_path):
    for d in ("dupA", "dupB"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "hw.ipynb").write_text("{}")
    named = _cli._expand([tmp_path / "dupA" / "hw.ipynb",
                          tmp_path / "dupB" / "hw.ipynb"])
    assert [n for _, n in named] == ["dupA/hw.ipynb", "dupB/hw.ipynb"]
    named = _cli._expand([tmp_path])
    assert [n for _, n in named] == ["dupA/hw.ipynb", "dupB/hw.ipynb"]


# ------------------------------------- 5. outputs that are not files


def test_an_output_path_that_is_a_folder_is_moved_aside(tmp_path):
    (tmp_path / "grades.csv").mkdir()
    moved = _report.atomic_write(tmp_path / "grades.csv", "a,b\n")
    assert (tmp_path / "grades.csv").read_text() == "a,b\n"
    assert moved and Path(moved).is_dir()


def test_the_grader_finishes_when_its_outputs_are_folders(tmp_path):
    out = tmp_path / "out"
    for name in ("grades.csv", "summary.csv", "bad.json"):
        (out / name).mkdir(parents=True)
    (tmp_path / "bad.ipynb").write_text("not a notebook")
    run = subprocess.run(
        [sys.executable, "-m", "mathlib.grade", "ch01",
         str(tmp_path / "bad.ipynb"), "--out", str(out), "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert (out / "grades.csv").is_file()
    assert "was not a regular file" in run.stderr


# --------------------------------------------------- 9. the answer key


def _cells(*sources):
    return [{"cell_type": "code", "source": s} for s in sources]


def test_code_that_reaches_the_answer_key_is_found():
    from mathlib.exercises import chapter

    qs = chapter("ch04").questions
    found = _notebooks.key_reaches(_cells(
        "from mathlib.exercises import question",
        "def jac_p(x):\n    return question('ch04.q7').reference(x)",
        'check("ch04.q1", J_g)'), qs)
    assert set(found) == {q.id for q in qs}      # the import names none
    found = _notebooks.key_reaches(_cells(
        "import mathlib.exercises as ex\n"
        "J_g = ex.question('ch04.q1').reference()"), qs)
    assert set(found) == {"ch04.q1"}
    found = _notebooks.key_reaches(_cells(
        "exec(open('mathlib/exercises/ch04.py').read())"), qs)
    assert set(found) == {q.id for q in qs}
    assert _notebooks.key_reaches(_cells(
        "from mathlib.exercises import check\nimport numpy as np\n"
        "check('ch04.q1', J_g)"), qs) == {}


def test_the_sealed_exercises_module_has_no_key(tmp_path):
    from mathlib.grade import _batch

    _batch._seal(str(tmp_path / "mathlib"))
    code = ("import mathlib.exercises as ex\n"
            "ex.check('ch04.q1', 1)\n"
            "try:\n    ex.question('ch04.q1')\n"
            "except LookupError as exc:\n    print(exc)\n"
            "for name in ['mathlib.exercises.ch04', 'mathlib.grade']:\n"
            "    try:\n        __import__(name)\n"
            "    except ImportError as exc:\n        print(exc)\n"
            "from mathlib.exercises import _registry\n"
            "try:\n    _registry.question('ch04.q1')\n"
            "except Exception as exc:\n    print(exc)\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, timeout=120, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "checked by the grader" in run.stdout
    assert "not available while grading" in run.stdout
    assert run.stdout.count("not available while grading") == 4
