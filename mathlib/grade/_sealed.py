"""``mathlib.exercises`` as the grader's kernel sees it: no answer key.

While a notebook is graded, the kernel imports a copy of mathlib in
which this file replaces ``mathlib/exercises/__init__.py`` and the
question files (``chNN.py``, with their reference solutions) and the
grader are missing. ``check`` prints a note instead of feedback (the
grader checks every answer itself, outside the kernel); ``question``,
``questions``, ``evaluate`` and ``chapter`` raise an error that the
grader recognises in the cell's record and flags.
"""

KEY_MESSAGE = "the answer key is not available while grading"
STATUSES = ("correct", "incorrect", "error", "timeout", "missing")


class UnknownQuestion(KeyError):
    """Kept so that ``except UnknownQuestion`` in a notebook works."""


class AnswerKeyUnavailable(LookupError):
    """Raised by every function that would reach the answer key."""


def check(question_id, answer):
    """While grading: the grader checks answers itself."""
    print(f"[{question_id}] (checked by the grader)")


def student(identifier=None):
    """While grading: the grader decides whose variant a submission is
    (from where it was handed in), not this call."""
    print(f"[variant {identifier}] (the grader checks the variant)")


def show(question_id):
    """While grading: nothing to show."""
    print(f"[{question_id}] (shown in the student's notebook)")


def _sealed(*args, **kwargs):
    raise AnswerKeyUnavailable(KEY_MESSAGE)


evaluate = question = questions = chapter = chapters = variant = _sealed
StudentError = ValueError
Verdict = None
