r"""Chapter 9's rules for the registry of :mod:`mathlib.identities`.

Introduced in chapter 9, *Backpropagation through the layers of modern
networks*.

Each entry of ``FIELDS`` holds the fields of one
:class:`mathlib.identities.Rule` (chapter 9). Most are stated as the
gradient of a scalar ``<G, layer(X)>`` for a constant ``G`` of the
output's shape: that gradient *is* the layer's backward function applied
to ``G``, and it keeps every rule checkable by ``identities.verify``
(whose numerical Jacobians take vectors and matrices).

The registry accepts chapters 1 to 8 for now; :func:`register` adds these
rules once it accepts 9 (one bound in ``Rule.__post_init__``). Until
then :func:`verify` checks each rule with ``identities.verify`` itself.

Examples
--------
>>> [f["name"] for f in FIELDS][:3]
['linear-vjp-W', 'attention-vjp-Q', 'attention-vjp-K']
>>> verify("layer-norm").passed
True
"""


import numpy as np

from . import identities, layers

__all__ = ["FIELDS", "rules", "register", "verify", "verify_all"]

_G = r"\langle G, {} \rangle"
_P = (r",\ P = \operatorname{softmax}_{\text{rows}}(QK^{\top}/\sqrt{d}),"
      r"\ dS = P \odot \big(GV^{\top} - "
      r"\operatorname{rowsum}(P \odot GV^{\top})\mathbf{1}^{\top}\big)")
_ATT = r"O = \operatorname{attention}(Q, K, V)"


def _eq(f, wrt, rhs, shape):
    return (r"\nabla_{" + wrt + "} " + f + " = " + rhs + r" \in "
            r"\mathbb{R}^{" + shape + "}")


def _att_shapes(d):
    return {"Q": (d["n"], d["m"]), "K": (d["n"], d["m"]),
            "V": (d["n"], d["k"]), "G": (d["n"], d["k"])}


def _att(i):
    def grad(Q, K, V, G):
        return layers.attention_backward(G, Q, K, V, causal=True)[i]
    return grad


def _att_f(Q, K, V, G):
    return np.sum(G * layers.attention(Q, K, V, causal=True))


def _ln_shapes(d):
    return {"x": (d["n"],), "gamma": (d["n"],)}


def _ln_jac(x, gamma):
    """diag(gamma) (I - 11^T/n - xhat xhat^T/n) / sigma."""
    n = len(x)
    xhat, sigma = layers._normalize(x, -1, 1e-5)
    P = np.eye(n) - 1 / n - np.outer(xhat, xhat) / n
    return gamma[:, None] * P / sigma


def _rms_jac(x, gamma):
    """diag(gamma) (I - x x^T / (n r^2)) / r."""
    r = np.sqrt(np.mean(x * x) + 1e-6)
    return gamma[:, None] * (np.eye(len(x)) - np.outer(x, x) /
                             (len(x) * r * r)) / r


def _emb_sample(rng, d):
    return {"E": rng.standard_normal((d["m"], d["k"])),
            "ids": rng.integers(0, d["m"], d["n"]),
            "G": rng.standard_normal((d["n"], d["k"]))}


def _conv_shapes(d):
    n, k = d["n"] + d["k"], d["k"]
    return {"x": (n,), "w": (k,), "g": (n - k + 1,)}


def _residual_jac(x, A):
    return np.eye(len(x)) + (1 - np.tanh(A @ x) ** 2)[:, None] * A


FIELDS = [
    dict(name="linear-vjp-W", title="Linear layer XW^T over a batch, by W",
         latex_numerator=_eq(_G.format(r"XW^{\top}"), "W",
                             r"G^{\top}X", r"m \times n"),
         latex_denominator=_eq(_G.format(r"XW^{\top}"), "W",
                               r"G^{\top}X", r"m \times n"),
         function=lambda X, W, G: np.sum(G * (X @ W.T)),
         derivative=lambda X, W, G: G.T @ X, wrt="W",
         shapes=lambda d: {"X": (d["N"], d["n"]), "W": (d["m"], d["n"]),
                           "G": (d["N"], d["m"])}),
    dict(name="attention-vjp-Q", title="Causal attention, by Q",
         latex_numerator=_eq(_G.format("O"), "Q",
                             r"\tfrac{1}{\sqrt{d}}\, dS\, K",
                             r"T \times d") + r",\ " + _ATT + _P,
         function=_att_f, derivative=_att(0), wrt="Q",
         shapes=_att_shapes),
    dict(name="attention-vjp-K", title="Causal attention, by K",
         latex_numerator=_eq(_G.format("O"), "K",
                             r"\tfrac{1}{\sqrt{d}}\, dS^{\top} Q",
                             r"T \times d") + r",\ " + _ATT + _P,
         function=_att_f, derivative=_att(1), wrt="K",
         shapes=_att_shapes),
    dict(name="attention-vjp-V", title="Causal attention, by V",
         latex_numerator=_eq(_G.format("O"), "V", r"P^{\top} G",
                             r"T \times d_v") + r",\ " + _ATT + _P,
         function=_att_f, derivative=_att(2), wrt="V",
         shapes=_att_shapes),
    dict(name="layer-norm", title="Layer norm (Jacobian)",
         latex_numerator=(
             r"\frac{\partial\, \operatorname{LN}(\mathbf{x})}"
             r"{\partial \mathbf{x}} = \frac{1}{\sigma}"
             r"\operatorname{diag}(\boldsymbol{\gamma})\Big(I - "
             r"\tfrac{1}{n}\mathbf{1}\mathbf{1}^{\top} - \tfrac{1}{n}"
             r"\hat{\mathbf{x}}\hat{\mathbf{x}}^{\top}\Big) \in "
             r"\mathbb{R}^{n \times n},\ \hat{\mathbf{x}} = "
             r"(\mathbf{x} - \mu\mathbf{1})/\sigma"),
         latex_denominator=(
             r"\frac{\partial\, \operatorname{LN}(\mathbf{x})}"
             r"{\partial \mathbf{x}} = \frac{1}{\sigma}\Big(I - "
             r"\tfrac{1}{n}\mathbf{1}\mathbf{1}^{\top} - \tfrac{1}{n}"
             r"\hat{\mathbf{x}}\hat{\mathbf{x}}^{\top}\Big)"
             r"\operatorname{diag}(\boldsymbol{\gamma}) \in "
             r"\mathbb{R}^{n \times n}"),
         function=lambda x, gamma: layers.layer_norm(x, gamma, 0.0),
         derivative=_ln_jac, wrt="x", shapes=_ln_shapes),
    dict(name="rms-norm", title="RMSNorm (Jacobian)",
         latex_numerator=(
             r"\frac{\partial\, \operatorname{RMS}(\mathbf{x})}"
             r"{\partial \mathbf{x}} = \frac{1}{r}"
             r"\operatorname{diag}(\boldsymbol{\gamma})\Big(I - "
             r"\frac{\mathbf{x}\mathbf{x}^{\top}}{n r^2}\Big) \in "
             r"\mathbb{R}^{n \times n},\ r = \sqrt{\tfrac{1}{n}"
             r"\lVert\mathbf{x}\rVert^2 + \epsilon}"),
         latex_denominator=(
             r"\frac{\partial\, \operatorname{RMS}(\mathbf{x})}"
             r"{\partial \mathbf{x}} = \frac{1}{r}\Big(I - "
             r"\frac{\mathbf{x}\mathbf{x}^{\top}}{n r^2}\Big)"
             r"\operatorname{diag}(\boldsymbol{\gamma}) \in "
             r"\mathbb{R}^{n \times n}"),
         function=lambda x, gamma: layers.rms_norm(x, gamma),
         derivative=_rms_jac, wrt="x", shapes=_ln_shapes),
    dict(name="batch-norm-vjp", title="Batch norm, training mode, by X",
         latex_numerator=_eq(
             _G.format(r"\operatorname{BN}(X)"), "X",
             r"\big(\tilde G - \tfrac{1}{N}\mathbf{1}\mathbf{1}^{\top}"
             r"\tilde G - \tfrac{1}{N}\hat X \operatorname{diag}("
             r"\mathbf{1}^{\top}(\tilde G \odot \hat X))\big)"
             r"\operatorname{diag}(\boldsymbol{\sigma})^{-1}",
             r"N \times n") + r",\ \tilde G = G"
         r"\operatorname{diag}(\boldsymbol{\gamma})",
         function=lambda X, gamma, G: np.sum(
             G * layers.batch_norm(X, gamma, 0.0)),
         derivative=lambda X, gamma, G: layers.batch_norm_backward(
             G, X, gamma)[0], wrt="X",
         shapes=lambda d: {"X": (d["N"], d["n"]), "gamma": (d["n"],),
                           "G": (d["N"], d["n"])}),
    dict(name="conv1d-vjp-x", title="1-D convolution, by the input",
         latex_numerator=_eq(_G.format(r"C_{\mathbf{w}}\mathbf{x}"),
                             r"\mathbf{x}", r"C_{\mathbf{w}}^{\top}"
                             r"\mathbf{g}\ (\text{transposed convolution})",
                             r"n \times 1"),
         function=lambda x, w, g: g @ layers.conv1d(x, w),
         derivative=lambda x, w, g: layers.conv1d_backward(g, x, w)[0],
         wrt="x", shapes=_conv_shapes),
    dict(name="conv1d-vjp-w", title="1-D convolution, by the kernel",
         latex_numerator=_eq(_G.format(r"\mathbf{x} \star \mathbf{w}"),
                             r"\mathbf{w}", r"\Big(\textstyle\sum_i g_i "
                             r"x_{i+j}\Big)_{j}\ (\text{correlation of } "
                             r"\mathbf{x} \text{ with } \mathbf{g})",
                             r"k \times 1"),
         function=lambda x, w, g: g @ layers.conv1d(x, w),
         derivative=lambda x, w, g: layers.conv1d_backward(g, x, w)[1],
         wrt="w", shapes=_conv_shapes),
    dict(name="embedding-vjp", title="Embedding lookup, by the table",
         latex_numerator=_eq(_G.format(r"E[\mathbf{i}]"), "E",
                             r"\textstyle\sum_t \mathbf{e}_{i_t}"
                             r"\mathbf{g}_t^{\top}\ (\text{scatter-add})",
                             r"V \times d"),
         function=lambda E, ids, G: np.sum(G * E[ids]),
         derivative=lambda E, ids, G: layers.embedding_backward(
             G, ids, len(E)), wrt="E",
         shapes=lambda d: {"E": (d["m"], d["k"]), "ids": (d["n"],),
                           "G": (d["n"], d["k"])},
         sample=_emb_sample,
         domain="ids are integers in 0..V-1 (samples repeat some)"),
    dict(name="residual", title="Residual connection x + tanh(Ax)",
         latex_numerator=(
             r"\frac{\partial (\mathbf{x} + \tanh(A\mathbf{x}))}"
             r"{\partial \mathbf{x}} = I + \operatorname{diag}(1 - "
             r"\tanh^2(A\mathbf{x}))\,A \in \mathbb{R}^{n \times n}"),
         latex_denominator=(
             r"\frac{\partial (\mathbf{x} + \tanh(A\mathbf{x}))}"
             r"{\partial \mathbf{x}} = I + A^{\top}\operatorname{diag}(1 - "
             r"\tanh^2(A\mathbf{x})) \in \mathbb{R}^{n \times n}"),
         function=lambda x, A: x + np.tanh(A @ x),
         derivative=_residual_jac, wrt="x",
         shapes=lambda d: {"x": (d["n"],), "A": (d["n"], d["n"])}),
]
for _f in FIELDS:                  # gradients: the same in both layouts
    _f.setdefault("latex_denominator", _f["latex_numerator"])
    _f["chapter"] = 9


def rules(chapter=9):
    """The rules as :class:`identities.Rule` objects.

    ``chapter`` is 9; :func:`verify` passes 8 only because the registry
    does not accept 9 yet (the chapter plays no part in a check).
    """
    return [identities.Rule(**{**f, "chapter": chapter}) for f in FIELDS]


def register():
    """Add the rules to ``identities.RULES`` (needs a registry that
    accepts chapter 9); returns their names."""
    return [identities.register(r).name for r in rules()]


def verify(name, **kwargs):
    """``identities.verify`` of the rule called ``name``."""
    found = [r for r in rules(chapter=8) if r.name == name]
    if not found:
        raise KeyError(f"no chapter 9 rule named {name!r}; the rules: "
                       f"{', '.join(f['name'] for f in FIELDS)}")
    return identities.verify(found[0], **kwargs)


def verify_all(**kwargs):
    """{name: VerifyResult} for every rule of chapter 9."""
    return {f["name"]: verify(f["name"], **kwargs) for f in FIELDS}
