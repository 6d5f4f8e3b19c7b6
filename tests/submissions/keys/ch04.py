"""A right answer to every question of problem set ch04 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

CORRECT = {
    "ch04.q1": "J_g = np.array([[1.0, -4.0, 1.0], [1.0, 0.0, -2.0]])",
    "ch04.q2": "estimate = 1 + 0.5 * 0.1 + 2 * np.cos(np.pi / 6) * (-0.05)",
    "ch04.q3": "J_u = sp.diag(2 * x1 / y1, 2 * x2 / y2, 2 * x3 / y3)",
    "ch04.q4": "du_dz = sp.Matrix([2 * z * x1 + 1, 2 * z * x2 + 1, "
               "2 * z * x3 + 1])",
    "ch04.q5": "def dL_dx(x):\n    return (2 * (x - y) / 4).reshape(1, 4)",
    "ch04.q6": 'layout = "B"',
    "ch04.q7": "def jac_p(x):\n    s = np.sum(x)\n"
               "    return np.eye(4) / s - np.outer(x, np.ones(4)) / s**2",
}
