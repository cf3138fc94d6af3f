// dailypapers search page: loaded by search.html only. No data goes through innerHTML.
"use strict";

(function () {
  function minVotes() {
    var input = document.getElementById("min-votes");
    var value = input ? parseInt(input.value, 10) : 0;
    return isNaN(value) || value < 0 ? 0 : value;
  }

  // Search -------------------------------------------------------------------------------

  function normalize(text) {
    return text.normalize("NFC").toLowerCase();
  }

  function terms(query) {
    return normalize(query).split(/\s+/).filter(function (t) { return t.length > 0; });
  }

  // Each row with its title and authors normalized once, not on every keystroke.
  var prepared = null;

  function searchable(index) {
    if (prepared === null) {
      prepared = index.papers.map(function (row) {
        return { row: row, title: normalize(row[1]), authors: normalize(row[2]) };
      });
    }
    return prepared;
  }

  function score(paper, words) {
    // paper.row: [id, title, authors, date, votes, words]; every term must occur somewhere.
    var row = paper.row;
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var term = words[i];
      if (paper.title.indexOf(term) >= 0) { total += 3; }
      else if (paper.authors.indexOf(term) >= 0) { total += 2; }
      else if (row[5].indexOf(term) >= 0 || row[0].indexOf(term) >= 0) { total += 1; }
      else { return 0; }
    }
    return total;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function resultItem(row, root) {
    var item = element("li", "result");
    var heading = element("h2");
    var link = element("a", null, row[1]);
    link.href = root + "days/" + row[3] + ".html#" + row[0];
    heading.appendChild(link);
    item.appendChild(heading);
    var meta = element("p", "meta", "▲ " + row[4] + " · " + row[3] + " · arXiv " + row[0]);
    item.appendChild(meta);
    item.appendChild(element("p", "authors", shortAuthors(row[2])));
    return item;
  }

  var SHOWN_AUTHORS = 12;

  // The first authors and how many more, as the day pages show them.
  function shortAuthors(authors) {
    var names = authors.split(", ");
    if (names.length <= SHOWN_AUTHORS) { return authors; }
    var more = names.length - SHOWN_AUTHORS;
    return names.slice(0, SHOWN_AUTHORS).join(", ") + " 외 " + more + "명";
  }

  var LIMIT = 100;

  function runSearch() {
    var index = window.DAILYPAPERS_INDEX;
    var status = document.getElementById("search-status");
    var list = document.getElementById("results");
    var query = document.getElementById("query").value;
    var root = document.body.getAttribute("data-root") || "";
    list.replaceChildren();
    if (!index) { status.textContent = "검색 색인을 불러오지 못했습니다."; return; }
    var typed = terms(query);
    // Stop words are not in the index; a query of nothing else matches nothing.
    var words = typed.filter(function (t) { return index.stop.indexOf(t) < 0; });
    if (typed.length === 0) { status.textContent = "검색어를 입력하세요."; return; }
    if (words.length === 0) { status.textContent = "너무 흔한 말입니다. 다른 낱말로 찾아 보세요."; return; }
    var least = minVotes();
    var hits = [];
    searchable(index).forEach(function (paper) {
      if (paper.row[4] < least) { return; }
      var value = score(paper, words);
      if (value > 0) { hits.push([value, paper.row]); }
    });
    hits.sort(function (a, b) { return b[0] - a[0] || b[1][4] - a[1][4]; });
    status.textContent = hits.length === 0 ? "찾은 논문이 없습니다."
      : hits.length + "편" + (hits.length > LIMIT ? " (잘 맞는 " + LIMIT + "편 표시)" : "");
    hits.slice(0, LIMIT).forEach(function (hit) { list.appendChild(resultItem(hit[1], root)); });
    var url = new URL(window.location.href);
    url.searchParams.set("q", query);
    try { window.history.replaceState(null, "", url.toString()); } catch (e) { /* file:// in some browsers */ }
  }

  function setUpSearch() {
    var input = document.getElementById("query");
    if (!input) { return; }
    var params = new URLSearchParams(window.location.search);
    input.value = params.get("q") || "";
    var header = document.querySelector("form.search input");
    if (header) { header.value = input.value; }
    input.addEventListener("input", runSearch);
    document.getElementById("min-votes").addEventListener("input", runSearch);
    window.addEventListener("load", runSearch);
  }

  document.addEventListener("DOMContentLoaded", setUpSearch);
})();
