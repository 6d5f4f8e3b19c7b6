"""Input and output checks shared by the modules of mathlib.

Every public function of mathlib that takes a point ``x`` and a function
``f`` runs its arguments through these helpers, so that bad input fails
early with one clear message naming the argument and the problem:

as_point(x, name)        a float64 array (0-d, 1-d or 2-d) or a clear error
as_callable(f, name)     f itself, or TypeError if it cannot be called
check_output(y, name, where, shape=...)
                         f's value as a finite float64 array, or an error
                         naming where f was evaluated
"""

import numpy as np

__all__ = ["as_point", "as_callable", "check_output", "describe_bad"]


def _type_name(obj):
    return type(obj).__name__


def as_point(x, name="x", *, max_ndim=2, allow_int_arrays=False):
    """Return `x` as a new, finite float64 array with ``ndim <= max_ndim``.

    Python ints, floats and (nested) lists of them are converted. A numpy
    array of integer dtype raises TypeError unless `allow_int_arrays`
    (``x + h`` on an int array truncates, a classic silent bug); bool and
    complex input always raise TypeError; empty, non-finite or too many
    dimensions raise ValueError.

    Examples
    --------
    >>> import numpy as np
    >>> as_point([1, 2])
    array([1., 2.])
    >>> as_point(np.arange(3))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: x is a numpy array of dtype int64; ...
    """
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} is a bool ({x!r}); pass a float such as "
                        "1.0")
    if isinstance(x, np.ndarray) and x.dtype.kind in "iu" \
            and not allow_int_arrays:
        raise TypeError(
            f"{name} is a numpy array of dtype {x.dtype}; pass floats, "
            f"e.g. {name}.astype(float) (with integers, {name} + h is "
            "truncated and derivatives come out wrong)")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} could not be read as an array of floats "
                         f"({exc})") from exc
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} is complex (dtype {arr.dtype}); real "
                        "floats are required")
    if kind == "b":
        raise TypeError(f"{name} has dtype bool; pass floats")
    if kind not in "iuf":
        raise TypeError(f"{name} must be a float or an array of floats, "
                        f"got {_type_name(x)} (dtype {arr.dtype})")
    if arr.ndim > max_ndim:
        raise ValueError(
            f"{name} has {arr.ndim} dimensions (shape {arr.shape}); only "
            f"up to {max_ndim} are supported (a scalar, a vector or a "
            "matrix): reshape it or differentiate slice by slice")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); there is "
                         "nothing to differentiate with respect to")
    arr = arr.astype(np.float64)          # always a fresh copy
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains {describe_bad(arr)}")
    return arr


def as_callable(f, name="f"):
    """Return `f` if it is callable, else raise TypeError naming it."""
    if not callable(f):
        raise TypeError(f"{name} must be a function (a callable), got "
                        f"{_type_name(f)} {f!r:.60}")
    return f


def describe_bad(arr):
    """Describe the first non-finite entry of `arr`, e.g. ``nan at [2]``."""
    arr = np.asarray(arr)
    bad = ~np.isfinite(arr)
    if not bad.any():
        return "no non-finite values"
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    value = arr[idx] if arr.ndim else arr[()]
    where = f" at index {list(idx)}" if arr.ndim else ""
    return f"{value}{where}"


def check_output(y, name="f", where="x", *, shape=None, complex_ok=False,
                 finite=True):
    """Return `f`'s value `y` as an array after checking it.

    `where` (a string, or a callable returning one, built only on error)
    says where `f` was evaluated, e.g. ``"x + h*e[2] (h = 0.001)"``.
    Raises TypeError for non-numeric (object, str, bool) or, unless
    `complex_ok`, complex values; ValueError for a shape different from
    `shape` or for nan/inf values (unless ``finite=False``: the caller
    then deals with them).
    """
    arr = np.asarray(y)
    kind = arr.dtype.kind
    if kind not in "iuf" and not (complex_ok and kind == "c"):
        _raise_type(arr, y, name, where)
    if shape is not None and arr.shape != shape:
        raise ValueError(
            f"{name} returned shape {arr.shape} at {_where(where)} but "
            f"shape {shape} at x; {name} must return the same shape "
            "everywhere")
    if finite and not np.isfinite(arr).all():
        raise ValueError(f"{name} returned {describe_bad(arr)} at "
                         f"{_where(where)}; it must be finite there")
    return arr


def _where(where):
    return where() if callable(where) else where


def _raise_type(arr, y, name, where):
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(f"{name} returned complex values (dtype "
                        f"{arr.dtype}) at {_where(where)}; it must return "
                        "real numbers")
    if kind == "b":
        raise TypeError(f"{name} returned booleans at {_where(where)}; it "
                        "must return floats")
    raise TypeError(f"{name} returned {_type_name(y)} (dtype {arr.dtype}) "
                    f"at {_where(where)}; it must return a float or an "
                    "array of floats")
