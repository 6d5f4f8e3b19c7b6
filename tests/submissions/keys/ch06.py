"""A right answer to every question of problem set ch06 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

CORRECT = {
    "ch06.q1": 'layout = "B"',
    "ch06.q2": "z = X_toy @ w_toy + b_toy                      # (N,)\n"
               "delta = 2 / len(y_toy) * (relu(z) - y_toy) * (z > 0)\n"
               "dC_db = delta.sum()",
    "ch06.q3": "z = X_toy @ w_toy + b_toy                      # (N,)\n"
               "delta = 2 / len(y_toy) * (relu(z) - y_toy) * (z > 0)\n"
               "grad_w = X_toy.T @ delta",
    "ch06.q4": "g = W_sym * x_sym - t_sym                      # 2 x 1\n"
               "grad_W_sym = g * x_sym.T",
    "ch06.q5": "def grad_W(W):\n"
               "    G = np.tanh(X_batch @ W.T + b_layer - T_batch)  # (N, m)\n"
               "    return G.T @ X_batch",
    "ch06.q6": 'update = "B"',
    "ch06.q7": "def grad_W1(W1):\n"
               "    Z1 = X_net @ W1.T + b1                       # (N, h)\n"
               "    y_hat = relu(Z1) @ W2.T + b2                 # (N, 1)\n"
               "    G2 = 2 / len(y_net) * (y_hat - y_net[:, None])\n"
               "    G1 = (G2 @ W2) * (Z1 > 0)                    # (N, h)\n"
               "    return G1.T @ X_net",
    "ch06.q8": "a = 1 / (1 + sp.exp(-(w1 * x1 + w2 * x2 + b)))\n"
               "dC_dw1 = 2 * (a - y) * a * (1 - a) * x1",
}
