"""identities.verify fails every rule it cannot confirm (issue 21).

Mutation testing showed verify could pass a rule whose error is NaN (a
comparison written so that NaN slips through) with every other test
green. Each rule here is built to fall on one side of verify's
documented tolerance (||C - N|| / ||N|| <= tol, default 1e-9).
"""
import numpy as np
import pytest

from mathlib.identities import Rule, verify


def _dot_rule(derivative, name="dot"):
    """d(x . y)/dx, whose right derivative is y, with a given claim."""
    return Rule(name, "d(x.y)/dx", "y^T", "y", 4,
                lambda x, y: x @ y, derivative, "x",
                lambda d: {"x": (d["n"],), "y": (d["n"],)})


def test_the_right_rule_passes():
    r = verify(_dot_rule(lambda x, y: y))
    assert r.passed and r.max_error < 1e-12


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_rule_whose_error_is_not_finite_fails(bad):
    """A claimed derivative with a NaN or infinite entry has a NaN or
    infinite error: verify says it fails, never "ok"."""
    def claim(x, y):
        out = np.array(y, dtype=float)
        out[0] = bad
        return out
    r = verify(_dot_rule(claim))
    assert not r.passed
    assert not bool(r.max_error <= 1e-9)
    assert "ok" not in r.message.split(":")[0]


def test_a_rule_returning_all_nan_fails():
    r = verify(_dot_rule(lambda x, y: np.full(np.shape(y), np.nan)))
    assert not r.passed


def test_the_default_tolerance_is_1e_9_relative():
    """A claim off by 1e-8 relative fails at the default tol = 1e-9; one
    off by 1e-11 passes."""
    assert not verify(_dot_rule(lambda x, y: y * (1 + 1e-8))).passed
    assert verify(_dot_rule(lambda x, y: y * (1 + 1e-11))).passed
    assert verify(_dot_rule(lambda x, y: y * (1 + 1e-8)), tol=1e-7).passed


def test_a_wrong_rule_fails_with_its_worst_entry():
    r = verify(_dot_rule(lambda x, y: x))
    assert not r.passed and r.max_error > 0.1
    assert "relative error" in r.message and "worst entry" in r.message
