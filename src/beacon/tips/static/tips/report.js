// Progressive enhancement only: the form works without JavaScript (type the county, place or coordinates).
(function () {
  var summary = document.getElementById("error-summary");  // after a refused submit (autofocus does it without JS)
  if (summary && document.activeElement !== summary) { summary.focus(); }
  var lat = document.getElementById("id_lat");
  var lon = document.getElementById("id_lon");
  var button = document.getElementById("tip-locate");
  if (button && navigator.geolocation) {
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(5);
        lon.value = pos.coords.longitude.toFixed(5);
      });
    });
  }
  var svg = document.getElementById("tip-map");
  if (!svg || !svg.createSVGPoint) { return; }
  var marker = document.getElementById("tip-map-marker");
  var scale = parseFloat(svg.dataset.scale), cos = parseFloat(svg.dataset.cos);
  var minLon = parseFloat(svg.dataset.minLon), maxLat = parseFloat(svg.dataset.maxLat);
  svg.classList.add("is-live");
  document.getElementById("tip-map-hint").hidden = false;
  svg.addEventListener("click", function (event) {
    var pt = svg.createSVGPoint();
    pt.x = event.clientX; pt.y = event.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    lat.value = (maxLat - p.y / scale).toFixed(5);
    lon.value = (minLon + p.x / (scale * cos)).toFixed(5);
    marker.setAttribute("cx", p.x); marker.setAttribute("cy", p.y);
    marker.setAttribute("visibility", "visible");
    var picked = svg.querySelector("path.is-picked");
    if (picked) { picked.classList.remove("is-picked"); }
    if (event.target.tagName === "path") { event.target.classList.add("is-picked"); }
  });
})();
