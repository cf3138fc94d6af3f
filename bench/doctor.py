"""How long `dailypapers doctor` takes on a large archive.

Builds a database of 50,000 papers (20 a weekday, about ten years) with direct store calls, no
HTTP: the first half of the days imported from an archive (as `import-logs` stores them: a
digest and no run), the rest listed, summarized, stored as a digest and closed with a finished
run; every digest file and the README are written as `render` writes them. A few weekdays
are left out and a few runs fail, so doctor has something to report. Then doctor runs several
times in-process and once through the real CLI in a child process, and the times are printed.

    .venv/bin/python bench/doctor.py [--papers 50000] [--per-day 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from dailypapers.digest.importer import import_digest  # noqa: E402
from dailypapers.digest.render import (  # noqa: E402
    digest_path,
    paper_entry,
    render_digest,
)
from dailypapers.digest.write import publish_readme  # noqa: E402
from dailypapers.jobs.doctor import diagnose  # noqa: E402
from dailypapers.models import Digest, DigestRun, Paper, Section, Summary  # noqa: E402
from dailypapers.periods import Period  # noqa: E402
from dailypapers.store import Store  # noqa: E402

FIRST_DAY = date(2017, 1, 2)  # a Monday
SECTIONS = (
    Section("***What's New***", "새로운 방법을 제안합니다. " * 8),
    Section("***Technical Details***", "모델은 두 단계로 학습됩니다. " * 10),
    Section("***Performance Highlights***", "정확도가 3.5% 향상되었습니다. " * 6),
)
#: Every how many weekdays one is left without a run, and one has a failed paper.
GAP_EVERY, FAILED_EVERY = 97, 89


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--papers", type=int, default=50_000, help="papers in the database")
    parser.add_argument("--per-day", type=int, default=20, help="papers listed a day")
    parser.add_argument("--repeat", type=int, default=3, help="in-process doctor runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        started = time.perf_counter()
        days = build_archive(out, args.papers, args.per_day)
        print(
            f"built {args.papers:,} papers over {days:,} weekdays in "
            f"{time.perf_counter() - started:.1f} s"
        )
        seconds = []
        with Store.open(out / "dailypapers.db") as store:
            for _ in range(args.repeat):
                started = time.perf_counter()
                findings = diagnose(store, out)
                seconds.append(time.perf_counter() - started)
        print(
            f"doctor in-process: median {statistics.median(seconds):.2f} s, "
            f"max {max(seconds):.2f} s, {len(findings)} findings"
        )
        print(f"`dailypapers doctor` (child process, wall): {doctor_with_cli(out):.2f} s")


def build_archive(out: Path, papers: int, per_day: int) -> int:
    """Store ``papers`` papers, ``per_day`` a weekday, as runs would; returns the days used."""
    weekdays = weekdays_from(FIRST_DAY)
    made = day_count = 0
    with Store.open(out / "dailypapers.db") as store:
        while made < papers:
            when = next(weekdays)
            day_count += 1
            if day_count % GAP_EVERY == 0:
                continue
            count = min(per_day, papers - made)
            listed = [make_paper(made + i) for i in range(count)]
            if made < papers // 2:
                entries = tuple(paper_entry(p, SECTIONS, p.upvotes) for p in listed)
                import_digest(store, Digest(when, (DigestRun(entries),)))
            else:
                store_day(store, when, listed, day_count)
            made += count
            write_digest(store, out, when)
        publish_readme(store, out)
    return day_count


def store_day(store: Store, when: str, papers: list[Paper], number: int) -> None:
    failed = papers[-1].arxiv_id if number % FAILED_EVERY == 0 else None
    with store.transaction():
        run_id = store.start_run(when, "gpt-4o")
        for paper in papers:
            store.upsert_paper(paper, when)
        store.record_listing(Period.day(when), papers)
        chosen = []
        for paper in papers:
            if paper.arxiv_id == failed:
                store.set_status(paper.arxiv_id, "failed", "LLM call failed: HTTP 503")
                continue
            summary = Summary(SECTIONS, "llm", "gpt-4o", "ko-sections-v2", "pdf")
            summary_id = store.save_summary(paper.arxiv_id, summary)
            store.set_status(paper.arxiv_id, "summarized")
            chosen.append((paper_entry(paper, SECTIONS, paper.upvotes), summary_id))
        store.replace_runs_from(when, 0, [chosen])
        report = {"listed": len(papers), "failed": int(failed is not None), "problems": []}
        store.finish_run(run_id, report)


def write_digest(store: Store, out: Path, when: str) -> None:
    digest = store.load_digest(when)
    if digest is not None:
        path = digest_path(out, when)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render_digest(digest), encoding="utf-8")


def make_paper(number: int) -> Paper:
    arxiv_id = f"{21 + number // 90_000:02d}{1 + number // 7_500 % 12:02d}.{number:05d}"
    return Paper(
        arxiv_id=arxiv_id,
        title=f"Paper {number}: a study of efficient things",
        authors=(f"Author {number}", "Second Author", "Third Author"),
        upvotes=number * 37 % 101,
        thumbnail=f"https://cdn.example/{arxiv_id}.png",
        abstract=f"We propose method {number}. It improves accuracy by 3.5%.",
    )


def weekdays_from(first: date) -> Iterator[str]:
    day = first
    while True:
        if day.weekday() < 5:
            yield day.isoformat()
        day += timedelta(days=1)


def doctor_with_cli(out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "dailypapers", "doctor", "--out", str(out)],
        check=False,
        capture_output=True,
    )
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
