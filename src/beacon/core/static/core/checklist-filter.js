// A filter box above a long checkbox list (counties, agencies): typing hides the items that do
// not match; checked items always stay visible.  Without JavaScript the full list still works.
(function () {
  "use strict";
  document.querySelectorAll("[data-checklist-filter]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("data-checklist-filter"));
    var count = document.getElementById(input.getAttribute("data-checklist-count"));
    if (!list) { return; }
    function update() {
      var q = input.value.trim().toLowerCase();
      var shown = 0;
      list.querySelectorAll(".usa-checkbox").forEach(function (item) {
        var box = item.querySelector("input");
        var match = !q || item.textContent.toLowerCase().indexOf(q) !== -1 || (box && box.checked);
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      if (count) {
        var checked = list.querySelectorAll("input:checked").length;
        count.textContent = checked + " selected, " + shown + " shown";
      }
    }
    input.addEventListener("input", update);
    list.addEventListener("change", update);
    update();
  });
})();
