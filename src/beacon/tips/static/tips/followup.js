// Progressive enhancement: a show/hide button for the passphrase (the field works without it),
// and focus on the error summary after a refused check (autofocus does it without JavaScript).
(function () {
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) { summary.focus(); }
  var buttons = document.querySelectorAll("[data-toggle-for]");
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute("data-toggle-for"));
    if (!input) { return; }
    button.hidden = false;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var show = input.type === "password";
      input.type = show ? "text" : "password";
      button.textContent = button.getAttribute(show ? "data-hide" : "data-show");
      button.setAttribute("aria-pressed", show ? "true" : "false");
    });
  });
})();
