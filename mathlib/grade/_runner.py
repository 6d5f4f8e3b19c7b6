"""Run one submission in a fresh kernel and extract its answers as data.

This file is run by the grader as ``python -I -c <this source>`` (read
by the grader at start-up, so that a notebook that edits files on disk
cannot change it), in a new session, with the path of its configuration
file (which it deletes once read) as its argument. It uses only the
standard library and jupyter_client. It decides nothing:
it runs the student's code cells one by one (each with a time limit;
a cell that runs too long is interrupted, a cell that kills the kernel
or cannot be interrupted is skipped and the notebook re-run without it),
then runs one extraction cell per answer, which writes the answer as
JSON to a file with a random name, and reports everything to a result
file in a directory the kernel does not work in. The grader validates
and judges the data.
"""

import json
import os
import queue
import sys
import time

MAX_STARTS = 4             # kernel starts per submission (restarts + 1)
INTERRUPT_GRACE = 3.0      # seconds to wait after an interrupt
KERNEL_START = 60.0        # seconds allowed for a kernel to start
START_TRIES = 2            # a kernel that dies while starting: tries
MAX_ERROR = 500            # characters kept of an error message
MAX_ANSWER = 4_000_000     # bytes kept of one answer's JSON


def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        cfg = json.load(fh)
    if cfg.get("sandbox") and sys.argv[2:] != ["sandboxed"]:
        enter_sandbox(cfg, sys.argv[1])        # does not return
    os.remove(sys.argv[1])
    started = time.monotonic()
    result = {"version": 1, "ok": False, "error": None, "cells": [],
              "answers": [], "kernel_starts": 0, "timed_out": False}
    try:
        run(cfg, started, result)
        result["ok"] = True
    except Exception as exc:           # report, never crash silently
        result["error"] = f"{type(exc).__name__}: {exc}"[:MAX_ERROR]
    result["seconds"] = round(time.monotonic() - started, 3)
    path = cfg["result"]
    with open(path + ".tmp", "w") as fh:
        json.dump(result, fh)
    os.replace(path + ".tmp", path)


# ---------------------------------------------------------------- sandbox


def _mount(*args):
    import subprocess
    subprocess.run(["mount", *args], check=True, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _mount_points():
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        return [line.split()[4].replace("\\040", " ") for line in fh]


def _under(path, roots):
    return any(path == r or path.startswith(r.rstrip("/") + "/")
               for r in roots)


def enter_sandbox(cfg, config_path):
    """Run as process 1 of a new PID and mount namespace (the grader
    starts this file under ``unshare --pid --mount --fork``), as root:
    give the submission a private /proc (it sees only its own
    processes), a fresh /tmp holding only its own working and private
    directories, hide the grader's output directory, the submissions and
    the other jobs' directories, put the sealed copy of mathlib (no
    answer key) in place of the installed one, make every other mount
    read-only, then drop every capability and re-execute this file.
    When this process ends, the kernel ends every process of the
    namespace, whatever it did to its session or environment."""
    box = cfg["sandbox"]
    _mount("-t", "proc", "proc", "/proc")
    sealed = os.path.join(box["sealed"], "mathlib")
    if os.path.isdir(sealed):          # before /tmp is replaced
        _mount("--bind", sealed, box["package"])
    stage = box["stage"]
    _mount("-t", "tmpfs", "-o", "mode=1777,size=512m", "tmpfs", stage)
    for name in ("work", "private"):
        inner = os.path.join(stage, box["inner"], name)
        os.makedirs(inner)
        _mount("--bind", box[name], inner)
    os.makedirs(os.path.join(stage, "home"))
    kept = box.get("keep", [])       # the Python and mathlib under /tmp
    for path in kept:
        target = os.path.join(stage, os.path.relpath(path, "/tmp"))
        os.makedirs(target, exist_ok=True)
        _mount("--rbind", path, target)
    _mount("--move", stage, "/tmp")
    for path in box["hide"]:
        if os.path.isdir(path):
            _mount("-t", "tmpfs", "-o", "size=1m,mode=755", "tmpfs", path)
    keep = ("/proc", "/sys", "/dev", "/tmp")
    for point in reversed(_mount_points()):
        if (not _under(point, keep) or _under(point, kept)) and \
                not _under(point, box["hide"]):
            try:
                _mount("-o", "remount,bind,ro", point)
            except Exception:
                if point == "/":
                    raise
    inner = "/tmp/" + box["inner"]
    os.chdir(inner + "/private")
    os.environ.update(HOME="/tmp/home", TMPDIR="/tmp",
                      IPYTHONDIR="/tmp/home/.ipython",
                      JUPYTER_RUNTIME_DIR="/tmp/home/runtime",
                      MPLCONFIGDIR="/tmp/home/matplotlib")
    config = os.path.join(inner, "private", os.path.basename(config_path))
    os.execv(box["setpriv"], [
        "setpriv", "--bounding-set", "-all", "--inh-caps", "-all",
        "--no-new-privs", "--", sys.executable, "-I", "-c",
        cfg["runner_source"], config, "sandboxed"])


class Kernel:
    """A kernel and its client, started in the submission's directory."""

    def __init__(self, cfg):
        try:
            from jupyter_client import KernelManager
        except ImportError:
            raise RuntimeError("jupyter_client is not installed (pip "
                               "install nbclient ipykernel)") from None
        env = dict(os.environ, MPLBACKEND="Agg",
                   PYDEVD_DISABLE_FILE_VALIDATION="1")
        env[cfg["token_name"]] = cfg["token"]
        env.pop("JPY_PARENT_PID", None)
        if cfg.get("pythonpath"):      # the copy of mathlib without key
            env["PYTHONPATH"] = cfg["pythonpath"]
        # No student code runs before the kernel is ready, so a kernel
        # that dies while starting is started again (at most START_TRIES
        # times). Its output goes nowhere: a file could be flooded.
        for attempt in range(1, START_TRIES + 1):
            conn = os.path.join(cfg["private"],
                                f"kernel-{time.monotonic_ns()}.json")
            self.km = KernelManager(kernel_name="python3",
                                    connection_file=conn)
            self.km.start_kernel(
                cwd=cfg["workdir"], env=env,
                stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"),
                extra_arguments=["--HistoryManager.enabled=False",
                                 "--HistoryManager.hist_file=:memory:"])
            self.kc = self.km.client()
            self.kc.start_channels()
            try:
                self.kc.wait_for_ready(timeout=KERNEL_START)
                return
            except RuntimeError as exc:
                self.stop()
                if attempt == START_TRIES:
                    raise RuntimeError(
                        f"the kernel did not start ({attempt} tries): "
                        f"{exc}") from None
            finally:
                # the kernel has read its connection file: remove it, so
                # no other process can read the key and talk to it
                try:
                    os.remove(conn)
                except OSError:
                    pass

    def alive(self):
        try:
            return self.km.is_alive()
        except Exception:
            return False

    def stop(self):
        try:
            self.kc.stop_channels()
        except Exception:
            pass
        try:
            self.km.shutdown_kernel(now=True)
        except Exception:
            pass

    def run(self, code, timeout):
        """Execute code; a dict with status ok / error / timeout / died,
        the error message, the bytes of output seen (and dropped), and
        "stuck" if an interrupt did not stop it."""
        record = {"status": "ok", "error": None, "output_bytes": 0,
                  "started": False}
        try:
            return self._run(code, timeout, record)
        except Exception as exc:     # garbled messages: a broken kernel
            record.update(status="died", error="its messages became "
                          f"unreadable: {type(exc).__name__}")
            return record

    def _run(self, code, timeout, record):
        msg_id = self.kc.execute(code, store_history=True,
                                 allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        interrupted = False
        while True:
            now = time.monotonic()
            if now >= deadline:
                if interrupted:
                    record.update(status="timeout", stuck=True)
                    return record
                interrupted = True
                record["status"] = "timeout"
                try:
                    self.km.interrupt_kernel()
                except Exception:
                    pass
                deadline = now + INTERRUPT_GRACE
                continue
            try:
                msg = self.kc.get_iopub_msg(timeout=min(0.5,
                                                        deadline - now))
            except queue.Empty:
                if not self.alive():
                    record.update(status="died", error="it died")
                    return record
                continue
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = msg.get("msg_type"), msg.get("content", {})
            if kind == "execute_input" or (
                    kind == "status" and
                    content.get("execution_state") == "busy"):
                record["started"] = True
            if kind in ("stream", "display_data", "execute_result",
                        "update_display_data"):
                record["output_bytes"] += len(json.dumps(content))
            elif kind == "error" and not interrupted:
                record["status"] = "error"
                record["error"] = _error_text(content)
            elif kind == "status" and \
                    content.get("execution_state") == "idle":
                return record


def _error_text(content):
    name = str(content.get("ename", "Error"))
    value = str(content.get("evalue", ""))
    return f"{name}: {value}"[:MAX_ERROR] if value else name[:MAX_ERROR]


def run(cfg, started, result):
    deadline = started + cfg["timeout"]
    cells = cfg["cells"]               # [[index, source], ...]
    skip, records = set(), {}
    kernel = None
    while result["kernel_starts"] < MAX_STARTS:
        if kernel is not None:
            kernel.stop()
        result["kernel_starts"] += 1
        kernel = Kernel(cfg)
        broken, previous = False, None
        for index, source in cells:
            if index in skip:
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                records[index] = {"status": "not run", "error": None,
                                  "output_bytes": 0}
                result["timed_out"] = True
                continue
            t0 = time.monotonic()
            rec = kernel.run(source, min(cfg["cell_timeout"], left))
            rec["seconds"] = round(time.monotonic() - t0, 3)
            records[index] = rec
            stuck = rec["status"] == "timeout" and rec.get("stuck")
            if stuck and not rec["started"] and previous is not None:
                # the kernel never started this cell: the previous one
                # left it unable to run anything (e.g. it patched json)
                records[previous] = {
                    "status": "died", "output_bytes": 0, "error": "it "
                    "could not run the next cell"}
                del records[index]
                skip.add(previous)
                broken = True
                break
            if stuck or rec["status"] == "died":
                skip.add(index)
                broken = True
                break
            previous = index
        if not broken:
            break
    result["cells"] = [dict(index=i, **records[i]) for i, _ in cells
                       if i in records]
    if broken:                         # gave up: no kernel to ask
        result["answers"] = [{"name": a["name"], "status": "died",
                              "data": None, "error": None}
                             for a in cfg["extract"]]
        kernel.stop()
        return
    answers = result["answers"]
    for spec in cfg["extract"]:
        if answers and answers[-1].get("stuck"):
            answers.append({"name": spec["name"], "status": "died",
                            "data": None, "error": "the kernel stopped "
                            "responding while the previous answer was "
                            "extracted"})
        else:
            answers.append(extract(kernel, spec))
    kernel.stop()


def extract(kernel, spec):
    """Run one extraction cell and read the file it wrote."""
    path = spec["file"]
    rec = kernel.run(spec["code"], spec["timeout"])
    answer = {"name": spec["name"], "status": rec["status"], "data": None,
              "error": rec["error"], "stuck": bool(rec.get("stuck"))}
    if rec["status"] == "ok":
        try:
            size = os.path.getsize(path)
            if size > MAX_ANSWER:
                answer.update(status="error", error=f"the answer is too "
                              f"large ({size} bytes of data)")
            else:
                with open(path, encoding="utf-8") as fh:
                    answer["data"] = fh.read(MAX_ANSWER)
        except OSError as exc:
            answer.update(status="error", error=f"no answer file ({exc})")
    return answer


if __name__ == "__main__":
    main()
