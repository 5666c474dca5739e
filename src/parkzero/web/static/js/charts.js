/* parkzero web: ECharts options for every panel. Options only: the pages decide where. */
(function () {
  "use strict";
  var PZ = window.PZ;
  var t = PZ.t, fmt = PZ.fmt;
  var COLORS = ["#35d0a5", "#3aa0ff", "#f5b041", "#a78bfa", "#ff6b6b", "#5eead4", "#fb7185", "#facc15", "#94a3b8"];
  var AXIS = { axisLine: { lineStyle: { color: "#4a6591" } }, axisLabel: { color: "#9fb3d1" }, splitLine: { lineStyle: { color: "#1c3158" } } };

  function label(labels, id) { return (labels && labels[id]) || id; }
  function base(extra) {
    var o = {
      backgroundColor: "transparent",
      color: COLORS,
      textStyle: { color: "#dce7f7" },
      tooltip: { renderMode: "richText", confine: true },
      animation: false
    };
    Object.keys(extra).forEach(function (k) { o[k] = extra[k]; });
    return o;
  }
  function axis(type, extra) {
    var a = { type: type };
    Object.keys(AXIS).forEach(function (k) { a[k] = AXIS[k]; });
    if (extra) { Object.keys(extra).forEach(function (k) { a[k] = extra[k]; }); }
    return a;
  }
  var grid = { left: 56, right: 20, top: 34, bottom: 30, containLabel: true };

  var builders = {
    energy_mix: function (p, labels) {
      return base({
        tooltip: { renderMode: "richText", trigger: "item", valueFormatter: function (v) { return fmt(v) + " tce"; } },
        legend: { bottom: 0, textStyle: { color: "#9fb3d1" } },
        series: [{ type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
          label: { color: "#dce7f7", formatter: "{b}\n{d}%" },
          data: p.items.map(function (i) { return { name: label(labels, i.id), value: i.tce }; }) }]
      });
    },
    tou: function (p, labels) {
      return base({ grid: grid, xAxis: axis("category", { data: p.periods.map(function (x) { return label(labels, "tou." + x); }) }),
        yAxis: axis("value", { name: "kWh" }),
        series: [{ type: "bar", data: p.kwh, itemStyle: { color: "#3aa0ff" } }] });
    },
    load_24h: function (p) {
      var hours = p.hours.map(function (h) { return h.slice(11, 16); });
      var series = [
        { name: t("chart.load"), type: "line", smooth: true, data: p.load_kwh, areaStyle: { opacity: 0.15 } },
        { name: t("chart.pv"), type: "line", smooth: true, data: p.pv_kwh }
      ];
      var y = [axis("value", { name: "kWh" })];
      if (p.soc) {
        y.push(axis("value", { name: "SOC", min: 0, max: 1, splitLine: { show: false } }));
        series.push({ name: t("chart.soc"), type: "line", yAxisIndex: 1, data: p.soc });
      }
      return base({ grid: grid, legend: { top: 0, textStyle: { color: "#9fb3d1" } }, tooltip: { renderMode: "richText", trigger: "axis" },
        xAxis: axis("category", { data: hours }), yAxis: y, series: series });
    },
    energy_flow: function (p, labels) {
      var nodes = p.nodes.map(function (n) { return { name: label(labels, n) }; });
      var links = p.links.map(function (l) { return { source: label(labels, l.source), target: label(labels, l.target), value: l.tce }; });
      return base({ tooltip: { renderMode: "richText", trigger: "item", valueFormatter: function (v) { return fmt(v) + " tce"; } },
        series: [{ type: "sankey", left: 10, right: 130, top: 10, bottom: 10, nodeGap: 10, data: nodes, links: links,
          emphasis: { focus: "adjacency" }, label: { color: "#dce7f7" },
          lineStyle: { color: "gradient", curveness: 0.5, opacity: 0.35 } }] });
    },
    emissions_by_scope: function (p, labels) {
      return base({ grid: grid, tooltip: { renderMode: "richText", trigger: "axis" },
        xAxis: axis("category", { data: p.items.map(function (i) { return label(labels, i.id); }), axisLabel: { color: "#9fb3d1", interval: 0, fontSize: 11 } }),
        yAxis: axis("value", { name: "tCO2e" }),
        series: [{ type: "bar", data: p.items.map(function (i, k) { return { value: i.tco2e, itemStyle: { color: COLORS[k] } }; }),
          label: { show: true, position: "top", color: "#dce7f7", formatter: function (x) { return fmt(x.value, 0); } } }] });
    },
    emissions_by_source: function (p, labels) {
      var items = p.items.slice().reverse();
      return base({ grid: { left: 8, right: 48, top: 10, bottom: 10, containLabel: true }, tooltip: { renderMode: "richText", trigger: "axis" },
        xAxis: axis("value"), yAxis: axis("category", { data: items.map(function (i) { return label(labels, i.id); }), axisLabel: { color: "#9fb3d1", width: 150, overflow: "truncate" } }),
        series: [{ type: "bar", data: items.map(function (i) { return i.tco2e; }), itemStyle: { color: "#f5b041" } }] });
    },
    logistics_intensity: function (p, labels) {
      return base({ grid: grid, title: { text: t("chart.freight_avg", { v: fmt(p.g_per_tkm, 1) }), right: 8, top: 0, textStyle: { color: "#9fb3d1", fontSize: 12 } },
        tooltip: { renderMode: "richText", trigger: "axis" },
        xAxis: axis("category", { data: p.items.map(function (i) { return label(labels, i.id); }), axisLabel: { color: "#9fb3d1", interval: 0, fontSize: 11 } }),
        yAxis: axis("value", { name: "gCO2e/t·km" }),
        series: [{ type: "bar", data: p.items.map(function (i) { return i.g_per_tkm; }), itemStyle: { color: "#35d0a5" },
          label: { show: true, position: "top", color: "#dce7f7", formatter: function (x) { return fmt(x.value, 1); } } }] });
    },
    ranking: function (p) {
      var rows = p.tenants.slice().reverse();
      return base({ grid: { left: 8, right: 48, top: 10, bottom: 10, containLabel: true }, tooltip: { renderMode: "richText", trigger: "axis" },
        xAxis: axis("value", { name: "tCO2e" }), yAxis: axis("category", { data: rows.map(function (r) { return r.name; }), axisLabel: { color: "#9fb3d1", width: 140, overflow: "truncate" } }),
        series: [{ type: "bar", data: rows.map(function (r) { return r.tco2e; }), itemStyle: { color: "#a78bfa" },
          label: { show: true, position: "right", color: "#dce7f7", formatter: function (x) { return fmt(x.value, 0); } } }] });
    },
    trend: function (p) {
      return base({ grid: grid, legend: { top: 0, textStyle: { color: "#9fb3d1" } }, tooltip: { renderMode: "richText", trigger: "axis" },
        xAxis: axis("category", { data: p.months }),
        yAxis: [axis("value", { name: "tCO2e" }), axis("value", { name: "%", splitLine: { show: false } })],
        series: [
          { name: t("chart.monthly"), type: "bar", data: p.tco2e, itemStyle: { color: "#3aa0ff" } },
          { name: t("chart.yoy"), type: "line", yAxisIndex: 1, data: p.yoy_pct, connectNulls: false },
          { name: t("chart.mom"), type: "line", yAxisIndex: 1, data: p.mom_pct, connectNulls: false }
        ] });
    },
    bars: function (p, labels) {
      return base({ grid: grid, tooltip: { renderMode: "richText", trigger: "axis" },
        xAxis: axis("category", { data: p.items.map(function (i) { return label(labels, i.id); }), axisLabel: { color: "#9fb3d1", rotate: p.items.length > 6 ? 30 : 0, fontSize: 11 } }),
        yAxis: axis("value", { name: p.unit || "" }),
        series: [{ type: "bar", data: p.items.map(function (i) { return i.value; }), itemStyle: { color: "#35d0a5" } }] });
    },
    lines: function (p, labels) {
      return base({ grid: grid, legend: { top: 0, textStyle: { color: "#9fb3d1" } }, tooltip: { renderMode: "richText", trigger: "axis" },
        xAxis: axis("category", { data: p.x }), yAxis: axis("value", { name: p.unit || "" }),
        series: p.series.map(function (s) { return { name: label(labels, s.id), type: s.type || "line", data: s.data, connectNulls: true }; }) });
    },
    macc: function (p, labels) {
      /* marginal abatement cost curve: width = abatement [tCO2e/yr], height = cost [CNY/tCO2e] */
      var x = 0;
      var data = p.items.map(function (i) { var d = [x, x + i.tco2e, i.cost, label(labels, i.id)]; x += i.tco2e; return d; });
      return base({ grid: grid, tooltip: { renderMode: "richText", trigger: "item",
          formatter: function (q) { return q.value[3] + "\n" + fmt(q.value[1] - q.value[0], 0) + " tCO2e · " + fmt(q.value[2], 0) + " CNY/tCO2e"; } },
        xAxis: axis("value", { name: "tCO2e", max: x || 1 }), yAxis: axis("value", { name: "CNY/tCO2e" }),
        series: [{ type: "custom", data: data, encode: { x: [0, 1], y: 2 },
          renderItem: function (params, api) {
            var a = api.coord([api.value(0), Math.max(api.value(2), 0)]);
            var b = api.coord([api.value(1), Math.min(api.value(2), 0)]);
            return { type: "rect", shape: { x: a[0], y: a[1], width: Math.max(b[0] - a[0], 1), height: b[1] - a[1] },
              style: { fill: COLORS[params.dataIndex % COLORS.length], stroke: "#0b1426" } };
          } }] });
    }
  };

  function noData(node, reason) {
    node.innerHTML = "";
    var msg = PZ.el("div", "no-data-msg", t("no_data." + (reason || "generic")));
    node.appendChild(msg);
  }

  /* Draw `panel` (a JSON panel with status) into `node` with builder `kind`. */
  function draw(node, kind, panel, labels) {
    if (!node) { return null; }
    var old = window.echarts.getInstanceByDom(node);
    if (!panel || panel.status === "no_data" || !builders[kind]) {
      if (old) { old.dispose(); }
      noData(node, panel && panel.reason);
      delete PZ.charts[node.id];
      return null;
    }
    if (!old && node.firstChild && node.firstChild.className === "no-data-msg") { node.innerHTML = ""; }
    var chart = old || window.echarts.init(node, null, { renderer: "canvas" });
    chart.setOption(builders[kind](panel, labels), true);
    PZ.charts[node.id] = chart;
    return chart;
  }

  window.addEventListener("resize", function () {
    Object.keys(PZ.charts).forEach(function (k) { PZ.charts[k].resize(); });
  });
  PZ.draw = draw;
  PZ.builders = builders;
})();
