"""Whose variant a submission is graded against, and copied variants.

Identity. With a roster (``--roster``), the student of a submission is
the roster identifier found in where the LMS put it: a folder of its
path relative to the submissions folder (``s123/ch02.ipynb``), else its
file name or a part of it up to ``_``, ``-``, ``.`` or a space
(``s123_ch02.ipynb``, Canvas's ``name_s123_...``); on Gradescope, the
students of ``submission_metadata.json``. The notebook's own claim (its
``student("...")`` call and its ``exercise_variant`` metadata) is only
cross-checked: a student writes the notebook, not the LMS's record of
who handed it in, and a token inside the notebook would travel with a
copied notebook. Without a roster, the notebook's claim is used (the
default variant if it makes none), unflagged, as before variants.

Copies. After a submission is judged against its own variant, each
parameterised answer that is wrong is compared with the same question
of the other roster students' variants and of the default (the book's)
variant. A submission is flagged when its answers are right for one
other variant on at least ``MIN_MATCHES`` questions (or on every
parameterised question answered, if fewer were), more than for its own.
The comparison runs in a child process with a time limit (it judges
formulas), and never changes a grade: the instructor reads the flag.
"""

import ast
import json
import re
from pathlib import PurePosixPath

from mathlib._timing import run_limited
from mathlib.exercises._variant import StudentError, normalise_student

__all__ = ["location_student", "notebook_claims", "assign",
           "copied_variant", "gradescope_students"]

MIN_MATCHES = 2          # questions right for another variant: a copy
COPY_SECONDS = 60.0      # to compare one submission with the roster
SEPARATORS = re.compile(r"[_\-. ]")


def _norm(text):
    try:
        return normalise_student(text)
    except StudentError:
        return None


def location_student(label, roster):
    """(student or None, why) from a submission's path in the batch.

    >>> location_student("s12/ch01.ipynb", {"s12", "s13"})
    ('s12', '')
    >>> location_student("S13_ch01.ipynb", {"s12", "s13"})
    ('s13', '')
    >>> location_student("ch01.ipynb", {"s12"})[0] is None
    True
    """
    path = PurePosixPath(label.split(" (")[0])
    folders = {_norm(p) for p in path.parts[:-1]} & roster
    if len(folders) == 1:
        return folders.pop(), ""
    if len(folders) > 1:
        return None, f"its folders name several roster students " \
            f"({', '.join(sorted(folders))})"
    stem = re.sub(r"\.ipynb$", "", path.name, flags=re.I)
    found = set()
    cuts = [m.start() for m in SEPARATORS.finditer(stem)] + [len(stem)]
    for i in cuts:                     # prefixes up to a separator
        found.add(_norm(stem[:i]))
    for token in SEPARATORS.split(stem):
        found.add(_norm(token))
    found &= roster
    if len(found) == 1:
        return found.pop(), ""
    if len(found) > 1:
        longest = max(found, key=len)
        if all(longest.startswith(f) for f in found):
            return longest, ""         # "s1" inside "s1_2": the longer
        return None, f"its file name names several roster students " \
            f"({', '.join(sorted(found))})"
    return None, "no roster identifier in its folder or file name"


def notebook_claims(data, cells):
    """The students a notebook says it was made for: its metadata and
    its ``student("...")`` calls (normalised, in order, unique)."""
    claims = []
    try:
        meta = json.loads(data.decode("utf-8")).get("metadata", {})
        who = meta.get("exercise_variant", {}).get("student")
        if isinstance(who, str):
            claims.append(_norm(who))
    except (ValueError, AttributeError, UnicodeDecodeError,
            RecursionError):
        pass
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        if "student" not in src:
            continue
        try:
            tree = ast.parse(src)
        except (SyntaxError, ValueError, RecursionError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(
                    node.func, "id", getattr(node.func, "attr", None)) \
                    == "student" and node.args and isinstance(
                    node.args[0], ast.Constant) and isinstance(
                    node.args[0].value, str):
                claims.append(_norm(node.args[0].value))
    return [c for c in dict.fromkeys(claims) if c]


def assign(job, roster, given=None):
    """Set ``job.student`` (whose variant it is graded against) and add
    what does not fit to ``job.variant_flags``. ``given`` is the
    identity from the LMS when it does not come from the path
    (Gradescope)."""
    claims = notebook_claims(job.data or b"", job.cells or [])
    claim = claims[-1] if claims else None
    if roster is None:
        job.student = claim
        return
    if given is not None:
        who, why = given
    else:
        who, why = location_student(job.name, roster)
    if who is not None:
        job.student = who
        others = [c for c in claims if c != who]
        if others:
            job.variant_flags.append(
                f"made for {', '.join(others)}: the notebook names "
                f"another student than {who}, who handed it in")
        return
    job.student = claim if claim in roster else None
    graded = f"graded as {claim}'s, which the notebook says " \
        "(unconfirmed)" if job.student else "graded against the default " \
        "variant"
    job.variant_flags.append(f"not on the roster: {why}; {graded}")


def gradescope_students(metadata_path, roster):
    """(student or None, why) from Gradescope's submission_metadata.json
    (its "users": sid or email on the roster)."""
    try:
        with open(metadata_path, encoding="utf-8") as fh:
            users = json.load(fh).get("users", [])
    except (OSError, ValueError, AttributeError):
        return None, "no readable submission_metadata.json"
    found = []
    for u in users if isinstance(users, list) else []:
        if not isinstance(u, dict):
            continue
        for key in ("sid", "email", "id"):
            s = _norm(str(u.get(key) or ""))
            if s in roster:
                found.append(s)
                break
    found = list(dict.fromkeys(found))
    if len(found) == 1:
        return found[0], ""
    if found:
        return found[0], ""            # a group: the first member's
    return None, "no user of the submission is on the roster"


def copied_variant(job, answers, roster):
    """A flag if the answers fit another student's variant (or the
    default) better than the submission's own, else None.

    ``answers`` is [(own variant question, decoded answer, verdict)] for
    the parameterised questions.
    """
    wrong = [(q, a) for q, a, v in answers if v.status == "incorrect"]
    if not wrong or roster is None:
        return None
    answered = [v for _, _, v in answers
                if v.status in ("correct", "incorrect")]
    right_own = sum(v.status == "correct" for v in answered)
    need = min(MIN_MATCHES, len(answered))
    if len(wrong) < need:
        return None
    candidates = [None] + sorted(roster - {job.student})
    for q, _ in wrong:                 # here, once per batch: cached
        for who in candidates:
            _warm(q.variant(who))

    def compare():
        best = (0, None, [])
        quick = {q.id: _values_at(q, value) for q, value in wrong}
        for who in candidates:
            hits = []
            for q, value in wrong:
                other = q.variant(who)
                if other.values == q.values or not _may_agree(
                        other, value, quick[q.id], job.seed):
                    continue           # cheap: the answers differ
                try:
                    v = other.judge(value, "grade", job.seed)
                except Exception:
                    continue
                if v.status == "correct":
                    hits.append(q.id)
            if len(hits) > best[0]:
                best = (len(hits), who, hits)
        return best

    out = run_limited(compare, COPY_SECONDS)
    if out.kind != "ok":
        return f"the check for copied variants did not finish " \
            f"({out.kind})"
    n, who, hits = out.value
    if n < max(need, 1) or n <= right_own:
        return None
    name = "the book's default" if who is None else f"{who}'s"
    return f"answers match {name} variant rather than its own on " \
        f"{', '.join(hits)} ({right_own} of {len(answered)} right for " \
        "its own variant)"


def _warm(q):
    """Compute what comparing with variant q needs, in the grader's own
    process (the comparison runs in a child, whose results are lost)."""
    if q.kind in ("number", "array", "choice"):
        q.reference()
    elif q.kind in ("expression", "matrix") and not hasattr(q, "_quick"):
        q._quick = _values_at(q, None)


def _may_agree(other, value, quick, seed):
    """False when a cheap look shows that the answer is not right for
    the variant ``other``: formulas at a few points, a function at its
    first sample point."""
    if other.kind in ("expression", "matrix"):
        return _close(quick, getattr(other, "_quick", None))
    if other.kind == "function":
        values = getattr(value, "values", None)
        if not values:
            return False
        import numpy as np
        got = values[0]
        try:
            got = np.asarray(got, dtype=float)
            point = other.points_for("grade", seed)[0]
            arg = float(point) if np.ndim(point) == 0 else np.array(point)
            want = np.asarray(other.reference(arg), dtype=float)
        except (TypeError, ValueError):
            return True
        return got.shape == want.shape and bool(np.allclose(
            got, want, rtol=1e-5, atol=1e-8))
    return True


def _points(q):
    """A few points in a formula question's domain (its variables)."""
    out = []
    for t in (0.23, 0.61, 0.87):
        at = {}
        for name in q.variables:
            lo, hi = q.domain.get(name, (-2.0, 2.0))
            at[name] = lo + (hi - lo) * t
        out.append(at)
    return out


def _values_at(q, value):
    """The values of a formula answer (or, for value None, of q's
    reference) at a few points: a cheap first comparison between
    variants; None when it does not apply."""
    if q.kind not in ("expression", "matrix"):
        return None
    import sympy as sp
    try:
        expr = q.reference() if value is None else q.formula(value)
        if isinstance(expr, tuple) or not isinstance(expr, sp.Basic):
            return None
        syms = {s.name: s for s in expr.free_symbols}
        out = []
        for at in _points(q):
            sub = {syms[n]: v for n, v in at.items() if n in syms}
            got = sp.N(expr.subs(sub))
            items = list(got) if isinstance(got, sp.MatrixBase) else [got]
            out += [complex(v) for v in items]
        return out
    except Exception:
        return None


def _close(a, b):
    if a is None or b is None or len(a) != len(b):
        return a is None or b is None
    return all(abs(x - y) <= 1e-6 * max(1.0, abs(y)) for x, y in zip(a, b))
