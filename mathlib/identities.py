r"""The book's derivative rules: a registry in which every rule is checkable.

Introduced in chapter 4, *Jacobians*, and extended in chapters 5, 6
and 8; the book's reference sheet is generated from this registry.

Each :class:`Rule` holds a function, its claimed derivative (both numpy
callables), the rule's statement in LaTeX in both layouts, and a way to
draw valid random inputs. :func:`verify` compares the claimed derivative
with :func:`mathlib.numeric.jacobian` at random shapes and values.

Layouts (what readers trip over)
--------------------------------
For y in R^m and x in R^n, the *numerator layout* derivative dy/dx is the
m x n Jacobian (rows = outputs); the *denominator layout* is its n x m
transpose. Hence:

* scalar by vector x in R^n: numerator 1 x n (a row), denominator n x 1
  (a column, the gradient);
* vector y in R^m by scalar: numerator m x 1 (a column), denominator
  1 x m (a row);
* scalar by matrix X in R^{m x n}: numerator the n x m matrix with
  entries df/dX_ji, denominator the m x n matrix with entries df/dX_ij
  ("same shape as X"); each is the transpose of the other;
* beyond that (vector or matrix by matrix, matrix by vector) the LaTeX
  gives the components and the order of the array axes: outputs first in
  numerator layout, inputs first in denominator layout.

``Rule.derivative`` returns a numpy array of shape ``f.shape + x.shape``
with entry ``[a, b] = df[a] / dx[b]`` (outputs first), exactly what
``mathlib.numeric.jacobian`` returns. For vector by vector this *is* the
numerator layout Jacobian. For a scalar f it has the shape of x: a 1-D
array for a vector x (numpy has no rows or columns) and, for a matrix X,
the m x n "same shape" gradient, i.e. the denominator layout matrix (the
transpose of the numerator layout one).

Examples
--------
>>> r = get("quadratic-form")
>>> r.title, r.wrt, r.chapter
('Quadratic form', 'x', 8)
>>> A = np.array([[1.0, 2.0], [0.0, 3.0]])
>>> print(r.derivative(x=np.array([1.0, -1.0]), A=A))   # (A + A^T) x
[ 0. -4.]
>>> verify(r).passed
True
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import numeric   # the trusted reference

__all__ = ["Rule", "VerifyResult", "RULES", "register", "get",
           "by_chapter", "random_dims", "verify", "verify_all"]


@dataclass(frozen=True)
class Rule:
    r"""One derivative rule, checkable by :func:`verify`.

    Attributes
    ----------
    name : str
        Stable id: words joined by hyphens ("dot-wrt-x", "trace-AX").
    title : str
        Short English title.
    latex_numerator, latex_denominator : str
        The statement in numerator and denominator layout (MathJax, no
        custom macros), with the shape of the result.
    chapter : int
        Where the book derives it (4 Jacobians, 5 chain rules, 6 neuron,
        layer and loss, 8 matrix calculus toolbox).
    function : callable
        ``function(**args)``: numpy code for f (complex-step safe).
    derivative : callable
        ``derivative(**args)``: the claimed derivative with respect to
        ``args[wrt]``, shape ``f.shape + x.shape`` (see the module
        docstring).
    wrt : str
        The argument differentiated with respect to.
    shapes : callable
        ``shapes(dims) -> {arg: shape}`` for dims from :func:`random_dims`
        (``()`` for a scalar).
    sample : callable or None
        ``sample(rng, dims) -> {arg: value}`` drawing valid inputs; None
        means independent standard normal entries.
    domain : str
        Where the rule holds, and how ``sample`` stays there.

    Introduced in chapter 4, *Jacobians*.

    Examples
    --------
    >>> r = get("dot-wrt-x")
    >>> print(r.latex_denominator)
    \frac{\partial (\mathbf{x} \cdot \mathbf{y})}{\partial \mathbf{x}} =
    \mathbf{y} \in \mathbb{R}^{n \times 1}
    >>> print(r.derivative(x=np.array([1.0, 2.0]), y=np.array([3.0, 4.0])))
    [3. 4.]
    """

    name: str
    title: str
    latex_numerator: str
    latex_denominator: str
    chapter: int
    function: Callable
    derivative: Callable
    wrt: str
    shapes: Callable
    sample: Callable | None = None
    domain: str = ""

    def __post_init__(self):
        if not isinstance(self.name, str) or not re.fullmatch(
                r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", self.name):
            raise ValueError(f"Rule name must be letters and digits joined "
                             f"by hyphens, got {self.name!r}")
        for field in ("title", "latex_numerator", "latex_denominator",
                      "wrt"):
            value = getattr(self, field)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"Rule {self.name!r}: {field} must be a "
                                 f"non-empty string, got {value!r}")
        if isinstance(self.chapter, bool) or not isinstance(
                self.chapter, int) or not 1 <= self.chapter <= 8:
            raise ValueError(f"Rule {self.name!r}: chapter must be an int "
                             f"from 1 to 8, got {self.chapter!r}")
        for field in ("function", "derivative", "shapes"):
            if not callable(getattr(self, field)):
                raise TypeError(f"Rule {self.name!r}: {field} must be "
                                "callable")
        if self.sample is not None and not callable(self.sample):
            raise TypeError(f"Rule {self.name!r}: sample must be callable "
                            "or None")

    def sample_args(self, rng, dims):
        """Random valid arguments ``{arg: value}`` for the given dims
        (``sample`` if given, else standard normal entries).

        >>> rng = np.random.default_rng(0)
        >>> args = get("log-det").sample_args(rng, {"n": 2})
        >>> print(np.round(args["X"], 3))   # det > 0, not symmetric
        [[ 2.033 -0.405]
         [ 0.538  2.421]]
        """
        shapes = self.shapes(dims)
        if self.wrt not in shapes:
            raise ValueError(f"Rule {self.name!r}: wrt={self.wrt!r} is not "
                             f"one of the arguments {list(shapes)}")
        if self.sample is None:
            return _normal(rng, shapes)
        args = self.sample(rng, dims)
        for arg, shape in shapes.items():
            if np.shape(args.get(arg)) != shape:
                raise ValueError(
                    f"Rule {self.name!r}: sample gave {arg} the shape "
                    f"{np.shape(args.get(arg))}, shapes says {shape}")
        return args


# --------------------------------------------------------------------------
# the registry
# --------------------------------------------------------------------------

RULES: dict[str, Rule] = {}


def register(rule):
    """Add a rule to ``RULES`` and return it.

    Introduced in chapter 4, *Jacobians*.

    Raises TypeError for a non-Rule and ValueError for a name already
    taken.

    >>> register(get("dot-wrt-x"))
    Traceback (most recent call last):
    ...
    ValueError: a rule named 'dot-wrt-x' is already registered
    """
    if not isinstance(rule, Rule):
        raise TypeError(f"rule must be a Rule, got {type(rule).__name__}")
    if rule.name in RULES:
        raise ValueError(f"a rule named {rule.name!r} is already "
                         "registered")
    RULES[rule.name] = rule
    return rule


def get(name):
    """The rule called ``name``; KeyError (with close matches) if none.

    Introduced in chapter 4, *Jacobians*.

    >>> get("softmax").title
    'Softmax'
    >>> get("logdet")
    Traceback (most recent call last):
    ...
    KeyError: "no rule named 'logdet'; did you mean: log-det, det?"
    """
    if name in RULES:
        return RULES[name]
    close = difflib.get_close_matches(str(name), list(RULES), n=4,
                                      cutoff=0.6)
    hint = f"; did you mean: {', '.join(close)}?" if close else \
        " (see RULES for the list)"
    raise KeyError(f"no rule named {name!r}{hint}")


def by_chapter(chapter):
    """The rules derived in ``chapter``, in registry order.

    Introduced in chapter 4, *Jacobians*.

    >>> [r.name for r in by_chapter(5)]   # doctest: +NORMALIZE_WHITESPACE
    ['chain-single-variable', 'chain-total-derivative',
     'chain-vector-of-scalar', 'chain-vector']
    """
    if isinstance(chapter, bool) or not isinstance(chapter, int):
        raise TypeError(f"chapter must be an int, got "
                        f"{type(chapter).__name__}")
    return [r for r in RULES.values() if r.chapter == chapter]


# --------------------------------------------------------------------------
# verification
# --------------------------------------------------------------------------

def random_dims(rng):
    """Four distinct sizes n, m, k, N in 2..6 (distinct, so that a
    transposed or mis-shaped derivative cannot pass by accident).

    Introduced in chapter 4, *Jacobians*.

    >>> random_dims(np.random.default_rng(0))
    {'n': 6, 'm': 5, 'k': 3, 'N': 4}
    """
    n, m, k, N = (int(v) for v in rng.choice(np.arange(2, 7), 4,
                                             replace=False))
    return {"n": n, "m": m, "k": k, "N": N}


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify`: ``passed``, ``max_error`` (largest
    relative error seen, inf on an exception), ``message``."""

    name: str
    passed: bool
    max_error: float
    message: str

    def __repr__(self):
        return f"VerifyResult({self.name}: {self.message})"


def verify(rule, trials=3, seed=0, tol=1e-9):
    """Check a rule against ``mathlib.numeric.jacobian`` at random points.

    Introduced in chapter 4, *Jacobians*.

    Each trial draws dims (:func:`random_dims`) and valid arguments
    (``rule.sample_args``), then compares the claimed derivative ``C``
    with the numerical one ``N`` (complex step, or extrapolated
    differences): shapes must agree and the normwise relative error
    ``||C - N|| / ||N||`` (absolute if N = 0) must be at most ``tol``.

    Parameters
    ----------
    rule : Rule or str
        The rule or its name.
    trials : int
        Number of random shapes and points.
    seed : int
        Seed of ``np.random.default_rng``.
    tol : float
        Largest relative error accepted.

    Returns
    -------
    VerifyResult
        ``.passed``, ``.max_error``, ``.message`` (on failure: the trial,
        the dims and the worst entry, or the exception).

    Examples
    --------
    >>> res = verify("log-det")
    >>> res.passed, res.max_error < 1e-12
    (True, True)
    >>> bad = Rule("wrong", "d(x.y)/dx = x (wrong)", "x", "x", 4,
    ...            lambda x, y: x @ y, lambda x, y: x, "x",
    ...            lambda d: {"x": (d["n"],), "y": (d["n"],)})
    >>> print(verify(bad).message)   # doctest: +ELLIPSIS
    trial 1 (n=6, m=5, k=3, N=4): relative error 1.39 > 1e-09; worst entry...
    """
    if isinstance(rule, str):
        rule = get(rule)
    if not isinstance(rule, Rule):
        raise TypeError(f"rule must be a Rule or a rule name, got "
                        f"{type(rule).__name__}")
    if isinstance(trials, bool) or not isinstance(trials, int) \
            or trials < 1:
        raise ValueError(f"trials must be a positive int, got {trials!r}")
    if not tol > 0:
        raise ValueError(f"tol must be > 0, got {tol!r}")
    rng, worst = np.random.default_rng(seed), 0.0
    for t in range(1, trials + 1):
        dims = random_dims(rng)
        where = f"trial {t} ("
        where += ", ".join(f"{k}={v}" for k, v in dims.items()) + ")"
        try:
            claimed, ref = _claimed_and_numeric(rule, rng, dims)
        except Exception as exc:
            return VerifyResult(rule.name, False, np.inf, (
                f"{where}: {exc}" if isinstance(exc, _ShapeError) else
                f"{where}: raised {type(exc).__name__}: {exc}"))
        err = _relative_error(claimed, ref)
        worst = max(worst, err)
        if not err <= tol:
            i = np.unravel_index(np.argmax(np.abs(claimed - ref)),
                                 ref.shape)
            return VerifyResult(rule.name, False, err, (
                f"{where}: relative error {err:.3g} > {tol:g}; worst "
                f"entry {tuple(int(j) for j in i)}: claimed "
                f"{claimed[i]:.6g}, numeric {ref[i]:.6g}"))
    return VerifyResult(rule.name, True, worst, (
        f"ok: max relative error {worst:.2g} <= {tol:g} over {trials} "
        "trials"))


class _ShapeError(ValueError):
    """The claimed derivative does not have shape f.shape + x.shape."""


def _claimed_and_numeric(rule, rng, dims):
    """The claimed derivative and numeric.jacobian at a random point."""
    args = rule.sample_args(rng, dims)
    x = args[rule.wrt]

    def f(v):
        return rule.function(**{**args, rule.wrt: v})

    claimed = np.asarray(rule.derivative(**args), dtype=float)
    expected = np.shape(f(x)) + np.shape(x)
    if claimed.shape != expected:
        raise _ShapeError(f"derivative has shape {claimed.shape}, but "
                          f"f.shape + {rule.wrt}.shape is {expected}")
    return claimed, np.asarray(numeric.jacobian(f, x), dtype=float)


def verify_all(trials=3, seed=0, tol=1e-9):
    """:func:`verify` every rule of ``RULES``: ``{name: VerifyResult}``.

    Introduced in chapter 4, *Jacobians*.

    >>> results = verify_all(trials=1)
    >>> [name for name, r in results.items() if not r.passed]
    []
    """
    return {name: verify(rule, trials, seed, tol)
            for name, rule in RULES.items()}


def _relative_error(claimed, ref):
    diff = float(np.linalg.norm((claimed - ref).ravel()))
    size = float(np.linalg.norm(ref.ravel()))
    return diff / size if size > 0 else diff


# --------------------------------------------------------------------------
# helpers for writing the rules
# --------------------------------------------------------------------------

def _normal(rng, shapes):
    """Independent standard normal values (floats for shape ())."""
    return {a: (float(rng.standard_normal()) if s == ()
                else rng.standard_normal(s)) for a, s in shapes.items()}


def _away(rng, shape, margin=0.5):
    """Random-sign values with |v| >= margin (away from 0 and kinks)."""
    v = (margin + np.abs(rng.standard_normal(shape))) \
        * np.where(rng.random(shape) < 0.5, -1.0, 1.0)
    return float(v) if np.ndim(v) == 0 else v


def _eq(f, x, rhs, shape=None):
    r"""LaTeX ``\frac{\partial f}{\partial x} = rhs \in R^{shape}``."""
    s = r"\frac{\partial " + f + r"}{\partial " + x + "} = " + rhs
    return s + (r" \in \mathbb{R}^{" + shape + "}" if shape else "")


_x, _y, _w, _b = r"\mathbf{x}", r"\mathbf{y}", r"\mathbf{w}", r"\mathbf{b}"
_ones, _s = r"\mathbf{1}", r"\mathbf{s}"
_T = r"^{\top}"
_NN, _N1, _1N = r"n \times n", r"n \times 1", r"1 \times n"


def _axes(order, shape):
    """LaTeX saying how a 3-D or 4-D derivative is laid out as an array."""
    return (r",\ \text{array axes } [" + order + r"],\ \text{shape } "
            + shape)


def _vec(*names):
    return lambda d: {a: (d["n"],) for a in names}


def _vec_scalar(d):
    return {"x": (d["n"],), "z": ()}


def _diag(v):
    return np.diag(np.asarray(v, dtype=float))


def _eye(x):
    return np.eye(len(x))


def _same_both(name, title, latex, chapter, function, derivative, wrt,
               shapes, sample=None, domain=""):
    """Register a rule whose statement is the same in both layouts
    (symmetric Jacobians, scalar results)."""
    return register(Rule(name, title, latex, latex, chapter, function,
                         derivative, wrt, shapes, sample, domain))


# --------------------------------------------------------------------------
# chapter 4: element-wise operations, scalar expansion, reductions
# --------------------------------------------------------------------------

def _sample_y_away(rng, d):
    return {"x": rng.standard_normal(d["n"]), "y": _away(rng, d["n"])}


def _sample_z_away(rng, d):
    return {"x": rng.standard_normal(d["n"]), "z": _away(rng, ())}


_XPY = r"(\mathbf{x} + \mathbf{y})"
_XMY = r"(\mathbf{x} - \mathbf{y})"
_XTY = r"(\mathbf{x} \odot \mathbf{y})"
_XDY = r"(\mathbf{x} \oslash \mathbf{y})"
_NO_ZERO_Y = "y has no zero entry (samples: |y_i| >= 0.5)"
_NO_ZERO_Z = "z != 0 (samples: |z| >= 0.5)"

_same_both("add-wrt-x", "Element-wise sum, by the first operand",
           _eq(_XPY, _x, "I", _NN), 4,
           lambda x, y: x + y, lambda x, y: _eye(x), "x", _vec("x", "y"))
_same_both("add-wrt-y", "Element-wise sum, by the second operand",
           _eq(_XPY, _y, "I", _NN), 4,
           lambda x, y: x + y, lambda x, y: _eye(x), "y", _vec("x", "y"))
_same_both("sub-wrt-x", "Element-wise difference, by the first operand",
           _eq(_XMY, _x, "I", _NN), 4,
           lambda x, y: x - y, lambda x, y: _eye(x), "x", _vec("x", "y"))
_same_both("sub-wrt-y", "Element-wise difference, by the second operand",
           _eq(_XMY, _y, "-I", _NN), 4,
           lambda x, y: x - y, lambda x, y: -_eye(x), "y", _vec("x", "y"))
_same_both("hadamard-wrt-x", "Hadamard product, by the first operand",
           _eq(_XTY, _x, r"\operatorname{diag}(\mathbf{y})", _NN), 4,
           lambda x, y: x * y, lambda x, y: _diag(y), "x", _vec("x", "y"))
_same_both("hadamard-wrt-y", "Hadamard product, by the second operand",
           _eq(_XTY, _y, r"\operatorname{diag}(\mathbf{x})", _NN), 4,
           lambda x, y: x * y, lambda x, y: _diag(x), "y", _vec("x", "y"))
_same_both("div-wrt-x", "Element-wise quotient, by the numerator",
           _eq(_XDY, _x, r"\operatorname{diag}(1/y_1, \dots, 1/y_n)", _NN),
           4, lambda x, y: x / y, lambda x, y: _diag(1 / y), "x",
           _vec("x", "y"), _sample_y_away, _NO_ZERO_Y)
_same_both("div-wrt-y", "Element-wise quotient, by the denominator",
           _eq(_XDY, _y, r"\operatorname{diag}(-x_1/y_1^2, \dots, "
               r"-x_n/y_n^2)", _NN), 4,
           lambda x, y: x / y, lambda x, y: _diag(-x / y ** 2), "y",
           _vec("x", "y"), _sample_y_away, _NO_ZERO_Y)

# scalar expansion: z is a scalar, broadcast to every entry of x
_same_both("scalar-add-wrt-x", "Vector plus scalar, by the vector",
           _eq(r"(\mathbf{x} + z)", _x, "I", _NN), 4,
           lambda x, z: x + z, lambda x, z: _eye(x), "x", _vec_scalar)
register(Rule(
    "scalar-add-wrt-z", "Vector plus scalar, by the scalar",
    _eq(r"(\mathbf{x} + z)", "z", _ones, _N1),
    _eq(r"(\mathbf{x} + z)", "z", _ones + _T, _1N), 4,
    lambda x, z: x + z, lambda x, z: np.ones_like(x), "z", _vec_scalar))
_same_both("scalar-sub-wrt-x", "Vector minus scalar, by the vector",
           _eq(r"(\mathbf{x} - z)", _x, "I", _NN), 4,
           lambda x, z: x - z, lambda x, z: _eye(x), "x", _vec_scalar)
register(Rule(
    "scalar-sub-wrt-z", "Vector minus scalar, by the scalar",
    _eq(r"(\mathbf{x} - z)", "z", "-" + _ones, _N1),
    _eq(r"(\mathbf{x} - z)", "z", "-" + _ones + _T, _1N), 4,
    lambda x, z: x - z, lambda x, z: -np.ones_like(x), "z", _vec_scalar))
_same_both("scalar-mul-wrt-x", "Vector times scalar, by the vector",
           _eq(r"(z \mathbf{x})", _x, "z I", _NN), 4,
           lambda x, z: x * z, lambda x, z: z * _eye(x), "x", _vec_scalar)
register(Rule(
    "scalar-mul-wrt-z", "Vector times scalar, by the scalar",
    _eq(r"(z \mathbf{x})", "z", _x, _N1),
    _eq(r"(z \mathbf{x})", "z", _x + _T, _1N), 4,
    lambda x, z: x * z, lambda x, z: x, "z", _vec_scalar))
_same_both("scalar-div-wrt-x", "Vector over scalar, by the vector",
           _eq(r"(\mathbf{x} / z)", _x, r"\frac{1}{z} I", _NN), 4,
           lambda x, z: x / z, lambda x, z: _eye(x) / z, "x", _vec_scalar,
           _sample_z_away, _NO_ZERO_Z)
register(Rule(
    "scalar-div-wrt-z", "Vector over scalar, by the scalar",
    _eq(r"(\mathbf{x} / z)", "z", r"-\frac{\mathbf{x}}{z^2}", _N1),
    _eq(r"(\mathbf{x} / z)", "z", r"-\frac{\mathbf{x}^{\top}}{z^2}", _1N),
    4, lambda x, z: x / z, lambda x, z: -x / z ** 2, "z", _vec_scalar,
    _sample_z_away, _NO_ZERO_Z))

# reductions
_SUM = r"\left(\sum_{i=1}^{n} x_i\right)"
_ZSUM = r"\left(\sum_{i=1}^{n} z x_i\right)"
_DOT = r"(\mathbf{x} \cdot \mathbf{y})"
register(Rule(
    "sum-wrt-x", "Sum of the entries",
    _eq(_SUM, _x, _ones + _T, _1N), _eq(_SUM, _x, _ones, _N1), 4,
    lambda x: np.sum(x), lambda x: np.ones_like(x), "x", _vec("x")))
register(Rule(
    "scaled-sum-wrt-x", "Sum of a scaled vector, by the vector",
    _eq(_ZSUM, _x, "z" + _ones + _T, _1N), _eq(_ZSUM, _x, "z" + _ones, _N1),
    4, lambda x, z: np.sum(z * x), lambda x, z: z * np.ones_like(x), "x",
    _vec_scalar))
_same_both("scaled-sum-wrt-z", "Sum of a scaled vector, by the scalar",
           _eq(_ZSUM, "z", r"\sum_{i=1}^{n} x_i"), 4,
           lambda x, z: np.sum(z * x), lambda x, z: np.sum(x), "z",
           _vec_scalar)
register(Rule(
    "dot-wrt-x", "Dot product, by the first vector",
    _eq(_DOT, _x, _y + _T, _1N), _eq(_DOT, _x, _y, _N1), 4,
    lambda x, y: x @ y, lambda x, y: y, "x", _vec("x", "y")))
register(Rule(
    "dot-wrt-y", "Dot product, by the second vector",
    _eq(_DOT, _y, _x + _T, _1N), _eq(_DOT, _y, _x, _N1), 4,
    lambda x, y: x @ y, lambda x, y: x, "y", _vec("x", "y")))
_same_both("elementwise-unary", "Element-wise function (checked with sin)",
           _eq(r"f(\mathbf{x})", _x,
               r"\operatorname{diag}(f'(x_1), \dots, f'(x_n))", _NN)
           + r"\quad (\text{e.g. } f = \sin)", 4,
           lambda x: np.sin(x), lambda x: _diag(np.cos(x)), "x",
           _vec("x"))

# --------------------------------------------------------------------------
# chapter 5: the chain rules, on concrete compositions
# --------------------------------------------------------------------------

def _chain_vector_of_scalar(x):
    """J_y(g) J_g(x) for g = (x^2, 3x), y = (log g_1, sin g_2)."""
    g = np.array([x ** 2, 3 * x])
    J_y = np.diag([1 / g[0], np.cos(g[1])])
    J_g = np.array([2 * x, 3.0])
    return J_y @ J_g


def _chain_vector(x, A, B):
    """J_g(f(x)) J_f(x) for f(x) = sin(A x), g(u) = tanh(B u)."""
    u = np.sin(A @ x)
    J_f = np.cos(A @ x)[:, None] * A
    J_g = (1 - np.tanh(B @ u) ** 2)[:, None] * B
    return J_g @ J_f


_same_both(
    "chain-single-variable", "Single-variable chain rule",
    r"\frac{d}{dx} f(g(x)) = f'(g(x))\, g'(x), \quad \text{e.g. } "
    r"\frac{d}{dx} \sin(x^2) = 2x \cos(x^2)", 5,
    lambda x: np.sin(x ** 2), lambda x: 2 * x * np.cos(x ** 2), "x",
    lambda d: {"x": ()})
_same_both(
    "chain-total-derivative", "Single-variable total-derivative chain rule",
    r"\frac{d}{dx} f(x, u_1(x), \dots, u_k(x)) = \frac{\partial f}"
    r"{\partial x} + \sum_{i=1}^{k} \frac{\partial f}{\partial u_i} "
    r"\frac{du_i}{dx}, \quad \text{e.g. } "
    r"f = xu + \sin u,\ u = x^2: \ \frac{dy}{dx} = u + (x + \cos u)\, 2x",
    5, lambda x: x * x ** 2 + np.sin(x ** 2),
    lambda x: x ** 2 + (x + np.cos(x ** 2)) * 2 * x, "x",
    lambda d: {"x": ()})
register(Rule(
    "chain-vector-of-scalar", "Vector chain rule, scalar variable",
    _eq(r"\mathbf{y}", "x", r"\frac{\partial \mathbf{y}}{\partial "
        r"\mathbf{g}} \frac{\partial \mathbf{g}}{\partial x} = "
        r"\begin{bmatrix} 2/x \\ 3\cos(3x) \end{bmatrix}", r"2 \times 1")
    + r",\ \mathbf{y} = \begin{bmatrix} \ln(x^2) \\ \sin(3x) "
    r"\end{bmatrix}",
    _eq(r"\mathbf{y}", "x", r"\frac{\partial \mathbf{g}}{\partial x} "
        r"\frac{\partial \mathbf{y}}{\partial \mathbf{g}} = "
        r"\begin{bmatrix} 2/x & 3\cos(3x) \end{bmatrix}", r"1 \times 2")
    + r",\ \mathbf{y} = \begin{bmatrix} \ln(x^2) & \sin(3x) "
    r"\end{bmatrix}^{\top}", 5,
    lambda x: np.array([np.log(x ** 2), np.sin(3 * x)]),
    _chain_vector_of_scalar, "x", lambda d: {"x": ()},
    lambda rng, d: {"x": _away(rng, ())}, "x != 0 (samples: |x| >= 0.5)"))
register(Rule(
    "chain-vector", "Vector chain rule",
    _eq(r"\mathbf{g}(\mathbf{f}(\mathbf{x}))", _x,
        r"\frac{\partial \mathbf{g}}{\partial \mathbf{f}} "
        r"\frac{\partial \mathbf{f}}{\partial \mathbf{x}}", r"m \times n")
    + r"\quad (\text{e.g. } \mathbf{f} = \sin(A\mathbf{x}),\ "
    r"\mathbf{g} = \tanh(B\mathbf{f}))",
    _eq(r"\mathbf{g}(\mathbf{f}(\mathbf{x}))", _x,
        r"\frac{\partial \mathbf{f}}{\partial \mathbf{x}} "
        r"\frac{\partial \mathbf{g}}{\partial \mathbf{f}}", r"n \times m")
    + r"\quad (\text{the product order reverses})", 5,
    lambda x, A, B: np.tanh(B @ np.sin(A @ x)), _chain_vector, "x",
    lambda d: {"x": (d["n"],), "A": (d["k"], d["n"]),
               "B": (d["m"], d["k"])}))

# --------------------------------------------------------------------------
# chapter 6: activations, a neuron, a loss, a layer
# --------------------------------------------------------------------------

def _softmax(z):
    e = np.exp(z - np.max(np.real(z)))   # shift: no overflow
    return e / np.sum(e)


def _log_softmax(z):
    shifted = z - np.max(np.real(z))
    return shifted - np.log(np.sum(np.exp(shifted)))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _neuron_sample(rng, d):
    """w, x normal; b chosen so that w.x + b = +-(0.5 + |N(0,1)|)."""
    w, x = rng.standard_normal(d["n"]), rng.standard_normal(d["n"])
    return {"w": w, "x": x, "b": float(_away(rng, ()) - w @ x)}


def _mse_sample(rng, d):
    """Rows x_i moved along w so that every w.x_i + b is away from 0."""
    w, b = rng.standard_normal(d["n"]), float(rng.standard_normal())
    X = rng.standard_normal((d["N"], d["n"]))
    z = _away(rng, d["N"])
    X += np.outer(z - (X @ w + b), w) / (w @ w)
    return {"w": w, "b": b, "X": X, "y": rng.standard_normal(d["N"])}


def _mse(w, b, X, y):
    return np.mean((np.maximum(0, X @ w + b) - y) ** 2)


def _mse_dz(w, b, X, y):
    """dC/dz_i = 2/N (relu(z_i) - y_i) [z_i > 0], z = X w + b."""
    z = X @ w + b
    return 2 / len(y) * (np.maximum(0, z) - y) * (z > 0)


_Z = r"z = \mathbf{w} \cdot \mathbf{x} + b"
_NEURON = r"\max(0, \mathbf{w} \cdot \mathbf{x} + b)"
_KINK = ("w.x + b != 0: the kink of max(0, .) has no derivative "
         "(samples: |w.x + b| >= 0.5, both signs)")
_MSE = (r"\frac{1}{N} \sum_{i=1}^{N} (\max(0, \mathbf{w} \cdot "
        r"\mathbf{x}_i + b) - y_i)^2")
_SUM_POS = r"\frac{2}{N} \sum_{i:\, z_i > 0} (z_i - y_i)"
_MSE_KINK = ("every z_i = w.x_i + b != 0 (samples: |z_i| >= 0.5, both "
             "signs); X holds the x_i as rows")

_same_both("relu", "ReLU, element-wise",
           _eq(r"\max(0, \mathbf{x})", _x,
               r"\operatorname{diag}([x_1 > 0], \dots, [x_n > 0])", _NN),
           6, lambda x: np.maximum(0, x),
           lambda x: _diag(x > 0), "x", _vec("x"),
           lambda rng, d: {"x": _away(rng, d["n"])},
           "no x_i = 0, the kink (samples: |x_i| >= 0.5)")
_same_both("sigmoid", "Sigmoid, element-wise",
           _eq(r"\sigma(\mathbf{x})", _x, r"\operatorname{diag}(\sigma("
               r"\mathbf{x}) \odot (\mathbf{1} - \sigma(\mathbf{x})))",
               _NN), 6, _sigmoid,
           lambda x: _diag(_sigmoid(x) * (1 - _sigmoid(x))), "x",
           _vec("x"))
_same_both("tanh", "Hyperbolic tangent, element-wise",
           _eq(r"\tanh(\mathbf{x})", _x, r"\operatorname{diag}(\mathbf{1} "
               r"- \tanh^2(\mathbf{x}))", _NN), 6, lambda x: np.tanh(x),
           lambda x: _diag(1 - np.tanh(x) ** 2), "x", _vec("x"))
register(Rule(
    "neuron-wrt-w", "Neuron max(0, w.x + b), by the weights",
    _eq(_NEURON, _w, r"\begin{cases} \mathbf{0}^{\top} & z < 0 \\ "
        r"\mathbf{x}^{\top} & z > 0 \end{cases}", _1N) + r",\ " + _Z,
    _eq(_NEURON, _w, r"\begin{cases} \mathbf{0} & z < 0 \\ "
        r"\mathbf{x} & z > 0 \end{cases}", _N1) + r",\ " + _Z, 6,
    lambda w, b, x: np.maximum(0, w @ x + b),
    lambda w, b, x: x * (w @ x + b > 0), "w",
    lambda d: {"w": (d["n"],), "b": (), "x": (d["n"],)},
    _neuron_sample, _KINK))
_same_both("neuron-wrt-b", "Neuron max(0, w.x + b), by the bias",
           _eq(_NEURON, "b", r"\begin{cases} 0 & z < 0 \\ 1 & z > 0 "
               r"\end{cases}") + r",\ " + _Z, 6,
           lambda w, b, x: np.maximum(0, w @ x + b),
           lambda w, b, x: float(w @ x + b > 0), "b",
           lambda d: {"w": (d["n"],), "b": (), "x": (d["n"],)},
           _neuron_sample, _KINK)
_MSE_SHAPES = (lambda d: {"w": (d["n"],), "b": (), "X": (d["N"], d["n"]),
                          "y": (d["N"],)})
register(Rule(
    "mse-loss-wrt-w", "Mean squared error of a ReLU neuron, by w",
    _eq("C", _w, _SUM_POS + r"\, \mathbf{x}_i^{\top}", _1N)
    + r",\ C = " + _MSE,
    _eq("C", _w, _SUM_POS + r"\, \mathbf{x}_i", _N1)
    + r",\ C = " + _MSE, 6, _mse,
    lambda w, b, X, y: X.T @ _mse_dz(w, b, X, y), "w", _MSE_SHAPES,
    _mse_sample, _MSE_KINK))
_same_both("mse-loss-wrt-b", "Mean squared error of a ReLU neuron, by b",
           _eq("C", "b", _SUM_POS) + r",\ C = " + _MSE, 6, _mse,
           lambda w, b, X, y: np.sum(_mse_dz(w, b, X, y)), "b",
           _MSE_SHAPES, _mse_sample, _MSE_KINK)

# a layer on one example: y = W x + b, W in R^{m x n}
_WXB = r"(W\mathbf{x} + \mathbf{b})"
_LAYER = lambda d: {"W": (d["m"], d["n"]), "x": (d["n"],),  # noqa: E731
                    "b": (d["m"],)}
_LAYER_G = lambda d: {**_LAYER(d), "g": (d["m"],)}  # noqa: E731
_LOSS1 = r",\ L = \mathbf{g}^{\top}(W\mathbf{x} + \mathbf{b})"
_DWX = (r"\frac{\partial y_i}{\partial W_{jk}} = \delta_{ij}\, x_k,\ "
        r"\mathbf{y} = W\mathbf{x} + \mathbf{b}")
register(Rule(
    "affine-wrt-x", "Affine map Wx + b, by x",
    _eq(_WXB, _x, "W", r"m \times n"),
    _eq(_WXB, _x, "W" + _T, r"n \times m"), 6,
    lambda W, x, b: W @ x + b, lambda W, x, b: W, "x", _LAYER))
_same_both("affine-wrt-b", "Affine map Wx + b, by b",
           _eq(_WXB, _b, "I", r"m \times m"), 6,
           lambda W, x, b: W @ x + b, lambda W, x, b: np.eye(len(b)), "b",
           _LAYER)
register(Rule(
    "affine-wrt-W", "Affine map Wx + b, by W (3-D)",
    _DWX + _axes("i, j, k", r"m \times m \times n"),
    _DWX + _axes("j, k, i", r"m \times n \times m"), 6,
    lambda W, x, b: W @ x + b,
    lambda W, x, b: np.einsum("ij,k->ijk", np.eye(len(b)), x), "W",
    _LAYER))
register(Rule(
    "affine-loss-wrt-W", "Scalar loss of Wx + b, by W",
    _eq("L", "W", r"\mathbf{x}\mathbf{g}^{\top}", r"n \times m") + _LOSS1,
    _eq("L", "W", r"\mathbf{g}\mathbf{x}^{\top}", r"m \times n") + _LOSS1,
    6, lambda W, x, b, g: g @ (W @ x + b),
    lambda W, x, b, g: np.outer(g, x), "W", _LAYER_G))
register(Rule(
    "affine-loss-wrt-x", "Scalar loss of Wx + b, by x",
    _eq("L", _x, r"\mathbf{g}^{\top} W", _1N) + _LOSS1,
    _eq("L", _x, r"W^{\top} \mathbf{g}", _N1) + _LOSS1,
    6, lambda W, x, b, g: g @ (W @ x + b),
    lambda W, x, b, g: W.T @ g, "x", _LAYER_G))
register(Rule(
    "affine-loss-wrt-b", "Scalar loss of Wx + b, by b",
    _eq("L", _b, r"\mathbf{g}^{\top}", r"1 \times m") + _LOSS1,
    _eq("L", _b, r"\mathbf{g}", r"m \times 1") + _LOSS1,
    6, lambda W, x, b, g: g @ (W @ x + b),
    lambda W, x, b, g: g, "b", _LAYER_G))

# a layer on a batch: Y = X W^T + 1 b^T, X in R^{N x n} (examples as rows)
_BATCH = lambda d: {"X": (d["N"], d["n"]),  # noqa: E731
                    "W": (d["m"], d["n"]), "b": (d["m"],)}
_BATCH_G = lambda d: {**_BATCH(d), "G": (d["N"], d["m"])}  # noqa: E731
_Y = r",\ Y = X W^{\top} + \mathbf{1}\mathbf{b}^{\top}"
_LOSSN = r",\ L = \sum_{ij} G_{ij} Y_{ij}" + _Y
_DYW = r"\frac{\partial Y_{ij}}{\partial W_{kl}} = \delta_{jk} X_{il}" + _Y
_DYX = r"\frac{\partial Y_{ij}}{\partial X_{kl}} = \delta_{ik} W_{jl}" + _Y
_DYB = r"\frac{\partial Y_{ij}}{\partial b_k} = \delta_{jk}" + _Y


def _layer(X, W, b):
    return X @ W.T + b


def _batch_loss(X, W, b, G):
    return np.sum(G * _layer(X, W, b))


register(Rule(
    "batch-layer-wrt-W", "Batch layer XW^T + b, by W (4-D)",
    _DYW + _axes("i, j, k, l", r"N \times m \times m \times n"),
    _DYW + _axes("k, l, i, j", r"m \times n \times N \times m"), 6, _layer,
    lambda X, W, b: np.einsum("jk,il->ijkl", np.eye(len(b)), X), "W",
    _BATCH))
register(Rule(
    "batch-layer-wrt-X", "Batch layer XW^T + b, by X (4-D)",
    _DYX + _axes("i, j, k, l", r"N \times m \times N \times n"),
    _DYX + _axes("k, l, i, j", r"N \times n \times N \times m"), 6, _layer,
    lambda X, W, b: np.einsum("ik,jl->ijkl", np.eye(len(X)), W), "X",
    _BATCH))
register(Rule(
    "batch-layer-wrt-b", "Batch layer XW^T + b, by b (3-D)",
    _DYB + _axes("i, j, k", r"N \times m \times m"),
    _DYB + _axes("k, i, j", r"m \times N \times m"), 6, _layer,
    lambda X, W, b: np.einsum("i,jk->ijk", np.ones(len(X)),
                              np.eye(len(b))), "b", _BATCH))
register(Rule(
    "batch-layer-loss-wrt-W", "Scalar loss of a batch layer, by W",
    _eq("L", "W", r"X^{\top} G", r"n \times m") + _LOSSN,
    _eq("L", "W", r"G^{\top} X", r"m \times n") + _LOSSN, 6, _batch_loss,
    lambda X, W, b, G: G.T @ X, "W", _BATCH_G,
    domain="G is the upstream gradient dL/dY (any N x m matrix)"))
register(Rule(
    "batch-layer-loss-wrt-X", "Scalar loss of a batch layer, by X",
    _eq("L", "X", r"W^{\top} G^{\top}", r"n \times N") + _LOSSN,
    _eq("L", "X", r"G W", r"N \times n") + _LOSSN, 6, _batch_loss,
    lambda X, W, b, G: G @ W, "X", _BATCH_G,
    domain="G is the upstream gradient dL/dY (any N x m matrix)"))
register(Rule(
    "batch-layer-loss-wrt-b", "Scalar loss of a batch layer, by b",
    _eq("L", _b, r"\mathbf{1}^{\top} G", r"1 \times m") + _LOSSN,
    _eq("L", _b, r"G^{\top} \mathbf{1}", r"m \times 1") + _LOSSN, 6,
    _batch_loss, lambda X, W, b, G: G.sum(axis=0), "b", _BATCH_G,
    domain="G is the upstream gradient dL/dY (any N x m matrix)"))

# softmax and cross-entropy (derived in chapter 8, the toolbox)
_z = r"\mathbf{z}"                      # the logits
_S = r",\ \mathbf{s} = \operatorname{softmax}(\mathbf{z})"
_XENT = r"\left(-\sum_{i} y_i \log s_i\right)"
_same_both("softmax", "Softmax",
           _eq(_s, _z, r"\operatorname{diag}(\mathbf{s}) - "
               r"\mathbf{s}\mathbf{s}^{\top}", _NN) + _S, 8, _softmax,
           lambda z: _diag(_softmax(z)) - np.outer(_softmax(z),
                                                   _softmax(z)),
           "z", _vec("z"))
register(Rule(
    "log-softmax", "Log-softmax",
    _eq(r"\log \mathbf{s}", _z, r"I - \mathbf{1}\mathbf{s}^{\top}", _NN)
    + _S,
    _eq(r"\log \mathbf{s}", _z, r"I - \mathbf{s}\mathbf{1}^{\top}", _NN)
    + _S, 8, _log_softmax,
    lambda z: np.eye(len(z)) - np.outer(np.ones(len(z)), _softmax(z)),
    "z", _vec("z")))


def _one_hot_sample(rng, d):
    y = np.zeros(d["n"])
    y[rng.integers(d["n"])] = 1.0
    return {"z": rng.standard_normal(d["n"]), "y": y}


register(Rule(
    "softmax-cross-entropy", "Cross-entropy of softmax, by the logits",
    _eq(_XENT, _z, r"(\mathbf{s} - \mathbf{y})^{\top}", _1N) + _S,
    _eq(_XENT, _z, r"\mathbf{s} - \mathbf{y}", _N1) + _S, 8,
    lambda z, y: -np.sum(y * _log_softmax(z)),
    lambda z, y: _softmax(z) - y, "z", _vec("z", "y"), _one_hot_sample,
    "y one-hot (true whenever the y_i sum to 1)"))

# --------------------------------------------------------------------------
# chapter 8: the matrix calculus toolbox
# --------------------------------------------------------------------------

def _spd_plus_skew(rng, n):
    """M M^T + n I + K with K skew: det > 0 and not symmetric."""
    M, K = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    return M @ M.T + n * np.eye(n) + (K - K.T) / 2


def _invertible(rng, n):
    """Standard normal plus n I: well conditioned, not symmetric."""
    return rng.standard_normal((n, n)) + n * np.eye(n)


_BETA = r"\mathbf{\beta}"  # bold in MathJax; \boldsymbol is an extension
_QF = r"(\mathbf{x}^{\top} A \mathbf{x})"
_BIL = r"(\mathbf{a}^{\top} X \mathbf{b})"
_TAX = r"\operatorname{tr}(AX)"
_TXAX = r"\operatorname{tr}(X^{\top} A X)"
_FRO = r"\lVert X - UV \rVert_F^2"
_R = r"R = X - UV"
_DINV = (r"\frac{\partial (X^{-1})_{ij}}{\partial X_{kl}} = "
         r"-(X^{-1})_{ik}(X^{-1})_{lj},\ \text{i.e. } "
         r"d(X^{-1}) = -X^{-1} (dX)\, X^{-1}")
_SQUARE = lambda d: {"X": (d["n"], d["n"])}  # noqa: E731
_FACT = lambda d: {"X": (d["m"], d["n"]), "U": (d["m"], d["k"]),  # noqa
                   "V": (d["k"], d["n"])}

register(Rule(
    "linear-form", "Linear form beta^T x",
    _eq(r"(" + _BETA + r"^{\top} \mathbf{x})", _x, _BETA + _T, _1N),
    _eq(r"(" + _BETA + r"^{\top} \mathbf{x})", _x, _BETA, _N1), 8,
    lambda x, beta: beta @ x, lambda x, beta: beta, "x",
    _vec("x", "beta")))
register(Rule(
    "quadratic-form", "Quadratic form",
    _eq(_QF, _x, r"\mathbf{x}^{\top}(A + A^{\top})", _1N),
    _eq(_QF, _x, r"(A + A^{\top})\mathbf{x}", _N1), 8,
    lambda x, A: x @ A @ x, lambda x, A: (A + A.T) @ x, "x",
    lambda d: {"x": (d["n"],), "A": (d["n"], d["n"])},
    domain="any square A (samples are not symmetric)"))
register(Rule(
    "squared-norm", "Squared Euclidean norm",
    _eq(r"\lVert \mathbf{x} \rVert_2^2", _x, r"2\mathbf{x}^{\top}", _1N),
    _eq(r"\lVert \mathbf{x} \rVert_2^2", _x, r"2\mathbf{x}", _N1), 8,
    lambda x: x @ x, lambda x: 2 * x, "x", _vec("x")))
register(Rule(
    "l2-norm", "Euclidean norm",
    _eq(r"\lVert \mathbf{x} \rVert_2", _x, r"\frac{\mathbf{x}^{\top}}"
        r"{\lVert \mathbf{x} \rVert_2}", _1N),
    _eq(r"\lVert \mathbf{x} \rVert_2", _x, r"\frac{\mathbf{x}}"
        r"{\lVert \mathbf{x} \rVert_2}", _N1), 8,
    lambda x: np.sqrt(x @ x), lambda x: x / np.sqrt(x @ x), "x",
    _vec("x"), domain="x != 0 (the norm has a cone point there)"))
register(Rule(
    "bilinear-wrt-X", "Bilinear form a^T X b, by X",
    _eq(_BIL, "X", r"\mathbf{b}\mathbf{a}^{\top}", r"n \times m"),
    _eq(_BIL, "X", r"\mathbf{a}\mathbf{b}^{\top}", r"m \times n"), 8,
    lambda a, X, b: a @ X @ b, lambda a, X, b: np.outer(a, b), "X",
    lambda d: {"a": (d["m"],), "X": (d["m"], d["n"]), "b": (d["n"],)}))
register(Rule(
    "trace-AX", "Trace of AX, by X",
    _eq(_TAX, "X", "A", r"n \times m"),
    _eq(_TAX, "X", r"A^{\top}", r"m \times n"), 8,
    lambda A, X: np.trace(A @ X), lambda A, X: A.T, "X",
    lambda d: {"A": (d["n"], d["m"]), "X": (d["m"], d["n"])}))
register(Rule(
    "trace-XtAX", "Trace of X^T A X, by X",
    _eq(_TXAX, "X", r"X^{\top}(A^{\top} + A)", r"n \times m"),
    _eq(_TXAX, "X", r"(A + A^{\top})X", r"m \times n"), 8,
    lambda A, X: np.trace(X.T @ A @ X), lambda A, X: (A + A.T) @ X, "X",
    lambda d: {"A": (d["m"], d["m"]), "X": (d["m"], d["n"])},
    domain="any square A (samples are not symmetric)"))
register(Rule(
    "frobenius-squared", "Squared Frobenius norm",
    _eq(r"\lVert X \rVert_F^2", "X", r"2X^{\top}", r"n \times m"),
    _eq(r"\lVert X \rVert_F^2", "X", "2X", r"m \times n"), 8,
    lambda X: np.sum(X * X), lambda X: 2 * X, "X",
    lambda d: {"X": (d["m"], d["n"])}))
register(Rule(
    "factorization-wrt-U", "Matrix factorization loss, by U",
    _eq(_FRO, "U", r"-2 V R^{\top}", r"k \times m") + r",\ " + _R,
    _eq(_FRO, "U", r"-2 R V^{\top}", r"m \times k") + r",\ " + _R, 8,
    lambda X, U, V: np.sum((X - U @ V) ** 2),
    lambda X, U, V: -2 * (X - U @ V) @ V.T, "U", _FACT))
register(Rule(
    "factorization-wrt-V", "Matrix factorization loss, by V",
    _eq(_FRO, "V", r"-2 R^{\top} U", r"n \times k") + r",\ " + _R,
    _eq(_FRO, "V", r"-2 U^{\top} R", r"k \times n") + r",\ " + _R, 8,
    lambda X, U, V: np.sum((X - U @ V) ** 2),
    lambda X, U, V: -2 * U.T @ (X - U @ V), "V", _FACT))
register(Rule(
    "log-det", "Log-determinant",
    _eq(r"\log \det X", "X", r"X^{-1}", _NN),
    _eq(r"\log \det X", "X", r"X^{-\top}", _NN), 8,
    lambda X: np.log(np.linalg.det(X)), lambda X: np.linalg.inv(X).T, "X",
    _SQUARE, lambda rng, d: {"X": _spd_plus_skew(rng, d["n"])},
    "det X > 0 (for any invertible X, log|det X| has the same "
    "derivative); samples: SPD plus skew, so X is not symmetric"))
register(Rule(
    "det", "Determinant",
    _eq(r"\det X", "X", r"\det(X)\, X^{-1}", _NN),
    _eq(r"\det X", "X", r"\det(X)\, X^{-\top}", _NN), 8,
    lambda X: np.linalg.det(X),
    lambda X: np.linalg.det(X) * np.linalg.inv(X).T, "X", _SQUARE,
    lambda rng, d: {"X": _invertible(rng, d["n"])},
    "X invertible as written (the adjugate form holds for every X)"))
register(Rule(
    "inverse", "Matrix inverse (4-D)",
    _DINV + _axes("i, j, k, l", r"n \times n \times n \times n"),
    _DINV + _axes("k, l, i, j", r"n \times n \times n \times n"), 8,
    lambda X: np.linalg.inv(X),
    lambda X: -np.einsum("ik,lj->ijkl", np.linalg.inv(X),
                         np.linalg.inv(X)), "X", _SQUARE,
    lambda rng, d: {"X": _invertible(rng, d["n"])}, "X invertible"))
