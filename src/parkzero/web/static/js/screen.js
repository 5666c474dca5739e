/* parkzero big screen: polls /api/screen and redraws; every figure comes from the server. */
(function () {
  "use strict";
  var PZ = window.PZ;
  var t = PZ.t, fmt = PZ.fmt;
  var CHARTS = ["energy_mix", "tou", "load_24h", "energy_flow", "emissions_by_scope", "emissions_by_source",
    "logistics_intensity", "ranking", "trend"];
  var cfg = PZ.page || {};
  var url = cfg.data_url || "/api/screen";
  var every = (cfg.refresh_s || 30) * 1000;

  function kpiValue(k) {
    if (k.unit === "1") { return { v: PZ.pct(k.value), u: "" }; }
    if (k.unit === "kWh" && k.value !== null && Math.abs(k.value) >= 1e5) { return { v: fmt(k.value / 1e4, 1), u: t("unit.10k_kwh") }; }
    if (k.unit === "tCO2/tce") { return { v: fmt(k.value, 2), u: k.unit }; }
    return { v: fmt(k.value, 0), u: k.unit };
  }
  function renderKpis(list) {
    var box = document.getElementById("kpis");
    box.innerHTML = "";
    if (!list.length) { box.appendChild(PZ.el("div", "no-data", t("no_data.inventory"))); return; }
    list.forEach(function (k) {
      var card = PZ.el("div", "kpi");
      card.setAttribute("data-kpi", k.id);
      card.appendChild(PZ.el("div", "label", t("kpi." + k.id)));
      var shown = kpiValue(k);
      var val = PZ.el("div", "value", shown.v);
      if (shown.u) { val.appendChild(PZ.el("span", "unit", shown.u)); }
      card.appendChild(val);
      var sub = PZ.el("div", "sub");
      if (k.threshold !== undefined && k.threshold !== null) {
        sub.appendChild(PZ.el("span", k.ok ? "good" : "bad", t("kpi.threshold", { v: fmt(k.threshold, 2) })));
      } else if (k.target !== undefined && k.target !== null) {
        sub.appendChild(PZ.el("span", k.ok ? "good" : "bad", t("kpi.target", { v: PZ.pct(k.target, 0) })));
      } else if (k.id === "neutrality" && k.detail && k.detail.base_year) {
        sub.textContent = t("kpi.neutrality_base", { y: k.detail.base_year });
      } else if (k.id === "emissions" && k.market !== undefined) {
        sub.textContent = t("kpi.market", { v: fmt(k.market, 0) });
      }
      if (k.yoy_pct !== null && k.yoy_pct !== undefined) {
        sub.appendChild(PZ.el("span", "", " " + t("chart.yoy") + " " + PZ.signedPct(k.yoy_pct)));
      }
      card.appendChild(sub);
      box.appendChild(card);
    });
  }
  function renderAlerts(panel) {
    var list = document.getElementById("alerts");
    list.innerHTML = "";
    if (!panel || !panel.items || !panel.items.length) {
      list.appendChild(PZ.el("li", "no-data", t("alerts.none")));
      return;
    }
    panel.items.forEach(function (a) {
      var li = PZ.el("li", a.severity, "[" + t("severity." + a.severity) + "] " + a.subject + " · " + a.message);
      list.appendChild(li);
    });
  }
  function renderLedger(panel) {
    var badge = document.getElementById("ledger-badge");
    var status = panel && panel.status;
    badge.className = "badge " + (status === "verified" ? "verified" : status === "failed" ? "failed" : "");
    badge.textContent = status === "verified" ? t("ledger.verified") : status === "failed" ? t("ledger.failed") : t("ledger.none");
    if (status === "verified") {
      var n = panel.logs.reduce(function (s, l) { return s + l.size; }, 0);
      badge.title = t("ledger.entries", { n: fmt(n, 0) });
    }
  }
  function render(data) {
    document.getElementById("year").textContent = data.year || "—";
    document.getElementById("updated").textContent = (data.generated_at || "").replace("T", " ").replace("Z", " UTC");
    renderKpis(data.kpis || []);
    CHARTS.forEach(function (id) { PZ.draw(document.getElementById("chart-" + id), id, data[id], data.labels); });
    renderAlerts(data.alerts);
    renderLedger(data.ledger);
    document.body.setAttribute("data-loaded", "1");
  }
  function load() {
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + encodeURIComponent(PZ.lang), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(render)
      .catch(function () { document.getElementById("updated").textContent = t("screen.offline"); });
  }
  load();
  window.setInterval(load, every);
})();
