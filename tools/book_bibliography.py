"""Sphinx extension (listed in _config.yml): the bibliography in the same
author-year style as the citations in the text.

The text cites with sphinxcontrib-bibtex's author_year style ("(Parr and
Howard, 2018)", "(Zhang et al., 2023)"); pybtex's plain style numbered the
bibliography [1], [2], ... instead. This registers the pybtex style
"authoryear": pybtex's plain formatting and sorting (by author, year,
title) with labels that read as the citations do: "Parr and Howard, 2018".
"""
from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle


def _plain(latex):
    """A name as text: "G{\\"u}ne{\\c{s}}" -> "Güneş"."""
    return Text.from_latex(latex).render_as("text")


def _surname(person):
    return _plain(" ".join(person.prelast_names + person.last_names))


def author_year_label(entry):
    """The citation's words for `entry`: "Parr and Howard, 2018".

    >>> from pybtex.database import Entry, Person
    >>> e = Entry("misc", fields={"year": "2018"})
    >>> e.persons["author"] = [Person("Parr, Terence"),
    ...                        Person("Howard, Jeremy")]
    >>> author_year_label(e)
    'Parr and Howard, 2018'
    >>> e.persons["author"].append(Person("Smola, Alexander J."))
    >>> author_year_label(e)
    'Parr et al., 2018'
    """
    persons = (entry.persons.get("author") or entry.persons.get("editor")
               or [])
    names = [_surname(p) for p in persons]
    if not names:
        who = _plain(entry.fields.get("title", entry.key))
    elif len(names) == 1:
        who = names[0]
    elif len(names) == 2:
        who = f"{names[0]} and {names[1]}"
    else:
        who = f"{names[0]} et al."
    year = entry.fields.get("year", "n.d.")
    return f"{who}, {year}"


class AuthorYearLabels(BaseLabelStyle):
    """Labels "Author, year"; "2018a", "2018b" where two would be equal."""

    def format_labels(self, sorted_entries):
        entries = list(sorted_entries)
        labels = [author_year_label(e) for e in entries]
        repeated = {lab for lab in labels if labels.count(lab) > 1}
        seen = {}
        for label in labels:
            if label in repeated:
                seen[label] = seen.get(label, 0) + 1
                label += "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
            yield label


class AuthorYearStyle(PlainStyle):
    default_label_style = "book-author-year"


def setup(app):
    register_plugin("pybtex.style.labels", "book-author-year",
                    AuthorYearLabels)
    register_plugin("pybtex.style.formatting", "authoryear",
                    AuthorYearStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
