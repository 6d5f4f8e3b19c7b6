"""Sphinx extension for the book's build (listed in _config.yml).

1. Self-contained pages: Jupyter Book 1 always loads sphinx-thebe, which
   writes a script naming a CDN URL into every page (twice on rebuilds: a
   console error). The book does not use Thebe (launch_buttons.thebe is
   false; Colab is the live route), so its scripts are removed.
2. Fresh outputs: documents named by tools/build.py in BOOK_REREAD (their
   cached execution was made against an older mathlib) are re-read, so
   they are executed again.
3. Accessibility fixes of the generated HTML (each function says which).
"""
import os


def _is_thebe(script):
    name = str(getattr(script, "filename", script) or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return "thebe" in name or "THEBE_JS_URL" in body


def _drop_thebe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if scripts:
        context["script_files"] = [s for s in scripts if not _is_thebe(s)]


def _fix_citation_roles(app, pagename, templatename, context, doctree):
    """Docutils marks bibliography entries role="doc-biblioentry" inside a
    role="list"; ARIA wants list items there (axe: aria-required-children).
    """
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"',
                                       'role="listitem"')


def _fix_toggle_names(app, pagename, templatename, context, doctree):
    """myst-nb's hidden-cell toggles carry aria-label="Toggle hidden
    content" while their visible text is "Show code cell content"; the name
    must contain the visible text (axe: label-content-name-mismatch), so the
    label goes and the visible text names the control.
    """
    body = context.get("body")
    if body and 'aria-label="Toggle hidden content"' in body:
        context["body"] = body.replace(
            ' aria-label="Toggle hidden content"', "")


def _reread_stale(app, env, added, changed, removed):
    """Re-read the documents tools/build.py names in BOOK_REREAD.

    Sphinx re-reads a document only when its source file changed, so a
    notebook whose cached execution was dropped (mathlib changed) would keep
    its old page. tools/build.py lists those documents here.
    """
    names = os.environ.get("BOOK_REREAD", "").split(",")
    return [n for n in names if n and n in env.found_docs]


def setup(app):
    app.connect("env-get-outdated", _reread_stale)
    app.connect("html-page-context", _fix_toggle_names)
    app.connect("html-page-context", _fix_citation_roles)
    app.connect("html-page-context", _drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
