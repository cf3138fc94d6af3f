"""Time for the whole package: days and ISO weeks as one kind of value, and the moment now.

A digest covers a ``Period``: one day (``2024-12-06``) or one ISO week (``2024-W49``). Code
asks a period what it is (``kind``, ``is_week``, ``first_day``, ``last_day``) instead of
looking into its name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import MINYEAR, UTC, date, datetime, timedelta
from typing import Literal

from dailypapers.errors import DateError

PeriodKind = Literal["day", "week"]

DAY_FORM = re.compile(r"\d{4}-\d{2}-\d{2}")
WEEK_FORM = re.compile(r"(\d{4})-W(\d{2})")
#: The longest range of days one command walks.
MAX_DAYS = 400


@dataclass(frozen=True)
class Period:
    """A day or an ISO week. ``str(period)`` is its name: ``2024-12-06`` or ``2024-W49``."""

    name: str
    kind: PeriodKind
    first_day: date
    last_day: date

    @classmethod
    def day(cls, value: str | date) -> Period:
        """The day ``value`` (a date, or ``YYYY-MM-DD``); DateError when it is not one."""
        day = value if isinstance(value, date) else _parse_day(value)
        return cls(day.isoformat(), "day", day, day)

    @classmethod
    def week(cls, value: str) -> Period:
        """The ISO week ``value`` (``YYYY-Www``); DateError when it is not one."""
        match = WEEK_FORM.fullmatch(value)
        if match is None:
            raise DateError(f"invalid week {value!r}: expected YYYY-Www, e.g. 2024-W49")
        year, number = int(match[1]), int(match[2])
        try:
            monday = date.fromisocalendar(year, number, 1)
        except ValueError:
            raise DateError(f"invalid week {value!r}: {_weeks_of(year)}") from None
        return cls(value, "week", monday, monday + timedelta(days=6))

    @classmethod
    def parse(cls, value: str) -> Period:
        """A day or a week, whichever ``value`` names."""
        return cls.week(value) if WEEK_FORM.fullmatch(value) else cls.day(value)

    @classmethod
    def week_of(cls, day: date) -> Period:
        """The ISO week ``day`` belongs to, e.g. ``2024-W49`` for 2024-12-06."""
        iso = day.isocalendar()
        return cls.week(f"{iso.year}-W{iso.week:02d}")

    @property
    def is_week(self) -> bool:
        return self.kind == "week"

    def sort_key(self) -> tuple[date, bool]:
        """Periods in time order; a week right after the Sunday it ends with."""
        return (self.last_day, self.is_week)

    def __str__(self) -> str:
        return self.name


def now() -> str:
    """The current moment in UTC, to the second, as ISO 8601: what every stored row carries."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def validate_date(value: str, *, today: date | None = None) -> str:
    """Return ``value`` if it is a real ``YYYY-MM-DD`` date that is not in the future (UTC)."""
    day = _parse_day(value)
    today = today or datetime.now(UTC).date()
    if day > today:
        raise DateError(f"date {value} is in the future (today is {today.isoformat()} UTC)")
    return value


def validate_week(value: str, *, today: date | None = None) -> str:
    """Return ``value`` if it is a real ISO week ``YYYY-Www`` that has begun (UTC)."""
    week = Period.week(value)
    today = today or datetime.now(UTC).date()
    if week.first_day > today:
        this_week = Period.week_of(today)
        raise DateError(f"week {value} is in the future (this is week {this_week} in UTC)")
    return value


def dates_between(since: str, until: str) -> list[str]:
    """Every date from ``since`` to ``until``, both included (validated dates)."""
    first, last = date.fromisoformat(since), date.fromisoformat(until)
    if first > last:
        raise DateError(f"--since {since} is after --until {until}")
    count = (last - first).days + 1
    if count > MAX_DAYS:
        raise DateError(f"{count} days from {since} to {until}: at most {MAX_DAYS} at a time")
    return [(first + timedelta(days=n)).isoformat() for n in range(count)]


def _parse_day(value: str) -> date:
    if not DAY_FORM.fullmatch(value):
        raise DateError(f"invalid date {value!r}: expected YYYY-MM-DD, e.g. 2024-12-06")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise DateError(f"invalid date {value!r}: expected YYYY-MM-DD, e.g. 2024-12-06") from None


def _weeks_of(year: int) -> str:
    if year < MINYEAR:
        return f"there is no year {year}"
    return f"{year} has weeks W01 to W{date(year, 12, 28).isocalendar().week:02d}"
