// Search page: a result without page images (a text-only document) hides its empty thumbnail frame;
// changing the sort or the page size runs the search again.
(function () {
  "use strict";
  document.querySelectorAll(".hit .thumb img").forEach(function (img) {
    const hide = function () { img.parentElement.classList.add("missing"); };
    if (img.complete && img.naturalWidth === 0) hide(); else img.addEventListener("error", hide, {once: true});
  });
  // A choice made with the mouse applies at once; with the keyboard (arrows change the value as they move), it
  // applies on Enter, so moving through the options does not reload the page at every step.
  ["sort", "size"].forEach(function (id) {
    const el = document.getElementById(id);
    if (!el) return;
    let byKey = false;
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); el.form.requestSubmit(); } else { byKey = true; }
    });
    el.addEventListener("change", function () {
      if (!byKey) el.form.requestSubmit();
      byKey = false;
    });
  });
})();
