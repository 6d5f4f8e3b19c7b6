/* A figure wider than the screen scrolls sideways in its own box (it is
   never squeezed below the width at which its smallest text is 9 CSS px:
   tools/sphinx_figures.py, mathlib/widgets/_base.py). Phones hide
   scrollbars, so a line under such a box says that there is more.

   A display equation wider than its column also scrolls in its own box
   (custom.css shows a shadow where more is hidden); such a box takes the
   keyboard focus, so that it can be scrolled with the arrow keys, and a
   screen reader reads its MathML there. Only the ones that scroll at the
   present width: a focus stop on every formula would make a keyboard
   reader tab through hundreds. */
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

  function focusable(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
    } else {
      box.removeAttribute("tabindex");
    }
  }

  function update() {
    document.querySelectorAll('mjx-container[display="true"]')
      .forEach(focusable);
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
