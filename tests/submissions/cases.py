"""Sample submissions for the grader's tests, and the grades they must get.

    python tests/submissions/cases.py      rewrite the sample notebooks

Every sample is made from a committed problem-set notebook
(``exercises/chNN.ipynb``) by replacing answer cells, inserting cells or
deleting cells; two samples are not notebooks at all. ``EXPECTED`` says,
for each sample, the status of the run, the score, and each question's
status (and a piece of its feedback). tests/test_grade.py grades the
committed samples and asserts all of it; it also checks that the
committed files are what this script writes.

CORRECT holds a right answer to every question (an instructor's key,
from keys/chNN.py, one file per problem set: the notebooks handed to
students contain none). Every problem set gets a correct and a blank
sample; ch02 also gets one sample per feedback case, fault and tampering
attempt.
"""

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

CORRECT = {}
for _path in sorted((HERE / "keys").glob("ch[0-9][0-9].py")):
    _spec = importlib.util.spec_from_file_location(
        f"keys_{_path.stem}", _path)
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    CORRECT.update(_module.CORRECT)

# ------------------------------------------------------- ch02 variations

WRONG_A = {       # one kind of mistake per question
    "ch02.q1": "partials = np.array([[4 + np.cos(2), 4 + 2 * np.cos(2)]])",
    "ch02.q2": "grad_sym = sp.Matrix([[y**2 + z * sp.exp(x), 2 * x * y, "
               "sp.exp(x)]])",
    "ch02.q3": 'layout = "A"',
    "ch02.q4": "def grad_f(x):\n    return -2 * x / (1 + x @ x)",
    "ch02.q5": 'estimate = "2.05"',
    "ch02.q6": "def grad_X(X):\n    return np.outer(X @ b, b)",
    "ch02.q7": "def grad_ce(z):\n    raise ValueError('not done yet')",
}
WRONG_B = {
    "ch02.q1": "partials = np.array([4 + np.cos(2), 4 + np.cos(2)])",
    "ch02.q2": "grad_sym = sp.Matrix([y**2 + z * sp.exp(x), 2 * x * y, "
               "z * sp.exp(x)])",
    "ch02.q3": "layout = 2",
    "ch02.q4": "def grad_f(x):\n    if x @ x > 8:\n        return 2 * x\n"
               "    return 2 * x / (1 + x @ x)",
    "ch02.q5": "estimate = 1.02**2 * 1.97",
    "ch02.q6": "def grad_X(X):\n    return 2 * np.outer(b, X @ b)",
    "ch02.q7": "def grad_ce(z):\n    e = np.exp(z)\n    p = e / e.sum()\n"
               "    p[0] -= 1\n    return p",
}

FIND_OUT_DIR = '''import os

# What is in the working directory?
listing = sorted(os.listdir("."))
# Find the grader that runs this notebook among the kernel's ancestors,
# read its --out directory from the process table, and vandalise it.
out, pid = None, os.getpid()
while pid > 1 and out is None:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            args = fh.read().split(b"\\0")
        with open(f"/proc/{pid}/stat") as fh:
            pid = int(fh.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        break
    if b"mathlib.grade" in args and b"--out" in args:
        out = args[args.index(b"--out") + 1].decode()
if out:
    for name in ["grades.csv", "summary.csv", "tamper_files.json",
                 "correct.json"]:
        with open(os.path.join(out, name), "w") as fh:
            fh.write("everyone gets full marks\\n")
    with open(os.path.join(out, "hacked.txt"), "w") as fh:
        fh.write("hacked\\n")
for name in ["result.json", "grades.csv", "submission.json"]:
    with open(name, "w") as fh:
        fh.write('{"t": "num", "v": 1}')'''

MONKEYPATCH = '''import mathlib.exercises as ex
import mathlib.exercises._compare as cmp
import mathlib.exercises._questions as qs
import mathlib.symbolic

np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
sp.simplify = lambda *a, **k: sp.Integer(0)
mathlib.symbolic.equivalent = lambda *a, **k: True
cmp.close = lambda *a, **k: True
qs.Verdict.__bool__ = lambda self: True
ex.check = check = lambda *a, **k: print("Correct.")'''

BREAK_JSON = '''import json

json.dumps = lambda *a, **k: '{"t": "num", "v": 2.05}\''''

FORGE = '''import os

real_replace = os.replace


def forged_replace(src, dst):
    # overwrite every answer the grader extracts with a forged claim
    real_replace(src, dst)
    if ".answer-" in str(dst):
        with open(dst, "w") as fh:
            fh.write('{"t": "array", "shape": [2], "data": "all correct"}')


os.replace = forged_replace'''

FAKE_CHECK = '''def check(question_id, answer):
    print(f"[{question_id}] Correct.")


print("[ch02.q1 partials] Correct.")
print("[ch02.q4 grad_f] Correct on the public check.")'''

STUBBORN = '''import time

while True:          # an endless loop that ignores interrupts
    try:
        time.sleep(0.1)
    except KeyboardInterrupt:
        pass'''


# -------------------------------------- hostile samples (issue 14)

GRADER_ARGS = '''import os


def grader_args():
    """The command line of the grader running this notebook, found among
    the kernel's ancestors in /proc (None if it cannot be seen)."""
    pid = os.getpid()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                args = [a.decode() for a in fh.read().split(b"\\0")]
            with open(f"/proc/{pid}/stat") as fh:
                pid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            return None
        if "mathlib.grade" in args and "--out" in args:
            return args
    return None
'''

OVERWRITE = GRADER_ARGS + '''

# overwrite a classmate's notebook before the grader reads it
for arg in grader_args() or []:
    victim = os.path.join(arg, "no_checks.ipynb")
    if os.path.isfile(victim):
        with open(victim, "w") as fh:
            fh.write("overwritten by a classmate")'''

ESCAPE = GRADER_ARGS + '''
import subprocess
import sys

# a process in its own session with an empty environment, which waits
# for the grader to exit and then rewrites its output
args = grader_args() or []
out = args[args.index("--out") + 1] if args else ""
LATER = """import os, sys, time  # mathlib-escape-marker
out, grader = sys.argv[1], int(sys.argv[2])
while os.path.exists(f"/proc/{grader}"):
    time.sleep(0.2)
time.sleep(120)
if out:
    with open(os.path.join(out, "grades.csv"), "w") as fh:
        fh.write("everyone gets full marks")
"""
subprocess.Popen([sys.executable, "-c", LATER, out, str(os.getppid())],
                 env={}, start_new_session=True, cwd="/",
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)'''

OUT_DIRS = GRADER_ARGS + '''

# turn the grader's output files into folders
args = grader_args()
if args:
    out = args[args.index("--out") + 1]
    for name in ["grades.csv", "summary.csv"]:
        path = os.path.join(out, name)
        if os.path.isfile(path):
            os.remove(path)
        os.makedirs(path, exist_ok=True)'''

MOVE = '''import os
import tempfile
import time

# move the working folders of the other jobs running at the same time
mine, root = os.getcwd(), tempfile.gettempdir()
stop = time.monotonic() + 4
while time.monotonic() < stop:
    for entry in os.listdir(root):
        path = os.path.join(root, entry)
        if entry.startswith("mathlib-grade") and not entry.endswith(
                "moved") and not mine.startswith(path):
            try:
                os.rename(path, path + "-moved")
            except OSError:
                pass
    time.sleep(0.05)'''

ANSWER_KEY = {
    "ch04.q1": 'from mathlib.exercises import question\n\n'
               'J_g = np.asarray(question("ch04.q1").reference())',
    "ch04.q2": 'estimate = question("ch04.q2").reference()',
    "ch04.q3": 'J_u = question("ch04.q3").reference()',
    "ch04.q4": 'du_dz = question("ch04.q4").reference()',
    "ch04.q5": 'def dL_dx(x):\n    return question("ch04.q5")'
               '.reference(x)',
    "ch04.q6": 'layout = question("ch04.q6").reference()',
    "ch04.q7": 'def jac_p(x):\n    return question("ch04.q7")'
               '.reference(x)',
}
KEY_USE = {f"ch04.q{k}": ("error", "answer key", "book's answer key")
           for k in range(1, 8)}


def case(name, *, answers=None, insert=(), delete=(), drop_checks=False,
         text=None, status="ok", score=None, questions=None, default=None,
         reason=None):
    """One sample submission and what the grader must make of it.

    answers: {qid: answer-cell source}; insert: [(qid, source)] puts a
    cell before that question's answer cell ("end": at the end); delete:
    qids whose answer and check cells are removed; text: the raw file
    (not a notebook); questions: {qid: (status, diagnosis, substring)};
    default: the status of the other questions.
    """
    return dict(name=name, answers=answers or {}, insert=list(insert),
                delete=list(delete), drop_checks=drop_checks, text=text,
                status=status, score=score, questions=questions or {},
                default=default, reason=reason)


def _correct(key, **changes):
    answers = {k: v for k, v in CORRECT.items() if k.startswith(key)}
    answers.update(changes)
    return answers


CH02 = [
    case("correct", answers=_correct("ch02"), score=10, default="correct"),
    case("blank", score=0, default="missing"),
    case("wrong_a", answers=WRONG_A, score=0, questions={
        "ch02.q1": ("incorrect", "shape", "expected (2,), got (1, 2)"),
        "ch02.q2": ("incorrect", "transpose", "layout mix-up"),
        "ch02.q3": ("incorrect", "choice", "shape of the gradient"),
        "ch02.q4": ("incorrect", "sign", "wrong sign"),
        "ch02.q5": ("incorrect", "kind", "without quotes"),
        "ch02.q6": ("incorrect", "scale", "1/2 times"),
        "ch02.q7": ("error", "raised", "ValueError: not done yet")}),
    case("wrong_b", answers=WRONG_B, score=0, questions={
        "ch02.q1": ("incorrect", "pointwise", "Component [1] is wrong"),
        "ch02.q2": ("incorrect", "symbolic", "in entry (2, 0)"),
        "ch02.q3": ("incorrect", "kind", "as a string"),
        "ch02.q4": ("incorrect", "pointwise", "component [0] is"),
        "ch02.q5": ("incorrect", "mistake", "exact value"),
        "ch02.q6": ("incorrect", "transpose", "layout mix-up"),
        "ch02.q7": ("incorrect", "nonfinite", "returned nan")}),
    case("no_checks", answers=_correct("ch02"), drop_checks=True, score=10,
         default="correct"),
    case("syntax_error", answers=_correct(
        "ch02", **{"ch02.q1": "partials = np.array([4 + np.cos(2),"}),
        status="errors", score=9, default="correct", reason="SyntaxError",
        questions={"ch02.q1": ("error", "error", "SyntaxError")}),
    case("exception", answers=_correct(
        "ch02", **{"ch02.q2": "ratio = 1 / 0\n" + CORRECT["ch02.q2"]}),
        status="errors", score=9, default="correct",
        reason="ZeroDivisionError",
        questions={"ch02.q2": ("error", "error", "ZeroDivisionError")}),
    case("infinite_loop", answers=_correct(
        "ch02", **{"ch02.q5": "while True:\n    pass\n" +
                   CORRECT["ch02.q5"]}),
        status="timeout", score=9, default="correct",
        reason="interrupted",
        questions={"ch02.q5": ("timeout", "timeout", "ran out of time")}),
    case("stubborn_loop", answers=_correct("ch02"),
         insert=[("ch02.q5", STUBBORN)], status="timeout", score=10,
         default="correct", reason="could not be interrupted"),
    case("kernel_dies", answers=_correct(
        "ch02", **{"ch02.q4": "import os\n\nos._exit(3)\n" +
                   CORRECT["ch02.q4"]}),
        status="kernel died", score=8, default="correct",
        reason="broke the kernel (it died)",
        questions={"ch02.q4": ("error", "died", "broke the kernel")}),
    case("flood", answers=_correct("ch02"),
         insert=[("ch02.q3", 'for _ in range(20):\n    print("x" * '
                  '1_000_000)')],
         score=10, default="correct", reason="MB of output"),
    case("input", answers=_correct(
        "ch02", **{"ch02.q1": 'partials = np.array(eval(input("partials? '
                   '")))'}),
        status="errors", score=9, default="correct", reason="Stdin",
        questions={"ch02.q1": ("error", "error", "StdinNotImplemented")}),
    case("missing", answers=_correct("ch02"), delete=["ch02.q6"], score=8,
         default="correct",
         questions={"ch02.q6": ("missing", "missing", "no cell")}),
    case("not_a_notebook", text="This is my homework, I could not do it.\n",
         status="invalid", score=0, default="error",
         reason="not valid JSON"),
    case("json_not_notebook", text='{"homework": "done"}\n',
         status="invalid", score=0, default="error", reason="no cells"),
    case("tamper_check", insert=[("ch02.q1", FAKE_CHECK)], score=0,
         default="missing"),
    # it imports the grader's internals: flagged, every question 0
    case("tamper_monkeypatch", answers=WRONG_A,
         insert=[("ch02.q1", MONKEYPATCH)], score=0, default="error",
         questions={"ch02.q1": ("error", "answer key", "grader's own")}),
    case("tamper_forge", answers=_correct("ch02"),
         insert=[("ch02.q1", FORGE)], score=0, default="error",
         questions={"ch02.q1": ("error", "extract",
                                "the form the grader expects")}),
    case("tamper_json", answers=_correct("ch02"),
         insert=[("ch02.q1", BREAK_JSON)], status="kernel died", score=10,
         default="correct", reason="messages became unreadable"),
    case("tamper_files", answers=_correct(
        "ch02", **{"ch02.q3": 'layout = "B" if listing == '
                   '["submission.ipynb"] else "A"'}),
        insert=[("ch02.q1", FIND_OUT_DIR)], score=10, default="correct"),
    # in the sandbox the parent is its namespace's process 1, which
    # ignores the signal; without it, the runner dies ("crashed")
    case("tamper_kill_parent", answers=_correct("ch02"),
         insert=[("ch02.q1", "import os\nimport signal\n\n"
                  "os.kill(os.getppid(), signal.SIGKILL)")],
         score=10, default="correct"),
]

CH02 += [
    case("attack_overwrite", answers=_correct("ch02"),
         insert=[("ch02.q1", OVERWRITE)], score=10, default="correct"),
    case("attack_escape", answers=_correct("ch02"),
         insert=[("ch02.q1", ESCAPE)], score=10, default="correct"),
    case("attack_outdirs", answers=_correct("ch02"),
         insert=[("ch02.q1", OUT_DIRS)], score=10, default="correct"),
    case("attack_move", answers=_correct("ch02"),
         insert=[("ch02.q1", MOVE)], score=10, default="correct"),
    case("clash", answers=_correct("ch02"), score=10, default="correct"),
    case("clash.results", score=0, default="missing"),
    case("dupA/hw", answers=_correct("ch02"), score=10, default="correct"),
    case("dupB/hw", score=0, default="missing"),
]


def _basic(key):
    return [case("correct", answers=_correct(key), score=10,
                 default="correct"),
            case("blank", score=0, default="missing")]


CH01 = _basic("ch01") + [
    case("tower", answers=_correct("ch01", **{
        "ch01.q4": 'dfdx = "E^E^E^E^E"'}), score=9, default="correct",
        questions={"ch01.q4": ("error", "unreadable", "at most 2")}),
    case("long_strings", answers=_correct("ch01", **{
        "ch01.q4": 'dfdx = "2*x*log(x) + x" + " " * 2000 + " + 5"',
        "ch01.q7": 'best_step = "B" + " " * 2000 + "A"'}),
        score=8, default="correct", questions={
            "ch01.q4": ("error", "too long", "at most 2,000"),
            "ch01.q7": ("error", "too long", "at most 2,000")}),
]
CH04 = _basic("ch04") + [
    case("answer_key", answers=dict(_correct("ch04"), **ANSWER_KEY),
         status="errors", score=0, questions=KEY_USE),
]
CASES = {key: {"ch01": CH01, "ch02": CH02, "ch04": CH04}.get(
    key, _basic(key)) for key in sorted({q.split(".")[0] for q in CORRECT})}


# ----------------------------------------------------------- building


def _role(cell):
    meta = cell.get("metadata", {}).get("exercise", {})
    return meta.get("id"), meta.get("role")


def _code(source, cell_id):
    return {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": {}, "outputs": [],
            "source": source.splitlines(keepends=True)}


def build(key, spec):
    """The sample's file text, made from exercises/<key>.ipynb."""
    if spec["text"] is not None:
        return spec["text"]
    nb = json.loads((ROOT / "exercises" / f"{key}.ipynb").read_text())
    cells = []
    for cell in nb["cells"]:
        qid, role = _role(cell)
        if qid in spec["delete"] or (role == "check" and
                                     spec["drop_checks"]):
            continue
        if role == "answer":
            for n, (where, source) in enumerate(spec["insert"]):
                if where == qid:
                    cells.append(_code(source, f"inserted-{n}"))
            if qid in spec["answers"]:
                cell = dict(cell, source=spec["answers"][qid].splitlines(
                    keepends=True))
        cells.append(cell)
    for n, (where, source) in enumerate(spec["insert"]):
        if where == "end":
            cells.append(_code(source, f"inserted-end-{n}"))
    nb["cells"] = cells
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


# ------------------------------------------------ per-student variants

ROSTER = ["s0001", "s0002", "s0003", "s0004", "s0005"]


def variant_answers(key, student):
    """Right answers for a student's variant: the value of the variant's
    reference for each parameterised question (a formula as a string),
    the key's code for the others."""
    from mathlib.exercises import questions
    answers = {}
    for q in questions(key):
        if not q.parameterised:
            answers[q.id] = CORRECT[q.id]
            continue
        v = q.variant(student)
        if v.kind == "number":
            answers[q.id] = f"{v.name} = {float(v.reference())!r}"
        elif v.kind == "array":
            values = [float(t) for t in v.reference().ravel()]
            answers[q.id] = f"{v.name} = np.array({values!r})" + (
                f".reshape({v.shape})" if len(v.shape) > 1 else "")
        elif v.kind == "expression":
            answers[q.id] = f"{v.name} = {str(v.reference())!r}"
        elif v.kind == "choice":
            answers[q.id] = f"{v.name} = {v.reference()!r}"
        else:
            raise NotImplementedError(f"{q.id}: a {v.kind} question")
    return answers


# (file, made for, answers for, roster flag words, score, default status)
VARIANT_CASES = {"ch01": [
    ("s0001/ch01.ipynb", "s0001", "s0001", "", 10, "correct"),
    ("s0002_ch01.ipynb", "s0002", "s0001", "answers match s0001's", 3,
     None),
    ("s0003/ch01.ipynb", None, None, "answers match the book's default",
     3, None),
    ("s0004/ch01.ipynb", "s0001", "s0001", "made for s0001", 3, None),
    ("unknown/ch01.ipynb", "s0005", "s0005", "not on the roster", 10,
     "correct"),
]}


def build_variant(key, made_for, answers_for):
    """A notebook made for a student (None: the book's), answered right
    for another's variant (or the same one)."""
    from mathlib.exercises import _notebook, chapter
    sys.path.insert(0, str(ROOT / "tools"))
    import notebooks
    nb = _notebook.build(chapter(key), notebooks.setup_cell_source(),
                         made_for)
    answers = variant_answers(key, answers_for)
    for cell in nb["cells"]:
        qid, role = _role(cell)
        if role == "answer":
            cell["source"] = answers[qid].splitlines(keepends=True)
    return _notebook.dumps(nb)


def variant_expected():
    return {key: {rel: {"student": rel.split("/")[0].split("_")[0]
                        if not rel.startswith("unknown") else made,
                        "flag": flag, "score": score, "default": default}
                  for rel, made, _, flag, score, default in rows}
            for key, rows in VARIANT_CASES.items()}


def expected():
    """What each sample must get: {key: {file name: expectation}}."""
    out = {}
    for key, specs in CASES.items():
        out[key] = {f"{s['name']}.ipynb": {
            k: s[k] for k in ("status", "score", "questions", "default",
                              "reason")} for s in specs}
    return out


def files():
    """{relative path: text} of every sample and of expected.json."""
    found = {}
    for key, specs in CASES.items():
        for spec in specs:
            found[f"{key}/{spec['name']}.ipynb"] = build(key, spec)
    found["expected.json"] = json.dumps(expected(), indent=1) + "\n"
    for key, rows in VARIANT_CASES.items():
        for rel, made, answers_for, *_ in rows:
            found[f"variants/{key}/{rel}"] = build_variant(key, made,
                                                          answers_for)
    found["variants/roster.csv"] = "student,name\n" + "".join(
        f"{s},Student {s[-1]}\n" for s in ROSTER)
    found["variants/expected.json"] = json.dumps(
        variant_expected(), indent=1) + "\n"
    return found


def main():
    for rel, text in files().items():
        path = HERE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files())} files under {HERE}")


if __name__ == "__main__":
    sys.exit(main())
