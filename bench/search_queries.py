"""What a search costs a reader: bytes loaded and time to the first result, in Chromium.

Builds the site from every reference digest (``../shared/reference/logs`` and ``legacy/``,
imported with the real CLI), or with ``--papers N`` from a generated archive of N papers
(``generated_archive.py``), serves it on 127.0.0.1 and, for each query, opens a fresh
``search.html`` in Chromium (Playwright, as the tests do), types the query and waits for the
first result. Prints, per query: the bytes of every response (page load and query together,
images excluded; the server does not compress, so they are counted uncompressed), the
requests, the results found, and the time from the last keystroke to the first result, both
as the page's own resource timings and clock record them (Playwright's polling and round trips
are not counted; reading each response's body from here during the query would load the
machine it measures). Also prints the build's time and the index's size and file count.
``--repeat`` asks each query several times and prints the median and the slowest time;
``--site`` measures a site built before instead of building one.

    .venv/bin/python bench/search_queries.py [--papers 50000] [--query TEXT ...] [--repeat 5]
    .venv/bin/python bench/search_queries.py --site DIR [--query TEXT ...]
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import statistics
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from bench.generated_archive import generate_archive  # noqa: E402
from bench.site_reading import cli  # noqa: E402
from dailypapers.site.build import build_site  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from tests.browser import CHROMIUM, offline  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402

QUERIES = ["강화학습", "확산 모델", "reinforcement learning", "2412.04315v2", "Bo Li"]
#: The first result is shown, or the search says it found nothing.
SETTLED = """() => document.querySelector("#results li.result")
    || (document.getElementById("results").getAttribute("aria-busy") === "false"
        && document.getElementById("search-status").textContent.includes("없습니다"))"""
#: The whole first page of results is shown (or nothing was found).
DONE = "() => document.getElementById('results').getAttribute('aria-busy') === 'false'"
#: Timed in the page, so neither Playwright's polling nor its round trips count: the moment
#: of the last input event and of the first result in the list.
STOPWATCH = """
window.__stopwatch = {};
performance.setResourceTimingBufferSize(10000);
document.addEventListener("input", function () {
  window.__stopwatch.typed = performance.now(); window.__stopwatch.first = null;
}, true);
new MutationObserver(function () {
  var watch = window.__stopwatch;
  if (watch.typed && !watch.first && document.querySelector("#results li.result")) {
    watch.first = performance.now();
  }
}).observe(document, { subtree: true, childList: true });
"""
#: What the page and the query loaded from our host, images excluded (the browser's own
#: resource timings: the server does not compress, so the sizes are uncompressed), and the
#: milliseconds from the last keystroke to the first result.
MEASURED = """(images) => {
  var own = function (entry) {
    var path = new URL(entry.name).pathname.toLowerCase();
    return entry.name.indexOf(location.origin) === 0
      && !images.some(function (ending) { return path.endsWith(ending); });
  };
  var entries = performance.getEntriesByType("navigation")
    .concat(performance.getEntriesByType("resource")).filter(own);
  var watch = window.__stopwatch;
  return {
    bytes: entries.reduce(function (sum, entry) { return sum + entry.decodedBodySize; }, 0),
    requests: entries.length,
    first: watch.first ? watch.first - watch.typed : null
  };
}"""
OTHER_HOSTS = re.compile(r"^(?!http://127\.0\.0\.1:)")
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".mp4")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=0, help="a generated archive of N papers")
    parser.add_argument("--query", action="append", help="a query (repeatable)")
    parser.add_argument("--repeat", type=int, default=1, help="times each query is asked")
    parser.add_argument("--site", type=Path, default=None, help="a site built before")
    args = parser.parse_args()
    if args.site:
        queries = args.query or [*QUERIES[:3], f"{newest_paper(args.site)}v2", QUERIES[4]]
        measure_queries(args.site, queries, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "dailypapers.db"
        if args.papers:
            generate_archive(db, args.papers)
        else:
            for folder in ("logs", "legacy"):
                cli(None, "import-logs", str(SHARED / "reference" / folder), "--db", str(db))
        with Store.open(db) as store:
            report = build_site(store, root / "site")
            latest = store.load_digest(store.digest_days()[-1])
            sample = latest.runs[0].entries[0].arxiv_id if latest else "2412.04315"
        queries = args.query or [
            f"{sample}v2" if args.papers and q == QUERIES[3] else q for q in QUERIES
        ]
        index = [p for p in (root / "site" / "assets" / "search").rglob("*") if p.is_file()]
        print(
            f"site: {report.papers:,} papers, {report.days} days, built in {report.seconds:.1f} s; "
            f"search index {sum(p.stat().st_size for p in index) / 1e6:.1f} MB "
            f"in {len(index):,} files"
        )
        measure_queries(root / "site", queries, args.repeat)


def newest_paper(site: Path) -> str:
    """The arXiv id of the first paper of the site's newest search segment."""
    search = site / "assets" / "search"
    manifest = (search / "manifest.js").read_text(encoding="utf-8")
    segments = json.loads(manifest[manifest.index("(") + 1 : manifest.rindex(")")])["segments"]
    doc = (search / segments[-1][0] / "d" / "0.js").read_text(encoding="utf-8")
    return str(json.loads(doc[doc.index("[") : doc.rindex(")")])[0])


def measure_queries(site: Path, queries: list[str], repeat: int = 1) -> None:
    handler = functools.partial(Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search.html"
    times: dict[str, list[float]] = {query: [] for query in queries}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            for _ in range(repeat):
                for query in queries:
                    line, seconds = one_query(browser.new_page(), url, query)
                    print(line)
                    times[query].append(seconds)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    if repeat > 1:
        for query, runs in times.items():
            print(
                f"{query:24} first result: median {statistics.median(runs):.2f} s, "
                f"slowest {max(runs):.2f} s of {repeat}"
            )


def one_query(page: Page, url: str, query: str) -> tuple[str, float]:
    # only other hosts are intercepted: a route on our own files would send each of them
    # through this Python process before Chromium may load it
    page.route(OTHER_HOSTS, offline)
    page.add_init_script(STOPWATCH)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.fill("#query", query)
    page.wait_for_function(SETTLED, timeout=30_000)
    page.wait_for_function(DONE, timeout=30_000)  # results now come one by one
    page.wait_for_load_state("networkidle")
    measured = page.evaluate(MEASURED, list(IMAGES))
    status = page.locator("#search-status").inner_text()
    found = status.split("편")[0] if "편" in status else "0"
    page.close()
    seconds = measured["first"] / 1000 if measured["first"] is not None else float("inf")
    line = (
        f"{query:24} {measured['bytes'] / 1024:7.1f} KB in {measured['requests']:3} requests, "
        f"{found:>5} papers, first result {seconds:.2f} s after the last keystroke"
    )
    return line, seconds


if __name__ == "__main__":
    main()
