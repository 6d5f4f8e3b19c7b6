"""The grader, end to end: real kernels, real faults, real tampering.

The samples in tests/submissions (made by tests/submissions/cases.py)
are graded once per problem set by ``python -m mathlib.grade`` with
``-j 2`` (module-scoped fixtures), and every expectation of
tests/submissions/expected.json is asserted: the run's status, the score,
each question's status, diagnosis and feedback. The other tests need no
kernel.
"""
import csv
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "submissions"
sys.path.insert(0, str(SAMPLES))
import cases  # noqa: E402

EXPECTED = json.loads((SAMPLES / "expected.json").read_text())
TOKEN = b"MATHLIB_GRADE_TOKEN="
# every grader this module starts carries this mark in its environment
# (its kernels inherit it): other graders on a shared machine do not, nor
# do those of the other pytest-xdist worker, which may be running while
# this worker looks for leftovers
MARK = f"tests-{os.getpid()}-{os.urandom(4).hex()}"
os.environ["MATHLIB_GRADE_TEST_RUN"] = MARK


def run_grader(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "mathlib.grade", *args],
                          cwd=cwd or ROOT, capture_output=True, text=True,
                          timeout=600)


def leftover_processes(mark=None):
    """Processes of this module's grading runs (or of the runs started
    with the given mark) still alive (there must be none)."""
    found, mark = [], f"MATHLIB_GRADE_TEST_RUN={mark or MARK}".encode()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/environ", "rb") as fh:
                    env = fh.read()
                if TOKEN in env and mark in env:
                    found.append(int(entry))
            except OSError:
                pass
    return found


def _grade_samples(root):
    """Grade the samples of each problem set into root/<key>: ch02's many
    samples (-j 2; much of their time is spent waiting for the endless
    loops to time out) in the background, the other sets one after
    another meanwhile."""
    def start(key, jobs):
        # graded from a copy: hostile samples may try to overwrite others;
        # without the sandbox the attacks are left out (they would reach
        # other graders running on the machine)
        skip = () if sandboxed() else tuple(f"{n}*" for n in NEEDS_SANDBOX
                                            if n.startswith("attack"))
        shutil.copytree(SAMPLES / key, root / "in" / key,
                        ignore=shutil.ignore_patterns(*skip))
        return subprocess.Popen(
            [sys.executable, "-m", "mathlib.grade",
             f"exercises/{key}.ipynb", str(root / "in" / key), "--out",
             str(root / key), "-j", str(jobs),
             "--timeout", "60", "--cell-timeout", "8", "--seed", "1"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)

    def finish(key, proc):
        stdout, stderr = proc.communicate(timeout=600)
        (root / f"{key}.run.json").write_text(json.dumps(
            {"returncode": proc.returncode, "stdout": stdout,
             "stderr": stderr}))

    background = start("ch02", 2)
    for key in EXPECTED:
        if key != "ch02":
            finish(key, start(key, 1))
    finish("ch02", background)
    (root / "complete").write_text("")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """{key: (run, out)}: the samples graded once per test session, also
    under pytest-xdist (the workers share one run, behind a file lock)."""
    uid = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if uid:
        root = tmp_path_factory.getbasetemp().parent / f"grades-{uid}"
    else:
        root = tmp_path_factory.mktemp("grades")
    root.mkdir(parents=True, exist_ok=True)
    with open(root.parent / f"{root.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "complete").exists():
            _grade_samples(root)
    results = {}
    for key in EXPECTED:
        run = json.loads((root / f"{key}.run.json").read_text())
        results[key] = (SimpleNamespace(**run), root / key)
    return results


def rows(graded, key):
    """grades.csv of a problem set as {submission: row}."""
    with open(graded[key][1] / "grades.csv") as fh:
        return {r["submission"]: r for r in csv.DictReader(fh)}


def report(graded, key, name, gradescope=False):
    """The report of a sample, found through grades.csv."""
    out = graded[key][1]
    stem = rows(graded, key)[name]["report"][:-len(".json")]
    suffix = ".results.json" if gradescope else ".json"
    return json.loads((out / f"{stem}{suffix}").read_text())


def test_committed_samples_are_what_cases_py_writes():
    for rel, text in cases.files().items():
        assert (SAMPLES / rel).read_text(encoding="utf-8") == text, \
            f"{rel} is stale: run python tests/submissions/cases.py"


def test_the_batch_finishes_with_exit_status_0(graded):
    for key, (run, out) in graded.items():
        assert run.returncode == 0, run.stderr
        assert (out / "grades.csv").exists()
        assert not [p for p in os.listdir(out) if p.startswith(".tmp")]
    assert leftover_processes() == []


CASES = [(key, name) for key in EXPECTED for name in EXPECTED[key]]
NEEDS_SANDBOX = ("attack_", "tamper_kill_parent")


@pytest.mark.parametrize("key, name", CASES,
                         ids=[f"{k}/{n}" for k, n in CASES])
def test_sample_gets_its_grade(graded, key, name):
    if name.startswith(NEEDS_SANDBOX):
        needs_sandbox()
    want, got = EXPECTED[key][name], report(graded, key, name)
    summary = f"{got['status']}: {got['reason']} " + " | ".join(
        f"{q['id']} {q['status']} {q['feedback']}" for q in got["questions"])
    assert got["status"] == want["status"], summary
    assert got["score"] == want["score"], summary
    assert got["max_score"] == 10
    if want["reason"]:
        assert want["reason"] in got["reason"], summary
    for q in got["questions"]:
        expect = want["questions"].get(q["id"])
        if expect is None:
            if want["default"]:
                assert q["status"] == want["default"], summary
            continue
        status, diagnosis, words = expect
        assert q["status"] == status, summary
        if diagnosis:
            assert q["diagnosis"] == diagnosis, summary
        if words:
            assert words in q["feedback"], summary
        assert q["points"] == (q["max_points"] if status == "correct"
                               else 0)


def test_grades_csv_and_summary(graded):
    run, out = graded["ch02"]
    with open(out / "grades.csv") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(EXPECTED["ch02"]) - (
        0 if sandboxed() else sum(n.startswith("attack") for n in
                                  EXPECTED["ch02"]))
    by_name = {r["submission"]: r for r in rows}
    for name, want in EXPECTED["ch02"].items():
        if name.startswith(NEEDS_SANDBOX) and not sandboxed():
            continue
        assert int(by_name[name]["total"]) == want["score"]
        assert by_name[name]["max"] == "10"
    assert by_name["correct.ipynb"]["ch02.q4"] == "2"
    with open(out / "summary.csv") as fh:
        summary = list(csv.DictReader(fh))
    assert [r["question"] for r in summary] == [
        f"ch02.q{k}" for k in range(1, 8)]
    for r in summary:
        shares = sum(float(r[f"share_{s}"]) for s in
                     ("correct", "incorrect", "error", "timeout",
                      "missing"))
        assert shares == pytest.approx(1.0, abs=0.01)
    assert "mean score" in run.stdout and "ch02.q7" in run.stdout


def test_gradescope_results_format(graded):
    out = graded["ch02"][1]
    data = report(graded, "ch02", "wrong_a.ipynb", gradescope=True)
    assert data["score"] == 0 and data["max_score"] == 10
    assert len(data["tests"]) == 7
    for test in data["tests"]:
        assert set(test) >= {"name", "score", "max_score", "output"}
    assert "wrong sign" in data["tests"][3]["output"]


def sandboxed():
    from mathlib.grade import _batch

    return _batch.sandbox_support()[0]


def test_tampering_with_the_output_directory_changes_nothing(graded):
    run, out = graded["ch02"]
    assert (out / "grades.csv").read_text().startswith("submission,")
    assert "full marks" not in (out / "summary.csv").read_text()
    assert json.loads((out / "correct.json").read_text())["score"] == 10
    if sandboxed():              # the submission cannot even see DIR
        assert not (out / "hacked.txt").exists()
    else:                        # written, and reported
        assert (out / "hacked.txt").exists()
        assert "hacked.txt" in run.stderr


# ------------------------------------------ hostile samples (issue 14)


def escaped_processes():
    """Processes started by attack_escape.ipynb still alive."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    if b"mathlib-escape-marker" in fh.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


def needs_sandbox():
    if not sandboxed():
        pytest.skip("only the sandbox (root, namespaces) stops this")


def test_no_process_of_a_submission_outlives_the_grader(graded):
    needs_sandbox()
    left = escaped_processes()
    for pid in left:             # clean up after a failure
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert left == [], "a process of attack_escape.ipynb outlived the grader"
    assert rows(graded, "ch02")["attack_escape.ipynb"]["total"] == "10"


def test_a_submission_cannot_overwrite_another(graded):
    needs_sandbox()
    assert report(graded, "ch02", "no_checks.ipynb")["score"] == 10
    assert rows(graded, "ch02")["attack_overwrite.ipynb"]["total"] == "10"


def test_output_paths_made_into_folders_do_not_stop_the_batch(graded):
    run, out = graded["ch02"]
    assert run.returncode == 0, run.stderr
    assert (out / "grades.csv").is_file() and (out / "summary.csv").is_file()


def test_report_names_do_not_collide(graded):
    found = rows(graded, "ch02")
    clash, other = found["clash.ipynb"], found["clash.results.ipynb"]
    assert clash["report"] != other["report"]
    assert report(graded, "ch02", "clash.ipynb", gradescope=True)[
        "score"] == 10
    assert report(graded, "ch02", "clash.results.ipynb",
                  gradescope=True)["score"] == 0


def test_same_name_in_two_folders_gives_two_rows(graded):
    found = rows(graded, "ch02")
    assert found["dupA/hw.ipynb"]["total"] == "10"
    assert found["dupB/hw.ipynb"]["total"] == "0"
    assert found["dupA/hw.ipynb"]["report"] != found["dupB/hw.ipynb"][
        "report"]


def test_answer_key_use_scores_0_and_is_flagged(graded):
    found = rows(graded, "ch04")
    assert found["answer_key.ipynb"]["total"] == "0"
    assert "answer key" in found["answer_key.ipynb"]["flagged"]
    assert found["correct.ipynb"]["flagged"] == ""


def test_feedback_shows_no_internals(graded):
    for key, (run, out) in graded.items():
        for name in rows(graded, key):
            got = report(graded, key, name)
            texts = [got["reason"]] + [q["feedback"]
                                       for q in got["questions"]]
            for text in texts:
                assert "/tmp" not in text and "mathlib-grade" not in text, \
                    f"{key}/{name}: {text}"
                for word in ("WireError", "type sympy", "<call>",
                             "function None", "needs text"):
                    assert word not in text, f"{key}/{name}: {text}"


def test_a_killed_parent_does_not_stop_the_batch(graded):
    got = report(graded, "ch02", "tamper_kill_parent.ipynb")
    assert got["status"] == ("ok" if sandboxed() else "crashed")
    assert report(graded, "ch02", "wrong_b.ipynb")["status"] == "ok"


# --------------------------------------------------------------- no kernel


def test_misuse_exits_with_status_2(tmp_path):
    run = run_grader("nope.ipynb", "x.ipynb", "--out", str(tmp_path))
    assert run.returncode == 2 and "nope.ipynb" in run.stderr
    run = run_grader("exercises/ch02.ipynb", "--out", str(tmp_path))
    assert run.returncode == 2 and "SUBMISSION" in run.stderr
    run = run_grader("ch02", "x.ipynb", "--out", str(tmp_path),
                     "--timeout", "0")
    assert run.returncode == 2
    bad = tmp_path / "assignment.ipynb"
    bad.write_text(json.dumps({"cells": [{
        "cell_type": "code", "source": 'check("ch02.q44", grad_f)'}]}))
    run = run_grader(str(bad), "x.ipynb", "--out", str(tmp_path))
    assert run.returncode == 2 and "ch02.q4" in run.stderr


def test_a_run_past_its_deadline_is_killed(tmp_path, monkeypatch):
    from mathlib.grade import _batch, grade

    monkeypatch.setattr(_batch, "RUNNER_SOURCE",
                        "import os, time\nos.fork()\ntime.sleep(300)\n")
    monkeypatch.setattr(_batch, "SLACK", 0.0)
    monkeypatch.setattr(_batch, "EXTRACT_BASE", 0.0)
    monkeypatch.setattr(_batch, "CALL_TIMEOUT", 0.0)
    # a mark of this test's own: with pytest-xdist, MARK is shared with
    # the other worker, whose graders may be running right now
    mark = f"deadline-{os.getpid()}-{os.urandom(4).hex()}"
    monkeypatch.setenv("MATHLIB_GRADE_TEST_RUN", mark)
    [got] = grade("ch01", [SAMPLES / "ch01" / "blank.ipynb"], tmp_path,
                  timeout=1.0)
    assert got["status"] == "timeout"
    assert {q["status"] for q in got["questions"]} == {"timeout"}
    assert leftover_processes(mark) == []


def test_gradescope_mode(tmp_path):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    run = run_grader("--gradescope", "--gradescope-root", str(root),
                     "exercises/ch03.ipynb")
    assert run.returncode == 0, run.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0 and "No .ipynb" in data["output"]
    (root / "submission" / "ch03.ipynb").write_text(
        (SAMPLES / "ch03" / "correct.ipynb").read_text())
    run = run_grader("--gradescope", "--gradescope-root", str(root),
                     "exercises/ch03.ipynb", "--quiet")
    assert run.returncode == 0, run.stderr
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 10 and len(data["tests"]) == 8


def test_a_kernel_that_dies_while_starting_is_started_again(
        tmp_path, monkeypatch):
    """No student code runs before a kernel is ready, so a kernel that
    dies while starting (seen once on a fresh clone) costs the student
    nothing: it is started again, and only when every try fails is the
    run a crash, with a reason that says how many tries were made."""
    import jupyter_client
    from mathlib.grade import _runner

    starts = []

    class Client:
        def start_channels(self):
            pass

        def stop_channels(self):
            pass

        def wait_for_ready(self, timeout):
            if len(starts) <= dies:
                raise RuntimeError("Kernel died before replying to "
                                   "kernel_info")

    class Manager:
        def __init__(self, **kw):
            pass

        def start_kernel(self, **kw):
            starts.append(kw["cwd"])

        def client(self):
            return Client()

        def shutdown_kernel(self, now):
            pass

    monkeypatch.setattr(jupyter_client, "KernelManager", Manager)
    cfg = {"private": str(tmp_path), "workdir": str(tmp_path),
           "token_name": "T", "token": "t"}
    dies = 1                        # the first start dies, the second works
    _runner.Kernel(cfg)
    assert len(starts) == 2
    starts.clear()
    dies = _runner.START_TRIES      # every start dies
    with pytest.raises(RuntimeError, match=r"did not start \(2 tries\)"):
        _runner.Kernel(cfg)
    assert len(starts) == _runner.START_TRIES
