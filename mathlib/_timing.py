"""A time limit for a block of code, shared by mathlib.symbolic (its
proofs) and mathlib.grade (its judging of one answer)."""

import contextlib
import signal
import threading
import time

__all__ = ["OutOfTime", "time_limit"]


class OutOfTime(Exception):
    """Raised inside a `time_limit` block when its time is up."""


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
