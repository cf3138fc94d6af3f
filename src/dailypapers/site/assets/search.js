// dailypapers search page (search.html only): loads the index shards a query needs, as
// scripts (file:// pages cannot fetch), and caches them. Keys are cut as search_terms.py cuts
// them. No data goes through innerHTML.
"use strict";

(function () {
  var PAGE = 20;
  var PREFIX = 3;
  var HANGUL_RUN = /[가-힣]+(?:\s+[가-힣]+)*/g;
  var LATIN_WORD = /[0-9a-z\u00c0-\u024f](?:[0-9a-z\u00c0-\u024f.\-+]*[0-9a-z\u00c0-\u024f])?/g;
  var ARXIV = /^(?:https?:\/\/)?(?:www\.)?(?:arxiv\.org\/(?:abs|pdf|html)\/|huggingface\.co\/papers\/)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?\/?(?:[?#]\S*)?$/;

  var data = { manifest: null, shard: {}, doc: {}, votes: {}, big: {} };
  var loading = {};
  // While a query looks for the long keys it needs (see longPostings): [segment, number]s.
  var missing = null;

  // What the index scripts call.
  window.DailyPapersSearch = {
    manifest: function (value) { data.manifest = value; },
    shard: function (segment, number, value) { data.shard[segment + "/" + number] = value; },
    doc: function (segment, number, value) { data.doc[segment + "/" + number] = value; },
    votes: function (segment, number, value) { data.votes[segment] = value; },
    big: function (segment, number, value) { data.big[segment + "/" + number] = value; }
  };

  function root() { return document.body.getAttribute("data-root") || ""; }

  // One script per file, loaded once; resolves with what it stored under data[kind][slot].
  function load(kind, slot, file, version) {
    if (data[kind][slot] !== undefined) { return Promise.resolve(data[kind][slot]); }
    var url = root() + "assets/search/" + file + "?v=" + version;
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = url;
        script.onload = function () { resolve(data[kind][slot]); };
        script.onerror = function () { delete loading[url]; reject(new Error(url)); };
        document.head.appendChild(script);
      });
    }
    return loading[url];
  }

  function normalize(text) { return text.normalize("NFC").toLowerCase(); }

  function fnv1a(text) {
    var value = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) {
      value ^= text.charCodeAt(i);
      value = Math.imul(value, 0x01000193) >>> 0;
    }
    return value >>> 0;
  }

  function shardKey(key) {
    if (key.charAt(0) === "@") { return key.split(" ")[0]; }
    if (/^[가-힣]/.test(key)) { return key; }
    if (/^\d{4}\.\d{3}/.test(key)) { return key.slice(0, 8); }
    return key.slice(0, PREFIX);
  }

  // The shard keys a key's matches are under: the start of an arXiv id with one or two
  // digits of its number ("2412.0", "2412.04") starts ids of 100 or 10 shards.
  function shardKeys(key) {
    var keys = [key];
    if (/^\d{4}\.\d{1,2}$/.test(key)) {
      while (keys[0].length < 8) {
        keys = [].concat.apply([], keys.map(function (k) {
          return "0123456789".split("").map(function (digit) { return k + digit; });
        }));
      }
      return keys;
    }
    return [shardKey(key)];
  }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\\-]/g, "\\$&"); }

  // A phrase's needs: Hangul bigrams of each spaceless run, and Latin words (prefixes).
  function needs(phrase) {
    var out = [];
    (phrase.match(HANGUL_RUN) || []).forEach(function (run) {
      run = run.replace(/\s+/g, "");
      if (run.length < 2) { out.push({ kind: "short" }); }
      for (var i = 0; i + 1 < run.length; i++) { out.push({ kind: "gram", key: run.slice(i, i + 2) }); }
    });
    (phrase.replace(HANGUL_RUN, " ").match(LATIN_WORD) || []).forEach(function (word) {
      out.push(word.length < 2 ? { kind: "short" } : { kind: "word", key: word });
    });
    return out;
  }

  // A pattern that finds a phrase in a text the way the index matched it.
  function phrasePattern(phrase) {
    var parts = [];
    (phrase.match(HANGUL_RUN) || []).forEach(function (run) {
      parts.push(run.replace(/\s+/g, "").split("").map(escapeRegExp).join("\\s*"));
    });
    (phrase.replace(HANGUL_RUN, " ").match(LATIN_WORD) || []).forEach(function (word) {
      parts.push("(?<![0-9a-z\\u00c0-\\u024f])" + escapeRegExp(word));
    });
    return parts;
  }

  // The query as groups, each a list of alternative phrases; every group must match.
  function parse(query) {
    var q = normalize(query).trim();
    var id = ARXIV.exec(q);
    if (id) { return { groups: [[id[1]]], author: null, id: true }; }
    var groups = [];
    var aliases = (data.manifest && data.manifest.aliases) || [];
    aliases.slice().sort(function (a, b) { return b[0].length - a[0].length; }).forEach(function (pair) {
      var english = new RegExp("(^|[^0-9a-z])" + escapeRegExp(pair[0]) + "(?![0-9a-z])");
      var korean = new RegExp(pair[1].replace(/\s+/g, "").split("").map(escapeRegExp).join("\\s*"));
      if (english.test(q) || korean.test(q)) {
        groups.push([pair[0], pair[1]]);
        q = q.replace(english, "$1 ").replace(korean, " ");
      }
    });
    (q.match(HANGUL_RUN) || []).forEach(function (run) { groups.push([run]); });
    (q.replace(HANGUL_RUN, " ").match(LATIN_WORD) || []).forEach(function (word) { groups.push([word]); });
    var tokens = normalize(query).replace(/,/g, " ").trim().split(/\s+/);
    var author = /[가-힣]/.test(query) || tokens[0] === "" ? null : "@" + tokens.join(" ");
    return { groups: groups, author: author, id: false };
  }

  // The keys of a parsed query, as the shard slots each segment must load.
  function slots(parsed, segment) {
    var wanted = {};
    function add(key) {
      shardKeys(key).forEach(function (k) { wanted[fnv1a(k) % segment[2]] = true; });
    }
    parsed.groups.forEach(function (group) {
      group.forEach(function (phrase) {
        needs(phrase).forEach(function (need) { if (need.key) { add(need.key); } });
      });
    });
    if (parsed.author) { add(parsed.author); }
    return Object.keys(wanted);
  }

  // A key's papers in one segment as one byte per paper: 0 without the key, 1 with it,
  // 2 with it in the title, authors or id (typed arrays: a common word is in thousands of
  // papers of each segment, and a Map per key was most of a query's time).
  // A dense key: "~" base64(papers' bits) "~" base64(title flags' bits), bit n of byte n>>3.
  function decodeBitmaps(text, size) {
    var found = new Uint8Array(size);
    var parts = text.slice(1).split("~");
    var has = atob(parts[0]);
    var strong = parts[1] ? atob(parts[1]) : "";
    for (var i = 0; i < has.length; i++) {
      var byte = has.charCodeAt(i);
      if (byte === 0) { continue; }
      var flags = i < strong.length ? strong.charCodeAt(i) : 0;
      for (var bit = 0; bit < 8; bit++) {
        if (byte >> bit & 1) { found[i * 8 + bit] = 1 + (flags >> bit & 1); }
      }
    }
    return found;
  }

  function decode(text, size) {
    if (text.charAt(0) === "~") { return decodeBitmaps(text, size); }
    var found = new Uint8Array(size);
    if (text === "") { return found; }
    var n = 0;
    text.split(",").forEach(function (part) {
      var value = parseInt(part, 16);
      n += Math.floor(value / 2);
      found[n] = Math.max(found[n], 1 + value % 2);
    });
    return found;
  }

  function union(a, b) {
    for (var i = 0; i < a.length; i++) { if (b[i] > a[i]) { a[i] = b[i]; } }
    return a;
  }

  function intersect(a, b) {
    var out = new Uint8Array(a.length);
    for (var i = 0; i < a.length; i++) { if (a[i] && b[i]) { out[i] = Math.max(a[i], b[i]); } }
    return out;
  }

  // A key's postings as its shard has them, or, for a long key ("+n"), from its own file,
  // which is noted as missing (and read as none) until it is loaded.
  function longPostings(segment, text) {
    if (text.charAt(0) !== "+") { return text; }
    var slot = segment[0] + "/" + text.slice(1);
    if (data.big[slot] !== undefined) { return data.big[slot]; }
    if (missing) { missing.push([segment, text.slice(1)]); }
    return "";
  }

  function postings(segment, key, match) {
    var found = new Uint8Array(segment[1]);
    shardKeys(key).forEach(function (shardKeyValue) {
      var shard = data.shard[segment[0] + "/" + (fnv1a(shardKeyValue) % segment[2])] || {};
      Object.keys(shard).forEach(function (k) {
        if (!match(k)) { return; }
        var text = longPostings(segment, shard[k]);
        if (!missing) { union(found, decode(text, segment[1])); }  // the first pass only looks
      });
    });
    return found;
  }

  // Loads the files of the long keys a query needs, found by a first pass over the shards.
  function loadLongKeys(parsed, segments) {
    missing = [];
    segments.forEach(function (segment) { matches(parsed, segment); });
    var files = missing.map(function (item) {
      var segment = item[0];
      var slot = segment[0] + "/" + item[1];
      return load("big", slot, segment[0] + "/b/" + item[1] + ".js", segment[3]);
    });
    missing = null;
    return Promise.all(files);
  }

  function needMatches(segment, need) {
    if (need.kind === "short") { return null; }
    var key = need.key;
    if (need.kind === "gram" || key.length < PREFIX) {
      return postings(segment, key, function (k) { return k === key; });
    }
    return postings(segment, key, function (k) { return k.charAt(0) !== "@" && k.indexOf(key) === 0; });
  }

  function phraseMatches(segment, phrase) {
    var found = null;
    needs(phrase).forEach(function (need) {
      var hits = needMatches(segment, need);
      if (hits !== null) { found = found === null ? hits : intersect(found, hits); }
    });
    return found;
  }

  // Paper number -> score in one segment: every group adds 3 for a title hit, 1 otherwise.
  function matches(parsed, segment) {
    var size = segment[1];
    var scores = null;  // -1: not a match
    parsed.groups.forEach(function (group) {
      var any = null;
      group.forEach(function (phrase) {
        var hits = phraseMatches(segment, phrase);
        if (hits !== null) { any = any === null ? hits : union(any, hits); }
      });
      if (any === null) { return; }
      var scored = new Int32Array(size).fill(-1);
      for (var n = 0; n < size; n++) {
        if (any[n] && (scores === null || scores[n] >= 0)) {
          scored[n] = (scores ? scores[n] : 0) + (any[n] === 2 ? 3 : 1);
        }
      }
      scores = scored;
    });
    if (parsed.author) {
      var name = parsed.author;
      var authors = postings(segment, name, function (k) { return k === name || k.indexOf(name + " ") === 0; });
      var some = authors.some(function (flag) { return flag > 0; });
      // A name of two or more words that is some author's means that author only.
      if (some && (name.indexOf(" ") > 0 || scores === null)) { scores = new Int32Array(size).fill(-1); }
      if (some) {
        for (var a = 0; a < size; a++) {
          if (authors[a]) { scores[a] = (scores[a] >= 0 ? scores[a] : 0) + 2; }
        }
      }
    }
    var found = new Map();
    if (scores !== null) {
      for (var i = 0; i < size; i++) { if (scores[i] >= 0) { found.set(i, scores[i]); } }
    }
    return found;
  }

  function minVotes() {
    var input = document.getElementById("min-votes");
    var value = input ? parseInt(input.value, 10) : 0;
    return isNaN(value) || value < 0 ? 0 : value;
  }

  var state = { generation: 0, hits: [], shown: 0, parsed: null };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function setStatus(text, busy) {
    document.getElementById("search-status").textContent = text;
    document.getElementById("results").setAttribute("aria-busy", busy ? "true" : "false");
  }

  // Appends ``text`` to ``parent`` with every match of ``pattern`` in a <mark>.
  function highlighted(parent, text, pattern) {
    var lower = normalize(text);
    if (lower.length !== text.length) { text = lower; }
    var last = 0;
    if (pattern) {
      pattern.lastIndex = 0;
      var match;
      while ((match = pattern.exec(lower)) !== null) {
        if (match[0].length === 0) { pattern.lastIndex += 1; continue; }
        parent.appendChild(document.createTextNode(text.slice(last, match.index)));
        parent.appendChild(element("mark", null, text.slice(match.index, match.index + match[0].length)));
        last = match.index + match[0].length;
      }
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
    return parent;
  }

  function patternOf(parsed) {
    var parts = [];
    parsed.groups.forEach(function (group) {
      group.forEach(function (phrase) { parts = parts.concat(phrasePattern(phrase)); });
    });
    return parts.length ? new RegExp(parts.join("|"), "g") : null;
  }

  // About 160 characters of the summary around its first match.
  function snippet(text, pattern) {
    var at = -1;
    if (pattern) {
      pattern.lastIndex = 0;
      var match = pattern.exec(normalize(text));
      at = match ? match.index : -1;
    }
    var start = Math.max(0, at - 50);
    var piece = text.slice(start, start + 160).replace(/\s+/g, " ");
    var node = element("p", "snippet");
    if (start > 0) { node.appendChild(document.createTextNode("…")); }
    highlighted(node, piece, pattern);
    if (start + 160 < text.length) { node.appendChild(document.createTextNode("…")); }
    return node;
  }

  var SHOWN_AUTHORS = 12;

  function shortAuthors(names) {
    if (names.length <= SHOWN_AUTHORS) { return names.join(", "); }
    return names.slice(0, SHOWN_AUTHORS).join(", ") + " 외 " + (names.length - SHOWN_AUTHORS) + "명";
  }

  function resultItem(row, pattern) {
    // row: [id, title, authors, date, votes, text, keywords, organization]
    var item = element("li", "result");
    var heading = element("h2");
    var link = highlighted(element("a"), row[1], pattern);
    link.href = root() + "days/" + row[3] + ".html#" + row[0];
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = "▲ " + row[4] + " · " + row[3] + " · arXiv " + row[0];
    item.appendChild(element("p", "meta", row[7] ? meta + " · " + row[7] : meta));
    item.appendChild(element("p", "authors", shortAuthors(row[2])));
    item.appendChild(snippet(row[5] || row[6].join(", "), pattern));
    return item;
  }

  function prefs() { return window.DailyPapersPrefs || null; }

  function classify(row) {
    var p = prefs();
    if (!p || typeof p.classify !== "function") { return null; }
    return p.classify({ title: row[1], authors: row[2], keywords: row[6], org: row[7], text: row[5] });
  }

  function mineFirst() {
    var p = prefs();
    if (!p) { return false; }
    return typeof p.mineFirst === "function" ? Boolean(p.mineFirst()) : Boolean(p.mineFirst);
  }

  // A page of results, in order. Each result is shown as soon as it and those before it have
  // arrived (the first one does not wait for the twentieth); with "followed papers first" the
  // page waits for all of them, to put the followed ones on top.
  function showPage(generation) {
    var segments = data.manifest.segments;
    var page = state.hits.slice(state.shown, state.shown + PAGE);
    var loads = page.map(function (hit) {
      var segment = segments[hit.s];
      return load("doc", segment[0] + "/" + hit.n, segment[0] + "/d/" + hit.n + ".js", segment[3]);
    });
    var pattern = patternOf(state.parsed);
    var list = document.getElementById("results");
    var muted = document.getElementById("muted-list");
    function place(row, kind) {
      if (generation !== state.generation) { return; }
      var item = resultItem(row, pattern);
      if (kind === "follow") { item.classList.add("followed"); }
      (kind === "mute" ? muted : list).appendChild(item);
    }
    var placed;
    if (mineFirst()) {
      placed = Promise.all(loads).then(function (rows) {
        var kinds = rows.map(classify);
        var order = rows.map(function (row, i) { return i; });
        order.sort(function (a, b) { return (kinds[b] === "follow") - (kinds[a] === "follow") || a - b; });
        order.forEach(function (i) { place(rows[i], kinds[i]); });
      });
    } else {
      placed = loads.reduce(function (before, loading) {
        return before.then(function () { return loading; }).then(function (row) { place(row, classify(row)); });
      }, Promise.resolve());
    }
    return placed.then(function () {
      if (generation !== state.generation) { return; }
      state.shown += page.length;
      var folded = muted.children.length;
      document.getElementById("muted").hidden = folded === 0;
      document.getElementById("muted-count").textContent = "숨긴 논문 " + folded + "편";
      document.getElementById("more").hidden = state.shown >= state.hits.length;
      setStatus(state.hits.length + "편 · " + state.shown + "편 표시", false);
    });
  }

  function clear() {
    document.getElementById("results").replaceChildren();
    document.getElementById("muted-list").replaceChildren();
    document.getElementById("muted").hidden = true;
    document.getElementById("more").hidden = true;
  }

  function rememberQuery(query) {
    var url = new URL(window.location.href);
    url.searchParams.set("q", query);
    try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// in some browsers */ }
  }

  function failed(generation) {
    return function () {
      if (generation === state.generation) { setStatus("검색 색인을 불러오지 못했습니다.", false); }
    };
  }

  function runSearch() {
    var generation = ++state.generation;
    var query = document.getElementById("query").value;
    clear();
    if (!data.manifest) { setStatus("검색 색인을 불러오지 못했습니다.", false); return; }
    var parsed = parse(query);
    if (parsed.groups.length === 0 && !parsed.author) { setStatus("검색어를 입력하세요.", false); return; }
    rememberQuery(query);
    setStatus("검색 색인을 불러오는 중…", true);
    var segments = data.manifest.segments;
    var sort = document.getElementById("sort").value;
    var least = minVotes();
    var needed = [];
    segments.forEach(function (segment) {
      slots(parsed, segment).forEach(function (slot) {
        needed.push(load("shard", segment[0] + "/" + slot, segment[0] + "/k" + slot + ".js", segment[3]));
      });
      if (sort === "votes" || least > 0) {
        needed.push(load("votes", segment[0], segment[0] + "/votes.js", segment[3]));
      }
    });
    Promise.all(needed).then(function () {
      return generation === state.generation ? loadLongKeys(parsed, segments) : null;
    }).then(function () {
      if (generation !== state.generation) { return; }
      var hits = [];
      segments.forEach(function (segment, s) {
        var votes = data.votes[segment[0]];
        matches(parsed, segment).forEach(function (score, n) {
          var vote = votes ? votes[n] : 0;
          if (vote >= least) { hits.push({ s: s, n: n, score: score, votes: vote }); }
        });
      });
      function newer(a, b) { return b.s - a.s || b.n - a.n; }
      var order = {
        relevance: function (a, b) { return b.score - a.score || newer(a, b); },
        date: newer,
        votes: function (a, b) { return b.votes - a.votes || newer(a, b); }
      }[sort] || newer;
      hits.sort(order);
      state.hits = hits;
      state.shown = 0;
      state.parsed = parsed;
      if (hits.length === 0) { setStatus("찾은 논문이 없습니다.", false); return; }
      return showPage(generation);
    }).catch(failed(generation));
  }

  function more() {
    var generation = state.generation;
    setStatus("검색 색인을 불러오는 중…", true);
    showPage(generation).catch(failed(generation));
  }

  function setUp() {
    var input = document.getElementById("query");
    if (!input) { return; }
    // What the reader already typed wins over the address's ?q=.
    if (input.value === "") {
      input.value = new URLSearchParams(window.location.search).get("q") || "";
    }
    var header = document.querySelector("form.search input");
    if (header) { header.value = input.value; }
    input.addEventListener("input", runSearch);
    document.getElementById("min-votes").addEventListener("input", runSearch);
    document.getElementById("sort").addEventListener("change", runSearch);
    document.getElementById("more").addEventListener("click", more);
    if (input.value !== "") { runSearch(); }
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
