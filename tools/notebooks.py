"""Notebook housekeeping for the book: the setup cell, hygiene, stripping.

    python tools/notebooks.py sync     rewrite every notebook's setup cell
                                       from the repository URL in _config.yml
    python tools/notebooks.py strip    remove outputs and execution counts
    python tools/notebooks.py check    report hygiene problems (exit 1 if any)

The tests (tests/test_notebooks.py) call the same functions, so what
`check` reports is exactly what `make test` enforces.
"""
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIRS = ("book", "exercises")
SETUP_TAG = "remove-cell"

# MyST syntax that Colab and Jupyter would show as raw text.
MYST_PATTERNS = {
    "directive (```{name})": re.compile(r"^\s*(```+|:::+)\s*\{[\w:-]+\}", re.M),
    "role ({name}`...`)": re.compile(r"\{[a-z][\w:-]*\}`"),
    "target ((label)=)": re.compile(r"^\s*\([\w-]+\)=\s*$", re.M),
    "comment (% ...)": re.compile(r"^%\s", re.M),
}


def repository():
    """Return (url, branch) from _config.yml, the one place they are set."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def setup_cell_source(url=None, branch=None):
    """The text of the first cell of every notebook."""
    if url is None:
        url, branch = repository()
    return (
        "# Setup: in Colab, install the book's helper package (mathlib).\n"
        "# Anywhere else this cell does nothing.\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        "\n"
        "    subprocess.run(\n"
        '        [sys.executable, "-m", "pip", "install", "-q",\n'
        f'         "git+{url}@{branch}"],\n'
        "        check=True,\n"
        "    )"
    )


def notebooks():
    """Every notebook of the book and of the problem sets, sorted."""
    found = []
    for d in NOTEBOOK_DIRS:
        found += (ROOT / d).glob("*.ipynb")
    return sorted(p for p in found if ".ipynb_checkpoints" not in str(p))


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def save(path, nb):
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")


def setup_cell():
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {"tags": [SETUP_TAG]},
        "outputs": [],
        "source": setup_cell_source(),
    }


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def problems(path):
    """List the hygiene problems of one notebook (empty when clean)."""
    import nbformat

    found = []
    try:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # report, don't crash the whole check
        return [f"not a valid notebook: {exc}"]
    cells = nb.cells
    if not cells or _source(cells[0]) != setup_cell_source():
        found.append("first cell is not the setup cell "
                     "(run `python tools/notebooks.py sync`)")
    elif SETUP_TAG not in cells[0].get("metadata", {}).get("tags", []):
        found.append(f"setup cell lacks the '{SETUP_TAG}' tag")
    for n, cell in enumerate(cells):
        if cell.cell_type == "code":
            if cell.get("outputs"):
                found.append(f"cell {n} has committed outputs")
            if cell.get("execution_count") is not None:
                found.append(f"cell {n} has an execution count")
        if cell.cell_type == "markdown":
            for what, pattern in MYST_PATTERNS.items():
                m = pattern.search(_source(cell))
                if m:
                    found.append(f"cell {n}: MyST {what} shows raw in "
                                 f"Colab: {m.group(0).strip()!r}")
    return found


def sync(path):
    nb = load(path)
    cells = nb.setdefault("cells", [])
    first = cells[0] if cells else None
    is_setup = first is not None and "google.colab" in _source(first)
    if is_setup:
        cells[0] = setup_cell()
    else:
        cells.insert(0, setup_cell())
    save(path, nb)


def strip(path):
    nb = load(path)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    save(path, nb)


def main(argv):
    command = argv[1] if len(argv) > 1 else "check"
    if command not in ("sync", "strip", "check"):
        sys.exit(__doc__)
    bad = 0
    for path in notebooks():
        if command == "sync":
            sync(path)
        elif command == "strip":
            strip(path)
        else:
            for problem in problems(path):
                bad += 1
                print(f"{path.relative_to(ROOT)}: {problem}")
    if bad:
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
