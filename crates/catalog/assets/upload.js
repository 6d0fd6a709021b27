// Apertura: uploads with a progress bar. Progressive enhancement only: without
// this file the form is an ordinary multipart POST and works the same.
//
// A form marked `data-upload` is sent with XMLHttpRequest so that a
// <progress> bar and a polite live text ("Subiendo: 45 % (23 de 50 MB)") can
// follow it. The messages come from the page (data-* attributes), in the
// page's language. When the server answers with a redirect, the browser goes
// to the resource page; when it answers with the form again (errors beside
// the fields), that form replaces this one; any other error page's message is
// shown in the live text.
(function () {
  "use strict";

  var UNITS = [["GB", 1073741824], ["MB", 1048576], ["KB", 1024]];

  // The unit people read a size in: the largest that keeps it at 1 or more.
  function unitFor(bytes) {
    for (var i = 0; i < UNITS.length; i += 1) {
      if (bytes >= UNITS[i][1]) return UNITS[i];
    }
    return ["B", 1];
  }

  function number(value, divisor) {
    var v = value / divisor;
    var digits = divisor === 1 || v >= 100 ? 0 : 1;
    return v.toLocaleString(document.documentElement.lang || "es-MX", {
      minimumFractionDigits: 0,
      maximumFractionDigits: digits
    });
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : all;
    });
  }

  function setup(form) {
    if (form.getAttribute("data-upload-ready")) return;
    form.setAttribute("data-upload-ready", "1");
    var box = form.querySelector("[data-upload-status]");
    var bar = box ? box.querySelector("progress") : null;
    var text = box ? box.querySelector("[data-upload-text]") : null;
    var button = form.querySelector("button[type=submit]");
    var input = form.querySelector("input[type=file]");
    var max = Number(form.getAttribute("data-max-bytes")) || 0;
    if (!box || !bar || !text || !input) return;

    function say(message, isError) {
      box.hidden = false;
      text.textContent = message;
      if (isError) {
        text.setAttribute("role", "alert");
        bar.hidden = true;
      } else {
        text.removeAttribute("role");
        bar.hidden = false;
      }
    }

    function done() {
      if (button) button.disabled = false;
      form.removeAttribute("aria-busy");
    }

    form.addEventListener("submit", function (event) {
      var file = input.files && input.files[0];
      // Nothing to upload (a link, or an error to show): an ordinary POST.
      if (!file || !window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      if (max && file.size > max) {
        say(form.getAttribute("data-too-large") || "", true);
        input.focus();
        return;
      }
      var xhr = new XMLHttpRequest();
      var unit = unitFor(file.size);
      var lastPercent = -1;
      xhr.open("POST", form.action);
      xhr.upload.addEventListener("progress", function (e) {
        var total = e.lengthComputable ? e.total : file.size;
        var percent = total ? Math.min(100, Math.floor((e.loaded / total) * 100)) : 0;
        bar.value = percent;
        // Every 5 %, so that screen readers are not flooded.
        if (percent === lastPercent || (percent < 100 && percent - lastPercent < 5)) return;
        lastPercent = percent;
        say(fill(form.getAttribute("data-progress") || "", {
          percent: String(percent),
          loaded: number(Math.min(e.loaded, file.size), unit[1]),
          total: number(file.size, unit[1]) + " " + unit[0]
        }), false);
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        say(form.getAttribute("data-done") || "", false);
      });
      xhr.addEventListener("load", function () {
        var url = xhr.responseURL || "";
        var sameAddress = url.split("?")[0] === form.action.split("?")[0];
        if (xhr.status >= 200 && xhr.status < 300 && url && !sameAddress) {
          // The server redirected to the resource page after saving.
          window.location.assign(url);
          return;
        }
        done();
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var main = doc.querySelector("main");
        var current = document.querySelector("main");
        if (main && current && main.querySelector("form[data-upload]")) {
          // The form again, with the errors beside the fields.
          current.replaceWith(document.importNode(main, true));
          Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), setup);
          var summary = document.querySelector(".error-summary");
          if (summary) summary.focus();
          return;
        }
        var message = doc.querySelector(".error-page .lead") || doc.querySelector("h1");
        say(message ? message.textContent.trim() : form.getAttribute("data-failed") || "", true);
      });
      xhr.addEventListener("error", function () {
        done();
        say(form.getAttribute("data-failed") || "", true);
      });
      xhr.addEventListener("abort", function () {
        done();
        say(form.getAttribute("data-failed") || "", true);
      });
      if (button) button.disabled = true;
      form.setAttribute("aria-busy", "true");
      bar.value = 0;
      say(fill(form.getAttribute("data-progress") || "", {
        percent: "0",
        loaded: "0",
        total: number(file.size, unit[1]) + " " + unit[0]
      }), false);
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), setup);
  });
})();
