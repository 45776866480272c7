// primer serve's live reload, injected into every HTML page it serves
// (never into `primer build` output). Listens to the server's events:
// reload the page, swap stylesheets, or show and clear the error overlay.
(function () {
  "use strict";
  var OVERLAY = "primer-error-overlay";

  function showError(data) {
    var error = JSON.parse(data);
    var box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-label", "Build failed");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,24,.94);color:#f4f4f5;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      document.body.appendChild(box);
    }
    box.innerHTML = "";
    var title = document.createElement("h2");
    title.style.cssText = "margin:0 0 .5rem;color:#fca5a5;font:600 18px/1.4 system-ui,sans-serif";
    title.textContent = "Build failed: " + error.count + (error.count === 1 ? " problem" : " problems");
    var where = document.createElement("p");
    where.className = "primer-error-location";
    where.style.cssText = "margin:0 0 1rem;color:#fde68a";
    where.textContent = error.location;
    var text = document.createElement("pre");
    text.style.cssText = "margin:0;white-space:pre-wrap";
    text.textContent = error.text;
    var note = document.createElement("p");
    note.style.cssText = "margin-top:1rem;color:#a1a1aa;font-family:system-ui,sans-serif";
    note.textContent = "The last good build is still served. Fix the file and save: this goes away.";
    box.append(title, where, text, note);
  }

  function clearError() {
    var box = document.getElementById(OVERLAY);
    if (box) box.remove();
  }

  function swapStyles() {
    var stamp = Date.now();
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("primer-live", stamp);
      link.href = url.href;
    });
  }

  var source = new EventSource("/__primer/events");
  // Marks the page as listening, which tests wait for.
  source.addEventListener("hello", function () { document.documentElement.setAttribute("data-primer-live", "open"); });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("styles", swapStyles);
  source.addEventListener("failed", function (event) { showError(event.data); });
  source.addEventListener("ok", clearError);
})();
