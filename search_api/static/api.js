// The web UI's calls to the JSON API: same-origin cookie, the page's CSRF token, JSON in and out. A refusal
// rejects with the server's message in the user's language (`localized`) when it has one.
window.recordsCall = function (method, path, body) {
  "use strict";
  const meta = document.querySelector('meta[name="csrf-token"]');
  return fetch(path, {
    method: method, credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRF-Token": meta ? meta.content : ""},
    body: body ? JSON.stringify(body) : undefined
  }).then(function (r) {
    return r.json().then(function (data) {
      if (!r.ok) throw new Error((data.error && (data.error.localized || data.error.message)) || String(r.status));
      return data;
    });
  });
};
