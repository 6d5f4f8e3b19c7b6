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
question(question_id)           the Question object
questions(key=None)             all questions, or those of "ch02", ...
chapters()                      the problem sets
"""

from ._questions import STATUSES, Verdict
from ._registry import (UnknownQuestion, chapter, chapters, question,
                        questions)

__all__ = ["check", "evaluate", "question", "questions", "chapters",
           "chapter", "Verdict", "UnknownQuestion", "STATUSES"]


def evaluate(question_id, answer):
    """Check an answer and return the Verdict (truthy iff correct).

    Introduced with the problem sets (chapters 1 to 3).

    Parameters
    ----------
    question_id : str
        For example ``"ch02.q4"``; an unknown id raises UnknownQuestion
        (a KeyError) whose message lists close matches.
    answer : any
        The value of the answer variable.

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
    >>> print(evaluate("ch01.q2", [[12.61, 12.0601, 12.006001]]).feedback)
    Not yet. Wrong shape: expected (3,), got (1, 3): a row vector where a
    flat array of shape (3,) is expected (the numbers are right: use
    .ravel()).
    """
    return question(question_id).check(answer)


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
    q = question(question_id)
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
