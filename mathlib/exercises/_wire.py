"""Turn an answer into plain data (JSON) that can be checked elsewhere.

``encode(value, points)`` describes any Python value with dicts, lists,
strings and floats: numbers and arrays by their values and shape, sympy
objects by their ``sympy.srepr`` text, strings by their text, and
functions by the values they return at the given points. Checking never
looks at the live object again: the public ``check`` encodes, decodes and
judges in the reader's process, and the grader runs this same file inside
the student's kernel (as source text, in a fresh namespace), so that the
verdict is computed from data, outside the kernel.

This file must stay self-contained: only the standard library, numpy and
(if the value is a sympy object) sympy. It is introduced with the problem
sets (``mathlib.exercises``).
"""

import math
import signal
import threading

import numpy as np

MAX_ENTRIES = 100_000       # entries of an array that are kept
MAX_TEXT = 2_000            # characters of a string (longer: rejected)
MAX_SREPR = 200_000         # characters of srepr text (longer: rejected)
MAX_MESSAGE = 300           # characters of an exception message


class CallTimeout(BaseException):
    """Raised inside a reader's function that runs too long (a
    BaseException, so that ``except Exception`` in their code does not
    swallow it)."""


def encode(value, points=None, call_timeout=None):
    """Describe ``value`` as JSON-able data.

    Parameters
    ----------
    value : any
        The answer.
    points : list or None
        For a function: the points (nested lists of floats, or floats) at
        which to call it; each call gets a fresh float64 array (a Python
        float for a scalar point).
    call_timeout : float or None
        Seconds allowed per call (SIGALRM, main thread only).

    Returns
    -------
    dict
        ``{"t": kind, ...}`` with kind one of none, bool, num, complex,
        array, sympy, str, function, other, toolong (a string, formula
        or array over its limit: never cut short, rejected).

    Examples
    --------
    >>> encode(2)
    {'t': 'num', 'v': 2.0}
    >>> encode([[1, 2]])
    {'t': 'array', 'shape': [1, 2], 'data': [1.0, 2.0]}
    >>> encode(lambda x: 2 * x, points=[1.5])["samples"]
    [{'t': 'num', 'v': 3.0}]
    """
    if value is None:
        return {"t": "none"}
    if isinstance(value, (bool, np.bool_)):
        return {"t": "bool", "v": bool(value)}
    if _is_sympy(value):
        return _sympy(value)
    if isinstance(value, str):
        if len(value) > MAX_TEXT:       # never judged on a part of it
            return {"t": "toolong", "what": "text", "len": len(value),
                    "limit": MAX_TEXT}
        return {"t": "str", "v": value, "len": len(value)}
    if isinstance(value, (int, float, np.integer, np.floating)):
        return {"t": "num", "v": _float(value)}
    if isinstance(value, (complex, np.complexfloating)):
        return {"t": "complex", "re": _float(value.real),
                "im": _float(value.imag)}
    if isinstance(value, (list, tuple, np.ndarray)):
        return _array(value)
    if callable(value):
        if points is None:
            return {"t": "function"}
        return {"t": "function",
                "samples": [_call(value, p, call_timeout) for p in points]}
    return {"t": "other", "type": type(value).__name__[:80]}


def _float(v):
    try:
        return float(v)
    except OverflowError:
        return math.copysign(math.inf, v)


def _is_sympy(value):
    module = getattr(type(value), "__module__", "") or ""
    return module.startswith("sympy")


def _sympy(value):
    import sympy

    if isinstance(value, sympy.NDimArray):
        value = sympy.Matrix(value.tolist()) if value.rank() == 2 \
            else sympy.Matrix(list(value))
    matrix = isinstance(value, sympy.MatrixBase)
    if not matrix and not isinstance(value, sympy.Basic):
        return {"t": "other", "type": type(value).__name__[:80]}
    text = sympy.srepr(value)
    if len(text) > MAX_SREPR:
        return {"t": "toolong", "what": "formula", "len": len(text),
                "limit": MAX_SREPR}
    return {"t": "sympy", "srepr": text, "matrix": matrix}


def _array(value):
    """Lists, tuples and arrays: numbers -> array; sympy entries ->
    a Matrix (a flat list is a column)."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):          # ragged
        return {"t": "other", "type": type(value).__name__,
                "note": "ragged"}
    kind = arr.dtype.kind
    if kind == "O" and arr.size and all(_is_sympy(v) or
                                        isinstance(v, (int, float))
                                        for v in arr.ravel()):
        if arr.ndim in (1, 2) and any(_is_sympy(v) for v in arr.ravel()):
            import sympy
            data = _sympy(sympy.Matrix(arr.tolist()))
            data["from"] = type(value).__name__
            return data
    if kind == "O":
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            return {"t": "other", "type": type(value).__name__,
                    "note": "entries are not numbers"}
        kind = "f"
    if kind == "b":
        return {"t": "other", "type": type(value).__name__,
                "note": "booleans"}
    if kind == "c":
        return {"t": "other", "type": type(value).__name__,
                "note": "complex entries"}
    if kind not in "iuf":
        return {"t": "other", "type": type(value).__name__,
                "note": f"dtype {arr.dtype}"}
    if arr.size > MAX_ENTRIES:
        return {"t": "toolong", "what": "array", "len": int(arr.size),
                "limit": MAX_ENTRIES}
    with np.errstate(over="ignore"):
        flat = arr.astype(float).ravel().tolist()
    return {"t": "array", "shape": list(arr.shape), "data": flat}


def _call(func, point, call_timeout):
    """The value of func at point, or what went wrong."""
    arg = np.array(point, dtype=float)
    arg = float(arg) if arg.ndim == 0 else arg
    alarm = (call_timeout is not None and hasattr(signal, "SIGALRM")
             and threading.current_thread() is threading.main_thread())
    if alarm:
        def _expired(signum, frame):
            raise CallTimeout()
        previous = signal.signal(signal.SIGALRM, _expired)
        signal.setitimer(signal.ITIMER_REAL, call_timeout)
    try:
        with np.errstate(all="ignore"):
            out = func(arg)
        return encode(out)
    except CallTimeout:
        return {"t": "timeout", "limit": call_timeout}
    except Exception as exc:                 # the reader's bug, reported
        message = f"{type(exc).__name__}: {exc}"
        return {"t": "raised", "v": message[:MAX_MESSAGE]}
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
