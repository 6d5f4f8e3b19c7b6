"""The grader's output files, written atomically (temporary file, then
``os.replace``): a reader never sees half a file.

DIR/grades.csv                one row per submission (its path
                              relative to the submissions folder):
                              per-question points, total, maximum, the
                              name of its report, why it is flagged
                              (answer-key use, another student's
                              notebook or variant, not on the roster),
                              and whose variant it was graded against
DIR/summary.csv               one row per question: mean points and the
                              share of each status
DIR/<submission>.json         per question: points, maximum, status,
                              feedback; the submission's status and reason
DIR/<submission>.results.json the same in Gradescope's results.json format
"""

import csv
import io
import json
import os
import re
import tempfile

__all__ = ["atomic_write", "stems", "submission_json", "gradescope_json",
           "grades_csv", "summary_rows", "summary_csv", "summary_table"]

STATUSES = ("correct", "incorrect", "error", "timeout", "missing")


def atomic_write(path, text):
    """Write text to path via a temporary file in the same directory.

    A path that is there but is not a regular file (a directory, a
    symbolic link, a pipe) is moved aside first and the new name
    returned, so that the caller can report it; otherwise None.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    moved = None
    if os.path.lexists(path) and (os.path.islink(path) or
                                  not os.path.isfile(path)):
        moved = f"{path}.not-a-file-{os.urandom(3).hex()}"
        os.rename(path, moved)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return moved


def stems(names):
    """File stems for the reports of submissions named by their paths
    relative to the submissions folder ("dupA/hw.ipynb" -> "dupA__hw"):
    safe characters, and no two submissions' files can coincide
    ("y.results.ipynb" does not overwrite the Gradescope file of
    "y.ipynb"), whatever the names. The same names in the same order
    give the same stems.

    >>> stems(["y.ipynb", "y.results.ipynb", "a/hw.ipynb", "b/hw.ipynb"])
    ['y', 'y_results', 'a__hw', 'b__hw']
    """
    used, out = {"grades.csv", "summary.csv"}, []
    for name in names:
        stem = re.sub(r"\.ipynb$", "", name).replace("/", "__")
        stem = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or \
            "submission"
        stem = re.sub(r"\.results$", "_results", stem, flags=re.I)
        unique, k = stem, 2
        while {f"{unique}.json".lower(), f"{unique}.results.json".lower(),
               f"{unique}.csv".lower()} & used or \
                unique.lower() in ("grades", "summary"):
            unique, k = f"{stem}-{k}", k + 1
        used |= {f"{unique}.json".lower(), f"{unique}.results.json".lower()}
        out.append(unique)
    return out


def submission_json(report):
    return json.dumps(report, indent=1, ensure_ascii=False) + "\n"


def gradescope_json(report, titles):
    """Gradescope's autograder results.json for one submission."""
    tests = []
    for q in report["questions"]:
        tests.append({
            "name": f"{q['id']} {q['name']}: {titles.get(q['id'], '')}",
            "score": q["points"], "max_score": q["max_points"],
            "status": "passed" if q["status"] == "correct" else "failed",
            "output": f"{q['status']}: {q['feedback']}"})
    out = {"score": report["score"], "max_score": report["max_score"],
           "output": f"Notebook run: {report['status']} "
                     f"({report['reason']}).",
           "tests": tests}
    if report.get("flagged"):         # for the instructor only
        tests.append({"name": "Flagged for the instructor (identity, "
                      "variant, answer key)", "score": 0, "max_score": 0,
                      "status": "failed", "visibility": "hidden",
                      "output": report["flagged"]})
    return json.dumps(out, indent=1, ensure_ascii=False) + "\n"


def grades_csv(reports, stems_, questions):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["submission", "status"] + [q.id for q in questions] +
               ["total", "max", "report", "flagged", "student"])
    for report, stem in zip(reports, stems_):
        points = {q["id"]: q["points"] for q in report["questions"]}
        w.writerow([report["submission"], report["status"]] +
                   [points.get(q.id, 0) for q in questions] +
                   [report["score"], report["max_score"], f"{stem}.json",
                    report.get("flagged", ""),
                    report.get("student", "")])
    return buf.getvalue()


def summary_rows(reports, questions):
    """Per question: mean points and the share of each status."""
    rows = []
    n = max(len(reports), 1)
    for q in questions:
        entries = [e for r in reports for e in r["questions"]
                   if e["id"] == q.id]
        row = {"question": q.id, "name": q.name, "title": q.title,
               "max_points": q.points,
               "mean_points": round(sum(e["points"] for e in entries) / n,
                                    3)}
        for s in STATUSES:
            row[f"share_{s}"] = round(sum(e["status"] == s
                                          for e in entries) / n, 3)
        rows.append(row)
    return rows


def summary_csv(rows):
    buf = io.StringIO()
    if rows:
        w = csv.DictWriter(buf, fieldnames=list(rows[0]),
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return buf.getvalue()


def summary_table(rows, reports):
    """The per-question summary as a text table (hardest first marked)."""
    lines = [f"{'question':<9} {'answer':<13} {'mean':>9} {'correct':>8} "
             f"{'wrong':>6} {'error':>6} {'timeout':>8} {'missing':>8}"]
    for r in rows:
        pct = {s: f"{100 * r[f'share_{s}']:.0f}%" for s in STATUSES}
        lines.append(
            f"{r['question']:<9} {r['name']:<13} "
            f"{r['mean_points']:>5.2f}/{r['max_points']:<3}"
            f"{pct['correct']:>8} {pct['incorrect']:>6} {pct['error']:>6} "
            f"{pct['timeout']:>8} {pct['missing']:>8}")
    if reports:
        total = sum(r["score"] for r in reports) / len(reports)
        lines.append(f"{len(reports)} submissions, mean score "
                     f"{total:.2f} / {reports[0]['max_score']}")
    return "\n".join(lines)
