"""A right answer to every question of problem set ch09 (an instructor's
key, read by ../cases.py; the notebooks handed out contain none)."""

_ATT = ("    T, d = Q.shape\n"
        "    S = Q @ K.T / np.sqrt(d)\n"
        "    S = np.where(np.tril(np.ones((T, T), dtype=bool)), S, -np.inf)\n"
        "    P = softmax_rows(S)\n"
        "    dP = G_a @ V_a.T\n"
        "    dS = P * (dP - np.sum(P * dP, axis=1, keepdims=True))\n")

_NORM = ("    mu = X.mean(axis={a}, keepdims=True)\n"
         "    sigma = np.sqrt(X.var(axis={a}, keepdims=True) + 1e-5)\n"
         "    Xh = (X - mu) / sigma\n"
         "    g = {gamma} * {ybar}\n"
         "    return (g - g.mean(axis={a}, keepdims=True)\n"
         "            - Xh * (g * Xh).mean(axis={a}, keepdims=True)) / sigma")

CORRECT = {
    "ch09.q1": 'jac_size = "B"',
    "ch09.q2": "def grad_Q(Q):\n    K = K_a\n" + _ATT
               + "    return dS @ K / np.sqrt(d)",
    "ch09.q3": "def grad_K(K):\n    Q = Q_a\n" + _ATT
               + "    return dS.T @ Q / np.sqrt(d)",
    "ch09.q4": "score_sd = np.sqrt(64)   # variance d * 1",
    "ch09.q5": "def grad_X_ln(X):\n"
               + _NORM.format(a=1, gamma="gamma_l", ybar="Ybar_l"),
    "ch09.q6": "def grad_X_bn(X):\n"
               + _NORM.format(a=0, gamma="gamma_b", ybar="Ybar_b"),
    "ch09.q7": "grad_E = np.zeros((6, 2))\nnp.add.at(grad_E, ids, Ybar_e)",
    "ch09.q8": "C = np.zeros((4, 9))   # the padded x has 9 entries\n"
               "for i in range(4):\n"
               "    C[i, 2 * i:2 * i + 3] = w_c\n"
               "grad_x_conv = (C.T @ ybar_c)[1:8]   # drop the padding",
    "ch09.q9": "r = sp.sqrt((x1**2 + x2**2) / 2)\n"
               "dy1_dx2 = -x1 * x2 / (2 * r**3)",
}
