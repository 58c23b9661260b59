/* The federal report: the Print button (shown only when JavaScript runs). */
(function () {
  "use strict";
  document.querySelectorAll("[data-beacon-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
