// Entente's one script: live updates. It follows the user's event stream (/ui/events) and, when
// something of interest changes, reloads the page's content without a full reload. Pages work
// without it; nothing here builds markup from event data (the server renders every value).
(function () {
  "use strict";
  var live = document.querySelector("[data-live]");
  if (!live || !window.EventSource || !window.fetch) return;
  var pending = null;
  function refresh() {
    pending = null;
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.querySelector("main");
        var main = document.querySelector("main");
        if (fresh && main) {
          main.replaceWith(document.adoptNode(fresh));
          var mark = document.querySelector("[data-live]");
          if (mark) mark.classList.add("live-flash");
        }
      })
      .catch(function () {});
  }
  var source = new EventSource("/ui/events");
  function changed() { if (!pending) pending = setTimeout(refresh, 300); }
  ["warning", "hit", "acknowledgement", "review", "follow-up", "reminder"].forEach(function (kind) {
    source.addEventListener(kind, changed);
  });
  source.onmessage = changed;
})();

// A file of names screened with a progress bar: the answer streams back a batch at a time, each
// CSV line starting with the input line it answers; when it is all there, it is offered as a
// download. Without this script the form posts and the browser downloads the answer itself.
(function () {
  "use strict";
  var form = document.getElementById("screen-file");
  if (!form || !window.fetch || !window.ReadableStream || !window.TextDecoder) return;
  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (!file) return;
    event.preventDefault();
    var bar = document.getElementById("screen-progress");
    var link = document.getElementById("screen-download");
    link.hidden = true;
    file.text().then(function (text) {
      var lines = text.split("\n").filter(function (l) { return l.trim() !== ""; }).length;
      var total = Math.max(1, text.trim().charAt(0) === "{" ? lines : lines - 1);
      bar.max = total;
      bar.value = 0;
      bar.hidden = false;
      return fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok || !response.body) {
            return response.text().then(function (html) {
              var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main");
              var main = document.querySelector("main");
              if (fresh && main) main.replaceWith(document.adoptNode(fresh));
            });
          }
          var reader = response.body.getReader();
          var decoder = new TextDecoder();
          var parts = [];
          var seen = new Set();
          var rest = "";
          function pump() {
            return reader.read().then(function (step) {
              if (step.done) {
                bar.value = total;
                link.href = URL.createObjectURL(new Blob(parts, { type: "text/csv" }));
                link.hidden = false;
                return;
              }
              var chunk = decoder.decode(step.value, { stream: true });
              parts.push(chunk);
              var text = rest + chunk;
              var cut = text.lastIndexOf("\n");
              rest = text.slice(cut + 1);
              text.slice(0, cut).split("\n").forEach(function (line) {
                var n = line.split(",")[0];
                if (/^[0-9]+$/.test(n)) seen.add(n);
              });
              bar.value = Math.min(total, seen.size);
              return pump();
            });
          }
          return pump();
        });
    });
  });
})();
