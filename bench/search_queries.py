"""What a search costs a reader: bytes loaded and time to the first result, in Chromium.

Builds the site from every reference digest (``../shared/reference/logs`` and ``legacy/``,
imported with the real CLI), or with ``--papers N`` from a generated archive of N papers
(``generated_archive.py``), serves it on 127.0.0.1 and, for each query, opens a fresh
``search.html`` in Chromium (Playwright, as the tests do), types the query and waits for the
first result. Prints, per query: the bytes of every response (page load and query together,
images excluded; the server does not compress, so they are counted uncompressed), the
requests, the results found, and the time from the last keystroke to the first result. Also
prints the build's time and the index's size and file count.

    .venv/bin/python bench/search_queries.py [--papers 50000] [--query TEXT ...]
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import Page, Response, sync_playwright  # noqa: E402

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
OTHER_HOSTS = re.compile(r"^(?!http://127\.0\.0\.1:)")
IMAGES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".mp4")


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=0, help="a generated archive of N papers")
    parser.add_argument("--query", action="append", help="a query (repeatable)")
    args = parser.parse_args()
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
        measure_queries(root / "site", queries)


def measure_queries(site: Path, queries: list[str]) -> None:
    handler = functools.partial(Quiet, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search.html"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            for query in queries:
                print(one_query(browser.new_page(), url, query))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()


def one_query(page: Page, url: str, query: str) -> str:
    loaded: list[int] = []

    def count(response: Response) -> None:
        if not response.url.lower().endswith(IMAGES) and response.url.startswith("http://127."):
            loaded.append(len(response.body()))

    # only other hosts are intercepted: a route on our own files would send each of them
    # through this Python process before Chromium may load it
    page.route(OTHER_HOSTS, offline)
    page.on("response", count)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.fill("#query", query)
    typed = time.perf_counter()
    page.wait_for_function(SETTLED, timeout=30_000)
    seconds = time.perf_counter() - typed
    page.wait_for_function(DONE, timeout=30_000)  # results now come one by one
    page.wait_for_load_state("networkidle")
    status = page.locator("#search-status").inner_text()
    found = status.split("편")[0] if "편" in status else "0"
    page.close()
    return (
        f"{query:24} {sum(loaded) / 1024:7.1f} KB in {len(loaded):3} requests, "
        f"{found:>5} papers, first result {seconds:.2f} s after the last keystroke"
    )


if __name__ == "__main__":
    main()
