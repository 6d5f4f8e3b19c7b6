"""A right answer to every question of problem set ch01 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

CORRECT = {
    "ch01.q1": "limit_value = 3.0",
    "ch01.q2": "def cube(t):\n    return t**3\n\n\nquotients = np.array("
               "[(cube(2 + h) - cube(2)) / h\n"
               "                      for h in [0.1, 0.01, 0.001]])",
    "ch01.q3": "delta = 0.02 / 5",
    "ch01.q4": "dfdx = 2 * x * sp.log(x) + x",
    "ch01.q5": "dg = 2 * sp.exp(2 * x) / (1 + sp.exp(2 * x))",
    "ch01.q6": "def dsigmoid(x):\n    s = sigmoid(x)\n    return s * (1 - s)",
    "ch01.q7": 'best_step = "B"',
    "ch01.q8": "complex_step = ((2 + 0.1j) ** 3).imag / 0.1",
}
