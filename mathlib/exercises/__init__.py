"""Autograded problem sets: the questions, their checkers, and ``check``.

Introduced with the problem sets of chapters 1 to 3 (``exercises/`` in
the repository). In a problem-set notebook::

    from mathlib.exercises import check

    grad_f = ...                    # your answer
    check("ch02.q4", grad_f)        # prints feedback at once

Each question names its answer variable and the kind of answer it wants:
a number, a numpy array of a stated shape, a sympy expression or Matrix
(a string is accepted for a single formula and parsed safely, never
evaluated), a Python function, or the letter of a choice. Its checker
computes the reference from the problem itself at check time (with sympy,
or ``mathlib.numeric`` at sample points) and says what is wrong: a wrong
shape, a transpose (a layout mix-up), a sign, a constant factor, the
component and point where a function is wrong, a point where two
formulas differ, the exception a function raised. Function answers are
checked at a few fixed points here ("the public check"); the
instructor's grader (``python -m mathlib.grade``) uses other points.

check(question_id, answer)      print feedback (returns None)
evaluate(question_id, answer)   the Verdict, without printing
student(identifier)             use your own variant (your numbers)
show(question_id)               a question's prompt with your numbers
question(question_id)           the Question object
questions(key=None)             all questions, or those of "ch02", ...
chapters()                      the problem sets

Variants: a notebook made for a student (by the instructor from a
roster, or with ``python -m mathlib.exercises write --student ID``)
starts with ``student("ID")``; from then on ``check`` judges the answers
against that student's own numbers. Without it, every question is the
default variant, the one the book shows.
"""

from ._questions import STATUSES, Verdict
from ._registry import (UnknownQuestion, chapter, chapters, question,
                        questions, variant)
from ._variant import StudentError, normalise_student

__all__ = ["check", "evaluate", "question", "questions", "chapters",
           "chapter", "variant", "student", "show", "Verdict",
           "UnknownQuestion", "StudentError", "STATUSES"]

_CURRENT = {"student": None}
CURRENT = object()          # evaluate(..., student=CURRENT): student()'s


def student(identifier=None):
    """Use the variant of the student ``identifier`` from now on
    (``None``: the default variant, the book's numbers).

    Introduced with per-student variants. The notebooks made for a
    student call it in their first cell; ``check`` then judges every
    answer against that student's numbers.

    Examples
    --------
    >>> student("s0001")
    Variant of student s0001: check() now judges your answers against
    your own numbers.
    >>> student(None)
    Default variant: the numbers the book shows.
    """
    _CURRENT["student"] = normalise_student(identifier)
    who = _CURRENT["student"]
    print(_wrap(f"Variant of student {who}: check() now judges your "
                "answers against your own numbers." if who else
                "Default variant: the numbers the book shows."))


def show(question_id):
    """Show a question's prompt with the current student's numbers (as
    Markdown in Jupyter and Colab, as text elsewhere).

    Examples
    --------
    >>> show("ch01.q3")       # doctest: +ELLIPSIS
    For $f(x) = 5x - 3$, ...
    """
    q = variant(question_id, _CURRENT["student"])
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
        if get_ipython() is not None:
            display(Markdown(q.prompt))
            return None
    except ImportError:
        pass
    print(q.prompt)
    return None


def evaluate(question_id, answer, student=CURRENT):
    """Check an answer and return the Verdict (truthy iff correct).

    Introduced with the problem sets (chapters 1 to 3).

    Parameters
    ----------
    question_id : str
        For example ``"ch02.q4"``; an unknown id raises UnknownQuestion
        (a KeyError) whose message lists close matches.
    answer : any
        The value of the answer variable.
    student : str or None
        Judge against this student's variant (default: the one chosen
        with :func:`student`; None: the default variant).

    Returns
    -------
    Verdict
        ``.status`` ("correct", "incorrect", "error", "timeout" or
        "missing"), ``.feedback``, ``.points`` and ``.max_points``.

    Examples
    --------
    >>> v = evaluate("ch01.q1", 3.0)
    >>> v.status, v.points, v.max_points
    ('correct', 1, 1)
    >>> evaluate("ch01.q1", 3.0, student="s0001").status
    'incorrect'

    >>> print(evaluate("ch01.q2", [[12.61, 12.0601, 12.006001]]).feedback)
    Not yet. Wrong shape: expected (3,), got (1, 3): a row vector where a
    flat array of shape (3,) is expected (the numbers are right: use
    .ravel()).
    """
    if student is CURRENT:
        student = _CURRENT["student"]
    return variant(question_id, student).check(answer)


def check(question_id, answer):
    """Check an answer to a problem-set question and print feedback.

    Introduced with the problem sets (chapters 1 to 3). The feedback is
    one paragraph: "Correct." (or "Correct on the public check" when the
    grader tests more, as for functions), or what is wrong. An answer of
    the wrong kind, or a function that raises, gives feedback, not an
    exception; only an unknown question id raises (UnknownQuestion,
    listing close matches).

    Parameters
    ----------
    question_id : str
        For example ``"ch02.q4"``.
    answer : any
        The value of the answer variable (None means "no answer yet").

    Returns
    -------
    None
        Use :func:`evaluate` to get the Verdict.

    Examples
    --------
    >>> check("ch01.q1", None)
    [ch01.q1 limit_value] No answer yet. limit_value is still None: assign
    your answer to limit_value, then run this check again.
    >>> check("ch01.q1", "3")
    [ch01.q1 limit_value] Not yet. A number is expected, but limit_value is
    the string '3': write 3 without quotes.
    >>> check("ch01.q1", -3)
    [ch01.q1 limit_value] Not yet. It has the wrong sign: it equals minus
    the right value.
    """
    q = variant(question_id, _CURRENT["student"])
    try:
        verdict = q.check(answer)
    except Exception as exc:         # a checker bug must not hide feedback
        print(f"[{q.id} {q.name}] The checker could not handle this "
              f"answer ({type(exc).__name__}: {exc}). Please report it.")
        return None
    print(_wrap(str(verdict)))
    return None


def _wrap(text, width=79):
    import textwrap

    return textwrap.fill(text, width, break_long_words=False,
                         break_on_hyphens=False)
