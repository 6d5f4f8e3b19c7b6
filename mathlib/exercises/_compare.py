"""Compare a numeric answer with the reference and say what is wrong.

The kinds of mistake recognised, in this order: a wrong shape (naming a
row or column vector, a transpose, or right numbers in the wrong shape),
non-finite entries, all zeros, a wrong sign, a constant factor, a
transpose of a square answer (a layout mix-up), and otherwise the entries
that are wrong. The same normwise tolerance as ``mathlib.check``: the
answer G matches the reference E when
``max|G - E| <= rtol * max(max|E|, max|G|) + atol``.
"""

from fractions import Fraction

import numpy as np

__all__ = ["close", "shape_problem", "value_problem", "fmt_index",
           "fmt_point", "fmt_shape", "simple_ratio", "plain_factor",
           "wrong_entries"]

ATOL = 1e-9


def close(G, E, rtol):
    """True if G matches E (same shape assumed)."""
    if G.size == 0:
        return True
    scale = max(float(np.max(np.abs(E))), float(np.max(np.abs(G))))
    return float(np.max(np.abs(G - E))) <= rtol * scale + ATOL


def fmt_shape(shape):
    """(3,) -> '(3,)'; () -> 'a scalar'."""
    return "a number" if shape == () else str(tuple(shape))


def fmt_index(idx):
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def fmt_point(x):
    """A point as a short list: [0.5, -1.2]."""
    x = np.asarray(x, dtype=float)
    rounded = np.array([float(f"{v:.4g}") + 0.0 for v in x.ravel()])
    if x.ndim == 0:
        return f"{rounded[0]:g}"
    return str(rounded.reshape(x.shape).tolist())


def simple_ratio(c):
    """p/q with small integers (2, 1/2, -3, 2/3, ...), or None."""
    if not np.isfinite(c) or c == 0:
        return None
    r = Fraction(c).limit_denominator(12)
    if abs(r.numerator) <= 24 and abs(c - float(r)) <= 1e-9 * abs(c):
        return r
    return None


def plain_factor(c):
    """c if it is k or 1/k for an integer 2 <= |k| <= 10, else None: the
    factors worth naming when only one number is compared."""
    r = simple_ratio(c)
    if r is None or r in (1, -1):
        return None
    k = r.denominator if abs(r.numerator) == 1 else \
        (r.numerator if r.denominator == 1 else None)
    return r if k is not None and 2 <= abs(k) <= 10 else None


def _ratio_text(r):
    return str(r.numerator) if r.denominator == 1 else \
        f"{r.numerator}/{r.denominator}"


def shape_problem(G, E, rtol, layout=""):
    """(diagnosis, message) for an answer of the wrong shape."""
    msg = f"wrong shape: expected {fmt_shape(E.shape)}, got " \
        f"{fmt_shape(G.shape)}"
    if E.ndim == 2 and G.shape == E.T.shape and close(G, E.T, rtol):
        extra = f" ({layout})" if layout else ""
        return "transpose", f"{msg}. It is the transpose of the right " \
            f"answer: a layout mix-up{extra}."
    if E.ndim == 1 and G.shape in ((1, E.size), (E.size, 1)):
        kind = "row" if G.shape[0] == 1 else "column"
        msg += f": a {kind} vector where a flat array of shape " \
            f"{E.shape} is expected"
    if G.size == E.size and close(G.reshape(E.shape), E, rtol):
        fix = "use float(...)" if E.ndim == 0 else \
            "use .ravel()" if E.ndim == 1 else f"reshape to {E.shape}"
        msg += f" (the numbers are right: {fix})"
    return "shape", msg + "."


def value_problem(G, E, rtol, layout="", reveal=False):
    """(diagnosis, message) for an answer of the right shape that does
    not match. With ``reveal``, the message gives the expected value of
    the worst entry (for answers at random points; never for fixed
    answers, where it would give the answer away)."""
    if not np.isfinite(G).all():
        idx = tuple(np.argwhere(~np.isfinite(G))[0])
        where = f" in component {fmt_index(idx)}" if idx else ""
        return "nonfinite", f"it contains the non-finite value " \
            f"{G[idx]}{where}."
    if not G.any() and E.any():
        return "scale", "it is all zeros; the right answer is not."
    c = _factor(G, E, rtol)
    if c is not None and c == -1:
        return "sign", "it has the wrong sign: it equals minus the right " \
            "answer."
    if c is not None:
        return "scale", f"it is off by a constant factor: yours is " \
            f"{_ratio_text(c)} times the right answer."
    if E.ndim == 2 and E.shape[0] == E.shape[1] and not close(E, E.T,
                                                               rtol):
        if close(G, E.T, rtol):
            extra = f" ({layout})" if layout else ""
            return "transpose", "it equals the transpose of the right " \
                f"answer: a layout mix-up{extra}."
    return "pointwise", wrong_entries(G, E, rtol, reveal)


def _factor(G, E, rtol):
    """c with G = c E, c a simple ratio (and not 1), else None."""
    ee = float(np.sum(E * E))
    if ee == 0.0:
        return None
    c = float(np.sum(G * E)) / ee
    r = simple_ratio(c)
    if r is None or r == 1 or not close(G, float(r) * E, rtol):
        return None
    if np.count_nonzero(E) < 2 and r != -1 and \
            plain_factor(float(r)) is None:
        return None        # with one nonzero entry any G is a multiple
    return r


def wrong_entries(G, E, rtol, reveal=False):
    """Which entries are wrong (and, with reveal, the first one's
    expected value)."""
    scale = max(float(np.max(np.abs(E))), float(np.max(np.abs(G))))
    wrong = np.abs(G - E) > rtol * scale + ATOL
    if G.ndim == 0:
        if reveal:
            return f"yours is {float(G):.6g}, expected {float(E):.6g}."
        return f"yours is {float(G):.6g}, which is not right."
    bad = [tuple(i) for i in np.argwhere(wrong)]
    word = "component" if G.ndim == 1 else "entry"
    names = ", ".join(fmt_index(i) for i in bad[:4])
    more = f" and {len(bad) - 4} more" if len(bad) > 4 else ""
    right = G.size - len(bad)
    plural = {"component": "components", "entry": "entries"}[word]
    text = f"{plural if len(bad) > 1 else word} {names}{more} " \
        f"{'are' if len(bad) > 1 else 'is'} wrong"
    if right:
        text += f" (the other {right} {'is' if right == 1 else 'are'} " \
            "right)"
    if reveal:
        i = bad[0]
        text += f": {word} {fmt_index(i)} is {G[i]:.6g}, expected " \
            f"{E[i]:.6g}"
    return text + "."
