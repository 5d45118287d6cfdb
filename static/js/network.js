// Networks drawn with sigma.js (WebGL) from a graphology graph built from the JSON fetched from the canvas's
// data-src (the page's precomputed network, cooperation.overview.graph_data or research.report.network_data: a
// megabyte at national scale, kept out of the HTML; the browser revalidates its copy with the ETag). The layout is
// ForceAtlas2 (graphology-library) in a Web Worker after the first paint, so the page draws at once and stays
// responsive at 10,000 nodes. Find an organisation by name, click one to focus its neighbourhood; click the
// background to show all again.
(function () {
  "use strict";

  function init() {
    const box = document.querySelector("[data-src]");
    if (!box || !window.Sigma || !window.graphology) return;
    const status = document.getElementById(box.dataset.status || "");
    function say(text, failed) {
      if (!status) return;
      status.textContent = text;
      status.classList.toggle("network-failed", Boolean(failed));
      status.hidden = !text;
    }
    say(status ? status.dataset.loading : "");
    box.dataset.state = "loading";
    const started = performance.now();
    fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        const type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") < 0) throw { said: "" };
        return response.json().then(function (body) {
          // The server's refusals and "still computing" answer carry a message in the reader's language.
          if (!response.ok) throw { said: body && body.error ? String(body.error) : "" };
          return body;
        });
      })
      .then(function (spec) {
        box.dataset.fetchMs = String(Math.round(performance.now() - started));
        say("");
        draw(box, spec);
        box.dataset.state = "drawn";
      })
      .catch(function (error) {
        box.dataset.state = "failed";
        if (!(error && "said" in error) && window.console) window.console.error(error);
        // The server's reason (a refusal, a computation still running) when it gave one, never a browser's
        // technical message; otherwise the advice to try again.
        const reason = error && error.said ? error.said : status ? status.dataset.retry : "";
        say((status ? status.dataset.failed : "") + " " + reason, true);
      });
  }

  function draw(box, spec) {
    const started = performance.now();
    const graph = new window.graphology.Graph({ type: spec.directed ? "directed" : "undirected", allowSelfLoops: false });
    // Start from a circle split by group (sector or community), so the first paint already shows the groups.
    const groups = Array.from(new Set(spec.nodes.map(function (n) { return n[5]; })));
    const count = spec.nodes.length;
    spec.nodes.forEach(function (n, i) {
      const angle = (2 * Math.PI * (groups.indexOf(n[5]) + (i % 97) / 97 * 0.8)) / Math.max(groups.length, 1);
      const radius = 10 + ((i * 7919) % 1000) / 1000 * Math.sqrt(count) * 4;
      graph.addNode(n[0], {
        label: n[1], color: n[2], size: n[3], region: n[4], group: n[5],
        x: Math.cos(angle) * radius, y: Math.sin(angle) * radius,
      });
    });
    spec.edges.forEach(function (e) {
      if (e[0] === e[1] || !graph.hasNode(e[0]) || !graph.hasNode(e[1]) || graph.hasEdge(e[0], e[1])) return;
      graph.addEdge(e[0], e[1], {
        size: Math.min(1 + Math.log2(e[2] || 1), 4),
        color: e[3] ? "#8a7bb0" : "#b8c2cc",
        kinds: e[4] || "",
        type: spec.directed ? "arrow" : "line",
      });
    });

    let focus = null;
    let neighbours = new Set();
    const renderer = new window.Sigma(graph, box, {
      labelRenderedSizeThreshold: count > 2000 ? 12 : 7,
      labelDensity: 0.25,
      labelGridCellSize: 150,
      defaultEdgeType: spec.directed ? "arrow" : "line",
      zIndex: true,
      nodeReducer: function (node, data) {
        if (!focus) return data;
        if (node === focus) return Object.assign({}, data, { highlighted: true, forceLabel: true, zIndex: 2 });
        if (neighbours.has(node)) return Object.assign({}, data, { forceLabel: true, zIndex: 1 });
        return Object.assign({}, data, { color: "#dde2e7", label: "", zIndex: 0 });
      },
      edgeReducer: function (edge, data) {
        if (!focus) return data;
        return graph.hasExtremity(edge, focus) ? Object.assign({}, data, { color: "#1f5f8b" }) : Object.assign({}, data, { hidden: true });
      },
    });
    box.dataset.ready = "true";
    box.dataset.firstPaintMs = String(Math.round(performance.now() - started));

    const panel = document.getElementById(box.dataset.panel || "");
    const find = document.getElementById(box.dataset.find || "");
    const labels = document.getElementById(find ? find.getAttribute("list") : "");
    if (labels) {
      const fragment = document.createDocumentFragment();
      graph.forEachNode(function (node, data) {
        const option = document.createElement("option");
        option.value = data.label;
        fragment.appendChild(option);
      });
      labels.appendChild(fragment);
    }

    function show(node) {
      focus = node;
      neighbours = new Set(node ? graph.neighbors(node) : []);
      renderer.refresh();
      box.dataset.focus = node || "";
      if (panel) {
        panel.replaceChildren();
        if (node) {
          const data = graph.getNodeAttributes(node);
          const title = document.createElement(spec.profile ? "a" : "strong");
          title.textContent = data.label;
          if (spec.profile) title.href = spec.profile.replace("{}", node);
          panel.appendChild(title);
          const about = document.createElement("span");
          about.className = "text-body-secondary";
          about.textContent = (data.region ? " · " + data.region : "") + " · " + (panel.dataset.ties || "") + ": " + String(graph.degree(node));
          panel.appendChild(about);
        }
      }
      if (node) {
        const shown = renderer.getNodeDisplayData(node);
        if (shown) renderer.getCamera().animate({ x: shown.x, y: shown.y, ratio: 0.4 }, { duration: 400 });
      } else {
        renderer.getCamera().animatedReset({ duration: 300 });
      }
    }

    function findNode(text) {
      const wanted = text.trim().toLocaleLowerCase();
      if (!wanted) return null;
      let exact = null;
      let partial = null;
      graph.forEachNode(function (node, data) {
        const label = String(data.label).toLocaleLowerCase();
        if (label === wanted) exact = exact || node;
        else if (!partial && label.indexOf(wanted) >= 0) partial = node;
      });
      return exact || partial;
    }

    renderer.on("clickNode", function (event) { show(event.node); });
    renderer.on("clickStage", function () { show(null); });
    if (find) {
      find.addEventListener("change", function () { show(findNode(find.value)); });
      find.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); show(findNode(find.value)); }
      });
    }
    const reset = document.querySelector("[data-network-reset]");
    if (reset) reset.addEventListener("click", function () { if (find) find.value = ""; show(null); });

    // ForceAtlas2 in a Web Worker (static/js/network-layout.js): positions come back every few iterations and
    // are drawn as they settle; the page stays responsive, even at 10,000 nodes.
    const keys = graph.nodes();
    const index = new Map(keys.map(function (key, i) { return [key, i]; }));
    const total = count > 5000 ? 200 : count > 1000 ? 300 : 500;
    const chunk = count > 5000 ? 10 : count > 1000 ? 20 : 50;
    function apply(xs, ys) {
      graph.updateEachNodeAttributes(function (node, attributes) {
        const i = index.get(node);
        attributes.x = xs[i];
        attributes.y = ys[i];
        return attributes;
      }, { attributes: ["x", "y"] });
    }
    if (graph.order > 1 && box.dataset.layoutWorker && window.Worker) {
      const xs = new Float32Array(count);
      const ys = new Float32Array(count);
      const sizes = new Float32Array(count);
      keys.forEach(function (key, i) {
        const a = graph.getNodeAttributes(key);
        xs[i] = a.x; ys[i] = a.y; sizes[i] = a.size;
      });
      const pairs = new Uint32Array(graph.size * 2);
      let p = 0;
      graph.forEachEdge(function (edge, attributes, source, target) {
        pairs[p++] = index.get(source);
        pairs[p++] = index.get(target);
      });
      const worker = new Worker(box.dataset.layoutWorker);
      worker.onmessage = function (event) {
        apply(event.data.x, event.data.y);
        if (event.data.done) { box.dataset.layout = "done"; worker.terminate(); }
      };
      worker.postMessage({
        graphology: box.dataset.graphology, library: box.dataset.graphologyLibrary,
        x: xs, y: ys, size: sizes, edges: pairs, iterations: total, chunk: chunk,
        settings: { barnesHutOptimize: count > 400, gravity: 1, scalingRatio: 10 },
      }, [xs.buffer, ys.buffer, sizes.buffer, pairs.buffer]);
    } else {
      box.dataset.layout = "done";
    }

    window.resursNetwork = { graph: graph, renderer: renderer, focus: show, find: findNode };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
