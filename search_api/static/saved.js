// Saved searches: save the current search (search page), delete one (start page), through /api/saved-searches.
(function () {
  "use strict";
  const call = window.recordsCall;  // api.js

  const form = document.getElementById("save-search");
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    const status = form.querySelector(".status");
    const query = new URLSearchParams(window.location.search);
    query.delete("page");  // a saved search opens on its first page
    call("POST", "/api/saved-searches", {name: form.elements.name.value, query: query.toString()})
      .then(function () { status.textContent = form.dataset.saved; status.className = "status"; })
      .catch(function (err) { status.textContent = err.message; status.className = "status error"; });
  });

  document.querySelectorAll(".delete-saved").forEach(function (button) {
    button.addEventListener("click", function () {
      call("DELETE", "/api/saved-searches/" + button.dataset.saved).then(function () {
        button.closest("li").remove();
      }).catch(function () {});
    });
  });
})();
