"""Derivatives of numpy functions, accurate to float64's limit.

The six functions of this module differentiate any Python function ``f``
built from numpy operations at a point ``x`` (a float, a vector or a
matrix):

derivative(f, x)                  f'(x) for f: R -> R
partial(f, x, i)                  df/dx_i
gradient(f, x)                    shape of x (f scalar)
directional_derivative(f, x, v)   grad f(x) . v, v not normalized
jacobian(f, x)                    shape f(x).shape + x.shape (numerator)
hessian(f, x)                     shape x.shape + x.shape (f scalar)

How (``method="auto"``, the default), and why
---------------------------------------------
First derivatives use the *complex step*: for real-analytic ``f``,
``f(x + i h v) = f(x) + i h J v + O(h^2)``, so ``Im f(x + i h v) / h`` is
the directional derivative with no subtraction, hence no cancellation:
with ``h = 1e-20 * max(1, |x|)`` it is exact to rounding (~1e-16) for one
complex evaluation per direction. No difference quotient comes close
(central differences: ~1e-10, Richardson: ~1e-13 for 5-10 times the
evaluations), which is why it is the default.

It is only valid for *complex-safe* ``f``, which is checked without any
flag from the caller, in three stages. (1) Complex points: ``f`` raising
on complex input (``math.exp``, ``np.logaddexp``) or returning a real
value (``np.abs``, ``slogdet`` drop the imaginary part) is caught at the
first evaluation. (2) For vector and matrix x, the same points as an
ndarray subclass on which ``abs``, ``fabs``, ``sign``, ``logaddexp(2)``,
``linalg.slogdet`` and ``linalg.norm`` are the *analytic continuations*
of the real functions (``|z| = z`` or ``-z`` by the sign of ``Re z``: the
"complexification" of Martins, Sturdza and Alonso, 2003), which makes
most such ``f`` complex-safe: as accurate, for a few times the cost of an
evaluation (Python dispatches every numpy call on them). (3) A real
fallback: an eighth-order central stencil (the Richardson extrapolation
of D(h), ..., D(4h), with an error estimate), and where that estimate is
not convincing, Ridders' method (halve h until successive extrapolations
agree). Every complex-step answer must agree with a cheap real *screen*:
central differences along one mixed direction at steps t and 2t (4
evaluations), with a tolerance from the screen's own truncation and
rounding bound; ``np.sign``, a partly dropped imaginary part such as
``x + abs(x)``, or a kink within t show up as an O(1) gap or as one-sided
slopes that do not converge, and send the computation on. On the real
path a kink (``abs`` at 0, ``relu`` at 0, ``max(x, y)`` at ``x == y``)
raises ValueError naming the component and both slopes, while a kink
merely *near* x is resolved by shrinking the step below its distance.
``np.maximum``, ``x * (x > 0)`` and ``np.where`` are complex-safe away
from their kinks. What failed because of f's code (not of the point) is
remembered per function object, so that the next call with the same
``f`` starts at the stage that worked; the answer is still screened.

Hessians use the *45-degree complex step*: with ``w = exp(i pi / 4)``,
``Im(f(x + w d u) + f(x - w d u)) / d^2 = u^T H u - d^4 f^(6)[u] / 360``
``+ O(d^8)`` (``w^2 = i``, ``w^4 = -1``: the gradient term, the d^2 error
term and the subtraction of f(x) all disappear), for u = e_j and
e_j + e_k, n(n+1) complex evaluations per step d, extrapolated in d^4.
Where to start: the forms converge like (d/R)^4 for f analytic on a disc
of radius R, so the table starts at R / 128, with R estimated from the
screen's own samples; for n > 3, where a step costs 20 evaluations or
more, a pilot run along the screen's direction (4 evaluations) measures
the convergence first, and the table starts where two steps, d and d/2,
will do. That gives ~1e-14 to 3e-13 relative to max |H| (a few 1e-12
near a singularity, on the battery of benchmarks/numeric.py and the
sympy-checked family of tests/test_mutants_numeric_edges.py), with a
third step, or a restart at a
smaller d, when two steps do not do. The same real screen, on second
differences, guards the answer, with the same three stages; the real
fallback extrapolates real second differences (~1e-11; up to ~1e-10 at
steep points and at distances down to ~1e-3 from a singularity, 8e-10
for log det X with cond(X) = 2000; closer to a singularity the steps
must be smaller, and the rounding of f's other terms, eps |f| / d^2,
grows). Steps are powers
of two scaled by max(1, |x_i|), so that ``x + h`` is exact and large
arguments work.

The other methods exist so that the book can show why they are worse:
``"complex"`` (complex step, no checks), ``"richardson"`` (the real
fallback), ``"central"`` and ``"forward"`` (the textbook difference
quotients with the classic steps eps**(1/3) and eps**(1/2) times
max(1, |x|), or a given absolute step ``h``; relative errors ~1e-10 and
~1e-8; for Hessians eps**(1/4) and eps**(1/3), ~1e-7 and ~1e-5).
"""

import functools
import itertools
import math
import warnings
import weakref

import numpy as np

from ._validate import as_callable, as_point, check_output, describe_bad

__all__ = ["derivative", "partial", "gradient", "directional_derivative",
           "jacobian", "hessian", "METHODS"]

METHODS = ("auto", "complex", "richardson", "central", "forward")

_EPS = np.finfo(np.float64).eps
_H_COMPLEX = 1e-20          # complex step, relative to max(1, |x|)
_H_STENCIL = 2.0 ** -7      # step of the eighth-order real stencil
_L8 = np.array([8 / 5, -4 / 5, 8 / 35, -1 / 35])   # its Lagrange weights
_L6 = np.array([3 / 2, -3 / 5, 1 / 10])            # ... and sixth-order
_H0_FIRST = 2.0 ** -5       # first step of the real Richardson tables
_H0_SECOND = 2.0 ** -3      # ... of the real Hessian tables
_H0_COMPLEX_HESSIAN = 2.0 ** -3   # ... of the 45-degree complex ones
_R_FRACTION = 2.0 ** -5     # ... or this fraction of f's radius estimate
_MAX_LEVELS = 30            # step halvings before giving up
_BATCH = 2 ** 18            # largest batch of points built at once
_MAX_SHRINK = 20            # divisions by 4 looking for finite values
_SAFE = 2.0                 # Ridders: stop once the error grows this much
_GOLDEN = (5 ** 0.5 - 1) / 2
_T_SCREEN = 2.0 ** -17      # ~ eps**(1/3): step of the real screen
_T_SCREEN_2 = 2.0 ** -13    # ~ eps**(1/4): step of the Hessian screen
_SCREEN_TRIES = 4
_SCREEN_STEPS = np.array([1.0, -1.0, 2.0, -2.0])
_OMEGA = np.exp(1j * np.pi / 4)
_PILOT = np.array([1.0, -1.0, 0.5, -0.5]) * _OMEGA   # steps of `_pilot`
_PILOT_R = 1e-8             # the change from d to d/2 it aims at
_ComplexWarning = getattr(np, "exceptions", np).ComplexWarning
_FLOATS = {float, np.float64}
_SMALL = 4                  # n up to which Hessian tables may use floats


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------

def _quiet(func):
    """Run func with numpy's floating-point warnings and ComplexWarning
    off: f is sampled where it may overflow (non-finite values are checked
    anyway) and at complex points (a dropped imaginary part is detected
    anyway)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", _ComplexWarning)
            return func(*args, **kwargs)
    return wrapper


@_quiet
def derivative(f, x, method="auto", h=None):
    """Derivative f'(x) of a function of one variable.

    Parameters
    ----------
    f : callable
        f(x) -> float; built from numpy operations.
    x : float
        The point (a Python or numpy scalar, or a 0-d array).
    method : {"auto", "complex", "richardson", "central", "forward"}
        See the module docstring; "auto" is accurate to ~1e-16 for
        complex-safe f, ~1e-13 otherwise.
    h : float, optional
        Absolute step of the "central" and "forward" methods (default
        eps**(1/3) and eps**(1/2) times max(1, |x|)).

    Returns
    -------
    float
        f'(x) (an array of shape f(x).shape if f is vector-valued).

    Introduced in chapter 1, *Limits and derivatives*.

    Examples
    --------
    >>> print(f"{derivative(np.sin, 0.0):.6f}")
    1.000000
    >>> print(f"{derivative(lambda t: t**3, 2.0):.6f}")
    12.000000
    """
    method, h = _check_method(method, h)
    F, x0 = _prepare(f, x)
    if x0.ndim != 0:
        raise ValueError(f"derivative needs a scalar x, got shape "
                         f"{x0.shape}; use gradient, partial or jacobian")
    jv = _jvp(F, _Directions.unit(1), method, h)
    return _shaped(jv[:, 0], F.out_shape)


@_quiet
def partial(f, x, i, method="auto", h=None):
    """Partial derivative of f with respect to the component x[i].

    Parameters
    ----------
    f : callable
        f(x) -> float (or array: the result then has f(x)'s shape).
    x : array_like, shape (n,) or (p, q)
        The point.
    i : int or tuple of two ints
        The component: an int for a vector x, a (row, column) tuple for a
        matrix x.
    method, h
        As in `derivative`.

    Returns
    -------
    float
        df/dx_i at x (an array of shape f(x).shape for vector-valued f).

    Introduced in chapter 2, *Partial derivatives and gradients*.

    Examples
    --------
    >>> f = lambda x: x[0] ** 2 * x[1]
    >>> print(f"{partial(f, [3.0, 2.0], 0):.6f}")
    12.000000
    >>> print(f"{partial(f, [3.0, 2.0], 1):.6f}")
    9.000000
    """
    method, h = _check_method(method, h)
    F, x0 = _prepare(f, x)
    j = _flat_index(i, x0.shape)
    jv = _jvp(F, _Directions.unit(x0.size, [j]), method, h)
    return _shaped(jv[:, 0], F.out_shape)


@_quiet
def gradient(f, x, method="auto", h=None):
    """Gradient of a scalar function, with the shape of x.

    Parameters
    ----------
    f : callable
        f(x) -> float (a Python or numpy scalar or a 0-d array; a
        shape-(1,) array is refused: use `jacobian` for vector outputs).
    x : float or array_like, shape (n,) or (p, q)
        The point.
    method, h
        As in `derivative`.

    Returns
    -------
    ndarray, shape x.shape
        ``g[i] = df/dx[i]`` (for a matrix x, ``g[i, j] = df/dX[i, j]``,
        the "same shape as the variable" convention); a float if x is a
        scalar.

    Introduced in chapter 2, *Partial derivatives and gradients*.

    Examples
    --------
    >>> f = lambda x: x[0] ** 2 + 3 * x[0] * x[1]
    >>> print(np.round(gradient(f, [1.0, 2.0]), 6))
    [8. 3.]
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> print(np.round(gradient(lambda X: np.trace(A @ X), np.eye(2)), 6))
    [[1. 3.]
     [2. 4.]]
    """
    method, h = _check_method(method, h)
    F, x0 = _prepare(f, x)
    _require_scalar(F, "gradient")
    jv = _jvp(F, _Directions.unit(x0.size), method, h)
    return _shaped(jv[0], x0.shape)


@_quiet
def directional_derivative(f, x, v, method="auto", h=None):
    """Directional derivative grad f(x) . v (v is not normalized).

    Parameters
    ----------
    f : callable
        f(x) -> float (or array: the result then has f(x)'s shape).
    x : float or array_like, shape (n,) or (p, q)
        The point.
    v : float or array_like, same shape as x
        The direction; it is used as given, not normalized, so the result
        is the rate of change per unit of the parameter t in f(x + t v).
    method, h
        As in `derivative`; h is a step along v / max|v_i|.

    Returns
    -------
    float
        d/dt f(x + t v) at t = 0 (an array of shape f(x).shape for
        vector-valued f). It costs a few evaluations of f whatever the
        size of x, where the gradient costs one per component.

    Introduced in chapter 3, *Directional derivatives and steepest
    ascent*.

    Examples
    --------
    >>> f = lambda x: x[0] ** 2 + 3 * x[0] * x[1]
    >>> print(f"{directional_derivative(f, [1.0, 2.0], [1.0, 1.0]):.6f}")
    11.000000
    """
    method, h = _check_method(method, h)
    F, x0 = _prepare(f, x)
    v0 = as_point(v, "v", allow_int_arrays=True)
    if v0.shape != x0.shape:
        raise ValueError(f"v has shape {v0.shape} but x has shape "
                         f"{x0.shape}; they must match")
    size = float(np.abs(v0).max())           # J v = size * J (v / size)
    if size == 0:
        return _shaped(np.zeros(F.m), F.out_shape)
    u = (v0 / size).reshape(1, -1)
    jv = _jvp(F, _Directions.dense(u), method, h)
    return _shaped(jv[:, 0] * size, F.out_shape)


@_quiet
def jacobian(f, x, method="auto", h=None):
    """Jacobian of f at x in numerator layout: shape f(x).shape + x.shape.

    Parameters
    ----------
    f : callable
        f(x) -> float or array of any shape.
    x : float or array_like, shape (n,) or (p, q)
        The point.
    method, h
        As in `derivative`.

    Returns
    -------
    ndarray, shape f(x).shape + x.shape
        ``J[a, b] = df[a]/dx[b]``: rows are outputs, columns inputs, so
        for f: R^n -> R^m it is m x n. (A float if f and x are scalars.)

    Introduced in chapter 4, *Jacobians*.

    Examples
    --------
    >>> f = lambda x: np.array([x[0] * x[1], x[0] + 2 * x[1], x[1] ** 2])
    >>> print(np.round(jacobian(f, [1.0, 3.0]), 6))
    [[3. 1.]
     [1. 2.]
     [0. 6.]]
    """
    method, h = _check_method(method, h)
    F, x0 = _prepare(f, x)
    jv = _jvp(F, _Directions.unit(x0.size), method, h)
    return _shaped(jv, F.out_shape + x0.shape)


@_quiet
def hessian(f, x, method="auto", h=None):
    """Hessian of a scalar function: shape x.shape + x.shape.

    Parameters
    ----------
    f : callable
        f(x) -> float.
    x : float or array_like, shape (n,) or (p, q)
        The point.
    method : {"auto", "complex", "richardson", "central", "forward"}
        "auto" and "complex" extrapolate 45-degree complex steps
        (relative error ~1e-14 to 3e-13, see the module docstring);
        "auto" falls back to "richardson" (extrapolated real second
        differences, ~1e-11, up to ~1e-10 near a singularity) for f
        that are not complex-safe, even with abs and its kin continued,
        and raises at a kink; "central" and "forward" are the textbook
        second differences with step h.
    h : float, optional
        Step of the "central" and "forward" methods.

    Returns
    -------
    ndarray, shape x.shape + x.shape
        ``H[i, j] = d2f/dx[i]dx[j]``, symmetric; for a matrix x,
        ``H[i, j, k, l] = d2f/dX[i, j]dX[k, l]``. A float for scalar x.

    Introduced in chapter 7, *Hessians and quadratic approximation*.

    Examples
    --------
    >>> f = lambda x: x[0] ** 2 * x[1] + np.exp(x[1])
    >>> print(np.round(hessian(f, [1.0, 0.0]), 6))
    [[0. 2.]
     [2. 1.]]
    """
    method, h = _check_method(method, h)
    F, x0 = _prepare(f, x)
    _require_scalar(F, "hessian")
    H = _hessian_flat(F, method, h)
    return _shaped(H, x0.shape + x0.shape)


# --------------------------------------------------------------------------
# argument handling
# --------------------------------------------------------------------------

def _check_method(method, h):
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if h is None:
        return method, None
    if method not in ("central", "forward"):
        raise ValueError(f"h is only used by method='central' or "
                         f"'forward', not by method={method!r}")
    if isinstance(h, (bool, np.bool_)) or not isinstance(
            h, (int, float, np.integer, np.floating)) or not (
            np.isfinite(h) and h > 0):
        raise ValueError(f"h must be a positive finite float, got {h!r}")
    return method, float(h)


def _prepare(f, x):
    if type(x) is np.ndarray and x.dtype == np.float64 and 0 < x.ndim <= 2 \
            and x.size:
        x0 = x.copy()           # the common case, quickly (finite: in _Fun)
    else:
        x0 = as_point(x, "x")
    return _Fun(as_callable(f, "f"), x0), x0


def _require_scalar(F, name):
    if F.out_shape != ():
        hint = " or return f(x)[0]" if F.out_shape == (1,) else ""
        raise ValueError(
            f"f returned shape {F.out_shape} at x but {name} needs a scalar "
            f"f (a float or 0-d array); use jacobian for vector outputs"
            f"{hint}")


def _flat_index(i, shape):
    if len(shape) == 0:
        raise ValueError("partial needs a vector or matrix x, got a scalar;"
                         " use derivative")
    if len(shape) == 2 and not isinstance(i, tuple):
        raise TypeError(f"i must be a (row, column) tuple for a matrix x of "
                        f"shape {shape}, got {i!r}")
    idx = (i,) if len(shape) == 1 else i
    if not isinstance(idx, tuple) or len(idx) != len(shape) or not all(
            isinstance(k, (int, np.integer))
            and not isinstance(k, (bool, np.bool_)) for k in idx):
        raise TypeError(f"i must be an int for a vector x (a (row, column) "
                        f"tuple for a matrix x), got {i!r}")
    if not all(0 <= k < n for k, n in zip(idx, shape)):
        raise IndexError(f"i = {i!r} is out of range for x of shape {shape}"
                         f" (indices start at 0; negative ones are refused)")
    return int(np.ravel_multi_index(idx, shape))


def _shaped(a, shape):
    a = np.asarray(a, dtype=np.float64).reshape(shape)
    return float(a) if a.ndim == 0 else a


def _pow2(a):
    """The smallest power(s) of two >= a > 0, so that steps are exact."""
    if isinstance(a, float):
        return 2.0 ** math.ceil(math.log2(a))
    return 2.0 ** np.ceil(np.log2(a))


def _norm(a):
    return float(np.maximum.reduce(np.abs(a), axis=None))


def _finite(a):
    """Are all entries of a finite? (Usually one cheap sum.)"""
    return math.isfinite(np.add.reduce(a, axis=None)) or bool(
        np.isfinite(a).all())


def _moved(x, j, step):
    z = x.astype(np.result_type(x, step))
    z[j] += step
    return z


def _colnorm(A):
    return np.maximum.reduce(np.abs(A), axis=0)


# --------------------------------------------------------------------------
# f as a map between flat vectors, evaluated in batches
# --------------------------------------------------------------------------

class _NotComplexSafe(Exception):
    """f cannot be differentiated by complex steps (reason in args[0]).
    `lasting` is False when the failure may depend on the point (a value
    that is not finite), True when it is a property of f's code."""

    def __init__(self, why, lasting=True):
        super().__init__(why)
        self.lasting = lasting


class _Fun:
    """f seen as a map from flat float vectors to flat float vectors."""

    def __init__(self, f, x0):
        self.f, self.shape, self.x = f, x0.shape, x0.ravel()
        self.ax, self._s = np.abs(self.x), None
        self.xmax = float(np.maximum.reduce(self.ax, axis=None))
        if not math.isfinite(self.xmax):
            as_point(x0, "x")               # raises: x contains nan ...
        raw = self._evaluate([self.x.copy()])[0]    # f may modify it
        if isinstance(raw, (float, np.floating)) and math.isfinite(raw):
            self.y0, self.out_shape, self.m = np.array([float(raw)]), (), 1
            self.fmax = abs(float(raw))     # the common case, quickly
            return
        y0 = np.asarray(raw)
        if y0.dtype.kind not in "iuf" or not (
                math.isfinite(y0) if y0.ndim == 0 else np.isfinite(y0).all()):
            check_output(raw, where="x")
        self.y0 = y0.astype(np.float64).ravel()
        self.out_shape, self.m = y0.shape, self.y0.size
        self.fmax = abs(float(y0)) if y0.ndim == 0 else _norm(self.y0)

    @property
    def s(self):
        """Step scale per component: a power of two >= max(1, |x_i|)."""
        if self._s is None:
            self._s = (_pow2(np.maximum(1.0, self.ax)) if self.xmax > 1
                       else np.ones(len(self.x)))
        return self._s

    def _evaluate(self, points):
        """[f(z) for z in points], each z reshaped to x's shape; an
        exception raised by f gets a note naming the point."""
        f, shape, outs, z = self.f, self.shape, [], None
        try:
            if len(shape) == 1:
                for z in points:
                    outs.append(f(z))
            elif shape:
                for z in points:
                    outs.append(f(z.reshape(shape)))
            else:
                for z in points:
                    outs.append(f(z[0]))
        except Exception as exc:
            exc.add_note(f"(raised by f at {self.label(z)}, "
                         "evaluated by mathlib.numeric)")
            raise
        return outs

    def real(self, points, finite=True):
        """f at each point (flat float vectors) as an (N, m) array; nan
        and inf raise ValueError naming the point unless not `finite`."""
        if not isinstance(points, np.ndarray):
            points = list(points)
        return self._rows(self._evaluate(points), points, finite)

    def reals(self, points):
        """For scalar f: [f(z) for z in points] as Python floats (nan and
        inf included)."""
        outs = self._evaluate(points)
        if set(map(type, outs)) <= _FLOATS:
            return outs                     # the common case, quickly
        return self._rows(outs, points, False)[:, 0].tolist()

    def _rows(self, outs, points, finite):
        try:
            Y = np.asarray(outs)
            ok = Y.dtype.kind in "iuf" and Y.shape[1:] == self.out_shape
        except ValueError:                  # ragged shapes
            ok = False
        if not ok:
            for z, y in zip(points, outs):
                check_output(y, where=lambda: self.label(z),
                             shape=self.out_shape)
        Y = Y.reshape(len(outs), self.m).astype(np.float64, copy=False)
        if finite and not _finite(Y):
            r = int(np.argmin(np.isfinite(Y).all(axis=1)))
            check_output(outs[r], where=self.label(points[r]))
        return Y

    def cplx(self, points, analytic=False):
        """f at complex points as an (N, m) complex array, passed as
        `_Analytic` arrays if `analytic`. Raises _NotComplexSafe as soon as
        f raises or returns a real value (at the first point, usually)."""
        points = iter(points if not analytic else
                      (z.view(_Analytic) for z in points))
        try:
            outs = self._evaluate(itertools.islice(points, 1))
            if _kind(outs[0]) == "c":
                outs += self._evaluate(points)
            Y = np.asarray(outs)
        except Exception as exc:
            raise _NotComplexSafe(f"f raised {type(exc).__name__} at a "
                                  f"complex point ({exc})") from exc
        if Y.dtype.kind != "c":
            raise _NotComplexSafe("f returned real values for complex input"
                                  " (it drops the imaginary part)")
        if Y.shape[1:] != self.out_shape:
            raise _NotComplexSafe("f returned another shape for complex "
                                  "input")
        return Y.reshape(len(outs), self.m)

    def name(self, j):
        """'x[2]', 'x[0, 1]' or 'x' (scalar x) for the flat index j."""
        if not self.shape:
            return "x"
        return f"x[{', '.join(map(str, np.unravel_index(j, self.shape)))}]"

    def label(self, z):
        """Text for the point z, e.g. 'x + 0.001*e[2]'."""
        if np.iscomplexobj(z):
            return "a complex point near x"
        delta = z - self.x
        idx = np.flatnonzero(delta)
        if len(idx) > 2:
            return f"x + t*v (a step of size {_norm(delta):.3g})"
        out = "x"
        for j in idx:
            e = "" if not self.shape else "*e" + self.name(j)[1:]
            sign = "-" if delta[j] < 0 else "+"
            out += f" {sign} {abs(delta[j]):.3g}{e}"
        return out


# --------------------------------------------------------------------------
# complexified numpy: abs, sign, ... continued analytically
# --------------------------------------------------------------------------

def _kind(y):
    """The dtype kind of a value returned by f: 'f', 'c', ..."""
    dtype = getattr(y, "dtype", None)
    return (dtype if dtype is not None else np.asarray(y).dtype).kind


def _cabs(z):
    """|x| continued to complex z = x + iy: z where x >= 0, -z where x < 0
    (np.abs(z) is the modulus, a real number)."""
    return z * np.copysign(1.0, z.real)


def _csign(z):
    """sign(x) continued: sign(Re z), a constant (np.sign(z) is z/|z|)."""
    return np.sign(z.real)


def _clogaddexp(a, b, log2=False):
    """log(e^a + e^b) (log2(2^a + 2^b) if log2) for complex a, b, from the
    one with the larger real part (numpy has no complex logaddexp; its
    maximum and minimum order complex numbers by real part first)."""
    big, small = np.maximum(a, b), np.minimum(a, b)
    if log2:
        return big + np.log1p(np.exp2(small - big)) / np.log(2.0)
    return big + np.log1p(np.exp(small - big))


def _cslogdet(a):
    """(sign, log|det a|) continued: log(s det a), s = sign(Re det a)."""
    sign, logabs = result = np.linalg.slogdet(a)
    s = np.sign(sign.real)
    out = s, logabs + np.log(s * sign)
    return type(result)(*out) if hasattr(result, "_fields") else out


def _cnorm(x, ord=None, axis=None, keepdims=False):
    """The Frobenius or 2-norm sqrt(sum x^2) and vector p-norms
    (sum |x|^p)^(1/p) continued; other norms as numpy computes them."""
    if ord in (None, "fro") or (ord == 2 and (x.ndim == 1 or isinstance(
            axis, (int, np.integer)))):
        return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))
    if isinstance(ord, (int, float)) and 1 <= ord < np.inf and (
            x.ndim == 1 or isinstance(axis, (int, np.integer))):
        return np.sum(_cabs(x) ** ord, axis=axis, keepdims=keepdims) ** (
            1 / ord)
    return np.linalg.norm(x, ord, axis, keepdims)


def _csum(a, axis=None, dtype=None, out=None, **kwargs):
    """np.sum of a plain array as the ufunc reduction it is (numpy's
    Python wrapper costs more than a small sum)."""
    if type(a) is not np.ndarray:
        return np.sum(a, axis, dtype, out, **kwargs)
    return np.add.reduce(a, axis, dtype, out, **kwargs)


_UFUNC_RULES = {np.absolute: _cabs, np.fabs: _cabs, np.sign: _csign,
                np.logaddexp: _clogaddexp,
                np.logaddexp2: functools.partial(_clogaddexp, log2=True)}
_FUNCTION_RULES = {np.linalg.slogdet: _cslogdet, np.linalg.norm: _cnorm,
                   np.sum: _csum}


class _Analytic(np.ndarray):
    """A complex array on which abs, fabs, sign, logaddexp(2),
    linalg.slogdet and linalg.norm are the analytic continuations of the
    real functions (the *complexification* of Martins, Sturdza and Alonso,
    2003). Every other operation is numpy's, on plain arrays; complex
    results are _Analytic again, scalars as 0-d arrays, so that the rules
    reach every later step of f. (The rules agree with numpy for real
    input.) The dispatch costs a microsecond or two per numpy call: f sees
    these arrays only when plain complex points failed."""

    def __array_ufunc__(self, ufunc, method, *args, **kwargs):
        if method == "__call__" and not kwargs:         # the common case
            rule = _UFUNC_RULES.get(ufunc, ufunc)
            if len(args) == 1:
                result = rule(args[0].view(np.ndarray))
            elif len(args) == 2:
                a, b = args
                result = rule(a.view(np.ndarray) if type(a) is _Analytic
                              else a, b.view(np.ndarray)
                              if type(b) is _Analytic else b)
            else:
                result = rule(*_plain(args))
            if type(result) is np.ndarray:
                return result.view(_Analytic) if result.dtype.kind == "c" \
                    else result
            return _wrap(result)
        out = kwargs.get("out")
        if out is not None:
            kwargs["out"] = tuple(_plain(out))
        result = getattr(ufunc, method)(*_plain(args), **kwargs)
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types, args, kwargs):
        rule = _FUNCTION_RULES.get(func)
        if rule is None:            # numpy's, on plain arrays (faster)
            rule = getattr(func, "_implementation", None)
            if rule is None:
                return _wrap(super().__array_function__(
                    func, types, tuple(_plain(args)), kwargs))
        result = rule(*_plain(args), **kwargs)
        if type(result) is np.ndarray:
            return result.view(_Analytic) if result.dtype.kind == "c" \
                else result
        return _wrap(result)

    def __getitem__(self, key):
        return _wrap(super().__getitem__(key))


def _plain(values):
    return [v.view(np.ndarray) if type(v) is _Analytic else v
            for v in values]


def _wrap(result):
    """Complex arrays and scalars as _Analytic (so that the rules apply to
    them too); tuples element by element; anything else unchanged."""
    if type(result) is np.ndarray:
        return result.view(_Analytic) if result.dtype.kind == "c" else result
    if isinstance(result, np.complexfloating):
        return np.asarray(result).view(_Analytic)
    if isinstance(result, tuple):
        parts = map(_wrap, result)
        return type(result)(*parts) if hasattr(result, "_fields") \
            else tuple(parts)
    return result


@functools.lru_cache(maxsize=64)
def _eye(n, unit=1.0):
    return unit * np.eye(n)


@functools.lru_cache(maxsize=64)
def _all_units(n):
    return _Directions(n, index=np.arange(n))


class _Directions:
    """k directions in R^n: unit vectors e_j (j in `index`), or the rows of
    a dense (k, n) array `V`."""

    def __init__(self, n, index=None, V=None):
        self.n, self.index, self.V = n, index, V
        self.k = len(index) if V is None else len(V)
        self.all = V is None and self.k == n

    @classmethod
    def unit(cls, n, index=None):
        if index is None:
            return _all_units(n)
        return cls(n, index=np.asarray(index))

    @classmethod
    def dense(cls, V):
        return cls(V.shape[1], V=V)

    def tile(self, times):
        """These directions repeated `times` times."""
        if self.V is None:
            return _Directions.unit(self.n, np.tile(self.index, times))
        return _Directions.dense(np.tile(self.V, (times, 1)))

    def subset(self, rows):
        if self.V is None:
            return _Directions.unit(self.n, self.index[rows])
        return _Directions.dense(self.V[rows])

    def scale(self, F):
        """Step scale per direction: a power of two >= max(1, |x_i|) over
        the components it moves, divided by max |v_i|."""
        if self.V is None:
            return F.s if self.all else F.s[self.index]
        x = F.x
        vmax = np.max(np.abs(self.V), axis=1)
        a = np.max(np.where(self.V != 0, np.abs(x), 0.0), axis=1)
        return _pow2(np.maximum(1.0, a) / np.where(vmax > 0, vmax, 1.0))

    def magnitude(self, F):
        """max(1, |x_i|) over the components each direction moves, divided
        by max |v_i|: the scale of the complex step (any positive step
        works there; this one keeps f(x + i h) from underflowing)."""
        if self.V is None:
            return np.maximum(1.0, F.ax if self.all else F.ax[self.index])
        return self.scale(F)

    def points(self, x, steps, rows=None, unit=1.0):
        """x + unit * steps[r] * v_r for the chosen rows (all by default):
        an (N, n) array, or a generator when that would be large."""
        if rows is None and self.all and self.n ** 2 <= _BATCH:
            return x + _eye(self.n, unit) * steps
        if unit != 1.0:
            steps = unit * steps
        if rows is None and self.V is not None:
            return x + steps[:, None] * self.V
        if rows is None:
            rows = np.arange(self.k)
        else:
            steps = steps[rows]
        if self.V is not None:
            return x + steps[:, None] * self.V[rows]
        cols = self.index[rows]
        if len(rows) * self.n > _BATCH:
            return (_moved(x, j, step) for j, step in zip(cols, steps))
        Z = np.empty((len(rows), self.n), steps.dtype)
        Z[:] = x
        Z[np.arange(len(rows)), cols] += steps
        return Z

    def actual(self, x, steps):
        """The steps as taken in floating point: ((x + h) - x,
        x - (x - h)), exact for unit directions."""
        if self.V is not None:
            return steps, steps
        xi = x[self.index]
        return (xi + steps) - xi, xi - (xi - steps)

    def combo(self, c):
        """The dense vector sum_r c[r] v_r."""
        if self.V is not None:
            return c @ self.V
        if self.all:
            return c
        w = np.zeros(self.n)
        w[self.index] = c
        return w


# --------------------------------------------------------------------------
# first derivatives: J @ v for each direction v
# --------------------------------------------------------------------------

def _jvp(F, dirs, method, h):
    """J @ v for every direction, as an (m, k) array."""
    if method == "auto":
        return _auto_jvp(F, dirs)
    if method == "complex":
        try:
            return _complex_jvp(F, dirs)
        except _NotComplexSafe as why:
            raise ValueError(f"method='complex' needs an f that accepts "
                             f"complex input and keeps the imaginary part:"
                             f" {why.args[0]}; use method='auto'") from why
    if method == "richardson":
        return _richardson_jvp(F, dirs)
    return _difference_jvp(F, dirs, method, h)


def _auto_jvp(F, dirs):
    """The complex step, checked by a real screen: with complex points,
    then (if f is not complex-safe) with `_Analytic` ones; Richardson's
    method if neither passes. A failure that is a property of f's code is
    remembered (see `_kinds`): the next call skips that attempt."""
    JV = _first_screened(F, _kinds(F), _Screen(F, dirs), lambda kind:
                         _complex_jvp(F, dirs, kind == "analytic"))
    return _richardson_jvp(F, dirs) if JV is None else JV


def _first_screened(F, kinds, screen, attempt):
    """The first attempt(kind) the screen accepts, trying the kinds in
    order; None if none is accepted or the screen cannot tell (a kink near
    x). Failures due to f's code are remembered (see `_kinds`)."""
    for kind in kinds:
        try:
            answer = attempt(kind)
        except _NotComplexSafe as why:
            _failed(F, kind, why.lasting)
            continue
        verdict = screen.verdict(answer)
        if verdict == "agree":
            return answer
        if verdict != "differ":          # a kink near x, or no conclusion
            return None
        _failed(F, kind)
    return None


_KINDS = ("complex", "analytic")
_FAILURES = weakref.WeakKeyDictionary()     # f -> how many _KINDS failed


def _kinds(F):
    """The complex evaluations "auto" tries: plain complex points, then
    `_Analytic` ones (vector or matrix x only: a scalar x reaches f as a
    numpy scalar), minus those that already failed for this function
    object. Only the order of the attempts depends on this cache: every
    answer is still screened, and Richardson's method is always valid."""
    kinds = _KINDS if F.shape else _KINDS[:1]
    try:
        return kinds[_FAILURES.get(F.f, 0):]
    except TypeError:                   # f cannot be weakly referenced
        return kinds


def _failed(F, kind, lasting=True):
    if lasting:
        try:
            _FAILURES[F.f] = max(_FAILURES.get(F.f, 0),
                                 _KINDS.index(kind) + 1)
        except TypeError:
            pass


def _complex_jvp(F, dirs, analytic=False):
    """Complex step Im f(x + i h v) / h, h = 1e-20 * max(1, |x|) (relative
    to v); _NotComplexSafe if f is not complex-safe."""
    h = _H_COMPLEX * dirs.magnitude(F)
    Y = F.cplx(dirs.points(F.x, h, unit=1j), analytic)
    JV = (Y.imag / h[:, None]).T
    if not _finite(JV):
        raise _NotComplexSafe("f is not finite at a complex point",
                              lasting=False)
    return JV


class _Screen:
    """Does a real central difference agree with the complex step?

    Along w = sum c_r v_r (fixed irregular dyadic weights), D(t) and D(2t)
    are central differences; J w is accepted if |D(t) - J w| is within 10
    times the truncation estimate |D(t) - D(2t)| plus the rounding bound.
    A kink, np.sign or a dropped imaginary part gives an O(|J w|) gap.
    While D(t) and D(2t) disagree (t is not small compared with the scale
    on which f changes, e.g. a kink within t of x), t is divided by 16, up
    to _SCREEN_TRIES times. The samples are kept: a second answer (from
    _Analytic points) is checked without new evaluations."""

    def __init__(self, F, dirs):
        self.c, cmax, self.steps = _screen_weights(dirs.k)
        self.F, self.samples = F, []
        if not dirs.all:
            w = dirs.combo(self.c)
            cmax, self.steps = float(abs(w).max()), _SCREEN_STEPS[:, None] * w
        self.t = _T_SCREEN * _pow2(max(1.0, F.xmax) / cmax) if cmax else 0

    def verdict(self, JV):
        """'agree', 'differ', 'kink' (the one-sided slopes differ at
        every step tried) or 'unsure' (no step gave finite, consistent
        samples). A kink near x but not at it is stepped over: at a
        smaller t the samples no longer straddle it."""
        if not self.t:                   # v = 0: nothing to check
            return "agree"
        F, jw, t = self.F, JV @ self.c, self.t
        kink, jump = False, 0.0
        for i in range(_SCREEN_TRIES):
            if i == len(self.samples):
                P = F.x + t * self.steps     # x + t w, x - t w, x + 2t w...
                self.samples.append(F.reals(P) if F.m == 1 else
                                    F.real(P, finite=False))
            verdict, jump = _screen_verdict(self.samples[i], F, jw, t, jump)
            if verdict in ("agree", "differ"):
                return verdict
            kink |= verdict == "kink"    # a kink within t: maybe not at x
            t /= 16
        return "kink" if kink else "unsure"


def _screen_verdict(Y, F, jw, t, jump):
    """(verdict, jump): Y = f(x + t w), f(x - t w), f(x + 2t w),
    f(x - 2t w); 'unsure' if t is too large or a sample is not finite.
    The one-sided slopes are compared too: J(t) = (f(x+tw) + f(x-tw) -
    2f(x)) / t is ~ t f'' for smooth f (J(2t) ~ 2 J(t)) but ~ the jump at
    a kink (J(2t) ~ J(t)), which the complex step and the central
    difference can both miss (x + abs(x) at 0 gives 1 for both): 'kink'.
    `jump`: the largest J of a kink seen at a larger t (0 if none),
    returned updated; where it is below this t's rounding bound, the kink
    would be lost in f's rounding here (1e3 + abs(x) at 0), so the
    samples cannot show it gone: 'unsure'. For scalar f, Y is a list and
    all of this is arithmetic on Python floats (fast); else on arrays."""
    if F.m == 1:
        y0, jw, yp1, ym1, yp2, ym2 = float(F.y0[0]), float(jw[0]), *Y
        if not all(map(math.isfinite, Y)):
            return "unsure", jump
        big = max(abs(yp1), abs(ym1), abs(yp2), abs(ym2), F.fmax)
        flat = abs
    else:
        y0, (yp1, ym1, yp2, ym2) = F.y0, Y
        if not np.isfinite(Y).all():
            return "unsure", jump
        big, flat = max(_norm(Y), F.fmax), _norm
    d1, d2 = (yp1 - ym1) / (2 * t), (yp2 - ym2) / (4 * t)
    j1, j2 = abs(yp1 + ym1 - 2 * y0) / t, abs(yp2 + ym2 - 2 * y0) / (2 * t)
    njw = flat(jw)
    rnd = 1e3 * _EPS * (big + F.xmax * t * njw) / t
    if F.m > 1:
        kinks = (j1 > 0.75 * j2) & (j1 > rnd)
        if np.any(kinks):
            return "kink", max(jump, float(np.max(j1[kinks])))
    elif j1 > 0.75 * j2 and j1 > rnd:
        return "kink", max(jump, j1)
    if 0 < jump <= rnd:
        return "unsure", jump
    trunc = flat(d1 - d2)
    if trunc > 1e-3 * max(flat(d1), njw) + rnd:
        return "unsure", jump
    if flat(d1 - jw) <= 10 * trunc + rnd + 1e-12 * njw:
        return "agree", jump
    return "differ", jump


def _screen_weights(k, signs=False, _cache={}):
    """k irregular dyadic weights c in [0.5, 1.5) (golden-ratio sequence;
    with alternating signs if `signs`), max |c|, and the screen's steps
    along c: the rows of _SCREEN_STEPS c."""
    if (k, signs) not in _cache:
        frac = np.modf(np.arange(1, k + 1) * _GOLDEN)[0]
        c = 0.5 + np.floor(16 * frac) / 16
        c = c * (-1.0) ** np.arange(k) if signs else c
        _cache[k, signs] = (c, float(abs(c).max()),
                            _SCREEN_STEPS[:, None] * c)
    return _cache[k, signs]


def _difference_jvp(F, dirs, method, h):
    """The textbook forward or central difference with one step."""
    if h is None:
        root = _EPS ** (1 / 3) if method == "central" else _EPS ** 0.5
        steps = root * dirs.scale(F)
    else:
        steps = np.full(dirs.k, h)
    hp, hm = dirs.actual(F.x, steps)
    if not (hp > 0).all() or not (hm > 0).all():
        raise ValueError(f"h = {h} is too small for x: x + h == x in "
                         "floating point; use a larger h")
    Yp = F.real(dirs.points(F.x, steps))
    if method == "forward":
        return ((Yp - F.y0) / hp[:, None]).T
    Ym = F.real(dirs.points(F.x, -steps))
    return ((Yp - Ym) / (hp + hm)[:, None]).T


class _Ridders:
    """Ridders' extrapolation to h = 0 of sequences D(h), D(h/2), ...

    One sequence per column of an (m, k) array, each with its own stop.
    The error of D is a series in h**p, h**2p, ... Each new D adds a row
    to the Neville table; per column the entry with the smallest error
    estimate is kept. A column stops once it has `min_levels` levels and
    its error is at rounding level, or it has converged (error below 1e-7
    relative) and the newest diagonal entry moved by more than _SAFE times
    that error (smaller steps only add rounding)."""

    def __init__(self, k, p, min_levels, rtol=4 * _EPS):
        self.p, self.min_levels, self.rtol = p, min_levels, rtol
        self.prev, self.best, self.err = None, None, np.full(k, np.inf)
        self.active, self.levels = np.ones(k, bool), np.zeros(k, int)

    def add(self, D, floor):
        """Add the (m, k) values D (inactive columns ignored); True when
        every column is done."""
        a, row, grew = self.active, [D], np.inf
        if self.best is None:
            self.best = D.copy()
        if self.prev is not None:
            fac = 1.0
            for j, prev in enumerate(self.prev):
                fac *= 2.0 ** self.p
                row.append(row[j] + (row[j] - prev) / (fac - 1))
                e = np.maximum(_colnorm(row[-1] - row[j]),
                               _colnorm(row[-1] - prev))
                upd = a & (e <= self.err)
                self.err[upd] = e[upd]
                self.best[:, upd] = row[-1][:, upd]
            grew = _colnorm(row[-1] - self.prev[-1])
        self.prev = row
        self.levels[a] += 1
        size = _colnorm(self.best)
        tiny = self.err <= self.rtol * size + floor
        settled = (self.err <= 1e-7 * size) & (grew >= _SAFE * self.err)
        self.active &= ~((self.levels >= self.min_levels) & (tiny | settled))
        return not self.active.any()


class _Sequence:
    """Ridders' extrapolation of one vector sequence D(d), D(d/r), ...

    As `_Ridders` (one column, with step ratio r), but lighter: the
    Hessian tables run on the fast path."""

    def __init__(self, p, r, min_levels, rtol, early=0.0):
        self.fac, self.min_levels, self.rtol = float(r) ** p, min_levels, rtol
        self.early = early          # rtol before min_levels
        self.prev, self.best, self.err, self.levels = None, None, np.inf, 0

    def add(self, D, floor):
        """Add D; True when done (see `_Ridders`)."""
        row = [D]
        if self.prev is None:
            self.best = D
        else:
            fac = 1.0
            for j, prev in enumerate(self.prev):
                fac *= self.fac
                step = (row[j] - prev) / (fac - 1)
                row.append(row[j] + step)
                e = fac * _norm(step)   # max |new - row[j]|, |new - prev|
                if e <= self.err:
                    self.err, self.best = e, row[-1]
        last, self.prev = self.prev, row
        self.levels += 1
        if self.levels == 1:
            return False
        size = _norm(self.best)
        if self.levels < self.min_levels:
            return self.err <= self.early * size + floor
        return self.err <= self.rtol * size + floor or (
            self.err <= 1e-7 * size
            and _norm(row[-1] - last[-1]) >= _SAFE * self.err)


def _richardson_jvp(F, dirs):
    """Real fallback: the eighth-order stencil where its error estimate is
    convincing, Ridders' method (with the kink check) elsewhere."""
    JV, ok = _stencil_jvp(F, dirs)
    if not ok.all():
        rows = np.flatnonzero(~ok)
        JV[:, rows] = _ridders_jvp(F, dirs.subset(rows))
    return JV


def _stencil_jvp(F, dirs):
    """The eighth-order central stencil for every direction at once.

    o8 = sum_i L[i] D(i h), i = 1..4: the Richardson extrapolation to
    h = 0 of the central differences D(h), ..., D(4h) (h = 2**-7 * scale),
    with error estimate |o8 - o6| (o6 from D(h), D(2h), D(3h)). Returns
    (o8, ok): ok[r] is False where that estimate is not small, a sample is
    not finite or the one-sided slopes differ (a kink within 4h). Where
    all D(i h) agree to rounding (f is locally quadratic), D(4h) is used:
    it has the least rounding error."""
    h = _H_STENCIL * dirs.scale(F)
    i = np.arange(1.0, 5.0)[:, None, None]
    steps = (i * np.array([[1.0], [-1.0]])).reshape(-1, 1) * h
    Y = F.real(dirs.tile(8).points(F.x, steps.ravel()), finite=False)
    Y = Y.reshape(4, 2, dirs.k, F.m)
    D = (Y[:, 0] - Y[:, 1]) / (2 * i * h[:, None])
    o8 = np.tensordot(_L8, D, 1)
    err = np.max(np.abs(o8 - np.tensordot(_L6, D[:3], 1)), axis=1)
    big = np.maximum(np.max(np.abs(Y), axis=(0, 1, 3)), F.fmax)
    J = np.abs(Y[:, 0] + Y[:, 1] - 2 * F.y0) / (i * h[:, None])
    kink = np.any((J[0] > 0.75 * J[1])
                  & (J[0] > (1e3 * _EPS * big / h)[:, None]), axis=1)
    with np.errstate(invalid="ignore"):
        noise = 1e2 * _EPS * big / h
        ok = (err <= 1e-9 * np.max(np.abs(o8), axis=1) + noise) & ~kink
        exact = np.max(np.abs(D - o8), axis=(0, 2)) <= noise
    o8[exact] = D[3, exact]      # all D(ih) agree: D(4h) has least rounding
    return o8.T, ok & np.isfinite(Y).all(axis=(0, 1, 3))


def _ridders_jvp(F, dirs, h=None, refine=True):
    """Ridders' method on central differences along every direction, from
    steps h (default 2**-5 * scale), then the kink check; (m, k) array."""
    h = _H0_FIRST * dirs.scale(F) if h is None else h
    Yp, Ym = _finite_start(F, dirs, h)
    table, samples = _Ridders(dirs.k, p=2, min_levels=3), []
    for _ in range(_MAX_LEVELS):
        hp, hm = dirs.actual(F.x, h)
        samples.append(((hp + hm) / 2, Yp, Ym))
        floor = 1e2 * _EPS * np.maximum(np.max(np.abs(Yp), axis=1),
                                        F.fmax) / hp
        if table.add(((Yp - Ym) / (hp + hm)[:, None]).T, floor):
            break
        h = h / 2
        Yp, Ym = _sample(F, dirs, h, table.active)
    for r, kink in _kinks(F, samples, table.levels):
        if not (refine and _smooth_below(F, dirs, r, kink, table)):
            raise ValueError(_kink_message(F, dirs, r, kink))
    return table.best


def _smooth_below(F, dirs, r, kink, table):
    """Is the kink seen along direction r only *near* x? Shrink the step
    until J(h) drops (then redo Ridders' method from there and return
    True), or it is tiny (False: the kink is at x). Tiny: after
    _MAX_SHRINK divisions, or once the jump would change f by less than
    100 rounding units of f(x) (J(h) then drops because f's rounding
    hides the kink, not because h stepped past it: 1e3 + |x| at 0)."""
    a, jump, h = kink["output"], kink["jump"], np.array([kink["h"]])
    one, noise = dirs.subset([r]), 1e2 * _EPS * abs(F.y0[a])
    for _ in range(_MAX_SHRINK):
        h /= 4
        if jump * h[0] <= noise:
            return False
        Yp, Ym = _sample(F, one, h, np.ones(1, bool))
        if abs(Yp[0, a] + Ym[0, a] - 2 * F.y0[a]) / h[0] <= 0.25 * jump:
            table.best[:, r] = _ridders_jvp(F, one, h, False)[:, 0]
            return True
    return False


def _sample(F, dirs, h, active):
    """f(x + h v) and f(x - h v) for the active directions (nan else)."""
    rows = np.flatnonzero(active)
    Yp = np.full((dirs.k, F.m), np.nan)
    Ym = np.full((dirs.k, F.m), np.nan)
    Yp[rows] = F.real(dirs.points(F.x, h, rows))
    Ym[rows] = F.real(dirs.points(F.x, -h, rows))
    return Yp, Ym


def _finite_start(F, dirs, h):
    """Divide the first steps h (in place) by 4 until f(x + h v) and
    f(x - h v) are finite; return those values, (k, m) each."""
    Yp, Ym = np.empty((dirs.k, F.m)), np.empty((dirs.k, F.m))
    todo = np.arange(dirs.k)
    for shrink in range(_MAX_SHRINK):
        if shrink:
            h[todo] /= 4
        P = F.real(dirs.points(F.x, h, todo), finite=False)
        M = F.real(dirs.points(F.x, -h, todo), finite=False)
        ok = np.isfinite(P).all(axis=1) & np.isfinite(M).all(axis=1)
        Yp[todo[ok]], Ym[todo[ok]] = P[ok], M[ok]
        todo, first = todo[~ok], np.argmin(ok)
        if len(todo) == 0:
            return Yp, Ym
    Y = P if not np.isfinite(P[first]).all() else M
    z = dirs.points(F.x, (1.0 if Y is P else -1.0) * h, [todo[0]])[0]
    bad = describe_bad(Y[first].reshape(F.out_shape))
    raise ValueError(f"f returned {bad} at {F.label(z)} and at every larger"
                     " step in that direction; f must be finite on both "
                     "sides of x")


def _kinks(F, samples, levels):
    """Directions r where the one-sided slopes tend to different limits.

    With J(h) = (f(x+h) - 2 f(x) + f(x-h)) / h = right minus left
    difference quotient, J halves with h for smooth f but tends to the
    jump at a kink: look for |J| not decreasing over three consecutive
    levels, the last three or any before them (a kink near x but not at
    it: the table may have converged to the average of the two slopes
    while its steps straddled it). Yields (r, dict with the output index,
    slopes, jump, h)."""
    H = np.array([s[0] for s in samples])
    P = np.array([s[1] for s in samples])
    M = np.array([s[2] for s in samples])
    for r in np.flatnonzero(levels >= 3):
        for end in range(levels[r], 2, -1):
            found = _kink_at(F, H, P, M, r, end - np.array([3, 2, 1]))
            if found:
                yield r, found
                break


def _kink_at(F, H, P, M, r, lv):
    """The kink test of `_kinks` on levels lv of direction r (or None)."""
    h, p, m = H[lv, r][:, None], P[lv, r], M[lv, r]
    J = np.abs(p + m - 2 * F.y0) / h
    noise = 1e3 * _EPS * (np.abs(F.y0) + np.abs(p[2]) + np.abs(m[2]))
    kink = (J[2] > 0.8 * J[1]) & (J[1] > 0.8 * J[0]) & (J[2] > noise / h[2])
    if not kink.any():
        return None
    a = int(np.argmax(kink))
    return {"output": a, "jump": J[2, a], "h": h[2, 0],
            "right": 2 * (p[2, a] - F.y0[a]) / h[2, 0]
            - (p[1, a] - F.y0[a]) / h[1, 0],
            "left": 2 * (F.y0[a] - m[2, a]) / h[2, 0]
            - (F.y0[a] - m[1, a]) / h[1, 0]}


def _kink_message(F, dirs, r, kink):
    if dirs.V is not None:
        where = "along v at x"
    else:
        j = dirs.index[r]
        where = f"at {F.name(j)} = {float(F.x[j])!r}"
    out = ""
    if F.m > 1:
        idx = ", ".join(map(str, np.unravel_index(kink["output"],
                                                  F.out_shape)))
        out = f" (output [{idx}])"
    return (f"f has a kink {where}{out}: left slope {kink['left']:.6g}, "
            f"right slope {kink['right']:.6g}; the derivative does not "
            "exist there")


# --------------------------------------------------------------------------
# Hessians: quadratic forms u^T H u along u = s_j e_j (+ s_k e_k)
# --------------------------------------------------------------------------

def _hessian_flat(F, method, h):
    if method == "auto":
        return _auto_hessian(F)
    if method == "complex":
        try:
            screen = _HessianScreen(F)
            return _hessian_extrapolated(F, "complex", screen.start
                                         or _H0_COMPLEX_HESSIAN, screen)
        except _NotComplexSafe as why:
            raise ValueError(f"method='complex' needs an f that accepts"
                             f" complex input: {why.args[0]}; use "
                             "method='auto'") from why
    if method == "richardson":
        return _hessian_extrapolated(F, "real", _H0_SECOND)
    return _hessian_fixed(F, method, h)


def _auto_hessian(F):
    """As `_auto_jvp`: 45-degree complex steps (complex, then _Analytic
    points) from the first step the screen suggests, checked by the
    screen; else the real tables, after a kink check."""
    kinds = _kinds(F)
    screen = _HessianScreen(F) if kinds else None
    if screen and screen.start:
        H = _first_screened(F, kinds, screen, lambda kind:
                            _hessian_extrapolated(F, kind, screen.start,
                                                  screen))
        if H is not None:
            return H
    _richardson_jvp(F, _Directions.unit(F.x.size))    # kink check
    return _hessian_extrapolated(F, "real", _H0_SECOND)


@functools.lru_cache(maxsize=16)
def _pair_pattern(n):
    """Index pairs j <= k, the 0/1 rows e_j + e_k then their negatives
    (None if too large to build at once), and the matrix M of
    `_Pairs.hessian` (None for n > 16, where it would be large)."""
    J, K = np.triu_indices(n)
    U = M = None
    if len(J) * n <= _BATCH:
        U = np.zeros((len(J), n))
        U[np.arange(len(J)), J] = 1.0
        U[np.arange(len(J)), K] = 1.0
        U = np.concatenate([U, -U])
    if n <= 16:
        M, diag = np.zeros((n, n, len(J))), np.flatnonzero(J == K)
        for r, (j, k) in enumerate(zip(J, K)):
            M[[j, k], [k, j], r] = 1.0 if j == k else 0.5
            if j != k:
                M[[j, k], [k, j], diag[j]] -= 0.5
                M[[j, k], [k, j], diag[k]] -= 0.5
        M = M.reshape(n * n, len(J))
    return J, K, U, M


class _Pairs:
    """The directions u = s_j e_j (+ s_k e_k), j <= k, of the quadratic
    forms u^T H u from which the Hessian is assembled (s = F.s, or 1 if
    `unit` or |x| <= 1)."""

    def __init__(self, F, unit=False):
        self.F, self.n = F, F.x.size
        self.s = None if unit or F.xmax <= 1 else F.s
        self.J, self.K, self.U2, self.M = _pair_pattern(self.n)
        if self.U2 is not None and self.s is not None:
            self.U2 = self.U2 * self.s

    def points(self, steps, both=True):
        """x + d * u for every u, then (if both) x - d * u, for each d in
        steps: an array, or a generator when that would be large."""
        if self.U2 is not None:
            U = self.U2 if both else self.U2[:len(self.J)]
            return (self.F.x + np.multiply.outer(steps, U)).reshape(-1,
                                                                    self.n)
        return itertools.chain.from_iterable(
            itertools.chain(self._lazy(d), self._lazy(-d)) if both
            else self._lazy(d) for d in steps)

    def _lazy(self, step):
        s = np.ones(self.n) if self.s is None else self.s
        for j, k in zip(self.J, self.K):
            z = _moved(self.F.x, j, step * s[j])
            yield z if j == k else _moved(z, k, step * s[k])

    def hessian(self, Q):
        """H from Q = u^T H u: H_jk = (Q_jk - Q_jj - Q_kk) / (2 s_j s_k),
        H_jj = Q_jj / s_j^2: the linear map M, then the scaling."""
        J, K, n = self.J, self.K, self.n
        if self.M is not None:
            H = (self.M @ Q).reshape(n, n)
        else:
            H, Qd = np.empty((n, n)), Q[J == K]
            H[J, K] = H[K, J] = (Q - Qd[J] - Qd[K]) / np.where(J == K, -1, 2)
        return H if self.s is None else H / (self.s[:, None] * self.s)


def _quadratic_forms(pairs, steps, kind, Y=None):
    """(Q, rnd): row l of Q holds the quadratic forms Q = u^T H u for
    every u at the step steps[l], the same row of rnd eps times the size
    of the values they are made of (per form), from one batch of points.
    The 45-degree complex step (kind "complex" or "analytic"):
    Im(f(x + w d u) + f(x - w d u)) / d^2 = u^T H u + O(d^4) (w = exp(i
    pi / 4): w^2 = i, w^4 real); the real second difference (kind "real"):
    (f(x + d u) - 2 f(x) + f(x - d u)) / d^2 = u^T H u + O(d^2). Y: the
    complex kinds' values Im f, if `_complex_values` has them already."""
    F, steps = pairs.F, np.asarray(steps, dtype=np.float64)
    d2 = (steps * steps)[:, None]
    if kind == "real":
        Y = F.real(pairs.points(steps), finite=False).reshape(len(steps), 2,
                                                               -1)
        rnd = np.full(Y[:, 0].shape, max(_norm(Y), F.fmax) * _EPS) / d2
        S = Y[:, 0] + Y[:, 1] - 2 * F.y0[0]
    else:       # no f(x) subtracted: the rounding is relative to Im f
        if Y is None:
            Y = _complex_values(pairs, steps, kind)
        A, S = np.abs(Y), Y[:, 0] + Y[:, 1]
        rnd = (A[:, 0] + A[:, 1]) / (d2 / _EPS)
    return S / d2, rnd


def _hessian_extrapolated(F, kind, d, screen=None):
    """Ridders' extrapolation of the quadratic forms as d -> 0, from d.

    Complex: steps d, d/2, ... (times s), error series in d**4; done at
    the second level if the two agree to 1e-7 (the extrapolated value is
    then good to ~1e-14), else usually at the third. Given the `screen`
    (a `_HessianScreen`), the table starts where `_pilot` along its
    direction u says two levels will do; for n <= 3, where a level costs
    12 evaluations or fewer and the pilot run 4 (and a stage of its own),
    it starts at a quarter of the screen's suggestion d instead (on
    average the cheaper choice), or at a sixteenth where the screen
    measured no radius (f looked polynomial along u at the screen's tiny
    step, yet may not be at the table's: sin x cos y + x^3 y at x = 30,
    y = 20 needs three levels from d/4, two from d/16; a polynomial's
    levels agree to rounding from any step). Where the first two levels
    agree to rounding (a form along which f is a polynomial of degree
    < 6), the larger step is kept, as it has less rounding. When the first
    two complex levels differ by more than 1%, d is far too large for f:
    the table restarts at a 16 times smaller d. Real: the same with a
    series in d**2, without the restart: a real second difference's
    rounding grows like 1/d^2, and the table that goes on from d keeps
    its larger steps for the extrapolation (a restart cost a factor of 10
    to 100 near singularities, to ~2e-9, for ~10% fewer evaluations). The
    first two levels of a table are evaluated in one batch (for
    n <= _SMALL, where they usually suffice, on Python floats: see
    `_two_levels`)."""
    if screen is not None and kind != "real":
        if F.x.size > 3:
            d = _pilot(F, screen.u, d, kind)
        else:
            d = d / 4 if screen.measured else d / 16
    pairs, Y = _Pairs(F), None
    if kind != "real" and pairs.n <= _SMALL:
        Y = _complex_values(pairs, [d, d / 2], kind)
        H = _two_levels(pairs, Y, d)
        if H is not None:
            return H
    p, rtol, early = (2, 4 * _EPS, 0.0) if kind == "real" else (4, 1e-8,
                                                                 1e-7)
    new_table = functools.partial(_Sequence, p, 2, 3, rtol, early)
    Qs, rnds, d = _finite_forms(pairs, d, kind, Y)  # steps d and d/2
    table, first, level = new_table(), Qs[0], 0
    for _ in range(_MAX_LEVELS):
        Q, rnd = Qs[level], rnds[level]
        if table.add(Q, 1e2 * _norm(rnd)):
            break
        level += 1
        if level < len(Qs):
            continue
        d, level = d / 2 ** len(Qs), 0          # the next step
        if kind != "real" and table.levels == 2 \
                and table.err > 1e-2 * _norm(table.best):
            d /= 8
            Qs, rnds = _quadratic_forms(pairs, [d, d / 2], kind)
            table, first = new_table(), Qs[0]
        else:
            Qs, rnds = _quadratic_forms(pairs, [d], kind)
    best = Q if table.best is None else table.best    # (no convergence)
    if kind != "real" and table.levels == 2:
        rounding = np.abs(Q - first) <= 4 * rnd         # agree to rounding
        if np.count_nonzero(rounding):
            best = np.where(rounding, first, best)
    return pairs.hessian(best)


def _complex_values(pairs, steps, kind):
    """Im f(x + w d u), Im f(x - w d u) for each step d and direction u,
    as an array of shape (len(steps), 2, number of directions)."""
    Y = pairs.F.cplx(pairs.points(np.asarray(steps) * _OMEGA),
                     kind == "analytic").imag
    return Y.reshape(len(steps), 2, -1)


def _two_levels(pairs, Y, d):
    """For n <= _SMALL: the complex table above from its values Y at the
    steps d, d/2 (`_complex_values`) when those two levels suffice, on
    Python floats (small arrays cost more than the arithmetic on them);
    else None (also for values that are not finite), and the table runs
    on as usual from Y. The same rules: Ridders' step with p = 4, done if
    its error is below 1e-7 relative plus 100 times rounding, a form's
    first level kept where the levels agree to rounding."""
    P, Y = len(pairs.J), Y.ravel().tolist()
    if not math.isfinite(sum(Y)):      # (max() would skip a nan)
        return None
    Y0, Y1, d2 = Y[:2 * P], Y[2 * P:], d * d
    Q0 = [(Y0[p] + Y0[P + p]) / d2 for p in range(P)]
    Q1 = [(Y1[p] + Y1[P + p]) / (d2 / 4) for p in range(P)]
    rnd = [(abs(Y1[p]) + abs(Y1[P + p])) * _EPS / (d2 / 4) for p in range(P)]
    moves = [(b - a) / 15 for a, b in zip(Q0, Q1)]      # 15 = 2**4 - 1
    best = [b + m for b, m in zip(Q1, moves)]
    err, size = 16 * max(map(abs, moves)), max(map(abs, best))
    if err > 1e-7 * size + 1e2 * max(rnd):
        return None
    return pairs.hessian(np.array([a if abs(b - a) <= 4 * r else c for
                                   a, b, c, r in zip(Q0, Q1, best, rnd)]))


def _pilot(F, u, d, kind):
    """The first step of a complex table, from a pilot run along the
    screen's direction u (steps w, -w, w/2, -w/2 times d u). The relative
    change r of Q(d) = Im(f(x + w d u) + f(x - w d u)) / d^2 from d to d/2
    is ~ (d/R)^4 (R: the scale on which f changes), so the table's first
    two levels agree to ~_PILOT_R from d (_PILOT_R / r)^(1/4) (made a
    power of two, at most _H0_COMPLEX_HESSIAN). The prediction needs the
    leading term of the error series to dominate: r <= 0.1, where the next
    one (~r^2) moves it by under 3%. While r > 0.1 (d is too large to
    tell) d is divided by 16, up to _SCREEN_TRIES times (then d is
    returned). Four evaluations per try."""
    U = np.multiply.outer(_PILOT, u)
    for e in range(_SCREEN_TRIES):
        dp = d / 16 ** e
        Y = F.cplx(F.x + dp * U, kind == "analytic").imag[:, 0].tolist()
        q1, q2 = (Y[0] + Y[1]) / dp ** 2, (Y[2] + Y[3]) / (dp / 2) ** 2
        noise = 1e2 * _EPS * max(map(abs, Y)) / (dp / 2) ** 2
        if abs(q1 - q2) <= 0.1 * abs(q2):
            r = max(abs(q1 - q2), noise) / abs(q2) if q2 else 0.0
            start = dp * (_PILOT_R / r) ** 0.25 if r else math.inf
            if start >= _H0_COMPLEX_HESSIAN:
                return _H0_COMPLEX_HESSIAN
            return _pow2(start) / 2
    return d


def _finite_forms(pairs, d, kind, Y=None):
    """(Q, rnd, d): the quadratic forms at the first steps d and d/2 (d
    divided by 4 until they are finite), as `_quadratic_forms` returns
    them (from the values Y at d, d/2 if given), and that d."""
    for shrink in range(_MAX_SHRINK):
        if shrink:
            d, Y = d / 4, None
        Q, rnd = _quadratic_forms(pairs, [d, d / 2], kind, Y)
        if _finite(Q):
            return Q, rnd, d
    if kind != "real":
        raise _NotComplexSafe("f is not finite at complex points",
                              lasting=False)
    raise ValueError(f"f is not finite at points x + d*u for any d >= "
                     f"{d / 2:.3g} (u = e[j] + e[k], scaled)")


class _HessianScreen:
    """Real second differences along u = c * s (irregular dyadic weights
    c of alternating signs, scales s), which check a complex-step Hessian,
    and first suggest where its table (its `_pilot`) should start.

    The check compares u^T H u with D2(t) = (f(x+tu) - 2f(x) + f(x-tu)) /
    t^2 and D2(2t), as `_Screen` does for first derivatives (here with
    Python floats). The start: the same four samples estimate the Taylor
    coefficients a1, a2, a3 of s -> f(x + s u), whose ratios a1/a2 and
    a2/a3 estimate the radius R of the disc where f is analytic, the scale
    on which f changes (roughly: the pilot run measures it). Samples with
    one-sided slopes that do not converge (a kink, as in `_screen_verdict`)
    give no start (None): the complex step is not tried."""

    def __init__(self, F):
        self.F, (self.u, _, self.steps) = F, _screen_weights(F.x.size, True)
        if F.xmax > 1:                                  # else s = 1
            self.u = self.u * F.s
            self.steps = _SCREEN_STEPS[:, None] * self.u
        self.samples = [self._sample(_T_SCREEN_2)]
        self.measured = False           # did the samples give a radius?
        self.start = self._first_step()

    def _sample(self, t):
        Y = self.F.reals(self.F.x + t * self.steps)
        return Y if all(map(math.isfinite, Y)) else None

    def _first_step(self):
        """R * _R_FRACTION (a power of two), at most _H0_COMPLEX_HESSIAN;
        None at a kink."""
        if self.samples[0] is None:
            return _H0_COMPLEX_HESSIAN
        (yp1, ym1, yp2, ym2), t = self.samples[0], _T_SCREEN_2
        y0 = float(self.F.y0[0])
        noise = 1e2 * _EPS * max(abs(y0), abs(yp2), abs(ym2))
        j1, j2 = abs(yp1 + ym1 - 2 * y0) / t, abs(yp2 + ym2 - 2 * y0) / (2 * t)
        if j1 > 0.75 * j2 and j1 > 10 * noise / t:
            return None
        d1, d2 = (yp1 - ym1) / (2 * t), (yp2 - ym2) / (4 * t)
        a1 = abs(4 * d1 - d2) / 3
        a2 = (j1 * t - 4 * noise) / (2 * t * t)
        a3 = (abs(d2 - d1) - noise / t) / (3 * t * t)
        r = max(a1 / a2 if a2 > 0 else math.inf,       # the larger: a1
                a2 / a3 if a2 > 0 and a3 > 0 else math.inf)     # may be ~0
        if r * _R_FRACTION >= _H0_COMPLEX_HESSIAN:
            return _H0_COMPLEX_HESSIAN
        self.measured = True
        return max(_pow2(r * _R_FRACTION) / 2, _T_SCREEN_2 / 2 ** 8)

    def verdict(self, H):
        """'agree', 'differ' or 'unsure' (see `_Screen.verdict`)."""
        F, t = self.F, _T_SCREEN_2
        quad, y0 = float(self.u @ H @ self.u), float(F.y0[0])
        for i in range(_SCREEN_TRIES):
            if i == len(self.samples):
                self.samples.append(self._sample(t))
            if self.samples[i] is not None:
                yp1, ym1, yp2, ym2 = Y = self.samples[i]
                d1 = (yp1 + ym1 - 2 * y0) / t ** 2
                d2 = (yp2 + ym2 - 2 * y0) / (2 * t) ** 2
                trunc = abs(d1 - d2)
                rnd = 1e3 * _EPS * max(max(map(abs, Y)), F.fmax) / t ** 2
                if trunc <= 1e-3 * max(abs(d1), abs(quad)) + rnd:
                    if abs(d1 - quad) <= 10 * trunc + rnd + 1e-10 * abs(
                            quad):
                        return "agree"
                    return "differ"
            t /= 16
        return "unsure"


def _hessian_fixed(F, method, h):
    """Textbook second differences with one step (scaled unless h given):
    central (f(x+du) - 2f(x) + f(x-du)) / d^2, forward
    (f(x+2du) - 2f(x+du) + f(x)) / d^2."""
    if h is not None:
        pairs, d = _Pairs(F, unit=True), h
    else:
        pairs = _Pairs(F)
        d = _EPS ** 0.25 if method == "central" else _EPS ** (1 / 3)
    if method == "central":
        Y = F.real(pairs.points([d]))[:, 0]
        N = len(Y) // 2
        Q = Y[:N] + Y[N:] - 2 * F.y0[0]
    else:
        Q = F.real(pairs.points([2 * d], both=False))[:, 0] \
            - 2 * F.real(pairs.points([d], both=False))[:, 0] + F.y0[0]
    return pairs.hessian(Q / d ** 2)
