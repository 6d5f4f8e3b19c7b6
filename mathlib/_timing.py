"""Time limits: ``time_limit``, a signal for a block of code
(mathlib.symbolic's proofs), and ``run_limited``, a call in a child
process that is killed at its deadline (the judging of untrusted
formulas, by ``check`` and by the grader, which a signal cannot always
interrupt)."""

import contextlib
import os
import pickle
import select
import signal
import threading
import time

__all__ = ["OutOfTime", "time_limit", "run_limited", "Limited"]


class OutOfTime(BaseException):
    """Raised inside a `time_limit` block when its time is up (a
    BaseException, so that ``except Exception`` does not swallow it)."""


@contextlib.contextmanager
def time_limit(seconds):
    """Raise OutOfTime in the block after ``seconds`` (on the main
    thread of a POSIX process; elsewhere the block runs unlimited). An
    outer timer keeps running: it fires first if it ends sooner, and is
    restored with the time it has left."""
    if not hasattr(signal, "setitimer") or \
            threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    start = time.monotonic()
    outer = signal.setitimer(signal.ITIMER_REAL, seconds)[0]
    if outer and outer < seconds:        # an outer timer ends sooner
        signal.setitimer(signal.ITIMER_REAL, outer)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:            # an outer timer was running: restore it
            left = outer - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3))


class Limited:
    """What :func:`run_limited` made of a call: ``kind`` is "ok" (then
    ``value`` holds the result), "timeout", "memory" or "error" (then
    ``message`` says what went wrong); ``seconds`` and ``memory`` are
    the limits that applied."""

    def __init__(self, kind, value=None, message="", seconds=None,
                 memory=None):
        self.kind, self.value, self.message = kind, value, message
        self.seconds, self.memory = seconds, memory

    def __repr__(self):
        return f"Limited({self.kind!r}, {self.value!r})"


def _vm_bytes():
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _child(func, write_fd, memory):
    """In the forked child: limit memory, call func, send the result."""
    try:
        if memory is not None:
            import resource
            used = _vm_bytes()
            if used is not None:
                cap = used + memory
                resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        try:
            out = ("ok", func())
        except MemoryError:
            out = ("memory", None)
        except RecursionError:
            out = ("error", "the computation was nested too deeply")
        except Exception as exc:            # reported, never lost
            out = ("error", f"{type(exc).__name__}: {exc}"[:300])
        try:
            data = pickle.dumps(out)
        except Exception:
            data = pickle.dumps(("error", "the result could not be sent"))
        with os.fdopen(write_fd, "wb") as fh:
            fh.write(data)
    finally:
        os._exit(0)


def run_limited(func, seconds, memory=1_000_000_000):
    """Call ``func()`` in a forked child process that is killed after
    ``seconds`` and may use ``memory`` more bytes than it started with.

    Unlike :func:`time_limit` (a signal, which a long computation inside
    C code, such as a huge integer power, never sees), this cannot hang:
    the parent waits on a pipe with a deadline and kills the child. The
    result must be picklable. Where ``os.fork`` is missing (Windows),
    ``func`` runs in-process under :func:`time_limit`.

    Returns
    -------
    Limited
        kind "ok" with the value, or "timeout", "memory" or "error".

    Examples
    --------
    >>> run_limited(lambda: 6 * 7, 10).value
    42
    >>> run_limited(lambda: 10 ** 10 ** 10, 0.5).kind
    'timeout'
    """
    if not hasattr(os, "fork"):
        try:
            with time_limit(seconds):
                return Limited("ok", func(), seconds=seconds, memory=memory)
        except OutOfTime:
            return Limited("timeout", seconds=seconds, memory=memory)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:                                   # the child
        os.close(read_fd)
        _child(func, write_fd, memory)
    os.close(write_fd)
    chunks, deadline = [], time.monotonic() + seconds
    with os.fdopen(read_fd, "rb") as fh:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fh], [], [], left)[0]:
                _reap(pid, kill=True)
                return Limited("timeout", seconds=seconds, memory=memory)
            chunk = os.read(fh.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    status = _reap(pid)
    try:
        kind, value = pickle.loads(b"".join(chunks))
    except Exception:
        # no result: the child died (out of memory, or killed)
        return Limited("memory", seconds=seconds, memory=memory,
                       message=f"the check process ended ({status})")
    if kind == "error":
        return Limited("error", message=value, seconds=seconds,
                       memory=memory)
    return Limited(kind, value if kind == "ok" else None, seconds=seconds,
                   memory=memory)


def _reap(pid, kill=False):
    if kill:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None
