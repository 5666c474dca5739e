/* parkzero web: charts of the server-rendered pages; their data are in the page's JSON block. */
(function () {
  "use strict";
  var PZ = window.PZ;
  var charts = (PZ.page && PZ.page.charts) || {};
  var labels = (PZ.page && PZ.page.labels) || {};
  Object.keys(charts).forEach(function (id) {
    var spec = charts[id];
    PZ.draw(document.getElementById("chart-" + id), spec.kind, spec.data, labels);
  });
})();
