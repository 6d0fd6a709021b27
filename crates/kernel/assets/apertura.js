// Apertura: progressive enhancement only. Every page works without this file.
(function () {
  "use strict";

  // Live filter for tables: <input data-filter-table="ID" data-filter-count="ID">.
  // The server-side form keeps working; this only saves a round trip.
  function setupTableFilter(input) {
    var table = document.getElementById(input.getAttribute("data-filter-table"));
    var counter = document.getElementById(input.getAttribute("data-filter-count"));
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var fold = function (s) {
      return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    };
    var keys = rows.map(function (r) { return fold(r.textContent); });
    var template = counter ? counter.getAttribute("data-template") : null;
    input.addEventListener("input", function () {
      var q = fold(input.value.trim());
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = !q || keys[i].indexOf(q) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (counter && template) {
        counter.textContent = template.replace("{n}", shown.toLocaleString("es-MX"));
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-filter-table]"), setupTableFilter);
  });
})();
