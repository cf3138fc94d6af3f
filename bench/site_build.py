"""How long the site takes to build, and how heavy it is for a reader.

Imports the reference digests (``../shared/reference/logs``; 12 generated days when they are
absent) into a fresh database, then builds the site several times in-process (into an empty
folder, and again over an unchanged one) and once through the real CLI in a child process.
Prints build times, peak memory, the search index's size (raw and gzipped) and the weight of
one day's page with what it loads (thumbnails excluded: they come from Hugging Face's CDN).

    .venv/bin/python bench/site_build.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import gzip
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dailypapers.site.build import build_site  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from tests.site_corpus import build_corpus  # noqa: E402

GOLDEN_DAY = "2024-12-06"
INDEX_LIMIT = 2 * 1024 * 1024
TIME_LIMIT_S = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="in-process builds of each kind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = build_corpus(root / "dailypapers.db")
        source = "reference corpus" if corpus.from_reference else "generated days (no reference)"
        with Store.open(corpus.db) as store:
            cold, warm = [], []
            for run in range(args.repeat):
                report = build_site(store, root / f"site-{run}")
                if run == 0:
                    print(f"{source}: {len(corpus.days)} days, {report.papers:,} papers")
                cold.append(report.seconds)
                warm.append(build_site(store, root / f"site-{run}").seconds)
        print(f"build into an empty folder: median {median_s(cold)}, max {max(cold):.2f} s")
        print(f"rebuild, nothing changed:   median {median_s(warm)}, max {max(warm):.2f} s")
        print(f"peak memory (this process): {peak_rss_mb():.0f} MB")
        cli_seconds = build_with_cli(corpus.db, root / "site-cli")
        print(f"`dailypapers site build` (child process, wall): {cli_seconds:.2f} s")
        limit = "under" if max(cold) < TIME_LIMIT_S else "OVER"
        print(f"  -> {limit} the {TIME_LIMIT_S:.0f} s goal")
        print_weights(root / "site-0", GOLDEN_DAY if corpus.from_reference else corpus.days[5])


def median_s(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_with_cli(db: Path, folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dailypapers", "site", "build", str(folder), "--db", str(db)],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def print_weights(site: Path, day: str) -> None:
    index = site / "assets" / "search-index.js"
    limit = "under" if index.stat().st_size < INDEX_LIMIT else "OVER"
    print(f"search index: {kb(index)} ({gz_kb(index)} gzipped) -> {limit} the 2 MB goal")
    page = site / "days" / f"{day}.html"
    assets = [site / "assets" / "style.css", site / "assets" / "site.js"]
    total = sum(path.stat().st_size for path in [page, *assets])
    total_gz = sum(len(gzip.compress(path.read_bytes())) for path in [page, *assets])
    print(f"day page {day}: {kb(page)} ({gz_kb(page)} gzipped)")
    for asset in assets:
        print(f"  + {asset.name}: {kb(asset)} ({gz_kb(asset)} gzipped)")
    print(f"  = {total / 1024:,.1f} KB ({total_gz / 1024:,.1f} KB gzipped), thumbnails excluded")
    search = [site / "search.html", index, *assets]
    search_total = sum(path.stat().st_size for path in search)
    print(f"search page with its index: {search_total / 1024:,.1f} KB")
    files = [path for path in site.rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in files)
    print(f"whole site: {len(files):,} files, {size / 1024 / 1024:,.1f} MB")
    print(f"feed.xml: {kb(site / 'feed.xml')}")


def kb(path: Path) -> str:
    return f"{path.stat().st_size / 1024:,.1f} KB"


def gz_kb(path: Path) -> str:
    return f"{len(gzip.compress(path.read_bytes())) / 1024:,.1f} KB"


if __name__ == "__main__":
    main()
