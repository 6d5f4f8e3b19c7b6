"""identities.verify fails every rule it cannot confirm (issue 21).

Mutation testing showed verify could pass a rule whose error is NaN (a
comparison written so that NaN slips through) with every other test
green. Each rule here is built to fall on one side of verify's
documented tolerance (||C - N|| / ||N|| <= tol, default 1e-9).
"""
import re

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


# ------------------------------------------ what a verdict and a rule say

def test_a_failed_verify_names_the_rule_the_first_trial_and_worst_entry():
    """A claim wrong in its last entry only: the failure is at trial 1,
    and the worst entry named is that last one (n - 1, from the dims)."""
    def claim(x, y):
        out = np.array(y, dtype=float)
        out[-1] += 1.0
        return out
    r = verify(_dot_rule(claim, name="last-entry"))
    assert r.passed is False and r.name == "last-entry"
    assert r.message.startswith("trial 1 (n=")
    n = int(r.message.split("n=")[1].split(",")[0])
    assert f"worst entry ({n - 1},)" in r.message


def test_verify_runs_the_number_of_trials_asked_for():
    from mathlib.identities import get
    assert "over 3 trials" in verify(get("dot-wrt-x")).message
    assert "over 5 trials" in verify("dot-wrt-x", trials=5).message


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "3"])
def test_verify_refuses_a_number_of_trials_that_is_not_a_positive_int(bad):
    with pytest.raises(ValueError, match="trials must be a positive int"):
        verify("dot-wrt-x", trials=bad)


def test_verify_all_uses_verify_s_defaults():
    """verify_all() is verify(rule) for every rule: 3 trials, seed 0,
    tol 1e-9, with the same errors."""
    from mathlib.identities import verify_all
    results = verify_all()
    for name in ("dot-wrt-x", "sigmoid", "affine-wrt-W"):
        r = results[name]
        assert r.passed and "over 3 trials" in r.message
        assert "<= 1e-09" in r.message
        assert r.max_error == verify(name).max_error


def test_an_unknown_rule_name_suggests_up_to_four_close_names():
    from mathlib.identities import get
    with pytest.raises(KeyError) as info:
        get("dot-wrt")
    text = str(info.value)
    assert "did you mean: " in text
    names = text.split("did you mean: ")[1].rstrip("?'\"").split(", ")
    assert sorted(names) == ["div-wrt-x", "div-wrt-y", "dot-wrt-x",
                             "dot-wrt-y"]


def test_the_sigmoid_rule_is_about_the_sigmoid():
    """verify compares a rule with itself (function against derivative):
    a wrong sigmoid with a derivative built from it would pass. The
    rule's function must be 1 / (1 + e^-x), its derivative
    diag(s (1 - s)), and its statement about sigma."""
    from mathlib.identities import get
    r = get("sigmoid")
    x = np.array([-2.0, 0.0, 0.5, 3.0])
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(r.function(x=x), s, rtol=1e-15)
    np.testing.assert_allclose(r.derivative(x=x), np.diag(s * (1 - s)),
                               rtol=1e-15)
    assert r.latex_numerator.startswith(
        r"\frac{\partial \sigma(\mathbf{x})}{\partial \mathbf{x}} = ")


PARTIAL = re.compile(r"\\frac\{\\partial (.+?)\}\{\\partial (.+?)\} = ")


def _check_lhs(rule):
    """The left-hand sides a statement with a shape may start with, in
    numerator and in denominator layout (the forms the printer uses:
    a Jacobian, in denominator layout its transpose or, for a scalar
    function, the gradient nabla; a Hessian nabla^2, or d/dt along a
    line, in both)."""
    num, den = rule.latex_numerator, rule.latex_denominator
    if num.startswith(r"\nabla^2_{"):
        assert den.split(" = ")[0] == num.split(" = ")[0], rule.name
        return
    if num.startswith(r"\frac{d}{d"):        # the same, or its transpose
        lhs = num.split(" = ")[0]
        assert den.split(" = ")[0] in (
            lhs, r"\left(" + lhs + r"\right)^{\top}"), rule.name
        return
    m = PARTIAL.match(num)
    assert m, num
    f, x = m.groups()
    jac = r"\frac{\partial " + f + r"}{\partial " + x + "}"
    assert den.startswith((jac + " = ", r"\left(" + jac + r"\right)^{\top} = ",
                           r"\nabla_{" + x + "} " + f + " = ")), (num, den)


def test_a_rule_is_stated_in_both_layouts_as_well_formed_latex():
    """Every rule's statement has balanced braces; one with a shape
    starts \\frac{\\partial f}{\\partial x} = in numerator layout and, in
    denominator layout, with the same Jacobian, its transpose
    \\left(...\\right)^{\\top} or the gradient \\nabla_{x} f of the same
    f and x (a Hessian \\nabla^2_{x} f the same in both; \\frac{d}{dt}
    along a line the same or, for a vector, transposed)."""
    from mathlib.identities import RULES, get
    for rule in RULES.values():
        if r"\in \mathbb{R}^{" in rule.latex_numerator + \
                rule.latex_denominator:          # a statement with a shape
            _check_lhs(rule)
        for text in (rule.latex_numerator, rule.latex_denominator):
            depth = 0
            for ch in text:
                depth += {"{": 1, "}": -1}.get(ch, 0)
                assert depth >= 0, text
            assert depth == 0, text
            assert "XX" not in text
    r = get("dot-wrt-x")
    assert r.latex_numerator == (
        r"\frac{\partial (\mathbf{x}^{\top} \mathbf{y})}{\partial "
        r"\mathbf{x}} = \mathbf{y}^{\top} \in \mathbb{R}^{1 \times n}")
    assert r.latex_denominator == (
        r"\nabla_{\mathbf{x}} (\mathbf{x}^{\top} \mathbf{y}) = \mathbf{y} "
        r"\in \mathbb{R}^{n \times 1}")
    assert get("scalar-mul-wrt-z").latex_denominator == (
        r"\left(\frac{\partial (z \mathbf{x})}{\partial z}\right)^{\top} = "
        r"\mathbf{x}^{\top} \in \mathbb{R}^{1 \times n}")


# ----------------------- what verify says about a misprinted formula
# (second round of survivors, issue 21)

def _printed(num, den, shape_num=r"1 \times n", shape_den=r"n \times 1"):
    from mathlib.identities import formula_rule
    from mathlib.identities._expr import T, vec
    x, y = vec("x"), vec("y")
    return formula_rule("printed", "x.y, as printed", 4, T(x) * y, x,
                        num=num(x, y), den=den(x, y), shape_num=shape_num,
                        shape_den=shape_den,
                        shapes=lambda d: {"x": (d["n"],), "y": (d["n"],)})


def test_verify_says_which_layout_is_misprinted():
    from mathlib.identities._expr import T
    r = verify(_printed(lambda x, y: T(x), lambda x, y: y))
    assert r.message.startswith("trial 1 (n=6, m=5, k=3, N=4): numerator "
                                "layout: relative error ")
    r = verify(_printed(lambda x, y: T(y), lambda x, y: x))
    assert r.message.startswith("trial 1 (n=6, m=5, k=3, N=4): denominator "
                                "layout: relative error ")


def test_verify_says_what_a_wrong_printed_shape_means():
    from mathlib.identities._expr import T
    r = verify(_printed(lambda x, y: T(y), lambda x, y: y,
                        shape_num=r"n \times 1"))
    assert not r.passed
    assert r.message == (r"trial 1 (n=6, m=5, k=3, N=4): raised "
                         r"PrintedShapeError: numerator layout: "
                         r"the printed shape n \times 1 means (6, 1), the "
                         r"formula gives (1, 6)")


def test_an_unknown_rule_name_without_close_names_points_to_RULES():
    from mathlib.identities import get
    with pytest.raises(KeyError) as info:
        get("zzqqxx")
    assert info.value.args[0] == ("no rule named 'zzqqxx' (see RULES for "
                                  "the list)")


def test_a_chapter_that_is_not_an_int_is_named():
    from mathlib.identities import by_chapter
    with pytest.raises(TypeError) as info:
        by_chapter("4")
    assert str(info.value) == "chapter must be an int, got str"


def test_a_claim_with_an_imaginary_part_fails():
    """A hand-built rule claiming y + 0.001i for d(x.y)/dx: the imaginary
    part is part of the claim and of its error (verify used to cast it
    away, with only a ComplexWarning, and pass)."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = verify(_dot_rule(lambda x, y: y + 1e-3j))
    assert not r.passed and "relative error" in r.message
    assert r.max_error > 1e-4
    assert verify(_dot_rule(lambda x, y: y + 0j)).passed
