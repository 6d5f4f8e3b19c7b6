"""A right answer to every question of problem set ch08 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

CORRECT = {
    "ch08.q1": 'shapes = "A"',
    "ch08.q2": "grad_quad = (A_q + A_q.T) @ x_q",
    "ch08.q3": "def grad_U(U):\n    R = X_fac - U @ V_fac\n"
               "    return -2 * R @ V_fac.T + 2 * lam * U",
    "ch08.q4": "Xi = np.linalg.inv(X_d)\ndinv12 = -(Xi @ E_d @ Xi)[0, 1]",
    "ch08.q5": "grad_logdet = X_sym.inv().T + A_t.T",
    "ch08.q6": "s = softmax(z_s)\njac_softmax = np.diag(s) - np.outer(s, s)",
    "ch08.q7": "def grad_W(W):\n    Z = X_feat @ W.T + c_b        # (5, 4): row k "
               "is z^(k)\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
               "    S = E / E.sum(axis=1, keepdims=True)\n"
               "    return (S - Y).T @ X_feat / len(X_feat)",
    "ch08.q8": 'layout_ls = "B"',
}
