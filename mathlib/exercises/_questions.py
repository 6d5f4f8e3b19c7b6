"""The kinds of question, and the Verdict a check returns.

Every question judges *decoded* answers (see ``_decode``), never live
objects, so that the public check in a notebook and the instructor's
grader reach their verdicts the same way. A question computes its
reference from the problem itself each time it judges (sympy, or
``mathlib.numeric`` at the sample points); no answer is stored.

Kinds: NumberQuestion, ArrayQuestion, ExpressionQuestion,
MatrixQuestion, FunctionQuestion, ChoiceQuestion.
"""

import zlib

import numpy as np
import sympy as sp

from mathlib._timing import run_limited
from mathlib.symbolic import equivalent

from . import _compare as C
from ._decode import (Other, Raised, Samples, TimedOut, TooLong,
                      Undefined, Unreadable, decode)
from ._parse import ParseError, parse_answer
from ._wire import encode

__all__ = ["Verdict", "Question", "NumberQuestion", "ArrayQuestion",
           "ExpressionQuestion", "MatrixQuestion", "FunctionQuestion",
           "ChoiceQuestion", "STATUSES"]

STATUSES = ("correct", "incorrect", "error", "timeout", "missing")
HEADLINES = {"correct": "", "incorrect": "Not yet. ", "error": "Error. ",
             "timeout": "Timeout. ", "missing": "No answer yet. "}
PUBLIC, GRADE = "public", "grade"
JUDGE_SECONDS = 30.0          # to judge one formula (check and grader)
JUDGE_MEMORY = 1_000_000_000  # bytes a judgment may add


class Verdict:
    """The result of checking one answer: truthy iff correct.

    Attributes
    ----------
    id, name : str
        The question and its answer variable.
    status : str
        One of "correct", "incorrect", "error", "timeout", "missing".
    diagnosis : str
        A short code for the kind of mistake ("ok", "shape", "transpose",
        "sign", "scale", "pointwise", "symbolic", "raised", "kind", ...).
    detail : str
        The feedback sentence(s).
    points, max_points : int
    """

    def __init__(self, question, status, diagnosis, detail):
        assert status in STATUSES, status
        self.id, self.name = question.id, question.name
        self.status, self.diagnosis = status, diagnosis
        first = detail.split(" ", 1)[0]      # keep "x has", "b is"
        if first != question.name and first.isalpha() and (
                len(first) > 1 or first == "a"):
            detail = detail[:1].upper() + detail[1:]
        self.detail = detail
        self.max_points = question.points
        self.points = question.points if status == "correct" else 0

    def __bool__(self):
        return self.status == "correct"

    @property
    def feedback(self):
        return HEADLINES[self.status] + self.detail

    def __str__(self):
        return f"[{self.id} {self.name}] {self.feedback}"

    __repr__ = __str__

    def to_dict(self):
        return {"id": self.id, "name": self.name, "status": self.status,
                "diagnosis": self.diagnosis, "points": self.points,
                "max_points": self.max_points, "feedback": self.feedback}


def describe(answer):
    """A few words saying what kind of value a decoded answer is."""
    if isinstance(answer, float):
        return f"the number {answer:.6g}"
    if isinstance(answer, np.ndarray):
        return "a number" if answer.ndim == 0 else \
            f"an array of shape {answer.shape}"
    if isinstance(answer, sp.MatrixBase):
        return f"a {answer.rows} x {answer.cols} sympy Matrix"
    if isinstance(answer, sp.Basic):
        return "a formula" if answer.free_symbols else \
            f"the number {answer}"
    if isinstance(answer, str):
        shown = answer if len(answer) <= 40 else answer[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(answer, Samples):
        return "a function"
    if isinstance(answer, Other):
        return answer.description
    return type(answer).__name__


def _as_float_array(answer):
    """A numeric answer as a float array, or None if it is not one."""
    if isinstance(answer, float):
        return np.array(answer)
    if isinstance(answer, np.ndarray):
        return answer
    if isinstance(answer, sp.MatrixBase) and not answer.free_symbols:
        try:
            return np.array(answer.evalf(), dtype=float)
        except (TypeError, ValueError):
            return None
    if isinstance(answer, sp.Expr) and not answer.free_symbols:
        value = answer.evalf()
        if value.is_real is False:
            return None
        try:
            return np.array(float(value))
        except (TypeError, ValueError):
            return None
    return None


class Question:
    """A question: its id, answer variable, prompt and checker.

    Subclasses implement ``_judge(answer, mode, seed)`` returning
    ``(status, diagnosis, detail)`` for answers that are not blank.
    """

    kind = ""
    expects = ""          # e.g. "a number", for the notebook and messages
    limited = False       # judged in a child process by check() as well

    def __init__(self, id, name, *, title, prompt, template=None,
                 given=None, points=1, mistakes=()):
        self.id, self.name, self.title = id, name, title
        self.prompt, self.given, self.points = prompt, given, points
        self.template = template or \
            f"{name} = None  # your answer: {self.expects}"
        self.mistakes = list(mistakes)
        self.params, self.values, self.student = None, {}, None

    def __repr__(self):
        return f"<{type(self).__name__} {self.id} ({self.name})>"

    @property
    def parameterised(self):
        """True if the question has per-student variants."""
        return self.params is not None

    def variant(self, student=None):
        """This question with a student's parameters (see ``_variant``):
        itself for no identifier or a question without parameters."""
        from ._variant import normalise_student
        student = normalise_student(student)
        if self.params is None:
            return self
        root = self._root
        return root if student is None else root._variants(student)

    @property
    def public_seed(self):
        return zlib.crc32(self.id.encode()) % 2**31

    def points_for(self, mode, seed=None):
        """Points at which a function answer is sampled (None here)."""
        return None

    def check(self, value):
        """The public check of a live value: encode, decode, judge."""
        points = self.points_for(PUBLIC)
        data = encode(value, points=_jsonable(points))
        n = None if points is None else len(points)
        answer = decode(data, n_points=n)
        if self.limited:
            return self.judge_limited(answer, PUBLIC)
        return self.judge(answer, PUBLIC)

    def judge_limited(self, answer, mode=PUBLIC, seed=None,
                      seconds=JUDGE_SECONDS, memory=JUDGE_MEMORY):
        """``judge`` in a child process that is killed after ``seconds``
        or when it needs more than ``memory`` bytes: a time-out is a
        verdict, never a hang."""
        def parts():
            v = self.judge(answer, mode, seed)
            return v.status, v.diagnosis, v.detail
        out = run_limited(parts, seconds, memory)
        if out.kind == "ok":
            return Verdict(self, *out.value)
        if out.kind == "timeout":
            return Verdict(self, "timeout", "judge", "checking this answer "
                           f"took longer than {seconds:.0f} s, the limit "
                           "(is the formula very large or deeply "
                           "nested?).")
        if out.kind == "memory":
            return Verdict(self, "error", "judge", "checking this answer "
                           f"needed more than {memory / 1e9:.15g} GB of "
                           "memory, the limit (is the formula very "
                           "large?).")
        return Verdict(self, "error", "judge", "the checker could not "
                       "handle this answer; please tell your instructor "
                       f"({out.message}).")

    def judge(self, answer, mode=PUBLIC, seed=None):
        """Verdict on a decoded answer (the grader calls this)."""
        if isinstance(answer, Undefined):
            return Verdict(self, "missing", "missing",
                           f"{self.name} is not defined: run the cell "
                           f"that defines it (or restore it if it was "
                           "deleted).")
        if answer is None:
            return Verdict(self, "missing", "missing",
                           f"{self.name} is still None: assign your "
                           f"answer to {self.name}, then run this check "
                           "again.")
        if isinstance(answer, Unreadable):
            return Verdict(self, "error", "unreadable",
                           f"your answer could not be read: "
                           f"{answer.message}.")
        if isinstance(answer, TooLong):
            return Verdict(self, "error", "too long",
                           f"{answer.message()}.")
        return Verdict(self, *self._judge(answer, mode, seed))

    def wrong_kind(self, answer, hint=""):
        return ("incorrect", "kind", f"{self.expects} is expected, but "
                f"{self.name} is {describe(answer)}{hint}.")


def _jsonable(points):
    if points is None:
        return None
    return [np.asarray(p, dtype=float).tolist() for p in points]


# ----------------------------------------------------------------- numbers


class NumberQuestion(Question):
    """The answer is one real number; ``reference()`` computes it.

    ``mistakes`` is a list of (function returning a wrong value,
    message) for common mistakes worth naming.
    """

    kind, expects = "number", "a number"

    def __init__(self, id, name, *, reference, rtol=1e-6, hint="", **kw):
        super().__init__(id, name, **kw)
        self.reference, self.rtol, self.hint = reference, rtol, hint

    def _judge(self, answer, mode, seed):
        if isinstance(answer, str):
            try:
                float(answer)
                extra = f": write {answer.strip()} without quotes"
            except ValueError:
                extra = ""
            return self.wrong_kind(answer, extra)
        arr = _as_float_array(answer)
        if arr is None:
            return self.wrong_kind(answer)
        if arr.shape != ():
            extra = f": use {self.name}[0] or float(...)" \
                if arr.size == 1 else ""
            return self.wrong_kind(answer, extra)
        value = float(arr)
        if not np.isfinite(value):
            return ("incorrect", "nonfinite", f"{self.name} is {value}, "
                    "not a finite number.")
        E = float(self.reference())
        G, Ea = np.array(value), np.array(E)
        if C.close(G, Ea, self.rtol):
            return "correct", "ok", "Correct."
        for wrong, message in self.mistakes:
            if C.close(G, np.array(float(wrong())), self.rtol):
                return "incorrect", "mistake", message
        if E != 0 and C.close(G, -Ea, self.rtol):
            return ("incorrect", "sign", "it has the wrong sign: it equals"
                    " minus the right value.")
        r = C.plain_factor(value / E) if E != 0 else None
        if r is not None:
            return ("incorrect", "scale", "it is off by a constant factor:"
                    f" yours is {C._ratio_text(r)} times the right value.")
        hint = f" {self.hint}" if self.hint else ""
        return ("incorrect", "value", f"{self.name} = {value:.8g} is not "
                f"right.{hint}")


# ------------------------------------------------------------------ arrays


class ArrayQuestion(Question):
    """The answer is a numpy array of a given shape; ``reference()``
    computes it. ``accept(G)``, if given, replaces the comparison (for
    questions with several right answers) and returns (status,
    diagnosis, detail)."""

    kind = "array"

    def __init__(self, id, name, *, reference, shape, rtol=1e-6,
                 layout="", accept=None, **kw):
        self.shape = tuple(shape)
        self.expects = f"a numpy array of shape {self.shape}"
        super().__init__(id, name, **kw)
        self.reference, self.rtol = reference, rtol
        self.layout, self.accept = layout, accept

    def _judge(self, answer, mode, seed):
        G = _as_float_array(answer)
        if G is None:
            return self.wrong_kind(answer)
        E = np.asarray(self.reference(), dtype=float)
        if G.shape != self.shape:
            return ("incorrect",
                    *C.shape_problem(G, E, self.rtol, self.layout))
        if not np.isfinite(G).all():
            return "incorrect", *C.value_problem(G, E, self.rtol)
        if self.accept is not None:
            return self.accept(G)
        if C.close(G, E, self.rtol):
            return "correct", "ok", "Correct."
        for wrong, message in self.mistakes:
            if C.close(G, np.asarray(wrong(), dtype=float), self.rtol):
                return "incorrect", "mistake", message
        return "incorrect", *C.value_problem(G, E, self.rtol, self.layout)


# ---------------------------------------------------------------- formulas


class ExpressionQuestion(Question):
    """The answer is a formula (a sympy expression, or a string parsed
    safely) in the given variables; ``reference()`` computes the right
    one with sympy. Compared with ``mathlib.symbolic.equivalent``,
    sampling from ``domain`` ({name: (lo, hi)}), which the prompt
    states."""

    kind, expects = "expression", "a sympy expression"
    limited = True

    def __init__(self, id, name, *, reference, variables, domain=None,
                 **kw):
        super().__init__(id, name, **kw)
        self.reference, self.variables = reference, tuple(variables)
        self.domain = dict(domain or {})

    def _samples(self, mode):
        return 12 if mode == PUBLIC else 16

    def _seed(self, mode, seed):
        return self.public_seed if mode == PUBLIC or seed is None else seed

    def formula(self, answer):
        """The answer as a sympy object, or a (status, diag, detail)."""
        if isinstance(answer, str):
            try:
                return parse_answer(answer, self.variables)
            except ParseError as exc:
                return ("error", "unreadable", f"your formula {answer!r} "
                        f"could not be read: {exc}.")
        if isinstance(answer, float):
            return sp.Float(answer)
        if isinstance(answer, np.ndarray) and answer.shape == ():
            return sp.Float(float(answer))
        if isinstance(answer, sp.Basic) and not isinstance(
                answer, sp.MatrixBase) and not isinstance(answer, sp.Expr):
            return ("incorrect", "kind", f"{self.name} is "
                    f"{type(answer).__name__}, not a formula.")
        return answer

    def unknown_symbols(self, expr):
        extra = sorted(s.name for s in expr.free_symbols
                       if s.name not in self.variables)
        if extra:
            return ("incorrect", "symbols", f"your answer uses the symbol "
                    f"{extra[0]}, but the variables of this question are "
                    f"{', '.join(self.variables)}.")
        return None

    def _judge(self, answer, mode, seed):
        expr = self.formula(answer)
        if isinstance(expr, tuple):
            return expr
        if isinstance(expr, sp.MatrixBase) or not isinstance(expr,
                                                             sp.Expr):
            return self.wrong_kind(answer)
        problem = self.unknown_symbols(expr)
        if problem:
            return problem
        return self.compare(expr, self.reference(), mode, seed)

    def compare(self, G, E, mode, seed):
        seed = self._seed(mode, seed)
        kw = dict(domain=self.domain or None, samples=self._samples(mode),
                  seed=seed)
        result = equivalent(G, E, **kw)
        if result:
            if result.method == "symbolic":
                return "correct", "ok", "Correct (sympy proves it)."
            return ("correct", "ok", f"Correct on the public check: "
                    f"{result.reason}." if mode == PUBLIC else
                    f"Correct: {result.reason}.")
        if result.method == "undecided":
            return ("error", "undecided", "your formula could not be "
                    f"compared with the right one: {result.reason}.")
        for wrong, message in self.mistakes:
            if equivalent(G, wrong(), **kw):
                return "incorrect", "mistake", message
        ratio = self._ratio(G, E, result, kw)
        if ratio is not None:
            return ratio
        return "incorrect", "symbolic", self._witness(result)

    def _ratio(self, G, E, result, kw):
        """A sign error or a constant factor, if G = c E."""
        w = result.witness
        if not w or w["b"] == 0:
            return None
        r = C.simple_ratio(w["a"] / w["b"])
        if r is None or r == 1:
            return None
        if not equivalent(G, sp.Rational(r.numerator, r.denominator) * E,
                          **kw):
            return None
        if r == -1:
            return ("incorrect", "sign", "it has the wrong sign: it equals"
                    " minus the right answer.")
        return ("incorrect", "scale", "it is off by a constant factor: "
                f"yours is {C._ratio_text(r)} times the right answer.")

    def _witness(self, result):
        w = result.witness
        if not w:
            return f"it is not the right formula ({result.reason})."
        point = {s.name: v for s, v in w["point"].items()}
        where = ", ".join(f"{n} = {v:.4g}" for n, v in sorted(point.items()))
        # where: "in entry (1, 0), at x = 0.5", either part, or neither
        # (a constant answer compared with a constant)
        place = [f"in entry {w['entry']}"] if "entry" in w else []
        place += [f"at {where}"] if where else []
        place = "".join(p + ", " for p in place)
        return (f"symbolically different from the right answer: "
                f"{place}yours is {w['a']:.6g} and the right "
                f"value is {w['b']:.6g}.")


class MatrixQuestion(ExpressionQuestion):
    """The answer is a sympy Matrix of formulas of a given shape (a list
    of formulas counts as a column)."""

    kind = "matrix"

    def __init__(self, id, name, *, shape, layout="", **kw):
        self.shape = tuple(shape)
        self.expects = f"a {self.shape[0]} x {self.shape[1]} sympy Matrix"
        super().__init__(id, name, **kw)
        self.layout = layout

    def _judge(self, answer, mode, seed):
        if isinstance(answer, np.ndarray) and answer.ndim in (1, 2):
            answer = sp.Matrix(answer.reshape(len(answer), -1)
                               if answer.ndim == 1 else answer)
        if not isinstance(answer, sp.MatrixBase):
            return self.wrong_kind(answer)
        problem = self.unknown_symbols(answer)
        if problem:
            return problem
        E = self.reference()
        if answer.shape != E.shape:
            return self._shape(answer, E, mode, seed)
        verdict = self.compare(answer, E, mode, seed)
        if verdict[1] == "symbolic" and E.rows == E.cols > 1 and \
                self._is_transpose(answer, E, mode, seed):
            return ("incorrect", "transpose", "it is the transpose of the "
                    f"right answer: a layout mix-up{self._layout_note()}.")
        return verdict

    def _is_transpose(self, G, E, mode, seed):
        return bool(equivalent(G.T, E, domain=self.domain or None,
                               samples=self._samples(mode),
                               seed=self._seed(mode, seed)))

    def _layout_note(self):
        return f" ({self.layout})" if self.layout else ""

    def _shape(self, G, E, mode, seed):
        msg = f"wrong shape: expected {E.rows} x {E.cols}, got {G.rows} x " \
            f"{G.cols}"
        if G.shape == E.T.shape and self._is_transpose(G, E, mode, seed):
            return ("incorrect", "transpose", f"{msg}. It is the transpose "
                    f"of the right answer: a layout mix-up"
                    f"{self._layout_note()}.")
        return "incorrect", "shape", msg + "."


# --------------------------------------------------------------- functions


class FunctionQuestion(Question):
    """The answer is a Python function of a point x (a float or an array
    of shape ``arg_shape``) returning an array of shape ``out_shape``.

    It is sampled at random points of the box ``(lo, hi)`` (each entry)
    and at ``edge_points``: the public check uses ``public_n`` points
    from a fixed seed, the grader ``grade_n`` points of its own (random
    in every run) and the same edge points. ``reference(x)`` computes the
    right value at x. ``arg_name`` is the argument's name in feedback
    ("wrong at w = ...").
    """

    kind = "function"

    def __init__(self, id, name, *, reference, arg_shape, out_shape,
                 box=(-2.0, 2.0), edge_points=(), public_n=3, grade_n=6,
                 rtol=1e-6, layout="", arg_name="x", **kw):
        self.arg_shape, self.out_shape = tuple(arg_shape), tuple(out_shape)
        self.arg_name = arg_name
        self.expects = f"a function {name}({arg_name}) returning " + (
            "a number" if not self.out_shape else
            f"an array of shape {self.out_shape}")
        super().__init__(id, name, **kw)
        self.reference, self.box, self.rtol = reference, box, rtol
        self.edge_points = [np.asarray(p, dtype=float) for p in edge_points]
        self.public_n, self.grade_n, self.layout = public_n, grade_n, layout

    def points_for(self, mode, seed=None):
        """The sample points: random ones, then the edge points."""
        rng = np.random.default_rng(self.public_seed if mode == PUBLIC
                                    else seed)
        n = self.public_n if mode == PUBLIC else self.grade_n
        lo, hi = self.box
        pts = [np.round(rng.uniform(lo, hi, self.arg_shape), 6)
               for _ in range(n)]
        return pts + self.edge_points

    def _judge(self, answer, mode, seed):
        if not isinstance(answer, Samples) or answer.values is None:
            return self.wrong_kind(
                answer, f" (define it with `def {self.name}"
                f"({self.arg_name}):`)")
        points = self.points_for(mode, seed)
        values = answer.values
        if all(v is None for v in values):
            return ("missing", "missing", f"{self.name} returns None: "
                    "write its body (it must return "
                    f"{self.expects.split('returning ')[1]}).")
        got = []
        for x, v in zip(points, values):
            at = f" at {self.arg_name} = {C.fmt_point(x)}"
            if isinstance(v, Raised):
                return ("error", "raised", f"your function raised "
                        f"{v.message}{at}.")
            if isinstance(v, TimedOut):
                limit = f"within {v.limit:g} s (the limit per call)" \
                    if v.limit else "in time"
                return ("timeout", "timeout", "your function did not "
                        f"return {limit}{at}.")
            if isinstance(v, TooLong):
                return ("error", "too long", f"your function returned a "
                        f"value too large to check{at}: "
                        f"{v.message().replace('your array has', 'it has')}.")
            G = _as_float_array(v)
            if G is None:
                return ("incorrect", "kind", f"your function returned "
                        f"{'None' if v is None else describe(v)}{at}; "
                        f"expected {self.expects.split('returning ')[1]}.")
            got.append(G)
        expected = [np.asarray(self.reference(_arg(x)), dtype=float)
                    for x in points]
        return self._compare(points, got, expected, mode)

    def _compare(self, points, got, expected, mode):
        for x, G, E in zip(points, got, expected):
            point = f"{self.arg_name} = {C.fmt_point(x)}"
            if G.shape != E.shape:
                d, m = C.shape_problem(G, E, self.rtol, self.layout)
                return "incorrect", d, f"{m.rstrip('.')} (at {point})."
            if not np.isfinite(G).all():
                idx = tuple(np.argwhere(~np.isfinite(G))[0])
                where = f" in component {C.fmt_index(idx)}" if idx else ""
                return ("incorrect", "nonfinite", f"your function returned "
                        f"{G[idx]}{where} at {point}; the "
                        f"right value is {E[idx]:.6g}.")
        ok = [C.close(G, E, self.rtol) for G, E in zip(got, expected)]
        n = len(points)
        if all(ok):
            if mode == PUBLIC:
                return ("correct", "ok", f"Correct on the public check: "
                        f"{self.name} is right at {n} points. The grader "
                        "tests it at other points too.")
            return "correct", "ok", f"Correct at all {n} points tested."
        for wrong, message in self.mistakes:
            if all(C.close(G, np.asarray(wrong(_arg(x)), dtype=float),
                           self.rtol) for x, G in zip(points, got)):
                return "incorrect", "mistake", message
        common = self._common([g for g, k in zip(got, ok) if not k],
                              [e for e, k in zip(expected, ok) if not k])
        if common:
            return common
        first = ok.index(False)
        x, G, E = points[first], got[first], expected[first]
        at = f"at {self.arg_name} = {C.fmt_point(x)}"
        m = C.wrong_entries(G, E, self.rtol, reveal=True)
        if any(ok):
            return ("incorrect", "pointwise", f"right at {sum(ok)} of {n} "
                    f"points, but wrong {at}: {m}")
        return "incorrect", "pointwise", f"wrong {at}: {m}"

    def _common(self, got, expected):
        """The same sign error, factor or transpose at every point."""
        found = set()
        if len(got) < 2:
            return None        # one point says nothing about "always"
        for G, E in zip(got, expected):
            # a point where the right value is 0 and G is not (it failed)
            # has no factor: value_problem says "pointwise" and so do we
            d, m = C.value_problem(G, E, self.rtol, self.layout)
            if d not in ("sign", "scale", "transpose"):
                return None
            found.add(m)
        if len(found) == 1:
            m = found.pop()
            d = "sign" if "sign" in m else "transpose" if "transpose" in m \
                else "scale"
            return "incorrect", d, f"{m.rstrip('.')} (at the points " \
                "tested)."
        return None


def _arg(x):
    x = np.asarray(x, dtype=float)
    return float(x) if x.ndim == 0 else x.copy()


# ----------------------------------------------------------------- choices


class ChoiceQuestion(Question):
    """The answer is the letter of one of ``options`` (a string such as
    "B"); ``reference()`` computes the right letter from the problem;
    ``hints`` maps wrong letters to a sentence of feedback."""

    kind = "choice"

    def __init__(self, id, name, *, options, reference, hints=None, **kw):
        self.options = dict(options)
        letters = ", ".join(f'"{k}"' for k in self.options)
        self.expects = f"one of the letters {letters} (a string)"
        kw.setdefault("template", f'{name} = None  # your answer: a letter '
                      'such as "A"')
        super().__init__(id, name, **kw)
        self.reference, self.hints = reference, dict(hints or {})

    def _judge(self, answer, mode, seed):
        if not isinstance(answer, str):
            return ("incorrect", "kind", f"{self.name} is "
                    f"{describe(answer)}; give the letter of your choice "
                    'as a string, for example "A".')
        letter = answer.strip().strip("()'\" .").upper()
        if letter not in self.options:
            return ("incorrect", "kind", f"{answer!r} is not one of the "
                    f"options {', '.join(self.options)}.")
        if letter == self.reference():
            return "correct", "ok", "Correct."
        hint = self.hints.get(letter, "that is not the right choice.")
        return "incorrect", "choice", f"({letter}) {hint}"
