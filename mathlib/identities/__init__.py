r"""The book's derivative rules: a registry in which every rule is checkable.

Introduced in chapter 4, *Jacobians*, and extended in chapters 1 to 9;
the book's reference sheet is generated from this registry.

Every registered rule is written once, as expressions of the small
language in :mod:`mathlib.identities._expr`: the function, its derivative
in numerator layout and (where it differs) in denominator layout, any
definitions it uses ("where s = softmax(z)") and the shape of each
result. The LaTeX on the reference sheet is printed from those
expressions, and :func:`verify` evaluates the same expressions and
compares them with :func:`mathlib.numeric.jacobian` (or
:func:`mathlib.numeric.hessian` for second derivatives) at random sizes
and values, checks the printed shapes against the computed ones, and,
where the sheet says "the same", that the two layouts really coincide.
No formula of the registry is typed by hand.

Layouts (the book's convention, stated on the page *Notation and layouts*)
----------------------------------------------------------------------------
For y in R^m and x in R^n the *numerator layout* derivative dy/dx is the
m x n Jacobian (rows = outputs); the *denominator layout* is its n x m
transpose. For a scalar f this makes the numerator-layout derivative by
a vector a 1 x n row and by an m x n matrix X the n x m matrix in the
transposed shape; the denominator layout is then the gradient, in the
shape of the variable, which the book writes nabla f. Derivatives of a
vector or matrix with respect to a matrix are written as Jacobians of
vec's (vec stacks the columns: vec(AXB) = (B^T kron A) vec X).

``Rule.derivative`` returns a numpy array of shape ``f.shape + x.shape``
with entry ``[a, b] = df[a] / dx[b]`` (outputs first), exactly what
``mathlib.numeric.jacobian`` returns: for a scalar f it has the shape of
x, the gradient. For a second-order rule it is the Hessian.

Examples
--------
>>> r = get("quadratic-form")
>>> r.title, r.wrt, r.chapter
('Quadratic form', 'x', 8)
>>> print(r.latex_numerator)
\frac{\partial (\mathbf{x}^{\top} A \mathbf{x})}{\partial \mathbf{x}} =
\mathbf{x}^{\top} (A + A^{\top}) \in \mathbb{R}^{1 \times n}
>>> A = np.array([[1.0, 2.0], [0.0, 3.0]])
>>> print(r.derivative(x=np.array([1.0, -1.0]), A=A))   # (A + A^T) x
[ 0. -4.]
>>> verify(r).passed
True
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import numeric   # the trusted reference
from ._expr import _log_softmax, _softmax   # noqa: F401  (used elsewhere)
from ._formulas import Formulas
from ._symbols import SYMBOL_KEY, argument_shapes, key_markdown, tokens

__all__ = ["Rule", "Formulas", "VerifyResult", "RULES", "register", "get",
           "by_chapter", "formula_rule", "random_dims", "verify",
           "verify_all", "SYMBOL_KEY", "argument_shapes", "key_markdown",
           "tokens"]


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
        Where the book derives it (1 to 9), or 0 for a standard rule that
        readers of papers look up and the book does not derive.
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
    formulas : Formulas or None
        The expressions the LaTeX, ``function`` and ``derivative`` were
        made from (:func:`formula_rule`). :func:`register` accepts only
        rules that have them; a rule built by hand, without them, can
        still be checked with :func:`verify` (its numpy derivative only).
    order : int
        1 for a first derivative, 2 for a Hessian.

    Introduced in chapter 4, *Jacobians*.

    Examples
    --------
    >>> r = get("dot-wrt-x")
    >>> print(r.latex_denominator)
    \nabla_{\mathbf{x}} (\mathbf{x}^{\top} \mathbf{y}) = \mathbf{y}
    \in \mathbb{R}^{n \times 1}
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
    formulas: "Formulas | None" = None
    order: int = 1

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
                self.chapter, int) or not 0 <= self.chapter <= 9:
            raise ValueError(f"Rule {self.name!r}: chapter must be an int "
                             f"from 0 (standard rules, not derived in the "
                             f"book) to 9, got {self.chapter!r}")
        for field in ("function", "derivative", "shapes"):
            if not callable(getattr(self, field)):
                raise TypeError(f"Rule {self.name!r}: {field} must be "
                                "callable")
        if self.sample is not None and not callable(self.sample):
            raise TypeError(f"Rule {self.name!r}: sample must be callable "
                            "or None")
        if self.order not in (1, 2):
            raise ValueError(f"Rule {self.name!r}: order must be 1 or 2, "
                             f"got {self.order!r}")

    def sample_args(self, rng, dims):
        """Random valid arguments ``{arg: value}`` for the given dims
        (``sample`` if given, else standard normal entries).

        >>> rng = np.random.default_rng(0)
        >>> args = get("log-det").sample_args(rng, {"n": 2})
        >>> print(np.round(args["X"], 3))   # det > 0, not symmetric
        [[ 2.418 -0.742]
         [ 0.03   4.597]]
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

    Raises TypeError for a non-Rule, ValueError for a name already taken
    or for a rule whose LaTeX was not printed from its formulas (built
    without :func:`formula_rule`, or changed afterwards).

    >>> register(get("dot-wrt-x"))
    Traceback (most recent call last):
    ...
    ValueError: a rule named 'dot-wrt-x' is already registered
    """
    if not isinstance(rule, Rule):
        raise TypeError(f"rule must be a Rule, got {type(rule).__name__}")
    if rule.formulas is None or rule.formulas.latex() != (
            rule.latex_numerator, rule.latex_denominator):
        raise ValueError(f"rule {rule.name!r}: its LaTeX must be printed "
                         "from its formulas (use formula_rule)")
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
    KeyError: "no rule named 'logdet'; did you mean: log-det, logdet-line, det?"
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
     'chain-vector-of-scalar', 'chain-vector', 'vjp', 'jvp']
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
    r"""Check a rule against ``mathlib.numeric.jacobian`` at random points.

    Introduced in chapter 4, *Jacobians*.

    Each trial draws dims (:func:`random_dims`) and valid arguments
    (``rule.sample_args``), then compares the claimed derivative ``C``
    with the numerical one ``N`` (``numeric.jacobian``, or
    ``numeric.hessian`` for ``order=2``): shapes must agree and the
    normwise relative error ``||C - N|| / ||N||`` (absolute if N = 0)
    must be at most ``tol``. For a rule with formulas, ``C`` is each
    printed formula evaluated: the numerator-layout one against ``N``
    arranged in numerator layout, the denominator-layout one against its
    transpose (or, where the sheet says "the same", ``N`` must equal its
    transpose), and each printed shape must match.

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
    >>> from mathlib.identities._expr import vec, T
    >>> x, y = vec("x"), vec("y")
    >>> typo = formula_rule("typo", "A typo in the printed formula", 4,
    ...                     T(x) * y, x, num=T(x), den=x,
    ...                     shape_num=r"1 \times n", shape_den=r"n \times 1",
    ...                     shapes=lambda d: {"x": (d["n"],),
    ...                                       "y": (d["n"],)})
    >>> print(typo.latex_numerator)
    \frac{\partial (\mathbf{x}^{\top} \mathbf{y})}{\partial \mathbf{x}} =
    \mathbf{x}^{\top} \in \mathbb{R}^{1 \times n}
    >>> print(verify(typo).message)   # doctest: +ELLIPSIS
    trial 1 (n=6, m=5, k=3, N=4): numerator layout: relative error ...
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
            pairs = _claimed_and_numeric(rule, rng, dims)
        except Exception as exc:
            return VerifyResult(rule.name, False, np.inf, (
                f"{where}: {exc}" if isinstance(exc, _ShapeError) else
                f"{where}: raised {type(exc).__name__}: {exc}"))
        for what, claimed, ref in pairs:
            err = _relative_error(claimed, ref)
            worst = max(worst, err)
            if not err <= tol:
                i = np.unravel_index(np.argmax(np.abs(claimed - ref)),
                                     ref.shape)
                return VerifyResult(rule.name, False, err, (
                    f"{where}: {what}relative error {err:.3g} > {tol:g}; "
                    f"worst entry {tuple(int(j) for j in i)}: claimed "
                    f"{claimed[i]:.6g}, numeric {ref[i]:.6g}"))
    return VerifyResult(rule.name, True, worst, (
        f"ok: max relative error {worst:.2g} <= {tol:g} over {trials} "
        "trials"))


class _ShapeError(ValueError):
    """The claimed derivative does not have shape f.shape + x.shape."""


def _claimed_and_numeric(rule, rng, dims):
    """[(label, claimed, numeric)] at a random point: the numpy
    derivative, and for a rule with formulas each printed formula."""
    args = rule.sample_args(rng, dims)
    x = args[rule.wrt]

    def f(v):
        return rule.function(**{**args, rule.wrt: v})

    if rule.order == 2:
        ref = np.asarray(numeric.hessian(f, x), dtype=float)
        expected = np.shape(x) + np.shape(x)
    else:
        ref = np.asarray(numeric.jacobian(f, x), dtype=float)
        expected = np.shape(f(x)) + np.shape(x)
    claimed = np.asarray(rule.derivative(**args))
    # a complex claim keeps its imaginary part: it counts in the error
    claimed = claimed.astype(complex if claimed.dtype.kind == "c" else float)
    if claimed.shape != expected:
        raise _ShapeError(f"derivative has shape {claimed.shape}, but "
                          f"f.shape + {rule.wrt}.shape is {expected}")
    if rule.formulas is not None:   # the printed formulas themselves
        return rule.formulas.check(args, ref, dims)
    return [("", claimed, ref)]


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
# writing rules
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


def formula_rule(name, title, chapter, f, wrt, num, den=None, *, shapes,
                 sample=None, domain="", where=(), order=1, arrange="jac",
                 shape_num="", shape_den="", style="partial"):
    r"""A :class:`Rule` whose LaTeX, function and derivative all come
    from expressions of :mod:`mathlib.identities._expr`.

    Introduced for the reference sheet.

    Parameters
    ----------
    f : Ex
        The function. ``wrt`` (a symbol) is the variable.
    num, den : Ex
        The derivative in numerator layout and in denominator layout;
        ``den=None`` states that both layouts give the same formula
        (checked: the derivative must equal its transpose).
    where : sequence of (Sym, Ex)
        Definitions used by f, num and den, printed after the formula.
    order : 1 or 2
        2 for a Hessian (printed with nabla squared, checked against
        ``numeric.hessian``).
    arrange : str
        How the numerical derivative is arranged in numerator layout:
        "jac", "matrix", "vec" or "vecT" (see ``_formulas``).
    shape_num, shape_den : str
        The printed shapes, for instance ``r"1 \times n"``; empty for a
        number. Checked against the evaluated formulas.
    style : str
        "d" prints d/dx for a function of one variable.

    Other parameters are those of :class:`Rule`.
    """
    forms = Formulas(f, wrt, num, den, tuple(where), order, arrange,
                     shape_num, shape_den, style)
    rng = np.random.default_rng(0)          # one evaluation: is f scalar?
    dims = random_dims(rng)
    args = sample(rng, dims) if sample else _normal(rng, shapes(dims))
    forms = dataclasses.replace(
        forms, scalar_f=bool(np.ndim(forms.function(args)) == 0))
    latex_num, latex_den = forms.latex()
    return Rule(name, title, latex_num, latex_den, chapter,
                lambda **a: forms.function(a),
                lambda **a: forms.derivative(a, np.shape(a[wrt.name])),
                wrt.name, shapes, sample, domain, forms, order)


def _register_all():
    from . import _rules_first, _rules_second   # noqa: F401
    from . import _rules_layers                 # noqa: F401  (chapter 9)


_register_all()
