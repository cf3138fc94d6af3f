// dailypapers site: theme switch, vote filter, the evidence of a number or name opened by a
// tap or Enter (hover and focus open it by CSS alone), and window.DailyPapersStorage (search
// is in search.js). No data goes through innerHTML.
"use strict";

(function () {
  var THEME_KEY = "dailypapers-theme";

  // localStorage, or null and nothing kept when the browser keeps none (storage off, some
  // file:// pages). prefs.js and reading.js, loaded after this file on every page, use these.
  function stored(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function store(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* storage off: session only */ }
  }

  window.DailyPapersStorage = { get: stored, set: store };

  // Set before the body is drawn, so a dark page does not flash white.
  var theme = stored(THEME_KEY);
  if (theme === "dark" || theme === "light") {
    document.documentElement.setAttribute("data-theme", theme);
  }

  function toggleTheme() {
    var current = document.documentElement.getAttribute("data-theme");
    if (!current) {
      current = window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    }
    var next = current === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    store(THEME_KEY, next);
  }

  function minVotes() {
    var input = document.getElementById("min-votes");
    var value = input ? parseInt(input.value, 10) : 0;
    return isNaN(value) || value < 0 ? 0 : value;
  }

  function filterPapers() {
    var papers = document.querySelectorAll("article.paper");
    var least = minVotes();
    var shown = 0;
    papers.forEach(function (paper) {
      var visible = parseInt(paper.getAttribute("data-votes"), 10) >= least;
      paper.hidden = !visible;
      if (visible) { shown += 1; }
    });
    var status = document.getElementById("shown");
    if (status) {
      status.textContent = least > 0 ? shown + " / " + papers.length + "편" : papers.length + "편";
    }
  }

  // A claim's button toggles its evidence; Escape, or a click anywhere else, closes it.
  function closeClaims(except) {
    document.querySelectorAll("button.claim[aria-expanded=true]").forEach(function (claim) {
      if (claim !== except) { claim.setAttribute("aria-expanded", "false"); }
    });
  }

  function onClaimClick(event) {
    var claim = event.target.closest ? event.target.closest("button.claim") : null;
    closeClaims(claim);
    if (claim) {
      claim.classList.remove("closed");
      var open = claim.getAttribute("aria-expanded") === "true";
      claim.setAttribute("aria-expanded", open ? "false" : "true");
    }
  }

  document.addEventListener("click", onClaimClick);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    closeClaims(null);
    var focused = document.activeElement;
    if (focused && focused.classList.contains("claim")) { focused.classList.add("closed"); }
  });
  // Closed by Escape while focused: open again once focus leaves and comes back.
  document.addEventListener("focusout", function (event) {
    if (event.target.classList && event.target.classList.contains("claim")) {
      event.target.classList.remove("closed");
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (button) { button.addEventListener("click", toggleTheme); }
    var votes = document.getElementById("min-votes");
    if (votes && !document.getElementById("query")) {
      votes.addEventListener("input", filterPapers);
      filterPapers();
    }
  });
})();
