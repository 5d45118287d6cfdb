// The cross-sector network, drawn with cytoscape.js from the elements the page embeds with json_script.
(function () {
  "use strict";
  function draw() {
    const container = document.getElementById("network");
    const data = document.getElementById("network-elements");
    if (!container || !data || typeof window.cytoscape !== "function") return;
    const elements = JSON.parse(data.textContent);
    const cy = window.cytoscape({
      container: container,
      elements: elements,
      wheelSensitivity: 0.2,
      layout: { name: elements.length > 1500 ? "grid" : "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 60 },
      style: [
        { selector: "node", style: {
            "background-color": "data(colour)", "label": "data(label)", "font-size": 8, "color": "#333",
            "width": "mapData(degree, 1, 20, 10, 40)", "height": "mapData(degree, 1, 20, 10, 40)",
            "text-valign": "bottom", "text-wrap": "ellipsis", "text-max-width": 120 } },
        { selector: "edge", style: { "width": "mapData(weight, 1, 6, 1, 5)", "line-color": "#9aa5b1", "curve-style": "haystack" } },
        { selector: "edge[?governance]", style: { "line-style": "dashed", "line-color": "#6b5b95" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#111" } },
      ],
    });
    window.resursNetwork = cy;
    cy.on("tap", "node", (event) => { window.location.href = event.target.data("url"); });
    container.dataset.ready = "true";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
