"""A reader's function, made safe to plot and to differentiate.

A widget takes whatever the reader wrote:

* numpy code taking the point as one array, ``f(x)`` with ``x[0], x[1]``
  the coordinates (a float ``x`` for functions of one variable), the
  convention of :mod:`mathlib.numeric`;
* a sympy expression (or, for a map R^2 -> R^2, a list or Matrix of two
  expressions) in the symbols x and y, or in any two symbols, taken in
  alphabetical order unless ``variables=`` says otherwise.

:class:`Function` wraps it once, at construction: it checks that f can
be called and returns the right shape (TypeError/ValueError otherwise),
evaluates it on whole grids (vectorised when f allows it, else point by
point, with nan where f raises), and computes derivatives at a point,
with :mod:`mathlib.symbolic` for sympy input (exact, then lambdified) or
:mod:`mathlib.numeric` for numpy code. At a single point every failure
(f raises, returns nan, a derivative is not finite) becomes a
:class:`WidgetInputError`, which a widget shows as a message.
"""

import warnings
from itertools import combinations

import numpy as np
import sympy as sp

__all__ = ["Function", "WidgetInputError"]


class WidgetInputError(ValueError):
    """A value the widget cannot draw; its text is shown to the reader."""


def _fmt_point(x):
    x = np.atleast_1d(np.asarray(x, dtype=float))
    inner = ", ".join(f"{v:.3g}" for v in x)
    return f"({inner})" if x.size > 1 else inner


def _default_symbols(expr_list, n, variables):
    """The n sympy Symbols the expressions are functions of, in order."""
    if variables is not None:
        syms = list(variables)
        if len(syms) != n or not all(isinstance(s, sp.Symbol)
                                     for s in syms):
            raise ValueError(f"variables must be {n} sympy Symbols, got "
                             f"{variables!r}")
        return syms
    free = set().union(*(e.free_symbols for e in expr_list))
    by_name = {s.name: s for s in free}
    names = ["x", "y"][:n]
    if set(by_name) <= set(names):
        return [by_name.get(nm, sp.Symbol(nm)) for nm in names]
    if len(free) == n:
        return sorted(free, key=lambda s: s.name)
    raise ValueError(
        f"f has the free symbols {sorted(by_name)}; a function of {n} "
        f"variable{'s' if n > 1 else ''} is expected: pass variables="
        f"[...] with the {n} symbol{'s' if n > 1 else ''} to use")


def _dirac(x, *order):
    """sympy's DiracDelta (in the derivatives of |x|, sign, Heaviside) as
    numpy: 0 away from its point, inf (no derivative) on it.

    >>> print(_dirac(np.array([-1.0, 0.0, 2.0])))
    [ 0. inf  0.]
    """
    return np.where(np.asarray(x) == 0, np.inf, 0.0)


def _is_sympy(f):
    if isinstance(f, (sp.Basic, sp.MatrixBase)):
        return True
    return (isinstance(f, (list, tuple)) and len(f) > 0
            and all(isinstance(e, (sp.Basic, int, float)) for e in f)
            and any(isinstance(e, sp.Basic) for e in f))


class Function:
    """A reader's function of ``n_in`` variables with values of shape
    ``out_shape`` (``()`` for a scalar, ``(2,)`` for a map to the plane).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> f = Function(x**2 * y, n_in=2)
    >>> print(f.value([3.0, 2.0]), f.gradient([3.0, 2.0]))
    18.0 [12.  9.]
    >>> g = Function(lambda p: p[0] ** 2 * p[1], n_in=2)
    >>> print(np.round(g.gradient([3.0, 2.0]), 6))
    [12.  9.]
    """

    def __init__(self, f, n_in=2, out_shape=(), name="f", variables=None):
        self.n_in, self.out_shape, self.name = n_in, tuple(out_shape), name
        self.symbols = None
        self.expr = None
        if _is_sympy(f):
            self._from_sympy(f, variables)
        elif isinstance(f, str):
            raise TypeError(
                f"{name} is the string {f!r}; strings are not parsed: pass "
                "a sympy expression (e.g. x*sp.exp(-x**2 - y**2) with x, "
                "y = sp.symbols('x y')) or a numpy function")
        elif not callable(f):
            raise TypeError(f"{name} must be a function (numpy code taking "
                            "an array) or a sympy expression, got "
                            f"{type(f).__name__}")
        else:
            self.f = f
        self._vectorized = None

    # ------------------------------------------------------------ sympy
    def _from_sympy(self, f, variables):
        if self.out_shape == ():
            if isinstance(f, sp.MatrixBase) or isinstance(f, (list, tuple)):
                raise ValueError(f"{self.name} must be a scalar expression "
                                 f"here, got {len(f)} expressions")
            exprs = [sp.sympify(f)]
        else:
            exprs = [sp.sympify(e) for e in (list(f) if not isinstance(
                f, sp.MatrixBase) else list(f))]
            if len(exprs) != int(np.prod(self.out_shape)):
                raise ValueError(
                    f"{self.name} must have {int(np.prod(self.out_shape))} "
                    f"components, got {len(exprs)}")
        syms = _default_symbols(exprs, self.n_in, variables)
        # real symbols: d|x|/dx is sign(x), not an expression in re(x)
        real = [sp.Symbol(v.name, real=True) for v in syms]
        exprs = [e.subs(dict(zip(syms, real))) for e in exprs]
        self.symbols, self.expr = real, (
            exprs[0] if self.out_shape == () else sp.Matrix(exprs))
        self.f = self._lambdify(exprs, real)
        self._symbolic = {}
        self._switches = None

    def _symbolic_derivative(self, kind):
        """The lambdified exact derivative of a sympy f (cached), or None
        if sympy cannot write it as numpy code (then numeric is used)."""
        if kind not in self._symbolic:
            from mathlib import symbolic
            e, v, n = self.expr, self.symbols, self.n_in
            try:
                if kind == "derivative":
                    fn = self._lambdify([sp.diff(e, v[0])], v)
                elif kind == "gradient":
                    fn = self._lambdify(list(symbolic.gradient(e, v)), v,
                                        (n,))
                elif kind == "hessian":
                    fn = self._lambdify(list(symbolic.hessian(e, v)), v,
                                        (n, n))
                else:
                    fn = self._lambdify(list(symbolic.jacobian(e, v)), v,
                                        self.out_shape + (n,))
            except Exception:
                fn = None
            self._symbolic[kind] = fn
        return self._symbolic[kind]

    def _on_a_switch(self, x):
        """True if x is where a piece of a sympy f switches: the argument
        of an Abs, sign or Heaviside is 0, or two arguments of a Max or
        Min are equal. There sympy's derivative is a convention (sign(0)
        is 0), not a derivative, so the numeric one is used instead: it
        says so at a kink (|x| at 0) and agrees where there is none
        (|x|**3 at 0)."""
        if self._switches is None:
            e = self.expr
            parts = [a.args[0] for a in e.atoms(sp.Abs, sp.sign,
                                                sp.Heaviside)]
            for m in e.atoms(sp.Max, sp.Min):
                parts += [a - b for a, b in combinations(m.args, 2)]
            self._switches = (self._lambdify(parts, self.symbols,
                                             (len(parts),))
                              if parts else False)
        if not self._switches:
            return False
        try:
            with np.errstate(all="ignore"):
                v = np.asarray(self._switches(
                    float(x) if self.n_in == 1 else x), dtype=float)
        except Exception:
            return False
        return bool(np.any(np.abs(v) <= 1e-12))

    def _lambdify(self, exprs, syms, shape=None):
        fns = [sp.lambdify(syms, e, modules=[{"DiracDelta": _dirac},
                                             "numpy"]) for e in exprs]
        n_in, out = self.n_in, (self.out_shape if shape is None else shape)

        def call(x):
            x = np.asarray(x)
            args = [x] if n_in == 1 else [x[i] for i in range(n_in)]
            zero = 0 * args[0]
            vals = [fn(*args) + zero for fn in fns]   # broadcast constants
            if out == ():
                return vals[0]
            return np.reshape(np.stack(np.broadcast_arrays(*vals)),
                              out + np.shape(zero))
        return call

    # ------------------------------------------------------- evaluation
    def _raw(self, x):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self.f(x)

    def _checked(self, y, x):
        arr = np.asarray(y)
        if arr.dtype.kind == "c":
            if np.any(arr.imag != 0):
                raise WidgetInputError(
                    f"{self.name} is complex at {_fmt_point(x)}")
            arr = arr.real
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"{self.name} must return numbers, got "
                            f"{type(y).__name__} at {_fmt_point(x)}")
        if arr.shape != self.out_shape:
            raise ValueError(
                f"{self.name} must return "
                + ("a scalar" if self.out_shape == ()
                   else f"an array of shape {self.out_shape}")
                + f", got shape {arr.shape} at {_fmt_point(x)}")
        return arr.astype(float)

    def value(self, x):
        """f(x) as a finite float (or array); WidgetInputError if not."""
        x = np.asarray(x, dtype=float)
        if self.n_in == 1:
            x = float(x)
        try:
            y = self._raw(x)
        except Exception as exc:
            raise WidgetInputError(
                f"{self.name} raised {type(exc).__name__} at "
                f"{_fmt_point(x)}: {exc}") from exc
        try:
            arr = self._checked(y, x)
        except (TypeError, ValueError) as exc:
            raise WidgetInputError(str(exc)) from exc
        if not np.all(np.isfinite(arr)):
            raise WidgetInputError(
                f"{self.name} is not finite at {_fmt_point(x)} "
                f"(value {_fmt_point(arr)})")
        return float(arr) if arr.ndim == 0 else arr

    def _value_or_nan(self, x):
        """f(x) checked, or nan where f raises (call inside _quiet())."""
        try:
            y = self.f(float(x) if self.n_in == 1 else x)
        except Exception:
            return np.full(self.out_shape, np.nan)
        try:
            return self._checked(y, x)
        except WidgetInputError:
            return np.full(self.out_shape, np.nan)

    def grid(self, X):
        """f on many points at once, nan where f fails.

        X has shape (n_in,) + G (just G for one variable); the result has
        shape out_shape + G. Raises TypeError/ValueError if f returns the
        wrong type or shape (a bad function, not a bad point).
        """
        X = np.asarray(X, dtype=float)
        G = X.shape if self.n_in == 1 else X.shape[1:]
        flat = X.reshape(-1) if self.n_in == 1 else X.reshape(self.n_in, -1)
        m = flat.shape[-1]
        out = None
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self._vectorized is not False:
                out = self._try_vectorized(flat, m)
            if out is None:
                out = np.empty(self.out_shape + (m,))
                for j in range(m):
                    out[..., j] = self._value_or_nan(flat[..., j])
        out = np.where(np.isfinite(out), out, np.nan)
        return out.reshape(self.out_shape + G)

    def _try_vectorized(self, flat, m):
        try:
            y = np.asarray(self.f(flat))
        except Exception:
            self._vectorized = False
            return None
        if y.dtype.kind == "c":
            y = np.where(y.imag == 0, y.real, np.nan)
        if y.dtype.kind not in "iuf" or y.shape != self.out_shape + (m,):
            self._vectorized = False
            return None
        y = y.astype(float)
        if self._vectorized is None:        # spot-check against f(point)
            for j in sorted({0, m // 3, (2 * m) // 3, m - 1}):
                p = self._value_or_nan(flat[..., j])
                if not np.allclose(y[..., j], p, rtol=1e-9, atol=1e-12,
                                   equal_nan=True):
                    self._vectorized = False
                    return None
            self._vectorized = True
        return y

    # ------------------------------------------------------ derivatives
    def _derivative(self, kind, x, *extra):
        x = np.asarray(x, dtype=float)
        sym = None
        if self.expr is not None and not self._on_a_switch(x):
            sym = self._symbolic_derivative(
                "gradient" if kind == "directional_derivative" else kind)
        try:
            if sym is not None:
                with np.errstate(all="ignore"):
                    d = sym(float(x) if kind == "derivative" else x)
                    if kind == "directional_derivative":
                        d = np.dot(d, extra[0])
                d = np.asarray(d, dtype=float)
            else:
                from mathlib import numeric
                arg = float(x) if self.n_in == 1 else x
                d = np.asarray(getattr(numeric, kind)(self.f, arg, *extra),
                               dtype=float)
        except Exception as exc:
            raise WidgetInputError(
                f"could not compute the {kind.replace('_', ' ')} of "
                f"{self.name} at {_fmt_point(x)}: {type(exc).__name__}: "
                f"{exc}") from exc
        if not np.all(np.isfinite(d)):
            raise WidgetInputError(
                f"the {kind.replace('_', ' ')} of {self.name} is not "
                f"finite at {_fmt_point(x)}")
        return float(d) if d.ndim == 0 else d

    def derivative(self, x):
        """f'(x) for a function of one variable."""
        return self._derivative("derivative", x)

    def partial(self, x, i):
        """The partial derivative with respect to variable i at x."""
        if self.expr is not None and self._symbolic_derivative("gradient"):
            return float(self._derivative("gradient", x)[i])
        return self._derivative("partial", x, i)

    def gradient(self, x):
        """The gradient at x, shape (n_in,)."""
        return self._derivative("gradient", x)

    def hessian(self, x):
        """The Hessian at x, shape (n_in, n_in)."""
        return self._derivative("hessian", x)

    def jacobian(self, x):
        """The Jacobian at x, shape out_shape + (n_in,)."""
        return self._derivative("jacobian", x)

    def directional_derivative(self, x, v):
        """D_v f(x) (v not normalised)."""
        return self._derivative("directional_derivative", x,
                                np.asarray(v, dtype=float))
