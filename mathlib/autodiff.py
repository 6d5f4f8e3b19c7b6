"""A tiny reverse-mode automatic differentiation engine.

Introduced in chapter 5, *The chain rules and backpropagation*.

A :class:`Value` is a scalar that remembers the operation and the inputs
that produced it. ``loss.backward()`` walks that graph from ``loss`` back
to the inputs in reverse topological order, applying the chain rule
once per edge: each node adds ``(local derivative) * (its own grad)`` to
the ``grad`` of each input. Because the contributions are *added*, a
variable used several times gets the sum over all paths (the total
derivative).

Gradients of leaves (inputs) accumulate over calls to ``backward()``, as
in PyTorch; call ``zero_grad()`` before a new backward pass.
"""

import math
import numbers

import numpy as np

__all__ = ["Value", "grad"]


def _real(x, what):
    if isinstance(x, Value):
        return x
    if not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a real number or a Value, got "
                        f"{type(x).__name__}")
    return Value(x)


class Value:
    """A scalar node of a computation graph: ``data`` and ``grad``.

    Supports +, -, *, / with Values and numbers (either side), ``**``
    with a number exponent, unary -, and exp, log, tanh, relu, sigmoid.

    Examples
    --------
    The four-variable example: every input is used once, the sum twice.

    >>> w, x, y, z = Value(1.0), Value(2.0), Value(-1.0), Value(0.5)
    >>> s = w + x + y + z
    >>> f = s * s
    >>> f.backward()
    >>> f.data, w.grad, z.grad
    (6.25, 5.0, 5.0)
    """

    def __init__(self, data, _parents=(), _op=""):
        if isinstance(data, bool) or not isinstance(data, numbers.Real):
            raise TypeError("Value data must be a real number, got "
                            f"{type(data).__name__}")
        if not math.isfinite(data):
            raise ValueError(f"{_op or 'Value'} gave a non-finite result "
                             f"{data}")
        self.data, self.grad = float(data), 0.0
        self._parents, self._op = _parents, _op
        self._backward = lambda: None   # pushes self.grad to the parents

    def __repr__(self):
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g})"

    def __add__(self, other):
        other = _real(other, "operand of +")
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = _real(other, "operand of *")
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, p):
        if isinstance(p, Value):
            raise TypeError("the exponent of ** must be a number, not a "
                            "Value; for a variable exponent write "
                            "(b * a.log()).exp() for a**b (needs a > 0)")
        if isinstance(p, bool) or not isinstance(p, numbers.Real) \
                or not math.isfinite(p):
            raise TypeError(f"exponent must be a finite real number, got "
                            f"{p!r}")
        x = self.data
        if x < 0 and p != int(p):
            raise ValueError(f"{x} ** {p} is not a real number")
        if x == 0 and (p < 0 or 0 < p < 1):
            raise ValueError(f"0.0 ** {p}: the derivative (or the value) "
                             "is infinite at 0")
        local = p * x ** (p - 1) if p != 0 else 0.0
        return self._unary(x ** p, local, f"**{p}")

    def _unary(self, data, local, op):
        """A node out = g(self) with g'(self.data) = local."""
        out = Value(data, (self,), op)

        def _backward():
            self.grad += local * out.grad
        out._backward = _backward
        return out

    def exp(self):
        """e**x; derivative e**x.

        >>> Value(0.0).exp()
        Value(data=1, grad=0)
        """
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise ValueError(f"exp({self.data}) overflows float64") from None
        return self._unary(e, e, "exp")

    def log(self):
        """Natural log; derivative 1/x. Raises ValueError for x <= 0.

        >>> Value(0.0).log()
        Traceback (most recent call last):
        ...
        ValueError: log of a non-positive value: 0.0
        """
        if self.data <= 0:
            raise ValueError(f"log of a non-positive value: {self.data}")
        return self._unary(math.log(self.data), 1 / self.data, "log")

    def tanh(self):
        """tanh(x); derivative 1 - tanh(x)**2.

        >>> x = Value(0.0); y = x.tanh(); y.backward(); x.grad
        1.0
        """
        t = math.tanh(self.data)
        return self._unary(t, 1 - t * t, "tanh")

    def sigmoid(self):
        """s = 1 / (1 + exp(-x)); derivative s (1 - s).

        >>> x = Value(0.0); y = x.sigmoid(); y.backward(); y.data, x.grad
        (0.5, 0.25)
        """
        s = 0.5 * (1 + math.tanh(self.data / 2))  # no overflow
        return self._unary(s, s * (1 - s), "sigmoid")

    def relu(self):
        """max(0, x); derivative 1 for x > 0 and 0 for x <= 0 (the kink
        at 0 has no derivative: by convention, as in PyTorch, 0).

        >>> x = Value(0.0); y = x.relu(); y.backward(); x.grad
        0.0
        """
        return self._unary(max(0.0, self.data), float(self.data > 0),
                           "relu")

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-_real(other, "operand of -"))

    def __rsub__(self, other):
        return _real(other, "operand of -") + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        other = _real(other, "operand of /")
        if other.data == 0:
            raise ZeroDivisionError(f"division of {self.data} by zero")
        return self * other ** -1

    def __rtruediv__(self, other):
        return _real(other, "operand of /") / self

    def backward(self):
        """Fill ``grad`` of every node with d(self)/d(node).

        Reverse-mode sweep: sort the graph topologically, set
        ``self.grad = 1`` and let each node, from the output back to the
        inputs, push its grad to its parents. Grads of inner nodes are
        reset first; grads of leaves accumulate (see ``zero_grad``).

        >>> x = Value(3.0)
        >>> y = x * x + x          # x is used three times
        >>> y.backward()
        >>> x.grad                 # 2x + 1
        7.0
        """
        order = self._topological_order()
        for node in order:
            if node._parents:
                node.grad = 0.0
        self.grad += 1.0
        for node in reversed(order):
            node._backward()

    def zero_grad(self):
        """Set ``grad = 0`` on every node of the graph that ends here.

        >>> x = Value(2.0)
        >>> y = x * x
        >>> y.backward(); y.backward()   # leaves accumulate: 4 + 4
        >>> x.grad
        8.0
        >>> y.zero_grad(); y.backward(); x.grad
        4.0
        """
        for node in self._topological_order():
            node.grad = 0.0

    def _topological_order(self):
        """Nodes with every node after its parents (iterative DFS, so deep
        graphs do not hit the recursion limit)."""
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents)
        return order


def grad(f, x):
    """Gradient of f at x by reverse mode: one backward pass.

    Introduced in chapter 5, *The chain rules and backpropagation*.

    Parameters
    ----------
    f : callable
        ``f(*values) -> Value``, built from Value operations.
    x : sequence of float, shape (n,)
        The point.

    Returns
    -------
    ndarray, shape (n,)
        ``[df/dx_0, ..., df/dx_{n-1}]`` (same shape as x).

    Examples
    --------
    >>> print(grad(lambda w, x, y, z: (w + x + y + z) ** 2,
    ...            [1.0, 2.0, -1.0, 0.5]))
    [5. 5. 5. 5.]
    >>> print(grad(lambda a, b: a * b + a.tanh(), [0.0, 2.0]))
    [3. 0.]
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D (one float per argument of f), "
                         f"got shape {x.shape}")
    xs = [Value(float(v)) for v in x]
    out = f(*xs)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value, got {type(out).__name__}")
    out.backward()
    return np.array([v.grad for v in xs])
