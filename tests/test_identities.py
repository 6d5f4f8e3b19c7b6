"""Tests of mathlib.identities: every rule verified, the registry, LaTeX."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mathlib import identities as ids
from mathlib import numeric
from mathlib.identities import RULES, Rule, get, verify

# Everything in Parr & Howard's tables plus the brief's matrix toolbox.
REQUIRED = """
add-wrt-x add-wrt-y sub-wrt-x sub-wrt-y hadamard-wrt-x hadamard-wrt-y
div-wrt-x div-wrt-y scalar-add-wrt-x scalar-add-wrt-z scalar-mul-wrt-x
scalar-mul-wrt-z scalar-div-wrt-x scalar-div-wrt-z sum-wrt-x
scaled-sum-wrt-x scaled-sum-wrt-z dot-wrt-x dot-wrt-y elementwise-unary
chain-single-variable chain-total-derivative chain-vector
neuron-wrt-w neuron-wrt-b mse-loss-wrt-w mse-loss-wrt-b
affine-wrt-W affine-wrt-x affine-wrt-b
batch-layer-wrt-W batch-layer-wrt-X batch-layer-wrt-b
batch-layer-loss-wrt-W batch-layer-loss-wrt-X batch-layer-loss-wrt-b
quadratic-form linear-form bilinear-wrt-X trace-AX trace-XtAX
factorization-wrt-U factorization-wrt-V log-det inverse sigmoid tanh
softmax log-softmax softmax-cross-entropy l2-norm
sum-rule product-rule quotient-rule chain-rule sigmoid-derivative
lse-gradient quadratic-gradient directional-derivative vjp jvp
quadratic-hessian lse-hessian hessian-vector-product newton-step
least-squares least-squares-hessian trace-AXB trace-inverse
logdet-line logdet-line-second vec-AXB inverse-bilinear
gaussian-loglik-wrt-mu gaussian-loglik-wrt-Sigma softplus
binary-cross-entropy logistic-loss-gradient logistic-loss-hessian
gauss-newton
""".split()

# Every backslash command the strings may use: all checked with MathJax 3
# (base + ams packages, no extensions) when the test below can run.
ALLOWED_MACROS = {
    "frac", "partial", "mathbf", "mathbb", "in", "times", "top",
    "operatorname", "odot", "oslash", "dots", "quad", "text", "sin", "cos",
    "tanh", "ln", "log", "det", "sigma", "beta", "delta", "cdot", "max",
    "sum", "left", "right", "lVert", "rVert", "begin", "end", ",", " ",
    "\\", "nabla", "exp", "otimes", "boldsymbol", "mu", "Sigma",
    # chapter 9 (standard MathJax too)
    "langle", "rangle", "sqrt", "star", "hat", "tilde", "bar", "epsilon",
    "gamma",
}


# --------------------------------------------------------------------------
# every rule holds
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(RULES))
def test_rule_verifies(name):
    result = verify(RULES[name], trials=3, seed=0)
    assert result.passed, result.message
    assert result.max_error <= 1e-9


@pytest.mark.parametrize("seed", [1, 2])
def test_all_rules_verify_at_other_seeds(seed):
    failed = {n: r.message for n, r in ids.verify_all(trials=2, seed=seed)
              .items() if not r.passed}
    assert failed == {}


def test_required_rules_present():
    missing = [n for n in REQUIRED if n not in RULES]
    assert missing == []


def test_chapters():
    # every chapter that derives a rule has it registered; 0 holds the
    # standard rules the book does not derive
    assert {r.chapter for r in RULES.values()} == set(range(10))
    assert sum(len(ids.by_chapter(c)) for c in range(0, 10)) == len(RULES)
    assert {r.name for r in ids.by_chapter(7)} >= {
        "quadratic-hessian", "lse-hessian", "hessian-vector-product",
        "newton-step"}
    assert all(r.chapter == 8 for r in ids.by_chapter(8))
    assert [r.name for r in ids.by_chapter(9)] == [
        "linear-vjp-W", "attention-vjp-Q", "attention-vjp-K",
        "attention-vjp-V", "layer-norm", "rms-norm", "batch-norm-vjp",
        "conv1d-vjp-x", "conv1d-vjp-w", "embedding-vjp", "residual"]
    with pytest.raises(TypeError, match="chapter must be an int"):
        ids.by_chapter("4")


# --------------------------------------------------------------------------
# verification really discriminates
# --------------------------------------------------------------------------

def _symmetric(C):
    return C.ndim == 0 or (C.ndim == 2 and C.shape[0] == C.shape[1]
                           and np.allclose(C, C.T))


def _mutated(rule, change):
    return Rule(rule.name + "-mutant", rule.title, rule.latex_numerator,
                rule.latex_denominator, rule.chapter, rule.function,
                lambda **a: change(np.asarray(rule.derivative(**a),
                                              dtype=float)),
                rule.wrt, rule.shapes, rule.sample, rule.domain,
                order=rule.order)


@pytest.mark.parametrize("name", list(RULES))
def test_slightly_wrong_derivative_fails(name):
    nudged = _mutated(RULES[name], lambda C: C + 1e-7 * (1 + abs(C)))
    result = verify(nudged)
    assert not result.passed
    assert "relative error" in result.message


def _sample_derivative(rule, seed=0):
    rng = np.random.default_rng(seed)
    args = rule.sample_args(rng, ids.random_dims(rng))
    return np.asarray(rule.derivative(**args), dtype=float)


# matrices for which transposing (the classic layout slip) matters
NON_SYMMETRIC = [n for n, r in RULES.items()
                 if _sample_derivative(r).ndim == 2
                 and not _symmetric(_sample_derivative(r))]


def test_non_symmetric_list():
    assert {"log-det", "det", "trace-AX", "affine-wrt-x", "chain-vector",
            "log-softmax", "bilinear-wrt-X"} <= set(NON_SYMMETRIC)


@pytest.mark.parametrize("name", NON_SYMMETRIC)
def test_transposed_derivative_fails(name):
    result = verify(_mutated(RULES[name], lambda C: C.T))
    assert not result.passed
    assert "shape" in result.message or "relative error" in result.message


def test_wrong_shape_is_reported():
    bad = _mutated(get("dot-wrt-x"), lambda C: C[None, :])
    result = verify(bad)
    assert not result.passed and result.max_error == np.inf
    assert "derivative has shape (1, 6)" in result.message
    assert "f.shape + x.shape is (6,)" in result.message


def test_exception_is_reported():
    rule = get("dot-wrt-x")
    bad = Rule("raises", "t", "x", "x", 4, rule.function,
               lambda x, y: 1 / 0, "x", rule.shapes)
    result = verify(bad)
    assert not result.passed
    assert "ZeroDivisionError" in result.message


def test_verify_input_errors():
    with pytest.raises(KeyError, match="log-det"):
        verify("logdet")
    with pytest.raises(TypeError, match="Rule or a rule name"):
        verify(3)
    with pytest.raises(ValueError, match="trials"):
        verify("softmax", trials=0)
    with pytest.raises(ValueError, match="tol"):
        verify("softmax", tol=0)


def test_verify_is_reproducible():
    assert verify("inverse", seed=5) == verify("inverse", seed=5)


# --------------------------------------------------------------------------
# the registry
# --------------------------------------------------------------------------

def test_get_unknown_lists_close_matches():
    with pytest.raises(KeyError) as info:
        get("sofmax")
    assert "softmax" in str(info.value) and "log-softmax" in str(info.value)
    with pytest.raises(KeyError, match="see RULES"):
        get("zzzzzzzz")


def test_register_refuses_duplicates_and_non_rules():
    with pytest.raises(ValueError, match="already registered"):
        ids.register(get("softmax"))
    with pytest.raises(TypeError, match="must be a Rule"):
        ids.register("softmax")


def test_register_and_verify_a_new_rule():
    from mathlib.identities._expr import power, sca
    x = sca("x")
    rule = ids.formula_rule("test-cube", "Cube", 4, power(x, 3), x,
                            3 * power(x, 2), shapes=lambda d: {"x": ()},
                            style="d")
    assert rule.latex_numerator == r"\frac{d}{dx} x^{3} = 3 x^{2}"
    try:
        assert ids.register(rule) is rule
        assert get("test-cube") is rule
        assert list(RULES)[-1] == "test-cube"       # insertion order
        assert verify("test-cube").passed
    finally:
        del RULES["test-cube"]


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"name": "Bad name"}, ValueError, "hyphens"),
    ({"name": "-x"}, ValueError, "hyphens"),
    ({"chapter": 10}, ValueError, "chapter"),
    ({"chapter": -1}, ValueError, "chapter"),
    ({"chapter": True}, ValueError, "chapter"),
    ({"title": ""}, ValueError, "title"),
    ({"latex_numerator": "  "}, ValueError, "latex_numerator"),
    ({"function": 3}, TypeError, "function"),
    ({"sample": "x"}, TypeError, "sample"),
])
def test_rule_validation(kwargs, exc, match):
    fields = dict(name="ok", title="t", latex_numerator="x",
                  latex_denominator="x", chapter=4, function=np.sin,
                  derivative=np.cos, wrt="x", shapes=lambda d: {"x": ()})
    fields.update(kwargs)
    with pytest.raises(exc, match=match):
        Rule(**fields)


def test_sample_args_checks_wrt_and_shapes():
    rng = np.random.default_rng(0)
    dims = ids.random_dims(rng)
    rule = get("dot-wrt-x")
    bad_wrt = Rule("w", "t", "x", "x", 4, rule.function, rule.derivative,
                   "z", rule.shapes)
    with pytest.raises(ValueError, match="wrt='z'"):
        bad_wrt.sample_args(rng, dims)
    bad_sample = Rule("s", "t", "x", "x", 4, rule.function,
                      rule.derivative, "x", rule.shapes,
                      lambda rng, d: {"x": np.ones(2), "y": np.ones(2)})
    with pytest.raises(ValueError, match="sample gave x the shape"):
        bad_sample.sample_args(rng, {**dims, "n": 3})


def test_random_dims_distinct():
    rng = np.random.default_rng(0)
    for _ in range(20):
        d = ids.random_dims(rng)
        assert sorted(d) == sorted("nmkN")
        assert len(set(d.values())) == 4
        assert all(2 <= v <= 6 for v in d.values())


# --------------------------------------------------------------------------
# samplers keep to the domain
# --------------------------------------------------------------------------

def test_neuron_samples_avoid_the_kink_on_both_sides():
    rule, rng, signs = get("neuron-wrt-w"), np.random.default_rng(0), set()
    for _ in range(30):
        a = rule.sample_args(rng, ids.random_dims(rng))
        z = a["w"] @ a["x"] + a["b"]
        assert abs(z) >= 0.5 - 1e-12
        signs.add(np.sign(z))
    assert signs == {-1.0, 1.0}


def test_mse_samples_avoid_every_kink():
    rule, rng = get("mse-loss-wrt-w"), np.random.default_rng(0)
    signs = set()
    for _ in range(30):
        a = rule.sample_args(rng, ids.random_dims(rng))
        z = a["X"] @ a["w"] + a["b"]
        assert np.all(np.abs(z) >= 0.5 - 1e-9)
        signs |= set(np.sign(z))
    assert signs == {-1.0, 1.0}


def test_log_det_samples_are_not_symmetric_and_have_positive_det():
    rule, rng = get("log-det"), np.random.default_rng(0)
    for _ in range(10):
        X = rule.sample_args(rng, ids.random_dims(rng))["X"]
        assert np.linalg.det(X) > 0
        assert not np.allclose(X, X.T)


def test_cross_entropy_samples_are_one_hot():
    rule, rng = get("softmax-cross-entropy"), np.random.default_rng(0)
    y = rule.sample_args(rng, ids.random_dims(rng))["y"]
    assert sorted(set(y)) == [0.0, 1.0] and y.sum() == 1.0


# --------------------------------------------------------------------------
# conventions stated in the brief, on concrete numbers
# --------------------------------------------------------------------------

def test_scalar_by_matrix_is_same_shape_gradient():
    rng = np.random.default_rng(1)
    A, X = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
    D = get("trace-AX").derivative(A=A, X=X)
    assert D.shape == X.shape
    np.testing.assert_allclose(D, A.T)
    np.testing.assert_allclose(
        D, numeric.gradient(lambda X: np.trace(A @ X), X), rtol=1e-12)


def test_inverse_components():
    # rows of the vec Jacobian: (X^-1)_ij sits at i + 2j in vec(X^-1)
    X = np.array([[2.0, 1.0], [0.5, 3.0]])
    J = get("inverse").derivative(X=X)
    Xi = np.linalg.inv(X)
    assert J.shape == (4, 2, 2)
    for i, j, k, l in np.ndindex(2, 2, 2, 2):
        assert J[i + 2 * j, k, l] == pytest.approx(-Xi[i, k] * Xi[l, j])


def test_batch_layer_forms_agree():
    """dL/dW = sum_ij G_ij dY_ij/dW: the Jacobian of vec(Y^T) (rows of Y
    stacked, numpy's order) contracted with the rows of G stacked."""
    rng = np.random.default_rng(2)
    X, W = rng.standard_normal((5, 3)), rng.standard_normal((4, 3))
    b, G = rng.standard_normal(4), rng.standard_normal((5, 4))
    for v in "WXb":
        J = get(f"batch-layer-wrt-{v}").derivative(X=X, W=W, b=b)
        g = get(f"batch-layer-loss-wrt-{v}").derivative(X=X, W=W, b=b, G=G)
        np.testing.assert_allclose(np.tensordot(G.ravel(), J, axes=1), g,
                                   atol=1e-12)


def test_domains_are_documented():
    for name in ["neuron-wrt-w", "neuron-wrt-b", "mse-loss-wrt-w",
                 "mse-loss-wrt-b", "log-det", "div-wrt-y", "relu",
                 "l2-norm", "softmax-cross-entropy", "inverse"]:
        assert get(name).domain, name


# --------------------------------------------------------------------------
# LaTeX
# --------------------------------------------------------------------------

def _braces_balanced(s):
    depth = 0
    for ch in re.sub(r"\\[{}]", "", s):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _latex_strings():
    return [(r.name, layout, getattr(r, "latex_" + layout))
            for r in RULES.values()
            for layout in ("numerator", "denominator")]


@pytest.mark.parametrize("name, layout, latex", _latex_strings())
def test_latex_is_plain_mathjax(name, layout, latex):
    assert latex.strip()
    assert _braces_balanced(latex)
    assert latex.count(r"\begin") == latex.count(r"\end")
    assert latex.count(r"\left") == latex.count(r"\right")
    assert "$" not in latex and "\n" not in latex
    macros = set(re.findall(r"\\([A-Za-z]+|.)", latex))
    assert macros <= ALLOWED_MACROS, macros - ALLOWED_MACROS


def test_layouts_differ_exactly_when_the_derivative_is_not_symmetric():
    """Statements must differ between layouts unless transposing changes
    nothing (symmetric Jacobians, scalars)."""
    for r in RULES.values():
        same = r.latex_numerator == r.latex_denominator
        assert same == _symmetric(_sample_derivative(r)), r.name


def test_braces_checker():
    assert _braces_balanced(r"\frac{a}{b}")
    assert not _braces_balanced(r"\frac{a}{b")
    assert not _braces_balanced(r"}{")
    assert _braces_balanced(r"\{ x \}")


MATHJAX = Path(__file__).resolve().parents[1] / "node_modules" / "mathjax"


@pytest.mark.skipif(shutil.which("node") is None or not MATHJAX.is_dir(),
                    reason="needs node and node_modules/mathjax")
def test_latex_renders_in_mathjax(tmp_path):
    strings = tmp_path / "strings.json"
    strings.write_text(json.dumps(_latex_strings()))
    script = tmp_path / "check.js"
    script.write_text(f"""
const strings = require({json.dumps(str(strings))});
require({json.dumps(str(MATHJAX))}).init({{
  loader: {{load: ['input/tex-base', '[tex]/ams', '[tex]/boldsymbol']}},
  tex: {{packages: ['base', 'ams', 'boldsymbol']}}
}}).then((MathJax) => {{
  const bad = strings.filter(([n, l, s]) =>
    MathJax.tex2mml(s).includes('merror')).map(([n, l]) => n + ' ' + l);
  if (!MathJax.tex2mml('\\\\undefinedmacro').includes('merror'))
    bad.push('checker cannot see errors');
  console.log(JSON.stringify(bad));
}});
""")
    out = subprocess.run(["node", str(script)], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


# --------------------------------------------------------------------------
# the printed formulas are the checked formulas
# --------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(RULES))
def test_latex_is_printed_from_the_checked_formulas(name):
    rule = RULES[name]
    assert rule.formulas is not None
    assert rule.formulas.latex() == (rule.latex_numerator,
                                     rule.latex_denominator)


def test_register_refuses_latex_typed_by_hand():
    import dataclasses
    rule = dataclasses.replace(get("log-det"), name="log-det-typed",
                               latex_numerator=r"X^{-\top}")
    with pytest.raises(ValueError, match="printed from its formulas"):
        ids.register(rule)
    bare = Rule("bare", "t", "x", "x", 4, np.sin, np.cos, "x",
                lambda d: {"x": ()})
    with pytest.raises(ValueError, match="printed from its formulas"):
        ids.register(bare)
    assert "log-det-typed" not in RULES and "bare" not in RULES


def test_a_typo_in_a_printed_formula_fails_verification():
    """A formula printed wrongly is evaluated wrongly: corrupt one formula
    in the source of a scratch copy of mathlib, and its rule fails."""
    root = Path(__file__).resolve().parents[1]
    code = ("import json; from mathlib import identities as I; "
            "r = I.get('least-squares-hessian'); v = I.verify(r); "
            "print(json.dumps([r.latex_numerator, v.passed, v.message]))")

    def run(folder):
        out = subprocess.run(
            ["python", "-c", code], cwd=folder, capture_output=True,
            text=True, timeout=120,
            env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
            executable=__import__("sys").executable)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout.strip().splitlines()[-1])

    scratch = Path(__import__("tempfile").mkdtemp())
    try:
        shutil.copytree(root / "mathlib", scratch / "mathlib",
                        ignore=shutil.ignore_patterns("__pycache__"))
        latex, passed, _ = run(scratch)
        assert passed and r"= 2 A^{\top} A" in latex
        source = scratch / "mathlib" / "identities" / "_rules_second.py"
        text = source.read_text()
        typo = text.replace("sqnorm(A * x - b), x, 2 * T(A) * A,",
                            "sqnorm(A * x - b), x, T(A) * A,")
        assert typo != text
        source.write_text(typo)
        latex, passed, message = run(scratch)
        assert r"= A^{\top} A" in latex and "2 A" not in latex
        assert not passed and "relative error" in message
    finally:
        shutil.rmtree(scratch)


def test_expression_language_prints_what_it_evaluates():
    """Each operation prints and evaluates in one place; pinned here."""
    from mathlib.identities import _expr as E
    x, y, A, z = E.vec("x"), E.vec("y"), E.mat("A"), E.sca("z")
    env = {"x": np.array([1.0, -2.0]), "y": np.array([3.0, 0.5]),
           "A": np.array([[1.0, 2.0], [3.0, 4.0]]), "z": 2.0}
    xc, yc, Am = env["x"][:, None], env["y"][:, None], env["A"]
    cases = [
        (x + y, r"\mathbf{x} + \mathbf{y}", xc + yc),
        (x - (y - x), r"\mathbf{x} - (\mathbf{y} - \mathbf{x})",
         2 * xc - yc),
        (-x, r"-\mathbf{x}", -xc),
        (A * x, r"A \mathbf{x}", Am @ xc),
        (z * x, r"z \mathbf{x}", 2 * xc),
        (E.Frac(x, z), r"\frac{\mathbf{x}}{z}", xc / 2),
        (E.Had(x, y), r"\mathbf{x} \odot \mathbf{y}", xc * yc),
        (E.HadDiv(x, y), r"\mathbf{x} \oslash \mathbf{y}", xc / yc),
        (E.Kron(A, x), r"A \otimes \mathbf{x}", np.kron(Am, xc)),
        (E.T(x) * A, r"\mathbf{x}^{\top} A", xc.T @ Am),
        (E.inv(A), r"A^{-1}", np.linalg.inv(Am)),
        (E.invT(A), r"A^{-\top}", np.linalg.inv(Am).T),
        (E.power(z, 2), r"z^{2}", np.array([[4.0]])),
        (E.diag(x), r"\operatorname{diag}(\mathbf{x})", np.diag([1., -2.])),
        (E.tr(A), r"\operatorname{tr}(A)", np.array([[5.0]])),
        (E.det(A), r"\det(A)", np.array([[np.linalg.det(Am)]])),
        (E.logdet(A * E.T(A)), r"\log \det(A A^{\top})",
         np.array([[np.log(np.linalg.det(Am @ Am.T))]])),
        (E.vecop(A), r"\operatorname{vec}(A)", np.array([[1.], [3.], [2.],
                                                          [4.]])),
        (E.norm(x), r"\lVert \mathbf{x} \rVert_2", np.array([[5 ** .5]])),
        (E.sqnorm(x), r"\lVert \mathbf{x} \rVert_2^2", np.array([[5.]])),
        (E.frob2(A), r"\lVert A \rVert_F^2", np.array([[30.]])),
        (E.positive(x), r"[\mathbf{x} > 0]", np.array([[1.], [0.]])),
        (E.relu(x), r"\max(0, \mathbf{x})", np.array([[1.], [0.]])),
        (E.sigma(z), r"\sigma(z)", np.array([[1 / (1 + np.exp(-2))]])),
        (E.softplus(z), r"\operatorname{softplus}(z)",
         np.array([[np.log(1 + np.exp(2))]])),
        (E.softmax(x), r"\operatorname{softmax}(\mathbf{x})",
         np.exp(xc) / np.exp(xc).sum()),
        (E.log_softmax(x), r"\log \operatorname{softmax}(\mathbf{x})",
         xc - np.log(np.exp(xc).sum())),
        (E.exp(z), r"\exp(z)", np.array([[np.exp(2)]])),
        (E.log(z), r"\log(z)", np.array([[np.log(2)]])),
        (E.sin(z), r"\sin(z)", np.array([[np.sin(2)]])),
        (E.cos(z), r"\cos(z)", np.array([[np.cos(2)]])),
        (E.tanh(z), r"\tanh(z)", np.array([[np.tanh(2)]])),
        (E.tanh2(z), r"\tanh^2(z)", np.array([[np.tanh(2) ** 2]])),
        (E.Eye(x, "n"), r"I_{n}", np.eye(2)),
        (E.Ones(x), r"\mathbf{1}", np.ones((2, 1))),
        (E.PerN(2, E.T(x) * y, x), r"\frac{2}{N} \mathbf{x}^{\top} "
         r"\mathbf{y}", np.array([[2.0]])),
    ]
    for expr, tex, value in cases:
        assert expr.tex() == tex
        np.testing.assert_allclose(expr.ev(env), value, rtol=1e-12)
    u = E.Call("u", z)
    env["u"] = (np.sin, np.cos, lambda s: -np.sin(s))
    assert (u.tex(), u.d().tex(), u.d().d().tex()) == \
        ("u(z)", "u'(z)", "u''(z)")
    np.testing.assert_allclose(u.d().d().ev(env), [[-np.sin(2)]])
    f = E.VCall("f", x)
    env["f"] = (lambda s: Am @ s, lambda s: Am)
    assert (f.tex(), f.J().tex()) == (r"\mathbf{f}(\mathbf{x})",
                                      r"J_{\mathbf{f}}(\mathbf{x})")
    np.testing.assert_allclose(f.J().ev(env), Am)


def _lhs_and_shape(statement):
    """(left-hand side, printed shape or None) of a printed statement."""
    lhs = statement.split(" = ", 1)[0]
    shape = re.search(r"\\in \\mathbb\{R\}\^\{([^}]*)\}", statement)
    return lhs, shape.group(1) if shape else None


def test_no_left_hand_side_is_printed_with_two_shapes():
    # the same symbols on the left of "=" must name one object: a
    # transposed layout is written as a transpose (or as nabla), never
    # with the left side of the other layout (the old jvp row printed
    # d/dt f(x + tv) as k x 1 and as 1 x k)
    seen = {}
    for rule in RULES.values():
        for statement in (rule.latex_numerator, rule.latex_denominator):
            lhs, shape = _lhs_and_shape(statement)
            seen.setdefault(lhs, set()).add(shape)
    clashes = {lhs: shapes for lhs, shapes in seen.items()
               if len(shapes) > 1}
    assert clashes == {}
    assert len(seen) > len(RULES)      # the scan read both layouts
