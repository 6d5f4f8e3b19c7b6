"""The grader and per-student variants, end to end (real kernels).

tests/submissions/variants (made by tests/submissions/cases.py) holds
notebooks handed in by the students of variants/roster.csv: one right
for its own variant, one copied from a classmate's variant, the book's
notebook with the book's answers (no identifier), a classmate's notebook
handed in by another student, and a notebook from a folder that names
no roster student. Each must be graded against the variant of the
student its location names and flagged as variants/expected.json says;
the Gradescope output carries the flag in a test hidden from students.
"""
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mathlib.grade import _variants as V

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "tests" / "submissions" / "variants"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text())
ROSTER = SAMPLES / "roster.csv"


def grade(*args):
    return subprocess.run([sys.executable, "-m", "mathlib.grade", *args],
                          cwd=ROOT, capture_output=True, text=True,
                          timeout=900)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("variants")
    shutil.copytree(SAMPLES / "ch01", root / "in")
    run = grade("ch01", str(root / "in"), "--roster", str(ROSTER),
                "--out", str(root / "out"), "-j", "2", "--seed", "1",
                "--timeout", "60", "--quiet")
    assert run.returncode == 0, run.stderr
    with open(root / "out" / "grades.csv") as fh:
        rows = {r["submission"]: r for r in csv.DictReader(fh)}
    return root / "out", rows


CASES = sorted(EXPECTED["ch01"])


@pytest.mark.parametrize("rel", CASES)
def test_each_submission_is_graded_against_its_students_variant(graded,
                                                                rel):
    out, rows = graded
    want, row = EXPECTED["ch01"][rel], rows[rel]
    assert row["student"] == want["student"], row
    assert int(row["total"]) == want["score"], row
    if want["flag"]:
        assert want["flag"] in row["flagged"], row
    else:
        assert row["flagged"] == "", row
    report = json.loads((out / row["report"]).read_text())
    for q in report["questions"]:
        if want["default"]:
            assert q["status"] == want["default"], q
    results = json.loads((out / row["report"].replace(
        ".json", ".results.json")).read_text())
    hidden = [t for t in results["tests"] if t.get("visibility") ==
              "hidden"]
    visible = json.dumps([t for t in results["tests"] if t not in hidden]
                         + [results["output"]])
    if want["flag"]:
        assert len(hidden) == 1 and want["flag"] in hidden[0]["output"]
        assert hidden[0]["max_score"] == 0
    assert "s000" not in visible.replace(want["student"], "")


def test_copied_answers_are_wrong_for_the_copier(graded):
    out, rows = graded
    row = rows["s0002_ch01.ipynb"]
    report = json.loads((out / row["report"]).read_text())
    wrong = {q["id"] for q in report["questions"] if q["points"] == 0}
    assert wrong == {"ch01.q1", "ch01.q2", "ch01.q3", "ch01.q4", "ch01.q5",
                     "ch01.q8"}


def test_gradescope_takes_the_student_from_its_metadata(tmp_path):
    sub = tmp_path / "submission"
    sub.mkdir()
    shutil.copy(SAMPLES / "ch01" / "s0002_ch01.ipynb", sub / "ch01.ipynb")
    (tmp_path / "submission_metadata.json").write_text(json.dumps(
        {"users": [{"email": "x@example.org", "sid": "S0002",
                    "name": "Student 2"}]}))
    run = grade("ch01", "--gradescope", "--gradescope-root",
                str(tmp_path), "--roster", str(ROSTER), "--seed", "1",
                "--quiet")
    assert run.returncode == 0, run.stderr
    results = json.loads((tmp_path / "results" /
                          "results.json").read_text())
    assert results["score"] == 3
    [flag] = [t for t in results["tests"] if t.get("visibility") ==
              "hidden"]
    assert "answers match s0001's variant" in flag["output"]


def test_without_a_roster_the_notebooks_claim_is_used(tmp_path):
    for rel in ("s0001/ch01.ipynb", "s0003/ch01.ipynb"):
        (tmp_path / "in" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLES / "ch01" / rel, tmp_path / "in" / rel)
    run = grade("ch01", str(tmp_path / "in"), "--out",
                str(tmp_path / "out"), "-j", "2", "--seed", "1", "--quiet")
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out" / "grades.csv") as fh:
        rows = {r["submission"]: r for r in csv.DictReader(fh)}
    assert rows["s0001/ch01.ipynb"]["student"] == "s0001"
    assert rows["s0003/ch01.ipynb"]["student"] == ""
    assert {r["total"] for r in rows.values()} == {"10"}
    assert {r["flagged"] for r in rows.values()} == {""}


# ------------------------------------------------------ without kernels


def test_location_names_the_student():
    roster = {"s1", "s12", "ada@x.org"}
    assert V.location_student("s12/hw.ipynb", roster)[0] == "s12"
    assert V.location_student("S12_ch01.ipynb", roster)[0] == "s12"
    assert V.location_student("s1-ch01.ipynb", roster)[0] == "s1"
    assert V.location_student("ada@x.org_ch01.ipynb", roster)[0] == \
        "ada@x.org"
    who, why = V.location_student("s1/s12/hw.ipynb", roster)
    assert who is None and "several" in why
    who, why = V.location_student("hw.ipynb", roster)
    assert who is None and "no roster identifier" in why


def test_notebook_claims_read_metadata_and_calls():
    data = json.dumps({"metadata": {"exercise_variant": {
        "student": "S1"}}}).encode()
    cells = [{"cell_type": "code", "source": 'student("s2")'},
             {"cell_type": "code", "source": "student(name)"},
             {"cell_type": "markdown", "source": 'student("s3")'}]
    assert V.notebook_claims(data, cells) == ["s1", "s2"]
    assert V.notebook_claims(b"not json", []) == []


def test_bad_roster_is_a_usage_error(tmp_path):
    bad = tmp_path / "roster.csv"
    bad.write_text("student\na\nA\n")
    run = grade("ch01", str(SAMPLES / "ch01"), "--roster", str(bad),
                "--out", str(tmp_path / "out"))
    assert run.returncode == 2 and "twice" in run.stderr
