# Matrix Calculus for Deep Learning: the two commands are
#     make book    set everything up and build the site into _build/html
#     make test    everything that proves the book works
# Both work on a fresh clone: they create .venv, install requirements.txt and
# mathlib (editable), install the browser assets with `npm ci`, and, for the
# tests, Debian's Chromium and a Colab-like Python 3.12 environment.
# `make pdf` builds the PDF edition (_build/pdf/book.pdf) with Debian's TeX
# Live, installed when missing; `make test` includes it.

PYTHON ?= python3
COLAB_PYTHON_VERSION ?= 3.12.1
# pyenv provides Python 3.12 on this kind of machine; python3.12 elsewhere.
COLAB_BASE_PYTHON ?= $(shell PYENV_VERSION=$(COLAB_PYTHON_VERSION) \
    pyenv which python 2>/dev/null || command -v python3.12)
VENV := .venv
PY := $(VENV)/bin/python
COLAB_VENV := .venv-colab
COLAB_PY := $(COLAB_VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: book pdf test setup unit notebooks site-tests pdf-tests colab install-path \
        bench bench-build bench-numeric bench-widgets bench-grading bench-pages \
        sync-setup strip \
        serve clean mutation

book: setup
	$(PY) tools/build.py

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# PyTorch (CPU) is a second, independent reference for chapter 9's
# gradients in tests/test_ch09.py, which skips those comparisons without
# it. For Python 3.11 on this kind of machine, torch==2.13.0 is a CPU wheel
# on local disk (about 0.75 GB installed); elsewhere pip may download a
# CUDA build of several GB: `make test TORCH=` skips the install.
TORCH ?= torch==2.13.0
$(VENV)/.torch: $(VENV)/.installed
	$(if $(TORCH),$(PY) -m pip install -q $(TORCH),@echo "TORCH is empty: the PyTorch comparisons will be skipped")
	touch $@
# Debian's package lists are refreshed once, for Chromium and TeX Live, and
# only when one of them is missing.
APT_UPDATED := _build/.apt-updated
APT_UPDATE := test -e $(APT_UPDATED) || { apt-get update -qq && \
    mkdir -p $(dir $(APT_UPDATED)) && touch $(APT_UPDATED); }

# Debian's Chromium drives the browser tests (never `playwright install`).
/usr/bin/chromium:
	$(APT_UPDATE)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# The PDF edition: TeX Live from Debian (XeLaTeX, latexmk, the Latin Modern
# and DejaVu fonts) and poppler-utils, which the PDF tests read it with.
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra \
    texlive-fonts-recommended texlive-plain-generic latexmk fonts-lmodern \
    fonts-dejavu-core poppler-utils
/usr/bin/latexmk:
	$(APT_UPDATE)
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(TEX_PACKAGES)

# _build/pdf/book.pdf, from the notebooks `make book` executed (no second
# execution), also copied into the site as _build/html/book.pdf.
pdf: book /usr/bin/latexmk
	$(PY) tools/pdf.py

# A Colab-like environment: Python 3.12 and ipywidgets 7.7.1.
$(COLAB_VENV)/.installed: requirements-colab.txt pyproject.toml
	@test -n "$(COLAB_BASE_PYTHON)" || \
	    { echo "Python 3.12 not found (pyenv or python3.12)"; exit 1; }
	test -x $(COLAB_PY) || $(COLAB_BASE_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_PY) -m pip install -q --upgrade pip
	$(COLAB_PY) -m pip install -q -r requirements-colab.txt
	$(COLAB_PY) -m pip install -q --no-deps -e .
	$(COLAB_PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# `make test` = unit tests and doctests, notebooks (nbval), the book build
# with -W, browser tests of the built site, notebook hygiene, the Colab
# install path, the notebooks and widgets in the Colab-like environment, and
# the PDF edition.
test: book pdf /usr/bin/chromium $(COLAB_VENV)/.installed $(VENV)/.torch
	$(PY) -m pytest -n 2 -q --doctest-modules mathlib tests \
	    -m "not browser and not pdf"
	$(PY) -m pytest -q --nbval-lax book exercises
	$(PY) -m pytest -q -m browser tests/test_site*.py
	$(PY) -m pytest -q -m pdf tests/test_pdf.py
	$(COLAB_PY) -m pytest -q --nbval-lax book exercises \
	    tests/test_widgets.py tests/test_widget_frames.py
	@echo "make test: all suites passed"

unit: setup $(VENV)/.torch
	$(PY) -m pytest -n 2 -q --doctest-modules mathlib tests \
	    -m "not browser and not pdf"

notebooks: setup
	$(PY) -m pytest -q --nbval-lax book exercises

site-tests: /usr/bin/chromium
	$(PY) -m pytest -q -m browser tests/test_site*.py

pdf-tests: pdf
	$(PY) -m pytest -q -m pdf tests/test_pdf.py

bench: bench-build bench-numeric bench-widgets bench-grading

bench-build: setup
	$(PY) benchmarks/build.py

bench-numeric: setup
	$(PY) benchmarks/numeric.py

bench-widgets: setup
	$(PY) benchmarks/widgets.py

bench-grading: setup
	$(PY) benchmarks/grading.py

# Page weight and time to typeset math, per page, against a baseline site:
#     make bench-pages BEFORE=/path/to/baseline/_build/html
bench-pages: book /usr/bin/chromium
	@test -n "$(BEFORE)" || { echo "BEFORE=<a built baseline _build/html> is required"; exit 1; }
	$(PY) benchmarks/pages.py --before $(BEFORE)

# Mutation score of the modules where a silent bug misleads a reader or
# misgrades a student: a benchmark, never part of `make test` (about 70
# minutes on 2 cores). MUTATION_ARGS narrows it, e.g.
#     make mutation MUTATION_ARGS="check grade --max-mutants 100"
mutation: setup $(VENV)/.mutation-installed
	$(PY) benchmarks/mutation.py $(MUTATION_ARGS)

$(VENV)/.mutation-installed: requirements-mutation.txt
	$(PY) -m pip install -q -r requirements-mutation.txt
	touch $@

sync-setup: setup
	$(PY) tools/notebooks.py sync

strip: setup
	$(PY) tools/notebooks.py strip

serve:
	$(PY) -m http.server -d _build/html -b 127.0.0.1 8000

clean:
	rm -rf _build _static .mutation
