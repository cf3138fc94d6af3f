// dailypapers site: reading a day. The compact list and the views (all, What's New only,
// list only), thumbnails on or off, followed papers first and muted ones folded, j/k between
// papers, "/" to search, copy a paper's link, jump to a date, and the preferences page.
// Choices are remembered in localStorage (for the page only when storage is off).
// No data goes through innerHTML.
"use strict";

(function () {
  var VIEW_KEY = "dailypapers-view";
  var THUMBS_KEY = "dailypapers-thumbs";
  var MINE_KEY = "dailypapers-mine-first";
  var VIEWS = ["all", "new", "skim"];

  var stored = window.DailyPapersStorage.get; // site.js
  var store = window.DailyPapersStorage.set;

  // A thumbnail that fails to load leaves no empty box: error events do not bubble, so
  // listen while they go down, from before the first image is parsed.
  document.addEventListener("error", function (event) {
    var target = event.target;
    if (target && target.tagName === "IMG" && target.classList.contains("thumb")) {
      target.classList.add("broken");
    }
  }, true);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function articles() {
    return Array.prototype.slice.call(document.querySelectorAll("article.paper"));
  }

  function skimItem(id) {
    var list = document.getElementById("skim");
    if (!list) { return null; }
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      if (items[i].getAttribute("data-id") === id) { return items[i]; }
    }
    return null;
  }

  // Views ---------------------------------------------------------------------------------

  function setView(view) {
    VIEWS.forEach(function (name) {
      document.body.classList.toggle("view-" + name, name === view);
    });
  }

  function setUpViews() {
    var radios = document.querySelectorAll("input[name=view]");
    if (radios.length === 0) { return; }
    var view = stored(VIEW_KEY);
    if (VIEWS.indexOf(view) < 0) { view = "all"; }
    radios.forEach(function (radio) {
      radio.checked = radio.value === view;
      radio.addEventListener("change", function () {
        if (!radio.checked) { return; }
        setView(radio.value);
        store(VIEW_KEY, radio.value);
      });
    });
    setView(view);
    var thumbs = document.getElementById("show-thumbs");
    if (thumbs) {
      thumbs.checked = stored(THUMBS_KEY) !== "off";
      document.body.classList.toggle("no-thumbs", !thumbs.checked);
      thumbs.addEventListener("change", function () {
        document.body.classList.toggle("no-thumbs", !thumbs.checked);
        store(THUMBS_KEY, thumbs.checked ? "on" : "off");
      });
    }
  }

  // Unfold the paper a link or the address points at, so it can be seen even when the list
  // view or muting hides it.
  function open(id) {
    var target = id ? document.getElementById(id) : null;
    if (target && target.tagName === "ARTICLE") { target.classList.add("open"); }
    return target;
  }

  function setUpSkim() {
    var list = document.getElementById("skim");
    if (!list) { return; }
    list.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a") : null;
      if (link) { open(decodeURIComponent(link.hash.slice(1))); }
    });
    var votes = document.getElementById("min-votes");
    if (votes) { votes.addEventListener("input", syncSkim); }
    window.addEventListener("hashchange", function () {
      open(decodeURIComponent(window.location.hash.slice(1)));
    });
    var first = open(decodeURIComponent(window.location.hash.slice(1)));
    if (first) { first.scrollIntoView(); }
  }

  // The list shows the papers the vote filter lets through.
  function syncSkim() {
    articles().forEach(function (paper) {
      var item = skimItem(paper.id);
      if (item) { item.hidden = paper.hidden; }
    });
  }

  // Follow and mute -----------------------------------------------------------------------

  function paperOf(article) {
    function list(name) {
      try { return JSON.parse(article.getAttribute(name) || "[]"); } catch (e) { return []; }
    }
    var sections = article.querySelector("dl.sections, ul.bullets, pre.verbatim");
    var title = article.querySelector("h2 a");
    return {
      title: title ? title.textContent : "",
      authors: list("data-authors"),
      keywords: list("data-keywords"),
      org: article.getAttribute("data-org"),
      text: sections ? sections.textContent : ""
    };
  }

  function markPapers() {
    var prefs = window.DailyPapersPrefs;
    var papers = articles();
    if (!prefs || papers.length === 0) { return; }
    var muted = 0;
    papers.forEach(function (article, index) {
      article.setAttribute("data-order", String(index));
      var kind = prefs.classify(paperOf(article));
      var item = skimItem(article.id);
      [article, item].forEach(function (node) {
        if (!node) { return; }
        node.classList.toggle("followed", kind === "follow");
        node.classList.toggle("muted", kind === "mute");
        if (kind === "follow" && !node.querySelector(".badge")) {
          var badge = element("span", "badge", "관심");
          var place = node.querySelector(".meta, .skim-meta");
          if (place) { place.insertBefore(badge, place.firstChild); }
        }
      });
      if (kind === "mute") { muted += 1; }
    });
    showMutedCount(muted);
    setUpMineFirst();
  }

  function showMutedCount(muted) {
    var box = document.getElementById("muted-count");
    if (!box || muted === 0) { return; }
    box.hidden = false;
    box.replaceChildren(element("span", null, "숨긴 논문 " + muted + "편 "));
    var button = element("button", "show-muted", "보기");
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", function () {
      var shown = document.body.classList.toggle("show-muted");
      button.textContent = shown ? "다시 숨기기" : "보기";
      button.setAttribute("aria-pressed", String(shown));
    });
    box.appendChild(button);
  }

  function reorder(mineFirst) {
    var holder = document.getElementById("papers");
    var list = document.getElementById("skim");
    if (!holder) { return; }
    var papers = articles().sort(function (a, b) {
      var order = parseInt(a.getAttribute("data-order"), 10) - parseInt(b.getAttribute("data-order"), 10);
      if (!mineFirst) { return order; }
      var mine = (b.classList.contains("followed") ? 1 : 0) - (a.classList.contains("followed") ? 1 : 0);
      return mine || order;
    });
    papers.forEach(function (paper) {
      holder.appendChild(paper);
      var item = skimItem(paper.id);
      if (list && item) { list.appendChild(item); }
    });
  }

  function setUpMineFirst() {
    var box = document.getElementById("mine-first");
    if (!box) { return; }
    box.checked = stored(MINE_KEY) === "on";
    if (box.checked) { reorder(true); }
    box.addEventListener("change", function () {
      reorder(box.checked);
      store(MINE_KEY, box.checked ? "on" : "off");
    });
  }

  // Keys ----------------------------------------------------------------------------------

  function visible(node) {
    return node.offsetParent !== null && !node.hidden;
  }

  // In the list-only view j/k walk the list; otherwise the papers themselves.
  function stops() {
    if (document.body.classList.contains("view-skim")) {
      return Array.prototype.slice.call(document.querySelectorAll("#skim li a")).filter(visible);
    }
    return articles().filter(visible);
  }

  function move(step) {
    var targets = stops();
    if (targets.length === 0) { return; }
    var active = document.activeElement;
    var at = -1;
    for (var i = 0; i < targets.length; i++) {
      if (targets[i] === active || targets[i].contains(active)) { at = i; break; }
    }
    if (at < 0) {
      at = step > 0 ? -1 : targets.length;
      for (var j = 0; j < targets.length; j++) {
        if (targets[j].getBoundingClientRect().top > 1) { at = step > 0 ? j - 1 : j; break; }
      }
    }
    var next = targets[Math.max(0, Math.min(targets.length - 1, at + step))];
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "start" });
  }

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    var tag = target && target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
      return;
    }
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      move(event.key === "j" ? 1 : -1);
    } else if (event.key === "/") {
      var search = document.querySelector("#query, form.search input");
      if (search) { event.preventDefault(); search.focus(); }
    }
  }

  // Share ---------------------------------------------------------------------------------

  function paperUrl(id) {
    var url = new URL(window.location.href);
    url.search = "";
    url.hash = id;
    return url.toString();
  }

  function copied(button, text) {
    button.textContent = text;
    window.setTimeout(function () { button.textContent = "링크 복사"; }, 2000);
  }

  // Where the clipboard cannot be written, show the address selected, ready to copy.
  function showAddress(button, url) {
    var field = button.parentNode.querySelector("input.paper-url");
    if (!field) {
      field = element("input", "paper-url");
      field.type = "text";
      field.readOnly = true;
      field.setAttribute("aria-label", "이 논문의 주소");
      button.parentNode.insertBefore(field, button.nextSibling);
    }
    field.value = url;
    field.focus();
    field.select();
    copied(button, "주소를 선택했습니다");
  }

  function setUpCopy() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button.copy-link") : null;
      if (!button) { return; }
      var url = paperUrl(button.getAttribute("data-id"));
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(
          function () { copied(button, "복사했습니다"); },
          function () { showAddress(button, url); }
        );
      } else {
        showAddress(button, url);
      }
    });
  }

  // Jump to a date ------------------------------------------------------------------------

  function withDays(form, then) {
    if (window.DAILYPAPERS_DAYS) { then(window.DAILYPAPERS_DAYS); return; }
    var script = document.createElement("script");
    script.src = form.getAttribute("data-days");
    script.onload = function () { then(window.DAILYPAPERS_DAYS || []); };
    script.onerror = function () { then(null); };
    document.head.appendChild(script);
  }

  function setUpJump() {
    var form = document.querySelector("form.jump");
    if (!form) { return; }
    var input = form.querySelector("input[type=date]");
    var status = form.querySelector(".jump-status");
    var root = document.body.getAttribute("data-root") || "";
    function limits(days) {
      if (days && days.length) { input.min = days[0]; input.max = days[days.length - 1]; }
    }
    input.addEventListener("focus", function () { withDays(form, limits); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var wanted = input.value;
      withDays(form, function (days) {
        limits(days);
        if (days === null) { status.textContent = "날짜 목록을 불러오지 못했습니다."; return; }
        if (days.length === 0) { status.textContent = "요약이 있는 날이 아직 없습니다."; return; }
        if (days.indexOf(wanted) >= 0) {
          window.location.href = root + "days/" + wanted + ".html";
          return;
        }
        var after = days.filter(function (d) { return d > wanted; })[0];
        status.textContent = (wanted || "그날") + "의 요약은 없습니다." +
          (after ? " 다음 요약: " + after : " 마지막 요약: " + days[days.length - 1]);
      });
    });
  }

  // Preferences page ----------------------------------------------------------------------

  var FIELDS = ["follow-keywords", "follow-authors", "follow-orgs",
                "mute-keywords", "mute-authors", "mute-orgs"];

  function showPrefs() {
    var prefs = window.DailyPapersPrefs.load();
    FIELDS.forEach(function (id) {
      var parts = id.split("-");
      document.getElementById(id).value = prefs[parts[0]][parts[1]].join("\n");
    });
    var exported = window.DailyPapersPrefs.exportString();
    document.getElementById("prefs-export").value = exported;
    var url = new URL(window.location.href);
    url.search = "";
    url.hash = "prefs=" + exported;
    document.getElementById("prefs-url").value = url.toString();
  }

  function setUpPrefsPage() {
    var form = document.getElementById("prefs-form");
    if (!form || !window.DailyPapersPrefs) { return; }
    var status = document.getElementById("prefs-status");
    if (window.location.hash.indexOf("#prefs=") === 0) {
      status.textContent = window.DailyPapersPrefs.importString(window.location.hash)
        ? "주소에 담긴 설정을 가져왔습니다." : "주소에 담긴 설정을 읽지 못했습니다.";
    }
    showPrefs();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var prefs = { follow: {}, mute: {} };
      FIELDS.forEach(function (id) {
        var parts = id.split("-");
        prefs[parts[0]][parts[1]] = document.getElementById(id).value.split("\n");
      });
      window.DailyPapersPrefs.save(prefs);
      showPrefs();
      status.textContent = "저장했습니다.";
    });
    document.getElementById("prefs-import").addEventListener("submit", function (event) {
      event.preventDefault();
      var ok = window.DailyPapersPrefs.importString(document.getElementById("prefs-import-text").value);
      showPrefs();
      status.textContent = ok ? "가져왔습니다." : "읽을 수 없는 문자열입니다.";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    articles().forEach(function (paper) {
      var image = paper.querySelector("img.thumb");
      if (image && image.complete && image.naturalWidth === 0 && image.currentSrc) {
        image.classList.add("broken");
      }
    });
    setUpViews();
    markPapers();
    setUpSkim();
    setUpCopy();
    setUpJump();
    setUpPrefsPage();
    document.addEventListener("keydown", onKey);
  });
})();
