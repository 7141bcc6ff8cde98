// Document page: change visibility (owner agency's officers and admins), first highlighted word scrolled into view.
(function () {
  "use strict";
  const first = document.querySelector(".hl");
  if (first) {
    const img = first.parentElement.querySelector("img");
    const go = function () { first.scrollIntoView({block: "center"}); };
    if (img && !img.complete) img.addEventListener("load", go, {once: true}); else go();
  }
  const form = document.getElementById("visibility-form");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    const status = form.querySelector(".status");
    const shared = form.elements.shared_with.value.split(",").map(function (s) { return s.trim(); })
      .filter(function (s) { return s; });
    fetch("/api/documents/" + encodeURIComponent(form.dataset.doc) + "/visibility", {
      method: "PUT", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify({visibility: form.elements.visibility.value, shared_with: shared})
    }).then(function (r) {
      return r.json().then(function (body) {
        status.textContent = r.ok ? form.dataset.saved : ((body.error && (body.error.localized || body.error.message)) || r.status);
        status.className = r.ok ? "status" : "status error";
        if (r.ok) {  // the metadata panel shows what is now stored, not what was there when the page loaded
          const now = document.getElementById("visibility-now");
          const label = form.elements.visibility.selectedOptions[0].textContent;
          now.textContent = label + (body.shared_with && body.shared_with.length ? ": " + body.shared_with.join(", ") : "");
        }
      });
    });
  });
})();
