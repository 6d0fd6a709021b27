// Apertura: follows a table's load while the page is open. Without this file
// the page says to reload it; with it, the bar and the text follow the load
// (polling its JSON every second) and the page reloads itself when it ends.
(function () {
  "use strict";
  var box = document.querySelector("[data-ingest-status]");
  if (!box || !window.fetch) return;
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-ingest-text]");
  var fmt = new Intl.NumberFormat(document.documentElement.lang || "es-MX");
  function tick() {
    fetch(box.getAttribute("data-ingest-status"), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === "ready" || s.status === "failed" || s.status === "cancelled") {
          text.textContent = box.getAttribute("data-done-text");
          window.location.reload();
          return;
        }
        if (typeof s.percent === "number") {
          bar.value = s.percent;
          bar.textContent = s.percent + " %";
        }
        if (s.status === "running" && text.textContent.indexOf(fmt.format(s.rows_done)) < 0) {
          text.textContent = text.textContent.replace(/[\d.,\s]+(?=\D*$)/, " " + fmt.format(s.rows_done) + " ");
        }
        window.setTimeout(tick, 1000);
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
