/* A filter box over long selects: <select data-beacon-filter="Find a county"> gets a text box
   above it that hides the options not matching what is typed (chosen options stay visible).
   Without JavaScript the plain select works as before. */
(function () {
  "use strict";
  function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  document.querySelectorAll("select[data-beacon-filter]").forEach(function (select) {
    var id = select.id + "-filter";
    var label = document.createElement("label");
    label.className = "usa-label";
    label.htmlFor = id;
    label.textContent = select.getAttribute("data-beacon-filter");
    var input = document.createElement("input");
    input.type = "search";
    input.className = "usa-input";
    input.id = id;
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "usa-hint";
    status.id = id + "-status";
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", status.id);
    function chosen() {
      return Array.prototype.filter.call(select.options, function (o) { return o.selected; })
        .map(function (o) { return o.textContent.trim(); });
    }
    function update() {
      var q = fold(input.value.trim());
      var shown = 0;
      Array.prototype.forEach.call(select.options, function (o) {
        var match = !q || fold(o.textContent).indexOf(q) !== -1 || o.selected;
        o.hidden = !match;
        if (match) { shown += 1; }
      });
      var picked = chosen();
      status.textContent = shown + " / " + select.options.length + (picked.length ? " · " + picked.join(", ") : "");
    }
    input.addEventListener("input", update);
    select.addEventListener("change", update);
    select.parentNode.insertBefore(label, select);
    select.parentNode.insertBefore(input, select);
    select.parentNode.insertBefore(status, select);
    update();
  });
})();
