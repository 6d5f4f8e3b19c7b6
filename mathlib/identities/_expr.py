r"""A small expression language in which every rule of the registry is
written once, and from which both its LaTeX and its numbers come.

Introduced for the reference sheet (chapter 8, *The matrix calculus
toolbox*, and the page *Reference sheet*).

An expression is a tree of :class:`Ex` nodes. ``tex()`` prints it for
MathJax; ``ev(env)`` evaluates it with numpy, where ``env`` maps each
symbol's name to a 2-D array (a vector is an ``(n, 1)`` column, a scalar
a ``(1, 1)`` array). Because the printed formula and the number checked
by :func:`mathlib.identities.verify` are read from the same tree, a
formula on the reference sheet cannot disagree with the code that
verifies it. Every operation is complex-step safe (comparisons and
maxima look at real parts only).

Examples
--------
>>> x, A = vec("x"), mat("A")
>>> e = T(x) * (A + T(A))
>>> e.tex()
'\\mathbf{x}^{\\top} (A + A^{\\top})'
>>> env = {"x": np.array([[1.0], [2.0]]), "A": np.array([[0.0, 1.0],
...                                                       [0.0, 0.0]])}
>>> e.ev(env)
array([[2., 1.]])
"""

from __future__ import annotations

import numpy as np

# precedence: how tightly a node binds when printed
SUM, PRODUCT, ATOM = 1, 2, 3


class Ex:
    """A node: ``tex()`` and ``ev(env)``; ``+ - *`` and unary ``-``
    build new nodes (``*`` is the matrix product, or scaling when one
    side is 1 x 1)."""

    prec = ATOM

    def tex(self):
        raise NotImplementedError

    def ev(self, env):
        raise NotImplementedError

    def __add__(self, other):
        return Add(self, _ex(other))

    def __radd__(self, other):
        return Add(_ex(other), self)

    def __sub__(self, other):
        return Sub(self, _ex(other))

    def __rsub__(self, other):
        return Sub(_ex(other), self)

    def __mul__(self, other):
        return Mul(self, _ex(other))

    def __rmul__(self, other):
        return Mul(_ex(other), self)

    def __neg__(self):
        return Neg(self)

    def __truediv__(self, other):
        return Frac(self, _ex(other))

    def __repr__(self):
        return f"Ex({self.tex()!r})"


def _ex(v):
    if isinstance(v, Ex):
        return v
    if isinstance(v, (int, float)):
        return Num(v)
    raise TypeError(f"cannot use {type(v).__name__} in an expression")


def _wrap(node, prec):
    """The node's LaTeX, in parentheses if it binds less than prec."""
    s = node.tex()
    return f"({s})" if node.prec < prec else s


def _col(v):
    """A value as a 2-D array: scalar -> (1, 1), vector -> column."""
    a = np.asarray(v)
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(-1, 1)
    return a


# --------------------------------------------------------------------------
# leaves
# --------------------------------------------------------------------------

class Sym(Ex):
    """A named input: ``env[name]``."""

    def __init__(self, name, latex):
        self.name, self.latex = name, latex

    def tex(self):
        return self.latex

    def ev(self, env):
        if self.name not in env:
            raise KeyError(f"no value for the symbol {self.name!r}")
        return _col(env[self.name])


def vec(name, latex=None):
    r"""A vector symbol, printed bold: ``vec("x")`` is ``\mathbf{x}``."""
    return Sym(name, latex or r"\mathbf{" + name + "}")


def mat(name, latex=None):
    """A matrix symbol, printed upper case italic."""
    return Sym(name, latex or name)


def sca(name, latex=None):
    """A scalar symbol, printed italic."""
    return Sym(name, latex or name)


class Num(Ex):
    """A number."""

    def __init__(self, value):
        self.value = value

    def tex(self):
        v = self.value
        return str(int(v)) if float(v).is_integer() else repr(v)

    def ev(self, env):
        return np.array([[float(self.value)]])

    @property
    def prec(self):
        return ATOM if self.value >= 0 else SUM


class Eye(Ex):
    """The identity matrix, as large as the vector ``like`` (printed I,
    or I with a subscript naming its size)."""

    def __init__(self, like, size=""):
        self.like, self.size = like, size

    def tex(self):
        return "I" + (f"_{{{self.size}}}" if self.size else "")

    def ev(self, env):
        return np.eye(self.like.ev(env).shape[0])


class Ones(Ex):
    r"""The column of ones as long as ``like`` has rows (``\mathbf{1}``,
    with an optional subscript naming its length)."""

    def __init__(self, like, size=""):
        self.like, self.size = like, size

    def tex(self):
        return r"\mathbf{1}" + (f"_{{{self.size}}}" if self.size else "")

    def ev(self, env):
        return np.ones((self.like.ev(env).shape[0], 1))


# --------------------------------------------------------------------------
# arithmetic
# --------------------------------------------------------------------------

class Add(Ex):
    prec = SUM

    def __init__(self, a, b):
        self.a, self.b = _ex(a), _ex(b)

    def tex(self):
        return f"{_wrap(self.a, SUM)} + {_wrap(self.b, SUM + 1)}"

    def ev(self, env):
        return self.a.ev(env) + self.b.ev(env)


class Sub(Add):
    def tex(self):
        return f"{_wrap(self.a, SUM)} - {_wrap(self.b, SUM + 1)}"

    def ev(self, env):
        return self.a.ev(env) - self.b.ev(env)


class Neg(Ex):
    prec = SUM

    def __init__(self, a):
        self.a = a

    def tex(self):
        return "-" + _wrap(self.a, PRODUCT)

    def ev(self, env):
        return -self.a.ev(env)


class Mul(Ex):
    """Matrix product, or scaling when one factor is 1 x 1 and the
    shapes do not multiply."""

    prec = PRODUCT

    def __init__(self, a, b):
        self.a, self.b = _ex(a), _ex(b)

    def tex(self):
        left, right = _wrap(self.a, PRODUCT), _wrap(self.b, PRODUCT + 1)
        if isinstance(self.a, Had):        # (P \odot B) 1, not P \odot B 1
            left = f"({left})"
        # a number times a number would read as one number
        sep = r" \cdot " if right[:1].isdigit() else r"\, " \
            if isinstance(self.b, Frac) else " "
        return left + sep + right

    def ev(self, env):
        A, B = self.a.ev(env), self.b.ev(env)
        if A.shape[1] == B.shape[0]:
            return A @ B
        if A.size == 1 or B.size == 1:
            return A * B
        raise ValueError(f"shapes {A.shape} and {B.shape} do not multiply "
                         f"in {self.tex()}")


class Frac(Ex):
    r"""``\frac{a}{b}`` for a scalar b; a may be a matrix."""

    def __init__(self, a, b):
        self.a, self.b = _ex(a), _ex(b)

    def tex(self):
        return r"\frac{" + self.a.tex() + "}{" + self.b.tex() + "}"

    def ev(self, env):
        b = self.b.ev(env)
        if b.size != 1:
            raise ValueError(f"the denominator of {self.tex()} must be a "
                             "scalar")
        return self.a.ev(env) / b


class Had(Ex):
    r"""Element-wise product ``a \odot b``."""

    prec = PRODUCT

    def __init__(self, a, b):
        self.a, self.b = _ex(a), _ex(b)

    def tex(self):
        return (f"{_wrap(self.a, PRODUCT + 1)} \\odot "
                f"{_wrap(self.b, PRODUCT + 1)}")

    def ev(self, env):
        return self.a.ev(env) * self.b.ev(env)


class HadDiv(Had):
    r"""Element-wise quotient ``a \oslash b``."""

    def tex(self):
        return (f"{_wrap(self.a, PRODUCT + 1)} \\oslash "
                f"{_wrap(self.b, PRODUCT + 1)}")

    def ev(self, env):
        return self.a.ev(env) / self.b.ev(env)


class Kron(Had):
    r"""Kronecker product ``a \otimes b`` (``np.kron``)."""

    def tex(self):
        return (f"{_wrap(self.a, PRODUCT + 1)} \\otimes "
                f"{_wrap(self.b, PRODUCT + 1)}")

    def ev(self, env):
        return np.kron(self.a.ev(env), self.b.ev(env))


# --------------------------------------------------------------------------
# postfix: transpose, inverse, powers
# --------------------------------------------------------------------------

class Post(Ex):
    """``a^{sup}``: transpose, inverse, inverse transpose or a power."""

    def __init__(self, a, sup, fn):
        self.a, self.sup, self.fn = a, sup, fn

    def tex(self):
        base = _wrap(self.a, ATOM)
        if base.endswith("}") and "^" in base[-12:]:
            base = f"({base})"
        return base + "^{" + self.sup + "}"

    def ev(self, env):
        return self.fn(self.a.ev(env))


def T(a):
    return Post(a, r"\top", np.transpose)


def inv(a):
    return Post(a, "-1", np.linalg.inv)


def invT(a):
    return Post(a, r"-\top", lambda M: np.linalg.inv(M).T)


def power(a, k):
    """An element-wise power (of a scalar, or of every entry)."""
    return Post(a, str(k), lambda M: M ** k)


# --------------------------------------------------------------------------
# functions
# --------------------------------------------------------------------------

class Fn(Ex):
    """A function printed with a template (``{}`` is the argument)."""

    def __init__(self, template, fn, *args):
        self.template, self.fn = template, fn
        self.args = tuple(_ex(a) for a in args)

    def tex(self):
        parts = self.template.split("{}")      # "{}" marks an argument
        out = parts[0]
        for arg, part in zip(self.args, parts[1:]):
            out += arg.tex() + part
        return out

    def ev(self, env):
        return _col(self.fn(*(a.ev(env) for a in self.args)))


def _softmax(z):
    """Softmax of a column (or 1-D array), shifted by its real maximum."""
    e = np.exp(z - np.max(np.real(z)))
    return e / np.sum(e)


def _log_softmax(z):
    shifted = z - np.max(np.real(z))
    return shifted - np.log(np.sum(np.exp(shifted)))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _relu(x):
    return np.where(np.real(x) > 0, x, 0 * x)


def _lse(z):
    shift = np.max(np.real(z))
    return shift + np.log(np.sum(np.exp(z - shift)))


def sin(a):
    return Fn(r"\sin({})", np.sin, a)


def cos(a):
    return Fn(r"\cos({})", np.cos, a)


def tanh(a):
    return Fn(r"\tanh({})", np.tanh, a)


def tanh2(a):
    return Fn(r"\tanh^2({})", lambda v: np.tanh(v) ** 2, a)


def exp(a):
    return Fn(r"\exp({})", np.exp, a)


def log(a):
    return Fn(r"\log({})", np.log, a)


def sigma(a):
    return Fn(r"\sigma({})", _sigmoid, a)


def softplus(a):
    return Fn(r"\operatorname{softplus}({})",
              lambda v: np.log(1 + np.exp(v)), a)


def relu(a):
    return Fn(r"\max(0, {})", _relu, a)


def softmax(a):
    return Fn(r"\operatorname{softmax}({})", _softmax, a)


def log_softmax(a):
    return Fn(r"\log \operatorname{softmax}({})", _log_softmax, a)


def lse(a):
    return Fn(r"\operatorname{lse}({})", _lse, a)


def diag(a):
    r"""``\operatorname{diag}(v)``: the square matrix with v on its
    diagonal."""
    return Fn(r"\operatorname{diag}({})", lambda v: np.diag(v[:, 0]), a)


def tr(a):
    return Fn(r"\operatorname{tr}({})", np.trace, a)


def det(a):
    return Fn(r"\det({})", np.linalg.det, a)


def logdet(a):
    return Fn(r"\log \det({})", lambda M: np.log(np.linalg.det(M)), a)


def vecop(a):
    r"""``\operatorname{vec}(X)``: the columns of X stacked."""
    return Fn(r"\operatorname{vec}({})",
              lambda M: M.reshape(-1, 1, order="F"), a)


def norm(a):
    r"""Euclidean norm ``\lVert v \rVert_2`` (no abs: complex-step safe)."""
    return Fn(r"\lVert {} \rVert_2", lambda v: np.sqrt(np.sum(v * v)), a)


def sqnorm(a):
    return Fn(r"\lVert {} \rVert_2^2", lambda v: np.sum(v * v), a)


def frob2(a):
    return Fn(r"\lVert {} \rVert_F^2", lambda M: np.sum(M * M), a)


def positive(a):
    r"""Iverson bracket ``[a > 0]``, entry by entry (1 or 0)."""
    return Fn(r"[{} > 0]", lambda v: (np.real(v) > 0).astype(float), a)


def entries_sum(a):
    r"""``\sum_i a_i`` printed as ``\mathbf{1}^{\top} a``."""
    return Fn(r"\mathbf{1}^{\top} {}", lambda v: np.sum(v), a)


class Stack(Ex):
    """A column of expressions (each a scalar), printed as a bmatrix."""

    def __init__(self, *rows):
        self.rows = rows

    def tex(self):
        return (r"\begin{bmatrix} " + r" \\ ".join(r.tex() for r in
                                                   self.rows)
                + r" \end{bmatrix}")

    def ev(self, env):
        return np.vstack([r.ev(env) for r in self.rows])


# --------------------------------------------------------------------------
# unspecified functions, for rules stated in general
# --------------------------------------------------------------------------

class Call(Ex):
    """``u(arg)``, ``u'(arg)`` or ``u''(arg)`` for an unspecified scalar
    function u of a scalar: ``env[name]`` holds (u, u', u'') as
    callables, a random smooth instance drawn for each check."""

    def __init__(self, name, arg, prime=0):
        self.name, self.arg, self.prime = name, arg, prime

    def tex(self):
        return self.name + "'" * self.prime + "(" + self.arg.tex() + ")"

    def ev(self, env):
        return _col(env[self.name][self.prime](self.arg.ev(env)))

    def d(self):
        return Call(self.name, self.arg, self.prime + 1)


class VCall(Ex):
    r"""``\mathbf{f}(arg)`` or its Jacobian ``J_{\mathbf{f}}(arg)`` for
    an unspecified vector function: ``env[name]`` holds (f, J_f)."""

    def __init__(self, name, arg, jac=False):
        self.name, self.arg, self.jac = name, arg, jac

    def tex(self):
        bold = r"\mathbf{" + self.name + "}"
        head = "J_{" + bold + "}" if self.jac else bold
        return head + "(" + self.arg.tex() + ")"

    def ev(self, env):
        return _col(env[self.name][1 if self.jac else 0](self.arg.ev(env)))

    def J(self):
        return VCall(self.name, self.arg, jac=True)


class PerN(Ex):
    r"""``\frac{c}{N} a``, with N the number of rows of ``like`` (the
    number of examples): the printed N is the length it divides by."""

    prec = PRODUCT

    def __init__(self, c, a, like):
        self.c, self.a, self.like = c, a, like

    def tex(self):
        return r"\frac{" + str(self.c) + r"}{N} " + _wrap(self.a, PRODUCT)

    def ev(self, env):
        return self.c * self.a.ev(env) / self.like.ev(env).shape[0]


# --------------------------------------------------------------------------
# chapter 9: sizes, constants and the operations of network layers
# --------------------------------------------------------------------------

class Dim(Ex):
    """A size read from a value: the number of rows (``axis=0``) or
    columns (``axis=1``) of ``like``, printed as ``latex``.

    >>> Dim(mat("Q"), "m", axis=1).ev({"Q": np.zeros((4, 3))})
    array([[3.]])
    """

    def __init__(self, like, latex, axis=0):
        self.like, self.latex, self.axis = like, latex, axis

    def tex(self):
        return self.latex

    def ev(self, env):
        return np.array([[float(self.like.ev(env).shape[self.axis])]])


class Const(Ex):
    r"""A named constant such as ``\epsilon``: printed by name, evaluated
    to its value.

    >>> eps = Const(r"\epsilon", 1e-5)
    >>> (eps.tex(), eps.ev({}))
    ('\\epsilon', array([[1.e-05]]))
    """

    def __init__(self, latex, value):
        self.latex, self.value = latex, value

    def tex(self):
        return self.latex

    def ev(self, env):
        return np.array([[float(self.value)]])


def sqrt(a):
    r"""``\sqrt{a}``, entry by entry.

    >>> sqrt(vec("x")).ev({"x": np.array([4.0, 9.0])}).ravel()
    array([2., 3.])
    """
    return Fn(r"\sqrt{{}}", np.sqrt, a)


def inner(a, b):
    r"""Frobenius inner product ``\langle A, B \rangle = \sum_{ij}
    A_{ij} B_{ij}`` (a number).

    >>> inner(mat("A"), mat("B")).ev({"A": np.eye(2),
    ...                               "B": np.full((2, 2), 3.0)})
    array([[6.]])
    """
    return Fn(r"\langle {}, {} \rangle", lambda A, B: np.sum(A * B), a, b)


def _softmax_rows(S, causal=False):
    """Softmax of each row; with ``causal``, entry (t, u) for u > t is 0
    (the key comes after the query)."""
    E = np.exp(S - np.max(np.real(S), axis=1, keepdims=True))
    if causal:
        E = np.where(np.tri(*S.shape, dtype=bool), E, 0 * E)
    return E / np.sum(E, axis=1, keepdims=True)


def softmax_rows(a, causal=False):
    r"""Softmax of each row of a matrix; ``causal=True`` masks the
    entries above the diagonal (they get probability 0), as decoder
    attention does.

    >>> S = np.zeros((2, 2))
    >>> softmax_rows(mat("S"), causal=True).ev({"S": S})
    array([[1. , 0. ],
           [0.5, 0.5]])
    >>> softmax_rows(mat("S"), causal=True).tex()
    '\\operatorname{softmax}_{\\text{causal}}(S)'
    """
    name = r"\text{causal}" if causal else r"\text{rows}"
    return Fn(r"\operatorname{softmax}_{" + name + "}({})",
              lambda S: _softmax_rows(S, causal), a)


def _correlate(x, w):
    """y_i = sum_j w_j x_{i+j}, i = 0 .. len(x) - len(w) (columns in,
    column out; no complex conjugate, so complex-step safe)."""
    x, w = x[:, 0], w[:, 0]
    k = len(w)
    if k > len(x):
        raise ValueError(f"the kernel ({k} entries) is longer than the "
                         f"signal ({len(x)} entries)")
    return np.array([x[i:i + k] @ w for i in range(len(x) - k + 1)])


class Correlate(Had):
    r"""``a \star b``: see :func:`correlate`."""

    def tex(self):
        return (f"{_wrap(self.a, PRODUCT + 1)} \\star "
                f"{_wrap(self.b, PRODUCT + 1)}")

    def ev(self, env):
        return _col(_correlate(self.a.ev(env), self.b.ev(env)))


def correlate(a, b):
    r"""``a \star b``: the sliding dot product of the kernel b along a
    (the "convolution" of deep learning, without flipping the kernel):
    ``(a \star b)_i = \sum_j b_j a_{i+j}``, of length len(a) - len(b) + 1.

    >>> correlate(vec("x"), vec("w")).ev({"x": np.arange(5.0),
    ...                                   "w": np.array([1.0, -1.0])}).ravel()
    array([-1., -1., -1., -1.])
    >>> T(correlate(vec("x"), vec("g"))).tex()
    '(\\mathbf{x} \\star \\mathbf{g})^{\\top}'
    """
    return Correlate(a, b)


def _conv_matrix(w, x):
    k, n = w.shape[0], x.shape[0]
    C = np.zeros((n - k + 1, n), dtype=np.result_type(w, float))
    for i in range(n - k + 1):
        C[i, i:i + k] = w[:, 0]
    return C


def conv_matrix(w, like):
    r"""``C_{\mathbf{w}}``: the (n - k + 1) x n matrix with
    ``C_w x = x \star w`` for x as long as ``like`` (each row is the
    kernel w, shifted one place).

    >>> conv_matrix(vec("w"), vec("x")).ev({"w": np.array([1.0, 2.0]),
    ...                                     "x": np.zeros(3)})
    array([[1., 2., 0.],
           [0., 1., 2.]])
    """
    return _ConvMatrix(w, like)


class _ConvMatrix(Ex):
    """See :func:`conv_matrix`."""

    def __init__(self, w, like):
        self.w, self.like = w, like

    def tex(self):
        return "C_{" + self.w.tex() + "}"

    def ev(self, env):
        return _conv_matrix(self.w.ev(env), self.like.ev(env))


class Lookup(Ex):
    r"""``E[\mathbf{i}]``: the rows of the table E picked by the integer
    vector i (an embedding lookup), one row per entry of i.

    >>> Lookup(mat("E"), vec("i")).ev({"E": np.eye(3),
    ...                                "i": np.array([2, 2])})
    array([[0., 0., 1.],
           [0., 0., 1.]])
    """

    def __init__(self, table, ids):
        self.table, self.ids = table, ids

    def tex(self):
        return self.table.tex() + "[" + self.ids.tex() + "]"

    def ev(self, env):
        ids = np.real(self.ids.ev(env)[:, 0])
        if not np.array_equal(ids, np.round(ids)):
            raise ValueError("lookup indices must be integers")
        return self.table.ev(env)[ids.astype(int)]


class OneHot(Ex):
    r"""``\operatorname{onehot}(\mathbf{i})``: the len(i) x V matrix with
    a 1 in column i_t of row t, V the number of rows of ``like`` (so that
    ``E[i] = onehot(i) E``).

    >>> OneHot(vec("i"), mat("E")).ev({"E": np.eye(3),
    ...                                "i": np.array([2, 0])})
    array([[0., 0., 1.],
           [1., 0., 0.]])
    """

    def __init__(self, ids, like):
        self.ids, self.like = ids, like

    def tex(self):
        return r"\operatorname{onehot}(" + self.ids.tex() + ")"

    def ev(self, env):
        ids = np.real(self.ids.ev(env)[:, 0]).astype(int)
        return np.eye(self.like.ev(env).shape[0])[ids]
