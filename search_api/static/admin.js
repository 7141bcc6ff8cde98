// Admin users screen: add a user, give one a new token, disable one, through the JSON API (/api/users).
// A new token is shown once, here, and never again.
(function () {
  "use strict";
  const box = document.getElementById("admin-users");
  if (!box) return;
  const errorBox = document.getElementById("admin-error");

  function call(method, path, body) {  // window.recordsCall (api.js), the refusal shown in the error box
    errorBox.hidden = true;
    return window.recordsCall(method, path, body).catch(function (err) {
      errorBox.textContent = err.message;
      errorBox.hidden = false;
      throw err;
    });
  }

  function showToken(name, token) {
    document.getElementById("token-for").textContent = box.dataset.tokenFor.replace("{user}", name);
    document.getElementById("new-token").textContent = token;
    document.getElementById("token-box").hidden = false;
    document.getElementById("token-box").focus();
  }

  box.addEventListener("click", function (e) {
    const button = e.target.closest("button[data-user]");
    if (!button) return;
    const name = button.dataset.user;
    if (button.classList.contains("rotate")) {
      call("POST", "/api/users/" + encodeURIComponent(name) + "/token").then(function (d) {
        showToken(d.name, d.token);
      }).catch(function () {});
    } else if (button.classList.contains("disable")) {
      if (!window.confirm(box.dataset.confirmDisable.replace("{user}", name))) return;
      call("DELETE", "/api/users/" + encodeURIComponent(name)).then(function () { window.location.reload(); })
        .catch(function () {});
    }
  });

  const form = document.getElementById("new-user");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    call("POST", "/api/users", {name: form.elements.name.value.trim(), role: form.elements.role.value})
      .then(function (d) {
        showToken(d.name, d.token);
        const row = document.createElement("tr");
        row.dataset.user = d.name;
        [d.name, form.elements.role.selectedOptions[0].textContent, "", "", ""].forEach(function (text) {
          const cell = document.createElement("td");
          cell.textContent = text;
          row.appendChild(cell);
        });
        document.querySelector("#users-table tbody").appendChild(row);
        form.reset();
      }).catch(function () {});
  });
})();
