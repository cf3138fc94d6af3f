"""The benchmarks' own choices: which new days a rebuild is timed after and what each starts,
which arXiv id a query asks for, and how repeated query times are summed up."""

from __future__ import annotations

from pathlib import Path

from bench.generated_archive import generate_archive
from bench.search_queries import QUERIES, default_queries, summary
from bench.site_build import new_days, starts
from dailypapers.site.build import build_site
from dailypapers.site.paper_files import paper_file
from dailypapers.store import Store


def labelled(last: str) -> list[tuple[str, str]]:
    days, previous = [], last
    for day in new_days(last):
        days.append((day, starts(previous, day)))
        previous = day
    return days


def test_new_days_say_what_each_starts() -> None:
    assert labelled("2025-07-25") == [
        ("2025-07-26", "the same week"),
        ("2025-07-28", "a new week"),
        ("2025-08-01", "a new month"),
    ]


def test_the_day_after_a_year_is_a_new_year() -> None:
    assert labelled("2024-12-31") == [
        ("2025-01-01", "a new year"),
        ("2025-01-06", "a new week"),
        ("2025-02-01", "a new month"),
    ]


def test_the_labels_come_from_the_dates_so_a_monday_may_start_a_month() -> None:
    # the day after a Sunday is a new week, and the Monday a week later is in a new month
    assert labelled("2025-03-30") == [
        ("2025-03-31", "a new week"),
        ("2025-04-07", "a new month"),
        ("2025-05-01", "a new month"),
    ]


def test_a_site_with_the_reference_paper_is_asked_the_reference_queries(tmp_path: Path) -> None:
    path = tmp_path / paper_file("2412.04315")
    path.parent.mkdir(parents=True)
    path.write_text("# a paper\n", encoding="utf-8")
    assert default_queries(tmp_path) == QUERIES


def test_a_generated_site_is_asked_for_its_newest_days_first_paper(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    generate_archive(db, 90)
    with Store.open(db) as store:
        build_site(store, tmp_path / "site")
        newest = store.load_digest(store.digest_days()[-1])
    assert newest is not None
    queries = default_queries(tmp_path / "site")
    own_id = queries[3].removesuffix("v2")
    assert (tmp_path / "site" / paper_file(own_id)).exists()
    assert own_id in {entry.arxiv_id for run in newest.runs for entry in run.entries}
    assert queries[:3] + queries[4:] == QUERIES[:3] + QUERIES[4:]


def test_summary_leaves_runs_without_a_result_out_of_the_median_and_says_so() -> None:
    assert summary([0.2, 0.4, 0.3]) == "first result: median 0.30 s, slowest 0.40 s of 3"
    assert summary([0.2, None, 0.4]) == (
        "first result: median 0.30 s, slowest 0.40 s of 3; 1 showed no result (not in the median)"
    )
    assert summary([None, None]) == "no result shown in any of 2 runs"
