"""Each grader status, and how it reaches the instructor and Gradescope
(issue 21).

Mutation testing showed, with every other test green: the Gradescope
report marking an error, a time-out or a missing answer "passed"; the
grader treating an extraction time-out as an error; a default per-cell
limit of four times the whole limit instead of a quarter; and a run
status that ignores cells never run.

Most tests here put a scripted runner in place of the real one (as
tests/test_grade.py does for the deadline): it reports, for a committed
sample notebook, the cell statuses and answer records a real kernel
would give in the situation named, so each status can be produced
exactly and in a second. One test runs a real kernel, for the per-cell
time limit.
"""
import json
import sys
from pathlib import Path

import pytest

from mathlib.grade import _batch, grade

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "submissions"
sys.path.insert(0, str(SAMPLES))
import cases  # noqa: E402

# The runner's side of the contract: the config (argv[1]) says which
# cells to run and which answers to extract; the result file (the
# format of mathlib/grade/_runner.py) holds one record per cell and
# per answer. This one follows PLAN (an environment
# variable): cells from index "not_run_from" on were never run (the
# whole time limit was used up), the others ran cleanly; answers are as
# planned, or undefined.
SCRIPTED_RUNNER = '''
import json, os, sys
cfg = json.load(open(sys.argv[1]))
plan = json.loads(os.environ["MATHLIB_TEST_PLAN"])
cut = plan.get("not_run_from")
cells = [dict(index=i, error=None, output_bytes=0,
              status="not run" if cut is not None and i >= cut else "ok")
         for i, _ in cfg["cells"]]
undefined = json.dumps({"t": "undefined"})
answers = []
for spec in cfg["extract"]:
    a = plan["answers"].get(spec["name"], {"status": "ok",
                                           "data": undefined})
    answers.append(dict(name=spec["name"], error=a.get("error"),
                        status=a["status"], data=a.get("data")))
# in the sandbox (the grader runs as root) this runs under unshare but
# sets up no mounts: the result goes to the private directory by its
# path outside, which the grader reads
box = cfg.get("sandbox")
result = os.path.join(box["private"], "result.json") if box else \
    cfg["result"]
json.dump(dict(version=1, ok=True, error=None, cells=cells,
               answers=answers, kernel_starts=1, timed_out=False),
          open(result, "w"))
'''


def num(v):
    return {"status": "ok", "data": json.dumps({"t": "num", "v": v})}


@pytest.fixture
def scripted(monkeypatch, tmp_path):
    """grade_scripted(plan, key) -> (report, Gradescope results)."""
    monkeypatch.setattr(_batch, "RUNNER_SOURCE", SCRIPTED_RUNNER)

    def run(plan, key="ch01", sample="correct.ipynb"):
        monkeypatch.setenv("MATHLIB_TEST_PLAN", json.dumps(plan))
        out = tmp_path / f"out{len(list(tmp_path.iterdir()))}"
        [report] = grade(key, [SAMPLES / key / sample], out, timeout=30,
                         seed=1)
        stem = sample.replace(".ipynb", "")
        results = json.loads((out / f"{stem}.results.json").read_text())
        return report, results
    return run


def by_id(report):
    return {q["id"]: q for q in report["questions"]}


def test_gradescope_marks_only_correct_answers_passed(scripted):
    """One answer per status: correct (limit_value = 3), incorrect
    (delta = 7), error (quotients could not be read), timeout (reading
    dsigmoid took too long), missing (the rest are undefined). Only the
    correct one is "passed" in Gradescope's results.json, each test's
    output starts with its status, and the points add up."""
    report, results = scripted({"answers": {
        "limit_value": num(3.0), "delta": num(7.0),
        "quotients": {"status": "error", "error": "NameError: np"},
        "dsigmoid": {"status": "timeout"}}})
    q = by_id(report)
    assert q["ch01.q1"]["status"] == "correct"
    assert q["ch01.q3"]["status"] == "incorrect"
    assert q["ch01.q2"]["status"] == "error"
    assert q["ch01.q6"]["status"] == "timeout"
    assert q["ch01.q4"]["status"] == "missing"
    tests = {t["name"].split()[0]: t for t in results["tests"]}
    assert set(tests) == set(q)
    for qid, t in tests.items():
        status = q[qid]["status"]
        assert t["status"] == ("passed" if status == "correct"
                               else "failed"), (qid, status, t)
        assert t["output"].startswith(f"{status}: ")
        assert t["score"] == q[qid]["points"]
        assert t["max_score"] == q[qid]["max_points"]
    assert results["score"] == report["score"] == q["ch01.q1"]["points"]
    assert results["max_score"] == 10


def test_an_extraction_time_out_is_graded_timeout_not_error(scripted):
    """An answer whose reading timed out (a function that did not return
    at the grader's points) is a time-out, with that explanation and the
    limit that applied; one that could not be read is an error; a dead
    kernel is an error."""
    report, _ = scripted({"answers": {
        "dsigmoid": {"status": "timeout"},
        "dg": {"status": "error", "error": "boom"},
        "dfdx": {"status": "died"}}})
    q = by_id(report)
    assert (q["ch01.q6"]["status"], q["ch01.q6"]["diagnosis"]) == \
        ("timeout", "timeout")
    assert "Reading dsigmoid took longer than 10 s plus 2 s per call of " \
        "a function (the limit" in q["ch01.q6"]["feedback"]
    assert (q["ch01.q5"]["status"], q["ch01.q5"]["diagnosis"]) == \
        ("error", "extract")
    assert (q["ch01.q4"]["status"], q["ch01.q4"]["diagnosis"]) == \
        ("error", "died")


def test_cells_never_run_make_the_run_a_timeout(scripted):
    """When the whole time limit is used up, the cells after that point
    never run: the run's status is "timeout" and its reason says so, and
    an answer defined only in such a cell is a time-out, not missing."""
    report, _ = scripted({"not_run_from": 0, "answers": {}})
    assert report["status"] == "timeout"
    assert "did not run: the time limit was used up" in report["reason"]
    q = by_id(report)
    for entry in q.values():
        assert entry["status"] == "timeout", entry
        assert "is not defined" in entry["feedback"]
        assert "time limit was used up" in entry["feedback"]


def test_all_cells_run_and_an_answer_deleted_is_missing(scripted):
    """The counterpart: every cell ran, the run is "ok", and an answer
    nobody defined is "missing"."""
    report, _ = scripted({"answers": {"limit_value": num(3.0)}})
    assert report["status"] == "ok" and report["reason"] == "all cells ran"
    assert by_id(report)["ch01.q4"]["status"] == "missing"


def test_the_default_cell_limit_is_a_quarter_of_the_whole_limit(tmp_path):
    """A real kernel: with --timeout 60 and no --cell-timeout, an endless
    loop in one answer cell is interrupted after 15 s (a quarter), and
    every later cell still runs and is graded. (With a per-cell limit
    longer than the whole limit, the loop would use up all the time and
    no later answer would be graded.)"""
    spec = cases.case("loop", answers=cases._correct(
        "ch02", **{"ch02.q5": "while True:\n    pass\n" +
                   cases.CORRECT["ch02.q5"]}))
    nb = tmp_path / "loop.ipynb"
    nb.write_text(cases.build("ch02", spec))
    [report] = grade("ch02", [nb], tmp_path / "out", timeout=60, seed=1)
    q = by_id(report)
    assert report["status"] == "timeout", report["reason"]
    assert "interrupted" in report["reason"]
    assert q["ch02.q5"]["status"] == "timeout"
    assert [q[f"ch02.q{k}"]["status"] for k in (6, 7)] == ["correct"] * 2
    assert report["score"] == report["max_score"] - q["ch02.q5"][
        "max_points"]
    seconds = [float(w) for w in report["reason"].split() if
               w.replace(".", "").isdigit()]
    assert any(14 <= s <= 17 for s in seconds), report["reason"]



def test_progress_goes_to_the_stderr_of_the_moment(monkeypatch, tmp_path):
    """grade(quiet=False) writes its progress line to sys.stderr as it is
    when grade runs (a caller's redirect_stderr catches it), not to the
    stderr of the moment mathlib.grade was imported. (Found by the
    mutation run, whose captured stderr had been closed by then.)"""
    import contextlib
    import io
    monkeypatch.setattr(_batch, "RUNNER_SOURCE", SCRIPTED_RUNNER)
    monkeypatch.setenv("MATHLIB_TEST_PLAN", json.dumps({"answers": {}}))
    buf = io.StringIO()
    with contextlib.redirect_stderr(buf):
        grade("ch01", [SAMPLES / "ch01" / "blank.ipynb"], tmp_path / "out",
              timeout=30, seed=1, quiet=False)
    assert "[1/1] blank.ipynb: 0/10 (ok)" in buf.getvalue()
