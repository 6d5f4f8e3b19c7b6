/* Keyboard use of the sidebar toggles (issue 17). sphinx-book-theme 1.3
 * (still so upstream) blurs the two toggle buttons on every click, so that
 * their tooltips go away after a mouse click. For a keyboard user that
 * drops the focus to the start of the page: on a desktop a second Enter no
 * longer brings the sidebar back, and on a phone closing the menu with
 * Escape does not return to the menu button. When the click came from the
 * keyboard (event.detail is 0), the focus goes back to the button: at once
 * after a collapse, and when the menu or contents panel closes.
 */
(function () {
  "use strict";
  var TOGGLES = ".primary-toggle, .secondary-toggle";
  var PANELS = "#pst-primary-sidebar-modal[open], " +
    "#pst-secondary-sidebar-modal[open]";

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(TOGGLES);
    if (!button || event.detail !== 0) return;
    setTimeout(function () {             // after the themes' own handlers
      var panel = document.querySelector(PANELS);
      if (panel) {
        panel.addEventListener("close", function () { button.focus(); },
                               { once: true });
      } else {
        button.focus();
      }
    }, 0);
  }, true);
})();

/* On a phone the page contents open as a panel over the page. Tapping one
 * of its entries jumps to that section under the panel but leaves the
 * panel open, covering the section and the page's Next link. An entry
 * that leads within the page closes the panel it is in.
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    var panel = link && link.closest("dialog[open]");
    if (!panel) return;
    var url = new URL(link.href, location.href);
    if (url.hash && url.pathname === location.pathname) panel.close();
  });
})();
