// Search page: a result without page images (a text-only document) hides its empty thumbnail frame;
// changing the sort or the page size runs the search again at once.
(function () {
  "use strict";
  document.querySelectorAll(".hit .thumb img").forEach(function (img) {
    const hide = function () { img.parentElement.classList.add("missing"); };
    if (img.complete && img.naturalWidth === 0) hide(); else img.addEventListener("error", hide, {once: true});
  });
  ["sort", "size"].forEach(function (id) {
    const el = document.getElementById(id);
    if (el) el.addEventListener("change", function () { el.form.requestSubmit(); });
  });
})();
