"""The Colab install path: `pip install git+file://<clean clone>`.

Into a fresh virtual environment, this must install mathlib and its run-time
dependencies (numpy, matplotlib, sympy, ipywidgets) and nothing from the
book's toolchain. It installs the committed state (a clean clone of HEAD),
exactly what Colab's setup cell would fetch.
"""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLCHAIN = {"jupyter-book", "sphinx", "myst-nb", "jupyter-cache", "pytest",
             "nbval", "playwright", "hypothesis", "numdifftools", "scipy",
             "sphinx-book-theme", "nbclient"}


def run(*command, cwd=None):
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed:\n{result.stderr[-3000:]}")
    return result.stdout


@pytest.mark.slow
def test_pip_install_from_a_clean_clone(tmp_path):
    clone = tmp_path / "clone"
    run("git", "clone", "-q", str(ROOT), str(clone))
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", f"git+file://{clone}")
    installed = {line.split("==")[0].lower().replace("_", "-")
                 for line in run(python, "-m", "pip", "freeze").split()}
    assert "mathlib" in installed
    assert {"numpy", "matplotlib", "sympy", "ipywidgets"} <= installed
    assert installed & TOOLCHAIN == set(), "book toolchain leaked in"
    out = run(python, "-c",
              "import mathlib, mathlib.numeric as n; print(mathlib.__file__);"
              "print(round(n.derivative(lambda x: x ** 3, 2.0), 9))",
              cwd=tmp_path)
    path, value = out.split()
    assert "site-packages" in path
    assert float(value) == 12.0
