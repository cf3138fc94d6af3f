// dailypapers site: what this reader follows and mutes, kept in this browser only.
//
// window.DailyPapersPrefs = { load, save, classify, exportString, importString }
//   load()           -> {follow: {keywords, authors, orgs}, mute: {keywords, authors, orgs}}
//   save(prefs)      stores them (localStorage "dailypapers-prefs"; for this page only when
//                    storage is off, as from some file:// pages)
//   classify(paper)  -> "follow" | "mute" | null, for paper = {title, authors[], keywords[],
//                    org, text}. A keyword matches, in any case, a part of the title, the
//                    keywords or the text, spaces between Hangul syllables ignored (강화학습
//                    matches 강화 학습); an author matches a whole name, an organisation the
//                    whole name, in any case. Follow wins over mute: a paper by someone you
//                    follow stays in sight even on a muted topic.
//   mineFirst()      -> whether the reader asked for followed papers first (the "관심 논문
//                    먼저" box, localStorage "dailypapers-mine-first"), for pages and search
//   exportString()   -> "dp1." + base64url(JSON); importString(s) takes that, a URL holding
//                    "#prefs=" + it, or the JSON itself, and returns whether it was usable.
"use strict";

(function () {
  var KEY = "dailypapers-prefs";
  var PREFIX = "dp1.";
  var LISTS = ["keywords", "authors", "orgs"];
  var storage = window.DailyPapersStorage; // site.js
  var session = null; // the prefs when localStorage cannot keep them

  function empty() {
    return { follow: { keywords: [], authors: [], orgs: [] },
             mute: { keywords: [], authors: [], orgs: [] } };
  }

  function fold(text) {
    return String(text || "").normalize("NFC").toLowerCase().trim()
      .replace(/([\uac00-\ud7a3])\s+(?=[\uac00-\ud7a3])/g, "$1");
  }

  function name(text) {
    return String(text || "").normalize("NFC").toLowerCase().split(/\s+/)
      .filter(function (w) { return w.length > 0; }).join(" ");
  }

  // Only lists of non-empty strings survive, each term once.
  function clean(data) {
    var prefs = empty();
    if (!data || typeof data !== "object") { return prefs; }
    ["follow", "mute"].forEach(function (kind) {
      var lists = data[kind] || {};
      LISTS.forEach(function (list) {
        var seen = {};
        (Array.isArray(lists[list]) ? lists[list] : []).forEach(function (term) {
          if (typeof term !== "string") { return; }
          var value = term.trim();
          if (value && !seen[value.toLowerCase()]) {
            seen[value.toLowerCase()] = true;
            prefs[kind][list].push(value);
          }
        });
      });
    });
    return prefs;
  }

  function load() {
    var raw = storage.get(KEY);
    if (raw === null) { return clean(session); }
    try { return clean(JSON.parse(raw)); } catch (e) { return empty(); }
  }

  function save(prefs) {
    var value = clean(prefs);
    session = value;
    storage.set(KEY, JSON.stringify(value));
    cache = null;
  }

  var cache = null; // load() folded for matching, until the next save

  function folded() {
    if (cache === null) {
      var prefs = load();
      cache = {};
      ["follow", "mute"].forEach(function (kind) {
        cache[kind] = {
          keywords: prefs[kind].keywords.map(fold),
          authors: prefs[kind].authors.map(name),
          orgs: prefs[kind].orgs.map(name)
        };
      });
    }
    return cache;
  }

  function matches(lists, paper, haystack, authors, org) {
    var i;
    for (i = 0; i < lists.keywords.length; i++) {
      if (lists.keywords[i] && haystack.indexOf(lists.keywords[i]) >= 0) { return true; }
    }
    for (i = 0; i < lists.authors.length; i++) {
      if (authors.indexOf(lists.authors[i]) >= 0) { return true; }
    }
    return org !== "" && lists.orgs.indexOf(org) >= 0;
  }

  function classify(paper) {
    var lists = folded();
    var haystack = fold([paper.title || ""].concat(paper.keywords || [], [paper.text || ""]).join(" | "));
    var authors = (paper.authors || []).map(name);
    var org = name(paper.org || "");
    if (matches(lists.follow, paper, haystack, authors, org)) { return "follow"; }
    if (matches(lists.mute, paper, haystack, authors, org)) { return "mute"; }
    return null;
  }

  function toBase64Url(text) {
    var bytes = new TextEncoder().encode(text);
    var binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64Url(text) {
    var base = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base.length % 4) { base += "="; }
    var binary = atob(base);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  }

  function exportString() {
    return PREFIX + toBase64Url(JSON.stringify(load()));
  }

  function importString(s) {
    var text = String(s || "").trim();
    var at = text.indexOf("prefs=");
    if (at >= 0) { text = decodeURIComponent(text.slice(at + 6).split(/[&#]/)[0]); }
    var data;
    try {
      data = JSON.parse(text.indexOf(PREFIX) === 0 ? fromBase64Url(text.slice(PREFIX.length)) : text);
    } catch (e) {
      return false;
    }
    if (!data || typeof data !== "object" || (!data.follow && !data.mute)) { return false; }
    save(data);
    return true;
  }

  function mineFirst() {
    return storage.get("dailypapers-mine-first") === "on";
  }

  window.DailyPapersPrefs = {
    load: load, save: save, classify: classify, mineFirst: mineFirst,
    exportString: exportString, importString: importString
  };
})();
