"""Days and ISO weeks as one kind of value."""

from __future__ import annotations

from datetime import date

import pytest

from dailypapers.errors import DateError
from dailypapers.periods import Period, dates_between, validate_date, validate_week


def test_a_day_and_a_week_say_what_they_are() -> None:
    day, week = Period.parse("2024-12-06"), Period.parse("2024-W49")

    assert (day.kind, day.is_week, str(day)) == ("day", False, "2024-12-06")
    assert (day.first_day, day.last_day) == (date(2024, 12, 6), date(2024, 12, 6))
    assert (week.kind, week.is_week, str(week)) == ("week", True, "2024-W49")
    assert (week.first_day, week.last_day) == (date(2024, 12, 2), date(2024, 12, 8))
    assert Period.week_of(date(2024, 12, 30)) == Period.week("2025-W01")


def test_a_week_sorts_right_after_the_sunday_it_ends_with() -> None:
    names = ["2024-12-09", "2024-W49", "2024-12-08", "2024-12-02"]

    ordered = sorted((Period.parse(n) for n in names), key=Period.sort_key)

    assert [str(p) for p in ordered] == ["2024-12-02", "2024-12-08", "2024-W49", "2024-12-09"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-13-01", "invalid date '2024-13-01': expected YYYY-MM-DD"),
        ("20241206", "invalid date '20241206': expected YYYY-MM-DD"),
        ("2024-W49-5", "invalid date '2024-W49-5': expected YYYY-MM-DD"),  # an ISO week date
        ("2024-W54", "invalid week '2024-W54': 2024 has weeks W01 to W52"),
        ("2020-W53x", "invalid date '2020-W53x'"),
    ],
)
def test_a_wrong_period_is_named_with_the_form_expected(value: str, message: str) -> None:
    with pytest.raises(DateError, match=message.replace("(", r"\(")):
        Period.parse(value)


def test_the_future_is_refused_for_days_and_weeks() -> None:
    today = date(2024, 12, 6)

    assert validate_date("2024-12-06", today=today) == "2024-12-06"
    assert validate_week("2024-W49", today=today) == "2024-W49"
    with pytest.raises(DateError, match="is in the future"):
        validate_date("2024-12-07", today=today)
    with pytest.raises(DateError, match=r"week 2024-W50 is in the future \(this is week 2024-W49"):
        validate_week("2024-W50", today=today)


def test_a_range_of_days_is_inclusive_and_bounded() -> None:
    assert dates_between("2024-12-30", "2025-01-01") == ["2024-12-30", "2024-12-31", "2025-01-01"]
    with pytest.raises(DateError, match="is after"):
        dates_between("2024-12-02", "2024-12-01")
    with pytest.raises(DateError, match="at most 400"):
        dates_between("2020-01-01", "2024-01-01")
