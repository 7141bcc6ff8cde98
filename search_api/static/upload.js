// Upload page: drag and drop, one progress bar per file while uploading, then the batch ledger polled live.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const states = JSON.parse(form.dataset.states);
  const reasons = JSON.parse(document.getElementById("ledger").dataset.reasons || "{}");
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const drop = document.getElementById("dropzone");
  const input = document.getElementById("files");
  const list = document.getElementById("filelist");
  const start = document.getElementById("start");
  const errorBox = document.getElementById("upload-error");
  let files = [];
  let rows = [];

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showFiles() {
    list.textContent = "";
    rows = files.map(function (f) {
      const li = el("li", {"data-name": f.name});
      const name = el("span", {"class": "name", dir: "auto"}, f.name);
      const bar = el("progress", {max: "100", value: "0"});
      const state = el("span", {"class": "state"}, states.waiting);
      li.append(name, bar, state);
      list.append(li);
      return {li: li, bar: bar, state: state, file: f};
    });
    start.disabled = files.length === 0;
  }

  function addFiles(fileList) {
    for (const f of fileList) files.push(f);
    showFiles();
  }

  input.addEventListener("change", function () { addFiles(input.files); input.value = ""; });
  ["dragenter", "dragover"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    drop.addEventListener(ev, function (e) { e.preventDefault(); drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) { addFiles(e.dataTransfer.files); });
  drop.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") input.click(); });

  function setState(row, status) {
    row.state.textContent = states[status] || status;
    row.state.className = "state state-" + status;
    row.li.dataset.status = status;
    if (["processed", "duplicate", "rejected", "failed"].indexOf(status) >= 0) row.bar.value = 100;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (!files.length) return;
    errorBox.hidden = true;
    start.disabled = true;
    const data = new FormData();
    data.append("visibility", document.getElementById("visibility").value);
    data.append("shared_with", document.getElementById("shared_with").value);
    data.append("lang", document.getElementById("lang").value);
    files.forEach(function (f) { data.append("files", f, f.name); });
    // The files go in order in one request, so the bytes sent so far tell how far each file has got.
    const total = files.reduce(function (s, f) { return s + f.size; }, 0) || 1;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/batches");
    xhr.setRequestHeader("X-CSRF-Token", csrf);
    xhr.upload.onprogress = function (ev) {
      const sent = ev.lengthComputable ? ev.loaded * total / ev.total : 0;
      let offset = 0;
      rows.forEach(function (row) {
        const size = row.file.size || 1;
        const pct = Math.max(0, Math.min(100, 100 * (sent - offset) / size));
        row.bar.value = pct * 0.5;  // first half of the bar: upload; second half: processing
        if (pct > 0 && pct < 100) setState(row, "uploading");
        offset += row.file.size;
      });
    };
    xhr.onload = function () {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status !== 202) {
        errorBox.textContent = (body.error && (body.error.localized || body.error.message)) || ("HTTP " + xhr.status);
        errorBox.hidden = false;
        start.disabled = false;
        return;
      }
      rows.forEach(function (row) { row.bar.value = 50; setState(row, "received"); });
      follow(body.batch);
    };
    xhr.onerror = function () {
      errorBox.textContent = form.dataset.networkError;
      errorBox.hidden = false;
      start.disabled = false;
    };
    xhr.send(data);
  });

  function follow(batch) {
    document.getElementById("ledger").hidden = false;
    document.getElementById("batch-id").textContent = batch;
    const tbody = document.getElementById("ledger-rows");
    function poll() {
      fetch("/api/batches/" + encodeURIComponent(batch), {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (s) {
          s.files.forEach(function (f, i) {
            const row = rows[i];
            if (!row) return;
            setState(row, f.status);
            if (f.status === "processing" || f.status === "queued") row.bar.value = 75;
          });
          tbody.textContent = "";
          s.documents.forEach(function (d) {
            const tr = el("tr", {"data-status": d.status});
            tr.append(el("td", {dir: "auto"}, d.path));
            tr.append(el("td", {"class": "state-" + d.status}, states[d.status] || d.status));
            tr.append(el("td", {}, d.pages ? String(d.pages) : ""));
            const link = el("td");
            const target = d.duplicate_of || d.id;
            if (target && (d.status === "processed" || d.status === "duplicate")) {
              link.append(el("a", {href: "/documents/" + encodeURIComponent(target)}, target));
            } else if (d.id) {
              link.textContent = d.id;
            }
            tr.append(link);
            tr.append(el("td", {}, d.error_localized || d.error || ""));
            const flags = el("td", {"class": "flags"});
            (d.flags || []).forEach(function (f) {
              flags.append(el("span", {"class": "flag " + f.kind, "data-reason": f.reason, title: f.detail},
                (d.pages > 1 ? form.dataset.pageAbbr.replace("{page}", f.page) + ": " : "") + (reasons[f.reason] || f.reason)));
            });
            tr.append(flags);
            tbody.append(tr);
          });
          const counts = Object.entries(s.counts).filter(function (c) { return c[1]; })
            .map(function (c) { return (states[c[0]] || c[0]) + ": " + c[1]; }).join(" · ");
          document.getElementById("batch-state").textContent = (s.done ? states.done + " " : "") + counts;
          document.getElementById("ledger").dataset.done = s.done ? "1" : "0";
          if (s.error) { errorBox.textContent = s.error_localized || s.error; errorBox.hidden = false; }
          if (!s.done) { setTimeout(poll, 1000); } else { files = []; start.disabled = true; }
        })
        .catch(function () { setTimeout(poll, 2000); });
    }
    poll();
  }
})();
