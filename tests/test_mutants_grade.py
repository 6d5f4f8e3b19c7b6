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
for c in cells:       # a cell interrupted at the per-cell limit it got
    if c["index"] == plan.get("timeout_cell"):
        c.update(status="timeout", seconds=cfg["cell_timeout"])
if plan.get("report_env") and cells:     # what the runner was started with
    same = os.environ.get(cfg["token_name"]) == cfg["token"]
    leader = os.getsid(0) == os.getpid()
    cells[0].update(status="error", error=f"token={same} leader={leader}")
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
    run.tmp = tmp_path
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


@pytest.mark.parametrize("timeout, cell", [(60, "15"), (6, "2")])
def test_the_runner_gets_a_quarter_of_the_whole_limit_per_cell(
        scripted, monkeypatch, timeout, cell):
    """What the runner is told: with --timeout 60 and no --cell-timeout,
    a cell stopped at its limit was stopped after 15 s, a quarter (never
    less than 2 s), and the student reads that limit."""
    monkeypatch.setenv("MATHLIB_TEST_PLAN", json.dumps(
        {"timeout_cell": 5, "answers": {}}))
    [report] = grade("ch01", [SAMPLES / "ch01" / "correct.ipynb"],
                     scripted.tmp / "q", timeout=timeout, seed=1)
    assert report["status"] == "timeout"
    assert f"ran out of time after {cell} s (the limit per cell is " \
        f"{cell} s) (interrupted)" in report["reason"]


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


# ===================================================================
# In process, without kernels or runners (issue 21): what the grader
# writes (_report), its command line and `grade` (_cli, with the batch
# replaced by one that returns given reports), and how it reads a
# runner's result (_batch). mutmut links these tests to the grader's
# functions, which tests/test_grade.py reaches only in a subprocess.

import csv  # noqa: E402
import io  # noqa: E402
import os  # noqa: E402

from mathlib.exercises._decode import WireError  # noqa: E402
from mathlib.exercises._questions import Verdict  # noqa: E402
from mathlib.grade import _cli, _notebooks, _report  # noqa: E402
from mathlib.grade._sealed import KEY_MESSAGE  # noqa: E402

CH01 = _notebooks.load_assignment("ch01")
TITLES = {q.id: q.title for q in CH01}


def entry(q, status, points=None, feedback="fb"):
    return {"id": q.id, "name": q.name, "status": status,
            "diagnosis": status, "max_points": q.points,
            "points": q.points if points is None else points,
            "feedback": f"{feedback} {q.id}"}


def fake_report(name, statuses, status="ok", reason="all cells ran",
                flagged=""):
    """A report as the batch returns it: statuses per question (those
    not given are missing), points for the correct ones."""
    qs = [entry(q, statuses.get(q.id, "missing"),
                q.points if statuses.get(q.id) == "correct" else 0)
          for q in CH01]
    return {"submission": name, "path": name, "status": status,
            "reason": reason, "flagged": flagged,
            "score": sum(e["points"] for e in qs),
            "max_score": sum(q.points for q in CH01), "seed": 1,
            "questions": qs}


# ----------------------------------------------------- _report: Gradescope

@pytest.mark.parametrize("status", ["correct", "incorrect", "error",
                                    "timeout", "missing"])
def test_gradescope_passes_a_question_only_when_it_is_correct(status):
    """Each status as Gradescope shows it: "passed" for correct only;
    the test's name is the question, its answer and its title; its
    output starts with the status; its score is the question's."""
    q = CH01[5]                                  # 2 points
    report = fake_report("hw.ipynb", {q.id: status}, status="timeout",
                         reason="cell 3 did not run")
    data = json.loads(_report.gradescope_json(report, TITLES))
    [t] = [t for t in data["tests"] if t["name"].startswith(q.id + " ")]
    assert t["status"] == ("passed" if status == "correct" else "failed")
    assert t["name"] == f"{q.id} {q.name}: {q.title}"
    assert t["output"] == f"{status}: fb {q.id}"
    assert (t["score"], t["max_score"]) == \
        ((2 if status == "correct" else 0), 2)
    assert (data["score"], data["max_score"]) == \
        (report["score"], report["max_score"])
    assert data["output"] == "Notebook run: timeout (cell 3 did not run)."
    assert len(data["tests"]) == len(CH01)


def test_gradescope_json_keeps_non_ascii_text_and_ends_in_a_newline():
    report = fake_report("é.ipynb", {}, reason="cellule « 3 »")
    text = _report.gradescope_json(report, {q.id: "Dérivée" for q in CH01})
    assert "« 3 »" in text and "Dérivée" in text and text.endswith("}\n")
    assert text.startswith('{\n "score"')           # indent=1
    text = _report.submission_json(report)
    assert "« 3 »" in text and text.endswith("}\n")
    assert text.startswith('{\n "submission"')
    assert json.loads(text) == report


def test_gradescope_test_name_without_a_title():
    data = json.loads(_report.gradescope_json(fake_report("a", {}), {}))
    assert data["tests"][0]["name"] == f"{CH01[0].id} {CH01[0].name}: "


# -------------------------------------------------- _report: the tables

def test_grades_csv_has_a_row_per_submission_with_points_and_flags():
    a = fake_report("a.ipynb", {"ch01.q1": "correct", "ch01.q6": "correct"})
    b = fake_report("b/c.ipynb", {}, status="timeout", flagged="key use")
    del b["questions"][0]                       # a question not reported
    text = _report.grades_csv([a, b], ["a", "b__c"], CH01)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["submission", "status"] + [q.id for q in CH01] + \
        ["total", "max", "report", "flagged", "student"]
    assert rows[1] == ["a.ipynb", "ok", "1", "0", "0", "0", "0", "2", "0",
                       "0", "3", "10", "a.json", "", ""]
    assert rows[2] == ["b/c.ipynb", "timeout"] + ["0"] * 8 + \
        ["0", "10", "b__c.json", "key use", ""]
    assert "\r" not in text and text.endswith("\n") and len(rows) == 3
    old = dict(a)
    del old["flagged"]                      # reports of older graders
    assert _report.grades_csv([old], ["a"], CH01).splitlines()[1]\
        .endswith(",a.json,,")


def test_summary_rows_are_means_and_shares_over_all_submissions():
    """Three submissions: q1 correct in one (mean 1/3 of a point, a
    third correct), q6 (2 points) correct in two; a question missing
    from a report counts as 0 points and no status."""
    reports = [fake_report("a", {"ch01.q1": "correct", "ch01.q6": "correct"}),
               fake_report("b", {"ch01.q1": "error", "ch01.q6": "correct"}),
               fake_report("c", {"ch01.q1": "timeout",
                                 "ch01.q6": "incorrect"})]
    del reports[2]["questions"][7]
    rows = {r["question"]: r for r in _report.summary_rows(reports, CH01)}
    assert rows["ch01.q1"] == {
        "question": "ch01.q1", "name": "limit_value", "title": "A limit",
        "max_points": 1, "mean_points": 0.333, "share_correct": 0.333,
        "share_incorrect": 0.0, "share_error": 0.333,
        "share_timeout": 0.333, "share_missing": 0.0}
    assert rows["ch01.q6"]["mean_points"] == 1.333
    assert rows["ch01.q6"]["share_incorrect"] == 0.333
    assert rows["ch01.q6"]["share_correct"] == 0.667
    assert rows["ch01.q8"]["share_missing"] == 0.667   # c lacks it
    assert list(rows) == [q.id for q in CH01]


def test_summary_of_no_submissions_is_zeros_not_a_crash():
    rows = _report.summary_rows([], CH01)
    assert rows[0]["mean_points"] == 0 and rows[0]["share_correct"] == 0
    assert _report.summary_table(rows, []).count("\n") == len(CH01)
    assert _report.summary_csv([]) == ""


def test_summary_csv_and_table_show_the_numbers():
    reports = [fake_report("a", {"ch01.q1": "correct", "ch01.q6": "correct"}),
               fake_report("b", {"ch01.q1": "incorrect"})]
    rows = _report.summary_rows(reports, CH01)
    text = _report.summary_csv(rows)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert list(parsed[0]) == list(rows[0])
    assert parsed[0]["mean_points"] == "0.5" and len(parsed) == len(CH01)
    assert "\r" not in text
    table = _report.summary_table(rows, reports).splitlines()
    assert table[0] == ("question  answer             mean  correct  "
                        "wrong  error  timeout  missing")
    assert table[1] == ("ch01.q1   limit_value    0.50/1       50%    "
                        "50%     0%       0%       0%")
    assert table[6] == ("ch01.q6   dsigmoid       1.00/2       50%     "
                        "0%     0%       0%      50%")
    assert table[-1] == "2 submissions, mean score 1.50 / 10"


# ----------------------------------------------------- _report: files

def test_report_stems_are_safe_unique_and_keep_clear_of_the_tables():
    assert _report.stems(["grades.ipynb", "Summary.ipynb", "Y.ipynb",
                          "y.ipynb", "a.ipynb", "a.ipynb", "a.ipynb",
                          ".ipynb", "a b/c?.ipynb", "_x_.ipynb",
                          "R.RESULTS.ipynb", "R.ipynb",
                          "hw.ipynb.ipynb"]) == [
        "grades-2", "Summary-2", "Y", "y-2", "a", "a-2", "a-3",
        "submission", "a_b__c", "x", "R_results", "R", "hw.ipynb"]


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("old")
    assert _report.atomic_write(path, "a,é\n") is None
    assert path.read_bytes() == "a,é\n".encode("utf-8")
    assert os.listdir(tmp_path) == ["grades.csv"]
    _report.atomic_write(str(path), "x\r\ny\n")          # text as given
    assert path.read_bytes() == b"x\r\ny\n"


def test_atomic_write_moves_a_link_aside_and_never_writes_through(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    (tmp_path / "out.json").symlink_to(target)
    moved = _report.atomic_write(tmp_path / "out.json", "new")
    assert target.read_text() == "keep"
    assert (tmp_path / "out.json").read_text() == "new"
    assert not (tmp_path / "out.json").is_symlink()
    assert moved.startswith(str(tmp_path / "out.json.not-a-file-"))
    assert len(moved.rsplit("-", 1)[1]) == 6 and os.path.islink(moved)


def test_atomic_write_that_fails_removes_its_temporary(tmp_path,
                                                       monkeypatch):
    def fail(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(_report.os, "replace", fail)
    with pytest.raises(OSError):
        _report.atomic_write(tmp_path / "a.json", "x")
    assert os.listdir(tmp_path) == []


# ------------------------------------------- _cli: `grade` and its files

class FakeBatch:
    """_batch.grade_all replaced: records its arguments and returns, for
    each submission, the report given for its name (or a blank one)."""

    def __init__(self, reports=None):
        self.reports, self.calls = reports or {}, []

    def __call__(self, questions, paths, *, timeout, cell_timeout, jobs,
                 seed, on_done, names, hide, roster=None, identity=None):
        self.calls.append(dict(questions=questions, paths=paths,
                               timeout=timeout, cell_timeout=cell_timeout,
                               jobs=jobs, seed=seed, names=names, hide=hide,
                               roster=roster, identity=identity))
        out = []
        for i, name in enumerate(names):
            job = _batch.Job(paths[i], i, 7, name)
            job.report = self.reports.get(name) or fake_report(name, {})
            on_done(job)
            out.append(job.report)
        return out


@pytest.fixture
def batch(monkeypatch):
    fake = FakeBatch()
    monkeypatch.setattr(_batch, "grade_all", fake)
    monkeypatch.setattr(_batch, "sandbox_support",
                        lambda: (False, "a test"))
    return fake


def notebooks(folder, *names):
    for name in names:
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("{}")
    return folder


def test_grade_writes_every_file_and_returns_the_reports(tmp_path, batch):
    subs = notebooks(tmp_path / "subs", "a.ipynb", "b/hw.ipynb")
    batch.reports["a.ipynb"] = fake_report(
        "a.ipynb", {"ch01.q1": "correct", "ch01.q2": "error"})
    out = tmp_path / "out" / "deep"
    reports = grade("ch01", [subs], out, timeout=60, seed=5)
    [call] = batch.calls
    assert call["names"] == ["a.ipynb", "b/hw.ipynb"]
    assert (call["timeout"], call["cell_timeout"], call["jobs"],
            call["seed"]) == (60, None, 1, 5)
    assert call["hide"] == sorted({str(out.resolve()),
                                   str(subs.resolve())})
    assert [q.id for q in call["questions"]] == [q.id for q in CH01]
    assert sorted(os.listdir(out)) == [
        "a.json", "a.results.json", "b__hw.json", "b__hw.results.json",
        "grades.csv", "summary.csv"]
    assert [r["submission"] for r in reports] == ["a.ipynb", "b/hw.ipynb"]
    assert json.loads((out / "a.json").read_text()) == reports[0]
    gs = json.loads((out / "a.results.json").read_text())
    assert [t["status"] for t in gs["tests"][:2]] == ["passed", "failed"]
    assert gs["tests"][0]["name"] == "ch01.q1 limit_value: A limit"
    rows = list(csv.reader(io.StringIO((out / "grades.csv").read_text())))
    assert [r[0] for r in rows[1:]] == ["a.ipynb", "b/hw.ipynb"]
    assert rows[0][-3:] == ["report", "flagged", "student"]
    assert rows[2][-3] == "b__hw.json"
    summary = list(csv.DictReader(io.StringIO(
        (out / "summary.csv").read_text())))
    assert summary[0]["share_correct"] == "0.5"


def test_grade_passes_its_limits_to_the_batch(tmp_path, batch):
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    grade("ch01", [nb], tmp_path / "out", timeout=8, cell_timeout=3,
          jobs=2, seed=None)
    call = batch.calls[0]
    assert (call["timeout"], call["cell_timeout"], call["jobs"],
            call["seed"]) == (8, 3, 2, None)
    grade("ch01", [nb], tmp_path / "out2")                 # the defaults
    assert (batch.calls[1]["timeout"], batch.calls[1]["jobs"]) == (120.0, 1)


def test_grade_refuses_an_output_path_that_is_a_file(tmp_path, batch):
    (tmp_path / "out").write_text("")
    with pytest.raises(_notebooks.UsageError, match="is a file, not a "
                       "folder"):
        grade("ch01", [tmp_path], tmp_path / "out")
    assert batch.calls == []


def test_grade_warns_of_files_it_did_not_write(tmp_path, monkeypatch,
                                                capsys):
    """A file that appears in the output folder during grading (a
    student's notebook writing there?) is named in a warning; files
    there before, and the grader's own, are not."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("")

    def sneaky(questions, paths, **kw):
        (out / "planted.csv").write_text("")
        return FakeBatch()(questions, paths, **kw)
    monkeypatch.setattr(_batch, "grade_all", sneaky)
    grade("ch01", [notebooks(tmp_path, "x.ipynb") / "x.ipynb"], out)
    err = capsys.readouterr().err
    assert f"WARNING: files appeared in {out} during grading (not written " \
        "by the grader): planted.csv" in err
    assert "old.txt" not in err and "x.json" not in err


def test_grade_out_loud_prints_progress_a_note_and_the_table(
        tmp_path, batch, capsys):
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    grade("ch01", [nb], tmp_path / "out", quiet=False)
    out, err = capsys.readouterr()
    assert "note: submissions are not isolated from each other and from " \
        "the grader (a test); see the README" in err
    assert "[1/1] x.ipynb: 0/10 (ok)" in err
    assert out.startswith("question  answer") and \
        "1 submissions, mean score 0.00 / 10" in out
    grade("ch01", [nb], tmp_path / "out", quiet=True)
    assert capsys.readouterr() == ("", "")


def test_grade_reports_an_output_file_it_cannot_write(tmp_path, batch,
                                                      monkeypatch, capsys):
    """An output that cannot be written is an ERROR line naming it; the
    other files are still written and the reports returned."""
    real = _report.atomic_write

    def fail_grades(path, text):
        if str(path).endswith("grades.csv"):
            raise OSError(13, "Permission denied")
        return real(path, text)
    monkeypatch.setattr(_report, "atomic_write", fail_grades)
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    [r] = grade("ch01", [nb], tmp_path / "out")
    assert f"ERROR: could not write {tmp_path / 'out' / 'grades.csv'}: " \
        "Permission denied" in capsys.readouterr().err
    assert (tmp_path / "out" / "summary.csv").exists()
    assert r["submission"] == "x.ipynb"


def test_an_output_folder_in_the_way_is_moved_with_a_warning(
        tmp_path, batch, capsys):
    (tmp_path / "out" / "x.json").mkdir(parents=True)
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    grade("ch01", [nb], tmp_path / "out")
    err = capsys.readouterr().err
    assert f"WARNING: {tmp_path / 'out' / 'x.json'} was not a regular " \
        "file (a folder or a link, made during grading?); it was moved " \
        f"to {tmp_path / 'out' / 'x.json'}.not-a-file-" in err
    assert err.rstrip("\n").endswith(" and replaced")
    assert "files appeared" not in err
    assert json.loads((tmp_path / "out" / "x.json").read_text())[
        "submission"] == "x.ipynb"


def _without(monkeypatch, module):
    """Make ``import module`` fail, as on a machine without it."""
    import builtins
    real_import = builtins.__import__

    def fake_import(name, *a, **kw):
        if name == module:
            raise ImportError("no", name=module)
        return real_import(name, *a, **kw)
    monkeypatch.setattr(builtins, "__import__", fake_import)


def test_grade_needs_a_kernel_only_for_notebooks(tmp_path, batch,
                                                 monkeypatch):
    """Without jupyter_client or ipykernel, grading a notebook is a
    usage error naming what to install; a batch of paths that do not
    exist (graded as invalid) needs no kernel."""
    _without(monkeypatch, "ipykernel")
    with pytest.raises(_notebooks.UsageError,
                       match="the grader needs ipykernel: pip install "
                       "nbclient ipykernel"):
        grade("ch01", [notebooks(tmp_path, "x.ipynb") / "x.ipynb"],
              tmp_path / "out")
    grade("ch01", [tmp_path / "gone.txt"], tmp_path / "out2")
    assert batch.calls[-1]["names"] == ["gone.txt"]


# ------------------------------------------------ _cli: which notebooks

def test_expand_finds_notebooks_in_folders_and_skips_hidden_ones(tmp_path):
    notebooks(tmp_path / "subs", "b.ipynb", "a/x.ipynb", ".git/c.ipynb",
              "a/.ipynb_checkpoints/x-checkpoint.ipynb", "notes.txt")
    (tmp_path / "subs" / "dir.ipynb").mkdir()
    single = notebooks(tmp_path, "one.ipynb") / "one.ipynb"
    found = _cli._expand([tmp_path / "subs", single])
    assert [n for _, n in found] == ["a/x.ipynb", "b.ipynb", "one.ipynb"]
    assert [p for p, _ in found][0] == tmp_path / "subs" / "a" / "x.ipynb"


def test_expand_names_clashing_files_by_their_folders(tmp_path):
    notebooks(tmp_path, "s1/hw.ipynb", "s2/deep/hw.ipynb", "s2/other.ipynb")
    found = _cli._expand([tmp_path / "s1", tmp_path / "s2" / "deep",
                          tmp_path / "s2" / "other.ipynb"])
    assert [n for _, n in found] == ["s1/hw.ipynb", "s2/deep/hw.ipynb",
                                     "other.ipynb"]


def test_expand_numbers_the_same_file_given_twice(tmp_path):
    nb = notebooks(tmp_path, "hw.ipynb") / "hw.ipynb"
    found = _cli._expand([nb, nb, nb])
    assert [n for _, n in found] == ["hw.ipynb", "hw.ipynb (2)",
                                     "hw.ipynb (3)"]


def test_hidden_dirs_are_the_output_and_the_submissions_folders(tmp_path):
    nb = notebooks(tmp_path / "s", "x.ipynb") / "x.ipynb"
    (tmp_path / "d").mkdir()
    assert _cli._hidden_dirs([nb, tmp_path / "d"], tmp_path / "o") == \
        sorted([str(tmp_path / "o"), str(tmp_path / "s"),
                str(tmp_path / "d")])


# ------------------------------------------------------- _cli: progress

class Tty(io.StringIO):
    def isatty(self):
        return True


def done_job(name, score=3, status="ok"):
    job = _batch.Job(name, 0, 1, name)
    job.report = {"score": score, "max_score": 10, "status": status}
    return job


def test_progress_on_a_terminal_is_a_bar_that_ends_with_a_newline():
    stream = Tty()
    p = _cli.Progress(3, stream=stream)
    p(done_job("a"))
    assert stream.getvalue().startswith("\r[" + "#" * 10 + "-" * 20 +
                                         "] 1/3 ")
    assert stream.getvalue().endswith(" s each ")
    p(done_job("b"))
    assert not stream.getvalue().endswith("\n")
    p(done_job("c"))
    assert ("\r[" + "#" * 30 + "] 3/3 ") in stream.getvalue()
    assert stream.getvalue().endswith(" s each \n")


def test_progress_in_a_log_is_a_line_per_submission():
    stream = io.StringIO()
    p = _cli.Progress(2, stream=stream)
    p(done_job("a.ipynb", 3, "timeout"))
    p(done_job("b.ipynb", 10))
    assert stream.getvalue() == ("[1/2] a.ipynb: 3/10 (timeout)\n"
                                 "[2/2] b.ipynb: 10/10 (ok)\n")
    quiet = _cli.Progress(2, stream=stream, quiet=True)
    quiet(done_job("c.ipynb"))
    assert quiet.done == 1 and "c.ipynb" not in stream.getvalue()


# --------------------------------------------------- _cli: command line

def test_main_grades_with_the_options_given(tmp_path, batch):
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    out = tmp_path / "out"
    assert _cli.main(["ch01", str(nb), "--out", str(out), "--timeout", "60",
                      "--cell-timeout", "5", "-j", "2", "--seed", "3",
                      "--quiet"]) == 0
    call = batch.calls[0]
    assert (call["timeout"], call["cell_timeout"], call["jobs"],
            call["seed"]) == (60.0, 5.0, 2, 3)
    assert (out / "x.results.json").exists()
    assert _cli.main(["ch01", str(nb), "--out", str(out), "--quiet"]) == 0
    call = batch.calls[1]
    assert (call["timeout"], call["cell_timeout"], call["jobs"],
            call["seed"]) == (120.0, None, 1, None)


@pytest.mark.parametrize("bad", [["--timeout", "0"], ["--timeout", "-1"],
                                 ["-j", "0"], ["--cell-timeout", "0"],
                                 ["--cell-timeout", "-2"]])
def test_main_refuses_limits_that_are_not_positive(tmp_path, batch, capsys,
                                                   bad):
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    assert _cli.main(["ch01", str(nb), "--out", str(tmp_path / "o"),
                      *bad]) == 2
    assert capsys.readouterr().err == (
        "python -m mathlib.grade: error: --timeout, --cell-timeout and -j "
        "must be positive\n")
    assert batch.calls == []


def test_main_accepts_the_smallest_positive_limits(tmp_path, batch):
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    assert _cli.main(["ch01", str(nb), "--out", str(tmp_path / "o"),
                      "--timeout", "0.5", "--cell-timeout", "0.1", "-j",
                      "1", "--quiet"]) == 0
    assert batch.calls[0]["cell_timeout"] == 0.1


@pytest.mark.parametrize("args", [["ch01", "--out", "o"], ["ch01", "x"]])
def test_main_needs_submissions_and_an_output_folder(args, batch, capsys):
    assert _cli.main(args) == 2
    assert capsys.readouterr().err == (
        "python -m mathlib.grade: error: give at least one SUBMISSION and "
        "--out DIR\n")


def test_main_notes_paths_that_do_not_exist_and_grades_them(tmp_path,
                                                            batch, capsys):
    gone = [str(tmp_path / f"gone{k}.ipynb") for k in range(6)]
    assert _cli.main(["ch01", *gone, "--out", str(tmp_path / "o"),
                      "--quiet"]) == 0
    err = capsys.readouterr().err
    assert f"note: 6 submission path(s) do not exist and are graded as " \
        f"invalid: {', '.join(gone[:5])}\n" in err
    assert batch.calls[0]["names"] == [Path(g).name for g in gone]


def test_main_refuses_an_unknown_assignment_before_grading(tmp_path,
                                                           batch, capsys):
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    assert _cli.main(["ch99", str(nb), "--out", str(tmp_path / "o")]) == 2
    assert capsys.readouterr().err.startswith(
        "python -m mathlib.grade: error: ")
    assert batch.calls == []


def test_gradescope_mode_grades_the_notebook_named_like_the_assignment(
        tmp_path, batch):
    root = tmp_path / "autograder"
    notebooks(root / "submission", "a_first.ipynb", "sub/ch01.ipynb")
    batch.reports["ch01.ipynb"] = fake_report("ch01.ipynb",
                                              {"ch01.q1": "correct"})
    assignment = str(ROOT / "exercises" / "ch01.ipynb")
    assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                      assignment, "--timeout", "30", "--cell-timeout",
                      "4", "--seed", "9", "--quiet"]) == 0
    [call] = batch.calls
    assert call["paths"] == [root / "submission" / "sub" / "ch01.ipynb"]
    assert (call["timeout"], call["cell_timeout"], call["jobs"],
            call["seed"]) == (30.0, 4.0, 1, 9)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 1 and results["max_score"] == 10
    assert results["tests"][0]["status"] == "passed"
    assert (root / "results" / "mathlib-grade" / "ch01.results.json").exists()


def test_gradescope_mode_takes_the_first_notebook_otherwise(tmp_path,
                                                            batch):
    root = tmp_path / "ag"
    notebooks(root / "submission", "b.ipynb", "a.ipynb")
    assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                      "ch01", "--quiet"]) == 0
    assert batch.calls[0]["paths"] == [root / "submission" / "a.ipynb"]
    assert batch.calls[0]["timeout"] == 120.0


def test_gradescope_mode_without_a_notebook_scores_zero(tmp_path, batch,
                                                        capsys):
    root = tmp_path / "ag"
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "hw.py").write_text("")
    assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                      "ch01"]) == 0
    assert json.loads((root / "results" / "results.json").read_text()) == {
        "score": 0, "output": "No .ipynb notebook was found in the "
        "submission.", "tests": []}
    assert capsys.readouterr().err == (
        f"no notebook in {root / 'submission'}; 8 questions scored 0\n")
    assert batch.calls == []


# ------------------------------------------ _batch: reading a run's result

def correct_job(tmp_path, cell_timeout=15.0):
    """A Job for the committed correct ch01 sample, as _start leaves it
    (cells read, paths set), without a runner."""
    job = _batch.Job(SAMPLES / "ch01" / "correct.ipynb", 0, 1, "hw.ipynb")
    job.data, job.cells = _notebooks.load_submission(job.path)
    job.run_cells, job.skipped = _notebooks.code_cells(job.cells)
    job.cell_timeout = cell_timeout
    job.jobdir = str(tmp_path / "job-0")
    job.workdir = str(tmp_path / "job-0" / "work")
    job.private = str(tmp_path / "job-0" / "private")
    return job


def result(cells=None, answers=None, **kw):
    """A runner's result: every code cell of the sample ran (or as
    given), every answer as given (default undefined)."""
    job = correct_job(Path("/nonexistent"))
    recs = {i: {"index": i, "status": "ok", "error": None,
                "output_bytes": 0} for i, _ in job.run_cells}
    for i, rec in (cells or {}).items():
        recs[i] = dict(recs[i], **rec)
    undefined = json.dumps({"t": "undefined"})
    ans = [dict({"name": q.name, "status": "ok", "data": undefined,
                 "error": None}, **(answers or {}).get(q.name, {}))
           for q in CH01]
    return dict({"version": 1, "ok": True, "error": None,
                 "cells": sorted(recs.values(), key=lambda c: c["index"]),
                 "answers": ans, "kernel_starts": 1}, **kw)


def judged(tmp_path, res, cell_timeout=15.0, flags=None):
    job = correct_job(tmp_path, cell_timeout)
    job.flags.update(flags or {})
    report = _batch._judge(job, CH01, res)
    return report, by_id(report)


CELL_OF = {"limit_value": 5, "quotients": 8, "delta": 11, "dfdx": 14,
           "dg": 17, "dsigmoid": 21, "best_step": 24, "complex_step": 27}


@pytest.mark.parametrize("statuses, run", [
    ({}, "ok"), ({5: "error"}, "errors"), ({5: "timeout"}, "timeout"),
    ({5: "not run"}, "timeout"), ({5: "error", 8: "not run"}, "timeout"),
    ({5: "error", 8: "timeout"}, "timeout"),
    ({5: "timeout", 8: "died"}, "kernel died"),
    ({5: "not run", 8: "died"}, "kernel died")],
    ids=["ok", "error", "timeout", "not-run", "error+not-run",
         "error+timeout", "timeout+died", "not-run+died"])
def test_the_run_status_counts_every_cell_that_did_not_run_cleanly(
        tmp_path, statuses, run):
    """A kernel that died outranks a time-out (a cell interrupted, or
    cells never run because the whole limit was used up), which
    outranks an error."""
    res = result(cells={i: {"status": s, "error": "boom" if s != "not run"
                            else None} for i, s in statuses.items()})
    report, _ = judged(tmp_path, res)
    assert report["status"] == run


def test_an_answer_in_a_cell_never_run_is_a_time_out(tmp_path):
    report, q = judged(tmp_path, result(cells={5: {"status": "not run"}}))
    assert report["reason"] == ("cell 6 ('limit_value = 3.0') did not run: "
                                "the time limit was used up")
    assert q["ch01.q1"]["status"] == "timeout"
    assert q["ch01.q1"]["diagnosis"] == "not run"
    assert q["ch01.q1"]["feedback"] == (
        "Timeout. limit_value is not defined: cell 6 ('limit_value = 3.0') "
        "did not run: the time limit was used up.")
    assert q["ch01.q2"]["status"] == "missing"


def test_an_answer_in_a_cell_that_timed_out_names_the_per_cell_limit(
        tmp_path):
    report, q = judged(tmp_path, result(cells={8: {
        "status": "timeout", "seconds": 15.4}}), cell_timeout=15.0)
    text = "cell 9 ('def cube(t):') ran out of time after 15 s (the " \
        "limit per cell is 15 s) (interrupted)"
    assert report["reason"] == text and report["status"] == "timeout"
    assert (q["ch01.q2"]["status"], q["ch01.q2"]["diagnosis"]) == \
        ("timeout", "timeout")
    assert q["ch01.q2"]["feedback"] == \
        f"Timeout. quotients is not defined: {text}."
    report, _ = judged(tmp_path, result(cells={8: {
        "status": "timeout", "seconds": 2.5, "stuck": True}}),
        cell_timeout=2.5)
    assert report["reason"] == (
        "cell 9 ('def cube(t):') ran out of time after 2 s (the limit "
        "per cell is 2.5 s) and could not be interrupted (skipped on a "
        "re-run)")


def test_an_answer_in_a_cell_that_raised_is_an_error(tmp_path):
    report, q = judged(tmp_path, result(cells={11: {
        "status": "error", "error": "NameError: name 'eps' is not defined"
    }}))
    assert report["status"] == "errors"
    assert report["reason"] == ("cell 12 ('delta = 0.02 / 5') raised "
                                "NameError: name 'eps' is not defined")
    assert (q["ch01.q3"]["status"], q["ch01.q3"]["diagnosis"]) == \
        ("error", "error")
    assert q["ch01.q3"]["points"] == 0


def test_an_answer_in_a_cell_that_broke_the_kernel_is_an_error(tmp_path):
    report, q = judged(tmp_path, result(cells={14: {"status": "died",
                                                    "error": None}}))
    assert report["reason"] == ("cell 15 ('dfdx = 2 * x * sp.log(x) + x') "
                                "broke the kernel (it died) and was "
                                "skipped on a re-run")
    assert (q["ch01.q4"]["status"], q["ch01.q4"]["diagnosis"]) == \
        ("error", "died")
    report, _ = judged(tmp_path, result(cells={14: {
        "status": "died", "error": "os._exit"}}))
    assert "broke the kernel (os._exit)" in report["reason"]


def test_an_answer_no_cell_assigns_is_missing(tmp_path):
    job = correct_job(tmp_path)
    job.run_cells = [(i, s) for i, s in job.run_cells if i != 24]
    report = _batch._judge(job, CH01, result())
    q = by_id(report)
    assert q["ch01.q7"] == dict(q["ch01.q7"], status="missing",
                                diagnosis="missing", feedback=(
        "No answer yet. best_step is not defined: no cell of the notebook "
        "assigns it."))
    assert q["ch01.q1"]["feedback"] == (
        "No answer yet. limit_value is not defined after the notebook ran "
        "(was it deleted?).")


def test_an_unclean_cell_not_defining_the_answer_leaves_it_missing(
        tmp_path):
    _, q = judged(tmp_path, result(cells={2: {"status": "error",
                                              "error": "E"}}))
    assert q["ch01.q1"]["status"] == "missing"


@pytest.mark.parametrize("answer, status, diagnosis, words", [
    ({"status": "timeout"}, "timeout", "timeout",
     "Timeout. Reading dsigmoid took longer than 10 s plus 2 s per call "
     "of a function (the limit; a function that did not return at one of "
     "the grader's points?)."),
    ({"status": "error", "error": "ValueError: no"}, "error", "extract",
     "Error. dsigmoid could not be read (ValueError: no)."),
    ({"status": "ok", "data": None}, "error", "extract",
     "Error. dsigmoid could not be read (unknown error)."),
    ({"status": "died"}, "error", "died",
     "Error. dsigmoid could not be read: the kernel had died or stopped "
     "responding."),
    ({"status": "ok", "data": "{not json"}, "error", "extract",
     "the data collected from the notebook was not in the form the "
     "grader expects"),
    ({"status": "ok", "data": json.dumps({"t": "bogus"})}, "error",
     "extract", "was the grader's code in the notebook changed?"),
], ids=["timeout", "error", "no-data", "died", "not-json", "bad-wire"])
def test_each_way_an_answer_cannot_be_read_has_its_status(
        tmp_path, answer, status, diagnosis, words):
    """An extraction time-out is a time-out (not an error), with the
    limit that applied; everything else that keeps the answer from being
    read is an error; none gives points."""
    _, q = judged(tmp_path, result(answers={"dsigmoid": answer}))
    e = q["ch01.q6"]
    assert (e["status"], e["diagnosis"], e["points"]) == \
        (status, diagnosis, 0)
    assert words in e["feedback"]


def test_an_answer_missing_from_the_result_is_an_error(tmp_path):
    res = result()
    res["answers"] = [a for a in res["answers"] if a["name"] != "delta"]
    _, q = judged(tmp_path, res)
    assert (q["ch01.q3"]["status"], q["ch01.q3"]["diagnosis"]) == \
        ("error", "died")


def test_answers_read_are_judged_with_the_submissions_seed(tmp_path):
    """The right answers score their points, a wrong one none; the score
    and maximum add up."""
    report, q = judged(tmp_path, result(answers={
        "limit_value": num(3.0), "delta": num(1.0),
        "best_step": {"status": "ok",
                      "data": json.dumps({"t": "str", "v": "B"})}}))
    assert q["ch01.q1"]["status"] == "correct"
    assert q["ch01.q3"]["status"] == "incorrect"
    assert report["score"] == 1 + q["ch01.q7"]["points"]
    assert report["max_score"] == 10
    assert (report["submission"], report["seed"], report["flagged"]) == \
        ("hw.ipynb", 1, "")
    assert report["path"] == str(SAMPLES / "ch01" / "correct.ipynb")


def test_the_answer_key_asked_for_flags_the_answers_of_that_cell(tmp_path):
    """A cell that tried to import the answer key: the answers it
    defines are not graded, and the report says where; a flag found
    before the run counts too."""
    report, q = judged(tmp_path, result(
        answers={"limit_value": num(3.0), "delta": num(0.004)},
        cells={5: {"status": "error", "error": f"ImportError: "
                   f"{KEY_MESSAGE}"}}),
        flags={"ch01.q3": "key in cell 12"})
    assert q["ch01.q1"]["status"] == "error"
    assert q["ch01.q1"]["diagnosis"] == "answer key"
    assert "Not graded: the notebook's code uses the book's answer key" \
        in q["ch01.q1"]["feedback"]
    assert q["ch01.q3"]["status"] == "error"
    assert report["flagged"] == ("answer key asked for in cell 6 "
                                 "('limit_value = 3.0'); key in cell 12")
    assert q["ch01.q2"]["status"] == "missing"


def test_the_answer_key_asked_for_outside_answer_cells_flags_all(tmp_path):
    _, q = judged(tmp_path, result(cells={2: {
        "status": "error", "error": f"ImportError: {KEY_MESSAGE}"}}))
    assert {e["diagnosis"] for e in q.values()} == {"answer key"}


def test_a_flood_of_output_and_a_restarted_kernel_are_noted(tmp_path):
    report, _ = judged(tmp_path, result(cells={
        5: {"output_bytes": 1_000_001}, 8: {"output_bytes": 1_000_000},
        11: {"output_bytes": 2_600_000}}, kernel_starts=2))
    assert report["status"] == "ok"
    assert report["reason"] == (
        "cell 6 ('limit_value = 3.0') printed 1 MB of output (not kept); "
        "cell 12 ('delta = 0.02 / 5') printed 3 MB of output (not kept); "
        "the kernel was started 2 times")
    report, _ = judged(tmp_path, result(kernel_starts=1))
    assert report["reason"] == "all cells ran"


def test_the_grader_s_paths_are_not_shown_to_the_student(tmp_path):
    job = correct_job(tmp_path)
    assert _batch._plain(job, f"open {job.workdir}/a.txt") == \
        "open the notebook's folder/a.txt"
    assert _batch._plain(job, f"{job.private}/x and "
                         "/tmp/mathlib-grade/work/y") == \
        "the grader's folder/x and the notebook's folder/y"
    assert _batch._plain(job, "in /tmp/mathlib-grade/private/r.json") == \
        "in the grader's folder/r.json"
    assert _batch._plain(job, "at /var/tmp/mathlib-grade-stage-x/q ok") == \
        "at a grader's file ok"
    assert _batch._plain(job, None) == "unknown error"
    assert _batch._plain(job, "x" * 300) == "x" * 200
    assert _batch._plain(job, "no answer file (ENOENT)") == (
        "the answer could not be collected: the notebook's folder was "
        "changed or removed while it ran")
    job.workdir = job.private = None
    assert _batch._plain(job, "plain") == "plain"


def test_cell_names_quote_the_first_line(tmp_path):
    job = correct_job(tmp_path)
    assert _batch._cell_name(job, 5) == "cell 6 ('limit_value = 3.0')"
    job.cells[29]["source"] = "\n   \n"
    assert _batch._cell_name(job, 29) == "cell 30"          # blank cell
    assert _batch._cell_name(job, 30) == "cell 31"          # beyond


@pytest.mark.parametrize("bad, why", [
    ("[1]", "missing cells or answers"),
    ('{"cells": [], "answers": {}}', "missing cells or answers"),
    ('{"cells": {}, "answers": []}', "missing cells or answers"),
    ('{"cells": [], "answers": [], "ok": false, "error": "kernel gone"}',
     "kernel gone"),
    ('{"cells": [], "answers": []}', "None"),
    ('{"ok": true, "cells": [{"index": "1", "status": "ok"}], '
     '"answers": []}', "bad cell record"),
    ('{"ok": true, "cells": [{"index": 1, "status": "done"}], '
     '"answers": []}', "bad cell record"),
    ('{"ok": true, "cells": [7], "answers": []}', "bad cell record"),
    ('{"ok": true, "cells": [], "answers": [{"name": 1, "status": "ok"}]}',
     "bad answer record"),
    ('{"ok": true, "cells": [], "answers": [{"name": "a", "status": '
     '"not run"}]}', "bad answer record"),
    ('{"ok": true, "cells": [], "answers": [{"name": "a", "status": '
     '"ok", "data": 3}]}', "bad answer record"),
    ('{"ok": true, "cells": [], "answers": ["a"]}', "bad answer record"),
    ("{not json", "not JSON"),
])
def test_a_result_file_not_in_the_runner_s_format_is_refused(
        tmp_path, bad, why):
    path = tmp_path / "result.json"
    path.write_text(bad)
    exact = why in ("missing cells or answers", "bad cell record",
                    "bad answer record", "kernel gone", "None")
    with pytest.raises(WireError, match=f"^{why}$" if exact else why):
        _batch._read_result(str(path))


def test_a_result_file_in_the_runner_s_format_is_read(tmp_path):
    path = tmp_path / "result.json"
    for cell in ("ok", "error", "timeout", "died", "not run"):
        for ans in ("ok", "error", "timeout", "died"):
            res = {"ok": True, "cells": [{"index": 0, "status": cell}],
                   "answers": [{"name": "a", "status": ans, "data": None},
                               {"name": "b", "status": ans, "data": "x"}]}
            path.write_text(json.dumps(res))
            assert _batch._read_result(str(path)) == res


def test_a_result_file_over_the_size_limit_is_refused(tmp_path,
                                                      monkeypatch):
    path = tmp_path / "result.json"
    path.write_text('{"ok": true, "cells": [], "answers": []}')
    size = path.stat().st_size
    monkeypatch.setattr(_batch, "MAX_RESULT", size)
    assert _batch._read_result(str(path))["ok"] is True
    monkeypatch.setattr(_batch, "MAX_RESULT", size - 1)
    with pytest.raises(WireError, match="result file too large"):
        _batch._read_result(str(path))


# ------------------------------------------- _batch: how a run ended

class Proc:
    """What _finish needs of a finished runner process."""

    def __init__(self, returncode):
        self.returncode, self.pid = returncode, 2 ** 22 + 17

    def wait(self, timeout=None):
        return self.returncode

    def poll(self):
        return self.returncode


def finished(tmp_path, monkeypatch, *, returncode=0, text=None, log="",
             killed=False, timeout=60.0):
    job = correct_job(tmp_path)
    os.makedirs(job.private)
    if text is not None:
        Path(job.private, "result.json").write_text(text)
    log_file = Path(job.jobdir, "runner.log")
    log_file.write_bytes(log) if isinstance(log, bytes) else \
        log_file.write_text(log)
    job.proc, job.token, job.sandboxed = Proc(returncode), "t" * 32, False
    monkeypatch.setattr(_batch.os, "killpg", lambda pid, sig: None)
    job.started = _batch.time.monotonic() - 3
    job.deadline = job.started + timeout
    _batch._finish(job, CH01, killed)
    assert not os.path.exists(job.jobdir)           # cleaned up
    return job.report


def test_a_run_stopped_at_its_deadline_is_a_time_out(tmp_path,
                                                     monkeypatch):
    r = finished(tmp_path, monkeypatch, killed=True, timeout=94.6)
    assert r["status"] == "timeout"
    assert r["reason"] == ("the run did not finish within 95 s (the limit "
                           "for the notebook and the reading of its "
                           "answers) and was stopped")
    assert {q["status"] for q in r["questions"]} == {"timeout"}
    assert {q["diagnosis"] for q in r["questions"]} == {"timeout"}
    assert r["questions"][0]["feedback"] == (
        "Timeout. Not graded: the run did not finish within 95 s (the "
        "limit for the notebook and the reading of its answers) and was "
        "stopped.")
    assert (r["score"], r["max_score"]) == (0, 10)
    assert 2.5 < r["seconds"] < 60


def test_a_runner_that_died_is_a_crash_with_its_last_words(tmp_path,
                                                           monkeypatch):
    r = finished(tmp_path, monkeypatch, returncode=-9,
                 log="Traceback\n  File x\nKilledError: by the notebook\n\n")
    assert r["status"] == "crashed"
    assert r["reason"] == (
        "the grading process of this submission died (exit status -9); "
        "did the notebook kill its parent process? (KilledError: by the "
        "notebook)")
    assert {q["status"] for q in r["questions"]} == {"error"}
    assert {q["diagnosis"] for q in r["questions"]} == {"crashed"}
    r = finished(tmp_path, monkeypatch, returncode=0, log="")
    assert r["reason"] == ("the grading process of this submission died "
                           "(exit status 0); did the notebook kill its "
                           "parent process?")
    assert r["questions"][0]["feedback"] == (      # one full stop
        "Error. Not graded: the grading process of this submission died "
        "(exit status 0); did the notebook kill its parent process.")


def test_a_runner_that_failed_says_why_without_paths(tmp_path, monkeypatch):
    r = finished(tmp_path, monkeypatch, text=json.dumps(
        {"ok": False, "error": "kernel would not start", "cells": [],
         "answers": []}))
    assert r["status"] == "crashed"
    assert r["reason"] == ("the grading process of this submission failed "
                           "or returned unreadable results (kernel would "
                           "not start)")
    assert {q["status"] for q in r["questions"]} == {"error"}


def test_a_finished_run_is_judged(tmp_path, monkeypatch):
    r = finished(tmp_path, monkeypatch, text=json.dumps(result(
        answers={"limit_value": num(3.0)})))
    assert (r["status"], r["reason"], r["score"]) == ("ok", "all cells ran",
                                                      1)


def test_the_runner_log_tail_is_its_last_non_blank_line(tmp_path):
    job = correct_job(tmp_path)
    os.makedirs(job.jobdir)
    assert _batch._log_tail(job) == ""                     # no log
    Path(job.jobdir, "runner.log").write_text(f"a\nerr in {job.private}/x"
                                              + "y" * 300 + "\n  \n")
    assert _batch._log_tail(job) == " (err in the grader's folder/x" + \
        "y" * (200 - len(f"err in {job.private}/x")) + ")"
    Path(job.jobdir, "runner.log").write_text("\n \n")
    assert _batch._log_tail(job) == ""


# --------------------------------------------- _batch: the batch's limits

@pytest.fixture
def limits(monkeypatch):
    """grade_all with _run_jobs replaced: what each job was given."""
    seen = {}

    def run_jobs(all_jobs, questions, batch, timeout, cell_timeout, jobs,
                 on_done):
        seen.update(jobs=all_jobs, timeout=timeout,
                    cell_timeout=cell_timeout, n=jobs, batch=batch)
        return [j.fault for j in all_jobs]
    monkeypatch.setattr(_batch, "_run_jobs", run_jobs)
    return seen


@pytest.mark.parametrize("timeout, cell", [(60, 15.0), (120, 30.0),
                                           (8, 2.0), (4, 2.0), (1, 2.0)])
def test_the_default_cell_limit_is_a_quarter_of_the_whole_not_below_2s(
        limits, timeout, cell):
    _batch.grade_all(CH01, [SAMPLES / "ch01" / "blank.ipynb"],
                     timeout=timeout, seed=1)
    assert limits["cell_timeout"] == cell and limits["timeout"] == timeout


def test_a_cell_limit_given_is_used_as_given(limits):
    _batch.grade_all(CH01, [SAMPLES / "ch01" / "blank.ipynb"],
                     timeout=60, cell_timeout=1, jobs=3, seed=1)
    assert (limits["cell_timeout"], limits["n"]) == (1, 3)


def test_each_submission_s_points_depend_on_its_name_not_the_batch(limits):
    """The seed of a submission's sample points comes from the batch
    seed and its own name: the same in any batch, different for another
    name or batch seed; two files of the same name differ."""
    blank, correct = SAMPLES / "ch01" / "blank.ipynb", \
        SAMPLES / "ch01" / "correct.ipynb"
    _batch.grade_all(CH01, [blank, correct], seed=3, names=["a", "b"])
    a, b = (j.seed for j in limits["jobs"])
    _batch.grade_all(CH01, [correct], seed=3, names=["b"])
    assert limits["jobs"][0].seed == b != a
    _batch.grade_all(CH01, [correct], seed=4, names=["b"])
    assert limits["jobs"][0].seed != b
    _batch.grade_all(CH01, [blank, blank], seed=3, names=["a", "a"])
    assert len({j.seed for j in limits["jobs"]}) == 2
    _batch.grade_all(CH01, [blank], seed=3)
    assert limits["jobs"][0].name == "blank.ipynb"
    assert [j.index for j in limits["jobs"]] == [0]


def test_a_file_that_is_not_a_notebook_is_found_before_any_run(tmp_path,
                                                               limits):
    bad = tmp_path / "bad.ipynb"
    bad.write_text("not a notebook")
    faults = _batch.grade_all(CH01, [bad, SAMPLES / "ch01" / "blank.ipynb"],
                              seed=1)
    assert faults[0] and faults[1] is None
    assert limits["jobs"][1].cells and limits["jobs"][0].cells == []


# ------------------------------------ _batch: deadlines and processes

SLEEPER = "import os, time\nos.fork()\ntime.sleep(300)\n"


def test_a_run_past_its_deadline_is_stopped_and_says_its_limit(
        tmp_path, monkeypatch):
    """The deadline is the notebook's limit plus, per answer, the
    extraction's base time and its calls, plus slack: a runner that
    never ends is killed there, with its children, and every question
    is a time-out whose feedback names the limit."""
    monkeypatch.setattr(_batch, "RUNNER_SOURCE", SLEEPER)
    monkeypatch.setattr(_batch, "SLACK", 0.5)
    monkeypatch.setattr(_batch, "EXTRACT_BASE", 0.125)
    monkeypatch.setattr(_batch, "CALL_TIMEOUT", 0.0625)
    mark = f"deadline21-{os.getpid()}-{os.urandom(4).hex()}"
    monkeypatch.setenv("MATHLIB_GRADE_TEST_RUN", mark)
    [got] = grade("ch01", [SAMPLES / "ch01" / "blank.ipynb"],
                  tmp_path / "out", timeout=1.0, seed=1)
    # 8 answers x 0.125 s, and 0.0625 s per point of dsigmoid (a function)
    calls = len(CH01[5].points_for("grade", 1))
    limit = 1.0 + 8 * 0.125 + calls * 0.0625 + 0.5
    assert got["status"] == "timeout"
    assert got["reason"].startswith(f"the run did not finish within "
                                    f"{limit:.0f} s (the limit")
    assert {q["status"] for q in got["questions"]} == {"timeout"}
    assert got["seconds"] >= limit - 0.1
    mine = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            if mark.encode() in Path(f"/proc/{p}/environ").read_bytes():
                mine.append(p)
        except OSError:
            pass
    assert mine == []                     # the forked child is gone too


def test_every_process_carrying_the_token_is_found_and_killed(tmp_path):
    """Outside a sandbox the grader finds a run's processes by the token
    in their environment, including one that left the process group."""
    import subprocess
    token = os.urandom(16).hex()
    env = dict(os.environ, **{_batch.TOKEN_NAME: token})
    procs = [subprocess.Popen([sys.executable, "-c",
                               "import time; time.sleep(300)"], env=env,
                              start_new_session=True) for _ in range(2)]
    other = subprocess.Popen([sys.executable, "-c",
                              "import time; time.sleep(300)"])
    try:
        deadline = _batch.time.monotonic() + 30
        while sorted(_batch._pids_with_token(token)) != sorted(
                p.pid for p in procs):
            assert _batch.time.monotonic() < deadline
            _batch.time.sleep(0.05)
        job = _batch.Job("x", 0, 1)
        job.token, job.proc, job.sandboxed = token, procs[0], False
        _batch._kill_all(job)
        for p in procs:
            assert p.wait(timeout=30) == -9
        assert other.poll() is None
        assert _batch._pids_with_token(token) == []
    finally:
        other.kill()
        other.wait()
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()


def test_a_job_without_a_process_is_killed_without_error():
    job = _batch.Job("x", 0, 1)
    job.token = os.urandom(16).hex()
    _batch._kill_all(job)                           # nothing to do
    assert job.proc is None


def test_a_changed_installation_is_warned_about(scripted, monkeypatch,
                                                capsys):
    """If files of the mathlib installation change while a notebook
    runs, the submission's report and the instructor are told which."""
    prints = iter([{"a.py": "1", "b.py": "2"}, {"a.py": "1", "b.py": "3",
                                                 "c.py": "4"}])
    monkeypatch.setattr(_batch, "package_fingerprint",
                        lambda: next(prints))
    report, _ = scripted({"answers": {}})
    warning = ("files of the mathlib installation changed while this "
               "notebook ran: b.py, c.py")
    assert report["reason"] == f"all cells ran; WARNING: {warning}"
    assert f"WARNING: correct.ipynb: {warning}" in capsys.readouterr().err


def test_the_package_fingerprint_is_a_hash_of_every_file():
    import hashlib
    fp = _batch.package_fingerprint()
    root = Path(_batch.PACKAGE)
    assert fp["grade/_batch.py"] == hashlib.sha256(
        (root / "grade" / "_batch.py").read_bytes()).hexdigest()
    assert set(fp) == {str(p.relative_to(root))
                       for p in root.rglob("*.py")}


def test_the_sealed_copy_has_no_answer_key_and_no_grader(tmp_path):
    target = tmp_path / "sealed" / "mathlib"
    _batch._seal(str(target))
    stub = f"raise ImportError({KEY_MESSAGE!r})\n"
    assert (target / "grade" / "__init__.py").read_text() == stub
    assert sorted(p.name for p in (target / "grade").iterdir()) == \
        ["__init__.py"]
    assert (target / "exercises" / "ch01.py").read_text() == stub
    assert (target / "exercises" / "__init__.py").read_text() == \
        (Path(_batch.PACKAGE) / "grade" / "_sealed.py").read_text()
    assert (target / "exercises" / "_compare.py").exists()
    assert (target / "numeric.py").exists()
    assert not list(target.rglob("__pycache__"))


def test_a_batch_hides_what_it_must_and_never_what_it_needs(tmp_path):
    outside = tmp_path / "subs"
    outside.mkdir()
    b = _batch.Batch(hide=[outside, _batch.PACKAGE, sys.prefix,
                           Path(_batch.PACKAGE).parent])
    try:
        assert str(outside) in b.hide and "/dev/shm" in b.hide
        assert _batch.PACKAGE not in b.hide and sys.prefix not in b.hide
        assert str(Path(_batch.PACKAGE).parent) not in b.hide   # holds it
        assert os.path.isdir(os.path.join(b.sealed, "mathlib"))
        assert b.sealed_path("p") == (None if b.sandbox else b.sealed)
    finally:
        b.close()
    assert not os.path.exists(b.base)
    assert b.stage is None or not os.path.exists(b.stage)


def test_inside_means_the_folder_or_below_it():
    assert _batch._inside("/a/b", "/a") and _batch._inside("/a", "/a/")
    assert not _batch._inside("/ab", "/a")
    assert _batch._inside("/a/b/../c", "/a")


def test_a_tree_the_student_made_read_only_is_removed(tmp_path):
    d = tmp_path / "job" / "work" / "locked"
    d.mkdir(parents=True)
    (d / "f").write_text("x")
    os.chmod(d, 0o500)
    os.chmod(d.parent, 0o500)
    _batch._rmtree(str(tmp_path / "job"))
    assert not (tmp_path / "job").exists()
    _batch._rmtree(None)
    _batch._rmtree(str(tmp_path / "nothing"))


@pytest.fixture
def support(monkeypatch):
    monkeypatch.setattr(_batch, "_SUPPORT", None)
    monkeypatch.delenv("MATHLIB_GRADE_SANDBOX", raising=False)

    def check():
        monkeypatch.setattr(_batch, "_SUPPORT", None)
        return _batch.sandbox_support()
    return check


@pytest.mark.parametrize("value", ["off", "OFF", "0", "no"])
def test_the_sandbox_can_be_turned_off(support, monkeypatch, value):
    monkeypatch.setenv("MATHLIB_GRADE_SANDBOX", value)
    assert support() == (False, "turned off by MATHLIB_GRADE_SANDBOX")


def test_the_sandbox_says_why_it_is_not_available(support, monkeypatch,
                                                  tmp_path):
    monkeypatch.setenv("MATHLIB_GRADE_SANDBOX", "on")
    monkeypatch.setattr(_batch.os, "geteuid", lambda: 1000)
    assert support() == (False, "the grader does not run as root")
    monkeypatch.setattr(_batch.os, "geteuid", lambda: 0)
    monkeypatch.setattr(_batch.shutil, "which",
                        lambda t: None if t == "setpriv" else "/bin/" + t)
    assert support() == (False, "util-linux's unshare, setpriv or mount "
                         "is missing")
    monkeypatch.setattr(_batch.shutil, "which", lambda t: "/bin/" + t)
    monkeypatch.setattr(_batch, "STAGE_DIR", str(tmp_path / "none"))
    assert support() == (False, f"{tmp_path / 'none'} does not exist")
    monkeypatch.setattr(_batch, "STAGE_DIR", str(tmp_path))
    seen = []

    class Run:
        returncode, stderr = 1, b"unshare: Operation not permitted\n"

    def run(cmd, **kw):
        seen.append((cmd, kw))
        return Run()
    monkeypatch.setattr(_batch.subprocess, "run", run)
    assert support() == (False, "namespaces are not available (unshare: "
                         "Operation not permitted)")
    cmd, kw = seen[0]
    assert cmd[:7] == ["unshare", "--pid", "--mount", "--fork",
                       "--kill-child", "--propagation", "private"]
    assert "setpriv --bounding-set -all --no-new-privs true" in cmd[-1]
    assert kw == {"capture_output": True, "timeout": 30}
    Run.returncode = 0
    assert support() == (True, "PID and mount namespaces")
    assert _batch.sandbox_support() == (True, "PID and mount namespaces")

    def broken(cmd, **kw):
        raise OSError("no unshare here")
    monkeypatch.setattr(_batch.subprocess, "run", broken)
    assert support() == (False, "namespaces are not available (no "
                         "unshare here)")


def test_a_file_that_is_not_a_notebook_is_graded_invalid(tmp_path):
    """No runner starts for it: the report says why, every question is an
    error worth nothing, and its files are written."""
    bad = tmp_path / "bad.ipynb"
    bad.write_text("not a notebook")
    [r] = grade("ch01", [bad], tmp_path / "out", seed=1)
    assert (r["status"], r["score"], r["max_score"]) == ("invalid", 0, 10)
    assert {q["status"] for q in r["questions"]} == {"error"}
    assert {q["diagnosis"] for q in r["questions"]} == {"invalid"}
    assert r["questions"][0]["feedback"].startswith("Error. Not graded: ")
    assert json.loads((tmp_path / "out" / "bad.json").read_text()) == r


def test_a_runner_that_dies_leaves_its_last_words_in_the_reason(
        tmp_path, monkeypatch):
    monkeypatch.setattr(_batch, "RUNNER_SOURCE", (
        "import sys\nsys.stderr.write('warming up\\nRuntimeError: the last "
        "words\\n\\n')\nsys.exit(3)\n"))
    [r] = grade("ch01", [SAMPLES / "ch01" / "blank.ipynb"], tmp_path / "o",
                seed=1)
    assert r["status"] == "crashed"
    assert r["reason"] == ("the grading process of this submission died "
                           "(exit status 3); did the notebook kill its "
                           "parent process? (RuntimeError: the last words)")


@pytest.mark.parametrize("sandbox", [True, False], ids=["sandbox",
                                                        "no-sandbox"])
def test_the_runner_carries_the_run_s_token_in_a_session_of_its_own(
        scripted, monkeypatch, sandbox):
    """The processes of a run are found (and killed) by the token in
    their environment and by their session; the runner is started with
    both. (In the sandbox, the runner is unshare's child: unshare leads
    the session.)"""
    if not sandbox:
        monkeypatch.setattr(_batch, "_SUPPORT", (False, "a test"))
    elif not _batch.sandbox_support()[0]:
        pytest.skip("no sandbox here")
    report, _ = scripted({"report_env": True, "answers": {}})
    assert f"raised token=True leader={not sandbox}" in report["reason"]


def test_a_tree_the_grader_cannot_delete_at_first_is_unlocked(
        tmp_path, monkeypatch):
    """(As root, read-only folders do not stop a deletion; the first
    unlink is made to fail as a student's chmod would for another
    user.)"""
    d = tmp_path / "job" / "work"
    d.mkdir(parents=True)
    (d / "f").write_text("x")
    real, failed, modes = os.unlink, [], []

    def unlink(p, *a, **kw):
        if not failed:
            failed.append(p)
            raise PermissionError(13, "Permission denied", p)
        return real(p, *a, **kw)
    real_chmod = os.chmod

    def chmod(p, mode, *a, **kw):
        modes.append((str(p), mode))
        return real_chmod(p, mode, *a, **kw)
    monkeypatch.setattr(os, "unlink", unlink)
    monkeypatch.setattr(os, "chmod", chmod)
    _batch._rmtree(str(tmp_path / "job"))
    assert failed and not (tmp_path / "job").exists()
    assert (str(d), 0o700) in modes and (str(d / "f"), 0o700) in modes


def test_the_command_line_help_explains_every_option(capsys):
    with pytest.raises(SystemExit) as info:
        _cli.main(["--help"])
    assert info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert text.startswith("usage: python -m mathlib.grade [-h] [--out OUT]")
    for words in (
            "Grade problem-set notebooks: each submission runs in a fresh "
            "kernel; verdicts are computed outside it.",
            "assignment the problem-set notebook as handed out (or a key "
            "such as ch02)",
            "submissions submitted notebooks, or directories of them",
            "--out OUT output directory",
            "--timeout TIMEOUT seconds per submission (default 120)",
            "--cell-timeout CELL_TIMEOUT seconds per cell (default: timeout "
            "/ 4)",
            "-j JOBS, --jobs JOBS submissions graded in parallel (default 1)",
            "--seed SEED seed of the grader's sample points (default: "
            "random)",
            "--roster ROSTER CSV of student identifiers: grade each "
            "submission against the variant of the student its folder or "
            "file name (Gradescope: its metadata) names, and flag copied "
            "variants",
            "--quiet no progress and no summary table",
            "--gradescope grade ROOT/submission/*.ipynb into "
            "ROOT/results/results.json",
            "--gradescope-root GRADESCOPE_ROOT ROOT for --gradescope "
            "(default /autograder)"):
        assert words in text, words


# ------------------------------------- _batch: what the runner is told

class NoRun:
    """subprocess.Popen replaced: records how the runner would start."""
    calls = []

    def __init__(self, command, **kw):
        NoRun.calls.append((command, kw))
        self.pid, self.returncode = 2 ** 22 + 19, 0


@pytest.mark.parametrize("sandbox", [False, True], ids=["plain", "sandbox"])
def test_the_runner_is_told_the_cells_limits_and_answers_to_read(
        tmp_path, monkeypatch, sandbox):
    """The contract with the runner (mathlib/grade/_runner.py): the
    cells to run, the limits, where to write, and one extraction per
    answer with the grader's own points and its time limit; started
    with the run's token, in a session of its own, from the private
    folder."""
    NoRun.calls = []
    monkeypatch.setattr(_batch.subprocess, "Popen", NoRun)
    monkeypatch.setattr(_batch, "_SUPPORT", (sandbox, "a test"))
    batch = _batch.Batch()
    try:
        if sandbox:
            batch.unshare, batch.setpriv, batch.stage = "/u", "/s", "/st"
        job = _batch.Job(SAMPLES / "ch01" / "correct.ipynb", 3, 11, "hw")
        job.data, job.cells = _notebooks.load_submission(job.path)
        assert _batch._start(job, CH01, 40.0, 7.5, batch) is True
        [(command, kw)] = NoRun.calls
        config = command[-1]
        assert config == os.path.join(job.private, "config.json")
        cfg = json.loads(Path(config).read_text())
        inner = "/tmp/mathlib-grade" if sandbox else None
        work = f"{inner}/work" if sandbox else job.workdir
        private = f"{inner}/private" if sandbox else job.private
        assert cfg["cells"] == [list(c) for c in job.run_cells]
        assert (cfg["workdir"], cfg["private"], cfg["result"]) == \
            (work, private, f"{private}/result.json")
        assert (cfg["timeout"], cfg["cell_timeout"]) == (40.0, 7.5)
        assert (cfg["token"], cfg["token_name"]) == \
            (job.token, "MATHLIB_GRADE_TOKEN")
        assert len(job.token) == 32
        assert cfg["pythonpath"] == (None if sandbox else batch.sealed)
        assert [e["name"] for e in cfg["extract"]] == [q.name for q in CH01]
        fn = cfg["extract"][5]                       # dsigmoid
        points = CH01[5].points_for("grade", 11)
        assert fn["timeout"] == 10.0 + len(points) * 2.0
        assert repr(float(points[0])) in fn["code"]
        assert fn["file"] in fn["code"] and fn["file"].startswith(
            f"{work}/.answer-")
        assert [e["timeout"] for e in cfg["extract"][:2]] == [10.0, 10.0]
        assert len({e["file"] for e in cfg["extract"]}) == len(CH01)
        assert kw["cwd"] == job.private and kw["start_new_session"] is True
        assert kw["env"]["MATHLIB_GRADE_TOKEN"] == job.token
        assert kw["stdin"] == _batch.subprocess.DEVNULL
        assert Path(job.workdir, "submission.ipynb").read_bytes() == job.data
        assert Path(job.jobdir, "runner.log").exists()
        assert job.deadline - job.started == pytest.approx(
            40.0 + 8 * 10.0 + len(points) * 2.0 + 30.0)
        if sandbox:
            assert command[:8] == ["/u", "--pid", "--mount", "--fork",
                                   "--kill-child", "--propagation",
                                   "private", "--"]
            assert cfg["runner_source"] == _batch.RUNNER_SOURCE
            assert cfg["sandbox"] == {
                "stage": "/st", "inner": "mathlib-grade",
                "work": job.workdir, "private": job.private,
                "hide": batch.hide, "sealed": batch.sealed,
                "package": _batch.PACKAGE, "keep": batch.keep,
                "setpriv": "/s"}
        else:
            assert command[:3] == [sys.executable, "-I", "-c"]
            assert command[3] == _batch.RUNNER_SOURCE
            assert "runner_source" not in cfg and "sandbox" not in cfg
    finally:
        batch.close()


def test_a_function_answer_is_judged_at_the_submission_s_own_points(
        tmp_path):
    """The runner sampled the student's function at the points of this
    submission's seed; the grader judges at the same points: a right
    function is right."""
    from mathlib.exercises._wire import encode
    q = CH01[5]
    points = [float(p) for p in q.points_for("grade", 1)]
    data = encode(lambda t: q.reference(t), points=points)
    _, e = judged(tmp_path, result(answers={"dsigmoid": {
        "status": "ok", "data": json.dumps(data)}}))
    assert e["ch01.q6"]["status"] == "correct", e["ch01.q6"]["feedback"]


def test_an_answer_whose_later_defining_cell_failed_is_not_missing(
        tmp_path):
    """limit_value is assigned in cell 6 (ran) and again in a later cell
    that raised: it is an error naming that cell, not "missing"."""
    job = correct_job(tmp_path)
    job.cells.append({"cell_type": "code", "source": "limit_value = 1 / 0",
                      "metadata": {}, "outputs": [],
                      "execution_count": None})
    job.run_cells = job.run_cells + [(30, "limit_value = 1 / 0")]
    res = result()
    res["cells"].append({"index": 30, "status": "error", "output_bytes": 0,
                         "error": "ZeroDivisionError: division by zero"})
    q = by_id(_batch._judge(job, CH01, res))
    assert (q["ch01.q1"]["status"], q["ch01.q1"]["feedback"]) == ("error", (
        "Error. limit_value is not defined: cell 31 ('limit_value = 1 / 0') "
        "raised ZeroDivisionError: division by zero."))


def test_a_submission_using_the_answer_key_is_flagged_with_the_reason(
        tmp_path, limits):
    nb = json.loads((SAMPLES / "ch01" / "correct.ipynb").read_text())
    nb["cells"][5]["source"] = ("from mathlib.exercises import question\n"
                                "limit_value = question('ch01.q1')"
                                ".reference()\n")
    path = tmp_path / "key.ipynb"
    path.write_text(json.dumps(nb))
    _batch.grade_all(CH01, [path], seed=1)
    assert limits["jobs"][0].flags == {"ch01.q1": (
        "answer key or grader code used: .reference, "
        "mathlib.exercises.question")}


def test_an_interrupted_batch_leaves_no_runner_behind(tmp_path,
                                                      monkeypatch):
    """If grading stops with an error (here: the progress callback
    fails), the runners still running are killed."""
    monkeypatch.setattr(_batch, "RUNNER_SOURCE", SLEEPER)
    bad = tmp_path / "bad.ipynb"
    bad.write_text("not a notebook")
    started = []
    real_start = _batch._start

    def start(job, *a):
        ok = real_start(job, *a)
        started.append(job)
        return ok

    def on_done(job):
        raise RuntimeError("stop")
    monkeypatch.setattr(_batch, "_start", start)
    with pytest.raises(RuntimeError, match="stop"):
        _batch.grade_all(CH01, [SAMPLES / "ch01" / "blank.ipynb", bad],
                         timeout=60, jobs=2, seed=1, on_done=on_done)
    assert started[0].proc is not None
    assert started[0].proc.poll() is not None          # killed


# ------------------- rosters and Gradescope identities (issues 19 and 21)
#
# Mutation testing showed, with every other test green: --roster read as
# nothing (a crash), the student's identity not taken from Gradescope's
# submission_metadata.json (every Gradescope submission then graded
# against the default variant and flagged "not on the roster"), a
# Gradescope results folder that exists already (it does on Gradescope)
# making the grader crash, and the results read back in the locale's
# encoding instead of UTF-8.

VARIANTS = SAMPLES / "variants"
ROSTER = VARIANTS / "roster.csv"
# ch01.q1 (limit_value) and ch01.q3 (delta) as their students' variants
# have them; the default variant's are 3 and 1/250
S0001 = {"limit_value": num(4.5), "delta": num(1 / 350)}
S0002 = {"limit_value": num(2 / 3), "delta": num(1 / 400)}


@pytest.fixture
def scripted_main(monkeypatch):
    """main(argv) with the scripted runner following plan."""
    monkeypatch.setattr(_batch, "RUNNER_SOURCE", SCRIPTED_RUNNER)

    def run(plan, *argv):
        monkeypatch.setenv("MATHLIB_TEST_PLAN", json.dumps(plan))
        return _cli.main([*argv, "--seed", "1", "--timeout", "30",
                          "--quiet"])
    return run


def autograder(root, metadata=None, notebook="ch01.ipynb"):
    """A Gradescope autograder folder: the submission, its metadata."""
    (root / "submission").mkdir(parents=True)
    (root / "submission" / notebook).write_bytes(
        (SAMPLES / "ch01" / "correct.ipynb").read_bytes())
    if metadata is not None:
        (root / "submission_metadata.json").write_text(json.dumps(metadata))
    return root


def gradescope_results(root):
    results = json.loads((root / "results" / "results.json").read_text())
    tests = {t["name"].split()[0]: t for t in results["tests"]}
    hidden = [t for t in results["tests"] if t.get("visibility") == "hidden"]
    return results, tests, hidden


def test_gradescope_grades_the_student_named_in_submission_metadata(
        tmp_path, scripted_main):
    """The student comes from Gradescope's metadata (their sid, in any
    case), not from the notebook's file name: answers right for s0002's
    variant score, and nothing is flagged."""
    root = autograder(tmp_path / "ag", {"users": [
        {"email": "x@example.org", "sid": "S0002", "name": "Student 2"}]})
    assert scripted_main({"answers": S0002}, "ch01", "--gradescope",
                         "--gradescope-root", str(root),
                         "--roster", str(ROSTER)) == 0
    results, tests, hidden = gradescope_results(root)
    assert tests["ch01.q1"]["status"] == tests["ch01.q3"]["status"] == \
        "passed"
    assert results["score"] == tests["ch01.q1"]["score"] + \
        tests["ch01.q3"]["score"] > 0
    assert hidden == []


@pytest.mark.parametrize("metadata, why", [
    (None, "no readable submission_metadata.json"),
    ({"users": [{"sid": "s9999", "email": "z@example.org"}]},
     "no user of the submission is on the roster")],
    ids=["no-metadata", "not-on-roster"])
def test_gradescope_flags_a_submission_whose_metadata_names_no_student(
        tmp_path, scripted_main, metadata, why):
    """Without a roster student in the metadata the submission is graded
    against the default variant, and a test hidden from the student
    tells the instructor why."""
    root = autograder(tmp_path / "ag", metadata)
    assert scripted_main({"answers": {"limit_value": num(3.0)}}, "ch01",
                         "--gradescope", "--gradescope-root", str(root),
                         "--roster", str(ROSTER)) == 0
    results, tests, [flag] = gradescope_results(root)
    assert tests["ch01.q1"]["status"] == "passed"      # the default's 3
    assert flag["output"] == (f"not on the roster: {why}; graded against "
                              "the default variant")
    assert (flag["score"], flag["max_score"]) == (0, 0)


def test_gradescope_passes_the_roster_and_the_metadata_s_student(tmp_path,
                                                                 batch):
    root = autograder(tmp_path / "ag", {"users": [{"sid": "S0003"}]})
    assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                      "ch01", "--roster", str(ROSTER), "--quiet"]) == 0
    assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                      "ch01", "--quiet"]) == 0
    with_roster, without = batch.calls
    assert with_roster["roster"] == ["s0001", "s0002", "s0003", "s0004",
                                     "s0005"]
    assert with_roster["identity"] == ("s0003", "")
    assert (without["roster"], without["identity"]) == (None, None)


def test_gradescope_refuses_a_roster_it_cannot_read(tmp_path, batch,
                                                    capsys):
    root = autograder(tmp_path / "ag", {"users": [{"sid": "s1"}]})
    bad = tmp_path / "roster.csv"
    bad.write_text("student\ns1\nS1\n")
    assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                      "ch01", "--roster", str(bad)]) == 2
    assert capsys.readouterr().err == (
        "python -m mathlib.grade: error: --roster: the roster lists s1 "
        "twice (rows 2 and 3); identifiers must be unique (case is "
        "ignored)\n")
    assert batch.calls == []


@pytest.mark.parametrize("notebook", [True, False], ids=["graded",
                                                         "no-notebook"])
def test_gradescope_writes_into_the_results_folder_it_finds(tmp_path, batch,
                                                            notebook):
    """On Gradescope /autograder/results exists before the grader runs:
    results.json is written into it."""
    root = tmp_path / "ag"
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    if notebook:
        notebooks(root / "submission", "ch01.ipynb")
    assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                      "ch01", "--quiet"]) == 0
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0
    assert len(results["tests"]) == (len(CH01) if notebook else 0)


def test_gradescope_without_a_submission_folder_scores_zero(tmp_path,
                                                            batch):
    """An autograder root that does not exist yet (a local trial run):
    the results folder is made, with a zero score and the reason."""
    root = tmp_path / "no" / "ag"
    assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                      "ch01", "--quiet"]) == 0
    assert json.loads((root / "results" / "results.json").read_text())[
        "output"] == "No .ipynb notebook was found in the submission."


def test_gradescope_results_keep_non_ascii_feedback_in_any_locale(
        tmp_path, batch):
    """The results are read back as UTF-8, not in the locale's encoding
    (here ASCII): the student reads the feedback as written."""
    import locale
    if sys.flags.utf8_mode:
        pytest.skip("Python's UTF-8 mode: the locale is not used")
    root = autograder(tmp_path / "ag")
    batch.reports["ch01.ipynb"] = fake_report(
        "ch01.ipynb", {}, reason="cellule « 3 » : σ(x) = 1/(1 + e⁻ˣ)")
    old = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        assert _cli.main(["--gradescope", "--gradescope-root", str(root),
                          "ch01", "--quiet"]) == 0
    finally:
        locale.setlocale(locale.LC_CTYPE, old)
    results = json.loads((root / "results" / "results.json").read_text(
        encoding="utf-8"))
    assert results["output"] == ("Notebook run: ok (cellule « 3 » : σ(x) "
                                 "= 1/(1 + e⁻ˣ)).")


def test_main_grades_each_submission_against_its_folder_s_student(
        tmp_path, scripted_main):
    """With --roster, grades.csv names the student of each submission's
    folder or file name and scores it against that student's variant;
    a submission whose location names no roster student is graded
    against the default variant and flagged for the instructor."""
    subs = tmp_path / "subs"
    for rel in ("s0001/ch01.ipynb", "S0001-late.ipynb", "nobody/ch01.ipynb"):
        (subs / rel).parent.mkdir(parents=True, exist_ok=True)
        (subs / rel).write_bytes(
            (SAMPLES / "ch01" / "correct.ipynb").read_bytes())
    out = tmp_path / "out"
    assert scripted_main({"answers": S0001}, "ch01", str(subs),
                         "--roster", str(ROSTER), "--out", str(out)) == 0
    rows = {r["submission"]: r for r in csv.DictReader(io.StringIO(
        (out / "grades.csv").read_text()))}
    for rel in ("s0001/ch01.ipynb", "S0001-late.ipynb"):
        row = rows[rel]
        assert (row["student"], row["flagged"]) == ("s0001", ""), row
        assert int(row["ch01.q1"]) > 0 and int(row["ch01.q3"]) > 0, row
    row = rows["nobody/ch01.ipynb"]
    assert (row["student"], row["ch01.q1"], row["ch01.q3"]) == \
        ("", "0", "0")
    assert row["flagged"].startswith(
        "not on the roster: no roster identifier in its folder or file "
        "name; graded against the default variant"), row


def test_grade_reads_a_roster_given_as_a_file(tmp_path, batch):
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    grade("ch01", [nb], tmp_path / "o1", roster=ROSTER)
    grade("ch01", [nb], tmp_path / "o2", roster=str(ROSTER))
    grade("ch01", [nb], tmp_path / "o3", roster=["s1", "s2"])
    assert _cli.main(["ch01", str(nb), "--out", str(tmp_path / "o4"),
                      "--roster", str(ROSTER), "--quiet"]) == 0
    everyone = ["s0001", "s0002", "s0003", "s0004", "s0005"]
    assert [c["roster"] for c in batch.calls] == \
        [everyone, everyone, ["s1", "s2"], everyone]
    assert {c["identity"] for c in batch.calls} == {None}


def test_main_refuses_a_roster_it_cannot_use(tmp_path, batch, capsys):
    nb = notebooks(tmp_path, "x.ipynb") / "x.ipynb"
    bad = tmp_path / "roster.csv"
    bad.write_text("student\ns1\nS1\n")
    assert _cli.main(["ch01", str(nb), "--out", str(tmp_path / "o"),
                      "--roster", str(bad)]) == 2
    assert capsys.readouterr().err == (
        "python -m mathlib.grade: error: --roster: the roster lists s1 "
        "twice (rows 2 and 3); identifiers must be unique (case is "
        "ignored)\n")
    assert _cli.main(["ch01", str(nb), "--out", str(tmp_path / "o"),
                      "--roster", str(tmp_path / "gone.csv")]) == 2
    assert capsys.readouterr().err.startswith(
        "python -m mathlib.grade: error: --roster: cannot read the roster "
        f"{tmp_path / 'gone.csv'}: ")
    (tmp_path / "empty.csv").write_text("\n")
    with pytest.raises(_notebooks.UsageError, match="^--roster: the "
                       "roster is empty"):
        grade("ch01", [nb], tmp_path / "o", roster=tmp_path / "empty.csv")
    assert batch.calls == []


# --------------------------- seeds, the sandbox probe, answers and logs

def test_a_regrade_with_the_same_seed_gives_each_submission_its_points(
        limits):
    """A submission's seed (in its report; it draws its sample points)
    is fixed by --seed and its name, from one release to the next: a
    regrade of an old batch with the seed it used judges every answer at
    the same points. The first of two files of one name gets the seed
    it gets alone."""
    correct = SAMPLES / "ch01" / "correct.ipynb"
    _batch.grade_all(CH01, [correct, correct], seed=3, names=["a", "b"])
    assert [j.seed for j in limits["jobs"]] == [1836518806, 348600899]
    _batch.grade_all(CH01, [correct, correct], seed=3, names=["a", "a"])
    assert [j.seed for j in limits["jobs"]] == [1836518806, 2365073788]


def test_the_sandbox_probe_runs_its_mounts_and_setpriv_in_a_shell(
        support, monkeypatch, tmp_path):
    """The probe after `unshare ... --propagation private` is a shell
    running the mounts and setpriv the sandbox needs; when they succeed
    the submissions are isolated. (Run here without unshare, with
    stand-ins for mount and setpriv that record their arguments.)"""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "calls"
    for tool in ("mount", "setpriv"):
        (bin_ / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> {log}\n')
        (bin_ / tool).chmod(0o755)
    monkeypatch.setattr(_batch.os, "geteuid", lambda: 0)
    monkeypatch.setattr(_batch.shutil, "which", lambda t: "/bin/" + t)
    monkeypatch.setattr(_batch, "STAGE_DIR", str(tmp_path))
    real_run = _batch.subprocess.run
    seen = []

    def run(cmd, **kw):
        seen.append(cmd)
        assert cmd[:7] == ["unshare", "--pid", "--mount", "--fork",
                           "--kill-child", "--propagation", "private"]
        env = dict(os.environ, PATH=f"{bin_}:{os.environ['PATH']}")
        return real_run(cmd[7:], env=env, **kw)
    monkeypatch.setattr(_batch.subprocess, "run", run)
    assert support() == (True, "PID and mount namespaces")
    assert len(seen) == 1
    assert log.read_text().splitlines() == [
        "mount -t proc proc /proc", "mount -t tmpfs tmpfs /tmp",
        "mount -o remount,bind,ro /",
        "setpriv --bounding-set -all --no-new-privs true"]


def test_a_function_answer_sampled_at_other_points_is_refused(tmp_path):
    """The grader asked for one value per sample point; answer data with
    one missing (the extraction code in the notebook changed?) is not
    judged on what is there: the answer is an error, worth nothing."""
    from mathlib.exercises._wire import encode
    q = CH01[5]
    points = [float(p) for p in q.points_for("grade", 1)]
    data = encode(lambda t: q.reference(t), points=points[:-1])
    _, e = judged(tmp_path, result(answers={"dsigmoid": {
        "status": "ok", "data": json.dumps(data)}}))
    assert (e["ch01.q6"]["status"], e["ch01.q6"]["diagnosis"],
            e["ch01.q6"]["points"]) == ("error", "extract", 0)
    assert "the data collected from the notebook was not in the form the " \
        "grader expects" in e["ch01.q6"]["feedback"]


def test_a_runner_whose_last_words_are_not_utf8_is_still_a_crash(
        tmp_path, monkeypatch):
    """A runner that died printing bytes that are not UTF-8 (a crashed
    kernel's binary garbage): the submission is reported as crashed,
    its last words shown as far as they can be read, and the batch goes
    on."""
    r = finished(tmp_path, monkeypatch, returncode=-11,
                 log=b"Fatal Python error: Segmentation fault \xff\xfe\n")
    assert r["status"] == "crashed"
    assert r["reason"] == (
        "the grading process of this submission died (exit status -11); "
        "did the notebook kill its parent process? (Fatal Python error: "
        "Segmentation fault \ufffd\ufffd)")


def test_a_batch_outside_tmp_hides_its_own_folder(monkeypatch):
    """The jobs' folders of a batch made outside /tmp (TMPDIR set
    elsewhere) are hidden from every submission; under /tmp they are
    hidden anyway, since each job gets a /tmp of its own."""
    import tempfile
    elsewhere = tempfile.mkdtemp(prefix="mathlib-test-", dir="/var/tmp")
    try:
        monkeypatch.setattr(tempfile, "tempdir", elsewhere)
        b = _batch.Batch()
        try:
            assert b.base.startswith(elsewhere + "/") and b.base in b.hide
        finally:
            b.close()
        monkeypatch.setattr(tempfile, "tempdir", "/tmp")
        b = _batch.Batch()
        try:
            assert b.base.startswith("/tmp/") and b.base not in b.hide
        finally:
            b.close()
    finally:
        _batch._rmtree(elsewhere)


def test_a_python_living_under_tmp_stays_visible_to_the_kernel(
        tmp_path, monkeypatch):
    """A Python (or mathlib) under /tmp, a clone made with mktemp -d
    say, is shown read-only to each job, whose /tmp is its own: without
    it every submission crashed. Nothing outside /tmp is listed."""
    venv = tmp_path / "clone" / ".venv"
    venv.mkdir(parents=True)
    monkeypatch.setattr(_batch.sys, "prefix", str(venv))
    monkeypatch.setattr(_batch.sys, "base_prefix", "/usr")
    monkeypatch.setattr(_batch, "PACKAGE", str(ROOT / "mathlib"))
    # this checkout's mathlib is kept too when it lives under /tmp itself
    # (a clone made with mktemp -d)
    package = os.path.realpath(ROOT / "mathlib")
    ours = [package] if package.startswith("/tmp/") else []
    b = _batch.Batch(hide=[tmp_path / "clone"])
    try:
        assert sorted(b.keep) == sorted([os.path.realpath(venv)] + ours)
        assert str(tmp_path / "clone") not in b.hide      # holds it
    finally:
        b.close()
    monkeypatch.setattr(_batch.sys, "prefix", "/usr")
    monkeypatch.setattr(_batch.sys, "executable", str(venv / "python"))
    b = _batch.Batch()
    try:
        assert b.keep == ours     # a file (the executable) is not a folder
    finally:
        b.close()


def test_processes_already_gone_or_not_ours_do_not_stop_the_kill(
        monkeypatch):
    """Killing a job goes on past a process that is already gone or may
    not be signalled, and a runner that will not be reaped in time; the
    process table that cannot be read is taken as empty."""
    import subprocess

    class Stuck:
        pid = 2 ** 22 + 23

        def wait(self, timeout=None):
            raise subprocess.TimeoutExpired("runner", timeout)
    job = _batch.Job("x", 0, 1)
    job.token, job.proc, job.sandboxed = "t" * 32, Stuck(), True
    killed, rounds = [], iter([[11, 12], []])

    def kill(pid, sig):
        killed.append(pid)
        raise (ProcessLookupError if pid % 2 else PermissionError)()

    def killpg(pid, sig):
        raise PermissionError()
    monkeypatch.setattr(_batch, "_namespace_init", lambda job: [21, 22])
    monkeypatch.setattr(_batch, "_pids_with_token", lambda t: next(rounds))
    monkeypatch.setattr(_batch.os, "kill", kill)
    monkeypatch.setattr(_batch.os, "killpg", killpg)
    _batch._kill_all(job)
    assert killed == [21, 22, 11, 12]


def test_a_process_table_that_cannot_be_read_lists_no_process(monkeypatch):
    def no_proc(path):
        raise PermissionError(path)
    monkeypatch.setattr(_batch.os, "listdir", no_proc)
    assert _batch._pids_with_token("t" * 32) == []


def test_grading_a_notebook_path_asks_for_the_kernel_even_if_it_is_gone(
        tmp_path, batch, monkeypatch):
    """A notebook's path (named .ipynb) needs the kernel whether or not
    the file is there yet: the instructor learns what to install before
    any grading, not after a batch of typos graded invalid."""
    _without(monkeypatch, "jupyter_client")
    with pytest.raises(_notebooks.UsageError,
                       match="the grader needs jupyter_client: pip install "
                       "nbclient ipykernel"):
        grade("ch01", [tmp_path / "gone.ipynb"], tmp_path / "out")
    assert batch.calls == []
