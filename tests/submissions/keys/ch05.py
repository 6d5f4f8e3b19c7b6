"""A right answer to every question of problem set ch05 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

CORRECT = {
    "ch05.q1": "dy_dx = -3 * x**2 * sp.sin(x**3) * sp.exp(sp.cos(x**3))",
    "ch05.q2": "total = np.exp(3) + (2 * np.exp(3) + 2 * 3) * 4",
    "ch05.q3": "J_yx = sp.Matrix([\n"
               "    [2 * x1 * x2**2, 2 * x1**2 * x2],\n"
               "    [2 * x1 * x2 - x2**2, x1**2 - 2 * x1 * x2],\n"
               "    [sp.cos(x1 - x2), -sp.cos(x1 - x2)]])",
    "ch05.q4": 'den_chain = "B"',
    "ch05.q5": "def grad_L(x):\n    h = np.tanh(W1 @ x)\n"
               "    y_bar = W2 @ h - target      # gradient by y, (2,)\n"
               "    h_bar = W2.T @ y_bar         # by h, (3,)\n"
               "    z_bar = (1 - h**2) * h_bar   # by z, (3,)\n"
               "    return W1.T @ z_bar",
    "ch05.q6": "adjoints = np.array([14.0, 4.0, 5.0, 24.0, 28.0, 4.0])",
    "ch05.q7": "mults = 1 * 50 * 200 + 1 * 200 * 1000",
    "ch05.q8": "def grad_rnn(p):\n    w, h0 = p\n    h = [h0]\n"
               "    for _ in range(3):\n        h.append(np.tanh(w * h[-1]))\n"
               "    h_bar, w_bar = 1.0, 0.0\n"
               "    for t in range(3, 0, -1):\n"
               "        z_bar = h_bar * (1 - h[t] ** 2)\n"
               "        w_bar += z_bar * h[t - 1]\n"
               "        h_bar = z_bar * w\n"
               "    return np.array([w_bar, h_bar])",
}
