"""The benchmarks' own choices: which new days a rebuild is timed after and what each starts."""

from __future__ import annotations

from bench.site_build import new_days, starts


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
