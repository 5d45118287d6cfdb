// Charts in pages: every element with data-chart="<id>" is drawn with Apache ECharts from the JSON spec that
// templates/includes/chart.html embeds with json_script (resurs.core.chartspec). ECharts is loaded only on pages
// that have a chart. Numbers are formatted for the page's language with Intl.NumberFormat (roubles for money,
// whole numbers for counts); category labels that would overlap are thinned out, long ones are truncated.
(function () {
  "use strict";
  const script = document.currentScript;
  const lang = document.documentElement.lang || "ru";
  let loading = null;

  function loadECharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const tag = document.createElement("script");
        tag.src = script.dataset.echarts;
        tag.onload = function () { resolve(window.echarts); };
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function formatters(format) {
    const full = format === "money"
      ? new Intl.NumberFormat(lang, { style: "currency", currency: "RUB", maximumFractionDigits: 0 })
      : new Intl.NumberFormat(lang, { maximumFractionDigits: format === "integer" ? 0 : 1 });
    const compact = format === "money"
      ? new Intl.NumberFormat(lang, { style: "currency", currency: "RUB", notation: "compact", maximumFractionDigits: 1 })
      : new Intl.NumberFormat(lang, { notation: "compact", maximumFractionDigits: 1 });
    return {
      full: function (v) { return full.format(v); },
      axis: function (v) { return Math.abs(v) >= 10000 ? compact.format(v) : full.format(v); },
    };
  }

  function shorten(text, chars) {
    return text.length > chars ? text.slice(0, Math.max(chars - 1, 1)).trimEnd() + "…" : text;
  }

  // The width of the longest label as the browser draws it (ECharts' own measure runs narrower than the SVG text,
  // and containLabel would let long names be cut at the left edge).
  function labelsWidth(labels) {
    const probe = document.createElement("span");
    probe.style.position = "absolute";
    probe.style.visibility = "hidden";
    probe.style.whiteSpace = "nowrap";
    probe.style.fontSize = "12px";
    document.body.appendChild(probe);
    let widest = 0;
    labels.forEach(function (label) { probe.textContent = label; widest = Math.max(widest, probe.offsetWidth); });
    probe.remove();
    return widest;
  }

  function option(spec, width) {
    const f = formatters(spec.format);
    const narrow = width < 576;
    const series = spec.series.map(function (s) {
      if (spec.kind === "pie") {
        return {
          type: "pie", name: s.name, radius: narrow ? ["30%", "60%"] : ["35%", "70%"],
          data: spec.labels.map(function (label, i) { return { name: label, value: s.values[i] }; }),
          label: { formatter: function (p) { return p.name + "\n" + f.full(p.value); }, width: narrow ? 90 : 160, overflow: "truncate" },
        };
      }
      return {
        type: spec.kind, name: s.name, data: s.values, stack: spec.stacked ? "total" : undefined,
        symbolSize: 6, barMaxWidth: 28, emphasis: { focus: "series" },
        label: spec.series.length === 1 && spec.kind === "bar" && spec.horizontal
          ? { show: true, position: "right", formatter: function (p) { return f.axis(p.value); }, fontSize: 11 }
          : undefined,
      };
    });
    const tooltip = {
      trigger: spec.kind === "pie" ? "item" : "axis", confine: true,
      valueFormatter: function (v) { return f.full(v); },
    };
    if (spec.kind === "pie") {
      return { color: spec.palette, tooltip: tooltip, series: series, legend: { show: false } };
    }
    const labelWidth = Math.max(80, Math.min(220, Math.round(width * (narrow ? 0.34 : 0.3))));
    const chars = Math.floor(labelWidth / 6.6);
    const category = {
      type: "category", data: spec.labels, inverse: spec.horizontal,
      axisTick: { alignWithLabel: true },
      // Long names are shortened here (ECharts' containLabel measures labels before its own truncation);
      // the tooltip and the table give them in full.
      axisLabel: spec.horizontal
        ? { interval: 0, fontSize: 12, formatter: function (text) { return shorten(text, chars); } }
        : { hideOverlap: true, width: narrow ? 70 : 110, overflow: "truncate" },
    };
    const value = {
      type: "value", name: spec.axis || "", nameLocation: "middle", nameGap: spec.horizontal ? 28 : 52,
      minInterval: spec.format === "integer" ? 1 : 0,
      axisLabel: { formatter: f.axis, hideOverlap: true },
      splitLine: { lineStyle: { color: "#e3e8ee" } },
    };
    const legend = spec.series.length > 1
      ? { bottom: 0, type: "scroll", textStyle: { width: narrow ? 140 : 260, overflow: "truncate" } }
      : { show: false };
    return {
      // The page's own font, named: ECharts measures labels with it ("inherit" would measure another font).
      color: spec.palette, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
      grid: spec.horizontal
        ? {
            left: labelsWidth(spec.labels.map(function (l) { return shorten(l, chars); })) + 16, right: 48, top: 8,
            bottom: 28 + (spec.series.length > 1 ? 32 : 0) + (spec.axis ? 22 : 0), containLabel: false,
          }
        : { left: 8, right: 16, top: 16, bottom: spec.series.length > 1 ? 36 : 8, containLabel: true },
      tooltip: tooltip, legend: legend,
      xAxis: spec.horizontal ? value : category,
      yAxis: spec.horizontal ? category : value,
      series: series,
    };
  }

  function draw(root) {
    const boxes = (root || document).querySelectorAll("[data-chart]:not([data-drawn])");
    if (!boxes.length) return;
    loadECharts().then(function (echarts) {
      boxes.forEach(function (box) {
        const source = document.getElementById(box.dataset.chart);
        if (!source) return;
        const spec = JSON.parse(source.textContent);
        const chart = echarts.init(box, null, { renderer: "svg" });
        chart.setOption(option(spec, box.clientWidth));
        box.dataset.drawn = "1";
        let width = box.clientWidth;
        new ResizeObserver(function () {
          if (box.clientWidth === width) return;
          width = box.clientWidth;
          chart.setOption(option(spec, width), true);
          chart.resize();
        }).observe(box);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
