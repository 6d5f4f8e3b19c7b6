"""Safe parsing of readers' formulas: strings and ``sympy.srepr`` text.

Nothing here evaluates Python code. A formula is turned into a Python
syntax tree (:mod:`ast`), every node is checked against a short
whitelist (numbers, the question's variables, + - * / **, and a list of
named functions such as ``sin`` and ``exp``), and the sympy object is
built node by node. ``sympy.parse_expr`` is not used for the last step
because it calls ``eval`` on the transformed text; its tokenizer-level
transformations (implicit multiplication ``2x``, ``^`` for powers) are
used to produce the text that is then checked and built.

parse_answer(text, variables)   a reader's string -> sympy expression
parse_srepr(text)               ``sympy.srepr`` output -> sympy object
ParseError                      raised with a message for the reader
"""

import ast
import io
import keyword
import math
import tokenize

import sympy as sp
from sympy.functions.elementary.piecewise import ExprCondPair
from sympy.parsing.sympy_parser import (convert_xor, implicit_multiplication,
                                        standard_transformations,
                                        stringify_expr)

__all__ = ["ParseError", "parse_answer", "parse_srepr"]

MAX_TEXT = 2000          # characters of a reader's string
MAX_SREPR = 200_000      # characters of srepr text from the grader's kernel
MAX_NODES = 20_000       # syntax-tree nodes
MAX_DIGITS = 40          # digits of an integer literal
MAX_EXPONENT = 100       # |k| in x**k for an integer k
MAX_PRECISION = 400      # bits of a Float
MAX_ENTRIES = 400        # entries of a Matrix
MAX_TOWER = 2            # exponentials nested in one another: exp(exp(x))
MAX_MAGNITUDE = 1e300    # size of a constant part of a formula

FUNCTIONS = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp,
    "log": sp.log, "ln": sp.log, "sqrt": sp.sqrt, "Abs": sp.Abs,
    "abs": sp.Abs, "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh,
    "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "Max": sp.Max,
    "Min": sp.Min, "max": sp.Max, "min": sp.Min, "sign": sp.sign,
    "Heaviside": sp.Heaviside,
}
CONSTANTS = {"pi": sp.pi, "E": sp.E}
# names that srepr() prints for sympy's singletons
SINGLETONS = {"pi": sp.pi, "E": sp.E, "I": sp.I, "oo": sp.oo,
              "zoo": sp.zoo, "nan": sp.nan, "true": sp.true,
              "false": sp.false}
ASSUMPTIONS = {"real", "positive", "negative", "nonnegative", "nonpositive",
               "integer", "commutative", "finite", "nonzero", "zero",
               "extended_real", "rational", "complex", "imaginary"}
# srepr constructors: name -> callable taking sympy arguments
CONSTRUCTORS = dict(FUNCTIONS, Add=sp.Add, Mul=sp.Mul,
                    Pow=lambda base, exponent: _power(base, exponent),
                    Piecewise=sp.Piecewise, ExprCondPair=ExprCondPair,
                    StrictLessThan=sp.StrictLessThan,
                    StrictGreaterThan=sp.StrictGreaterThan,
                    LessThan=sp.LessThan, GreaterThan=sp.GreaterThan,
                    Equality=sp.Eq, Unequality=sp.Ne, And=sp.And,
                    Or=sp.Or, Not=sp.Not)
MATRICES = {"MutableDenseMatrix", "ImmutableDenseMatrix", "Matrix",
            "ImmutableMatrix"}
UNEVALUATED = {"Derivative", "Integral", "Limit", "Subs", "Sum",
               "Product"}
STRING_OPS = {"+", "-", "*", "/", "**", "^", "(", ")", ","}
TRANSFORMATIONS = standard_transformations + (implicit_multiplication,
                                              convert_xor)


class ParseError(ValueError):
    """A formula that cannot be read; the message is for the reader."""


# ------------------------------------------------------------ strings


def parse_answer(text, variables=()):
    """Parse a reader's formula (a string) into a sympy expression, safely.

    Introduced for the problem sets of every chapter (``mathlib.exercises``):
    readers may answer a formula question with a string.

    Allowed: numbers, names of the question's ``variables`` (any other
    name is an error, listing the allowed ones), ``pi``, ``e`` or ``E``,
    the functions ``sin cos tan exp log ln sqrt abs sinh cosh tanh asin
    acos atan max min sign Heaviside``, ``+ - * / ** ^`` and implicit
    multiplication (``2x``, ``x y``). Nothing is evaluated as Python.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"2x*sin(x) + x^2 cos(x)"``.
    variables : iterable of str
        The names of the question's variables.

    Returns
    -------
    sympy expression
        With plain (assumption-free) Symbols named like the variables.

    Raises
    ------
    ParseError
        With a message that says what could not be read.

    Examples
    --------
    >>> parse_answer("2x^2 + e^x", ["x"])
    2*x**2 + exp(x)
    >>> parse_answer("__import__('os')", ["x"])
    Traceback (most recent call last):
    ...
    mathlib.exercises._parse.ParseError: the name '__import__' is not allowed
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if len(text) > MAX_TEXT:
        raise ParseError(f"the formula is {len(text)} characters long; "
                         f"at most {MAX_TEXT} are accepted")
    if not text.strip():
        raise ParseError("the formula is empty")
    variables = list(variables)
    _check_tokens(text, variables)
    names = dict(FUNCTIONS, **CONSTANTS)
    if "e" not in variables:
        names["e"] = sp.E
    code = stringify_expr(text, {}, dict(names, Symbol=sp.Symbol,
                                         Integer=sp.Integer,
                                         Float=sp.Float), TRANSFORMATIONS)
    builder = _Builder(names, constructors=FUNCTIONS, limit=2000)
    value = builder.build(code)
    if not isinstance(value, sp.Expr):
        raise ParseError("the formula is not an expression")
    check_size(value)
    unknown = sorted(s.name for s in value.free_symbols
                     if s.name not in variables)
    if unknown:
        raise ParseError(f"unknown name {unknown[0]!r}: the variables of "
                         f"this question are {', '.join(variables)}")
    return value


def _check_tokens(text, variables):
    """Refuse anything but names, numbers and arithmetic, before sympy's
    tokenizer sees the text."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError) as exc:
        raise ParseError(f"could not read the formula ({exc})") from None
    skip = {tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER,
            tokenize.INDENT, tokenize.DEDENT}
    known = set(FUNCTIONS) | set(CONSTANTS) | {"e"} | set(variables)
    for k, tok in enumerate(tokens):
        if tok.type in skip:
            continue
        if tok.type == tokenize.NUMBER:
            if tok.string[-1] in "jJ":
                raise ParseError("complex numbers are not accepted")
            continue
        if tok.type == tokenize.NAME:
            if tok.string.startswith("_") or keyword.iskeyword(tok.string):
                raise ParseError(f"the name {tok.string!r} is not allowed")
            after = tokens[k + 1].string if k + 1 < len(tokens) else ""
            if tok.string not in known and after == "(":
                raise ParseError(
                    f"unknown function {tok.string!r} (the functions are "
                    f"{', '.join(sorted(FUNCTIONS, key=str.lower))})")
            if tok.string not in known:
                raise ParseError(
                    f"unknown name {tok.string!r}: the variables of this "
                    f"question are {', '.join(variables) or 'none'}")
            continue
        if tok.type == tokenize.OP and tok.string in STRING_OPS:
            continue
        raise ParseError(f"{tok.string!r} is not allowed in a formula "
                         "(use numbers, variables, + - * / ** and "
                         "functions such as exp(x))")


# -------------------------------------------------------------- srepr


def parse_srepr(text):
    """Rebuild a sympy object from ``sympy.srepr`` text, safely.

    The grader receives readers' formulas from their notebooks as srepr
    text and rebuilds them here, outside the reader's kernel, accepting
    only sympy's arithmetic, the functions of :func:`parse_answer`,
    Piecewise, relations, and Matrices.

    Parameters
    ----------
    text : str
        Output of ``sympy.srepr``.

    Returns
    -------
    sympy expression or ImmutableMatrix

    Raises
    ------
    ParseError
        For anything else (an unknown function, an unevaluated
        Derivative, a huge number, ...).

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> parse_srepr(sp.srepr(sp.Matrix([x**2, sp.exp(-x) / 2])))
    Matrix([
    [     x**2],
    [exp(-x)/2]])
    >>> parse_srepr("Function('f')(Symbol('x'))")
    Traceback (most recent call last):
    ...
    mathlib.exercises._parse.ParseError: an unknown function 'f' (only \
named functions such as exp and sin can be checked)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    if len(text) > MAX_SREPR:
        raise ParseError(f"the formula is too large to check ({len(text)} "
                         "characters)")
    builder = _Builder(SINGLETONS, constructors=CONSTRUCTORS,
                       limit=MAX_NODES, srepr=True)
    value = builder.build(text)
    check_size(value)
    return value


# ------------------------------------------------------------ magnitudes


def check_size(value):
    """Refuse a formula whose evaluation could take unbounded time or
    memory: exponentials nested more than MAX_TOWER deep (a power tower
    such as ``E^E^E^E^E``), or a constant part larger than
    MAX_MAGNITUDE. Nothing is evaluated with sympy here: constant parts
    are computed with Python floats, which overflow at once.

    Examples
    --------
    >>> check_size(sp.exp(sp.exp(sp.Symbol("x"))))
    >>> check_size(sp.exp(sp.exp(sp.exp(sp.E))))
    Traceback (most recent call last):
    ...
    mathlib.exercises._parse.ParseError: it nests powers or exponentials \
3 deep (a power tower); at most 2 can be checked
    """
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    towers, floats = {}, {}
    for entry in entries:
        depth = _tower(entry, towers)
        if depth > MAX_TOWER:
            raise ParseError(f"it nests powers or exponentials {depth} "
                             f"deep (a power tower); at most {MAX_TOWER} "
                             "can be checked")
        _magnitudes(entry, floats)


def _tower(e, memo):
    """How deep exponentials (exp, or a power whose exponent is not a
    whole number) are nested in e."""
    if e in memo:
        return memo[e]
    inner = max((_tower(a, memo) for a in e.args), default=0)
    if isinstance(e, sp.exp) or (
            isinstance(e, sp.Pow) and not e.exp.is_Integer and
            not (e.exp.is_Rational and e.exp.q == 2)):
        inner += 1
    memo[e] = inner
    return inner


FLOAT_FUNCTIONS = {sp.exp: math.exp, sp.sin: math.sin, sp.cos: math.cos,
                   sp.sinh: math.sinh, sp.cosh: math.cosh}


def _magnitudes(e, memo):
    """e as a Python float if it has no symbols (None otherwise);
    ParseError if that number is too large."""
    if e in memo:
        return memo[e]
    args = [_magnitudes(a, memo) for a in e.args]
    value = None
    if not e.free_symbols and isinstance(e, sp.Expr):
        try:
            value = _float_of(e, args)
        except (OverflowError, ZeroDivisionError, ValueError, TypeError):
            value = math.inf if not isinstance(e, sp.Add) else None
        if value is not None and (math.isinf(value) or
                                  abs(value) > MAX_MAGNITUDE):
            raise ParseError("it contains a number too large to check "
                             f"(more than {MAX_MAGNITUDE:.0e})")
    memo[e] = value
    return value


def _float_of(e, args):
    if e.is_Number or isinstance(e, sp.NumberSymbol):
        return float(e) if not e.is_infinite else None
    if e is sp.I or any(a is None for a in args):
        return None
    if isinstance(e, sp.Add):
        return math.fsum(args)
    if isinstance(e, sp.Mul):
        return math.prod(args)
    if isinstance(e, sp.Pow):
        base, exp = args
        return abs(base) ** exp if base < 0 and exp != int(exp) \
            else base ** exp
    func = FLOAT_FUNCTIONS.get(type(e))
    return func(*args) if func else None


# ------------------------------------------------------------ builder


class _Builder:
    """Build sympy objects from a whitelisted Python syntax tree."""

    BINOPS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
              ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
              ast.Pow: lambda a, b: _power(a, b)}

    def __init__(self, names, constructors, limit, srepr=False):
        self.names, self.constructors = names, constructors
        self.limit, self.srepr, self.count = limit, srepr, 0

    def build(self, code):
        try:
            tree = ast.parse(code.strip(), mode="eval")
        except (SyntaxError, ValueError) as exc:
            msg = getattr(exc, "msg", str(exc))
            raise ParseError(f"could not read the formula ({msg})") from None
        try:
            return self.node(tree.body)
        except ParseError:
            raise
        except RecursionError:
            raise ParseError("the formula is nested too deeply") from None
        except (TypeError, ValueError, ArithmeticError,
                AttributeError):
            raise ParseError("it is not a formula that can be checked "
                             "(a function with the wrong number of "
                             "arguments, or an undefined operation?)") \
                from None

    def node(self, n):
        self.count += 1
        if self.count > self.limit:
            raise ParseError("the formula is too large to check: it has "
                             f"more than {self.limit} parts (numbers, "
                             "names, operations)")
        if isinstance(n, ast.BinOp) and type(n.op) in self.BINOPS:
            return self.BINOPS[type(n.op)](self.node(n.left),
                                           self.node(n.right))
        if isinstance(n, ast.UnaryOp) and isinstance(n.op,
                                                     (ast.USub, ast.UAdd)):
            value = self.node(n.operand)
            return -value if isinstance(n.op, ast.USub) else value
        if isinstance(n, ast.Name):
            if n.id in self.names:
                return self.names[n.id]
            raise ParseError(f"the name {n.id!r} is not allowed")
        if isinstance(n, ast.Call):
            return self.call(n)
        if isinstance(n, ast.Constant) and self.srepr \
                and type(n.value) in (int, bool):
            return self.integer(n.value)
        raise ParseError(f"{ast.unparse(n)[:40]!r} is not allowed in a "
                         "formula")

    def call(self, n):
        if isinstance(n.func, ast.Call) and _name(n.func.func) == \
                "Function":
            fname = _literal(n.func.args[0]) if n.func.args else "?"
            raise ParseError(f"an unknown function {fname!r} (only named "
                             "functions such as exp and sin can be "
                             "checked)")
        name = _name(n.func)
        if name is None:
            raise ParseError(f"{ast.unparse(n.func)[:40]!r} is not allowed "
                             "(only named functions such as exp and sin "
                             "can be used)")
        if name in ("Symbol", "Dummy"):
            return self.symbol(n)
        if name in ("Integer", "Float", "Rational"):
            return self.number(name, n)
        if name in MATRICES and self.srepr:
            return self.matrix(n)
        if name in UNEVALUATED:
            raise ParseError(f"an unevaluated {name}: give the result "
                             "itself (a formula without Derivative, "
                             "Integral, Limit, ...)")
        if name == "Function":
            fname = _literal(n.args[0]) if n.args else "?"
            raise ParseError(f"an unknown function {fname!r}")
        if name not in self.constructors:
            raise ParseError(f"the function {name!r} is not allowed")
        if n.keywords:
            raise ParseError(f"{name}() takes no keyword arguments here")
        args = [self.node(a) for a in n.args]
        return self.constructors[name](*args)

    def symbol(self, n):
        if len(n.args) != 1 or not isinstance(_literal(n.args[0]), str):
            raise ParseError("a Symbol needs one name")
        name = _literal(n.args[0])
        if not name.isidentifier() or name.startswith("_") \
                or len(name) > 30:
            raise ParseError(f"the symbol name {name!r} is not allowed")
        kwargs = {}
        for kw in n.keywords:
            if kw.arg == "dummy_index":
                continue
            value = _literal(kw.value)
            if kw.arg not in ASSUMPTIONS or not isinstance(value, bool):
                raise ParseError(f"the symbol option {kw.arg!r} is not "
                                 "allowed")
            kwargs[kw.arg] = value
        return sp.Symbol(name, **kwargs)

    def number(self, name, n):
        args = [_literal(a) for a in n.args]
        kw = {k.arg: _literal(k.value) for k in n.keywords}
        if name == "Integer" and len(args) == 1 and not kw:
            return self.integer(args[0])
        if name == "Rational" and len(args) == 2 and not kw:
            p, q = (self.integer(a) for a in args)
            if q == 0:
                raise ParseError("a Rational with denominator 0")
            return sp.Rational(p, q)
        if name == "Float" and len(args) == 1 and set(kw) <= {"precision"}:
            text, precision = args[0], kw.get("precision", 53)
            if not isinstance(text, str) or len(text) > 200 or \
                    not isinstance(precision, int) or \
                    not 1 <= precision <= MAX_PRECISION:
                raise ParseError("a Float that is too long to check")
            try:
                float(text)
            except ValueError:
                raise ParseError(f"the number {text!r} is not "
                                 "valid") from None
            return sp.Float(text, precision=precision)
        raise ParseError(f"{name}{tuple(args)} is not a valid number")

    def integer(self, value):
        if value is None:              # not a literal: a call, a name...
            raise ParseError("a number written in a form that cannot be "
                             "checked")
        if isinstance(value, str) and value.lstrip("-").isdigit():
            value = int(value) if len(value) <= MAX_DIGITS + 1 else None
        if isinstance(value, bool) or not isinstance(value, int) or \
                len(str(abs(value))) > MAX_DIGITS:
            raise ParseError("an integer with more than "
                             f"{MAX_DIGITS} digits")
        return sp.Integer(value)

    def matrix(self, n):
        if len(n.args) != 1 or n.keywords or \
                not isinstance(n.args[0], ast.List):
            raise ParseError("a Matrix must be given by a list of rows")
        rows = n.args[0].elts
        if not rows:
            raise ParseError("the Matrix is empty")
        table = []
        for row in rows:
            if not isinstance(row, ast.List):
                raise ParseError("a Matrix must be given by a list of rows")
            table.append([self.node(e) for e in row.elts])
        if len({len(r) for r in table}) != 1 or not table[0]:
            raise ParseError("the rows of the Matrix have different "
                             "lengths")
        if len(table) * len(table[0]) > MAX_ENTRIES:
            raise ParseError("the Matrix is too large to check")
        return sp.ImmutableMatrix(table)


def _name(func):
    return func.id if isinstance(func, ast.Name) else None


def _literal(n):
    """The value of a constant node (str, int, bool), else None."""
    if isinstance(n, ast.Constant):
        return n.value
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, ast.USub) and \
            isinstance(n.operand, ast.Constant) and \
            type(n.operand.value) is int:
        return -n.operand.value
    return None


def _power(base, exponent):
    """base**exponent, refusing integer exponents that would make sympy
    expand a huge power."""
    if isinstance(exponent, sp.Integer) and abs(exponent) > MAX_EXPONENT:
        raise ParseError(f"the exponent {exponent} is too large to check "
                         f"(at most {MAX_EXPONENT})")
    if isinstance(base, sp.Rational) and isinstance(exponent, sp.Integer):
        bits = max(abs(base.p).bit_length(), base.q.bit_length())
        if bits * abs(int(exponent)) > 3000:       # about 900 digits
            raise ParseError(f"the number {base}**{exponent} is too large "
                             "to check")
    if isinstance(exponent, sp.Rational) and \
            max(abs(exponent.p), exponent.q) > 10 ** 6:
        raise ParseError(f"the exponent {exponent} is too large to check")
    return sp.Pow(base, exponent)
