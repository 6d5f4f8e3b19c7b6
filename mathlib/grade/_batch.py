"""Grade a batch: one runner process per submission, verdicts here.

Each submission gets a fresh working directory (a copy of the notebook,
nothing else), a private directory (the runner's result file), a random
token in the environment of every process of its run, and a runner
started in its own session. When the runner ends, or its time is up,
the grader kills the runner's process group and every process that
carries the token (the kernel runs in a session of its own), reads the
result file, and judges every answer with its own, already imported
code. Nothing is decided by the student's kernel.
"""

import hashlib
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import mathlib
from mathlib._timing import OutOfTime, time_limit
from mathlib.exercises._decode import Undefined, WireError, decode
from mathlib.exercises._questions import GRADE, Verdict

from . import _notebooks as N
from ._extract import extraction_cell

__all__ = ["Job", "grade_all", "RUNNER_SOURCE"]

RUNNER_SOURCE = (Path(__file__).parent / "_runner.py").read_text("utf-8")
TOKEN_NAME = "MATHLIB_GRADE_TOKEN"
CALL_TIMEOUT = 2.0          # seconds per call of a student's function
EXTRACT_BASE = 10.0         # seconds per extraction cell, plus calls
JUDGE_TIMEOUT = 30.0        # seconds to judge one answer
SLACK = 30.0                # kernel shutdown etc. before a hard kill
MAX_RESULT = 64_000_000     # bytes of a runner's result file
FLOOD = 1_000_000           # output bytes worth a note


class Job:
    """One submission: where it runs and what came of it."""

    def __init__(self, path, index, seed):
        self.path, self.index, self.seed = Path(path), index, seed
        self.name = self.path.name
        self.proc = self.workdir = self.private = None
        self.started = self.deadline = None
        self.cells = []            # all cells of the submission
        self.run_cells = self.skipped = []
        self.report = None         # the final dict
        self.notes = []


# ------------------------------------------------------------- processes


def _pids_with_token(token):
    """Processes whose environment carries the token (Linux /proc)."""
    needle = f"{TOKEN_NAME}={token}".encode()
    pids = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return pids
    for entry in entries:
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as fh:
                if needle in fh.read():
                    pids.append(int(entry))
        except OSError:
            continue
    return pids


def _kill_all(job):
    """Kill the runner's group and every process of the submission."""
    if job.proc is not None:
        try:
            os.killpg(job.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for _ in range(3):               # a forking process may need a few
        pids = _pids_with_token(job.token)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.05)
    if job.proc is not None:
        try:
            job.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def _rmtree(path):
    """Remove a directory even if the student made parts read-only."""
    def unlock(func, p, exc_info):
        try:
            os.chmod(os.path.dirname(p), stat.S_IRWXU)
            os.chmod(p, stat.S_IRWXU)
            func(p)
        except OSError:
            pass
    if path and os.path.isdir(path):
        shutil.rmtree(path, onerror=unlock)


def _start(job, questions, timeout, cell_timeout):
    """Read the submission and start its runner (or settle it at once)."""
    job.token = secrets.token_hex(16)
    try:
        job.cells = N.load_submission(job.path)
    except N.NotANotebook as exc:
        job.report = _fault_report(job, questions, "invalid", str(exc))
        return False
    job.run_cells, job.skipped = N.code_cells(job.cells)
    job.workdir = tempfile.mkdtemp(prefix="mathlib-grade-work-")
    job.private = tempfile.mkdtemp(prefix="mathlib-grade-run-")
    shutil.copyfile(job.path, os.path.join(job.workdir, "submission.ipynb"))
    nonce = secrets.token_hex(12)
    extract = []
    for k, q in enumerate(questions):
        points = q.points_for(GRADE, job.seed)
        pts = None if points is None else \
            [np.asarray(p, dtype=float).tolist() for p in points]
        path = os.path.join(job.workdir, f".answer-{nonce}-{k}.json")
        n = 0 if pts is None else len(pts)
        extract.append({"name": q.name, "file": path,
                        "code": extraction_cell(q.name, pts, path,
                                                CALL_TIMEOUT),
                        "timeout": EXTRACT_BASE + n * CALL_TIMEOUT})
    cfg = {"cells": job.run_cells, "workdir": job.workdir,
           "private": job.private,
           "result": os.path.join(job.private, "result.json"),
           "timeout": timeout, "cell_timeout": cell_timeout,
           "token": job.token, "token_name": TOKEN_NAME,
           "extract": extract}
    config = os.path.join(job.private, "config.json")
    with open(config, "w", encoding="utf-8") as fh:
        json.dump(cfg, fh)
    env = dict(os.environ)
    env[TOKEN_NAME] = job.token
    log = open(os.path.join(job.private, "runner.log"), "wb")
    job.proc = subprocess.Popen(
        [sys.executable, "-I", "-c", RUNNER_SOURCE, config],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
        cwd=job.private, env=env, start_new_session=True)
    log.close()
    job.started = time.monotonic()
    job.deadline = job.started + timeout + sum(e["timeout"]
                                               for e in extract) + SLACK
    return True


def _finish(job, questions, killed):
    """Kill what is left, read the result and judge every answer."""
    _kill_all(job)
    seconds = time.monotonic() - job.started
    result_path = os.path.join(job.private, "result.json")
    code = job.proc.returncode
    try:
        if killed:
            job.report = _fault_report(
                job, questions, "timeout", f"the run did not finish within "
                f"{seconds:.0f} s and was stopped", status_of="timeout")
        elif code != 0 or not os.path.exists(result_path):
            job.report = _fault_report(
                job, questions, "crashed", "the grading process of this "
                f"submission died (exit status {code}); did the notebook "
                "kill its parent process?" + _log_tail(job))
        else:
            job.report = _judge(job, questions, _read_result(result_path))
    except WireError as exc:
        job.report = _fault_report(job, questions, "crashed", "the "
                                   f"runner's result was malformed ({exc})")
    job.report["seconds"] = round(seconds, 2)
    _rmtree(job.workdir)
    _rmtree(job.private)


def _log_tail(job):
    try:
        text = Path(job.private, "runner.log").read_text("utf-8", "replace")
    except OSError:
        return ""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return f" ({lines[-1][:200]})" if lines else ""


# ---------------------------------------------------------------- results


def _read_result(path):
    if os.path.getsize(path) > MAX_RESULT:
        raise WireError("result file too large")
    with open(path, encoding="utf-8") as fh:
        try:
            data = json.load(fh)
        except ValueError as exc:
            raise WireError(f"not JSON: {exc}") from None
    ok = isinstance(data, dict) and isinstance(data.get("cells"), list) \
        and isinstance(data.get("answers"), list)
    if not ok:
        raise WireError("missing cells or answers")
    if not data.get("ok"):
        raise WireError(str(data.get("error"))[:300])
    for c in data["cells"]:
        if not (isinstance(c, dict) and isinstance(c.get("index"), int)
                and c.get("status") in ("ok", "error", "timeout", "died",
                                        "not run")):
            raise WireError("bad cell record")
    for a in data["answers"]:
        if not (isinstance(a, dict) and isinstance(a.get("name"), str)
                and a.get("status") in ("ok", "error", "timeout", "died")
                and (a.get("data") is None or isinstance(a["data"], str))):
            raise WireError("bad answer record")
    return data


def _cell_name(job, index):
    source = N._source(job.cells[index]) if index < len(job.cells) else ""
    line = N.first_line(source)
    return f"cell {index + 1}" + (f" ({line!r})" if line else "")


def _cell_fault(job, c, cell_timeout_hint=""):
    """A sentence for a cell that did not run cleanly."""
    where = _cell_name(job, c["index"])
    if c["status"] == "error":
        return f"{where} raised {c.get('error')}"
    if c["status"] == "timeout":
        how = " and could not be interrupted (skipped on a re-run)" \
            if c.get("stuck") else " (interrupted)"
        return f"{where} ran out of time after {c.get('seconds', 0):.0f} " \
            f"s{how}"
    if c["status"] == "died":
        why = c.get("error") or "it died"
        return f"{where} broke the kernel ({why}) and was skipped on a " \
            "re-run"
    return f"{where} did not run: the time limit was used up"


def _judge(job, questions, result):
    cells = {c["index"]: c for c in result["cells"]}
    answers = {a["name"]: a for a in result["answers"]}
    faults = [c for c in result["cells"] if c["status"] != "ok"]
    verdicts = []
    for q in questions:
        verdicts.append(_judge_one(job, q, answers.get(q.name), cells))
    statuses = {c["status"] for c in faults}
    status = "kernel died" if "died" in statuses else \
        "timeout" if statuses & {"timeout", "not run"} else \
        "errors" if "error" in statuses else "ok"
    notes = [_cell_fault(job, c) for c in faults]
    for c in result["cells"]:
        if isinstance(c.get("output_bytes"), int) and \
                c["output_bytes"] > FLOOD:
            notes.append(f"{_cell_name(job, c['index'])} printed "
                         f"{c['output_bytes'] / 1e6:.0f} MB of output "
                         "(not kept)")
    if isinstance(result.get("kernel_starts"), int) and \
            result["kernel_starts"] > 1:
        notes.append(f"the kernel was started {result['kernel_starts']} "
                     "times")
    return _report(job, status, "; ".join(notes + job.notes) or
                   "all cells ran", verdicts)


def _judge_one(job, q, answer, cells):
    """The Verdict for one question from the runner's record."""
    if answer is None or answer["status"] == "died":
        return Verdict(q, "error", "died", f"{q.name} could not be read: "
                       "the kernel had died or stopped responding.")
    if answer["status"] == "timeout":
        return Verdict(q, "timeout", "timeout", f"reading {q.name} took "
                       "too long (a function that did not return at one "
                       "of the grader's points?).")
    if answer["status"] == "error" or answer["data"] is None:
        return Verdict(q, "error", "extract", f"{q.name} could not be "
                       f"read ({str(answer.get('error'))[:200]}).")
    points = q.points_for(GRADE, job.seed)
    try:
        data = json.loads(answer["data"])
        value = decode(data, None if points is None else len(points))
    except (ValueError, WireError, RecursionError) as exc:
        return Verdict(q, "error", "extract", f"{q.name} could not be "
                       f"read: its data is malformed ({str(exc)[:100]}).")
    if isinstance(value, Undefined):
        return _undefined(job, q, cells)
    return _with_time_limit(lambda: q.judge(value, GRADE, job.seed), q)


def _undefined(job, q, cells):
    """Why an answer variable is not defined, as a Verdict."""
    defining = N.defining_cells(job.run_cells, q.name)
    for i in defining:
        c = cells.get(i)
        if c is None or c["status"] == "ok":
            continue
        text = _cell_fault(job, c)
        status = "timeout" if c["status"] in ("timeout", "not run") \
            else "error"
        return Verdict(q, status, c["status"], f"{q.name} is not "
                       f"defined: {text}.")
    if defining:
        return Verdict(q, "missing", "missing", f"{q.name} is not defined "
                       "after the notebook ran (was it deleted?).")
    return Verdict(q, "missing", "missing", f"{q.name} is not defined: no "
                   "cell of the notebook assigns it.")


def _with_time_limit(func, q):
    """Run func within JUDGE_TIMEOUT seconds (when in the main thread)."""
    try:
        with time_limit(JUDGE_TIMEOUT):
            return func()
    except OutOfTime:
        return Verdict(q, "error", "judge", "checking this answer took too "
                       "long (a formula too complex to compare?).")
    except Exception as exc:          # a checker bug: grade, report
        return Verdict(q, "error", "judge", f"the grader could not check "
                       f"this answer ({type(exc).__name__}: {exc}).")


def _report(job, status, reason, verdicts):
    return {"submission": job.name, "path": str(job.path),
            "status": status, "reason": reason,
            "score": sum(v.points for v in verdicts),
            "max_score": sum(v.max_points for v in verdicts),
            "seed": job.seed,
            "questions": [v.to_dict() for v in verdicts]}


def _fault_report(job, questions, status, reason, status_of="error"):
    """Every question gets the same status when the whole run failed."""
    verdicts = [Verdict(q, status_of, status,
                        f"not graded: {reason.rstrip('.?!')}.")
                for q in questions]
    return _report(job, status, reason, verdicts)


# ------------------------------------------------------------- the batch


def package_fingerprint():
    """sha256 of every file of the mathlib package (tamper check)."""
    root = Path(mathlib.__file__).parent
    digest = {}
    for path in sorted(root.rglob("*.py")):
        try:
            digest[str(path.relative_to(root))] = hashlib.sha256(
                path.read_bytes()).hexdigest()
        except OSError:
            digest[str(path)] = None
    return digest


def grade_all(questions, paths, *, timeout=120.0, cell_timeout=None,
              jobs=1, seed=None, on_done=None):
    """Grade every submission; returns their reports in input order.

    ``on_done(job)`` is called as each one finishes (progress, output).
    """
    if cell_timeout is None:
        cell_timeout = max(2.0, timeout / 4)
    batch_seed = secrets.randbits(63) if seed is None else int(seed)
    all_jobs = [Job(p, i, int(np.random.SeedSequence(
        [batch_seed, i]).generate_state(1)[0])) for i, p in
        enumerate(paths)]
    fingerprint = package_fingerprint()
    pending, running = list(all_jobs), []
    while pending or running:
        while pending and len(running) < jobs:
            job = pending.pop(0)
            if _start(job, questions, timeout, cell_timeout):
                running.append(job)
            elif on_done:
                on_done(job)
        time.sleep(0.02)
        for job in list(running):
            done = job.proc.poll() is not None
            late = time.monotonic() > job.deadline
            if not (done or late):
                continue
            running.remove(job)
            _finish(job, questions, killed=late and not done)
            now = package_fingerprint()
            if now != fingerprint:
                changed = sorted(k for k in set(now) | set(fingerprint)
                                 if now.get(k) != fingerprint.get(k))
                warning = ("files of the mathlib installation changed "
                           f"while this notebook ran: {', '.join(changed)}")
                job.report["reason"] += f"; WARNING: {warning}"
                print(f"WARNING: {job.name}: {warning}", file=sys.stderr)
                fingerprint = now
            if on_done:
                on_done(job)
    return [job.report for job in all_jobs]
