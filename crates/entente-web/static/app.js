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
