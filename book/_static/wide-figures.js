/* A figure wider than the screen scrolls sideways in its own box (it is
   never squeezed below the width at which its smallest text is 9 CSS px:
   tools/sphinx_figures.py, mathlib/widgets/_base.py). Phones hide
   scrollbars, so a line under such a box says that there is more. */
(function () {
  "use strict";
  var BOXES = "div.cell_output, .mlw-frame";

  function hintFor(box) {
    var next = box.nextElementSibling;
    if (next && next.classList.contains("mcdl-scroll-hint")) return next;
    var hint = document.createElement("p");
    hint.className = "mcdl-scroll-hint";
    hint.textContent = "Wide figure: scroll it sideways to see all of it.";
    hint.hidden = true;
    box.insertAdjacentElement("afterend", hint);
    return hint;
  }

  function update() {
    document.querySelectorAll(BOXES).forEach(function (box) {
      if (!box.querySelector("img")) return;
      var wide = box.scrollWidth > box.clientWidth + 1;
      var next = box.nextElementSibling;
      var has = next && next.classList.contains("mcdl-scroll-hint");
      if (wide || has) hintFor(box).hidden = !wide;
    });
  }

  function start() {
    update();
    window.addEventListener("resize", update);
    document.querySelectorAll(BOXES + " img").forEach(function (img) {
      if (!img.complete) img.addEventListener("load", update);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
