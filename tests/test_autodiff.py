"""Tests of mathlib.autodiff against mathlib.numeric."""

import math

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mathlib import numeric
from mathlib.autodiff import Value, grad


# --------------------------------------------------------------------------
# random compositions, evaluated twice: on Values and on numpy scalars
# --------------------------------------------------------------------------

class ValueOps:
    tanh, exp, log = Value.tanh, Value.exp, Value.log
    sigmoid, relu = Value.sigmoid, Value.relu


class NumpyOps:
    tanh, exp, log = np.tanh, np.exp, np.log

    @staticmethod
    def sigmoid(a):
        return 1 / (1 + np.exp(-a))

    @staticmethod
    def relu(a):
        return np.maximum(0, a)


# name -> op(T, a, b) (unary ones ignore b); every value stays finite
# and in the domain
OPS = {
    "add": lambda T, a, b: a + b,
    "sub": lambda T, a, b: a - b,
    "mul": lambda T, a, b: a * b,
    "div": lambda T, a, b: a / (1 + b * b),
    "rsub": lambda T, a, b: 2.0 - a,
    "rdiv": lambda T, a, b: 1.0 / (2 + a * a),
    "radd-rmul": lambda T, a, b: 3 * a + 1,
    "neg": lambda T, a, b: -a,
    "square": lambda T, a, b: a ** 2,
    "cube": lambda T, a, b: a ** 3,
    "sqrt": lambda T, a, b: (1 + a * a) ** 0.5,
    "tanh": lambda T, a, b: T.tanh(a),
    "exp": lambda T, a, b: T.exp(T.tanh(a)),
    "log": lambda T, a, b: T.log(1 + a * a),
    "sigmoid": lambda T, a, b: T.sigmoid(a),
    "relu": lambda T, a, b: T.relu(a),
}


def run(program, inputs, T):
    """Registers start as the inputs; each step appends op(r[i], r[j]);
    the output is the sum of all registers (so every node is used)."""
    regs = list(inputs)
    for op, i, j in program:
        regs.append(OPS[op](T, regs[i], regs[j]))
    out = regs[0]
    for r in regs[1:]:
        out = out + r
    return out


def relu_arguments(program, x):
    regs, args = [float(v) for v in x], []
    for op, i, j in program:
        if op == "relu":
            args.append(regs[i])
        regs.append(OPS[op](NumpyOps, regs[i], regs[j]))
    return args


@st.composite
def programs(draw):
    n = draw(st.integers(1, 4))
    program = []
    for k in range(draw(st.integers(1, 7))):
        program.append((draw(st.sampled_from(sorted(OPS))),
                        draw(st.integers(0, n + k - 1)),
                        draw(st.integers(0, n + k - 1))))
    x = draw(st.lists(st.floats(-2, 2), min_size=n, max_size=n))
    return program, x


FOUR_VARIABLES = ([("add", 0, 1), ("add", 4, 2), ("add", 5, 3),
                   ("square", 6, 6)], [1.0, 2.0, -1.0, 0.5])
REUSE = ([("mul", 0, 0), ("mul", 2, 0), ("tanh", 3, 3), ("mul", 4, 1)],
         [0.3, -1.2])
ALL_UNARY = ([(op, 0, 0) for op in ["exp", "log", "sigmoid", "sqrt",
                                    "rdiv", "rsub"]], [0.7])


@settings(derandomize=True, max_examples=80, deadline=None)
@given(programs())
@example(FOUR_VARIABLES)
@example(REUSE)
@example(ALL_UNARY)
@example(([("relu", 0, 0), ("relu", 1, 1)], [1.5, -0.5]))
def test_gradient_matches_numeric(case):
    program, x = case
    assume(all(abs(a) > 1e-3 for a in relu_arguments(program, x)))
    ours = grad(lambda *v: run(program, v, ValueOps), x)
    ref = numeric.gradient(lambda z: run(program, z, NumpyOps),
                           np.array(x))
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-9)


def test_forward_value_matches_numpy():
    program, x = REUSE
    xs = [Value(v) for v in x]
    assert run(program, xs, ValueOps).data == pytest.approx(
        run(program, np.array(x), NumpyOps), rel=1e-14)


# --------------------------------------------------------------------------
# multiple uses, accumulation, kinks
# --------------------------------------------------------------------------

def test_four_variable_example():
    w, x, y, z = (Value(v) for v in (1.0, 2.0, -1.0, 0.5))
    f = (w + x + y + z) ** 2
    f.backward()
    assert f.data == 6.25
    assert [v.grad for v in (w, x, y, z)] == [5.0] * 4


def test_variable_used_many_times():
    x = Value(1.5)
    y = x * x * x + x / x - x       # 3x^2 + 0 - 1
    y.backward()
    assert x.grad == pytest.approx(3 * 1.5 ** 2 - 1, rel=1e-15)


def test_same_node_twice_in_one_operation():
    x = Value(3.0)
    (x + x).backward()
    assert x.grad == 2.0
    x.zero_grad()
    (x * x).backward()
    assert x.grad == 6.0


def test_shared_subexpression():
    a = Value(2.0)
    b = a.tanh()
    c = b * b + b.exp()             # b used three times
    c.backward()
    t = math.tanh(2.0)
    assert a.grad == pytest.approx((2 * t + math.exp(t)) * (1 - t * t))


def test_leaf_grads_accumulate_and_zero_grad_resets():
    x = Value(2.0)
    y = x * x
    y.backward()
    y.backward()
    assert x.grad == 8.0            # leaves accumulate, like PyTorch
    y.zero_grad()
    assert x.grad == 0.0 and y.grad == 0.0
    y.backward()
    assert x.grad == 4.0


def test_inner_grads_do_not_accumulate():
    x = Value(2.0)
    h = x * 3
    y = h * h
    y.backward()
    y.backward()
    assert h.grad == 2 * 6.0        # reset before each pass
    assert y.grad == 1.0


def test_backward_on_a_leaf():
    x = Value(4.0)
    x.backward()
    assert x.grad == 1.0


@pytest.mark.parametrize("x, g", [(2.0, 1.0), (-2.0, 0.0), (0.0, 0.0)])
def test_relu_derivative_and_kink_convention(x, g):
    v = Value(x)
    out = v.relu()
    out.backward()
    assert out.data == max(0.0, x)
    assert v.grad == g              # 0 at the kink, by convention


def test_deep_graph_has_no_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(5000):
        y = y + x * 0.001
    y.backward()
    assert x.grad == pytest.approx(1 + 5000 * 0.001)


# --------------------------------------------------------------------------
# each operation against numeric.derivative
# --------------------------------------------------------------------------

UNARY = {
    "exp": (Value.exp, np.exp),
    "log": (Value.log, np.log),
    "tanh": (Value.tanh, np.tanh),
    "sigmoid": (Value.sigmoid, lambda t: 1 / (1 + np.exp(-t))),
    "neg": (lambda v: -v, lambda t: -t),
    "pow2.5": (lambda v: v ** 2.5, lambda t: t ** 2.5),
    "pow-3": (lambda v: v ** -3, lambda t: t ** -3),
    "rtruediv": (lambda v: 3 / v, lambda t: 3 / t),
    "rsub": (lambda v: 3 - v, lambda t: 3 - t),
    "radd": (lambda v: 3 + v, lambda t: 3 + t),
    "rmul": (lambda v: 3 * v, lambda t: 3 * t),
    "pow0": (lambda v: v ** 0, lambda t: t ** 0 + 0 * t),
}


@pytest.mark.parametrize("name", list(UNARY))
@pytest.mark.parametrize("x", [0.3, 1.7])
def test_unary_derivatives(name, x):
    ours, theirs = UNARY[name]
    v = Value(x)
    out = ours(v)
    out.backward()
    assert out.data == pytest.approx(float(theirs(x)), rel=1e-14)
    assert v.grad == pytest.approx(numeric.derivative(theirs, x),
                                   rel=1e-10, abs=1e-14)


def test_sigmoid_does_not_overflow():
    v = Value(-1000.0)
    out = v.sigmoid()
    out.backward()
    assert out.data == 0.0 and v.grad == 0.0


def test_numpy_scalars_are_accepted():
    v = Value(np.float32(2.0)) * np.float64(3.0) + np.int64(1)
    assert v.data == 7.0 and isinstance(v.data, float)


def test_repr():
    assert repr(Value(6.25)) == "Value(data=6.25, grad=0)"


# --------------------------------------------------------------------------
# clear errors
# --------------------------------------------------------------------------

@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_non_positive(x):
    with pytest.raises(ValueError, match="log of a non-positive value"):
        Value(x).log()


@pytest.mark.parametrize("bad", ["1", None, [1.0], 1j, True])
def test_non_numeric_data(bad):
    with pytest.raises(TypeError, match="real number"):
        Value(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_data(bad):
    with pytest.raises(ValueError, match="non-finite"):
        Value(bad)


@pytest.mark.parametrize("op", ["+", "-", "*", "/"])
def test_non_numeric_operands(op):
    v = Value(1.0)
    for bad in ["a", None, np.ones(2), 1j]:
        with pytest.raises(TypeError, match="real number or a Value"):
            eval(f"v {op} bad")
        if not isinstance(bad, np.ndarray):   # arrays map over Values
            with pytest.raises(TypeError):
                eval(f"bad {op} v")


def test_value_exponent_is_refused_with_an_explanation():
    with pytest.raises(TypeError, match=r"exp\(\)"):
        Value(2.0) ** Value(3.0)
    with pytest.raises(TypeError, match="finite real number"):
        Value(2.0) ** "3"
    with pytest.raises(TypeError, match="finite real number"):
        Value(2.0) ** float("inf")


def test_bad_powers():
    with pytest.raises(ValueError, match="not a real number"):
        Value(-8.0) ** (1 / 3)
    with pytest.raises(ValueError, match="infinite at 0"):
        Value(0.0) ** 0.5
    with pytest.raises(ValueError, match="infinite at 0"):
        Value(0.0) ** -1
    assert (Value(-2.0) ** 3).data == -8.0


def test_division_by_zero():
    with pytest.raises(ZeroDivisionError, match="by zero"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match="by zero"):
        1.0 / Value(0.0)


def test_overflow_is_reported():
    with pytest.raises(ValueError, match="overflows"):
        Value(1000.0).exp()
    with pytest.raises(ValueError, match=r"\* gave a non-finite result"):
        Value(1e200) * Value(1e200)


def test_grad_helper_errors():
    with pytest.raises(TypeError, match="callable"):
        grad(3, [1.0])
    with pytest.raises(ValueError, match="1-D"):
        grad(lambda a: a, [[1.0]])
    with pytest.raises(TypeError, match="must return a Value"):
        grad(lambda a: 1.0, [1.0])
