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
flag from the caller: ``f`` raising on complex input (``math.exp``,
``np.logaddexp``), returning real values for complex input (``np.abs``,
``slogdet`` drop the imaginary part), or disagreeing with a cheap real
screen (central differences along one mixed direction at steps t and 2t,
4 evaluations, with a tolerance from the screen's own truncation and
rounding bound: ``np.sign``, a partly dropped imaginary part such as
``x + abs(x)``, or a kink within t show up as an O(1) gap or as one-sided
slopes that do not converge) sends the computation to a real fallback:
an eighth-order
central stencil (the Richardson extrapolation of D(h), ..., D(4h), with
an error estimate), and where that estimate is not convincing, Ridders'
method (halve h until successive extrapolations agree). Only on that path
are one-sided slopes compared: a kink (``abs`` at 0, ``relu`` at 0,
``max(x, y)`` at ``x == y``) raises ValueError naming the component and
both slopes, while a kink merely *near* x is resolved by shrinking the
step below its distance. ``np.maximum``, ``x * (x > 0)`` and ``np.where``
are complex-safe away from their kinks and keep the fast path.

Hessians use the *45-degree complex step*: with ``w = exp(i pi / 4)``,
``Im(f(x + w d u) + f(x - w d u)) / d^2 = u^T H u - d^4 f^(6)[u] / 360``
``+ O(d^8)`` (``w^2 = i``, ``w^4 = -1``: the gradient term, the d^2 error
term and the subtraction of f(x) all disappear), for u = e_j and
e_j + e_k; Richardson extrapolation in d^4 (steps 2**-3, 2**-4, ... times
max(1, |x|)) gives ~1e-14 in three levels (two for polynomials), n(n+1)
complex evaluations each. A real second-difference screen guards it, and
non-complex-safe f get Richardson-extrapolated real second differences
(~1e-11). Steps are powers of two scaled by max(1, |x_i|), so that
``x + h`` is exact and large arguments work.

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
_MAX_LEVELS = 30            # step halvings before giving up
_BATCH = 2 ** 18            # largest batch of points built at once
_MAX_SHRINK = 20            # divisions by 4 looking for finite values
_SAFE = 2.0                 # Ridders: stop once the error grows this much
_GOLDEN = (5 ** 0.5 - 1) / 2
_T_SCREEN = 2.0 ** -17      # ~ eps**(1/3): step of the real screen
_T_SCREEN_2 = 2.0 ** -13    # ~ eps**(1/4): step of the Hessian screen
_SCREEN_TRIES = 4
_SCREEN_STEPS = np.array([[1.0], [-1.0], [2.0], [-2.0]])
_OMEGA = np.exp(1j * np.pi / 4)
_ComplexWarning = getattr(np, "exceptions", np).ComplexWarning


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
    jv = _jvp(F, _Directions.unit(1), method, h)[0]
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
    jv = _jvp(F, _Directions.unit(x0.size, [j]), method, h)[0]
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
    jv = _jvp(F, _Directions.unit(x0.size), method, h)[0]
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
    jv = _jvp(F, _Directions.dense(u), method, h)[0]
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
    jv = _jvp(F, _Directions.unit(x0.size), method, h)[0]
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
        (relative error ~1e-14, see the module docstring); "auto" falls
        back to "richardson" (extrapolated real second differences,
        ~1e-11) for non-complex-safe f and raises at a kink; "central"
        and "forward" are the textbook second differences with step h.
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
    return float(abs(a).max())


def _moved(x, j, step):
    z = x.astype(np.result_type(x, step))
    z[j] += step
    return z


def _colnorm(A):
    return np.max(np.abs(A), axis=0)


# --------------------------------------------------------------------------
# f as a map between flat vectors, evaluated in batches
# --------------------------------------------------------------------------

class _NotComplexSafe(Exception):
    """f cannot be differentiated by complex steps (reason in args[0])."""


class _Fun:
    """f seen as a map from flat float vectors to flat float vectors."""

    def __init__(self, f, x0):
        self.f, self.shape, self.x = f, x0.shape, x0.ravel()
        raw = self._evaluate([self.x.copy()])[0][0]    # f may modify it
        y0 = np.asarray(raw)
        if y0.dtype.kind not in "iuf" or not (
                math.isfinite(y0) if y0.ndim == 0 else np.isfinite(y0).all()):
            check_output(raw, where="x")
        self.y0 = y0.astype(np.float64).ravel()
        self.out_shape, self.m = y0.shape, self.y0.size
        self.fmax = abs(float(y0)) if y0.ndim == 0 else _norm(self.y0)
        ax = np.abs(self.x)
        self.xmax = float(ax.max())
        self.s = _pow2(np.maximum(1.0, ax))    # step scale per component

    def _evaluate(self, points):
        outs, zs, f = [], [], self.f
        try:
            if self.shape:
                for z in points:
                    zs.append(z)
                    outs.append(f(z.reshape(self.shape)))
            else:
                for z in points:
                    zs.append(z)
                    outs.append(f(z[0]))
        except Exception as exc:
            exc.add_note(f"(raised by f at {self.label(zs[-1])}, "
                         "evaluated by mathlib.numeric)")
            raise
        return outs, zs

    def real(self, points, finite=True):
        """f at each point (flat float vectors) as an (N, m) array; nan
        and inf raise ValueError naming the point unless not `finite`."""
        outs, zs = self._evaluate(points)
        try:
            Y = np.asarray(outs)
            ok = Y.dtype.kind in "iuf" and Y.shape[1:] == self.out_shape
        except ValueError:                  # ragged shapes
            ok = False
        if not ok:
            for z, y in zip(zs, outs):
                check_output(y, where=lambda: self.label(z),
                             shape=self.out_shape)
        Y = Y.reshape(len(zs), self.m).astype(np.float64, copy=False)
        if finite and not np.isfinite(Y).all():
            r = int(np.argmin(np.isfinite(Y).all(axis=1)))
            check_output(outs[r], where=self.label(zs[r]))
        return Y

    def cplx(self, points):
        """f at complex points as an (N, m) complex array."""
        try:
            outs = self._evaluate(points)[0]
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


class _Directions:
    """k directions in R^n: unit vectors e_j (j in `index`), or the rows of
    a dense (k, n) array `V`."""

    def __init__(self, n, index=None, V=None):
        self.n, self.index, self.V = n, index, V
        self.k = len(index) if V is None else len(V)
        self.all = V is None and self.k == n

    @classmethod
    def unit(cls, n, index=None):
        return cls(n, index=np.arange(n) if index is None else
                   np.asarray(index))

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

    def points(self, x, steps, rows=None):
        """x + steps[r] * v_r for the chosen rows (all by default): an
        (N, n) array, or a generator when that would be large."""
        if rows is None and self.V is not None:
            return x + steps[:, None] * self.V
        if rows is None and self.all and self.n ** 2 <= _BATCH:
            Z = np.empty((self.n, self.n), steps.dtype)
            Z[:] = x
            Z.flat[::self.n + 1] += steps           # x + diag(steps)
            return Z
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
    """(J @ v for every direction as an (m, k) array, method used)."""
    if method in ("auto", "complex"):
        JV = _complex_jvp(F, dirs, strict=method == "complex")
        if JV is not None and (method == "complex"
                               or _screen(F, dirs, JV)):
            return JV, "complex"
        method = "richardson"
    if method == "richardson":
        return _richardson_jvp(F, dirs), method
    return _difference_jvp(F, dirs, method, h), method


def _complex_jvp(F, dirs, strict):
    """Complex step Im f(x + i h v) / h; None if f is not complex-safe
    (ValueError instead if `strict`)."""
    h = _H_COMPLEX * dirs.scale(F)
    try:
        Y = F.cplx(dirs.points(F.x, 1j * h))
        JV = (Y.imag / h[:, None]).T
        if not np.isfinite(JV).all():
            raise _NotComplexSafe("f is not finite at a complex point")
    except _NotComplexSafe as why:
        if strict:
            raise ValueError(f"method='complex' needs an f that accepts "
                             f"complex input and keeps the imaginary part:"
                             f" {why.args[0]}; use method='auto'") from why
        return None
    return JV


def _screen(F, dirs, JV):
    """Does a real central difference agree with the complex step?

    Along w = sum c_r v_r (fixed irregular dyadic weights), D(t) and D(2t)
    are central differences; J w is accepted if |D(t) - J w| is within 10
    times the truncation estimate |D(t) - D(2t)| plus the rounding bound.
    A kink, np.sign or a dropped imaginary part gives an O(|J w|) gap.
    While D(t) and D(2t) disagree (t is not small compared with the scale
    on which f changes, e.g. a kink within t of x), t is divided by 16;
    after _SCREEN_TRIES tries the answer is no."""
    c = _screen_weights(dirs.k)
    w, jw = dirs.combo(c), JV @ c
    wmax = float(abs(w).max())
    if wmax == 0:                       # v = 0: nothing to check
        return True
    t = _T_SCREEN * _pow2(max(1.0, F.xmax) / wmax)
    for _ in range(_SCREEN_TRIES):
        Y = F.real(F.x + _SCREEN_STEPS * (t * w), finite=False)
        verdict = _screen_verdict(Y, F, jw, t)
        if verdict is not None:
            return verdict
        t /= 16
    return False


def _screen_verdict(Y, F, jw, t):
    """True (agree), False (disagree or kink) or None (inconclusive: t is
    too large or a sample is not finite). Y = f(x + t w), f(x - t w),
    f(x + 2t w), f(x - 2t w). The one-sided slopes are compared too:
    J(t) = (f(x+tw) + f(x-tw) - 2f(x)) / t is ~ t f'' for smooth f
    (J(2t) ~ 2 J(t)) but ~ the jump at a kink (J(2t) ~ J(t)), which the
    complex step and the central difference can both miss (x + abs(x) at
    0 gives 1 for both). Scalars are handled as Python floats (fast)."""
    y0 = F.y0
    if F.m == 1:
        Y, y0, jw = Y[:, 0].tolist(), float(y0[0]), float(jw[0])
        if not all(map(math.isfinite, Y)):
            return None
    elif not np.isfinite(Y).all():
        return None
    yp1, ym1, yp2, ym2 = Y
    d1, d2 = (yp1 - ym1) / (2 * t), (yp2 - ym2) / (4 * t)
    j1, j2 = abs(yp1 + ym1 - 2 * y0) / t, abs(yp2 + ym2 - 2 * y0) / (2 * t)
    njw = _mx(abs(jw))
    big = max(max(map(_mx, map(abs, Y))), F.fmax) + F.xmax * t * njw
    rnd = 1e3 * _EPS * big / t
    if np.any((j1 > 0.75 * j2) & (j1 > rnd)):
        return False                                    # a kink
    trunc = _mx(abs(d1 - d2))
    if trunc > 1e-3 * max(_mx(abs(d1)), njw) + rnd:
        return None
    return _mx(abs(d1 - jw)) <= 10 * trunc + rnd + 1e-12 * njw


def _mx(a):
    """max(a) as a float, for a float or an array."""
    return a if isinstance(a, float) else float(a.max())


def _screen_weights(k, _cache={}):
    """k irregular dyadic weights in [0.5, 1.5) (golden-ratio sequence)."""
    if k not in _cache:
        frac = np.modf(np.arange(1, k + 1) * _GOLDEN)[0]
        _cache[k] = 0.5 + np.floor(16 * frac) / 16
    return _cache[k]


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

    def __init__(self, p, r, min_levels, rtol):
        self.fac, self.min_levels, self.rtol = float(r) ** p, min_levels, rtol
        self.prev, self.best, self.err, self.levels = None, None, np.inf, 0

    def add(self, D, floor):
        """Add D; True when done (see `_Ridders`)."""
        row, grew = [D], np.inf
        if self.prev is None:
            self.best = D
        else:
            fac = 1.0
            for j, prev in enumerate(self.prev):
                fac *= self.fac
                row.append(row[j] + (row[j] - prev) / (fac - 1))
                e = max(_norm(row[-1] - row[j]), _norm(row[-1] - prev))
                if e <= self.err:
                    self.err, self.best = e, row[-1]
            grew = _norm(row[-1] - self.prev[-1])
        self.prev = row
        self.levels += 1
        if self.levels < self.min_levels:
            return self.levels > 1 and self.err <= floor
        size = _norm(self.best)
        return self.err <= self.rtol * size + floor or (
            self.err <= 1e-7 * size and grew >= _SAFE * self.err)


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
    True), or it is tiny (False: the kink is at x)."""
    a, jump, h = kink["output"], kink["jump"], np.array([kink["h"]])
    one = dirs.subset([r])
    for _ in range(_MAX_SHRINK):
        h /= 4
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
    for _ in range(_MAX_SHRINK):
        P = F.real(dirs.points(F.x, h, todo), finite=False)
        M = F.real(dirs.points(F.x, -h, todo), finite=False)
        ok = np.isfinite(P).all(axis=1) & np.isfinite(M).all(axis=1)
        Yp[todo[ok]], Ym[todo[ok]] = P[ok], M[ok]
        todo, first = todo[~ok], np.argmin(ok)
        if len(todo) == 0:
            return Yp, Ym
        h[todo] /= 4
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
    jump at a kink: look for |J| not decreasing over the last three
    levels. Yields (r, dict with the output index, slopes, jump, h)."""
    H = np.array([s[0] for s in samples])
    P = np.array([s[1] for s in samples])
    M = np.array([s[2] for s in samples])
    for r in np.flatnonzero(levels >= 3):
        lv = levels[r] - np.array([3, 2, 1])
        h, p, m = H[lv, r][:, None], P[lv, r], M[lv, r]
        J = np.abs(p + m - 2 * F.y0) / h
        noise = 1e3 * _EPS * (np.abs(F.y0) + np.abs(p[2]) + np.abs(m[2]))
        kink = (J[2] > 0.8 * J[1]) & (J[1] > 0.8 * J[0]) & (
            J[2] > noise / h[2])
        if kink.any():
            a = int(np.argmax(kink))
            yield r, {
                "output": a, "jump": J[2, a], "h": h[2, 0],
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
    if method in ("auto", "complex"):
        try:
            H = _hessian_extrapolated(F, True)
            if method == "complex" or _screen_hessian(F, H):
                return H
        except _NotComplexSafe as why:
            if method == "complex":
                raise ValueError(f"method='complex' needs an f that accepts"
                                 f" complex input: {why.args[0]}; use "
                                 "method='auto'") from why
        _richardson_jvp(F, _Directions.unit(F.x.size))    # kink check
        method = "richardson"
    if method == "richardson":
        return _hessian_extrapolated(F, False)
    return _hessian_fixed(F, method, h)


@functools.lru_cache(maxsize=16)
def _pair_pattern(n):
    """Index pairs j <= k, the diagonal mask, and the 0/1 rows e_j + e_k
    (None if too large to build at once)."""
    J, K = np.triu_indices(n)
    U = None
    if len(J) * n <= _BATCH:
        U = np.zeros((len(J), n))
        U[np.arange(len(J)), J] = 1.0
        U[np.arange(len(J)), K] = 1.0
    return J, K, J == K, U


class _Pairs:
    """The directions u = s_j e_j (+ s_k e_k), j <= k, of the quadratic
    forms u^T H u from which the Hessian is assembled."""

    def __init__(self, F, s):
        self.F, self.s = F, s
        self.J, self.K, self.diag, U = _pair_pattern(F.x.size)
        self.U = self.U2 = None
        if U is not None:
            self.U = U * s
            self.U2 = np.concatenate([self.U, -self.U])

    def points(self, step, both=True):
        """x + step * u for every u, then (if both) x - step * u."""
        if self.U is not None:
            return self.F.x + step * (self.U2 if both else self.U)
        if not both:
            return self._lazy(step)
        return itertools.chain(self._lazy(step), self._lazy(-step))

    def _lazy(self, step):
        for j, k in zip(self.J, self.K):
            z = _moved(self.F.x, j, step * self.s[j])
            yield z if j == k else _moved(z, k, step * self.s[k])

    def hessian(self, Q):
        """H from Q = u^T H u: H_jk = (Q_jk - Q_jj - Q_kk) / (2 s_j s_k)."""
        J, K, s, diag = self.J, self.K, self.s, self.diag
        Qd = Q[diag]
        H = np.empty((len(s), len(s)))
        H[J, K] = np.where(diag, Q / s[J] ** 2,
                           (Q - Qd[J] - Qd[K]) / (2 * s[J] * s[K]))
        H[K, J] = H[J, K]
        return H


def _quadratic_forms(pairs, d, use_complex):
    """u^T H u for every u, and a rounding-noise level: the 45-degree
    complex step Im(f(x + w d u) + f(x - w d u)) / d^2 = u^T H u + O(d^4)
    (w = exp(i pi / 4): w^2 = i, w^4 real), or the real second difference
    (f(x + d u) - 2 f(x) + f(x - d u)) / d^2 = u^T H u + O(d^2)."""
    F = pairs.F
    if use_complex:
        Y = F.cplx(pairs.points(d * _OMEGA)).imag[:, 0]
        N = len(Y) // 2
        Q = Y[:N] + Y[N:]
    else:
        Y = F.real(pairs.points(d), finite=False)[:, 0]
        N = len(Y) // 2
        Q = Y[:N] + Y[N:] - 2 * F.y0[0]
    noise = 1e2 * _EPS * max(_norm(Y), F.fmax) / d ** 2
    return Q / d ** 2, noise


def _hessian_extrapolated(F, use_complex):
    """Ridders' extrapolation of the quadratic forms as d -> 0.

    Complex: steps 2**-3, 2**-4, ... (times s), error series in d**4,
    usually three levels; if the first two levels agree to rounding (f is
    a polynomial of degree < 6) the larger step is kept, as it has less
    rounding. Real: the same with a series in d**2. When the first two
    levels differ by more than 1%, d is far too large for f (e.g. lse at
    x = 100, where s = 128): the table restarts at a 16 times smaller d."""
    pairs = _Pairs(F, F.s)
    p, d = (4, _H0_COMPLEX_HESSIAN) if use_complex else (2, _H0_SECOND)
    new_table = functools.partial(_Sequence, p, 2, 3, 1e-8 if use_complex
                                  else 4 * _EPS)
    table, Q, noise, d = new_table(), *_finite_forms(pairs, d, use_complex)
    first = Q
    for _ in range(_MAX_LEVELS):
        if table.add(Q, noise):
            break
        if table.levels == 2 and table.err > 1e-2 * _norm(table.best):
            table, first, d = new_table(), None, d / 16
        else:
            d /= 2
        Q, noise = _quadratic_forms(pairs, d, use_complex)
        first = Q if first is None else first
    best = table.best
    if use_complex and table.levels == 2 and _norm(Q - first) <= noise:
        best = first
    return pairs.hessian(best)


def _finite_forms(pairs, d, use_complex):
    """The quadratic forms at the first step d (divided by 4 until they
    are finite): (Q, noise, d)."""
    for _ in range(_MAX_SHRINK):
        Q, noise = _quadratic_forms(pairs, d, use_complex)
        if np.isfinite(Q).all():
            return Q, noise, d
        d /= 4
    if use_complex:
        raise _NotComplexSafe("f is not finite at complex points")
    raise ValueError(f"f is not finite at points x + d*u for any d >= "
                     f"{d:.3g} (u = e[j] + e[k], scaled)")


def _screen_hessian(F, H):
    """Do real second differences agree with the complex-step Hessian?

    Along u = c * s (irregular dyadic weights c, scales s), compare
    u^T H u with D2(t) = (f(x+tu) - 2f(x) + f(x-tu)) / t^2 and D2(2t), as
    `_screen` does for first derivatives (here with Python floats)."""
    u = _screen_weights(F.x.size) * F.s
    quad, y0, t = float(u @ H @ u), float(F.y0[0]), _T_SCREEN_2
    for _ in range(_SCREEN_TRIES):
        Y = F.real(F.x + _SCREEN_STEPS * (t * u), finite=False)
        yp1, ym1, yp2, ym2 = Y = Y[:, 0].tolist()
        if all(map(math.isfinite, Y)):
            d1 = (yp1 + ym1 - 2 * y0) / t ** 2
            d2 = (yp2 + ym2 - 2 * y0) / (2 * t) ** 2
            trunc = abs(d1 - d2)
            rnd = 1e3 * _EPS * max(max(map(abs, Y)), F.fmax) / t ** 2
            if trunc <= 1e-3 * max(abs(d1), abs(quad)) + rnd:
                return abs(d1 - quad) <= 10 * trunc + rnd + 1e-10 * abs(quad)
        t /= 16
    return False


def _hessian_fixed(F, method, h):
    """Textbook second differences with one step (scaled unless h given):
    central (f(x+du) - 2f(x) + f(x-du)) / d^2, forward
    (f(x+2du) - 2f(x+du) + f(x)) / d^2."""
    if h is not None:
        pairs, d = _Pairs(F, np.ones(F.x.size)), h
    else:
        pairs = _Pairs(F, F.s)
        d = _EPS ** 0.25 if method == "central" else _EPS ** (1 / 3)
    if method == "central":
        Y = F.real(pairs.points(d))[:, 0]
        N = len(Y) // 2
        Q = Y[:N] + Y[N:] - 2 * F.y0[0]
    else:
        Q = F.real(pairs.points(2 * d, both=False))[:, 0] \
            - 2 * F.real(pairs.points(d, both=False))[:, 0] + F.y0[0]
    return pairs.hessian(Q / d ** 2)
