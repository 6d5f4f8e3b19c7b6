"""The extraction cell: the code the grader appends to a submission.

It runs ``mathlib/exercises/_wire.py`` (read here, once, when the grader
starts) in a fresh namespace whose builtins are the real ``builtins``
module, so that a student's variables named ``len`` or ``json`` do not
interfere. It looks the answer up in the student's namespace, encodes it
(a function is called at the grader's points, each call limited by
SIGALRM) and writes JSON to a file with a random name. Nothing it writes
is trusted: the grader validates it.
"""

from pathlib import Path

from mathlib.exercises import _wire

__all__ = ["extraction_cell", "WIRE_SOURCE"]

WIRE_SOURCE = Path(_wire.__file__).read_text(encoding="utf-8")

DRIVER = '''
_UNDEFINED = object()


def _grader_extract(user, name, points, path, call_timeout):
    import json
    import os

    value = user.get(name, _UNDEFINED)
    if value is _UNDEFINED:
        data = {"t": "undefined"}
    else:
        data = encode(value, points, call_timeout)
    text = json.dumps(data)
    with open(path + ".tmp", "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(path + ".tmp", path)
'''


def extraction_cell(name, points, path, call_timeout):
    """Source of the cell that writes the answer ``name`` to ``path``."""
    program = (WIRE_SOURCE + DRIVER +
               f"\n_grader_extract(USER, {name!r}, {points!r}, {path!r}, "
               f"{call_timeout!r})\n")
    return ("import builtins as _grader_builtins\n"
            "_grader_builtins.exec(_grader_builtins.compile(\n"
            f"    {program!r},\n"
            "    '<mathlib.grade>', 'exec'),\n"
            "    {'__builtins__': _grader_builtins,\n"
            "     '__name__': 'mathlib_grade_extract',\n"
            "     'USER': _grader_builtins.globals()})\n"
            "del _grader_builtins\n")
