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
from dailypapers.site.paper_files import paper_file  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from tests.browser import CHROMIUM, offline  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402

#: A paper of the reference digests, asked for by its id with a version.
REFERENCE_ID = "2412.04315"
QUERIES = ["강화학습", "확산 모델", "reinforcement learning", f"{REFERENCE_ID}v2", "Bo Li"]
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
        measure_queries(args.site, args.query or default_queries(args.site), args.repeat)
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
        index = [p for p in (root / "site" / "assets" / "search").rglob("*") if p.is_file()]
        print(
            f"site: {report.papers:,} papers, {report.days} days, built in {report.seconds:.1f} s; "
            f"search index {sum(p.stat().st_size for p in index) / 1e6:.1f} MB "
            f"in {len(index):,} files"
        )
        measure_queries(root / "site", args.query or default_queries(root / "site"), args.repeat)


def default_queries(site: Path) -> list[str]:
    """``QUERIES``; on a site without the reference's paper (a generated archive) the id
    asked for is that of the newest day's first paper, read from the site's own data files."""
    if (site / paper_file(REFERENCE_ID)).exists():
        return list(QUERIES)
    data = site / "data"
    days = json.loads((data / "index.json").read_text(encoding="utf-8"))["days"]
    newest = json.loads((data / days[-1]["json"]).read_text(encoding="utf-8"))
    own_id = f"{newest['papers'][0]['arxiv_id']}v2"
    return [own_id if query == QUERIES[3] else query for query in QUERIES]


def measure_queries(site: Path, queries: list[str], repeat: int = 1) -> None:
    handler = functools.partial(Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search.html"
    times: dict[str, list[float | None]] = {query: [] for query in queries}
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
            print(f"{query:24} {summary(runs)}")


def summary(runs: list[float | None]) -> str:
    """The median and slowest time to the first result, and how many runs showed none."""
    timed = [seconds for seconds in runs if seconds is not None]
    if not timed:
        return f"no result shown in any of {len(runs)} runs"
    line = (
        f"first result: median {statistics.median(timed):.2f} s, "
        f"slowest {max(timed):.2f} s of {len(runs)}"
    )
    missed = len(runs) - len(timed)
    return f"{line}; {missed} showed no result (not in the median)" if missed else line


def one_query(page: Page, url: str, query: str) -> tuple[str, float | None]:
    """The query's line (bytes, requests, papers found, time to the first result) and that
    time in seconds, None when the search found nothing."""
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
    seconds = measured["first"] / 1000 if measured["first"] is not None else None
    shown = (
        "no result shown"
        if seconds is None
        else f"first result {seconds:.2f} s after the last keystroke"
    )
    line = (
        f"{query:24} {measured['bytes'] / 1024:7.1f} KB in {measured['requests']:3} requests, "
        f"{found:>5} papers, {shown}"
    )
    return line, seconds


if __name__ == "__main__":
    main()
