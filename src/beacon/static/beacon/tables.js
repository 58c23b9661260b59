/* Wide tables: every .beacon-table-wrap is a labelled, keyboard-focusable scroll region.
   Templates give the attributes themselves where they can; this fills in the rest (label from
   the table's caption or the heading before it). No inline script: loaded from base.html. */
(function () {
  "use strict";
  function labelFor(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var el = wrap.previousElementSibling;
    while (el) {
      if (/^H[1-6]$/.test(el.tagName)) { return el.textContent.trim(); }
      el = el.previousElementSibling;
    }
    var h1 = document.querySelector("h1");
    return h1 ? h1.textContent.trim() : document.title;
  }
  document.querySelectorAll(".beacon-table-wrap").forEach(function (wrap) {
    if (!wrap.hasAttribute("role")) { wrap.setAttribute("role", "region"); }
    if (!wrap.hasAttribute("tabindex")) { wrap.setAttribute("tabindex", "0"); }
    if (!wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
      wrap.setAttribute("aria-label", labelFor(wrap));
    }
  });
})();
