"""The registry of problem sets and questions, and lookup by id."""

import difflib
import importlib
import re
from pathlib import Path

__all__ = ["Chapter", "UnknownQuestion", "chapters", "chapter", "question",
           "questions", "variant"]

# One module per problem set: ch01.py, ch02.py, ... beside this file.
CHAPTER_MODULES = tuple(sorted(
    p.stem for p in Path(__file__).parent.glob("ch[0-9][0-9].py")))


class UnknownQuestion(KeyError):
    """A question id that does not exist (the message lists close
    matches)."""

    def __str__(self):
        return self.args[0]


class Chapter:
    """One problem set: a chapter's questions and its notebook text."""

    def __init__(self, key, number, title, intro, given, questions):
        self.key, self.number, self.title = key, number, title
        self.intro, self.given = intro, given
        self.questions = list(questions)
        self.max_points = sum(q.points for q in self.questions)
        ids = [q.id for q in self.questions]
        assert len(set(ids)) == len(ids), f"duplicate ids in {key}"
        assert all(i.startswith(key + ".") for i in ids), ids

    def __repr__(self):
        return f"<Chapter {self.key}: {len(self.questions)} questions, " \
            f"{self.max_points} points>"


_CHAPTERS = {}


def chapters():
    """All problem sets, in order.

    Introduced with the problem sets (chapters 1 to 3).

    Examples
    --------
    >>> [(c.key, len(c.questions), c.max_points) for c in chapters()][:3]
    [('ch01', 8, 10), ('ch02', 7, 10), ('ch03', 8, 10)]
    """
    if not _CHAPTERS:
        for name in CHAPTER_MODULES:
            module = importlib.import_module(f"{__package__}.{name}")
            _CHAPTERS[name] = module.CHAPTER
    return list(_CHAPTERS.values())


def chapter(key):
    """The problem set "ch01", "ch02", ... (ValueError if unknown).

    Examples
    --------
    >>> chapter("ch02").title
    'Partial derivatives and gradients'
    """
    found = {c.key: c for c in chapters()}
    if key not in found:
        raise ValueError(f"unknown problem set {key!r}; there are "
                         f"{', '.join(found)}")
    return found[key]


def questions(key=None):
    """All questions (of one problem set if ``key`` is given).

    Examples
    --------
    >>> for q in questions("ch02")[:3]:
    ...     print(q.id, q.name, q.kind, q.points)
    ch02.q1 partials array 1
    ch02.q2 grad_sym matrix 1
    ch02.q3 layout choice 1
    """
    if key is not None:
        return list(chapter(key).questions)
    return [q for c in chapters() for q in c.questions]


def question(qid):
    """The question with this id; UnknownQuestion lists close matches.

    Examples
    --------
    >>> q = question("ch02.q4")
    >>> q.name, q.kind, q.points, q.arg_shape, q.out_shape
    ('grad_f', 'function', 2, (3,), (3,))
    >>> question("ch2.q4")      # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    mathlib.exercises._registry.UnknownQuestion: there is no question \
'ch2.q4'. Did you mean 'ch02.q4'? Questions of ch02: ch02.q1, ...
    """
    table = {q.id: q for q in questions()}
    if isinstance(qid, str) and qid in table:
        return table[qid]
    if not isinstance(qid, str):
        raise TypeError(f"a question id is a string such as 'ch02.q3', "
                        f"got {type(qid).__name__} {qid!r:.40}")
    wanted = qid.strip().lower()
    m = re.fullmatch(r"ch(?:apter)?\s*0*(\d+)\W*q0*(\d+)", wanted)
    if m:                          # "ch2.q4", "ch02-q04" -> "ch02.q4"
        wanted = f"ch{int(m[1]):02d}.q{int(m[2])}"
    close = [wanted] if wanted in table else \
        difflib.get_close_matches(wanted, table, n=3, cutoff=0.6)
    prefix = wanted.split(".")[0]
    same = [i for i in table if i.split(".")[0] == prefix]
    hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" \
        if close else ""
    listing = f" Questions of {prefix}: {', '.join(same)}." if same else \
        f" Problem sets: {', '.join(c.key for c in chapters())}."
    raise UnknownQuestion(f"there is no question {qid!r}.{hint}{listing}")


def variant(qid, student=None):
    """The question ``qid`` as the student ``student`` sees it: their
    parameters (see ``_variant``); the default question for None or for
    a question without parameters.

    Examples
    --------
    >>> variant("ch01.q1") is question("ch01.q1")
    True
    >>> variant("ch01.q1", "s0001").values != question("ch01.q1").values
    True
    """
    return question(qid).variant(student)
