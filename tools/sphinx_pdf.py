"""Sphinx extension of the PDF build only (tools/pdf.py adds it).

sphinx-jupyterbook-latex sets ``latex_theme = "jupyterBook"`` when the
configuration is read; its class loads tikz, pgfplots and bbm, which the
book does not use. This handler runs after it and selects the book's own
theme, tools/latex/mcdlbook (a class with the same code-cell environments).
"""


def _book_theme(app, config):
    config["latex_theme"] = "mcdlbook"


def setup(app):
    app.connect("config-inited", _book_theme, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
