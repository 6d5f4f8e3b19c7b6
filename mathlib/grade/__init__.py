"""Grade problem-set notebooks: ``python -m mathlib.grade``.

Introduced with the problem sets (``exercises/``, chapters 1 to 3)::

    python -m mathlib.grade ASSIGNMENT.ipynb SUBMISSION.ipynb... --out DIR
        [--timeout 120] [--cell-timeout S] [-j N] [--seed N] [--quiet]
        [--roster ROSTER.csv]
    python -m mathlib.grade --gradescope ASSIGNMENT.ipynb [--roster R]

ASSIGNMENT is the problem-set notebook as handed out (or a key such as
``ch02``); SUBMISSION may also be a directory of notebooks. Output in
DIR: ``grades.csv`` (a row per submission, named by its path relative
to the folder given; folders are searched recursively), ``summary.csv``
(also printed), and per submission ``<report>.json`` and
``<report>.results.json`` (Gradescope's format; names that cannot
collide, listed in grades.csv). With
``--gradescope``, the notebook in ``/autograder/submission`` is graded
into ``/autograder/results/results.json``. Exit status 0 when the batch
was graded (whatever the grades), 2 on misuse.

Design: why nothing a student does can change a grade
----------------------------------------------------
* The questions come from the ASSIGNMENT (its ``check`` calls and cell
  metadata) and the answer variables from the registry of
  ``mathlib.exercises``: never from the submission. Deleting or editing
  check cells changes nothing; cells that only call ``check`` are not
  even run, and printed "correct" messages are never read.
* Every submission is read into memory before any student code runs.
  Each runs in its own process tree: a runner (``python -I``, its
  source read when the grader started), started in a new session,
  starts a fresh kernel whose parent it is, in a fresh directory
  holding only a copy of the notebook. As root (see ``sandbox_support``
  in ``_batch``), the runner is process 1 of a new PID and mount
  namespace (``unshare``): a private /proc and /tmp, the output and
  submission folders hidden, every other mount read-only, a copy of
  mathlib without the answer key in place of the installed one, and no
  capabilities (``setpriv``); killing the namespace's process 1 kills
  everything the submission started. The kernel's connection file is
  deleted once the kernel has started.
* Cells run one by one, each with a time limit (``--cell-timeout``,
  default a quarter of ``--timeout``): an error, ``input()`` (stdin is
  disabled), or an interrupted endless loop is recorded and the next
  cell runs. A cell that kills the kernel (``os._exit``) or cannot be
  interrupted is skipped and the notebook re-run without it. Output is
  counted and dropped, never stored (a flood cannot fill memory). The
  whole run has ``--timeout`` seconds (plus short limits to extract the
  answers); after that, and after every run, the grader kills the
  namespace, the runner's process group and every process carrying the
  run's random token in its environment.
* After the student's cells, one extraction cell per answer runs
  ``mathlib/exercises/_wire.py`` (source read at start-up) in a fresh
  namespace with the real builtins: numbers and arrays become lists with
  their shape, sympy objects their ``srepr`` text, strings their text,
  and functions the values they return at points the grader draws
  afresh for every submission (each call limited to 2 s), plus each
  question's fixed edge points. The JSON goes to a file with a random
  name; the result of the run goes to a private directory.
* The grader trusts none of it: it checks types, shapes and sizes,
  rebuilds formulas with a whitelisting parser (nothing is evaluated),
  and computes every verdict itself, with the checkers of
  ``mathlib.exercises`` imported before any student code ran. A kernel
  that monkeypatches numpy, sympy, json, ``check`` or mathlib can only
  corrupt its own data, which then fails validation or is judged as
  given. Computing the data a correct answer would give requires
  computing the answer.
* Output files are written atomically, for each submission as it
  finishes and all of them again at the end, after every kernel is
  dead: anything a notebook wrote into DIR is overwritten. The grader
  warns if files of the mathlib installation change during a run.

Per-student variants: whose submission is it?
---------------------------------------------
With ``--roster``, each submission is graded against the variant of the
student named by where the LMS put it (a folder or file name of the
submissions folder that is a roster identifier; on Gradescope, the users
in ``submission_metadata.json``), never by the notebook. A student
writes the notebook but not the LMS's record of who handed it in; a
``student(...)`` call or a signed token inside the notebook would travel
with a classmate's notebook handed in as one's own. The notebook's claim
is cross-checked ("made for ..."), answers right for another student's
variant (or the book's) rather than their own are flagged ("answers
match ..."), and a location naming no roster student is flagged ("not on
the roster"). Flags go to the ``flagged`` column of grades.csv and to a
test hidden from students in the Gradescope results; they never change
points. See ``_variants``.

Limits: without root or namespaces, kernels run as the grader's user
and see its processes and files; a process that clears its environment
and leaves its session can outlive the run. Grade untrusted work as root
in a throw-away container (Gradescope's autograder is one). Code that
names the answer key or the grader is flagged (``key_reaches``);
hidden uses, and answers copied from the open-source key, are not.
"""

from ._cli import grade, main

__all__ = ["grade", "main"]
