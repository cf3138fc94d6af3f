"""How many screens a reader scrolls through to skim a day, before and after the list view.

Imports every reference digest (``../shared/reference/logs`` and ``legacy/``) with the real
CLI (``dailypapers import-logs``) into a fresh database, builds the site with this checkout,
and, with ``--before REV``, also with the code of another revision (``git archive``, run in a
child process), then opens the 2024-12-06 page in Chromium (Playwright, as the tests do) at
desktop 1100x900 and phone 390x844 and prints document height / viewport height for each
view the page has. The "before" page has one view, every paper in full. Also prints how long
the per-paper Markdown files take for 5,000 papers.

    .venv/bin/python bench/site_reading.py [--before main]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from playwright.sync_api import sync_playwright  # noqa: E402

from dailypapers.digest.views import day_view  # noqa: E402
from dailypapers.site.paper_files import paper_files  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from tests.browser import CHROMIUM, offline  # noqa: E402
from tests.shared_data import SHARED  # noqa: E402

DAY = "2024-12-06"
SCREENS = {"desktop 1100x900": (1100, 900), "phone 390x844": (390, 844)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision to measure too, e.g. main")
    args = parser.parse_args()
    reference = SHARED / "reference"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db = root / "dailypapers.db"
        for folder in ("logs", "legacy"):
            cli(None, "import-logs", str(reference / folder), "--db", str(db))
        with Store.open(db) as store:
            view = day_view(store, DAY)
            days = len(store.digest_days())
        assert view is not None, f"{DAY} did not import"
        print(f"reference digests: {days} days; {DAY} has {len(view.papers)} papers")
        sites = {}
        if args.before:
            sites[f"before ({args.before})"] = build(root, db, args.before)
        sites["after (this checkout)"] = build(root, db, None)
        for name, site in sites.items():
            print(name)
            for label, (width, height) in SCREENS.items():
                print(f"  {label}: {measure(site / 'days' / f'{DAY}.html', width, height)}")
        started = time.perf_counter()
        for _ in range(5000 // len(view.papers) + 1):
            paper_files(view, "https://example.org/papers/")
        per_paper = (time.perf_counter() - started) / (
            (5000 // len(view.papers) + 1) * len(view.papers)
        )
        print(f"Markdown per paper: {per_paper * 1e6:.1f} µs, {per_paper * 5000:.3f} s for 5,000")


def cli(src: Path | None, *args: str) -> None:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    subprocess.run(
        [sys.executable, "-m", "dailypapers", *args], check=True, capture_output=True, env=env
    )


def build(root: Path, db: Path, revision: str | None) -> Path:
    name = revision or "this"
    src = None
    if revision is not None:
        src = root / f"src-{name}"
        src.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", revision, "src"], check=True, capture_output=True
        ).stdout
        archive_path = root / f"{name}.tar"
        archive_path.write_bytes(archive)
        with tarfile.open(archive_path) as tar:
            tar.extractall(src, filter="data")
        src = src / "src"
    site = root / f"site-{name}"
    cli(src, "site", "build", str(site), "--db", str(db), "--base-url", "https://example.org/")
    return site


def measure(page_path: Path, width: int, height: int) -> str:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route("**/*", offline)
        page.goto(page_path.as_uri())
        views = page.locator("input[name=view]")
        results = []
        if views.count() == 0:
            results.append(f"{screens(page):.1f} screens (every paper in full, the only view)")
        for value, label in (("skim", "list view"), ("new", "What's New only"), ("all", "all")):
            if page.locator(f"input[name=view][value={value}]").count():
                page.check(f"input[name=view][value={value}]")
                results.append(f"{screens(page):.1f} screens ({label})")
        browser.close()
    return "; ".join(results)


def screens(page: object) -> float:
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    height: int = page.evaluate("document.documentElement.scrollHeight")
    size = page.viewport_size
    return height / size["height"] if size else 0.0


if __name__ == "__main__":
    main()
