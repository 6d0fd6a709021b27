// Autocomplete for every search box: as people type, the box's <datalist>
// is filled from /buscar/sugerencias (word completions and matching titles).
// Without JavaScript the boxes are plain GET forms.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-suggest");
    if (!list || !url || !window.fetch) return;
    var timer = null, last = "", controller = null;
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q === last) return;
      last = q;
      clearTimeout(timer);
      if (q.length < 2) { list.innerHTML = ""; return; }
      timer = setTimeout(function () {
        if (controller) controller.abort();
        controller = window.AbortController ? new AbortController() : null;
        fetch(url + "?q=" + encodeURIComponent(q), controller ? { signal: controller.signal } : {})
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) {
            list.innerHTML = "";
            var seen = {};
            (data.suggestions || []).forEach(function (s) {
              if (seen[s.text]) return;
              seen[s.text] = true;
              var option = document.createElement("option");
              option.value = s.text;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll("input[data-suggest]");
    for (var i = 0; i < boxes.length; i++) attach(boxes[i]);
  });
})();
