/* Math first where the reader looks, then the rest of the page in the
   background (issue 17: a page's math typeset within 1 s).

   MathJax typesets math lazily (loader: ui/lazy, _config.yml): at
   startup it only notes each formula, and typesets the ones in or near
   the window as they come into view (this script typesets the ones in
   the first window at once). That puts the first screen's math up
   quickly on the longest chapters, but on its own it leaves every
   formula the reader has not scrolled to as an empty placeholder, with
   an empty MathML copy for screen readers. So once the first screen is
   done, this script typesets the remaining formulas in document order,
   a few at a time, whenever the browser is idle: scrolling stays smooth,
   and within a few seconds the page is the same as a fully typeset one.

   window.bookMathTypeset is a promise that resolves when every formula of
   the page is typeset (tests and benchmarks wait for it). It relies on
   the lazy extension of MathJax 4.1 (doc.lazyList, lazySet,
   lazyHandleSet, lazyPromise; the version is pinned by
   package-lock.json); without that extension it resolves once MathJax's
   own startup typeset is done. */
(() => {
  "use strict";
  let finished;
  window.bookMathTypeset = new Promise((resolve) => { finished = resolve; });

  // One batch should take about a frame's worth of main-thread time.
  const TARGET_MS = 30;
  // How far outside the window the first batch reaches (CSS px).
  const MARGIN = 200;

  const idle = () => new Promise((resolve) => {
    if (window.requestIdleCallback) {
      window.requestIdleCallback(resolve, { timeout: 1000 });
    } else {
      setTimeout(resolve, 16);
    }
  });

  // Placeholders not yet typeset, in document order (ids are given in
  // document order as MathJax first meets each formula).
  const pending = (doc) => {
    const ids = [];
    for (const [id, item] of doc.lazyList.items) {
      if (item.lazyTypeset) ids.push(id);
    }
    return ids;
  };

  // Placeholders in or near the window, at once: the lazy extension
  // would wait for the next frame and then for the browser to be idle,
  // which a page still loading its images and fonts may not be for a
  // while.
  const inView = (doc) => {
    const ids = [];
    for (const [id, item] of doc.lazyList.items) {
      const marker = item.lazyTypeset && item.lazyMarker;
      if (!marker || !marker.getClientRects().length) continue;
      const r = marker.getBoundingClientRect();
      if (r.bottom > -MARGIN && r.top < innerHeight + MARGIN) ids.push(id);
    }
    return ids;
  };

  async function typesetTheRest(doc) {
    if (!doc || !doc.lazyList || !doc.lazySet) return;  // not lazy
    for (const id of inView(doc)) doc.lazySet.add(id);
    if (doc.lazySet.size) doc.lazyHandleSet();
    await doc.lazyPromise;
    let batch = 4;
    for (let ids = pending(doc); ids.length; ids = pending(doc)) {
      await idle();
      const start = performance.now();
      for (const id of ids.slice(0, batch)) doc.lazySet.add(id);
      doc.lazyHandleSet();
      await doc.lazyPromise;
      const took = performance.now() - start;
      if (took < TARGET_MS / 2) batch = Math.min(batch * 2, 64);
      else if (took > TARGET_MS * 2) batch = Math.max(1, batch >> 1);
    }
  }

  const start = () => {
    const M = window.MathJax;
    if (!(M && M.startup && M.startup.promise)) {
      if (document.readyState === "complete" &&
          !document.querySelector("script[src*='mathjax']")) {
        finished();  // a page without math
        return;
      }
      setTimeout(start, 10);
      return;
    }
    M.startup.promise
      .then(() => typesetTheRest(M.startup.document))
      .catch((e) => console.error("typesetting the page's math:", e))
      .finally(finished);
  };
  start();
})();
