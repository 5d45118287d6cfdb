// The nomination network, drawn with cytoscape.js from the elements the page embeds as JSON.
(function () {
  "use strict";
  const palette = ["#1f5f8b", "#d9822b", "#3a8d5c", "#a23b72", "#6c757d", "#c9a227", "#4b3f72", "#2a9d8f"];
  function draw() {
    const container = document.getElementById("network");
    const data = document.getElementById("network-elements");
    if (!container || !data || typeof window.cytoscape !== "function") return;
    const elements = JSON.parse(data.textContent);
    window.cytoscape({
      container: container,
      elements: elements,
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 8000 },
      style: [
        {
          selector: "node",
          style: {
            "background-color": (n) => palette[n.data("community") % palette.length],
            width: "data(size)",
            height: "data(size)",
            label: "data(label)",
            "font-size": 8,
            "text-wrap": "ellipsis",
            "text-max-width": 120,
          },
        },
        {
          selector: "edge",
          style: {
            width: (e) => 0.5 + e.data("weight"),
            "line-color": "#b8c2cc",
            "target-arrow-color": "#b8c2cc",
            "target-arrow-shape": "triangle",
            "curve-style": "bezier",
          },
        },
      ],
    });
    container.dataset.ready = "true";
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
