/* parkzero web: shared helpers. No inline script anywhere: data come from JSON blocks. */
(function () {
  "use strict";
  function readJson(id) {
    var el = document.getElementById(id);
    if (!el) { return {}; }
    try { return JSON.parse(el.textContent || "{}"); } catch (e) { return {}; }
  }
  var messages = readJson("pz-i18n");
  var page = readJson("pz-page");
  var lang = document.documentElement.getAttribute("lang") || "zh-CN";
  function t(key, vars) {
    var text = Object.prototype.hasOwnProperty.call(messages, key) ? messages[key] : key;
    if (vars) {
      Object.keys(vars).forEach(function (k) { text = text.split("{" + k + "}").join(String(vars[k])); });
    }
    return text;
  }
  function fmt(value, digits) {
    if (value === null || value === undefined || !isFinite(value)) { return "—"; }
    var d = digits === undefined ? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2) : digits;
    return Number(value).toLocaleString(lang, { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function pct(value, digits) {
    if (value === null || value === undefined || !isFinite(value)) { return "—"; }
    return fmt(value * 100, digits === undefined ? 1 : digits) + " %";
  }
  function signedPct(value) {
    if (value === null || value === undefined || !isFinite(value)) { return "—"; }
    return (value > 0 ? "+" : "") + fmt(value, 1) + " %";
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }
  window.PZ = { t: t, fmt: fmt, pct: pct, signedPct: signedPct, el: el, page: page, lang: lang, charts: {} };
})();
