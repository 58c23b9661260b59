// Quick exit: leave for a neutral site and replace this page in the history, so Back does not
// return here.  Without JavaScript the button is a plain link (the page stays in the history).
(function () {
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  function leave() {
    document.body.hidden = true;  // nothing of the page stays on screen while the other site loads
    window.location.replace(link.href);
  }
  link.addEventListener("click", function (event) {
    event.preventDefault();
    leave();
  });
  var last = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - last < 1000) { leave(); }
    last = now;
  });
})();
