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
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import numpy as np

import mathlib
from mathlib.exercises._decode import Undefined, WireError, decode
from mathlib.exercises._questions import GRADE, Verdict

from . import _notebooks as N
from . import _variants as V
from ._extract import extraction_cell
from ._sealed import KEY_MESSAGE

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

    def __init__(self, path, index, seed, name=None):
        self.path, self.index, self.seed = Path(path), index, seed
        self.name = name or self.path.name   # its path in the batch
        self.proc = self.workdir = self.private = self.jobdir = None
        self.data = self.fault = None       # the notebook's bytes, read
        self.sandboxed = False              # before any student code
        self.flags = {}                     # qid -> why it is flagged
        self.started = self.deadline = None
        self.cells = []            # all cells of the submission
        self.run_cells = self.skipped = []
        self.report = None         # the final dict
        self.notes = []
        self.student = None        # whose variant it is graded against
        self.questions = None      # the questions of that variant
        self.variant_flags = []    # identity and copy findings
        self.roster = None         # set of identifiers, or None
        self.decoded = {}          # qid -> the decoded answer


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


def _namespace_init(job):
    """The process 1 of the job's PID namespace (unshare's child)."""
    try:
        with open(f"/proc/{job.proc.pid}/task/{job.proc.pid}/children") \
                as fh:
            return [int(p) for p in fh.read().split()]
    except (OSError, ValueError):
        return []


def _kill_all(job):
    """Kill the runner's group and every process of the submission.

    In a sandbox, killing the namespace's process 1 makes the kernel
    kill every process of the namespace, and unshare exits only once
    they are all gone; outside one, the process group and the processes
    that carry the run's token are killed (a process that clears its
    environment and leaves the session escapes this)."""
    if job.proc is not None and job.sandboxed:
        for pid in _namespace_init(job):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            job.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
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


def _start(job, questions, timeout, cell_timeout, batch):
    """Start the runner of a submission read beforehand (or settle it)."""
    job.token = secrets.token_hex(16)
    job.cell_timeout, job.sandboxed = cell_timeout, batch.sandbox
    if job.fault is not None:
        job.report = _fault_report(job, questions, "invalid", job.fault)
        return False
    job.run_cells, job.skipped = N.code_cells(job.cells)
    job.jobdir = os.path.join(batch.base, f"job-{job.index}")
    job.workdir = os.path.join(job.jobdir, "work")
    job.private = os.path.join(job.jobdir, "private")
    for d in (job.jobdir, job.workdir, job.private):
        os.mkdir(d, 0o700)
    with open(os.path.join(job.workdir, "submission.ipynb"), "wb") as fh:
        fh.write(job.data)               # the copy read before any run
    inner = "/tmp/mathlib-grade"
    work, private = (f"{inner}/work", f"{inner}/private") \
        if batch.sandbox else (job.workdir, job.private)
    nonce = secrets.token_hex(12)
    extract = []
    for k, q in enumerate(questions):
        points = q.points_for(GRADE, job.seed)
        pts = None if points is None else \
            [np.asarray(p, dtype=float).tolist() for p in points]
        path = f"{work}/.answer-{nonce}-{k}.json"
        n = 0 if pts is None else len(pts)
        extract.append({"name": q.name, "file": path,
                        "code": extraction_cell(q.name, pts, path,
                                                CALL_TIMEOUT),
                        "timeout": EXTRACT_BASE + n * CALL_TIMEOUT})
    cfg = {"cells": job.run_cells, "workdir": work, "private": private,
           "result": f"{private}/result.json",
           "timeout": timeout, "cell_timeout": cell_timeout,
           "token": job.token, "token_name": TOKEN_NAME,
           "extract": extract, "pythonpath": batch.sealed_path(private)}
    command = [sys.executable, "-I", "-c", RUNNER_SOURCE]
    if batch.sandbox:
        cfg["runner_source"] = RUNNER_SOURCE
        cfg["sandbox"] = {"stage": batch.stage, "inner": "mathlib-grade",
                          "work": job.workdir, "private": job.private,
                          "hide": batch.hide, "sealed": batch.sealed,
                          "package": PACKAGE, "keep": batch.keep,
                          "setpriv": batch.setpriv}
        command = [batch.unshare, "--pid", "--mount", "--fork",
                   "--kill-child", "--propagation", "private", "--",
                   *command]
    config = os.path.join(job.private, "config.json")
    with open(config, "w", encoding="utf-8") as fh:
        json.dump(cfg, fh)
    env = dict(os.environ)
    env[TOKEN_NAME] = job.token
    log = open(os.path.join(job.jobdir, "runner.log"), "wb")
    job.proc = subprocess.Popen(
        [*command, config],
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
                f"{job.deadline - job.started:.0f} s (the limit for the "
                "notebook and the reading of its answers) and was stopped",
                status_of="timeout")
        elif code != 0 or not os.path.exists(result_path):
            job.report = _fault_report(
                job, questions, "crashed", "the grading process of this "
                f"submission died (exit status {code}); did the notebook "
                "kill its parent process?" + _log_tail(job))
        else:
            job.report = _judge(job, questions, _read_result(result_path))
    except WireError as exc:
        job.report = _fault_report(job, questions, "crashed", "the "
                                   "grading process of this submission "
                                   "failed or returned unreadable results "
                                   f"({_plain(job, exc)})")
    job.report["seconds"] = round(seconds, 2)
    _rmtree(job.jobdir)


def _log_tail(job):
    try:
        text = Path(job.jobdir, "runner.log").read_text("utf-8", "replace")
    except OSError:
        return ""
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return f" ({_plain(job, lines[-1][:200])})" if lines else ""


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
        return f"{where} raised {_plain(job, c.get('error'))}"
    if c["status"] == "timeout":
        how = " and could not be interrupted (skipped on a re-run)" \
            if c.get("stuck") else " (interrupted)"
        return f"{where} ran out of time after {c.get('seconds', 0):.0f} " \
            f"s (the limit per cell is {job.cell_timeout:g} s){how}"
    if c["status"] == "died":
        why = c.get("error") or "it died"
        return f"{where} broke the kernel ({why}) and was skipped on a " \
            "re-run"
    return f"{where} did not run: the time limit was used up"


def _judge(job, questions, result):
    cells = {c["index"]: c for c in result["cells"]}
    answers = {a["name"]: a for a in result["answers"]}
    faults = [c for c in result["cells"] if c["status"] != "ok"]
    for c in faults:
        if KEY_MESSAGE in str(c.get("error")):
            _flag_cell(job, questions, c["index"], "answer key asked for "
                       f"in {_cell_name(job, c['index'])}")
    verdicts = []
    for q in questions:
        verdicts.append(_judge_one(job, q, answers.get(q.name), cells))
    if job.roster is not None:
        own = [(q, job.decoded[q.id], v) for q, v in zip(questions,
                                                           verdicts)
               if q.parameterised and q.id in job.decoded]
        copied = V.copied_variant(job, own, job.roster)
        if copied:
            job.variant_flags.append(copied)
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
    if q.id in job.flags:
        return Verdict(q, "error", "answer key", "not graded: the "
                       "notebook's code uses the book's answer key or the "
                       "grader's own code, which is not allowed (your "
                       "instructor sees where).")
    if answer is None or answer["status"] == "died":
        return Verdict(q, "error", "died", f"{q.name} could not be read: "
                       "the kernel had died or stopped responding.")
    if answer["status"] == "timeout":
        return Verdict(q, "timeout", "timeout", f"reading {q.name} took "
                       f"longer than {EXTRACT_BASE:.0f} s plus "
                       f"{CALL_TIMEOUT:.0f} s per call of a function (the "
                       "limit; a function that did not return at one of "
                       "the grader's points?).")
    if answer["status"] == "error" or answer["data"] is None:
        return Verdict(q, "error", "extract", f"{q.name} could not be "
                       f"read ({_plain(job, answer.get('error'))}).")
    points = q.points_for(GRADE, job.seed)
    try:
        data = json.loads(answer["data"])
        value = decode(data, None if points is None else len(points))
    except (ValueError, WireError, RecursionError):
        return Verdict(q, "error", "extract", f"{q.name} could not be "
                       "read: the data collected from the notebook was "
                       "not in the form the grader expects (was the "
                       "grader's code in the notebook changed?).")
    if isinstance(value, Undefined):
        return _undefined(job, q, cells)
    job.decoded[q.id] = value
    return q.judge_limited(value, GRADE, job.seed, seconds=JUDGE_TIMEOUT)


def _plain(job, text):
    """An error message without the grader's internal paths."""
    text = str(text or "unknown error")[:200]
    for path, word in ((job.workdir, "the notebook's folder"),
                       (job.private, "the grader's folder"),
                       ("/tmp/mathlib-grade/work", "the notebook's folder"),
                       ("/tmp/mathlib-grade/private", "the grader's folder")):
        if path:
            text = text.replace(str(path), word)
    text = re.sub(r"/\S*mathlib-grade\S*", "a grader's file", text)
    if text.startswith("no answer file"):
        return "the answer could not be collected: the notebook's folder " \
            "was changed or removed while it ran"
    return text


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


def _report(job, status, reason, verdicts):
    return {"submission": job.name, "path": str(job.path),
            "status": status, "reason": reason,
            "flagged": "; ".join(sorted(set(job.flags.values())) +
                                 job.variant_flags),
            "student": job.student or "",
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


PACKAGE = str(Path(mathlib.__file__).parent)


class Batch:
    """Where the jobs of a batch live, and how they are isolated."""

    def __init__(self, hide=()):
        self.base = tempfile.mkdtemp(prefix="mathlib-grade-")
        self.sealed = os.path.join(self.base, "sealed")
        _seal(os.path.join(self.sealed, "mathlib"))
        self.sandbox, self.why = sandbox_support()
        self.stage = self.unshare = self.setpriv = None
        if self.sandbox:
            self.stage = tempfile.mkdtemp(prefix="mathlib-grade-stage-",
                                          dir=STAGE_DIR)
            self.unshare = shutil.which("unshare")
            self.setpriv = shutil.which("setpriv")
        needed = [PACKAGE, sys.prefix, sys.base_prefix, sys.executable,
                  STAGE_DIR]
        self.hide = sorted({os.path.abspath(h) for h in hide
                            if not any(_inside(n, os.path.abspath(h))
                                       for n in needed)} | {"/dev/shm"})
        if not _inside(self.base, "/tmp"):
            self.hide.append(self.base)
        # What the kernel must still find once /tmp is replaced by the
        # job's own: the Python and the package, when they live under
        # /tmp (a clone made with mktemp -d, say); shown read-only.
        self.keep = sorted({os.path.realpath(p) for p in needed[:3]
                            if _inside(os.path.realpath(p), "/tmp")
                            and os.path.isdir(p)})

    def sealed_path(self, private):
        """PYTHONPATH for the kernel: the sealed copy of mathlib."""
        if self.sandbox:     # bound over the package itself
            return None
        return os.path.join(self.sealed)

    def close(self):
        _rmtree(self.base)
        if self.stage:
            try:
                os.rmdir(self.stage)
            except OSError:
                pass


def _inside(path, root):
    path, root = os.path.abspath(path), os.path.abspath(root)
    return path == root or path.startswith(root.rstrip("/") + "/")


def _seal(target):
    """A copy of mathlib without the answer key and the grader."""
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns(
        "__pycache__", "grade", "ch[0-9][0-9].py", "*.pyc"))
    shutil.copyfile(Path(__file__).with_name("_sealed.py"),
                    os.path.join(target, "exercises", "__init__.py"))
    # stubs in place of what is left out, so that no other installed
    # copy is found instead
    stub = f"raise ImportError({KEY_MESSAGE!r})\n"
    os.mkdir(os.path.join(target, "grade"))
    Path(target, "grade", "__init__.py").write_text(stub)
    for path in Path(PACKAGE, "exercises").glob("ch[0-9][0-9].py"):
        Path(target, "exercises", path.name).write_text(stub)


STAGE_DIR = "/var/tmp"
_SUPPORT = None


def sandbox_support():
    """(True, how) if each submission can run in its own PID and mount
    namespace (root, util-linux's unshare, mount and setpriv, and a
    kernel that allows it), else (False, why not). Checked once, by
    trying it. MATHLIB_GRADE_SANDBOX=off turns it off."""
    global _SUPPORT
    if _SUPPORT is not None:
        return _SUPPORT
    if os.environ.get("MATHLIB_GRADE_SANDBOX", "").lower() in ("off", "0",
                                                               "no"):
        _SUPPORT = (False, "turned off by MATHLIB_GRADE_SANDBOX")
    elif not hasattr(os, "geteuid") or os.geteuid() != 0:
        _SUPPORT = (False, "the grader does not run as root")
    elif not all(shutil.which(t) for t in ("unshare", "setpriv", "mount")):
        _SUPPORT = (False, "util-linux's unshare, setpriv or mount is "
                    "missing")
    elif not os.path.isdir(STAGE_DIR):
        _SUPPORT = (False, f"{STAGE_DIR} does not exist")
    else:
        probe = ("mount -t proc proc /proc && mount -t tmpfs tmpfs /tmp "
                 "&& mount -o remount,bind,ro / && setpriv --bounding-set "
                 "-all --no-new-privs true")
        try:
            run = subprocess.run(
                ["unshare", "--pid", "--mount", "--fork", "--kill-child",
                 "--propagation", "private", "sh", "-c", probe],
                capture_output=True, timeout=30)
            ok = run.returncode == 0
            why = run.stderr.decode(errors="replace").strip()[:200]
        except (OSError, subprocess.TimeoutExpired) as exc:
            ok, why = False, str(exc)
        _SUPPORT = (True, "PID and mount namespaces") if ok else \
            (False, f"namespaces are not available ({why})")
    return _SUPPORT


def read_submissions(jobs):
    """Read every submission into memory before any student code runs."""
    for job in jobs:
        try:
            job.data, job.cells = N.load_submission(job.path)
        except N.NotANotebook as exc:
            job.fault = str(exc)


def grade_all(questions, paths, *, timeout=120.0, cell_timeout=None,
              jobs=1, seed=None, on_done=None, names=None, hide=(),
              roster=None, identity=None):
    """Grade every submission; returns their reports in input order.

    ``on_done(job)`` is called as each one finishes (progress, output).
    ``names`` are the submissions' names in the reports (default: the
    file names); ``hide`` directories the submissions must not see (the
    output directory, the submissions' folders). ``roster`` (a list of
    student identifiers) grades each submission against the variant of
    the student its location names and flags copies; ``identity`` is
    (student, why) from the LMS for a single submission (Gradescope).
    """
    if cell_timeout is None:
        cell_timeout = max(2.0, timeout / 4)
    batch_seed = secrets.randbits(63) if seed is None else int(seed)
    names = list(names) if names is not None else \
        [Path(p).name for p in paths]
    # each submission's points depend on the seed and its own name, not
    # on what else is in the batch
    all_jobs = [Job(p, i, int(np.random.SeedSequence(
        [batch_seed, zlib.crc32(names[i].encode()), i if names.count(
            names[i]) > 1 else 0]).generate_state(1)[0]), names[i])
        for i, p in enumerate(paths)]
    read_submissions(all_jobs)
    roster = None if roster is None else set(roster)
    for job in all_jobs:
        job.roster = roster
        V.assign(job, roster, identity)
        job.questions = [q.variant(job.student) for q in questions]
        if job.fault is None:
            for qid, why in N.key_reaches(job.cells, questions).items():
                job.flags[qid] = why
    batch = Batch(hide)
    try:
        return _run_jobs(all_jobs, questions, batch, timeout, cell_timeout,
                         jobs, on_done)
    finally:
        for job in all_jobs:
            if job.proc is not None and job.proc.poll() is None:
                _kill_all(job)
        batch.close()


def _run_jobs(all_jobs, questions, batch, timeout, cell_timeout, jobs,
              on_done):
    fingerprint = package_fingerprint()
    pending, running = list(all_jobs), []
    while pending or running:
        while pending and len(running) < jobs:
            job = pending.pop(0)
            if _start(job, job.questions, timeout, cell_timeout, batch):
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
            _finish(job, job.questions, killed=late and not done)
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


def _flag_cell(job, questions, index, why):
    """Flag the questions whose answers a cell defines (all if none)."""
    names = {q.name: q.id for q in questions}
    hit = [qid for name, qid in names.items()
           if index in N.defining_cells(job.run_cells, name)]
    for qid in hit or names.values():
        job.flags.setdefault(qid, why)
