// Document page viewer: zoom, rotate a page for viewing (the stored page is not changed), a page strip,
// next/previous match across pages, and keyboard shortcuts (+ − 0 R J K N P) for all of these.
(function () {
  "use strict";
  const bar = document.getElementById("viewer-bar");
  if (!bar) return;
  const articles = Array.prototype.slice.call(document.querySelectorAll("article.page[id^='page-']"));
  const images = [];
  articles.forEach(function (article) {  // each page image sits in a frame that scrolls when zoomed in
    const pic = article.querySelector(".page-image");
    if (!pic) return;
    const frame = document.createElement("div");
    frame.className = "page-frame";
    pic.parentNode.insertBefore(frame, pic);
    frame.appendChild(pic);
    pic.dataset.rotation = "0";
    images.push(pic);
  });
  const levels = [0.5, 0.75, 1, 1.25, 1.5, 2, 2.5, 3];
  let zoom = 2;  // index of 1 (100 %)
  const matches = Array.prototype.slice.call(document.querySelectorAll(".page-image .hl"));
  let current = -1;

  function layout(pic) {
    const frame = pic.parentElement;
    const rotation = Number(pic.dataset.rotation);
    const base = frame.clientWidth || 1;
    const scale = levels[zoom];
    const ratio = pic.offsetHeight && pic.offsetWidth ? pic.offsetHeight / pic.offsetWidth : 1.3;
    const quarter = rotation % 180 !== 0;
    // the page's width: the frame's width times the zoom; turned a quarter, its height is what fits the width
    const width = (quarter ? base / ratio : base) * scale;
    pic.style.width = width + "px";
    pic.style.maxWidth = "none";
    const height = width * ratio;
    if (rotation === 90) pic.style.transform = "translateX(" + height + "px) rotate(90deg)";
    else if (rotation === 180) pic.style.transform = "translate(" + width + "px, " + height + "px) rotate(180deg)";
    else if (rotation === 270) pic.style.transform = "translateY(" + width + "px) rotate(270deg)";
    else pic.style.transform = "";
    frame.style.height = (quarter ? width : height) + "px";
  }

  function layoutAll() {
    images.forEach(layout);
    document.getElementById("zoom-level").textContent = Math.round(levels[zoom] * 100) + "%";
  }

  function setZoom(i) {
    zoom = Math.max(0, Math.min(levels.length - 1, i));
    layoutAll();
  }

  function pageInView() {  // the article whose top is nearest above the middle of the window
    let best = articles[0];
    articles.forEach(function (a) { if (a.getBoundingClientRect().top < window.innerHeight / 3) best = a; });
    return best;
  }

  function rotate() {
    const pic = pageInView() && pageInView().querySelector(".page-image");
    if (!pic) return;
    pic.dataset.rotation = String((Number(pic.dataset.rotation) + 90) % 360);
    layout(pic);
  }

  function goPage(step) {
    const i = articles.indexOf(pageInView());
    const next = articles[Math.max(0, Math.min(articles.length - 1, i + step))];
    if (next) next.scrollIntoView({block: "start"});
  }

  function goMatch(step) {
    const status = document.getElementById("match-status");
    if (!matches.length) { if (status) status.textContent = bar.dataset.noMatch; return; }
    if (current >= 0) matches[current].classList.remove("current");
    current = (current + step + matches.length) % matches.length;
    const box = matches[current];
    box.classList.add("current");
    box.scrollIntoView({block: "center", inline: "center"});
    const page = box.closest("article.page").id.replace("page-", "");
    status.textContent = bar.dataset.matchOf.replace("{i}", current + 1).replace("{n}", matches.length)
      .replace("{page}", page);
    document.querySelectorAll("#page-strip a").forEach(function (a) {
      if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
  }

  const actions = {
    "zoom-in": function () { setZoom(zoom + 1); }, "zoom-out": function () { setZoom(zoom - 1); },
    "zoom-reset": function () { setZoom(2); }, "rotate": rotate,
    "next-page": function () { goPage(1); }, "prev-page": function () { goPage(-1); },
    "next-match": function () { goMatch(1); }, "prev-match": function () { goMatch(-1); }
  };
  Object.keys(actions).forEach(function (id) {
    const button = document.getElementById(id);
    if (button) button.addEventListener("click", actions[id]);
  });
  const keys = {"+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "0": "zoom-reset", "r": "rotate", "R": "rotate",
    "j": "next-page", "J": "next-page", "k": "prev-page", "K": "prev-page", "n": "next-match", "N": "next-match",
    "p": "prev-match", "P": "prev-match"};
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t.closest && t.closest("input, textarea, select, [contenteditable], summary")) return;
    const id = keys[e.key];
    if (!id || (id.indexOf("match") >= 0 && !document.getElementById(id))) return;
    e.preventDefault();
    actions[id]();
  });
  window.addEventListener("resize", layoutAll);
  images.forEach(function (pic) {
    const img = pic.querySelector("img");
    if (img && !img.complete) img.addEventListener("load", function () { layout(pic); }, {once: true});
  });
  layoutAll();
})();
