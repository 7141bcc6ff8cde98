// Upload page: the agency's recent batches keep their state live (GET /api/batches every few seconds while any
// batch is still receiving or processing, or when a new batch starts from this page).
(function () {
  "use strict";
  const section = document.getElementById("recent-batches");
  if (!section) return;
  const states = JSON.parse(section.dataset.states);
  const rows = document.getElementById("batch-rows");
  let timer = null;

  // Stored times are UTC: shown in the office's zone (RECORDS_TIMEZONE), as the server shows them
  // (search_api/timefmt.py): "02/12/2026 16:53" in Vietnamese, "2 Dec 2026, 16:53" in English.
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const parts = new Intl.DateTimeFormat("en-GB", {timeZone: section.dataset.zone, year: "numeric", month: "numeric",
    day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
  const vietnamese = document.documentElement.lang === "vi";

  function when(ts) {
    if (!ts) return "";
    const p = {};
    parts.formatToParts(new Date(ts)).forEach(function (x) { p[x.type] = x.value; });
    const day = Number(p.day), month = Number(p.month), hm = p.hour + ":" + p.minute;
    if (vietnamese) return String(day).padStart(2, "0") + "/" + String(month).padStart(2, "0") + "/" + p.year + " " + hm;
    return day + " " + MONTHS[month - 1] + " " + p.year + ", " + hm;
  }

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function render(batches) {
    const none = document.getElementById("no-batches");
    if (none && batches.length) none.remove();
    batches.slice().reverse().forEach(function (b) {
      let row = rows.querySelector('tr[data-batch="' + b.batch + '"]');
      if (!row) {
        row = document.createElement("tr");
        row.dataset.batch = b.batch;
        const code = document.createElement("code");
        code.textContent = b.batch;
        const first = document.createElement("td");
        first.appendChild(code);
        row.append(first, cell(b.user), cell(when(b.created_at)), cell("", "batch-state"), cell("", "batch-finished"));
        rows.insertBefore(row, rows.firstChild);
      }
      const st = row.querySelector(".batch-state");
      st.textContent = states[b.state] || b.state;
      st.dataset.state = b.state;
      st.className = "batch-state state-" + b.state;
      row.querySelector(".batch-finished").textContent = when(b.finished_at);
    });
    return batches.some(function (b) { return b.state === "receiving" || b.state === "processing"; });
  }

  function poll() {
    fetch("/api/batches?limit=15", {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (data) {
        const busy = render(data.batches || []);
        timer = busy ? window.setTimeout(poll, 2000) : null;
      }).catch(function () { timer = window.setTimeout(poll, 5000); });
  }

  const form = document.getElementById("upload-form");
  if (form) form.addEventListener("submit", function () {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(poll, 700);
  });
  poll();
})();
