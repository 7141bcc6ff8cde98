// Correction screens: review queue, text editor, metadata form, page actions, split/merge, trash. Every action
// calls the JSON API (same functions, same checks, same audit as the API and the command line).
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";

  function call(method, path, body, isForm) {
    const headers = {"X-CSRF-Token": csrf};
    if (body !== undefined && !isForm) headers["Content-Type"] = "application/json";
    return fetch(path, {
      method: method, credentials: "same-origin", headers: headers,
      body: body === undefined ? undefined : (isForm ? body : JSON.stringify(body))
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) throw new Error((data.error && data.error.message) || String(r.status));
        return data;
      });
    });
  }

  function report(status, promise, done) {
    if (status) { status.textContent = status.dataset.working || "…"; status.className = "status"; }
    return promise.then(function (data) {
      if (status) status.textContent = "";
      if (done) done(data);
    }).catch(function (err) {
      if (status) { status.textContent = err.message; status.className = "status error"; }
    });
  }

  function docPath(id) { return "/api/documents/" + encodeURIComponent(id); }

  // Page actions (document page and review queue): accept, replace with a rescan, rotate.
  document.querySelectorAll(".page-actions, .review-row").forEach(function (box) {
    const doc = box.dataset.doc, page = box.dataset.page;
    const status = box.querySelector(".status");
    const reload = function () { window.location.reload(); };
    const accept = box.querySelector(".accept");
    if (accept) accept.addEventListener("click", function () {
      report(status, call("POST", docPath(doc) + "/pages/" + page + "/accept", {}), reload);
    });
    const rotate = box.querySelector(".rotate");
    if (rotate) rotate.addEventListener("click", function () {
      report(status, call("POST", docPath(doc) + "/pages/" + page + "/rotate",
        {degrees: parseInt(rotate.dataset.degrees, 10)}), reload);
    });
    const input = box.querySelector(".replace-input");
    if (input) input.addEventListener("change", function () {
      if (!input.files.length) return;
      const form = new FormData();
      form.append("file", input.files[0]);
      report(status, call("PUT", docPath(doc) + "/pages/" + page + "/image", form, true), reload);
    });
  });

  // Text editor: one box per line; changed lines are marked; the page image points at the line being edited.
  const editor = document.getElementById("text-editor");
  if (editor) {
    const list = editor.querySelector(".lines");
    const pointer = document.querySelector(".line-pointer");
    const mark = function (input) {
      const li = input.closest("li");
      li.classList.toggle("edited", li.dataset.wasEdited === "1" || input.value !== input.dataset.original);
    };
    list.querySelectorAll("li").forEach(function (li) {
      li.dataset.wasEdited = li.classList.contains("edited") ? "1" : "0";
    });
    list.addEventListener("input", function (e) { if (e.target.name === "line") mark(e.target); });
    list.addEventListener("focusin", function (e) {
      const li = e.target.closest("li");
      if (!pointer || !li || !li.dataset.box) { if (pointer) pointer.hidden = true; return; }
      const b = JSON.parse(li.dataset.box);
      pointer.style.left = b.left + "%"; pointer.style.top = b.top + "%";
      pointer.style.width = b.width + "%"; pointer.style.height = b.height + "%";
      pointer.hidden = false;
    });
    document.getElementById("add-line").addEventListener("click", function () {
      const li = document.createElement("li");
      li.className = "line edited";
      const input = document.createElement("input");
      input.type = "text"; input.name = "line"; input.dir = "auto"; input.dataset.original = "";
      li.append(input);
      list.append(li);
      input.focus();
    });
    editor.addEventListener("submit", function (e) {
      e.preventDefault();
      const text = Array.from(list.querySelectorAll('input[name="line"]')).map(function (i) { return i.value; })
        .join("\n");
      const status = editor.querySelector(".status");
      status.dataset.working = editor.dataset.working;
      report(status, call("PUT", docPath(editor.dataset.doc) + "/pages/" + editor.dataset.page + "/text",
        {text: text}), function () {
        status.textContent = editor.dataset.saved;
        list.querySelectorAll('input[name="line"]').forEach(function (i) {
          if (i.value !== i.dataset.original) i.closest("li").dataset.wasEdited = "1";
          i.dataset.original = i.value;
        });
      });
    });
  }

  // Metadata form: only the fields that changed are sent.
  const mdForm = document.getElementById("metadata-form");
  if (mdForm) {
    const initial = {};
    Array.from(mdForm.elements).forEach(function (el) { if (el.name) initial[el.name] = el.value; });
    mdForm.addEventListener("submit", function (e) {
      e.preventDefault();
      const body = {};
      Array.from(mdForm.elements).forEach(function (el) {
        if (el.name && el.value !== initial[el.name]) body[el.name] = el.value;
      });
      const status = mdForm.querySelector(".status");
      if (!Object.keys(body).length) { status.textContent = mdForm.dataset.saved; return; }
      report(status, call("PATCH", docPath(mdForm.dataset.doc), body), function () { window.location.reload(); });
    });
  }

  // Split and merge make new documents: go to the first.
  const split = document.getElementById("split-form");
  if (split) split.addEventListener("submit", function (e) {
    e.preventDefault();
    report(split.querySelector(".status"), call("POST", docPath(split.dataset.doc) + "/split",
      {at: parseInt(split.elements.at.value, 10)}), function (data) {
      window.location.href = "/documents/" + encodeURIComponent(data.documents[0].id);
    });
  });
  const merge = document.getElementById("merge-form");
  if (merge) merge.addEventListener("submit", function (e) {
    e.preventDefault();
    const others = merge.elements.ids.value.split(/[\s,]+/).filter(function (s) { return s; });
    report(merge.querySelector(".status"), call("POST", "/api/documents/merge",
      {ids: [merge.dataset.doc].concat(others)}), function (data) {
      window.location.href = "/documents/" + encodeURIComponent(data.id);
    });
  });

  // Delete (to the trash) and restore.
  document.querySelectorAll(".doc-action, #trash-list .restore").forEach(function (button) {
    button.addEventListener("click", function () {
      const action = button.dataset.action || "restore";
      if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
      const request = action === "delete" ? call("DELETE", docPath(button.dataset.doc))
        : call("POST", docPath(button.dataset.doc) + "/restore");
      report(button.parentElement.querySelector(".status"), request, function () { window.location.reload(); });
    });
  });
})();
