/* Beacon link graph: renders the JSON embedded in the page with the vendored cytoscape. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  var el = document.getElementById("link-graph");
  var source = document.getElementById("graph-data");
  if (!el || !source || typeof cytoscape === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { "case": "#005ea2", "tip": "#c05600", "operation": "#6b1d8a", "identifier": "#71767a" };
  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: { id: n.id, label: n.label, type: n.type, url: n.url, start: n.id === data.start ? 1 : 0,
      colour: colours[n.type] || "#1b1b1b" } });
  });
  data.edges.forEach(function (e, i) {
    elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, kind: e.kind } });
  });
  var cy = cytoscape({
    container: el,
    elements: elements,
    wheelSensitivity: 0.3,
    minZoom: 0.2,
    maxZoom: 3,
    style: [
      // Labels sit below their node on a white band, wrapped onto lines (long ones end in "…"),
      // so they cover neither their own node nor the edges around it.
      { selector: "node", style: { "background-color": "data(colour)", "label": "data(label)", "font-size": 12,
        "font-family": "Source Sans Pro Web, Helvetica Neue, Arial, sans-serif",
        "text-valign": "bottom", "text-halign": "center", "text-margin-y": 6,
        "text-wrap": "wrap", "text-max-width": 130, "text-overflow-wrap": "anywhere",
        "text-background-color": "#ffffff", "text-background-opacity": 0.9, "text-background-padding": 2,
        "text-background-shape": "roundrectangle", "color": "#1b1b1b", "min-zoomed-font-size": 7,
        "width": 22, "height": 22 } },
      { selector: "node[type = 'identifier']", style: { "shape": "round-rectangle", "width": 14, "height": 14 } },
      { selector: "node[start = 1]", style: { "border-width": 4, "border-color": "#e5a000", "width": 30, "height": 30,
        "text-margin-y": 10 } },
      { selector: "edge", style: { "width": 1.5, "line-color": "#a9aeb1", "curve-style": "bezier" } },
      { selector: "edge[kind = 'linked']", style: { "line-style": "dashed", "line-color": "#c05600", "width": 2 } }
    ],
    // The layout counts each label as part of its node, so labels do not land on other nodes.
    layout: { name: "cose", animate: false, padding: 40, nodeDimensionsIncludeLabels: true, nodeRepulsion: 20000,
              idealEdgeLength: 90, componentSpacing: 80, randomize: false }
  });
  // The force layout can still leave two labels touching (long labels, Spanish, five-digit ids):
  // push overlapping nodes apart along the shorter overlap until none is left, then fit again.
  (function separate() {
    var nodes = cy.nodes();
    if (nodes.length > 400) { return; }
    var opts = { includeLabels: true, includeEdges: false };
    for (var pass = 0; pass < 60; pass++) {
      var moved = false;
      for (var i = 0; i < nodes.length; i++) {
        for (var j = i + 1; j < nodes.length; j++) {
          var a = nodes[i].boundingBox(opts), b = nodes[j].boundingBox(opts);
          if (!(a.x1 < b.x2 + 2 && b.x1 < a.x2 + 2 && a.y1 < b.y2 + 2 && b.y1 < a.y2 + 2)) { continue; }
          var pa = nodes[i].position(), pb = nodes[j].position();
          var dx = Math.min(a.x2 - b.x1, b.x2 - a.x1) + 4, dy = Math.min(a.y2 - b.y1, b.y2 - a.y1) + 4;
          if (dx < dy) {
            var sx = (pa.x <= pb.x ? -1 : 1) * dx / 2;
            nodes[i].position({ x: pa.x + sx, y: pa.y });
            nodes[j].position({ x: pb.x - sx, y: pb.y });
          } else {
            var sy = (pa.y <= pb.y ? -1 : 1) * dy / 2;
            nodes[i].position({ x: pa.x, y: pa.y + sy });
            nodes[j].position({ x: pb.x, y: pb.y - sy });
          }
          moved = true;
        }
      }
      if (!moved) { break; }
    }
    cy.fit(undefined, 40);
  }());
  // Zoom buttons (hidden without JavaScript): in, out, and back to the whole graph.
  var controls = document.getElementById("graph-controls");
  if (controls) {
    controls.hidden = false;
    controls.addEventListener("click", function (evt) {
      var button = evt.target.closest("button[data-zoom]");
      if (!button) { return; }
      var action = button.getAttribute("data-zoom");
      if (action === "fit") { cy.fit(undefined, 30); return; }
      var level = cy.zoom() * (action === "in" ? 1.4 : 1 / 1.4);
      cy.zoom({ level: Math.max(cy.minZoom(), Math.min(cy.maxZoom(), level)),
                renderedPosition: { x: el.clientWidth / 2, y: el.clientHeight / 2 } });
      el.setAttribute("data-zoom", cy.zoom().toFixed(2));
    });
  }
  // Labels stay readable on a phone: never start below 0.8 (pan or "fit" to see the rest).
  if (el.clientWidth < 600 && cy.zoom() < 0.8) { cy.zoom({ level: 0.8, renderedPosition: { x: el.clientWidth / 2, y: el.clientHeight / 2 } }); cy.center(cy.nodes("[start = 1]")); }
  el.setAttribute("data-zoom", cy.zoom().toFixed(2));
  cy.on("tap", "node", function (evt) {
    var url = evt.target.data("url");
    if (url) { window.location.href = url; }
  });
  el.setAttribute("data-rendered-nodes", String(cy.nodes().length));
  el.setAttribute("data-rendered-edges", String(cy.edges().length));
  window.beaconGraph = cy;
}());
