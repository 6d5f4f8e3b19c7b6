"""Helper package of *Matrix Calculus for Deep Learning*.

Submodules (import the one you need, e.g. ``from mathlib import numeric``):

numeric     derivatives of numpy functions at float64's limit
symbolic    thin wrappers over sympy (gradient, jacobian, hessian, taylor)
check       compare a hand-derived derivative with a trusted one
identities  the book's derivative rules, each verifiable
autodiff    a tiny reverse-mode engine (the backpropagation chapter)
limits      tables of one-sided values and an epsilon-delta helper
widgets     interactive figures, live (ipywidgets) or static (HTML)
exercises   the autograded problem sets and ``check``
grade       the instructor's batch grader (python -m mathlib.grade)
"""

__version__ = "0.1.0"
