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
    maxZoom: 1.6,
    style: [
      { selector: "node", style: { "background-color": "data(colour)", "label": "data(label)", "font-size": 10,
        "text-wrap": "ellipsis", "text-max-width": 140, "color": "#1b1b1b", "width": 22, "height": 22 } },
      { selector: "node[type = 'identifier']", style: { "shape": "round-rectangle", "width": 14, "height": 14 } },
      { selector: "node[start = 1]", style: { "border-width": 4, "border-color": "#e5a000", "width": 30, "height": 30 } },
      { selector: "edge", style: { "width": 1.5, "line-color": "#a9aeb1", "curve-style": "bezier" } },
      { selector: "edge[kind = 'linked']", style: { "line-style": "dashed", "line-color": "#c05600", "width": 2 } }
    ],
    layout: { name: "cose", animate: false, padding: 30, nodeRepulsion: 8000 }
  });
  cy.on("tap", "node", function (evt) {
    var url = evt.target.data("url");
    if (url) { window.location.href = url; }
  });
  el.setAttribute("data-rendered-nodes", String(cy.nodes().length));
  el.setAttribute("data-rendered-edges", String(cy.edges().length));
  window.beaconGraph = cy;
}());
