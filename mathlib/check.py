"""Check a hand-derived derivative against a trusted numerical one.

Introduced in chapter 2, *Partial derivatives and gradients*, and used in
every chapter after it: derive a gradient, Jacobian or Hessian by hand,
code it, and let the computer say whether (and how) it is wrong.

``check_gradient(f, grad_f, x)``   grad_f(x) has the shape of x
``check_jacobian(f, jac_f, x)``    jac_f(x) has shape f(x).shape + x.shape
``check_hessian(f, hess_f, x)``    hess_f(x) has shape x.shape + x.shape

Each compares your function with :mod:`mathlib.numeric` in two
independent ways:

1. entry by entry, against the numerical derivative at x;
2. the adjoint test: with random u (shaped like f(x)) and v (shaped like
   x), <u, J v> computed from your J must equal the numerical derivative
   of t -> <u, f(x + t v)> at t = 0 (a Jacobian-vector product that does
   not use the numerical Jacobian at all), and so must <J^T u, v>, your
   J contracted the other way. A Jacobian in the wrong layout fails it.

Both use the same normwise relative tolerance: with E the numerical
derivative and G yours, the check passes when
``max|G - E| <= rtol * max(max|E|, max|G|) + atol``. mathlib.numeric is
accurate to about 1e-13 relative for first derivatives and 1e-9 for
Hessians on smooth functions, so the defaults (rtol = 1e-7 for gradients
and Jacobians, 1e-6 for Hessians, atol = 1e-10) leave room for the
rounding errors of your own code while any mistake of algebra (an error
of 1e-3 or more, typically) fails. A failure comes with a diagnosis:
"shape", "transpose", "sign", "scale", "pointwise", "raised" or
"nonfinite" ("ok" for a pass).
"""

from collections import namedtuple
from fractions import Fraction

import numpy as np

from mathlib import numeric
from mathlib._validate import as_callable, as_point

__all__ = ["CheckResult", "check_gradient", "check_jacobian",
           "check_hessian"]

DIAGNOSES = ("ok", "shape", "transpose", "sign", "scale", "pointwise",
             "raised", "nonfinite")
ATOL = 1e-10

# What distinguishes the three checks: names for messages, the functions,
# whether f must be scalar, and setup(fx, x) -> (reference derivative as a
# thunk, output shape, layout text, jvp(u, v) = d/dt <u, out(x + t v)>).
_Spec = namedtuple("_Spec", "name what f deriv deriv_name scalar setup")


class CheckResult:
    """Verdict of a check: truthy iff it passed; prints as one line.

    Attributes
    ----------
    passed : bool
    max_error : float
        Largest entry of |yours - numerical|, relative to the largest
        entry in absolute value (nan when no comparison was possible).
    where : tuple or None
        Index of the worst entry.
    x : float or ndarray or None
        The point checked (the worst one when several were checked).
    diagnosis : str
        One of "ok", "shape", "transpose", "sign", "scale", "pointwise",
        "raised", "nonfinite".
    message : str
        The explanation (for a pass, the error and the point).
    expected, got : ndarray or None
        The numerical derivative and yours at x.
    """

    def __init__(self, name, passed, diagnosis, message, *, max_error=np.nan,
                 where=None, x=None, expected=None, got=None):
        assert diagnosis in DIAGNOSES
        self.name, self.passed, self.diagnosis = name, bool(passed), diagnosis
        self.message, self.max_error, self.where = message, max_error, where
        self.x, self.expected, self.got = x, expected, got

    def __bool__(self):
        return self.passed

    def __str__(self):
        return f"{'PASS' if self.passed else 'FAIL'} {self.name}: " \
            f"{self.message}"

    __repr__ = __str__


# ---------------------------------------------------------------- helpers


def _fmt_point(x):
    """x as a short list, e.g. [0.5, -1.0]."""
    x = np.asarray(x, dtype=float)
    rounded = [float(f"{v:.6g}") + 0.0 for v in x.ravel()]
    if x.ndim == 0:
        return repr(rounded[0])
    return repr(np.array(rounded).reshape(x.shape).tolist())


def _fmt_index(idx):
    return "" if idx == () else "[" + ", ".join(str(i) for i in idx) + "]"


def _points(x, points):
    """The list of points to check, as float arrays."""
    if (x is None) == (points is None):
        raise TypeError("give exactly one of x (a point) and points (a "
                        "list of points)")
    if x is not None:
        return [as_point(x, "x", allow_int_arrays=True)]
    if not isinstance(points, (list, tuple)) or not points:
        raise TypeError("points must be a non-empty list of points, got "
                        f"{type(points).__name__}")
    return [as_point(p, f"points[{i}]", allow_int_arrays=True)
            for i, p in enumerate(points)]


def _reader(g, what, x):
    """Call the reader's derivative function g at x.

    Returns (array, None) or (None, (diagnosis, message)).
    """
    try:
        with np.errstate(all="ignore"):
            out = g(_arg(x.copy()))
    except Exception as exc:            # the reader's bug, reported
        return None, ("raised", f"your {what} function raised "
                      f"{type(exc).__name__}: {exc} at x = {_fmt_point(x)}")
    try:
        arr = np.asarray(out)
    except ValueError:                  # e.g. a ragged list
        arr = np.asarray(None)
    if arr.dtype.kind not in "iuf":
        return None, ("shape", f"your {what} function returned "
                      f"{type(out).__name__} (dtype {arr.dtype}), not an "
                      "array of real numbers")
    arr = arr.astype(float)
    if not np.isfinite(arr).all():
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        entry = f" at entry {_fmt_index(idx)}" if idx else ""
        return None, ("nonfinite", f"your {what} has the non-finite value "
                      f"{arr[idx]}{entry}, x = {_fmt_point(x)}")
    return arr, None


def _value_of_f(f, x, scalar):
    """f(x) as an array, checked (ValueError/TypeError for bad f)."""
    try:
        with np.errstate(all="ignore"):
            y = np.asarray(f(_arg(x.copy())))
    except Exception as exc:
        return None, ("raised", f"f raised {type(exc).__name__}: {exc} at "
                      f"x = {_fmt_point(x)}")
    if y.dtype.kind not in "iuf":
        raise TypeError(f"f must return real floats, got dtype {y.dtype}")
    if scalar and y.ndim != 0:
        raise ValueError(f"f(x) has shape {y.shape}; check_gradient and "
                         "check_hessian need a scalar function (use "
                         "check_jacobian for vector-valued f)")
    if not np.isfinite(y).all():
        return None, ("nonfinite", f"f(x) is not finite at x = "
                      f"{_fmt_point(x)}; choose another point")
    return y.astype(float), None


def _transposes(E, k):
    """The "transposes" of E a reader may return by mistake: E with its k
    output axes moved last (the other layout), and, for a gradient with
    respect to a matrix, E.T."""
    if k == 0:
        return [E.T] if E.ndim == 2 else []
    return [np.transpose(E, list(range(k, E.ndim)) + list(range(k)))]


def _error(G, E):
    """(max relative entry error, index of the worst entry)."""
    diff = np.abs(G - E)
    scale = max(np.max(np.abs(E)), np.max(np.abs(G)), 1e-300)
    idx = np.unravel_index(np.argmax(diff), diff.shape) if diff.ndim else ()
    return float(np.max(diff) / scale), tuple(int(i) for i in idx)


def _close(G, E, rtol):
    scale = max(np.max(np.abs(E)), np.max(np.abs(G)))
    return np.max(np.abs(G - E)) <= rtol * scale + ATOL


def _fit(G, T, rtol):
    """The factor c with G = c T if there is one (None otherwise)."""
    tt = float(np.sum(T * T))
    if tt == 0.0:
        return None
    c = float(np.sum(G * T)) / tt
    return c if _close(G, c * T, rtol) else None


def _shape_failure(G, E, k, what, layout, rtol):
    """(diagnosis, message) for a derivative of the wrong shape."""
    msg = f"your {what} has shape {G.shape}, expected {E.shape} = {layout}"
    for T in _transposes(E, k):
        if G.shape == T.shape and _close(G, T, rtol):
            return "transpose", f"{msg}. It equals the transpose of the " \
                f"right answer: {_layout_hint(k)}."
    if E.ndim == 1 and G.shape in ((1, E.size), (E.size, 1)):
        kind = "row" if G.shape[0] == 1 else "column"
        msg += f": a {kind} vector where a flat vector is expected"
    if G.size == E.size and _close(G.reshape(E.shape), E, rtol):
        fix = "return a float" if E.ndim == 0 else f"reshape to {E.shape}"
        msg += f" (the numbers are right: {fix})"
    return "shape", msg + "."


def _value_failure(G, E, k, what, rtol):
    """(diagnosis, message) for a derivative of the right shape."""
    c = _fit(G, E, rtol)
    if c is not None and np.count_nonzero(E) < 2 and abs(c + 1) > 1e-6 \
            and not _simple_ratio(c):
        c = None         # with one number, any answer is a multiple of it
    if c is not None and c == 0.0:
        return "scale", f"your {what} is all zeros; the right one is not."
    if c is not None and abs(c + 1) <= 1e-6:
        return "sign", f"your {what} has the wrong sign: it equals minus " \
            "the right answer."
    if c is not None and abs(c - 1) > 1e-6:
        c = float(f"{c:.6g}")
        return "scale", f"your {what} is off by a constant factor " \
            f"of {c} (yours is {c} times the right answer)."
    for T in _transposes(E, k):
        if T.shape != E.shape or _close(T, E, rtol):
            continue                # not square, or symmetric
        c = _fit(G, T, rtol)
        if c is None:
            continue
        extra = "" if abs(c - 1) <= 1e-6 else " with the wrong sign" \
            if abs(c + 1) <= 1e-6 else f" times {float(f'{c:.6g}')}"
        return "transpose", f"your {what} equals the transpose of the " \
            f"right answer{extra}: {_layout_hint(k)}."
    scale = max(np.max(np.abs(E)), np.max(np.abs(G)))
    wrong = np.abs(G - E) > rtol * scale + ATOL
    _, idx = _error(G, E)
    others = int(wrong.sum()) - 1
    also = f" (and {others} other entr{'y' if others == 1 else 'ies'})" \
        if others else ""
    entry = f" at entry {_fmt_index(idx)}" if idx else ""
    tidy = lambda v: 0.0 if abs(v) <= 1e-12 * scale else v   # noqa: E731
    return "pointwise", f"your {what} is wrong{entry}{also}: yours " \
        f"{tidy(G[idx]):.6g}, expected {tidy(E[idx]):.6g}."


def _simple_ratio(c):
    """True if c is p/q with small integers (2, 1/2, -3, 2/3, ...)."""
    r = Fraction(c).limit_denominator(4)
    return abs(r.numerator) <= 12 and abs(c - float(r)) <= 1e-9 * abs(c)


def _layout_hint(k):
    if k == 0:
        return "the gradient with respect to a matrix has the shape of " \
            "the matrix (the numerator-layout derivative is its transpose)"
    return "a layout mix-up (denominator layout?)"


def _adjoint(G, E, out_shape, x, jvp, rtol, rng):
    """Adjoint test. Returns None if it passes, else a message."""
    u = rng.standard_normal(out_shape)
    v = rng.standard_normal(x.shape)
    Jv = np.tensordot(G, v, axes=x.ndim)             # shape out_shape
    JTu = np.tensordot(u, G, axes=len(out_shape))    # shape of x
    yours = (float(np.sum(u * Jv)), float(np.sum(JTu * v)))
    numerical = float(jvp(u, v))
    bound = np.linalg.norm(u) * np.linalg.norm(v)
    tol = bound * (rtol * np.linalg.norm(E) + ATOL)
    if max(abs(s - numerical) for s in yours) <= tol:
        return None
    return (f"<u, J v> = {yours[0]:.6g} and <J^T u, v> = {yours[1]:.6g} "
            f"from your J, but the derivative of <u, f(x + t v)> is "
            f"{numerical:.6g} (random u, v)")


def _check_point(spec, x, rtol, rng):
    """Check at one point: a CheckResult (failed) or (error, where, E, G)."""
    name, what = spec.name, spec.what
    fail = lambda d, m: CheckResult(name, False, d, m, x=x)   # noqa: E731
    fx, problem = _value_of_f(spec.f, x, spec.scalar)
    if problem is None:
        G, problem = _reader(spec.deriv, what, x)
    if problem is not None:
        return fail(*problem)
    reference, out_shape, layout, jvp = spec.setup(fx, x)
    k = len(out_shape)
    try:
        E = np.asarray(reference(), dtype=float)
    except Exception as exc:
        return fail("raised", f"mathlib.numeric could not differentiate f "
                    f"at x = {_fmt_point(x)}: {type(exc).__name__}: {exc}")
    if not np.isfinite(E).all():
        return fail("nonfinite", f"the numerical {what} of f is not finite "
                    f"at x = {_fmt_point(x)}; is f differentiable there?")
    if G.shape != E.shape:
        d, m = _shape_failure(G, E, k, what, layout, rtol)
        return CheckResult(name, False, d, m, x=x, expected=E, got=G)
    err, idx = _error(G, E)
    if not _close(G, E, rtol):
        d, m = _value_failure(G, E, k, what, rtol)
        return CheckResult(name, False, d, f"{m} x = {_fmt_point(x)}.",
                           max_error=err, where=idx, x=x, expected=E, got=G)
    adj = _adjoint(G, E, out_shape, x, jvp, rtol, rng)
    if adj is not None:
        return CheckResult(name, False, "pointwise", f"your {what} matches "
                           "the numerical one entry by entry but fails the "
                           f"adjoint test at x = {_fmt_point(x)}: {adj}; "
                           "is f differentiable there?", max_error=err,
                           where=idx, x=x, expected=E, got=G)
    return err, idx, E, G


def _run(spec, x, points, rtol, seed):
    """Check at every point; the first failure, or the worst pass."""
    if not isinstance(rtol, (int, float)) or not 0 < rtol < 1:
        raise ValueError(f"rtol must be a number in (0, 1), got {rtol!r}")
    as_callable(spec.f, "f")
    as_callable(spec.deriv, spec.deriv_name)
    pts = _points(x, points)
    rng = np.random.default_rng(seed)
    worst = None
    for i, p in enumerate(pts):
        out = _check_point(spec, p, rtol, rng)
        if isinstance(out, CheckResult):
            if len(pts) > 1:
                m = out.message.rstrip(".")
                out.message = f"{m} (point {i} of {len(pts)})."
            return out
        if worst is None or out[0] > worst[0][0]:
            worst = (out, p)
    (err, idx, E, G), p = worst
    of = f" (worst of {len(pts)} points)" if len(pts) > 1 else ""
    return CheckResult(spec.name, True, "ok", f"max rel. error {err:.1e} at "
                       f"x = {_fmt_point(p)}{of}", max_error=err,
                       where=idx, x=p, expected=E, got=G)


def _arg(x):
    """A 0-d array as a scalar (what f expects for a scalar x)."""
    x = np.asarray(x)
    return x if x.ndim else x[()]


# ------------------------------------------------------------- the checks


def check_gradient(f, grad_f, x=None, *, points=None, rtol=1e-7, seed=0):
    """Check a hand-coded gradient grad_f of a scalar function f.

    Introduced in chapter 2, *Partial derivatives and gradients*.

    Parameters
    ----------
    f : callable
        Scalar function of x (a float, 1-D or 2-D array).
    grad_f : callable
        Your gradient: grad_f(x) must have the shape of x.
    x : float or array_like, optional
        The point; or give ``points``, a list of points, to check at each.
    rtol : float
        Relative tolerance (see the module docstring); 1e-7.
    seed : int
        Seed of the random vectors of the adjoint test.

    Returns
    -------
    CheckResult
        Truthy iff the check passed; prints a one-line verdict.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x: 2*x[0] + x[1]**8
    >>> check_gradient(f, lambda x: np.array([2, 8*x[1]**7]), [0.5, -1.0])
    ... # doctest: +ELLIPSIS
    PASS check_gradient: max rel. error ... at x = [0.5, -1.0]
    >>> r = check_gradient(f, lambda x: np.array([2, 7*x[1]**8]),
    ...                    [0.5, -1.0])
    >>> r.diagnosis
    'pointwise'
    >>> print(r)
    FAIL check_gradient: your gradient is wrong at entry [1]: yours 7,
    expected -8. x = [0.5, -1.0].
    """
    def setup(fx, x):
        ref = lambda: numeric.gradient(f, _arg(x))              # noqa
        jvp = lambda u, v: u * numeric.directional_derivative(  # noqa
            f, _arg(x), _arg(v))
        return ref, (), "x.shape", jvp

    spec = _Spec("check_gradient", "gradient", f, grad_f, "grad_f", True,
                 setup)
    return _run(spec, x, points, rtol, seed)


def check_jacobian(f, jac_f, x=None, *, points=None, rtol=1e-7, seed=0):
    """Check a hand-coded Jacobian jac_f of a function f.

    Introduced in chapter 4, *Jacobians*.

    Parameters
    ----------
    f : callable
        Function of x returning a float or an array.
    jac_f : callable
        Your Jacobian, in numerator layout: jac_f(x) must have shape
        ``f(x).shape + x.shape`` (m x n for f: R^n -> R^m).
    x, points, rtol, seed
        As in :func:`check_gradient`.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x: np.array([x[0]*x[1], x[0] + x[1], x[0]**2])
    >>> J = lambda x: np.array([[x[1], x[0]], [1, 1], [2*x[0], 0]])
    >>> check_jacobian(f, J, [1.0, 2.0])       # doctest: +ELLIPSIS
    PASS check_jacobian: max rel. error ... at x = [1.0, 2.0]
    >>> print(check_jacobian(f, lambda x: J(x).T, [1.0, 2.0]))
    FAIL check_jacobian: your Jacobian has shape (2, 3), expected (3, 2)
    = f(x).shape + x.shape (numerator layout). It equals the transpose of
    the right answer: a layout mix-up (denominator layout?).
    """
    def setup(fx, x):
        ref = lambda: numeric.jacobian(f, _arg(x))              # noqa

        def jvp(u, v):
            def uf(y):
                return np.sum(u * np.asarray(f(y)))
            return numeric.directional_derivative(uf, _arg(x), _arg(v))
        return ref, fx.shape, "f(x).shape + x.shape (numerator layout)", \
            jvp

    spec = _Spec("check_jacobian", "Jacobian", f, jac_f, "jac_f", False,
                 setup)
    return _run(spec, x, points, rtol, seed)


def check_hessian(f, hess_f, x=None, *, points=None, rtol=1e-6, seed=0):
    """Check a hand-coded Hessian hess_f of a scalar function f.

    Introduced in chapter 7, *Hessians and quadratic approximation*.

    Parameters
    ----------
    f : callable
        Scalar function of x.
    hess_f : callable
        Your Hessian: hess_f(x) must have shape ``x.shape + x.shape``.
    x, points, seed
        As in :func:`check_gradient`.
    rtol : float
        1e-6 by default: numerical second derivatives can be less accurate
        (about 1e-9) than first ones.

    Returns
    -------
    CheckResult

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x: x[0]**3 * x[1] + x[1]**2
    >>> H = lambda x: np.array([[6*x[0]*x[1], 3*x[0]**2],
    ...                         [3*x[0]**2, 2.0]])
    >>> check_hessian(f, H, [1.0, -2.0])       # doctest: +ELLIPSIS
    PASS check_hessian: max rel. error ... at x = [1.0, -2.0]
    >>> check_hessian(f, lambda x: 2 * H(x), [1.0, -2.0]).diagnosis
    'scale'
    """
    def setup(fx, x):
        ref = lambda: numeric.hessian(f, _arg(x))               # noqa

        def jvp(u, v):
            def phi(st):
                return f(_arg(x + st[0] * u + st[1] * v))
            return numeric.hessian(phi, np.zeros(2))[0, 1]
        return ref, x.shape, "x.shape + x.shape", jvp

    spec = _Spec("check_hessian", "Hessian", f, hess_f, "hess_f", True,
                 setup)
    return _run(spec, x, points, rtol, seed)
