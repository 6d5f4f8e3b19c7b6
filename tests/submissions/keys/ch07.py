"""A right answer to every question of problem set ch07 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

CORRECT = {
    "ch07.q1": "H_sym = sp.Matrix([\n"
               "    [2 * y, 2 * x, 0],\n"
               "    [2 * x, -z**2 * sp.sin(y * z),\n"
               "     sp.cos(y * z) - y * z * sp.sin(y * z)],\n"
               "    [0, sp.cos(y * z) - y * z * sp.sin(y * z),\n"
               "     -y**2 * sp.sin(y * z)]])",
    "ch07.q2": "H_quad = A + A.T",
    "ch07.q3": "H_origin = np.array([[0.0, 1.0], [-2.0, 0.0]])",
    "ch07.q4": 'T2 = "1 + 2*(x - 1) + y + (x - 1)**2 + 2*(x - 1)*y + '
               'y**2/2"',
    "ch07.q5": 'classify = "C"',
    "ch07.q6": "lam = np.linalg.eigvalsh(np.array([[82.0, -40.0],\n"
               "                                  [-40.0, 20.0]]))\n"
               "kappa = lam[-1] / lam[0]",
    "ch07.q7": "def newton_step(w):\n"
               "    s = np.exp(w) / np.sum(np.exp(w))\n"
               "    g = s + w\n"
               "    H = np.diag(s) - np.outer(s, s) + np.eye(3)\n"
               "    return w - np.linalg.solve(H, g)",
    "ch07.q8": "def hvp(V):\n"
               "    Z = X @ W0.T                           # N x K\n"
               "    S = np.exp(Z) / np.sum(np.exp(Z), axis=1, "
               "keepdims=True)\n"
               "    U = X @ V.T                            # row n: "
               "(V x_n)^T\n"
               "    J = S * U - S * np.sum(S * U, axis=1, keepdims=True)\n"
               "    return J.T @ X / len(labels)",
}
