"""A right answer to every question of problem set ch03 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

CORRECT = {
    "ch03.q1": "rate = 4 * 0.6 + 1 * (-0.8)",
    "ch03.q2": "g = np.array([5.0, 4.0, 3.0])\nascent = g / np.linalg.norm(g)",
    "ch03.q3": 'Dv = "2*x + 19*y/5"',
    "ch03.q4": "tangent = np.array([-2.0, 1.0]) / np.sqrt(5)",
    "ch03.q5": "eta_max = 2 / np.linalg.eigvalsh(A).max()",
    "ch03.q6": "def gd_step(x):\n    return x - eta * (A @ x - b)",
    "ch03.q7": 'critical = "B"',
    "ch03.q8": "max_rate = sp.exp(y) * sp.sqrt(1 + x**2)",
}
