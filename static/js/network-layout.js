// A Web Worker laying a network out with ForceAtlas2 (graphology-library) off the page's main thread; it posts
// node positions back every few iterations so static/js/network.js can redraw while the layout settles.
/* global graphology, graphologyLibrary */
"use strict";
self.onmessage = function (event) {
  const message = event.data;
  // graphology-library also bundles the GEXF parser, which looks for DOM globals a worker does not have.
  if (typeof self.DOMParser === "undefined") self.DOMParser = function DOMParser() {};
  if (typeof self.Document === "undefined") self.Document = function Document() {};
  importScripts(message.graphology, message.library);
  const graph = new graphology.Graph({ type: "undirected", multi: true });
  const x = message.x;
  const y = message.y;
  for (let i = 0; i < x.length; i++) graph.addNode(i, { x: x[i], y: y[i], size: message.size[i] });
  const edges = message.edges;
  for (let i = 0; i < edges.length; i += 2) graph.addEdge(edges[i], edges[i + 1]);
  const fa2 = graphologyLibrary.layoutForceAtlas2;
  const settings = Object.assign(fa2.inferSettings(graph), message.settings);
  let done = 0;
  while (done < message.iterations) {
    fa2.assign(graph, { iterations: message.chunk, settings: settings });
    done += message.chunk;
    const px = new Float32Array(x.length);
    const py = new Float32Array(x.length);
    graph.forEachNode(function (node, attributes) { px[node] = attributes.x; py[node] = attributes.y; });
    self.postMessage({ x: px, y: py, done: done >= message.iterations }, [px.buffer, py.buffer]);
  }
};
