"""Reading notebooks for the grader: the assignment and the submissions.

The assignment is the source of truth for which questions exist: the ids
in its ``check("chNN.qK", ...)`` calls and in its cells' ``exercise``
metadata, looked up in the registry of ``mathlib.exercises`` (which also
gives each answer's variable name). Submissions are read as untrusted
JSON: a file that is not a notebook is reported, never fatal.
"""

import ast
import json
import re
import warnings
from pathlib import Path

from mathlib.exercises import chapter, question
from mathlib.exercises._registry import UnknownQuestion

__all__ = ["NotANotebook", "load_assignment", "load_submission",
           "code_cells", "defining_cells", "first_line"]

MAX_NOTEBOOK = 50_000_000      # bytes
CHECK_CALL = re.compile(r"""\bcheck\(\s*["'](ch\d+\.q\d+)["']""")


class NotANotebook(ValueError):
    """The file cannot be read as a Jupyter notebook."""


class UsageError(ValueError):
    """Bad command-line use (unknown assignment, ...): exit status 2."""


def _source(cell):
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def read_bytes(path):
    """The bytes of a notebook file (at most MAX_NOTEBOOK), or
    NotANotebook."""
    try:
        with open(path, "rb") as fh:
            if not Path(path).is_file():
                raise NotANotebook("it is not a regular file")
            data = fh.read(MAX_NOTEBOOK + 1)
    except OSError as exc:
        raise NotANotebook(f"cannot read the file ({exc.strerror})") \
            from None
    if len(data) > MAX_NOTEBOOK:
        raise NotANotebook(f"the file is too large (more than "
                           f"{MAX_NOTEBOOK:,} bytes, the limit)")
    return data


def read_cells(path, data=None):
    """The cells of a notebook file (or of its bytes) as dicts, or
    NotANotebook."""
    if data is None:
        data = read_bytes(path)
    try:
        text = data.decode("utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise NotANotebook("the file is not text (not a .ipynb "
                           "notebook)") from None
    except (json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise NotANotebook(f"the file is not a notebook: it is not valid "
                           f"JSON ({str(exc)[:80]})") from None
    if not isinstance(data, dict) or not isinstance(
            data.get("cells", data.get("worksheets")), list):
        raise NotANotebook("the file is JSON but not a notebook (no "
                           "cells)")
    if "worksheets" in data and "cells" not in data:
        data = _upgrade(text)
    cells = [c for c in data["cells"] if isinstance(c, dict)]
    return cells


def _upgrade(text):
    """An old (v3) notebook, converted with nbformat."""
    try:
        import nbformat
    except ImportError:
        raise NotANotebook("an old-format (v3) notebook; install nbformat "
                           "to read it") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            nb = nbformat.reads(text, as_version=4)
        except Exception as exc:
            raise NotANotebook(f"an unreadable old-format notebook "
                               f"({str(exc)[:80]})") from None
    return json.loads(nbformat.writes(nb))


def load_assignment(spec):
    """The questions of an assignment: a notebook path, or a problem-set
    key such as "ch02". UsageError if it names no known question."""
    if not Path(spec).exists() and re.fullmatch(r"ch\d+", str(spec)):
        try:
            return chapter(str(spec)).questions
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    try:
        cells = read_cells(spec)
    except NotANotebook as exc:
        raise UsageError(f"assignment {spec}: {exc}") from None
    ids = []
    for cell in cells:
        meta = cell.get("metadata", {})
        exercise = meta.get("exercise") if isinstance(meta, dict) else None
        if isinstance(exercise, dict) and isinstance(exercise.get("id"),
                                                     str):
            ids.append(exercise["id"])
        if cell.get("cell_type") == "code":
            ids += CHECK_CALL.findall(_source(cell))
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise UsageError(f"assignment {spec}: no check(\"chNN.qK\", ...) "
                         "calls found; is it a problem-set notebook?")
    found = []
    for qid in ids:
        try:
            found.append(question(qid))
        except UnknownQuestion as exc:
            raise UsageError(f"assignment {spec}: {exc}") from None
    return found


def load_submission(path):
    """(bytes, cells) of a submission, read once (NotANotebook if it is
    not one)."""
    data = read_bytes(path)
    return data, read_cells(path, data)


KEY_NAMES = {"question", "questions", "evaluate", "chapter", "chapters",
             "variant", "reference", "_registry", "_questions", "grade"}
QUESTION_ID = re.compile(r"\b(ch\d\d)\.q\d+\b")
KEY_TEXT = re.compile(r"mathlib[/\\]+(exercises[/\\]+(ch\d\d|_)|grade[/\\])"
                      r"|exercises[/\\]ch\d\d\.py"
                      r"|mathlib\.(exercises\.(ch\d\d|_)|grade\.\w)")


def key_reaches(cells, questions):
    """{question id: why} for the questions whose answers a notebook's
    code may take from the answer key: code that names the exercises'
    question objects (``question``, ``.reference``, ...), their modules
    (``mathlib.exercises.ch04``) or the grader, outside ``check`` calls.
    The questions affected are those named in that code (by id, or by
    chapter); all of them if it names none. A static reading: code that
    hides what it does is not found here (see the README)."""
    ids = {q.id for q in questions}
    found = {}
    for _, source in code_cells(cells)[0]:
        reasons = _key_use(source)
        if not reasons:
            continue
        named = {m.group(0) for m in QUESTION_ID.finditer(source)} & ids
        chapters = set(re.findall(r"\bch\d\d\b(?!\.q)", source))
        named |= {i for i in ids if i.split(".")[0] in chapters}
        why = f"answer key or grader code used: {reasons}"
        for qid in sorted(named or ids):
            found.setdefault(qid, why)
    return found


def _key_use(source):
    """What in a cell reaches the answer key, or ""."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return "the answer key's files" if KEY_TEXT.search(source) else ""
    hits = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and \
                node.module.startswith("mathlib"):
            if re.match(r"mathlib\.(exercises\.|grade)", node.module):
                hits.add(node.module)
            hits |= {f"{node.module}.{a.name}" for a in node.names
                     if a.name in KEY_NAMES or re.fullmatch(r"ch\d\d",
                                                            a.name)}
        elif isinstance(node, ast.Import):
            hits |= {a.name for a in node.names if re.match(
                r"mathlib\.(exercises\.|grade)", a.name)}
        elif isinstance(node, ast.Attribute) and node.attr in (
                "reference", "_registry", "_questions"):
            hits.add(f".{node.attr}")
        elif isinstance(node, ast.Constant) and isinstance(
                node.value, str) and KEY_TEXT.search(node.value):
            hits.add("the answer key's files")
    return ", ".join(sorted(hits))


def _only_checks(source):
    """True if every statement is a call check("id", name)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return False
    return bool(tree.body) and all(
        isinstance(st, ast.Expr) and isinstance(st.value, ast.Call)
        and isinstance(st.value.func, ast.Name)
        and st.value.func.id == "check" and not st.value.keywords
        and all(isinstance(a, (ast.Constant, ast.Name))
                for a in st.value.args)
        for st in tree.body)


def code_cells(cells):
    """(to run, skipped): lists of (index, source) of the code cells.

    Cells that only call ``check`` are skipped: their output never
    counts, and the grader checks every answer itself. Empty cells are
    skipped too.
    """
    run, skipped = [], []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        if not source.strip():
            continue
        (skipped if _only_checks(source) else run).append((i, source))
    return run, skipped


def defining_cells(cells, name):
    """Indexes of the code cells that assign or define ``name``."""
    found = []
    pattern = re.compile(rf"(^|[\s,(])({re.escape(name)})\s*(=[^=]|:)|"
                         rf"\bdef\s+{re.escape(name)}\b", re.M)
    for i, source in cells:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            if pattern.search(source):
                found.append(i)
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and \
                    node.name == name:
                found.append(i)
                break
            if isinstance(node, ast.Name) and node.id == name and \
                    isinstance(node.ctx, ast.Store):
                found.append(i)
                break
            if isinstance(node, ast.alias) and \
                    (node.asname or node.name) == name:
                found.append(i)
                break
    return found


def first_line(source, width=40):
    """The first non-empty line of a cell, shortened."""
    for line in source.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= width else line[:width - 3] + "..."
    return ""
