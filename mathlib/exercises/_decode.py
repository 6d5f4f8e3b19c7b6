"""Read the data made by :func:`mathlib.exercises._wire.encode`, trusting
nothing: every field is type-checked, sizes are capped, and formulas are
rebuilt with the safe parser. The result is one of the answer types below
(or None, or a float, an ndarray, a sympy object, a str).

decode(data, n_points=None)   -> answer, or raise WireError
"""

import math

import numpy as np

from ._parse import ParseError, parse_srepr

__all__ = ["decode", "WireError", "Undefined", "Other", "Raised",
           "TimedOut", "Samples", "Unreadable", "TooLong"]

MAX_DIMS = 4
MAX_ENTRIES = 100_000
MAX_SAMPLES = 200
MAX_TEXT = 2_000          # characters of a string answer
NOTES = {"ragged": "a list whose rows have different lengths",
         "entries are not numbers": "a list whose entries are not all "
         "numbers", "booleans": "an array of True/False values",
         "complex entries": "an array of complex numbers"}


class WireError(ValueError):
    """The data does not have the expected form (a tampered or broken
    extraction)."""


class Undefined:
    """The answer variable does not exist."""

    def __repr__(self):
        return "Undefined()"


class Other:
    """A value of a kind no question accepts (a bool, a dict, ...)."""

    def __init__(self, description):
        self.description = description

    def __repr__(self):
        return f"Other({self.description!r})"


class Raised:
    """A function raised an exception at a sample point."""

    def __init__(self, message):
        self.message = message

    def __repr__(self):
        return f"Raised({self.message!r})"


class TimedOut:
    """A function did not return in time (``limit`` seconds, or None if
    unknown) at a sample point."""

    def __init__(self, limit=None):
        self.limit = limit

    def __repr__(self):
        return f"TimedOut({self.limit!r})"


class TooLong:
    """An answer over a size limit, rejected whole: ``what`` is "text",
    "formula" or "array", ``size`` its length, ``limit`` the limit."""

    def __init__(self, what, size, limit):
        self.what, self.size, self.limit = what, size, limit

    def message(self):
        unit = {"text": "characters", "formula": "characters",
                "array": "entries"}[self.what]
        thing = {"text": "your answer is a string of",
                 "formula": "your formula is too large to check: it is "
                            "written with", "array": "your array has"}
        return f"{thing[self.what]} {self.size:,} {unit}; at most " \
            f"{self.limit:,} are accepted"

    def __repr__(self):
        return f"TooLong({self.what!r}, {self.size}, {self.limit})"


class Unreadable:
    """A formula that the safe parser refused (message for the reader)."""

    def __init__(self, message):
        self.message = message

    def __repr__(self):
        return f"Unreadable({self.message!r})"


class Samples:
    """A function, described by what it returned at each sample point
    (each item decoded like an answer, or Raised / TimedOut); None when
    the function was not sampled."""

    def __init__(self, values):
        self.values = values

    def __repr__(self):
        return f"Samples({self.values!r})"


def _need(condition, what):
    if not condition:
        raise WireError(what)


def _number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _float(v):
    try:
        return float(v)
    except OverflowError:              # a huge int
        return math.copysign(math.inf, v)


def decode(data, n_points=None, depth=0):
    """Turn wire data into an answer object; WireError if malformed.

    Examples
    --------
    >>> decode({"t": "array", "shape": [2], "data": [1, 2.5]})
    array([1. , 2.5])
    >>> decode({"t": "str", "v": "x^2", "len": 3})
    'x^2'
    """
    _need(isinstance(data, dict), "an answer must be a dict")
    kind = data.get("t")
    if kind == "undefined":
        return Undefined()
    if kind == "none":
        return None
    if kind == "num":
        _need(_number(data.get("v")), "num needs a number")
        return _float(data["v"])
    if kind == "array":
        return _decode_array(data)
    if kind == "sympy":
        text = data.get("srepr")
        _need(isinstance(text, str), "sympy needs srepr text")
        try:
            return parse_srepr(text)
        except ParseError as exc:
            return Unreadable(str(exc))
    if kind == "str":
        text, n = data.get("v"), data.get("len")
        _need(isinstance(text, str) and _number(n), "str needs text")
        if n > len(text) or len(text) > MAX_TEXT:   # never judge a part
            return TooLong("text", int(max(n, len(text))), MAX_TEXT)
        return text
    if kind == "toolong":
        what, n, limit = data.get("what"), data.get("len"), data.get("limit")
        _need(what in ("text", "formula", "array") and _number(n) and
              _number(limit), "toolong needs what, len and limit")
        return TooLong(what, int(n), int(limit))
    if kind == "function":
        samples = data.get("samples")
        if samples is None or depth > 0:
            return Other("a function") if depth else Samples(None)
        _need(isinstance(samples, list) and len(samples) <= MAX_SAMPLES,
              "samples must be a list")
        _need(n_points is None or len(samples) == n_points,
              "one sample per point is needed")
        return Samples([_decode_sample(s) for s in samples])
    if kind == "raised" and depth:
        _need(isinstance(data.get("v"), str), "raised needs a message")
        return Raised(data["v"][:300])
    if kind == "timeout" and depth:
        limit = data.get("limit")
        return TimedOut(float(limit) if _number(limit) else None)
    if kind == "bool":
        return Other(f"the bool {bool(data.get('v'))}")
    if kind == "complex":
        _need(_number(data.get("re")) and _number(data.get("im")),
              "complex needs re and im")
        return Other(f"the complex number {complex(data['re'], data['im'])}")
    if kind == "other":
        what = data.get("type")
        _need(isinstance(what, str), "other needs a type name")
        note = data.get("note")
        if note in NOTES:
            return Other(NOTES[note])
        if isinstance(note, str) and note.startswith("dtype"):
            return Other("an array whose entries are not numbers")
        return Other(f"a value of type {what[:80]}")
    raise WireError(f"unknown answer kind {str(kind)[:20]!r}")


def _decode_sample(s):
    value = decode(s, depth=1)
    _need(not isinstance(value, (Undefined, Samples)),
          "a sample cannot be that")
    return value


def _decode_array(data):
    shape, flat = data.get("shape"), data.get("data")
    _need(isinstance(shape, list) and len(shape) <= MAX_DIMS and
          all(isinstance(n, int) and not isinstance(n, bool) and
              0 <= n <= MAX_ENTRIES for n in shape), "bad array shape")
    size = math.prod(shape)
    _need(size <= MAX_ENTRIES, "array too large")
    _need(isinstance(flat, list) and len(flat) == size and
          all(_number(v) for v in flat), "bad array data")
    return np.array([_float(v) for v in flat], dtype=float).reshape(shape)
