"""Thin, honest wrappers over sympy: gradient, jacobian, hessian, taylor.

Every function takes sympy objects (expressions, ``Symbol``s, ``Matrix``es)
and returns sympy objects, in the book's layout convention:

* the gradient of a scalar has the shape of the variable: an n x 1 column
  ``Matrix`` for a list of n variables, an m x n ``Matrix`` for a matrix
  variable X (the "same shape as the variable" convention);
* the Jacobian of m expressions in n variables is m x n (numerator layout,
  rows = outputs); ``layout="denominator"`` gives its n x m transpose;
* the Hessian of a scalar in n variables is n x n.

Strings are never parsed here (``mathlib.exercises`` parses readers'
answers safely); pass ``sympy.symbols(...)`` and sympy expressions.
Plain Python numbers are accepted where an expression is expected.

:func:`equivalent` decides whether two formulas are equal, first by
evaluating them at random points with 40 significant digits, then by
asking sympy to prove it; see its docstring for exactly what "equal" means.
"""

import numbers
from decimal import Decimal

import numpy as np
import sympy as sp
from sympy.functions.elementary.hyperbolic import HyperbolicFunction

from ._timing import OutOfTime, time_limit

__all__ = ["gradient", "jacobian", "hessian", "taylor", "equivalent",
           "Equivalence"]

LAYOUTS = ("numerator", "denominator")


# ---------------------------------------------------------------- inputs


def _expression(obj, name, matrix_ok=False):
    """Return obj as a sympy object, or raise a TypeError naming ``name``."""
    if isinstance(obj, sp.MatrixBase):
        if not matrix_ok:
            raise TypeError(f"{name} must be a scalar sympy expression, "
                            f"got a {obj.rows}x{obj.cols} Matrix")
        return obj
    if isinstance(obj, sp.Basic):
        return obj
    if isinstance(obj, numbers.Number) and not isinstance(obj, bool):
        return sp.sympify(obj)
    if isinstance(obj, str):
        raise TypeError(f"{name} is the string {obj!r}; strings are not "
                        "parsed here: build a sympy expression (e.g. with "
                        "sympy.symbols) or use mathlib.exercises")
    raise TypeError(f"{name} must be a sympy expression"
                    f"{' or Matrix' if matrix_ok else ''}, "
                    f"got {type(obj).__name__}")


def _variables(vars, name="vars"):
    """Return (flat list of Symbols, shape of the gradient) for vars.

    A list/tuple of n Symbols has shape (n, 1); a Matrix of Symbols keeps
    its own shape; a single Symbol counts as a list of one.
    """
    if isinstance(vars, sp.Symbol):
        flat, shape = [vars], (1, 1)
    elif isinstance(vars, sp.MatrixBase):
        flat, shape = list(vars), vars.shape
    elif isinstance(vars, (list, tuple)):
        flat, shape = list(vars), (len(vars), 1)
    else:
        raise TypeError(f"{name} must be a list or tuple of sympy Symbols "
                        f"or a Matrix of Symbols, got {type(vars).__name__}")
    if not flat:
        raise ValueError(f"{name} is empty; give at least one Symbol")
    for v in flat:
        if not isinstance(v, sp.Symbol):
            raise TypeError(f"{name} must contain only sympy Symbols, "
                            f"got {v!r} ({type(v).__name__})")
    if len(set(flat)) != len(flat):
        twice = [v for v in flat if flat.count(v) > 1][0]
        raise ValueError(f"{name} contains the Symbol {twice} twice")
    return flat, shape


def _vector_variables(vars, name="vars"):
    """Like _variables, but vars must be a vector (list or 1-row/column)."""
    flat, shape = _variables(vars, name)
    if isinstance(vars, sp.MatrixBase) and min(shape) > 1:
        raise ValueError(f"{name} is a {shape[0]}x{shape[1]} Matrix; this "
                         "function needs a vector of variables (flatten "
                         "it, e.g. list(X))")
    return flat


# ------------------------------------------------------------ derivatives


def gradient(expr, vars):
    """Gradient of a scalar expression, shaped like the variables.

    Introduced in chapter 2, *Partial derivatives and gradients*; for a
    matrix variable, chapter 8, *The matrix calculus toolbox*.

    Parameters
    ----------
    expr : sympy expression (or number)
        A scalar function of the variables.
    vars : list or tuple of Symbols, or Matrix of Symbols
        The variables. A list of n Symbols gives an n x 1 column Matrix; a
        Matrix of Symbols X (m x n) gives an m x n Matrix whose (i, j)
        entry is the partial derivative with respect to X[i, j].

    Returns
    -------
    sympy.Matrix
        Same shape as the variable vector/matrix (n x 1 for a list).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> gradient(2*x + y**8, [x, y])
    Matrix([
    [     2],
    [8*y**7]])
    >>> X = sp.Matrix(2, 2, sp.symbols("a b c d"))
    >>> gradient(X.det(), X)     # the cofactor matrix
    Matrix([
    [ d, -c],
    [-b,  a]])
    """
    expr = _expression(expr, "expr")
    flat, shape = _variables(vars)
    return sp.Matrix(*shape, [sp.diff(expr, v) for v in flat])


def jacobian(exprs, vars, layout="numerator"):
    """Jacobian matrix of a vector of expressions.

    Introduced in chapter 4, *Jacobians*.

    Parameters
    ----------
    exprs : list or tuple of expressions, vector Matrix, or one expression
        The m component functions (one expression counts as m = 1).
    vars : list or tuple of Symbols, or vector Matrix of Symbols
        The n variables.
    layout : {"numerator", "denominator"}
        "numerator" (the book's default): m x n, row i is the gradient of
        component i transposed. "denominator": the n x m transpose.

    Returns
    -------
    sympy.Matrix
        m x n (numerator layout) or n x m (denominator layout).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> jacobian([x*y, x + y, x**2], [x, y])
    Matrix([
    [  y, x],
    [  1, 1],
    [2*x, 0]])
    >>> jacobian([x*y, x + y, x**2], [x, y], layout="denominator")
    Matrix([
    [y, 1, 2*x],
    [x, 1,   0]])
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    if isinstance(exprs, sp.MatrixBase):
        if min(exprs.shape) > 1:
            raise ValueError(f"exprs is a {exprs.rows}x{exprs.cols} Matrix;"
                             " give a vector of expressions")
        items = list(exprs)
    elif isinstance(exprs, (list, tuple)):
        items = list(exprs)
    else:
        items = [exprs]
    if not items:
        raise ValueError("exprs is empty; give at least one expression")
    items = [_expression(e, f"exprs[{i}]") for i, e in enumerate(items)]
    flat = _vector_variables(vars)
    J = sp.Matrix([[sp.diff(e, v) for v in flat] for e in items])
    return J if layout == "numerator" else J.T


def hessian(expr, vars):
    """Hessian matrix (all second partial derivatives) of a scalar.

    Introduced in chapter 7, *Hessians and quadratic approximation*.

    Parameters
    ----------
    expr : sympy expression
        A scalar function of the variables.
    vars : list or tuple of Symbols, or vector Matrix of Symbols
        The n variables.

    Returns
    -------
    sympy.Matrix
        n x n, entry (i, j) = d/d vars[i] (d expr / d vars[j]): the
        book's d^2 f / (dx_i dx_j), differentiated by vars[j] first.
        Symmetric whenever the second partials are continuous.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> hessian(x**3*y + y**2, [x, y])
    Matrix([
    [ 6*x*y, 3*x**2],
    [3*x**2,      2]])
    """
    expr = _expression(expr, "expr")
    flat = _vector_variables(vars)
    return sp.Matrix([[sp.diff(expr, v, u) for v in flat] for u in flat])


def _point(point, flat):
    """Return the list of sympy values of point, in the order of flat."""
    if isinstance(point, dict):
        values = []
        for v in flat:
            if v in point:
                values.append(point[v])
            elif v.name in point:
                values.append(point[v.name])
            else:
                raise ValueError(f"point has no value for the variable {v}")
        extra = [k for k in point
                 if k not in flat and k not in [v.name for v in flat]]
        if extra:
            raise ValueError(f"point has values for {extra}, which are "
                             f"not among vars {flat}")
    elif isinstance(point, (list, tuple, sp.MatrixBase)):
        values = list(point)
        if len(values) != len(flat):
            raise ValueError(f"point has {len(values)} coordinates but "
                             f"there are {len(flat)} variables {flat}")
    else:
        raise TypeError("point must be a list, tuple or dict, got "
                        f"{type(point).__name__}")
    return [_expression(p, f"point[{v}]") for p, v in zip(values, flat)]


def taylor(expr, vars, point, order=2):
    """Multivariate Taylor polynomial of order 1 or 2 at a point.

    Introduced in chapter 3, *Directional derivatives and steepest ascent*
    (order 1) and chapter 7, *Hessians and quadratic approximation*
    (order 2).

    Order 1 is f(p) + grad f(p) . (x - p); order 2 adds
    1/2 (x - p)^T H(p) (x - p), with H the Hessian.

    Parameters
    ----------
    expr : sympy expression
        The scalar function f.
    vars : list or tuple of Symbols, or vector Matrix of Symbols
        The variables x.
    point : list, tuple or dict
        The expansion point p: one value per variable, or a dict keyed by
        the Symbols (or their names). Values may be exact, e.g. log(2).
    order : {1, 2}

    Returns
    -------
    sympy expression
        A polynomial of degree <= order in vars, expanded (sympy would
        multiply out the powers of (x - p) anyway), with exact
        coefficients simplified at p.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> taylor(sp.exp(x) * sp.cos(y), [x, y], [0, 0], order=2)
    x**2/2 + x - y**2/2 + 1
    >>> taylor(x * sp.exp(-x**2 - y**2), [x, y], {x: -1, y: 0}, order=1)
    -x*exp(-1) - 2*exp(-1)
    """
    if isinstance(order, bool) or order not in (1, 2):
        raise ValueError(f"order must be 1 or 2, got {order!r}")
    expr = _expression(expr, "expr")
    flat = _vector_variables(vars)
    p = _point(point, flat)
    at = dict(zip(flat, p))

    def value(e):
        c = sp.simplify(e.subs(at))
        if c.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            raise ValueError(f"expr or its derivatives are not finite at "
                             f"the point {at}: got {e} = {c}")
        return c

    d = [v - pv for v, pv in zip(flat, p)]
    result = value(expr)
    for i, v in enumerate(flat):
        result += value(sp.diff(expr, v)) * d[i]
    if order == 2:
        for i, u in enumerate(flat):
            for j, v in enumerate(flat):
                result += value(sp.diff(expr, u, v)) * d[i] * d[j] / 2
    return sp.expand(result)


# ------------------------------------------------------------ equivalence


class Equivalence:
    """Result of :func:`equivalent`: truthy iff the two sides are equal.

    Attributes
    ----------
    equal : bool
        The verdict (also ``bool(result)``).
    reason : str
        One sentence saying how the verdict was reached.
    witness : dict or None
        When the sides differ at a sample point: ``{"point": {symbol:
        float}, "a": float, "b": float}`` (plus ``"entry": (i, j)`` for
        matrices). None otherwise.
    method : str
        "symbolic" (sympy proved it), "numeric" (only the high-precision
        samples agree), "sample" (a sample point separates them), "shape"
        or "undecided".
    samples : int
        Number of points where both sides were real and finite (for
        matrices, in the entry with the fewest such points).
    """

    def __init__(self, equal, reason, witness=None, method="",
                 samples=0):
        self.equal = bool(equal)
        self.reason = reason
        self.witness = witness
        self.method = method
        self.samples = samples

    def __bool__(self):
        return self.equal

    def __repr__(self):
        return f"Equivalence({self.equal}, {self.reason!r})"

    def __str__(self):
        return ("equivalent: " if self.equal else "not equivalent: ") \
            + self.reason


DEFAULT_INTERVAL = (-2.0, 2.0)
DEFAULT_INTEGERS = (-5.0, 5.0)   # for integer symbols: -4, ..., 4
DIGITS = 40          # significant digits of the numeric screen
RTOL = 1e-25         # relative agreement required at DIGITS digits
MIN_NUMERIC = 8      # samples needed to accept without a symbolic proof


def _interval(symbols, domain):
    """Open sampling interval (lo, hi) for a group of same-named Symbols."""
    name = symbols[0].name
    if isinstance(domain, dict):
        keys = [k for k in domain
                if k in symbols or (isinstance(k, str) and k == name)]
        bounds = domain[keys[0]] if keys else None
    else:
        bounds = domain
    if bounds is None:
        integer = any(s.is_integer for s in symbols)
        lo, hi = DEFAULT_INTEGERS if integer else DEFAULT_INTERVAL
        if any(s.is_nonnegative for s in symbols):
            lo = 0.0
        if any(s.is_nonpositive for s in symbols):
            hi = 0.0
    else:
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise TypeError(f"domain for {name} must be a pair (lo, hi) "
                            f"of numbers, got {bounds!r}") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
            raise ValueError(f"domain for {name} must be a finite interval "
                             f"with lo < hi, got {bounds!r}")
    if any(s.is_integer for s in symbols) and \
            np.floor(hi - 1e-9) < np.ceil(lo + 1e-9):
        raise ValueError(f"domain for the integer symbol {name} is "
                         f"({lo}, {hi}), which has no integer inside")
    return lo, hi


def _sample(lo, hi, integer, rng):
    """One sample point in the open interval (lo, hi), exact and short
    (6 significant digits, more where the interval is too narrow for 6,
    or an integer for integer symbols)."""
    if integer:
        first, last = np.ceil(lo + 1e-9), np.floor(hi - 1e-9)
        return sp.Integer(int(rng.integers(first, last + 1)))
    for _ in range(100):
        u = rng.uniform(lo, hi)
        # 17 digits tell any two floats apart: t is inside if u is
        for digits in range(6, 18):
            t = sp.Rational(f"{u:.{digits}g}")
            if lo < t < hi:
                return t
    # (lo, hi) holds no float and no rounding of one: e.g. two
    # neighbouring floats; their exact midpoint lies strictly inside
    return (sp.Rational(lo) + sp.Rational(hi)) / 2


def _value(expr, subs):
    """expr at subs as a real sympy Float, or None if not real/finite."""
    try:
        v = sp.N(expr, DIGITS, subs=subs)
    except Exception:       # sympy cannot evaluate it here: skip the point
        return None
    if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    re, im = v.as_real_imag()
    if not (re.is_Number and im.is_Number):
        return None
    if abs(im) > 10.0 ** (10 - DIGITS) * max(1, abs(re)):
        return None
    return re


def _fmt(*values):
    """Format numbers with 6 significant digits, or more if needed to
    tell them apart: at most 26, which always do for two values the
    screen separates (they differ by more than 1e-25 of the larger)."""
    for digits in range(6, 27):
        out = [_g(v, digits) for v in values]
        if len(set(out)) == len(out):
            break
    return out[0] if len(out) == 1 else out


def _g(v, digits):
    """v rounded to `digits` significant digits, written as Python's
    "g" format writes a float ("0.5", "1e-05", "1.5e+30"), but from the
    exact value: a float has only 16 digits, and rounding the float
    again could change the last one."""
    exact = Decimal(str(sp.Float(v, DIGITS)))
    mantissa, exponent = f"{exact:.{digits - 1}e}".split("e")
    exponent = int(exponent)
    if -4 <= exponent < digits:              # fixed point, as "g" does
        text = f"{Decimal(mantissa).scaleb(exponent):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{mantissa.rstrip('0').rstrip('.')}e{exponent:+03d}"


def _points(n):
    return f"{n} random point{'' if n == 1 else 's'}"


def _agree(n):
    return "agrees" if n == 1 else "agree"


def _real_dummies(groups, intervals):
    """Map every free symbol to a real Dummy with its interval's sign."""
    subs = {}
    for name, syms in groups.items():
        lo, hi = intervals[name]
        kw = {"real": True}
        if lo >= 0:
            kw["positive"] = True
        elif hi <= 0:
            kw["negative"] = True
        if any(s.is_integer for s in syms):
            kw["integer"] = True
        d = sp.Dummy(name, **kw)
        subs.update({s: d for s in syms})
    return subs


PROOF_SECONDS = 5.0    # time allowed for sympy's proof in equivalent()


def _simplify_to_zero(d):
    """Try a few sympy rewrites of d; return the last one (0 if proved)."""
    if d.has(HyperbolicFunction):        # sech, tanh: fast through exp
        e = sp.cancel(sp.expand(d.rewrite(sp.exp)))
        if e == 0:
            return e
    d = sp.simplify(d)
    if d != 0 and d.has(sp.log):
        d = sp.simplify(sp.expand_log(d))
    if d != 0 and d.has(sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.sign,
                        sp.Piecewise):
        d = sp.simplify(sp.piecewise_fold(d.rewrite(sp.Piecewise)))
    return d


def _prove(pairs, dummies, floats):
    """True if sympy proves every pair equal, False if a pair differs by
    an exact nonzero constant, None if sympy cannot tell."""
    verdict = True
    for a, b in pairs:
        a, b = a.subs(dummies), b.subs(dummies)
        if sp.expand(a - b) == 0:
            continue
        d = _simplify_to_zero(a - b)
        if d == 0:
            continue
        if d.is_number and d.is_zero is False and not floats:
            return False
        if a.equals(b) is True:
            continue
        verdict = None
    return verdict


def _rtol(pairs):
    """Agreement required: 1e-25 relative, or the precision of the least
    precise Float in the expressions (about 1e-12 for ordinary floats)."""
    floats = set().union(*(a.atoms(sp.Float) | b.atoms(sp.Float)
                           for a, b in pairs))
    if not floats:
        return RTOL, False
    digits = min(int(f._prec * np.log10(2)) for f in floats)
    return max(RTOL, 10.0 ** (3 - digits)), True


def equivalent(a, b, domain=None, *, samples=12, seed=0):
    """Decide whether two formulas are equal (scalars or Matrices).

    Introduced in chapter 1, *Limits and derivatives*, to check
    derivatives worked out by hand; the exercises use it everywhere.

    Method. The free symbols of both sides (matched by name) are sampled
    at ``samples`` random points of the domain, and both sides are
    evaluated with 40 significant digits. Points where either side is not
    real and finite (a pole, log of a negative number, ...) are skipped
    (at most ``4 * samples`` points are drawn in all), so "equal" means:
    equal wherever both sides are real and defined in the domain.
    Matrices are compared entry by entry, and each entry needs its own
    samples (the count is that of the entry with the fewest). If a point separates the sides (relative difference above
    1e-25), the answer is False with that point as the witness. If all
    samples agree, sympy is asked to prove it (``simplify(a - b) == 0``
    or ``a.equals(b)``), with every symbol declared real and with the sign
    of its interval. If sympy proves it: True. If sympy cannot decide but
    at least 8 samples agree to 1e-25 relative: True, and ``method`` is
    "numeric" to say so honestly (two different formulas that agree to 25
    digits at 8 random points are possible in principle, never in
    practice for the book's expressions).

    Floating-point numbers in a formula are inexact: a side containing a
    Float is compared to that Float's precision (about 1e-12 relative for
    ordinary floats), so 0.1*x equals x/10 but 0.333333 does not equal 1/3.
    Exact numbers (integers, Rationals, pi, log(2), ...) are compared
    exactly.

    Parameters
    ----------
    a, b : sympy expression, sympy Matrix, or number
    domain : None, (lo, hi), or dict
        Open sampling interval for all symbols, or a dict ``{symbol or
        name: (lo, hi)}``; symbols not in the dict (and all symbols when
        None) use (-2, 2), narrowed to (0, 2) or (-2, 0) for symbols
        declared positive/nonnegative or negative/nonpositive. Integer
        symbols are sampled at the integers strictly inside their interval
        (default (-5, 5)). Keys matching no symbol are ignored. Symbols
        with the same name (e.g. one declared positive) are one variable.
    samples : int
        Number of random points (at least 8).
    seed : int
        Seed of the random points (the result is reproducible).

    Returns
    -------
    Equivalence
        Truthy iff equal; ``.reason``, ``.witness``, ``.method``.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y")
    >>> bool(equivalent(sp.sin(x)**2, 1 - sp.cos(x)**2))
    True
    >>> r = equivalent(sp.sqrt(x**2), x)
    >>> bool(r), r.witness["point"][x] < 0
    (False, True)
    >>> print(r.reason)   # doctest: +ELLIPSIS
    they differ at x = -...: a = ..., b = ...
    >>> bool(equivalent(sp.log(x*y), sp.log(x) + sp.log(y),
    ...                 domain={"x": (0, 5), "y": (0, 5)}))
    True
    """
    a = _expression(a, "a", matrix_ok=True)
    b = _expression(b, "b", matrix_ok=True)
    if isinstance(samples, bool) or not isinstance(samples, int) \
            or samples < MIN_NUMERIC:
        raise ValueError(f"samples must be an int >= {MIN_NUMERIC}, "
                         f"got {samples!r}")
    if domain is not None and not isinstance(domain, (dict, tuple, list)):
        raise TypeError("domain must be None, a pair (lo, hi) or a dict, "
                        f"got {type(domain).__name__}")
    ma, mb = isinstance(a, sp.MatrixBase), isinstance(b, sp.MatrixBase)
    if ma or mb:
        sa = a.shape if ma else "a scalar"
        sb = b.shape if mb else "a scalar"
        if sa != sb:
            return Equivalence(False, f"a has shape {sa}, b has shape {sb}",
                               method="shape")
        pairs = list(zip(a, b))
        cols = a.cols
    else:
        pairs, cols = [(a, b)], None
    return _screen(pairs, cols, domain, samples, seed)


def _screen(pairs, cols, domain, samples, seed):
    """Numeric screen, then symbolic proof, of entrywise equality."""
    free = set().union(*(a.free_symbols | b.free_symbols
                         for a, b in pairs))
    groups = {}
    for s in sorted(free, key=lambda s: s.name):
        groups.setdefault(s.name, []).append(s)
    intervals = {n: _interval(g, domain) for n, g in groups.items()}
    rtol, floats = _rtol(pairs)
    rng = np.random.default_rng(seed)
    # points where each entry's sides are both real and finite: every
    # entry of a matrix needs its own samples (an entry real only where
    # no point fell was never compared)
    used, tries = [0] * len(pairs), 0
    while min(used) < (samples if free else 1) and tries < 4 * samples:
        tries += 1
        point = {n: _sample(*intervals[n], any(s.is_integer for s in g),
                            rng) for n, g in groups.items()}
        subs = {s: point[n] for n, g in groups.items() for s in g}
        before = min(used)
        for k, (ea, eb) in enumerate(pairs):
            va, vb = _value(ea, subs), _value(eb, subs)
            if va is None or vb is None:
                continue            # a side is not real and finite here
            used[k] += 1
            if abs(va - vb) > rtol * max(1, abs(va), abs(vb)):
                entry = None if cols is None else divmod(k, cols)
                return _differ(point, groups, entry, va, vb, before)
    return _verdict(pairs, groups, intervals, floats, rtol, min(used))


def _differ(point, groups, entry, va, vb, used):
    """The Equivalence saying the sides differ at point."""
    fa, fb = _fmt(va, vb)
    where = ", ".join(f"{n} = {_fmt(v)}" for n, v in point.items())
    witness = {"point": {s: float(point[n])
                         for n, g in groups.items() for s in g},
               "a": float(va), "b": float(vb)}
    text = "they differ"
    if entry is not None:
        witness["entry"] = entry
        text += f" in entry {entry}"
    if where:
        text += f" at {where}"
    return Equivalence(False, f"{text}: a = {fa}, b = {fb}", witness,
                       "sample", used)


def _verdict(pairs, groups, intervals, floats, rtol, used):
    """The Equivalence after all samples agreed: ask sympy for a proof."""
    try:
        with time_limit(PROOF_SECONDS):
            proved = _prove(pairs, _real_dummies(groups, intervals), floats)
    except OutOfTime:
        proved = None      # sympy could not decide in time: numeric verdict
    if proved:
        also = f" (and {_points(used)} {_agree(used)})" if used else ""
        return Equivalence(True, f"sympy proves a - b = 0{also}", None,
                           "symbolic", used)
    if proved is False:
        return Equivalence(False, "a - b simplifies to a nonzero constant "
                           "(too small to see at 40 digits)", None,
                           "symbolic", used)
    if used >= (MIN_NUMERIC if groups else 1):
        return Equivalence(True, f"{_points(used)} {_agree(used)} to "
                           f"{rtol:.0e} relative (40 digits); sympy could "
                           "not prove it symbolically", None, "numeric",
                           used)
    return Equivalence(False, f"undecided: only {used} sample points where "
                       "both sides are real and finite, and sympy could "
                       "not prove a - b = 0", None, "undecided", used)
