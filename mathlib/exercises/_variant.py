"""Per-student variants of the problem-set questions.

How to convert a question (ch01.py is the worked example)
---------------------------------------------------------
1. Wrap the question's constructor in a function of the parameters
   ``p`` (a dict) that builds it, and register it with ``parameterised``::

       def _q1(p):
           return NumberQuestion(
               "ch01.q1", "limit_value", title="A limit", points=1,
               prompt=fill(r"... \\frac{e^{[[k]]x} - 1}{x} ...", k=p["k"]),
               reference=lambda: sp.limit(...p["k"]...),
               mistakes=[(lambda: ..., f"... u = {p['k']}x ...")])

       Q1 = parameterised(_q1, default={"k": 3},
                          draw=lambda rng: {"k": int(rng.integers(2, 10))},
                          require=[(lambda p: p["k"] != 1,
                                    "k = 1 makes the mistake right")])

   Everything that states a number takes it from ``p``: the prompt
   (``fill`` replaces ``[[name]]``; LaTeX braces stay as they are), the
   ``given`` code, the reference, the scripted mistakes and their
   messages, choice hints. ``default`` is exactly what the book showed
   before: ``_q1(default)`` must build today's question unchanged (the
   committed notebooks are compared with the registry).
2. ``draw(rng)`` draws the parameters from a numpy Generator; ``require``
   lists (predicate, why) that every variant must satisfy (no singular
   matrix where an inverse is asked, no point on a kink, no symmetric
   matrix where a transpose must be detected, the named mistakes give
   different answers from the right one). A draw that fails is drawn
   again from the same generator, so a variant is still a function of
   (question, student). Make the space large (hundreds of variants or
   more), so that two students rarely share numbers.
   When a question reuses another one's numbers ("A as in question 5"),
   pass ``share=lambda s: {"A": Q5.variant(s).values["A"]}``.
3. A function question keeps its ``box``, ``edge_points`` and shapes the
   same in every variant (the grader samples a submission once and
   compares the samples with other students' variants).
4. Nothing to add to the tests: ``tests/test_exercise_variants.py``
   checks every parameterised question over a fixed list of students
   (require holds, the reference is right, each mistake is named, minus
   / twice / the transpose of the answer get "sign" / "scale" /
   "transpose"). A generic check that cannot apply to a question goes
   into its ``EXEMPT`` table with the reason. Run
   ``python -m mathlib.exercises write`` and check that the committed
   notebooks did not change (the default variant is the book's).

Design
------
* A variant is a function of (problem set, question, student): the seed
  is the first 8 bytes of SHA-256 of ``"mathlib.exercises variant"``, the
  question id (which names the problem set) and the normalised student
  identifier (stripped, case-folded). No secret is involved: a student
  who knows a classmate's identifier can compute the classmate's
  variant, and that is fine, because the grader does not take the
  identity from the notebook (see ``mathlib.grade``: the submission's
  location given by the LMS, checked against the roster, decides whose
  variant a submission is graded against; the notebook's own claim is
  only cross-checked).
* No identifier: the default variant, which is what the book shows (the
  committed notebooks and the static HTML are built from it).
* ``Question.variant(student)`` returns the question built with the
  student's parameters (cached); the checkers judge it exactly as they
  judge the default, so the feedback (shape, transpose, sign, factor,
  point) is the same.
"""

import functools
import hashlib
import re

import numpy as np

__all__ = ["Params", "parameterised", "fill", "normalise_student",
           "variant_seed", "StudentError", "num", "latex_num"]

MAX_TRIES = 1000          # draws per variant before giving up (a bug)
MAX_ID = 100              # characters of a student identifier
PLACEHOLDER = re.compile(r"\[\[(\w+)\]\]")


class StudentError(ValueError):
    """A student identifier that cannot be used."""


def normalise_student(student):
    """The identifier as variants use it: stripped and case-folded;
    None (or "") for the default variant.

    >>> normalise_student("  S1234 "), normalise_student(None)
    ('s1234', None)
    >>> normalise_student(12)
    Traceback (most recent call last):
    ...
    mathlib.exercises._variant.StudentError: a student identifier is a \
string such as "s1234567", not int 12
    """
    if student is None:
        return None
    if not isinstance(student, str):
        raise StudentError(f'a student identifier is a string such as '
                           f'"s1234567", not {type(student).__name__} '
                           f'{student!r:.40}')
    s = student.strip().casefold()
    if not s:
        return None
    if len(s) > MAX_ID or not s.isprintable():
        raise StudentError(f"a student identifier has at most {MAX_ID} "
                           "printable characters (your instructor gives "
                           "it to you)")
    return s


def variant_seed(qid, student):
    """The seed of a question's variant for a (normalised) student.

    >>> variant_seed("ch01.q1", "s1") == variant_seed("ch01.q1", "s1")
    True
    >>> variant_seed("ch01.q1", "s1") != variant_seed("ch01.q1", "s2")
    True
    """
    text = f"mathlib.exercises variant\0{qid}\0{student}".encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "big")


def fill(template, **values):
    """Replace ``[[name]]`` in a prompt (LaTeX braces are left alone);
    every placeholder must be given a value.

    >>> fill(r"$e^{[[k]]x}$", k=3)
    '$e^{3x}$'
    """
    def one(m):
        if m[1] not in values:
            raise KeyError(f"no value for [[{m[1]}]] in the prompt")
        return str(values[m[1]])
    return PLACEHOLDER.sub(one, template)


def num(v):
    """A number as a prompt or code states it: 3, 0.02, -1.5.

    >>> num(3.0), num(0.02), num(-1.5), num(np.int64(4))
    ('3', '0.02', '-1.5', '4')
    """
    v = float(v)
    return str(int(v)) if v == int(v) else repr(round(v, 12))


def latex_num(v):
    """A number for LaTeX: like ``num`` (minus signs are fine in $...$)."""
    return num(v)


class Params:
    """How a question's parameters are drawn, and its variants."""

    def __init__(self, make, default, draw, require=(), share=None):
        self.make, self.default = make, dict(default)
        self.draw, self.require = draw, list(require)
        self.share = share

    def values_for(self, qid, student):
        """The parameters of a student's variant (None: the default)."""
        if student is None:
            return dict(self.default)
        rng = np.random.default_rng(variant_seed(qid, student))
        for _ in range(MAX_TRIES):
            p = self.draw(rng)
            if self.share is not None:          # another question's
                p.update(self.share(student))
            if all(ok(p) for ok, _ in self.require):
                return p
        raise RuntimeError(f"{qid}: no valid variant in {MAX_TRIES} "
                           "draws (a bug in its draw or require)")

    def broken(self, p):
        """The reasons (from ``require``) that p is not a valid variant."""
        return [why for ok, why in self.require if not ok(p)]


def parameterised(make, *, default, draw, require=(), share=None):
    """The default question of ``make`` with its variants attached.

    ``share(student)``, if given, returns parameters taken from another
    question's variant for the same student (a matrix that two questions
    use), merged into every draw."""
    params = Params(make, default, draw, require, share)
    q = make(dict(default))
    q.params, q.values, q._root = params, dict(default), q
    q._variants = functools.lru_cache(maxsize=4096)(
        lambda student: _build(q, student))
    return q


def _build(q, student):
    p = q.params.values_for(q.id, student)
    v = q.params.make(p)
    assert v.id == q.id and v.name == q.name and type(v) is type(q), v
    v.params, v.values, v.student, v._root = q.params, p, student, q
    if v.kind != "function":    # computed once per variant (the grader
        v.reference = _memo(v.reference)    # compares many variants)
        v.mistakes = [(_memo(w), m) for w, m in v.mistakes]
    return v


def _memo(func):
    """A function of no arguments computed once; each call gets a copy
    of a mutable result (a numpy array, a sympy Matrix)."""
    box = []

    def once():
        if not box:
            box.append(func())
        value = box[0]
        if isinstance(value, np.ndarray) or getattr(
                value, "is_Matrix", False):
            return value.copy()
        return value
    return once
