"""One widget per test module, for the tests/test_mutants_widgets*.py files.

`make mutation` runs those files once for each mutant of mathlib/widgets,
so a widget is built once per module and each test sets, with
``update``, every parameter it relies on. mutmut links a test to the
functions it calls while it records (``MUTANT_UNDER_TEST=stats``): a
module-scoped widget would link its constructor to the first test only,
and a mutant of the constructor would be run against that test alone.
While mutmut records, each test therefore gets a widget of its own.
"""
import os

import pytest


def shared_widget(name, factory):
    """Two fixtures, to be assigned at module level: ``name`` returns
    ``factory()`` built once per module (a fresh one per test while mutmut
    records which test calls what), ``_name_once`` the module's copy.

    Usage: ``_taylor_once, taylor = shared_widget("taylor", make)``.
    """
    once_name = f"_{name}_once"

    def once():
        return factory()

    def widget(request):
        if os.environ.get("MUTANT_UNDER_TEST") == "stats":
            return factory()
        return request.getfixturevalue(once_name)

    return (pytest.fixture(scope="module", name=once_name)(once),
            pytest.fixture(name=name)(widget))
