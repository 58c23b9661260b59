// Progressive enhancement only: the form works without JavaScript.
(function () {
  var button = document.getElementById("tip-locate");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("id_lat").value = pos.coords.latitude.toFixed(5);
      document.getElementById("id_lon").value = pos.coords.longitude.toFixed(5);
    });
  });
})();
