/* Copying text that holds formulas: each formula goes to the clipboard as
   its TeX, $...$ in a line of text and $$...$$ on its own, so that a note,
   a question or a Jupyter cell gets the formula itself. Without this the
   browser copies the characters MathJax draws: "x2y+y3" for x^2 y + y^3,
   fractions and matrices spread over several lines. (The math is typeset
   at build time, tools/prerender_math.mjs, which keeps each formula's TeX
   on it: <mjx-math data-latex>.) A selection inside one formula copies
   the whole formula. */
(function () {
  "use strict";

  function texOf(container) {
    var math = container.querySelector("mjx-math[data-latex]");
    if (!math) return null;
    var display = container.getAttribute("display") === "true";
    var tex = math.getAttribute("data-latex").trim();
    return display ? "$$" + tex + "$$" : "$" + tex + "$";
  }

  function plainText(fragment) {
    // innerText keeps the line breaks between paragraphs; it needs the
    // fragment laid out, out of sight.
    var box = document.createElement("div");
    box.style.cssText = "position:fixed;left:-10000px;top:0";
    box.appendChild(fragment);
    document.body.appendChild(box);
    var text = box.innerText;
    box.remove();
    return text;
  }

  document.addEventListener("copy", function (event) {
    var selection = window.getSelection();
    if (!selection || !selection.rangeCount || !event.clipboardData) return;
    var range = selection.getRangeAt(0);
    var start = range.commonAncestorContainer;
    if (start.nodeType !== 1) start = start.parentElement;
    var within = start && start.closest("mjx-container");
    var text;
    if (within) {
      text = texOf(within);
    } else {
      var fragment = range.cloneContents();
      var formulas = fragment.querySelectorAll("mjx-container");
      if (!formulas.length) return;  // no math: the browser's own copy
      for (var i = 0; i < formulas.length; i++) {
        var tex = texOf(formulas[i]);
        formulas[i].replaceWith(document.createTextNode(tex === null ? "" : tex));
      }
      text = plainText(fragment);
    }
    if (text === null) return;
    event.clipboardData.setData("text/plain", text);
    event.preventDefault();
  });
})();
