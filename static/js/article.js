// Live status while an article is queued or processing: poll its API status, reload when done.
(function () {
  "use strict";
  var el = document.getElementById("status");
  if (!el || el.dataset.pending !== "1") return;
  var delay = 1000;
  function poll() {
    fetch(el.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && (data.status === "done" || data.status === "failed")) {
          window.location.reload();
          return;
        }
        if (data) el.querySelector("strong").textContent = data.status.charAt(0).toUpperCase() + data.status.slice(1);
        delay = Math.min(delay * 1.5, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, delay);
})();
