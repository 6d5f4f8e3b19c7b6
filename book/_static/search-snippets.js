/* Search results: the snippet under each result is the page's text, read
 * by Sphinx's searchtools.js from the page's HTML with Search.htmlToText.
 * Sphinx takes the whole [role="main"] element, so snippets began with the
 * theme's buttons, the print-only contents list and "Show code cell
 * source", and math came as TeX source ("\(\nabla f(\mathbf{x})\)"). This
 * replaces that function (on the search page only): the text of the article
 * alone, with math written out in plain characters ("∇f(x)").
 */
(function () {
  "use strict";

  var SYMBOLS = {
    nabla: "∇", grad: "∇", partial: "∂", top: "ᵀ", T: "ᵀ", times: "×",
    cdot: "·", cdots: "⋯", ldots: "…", dots: "…", in: "∈", notin: "∉",
    le: "≤", leq: "≤", ge: "≥", geq: "≥", neq: "≠", ne: "≠", approx: "≈",
    to: "→", mapsto: "↦", rightarrow: "→", leftarrow: "←", sum: "Σ",
    prod: "Π", odot: "⊙", otimes: "⊗", oplus: "⊕", infty: "∞",
    lVert: "‖", rVert: "‖", Vert: "‖", "|": "‖", lvert: "|", rvert: "|",
    langle: "⟨", rangle: "⟩", sqrt: "√", pm: "±", circ: "∘",
    subseteq: "⊆", forall: "∀", exists: "∃", R: "ℝ", int: "∫",
    alpha: "α", beta: "β", gamma: "γ", delta: "δ", epsilon: "ε",
    varepsilon: "ε", zeta: "ζ", eta: "η", theta: "θ", kappa: "κ",
    lambda: "λ", mu: "μ", nu: "ν", xi: "ξ", pi: "π", rho: "ρ",
    sigma: "σ", tau: "τ", phi: "φ", varphi: "φ", chi: "χ", psi: "ψ",
    omega: "ω", Gamma: "Γ", Delta: "Δ", Theta: "Θ", Lambda: "Λ",
    Sigma: "Σ", Phi: "Φ", Psi: "Ψ", Omega: "Ω",
    tr: "tr", diag: "diag", log: "log", exp: "exp", det: "det",
    max: "max", min: "min", sin: "sin", cos: "cos", tanh: "tanh",
    vx: "x", vy: "y", vw: "w", vu: "u", vv: "v", vb: "b", ve: "e",
    vf: "f", vg: "g",
  };
  // Commands whose argument is printed as it is (fonts, text, operators).
  var KEEP_ARGUMENT = /\\(?:mathbf|mathrm|mathit|mathsf|mathcal|boldsymbol|bm|operatorname\*?|text|textrm|textbf|mbox|vect|hat|bar|tilde|vec|overline|underline)\s*\{([^{}]*)\}/g;

  /** TeX source of one formula, as plain text. */
  function texToText(tex) {
    var s = tex.trim()
      .replace(/^\\\(|\\\)$/g, "").replace(/^\\\[|\\\]$/g, "")
      .replace(/^\$+|\$+$/g, "")
      .replace(/\\(?:begin|end)\{[^{}]*\}(\{[^{}]*\})?/g, " ")
      .replace(/\\label\{[^{}]*\}/g, "")
      .replace(/\\\\/g, "; ").replace(/&/g, " ")
      .replace(/\\(?:left|right|big|Big|bigg|Bigg)(?=[^A-Za-z])/g, "")
      .replace(/\\[,;:! ]|\\q?quad\b/g, " ")
      .replace(/\\mathbb\s*\{R\}/g, "ℝ");
    s = s.replace(/\\([A-Za-z]+)(?![A-Za-z])/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(SYMBOLS, name)
        ? SYMBOLS[name] : m;
    }).replace(/([∂∇]) +/g, "$1");
    for (var i = 0; i < 6; i++) {             // innermost braces first
      s = s.replace(KEEP_ARGUMENT, "$1")
        .replace(/\\(?:d?frac|tfrac)\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g,
                 function (m, a, b) { return group(a) + "/" + group(b); })
        .replace(/\\pd\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g, "∂$1/∂$2")
        .replace(/\^\{ᵀ\}|\^ᵀ/g, "ᵀ")
        .replace(/([\^_])\{([^{}]*)\}/g, function (m, op, a) {
          return op + group(a);
        });
    }
    // Whatever command is left (\displaystyle, \operatorname*) goes.
    s = s.replace(/\\([A-Za-z]+|\|)/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(SYMBOLS, name)
        ? SYMBOLS[name] : "";
    });
    return s.replace(/[{}]/g, "").replace(/\s+/g, " ").trim();
  }

  function group(text) {
    var t = text.trim();
    return t.length > 1 && /[^A-Za-z0-9.∂∇]/.test(t) ? "(" + t + ")" : t;
  }

  // Parts of a page that are not its text.
  var CHROME = [
    ".headerlink", "script", "style", "noscript", ".onlyprint",
    "#jb-print-docs-body", "button", ".copybtn", "summary",
    ".prev-next-area", ".bd-header-article", ".toggle-details__summary",
    ".cell_output", ".mlw-scrubber",
  ].join(", ");

  function htmlToText(htmlString, anchor) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(CHROME).forEach(function (el) { el.remove(); });
    doc.querySelectorAll(".math, mjx-container").forEach(function (el) {
      el.replaceWith(doc.createTextNode(" " + texToText(el.textContent) +
                                        " "));
    });
    var article = doc.querySelector("article.bd-article") ||
      doc.querySelector('[role="main"]');
    if (!article) return "";
    var part = anchor ? article.querySelector(anchor) : null;
    return ((part || article).textContent || "").replace(/\s+/g, " ")
      .trim();
  }

  function install() {
    if (typeof Search !== "undefined") Search.htmlToText = htmlToText;
  }

  window.bookTexToText = texToText;   // for the tests
  window.bookSearchText = htmlToText;
  install();
  // On the search page searchtools.js comes after this script; it starts
  // searching when the document is ready, after this listener has run.
  document.addEventListener("DOMContentLoaded", install);
})();
