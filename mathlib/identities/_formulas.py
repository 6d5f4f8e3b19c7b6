r"""A rule's formulas: printed and checked from the same expressions.

Introduced for the reference sheet; see :mod:`mathlib.identities`.

:class:`Formulas` holds the function ``f``, the variable, the derivative
in numerator layout (``num``) and, where it differs, in denominator
layout (``den``), definitions used by both (``where``) and the printed
shape of each. ``latex()`` prints the two statements; ``check()``
evaluates the same expressions at a point and pairs each with the
numerical derivative arranged in its layout.

Arrangements of the numerical derivative ``J`` (shape f.shape + x.shape)
as a matrix in numerator layout:

* ``"jac"``: f and x scalars or vectors: the m x n Jacobian (a scalar f
  gives the 1 x n row); for ``order=2`` the Hessian;
* ``"matrix"``: scalar f, m x n matrix X: the n x m transpose of the
  gradient (the transposed shape of X);
* ``"vec"`` / ``"vecT"``: f a vector (usually a vec), X a matrix: the
  Jacobian with respect to vec(X) (columns of X stacked) or vec(X^T)
  (rows of X stacked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from ._expr import ATOM, Ex, Frac, Sym, _col


class PrintedShapeError(ValueError):
    """A printed shape, or the shape of a printed formula, is wrong."""


def _wrapped(f):
    s = f.tex()
    return f"({s})" if f.prec < ATOM or isinstance(f, Frac) else s


def _dims_product(text, dims):
    """'Nm' -> dims['N'] * dims['m']; digits are numbers."""
    total = 1
    for token, power in re.findall(r"(\d+|[A-Za-z])(?:\^(\d+))?",
                                   text.replace(" ", "")):
        if token.isdigit():
            value = int(token)
        elif token in dims:
            value = dims[token]
        else:
            raise PrintedShapeError(f"printed shape uses {token!r}, which "
                                    f"is none of the sizes {sorted(dims)}")
        total *= value ** int(power or 1)
    return total


def printed_shape(text, dims):
    r"""The shape a printed ``a \times b`` means for the given sizes.

    >>> printed_shape(r"1 \times n", {"n": 3, "m": 2})
    (1, 3)
    >>> printed_shape(r"Nm \times mn", {"n": 3, "m": 2, "N": 4})
    (8, 6)
    >>> printed_shape(r"n^2 \times n^2", {"n": 3})
    (9, 9)
    >>> printed_shape(r"1 \times (n + k)", {"n": 3, "k": 2})
    (1, 5)
    """
    parts = text.split(r"\times")
    if len(parts) != 2:
        raise PrintedShapeError(f"cannot read the shape {text!r}")
    return tuple(sum(_dims_product(term, dims) for term in
                     p.strip().strip("()").split("+")) for p in parts)


@dataclass(frozen=True)
class Formulas:
    """The expressions of one rule (see the module docstring)."""

    f: Ex
    wrt: Sym
    num: Ex
    den: Ex | None = None
    where: tuple = ()
    order: int = 1
    arrange: str = "jac"
    shape_num: str = ""
    shape_den: str = ""
    style: str = "partial"
    scalar_f: bool = field(default=False, compare=False)

    # ------------------------------------------------------------ printing
    def _variable(self):
        x = self.wrt.tex()
        if self.arrange == "vec":
            return r"\operatorname{vec}(" + x + ")"
        if self.arrange == "vecT":
            return r"\operatorname{vec}(" + x + r"^{\top})"
        return x

    def _lhs(self, layout):
        f, x = _wrapped(self.f), self._variable()
        if self.order == 2:
            return r"\nabla^2_{" + x + "} " + f
        if self.style == "d":
            d = r"\frac{d}{d" + x + "} " + f
            # a vector's d/dt is a column; its transpose is written so
            return d if layout == "num" else r"\left(" + d + r"\right)^{\top}"
        if layout == "den" and self.scalar_f:
            return r"\nabla_{" + x + "} " + f
        d = r"\frac{\partial " + f + r"}{\partial " + x + "}"
        return d if layout == "num" else r"\left(" + d + r"\right)^{\top}"

    def _statement(self, layout, rhs, shape):
        s = self._lhs(layout) + " = " + rhs.tex()
        if shape:
            s += r" \in \mathbb{R}^{" + shape + "}"
        for sym, expr in self.where:
            s += r",\ " + sym.tex() + " = " + expr.tex()
        return s

    def latex(self):
        """(numerator-layout statement, denominator-layout statement);
        the two are equal when ``den`` is None ("the same")."""
        num = self._statement("num", self.num, self.shape_num)
        if self.den is None:
            return num, num
        return num, self._statement("den", self.den, self.shape_den)

    # ---------------------------------------------------------- evaluating
    def env(self, args):
        """Symbol values: the arguments as 2-D arrays, then ``where``."""
        env = {k: (v if callable(v) or isinstance(v, tuple) else _col(v))
               for k, v in args.items()}
        for sym, expr in self.where:
            env[sym.name] = expr.ev(env)
        return env

    def function(self, args):
        """f at the arguments, as a float, a 1-D or a 2-D array."""
        v = self.f.ev(self.env(args))
        if v.shape == (1, 1):
            return v[0, 0]
        return v[:, 0] if v.shape[1] == 1 else v

    def arranged(self, ref, xshape):
        """The numerical derivative as a matrix in numerator layout."""
        if self.order == 2 or self.arrange == "jac":
            size = int(np.prod(xshape))
            return ref.reshape(-1, size) if self.order == 1 else \
                ref.reshape(size, size)
        if self.arrange == "matrix":
            return ref.T
        p, a, b = ref.shape
        if self.arrange == "vec":
            return ref.transpose(0, 2, 1).reshape(p, a * b)
        return ref.reshape(p, a * b)

    def derivative(self, args, xshape):
        """The derivative from ``num``, as f.shape + x.shape."""
        C = self.num.ev(self.env(args))
        if self.order == 2:
            return C.reshape(tuple(xshape) * 2)
        if self.arrange == "matrix":
            return C.T
        fshape = np.shape(self.function(args))
        if self.arrange == "jac":
            return C.reshape(fshape + tuple(xshape))
        a, b = xshape
        if self.arrange == "vec":
            return C.reshape(fshape[0], b, a).transpose(0, 2, 1)
        return C.reshape(fshape[0], a, b)

    def check(self, args, ref, dims):
        """[(label, printed formula evaluated, numerical derivative in
        that layout)]; raises PrintedShapeError on a wrong shape."""
        env = self.env(args)
        N = self.arranged(ref, np.shape(args[self.wrt.name]))
        pairs = [("numerator layout: ", self.num, N, self.shape_num)]
        if self.den is not None:
            pairs.append(("denominator layout: ", self.den, N.T,
                          self.shape_den))
        out = []
        for label, expr, want, shape in pairs:
            got = np.real_if_close(expr.ev(env)).astype(float)
            if got.shape != want.shape:
                raise PrintedShapeError(
                    f"{label}the printed formula has shape {got.shape}, "
                    f"the derivative in that layout {want.shape}")
            if shape and printed_shape(shape, dims) != got.shape:
                raise PrintedShapeError(
                    f"{label}the printed shape {shape} means "
                    f"{printed_shape(shape, dims)}, the formula gives "
                    f"{got.shape}")
            if not shape and got.shape != (1, 1):
                raise PrintedShapeError(f"{label}no shape is printed, but "
                                        f"the result is {got.shape}")
            out.append((label, got, want))
        if self.den is None:   # "the same": the layouts must coincide
            out.append(("the same in both layouts (N = N^T): ", N.T, N))
        return out
