"""How long the site takes to build, and how heavy it is for a reader.

Imports the reference digests (``../shared/reference/logs``; 12 generated days when they are
absent) into a fresh database, or with ``--papers N`` stores a generated archive of N papers
(``generated_archive.py``), then builds the site several times in-process (into an empty
folder, and again over an unchanged one), again after each of three new days, and once
through the real CLI in a child process. Prints build times, peak memory, the files each new
day writes with what it starts (the same week, or a new week, month or year: each rebuilds
more of the index), the search index's size and file count, and the weight of one day's page
with what it loads (thumbnails excluded: they come from Hugging Face's CDN).

    .venv/bin/python bench/site_build.py [--repeat 5] [--papers 50000] [--jobs N] [--under DIR]
"""

from __future__ import annotations

import argparse
import datetime
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

from bench.generated_archive import generate_archive  # noqa: E402
from dailypapers.digest.importer import import_digest  # noqa: E402
from dailypapers.site.build import build_site  # noqa: E402
from dailypapers.store import Store  # noqa: E402
from tests.site_corpus import Corpus, build_corpus, generated_digest  # noqa: E402

GOLDEN_DAY = "2024-12-06"
TIME_LIMIT_S = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="in-process builds of each kind")
    parser.add_argument("--papers", type=int, default=0, help="a generated archive of N papers")
    parser.add_argument("--jobs", type=int, default=None, help="processes (default: per CPU)")
    parser.add_argument(
        "--under",
        type=Path,
        default=None,
        help="where to build (default: the system's temporary folder); e.g. /dev/shm to leave "
        "the disk out of the figures",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.under) as tmp:
        root = Path(tmp)
        if args.papers:
            days = generate_archive(root / "dailypapers.db", args.papers)
            corpus = Corpus(root / "dailypapers.db", days, from_reference=False)
            source = "generated archive"
        else:
            corpus = build_corpus(root / "dailypapers.db")
            source = "reference corpus" if corpus.from_reference else "generated days"
        with Store.open(corpus.db) as store:
            cold, warm = [], []
            for run in range(args.repeat):
                report = build_site(store, root / f"site-{run}", jobs=args.jobs)
                if run == 0:
                    print(f"{source}: {len(corpus.days)} days, {report.papers:,} papers")
                cold.append(report.seconds)
                warm.append(build_site(store, root / f"site-{run}", jobs=args.jobs).seconds)
        print(
            f"build into an empty folder: median {median_s(cold)}, max {max(cold):.2f} s "
            f"({report.processes} process{'es' if report.processes > 1 else ''})"
        )
        print(f"rebuild, nothing changed:   median {median_s(warm)}, max {max(warm):.2f} s")
        print_memory(report.processes)
        with Store.open(corpus.db) as store:
            previous = corpus.days[-1]
            for number, day in enumerate(new_days(previous), start=28):
                import_digest(store, generated_digest(day, number, count=30))
                report = build_site(store, root / "site-0")
                print(
                    f"rebuild after a new day of 30 papers, {day} ({starts(previous, day)}): "
                    f"{report.seconds:.2f} s, {len(report.written)} files written, "
                    f"{report.unchanged:,} unchanged"
                )
                previous = day
        cli_seconds, cli_mb = build_with_cli(corpus.db, root / "site-cli", args.jobs)
        memory = f", at most {cli_mb:.0f} MB in all its processes" if cli_mb else ""
        print(f"`dailypapers site build` (child process, wall): {cli_seconds:.2f} s{memory}")
        limit = "under" if max(cold) < TIME_LIMIT_S else "OVER"
        print(f"  -> {limit} the {TIME_LIMIT_S:.0f} s goal")
        print_weights(root / "site-0", GOLDEN_DAY if corpus.from_reference else corpus.days[5])


def new_days(last: str) -> list[str]:
    """The days a rebuild is timed after, one after the other: the day after ``last``, the
    Monday after it (a new week: the week's part of the index joins its month) and the first
    day of the month after that (a new month: the month's part joins its year)."""
    day = datetime.date.fromisoformat(last) + datetime.timedelta(days=1)
    monday = day + datetime.timedelta(days=7 - day.weekday())
    first = (monday.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return [day.isoformat(), monday.isoformat(), first.isoformat()]


def starts(previous: str, day: str) -> str:
    """What ``day`` starts after ``previous``, the biggest first (the day after an archive's
    last day is at times itself a new week, month or year; a new year rebuilds the most)."""
    before, after = datetime.date.fromisoformat(previous), datetime.date.fromisoformat(day)
    if before.year != after.year:
        return "a new year"
    if before.month != after.month:
        return "a new month"
    if before.isocalendar()[:2] != after.isocalendar()[:2]:
        return "a new week"
    return "the same week"


def median_s(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s"


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def print_memory(processes: int) -> None:
    """The peak of this process and of the largest process it started; their sum bounds
    what a build held at once (each other process holds about as much as the largest)."""
    own, child = peak_rss_mb(), peak_rss_mb(resource.RUSAGE_CHILDREN)
    if processes == 1:
        print(f"peak memory: {own:.0f} MB (one process)")
        return
    total = own + (processes - 1) * child
    print(
        f"peak memory: {own:.0f} MB in this process, {child:.0f} MB in the largest other; "
        f"at most {total:.0f} MB in all {processes} processes"
    )


def build_with_cli(db: Path, folder: Path, jobs: int | None) -> tuple[float, float]:
    """Wall time of ``dailypapers site build``, and the most memory it and the processes it
    started held at once: their proportional set sizes, summed every 0.2 s (reading them
    costs the kernel time); 0 when ``/proc`` cannot say."""
    command = [sys.executable, "-m", "dailypapers", "site", "build", str(folder)]
    command += ["--db", str(db), *(["--jobs", str(jobs)] if jobs else [])]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while child.poll() is None:
        peak = max(peak, tree_pss_mb(child.pid))
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(
            f"site build failed: {child.stderr.read().decode() if child.stderr else ''}"
        )
    return seconds, peak


def tree_pss_mb(pid: int) -> float:
    """The proportional set size of ``pid`` and its descendants, in MB (Linux)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += next(
            int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")
        )
        pending += [int(child) for child in children]
    return total / 1024


def print_weights(site: Path, day: str) -> None:
    index = [path for path in (site / "assets" / "search").rglob("*") if path.is_file()]
    size = sum(path.stat().st_size for path in index)
    print(f"search index: {len(index):,} files, {size / 1024 / 1024:,.1f} MB in all")
    page = site / "days" / f"{day}.html"
    assets = [site / "assets" / "style.css", site / "assets" / "site.js"]
    total = sum(path.stat().st_size for path in [page, *assets])
    total_gz = sum(len(gzip.compress(path.read_bytes())) for path in [page, *assets])
    print(f"day page {day}: {kb(page)} ({gz_kb(page)} gzipped)")
    for asset in assets:
        print(f"  + {asset.name}: {kb(asset)} ({gz_kb(asset)} gzipped)")
    print(f"  = {total / 1024:,.1f} KB ({total_gz / 1024:,.1f} KB gzipped), thumbnails excluded")
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
