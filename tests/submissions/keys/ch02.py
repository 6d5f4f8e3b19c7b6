"""A right answer to every question of problem set ch02 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

CORRECT = {
    "ch02.q1": "partials = np.array([4 + np.cos(2), 4 + 2 * np.cos(2)])",
    "ch02.q2": "grad_sym = sp.Matrix([y**2 + z * sp.exp(x), 2 * x * y, "
               "sp.exp(x)])",
    "ch02.q3": 'layout = "B"',
    "ch02.q4": "def grad_f(x):\n    return 2 * x / (1 + x @ x)",
    "ch02.q5": "estimate = 2 + 0.02 * 4 + (-0.03) * 1",
    "ch02.q6": "def grad_X(X):\n    return 2 * np.outer(X @ b, b)",
    "ch02.q7": "def grad_ce(z):\n    e = np.exp(z - np.max(z))\n"
               "    p = e / e.sum()\n    p[0] -= 1\n    return p",
}
