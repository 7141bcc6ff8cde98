// Wide tables (class "stack") become one card per row on a phone (app.css): every cell is labelled with its
// column's header (data-label), also in rows the page's scripts add later (live batches, a new user).
(function () {
  "use strict";
  function label(table) {
    const heads = Array.from(table.querySelectorAll("thead th")).map(function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      Array.from(tr.children).forEach(function (cell, i) {
        if (heads[i] && cell.colSpan === 1 && !cell.dataset.label) cell.dataset.label = heads[i];
      });
    });
  }
  document.querySelectorAll("table.stack").forEach(function (table) {
    label(table);
    new MutationObserver(function () { label(table); }).observe(table, {childList: true, subtree: true});
  });
})();
